#!/usr/bin/env bash
# parkplanctl snapshot: a small hand-written data set (inactive rows, a joint
# branch over three enterprises, an inactive organisation, an approved plan
# in force beside an older approved one and a newer draft) is read into
# snapshot JSON, and the JSON is checked field by field with python3
# against the values written here, not against parkplan's own output.
set -euo pipefail
. "$(dirname "$0")/test_db_lib.sh"

db_create snapshot
work=$(mktemp -d)
trap 'rm -rf "$work"; db_drop' EXIT

# Usage errors: exit 2.
for args in "--bogus" "extra-argument" "--output"; do
	rc=0
	"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" $args >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "snapshot $args: exit $rc, expected 2"
	pass
done
rc=0
"$PARKPLANCTL" snapshot --help | grep -q "usage: parkplanctl snapshot" || rc=$?
[ "$rc" = 0 ] || fail "snapshot --help"
pass

# Before the schema exists: refused with a hint.
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || fail "snapshot of an empty database: exit $rc, expected 1"
grep -q "run parkplanctl migrate" "$work/err" || fail "empty database: $(cat "$work/err")"
pass

"$PARKPLANCTL" migrate --dsn "$TEST_DSN" >/dev/null

psql_test <<'SQL'
INSERT INTO zone (id, code, name, lat, lon, min_fulltime, active) VALUES
  (1, 'A', '漕河泾 A 片区', 31.1688, 121.3972, 1, true),
  (2, 'B', 'Zone B', 31.175, 121.405, 2, true),
  (3, 'C', 'Zone C (closed)', 31.18, 121.41, 1, false);

INSERT INTO party_organisation (id, name, kind, active) VALUES
  (1, 'Committee of E10', 'committee', true),
  (2, 'Joint branch of E11-E13', 'joint_branch', true),
  (3, 'Dissolved branch', 'branch', false),
  (4, 'General branch of E16', 'general_branch', true);

INSERT INTO enterprise (id, name, zone_id, industry, party_org_id, party_members, employees,
                        lat, lon, offers, max_communities, joined_on, active) VALUES
  (10, 'E10 集成电路', 1, '集成电路', 1, 40, 1200, 31.1681, 121.3969,
       ARRAY['法律服务', '托育', '法律服务'], 2, '2026-03-01', true),
  (11, 'E11', 2, 'software', 2, 2, 30, 31.1752, 121.4051, '{}', 1, NULL, true),
  (12, 'E12', 2, 'software', 2, 1, 25, 31.1753, 121.4052, ARRAY['volunteers'], 1, '1999-12-31', true),
  (13, 'E13', 2, 'biotech', 2, 0, 12, 31.1754, 121.4053, '{}', 0, NULL, true),
  (14, 'E14', 1, 'biotech', 3, 5, 80, 31.1690, 121.3980, '{}', 1, NULL, true),
  (15, 'E15', 1, 'logistics', NULL, 0, 7, 31.1691, 121.3981, ARRAY['托育'], 1, NULL, true),
  (16, 'E16 (left the park)', 1, 'logistics', 4, 9, 90, 31.1692, 121.3982, '{}', 1, NULL, false);
-- The keys of schema version 3: a credit code, an estimated position.
UPDATE enterprise SET credit_code = '91350100M000100Y43', approximate = true WHERE id = 10;
UPDATE enterprise SET credit_code = '91110108551385082Q' WHERE id = 16;

INSERT INTO community (id, name, lat, lon, needs, min_partners, max_partners, active) VALUES
  (20, '居民区 20', 31.1650, 121.3900, ARRAY['托育', '法律服务'], 1, 2, true),
  (21, 'C21', 31.1700, 121.4000, DEFAULT, DEFAULT, DEFAULT, true),
  (22, 'C22 (merged)', 31.1710, 121.4010, '{}', 1, 3, false);
UPDATE community SET code = '310104003001' WHERE id = 20;

