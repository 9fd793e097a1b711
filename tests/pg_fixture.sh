#!/usr/bin/env bash
# pg_fixture.sh start|stop DIR - a throwaway PostgreSQL for the test suite.
#
# start: initdb into DIR (removed first if a previous run left it), Unix
# socket in DIR, no TCP, trust authentication for the local socket only.
# When run as root the server runs as the postgres user (initdb refuses
# root).  stop: fast shutdown and removal of DIR; it never fails, so that a
# failed test run still cleans up.
set -euo pipefail

cmd=${1:?usage: pg_fixture.sh start|stop DIR}
dir=${2:?usage: pg_fixture.sh start|stop DIR}

pgbin=${PARKPLAN_PGBIN:-}
if [ -z "$pgbin" ]; then
	for v in 17 16 15 14 13; do
		if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then
			pgbin=/usr/lib/postgresql/$v/bin
			break
		fi
	done
fi
[ -n "$pgbin" ] || { echo "pg_fixture: no PostgreSQL server binaries found" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	if [ -d "$dir" ]; then
		as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$dir"
	fi
	mkdir -p "$dir"
	chmod 0755 "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as_owner "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "pg_fixture: PostgreSQL running in $dir"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	echo "pg_fixture: PostgreSQL in $dir stopped"
	;;
*)
	echo "usage: pg_fixture.sh start|stop DIR" >&2
	exit 2
	;;
esac
