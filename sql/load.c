/*
 * load.c - the snapshot loader: one consistent read of the planning data
 * (MODEL.md section 1).
 *
 * The snapshot is a fixed list of queries run in order inside one
 * REPEATABLE READ READ ONLY transaction (DB_LOAD_BEGIN).  Each result is
 * handed to db_loader_take(), which parses it into the snapshot being built;
 * the daemon sends the queries asynchronously, parkplanctl through
 * db_load_snapshot(), and both go through the same parsing.
 *
 * Results are in text format.  Numbers are parsed strictly and a bad value
 * is reported with its table, row and column.  Dates are selected as days
 * since 1970-01-01, which does not depend on the session's DateStyle.  Every
 * query is limited to SNAPSHOT_MAX_ROWS + 1 rows, so the server never sends
 * more than one row beyond the bound, and the bound is reported clearly.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "dberr.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define ROW_LIMIT " LIMIT " STR(SNAPSHOT_MAX_ROWS) " + 1"

struct db_loader {
	struct snapshot s;
	size_t next; /* the query whose result comes next */
};

/* Where a value comes from, for messages: "enterprise 12: lat: ...". */
struct cell {
	const PGresult *res;
	int row;
	const char *entity;
	char *err;
	size_t errlen;
};

static void cell_err(const struct cell *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Name the row by its id (column 0 of every row query is the id or, for
 * the previous plan, the first id of the pair) and the column by its name.
 */
static void
cell_err(const struct cell *c, int col, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (col != 0 && !PQgetisnull(c->res, c->row, 0))
		dberr_set(c->err, c->errlen, "%s %.40s: %s: %s", c->entity,
		          PQgetvalue(c->res, c->row, 0), PQfname(c->res, col), reason);
	else
		dberr_set(c->err, c->errlen, "%s (row %d): %s: %s", c->entity, c->row + 1,
		          PQfname(c->res, col), reason);
}

static int
cell_null(const struct cell *c, int col)
{
	return PQgetisnull(c->res, c->row, col);
}

/* The text of a cell that must not be NULL; NULL (error set) when it is. */
static const char *
cell_value(const struct cell *c, int col)
{
	if (cell_null(c, col)) {
		cell_err(c, col, "unexpected NULL");
		return NULL;
	}
	return PQgetvalue(c->res, c->row, col);
}

static int
get_i64(const struct cell *c, int col, int64_t min, int64_t max, int64_t *out)
{
	const char *text = cell_value(c, col);
	char *end;
	long long v;

	if (text == NULL)
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0') {
		cell_err(c, col, "bad integer '%.40s'", text);
		return -1;
	}
	if (v < min || v > max) {
		cell_err(c, col, "%lld is outside [%" PRId64 ", %" PRId64 "]", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_id(const struct cell *c, int col, int64_t *out)
{
	return get_i64(c, col, 1, INT64_MAX, out);
}

/* A date selected as days since 1970-01-01; NULL gives DATE_NONE. */
static int
get_date(const struct cell *c, int col, int32_t *out)
{
	int64_t v;

	if (cell_null(c, col)) {
		*out = DATE_NONE;
		return 0;
	}
	if (get_i64(c, col, (int64_t)INT32_MIN + 1, INT32_MAX, &v) < 0)
		return -1;
	*out = (int32_t)v;
	return 0;
}

static int
get_double(const struct cell *c, int col, double *out)
{
	const char *text = cell_value(c, col);
	char *end;
	double v;

	if (text == NULL)
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno == ERANGE || end == text || *end != '\0' || !isfinite(v)) {
		cell_err(c, col, "bad number '%.40s'", text);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_bool(const struct cell *c, int col, bool *out)
{
	const char *text = cell_value(c, col);

	if (text == NULL)
		return -1;
	if (strcmp(text, "t") == 0)
		*out = true;
	else if (strcmp(text, "f") == 0)
		*out = false;
	else {
		cell_err(c, col, "bad boolean '%.40s'", text);
		return -1;
	}
	return 0;
}

static int
get_text(const struct cell *c, int col, char **out)
{
	const char *text = cell_value(c, col);
	size_t len;

	if (text == NULL)
		return -1;
	len = (size_t)PQgetlength(c->res, c->row, col);
	if (len > SNAPSHOT_MAX_TEXT) {
		cell_err(c, col, "text of %zu bytes (at most %d)", len, SNAPSHOT_MAX_TEXT);
		return -1;
	}
	*out = strdup(text);
	if (*out == NULL) {
		cell_err(c, col, "out of memory");
		return -1;
	}
	return 0;
}

/* Parse a JSON document selected as text (array_to_json(...)::text). */
static json_t *
get_json(const struct cell *c, int col)
{
	const char *text = cell_value(c, col);
	json_error_t jerr;
	json_t *doc;

	if (text == NULL)
		return NULL;
	doc = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (doc == NULL)
		cell_err(c, col, "bad JSON: %s", jerr.text);
	return doc;
}

/*
 * A JSON array (array_to_json(...)::text) of at most max elements, with
 * zeroed room for them, size bytes each, in *out (NULL when there are none).
 * Returns the document for the caller to release, or NULL with the error set.
 */
static json_t *
get_array(const struct cell *c, int col, size_t max, const char *noun, size_t size, void **out)
{
	json_t *doc = get_json(c, col);
	size_t n;

	*out = NULL;
	if (doc == NULL)
		return NULL;
	if (!json_is_array(doc)) {
		cell_err(c, col, "expected an array");
		goto fail;
	}
	n = json_array_size(doc);
	if (n > max) {
		cell_err(c, col, "%zu %s (at most %zu)", n, noun, max);
		goto fail;
	}
	if (n > 0) {
		*out = calloc(n, size);
		if (*out == NULL) {
			cell_err(c, col, "out of memory");
			goto fail;
		}
	}
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/* A code list: array_to_json(text[])::text, made a set by codes_normalize. */
static int
get_codes(const struct cell *c, int col, struct codes *out)
{
	json_t *doc, *v;
	size_t i;

	out->n = 0;
	doc = get_array(c, col, SNAPSHOT_MAX_CODES, "codes", sizeof(*out->v), (void **)&out->v);
	if (doc == NULL)
		return -1;
	json_array_foreach(doc, i, v)
	{
		const char *code = json_string_value(v);

		if (code == NULL) {
			cell_err(c, col, "element %zu is not a string", i + 1);
			goto fail;
		}
		if (json_string_length(v) > SNAPSHOT_MAX_TEXT) {
			cell_err(c, col, "code of %zu bytes (at most %d)", json_string_length(v),
			         SNAPSHOT_MAX_TEXT);
			goto fail;
		}
		out->v[i] = strdup(code);
		if (out->v[i] == NULL) {
			cell_err(c, col, "out of memory");
			goto fail;
		}
		out->n = i + 1;
	}
	json_decref(doc);
	codes_normalize(out);
	return 0;
fail:
	json_decref(doc);
	codes_free(out);
	return -1;
}

/* A sorted list of ids: array_to_json(bigint[])::text. */
static int
get_ids(const struct cell *c, int col, int64_t **out, size_t *n_out)
{
	json_t *doc, *v;
	size_t i;

	*n_out = 0;
	doc = get_array(c, col, SNAPSHOT_MAX_ROWS, "ids", sizeof(**out), (void **)out);
	if (doc == NULL)
		return -1;
	json_array_foreach(doc, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			cell_err(c, col, "element %zu is not an id", i + 1);
			free(*out);
			*out = NULL;
			json_decref(doc);
			return -1;
		}
		(*out)[i] = json_integer_value(v);
	}
	*n_out = json_array_size(doc);
	json_decref(doc);
	return 0;
}

/* calloc for n rows; n == 0 gives NULL, which is not an error. */
static void *
rows_alloc(size_t n, size_t size, const char *entity, char *err, size_t errlen, int *failed)
{
	void *p;

	*failed = 0;
	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (p == NULL) {
		dberr_set(err, errlen, "%s: out of memory for %zu rows", entity, n);
		*failed = 1;
	}
	return p;
}

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

static int
parse_settings(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
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
		rc = setting_apply(&ld->s.settings, &setting_table[k], v, err, errlen);
		json_decref(v);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* --- rows ------------------------------------------------------------------ */

static int
parse_zones(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "zone", err, errlen};
	int failed;

	ld->s.zones = rows_alloc(n, sizeof(*ld->s.zones), "zone", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct zone *z = &ld->s.zones[c.row];

		ld->s.n_zones = (size_t)c.row + 1;
		if (get_id(&c, 0, &z->id) < 0 || get_text(&c, 1, &z->code) < 0 ||
		    get_text(&c, 2, &z->name) < 0 || get_double(&c, 3, &z->lat) < 0 ||
		    get_double(&c, 4, &z->lon) < 0 ||
		    get_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &z->min_fulltime) < 0)
			return -1;
	}
	return 0;
}

static int
parse_enterprises(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "enterprise", err, errlen};
	int failed;

	ld->s.enterprises =
	    rows_alloc(n, sizeof(*ld->s.enterprises), "enterprise", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct enterprise *e = &ld->s.enterprises[c.row];

		ld->s.n_enterprises = (size_t)c.row + 1;
		e->joined_on = DATE_NONE;
		if (get_id(&c, 0, &e->id) < 0 || get_text(&c, 1, &e->name) < 0 ||
		    get_id(&c, 2, &e->zone_id) < 0 || get_text(&c, 3, &e->industry) < 0 ||
		    get_text(&c, 4, &e->party_org_text) < 0 ||
		    get_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &e->party_members) < 0 ||
		    get_i64(&c, 6, 0, SNAPSHOT_MAX_COUNT, &e->employees) < 0 ||
		    get_double(&c, 7, &e->lat) < 0 || get_double(&c, 8, &e->lon) < 0 ||
		    get_codes(&c, 9, &e->offers) < 0 ||
		    get_i64(&c, 10, 0, SNAPSHOT_MAX_COUNT, &e->max_communities) < 0 ||
		    get_date(&c, 11, &e->joined_on) < 0)
			return -1;
		/* ORG_INVALID is kept: validation names the row. */
		e->party_org = party_org_parse(e->party_org_text);
	}
	return 0;
}

static int
parse_communities(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "community", err, errlen};
	int failed;

	ld->s.communities =
	    rows_alloc(n, sizeof(*ld->s.communities), "community", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct community *m = &ld->s.communities[c.row];

		ld->s.n_communities = (size_t)c.row + 1;
		if (get_id(&c, 0, &m->id) < 0 || get_text(&c, 1, &m->name) < 0 ||
		    get_double(&c, 2, &m->lat) < 0 || get_double(&c, 3, &m->lon) < 0 ||
		    get_codes(&c, 4, &m->needs) < 0 ||
		    get_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &m->min_partners) < 0 ||
		    get_i64(&c, 6, 0, SNAPSHOT_MAX_COUNT, &m->max_partners) < 0)
			return -1;
	}
	return 0;
}

