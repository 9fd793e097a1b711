/*
 * pairing.c - the pairing model (结对共建, MODEL.md section 2) on GLPK.
 *
 * Candidates come from a spatial grid over the enterprises, so that the work
 * grows with the number of pairs within the radius and not with the product
 * enterprises x communities.  The integer program keeps the structure of a
 * network: x columns are binary, every row has a 0/1 matrix and an integer
 * right-hand side, and the shortfall u of a community is a column of its own.
 * Without the optional max_changes row the LP relaxation is integral, and the
 * branch-and-cut search ends at the root.
 *
 * The root LP is solved by glp_simplex with the LP presolver; glp_intopt then
 * runs without the MIP presolver, because glp_ios_heur_sol takes values for
 * the columns of the problem in the search tree, and the MIP presolver
 * renumbers those columns: the warm start (the plan in force) can only be
 * offered in the columns of the model as built here.
 *
 * Without max_changes the pairing is solved as a min-cost flow instead (see
 * "Without max_changes: a min-cost flow" below): a proven optimum in seconds
 * where the branch-and-cut stops at its time limit.  The branch-and-cut stays
 * for max_changes, for data the flow does not take, and for the LP export.
 */
#include "pairing.h"

#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glpk.h>

#include "geo.h"
#include "lp.h"
#include "mcf.h"
#include "plan.h"
#include "solver.h"

/* ------------------------------------------------------------------ */
/* Terms of a pair's score                                             */
/* ------------------------------------------------------------------ */

static bool
codes_strictly_sorted(const struct codes *c)
{
	size_t i;

	for (i = 1; i < c->n; i++)
		if (c->v[i - 1] == NULL || c->v[i] == NULL || strcmp(c->v[i - 1], c->v[i]) >= 0)
			return false;
	return true;
}

static bool
code_seen_before(const struct codes *c, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(c->v[j], c->v[i]) == 0)
			return true;
	return false;
}

/*
 * Distinct needs of the community, and how many of them the enterprise
 * offers.  Lists are sets; a snapshot keeps them sorted and unique, which
 * takes the merge path, but a list built by hand is counted as a set too.
 */
static void
count_needs(const struct codes *offers, const struct codes *needs, size_t *n_needs, size_t *met)
{
	size_t i, j;

	*n_needs = *met = 0;
	if (codes_strictly_sorted(offers) && codes_strictly_sorted(needs)) {
		*n_needs = needs->n;
		for (i = j = 0; i < needs->n && j < offers->n;) {
			int cmp = strcmp(needs->v[i], offers->v[j]);

			if (cmp == 0) {
				(*met)++;
				i++;
				j++;
			} else if (cmp < 0) {
				i++;
			} else {
				j++;
			}
		}
		return;
	}
	for (i = 0; i < needs->n; i++) {
		if (needs->v[i] == NULL || code_seen_before(needs, i))
			continue;
		(*n_needs)++;
		for (j = 0; j < offers->n; j++)
			if (offers->v[j] != NULL && strcmp(offers->v[j], needs->v[i]) == 0) {
				(*met)++;
				break;
			}
	}
}

void
pair_terms_compute(const struct settings *st, const struct enterprise *e, const struct community *c,
                   bool in_previous, struct pair_terms *t)
{
	size_t n_needs;
	double r = st->pair_radius_m;

	t->distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
	count_needs(&e->offers, &c->needs, &n_needs, &t->needs_met);
	t->need_fit = n_needs > 0 ? (double)t->needs_met / (double)n_needs : 0.0;
	/* A radius of 0 (or less) leaves no room for proximity. */
	t->prox = r > 0 ? 1.0 - t->distance_m / r : 0.0;
	if (!(t->prox > 0))
		t->prox = 0.0;
	t->base = lround(st->w_need * t->need_fit + st->w_distance * t->prox);
	t->keep = in_previous ? st->w_keep_pair : 0;
	t->score = t->base + t->keep;
}

/* ------------------------------------------------------------------ */
/* A set of (enterprise row, community row) with flags                 */
/* ------------------------------------------------------------------ */

enum { PAIR_FORBID = 1, PAIR_PIN = 2, PAIR_PREV = 4 };

struct pairset {
	uint64_t *keys; /* key + 1; 0 marks an empty slot */
	unsigned char *flags;
	size_t cap, n;
	size_t n_communities;
};

static uint64_t
pair_key(const struct pairset *ps, size_t e, size_t c)
{
	return (uint64_t)e * (uint64_t)ps->n_communities + (uint64_t)c + 1;
}

static size_t
pair_slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	return (size_t)(key & (cap - 1));
}

static int
pairset_init(struct pairset *ps, size_t expected, size_t n_communities)
{
	size_t cap = 16;

	while (cap < expected * 2 + 1)
		cap <<= 1;
	ps->keys = calloc(cap, sizeof(*ps->keys));
	ps->flags = calloc(cap, sizeof(*ps->flags));
	ps->cap = cap;
	ps->n = 0;
	ps->n_communities = n_communities;
	if (ps->keys == NULL || ps->flags == NULL) {
		free(ps->keys);
		free(ps->flags);
		return -1;
	}
	return 0;
}

static void
pairset_free(struct pairset *ps)
{
	free(ps->keys);
	free(ps->flags);
	ps->keys = NULL;
	ps->flags = NULL;
}

/* The set never grows: it is sized for the rules and previous pairs. */
static void
pairset_mark(struct pairset *ps, size_t e, size_t c, unsigned char flag)
{
	uint64_t key = pair_key(ps, e, c);
	size_t i;

	for (i = pair_slot(key, ps->cap);; i = (i + 1) & (ps->cap - 1)) {
		if (ps->keys[i] == key) {
			ps->flags[i] |= flag;
			return;
		}
		if (ps->keys[i] == 0) {
			ps->keys[i] = key;
			ps->flags[i] = flag;
			ps->n++;
			return;
		}
	}
}

