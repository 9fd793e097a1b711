/*
 * pairing_ref.h - what the pairing's tests share: random numbers,
 * snapshots built by hand, and the model written again from
 * docs/model.md §2 alone (its own distance, need_fit and candidate rule,
 * an exhaustive search over every subset of candidate pairs and every
 * shortfall), and a check of a plan's rows from the snapshot alone.
 * Included by test_pairing.c and test_pairing_changes.c.
 */
#ifndef PARKPLAN_PAIRING_REF_H
#define PARKPLAN_PAIRING_REF_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_alloc.h"
#include "index.h"
#include "pairing_candidates.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

/* Whether the part was solved on the min-cost flow (max_changes's multiplier included), by its
 * method. */
static inline bool
by_min_cost_flow(const struct plan_part *part)
{
	return strstr(part->method, "min-cost flow") != NULL && part->status != PART_INFEASIBLE;
}

/* Whether max_changes bound and the multiplier search ran. */
static inline bool
by_lagrange(const struct plan_part *part)
{
	return strncmp(part->method, "Lagrangian min-cost flow", 24) == 0;
}

/* Whether the branch-and-cut on the whole model ran (force_mip, or the flow could not). */
static inline bool
by_branch_and_cut(const struct plan_part *part)
{
	return strcmp(part->method, "branch-and-cut") == 0;
}

/* ------------------------------------------------------------------ */
/* Random numbers                                                      */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static inline uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline int
rnd(int n)
{
	return (int)(rng_next() % (uint64_t)n);
}

