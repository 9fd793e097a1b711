#!/usr/bin/env bash
# kill -9 of parkpland during the store of a plan, many times, each at
# another moment of the store (a delay drawn between 0 and 3 times the
# store's length as the server measured it, after status first says
# "storing": the phase is longer than the transaction), checked in
# SQL after each restart:
#   - no run stays 'running' once the next parkpland has started;
#   - no succeeded run without its rows (pairs, assignments, snapshot);
#   - no pairs or assignments for a failed run;
#   - the plan in force is unchanged.
# Scale: PARKPLAN_KILLSTORE_SCALE (default district: 20 trials and the
# sample take about 70 s; park is quicker), trials:
# PARKPLAN_KILLSTORE_TRIALS (default 20).
set -euo pipefail
T_NAME=killstore
. "$(dirname "$0")/test_daemon_lib.sh"

scale=${PARKPLAN_KILLSTORE_SCALE:-district}
trials=${PARKPLAN_KILLSTORE_TRIALS:-20}

t_create_db
t_migrate
"$PARKPLANCTL" sample --dsn "$T_DSN" --scale "$scale" >/dev/null 2>&1 || fail "sample --scale $scale"
t_config "notify_quiet_s = 86400"
t_start
"$PARKPLANCTL" replan --wait --timeout 1200 >/dev/null || fail "the first replan"
in_force=$(q "SELECT max(id) FROM plan_run WHERE status = 'succeeded'")
"$PARKPLANCTL" approve "$in_force" >/dev/null || fail "approve $in_force"
store_ms=$(q "SELECT round(store_ms) FROM plan_run WHERE id = $in_force")
echo "scale $scale: a store takes $store_ms ms"

# Ask for a replan, poll status on the same socket until the run is
# storing, wait delay ms, kill -9; print the run's id.  Exit 3 when the run
# was stored between two polls.
kill_in_store() {
	python3 - "$T_SOCK" "$DAEMON_PID" "$1" <<'EOF'
import json, os, signal, socket, sys, time
path, pid, delay_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.connect(path)
f = s.makefile("rb")


def ask(req):
    s.sendall((json.dumps(req) + "\n").encode())
    return json.loads(f.readline())


before = (ask({"v": 1, "cmd": "status"})["data"].get("last_run") or {}).get("id", 0)
r = ask({"v": 1, "cmd": "replan"})
if not r["ok"]:
    sys.exit(f"replan: {r}")
deadline = time.monotonic() + 1200
while time.monotonic() < deadline:
    d = ask({"v": 1, "cmd": "status"})["data"]
    run = d.get("run") or {}
    if run.get("phase") == "storing":
        time.sleep(delay_ms / 1000)
        os.kill(pid, signal.SIGKILL)
        print(run["id"])
        sys.exit(0)
    last = (d.get("last_run") or {}).get("id", 0)
    if not run and not d.get("pending") and last > before:
        print(last)
        sys.exit(3)  # done between two polls: the store was missed
    time.sleep(0.002)
sys.exit("the run was never seen storing")
EOF
}

succeeded=0
failed=0
misses=0
trial=0
while [ "$trial" -lt "$trials" ]; do
	trial=$((trial + 1))
	delay=$(python3 -c "import random; print(round(random.uniform(0, 3 * $store_ms), 1))")
	rc=0
	run=$(kill_in_store "$delay") || rc=$?
	if [ "$rc" = 3 ]; then
		echo "trial $trial: run $run stored between two polls; again"
		misses=$((misses + 1))
		trial=$((trial - 1))
		[ "$misses" -le 20 ] || fail "the store is too quick to catch"
		continue
	fi
	[ "$rc" = 0 ] || fail "trial $trial: $run"
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
	t_start
	closed() { [ "$(q "SELECT status FROM plan_run WHERE id = $run")" != running ]; }
	t_wait_for "run $run closed by the next start" 60 closed
	t_check_runs "trial $trial" "$in_force"
	st=$(q "SELECT status FROM plan_run WHERE id = $run")
	case $st in
	succeeded) succeeded=$((succeeded + 1)) ;;
	failed) failed=$((failed + 1)) ;;
	esac
	echo "trial $trial: killed ${delay} ms into the store of run $run: $st" \
		"($(q "SELECT count(*) FROM plan_pair WHERE run_id = $run") pairs)"
done
ok "$trials kill -9 during the store ($scale scale): $succeeded stored whole, $failed rolled back and marked failed; no half-stored run, plan $in_force still in force"

# and the next replan plans as usual
"$PARKPLANCTL" replan --wait --timeout 1200 >/dev/null || fail "replan after the kills"
t_check_runs "after the kills" "$in_force"
t_stop
ok "a replan after the kills succeeds"
