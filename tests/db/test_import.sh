#!/usr/bin/env bash
# test_import.sh - the park's own lists against a real PostgreSQL
# (parkplanctl import, export-data, imports, sample --csv; docs/import.md):
#
#  1. the sample park's spreadsheets, UTF-8 and GB18030, imported into empty
#     databases give the same snapshot, byte for byte, as `parkplanctl
#     sample` writes;
#  2. export-data then import changes nothing, in both encodings and both
#     languages: every row unchanged, the database dump the same;
#  3. bad lists (import_cases.py: one row per class of problem, 30 classes
#     over six lists, expectations written by hand) are rejected whole, each
#     problem with its line, column, value and reason, and the dump of the
#     database is byte-for-byte the same before and after;
#  4. what an import does: new, changed (which columns), unchanged, retired
#     with --replace and brought back, a row stored before it had a key,
#     --place-missing zone, --crs gcj02, the import log, the schema's own
#     checks of a credit code, and an import waiting for another's lock.
set -euo pipefail
: "${PARKPLAN_TEST_DSN:?run through ctest: needs the pg fixture}"
: "${PARKPLANCTL:?run through ctest: needs PARKPLANCTL}"

here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
PGBIN=
for v in 17 16 15 14 13; do
	[ -x "/usr/lib/postgresql/$v/bin/psql" ] && { PGBIN=/usr/lib/postgresql/$v/bin; break; }
done
PSQL=${PGBIN:+$PGBIN/}psql
PG_DUMP=${PGBIN:+$PGBIN/}pg_dump

work=$(mktemp -d /tmp/pp-import.XXXXXX)
prefix="pp_import_$$"
. "$here/test_dbs.sh"
cleanup() {
	dbs_drop
	rm -rf "$work"
}
trap cleanup EXIT

checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok: $*"; }
# dump DB FILE [pg_dump options]: the data of every table parkplan keeps, as pg_dump writes it
dump() {
	local db=$1 out=$2
	shift 2
	"$PG_DUMP" --data-only --no-owner -d "$(dsn_of "$db")" \
		-t zone -t party_organisation -t enterprise -t community -t instructor -t period \
		-t instructor_unavailable -t rule -t setting -t import_log -t 'plan_*' "$@" |
		grep -v '^\\\(un\)\{0,1\}restrict ' >"$out" # a key of its own each run (pg_dump 15.14+)
}
# imp DB KIND FILE [options]: import --json into $work/out.json, the exit status into $rc
imp() {
	local db=$1 kind=$2 file=$3
	shift 3
	rc=0
	"$PARKPLANCTL" import "$kind" "$file" --dsn "$(dsn_of "$db")" --json "$@" \
		>"$work/out.json" 2>"$work/err.txt" || rc=$?
}
# jv KEY: a value of the last import's document
jv() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/out.json" "$1"; }
# held DB WHAT: wait (at most 30 s) until the session named pp_holder holds
# WHAT: a table's name, or "advisory" (so that a test starts only then)
held() {
	local i cond="l.relation = '$2'::regclass"
	[ "$2" = advisory ] && cond="l.locktype = 'advisory'"
	for i in $(seq 1 300); do
		[ "$(q "$1" "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE a.application_name = 'pp_holder' AND l.granted AND $cond")" != 0 ] && return 0
		sleep 0.1
	done
	fail "the holding session never held $2"
}
# holder DB SQL...: a session named pp_holder running SQL in the background ($holder)
holder() {
	local db=$1
	shift
	local args=()
	for sql in "$@"; do args+=(-c "$sql"); done
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$(dsn_of "$db") application_name=pp_holder" "${args[@]}" \
		>/dev/null 2>"$work/holder.err" &
	holder=$!
}

lists="zones periods enterprises communities instructors availability rules"

