#!/usr/bin/env bash
# test_import_daemon.sh - an import as parkpland sees it (docs/import.md):
#
#  - an import during a running solve does not disturb it: the run keeps
#    the snapshot it read (one REPEATABLE READ transaction) and stores a
#    plan of the data before the import; one data_change run follows and
#    plans with the imported data; no third run;
#  - an import that writes several tables in one transaction (new party
#    organisations and changed enterprises: several NOTIFYs at its commit)
#    gives exactly one run.
#
# The district sample with forty more periods (a solve of some seconds) so
# that the import lands inside the solve.
set -euo pipefail
T_NAME=import
. "$(dirname "$0")/../daemon/test_daemon_lib.sh"
PY=/usr/bin/python3

t_create_db
t_migrate
# a roster of seconds, so that the import surely lands inside the solve
# (the district's own solves in well under a second)
t_sample_long
t_config "notify_quiet_s = 1" "notify_max_delay_s = 0"
t_start

# the change: 30 communities that need one partner now need two
"$PARKPLANCTL" export-data communities --dsn "$T_DSN" --output "$T_DIR/communities.csv" 2>/dev/null
"$PY" - "$T_DIR/communities.csv" "$T_DIR/changed.csv" "$T_DIR/codes.txt" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
col = rows[0].index("最少结对企业数")
codes = []
for r in rows[1:]:
    if r[col] == "1" and len(codes) < 30:
        r[col] = "2"
        codes.append(r[0])
csv.writer(open(sys.argv[2], "w", encoding="utf-8-sig", newline=""), lineterminator="\r\n").writerows(rows)
open(sys.argv[3], "w").write("\n".join(codes))
PY

"$PARKPLANCTL" replan >/dev/null
solving() { [ "$(t_status state)" = solving ]; }
t_wait_for "run 1 solving" 120 solving
out=$("$PARKPLANCTL" import communities "$T_DIR/changed.csv" --dsn "$T_DSN" --json)
[ "$(echo "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["changed"])')" = 30 ] ||
	fail "the import: $out"
[ "$(t_status state)" = solving ] && [ "$(q "SELECT status FROM plan_run WHERE id = 1")" = running ] ||
	fail "the import did not land inside run 1's solve (state $(t_status state))"
ok "30 communities changed by an import while run 1 was solving"

two_done() { [ "$(q "SELECT count(*) FROM plan_run WHERE status <> 'running'")" -ge 2 ]; }
t_wait_for "run 1 and the run after the import" 300 two_done
t_wait_for "the daemon idle" 60 t_idle
sleep 4 # three quiet periods: a wrongly debounced daemon would start another
t_idle || fail "a third run started"
[ "$(q "SELECT string_agg(id || ' ' || trigger || ' ' || status, ', ' ORDER BY id) FROM plan_run")" = \
	"1 replan succeeded, 2 data_change succeeded" ] ||
	fail "runs: $(q "SELECT string_agg(id || ' ' || trigger || ' ' || status, ', ' ORDER BY id) FROM plan_run")"
for run in 1 2; do
	q "SELECT snapshot FROM plan_snapshot WHERE run_id = $run" >"$T_DIR/snapshot-$run.json"
done
"$PY" - "$T_DIR/codes.txt" "$T_DIR/snapshot-1.json" "$T_DIR/snapshot-2.json" <<'PY' || fail "the snapshots"
import json, sys
codes = set(open(sys.argv[1]).read().split())
for path, want in ((sys.argv[2], 1), (sys.argv[3], 2)):
    s = json.load(open(path))
    got = {c["min_partners"] for c in s["communities"] if c["code"] in codes}
    assert got == {want}, (path, got)
    assert len([c for c in s["communities"] if c["code"] in codes]) == 30
PY
ok "run 1 kept the snapshot it read (min_partners 1); the one run after the import planned with 2"

# several tables in one import: new organisations and the enterprises in them
"$PARKPLANCTL" export-data enterprises --dsn "$T_DSN" --output "$T_DIR/enterprises.csv" 2>/dev/null
"$PY" - "$T_DIR/enterprises.csv" "$T_DIR/orgs.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
h = rows[0]
kind, name, members = h.index("党组织类型"), h.index("党组织名称"), h.index("党员人数")
n = 0
for r in rows[1:]:
    if r[kind] == "无" and n < 12:
        r[kind], r[name], r[members] = "联合党支部", "测试第%d联合党支部" % (n // 4 + 1), "3"
        n += 1
csv.writer(open(sys.argv[2], "w", encoding="utf-8-sig", newline=""), lineterminator="\r\n").writerows(rows)
PY
before=$(q "SELECT count(*) FROM party_organisation")
out=$("$PARKPLANCTL" import enterprises "$T_DIR/orgs.csv" --dsn "$T_DSN" --json)
[ "$(echo "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["changed"])')" = 12 ] ||
	fail "the enterprises import: $out"
[ "$(q "SELECT count(*) FROM party_organisation")" = $((before + 3)) ] || fail "3 new joint branches"
three_done() { [ "$(q "SELECT count(*) FROM plan_run WHERE status <> 'running'")" -ge 3 ]; }
t_wait_for "the run after the second import" 300 three_done
t_wait_for "the daemon idle" 60 t_idle
sleep 4
t_idle || fail "a fourth run started"
[ "$(q "SELECT count(*) FROM plan_run")" = 3 ] && [ "$(q "SELECT trigger FROM plan_run WHERE id = 3")" = data_change ] ||
	fail "runs after an import of two tables: $(q "SELECT count(*) FROM plan_run")"
ok "an import writing two tables (3 organisations, 12 enterprises) gave exactly one run"

# show: the keys beside the names
"$PARKPLANCTL" show 3 --json >"$T_DIR/show.json"
"$PY" - "$T_DIR/show.json" <<'PY' || fail "show --json without the keys"
import json, sys
d = json.load(open(sys.argv[1]))
assert all(len(p["enterprise_code"]) == 18 and p["community_code"] for p in d["pairs"])
assert all(a["instructor_code"].startswith("DJ") for a in d["assignments"])
PY
shown=$("$PARKPLANCTL" show 3)
grep -q "credit code" <<<"$shown" || fail "show: no credit code column"
ok "show: credit codes, community codes and staff numbers beside the names"
t_stop
