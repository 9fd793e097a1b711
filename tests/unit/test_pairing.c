/*
 * test_pairing.c - the pairing model against an independent brute force.
 *
 * Random small snapshots are solved by pairing_solve() and by an exhaustive
 * search written here from docs/model.md §2 alone: its own distance, its
 * own need_fit, its own candidate rule, every subset of candidate pairs and
 * every shortfall.  Both must agree on feasibility and on the optimal P, and
 * the plan returned must meet every row.  Targeted tests cover the spatial
 * grid, the infeasibility reasons, the warm start and the LP export.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glpk.h>

#include "check.h"
#include "geo.h"
#include "index.h"
#include "pairing.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

/* Whether the part was solved as a min-cost flow, by its method. */
static bool
by_min_cost_flow(const struct plan_part *part)
{
	return strncmp(part->method, "min-cost flow", 13) == 0 && part->status != PART_INFEASIBLE;
}

static bool
by_branch_and_cut(const struct plan_part *part)
{
	return strcmp(part->method, "branch-and-cut") == 0;
}

/* ------------------------------------------------------------------ */
/* Random numbers                                                      */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
rnd(int n)
{
	return (int)(rng_next() % (uint64_t)n);
}

static double
rndf(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ------------------------------------------------------------------ */
/* Building snapshots by hand                                          */
/* ------------------------------------------------------------------ */

static char *
xstrdup(const char *s)
{
	char *p = s ? strdup(s) : NULL;

	if (s != NULL && p == NULL)
		abort();
	return p;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		abort();
	return p;
}

static void
codes_set(struct codes *c, const char *const *v, size_t n)
{
	size_t i;

	c->v = xcalloc(n, sizeof(*c->v));
	c->n = n;
	for (i = 0; i < n; i++)
		c->v[i] = xstrdup(v[i]);
}

static void
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

static void
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

static void
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

static void
add_rule(struct snapshot *s, enum rule_kind kind, int64_t e, int64_t c)
{
	struct rule *r = &s->rules[s->n_rules++];

	r->kind = kind;
	r->enterprise_id = e;
	r->community_id = c;
}

static void
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
static double
ref_distance(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
	double a = pow(sin(dp / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2);

	return 6371008.8 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

static bool
in_list(const struct codes *c, size_t upto, const char *code)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcmp(c->v[i], code) == 0)
			return true;
	return false;
}

/* |offers ∩ needs| / |needs| over sets, 0 when needs is empty. */
static double
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

static bool
rule_is(const struct snapshot *s, enum rule_kind kind, int64_t e, int64_t c)
{
	size_t i;

	for (i = 0; i < s->n_rules; i++)
		if (s->rules[i].kind == kind && s->rules[i].enterprise_id == e &&
		    s->rules[i].community_id == c)
			return true;
	return false;
}

static bool
prev_is(const struct snapshot *s, int64_t e, int64_t c)
{
	size_t i;

	for (i = 0; i < s->n_prev_pairs; i++)
		if (s->prev_pairs[i].a == e && s->prev_pairs[i].b == c)
			return true;
	return false;
}

static void
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
static bool
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
static bool
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

static void
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

static void
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
static bool
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

static void
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
static void
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

static void
random_codes(struct codes *c)
{
	const char *v[8];
	size_t n = (size_t)rnd(4), i;

	for (i = 0; i < n; i++)
		v[i] = code_pool[rnd(6)]; /* duplicates on purpose: lists are sets */
	codes_set(c, v, n);
}

static void
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

static int warm_improved; /* instances where a worse incumbent came before the optimum */

static void
test_random(int count)
{
	int k, agree = 0, infeasible = 0, by_flow = 0, by_mip = 0, flow_expected = 0;

	for (k = 0; k < count; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan p;
		struct ref *r = xcalloc(1, sizeof(*r));
		struct progress_log pl = {0};
		struct solver_options opt = {.progress = on_progress, .progress_arg = &pl};
		unsigned char chosen[64];
		int64_t value;

		rng_state = 0x1234567ULL + (uint64_t)k * 7919;
		random_snapshot(&s);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		ref_candidates(r, &s);
		CHECK(r->n <= 64);
		check_candidates(r, &s, &ix);
		ref_search(r, 0);

		plan_init(&p);
		CHECK(pairing_solve(&s, &ix, &opt, &p) == 0);
		CHECK(p.pairing.memory_budget_mib == 0);
		CHECK_MSG(by_min_cost_flow(&p.pairing) || by_branch_and_cut(&p.pairing) ||
		              (p.pairing.status == PART_INFEASIBLE && p.pairing.method[0] == '\0'),
		          "seed %d: method \"%s\", status %s", k, p.pairing.method,
		          part_status_name(p.pairing.status));
		if (by_min_cost_flow(&p.pairing)) {
			by_flow++;
			/* the flow serves only without max_changes */
			CHECK_MSG(s.settings.max_changes < 0, "seed %d: flow with max_changes", k);
		} else if (p.pairing.status != PART_INFEASIBLE) {
			by_mip++;
			CHECK(by_branch_and_cut(&p.pairing));
			CHECK_MSG(s.settings.max_changes >= 0, "seed %d: MIP without max_changes",
			          k);
		}
		if (s.settings.max_changes < 0 && r->feasible)
			flow_expected++;
		CHECK(!pl.bad_fraction);
		CHECK(pl.calls >= 2);
		CHECK(pl.last_fraction == 1.0);
		if (!r->feasible) {
			infeasible++;
			CHECK_MSG(p.pairing.status == PART_INFEASIBLE, "seed %d: status %s", k,
			          part_status_name(p.pairing.status));
			CHECK(p.pairing.n_reasons > 0);
			CHECK_INT_EQ(p.n_pairs, 0);
		} else {
			CHECK_MSG(p.pairing.status == PART_OPTIMAL, "seed %d: status %s", k,
			          part_status_name(p.pairing.status));
			CHECK_MSG(p.pairing.objective == r->best,
			          "seed %d: objective %lld, brute force %lld", k,
			          (long long)p.pairing.objective, (long long)r->best);
			CHECK(p.pairing.n_reasons == 0);
			CHECK(fabs(p.pairing.bound - (double)r->best) < 1e-6);
			CHECK(p.pairing.gap == 0);
			CHECK(plan_as_chosen(r, &p, chosen));
			CHECK(ref_feasible(r, chosen));
			CHECK(ref_value(r, chosen, &value) && value == p.pairing.objective);
			check_uncovered(r, chosen, &p);
			CHECK(pl.last_best == (double)p.pairing.objective);
			if (pl.incumbents > 0 && pl.first_best < (double)p.pairing.objective)
				warm_improved++;
			if (p.pairing.objective == r->best)
				agree++;
		}
		CHECK(p.pairing.seconds >= 0);
		plan_free(&p);
		snapshot_index_free(&ix);
		snapshot_free(&s);
		free(r);
	}
	printf("random: %d snapshots, %d infeasible, %d optimal and equal to the brute force; "
	       "solved as a min-cost flow %d, by the branch-and-cut %d\n",
	       count, infeasible, agree, by_flow, by_mip);
	CHECK(infeasible > 0);
	CHECK_INT_EQ(by_flow, flow_expected);
	CHECK(by_flow > count / 4);
	CHECK(by_mip > 0);
	CHECK(agree > count / 2);
}

/* ------------------------------------------------------------------ */
/* The grid against a dense loop                                       */
/* ------------------------------------------------------------------ */

static void
grid_vs_dense(double lat0, double lon0, double spread_lat, double spread_lon, double radius,
              size_t ne, size_t nc, const char *label)
{
	struct snapshot s;
	struct snapshot_index ix;
	struct pair_candidates pc;
	size_t e, c, k = 0, mismatches = 0;

	snap_alloc(&s, ne, nc, 1, 1);
	s.settings.pair_radius_m = radius;
	for (e = 0; e < ne; e++) {
		double lon = lon0 + spread_lon * (rndf() - 0.5);

		if (lon > 180)
			lon -= 360;
		if (lon < -180)
			lon += 360;
		set_enterprise(&s, e, 1 + (int64_t)e, fmin(90, lat0 + spread_lat * (rndf() - 0.5)),
		               lon, "软件", rnd(10) == 0 ? 0 : 1);
	}
	for (c = 0; c < nc; c++) {
		double lon = lon0 + spread_lon * (rndf() - 0.5);

		if (lon > 180)
			lon -= 360;
		if (lon < -180)
			lon += 360;
		set_community(&s, c, 1 + (int64_t)c, fmin(90, lat0 + spread_lat * (rndf() - 0.5)),
		              lon, 1, 3);
	}
	CHECK(snapshot_index_build(&s, &ix) == 0);
	CHECK(pairing_candidates(&s, &ix, &pc) == 0);
	for (e = 0; e < ne; e++)
		for (c = 0; c < nc; c++) {
			const struct enterprise *en = &s.enterprises[e];
			const struct community *cm = &s.communities[c];

			if (en->max_communities < 1 ||
			    !(geo_distance_m(en->lat, en->lon, cm->lat, cm->lon) <= radius))
				continue;
			if (k < pc.n && pc.v[k].e == e && pc.v[k].c == c)
				k++;
			else
				mismatches++;
		}
	printf("grid %s: %zu candidates, dense loop %zu\n", label, pc.n, k + mismatches);
	CHECK_MSG(mismatches == 0 && k == pc.n, "%s: %zu missing, %zu found vs %zu", label,
	          mismatches, k, pc.n);
	CHECK(pc.n > 0);
	pair_candidates_free(&pc);
	snapshot_index_free(&ix);
	snapshot_free(&s);
}

static void
test_grid(void)
{
	rng_state = 42;
	/* the park's district, 1 000 enterprises and 50 communities */
	grid_vs_dense(31.17, 121.40, 0.25, 0.25, 3000, 1000, 50, "district");
	/* across the antimeridian */
	grid_vs_dense(-16.8, 180.0, 0.6, 0.6, 10000, 400, 40, "antimeridian");
	/* next to the north pole */
	grid_vs_dense(89.7, 0.0, 0.6, 360.0, 20000, 400, 40, "pole");
	/* a radius wider than the area */
	grid_vs_dense(31.17, 121.40, 2.0, 2.0, 500000, 300, 30, "wide radius");
	/* a tiny radius */
	grid_vs_dense(31.17, 121.40, 0.002, 0.002, 50, 400, 40, "tiny radius");
}

/* ------------------------------------------------------------------ */
/* Infeasibility in planners' words                                    */
/* ------------------------------------------------------------------ */

static bool
reasons_contain(const struct plan_part *part, const char *needle)
{
	size_t i;

	for (i = 0; i < part->n_reasons; i++)
		if (strstr(part->reasons[i], needle) != NULL)
			return true;
	return false;
}

static void
print_reasons(const struct plan_part *part)
{
	size_t i;

	for (i = 0; i < part->n_reasons; i++)
		printf("  reason: %s\n", part->reasons[i]);
}

#define CHECK_REASON(part, needle)                                                                 \
	CHECK_MSG(reasons_contain((part), (needle)), "no reason contains \"%s\"", (needle))

/* Enterprises 12, 15, 16, 17 and communities 7, 8, 9, 10 side by side. */
static void
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

static void
solve_small(struct snapshot *s, struct plan *p)
{
	struct snapshot_index ix;

	CHECK(snapshot_index_build(s, &ix) == 0);
	plan_init(p);
	CHECK(pairing_solve(s, &ix, NULL, p) == 0);
	snapshot_index_free(&ix);
}

static void
test_reasons(void)
{
	struct snapshot s;
	struct plan p;

	/* pins of one enterprise beyond its max_communities */
	small_park(&s);
	add_rule(&s, RULE_PIN_PAIR, 12, 7);
	add_rule(&s, RULE_PIN_PAIR, 12, 8);
	add_rule(&s, RULE_PIN_PAIR, 12, 9);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(&p.pairing, "pins give enterprise 12 3 communities, its max_communities is 1");
	CHECK_INT_EQ(p.pairing.n_reasons, 1);
	plan_free(&p);
	snapshot_free(&s);

	/* pins of one community beyond its max_partners */
	small_park(&s);
	s.enterprises[0].max_communities = 2;
	s.communities[0].max_partners = 3;
	add_rule(&s, RULE_PIN_PAIR, 12, 7);
	add_rule(&s, RULE_PIN_PAIR, 15, 7);
	add_rule(&s, RULE_PIN_PAIR, 16, 7);
	add_rule(&s, RULE_PIN_PAIR, 17, 7);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(&p.pairing, "pins give community 7 4 partners, its max_partners is 3");
	CHECK_INT_EQ(p.pairing.n_reasons, 1);
	plan_free(&p);
	snapshot_free(&s);

	/* diverse_industries and two pins of one industry */
	small_park(&s);
	s.settings.diverse_industries = true;
	free(s.enterprises[2].industry);
	s.enterprises[2].industry = xstrdup("集成电路");
	add_rule(&s, RULE_PIN_PAIR, 12, 7);
	add_rule(&s, RULE_PIN_PAIR, 15, 7);
	add_rule(&s, RULE_PIN_PAIR, 16, 8);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(&p.pairing,
	             "pins give community 7 2 partners of industry 软件 (enterprises 12, 15)");
	CHECK_INT_EQ(p.pairing.n_reasons, 1);
	plan_free(&p);
	snapshot_free(&s);

	/* max_changes and previous pairs that can no longer be kept */
	small_park(&s);
	s.settings.max_changes = 1;
	s.enterprises[1].max_communities = 0;
	add_prev(&s, 12, 7);
	add_prev(&s, 15, 8);
	add_prev(&s, 16, 9);
	add_rule(&s, RULE_FORBID_PAIR, 12, 7);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(&p.pairing,
	             "max_changes is 1, but 2 of the 3 pairs of the plan in force cannot be kept");
	CHECK_REASON(&p.pairing, "(enterprise 12, community 7) is forbidden");
	CHECK_REASON(&p.pairing, "enterprise 15 has max_communities 0");
	CHECK(!reasons_contain(&p.pairing, "community 9)"));
	plan_free(&p);
	snapshot_free(&s);

	/* max_changes and pins that push previous pairs out */
	small_park(&s);
	s.settings.max_changes = 0;
	add_prev(&s, 12, 7);
	add_rule(&s, RULE_PIN_PAIR, 12, 8);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(&p.pairing, "(enterprise 12, community 7) is pushed out by pins filling "
	                         "enterprise 12's max_communities = 1");
	plan_free(&p);
	snapshot_free(&s);

	/* max_changes against a partner limit: only the solver sees it */
	small_park(&s);
	s.settings.max_changes = 0;
	s.communities[0].max_partners = 2;
	add_prev(&s, 12, 7);
	add_prev(&s, 15, 7);
	add_prev(&s, 16, 7);
	solve_small(&s, &p);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	CHECK_REASON(
	    &p.pairing,
	    "max_changes is 0, but at most 2 of the 3 pairs of the plan in force can be kept");
	plan_free(&p);
	snapshot_free(&s);

	/* the same with max_changes 1 is feasible */
	small_park(&s);
	s.settings.max_changes = 1;
	s.communities[0].max_partners = 2;
	add_prev(&s, 12, 7);
	add_prev(&s, 15, 7);
	add_prev(&s, 16, 7);
	solve_small(&s, &p);
	CHECK(p.pairing.status == PART_OPTIMAL);
	CHECK_INT_EQ(p.pairing.n_reasons, 0);
	plan_free(&p);
	snapshot_free(&s);

	/* a community far from everyone is a shortfall, not an infeasibility */
	small_park(&s);
	s.communities[3].lat = 31.5;
	s.communities[3].min_partners = 2;
	solve_small(&s, &p);
	CHECK(p.pairing.status == PART_OPTIMAL);
	CHECK_INT_EQ(p.pairing.n_reasons, 0);
	CHECK(p.n_uncovered >= 1);
	CHECK(p.n_uncovered >= 1 && p.uncovered[p.n_uncovered - 1].community_id == 10 &&
	      p.uncovered[p.n_uncovered - 1].shortfall == 2);
	plan_free(&p);
	snapshot_free(&s);
}

/* ------------------------------------------------------------------ */
/* Warm start                                                          */
/* ------------------------------------------------------------------ */

/*
 * The plan in force is offered to the search; it must never change the
 * optimum.  The random snapshots with previous pairs already compare every
 * optimum with the brute force; here a trap makes the plan in force
 * clearly worse than the optimum, under max_changes (so that the LP is not
 * integral and the search asks for a heuristic solution).
 */
static void
test_warm_start(void)
{
	int k, solved = 0;

	for (k = 0; k < 60; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan p;
		struct ref *r = xcalloc(1, sizeof(*r));
		struct progress_log pl = {0};
		struct solver_options opt = {.progress = on_progress, .progress_arg = &pl};
		size_t e, c;

		rng_state = 0xabcdef + (uint64_t)k * 104729;
		snap_alloc(&s, 6, 3, 1, 18);
		s.settings.pair_radius_m = 4000;
		s.settings.w_keep_pair = 20;
		s.settings.max_changes = 1 + rnd(2);
		s.settings.diverse_industries = rnd(2);
		for (e = 0; e < 6; e++) {
			set_enterprise(&s, e, 1 + (int64_t)e, 31.16 + 0.02 * rndf(),
			               121.39 + 0.02 * rndf(), industry_pool[rnd(3)], 1 + rnd(2));
			random_codes(&s.enterprises[e].offers);
		}
		for (c = 0; c < 3; c++) {
			set_community(&s, c, 1 + (int64_t)c, 31.16 + 0.02 * rndf(),
			              121.39 + 0.02 * rndf(), 1, 2);
			random_codes(&s.communities[c].needs);
		}
		for (e = 0; e < 6; e++)
			for (c = 0; c < 3; c++)
				if (rnd(4) == 0)
					add_prev(&s, (int64_t)e + 1, (int64_t)c + 1);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		ref_candidates(r, &s);
		ref_search(r, 0);
		plan_init(&p);
		CHECK(pairing_solve(&s, &ix, &opt, &p) == 0);
		if (r->feasible) {
			CHECK(p.pairing.status == PART_OPTIMAL);
			CHECK_INT_EQ(p.pairing.objective, r->best);
			solved++;
		} else {
			CHECK(p.pairing.status == PART_INFEASIBLE);
		}
		if (pl.incumbents > 0 && pl.first_best < (double)p.pairing.objective)
			warm_improved++;
		plan_free(&p);
		snapshot_index_free(&ix);
		snapshot_free(&s);
		free(r);
	}
	printf("warm start: %d solved to the brute force's optimum; %d searches improved on a "
	       "first incumbent\n",
	       solved, warm_improved);
	CHECK(solved > 0);
	/* some search started from an incumbent worse than the optimum */
	CHECK(warm_improved > 0);
}

/* ------------------------------------------------------------------ */
/* A medium snapshot, and a time limit too short to finish             */
/* ------------------------------------------------------------------ */

static size_t
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
static int
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

static void
medium_snapshot(struct snapshot *s, size_t ne, size_t nc)
{
	size_t e, c;

	snap_alloc(s, ne, nc, 8, 64);
	s->settings.diverse_industries = true;
	s->settings.max_changes = 20;
	for (e = 0; e < ne; e++) {
		set_enterprise(s, e, 1 + (int64_t)e, 31.15 + 0.05 * rndf(), 121.38 + 0.05 * rndf(),
		               industry_pool[rnd(3)], rnd(10) == 0 ? 0 : 1 + (rnd(8) == 0));
		random_codes(&s->enterprises[e].offers);
	}
	for (c = 0; c < nc; c++) {
		set_community(s, c, 1 + (int64_t)c, 31.15 + 0.05 * rndf(), 121.38 + 0.05 * rndf(),
		              1, 3);
		random_codes(&s->communities[c].needs);
	}
	for (e = 0; e < 40; e++)
		add_prev(s, 1 + rnd((int)ne), 1 + rnd((int)nc));
	add_rule(s, RULE_PIN_PAIR, 1, 1);
	add_rule(s, RULE_FORBID_PAIR, 2, 1);
}

static void
test_medium_and_time_limit(void)
{
	struct snapshot s;
	struct snapshot_index ix;
	struct plan p;
	int64_t value, optimum;
	struct progress_log pl = {0};
	struct solver_options opt = {.progress = on_progress, .progress_arg = &pl};

	rng_state = 777;
	medium_snapshot(&s, 1500, 40);
	CHECK(snapshot_index_build(&s, &ix) == 0);
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, &opt, &p) == 0);
	print_reasons(&p.pairing);
	CHECK(p.pairing.status == PART_OPTIMAL);
	CHECK(by_branch_and_cut(&p.pairing));
	CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
	CHECK_INT_EQ(value, p.pairing.objective);
	CHECK(pl.last_fraction == 1.0 && pl.last_best == (double)value);
	printf("medium: %zu pairs, P = %lld, %.3f s\n", p.n_pairs, (long long)value,
	       p.pairing.seconds);
	optimum = p.pairing.objective;
	plan_free(&p);

	/* a limit far too short: a feasible plan (the warm start) and a valid bound */
	s.settings.time_limit_s = 0.0005;
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	printf("time limit: status %s, P = %lld, bound %.1f, gap %.4f\n",
	       part_status_name(p.pairing.status), (long long)p.pairing.objective, p.pairing.bound,
	       p.pairing.gap);
	CHECK(p.pairing.status == PART_FEASIBLE || p.pairing.status == PART_OPTIMAL);
	CHECK(by_branch_and_cut(&p.pairing));
	CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
	CHECK_INT_EQ(value, p.pairing.objective);
	CHECK(p.pairing.objective <= optimum);
	CHECK(p.pairing.bound >= (double)optimum - 1e-6);
	CHECK(p.pairing.status != PART_OPTIMAL || p.pairing.objective == optimum);
	plan_free(&p);

	/* without max_changes (a min-cost flow): the optimum, then a flow stopped early */
	s.settings.max_changes = -1;
	s.settings.time_limit_s = 30;
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	CHECK(p.pairing.status == PART_OPTIMAL);
	CHECK(by_min_cost_flow(&p.pairing));
	CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
	CHECK_INT_EQ(value, p.pairing.objective);
	CHECK(p.pairing.objective >= optimum); /* one row fewer */
	optimum = p.pairing.objective;
	plan_free(&p);
	s.settings.time_limit_s = 0.0005;
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	printf("flow time limit: status %s, P = %lld of %lld, bound %.1f, gap %.4f\n",
	       part_status_name(p.pairing.status), (long long)p.pairing.objective,
	       (long long)optimum, p.pairing.bound, p.pairing.gap);
	CHECK(p.pairing.status == PART_FEASIBLE || p.pairing.status == PART_OPTIMAL);
	CHECK(by_min_cost_flow(&p.pairing));
	CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
	CHECK_INT_EQ(value, p.pairing.objective);
	CHECK(p.pairing.objective <= optimum);
	CHECK(p.pairing.bound >= (double)optimum - 1e-6);
	CHECK(p.pairing.status != PART_OPTIMAL || p.pairing.objective == optimum);
	plan_free(&p);
	snapshot_index_free(&ix);
	snapshot_free(&s);
}

