/*
 * import_cols.c - the one table of the columns of each list: the headers
 * (Chinese, other Chinese forms, English), the type, whether required, the
 * limits, the default of an empty cell, and what each means.  Import,
 * export-data, the sample's spreadsheets, docs/import.md and parkplanctl(1)
 * are all made from it (tests/unit/test_import.c checks that the documents
 * say what this table says).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "import_impl.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct imp_column zone_cols[] = {
    {"code", "片区编码", "片区代码|编码|代码", IT_CODE, IC_REQUIRED | IC_KEY, 0, 64, NULL,
     "the zone's code, its key (A, B, ...)", "片区的编码，作为主键（A、B……）"},
    {"name", "片区名称", "名称", IT_TEXT, IC_REQUIRED, 0, 256, NULL, "the zone's name", "片区名称"},
    {"lat", "纬度", "中心纬度", IT_LAT, IC_REQUIRED, 0, 0, NULL,
     "the zone's centroid: latitude, degrees (WGS-84)", "片区中心点纬度（度，WGS-84）"},
    {"lon", "经度", "中心经度", IT_LON, IC_REQUIRED, 0, 0, NULL,
     "the zone's centroid: longitude, degrees", "片区中心点经度（度）"},
    {"min_fulltime", "最少专职指导员数", "专职指导员下限", IT_INT, 0, 0, 1000, "1",
     "full-time instructors the zone must have in every period",
     "每个时段至少派驻的专职指导员人数"},
};

static const struct imp_column enterprise_cols[] = {
    {"credit_code", "统一社会信用代码", "社会信用代码|信用代码", IT_CREDIT, IC_REQUIRED | IC_KEY, 0,
     18, NULL, "unified social credit code, 18 characters, check character verified (GB 32100)",
     "18 位统一社会信用代码，校验码按 GB 32100 核对"},
    {"name", "企业名称", "名称", IT_TEXT, IC_REQUIRED, 0, 256, NULL, "the enterprise's name",
     "企业名称"},
    {"zone", "所属片区", "片区|片区编码", IT_CODE, IC_REQUIRED, 0, 64, NULL,
     "the code of its zone (the zones list)", "所属片区的编码（见片区表）"},
    {"industry", "行业", "所属行业|产业", IT_TEXT, IC_REQUIRED, 0, 64, NULL, "its industry",
     "所属行业（如集成电路）"},
    {"party_org", "党组织类型", "党组织", IT_ORG, 0, 0, 0, "none",
     "committee, general_branch, branch (an independent branch too), joint_branch, none; or "
     "their Chinese names",
     "党委、党总支、党支部（独立党支部）、联合党支部或无"},
    {"party_org_name", "党组织名称", NULL, IT_TEXT, 0, 0, 256, NULL,
     "the organisation's name; required for a joint branch (its members share it); else "
     "the enterprise's name and the kind",
     "党组织名称；联合党支部必填（成员企业同名共用）；其他为空时取企业名称加类型"},
    {"party_members", "党员人数", "党员数", IT_INT, 0, 0, 1000000, "0", "party members",
     "党员人数"},
    {"employees", "职工人数", "员工人数|从业人数", IT_INT, 0, 0, 1000000, "0", "employees",
     "职工人数"},
    {"lat", "纬度", NULL, IT_LAT, IC_KEEP, 0, 0, NULL,
     "latitude (WGS-84, or GCJ-02 with --crs gcj02)", "纬度（WGS-84；--crs gcj02 时为 GCJ-02）"},
    {"lon", "经度", NULL, IT_LON, IC_KEEP, 0, 0, NULL, "longitude", "经度"},
    {"approximate", "坐标为估算", "估算坐标", IT_BOOL, 0, 0, 0, "false",
     "the position is an estimate (its zone's centroid)", "坐标是否为估算（片区中心点）"},
    {"offers", "可提供资源", "可提供服务", IT_LIST, 0, 0, 0, NULL,
     "what it can offer a community, a list", "可向居民区提供的资源，多项以、分隔"},
    {"max_communities", "可结对居民区数", "最多结对数", IT_INT, 0, 0, 1000000, "1",
     "communities it may pair with; 0: does not pair", "可结对的居民区数，0 表示不参与结对"},
    {"joined_on", "入驻日期", "入园日期", IT_DATE, 0, 0, 0, NULL,
     "when it joined the park; empty: unknown", "入驻园区日期，空为不详"},
};

static const struct imp_column community_cols[] = {
    {"code", "居民区编码", "居委会编码|统计代码|编码", IT_CODE, IC_REQUIRED | IC_KEY, 0, 64, NULL,
     "the community's code, its key", "居民区编码（如统计用区划代码），作为主键"},
    {"name", "居民区名称", "名称", IT_TEXT, IC_REQUIRED, 0, 256, NULL, "the community's name",
     "居民区名称"},
    {"zone", "就近片区", "所属片区|片区", IT_CODE, IC_NOSTORE, 0, 64, NULL,
     "a zone's code, only to place a row without coordinates (--place-missing zone); not stored",
     "就近片区编码，仅用于无坐标时按片区中心定位（--place-missing zone），不保存"},
    {"lat", "纬度", NULL, IT_LAT, IC_KEEP, 0, 0, NULL, "latitude", "纬度"},
    {"lon", "经度", NULL, IT_LON, IC_KEEP, 0, 0, NULL, "longitude", "经度"},
    {"approximate", "坐标为估算", "估算坐标", IT_BOOL, 0, 0, 0, "false",
     "the position is an estimate", "坐标是否为估算"},
    {"needs", "需求", "服务需求", IT_LIST, 0, 0, 0, NULL, "what it asks partners for, a list",
     "需求，多项以、分隔"},
    {"min_partners", "最少结对企业数", NULL, IT_INT, 0, 0, 1000000, "1", "partners it should have",
     "至少结对的企业数"},
    {"max_partners", "最多结对企业数", NULL, IT_INT, 0, 0, 1000000, "3", "partners it may have",
     "至多结对的企业数"},
};

static const struct imp_column instructor_cols[] = {
    {"code", "工号", "编号", IT_CODE, IC_REQUIRED | IC_KEY, 0, 64, NULL,
     "the instructor's staff number, the key", "指导员工号，作为主键"},
    {"name", "姓名", "名称", IT_TEXT, IC_REQUIRED, 0, 256, NULL, "the instructor's name", "姓名"},
    {"full_time", "专兼职", "类型|是否专职", IT_FULLTIME, 0, 0, 0, "true",
     "full-time (true) or part-time (false); or their Chinese names", "专职或兼职"},
    {"capacity", "工作容量", "容量", IT_INT, 0, 1, 1000000, NULL,
     "workload the instructor can carry; empty: 100 full-time, 50 part-time",
     "可承担的工作量，空为专职 100、兼职 50"},
    {"skills", "熟悉行业", "专长行业", IT_LIST, 0, 0, 0, NULL, "industries known, a list",
     "熟悉的行业，多项以、分隔"},
    {"zone", "就近片区", "所属片区|片区", IT_CODE, IC_NOSTORE, 0, 64, NULL,
     "a zone's code, only to place a home without coordinates; not stored",
     "就近片区编码，仅用于无住址坐标时定位，不保存"},
    {"home_lat", "住址纬度", NULL, IT_LAT, IC_KEEP, 0, 0, NULL, "home: latitude", "住址纬度"},
    {"home_lon", "住址经度", NULL, IT_LON, IC_KEEP, 0, 0, NULL, "home: longitude", "住址经度"},
    {"approximate", "坐标为估算", "估算坐标", IT_BOOL, 0, 0, 0, "false",
     "the home position is an estimate", "住址坐标是否为估算"},
};

static const struct imp_column period_cols[] = {
    {"label", "时段", "时段编码|时段名称", IT_CODE, IC_REQUIRED | IC_KEY, 0, 64, NULL,
     "the period's label, its key (2027Q1)", "时段编码，作为主键（如 2027Q1）"},
    {"start", "开始日期", "起始日期", IT_DATE, IC_REQUIRED, 0, 0, NULL,
     "its first day; one period per start", "开始日期，各时段不同"},
};

static const struct imp_column availability_cols[] = {
    {"instructor", "工号", "指导员工号", IT_CODE, IC_REQUIRED | IC_KEY, 0, 64, NULL,
     "the instructor's staff number", "指导员工号"},
    {"unavailable", "不可派驻时段", "不可用时段", IT_LIST, 0, 0, 0, NULL,
     "the periods (labels) the instructor cannot serve; this list replaces the stored one",
     "不能派驻的时段（编码），整体替换已有记录"},
};

static const struct imp_column rule_cols[] = {
    {"kind", "规则类型", "类型", IT_RULE, IC_REQUIRED, 0, 0, NULL,
     "pin_pair, forbid_pair, pin_zone, forbid_zone; or their Chinese names",
     "指定结对、禁止结对、指定派驻或禁止派驻"},
    {"enterprise", "企业统一社会信用代码", "统一社会信用代码|企业", IT_CREDIT, 0, 0, 18, NULL,
     "pair rules: the enterprise's credit code", "结对规则：企业的统一社会信用代码"},
    {"community", "居民区编码", "居民区", IT_CODE, 0, 0, 64, NULL,
     "pair rules: the community's code", "结对规则：居民区编码"},
    {"instructor", "工号", "指导员工号|指导员", IT_CODE, 0, 0, 64, NULL,
     "zone rules: the instructor's staff number", "派驻规则：指导员工号"},
    {"zone", "片区编码", "片区", IT_CODE, 0, 0, 64, NULL, "zone rules: the zone's code",
     "派驻规则：片区编码"},
    {"period", "时段", NULL, IT_CODE, 0, 0, 64, NULL,
     "zone rules: the period's label; empty: every period", "派驻规则：时段，空为全部时段"},
    {"note", "备注", "说明", IT_TEXT, 0, 0, 1024, NULL, "why, for the planners", "备注"},
};

const struct imp_kind_spec imp_kinds[IMP_KINDS] = {
    [IMP_ZONES] = {"zones", "片区", zone_cols, N(zone_cols), 0, 1},
    [IMP_ENTERPRISES] = {"enterprises", "企业名录", enterprise_cols, N(enterprise_cols), 0, 1},
    [IMP_COMMUNITIES] = {"communities", "居民区", community_cols, N(community_cols), 0, 1},
    [IMP_INSTRUCTORS] = {"instructors", "党建指导员", instructor_cols, N(instructor_cols), 0, 1},
    [IMP_PERIODS] = {"periods", "时段", period_cols, N(period_cols), 0, -1},
    [IMP_AVAILABILITY] = {"availability", "指导员不可派驻时段", availability_cols,
                          N(availability_cols), 0, -1},
    [IMP_RULES] = {"rules", "规则", rule_cols, N(rule_cols), -1, -1},
};

int
imp_kind_parse(const char *text, enum imp_kind *out)
{
	int k;

	for (k = 0; text != NULL && k < IMP_KINDS; k++) {
		if (strcmp(text, imp_kinds[k].name) == 0 || strcmp(text, imp_kinds[k].title) == 0) {
			*out = (enum imp_kind)k;
			return 0;
		}
	}
	return -1;
}

const char *
imp_kind_name(enum imp_kind k)
{
	return (unsigned)k < IMP_KINDS ? imp_kinds[k].name : "?";
}

const char *
imp_kind_title(enum imp_kind k)
{
	return (unsigned)k < IMP_KINDS ? imp_kinds[k].title : "?";
}

int
imp_encoding_parse(const char *text, enum imp_encoding *out)
{
	static const struct {
		const char *name;
		enum imp_encoding enc;
	} names[] = {{"utf-8", IMP_ENC_UTF8},      {"utf8", IMP_ENC_UTF8},
	             {"gb18030", IMP_ENC_GB18030}, {"gbk", IMP_ENC_GB18030},
	             {"gb2312", IMP_ENC_GB18030},  {"auto", IMP_ENC_AUTO}};
	size_t i;

	for (i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			*out = names[i].enc;
			return 0;
		}
	}
	return -1;
}

const char *
imp_encoding_name(enum imp_encoding e)
{
	switch (e) {
	case IMP_ENC_UTF8:
		return "utf-8";
	case IMP_ENC_UTF8_BOM:
		return "utf-8-bom";
	case IMP_ENC_GB18030:
		return "gb18030";
	default:
		return "auto";
	}
}

int
imp_col_index(const struct imp_kind_spec *k, const char *key)
{
	int i;

	/*
	 * Called for every cell of every row with a literal key; the same
	 * literal is, as a rule, the same address as the table's, found without
	 * comparing a byte (a city list: a tenth of the import's time otherwise).
	 */
	for (i = 0; i < k->n_cols; i++)
		if (k->cols[i].key == key)
			return i;
	for (i = 0; i < k->n_cols; i++)
		if (strcmp(k->cols[i].key, key) == 0)
			return i;
	return -1;
}

