#!/usr/bin/env bash
# `systemd-analyze security --offline=yes` on the installed
# parkpland.service: the overall exposure must be 1.5 or lower.
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
need systemd-analyze

limit=1.5
svc=$PARKPLAN_STAGE$(unitdir)/parkpland.service
[ -f "$svc" ] || { fail "parkpland.service is not installed"; finish; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cp "$svc" "$t/parkpland.service"

# exposure FILE: print the analysis; the figure goes to $t/figure.
exposure() {
	local out
	out=$(cd "$t" && systemd-analyze security --offline=yes --no-pager "$1" 2>&1) || true
	printf '%s\n' "$out" | grep -v '^✓' >&2
	printf '%s\n' "$out" |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p' |
		tail -n 1 >"$t/figure"
}

exposure parkpland.service
figure=$(cat "$t/figure")
if [ -z "$figure" ]; then
	fail "no \"Overall exposure level\" in the output of systemd-analyze security"
else
	echo "exposure of parkpland.service: $figure (limit $limit)"
	if awk -v x="$figure" -v l="$limit" 'BEGIN { exit !(x <= l) }'; then
		ok "exposure $figure <= $limit"
	else
		fail "exposure $figure > $limit"
	fi
fi

# The figure moves with the unit: without the hardening lines it is far
# higher (the parse above is not reading a constant).
grep -v -E '^(Protect|Private|Restrict|SystemCall|CapabilityBoundingSet|NoNewPrivileges|MemoryDeny|LockPersonality|UMask)' \
	"$t/parkpland.service" >"$t/soft.service"
exposure soft.service 2>/dev/null
soft=$(cat "$t/figure")
echo "exposure without the hardening lines: ${soft:-none}"
if [ -n "$soft" ] && awk -v x="$soft" -v l="$limit" 'BEGIN { exit !(x > l + 3) }'; then
	ok "the unhardened unit scores worse ($soft)"
else
	fail "the unhardened unit does not score worse (${soft:-none})"
fi

finish
