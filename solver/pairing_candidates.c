/*
 * pairing_candidates.c - the pairing's candidates (docs/model.md §2): the
 * terms of a pair's score, and the pairs worth a column.
 *
 * Candidates come from a spatial grid over the enterprises, so that the work
 * grows with the number of pairs within the radius and not with the product
 * enterprises x communities.  Pins, forbids and the pairs of the plan in
 * force are looked up in a hash set of (enterprise, community) rows.
 */
#include "pairing_parts.h"

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

/* The terms from the distance and the needs met: the one formula of §2.2. */
static void
terms_from(const struct settings *st, double distance_m, size_t n_needs, size_t met,
           bool in_previous, struct pair_terms *t)
{
	double r = st->pair_radius_m;

	t->distance_m = distance_m;
	t->needs_met = met;
	t->need_fit = n_needs > 0 ? (double)met / (double)n_needs : 0.0;
	/* A radius of 0 (or less) leaves no room for proximity. */
	t->prox = r > 0 ? 1.0 - t->distance_m / r : 0.0;
	if (!(t->prox > 0))
		t->prox = 0.0;
	t->base = lround(st->w_need * t->need_fit + st->w_distance * t->prox);
	t->keep = in_previous ? st->w_keep_pair : 0;
	t->score = t->base + t->keep;
}

void
pair_terms_compute(const struct settings *st, const struct enterprise *e, const struct community *c,
                   bool in_previous, struct pair_terms *t)
{
	size_t n_needs, met;

	count_needs(&e->offers, &c->needs, &n_needs, &met);
	terms_from(st, geo_distance_m(e->lat, e->lon, c->lat, c->lon), n_needs, met, in_previous,
	           t);
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
/* Needs met, as bit sets when the codes are few                       */
/* ------------------------------------------------------------------ */

/*
 * With at most 64 distinct codes among the offers and needs (the sample
 * has 8), each list is a 64-bit set and the needs a pair meets are one
 * AND and a popcount; with more, count_needs() merges the texts.
 */
struct code_sets {
	uint64_t *offers; /* per enterprise */
	uint64_t *needs;  /* per community */
};

static int
str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t
code_set(const struct codes *c, char **uniq, size_t nu)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		char **hit;

		if (c->v[i] == NULL)
			continue;
		hit = bsearch(&c->v[i], uniq, nu, sizeof(*uniq), str_ptr_cmp);
		if (hit != NULL)
			m |= (uint64_t)1 << (hit - uniq);
	}
	return m;
}

