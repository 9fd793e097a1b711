#!/usr/bin/env bash
# PostgreSQL itself stopped and started under parkpland, on a private
# server of this test's own (the shared fixture serves other tests):
#   1. while the daemon is idle: it stays up, says "waiting for database",
#      reconnects when the server is back, and the next replan succeeds;
#   2. in the middle of a run (its load held by a table lock): the daemon
#      stays up, the interrupted run is marked failed once the server is
#      back, the plan in force is unchanged, and the next replan succeeds;
#   3. stopped fast and immediate in each phase of a run: the load (held by
#      a lock on enterprise), the solve (the server stopped as soon as
#      status says "solving") and the store (held by a lock on plan_pair):
#      each time the daemon stays up, the run ends (no run left 'running'),
#      a succeeded run has all its rows and a failed one none, the plan in
#      force is unchanged, and a replan succeeds at the end.
set -euo pipefail
T_NAME=pgrestart
: "${PARKPLAN_TEST_DSN:?needs the pg fixture}"
fixture=$(dirname "$0")/../pg_fixture.sh

pgbin=
for v in 17 16 15 14 13; do
	[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] && { pgbin=/usr/lib/postgresql/$v/bin; break; }
done
[ -n "$pgbin" ] || { echo "no PostgreSQL server binaries" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PGD=$(mktemp -d /tmp/ppr.XXXXXX)
rm -rf "$PGD"
"$fixture" start "$PGD" >/dev/null
PARKPLAN_TEST_DSN="host=$PGD port=5432 dbname=postgres user=postgres"
. "$(dirname "$0")/test_daemon_lib.sh"

holder=
private_cleanup() {
	local rc=$?
	[ -n "$holder" ] && kill "$holder" 2>/dev/null || true
	"$fixture" stop "$PGD" >/dev/null 2>&1 || true
	(exit "$rc")
	t_cleanup
}
trap private_cleanup EXIT

pg_stop() { as_owner "$pgbin/pg_ctl" -D "$PGD/data" -m "${1:-fast}" -w -t 60 stop >/dev/null; }
pg_start() {
	as_owner "$pgbin/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -t 60 \
		-o "-k $PGD -c listen_addresses= -c fsync=off" start >/dev/null
}
connected() { [ "$(t_status database)" = connected ]; }
not_connected() { [ "$(t_status database)" != connected ]; }
alive() { kill -0 "$DAEMON_PID" 2>/dev/null || fail "parkpland died"; }

t_create_db
t_migrate
t_sample
t_config "notify_quiet_s = 0.5"
t_start
t_wait_for "the database connection" 30 connected
"$PARKPLANCTL" replan --wait >/dev/null || fail "the first replan"
"$PARKPLANCTL" approve 1 >/dev/null || fail "approve 1"
[ "$(q "SELECT id FROM plan_in_force")" = 1 ] || fail "plan 1 is not in force"
ok "plan 1 stored and approved"

# 1. stopped and started while idle
pg_stop
t_wait_for "the daemon to notice the lost database" 30 not_connected
alive
ok "server stopped: the daemon is up and says '$(t_status database)'"
pg_start
t_wait_for "the reconnection" 60 connected
out=$("$PARKPLANCTL" replan --wait --json) || fail "replan after the restart: $out"
run=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["run"])' <<<"$out")
[ "$(q "SELECT status FROM plan_run WHERE id = $run")" = succeeded ] ||
	fail "run $run after the restart did not succeed"
ok "server started again: reconnected, run $run succeeded"

# 2. stopped and started in the middle of a run: a session holds a lock
# that the run's load waits for, then the server stops under it.
psql -X -q "$T_DSN" -c "BEGIN; LOCK TABLE enterprise IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);" \
	>/dev/null 2>&1 &
holder=$!
locked() { [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
	WHERE c.relname = 'enterprise' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ]; }
t_wait_for "the lock holder" 30 locked
before=$(q "SELECT max(id) FROM plan_run")
"$PARKPLANCTL" replan >/dev/null || fail "replan (no wait)"
loading() { [ "$(t_status run.phase)" = loading ] && [ "$(q "SELECT max(id) FROM plan_run")" -gt "$before" ]; }
t_wait_for "the run to wait in its load" 30 loading
stuck=$(q "SELECT max(id) FROM plan_run")
pg_stop
wait "$holder" 2>/dev/null || true
holder=
t_wait_for "the daemon to notice the lost database" 30 not_connected
alive
[ -n "$("$PARKPLANCTL" status --json)" ] || fail "status does not answer with the server down"
ok "server stopped during run $stuck's load: the daemon is up"
pg_start
t_wait_for "the reconnection" 60 connected
run_failed() { [ "$(q "SELECT status FROM plan_run WHERE id = $stuck")" = failed ]; }
t_wait_for "run $stuck to be marked failed" 60 run_failed
[ "$(q "SELECT error->>'stage' FROM plan_run WHERE id = $stuck")" = load ] ||
	fail "run $stuck's error: $(q "SELECT error FROM plan_run WHERE id = $stuck")"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $stuck")" = 0 ] ||
	fail "the failed run $stuck has pairs"
