#!/usr/bin/env bash
# parkpland against hostile clients and an unlucky operator (issue 12's
# must-show), on a real daemon and socket:
#   1. a regular file at the socket path is left alone, and parkpland does
#      not start, saying why; so is a socket another process listens on; a
#      stale socket (nobody listening) is replaced;
#   2. a DSN whose password libpq quotes back: the password is nowhere in
#      the log nor in status;
#   3. 80 connections from 5 users trickling bytes: root's parkplanctl
#      status answers all along (latencies printed), the trickles are cut at
#      daemon.request_timeout_s, the refusals are logged a line per interval;
#   4. 9 clients pipelining 900 snapshot requests and never reading: the
#      daemon's RSS (/proc/PID/status) grows by at most 128 MiB and status
#      answers all along;
#   5. half-closed clients (shutdown(SHUT_WR)) get every reply;
#   6. fuzzed requests, many not UTF-8: every reply UTF-8 JSON, no error
#      reply without its message;
# and, on the way, the server's notices reach the log with their level.
# Needs root for 3 (other uids by setpriv); skipped parts are said.
set -euo pipefail
T_NAME=hostile
. "$(dirname "$0")/test_daemon_lib.sh"
ok() { echo "ok [${SECONDS} s]: $*"; }

# The helper runs as other users too: a copy they can read, and a python3
# they can run (Debian's, not one under /root).
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
cp "$(dirname "$0")/hostile_clients.py" "$T_DIR/hc.py"
chmod 0644 "$T_DIR/hc.py"
hc() { "$py" "$T_DIR/hc.py" "$T_SOCK" "$@"; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status"; }

t_create_db
t_migrate
t_sample

# --- 1. a regular file at the socket path --------------------------------------
t_config
printf 'not a socket, keep me\n' >"$T_SOCK"
rc=0
timeout 30 "$PARKPLAND" -c "$T_CONF" >"$T_DIR/file.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "parkpland started with a regular file at its socket path"
[ "$rc" != 124 ] || fail "parkpland did not stop with a regular file at its socket path"
[ "$(cat "$T_SOCK")" = "not a socket, keep me" ] || fail "the file at the socket path was changed"
grep -q "exists and is a regular file, not a socket: parkpland does not remove it" "$T_DIR/file.log" ||
	fail "parkpland does not say why it will not start: $(cat "$T_DIR/file.log")"
ok "a regular file at $T_SOCK: left alone, exit $rc: $(grep -o 'exists and is a regular file[^(]*' "$T_DIR/file.log" | head -1)"
rm -f "$T_SOCK"
# a socket another process listens on: left alone too
"$py" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); print("up", flush=True); time.sleep(60)' \
	"$T_SOCK" >"$T_DIR/listener.out" &
listener=$!
t_wait_for "the other listener" 10 grep -q up "$T_DIR/listener.out"
rc=0
timeout 30 "$PARKPLAND" -c "$T_CONF" >"$T_DIR/inuse.log" 2>&1 || rc=$?
kill "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
[ "$rc" != 0 ] && [ "$rc" != 124 ] || fail "parkpland started (or hung: $rc) on a socket in use"
grep -q "another process is listening on it" "$T_DIR/inuse.log" || fail "in use: $(cat "$T_DIR/inuse.log")"
[ -S "$T_SOCK" ] || fail "the socket in use was removed"
# the same socket, nobody listening any more: stale, replaced
t_start
grep -q "removed a stale socket nobody listened on" "$T_LOG" || fail "the stale socket was not said to be replaced"
t_stop
[ ! -e "$T_SOCK" ] || fail "parkpland left its socket behind"
ok "a socket in use left alone (parkpland refuses), a stale one replaced, its own removed at exit"