/* 0 with the sets, 1 when the codes are too many for them, -1 when out of memory. */
static int
code_sets_build(const struct snapshot *s, struct code_sets *cs)
{
	size_t n = 0, k = 0, nu = 0, i, j;
	char **all;

	cs->offers = cs->needs = NULL;
	for (i = 0; i < s->n_enterprises; i++)
		n += s->enterprises[i].offers.n;
	for (i = 0; i < s->n_communities; i++)
		n += s->communities[i].needs.n;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (all == NULL)
		return -1;
	for (i = 0; i < s->n_enterprises; i++)
		for (j = 0; j < s->enterprises[i].offers.n; j++)
			if (s->enterprises[i].offers.v[j] != NULL)
				all[k++] = s->enterprises[i].offers.v[j];
	for (i = 0; i < s->n_communities; i++)
		for (j = 0; j < s->communities[i].needs.n; j++)
			if (s->communities[i].needs.v[j] != NULL)
				all[k++] = s->communities[i].needs.v[j];
	qsort(all, k, sizeof(*all), str_ptr_cmp);
	for (i = 0; i < k; i++)
		if (nu == 0 || strcmp(all[nu - 1], all[i]) != 0)
			all[nu++] = all[i];
	if (nu > 64) {
		free(all);
		return 1;
	}
	cs->offers = calloc(s->n_enterprises + 1, sizeof(*cs->offers));
	cs->needs = calloc(s->n_communities + 1, sizeof(*cs->needs));
	if (cs->offers == NULL || cs->needs == NULL) {
		free(cs->offers);
		free(cs->needs);
		free(all);
		return -1;
	}
	for (i = 0; i < s->n_enterprises; i++)
		cs->offers[i] = code_set(&s->enterprises[i].offers, all, nu);
	for (i = 0; i < s->n_communities; i++)
		cs->needs[i] = code_set(&s->communities[i].needs, all, nu);
	free(all);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The grid over the enterprises that pair                             */
/* ------------------------------------------------------------------ */

/*
 * A cell is cell_lat degrees high, at least R in metres; a column is at
 * least R wide at the highest latitude any pair within R can reach, so a
 * pair within R lies in the same or a neighbouring cell.  Columns wrap
 * around the antimeridian; near a pole there is one column.
 */
struct grid_entry {
	int64_t key;
	uint32_t e;
	double lat, lon;
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
		g->v[g->n].e = (uint32_t)i;
		g->v[g->n].lat = e->lat;
		g->v[g->n].lon = e->lon;
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

/*
 * A cheap test that a point is farther than the radius, before the exact
 * haversine: the equirectangular distance, trusted only where it is
 * within a fraction of a percent of the great circle (radius up to
 * 100 km, latitudes up to 70 degrees) and then only with a 5 % margin.
 */
struct near_test {
	bool on;
	double lat, lon, coslat, limit2; /* limit2: (1.05 R / R_earth)^2, in radians */
};

static void
near_test_init(struct near_test *t, double radius, double lat, double lon)
{
	double lim = (1.05 * radius + 1.0) / EARTH_RADIUS_M;

	t->on = radius <= 100000.0 && fabs(lat) <= 70.0;
	t->lat = lat;
	t->lon = lon;
	t->coslat = cos(lat * M_PI / 180.0);
	t->limit2 = lim * lim;
}

static bool
near_test_far(const struct near_test *t, double lat, double lon)
{
	double dlat, dlon;

	if (!t->on || fabs(lat) > 70.0)
		return false;
	dlat = (lat - t->lat) * (M_PI / 180.0);
	dlon = fabs(lon - t->lon);
	if (dlon > 180.0)
		dlon = 360.0 - dlon;
	dlon *= (M_PI / 180.0) * t->coslat;
	/* cos varies little over the radius: take the smaller of the two ends */
	dlon *= 0.97;
	return dlat * dlat + dlon * dlon > t->limit2;
}

/* ------------------------------------------------------------------ */
/* Candidates                                                          */
/* ------------------------------------------------------------------ */

/* A pinned, forbidden or previous pair: the pairs the grid alone does not decide. */
struct special {
	uint32_t c, e;
	unsigned char flags;
};

static int
special_cmp(const void *a, const void *b)
{
	const struct special *x = a, *y = b;

	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	return (x->e > y->e) - (x->e < y->e);
}

/* The candidates in the order they are found: by community, then as the grid gives them. */
struct found {
	struct pair_candidate *v;
	size_t n, cap;
};

static int
found_add(struct found *f, size_t e, size_t c, int64_t score, unsigned char flags)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap + f->cap / 2 : 4096;
		struct pair_candidate *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n].e = (uint32_t)e;
	f->v[f->n].c = (uint32_t)c;
	f->v[f->n].score = (int32_t)score;
	f->v[f->n].pinned = (flags & PAIR_PIN) != 0;
	f->v[f->n].previous = (flags & PAIR_PREV) != 0;
	f->n++;
	return 0;
}

struct cand_ctx {
	const struct snapshot *s;
	struct code_sets cs;
	bool sets;
	struct found f;
	size_t *per_e; /* candidates of each enterprise */
};

