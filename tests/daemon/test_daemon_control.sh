#!/usr/bin/env bash
# The control socket's rules (docs/protocol.md): SO_PEERCRED against the
# configured groups, privileged approve/reload, the request size limit, the
# client limit, the idle timeout, the protocol version; and configuration
# handling: no DSN on the command line, a bad reload (socket or SIGHUP)
# keeps the old configuration and says why.
set -euo pipefail
T_NAME=control
. "$(dirname "$0")/test_daemon_lib.sh"

t_create_db
t_migrate
t_config "[daemon]" "socket_mode = 0666" "max_clients = 4" "idle_timeout_s = 1" \
	"max_request_bytes = 1024"

# --- the command line ---
set +e
"$PARKPLAND" -c "$T_CONF" -o "database.dsn=host=/nonexistent" -t >"$T_DIR/o.out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "a DSN on the command line was accepted"
grep -q "cannot be given on the command line" "$T_DIR/o.out" || fail "no reason given: $(cat "$T_DIR/o.out")"
"$PARKPLAND" -c "$T_CONF" -t >/dev/null || fail "-t on a good configuration"
printf '[daemon]\nno_such_key = 1\n' >"$T_DIR/bad.conf"
set +e
"$PARKPLAND" -c "$T_DIR/bad.conf" -t >"$T_DIR/bad.out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] && grep -q "line 2: unknown setting \[daemon\] no_such_key" "$T_DIR/bad.out" ||
	fail "a bad configuration: exit $rc, $(cat "$T_DIR/bad.out")"
ok "command line: no DSN, -t checks, bad file named with its line"

t_start
[ "$(stat -c %a "$T_SOCK")" = 666 ] || fail "socket mode $(stat -c %a "$T_SOCK")"

# --- who may talk: nobody (primary group nogroup); needs root for runuser ---
if [ "$(id -u)" = 0 ]; then
cp "$PARKPLANCTL" "$T_DIR/parkplanctl"
chmod 0755 "$T_DIR/parkplanctl"
as_nobody() { runuser -u nobody -- env PARKPLAN_SOCKET="$T_SOCK" "$T_DIR/parkplanctl" "$@"; }
nogroup=$(id -gn nobody)
set +e
as_nobody status >/dev/null 2>"$T_DIR/n1.err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "not allowed" "$T_DIR/n1.err" || fail "nobody was not denied: exit $rc $(cat "$T_DIR/n1.err")"
grep -q "uid $(id -u nobody) .*is not allowed" "$T_LOG" || fail "the refusal is not logged"

sed -i "s/^socket_mode = 0666/socket_mode = 0666\nsocket_group = $nogroup/" "$T_CONF"
"$PARKPLANCTL" reload >/dev/null || fail "reload by root"
as_nobody status >/dev/null || fail "nobody in socket_group cannot ask status"
set +e
as_nobody approve 1 >/dev/null 2>"$T_DIR/n2.err"
rc=$?
as_nobody reload >/dev/null 2>>"$T_DIR/n2.err"
rc2=$?
set -e
[ "$rc" = 1 ] && [ "$rc2" = 1 ] && [ "$(grep -c "needs daemon.admin_group" "$T_DIR/n2.err")" = 2 ] ||
	fail "approve/reload not refused to a plain member: $rc $rc2 $(cat "$T_DIR/n2.err")"
sed -i "s/^socket_group = $nogroup/socket_group = $nogroup\nadmin_group = $nogroup/" "$T_CONF"
"$PARKPLANCTL" reload >/dev/null || fail "reload by root"
set +e
as_nobody approve 999 >/dev/null 2>"$T_DIR/n3.err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "no such plan" "$T_DIR/n3.err" ||
	fail "an admin_group member could not approve: $rc $(cat "$T_DIR/n3.err")"
ok "SO_PEERCRED: denied, then socket_group, then admin_group (each after a reload)"

# --- not dumpable: a parkpland run by nobody has its /proc files owned by
# root (no core, no ptrace or /proc/PID/mem by its own user: the DSN's
# password stays in); a dumpable process of nobody's, sleep, keeps its own,
# so the check can tell them apart.  The database is unreachable on purpose:
# the daemon waits for it and answers meanwhile.
nd=$T_DIR/nobody
mkdir "$nd"
chown nobody "$nd"
printf '[daemon]\nsocket = %s/s.sock\n[database]\ndsn = host=%s/nopg dbname=x\n[planner]\nstartup_run = false\n' \
	"$nd" "$nd" >"$nd/p.conf"
chown nobody "$nd/p.conf"
chmod 0600 "$nd/p.conf"
cp "$PARKPLAND" "$nd/parkpland"
chmod 0755 "$nd/parkpland"
# (setpriv itself in the background, not a function: $! is then the process)
setpriv --reuid=nobody --regid="$nogroup" --clear-groups "$nd/parkpland" -c "$nd/p.conf" \
	>"$nd/log" 2>&1 &
