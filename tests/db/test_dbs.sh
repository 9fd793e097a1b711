# test_dbs.sh - sourced by the database tests that keep several databases
# at once (not a test itself).  Before sourcing: PSQL (the psql to use) and
# prefix (the databases' common name: unique per test and shell).
#
#   new_db NAME   an empty database "${prefix}_NAME", migrated by
#                 parkplanctl; its name on stdout
#   dsn_of DB     its DSN
#   q DB SQL      one value (or rows, '|'-separated) from database DB
#   dbs_drop      drops every database new_db made (for the EXIT trap)

: "${PARKPLAN_TEST_DSN:?run through ctest: needs the pg fixture}"
: "${PARKPLANCTL:?run through ctest: needs PARKPLANCTL}"
: "${PSQL:?set PSQL before sourcing test_dbs.sh}"
: "${prefix:?set prefix before sourcing test_dbs.sh}"

databases=()

dsn_of() { echo "$PARKPLAN_TEST_DSN dbname=$1"; }

q() { "$PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -d "$(dsn_of "$1")" -c "$2"; }

new_db() {
	local db="${prefix}_$1"
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$PARKPLAN_TEST_DSN" -c "CREATE DATABASE $db" >/dev/null
	databases+=("$db")
	"$PARKPLANCTL" migrate --dsn "$(dsn_of "$db")" >/dev/null
	echo "$db"
}

dbs_drop() {
	local db
	for db in "${databases[@]}"; do
		"$PSQL" -X -q -d "$PARKPLAN_TEST_DSN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
			>/dev/null 2>&1 || true
	done
}
