/*
 * import_value.c - the values of a list's cells, read the way Excel writes
 * them, and the list of problems in the language of the headers.
 *
 *   numbers    12, 12.0, 1,234 (thousands separated)
 *   dates      2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, Excel's serial
 *              number (days since 1899-12-30), a midnight time after them
 *   lists      items separated by 、，,;；| (and ｜), trimmed, empty ones dropped
 *   booleans   是/否, true/false, yes/no, y/n, 1/0; 专职/兼职 for full_time
 *   keys       a credit code's check character (GB 32100), codes without spaces
 *
 * And the one coordinate conversion: GCJ-02 (Chinese map services) to
 * WGS-84, the published forward formula inverted by fixed-point iteration.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "credit_code.h"
#include "import_impl.h"
#include "snapshot.h"

/* --- problems ----------------------------------------------------------------- */

/*
 * s with each invalid byte kept by the reader (IMP_BAD_BYTE and two hex
 * digits) shown as \xHH, so that what a problem says is UTF-8 whatever
 * the file held; a new string, NULL when out of memory.
 */
static char *
bad_bytes_shown(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *out = malloc(n + n / 3 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] == (unsigned char)IMP_BAD_BYTE && i + 2 < n) {
			out[j++] = '\\';
			out[j++] = 'x';
			out[j++] = s[++i];
			out[j++] = s[++i];
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

void
imp_problem(struct imp_problems *p, long line, const char *column, const char *value,
            const char *fmt, ...)
{
	char *raw = NULL;
	struct imp_problem *pr;
	char printable[256];
	va_list ap;

	if (p->n >= IMP_MAX_LISTED) {
		p->more++;
		return;
	}
	if (p->v == NULL) {
		p->v = calloc(IMP_MAX_LISTED, sizeof(*p->v));
		if (p->v == NULL) {
			p->more++;
			return;
		}
	}
	pr = &p->v[p->n];
	imp_printable(value != NULL ? value : "", printable, sizeof(printable));
	va_start(ap, fmt);
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	va_end(ap);
	pr->reason = raw != NULL ? bad_bytes_shown(raw) : NULL;
	free(raw);
	pr->line = line;
	pr->column = bad_bytes_shown(column != NULL ? column : "");
	pr->value = strdup(printable);
	if (pr->reason == NULL || pr->column == NULL || pr->value == NULL) {
		free(pr->reason);
		free(pr->column);
		free(pr->value);
		p->more++;
		return;
	}
	p->n++;
}

static int
cmp_problem(const void *a, const void *b)
{
	const struct imp_problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	/* stable enough: the order they were found in is kept by the index below */
	return 0;
}

void
imp_problems_sort(struct imp_problems *p)
{
	/* insertion by line keeps the order of discovery within a line */
	size_t i, j;

	for (i = 1; i < p->n; i++) {
		struct imp_problem t = p->v[i];

		for (j = i; j > 0 && cmp_problem(&p->v[j - 1], &t) > 0; j--)
			p->v[j] = p->v[j - 1];
		p->v[j] = t;
	}
}

void
imp_problems_free(struct imp_problems *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].column);
		free(p->v[i].value);
		free(p->v[i].reason);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->more = 0;
}

void
imp_printable(const char *s, char *out, size_t outlen)
{
	size_t i = 0, j = 0, limit = outlen > 90 ? 80 : outlen - 10;

	for (; s[i] != '\0' && j < limit; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == (unsigned char)IMP_BAD_BYTE && s[i + 1] != '\0' && s[i + 2] != '\0') {
			j += (size_t)snprintf(out + j, outlen - j, "\\x%c%c", s[i + 1], s[i + 2]);
			i += 2;
		} else if (c < 0x20 || c == 0x7f) {
			j += (size_t)snprintf(out + j, outlen - j, "\\x%02X", c);
		} else {
			out[j++] = (char)c;
		}
	}
	if (s[i] != '\0') {
		/* cut at a character boundary */
		while (j > 0 && ((unsigned char)out[j - 1] & 0xc0) == 0x80)
			j--;
		if (j > 0 && (unsigned char)out[j - 1] >= 0xc0)
			j--;
		memcpy(out + j, "…", strlen("…"));
		j += strlen("…");
	}
	out[j] = '\0';
}

