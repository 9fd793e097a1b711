/*
 * http_report.c - the plan as documents over HTTP (docs/http.md):
 * /report (the page), /plans/N.xlsx (the workbook), /plans/N/TABLE.csv
 * (one table), made by the report library (report/report.h).
 *
 * One statement reads everything a document needs as one JSON value: the
 * run's row, its stored snapshot, its plan as a parkplan-plan/1 document
 * (plan_sql.h, the reader show and explain use), the plan in force and its
 * plan, the recent runs.  While that answer is at hand, a worker child is
 * forked (daemon/jobs.c) that parses it, renders the document (the
 * workbook into a private temporary file, which libxlsxwriter needs) and
 * sends the bytes back as frames; the loop relays each frame to the client
 * as a chunk.  At most http.max_renders render at once; each child has the
 * solver's memory limit and http.timeout_s as its deadline.  A request
 * that goes (the client, its time, the shutdown) takes its child with it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "parkpland.h"
#include "plan.h"
#include "plan_sql.h"
#include "report.h"
#include "snapshot.h"
#include "validate.h"
#include "worker.h"

#define REPORT_FRAME_DATA 'D'
#define REPORT_FRAME_GONE 'N' /* the document does not exist (a zone not in the park, ...) */
#define REPORT_FRAME_MAX ((size_t)FRAME_STREAM_CHUNK)
#define REPORT_RECENT "20" /* runs listed for links */

static const char report_sql[] =
    "WITH r AS (SELECT * FROM plan_run WHERE id = " CMD_PLAN_OR_DEFAULT(
        "$1") ") "
              "SELECT json_build_object('run', row_to_json(r), 'snapshot', s.snapshot,"
              " 'plan', " PLAN_SQL_DOCUMENT(
                  "r") ","
                       " 'in_force_id', (SELECT id FROM plan_in_force),"
                       " 'in_force', (SELECT json_build_object('id', f.id, "
                       "'plan', " PLAN_SQL_DOCUMENT(
                           "f") ")"
                                "   FROM plan_run f WHERE f.id = (SELECT id FROM plan_in_force) "
                                "AND f.id <> r.id),"
                                " 'plans', (" PLAN_SQL_LIST(
                                    REPORT_RECENT) ")) "
                                                   "FROM r JOIN plan_snapshot s ON s.run_id = r.id "
                                                   "WHERE $2::boolean OR r.status = 'succeeded'";

struct http_report {
	struct parkpland *env;
	struct http_request *hq;
	enum http_report_kind kind;
	enum report_table table;
	int64_t plan, zone;
	struct db_batch *batch; /* the statement in flight */
	struct job *job;        /* the render in flight */
	const char *text;       /* the database's answer, during the fork only */
	bool found;
	char tmp[256]; /* the workbook's temporary file, removed at the end */
	char error[512];
	bool gone;    /* the document does not exist (REPORT_FRAME_GONE) */
	bool started; /* the answer's status line is out */
};

static const char *
report_type(enum http_report_kind kind)
{
	switch (kind) {
	case HTTP_REPORT_PAGE:
		return "text/html; charset=utf-8";
	case HTTP_REPORT_XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	case HTTP_REPORT_CSV:
		break;
	}
	return "text/csv; charset=utf-8";
}

/* --- the child ------------------------------------------------------------ */

