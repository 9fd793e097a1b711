/*
 * snapshot_json.c - the "parkplan-snapshot/1" JSON document of a snapshot
 * (docs/model.md §1): reading, writing, and the files.
 *
 * Reading a document checks its structure only: a value of the wrong JSON
 * type, a number that is not an integer where one is expected, a text or a
 * list over its bound, a bad date, an unknown rule kind.  Each such error
 * names the JSON path ("$.enterprises[3].lat: expected a number, got a
 * string").  Values of the right type that break a rule of docs/model.md
 * §5 are kept as read, so that validation can report every row.
 */
#include "snapshot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"

/* ------------------------------------------------------------------ */
/* Reading JSON: a path for messages and typed conversions             */

static int
rd_double(struct jsonio_path *r, const json_t *v, double *out)
{
	if (!json_is_number(v))
		return jsonio_fail(r, "expected a number, got %s", jsonio_type_name(v));
	*out = json_number_value(v);
	return 0;
}

static int
rd_bool(struct jsonio_path *r, const json_t *v, bool *out)
{
	if (!json_is_boolean(v))
		return jsonio_fail(r, "expected true or false, got %s", jsonio_type_name(v));
	*out = json_is_true(v);
	return 0;
}

/* A string value within SNAPSHOT_MAX_TEXT, without NUL bytes. */
static int
rd_string(struct jsonio_path *r, const json_t *v, const char **out)
{
	const char *t;
	size_t n;

	if (!json_is_string(v))
		return jsonio_fail(r, "expected a string, got %s", jsonio_type_name(v));
	t = json_string_value(v);
	n = json_string_length(v);
	if (n > SNAPSHOT_MAX_TEXT)
		return jsonio_fail(r, "text of %zu bytes is longer than the limit of %d", n,
		                   SNAPSHOT_MAX_TEXT);
	if (strlen(t) != n)
		return jsonio_fail(r, "text contains a NUL byte");
	*out = t;
	return 0;
}

static int
rd_text(struct jsonio_path *r, const json_t *v, char **out)
{
	const char *t;
	char *copy;

	if (rd_string(r, v, &t) != 0)
		return -1;
	copy = strdup(t);
	if (copy == NULL)
		return jsonio_fail(r, "out of memory");
	free(*out);
	*out = copy;
	return 0;
}

static int
rd_codes(struct jsonio_path *r, const json_t *v, struct codes *out)
{
	size_t i, n, old;
	const char *t;

	if (!json_is_array(v))
		return jsonio_fail(r, "expected an array of codes, got %s", jsonio_type_name(v));
	n = json_array_size(v);
	if (n > SNAPSHOT_MAX_CODES)
		return jsonio_fail(r, "%zu codes, more than the limit of %d", n,
		                   SNAPSHOT_MAX_CODES);
	codes_free(out);
	if (n == 0)
		return 0;
	out->v = calloc(n, sizeof(*out->v));
	if (out->v == NULL)
		return jsonio_fail(r, "out of memory");
	for (i = 0; i < n; i++) {
		old = jsonio_index(r, i);
		if (rd_string(r, json_array_get(v, i), &t) != 0)
			return -1;
		jsonio_pop(r, old);
		out->v[i] = strdup(t);
		if (out->v[i] == NULL)
			return jsonio_fail(r, "out of memory");
		out->n = i + 1;
	}
	return 0;
}

static int
rd_date(struct jsonio_path *r, const json_t *v, int32_t *out)
{
	const char *t;

	if (!json_is_string(v))
		return jsonio_fail(r, "expected a date \"YYYY-MM-DD\" or null, got %s",
		                   jsonio_type_name(v));
	t = json_string_value(v);
	if (json_string_length(v) != strlen(t) || date_parse(t, out) != 0) {
		if (strlen(t) > 40)
			return jsonio_fail(r, "expected a date \"YYYY-MM-DD\", got a longer text");
		return jsonio_fail(r, "expected a date \"YYYY-MM-DD\", got \"%s\"", t);
	}
	return 0;
}

