#!/usr/bin/env bash
# Two parkpland on one database: exactly one is the active planner (it
# holds the advisory lock "pkplplan" on its session), the other answers
# status as a standby naming it, refuses replans (code "standby", exit 1),
# does not close the active planner's running run and stores nothing.
# kill -9 of the active one: the standby takes over within a bounded wait,
# closes the run left 'running', and plans the next replan --wait.  Then a
# third daemon whose DSN lists a missing socket folder before the real one
# (host=/nonexistent,DIR target_session_attrs=read-write) connects, is a
# standby, and becomes the active planner when the second stops.
set -euo pipefail
T_NAME=leader
. "$(dirname "$0")/test_daemon_lib.sh"

# The lock key, computed here from its ASCII name, as pg_locks shows it.
KEY=$(python3 -c "print(int.from_bytes(b'pkplplan', 'big'))")
KEY_HI=$((KEY >> 32))
KEY_LO=$((KEY & 4294967295))
HOST=$(hostname | cut -c1-40)

declare -A PIDS=()
leader_cleanup() {
	local rc=$? n
	for n in "${!PIDS[@]}"; do
		kill -KILL "${PIDS[$n]}" 2>/dev/null || true
	done
	if [ "$rc" != 0 ]; then
		for n in "$T_DIR"/*.log; do
			[ -f "$n" ] || continue
			echo "--- $(basename "$n") (last 40 lines) ---" >&2
			tail -n 40 "$n" >&2
		done
	fi
	# t_cleanup reads the exit status from $?
	(exit $rc)
	t_cleanup
}
trap leader_cleanup EXIT

# conf NAME DSN: the configuration of daemon NAME (socket, log of its own).
conf() {
	local name=$1 dsn=$2
	{
		echo "[daemon]"
		echo "socket = $T_DIR/$name.sock"
		echo "log_level = debug"
		echo "[database]"
		echo "dsn = $dsn"
		echo "reconnect_min_s = 0.1"
		echo "reconnect_max_s = 1"
		echo "[planner]"
		echo "startup_run = false"
		echo "leader_retry_s = 1"
		echo "notify_quiet_s = 10"
	} >"$T_DIR/$name.conf"
	chmod 0600 "$T_DIR/$name.conf"
}

# start NAME: run daemon NAME in the background, wait until it answers.
# PARKPLAN_TEST_VALGRIND=1: under valgrind, as t_start does (the daemons
# stopped with SIGTERM must then exit 0).
start() {
	local name=$1 i wrap=()
	if [ "${PARKPLAN_TEST_VALGRIND:-0}" = 1 ]; then
		wrap=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
			--error-exitcode=99)
	fi
	"${wrap[@]}" "$PARKPLAND" -c "$T_DIR/$name.conf" >>"$T_DIR/$name.log" 2>&1 &
	PIDS[$name]=$!
	for i in $(seq 1 600); do
		ctl "$name" status --json >/dev/null 2>&1 && return 0
		kill -0 "${PIDS[$name]}" 2>/dev/null || fail "parkpland $name exited at start-up"
		sleep 0.1
	done
	fail "parkpland $name did not answer within 60 s"
}

ctl() {
	local name=$1
	shift
	PARKPLAN_SOCKET="$T_DIR/$name.sock" "$PARKPLANCTL" "$@"
}

# st NAME KEY: one key of daemon NAME's status.
st() {
	PARKPLAN_SOCKET="$T_DIR/$1.sock" t_status "$2"
}

role_is() { [ "$(st "$1" role)" = "$2" ]; }

# The sessions holding the planner lock, as "application_name" lines.
holders() {
	q "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
	   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
	   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	   AND l.classid = $KEY_HI AND l.objid = $KEY_LO"
}


# --- 0. no database yet: the role is unknown ---
conf a "$T_DSN"
conf b "$T_DSN"
start a
[ "$(st a role)" = "waiting for database" ] || fail "without a database: role '$(st a role)'"
ok "without a database: role 'waiting for database'"

# --- 1. a takes the lock, b is a standby that names it ---
t_create_db
t_migrate
t_sample
t_wait_for "a to become active" 60 role_is a active
start b
t_wait_for "b to become standby" 30 role_is b standby
[ "$(st a role)" = active ] || fail "a is no longer active"
[ "$(holders)" = "parkpland $HOST ${PIDS[a]}" ] ||
	fail "pg_locks: the planner lock is held by '$(holders)', expected a (pid ${PIDS[a]})"
[ "$(st b active_planner)" = "on $HOST, pid ${PIDS[a]}" ] ||
	fail "b names the active planner '$(st b active_planner)'"
[ "$(st b database)" = connected ] || fail "b: database '$(st b database)'"
[ "$(st a active_planner)" = "" ] || fail "a names an active planner: $(st a active_planner)"
ok "a active (pg_locks agrees), b standby naming 'on $HOST, pid ${PIDS[a]}'"

# --- 2. replan on the standby is refused; replan --wait on a plans ---
runs_before=$(q "SELECT count(*) FROM plan_run")
for wait in "" "--wait"; do
	rc=0
	ctl b replan $wait >"$T_DIR/b.out" 2>"$T_DIR/b.err" || rc=$?
	[ "$rc" = 1 ] || fail "replan $wait on the standby: exit $rc, expected 1"
	grep -q "standby: another parkpland (on $HOST, pid ${PIDS[a]}) is the active planner" \
		"$T_DIR/b.err" || fail "replan $wait on the standby said: $(cat "$T_DIR/b.err")"
done
rc=0
PARKPLAN_SOCKET="$T_DIR/b.sock" python3 - <<'EOF' || rc=$?
import json, os, socket
s = socket.socket(socket.AF_UNIX)
s.connect(os.environ["PARKPLAN_SOCKET"])
s.sendall(b'{"v":1,"cmd":"replan"}\n')
r = json.loads(s.makefile().readline())
assert r["ok"] is False and r["code"] == "standby", r
EOF
[ "$rc" = 0 ] || fail "the standby's refusal is not code \"standby\""
[ "$(q "SELECT count(*) FROM plan_run")" = "$runs_before" ] || fail "the refused replans made runs"
ctl a replan --wait --json --timeout 300 >"$T_DIR/a1.json" || fail "replan --wait on a failed"
run1=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/a1.json")
[ "$(q "SELECT status FROM plan_run WHERE id = $run1")" = succeeded ] || fail "run $run1 not stored"
ok "replan on the standby refused (exit 1, code standby); a planned run $run1"

# The standby reads the plan in force for its status.
ctl a approve "$run1" >/dev/null || fail "approve $run1"
pif() { [ "$(st b plan_in_force)" = "$run1" ]; }
t_wait_for "b to see plan $run1 in force" 30 pif
ok "the standby shows the plan in force ($run1)"

# --- 3. a run of a is held in its store; the standby leaves it alone ---
psql -X -q "$T_DSN" -c "BEGIN; LOCK TABLE plan_pair IN SHARE MODE; SELECT pg_sleep(300); COMMIT" \
	>/dev/null 2>&1 &
locker=$!
locked() { [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                   WHERE c.relname = 'plan_pair' AND l.mode = 'ShareLock' AND l.granted")" = 1 ]; }
t_wait_for "the lock on plan_pair" 30 locked
ctl a replan >/dev/null || fail "replan on a"
a_storing() { [ "$(st a state)" = storing ]; }
t_wait_for "a's run to reach its store" 300 a_storing
held=$(st a run.id)
# b connects again (its session ended): as a standby it must not close a's run
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
   WHERE application_name = 'parkpland $HOST ${PIDS[b]}'" >/dev/null
b_reconnected() { [ "$(grep -c 'database connected' "$T_DIR/b.log")" -ge 2 ] && role_is b standby; }
t_wait_for "b to reconnect as a standby" 30 b_reconnected
sleep 3 # three tries of the lock
[ "$(q "SELECT status FROM plan_run WHERE id = $held")" = running ] ||
	fail "the standby closed the active planner's run $held"
[ "$(st a role)" = active ] && [ "$(st b role)" = standby ] || fail "roles changed"
ok "a's run $held is storing; b reconnected as a standby and left it running"

# --- 4. kill -9 a: b takes over, closes run $held, plans ---
kill -KILL "${PIDS[a]}"
wait "${PIDS[a]}" 2>/dev/null || true
unset 'PIDS[a]'
killed_at=$(date +%s)
# a's session ends once its statement stops waiting for the table lock
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%'
   AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" || true
t_wait_for "b to take over" 30 role_is b active
took=$(($(date +%s) - killed_at))
[ "$(holders)" = "parkpland $HOST ${PIDS[b]}" ] || fail "pg_locks: the lock is held by '$(holders)'"
interrupted() { [ "$(q "SELECT status || ' ' || (error->>'stage') FROM plan_run WHERE id = $held")" = "failed interrupted" ]; }
t_wait_for "run $held closed as interrupted" 30 interrupted
ctl b replan --wait --json --timeout 300 >"$T_DIR/b1.json" || fail "replan --wait on b failed"
run2=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/b1.json")
[ "$run2" -gt "$held" ] || fail "b's run $run2 is not newer than $held"
[ "$(q "SELECT status FROM plan_run WHERE id = $run2")" = succeeded ] || fail "run $run2 not stored"
[ "$(q "SELECT count(*) > 0 FROM plan_pair WHERE run_id = $run2")" = t ] || fail "run $run2 has no pairs"
[ "$(q "SELECT count(*) FROM plan_run WHERE status = 'running'")" = 0 ] || fail "a run is left running"
# the same data planned twice gives the same pairs
[ "$(q "SELECT count(*) FROM (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run1
        EXCEPT SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run2) d")" = 0 ] ||
	fail "runs $run1 and $run2 differ on the same data"
ok "kill -9 of a: b active after ${took} s, run $held closed as interrupted, b planned run $run2"

# --- 5. multi-host DSN: a missing socket folder first, the real one second ---
pgdir=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$T_DSN")
[ -d "$pgdir" ] || fail "no socket folder in the test DSN"
mdsn=$(sed -e "s|host=$pgdir|host=/nonexistent-parkplan-$$,$pgdir|" \
	-e 's|port=\([0-9]*\)|port=\1,\1|' <<<"$T_DSN")" target_session_attrs=read-write"
psql -X -q -At "$mdsn" -c "SELECT 1" >/dev/null || fail "psql cannot use the multi-host DSN: $mdsn"
conf c "$mdsn"
start c
t_wait_for "c to connect and become standby" 60 role_is c standby
[ "$(st c database)" = connected ] || fail "c: database '$(st c database)'"
[ "$(st c active_planner)" = "on $HOST, pid ${PIDS[b]}" ] ||
	fail "c names the active planner '$(st c active_planner)'"
ok "multi-host DSN (host=/nonexistent...,$pgdir): c connected, standby naming b"

# b stops cleanly: its session ends and c takes over
kill -TERM "${PIDS[b]}"
rc=0
wait "${PIDS[b]}" || rc=$?
unset 'PIDS[b]'
[ "$rc" = 0 ] || fail "b exited with $rc after SIGTERM"
t_wait_for "c to take over" 30 role_is c active
[ "$(holders)" = "parkpland $HOST ${PIDS[c]}" ] || fail "pg_locks: the lock is held by '$(holders)'"
ctl c replan --wait --json --timeout 300 >"$T_DIR/c1.json" || fail "replan --wait on c failed"
run3=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/c1.json")
[ "$(q "SELECT status FROM plan_run WHERE id = $run3")" = succeeded ] || fail "run $run3 not stored"
grep -q "planner lock taken" "$T_DIR/c.log" || fail "c did not log the lock"
ok "SIGTERM of b: c (multi-host DSN) active, planned run $run3"

# c started one run: the one it was asked for once active
[ "$(grep -c 'run [0-9]* started' "$T_DIR/c.log")" = 1 ] || fail "c started runs as a standby"

# --- 6. kill -9 of an idle active planner: its session ends at once ---
mv "$T_DIR/b.log" "$T_DIR/b1.log"
start b
t_wait_for "b to become standby" 30 role_is b standby
[ "$(st b active_planner)" = "on $HOST, pid ${PIDS[c]}" ] ||
	fail "b names the active planner '$(st b active_planner)'"
# a data change that c dies before planning (its quiet period is 10 s) is
# planned by b, which took over meanwhile
q "UPDATE community SET max_partners = max_partners WHERE id = (SELECT min(id) FROM community)" >/dev/null
b_heard() { grep -q "planning data changed" "$T_DIR/b.log"; }
t_wait_for "b to hear the data change" 30 b_heard
kill -KILL "${PIDS[c]}"
wait "${PIDS[c]}" 2>/dev/null || true
unset 'PIDS[c]'
t_wait_for "b to take over from c" 30 role_is b active
ctl b replan --wait --json --timeout 300 >"$T_DIR/b2.json" || fail "replan --wait on b failed"
run4=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/b2.json")
[ "$run4" -gt "$run3" ] && [ "$(q "SELECT status FROM plan_run WHERE id = $run4")" = succeeded ] ||
	fail "run $run4 not stored"
data_run() { [ "$(q "SELECT count(*) FROM plan_run WHERE trigger = 'data_change' AND status = 'succeeded'")" = 1 ]; }
t_wait_for "b's data_change run" 60 data_run
grep -q "run [0-9]* started (data_change" "$T_DIR/b.log" || fail "the data_change run is not b's"
ok "kill -9 of the idle active c: b took over, planned run $run4 and the pending data change"
kill -TERM "${PIDS[b]}"
wait "${PIDS[b]}" || fail "b exited with an error"
unset 'PIDS[b]'
ok "stopped"
