/*
 * import_write.c - a checked list written: new organisations (their ids
 * reserved first), new rows by COPY in the file's order, changed rows by
 * COPY into a temporary table and one UPDATE, retired rows set inactive
 * (never deleted), an instructor's availability replaced whole, and the
 * import_log row.  All inside the transaction import_db.c opened; a large
 * list with the table's indexes put aside while it is written
 * (import_bulk.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dberr.h"
#include "import_run.h"
#include "snapshot.h"

static int64_t
state_id(const struct imp_run *r, int64_t s)
{
	return strtoll(PQgetvalue(r->state, (int)s, 0), NULL, 10);
}

/* --- writing ------------------------------------------------------------------------- */

static ssize_t
copy_write(void *cookie, const char *data, size_t len)
{
	if (len > INT32_MAX || PQputCopyData(cookie, data, (int)len) != 1)
		return -1;
	return (ssize_t)len;
}

static FILE *
copy_open(struct imp_run *r, const char *sql)
{
	static const cookie_io_functions_t io = {.write = copy_write};
	PGresult *res = PQexec(r->conn, sql);
	FILE *f;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		dberr_pq(r->err, r->errlen, sql, r->conn);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	f = fopencookie(r->conn, "w", io);
	if (f != NULL && setvbuf(f, NULL, _IOFBF, 1 << 16) != 0) {
		fclose(f);
		f = NULL;
	}
	if (f == NULL) {
		PQputCopyEnd(r->conn, "parkplan: out of memory");
		PQclear(PQgetResult(r->conn));
		dberr_set(r->err, r->errlen, "out of memory");
	}
	return f;
}

