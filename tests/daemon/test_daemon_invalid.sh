#!/usr/bin/env bash
# A snapshot that breaks docs/model.md §5 fails the run: the run row says
# failed with the validation report, plan_problem names each offending row,
# nothing is planned, and the plan in force does not change.  Bad settings
# are problems of the run like the others, every one of them at once, in
# planners' words and named by key; a rule naming an inactive row is a
# problem named by the rule's id.
set -euo pipefail
T_NAME=invalid
. "$(dirname "$0")/test_daemon_lib.sh"

t_create_db
t_migrate
t_sample
# No data_change runs in between: the runs here are the replans.
t_config "notify_quiet_s = 86400"
t_start

"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/r1.json" || fail "first replan"
run1=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/r1.json")
"$PARKPLANCTL" approve "$run1" >/dev/null
[ "$(q "SELECT id FROM plan_in_force")" = "$run1" ] || fail "plan $run1 not in force"

# Two conflicts the database accepts but the model does not:
# a pin and a forbid of the same pair, and a pin_zone in a period the
# instructor is unavailable.
e=$(q "SELECT min(id) FROM enterprise WHERE active AND max_communities > 0")
c=$(q "SELECT min(id) FROM community WHERE active")
q "INSERT INTO rule (kind, enterprise_id, community_id) VALUES ('pin_pair', $e, $c), ('forbid_pair', $e, $c)" >/dev/null
read -r i p < <(q "SELECT u.instructor_id, u.period_id FROM instructor_unavailable u
                   JOIN instructor i ON i.id = u.instructor_id JOIN period p ON p.id = u.period_id
                   WHERE i.active AND p.active ORDER BY 1, 2 LIMIT 1" | tr '|' ' ')
[ -n "$i" ] || fail "the sample park has no unavailable instructor"
z=$(q "SELECT min(id) FROM zone WHERE active")
q "INSERT INTO rule (kind, instructor_id, zone_id, period_id) VALUES ('pin_zone', $i, $z, $p)" >/dev/null

set +e
"$PARKPLANCTL" replan --wait --timeout 600 >"$T_DIR/r2.out" 2>"$T_DIR/r2.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "replan on bad data: exit $rc, expected 1"
grep -q "failed" "$T_DIR/r2.err" || fail "replan did not say the run failed: $(cat "$T_DIR/r2.err")"
run2=$(sed -n 's/.*run \([0-9]*\) failed.*/\1/p' "$T_DIR/r2.err" | head -1)
[ -n "$run2" ] || fail "the failure does not name its run: $(cat "$T_DIR/r2.err")"
[ "$run2" -gt "$run1" ] || fail "no row for the failed run"
[ "$(q "SELECT status || ' ' || (error->>'stage') FROM plan_run WHERE id = $run2")" = "failed validate" ] ||
	fail "run $run2: $(q "SELECT status, error FROM plan_run WHERE id = $run2")"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run2")" = 0 ] || fail "pairs stored for a failed run"
[ "$(q "SELECT count(*) FROM plan_assignment WHERE run_id = $run2")" = 0 ] || fail "assignments stored"
[ "$(q "SELECT count(*) FROM plan_snapshot WHERE run_id = $run2")" = 1 ] || fail "the failed run's snapshot is not kept"
# each conflict is named, with its rows' ids
[ "$(q "SELECT count(*) FROM plan_problem WHERE run_id = $run2 AND entity = 'rule'
        AND reason ~ '(^|[^0-9])$e([^0-9]|$)' AND reason ~ '(^|[^0-9])$c([^0-9]|$)'")" -ge 1 ] ||
	fail "no problem names the pin/forbid of enterprise $e and community $c: $(q "SELECT reason FROM plan_problem WHERE run_id = $run2")"
[ "$(q "SELECT count(*) FROM plan_problem WHERE run_id = $run2
        AND (entity_id = $i OR reason ~ '(^|[^0-9])$i([^0-9]|$)')")" -ge 1 ] ||
	fail "no problem names instructor $i: $(q "SELECT entity, entity_id, reason FROM plan_problem WHERE run_id = $run2")"
