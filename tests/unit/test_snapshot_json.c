/*
 * test_snapshot_json.c - the snapshot document: defaults, dates, codes,
 * normalisation, round trip, structural errors with their JSON path, bounds,
 * and a byte-wise and a tree-wise fuzz loop that must never crash.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "test_alloc.h"
#include "index.h"
#include "plan.h"
#include "snapshot.h"
#include "validate.h"

/* A document with every field set, some codes repeated, rows out of order. */
static const char full_doc[] =
    "{\"format\": \"parkplan-snapshot/1\","
    " \"settings\": {\"pair_radius_m\": 2500, \"w_need\": 610.5, \"w_distance\": 390,"
    "   \"w_keep_pair\": 310, \"w_uncovered\": 9000, \"diverse_industries\": true,"
    "   \"max_changes\": 4, \"org_weight\": {\"committee\": 9, \"general_branch\": 6,"
    "   \"branch\": 4, \"joint_branch\": 3, \"none_with_members\": 2, \"none\": 1},"
    "   \"new_bonus\": 2, \"new_days\": 180, \"w_balance\": 20000, \"w_skill\": 210,"
    "   \"w_keep_zone\": 320, \"w_stay\": 160, \"w_commute\": 110.25,"
    "   \"commute_scale_m\": 12000, \"time_limit_s\": 12.5, \"mip_gap\": 0.01,"
    "   \"unknown_setting\": [1, 2, 3]},"
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"name\": \"漕河泾A片\", \"lat\": 31.17,"
    "             \"lon\": 121.40, \"min_fulltime\": 2, \"extra\": {\"x\": 1}},"
    "            {\"id\": 2, \"code\": \"B\", \"name\": \"B\", \"lat\": 31.18, \"lon\": 121.41}],"
    " \"enterprises\": [{\"id\": 7, \"name\": \"某集成电路公司\", \"zone_id\": 1,"
    "     \"industry\": \"集成电路\", \"party_org\": \"branch\", \"party_members\": 12,"
    "     \"employees\": 300, \"lat\": 31.168, \"lon\": 121.397,"
    "     \"offers\": [\"法律服务\", \"托育\", \"法律服务\"], \"max_communities\": 2,"
    "     \"joined_on\": \"2026-03-01\"},"
    "   {\"id\": 8, \"name\": \"E8\", \"zone_id\": 2, \"industry\": \"软件\","
    "     \"party_org\": \"none\", \"party_members\": 3, \"lat\": -31.5, \"lon\": -121.25,"
    "     \"joined_on\": null}],"
    " \"communities\": [{\"id\": 3, \"name\": \"C3\", \"lat\": 31.16, \"lon\": 121.39,"
    "     \"needs\": [\"托育\", \"法律服务\"], \"min_partners\": 2, \"max_partners\": 4}],"
    " \"instructors\": [{\"id\": 5, \"name\": \"I5\", \"full_time\": false, \"capacity\": 70,"
    "     \"skills\": [\"集成电路\"], \"home_lat\": 31.2, \"home_lon\": 121.5,"
    "     \"unavailable\": [12, 11, 12]},"
    "   {\"id\": 6, \"name\": \"I6\", \"home_lat\": 31.1, \"home_lon\": 121.3}],"
    " \"periods\": [{\"id\": 12, \"label\": \"2027Q2\", \"start\": \"2027-04-01\"},"
    "             {\"id\": 11, \"label\": \"2027Q1\", \"start\": \"2027-01-01\"}],"
    " \"rules\": [{\"kind\": \"pin_pair\", \"enterprise_id\": 7, \"community_id\": 3},"
    "           {\"kind\": \"forbid_pair\", \"enterprise_id\": 8, \"community_id\": 3},"
    "           {\"kind\": \"pin_zone\", \"instructor_id\": 6, \"zone_id\": 1, \"period_id\": 11},"
    "           {\"kind\": \"forbid_zone\", \"instructor_id\": 5, \"zone_id\": 2,"
    "            \"period_id\": null}],"
    " \"previous\": {\"pairs\": [[8, 3], [7, 3], [7, 3], [99, 3]],"
    "              \"assignments\": [[5, 1], [6, 9], [77, 1]]},"
    " \"comment\": \"unknown top-level fields are ignored\"}";

static json_t *
parse(const char *text)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);

	if (doc == NULL)
		fprintf(stderr, "test document does not parse: %s (line %d col %d)\n", jerr.text,
		        jerr.line, jerr.column);
	return doc;
}

/* Reads a document from text; returns the rc and leaves the message in err. */
static int
read_text(const char *text, struct snapshot *s, char *err, size_t errlen)
{
	json_t *doc = parse(text);
	int rc;

	if (doc == NULL) {
		snprintf(err, errlen, "(unparsable test document)");
		snapshot_init(s);
		return -2;
	}
	rc = snapshot_from_json(doc, s, err, errlen);
	json_decref(doc);
	return rc;
}