INSERT INTO instructor (id, name, full_time, capacity, skills, home_lat, home_lon, active) VALUES
  (30, 'I30', true, NULL, ARRAY['集成电路', 'software', '集成电路'], 31.20, 121.45, true),
  (31, 'I31', false, NULL, '{}', 31.21, 121.46, true),
  (32, 'I32', true, 80, ARRAY['biotech'], 31.22, 121.47, true),
  (33, 'I33 (retired)', true, NULL, '{}', 31.23, 121.48, false);
UPDATE instructor SET code = 'DJ00030', approximate = true WHERE id = 30;
UPDATE instructor SET code = 'DJ00031' WHERE id = 31;

-- Ids not in date order: the snapshot orders periods by start.
INSERT INTO period (id, label, start, active) VALUES
  (39, '2027Q4', '2027-10-01', true),
  (40, '2027Q1', '2027-01-01', true),
  (41, '2027Q2', '2027-04-01', true),
  (42, '2026Q4', '2026-10-01', false),
  (43, '2027Q3', '2027-07-01', true);

INSERT INTO instructor_unavailable (instructor_id, period_id) VALUES
  (31, 41), (31, 42), (30, 40), (30, 39), (33, 40);

INSERT INTO rule (id, kind, enterprise_id, community_id, instructor_id, zone_id, period_id, active) VALUES
  (1, 'pin_pair', 10, 20, NULL, NULL, NULL, true),
  (2, 'forbid_pair', 11, 21, NULL, NULL, NULL, true),
  (3, 'pin_pair', 16, 20, NULL, NULL, NULL, true),     -- inactive enterprise
  (4, 'forbid_pair', 10, 22, NULL, NULL, NULL, true),  -- inactive community
  (5, 'pin_zone', NULL, NULL, 30, 1, NULL, true),
  (6, 'forbid_zone', NULL, NULL, 31, 2, 41, true),
  (7, 'forbid_zone', NULL, NULL, 32, 3, NULL, true),   -- inactive zone
  (8, 'pin_zone', NULL, NULL, 32, 1, 42, true),        -- inactive period
  (9, 'pin_zone', NULL, NULL, 33, 1, NULL, true),      -- inactive instructor
  (10, 'pin_pair', 12, 21, NULL, NULL, NULL, false);   -- inactive rule

INSERT INTO setting (key, value) VALUES
  ('pair_radius_m', '2500'),
  ('org_weight', '{"branch": 4, "none": 2}'),
  ('max_changes', '3'),
  ('diverse_industries', 'true'),
  ('w_skill', '150.5');

-- Plans: an older approved one, the plan in force, a newer draft, a failure.
INSERT INTO plan_run (id, trigger, status, approved_at) VALUES
  (100, 'replan', 'succeeded', '2026-01-01 09:00+08'),
  (101, 'replan', 'succeeded', '2026-06-01 09:00+08'),
  (102, 'data_change', 'succeeded', NULL),
  (103, 'schedule', 'failed', NULL);

INSERT INTO plan_pair (run_id, enterprise_id, community_id, score) VALUES
  (100, 13, 20, 500),
  (101, 10, 20, 900), (101, 11, 21, 400),
  (101, 16, 20, 300),   -- enterprise no longer active
  (101, 12, 22, 300),   -- community no longer active
  (102, 14, 21, 100);

INSERT INTO plan_assignment (run_id, instructor_id, zone_id, period_id) VALUES
  -- I30: assigned in the new first period (40): that zone.
  (101, 30, 2, 42), (101, 30, 1, 40), (101, 30, 2, 41),
  -- I31: not assigned in 40: its zone in the latest period assigned (41).
  (101, 31, 1, 42), (101, 31, 2, 41),
  -- I32: its zone in period 40 is closed: no previous assignment.
  (101, 32, 3, 40), (101, 32, 1, 41),
  -- I33 is retired.
  (101, 33, 1, 40),
  (100, 32, 2, 40),
  (102, 30, 2, 40), (102, 32, 2, 40);
SQL

rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/stdout.json" 2>"$work/err" || rc=$?
[ "$rc" = 0 ] || fail "snapshot: exit $rc: $(cat "$work/err")"
pass
rc=0
PARKPLAN_DSN="$TEST_DSN" "$PARKPLANCTL" snapshot --output "$work/file.json" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 0 ] || fail "snapshot --output: exit $rc: $(cat "$work/err")"
[ ! -s "$work/out" ] || fail "snapshot --output also wrote to stdout"
pass