/* An array of integer ids within SNAPSHOT_MAX_ROWS. */
static int
rd_ids(struct jsonio_path *r, const json_t *v, int64_t **out, size_t *n_out)
{
	size_t i, n, old;

	if (!json_is_array(v))
		return jsonio_fail(r, "expected an array of ids, got %s", jsonio_type_name(v));
	n = json_array_size(v);
	if (n > SNAPSHOT_MAX_ROWS)
		return jsonio_fail(r, "%zu ids, more than the limit of %d", n, SNAPSHOT_MAX_ROWS);
	free(*out);
	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (*out == NULL)
		return jsonio_fail(r, "out of memory");
	for (i = 0; i < n; i++) {
		old = jsonio_index(r, i);
		if (jsonio_int(r, json_array_get(v, i), &(*out)[i]) != 0)
			return -1;
		jsonio_pop(r, old);
		*n_out = i + 1;
	}
	return 0;
}

enum ftype { F_INT, F_DOUBLE, F_BOOL, F_TEXT, F_CODES, F_DATE };

/*
 * Read obj[key] into *out.  A missing field, or null, keeps the default
 * already in *out.
 */
static int
rd_field(struct jsonio_path *r, const json_t *obj, const char *key, enum ftype t, void *out)
{
	const json_t *v = json_object_get(obj, key);
	size_t old;
	int rc = -1;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_key(r, key);
	switch (t) {
	case F_INT:
		rc = jsonio_int(r, v, out);
		break;
	case F_DOUBLE:
		rc = rd_double(r, v, out);
		break;
	case F_BOOL:
		rc = rd_bool(r, v, out);
		break;
	case F_TEXT:
		rc = rd_text(r, v, out);
		break;
	case F_CODES:
		rc = rd_codes(r, v, out);
		break;
	case F_DATE:
		rc = rd_date(r, v, out);
		break;
	}
	if (rc == 0)
		jsonio_pop(r, old);
	return rc;
}