static int
same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static int
same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
same_codes(const struct codes *a, const struct codes *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* Deep equality of two snapshots, reporting the first difference. */
static int
same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	size_t i, j;

#define DIFF(what)                                                                                 \
	do {                                                                                       \
		fprintf(stderr, "snapshots differ: %s\n", what);                                   \
		return 0;                                                                          \
	} while (0)
	if (memcmp(&a->settings, &b->settings, sizeof(a->settings)) != 0) {
		/* compare field by field: padding may differ */
		const struct settings *x = &a->settings, *y = &b->settings;

		if (x->pair_radius_m != y->pair_radius_m || x->w_need != y->w_need ||
		    x->w_distance != y->w_distance || x->w_keep_pair != y->w_keep_pair ||
		    x->w_uncovered != y->w_uncovered ||
		    x->diverse_industries != y->diverse_industries ||
		    x->max_changes != y->max_changes ||
		    memcmp(x->org_weight, y->org_weight, sizeof(x->org_weight)) != 0 ||
		    x->new_bonus != y->new_bonus || x->new_days != y->new_days ||
		    x->w_balance != y->w_balance || x->w_skill != y->w_skill ||
		    x->w_keep_zone != y->w_keep_zone || x->w_stay != y->w_stay ||
		    x->w_commute != y->w_commute || x->commute_scale_m != y->commute_scale_m ||
		    x->time_limit_s != y->time_limit_s || x->mip_gap != y->mip_gap)
			DIFF("settings");
	}
	if (a->n_zones != b->n_zones || a->n_enterprises != b->n_enterprises ||
	    a->n_communities != b->n_communities || a->n_instructors != b->n_instructors ||
	    a->n_periods != b->n_periods || a->n_rules != b->n_rules ||
	    a->n_prev_pairs != b->n_prev_pairs || a->n_prev_assignments != b->n_prev_assignments)
		DIFF("row counts");
	for (i = 0; i < a->n_zones; i++) {
		const struct zone *x = &a->zones[i], *y = &b->zones[i];

		if (x->id != y->id || !same_text(x->code, y->code) ||
		    !same_text(x->name, y->name) || !same_double(x->lat, y->lat) ||
		    !same_double(x->lon, y->lon) || x->min_fulltime != y->min_fulltime)
			DIFF("zone");
	}
	for (i = 0; i < a->n_enterprises; i++) {
		const struct enterprise *x = &a->enterprises[i], *y = &b->enterprises[i];

		if (x->id != y->id || !same_text(x->name, y->name) || x->zone_id != y->zone_id ||
		    !same_text(x->industry, y->industry) || x->party_org != y->party_org ||
		    !same_text(x->party_org_text, y->party_org_text) ||
		    x->party_members != y->party_members || x->employees != y->employees ||
		    !same_double(x->lat, y->lat) || !same_double(x->lon, y->lon) ||
		    !same_codes(&x->offers, &y->offers) ||
		    x->max_communities != y->max_communities || x->joined_on != y->joined_on ||
		    !same_text(x->credit_code, y->credit_code) || x->approximate != y->approximate)
			DIFF("enterprise");
	}
	for (i = 0; i < a->n_communities; i++) {
		const struct community *x = &a->communities[i], *y = &b->communities[i];

		if (x->id != y->id || !same_text(x->name, y->name) ||
		    !same_double(x->lat, y->lat) || !same_double(x->lon, y->lon) ||
		    !same_codes(&x->needs, &y->needs) || x->min_partners != y->min_partners ||
		    x->max_partners != y->max_partners || !same_text(x->code, y->code) ||
		    x->approximate != y->approximate)
			DIFF("community");
	}
	for (i = 0; i < a->n_instructors; i++) {
		const struct instructor *x = &a->instructors[i], *y = &b->instructors[i];

		if (x->id != y->id || !same_text(x->name, y->name) ||
		    x->full_time != y->full_time || x->capacity != y->capacity ||
		    !same_codes(&x->skills, &y->skills) || !same_double(x->home_lat, y->home_lat) ||
		    !same_double(x->home_lon, y->home_lon) ||
		    x->n_unavailable != y->n_unavailable || !same_text(x->code, y->code) ||
		    x->approximate != y->approximate)
			DIFF("instructor");
		for (j = 0; j < x->n_unavailable; j++)
			if (x->unavailable[j] != y->unavailable[j])
				DIFF("instructor.unavailable");
	}
	for (i = 0; i < a->n_periods; i++) {
		const struct period *x = &a->periods[i], *y = &b->periods[i];

		if (x->id != y->id || !same_text(x->label, y->label) || x->start != y->start)
			DIFF("period");
	}
	for (i = 0; i < a->n_rules; i++) {
		const struct rule *x = &a->rules[i], *y = &b->rules[i];

		if (x->kind != y->kind || x->enterprise_id != y->enterprise_id ||
		    x->community_id != y->community_id || x->instructor_id != y->instructor_id ||
		    x->zone_id != y->zone_id || x->period_id != y->period_id)
			DIFF("rule");
	}
	for (i = 0; i < a->n_prev_pairs; i++)
		if (a->prev_pairs[i].a != b->prev_pairs[i].a ||
		    a->prev_pairs[i].b != b->prev_pairs[i].b)
			DIFF("previous.pairs");
	for (i = 0; i < a->n_prev_assignments; i++)
		if (a->prev_assignments[i].a != b->prev_assignments[i].a ||
		    a->prev_assignments[i].b != b->prev_assignments[i].b)
			DIFF("previous.assignments");
#undef DIFF
	return 1;
}

/* ------------------------------------------------------------------ */

static void
test_settings_default(void)
{
	struct settings st;

	settings_default(&st);
	/* The numbers of docs/model.md §1, written out again here. */
	CHECK(st.pair_radius_m == 3000);
	CHECK(st.w_need == 600);
	CHECK(st.w_distance == 400);
	CHECK_INT_EQ(st.w_keep_pair, 300);
	CHECK_INT_EQ(st.w_uncovered, 10000);
	CHECK(!st.diverse_industries);
	CHECK_INT_EQ(st.max_changes, -1);
	CHECK_INT_EQ(st.org_weight[CLASS_COMMITTEE], 8);
	CHECK_INT_EQ(st.org_weight[CLASS_GENERAL_BRANCH], 5);
	CHECK_INT_EQ(st.org_weight[CLASS_BRANCH], 3);
	CHECK_INT_EQ(st.org_weight[CLASS_JOINT_BRANCH], 2);
	CHECK_INT_EQ(st.org_weight[CLASS_NONE_WITH_MEMBERS], 2);
	CHECK_INT_EQ(st.org_weight[CLASS_NONE], 1);
	CHECK_INT_EQ(st.new_bonus, 1);
	CHECK_INT_EQ(st.new_days, 365);
	CHECK_INT_EQ(st.w_balance, 10000);
	CHECK(st.w_skill == 200);
	CHECK_INT_EQ(st.w_keep_zone, 300);
	CHECK_INT_EQ(st.w_stay, 150);
	CHECK(st.w_commute == 100);
	CHECK(st.commute_scale_m == 10000);
	CHECK(st.time_limit_s == 30);
	CHECK(st.mip_gap == 0);
}

static void
test_names(void)
{
	struct enterprise e = {0};
	static const char *const orgs[] = {"committee", "general_branch", "branch", "joint_branch",
	                                   "none"};
	int i;

	for (i = 0; i < 5; i++) {
		CHECK_INT_EQ(party_org_parse(orgs[i]), i);
		CHECK(strcmp(party_org_name((enum party_org)i), orgs[i]) == 0);
	}
	CHECK_INT_EQ(party_org_parse("Committee"), ORG_INVALID);
	CHECK_INT_EQ(party_org_parse(""), ORG_INVALID);
	CHECK_INT_EQ(party_org_parse(NULL), ORG_INVALID);
	CHECK(strcmp(org_class_name(CLASS_NONE_WITH_MEMBERS), "none_with_members") == 0);
	CHECK(strcmp(org_class_name(CLASS_GENERAL_BRANCH), "general_branch") == 0);

	e.party_org = ORG_COMMITTEE;
	e.party_members = 0;
	CHECK_INT_EQ(enterprise_class(&e), CLASS_COMMITTEE);
	e.party_org = ORG_JOINT_BRANCH;
	CHECK_INT_EQ(enterprise_class(&e), CLASS_JOINT_BRANCH);
	e.party_org = ORG_NONE;
	e.party_members = 2;
	CHECK_INT_EQ(enterprise_class(&e), CLASS_NONE);
	e.party_members = 3;
	CHECK_INT_EQ(enterprise_class(&e), CLASS_NONE_WITH_MEMBERS);
	e.party_org = ORG_BRANCH; /* members only matter for none */
	CHECK_INT_EQ(enterprise_class(&e), CLASS_BRANCH);
}

