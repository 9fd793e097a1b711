/*
 * test_explain.c - explanations on small snapshots whose reasons are known
 * by construction (tests/data/explain_park.json, and one built here).
 *
 * The park lies along one meridian, so every distance is a multiple of the
 * metres per degree of latitude and every score below was worked out by
 * hand from docs/model.md §2 (radius 3000, w_need 600, w_distance 400,
 * w_keep_pair 300):
 *
 *   community 101 at 0 m (needs 法律服务, 托育; max 1), 102 at -2500 m
 *   (托育; max 2), 103 at 20 000 m (就业), 104 at 10 000 m (就业, 托育;
 *   max 2), 105 at 11 500 m (托育; max 3).
 *   enterprise 1 at 600 m offers both: (1,101) = 600 + 400·(1 − 600/3000)
 *   = 920, in force: + 300 = 1220.  enterprise 2 at -800 m offers 法律服务:
 *   (2,101) = 300 + 293.3 = 593, (2,102) = 0 + 173.3 = 173.  enterprise 3 at
 *   300 m offers both, forbidden with 101: (3,101) would be 960, (3,102) =
 *   600 + 26.7 = 627.  enterprise 4 at 3700 m: out of range of 101.
 *   enterprise 5 at 100 m: max_communities 0.  enterprise 6 at -200 m offers
 *   nothing: (6,101) = 373, (6,102) = 93.  enterprise 8 at 10 500 m offers
 *   就业: (8,104) = 300 + 333.3 = 633, (8,105) = 266.7 = 267.
 *   The optimum: (1,101), (2,102), (3,102), (8,104); 103 and 105 uncovered;
 *   P = 1220 + 173 + 627 + 633 − 2·10000 = −17347.
 *
 * Roster: zone A holds enterprises 1 (committee, 8) and 2..6 (branch, 3):
 * D_A = 23; instructor 11 (skills 集成电路) has skill round(200·8/23) = 70
 * in A.  Two full-time instructors and min_fulltime 1 in each zone give one
 * full-time seat per zone; the part-time seat goes to A (D_B = 3 < D_A).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "explain.h"
#include "print.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

#define METRES_PER_DEGREE (6371008.8 * M_PI / 180.0)

/* The optimum of explain_park.json, worked out by hand (see above). */
static const char plan_park[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {\"status\": \"optimal\", \"objective\": -17347, \"bound\": -17347,"
    "  \"pairs\": [{\"enterprise_id\": 1, \"community_id\": 101, \"score\": 1220},"
    "             {\"enterprise_id\": 2, \"community_id\": 102, \"score\": 173},"
    "             {\"enterprise_id\": 3, \"community_id\": 102, \"score\": 627},"
    "             {\"enterprise_id\": 8, \"community_id\": 104, \"score\": 633}],"
    "  \"uncovered\": [{\"community_id\": 103, \"shortfall\": 1},"
    "                  {\"community_id\": 105, \"shortfall\": 1}]},"
    " \"roster\": {\"status\": \"optimal\", \"objective\": 0, \"bound\": 0,"
    "  \"assignments\": [{\"instructor_id\": 11, \"zone_id\": 1, \"period_id\": 1},"
    "                    {\"instructor_id\": 12, \"zone_id\": 2, \"period_id\": 1},"
    "                    {\"instructor_id\": 13, \"zone_id\": 1, \"period_id\": 1},"
    "                    {\"instructor_id\": 11, \"zone_id\": 1, \"period_id\": 2},"
    "                    {\"instructor_id\": 12, \"zone_id\": 2, \"period_id\": 2}]}}";

static const char plan_failed[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {\"status\": \"infeasible\", \"objective\": 0, \"bound\": null,"
    "  \"reasons\": [\"something conflicts\"], \"pairs\": [], \"uncovered\": []},"
    " \"roster\": {\"status\": \"infeasible\", \"objective\": 0, \"bound\": null,"
    "  \"assignments\": []}}";

/* diverse_industries: 201 at 0 m, 21 and 22 (集成电路) at 100 and 200 m, 23 (软件) at 2000 m. */
static const char snapshot_diverse[] =
    "{\"format\": \"parkplan-snapshot/1\", \"settings\": {\"diverse_industries\": true},"
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"name\": \"一片区\", \"lat\": 31.17, \"lon\": "
    "121.4}],"
    " \"communities\": [{\"id\": 201, \"name\": \"徐家汇居民区\", \"lat\": 31.17, \"lon\": 121.4,"
    "                    \"needs\": [], \"min_partners\": 1, \"max_partners\": 3}],"
    " \"enterprises\": ["
    "  {\"id\": 21, \"name\": \"甲\", \"zone_id\": 1, \"industry\": \"集成电路\","
    "   \"party_org\": \"branch\", \"lat\": %.9f, \"lon\": 121.4},"
    "  {\"id\": 22, \"name\": \"乙\", \"zone_id\": 1, \"industry\": \"集成电路\","
    "   \"party_org\": \"branch\", \"lat\": %.9f, \"lon\": 121.4},"
    "  {\"id\": 23, \"name\": \"丙\", \"zone_id\": 1, \"industry\": \"软件\","
    "   \"party_org\": \"branch\", \"lat\": %.9f, \"lon\": 121.4}],"
    " \"instructors\": [{\"id\": 1, \"name\": \"王\", \"home_lat\": 31.17, \"home_lon\": 121.4}],"
    " \"periods\": [{\"id\": 1, \"label\": \"2027Q1\", \"start\": \"2027-01-01\"}]}";

static const char plan_diverse[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {\"status\": \"optimal\", \"objective\": 520,"
    "  \"pairs\": [{\"enterprise_id\": 21, \"community_id\": 201, \"score\": 387},"
    "             {\"enterprise_id\": 23, \"community_id\": 201, \"score\": 133}]},"
    " \"roster\": {\"status\": \"optimal\", \"objective\": 0,"
    "  \"assignments\": [{\"instructor_id\": 1, \"zone_id\": 1, \"period_id\": 1}]}}";

static void
load_plan(const char *text, struct plan *p)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	char err[256];

	if (doc == NULL) {
		fprintf(stderr, "plan text: %s (line %d)\n", jerr.text, jerr.line);
		exit(2);
	}
	if (plan_from_json(doc, p, err, sizeof(err)) != 0) {
		fprintf(stderr, "plan: %s\n", err);
		exit(2);
	}
	json_decref(doc);
}

/* A snapshot document from a file, to edit before snapshot_of_doc(). */
static json_t *
load_doc(const char *path)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);

	if (doc == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		exit(2);
	}
	return doc;
}

/* The snapshot of an (edited) document, which it takes. */
static void
snapshot_of_doc(json_t *doc, struct snapshot *s)
{
	char err[256];

	if (snapshot_from_json(doc, s, err, sizeof(err)) != 0) {
		fprintf(stderr, "snapshot: %s\n", err);
		exit(2);
	}
	json_decref(doc);
}

static void
load_snapshot_text(const char *text, struct snapshot *s)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	char err[256];

	if (doc == NULL) {
		fprintf(stderr, "snapshot text: %s (line %d)\n", jerr.text, jerr.line);
		exit(2);
	}
	if (snapshot_from_json(doc, s, err, sizeof(err)) != 0) {
		fprintf(stderr, "snapshot: %s\n", err);
		exit(2);
	}
	json_decref(doc);
}

static json_t *
explain_ok(const struct snapshot *s, const struct plan *p, enum explain_kind kind, int64_t id,
           size_t max_alt)
{
	char err[256] = "";
	json_t *x = explain(s, p, kind, id, max_alt, err, sizeof(err));

	CHECK_MSG(x != NULL, "explain %d %lld: %s", (int)kind, (long long)id, err);
	if (x == NULL) {
		fprintf(stderr, "cannot go on\n");
		exit(1);
	}
	return x;
}

static const json_t *
alternative(const json_t *x, int64_t id)
{
	const json_t *alts = json_object_get(x, "alternatives");
	size_t i;

	for (i = 0; i < json_array_size(alts); i++)
		if (json_integer_value(json_object_get(json_array_get(alts, i), "id")) == id)
			return json_array_get(alts, i);
	return NULL;
}

static const char *
str_at(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "(missing)";
}

static long long
int_at(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* Score of a pair from docs/model.md with the distance given in metres. */
static long long
model_score(double d, size_t met, size_t needs, bool keep)
{
	double fit = needs > 0 ? (double)met / (double)needs : 0;
	double prox = d < 3000 ? 1 - d / 3000 : 0;

	return lround(600 * fit + 400 * prox) + (keep ? 300 : 0);
}

static void
test_pair_terms(const struct snapshot *s, const struct plan *p)
{
	json_t *x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 1, 5);
	const json_t *pairs = json_object_get(json_object_get(x, "plan"), "pairs");
	const json_t *pair = json_array_get(pairs, 0), *t = json_object_get(pair, "terms");
	double need_points, distance_points;

	CHECK_STR_CONTAINS(str_at(x, "kind"), "enterprise");
	CHECK_INT_EQ(int_at(x, "id"), 1);
	CHECK_STR_CONTAINS(str_at(x, "name"), "芯联集成电路");
	CHECK_STR_CONTAINS(str_at(x, "class"), "committee");
	CHECK_INT_EQ(int_at(x, "workload"), 8);
	CHECK_INT_EQ(json_array_size(pairs), 1);
	CHECK_INT_EQ(int_at(pair, "community_id"), 101);
	CHECK_INT_EQ(int_at(t, "needs_met"), 2);
	CHECK_INT_EQ(int_at(t, "needs"), 2);
	CHECK_INT_EQ(json_array_size(json_object_get(t, "needs_met_list")), 2);
	CHECK(fabs(json_number_value(json_object_get(t, "distance_m")) - 600) < 0.1);
	CHECK_INT_EQ(int_at(t, "base"), 920);
	CHECK_INT_EQ(int_at(t, "keep"), 300);
	CHECK_INT_EQ(int_at(t, "score"), model_score(600, 2, 2, true));
	/* The terms add up to the plan's score. */
	need_points = json_number_value(json_object_get(t, "need_points"));
	distance_points = json_number_value(json_object_get(t, "distance_points"));
	CHECK_INT_EQ(lround(need_points + distance_points), int_at(t, "base"));
	CHECK_INT_EQ(int_at(t, "base") + int_at(t, "keep"), int_at(pair, "score"));
	CHECK_INT_EQ(int_at(json_object_get(x, "terms"), "score"), 1220);
	json_decref(x);
}

static void
test_forbidden_out_of_range_not_pairing(const struct snapshot *s, const struct plan *p)
{
	json_t *x;
	const json_t *a, *alts;
	size_t i;

	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 3, 5);
	a = alternative(x, 101);
	CHECK(a != NULL);
	CHECK_STR_CONTAINS(str_at(a, "code"), "forbidden");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "forbidden");
	CHECK(json_is_false(json_object_get(a, "candidate")));
	CHECK_INT_EQ(int_at(a, "score"), model_score(300, 2, 2, false));
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 4, 5);
	a = alternative(x, 101);
	CHECK(a != NULL);
	CHECK_STR_CONTAINS(str_at(a, "code"), "out_of_range");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "out of range: 3 700 m > radius 3 000 m");
	/* 102 is 6 200 m away: beyond twice the radius, not worth listing. */
	CHECK(alternative(x, 102) == NULL);
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 5, 5);
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 2);
	for (i = 0; i < json_array_size(alts); i++) {
		CHECK_STR_CONTAINS(str_at(json_array_get(alts, i), "code"), "not_pairing");
		CHECK_STR_CONTAINS(str_at(json_array_get(alts, i), "reason"),
		                   "does not pair (max_communities 0)");
	}
	json_decref(x);
}