static int
emit(struct cand_ctx *x, size_t e, size_t c, double d, unsigned char flags)
{
	const struct enterprise *en = &x->s->enterprises[e];
	const struct community *cm = &x->s->communities[c];
	struct pair_terms t;
	size_t n_needs, met;

	if (x->sets) {
		n_needs = (size_t)__builtin_popcountll(x->cs.needs[c]);
		met = (size_t)__builtin_popcountll(x->cs.needs[c] & x->cs.offers[e]);
	} else {
		count_needs(&en->offers, &cm->needs, &n_needs, &met);
	}
	terms_from(&x->s->settings, d, n_needs, met, (flags & PAIR_PREV) != 0, &t);
	x->per_e[e]++;
	return found_add(&x->f, e, c, t.score, flags);
}

/* Every candidate, by community; per_e counted. */
static int
find_candidates(struct cand_ctx *x, const struct pairset *ps, const struct special *sp, size_t nsp)
{
	const struct snapshot *s = x->s;
	double radius = s->settings.pair_radius_m;
	struct grid g = {0};
	size_t c, k = 0;
	bool grid = radius >= 0;

	if (grid && grid_build(&g, s, radius) != 0)
		return -1;
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		int64_t r0, k0, dr, dk;
		struct near_test nt;

		if (!grid)
			goto specials;
		r0 = grid_row(&g, cm->lat);
		k0 = grid_col(&g, cm->lon);
		near_test_init(&nt, radius, cm->lat, cm->lon);
		for (dr = -1; dr <= 1; dr++) {
			int64_t r = r0 + dr;

			if (r < 0 || r >= g.nrow)
				continue;
			for (dk = -1; dk <= 1; dk++) {
				int64_t col = k0 + dk, key;
				size_t i;

				if (g.ncol == 1 && dk != 0)
					continue;
				col = (col + g.ncol) % g.ncol;
				key = r * g.ncol + col;
				for (i = grid_lower(&g, key); i < g.n && g.v[i].key == key; i++) {
					const struct grid_entry *ge = &g.v[i];
					unsigned char f = 0;
					double d;

					if (near_test_far(&nt, ge->lat, ge->lon))
						continue;
					d = geo_distance_m(ge->lat, ge->lon, cm->lat, cm->lon);
					if (!(d <= radius))
						continue;
					if (ps->n > 0)
						f = pairset_get(ps, ge->e, c);
					if ((f & PAIR_FORBID) && !(f & PAIR_PIN))
						continue;
					if (emit(x, ge->e, c, d, f) != 0)
						goto fail;
				}
			}
		}
	specials:
		/* pins, and pairs of the plan in force, beyond the radius */
		for (; k < nsp && sp[k].c < c; k++)
			;
		for (; k < nsp && sp[k].c == c; k++) {
			const struct enterprise *en = &s->enterprises[sp[k].e];
			unsigned char f = sp[k].flags;
			double d = geo_distance_m(en->lat, en->lon, cm->lat, cm->lon);

			if (grid && en->max_communities >= 1 && d <= radius)
				continue; /* found by the grid */
			if ((f & PAIR_FORBID) && !(f & PAIR_PIN))
				continue;
			if (!(f & PAIR_PIN) && en->max_communities < 1)
				continue;
			if (!(f & (PAIR_PIN | PAIR_PREV)))
				continue;
			if (emit(x, sp[k].e, c, d, f) != 0)
				goto fail;
		}
	}
	free(g.v);
	return 0;
fail:
	free(g.v);
	return -1;
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

/* The distinct pairs of the plan in force and what became of each. */
static int
prev_pairs_build(const struct snapshot *s, const struct snapshot_index *ix,
                 const struct pairset *ps, const struct pair_candidates *out,
                 struct prev_pairs *prev)
{
	struct prev_pair *v = calloc(s->n_prev_pairs ? s->n_prev_pairs : 1, sizeof(*v));
	size_t i, n;

	if (v == NULL)
		return -1;
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
		else if (pairset_get(ps, p->e, p->c) & PAIR_FORBID)
			p->fate = PREV_FORBIDDEN;
		else
			p->fate = PREV_NOT_PAIRING;
	}
	return 0;
}

