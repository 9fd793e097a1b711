/*
 * load_settings.c - the planning settings as the database keeps them (one
 * row per key, the value as JSON) read into struct settings over the
 * model's defaults (docs/model.md §1.2), and checked as every other row
 * is: each bad setting is a problem named by its key, in planners' words
 * ("time_limit_s: 1e300 is not a number of seconds parkplan can use (more
 * than 0, at most 86400)"), every one of them reported, the first one not
 * stopping the others.  A setting with a problem keeps its default in the
 * snapshot (the run fails on the problem anyway).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "load.h"

/* --- settings ------------------------------------------------------------ */

enum setting_type { SET_DOUBLE, SET_INT, SET_BOOL, SET_MAX_CHANGES, SET_ORG_WEIGHT };

/* What the value means and the range parkplan can use, in planners' words. */
enum setting_kind {
	KIND_DISTANCE, /* metres, (0, 4.1e7] */
	KIND_WEIGHT,   /* [0, SNAPSHOT_MAX_WEIGHT] */
	KIND_DAYS,     /* [0, SNAPSHOT_MAX_COUNT] */
	KIND_CHANGES,  /* [0, SNAPSHOT_MAX_COUNT] or null */
	KIND_SECONDS,  /* (0, 86400] */
	KIND_GAP,      /* [0, 1] */
	KIND_FLAG
};

struct setting_entry {
	const char *key;
	enum setting_type type;
	enum setting_kind kind;
	size_t offset;
};

#define SETTING(key, type, kind)                                                                   \
	{                                                                                          \
#key, type, kind, offsetof(struct settings, key)                                   \
	}

static const struct setting_entry setting_table[] = {
    SETTING(pair_radius_m, SET_DOUBLE, KIND_DISTANCE),
    SETTING(w_need, SET_DOUBLE, KIND_WEIGHT),
    SETTING(w_distance, SET_DOUBLE, KIND_WEIGHT),
    SETTING(w_keep_pair, SET_INT, KIND_WEIGHT),
    SETTING(w_uncovered, SET_INT, KIND_WEIGHT),
    SETTING(diverse_industries, SET_BOOL, KIND_FLAG),
    SETTING(max_changes, SET_MAX_CHANGES, KIND_CHANGES),
    SETTING(org_weight, SET_ORG_WEIGHT, KIND_WEIGHT),
    SETTING(new_bonus, SET_INT, KIND_WEIGHT),
    SETTING(new_days, SET_INT, KIND_DAYS),
    SETTING(w_balance, SET_INT, KIND_WEIGHT),
    SETTING(w_skill, SET_DOUBLE, KIND_WEIGHT),
    SETTING(w_keep_zone, SET_INT, KIND_WEIGHT),
    SETTING(w_stay, SET_INT, KIND_WEIGHT),
    SETTING(w_commute, SET_DOUBLE, KIND_WEIGHT),
    SETTING(commute_scale_m, SET_DOUBLE, KIND_DISTANCE),
    SETTING(time_limit_s, SET_DOUBLE, KIND_SECONDS),
    SETTING(mip_gap, SET_DOUBLE, KIND_GAP),
};

#define N_SETTINGS (sizeof(setting_table) / sizeof(setting_table[0]))

static const struct {
	const char *what;
	double lo, hi;
	bool lo_open; /* more than lo, not lo itself */
} kinds[] = {
    [KIND_DISTANCE] = {"a distance in metres", 0, 4.1e7, true},
    [KIND_WEIGHT] = {"a weight", 0, SNAPSHOT_MAX_WEIGHT, false},
    [KIND_DAYS] = {"a number of days", 0, SNAPSHOT_MAX_COUNT, false},
    [KIND_CHANGES] = {"a number of changes", 0, SNAPSHOT_MAX_COUNT, false},
    [KIND_SECONDS] = {"a number of seconds", 0, 86400, true},
    [KIND_GAP] = {"a relative gap", 0, 1, false},
    [KIND_FLAG] = {"true or false", 0, 0, false},
};

/* A number as people write it: 1e300, 2.5, 1000000 (no "e+", no 17 digits). */
static void
fmt_number(double v, char *buf, size_t len)
{
	char *e;

	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%s a number too large to hold", v < 0 ? "minus" : "");
		return;
	}
	snprintf(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
	e = strstr(buf, "e+");
	if (e != NULL)
		memmove(e + 1, e + 2, strlen(e + 2) + 1);
}

static void
range_text(enum setting_kind k, char *buf, size_t len)
{
	char lo[32], hi[32];

	fmt_number(kinds[k].lo, lo, sizeof(lo));
	fmt_number(kinds[k].hi, hi, sizeof(hi));
	if (kinds[k].lo_open)
		snprintf(buf, len, "more than %s, at most %s", lo, hi);
	else
		snprintf(buf, len, "%s to %s%s", lo, hi,
		         k == KIND_CHANGES ? ", or null for no limit" : "");
}

/* What a JSON value is, for a message. */
static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a text";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	default:
		return "null";
	}
}

/*
 * The value as a number: jsonb gives 1e300 as 301 digits, which no JSON
 * integer holds, so numbers are read as doubles (an overflow is infinite).
 * Returns 0, -1 when the text is not a number.
 */
