/*
 * test_plan_json.c - the plan document (docs/model.md §4): status names,
 * reasons, round trip, a non-finite bound, structural errors with their JSON
 * path, and a fuzz loop that must never crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "plan.h"
#include "snapshot.h"

static void
sample_plan(struct plan *p)
{
	plan_init(p);
	p->pairing.status = PART_OPTIMAL;
	p->pairing.objective = -9100;
	p->pairing.bound = -9100;
	p->pairing.gap = 0;
	p->pairing.seconds = 0.25;
	strcpy(p->pairing.method, "min-cost flow");
	p->n_pairs = 2;
	p->pairs = calloc(2, sizeof(*p->pairs));
	p->pairs[0] = (struct plan_pair){.enterprise_id = 7, .community_id = 3, .score = 850};
	p->pairs[1] = (struct plan_pair){.enterprise_id = 8, .community_id = 3, .score = 40};
	p->n_uncovered = 1;
	p->uncovered = calloc(1, sizeof(*p->uncovered));
	p->uncovered[0] = (struct plan_uncovered){.community_id = 4, .shortfall = 1};

	p->roster.status = PART_INFEASIBLE;
	p->roster.objective = 0;
	p->roster.bound = NAN;
	p->roster.gap = INFINITY;
	p->roster.seconds = 1.5;
	strcpy(p->roster.method, "local search with Lagrangian bound");
	p->roster.memory_budget_mib = 431.5;
	plan_part_add_reason(&p->roster,
	                     "period %s: %d zones need a full-time instructor, %d are "
	                     "available",
	                     "2027Q2", 5, 4);
	plan_part_add_reason(&p->roster,
	                     "pin (enterprise %d, community %d) exceeds community %d's "
	                     "max_partners = %d",
	                     12, 7, 7, 3);
	p->n_assignments = 2;
	p->assignments = calloc(2, sizeof(*p->assignments));
	p->assignments[0] = (struct plan_assignment){5, 1, 11};
	p->assignments[1] = (struct plan_assignment){6, 2, 11};
	p->n_coverage = 2;
	p->coverage = calloc(2, sizeof(*p->coverage));
	p->coverage[0] = (struct plan_coverage){.zone_id = 1,
	                                        .period_id = 11,
	                                        .workload = 17,
	                                        .capacity = 100,
	                                        .seats_full_time = 1,
	                                        .seats_part_time = 0};
	p->coverage[1] = (struct plan_coverage){.zone_id = 2,
	                                        .period_id = 11,
	                                        .workload = 3,
	                                        .capacity = 50,
	                                        .seats_full_time = 0,
	                                        .seats_part_time = 1};
}

static int
same_part(const struct plan_part *a, const struct plan_part *b)
{
	size_t i;

	if (a->status != b->status || a->objective != b->objective ||
	    !(a->bound == b->bound || (isnan(a->bound) && isnan(b->bound))) ||
	    !(a->gap == b->gap || (!isfinite(a->gap) && isnan(b->gap))) ||
	    a->seconds != b->seconds || strcmp(a->method, b->method) != 0 ||
	    a->memory_budget_mib != b->memory_budget_mib || a->n_reasons != b->n_reasons)
		return 0;
	for (i = 0; i < a->n_reasons; i++)
		if (strcmp(a->reasons[i], b->reasons[i]) != 0)
			return 0;
	return 1;
}

/* memcmp that allows NULL arrays of no elements */
static int
same_bytes(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static int
same_plan(const struct plan *a, const struct plan *b)
{
	return same_part(&a->pairing, &b->pairing) && same_part(&a->roster, &b->roster) &&
	       a->n_pairs == b->n_pairs &&
	       same_bytes(a->pairs, b->pairs, a->n_pairs * sizeof(*a->pairs)) &&
	       a->n_uncovered == b->n_uncovered &&
	       same_bytes(a->uncovered, b->uncovered, a->n_uncovered * sizeof(*a->uncovered)) &&
	       a->n_assignments == b->n_assignments &&
	       same_bytes(a->assignments, b->assignments,
	                  a->n_assignments * sizeof(*a->assignments)) &&
	       a->n_coverage == b->n_coverage &&
	       same_bytes(a->coverage, b->coverage, a->n_coverage * sizeof(*a->coverage));
}

static void
test_names(void)
{
	static const char *const names[] = {"not_run", "optimal", "feasible", "infeasible",
	                                    "error"};
	enum part_status st;
	int i;

	for (i = 0; i < 5; i++) {
		CHECK(strcmp(part_status_name((enum part_status)i), names[i]) == 0);
		CHECK(part_status_parse(names[i], &st) == 0 && (int)st == i);
	}
	CHECK(part_status_parse("Optimal", &st) == -1);
	CHECK(part_status_parse("", &st) == -1);
	CHECK(part_status_parse(NULL, &st) == -1);
}

static void
test_init_and_reasons(void)
{
	struct plan p;
	char long_text[3000];

	plan_init(&p);
	CHECK_INT_EQ(p.pairing.status, PART_NOT_RUN);
	CHECK_INT_EQ(p.roster.status, PART_NOT_RUN);
	CHECK(p.n_pairs == 0 && p.pairs == NULL && p.pairing.n_reasons == 0);
	memset(long_text, 'y', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	plan_part_add_reason(&p.pairing, "community %d lacks %d partners", 7, 2);
	plan_part_add_reason(&p.pairing, "%s", long_text);
	CHECK_INT_EQ(p.pairing.n_reasons, 2);
	CHECK(p.pairing.n_reasons == 2 &&
	      strcmp(p.pairing.reasons[0], "community 7 lacks 2 partners") == 0 &&
	      strlen(p.pairing.reasons[1]) == sizeof(long_text) - 1);
	plan_free(&p);
	CHECK(p.pairing.n_reasons == 0 && p.pairing.reasons == NULL);
	plan_free(&p);
	plan_free(NULL);
}

/* "method" and "memory_budget_mib" come right after "seconds", each on a line of its own. */
static void
check_key_order(const struct plan *p)
{
	json_t *doc = plan_to_json(p);
	char *text = json_dumps(doc, JSON_INDENT(2));
	const char *part;
	int k;

	CHECK(text != NULL);
	for (k = 0; text != NULL && k < 2; k++) {
		const char *key = k == 0 ? "pairing" : "roster";
		void *it = json_object_iter(json_object_get(doc, key));

		while (it != NULL && strcmp(json_object_iter_key(it), "seconds") != 0)
			it = json_object_iter_next(json_object_get(doc, key), it);
		CHECK(it != NULL);
		if (it == NULL)
			continue;
		it = json_object_iter_next(json_object_get(doc, key), it);
		CHECK(it != NULL && strcmp(json_object_iter_key(it), "method") == 0);
		it = json_object_iter_next(json_object_get(doc, key), it);
		CHECK(it != NULL && strcmp(json_object_iter_key(it), "memory_budget_mib") == 0);
	}
	part = text != NULL ? strstr(text, "\n    \"method\": \"min-cost flow\",\n") : NULL;
	CHECK(part != NULL);
	CHECK(text != NULL && strstr(text, "\n    \"memory_budget_mib\": 431.5,\n") != NULL);
	free(text);
	json_decref(doc);
}

static void
test_round_trip(void)
{
	struct plan a, b, c;
	json_t *doc, *roster;
	char err[256], path[] = "/tmp/parkplan-test-plan-XXXXXX";
	int fd;

	sample_plan(&a);
	doc = plan_to_json(&a);
	CHECK(strcmp(json_string_value(json_object_get(doc, "format")), "parkplan-plan/1") == 0);
	roster = json_object_get(doc, "roster");
	CHECK(strcmp(json_string_value(json_object_get(roster, "status")), "infeasible") == 0);
	CHECK(json_is_null(json_object_get(roster, "bound")));
	CHECK(json_is_null(json_object_get(roster, "gap")));
	CHECK_INT_EQ(json_array_size(json_object_get(roster, "reasons")), 2);
	CHECK_INT_EQ(json_array_size(json_object_get(roster, "coverage")), 2);
	CHECK_INT_EQ(json_array_size(json_object_get(roster, "seats")), 2);
	CHECK_INT_EQ(json_integer_value(json_object_get(
	                 json_array_get(json_object_get(roster, "seats"), 1), "seats_part_time")),
	             1);
	CHECK_INT_EQ(json_integer_value(json_object_get(
	                 json_array_get(json_object_get(roster, "coverage"), 0), "workload")),
	             17);
	CHECK_INT_EQ(
	    json_integer_value(json_object_get(
	        json_array_get(json_object_get(json_object_get(doc, "pairing"), "pairs"), 0),
	        "score")),
	    850);
	CHECK_INT_EQ(plan_from_json(doc, &b, err, sizeof(err)), 0);
	CHECK_MSG(err[0] == '\0', "%s", err);
	json_decref(doc);
	CHECK(same_plan(&a, &b));
	CHECK(isnan(b.roster.bound));
	CHECK(b.pairing.bound == -9100);
	CHECK(strcmp(b.pairing.method, "min-cost flow") == 0);
	CHECK(b.pairing.memory_budget_mib == 0);
	CHECK(strcmp(b.roster.method, "local search with Lagrangian bound") == 0);
	CHECK(b.roster.memory_budget_mib == 431.5);
	check_key_order(&a);

	fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	CHECK_INT_EQ(plan_write_file(path, &a, err, sizeof(err)), 0);
	CHECK_INT_EQ(plan_read_file(path, &c, err, sizeof(err)), 0);
	CHECK(same_plan(&a, &c));
	plan_free(&c);
	unlink(path);
	CHECK_INT_EQ(plan_read_file(path, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, path);
	plan_free(&c);

	/* an empty plan */
	plan_free(&b);
	plan_init(&b);
	doc = plan_to_json(&b);
	CHECK_INT_EQ(plan_from_json(doc, &c, err, sizeof(err)), 0);
	CHECK(same_plan(&b, &c));
	CHECK_INT_EQ(c.pairing.status, PART_NOT_RUN);
	json_decref(doc);
	plan_free(&c);
	plan_free(&b);
	plan_free(&a);

	/* missing parts and fields take their defaults */
	doc = json_loads(
	    "{\"format\": \"parkplan-plan/1\", \"pairing\": {\"status\": \"feasible\","
	    " \"bound\": null, \"pairs\": [{\"enterprise_id\": 1, \"community_id\": 2}]}}",
	    0, NULL);
	CHECK_INT_EQ(plan_from_json(doc, &c, err, sizeof(err)), 0);
	json_decref(doc);
	CHECK_INT_EQ(c.pairing.status, PART_FEASIBLE);
	CHECK(isnan(c.pairing.bound));
	CHECK(c.n_pairs == 1 && c.pairs[0].enterprise_id == 1 && c.pairs[0].score == 0);
	CHECK_INT_EQ(c.roster.status, PART_NOT_RUN);
	CHECK(c.pairing.method[0] == '\0' && c.pairing.memory_budget_mib == 0);
	plan_free(&c);
}

static void
expect_error(const char *text, const char *message)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct plan p;
	char err[512];

	CHECK_MSG(doc != NULL, "test document does not parse: %s", text);
	CHECK_INT_EQ(plan_from_json(doc, &p, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, message);
	CHECK(p.n_pairs == 0 && p.pairs == NULL && p.pairing.n_reasons == 0);
	plan_free(&p);
	json_decref(doc);
}

#define PLAN_HEAD "{\"format\": \"parkplan-plan/1\", "

static void
test_errors(void)
{
	expect_error("[]", "$: expected an object, got an array");
	expect_error("{\"format\": \"parkplan-snapshot/1\"}",
	             "$.format: expected \"parkplan-plan/1\"");
	expect_error("{}", "$.format: expected");
	expect_error(PLAN_HEAD "\"pairing\": []}", "$.pairing: expected an object, got an array");
	expect_error(PLAN_HEAD "\"roster\": 3}", "$.roster: expected an object, got an integer");
	expect_error(PLAN_HEAD "\"pairing\": {\"status\": \"done\"}}",
	             "$.pairing.status: expected one of not_run, optimal");
	expect_error(PLAN_HEAD "\"pairing\": {\"objective\": 1.5}}",
	             "$.pairing.objective: expected an integer, got 1.5");
	expect_error(PLAN_HEAD "\"roster\": {\"bound\": \"x\"}}",
	             "$.roster.bound: expected a number or null, got a string");
	expect_error(PLAN_HEAD "\"roster\": {\"seconds\": []}}",
	             "$.roster.seconds: expected a number or null, got an array");
	expect_error(PLAN_HEAD "\"pairing\": {\"method\": 7}}",
	             "$.pairing.method: expected a string or null, got an integer");
	expect_error(PLAN_HEAD "\"roster\": {\"method\": \"0123456789012345678901234567890123456789"
	                       "01234567\"}}",
	             "$.roster.method: text of 48 bytes is longer than the limit of 47");
	expect_error(PLAN_HEAD "\"roster\": {\"memory_budget_mib\": \"512\"}}",
	             "$.roster.memory_budget_mib: expected a number or null, got a string");
	expect_error(PLAN_HEAD "\"pairing\": {\"reasons\": \"none\"}}",
	             "$.pairing.reasons: expected an array of texts, got a string");
	expect_error(PLAN_HEAD "\"pairing\": {\"reasons\": [\"a\", 2]}}",
	             "$.pairing.reasons[1]: expected a string, got an integer");
	expect_error(PLAN_HEAD "\"pairing\": {\"pairs\": {}}}",
	             "$.pairing.pairs: expected an array, got an object");
	expect_error(PLAN_HEAD "\"pairing\": {\"pairs\": [{}, 1]}}",
	             "$.pairing.pairs[1]: expected an object, got an integer");
	expect_error(PLAN_HEAD "\"pairing\": {\"pairs\": [{}, {\"score\": \"high\"}]}}",
	             "$.pairing.pairs[1].score: expected an integer, got a string");
	expect_error(PLAN_HEAD "\"pairing\": {\"uncovered\": [{\"shortfall\": 1e30}]}}",
	             "$.pairing.uncovered[0].shortfall: 1e+30 does not fit a 64-bit integer");
	expect_error(PLAN_HEAD "\"roster\": {\"assignments\": [{\"zone_id\": true}]}}",
	             "$.roster.assignments[0].zone_id: expected an integer, got a boolean");
	expect_error(PLAN_HEAD "\"roster\": {\"coverage\": [{\"capacity\": null}, "
	                       "{\"workload\": \"x\"}]}}",
	             "$.roster.coverage[1].workload: expected an integer, got a string");
	expect_error(PLAN_HEAD "\"roster\": {\"coverage\": [{\"zone_id\": 1, \"period_id\": 2}],"
	                       " \"seats\": []}}",
	             "$.roster.seats: 0 rows, expected one per coverage row (1)");
	expect_error(
	    PLAN_HEAD "\"roster\": {\"coverage\": [{\"zone_id\": 1, \"period_id\": 2}],"
	              " \"seats\": [{\"zone_id\": 2, \"period_id\": 2}]}}",
	    "$.roster.seats[0]: zone 2 period 2 does not match coverage[0] (zone 1 period 2)");
	expect_error(PLAN_HEAD "\"roster\": {\"coverage\": [{\"zone_id\": 1, \"period_id\": 2}],"
	                       " \"seats\": [{\"zone_id\": 1, \"period_id\": 2,"
	                       " \"seats_full_time\": 0.5}]}}",
	             "$.roster.seats[0].seats_full_time: expected an integer, got 0.5");
	expect_error(PLAN_HEAD "\"roster\": {\"coverage\": [{\"zone_id\": 1, \"period_id\": 2}],"
	                       " \"seats\": [7]}}",
	             "$.roster.seats[0]: expected an object, got an integer");

	/* bounds: rows and reasons */
	{
		json_t *doc = json_loads(PLAN_HEAD "\"pairing\": {}}", 0, NULL);
		json_t *a = json_array(), *row = json_object();
		struct plan p;
		char err[256];
		size_t i;

		for (i = 0; i < (size_t)SNAPSHOT_MAX_ROWS + 1; i++)
			json_array_append(a, row);
		json_decref(row);
		json_object_set_new(json_object_get(doc, "pairing"), "pairs", a);
		CHECK_INT_EQ(plan_from_json(doc, &p, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "$.pairing.pairs: 2000001 rows, more than the limit");
		plan_free(&p);
		a = json_array();
		row = json_string("r");
		for (i = 0; i < (size_t)SNAPSHOT_MAX_ROWS + 1; i++)
			json_array_append(a, row);
		json_decref(row);
		json_object_del(json_object_get(doc, "pairing"), "pairs");
		json_object_set_new(json_object_get(doc, "pairing"), "reasons", a);
		CHECK_INT_EQ(plan_from_json(doc, &p, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "$.pairing.reasons: 2000001 reasons, more than the limit");
		plan_free(&p);
		json_decref(doc);
	}
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void
test_fuzz(void)
{
	static const char alphabet[] = "{}[]\":,0123456789.-e nulltruefalse";
	struct plan a, p;
	json_t *doc;
	char *text, *buf, err[256];
	size_t len, n, i;
	int round, parsed = 0, accepted = 0;

	sample_plan(&a);
	doc = plan_to_json(&a);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	plan_free(&a);
	len = strlen(text);
	buf = malloc(len + 16);
	for (round = 0; round < 3000; round++) {
		memcpy(buf, text, len + 1);
		n = len;
		for (i = 0; i < 1 + rng() % 3; i++) {
			size_t at = (size_t)(rng() % n);
			char ch = alphabet[rng() % (sizeof(alphabet) - 1)];

			if (rng() % 2) {
				buf[at] = ch;
			} else {
				memmove(buf + at, buf + at + 1, n - at);
				n--;
			}
		}
		doc = json_loadb(buf, n, 0, NULL);
		if (doc == NULL)
			continue;
		parsed++;
		if (plan_from_json(doc, &p, err, sizeof(err)) == 0) {
			json_t *back = plan_to_json(&p);

			accepted++;
			json_decref(back);
		} else {
			CHECK(err[0] == '$');
		}
		plan_free(&p);
		json_decref(doc);
	}
	free(buf);
	free(text);
	printf("plan fuzz: %d parsed, %d accepted\n", parsed, accepted);
	CHECK(parsed > 100 && accepted > 10);
}

int
main(void)
{
	test_names();
	test_init_and_reasons();
	test_round_trip();
	test_errors();
	test_fuzz();
	return check_done("test_plan_json");
}
