/*
 * import_refs.c - the checks of a list that need the other tables: codes
 * that must name an active row (a zone, a period, an instructor, an
 * enterprise, a community), a row without coordinates, an organisation's
 * name, partner limits as they will be, a period's start that another
 * period has, a zone still in use that --replace would retire, and the
 * model's rules on rules (docs/model.md §5): a pin and a forbid of the same
 * pair or instructor and zone, a pin in a period the instructor is
 * unavailable, an unavailability under a pin.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_run.h"
#include "snapshot.h"

/* Did the cell parse?  (A cell that did not was reported already.) */
static bool
cell_ok(const struct imp_run *r, size_t row, int col, struct imp_value *v)
{
	const char *text = imp_cell(&r->t, row, col);
	char why[256];
	struct imp_value tmp;

	if (v == NULL)
		v = &tmp;
	if (text == NULL || strchr(text, IMP_BAD_BYTE) != NULL ||
	    imp_parse(&r->spec->cols[col], text, false, v, why, sizeof(why)) < 0) {
		imp_value_free(v);
		return false;
	}
	if (v == &tmp)
		imp_value_free(v);
	return true;
}

static void
problem_at(struct imp_run *r, size_t row, int col)
{
	(void)col;
	r->t.bad[row] = true;
}

static void
check_zone_ref(struct imp_run *r, size_t row, const char *key)
{
	int c = imp_col_index(r->spec, key);
	const char *text = imp_cell(&r->t, row, c);

	if (text == NULL || text[0] == '\0' || !cell_ok(r, row, c, NULL))
		return;
	if (imp_lookup_id(&r->zones, text) == 0) {
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, c), text,
		         "no active zone has this code", "没有此编码的片区");
		problem_at(r, row, c);
	}
}

static void
check_coordinates(struct imp_run *r, size_t row, const struct imp_merged *m, const char *lat_key)
{
	int a = imp_col_index(r->spec, lat_key), z = imp_col_index(r->spec, "zone");
	const char *x = imp_cell(&r->t, row, a), *y = imp_cell(&r->t, row, a + 1);

	if (m->v[a] != NULL && m->v[a][0] != '\0')
		return;
	if ((x != NULL && x[0] != '\0') || (y != NULL && y[0] != '\0'))
		return; /* one of the two: the file's check said so */
	if (r->o->place_missing)
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, a), "",
		         "has no coordinates and no known zone to place it at",
		         "缺少经纬度，也没有可用于定位的片区");
	else
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, a), "",
		         "has no coordinates: give them, or import with --place-missing zone to "
		         "put the row at its zone's centroid (marked approximate)",
		         "缺少经纬度：请填写，或使用 --place-missing zone 按%s中心定位（标为估算）",
		         z >= 0 ? "片区" : "片区");
	problem_at(r, row, a);
}

static void
check_enterprise(struct imp_run *r, size_t row, const struct imp_merged *m)
{
	int oc = imp_col_index(r->spec, "party_org"), nc = imp_col_index(r->spec, "party_org_name");
	int zc = imp_col_index(r->spec, "zone");
	struct imp_value v;
	char why[256];
	const char *name_cell = imp_cell(&r->t, row, nc);

	if (m->zone_id == 0 && m->v[zc] != NULL && m->v[zc][0] != '\0' &&
	    cell_ok(r, row, zc, NULL)) {
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, zc), m->v[zc],
		         "no active zone has this code", "没有此编码的片区");
		problem_at(r, row, zc);
	}
	if (imp_parse(&r->spec->cols[oc], m->v[oc] != NULL && m->v[oc][0] ? m->v[oc] : "none",
	              false, &v, why, sizeof(why)) == 0) {
		if (v.i == ORG_JOINT_BRANCH && (m->v[nc] == NULL || m->v[nc][0] == '\0')) {
			IMP_PROB(
			    &r->p, r->file.rows[row].line, imp_col_name(r, nc), "",
			    "is empty: a joint branch is named (its member enterprises share it)",
			    "联合党支部须填写党组织名称（成员企业共用）");
			problem_at(r, row, nc);
		} else if (v.i == ORG_NONE && name_cell != NULL && name_cell[0] != '\0') {
			IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, nc), name_cell,
			         "names an organisation, but the kind of organisation is none",
			         "填写了党组织名称，但党组织类型为“无”");
			problem_at(r, row, nc);
		}
	}
	check_coordinates(r, row, m, "lat");
}

