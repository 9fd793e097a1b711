/*
 * sample_copy.c - parkplanctl sample: the generated park (sample_gen.c)
 * written into an empty, migrated database with COPY, in one transaction.
 * Ids are explicit (1..n); the identity sequences are moved past them
 * afterwards.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "copytext.h"
#include "db.h"
#include "dberr.h"
#include "sample.h"

/* --- COPY -------------------------------------------------------------- */

/*
 * The rows of a table go to PostgreSQL through a stdio stream whose
 * buffer (64 KiB) is handed to PQputCopyData each time it fills: the
 * writers below print rows, stdio does the buffering.
 */
static ssize_t
copy_stream_write(void *cookie, const char *data, size_t len)
{
	PGconn *conn = cookie;

	if (len > INT32_MAX || PQputCopyData(conn, data, (int)len) != 1)
		return -1;
	return (ssize_t)len;
}

static FILE *
copy_stream_open(PGconn *conn)
{
	static const cookie_io_functions_t io = {.write = copy_stream_write};
	FILE *f = fopencookie(conn, "w", io);

	if (f != NULL && setvbuf(f, NULL, _IOFBF, 65536) != 0) {
		fclose(f);
		return NULL;
	}
	return f;
}

static int
copy_stream_emit(void *arg, const char *data, size_t len)
{
	return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

/* Text in COPY's text format (copytext.h). */
static void
copy_text(FILE *out, const char *s)
{
	(void)copytext_escape_str(s, copy_stream_emit, out);
}

/* A text[] literal of the codes whose bits are set; codes are plain. */
static void
copy_codes(FILE *out, unsigned set, const char *const *codes, int n)
{
	bool first = true;
	int i;

	fputs("{", out);
	for (i = 0; i < n; i++) {
		if (!(set & (1u << i)))
			continue;
		if (!first)
			fputs(",", out);
		fputs("\"", out);
		copy_text(out, codes[i]);
		fputs("\"", out);
		first = false;
	}
	fputs("}", out);
}

/* Micro-degrees as a decimal: 31170000 -> 31.170000. */
static void
copy_degrees(FILE *out, int64_t micro)
{
	uint64_t a = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;

	fprintf(out, "%s%" PRIu64 ".%06" PRIu64, micro < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		dberr_pq(err, errlen, sql, conn);
	PQclear(res);
	return ok ? 0 : -1;
}

typedef void (*row_writer)(FILE *out, const struct sample_park *p, int64_t i);

static void
write_zone(FILE *out, const struct sample_park *p, int64_t i)
{
	const struct gen_zone *z = &p->zones[i];

	fprintf(out, "%" PRId64 "\t", i + 1);
	copy_text(out, z->code);
	fputs("\t", out);
	copy_text(out, z->name);
	fputs("\t", out);
	copy_degrees(out, (z->lat_lo + z->lat_hi) / 2);
	fputs("\t", out);
	copy_degrees(out, (z->lon_lo + z->lon_hi) / 2);
	fputs("\t1\n", out);
}

static void
write_organisation(FILE *out, const struct sample_park *p, int64_t i)
{
	const struct gen_organisation *o = &p->orgs[i];

	fprintf(out, "%" PRId64 "\t", i + 1);
	copy_text(out, o->name);
	fprintf(out, "\t%s\n", org_kind_text[o->kind]);
}

static void
write_enterprise(FILE *out, const struct sample_park *p, int64_t i)
{
	const struct gen_enterprise *e = &p->enterprises[i];

	fprintf(out, "%" PRId64 "\t", i + 1);
	copy_text(out, e->name);
	fprintf(out, "\t%" PRId32 "\t", e->zone + 1);
	copy_text(out, industry_code[e->industry]);
	if (e->org_id > 0)
		fprintf(out, "\t%" PRId64, e->org_id);
	else
		fputs("\t\\N", out);
	fprintf(out, "\t%" PRId32 "\t%" PRId32 "\t", e->party_members, e->employees);
	copy_degrees(out, e->lat);
	fputs("\t", out);
	copy_degrees(out, e->lon);
	fputs("\t", out);
	copy_codes(out, e->offers, service_code, SRV_COUNT);
	fprintf(out, "\t%" PRId32 "\t", e->max_communities);
	if (e->year == 0)
		fputs("\\N\t", out);
	else
		fprintf(out, "%04d-%02d-%02d\t", e->year, e->month, e->day);
	copy_text(out, e->credit_code);
	fputs("\n", out);
}

static void
write_community(FILE *out, const struct sample_park *p, int64_t i)
{
	const struct gen_community *cm = &p->communities[i];

	fprintf(out, "%" PRId64 "\t", i + 1);
	copy_text(out, cm->name);
	fputs("\t", out);
	copy_degrees(out, cm->lat);
	fputs("\t", out);
	copy_degrees(out, cm->lon);
	fputs("\t", out);
	copy_codes(out, cm->needs, service_code, SRV_COUNT);
	fprintf(out, "\t%" PRId32 "\t%" PRId32 "\t", cm->min_partners, cm->max_partners);
	copy_text(out, cm->code);
	fputs("\n", out);
}

static void
write_instructor(FILE *out, const struct sample_park *p, int64_t i)
{
	const struct gen_instructor *in = &p->instructors[i];

	fprintf(out, "%" PRId64 "\t", i + 1);
	copy_text(out, in->name);
	fputs(in->full_time ? "\tt\t" : "\tf\t", out);
	if (in->capacity > 0)
		fprintf(out, "%" PRId32 "\t", in->capacity);
	else
		fputs("\\N\t", out);
	copy_codes(out, in->skills, industry_code, IND_COUNT);
	fputs("\t", out);
	copy_degrees(out, in->lat);
	fputs("\t", out);
	copy_degrees(out, in->lon);
	fputs("\t", out);
	copy_text(out, in->code);
	fputs("\n", out);
}

static void
write_period(FILE *out, const struct sample_park *p, int64_t i)
{
	fprintf(out, "%" PRId64 "\t%s\t%s\n", i + 1, period_label[i], period_start[i]);
}

/* Rows are (instructor, period); i runs over instructor x period. */
static void
write_unavailable(FILE *out, const struct sample_park *p, int64_t i)
{
	int64_t instructor = i / PERIODS;
	int period = (int)(i % PERIODS);

	if (p->instructors[instructor].unavailable & (1u << period))
		fprintf(out, "%" PRId64 "\t%d\n", instructor + 1, period + 1);
}

struct table {
	const char *name;
	const char *copy_sql;
	row_writer write;
	bool has_identity;
};

static const struct table tables[] = {
    {"zone", "COPY zone (id, code, name, lat, lon, min_fulltime) FROM STDIN", write_zone, true},
    {"party_organisation", "COPY party_organisation (id, name, kind) FROM STDIN",
     write_organisation, true},
    {"enterprise",
     "COPY enterprise (id, name, zone_id, industry, party_org_id, party_members, employees,"
     " lat, lon, offers, max_communities, joined_on, credit_code) FROM STDIN",
     write_enterprise, true},
    {"community",
     "COPY community (id, name, lat, lon, needs, min_partners, max_partners, code)"
     " FROM STDIN",
     write_community, true},
    {"instructor",
     "COPY instructor (id, name, full_time, capacity, skills, home_lat, home_lon, code)"
     " FROM STDIN",
     write_instructor, true},
    {"period", "COPY period (id, label, start) FROM STDIN", write_period, true},
    {"instructor_unavailable", "COPY instructor_unavailable (instructor_id, period_id) FROM STDIN",
     write_unavailable, false},
};

/* Rows the writer is called for, and rows it writes. */
static void
table_rows(const struct sample_park *p, size_t t, int64_t *calls, int64_t *rows)
{
	switch (t) {
	case 0:
		*calls = *rows = p->n_zones;
		break;
	case 1:
		*calls = *rows = p->n_orgs;
		break;
	case 2:
		*calls = *rows = p->n_enterprises;
		break;
	case 3:
		*calls = *rows = p->n_communities;
		break;
	case 4:
		*calls = *rows = p->n_instructors;
		break;
	case 5:
		*calls = *rows = PERIODS;
		break;
	default:
		*calls = p->n_instructors * PERIODS;
		*rows = p->n_unavailable;
		break;
	}
}

static int
copy_table(PGconn *conn, const struct sample_park *p, size_t t, FILE *log, char *err, size_t errlen)
{
	FILE *out;
	bool failed;
	PGresult *res;
	int64_t i, calls, rows;
	double start = now_ms();
	int rc = 0;
	char what[64];

	snprintf(what, sizeof(what), "COPY %s", tables[t].name);
	table_rows(p, t, &calls, &rows);
	res = PQexec(conn, tables[t].copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		dberr_pq(err, errlen, what, conn);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	out = copy_stream_open(conn);
	failed = out == NULL;
	for (i = 0; i < calls && !failed; i++) {
		tables[t].write(out, p, i);
		failed = ferror(out) != 0;
	}
	if (out != NULL && fclose(out) != 0)
		failed = true;
	if (PQputCopyEnd(conn, failed ? "parkplan: could not write the rows" : NULL) != 1) {
		dberr_pq(err, errlen, what, conn);
		return -1;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			dberr_pq(err, errlen, what, conn);
			rc = -1;
		}
		PQclear(res);
	}
	if (rc == 0 && failed) {
		dberr_set(err, errlen, "COPY %s: could not send the rows", tables[t].name);
		rc = -1;
	}
	if (rc == 0 && log != NULL)
		fprintf(log, "%-24s %8" PRId64 " rows %10.1f ms\n", tables[t].name, rows,
		        now_ms() - start);
	return rc;
}

static int
set_sequence(PGconn *conn, const char *table, int64_t last, char *err, size_t errlen)
{
	char value[32];
	const char *params[2] = {table, value};
	PGresult *res;
	int ok;

	snprintf(value, sizeof(value), "%" PRId64, last);
	res = PQexecParams(conn, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2::bigint)", 2,
	                   NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		dberr_pq(err, errlen, table, conn);
	PQclear(res);
	return ok ? 0 : -1;
}

/* The tables whose rows make the planning data (and plans made from it). */
#define PLANNING_TABLES                                                                            \
	"zone, party_organisation, enterprise, community, instructor, period, "                    \
	"instructor_unavailable, rule, setting, plan_run"

static const char check_schema_sql[] =
    "SELECT t FROM unnest(string_to_array($1, ', ')) AS t WHERE to_regclass(t) IS NULL";

static const char lock_sql[] = "LOCK TABLE " PLANNING_TABLES " IN SHARE ROW EXCLUSIVE MODE";

static const char check_empty_sql[] =
    "SELECT t FROM (VALUES"
    " ('zone', EXISTS (SELECT 1 FROM zone)),"
    " ('party_organisation', EXISTS (SELECT 1 FROM party_organisation)),"
    " ('enterprise', EXISTS (SELECT 1 FROM enterprise)),"
    " ('community', EXISTS (SELECT 1 FROM community)),"
    " ('instructor', EXISTS (SELECT 1 FROM instructor)),"
    " ('period', EXISTS (SELECT 1 FROM period)),"
    " ('instructor_unavailable', EXISTS (SELECT 1 FROM instructor_unavailable)),"
    " ('rule', EXISTS (SELECT 1 FROM rule)),"
    " ('setting', EXISTS (SELECT 1 FROM setting)),"
    " ('plan_run', EXISTS (SELECT 1 FROM plan_run))"
    ") AS v(t, has_rows) WHERE has_rows";

/* The names in the first column of res, comma-separated, into out. */
static void
join_names(const PGresult *res, char *out, size_t outlen)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < PQntuples(res); i++) {
		if (i > 0)
			strncat(out, ", ", outlen - strlen(out) - 1);
		strncat(out, PQgetvalue(res, i, 0), outlen - strlen(out) - 1);
	}
}