# --- 1. the sample's spreadsheets give the sample's snapshot -----------------------
db_s=$(new_db sample)
"$PARKPLANCTL" sample --dsn "$(dsn_of "$db_s")" --scale park --seed 7 >/dev/null
"$PARKPLANCTL" snapshot --dsn "$(dsn_of "$db_s")" --output "$work/sample.json"
"$PARKPLANCTL" sample --scale park --seed 7 --csv "$work/lists" >/dev/null
for enc in utf-8 gb18030; do
	db=$(new_db "${enc//-/}")
	for k in $lists; do
		imp "$db" "$k" "$work/lists/$enc/$k.csv"
		[ "$rc" = 0 ] || fail "import $k ($enc): exit $rc: $(cat "$work/err.txt" "$work/out.json")"
		want=$([ "$enc" = utf-8 ] && echo utf-8-bom || echo gb18030)
		[ "$(jv encoding)" = "$want" ] || fail "$k ($enc) read as $(jv encoding)"
	done
	"$PARKPLANCTL" snapshot --dsn "$(dsn_of "$db")" --output "$work/$enc.json"
	cmp -s "$work/sample.json" "$work/$enc.json" ||
		fail "the $enc lists give another snapshot: $(diff "$work/sample.json" "$work/$enc.json" | head -n 20)"
	ok "the sample's $enc spreadsheets give the snapshot parkplanctl sample gives (detected as $want)"
done
db_u=${prefix}_utf8
[ "$(q "$db_u" "SELECT count(*) FROM import_log")" = 7 ] || fail "7 imports not logged"
[ "$(q "$db_u" "SELECT string_agg(kind || ':' || rows_new, ' ' ORDER BY id) FROM import_log")" = \
	"zones:4 periods:4 enterprises:5000 communities:60 instructors:40 availability:5 rules:0" ] ||
	fail "import_log: $(q "$db_u" "SELECT string_agg(kind || ':' || rows_new, ' ' ORDER BY id) FROM import_log")"
[ "$(q "$db_u" "SELECT sha256 FROM import_log WHERE kind = 'enterprises'")" = \
	"$(sha256sum "$work/lists/utf-8/enterprises.csv" | cut -d' ' -f1)" ] || fail "import_log's checksum"
ok "import_log: every list, its rows and the file's SHA-256"

# --- 2. export-data, import: nothing changes ------------------------------------------
dump "$db_u" "$work/before.sql" -T import_log
for k in $lists; do
	for form in "utf-8 " "gb18030 --english"; do
		enc=${form%% *}
		# shellcheck disable=SC2086
		"$PARKPLANCTL" export-data "$k" --dsn "$(dsn_of "$db_u")" --encoding $form \
			--output "$work/export.csv" 2>/dev/null
		imp "$db_u" "$k" "$work/export.csv" --replace --dry-run
		[ "$rc" = 0 ] || fail "export-data $k ($form) does not import: $(cat "$work/out.json")"
		[ "$(jv new) $(jv changed) $(jv retired)" = "0 0 0" ] ||
			fail "export-data $k ($form) then import: $(jv new) new, $(jv changed) changed, $(jv retired) retired"
	done
	imp "$db_u" "$k" "$work/export.csv" --replace
	[ "$rc" = 0 ] || fail "re-import $k"
done
dump "$db_u" "$work/after.sql" -T import_log
cmp -s "$work/before.sql" "$work/after.sql" ||
	fail "the round trip changed the data: $(diff "$work/before.sql" "$work/after.sql" | head)"
ok "export-data then import, for every list, both encodings and languages: nothing changes (the dump is the same but for import_log)"

