/*
 * test_import.c - the pieces of `parkplanctl import` that need no database,
 * against expectations computed here independently:
 *
 *  - credit codes: the GB 32100 check character recomputed by the
 *    standard's algorithm (weights 3^(i-1) mod 31 computed, not copied),
 *    published codes of real enterprises, every single-character error;
 *  - encodings: detection, GB18030 bytes known from the standard's tables,
 *    invalid bytes kept and named;
 *  - dates in Excel's forms, against timegm();
 *  - lists split on 、，,;；|, numbers, booleans, enumerations;
 *  - the header table: Chinese, other Chinese forms, English; and the
 *    documents made from it (docs/import.md, parkplanctl(1)) say the same;
 *  - records with their lines (quoted line breaks, blank lines, CRLF, an
 *    unclosed quote) and a bad file's problems, exactly;
 *  - GCJ-02: points computed by the published forward formula (written out
 *    here again) converted back to below 0.01 m;
 *  - SHA-256 against FIPS 180-2's examples.
 *
 * Usage: test_import DOCS_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "credit_code.h"
#include "import_impl.h"
#include "snapshot.h"

/* --- credit codes -------------------------------------------------------------------- */

/* GB 32100-2015 section 4, written out again from the standard. */
static char
expected_check(const char *code17)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	int sum = 0, i, weight = 1;

	for (i = 0; i < 17; i++) {
		const char *p = strchr(alphabet, code17[i]);

		if (p == NULL || code17[i] == '\0')
			return '?';
		sum += (int)(p - alphabet) * weight;
		weight = weight * 3 % 31;
	}
	return alphabet[(31 - sum % 31) % 31];
}

static void
test_credit_codes(void)
{
	/* published codes of real enterprises (registers and the standard's example) */
	static const char *const published[] = {
	    "91350100M000100Y43", /* the example of GB 32100 commentaries */
	    "91110108551385082Q", /* 小米科技有限责任公司 */
	    "914403001922038216", /* 华为技术有限公司 */
	    "91440300708461136T", /* 深圳市腾讯计算机系统有限公司 */
	    "91330100799655058B", /* 阿里巴巴（中国）有限公司 */
	};
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	size_t i;
	int pos, k, n_bad = 0, at;
	char exp, code[19];
	unsigned seed = 12345;

	for (i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		CHECK_MSG(expected_check(published[i]) == published[i][17], "%s", published[i]);
		CHECK_INT_EQ(credit_code_verify(published[i], &pos, &exp), CREDIT_CODE_OK);
		CHECK(credit_code_check_char(published[i]) == published[i][17]);
	}
	/* every single-character change of a body character is caught */
	for (pos = 0; pos < 17; pos++) {
		for (k = 0; k < 31; k++) {
			strcpy(code, published[0]);
			if (code[pos] == alphabet[k] || (pos >= 2 && pos < 8 && k >= 10))
				continue;
			code[pos] = alphabet[k];
			if (credit_code_verify(code, &at, &exp) != CREDIT_CODE_CHECK)
				n_bad++;
		}
	}
	CHECK_INT_EQ(n_bad, 0);
	/* random bodies: the library and the standard agree */
	for (i = 0; i < 2000; i++) {
		for (k = 0; k < 17; k++) {
			seed = seed * 1103515245u + 12345u;
			code[k] = k >= 2 && k < 8 ? (char)('0' + (seed >> 16) % 10)
			                          : alphabet[(seed >> 16) % 31];
		}
		code[17] = expected_check(code);
		code[18] = '\0';
		CHECK(credit_code_verify(code, &pos, &exp) == CREDIT_CODE_OK);
		code[17] = code[17] == '0' ? '1' : '0';
		CHECK(credit_code_verify(code, &pos, &exp) == CREDIT_CODE_CHECK &&
		      exp == expected_check(code));
	}
	CHECK_INT_EQ(credit_code_verify("91350100M000100Y4", &pos, &exp), CREDIT_CODE_LENGTH);
	CHECK_INT_EQ(credit_code_verify("91350100M000100I43", &pos, &exp), CREDIT_CODE_CHARACTER);
	CHECK_INT_EQ(pos, 16);
	CHECK_INT_EQ(credit_code_verify("91350100m000100Y43", &pos, &exp), CREDIT_CODE_CHARACTER);
	CHECK_INT_EQ(credit_code_verify("9135A100M000100Y43", &pos, &exp), CREDIT_CODE_DIVISION);
	CHECK_INT_EQ(pos, 5);
	CHECK_INT_EQ(credit_code_verify("91350100M000100Y44", &pos, &exp), CREDIT_CODE_CHECK);
	CHECK(exp == '3');
	/* GB 11714 by hand: D2143569 gives 13*3+2*7+1*9+4*10+3*5+5*8+6*4+9*2 = 199, 11 - 199 mod 11
	 * = 10: X */
	CHECK(org_code_check_char("D2143569") == 'X');
}