static unsigned char
pairset_get(const struct pairset *ps, size_t e, size_t c)
{
	uint64_t key = pair_key(ps, e, c);
	size_t i;

	for (i = pair_slot(key, ps->cap);; i = (i + 1) & (ps->cap - 1)) {
		if (ps->keys[i] == key)
			return ps->flags[i];
		if (ps->keys[i] == 0)
			return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Candidates                                                          */
/* ------------------------------------------------------------------ */

struct rowpair {
	size_t e, c;
};

struct rowpairs {
	struct rowpair *v;
	size_t n, cap;
};

static int
rowpairs_add(struct rowpairs *rp, size_t e, size_t c)
{
	if (rp->n == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 256;
		struct rowpair *v = realloc(rp->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		rp->v = v;
		rp->cap = cap;
	}
	rp->v[rp->n].e = e;
	rp->v[rp->n].c = c;
	rp->n++;
	return 0;
}

static int
rowpair_cmp(const void *a, const void *b)
{
	const struct rowpair *x = a, *y = b;

	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return 0;
}

/*
 * The grid.  A cell is cell_lat degrees high, at least R in metres; a
 * column is at least R wide at the highest latitude any pair within R can
 * reach, so a pair within R lies in the same or a neighbouring cell.
 * Columns wrap around the antimeridian; near a pole there is one column.
 */
struct grid_entry {
	int64_t key;
	size_t e;
};

struct grid {
	double row_h, col_w; /* degrees */
	int64_t nrow, ncol;
	struct grid_entry *v;
	size_t n;
};

static int64_t
grid_row(const struct grid *g, double lat)
{
	int64_t r = (int64_t)floor((lat + 90.0) / g->row_h);

	return r < 0 ? 0 : r >= g->nrow ? g->nrow - 1 : r;
}

static int64_t
grid_col(const struct grid *g, double lon)
{
	int64_t k;

	if (g->ncol == 1)
		return 0;
	k = (int64_t)floor((lon + 180.0) / g->col_w);
	return k < 0 ? 0 : k >= g->ncol ? g->ncol - 1 : k;
}

static int
grid_entry_cmp(const void *a, const void *b)
{
	const struct grid_entry *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->e < y->e ? -1 : x->e > y->e;
}

static int
grid_build(struct grid *g, const struct snapshot *s, double radius)
{
	const double m_to_deg = 180.0 / (M_PI * EARTH_RADIUS_M);
	double cell, top = 0.0;
	size_t i;

	*g = (struct grid){0};
	if (!(radius >= 1.0))
		radius = 1.0;
	cell = radius * (1.0 + 1e-6) * m_to_deg;
	g->nrow = cell >= 180.0 ? 1 : (int64_t)floor(180.0 / cell);
	if (g->nrow < 1)
		g->nrow = 1;
	g->row_h = 180.0 / (double)g->nrow;
	for (i = 0; i < s->n_enterprises; i++)
		if (s->enterprises[i].max_communities >= 1 && fabs(s->enterprises[i].lat) > top)
			top = fabs(s->enterprises[i].lat);
	for (i = 0; i < s->n_communities; i++)
		if (fabs(s->communities[i].lat) > top)
			top = fabs(s->communities[i].lat);
	top += cell;
	g->ncol = 1;
	if (top < 89.0) {
		double w = cell / cos(top * M_PI / 180.0);

		if (w < 120.0)
			g->ncol = (int64_t)floor(360.0 / w);
		if (g->ncol < 3)
			g->ncol = 1;
	}
	g->col_w = 360.0 / (double)g->ncol;

	g->v = malloc((s->n_enterprises ? s->n_enterprises : 1) * sizeof(*g->v));
	if (g->v == NULL)
		return -1;
	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = &s->enterprises[i];

		if (e->max_communities < 1)
			continue;
		g->v[g->n].key = grid_row(g, e->lat) * g->ncol + grid_col(g, e->lon);
		g->v[g->n].e = i;
		g->n++;
	}
	qsort(g->v, g->n, sizeof(*g->v), grid_entry_cmp);
	return 0;
}

static size_t
grid_lower(const struct grid *g, int64_t key)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pairs (e, c) within the radius, from the cells around each community. */
static int
grid_pairs(const struct snapshot *s, struct rowpairs *out)
{
	double radius = s->settings.pair_radius_m;
	struct grid g;
	size_t c;
	int rc = 0;

	if (!(radius >= 0))
		return 0;
	if (grid_build(&g, s, radius) != 0)
		return -1;
	for (c = 0; c < s->n_communities && rc == 0; c++) {
		const struct community *cm = &s->communities[c];
		int64_t r0 = grid_row(&g, cm->lat), k0 = grid_col(&g, cm->lon);
		int64_t dr, dk;

		for (dr = -1; dr <= 1 && rc == 0; dr++) {
			int64_t r = r0 + dr;

			if (r < 0 || r >= g.nrow)
				continue;
			for (dk = -1; dk <= 1 && rc == 0; dk++) {
				int64_t k = k0 + dk;
				size_t i;

				if (g.ncol == 1 && dk != 0)
					continue;
				k = (k + g.ncol) % g.ncol;
				for (i = grid_lower(&g, r * g.ncol + k);
				     i < g.n && g.v[i].key == r * g.ncol + k; i++) {
					const struct enterprise *e = &s->enterprises[g.v[i].e];

					if (geo_distance_m(e->lat, e->lon, cm->lat, cm->lon) <=
					        radius &&
					    rowpairs_add(out, g.v[i].e, c) != 0) {
						rc = -1;
						break;
					}
				}
			}
		}
	}
	free(g.v);
	return rc;
}

/* A pair of the plan in force, and what became of it. */
enum prev_fate { PREV_CANDIDATE, PREV_FORBIDDEN, PREV_NOT_PAIRING };

struct prev_pair {
	size_t e, c;
	size_t cand; /* index in the candidates, or SIZE_MAX */
	enum prev_fate fate;
};

struct prev_pairs {
	struct prev_pair *v;
	size_t n;
};

static int
prev_pair_cmp(const void *a, const void *b)
{
	const struct prev_pair *x = a, *y = b;

	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return 0;
}

static size_t
find_candidate(const struct pair_candidates *pc, size_t e, size_t c)
{
	size_t lo = 0, hi = pc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pc->v[mid].e < e || (pc->v[mid].e == e && pc->v[mid].c < c))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pc->n && pc->v[lo].e == e && pc->v[lo].c == c)
		return lo;
	return SIZE_MAX;
}

/*
 * The candidates, and (when prev is not NULL) the distinct pairs of the
 * plan in force whose enterprise and community are still in the snapshot.
 */
static int
build_candidates(const struct snapshot *s, const struct snapshot_index *ix,
                 struct pair_candidates *out, struct prev_pairs *prev)
{
	struct pairset ps;
	struct rowpairs rp = {0};
	size_t i, n;

	out->v = NULL;
	out->n = 0;
	if (prev != NULL) {
		prev->v = NULL;
		prev->n = 0;
	}
	if (pairset_init(&ps, s->n_rules + s->n_prev_pairs, s->n_communities) != 0)
		return -1;
	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];
		size_t e, c;

		if (r->kind != RULE_PIN_PAIR && r->kind != RULE_FORBID_PAIR)
			continue;
		e = idmap_get(&ix->enterprise, r->enterprise_id);
		c = idmap_get(&ix->community, r->community_id);
		if (e == IDMAP_NONE || c == IDMAP_NONE)
			continue;
		pairset_mark(&ps, e, c, r->kind == RULE_PIN_PAIR ? PAIR_PIN : PAIR_FORBID);
		if (r->kind == RULE_PIN_PAIR && rowpairs_add(&rp, e, c) != 0)
			goto fail;
	}
	for (i = 0; i < s->n_prev_pairs; i++) {
		size_t e = idmap_get(&ix->enterprise, s->prev_pairs[i].a);
		size_t c = idmap_get(&ix->community, s->prev_pairs[i].b);

		if (e == IDMAP_NONE || c == IDMAP_NONE)
			continue;
		pairset_mark(&ps, e, c, PAIR_PREV);
		if (s->enterprises[e].max_communities >= 1 && rowpairs_add(&rp, e, c) != 0)
			goto fail;
	}
	if (grid_pairs(s, &rp) != 0)
		goto fail;

	if (rp.n > 0)
		qsort(rp.v, rp.n, sizeof(*rp.v), rowpair_cmp);
	out->v = calloc(rp.n ? rp.n : 1, sizeof(*out->v));
	if (out->v == NULL)
		goto fail;
	for (i = n = 0; i < rp.n; i++) {
		size_t e = rp.v[i].e, c = rp.v[i].c;
		unsigned char f;
		struct pair_terms t;

		if (i > 0 && e == rp.v[i - 1].e && c == rp.v[i - 1].c)
			continue;
		f = pairset_get(&ps, e, c);
		if ((f & PAIR_FORBID) && !(f & PAIR_PIN))
			continue;
		pair_terms_compute(&s->settings, &s->enterprises[e], &s->communities[c],
		                   (f & PAIR_PREV) != 0, &t);
		out->v[n].e = e;
		out->v[n].c = c;
		out->v[n].score = t.score;
		out->v[n].pinned = (f & PAIR_PIN) != 0;
		out->v[n].previous = (f & PAIR_PREV) != 0;
		n++;
	}
	out->n = n;

	if (prev != NULL) {
		struct prev_pair *v = calloc(s->n_prev_pairs ? s->n_prev_pairs : 1, sizeof(*v));

		if (v == NULL)
			goto fail;
		for (i = n = 0; i < s->n_prev_pairs; i++) {
			size_t e = idmap_get(&ix->enterprise, s->prev_pairs[i].a);
			size_t c = idmap_get(&ix->community, s->prev_pairs[i].b);

			if (e == IDMAP_NONE || c == IDMAP_NONE)
				continue;
			v[n].e = e;
			v[n].c = c;
			n++;
		}
		qsort(v, n, sizeof(*v), prev_pair_cmp);
		prev->v = v;
		prev->n = 0;
		for (i = 0; i < n; i++) {
			struct prev_pair *p;

			if (i > 0 && v[i].e == v[i - 1].e && v[i].c == v[i - 1].c)
				continue;
			p = &prev->v[prev->n++];
			*p = v[i];
			p->cand = find_candidate(out, p->e, p->c);
			if (p->cand != SIZE_MAX)
				p->fate = PREV_CANDIDATE;
			else if (pairset_get(&ps, p->e, p->c) & PAIR_FORBID)
				p->fate = PREV_FORBIDDEN;
			else
				p->fate = PREV_NOT_PAIRING;
		}
	}
	free(rp.v);
	pairset_free(&ps);
	return 0;
