#!/usr/bin/env bash
# Every file `cmake --install --prefix /usr` writes lands where the README
# ("Install on a server") says, and nothing else is written: the list
# below, the README's list and the staged tree must be the same.
set -euo pipefail
. "$(dirname "$0")/test_systemd_lib.sh"
: "${PARKPLAN_BUILD_DIR:?}"

# The same list as in README.md, in the same order.
expected=(
	/usr/sbin/parkpland
	/usr/bin/parkplanctl
	/lib/systemd/system/parkpland.service
	/lib/systemd/system/parkpland.socket
	/usr/lib/sysusers.d/parkplan.conf
	/usr/lib/tmpfiles.d/parkplan.conf
	/etc/parkplan/parkplan.conf
	/usr/share/parkplan/sql/NNN_name.sql
	/usr/share/man/man8/parkpland.8
	/usr/share/man/man1/parkplanctl.1
	/usr/share/man/man5/parkplan.conf.5
)

# 1. The README lists exactly these, between its two markers.
readme=$PARKPLAN_SOURCE_DIR/README.md
mapfile -t listed < <(sed -n '/<!-- installed files -->/,/<!-- end of installed files -->/p' "$readme" |
	sed -n 's/^    \(\/[^ ]*\).*/\1/p')
if [ "${listed[*]}" = "${expected[*]}" ]; then
	ok "README lists the ${#expected[@]} installed paths of this test"
else
	fail "README's list differs from this test's:"
	diff <(printf '%s\n' "${expected[@]}") <(printf '%s\n' "${listed[@]}") >&2 || true
fi

# Where this build puts the units (pkg-config's directories): the README
# names Debian 12's; map them to this build's.
cache=$PARKPLAN_BUILD_DIR/CMakeCache.txt
cache_value() {
	sed -n "s/^$1:[A-Z]*=//p" "$cache"
}
absolute() {
	case $1 in /*) echo "$1" ;; *) echo "/usr/$1" ;; esac
}
unit_dir=$(absolute "$(cache_value PARKPLAN_SYSTEMD_UNITDIR)")
sysusers_dir=$(absolute "$(cache_value PARKPLAN_SYSUSERSDIR)")
tmpfiles_dir=$(absolute "$(cache_value PARKPLAN_TMPFILESDIR)")

# The migrations: every sql/NNN_*.sql of the source tree.
migrations=()
for f in "$PARKPLAN_SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql; do
	migrations+=("/usr/share/parkplan/sql/$(basename "$f")")
done
[ ${#migrations[@]} -gt 0 ] || fail "no migration in sql/"

want=()
for p in "${expected[@]}"; do
	case $p in
	/lib/systemd/system/*) want+=("$unit_dir/${p##*/}") ;;
	/usr/lib/sysusers.d/*) want+=("$sysusers_dir/${p##*/}") ;;
	/usr/lib/tmpfiles.d/*) want+=("$tmpfiles_dir/${p##*/}") ;;
	*/NNN_name.sql) want+=("${migrations[@]}") ;;
	*) want+=("$p") ;;
	esac
done

# 2. The staged tree holds exactly these files.
mapfile -t staged < <(cd "$PARKPLAN_STAGE" && find . -type f -o -type l | sed 's/^\.//' | sort)
mapfile -t want_sorted < <(printf '%s\n' "${want[@]}" | sort)
if [ "${staged[*]}" = "${want_sorted[*]}" ]; then
	ok "the staged installation is exactly the ${#want[@]} listed files"
else
	fail "staged files differ from the list (< listed, > staged):"
	diff <(printf '%s\n' "${want_sorted[@]}") <(printf '%s\n' "${staged[@]}") >&2 || true
fi

# 3. Each file is what it should be.
s=$PARKPLAN_STAGE
for b in /usr/sbin/parkpland /usr/bin/parkplanctl; do
	[ -x "$s$b" ] && ok "$b is executable" || fail "$b is not executable"
done
"$s/usr/sbin/parkpland" -V | grep -q '^parkpland [0-9]' && ok "parkpland -V runs" ||
	fail "the installed parkpland does not run"
"$s/usr/bin/parkplanctl" --version | grep -q '^parkplanctl [0-9]' &&
	ok "parkplanctl --version runs" || fail "the installed parkplanctl does not run"
for f in "${migrations[@]}"; do
	cmp -s "$s$f" "$PARKPLAN_SOURCE_DIR/sql/${f##*/}" && ok "$f is sql/${f##*/}" ||
		fail "$f differs from sql/${f##*/}"
done
cmp -s "$s/etc/parkplan/parkplan.conf" "$PARKPLAN_SOURCE_DIR/systemd/parkplan.conf.example" &&
	ok "/etc/parkplan/parkplan.conf is systemd/parkplan.conf.example" ||
	fail "/etc/parkplan/parkplan.conf is not the example"
mode=$(stat -c %a "$s/etc/parkplan/parkplan.conf")
[ "$mode" = 644 ] && ok "parkplan.conf has mode 644" || fail "parkplan.conf has mode $mode"
cmp -s "$s$sysusers_dir/parkplan.conf" "$PARKPLAN_SOURCE_DIR/systemd/parkplan.sysusers" ||
	fail "sysusers.d/parkplan.conf is not systemd/parkplan.sysusers"
cmp -s "$s$tmpfiles_dir/parkplan.conf" "$PARKPLAN_SOURCE_DIR/systemd/parkplan.tmpfiles" ||
	fail "tmpfiles.d/parkplan.conf is not systemd/parkplan.tmpfiles"
for page in man8/parkpland.8 man1/parkplanctl.1 man5/parkplan.conf.5; do
	cmp -s "$s/usr/share/man/$page" "$PARKPLAN_SOURCE_DIR/docs/man/${page#*/}" ||
		fail "$page is not docs/man/${page#*/}"
done

# 4. The service names the installed binary and configuration file.
svc=$s$unit_dir/parkpland.service
exec_start=$(unit_values "$svc" ExecStart)
[ "$exec_start" = "/usr/sbin/parkpland -c /etc/parkplan/parkplan.conf" ] &&
	ok "ExecStart=$exec_start" || fail "ExecStart=$exec_start"
grep -qE '@[A-Z_]+@' "$svc" && fail "parkpland.service still has an @VARIABLE@" || true

# 5. A second installation keeps an edited configuration file (in a
# stage of its own: the other tests read $PARKPLAN_STAGE meanwhile).
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
DESTDIR="$t" "${CMAKE_COMMAND:-cmake}" --install "$PARKPLAN_BUILD_DIR" --prefix /usr >/dev/null
echo "# edited by the operator" >>"$t/etc/parkplan/parkplan.conf"
DESTDIR="$t" "${CMAKE_COMMAND:-cmake}" --install "$PARKPLAN_BUILD_DIR" --prefix /usr >/dev/null
if tail -n 1 "$t/etc/parkplan/parkplan.conf" | grep -q 'edited by the operator' &&
	cmp -s "$t/etc/parkplan/parkplan.conf.example" "$PARKPLAN_SOURCE_DIR/systemd/parkplan.conf.example"; then
	ok "reinstalling keeps an edited parkplan.conf and writes parkplan.conf.example"
else
	fail "reinstalling overwrote the edited parkplan.conf"
fi

finish