/* Is name one of the '|'-separated names of list? */
static bool
in_list(const char *list, const char *name, size_t len)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '|');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == len && memcmp(p, name, len) == 0)
			return true;
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

int
imp_col_match(const struct imp_kind_spec *k, const char *header, bool *zh)
{
	size_t len = strlen(header);
	int i;

	/* "企业名称*": a mark of a required column in a template */
	while (len > 0 && (header[len - 1] == '*' || header[len - 1] == ' '))
		len--;
	if (len >= 3 && memcmp(header + len - 3, "\xef\xbc\x8a", 3) == 0) /* full-width * */
		len -= 3;
	for (i = 0; i < k->n_cols; i++) {
		const struct imp_column *c = &k->cols[i];

		if (strlen(c->zh) == len && memcmp(c->zh, header, len) == 0) {
			*zh = true;
			return i;
		}
		if (in_list(c->alt, header, len)) {
			*zh = true;
			return i;
		}
		if (strlen(c->key) == len && strncasecmp(c->key, header, len) == 0) {
			*zh = false;
			return i;
		}
	}
	return -1;
}

/* --- the documentation ------------------------------------------------------ */

static const char *
type_doc(const struct imp_column *c, char *buf, size_t len)
{
	switch (c->type) {
	case IT_TEXT:
		snprintf(buf, len, "text, ≤ %lld characters", (long long)c->max);
		break;
	case IT_CODE:
		snprintf(buf, len, "code, ≤ %lld characters, no spaces", (long long)c->max);
		break;
	case IT_CREDIT:
		snprintf(buf, len, "credit code");
		break;
	case IT_INT:
		snprintf(buf, len, "integer %lld … %lld", (long long)c->min, (long long)c->max);
		break;
	case IT_LAT:
		snprintf(buf, len, "degrees −90 … 90");
		break;
	case IT_LON:
		snprintf(buf, len, "degrees −180 … 180");
		break;
	case IT_BOOL:
		snprintf(buf, len, "是/否");
		break;
	case IT_FULLTIME:
		snprintf(buf, len, "专职/兼职");
		break;
	case IT_DATE:
		snprintf(buf, len, "date");
		break;
	case IT_LIST:
		snprintf(buf, len, "list, ≤ %d items of ≤ %d characters", IMP_MAX_LIST_ITEMS,
		         IMP_MAX_ITEM_CHARS);
		break;
	case IT_ORG:
		snprintf(buf, len, "party organisation");
		break;
	case IT_RULE:
		snprintf(buf, len, "rule kind");
		break;
	}
	return buf;
}

