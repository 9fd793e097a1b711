/*
 * test_validate.c - docs/model.md §5: every rule has a test that feeds a
 * bad row and checks that the problem names the row (entity, id, field) and
 * says why; several bad rows are all reported; a clean snapshot has none.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "snapshot.h"
#include "print.h"
#include "validate.h"

static const char clean_doc[] =
    "{\"format\": \"parkplan-snapshot/1\","
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"name\": \"A\", \"lat\": 31.17, \"lon\": 121.40},"
    "            {\"id\": 2, \"code\": \"B\", \"name\": \"B\", \"lat\": 31.18, \"lon\": 121.41,"
    "             \"min_fulltime\": 0}],"
    " \"enterprises\": ["
    "   {\"id\": 11, \"name\": \"E11\", \"zone_id\": 1, \"industry\": \"集成电路\","
    "    \"party_org\": \"branch\", \"party_members\": 5, \"employees\": 100,"
    "    \"lat\": 31.168, \"lon\": 121.397, \"offers\": [\"法律服务\"], \"joined_on\": "
    "\"2026-03-01\"},"
    "   {\"id\": 12, \"name\": \"E12\", \"zone_id\": 2, \"industry\": \"软件\","
    "    \"party_org\": \"none\", \"lat\": 31.17, \"lon\": 121.41, \"max_communities\": 0}],"
    " \"communities\": ["
    "   {\"id\": 7, \"name\": \"C7\", \"lat\": 31.16, \"lon\": 121.39, \"needs\": [\"法律服务\"]},"
    "   {\"id\": 8, \"name\": \"C8\", \"lat\": 31.15, \"lon\": 121.38, \"min_partners\": 0,"
    "    \"max_partners\": 0}],"
    " \"instructors\": ["
    "   {\"id\": 5, \"name\": \"I5\", \"home_lat\": 31.2, \"home_lon\": 121.5, \"unavailable\": "
    "[1]},"
    "   {\"id\": 6, \"name\": \"I6\", \"full_time\": false, \"home_lat\": 31.1, \"home_lon\": "
    "121.3}],"
    " \"periods\": [{\"id\": 1, \"label\": \"2027Q1\", \"start\": \"2027-01-01\"},"
    "             {\"id\": 2, \"label\": \"2027Q2\", \"start\": \"2027-04-01\"}],"
    " \"rules\": [{\"kind\": \"pin_pair\", \"enterprise_id\": 11, \"community_id\": 7},"
    "           {\"kind\": \"forbid_pair\", \"enterprise_id\": 12, \"community_id\": 7},"
    "           {\"kind\": \"forbid_pair\", \"enterprise_id\": 11, \"community_id\": 8},"
    "           {\"kind\": \"pin_zone\", \"instructor_id\": 5, \"zone_id\": 1, \"period_id\": 2},"
    "           {\"kind\": \"forbid_zone\", \"instructor_id\": 5, \"zone_id\": 2, \"period_id\": "
    "2},"
    "           {\"kind\": \"pin_zone\", \"instructor_id\": 6, \"zone_id\": 2},"
    "           {\"kind\": \"forbid_zone\", \"instructor_id\": 6, \"zone_id\": 1}],"
    " \"previous\": {\"pairs\": [[11, 7]], \"assignments\": [[5, 1]]}}";

/* The snapshot every test starts from, read again each time. */
static void
clean(struct snapshot *s)
{
	json_error_t jerr;
	json_t *doc = json_loads(clean_doc, 0, &jerr);
	char err[256];

	if (doc == NULL || snapshot_from_json(doc, s, err, sizeof(err)) != 0) {
		fprintf(stderr, "the clean document does not read: %s\n",
		        doc == NULL ? jerr.text : err);
		exit(2);
	}
	json_decref(doc);
}

static struct enterprise *
enterprise(struct snapshot *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n_enterprises; i++)
		if (s->enterprises[i].id == id)
			return &s->enterprises[i];
	abort();
}

static struct community *
community(struct snapshot *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n_communities; i++)
		if (s->communities[i].id == id)
			return &s->communities[i];
	abort();
}

static struct instructor *
instructor(struct snapshot *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n_instructors; i++)
		if (s->instructors[i].id == id)
			return &s->instructors[i];
	abort();
}

/* The printed line of problem i, as print_problems writes it. */
static char *
line_of(const struct problems *p, size_t i)
{
	struct problems one = {.v = &p->v[i], .n = 1, .cap = 1};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print_problems(&one, f);
	fclose(f);
	return buf;
}

/*
 * Validates s and checks that exactly `count` problems are found (-1: any
 * number) and that one of them is (entity, id, field) with reason_part in its
 * reason and printed_part in its printed line.
 */