# --- 2. the password of a bad DSN ----------------------------------------------
secret='S3CR%ZZET'
host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$T_DSN")
{
	echo "[daemon]"
	echo "socket = $T_SOCK"
	echo "log_level = debug"
	echo "[database]"
	echo "dsn = postgresql://parkplan:${secret}@/${T_DB}?host=${host}"
	echo "reconnect_min_s = 0.1"
	echo "reconnect_max_s = 0.5"
	echo "[planner]"
	echo "startup_run = false"
} >"$T_CONF"
: >"$T_LOG"
t_start
sleep 2
"$PARKPLANCTL" status >"$T_DIR/status-dsn.txt" 2>&1 || true
"$PARKPLANCTL" status --json >>"$T_DIR/status-dsn.txt" 2>&1 || true
"$PARKPLANCTL" replan >>"$T_DIR/status-dsn.txt" 2>&1 || true
t_stop
grep -q "percent-encoded" "$T_LOG" || fail "libpq's message about the DSN is not in the log: $(tail -5 "$T_LOG")"
for f in "$T_LOG" "$T_DIR/status-dsn.txt"; do
	for form in "$secret" "S3CR" "ZZET"; do
		! grep -qF "$form" "$f" || fail "the DSN's password ($form) is in $(basename "$f"): $(grep -F "$form" "$f" | head -3)"
	done
done
ok "bad DSN: libpq's message logged as '$(grep -o 'invalid percent-encoded token[^"]*"[^"]*"' "$T_LOG" | head -1)', the password nowhere in the log or status"

# --- the daemon for the rest --------------------------------------------------
: >"$T_LOG"
t_config "notify_quiet_s = 86400" \
	"[daemon]" "socket_group = nogroup" "request_timeout_s = 3" "max_clients = 64" \
	"max_clients_per_uid = 16" "reserved_clients = 3"
# the server's notices and warnings reach the log with their level, never bare on stderr
q "CREATE FUNCTION pp_test_notice() RETURNS trigger LANGUAGE plpgsql AS \$\$
   BEGIN RAISE NOTICE 'a notice from a trigger'; RAISE WARNING 'a warning from a trigger';
   RETURN NEW; END \$\$;
   CREATE TRIGGER pp_test_notice BEFORE INSERT ON plan_run FOR EACH ROW EXECUTE FUNCTION pp_test_notice()" >/dev/null
t_start
"$PARKPLANCTL" replan --wait >/dev/null || fail "the first replan"
plan=$(q "SELECT max(id) FROM plan_run WHERE status = 'succeeded'")
[ -n "$plan" ] || fail "no plan"
grep -q "^<5>database: NOTICE:  a notice from a trigger$" "$T_LOG" ||
	fail "the server's notice is not in the log at level notice: $(grep 'from a trigger' "$T_LOG")"
grep -q "^<4>database: WARNING:  a warning from a trigger$" "$T_LOG" ||
	fail "the server's warning is not in the log at level warning: $(grep 'from a trigger' "$T_LOG")"
! grep "from a trigger" "$T_LOG" | grep -qv "^<[0-7]>" || fail "a notice without a level: $(grep 'from a trigger' "$T_LOG")"
q "DROP TRIGGER pp_test_notice ON plan_run" >/dev/null
ok "the server's notices in the log with their level: $(grep -m1 'from a trigger' "$T_LOG")"

# --- 3. 80 trickling connections from 5 users ------------------------------------
if [ "$(id -u)" = 0 ] && getent group nogroup >/dev/null && command -v setpriv >/dev/null; then
	gid=$(getent group nogroup | cut -d: -f3)
	pids=()
	for u in 60001 60002 60003 60004 60005; do
		setpriv --reuid=$u --regid="$gid" --clear-groups \
			"$py" "$T_DIR/hc.py" "$T_SOCK" trickle 14 16 >"$T_DIR/trickle-$u.json" 2>&1 &
		pids+=($!)
	done
	sleep 2
	lat=()
	for i in $(seq 1 30); do
		t0=$(date +%s%N)
		out=$("$PARKPLANCTL" status --json 2>&1) || fail "root's status failed under the trickle (try $i): $out"
		t1=$(date +%s%N)
		lat+=($(((t1 - t0) / 1000000)))
		sleep 0.3
	done
	for p in "${pids[@]}"; do wait "$p" || fail "a trickling client failed: $(cat "$T_DIR"/trickle-*.json)"; done
	summary=$("$py" - "$T_DIR" <<'EOF'
import glob, json, sys
t = {}
for f in glob.glob(sys.argv[1] + "/trickle-*.json"):
    for k, v in json.loads(open(f).read().strip().splitlines()[-1]).items():
        t[k] = t.get(k, 0) + v
print(" ".join(f"{k}={v}" for k, v in sorted(t.items())))
EOF
	)
	sorted=($(printf '%s\n' "${lat[@]}" | sort -n))
	echo "status under 80 trickling connections: 30 answered, latency ms min ${sorted[0]}, median ${sorted[15]}, max ${sorted[29]}"
	echo "trickling clients: $summary"
	grep -q "deadline_replies=0" <<<"$summary" && fail "no trickle was cut at request_timeout_s"
	grep -q "refused_busy=0" <<<"$summary" && fail "80 connections from 5 users: none refused busy"
	nlines=$(grep -c "^<4>control: " "$T_LOG" || true)
	grep -q "more connections refused or dropped in the last 10 s" "$T_LOG" ||
		fail "the refusals are not summed up: $(grep 'control: ' "$T_LOG" | head -5)"
	refused=$(grep -o '[0-9]* over daemon.max_clients_per_uid\|[0-9]* in the reserved slots\|[0-9]* past daemon.request_timeout_s' "$T_LOG" |
		awk '{s += $1} END {print s + 0}')
	[ "$nlines" -le 6 ] || fail "$nlines lines about refusals in 14 s: $(grep '^<4>control: ' "$T_LOG" | head -10)"
	ok "80 trickling connections: root's status answered 30 of 30; $nlines log lines for $refused+ refusals"