static void
test_full(const struct snapshot *s, const struct plan *p)
{
	json_t *x;
	const json_t *a, *alts;

	/* 101 is filled by (1,101) = 1220; 102 by 627 and 173. */
	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 6, 5);
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 2);
	CHECK_INT_EQ(int_at(json_array_get(alts, 0), "id"), 101); /* best score first */
	a = alternative(x, 101);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), 373);
	CHECK_STR_CONTAINS(str_at(a, "code"), "community_full");
	CHECK_STR_CONTAINS(str_at(a, "reason"),
	                   "community full: its max_partners 1 are taken by higher-scoring pairs");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "lower score: 373 < 1 220");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "fewer needs met (0 of 2 vs 2 of 2)");
	a = alternative(x, 102);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), 93);
	CHECK_STR_CONTAINS(str_at(a, "code"), "community_full");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "max_partners 2");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "lower score: 93 < 173");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "farther (2 300 m vs 1 700 m)");
	json_decref(x);

	/* Enterprise 8 has max_communities 1, taken by (8,104) = 633. */
	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 8, 5);
	a = alternative(x, 105);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), 267);
	CHECK_STR_CONTAINS(str_at(a, "code"), "enterprise_full");
	CHECK_STR_CONTAINS(str_at(a, "reason"),
	                   "enterprise full: max_communities 1 taken by a better pair "
	                   "(community 104, score 633)");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "fewer needs met (0 of 1 vs 1 of 2)");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "farther (1 000 m vs 500 m)");
	json_decref(x);
}