static int
parse_instructors(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "instructor", err, errlen};
	int failed;

	ld->s.instructors =
	    rows_alloc(n, sizeof(*ld->s.instructors), "instructor", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct instructor *in = &ld->s.instructors[c.row];

		ld->s.n_instructors = (size_t)c.row + 1;
		if (get_id(&c, 0, &in->id) < 0 || get_text(&c, 1, &in->name) < 0 ||
		    get_bool(&c, 2, &in->full_time) < 0 ||
		    get_i64(&c, 3, 1, SNAPSHOT_MAX_COUNT, &in->capacity) < 0 ||
		    get_codes(&c, 4, &in->skills) < 0 || get_double(&c, 5, &in->home_lat) < 0 ||
		    get_double(&c, 6, &in->home_lon) < 0 ||
		    get_ids(&c, 7, &in->unavailable, &in->n_unavailable) < 0)
			return -1;
	}
	return 0;
}

static int
parse_periods(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "period", err, errlen};
	int failed;

	ld->s.periods = rows_alloc(n, sizeof(*ld->s.periods), "period", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct period *p = &ld->s.periods[c.row];

		ld->s.n_periods = (size_t)c.row + 1;
		if (get_id(&c, 0, &p->id) < 0 || get_text(&c, 1, &p->label) < 0)
			return -1;
		/* A period has a start: NULL is refused, not DATE_NONE. */
		if (cell_value(&c, 2) == NULL || get_date(&c, 2, &p->start) < 0)
			return -1;
	}
	return 0;
}

