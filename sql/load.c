/*
 * load.c - the snapshot loader: one consistent read of the planning data
 * (docs/model.md §1).
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
#include "load.h"
#include "pgcell.h"
#include "validate.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define ROW_LIMIT " LIMIT " STR(SNAPSHOT_MAX_ROWS) " + 1"

struct db_loader {
	struct snapshot s;
	size_t next; /* the query whose result comes next */
	int row;     /* the row of that result to parse next */
	/* bad settings, rules naming inactive rows: problems of the run */
	struct problems problems;
	size_t setting_problems;
};

/* The settings are a handful of rows: all of them at the first call. */
static int
parse_settings_rows(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                    size_t errlen)
{
	(void)to;
	(void)err;
	(void)errlen;
	if (from == 0)
		ld->setting_problems += db_settings_parse(&ld->s.settings, res, &ld->problems);
	return 0;
}

/* --- rows ------------------------------------------------------------------ */

static int
parse_zones(struct db_loader *ld, const PGresult *res, int from, int to, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "zone", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.zones =
		    cell_rows_alloc(n, sizeof(*ld->s.zones), "zone", err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		struct zone *z = &ld->s.zones[c.row];

		ld->s.n_zones = (size_t)c.row + 1;
		if (cell_id(&c, 0, &z->id) < 0 || cell_text(&c, 1, &z->code) < 0 ||
		    cell_text(&c, 2, &z->name) < 0 || cell_double(&c, 3, &z->lat) < 0 ||
		    cell_double(&c, 4, &z->lon) < 0 ||
		    cell_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &z->min_fulltime) < 0)
			return -1;
	}
	return 0;
}

static int
parse_enterprises(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                  size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "enterprise", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.enterprises = cell_rows_alloc(n, sizeof(*ld->s.enterprises), "enterprise",
		                                    err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		struct enterprise *e = &ld->s.enterprises[c.row];

		ld->s.n_enterprises = (size_t)c.row + 1;
		e->joined_on = DATE_NONE;
		if (cell_id(&c, 0, &e->id) < 0 || cell_text(&c, 1, &e->name) < 0 ||
		    cell_id(&c, 2, &e->zone_id) < 0 || cell_text(&c, 3, &e->industry) < 0 ||
		    cell_text(&c, 4, &e->party_org_text) < 0 ||
		    cell_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &e->party_members) < 0 ||
		    cell_i64(&c, 6, 0, SNAPSHOT_MAX_COUNT, &e->employees) < 0 ||
		    cell_double(&c, 7, &e->lat) < 0 || cell_double(&c, 8, &e->lon) < 0 ||
		    cell_codes(&c, 9, &e->offers) < 0 ||
		    cell_i64(&c, 10, 0, SNAPSHOT_MAX_COUNT, &e->max_communities) < 0 ||
		    cell_date(&c, 11, &e->joined_on) < 0 ||
		    (!cell_null(&c, 12) && cell_text(&c, 12, &e->credit_code) < 0) ||
		    cell_bool(&c, 13, &e->approximate) < 0)
			return -1;
		/* ORG_INVALID is kept: validation names the row. */
		e->party_org = party_org_parse(e->party_org_text);
		/* a set now, in this pass, rather than all at once at the end */
		codes_normalize(&e->offers);
	}
	return 0;
}

static int
parse_communities(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                  size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "community", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.communities = cell_rows_alloc(n, sizeof(*ld->s.communities), "community", err,
		                                    errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		struct community *m = &ld->s.communities[c.row];

		ld->s.n_communities = (size_t)c.row + 1;
		if (cell_id(&c, 0, &m->id) < 0 || cell_text(&c, 1, &m->name) < 0 ||
		    cell_double(&c, 2, &m->lat) < 0 || cell_double(&c, 3, &m->lon) < 0 ||
		    cell_codes(&c, 4, &m->needs) < 0 ||
		    cell_i64(&c, 5, 0, SNAPSHOT_MAX_COUNT, &m->min_partners) < 0 ||
		    cell_i64(&c, 6, 0, SNAPSHOT_MAX_COUNT, &m->max_partners) < 0 ||
		    (!cell_null(&c, 7) && cell_text(&c, 7, &m->code) < 0) ||
		    cell_bool(&c, 8, &m->approximate) < 0)
			return -1;
	}
	return 0;
}