/* A text field that defaults to "" so that rows never hold NULL names. */
static int
rd_text_field(struct jsonio_path *r, const json_t *obj, const char *key, char **out)
{
	if (rd_field(r, obj, key, F_TEXT, out) != 0)
		return -1;
	if (*out == NULL) {
		*out = strdup("");
		if (*out == NULL)
			return jsonio_fail(r, "out of memory");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading the entities                                                */

static int
read_zone(struct jsonio_path *r, const json_t *o, void *row)
{
	struct zone *z = row;

	z->lat = z->lon = NAN;
	z->min_fulltime = 1;
	if (rd_field(r, o, "id", F_INT, &z->id) != 0 ||
	    rd_text_field(r, o, "code", &z->code) != 0 ||
	    rd_text_field(r, o, "name", &z->name) != 0 ||
	    rd_field(r, o, "lat", F_DOUBLE, &z->lat) != 0 ||
	    rd_field(r, o, "lon", F_DOUBLE, &z->lon) != 0 ||
	    rd_field(r, o, "min_fulltime", F_INT, &z->min_fulltime) != 0)
		return -1;
	return 0;
}

static int
read_enterprise(struct jsonio_path *r, const json_t *o, void *row)
{
	struct enterprise *e = row;

	e->lat = e->lon = NAN;
	e->party_org = ORG_NONE;
	e->max_communities = 1;
	e->joined_on = DATE_NONE;
	if (rd_field(r, o, "id", F_INT, &e->id) != 0 ||
	    rd_text_field(r, o, "name", &e->name) != 0 ||
	    rd_field(r, o, "zone_id", F_INT, &e->zone_id) != 0 ||
	    rd_text_field(r, o, "industry", &e->industry) != 0 ||
	    rd_field(r, o, "party_org", F_TEXT, &e->party_org_text) != 0 ||
	    rd_field(r, o, "party_members", F_INT, &e->party_members) != 0 ||
	    rd_field(r, o, "employees", F_INT, &e->employees) != 0 ||
	    rd_field(r, o, "lat", F_DOUBLE, &e->lat) != 0 ||
	    rd_field(r, o, "lon", F_DOUBLE, &e->lon) != 0 ||
	    rd_field(r, o, "offers", F_CODES, &e->offers) != 0 ||
	    rd_field(r, o, "max_communities", F_INT, &e->max_communities) != 0 ||
	    rd_field(r, o, "joined_on", F_DATE, &e->joined_on) != 0 ||
	    rd_field(r, o, "credit_code", F_TEXT, &e->credit_code) != 0 ||
	    rd_field(r, o, "approximate", F_BOOL, &e->approximate) != 0)
		return -1;
	if (e->party_org_text != NULL) {
		/* Keep the text only when it is not a known name. */
		e->party_org = party_org_parse(e->party_org_text);
		if (e->party_org != ORG_INVALID) {
			free(e->party_org_text);
			e->party_org_text = NULL;
		}
	}
	return 0;
}

static int
read_community(struct jsonio_path *r, const json_t *o, void *row)
{
	struct community *c = row;

	c->lat = c->lon = NAN;
	c->min_partners = 1;
	c->max_partners = 3;
	if (rd_field(r, o, "id", F_INT, &c->id) != 0 ||
	    rd_text_field(r, o, "name", &c->name) != 0 ||
	    rd_field(r, o, "lat", F_DOUBLE, &c->lat) != 0 ||
	    rd_field(r, o, "lon", F_DOUBLE, &c->lon) != 0 ||
	    rd_field(r, o, "needs", F_CODES, &c->needs) != 0 ||
	    rd_field(r, o, "min_partners", F_INT, &c->min_partners) != 0 ||
	    rd_field(r, o, "max_partners", F_INT, &c->max_partners) != 0 ||
	    rd_field(r, o, "code", F_TEXT, &c->code) != 0 ||
	    rd_field(r, o, "approximate", F_BOOL, &c->approximate) != 0)
		return -1;
	return 0;
}

static int
read_instructor(struct jsonio_path *r, const json_t *o, void *row)
{
	struct instructor *in = row;
	const json_t *v;
	size_t old;

	in->home_lat = in->home_lon = NAN;
	in->full_time = true;
	if (rd_field(r, o, "id", F_INT, &in->id) != 0 ||
	    rd_text_field(r, o, "name", &in->name) != 0 ||
	    rd_field(r, o, "full_time", F_BOOL, &in->full_time) != 0)
		return -1;
	in->capacity = in->full_time ? 100 : 50;
	if (rd_field(r, o, "capacity", F_INT, &in->capacity) != 0 ||
	    rd_field(r, o, "skills", F_CODES, &in->skills) != 0 ||
	    rd_field(r, o, "home_lat", F_DOUBLE, &in->home_lat) != 0 ||
	    rd_field(r, o, "home_lon", F_DOUBLE, &in->home_lon) != 0 ||
	    rd_field(r, o, "code", F_TEXT, &in->code) != 0 ||
	    rd_field(r, o, "approximate", F_BOOL, &in->approximate) != 0)
		return -1;
	v = json_object_get(o, "unavailable");
	if (v != NULL && !json_is_null(v)) {
		old = jsonio_key(r, "unavailable");
		if (rd_ids(r, v, &in->unavailable, &in->n_unavailable) != 0)
			return -1;
		jsonio_pop(r, old);
	}
	return 0;
}

static int
read_period(struct jsonio_path *r, const json_t *o, void *row)
{
	struct period *p = row;

	p->start = DATE_NONE;
	if (rd_field(r, o, "id", F_INT, &p->id) != 0 ||
	    rd_text_field(r, o, "label", &p->label) != 0 ||
	    rd_field(r, o, "start", F_DATE, &p->start) != 0)
		return -1;
	return 0;
}

static const char *const rule_kind_names[] = {
    [RULE_PIN_PAIR] = "pin_pair",
    [RULE_FORBID_PAIR] = "forbid_pair",
    [RULE_PIN_ZONE] = "pin_zone",
    [RULE_FORBID_ZONE] = "forbid_zone",
};

static int
read_rule(struct jsonio_path *r, const json_t *o, void *row)
{
	struct rule *ru = row;
	const json_t *v = json_object_get(o, "kind");
	const char *t;
	size_t old;
	int k;

	if (v == NULL || json_is_null(v)) {
		jsonio_key(r, "kind");
		return jsonio_fail(r, "missing; expected pin_pair, forbid_pair, pin_zone or "
		                      "forbid_zone");
	}
	old = jsonio_key(r, "kind");
	if (rd_string(r, v, &t) != 0)
		return -1;
	for (k = 0; k < 4; k++)
		if (strcmp(t, rule_kind_names[k]) == 0)
			break;
	if (k == 4) {
		if (strlen(t) > 40)
			return jsonio_fail(r, "unknown rule kind; expected pin_pair, forbid_pair, "
			                      "pin_zone or forbid_zone");
		return jsonio_fail(r,
		                   "unknown rule kind \"%s\"; expected pin_pair, forbid_pair, "
		                   "pin_zone or forbid_zone",
		                   t);
	}
	jsonio_pop(r, old);
	ru->kind = (enum rule_kind)k;
	if (ru->kind == RULE_PIN_PAIR || ru->kind == RULE_FORBID_PAIR)
		return rd_field(r, o, "enterprise_id", F_INT, &ru->enterprise_id) != 0 ||
		               rd_field(r, o, "community_id", F_INT, &ru->community_id) != 0
		           ? -1
		           : 0;
	return rd_field(r, o, "instructor_id", F_INT, &ru->instructor_id) != 0 ||
	               rd_field(r, o, "zone_id", F_INT, &ru->zone_id) != 0 ||
	               rd_field(r, o, "period_id", F_INT, &ru->period_id) != 0
	           ? -1
	           : 0;
}

/* doc.previous[key]: an array of [id, id] pairs. */
static int
read_id_pairs(struct jsonio_path *r, const json_t *prev, const char *key, struct id_pair **out,
              size_t *n_out)
{
	const json_t *v = json_object_get(prev, key);
	size_t i, n, old, old_i, old_j;
	int64_t ab[2];
	int j;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_key(r, key);
	if (!json_is_array(v))
		return jsonio_fail(r, "expected an array of [id, id] pairs, got %s",
		                   jsonio_type_name(v));
	n = json_array_size(v);
	if (n > SNAPSHOT_MAX_ROWS)
		return jsonio_fail(r, "%zu rows, more than the limit of %d", n, SNAPSHOT_MAX_ROWS);
	if (n > 0) {
		*out = calloc(n, sizeof(**out));
		if (*out == NULL)
			return jsonio_fail(r, "out of memory");
		for (i = 0; i < n; i++) {
			const json_t *p = json_array_get(v, i);

			old_i = jsonio_index(r, i);
			if (!json_is_array(p) || json_array_size(p) != 2) {
				if (json_is_array(p))
					return jsonio_fail(
					    r, "expected a pair [id, id], got %zu values",
					    json_array_size(p));
				return jsonio_fail(r, "expected a pair [id, id], got %s",
				                   jsonio_type_name(p));
			}
			for (j = 0; j < 2; j++) {
				old_j = jsonio_index(r, (size_t)j);
				if (jsonio_int(r, json_array_get(p, (size_t)j), &ab[j]) != 0)
					return -1;
				jsonio_pop(r, old_j);
			}
			(*out)[i].a = ab[0];
			(*out)[i].b = ab[1];
			*n_out = i + 1;
			jsonio_pop(r, old_i);
		}
	}
	jsonio_pop(r, old);
	return 0;
}

/* The settings that are plain fields, in the order they are written. */
static const struct setting_field {
	const char *name;
	enum ftype type;
	size_t offset;
} setting_fields[] = {
    {"pair_radius_m", F_DOUBLE, offsetof(struct settings, pair_radius_m)},
    {"w_need", F_DOUBLE, offsetof(struct settings, w_need)},
    {"w_distance", F_DOUBLE, offsetof(struct settings, w_distance)},
    {"w_keep_pair", F_INT, offsetof(struct settings, w_keep_pair)},
    {"w_uncovered", F_INT, offsetof(struct settings, w_uncovered)},
    {"diverse_industries", F_BOOL, offsetof(struct settings, diverse_industries)},
    {"max_changes", F_INT, offsetof(struct settings, max_changes)},
    {"new_bonus", F_INT, offsetof(struct settings, new_bonus)},
    {"new_days", F_INT, offsetof(struct settings, new_days)},
    {"w_balance", F_INT, offsetof(struct settings, w_balance)},
    {"w_skill", F_DOUBLE, offsetof(struct settings, w_skill)},
    {"w_keep_zone", F_INT, offsetof(struct settings, w_keep_zone)},
    {"w_stay", F_INT, offsetof(struct settings, w_stay)},
    {"w_commute", F_DOUBLE, offsetof(struct settings, w_commute)},
    {"commute_scale_m", F_DOUBLE, offsetof(struct settings, commute_scale_m)},
    {"time_limit_s", F_DOUBLE, offsetof(struct settings, time_limit_s)},
    {"mip_gap", F_DOUBLE, offsetof(struct settings, mip_gap)},
};

#define N_SETTING_FIELDS (sizeof(setting_fields) / sizeof(setting_fields[0]))

static int
read_settings(struct jsonio_path *r, const json_t *doc, struct settings *s)
{
	const json_t *v = json_object_get(doc, "settings"), *ow;
	size_t i, old, old_ow;
	int c;

	if (v == NULL || json_is_null(v))
		return 0;
	old = jsonio_key(r, "settings");
	if (!json_is_object(v))
		return jsonio_fail(r, "expected an object, got %s", jsonio_type_name(v));
	for (i = 0; i < N_SETTING_FIELDS; i++)
		if (rd_field(r, v, setting_fields[i].name, setting_fields[i].type,
		             (char *)s + setting_fields[i].offset) != 0)
			return -1;
	ow = json_object_get(v, "org_weight");
	if (ow != NULL && !json_is_null(ow)) {
		old_ow = jsonio_key(r, "org_weight");
		if (!json_is_object(ow))
			return jsonio_fail(r, "expected an object, got %s", jsonio_type_name(ow));
		for (c = 0; c < CLASS_COUNT; c++)
			if (rd_field(r, ow, org_class_name((enum org_class)c), F_INT,
			             &s->org_weight[c]) != 0)
				return -1;
		jsonio_pop(r, old_ow);
	}
	jsonio_pop(r, old);
	return 0;
}

static int
read_snapshot(struct jsonio_path *r, const json_t *doc, struct snapshot *s)
{
	const json_t *v;
	const char *t;
	size_t old;

	if (!json_is_object(doc))
		return jsonio_fail(r, "expected an object, got %s", jsonio_type_name(doc));
	v = json_object_get(doc, "format");
	old = jsonio_key(r, "format");
	if (v == NULL)
		return jsonio_fail(r, "missing; expected \"%s\"", SNAPSHOT_FORMAT);
	if (!json_is_string(v))
		return jsonio_fail(r, "expected \"%s\", got %s", SNAPSHOT_FORMAT,
		                   jsonio_type_name(v));
	t = json_string_value(v);
	if (strcmp(t, SNAPSHOT_FORMAT) != 0) {
		if (strlen(t) > 40)
			return jsonio_fail(r, "expected \"%s\", got a longer text",
			                   SNAPSHOT_FORMAT);
		return jsonio_fail(r, "expected \"%s\", got \"%s\"", SNAPSHOT_FORMAT, t);
	}
	jsonio_pop(r, old);

	if (read_settings(r, doc, &s->settings) != 0 ||
	    jsonio_rows(r, doc, "zones", SNAPSHOT_MAX_ROWS, sizeof(struct zone), (void **)&s->zones,
	                &s->n_zones, read_zone) != 0 ||
	    jsonio_rows(r, doc, "enterprises", SNAPSHOT_MAX_ROWS, sizeof(struct enterprise),
	                (void **)&s->enterprises, &s->n_enterprises, read_enterprise) != 0 ||
	    jsonio_rows(r, doc, "communities", SNAPSHOT_MAX_ROWS, sizeof(struct community),
	                (void **)&s->communities, &s->n_communities, read_community) != 0 ||
	    jsonio_rows(r, doc, "instructors", SNAPSHOT_MAX_ROWS, sizeof(struct instructor),
	                (void **)&s->instructors, &s->n_instructors, read_instructor) != 0 ||
	    jsonio_rows(r, doc, "periods", SNAPSHOT_MAX_ROWS, sizeof(struct period),
	                (void **)&s->periods, &s->n_periods, read_period) != 0 ||
	    jsonio_rows(r, doc, "rules", SNAPSHOT_MAX_ROWS, sizeof(struct rule), (void **)&s->rules,
	                &s->n_rules, read_rule) != 0)
		return -1;

	v = json_object_get(doc, "previous");
	if (v != NULL && !json_is_null(v)) {
		old = jsonio_key(r, "previous");
		if (!json_is_object(v))
			return jsonio_fail(r, "expected an object, got %s", jsonio_type_name(v));
		if (read_id_pairs(r, v, "pairs", &s->prev_pairs, &s->n_prev_pairs) != 0 ||
		    read_id_pairs(r, v, "assignments", &s->prev_assignments,
		                  &s->n_prev_assignments) != 0)
			return -1;
		jsonio_pop(r, old);
	}
	return 0;
}

int
snapshot_from_json(const json_t *doc, struct snapshot *s, char *err, size_t errlen)
{
	struct jsonio_path r;

	snapshot_init(s);
	jsonio_start(&r, err, errlen);
	if (doc == NULL) {
		jsonio_fail(&r, "no document");
		return -1;
	}
	if (read_snapshot(&r, doc, s) != 0) {
		snapshot_free(s);
		return -1;
	}
	snapshot_normalize(s);
	return 0;
}

int
snapshot_read_file(const char *path, struct snapshot *s, char *err, size_t errlen)
{
	json_t *doc = jsonio_load_file(path, err, errlen);
	int rc;

	if (doc == NULL) {
		snapshot_init(s);
		return -1;
	}
	rc = snapshot_from_json(doc, s, err, errlen);
	json_decref(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Writing JSON                                                        */

static json_t *
jtext(const char *t)
{
	return json_string(t != NULL ? t : "");
}

/* An optional text: null when absent. */
static json_t *
jtext_or_null(const char *t)
{
	return t != NULL ? json_string(t) : json_null();
}

static json_t *
jdate(int32_t days)
{
	char buf[11];

	if (days == DATE_NONE)
		return json_null();
	date_format(days, buf);
	return json_string(buf);
}

static json_t *
jcodes(const struct codes *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < c->n; i++)
		json_array_append_new(a, jtext(c->v[i]));
	return a;
}

static json_t *
jpairs(const struct id_pair *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_pack("[II]", (json_int_t)v[i].a, (json_int_t)v[i].b));
	return a;
}

static json_t *
settings_to_json(const struct settings *s)
{
	json_t *o = json_object(), *ow = json_object();
	size_t i;
	int c;

	for (i = 0; i < N_SETTING_FIELDS; i++) {
		const void *p = (const char *)s + setting_fields[i].offset;
		const char *name = setting_fields[i].name;

		switch (setting_fields[i].type) {
		case F_DOUBLE:
			jsonio_put(o, name, jsonio_number(*(const double *)p));
			break;
		case F_BOOL:
			jsonio_put(o, name, json_boolean(*(const bool *)p));
			break;
		case F_INT:
			if (strcmp(name, "max_changes") == 0 && *(const int64_t *)p == -1)
				jsonio_put(o, name, json_null());
			else
				jsonio_put(o, name, jsonio_integer(*(const int64_t *)p));
			break;
		default:
			break;
		}
	}
	for (c = 0; c < CLASS_COUNT; c++)
		jsonio_put(ow, org_class_name((enum org_class)c), jsonio_integer(s->org_weight[c]));
	jsonio_put(o, "org_weight", ow);
	return o;
}

json_t *
snapshot_to_json(const struct snapshot *s)
{
	json_t *doc = json_object(), *a, *o, *prev;
	size_t i, j;

	if (doc == NULL)
		return NULL;
	jsonio_put(doc, "format", json_string(SNAPSHOT_FORMAT));
	jsonio_put(doc, "settings", settings_to_json(&s->settings));

	a = json_array();
	for (i = 0; a != NULL && i < s->n_zones; i++) {
		const struct zone *z = &s->zones[i];

		o = json_object();
		jsonio_put(o, "id", jsonio_integer(z->id));
		jsonio_put(o, "code", jtext(z->code));
		jsonio_put(o, "name", jtext(z->name));
		jsonio_put(o, "lat", jsonio_number(z->lat));
		jsonio_put(o, "lon", jsonio_number(z->lon));
		jsonio_put(o, "min_fulltime", jsonio_integer(z->min_fulltime));
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "zones", a);

	a = json_array();
	for (i = 0; a != NULL && i < s->n_enterprises; i++) {
		const struct enterprise *e = &s->enterprises[i];
		const char *org =
		    e->party_org == ORG_INVALID ? e->party_org_text : party_org_name(e->party_org);

		o = json_object();
		jsonio_put(o, "id", jsonio_integer(e->id));
		jsonio_put(o, "name", jtext(e->name));
		jsonio_put(o, "zone_id", jsonio_integer(e->zone_id));
		jsonio_put(o, "industry", jtext(e->industry));
		jsonio_put(o, "party_org", jtext(org));
		jsonio_put(o, "party_members", jsonio_integer(e->party_members));
		jsonio_put(o, "employees", jsonio_integer(e->employees));
		jsonio_put(o, "lat", jsonio_number(e->lat));
		jsonio_put(o, "lon", jsonio_number(e->lon));
		jsonio_put(o, "offers", jcodes(&e->offers));
		jsonio_put(o, "max_communities", jsonio_integer(e->max_communities));
		jsonio_put(o, "joined_on", jdate(e->joined_on));
		jsonio_put(o, "credit_code", jtext_or_null(e->credit_code));
		jsonio_put(o, "approximate", json_boolean(e->approximate));
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "enterprises", a);

	a = json_array();
	for (i = 0; a != NULL && i < s->n_communities; i++) {
		const struct community *c = &s->communities[i];

		o = json_object();
		jsonio_put(o, "id", jsonio_integer(c->id));
		jsonio_put(o, "name", jtext(c->name));
		jsonio_put(o, "lat", jsonio_number(c->lat));
		jsonio_put(o, "lon", jsonio_number(c->lon));
		jsonio_put(o, "needs", jcodes(&c->needs));
		jsonio_put(o, "min_partners", jsonio_integer(c->min_partners));
		jsonio_put(o, "max_partners", jsonio_integer(c->max_partners));
		jsonio_put(o, "code", jtext_or_null(c->code));
		jsonio_put(o, "approximate", json_boolean(c->approximate));
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "communities", a);

	a = json_array();
	for (i = 0; a != NULL && i < s->n_instructors; i++) {
		const struct instructor *in = &s->instructors[i];
		json_t *un = json_array();

		o = json_object();
		jsonio_put(o, "id", jsonio_integer(in->id));
		jsonio_put(o, "name", jtext(in->name));
		jsonio_put(o, "full_time", json_boolean(in->full_time));
		jsonio_put(o, "capacity", jsonio_integer(in->capacity));
		jsonio_put(o, "skills", jcodes(&in->skills));
		jsonio_put(o, "home_lat", jsonio_number(in->home_lat));
		jsonio_put(o, "home_lon", jsonio_number(in->home_lon));
		for (j = 0; un != NULL && j < in->n_unavailable; j++)
			json_array_append_new(un, jsonio_integer(in->unavailable[j]));
		jsonio_put(o, "unavailable", un);
		jsonio_put(o, "code", jtext_or_null(in->code));
		jsonio_put(o, "approximate", json_boolean(in->approximate));
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "instructors", a);

	a = json_array();
	for (i = 0; a != NULL && i < s->n_periods; i++) {
		const struct period *p = &s->periods[i];

		o = json_object();
		jsonio_put(o, "id", jsonio_integer(p->id));
		jsonio_put(o, "label", jtext(p->label));
		jsonio_put(o, "start", jdate(p->start));
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "periods", a);

	a = json_array();
	for (i = 0; a != NULL && i < s->n_rules; i++) {
		const struct rule *ru = &s->rules[i];

		o = json_object();
		jsonio_put(o, "kind", json_string(rule_kind_names[ru->kind & 3]));
		if (ru->kind == RULE_PIN_PAIR || ru->kind == RULE_FORBID_PAIR) {
			jsonio_put(o, "enterprise_id", jsonio_integer(ru->enterprise_id));
			jsonio_put(o, "community_id", jsonio_integer(ru->community_id));
		} else {
			jsonio_put(o, "instructor_id", jsonio_integer(ru->instructor_id));
			jsonio_put(o, "zone_id", jsonio_integer(ru->zone_id));
			jsonio_put(o, "period_id",
			           ru->period_id == 0 ? json_null()
			                              : jsonio_integer(ru->period_id));
		}
		json_array_append_new(a, o);
	}
	jsonio_put(doc, "rules", a);

	prev = json_object();
	jsonio_put(prev, "pairs", jpairs(s->prev_pairs, s->n_prev_pairs));
	jsonio_put(prev, "assignments", jpairs(s->prev_assignments, s->n_prev_assignments));
	jsonio_put(doc, "previous", prev);
	return doc;
}

int
snapshot_write_file(const char *path, const struct snapshot *s, char *err, size_t errlen)
{
	return jsonio_write(path, snapshot_to_json(s), err, errlen);
}