/* Inside the transaction: the schema is there and the tables are empty. */
static int
check_target(PGconn *conn, char *err, size_t errlen)
{
	const char *params[1] = {PLANNING_TABLES};
	char names[512];
	PGresult *res;

	res = PQexecParams(conn, check_schema_sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_pq(err, errlen, "checking the schema", conn);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) > 0) {
		join_names(res, names, sizeof(names));
		dberr_set(err, errlen,
		          "the database has no parkplan schema (missing: %s); run "
		          "'parkplanctl migrate' first",
		          names);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (exec_ok(conn, lock_sql, err, errlen) < 0)
		return -1;
	res = PQexec(conn, check_empty_sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_pq(err, errlen, "checking for planning data", conn);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) > 0) {
		join_names(res, names, sizeof(names));
		dberr_set(err, errlen,
		          "refusing to write the sample park: the database already holds "
		          "planning data (rows in %s); sample needs an empty, migrated database",
		          names);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
db_sample(PGconn *conn, enum sample_scale scale, uint64_t seed, FILE *log, char *err, size_t errlen)
{
	struct sample_park p;
	double start = now_ms(), t0;
	size_t t;
	int64_t calls, rows;

	if ((unsigned)scale >= COUNT(scale_specs)) {
		dberr_set(err, errlen, "unknown scale %d", (int)scale);
		return -1;
	}
	if (sample_generate(&p, scale, seed) < 0) {
		dberr_set(err, errlen, "out of memory while generating the sample park");
		sample_park_free(&p);
		return -1;
	}
	if (log != NULL)
		fprintf(log, "sample park: scale %s, seed %" PRIu64 ", generated in %.1f ms\n",
		        p.spec->name, seed, now_ms() - start);

	if (exec_ok(conn, "BEGIN", err, errlen) < 0) {
		sample_park_free(&p);
		return -1;
	}
	if (check_target(conn, err, errlen) < 0)
		goto fail;
	for (t = 0; t < COUNT(tables); t++)
		if (copy_table(conn, &p, t, log, err, errlen) < 0)
			goto fail;
	for (t = 0; t < COUNT(tables); t++) {
		if (!tables[t].has_identity)
			continue;
		table_rows(&p, t, &calls, &rows);
		if (set_sequence(conn, tables[t].name, rows, err, errlen) < 0)
			goto fail;
	}
	t0 = now_ms();
	if (exec_ok(conn, "COMMIT", err, errlen) < 0)
		goto fail;
	if (log != NULL) {
		fprintf(log, "%-24s %8s      %10.1f ms\n", "commit", "", now_ms() - t0);
		fprintf(log, "sample park written in %.1f ms\n", now_ms() - start);
	}
	sample_park_free(&p);
	return 0;
fail:
	if (PQstatus(conn) == CONNECTION_OK) {
		PGresult *res = PQexec(conn, "ROLLBACK");

		PQclear(res);
	}
	sample_park_free(&p);
	return -1;
}