static void
check_community(struct imp_run *r, size_t row, const struct imp_merged *m)
{
	int a = imp_col_index(r->spec, "min_partners"), b = imp_col_index(r->spec, "max_partners");
	struct imp_value lo, hi;
	char why[256];

	check_zone_ref(r, row, "zone");
	check_coordinates(r, row, m, "lat");
	if (imp_parse(&r->spec->cols[a], m->v[a] != NULL && m->v[a][0] ? m->v[a] : "1", false, &lo,
	              why, sizeof(why)) == 0 &&
	    imp_parse(&r->spec->cols[b], m->v[b] != NULL && m->v[b][0] ? m->v[b] : "3", false, &hi,
	              why, sizeof(why)) == 0 &&
	    lo.i > hi.i) {
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, a), m->v[a] ? m->v[a] : "",
		         "%" PRId64 " is greater than max_partners %" PRId64,
		         "最少结对企业数 %" PRId64 " 大于最多结对企业数 %" PRId64, lo.i, hi.i);
		problem_at(r, row, a);
	}
}

static void
check_availability(struct imp_run *r, size_t row)
{
	int ic = imp_col_index(r->spec, "instructor"), lc = imp_col_index(r->spec, "unavailable");
	const char *code = imp_cell(&r->t, row, ic);
	struct imp_value v;
	size_t i;
	char key[512];

	if (r->match[row] < 0 && code != NULL && code[0] != '\0' && cell_ok(r, row, ic, NULL)) {
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, ic), code,
		         "no active instructor has this staff number", "没有此工号的在岗指导员");
		problem_at(r, row, ic);
	}
	if (!cell_ok(r, row, lc, &v))
		return;
	for (i = 0; i < v.n_items; i++) {
		if (imp_lookup_id(&r->periods, v.item[i]) == 0) {
			IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, lc), v.item[i],
			         "no active period has this label", "没有此时段");
			problem_at(r, row, lc);
			continue;
		}
		snprintf(key, sizeof(key), "%s\x1f%s", code != NULL ? code : "", v.item[i]);
		if (imp_map_get(&r->pins.map, key) >= 0) {
			int64_t p = imp_map_get(&r->pins.map, key);

			IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, lc), v.item[i],
			         "a rule pins the instructor to zone %s in this period",
			         "已有规则指定该指导员在此时段派驻片区 %s",
			         PQgetvalue(r->pins.res, (int)p, 2));
			problem_at(r, row, lc);
		}
	}
	imp_value_free(&v);
}

static const struct {
	const char *col;
	size_t lookup; /* offset of the lookup in struct imp_run */
	const char *en, *zh;
} rule_refs[5] = {
    {"enterprise", offsetof(struct imp_run, enterprises),
     "no active enterprise has this credit code", "没有此统一社会信用代码的在册企业"},
    {"community", offsetof(struct imp_run, communities), "no active community has this code",
     "没有此编码的居民区"},
    {"instructor", offsetof(struct imp_run, instructors),
     "no active instructor has this staff number", "没有此工号的在岗指导员"},
    {"zone", offsetof(struct imp_run, zones), "no active zone has this code", "没有此编码的片区"},
    {"period", offsetof(struct imp_run, periods), "no active period has this label", "没有此时段"},
};

static void
check_rule(struct imp_run *r, size_t row, struct imp_merged *m)
{
	int i, kc = imp_col_index(r->spec, "kind");
	struct imp_value kind;
	char key[512];

	for (i = 0; i < 5; i++) {
		int c = imp_col_index(r->spec, rule_refs[i].col);
		const char *text = imp_cell(&r->t, row, c);
		const struct imp_lookup *l =
		    (const struct imp_lookup *)((const char *)r + rule_refs[i].lookup);

		m->ref[i] = 0;
		if (text == NULL || text[0] == '\0' || !cell_ok(r, row, c, NULL))
			continue;
		m->ref[i] = imp_lookup_id(l, text);
		if (m->ref[i] == 0) {
			imp_problem(&r->p, r->file.rows[row].line, imp_col_name(r, c), text, "%s",
			            r->t.zh ? rule_refs[i].zh : rule_refs[i].en);
			problem_at(r, row, c);
		}
	}
	if (!cell_ok(r, row, kc, &kind) || kind.i != RULE_PIN_ZONE || m->ref[2] == 0 ||
	    m->ref[4] == 0)
		return;
	snprintf(key, sizeof(key), "%s\x1f%s",
	         imp_cell(&r->t, row, imp_col_index(r->spec, "instructor")),
	         imp_cell(&r->t, row, imp_col_index(r->spec, "period")));
	if (imp_map_get(&r->avail.map, key) >= 0) {
		int c = imp_col_index(r->spec, "period");

		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, c), imp_cell(&r->t, row, c),
		         "the instructor is unavailable in this period",
		         "该指导员在此时段不可派驻");
		problem_at(r, row, c);
	}
}

