/*
 * import_check.c - what can be checked of a list without the database: the
 * header (unknown, repeated and missing columns; the language of the
 * list), every cell of every row against its column's type and limits,
 * the shape of each row (a latitude without a longitude, a rule of the
 * wrong shape), and keys that appear twice in the file.  Every problem is
 * collected; nothing stops at the first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"
#include "snapshot.h"

/* --- the map ------------------------------------------------------------------- */

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int
imp_map_init(struct imp_map *m, size_t expected)
{
	size_t cap = 16;

	while (cap < expected * 2)
		cap *= 2;
	m->key = calloc(cap, sizeof(*m->key));
	m->value = calloc(cap, sizeof(*m->value));
	m->mask = cap - 1;
	m->n = 0;
	if (m->key == NULL || m->value == NULL) {
		imp_map_free(m);
		return -1;
	}
	return 0;
}

int64_t
imp_map_get(const struct imp_map *m, const char *key)
{
	size_t i;

	if (m->key == NULL)
		return -1;
	for (i = fnv1a(key) & m->mask; m->key[i] != NULL; i = (i + 1) & m->mask)
		if (strcmp(m->key[i], key) == 0)
			return m->value[i];
	return -1;
}

static void
map_place(const char **keys, int64_t *values, size_t mask, const char *key, int64_t value)
{
	size_t i;

	for (i = fnv1a(key) & mask; keys[i] != NULL; i = (i + 1) & mask)
		if (strcmp(keys[i], key) == 0)
			break;
	keys[i] = key;
	values[i] = value;
}

int
imp_map_put(struct imp_map *m, const char *key, int64_t value)
{
	size_t i;

	if (m->key == NULL && imp_map_init(m, 16) < 0)
		return -1;
	if ((m->n + 1) * 2 > m->mask + 1) {
		size_t cap = (m->mask + 1) * 2;
		const char **keys = calloc(cap, sizeof(*keys));
		int64_t *values = calloc(cap, sizeof(*values));

		if (keys == NULL || values == NULL) {
			free(keys);
			free(values);
			return -1;
		}
		for (i = 0; i <= m->mask; i++)
			if (m->key[i] != NULL)
				map_place(keys, values, cap - 1, m->key[i], m->value[i]);
		free(m->key);
		free(m->value);
		m->key = keys;
		m->value = values;
		m->mask = cap - 1;
	}
	for (i = fnv1a(key) & m->mask; m->key[i] != NULL; i = (i + 1) & m->mask) {
		if (strcmp(m->key[i], key) == 0) {
			m->value[i] = value;
			return 0;
		}
	}
	m->key[i] = key;
	m->value[i] = value;
	m->n++;
	return 0;
}

void
imp_map_free(struct imp_map *m)
{
	free(m->key);
	free(m->value);
	memset(m, 0, sizeof(*m));
}

/* --- the header ------------------------------------------------------------------- */

const char *
imp_cell(const struct imp_table *t, size_t row, int col)
{
	const struct imp_row *r = &t->file->rows[row];
	int at = col >= 0 ? t->at[col] : -1;

	if (at < 0)
		return NULL;
	return at < r->n && at < IMP_MAX_COLUMNS ? r->cell[at] : "";
}

/* The header a problem names for a kind's column: as written, else in the list's language. */
static const char *
col_name(const struct imp_table *t, int col)
{
	if (t->header[col] != NULL)
		return t->header[col];
	return t->zh ? t->spec->cols[col].zh : t->spec->cols[col].key;
}

