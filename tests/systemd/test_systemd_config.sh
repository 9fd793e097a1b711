#!/usr/bin/env bash
# The installed /etc/parkplan/parkplan.conf against the daemon's table of
# settings (daemon/config.c): every setting is there, in its section, with
# the code's default in its comment; parkpland accepts the file as it is
# and with every commented setting switched on; the service's MemoryMax=
# leaves room above the solver's own limit.
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
: "${PARKPLAND:?}"

conf=$PARKPLAN_STAGE/etc/parkplan/parkplan.conf
svc=$PARKPLAN_STAGE$(unitdir)/parkpland.service
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# section key default, one line each, from the code's table.
# A default may be a constant of the control protocol (daemon/protocol.h).
socket_default=$(sed -n 's/^#define PROTOCOL_DEFAULT_SOCKET "\(.*\)"/\1/p' \
	"$PARKPLAN_SOURCE_DIR/daemon/protocol.h")
sed -e "s|PROTOCOL_DEFAULT_SOCKET|\"$socket_default\"|" "$PARKPLAN_SOURCE_DIR/daemon/config.c" |
	sed -n 's/^[[:space:]]*{"\([a-z]*\)", "\([a-z_]*\)", CONF_[A-Z]*, OFF([a-z_]*), "\([^"]*\)".*/\1 \2 \3/p' \
		>"$t/table"
n=$(wc -l <"$t/table")
[ "$n" -ge 15 ] && ok "$n settings in daemon/config.c" || fail "only $n settings read from daemon/config.c"

# section key value, from the file (commented settings included).
awk '/^\[[a-z]+\]/ { sec = substr($0, 2, length($0) - 2); next }
     /^#?[a-z_]+ =/ { line = $0; sub(/^#/, "", line); k = line; sub(/ =.*/, "", k);
                      v = line; sub(/^[a-z_]+ =[ ]?/, "", v); print sec, k, v }' "$conf" >"$t/file"

while read -r sec key def; do
	got=$(awk -v s="$sec" -v k="$key" '$1 == s && $2 == k { v = $0; sub(/^[^ ]+ [^ ]+ ?/, "", v); print v; f = 1 }
	                                     END { if (!f) print "<missing>" }' "$t/file")
	if [ "$got" = "<missing>" ]; then
		fail "[$sec] $key is not in parkplan.conf"
	elif grep -q "^#$key =" "$conf" && [ "$got" != "$def" ]; then
		fail "[$sec] $key: the comment says '$got', the code's default is '$def'"
	fi
done <"$t/table"
while read -r sec key _; do
	grep -q "^$sec $key " "$t/table" || fail "parkplan.conf has [$sec] $key, which parkpland does not know"
done <"$t/file"
[ "$failures" -eq 0 ] && ok "every setting is in parkplan.conf, with the code's default"

# parkpland -t: the file as installed, and with every setting switched on.
if out=$(PARKPLAN_DSN='dbname=parkplan_test' "$PARKPLAND" -t -c "$conf" 2>&1); then
	ok "parkpland -t accepts the installed parkplan.conf"
else
	fail "parkpland -t refuses the installed parkplan.conf: $out"
fi
sed -e 's/^#\([a-z_]* =\)/\1/' "$conf" >"$t/all.conf"
if out=$(PARKPLAN_DSN='dbname=parkplan_test' "$PARKPLAND" -t -c "$t/all.conf" 2>&1); then
	ok "parkpland -t accepts it with every commented setting switched on"
else
	fail "parkpland -t refuses the commented defaults: $out"
fi
# ... and the test can fail: a misspelt setting is refused.
sed -e 's/^#max_clients =/max_clientz =/' "$conf" >"$t/bad.conf"
if PARKPLAN_DSN='dbname=parkplan_test' "$PARKPLAND" -t -c "$t/bad.conf" >/dev/null 2>&1; then
	fail "parkpland -t accepts a misspelt setting"
else
	ok "parkpland -t refuses a misspelt setting"
fi
# The socket group of the installed file is the socket unit's group.
sg=$(sed -n 's/^socket_group = //p' "$conf")
[ "$sg" = "$(unit_values "${svc%.service}.socket" SocketGroup)" ] &&
	ok "socket_group = $sg, as SocketGroup=" || fail "socket_group = '$sg' is not the socket unit's group"

# MemoryMax= above the solver's limit (planner.solver_memory_mib), with
# at least 256 MiB left for the daemon itself.
mib() {
	case $1 in
	*G) echo $((${1%G} * 1024)) ;;
	*M) echo "${1%M}" ;;
	*K) echo $((${1%K} / 1024)) ;;
	*) echo $(($1 / 1048576)) ;;
	esac
}
max=$(mib "$(unit_values "$svc" MemoryMax)")
solver=$(awk '$1 == "planner" && $2 == "solver_memory_mib" { print $3 }' "$t/table")
if [ -n "$max" ] && [ -n "$solver" ] && [ "$max" -ge $((solver + 256)) ]; then
	ok "MemoryMax= $max MiB leaves $((max - solver)) MiB above solver_memory_mib = $solver"
else
	fail "MemoryMax= ${max:-?} MiB does not leave 256 MiB above solver_memory_mib = ${solver:-?}"
fi

finish
