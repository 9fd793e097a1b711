#!/usr/bin/env bash
# test_sample.sh park|district|city|cli - the sample park generator
# (`parkplanctl sample`) against a real PostgreSQL.
#
# The expected numbers come from the seed article and the brief (5 000
# enterprises, 6/15/192/102 organisations, 4 zones, the park's box ...),
# never from the generator's own output.  Each run creates its own
# databases and drops them at the end.
set -euo pipefail

mode=${1:?usage: test_sample.sh park|district|city|cli}
: "${PARKPLANCTL:?PARKPLANCTL is not set}"

failures=0
pass() { echo "ok   - $*"; }
fail() {
	echo "FAIL - $*" >&2
	failures=$((failures + 1))
}
# expect NAME EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}
# expect_true NAME SQL-BOOLEAN-RESULT
expect_true() { expect "$1" t "$2"; }

# --- the command line alone: no database needed ---------------------------
if [ "$mode" = cli ]; then
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent' >/dev/null 2>&1 || rc=$?
	expect "missing --scale is a usage error" 2 "$rc"
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent' --scale town >/dev/null 2>&1 || rc=$?
	expect "unknown scale is a usage error" 2 "$rc"
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent' --scale park --seed -3 >/dev/null 2>&1 || rc=$?
	expect "negative seed is a usage error" 2 "$rc"
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent' --scale park --seed 12x >/dev/null 2>&1 || rc=$?
	expect "seed with garbage is a usage error" 2 "$rc"
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent' --scale park extra >/dev/null 2>&1 || rc=$?
	expect "stray argument is a usage error" 2 "$rc"
	rc=0
	env -u PARKPLAN_DSN "$PARKPLANCTL" sample --scale park >/dev/null 2>&1 || rc=$?
	expect "no DSN is a usage error" 2 "$rc"
	rc=0
	"$PARKPLANCTL" sample --dsn 'host=/nonexistent/parkplan-no-server connect_timeout=2' \
		--scale park >/dev/null 2>&1 || rc=$?
	expect "unreachable database" 4 "$rc"
	rc=0
	out=$("$PARKPLANCTL" sample --help) || rc=$?
	expect "--help exits 0" 0 "$rc"
	case "$out" in *"--scale park|district|city"*) pass "--help shows the usage" ;;
	*) fail "--help does not show the usage: $out" ;; esac
	[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
	exit 0
fi

: "${PARKPLAN_TEST_DSN:?PARKPLAN_TEST_DSN is not set}"
PSQL=psql
command -v psql >/dev/null 2>&1 || PSQL=$(ls /usr/lib/postgresql/*/bin/psql | tail -n 1)

prefix="pp_sample_${mode}_$$"
. "$(dirname "$0")/test_dbs.sh"
trap dbs_drop EXIT

# table_digest DB: md5 of every planning table, read in primary-key order
table_digest() {
	local t
	for t in zone party_organisation enterprise community instructor period; do
		echo "$t $("$PSQL" -X -q -d "$(dsn_of "$1")" \
			-c "COPY (SELECT * FROM $t ORDER BY id) TO STDOUT" | md5sum | cut -d' ' -f1)"
	done
	echo "instructor_unavailable $("$PSQL" -X -q -d "$(dsn_of "$1")" \
		-c "COPY (SELECT * FROM instructor_unavailable ORDER BY 1, 2) TO STDOUT" |
		md5sum | cut -d' ' -f1)"
}

# sample DB SCALE SEED: run the generator, keep its output in $out
sample() {
	out=$("$PARKPLANCTL" sample --dsn "$(dsn_of "$1")" --scale "$2" --seed "$3")
}

# Checks common to every scale.  Arguments: DB ENTERPRISES ZONES COMMUNITIES
# INSTRUCTORS COMMITTEES GENERAL BRANCHES JOINT; LAT LON HALF_LAT HALF_LON
# (the zones' box), MARGIN_LAT MARGIN_LON (communities).
check_scale() {
	local db=$1 ne=$2 nz=$3 nc=$4 ni=$5 n1=$6 n2=$7 n3=$8 n4=$9
	local lat=${10} lon=${11} hlat=${12} hlon=${13} mlat=${14} mlon=${15}

	expect "enterprises" "$ne" "$(q "$db" 'SELECT count(*) FROM enterprise')"
	expect "zones" "$nz" "$(q "$db" 'SELECT count(*) FROM zone')"
	expect "communities" "$nc" "$(q "$db" 'SELECT count(*) FROM community')"
	expect "instructors" "$ni" "$(q "$db" 'SELECT count(*) FROM instructor')"
	expect "organisations by kind" \
		"committee|$n1 general_branch|$n2 branch|$n3 joint_branch|$n4" \
		"$(q "$db" "SELECT kind, count(*) FROM party_organisation GROUP BY kind ORDER BY kind" | tr '\n' ' ' | sed 's/ $//')"
	expect "periods" "2027Q1|2027-01-01 2027Q2|2027-04-01 2027Q3|2027-07-01 2027Q4|2027-10-01" \
		"$(q "$db" "SELECT label, start FROM period ORDER BY start" | tr '\n' ' ' | sed 's/ $//')"

	# organisations: joint branches span >= 2 enterprises of one zone,
	# every other organisation exactly one enterprise
	expect "joint branches with fewer than 2 members" 0 "$(q "$db" "
		SELECT count(*) FROM party_organisation o
		 WHERE o.kind = 'joint_branch'
		   AND (SELECT count(*) FROM enterprise e WHERE e.party_org_id = o.id) < 2")"
	expect "joint branches spanning zones" 0 "$(q "$db" "
		SELECT count(*) FROM (SELECT party_org_id FROM enterprise e
		  JOIN party_organisation o ON o.id = e.party_org_id
		 WHERE o.kind = 'joint_branch'
		 GROUP BY party_org_id HAVING count(DISTINCT zone_id) > 1) x")"
	expect "other organisations without exactly one enterprise" 0 "$(q "$db" "
		SELECT count(*) FROM party_organisation o
		 WHERE o.kind <> 'joint_branch'
		   AND (SELECT count(*) FROM enterprise e WHERE e.party_org_id = o.id) <> 1")"
	expect_true "enterprises in an organisation about 6.3% + joint members" "$(q "$db" "
		SELECT count(*) BETWEEN $ne * 0.10 AND $ne * 0.25 FROM enterprise
		 WHERE party_org_id IS NOT NULL")"
	expect_true "organisations' enterprises are larger than the rest" "$(q "$db" "
		SELECT (SELECT avg(e.employees) FROM enterprise e JOIN party_organisation o
		          ON o.id = e.party_org_id WHERE o.kind = 'committee')
		     > (SELECT avg(e.employees) FROM enterprise e JOIN party_organisation o
		          ON o.id = e.party_org_id WHERE o.kind = 'branch')
		   AND (SELECT avg(e.employees) FROM enterprise e JOIN party_organisation o
		          ON o.id = e.party_org_id WHERE o.kind = 'branch')
		     > (SELECT avg(employees) FROM enterprise WHERE party_org_id IS NULL)")"
	expect "organised enterprises without party members" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise WHERE party_org_id IS NOT NULL AND party_members = 0")"
	expect "branches (own) with fewer than 3 party members" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise e JOIN party_organisation o ON o.id = e.party_org_id
		 WHERE o.kind <> 'joint_branch' AND e.party_members < 3")"
	expect_true "some enterprises without an organisation have >= 3 party members" "$(q "$db" "
		SELECT count(*) > 0 FROM enterprise WHERE party_org_id IS NULL AND party_members >= 3")"
	expect "party members exceeding employees" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise WHERE party_members > employees")"

	# pairing volunteers: about one in ten, mostly with an organisation
	expect_true "volunteers between 8% and 12%" "$(q "$db" "
		SELECT count(*) FILTER (WHERE max_communities >= 1)::float / count(*)
		       BETWEEN 0.08 AND 0.12 FROM enterprise")"
	expect_true "most own-organisation enterprises volunteer" "$(q "$db" "
		SELECT avg((e.max_communities >= 1)::int) > 0.5 FROM enterprise e
		  JOIN party_organisation o ON o.id = e.party_org_id WHERE o.kind <> 'joint_branch'")"
	expect_true "volunteers offer something" "$(q "$db" "
		SELECT bool_and(cardinality(offers) >= 1) FROM enterprise WHERE max_communities >= 1")"

	# the code lists
	expect "industries outside the six clusters" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise WHERE industry NOT IN
		 ('元宇宙', '集成电路', '生命健康', '绿色低碳', '复合产业', '电子信息')")"
	expect "industries present" 6 "$(q "$db" "SELECT count(DISTINCT industry) FROM enterprise")"
	expect "offers outside the needs list" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise, unnest(offers) AS o WHERE o NOT IN
		 ('助餐', '托育', '通勤', '学习', '文体', '养老', '法律服务', '医疗服务')")"
	expect "needs outside the list" 0 "$(q "$db" "
		SELECT count(*) FROM community, unnest(needs) AS n WHERE n NOT IN
		 ('助餐', '托育', '通勤', '学习', '文体', '养老', '法律服务', '医疗服务')")"
	expect "communities without needs" 0 "$(q "$db" "
		SELECT count(*) FROM community WHERE cardinality(needs) = 0")"
	expect "community partner limits" "t" "$(q "$db" "
		SELECT bool_and(min_partners IN (1, 2) AND max_partners = 3)
		   AND bool_or(min_partners = 2) FROM community")"
	expect "instructor skills (1-2 industry codes)" 0 "$(q "$db" "
		SELECT count(*) FROM instructor WHERE cardinality(skills) NOT BETWEEN 1 AND 2
		    OR NOT skills <@ ARRAY['元宇宙', '集成电路', '生命健康', '绿色低碳',
		                           '复合产业', '电子信息']")"

	# instructors: a full-time one per zone in every period, the rest part-time
	expect_true "full-time share between 20% and 40%" "$(q "$db" "
		SELECT avg(full_time::int) BETWEEN 0.2 AND 0.4 FROM instructor")"
	expect "periods with fewer full-time instructors available than zones" 0 "$(q "$db" "
		SELECT count(*) FROM period p
		 WHERE (SELECT count(*) FROM instructor i WHERE i.full_time
		          AND NOT EXISTS (SELECT 1 FROM instructor_unavailable u
		                           WHERE u.instructor_id = i.id AND u.period_id = p.id))
		       < (SELECT count(*) FROM zone)")"
	expect_true "a few unavailability rows" "$(q "$db" "
		SELECT count(*) BETWEEN 1 AND (SELECT count(*) FROM instructor) / 4
		  FROM instructor_unavailable")"

	# joined_on over the park's history, some in the last year before 2027
	expect_true "joined_on within 1984-2026" "$(q "$db" "
		SELECT bool_and(joined_on BETWEEN '1984-01-01' AND '2026-12-31') FROM enterprise")"
	expect_true "some joined in the year before 2027-01-01" "$(q "$db" "
		SELECT count(*) FILTER (WHERE joined_on > '2026-01-01')::float / count(*)
		       BETWEEN 0.02 AND 0.15 FROM enterprise")"
	expect_true "joined_on spread over decades" "$(q "$db" "
		SELECT count(DISTINCT extract(year FROM joined_on)) >= 30 FROM enterprise")"

	# geography: zones tile the box as a grid; an enterprise lies in its
	# zone's cell iff that zone's centroid is the nearest one in latitude
	# and, separately, in longitude
	expect_true "zone centroids inside the box" "$(q "$db" "
		SELECT bool_and(abs(lat - $lat) < $hlat AND abs(lon - $lon) < $hlon) FROM zone")"
	expect_true "enterprises inside the box" "$(q "$db" "
		SELECT bool_and(abs(lat - $lat) <= $hlat AND abs(lon - $lon) <= $hlon) FROM enterprise")"
	expect_true "communities within the box widened by the margin" "$(q "$db" "
		SELECT bool_and(abs(lat - $lat) <= $hlat + $mlat AND abs(lon - $lon) <= $hlon + $mlon)
		  FROM community")"
	expect "enterprises outside their zone's grid cell" 0 "$(q "$db" "$cell_sql")"
	expect_true "zones of uneven size (every zone has enterprises)" "$(q "$db" "
		SELECT min(n) > 0 AND max(n) > min(n) FROM
		 (SELECT count(e.id) AS n FROM zone z LEFT JOIN enterprise e ON e.zone_id = z.id
		   GROUP BY z.id) x")"

	# names that read like the real thing, without duplicates
	expect "enterprise names not ending in 公司" 0 "$(q "$db" "
		SELECT count(*) FROM enterprise WHERE name NOT LIKE '%公司'")"
	expect "duplicate enterprise names" 0 "$(q "$db" "
		SELECT count(*) - count(DISTINCT name) FROM enterprise")"
	expect "community names not ending in 居民区" 0 "$(q "$db" "
		SELECT count(*) FROM community WHERE name NOT LIKE '%居民区'")"
	expect "duplicate community names" 0 "$(q "$db" "
		SELECT count(*) - count(DISTINCT name) FROM community")"
	expect "zone names not like …第N片区" 0 "$(q "$db" "
		SELECT count(*) FROM zone WHERE name !~ '^.+第[一二三四五六七八九十百零]+片区$'")"
	expect "organisation names by kind" 0 "$(q "$db" "
		SELECT count(*) FROM party_organisation WHERE NOT (
		    (kind = 'committee' AND name LIKE '%党委')
		 OR (kind = 'general_branch' AND name LIKE '%党总支')
		 OR (kind = 'branch' AND name LIKE '%党支部' AND name NOT LIKE '%联合党支部')
		 OR (kind = 'joint_branch' AND name ~ '^.+第[一二三四五六七八九十百千零]+联合党支部$'))")"
	expect_true "instructor names of two or three characters" "$(q "$db" "
		SELECT bool_and(char_length(name) BETWEEN 2 AND 3) FROM instructor")"
}

cell_sql="
	SELECT count(*) FROM enterprise e JOIN zone z ON z.id = e.zone_id
	 WHERE abs(e.lat - z.lat) > (SELECT min(abs(e.lat - o.lat)) FROM zone o) + 1e-9
	    OR abs(e.lon - z.lon) > (SELECT min(abs(e.lon - o.lon)) FROM zone o) + 1e-9"

# next_ids DB: the ids new rows get (identity sequences past the explicit
# ids), inserted in a transaction that is rolled back
next_ids() {
	q "$1" "
	BEGIN;
	WITH z AS (INSERT INTO zone (code, name, lat, lon)
	             VALUES ('ZZ-test', 'test', 31.1, 121.4) RETURNING id),
	     o AS (INSERT INTO party_organisation (name, kind)
	             VALUES ('test', 'branch') RETURNING id),
	     e AS (INSERT INTO enterprise (name, zone_id, industry, lat, lon)
	             VALUES ('test', 1, '电子信息', 31.17, 121.4) RETURNING id),
	     c AS (INSERT INTO community (name, lat, lon)
	             VALUES ('test', 31.17, 121.4) RETURNING id),
	     i AS (INSERT INTO instructor (name, home_lat, home_lon)
	             VALUES ('test', 31.17, 121.4) RETURNING id),
	     p AS (INSERT INTO period (label, start)
	             VALUES ('2028Q1', '2028-01-01') RETURNING id)
	SELECT z.id || ' ' || o.id || ' ' || e.id || ' ' || c.id || ' ' || i.id || ' ' || p.id
	  FROM z, o, e, c, i, p;
	ROLLBACK;"
}

case "$mode" in
park)
	db1=$(new_db a)
	sample "$db1" park 42
	for t in zone party_organisation enterprise community instructor period instructor_unavailable; do
		if grep -Eq "^$t +[0-9]+ rows" <<<"$out"; then pass "output line for $t"
		else fail "no output line for $t in: $out"; fi
	done
	check_scale "$db1" 5000 4 60 40 6 15 192 102 31.170 121.400 0.010 0.015 0.020 0.025
	expect "zone codes" "A B C D" "$(q "$db1" "SELECT string_agg(code, ' ' ORDER BY code) FROM zone")"
	expect "zone names" "漕河泾开发区第一片区 漕河泾开发区第二片区 漕河泾开发区第三片区 漕河泾开发区第四片区" \
		"$(q "$db1" "SELECT string_agg(name, ' ' ORDER BY id) FROM zone")"
	expect "full-time instructors" 12 "$(q "$db1" "SELECT count(*) FROM instructor WHERE full_time")"
	expect_true "the park's box: 31.160-31.180 N, 121.385-121.415 E" "$(q "$db1" "
		SELECT bool_and(lat BETWEEN 31.160 AND 31.180 AND lon BETWEEN 121.385 AND 121.415)
		  FROM enterprise")"
	expect_true "communities around the park, not inside its box" "$(q "$db1" "
		SELECT bool_and(NOT (lat BETWEEN 31.160 AND 31.180 AND lon BETWEEN 121.385 AND 121.415))
		  FROM community")"
	expect_true "instructors live around Xuhui" "$(q "$db1" "
		SELECT bool_and(home_lat BETWEEN 31.12 AND 31.23 AND home_lon BETWEEN 121.38 AND 121.48)
		  FROM instructor")"
	expect_true "joint branches of 3-8 members" "$(q "$db1" "
		SELECT bool_and(n BETWEEN 3 AND 8) FROM (SELECT count(*) AS n FROM enterprise e
		  JOIN party_organisation o ON o.id = e.party_org_id
		 WHERE o.kind = 'joint_branch' GROUP BY o.id) x")"
	expect "next ids after the sample" "5 316 5001 61 41 5" "$(next_ids "$db1" | head -n 1)"
	expect "the failed inserts were rolled back" 5000 "$(q "$db1" "SELECT count(*) FROM enterprise")"

	# deterministic: same seed, same rows; another seed, other rows
	db2=$(new_db b)
	sample "$db2" park 42
	d1=$(table_digest "$db1")
	d2=$(table_digest "$db2")
	expect "same seed gives identical tables" "$d1" "$d2"
	db3=$(new_db c)
	sample "$db3" park 43
	d3=$(table_digest "$db3")
	for t in enterprise community instructor party_organisation; do
		a=$(grep "^$t " <<<"$d1")
		b=$(grep "^$t " <<<"$d3")
		if [ "$a" != "$b" ]; then pass "seed 43 changes $t"; else fail "seed 43 gives the same $t as seed 42"; fi
	done
	expect "seed 43 keeps the counts" "5000 315" \
		"$(q "$db3" "SELECT (SELECT count(*) FROM enterprise) || ' ' || (SELECT count(*) FROM party_organisation)")"

	# a database with planning data is refused, and left as it was
	rc=0
	err=$("$PARKPLANCTL" sample --dsn "$(dsn_of "$db1")" --scale park --seed 7 2>&1 >/dev/null) || rc=$?
	expect "sample into a loaded database exits 1" 1 "$rc"
	case "$err" in *"already holds planning data"*) pass "the refusal says why" ;;
	*) fail "refusal message: $err" ;; esac
	expect "the loaded database is unchanged" "$d1" "$(table_digest "$db1")"

	db4=$(new_db d)
	q "$db4" "INSERT INTO setting (key, value) VALUES ('w_need', '700')" >/dev/null
	rc=0
	err=$("$PARKPLANCTL" sample --dsn "$(dsn_of "$db4")" --scale park 2>&1 >/dev/null) || rc=$?
	expect "a database with only a setting is refused" 1 "$rc"
	expect "nothing written into it" 0 "$(q "$db4" "SELECT count(*) FROM enterprise")"

	# a database that was never migrated
	db5="${prefix}_e"
	"$PSQL" -X -q -d "$PARKPLAN_TEST_DSN" -c "CREATE DATABASE $db5" >/dev/null
	databases+=("$db5")
	rc=0
	err=$("$PARKPLANCTL" sample --dsn "$(dsn_of "$db5")" --scale park 2>&1 >/dev/null) || rc=$?
	expect "an unmigrated database is refused" 1 "$rc"
	case "$err" in *migrate*) pass "the refusal points to migrate" ;;
	*) fail "unmigrated refusal message: $err" ;; esac
	;;
district)
	db1=$(new_db a)
	sample "$db1" district 2024
	# the area grows with the enterprises: sides x sqrt(10) around the park
	check_scale "$db1" 50000 30 600 300 60 150 1920 1020 31.170 121.400 0.0317 0.0475 0.020 0.025
	expect "next ids after the sample" "31 3151 50001 601 301 5" "$(next_ids "$db1" | head -n 1)"
	;;
city)
	db1=$(new_db a)
	start=$(date +%s)
	sample "$db1" city 1
	echo "$out"
	echo "city scale loaded in $(($(date +%s) - start)) s"
	check_scale "$db1" 200000 200 6000 2000 240 600 7680 4080 31.170 121.400 0.0633 0.0949 0.020 0.025
	expect "next ids after the sample" "201 12601 200001 6001 2001 5" "$(next_ids "$db1" | head -n 1)"
	;;
*)
	echo "usage: test_sample.sh park|district|city|cli" >&2
	exit 2
	;;
esac

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
echo "all checks passed"