void
imp_check_row_refs(struct imp_run *r, size_t row, struct imp_merged *m)
{
	switch (r->kind) {
	case IMP_ENTERPRISES:
		check_enterprise(r, row, m);
		break;
	case IMP_COMMUNITIES:
		check_community(r, row, m);
		break;
	case IMP_INSTRUCTORS:
		check_zone_ref(r, row, "zone");
		check_coordinates(r, row, m, "home_lat");
		break;
	case IMP_AVAILABILITY:
		check_availability(r, row);
		break;
	case IMP_RULES:
		check_rule(r, row, m);
		break;
	default:
		break;
	}
}

/* --- rules against rules ---------------------------------------------------------------- */

struct rule_sets {
	struct imp_map pin_pair, forbid_pair, pin_zone, forbid_zone, pin_any, forbid_any;
	char **keys;
	size_t n_keys, cap_keys;
};

static const char *
keep_key(struct rule_sets *s, int64_t a, int64_t b, int64_t c)
{
	char *k;

	if (s->n_keys == s->cap_keys) {
		size_t cap = s->cap_keys ? s->cap_keys * 2 : 256;
		char **v = realloc(s->keys, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		s->keys = v;
		s->cap_keys = cap;
	}
	if (asprintf(&k, "%" PRId64 ":%" PRId64 ":%" PRId64, a, b, c) < 0)
		return NULL;
	s->keys[s->n_keys++] = k;
	return k;
}

/* Put a rule in the sets; line 0 for a stored rule.  -1 when out of memory. */
static int
add_rule(struct rule_sets *s, int kind, const int64_t ref[5], long line)
{
	const char *k;
	struct imp_map *m;

	if (kind == RULE_PIN_PAIR || kind == RULE_FORBID_PAIR) {
		k = keep_key(s, ref[0], ref[1], 0);
		m = kind == RULE_PIN_PAIR ? &s->pin_pair : &s->forbid_pair;
		return k == NULL || (imp_map_get(m, k) < 0 && imp_map_put(m, k, line) < 0) ? -1 : 0;
	}
	k = keep_key(s, ref[2], ref[3], ref[4]);
	m = kind == RULE_PIN_ZONE ? &s->pin_zone : &s->forbid_zone;
	if (k == NULL || (imp_map_get(m, k) < 0 && imp_map_put(m, k, line) < 0))
		return -1;
	k = keep_key(s, ref[2], ref[3], 0);
	m = kind == RULE_PIN_ZONE ? &s->pin_any : &s->forbid_any;
	return k == NULL || (imp_map_get(m, k) < 0 && imp_map_put(m, k, line) < 0) ? -1 : 0;
}

static int64_t
find(struct rule_sets *s, struct imp_map *m, int64_t a, int64_t b, int64_t c)
{
	char k[96];

	(void)s;
	snprintf(k, sizeof(k), "%" PRId64 ":%" PRId64 ":%" PRId64, a, b, c);
	return imp_map_get(m, k);
}

/* The rule a file rule conflicts with: its line, 0 for a stored rule, -1 for none. */
static int64_t
conflict(struct rule_sets *s, int kind, const int64_t ref[5])
{
	int64_t l;

	switch (kind) {
	case RULE_PIN_PAIR:
		return find(s, &s->forbid_pair, ref[0], ref[1], 0);
	case RULE_FORBID_PAIR:
		return find(s, &s->pin_pair, ref[0], ref[1], 0);
	case RULE_PIN_ZONE:
		if (ref[4] == 0)
			return find(s, &s->forbid_any, ref[2], ref[3], 0);
		l = find(s, &s->forbid_zone, ref[2], ref[3], ref[4]);
		return l >= 0 ? l : find(s, &s->forbid_zone, ref[2], ref[3], 0);
	default:
		if (ref[4] == 0)
			return find(s, &s->pin_any, ref[2], ref[3], 0);
		l = find(s, &s->pin_zone, ref[2], ref[3], ref[4]);
		return l >= 0 ? l : find(s, &s->pin_zone, ref[2], ref[3], 0);
	}
}

int
imp_check_rules(struct imp_run *r)
{
	struct rule_sets s;
	struct imp_merged m;
	int n = PQntuples(r->state), i, c, rc = -1;
	size_t row;
	int kc = imp_col_index(r->spec, "kind");
	int *kinds = calloc(r->t.n_data + 1, sizeof(int));
	int64_t(*refs)[5] = calloc(r->t.n_data + 1, sizeof(*refs));

	memset(&s, 0, sizeof(s));
	if (kinds == NULL || refs == NULL)
		goto out;
	/* the stored rules that stay: with --replace none but the list's own */
	for (i = 0; !r->o->replace && i < n; i++) {
		int64_t ref[5];
		struct imp_value v;
		char why[64];

		if (r->seen[i])
			continue;
		if (imp_parse(&r->spec->cols[kc], imp_state_text(r, i, 0), false, &v, why,
		              sizeof(why)) < 0)
			continue;
		for (c = 0; c < 5; c++) {
			const struct imp_lookup *l =
			    (const struct imp_lookup *)((const char *)r + rule_refs[c].lookup);

			ref[c] = imp_lookup_id(l, imp_state_text(r, i, 1 + c));
		}
		if (add_rule(&s, (int)v.i, ref, 0) < 0)
			goto out;
	}
	for (row = 1; row <= r->t.n_data; row++) {
		struct imp_value v;

		kinds[row] = -1;
		if (r->status[row] == ST_SKIP || !cell_ok(r, row, kc, &v))
			continue;
		imp_resolve(r, row, &m);
		kinds[row] = (int)v.i;
		memcpy(refs[row], m.ref, sizeof(m.ref));
		if (add_rule(&s, kinds[row], refs[row], r->file.rows[row].line) < 0)
			goto out;
	}
	for (row = 1; row <= r->t.n_data; row++) {
		int64_t l;

		if (kinds[row] < 0)
			continue;
		l = conflict(&s, kinds[row], refs[row]);
		if (l < 0)
			continue;
		if (l > 0)
			IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, kc),
			         imp_cell(&r->t, row, kc), "contradicts the rule on line %" PRId64,
			         "与第 %" PRId64 " 行的规则矛盾", l);
		else
			IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, kc),
			         imp_cell(&r->t, row, kc), "contradicts a stored rule",
			         "与已有规则矛盾");
		r->t.bad[row] = true;
	}
	rc = 0;
