/*
 * roster_interior.c - large rosters (docs/model.md §3): the LP relaxation
 * of the whole model by GLPK's interior-point method, far faster there
 * than its simplex, rounded into a roster and bettered by the one-period
 * LPs and a neighbourhood search; its row duals give a bound on R that
 * often proves the roster optimal, and fix columns no better roster uses.
 */
#include "roster_parts.h"

#include <math.h>
#include <string.h>

#include "lp.h"

/*
 * A bound on R from any row multipliers pi (here the interior point's row
 * duals times sign), by weak duality: with d = c − Aᵀpi, for every
 * feasible x,
 *   c·x = d·x + pi·(Ax)
 *       ≤ Σ_j max_{l_j ≤ x_j ≤ u_j} d_j x_j + Σ_i max_{L_i ≤ t ≤ U_i} pi_i t.
 * A multiplier whose sign meets an infinite row bound is taken as 0.
 * Valid whatever the quality of pi: a loose pi gives a loose bound.
 * reduced (1-based, may be NULL) receives d.  Returns INFINITY when out
 * of memory.
 */
static double
dual_bound(glp_prob *lp, double sign, double *reduced)
{
	int nr = glp_get_num_rows(lp), nc = glp_get_num_cols(lp);
	double *pi = roster_alloc((size_t)nr + 1, sizeof(*pi));
	double *val = roster_alloc((size_t)nr + 1, sizeof(*val));
	int *ind = roster_alloc((size_t)nr + 1, sizeof(*ind));
	double b = 0;

	if (pi == NULL || val == NULL || ind == NULL) {
		b = INFINITY;
		goto done;
	}
	for (int i = 1; i <= nr; i++) {
		int type = glp_get_row_type(lp, i);
		double v = sign * glp_ipt_row_dual(lp, i);
		bool has_ub = type == GLP_UP || type == GLP_DB || type == GLP_FX;
		bool has_lb = type == GLP_LO || type == GLP_DB || type == GLP_FX;

		if (!isfinite(v) || (v > 0 && !has_ub) || (v < 0 && !has_lb))
			v = 0;
		pi[i] = v;
		b += v > 0 ? v * glp_get_row_ub(lp, i) : (v < 0 ? v * glp_get_row_lb(lp, i) : 0);
	}
	for (int j = 1; j <= nc; j++) {
		int len = glp_get_mat_col(lp, j, ind, val), type = glp_get_col_type(lp, j);
		double d = glp_get_obj_coef(lp, j);

		for (int k = 1; k <= len; k++)
			d -= val[k] * pi[ind[k]];
		if (reduced != NULL)
			reduced[j] = d;
		if (d > 0 && type != GLP_UP && type != GLP_DB && type != GLP_FX) {
			b = INFINITY;
			goto done;
		}
		if (d < 0 && type != GLP_LO && type != GLP_DB && type != GLP_FX) {
			b = INFINITY;
			goto done;
		}
		b += d > 0 ? d * glp_get_col_ub(lp, j) : (d < 0 ? d * glp_get_col_lb(lp, j) : 0);
	}
done:
	free(pi);
	free(val);
	free(ind);
	return b;
}

/*
 * A neighbourhood search (in the manner of RINS): keep each instructor in
 * a period where the interior point and the roster in hand agree (settled,
 * [p*ni+i]), and let GLPK, with its presolver, solve the much smaller MIP
 * over the rest, for up to half the time left.  A better roster replaces
 * the one in zone_of.  Returns 0, or -1 when out of memory.
 */
static int
roster_neighbourhood(struct roster_model *m, const int32_t *settled, double deadline, int verbose)
{
	size_t npi = m->np * m->ni;
	int32_t *only = roster_alloc(npi, sizeof(*only));
	int32_t *saved = roster_alloc(npi, sizeof(*saved));
	double left = deadline - lp_now();
	int64_t before;
	glp_iocp ip;
	int term, rc = 0;

	if (only == NULL || saved == NULL) {
		rc = -1;
		goto done;
	}
	if (left < 0.2)
		goto done;
	for (size_t q = 0; q < npi; q++)
		only[q] = settled[q] == m->zone_of[q] ? settled[q] : NO_ZONE;
	roster_model_clear(m);
	m->only = only;
	rc = roster_model_build(m, false, 0, m->np, 0);
	m->only = NULL;
	if (rc != 0)
		goto done;
	glp_init_iocp(&ip);
	ip.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	ip.presolve = GLP_ON;
	ip.tm_lim = lp_time_limit_ms(left / 2);
	term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	(void)glp_intopt(m->lp, &ip);
	glp_term_out(term);
	if (glp_mip_status(m->lp) == GLP_OPT || glp_mip_status(m->lp) == GLP_FEAS) {
		memcpy(saved, m->zone_of, npi * sizeof(*saved));
		before = roster_objective(m);
		roster_model_read(m);
		if (roster_objective(m) < before)
			memcpy(m->zone_of, saved, npi * sizeof(*saved));
	}
	roster_model_clear(m);
done:
	free(only);
	free(saved);
	return rc;
}

