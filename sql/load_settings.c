/*
 * load_settings.c - the planning settings as the database keeps them (one
 * row per key, the value as JSON) read into struct settings over the
 * model's defaults (docs/model.md §1.2).
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "dberr.h"
#include "load.h"

/* --- settings ------------------------------------------------------------ */

enum setting_type { SET_DOUBLE, SET_INT, SET_BOOL, SET_MAX_CHANGES, SET_ORG_WEIGHT };

struct setting_entry {
	const char *key;
	enum setting_type type;
	size_t offset;
};

static const struct setting_entry setting_table[] = {
    {"pair_radius_m", SET_DOUBLE, offsetof(struct settings, pair_radius_m)},
    {"w_need", SET_DOUBLE, offsetof(struct settings, w_need)},
    {"w_distance", SET_DOUBLE, offsetof(struct settings, w_distance)},
    {"w_keep_pair", SET_INT, offsetof(struct settings, w_keep_pair)},
    {"w_uncovered", SET_INT, offsetof(struct settings, w_uncovered)},
    {"diverse_industries", SET_BOOL, offsetof(struct settings, diverse_industries)},
    {"max_changes", SET_MAX_CHANGES, offsetof(struct settings, max_changes)},
    {"org_weight", SET_ORG_WEIGHT, offsetof(struct settings, org_weight)},
    {"new_bonus", SET_INT, offsetof(struct settings, new_bonus)},
    {"new_days", SET_INT, offsetof(struct settings, new_days)},
    {"w_balance", SET_INT, offsetof(struct settings, w_balance)},
    {"w_skill", SET_DOUBLE, offsetof(struct settings, w_skill)},
    {"w_keep_zone", SET_INT, offsetof(struct settings, w_keep_zone)},
    {"w_stay", SET_INT, offsetof(struct settings, w_stay)},
    {"w_commute", SET_DOUBLE, offsetof(struct settings, w_commute)},
    {"commute_scale_m", SET_DOUBLE, offsetof(struct settings, commute_scale_m)},
    {"time_limit_s", SET_DOUBLE, offsetof(struct settings, time_limit_s)},
    {"mip_gap", SET_DOUBLE, offsetof(struct settings, mip_gap)},
};

/* A JSON integer, or a real with an exact integer value (jsonb keeps 300.0). */
static int
json_to_i64(const json_t *v, int64_t *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_real(v))
		return -1;
	d = json_real_value(v);
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
		return -1;
	*out = (int64_t)d;
	return 0;
}

static int
setting_apply(struct settings *st, const struct setting_entry *e, const json_t *v, char *err,
              size_t errlen)
{
	char *field = (char *)st + e->offset;
	const char *key;
	json_t *w;
	int64_t i;
	int c;

	switch (e->type) {
	case SET_DOUBLE:
		if (!json_is_number(v) || !isfinite(json_number_value(v))) {
			dberr_set(err, errlen, "setting %s: expected a number", e->key);
			return -1;
		}
		*(double *)(void *)field = json_number_value(v);
		return 0;
	case SET_INT:
		if (json_to_i64(v, &i) < 0) {
			dberr_set(err, errlen, "setting %s: expected an integer", e->key);
			return -1;
		}
		*(int64_t *)(void *)field = i;
		return 0;
	case SET_BOOL:
		if (!json_is_boolean(v)) {
			dberr_set(err, errlen, "setting %s: expected true or false", e->key);
			return -1;
		}
		*(bool *)(void *)field = json_is_true(v);
		return 0;
	case SET_MAX_CHANGES:
		if (json_is_null(v)) {
			st->max_changes = -1;
			return 0;
		}
		if (json_to_i64(v, &i) < 0 || i < 0) {
			dberr_set(err, errlen,
			          "setting max_changes: expected null or an integer >= 0");
			return -1;
		}
		st->max_changes = i;
		return 0;
	case SET_ORG_WEIGHT:
		if (!json_is_object(v)) {
			dberr_set(err, errlen, "setting org_weight: expected an object of classes");
			return -1;
		}
		/* Merged by class: a class not named keeps its default. */
		json_object_foreach((json_t *)v, key, w)
		{
			for (c = 0; c < CLASS_COUNT; c++)
				if (strcmp(key, org_class_name((enum org_class)c)) == 0)
					break;
			if (c == CLASS_COUNT) {
				dberr_set(err, errlen, "setting org_weight: unknown class '%.64s'",
				          key);
				return -1;
			}
			if (json_to_i64(w, &i) < 0) {
				dberr_set(err, errlen,
				          "setting org_weight: %s: expected an integer", key);
				return -1;
			}
			st->org_weight[c] = i;
		}
		return 0;
	}
	return -1;
}

int
db_settings_parse(struct settings *st, const PGresult *res, char *err, size_t errlen)
{
	int row, n = PQntuples(res);
	size_t k;

	for (row = 0; row < n; row++) {
		const char *key = PQgetvalue(res, row, 0);
		json_error_t jerr;
		json_t *v;
		int rc;

		for (k = 0; k < sizeof(setting_table) / sizeof(setting_table[0]); k++)
			if (strcmp(key, setting_table[k].key) == 0)
				break;
		if (k == sizeof(setting_table) / sizeof(setting_table[0])) {
			dberr_set(err, errlen, "setting '%.64s': unknown setting", key);
			return -1;
		}
		if (PQgetisnull(res, row, 1)) {
			dberr_set(err, errlen, "setting %s: unexpected NULL", key);
			return -1;
		}
		v = json_loads(PQgetvalue(res, row, 1), JSON_DECODE_ANY, &jerr);
		if (v == NULL) {
			dberr_set(err, errlen, "setting %s: bad JSON: %s", key, jerr.text);
			return -1;
		}
		rc = setting_apply(st, &setting_table[k], v, err, errlen);
		json_decref(v);
		if (rc < 0)
			return -1;
	}
	return 0;
}
