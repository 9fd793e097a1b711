#!/usr/bin/env bash
# parkplanctl migrate: applies version 1 to an empty database, is a no-op the
# second time, and refuses a database newer than the build.
set -euo pipefail
. "$(dirname "$0")/test_db_lib.sh"

db_create migrate
out=$(mktemp)
errf=$(mktemp)
trap 'rm -f "$out" "$errf"; db_drop' EXIT

# The migrations this build embeds: the numbered files of sql/.
expected=$(ls "$PARKPLAN_SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
[ "$expected" -ge 1 ] || fail "no migrations in the source tree"

# No DSN at all: a usage error.
rc=0
env -u PARKPLAN_DSN "$PARKPLANCTL" migrate >/dev/null 2>"$errf" || rc=$?
[ "$rc" = 2 ] || fail "migrate without DSN: exit $rc, expected 2"
grep -q "no database" "$errf" || fail "migrate without DSN: $(cat "$errf")"
pass

# An unreachable server: exit 4.
rc=0
"$PARKPLANCTL" migrate --dsn "host=/nonexistent/parkplan port=5432 dbname=x connect_timeout=2" \
	>/dev/null 2>"$errf" || rc=$?
[ "$rc" = 4 ] || fail "unreachable database: exit $rc, expected 4"
pass

# First run: from 0 to the highest version.
rc=0
"$PARKPLANCTL" migrate --dsn "$TEST_DSN" >"$out" 2>"$errf" || rc=$?
[ "$rc" = 0 ] || fail "first migrate: exit $rc: $(cat "$errf")"
grep -qx "schema at version $expected (was 0)" "$out" || fail "first migrate said: $(cat "$out")"
pass

versions=$(psql_test -At -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version")
want=$(seq -s, 1 "$expected")
[ "$versions" = "$want" ] || fail "schema_version rows '$versions', expected '$want'"
pass

# The tables of the model exist (a few, by name).
n=$(psql_test -At -c "SELECT count(*) FROM information_schema.tables
	WHERE table_schema = 'public' AND table_name IN
	('zone','enterprise','community','instructor','period','rule','setting',
	 'party_organisation','instructor_unavailable','plan_run','plan_pair','plan_assignment')")
[ "$n" = 12 ] || fail "expected 12 planning tables, found $n"
pass

# Second run, through PARKPLAN_DSN this time: nothing to do.
rc=0
PARKPLAN_DSN="$TEST_DSN" "$PARKPLANCTL" migrate >"$out" 2>"$errf" || rc=$?
[ "$rc" = 0 ] || fail "second migrate: exit $rc: $(cat "$errf")"
grep -qx "schema already at version $expected" "$out" || fail "second migrate said: $(cat "$out")"
[ ! -s "$errf" ] || fail "second migrate wrote to stderr: $(cat "$errf")"
versions=$(psql_test -At -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version")
[ "$versions" = "$want" ] || fail "after the second run schema_version is '$versions'"
pass

# Two migrators at once on a fresh database: the advisory lock serialises
# them, both succeed, and version 1 is applied exactly once.
psql_admin -c "CREATE DATABASE \"${TEST_DB}_b\"" >/dev/null
trap 'rm -f "$out" "$errf"; psql_admin -c "DROP DATABASE IF EXISTS \"${TEST_DB}_b\" WITH (FORCE)" >/dev/null 2>&1 || true; db_drop' EXIT
dsn_b="$PARKPLAN_TEST_DSN dbname=${TEST_DB}_b"
rc1=0 rc2=0
"$PARKPLANCTL" migrate --dsn "$dsn_b" >"$out.1" 2>&1 &
p1=$!
"$PARKPLANCTL" migrate --dsn "$dsn_b" >"$out.2" 2>&1 &
p2=$!
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
[ "$rc1" = 0 ] && [ "$rc2" = 0 ] || fail "concurrent migrate: exits $rc1 $rc2: $(cat "$out.1" "$out.2")"
n_applied=$(cat "$out.1" "$out.2" | grep -c "schema at version $expected (was 0)" || true)
n_already=$(cat "$out.1" "$out.2" | grep -c "schema already at version $expected" || true)
rm -f "$out.1" "$out.2"
[ "$n_applied" = 1 ] && [ "$n_already" = 1 ] ||
	fail "concurrent migrate: $n_applied applied, $n_already already"
pass

# A database from a newer parkplan is refused, and left as it was.
newer=$((expected + 6))
psql_test -c "INSERT INTO schema_version (version) VALUES ($newer)"
rc=0
"$PARKPLANCTL" migrate --dsn "$TEST_DSN" >"$out" 2>"$errf" || rc=$?
[ "$rc" = 1 ] || fail "newer schema: exit $rc, expected 1"
grep -qF "database schema version $newer is newer than this parkplan (knows $expected); upgrade parkplan" \
	"$errf" || fail "newer schema: stderr was: $(cat "$errf")"
[ ! -s "$out" ] || fail "newer schema: stdout was: $(cat "$out")"
n=$(psql_test -At -c "SELECT count(*) FROM schema_version")
[ "$n" = $((expected + 1)) ] || fail "newer schema: schema_version changed ($n rows)"
pass

# The snapshot verb refuses it too.
rc=0
"$PARKPLANCTL" snapshot --dsn "$TEST_DSN" >"$out" 2>"$errf" || rc=$?
[ "$rc" = 1 ] || fail "snapshot on a newer schema: exit $rc, expected 1"
grep -q "newer than this parkplan" "$errf" || fail "snapshot on newer schema said: $(cat "$errf")"
pass

echo "test_db_migrate: $checks checks passed"
