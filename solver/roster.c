/*
 * roster.c - the instructor roster (docs/model.md §3): roster_solve()
 * chooses the path and states the plan part.
 *
 * The search: a first roster (each instructor where the plan in force had
 * them, then the full-time minimums met by an augmenting-path matching),
 * bettered period by period, each period's best with the others held
 * found as a min-cost flow (roster_flow.c, LEMON); then column generation
 * over each instructor's path through the periods (roster_paths.c,
 * roster_master.c), whose Lagrangian bound is the LP relaxation of the
 * whole model once it converges: on the sample district and city that
 * relaxation is integral, so the bound proves the roster or leaves a
 * gap of hundredths of a percent.  When the bound is not met and the
 * whole model fits, GLPK's branch-and-cut on it continues from the roster
 * in hand with the paths' bound.
 *
 * The whole model alone (force_mip, the tests' cross-check): the first
 * roster bettered by one-period LPs; for large models the LP relaxation
 * by interior point, rounded, gives a better roster and a bound; then
 * GLPK's branch-and-cut on the whole model, warm-started with the roster
 * in hand.
 *
 * When neither the paths' masters nor the whole model fit in the memory
 * left (what the caller says is left, roster_memory_budget()) or in the
 * time left, no model is built: the first roster is bettered by moves and
 * swaps, by the one-period LPs (over each instructor's best zones when a
 * period is too large) and by moves and swaps again, and a Lagrangian
 * bound (roster_lagrangian_bound()) states the gap; the status is then
 * feasible, or optimal when the bound meets the roster.
 *
 * The plan part's method names the path taken: "column generation
 * (instructor paths)" (the paths' bound settled it), "column generation +
 * branch-and-cut" (the whole model's search went on from there), "local
 * search with Lagrangian bound" (no model fitted), "branch-and-cut"
 * (GLPK's search ran), "LP rounding" (the interior point ran, and its
 * bound proved the roster or the time ran out before the search),
 * "one-period LPs" (the time ran out in the root LP), "first roster"
 * (nobody to place); "" when the infeasibility is read off the data.
 */
#include "roster_parts.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp.h"

/* Above this many rows GLPK's simplex is slow on the whole model: see roster_interior(). */
#define ROSTER_LARGE_ROWS 5000

/*
 * Seconds the whole model takes per non-zero, from building it to the
 * proof (interior point, rounding, neighbourhood, branch and cut): about
 * 1.4e-5 on the district sample (190 000 non-zeros), doubled for a busy
 * machine.  With less time left than this, the whole model is not built.
 */
#define ROSTER_SECONDS_PER_NNZ 2e-5

/* ------------------------------------------------------------------ */
/* The search                                                          */
/* ------------------------------------------------------------------ */

struct roster_search {
	struct lp_search sr; /* sr.bound: the best bound seen (an upper bound on R) */
	bool proven;         /* stopped: no integral objective above the incumbent remains */
};

static void
search_callback(glp_tree *tree, void *info)
{
	struct roster_search *rs = info;
	int reason = glp_ios_reason(tree);
	double best;

	if (lp_search_offer_warm(&rs->sr, tree))
		return;
	if (reason != GLP_ISELECT && reason != GLP_IBINGO)
		return;
	best = lp_tree_best(tree);
	if (reason == GLP_ISELECT) {
		double b = lp_tree_bound(tree);

		if (!isnan(b)) {
			if (!isnan(best) && b < best)
				b = best;
			if (b < rs->sr.bound)
				rs->sr.bound = b;
		}
		/*
		 * Every coefficient of R is an integer: once the bound is below
		 * the incumbent plus one, no better roster remains.
		 */
		if (!isnan(best) && rs->sr.bound < best + 1.0 - 1e-6 - 1e-9 * fabs(best)) {
			rs->proven = true;
			rs->sr.bound = best;
			glp_ios_terminate(tree);
			return;
		}
	}
	if (lp_search_due(&rs->sr, tree))
		lp_search_report(&rs->sr, lp_search_fraction(&rs->sr), best, rs->sr.bound);
}