static void
test_community(const struct snapshot *s, const struct plan *p)
{
	json_t *x;
	const json_t *plan, *alts, *a;
	long long scores[] = {987, 960, 600, 593, 373};
	size_t i;

	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 103, 5);
	plan = json_object_get(x, "plan");
	CHECK_INT_EQ(int_at(plan, "shortfall"), 1);
	CHECK_STR_CONTAINS(str_at(plan, "shortfall_reason"),
	                   "no candidate enterprise within 3 000 m");
	CHECK_INT_EQ(int_at(json_object_get(x, "terms"), "penalty"), 10000);
	CHECK_INT_EQ(json_array_size(json_object_get(x, "alternatives")), 0);
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 105, 5);
	plan = json_object_get(x, "plan");
	CHECK_INT_EQ(int_at(plan, "shortfall"), 1);
	CHECK_STR_CONTAINS(str_at(plan, "shortfall_reason"),
	                   "its only candidate within range is full");
	a = alternative(x, 8);
	CHECK(a != NULL);
	CHECK_STR_CONTAINS(str_at(a, "code"), "enterprise_full");
	json_decref(x);

	/* 101: five enterprises lost, best score first, bounded by max_alternatives. */
	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 10);
	plan = json_object_get(x, "plan");
	CHECK_INT_EQ(json_array_size(json_object_get(plan, "partners")), 1);
	CHECK(json_is_null(json_object_get(plan, "shortfall_reason")));
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 5);
	for (i = 0; i < json_array_size(alts) && i < 5; i++)
		CHECK_INT_EQ(int_at(json_array_get(alts, i), "score"), scores[i]);
	/* Enterprise 2 lost 101 to a better pair; its own pair (173) is no reason. */
	a = alternative(x, 2);
	CHECK(a != NULL);
	CHECK_STR_CONTAINS(str_at(a, "code"), "community_full");
	CHECK(strstr(str_at(a, "reason"), "enterprise full") == NULL);
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 2);
	CHECK_INT_EQ(json_array_size(json_object_get(x, "alternatives")), 2);
	json_decref(x);
	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 0);
	CHECK_INT_EQ(json_array_size(json_object_get(x, "alternatives")), 0);
	json_decref(x);
}

