/*
 * explain_json.c - the JSON values and texts every part of an explanation
 * builds with (explain_ctx.h): numbers as planners read them, texts that
 * are always UTF-8, objects and arrays that note running out of memory in
 * the context rather than failing, a plan part's status and reasons, and
 * the clauses of why an alternative lost.  It calls no part of the
 * explanation: they all call it.
 *
 * Texts are built by vasprintf, the solver's one way to build text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ctx.h"
#include "index.h"

/* ---------------------------------------------------------------- numbers */

const char *
explain_format_int(char buf[32], int64_t v)
{
	char digits[24];
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n, i, o = 0;

	snprintf(digits, sizeof(digits), "%" PRIu64, m);
	n = strlen(digits);
	if (v < 0)
		buf[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
explain_format_m(char buf[40], double d)
{
	char tmp[32];

	snprintf(buf, 40, "%s m", explain_format_int(tmp, (int64_t)lround(d)));
	return buf;
}

/* ---------------------------------------------------------------- JSON */

json_t *
explain_text(struct explain_ctx *x, const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	/* Not valid UTF-8: show the bad bytes as '?'. */
	copy = strdup(s);
	if (copy == NULL) {
		x->oom = true;
		return NULL;
	}
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	if (j == NULL)
		x->oom = true;
	return j;
}

json_t *
explain_textf(struct explain_ctx *x, const char *fmt, ...)
{
	char *text = NULL;
	json_t *j;
	va_list ap;

	va_start(ap, fmt);
	explain_vappend(x, &text, fmt, ap);
	va_end(ap);
	j = text != NULL ? explain_text(x, text) : NULL;
	free(text);
	return j;
}

void
explain_set(struct explain_ctx *x, json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || obj == NULL) {
		json_decref(val);
		x->oom = true;
		return;
	}
	if (json_object_set_new(obj, key, val) != 0)
		x->oom = true;
}

void
explain_push(struct explain_ctx *x, json_t *arr, json_t *val)
{
	if (val == NULL || arr == NULL) {
		json_decref(val);
		x->oom = true;
		return;
	}
	if (json_array_append_new(arr, val) != 0)
		x->oom = true;
}

json_t *
explain_object(struct explain_ctx *x)
{
	json_t *o = json_object();

	if (o == NULL)
		x->oom = true;
	return o;
}

json_t *
explain_array(struct explain_ctx *x)
{
	json_t *a = json_array();

	if (a == NULL)
		x->oom = true;
	return a;
}

json_t *
explain_ratio(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

json_t *
explain_codes(struct explain_ctx *x, const struct codes *c)
{
	json_t *a = explain_array(x);
	size_t i;

	for (i = 0; a != NULL && i < c->n; i++)
		explain_push(x, a, explain_text(x, c->v[i]));
	return a;
}

json_t *
explain_zone_ref(struct explain_ctx *x, int64_t zone_id)
{
	size_t z = idmap_get(&x->ix.zone, zone_id);
	json_t *o;

	if (z == IDMAP_NONE)
		return json_null();
	o = explain_object(x);
	explain_set(x, o, "id", json_integer(x->s->zones[z].id));
	explain_set(x, o, "code", explain_text(x, x->s->zones[z].code));
	explain_set(x, o, "name", explain_text(x, x->s->zones[z].name));
	return o;
}

json_t *
explain_part(struct explain_ctx *x, const struct plan_part *part)
{
	json_t *o = explain_object(x), *r = explain_array(x);
	size_t i;

	explain_set(x, o, "status", explain_text(x, part_status_name(part->status)));
	for (i = 0; r != NULL && i < part->n_reasons; i++)
		explain_push(x, r, explain_text(x, part->reasons[i]));
	explain_set(x, o, "reasons", r);
	return o;
}

/* ---------------------------------------------------------------- texts */

void
explain_vappend(struct explain_ctx *x, char **text, const char *fmt, va_list ap)
{
	char *more, *joined;

	if (vasprintf(&more, fmt, ap) < 0) {
		x->oom = true;
		return;
	}
	if (*text == NULL) {
		*text = more;
		return;
	}
	if (asprintf(&joined, "%s%s", *text, more) < 0) {
		x->oom = true;
		free(more);
		return;
	}
	free(*text);
	free(more);
	*text = joined;
}

void
explain_append(struct explain_ctx *x, char **text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	explain_vappend(x, text, fmt, ap);
	va_end(ap);
}

void
explain_block(struct explain_ctx *x, const char **code, char **reason, const char *block_code,
              const char *fmt, ...)
{
	va_list ap;

	if (*code == NULL)
		*code = block_code;
	else
		explain_append(x, reason, "; ");
	va_start(ap, fmt);
	explain_vappend(x, reason, fmt, ap);
	va_end(ap);
}
