#!/usr/bin/env bash
# The solver's wall-clock deadline, enforced by parkpland: with
# planner.solver_wall_s = 0.1 a district solve (50 000 enterprises, its
# roster over 44 periods: seconds) is killed; the run is marked failed with
# "solver exceeded its deadline of 0.1 s", the daemon keeps answering, no
# solver child is left behind, the plan in force is unchanged, and after a
# reload with the default deadline the next replan succeeds.
set -euo pipefail
T_NAME=deadline
. "$(dirname "$0")/test_daemon_lib.sh"

t_create_db
t_migrate
# a roster of seconds, well beyond the deadline and the half second the
# daemon waits past it before it kills the child
t_sample_long
q "INSERT INTO setting VALUES ('time_limit_s', '10')
   ON CONFLICT (key) DO UPDATE SET value = excluded.value" >/dev/null
# No data_change runs in between: the runs here are the replans.
t_config "notify_quiet_s = 86400" "solver_memory_mib = 2048"
t_start

# A plan in force, made with the default deadline.
"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/r1.json" || fail "first replan"
run1=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/r1.json")
"$PARKPLANCTL" approve "$run1" >/dev/null
[ "$(q "SELECT id FROM plan_in_force")" = "$run1" ] || fail "plan $run1 not in force"
solve1=$(q "SELECT round(solve_ms) FROM plan_run WHERE id = $run1")
# the test means something only when the solve takes well over the deadline
[ "$solve1" -gt 2000 ] || fail "the district solve took only $solve1 ms: no deadline to exceed"
ok "plan $run1 in force (solved in $solve1 ms)"

# A 0.1 s deadline.
t_config "notify_quiet_s = 86400" "solver_memory_mib = 2048" "solver_wall_s = 0.1"
"$PARKPLANCTL" reload >/dev/null || fail "reload with solver_wall_s = 0.1"
t0=$(date +%s.%N)
set +e
"$PARKPLANCTL" replan --wait --timeout 600 >"$T_DIR/r2.out" 2>"$T_DIR/r2.err"
rc=$?
set -e
t1=$(date +%s.%N)
[ "$rc" = 1 ] || fail "replan past the deadline: exit $rc, expected 1 ($(cat "$T_DIR/r2.err"))"
grep -q "solver exceeded its deadline of 0.1 s" "$T_DIR/r2.err" ||
	fail "replan did not give the deadline: $(cat "$T_DIR/r2.err")"
run2=$(sed -n 's/.*run \([0-9]*\) failed.*/\1/p' "$T_DIR/r2.err" | head -1)
[ -n "$run2" ] && [ "$run2" -gt "$run1" ] || fail "the failure does not name a new run"
[ "$(q "SELECT status || ' ' || (error->>'stage') || ' ' || (error->>'message')
        FROM plan_run WHERE id = $run2")" = "failed solve solver exceeded its deadline of 0.1 s" ] ||
	fail "run $run2: $(q "SELECT status, error FROM plan_run WHERE id = $run2")"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run2")" = 0 ] || fail "pairs stored for run $run2"
[ "$(q "SELECT count(*) FROM plan_snapshot WHERE run_id = $run2")" = 1 ] ||
	fail "the snapshot of run $run2 is not kept"
# the solve was stopped: the run's solve time is the deadline plus at most
# the half second the daemon gives the child (and some scheduling), below
# the full solve
solve2=$(q "SELECT round(solve_ms) FROM plan_run WHERE id = $run2")
[ "$solve2" -ge 100 ] && [ "$solve2" -lt 3000 ] && [ "$solve2" -lt "$solve1" ] ||
	fail "run $run2: solve_ms $solve2 (full solve $solve1 ms)"
ok "run $run2 failed: solver exceeded its deadline of 0.1 s (stopped after $solve2 ms)"
grep -E "run $run2: solver result taken" "$T_LOG" | sed 's/^/  log: /' || true

kill -0 "$DAEMON_PID" || fail "parkpland died"
[ "$(t_status state)" = idle ] || fail "status: state $(t_status state) after the failed run"
[ "$(t_status last_run.status)" = failed ] || fail "status: last run not failed"
[ "$(t_status plan_in_force)" = "$run1" ] || fail "status: plan in force is not $run1"
[ "$(q "SELECT id FROM plan_in_force")" = "$run1" ] || fail "the plan in force changed"
kids=$(ps -o pid=,stat=,comm= --ppid "$DAEMON_PID" || true)
[ -z "$kids" ] || fail "children of parkpland left behind: $kids"
ok "parkpland up, idle, plan $run1 still in force, no child left"

# Back to the default deadline: the next run succeeds.
t_config "notify_quiet_s = 86400" "solver_memory_mib = 2048"
"$PARKPLANCTL" reload >/dev/null || fail "reload"
"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/r3.json" || fail "replan after the reload"
run3=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/r3.json")
[ "$(q "SELECT status FROM plan_run WHERE id = $run3")" = succeeded ] || fail "run $run3 did not succeed"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run3")" -gt 0 ] || fail "run $run3 has no pairs"
ok "after the reload, run $run3 succeeded (solved in $(q "SELECT round(solve_ms) FROM plan_run WHERE id = $run3") ms)"
t_stop