static void
expect_at(int line, struct snapshot *s, int count, const char *entity, int64_t id,
          const char *field, const char *reason_part, const char *printed_part)
{
	struct problems p;
	size_t n, i;
	int found = 0;

	problems_init(&p);
	n = snapshot_validate(s, &p);
	CHECK_INT_EQ(n, p.n);
	if (count >= 0 && (int)n != count) {
		check_count++;
		check_failures++;
		fprintf(stderr, "line %d: expected %d problems, got %zu:\n", line, count, n);
		print_problems(&p, stderr);
	}
	for (i = 0; i < p.n && !found; i++) {
		char *text;

		if (strcmp(p.v[i].entity, entity) != 0 || p.v[i].id != id ||
		    strcmp(p.v[i].field, field) != 0 || strstr(p.v[i].reason, reason_part) == NULL)
			continue;
		text = line_of(&p, i);
		if (printed_part == NULL || strstr(text, printed_part) != NULL)
			found = 1;
		free(text);
	}
	check_count++;
	if (!found) {
		check_failures++;
		fprintf(stderr, "line %d: no problem (%s, %lld, %s, \"%s\"%s%s); found:\n", line,
		        entity, (long long)id, field, reason_part, printed_part ? ", printed " : "",
		        printed_part ? printed_part : "");
		print_problems(&p, stderr);
	}
	problems_free(&p);
	snapshot_free(s);
}

#define EXPECT(s, count, entity, id, field, reason, printed)                                       \
	expect_at(__LINE__, (s), (count), (entity), (id), (field), (reason), (printed))

static size_t
count_problems(struct snapshot *s)
{
	struct problems p;
	size_t n;

	problems_init(&p);
	n = snapshot_validate(s, &p);
	if (n != 0)
		print_problems(&p, stderr);
	problems_free(&p);
	snapshot_free(s);
	return n;
}

static void
test_clean(void)
{
	struct snapshot s;

	clean(&s);
	CHECK_INT_EQ(count_problems(&s), 0);
	/* boundary values are allowed */
	clean(&s);
	s.zones[0].lat = 90;
	s.zones[0].lon = -180;
	s.zones[1].lat = -90;
	s.zones[1].lon = 180;
	enterprise(&s, 11)->party_members = SNAPSHOT_MAX_COUNT;
	community(&s, 7)->min_partners = 3; /* equal to max_partners */
	instructor(&s, 6)->capacity = 1;
	s.settings.max_changes = 0;
	s.settings.time_limit_s = 86400;
	s.settings.mip_gap = 1;
	s.settings.w_balance = SNAPSHOT_MAX_WEIGHT;
	s.settings.w_need = 0;
	CHECK_INT_EQ(count_problems(&s), 0);
}

static void
test_ids(void)
{
	struct snapshot s;

	clean(&s);
	s.zones[1].id = 0;
	/* enterprise 12 and two rules name zone 2, which is gone now */
	EXPECT(&s, 4, "zone", 0, "id", "0 is not a positive id (zones[1])", "zone: id: 0 is");
	clean(&s);
	enterprise(&s, 12)->id = -3;
	/* the forbid_pair of enterprise 12 dangles too */
	EXPECT(&s, 2, "enterprise", -3, "id", "-3 is not a positive id (enterprises[1])",
	       "enterprise -3: id: -3 is not a positive id");
	clean(&s);
	community(&s, 8)->id = 0;
	EXPECT(&s, 2, "community", 0, "id", "is not a positive id (communities[1])", NULL);
	clean(&s);
	instructor(&s, 6)->id = -1;
	EXPECT(&s, 3, "instructor", -1, "id", "is not a positive id (instructors[1])", NULL);
	clean(&s);
	s.periods[1].id = 0;
	EXPECT(&s, 3, "period", 0, "id", "is not a positive id (periods[1])", NULL);

	/* unique per entity type: a zone and a period may share an id */
	clean(&s);
	enterprise(&s, 12)->id = 11;
	EXPECT(&s, 2, "enterprise", 11, "id",
	       "enterprise 11 appears twice (enterprises[0] and "
	       "enterprises[1])",
	       "enterprise 11: id: ");
	clean(&s);
	s.zones[1].id = 1;
	EXPECT(&s, -1, "zone", 1, "id", "zone 1 appears twice", NULL);
	clean(&s);
	community(&s, 8)->id = 7;
	EXPECT(&s, 2, "community", 7, "id", "community 7 appears twice", NULL);
	clean(&s);
	instructor(&s, 6)->id = 5;
	EXPECT(&s, -1, "instructor", 5, "id", "instructor 5 appears twice", NULL);
	clean(&s);
	s.periods[1].id = 1;
	EXPECT(&s, -1, "period", 1, "id", "period 1 appears twice", NULL);
}

