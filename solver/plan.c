/*
 * plan.c - the output of a solve and its "parkplan-plan/1" JSON document
 * (docs/model.md §4).
 *
 * The coverage rows of struct plan carry the seats beside them; in JSON they
 * are two arrays, "coverage" and "seats", with one row per zone and period in
 * the same order.  A bound, gap or time that is not a finite number is
 * written as null and read back as NAN.
 */
#include "plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "snapshot.h"

/* Bounds on what a plan document may hold. */
#define PLAN_MAX_ROWS SNAPSHOT_MAX_ROWS
#define PLAN_MAX_REASONS SNAPSHOT_MAX_ROWS
#define PLAN_MAX_REASON_TEXT 65536

static const char *const part_status_names[] = {
    [PART_NOT_RUN] = "not_run",       [PART_OPTIMAL] = "optimal", [PART_FEASIBLE] = "feasible",
    [PART_INFEASIBLE] = "infeasible", [PART_ERROR] = "error",
};

#define N_STATUS (sizeof(part_status_names) / sizeof(part_status_names[0]))

const char *
part_status_name(enum part_status s)
{
	if ((int)s < 0 || (size_t)s >= N_STATUS)
		return "error";
	return part_status_names[s];
}

int
part_status_parse(const char *text, enum part_status *out)
{
	size_t i;

	if (text == NULL)
		return -1;
	for (i = 0; i < N_STATUS; i++)
		if (strcmp(text, part_status_names[i]) == 0) {
			*out = (enum part_status)i;
			return 0;
		}
	return -1;
}

static void
part_init(struct plan_part *part)
{
	memset(part, 0, sizeof(*part));
	part->status = PART_NOT_RUN;
	part->bound = NAN;
	part->gap = NAN;
	part->seconds = 0;
}

static void
part_free(struct plan_part *part)
{
	size_t i;

	for (i = 0; i < part->n_reasons; i++)
		free(part->reasons[i]);
	free(part->reasons);
	part_init(part);
}

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	part_init(&p->pairing);
	part_init(&p->roster);
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	part_free(&p->pairing);
	part_free(&p->roster);
	free(p->pairs);
	free(p->uncovered);
	free(p->assignments);
	free(p->coverage);
	plan_init(p);
}

/* Appends text (owned by the part from here on); frees it on failure. */
static int
part_take_reason(struct plan_part *part, char *text)
{
	char **v;

	v = realloc(part->reasons, (part->n_reasons + 1) * sizeof(*v));
	if (v == NULL) {
		free(text);
		return -1;
	}
	part->reasons = v;
	part->reasons[part->n_reasons++] = text;
	return 0;
}

void
plan_part_add_reason(struct plan_part *part, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)part_take_reason(part, text);
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static json_t *
part_to_json(const struct plan_part *part)
{
	json_t *o = json_object(), *r = json_array();
	size_t i;

	jsonio_put(o, "status", json_string(part_status_name(part->status)));
	jsonio_put(o, "objective", jsonio_integer(part->objective));
	jsonio_put(o, "bound", jsonio_number(part->bound));
	jsonio_put(o, "gap", jsonio_number(part->gap));
	jsonio_put(o, "seconds", jsonio_number(part->seconds));
	jsonio_put(o, "method", json_string(part->method));
	jsonio_put(o, "memory_budget_mib", jsonio_number(part->memory_budget_mib));
	for (i = 0; r != NULL && i < part->n_reasons; i++)
		json_array_append_new(r, json_string(part->reasons[i] ? part->reasons[i] : ""));
	jsonio_put(o, "reasons", r);
	return o;
}