/* --- text ---------------------------------------------------------------------- */

static bool
is_space_at(const char *s, size_t *len)
{
	if (*s == ' ' || *s == '\t') {
		*len = 1;
		return true;
	}
	if (strncmp(s, "\xe3\x80\x80", 3) == 0) { /* U+3000 ideographic space */
		*len = 3;
		return true;
	}
	if (strncmp(s, "\xc2\xa0", 2) == 0) { /* U+00A0 no-break space */
		*len = 2;
		return true;
	}
	return false;
}

char *
imp_trim(char *s)
{
	size_t n, len, start = 0;

	while (s[start] != '\0' && is_space_at(s + start, &n))
		start += n;
	if (start > 0)
		memmove(s, s + start, strlen(s + start) + 1);
	len = strlen(s);
	for (;;) {
		if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len -= 1;
		else if (len >= 3 && memcmp(s + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else if (len >= 2 && memcmp(s + len - 2, "\xc2\xa0", 2) == 0)
			len -= 2;
		else
			break;
	}
	s[len] = '\0';
	return s;
}

size_t
imp_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool
has_space_or_control(const char *s)
{
	size_t n;

	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || is_space_at(s, &n))
			return true;
	return false;
}

/* --- dates ----------------------------------------------------------------------- */

/* Digits at *p: 1 to max of them; -1 when none. */
static long
take_digits(const char **p, int max)
{
	long v = 0;
	int n = 0;

	while (n < max && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 ? v : -1;
}

static bool
eat(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* A time of day that is midnight ("0:00", "00:00:00"): Excel's date-times. */
static bool
midnight(const char *p)
{
	if (*p == '\0')
		return true;
	if (*p != ' ' && *p != 'T')
		return false;
	p++;
	return strcmp(p, "0:00") == 0 || strcmp(p, "00:00") == 0 || strcmp(p, "0:00:00") == 0 ||
	       strcmp(p, "00:00:00") == 0;
}

int
imp_parse_date(const char *text, int32_t *days)
{
	const char *p = text;
	long y, m, d;
	char iso[16];

	y = take_digits(&p, 7);
	if (y < 0)
		return -1;
	if (*p == '\0' || (*p == '.' && p[1] == '0' && strspn(p + 1, "0") == strlen(p + 1))) {
		/* an Excel serial number: day 25569 is 1970-01-01; 60 is the 1900-02-29 that was
		 * not */
		if (y < 61 || y > 2958465)
			return -1;
		*days = (int32_t)(y - 25569);
		return 0;
	}
	if (y < 1 || y > 9999 || p - text != 4)
		return -1;
	if (eat(&p, "年")) {
		m = take_digits(&p, 2);
		if (m < 0 || !eat(&p, "月"))
			return -1;
		d = take_digits(&p, 2);
		if (d < 0 || !eat(&p, "日"))
			return -1;
	} else {
		char sep = *p;

		if (sep != '-' && sep != '/' && sep != '.')
			return -1;
		p++;
		m = take_digits(&p, 2);
		if (m < 0 || *p != sep)
			return -1;
		p++;
		d = take_digits(&p, 2);
		if (d < 0)
			return -1;
	}
	if (!midnight(p))
		return -1;
	snprintf(iso, sizeof(iso), "%04ld-%02ld-%02ld", y, m, d);
	return date_parse(iso, days) == 0 ? 0 : -1;
}

/* --- lists ----------------------------------------------------------------------- */

/* The length of a list separator at s, 0 when none. */
static size_t
separator_at(const char *s)
{
	static const char *const seps[] = {"、", "，", "；", "｜", ",", ";", "|"};
	size_t i;

	for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
		if (strncmp(s, seps[i], strlen(seps[i])) == 0)
			return strlen(seps[i]);
	return 0;
}

int
imp_split_list(const char *text, char ***items, size_t *n)
{
	size_t cap = 0, i;
	const char *p = text;

	*items = NULL;
	*n = 0;
	while (*p != '\0') {
		const char *start = p;
		size_t sep = 0, len;
		char *item;

		while (*p != '\0' && (sep = separator_at(p)) == 0)
			p++;
		len = (size_t)(p - start);
		item = malloc(len + 1);
		if (item == NULL)
			goto fail;
		memcpy(item, start, len);
		item[len] = '\0';
		imp_trim(item);
		if (*p != '\0')
			p += sep;
		if (item[0] == '\0') {
			free(item);
			continue;
		}
		for (i = 0; i < *n; i++)
			if (strcmp((*items)[i], item) == 0)
				break;
		if (i < *n) { /* a duplicate: a list is a set */
			free(item);
			continue;
		}
		if (*n == cap) {
			char **v = realloc(*items, (cap ? cap * 2 : 8) * sizeof(*v));

			if (v == NULL) {
				free(item);
				goto fail;
			}
			*items = v;
			cap = cap ? cap * 2 : 8;
		}
		(*items)[(*n)++] = item;
	}
	return 0;
fail:
	for (i = 0; i < *n; i++)
		free((*items)[i]);
	free(*items);
	*items = NULL;
	*n = 0;
	return -1;
}

/* --- enumerations ---------------------------------------------------------------- */

static const struct {
	const char *zh, *alt, *en;
} org_words[] = {
    [ORG_COMMITTEE] = {"党委", "党委员会", "committee"},
    [ORG_GENERAL_BRANCH] = {"党总支", "党总支部", "general_branch"},
    [ORG_BRANCH] = {"党支部", "独立党支部", "branch"},
    [ORG_JOINT_BRANCH] = {"联合党支部", "联合支部", "joint_branch"},
    [ORG_NONE] = {"无", "无党组织", "none"},
};

static const struct {
	const char *zh, *alt, *en;
} rule_words[] = {
    [RULE_PIN_PAIR] = {"指定结对", "结对锁定", "pin_pair"},
    [RULE_FORBID_PAIR] = {"禁止结对", "不得结对", "forbid_pair"},
    [RULE_PIN_ZONE] = {"指定派驻", "派驻锁定", "pin_zone"},
    [RULE_FORBID_ZONE] = {"禁止派驻", "不得派驻", "forbid_zone"},
};

const char *
imp_org_text(int org, bool zh)
{
	if (org < 0 || org > ORG_NONE)
		return "";
	return zh ? org_words[org].zh : org_words[org].en;
}

const char *
imp_rule_text(int rule, bool zh)
{
	if (rule < 0 || rule > RULE_FORBID_ZONE)
		return "";
	return zh ? rule_words[rule].zh : rule_words[rule].en;
}

static bool
word_in(const char *text, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasecmp(text, *words) == 0)
			return true;
	return false;
}

/* --- parsing a cell --------------------------------------------------------------- */

#define WHY(EN, ZH, ...) snprintf(why, whylen, zh ? ZH : EN, ##__VA_ARGS__)

static int
parse_int(const struct imp_column *c, const char *text, bool zh, struct imp_value *v, char *why,
          size_t whylen)
{
	char digits[64];
	const char *p = text;
	size_t j = 0, group = 0;
	bool commas = strchr(text, ',') != NULL;
	long long n;
	char *end;

	if (*p == '-' || *p == '+')
		digits[j++] = *p++;
	for (; *p != '\0' && j + 1 < sizeof(digits); p++) {
		if (isdigit((unsigned char)*p)) {
			digits[j++] = *p;
			group++;
		} else if (*p == ',' && group >= 1 && group <= 3) {
			group = 0;
		} else {
			break;
		}
	}
	/* 12.0 and 12.00: how Excel may write an integer */
	if (*p == '.' && p[1] != '\0' && strspn(p + 1, "0") == strlen(p + 1))
		p += strlen(p);
	digits[j] = '\0';
	if (*p != '\0' || j == 0 || (commas && group != 3) ||
	    !isdigit((unsigned char)digits[j - 1])) {
		WHY("is not an integer", "不是整数");
		return -1;
	}
	errno = 0;
	n = strtoll(digits, &end, 10);
	if (errno != 0 || *end != '\0') {
		WHY("is not an integer in range", "不是有效范围内的整数");
		return -1;
	}
	if (n < 0 && c->min >= 0) {
		WHY("is negative", "不能为负数");
		return -1;
	}
	if (n < c->min || n > c->max) {
		WHY("is outside [%" PRId64 ", %" PRId64 "]", "超出范围 %" PRId64 " 至 %" PRId64,
		    c->min, c->max);
		return -1;
	}
	v->i = n;
	return 0;
}

static int
parse_degrees(const struct imp_column *c, const char *text, bool zh, struct imp_value *v, char *why,
              size_t whylen)
{
	double lim = c->type == IT_LAT ? 90 : 180, d;
	char *end;

	errno = 0;
	d = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(d) ||
	    strpbrk(text, "xXnNiI") != NULL) {
		WHY("is not a number", "不是数字");
		return -1;
	}
	if (d < -lim || d > lim) {
		if (c->type == IT_LAT)
			WHY("latitude is outside [-90, 90]", "纬度超出 -90 至 90");
		else
			WHY("longitude is outside [-180, 180]", "经度超出 -180 至 180");
		return -1;
	}
	v->d = d;
	return 0;
}

static int
parse_list(const char *text, bool zh, struct imp_value *v, char *why, size_t whylen)
{
	size_t i;

	if (imp_split_list(text, &v->item, &v->n_items) < 0) {
		WHY("out of memory", "内存不足");
		return -1;
	}
	if (v->n_items > IMP_MAX_LIST_ITEMS) {
		WHY("has %zu items, more than %d", "共 %zu 项，超过 %d 项", v->n_items,
		    IMP_MAX_LIST_ITEMS);
		return -1;
	}
	for (i = 0; i < v->n_items; i++) {
		char shown[128];
		size_t n = imp_utf8_chars(v->item[i]);

		imp_printable(v->item[i], shown, sizeof(shown));
		if (has_control(v->item[i])) {
			WHY("item \"%s\" contains a line break or control character",
			    "“%s”含有换行或控制字符", shown);
			return -1;
		}
		if (n > IMP_MAX_ITEM_CHARS) {
			WHY("item \"%s\" has %zu characters, more than %d",
			    "“%s”长度为 %zu 个字符，超过 %d", shown, n, IMP_MAX_ITEM_CHARS);
			return -1;
		}
	}
	return 0;
}

static int
parse_credit(const char *text, bool zh, char *why, size_t whylen)
{
	int pos;
	char expected;

	switch (credit_code_verify(text, &pos, &expected)) {
	case CREDIT_CODE_OK:
		return 0;
	case CREDIT_CODE_LENGTH:
		WHY("has %zu characters; a credit code has 18",
		    "长度为 %zu，统一社会信用代码应为 18 位", imp_utf8_chars(text));
		return -1;
	case CREDIT_CODE_CHARACTER:
		WHY("character %d is not allowed (0-9 and capital A-Z except I, O, S, V, Z)",
		    "第 %d 位字符不合法（只能是数字和除 I、O、S、V、Z 外的大写字母）", pos);
		return -1;
	case CREDIT_CODE_DIVISION:
		WHY("characters 3 to 8 (the administrative division) must be digits",
		    "第 3 至 8 位（行政区划码）应为数字");
		return -1;
	case CREDIT_CODE_CHECK:
		WHY("the check character is %c, expected %c (GB 32100)",
		    "校验码错误：为 %c，应为 %c（GB 32100）", text[17], expected);
		return -1;
	}
	return -1;
}

int
imp_parse(const struct imp_column *c, const char *text, bool zh, struct imp_value *v, char *why,
          size_t whylen)
{
	static const char *const yes[] = {"是", "true", "yes", "y", "t", "1", "√", "✓", NULL};
	static const char *const no[] = {"否", "false", "no", "n", "f", "0", "×", NULL};
	size_t chars;
	int k;

	memset(v, 0, sizeof(*v));
	why[0] = '\0';
	if (text == NULL || text[0] == '\0') {
		v->empty = true;
		return 0;
	}
	switch (c->type) {
	case IT_TEXT:
	case IT_CODE:
		if (c->type == IT_CODE ? has_space_or_control(text) : has_control(text)) {
			if (c->type == IT_CODE)
				WHY("contains a space or control character", "含有空格或控制字符");
			else
				WHY("contains a line break or control character",
				    "含有换行或控制字符");
			return -1;
		}
		chars = imp_utf8_chars(text);
		if ((int64_t)chars > c->max) {
			WHY("has %zu characters, more than %" PRId64,
			    "长度为 %zu 个字符，超过 %" PRId64, chars, c->max);
			return -1;
		}
		return 0;
	case IT_CREDIT:
		return parse_credit(text, zh, why, whylen);
	case IT_INT:
		return parse_int(c, text, zh, v, why, whylen);
	case IT_LAT:
	case IT_LON:
		return parse_degrees(c, text, zh, v, why, whylen);
	case IT_BOOL:
	case IT_FULLTIME:
		if (c->type == IT_FULLTIME && strcmp(text, "专职") == 0)
			v->b = true;
		else if (c->type == IT_FULLTIME && strcmp(text, "兼职") == 0)
			v->b = false;
		else if (word_in(text, yes))
			v->b = true;
		else if (word_in(text, no))
			v->b = false;
		else if (c->type == IT_FULLTIME) {
			WHY("is not 专职 (full-time) or 兼职 (part-time)", "应为“专职”或“兼职”");
			return -1;
		} else {
			WHY("is not 是 or 否 (yes or no)", "应为“是”或“否”");
			return -1;
		}
		return 0;
	case IT_DATE: {
		int32_t d;

		if (imp_parse_date(text, &d) < 0) {
			WHY("is not a date (2026-03-01, 2026/3/1, 2026年3月1日 or an Excel serial "
			    "number)",
			    "不是日期（应如 2026-03-01、2026/3/1、2026年3月1日）");
			return -1;
		}
		v->i = d;
		return 0;
	}
	case IT_LIST:
		return parse_list(text, zh, v, why, whylen);
	case IT_ORG:
		for (k = 0; k <= ORG_NONE; k++) {
			if (strcmp(text, org_words[k].zh) == 0 ||
			    strcmp(text, org_words[k].alt) == 0 ||
			    strcasecmp(text, org_words[k].en) == 0) {
				v->i = k;
				return 0;
			}
		}
		WHY("is not a kind of party organisation (党委, 党总支, 党支部, 联合党支部, 无; "
		    "committee, general_branch, branch, joint_branch, none)",
		    "不是党组织类型（党委、党总支、党支部、联合党支部、无）");
		return -1;
	case IT_RULE:
		for (k = 0; k <= RULE_FORBID_ZONE; k++) {
			if (strcmp(text, rule_words[k].zh) == 0 ||
			    strcmp(text, rule_words[k].alt) == 0 ||
			    strcasecmp(text, rule_words[k].en) == 0) {
				v->i = k;
				return 0;
			}
		}
		WHY("is not a rule kind (指定结对, 禁止结对, 指定派驻, 禁止派驻; pin_pair, "
		    "forbid_pair, pin_zone, forbid_zone)",
		    "不是规则类型（指定结对、禁止结对、指定派驻、禁止派驻）");
		return -1;
	}
	return -1;
}

void
imp_value_free(struct imp_value *v)
{
	size_t i;

	for (i = 0; i < v->n_items; i++)
		free(v->item[i]);
	free(v->item);
	v->item = NULL;
	v->n_items = 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool
imp_value_same(const struct imp_column *c, const struct imp_value *a, const struct imp_value *b)
{
	if (a->empty != b->empty)
		return false;
	if (a->empty)
		return true;
	switch (c->type) {
	case IT_INT:
	case IT_DATE:
	case IT_ORG:
	case IT_RULE:
		return a->i == b->i;
	case IT_LAT:
	case IT_LON:
		return a->d == b->d;
	case IT_BOOL:
	case IT_FULLTIME:
		return a->b == b->b;
	case IT_LIST: {
		const char **x, **y;
		size_t i;
		bool same = true;

		if (a->n_items != b->n_items)
			return false;
		if (a->n_items == 0)
			return true;
		x = malloc(a->n_items * sizeof(*x));
		y = malloc(b->n_items * sizeof(*y));
		if (x == NULL || y == NULL) {
			free(x);
			free(y);
			return false;
		}
		memcpy(x, a->item, a->n_items * sizeof(*x));
		memcpy(y, b->item, b->n_items * sizeof(*y));
		qsort(x, a->n_items, sizeof(*x), cmp_str);
		qsort(y, b->n_items, sizeof(*y), cmp_str);
		for (i = 0; i < a->n_items && same; i++)
			same = strcmp(x[i], y[i]) == 0;
		free(x);
		free(y);
		return same;
	}
	default:
		return true; /* texts are compared as texts by the caller */
	}
}

void
imp_format_double(double v, char *buf, size_t len)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* --- GCJ-02 --------------------------------------------------------------------- */

/* The published constants: Krasovsky 1940's semi-major axis and eccentricity squared. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323

static bool
outside_china(double lat, double lon)
{
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

static double
gcj_lat(double x, double y)
{
	double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));

	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (160.0 * sin(y / 12.0 * M_PI) + 320 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
	return r;
}

static double
gcj_lon(double x, double y)
{
	double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));

	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
	return r;
}

void
wgs84_to_gcj02(double lat, double lon, double *glat, double *glon)
{
	double dlat, dlon, rad, magic, sq;

	if (outside_china(lat, lon)) {
		*glat = lat;
		*glon = lon;
		return;
	}
	dlat = gcj_lat(lon - 105.0, lat - 35.0);
	dlon = gcj_lon(lon - 105.0, lat - 35.0);
	rad = lat / 180.0 * M_PI;
	magic = sin(rad);
	magic = 1 - GCJ_EE * magic * magic;
	sq = sqrt(magic);
	dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sq) * M_PI);
	dlon = (dlon * 180.0) / (GCJ_A / sq * cos(rad) * M_PI);
	*glat = lat + dlat;
	*glon = lon + dlon;
}

/*
 * The inverse: w such that forward(w) = g, by w <- w - (forward(w) - g).
 * The offset changes by well under 1e-3 of a step per step, so each round
 * gains three digits; stop below 1e-10 degrees (about 0.01 mm).
 */
void
gcj02_to_wgs84(double lat, double lon, double *wlat, double *wlon)
{
	double wla = lat, wlo = lon, fla, flo;
	int i;

	for (i = 0; i < 30; i++) {
		wgs84_to_gcj02(wla, wlo, &fla, &flo);
		if (fabs(fla - lat) < 1e-10 && fabs(flo - lon) < 1e-10)
			break;
		wla -= fla - lat;
		wlo -= flo - lon;
	}
	*wlat = wla;
	*wlon = wlo;
}
