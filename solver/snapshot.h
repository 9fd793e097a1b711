/*
 * snapshot.h - the input of a plan (docs/model.md §1).
 *
 * A snapshot is one consistent read of the planning data.  It is built
 * either by the database loader or by reading a "parkplan-snapshot/1" JSON
 * document, then normalised (snapshot_normalize) and validated
 * (validate.h) before anything is solved.
 *
 * Ownership: a snapshot owns every string and array it points to;
 * snapshot_free() releases them all.
 */
#ifndef PARKPLAN_SNAPSHOT_H
#define PARKPLAN_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SNAPSHOT_FORMAT "parkplan-snapshot/1"

/* Dates are days since 1970-01-01; DATE_NONE marks an absent date. */
#define DATE_NONE INT32_MIN

/* Bounds on sizes and counts that come from outside. */
#define SNAPSHOT_MAX_ROWS 2000000   /* rows of any one entity type */
#define SNAPSHOT_MAX_CODES 256      /* codes in one list */
#define SNAPSHOT_MAX_TEXT 1024      /* bytes of one name, label or code */
#define SNAPSHOT_MAX_COUNT 1000000  /* any count, capacity or partner limit */
#define SNAPSHOT_MAX_WEIGHT 1000000 /* any weight or bonus */

enum party_org {
	ORG_COMMITTEE,
	ORG_GENERAL_BRANCH,
	ORG_BRANCH,
	ORG_JOINT_BRANCH,
	ORG_NONE,
	ORG_INVALID /* unknown text; kept so validation can name the row */
};

/* Index into settings.org_weight: the five classes plus "none_with_members". */
enum org_class {
	CLASS_COMMITTEE,
	CLASS_GENERAL_BRANCH,
	CLASS_BRANCH,
	CLASS_JOINT_BRANCH,
	CLASS_NONE_WITH_MEMBERS,
	CLASS_NONE,
	CLASS_COUNT
};

/* A set of codes: sorted by strcmp, without duplicates. */
struct codes {
	char **v;
	size_t n;
};

struct zone {
	int64_t id;
	char *code;
	char *name;
	double lat, lon;
	int64_t min_fulltime;
};

struct enterprise {
	int64_t id;
	char *name;
	int64_t zone_id;
	char *industry;
	enum party_org party_org;
	char *party_org_text; /* the text read, for messages; may be NULL */
	int64_t party_members;
	int64_t employees;
	double lat, lon;
	struct codes offers;
	int64_t max_communities;
	int32_t joined_on; /* DATE_NONE when unknown */
	char *credit_code; /* 统一社会信用代码; NULL when none; the solver ignores it */
	bool approximate;  /* lat, lon are its zone's centroid (an estimate) */
};

struct community {
	int64_t id;
	char *name;
	double lat, lon;
	struct codes needs;
	int64_t min_partners;
	int64_t max_partners;
	char *code;       /* the community's code; NULL when none; the solver ignores it */
	bool approximate; /* lat, lon are an estimate (a zone's centroid) */
};

struct instructor {
	int64_t id;
	char *name;
	bool full_time;
	int64_t capacity;
	struct codes skills;
	double home_lat, home_lon;
	int64_t *unavailable; /* period ids, sorted, unique */
	size_t n_unavailable;
	char *code;       /* 工号; NULL when none; the solver ignores it */
	bool approximate; /* home_lat, home_lon are an estimate (a zone's centroid) */
};

struct period {
	int64_t id;
	char *label;
	int32_t start;
};

enum rule_kind { RULE_PIN_PAIR, RULE_FORBID_PAIR, RULE_PIN_ZONE, RULE_FORBID_ZONE };

struct rule {
	int64_t id; /* the rule row's id (for messages); 0 when unknown (a document has none) */
	enum rule_kind kind;
	int64_t enterprise_id, community_id; /* pin_pair, forbid_pair */
	int64_t instructor_id, zone_id;      /* pin_zone, forbid_zone */
	int64_t period_id;                   /* 0: every period */
};

struct id_pair {
	int64_t a, b;
};

struct settings {
	double pair_radius_m;
	double w_need;
	double w_distance;
	int64_t w_keep_pair;
	int64_t w_uncovered;
	bool diverse_industries;
	int64_t max_changes; /* -1: no limit */
	int64_t org_weight[CLASS_COUNT];
	int64_t new_bonus;
	int64_t new_days;
	int64_t w_balance;
	double w_skill;
	int64_t w_keep_zone;
	int64_t w_stay;
	double w_commute;
	double commute_scale_m;
	double time_limit_s;
	double mip_gap;
};

struct snapshot {
	struct settings settings;
	struct zone *zones;
	size_t n_zones;
	struct enterprise *enterprises;
	size_t n_enterprises;
	struct community *communities;
	size_t n_communities;
	struct instructor *instructors;
	size_t n_instructors;
	struct period *periods; /* ordered by start, then id */
	size_t n_periods;
	struct rule *rules;
	size_t n_rules;
	struct id_pair *prev_pairs; /* (enterprise_id, community_id) */
	size_t n_prev_pairs;
	struct id_pair *prev_assignments; /* (instructor_id, zone_id) */
	size_t n_prev_assignments;
};

/* The model's defaults (docs/model.md §1). */
void settings_default(struct settings *s);

/* Names of the org_weight classes as used in JSON ("committee", ...). */
const char *org_class_name(enum org_class c);
const char *party_org_name(enum party_org o);
/* Returns ORG_INVALID for unknown text. */
enum party_org party_org_parse(const char *text);

/*
 * The workload class of an enterprise: its party organisation, with
 * party_org = none split by party_members >= 3.
 */
enum org_class enterprise_class(const struct enterprise *e);

/* "YYYY-MM-DD" <-> days since epoch.  date_parse returns -1 on bad text. */
int date_parse(const char *text, int32_t *days);
void date_format(int32_t days, char buf[11]);

/*
 * Put a snapshot in canonical form: code lists become sets, periods are
 * ordered by start (then id), unavailable lists are sorted, and previous
 * pairs/assignments that name rows no longer in the snapshot are dropped.
 */
void snapshot_normalize(struct snapshot *s);

void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);
/*
 * The same in steps, for a caller that must not stop long (the daemon's
 * loop): at most max_rows enterprises are freed per call, then the rest at
 * the last.  Returns true when the snapshot is freed (and empty).
 */
bool snapshot_free_some(struct snapshot *s, size_t max_rows);

/*
 * JSON.  snapshot_from_json fills *s (initialised here) or returns -1 with a
 * message naming the JSON path and the problem ("$.enterprises[3].lat: expected
 * a number").  Content rules (docs/model.md §5) are not checked here: see
 * validate.h.  The result is normalised.
 */
int snapshot_from_json(const json_t *doc, struct snapshot *s, char *err, size_t errlen);
int snapshot_read_file(const char *path, struct snapshot *s, char *err, size_t errlen);
json_t *snapshot_to_json(const struct snapshot *s);
int snapshot_write_file(const char *path, const struct snapshot *s, char *err, size_t errlen);

/* codes helpers */
void codes_normalize(struct codes *c);
bool codes_contains(const struct codes *c, const char *code);
void codes_free(struct codes *c);

#endif