static const json_t *
period_row(const json_t *x, int64_t period_id)
{
	const json_t *periods = json_object_get(json_object_get(x, "plan"), "periods");
	size_t i;

	for (i = 0; i < json_array_size(periods); i++)
		if (json_integer_value(json_object_get(json_array_get(periods, i), "period_id")) ==
		    period_id)
			return json_array_get(periods, i);
	return NULL;
}

static void
test_instructor(const struct snapshot *s, const struct plan *p)
{
	json_t *x;
	const json_t *row, *t, *a, *alts;
	double d_ab = 10000; /* zone B lies 10 000 m north of A's centroid */

	x = explain_ok(s, p, EXPLAIN_INSTRUCTOR, 13, 5);
	row = period_row(x, 2);
	CHECK(row != NULL);
	CHECK(json_is_false(json_object_get(row, "available")));
	CHECK_STR_CONTAINS(str_at(row, "reason"), "unavailable");
	CHECK(json_is_null(json_object_get(row, "zone")));
	row = period_row(x, 1);
	CHECK(json_is_true(json_object_get(row, "available")));
	CHECK_INT_EQ(int_at(json_object_get(row, "zone"), "id"), 1);
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 1); /* zone B in period 1 only */
	a = json_array_get(alts, 0);
	CHECK_INT_EQ(int_at(a, "period_id"), 1);
	CHECK_STR_CONTAINS(str_at(a, "code"), "seats_covered");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "zone's part-time seats (0) already covered");
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_INSTRUCTOR, 12, 5);
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 2);
	CHECK_STR_CONTAINS(str_at(json_array_get(alts, 0), "code"), "forbidden");
	CHECK_STR_CONTAINS(str_at(json_array_get(alts, 1), "code"), "forbidden");
	CHECK_INT_EQ(int_at(json_array_get(alts, 0), "id"), 1);
	json_decref(x);

	x = explain_ok(s, p, EXPLAIN_INSTRUCTOR, 11, 5);
	row = period_row(x, 1);
	t = json_object_get(row, "terms");
	CHECK_INT_EQ(int_at(t, "skill"), lround(200.0 * 8 / 23));
	CHECK_INT_EQ(int_at(t, "commute"), 0);
	CHECK_INT_EQ(int_at(t, "stay"), 0);
	CHECK_INT_EQ(int_at(t, "value"), 70);
	row = period_row(x, 2);
	t = json_object_get(row, "terms");
	CHECK_INT_EQ(int_at(t, "stay"), 150);
	CHECK_INT_EQ(int_at(t, "keep"), 0);
	CHECK_INT_EQ(int_at(t, "value"),
	             int_at(t, "skill") - int_at(t, "commute") + int_at(t, "keep") + 150);
	CHECK_INT_EQ(int_at(json_object_get(x, "terms"), "value"), 70 + 220);
	t = json_object_get(period_row(x, 1), "seats");
	CHECK_INT_EQ(int_at(t, "full_time"), 1);
	CHECK_INT_EQ(int_at(t, "part_time"), 1);
	CHECK_INT_EQ(int_at(t, "taken_full_time"), 1);
	CHECK_INT_EQ(int_at(t, "taken_part_time"), 1);
	alts = json_object_get(x, "alternatives");
	CHECK_INT_EQ(json_array_size(alts), 2);
	a = json_array_get(alts, 0);
	CHECK_STR_CONTAINS(str_at(a, "code"), "seats_covered");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "zone's full-time seats (1) already covered");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "min_fulltime 1");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "lower value");
	CHECK_INT_EQ(int_at(json_object_get(a, "terms"), "commute"),
	             lround(100 * fmin(1, d_ab / 10000)));
	json_decref(x);
}