static int
parse_instructors(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                  size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "instructor", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.instructors = cell_rows_alloc(n, sizeof(*ld->s.instructors), "instructor",
		                                    err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		struct instructor *in = &ld->s.instructors[c.row];

		ld->s.n_instructors = (size_t)c.row + 1;
		if (cell_id(&c, 0, &in->id) < 0 || cell_text(&c, 1, &in->name) < 0 ||
		    cell_bool(&c, 2, &in->full_time) < 0 ||
		    cell_i64(&c, 3, 1, SNAPSHOT_MAX_COUNT, &in->capacity) < 0 ||
		    cell_codes(&c, 4, &in->skills) < 0 || cell_double(&c, 5, &in->home_lat) < 0 ||
		    cell_double(&c, 6, &in->home_lon) < 0 ||
		    cell_ids(&c, 7, &in->unavailable, &in->n_unavailable) < 0 ||
		    (!cell_null(&c, 8) && cell_text(&c, 8, &in->code) < 0) ||
		    cell_bool(&c, 9, &in->approximate) < 0)
			return -1;
	}
	return 0;
}

static int
parse_periods(struct db_loader *ld, const PGresult *res, int from, int to, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "period", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.periods =
		    cell_rows_alloc(n, sizeof(*ld->s.periods), "period", err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		struct period *p = &ld->s.periods[c.row];

		ld->s.n_periods = (size_t)c.row + 1;
		if (cell_id(&c, 0, &p->id) < 0 || cell_text(&c, 1, &p->label) < 0)
			return -1;
		/* A period has a start: NULL is refused, not DATE_NONE. */
		if (cell_value(&c, 2) == NULL || cell_date(&c, 2, &p->start) < 0)
			return -1;
	}
	return 0;
}

/*
 * A rule naming a row that is not active does not apply: it is left out of
 * the snapshot, and is a problem of the run, named by the rule's id, so
 * that a planner hears of it (deactivate the rule too, or the row again).
 */
static bool
rule_inactive_rows(struct db_loader *ld, const struct rule *r, const char *inactive)
{
	static const struct {
		const char *word, *field;
	} names[] = {
	    {"enterprise", "enterprise_id"}, {"community", "community_id"},
	    {"instructor", "instructor_id"}, {"zone", "zone_id"},
	    {"period", "period_id"},
	};
	const int64_t ids[] = {r->enterprise_id, r->community_id, r->instructor_id, r->zone_id,
	                       r->period_id};
	char what[160];
	size_t k;

	if (inactive == NULL || inactive[0] == '\0')
		return false;
	rule_describe(r, what, sizeof(what));
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *hit = strstr(inactive, names[k].word);
		size_t n = strlen(names[k].word);

		if (hit == NULL || (hit[n] != '\0' && hit[n] != ','))
			continue;
		problems_add(&ld->problems, "rule", r->id, names[k].field,
		             "%s: %s %lld is not active: the rule no longer applies (deactivate "
		             "it, or activate the %s again)",
		             what, names[k].word, (long long)ids[k], names[k].word);
	}
	return true;
}

static int
parse_rules(struct db_loader *ld, const PGresult *res, int from, int to, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, "rule", err, errlen};
	int failed;

	if (from == 0) {
		ld->s.rules =
		    cell_rows_alloc(n, sizeof(*ld->s.rules), "rule", err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		/* filled in turn: a rule left out leaves no hole */
		struct rule *r = &ld->s.rules[ld->s.n_rules];
		const char *kind;

		memset(r, 0, sizeof(*r));
		if (cell_id(&c, 0, &r->id) < 0)
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
			if (cell_id(&c, 2, &r->enterprise_id) < 0 ||
			    cell_id(&c, 3, &r->community_id) < 0)
				return -1;
		} else {
			if (cell_id(&c, 4, &r->instructor_id) < 0 ||
			    cell_id(&c, 5, &r->zone_id) < 0)
				return -1;
			/* NULL: every period. */
			if (!cell_null(&c, 6) && cell_id(&c, 6, &r->period_id) < 0)
				return -1;
		}
		if (rule_inactive_rows(ld, r, PQgetvalue(res, c.row, 7)))
			continue;
		ld->s.n_rules++;
	}
	return 0;
}

