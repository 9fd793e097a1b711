#!/usr/bin/env bash
# The sysusers.d and tmpfiles.d snippets, applied to an empty root: they
# make the user and group parkplan, whose home is the service's
# StateDirectory, and /run/parkplan (the socket's directory) for that
# user and group, mode 0750.  The socket paths of the units, the daemon
# and parkplanctl agree.
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
need systemd-sysusers systemd-tmpfiles

s=$PARKPLAN_STAGE
units=$s$(unitdir)
svc=$units/parkpland.service
sock=$units/parkpland.socket
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc"

sysusers=$(find "$s" -path '*/sysusers.d/parkplan.conf')
tmpfiles=$(find "$s" -path '*/tmpfiles.d/parkplan.conf')
systemd-sysusers --root="$root" "$sysusers" >/dev/null 2>&1 ||
	fail "systemd-sysusers refuses sysusers.d/parkplan.conf"

user=$(unit_values "$svc" User)
group=$(unit_values "$svc" Group)
sgroup=$(unit_values "$sock" SocketGroup)
pw=$(grep "^$user:" "$root/etc/passwd" || true)
gr=$(grep "^$group:" "$root/etc/group" || true)
[ -n "$pw" ] && ok "sysusers makes the user $user" || fail "no user $user"
[ -n "$gr" ] && ok "sysusers makes the group $group" || fail "no group $group"
[ "$sgroup" = "$group" ] && ok "the socket's group is the service's group" ||
	fail "SocketGroup=$sgroup, Group=$group"
uid=$(echo "$pw" | cut -d: -f3)
gid=$(echo "$gr" | cut -d: -f3)
[ -n "$uid" ] && [ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] && ok "uid $uid is a system uid" ||
	fail "uid '$uid' is not a system uid"
[ "$(echo "$pw" | cut -d: -f4)" = "$gid" ] && ok "its primary group is $group" ||
	fail "the primary group of $user is not $group"
home=$(echo "$pw" | cut -d: -f6)
state=/var/lib/$(unit_values "$svc" StateDirectory)
[ "$home" = "$state" ] && ok "home $home is the StateDirectory" ||
	fail "home $home is not the StateDirectory $state"
case $(echo "$pw" | cut -d: -f7) in
*/nologin | */false) ok "no login shell" ;;
*) fail "the user $user has a login shell" ;;
esac

if [ "$(id -u)" -eq 0 ]; then
	systemd-tmpfiles --root="$root" --create "$tmpfiles" >/dev/null 2>&1 ||
		fail "systemd-tmpfiles --create fails on tmpfiles.d/parkplan.conf"
	run=/run/$(unit_values "$svc" RuntimeDirectory)
	got=$(stat -c '%a %u %g' "$root$run" 2>/dev/null || echo missing)
	[ "$got" = "750 $uid $gid" ] && ok "$run: 0750 $user:$group" ||
		fail "$run: '$got', want '750 $uid $gid'"
	got=$(stat -c '%a %u %g' "$root$state" 2>/dev/null || echo missing)
	[ "$got" = "750 $uid $gid" ] && ok "$state: 0750 $user:$group" ||
		fail "$state: '$got', want '750 $uid $gid'"
else
	echo "(not root: systemd-tmpfiles cannot give files away; its check is skipped)"
fi

# One socket path everywhere: the socket unit, parkpland's default
# (daemon.socket) and parkplanctl's default, both of which are the
# protocol's default (daemon/protocol.h), and the service's runtime
# directory.
listen=$(unit_values "$sock" ListenStream)
protocol_default=$(sed -n 's/^#define PROTOCOL_DEFAULT_SOCKET "\(.*\)"/\1/p' \
	"$PARKPLAN_SOURCE_DIR/daemon/protocol.h")
daemon_default=$(sed -n 's/.*{"daemon", "socket", CONF_STRING, OFF(socket_path), \([^,]*\),.*/\1/p' \
	"$PARKPLAN_SOURCE_DIR/daemon/config.c")
[ "$daemon_default" = PROTOCOL_DEFAULT_SOCKET ] && daemon_default=$protocol_default
ctl_default=$(grep -q "PROTOCOL_DEFAULT_SOCKET" "$PARKPLAN_SOURCE_DIR/ctl/client.c" &&
	echo "$protocol_default")
[ "$listen" = "$daemon_default" ] && ok "ListenStream=$listen is daemon.socket's default" ||
	fail "ListenStream=$listen, daemon.socket defaults to '$daemon_default'"
[ "$listen" = "$ctl_default" ] && ok "ListenStream=$listen is parkplanctl's default" ||
	fail "ListenStream=$listen, parkplanctl defaults to '$ctl_default'"
[ "$(dirname "$listen")" = "/run/$(unit_values "$svc" RuntimeDirectory)" ] &&
	ok "the socket is in the RuntimeDirectory" || fail "the socket is not in /run/RuntimeDirectory"
grep -q '^RuntimeDirectoryPreserve=yes$' "$svc" && ok "RuntimeDirectoryPreserve=yes keeps the socket across restarts" ||
	fail "without RuntimeDirectoryPreserve=yes, stopping the service removes the socket unit's socket"
[ "$(unit_values "$sock" SocketMode)" = 0660 ] && ok "SocketMode=0660" || fail "SocketMode is not 0660"

finish