static int
copy_close(struct imp_run *r, FILE *f, const char *what)
{
	bool failed = ferror(f) != 0;
	PGresult *res;
	int rc = 0;

	if (fclose(f) != 0)
		failed = true;
	if (PQputCopyEnd(r->conn, failed ? "parkplan: could not send the rows" : NULL) != 1) {
		dberr_pq(r->err, r->errlen, what, r->conn);
		return -1;
	}
	while ((res = PQgetResult(r->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			dberr_result(r->err, r->errlen, what, res);
			rc = -1;
		}
		PQclear(res);
	}
	return rc;
}

/* Ids for the new organisations, then their rows. */
static int
write_orgs(struct imp_run *r)
{
	char n[32];
	const char *params[1] = {n};
	PGresult *res;
	FILE *f;
	size_t i;

	if (r->n_new_orgs == 0)
		return 0;
	snprintf(n, sizeof(n), "%zu", r->n_new_orgs);
	res = imp_query(r,
	                "SELECT nextval(pg_get_serial_sequence('party_organisation', 'id'))"
	                " FROM generate_series(1, $1::integer)",
	                1, params);
	if (res == NULL)
		return -1;
	r->new_org_id = calloc(r->n_new_orgs, sizeof(*r->new_org_id));
	f = r->new_org_id != NULL
	        ? copy_open(r, "COPY party_organisation (id, name, kind) FROM STDIN")
	        : NULL;
	if (f == NULL) {
		if (r->new_org_id == NULL)
			dberr_set(r->err, r->errlen, "out of memory");
		PQclear(res);
		return -1;
	}
	for (i = 0; i < r->n_new_orgs; i++) {
		const char *key = r->new_org_key[i], *sep = strchr(key, '\x1f');

		r->new_org_id[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		fprintf(f, "%" PRId64 "\t", r->new_org_id[i]);
		imp_put_text(f, sep + 1);
		fprintf(f, "\t%.*s\n", (int)(sep - key), key);
	}
	PQclear(res);
	return copy_close(r, f, "COPY party_organisation");
}

static void
resolve_org(struct imp_run *r, struct imp_merged *m)
{
	const struct imp_kind_spec *k = r->spec;
	int oc = imp_col_index(k, "party_org"), nc = imp_col_index(k, "party_org_name");
	struct imp_value v;
	char why[256], *key;
	int64_t i;

	m->org_id = 0;
	if (imp_parse(&k->cols[oc], m->v[oc] != NULL && m->v[oc][0] ? m->v[oc] : "none", false, &v,
	              why, sizeof(why)) < 0 ||
	    v.i == ORG_NONE || m->v[nc] == NULL ||
	    asprintf(&key, "%s\x1f%s", party_org_name((enum party_org)v.i), m->v[nc]) < 0)
		return;
	m->org_id = imp_lookup_id(&r->orgs, key);
	i = imp_map_get(&r->new_orgs, key);
	if (m->org_id == 0 && i >= 0 && r->new_org_id != NULL)
		m->org_id = r->new_org_id[i];
	free(key);
}

/* The rows of one status through COPY into sql (new: no id; changed: with the id). */
static int
copy_rows(struct imp_run *r, const char *sql, enum imp_status status)
{
	struct imp_merged m;
	FILE *f = copy_open(r, sql);
	size_t row;

	if (f == NULL)
		return -1;
	for (row = 1; row <= r->t.n_data; row++) {
		if (r->status[row] != status)
			continue;
		imp_resolve(r, row, &m);
		if (r->kind == IMP_ENTERPRISES)
			resolve_org(r, &m);
		imp_put_row(f, r->kind, &m, status == ST_NEW ? 0 : state_id(r, r->match[row]));
	}
	return copy_close(r, f, sql);
}

/* "a, b" -> "c.a, c.b" */
static void
prefixed(const char *cols, char *out, size_t len)
{
	const char *p = cols;

	out[0] = '\0';
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		while (*p == ' ')
			p++, n--;
		strncat(out, out[0] ? ", c." : "c.", len - strlen(out) - 1);
		strncat(out, p, n < len - strlen(out) - 1 ? n : len - strlen(out) - 1);
		p = end != NULL ? end + 1 : p + n;
	}
}

static int
write_availability(struct imp_run *r)
{
	FILE *f;
	size_t row, i;
	int n = PQntuples(r->state), s;
	int lc = imp_col_index(r->spec, "unavailable");

	/* the instructors whose lists change (or, with --replace, are cleared) */
	if (imp_exec(r, "CREATE TEMP TABLE imp_ids (id bigint) ON COMMIT DROP") < 0)
		return -1;
	f = copy_open(r, "COPY imp_ids (id) FROM STDIN");
	if (f == NULL)
		return -1;
	for (row = 1; row <= r->t.n_data; row++)
		if (r->status[row] == ST_NEW || r->status[row] == ST_CHANGED)
			fprintf(f, "%" PRId64 "\n", state_id(r, r->match[row]));
	for (s = 0; r->o->replace && s < n; s++) {
		const char *list = imp_state_text(r, s, 1);

		if (!r->seen[s] && list != NULL && list[0] != '\0')
			fprintf(f, "%" PRId64 "\n", state_id(r, s));
	}
	if (copy_close(r, f, "COPY imp_ids") < 0 ||
	    imp_exec(r, "DELETE FROM instructor_unavailable u USING period p"
	                " WHERE p.id = u.period_id AND p.active"
	                " AND u.instructor_id IN (SELECT id FROM imp_ids)") < 0)
		return -1;
	f = copy_open(r, "COPY instructor_unavailable (instructor_id, period_id) FROM STDIN");
	if (f == NULL)
		return -1;
	for (row = 1; row <= r->t.n_data; row++) {
		struct imp_value v;
		char why[256];

		if (r->status[row] != ST_NEW && r->status[row] != ST_CHANGED)
			continue;
		if (imp_parse(&r->spec->cols[lc], imp_cell(&r->t, row, lc), false, &v, why,
		              sizeof(why)) < 0)
			continue;
		for (i = 0; i < v.n_items; i++)
			fprintf(f, "%" PRId64 "\t%" PRId64 "\n", state_id(r, r->match[row]),
			        imp_lookup_id(&r->periods, v.item[i]));
		imp_value_free(&v);
	}
	return copy_close(r, f, "COPY instructor_unavailable");
}

/* New rows, changed rows, retired rows. */
static int
write_rows(struct imp_run *r, const char *table, const char *cols)
{
	char sql[2048], pcols[1024];
	int n = PQntuples(r->state), s;
	FILE *f;

	if (r->res->n_new > 0) {
		snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", table, cols);
		if (copy_rows(r, sql, ST_NEW) < 0)
			return -1;
	}
	if (r->res->n_changed > 0) {
		snprintf(
		    sql, sizeof(sql),
		    "CREATE TEMP TABLE imp_changed (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP",
		    table);
		if (imp_exec(r, sql) < 0)
			return -1;
		snprintf(sql, sizeof(sql), "COPY imp_changed (id, %s) FROM STDIN", cols);
		if (copy_rows(r, sql, ST_CHANGED) < 0)
			return -1;
		prefixed(cols, pcols, sizeof(pcols));
		snprintf(sql, sizeof(sql),
		         "UPDATE %s t SET (%s, active) = (%s, true) FROM imp_changed c"
		         " WHERE t.id = c.id",
		         table, cols, pcols);
		if (imp_exec(r, sql) < 0)
			return -1;
	}
	if (r->res->n_retired > 0) {
		if (imp_exec(r, "CREATE TEMP TABLE imp_ids (id bigint) ON COMMIT DROP") < 0)
			return -1;
		f = copy_open(r, "COPY imp_ids (id) FROM STDIN");
		if (f == NULL)
			return -1;
		for (s = 0; s < n; s++)
			if (!r->seen[s] && imp_state_active(r, s))
				fprintf(f, "%" PRId64 "\n", state_id(r, s));
		if (copy_close(r, f, "COPY imp_ids") < 0)
			return -1;
		snprintf(sql, sizeof(sql),
		         "UPDATE %s SET active = false WHERE id IN (SELECT id FROM imp_ids)",
		         table);
		if (imp_exec(r, sql) < 0)
			return -1;
	}
	return 0;
}

int
imp_write(struct imp_run *r)
{
	const char *table = imp_db_table(r->kind), *cols = imp_db_cols(r->kind);
	int n = PQntuples(r->state), rc;
	PGresult *bulk = NULL;

	if (r->kind == IMP_AVAILABILITY)
		return write_availability(r);
	if (r->kind == IMP_ENTERPRISES && write_orgs(r) < 0)
		return -1;
	if (imp_bulk_wanted(r, (size_t)n)) {
		rc = imp_bulk_begin(r, table, &bulk);
		if (rc < 0) {
			PQclear(bulk);
			return -1;
		}
		r->res->bulk = rc == 0;
		r->res->bulk_busy = rc == 1;
	}
	rc = write_rows(r, table, cols);
	if (rc == 0 && bulk != NULL)
		rc = imp_bulk_end(r, bulk);
	PQclear(bulk);
	return rc;
}

int
imp_write_log(struct imp_run *r)
{
	char counts[4][32], options[256];
	const char *params[11];
	PGresult *res;

	snprintf(counts[0], sizeof(counts[0]), "%zu", r->res->n_new);
	snprintf(counts[1], sizeof(counts[1]), "%zu", r->res->n_changed);
	snprintf(counts[2], sizeof(counts[2]), "%zu", r->res->n_unchanged);
	snprintf(counts[3], sizeof(counts[3]), "%zu", r->res->n_retired);
	snprintf(options, sizeof(options), "%s%s%s",
	         r->o->encoding != IMP_ENC_AUTO ? "--encoding given " : "",
	         r->o->gcj02 ? "--crs gcj02 " : "",
	         r->o->place_missing ? "--place-missing zone" : "");
	params[0] = r->o->who != NULL && r->o->who[0] ? r->o->who : "unknown";
	params[1] = r->spec->name;
	params[2] = r->o->path;
	params[3] = r->file.sha256;
	params[4] = imp_encoding_name(r->file.encoding);
	params[5] = counts[0];
	params[6] = counts[1];
	params[7] = counts[2];
	params[8] = counts[3];
	params[9] = r->o->replace ? "true" : "false";
	params[10] = options;
	res = imp_query(r,
	                "INSERT INTO import_log (imported_by, kind, file_name, sha256, encoding,"
	                " rows_new, rows_changed, rows_unchanged, rows_retired, replace, options)"
	                " VALUES (left($1, 256), $2, left($3, 4096), $4, $5, $6, $7, $8, $9, $10,"
	                " left(trim($11), 256)) RETURNING id",
	                11, params);
	if (res == NULL)
		return -1;
	r->res->log_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
