#!/usr/bin/env bash
# parkpland without its database: it starts anyway ("waiting for
# database"), refuses loudly a database whose schema it does not match,
# connects once the schema is migrated (DSN from a systemd credential),
# makes the start-up run when there is no plan, and after its connection
# is killed it reconnects and listens again (a data change still makes a
# run).
set -euo pipefail
T_NAME=resilience
. "$(dirname "$0")/test_daemon_lib.sh"

# The DSN from $CREDENTIALS_DIRECTORY/dsn, as systemd's LoadCredential= gives it.
mkdir "$T_DIR/creds"
printf '%s\n' "$T_DSN" >"$T_DIR/creds/dsn"
t_config "startup_run = true" "notify_quiet_s = 0.5"
sed -i "s|^dsn = .*|dsn_file = \$CREDENTIALS_DIRECTORY/dsn|" "$T_CONF"
export CREDENTIALS_DIRECTORY="$T_DIR/creds"

# 1. no database at all
t_start
[ "$(t_status database)" = "waiting for database" ] ||
	fail "without a database: status says '$(t_status database)'"
[ "$(t_status state)" = idle ] || fail "without a database: state $(t_status state)"
set +e
"$PARKPLANCTL" plans >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 4 ] || fail "plans without a database: exit $rc, expected 4 (unavailable)"
ok "up without a database, status answers, plans says unavailable"

# 2. a database without parkplan's schema is refused, loudly
t_create_db
schema_refused() { t_status database | grep -q "schema version 0"; }
t_wait_for "the schema refusal" 30 schema_refused
t_status database | grep -q "parkplanctl migrate" || fail "the refusal does not say what to do"
grep -q '^<3>database refused: .*schema version 0' "$T_LOG" || fail "the refusal is not logged as an error"
ok "schema version 0 refused: $(t_status database)"

# 3. migrated and filled: connects, and the start-up run plans (no plan yet).
# The daemon is held still while the schema and the sample are written: it
# makes its start-up run as soon as it sees the schema, and the sample
# refuses a database that already holds runs.
kill -STOP "$DAEMON_PID"
t_migrate
t_sample
kill -CONT "$DAEMON_PID"
connected() { [ "$(t_status database)" = connected ]; }
t_wait_for "the connection" 60 connected
startup_run() { [ "$(q "SELECT count(*) FROM plan_run WHERE trigger = 'startup' AND status = 'succeeded'")" = 1 ]; }
t_wait_for "the start-up run" 300 startup_run
t_wait_for "idle" 60 t_idle
ok "connected after migrate; start-up run succeeded"

# 4. the connection is killed: reconnect, LISTEN again
killed=$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND application_name <> 'psql'")
[ "$killed" -ge 1 ] || fail "no daemon connection to kill"
lost_logged() { grep -q "database connection lost" "$T_LOG"; }
t_wait_for "the loss to be noticed" 30 lost_logged
t_wait_for "the reconnection" 60 connected
before=$(q "SELECT count(*) FROM plan_run")
q "UPDATE community SET max_partners = max_partners WHERE id = (SELECT min(id) FROM community)" >/dev/null
data_run() { [ "$(q "SELECT count(*) FROM plan_run WHERE trigger = 'data_change' AND status = 'succeeded'")" -ge 1 ]; }
t_wait_for "a data_change run after the reconnection" 300 data_run
[ "$(grep -c 'database connected' "$T_LOG")" -ge 2 ] || fail "no second 'database connected' in the log"
ok "reconnected after pg_terminate_backend, LISTEN re-issued (a NOTIFY made run $(q "SELECT max(id) FROM plan_run"))"

# 4b. the connection is lost in the middle of a store: the store is rolled
# back with the connection and made again once the database is back.
psql -X -q "$T_DSN" -c "BEGIN; LOCK TABLE plan_pair IN SHARE MODE; SELECT pg_sleep(120); COMMIT" \
	>/dev/null 2>&1 &
