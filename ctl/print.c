/*
 * print.c - parkplanctl's output for people: the JSON data of parkpland's
 * replies as lines and tables, and the problems of a snapshot.  Text from
 * elsewhere (names, messages) is made safe for a terminal first
 * (print_clean, table_fputs); --json escapes what a terminal would obey.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "table.h"
#include "utf8.h"

void
print_json(const json_t *data)
{
	char *text = json_dumps(data, JSON_INDENT(2) | JSON_ENCODE_ANY);
	const unsigned char *p;

	if (text == NULL)
		return;
	/*
	 * Such characters only occur inside strings (everything else jansson
	 * writes is ASCII): written as \uXXXX they mean the same to a script
	 * and nothing to a terminal.
	 */
	for (p = (const unsigned char *)text; *p != '\0';) {
		size_t n;
		int32_t cp = utf8_next(p, &n);

		/* (the C0 controls jansson escapes itself; the indentation's newlines stay) */
		if (cp >= 0x7f && table_neutralised(cp))
			printf("\\u%04x", (unsigned)cp);
		else
			fwrite(p, 1, n, stdout);
		p += n;
	}
	fputc('\n', stdout);
	free(text);
}

/* Every string in v (keys too) made safe for a terminal, in place. */
void
print_clean(json_t *v)
{
	const char *key;
	json_t *x;
	void *tmp;
	size_t i;

	if (json_is_string(v)) {
		char *safe = table_safe(json_string_value(v));

		if (safe != NULL && strcmp(safe, json_string_value(v)) != 0)
			json_string_set(v, safe);
		free(safe);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) print_clean(x);
	} else if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, key, x)
		{
			char *safe = table_safe(key);

			print_clean(x);
			if (safe != NULL && strcmp(safe, key) != 0) {
				json_object_set(v, safe, x);
				json_object_del(v, key);
			}
			free(safe);
		}
	}
}

const char *
print_text(const json_t *v, char *buf, size_t len)
{
	if (v == NULL || json_is_null(v))
		return "-";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, len, "%.1f", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "?";
}

const char *
print_time(const json_t *v, char *buf, size_t len)
{
	const char *s = json_string_value(v);

	if (s == NULL)
		return "-";
	snprintf(buf, len, "%.16s", s);
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
	return buf;
}

void
print_rows(const json_t *rows, size_t ncols, const char *const *headers, const char *const *keys,
           const char *indent)
{
	struct table *t = table_new(ncols, headers);
	size_t i, j;
	char buf[64];

	if (t == NULL)
		return;
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);

		table_row(t);
		for (j = 0; j < ncols; j++) {
			json_t *v = json_object_get(r, keys[j]);

			if (json_is_integer(v) || json_is_real(v))
				table_align(t, j, TABLE_RIGHT);
			table_cell(t, "%s", print_text(v, buf, sizeof(buf)));
		}
	}
	table_print(t, stdout, indent);
	table_free(t);
}

void
print_problems(const struct problems *p, FILE *f)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct problem *pr = &p->v[i];

		table_fputs(pr->entity, f);
		if (pr->id != 0)
			fprintf(f, " %" PRId64, pr->id);
		fputs(": ", f);
		if (pr->field[0] != '\0') {
			table_fputs(pr->field, f);
			fputs(": ", f);
		}
		table_fputs(pr->reason, f);
		fputc('\n', f);
	}
}
