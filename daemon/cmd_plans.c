/*
 * cmd_plans.c - reading the stored plans: plans (the list), show (one plan
 * with its rows, by name and by the key of the park's lists -- credit code,
 * community code, staff number; with "document", also as a parkplan-plan/1
 * document), diff (what changed between two plans).  Each is one statement
 * that builds the answer as JSON inside PostgreSQL.
 */
#include <stdio.h>

#include "parkpland.h"
#include "plan_sql.h"

void
cmd_plans(struct parkpland *env, struct req *rq, json_t *args)
{
	json_t *lv = json_object_get(args, "limit");
	char limit[32];
	const char *v[1] = {limit};
	long long n = 20;

	if (lv != NULL) {
		if (!json_is_integer(lv) || json_integer_value(lv) < 1 ||
		    json_integer_value(lv) > 100000) {
			req_reply_error(rq, ERR_BAD_REQUEST,
			                "\"limit\" must be an integer in [1, 100000]");
			return;
		}
		n = json_integer_value(lv);
	}
	snprintf(limit, sizeof(limit), "%lld", n);
	cmd_query(env, rq, PLAN_SQL_LIST("$1::integer"), 1, v, "no plans", NULL);
}

/* One plan with its rows, by name; EXTRA: more members of the object. */
#define SHOW_SQL(EXTRA)                                                                            \
	"WITH r AS (SELECT * FROM plan_run WHERE id = " CMD_PLAN_OR_DEFAULT(                       \
	    "$1") ") "                                                                             \
	          "SELECT json_build_object("                                                      \
	          " 'run', row_to_json(r),"                                                        \
	          " 'in_force', r.id IS NOT DISTINCT FROM (SELECT id FROM plan_in_force),"         \
	          " 'pairs', (SELECT coalesce(json_agg(json_build_object('enterprise_id', "        \
	          "p.enterprise_id,"                                                               \
	          "   'enterprise', e.name, 'enterprise_code', e.credit_code,"                     \
	          "   'community_id', p.community_id, 'community', c.name, 'community_code', "     \
	          "c.code,"                                                                        \
	          "   'score', p.score) ORDER BY p.enterprise_id, p.community_id), '[]')"          \
	          "   FROM plan_pair p JOIN enterprise e ON e.id = p.enterprise_id"                \
	          "   JOIN community c ON c.id = p.community_id WHERE p.run_id = r.id),"           \
	          " 'uncovered', (SELECT coalesce(json_agg(json_build_object('community_id', "     \
	          "u.community_id,"                                                                \
	          "   'community', c.name, 'community_code', c.code, 'shortfall', u.shortfall)"    \
	          "   ORDER BY u.community_id), "                                                  \
	          "'[]')"                                                                          \
	          "   FROM plan_uncovered u JOIN community c ON c.id = u.community_id WHERE "      \
	          "u.run_id = "                                                                    \
	          "r.id),"                                                                         \
	          " 'assignments', (SELECT coalesce(json_agg(json_build_object('instructor_id',"   \
	          "   a.instructor_id, 'instructor', i.name, 'instructor_code', i.code,"           \
	          "   'zone_id', a.zone_id, 'zone', "                                              \
	          "z.code,"                                                                        \
	          "   'period_id', a.period_id, 'period', pe.label)"                               \
	          "   ORDER BY pe.start, pe.id, a.instructor_id), '[]')"                           \
	          "   FROM plan_assignment a JOIN instructor i ON i.id = a.instructor_id"          \
	          "   JOIN zone z ON z.id = a.zone_id JOIN period pe ON pe.id = a.period_id"       \
	          "   WHERE a.run_id = r.id),"                                                     \
	          " 'coverage', (SELECT coalesce(json_agg(json_build_object('zone_id', v.zone_id," \
	          "   'zone', z.code, 'period_id', v.period_id, 'period', pe.label,"               \
	          "   'workload', v.workload, 'capacity', v.capacity,"                             \
	          "   'seats_full_time', v.seats_full_time, 'seats_part_time', v.seats_part_time)" \
	          "   ORDER BY pe.start, pe.id, v.zone_id), '[]')"                                 \
	          "   FROM plan_coverage v JOIN zone z ON z.id = v.zone_id"                        \
	          "   JOIN period pe ON pe.id = v.period_id WHERE v.run_id = r.id),"               \
	          " 'problems', (SELECT coalesce(json_agg(json_build_object('entity', q.entity,"   \
	          "   'id', q.entity_id, 'field', q.field, 'reason', q.reason) ORDER BY q.seq), "  \
	          "'[]')"                                                                          \
	          "   FROM plan_problem q WHERE q.run_id = r.id)" EXTRA ") FROM r"

static const char show_sql[] = SHOW_SQL("");
/* "document": true adds the plan as a parkplan-plan/1 document (plan_sql.h). */
static const char show_document_sql[] = SHOW_SQL(", 'plan', " PLAN_SQL_DOCUMENT("r"));

