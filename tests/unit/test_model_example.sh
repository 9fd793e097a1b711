#!/usr/bin/env bash
# test_model_example.sh [EXAMPLES_DIR] - the worked example of docs/model.md
# (§6) solved by parkplanctl must give the optimum worked out by hand there.
#
# The expected numbers below are the document's hand computation, not the
# program's output: the scores and P of §6.2, the seats of §6.3 and the
# roster and R of §6.4.  The snapshot of §1.3 (docs/examples/minimal.json)
# must stay valid and solvable.
set -euo pipefail

: "${PARKPLANCTL:?PARKPLANCTL is not set}"
here=$(cd "$(dirname "$0")" && pwd)
examples=${1:-$here/../../docs/examples}
tmp=$(mktemp -d /tmp/parkplan-model.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
	echo "FAIL - $*" >&2
	failures=$((failures + 1))
}

rc=0
"$PARKPLANCTL" solve --input "$examples/model-example.json" --output "$tmp/plan.json" \
	--quiet || rc=$?
[ "$rc" -eq 0 ] || fail "solve of model-example.json exited $rc, wanted 0"

if [ -s "$tmp/plan.json" ]; then
	python3 - "$tmp/plan.json" <<'EOF' || fail "the plan differs from docs/model.md §6"
import json, sys

plan = json.load(open(sys.argv[1]))
pa, ro = plan["pairing"], plan["roster"]
bad = []

def want(what, got, expected):
    if got != expected:
        bad.append(f"{what}: got {got!r}, docs/model.md gives {expected!r}")

# §6.2: the pairing, P = 652 + 826 + 852 + 326 = 2656, nobody short.
want("pairing status", pa["status"], "optimal")
want("P", pa["objective"], 2656)
want("pairs", [(p["enterprise_id"], p["community_id"], p["score"]) for p in pa["pairs"]],
     [(1, 101, 652), (2, 101, 826), (3, 102, 852), (4, 102, 326)])
want("uncovered", pa["uncovered"], [])

# §6.4: the roster, R = 590 - 10 + 2*150 - 33 = 847.
want("roster status", ro["status"], "optimal")
want("R", ro["objective"], 847)
want("assignments",
     [(a["instructor_id"], a["zone_id"], a["period_id"]) for a in ro["assignments"]],
     [(1, 2, 1), (2, 1, 1), (3, 1, 1), (1, 2, 2), (2, 1, 2)])

# §6.3: seats by Hamilton (the part-time seat of period 1 goes to zone 1 on
# the tie), and §6.4: workload D = 6 in both zones, capacity placed.
want("seats",
     [(s["zone_id"], s["period_id"], s["seats_full_time"], s["seats_part_time"])
      for s in ro["seats"]],
     [(1, 1, 1, 1), (2, 1, 1, 0), (1, 2, 1, 0), (2, 2, 1, 0)])
want("coverage",
     [(c["zone_id"], c["period_id"], c["workload"], c["capacity"]) for c in ro["coverage"]],
     [(1, 1, 6, 170), (2, 1, 6, 100), (1, 2, 6, 120), (2, 2, 6, 100)])

for b in bad:
    print("  " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
	# The independent checker agrees with the plan.
	python3 "$here/../park_plan_check.py" "$examples/model-example.json" "$tmp/plan.json" \
		>"$tmp/check.out" 2>&1 || {
		fail "tests/park_plan_check.py rejects the plan"
		sed 's/^/  | /' "$tmp/check.out" >&2
	}
else
	fail "no plan written for model-example.json"
fi

rc=0
"$PARKPLANCTL" solve --input "$examples/minimal.json" --output "$tmp/minimal-plan.json" \
	--quiet || rc=$?
[ "$rc" -eq 0 ] || fail "solve of minimal.json exited $rc, wanted 0"

if [ "$failures" -gt 0 ]; then
	echo "$failures check(s) failed" >&2
	exit 1
fi
echo "docs/model.md worked example: P = 2656, R = 847, as computed by hand"