fail:
	free(rp.v);
	pairset_free(&ps);
	free(out->v);
	out->v = NULL;
	out->n = 0;
	if (prev != NULL) {
		free(prev->v);
		prev->v = NULL;
		prev->n = 0;
	}
	return -1;
}

int
pairing_candidates(const struct snapshot *s, const struct snapshot_index *ix,
                   struct pair_candidates *out)
{
	return build_candidates(s, ix, out, NULL);
}

void
pair_candidates_free(struct pair_candidates *pc)
{
	if (pc == NULL)
		return;
	free(pc->v);
	pc->v = NULL;
	pc->n = 0;
}

/* ------------------------------------------------------------------ */
/* The model's data: candidates grouped by enterprise and community   */
/* ------------------------------------------------------------------ */

struct pairing_data {
	const struct snapshot *s;
	struct pair_candidates pc;
	struct prev_pairs prev;
	size_t *e_start; /* candidates of enterprise e: [e_start[e], e_start[e+1]) */
	size_t *c_start; /* c_list[c_start[c] .. c_start[c+1]): candidates of c */
	size_t *c_list;
	size_t n_prev_candidates;
	/* The optional max_changes row: sum over previous candidates >= keep_min. */
	bool has_keep_row;
	int64_t keep_min;
};

static void
data_free(struct pairing_data *d)
{
	pair_candidates_free(&d->pc);
	free(d->prev.v);
	free(d->e_start);
	free(d->c_start);
	free(d->c_list);
	memset(d, 0, sizeof(*d));
}

static int
data_build(struct pairing_data *d, const struct snapshot *s, const struct snapshot_index *ix)
{
	size_t i, c;

	memset(d, 0, sizeof(*d));
	d->s = s;
	if (build_candidates(s, ix, &d->pc, &d->prev) != 0)
		return -1;
	d->e_start = calloc(s->n_enterprises + 1, sizeof(*d->e_start));
	d->c_start = calloc(s->n_communities + 1, sizeof(*d->c_start));
	d->c_list = calloc(d->pc.n ? d->pc.n : 1, sizeof(*d->c_list));
	if (d->e_start == NULL || d->c_start == NULL || d->c_list == NULL) {
		data_free(d);
		return -1;
	}
	for (i = 0; i < d->pc.n; i++) {
		d->e_start[d->pc.v[i].e + 1]++;
		d->c_start[d->pc.v[i].c + 1]++;
		if (d->pc.v[i].previous)
			d->n_prev_candidates++;
	}
	for (i = 0; i < s->n_enterprises; i++)
		d->e_start[i + 1] += d->e_start[i];
	for (c = 0; c < s->n_communities; c++)
		d->c_start[c + 1] += d->c_start[c];
	{
		size_t *fill = calloc(s->n_communities + 1, sizeof(*fill));

		if (fill == NULL) {
			data_free(d);
			return -1;
		}
		for (i = 0; i < d->pc.n; i++) {
			c = d->pc.v[i].c;
			d->c_list[d->c_start[c] + fill[c]++] = i;
		}
		free(fill);
	}
	if (s->settings.max_changes >= 0 && (int64_t)d->prev.n - s->settings.max_changes > 0) {
		d->has_keep_row = true;
		d->keep_min = (int64_t)d->prev.n - s->settings.max_changes;
	}
	return 0;
}

static int
industry_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Sort candidate indices of one community by industry (then index). */
static int
cand_industry_cmp(const void *a, const void *b, void *arg)
{
	const struct pairing_data *d = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int cmp = industry_cmp(d->s->enterprises[d->pc.v[x].e].industry,
	                       d->s->enterprises[d->pc.v[y].e].industry);

	if (cmp != 0)
		return cmp;
	return x < y ? -1 : x > y;
}

/*
 * Candidate indices of community c grouped by industry, into buf (at least
 * as long as the community's candidates).  Enterprises without an industry
 * belong to no group.
 */
static size_t
community_by_industry(const struct pairing_data *d, size_t c, size_t *buf)
{
	size_t n = d->c_start[c + 1] - d->c_start[c];

	memcpy(buf, d->c_list + d->c_start[c], n * sizeof(*buf));
	qsort_r(buf, n, sizeof(*buf), cand_industry_cmp, (void *)d);
	return n;
}

static const char *
cand_industry(const struct pairing_data *d, size_t i)
{
	return d->s->enterprises[d->pc.v[i].e].industry;
}

/* ------------------------------------------------------------------ */
/* Infeasibility in planners' words                                    */
/* ------------------------------------------------------------------ */

struct textbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void tb_printf(struct textbuf *tb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tb_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (tb->failed)
		return;
	for (;;) {
		size_t room = tb->cap - tb->len;

		va_start(ap, fmt);
		n = vsnprintf(tb->p ? tb->p + tb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			tb->failed = true;
			return;
		}
		if ((size_t)n < room) {
			tb->len += (size_t)n;
			return;
		}
		{
			size_t cap = (tb->cap ? tb->cap : 128);
			char *p;

			while (cap < tb->len + (size_t)n + 1)
				cap *= 2;
			p = realloc(tb->p, cap);
			if (p == NULL) {
				tb->failed = true;
				return;
			}
			tb->p = p;
			tb->cap = cap;
		}
	}
}

#define LIST_MAX 10 /* items named in one reason before "and N more" */

static long long
eid(const struct pairing_data *d, size_t e)
{
	return (long long)d->s->enterprises[e].id;
}

static long long
cid(const struct pairing_data *d, size_t c)
{
	return (long long)d->s->communities[c].id;
}

/* Pins beyond an enterprise's max_communities or a community's max_partners. */
static size_t
explain_pin_limits(const struct pairing_data *d, size_t *pins_e, size_t *pins_c,
                   struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t e, c, i, k, found = 0;

	for (e = 0; e < s->n_enterprises; e++) {
		struct textbuf tb = {0};

		if ((int64_t)pins_e[e] <= s->enterprises[e].max_communities)
			continue;
		found++;
		tb_printf(&tb,
		          "pins give enterprise %lld %zu communit%s, its max_communities is %lld "
		          "(pinned communities:",
		          eid(d, e), pins_e[e], pins_e[e] == 1 ? "y" : "ies",
		          (long long)s->enterprises[e].max_communities);
		for (i = d->e_start[e], k = 0; i < d->e_start[e + 1]; i++)
			if (d->pc.v[i].pinned)
				tb_printf(&tb, "%s %lld", k++ ? "," : "", cid(d, d->pc.v[i].c));
		tb_printf(&tb, ")");
		plan_part_add_reason(
		    part, "%s", tb.failed ? "pins exceed an enterprise's max_communities" : tb.p);
		free(tb.p);
	}
	for (c = 0; c < s->n_communities; c++) {
		struct textbuf tb = {0};

		if ((int64_t)pins_c[c] <= s->communities[c].max_partners)
			continue;
		found++;
		tb_printf(&tb,
		          "pins give community %lld %zu partner%s, its max_partners is %lld "
		          "(pinned enterprises:",
		          cid(d, c), pins_c[c], pins_c[c] == 1 ? "" : "s",
		          (long long)s->communities[c].max_partners);
		for (i = d->c_start[c], k = 0; i < d->c_start[c + 1]; i++) {
			const struct pair_candidate *pc = &d->pc.v[d->c_list[i]];

			if (pc->pinned)
				tb_printf(&tb, "%s %lld", k++ ? "," : "", eid(d, pc->e));
		}
		tb_printf(&tb, ")");
		plan_part_add_reason(part, "%s",
		                     tb.failed ? "pins exceed a community's max_partners" : tb.p);
		free(tb.p);
	}
	return found;
}