static inline double
rndf(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ------------------------------------------------------------------ */
/* Building snapshots by hand                                          */
/* ------------------------------------------------------------------ */

static inline void
codes_set(struct codes *c, const char *const *v, size_t n)
{
	size_t i;

	c->v = xcalloc(n, sizeof(*c->v));
	c->n = n;
	for (i = 0; i < n; i++)
		c->v[i] = xstrdup(v[i]);
}

static inline void
snap_alloc(struct snapshot *s, size_t ne, size_t nc, size_t max_rules, size_t max_prev)
{
	snapshot_init(s);
	s->enterprises = xcalloc(ne, sizeof(*s->enterprises));
	s->n_enterprises = ne;
	s->communities = xcalloc(nc, sizeof(*s->communities));
	s->n_communities = nc;
	s->rules = xcalloc(max_rules, sizeof(*s->rules));
	s->prev_pairs = xcalloc(max_prev, sizeof(*s->prev_pairs));
}

static inline void
set_enterprise(struct snapshot *s, size_t i, int64_t id, double lat, double lon,
               const char *industry, int64_t max_communities)
{
	struct enterprise *e = &s->enterprises[i];

	e->id = id;
	e->name = xstrdup("enterprise");
	e->zone_id = 1;
	e->industry = xstrdup(industry);
	e->party_org = ORG_BRANCH;
	e->lat = lat;
	e->lon = lon;
	e->max_communities = max_communities;
	e->joined_on = DATE_NONE;
}

static inline void
set_community(struct snapshot *s, size_t i, int64_t id, double lat, double lon,
              int64_t min_partners, int64_t max_partners)
{
	struct community *c = &s->communities[i];

	c->id = id;
	c->name = xstrdup("community");
	c->lat = lat;
	c->lon = lon;
	c->min_partners = min_partners;
	c->max_partners = max_partners;
}

static inline void
add_rule(struct snapshot *s, enum rule_kind kind, int64_t e, int64_t c)
{
	struct rule *r = &s->rules[s->n_rules++];

	r->kind = kind;
	r->enterprise_id = e;
	r->community_id = c;
}

static inline void
add_prev(struct snapshot *s, int64_t e, int64_t c)
{
	s->prev_pairs[s->n_prev_pairs].a = e;
	s->prev_pairs[s->n_prev_pairs].b = c;
	s->n_prev_pairs++;
}

/* ------------------------------------------------------------------ */
/* The model, written again from docs/model.md §2                    */
/* ------------------------------------------------------------------ */

/* Great-circle distance, atan2 form of the haversine. */
static inline double
ref_distance(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
	double a = pow(sin(dp / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2);

	return 6371008.8 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

static inline bool
in_list(const struct codes *c, size_t upto, const char *code)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcmp(c->v[i], code) == 0)
			return true;
	return false;
}

/* |offers ∩ needs| / |needs| over sets, 0 when needs is empty. */
static inline double
ref_need_fit(const struct codes *offers, const struct codes *needs)
{
	size_t i, distinct = 0, met = 0;

	for (i = 0; i < needs->n; i++) {
		if (in_list(needs, i, needs->v[i]))
			continue;
		distinct++;
		if (in_list(offers, offers->n, needs->v[i]))
			met++;
	}
	return distinct ? (double)met / (double)distinct : 0.0;
}

struct ref_cand {
	size_t e, c;
	int64_t score;
	bool pinned, previous;
};

struct ref {
	const struct snapshot *s;
	struct ref_cand v[64];
	size_t n;
	size_t n_prev; /* distinct previous pairs */
	/* search state */
	int64_t cnt_e[16], cnt_c[16];
	unsigned char chosen[64];
	bool feasible;
	int64_t best;
	unsigned char best_chosen[64];
};

static inline bool
rule_is(const struct snapshot *s, enum rule_kind kind, int64_t e, int64_t c)
{
	size_t i;

	for (i = 0; i < s->n_rules; i++)
		if (s->rules[i].kind == kind && s->rules[i].enterprise_id == e &&
		    s->rules[i].community_id == c)
			return true;
	return false;
}

static inline bool
prev_is(const struct snapshot *s, int64_t e, int64_t c)
{
	size_t i;

	for (i = 0; i < s->n_prev_pairs; i++)
		if (s->prev_pairs[i].a == e && s->prev_pairs[i].b == c)
			return true;
	return false;
}

static inline void
ref_candidates(struct ref *r, const struct snapshot *s)
{
	size_t e, c;

	memset(r, 0, sizeof(*r));
	r->s = s;
	for (e = 0; e < s->n_enterprises; e++)
		for (c = 0; c < s->n_communities; c++) {
			const struct enterprise *en = &s->enterprises[e];
			const struct community *cm = &s->communities[c];
			bool pin = rule_is(s, RULE_PIN_PAIR, en->id, cm->id);
			bool forbid = rule_is(s, RULE_FORBID_PAIR, en->id, cm->id);
			bool prev = prev_is(s, en->id, cm->id);
			double d = ref_distance(en->lat, en->lon, cm->lat, cm->lon);
			double R = s->settings.pair_radius_m;
			double prox = 1 - d / R;

			if (prev)
				r->n_prev++;
			if (!pin && (forbid || en->max_communities < 1 || !(d <= R || prev)))
				continue;
			if (prox < 0)
				prox = 0;
			r->v[r->n].e = e;
			r->v[r->n].c = c;
			r->v[r->n].pinned = pin;
			r->v[r->n].previous = prev;
			r->v[r->n].score =
			    lround(s->settings.w_need * ref_need_fit(&en->offers, &cm->needs) +
			           s->settings.w_distance * prox) +
			    (prev ? s->settings.w_keep_pair : 0);
			r->n++;
		}
}

/* Every row of docs/model.md §2 for a set of chosen candidates. */
static inline bool
ref_feasible(const struct ref *r, const unsigned char *chosen)
{
	const struct snapshot *s = r->s;
	size_t e, c, i, j;
	int64_t kept = 0;

	for (i = 0; i < r->n; i++)
		if (r->v[i].pinned && !chosen[i])
			return false;
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t n = 0;

		for (i = 0; i < r->n; i++)
			n += r->v[i].e == e && chosen[i];
		if (n > s->enterprises[e].max_communities)
			return false;
	}
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0;

		for (i = 0; i < r->n; i++)
			n += r->v[i].c == c && chosen[i];
		if (n > s->communities[c].max_partners)
			return false;
	}
	if (s->settings.diverse_industries)
		for (i = 0; i < r->n; i++)
			for (j = i + 1; j < r->n; j++) {
				const char *a = s->enterprises[r->v[i].e].industry;
				const char *b = s->enterprises[r->v[j].e].industry;

				if (chosen[i] && chosen[j] && r->v[i].c == r->v[j].c && a && b &&
				    strcmp(a, b) == 0)
					return false;
			}
	for (i = 0; i < r->n; i++)
		kept += r->v[i].previous && chosen[i];
	if (s->settings.max_changes >= 0 && (int64_t)r->n_prev - kept > s->settings.max_changes)
		return false;
	return true;
}