static int
parse_pairs(const PGresult *res, int from, int to, const char *entity, struct id_pair **out,
            size_t *n_out, char *err, size_t errlen)
{
	size_t n = (size_t)PQntuples(res);
	struct cell c = {res, 0, entity, err, errlen};
	int failed;

	if (from == 0) {
		*out = cell_rows_alloc(n, sizeof(**out), entity, err, errlen, &failed);
		if (failed)
			return -1;
	}
	for (c.row = from; c.row < to; c.row++) {
		*n_out = (size_t)c.row + 1;
		if (cell_id(&c, 0, &(*out)[c.row].a) < 0 || cell_id(&c, 1, &(*out)[c.row].b) < 0)
			return -1;
	}
	return 0;
}

static int
parse_previous_pairs(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                     size_t errlen)
{
	return parse_pairs(res, from, to, "previous pair", &ld->s.prev_pairs, &ld->s.n_prev_pairs,
	                   err, errlen);
}

static int
parse_previous_assignments(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
                           size_t errlen)
{
	return parse_pairs(res, from, to, "previous assignment", &ld->s.prev_assignments,
	                   &ld->s.n_prev_assignments, err, errlen);
}

/* --- the queries ------------------------------------------------------------ */

struct load_query {
	const char *what; /* plural, for messages */
	const char *sql;
	int columns;
	/* rows [from, to) of the result; the arrays are made at from 0 */
	int (*parse)(struct db_loader *ld, const PGresult *res, int from, int to, char *err,
	             size_t errlen);
};

static const struct load_query load_queries[] = {
    {"settings", "SELECT key, value::text FROM setting ORDER BY key" ROW_LIMIT, 2,
     parse_settings_rows},
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
     " e.max_communities, e.joined_on - DATE '1970-01-01' AS joined_on,"
     " e.credit_code, e.approximate"
     " FROM enterprise e LEFT JOIN party_organisation o ON o.id = e.party_org_id"
     " WHERE e.active ORDER BY e.id" ROW_LIMIT,
     14, parse_enterprises},
    {"communities",
     "SELECT id, name, lat, lon, array_to_json(needs)::text AS needs, min_partners,"
     " max_partners, code, approximate FROM community WHERE active ORDER BY id" ROW_LIMIT,
     9, parse_communities},
    /* Unavailability counts only in active periods. */
    {"instructors",
     "SELECT i.id, i.name, i.full_time,"
     " coalesce(i.capacity, CASE WHEN i.full_time THEN 100 ELSE 50 END) AS capacity,"
     " array_to_json(i.skills)::text AS skills, i.home_lat, i.home_lon,"
     " array_to_json(ARRAY(SELECT u.period_id FROM instructor_unavailable u"
     "  JOIN period p ON p.id = u.period_id AND p.active"
     "  WHERE u.instructor_id = i.id ORDER BY u.period_id))::text AS unavailable,"
     " i.code, i.approximate"
     " FROM instructor i WHERE i.active ORDER BY i.id" ROW_LIMIT,
     10, parse_instructors},
    {"periods",
     "SELECT id, label, start - DATE '1970-01-01' AS start FROM period WHERE active"
     " ORDER BY start, id" ROW_LIMIT,
     3, parse_periods},
    /*
     * Every active rule, with the kinds of the rows it names that are not
     * active ("enterprise,zone"): such a rule is left out, and reported.
     */
    {"rules",
     "SELECT r.id, r.kind::text AS kind, r.enterprise_id, r.community_id, r.instructor_id,"
     " r.zone_id, r.period_id, concat_ws(',',"
     "  CASE WHEN r.enterprise_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM enterprise e"
     "   WHERE e.id = r.enterprise_id AND e.active) THEN 'enterprise' END,"
     "  CASE WHEN r.community_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM community c"
     "   WHERE c.id = r.community_id AND c.active) THEN 'community' END,"
     "  CASE WHEN r.instructor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM instructor i"
     "   WHERE i.id = r.instructor_id AND i.active) THEN 'instructor' END,"
     "  CASE WHEN r.zone_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM zone z"
     "   WHERE z.id = r.zone_id AND z.active) THEN 'zone' END,"
     "  CASE WHEN r.period_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM period p"
     "   WHERE p.id = r.period_id AND p.active) THEN 'period' END) AS inactive"
     " FROM rule r WHERE r.active ORDER BY r.id" ROW_LIMIT,
     8, parse_rules},
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
	problems_init(&ld->problems);
	ld->next = 0;
	return ld;
}