/* --- encodings ------------------------------------------------------------------------- */

static void
test_encodings(void)
{
	/* 中文 in GBK/GB18030 (GB 2312 row 54 and 46), 𠀀 (U+20000) a four-byte GB18030 sequence */
	static const unsigned char gbk[] = {0xd6, 0xd0, 0xce, 0xc4, ',', 'a', '\n'};
	static const unsigned char bom[] = {0xef, 0xbb, 0xbf, 'x', '\n'};
	struct imp_file f;
	char err[256], *out;
	size_t n;

	CHECK_INT_EQ(imp_detect_encoding(bom, sizeof(bom)), IMP_ENC_UTF8_BOM);
	CHECK_INT_EQ(imp_detect_encoding((const unsigned char *)"中文,a\n", 8), IMP_ENC_UTF8);
	CHECK_INT_EQ(imp_detect_encoding(gbk, sizeof(gbk)), IMP_ENC_GB18030);
	CHECK(!imp_utf8_valid((const unsigned char *)"\xc0\xaf", 2));     /* overlong '/' */
	CHECK(!imp_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3)); /* a surrogate */
	CHECK(imp_utf8_valid((const unsigned char *)"\xf0\xa0\x80\x80", 4));

	CHECK_INT_EQ(imp_file_parse(&f, gbk, sizeof(gbk), IMP_ENC_AUTO, err, sizeof(err)), 0);
	CHECK_INT_EQ(f.encoding, IMP_ENC_GB18030);
	CHECK(f.n_rows == 1 && strcmp(f.rows[0].cell[0], "中文") == 0);
	imp_file_free(&f);

	out = imp_to_gb18030("中文𠀀", strlen("中文𠀀"), &n);
	CHECK(out != NULL && n == 8 && memcmp(out, "\xd6\xd0\xce\xc4\x95\x32\x82\x36", 8) == 0);
	free(out);

	/* a GBK byte pair inside a UTF-8 file (with its mark): kept, marked, not fatal */
	CHECK_INT_EQ(imp_file_parse(&f,
	                            "\xef\xbb\xbf"
	                            "a,\xd6\xd0\n",
	                            8, IMP_ENC_AUTO, err, sizeof(err)),
	             0);
	CHECK_INT_EQ(f.encoding, IMP_ENC_UTF8_BOM);
	CHECK(f.n_rows == 1 && strcmp(f.rows[0].cell[1], "\xff"
	                                                 "D6\xff"
	                                                 "D0") == 0);
	imp_file_free(&f);
	/* forced GB18030 on bytes that are not: 0xFF is invalid there */
	CHECK_INT_EQ(imp_file_parse(&f, "a,\xff\n", 4, IMP_ENC_GB18030, err, sizeof(err)), 0);
	CHECK(f.n_rows == 1 && strcmp(f.rows[0].cell[1], "\xff"
	                                                 "FF") == 0);
	imp_file_free(&f);
}

/* --- values ---------------------------------------------------------------------------- */

static int32_t
days_of(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int32_t)(timegm(&tm) / 86400);
}