static void
test_references(void)
{
	struct snapshot s;

	clean(&s);
	enterprise(&s, 12)->zone_id = 99;
	EXPECT(&s, 1, "enterprise", 12, "zone_id", "zone 99 does not exist",
	       "enterprise 12: zone_id: zone 99 does not exist");
	clean(&s);
	instructor(&s, 6)->unavailable = malloc(sizeof(int64_t));
	instructor(&s, 6)->unavailable[0] = 42;
	instructor(&s, 6)->n_unavailable = 1;
	EXPECT(&s, 1, "instructor", 6, "unavailable", "period 42 does not exist",
	       "instructor 6: unavailable: period 42 does not exist");

	/* every id of every rule kind */
	clean(&s);
	s.rules[0].enterprise_id = 99;
	EXPECT(&s, 1, "rule", 0, "enterprise_id",
	       "pin_pair (enterprise 99, community 7): enterprise 99 does not exist",
	       "rule: enterprise_id: pin_pair (enterprise 99, community 7)");
	clean(&s);
	s.rules[0].community_id = 98;
	EXPECT(&s, 1, "rule", 0, "community_id",
	       "pin_pair (enterprise 11, community 98): community 98 does not exist", NULL);
	clean(&s);
	s.rules[1].enterprise_id = 0;
	EXPECT(&s, 1, "rule", 0, "enterprise_id",
	       "forbid_pair (enterprise 0, community 7): enterprise 0 does not exist", NULL);
	clean(&s);
	s.rules[1].community_id = 97;
	EXPECT(&s, 1, "rule", 0, "community_id", "community 97 does not exist", NULL);
	clean(&s);
	s.rules[3].instructor_id = 96;
	EXPECT(&s, 1, "rule", 0, "instructor_id",
	       "pin_zone (instructor 96, zone 1, period 2): instructor 96 does not exist", NULL);
	clean(&s);
	s.rules[3].zone_id = 95;
	EXPECT(&s, 1, "rule", 0, "zone_id", "zone 95 does not exist", NULL);
	clean(&s);
	s.rules[3].period_id = 94;
	EXPECT(&s, 1, "rule", 0, "period_id", "period 94 does not exist", NULL);
	clean(&s);
	s.rules[6].instructor_id = 93;
	EXPECT(&s, 1, "rule", 0, "instructor_id",
	       "forbid_zone (instructor 93, zone 1, every period): instructor 93 does not exist",
	       NULL);
	clean(&s);
	s.rules[6].zone_id = 92;
	EXPECT(&s, 1, "rule", 0, "zone_id", "zone 92 does not exist", NULL);
	clean(&s);
	s.rules[4].period_id = 91;
	EXPECT(&s, 1, "rule", 0, "period_id",
	       "forbid_zone (instructor 5, zone 2, period 91): period 91 does not exist", NULL);
}

static void
test_coordinates(void)
{
	struct snapshot s;

	clean(&s);
	enterprise(&s, 12)->lat = 123;
	EXPECT(&s, 1, "enterprise", 12, "lat", "123 is outside [-90, 90]",
	       "enterprise 12: lat: 123 is outside [-90, 90]");
	clean(&s);
	enterprise(&s, 11)->lon = -180.5;
	EXPECT(&s, 1, "enterprise", 11, "lon", "-180.5 is outside [-180, 180]", NULL);
	clean(&s);
	s.zones[0].lat = -90.25;
	EXPECT(&s, 1, "zone", 1, "lat", "-90.25 is outside [-90, 90]", NULL);
	clean(&s);
	s.zones[1].lon = 181;
	EXPECT(&s, 1, "zone", 2, "lon", "181 is outside [-180, 180]", NULL);
	clean(&s);
	community(&s, 7)->lat = 91;
	EXPECT(&s, 1, "community", 7, "lat", "91 is outside", "community 7: lat: 91 is outside");
	clean(&s);
	community(&s, 8)->lon = 200;
	EXPECT(&s, 1, "community", 8, "lon", "200 is outside", NULL);
	clean(&s);
	instructor(&s, 5)->home_lat = -95;
	EXPECT(&s, 1, "instructor", 5, "home_lat", "-95 is outside [-90, 90]", NULL);
	clean(&s);
	instructor(&s, 6)->home_lon = 360;
	EXPECT(&s, 1, "instructor", 6, "home_lon", "360 is outside [-180, 180]", NULL);

	/* finite: missing (NAN) and infinite coordinates */
	clean(&s);
	enterprise(&s, 11)->lat = NAN;
	EXPECT(&s, 1, "enterprise", 11, "lat", "is missing or not a number", NULL);
	clean(&s);
	s.zones[0].lon = INFINITY;
	EXPECT(&s, 1, "zone", 1, "lon", "inf is not a finite number", NULL);
	clean(&s);
	community(&s, 7)->lon = -INFINITY;
	EXPECT(&s, 1, "community", 7, "lon", "is not a finite number", NULL);
	clean(&s);
	instructor(&s, 6)->home_lat = NAN;
	EXPECT(&s, 1, "instructor", 6, "home_lat", "is missing", NULL);
}