out:
	imp_map_free(&s.pin_pair);
	imp_map_free(&s.forbid_pair);
	imp_map_free(&s.pin_zone);
	imp_map_free(&s.forbid_zone);
	imp_map_free(&s.pin_any);
	imp_map_free(&s.forbid_any);
	while (s.n_keys > 0)
		free(s.keys[--s.n_keys]);
	free(s.keys);
	free(kinds);
	free(refs);
	return rc;
}

/* --- periods and zones -------------------------------------------------------------------- */

void
imp_check_periods(struct imp_run *r)
{
	struct imp_map starts;
	int n = PQntuples(r->state), i, sc = imp_col_index(r->spec, "start");
	size_t row;
	char(*text)[16] = calloc(r->t.n_data + 1, sizeof(*text));

	if (text == NULL || imp_map_init(&starts, (size_t)n + r->t.n_data) < 0) {
		free(text);
		return;
	}
	/* the stored periods the list does not name keep their starts (UNIQUE, active or not) */
	for (i = 0; i < n; i++)
		if (!r->seen[i] && imp_state_text(r, i, sc) != NULL)
			imp_map_put(&starts, imp_state_text(r, i, sc), -(int64_t)i - 1);
	for (row = 1; row <= r->t.n_data; row++) {
		struct imp_value v;
		int64_t other;

		if (!cell_ok(r, row, sc, &v) || v.empty)
			continue;
		date_format((int32_t)v.i, text[row]);
		other = imp_map_get(&starts, text[row]);
		if (other == -1) {
			imp_map_put(&starts, text[row], (int64_t)row);
			continue;
		}
		IMP_PROB(&r->p, r->file.rows[row].line, imp_col_name(r, sc),
		         imp_cell(&r->t, row, sc), "period %s starts on the same day",
		         "时段 %s 的开始日期与此相同",
		         other > 0 ? imp_cell(&r->t, (size_t)other, 0)
		                   : imp_state_text(r, -other - 1, 0));
		r->t.bad[row] = true;
	}
	imp_map_free(&starts);
	free(text);
}

void
imp_check_zones_in_use(struct imp_run *r)
{
	int n = PQntuples(r->state), i;

	for (i = 0; i < n; i++) {
		const char *code = imp_state_text(r, i, 0);
		int64_t u;

		if (r->seen[i] || PQgetvalue(r->state, i, 1)[0] != 't' || code == NULL)
			continue;
		u = imp_map_get(&r->zone_use.map, code);
		if (u < 0)
			continue;
		IMP_PROB(&r->p, 0, imp_col_name(r, 0), code,
		         "the list does not name this zone, but %s active enterprises are in it: "
		         "it cannot be retired",
		         "名单中没有此片区，但仍有 %s 家在册企业属于它：不能停用",
		         PQgetvalue(r->zone_use.res, (int)u, 1));
	}
}

/* The row as it will be, its references resolved, problems not reported again. */
void
imp_resolve(struct imp_run *r, size_t row, struct imp_merged *m)
{
	struct imp_problems saved = r->p;
	bool bad = r->t.bad[row];

	memset(&r->p, 0, sizeof(r->p));
	r->p.zh = saved.zh;
	imp_merge(r, row, m);
	imp_check_row_refs(r, row, m);
	imp_problems_free(&r->p);
	r->p = saved;
	r->t.bad[row] = bad;
}