static void
check_header(struct imp_table *t, const struct imp_options *o, struct imp_problems *p)
{
	const struct imp_row *h = &t->file->rows[0];
	int i, n = h->n < IMP_MAX_COLUMNS ? h->n : IMP_MAX_COLUMNS, zh_votes = 0, en_votes = 0;
	bool zh, any_cjk = false;

	for (i = 0; i < t->spec->n_cols; i++) {
		t->at[i] = -1;
		t->header[i] = NULL;
	}
	/* the language first: the problems below are worded in it */
	for (i = 0; i < n; i++) {
		const char *s = imp_trim(h->cell[i]);

		if (imp_col_match(t->spec, s, &zh) >= 0)
			zh ? zh_votes++ : en_votes++;
		for (; *s != '\0'; s++)
			any_cjk |= (unsigned char)*s >= 0x80;
	}
	t->zh = zh_votes > en_votes || (zh_votes == en_votes && (zh_votes > 0 || any_cjk));
	p->zh = t->zh;
	if (h->n > IMP_MAX_COLUMNS)
		IMP_PROB(p, h->line, "", "", "the header has %d columns, more than %d",
		         "表头有 %d 列，超过 %d 列", h->n, IMP_MAX_COLUMNS);
	for (i = 0; i < n; i++) {
		const char *s = h->cell[i];
		int c = imp_col_match(t->spec, s, &zh);

		t->col[i] = -1;
		if (strchr(s, IMP_BAD_BYTE) != NULL) {
			IMP_PROB(p, h->line, s, s, "contains a byte that is not %s",
			         "含有不符合 %s 编码的字节", imp_encoding_name(t->file->encoding));
		} else if (s[0] == '\0') {
			IMP_PROB(p, h->line, "", "", "column %d has no header", "第 %d 列没有表头",
			         i + 1);
		} else if (c < 0) {
			IMP_PROB(p, h->line, s, s,
			         "is not a column of the %s list (docs/import.md)",
			         "不是“%s”表的列（见 docs/import.md）",
			         t->zh ? t->spec->title : t->spec->name);
		} else if (t->at[c] >= 0) {
			IMP_PROB(p, h->line, s, s, "appears twice (columns %d and %d)",
			         "重复（第 %d 列与第 %d 列）", t->at[c] + 1, i + 1);
		} else {
			t->col[i] = c;
			t->at[c] = i;
			t->header[c] = s;
		}
	}
	for (i = 0; i < t->spec->n_cols; i++)
		if ((t->spec->cols[i].flags & IC_REQUIRED) && t->at[i] < 0)
			IMP_PROB(p, h->line, col_name(t, i), "", "a required column is missing",
			         "缺少必填列");
	(void)o;
}

/* --- the rows ---------------------------------------------------------------------- */

static void
check_cell(struct imp_table *t, size_t row, int col, struct imp_problems *p)
{
	const struct imp_column *c = &t->spec->cols[col];
	const struct imp_row *r = &t->file->rows[row];
	const char *text = imp_cell(t, row, col);
	struct imp_value v;
	char why[512];
	size_t len = strlen(text);

	if (strchr(text, IMP_BAD_BYTE) != NULL) {
		IMP_PROB(p, r->line, col_name(t, col), text, "contains a byte that is not %s",
		         "含有不符合 %s 编码的字节", imp_encoding_name(t->file->encoding));
		t->bad[row] = true;
		return;
	}
	if (len > IMP_MAX_CELL_BYTES) {
		IMP_PROB(p, r->line, col_name(t, col), text, "has %zu bytes, more than %d",
		         "长度为 %zu 字节，超过 %d", len, IMP_MAX_CELL_BYTES);
		t->bad[row] = true;
		return;
	}
	if (text[0] == '\0') {
		if (c->flags & IC_REQUIRED) {
			IMP_PROB(p, r->line, col_name(t, col), "", "is empty", "不能为空");
			t->bad[row] = true;
		}
		return;
	}
	if (imp_parse(c, text, t->zh, &v, why, sizeof(why)) < 0) {
		imp_problem(p, r->line, col_name(t, col), text, "%s", why);
		t->bad[row] = true;
	}
	imp_value_free(&v);
}

/* Both coordinates or neither. */
static void
check_pair(struct imp_table *t, size_t row, const char *lat_key, const char *lon_key,
           struct imp_problems *p)
{
	int a = imp_col_index(t->spec, lat_key), b = imp_col_index(t->spec, lon_key);
	const char *x, *y;