static const char *
need_doc(const struct imp_column *c)
{
	if (c->flags & IC_KEY)
		return "key";
	if (c->flags & IC_REQUIRED)
		return "required";
	return "";
}

/* Other headers, '|' shown as ", ". */
static void
alt_doc(const struct imp_column *c, char *buf, size_t len)
{
	size_t i, j = 0;

	buf[0] = '\0';
	if (c->alt == NULL)
		return;
	for (i = 0; c->alt[i] != '\0' && j + 3 < len; i++) {
		if (c->alt[i] == '|') {
			buf[j++] = ',';
			buf[j++] = ' ';
		} else {
			buf[j++] = c->alt[i];
		}
	}
	buf[j] = '\0';
}

void
imp_write_markdown(FILE *out)
{
	int k, i;
	char type[96], alt[256];

	for (k = 0; k < IMP_KINDS; k++) {
		const struct imp_kind_spec *s = &imp_kinds[k];

		fprintf(out, "### %s (%s)\n\n", s->name, s->title);
		fprintf(
		    out,
		    "| 表头 | also accepted | header | type | | empty cell | meaning | 说明 |\n");
		fprintf(out, "|---|---|---|---|---|---|---|---|\n");
		for (i = 0; i < s->n_cols; i++) {
			const struct imp_column *c = &s->cols[i];

			alt_doc(c, alt, sizeof(alt));
			fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c->zh, alt,
			        c->key, type_doc(c, type, sizeof(type)), need_doc(c),
			        c->flags & IC_REQUIRED ? "—"
			        : c->flags & IC_KEEP   ? "kept"
			        : c->def != NULL       ? c->def
			                               : "none",
			        c->en_doc, c->zh_doc);
		}
		fprintf(out, "\n");
	}
}