/*
 * For a large model: the LP relaxation by GLPK's interior-point method,
 * far faster here than its simplex, gives a bound on R; its solution,
 * rounded (each instructor to the zone it holds most of, then the
 * full-time minimums restored) and bettered period by period, replaces the
 * roster in zone_of when it is better.  The whole model is rebuilt at the
 * end.  Returns 0, or -1 when out of memory.
 */
int
roster_interior(struct roster_model *m, const struct solver_options *opt, double deadline,
                double *bound)
{
	int verbose = opt->verbose;
	size_t npi = m->np * m->ni;
	int32_t *saved = roster_alloc(npi, sizeof(*saved));
	unsigned char *hall = roster_alloc(m->nz, 1);
	double *xcol_reduced = roster_alloc(npi * m->nz, sizeof(*xcol_reduced));
	int32_t *settled = roster_alloc(npi, sizeof(*settled));
	double *reduced = NULL, lagrange = INFINITY;
	int64_t before, need, can;
	glp_iptcp ip;
	int term, ret, rc = 0;
	bool ok = true;

	if (saved == NULL || hall == NULL || xcol_reduced == NULL || settled == NULL) {
		rc = -1;
		goto done;
	}
	for (size_t q = 0; q < npi; q++)
		settled[q] = NO_ZONE;
	glp_init_iptcp(&ip);
	ip.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	ret = glp_interior(m->lp, &ip);
	glp_term_out(term);
	/*
	 * GLPK's interior point may stop short of its tolerances (GLP_EINSTAB)
	 * right next to the optimum: its last point is still worth rounding,
	 * and its row duals still give a valid bound.
	 */
	if (ret != 0 && ret != GLP_EINSTAB && ret != GLP_ENOCVG)
		goto done;
	reduced = roster_alloc((size_t)m->ncols + 1, sizeof(*reduced));
	if (reduced == NULL) {
		rc = -1;
		goto done;
	}
	{
		double b1 = dual_bound(m->lp, 1.0, NULL), b2 = dual_bound(m->lp, -1.0, NULL);

		lagrange = dual_bound(m->lp, b1 <= b2 ? 1.0 : -1.0, reduced);
		if (lagrange < *bound)
			*bound = lagrange;
	}
	for (size_t q = 0; q < npi * m->nz; q++) {
		int col = m->xcol[q];

		/* Kept for the pruning below: the whole model is about to go. */
		xcol_reduced[q] =
		    col != 0 && glp_get_col_type(m->lp, col) != GLP_FX ? reduced[col] : 0.0;
	}
	memcpy(saved, m->zone_of, npi * sizeof(*saved));
	before = roster_objective(m);
	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			double best = -1;

			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];

				if (col != 0 && roster_placeable(m, p, i, z) &&
				    glp_ipt_col_prim(m->lp, col) > best) {
					best = glp_ipt_col_prim(m->lp, col);
					m->zone_of[pi_of(m, p, i)] = (int32_t)z;
				}
			}
			/* Where the interior point has made up its mind. */
			if (best > 0.9)
				settled[pi_of(m, p, i)] = m->zone_of[pi_of(m, p, i)];
		}
	for (size_t p = 0; p < m->np && ok; p++) {
		int f = roster_fill_fulltime(m, p, hall, &need, &can);

		if (f < 0) {
			rc = -1;
			goto done;
		}
		ok = f == 0;
	}
	roster_model_clear(m);
	if (ok && roster_by_period(m, deadline, opt, true, NULL) != 0) {
		rc = -1;
		goto done;
	}
	if (!ok || roster_objective(m) < before)
		memcpy(m->zone_of, saved, npi * sizeof(*saved));
	/*
	 * Reduced-cost fixing: a roster with x_izp = 1 is worth at most
	 * lagrange + d_izp (d < 0).  Below the roster in hand, no better roster
	 * uses x_izp: leave it out of the model GLPK searches.  The roster in
	 * hand never uses such an x (its R would be below itself).
	 */
	if (isfinite(lagrange)) {
		double best = (double)roster_objective(m);

		for (size_t q = 0; q < npi * m->nz; q++)
			if (xcol_reduced[q] < 0 && lagrange + xcol_reduced[q] < best - 1e-6)
				m->pruned[q] = 1;
	}
	if (roster_neighbourhood(m, settled, deadline, verbose) != 0)
		rc = -1;
done:
	if (m->lp == NULL && rc == 0 && roster_model_build(m, false, 0, m->np, 0) != 0)
		rc = -1;
	free(saved);
	free(hall);
	free(xcol_reduced);
	free(settled);
	free(reduced);
	return rc;
}
