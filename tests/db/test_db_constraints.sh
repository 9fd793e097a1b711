#!/usr/bin/env bash
# The schema rejects bad rows with PostgreSQL's own error: each bad INSERT
# must fail (psql exit 3 under ON_ERROR_STOP) with the expected SQLSTATE and
# constraint, while the same row made good is accepted.
set -euo pipefail
. "$(dirname "$0")/test_db_lib.sh"

db_create constraints
errf=$(mktemp)
trap 'rm -f "$errf"; db_drop' EXIT

"$PARKPLANCTL" migrate --dsn "$TEST_DSN" >/dev/null

psql_test <<'SQL'
INSERT INTO zone (id, code, name, lat, lon) VALUES (1, 'A', 'Zone A', 31.17, 121.40);
INSERT INTO party_organisation (id, name, kind) VALUES (1, 'Branch', 'branch');
SQL

# expect_ok SQL: the statement succeeds.
expect_ok() {
	local rc=0
	psql_test -c "$1" >/dev/null 2>"$errf" || rc=$?
	[ "$rc" = 0 ] || fail "good row rejected (exit $rc): $1: $(cat "$errf")"
	pass
}

# expect_error SQLSTATE TEXT SQL: the statement fails with SQLSTATE and TEXT.
expect_error() {
	local state=$1 text=$2 sql=$3 rc=0
	printf '\\set VERBOSITY verbose\n%s\n' "$sql" | psql_test >/dev/null 2>"$errf" || rc=$?
	[ "$rc" = 3 ] || fail "bad row: psql exit $rc (expected 3, a failed statement): $sql"
	grep -q "ERROR:  $state:" "$errf" || fail "bad row: no SQLSTATE $state: $sql: $(cat "$errf")"
	grep -qF "$text" "$errf" || fail "bad row: no '$text': $sql: $(cat "$errf")"
	pass
}

# Latitude out of range.
expect_ok "INSERT INTO zone (id, code, name, lat, lon) VALUES (2, 'B', 'Zone B', 31.2, 121.4)"
expect_error 23514 'violates check constraint "zone_lat_check"' \
	"INSERT INTO zone (id, code, name, lat, lon) VALUES (3, 'C', 'Zone C', 123, 121.4)"
expect_error 23514 'violates check constraint "zone_lon_check"' \
	"INSERT INTO zone (id, code, name, lat, lon) VALUES (3, 'C', 'Zone C', 31, 181)"
expect_error 23514 'violates check constraint "zone_lat_check"' \
	"INSERT INTO zone (id, code, name, lat, lon) VALUES (3, 'C', 'Zone C', 'NaN', 121.4)"

expect_ok "INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)
	VALUES (10, 'E10', 1, 'IC', 31.16, 121.39)"
expect_error 23514 'violates check constraint "enterprise_lat_check"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)
	VALUES (11, 'E11', 1, 'IC', 123, 121.39)"

# An enterprise in a zone that does not exist.
expect_error 23503 'violates foreign key constraint "enterprise_zone_id_fkey"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)
	VALUES (12, 'E12', 99, 'IC', 31.16, 121.39)"
# ... and of an organisation that does not exist.
expect_error 23503 'violates foreign key constraint "enterprise_party_org_id_fkey"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, party_org_id, lat, lon)
	VALUES (12, 'E12', 1, 'IC', 99, 31.16, 121.39)"
# A code list with a NULL in it.
expect_error 23514 'violates check constraint "enterprise_offers_check"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, lat, lon, offers)
	VALUES (12, 'E12', 1, 'IC', 31.16, 121.39, ARRAY['law', NULL])"
# An infinite joining date.
expect_error 23514 'violates check constraint "enterprise_joined_on_check"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, lat, lon, joined_on)
	VALUES (12, 'E12', 1, 'IC', 31.16, 121.39, 'infinity')"

# min_partners above max_partners.
expect_ok "INSERT INTO community (id, name, lat, lon, min_partners, max_partners)
	VALUES (20, 'C20', 31.15, 121.41, 2, 2)"
expect_error 23514 'violates check constraint "community_partners_check"' \
	"INSERT INTO community (id, name, lat, lon, min_partners, max_partners)
	VALUES (21, 'C21', 31.15, 121.41, 4, 3)"

# party_org outside its set, and 'none' for an organisation.
expect_ok "INSERT INTO party_organisation (id, name, kind) VALUES (2, 'Joint', 'joint_branch')"
expect_error 22P02 'invalid input value for enum party_org: "cell"' \
	"INSERT INTO party_organisation (id, name, kind) VALUES (3, 'Cell', 'cell')"
expect_error 23514 'violates check constraint "party_organisation_kind_check"' \
	"INSERT INTO party_organisation (id, name, kind) VALUES (3, 'Nothing', 'none')"

# An instructor's capacity must be positive.
expect_error 23514 'violates check constraint "instructor_capacity_check"' \
	"INSERT INTO instructor (id, name, capacity, home_lat, home_lon) VALUES (30, 'I30', 0, 31, 121)"

# A rule's shape follows its kind.
expect_ok "INSERT INTO rule (kind, enterprise_id, community_id) VALUES ('pin_pair', 10, 20)"
expect_error 23514 'violates check constraint "rule_shape_check"' \
	"INSERT INTO rule (kind, enterprise_id, community_id) VALUES ('pin_zone', 10, 20)"

# Unknown settings.
expect_ok "INSERT INTO setting (key, value) VALUES ('w_need', '500')"
expect_error 23514 'violates check constraint "setting_key_check"' \
	"INSERT INTO setting (key, value) VALUES ('w_needs', '500')"

# A setting's value has the setting's JSON type.
expect_ok "INSERT INTO setting (key, value) VALUES ('max_changes', 'null')"
expect_ok "INSERT INTO setting (key, value) VALUES ('org_weight', '{\"branch\": 4}')"
expect_error 23514 'violates check constraint "setting_value_check"' \
	"INSERT INTO setting (key, value) VALUES ('w_keep_pair', '\"many\"')"
expect_error 23514 'violates check constraint "setting_value_check"' \
	"INSERT INTO setting (key, value) VALUES ('diverse_industries', '1')"
expect_error 23514 'violates check constraint "setting_value_check"' \
	"UPDATE setting SET value = '[4]' WHERE key = 'org_weight'"

# Ids are positive, also when given by hand.
expect_error 23514 'violates check constraint "zone_id_check"' \
	"INSERT INTO zone (id, code, name, lat, lon) VALUES (0, 'Z', 'Zone 0', 31, 121)"
expect_error 23514 'violates check constraint "enterprise_id_check"' \
	"INSERT INTO enterprise (id, name, zone_id, industry, lat, lon)
	VALUES (-5, 'E', 1, 'IC', 31.16, 121.39)"

# Only a plan that succeeded can be approved.
expect_error 23514 'violates check constraint "plan_run_approve_check"' \
	"INSERT INTO plan_run (trigger, status, approved_at) VALUES ('replan', 'failed', now())"

# Nothing bad got in.
n=$(psql_test -At -c "SELECT (SELECT count(*) FROM zone) || ' ' || (SELECT count(*) FROM enterprise)
	|| ' ' || (SELECT count(*) FROM community) || ' ' || (SELECT count(*) FROM party_organisation)")
[ "$n" = "2 1 1 2" ] || fail "row counts after the bad inserts: $n (expected 2 1 1 2)"
pass

echo "test_db_constraints: $checks checks passed"