# --- 3. bad lists: rejected whole, every problem named, nothing written ------------------
"$PY" "$here/import_cases.py" write "$work" "$work/lists"
imp "$db_u" rules "$work/good-rules.csv"
[ "$rc" = 0 ] && [ "$(jv new)" = 1 ] || fail "the good rule: $(cat "$work/out.json" "$work/err.txt")"
"$PY" - "$work/cases.json" "$(q "$db_u" "SELECT count(*) FROM enterprise e JOIN zone z ON z.id = e.zone_id WHERE e.active AND z.code = 'D'")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["zone_d"] = sys.argv[2]; json.dump(c, open(sys.argv[1], "w"))
PY
"$PARKPLANCTL" export-data zones --dsn "$(dsn_of "$db_u")" --output "$work/zones.csv" 2>/dev/null
grep -v '^D,' "$work/zones.csv" >"$work/bad-zones-in-use.csv"
dump "$db_u" "$work/before.sql"
for name in enterprises communities rules availability periods zones-in-use; do
	kind=${name%%-*}
	opts=()
	[ "$name" = zones-in-use ] && opts=(--replace)
	imp "$db_u" "$kind" "$work/bad-$name.csv" "${opts[@]}"
	[ "$rc" = 3 ] || fail "bad $name: exit $rc, expected 3: $(cat "$work/err.txt")"
	"$PY" "$here/import_cases.py" check "$name" "$work/out.json" "$work/cases.json" || fail "bad $name"
	checks=$((checks + 1))
done
dump "$db_u" "$work/after.sql"
cmp -s "$work/before.sql" "$work/after.sql" || fail "a rejected list changed the database"
ok "six bad lists rejected: the dump of the database is byte-for-byte the same"
# the same problems for people, in the headers' language, on stderr
rc=0
"$PARKPLANCTL" import enterprises "$work/bad-enterprises.csv" --dsn "$(dsn_of "$db_u")" \
	>"$work/out.txt" 2>"$work/err.txt" || rc=$?
[ "$rc" = 3 ] && [ ! -s "$work/out.txt" ] || fail "text form: exit $rc"
grep -q "^bad-enterprises.csv：发现 23 个问题，未写入任何数据（编码：UTF-8（带 BOM））$" \
	<(sed "s|$work/||" "$work/err.txt") || fail "text form: $(head -n 2 "$work/err.txt")"
grep -q "^第 6 行，所属片区“Z9”：没有此编码的片区$" "$work/err.txt" || fail "text form: a row"
ok "the problems printed for people: line, column, value, reason in Chinese"

# --- 4. what an import does ------------------------------------------------------------------
db=$(new_db changes)
for k in zones periods enterprises; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
"$PY" - "$work/lists/utf-8/enterprises.csv" "$work/changed.csv" "$("$PY" "$here/import_cases.py" credit 91310104MA1K0000A)" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
h = rows[0]
rows[2][h.index("企业名称")] = "改名后的科技有限公司"           # line 3: the name
rows[3][h.index("纬度")] = "31.1701"                          # line 4: a coordinate
rows[3][h.index("经度")] = "121.4001"
del rows[5]                                                   # the 5th enterprise: retired
new = list(rows[1]); new[0] = sys.argv[3]; new[1] = "新入驻的科技有限公司"
new[h.index("纬度")] = new[h.index("经度")] = ""               # no position: placed
new[h.index("党组织类型")] = "党支部"; new[h.index("党组织名称")] = ""
rows.append(new)
w = csv.writer(open(sys.argv[2], "w", encoding="utf-8-sig", newline=""), lineterminator="\r\n")
w.writerows(rows)
PY
retired_code=$(sed -n 6p "$work/lists/utf-8/enterprises.csv" | cut -d, -f1)
imp "$db" enterprises "$work/changed.csv" --replace --dry-run
[ "$rc" = 3 ] && grep -q "缺少经纬度" "$work/out.json" || fail "a new row without a position is a problem without --place-missing"
imp "$db" enterprises "$work/changed.csv" --replace --dry-run --place-missing zone
[ "$rc" = 0 ] || fail "dry run: $(cat "$work/out.json")"
[ "$(jv new) $(jv changed) $(jv unchanged) $(jv retired) $(jv placed)" = "1 2 4997 1 1" ] ||
	fail "dry run counts: $(jv new) $(jv changed) $(jv unchanged) $(jv retired) $(jv placed)"