/* Bytes as data frames, FRAME_STREAM_CHUNK at most each. */
static int
report_send(int fd, const char *data, size_t len)
{
	while (len > 0) {
		size_t n = len < REPORT_FRAME_MAX ? len : REPORT_FRAME_MAX;

		if (frame_write(fd, REPORT_FRAME_DATA, data, n) != 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

/* The workbook, written to x->tmp by libxlsxwriter, then sent. */
static int
report_send_file(int fd, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(REPORT_FRAME_MAX);
	size_t n;
	int rc = 0;

	if (f == NULL || buf == NULL) {
		if (f != NULL)
			fclose(f);
		free(buf);
		return -1;
	}
	while (rc == 0 && (n = fread(buf, 1, REPORT_FRAME_MAX, f)) > 0)
		rc = frame_write(fd, REPORT_FRAME_DATA, buf, n);
	if (ferror(f))
		rc = -1;
	fclose(f);
	free(buf);
	return rc;
}

static void
report_render(int fd, struct http_report *x, const struct report_input *in)
{
	char err[512], *mem = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	if (x->kind == HTTP_REPORT_XLSX) {
		if (report_xlsx(in, x->tmp, err, sizeof(err)) != 0)
			worker_fail(fd, 2, "the workbook: %s", err);
		if (report_send_file(fd, x->tmp) != 0)
			_exit(3);
		return;
	}
	out = open_memstream(&mem, &len);
	if (out == NULL)
		worker_fail(fd, 2, "out of memory");
	rc = x->kind == HTTP_REPORT_PAGE ? report_html(in, out, err, sizeof(err))
	                                 : report_csv(in, x->table, out, err, sizeof(err));
	if (fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -1;
	}
	if (rc != 0)
		worker_fail(fd, 2, "%s: %s", x->kind == HTTP_REPORT_PAGE ? "the page" : "the table",
		            err);
	if (report_send(fd, mem, len) != 0)
		_exit(3);
	free(mem);
}

/* A part of the statement's answer as a plan, or the child fails saying what. */
static void
report_plan(int fd, const json_t *doc, struct plan *p, const char *what)
{
	char err[512];

	if (plan_from_json(doc, p, err, sizeof(err)) != 0)
		worker_fail(fd, 2, "%s does not read back: %s", what, err);
}

/* In the child: parse what the database gave, render, send. */
static int
report_child(int fd, void *arg)
{
	struct http_report *x = arg;
	struct report_input in = {.link_prefix = ""};
	struct snapshot s;
	struct plan p, in_force;
	struct problems pr;
	json_error_t jerr;
	json_t *d, *force;
	char err[512];
	size_t z;

	d = json_loads(x->text, 0, &jerr);
	if (d == NULL)
		worker_fail(fd, 2, "bad JSON from the database: %s", jerr.text);
	if (snapshot_from_json(json_object_get(d, "snapshot"), &s, err, sizeof(err)) != 0)
		worker_fail(fd, 2, "the stored snapshot does not read back: %s", err);
	problems_init(&pr);
	if (snapshot_validate(&s, &pr) > 0) {
		char msg[256];

		snprintf(msg, sizeof(msg),
		         "run %" PRId64 " failed on %zu problems in its data: no report (its "
		         "problems: parkplanctl show %" PRId64 ", /api/plans/%" PRId64 ")",
		         x->plan, pr.n, x->plan, x->plan);
		(void)worker_send_line(fd, REPORT_FRAME_GONE, msg);
		return 0;
	}
	problems_free(&pr);
	for (z = 0; z < s.n_zones && s.zones[z].id != x->zone; z++)
		;
	if (x->zone != 0 && z == s.n_zones) {
		char msg[128];

		snprintf(msg, sizeof(msg), "no zone %" PRId64 " in the park of this plan", x->zone);
		(void)worker_send_line(fd, REPORT_FRAME_GONE, msg);
		return 0;
	}
	report_plan(fd, json_object_get(d, "plan"), &p, "the stored plan");
	force = json_object_get(d, "in_force");
	if (json_is_object(force)) {
		report_plan(fd, json_object_get(force, "plan"), &in_force, "the plan in force");
		in.in_force = &in_force;
	}
	in.s = &s;
	in.p = &p;
	in.run = json_object_get(d, "run");
	in.plan_id = json_integer_value(json_object_get(in.run, "id"));
	in.in_force_id = json_integer_value(json_object_get(d, "in_force_id"));
	in.plans = json_object_get(d, "plans");
	in.zone_id = x->zone;
	report_render(fd, x, &in);
	/* the child exits: its memory goes with it */
	return 0;
}

/* --- the parent ----------------------------------------------------------- */

static void
report_free(struct http_report *x)
{
	if (x->tmp[0] != '\0')
		(void)unlink(x->tmp);
	http_render_end(x->env->http);
	http_request_on_gone(x->hq, NULL, NULL);
	http_request_unref(x->hq);
	free(x);
}

/* The request went first: its statement and its child go too. */
static void
report_cancel(void *arg)
{
	struct http_report *x = arg;

	if (x->batch != NULL)
		db_batch_forget(x->env->db, x->batch);
	job_cancel(x->job, "the HTTP request is gone");
	x->batch = NULL;
	x->job = NULL;
	report_free(x);
}

static void
report_start_answer(struct http_report *x)
{
	char disp[128];

	if (x->started)
		return;
	x->started = true;
	if (x->kind == HTTP_REPORT_XLSX) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"parkplan-%" PRId64 ".xlsx\"",
		         x->plan);
		http_add_header(x->hq, "Content-Disposition", disp);
	} else if (x->kind == HTTP_REPORT_CSV) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"parkplan-%" PRId64 "-%s\"",
		         x->plan, report_table_file(x->table));
		http_add_header(x->hq, "Content-Disposition", disp);
	} else {
		/* self-contained: no script, no request to anywhere */
		http_add_header(x->hq, "Content-Security-Policy",
		                "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	}
	http_stream_start(x->hq, 200, report_type(x->kind));
}

static int
report_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct http_report *x = arg;
	struct evbuffer *chunk;

	if (f->type == WORKER_FRAME_ERROR || f->type == REPORT_FRAME_GONE) {
		snprintf(x->error, sizeof(x->error), "%s", f->data);
		x->gone = f->type == REPORT_FRAME_GONE;
		return 0;
	}
	if (f->type != REPORT_FRAME_DATA) {
		snprintf(err, errlen, "an unexpected frame '%c'", f->type);
		return -1;
	}
	report_start_answer(x);
	chunk = evbuffer_new();
	if (chunk == NULL || evbuffer_add(chunk, f->data, f->len) != 0) {
		if (chunk != NULL)
			evbuffer_free(chunk);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	http_stream_chunk(x->hq, chunk);
	evbuffer_free(chunk);
	return 0;
}

static void
report_child_done(void *arg, struct worker *w)
{
	struct http_report *x = arg;
	char error[512] = "";
	bool failed = worker_error(w, error, sizeof(error)) != 0;

	x->job = NULL;
	if (x->error[0] != '\0')
		snprintf(error, sizeof(error), "%s", x->error);
	if (x->gone) {
		http_reply_problem(x->hq, 404, ERR_NOT_FOUND, "%s", error);
	} else if (failed || error[0] != '\0') {
		log_warnx("http: the report of plan %" PRId64 ": %s", x->plan, error);
		if (x->started)
			http_stream_abort(x->hq); /* the client sees it cut */
		else
			http_reply_problem(x->hq, 500, ERR_INTERNAL, "%s", error);
	} else {
		report_start_answer(x); /* an empty document still has its status and type */
		http_stream_end(x->hq);
	}
	report_free(x);
}

/* The statement's answer, at hand: fork the render while it is. */
static int
report_take(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct http_report *x = arg;
	const struct config *conf = x->env->conf;
	struct worker_spec spec = {0};
	const char *dir = getenv("TMPDIR");
	char why[256];
	int fd;

	(void)err;
	(void)errlen;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		return 0;
	x->found = true;
	if (http_request_head(x->hq))
		return 0; /* the document exists: HEAD needs no more */
	if (x->kind == HTTP_REPORT_XLSX) {
		snprintf(x->tmp, sizeof(x->tmp), "%s/parkplan-report-XXXXXX.xlsx",
		         dir != NULL && dir[0] == '/' ? dir : "/tmp");
		fd = mkstemps(x->tmp, 5);
		if (fd < 0) {
			snprintf(x->error, sizeof(x->error), "a temporary file in %s: %s",
			         dir != NULL && dir[0] == '/' ? dir : "/tmp", strerror(errno));
			x->tmp[0] = '\0';
			return 0;
		}
		close(fd);
	}
	spec.what = "report";
	spec.limits.memory_bytes = (size_t)conf->solver_memory_mib * 1024 * 1024;
	spec.limits.wall_s = conf->http_timeout_s;
	spec.child = report_child;
	spec.child_arg = x;
	spec.frame = report_frame;
	spec.frame_arg = x;
	spec.max_frame = REPORT_FRAME_MAX;
	x->text = PQgetvalue(res, 0, 0);
	x->job = job_start(x->env->jobs, &spec, report_child_done, NULL, x, why, sizeof(why));
	x->text = NULL;
	if (x->job == NULL)
		snprintf(x->error, sizeof(x->error), "%s", why);
	return 0;
}

static void
report_batch_done(void *arg, int rc, const char *error)
{
	struct http_report *x = arg;

	x->batch = NULL;
	if (x->job != NULL)
		return; /* the child answers */
	if (rc != 0) {
		log_warnx("http: report: %s", error);
		http_reply_problem(x->hq, 500, ERR_DATABASE, "%s", error);
	} else if (!x->found) {
		http_reply_problem(x->hq, 404, ERR_NOT_FOUND, "%s",
		                   x->kind != HTTP_REPORT_PAGE
		                       ? "no such plan, or its run did not succeed"
		                   : x->plan != 0 ? "no such plan, or no snapshot stored for it"
		                                  : "no plan yet");
	} else if (x->error[0] != '\0') {
		log_warnx("http: report: %s", x->error);
		http_reply_problem(x->hq, 500, ERR_INTERNAL, "%s", x->error);
	} else {
		/* HEAD: the document exists */
		report_start_answer(x);
		http_stream_end(x->hq);
	}
	report_free(x);
}

void
http_report(struct parkpland *env, struct http_request *hq, enum http_report_kind kind,
            int64_t plan, int64_t zone, int table)
{
	struct http_report *x;
	struct db_batch *b;
	char text[32];
	const char *v[2] = {text, kind == HTTP_REPORT_PAGE ? "true" : "false"};

	if (!db_ready(env->db)) {
		http_reply_problem(hq, 503, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
		return;
	}
	if (!http_render_begin(env->http)) {
		http_add_header(hq, "Retry-After", "5");
		http_reply_problem(hq, 503, ERR_BUSY,
		                   "%d reports are being made (http.max_renders)",
		                   env->conf->http_max_renders);
		return;
	}
	x = calloc(1, sizeof(*x));
	b = db_batch_new(false);
	snprintf(text, sizeof(text), "%" PRId64, plan);
	if (plan == 0)
		v[0] = NULL;
	if (x == NULL || b == NULL || db_batch_query(b, report_sql, 2, v, report_take, x) != 0) {
		free(x);
		db_batch_free(b);
		http_render_end(env->http);
		http_reply_problem(hq, 500, ERR_INTERNAL, "out of memory");
		return;
	}
	x->env = env;
	x->hq = hq;
	x->kind = kind;
	x->table = (enum report_table)table;
	x->plan = plan;
	x->zone = zone;
	http_request_ref(hq);
	http_request_on_gone(hq, report_cancel, x);
	x->batch = b;
	if (db_batch_run(env->db, b, report_batch_done, x) != 0) {
		x->batch = NULL;
		http_reply_problem(hq, 503, ERR_UNAVAILABLE, "%s", db_state_text(env->db));
		report_free(x);
	}
}