/* P with the best u for each community, u in 0..min_partners. */
static inline bool
ref_value(const struct ref *r, const unsigned char *chosen, int64_t *value)
{
	const struct snapshot *s = r->s;
	int64_t p = 0;
	size_t i, c;

	for (i = 0; i < r->n; i++)
		if (chosen[i])
			p += r->v[i].score;
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0, u, best_u = -1;

		for (i = 0; i < r->n; i++)
			n += r->v[i].c == c && chosen[i];
		for (u = 0; u <= s->communities[c].min_partners; u++)
			if (n + u >= s->communities[c].min_partners &&
			    (best_u < 0 ||
			     -s->settings.w_uncovered * u > -s->settings.w_uncovered * best_u))
				best_u = u;
		if (best_u < 0)
			return false;
		p -= s->settings.w_uncovered * best_u;
	}
	*value = p;
	return true;
}

static inline void
ref_search(struct ref *r, size_t k)
{
	const struct snapshot *s = r->s;
	int64_t v;

	if (k == r->n) {
		if (ref_feasible(r, r->chosen) && ref_value(r, r->chosen, &v) &&
		    (!r->feasible || v > r->best)) {
			r->feasible = true;
			r->best = v;
			memcpy(r->best_chosen, r->chosen, sizeof(r->chosen));
		}
		return;
	}
	/* leave it out */
	if (!r->v[k].pinned) {
		r->chosen[k] = 0;
		ref_search(r, k + 1);
	}
	/* take it, when the limits leave room (pins always) */
	if (r->v[k].pinned || (r->cnt_e[r->v[k].e] < s->enterprises[r->v[k].e].max_communities &&
	                       r->cnt_c[r->v[k].c] < s->communities[r->v[k].c].max_partners)) {
		r->chosen[k] = 1;
		r->cnt_e[r->v[k].e]++;
		r->cnt_c[r->v[k].c]++;
		ref_search(r, k + 1);
		r->cnt_e[r->v[k].e]--;
		r->cnt_c[r->v[k].c]--;
		r->chosen[k] = 0;
	}
}

/* ------------------------------------------------------------------ */
/* Checking a plan                                                     */
/* ------------------------------------------------------------------ */

struct progress_log {
	int calls;
	bool bad_fraction;
	double last_fraction, last_best;
	double first_best; /* first incumbent reported before the end */
	int incumbents;
};

static inline void
on_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct progress_log *pl = arg;

	pl->calls++;
	if (strcmp(part, "pairing") != 0 || !(fraction >= 0 && fraction <= 1))
		pl->bad_fraction = true;
	if (fraction < 1 && !isnan(best)) {
		if (pl->incumbents++ == 0)
			pl->first_best = best;
	}
	pl->last_fraction = fraction;
	pl->last_best = best;
}