[ "$(q "SELECT id FROM plan_in_force")" = 1 ] || fail "the plan in force changed"
t_wait_for "the daemon to be idle" 60 t_idle
out=$("$PARKPLANCTL" replan --wait --json) || fail "replan after the interrupted run: $out"
run=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["run"])' <<<"$out")
[ "$(q "SELECT status FROM plan_run WHERE id = $run")" = succeeded ] ||
	fail "run $run did not succeed"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run")" -gt 0 ] || fail "run $run has no pairs"
ok "run $stuck marked failed ($(q "SELECT error->>'message' FROM plan_run WHERE id = $stuck" | cut -c1-60)…), plan 1 still in force, run $run succeeded"


# 3. fast and immediate, in each phase of a run

# Ask for a replan and stop the server (mode $1) as soon as status says
# "solving"; prints the run's id and the phase status showed after the stop.
stop_in_solve() {
	python3 - "$T_SOCK" "$1" "$pgbin" "$PGD" <<'EOF'
import json, os, socket, subprocess, sys, time
path, mode, pgbin, pgd = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
f = s.makefile("rb")


def ask(req):
    s.sendall((json.dumps(req) + "\n").encode())
    return json.loads(f.readline())


r = ask({"v": 1, "cmd": "replan"})
if not r["ok"]:
    sys.exit(f"replan: {r}")
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    run = ask({"v": 1, "cmd": "status"})["data"].get("run") or {}
    if run.get("phase") == "solving":
        cmd = [pgbin + "/pg_ctl", "-D", pgd + "/data", "-m", mode, "-w", "-t", "60", "stop"]
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        after = ask({"v": 1, "cmd": "status"})["data"].get("run") or {}
        print(run["id"], after.get("phase", "done"))
        sys.exit(0)
    time.sleep(0.002)
sys.exit("the run was never seen solving")
EOF
}

for phase in load solve store; do
	for mode in fast immediate; do
		[ "$phase/$mode" = load/fast ] && continue # part 2
		case $phase in
		load | store)
			table=enterprise
			[ "$phase" = store ] && table=plan_pair
			# the load waits for any lock on enterprise; the store's writes wait for
			# an EXCLUSIVE one on plan_pair, which lets the load read it
			lock="ACCESS EXCLUSIVE" lockname=AccessExclusiveLock
			[ "$phase" = store ] && lock=EXCLUSIVE lockname=ExclusiveLock
			psql -X -q "$T_DSN" -c "BEGIN; LOCK TABLE $table IN $lock MODE; SELECT pg_sleep(120);" \
				>/dev/null 2>&1 &
			holder=$!
			held() { [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
				WHERE c.relname = '$table' AND l.mode = '$lockname' AND l.granted")" = 1 ]; }
			t_wait_for "the lock on $table" 30 held
			before=$(q "SELECT max(id) FROM plan_run")
			"$PARKPLANCTL" replan >/dev/null || fail "replan (no wait)"
			want=loading
			[ "$phase" = store ] && want=storing
			in_phase() { [ "$(t_status run.phase)" = "$want" ] && [ "$(q "SELECT max(id) FROM plan_run")" -gt "$before" ]; }
			t_wait_for "the run to wait in its $phase" 120 in_phase
			stuck=$(t_status run.id)
			[ -n "$stuck" ] || fail "$phase/$mode: no run id in status: $("$PARKPLANCTL" status --json)"
			pg_stop "$mode"
			wait "$holder" 2>/dev/null || true
			holder=
			seen="$want"
			;;
		solve)
			read -r stuck seen < <(stop_in_solve "$mode") || fail "$phase/$mode: no run stopped in its solve"
			;;
		esac
		t_wait_for "the daemon to notice the lost database" 30 not_connected
		alive
		[ -n "$("$PARKPLANCTL" status --json)" ] || fail "$phase/$mode: status does not answer with the server down"
		pg_start
		t_wait_for "the reconnection" 60 connected
		ended() { [ "$(q "SELECT status FROM plan_run WHERE id = $stuck")" != running ]; }
		t_wait_for "run $stuck to end" 120 ended
		t_wait_for "the daemon to be idle" 120 t_idle
		t_check_runs "$phase/$mode" 1
		ok "server stopped ($mode) in run $stuck's $phase (status said $seen after the stop): run $stuck $(q "SELECT status || coalesce(' (' || (error->>'stage') || ': ' || left(error->>'message', 50) || ')', '') FROM plan_run WHERE id = $stuck"); plan 1 still in force"
	done
done
echo "runs so far, by trigger and status: $(q "SELECT string_agg(n || ' ' || trigger || ' ' || status, ', ')
	FROM (SELECT trigger, status, count(*) AS n FROM plan_run GROUP BY 1, 2 ORDER BY 1, 2) x")"
out=$("$PARKPLANCTL" replan --wait --json) || fail "replan after the restarts: $out"
run=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["run"])' <<<"$out")
t_check_runs "after the restarts" 1
[ "$(q "SELECT status FROM plan_run WHERE id = $run")" = succeeded ] || fail "run $run did not succeed"
ok "after five more restarts in load, solve and store: run $run succeeded"

t_stop
ok "stopped cleanly"
