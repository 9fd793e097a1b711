#!/usr/bin/env bash
# The system calls parkpland and the solver really make, traced with
# strace, against the SystemCallFilter= of the installed parkpland.service
# (a call outside it would fail with EPERM under systemd), and the socket
# families they open against RestrictAddressFamilies=.
#
# Traced: parkpland with a control socket and a database that refuses
# connections (TCP), the systemd notification socket and watchdog, a few
# parkplanctl requests, the HTTP listener on loopback (a few requests, one
# refused), a reload by SIGHUP and by request, and SIGTERM;
# then `parkplanctl solve`, which runs the same solver child as parkpland
# (fork, setrlimit, GLPK, the result pipe).  No PostgreSQL is needed.
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
: "${PARKPLAND:?}" "${PARKPLANCTL:?}"
need strace systemd-analyze python3

svc=$PARKPLAN_STAGE$(unitdir)/parkpland.service
t=$(mktemp -d)
daemon_pid=
strace_pid=
listener_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null || true
	[ -n "$strace_pid" ] && kill "$strace_pid" 2>/dev/null || true
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT

if ! strace -f -qq -o /dev/null true 2>/dev/null; then
	echo "SKIP: strace cannot trace here (ptrace not permitted)" >&2
	exit 77
fi

# --- the allowed set, as systemd builds it: the first line is an allow
# list, later lines add to it, lines starting with ~ take away.
expand() {
	systemd-analyze syscall-filter "$1" 2>/dev/null |
		awk 'NR > 1 && $1 !~ /^#/ && NF { print $1 }' |
		while read -r x; do
			case $x in @*) expand "$x" ;; *) echo "$x" ;; esac
		done
}
: >"$t/allowed"
first=1
while read -r line; do
	[ -n "$line" ] || continue
	case $line in
	~*) mode=deny; line=${line#\~} ;;
	*) mode=allow ;;
	esac
	if [ $first = 1 ] && [ $mode = deny ]; then
		fail "SystemCallFilter= starts with a deny list; this test expects an allow list"
		finish
	fi
	first=0
	: >"$t/items"
	for item in $line; do
		case $item in @*) expand "$item" ;; *) echo "$item" ;; esac >>"$t/items"
	done
	if [ $mode = allow ]; then
		sort -u "$t/allowed" "$t/items" >"$t/next"
	else
		sort -u "$t/items" >"$t/deny"
		sort -u "$t/allowed" | comm -23 - "$t/deny" >"$t/next"
	fi
	mv "$t/next" "$t/allowed"
done < <(unit_values "$svc" SystemCallFilter)
n=$(wc -l <"$t/allowed")
[ "$n" -gt 100 ] && ok "SystemCallFilter= allows $n system calls" ||
	{ fail "SystemCallFilter= expands to $n system calls"; finish; }

# --- parkpland under strace
cat >"$t/parkpland.conf" <<CONF
[daemon]
socket = $t/ctl.sock
log_level = debug
[database]
reconnect_min_s = 0.1
reconnect_max_s = 0.3
[http]
listen = 127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CONF
listener='
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    print(s.recv(4096).decode(errors="replace"), flush=True)
'
python3 -c "$listener" "$t/notify" </dev/null >"$t/notifications" 2>&1 &
listener_pid=$!
for _ in $(seq 50); do [ -S "$t/notify" ] && break; sleep 0.1; done

PARKPLAN_DSN='host=localhost port=1 dbname=parkplan connect_timeout=2' \
NOTIFY_SOCKET=$t/notify WATCHDOG_USEC=400000 \
	strace -f -qq -o "$t/trace.daemon" "$PARKPLAND" -c "$t/parkpland.conf" \
	</dev/null >"$t/daemon.log" 2>&1 &
strace_pid=$!
for _ in $(seq 100); do [ -S "$t/ctl.sock" ] && break; sleep 0.1; done
# Signals go to parkpland itself (the first process of the trace), not to
# strace.
daemon_pid=$(head -n 1 "$t/trace.daemon" | cut -d' ' -f1)
[ -S "$t/ctl.sock" ] || { fail "parkpland did not open its control socket"; cat "$t/daemon.log" >&2; finish; }
"$PARKPLANCTL" status --socket "$t/ctl.sock" >/dev/null || fail "parkplanctl status failed"
"$PARKPLANCTL" status --socket "$t/ctl.sock" --json >/dev/null || true
"$PARKPLANCTL" replan --socket "$t/ctl.sock" >/dev/null 2>&1 || true
"$PARKPLANCTL" plans --socket "$t/ctl.sock" >/dev/null 2>&1 || true
"$PARKPLANCTL" reload --socket "$t/ctl.sock" >/dev/null 2>&1 || true
http=http://$(sed -n 's/^listen = //p' "$t/parkpland.conf")
python3 - "$http" <<'PY' || fail "the HTTP listener did not answer under strace"
import sys, urllib.request, urllib.error
for path, method in (("/healthz", "GET"), ("/metrics", "GET"), ("/api/status", "GET"),
                     ("/api/plans", "GET"), ("/api/status", "POST")):
    try:
        urllib.request.urlopen(urllib.request.Request(sys.argv[1] + path, method=method),
                               timeout=10).read()
    except urllib.error.HTTPError as e:
        e.read()
