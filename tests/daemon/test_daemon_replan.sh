#!/usr/bin/env bash
# parkpland end to end: `parkplanctl replan --wait` makes the daemon load
# the sample park (asynchronously, one REPEATABLE READ transaction), solve
# it in a child process and store it; the stored pairs and assignments must
# equal those of `parkplanctl solve` on the snapshot that `parkplanctl
# snapshot --dsn` reads from the same data (an independent path: blocking
# loader, offline solve).  Then status/plans/show/approve/diff/snapshot
# over the socket, checked against the database, and a clean SIGTERM.
set -euo pipefail
T_NAME=replan
. "$(dirname "$0")/test_daemon_lib.sh"

t_create_db
t_migrate
t_sample
t_config
t_start

# the socket answers before the database is connected: wait for it (bounded)
connected() { [ "$(t_status database)" = connected ]; }
t_wait_for "the database connected" 30 connected
[ "$(t_status plan_in_force)" = "" ] || fail "a plan in force before any run"
ok "daemon up, connected, no plan"

# --- a run, end to end; a listener hears NOTIFY parkplan_plan ---
{
	echo "LISTEN parkplan_plan;"
	for _ in $(seq 1 6000); do
		[ -e "$T_DIR/listen.done" ] && break
		sleep 0.1
	done
	echo "SELECT 1;"
} | psql -X "$T_DSN" >"$T_DIR/listen.out" 2>&1 &
listener=$!
listening() { grep -q "^LISTEN" "$T_DIR/listen.out"; }
t_wait_for "the LISTEN" 30 listening
"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/replan.json" ||
	fail "replan --wait failed"
run=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/replan.json")
touch "$T_DIR/listen.done"
wait "$listener" || true
grep -q "notification \"parkplan_plan\" with payload \"$run\"" "$T_DIR/listen.out" ||
	fail "no NOTIFY parkplan_plan '$run': $(cat "$T_DIR/listen.out")"
[ "$(q "SELECT status FROM plan_run WHERE id = $run")" = succeeded ] || fail "run $run not succeeded"
[ "$(q "SELECT trigger || ' ' || requested_by FROM plan_run WHERE id = $run")" = "replan uid $(id -u)" ] ||
	fail "run $run: trigger/requested_by not recorded"
[ "$(q "SELECT count(*) FROM plan_run WHERE load_ms IS NOT NULL AND solve_ms IS NOT NULL
        AND store_ms IS NOT NULL AND finished_at IS NOT NULL AND id = $run")" = 1 ] ||
	fail "run $run: timings missing"
ok "replan --wait stored run $run; NOTIFY parkplan_plan '$run' heard"

# --- the same plan offline ---
"$PARKPLANCTL" snapshot --dsn "$T_DSN" --output "$T_DIR/snapshot.json"
"$PARKPLANCTL" solve --input "$T_DIR/snapshot.json" --output "$T_DIR/offline.json" --quiet \
	>/dev/null 2>&1 || fail "parkplanctl solve on the snapshot failed"
q "SELECT json_build_object(
     'pairs', (SELECT coalesce(json_agg(json_build_array(enterprise_id, community_id, score)), '[]')
               FROM plan_pair WHERE run_id = $run),
     'assignments', (SELECT coalesce(json_agg(json_build_array(instructor_id, zone_id, period_id)), '[]')
               FROM plan_assignment WHERE run_id = $run),
     'uncovered', (SELECT coalesce(json_agg(json_build_array(community_id, shortfall)), '[]')
               FROM plan_uncovered WHERE run_id = $run),
     'pairing_objective', (SELECT pairing_objective FROM plan_run WHERE id = $run),
     'roster_objective', (SELECT roster_objective FROM plan_run WHERE id = $run),
     'pairing_status', (SELECT pairing_status FROM plan_run WHERE id = $run),
     'snapshot', (SELECT snapshot FROM plan_snapshot WHERE run_id = $run))" >"$T_DIR/stored.json"
python3 - "$T_DIR/stored.json" "$T_DIR/offline.json" "$T_DIR/snapshot.json" <<'PY'
import json, sys
stored = json.load(open(sys.argv[1]))
offline = json.load(open(sys.argv[2]))
snap = json.load(open(sys.argv[3]))
sp = sorted(tuple(r) for r in stored["pairs"])
op = sorted((p["enterprise_id"], p["community_id"], p["score"]) for p in offline["pairing"]["pairs"])
assert len(sp) > 0, "no pairs stored"
assert sp == op, "pairs differ: %d stored, %d offline, %d in common" % (len(sp), len(op), len(set(sp) & set(op)))
sa = sorted(tuple(r) for r in stored["assignments"])
oa = sorted((a["instructor_id"], a["zone_id"], a["period_id"]) for a in offline["roster"]["assignments"])
assert len(sa) > 0, "no assignments stored"
assert sa == oa, "assignments differ: %d stored, %d offline" % (len(sa), len(oa))
su = sorted(tuple(r) for r in stored["uncovered"])
ou = sorted((u["community_id"], u["shortfall"]) for u in offline["pairing"]["uncovered"])
assert su == ou, "uncovered differ"
assert stored["pairing_objective"] == offline["pairing"]["objective"], "pairing objective"
assert stored["roster_objective"] == offline["roster"]["objective"], "roster objective"
assert stored["pairing_status"] == offline["pairing"]["status"], "pairing status"
# the daemon's stored snapshot is the snapshot the blocking loader reads
assert stored["snapshot"] == snap, "stored snapshot differs from parkplanctl snapshot --dsn"
# an independent look at the pairs: every pair is within a community's max_partners
comm = {c["id"]: c for c in snap["communities"]}
per = {}
for e, c, s in sp:
    per[c] = per.get(c, 0) + 1