"$PY" - "$work/out.json" "$retired_code" <<'PY' || fail "dry run changes"
import json, sys
d = json.load(open(sys.argv[1]))
ch = {(c["what"], c["line"]): c for c in d["changes"]}
assert ch[("changed", 3)]["fields"] == "企业名称", ch
assert ch[("changed", 4)]["fields"] == "纬度, 经度", ch
assert ch[("new", 5001)]["name"] == "新入驻的科技有限公司", ch
assert [c["key"] for c in d["changes"] if c["what"] == "retired"] == [sys.argv[2]], ch
PY
[ "$(q "$db" "SELECT count(*) FROM enterprise WHERE name = '改名后的科技有限公司'")" = 0 ] ||
	fail "the dry run wrote"
ok "--dry-run: 1 new (placed), 2 changed with their columns, 1 retired; nothing written"
imp "$db" enterprises "$work/changed.csv" --replace --place-missing zone
[ "$rc" = 0 ] && [ "$(jv import_id)" != None ] || fail "the import: $(cat "$work/out.json")"
[ "$(q "$db" "SELECT active FROM enterprise WHERE credit_code = '$retired_code'")" = f ] ||
	fail "the retired row"
[ "$(q "$db" "SELECT e.id > 5000 AND e.approximate AND e.lat = z.lat AND e.lon = z.lon AND o.kind = 'branch'
	AND o.name = '新入驻的科技有限公司党支部' FROM enterprise e JOIN zone z ON z.id = e.zone_id
	JOIN party_organisation o ON o.id = e.party_org_id WHERE e.name = '新入驻的科技有限公司'")" = t ] ||
	fail "the new row: placed at its zone's centroid, approximate, with its own branch"
"$PARKPLANCTL" snapshot --dsn "$(dsn_of "$db")" --output "$work/changed.json"
"$PY" - "$work/changed.json" <<'PY' || fail "the snapshot's approximate flag"
import json, sys
s = json.load(open(sys.argv[1]))
e = [e for e in s["enterprises"] if e["name"] == "新入驻的科技有限公司"][0]
assert e["approximate"] is True and len(e["credit_code"]) == 18, e
assert sum(x["approximate"] for x in s["enterprises"]) == 1
PY
ok "written: the retired row inactive (not deleted), the new one at its zone's centroid and approximate in the snapshot"
imp "$db" enterprises "$work/lists/utf-8/enterprises.csv"
[ "$(jv new) $(jv changed) $(jv retired)" = "0 3 0" ] || fail "back: $(jv new) $(jv changed) $(jv retired)"
[ "$(q "$db" "SELECT active FROM enterprise WHERE credit_code = '$retired_code'")" = t ] ||
	fail "the retired row is not back"
grep -q '"fields": "重新启用"' "$work/out.json" || fail "reactivation not named"
ok "the old list again: the retired row back under its id (重新启用), the other two changed back"

# a row stored before keys existed is matched by its name, and gets its key
q "$db" "INSERT INTO zone (code, name, lat, lon) VALUES ('OLD', '老片区', 31.2, 121.5)" >/dev/null
q "$db" "INSERT INTO community (name, lat, lon) VALUES ('老居民区', 31.2, 121.5)" >/dev/null
old_id=$(q "$db" "SELECT id FROM community WHERE name = '老居民区'")
printf 'code,name,lat,lon\n310104777001,老居民区,31.2,121.5\n' >"$work/old.csv"
imp "$db" communities "$work/old.csv"
[ "$(jv changed)" = 1 ] && [ "$(q "$db" "SELECT code FROM community WHERE id = $old_id")" = 310104777001 ] ||
	fail "the keyless row: $(cat "$work/out.json")"
ok "a row without a key is matched by its name and given its key (same id)"