[ "$(q "SELECT count(*) FROM plan_problem WHERE run_id = $run2")" = \
  "$(q "SELECT jsonb_array_length(error->'problems') FROM plan_run WHERE id = $run2")" ] ||
	fail "plan_problem and the run's error report disagree"
[ "$(q "SELECT id FROM plan_in_force")" = "$run1" ] || fail "the plan in force changed"
[ "$(t_status plan_in_force)" = "$run1" ] || fail "status: plan in force is not $run1"
[ "$(t_status last_run.status)" = failed ] || fail "status: last run not failed"
"$PARKPLANCTL" show "$run2" >"$T_DIR/show.txt" || fail "show of the failed run"
grep -q "problems in the planning data" "$T_DIR/show.txt" || fail "show does not list the problems"
ok "bad data: run $run2 failed naming the rows; plan $run1 still in force"

# Fixing the data makes the next run succeed again.
q "UPDATE rule SET active = false" >/dev/null
"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/r3.json" || fail "replan after the fix"
run3=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/r3.json")
[ "$(q "SELECT status FROM plan_run WHERE id = $run3")" = succeeded ] || fail "no success after the fix"
ok "fixed data plans again"

# Three bad settings and a rule naming an inactive row: one run names them all.
e2=$(q "SELECT max(id) FROM enterprise WHERE active")
c2=$(q "SELECT max(id) FROM community WHERE active")
rule=$(q "INSERT INTO rule (kind, enterprise_id, community_id) VALUES ('forbid_pair', $e2, $c2) RETURNING id")
q "UPDATE community SET active = false WHERE id = $c2" >/dev/null
q "INSERT INTO setting (key, value) VALUES ('time_limit_s', '1e300'), ('max_changes', '-7'),
   ('w_need', '2.5e9') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value" >/dev/null
set +e
"$PARKPLANCTL" replan --wait --timeout 600 >"$T_DIR/r4.out" 2>"$T_DIR/r4.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "replan on bad settings: exit $rc, expected 1"
run4=$(sed -n 's/.*run \([0-9]*\) failed.*/\1/p' "$T_DIR/r4.err" | head -1)
[ -n "$run4" ] || fail "bad settings: the failure does not name its run: $(cat "$T_DIR/r4.err")"
[ "$(q "SELECT status || ' ' || (error->>'stage') FROM plan_run WHERE id = $run4")" = "failed validate" ] ||
	fail "run $run4: $(q "SELECT status, error FROM plan_run WHERE id = $run4")"
q "SELECT entity, coalesce(entity_id, 0), field, reason FROM plan_problem WHERE run_id = $run4 ORDER BY seq" \
	>"$T_DIR/p4.txt"
cat "$T_DIR/p4.txt"
grep -qx "settings|0|time_limit_s|1e300 is not a number of seconds parkplan can use (more than 0, at most 86400)" \
	"$T_DIR/p4.txt" || fail "time_limit_s 1e300 not named in planners' words"
grep -q "^settings|0|max_changes|-7 is not a number of changes parkplan can use" "$T_DIR/p4.txt" ||
	fail "max_changes -7 not named beside time_limit_s"
grep -q "^settings|0|w_need|2500000000 is not a weight parkplan can use" "$T_DIR/p4.txt" ||
	fail "w_need 2.5e9 not named"
grep -q "^rule|$rule|community_id|.*community $c2 is not active" "$T_DIR/p4.txt" ||
	fail "the rule $rule naming inactive community $c2 is not named by its id"
! grep -qi "json\|too big" "$T_DIR/p4.txt" || fail "a problem in jansson's words"
[ "$(q "SELECT id FROM plan_in_force")" = "$run1" ] || fail "the plan in force changed"
ok "bad settings: run $run4 names time_limit_s, max_changes, w_need and rule $rule at once"
t_stop
