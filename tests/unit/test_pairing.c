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
#include "pairing_candidates.h"
#include "pairing_ref.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

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
		CHECK_MSG(by_min_cost_flow(&p.pairing) ||
		              (p.pairing.status == PART_INFEASIBLE &&
		               (p.pairing.method[0] == '\0' || by_lagrange(&p.pairing))),
		          "seed %d: method \"%s\", status %s", k, p.pairing.method,
		          part_status_name(p.pairing.status));
		if (by_min_cost_flow(&p.pairing)) {
			by_flow++;
			/* the multiplier only where max_changes applies */
			CHECK_MSG(!by_lagrange(&p.pairing) || s.settings.max_changes >= 0,
			          "seed %d: a multiplier without max_changes", k);
			if (by_lagrange(&p.pairing))
				by_mip++;
		}
		if (r->feasible)
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
	       "solved on the min-cost flow %d, %d of them with max_changes's multiplier\n",
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
		/* the branch-and-cut's warm start: forced, as max_changes goes to the flow */
		struct solver_options opt = {
		    .progress = on_progress, .progress_arg = &pl, .force_mip = true};
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
	CHECK(by_lagrange(&p.pairing));
	CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
	CHECK_INT_EQ(value, p.pairing.objective);
	CHECK(pl.last_fraction == 1.0 && pl.last_best == (double)value);
	printf("medium: %zu pairs, P = %lld, %.3f s, %s\n", p.n_pairs, (long long)value,
	       p.pairing.seconds, p.pairing.method);
	optimum = p.pairing.objective;
	plan_free(&p);
	/* the branch-and-cut on the whole model agrees */
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, &(struct solver_options){.force_mip = true}, &p) == 0);
	CHECK(p.pairing.status == PART_OPTIMAL);
	CHECK(by_branch_and_cut(&p.pairing));
	CHECK_INT_EQ(p.pairing.objective, optimum);
	printf("medium, branch-and-cut: P = %lld, %.3f s\n", (long long)p.pairing.objective,
	       p.pairing.seconds);
	plan_free(&p);

	/* a limit far too short: a feasible plan (the warm start) and a valid bound */
	s.settings.time_limit_s = 0.0005;
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	printf("time limit: status %s, P = %lld, bound %.1f, gap %.4f\n",
	       part_status_name(p.pairing.status), (long long)p.pairing.objective, p.pairing.bound,
	       p.pairing.gap);
	CHECK(p.pairing.status == PART_FEASIBLE || p.pairing.status == PART_OPTIMAL);
	CHECK(by_lagrange(&p.pairing));
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
