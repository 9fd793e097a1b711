# test_daemon_lib.sh - sourced by the parkpland integration tests.
#
# Each test gets its own database (created here, dropped on exit), its own
# folder with the control socket, the configuration file and the daemon's
# log, and every wait is bounded by a timeout.  Needs PARKPLAN_TEST_DSN,
# PARKPLANCTL and PARKPLAND (the ctest environment of the "pg" fixture).

: "${PARKPLAN_TEST_DSN:?needs the pg fixture}"
: "${PARKPLANCTL:?}"
: "${PARKPLAND:?}"

T_NAME=${T_NAME:-daemon}
T_DIR=$(mktemp -d "/tmp/ppd-${T_NAME}.XXXXXX")
chmod 0755 "$T_DIR"
T_DB="pp_${T_NAME}_$$_${RANDOM}"
T_DSN="${PARKPLAN_TEST_DSN/dbname=postgres/dbname=$T_DB}"
T_SOCK="$T_DIR/parkpland.sock"
T_CONF="$T_DIR/parkpland.conf"
T_LOG="$T_DIR/daemon.log"
DAEMON_PID=

export PARKPLAN_SOCKET="$T_SOCK"

t_cleanup() {
	local rc=$?
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	if [ "$rc" != 0 ] && [ -f "$T_LOG" ]; then
		echo "--- parkpland log (last 60 lines) ---" >&2
		tail -n 60 "$T_LOG" >&2
	fi
	psql -X -q "$PARKPLAN_TEST_DSN" -c "DROP DATABASE IF EXISTS $T_DB WITH (FORCE)" \
		>/dev/null 2>&1 || true
	rm -rf "$T_DIR"
	exit "$rc"
}
trap t_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

# psql on the test's database, one value per line, no headers.
q() {
	psql -X -q -At -v ON_ERROR_STOP=1 "$T_DSN" -c "$1"
}

# t_check_runs WHAT IN_FORCE: the runs as a crash or a lost database must
# leave them: none still 'running'; a succeeded run with its pairs,
# assignments and snapshot; a failed run with none of them; the plan in
# force still IN_FORCE.
t_check_runs() {
	local what=$1 in_force=$2 bad
	bad=$(q "SELECT string_agg(id::text, ',') FROM plan_run WHERE status = 'running'")
	[ -z "$bad" ] || fail "$what: runs still 'running': $bad"
	bad=$(q "SELECT string_agg(r.id::text, ',') FROM plan_run r WHERE r.status = 'succeeded' AND (
		NOT EXISTS (SELECT 1 FROM plan_pair p WHERE p.run_id = r.id)
		OR NOT EXISTS (SELECT 1 FROM plan_assignment a WHERE a.run_id = r.id)
		OR NOT EXISTS (SELECT 1 FROM plan_snapshot s WHERE s.run_id = r.id))")
	[ -z "$bad" ] || fail "$what: succeeded runs without their rows: $bad"
	bad=$(q "SELECT string_agg(r.id::text, ',') FROM plan_run r WHERE r.status = 'failed' AND (
		EXISTS (SELECT 1 FROM plan_pair p WHERE p.run_id = r.id)
		OR EXISTS (SELECT 1 FROM plan_assignment a WHERE a.run_id = r.id))")
	[ -z "$bad" ] || fail "$what: failed runs with rows: $bad"
	[ "$(q "SELECT id FROM plan_in_force")" = "$in_force" ] || fail "$what: the plan in force changed"
}

t_create_db() {
	psql -X -q -v ON_ERROR_STOP=1 "$PARKPLAN_TEST_DSN" -c "CREATE DATABASE $T_DB" >/dev/null
}

t_migrate() {
	"$PARKPLANCTL" migrate --dsn "$T_DSN" >/dev/null
}

# t_sample_long: the district sample with forty more periods, so that its
# roster (column generation over instructor paths) takes seconds instead of
# a few tenths: for a test that needs a solve still running.
t_sample_long() {
	"$PARKPLANCTL" sample --dsn "$T_DSN" --scale district >/dev/null 2>&1 ||
		fail "parkplanctl sample --scale district"
	q "INSERT INTO period (label, start)
	   SELECT 'P' || k, (SELECT max(start) FROM period) + 91 * k FROM generate_series(1, 40) k" \
		>/dev/null
}

t_sample() {
	"$PARKPLANCTL" sample --dsn "$T_DSN" --scale park >/dev/null 2>&1 ||
		fail "parkplanctl sample --scale park"
}

# t_config [extra INI lines...]: a configuration; the DSN goes in the file.
t_config() {
	{
		echo "[daemon]"
		echo "socket = $T_SOCK"
		echo "log_level = debug"
		echo "[database]"
		echo "dsn = $T_DSN"
		echo "reconnect_min_s = 0.1"
		echo "reconnect_max_s = 1"
		echo "[planner]"
		echo "startup_run = false"
		for line in "$@"; do
			echo "$line"
		done
	} >"$T_CONF"
	chmod 0600 "$T_CONF"
}

# Start parkpland in the background and wait (bounded) until it answers.
# PARKPLAN_TEST_VALGRIND=1 runs it under valgrind: any error or definite
# leak makes its exit status (checked by t_stop) non-zero.
t_start() {
	local wrap=()
	if [ "${PARKPLAN_TEST_VALGRIND:-0}" = 1 ]; then
		wrap=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
			--error-exitcode=99)
	fi
	"${wrap[@]}" "$PARKPLAND" -c "$T_CONF" "$@" >>"$T_LOG" 2>&1 &
	DAEMON_PID=$!
	local i
	for i in $(seq 1 600); do
		if "$PARKPLANCTL" status --json >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "parkpland exited at start-up"
		sleep 0.1
	done
	fail "parkpland did not answer on $T_SOCK within 60 s"
}

# t_wait_for DESCRIPTION SECONDS COMMAND...: poll until COMMAND succeeds.
t_wait_for() {
	local what=$1 secs=$2 i
	shift 2
	for i in $(seq 1 $((secs * 10))); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	fail "timed out after $secs s waiting for: $what"
}

# The value of one key of `parkplanctl status --json` (python3, stdlib).
t_status() {
	"$PARKPLANCTL" status --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1].split('.'):
    d = d.get(k) if isinstance(d, dict) else None
print('' if d is None else (json.dumps(d) if not isinstance(d, str) else d))" "$1"
}

t_idle() {
	[ "$(t_status state)" = idle ] && [ "$(t_status pending)" = false ]
}

# Stop with SIGTERM and check the exit status (bounded wait).
t_stop() {
	local i rc
	kill -TERM "$DAEMON_PID"
	for i in $(seq 1 300); do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	kill -0 "$DAEMON_PID" 2>/dev/null && fail "parkpland did not stop within 30 s of SIGTERM"
	rc=0
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	[ "$rc" = 0 ] || fail "parkpland exited with $rc after SIGTERM"
}
