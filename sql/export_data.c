/*
 * export_data.c - `parkplanctl export-data KIND`: the current rows of a
 * kind as the list an office keeps, in the same columns the import reads
 * (import_cols.c) and from the same statement the import compares with
 * (import_rows.c), so that exporting and importing again changes nothing.
 * And `parkplanctl imports`: the import_log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dberr.h"
#include "import_run.h"

/* A stored value as the list shows it (enumerations in the headers' language). */
static const char *
shown(const struct imp_column *c, const char *text, bool zh)
{
	struct imp_value v;
	char why[64];

	if (text == NULL || text[0] == '\0')
		return "";
	switch (c->type) {
	case IT_BOOL:
	case IT_FULLTIME:
	case IT_ORG:
	case IT_RULE:
		break;
	default:
		return text;
	}
	if (imp_parse(c, text, false, &v, why, sizeof(why)) < 0)
		return text;
	switch (c->type) {
	case IT_BOOL:
		return v.b ? (zh ? "是" : "true") : (zh ? "否" : "false");
	case IT_FULLTIME:
		return v.b ? (zh ? "专职" : "true") : (zh ? "兼职" : "false");
	case IT_ORG:
		return imp_org_text((int)v.i, zh);
	default:
		return imp_rule_text((int)v.i, zh);
	}
}

int
db_export_data(PGconn *conn, enum imp_kind kind, enum imp_encoding enc, bool english, FILE *out,
               size_t *rows, char *err, size_t errlen)
{
	const struct imp_kind_spec *k = &imp_kinds[kind];
	PGresult *res;
	struct csv_out *w;
	int i, c, n;

	*rows = 0;
	res = PQexec(conn, imp_state_sql(kind, true));
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_result(err, errlen, "reading the rows", res);
		PQclear(res);
		return -1;
	}
	w = csv_out_open(out, enc);
	if (w == NULL) {
		dberr_set(err, errlen, "out of memory");
		PQclear(res);
		return -1;
	}
	csv_out_header(w, k, english);
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		for (c = 0; c < k->n_cols; c++) {
			if (k->cols[c].flags & IC_NOSTORE)
				continue;
			csv_out_cell(
			    w, shown(&k->cols[c],
			             PQgetisnull(res, i, 2 + c) ? NULL : PQgetvalue(res, i, 2 + c),
			             !english));
		}
		csv_out_end_row(w);
	}
	PQclear(res);
	if (csv_out_close(w) < 0) {
		dberr_set(err, errlen, "could not write the list");
		return -1;
	}
	*rows = (size_t)n;
	return 0;
}

char *
db_imports_json(PGconn *conn, int limit, char *err, size_t errlen)
{
	char n[32];
	const char *params[1] = {n};
	PGresult *res;
	char *text;

	snprintf(n, sizeof(n), "%d", limit);
	res =
	    PQexecParams(conn,
	                 "SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]')::text FROM ("
	                 " SELECT id, imported_at, imported_by, db_role, kind, file_name, sha256,"
	                 " encoding, rows_new, rows_changed, rows_unchanged, rows_retired,"
	                 " replace, options FROM import_log ORDER BY id DESC LIMIT $1::integer) x",
	                 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		dberr_result(err, errlen, "reading import_log", res);
		PQclear(res);
		return NULL;
	}
	text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (text == NULL)
		dberr_set(err, errlen, "out of memory");
	return text;
}