/* Two pins of the same industry at one community under diverse_industries. */
static size_t
explain_pin_industries(const struct pairing_data *d, size_t *buf, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t c, found = 0;

	if (!s->settings.diverse_industries)
		return 0;
	for (c = 0; c < s->n_communities; c++) {
		size_t n = community_by_industry(d, c, buf), i, j;

		for (i = 0; i < n; i = j) {
			size_t pins = 0, k = 0, listed;
			struct textbuf tb = {0};

			for (j = i; j < n && industry_cmp(cand_industry(d, buf[i]),
			                                  cand_industry(d, buf[j])) == 0;
			     j++)
				if (d->pc.v[buf[j]].pinned)
					pins++;
			if (cand_industry(d, buf[i]) == NULL || pins < 2)
				continue;
			found++;
			tb_printf(
			    &tb,
			    "pins give community %lld %zu partners of industry %s (enterprises",
			    cid(d, c), pins, cand_industry(d, buf[i]));
			for (k = i, listed = 0; k < j; k++)
				if (d->pc.v[buf[k]].pinned)
					tb_printf(&tb, "%s %lld", listed++ ? "," : "",
					          eid(d, d->pc.v[buf[k]].e));
			tb_printf(&tb, "), diverse_industries allows 1");
			plan_part_add_reason(part, "%s",
			                     tb.failed ? "pins break diverse_industries" : tb.p);
			free(tb.p);
		}
	}
	return found;
}

/*
 * Pairs of the plan in force that cannot be kept whatever the optimiser
 * does: no longer candidates (forbidden, enterprise no longer pairing), or
 * pushed out by pins.  More of them than max_changes is infeasible.
 */
static size_t
explain_forced_changes(const struct pairing_data *d, const size_t *pins_e, const size_t *pins_c,
                       size_t *buf, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	int64_t max_changes = s->settings.max_changes;
	unsigned char *why;
	size_t i, lost = 0, listed = 0;
	struct textbuf tb = {0};

	if (max_changes < 0 || d->prev.n == 0)
		return 0;
	why = calloc(d->prev.n, 1);
	if (why == NULL)
		return 0;
	/* Pins of another enterprise of the same industry at a community. */
	if (s->settings.diverse_industries) {
		unsigned char *blocked = calloc(d->pc.n ? d->pc.n : 1, 1);
		size_t c;

		if (blocked != NULL) {
			for (c = 0; c < s->n_communities; c++) {
				size_t n = community_by_industry(d, c, buf), j, k;

				for (i = 0; i < n; i = j) {
					size_t pins = 0;

					for (j = i;
					     j < n && industry_cmp(cand_industry(d, buf[i]),
					                           cand_industry(d, buf[j])) == 0;
					     j++)
						pins += d->pc.v[buf[j]].pinned;
					if (cand_industry(d, buf[i]) == NULL || pins == 0)
						continue;
					for (k = i; k < j; k++)
						if (!d->pc.v[buf[k]].pinned)
							blocked[buf[k]] = 1;
				}
			}
			for (i = 0; i < d->prev.n; i++)
				if (d->prev.v[i].cand != SIZE_MAX && blocked[d->prev.v[i].cand])
					why[i] = 5;
			free(blocked);
		}
	}
	for (i = 0; i < d->prev.n; i++) {
		const struct prev_pair *p = &d->prev.v[i];

		if (p->fate == PREV_FORBIDDEN)
			why[i] = 1;
		else if (p->fate == PREV_NOT_PAIRING)
			why[i] = 2;
		else if (d->pc.v[p->cand].pinned)
			why[i] = 0;
		else if ((int64_t)pins_e[p->e] >= s->enterprises[p->e].max_communities)
			why[i] = 3;
		else if ((int64_t)pins_c[p->c] >= s->communities[p->c].max_partners)
			why[i] = 4;
		if (why[i])
			lost++;
	}
	if ((int64_t)lost <= max_changes) {
		free(why);
		return 0;
	}
	tb_printf(
	    &tb,
	    "max_changes is %lld, but %zu of the %zu pairs of the plan in force cannot be kept:",
	    (long long)max_changes, lost, d->prev.n);
	for (i = 0; i < d->prev.n; i++) {
		const struct prev_pair *p = &d->prev.v[i];

		if (!why[i])
			continue;
		if (listed == LIST_MAX) {
			tb_printf(&tb, "; and %zu more", lost - listed);
			break;
		}
		tb_printf(&tb, "%s (enterprise %lld, community %lld) ", listed ? ";" : "",
		          eid(d, p->e), cid(d, p->c));
		switch (why[i]) {
		case 1:
			tb_printf(&tb, "is forbidden");
			break;
		case 2:
			tb_printf(&tb, "cannot be kept: enterprise %lld has max_communities %lld",
			          eid(d, p->e), (long long)s->enterprises[p->e].max_communities);
			break;
		case 3:
			tb_printf(&tb,
			          "is pushed out by pins filling enterprise %lld's max_communities "
			          "= %lld",
			          eid(d, p->e), (long long)s->enterprises[p->e].max_communities);
			break;
		case 4:
			tb_printf(
			    &tb,
			    "is pushed out by pins filling community %lld's max_partners = %lld",
			    cid(d, p->c), (long long)s->communities[p->c].max_partners);
			break;
		default:
			tb_printf(
			    &tb,
			    "is pushed out by a pin of the same industry (diverse_industries)");
			break;
		}
		listed++;
	}
	plan_part_add_reason(
	    part, "%s", tb.failed ? "max_changes is too small for the pins and forbids" : tb.p);
	free(tb.p);
	free(why);
	return 1;
}

/* Reasons that need no solver.  Returns how many were found, or -1. */
static int
explain_direct(const struct pairing_data *d, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t *pins_e = calloc(s->n_enterprises + 1, sizeof(*pins_e));
	size_t *pins_c = calloc(s->n_communities + 1, sizeof(*pins_c));
	size_t *buf = calloc(d->pc.n + 1, sizeof(*buf));
	size_t i, found = 0;

	if (pins_e == NULL || pins_c == NULL || buf == NULL) {
		free(pins_e);
		free(pins_c);
		free(buf);
		return -1;
	}
	for (i = 0; i < d->pc.n; i++)
		if (d->pc.v[i].pinned) {
			pins_e[d->pc.v[i].e]++;
			pins_c[d->pc.v[i].c]++;
		}
	found += explain_pin_limits(d, pins_e, pins_c, part);
	found += explain_pin_industries(d, buf, part);
	found += explain_forced_changes(d, pins_e, pins_c, buf, part);
	free(pins_e);
	free(pins_c);
	free(buf);
	return (int)found;
}

/* ------------------------------------------------------------------ */
/* The GLPK model                                                      */
/* ------------------------------------------------------------------ */

enum model_goal {
	GOAL_PAIRING,  /* maximise P */
	GOAL_MAX_KEEP, /* maximise the kept pairs of the plan in force, no max_changes row */
};

struct model {
	glp_prob *lp;
	int *u_col; /* per community: its shortfall column, 0 when min_partners is 0 */
};

static void
model_free(struct model *m)
{
	if (m->lp != NULL)
		glp_delete_prob(m->lp);
	free(m->u_col);
	m->lp = NULL;
	m->u_col = NULL;
}

static int
add_row(struct model *m, double lo, double up, int type)
{
	int i = glp_add_rows(m->lp, 1);

	glp_set_row_bnds(m->lp, i, type, lo, up);
	return i;
}

/*
 * Columns 1..n are the candidates' x in candidate order, then the u columns.
 * Returns 0, or -1 when out of memory or too large for GLPK's int indices.
 */