# GCJ-02: a position from a Chinese map service back to WGS-84 within 0.01 m
read -r glat glon < <("$PY" "$here/import_cases.py" gcj 31.1712345 121.4056789)
printf 'code,name,lat,lon\n310104777002,地图居民区,%s,%s\n' "$glat" "$glon" >"$work/gcj.csv"
imp "$db" communities "$work/gcj.csv" --crs gcj02
[ "$rc" = 0 ] || fail "gcj02: $(cat "$work/out.json")"
d=$(q "$db" "SELECT round((6371008.8 * 2 * asin(sqrt(power(sin(radians(lat - 31.1712345) / 2), 2)
	+ cos(radians(lat)) * cos(radians(31.1712345)) * power(sin(radians(lon - 121.4056789) / 2), 2))))::numeric, 6)
	FROM community WHERE code = '310104777002'")
"$PY" -c "import sys; sys.exit(0 if float('$d') < 0.01 else 1)" || fail "gcj02: $d m off"
ok "--crs gcj02: stored $d m from the WGS-84 point the GCJ-02 one was made from"

# the schema checks credit codes too, and keys are unique among active rows only
rc=0
q "$db" "UPDATE enterprise SET credit_code = '91350100M000100Y44' WHERE id = 1" >/dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "the schema took a wrong check character"
code1=$(q "$db" "SELECT credit_code FROM enterprise WHERE id = 1")
rc=0
q "$db" "UPDATE enterprise SET credit_code = '$code1' WHERE id = 2" >/dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "two active rows with one credit code"
q "$db" "UPDATE enterprise SET active = false, credit_code = '$code1' WHERE id = 3" >/dev/null ||
	fail "a retired row may share its key"
ok "the schema: parkplan_credit_code_ok refuses a wrong check character; keys unique among active rows"

# a byte that is not text in a header: named as \xHH in the problem's
# column, reason and value, in --json (UTF-8, the problem listed) and in
# the text for people (UTF-8 too), and nothing written
printf 'code,name,lat,lon,x\xff\xfey\n310104777003,Bytes,31.1,121.4,1\n' >"$work/badhdr.csv"
imp "$db" communities "$work/badhdr.csv"
[ "$rc" != 0 ] && "$PY" - "$work/out.json" <<'PY' || fail "a bad byte in a header: rc $rc, $(cat "$work/out.json")"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
p = d["problems"]
assert len(p) == 1 and p[0]["line"] == 1 and "\\xFF" in p[0]["column"], p
assert d["import_id"] is None, d
PY
"$PARKPLANCTL" import communities "$work/badhdr.csv" --dsn "$(dsn_of "$db")" >"$work/badhdr.txt" 2>&1 || true
"$PY" -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8"); assert "\\xFF" in t, t' \
	"$work/badhdr.txt" || fail "the text for people: $(od -c "$work/badhdr.txt" | head -5)"
[ "$(q "$db" "SELECT count(*) FROM community WHERE code = '310104777003'")" = 0 ] || fail "a row was written"
ok "a byte that is not text in a header: shown as \\xFF, UTF-8 in --json and in the text, nothing written"

# a file whose name is not UTF-8 (GBK, from a Windows archive): --json
# still a document, the name's stray bytes as '?'
gbk_name=$(printf '%s/\xc6\xf3\xd2\xb5.csv' "$work")
cp "$work/badhdr.csv" "$gbk_name"
imp "$db" communities "$gbk_name"
"$PY" - "$work/out.json" <<'PY' || fail "a file name in GBK: rc $rc, $(od -c "$work/out.json" | head -3)"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
assert d["file"].endswith(".csv") and d["file"].count("?") >= 2 and len(d["problems"]) == 1, d
PY
ok "a file name that is not UTF-8: --json still a document, the stray bytes as '?'"