for c, n in per.items():
    assert n <= comm[c].get("max_partners", 3), "community %d over max_partners" % c
print("stored plan == offline plan: %d pairs, %d assignments" % (len(sp), len(sa)))
PY
ok "stored plan equals parkplanctl solve on the same snapshot"

# --- the socket's views agree with the database ---
[ "$(t_status state)" = idle ] || fail "not idle after the run"
[ "$(t_status last_run.id)" = "$run" ] || fail "status: last_run is not $run"
"$PARKPLANCTL" plans --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d[0]['id'] == int(sys.argv[1]) and d[0]['status'] == 'succeeded', d[0]
assert d[0]['pairs'] == int(sys.argv[2]), d[0]
" "$run" "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run")" || fail "plans"
"$PARKPLANCTL" show "$run" --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert len(d['pairs']) == int(sys.argv[1]), len(d['pairs'])
assert len(d['assignments']) == int(sys.argv[2]), len(d['assignments'])
assert d['in_force'] is False
" "$(q "SELECT count(*) FROM plan_pair WHERE run_id = $run")" \
	"$(q "SELECT count(*) FROM plan_assignment WHERE run_id = $run")" || fail "show --json"
"$PARKPLANCTL" show "$run" >"$T_DIR/show.txt" || fail "show"
grep -q "^plan $run: succeeded, draft" "$T_DIR/show.txt" || fail "show: header"
ok "plans and show agree with the database"

# --- approval ---
[ "$(q "SELECT count(*) FROM plan_in_force")" = 0 ] || fail "a draft is in force"
"$PARKPLANCTL" approve "$run" >/dev/null || fail "approve"
[ "$(q "SELECT id FROM plan_in_force")" = "$run" ] || fail "plan_in_force is not $run"
[ "$(t_status plan_in_force)" = "$run" ] || fail "status does not show plan $run in force"
set +e
"$PARKPLANCTL" approve 999999 >/dev/null 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "approve of a missing plan: exit $rc, expected 1"
ok "approve"

# --- a second run keeps the pairs (continuity bonus); diff shows no change ---
"$PARKPLANCTL" replan --wait --json --timeout 600 >"$T_DIR/replan2.json" || fail "second replan"
run2=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run'])" "$T_DIR/replan2.json")
[ "$run2" -gt "$run" ] || fail "second run id"
"$PARKPLANCTL" diff "$run" "$run2" --json >"$T_DIR/diff.json" || fail "diff"
q "SELECT json_build_object(
    'added', (SELECT count(*) FROM (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run2
              EXCEPT SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run) x),
    'removed', (SELECT count(*) FROM (SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run
              EXCEPT SELECT enterprise_id, community_id FROM plan_pair WHERE run_id = $run2) x))" \
	>"$T_DIR/diff_db.json"
python3 - "$T_DIR/diff.json" "$T_DIR/diff_db.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); db = json.load(open(sys.argv[2]))
assert len(d["pairs_added"]) == db["added"], (len(d["pairs_added"]), db)
assert len(d["pairs_removed"]) == db["removed"], (len(d["pairs_removed"]), db)
PY
[ "$(q "SELECT id FROM plan_in_force")" = "$run" ] || fail "a draft replaced the plan in force"
ok "second run $run2 is a draft; diff agrees with the database; plan $run still in force"

# --- snapshot over the socket is the stored one ---
"$PARKPLANCTL" status --json >/dev/null
python3 - "$T_SOCK" "$run" "$T_DIR/snapshot.json" <<'PY'
import json, socket, sys
def call(cmd, args):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect(sys.argv[1])
    s.sendall((json.dumps({"v": 1, "cmd": cmd, "args": args}) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
    return json.loads(buf)
r = call("snapshot", {"plan": int(sys.argv[2])})
assert r["ok"] and r["v"] == 1, r
assert r["data"] == json.load(open(sys.argv[3])), "snapshot over the socket differs"
shown = call("show", {"plan": int(sys.argv[2])})["data"]
paired = sorted({p["enterprise_id"] for p in shown["pairs"]})
for eid in (paired[0], paired[-1], r["data"]["enterprises"][0]["id"]):
    x = call("explain", {"kind": "enterprise", "id": eid, "plan": int(sys.argv[2])})
    assert x["ok"], x
    x = x["data"]
    assert x["plan_id"] == int(sys.argv[2]), x["plan_id"]
    want = sorted((p["community_id"], p["score"]) for p in shown["pairs"] if p["enterprise_id"] == eid)
    got = sorted((p["community_id"], p["score"]) for p in x["plan"]["pairs"])
    assert got == want, (eid, got, want)
    assert x["plan"]["status"] == shown["run"]["pairing_status"], x["plan"]
r = call("nosuch", {})
assert not r["ok"] and r["code"] == "unknown_command", r
PY
ok "snapshot and explain over the socket"

t_stop
[ ! -e "$T_SOCK" ] || fail "the control socket was left behind"
ok "SIGTERM: exit 0, socket removed"
