/*
 * tables.c - the four tables of a plan, computed once for the workbook's
 * sheets (xlsx.c) and the CSV files (csv.c): 结对共建 (the pairs), 指导员派驻
 * (each instructor's zone per period), 未覆盖居民区 (communities short of
 * partners) and 片区工作量 (workload, capacity and seats per zone and
 * period).  Texts are cleaned here (text.c); numbers stay numbers.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "report_impl.h"

static const struct {
	const char *title, *file;
} tables[REPORT_TABLES] = {
    [REPORT_PAIRS] = {"结对共建", "pairs.csv"},
    [REPORT_ASSIGNMENTS] = {"指导员派驻", "assignments.csv"},
    [REPORT_UNCOVERED] = {"未覆盖居民区", "uncovered.csv"},
    [REPORT_WORKLOAD] = {"片区工作量", "workload.csv"},
};

const char *
report_table_title(enum report_table t)
{
	return (unsigned)t < REPORT_TABLES ? tables[t].title : NULL;
}

const char *
report_table_file(enum report_table t)
{
	return (unsigned)t < REPORT_TABLES ? tables[t].file : NULL;
}

int
report_table_parse(const char *name, enum report_table *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < REPORT_TABLES; i++) {
		const char *file = tables[i].file;
		size_t stem = strlen(file) - strlen(".csv");

		if (strcmp(name, file) == 0 ||
		    (strlen(name) == stem && strncmp(name, file, stem) == 0)) {
			*out = (enum report_table)i;
			return 0;
		}
	}
	return -1;
}

/* --- building rows --------------------------------------------------------- */

struct builder {
	struct report_rows *r;
	size_t at; /* the next cell */
	struct report_buf tmp;
	bool oom;
};

static void
cell_num(struct builder *b, int64_t v)
{
	b->r->cells[b->at].text = NULL;
	b->r->cells[b->at].num = v;
	b->at++;
}

/* The text in b->tmp, cleaned, as the next cell; tmp is emptied. */
static void
cell_tmp(struct builder *b)
{
	char *t = report_clean(report_buf_text(&b->tmp));

	if (t == NULL || b->tmp.failed)
		b->oom = true;
	b->r->cells[b->at].text = t != NULL ? t : NULL;
	if (t == NULL)
		b->r->cells[b->at].num = 0;
	b->at++;
	report_buf_reset(&b->tmp);
}

static void
cell_text(struct builder *b, const char *raw)
{
	report_buf_puts(&b->tmp, raw);
	cell_tmp(b);
}

static int
start(struct builder *b, struct report_rows *r, size_t ncols, size_t nrows)
{
	memset(b, 0, sizeof(*b));
	b->r = r;
	report_buf_init(&b->tmp);
	r->ncols = ncols;
	r->nrows = nrows;
	r->headers = calloc(ncols, sizeof(*r->headers));
	r->cells = calloc(nrows * ncols + 1, sizeof(*r->cells));
	if (r->headers == NULL || r->cells == NULL)
		return -1;
	return 0;
}

static void
headers(struct builder *b, const char *const *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b->r->headers[i] = strdup(h[i]);
		if (b->r->headers[i] == NULL)
			b->oom = true;
	}
}

/* --- the tables ------------------------------------------------------------ */