# the schema's check of credit codes agrees with GB 32100's rules, computed
# independently, on 6 000 candidates right and wrong in every way
"$PY" "$here/import_cases.py" codes 6000 7 >"$work/codes.tsv"
q "$db" "CREATE TABLE credit_cases (code text, ok boolean)" >/dev/null
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$(dsn_of "$db")" -c "\\copy credit_cases FROM '$work/codes.tsv'"
wrong=$(q "$db" "SELECT count(*) FROM credit_cases WHERE parkplan_credit_code_ok(code) IS DISTINCT FROM ok")
right=$(q "$db" "SELECT count(*) FILTER (WHERE ok) || ' right, ' || count(*) FILTER (WHERE NOT ok) || ' wrong' FROM credit_cases")
[ "$wrong" = 0 ] || fail "parkplan_credit_code_ok disagrees with GB 32100 on $wrong codes: $(q "$db" \
	"SELECT string_agg(code || '=' || ok, ' ') FROM (SELECT * FROM credit_cases
	  WHERE parkplan_credit_code_ok(code) IS DISTINCT FROM ok LIMIT 5) x")"
[ "$(q "$db" "SELECT parkplan_credit_code_ok(NULL) IS NULL")" = t ] || fail "a NULL code is not left to NOT NULL's care"
ok "parkplan_credit_code_ok agrees with GB 32100 on 6 000 codes ($right)"
q "$db" "DROP TABLE credit_cases" >/dev/null

# imports wait for each other (the advisory lock), then both are written
holder "$db" "SELECT pg_advisory_lock(8100691965683527796)" "SELECT pg_sleep(2)"
held "$db" advisory
start=$(date +%s.%N)
imp "$db" periods "$work/lists/utf-8/periods.csv"
waited=$("$PY" -c "print(round($(date +%s.%N) - $start, 2))")
wait "$holder"
[ "$rc" = 0 ] || fail "the waiting import failed"
"$PY" -c "import sys; sys.exit(0 if $waited >= 1.0 else 1)" || fail "the import did not wait ($waited s)"
ok "an import waits for another holding the lock ($waited s)"

out=$("$PARKPLANCTL" imports --dsn "$(dsn_of "$db")" --limit 3)
grep -q "periods" <<<"$out" && grep -q "communities" <<<"$out" && [ "$(wc -l <<<"$out")" = 5 ] || fail "imports: $out"
ok "parkplanctl imports lists them"

# --- 5. a large list written with the table's indexes put aside (--bulk) -----------------
# schema DB FILE: the schema as pg_dump writes it (indexes, constraints, triggers)
schema() {
	"$PG_DUMP" --schema-only --no-owner -d "$(dsn_of "$1")" |
		grep -v '^\\\(un\)\{0,1\}restrict ' >"$2"
}
db_bare=$(new_db bare)
schema "$db_bare" "$work/schema-fresh.sql"
for b in yes no auto; do
	db=$(new_db "bulk$b")
	for k in zones periods; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
	imp "$db" enterprises "$work/lists/utf-8/enterprises.csv" --bulk "$b"
	[ "$rc" = 0 ] || fail "--bulk $b: exit $rc: $(cat "$work/err.txt" "$work/out.json")"
	want=$([ "$b" = no ] && echo False || echo True) # auto: 5 000 new rows into an empty table
	[ "$(jv bulk)" = "$want" ] || fail "--bulk $b: bulk is $(jv bulk)"
	dump "$db" "$work/bulk-$b.sql" -T import_log
	schema "$db" "$work/schema-$b.sql"
	cmp -s "$work/schema-fresh.sql" "$work/schema-$b.sql" ||
		fail "--bulk $b left another schema: $(diff "$work/schema-fresh.sql" "$work/schema-$b.sql" | head)"
done
cmp -s "$work/bulk-yes.sql" "$work/bulk-no.sql" && cmp -s "$work/bulk-no.sql" "$work/bulk-auto.sql" ||
	fail "--bulk yes and no wrote other rows: $(diff "$work/bulk-yes.sql" "$work/bulk-no.sql" | head)"
ok "--bulk yes, no and auto write the same rows, and the schema is a freshly migrated one's (every index and foreign key back)"

# a few rows changed: row by row, whatever the list's length
imp "$db" enterprises "$work/changed.csv" --place-missing zone
[ "$rc" = 0 ] && [ "$(jv bulk)" = False ] && [ "$(jv new) $(jv changed)" = "1 2" ] ||
	fail "a small change: bulk $(jv bulk), $(jv new) new, $(jv changed) changed"
