/*
 * metrics.c - what parkpland counts, and its text for Prometheus (the text
 * exposition format, version 0.0.4).
 *
 * A leaf: the run machine (run.c), the control socket (ctlsock.c) and the
 * HTTP listener (http*.c) report to it with plain calls, and it calls no
 * other part.  The gauges that are the state of other parts (the plan in
 * force, the database, the role, the clients) are not kept here: whoever
 * asks for the text passes them in (struct metrics_gauges).
 *
 * Every label value comes from a bounded set (triggers, phases, parts,
 * the command table's words, protocol.h's codes, HTTP status codes);
 * the tables below have fixed sizes, and a value past them is counted
 * under "other".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parkpland.h"

/* Phase durations in seconds: a park solves in a fraction of a second, a city in minutes. */
static const double metrics_buckets[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
#define METRICS_BUCKETS (sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

enum metrics_phase { PHASE_LOAD, PHASE_SOLVE, PHASE_STORE, PHASES };
static const char *const metrics_phase_names[PHASES] = {"load", "solve", "store"};

static const char *const metrics_triggers[] = {"replan", "data_change", "schedule", "startup"};
#define METRICS_TRIGGERS (sizeof(metrics_triggers) / sizeof(metrics_triggers[0]))

#define METRICS_PARTS 2
static const char *const metrics_part_names[METRICS_PARTS] = {"pairing", "roster"};

/* Distinct (command, result) pairs kept: the table's words times protocol.h's codes. */
#define METRICS_MAX_REQUESTS 256
#define METRICS_LABEL 32

struct histogram {
	uint64_t buckets[METRICS_BUCKETS]; /* cumulative counts are made when written */
	uint64_t count;
	double sum;
};

struct request_count {
	char command[METRICS_LABEL];
	char result[METRICS_LABEL];
	uint64_t n;
};

struct metrics {
	double start_time;                  /* seconds since the epoch */
	uint64_t runs[METRICS_TRIGGERS][2]; /* [trigger][0: failed, 1: succeeded] */
	struct histogram phases[PHASES];
	bool have_plan;
	struct {
		double objective, bound, gap;
	} parts[METRICS_PARTS];
	struct request_count *requests;
	size_t n_requests;
	uint64_t http_codes[600];
	uint64_t http_connections;
	uint64_t http_refused;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));
	struct timespec ts;

	if (m == NULL)
		return NULL;
	m->requests = calloc(METRICS_MAX_REQUESTS, sizeof(*m->requests));
	if (m->requests == NULL) {
		free(m);
		return NULL;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	m->start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	free(m->requests);
	free(m);
}

/* --- what the parts report ------------------------------------------------ */

static void
histogram_observe(struct histogram *h, double seconds)
{
	size_t i;

	if (!isfinite(seconds) || seconds < 0)
		return;
	for (i = 0; i < METRICS_BUCKETS; i++)
		if (seconds <= metrics_buckets[i]) {
			h->buckets[i]++;
			break;
		}
	h->count++;
	h->sum += seconds;
}

void
metrics_run(struct metrics *m, const char *trigger, bool succeeded, const struct run_timing *t)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < METRICS_TRIGGERS; i++)
		if (strcmp(metrics_triggers[i], trigger) == 0)
			m->runs[i][succeeded ? 1 : 0]++;
	if (t->load_ms >= 0)
		histogram_observe(&m->phases[PHASE_LOAD], t->load_ms / 1000);
	if (t->solve_ms >= 0)
		histogram_observe(&m->phases[PHASE_SOLVE], t->solve_ms / 1000);
	if (t->store_ms >= 0)
		histogram_observe(&m->phases[PHASE_STORE], t->store_ms / 1000);
}

void
metrics_plan(struct metrics *m, const char *part, double objective, double bound, double gap)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < METRICS_PARTS; i++) {
		if (strcmp(metrics_part_names[i], part) != 0)
			continue;
		m->parts[i].objective = objective;
		m->parts[i].bound = bound;
		m->parts[i].gap = gap;
		m->have_plan = true;
	}
}