int
roster_solve(const struct snapshot *s, const struct snapshot_index *ix,
             const struct solver_options *opt, struct plan *out)
{
	const struct settings *st = &s->settings;
	struct solver_options none = {0};
	struct roster_model m;
	struct roster_search rs;
	struct plan_part *part = &out->roster;
	double *warm = NULL, t0 = lp_now(), deadline, budget;
	const char *method = "";
	int n_reasons = 0, first, ret;
	struct roster_size full;
	bool any = false, limited, whole_fits, by_paths = false;
	int rc = -1;

	if (opt == NULL)
		opt = &none;
	free(out->assignments);
	free(out->coverage);
	out->assignments = NULL;
	out->coverage = NULL;
	out->n_assignments = out->n_coverage = 0;
	part->status = PART_ERROR;
	part->objective = 0;
	part->bound = 0;
	part->gap = 0;
	lp_search_start(&rs.sr, opt, "roster", st->time_limit_s);
	rs.proven = false;
	if (roster_model_setup(&m, s, ix) != 0)
		return -1;
	for (size_t q = 0; q < m.np * m.ni; q++)
		any = any || m.rd.available[q];
	if (any && m.nz == 0) {
		roster_reason_no_zone(part);
		part->status = PART_INFEASIBLE;
		rc = 0;
		goto done;
	}
	first = roster_first(&m, part, &n_reasons);
	if (first < 0)
		goto done;
	if (first > 0) {
		/* The reasons name each period; the seats are still worth showing. */
		for (size_t q = 0; q < m.np * m.ni; q++)
			m.zone_of[q] = NO_ZONE;
		part->status = PART_INFEASIBLE;
		rc = roster_output(&m, out) == 0 ? 0 : -1;
		goto done;
	}
	deadline = st->time_limit_s > 0 ? t0 + st->time_limit_s : INFINITY;
	full = roster_model_count(&m, 0, m.np);
	budget = roster_memory_budget(opt, &limited);
	part->memory_budget_mib = limited ? budget / ROSTER_MIB : 0;
	whole_fits = roster_model_bytes(full, full.rows > ROSTER_LARGE_ROWS) <= budget &&
	             full.nnz * ROSTER_SECONDS_PER_NNZ <= deadline - lp_now();
	if (!opt->force_mip && roster_paths_bytes(&m) <= budget) {
		struct roster_paths_log log;
		double pb = INFINITY, left = deadline - lp_now();
		int r;

		/* a good roster first: each period's best with the others held, by flows */
		if (roster_by_flows(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline, 1) != 0)
			goto done;
		left = deadline - lp_now();
		r = roster_by_paths(&m, opt, isfinite(left) ? lp_now() + left * 0.95 : deadline,
		                    &pb, &log);
		if (r < 0)
			goto done;
		if (r == 0) {
			left = deadline - lp_now();
			if (roster_local(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline) !=
			    0)
				goto done;
			part->objective = roster_objective(&m);
			rs.sr.bound = pb;
			method = "column generation (instructor paths)";
			if (floor(pb + 1e-6) <= (double)part->objective || !whole_fits ||
			    lp_now() >= deadline) {
				part->status = PART_FEASIBLE; /* optimal when the bound meets it */
				goto settle;
			}
			/* the bound not met: the whole model's branch-and-cut from here */
			by_paths = true;
		}
	}
	if (!whole_fits) {
		/*
		 * The whole model would not fit in the memory or the time
		 * left (nor the paths' master): the first roster bettered by
		 * moves and swaps, then by the one-period LPs (over each
		 * instructor's best zones when a period is too large), then by
		 * moves and swaps again, with a Lagrangian bound, so that the gap
		 * says how far it may be from optimal.  Each step has its share
		 * of the time.
		 */
		double left = deadline - lp_now();
		int32_t *saved = roster_alloc(m.np * m.ni, sizeof(*saved));
		int64_t before;

		if (saved == NULL ||
		    roster_local(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline) != 0) {
			free(saved);
			goto done;
		}
		/*
		 * The first pass of the period LPs may give up stays for a
		 * better roster later on; when the time runs out before that,
		 * the roster from the moves and swaps stands.
		 */
		memcpy(saved, m.zone_of, m.np * m.ni * sizeof(*saved));
		before = roster_objective(&m);
		if (roster_by_period(&m, isfinite(left) ? lp_now() + left * 0.65 : deadline, opt,
		                     false, NULL) != 0 ||
		    roster_local(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline) != 0) {
			free(saved);
			goto done;
		}
		if (roster_objective(&m) < before)
			memcpy(m.zone_of, saved, m.np * m.ni * sizeof(*saved));
		free(saved);
		part->objective = roster_objective(&m);
		rs.sr.bound = roster_lagrangian_bound(&m, (double)part->objective, deadline);
		part->status = PART_FEASIBLE;
		method = "local search with Lagrangian bound";
		goto settle;
	}
	method = "one-period LPs";
	if (!by_paths && roster_by_period(&m, deadline, opt, false, NULL) != 0)
		goto done;
	if (roster_model_build(&m, false, 0, m.np, 0) != 0)
		goto done;
	if (m.ncols > 0 && glp_get_num_rows(m.lp) > ROSTER_LARGE_ROWS) {
		method = "LP rounding";
		if (roster_interior(&m, opt, deadline, &rs.sr.bound) != 0)
			goto done;
	}
	warm = roster_model_point(&m);
	if (warm == NULL)
		goto done;
	rs.sr.warm = warm;
	part->objective = roster_objective(&m); /* the first roster, until GLPK betters it */

	if (m.ncols > 0 && rs.sr.bound < (double)part->objective + 1.0 - 1e-6) {
		/* The interior-point bound proves the first roster optimal. */
		part->status = PART_OPTIMAL;
	} else {
		glp_smcp sp;
		glp_iocp ip;
		double left;
		bool glpk_has = false;
		int term;

		glp_init_smcp(&sp);
		sp.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
		sp.presolve = GLP_OFF;
		left = deadline - lp_now();
		sp.tm_lim = lp_time_limit_ms(left > 0.001 ? left : 0.001);
		ret = m.ncols > 0 ? glp_simplex(m.lp, &sp) : 0;
		if (m.ncols == 0) {
			/* Nobody is available in any period: the empty roster. */
			method = "first roster";
			part->status = PART_OPTIMAL;
			part->bound = (double)part->objective;
		} else if (ret == 0 && glp_get_status(m.lp) == GLP_NOFEAS) {
			/* Not reached: the diagnosis above is complete. */
			method = "branch-and-cut";
			roster_reason_no_roster(part);
			part->status = PART_INFEASIBLE;
		} else if (ret == 0 && glp_get_status(m.lp) == GLP_OPT) {
			method = "branch-and-cut";
			if (glp_get_obj_val(m.lp) < rs.sr.bound)
				rs.sr.bound = glp_get_obj_val(m.lp);
			glp_init_iocp(&ip);
			ip.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
			ip.presolve = GLP_OFF; /* keep the columns as built, for the warm start */
			ip.mip_gap = st->mip_gap > 0 ? st->mip_gap : 0.0;
			left = deadline - lp_now();
			ip.tm_lim = lp_time_limit_ms(left > 0.001 ? left : 0.001);
			ip.cb_func = search_callback;
			ip.cb_info = &rs;
			ip.gmi_cuts = GLP_ON;
			ip.mir_cuts = GLP_ON;
			ip.clq_cuts = GLP_ON;
			/* GLPK's cut generators print regardless of msg_lev. */
			term = glp_term_out(opt->verbose ? GLP_ON : GLP_OFF);
			ret = glp_intopt(m.lp, &ip);
			glp_term_out(term);
			if (glp_mip_status(m.lp) == GLP_OPT || glp_mip_status(m.lp) == GLP_FEAS)
				glpk_has = true;
			if (glpk_has)
				roster_model_read(&m);
			if (glpk_has && (ret == 0 || (ret == GLP_ESTOP && rs.proven)) &&
			    (glp_mip_status(m.lp) == GLP_OPT || rs.proven)) {
				part->status = PART_OPTIMAL;
			} else if (ret == 0 && glp_mip_status(m.lp) == GLP_NOFEAS) {
				roster_reason_no_roster(part);
				part->status = PART_INFEASIBLE;
			} else if (ret == 0 || ret == GLP_ETMLIM || ret == GLP_EMIPGAP ||
			           ret == GLP_ESTOP) {
				part->status =
				    PART_FEASIBLE; /* GLPK's incumbent, or the first roster */
			} else {
				plan_part_add_reason(
				    part,
				    "GLPK failed in the roster search (glp_intopt returned %d)",
				    ret);
				part->status = PART_ERROR;
			}
			if (part->status == PART_OPTIMAL || part->status == PART_FEASIBLE)
				part->objective = roster_objective(&m);
		} else if (ret == GLP_ETMLIM) {
			/* The time limit ran out in the root LP: the first roster stands. */
			if (roster_trivial_bound(&m) < rs.sr.bound)
				rs.sr.bound = roster_trivial_bound(&m);
			part->status = PART_FEASIBLE;
		} else {
			method = "branch-and-cut";
			plan_part_add_reason(part,
			                     "GLPK failed on the roster's LP relaxation "
			                     "(glp_simplex returned %d, status %d)",
			                     ret, glp_get_status(m.lp));
			part->status = PART_ERROR;
		}
	}
settle:
	if (by_paths && method[0] != 'c')
		method = "column generation + branch-and-cut";
	if (part->status == PART_OPTIMAL) {
		part->bound = (double)part->objective;
		part->gap = 0;
	} else if (part->status == PART_FEASIBLE) {
		double b = floor(rs.sr.bound + 1e-6);

		if (!isfinite(b))
			b = roster_trivial_bound(&m);
		part->bound = b;
		part->gap = fabs(b - (double)part->objective) /
		            (fabs((double)part->objective) + DBL_EPSILON);
		if (b <= (double)part->objective) {
			part->status = PART_OPTIMAL;
			part->bound = (double)part->objective;
			part->gap = 0;
		}
	}
	if (part->status != PART_OPTIMAL && part->status != PART_FEASIBLE)
		for (size_t q = 0; q < m.np * m.ni; q++)
			m.zone_of[q] = NO_ZONE;
	rc = roster_output(&m, out) == 0 ? 0 : -1;
done:
	(void)n_reasons;
	snprintf(part->method, sizeof(part->method), "%s", method);
	part->seconds = lp_now() - t0;
	if (rc == 0)
		lp_search_report(&rs.sr, 1.0,
		                 part->status == PART_OPTIMAL || part->status == PART_FEASIBLE
		                     ? (double)part->objective
		                     : NAN,
		                 part->status == PART_OPTIMAL || part->status == PART_FEASIBLE
		                     ? part->bound
		                     : NAN);
	free(warm);
	roster_model_free(&m);
	return rc;
}