static void
test_errors_and_failed_parts(const struct snapshot *s)
{
	struct plan p;
	char err[256] = "";
	json_t *x;
	const json_t *a;
	enum explain_kind k;

	load_plan(plan_failed, &p);
	x = explain(s, &p, EXPLAIN_ENTERPRISE, 99, 5, err, sizeof(err));
	CHECK(x == NULL);
	CHECK_STR_CONTAINS(err, "no enterprise with id 99");
	x = explain(s, &p, EXPLAIN_INSTRUCTOR, 1, 5, err, sizeof(err));
	CHECK(x == NULL);
	CHECK_STR_CONTAINS(err, "no instructor with id 1");

	x = explain_ok(s, &p, EXPLAIN_ENTERPRISE, 6, 5);
	a = alternative(x, 101);
	CHECK(a != NULL);
	CHECK_STR_CONTAINS(str_at(a, "code"), "part_failed");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "infeasible");
	json_decref(x);
	x = explain_ok(s, &p, EXPLAIN_COMMUNITY, 101, 5);
	CHECK_STR_CONTAINS(str_at(json_object_get(x, "plan"), "shortfall_reason"), "infeasible");
	json_decref(x);
	x = explain_ok(s, &p, EXPLAIN_INSTRUCTOR, 11, 5);
	CHECK_STR_CONTAINS(str_at(period_row(x, 1), "reason"), "not assigned");
	json_decref(x);
	plan_free(&p);

	CHECK(explain_kind_parse("community", &k) == 0 && k == EXPLAIN_COMMUNITY);
	CHECK(explain_kind_parse("instructor", &k) == 0 && k == EXPLAIN_INSTRUCTOR);
	CHECK(explain_kind_parse("enterprise", &k) == 0 && k == EXPLAIN_ENTERPRISE);
	CHECK(explain_kind_parse("zone", &k) == -1);
}

static void
test_diverse(void)
{
	char text[sizeof(snapshot_diverse) + 64];
	struct snapshot s;
	struct plan p;
	json_t *x;
	const json_t *a;

	snprintf(text, sizeof(text), snapshot_diverse, 31.17 + 100 / METRES_PER_DEGREE,
	         31.17 + 200 / METRES_PER_DEGREE, 31.17 + 2000 / METRES_PER_DEGREE);
	load_snapshot_text(text, &s);
	load_plan(plan_diverse, &p);
	x = explain_ok(&s, &p, EXPLAIN_ENTERPRISE, 22, 5);
	a = alternative(x, 201);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), model_score(200, 0, 0, false));
	CHECK_STR_CONTAINS(str_at(a, "code"), "diverse_industries");
	CHECK_STR_CONTAINS(str_at(a, "reason"),
	                   "diverse_industries: community 201 already has a partner in 集成电路 "
	                   "(enterprise 21, score 387)");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "lower score: 373 < 387");
	json_decref(x);
	plan_free(&p);
	snapshot_free(&s);
}

/*
 * Pins: (6,101) pinned fills community 101 (max 1) with a weaker pair than
 * (1,101); instructor 13 pinned to zone A in period 1; instructor 11 was in
 * zone A in the plan in force (keep bonus in the first period).
 * Enterprise 8 now offers 托育: (8,104) = 633 but (8,105) = 600 + 266.7 =
 * 867; enterprise 9 at 13 100 m, out of range of 104, covers 105 with
 * 400·(1 − 1600/3000) = 187, so 8 stays with 104, which needs it.
 */