static int
model_build(struct model *m, const struct pairing_data *d, enum model_goal goal)
{
	const struct snapshot *s = d->s;
	struct lp_triplets t = {0};
	size_t i, e, c, *buf = NULL;
	int col, row;

	m->lp = NULL;
	m->u_col = calloc(s->n_communities + 1, sizeof(*m->u_col));
	if (m->u_col == NULL)
		return -1;
	if (d->pc.n + s->n_communities >= (size_t)INT_MAX / 4 ||
	    s->n_enterprises + 3 * s->n_communities >= (size_t)INT_MAX / 4)
		goto fail;
	buf = calloc(d->pc.n + 1, sizeof(*buf));
	if (buf == NULL)
		goto fail;

	m->lp = glp_create_prob();
	glp_set_prob_name(m->lp,
	                  goal == GOAL_PAIRING ? "parkplan_pairing" : "parkplan_pairing_keep");
	glp_set_obj_name(m->lp, goal == GOAL_PAIRING ? "P" : "kept");
	glp_set_obj_dir(m->lp, GLP_MAX);

	if (d->pc.n > 0)
		glp_add_cols(m->lp, (int)d->pc.n);
	for (i = 0; i < d->pc.n; i++) {
		const struct pair_candidate *pc = &d->pc.v[i];
		double coef;

		col = (int)i + 1;
		lp_set_name(m->lp, LP_COL, col, "x_%lld_%lld", eid(d, pc->e), cid(d, pc->c));
		glp_set_col_kind(m->lp, col, GLP_BV);
		if (pc->pinned)
			glp_set_col_bnds(m->lp, col, GLP_FX, 1.0, 1.0);
		if (goal == GOAL_PAIRING)
			coef = (double)pc->score;
		else
			coef = pc->previous ? 1.0 : 0.0;
		glp_set_obj_coef(m->lp, col, coef);
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];

		if (cm->min_partners <= 0)
			continue;
		col = glp_add_cols(m->lp, 1);
		m->u_col[c] = col;
		lp_set_name(m->lp, LP_COL, col, "u_%lld", cid(d, c));
		glp_set_col_kind(m->lp, col, GLP_IV);
		glp_set_col_bnds(m->lp, col, GLP_DB, 0.0, (double)cm->min_partners);
		glp_set_obj_coef(m->lp, col,
		                 goal == GOAL_PAIRING ? -(double)s->settings.w_uncovered : 0.0);
	}

	/* Every enterprise: sum over c of x_ec <= max_communities(e). */
	for (e = 0; e < s->n_enterprises; e++) {
		if (d->e_start[e] == d->e_start[e + 1])
			continue;
		row = add_row(m, 0.0, (double)s->enterprises[e].max_communities, GLP_UP);
		lp_set_name(m->lp, LP_ROW, row, "ent_%lld", eid(d, e));
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			if (lp_triplets_add(&t, row, (int)i + 1, 1.0) != 0)
				goto fail;
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1];

		/* Every community: sum over e of x_ec + u_c >= min_partners(c). */
		if (m->u_col[c] != 0) {
			row = add_row(m, (double)cm->min_partners, 0.0, GLP_LO);
			lp_set_name(m->lp, LP_ROW, row, "cover_%lld", cid(d, c));
			for (i = lo; i < hi; i++)
				if (lp_triplets_add(&t, row, (int)d->c_list[i] + 1, 1.0) != 0)
					goto fail;
			if (lp_triplets_add(&t, row, m->u_col[c], 1.0) != 0)
				goto fail;
		}
		if (lo == hi)
			continue;
		/* Every community: sum over e of x_ec <= max_partners(c). */
		row = add_row(m, 0.0, (double)cm->max_partners, GLP_UP);
		lp_set_name(m->lp, LP_ROW, row, "cap_%lld", cid(d, c));
		for (i = lo; i < hi; i++)
			if (lp_triplets_add(&t, row, (int)d->c_list[i] + 1, 1.0) != 0)
				goto fail;
		/* diverse_industries: at most one partner per industry. */
		if (s->settings.diverse_industries) {
			size_t n = community_by_industry(d, c, buf), j, k, group = 0;

			for (k = 0; k < n; k = j) {
				for (j = k; j < n && industry_cmp(cand_industry(d, buf[k]),
				                                  cand_industry(d, buf[j])) == 0;
				     j++)
					;
				if (cand_industry(d, buf[k]) == NULL || j - k < 2)
					continue;
				row = add_row(m, 0.0, 1.0, GLP_UP);
				lp_set_name(m->lp, LP_ROW, row, "div_%lld_%zu", cid(d, c), ++group);
				for (i = k; i < j; i++)
					if (lp_triplets_add(&t, row, (int)buf[i] + 1, 1.0) != 0)
						goto fail;
			}
		}
	}
	/* max_changes: sum over previous pairs of x >= n_prev - max_changes. */
	if (goal == GOAL_PAIRING && d->has_keep_row) {
		row = add_row(m, (double)d->keep_min, 0.0, GLP_LO);
		lp_set_name(m->lp, LP_ROW, row, "keep");
		for (i = 0; i < d->pc.n; i++)
			if (d->pc.v[i].previous && lp_triplets_add(&t, row, (int)i + 1, 1.0) != 0)
				goto fail;
	}
	if (lp_triplets_load(&t, m->lp) != 0)
		goto fail;
	lp_triplets_free(&t);
	free(buf);
	return 0;
fail:
	lp_triplets_free(&t);
	free(buf);
	model_free(m);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Plans as 0/1 vectors over the candidates                            */
/* ------------------------------------------------------------------ */

/* Whether chosen (one flag per candidate) meets every row of the model. */
static bool
plan_feasible(const struct pairing_data *d, const unsigned char *chosen, size_t *buf)
{
	const struct snapshot *s = d->s;
	size_t e, c, i;
	int64_t kept = 0;

	for (i = 0; i < d->pc.n; i++) {
		if (d->pc.v[i].pinned && !chosen[i])
			return false;
		if (chosen[i] && d->pc.v[i].previous)
			kept++;
	}
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t n = 0;

		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			n += chosen[i];
		if (n > s->enterprises[e].max_communities)
			return false;
	}
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			n += chosen[d->c_list[i]];
		if (n > s->communities[c].max_partners)
			return false;
		if (s->settings.diverse_industries && n > 1) {
			size_t m = community_by_industry(d, c, buf), j, k;

			for (k = 0; k < m; k = j) {
				size_t in = 0;

				for (j = k; j < m && industry_cmp(cand_industry(d, buf[k]),
				                                  cand_industry(d, buf[j])) == 0;
				     j++)
					in += chosen[buf[j]];
				if (cand_industry(d, buf[k]) != NULL && in > 1)
					return false;
			}
		}
	}
	if (d->has_keep_row && kept < d->keep_min)
		return false;
	return true;
}

/* P of a plan, with the shortfall of each community at its least. */
static int64_t
plan_value(const struct pairing_data *d, const unsigned char *chosen)
{
	const struct snapshot *s = d->s;
	int64_t p = 0;
	size_t c, i;

	for (i = 0; i < d->pc.n; i++)
		if (chosen[i])
			p += d->pc.v[i].score;
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			n += chosen[d->c_list[i]];
		if (n < s->communities[c].min_partners)
			p -= s->settings.w_uncovered * (s->communities[c].min_partners - n);
	}
	return p;
}