np=$!
setpriv --reuid=nobody --regid="$nogroup" --clear-groups sleep 60 &
sp=$!
trap 'st=$?; kill -KILL "$np" "$sp" 2>/dev/null; (exit $st); t_cleanup' EXIT
t_wait_for "nobody's parkpland to open its socket" 30 test -S "$nd/s.sock"
d_owner=$(stat -c %u "/proc/$np/environ")
s_owner=$(stat -c %u "/proc/$sp/environ")
d_uid=$(awk '/^Uid:/ {print $2}' "/proc/$np/status")
kill "$np" "$sp" 2>/dev/null || true
wait "$np" "$sp" 2>/dev/null || true
trap t_cleanup EXIT
[ "$d_uid" = "$(id -u nobody)" ] || fail "nobody's parkpland runs as uid $d_uid"
[ "$d_owner" = 0 ] || fail "parkpland is dumpable: its /proc/PID/environ is uid $d_owner's"
[ "$s_owner" = "$(id -u nobody)" ] || fail "the dumpable control: environ of uid $s_owner"
ok "not dumpable: nobody's parkpland has /proc/PID/environ owned by root (a dumpable sleep: by nobody)"
else
	echo "skip: SO_PEERCRED checks need root (runuser -u nobody)"
fi

# --- a bad reload keeps the old configuration ---
cp "$T_CONF" "$T_DIR/good.conf"
echo "max_clients = many" >>"$T_CONF"
set +e
"$PARKPLANCTL" reload >/dev/null 2>"$T_DIR/r.err"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "kept the old configuration: .*max_clients" "$T_DIR/r.err" ||
	fail "bad reload: exit $rc $(cat "$T_DIR/r.err")"
[ "$(id -u)" != 0 ] || as_nobody status >/dev/null || fail "the old configuration (socket_group) was not kept"
kill -HUP "$DAEMON_PID"
hup_logged() { [ "$(grep -c '^<3>reload: keeping the old configuration' "$T_LOG")" -ge 2 ]; }
t_wait_for "the SIGHUP refusal in the log" 30 hup_logged
kill -0 "$DAEMON_PID" || fail "parkpland died of a bad SIGHUP reload"
[ "$(id -u)" != 0 ] || as_nobody status >/dev/null || fail "after SIGHUP the old configuration was not kept"
cp "$T_DIR/good.conf" "$T_CONF"
ok "bad reload (socket and SIGHUP) keeps the old configuration and says why"

# --- protocol limits ---
python3 - "$T_SOCK" <<'PY'
import json, socket, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(path)
    return s
pending = {}
def read_reply(s):
    buf = pending.get(s, b"")
    while b"\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    line, _, rest = buf.partition(b"\n")
    pending[s] = rest
    return json.loads(line) if line else None

# version
s = conn(); s.sendall(b'{"v":2,"cmd":"status"}\n'); r = read_reply(s)
assert r["ok"] is False and r["code"] == "version", r
# not JSON, then a good request on the same connection
s.sendall(b'hello\n'); r = read_reply(s)
assert r["code"] == "bad_request", r
s.sendall(b'{"v":1,"cmd":"status"}\n'); r = read_reply(s)
assert r["ok"] is True, r
s.close()
# two requests in one write: two replies, in order
s = conn(); s.sendall(b'{"v":1,"cmd":"status"}\n{"v":1,"cmd":"nosuch"}\n')
r1 = read_reply(s)
r2 = read_reply(s)
assert r1["ok"] is True, r1
assert r2["code"] == "unknown_command", r2
s.close()
# too large: 2000 bytes without a newline (limit 1024) -> too_large, closed
s = conn(); s.sendall(b'{"v":1,"cmd":"status","args":{"x":"' + b"a" * 2000)
r = read_reply(s)
assert r["code"] == "too_large", r
assert s.recv(10) == b"", "connection not closed after too_large"
s.close()
# client limit 4: the fifth is refused with busy
cs = [conn() for _ in range(4)]
for c in cs:
    c.sendall(b'{"v":1,"cmd":"status"}\n')
    assert read_reply(c)["ok"]
extra = conn()
r = read_reply(extra)
assert r is not None and r["code"] == "busy", r
for c in cs:
    c.close()
extra.close()
# the closed connections are let go (bounded wait 20 s)
deadline = time.monotonic() + 20
while True:
    c = conn()
    c.sendall(b'{"v":1,"cmd":"status"}\n')
    r = read_reply(c)
    c.close()
    if r is not None and r["ok"]:
        break
    assert time.monotonic() < deadline, "the client limit never freed up"
    time.sleep(0.1)
# idle timeout 1 s: the daemon closes an idle connection (bounded wait 20 s)
s = conn()
s.settimeout(20)
assert s.recv(10) == b"", "idle connection not closed"
print("protocol limits ok")
PY
ok "version, bad JSON, too large, client limit, idle timeout"

t_stop
