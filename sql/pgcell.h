/*
 * pgcell.h - the values of a PostgreSQL result in text format, read
 * strictly and named in messages by table, row id and column
 * ("enterprise 12: lat: ..."): what the snapshot loader reads rows with.
 * Every reader returns 0, or -1 after writing the reason to the cell's err.
 */
#ifndef PARKPLAN_PGCELL_H
#define PARKPLAN_PGCELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "snapshot.h"

/* Where a value comes from, for messages: "enterprise 12: lat: ...". */
struct cell {
	const PGresult *res;
	int row;
	const char *entity;
	char *err;
	size_t errlen;
};

void cell_err(const struct cell *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cell_null(const struct cell *c, int col);
const char *cell_value(const struct cell *c, int col);
int cell_i64(const struct cell *c, int col, int64_t min, int64_t max, int64_t *out);
int cell_id(const struct cell *c, int col, int64_t *out);
int cell_date(const struct cell *c, int col, int32_t *out);
int cell_double(const struct cell *c, int col, double *out);
int cell_bool(const struct cell *c, int col, bool *out);
int cell_text(const struct cell *c, int col, char **out);
json_t *cell_json(const struct cell *c, int col);
json_t *cell_array(const struct cell *c, int col, size_t max, const char *noun, size_t size,
                   void **out);
int cell_codes(const struct cell *c, int col, struct codes *out);
int cell_ids(const struct cell *c, int col, int64_t **out, size_t *n_out);
void *cell_rows_alloc(size_t n, size_t size, const char *entity, char *err, size_t errlen,
                      int *failed);

#endif