/* Days since epoch by the C library (timegm), for an independent check. */
static int64_t
libc_days(int y, int m, int d)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	/* noon minus 12 hours is midnight: an exact multiple of a day */
	return (int64_t)((timegm(&tm) - 43200) / 86400);
}

static void
test_dates(void)
{
	static const struct {
		const char *text;
		int32_t days; /* computed with Python's datetime */
	} known[] = {
	    {"1970-01-01", 0},       {"1969-12-31", -1},      {"2027-01-01", 20819},
	    {"2026-03-01", 20513},   {"2000-02-29", 11016},   {"2024-02-29", 19782},
	    {"1900-03-01", -25508},  {"0001-01-01", -719162}, {"9999-12-31", 2932896},
	    {"0000-03-01", -719468},
	};
	static const char *const bad[] = {
	    "2023-02-29", "1900-02-29", "2027-13-01",  "2027-00-10",  "2027-04-31", "2027-01-00",
	    "2027-1-01",  "2027-01-1",  " 2027-01-01", "2027-01-01 ", "2027/01/01", "+027-01-01",
	    "2027-01-0a", "",           "20270101",    "2027-01-32",  "-027-01-01", "2027--1-01",
	};
	char buf[11];
	int32_t d;
	size_t i;
	int y, m, dd, mismatches = 0;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		d = 12345;
		CHECK_MSG(date_parse(known[i].text, &d) == 0, "%s", known[i].text);
		CHECK_INT_EQ(d, known[i].days);
		date_format(known[i].days, buf);
		CHECK_MSG(strcmp(buf, known[i].text) == 0, "%s != %s", buf, known[i].text);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = 12345;
		CHECK_MSG(date_parse(bad[i], &d) == -1, "\"%s\" accepted", bad[i]);
		CHECK_INT_EQ(d, 12345);
	}
	CHECK(date_parse(NULL, &d) == -1);

	/* Every day of 1901..2099 against the C library. */
	for (y = 1901; y <= 2099; y++)
		for (m = 1; m <= 12; m++)
			for (dd = 1; dd <= 31; dd++) {
				struct tm tm = {0};
				char text[16];
				int valid, rc;

				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = dd;
				tm.tm_hour = 12;
				(void)timegm(&tm); /* normalises: an invalid day rolls over */
				valid = tm.tm_mday == dd;
				snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, dd);
				rc = date_parse(text, &d);
				if (valid != (rc == 0) || (valid && d != libc_days(y, m, dd)))
					mismatches++;
			}
	CHECK_INT_EQ(mismatches, 0);

	/* format and parse are inverse over years 0000..9999. */
	mismatches = 0;
	for (d = -719528; d <= 2932896; d++) {
		int32_t back;

		date_format(d, buf);
		if (date_parse(buf, &back) != 0 || back != d)
			mismatches++;
	}
	CHECK_INT_EQ(mismatches, 0);
	date_format(DATE_NONE, buf);
	CHECK(buf[0] == '\0');
	date_format(3000000, buf); /* year 10 183: not a date we write */
	CHECK(date_parse(buf, &d) == -1);
	date_format(INT32_MAX, buf);
	CHECK(strlen(buf) == 10);
	date_format(INT32_MIN + 1, buf);
	CHECK(strlen(buf) == 10);
}

static void
test_codes(void)
{
	struct codes c = {0};
	const char *in[] = {"托育", "b", "a", "托育", "b", "", "a"};
	size_t i;

	c.v = calloc(7, sizeof(*c.v));
	for (i = 0; i < 7; i++)
		c.v[c.n++] = xstrdup(in[i]);
	codes_normalize(&c);
	CHECK_INT_EQ(c.n, 4);
	CHECK(c.n == 4 && strcmp(c.v[0], "") == 0 && strcmp(c.v[1], "a") == 0 &&
	      strcmp(c.v[2], "b") == 0 && strcmp(c.v[3], "托育") == 0);
	for (i = 1; i < c.n; i++)
		CHECK(strcmp(c.v[i - 1], c.v[i]) < 0);
	CHECK(codes_contains(&c, "托育"));
	CHECK(codes_contains(&c, "a"));
	CHECK(codes_contains(&c, ""));
	CHECK(!codes_contains(&c, "托"));
	CHECK(!codes_contains(&c, "c"));
	CHECK(!codes_contains(&c, NULL));
	codes_free(&c);
	CHECK(c.n == 0 && c.v == NULL);
	codes_free(&c);
	CHECK(!codes_contains(&c, "a"));
	codes_normalize(&c);
	codes_free(NULL);
}