/* The plan's pairs as flags over the reference candidates; false if one is not a candidate. */
static inline bool
plan_as_chosen(const struct ref *r, const struct plan *p, unsigned char *chosen)
{
	size_t i, k;

	memset(chosen, 0, 64);
	for (k = 0; k < p->n_pairs; k++) {
		bool found = false;

		if (k > 0 && (p->pairs[k - 1].enterprise_id > p->pairs[k].enterprise_id ||
		              (p->pairs[k - 1].enterprise_id == p->pairs[k].enterprise_id &&
		               p->pairs[k - 1].community_id >= p->pairs[k].community_id)))
			return false; /* not sorted, or twice */
		for (i = 0; i < r->n; i++)
			if (r->s->enterprises[r->v[i].e].id == p->pairs[k].enterprise_id &&
			    r->s->communities[r->v[i].c].id == p->pairs[k].community_id) {
				if (p->pairs[k].score != r->v[i].score)
					return false;
				chosen[i] = 1;
				found = true;
			}
		if (!found)
			return false;
	}
	return true;
}

static inline void
check_uncovered(const struct ref *r, const unsigned char *chosen, const struct plan *p)
{
	const struct snapshot *s = r->s;
	size_t c, i, k = 0;

	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0, need = s->communities[c].min_partners;

		for (i = 0; i < r->n; i++)
			n += r->v[i].c == c && chosen[i];
		(void)need;
		if (n >= s->communities[c].min_partners)
			continue;
		/* ids ascend with rows in the random snapshots */
		CHECK(k < p->n_uncovered);
		if (k < p->n_uncovered) {
			CHECK_INT_EQ(p->uncovered[k].community_id, s->communities[c].id);
			CHECK_INT_EQ(p->uncovered[k].shortfall, s->communities[c].min_partners - n);
		}
		k++;
	}
	CHECK_INT_EQ(k, p->n_uncovered);
}

/* pairing_candidates() against the reference candidates. */
static inline void
check_candidates(const struct ref *r, const struct snapshot *s, const struct snapshot_index *ix)
{
	struct pair_candidates pc;
	size_t i;

	CHECK(pairing_candidates(s, ix, &pc) == 0);
	CHECK_INT_EQ(pc.n, r->n);
	for (i = 0; i < pc.n && i < r->n; i++) {
		CHECK_INT_EQ(pc.v[i].e, r->v[i].e);
		CHECK_INT_EQ(pc.v[i].c, r->v[i].c);
		CHECK_INT_EQ(pc.v[i].score, r->v[i].score);
		CHECK(pc.v[i].pinned == r->v[i].pinned);
		CHECK(pc.v[i].previous == r->v[i].previous);
	}
	pair_candidates_free(&pc);
}

/* ------------------------------------------------------------------ */
/* Random small snapshots                                              */
/* ------------------------------------------------------------------ */

static const char *const code_pool[] = {"法律服务", "托育", "养老", "就业", "文体", "医疗"};
static const char *const industry_pool[] = {"集成电路", "软件", "生物医药"};

static inline void
random_codes(struct codes *c)
{
	const char *v[8];
	size_t n = (size_t)rnd(4), i;

	for (i = 0; i < n; i++)
		v[i] = code_pool[rnd(6)]; /* duplicates on purpose: lists are sets */
	codes_set(c, v, n);
}