ok "--bulk auto: 3 rows of 5 001 written row by row"

# a failure in the middle of a bulk write: the indexes, the foreign keys
# and the rows all as they were
db=$(new_db bulkfail)
for k in zones periods; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
last=$(tail -n 1 "$work/lists/utf-8/enterprises.csv" | cut -d, -f1)
q "$db" "CREATE FUNCTION refuse_last() RETURNS trigger LANGUAGE plpgsql AS \$\$
	BEGIN IF NEW.credit_code = '$last' THEN RAISE EXCEPTION 'refused by the test'; END IF;
	RETURN NEW; END \$\$;
	CREATE TRIGGER refuse_last BEFORE INSERT ON enterprise FOR EACH ROW EXECUTE FUNCTION refuse_last()" \
	>/dev/null
schema "$db" "$work/schema-before.sql"
dump "$db" "$work/before.sql"
imp "$db" enterprises "$work/lists/utf-8/enterprises.csv" --bulk yes
[ "$rc" != 0 ] && grep -q "refused by the test" "$work/err.txt" || fail "the refused write: exit $rc, $(cat "$work/err.txt")"
schema "$db" "$work/schema-after.sql"
dump "$db" "$work/after.sql"
cmp -s "$work/schema-before.sql" "$work/schema-after.sql" ||
	fail "a failed bulk write left another schema: $(diff "$work/schema-before.sql" "$work/schema-after.sql" | head)"
# (but for the sequences: PostgreSQL does not give back the ids a rolled-back write drew)
diff <(grep -v "^SELECT pg_catalog.setval(" "$work/before.sql") \
	<(grep -v "^SELECT pg_catalog.setval(" "$work/after.sql") >"$work/diff.txt" ||
	fail "a failed bulk write changed the data: $(head "$work/diff.txt")"
[ "$(q "$db" "SELECT count(*) FROM enterprise")" = 0 ] || fail "rows left by the failed write"
ok "a bulk write refused at its last row: the schema byte-for-byte as before, no row written"

# --bulk yes waits for a reader of the table (a planner loading its snapshot)
q "$db" "DROP TRIGGER refuse_last ON enterprise" >/dev/null
holder "$db" "BEGIN" "SELECT count(*) FROM enterprise" "SELECT pg_sleep(3)" "COMMIT"
held "$db" enterprise
start=$(date +%s.%N)
imp "$db" enterprises "$work/lists/utf-8/enterprises.csv" --bulk yes
waited=$("$PY" -c "print(round($(date +%s.%N) - $start, 2))")
wait "$holder"
[ "$rc" = 0 ] && [ "$(jv new) $(jv bulk)" = "5000 True" ] || fail "the write after the reader: $(cat "$work/err.txt")"
"$PY" -c "import sys; sys.exit(0 if $waited >= 1.0 else 1)" || fail "the bulk write did not wait ($waited s)"
[ "$(q "$db" "SELECT count(*) FROM enterprise e JOIN zone z ON z.id = e.zone_id WHERE e.active")" = 5000 ] ||
	fail "after the bulk write"
ok "--bulk yes waits for a reader of the table ($waited s), then writes all 5 000 rows"