else
	echo "skip: 80 trickling connections of other users need root, setpriv and group nogroup"
fi

# --- 4. 900 snapshot replies never read ----------------------------------------
size=$(printf '{"v":1,"cmd":"snapshot","args":{"plan":%s}}\n' "$plan" | "$py" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR); n = 0
while True:
    b = s.recv(1 << 20)
    if not b: break
    n += len(b)
print(n)' "$T_SOCK")
base=$(rss_kib)
hc unread 9 100 "$plan" 12 >"$T_DIR/unread.json" &
unread_pid=$!
peak=$base
lat=()
for i in $(seq 1 40); do
	r=$(rss_kib)
	[ "$r" -gt "$peak" ] && peak=$r
	t0=$(date +%s%N)
	"$PARKPLANCTL" status --json >/dev/null 2>&1 || fail "status failed while 900 replies wait unread"
	t1=$(date +%s%N)
	lat+=($(((t1 - t0) / 1000000)))
	sleep 0.25
done
wait "$unread_pid" || fail "the unread clients: $(cat "$T_DIR/unread.json")"
after=$(rss_kib)
growth=$(((peak - base) / 1024))
sorted=($(printf '%s\n' "${lat[@]}" | sort -n))
echo "unread: $(tr '\n' ' ' <"$T_DIR/unread.json")"
echo "900 unread snapshot replies of $size bytes each: RSS $((base / 1024)) MiB before, peak $((peak / 1024)) MiB (+$growth MiB), $((after / 1024)) MiB after; status latency ms min ${sorted[0]}, median ${sorted[20]}, max ${sorted[39]}"
[ "$growth" -le 128 ] || fail "the daemon grew by $growth MiB (at most 128)"
"$PARKPLANCTL" show "$plan" >/dev/null || fail "show after the unread clients"
ok "900 unread snapshot replies: +$growth MiB, still serving"

# --- 5. half-closed clients ------------------------------------------------------
out=$(hc halfclose 20 "$plan") || fail "half-closed clients: $out"
echo "half-closed: $out"
# approve sent that way takes effect and answers
out=$(printf '{"v":1,"cmd":"approve","args":{"plan":%s}}' "$plan" | "$py" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR); b = b""
while True:
    x = s.recv(65536)
    if not x: break
    b += x
sys.stdout.write(b.decode())' "$T_SOCK")
grep -q '"ok":true' <<<"$out" || fail "approve half-closed: '$out'"
[ "$(q "SELECT id FROM plan_in_force")" = "$plan" ] || fail "approve half-closed did not take effect"
ok "half-closed clients: 62 of 62 answered; approve answered and took effect"

# --- 6. fuzzed requests: UTF-8 replies, every error with its message -------------
out=$(hc fuzz 3000 12) || fail "fuzzed requests: $out"
echo "fuzz: $out"
"$py" -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["not_utf8_refused"] > 100, d' "$out" ||
	fail "too few requests that are not UTF-8 were refused as such"
"$PARKPLANCTL" status >/dev/null || fail "status after the fuzzing"
ok "3000 fuzzed requests: every reply UTF-8 JSON, every error with a message"

t_stop
