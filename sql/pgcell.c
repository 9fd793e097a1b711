/*
 * pgcell.c - reading the values of a result strictly (pgcell.h).
 */
#include "pgcell.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dberr.h"

/*
 * Name the row by its id (column 0 of every row query is the id or, for
 * the previous plan, the first id of the pair) and the column by its name.
 */
void
cell_err(const struct cell *c, int col, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (col != 0 && !PQgetisnull(c->res, c->row, 0))
		dberr_set(c->err, c->errlen, "%s %.40s: %s: %s", c->entity,
		          PQgetvalue(c->res, c->row, 0), PQfname(c->res, col), reason);
	else
		dberr_set(c->err, c->errlen, "%s (row %d): %s: %s", c->entity, c->row + 1,
		          PQfname(c->res, col), reason);
}

int
cell_null(const struct cell *c, int col)
{
	return PQgetisnull(c->res, c->row, col);
}

/* The text of a cell that must not be NULL; NULL (error set) when it is. */
const char *
cell_value(const struct cell *c, int col)
{
	if (cell_null(c, col)) {
		cell_err(c, col, "unexpected NULL");
		return NULL;
	}
	return PQgetvalue(c->res, c->row, col);
}

int
cell_i64(const struct cell *c, int col, int64_t min, int64_t max, int64_t *out)
{
	const char *text = cell_value(c, col);
	char *end;
	long long v;

	if (text == NULL)
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0') {
		cell_err(c, col, "bad integer '%.40s'", text);
		return -1;
	}
	if (v < min || v > max) {
		cell_err(c, col, "%lld is outside [%" PRId64 ", %" PRId64 "]", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
cell_id(const struct cell *c, int col, int64_t *out)
{
	return cell_i64(c, col, 1, INT64_MAX, out);
}

/* A date selected as days since 1970-01-01; NULL gives DATE_NONE. */
int
cell_date(const struct cell *c, int col, int32_t *out)
{
	int64_t v;

	if (cell_null(c, col)) {
		*out = DATE_NONE;
		return 0;
	}
	if (cell_i64(c, col, (int64_t)INT32_MIN + 1, INT32_MAX, &v) < 0)
		return -1;
	*out = (int32_t)v;
	return 0;
}

int
cell_double(const struct cell *c, int col, double *out)
{
	const char *text = cell_value(c, col);
	char *end;
	double v;

	if (text == NULL)
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno == ERANGE || end == text || *end != '\0' || !isfinite(v)) {
		cell_err(c, col, "bad number '%.40s'", text);
		return -1;
	}
	*out = v;
	return 0;
}

int
cell_bool(const struct cell *c, int col, bool *out)
{
	const char *text = cell_value(c, col);

	if (text == NULL)
		return -1;
	if (strcmp(text, "t") == 0)
		*out = true;
	else if (strcmp(text, "f") == 0)
		*out = false;
	else {
		cell_err(c, col, "bad boolean '%.40s'", text);
		return -1;
	}
	return 0;
}

int
cell_text(const struct cell *c, int col, char **out)
{
	const char *text = cell_value(c, col);
	size_t len;

	if (text == NULL)
		return -1;
	len = (size_t)PQgetlength(c->res, c->row, col);
	if (len > SNAPSHOT_MAX_TEXT) {
		cell_err(c, col, "text of %zu bytes (at most %d)", len, SNAPSHOT_MAX_TEXT);
		return -1;
	}
	*out = strdup(text);
	if (*out == NULL) {
		cell_err(c, col, "out of memory");
		return -1;
	}
	return 0;
}

/* Parse a JSON document selected as text (array_to_json(...)::text). */
json_t *
cell_json(const struct cell *c, int col)
{
	const char *text = cell_value(c, col);
	json_error_t jerr;
	json_t *doc;

	if (text == NULL)
		return NULL;
	doc = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (doc == NULL)
		cell_err(c, col, "bad JSON: %s", jerr.text);
	return doc;
}

/*
 * A JSON array (array_to_json(...)::text) of at most max elements, with
 * zeroed room for them, size bytes each, in *out (NULL when there are none).
 * Returns the document for the caller to release, or NULL with the error set.
 */
json_t *
cell_array(const struct cell *c, int col, size_t max, const char *noun, size_t size, void **out)
{
	json_t *doc = cell_json(c, col);
	size_t n;

	*out = NULL;
	if (doc == NULL)
		return NULL;
	if (!json_is_array(doc)) {
		cell_err(c, col, "expected an array");
		goto fail;
	}
	n = json_array_size(doc);
	if (n > max) {
		cell_err(c, col, "%zu %s (at most %zu)", n, noun, max);
		goto fail;
	}
	if (n > 0) {
		*out = calloc(n, size);
		if (*out == NULL) {
			cell_err(c, col, "out of memory");
			goto fail;
		}
	}
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/* A code list: array_to_json(text[])::text, made a set by codes_normalize. */
int
cell_codes(const struct cell *c, int col, struct codes *out)
{
	json_t *doc, *v;
	size_t i;

	out->n = 0;
	doc = cell_array(c, col, SNAPSHOT_MAX_CODES, "codes", sizeof(*out->v), (void **)&out->v);
	if (doc == NULL)
		return -1;
	json_array_foreach(doc, i, v)
	{
		const char *code = json_string_value(v);

		if (code == NULL) {
			cell_err(c, col, "element %zu is not a string", i + 1);
			goto fail;
		}
		if (json_string_length(v) > SNAPSHOT_MAX_TEXT) {
			cell_err(c, col, "code of %zu bytes (at most %d)", json_string_length(v),
			         SNAPSHOT_MAX_TEXT);
			goto fail;
		}
		out->v[i] = strdup(code);
		if (out->v[i] == NULL) {
			cell_err(c, col, "out of memory");
			goto fail;
		}
		out->n = i + 1;
	}
	json_decref(doc);
	codes_normalize(out);
	return 0;
fail:
	json_decref(doc);
	codes_free(out);
	return -1;
}

/* A sorted list of ids: array_to_json(bigint[])::text. */
int
cell_ids(const struct cell *c, int col, int64_t **out, size_t *n_out)
{
	json_t *doc, *v;
	size_t i;

	*n_out = 0;
	doc = cell_array(c, col, SNAPSHOT_MAX_ROWS, "ids", sizeof(**out), (void **)out);
	if (doc == NULL)
		return -1;
	json_array_foreach(doc, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			cell_err(c, col, "element %zu is not an id", i + 1);
			free(*out);
			*out = NULL;
			json_decref(doc);
			return -1;
		}
		(*out)[i] = json_integer_value(v);
	}
	*n_out = json_array_size(doc);
	json_decref(doc);
	return 0;
}

/* calloc for n rows; n == 0 gives NULL, which is not an error. */
void *
cell_rows_alloc(size_t n, size_t size, const char *entity, char *err, size_t errlen, int *failed)
{
	void *p;

	*failed = 0;
	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (p == NULL) {
		dberr_set(err, errlen, "%s: out of memory for %zu rows", entity, n);
		*failed = 1;
	}
	return p;
}