static void
test_counts(void)
{
	struct snapshot s;

	clean(&s);
	s.zones[0].min_fulltime = -1;
	EXPECT(&s, 1, "zone", 1, "min_fulltime", "-1 is negative", "zone 1: min_fulltime: -1");
	clean(&s);
	enterprise(&s, 11)->party_members = -2;
	EXPECT(&s, 1, "enterprise", 11, "party_members", "-2 is negative", NULL);
	clean(&s);
	enterprise(&s, 12)->employees = -7;
	EXPECT(&s, 1, "enterprise", 12, "employees", "-7 is negative", NULL);
	clean(&s);
	enterprise(&s, 12)->max_communities = -1;
	EXPECT(&s, 1, "enterprise", 12, "max_communities", "-1 is negative", NULL);
	clean(&s);
	community(&s, 8)->min_partners = -1;
	EXPECT(&s, 1, "community", 8, "min_partners", "-1 is negative", NULL);
	clean(&s);
	community(&s, 7)->max_partners = -1;
	/* also below min_partners = 1 */
	EXPECT(&s, 2, "community", 7, "max_partners", "-1 is negative", NULL);
	clean(&s);
	instructor(&s, 5)->capacity = 0;
	EXPECT(&s, 1, "instructor", 5, "capacity", "0 is not positive",
	       "instructor 5: capacity: 0 is not positive");
	clean(&s);
	instructor(&s, 6)->capacity = -10;
	EXPECT(&s, 1, "instructor", 6, "capacity", "-10 is not positive", NULL);

	/* the upper bound on counts */
	clean(&s);
	enterprise(&s, 11)->employees = SNAPSHOT_MAX_COUNT + 1;
	EXPECT(&s, 1, "enterprise", 11, "employees", "1000001 is greater than the limit of 1000000",
	       NULL);
	clean(&s);
	instructor(&s, 5)->capacity = INT64_MAX;
	EXPECT(&s, 1, "instructor", 5, "capacity", "is greater than the limit", NULL);
	clean(&s);
	s.zones[1].min_fulltime = SNAPSHOT_MAX_COUNT + 5;
	EXPECT(&s, 1, "zone", 2, "min_fulltime", "is greater than the limit", NULL);
	clean(&s);
	community(&s, 8)->max_partners = INT64_MAX;
	EXPECT(&s, 1, "community", 8, "max_partners", "is greater than the limit", NULL);
	clean(&s);
	enterprise(&s, 12)->max_communities = SNAPSHOT_MAX_COUNT + 1;
	EXPECT(&s, 1, "enterprise", 12, "max_communities", "is greater than the limit", NULL);
	clean(&s);
	enterprise(&s, 12)->party_members = SNAPSHOT_MAX_COUNT + 1;
	EXPECT(&s, 1, "enterprise", 12, "party_members", "is greater than the limit", NULL);

	/* min_partners <= max_partners */
	clean(&s);
	community(&s, 7)->min_partners = 4;
	EXPECT(&s, 1, "community", 7, "min_partners", "4 is greater than max_partners 3",
	       "community 7: min_partners: 4 is greater than max_partners 3");
}

static void
test_party_org(void)
{
	struct snapshot s;

	clean(&s);
	enterprise(&s, 12)->party_org = ORG_INVALID;
	enterprise(&s, 12)->party_org_text = strdup("党小组");
	EXPECT(&s, 1, "enterprise", 12, "party_org",
	       "\"党小组\" is not one of committee, general_branch, branch, joint_branch, none",
	       "enterprise 12: party_org: \"党小组\"");
	/* from a loader that did not keep the text */
	clean(&s);
	enterprise(&s, 11)->party_org = ORG_INVALID;
	EXPECT(&s, 1, "enterprise", 11, "party_org", "is not one of committee", NULL);
	/* through the JSON reader */
	{
		json_t *doc = json_loads(clean_doc, 0, NULL);
		char err[256];

		json_object_set_new(json_array_get(json_object_get(doc, "enterprises"), 0),
		                    "party_org", json_string("Committee"));
		CHECK_INT_EQ(snapshot_from_json(doc, &s, err, sizeof(err)), 0);
		json_decref(doc);
		EXPECT(&s, 1, "enterprise", 11, "party_org", "\"Committee\" is not one of", NULL);
	}
}