static void
test_pins(const char *path)
{
	static const char plan_pinned[] =
	    "{\"format\": \"parkplan-plan/1\","
	    " \"pairing\": {\"status\": \"optimal\","
	    "  \"pairs\": [{\"enterprise_id\": 2, \"community_id\": 102, \"score\": 173},"
	    "             {\"enterprise_id\": 3, \"community_id\": 102, \"score\": 627},"
	    "             {\"enterprise_id\": 6, \"community_id\": 101, \"score\": 373},"
	    "             {\"enterprise_id\": 8, \"community_id\": 104, \"score\": 633},"
	    "             {\"enterprise_id\": 9, \"community_id\": 105, \"score\": 187}]},"
	    " \"roster\": {\"status\": \"optimal\","
	    "  \"assignments\": [{\"instructor_id\": 11, \"zone_id\": 1, \"period_id\": 1},"
	    "                    {\"instructor_id\": 12, \"zone_id\": 2, \"period_id\": 1},"
	    "                    {\"instructor_id\": 13, \"zone_id\": 1, \"period_id\": 1},"
	    "                    {\"instructor_id\": 11, \"zone_id\": 1, \"period_id\": 2},"
	    "                    {\"instructor_id\": 12, \"zone_id\": 2, \"period_id\": 2}]}}";
	json_t *doc = load_doc(path), *x;
	const json_t *a, *row;
	struct snapshot s;
	struct plan p;
	char err[256];

	json_array_append_new(json_object_get(doc, "rules"),
	                      json_pack("{s:s, s:i, s:i}", "kind", "pin_pair", "enterprise_id", 6,
	                                "community_id", 101));
	json_array_append_new(json_object_get(doc, "rules"),
	                      json_pack("{s:s, s:i, s:i, s:i}", "kind", "pin_zone", "instructor_id",
	                                13, "zone_id", 1, "period_id", 1));
	json_array_append_new(json_object_get(json_object_get(doc, "previous"), "assignments"),
	                      json_pack("[i, i]", 11, 1));
	json_object_set_new(json_array_get(json_object_get(doc, "enterprises"), 6), "offers",
	                    json_pack("[s]", "托育"));
	json_array_append_new(json_object_get(doc, "enterprises"),
	                      json_pack("{s:i, s:s, s:i, s:s, s:s, s:f, s:f}", "id", 9, "name",
	                                "长桥咨询", "zone_id", 2, "industry", "咨询", "party_org",
	                                "branch", "lat", 31.17 + 13100 / METRES_PER_DEGREE, "lon",
	                                121.4));
	snapshot_of_doc(doc, &s);
	load_plan(plan_pinned, &p);

	x = explain_ok(&s, &p, EXPLAIN_ENTERPRISE, 1, 5);
	a = alternative(x, 101);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), 1220);
	CHECK_STR_CONTAINS(str_at(a, "code"), "community_full");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "enterprise 6, score 373, a pinned pair");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "higher score: 1 220 > 373");
	json_decref(x);

	{
		/* The hand-made plan is the optimum: the solver finds the same pairs. */
		struct plan solved;
		size_t i;

		if (solver_solve(&s, NULL, &solved, err, sizeof(err)) == 0) {
			CHECK_INT_EQ(solved.n_pairs, p.n_pairs);
			for (i = 0; i < solved.n_pairs && i < p.n_pairs; i++) {
				CHECK_INT_EQ(solved.pairs[i].enterprise_id,
				             p.pairs[i].enterprise_id);
				CHECK_INT_EQ(solved.pairs[i].community_id, p.pairs[i].community_id);
				CHECK_INT_EQ(solved.pairs[i].score, p.pairs[i].score);
			}
			plan_free(&solved);
		} else {
			CHECK_MSG(0, "solver_solve: %s", err);
		}
	}

	x = explain_ok(&s, &p, EXPLAIN_ENTERPRISE, 8, 5);
	a = alternative(x, 105);
	CHECK(a != NULL);
	CHECK_INT_EQ(int_at(a, "score"), 867);
	CHECK_STR_CONTAINS(str_at(a, "code"), "enterprise_full");
	CHECK_STR_CONTAINS(str_at(a, "reason"),
	                   "(community 104, score 633, which community 104 needs to reach its "
	                   "min_partners 1)");
	CHECK_STR_CONTAINS(str_at(a, "reason"), "higher score: 867 > 633");
	json_decref(x);

	x = explain_ok(&s, &p, EXPLAIN_COMMUNITY, 101, 5);
	a = json_array_get(json_object_get(json_object_get(x, "plan"), "partners"), 0);
	CHECK(json_is_true(json_object_get(json_object_get(a, "terms"), "pinned")));
	json_decref(x);

	x = explain_ok(&s, &p, EXPLAIN_INSTRUCTOR, 13, 5);
	row = period_row(x, 1);
	CHECK(json_is_true(json_object_get(row, "pinned")));
	a = json_array_get(json_object_get(x, "alternatives"), 0);
	CHECK_STR_CONTAINS(str_at(a, "reason"), "pinned to zone A");
	json_decref(x);

	/* a pin for one period says nothing of the period the instructor is away */
	row = period_row(x = explain_ok(&s, &p, EXPLAIN_INSTRUCTOR, 13, 5), 2);
	CHECK(json_is_false(json_object_get(row, "available")));
	CHECK(strcmp(str_at(row, "reason"), "unavailable") == 0);
	json_decref(x);

	x = explain_ok(&s, &p, EXPLAIN_INSTRUCTOR, 11, 5);
	row = period_row(x, 1);
	CHECK_INT_EQ(int_at(json_object_get(row, "terms"), "keep"), 300);
	CHECK_INT_EQ(int_at(json_object_get(row, "terms"), "value"), 70 + 300);
	row = period_row(x, 2);
	CHECK_INT_EQ(int_at(json_object_get(row, "terms"), "keep"), 0); /* first period only */
	json_decref(x);
	plan_free(&p);
	snapshot_free(&s);
}