static void
test_dates(void)
{
	static const char *const good[] = {"2026-03-01",    "2026/3/1",     "2026/03/01",
	                                   "2026.3.1",      "2026年3月1日", "2026-3-1",
	                                   "2026/3/1 0:00", "46082",        "46082.0"};
	static const char *const bad[] = {"2026-02-30", "2026/13/1",  "26/3/1", "2026-03",
	                                  "2026年3月1", "3/1/2026",   "60",     "2026/3/1 9:30",
	                                  "abc",        "2026-03-01x"};
	size_t i;
	int32_t d;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CHECK_MSG(imp_parse_date(good[i], &d) == 0 && d == days_of(2026, 3, 1), "%s",
		          good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_MSG(imp_parse_date(bad[i], &d) < 0, "%s", bad[i]);
	/* Excel's serial numbers: 61 is 1900-03-01, 25569 is 1970-01-01 */
	CHECK(imp_parse_date("61", &d) == 0 && d == days_of(1900, 3, 1));
	CHECK(imp_parse_date("25569", &d) == 0 && d == 0);
	CHECK(imp_parse_date("2024-02-29", &d) == 0 && d == days_of(2024, 2, 29));
}

static void
test_lists(void)
{
	char **items;
	size_t n, i;

	CHECK_INT_EQ(
	    imp_split_list(" 助餐、托育，通勤,学习;文体；养老|法律服务｜医疗服务 ", &items, &n), 0);
	CHECK_INT_EQ(n, 8);
	CHECK(n == 8 && strcmp(items[0], "助餐") == 0 && strcmp(items[7], "医疗服务") == 0);
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	/* empty items dropped, duplicates kept once, inner spaces kept */
	CHECK_INT_EQ(imp_split_list("、a b、、a b　、c、", &items, &n), 0);
	CHECK(n == 2 && strcmp(items[0], "a b") == 0 && strcmp(items[1], "c") == 0);
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	CHECK_INT_EQ(imp_split_list("", &items, &n), 0);
	CHECK(n == 0 && items == NULL);
}

/* Parse text as a column of a kind; the reason, or "" when good. */
static const char *
parse(enum imp_kind kind, const char *key, const char *text, bool zh, struct imp_value *v)
{
	static char why[512];
	const struct imp_kind_spec *k = &imp_kinds[kind];

	imp_value_free(v);
	if (imp_parse(&k->cols[imp_col_index(k, key)], text, zh, v, why, sizeof(why)) == 0)
		return "";
	return why;
}

static void
test_values(void)
{
	struct imp_value v;
	char many[2000];
	int i;

	memset(&v, 0, sizeof(v));
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "1,234", false, &v), "") == 0 &&
	      v.i == 1234);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "12.0", false, &v), "") == 0 &&
	      v.i == 12);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "-3", false, &v), "is negative") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "-3", true, &v), "不能为负数") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "12,34", false, &v),
	             "is not an integer") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_members", "2000000", false, &v),
	             "is outside [0, 1000000]") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "lat", "31.17", false, &v), "") == 0 && v.d == 31.17);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "lat", "91", false, &v),
	             "latitude is outside [-90, 90]") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "lon", "nan", false, &v), "is not a number") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "approximate", "是", false, &v), "") == 0 && v.b);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "approximate", "N", false, &v), "") == 0 && !v.b);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "approximate", "可能", true, &v), "应为“是”或“否”") ==
	      0);
	CHECK(strcmp(parse(IMP_INSTRUCTORS, "full_time", "兼职", true, &v), "") == 0 && !v.b);
	CHECK(strcmp(parse(IMP_INSTRUCTORS, "full_time", "专职", true, &v), "") == 0 && v.b);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_org", "联合党支部", true, &v), "") == 0 &&
	      v.i == ORG_JOINT_BRANCH);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_org", "独立党支部", true, &v), "") == 0 &&
	      v.i == ORG_BRANCH);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_org", "General_Branch", false, &v), "") == 0 &&
	      v.i == ORG_GENERAL_BRANCH);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "party_org", "党小组", true, &v), "") != 0);
	CHECK(strcmp(parse(IMP_RULES, "kind", "禁止派驻", true, &v), "") == 0 &&
	      v.i == RULE_FORBID_ZONE);
	CHECK(strcmp(parse(IMP_COMMUNITIES, "code", "310 104", true, &v), "含有空格或控制字符") ==
	      0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "name", "a\nb", false, &v),
	             "contains a line break or control character") == 0);
	/* 257 characters of three bytes each: a name holds 256 */
	many[0] = '\0';
	for (i = 0; i < 257; i++)
		strcat(many, "名");
	CHECK(strcmp(parse(IMP_ENTERPRISES, "name", many, false, &v),
	             "has 257 characters, more than 256") == 0);
	memset(many, 'x', 65);
	strcpy(many + 65, "、助餐");
	CHECK(
	    strcmp(
	        parse(IMP_ENTERPRISES, "offers", many, false, &v),
	        "item \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" has 65 "
	        "characters, more than 64") == 0);
	CHECK(strcmp(parse(IMP_ENTERPRISES, "credit_code", "91350100M000100Y44", true, &v),
	             "校验码错误：为 4，应为 3（GB 32100）") == 0);
	imp_value_free(&v);
}