PY
sleep 1 # reconnections and watchdog pings
kill -HUP "$daemon_pid"
sleep 0.3
kill -TERM "$daemon_pid"
rc=0
wait "$strace_pid" || rc=$?
strace_pid=
daemon_pid=
[ $rc -eq 0 ] && ok "parkpland ran and stopped cleanly under strace" ||
	{ fail "parkpland exited with $rc"; cat "$t/daemon.log" >&2; }
if [ "${PARKPLAN_HAVE_SYSTEMD:-ON}" = ON ]; then
	grep -q '^READY=1' "$t/notifications" && grep -q '^WATCHDOG=1' "$t/notifications" &&
		ok "it notified READY=1 and WATCHDOG=1" || fail "no READY=1 / WATCHDOG=1 notification"
else
	echo "(built without libsystemd: no notifications to check)"
fi

# --- the solver child, under strace
strace -f -qq -o "$t/trace.solve" "$PARKPLANCTL" solve \
	--input "$PARKPLAN_SOURCE_DIR/tests/data/explain_park.json" --output "$t/plan.json" \
	--memory-mib 512 --quiet </dev/null >/dev/null 2>"$t/solve.log" || true
[ -s "$t/plan.json" ] && ok "parkplanctl solve wrote a plan under strace" ||
	{ fail "parkplanctl solve failed under strace"; cat "$t/solve.log" >&2; }
grep -q 'prlimit64(0, RLIMIT_AS' "$t/trace.solve" && ok "the solver child set its memory limit" ||
	fail "no RLIMIT_AS in the trace of the solver"
grep -qE '^[0-9]+ +(clone|clone3|fork|vfork)\(' "$t/trace.solve" && ok "the solver ran in a child process" ||
	fail "no fork in the trace of the solver"

# --- compare
cat "$t/trace.daemon" "$t/trace.solve" |
	sed -n 's/^[0-9][0-9]* \{1,\}\([a-z_0-9]*\)(.*/\1/p' | sort -u >"$t/used"
echo "system calls used: $(wc -l <"$t/used")"
outside=$(comm -23 "$t/used" "$t/allowed")
if [ -z "$outside" ]; then
	ok "every system call used is allowed by SystemCallFilter="
else
	fail "system calls used but not allowed by SystemCallFilter=: $(echo $outside)"
fi
families=$(cat "$t/trace.daemon" "$t/trace.solve" |
	sed -n 's/^[0-9][0-9]* \{1,\}socket(\(AF_[A-Z0-9]*\).*/\1/p' | sort -u)
allowed_families=" $(unit_values "$svc" RestrictAddressFamilies) "
echo "socket families used: $(echo $families)"
for f in $families; do
	case $allowed_families in
	*" $f "*) ;;
	*) fail "socket family $f is used but not in RestrictAddressFamilies=" ;;
	esac
done
# MemoryDenyWriteExecute=yes refuses memory that becomes executable.
wx=$(cat "$t/trace.daemon" "$t/trace.solve" |
	grep -E '^[0-9]+ +((pkey_)?mprotect\(.*PROT_EXEC|mmap\(.*PROT_WRITE\|PROT_EXEC)' || true)
[ -z "$wx" ] && ok "no writable and executable memory (MemoryDenyWriteExecute=yes)" ||
	fail "memory made executable, which MemoryDenyWriteExecute=yes refuses: $wx"
# ProcSubset=pid leaves only the processes' own files in /proc.
procfiles=$(cat "$t/trace.daemon" "$t/trace.solve" |
	grep -oE '^[0-9]+ +open(at)?\(.*"/proc/[^"]*"' | grep -oE '"/proc/[^"]*"' |
	grep -vE '"/proc/(self|thread-self|[0-9]+)/' || true)
[ -z "$procfiles" ] && ok "nothing read in /proc outside the process's own files (ProcSubset=pid)" ||
	fail "files of /proc that ProcSubset=pid hides: $(echo $procfiles)"
echo "$families" | grep -q AF_INET && ok "the database connection used TCP" ||
	fail "no AF_INET socket: the TCP path was not exercised"
grep -qE '^[0-9]+ +accept4?\(.*sin_port=' "$t/trace.daemon" && ok "the HTTP listener accepted TCP connections" ||
	fail "no TCP accept: the HTTP listener was not exercised"

finish
