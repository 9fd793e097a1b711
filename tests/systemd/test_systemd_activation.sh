#!/usr/bin/env bash
# Socket activation as parkpland.socket does it, without systemd as PID 1:
# systemd-socket-activate listens on the socket and starts parkpland at
# the first connection, handing the listening socket over (LISTEN_FDS).
# The first `parkplanctl status` starts the daemon and is answered, and a
# listener on NOTIFY_SOCKET (standing in for systemd) hears READY=1; a
# replan is then held; the daemon serves the socket it was given and
# creates none of its own.  No PostgreSQL: the daemon runs "waiting for
# database".
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
listener=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	[ -n "$listener" ] && kill "$listener" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

sock=$t/$(basename "$listen")
cat >"$t/parkpland.conf" <<CONF
[daemon]
# not this one: the socket comes from the activator
socket = $t/own.sock
CONF

# The service manager's side of sd_notify: a datagram socket whose
# messages are written to a file, one per line.
notify=$t/notify.sock
python3 - "$notify" "$t/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode(errors="replace").replace("\n", " ") + "\n")
PY
listener=$!
for _ in $(seq 100); do [ -S "$notify" ] && break; sleep 0.05; done
[ -S "$notify" ] || { fail "the notify listener did not start"; finish; }

NOTIFY_SOCKET=$notify PARKPLAN_DSN='host=127.0.0.1 port=1 dbname=parkplan connect_timeout=2' \
	systemd-socket-activate -E PARKPLAN_DSN -E NOTIFY_SOCKET -l "$sock" \
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

out=$(timeout 20 "$PARKPLANCTL" status --json --socket "$sock" 2>&1) && rc=0 || rc=$?
state=$(python3 -c 'import json, sys; print(json.load(sys.stdin).get("database"))' <<<"$out" 2>/dev/null || echo "?")
[ $rc -eq 0 ] && [ "$state" != "?" ] && ok "the first parkplanctl status is answered (database: $state)" ||
	{ fail "parkplanctl status: exit $rc: $out"; cat "$t/log" >&2; }
[ "$(comm)" = parkpland ] && ok "it started parkpland" || fail "parkpland is not running ($(comm))"
for _ in $(seq 100); do grep -q 'READY=1' "$t/notify.log" 2>/dev/null && break; sleep 0.05; done
grep -q 'READY=1' "$t/notify.log" 2>/dev/null && ok "the service manager heard READY=1" ||
	fail "no READY=1 on NOTIFY_SOCKET: $(cat "$t/notify.log" 2>/dev/null)"

out=$(timeout 20 "$PARKPLANCTL" replan --socket "$sock" 2>&1) && rc=0 || rc=$?
[ $rc -eq 0 ] && ok "parkplanctl replan is answered: $out" ||
	{ fail "parkplanctl replan: exit $rc: $out"; cat "$t/log" >&2; }

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
