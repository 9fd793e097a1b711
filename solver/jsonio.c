/*
 * jsonio.c - JSON paths, checked conversions, builders and files shared by
 * the snapshot and plan documents.
 */
#include "jsonio.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
jsonio_start(struct jsonio_path *p, char *err, size_t errlen)
{
	strcpy(p->text, "$");
	p->len = 1;
	p->err = err;
	p->errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

size_t
jsonio_push(struct jsonio_path *p, const char *fmt, ...)
{
	size_t old = p->len, room = sizeof(p->text) - p->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->text + p->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		p->text[p->len] = '\0';
	else if ((size_t)n >= room)
		p->len = sizeof(p->text) - 1; /* truncated: still a useful prefix */
	else
		p->len += (size_t)n;
	return old;
}

size_t
jsonio_key(struct jsonio_path *p, const char *key)
{
	return jsonio_push(p, ".%s", key);
}

size_t
jsonio_index(struct jsonio_path *p, size_t i)
{
	return jsonio_push(p, "[%zu]", i);
}

void
jsonio_pop(struct jsonio_path *p, size_t old)
{
	p->len = old;
	p->text[old] = '\0';
}

int
jsonio_fail(struct jsonio_path *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err == NULL || p->errlen == 0)
		return -1;
	n = snprintf(p->err, p->errlen, "%s: ", p->text);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *
jsonio_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
	default:
		return "null";
	}
}

int
jsonio_int(struct jsonio_path *p, const json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_real(v))
		return jsonio_fail(p, "expected an integer, got %s", jsonio_type_name(v));
	d = json_real_value(v);
	if (!isfinite(d) || d != floor(d))
		return jsonio_fail(p, "expected an integer, got %.17g", d);
	/* -2^63 is exact; 2^63 is the first double past INT64_MAX */
	if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return jsonio_fail(p, "%.17g does not fit a 64-bit integer", d);
	*out = (int64_t)d;
	return 0;
}

int
jsonio_rows(struct jsonio_path *p, const json_t *obj, const char *key, size_t max, size_t size,
            void **rows, size_t *n_rows, jsonio_row_reader fn)
{
	const json_t *v = json_object_get(obj, key);
	size_t i, n, old, old_i;
	char *base;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_key(p, key);
	if (!json_is_array(v))
		return jsonio_fail(p, "expected an array, got %s", jsonio_type_name(v));
	n = json_array_size(v);
	if (n > max)
		return jsonio_fail(p, "%zu rows, more than the limit of %zu", n, max);
	if (n > 0) {
		base = calloc(n, size);
		if (base == NULL)
			return jsonio_fail(p, "out of memory");
		*rows = base;
		*n_rows = n;
		for (i = 0; i < n; i++) {
			const json_t *o = json_array_get(v, i);

			old_i = jsonio_index(p, i);
			if (!json_is_object(o))
				return jsonio_fail(p, "expected an object, got %s",
				                   jsonio_type_name(o));
			if (fn(p, o, base + i * size) != 0)
				return -1;
			jsonio_pop(p, old_i);
		}
	}
	jsonio_pop(p, old);
	return 0;
}

json_t *
jsonio_number(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

json_t *
jsonio_integer(int64_t v)
{
	return json_integer((json_int_t)v);
}

void
jsonio_put(json_t *obj, const char *key, json_t *v)
{
	if (obj == NULL) {
		json_decref(v);
		return;
	}
	if (v == NULL)
		v = json_null();
	json_object_set_new(obj, key, v);
}

json_t *
jsonio_load_file(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc;

	if (strcmp(path, "-") == 0)
		doc = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
	else
		doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL && err != NULL && errlen > 0) {
		if (jerr.line > 0)
			snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
			         jerr.text);
		else
			snprintf(err, errlen, "%s: %s", path, jerr.text);
	}
	return doc;
}

static int
dump_file(const char *path, const json_t *doc, char *err, size_t errlen)
{
	int rc;

	errno = 0;
	if (strcmp(path, "-") == 0) {
		rc = json_dumpf(doc, stdout, JSON_INDENT(1));
		if (rc == 0 && (fputc('\n', stdout) == EOF || fflush(stdout) != 0))
			rc = -1;
	} else {
		rc = json_dump_file(doc, path, JSON_INDENT(1));
	}
	if (rc != 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: cannot write: %s", path,
			         errno != 0 ? strerror(errno) : "error");
		return -1;
	}
	return 0;
}

int
jsonio_write(const char *path, json_t *doc, char *err, size_t errlen)
{
	int rc;

	if (doc == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = dump_file(path, doc, err, errlen);
	json_decref(doc);
	return rc;
}