python3 - "$work/stdout.json" "$work/file.json" <<'PY'
import json, sys

docs = [json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3]]
doc = docs[0]
failures = []

def check(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")

check("stdout and --output", docs[0], docs[1])
check("format", doc.get("format"), "parkplan-snapshot/1")

check("settings", doc.get("settings"), {
    "pair_radius_m": 2500, "w_need": 600, "w_distance": 400, "w_keep_pair": 300,
    "w_uncovered": 10000, "diverse_industries": True, "max_changes": 3,
    "org_weight": {"committee": 8, "general_branch": 5, "branch": 4, "joint_branch": 2,
                   "none_with_members": 2, "none": 2},
    "new_bonus": 1, "new_days": 365, "w_balance": 10000, "w_skill": 150.5,
    "w_keep_zone": 300, "w_stay": 150, "w_commute": 100, "commute_scale_m": 10000,
    "time_limit_s": 30, "mip_gap": 0})

check("zones", doc.get("zones"), [
    {"id": 1, "code": "A", "name": "漕河泾 A 片区", "lat": 31.1688, "lon": 121.3972, "min_fulltime": 1},
    {"id": 2, "code": "B", "name": "Zone B", "lat": 31.175, "lon": 121.405, "min_fulltime": 2}])

def ent(id, name, zone, industry, org, members, employees, lat, lon, offers, maxc, joined,
        code=None, approximate=False):
    return {"id": id, "name": name, "zone_id": zone, "industry": industry, "party_org": org,
            "party_members": members, "employees": employees, "lat": lat, "lon": lon,
            "offers": offers, "max_communities": maxc, "joined_on": joined,
            "credit_code": code, "approximate": approximate}

check("enterprises", doc.get("enterprises"), [
    ent(10, "E10 集成电路", 1, "集成电路", "committee", 40, 1200, 31.1681, 121.3969,
        sorted(["法律服务", "托育"]), 2, "2026-03-01", "91350100M000100Y43", True),
    ent(11, "E11", 2, "software", "joint_branch", 2, 30, 31.1752, 121.4051, [], 1, None),
    ent(12, "E12", 2, "software", "joint_branch", 1, 25, 31.1753, 121.4052, ["volunteers"], 1,
        "1999-12-31"),
    ent(13, "E13", 2, "biotech", "joint_branch", 0, 12, 31.1754, 121.4053, [], 0, None),
    ent(14, "E14", 1, "biotech", "none", 5, 80, 31.1690, 121.3980, [], 1, None),
    ent(15, "E15", 1, "logistics", "none", 0, 7, 31.1691, 121.3981, ["托育"], 1, None)])

check("communities", doc.get("communities"), [
    {"id": 20, "name": "居民区 20", "lat": 31.1650, "lon": 121.3900,
     "needs": sorted(["托育", "法律服务"]), "min_partners": 1, "max_partners": 2,
     "code": "310104003001", "approximate": False},
    {"id": 21, "name": "C21", "lat": 31.17, "lon": 121.40, "needs": [],
     "min_partners": 1, "max_partners": 3, "code": None, "approximate": False}])

check("instructors", doc.get("instructors"), [
    {"id": 30, "name": "I30", "full_time": True, "capacity": 100,
     "skills": sorted(["集成电路", "software"]), "home_lat": 31.20, "home_lon": 121.45,
     "unavailable": [39, 40], "code": "DJ00030", "approximate": True},
    {"id": 31, "name": "I31", "full_time": False, "capacity": 50, "skills": [],
     "home_lat": 31.21, "home_lon": 121.46, "unavailable": [41], "code": "DJ00031",
     "approximate": False},
    {"id": 32, "name": "I32", "full_time": True, "capacity": 80, "skills": ["biotech"],
     "home_lat": 31.22, "home_lon": 121.47, "unavailable": [], "code": None,
     "approximate": False}])

check("periods", doc.get("periods"), [
    {"id": 40, "label": "2027Q1", "start": "2027-01-01"},
    {"id": 41, "label": "2027Q2", "start": "2027-04-01"},
    {"id": 43, "label": "2027Q3", "start": "2027-07-01"},
    {"id": 39, "label": "2027Q4", "start": "2027-10-01"}])

check("rules", doc.get("rules"), [
    {"kind": "pin_pair", "enterprise_id": 10, "community_id": 20},
    {"kind": "forbid_pair", "enterprise_id": 11, "community_id": 21},
    {"kind": "pin_zone", "instructor_id": 30, "zone_id": 1, "period_id": None},
    {"kind": "forbid_zone", "instructor_id": 31, "zone_id": 2, "period_id": 41}])

check("previous", doc.get("previous"), {
    "pairs": [[10, 20], [11, 21]],
    "assignments": [[30, 1], [31, 2]]})

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("snapshot JSON: 12 sections as expected")
PY
pass

# After approving the draft (102), it is the plan in force.
psql_test -c "UPDATE plan_run SET approved_at = '2026-07-01 09:00+08' WHERE id = 102"
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/after.json"
python3 - "$work/after.json" <<'PY' || fail "previous after approving plan 102"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
want = {"pairs": [[14, 21]], "assignments": [[30, 2], [32, 2]]}
if doc["previous"] != want:
    sys.exit(f"previous: got {doc['previous']!r}, want {want!r}")
PY
pass

# Without any approved plan there is no previous plan.
psql_test -c "UPDATE plan_run SET approved_at = NULL"
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/none.json"
python3 - "$work/none.json" <<'PY' || fail "previous without an approved plan"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
if doc["previous"] != {"pairs": [], "assignments": []}:
    sys.exit(f"previous: got {doc['previous']!r}")
PY
pass

# A setting of the wrong type is bad input: exit 3, naming the setting.
psql_test -c "UPDATE setting SET value = '2.5' WHERE key = 'max_changes'"
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 3 ] || fail "bad setting: exit $rc, expected 3"
grep -q "setting max_changes: expected null or an integer" "$work/err" || fail "bad setting: $(cat "$work/err")"
pass
psql_test -c "UPDATE setting SET value = '{\"branch\": 4, \"cell\": 1}' WHERE key = 'org_weight';
	DELETE FROM setting WHERE key = 'max_changes'"
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 3 ] || fail "unknown org_weight class: exit $rc, expected 3"
grep -q "org_weight: unknown class 'cell'" "$work/err" || fail "unknown class: $(cat "$work/err")"
pass