static void
test_periods(void)
{
	struct snapshot s;
	size_t i;

	clean(&s);
	/* no period at all: drop them, and the rows that name them */
	for (i = 0; i < s.n_periods; i++)
		free(s.periods[i].label);
	s.n_periods = 0;
	instructor(&s, 5)->n_unavailable = 0;
	s.rules[3].period_id = 0;
	s.rules[4].period_id = 0;
	s.n_rules = 3;
	EXPECT(&s, 1, "period", 0, "", "the snapshot has no period",
	       "period: the snapshot has no period; at least one is needed");
	clean(&s);
	s.periods[1].label[0] = '\0';
	EXPECT(&s, 1, "period", 2, "label", "is empty", "period 2: label: is empty");
	clean(&s);
	s.periods[0].start = DATE_NONE;
	EXPECT(&s, 1, "period", 1, "start", "is missing", "period 1: start: is missing");
	clean(&s);
	s.periods[0].start = 2932897; /* 10000-01-01 */
	EXPECT(&s, 1, "period", 1, "start", "is outside the years 0001 to 9999", NULL);
	clean(&s);
	enterprise(&s, 11)->joined_on = -719163; /* 0000-12-31 */
	EXPECT(&s, 1, "enterprise", 11, "joined_on", "is outside the years 0001 to 9999", NULL);
	/* starts need not be distinct */
	clean(&s);
	s.periods[1].start = s.periods[0].start;
	CHECK_INT_EQ(count_problems(&s), 0);
}

static void
add_rule(struct snapshot *s, struct rule r)
{
	s->rules = realloc(s->rules, (s->n_rules + 1) * sizeof(*s->rules));
	s->rules[s->n_rules++] = r;
}

static void
test_conflicts(void)
{
	struct snapshot s;

	/* pin_pair and forbid_pair of the same pair */
	clean(&s);
	add_rule(&s,
	         (struct rule){.kind = RULE_FORBID_PAIR, .enterprise_id = 11, .community_id = 7});
	EXPECT(&s, 1, "rule", 0, "", "pin_pair (enterprise 11, community 7) is also forbidden",
	       "rule: pin_pair (enterprise 11, community 7) is also forbidden");
	/* a pin of another pair of the same enterprise is no conflict */
	clean(&s);
	add_rule(&s, (struct rule){.kind = RULE_PIN_PAIR, .enterprise_id = 12, .community_id = 8});
	CHECK_INT_EQ(count_problems(&s), 0);

	/* pin_zone and forbid_zone of the same period */
	clean(&s);
	add_rule(&s,
	         (struct rule){
	             .kind = RULE_FORBID_ZONE, .instructor_id = 5, .zone_id = 1, .period_id = 2});
	EXPECT(&s, 1, "rule", 0, "",
	       "pin_zone (instructor 5, zone 1, period 2) is also forbidden by forbid_zone "
	       "(instructor 5, zone 1, period 2)",
	       NULL);
	/* a forbid of every period overlaps a pin of one period */
	clean(&s);
	add_rule(&s, (struct rule){.kind = RULE_FORBID_ZONE, .instructor_id = 5, .zone_id = 1});
	EXPECT(&s, 1, "rule", 0, "",
	       "pin_zone (instructor 5, zone 1, period 2) is also forbidden by forbid_zone "
	       "(instructor 5, zone 1, every period)",
	       NULL);
	/* a pin of every period overlaps a forbid of one period */
	clean(&s);
	add_rule(&s,
	         (struct rule){
	             .kind = RULE_FORBID_ZONE, .instructor_id = 6, .zone_id = 2, .period_id = 1});
	EXPECT(&s, 1, "rule", 0, "",
	       "pin_zone (instructor 6, zone 2, every period) is also "
	       "forbidden by forbid_zone (instructor 6, zone 2, period 1)",
	       NULL);
	/* both of every period */
	clean(&s);
	add_rule(&s, (struct rule){.kind = RULE_FORBID_ZONE, .instructor_id = 6, .zone_id = 2});
	EXPECT(&s, 1, "rule", 0, "",
	       "pin_zone (instructor 6, zone 2, every period) is also "
	       "forbidden",
	       NULL);
	/* different periods do not overlap; other zones and instructors do not conflict */
	clean(&s);
	add_rule(&s,
	         (struct rule){
	             .kind = RULE_FORBID_ZONE, .instructor_id = 5, .zone_id = 1, .period_id = 1});
	add_rule(&s,
	         (struct rule){
	             .kind = RULE_FORBID_ZONE, .instructor_id = 6, .zone_id = 1, .period_id = 2});
	add_rule(&s, (struct rule){
	                 .kind = RULE_PIN_ZONE, .instructor_id = 5, .zone_id = 2, .period_id = 1});
	/* instructor 5 is unavailable in period 1: that pin conflicts, nothing else */
	EXPECT(&s, 1, "rule", 0, "period_id",
	       "pin_zone (instructor 5, zone 2, period 1): instructor 5 is unavailable in period 1",
	       "rule: period_id: pin_zone (instructor 5, zone 2, period 1): instructor 5 is "
	       "unavailable in period 1");
	/* a pin of every period is fine for an instructor away in some period */
	clean(&s);
	add_rule(&s, (struct rule){.kind = RULE_PIN_ZONE, .instructor_id = 5, .zone_id = 1});
	CHECK_INT_EQ(count_problems(&s), 0);

	/* pins and no forbid at all: nothing to look up (UBSan caught a lookup in none) */
	clean(&s);
	{
		size_t i, k = 0;

		for (i = 0; i < s.n_rules; i++)
			if (s.rules[i].kind == RULE_PIN_PAIR || s.rules[i].kind == RULE_PIN_ZONE)
				s.rules[k++] = s.rules[i];
		CHECK_INT_EQ(k, 3);
		s.n_rules = k;
	}
	CHECK_INT_EQ(count_problems(&s), 0);
}