static void
test_headers(void)
{
	const struct imp_kind_spec *e = &imp_kinds[IMP_ENTERPRISES];
	bool zh;

	CHECK(imp_col_match(e, "统一社会信用代码", &zh) == imp_col_index(e, "credit_code") && zh);
	CHECK(imp_col_match(e, "信用代码", &zh) == imp_col_index(e, "credit_code") && zh);
	CHECK(imp_col_match(e, "Credit_Code", &zh) == imp_col_index(e, "credit_code") && !zh);
	CHECK(imp_col_match(e, "企业名称*", &zh) == imp_col_index(e, "name") && zh);
	CHECK(imp_col_match(e, "所属片区", &zh) == imp_col_index(e, "zone"));
	CHECK(imp_col_match(e, "党组织类型", &zh) == imp_col_index(e, "party_org"));
	CHECK(imp_col_match(e, "备注", &zh) < 0);
	CHECK(imp_col_match(&imp_kinds[IMP_INSTRUCTORS], "工号", &zh) == 0);
	{
		enum imp_kind k;

		CHECK(imp_kind_parse("企业名录", &k) == 0 && k == IMP_ENTERPRISES);
		CHECK(imp_kind_parse("availability", &k) == 0 && k == IMP_AVAILABILITY);
		CHECK(imp_kind_parse("firms", &k) < 0);
	}
}

/* The document holds the generated text between its two markers, exactly. */
static void
check_generated(const char *path, const char *begin, const char *end, void (*gen)(FILE *))
{
	FILE *f = fopen(path, "r");
	char *doc = NULL, *want = NULL, *a, *b;
	size_t len = 0, wlen = 0;
	FILE *m;

	CHECK_MSG(f != NULL, "%s cannot be read", path);
	if (f == NULL)
		return;
	m = open_memstream(&doc, &len);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(f);
	fclose(m);
	m = open_memstream(&want, &wlen);
	gen(m);
	fclose(m);
	a = strstr(doc, begin);
	b = a != NULL ? strstr(a, end) : NULL;
	CHECK_MSG(a != NULL && b != NULL, "%s: markers %s ... %s missing", path, begin, end);
	if (a != NULL && b != NULL) {
		a += strlen(begin);
		while (*a == '\n')
			a++;
		CHECK_MSG((size_t)(b - a) == wlen && memcmp(a, want, wlen) == 0,
		          "%s: the column table differs from sql/import_cols.c; regenerate it with "
		          "`test_import --print %s`",
		          path, strstr(path, ".md") ? "markdown" : "roff");
	}
	free(doc);
	free(want);
}

/* --- records and a bad file -------------------------------------------------------------- */

static void
test_records(void)
{
	const char text[] = "a,b,c\r\n"
	                    "1,\"two\nlines\",3\r\n"
	                    "\r\n"
	                    ",,\r\n"
	                    "4,\"say \"\"hi\"\"\",6\r\n"
	                    "7,8,\"open\n";
	struct imp_file f;
	char err[256];

	CHECK_INT_EQ(imp_file_parse(&f, text, strlen(text), IMP_ENC_AUTO, err, sizeof(err)), 0);
	CHECK_INT_EQ(f.n_rows, 4);
	CHECK(f.n_rows >= 4 && f.rows[0].line == 1 && f.rows[1].line == 2 && f.rows[2].line == 6 &&
	      f.rows[3].line == 7);
	CHECK(f.n_rows >= 3 && strcmp(f.rows[1].cell[1], "two\nlines") == 0 &&
	      strcmp(f.rows[2].cell[1], "say \"hi\"") == 0);
	CHECK_INT_EQ(f.unclosed_quote, 7);
	imp_file_free(&f);
}