static void
test_full_document(void)
{
	struct snapshot s;
	char err[256];
	int32_t d;

	CHECK_INT_EQ(read_text(full_doc, &s, err, sizeof(err)), 0);
	CHECK_MSG(err[0] == '\0', "%s", err);
	CHECK(s.settings.pair_radius_m == 2500);
	CHECK(s.settings.w_need == 610.5);
	CHECK_INT_EQ(s.settings.w_keep_pair, 310);
	CHECK(s.settings.diverse_industries);
	CHECK_INT_EQ(s.settings.max_changes, 4);
	CHECK_INT_EQ(s.settings.org_weight[CLASS_COMMITTEE], 9);
	CHECK_INT_EQ(s.settings.org_weight[CLASS_JOINT_BRANCH], 3);
	CHECK_INT_EQ(s.settings.new_days, 180);
	CHECK(s.settings.w_commute == 110.25);
	CHECK(s.settings.time_limit_s == 12.5);
	CHECK(s.settings.mip_gap == 0.01);

	CHECK_INT_EQ(s.n_zones, 2);
	CHECK(s.n_zones == 2 && s.zones[0].id == 1 && strcmp(s.zones[0].code, "A") == 0 &&
	      strcmp(s.zones[0].name, "漕河泾A片") == 0 && s.zones[0].lat == 31.17 &&
	      s.zones[0].lon == 121.40 && s.zones[0].min_fulltime == 2);
	CHECK(s.n_zones == 2 && s.zones[1].min_fulltime == 1); /* default */

	CHECK_INT_EQ(s.n_enterprises, 2);
	if (s.n_enterprises == 2) {
		const struct enterprise *e = &s.enterprises[0];

		CHECK_INT_EQ(e->id, 7);
		CHECK_INT_EQ(e->zone_id, 1);
		CHECK(strcmp(e->industry, "集成电路") == 0);
		CHECK_INT_EQ(e->party_org, ORG_BRANCH);
		CHECK_INT_EQ(e->party_members, 12);
		CHECK_INT_EQ(e->employees, 300);
		CHECK(e->lat == 31.168 && e->lon == 121.397);
		CHECK_INT_EQ(e->offers.n, 2); /* a set: the repeated code counts once */
		CHECK(codes_contains(&e->offers, "法律服务") && codes_contains(&e->offers, "托育"));
		CHECK_INT_EQ(e->max_communities, 2);
		CHECK(date_parse("2026-03-01", &d) == 0 && e->joined_on == d);
		e = &s.enterprises[1];
		CHECK_INT_EQ(e->party_org, ORG_NONE);
		CHECK_INT_EQ(enterprise_class(e), CLASS_NONE_WITH_MEMBERS);
		CHECK_INT_EQ(e->employees, 0);
		CHECK_INT_EQ(e->max_communities, 1);
		CHECK_INT_EQ(e->joined_on, DATE_NONE);
		CHECK(e->lat == -31.5 && e->lon == -121.25);
		CHECK_INT_EQ(e->offers.n, 0);
	}
	CHECK(s.n_communities == 1 && s.communities[0].min_partners == 2 &&
	      s.communities[0].max_partners == 4 && s.communities[0].needs.n == 2);
	CHECK_INT_EQ(s.n_instructors, 2);
	if (s.n_instructors == 2) {
		CHECK(!s.instructors[0].full_time);
		CHECK_INT_EQ(s.instructors[0].capacity, 70);
		CHECK_INT_EQ(s.instructors[0].n_unavailable, 2);
		CHECK(s.instructors[0].n_unavailable == 2 &&
		      s.instructors[0].unavailable[0] == 11 &&
		      s.instructors[0].unavailable[1] == 12);
		CHECK(s.instructors[1].full_time);
		CHECK_INT_EQ(s.instructors[1].capacity, 100);
		CHECK(s.instructors[1].home_lat == 31.1);
	}
	/* periods ordered by start */
	CHECK(s.n_periods == 2 && s.periods[0].id == 11 && s.periods[1].id == 12 &&
	      strcmp(s.periods[0].label, "2027Q1") == 0);
	CHECK_INT_EQ(s.n_rules, 4);
	if (s.n_rules == 4) {
		CHECK_INT_EQ(s.rules[0].kind, RULE_PIN_PAIR);
		CHECK(s.rules[0].enterprise_id == 7 && s.rules[0].community_id == 3);
		CHECK_INT_EQ(s.rules[1].kind, RULE_FORBID_PAIR);
		CHECK_INT_EQ(s.rules[2].kind, RULE_PIN_ZONE);
		CHECK(s.rules[2].instructor_id == 6 && s.rules[2].zone_id == 1 &&
		      s.rules[2].period_id == 11);
		CHECK_INT_EQ(s.rules[3].kind, RULE_FORBID_ZONE);
		CHECK_INT_EQ(s.rules[3].period_id, 0);
	}
	/* previous: (99,3) and (6,9), (77,1) name rows that are gone; (7,3) is repeated */
	CHECK_INT_EQ(s.n_prev_pairs, 2);
	CHECK(s.n_prev_pairs == 2 && s.prev_pairs[0].a == 7 && s.prev_pairs[0].b == 3 &&
	      s.prev_pairs[1].a == 8 && s.prev_pairs[1].b == 3);
	CHECK_INT_EQ(s.n_prev_assignments, 1);
	CHECK(s.n_prev_assignments == 1 && s.prev_assignments[0].a == 5 &&
	      s.prev_assignments[0].b == 1);
	snapshot_free(&s);
	CHECK(s.n_zones == 0 && s.zones == NULL && s.settings.w_keep_pair == 300);
	snapshot_free(&s);
	snapshot_free(NULL);
}

static void
test_defaults(void)
{
	static const char doc[] =
	    "{\"format\": \"parkplan-snapshot/1\","
	    " \"zones\": [{\"id\": 1}],"
	    " \"enterprises\": [{\"id\": 2, \"zone_id\": 1}],"
	    " \"communities\": [{\"id\": 3}],"
	    " \"instructors\": [{\"id\": 4}, {\"id\": 5, \"full_time\": false},"
	    "                   {\"id\": 6, \"full_time\": false, \"capacity\": 10}],"
	    " \"periods\": [{\"id\": 6, \"start\": \"2027-01-01\"}],"
	    " \"rules\": [{\"kind\": \"pin_zone\", \"instructor_id\": 4, \"zone_id\": 1}]}";
	struct snapshot s;
	struct settings def;
	char err[256];

	settings_default(&def);
	CHECK_INT_EQ(read_text(doc, &s, err, sizeof(err)), 0);
	CHECK(s.settings.pair_radius_m == def.pair_radius_m);
	CHECK_INT_EQ(s.settings.max_changes, -1);
	CHECK_INT_EQ(s.settings.org_weight[CLASS_BRANCH], 3);
	CHECK(s.n_zones == 1 && s.zones[0].min_fulltime == 1 && isnan(s.zones[0].lat) &&
	      s.zones[0].code != NULL && s.zones[0].code[0] == '\0');
	CHECK(s.n_enterprises == 1 && s.enterprises[0].max_communities == 1 &&
	      s.enterprises[0].party_members == 0 && s.enterprises[0].employees == 0 &&
	      s.enterprises[0].party_org == ORG_NONE && s.enterprises[0].joined_on == DATE_NONE &&
	      s.enterprises[0].industry != NULL && s.enterprises[0].name != NULL);
	CHECK(s.n_communities == 1 && s.communities[0].min_partners == 1 &&
	      s.communities[0].max_partners == 3 && s.communities[0].needs.n == 0);
	CHECK(s.n_instructors == 3 && s.instructors[0].full_time &&
	      s.instructors[0].capacity == 100 && !s.instructors[1].full_time &&
	      s.instructors[1].capacity == 50 && s.instructors[2].capacity == 10 &&
	      s.instructors[0].n_unavailable == 0);
	CHECK(s.n_rules == 1 && s.rules[0].period_id == 0);
	snapshot_free(&s);

	/* settings: a partial org_weight keeps the other defaults; max_changes null */
	CHECK_INT_EQ(read_text("{\"format\": \"parkplan-snapshot/1\", \"settings\": "
	                       "{\"org_weight\": {\"branch\": 7}, \"max_changes\": null,"
	                       " \"w_keep_pair\": 300.0, \"w_need\": 5}}",
	                       &s, err, sizeof(err)),
	             0);
	CHECK_INT_EQ(s.settings.org_weight[CLASS_BRANCH], 7);
	CHECK_INT_EQ(s.settings.org_weight[CLASS_COMMITTEE], 8);
	CHECK_INT_EQ(s.settings.max_changes, -1);
	CHECK_INT_EQ(s.settings.w_keep_pair, 300);
	CHECK(s.settings.w_need == 5);
	CHECK_INT_EQ(s.n_periods, 0);
	snapshot_free(&s);
}

/* dump(to_json(s)) */
static char *
dump(const struct snapshot *s)
{
	json_t *doc = snapshot_to_json(s);
	char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT);

	json_decref(doc);
	return text;
}