static inline void
random_snapshot(struct snapshot *s)
{
	size_t ne = 2 + (size_t)rnd(5), nc = 1 + (size_t)rnd(4), e, c;
	static const double radii[] = {1500, 2500, 3000, 4000};
	static const int64_t w_unc[] = {0, 50, 300, 1000, 10000};

	snap_alloc(s, ne, nc, ne * nc, ne * nc + 2);
	s->settings.pair_radius_m = radii[rnd(4)];
	s->settings.w_need = rnd(4) == 0 ? 0 : 800 * rndf();
	s->settings.w_distance = rnd(4) == 0 ? 0 : 600 * rndf();
	s->settings.w_keep_pair = rnd(400);
	s->settings.w_uncovered = w_unc[rnd(5)];
	s->settings.diverse_industries = rnd(3) == 0;
	s->settings.max_changes = rnd(3) == 0 ? rnd(3) : -1;
	s->settings.time_limit_s = 30;
	for (e = 0; e < ne; e++) {
		set_enterprise(s, e, 10 + 3 * (int64_t)e, 31.15 + 0.04 * rndf(),
		               121.38 + 0.04 * rndf(), rnd(8) == 0 ? NULL : industry_pool[rnd(3)],
		               rnd(3));
		random_codes(&s->enterprises[e].offers);
	}
	for (c = 0; c < nc; c++) {
		int64_t lo = rnd(3);

		set_community(s, c, 100 + 7 * (int64_t)c, 31.15 + 0.04 * rndf(),
		              121.38 + 0.04 * rndf(), lo, lo + rnd(3));
		random_codes(&s->communities[c].needs);
	}
	for (e = 0; e < ne; e++)
		for (c = 0; c < nc; c++) {
			int64_t ei = s->enterprises[e].id, ci = s->communities[c].id;
			int k = rnd(100);

			if (k < 8)
				add_rule(s, RULE_PIN_PAIR, ei, ci);
			else if (k < 16)
				add_rule(s, RULE_FORBID_PAIR, ei, ci);
			if (rnd(100) < 22)
				add_prev(s, ei, ci);
		}
	/* a previous pair listed twice, as a hand-made snapshot may have */
	if (s->n_prev_pairs > 0 && rnd(4) == 0)
		add_prev(s, s->prev_pairs[0].a, s->prev_pairs[0].b);
}

static inline bool
reasons_contain(const struct plan_part *part, const char *needle)
{
	size_t i;

	for (i = 0; i < part->n_reasons; i++)
		if (strstr(part->reasons[i], needle) != NULL)
			return true;
	return false;
}

static inline void
print_reasons(const struct plan_part *part)
{
	size_t i;

	for (i = 0; i < part->n_reasons; i++)
		printf("  reason: %s\n", part->reasons[i]);
}

#define CHECK_REASON(part, needle)                                                                 \
	CHECK_MSG(reasons_contain((part), (needle)), "no reason contains \"%s\"", (needle))

/* Enterprises 12, 15, 16, 17 and communities 7, 8, 9, 10 side by side. */
static inline void
small_park(struct snapshot *s)
{
	static const int64_t eids[] = {12, 15, 16, 17};
	static const int64_t cids[] = {7, 8, 9, 10};
	size_t i;

	snap_alloc(s, 4, 4, 16, 16);
	for (i = 0; i < 4; i++) {
		set_enterprise(s, i, eids[i], 31.170 + 0.001 * (double)i, 121.400, "软件", 1);
		set_community(s, i, cids[i], 31.170, 121.401 + 0.001 * (double)i, 1, 3);
	}
}

static inline void
solve_small(struct snapshot *s, struct plan *p)
{
	struct snapshot_index ix;

	CHECK(snapshot_index_build(s, &ix) == 0);
	plan_init(p);
	CHECK(pairing_solve(s, &ix, NULL, p) == 0);
	snapshot_index_free(&ix);
}

static inline size_t
row_of(const int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return i;
	return (size_t)-1;
}

/*
 * Every row of docs/model.md §2 for a plan of any size, and its P,
 * from the snapshot alone.  Returns the number of broken rows.
 */