struct want {
	long line;
	const char *column, *value, *reason;
};

static void
test_bad_file(void)
{
	/* one problem of each kind the file alone shows, in English headers */
	const char text[] =
	    "credit_code,name,zone,industry,party_org,party_members,lat,lon,approximate,offers,"
	    "joined_on,remarks,name\n"
	    "91350100M000100Y43,Good Ltd,A,chips,branch,5,31.17,121.4,no,dining,2026-03-01,,\n"
	    "91350100M000100Y44,Check Ltd,A,chips,none,0,31.17,121.4,no,,,,\n"
	    "91350100M000100Y43,Twice Ltd,A,chips,none,0,31.17,121.4,no,,,,\n"
	    "91110108551385082Q,,A,chips,cell,x1,31.17,,maybe,,2026/2/30,,\n"
	    "914403001922038216,Wide Ltd,A,chips,none,0,31.17,121.4,no,,,,,extra\n";
	struct want want[] = {
	    {1, "remarks", "remarks", "is not a column of the enterprises list (docs/import.md)"},
	    {1, "name", "name", "appears twice (columns 2 and 13)"},
	    {3, "credit_code", "91350100M000100Y44",
	     "the check character is 4, expected 3 (GB 32100)"},
	    {4, "credit_code", "91350100M000100Y43", "appears twice (also on line 2)"},
	    {5, "name", "", "is empty"},
	    {5, "party_org", "cell",
	     "is not a kind of party organisation (党委, 党总支, 党支部, 联合党支部, 无; "
	     "committee, "
	     "general_branch, branch, joint_branch, none)"},
	    {5, "party_members", "x1", "is not an integer"},
	    {5, "approximate", "maybe", "is not 是 or 否 (yes or no)"},
	    {5, "joined_on", "2026/2/30",
	     "is not a date (2026-03-01, 2026/3/1, 2026年3月1日 or an Excel serial number)"},
	    {5, "lon", "", "is empty while the other coordinate is given"},
	    {6, "", "", "has 14 cells; the header has 13 columns"},
	};
	struct imp_file f;
	struct imp_table t;
	struct imp_problems p;
	struct imp_options o;
	char err[256];
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&p, 0, sizeof(p));
	CHECK_INT_EQ(imp_file_parse(&f, text, strlen(text), IMP_ENC_AUTO, err, sizeof(err)), 0);
	CHECK_INT_EQ(imp_check_file(&t, &f, &imp_kinds[IMP_ENTERPRISES], &o, &p), 0);
	imp_problems_sort(&p);
	CHECK(!t.zh && !p.zh);
	CHECK_MSG(p.n == sizeof(want) / sizeof(want[0]), "%zu problems", p.n);
	for (i = 0; i < p.n; i++) {
		const struct want *w = i < sizeof(want) / sizeof(want[0]) ? &want[i] : NULL;

		CHECK_MSG(w != NULL && p.v[i].line == w->line &&
		              strcmp(p.v[i].column, w->column) == 0 &&
		              strcmp(p.v[i].value, w->value) == 0 &&
		              strcmp(p.v[i].reason, w->reason) == 0,
		          "problem %zu: line %ld, %s \"%s\": %s", i, p.v[i].line, p.v[i].column,
		          p.v[i].value, p.v[i].reason);
	}
	/* the required column missing: industry */
	imp_problems_free(&p);
	imp_table_free(&t);
	imp_file_free(&f);
	CHECK_INT_EQ(imp_file_parse(&f, "统一社会信用代码,企业名称,所属片区\n",
	                            strlen("统一社会信用代码,企业名称,所属片区\n"), IMP_ENC_AUTO,
	                            err, sizeof(err)),
	             0);
	CHECK_INT_EQ(imp_check_file(&t, &f, &imp_kinds[IMP_ENTERPRISES], &o, &p), 0);
	CHECK(t.zh && p.n == 1 && strcmp(p.v[0].column, "行业") == 0 &&
	      strcmp(p.v[0].reason, "缺少必填列") == 0);
	imp_problems_free(&p);
	imp_table_free(&t);
	imp_file_free(&f);
}

/* --- GCJ-02 ------------------------------------------------------------------------------- */