	if (a < 0 || b < 0)
		return;
	x = imp_cell(t, row, a);
	y = imp_cell(t, row, b);
	if (x == NULL && y == NULL)
		return;
	if (x == NULL || y == NULL) {
		if (row == 1) /* once: the header lacks one of the two */
			IMP_PROB(p, t->file->rows[0].line, col_name(t, x == NULL ? a : b), "",
			         "a column of coordinates without the other",
			         "经纬度两列须同时提供");
		return;
	}
	if ((x[0] == '\0') != (y[0] == '\0')) {
		IMP_PROB(p, t->file->rows[row].line, col_name(t, x[0] == '\0' ? a : b), "",
		         "is empty while the other coordinate is given", "经纬度须同时填写");
		t->bad[row] = true;
	}
}

/* A rule names what its kind needs and nothing else. */
static void
check_rule_shape(struct imp_table *t, size_t row, struct imp_problems *p)
{
	static const char *const pair_cols[] = {"enterprise", "community"};
	static const char *const zone_cols[] = {"instructor", "zone"};
	static const char *const all[] = {"enterprise", "community", "instructor", "zone",
	                                  "period"};
	int kind_col = imp_col_index(t->spec, "kind"), i;
	struct imp_value v;
	char why[256];
	bool pair;

	if (imp_parse(&t->spec->cols[kind_col], imp_cell(t, row, kind_col), t->zh, &v, why,
	              sizeof(why)) < 0 ||
	    v.empty)
		return;
	pair = v.i == RULE_PIN_PAIR || v.i == RULE_FORBID_PAIR;
	for (i = 0; i < 5; i++) {
		int c = imp_col_index(t->spec, all[i]);
		const char *cell = imp_cell(t, row, c);
		bool needed = false, allowed;
		int k;

		for (k = 0; k < 2; k++)
			needed |= strcmp(all[i], pair ? pair_cols[k] : zone_cols[k]) == 0;
		allowed = needed || (!pair && strcmp(all[i], "period") == 0);
		if (needed && (cell == NULL || cell[0] == '\0')) {
			IMP_PROB(p, t->file->rows[row].line, col_name(t, c), "",
			         "is empty, but a %s rule names one", "%s规则须填写此项",
			         imp_rule_text((int)v.i, t->zh));
			t->bad[row] = true;
		} else if (!allowed && cell != NULL && cell[0] != '\0') {
			IMP_PROB(p, t->file->rows[row].line, col_name(t, c), cell,
			         "a %s rule does not name one", "%s规则不应填写此项",
			         imp_rule_text((int)v.i, t->zh));
			t->bad[row] = true;
		}
	}
}

/* Keys that appear twice; a rule's key is its whole content. */
static int
check_duplicates(struct imp_table *t, struct imp_problems *p)
{
	struct imp_map seen;
	char **rule_keys = NULL;
	size_t row;
	int key = t->spec->key;

	if (imp_map_init(&seen, t->n_data) < 0)
		return -1;
	if (key < 0) {
		rule_keys = calloc(t->n_data + 1, sizeof(*rule_keys));
		if (rule_keys == NULL) {
			imp_map_free(&seen);
			return -1;
		}
	}
	for (row = 1; row <= t->n_data; row++) {
		const char *k;
		int64_t first;

		if (key >= 0) {
			k = imp_cell(t, row, key);
			if (k == NULL || k[0] == '\0' || strchr(k, IMP_BAD_BYTE) != NULL)
				continue;
		} else {
			const char *names[] = {"kind",       "enterprise", "community",
			                       "instructor", "zone",       "period"};
			size_t len = 0, i;
			char *buf;

			for (i = 0; i < 6; i++) {
				const char *c = imp_cell(t, row, imp_col_index(t->spec, names[i]));

				len += (c != NULL ? strlen(c) : 0) + 1;
			}
			buf = malloc(len + 1);
			if (buf == NULL)
				break;
			buf[0] = '\0';
			for (i = 0; i < 6; i++) {
				const char *c = imp_cell(t, row, imp_col_index(t->spec, names[i]));

				strcat(buf, c != NULL ? c : "");
				strcat(buf, "\x1f");
			}
			rule_keys[row] = buf;
			k = buf;
		}
		first = imp_map_get(&seen, k);
		if (first >= 0) {
			long line = t->file->rows[first].line;

			if (key >= 0)
				IMP_PROB(p, t->file->rows[row].line, col_name(t, key), k,
				         "appears twice (also on line %ld)",
				         "重复（与第 %ld 行相同）", line);
			else
				IMP_PROB(p, t->file->rows[row].line, "", "",
				         "the same rule as on line %ld", "与第 %ld 行的规则重复",
				         line);
			t->bad[row] = true;
		} else if (imp_map_put(&seen, k, (int64_t)row) < 0) {
			break;
		}
	}
	imp_map_free(&seen);
	if (rule_keys != NULL) {
		for (row = 0; row <= t->n_data; row++)
			free(rule_keys[row]);
		free(rule_keys);
	}
	return 0;
}

