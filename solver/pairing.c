/*
 * pairing.c - the pairing (结对共建, docs/model.md §2): pairing_solve()
 * reads off the data what makes it infeasible, else solves it and stores
 * the plan part.
 *
 * Without max_changes the pairing is a min-cost flow (pairing_flow.c,
 * LEMON's network simplex): a proven optimum in seconds where the
 * branch-and-cut stops at its time limit.  With max_changes, the same flow
 * under a Lagrangian multiplier on its one side row (pairing_lagrange.c).
 * The branch-and-cut on the whole model (pairing_model.c) stays for
 * numbers beyond the flow's bounds, as the tests' cross-check (force_mip
 * makes it serve always) and for the LP export.
 */
#include "pairing_parts.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver.h"

int
pairing_solve(const struct snapshot *s, const struct snapshot_index *ix,
              const struct solver_options *opt, struct plan *out)
{
	struct plan_part *part = &out->pairing;
	struct pairing_data d;
	struct lp_search sr;
	unsigned char *chosen = NULL, *warm = NULL;
	size_t *buf = NULL;
	const char *method = "";
	char method_buf[sizeof(part->method)];
	bool verbose = opt != NULL && opt->verbose;
	bool warm_ok = false;
	int direct, rc = 0;
	double lp_bound = INFINITY;
	enum pairing_run r;

	lp_search_start(&sr, opt, "pairing",
	                s->settings.time_limit_s > 0 ? s->settings.time_limit_s : INFINITY);
	part->status = PART_NOT_RUN;
	part->objective = 0;
	part->bound = 0;
	part->gap = 0;

	if (pairing_data_build(&d, s, ix) != 0) {
		part->status = PART_ERROR;
		plan_part_add_reason(part, "out of memory building the pairing candidates");
		part->seconds = lp_now() - sr.started;
		return -1;
	}
	direct = pairing_reasons_direct(&d, part);
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
	if ((opt == NULL || !opt->force_mip) && s->settings.max_changes < 0) {
		switch (pairing_flow_solve(&d, chosen, buf)) {
		case PAIRING_FLOW_OPTIMAL:
			snprintf(method_buf, sizeof(method_buf), "min-cost flow (%s)",
			         pairing_net_method());
			method = method_buf;
			part->status = PART_OPTIMAL;
			goto solved;
		case PAIRING_FLOW_INFEASIBLE:
			part->status = PART_INFEASIBLE;
			plan_part_add_reason(part, "no pairing meets the pins, forbids and limits");
			goto done;
		case PAIRING_FLOW_FAILED:
			break;
		}
	} else if (opt == NULL || !opt->force_mip) {
		double fb = INFINITY;

		switch (pairing_lagrange(&d, &sr, verbose, chosen, &fb, method_buf,
		                         sizeof(method_buf), part)) {
		case PAIRING_RUN_OPTIMAL:
		case PAIRING_RUN_FEASIBLE:
			method = method_buf;
			part->status =
			    fb <= (double)pairing_value(&d, chosen) ? PART_OPTIMAL : PART_FEASIBLE;
			/* stopped early: the greedy plan may still be better */
			if (part->status == PART_FEASIBLE && pairing_warm_start(&d, warm, buf) &&
			    pairing_value(&d, warm) > pairing_value(&d, chosen))
				memcpy(chosen, warm, d.pc.n);
			if (fb < sr.bound)
				sr.bound = fb;
			goto solved;
		case PAIRING_RUN_INFEASIBLE:
			method = method_buf;
			part->status = PART_INFEASIBLE;
			goto done;
		default:
			break; /* the branch-and-cut on the whole model */
		}
	}
	method = "branch-and-cut";
	warm_ok = pairing_warm_start(&d, warm, buf);
	r = pairing_mip(&d, &sr, verbose, warm_ok ? warm : NULL, chosen, &lp_bound, part);
	switch (r) {
	case PAIRING_RUN_OPTIMAL:
	case PAIRING_RUN_FEASIBLE:
		if (!pairing_feasible(&d, chosen, buf)) {
			part->status = PART_ERROR;
			plan_part_add_reason(
			    part, "GLPK returned a pairing that breaks the model's rows");
			goto done;
		}
		part->status = r == PAIRING_RUN_OPTIMAL ? PART_OPTIMAL : PART_FEASIBLE;
		/* stopped before the warm start was offered: keep the better plan */
		if (r == PAIRING_RUN_FEASIBLE && warm_ok &&
		    pairing_value(&d, warm) > pairing_value(&d, chosen))
			memcpy(chosen, warm, d.pc.n);
		break;
	case PAIRING_RUN_NO_INCUMBENT:
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
	case PAIRING_RUN_INFEASIBLE:
		part->status = PART_INFEASIBLE;
		if (part->n_reasons == 0)
			plan_part_add_reason(part, "no pairing meets the pins, forbids and limits");
		goto done;
	case PAIRING_RUN_NO_MEMORY:
		goto oom;
	default:
		part->status = PART_ERROR;
		plan_part_add_reason(part, "GLPK failed to solve the pairing model");
		goto done;
	}

solved:
	part->objective = pairing_value(&d, chosen);
	if (part->status == PART_OPTIMAL) {
		part->bound = (double)part->objective;
	} else {
		double b = sr.bound;

		if (lp_bound < b)
			b = lp_bound;
		if (isinf(b))
			b = pairing_quick_bound(&d);
		if (b < (double)part->objective)
			b = (double)part->objective;
		part->bound = b;
	}
	part->gap = fabs(part->bound - (double)part->objective) /
	            (fabs((double)part->objective) + DBL_EPSILON);
	if (part->status == PART_OPTIMAL)
		part->gap = 0;
	if (pairing_store(&d, chosen, out) != 0)
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
	free(chosen);
	free(warm);
	free(buf);
	pairing_data_free(&d);
	return rc;
}