/* The published forward transform, written out again for the test. */
static void
forward(double lat, double lon, double *glat, double *glon)
{
	const double a = 6378245.0, ee = 0.00669342162296594323, pi = 3.14159265358979324;
	double x = lon - 105.0, y = lat - 35.0, dlat, dlon, rad, magic, sq;

	dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x)) +
	       (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0 +
	       (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0 +
	       (160.0 * sin(y / 12.0 * pi) + 320 * sin(y * pi / 30.0)) * 2.0 / 3.0;
	dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x)) +
	       (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0 +
	       (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0 +
	       (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0;
	rad = lat / 180.0 * pi;
	magic = 1 - ee * sin(rad) * sin(rad);
	sq = sqrt(magic);
	*glat = lat + (dlat * 180.0) / ((a * (1 - ee)) / (magic * sq) * pi);
	*glon = lon + (dlon * 180.0) / (a / sq * cos(rad) * pi);
}

static double
metres(double lat1, double lon1, double lat2, double lon2)
{
	double r = 6371008.8, p = M_PI / 180, a;

	a = pow(sin((lat2 - lat1) * p / 2), 2) +
	    cos(lat1 * p) * cos(lat2 * p) * pow(sin((lon2 - lon1) * p / 2), 2);
	return 2 * r * asin(sqrt(a));
}

static void
test_gcj02(void)
{
	/* the park, Beijing, Urumqi, Sanya, Harbin */
	static const double points[][2] = {{31.17, 121.40},
	                                   {39.9087, 116.3975},
	                                   {43.8256, 87.6168},
	                                   {18.2528, 109.5119},
	                                   {45.8038, 126.5349}};
	double worst = 0;
	size_t i;
	int k;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		for (k = 0; k < 50; k++) {
			double lat = points[i][0] + (k % 7) * 0.013,
			       lon = points[i][1] + (k / 7) * 0.017;
			double glat, glon, wlat, wlon, llat, llon, d;

			forward(lat, lon, &glat, &glon);
			wgs84_to_gcj02(lat, lon, &llat, &llon);
			CHECK(fabs(llat - glat) < 1e-12 && fabs(llon - glon) < 1e-12);
			/* the offset is hundreds of metres: the test means something */
			CHECK(metres(lat, lon, glat, glon) > 100);
			gcj02_to_wgs84(glat, glon, &wlat, &wlon);
			d = metres(lat, lon, wlat, wlon);
			if (d > worst)
				worst = d;
		}
	}
	CHECK_MSG(worst < 0.01, "worst %.6f m", worst);
	/* outside China nothing moves */
	{
		double wlat, wlon;

		gcj02_to_wgs84(48.8566, 2.3522, &wlat, &wlon);
		CHECK(wlat == 48.8566 && wlon == 2.3522);
	}
}

static void
test_sha256(void)
{
	char out[65];
	static char million[1000000];

	sha256_hex("abc", 3, out);
	CHECK(strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	sha256_hex("", 0, out);
	CHECK(strcmp(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	CHECK(strcmp(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
	memset(million, 'a', sizeof(million));
	sha256_hex(million, sizeof(million), out);
	CHECK(strcmp(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);
}

int
main(int argc, char **argv)
{
	char path[4096];

	if (argc == 3 && strcmp(argv[1], "--print") == 0) {
		/* the documents' tables, to paste between their markers */
		if (strcmp(argv[2], "markdown") == 0)
			imp_write_markdown(stdout);
		else
			imp_write_roff(stdout);
		return 0;
	}
	test_credit_codes();
	test_encodings();
	test_dates();
	test_lists();
	test_values();
	test_headers();
	test_records();
	test_bad_file();
	test_gcj02();
	test_sha256();
	if (argc > 1) {
		snprintf(path, sizeof(path), "%s/import.md", argv[1]);
		check_generated(path, "<!-- columns: generated from sql/import_cols.c -->",
		                "<!-- end of columns -->", imp_write_markdown);
		snprintf(path, sizeof(path), "%s/man/parkplanctl.1", argv[1]);
		check_generated(path, ".\\\" columns: generated from sql/import_cols.c",
		                ".\\\" end of columns", imp_write_roff);
	}
	return check_done("test_import");
}