static void
test_round_trip(void)
{
	struct snapshot a, b, c;
	char err[256], path[] = "/tmp/parkplan-test-snapshot-XXXXXX";
	char *t1, *t2;
	json_t *doc;
	int fd;

	CHECK_INT_EQ(read_text(full_doc, &a, err, sizeof(err)), 0);
	/* an invalid party_org and NAN coordinates survive too */
	free(a.enterprises[1].party_org_text);
	a.enterprises[1].party_org_text = xstrdup("党小组");
	a.enterprises[1].party_org = ORG_INVALID;
	a.communities[0].lat = NAN;
	a.settings.max_changes = -1;
	/* the external keys and the approximate flag (optional fields) */
	a.enterprises[0].credit_code = xstrdup("91350100M000100Y43");
	a.enterprises[0].approximate = true;
	a.communities[0].code = xstrdup("310104003001");
	a.instructors[0].code = xstrdup("DJ00001");
	a.instructors[0].approximate = true;

	doc = snapshot_to_json(&a);
	CHECK(doc != NULL);
	CHECK(json_is_null(json_object_get(json_object_get(doc, "settings"), "max_changes")));
	CHECK(strcmp(json_string_value(json_object_get(doc, "format")), SNAPSHOT_FORMAT) == 0);
	CHECK_INT_EQ(snapshot_from_json(doc, &b, err, sizeof(err)), 0);
	CHECK_MSG(err[0] == '\0', "%s", err);
	json_decref(doc);
	CHECK(same_snapshot(&a, &b));
	CHECK(b.n_enterprises == 2 && b.enterprises[1].party_org == ORG_INVALID &&
	      strcmp(b.enterprises[1].party_org_text, "党小组") == 0);
	CHECK(b.enterprises[0].credit_code != NULL && b.enterprises[0].approximate &&
	      b.enterprises[1].credit_code == NULL && !b.enterprises[1].approximate);
	CHECK(b.communities[0].code != NULL && strcmp(b.communities[0].code, "310104003001") == 0);
	t1 = dump(&a);
	t2 = dump(&b);
	CHECK(t1 != NULL && t2 != NULL && strcmp(t1, t2) == 0);
	free(t1);
	free(t2);

	/* through a file */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK_INT_EQ(snapshot_write_file(path, &a, err, sizeof(err)), 0);
	CHECK_INT_EQ(snapshot_read_file(path, &c, err, sizeof(err)), 0);
	CHECK(same_snapshot(&a, &c));
	snapshot_free(&c);

	/* a file that is not JSON: the message names the file and the line */
	{
		FILE *f = fopen(path, "w");

		if (f != NULL) {
			fputs("{\"format\": \"parkplan-snapshot/1\",\n \"zones\": [1, 2,]}\n", f);
			fclose(f);
		}
	}
	CHECK_INT_EQ(snapshot_read_file(path, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, ":2:");
	CHECK(c.n_zones == 0);
	snapshot_free(&c);
	/* duplicate keys are refused when reading a file */
	{
		FILE *f = fopen(path, "w");

		if (f != NULL) {
			fputs("{\"format\": \"parkplan-snapshot/1\", \"zones\": [], \"zones\": []}",
			      f);
			fclose(f);
		}
	}
	CHECK_INT_EQ(snapshot_read_file(path, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "duplicate");
	unlink(path);
	CHECK_INT_EQ(snapshot_read_file(path, &c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, path);
	CHECK_INT_EQ(snapshot_write_file("/nonexistent-dir/x.json", &a, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "/nonexistent-dir/x.json");

	/* an empty snapshot round-trips too */
	snapshot_free(&b);
	snapshot_init(&b);
	doc = snapshot_to_json(&b);
	CHECK_INT_EQ(snapshot_from_json(doc, &c, err, sizeof(err)), 0);
	CHECK(same_snapshot(&b, &c));
	json_decref(doc);
	snapshot_free(&c);
	snapshot_free(&a);
}

/* A minimal valid document with one row of each kind, to be altered. */
static const char base_doc[] =
    "{\"format\": \"parkplan-snapshot/1\","
    " \"settings\": {\"org_weight\": {}},"
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"lat\": 31.1, \"lon\": 121.4}],"
    " \"enterprises\": [{\"id\": 1, \"zone_id\": 1, \"lat\": 31.1, \"lon\": 121.4},"
    "                   {\"id\": 2, \"zone_id\": 1, \"lat\": 31.1, \"lon\": 121.4,"
    "                    \"offers\": [\"x\"]}],"
    " \"communities\": [{\"id\": 1, \"lat\": 31.1, \"lon\": 121.4}],"
    " \"instructors\": [{\"id\": 1, \"home_lat\": 31.1, \"home_lon\": 121.4,"
    "                    \"unavailable\": []}],"
    " \"periods\": [{\"id\": 1, \"label\": \"Q1\", \"start\": \"2027-01-01\"}],"
    " \"rules\": [{\"kind\": \"pin_pair\", \"enterprise_id\": 1, \"community_id\": 1},"
    "           {\"kind\": \"forbid_zone\", \"instructor_id\": 1, \"zone_id\": 1}],"
    " \"previous\": {\"pairs\": [[1, 1]], \"assignments\": [[1, 1]]}}";

/* Sets base_doc's value at a path (keys and indexes) and reads the result. */
static int
read_altered(const char *const *path, json_t *value, struct snapshot *s, char *err, size_t errlen)
{
	json_t *doc = parse(base_doc), *node = doc;
	int rc;

	for (; path[1] != NULL; path++) {
		if (path[0][0] == '#')
			node = json_array_get(node, (size_t)atoi(path[0] + 1));
		else
			node = json_object_get(node, path[0]);
	}
	if (path[0][0] == '#')
		json_array_set_new(node, (size_t)atoi(path[0] + 1), value);
	else
		json_object_set_new(node, path[0], value);
	rc = snapshot_from_json(doc, s, err, errlen);
	json_decref(doc);
	return rc;
}

#define P(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
expect_error(const char *const *path, json_t *value, const char *message)
{
	struct snapshot s;
	char err[512];
	int rc = read_altered(path, value, &s, err, sizeof(err));

	CHECK_MSG(rc == -1, "accepted, expected \"%s\"", message);
	CHECK_STR_CONTAINS(err, message);
	CHECK(s.n_zones == 0 && s.n_enterprises == 0 && s.zones == NULL);
	snapshot_free(&s);
}

static void
test_structural_errors(void)
{
	struct snapshot s;
	char err[512];

	CHECK_INT_EQ(read_text(base_doc, &s, err, sizeof(err)), 0);
	CHECK_MSG(err[0] == '\0', "%s", err);
	snapshot_free(&s);

	/* the document itself */
	CHECK_INT_EQ(read_text("[1]", &s, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "$: expected an object, got an array");
	CHECK_INT_EQ(read_text("{}", &s, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "$.format: missing");
	CHECK_INT_EQ(snapshot_from_json(NULL, &s, err, sizeof(err)), -1);
	expect_error(P("format"), json_string("parkplan-snapshot/2"),
	             "$.format: expected \"parkplan-snapshot/1\", got \"parkplan-snapshot/2\"");
	expect_error(P("format"), json_integer(1), "$.format: expected \"parkplan-snapshot/1\"");

	/* each entity: wrong container, wrong row, wrong field type */
	expect_error(P("zones"), json_object(), "$.zones: expected an array, got an object");
	expect_error(P("zones", "#0"), json_integer(3),
	             "$.zones[0]: expected an object, got an integer");
	expect_error(P("zones", "#0", "lat"), json_string("31"),
	             "$.zones[0].lat: expected a number, got a string");
	expect_error(P("zones", "#0", "code"), json_integer(1),
	             "$.zones[0].code: expected a string, got an integer");
	expect_error(P("zones", "#0", "min_fulltime"), json_real(1.5),
	             "$.zones[0].min_fulltime: expected an integer, got 1.5");
	expect_error(P("enterprises", "#1", "lat"), json_string("north"),
	             "$.enterprises[1].lat: expected a number, got a string");
	expect_error(P("enterprises", "#1", "lon"), json_true(),
	             "$.enterprises[1].lon: expected a number, got a boolean");
	expect_error(P("enterprises", "#1", "id"), json_real(1e30),
	             "$.enterprises[1].id: 1e+30 does not fit a 64-bit integer");
	expect_error(P("enterprises", "#1", "id"), json_real(9223372036854775808.0),
	             "$.enterprises[1].id: 9.2233720368547758e+18 does not fit a 64-bit integer");
	expect_error(P("enterprises", "#1", "zone_id"), json_string("1"),
	             "$.enterprises[1].zone_id: expected an integer, got a string");
	expect_error(P("enterprises", "#1", "party_org"), json_integer(2),
	             "$.enterprises[1].party_org: expected a string, got an integer");
	expect_error(P("enterprises", "#1", "party_members"), json_real(2.5),
	             "$.enterprises[1].party_members: expected an integer, got 2.5");
	expect_error(P("enterprises", "#1", "employees"), json_array(),
	             "$.enterprises[1].employees: expected an integer, got an array");
	expect_error(P("enterprises", "#1", "offers"), json_string("x"),
	             "$.enterprises[1].offers: expected an array of codes, got a string");
	expect_error(P("enterprises", "#1", "offers", "#0"), json_integer(1),
	             "$.enterprises[1].offers[0]: expected a string, got an integer");
	expect_error(P("enterprises", "#1", "max_communities"), json_false(),
	             "$.enterprises[1].max_communities: expected an integer, got a boolean");
	expect_error(
	    P("enterprises", "#1", "joined_on"), json_string("2026-02-30"),
	    "$.enterprises[1].joined_on: expected a date \"YYYY-MM-DD\", got \"2026-02-30\"");
	expect_error(P("enterprises", "#1", "joined_on"), json_integer(20260301),
	             "$.enterprises[1].joined_on: expected a date");
	expect_error(P("enterprises", "#1", "industry"), json_object(),
	             "$.enterprises[1].industry: expected a string, got an object");
	expect_error(P("communities", "#0", "needs"), json_integer(0),
	             "$.communities[0].needs: expected an array of codes, got an integer");
	expect_error(P("communities", "#0", "min_partners"), json_string("1"),
	             "$.communities[0].min_partners: expected an integer, got a string");
	expect_error(P("communities", "#0", "max_partners"), json_real(3.25),
	             "$.communities[0].max_partners: expected an integer, got 3.25");
	expect_error(P("communities", "#0", "name"), json_array(),
	             "$.communities[0].name: expected a string, got an array");
	expect_error(P("instructors", "#0", "full_time"), json_string("yes"),
	             "$.instructors[0].full_time: expected true or false, got a string");
	expect_error(P("instructors", "#0", "capacity"), json_real(99.5),
	             "$.instructors[0].capacity: expected an integer, got 99.5");
	expect_error(P("instructors", "#0", "skills"), json_object(),
	             "$.instructors[0].skills: expected an array of codes, got an object");
	expect_error(P("instructors", "#0", "home_lat"), json_string("31"),
	             "$.instructors[0].home_lat: expected a number, got a string");
	expect_error(P("instructors", "#0", "unavailable"), json_integer(1),
	             "$.instructors[0].unavailable: expected an array of ids, got an integer");
	expect_error(P("instructors", "#0", "unavailable"), json_pack("[i, s]", 1, "2"),
	             "$.instructors[0].unavailable[1]: expected an integer, got a string");
	expect_error(P("periods", "#0", "start"), json_string("2027-1-1"),
	             "$.periods[0].start: expected a date \"YYYY-MM-DD\", got \"2027-1-1\"");
	expect_error(P("periods", "#0", "label"), json_integer(2027),
	             "$.periods[0].label: expected a string, got an integer");
	expect_error(P("periods", "#0", "id"), json_string("1"),
	             "$.periods[0].id: expected an integer, got a string");
	expect_error(P("rules", "#0", "kind"), json_null(), "$.rules[0].kind: missing");
	expect_error(P("rules", "#1", "kind"), json_string("pin"),
	             "$.rules[1].kind: unknown rule kind \"pin\"");
	expect_error(P("rules", "#1", "kind"), json_integer(1),
	             "$.rules[1].kind: expected a string, got an integer");
	expect_error(P("rules", "#0", "enterprise_id"), json_string("1"),
	             "$.rules[0].enterprise_id: expected an integer, got a string");
	expect_error(P("rules", "#0", "community_id"), json_real(0.5),
	             "$.rules[0].community_id: expected an integer, got 0.5");
	expect_error(P("rules", "#1", "instructor_id"), json_array(),
	             "$.rules[1].instructor_id: expected an integer, got an array");
	expect_error(P("rules", "#1", "zone_id"), json_string("A"),
	             "$.rules[1].zone_id: expected an integer, got a string");
	expect_error(P("rules", "#1", "period_id"), json_string("x"),
	             "$.rules[1].period_id: expected an integer, got a string");
	expect_error(P("rules"), json_string("none"), "$.rules: expected an array, got a string");
	expect_error(P("previous"), json_array(), "$.previous: expected an object, got an array");
	expect_error(P("previous", "pairs"), json_object(),
	             "$.previous.pairs: expected an array of [id, id] pairs, got an object");
	expect_error(P("previous", "pairs", "#0"), json_pack("[i]", 1),
	             "$.previous.pairs[0]: expected a pair [id, id], got 1 values");
	expect_error(P("previous", "pairs", "#0"), json_string("1,1"),
	             "$.previous.pairs[0]: expected a pair [id, id], got a string");
	expect_error(P("previous", "assignments", "#0"), json_pack("[i, s]", 1, "a"),
	             "$.previous.assignments[0][1]: expected an integer, got a string");
	expect_error(P("settings"), json_integer(1),
	             "$.settings: expected an object, got an integer");
	expect_error(P("settings", "pair_radius_m"), json_string("3km"),
	             "$.settings.pair_radius_m: expected a number, got a string");
	expect_error(P("settings", "w_keep_pair"), json_real(300.5),
	             "$.settings.w_keep_pair: expected an integer, got 300.5");
	expect_error(P("settings", "w_balance"), json_real(1e20),
	             "$.settings.w_balance: 1e+20 does not fit a 64-bit integer");
	expect_error(P("settings", "diverse_industries"), json_integer(1),
	             "$.settings.diverse_industries: expected true or false, got an integer");
	expect_error(P("settings", "max_changes"), json_string("none"),
	             "$.settings.max_changes: expected an integer, got a string");
	expect_error(P("settings", "org_weight"), json_array(),
	             "$.settings.org_weight: expected an object, got an array");
	expect_error(P("settings", "org_weight", "none_with_members"), json_real(2.5),
	             "$.settings.org_weight.none_with_members: expected an integer, got 2.5");
	expect_error(P("settings", "mip_gap"), json_string("0"),
	             "$.settings.mip_gap: expected a number, got a string");
	expect_error(P("settings", "time_limit_s"), json_object(),
	             "$.settings.time_limit_s: expected a number, got an object");
}

/* Content that breaks section 5 but has the right types is read as is. */
static void
test_content_kept(void)
{
	struct snapshot s;
	char err[256];

	CHECK_INT_EQ(
	    read_altered(P("enterprises", "#1", "lat"), json_real(123), &s, err, sizeof(err)), 0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].lat == 123);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("enterprises", "#1", "party_org"), json_string("party_group"),
	                          &s, err, sizeof(err)),
	             0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].party_org == ORG_INVALID &&
	      s.enterprises[1].party_org_text != NULL &&
	      strcmp(s.enterprises[1].party_org_text, "party_group") == 0);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("communities", "#0", "min_partners"), json_integer(9), &s, err,
	                          sizeof(err)),
	             0);
	CHECK(s.n_communities == 1 && s.communities[0].min_partners == 9);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("enterprises", "#1", "employees"), json_integer(-4), &s, err,
	                          sizeof(err)),
	             0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].employees == -4);
	snapshot_free(&s);
	CHECK_INT_EQ(
	    read_altered(P("enterprises", "#1", "id"), json_integer(1), &s, err, sizeof(err)), 0);
	CHECK(s.n_enterprises == 2 && s.enterprises[0].id == 1 && s.enterprises[1].id == 1);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("enterprises", "#1", "zone_id"), json_integer(404), &s, err,
	                          sizeof(err)),
	             0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].zone_id == 404);
	snapshot_free(&s);
	CHECK_INT_EQ(
	    read_altered(P("instructors", "#0", "capacity"), json_integer(0), &s, err, sizeof(err)),
	    0);
	CHECK(s.n_instructors == 1 && s.instructors[0].capacity == 0);
	snapshot_free(&s);
	/* an integral real is an integer; the extremes of int64 are read exactly */
	CHECK_INT_EQ(
	    read_altered(P("enterprises", "#1", "id"), json_real(42.0), &s, err, sizeof(err)), 0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].id == 42);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("enterprises", "#1", "id"), json_integer(INT64_MAX), &s, err,
	                          sizeof(err)),
	             0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].id == INT64_MAX);
	snapshot_free(&s);
	CHECK_INT_EQ(read_altered(P("enterprises", "#1", "id"), json_real(-9223372036854775808.0),
	                          &s, err, sizeof(err)),
	             0);
	CHECK(s.n_enterprises == 2 && s.enterprises[1].id == INT64_MIN);
	snapshot_free(&s);
	/* json text with an integer beyond int64 is refused by the parser */
	CHECK(json_loads("{\"id\": 9223372036854775808}", 0, NULL) == NULL);
}

