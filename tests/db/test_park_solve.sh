#!/usr/bin/env bash
# test_park_solve.sh - the park-scale proof: the sample park (5 000
# enterprises, 60 communities, 40 instructors, 4 zones, 4 periods) from a
# real PostgreSQL, snapshot, solved twice offline.
#
# Both parts must be proven optimal, the two runs must give the same plan,
# and the plan is checked against docs/model.md by tests/park_plan_check.py, an
# independent recomputation in Python (scores, P, shortfalls, seats by
# Hamilton, R, every constraint).  A third solve adds pins, forbids and a
# plan in force to the same snapshot (rules and previous are part of the
# snapshot format) and is checked the same way.
set -euo pipefail

: "${PARKPLANCTL:?PARKPLANCTL is not set}"
: "${PARKPLAN_TEST_DSN:?PARKPLAN_TEST_DSN is not set}"
: "${PARKPLAN_SOURCE_DIR:?PARKPLAN_SOURCE_DIR is not set}"
check=$PARKPLAN_SOURCE_DIR/tests/park_plan_check.py

PSQL=psql
command -v psql >/dev/null 2>&1 || PSQL=$(ls /usr/lib/postgresql/*/bin/psql | tail -n 1)

db="pp_park_solve_$$"
tmp=$(mktemp -d /tmp/parkplan-park.XXXXXX)
cleanup() {
	"$PSQL" -X -q -d "$PARKPLAN_TEST_DSN" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
	echo "FAIL - $*" >&2
	failures=$((failures + 1))
}
step() { echo "--- $*"; }

"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$PARKPLAN_TEST_DSN" -c "CREATE DATABASE $db" >/dev/null
dsn="$PARKPLAN_TEST_DSN dbname=$db"

step "migrate, sample --scale park --seed 1, snapshot"
"$PARKPLANCTL" migrate --dsn "$dsn" >/dev/null
"$PARKPLANCTL" sample --dsn "$dsn" --scale park --seed 1 >/dev/null
"$PARKPLANCTL" snapshot --dsn "$dsn" --output "$tmp/park.json"
python3 - "$tmp/park.json" <<'EOF' || fail "the snapshot is not the park scale"
import json, sys
s = json.load(open(sys.argv[1]))
n = {k: len(s[k]) for k in ("zones", "enterprises", "communities", "instructors", "periods")}
print("snapshot:", n)
assert n["enterprises"] == 5000 and n["zones"] == 4 and n["periods"] >= 1, n
EOF

# solve NAME SNAPSHOT: parkplanctl solve, its exit status must be 0
solve() {
	local rc=0
	"$PARKPLANCTL" solve --input "$2" --output "$tmp/$1.json" 2>"$tmp/$1.err" || rc=$?
	cat "$tmp/$1.err"
	[ "$rc" -eq 0 ] || fail "solve $1 exited $rc"
	[ -s "$tmp/$1.json" ] || { fail "solve $1 wrote no plan"; return 1; }
}

step "solve, twice"
solve plan1 "$tmp/park.json"
solve plan2 "$tmp/park.json"
step "plan 1 against docs/model.md, and the same as plan 2"
python3 "$check" "$tmp/park.json" "$tmp/plan1.json" "$tmp/plan2.json" ||
	fail "plan 1 / plan 2 against docs/model.md"

step "the same park with pins, forbids and a plan in force"
python3 - "$tmp/park.json" "$tmp/plan1.json" "$tmp/rules.json" <<'EOF' || fail "building the rules snapshot"
import json, math, sys
snap = json.load(open(sys.argv[1]))
plan = json.load(open(sys.argv[2]))
R = snap["settings"].get("pair_radius_m", 3000.0)

def dist(a, b):
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(h)))

ents = {e["id"]: e for e in snap["enterprises"]}
comms = {c["id"]: c for c in snap["communities"]}
pairs = sorted((p["enterprise_id"], p["community_id"]) for p in plan["pairing"]["pairs"])
partners = {}
for e, c in pairs:
    partners[c] = partners.get(c, 0) + 1
used = {e for e, _ in pairs}
rules, prev_pairs = [], []
# forbid three chosen pairs, keep every other remaining one as the plan in force
for e, c in pairs[:3]:
    rules.append({"kind": "forbid_pair", "enterprise_id": e, "community_id": c})
    partners[c] -= 1  # a slot the pins below may take
prev_pairs = [list(p) for p in pairs[3::2]]
# a pair of the plan in force beyond the radius: still a candidate
far = next((e["id"], c["id"]) for e in snap["enterprises"] for c in snap["communities"]
           if e.get("max_communities", 1) >= 1 and e["id"] not in used and dist(e, c) > R)
prev_pairs.append(list(far))
used.add(far[0])
# pin three new pairs within the radius, in communities with room
pins = 0
for c in sorted(comms):
    if pins == 3:
        break
    if partners.get(c, 0) + 1 > comms[c].get("max_partners", 3):
        continue
    for e in sorted(ents):
        if (ents[e].get("max_communities", 1) >= 1 and e not in used
                and dist(ents[e], comms[c]) <= R):
            rules.append({"kind": "pin_pair", "enterprise_id": e, "community_id": c})
            used.add(e)
            partners[c] = partners.get(c, 0) + 1
            pins += 1
            break
assert pins == 3, pins
# roster: a plan in force, two pins and two forbids
periods = sorted(snap["periods"], key=lambda p: p["start"])
first = periods[0]["id"]
zones = sorted(z["id"] for z in snap["zones"])
where = {(a["instructor_id"], a["period_id"]): a["zone_id"] for a in plan["roster"]["assignments"]}
insts = sorted(snap["instructors"], key=lambda i: i["id"])
always = [i["id"] for i in insts if not i.get("unavailable")]
prev_assign = []
for k, i in enumerate(always[:20]):
    z = where[(i, first)]
    # half as in plan 1, half one zone further on: the keep bonus must pull
    prev_assign.append([i, z if k % 2 == 0 else zones[(zones.index(z) + 1) % len(zones)]])
i1, i2, i3, i4 = always[20:24]
z1 = where[(i1, first)]
rules.append({"kind": "pin_zone", "instructor_id": i1,
              "zone_id": zones[(zones.index(z1) + 1) % len(zones)], "period_id": None})
rules.append({"kind": "pin_zone", "instructor_id": i2,
              "zone_id": zones[(zones.index(where[(i2, periods[1]["id"])]) + 2) % len(zones)],
              "period_id": periods[1]["id"]})
rules.append({"kind": "forbid_zone", "instructor_id": i3, "zone_id": where[(i3, first)],
              "period_id": None})
rules.append({"kind": "forbid_zone", "instructor_id": i4,
              "zone_id": where[(i4, periods[-1]["id"])], "period_id": periods[-1]["id"]})
snap["rules"] = rules
snap["previous"] = {"pairs": prev_pairs, "assignments": prev_assign}
json.dump(snap, open(sys.argv[3], "w"), ensure_ascii=False)
print(f"rules: {len(rules)}, previous pairs {len(prev_pairs)}, assignments {len(prev_assign)}")
EOF
solve plan3 "$tmp/rules.json"
python3 "$check" "$tmp/rules.json" "$tmp/plan3.json" || fail "plan 3 (rules) against docs/model.md"

step "the checker rejects tampered plans"
# tamper NAME PYTHON-STATEMENT: plan1 changed by the statement (on p) must fail
tamper() {
	python3 -c "import json, sys
p = json.load(open(sys.argv[1]))
$2
json.dump(p, open(sys.argv[2], 'w'))" "$tmp/plan1.json" "$tmp/bad.json"
	if python3 "$check" "$tmp/park.json" "$tmp/bad.json" >/dev/null 2>&1; then
		fail "the checker accepts a plan with $1"
	else
		echo "ok   - rejected: $1"
	fi
}
tamper "a score off by one" "p['pairing']['pairs'][0]['score'] += 1"
tamper "a pair dropped" "del p['pairing']['pairs'][5]"
tamper "P off by one" "p['pairing']['objective'] += 1"
tamper "an instructor moved" "a = p['roster']['assignments'][7]; a['zone_id'] = [z for z in (1, 2, 3, 4, 5) if z != a['zone_id']][0]"
tamper "an instructor missing" "del p['roster']['assignments'][3]"
tamper "a seat moved" "s = p['roster']['seats']; s[0]['seats_part_time'] += 1; s[1]['seats_part_time'] -= 1"
tamper "R off by one" "p['roster']['objective'] -= 1"
tamper "a weak bound" "p['roster']['bound'] = p['roster']['objective'] + 1"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
echo "all park-scale checks passed"