static int
value_number(const char *text, double *out)
{
	char *end;

	while (isspace((unsigned char)*text))
		text++;
	if (*text != '-' && !isdigit((unsigned char)*text))
		return -1;
	errno = 0;
	*out = strtod(text, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' ? 0 : -1;
}

/* A number of kind k: in range, and whole when whole is asked.  0, or -1 with a problem. */
static int
check_number(struct problems *pr, const char *field, enum setting_kind k, double v, bool whole,
             const char *whole_words)
{
	char num[64], range[96];
	bool low;

	fmt_number(v, num, sizeof(num));
	if (whole && isfinite(v) && v != floor(v)) {
		problems_add(pr, "settings", 0, field, "expected %s, got %s", whole_words, num);
		return -1;
	}
	low = kinds[k].lo_open ? !(v > kinds[k].lo) : !(v >= kinds[k].lo);
	if (!isfinite(v) || low || v > kinds[k].hi) {
		range_text(k, range, sizeof(range));
		problems_add(pr, "settings", 0, field, "%s is not %s parkplan can use (%s)", num,
		             kinds[k].what, range);
		return -1;
	}
	return 0;
}

static void
setting_apply(struct settings *st, const struct setting_entry *e, const char *text,
              struct problems *pr)
{
	char *field = (char *)st + e->offset;
	json_error_t jerr;
	json_t *v = NULL, *w;
	const char *key;
	double d;
	int c;

	if (e->type != SET_BOOL && e->type != SET_ORG_WEIGHT && value_number(text, &d) == 0) {
		switch (e->type) {
		case SET_DOUBLE:
			if (check_number(pr, e->key, e->kind, d, false, NULL) == 0)
				*(double *)(void *)field = d;
			return;
		case SET_INT:
			if (check_number(pr, e->key, e->kind, d, true, "a whole number") == 0)
				*(int64_t *)(void *)field = (int64_t)d;
			return;
		default: /* SET_MAX_CHANGES */
			if (check_number(pr, e->key, e->kind, d, true,
			                 "null or an integer (no limit, or the most pairs and "
			                 "zones a new plan may change)") == 0)
				st->max_changes = (int64_t)d;
			return;
		}
	}
	v = json_loads(text, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &jerr);
	if (v == NULL) {
		/* jsonb never stores this: a value from elsewhere */
		problems_add(pr, "settings", 0, e->key, "the stored value is not JSON");
		return;
	}
	switch (e->type) {
	case SET_BOOL:
		if (json_is_boolean(v))
			*(bool *)(void *)field = json_is_true(v);
		else
			problems_add(pr, "settings", 0, e->key, "expected true or false, got %s",
			             json_kind(v));
		break;
	case SET_MAX_CHANGES:
		if (json_is_null(v))
			st->max_changes = -1;
		else
			problems_add(pr, "settings", 0, e->key,
			             "expected null or an integer (no limit, or the most pairs and "
			             "zones a new plan may change), got %s",
			             json_kind(v));
		break;
	case SET_ORG_WEIGHT:
		if (!json_is_object(v)) {
			problems_add(pr, "settings", 0, e->key,
			             "expected an object of weights by class, got %s",
			             json_kind(v));
			break;
		}
		/* Merged by class: a class not named keeps its default. */
		json_object_foreach(v, key, w)
		{
			char sub[96];

			for (c = 0; c < CLASS_COUNT; c++)
				if (strcmp(key, org_class_name((enum org_class)c)) == 0)
					break;
			if (c == CLASS_COUNT) {
				char shown[65];

				problems_quote(shown, sizeof(shown), key, 64);
				problems_add(pr, "settings", 0, e->key,
				             "unknown class '%s' (the classes are committee, "
				             "general_branch, branch, joint_branch, "
				             "none_with_members, none)",
				             shown);
				continue;
			}
			snprintf(sub, sizeof(sub), "org_weight.%s", key);
			if (!json_is_number(w)) {
				problems_add(pr, "settings", 0, sub,
				             "expected a whole number, got %s", json_kind(w));
				continue;
			}
			d = json_number_value(w);
			if (check_number(pr, sub, KIND_WEIGHT, d, true, "a whole number") == 0)
				st->org_weight[c] = (int64_t)d;
		}
		break;
	default:
		problems_add(pr, "settings", 0, e->key, "expected %s, got %s",
		             e->type == SET_INT ? "a whole number" : "a number", json_kind(v));
		break;
	}
	json_decref(v);
}

size_t
db_settings_parse(struct settings *st, const PGresult *res, struct problems *pr)
{
	int row, n = PQntuples(res);
	size_t k, before = pr->n;

	for (row = 0; row < n; row++) {
		const char *key = PQgetvalue(res, row, 0);

		for (k = 0; k < N_SETTINGS; k++)
			if (strcmp(key, setting_table[k].key) == 0)
				break;
		if (k == N_SETTINGS) {
			char shown[65];

			/* the schema's CHECK keeps these out; a newer schema may not */
			problems_quote(shown, sizeof(shown), key, 64);
			problems_add(pr, "settings", 0, "", "'%s' is not a setting parkplan knows",
			             shown);
			continue;
		}
		if (PQgetisnull(res, row, 1)) {
			problems_add(pr, "settings", 0, key,
			             "is NULL: delete the row to plan with the default");
			continue;
		}
		setting_apply(st, &setting_table[k], PQgetvalue(res, row, 1), pr);
	}
	return pr->n - before;
}