/*
 * The min-cost flow against the branch-and-cut, without max_changes: both
 * must reach the same optimum (or both find no plan), and each plan must
 * meet every row, checked from the snapshot alone.
 */
static void
flow_vs_mip_snapshot(struct snapshot *s, int k)
{
	size_t ne = 300, nc = 30, e, c;
	static const int64_t w_unc[] = {0, 300, 1000, 10000};
	int i;

	snap_alloc(s, ne, nc, 16, 64);
	s->settings.pair_radius_m = k % 2 ? 3000 : 2000;
	s->settings.w_need = 600 * rndf();
	s->settings.w_distance = 400 * rndf();
	s->settings.w_keep_pair = rnd(400);
	s->settings.w_uncovered = w_unc[rnd(4)];
	s->settings.diverse_industries = k % 3 != 0;
	s->settings.max_changes = -1;
	s->settings.time_limit_s = 60;
	for (e = 0; e < ne; e++) {
		set_enterprise(s, e, 1 + (int64_t)e, 31.15 + 0.06 * rndf(), 121.38 + 0.06 * rndf(),
		               rnd(10) == 0 ? NULL : industry_pool[rnd(3)],
		               rnd(6) == 0 ? 0 : 1 + (rnd(5) == 0));
		random_codes(&s->enterprises[e].offers);
	}
	for (c = 0; c < nc; c++) {
		int64_t lo = rnd(3);

		set_community(s, c, 1 + (int64_t)c, 31.15 + 0.06 * rndf(), 121.38 + 0.06 * rndf(),
		              lo, lo + rnd(4));
		random_codes(&s->communities[c].needs);
	}
	for (i = 0; i < 50; i++)
		add_prev(s, 1 + rnd((int)ne), 1 + rnd((int)nc));
	/* pins on distinct enterprises and communities that can take them */
	for (i = 0; i < 6; i++) {
		e = 10 * (size_t)i + (size_t)rnd(10);
		c = 5 * (size_t)i + (size_t)rnd(5);
		if (s->enterprises[e].max_communities == 0)
			s->enterprises[e].max_communities = 1;
		if (s->communities[c].max_partners == 0)
			s->communities[c].max_partners = 1;
		add_rule(s, RULE_PIN_PAIR, s->enterprises[e].id, s->communities[c].id);
		add_rule(s, RULE_FORBID_PAIR, 100 + rnd(200), 1 + rnd((int)nc));
	}
}