void
metrics_control_request(struct metrics *m, const char *command, const char *result)
{
	struct request_count *rc;
	size_t i;

	if (m == NULL)
		return;
	if (command == NULL)
		command = "none";
	for (i = 0; i < m->n_requests; i++) {
		rc = &m->requests[i];
		if (strcmp(rc->command, command) == 0 && strcmp(rc->result, result) == 0) {
			rc->n++;
			return;
		}
	}
	if (m->n_requests == METRICS_MAX_REQUESTS) {
		/* the last row takes what does not fit (never, with bounded labels) */
		rc = &m->requests[METRICS_MAX_REQUESTS - 1];
		snprintf(rc->command, sizeof(rc->command), "other");
		snprintf(rc->result, sizeof(rc->result), "other");
		rc->n++;
		return;
	}
	rc = &m->requests[m->n_requests++];
	snprintf(rc->command, sizeof(rc->command), "%s", command);
	snprintf(rc->result, sizeof(rc->result), "%s", result);
	rc->n = 1;
}

void
metrics_http_request(struct metrics *m, int code)
{
	if (m == NULL)
		return;
	if (code < 100 || code > 599)
		code = 0; /* never: libevent sends only codes it was given */
	m->http_codes[code]++;
}

void
metrics_http_connection(struct metrics *m, bool refused)
{
	if (m == NULL)
		return;
	m->http_connections++;
	if (refused)
		m->http_refused++;
}

/* --- the text ------------------------------------------------------------- */

/* A label value as the format wants it: backslash, double quote and newline escaped. */
static void
put_label(struct evbuffer *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*v == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*v == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, v, 1);
	}
}

/* A sample value: integers as such, then Go's float syntax for the rest. */
static void
put_value(struct evbuffer *out, double v)
{
	if (isnan(v))
		evbuffer_add_printf(out, "NaN\n");
	else if (isinf(v))
		evbuffer_add_printf(out, "%sInf\n", v > 0 ? "+" : "-");
	else if (v == floor(v) && fabs(v) < 1e15)
		evbuffer_add_printf(out, "%.0f\n", v);
	else
		evbuffer_add_printf(out, "%.17g\n", v);
}

static void
put_header(struct evbuffer *out, const char *name, const char *type, const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k1="v1",k2="v2"} value; labels: NULL-ended key, value pairs. */
static void
put_sample(struct evbuffer *out, const char *name, const char *const *labels, double v)
{
	size_t i;

	evbuffer_add_printf(out, "%s", name);
	for (i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		evbuffer_add_printf(out, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		put_label(out, labels[i + 1]);
		evbuffer_add(out, "\"", 1);
	}
	if (labels != NULL && labels[0] != NULL)
		evbuffer_add(out, "}", 1);
	evbuffer_add(out, " ", 1);
	put_value(out, v);
}

static void
put_runs(const struct metrics *m, struct evbuffer *out)
{
	size_t i, j;
	char le[32];

	put_header(out, "parkplan_runs_total", "counter",
	           "Runs of the planner that ended, by trigger and status.");
	for (i = 0; i < METRICS_TRIGGERS; i++)
		for (j = 0; j < 2; j++) {
			const char *l[] = {"trigger", metrics_triggers[i], "status",
			                   j ? "succeeded" : "failed", NULL};

			put_sample(out, "parkplan_runs_total", l, (double)m->runs[i][j]);
		}
	put_header(out, "parkplan_run_phase_seconds", "histogram",
	           "Time a run spent in each phase (load, solve, store).");
	for (i = 0; i < PHASES; i++) {
		const struct histogram *h = &m->phases[i];
		uint64_t cum = 0;

		for (j = 0; j < METRICS_BUCKETS; j++) {
			const char *l[] = {"phase", metrics_phase_names[i], "le", le, NULL};

			cum += h->buckets[j];
			snprintf(le, sizeof(le), "%g", metrics_buckets[j]);
			put_sample(out, "parkplan_run_phase_seconds_bucket", l, (double)cum);
		}
		{
			const char *l[] = {"phase", metrics_phase_names[i], "le", "+Inf", NULL};
			const char *p[] = {"phase", metrics_phase_names[i], NULL};

			put_sample(out, "parkplan_run_phase_seconds_bucket", l, (double)h->count);
			put_sample(out, "parkplan_run_phase_seconds_sum", p, h->sum);
			put_sample(out, "parkplan_run_phase_seconds_count", p, (double)h->count);
		}
	}
}

static void
put_plan(const struct metrics *m, struct evbuffer *out)
{
	static const struct {
		const char *name, *help;
		size_t offset;
	} gauges[] = {
	    {"parkplan_plan_objective", "The objective of each part of the last plan made.", 0},
	    {"parkplan_plan_bound", "The solver's best bound for each part of the last plan made.",
	     1},
	    {"parkplan_plan_gap",
	     "The relative gap of each part of the last plan made (0: optimal).", 2},
	};
	size_t g, i;

	if (!m->have_plan)
		return;
	for (g = 0; g < sizeof(gauges) / sizeof(gauges[0]); g++) {
		put_header(out, gauges[g].name, "gauge", gauges[g].help);
		for (i = 0; i < METRICS_PARTS; i++) {
			const char *l[] = {"part", metrics_part_names[i], NULL};
			double v = gauges[g].offset == 0   ? m->parts[i].objective
			           : gauges[g].offset == 1 ? m->parts[i].bound
			                                   : m->parts[i].gap;

			put_sample(out, gauges[g].name, l, v);
		}
	}
}

static void
put_state(const struct metrics_gauges *g, struct evbuffer *out)
{
	static const struct {
		enum leader_role role;
		const char *name;
	} roles[] = {
	    {LEADER_ACTIVE, "active"}, {LEADER_STANDBY, "standby"}, {LEADER_WAITING, "waiting"}};
	size_t i;

	put_header(out, "parkplan_plan_in_force_id", "gauge",
	           "The id of the plan in force (0: none).");
	put_sample(out, "parkplan_plan_in_force_id", NULL, (double)g->plan_in_force);
	put_header(out, "parkplan_database_connected", "gauge",
	           "1 when the database connection is ready, else 0.");
	put_sample(out, "parkplan_database_connected", NULL, g->db_connected ? 1 : 0);
	put_header(out, "parkplan_role", "gauge",
	           "The planner's role: 1 for the role it has (active, standby, waiting).");
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		const char *l[] = {"role", roles[i].name, NULL};

		put_sample(out, "parkplan_role", l, g->role == roles[i].role ? 1 : 0);
	}
	put_header(out, "parkplan_control_clients", "gauge",
	           "Connections open on the control socket.");
	put_sample(out, "parkplan_control_clients", NULL, g->control_clients);
	put_header(out, "parkplan_http_connections", "gauge", "HTTP connections open.");
	put_sample(out, "parkplan_http_connections", NULL, g->http_connections);
	put_header(out, "parkplan_http_renders", "gauge",
	           "Reports being rendered for HTTP clients (worker children).");
	put_sample(out, "parkplan_http_renders", NULL, g->http_renders);
}