/*
 * A pin_zone for every period of an instructor away in one of them holds in
 * the periods the instructor is available only (docs/model.md §7): the
 * plan is valid, and the period away says why the pin does not show there.
 */
static void
test_pin_every_period(const char *path)
{
	json_t *doc = load_doc(path), *x;
	const json_t *row;
	struct snapshot s;
	struct plan p;
	char err[256];

	json_array_append_new(
	    json_object_get(doc, "rules"),
	    json_pack("{s:s, s:i, s:i}", "kind", "pin_zone", "instructor_id", 13, "zone_id", 1));
	snapshot_of_doc(doc, &s);
	if (solver_solve(&s, NULL, &p, err, sizeof(err)) != 0) {
		CHECK_MSG(0, "solver_solve: %s", err);
		snapshot_free(&s);
		return;
	}
	x = explain_ok(&s, &p, EXPLAIN_INSTRUCTOR, 13, 5);
	row = period_row(x, 1);
	CHECK(json_is_true(json_object_get(row, "pinned")));
	CHECK_INT_EQ(int_at(json_object_get(row, "zone"), "id"), 1);
	row = period_row(x, 2);
	CHECK(json_is_false(json_object_get(row, "available")));
	CHECK_STR_CONTAINS(str_at(row, "reason"), "unavailable: the pin_zone to zone A for every "
	                                          "period holds in the periods the instructor is "
	                                          "available only");
	json_decref(x);
	plan_free(&p);
	snapshot_free(&s);
}

/* With the real solver: the terms of every pair add up to the plan's score. */
static void
test_against_solver(const struct snapshot *s)
{
	struct plan p;
	char err[256] = "";
	size_t i;

	if (solver_solve(s, NULL, &p, err, sizeof(err)) != 0) {
		CHECK_MSG(0, "solver_solve: %s", err);
		return;
	}
	CHECK_INT_EQ(p.pairing.status, PART_OPTIMAL);
	CHECK_INT_EQ(p.pairing.objective, -17347); /* the hand-made plan is the optimum */
	CHECK_INT_EQ(p.n_pairs, 4);
	for (i = 0; i < p.n_pairs; i++) {
		json_t *x = explain_ok(s, &p, EXPLAIN_ENTERPRISE, p.pairs[i].enterprise_id, 3);
		const json_t *pairs = json_object_get(json_object_get(x, "plan"), "pairs");
		const json_t *t = json_object_get(json_array_get(pairs, 0), "terms");

		CHECK_INT_EQ(json_array_size(pairs), 1);
		CHECK_INT_EQ(int_at(t, "base") + int_at(t, "keep"), p.pairs[i].score);
		CHECK_INT_EQ(int_at(t, "score"), p.pairs[i].score);
		json_decref(x);
	}
	for (i = 0; i < p.n_assignments; i++) {
		json_t *x =
		    explain_ok(s, &p, EXPLAIN_INSTRUCTOR, p.assignments[i].instructor_id, 3);
		const json_t *row = period_row(x, p.assignments[i].period_id);

		CHECK_INT_EQ(int_at(json_object_get(row, "zone"), "id"), p.assignments[i].zone_id);
		json_decref(x);
	}
	plan_free(&p);
}

static void
test_print(const struct snapshot *s, const struct plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 5);

	print_explain(x, f);
	json_decref(x);
	x = explain_ok(s, p, EXPLAIN_INSTRUCTOR, 13, 5);
	print_explain(x, f);
	json_decref(x);
	fclose(f);
	CHECK_STR_CONTAINS(buf, "community 101");
	CHECK_STR_CONTAINS(buf, "芯联集成电路有限公司");
	CHECK_STR_CONTAINS(buf, "forbidden by a forbid_pair rule");
	CHECK_STR_CONTAINS(buf, "unavailable");
	CHECK(strstr(buf, " \n") == NULL); /* no trailing blanks */
	free(buf);
}

