#!/usr/bin/env bash
# parkplanctl export PLAN: a stored plan handed on as a workbook, CSV tables
# and the report page, asked of parkpland over its control socket.
#
# Two plans of the sample park, the first approved, then a data change
# (ten of its pairs forbidden):
# the second is exported.  The workbook read back with openpyxl and the CSV
# tables hold exactly the pairs and assignments parkpland's `show` gives
# for that plan; the page names plan 2 and every zone, and its "what
# changes" counts are those of `diff` against the plan in force.  A plan
# that does not exist, and a run without a stored plan, are refused.
set -euo pipefail
T_NAME=export
. "$(dirname "$0")/test_daemon_lib.sh"

PY=/usr/bin/python3
"$PY" -c 'import openpyxl' 2>/dev/null || { echo "skip: python3-openpyxl is not installed"; exit 77; }

t_create_db
t_migrate
t_sample
t_config "notify_quiet_s = 0.3"
t_start
"$PARKPLANCTL" replan --wait >/dev/null || fail "the first replan"
first=$(q "SELECT max(id) FROM plan_run WHERE status = 'succeeded'")
"$PARKPLANCTL" approve "$first" >/dev/null || fail "approve $first"
# A change that moves pairs: ten pairs of the plan in force are forbidden.
q "INSERT INTO rule (kind, enterprise_id, community_id)
   SELECT 'forbid_pair', enterprise_id, community_id FROM plan_pair
   WHERE run_id = $first ORDER BY enterprise_id, community_id LIMIT 10" >/dev/null
new_run() { [ "$(q "SELECT count(*) FROM plan_run WHERE status = 'succeeded'")" -ge 2 ]; }
t_wait_for "the run after the data change" 300 new_run
t_wait_for "idle" 60 t_idle
second=$(q "SELECT max(id) FROM plan_run WHERE status = 'succeeded'")

out=$T_DIR/out
mkdir "$out"
"$PARKPLANCTL" export "$second" --xlsx "$out/plan.xlsx" --csv "$out/csv" --html "$out/plan.html" ||
	fail "export $second"
"$PARKPLANCTL" show "$second" --json >"$out/show.json"
"$PARKPLANCTL" diff "$first" "$second" --json >"$out/diff.json"
q "SELECT name FROM zone WHERE active ORDER BY id" >"$out/zones.txt"

"$PY" - "$out" "$second" <<'EOF' || fail "the exported documents do not hold the plan"
import csv, json, sys
import openpyxl

out, plan_id = sys.argv[1], int(sys.argv[2])
shown = json.load(open(f"{out}/show.json"))
diff = json.load(open(f"{out}/diff.json"))
pairs = {(p["enterprise_id"], p["community_id"]) for p in shown["pairs"]}
assignments = {(a["instructor_id"], a["period"], a["zone"]) for a in shown["assignments"]}
assert pairs and assignments, "the plan is empty"

def column(header, *names):
    for n in names:
        for i, h in enumerate(header):
            if h is not None and n in str(h):
                return i
    raise AssertionError(f"no column {names} in {header}")

wb = openpyxl.load_workbook(f"{out}/plan.xlsx", read_only=True)
assert {"结对共建", "指导员派驻", "未覆盖居民区", "片区工作量"} <= set(wb.sheetnames), wb.sheetnames

rows = list(wb["结对共建"].iter_rows(values_only=True))
header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
ids = [i for i, h in enumerate(header) if h is not None and "编号" in str(h)]
assert len(ids) >= 2, f"the pairs sheet has no id columns: {header}"
got = {(int(r[ids[0]]), int(r[ids[1]])) for r in body}
assert got == pairs, f"workbook pairs: {len(got)}, plan: {len(pairs)}, differ by {len(got ^ pairs)}"

# instructors: one row each, a column per period holding the zone
rows = list(wb["指导员派驻"].iter_rows(values_only=True))
header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
iid = column(header, "编号")
periods = sorted({a[1] for a in assignments})
got = set()
for r in body:
    for p in periods:
        cell = r[column(header, p)]
        if cell not in (None, "", "不在岗"):  # 不在岗: not available that period
            got.add((int(r[iid]), p, str(cell).split()[0]))
want = {(i, p, z) for i, p, z in assignments}
assert got == want, f"workbook assignments differ by {len(got ^ want)}"

with open(f"{out}/csv/pairs.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
got = {(int(r[ids[0]]), int(r[ids[1]])) for r in rows[1:] if r}
assert got == pairs, "CSV pairs differ"

page = open(f"{out}/plan.html", encoding="utf-8").read()
assert f"第 {plan_id} 号计划" in page, "the page does not name the plan"
for zone in open(f"{out}/zones.txt", encoding="utf-8").read().split("\n"):
    assert not zone or zone in page, f"zone {zone} is not on the page"
added, removed = len(diff["pairs_added"]), len(diff["pairs_removed"])
assert added + removed > 0, "the data change moved no pair"
kept = diff["pairs_kept"]
said = f"新增结对 {added} 对</b>，<b>取消结对 {removed} 对</b>，保留 {kept} 对"
assert said in page, f"the page does not say what changes as diff does ({added}, {removed}, {kept})"
print(f"export of plan {plan_id}: {len(pairs)} pairs, {len(assignments)} assignments, "
      f"{added} pairs added and {removed} removed against plan {diff['a']}")
EOF
ok "the workbook, the CSV tables and the page hold plan $second"

rc=0
"$PARKPLANCTL" export 999999 --xlsx "$out/none.xlsx" 2>"$out/err" || rc=$?
[ "$rc" = 1 ] || fail "export of a missing plan: exit $rc, expected 1"
[ ! -e "$out/none.xlsx" ] || fail "a workbook was written for a missing plan"
rc=0
"$PARKPLANCTL" export "$second" 2>"$out/err" || rc=$?
[ "$rc" = 2 ] || fail "export without a document to write: exit $rc, expected 2"
ok "a missing plan and a missing --xlsx/--csv/--html are refused"
t_stop