void
db_loader_free(struct db_loader *ld)
{
	if (ld == NULL)
		return;
	snapshot_free(&ld->s);
	problems_free(&ld->problems);
	free(ld);
}

int
db_loader_take_some(struct db_loader *ld, size_t i, const PGresult *res, int max_rows, char *err,
                    size_t errlen)
{
	const struct load_query *q;
	char what[64];
	int n, to;

	if (ld == NULL || i >= N_LOAD_QUERIES || i != ld->next) {
		dberr_set(err, errlen,
		          "loading the snapshot: result %zu out of order (expected %zu)", i,
		          ld != NULL ? ld->next : 0);
		return -1;
	}
	q = &load_queries[i];
	if (ld->row == 0) {
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
			          "loading %s: more than %d rows (the most parkplan plans with)",
			          q->what, SNAPSHOT_MAX_ROWS);
			return -1;
		}
	}
	n = PQntuples(res);
	to = max_rows > 0 && n - ld->row > max_rows ? ld->row + max_rows : n;
	if (q->parse(ld, res, ld->row, to, err, errlen) < 0)
		return -1;
	if (to < n) {
		ld->row = to;
		return 1;
	}
	ld->row = 0;
	ld->next++;
	return 0;
}

int
db_loader_take(struct db_loader *ld, size_t i, const PGresult *res, char *err, size_t errlen)
{
	return db_loader_take_some(ld, i, res, 0, err, errlen);
}

/* "N problems in the settings: setting K: reason; setting K: reason" */
static void
settings_problems_text(const struct problems *pr, char *err, size_t errlen)
{
	size_t i, used, shown = 0, n = 0;

	for (i = 0; i < pr->n; i++)
		n += strcmp(pr->v[i].entity, "settings") == 0;
	dberr_set(err, errlen, "%zu problem%s in the settings: ", n, n == 1 ? "" : "s");
	for (i = 0; i < pr->n && err != NULL; i++) {
		const struct problem *p = &pr->v[i];

		if (strcmp(p->entity, "settings") != 0)
			continue;
		used = strlen(err);
		snprintf(err + used, errlen - used, "%ssetting %s%s%s", shown++ ? "; " : "",
		         p->field, p->field[0] ? ": " : "", p->reason);
	}
}

int
db_loader_finish_problems(struct db_loader *ld, struct snapshot *out, struct problems *problems,
                          char *err, size_t errlen)
{
	size_t i;

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
	if (problems == NULL && ld->setting_problems > 0) {
		/* a document cannot carry a bad setting: every one is told */
		settings_problems_text(&ld->problems, err, errlen);
		db_loader_free(ld);
		return -1;
	}
	for (i = 0; problems != NULL && i < ld->problems.n; i++) {
		const struct problem *p = &ld->problems.v[i];

		problems_add(problems, p->entity, p->id, p->field, "%s", p->reason);
	}
	snapshot_normalize(&ld->s);
	*out = ld->s;
	problems_free(&ld->problems);
	free(ld);
	return 0;
}

int
db_loader_finish(struct db_loader *ld, struct snapshot *out, char *err, size_t errlen)
{
	return db_loader_finish_problems(ld, out, NULL, err, errlen);
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
