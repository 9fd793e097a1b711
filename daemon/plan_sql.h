/*
 * plan_sql.h - the statements' parts that read a stored plan back, shared
 * by every command that needs them (cmd_explain.c, cmd_plans.c,
 * http_report.c), so that there is one way to read a plan from the
 * database.
 */
#ifndef PARKPLAND_PLAN_SQL_H
#define PARKPLAND_PLAN_SQL_H

/*
 * The stored plan of a plan_run row (R: its alias in the statement) as a
 * parkplan-plan/1 document: the JSON plan_from_json() reads, for files,
 * the solver's pipe and the database alike.  Each part has its status,
 * objective, bound, gap, time, method (and the roster's memory budget)
 * from the run's row, and the reasons a failed run stored
 * (plan_run.error), null when none.
 */
#define PLAN_SQL_DOCUMENT(R)                                                                       \
	"json_build_object('format', 'parkplan-plan/1',"                                           \
	" 'pairing', json_build_object('status', " R ".pairing_status,"                            \
	"  'objective', " R ".pairing_objective, 'bound', " R ".pairing_bound,"                    \
	"  'gap', " R ".pairing_gap, 'seconds', " R ".pairing_seconds,"                            \
	"  'method', " R ".pairing_method, 'reasons', " R ".error->'pairing'->'reasons',"          \
	"  'pairs', (SELECT coalesce(json_agg(json_build_object('enterprise_id', enterprise_id,"   \
	"    'community_id', community_id, 'score', score)"                                        \
	"    ORDER BY enterprise_id, community_id), '[]') FROM plan_pair WHERE run_id = " R        \
	".id),"                                                                                    \
	"  'uncovered', (SELECT coalesce(json_agg(json_build_object('community_id', community_id," \
	"    'shortfall', shortfall) ORDER BY community_id), '[]')"                                \
	"    FROM plan_uncovered WHERE run_id = " R ".id)),"                                       \
	" 'roster', json_build_object('status', " R ".roster_status,"                              \
	"  'objective', " R ".roster_objective, 'bound', " R ".roster_bound,"                      \
	"  'gap', " R ".roster_gap, 'seconds', " R ".roster_seconds,"                              \
	"  'method', " R ".roster_method, 'memory_budget_mib', " R ".roster_memory_budget_mib,"    \
	"  'reasons', " R ".error->'roster'->'reasons',"                                          \
	"  'assignments', (SELECT coalesce(json_agg(json_build_object('instructor_id',"            \
	"    a.instructor_id, 'zone_id', a.zone_id, 'period_id', a.period_id)"                     \
	"    ORDER BY pe.start, pe.id, a.instructor_id), '[]')"                                    \
	"    FROM plan_assignment a JOIN period pe ON pe.id = a.period_id"                         \
	"    WHERE a.run_id = " R ".id),"                                                          \
	"  'coverage', (SELECT coalesce(json_agg(json_build_object('zone_id', v.zone_id,"          \
	"    'period_id', v.period_id, 'workload', v.workload, 'capacity', v.capacity)"            \
	"    ORDER BY pe.start, pe.id, v.zone_id), '[]')"                                          \
	"    FROM plan_coverage v JOIN period pe ON pe.id = v.period_id"                           \
	"    WHERE v.run_id = " R ".id),"                                                          \
	"  'seats', (SELECT coalesce(json_agg(json_build_object('zone_id', v.zone_id,"             \
	"    'period_id', v.period_id, 'seats_full_time', v.seats_full_time,"                      \
	"    'seats_part_time', v.seats_part_time) ORDER BY pe.start, pe.id, v.zone_id), '[]')"    \
	"    FROM plan_coverage v JOIN period pe ON pe.id = v.period_id"                           \
	"    WHERE v.run_id = " R ".id)))"

/*
 * The latest runs, newest first, as the control socket's "plans" gives
 * them (LIMIT: an SQL expression for how many).
 */
#define PLAN_SQL_LIST(LIMIT)                                                                       \
	"SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') FROM ("                             \
	" SELECT r.id, r.trigger, r.requested_by, r.status, r.created_at, r.finished_at,"          \
	"  r.plan_date, r.load_ms, r.solve_ms, r.store_ms,"                                        \
	"  r.pairing_status, r.pairing_objective, r.pairing_gap,"                                  \
	"  r.roster_status, r.roster_objective, r.roster_gap,"                                     \
	"  r.approved_at, r.approved_by,"                                                          \
	"  (SELECT count(*) FROM plan_pair p WHERE p.run_id = r.id) AS pairs,"                     \
	"  (SELECT count(*) FROM plan_assignment a WHERE a.run_id = r.id) AS assignments,"         \
	"  r.id IS NOT DISTINCT FROM (SELECT id FROM plan_in_force) AS in_force,"                  \
	"  r.error->>'message' AS error"                                                           \
	" FROM plan_run r ORDER BY r.id DESC LIMIT " LIMIT ") x"

#endif