locker=$!
locked() { [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                   WHERE c.relname = 'plan_pair' AND l.mode = 'ShareLock' AND l.granted")" = 1 ]; }
t_wait_for "the lock on plan_pair" 30 locked
"$PARKPLANCTL" replan --wait --json --timeout 300 >"$T_DIR/lost.json" 2>"$T_DIR/lost.err" &
waiter=$!
storing() { [ "$(t_status state)" = storing ]; }
t_wait_for "the run to reach its store" 300 storing
resumed=$(t_status run.id)
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
   AND pid <> pg_backend_pid() AND application_name <> 'psql'" >/dev/null
t_wait_for "the reconnection" 60 connected
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%'
   AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" || true
rc=0
wait "$waiter" || rc=$?
[ "$rc" = 0 ] || fail "the interrupted store was not made again: exit $rc $(cat "$T_DIR/lost.err")"
[ "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/lost.json")" = "$resumed" ] ||
	fail "the waiter heard of another run"
[ "$(q "SELECT status FROM plan_run WHERE id = $resumed")" = succeeded ] || fail "run $resumed not stored"
[ "$(q "SELECT count(*) > 0 FROM plan_pair WHERE run_id = $resumed")" = t ] || fail "run $resumed has no pairs"
[ "$(q "SELECT count(*) FROM plan_snapshot WHERE run_id = $resumed")" = 1 ] || fail "run $resumed stored twice or not at all"
ok "connection lost during the store of run $resumed: stored again after reconnecting"
t_wait_for "idle" 60 t_idle

# 5. SIGTERM in the middle of a store: a lock held on plan_pair (SHARE:
# reads go on, writes wait) keeps the run in "storing"; status still
# answers at once; SIGTERM answers the waiter, rolls the store back and
# exits 0.
psql -X -q "$T_DSN" -c "BEGIN; LOCK TABLE plan_pair IN SHARE MODE; SELECT pg_sleep(120); COMMIT" \
	>/dev/null 2>&1 &
locker=$!
t_wait_for "the lock on plan_pair" 30 locked
"$PARKPLANCTL" replan --wait --timeout 300 >"$T_DIR/w.out" 2>"$T_DIR/w.err" &
waiter=$!
t_wait_for "the run to reach its store" 300 storing
stuck=$(t_status run.id)
[ "$(t_status run.phase)" = storing ] || fail "status in the middle of a run"
t_stop
rc=0
wait "$waiter" || rc=$?
[ "$rc" = 4 ] && grep -q "shutting down" "$T_DIR/w.err" ||
	fail "the waiting client was not told: exit $rc, $(cat "$T_DIR/w.err")"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%'
   AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" || true
# the store is cancelled and rolled back, and the run marked in its row before the exit
[ "$(q "SELECT status || ' ' || (error->>'message') FROM plan_run WHERE id = $stuck")" = \
  "failed interrupted: parkpland stopped" ] ||
	fail "run $stuck was not marked interrupted at SIGTERM: $(q "SELECT status, error FROM plan_run WHERE id = $stuck")"
[ "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $stuck") $(q "SELECT count(*) FROM plan_snapshot WHERE run_id = $stuck")" = "0 0" ] ||
	fail "rows of the interrupted store were kept"
grep -q "run $stuck: marked failed (interrupted: parkpland stopped)" "$T_LOG" ||
	fail "the mark is not logged"
ok "SIGTERM during the store of run $stuck: waiter answered, store rolled back, run marked interrupted, exit 0"

# 6. the next start leaves it so (a run left 'running' by a killed planner is
# closed then: test_daemon_killstore.sh)
t_start
closed() { [ "$(q "SELECT status || ' ' || (error->>'stage') FROM plan_run WHERE id = $stuck")" = "failed interrupted" ]; }
t_wait_for "run $stuck marked interrupted" 60 closed
ok "restart: run $stuck stays failed (interrupted)"

# 7. the log names rows by id only: no DSN, no enterprise/community/instructor names
if grep -qF "$T_DSN" "$T_LOG"; then
	fail "the DSN appears in the log"
fi
q "SELECT name FROM enterprise UNION ALL SELECT name FROM community
   UNION ALL SELECT name FROM instructor" >"$T_DIR/names.txt"
if grep -qFf "$T_DIR/names.txt" "$T_LOG"; then
	fail "a name appears in the log: $(grep -oFf "$T_DIR/names.txt" "$T_LOG" | head -1)"
fi
t_stop
ok "stopped; the log holds no DSN and no names"
