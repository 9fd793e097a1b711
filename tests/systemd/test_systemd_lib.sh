# test_systemd_lib.sh - shared by the test_systemd_*.sh tests (sourced).
# The staged installation is $PARKPLAN_STAGE (test_systemd_stage.sh):
# `cmake --install` with DESTDIR=$PARKPLAN_STAGE and the prefix /usr.

: "${PARKPLAN_STAGE:?}" "${PARKPLAN_SOURCE_DIR:?}"

failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

ok() {
	echo "ok: $*"
}

# Exit 77 (ctest: skipped) when a tool is missing, saying which.
need() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool is not installed" >&2
			exit 77
		fi
	done
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)" >&2
		exit 1
	fi
	echo "all checks passed"
	exit 0
}

# Where this build installs the units (PARKPLAN_SYSTEMD_UNITDIR in the
# cache: pkg-config's systemdsystemunitdir, or lib/systemd/system under
# the prefix /usr).
unitdir() {
	local d
	d=$(sed -n 's/^PARKPLAN_SYSTEMD_UNITDIR:[A-Z]*=//p' "${PARKPLAN_BUILD_DIR:?}/CMakeCache.txt")
	case $d in
	/*) echo "$d" ;;
	*) echo "/usr/${d:-lib/systemd/system}" ;;
	esac
}

# A unit file's values of KEY (in order), from the staged file.
unit_values() {
	sed -n "s/^$2=//p" "$1"
}