static int
cand_score_cmp(const void *a, const void *b, void *arg)
{
	const struct pair_candidates *pc = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t sx = pc->v[x].score, sy = pc->v[y].score;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The warm start: the pins, then the pairs of the plan in force as far as
 * the limits allow, then the remaining candidates by score.  Returns a
 * feasible plan in chosen, or false when the greedy plan breaks a row
 * (max_changes) and must not be offered.
 */
static bool
warm_start(const struct pairing_data *d, unsigned char *chosen, size_t *buf)
{
	const struct snapshot *s = d->s;
	int64_t *used_e = calloc(s->n_enterprises + 1, sizeof(*used_e));
	int64_t *used_c = calloc(s->n_communities + 1, sizeof(*used_c));
	size_t *order = calloc(d->pc.n + 1, sizeof(*order));
	size_t pass, i, k;
	bool ok = false;

	if (used_e == NULL || used_c == NULL || order == NULL)
		goto out;
	memset(chosen, 0, d->pc.n);
	for (i = 0; i < d->pc.n; i++)
		order[i] = i;
	qsort_r(order, d->pc.n, sizeof(*order), cand_score_cmp, (void *)&d->pc);
	for (pass = 0; pass < 3; pass++) {
		for (k = 0; k < d->pc.n; k++) {
			const struct pair_candidate *pc = &d->pc.v[order[k]];
			size_t j;
			bool clash = false;

			i = order[k];
			if (chosen[i])
				continue;
			if (pass == 0 && !pc->pinned)
				continue;
			if (pass == 1 && !pc->previous)
				continue;
			if (pass > 0 && (used_e[pc->e] >= s->enterprises[pc->e].max_communities ||
			                 used_c[pc->c] >= s->communities[pc->c].max_partners))
				continue;
			if (pass > 0 && pc->score < 0)
				continue;
			if (pass > 0 && s->settings.diverse_industries &&
			    s->enterprises[pc->e].industry != NULL) {
				for (j = d->c_start[pc->c]; j < d->c_start[pc->c + 1]; j++) {
					size_t o = d->c_list[j];

					if (chosen[o] && industry_cmp(cand_industry(d, o),
					                              cand_industry(d, i)) == 0) {
						clash = true;
						break;
					}
				}
				if (clash)
					continue;
			}
			chosen[i] = 1;
			used_e[pc->e]++;
			used_c[pc->c]++;
		}
	}
	ok = plan_feasible(d, chosen, buf);
out:
	free(used_e);
	free(used_c);
	free(order);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Solving                                                             */
/* ------------------------------------------------------------------ */

/* The branch-and-cut's callback: bound, warm start, progress. */
static void
on_search(glp_tree *tree, void *info)
{
	struct lp_search *sr = info;
	double b = lp_tree_bound(tree), best;

	if (!isnan(b) && floor(b + 1e-6) < sr->bound)
		sr->bound = floor(b + 1e-6);
	lp_search_offer_warm(sr, tree);
	best = lp_tree_best(tree);
	if ((glp_ios_reason(tree) == GLP_IHEUR && sr->warm_taken && !isnan(best)) ||
	    lp_search_due(sr, tree))
		lp_search_report(sr, lp_search_fraction(sr), best,
		                 isinf(sr->bound) ? NAN : sr->bound);
}

/* Milliseconds left for GLPK, as its int parameter. */
static int
ms_left(const struct lp_search *sr)
{
	return lp_time_limit_ms(sr->limit_s - (lp_now() - sr->started));
}

enum run_result { RUN_OPTIMAL, RUN_FEASIBLE, RUN_INFEASIBLE, RUN_NO_INCUMBENT, RUN_FAILED };

/* The root LP, with the LP presolver; its basis starts the branch-and-cut. */
static enum run_result
solve_root_lp(struct model *m, struct lp_search *sr, bool verbose, double *lp_bound)
{
	glp_smcp smcp;
	int ret, st;

	*lp_bound = INFINITY;
	if (glp_get_num_cols(m->lp) == 0)
		return RUN_OPTIMAL;
	glp_init_smcp(&smcp);
	smcp.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	smcp.presolve = GLP_ON;
	smcp.tm_lim = ms_left(sr);
	ret = glp_simplex(m->lp, &smcp);
	if (ret == GLP_ENOPFS)
		return RUN_INFEASIBLE;
	if (ret == GLP_ETMLIM)
		return RUN_NO_INCUMBENT;
	if (ret != 0)
		return RUN_FAILED;
	st = glp_get_status(m->lp);
	if (st == GLP_NOFEAS)
		return RUN_INFEASIBLE;
	if (st != GLP_OPT)
		return RUN_FAILED;
	*lp_bound = floor(glp_get_obj_val(m->lp) + 1e-6);
	if (*lp_bound < sr->bound)
		sr->bound = *lp_bound;
	return RUN_OPTIMAL;
}

/* Whether the LP relaxation's solution is already integral. */
static bool
lp_integral(glp_prob *lp)
{
	int j, n = glp_get_num_cols(lp);

	for (j = 1; j <= n; j++) {
		double v = glp_get_col_prim(lp, j);

		if (fabs(v - floor(v + 0.5)) > 1e-9)
			return false;
	}
	return true;
}

static enum run_result
run_intopt(struct model *m, struct lp_search *sr, bool verbose, double mip_gap)
{
	glp_iocp iocp;
	int ret, st;

	glp_init_iocp(&iocp);
	iocp.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	iocp.presolve = GLP_OFF; /* see the top of this file */
	/*
	 * Cuts only help when the root LP is fractional (the max_changes row);
	 * on an integral root their set-up (the conflict graph of the clique
	 * cuts above all) costs more than the whole search.
	 */
	if (!lp_integral(m->lp)) {
		iocp.gmi_cuts = GLP_ON;
		iocp.mir_cuts = GLP_ON;
		iocp.cov_cuts = GLP_ON;
		iocp.clq_cuts = glp_get_num_cols(m->lp) <= 20000 ? GLP_ON : GLP_OFF;
	}
	iocp.tm_lim = ms_left(sr);
	iocp.mip_gap = mip_gap > 0 && isfinite(mip_gap) ? mip_gap : 0.0;
	iocp.cb_func = on_search;
	iocp.cb_info = sr;
	ret = glp_intopt(m->lp, &iocp);
	st = glp_mip_status(m->lp);
	switch (ret) {
	case 0:
		if (st == GLP_OPT)
			return RUN_OPTIMAL;
		if (st == GLP_NOFEAS)
			return RUN_INFEASIBLE;
		return st == GLP_FEAS ? RUN_FEASIBLE : RUN_FAILED;
	case GLP_ENOPFS:
		return RUN_INFEASIBLE;
	case GLP_ETMLIM:
	case GLP_EMIPGAP:
	case GLP_ESTOP:
		return st == GLP_FEAS || st == GLP_OPT ? RUN_FEASIBLE : RUN_NO_INCUMBENT;
	default:
		return RUN_FAILED;
	}
}

/*
 * When GLPK finds no plan and the pins explain nothing, max_changes is the
 * row that cannot be met: say how many pairs of the plan in force can be
 * kept at most.
 */
static void
explain_max_changes(const struct pairing_data *d, struct plan_part *part, struct lp_search *outer)
{
	struct model m;
	struct lp_search sr;
	double lp_bound, left = outer->limit_s - (lp_now() - outer->started);
	enum run_result r;

	lp_search_start(&sr, NULL, "pairing", left > 1.0 ? left : 1.0);
	if (model_build(&m, d, GOAL_MAX_KEEP) != 0) {
		plan_part_add_reason(
		    part,
		    "no pairing meets max_changes = %lld with the pins, forbids and partner limits",
		    (long long)d->s->settings.max_changes);
		return;
	}
	r = solve_root_lp(&m, &sr, false, &lp_bound);
	if (r == RUN_OPTIMAL && glp_get_num_cols(m.lp) > 0)
		r = run_intopt(&m, &sr, false, 0.0);
	if (r == RUN_OPTIMAL) {
		long long kept = llround(glp_get_num_cols(m.lp) > 0 ? glp_mip_obj_val(m.lp) : 0.0);

		plan_part_add_reason(
		    part,
		    "max_changes is %lld, but at most %lld of the %zu pairs of the plan in force "
		    "can be kept "
		    "with the pins, forbids and partner limits: at least %lld must change",
		    (long long)d->s->settings.max_changes, kept, d->prev.n,
		    (long long)d->prev.n - kept);
	} else {
		plan_part_add_reason(
		    part,
		    "no pairing meets max_changes = %lld with the pins, forbids and partner limits",
		    (long long)d->s->settings.max_changes);
	}
	model_free(&m);
}

static int
plan_pair_cmp(const void *a, const void *b)
{
	const struct plan_pair *x = a, *y = b;

	if (x->enterprise_id != y->enterprise_id)
		return x->enterprise_id < y->enterprise_id ? -1 : 1;
	if (x->community_id != y->community_id)
		return x->community_id < y->community_id ? -1 : 1;
	return 0;
}

static int
plan_uncovered_cmp(const void *a, const void *b)
{
	const struct plan_uncovered *x = a, *y = b;

	if (x->community_id != y->community_id)
		return x->community_id < y->community_id ? -1 : 1;
	return 0;
}

/* The chosen pairs and the uncovered communities into the plan. */
static int
store_plan(const struct pairing_data *d, const unsigned char *chosen, struct plan *out)
{
	const struct snapshot *s = d->s;
	size_t i, c, n = 0, nu = 0;

	for (i = 0; i < d->pc.n; i++)
		n += chosen[i];
	free(out->pairs);
	free(out->uncovered);
	out->pairs = NULL;
	out->uncovered = NULL;
	out->n_pairs = out->n_uncovered = 0;
	out->pairs = calloc(n ? n : 1, sizeof(*out->pairs));
	out->uncovered = calloc(s->n_communities ? s->n_communities : 1, sizeof(*out->uncovered));
	if (out->pairs == NULL || out->uncovered == NULL)
		return -1;
	for (i = 0; i < d->pc.n; i++) {
		if (!chosen[i])
			continue;
		out->pairs[out->n_pairs].enterprise_id = s->enterprises[d->pc.v[i].e].id;
		out->pairs[out->n_pairs].community_id = s->communities[d->pc.v[i].c].id;
		out->pairs[out->n_pairs].score = d->pc.v[i].score;
		out->n_pairs++;
	}
	for (c = 0; c < s->n_communities; c++) {
		int64_t k = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			k += chosen[d->c_list[i]];
		if (k < s->communities[c].min_partners) {
			out->uncovered[nu].community_id = s->communities[c].id;
			out->uncovered[nu].shortfall = s->communities[c].min_partners - k;
			nu++;
		}
	}
	out->n_uncovered = nu;
	qsort(out->pairs, out->n_pairs, sizeof(*out->pairs), plan_pair_cmp);
	qsort(out->uncovered, out->n_uncovered, sizeof(*out->uncovered), plan_uncovered_cmp);
	return 0;
}

static int
score_desc_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x > y ? -1 : x < y;
}

/* Sum of the best `limit` positive scores among n (sorts scores). */
static double
best_scores(int64_t *scores, size_t n, int64_t limit)
{
	double sum = 0;
	size_t i;

	if (n > 0)
		qsort(scores, n, sizeof(*scores), score_desc_cmp);
	for (i = 0; i < n && (int64_t)i < limit && scores[i] > 0; i++)
		sum += (double)scores[i];
	return sum;
}

/*
 * A valid bound without the LP, for a search stopped before its root LP:
 * shortfalls only subtract, so P is at most the best scores each enterprise
 * (or each community) could take within its limit.
 */
static double
quick_bound(const struct pairing_data *d)
{
	const struct snapshot *s = d->s;
	int64_t *scores = calloc(d->pc.n + 1, sizeof(*scores));
	double by_e = 0, by_c = 0;
	size_t e, c, i, n;

	if (scores == NULL) {
		for (i = 0; i < d->pc.n; i++)
			if (d->pc.v[i].score > 0)
				by_e += (double)d->pc.v[i].score;
		return by_e;
	}
	for (e = 0; e < s->n_enterprises; e++) {
		for (i = d->e_start[e], n = 0; i < d->e_start[e + 1]; i++)
			scores[n++] = d->pc.v[i].score;
		by_e += best_scores(scores, n, s->enterprises[e].max_communities);
	}
	for (c = 0; c < s->n_communities; c++) {
		for (i = d->c_start[c], n = 0; i < d->c_start[c + 1]; i++)
			scores[n++] = d->pc.v[d->c_list[i]].score;
		by_c += best_scores(scores, n, s->communities[c].max_partners);
	}
	free(scores);
	return by_e < by_c ? by_e : by_c;
}

/* ------------------------------------------------------------------ */
/* Without max_changes: a min-cost flow                                */
/* ------------------------------------------------------------------ */

/*
 * Without the max_changes row the model is a network, and a min-cost flow
 * finds its proven optimum far faster than the branch-and-cut.  GLPK's own
 * flow solvers do not serve: RELAX-IV (glp_mincost_relax4) is disabled in
 * the GLPK 5.0 we build on (it aborts the process), and out-of-kilter
 * (glp_mincost_okalg) runs past 90 s at district scale.  So the flow is
 * solved here by successive shortest paths (primal-dual): Dijkstra on
 * reduced costs, then as many augmenting paths as fit on the arcs of
 * reduced cost zero, until the shortest path from S to T no longer has a
 * negative cost.  The flow through the communities is at most the sum of
 * max_partners, which bounds the work.  The network:
 *
 *   S -> e     cap min(max_communities(e), candidates of e) - pins of e
 *   e -> c     every candidate that is not pinned, cap 1, cost -score; with
 *              diverse_industries and two or more candidates of industry k
 *              at c: e -> (c,k), and (c,k) -> c cap 1 - pins of (c,k)
 *   c -> T     up to min_partners: cost -w_uncovered (a partner saves a
 *              shortfall); then up to max_partners: cost 0, less the pins
 *
 * Pinned pairs carry their unit of flow from the start; the arcs' capacities
 * above are what remains.  The flow is deterministic: arcs are built in
 * candidate order and ties are broken by node number.
 */

enum flow_result { FLOW_OPTIMAL, FLOW_STOPPED, FLOW_INFEASIBLE, FLOW_UNSUITABLE };

/* Largest score or w_uncovered the flow takes: path costs stay far inside int64. */
#define FLOW_DATA_MAX ((int64_t)1 << 30)

/*
 * The pairing as a min-cost flow: fills chosen and returns FLOW_OPTIMAL, or
 * FLOW_STOPPED at the deadline (lp_now() time; the flow so far is a feasible
 * plan: every phase keeps every row), or FLOW_INFEASIBLE (the pins cannot
 * all be met), or FLOW_UNSUITABLE when the data does not fit (the caller
 * then runs the branch-and-cut).  Returns FLOW_UNSUITABLE when out of memory
 * too: the branch-and-cut reports it.
 */
static enum flow_result
flow_solve(const struct pairing_data *d, unsigned char *chosen, size_t *buf, double deadline)
{
	const struct snapshot *s = d->s;
	const struct settings *st = &s->settings;
	struct mcf *f = NULL;
	size_t *arc = NULL, *e_node = NULL;
	size_t e, c, i, j, k, n, source, sink;
	enum flow_result fr = FLOW_UNSUITABLE;
	enum mcf_status ms;
	int64_t w = st->w_uncovered;

	if (st->max_changes >= 0 || w < 0 || w > FLOW_DATA_MAX)
		return FLOW_UNSUITABLE;
	for (i = 0; i < d->pc.n; i++)
		if (d->pc.v[i].score > FLOW_DATA_MAX || d->pc.v[i].score < -FLOW_DATA_MAX)
			return FLOW_UNSUITABLE;
	arc = calloc(d->pc.n + 1, sizeof(*arc));
	e_node = calloc(s->n_enterprises + 1, sizeof(*e_node));
	f = mcf_new();
	if (arc == NULL || e_node == NULL || f == NULL)
		goto out;
	memset(chosen, 0, d->pc.n);

	/* nodes: S, T, the enterprises, the communities, (c,k) */
	source = mcf_add_node(f);
	sink = mcf_add_node(f);
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t ncand = (int64_t)(d->e_start[e + 1] - d->e_start[e]), cap, pins = 0;

		if (ncand == 0)
			continue;
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			pins += d->pc.v[i].pinned;
		cap = s->enterprises[e].max_communities < ncand ? s->enterprises[e].max_communities
		                                                : ncand;
		if (cap < pins) {
			fr = FLOW_INFEASIBLE;
			goto out;
		}
		e_node[e] = mcf_add_node(f);
		if (mcf_add_arc(f, source, e_node[e], cap - pins, 0) == MCF_NONE)
			goto out;
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1], cn;
		int64_t ncand = (int64_t)(hi - lo), lim, first, pins = 0;

		if (lo == hi)
			continue;
		cn = mcf_add_node(f);
		for (i = lo; i < hi; i++)
			pins += d->pc.v[d->c_list[i]].pinned;
		lim = cm->max_partners < ncand ? cm->max_partners : ncand;
		if (lim < pins) {
			fr = FLOW_INFEASIBLE;
			goto out;
		}
		first = cm->min_partners < lim ? cm->min_partners : lim;
		if (first < 0)
			first = 0;
		/* the pins take the cheapest units: first those below the minimum */
		if (mcf_add_arc(f, cn, sink, first - pins, -w) == MCF_NONE ||
		    mcf_add_arc(f, cn, sink, pins > first ? lim - pins : lim - first, 0) ==
		        MCF_NONE)
			goto out;
		n = st->diverse_industries ? community_by_industry(d, c, buf) : hi - lo;
		if (!st->diverse_industries)
			memcpy(buf, d->c_list + lo, n * sizeof(*buf));
		for (k = 0; k < n; k = j) {
			size_t to = cn;
			int64_t gpins = 0;

			for (j = k;
			     j < n && st->diverse_industries &&
			     industry_cmp(cand_industry(d, buf[k]), cand_industry(d, buf[j])) == 0;
			     j++)
				gpins += d->pc.v[buf[j]].pinned;
			if (!st->diverse_industries)
				j = n;
			else if (cand_industry(d, buf[k]) != NULL && j - k >= 2) {
				if (gpins > 1) {
					fr = FLOW_INFEASIBLE;
					goto out;
				}
				to = mcf_add_node(f);
				if (mcf_add_arc(f, to, cn, 1 - gpins, 0) == MCF_NONE)
					goto out;
			}
			for (i = k; i < j; i++) {
				const struct pair_candidate *pc = &d->pc.v[buf[i]];

				if (pc->pinned) {
					arc[buf[i]] = MCF_NONE;
					continue;
				}
				arc[buf[i]] = mcf_add_arc(f, e_node[pc->e], to, 1, -pc->score);
				if (arc[buf[i]] == MCF_NONE)
					goto out;
			}
		}
	}
	ms = mcf_solve(f, source, sink, deadline);
	if (ms != MCF_OPTIMAL && ms != MCF_STOPPED)
		goto out;
	for (i = 0; i < d->pc.n; i++)
		chosen[i] = d->pc.v[i].pinned || mcf_flow(f, arc[i]) > 0;
	if (!plan_feasible(d, chosen, buf))
		goto out;
	fr = ms == MCF_STOPPED ? FLOW_STOPPED : FLOW_OPTIMAL;
