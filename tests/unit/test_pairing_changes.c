/*
 * test_pairing_changes.c - max_changes and diverse_industries on the
 * min-cost flow (docs/model.md §2.4-§2.6), against the brute force of
 * pairing_ref.h and against GLPK's branch-and-cut on the whole model.
 *
 *  - max_changes on both sides of the multiplier: for random small
 *    snapshots every max_changes from "changes nothing" down to "cannot be
 *    met", each solved by pairing_solve() and by the brute force; the
 *    optimum, the status and the plan's rows must agree, and both a row
 *    that binds (the multiplier search) and one that does not occur;
 *  - diverse_industries on the flow, with few industries so that the
 *    (community, industry) limits bite, against the brute force;
 *  - medium snapshots with a stale plan in force: the multiplier search
 *    and the forced branch-and-cut reach the same proven optimum;
 *  - max_changes that cannot be met: the reason says how many pairs must
 *    change at least and names the limits that hold them back.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "index.h"
#include "pairing_candidates.h"
#include "pairing_ref.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

/* A small snapshot with many pairs of the plan in force, max_changes left open. */
static void
changes_snapshot(struct snapshot *s, int industries)
{
	size_t ne = 3 + (size_t)rnd(4), nc = 2 + (size_t)rnd(3), e, c;

	snap_alloc(s, ne, nc, ne * nc, ne * nc);
	s->settings.pair_radius_m = 2500 + 1500 * rndf();
	s->settings.w_need = 800 * rndf();
	s->settings.w_distance = 600 * rndf();
	s->settings.w_keep_pair = rnd(3) == 0 ? 0 : rnd(150);
	s->settings.w_uncovered = rnd(2) == 0 ? 0 : 50 + rnd(500);
	s->settings.diverse_industries = rnd(3) == 0;
	s->settings.max_changes = -1;
	s->settings.time_limit_s = 30;
	for (e = 0; e < ne; e++) {
		set_enterprise(s, e, 1 + (int64_t)e, 31.15 + 0.04 * rndf(), 121.38 + 0.04 * rndf(),
		               industry_pool[rnd(industries)], 1 + (rnd(4) == 0));
		random_codes(&s->enterprises[e].offers);
	}
	for (c = 0; c < nc; c++) {
		int64_t lo = rnd(2);

		set_community(s, c, 100 + (int64_t)c, 31.15 + 0.04 * rndf(), 121.38 + 0.04 * rndf(),
		              lo, lo + 1 + rnd(2));
		random_codes(&s->communities[c].needs);
	}
	for (e = 0; e < ne; e++)
		for (c = 0; c < nc; c++) {
			if (rnd(100) < 35)
				add_prev(s, s->enterprises[e].id, s->communities[c].id);
			if (rnd(100) < 4)
				add_rule(s, RULE_FORBID_PAIR, s->enterprises[e].id,
				         s->communities[c].id);
		}
}

/* The brute force's optimum under the snapshot's max_changes. */
static bool
brute_force(const struct snapshot *s, int64_t *best, int64_t *n_prev, int64_t *dropped)
{
	struct ref *r = xcalloc(1, sizeof(*r));
	bool feasible;
	size_t i;

	ref_candidates(r, s);
	CHECK(r->n <= 64);
	ref_search(r, 0);
	feasible = r->feasible;
	*best = r->best;
	*n_prev = (int64_t)r->n_prev;
	*dropped = (int64_t)r->n_prev;
	for (i = 0; i < r->n; i++)
		*dropped -= r->v[i].previous && r->best_chosen[i];
	free(r);
	return feasible;
}