static int
parse_rules(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "rule", err, errlen};
	int failed;

	ld->s.rules = rows_alloc(n, sizeof(*ld->s.rules), "rule", err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		struct rule *r = &ld->s.rules[c.row];
		const char *kind;
		int64_t id;

		ld->s.n_rules = (size_t)c.row + 1;
		if (get_id(&c, 0, &id) < 0)
			return -1;
		kind = PQgetvalue(res, c.row, 1);
		if (strcmp(kind, "pin_pair") == 0)
			r->kind = RULE_PIN_PAIR;
		else if (strcmp(kind, "forbid_pair") == 0)
			r->kind = RULE_FORBID_PAIR;
		else if (strcmp(kind, "pin_zone") == 0)
			r->kind = RULE_PIN_ZONE;
		else if (strcmp(kind, "forbid_zone") == 0)
			r->kind = RULE_FORBID_ZONE;
		else {
			cell_err(&c, 1, "unknown rule kind '%.40s'", kind);
			return -1;
		}
		if (r->kind == RULE_PIN_PAIR || r->kind == RULE_FORBID_PAIR) {
			if (get_id(&c, 2, &r->enterprise_id) < 0 ||
			    get_id(&c, 3, &r->community_id) < 0)
				return -1;
		} else {
			if (get_id(&c, 4, &r->instructor_id) < 0 || get_id(&c, 5, &r->zone_id) < 0)
				return -1;
			/* NULL: every period. */
			if (!cell_null(&c, 6) && get_id(&c, 6, &r->period_id) < 0)
				return -1;
		}
	}
	return 0;
}