/*
 * roff text: backslashes, hyphens and a leading dot escaped; a character
 * beyond ASCII as \[uXXXX].  Lines with such characters are given to
 * terminals only (.if n): a typesetter has no Chinese glyphs.
 */
static void
roff_text(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '.' || *p == '\'')
		fputs("\\&", out);
	while (*p != '\0') {
		unsigned cp = *p;
		int n = 0;

		if (cp >= 0xf0)
			cp &= 0x07, n = 3;
		else if (cp >= 0xe0)
			cp &= 0x0f, n = 2;
		else if (cp >= 0xc0)
			cp &= 0x1f, n = 1;
		if (n > 0) {
			p++;
			while (n-- > 0 && (*p & 0xc0) == 0x80)
				cp = cp << 6 | (*p++ & 0x3f);
			fprintf(out, "\\[u%04X]", cp);
			continue;
		}
		if (*p == '\\')
			fputs("\\e", out);
		else if (*p == '-')
			fputs("\\-", out);
		else
			fputc(*p, out);
		p++;
	}
}

/* The type in ASCII, for roff. */
static void
roff_type(FILE *out, const struct imp_column *c)
{
	switch (c->type) {
	case IT_TEXT:
		fprintf(out, "text of at most %lld characters", (long long)c->max);
		break;
	case IT_CODE:
		fprintf(out, "a code of at most %lld characters, no spaces", (long long)c->max);
		break;
	case IT_INT:
		fprintf(out, "an integer, %lld to %lld", (long long)c->min, (long long)c->max);
		break;
	case IT_LAT:
	case IT_LON:
		fputs("degrees", out);
		break;
	case IT_LIST:
		fprintf(out, "a list (at most %d items of %d characters)", IMP_MAX_LIST_ITEMS,
		        IMP_MAX_ITEM_CHARS);
		break;
	case IT_DATE:
		fputs("a date", out);
		break;
	case IT_BOOL:
		fputs("yes or no", out);
		break;
	case IT_FULLTIME:
		fputs("full-time or part-time", out);
		break;
	case IT_CREDIT:
		fputs("a credit code", out);
		break;
	case IT_ORG:
		fputs("a kind of party organisation", out);
		break;
	case IT_RULE:
		fputs("a kind of rule", out);
		break;
	}
}

void
imp_write_roff(FILE *out)
{
	int k, i;
	char alt[256];

	for (k = 0; k < IMP_KINDS; k++) {
		const struct imp_kind_spec *s = &imp_kinds[k];

		fprintf(out, ".TP\n.B %s\n.if n ", s->name);
		roff_text(out, s->title);
		fputs("\n.RS\n", out);
		for (i = 0; i < s->n_cols; i++) {
			const struct imp_column *c = &s->cols[i];

			alt_doc(c, alt, sizeof(alt));
			fprintf(out, ".TP\n.B %s\n.if n ", c->key);
			roff_text(out, c->zh);
			if (alt[0] != '\0') {
				fputs(" (", out);
				roff_text(out, alt);
				fputs(")", out);
			}
			fputs("\n", out);
			roff_type(out, c);
			if (need_doc(c)[0] != '\0')
				fprintf(out, "; %s", need_doc(c));
			fputs(": ", out);
			roff_text(out, c->en_doc);
			fputs(".\n", out);
		}
		fputs(".RE\n", out);
	}
}