static void
test_bounds(void)
{
	struct snapshot s;
	char err[512];
	char *text;
	json_t *a, *row;
	size_t i;

	/* rows: the same row object shared SNAPSHOT_MAX_ROWS + 1 times */
	a = json_array();
	row = json_pack("{s:i}", "id", 1);
	for (i = 0; i < (size_t)SNAPSHOT_MAX_ROWS + 1; i++)
		json_array_append(a, row);
	json_decref(row);
	expect_error(P("communities"), a, "$.communities: 2000001 rows, more than the limit");

	a = json_array();
	row = json_pack("[ii]", 1, 1);
	for (i = 0; i < (size_t)SNAPSHOT_MAX_ROWS + 1; i++)
		json_array_append(a, row);
	json_decref(row);
	expect_error(P("previous", "pairs"), a, "$.previous.pairs: 2000001 rows");

	/* codes: SNAPSHOT_MAX_CODES is fine, one more is not */
	a = json_array();
	for (i = 0; i < SNAPSHOT_MAX_CODES; i++) {
		char code[16];

		snprintf(code, sizeof(code), "c%zu", i);
		json_array_append_new(a, json_string(code));
	}
	CHECK_INT_EQ(
	    read_altered(P("communities", "#0", "needs"), json_copy(a), &s, err, sizeof(err)), 0);
	CHECK(s.n_communities == 1 && s.communities[0].needs.n == SNAPSHOT_MAX_CODES);
	snapshot_free(&s);
	json_array_append_new(a, json_string("one more"));
	expect_error(P("communities", "#0", "needs"), a,
	             "$.communities[0].needs: 257 codes, more than the limit of 256");

	/* text: SNAPSHOT_MAX_TEXT bytes is fine, one more is not */
	text = malloc(SNAPSHOT_MAX_TEXT + 2);
	memset(text, 'x', SNAPSHOT_MAX_TEXT + 1);
	text[SNAPSHOT_MAX_TEXT] = '\0';
	CHECK_INT_EQ(
	    read_altered(P("zones", "#0", "name"), json_string(text), &s, err, sizeof(err)), 0);
	CHECK(s.n_zones == 1 && strlen(s.zones[0].name) == SNAPSHOT_MAX_TEXT);
	snapshot_free(&s);
	text[SNAPSHOT_MAX_TEXT] = 'x';
	text[SNAPSHOT_MAX_TEXT + 1] = '\0';
	expect_error(P("zones", "#0", "name"), json_string(text),
	             "$.zones[0].name: text of 1025 bytes is longer than the limit of 1024");
	expect_error(P("enterprises", "#1", "offers", "#0"), json_string(text),
	             "$.enterprises[1].offers[0]: text of 1025 bytes");
	expect_error(P("rules", "#0", "kind"), json_string(text), "$.rules[0].kind: text of 1025");
	free(text);
	/* a NUL inside a string */
	expect_error(P("periods", "#0", "label"), json_stringn("Q\0 1", 4),
	             "$.periods[0].label: text contains a NUL byte");
}