int
pairing_candidates_build(const struct snapshot *s, const struct snapshot_index *ix,
                         struct pair_candidates *out, struct prev_pairs *prev)
{
	struct cand_ctx x = {.s = s};
	struct pairset ps;
	struct special *sp = NULL;
	size_t nsp = 0, i, j, *at = NULL;
	int r;

	out->v = NULL;
	out->n = 0;
	if (prev != NULL) {
		prev->v = NULL;
		prev->n = 0;
	}
	if (s->n_enterprises > UINT32_MAX - 1 || s->n_communities > UINT32_MAX - 1)
		return -1;
	if (pairset_init(&ps, s->n_rules + s->n_prev_pairs, s->n_communities) != 0)
		return -1;
	sp = calloc(s->n_rules + s->n_prev_pairs + 1, sizeof(*sp));
	x.per_e = calloc(s->n_enterprises + 1, sizeof(*x.per_e));
	if (sp == NULL || x.per_e == NULL)
		goto fail;
	for (i = 0; i < s->n_rules; i++) {
		const struct rule *rl = &s->rules[i];
		size_t e, c;
		unsigned char f = rl->kind == RULE_PIN_PAIR ? PAIR_PIN : PAIR_FORBID;

		if (rl->kind != RULE_PIN_PAIR && rl->kind != RULE_FORBID_PAIR)
			continue;
		e = idmap_get(&ix->enterprise, rl->enterprise_id);
		c = idmap_get(&ix->community, rl->community_id);
		if (e == IDMAP_NONE || c == IDMAP_NONE)
			continue;
		pairset_mark(&ps, e, c, f);
		sp[nsp++] = (struct special){(uint32_t)c, (uint32_t)e, f};
	}
	for (i = 0; i < s->n_prev_pairs; i++) {
		size_t e = idmap_get(&ix->enterprise, s->prev_pairs[i].a);
		size_t c = idmap_get(&ix->community, s->prev_pairs[i].b);

		if (e == IDMAP_NONE || c == IDMAP_NONE)
			continue;
		pairset_mark(&ps, e, c, PAIR_PREV);
		sp[nsp++] = (struct special){(uint32_t)c, (uint32_t)e, PAIR_PREV};
	}
	/* one row per pair, its flags merged */
	qsort(sp, nsp, sizeof(*sp), special_cmp);
	for (i = j = 0; i < nsp; i++) {
		if (j > 0 && sp[j - 1].c == sp[i].c && sp[j - 1].e == sp[i].e) {
			sp[j - 1].flags |= sp[i].flags;
			continue;
		}
		sp[j++] = sp[i];
	}
	nsp = j;
	r = code_sets_build(s, &x.cs);
	if (r < 0)
		goto fail;
	x.sets = r == 0;
	if (find_candidates(&x, &ps, sp, nsp) != 0)
		goto fail;

	/* by enterprise, each enterprise's communities in the order found: ascending */
	out->v = malloc((x.f.n ? x.f.n : 1) * sizeof(*out->v));
	at = calloc(s->n_enterprises + 1, sizeof(*at));
	if (out->v == NULL || at == NULL)
		goto fail;
	for (i = 0; i < s->n_enterprises; i++)
		at[i + 1] = at[i] + x.per_e[i];
	for (i = 0; i < x.f.n; i++)
		out->v[at[x.f.v[i].e]++] = x.f.v[i];
	out->n = x.f.n;
	free(x.f.v);
	x.f.v = NULL;
	if (prev != NULL && prev_pairs_build(s, ix, &ps, out, prev) != 0)
		goto fail;
	free(at);
	free(sp);
	free(x.per_e);
	free(x.cs.offers);
	free(x.cs.needs);
	pairset_free(&ps);
	return 0;
fail:
	free(at);
	free(sp);
	free(x.per_e);
	free(x.cs.offers);
	free(x.cs.needs);
	free(x.f.v);
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