static int
parse_pairs(const PGresult *res, const char *entity, struct id_pair **out, size_t *n_out, char *err,
            size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, entity, err, errlen};
	int failed;

	*out = rows_alloc(n, sizeof(**out), entity, err, errlen, &failed);
	if (failed)
		return -1;
	for (c.row = 0; (size_t)c.row < n; c.row++) {
		*n_out = (size_t)c.row + 1;
		if (get_id(&c, 0, &(*out)[c.row].a) < 0 || get_id(&c, 1, &(*out)[c.row].b) < 0)
			return -1;
	}
	return 0;
}

static int
parse_previous_pairs(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	return parse_pairs(res, "previous pair", &ld->s.prev_pairs, &ld->s.n_prev_pairs, err,
	                   errlen);
}

static int
parse_previous_assignments(struct db_loader *ld, const PGresult *res, char *err, size_t errlen)
{
	return parse_pairs(res, "previous assignment", &ld->s.prev_assignments,
	                   &ld->s.n_prev_assignments, err, errlen);
}

/* --- the queries ------------------------------------------------------------ */

struct load_query {
	const char *what; /* plural, for messages */
	const char *sql;
	int columns;
	int (*parse)(struct db_loader *ld, const PGresult *res, char *err, size_t errlen);
};

static const struct load_query load_queries[] = {
    {"settings", "SELECT key, value::text FROM setting ORDER BY key" ROW_LIMIT, 2, parse_settings},
    {"zones",
     "SELECT id, code, name, lat, lon, min_fulltime FROM zone WHERE active ORDER BY id" ROW_LIMIT,
     6, parse_zones},
    /*
     * party_org is the kind of the enterprise's organisation while that
     * organisation is active, 'none' otherwise.
     */
    {"enterprises",
     "SELECT e.id, e.name, e.zone_id, e.industry,"
     " CASE WHEN o.active THEN o.kind::text ELSE 'none' END AS party_org,"
     " e.party_members, e.employees, e.lat, e.lon, array_to_json(e.offers)::text AS offers,"
     " e.max_communities, e.joined_on - DATE '1970-01-01' AS joined_on"
     " FROM enterprise e LEFT JOIN party_organisation o ON o.id = e.party_org_id"
     " WHERE e.active ORDER BY e.id" ROW_LIMIT,
     12, parse_enterprises},
    {"communities",
     "SELECT id, name, lat, lon, array_to_json(needs)::text AS needs, min_partners,"
     " max_partners FROM community WHERE active ORDER BY id" ROW_LIMIT,
     7, parse_communities},
    /* Unavailability counts only in active periods. */
    {"instructors",
     "SELECT i.id, i.name, i.full_time,"
     " coalesce(i.capacity, CASE WHEN i.full_time THEN 100 ELSE 50 END) AS capacity,"
     " array_to_json(i.skills)::text AS skills, i.home_lat, i.home_lon,"
     " array_to_json(ARRAY(SELECT u.period_id FROM instructor_unavailable u"
     "  JOIN period p ON p.id = u.period_id AND p.active"
     "  WHERE u.instructor_id = i.id ORDER BY u.period_id))::text AS unavailable"
     " FROM instructor i WHERE i.active ORDER BY i.id" ROW_LIMIT,
     8, parse_instructors},
    {"periods",
     "SELECT id, label, start - DATE '1970-01-01' AS start FROM period WHERE active"
     " ORDER BY start, id" ROW_LIMIT,
     3, parse_periods},
    /* A rule that names an inactive row no longer applies. */
    {"rules",
     "SELECT r.id, r.kind::text AS kind, r.enterprise_id, r.community_id, r.instructor_id,"
     " r.zone_id, r.period_id FROM rule r WHERE r.active"
     " AND (r.enterprise_id IS NULL OR EXISTS (SELECT 1 FROM enterprise e"
     "  WHERE e.id = r.enterprise_id AND e.active))"
     " AND (r.community_id IS NULL OR EXISTS (SELECT 1 FROM community c"
     "  WHERE c.id = r.community_id AND c.active))"
     " AND (r.instructor_id IS NULL OR EXISTS (SELECT 1 FROM instructor i"
     "  WHERE i.id = r.instructor_id AND i.active))"
     " AND (r.zone_id IS NULL OR EXISTS (SELECT 1 FROM zone z"
     "  WHERE z.id = r.zone_id AND z.active))"
     " AND (r.period_id IS NULL OR EXISTS (SELECT 1 FROM period p"
     "  WHERE p.id = r.period_id AND p.active))"
     " ORDER BY r.id" ROW_LIMIT,
     7, parse_rules},
    /* The pairs of the plan in force whose enterprise and community are active. */
    {"previous pairs",
     "SELECT pp.enterprise_id, pp.community_id FROM plan_in_force f"
     " JOIN plan_pair pp ON pp.run_id = f.id"
     " JOIN enterprise e ON e.id = pp.enterprise_id AND e.active"
     " JOIN community c ON c.id = pp.community_id AND c.active"
     " ORDER BY 1, 2" ROW_LIMIT,
     2, parse_previous_pairs},
    /*
     * The plan in force assigns an instructor per period; the snapshot keeps
     * one zone per instructor, the zone the new plan's first period starts
     * from.  Chosen, per instructor: its zone in the period that is the new
     * first period (the earliest active period) when the plan in force
     * assigned it one there; otherwise its zone in the latest period (by
     * start, then id) in which that plan assigned it.  The choice is made
     * first; an instructor whose chosen zone is no longer active has no
     * previous assignment (an older zone is not substituted), and neither
     * has an inactive instructor.
     */
    {"previous assignments",
     "WITH first_period AS (SELECT id FROM period WHERE active ORDER BY start, id LIMIT 1),"
     " chosen AS (SELECT DISTINCT ON (a.instructor_id) a.instructor_id, a.zone_id"
     "  FROM plan_in_force f JOIN plan_assignment a ON a.run_id = f.id"
     "  JOIN period p ON p.id = a.period_id"
     "  ORDER BY a.instructor_id,"
     "   coalesce(a.period_id = (SELECT id FROM first_period), false) DESC,"
     "   p.start DESC, p.id DESC)"
     " SELECT ch.instructor_id, ch.zone_id FROM chosen ch"
     " JOIN instructor i ON i.id = ch.instructor_id AND i.active"
     " JOIN zone z ON z.id = ch.zone_id AND z.active"
     " ORDER BY 1" ROW_LIMIT,
     2, parse_previous_assignments},
};