static void
test_normalize(void)
{
	struct snapshot s;
	struct zone z[2] = {{.id = 1}, {.id = 2}};
	struct enterprise e[2] = {{.id = 10}, {.id = 11}};
	struct community c[1] = {{.id = 20}};
	struct instructor in[1] = {{.id = 30}};
	struct period p[3] = {
	    {.id = 3, .start = 200}, {.id = 1, .start = 100}, {.id = 2, .start = 100}};
	struct id_pair pp[5] = {{11, 20}, {10, 20}, {10, 21}, {12, 20}, {11, 20}};
	struct id_pair pa[4] = {{30, 2}, {31, 1}, {30, 3}, {30, 1}};
	int64_t un[4] = {5, 1, 5, 3};

	/* a snapshot built in memory, as the database loader does */
	snapshot_init(&s);
	s.zones = z;
	s.n_zones = 2;
	s.enterprises = e;
	s.n_enterprises = 2;
	s.communities = c;
	s.n_communities = 1;
	in[0].unavailable = un;
	in[0].n_unavailable = 4;
	s.instructors = in;
	s.n_instructors = 1;
	s.periods = p;
	s.n_periods = 3;
	s.prev_pairs = pp;
	s.n_prev_pairs = 5;
	s.prev_assignments = pa;
	s.n_prev_assignments = 4;
	snapshot_normalize(&s);

	CHECK(p[0].id == 1 && p[1].id == 2 && p[2].id == 3);
	CHECK_INT_EQ(in[0].n_unavailable, 3);
	CHECK(un[0] == 1 && un[1] == 3 && un[2] == 5);
	CHECK_INT_EQ(s.n_prev_pairs, 2);
	CHECK(pp[0].a == 10 && pp[0].b == 20 && pp[1].a == 11 && pp[1].b == 20);
	CHECK_INT_EQ(s.n_prev_assignments, 2);
	CHECK(pa[0].a == 30 && pa[0].b == 1 && pa[1].a == 30 && pa[1].b == 2);
	/* normalising twice changes nothing */
	snapshot_normalize(&s);
	CHECK_INT_EQ(s.n_prev_pairs, 2);
	CHECK_INT_EQ(s.n_prev_assignments, 2);
	CHECK_INT_EQ(in[0].n_unavailable, 3);
	/* the arrays are the test's own: do not snapshot_free */
}

