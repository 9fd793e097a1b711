#!/usr/bin/env bash
# `systemd-analyze verify` on the installed units: no error and no warning
# (an unknown key is only a warning, so any output fails the test).
#
# The staged service names /usr/sbin/parkpland and /etc/parkplan, which are
# not on this machine; verify checks that ExecStart= is executable, so the
# units are verified as copies whose installation paths are re-rooted in
# the stage (what --root would do, were the stage a whole system).  The
# man pages of Documentation= are looked up in the stage too (MANPATH).
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
need systemd-analyze man

s=$PARKPLAN_STAGE
units=$(unitdir)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

for u in parkpland.service parkpland.socket; do
	[ -f "$s$units/$u" ] || { fail "$units/$u is not installed"; finish; }
	sed -e "s|=/usr/sbin/parkpland |=$s/usr/sbin/parkpland |" \
	    -e "s| /etc/parkplan/| $s/etc/parkplan/|" "$s$units/$u" >"$t/$u"
done
grep -q "^ExecStart=$s/usr/sbin/parkpland -c $s/etc/parkplan/parkplan.conf\$" "$t/parkpland.service" ||
	fail "ExecStart= is not /usr/sbin/parkpland -c /etc/parkplan/parkplan.conf"

verify() {
	local out rc=0
	out=$(cd "$t" && MANPATH="$s/usr/share/man" systemd-analyze verify "$@" 2>&1) || rc=$?
	printf '%s' "$out"
	return $rc
}

out=$(verify parkpland.socket parkpland.service) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify parkpland.socket parkpland.service: clean"
else
	fail "systemd-analyze verify (exit $rc):"
	echo "$out" >&2
fi

# The same check catches a bad unit: a misspelt key and a missing binary.
sed -e 's/^ProtectSystem=/ProtectSystm=/' "$t/parkpland.service" >"$t/bad-key.service"
out=$(verify bad-key.service) || true
[ -n "$out" ] && ok "a misspelt key is reported" || fail "verify says nothing of a misspelt key"
sed -e "s|$s/usr/sbin/parkpland|$s/usr/sbin/no-such-parkpland|" "$t/parkpland.service" >"$t/bad-exec.service"
if out=$(verify bad-exec.service) && [ -z "$out" ]; then
	fail "verify accepts a missing ExecStart= binary"
else
	ok "a missing ExecStart= binary is reported"
fi

finish