#define N_LOAD_QUERIES (sizeof(load_queries) / sizeof(load_queries[0]))

size_t
db_loader_query_count(void)
{
	return N_LOAD_QUERIES;
}

const char *
db_loader_query(size_t i)
{
	return i < N_LOAD_QUERIES ? load_queries[i].sql : NULL;
}

struct db_loader *
db_loader_new(void)
{
	struct db_loader *ld = calloc(1, sizeof(*ld));

	if (ld == NULL)
		return NULL;
	snapshot_init(&ld->s);
	settings_default(&ld->s.settings);
	ld->next = 0;
	return ld;
}

void
db_loader_free(struct db_loader *ld)
{
	if (ld == NULL)
		return;
	snapshot_free(&ld->s);
	free(ld);
}

int
db_loader_take(struct db_loader *ld, size_t i, const PGresult *res, char *err, size_t errlen)
{
	const struct load_query *q;
	char what[64];

	if (ld == NULL || i >= N_LOAD_QUERIES || i != ld->next) {
		dberr_set(err, errlen,
		          "loading the snapshot: result %zu out of order (expected %zu)", i,
		          ld != NULL ? ld->next : 0);
		return -1;
	}
	q = &load_queries[i];
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(what, sizeof(what), "loading %s", q->what);
		dberr_result(err, errlen, what, res);
		return -1;
	}
	if (PQnfields(res) != q->columns) {
		dberr_set(err, errlen, "loading %s: %d columns, expected %d", q->what,
		          PQnfields(res), q->columns);
		return -1;
	}
	if (PQntuples(res) > SNAPSHOT_MAX_ROWS) {
		dberr_set(err, errlen,
		          "loading %s: more than %d rows (the most parkplan plans with)", q->what,
		          SNAPSHOT_MAX_ROWS);
		return -1;
	}
	if (q->parse(ld, res, err, errlen) < 0)
		return -1;
	ld->next++;
	return 0;
}