/* ------------------------------------------------------------------ */
/* Fuzzing: nothing may crash, leak or read out of bounds               */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	/* xorshift64*: deterministic from the fixed seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void
read_everything(json_t *doc, int *accepted)
{
	struct snapshot s;
	struct problems pr;
	char err[512];
	json_t *back;

	if (snapshot_from_json(doc, &s, err, sizeof(err)) == 0) {
		(*accepted)++;
		problems_init(&pr);
		(void)snapshot_validate(&s, &pr);
		problems_free(&pr);
		back = snapshot_to_json(&s);
		json_decref(back);
	} else {
		CHECK(err[0] == '$');
	}
	snapshot_free(&s);
}

static void
test_fuzz_bytes(void)
{
	static const char alphabet[] = "{}[]\":,0123456789.-eE \\nulltruefalse\x80\xff";
	size_t len = strlen(full_doc), i, n;
	char *buf = malloc(len + 16);
	int round, parsed = 0, accepted = 0;

	for (round = 0; round < 4000; round++) {
		json_t *doc;

		memcpy(buf, full_doc, len + 1);
		n = len;
		for (i = 0; i < 1 + rng() % 4; i++) {
			size_t at = (size_t)(rng() % n);
			char ch = alphabet[rng() % (sizeof(alphabet) - 1)];

			switch (rng() % 3) {
			case 0: /* replace */
				buf[at] = ch;
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, n - at);
				n--;
				break;
			default: /* insert */
				memmove(buf + at + 1, buf + at, n - at + 1);
				buf[at] = ch;
				n++;
				break;
			}
		}
		doc = json_loadb(buf, n, 0, NULL);
		if (doc == NULL)
			continue;
		parsed++;
		read_everything(doc, &accepted);
		json_decref(doc);
	}
	free(buf);
	printf("byte fuzz: %d documents parsed, %d accepted\n", parsed, accepted);
	CHECK(parsed > 100);
	CHECK(accepted > 10);
}

/* Replaces a random node of the tree by a value of a random type. */
static json_t *
random_value(void)
{
	switch (rng() % 9) {
	case 0:
		return json_null();
	case 1:
		return json_true();
	case 2:
		return json_integer((json_int_t)(rng() % 7) - 2);
	case 3:
		return json_real((double)(int64_t)rng() / 1e3);
	case 4:
		return json_string("2027-02-29");
	case 5:
		return json_string("committee");
	case 6:
		return json_array();
	case 7:
		return json_pack("[ii]", (int)(rng() % 3), (int)(rng() % 3));
	default:
		return json_object();
	}
}

static void
mutate(json_t *node, int depth)
{
	size_t n, k;
	const char *key;
	json_t *child;

	if (json_is_object(node) && (n = json_object_size(node)) > 0) {
		k = (size_t)(rng() % n);
		json_object_foreach(node, key, child)
		{
			if (k-- == 0) {
				if (depth > 3 || rng() % 3 == 0)
					json_object_set_new(node, key, random_value());
				else
					mutate(child, depth + 1);
				return;
			}
		}
	} else if (json_is_array(node) && (n = json_array_size(node)) > 0) {
		k = (size_t)(rng() % n);
		if (depth > 3 || rng() % 3 == 0)
			json_array_set_new(node, k, random_value());
		else
			mutate(json_array_get(node, k), depth + 1);
	}
}

static void
test_fuzz_tree(void)
{
	json_t *orig = parse(full_doc);
	int round, accepted = 0;

	for (round = 0; round < 3000; round++) {
		json_t *doc = json_deep_copy(orig);

		mutate(doc, 0);
		if (rng() % 2)
			mutate(doc, 0);
		read_everything(doc, &accepted);
		json_decref(doc);
	}
	json_decref(orig);
	printf("tree fuzz: %d of 3000 accepted\n", accepted);
	CHECK(accepted > 100 && accepted < 3000);
}

int
main(void)
{
	test_settings_default();
	test_names();
	test_dates();
	test_codes();
	test_full_document();
	test_defaults();
	test_round_trip();
	test_structural_errors();
	test_content_kept();
	test_bounds();
	test_normalize();
	test_fuzz_bytes();
	test_fuzz_tree();
	return check_done("test_snapshot_json");
}