static inline int
check_plan_rows(const struct snapshot *s, const struct plan *p, int64_t *value)
{
	int64_t *eids = xcalloc(s->n_enterprises, sizeof(*eids));
	int64_t *cids = xcalloc(s->n_communities, sizeof(*cids));
	int64_t *cnt_e = xcalloc(s->n_enterprises, sizeof(*cnt_e));
	int64_t *cnt_c = xcalloc(s->n_communities, sizeof(*cnt_c));
	size_t *pe = xcalloc(p->n_pairs, sizeof(*pe)), *pcm = xcalloc(p->n_pairs, sizeof(*pcm));
	size_t i, j, k;
	int broken = 0;
	int64_t P = 0, kept = 0, n_prev = 0;

	for (i = 0; i < s->n_enterprises; i++)
		eids[i] = s->enterprises[i].id;
	for (i = 0; i < s->n_communities; i++)
		cids[i] = s->communities[i].id;
	for (k = 0; k < p->n_pairs; k++) {
		size_t e = row_of(eids, s->n_enterprises, p->pairs[k].enterprise_id);
		size_t c = row_of(cids, s->n_communities, p->pairs[k].community_id);
		const struct enterprise *en;
		const struct community *cm;
		bool pin, prev;
		double d, prox;
		int64_t score;

		if (e == (size_t)-1 || c == (size_t)-1) {
			broken++;
			continue;
		}
		pe[k] = e;
		pcm[k] = c;
		en = &s->enterprises[e];
		cm = &s->communities[c];
		pin = rule_is(s, RULE_PIN_PAIR, en->id, cm->id);
		prev = prev_is(s, en->id, cm->id);
		d = ref_distance(en->lat, en->lon, cm->lat, cm->lon);
		if (!pin && (rule_is(s, RULE_FORBID_PAIR, en->id, cm->id) ||
		             en->max_communities < 1 || !(d <= s->settings.pair_radius_m || prev)))
			broken++; /* not a candidate */
		prox = fmax(0, 1 - d / s->settings.pair_radius_m);
		score = lround(s->settings.w_need * ref_need_fit(&en->offers, &cm->needs) +
		               s->settings.w_distance * prox) +
		        (prev ? s->settings.w_keep_pair : 0);
		if (score != p->pairs[k].score)
			broken++;
		P += score;
		kept += prev;
		cnt_e[e]++;
		cnt_c[c]++;
		if (k > 0 && (p->pairs[k - 1].enterprise_id > p->pairs[k].enterprise_id ||
		              (p->pairs[k - 1].enterprise_id == p->pairs[k].enterprise_id &&
		               p->pairs[k - 1].community_id >= p->pairs[k].community_id)))
			broken++;
	}
	for (i = 0; i < s->n_enterprises; i++)
		if (cnt_e[i] > s->enterprises[i].max_communities)
			broken++;
	for (i = 0; i < s->n_communities; i++) {
		if (cnt_c[i] > s->communities[i].max_partners)
			broken++;
		if (cnt_c[i] < s->communities[i].min_partners)
			P -= s->settings.w_uncovered * (s->communities[i].min_partners - cnt_c[i]);
	}
	for (i = 0; i < s->n_rules; i++) {
		bool found = false;

		if (s->rules[i].kind != RULE_PIN_PAIR)
			continue;
		for (k = 0; k < p->n_pairs; k++)
			found |= p->pairs[k].enterprise_id == s->rules[i].enterprise_id &&
			         p->pairs[k].community_id == s->rules[i].community_id;
		if (!found)
			broken++;
	}
	if (s->settings.diverse_industries)
		for (k = 0; k < p->n_pairs; k++)
			for (j = k + 1; j < p->n_pairs; j++) {
				const char *a = s->enterprises[pe[k]].industry;
				const char *b = s->enterprises[pe[j]].industry;

				if (pcm[k] == pcm[j] && a && b && strcmp(a, b) == 0)
					broken++;
			}
	for (i = 0; i < s->n_prev_pairs; i++) {
		for (j = 0; j < i; j++)
			if (s->prev_pairs[j].a == s->prev_pairs[i].a &&
			    s->prev_pairs[j].b == s->prev_pairs[i].b)
				break;
		n_prev += j == i;
	}
	if (s->settings.max_changes >= 0 && n_prev - kept > s->settings.max_changes)
		broken++;
	*value = P;
	free(eids);
	free(cids);
	free(cnt_e);
	free(cnt_c);
	free(pe);
	free(pcm);
	return broken;
}

#endif