static void
test_settings(void)
{
	static const struct {
		const char *field;
		size_t offset;
		int is_double;
		double bad;
		const char *reason;
	} cases[] = {
#define D(f, v, r) {#f, offsetof(struct settings, f), 1, v, r}
#define I(f, v, r)                                                                                 \
	{                                                                                          \
#f, offsetof(struct settings, f), 0, v, r                                          \
	}
	    D(pair_radius_m, 0, "0 is outside (0, "),
	    D(pair_radius_m, -5, "-5 is outside (0, "),
	    D(pair_radius_m, NAN, "is missing or not a finite number"),
	    D(commute_scale_m, 0, "0 is outside (0, "),
	    D(commute_scale_m, INFINITY, "not a finite number"),
	    D(w_need, -1, "-1 is outside [0, 1e+06]"),
	    D(w_need, NAN, "is missing or not a number"),
	    D(w_distance, 1e7, "10000000 is outside [0, 1e+06]"),
	    D(w_skill, -0.5, "-0.5 is outside"),
	    D(w_commute, INFINITY, "is not a finite number"),
	    D(time_limit_s, 0, "0 is outside (0, 86400]"),
	    D(time_limit_s, 86401, "86401 is outside (0, 86400]"),
	    D(time_limit_s, NAN, "not a finite number"),
	    D(mip_gap, -0.125, "-0.125 is outside [0, 1]"),
	    D(mip_gap, 1.5, "1.5 is outside [0, 1]"),
	    D(mip_gap, NAN, "is missing or not a number"),
	    I(w_keep_pair, -1, "-1 is outside [0, 1000000]"),
	    I(w_uncovered, 1000001, "1000001 is outside [0, 1000000]"),
	    I(new_bonus, -2, "-2 is outside"),
	    I(w_balance, -1, "-1 is outside"),
	    I(w_keep_zone, 2e6, "2000000 is outside"),
	    I(w_stay, -3, "-3 is outside"),
	    I(new_days, -1, "-1 is outside [0, 1000000]"),
	    I(max_changes, -2, "-2 is outside [0, 1000000] (or null for no limit)"),
#undef D
#undef I
	};
	struct snapshot s;
	size_t i;
	int k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *base;

		clean(&s);
		base = (char *)&s.settings + cases[i].offset;
		if (cases[i].is_double)
			*(double *)base = cases[i].bad;
		else
			*(int64_t *)base = (int64_t)cases[i].bad;
		expect_at(__LINE__ * 1000 + (int)i, &s, 1, "settings", 0, cases[i].field,
		          cases[i].reason, NULL);
	}
	for (k = 0; k < CLASS_COUNT; k++) {
		char field[64];

		clean(&s);
		s.settings.org_weight[k] = k % 2 ? -1 : SNAPSHOT_MAX_WEIGHT + 1;
		snprintf(field, sizeof(field), "org_weight.%s", org_class_name((enum org_class)k));
		EXPECT(&s, 1, "settings", 0, field, "is outside [0, 1000000]",
		       "settings: org_weight.");
	}
	clean(&s);
	s.settings.w_need = -1;
	EXPECT(&s, 1, "settings", 0, "w_need", "-1 is outside", "settings: w_need: -1 is outside");
}