static void
test_both_sides(int count)
{
	int k, binding = 0, loose = 0, infeasible = 0, proven_by_face = 0, by_mip = 0;

	for (k = 0; k < count; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		int64_t best0, n_prev, dropped0, mc;

		rng_state = 0xc4a9 + (uint64_t)k * 6151;
		changes_snapshot(&s, 3);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		if (!brute_force(&s, &best0, &n_prev, &dropped0) || n_prev == 0) {
			snapshot_index_free(&ix);
			snapshot_free(&s);
			continue;
		}
		/* from a max_changes that changes nothing down to 0 */
		for (mc = n_prev; mc >= 0; mc--) {
			struct plan p;
			int64_t best, np, dropped, value;
			bool feasible;

			s.settings.max_changes = mc;
			feasible = brute_force(&s, &best, &np, &dropped);
			plan_init(&p);
			CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
			if (!feasible) {
				infeasible++;
				CHECK_MSG(
				    p.pairing.status == PART_INFEASIBLE,
				    "seed %d, max_changes %lld: %s, the brute force finds none", k,
				    (long long)mc, part_status_name(p.pairing.status));
				CHECK(p.pairing.n_reasons > 0);
				plan_free(&p);
				break;
			}
			CHECK_MSG(p.pairing.status == PART_OPTIMAL && p.pairing.objective == best,
			          "seed %d, max_changes %lld: %s P = %lld (%s), brute force %lld",
			          k, (long long)mc, part_status_name(p.pairing.status),
			          (long long)p.pairing.objective, p.pairing.method,
			          (long long)best);
			CHECK(by_min_cost_flow(&p.pairing));
			CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
			CHECK_INT_EQ(value, p.pairing.objective);
			CHECK(p.pairing.gap == 0 && p.pairing.bound == (double)best);
			if (best < best0) {
				binding++;
				CHECK(by_lagrange(&p.pairing));
			} else {
				loose++;
			}
			if (by_lagrange(&p.pairing))
				proven_by_face +=
				    strstr(p.pairing.method, "branch-and-cut") == NULL;
			by_mip += strstr(p.pairing.method, "branch-and-cut") != NULL;
			plan_free(&p);
		}
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("max_changes: %d solves where the row binds, %d where it does not, %d where it "
	       "cannot be met; the multiplier proved %d, the reduced branch-and-cut %d\n",
	       binding, loose, infeasible, proven_by_face, by_mip);
	CHECK(binding > count / 4);
	CHECK(loose > count / 4);
	CHECK(infeasible > 0);
}

static void
test_diverse_on_flow(int count)
{
	int k, agree = 0, groups_bite = 0;

	for (k = 0; k < count; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan p;
		int64_t best, n_prev, dropped, value, plain;
		bool feasible;

		rng_state = 0xd1e5 + (uint64_t)k * 7907;
		changes_snapshot(&s, 2);
		s.settings.diverse_industries = true;
		if (rnd(2) == 0)
			s.settings.max_changes = rnd(3);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		feasible = brute_force(&s, &best, &n_prev, &dropped);
		plan_init(&p);
		CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
		if (!feasible) {
			CHECK(p.pairing.status == PART_INFEASIBLE);
		} else {
			CHECK_MSG(p.pairing.status == PART_OPTIMAL && p.pairing.objective == best,
			          "seed %d: %s P = %lld, brute force %lld", k,
			          part_status_name(p.pairing.status),
			          (long long)p.pairing.objective, (long long)best);
			CHECK(by_min_cost_flow(&p.pairing));
			CHECK_INT_EQ(check_plan_rows(&s, &p, &value), 0);
			agree += p.pairing.objective == best;
			/* the same snapshot without the rule: does it change the optimum? */
			s.settings.diverse_industries = false;
			if (brute_force(&s, &plain, &n_prev, &dropped) && plain > best)
				groups_bite++;
		}
		plan_free(&p);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("diverse_industries on the flow: %d of %d agree with the brute force, the rule "
	       "lowers the optimum in %d\n",
	       agree, count, groups_bite);
	CHECK(agree > count / 2);
	CHECK(groups_bite > count / 10);
}

/* A medium snapshot whose plan in force came from other data: many of its pairs are poor now. */
static void
stale_snapshot(struct snapshot *s, size_t ne, size_t nc, int k)
{
	size_t e, c;
	int i;

	snap_alloc(s, ne, nc, 8, 200);
	s->settings.diverse_industries = k % 2 == 0;
	s->settings.w_keep_pair = 50 + rnd(200);
	s->settings.time_limit_s = 60;
	for (e = 0; e < ne; e++) {
		set_enterprise(s, e, 1 + (int64_t)e, 31.15 + 0.05 * rndf(), 121.38 + 0.05 * rndf(),
		               industry_pool[rnd(3)], rnd(6) == 0 ? 0 : 1 + (rnd(6) == 0));
		random_codes(&s->enterprises[e].offers);
	}
	for (c = 0; c < nc; c++) {
		set_community(s, c, 1 + (int64_t)c, 31.15 + 0.05 * rndf(), 121.38 + 0.05 * rndf(),
		              1 + rnd(2), 3);
		random_codes(&s->communities[c].needs);
	}
	for (i = 0; i < 120; i++)
		add_prev(s, 1 + rnd((int)ne), 1 + rnd((int)nc));
}

static void
test_medium_vs_mip(int count)
{
	int k, same = 0, binding = 0, infeasible = 0;
	double t_flow = 0, t_mip = 0;

	for (k = 0; k < count; k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan pf, pm, p0;
		int64_t vf, vm;

		rng_state = 0x57a1e + (uint64_t)k * 3571;
		stale_snapshot(&s, 400, 40, k);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		/* how many the best pairing drops without the row; then allow a part of it */
		plan_init(&p0);
		CHECK(pairing_solve(&s, &ix, NULL, &p0) == 0);
		{
			size_t i, j, kept = 0, n_prev = 0;

			for (i = 0; i < s.n_prev_pairs; i++) {
				for (j = 0; j < i; j++)
					if (s.prev_pairs[j].a == s.prev_pairs[i].a &&
					    s.prev_pairs[j].b == s.prev_pairs[i].b)
						break;
				if (j < i)
					continue;
				n_prev++;
				for (j = 0; j < p0.n_pairs; j++)
					kept += p0.pairs[j].enterprise_id == s.prev_pairs[i].a &&
					        p0.pairs[j].community_id == s.prev_pairs[i].b;
			}
			s.settings.max_changes = (int64_t)(n_prev - kept) * (1 + k % 3) / 4;
		}
		plan_init(&pf);
		plan_init(&pm);
		CHECK(pairing_solve(&s, &ix, NULL, &pf) == 0);
		CHECK(pairing_solve(&s, &ix, &(struct solver_options){.force_mip = true}, &pm) ==
		      0);
		CHECK_MSG(pf.pairing.status == pm.pairing.status, "instance %d: flow %s, MIP %s", k,
		          part_status_name(pf.pairing.status), part_status_name(pm.pairing.status));
		if (pm.pairing.status == PART_INFEASIBLE) {
			/* more pairs of the plan in force exceed their limits than max_changes
			 * allows */
			infeasible++;
			CHECK_REASON(&pf.pairing, "must change");
		} else {
			CHECK(pf.pairing.status == PART_OPTIMAL &&
			      pm.pairing.status == PART_OPTIMAL);
			CHECK(by_min_cost_flow(&pf.pairing));
			CHECK(by_branch_and_cut(&pm.pairing));
			CHECK_INT_EQ(check_plan_rows(&s, &pf, &vf), 0);
			CHECK_INT_EQ(check_plan_rows(&s, &pm, &vm), 0);
			CHECK_MSG(vf == vm, "instance %d: multiplier P = %lld, MIP P = %lld", k,
			          (long long)vf, (long long)vm);
			same += vf == vm;
			binding += vf < p0.pairing.objective;
		}
		t_flow += pf.pairing.seconds;
		t_mip += pm.pairing.seconds;
		plan_free(&p0);
		plan_free(&pf);
		plan_free(&pm);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("stale plans, max_changes: %d of %d with the branch-and-cut's optimum, %d "
	       "infeasible for both, the row binds in %d (multiplier %.2f s, MIP %.2f s in all)\n",
	       same, count, infeasible, binding, t_flow, t_mip);
	CHECK_INT_EQ(same + infeasible, count);
	CHECK(binding > count / 3);
}

static void
test_cannot_be_met(void)
{
	struct snapshot s;
	struct snapshot_index ix;
	struct plan p;
	size_t i;

	/* community 7 takes 1 partner but had 3; enterprise 12 takes 1 but had 2 */
	snap_alloc(&s, 4, 3, 2, 8);
	for (i = 0; i < 4; i++)
		set_enterprise(&s, i, 12 + (int64_t)i, 31.170 + 0.001 * (double)i, 121.400, "软件",
		               1);
	set_community(&s, 0, 7, 31.170, 121.401, 1, 1);
	set_community(&s, 1, 8, 31.171, 121.401, 1, 3);
	set_community(&s, 2, 9, 31.172, 121.401, 1, 3);
	add_prev(&s, 13, 7);
	add_prev(&s, 14, 7);
	add_prev(&s, 15, 7);
	add_prev(&s, 12, 8);
	add_prev(&s, 12, 9);
	s.settings.max_changes = 1;
	CHECK(snapshot_index_build(&s, &ix) == 0);
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	CHECK(p.pairing.status == PART_INFEASIBLE);
	for (i = 0; i < p.pairing.n_reasons; i++)
		printf("  reason: %s\n", p.pairing.reasons[i]);
	CHECK_REASON(&p.pairing, "at most 2 of the 5 pairs of the plan in force can be kept");
	CHECK_REASON(&p.pairing, "at least 3 must change");
	CHECK_REASON(&p.pairing, "community 7 (max_partners 1, 3 pairs in force)");
	CHECK_REASON(&p.pairing, "enterprise 12 (max_communities 1, 2 pairs in force)");
	plan_free(&p);
	/* three changes allowed: feasible, and every pair of the plan in force it can keep kept */
	s.settings.max_changes = 3;
	plan_init(&p);
	CHECK(pairing_solve(&s, &ix, NULL, &p) == 0);
	CHECK(p.pairing.status == PART_OPTIMAL);
	plan_free(&p);
	snapshot_index_free(&ix);
	snapshot_free(&s);
}

int
main(void)
{
	test_cannot_be_met();
	test_both_sides(150);
	test_diverse_on_flow(200);
	test_medium_vs_mip(16);
	return check_done("test_pairing_changes");
}