# Every bad setting at once, in planners' words, not the first one only.
psql_test -c "DELETE FROM setting WHERE key = 'org_weight';
	INSERT INTO setting (key, value) VALUES ('time_limit_s', '1e300'), ('max_changes', '-7')
	ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 3 ] || fail "two bad settings: exit $rc, expected 3"
grep -q "2 problems in the settings" "$work/err" || fail "two bad settings: $(cat "$work/err")"
grep -q "setting time_limit_s: 1e300 is not a number of seconds parkplan can use (more than 0, at most 86400)" \
	"$work/err" || fail "time_limit_s 1e300: $(cat "$work/err")"
grep -q "setting max_changes: -7 is not a number of changes" "$work/err" || fail "max_changes -7: $(cat "$work/err")"
pass

# A code longer than SNAPSHOT_MAX_TEXT (1024 bytes) is refused by the loader.
psql_test -c "DELETE FROM setting WHERE key IN ('time_limit_s', 'max_changes');
	UPDATE enterprise SET offers = ARRAY[repeat('x', 1025)] WHERE id = 12"
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 3 ] || fail "long code: exit $rc, expected 3"
grep -q "enterprise 12: offers: code of 1025 bytes" "$work/err" || fail "long code: $(cat "$work/err")"
pass

# An unwritable output file: exit 1, nothing half-done on stdout.
psql_test -c "UPDATE enterprise SET offers = '{}' WHERE id = 12"
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" --output /nonexistent/dir/s.json >"$work/out" 2>"$work/err" || rc=$?
[ "$rc" = 1 ] || fail "unwritable output: exit $rc, expected 1"
pass

echo "test_db_snapshot: $checks checks passed"