/* Bounds on texts and code lists, for snapshots that did not come from JSON. */
static void
test_text_bounds(void)
{
	struct snapshot s;
	struct enterprise *e;
	size_t i;

	clean(&s);
	free(s.zones[1].name);
	s.zones[1].name = malloc(SNAPSHOT_MAX_TEXT + 2);
	memset(s.zones[1].name, 'z', SNAPSHOT_MAX_TEXT + 1);
	s.zones[1].name[SNAPSHOT_MAX_TEXT + 1] = '\0';
	EXPECT(&s, 1, "zone", 2, "name", "text of 1025 bytes is longer than the limit of 1024",
	       NULL);
	clean(&s);
	e = enterprise(&s, 12);
	codes_free(&e->offers);
	e->offers.v = calloc(SNAPSHOT_MAX_CODES + 1, sizeof(char *));
	for (i = 0; i < SNAPSHOT_MAX_CODES + 1; i++) {
		char code[16];

		snprintf(code, sizeof(code), "c%03zu", i);
		e->offers.v[e->offers.n++] = strdup(code);
	}
	EXPECT(&s, 1, "enterprise", 12, "offers", "257 codes, more than the limit of 256", NULL);
}

/* Many bad rows at once: every one is reported. */
static void
test_all_reported(void)
{
	struct snapshot s;
	struct problems p;
	json_t *j;
	size_t n, i;
	int seen_lat = 0, seen_lon = 0, seen_minmax = 0, seen_conflict = 0, seen_zone = 0;
	int seen_dup = 0, seen_cap = 0, seen_settings = 0;

	clean(&s);
	enterprise(&s, 11)->lat = 123;
	enterprise(&s, 12)->lon = -500;
	enterprise(&s, 12)->zone_id = 77;
	community(&s, 7)->min_partners = 4;
	instructor(&s, 5)->capacity = 0;
	instructor(&s, 6)->id = 5;
	add_rule(&s,
	         (struct rule){.kind = RULE_FORBID_PAIR, .enterprise_id = 11, .community_id = 7});
	s.settings.mip_gap = 2;

	problems_init(&p);
	n = snapshot_validate(&s, &p);
	/* the eight above, and the two rules of instructor 6 that now dangle */
	CHECK_INT_EQ(n, 10);
	for (i = 0; i < p.n; i++) {
		const struct problem *q = &p.v[i];

		seen_lat += strcmp(q->entity, "enterprise") == 0 && q->id == 11 &&
		            strcmp(q->field, "lat") == 0;
		seen_lon += strcmp(q->entity, "enterprise") == 0 && q->id == 12 &&
		            strcmp(q->field, "lon") == 0;
		seen_zone += strcmp(q->entity, "enterprise") == 0 && q->id == 12 &&
		             strcmp(q->field, "zone_id") == 0;
		seen_minmax += strcmp(q->entity, "community") == 0 && q->id == 7 &&
		               strcmp(q->field, "min_partners") == 0;
		seen_cap += strcmp(q->entity, "instructor") == 0 && q->id == 5 &&
		            strcmp(q->field, "capacity") == 0;
		seen_dup += strcmp(q->entity, "instructor") == 0 && q->id == 5 &&
		            strcmp(q->field, "id") == 0;
		seen_conflict += strcmp(q->entity, "rule") == 0 &&
		                 strstr(q->reason, "is also forbidden") != NULL;
		seen_settings +=
		    strcmp(q->entity, "settings") == 0 && strcmp(q->field, "mip_gap") == 0;
	}
	CHECK(seen_lat == 1 && seen_lon == 1 && seen_zone == 1 && seen_minmax == 1 &&
	      seen_cap == 1 && seen_dup == 1 && seen_conflict == 1 && seen_settings == 1);

	/* the JSON form carries the same four fields */
	j = problems_to_json(&p);
	CHECK(json_is_array(j) && json_array_size(j) == p.n);
	for (i = 0; i < json_array_size(j); i++) {
		json_t *o = json_array_get(j, i);

		CHECK(strcmp(json_string_value(json_object_get(o, "entity")), p.v[i].entity) == 0);
		CHECK(json_integer_value(json_object_get(o, "id")) == p.v[i].id);
		CHECK(strcmp(json_string_value(json_object_get(o, "field")), p.v[i].field) == 0);
		CHECK(strcmp(json_string_value(json_object_get(o, "reason")), p.v[i].reason) == 0);
	}
	json_decref(j);

	/* one printed line per problem */
	{
		char *buf = NULL;
		size_t len = 0, lines = 0;
		FILE *f = open_memstream(&buf, &len);

		print_problems(&p, f);
		fclose(f);
		for (i = 0; i < len; i++)
			lines += buf[i] == '\n';
		CHECK_INT_EQ(lines, p.n);
		CHECK_STR_CONTAINS(buf, "enterprise 11: lat: 123 is outside [-90, 90]\n");
		CHECK_STR_CONTAINS(buf,
		                   "community 7: min_partners: 4 is greater than max_partners 3\n");
		CHECK_STR_CONTAINS(
		    buf, "rule: pin_pair (enterprise 11, community 7) is also forbidden\n");
		CHECK_STR_CONTAINS(buf, "settings: mip_gap: 2 is outside [0, 1]\n");
		free(buf);
	}
	/* problems accumulate across calls; the count returned is this call's */
	n = snapshot_validate(&s, &p);
	CHECK_INT_EQ(n, 10);
	CHECK_INT_EQ(p.n, 20);
	problems_free(&p);
	CHECK(p.n == 0 && p.v == NULL);
	problems_free(&p);
	problems_free(NULL);
	snapshot_free(&s);

	/* many rows with the same problem: one problem each, none dropped */
	clean(&s);
	for (i = 0; i < 500; i++)
		add_rule(&s, (struct rule){.kind = RULE_PIN_PAIR,
		                           .enterprise_id = 1000 + (int64_t)i,
		                           .community_id = 7});
	problems_init(&p);
	CHECK_INT_EQ(snapshot_validate(&s, &p), 500);
	CHECK(p.n == 500 && strstr(p.v[499].reason, "enterprise 1499 does not exist") != NULL);
	problems_free(&p);
	snapshot_free(&s);

	/* an empty snapshot: only the missing period */
	snapshot_init(&s);
	problems_init(&p);
	CHECK_INT_EQ(snapshot_validate(&s, &p), 1);
	problems_free(&p);
	snapshot_free(&s);
}