static void
test_flow_vs_mip(int count)
{
	int k, same = 0, infeasible = 0;
	double t_flow = 0, t_mip = 0;

	for (k = 0; k < count; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan pf, pm;
		int64_t vf, vm;

		rng_state = 0xf10f + (uint64_t)k * 104729;
		flow_vs_mip_snapshot(&s, k);
		if (snapshot_index_build(&s, &ix) != 0) {
			/* a pin on a forbidden pair: not a snapshot validation lets through */
			snapshot_free(&s);
			continue;
		}
		plan_init(&pf);
		plan_init(&pm);
		CHECK(pairing_solve(&s, &ix, NULL, &pf) == 0);
		CHECK(pairing_solve(&s, &ix, &(struct solver_options){.force_mip = true}, &pm) ==
		      0);
		CHECK_MSG(pf.pairing.status == pm.pairing.status, "instance %d: flow %s, MIP %s", k,
		          part_status_name(pf.pairing.status), part_status_name(pm.pairing.status));
		if (pm.pairing.status == PART_INFEASIBLE) {
			infeasible++;
		} else {
			CHECK_MSG(by_min_cost_flow(&pf.pairing), "instance %d: not a flow", k);
			CHECK_MSG(by_branch_and_cut(&pm.pairing), "instance %d: not the MIP", k);
			CHECK(pf.pairing.status == PART_OPTIMAL &&
			      pm.pairing.status == PART_OPTIMAL);
			CHECK_INT_EQ(check_plan_rows(&s, &pf, &vf), 0);
			CHECK_INT_EQ(check_plan_rows(&s, &pm, &vm), 0);
			CHECK_INT_EQ(vf, pf.pairing.objective);
			CHECK_INT_EQ(vm, pm.pairing.objective);
			CHECK_MSG(vf == vm, "instance %d: flow P = %lld, MIP P = %lld", k,
			          (long long)vf, (long long)vm);
			CHECK(pf.pairing.gap == 0 && pf.pairing.bound == (double)vf);
			same += vf == vm;
			t_flow += pf.pairing.seconds;
			t_mip += pm.pairing.seconds;
		}
		plan_free(&pf);
		plan_free(&pm);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("flow vs MIP: %d instances, %d infeasible for both, %d with the same optimum "
	       "(flow %.2f s, MIP %.2f s in all)\n",
	       count, infeasible, same, t_flow, t_mip);
	CHECK(same >= count / 2);
}

/* ------------------------------------------------------------------ */
/* LP export                                                           */
/* ------------------------------------------------------------------ */

static void
test_export(void)
{
	char path[] = "/tmp/parkplan-pairing-XXXXXX";
	int k, fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	for (k = 0; k < 30; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan p;
		char err[256];
		glp_prob *lp;
		glp_iocp iocp;

		rng_state = 0x5151 + (uint64_t)k * 31;
		random_snapshot(&s);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		plan_init(&p);
		CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
		CHECK(pairing_export_lp(&s, &ix, path, err, sizeof(err)) == 0);
		glp_term_out(GLP_OFF);
		lp = glp_create_prob();
		CHECK(glp_read_lp(lp, NULL, path) == 0);
		glp_init_iocp(&iocp);
		iocp.presolve = GLP_ON;
		iocp.msg_lev = GLP_MSG_OFF;
		if (glp_get_num_cols(lp) == 0) {
			CHECK(p.pairing.status == PART_OPTIMAL && p.pairing.objective == 0);
		} else if (glp_intopt(lp, &iocp) == 0 && glp_mip_status(lp) == GLP_OPT) {
			CHECK(p.pairing.status == PART_OPTIMAL);
			CHECK_INT_EQ(llround(glp_mip_obj_val(lp)), p.pairing.objective);
		} else {
			CHECK(p.pairing.status == PART_INFEASIBLE);
		}
		glp_delete_prob(lp);
		plan_free(&p);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	unlink(path);
	{
		struct snapshot s;
		struct snapshot_index ix;
		char err[256] = "";

		small_park(&s);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		CHECK(pairing_export_lp(&s, &ix, "/nonexistent-dir/x.lp", err, sizeof(err)) != 0);
		CHECK_STR_CONTAINS(err, "/nonexistent-dir/x.lp");
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
}

/* ------------------------------------------------------------------ */
/* Terms of a score                                                    */
/* ------------------------------------------------------------------ */

static void
test_terms(void)
{
	struct snapshot s;
	struct pair_terms t;
	static const char *const offers[] = {"托育", "法律服务", "托育"};
	static const char *const needs[] = {"养老", "托育", "法律服务", "养老"};

	small_park(&s);
	s.settings.w_need = 600;
	s.settings.w_distance = 400;
	s.settings.w_keep_pair = 300;
	codes_set(&s.enterprises[0].offers, offers, 3);
	codes_set(&s.communities[0].needs, needs, 4);
	pair_terms_compute(&s.settings, &s.enterprises[0], &s.communities[0], true, &t);
	CHECK_INT_EQ(t.needs_met, 2);
	CHECK(fabs(t.need_fit - 2.0 / 3.0) < 1e-12);
	CHECK(fabs(t.distance_m - ref_distance(31.170, 121.400, 31.170, 121.401)) < 1e-6);
	CHECK(fabs(t.prox - (1 - t.distance_m / 3000)) < 1e-12);
	CHECK_INT_EQ(t.base, lround(400 + 400 * t.prox));
	CHECK_INT_EQ(t.keep, 300);
	CHECK_INT_EQ(t.score, t.base + 300);
	/* no needs: need_fit 0; beyond the radius: prox 0 */
	s.communities[1].lat = 32.0;
	pair_terms_compute(&s.settings, &s.enterprises[0], &s.communities[1], false, &t);
	CHECK(t.need_fit == 0 && t.prox == 0 && t.base == 0 && t.keep == 0 && t.score == 0);
	snapshot_free(&s);
}

int
main(void)
{
	test_terms();
	test_grid();
	test_reasons();
	test_random(300);
	test_warm_start();
	test_medium_and_time_limit();
	test_flow_vs_mip(50);
	test_export();
	return check_done("test_pairing");
}
