# test_db_lib.sh - sourced by the database tests (not a test itself).
#
# db_create NAME: creates a database of its own (unique name from NAME and
# the shell's pid), sets TEST_DB and TEST_DSN, and drops it on exit.
# Needs the "pg" fixture: PARKPLAN_TEST_DSN names its maintenance database.

: "${PARKPLAN_TEST_DSN:?run through ctest: needs the pg fixture}"
: "${PARKPLANCTL:?run through ctest: needs PARKPLANCTL}"

PSQL=psql
for v in 17 16 15 14 13; do
	if [ -x "/usr/lib/postgresql/$v/bin/psql" ]; then
		PSQL=/usr/lib/postgresql/$v/bin/psql
		break
	fi
done

# psql on the maintenance database or on the test's database, quiet, no psqlrc.
psql_admin() {
	PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$PARKPLAN_TEST_DSN" "$@"
}
psql_test() {
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$TEST_DSN" "$@"
}

db_drop() {
	if [ -n "${TEST_DB:-}" ]; then
		psql_admin -c "DROP DATABASE IF EXISTS \"$TEST_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
	fi
}

db_create() {
	TEST_DB="parkplan_test_$1_$$"
	TEST_DSN="$PARKPLAN_TEST_DSN dbname=$TEST_DB"
	psql_admin -c "DROP DATABASE IF EXISTS \"$TEST_DB\"" >/dev/null
	psql_admin -c "CREATE DATABASE \"$TEST_DB\"" >/dev/null
	trap db_drop EXIT
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

checks=0
pass() {
	checks=$((checks + 1))
}
