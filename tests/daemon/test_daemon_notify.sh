#!/usr/bin/env bash
# parkpland's triggers: a burst of 1 000 data changes (1 000 statements, so
# 1 000 NOTIFY parkplan_data) gives exactly one run, started after the
# burst ended; requests that arrive during a run coalesce into one
# follow-up run, and every waiter hears of the run that served it.
set -euo pipefail
T_NAME=notify
. "$(dirname "$0")/test_daemon_lib.sh"

t_create_db
t_migrate
t_sample
t_config "notify_quiet_s = 2" "notify_max_delay_s = 0"
t_start
[ "$(q "SELECT count(*) FROM plan_run")" = 0 ] || fail "runs before any trigger"

# --- the burst: 1 000 statements, each its own transaction and NOTIFY ---
for i in $(seq 1 1000); do
	echo "INSERT INTO party_organisation (name, kind, active) VALUES ('burst $i', 'branch', false);"
done >"$T_DIR/burst.sql"
psql -X -q -v ON_ERROR_STOP=1 "$T_DSN" -f "$T_DIR/burst.sql" >/dev/null
burst_end=$(q "SELECT clock_timestamp()")
[ "$(q "SELECT count(*) FROM party_organisation WHERE name LIKE 'burst %'")" = 1000 ] ||
	fail "the burst did not insert 1000 rows"

runs_done() { [ "$(q "SELECT count(*) FROM plan_run WHERE status <> 'running'")" -ge 1 ]; }
t_wait_for "a data_change run" 120 runs_done
t_wait_for "the daemon idle" 60 t_idle
# Give a wrongly debounced daemon time to start a second run: three quiet periods.
sleep 6
t_idle || fail "a second run started after the burst"
[ "$(q "SELECT count(*) FROM plan_run")" = 1 ] ||
	fail "$(q "SELECT count(*) FROM plan_run") runs for one burst, expected 1"
[ "$(q "SELECT trigger || ' ' || status FROM plan_run")" = "data_change succeeded" ] ||
	fail "the run: $(q "SELECT trigger || ' ' || status FROM plan_run")"
[ "$(q "SELECT created_at > '$burst_end'::timestamptz FROM plan_run")" = t ] ||
	fail "the run started before the burst ended"
[ "$(t_status data_change_waiting)" = false ] || fail "a data change still waiting"
ok "1000 NOTIFYs gave exactly one data_change run, after the burst"

# --- coalescing: 6 requests at once give the run in progress and one more ---
before=$(q "SELECT coalesce(max(id), 0) FROM plan_run")
python3 - "$T_SOCK" >"$T_DIR/coalesce.txt" <<'PY'
import json, socket, sys
conns = []
for i in range(6):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(300)
    s.connect(sys.argv[1])
    conns.append(s)
for s in conns:
    s.sendall(b'{"v":1,"cmd":"replan","args":{"wait":true}}\n')
for s in conns:
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    r = json.loads(buf)
    assert r["ok"], r
    print(r["data"]["run"])
PY
runs=$(q "SELECT count(*) FROM plan_run WHERE id > $before")
[ "$runs" = 2 ] || fail "6 simultaneous replans gave $runs runs, expected 2"
first=$(head -1 "$T_DIR/coalesce.txt")
[ "$(sort -u "$T_DIR/coalesce.txt" | wc -l)" = 2 ] || fail "waiters heard of $(sort -u "$T_DIR/coalesce.txt" | wc -l) runs"
[ "$(grep -c "^$first\$" "$T_DIR/coalesce.txt")" = 1 ] || fail "only the first request is served by the first run"
[ "$(q "SELECT count(*) FROM plan_run WHERE id > $before AND status = 'succeeded'")" = 2 ] ||
	fail "coalesced runs did not succeed"
ok "6 simultaneous replans: one run and one follow-up, each waiter answered"
t_stop

# --- the schedule: every second ---
t_config "schedule_interval_s = 1"
t_start
scheduled() { [ "$(q "SELECT count(*) FROM plan_run WHERE trigger = 'schedule' AND status = 'succeeded'")" -ge 2 ]; }
t_wait_for "two scheduled runs" 300 scheduled
t_stop
ok "schedule_interval_s: scheduled runs"