int
db_loader_finish(struct db_loader *ld, struct snapshot *out, char *err, size_t errlen)
{
	snapshot_init(out);
	if (ld == NULL) {
		dberr_set(err, errlen, "loading the snapshot: no loader");
		return -1;
	}
	if (ld->next != N_LOAD_QUERIES) {
		dberr_set(err, errlen, "loading the snapshot: %zu of %zu results read", ld->next,
		          N_LOAD_QUERIES);
		db_loader_free(ld);
		return -1;
	}
	snapshot_normalize(&ld->s);
	*out = ld->s;
	free(ld);
	return 0;
}

/* BEGIN or COMMIT of db_load_snapshot(). */
static int
load_command(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		dberr_result(err, errlen, "loading the snapshot", res);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
db_load_snapshot(PGconn *conn, struct snapshot *out, char *err, size_t errlen)
{
	struct db_loader *ld;
	PGresult *res;
	size_t i;

	snapshot_init(out);
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		dberr_set(err, errlen,
		          "loading the snapshot: the connection is busy or inside a "
		          "transaction");
		return -1;
	}
	ld = db_loader_new();
	if (ld == NULL) {
		dberr_set(err, errlen, "loading the snapshot: out of memory");
		return -1;
	}
	if (load_command(conn, DB_LOAD_BEGIN, err, errlen) < 0) {
		db_loader_free(ld);
		return -1;
	}
	for (i = 0; i < N_LOAD_QUERIES; i++) {
		int rc;

		res = PQexecParams(conn, load_queries[i].sql, 0, NULL, NULL, NULL, NULL, 0);
		rc = db_loader_take(ld, i, res, err, errlen);
		PQclear(res);
		if (rc < 0)
			goto fail;
	}
	if (load_command(conn, "COMMIT", err, errlen) < 0) {
		db_loader_free(ld);
		return -1;
	}
	return db_loader_finish(ld, out, err, errlen);
fail:
	PQclear(PQexec(conn, "ROLLBACK"));
	db_loader_free(ld);
	return -1;
}