int
imp_check_file(struct imp_table *t, struct imp_file *f, const struct imp_kind_spec *spec,
               const struct imp_options *o, struct imp_problems *p)
{
	size_t row;
	int i, n_header;

	memset(t, 0, sizeof(*t));
	t->spec = spec;
	t->file = f;
	for (i = 0; i < IMP_MAX_COLUMNS; i++)
		t->col[i] = t->at[i] = -1;
	if (f->n_rows == 0) {
		p->zh = true;
		IMP_PROB(p, 0, "", "", "the file is empty: no header", "文件为空：没有表头");
		return 0;
	}
	t->n_data = f->n_rows - 1;
	t->bad = calloc(f->n_rows, sizeof(*t->bad));
	if (t->bad == NULL)
		return -1;
	check_header(t, o, p);
	if (f->too_many_rows)
		IMP_PROB(p, 0, "", "", "more than %d rows: the list is cut there",
		         "超过 %d 行：其后的行未读取", IMP_MAX_ROWS);
	if (f->unclosed_quote > 0)
		IMP_PROB(p, f->unclosed_quote, "", "",
		         "a quoted cell is not closed before the end of the file",
		         "引号未闭合，直到文件结尾");
	n_header = f->rows[0].n;
	for (row = 1; row <= t->n_data; row++) {
		const struct imp_row *r = &f->rows[row];

		for (i = 0; i < r->n && i < IMP_MAX_COLUMNS; i++) {
			char *c = imp_trim(r->cell[i]);

			/* '=...: a text export-data kept from being read as a formula */
			if (c[0] == '\'' && c[1] != '\0' && strchr("=+@", c[1]) != NULL)
				memmove(c, c + 1, strlen(c));
		}
		if (r->n > n_header) {
			bool extra = false;

			for (i = n_header; i < r->n && i < IMP_MAX_COLUMNS; i++)
				extra |= r->cell[i][0] != '\0';
			if (extra || r->n > IMP_MAX_COLUMNS) {
				IMP_PROB(p, r->line, "", "",
				         "has %d cells; the header has %d columns",
				         "有 %d 个单元格，表头只有 %d 列", r->n, n_header);
				t->bad[row] = true;
			}
		}
		for (i = 0; i < spec->n_cols; i++)
			if (t->at[i] >= 0)
				check_cell(t, row, i, p);
		check_pair(t, row, "lat", "lon", p);
		check_pair(t, row, "home_lat", "home_lon", p);
		if (spec == &imp_kinds[IMP_RULES] && t->at[imp_col_index(spec, "kind")] >= 0)
			check_rule_shape(t, row, p);
	}
	return check_duplicates(t, p);
}

void
imp_table_free(struct imp_table *t)
{
	free(t->bad);
	t->bad = NULL;
}
