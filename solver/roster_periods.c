/*
 * roster_periods.c - the roster in hand bettered period by period
 * (docs/model.md §3): one period alone, with the stay bonus for the zones
 * of the periods before and after, is a transportation problem, and
 * GLPK's simplex gives it an integral roster quickly even where the whole
 * model is slow.
 */
#include "roster_parts.h"

#include <math.h>
#include <string.h>

#include "lp.h"

/*
 * At most about this many x columns in a one-period LP: beyond, GLPK's
 * simplex takes longer than a solve has (at city scale it did not finish
 * a period of 400 000 columns in 15 s, and took 13 s over 60 000).
 */
#define ROSTER_PERIOD_COLS 20000.0

struct zone_score {
	int64_t score;
	int32_t z;
};

static int
zone_score_cmp(const void *a, const void *b)
{
	const struct zone_score *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1; /* best first */
	return (x->z > y->z) - (x->z < y->z);
}

/*
 * Leave out of period p's LP (in pruned, whose slice for p was clear) all
 * but each instructor's k best zones, by x_coef and the stay bonus, and its
 * zones in zone_of in p and the periods next to it: the roster in hand
 * stays a solution of the smaller LP, which can only better it.  Returns 0
 * or -1 (out of memory).
 */
static int
period_restrict(struct roster_model *m, size_t p, size_t k)
{
	struct zone_score *sc = roster_alloc(m->nz, sizeof(*sc));

	if (sc == NULL)
		return -1;
	for (size_t i = 0; i < m->ni; i++) {
		size_t n = 0;

		if (!m->rd.available[pi_of(m, p, i)])
			continue;
		for (size_t z = 0; z < m->nz; z++)
			if (m->allowed[piz_of(m, p, i, z)]) {
				sc[n].score = roster_place_value(m, p, i, z);
				sc[n].z = (int32_t)z;
				n++;
			}
		if (n <= k)
			continue;
		qsort(sc, n, sizeof(*sc), zone_score_cmp);
		for (size_t r = k; r < n; r++) {
			int32_t z = sc[r].z;

			if (z == m->zone_of[pi_of(m, p, i)] || z == m->pin[pi_of(m, p, i)] ||
			    (p > 0 && z == m->zone_of[pi_of(m, p - 1, i)]) ||
			    (p + 1 < m->np && z == m->zone_of[pi_of(m, p + 1, i)]))
				continue;
			m->pruned[piz_of(m, p, i, (size_t)z)] = 1;
		}
	}
	free(sc);
	return 0;
}

/*
 * Better the first roster period by period, in passes until a pass gains
 * nothing (at most four): one period alone, with the stay bonus for the
 * zones of the periods before and after, is a transportation
 * problem whose matrix is totally unimodular, so GLPK's simplex gives an
 * integral roster quickly even where the whole model is slow.  A period
 * whose LP fails or is not integral keeps its roster.  both: count the
 * period after from the first pass on (the roster in zone_of is worth
 * keeping), else only from the second.  A period whose LP would not fit
 * in the memory left (roster_memory_budget()) is skipped and *too_big (when not
 * NULL) set; each LP gets at most half the time left, so that what follows
 * keeps the other half.  Returns 0 or -1 (out of memory).
 */
int
roster_by_period(struct roster_model *m, double deadline, const struct solver_options *opt,
                 bool both, bool *too_big)
{
	int verbose = opt->verbose;
	int32_t *zone = roster_alloc(m->ni, sizeof(*zone));
	int term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	int64_t last = roster_objective(m);
	struct roster_size sz;
	double budget;
	bool restricted = false, limited;
	int rc = 0, ret;

	if (zone == NULL) {
		rc = -1;
		goto done;
	}
	for (size_t step = 0; step < m->np * 4; step++) {
		size_t p = step % m->np;
		double left = deadline - lp_now();
		glp_smcp sp;
		bool ok = true;

		if (p == 0 && step > 0) {
			int64_t r = roster_objective(m);

			if (r <= last)
				break; /* a pass over the periods changed nothing */
			last = r;
		}

		if (left <= 0)
			break;
		roster_model_clear(m);
		/*
		 * Too large for the memory left or for the time: only each
		 * instructor's best zones, as many as fit (pruned is clear here
		 * and cleared again after the build).
		 */
		sz = roster_model_count(m, p, p + 1);
		budget = roster_memory_budget(opt, &limited);
		if (sz.cols > ROSTER_PERIOD_COLS || roster_model_bytes(sz, false) > budget) {
			double share = ROSTER_PERIOD_COLS / sz.cols;
			size_t k;

			if (budget / roster_model_bytes(sz, false) < share)
				share = budget / roster_model_bytes(sz, false);
			k = (size_t)((double)m->nz * share);
			if (too_big != NULL)
				*too_big = true;
			if (k < 2 || period_restrict(m, p, k) != 0) {
				memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
				continue;
			}
			restricted = true;
			if (roster_model_bytes(roster_model_count(m, p, p + 1), false) > budget) {
				memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
				continue;
			}
		}
		ret = roster_model_build(m, false, p, p + 1, step < m->np && !both ? 1 : 2);
		if (restricted)
			memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
		restricted = false;
		if (ret != 0) {
			rc = -1;
			goto done;
		}
		if (m->ncols == 0)
			continue;
		glp_init_smcp(&sp);
		sp.msg_lev = verbose ? GLP_MSG_ERR : GLP_MSG_OFF;
		sp.tm_lim = lp_time_limit_ms(isfinite(left) ? left / 2 : left);
		if (glp_simplex(m->lp, &sp) != 0 || glp_get_status(m->lp) != GLP_OPT)
			continue;
		for (size_t i = 0; i < m->ni && ok; i++) {
			zone[i] = NO_ZONE;
			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];
				double v = col != 0 ? glp_get_col_prim(m->lp, col) : 0.0;

				if (v > 1e-6 && v < 1.0 - 1e-6)
					ok = false;
				else if (v > 0.5)
					zone[i] =
					    zone[i] == NO_ZONE ? (int32_t)z : (ok = false, NO_ZONE);
			}
			if (zone[i] == NO_ZONE)
				ok = false;
		}
		if (ok)
			memcpy(&m->zone_of[pi_of(m, p, 0)], zone, m->ni * sizeof(*zone));
	}
done:
	if (m->lp != NULL)
		roster_model_clear(m);
	glp_term_out(term);
	free(zone);
	return rc;
}