/* From JSON text with the right types: reading succeeds, validation names the row. */
static void
test_from_json(void)
{
	json_t *doc = json_loads(clean_doc, 0, NULL);
	json_t *e = json_array_get(json_object_get(doc, "enterprises"), 1);
	struct snapshot s;
	char err[256];

	json_object_set_new(e, "lat", json_integer(123));
	json_object_set_new(json_array_get(json_object_get(doc, "communities"), 0), "min_partners",
	                    json_integer(4));
	json_object_del(json_array_get(json_object_get(doc, "zones"), 0), "lat");
	CHECK_INT_EQ(snapshot_from_json(doc, &s, err, sizeof(err)), 0);
	json_decref(doc);
	EXPECT(&s, 3, "enterprise", 12, "lat", "123 is outside [-90, 90]", NULL);
}

/* Reasons are stored and sent as JSON: always UTF-8, never a character cut in half. */
static void
test_utf8_reasons(void)
{
	struct problems p;
	char buf[16];

	/* "三片区" is 9 bytes: 7 of them hold two whole characters */
	problems_quote(buf, sizeof(buf), "\xe4\xb8\x89\xe7\x89\x87\xe5\x8c\xba", 7);
	CHECK_MSG(strcmp(buf, "\xe4\xb8\x89\xe7\x89\x87") == 0, "%s", buf);
	problems_quote(buf, sizeof(buf), "abc\xff\xc3", 15);
	CHECK_MSG(strcmp(buf, "abc?"
	                      "?") == 0,
	          "%s", buf);
	problems_quote(buf, 4, "abcdef", 64);
	CHECK_MSG(strcmp(buf, "abc") == 0, "%s", buf);

	problems_init(&p);
	/* "%.4s" cuts "é" (2 bytes) after its first byte; an overlong and a surrogate */
	problems_add(&p, "zone", 1, "code", "code '%.4s'", "abc\xc3\xa9");
	problems_add(&p, "zone", 2, "code", "'\xc0\xaf' '\xed\xa0\x80' '\xf0\x9f\x98\x80'");
	CHECK_INT_EQ(p.n, 2);
	if (p.n == 2) {
		CHECK_MSG(strcmp(p.v[0].reason, "code 'abc?'") == 0, "%s", p.v[0].reason);
		CHECK_MSG(strcmp(p.v[1].reason, "'?"
		                                "?' '?"
		                                "?"
		                                "?' '\xf0\x9f\x98\x80'") == 0,
		          "%s", p.v[1].reason);
	}
	problems_free(&p);
}

int
main(void)
{
	test_clean();
	test_ids();
	test_references();
	test_coordinates();
	test_counts();
	test_party_org();
	test_periods();
	test_conflicts();
	test_settings();
	test_text_bounds();
	test_all_reported();
	test_from_json();
	test_utf8_reasons();
	return check_done("test_validate");
}