/* Names that would steer a terminal are printed as text; --json keeps them, escaped. */
static void
test_print_hostile(const struct snapshot *s, const struct plan *p)
{
	static const char evil[] = "x\x1b[2J\xc2\x9b"
	                           "31m\xe2\x80\xae"
	                           "evil\xe2\x81\xa6\x7f";
	char *buf = NULL, text[512];
	size_t len = 0, n;
	FILE *f = open_memstream(&buf, &len), *tmp;
	json_t *x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 5), *back;
	int saved;

	json_object_set_new(x, "name", json_string(evil));
	print_explain(x, f);
	fclose(f);
	CHECK_STR_CONTAINS(buf, "community 101  x [2J 31m evil  \n");
	CHECK(strchr(buf, 0x1b) == NULL && strchr(buf, 0x7f) == NULL);
	CHECK(strstr(buf, "\xc2\x9b") == NULL && strstr(buf, "\xe2\x80\xae") == NULL &&
	      strstr(buf, "\xe2\x81\xa6") == NULL);
	/* the document itself is untouched */
	CHECK(strcmp(json_string_value(json_object_get(x, "name")), evil) == 0);
	free(buf);

	/* --json: the same string, written with \u escapes */
	tmp = tmpfile();
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	print_json(json_object_get(x, "name"));
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(text, 1, sizeof(text) - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	CHECK_MSG(strcmp(text, "\"x\\u001B[2J\\u009b31m\\u202eevil\\u2066\\u007f\"\n") == 0,
	          "print_json: %s", text);
	back = json_loads(text, JSON_DECODE_ANY, NULL);
	CHECK(back != NULL && strcmp(json_string_value(back), evil) == 0);
	json_decref(back);
	json_decref(x);
}

/* The keys of the park's lists beside the names, and an estimated position, in JSON and text. */
static void
test_codes(struct snapshot *s, const struct plan *p)
{
	const json_t *row;
	json_t *x;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	for (i = 0; i < s->n_communities; i++)
		if (s->communities[i].id == 101)
			s->communities[i].code = strdup("310104003001");
	for (i = 0; i < s->n_enterprises; i++) {
		char code[32];

		snprintf(code, sizeof(code), "E-%lld", (long long)s->enterprises[i].id);
		s->enterprises[i].credit_code = strdup(code);
		s->enterprises[i].approximate = s->enterprises[i].id == 1;
	}
	x = explain_ok(s, p, EXPLAIN_COMMUNITY, 101, 5);
	CHECK(strcmp(str_at(x, "code"), "310104003001") == 0);
	CHECK(json_is_false(json_object_get(x, "approximate")));
	row = json_array_get(json_object_get(json_object_get(x, "plan"), "partners"), 0);
	CHECK(row != NULL && strcmp(str_at(row, "credit_code"), "E-") > 0);
	row = json_array_get(json_object_get(x, "alternatives"), 0);
	CHECK(row != NULL && strncmp(str_at(row, "credit_code"), "E-", 2) == 0);
	f = open_memstream(&buf, &len);
	print_explain(x, f);
	fclose(f);
	CHECK_STR_CONTAINS(buf, "community 101  ");
	CHECK_STR_CONTAINS(buf, " [310104003001]\n");
	CHECK_STR_CONTAINS(buf, " [E-");
	free(buf);
	json_decref(x);
	x = explain_ok(s, p, EXPLAIN_ENTERPRISE, 1, 5);
	CHECK(strcmp(str_at(x, "credit_code"), "E-1") == 0);
	CHECK(json_is_true(json_object_get(x, "approximate")));
	f = open_memstream(&buf, &len);
	print_explain(x, f);
	fclose(f);
	CHECK_STR_CONTAINS(buf, " [E-1] (position estimated: its zone's centroid)\n");
	free(buf);
	json_decref(x);
	x = explain_ok(s, p, EXPLAIN_INSTRUCTOR, 13, 5);
	CHECK(json_is_null(json_object_get(x, "code")));
	json_decref(x);
}

int
main(int argc, char **argv)
{
	struct snapshot s;
	struct plan p;
	char err[256];

	if (argc != 2) {
		fprintf(stderr, "usage: test_explain explain_park.json\n");
		return 2;
	}
	if (snapshot_read_file(argv[1], &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 2;
	}
	load_plan(plan_park, &p);
	test_pair_terms(&s, &p);
	test_forbidden_out_of_range_not_pairing(&s, &p);
	test_full(&s, &p);
	test_community(&s, &p);
	test_instructor(&s, &p);
	test_errors_and_failed_parts(&s);
	test_diverse();
	test_pins(argv[1]);
	test_pin_every_period(argv[1]);
	test_print(&s, &p);
	test_print_hostile(&s, &p);
	test_against_solver(&s);
	test_codes(&s, &p);
	plan_free(&p);
	snapshot_free(&s);
	return check_done("test_explain");
}