out:
	mcf_free(f);
	free(arc);
	free(e_node);
	return fr;
}

int
pairing_solve(const struct snapshot *s, const struct snapshot_index *ix,
              const struct solver_options *opt, struct plan *out)
{
	struct plan_part *part = &out->pairing;
	struct pairing_data d;
	struct model m = {0};
	struct lp_search sr;
	unsigned char *chosen = NULL, *warm = NULL;
	double *warm_cols = NULL;
	size_t *buf = NULL;
	const char *method = "";
	bool verbose = opt != NULL && opt->verbose;
	bool warm_ok = false;
	int term_was, direct, rc = 0;
	double lp_bound = INFINITY;
	enum run_result r;
	size_t i;

	lp_search_start(&sr, opt, "pairing",
	                s->settings.time_limit_s > 0 ? s->settings.time_limit_s : INFINITY);
	part->status = PART_NOT_RUN;
	part->objective = 0;
	part->bound = 0;
	part->gap = 0;

	if (data_build(&d, s, ix) != 0) {
		part->status = PART_ERROR;
		plan_part_add_reason(part, "out of memory building the pairing candidates");
		part->seconds = lp_now() - sr.started;
		return -1;
	}
	direct = explain_direct(&d, part);
	if (direct < 0)
		goto oom;
	if (direct > 0) {
		part->status = PART_INFEASIBLE;
		goto done;
	}

	chosen = calloc(d.pc.n + 1, 1);
	warm = calloc(d.pc.n + 1, 1);
	buf = calloc(d.pc.n + 1, sizeof(*buf));
	if (chosen == NULL || warm == NULL || buf == NULL)
		goto oom;
	if (opt == NULL || !opt->force_mip) {
		method = "min-cost flow";
		switch (flow_solve(&d, chosen, buf, sr.started + sr.limit_s)) {
		case FLOW_OPTIMAL:
			part->status = PART_OPTIMAL;
			goto solved;
		case FLOW_STOPPED:
			/* the better of the flow so far and the plan in force */
			part->status = PART_FEASIBLE; /* bound: quick_bound() below */
			if (warm_start(&d, warm, buf) &&
			    plan_value(&d, warm) > plan_value(&d, chosen))
				memcpy(chosen, warm, d.pc.n);
			goto solved;
		case FLOW_INFEASIBLE:
			part->status = PART_INFEASIBLE;
			plan_part_add_reason(part, "no pairing meets the pins, forbids and limits");
			goto done;
		case FLOW_UNSUITABLE:
			break;
		}
	}
	method = "branch-and-cut";
	if (model_build(&m, &d, GOAL_PAIRING) != 0)
		goto oom;
	warm_ok = warm_start(&d, warm, buf);
	if (warm_ok) {
		int n = glp_get_num_cols(m.lp);

		warm_cols = calloc((size_t)n + 1, sizeof(*warm_cols));
		if (warm_cols == NULL)
			goto oom;
		for (i = 0; i < d.pc.n; i++)
			warm_cols[i + 1] = warm[i];
		for (i = 0; i < s->n_communities; i++) {
			int64_t k = 0;
			size_t j;

			if (m.u_col[i] == 0)
				continue;
			for (j = d.c_start[i]; j < d.c_start[i + 1]; j++)
				k += warm[d.c_list[j]];
			warm_cols[m.u_col[i]] = k < s->communities[i].min_partners
			                            ? (double)(s->communities[i].min_partners - k)
			                            : 0.0;
		}
		sr.warm = warm_cols;
	}

	term_was = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	r = solve_root_lp(&m, &sr, verbose, &lp_bound);
	if (r == RUN_OPTIMAL && glp_get_num_cols(m.lp) > 0)
		r = run_intopt(&m, &sr, verbose, s->settings.mip_gap);
	if (r == RUN_INFEASIBLE && d.has_keep_row)
		explain_max_changes(&d, part, &sr);
	glp_term_out(term_was);

	switch (r) {
	case RUN_OPTIMAL:
	case RUN_FEASIBLE:
		for (i = 0; i < d.pc.n; i++)
			chosen[i] =
			    glp_get_num_cols(m.lp) > 0 && glp_mip_col_val(m.lp, (int)i + 1) > 0.5;
		if (!plan_feasible(&d, chosen, buf)) {
			part->status = PART_ERROR;
			plan_part_add_reason(
			    part, "GLPK returned a pairing that breaks the model's rows");
			goto done;
		}
		part->status = r == RUN_OPTIMAL ? PART_OPTIMAL : PART_FEASIBLE;
		/* stopped before the warm start was offered: keep the better plan */
		if (r == RUN_FEASIBLE && warm_ok && plan_value(&d, warm) > plan_value(&d, chosen))
			memcpy(chosen, warm, d.pc.n);
		break;
	case RUN_NO_INCUMBENT:
		if (warm_ok) {
			memcpy(chosen, warm, d.pc.n);
			part->status = PART_FEASIBLE;
			break;
		}
		part->status = PART_ERROR;
		plan_part_add_reason(part,
		                     "the time limit of %g s ran out before any pairing was found",
		                     s->settings.time_limit_s);
		goto done;
	case RUN_INFEASIBLE:
		part->status = PART_INFEASIBLE;
		if (part->n_reasons == 0)
			plan_part_add_reason(part, "no pairing meets the pins, forbids and limits");
		goto done;
	default:
		part->status = PART_ERROR;
		plan_part_add_reason(part, "GLPK failed to solve the pairing model");
		goto done;
	}

solved:
	part->objective = plan_value(&d, chosen);
	if (part->status == PART_OPTIMAL) {
		part->bound = (double)part->objective;
	} else {
		double b = sr.bound;

		if (lp_bound < b)
			b = lp_bound;
		if (isinf(b))
			b = quick_bound(&d);
		if (b < (double)part->objective)
			b = (double)part->objective;
		part->bound = b;
	}
	part->gap = fabs(part->bound - (double)part->objective) /
	            (fabs((double)part->objective) + DBL_EPSILON);
	if (part->status == PART_OPTIMAL)
		part->gap = 0;
	if (store_plan(&d, chosen, out) != 0)
		goto oom;
	goto done;

oom:
	part->status = PART_ERROR;
	plan_part_add_reason(part, "out of memory solving the pairing");
	rc = -1;
done:
	snprintf(part->method, sizeof(part->method), "%s", method);
	part->seconds = lp_now() - sr.started;
	if (part->status == PART_OPTIMAL || part->status == PART_FEASIBLE)
		lp_search_report(&sr, 1.0, (double)part->objective, part->bound);
	else
		lp_search_report(&sr, 1.0, NAN, NAN);
	model_free(&m);
	free(warm_cols);
	free(chosen);
	free(warm);
	free(buf);
	data_free(&d);
	return rc;
}

int
pairing_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                  char *err, size_t errlen)
{
	struct pairing_data d;
	struct model m;
	glp_cpxcp parm;
	int term_was, ret;

	if (data_build(&d, s, ix) != 0) {
		snprintf(err, errlen, "out of memory building the pairing candidates");
		return -1;
	}
	if (model_build(&m, &d, GOAL_PAIRING) != 0) {
		data_free(&d);
		snprintf(err, errlen, "out of memory building the pairing model");
		return -1;
	}
	glp_init_cpxcp(&parm);
	term_was = glp_term_out(GLP_OFF);
	ret = glp_write_lp(m.lp, &parm, path);
	glp_term_out(term_was);
	model_free(&m);
	data_free(&d);
	if (ret != 0) {
		snprintf(err, errlen, "cannot write the pairing model to %s", path);
		return -1;
	}
	return 0;
}
