#!/usr/bin/env bash
# memcheck.sh SANITIZE PROGRAM [ARGS...] - run PROGRAM under valgrind's
# memcheck: any invalid read or write, use of an uninitialised value, bad
# free or definite leak fails the test, and so does PROGRAM failing.
# Skipped (exit 77) in a sanitizer build, whose binaries valgrind cannot
# run, and when valgrind is not installed.
set -euo pipefail

sanitize=${1:?usage: memcheck.sh SANITIZE PROGRAM [ARGS...]}
shift
: "${1:?usage: memcheck.sh SANITIZE PROGRAM [ARGS...]}"

case "$sanitize" in
1 | ON | on | TRUE | true | YES | yes)
	echo "memcheck: skipped: this is a sanitizer build (PARKPLAN_SANITIZE=ON)"
	exit 77
	;;
esac
if ! command -v valgrind >/dev/null 2>&1; then
	echo "memcheck: skipped: valgrind is not installed (scripts/setup installs it)"
	exit 77
fi

# Forked solver children run under valgrind too: an error there makes the
# child exit 1, which the parent reports as a failed solve.
exec valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --num-callers=30 "$@"