static void
put_requests(const struct metrics *m, struct evbuffer *out)
{
	char code[8];
	size_t i;

	put_header(out, "parkplan_control_requests_total", "counter",
	           "Requests answered on the control socket, by command and result.");
	for (i = 0; i < m->n_requests; i++) {
		const char *l[] = {"command", m->requests[i].command, "result",
		                   m->requests[i].result, NULL};

		put_sample(out, "parkplan_control_requests_total", l, (double)m->requests[i].n);
	}
	put_header(out, "parkplan_http_requests_total", "counter",
	           "HTTP requests answered by parkpland's routes, by status code.");
	for (i = 0; i < sizeof(m->http_codes) / sizeof(m->http_codes[0]); i++) {
		const char *l[] = {"code", code, NULL};

		if (m->http_codes[i] == 0)
			continue;
		snprintf(code, sizeof(code), "%zu", i);
		put_sample(out, "parkplan_http_requests_total", l, (double)m->http_codes[i]);
	}
	put_header(out, "parkplan_http_connections_total", "counter", "HTTP connections accepted.");
	put_sample(out, "parkplan_http_connections_total", NULL, (double)m->http_connections);
	put_header(out, "parkplan_http_connections_refused_total", "counter",
	           "HTTP connections refused past http.max_connections (503 or closed).");
	put_sample(out, "parkplan_http_connections_refused_total", NULL, (double)m->http_refused);
}

void
metrics_render(const struct metrics *m, const struct metrics_gauges *g, struct evbuffer *out)
{
	const char *version[] = {"version", PARKPLAN_VERSION, NULL};

	put_header(out, "parkplan_build_info", "gauge", "parkpland's version, as a label.");
	put_sample(out, "parkplan_build_info", version, 1);
	put_header(out, "process_start_time_seconds", "gauge",
	           "Start time of the process since the Unix epoch in seconds.");
	put_sample(out, "process_start_time_seconds", NULL, m->start_time);
	put_runs(m, out);
	put_plan(m, out);
	put_state(g, out);
	put_requests(m, out);
}