json_t *
plan_to_json(const struct plan *p)
{
	json_t *doc = json_object(), *part, *a, *b, *o;
	size_t i;

	if (doc == NULL)
		return NULL;
	jsonio_put(doc, "format", json_string(PLAN_FORMAT));

	part = part_to_json(&p->pairing);
	a = json_array();
	for (i = 0; a != NULL && i < p->n_pairs; i++) {
		o = json_object();
		jsonio_put(o, "enterprise_id", jsonio_integer(p->pairs[i].enterprise_id));
		jsonio_put(o, "community_id", jsonio_integer(p->pairs[i].community_id));
		jsonio_put(o, "score", jsonio_integer(p->pairs[i].score));
		json_array_append_new(a, o);
	}
	jsonio_put(part, "pairs", a);
	a = json_array();
	for (i = 0; a != NULL && i < p->n_uncovered; i++) {
		o = json_object();
		jsonio_put(o, "community_id", jsonio_integer(p->uncovered[i].community_id));
		jsonio_put(o, "shortfall", jsonio_integer(p->uncovered[i].shortfall));
		json_array_append_new(a, o);
	}
	jsonio_put(part, "uncovered", a);
	jsonio_put(doc, "pairing", part);

	part = part_to_json(&p->roster);
	a = json_array();
	for (i = 0; a != NULL && i < p->n_assignments; i++) {
		o = json_object();
		jsonio_put(o, "instructor_id", jsonio_integer(p->assignments[i].instructor_id));
		jsonio_put(o, "zone_id", jsonio_integer(p->assignments[i].zone_id));
		jsonio_put(o, "period_id", jsonio_integer(p->assignments[i].period_id));
		json_array_append_new(a, o);
	}
	jsonio_put(part, "assignments", a);
	a = json_array();
	b = json_array();
	for (i = 0; a != NULL && b != NULL && i < p->n_coverage; i++) {
		const struct plan_coverage *c = &p->coverage[i];

		o = json_object();
		jsonio_put(o, "zone_id", jsonio_integer(c->zone_id));
		jsonio_put(o, "period_id", jsonio_integer(c->period_id));
		jsonio_put(o, "workload", jsonio_integer(c->workload));
		jsonio_put(o, "capacity", jsonio_integer(c->capacity));
		json_array_append_new(a, o);
		o = json_object();
		jsonio_put(o, "zone_id", jsonio_integer(c->zone_id));
		jsonio_put(o, "period_id", jsonio_integer(c->period_id));
		jsonio_put(o, "seats_full_time", jsonio_integer(c->seats_full_time));
		jsonio_put(o, "seats_part_time", jsonio_integer(c->seats_part_time));
		json_array_append_new(b, o);
	}
	jsonio_put(part, "coverage", a);
	jsonio_put(part, "seats", b);
	jsonio_put(doc, "roster", part);
	return doc;
}

