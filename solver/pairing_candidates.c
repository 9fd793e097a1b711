/*
 * pairing_candidates.c - the pairing's candidates (docs/model.md §2): the
 * terms of a pair's score, and the pairs worth a column.
 *
 * Candidates come from a spatial grid over the enterprises, so that the work
 * grows with the number of pairs within the radius and not with the product
 * enterprises x communities.  Pins, forbids and the pairs of the plan in
 * force are looked up in a hash set of (enterprise, community) rows.
 */
#include "pairing_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"

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

int
pairing_candidates_build(const struct snapshot *s, const struct snapshot_index *ix,
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
	return pairing_candidates_build(s, ix, out, NULL);
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