static void
build_pairs(const struct report_ctx *c, struct builder *b)
{
	static const char *const h[] = {
	    "企业", "企业编号", "统一社会信用代码", "居民区",   "居民区编号", "居民区编码",
	    "片区", "得分",     "满足需求",         "距离(米)", "位置为估算"};
	size_t i;

	headers(b, h, 11);
	for (i = 0; i < c->p->n_pairs; i++) {
		const struct plan_pair *pp = &c->p->pairs[i];
		const struct enterprise *e = report_enterprise(c, pp->enterprise_id);
		const struct community *cm = report_community(c, pp->community_id);

		report_enterprise_name(c, pp->enterprise_id, &b->tmp);
		cell_tmp(b);
		cell_num(b, pp->enterprise_id);
		cell_text(b, e != NULL && e->credit_code != NULL ? e->credit_code : "");
		report_community_name(c, pp->community_id, &b->tmp);
		cell_tmp(b);
		cell_num(b, pp->community_id);
		cell_text(b, cm != NULL && cm->code != NULL ? cm->code : "");
		if (e != NULL)
			report_zone_label(c, e->zone_id, &b->tmp);
		cell_tmp(b);
		cell_num(b, pp->score);
		if (e != NULL && cm != NULL) {
			report_needs_met(e, cm, &b->tmp);
			cell_tmp(b);
			cell_num(b, lround(geo_distance_m(e->lat, e->lon, cm->lat, cm->lon)));
		} else {
			cell_text(b, "");
			cell_text(b, "");
		}
		/* a position at its zone's centroid: the distance is an estimate */
		cell_text(b, (e != NULL && e->approximate) || (cm != NULL && cm->approximate) ? "是"
		                                                                              : "");
	}
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sorted unique ids; returns the count. */
static size_t
unique_ids(int64_t *v, size_t n)
{
	size_t i, m = 0;

	qsort(v, n, sizeof(*v), cmp_id);
	for (i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

static size_t
find_id(const int64_t *v, size_t n, int64_t id)
{
	const int64_t *hit = bsearch(&id, v, n, sizeof(*v), cmp_id);

	return hit != NULL ? (size_t)(hit - v) : IDMAP_NONE;
}

/*
 * One row per instructor (of the snapshot, or named by the plan), by id;
 * one column per period (the snapshot's order, then any the plan names
 * that the snapshot lacks).
 */
static int
build_assignments(const struct report_ctx *c, struct builder *b, struct report_rows *r)
{
	const struct snapshot *s = c->s;
	const struct plan *p = c->p;
	int64_t *inst, *per, *zone = NULL;
	size_t ni = 0, np = 0, i, k;
	int rc = -1;

	inst = malloc((s->n_instructors + p->n_assignments + 1) * sizeof(*inst));
	per = malloc((s->n_periods + p->n_assignments + 1) * sizeof(*per));
	if (inst == NULL || per == NULL)
		goto out;
	for (i = 0; i < s->n_instructors; i++)
		inst[ni++] = s->instructors[i].id;
	for (i = 0; i < p->n_assignments; i++)
		inst[ni++] = p->assignments[i].instructor_id;
	ni = unique_ids(inst, ni);
	for (i = 0; i < s->n_periods; i++)
		per[np++] = s->periods[i].id;
	for (i = 0; i < p->n_assignments; i++) {
		bool known = report_period(c, p->assignments[i].period_id) != NULL;

		for (k = s->n_periods; !known && k < np; k++)
			known = per[k] == p->assignments[i].period_id;
		if (!known)
			per[np++] = p->assignments[i].period_id;
	}
	zone = calloc(ni * np + 1, sizeof(*zone));
	if (zone == NULL || start(b, r, 4 + np, ni) != 0)
		goto out;
	for (i = 0; i < p->n_assignments; i++) {
		const struct plan_assignment *a = &p->assignments[i];
		size_t row = find_id(inst, ni, a->instructor_id);

		for (k = 0; k < np; k++)
			if (per[k] == a->period_id)
				zone[row * np + k] = a->zone_id;
	}

	r->headers[0] = strdup("指导员");
	r->headers[1] = strdup("指导员编号");
	r->headers[2] = strdup("工号");
	r->headers[3] = strdup("专职/兼职");
	for (k = 0; k < np; k++) {
		report_period_label(c, per[k], &b->tmp);
		r->headers[4 + k] = report_clean(report_buf_text(&b->tmp));
		report_buf_reset(&b->tmp);
	}
	for (k = 0; k < 4 + np; k++)
		if (r->headers[k] == NULL)
			b->oom = true;

	for (i = 0; i < ni; i++) {
		const struct instructor *in = report_instructor(c, inst[i]);

		report_instructor_name(c, inst[i], &b->tmp);
		cell_tmp(b);
		cell_num(b, inst[i]);
		cell_text(b, in != NULL && in->code != NULL ? in->code : "");
		cell_text(b, in == NULL ? "" : in->full_time ? "专职" : "兼职");
		for (k = 0; k < np; k++) {
			size_t u;
			bool away = false;

			if (zone[i * np + k] != 0) {
				report_zone_label(c, zone[i * np + k], &b->tmp);
				cell_tmp(b);
				continue;
			}
			for (u = 0; in != NULL && u < in->n_unavailable; u++)
				away |= in->unavailable[u] == per[k];
			cell_text(b, away ? "不在岗" : "未派驻");
		}
	}
	rc = 0;
out:
	free(inst);
	free(per);
	free(zone);
	return rc;
}

/* Partners of each community in the plan, by community row. */
static int64_t *
partner_counts(const struct report_ctx *c)
{
	int64_t *n = calloc(c->s->n_communities + 1, sizeof(*n));
	size_t i;

	if (n == NULL)
		return NULL;
	for (i = 0; i < c->p->n_pairs; i++) {
		size_t row = idmap_get(&c->ix.community, c->p->pairs[i].community_id);

		if (row != IDMAP_NONE)
			n[row]++;
	}
	return n;
}

static int
build_uncovered(const struct report_ctx *c, struct builder *b)
{
	static const char *const h[] = {"居民区", "居民区编号", "居民区编码", "缺少",
	                                "需求",   "最少伙伴",   "现有伙伴"};
	int64_t *partners = partner_counts(c);
	size_t i;

	if (partners == NULL)
		return -1;
	headers(b, h, 7);
	for (i = 0; i < c->p->n_uncovered; i++) {
		const struct plan_uncovered *u = &c->p->uncovered[i];
		const struct community *cm = report_community(c, u->community_id);

		report_community_name(c, u->community_id, &b->tmp);
		cell_tmp(b);
		cell_num(b, u->community_id);
		cell_text(b, cm != NULL && cm->code != NULL ? cm->code : "");
		cell_num(b, u->shortfall);
		if (cm != NULL) {
			report_codes_join(&cm->needs, &b->tmp);
			cell_tmp(b);
			cell_num(b, cm->min_partners);
			cell_num(b, partners[idmap_get(&c->ix.community, u->community_id)]);
		} else {
			cell_text(b, "");
			cell_text(b, "");
			cell_text(b, "");
		}
	}
	free(partners);
	return 0;
}

static int
build_workload(const struct report_ctx *c, struct builder *b)
{
	static const char *const h[] = {"片区",     "时段",     "工作量",   "容量",
	                                "专职席位", "兼职席位", "专职在岗", "兼职在岗"};
	size_t nz = c->s->n_zones, np = c->s->n_periods, i;
	int64_t *ft = calloc(nz * np + 1, sizeof(*ft)), *pt = calloc(nz * np + 1, sizeof(*pt));

	if (ft == NULL || pt == NULL) {
		free(ft);
		free(pt);
		return -1;
	}
	for (i = 0; i < c->p->n_assignments; i++) {
		const struct plan_assignment *a = &c->p->assignments[i];
		size_t z = idmap_get(&c->ix.zone, a->zone_id),
		       p = idmap_get(&c->ix.period, a->period_id);
		const struct instructor *in = report_instructor(c, a->instructor_id);

		if (z == IDMAP_NONE || p == IDMAP_NONE || in == NULL)
			continue;
		(in->full_time ? ft : pt)[p * nz + z]++;
	}
	headers(b, h, 8);
	for (i = 0; i < c->p->n_coverage; i++) {
		const struct plan_coverage *v = &c->p->coverage[i];
		size_t z = idmap_get(&c->ix.zone, v->zone_id),
		       p = idmap_get(&c->ix.period, v->period_id);
		bool known = z != IDMAP_NONE && p != IDMAP_NONE;

		report_zone_label(c, v->zone_id, &b->tmp);
		cell_tmp(b);
		report_period_label(c, v->period_id, &b->tmp);
		cell_tmp(b);
		cell_num(b, v->workload);
		cell_num(b, v->capacity);
		cell_num(b, v->seats_full_time);
		cell_num(b, v->seats_part_time);
		cell_num(b, known ? ft[p * nz + z] : 0);
		cell_num(b, known ? pt[p * nz + z] : 0);
	}
	free(ft);
	free(pt);
	return 0;
}

int
report_rows_build(const struct report_ctx *c, enum report_table t, struct report_rows *r, char *err,
                  size_t errlen)
{
	struct builder b;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&b, 0, sizeof(b));
	switch (t) {
	case REPORT_PAIRS:
		rc = start(&b, r, 11, c->p->n_pairs);
		if (rc == 0)
			build_pairs(c, &b);
		break;
	case REPORT_ASSIGNMENTS:
		rc = build_assignments(c, &b, r);
		break;
	case REPORT_UNCOVERED:
		rc = start(&b, r, 7, c->p->n_uncovered);
		if (rc == 0)
			rc = build_uncovered(c, &b);
		break;
	case REPORT_WORKLOAD:
		rc = start(&b, r, 8, c->p->n_coverage);
		if (rc == 0)
			rc = build_workload(c, &b);
		break;
	default:
		snprintf(err, errlen, "unknown table %d", (int)t);
		return -1;
	}
	report_buf_free(&b.tmp);
	if (rc != 0 || b.oom) {
		report_rows_free(r);
		snprintf(err, errlen, "out of memory building the table %s", report_table_title(t));
		return -1;
	}
	return 0;
}

void
report_rows_free(struct report_rows *r)
{
	size_t i;

	if (r->headers != NULL)
		for (i = 0; i < r->ncols; i++)
			free(r->headers[i]);
	if (r->cells != NULL)
		for (i = 0; i < r->nrows * r->ncols; i++)
			free(r->cells[i].text);
	free(r->headers);
	free(r->cells);
	memset(r, 0, sizeof(*r));
}