# --bulk auto does not wait long: with a reader holding the table, or a
# table its keys point to, the list is written row by row after 2 s (new
# readers would queue behind a waiting ACCESS EXCLUSIVE meanwhile); the
# import is done while the reader still reads.  A reader of zone then of
# enterprise in one snapshot, as the planner's loader reads them, ends
# well: the import locks them in that order
for t in enterprise zone; do
	db=$(new_db "busy$t")
	for k in zones periods; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
	holder "$db" "BEGIN ISOLATION LEVEL REPEATABLE READ" "SELECT count(*) FROM $t" \
		"SELECT pg_sleep(8)" "SELECT count(*) FROM enterprise" "COMMIT"
	held "$db" "$t"
	imp "$db" enterprises "$work/lists/utf-8/enterprises.csv"
	kill -0 "$holder" 2>/dev/null || fail "the import waited for the reader of $t"
	[ "$rc" = 0 ] && [ "$(jv new)" = 5000 ] && [ "$(jv bulk) $(jv bulk_busy)" = "False True" ] ||
		fail "$t busy: exit $rc, bulk $(jv bulk) busy $(jv bulk_busy): $(cat "$work/err.txt")"
	wait "$holder" || fail "the reader of $t failed: $(cat "$work/holder.err")"
	schema "$db" "$work/schema-busy.sql"
	cmp -s "$work/schema-fresh.sql" "$work/schema-busy.sql" || fail "the busy fallback left another schema"
	[ "$(q "$db" "SELECT count(*) FROM enterprise WHERE active")" = 5000 ] || fail "after the busy fallback"
done
ok "--bulk auto with enterprise or zone held by a reader: row by row, done while it reads; the reader ends well"

# --bulk yes waits for that reader of zone then enterprise, and neither fails
db=$(new_db busyyes)
for k in zones periods; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
holder "$db" "BEGIN ISOLATION LEVEL REPEATABLE READ" "SELECT count(*) FROM zone" \
	"SELECT pg_sleep(2)" "SELECT count(*) FROM enterprise" "COMMIT"
held "$db" zone
imp "$db" enterprises "$work/lists/utf-8/enterprises.csv" --bulk yes
wait "$holder" || fail "the reader of zone failed beside --bulk yes: $(cat "$work/holder.err")"
[ "$rc" = 0 ] && [ "$(jv new) $(jv bulk)" = "5000 True" ] ||
	fail "--bulk yes after the reader of zone: exit $rc, $(cat "$work/err.txt")"
ok "--bulk yes beside a reader of zone then enterprise: it waits, no deadlock, both end well"

# a role that may write rows but owns no table (an office's import login)
# imports row by row, whatever --bulk says
role="pp_importer_$$"
q "$db_bare" "CREATE ROLE $role LOGIN" >/dev/null
cleanup_role() { "$PSQL" -X -q -d "$PARKPLAN_TEST_DSN" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true; }
db=$(new_db bulkrole)
for k in zones periods; do imp "$db" "$k" "$work/lists/utf-8/$k.csv"; done
q "$db" "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO $role;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO $role" >/dev/null
for b in auto yes; do
	rc=0
	"$PARKPLANCTL" import enterprises "$work/lists/utf-8/enterprises.csv" --json --bulk "$b" \
		--dsn "$(dsn_of "$db") user=$role" >"$work/out.json" 2>"$work/err.txt" || rc=$?
	[ "$rc" = 0 ] && [ "$(jv bulk)" = False ] ||
		{ cleanup_role; fail "--bulk $b by a role owning no table: exit $rc, bulk $(jv bulk): $(cat "$work/err.txt")"; }
done
[ "$(q "$db" "SELECT count(*) FROM enterprise WHERE active")" = 5000 ] ||
	{ cleanup_role; fail "the rows of the import by $role"; }
# the schema but for the grants
"$PG_DUMP" --schema-only --no-owner --no-privileges -d "$(dsn_of "$db")" |
	grep -v '^\\\(un\)\{0,1\}restrict ' >"$work/schema-role.sql"
"$PG_DUMP" --schema-only --no-owner --no-privileges -d "$(dsn_of "$db_bare")" |
	grep -v '^\\\(un\)\{0,1\}restrict ' >"$work/schema-bare.sql"
cmp -s "$work/schema-bare.sql" "$work/schema-role.sql" ||
	{ cleanup_role; fail "the import by $role changed the schema"; }
"$PSQL" -X -q -d "$PARKPLAN_TEST_DSN" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
cleanup_role
ok "an import login that owns no table: --bulk auto and yes write row by row, the schema untouched"

echo "all $checks checks passed"
