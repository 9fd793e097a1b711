#!/usr/bin/env bash
# test_export_network.sh PARKPLANCTL LEMON_ALONE EXAMPLES DATA - the exports
# of parkplanctl solve, written in a worker child under the solve's limits:
#  - --export-network writes the pairing's network as a DIMACS min-cost
#    flow file that LEMON alone (bench/lemon_alone) solves to the plan's P;
#  - with max_changes the network is the same (the multiplier changes costs
#    only), and LEMON alone gives the pairing without the row, at least P;
#  - a memory limit the export cannot live in fails it with a clear error
#    and no file half written is taken for a result.
set -u
ctl=$1 lemon=$2 examples=$3 data=$4
tmp=$(mktemp -d /tmp/parkplan-export-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
checks=0 failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# The plan's P and LEMON's P on the exported network.
for snap in "$examples/model-example.json" "$examples/minimal.json" "$data/explain_park.json"; do
	name=$(basename "$snap" .json)
	checks=$((checks + 1))
	if ! "$ctl" solve --input "$snap" --output "$tmp/$name-plan.json" --quiet \
		--export-network "$tmp/$name.dimacs"; then
		# the roster may be infeasible on purpose: the plan is still written
		[ -s "$tmp/$name-plan.json" ] || { fail "$name: no plan"; continue; }
	fi
	[ -s "$tmp/$name.dimacs" ] || { fail "$name: no network written"; continue; }
	want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["pairing"]["objective"])' \
		"$tmp/$name-plan.json")
	for algo in ns cs; do
		checks=$((checks + 1))
		got=$("$lemon" "$tmp/$name.dimacs" "$algo" | awk '{print $NF}')
		[ "$got" = "$want" ] && echo "ok: $name, LEMON $algo alone: P = $got" ||
			fail "$name: LEMON $algo alone P = '$got', the plan's P = $want"
	done
done

# --export-only writes the files and no plan.
checks=$((checks + 1))
rm -f "$tmp/only.dimacs"
"$ctl" solve --input "$data/explain_park.json" --export-network "$tmp/only.dimacs" \
	--export-only >"$tmp/out" 2>"$tmp/err" && [ -s "$tmp/only.dimacs" ] && [ ! -s "$tmp/out" ] &&
	grep -q "wrote $tmp/only.dimacs" "$tmp/err" && echo "ok: --export-network with --export-only" ||
	fail "--export-network --export-only: $(cat "$tmp/err")"

# A limit the export cannot live in: exit 1 and a message that says so.  The
# snapshot has 2 000 enterprises and 400 communities all within reach of
# each other: 800 000 candidates, which 8 MiB cannot hold.
python3 - "$tmp/dense.json" <<'PY'
import json, sys
s = {"format": "parkplan-snapshot/1",
     "zones": [{"id": 1, "code": "A", "lat": 31.17, "lon": 121.40}],
     "enterprises": [{"id": i + 1, "zone_id": 1, "lat": 31.17 + 0.00001 * (i % 100),
                      "lon": 121.40 + 0.00001 * (i // 100)} for i in range(2000)],
     "communities": [{"id": c + 1, "lat": 31.171, "lon": 121.401 + 0.00001 * c}
                     for c in range(400)],
     "periods": [{"id": 1, "label": "P1", "start": "2027-01-01"}]}
json.dump(s, open(sys.argv[1], "w"))
PY
checks=$((checks + 1))
if "$ctl" solve --input "$tmp/dense.json" --export-lp "$tmp/tiny" --export-only \
	--memory-mib 8 >"$tmp/out" 2>"$tmp/err"; then
	# under valgrind or a sanitizer the limit is not enforced: nothing to see
	grep -q "not enforced" "$tmp/err" && echo "ok: memory limit not enforced here" ||
		fail "the export passed in 8 MiB"
else
	grep -qE "memory|export child" "$tmp/err" && echo "ok: the export in 8 MiB: $(head -1 "$tmp/err")" ||
		fail "the export in 8 MiB failed without saying why: $(cat "$tmp/err")"
fi

echo "test_export_network: $checks checks, $failed failed"
[ "$failed" = 0 ]
