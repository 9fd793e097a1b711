#!/usr/bin/env bash
# Socket activation as parkpland.socket does it, without systemd as PID 1:
# systemd-socket-activate listens on the socket and starts parkpland at
# the first connection, handing the listening socket over (LISTEN_FDS).
# The first `parkplanctl replan` starts the daemon and is answered; the
# daemon serves the socket it was given and creates none of its own.
# No PostgreSQL: the daemon runs "waiting for database".
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
: "${PARKPLAND:?}" "${PARKPLANCTL:?}"
need systemd-socket-activate python3
if [ "${PARKPLAN_HAVE_SYSTEMD:-ON}" != ON ]; then
	echo "SKIP: parkpland is built without libsystemd (no socket activation)" >&2
	exit 77
fi

sock_unit=$PARKPLAN_STAGE$(unitdir)/parkpland.socket
listen=$(unit_values "$sock_unit" ListenStream)
t=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

sock=$t/$(basename "$listen")
cat >"$t/parkpland.conf" <<CONF
[daemon]
# not this one: the socket comes from the activator
socket = $t/own.sock
CONF

PARKPLAN_DSN='host=127.0.0.1 port=1 dbname=parkplan connect_timeout=2' \
	systemd-socket-activate -E PARKPLAN_DSN -l "$sock" \
	"$PARKPLAND" -c "$t/parkpland.conf" </dev/null >"$t/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { fail "the activator did not listen on $sock"; finish; }

comm() {
	cat "/proc/$pid/comm" 2>/dev/null || echo gone
}
before=$(comm)
[ "$before" != parkpland ] && ok "nothing runs parkpland before the first connection ($before)" ||
	fail "parkpland started before any connection"

out=$(timeout 20 "$PARKPLANCTL" replan --socket "$sock" 2>&1) && rc=0 || rc=$?
[ $rc -eq 0 ] && ok "the first parkplanctl replan is answered: $out" ||
	{ fail "parkplanctl replan: exit $rc: $out"; cat "$t/log" >&2; }
[ "$(comm)" = parkpland ] && ok "it started parkpland" || fail "parkpland is not running ($(comm))"

status=$(timeout 20 "$PARKPLANCTL" status --json --socket "$sock" 2>&1) || true
pending=$(python3 -c 'import json, sys; print(json.load(sys.stdin).get("pending"))' <<<"$status" 2>/dev/null || echo "?")
[ "$pending" = True ] && ok "the started daemon holds the replan (pending)" ||
	fail "status after replan: pending=$pending: $status"
[ ! -e "$t/own.sock" ] && ok "parkpland served the socket it was given and made none" ||
	fail "parkpland created daemon.socket although systemd passed one"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ $rc -eq 0 ] && ok "SIGTERM stops it cleanly" || fail "parkpland exited with $rc on SIGTERM"
[ -S "$sock" ] && ok "the socket stays for the next activation (the daemon did not remove it)" ||
	fail "parkpland removed the socket it was given"

finish