void
cmd_show(struct parkpland *env, struct req *rq, json_t *args)
{
	int64_t id = cmd_arg_id(args, "plan");
	json_t *doc = json_object_get(args, "document");
	char text[32];
	const char *v[1] = {text};

	if (id < 0) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"plan\" must be a positive integer");
		return;
	}
	if (doc != NULL && !json_is_boolean(doc)) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"document\" must be true or false");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)id);
	if (id == 0)
		v[0] = NULL;
	cmd_query(env, rq, json_is_true(doc) ? show_document_sql : show_sql, 1, v,
	          id ? "no such plan" : "no plan yet", NULL);
}

static const char diff_sql[] =
    "WITH pa AS (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $1::bigint),"
    " pb AS (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $2::bigint),"
    " aa AS (SELECT instructor_id, period_id, zone_id FROM plan_assignment"
    "  WHERE run_id = $1::bigint),"
    " ab AS (SELECT instructor_id, period_id, zone_id FROM plan_assignment"
    "  WHERE run_id = $2::bigint),"
    " added AS (SELECT * FROM pb EXCEPT SELECT * FROM pa),"
    " removed AS (SELECT * FROM pa EXCEPT SELECT * FROM pb),"
    " moved AS (SELECT coalesce(aa.instructor_id, ab.instructor_id) AS instructor_id,"
    "  coalesce(aa.period_id, ab.period_id) AS period_id,"
    "  aa.zone_id AS zone_a, ab.zone_id AS zone_b"
    "  FROM aa FULL JOIN ab ON aa.instructor_id = ab.instructor_id"
    "  AND aa.period_id = ab.period_id WHERE aa.zone_id IS DISTINCT FROM ab.zone_id) "
    "SELECT json_build_object('a', $1::bigint, 'b', $2::bigint,"
    " 'pairs_added', (SELECT coalesce(json_agg(json_build_object('enterprise_id',"
    "   d.enterprise_id, 'enterprise', e.name, 'enterprise_code', e.credit_code,"
    "   'community_id', d.community_id, 'community', c.name, 'community_code', c.code)"
    "   ORDER BY d.enterprise_id, d.community_id), '[]')"
    "   FROM added d JOIN enterprise e ON e.id = d.enterprise_id"
    "   JOIN community c ON c.id = d.community_id),"
    " 'pairs_removed', (SELECT coalesce(json_agg(json_build_object('enterprise_id',"
    "   d.enterprise_id, 'enterprise', e.name, 'enterprise_code', e.credit_code,"
    "   'community_id', d.community_id, 'community', c.name, 'community_code', c.code)"
    "   ORDER BY d.enterprise_id, d.community_id), '[]')"
    "   FROM removed d JOIN enterprise e ON e.id = d.enterprise_id"
    "   JOIN community c ON c.id = d.community_id),"
    " 'pairs_kept', (SELECT count(*) FROM (SELECT * FROM pa INTERSECT SELECT * FROM pb) k),"
    " 'assignments_changed', (SELECT coalesce(json_agg(json_build_object('instructor_id',"
    "   m.instructor_id, 'instructor', i.name, 'instructor_code', i.code,"
    "   'period_id', m.period_id, 'period', pe.label,"
    "   'zone_a', (SELECT code FROM zone WHERE id = m.zone_a),"
    "   'zone_b', (SELECT code FROM zone WHERE id = m.zone_b))"
    "   ORDER BY pe.start, pe.id, m.instructor_id), '[]')"
    "   FROM moved m JOIN instructor i ON i.id = m.instructor_id"
    "   JOIN period pe ON pe.id = m.period_id),"
    " 'assignments_kept', (SELECT count(*) FROM (SELECT * FROM aa INTERSECT"
    "   SELECT * FROM ab) k)) "
    "WHERE EXISTS (SELECT 1 FROM plan_run WHERE id = $1::bigint AND status = 'succeeded')"
    " AND EXISTS (SELECT 1 FROM plan_run WHERE id = $2::bigint AND status = 'succeeded')";

void
cmd_diff(struct parkpland *env, struct req *rq, json_t *args)
{
	int64_t a = cmd_arg_id(args, "a"), b = cmd_arg_id(args, "b");
	char ta[32], tb[32];
	const char *v[2] = {ta, tb};

	if (a <= 0 || b <= 0) {
		req_reply_error(rq, ERR_BAD_REQUEST, "\"a\" and \"b\" must be plan ids");
		return;
	}
	snprintf(ta, sizeof(ta), "%lld", (long long)a);
	snprintf(tb, sizeof(tb), "%lld", (long long)b);
	cmd_query(env, rq, diff_sql, 2, v, "both plans must exist and have succeeded", NULL);
}