int
plan_write_file(const char *path, const struct plan *p, char *err, size_t errlen)
{
	return jsonio_write(path, plan_to_json(p), err, errlen);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

/* obj[key] as an integer; missing or null keeps *out. */
static int
rd_int(struct jsonio_path *r, const json_t *obj, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	size_t old;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_key(r, key);
	if (jsonio_int(r, v, out) != 0)
		return -1;
	jsonio_pop(r, old);
	return 0;
}

/* obj[key] as a number; null reads as NAN, missing keeps *out. */
static int
rd_double(struct jsonio_path *r, const json_t *obj, const char *key, double *out)
{
	const json_t *v = json_object_get(obj, key);
	size_t old;

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	old = jsonio_push(r, ".%s", key);
	if (!json_is_number(v))
		return jsonio_fail(r, "expected a number or null, got %s", jsonio_type_name(v));
	*out = json_number_value(v);
	jsonio_pop(r, old);
	return 0;
}

static int
read_reasons(struct jsonio_path *r, const json_t *v, struct plan_part *part)
{
	size_t i, n, old_i;
	char *copy;

	if (!json_is_array(v))
		return jsonio_fail(r, "expected an array of texts, got %s", jsonio_type_name(v));
	n = json_array_size(v);
	if (n > PLAN_MAX_REASONS)
		return jsonio_fail(r, "%zu reasons, more than the limit of %d", n,
		                   PLAN_MAX_REASONS);
	for (i = 0; i < n; i++) {
		const json_t *t = json_array_get(v, i);

		old_i = jsonio_push(r, "[%zu]", i);
		if (!json_is_string(t))
			return jsonio_fail(r, "expected a string, got %s", jsonio_type_name(t));
		if (json_string_length(t) > PLAN_MAX_REASON_TEXT)
			return jsonio_fail(r, "text of %zu bytes is longer than the limit of %d",
			                   json_string_length(t), PLAN_MAX_REASON_TEXT);
		if (strlen(json_string_value(t)) != json_string_length(t))
			return jsonio_fail(r, "text contains a NUL byte");
		copy = strdup(json_string_value(t));
		if (copy == NULL || part_take_reason(part, copy) != 0)
			return jsonio_fail(r, "out of memory");
		jsonio_pop(r, old_i);
	}
	return 0;
}

/* The method: a text of at most PLAN_METHOD_MAX bytes; missing or null keeps "". */
static int
read_method(struct jsonio_path *r, const json_t *o, struct plan_part *part)
{
	const json_t *v = json_object_get(o, "method");
	size_t old;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_push(r, ".method");
	if (!json_is_string(v))
		return jsonio_fail(r, "expected a string or null, got %s", jsonio_type_name(v));
	if (json_string_length(v) > PLAN_METHOD_MAX)
		return jsonio_fail(r, "text of %zu bytes is longer than the limit of %d",
		                   json_string_length(v), PLAN_METHOD_MAX);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return jsonio_fail(r, "text contains a NUL byte");
	memcpy(part->method, json_string_value(v), json_string_length(v) + 1);
	jsonio_pop(r, old);
	return 0;
}

static int
read_part(struct jsonio_path *r, const json_t *o, struct plan_part *part)
{
	const json_t *v;
	size_t old;

	v = json_object_get(o, "status");
	if (v != NULL && !json_is_null(v)) {
		old = jsonio_push(r, ".status");
		if (!json_is_string(v) || part_status_parse(json_string_value(v), &part->status))
			return jsonio_fail(r, "expected one of not_run, optimal, feasible, "
			                      "infeasible, error");
		jsonio_pop(r, old);
	}
	if (rd_int(r, o, "objective", &part->objective) != 0 ||
	    rd_double(r, o, "bound", &part->bound) != 0 ||
	    rd_double(r, o, "gap", &part->gap) != 0 ||
	    rd_double(r, o, "seconds", &part->seconds) != 0 || read_method(r, o, part) != 0 ||
	    rd_double(r, o, "memory_budget_mib", &part->memory_budget_mib) != 0)
		return -1;
	v = json_object_get(o, "reasons");
	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_push(r, ".reasons");
	if (read_reasons(r, v, part) != 0)
		return -1;
	jsonio_pop(r, old);
	return 0;
}

static int
read_pair(struct jsonio_path *r, const json_t *o, void *row)
{
	struct plan_pair *x = row;

	return rd_int(r, o, "enterprise_id", &x->enterprise_id) != 0 ||
	               rd_int(r, o, "community_id", &x->community_id) != 0 ||
	               rd_int(r, o, "score", &x->score) != 0
	           ? -1
	           : 0;
}

static int
read_uncovered(struct jsonio_path *r, const json_t *o, void *row)
{
	struct plan_uncovered *x = row;

	return rd_int(r, o, "community_id", &x->community_id) != 0 ||
	               rd_int(r, o, "shortfall", &x->shortfall) != 0
	           ? -1
	           : 0;
}

static int
read_assignment(struct jsonio_path *r, const json_t *o, void *row)
{
	struct plan_assignment *x = row;

	return rd_int(r, o, "instructor_id", &x->instructor_id) != 0 ||
	               rd_int(r, o, "zone_id", &x->zone_id) != 0 ||
	               rd_int(r, o, "period_id", &x->period_id) != 0
	           ? -1
	           : 0;
}

static int
read_coverage(struct jsonio_path *r, const json_t *o, void *row)
{
	struct plan_coverage *x = row;

	return rd_int(r, o, "zone_id", &x->zone_id) != 0 ||
	               rd_int(r, o, "period_id", &x->period_id) != 0 ||
	               rd_int(r, o, "workload", &x->workload) != 0 ||
	               rd_int(r, o, "capacity", &x->capacity) != 0
	           ? -1
	           : 0;
}

/* The seats: one row per coverage row, for the same zone and period. */
static int
read_seats(struct jsonio_path *r, const json_t *seats, struct plan *p)
{
	size_t i, n, old_i;
	int64_t zone, period;

	if (!json_is_array(seats))
		return jsonio_fail(r, "expected an array, got %s", jsonio_type_name(seats));
	n = json_array_size(seats);
	if (n != p->n_coverage)
		return jsonio_fail(r, "%zu rows, expected one per coverage row (%zu)", n,
		                   p->n_coverage);
	for (i = 0; i < n; i++) {
		const json_t *row = json_array_get(seats, i);
		struct plan_coverage *c = &p->coverage[i];

		old_i = jsonio_push(r, "[%zu]", i);
		if (!json_is_object(row))
			return jsonio_fail(r, "expected an object, got %s", jsonio_type_name(row));
		zone = c->zone_id;
		period = c->period_id;
		if (rd_int(r, row, "zone_id", &zone) != 0 ||
		    rd_int(r, row, "period_id", &period) != 0 ||
		    rd_int(r, row, "seats_full_time", &c->seats_full_time) != 0 ||
		    rd_int(r, row, "seats_part_time", &c->seats_part_time) != 0)
			return -1;
		if (zone != c->zone_id || period != c->period_id)
			return jsonio_fail(r,
			                   "zone %lld period %lld does not match coverage[%zu] "
			                   "(zone %lld period %lld)",
			                   (long long)zone, (long long)period, i,
			                   (long long)c->zone_id, (long long)c->period_id);
		jsonio_pop(r, old_i);
	}
	return 0;
}

static int
read_pairing(struct jsonio_path *r, const json_t *o, struct plan *p)
{
	if (read_part(r, o, &p->pairing) != 0 ||
	    jsonio_rows(r, o, "pairs", PLAN_MAX_ROWS, sizeof(*p->pairs), (void **)&p->pairs,
	                &p->n_pairs, read_pair) != 0 ||
	    jsonio_rows(r, o, "uncovered", PLAN_MAX_ROWS, sizeof(*p->uncovered),
	                (void **)&p->uncovered, &p->n_uncovered, read_uncovered) != 0)
		return -1;
	return 0;
}

static int
read_roster(struct jsonio_path *r, const json_t *o, struct plan *p)
{
	const json_t *seats;
	size_t old;

	if (read_part(r, o, &p->roster) != 0 ||
	    jsonio_rows(r, o, "assignments", PLAN_MAX_ROWS, sizeof(*p->assignments),
	                (void **)&p->assignments, &p->n_assignments, read_assignment) != 0 ||
	    jsonio_rows(r, o, "coverage", PLAN_MAX_ROWS, sizeof(*p->coverage),
	                (void **)&p->coverage, &p->n_coverage, read_coverage) != 0)
		return -1;
	seats = json_object_get(o, "seats");
	if (seats == NULL || json_is_null(seats))
		return 0;
	old = jsonio_push(r, ".seats");
	if (read_seats(r, seats, p) != 0)
		return -1;
	jsonio_pop(r, old);
	return 0;
}

int
plan_from_json(const json_t *doc, struct plan *p, char *err, size_t errlen)
{
	struct jsonio_path rd;
	struct jsonio_path *r = &rd;
	const json_t *v;
	size_t old;

	plan_init(p);
	jsonio_start(r, err, errlen);
	if (doc == NULL || !json_is_object(doc)) {
		jsonio_fail(r, "expected an object, got %s",
		            doc ? jsonio_type_name(doc) : "nothing");
		return -1;
	}
	v = json_object_get(doc, "format");
	old = jsonio_push(r, ".format");
	if (!json_is_string(v) || strcmp(json_string_value(v), PLAN_FORMAT) != 0) {
		jsonio_fail(r, "expected \"%s\"", PLAN_FORMAT);
		return -1;
	}
	jsonio_pop(r, old);

	v = json_object_get(doc, "pairing");
	if (v != NULL && !json_is_null(v)) {
		old = jsonio_push(r, ".pairing");
		if (!json_is_object(v)) {
			jsonio_fail(r, "expected an object, got %s", jsonio_type_name(v));
			goto fail;
		}
		if (read_pairing(r, v, p) != 0)
			goto fail;
		jsonio_pop(r, old);
	}
	v = json_object_get(doc, "roster");
	if (v != NULL && !json_is_null(v)) {
		old = jsonio_push(r, ".roster");
		if (!json_is_object(v)) {
			jsonio_fail(r, "expected an object, got %s", jsonio_type_name(v));
			goto fail;
		}
		if (read_roster(r, v, p) != 0)
			goto fail;
		jsonio_pop(r, old);
	}
	return 0;
fail:
	plan_free(p);
	return -1;
}

int
plan_read_file(const char *path, struct plan *p, char *err, size_t errlen)
{
	json_t *doc = jsonio_load_file(path, err, errlen);
	int rc;

	if (doc == NULL) {
		plan_init(p);
		return -1;
	}
	rc = plan_from_json(doc, p, err, errlen);
	json_decref(doc);
	return rc;
}
