/*
 * roster_lagrange.c - an upper bound on R (docs/model.md §3) without the
 * GLPK model: the seat rows and the full-time minimums relaxed with
 * multipliers, each instructor's walk through the periods solved exactly.
 * With the local search, it states the gap when the model does not fit.
 */
#include "roster_parts.h"

#include <math.h>
#include <string.h>

#include "lp.h"

/*
 * An upper bound on R without the GLPK model: relax the seat rows with
 * multipliers lambda_zcp in [0, w_balance] (o_zcp then gains nothing) and
 * the full-time minimums with mu_zp >= 0; what is left falls apart by
 * instructor, each a walk through the periods (a zone per period
 * available, w_stay for each stay), solved exactly by dynamic programming
 * over zones.  Any such multipliers give a valid bound (weak duality);
 * with all of them 0 it is each instructor's best path alone.  A
 * subgradient method (Polyak's step towards the roster in hand, target)
 * tightens it until the deadline or 2000 steps.  Returns INFINITY
 * when out of memory.
 */
double
roster_lagrangian_bound(const struct roster_model *m, double target, double deadline)
{
	return roster_lagrangian_search(m, target, deadline, NULL, NULL);
}

double
roster_lagrangian_search(const struct roster_model *m, double target, double deadline,
                         double *best_seat, double *best_min)
{
	return roster_lagrangian_from(m, target, deadline, false, best_seat, best_min);
}

double
roster_lagrangian_from(const struct roster_model *m, double target, double deadline, bool start,
                       double *best_seat, double *best_min)
{
	size_t nz = m->nz, ni = m->ni, np = m->np, npz = np * nz;
	int64_t wb = m->s->settings.w_balance;
	double ws = (double)roster_stay_gain(m), best = INFINITY, theta = 1.0, extra = 0;
	double *lam = roster_alloc(roster_count_mul(npz, 2), sizeof(*lam));
	double *mu = roster_alloc(npz, sizeof(*mu));
	double *g_lam = roster_alloc(roster_count_mul(npz, 2), sizeof(*g_lam));
	double *g_mu = roster_alloc(npz, sizeof(*g_mu));
	double *f = roster_alloc(npz, sizeof(*f));
	unsigned char *stay = roster_alloc(npz, 1);
	int since = 0;

	if (lam == NULL || mu == NULL || g_lam == NULL || g_mu == NULL || f == NULL || stay == NULL)
		goto done;
	if (start) {
		/* from the multipliers given, kept in range, with shorter steps */
		theta = 0.1;
		for (size_t k = 0; k < npz * 2; k++)
			lam[k] = best_seat[k] < 0            ? 0
			         : best_seat[k] > (double)wb ? (double)wb
			                                     : best_seat[k];
		for (size_t k = 0; k < npz; k++)
			mu[k] = best_min[k] > 0 ? 0 : -best_min[k];
	}
	if (wb < 0) {
		/* o_zcp ≤ its bound, each worth −w_balance: count them all. */
		for (size_t p = 0; p < np; p++)
			for (size_t i = 0; i < ni; i++)
				for (size_t z = 0; z < nz; z++)
					if (m->allowed[piz_of(m, p, i, z)])
						extra += (double)-wb;
	}
	for (int it = 0; it < 2000; it++) {
		double L = extra, norm = 0;

		for (size_t p = 0; p < np; p++)
			for (size_t z = 0; z < nz; z++) {
				for (int c = 0; c < 2; c++) {
					double s = (double)(c == 0 ? m->rd.seats_ft
					                           : m->rd.seats_pt)[p * nz + z];

					L += lam[(p * nz + z) * 2 + (size_t)c] * s;
					g_lam[(p * nz + z) * 2 + (size_t)c] = s;
				}
				L -= mu[p * nz + z] * (double)m->s->zones[z].min_fulltime;
				g_mu[p * nz + z] = -(double)m->s->zones[z].min_fulltime;
			}
		for (size_t i = 0; i < ni; i++) {
			int c = m->s->instructors[i].full_time ? 0 : 1;
			double g = 0;
			bool prev = false;        /* available in the period before */
			int32_t z_next = NO_ZONE; /* the zone the walk stays in, or NO_ZONE */

			/* Forward: f[p][z] the best value of a walk placed in z in p. */
			for (size_t p = 0; p < np; p++) {
				double gp = -INFINITY;

				if (!m->rd.available[pi_of(m, p, i)]) {
					prev = false;
					for (size_t z = 0; z < nz; z++)
						f[p * nz + z] = -INFINITY;
					continue;
				}
				for (size_t z = 0; z < nz; z++) {
					double v, from = g;

					f[p * nz + z] = -INFINITY;
					stay[p * nz + z] = 0;
					if (!roster_placeable(m, p, i, z))
						continue;
					v = (double)x_coef(m, p, i, z) -
					    lam[(p * nz + z) * 2 + (size_t)c] +
					    (c == 0 ? mu[p * nz + z] : 0);
					if (prev && f[(p - 1) * nz + z] + ws > from) {
						from = f[(p - 1) * nz + z] + ws;
						stay[p * nz + z] = 1;
					}
					f[p * nz + z] = v + from;
					if (f[p * nz + z] > gp)
						gp = f[p * nz + z];
				}
				if (gp == -INFINITY) {
					prev = false; /* never: roster_first() checked */
					continue;
				}
				g = gp;
				prev = true;
			}
			L += g;
			/* Backward: the zones of one best walk, for the subgradient. */
			for (size_t p = np; p-- > 0;) {
				int32_t zb = z_next;

				if (!m->rd.available[pi_of(m, p, i)]) {
					z_next = NO_ZONE;
					continue;
				}
				if (zb == NO_ZONE) {
					double bv = -INFINITY;

					for (size_t z = 0; z < nz; z++)
						if (f[p * nz + z] > bv) {
							bv = f[p * nz + z];
							zb = (int32_t)z;
						}
				}
				if (zb == NO_ZONE)
					continue;
				g_lam[(p * nz + (size_t)zb) * 2 + (size_t)c] -= 1;
				if (c == 0)
					g_mu[p * nz + (size_t)zb] += 1;
				z_next = stay[p * nz + (size_t)zb] ? zb : NO_ZONE;
			}
		}
		if (L < best) {
			best = L;
			since = 0;
			/* the multipliers in the duals' signs: seats >= 0, minimums <= 0 */
			if (best_seat != NULL)
				memcpy(best_seat, lam, npz * 2 * sizeof(*lam));
			if (best_min != NULL)
				for (size_t k = 0; k < npz; k++)
					best_min[k] = -mu[k];
		} else if (++since >= 5) {
			theta /= 2;
			since = 0;
		}
		if (wb < 0 || best <= target + 1.0 - 1e-6 || lp_now() >= deadline)
			break;
		/* dL/dlambda = g_lam, dL/dmu = g_mu: step down, kept in range. */
		for (size_t k = 0; k < npz * 2; k++) {
			double d = g_lam[k];

			if ((lam[k] <= 0 && d > 0) || (lam[k] >= (double)wb && d < 0))
				d = 0;
			norm += d * d;
		}
		for (size_t k = 0; k < npz; k++) {
			double d = g_mu[k];

			if (mu[k] <= 0 && d > 0)
				d = 0;
			norm += d * d;
		}
		if (norm <= 0 || theta < 1e-4)
			break;
		{
			double t = theta * (L - target) / norm;

			if (!(t > 0))
				t = theta / sqrt(norm);
			for (size_t k = 0; k < npz * 2; k++) {
				lam[k] -= t * g_lam[k];
				lam[k] =
				    lam[k] < 0 ? 0 : (lam[k] > (double)wb ? (double)wb : lam[k]);
			}
			for (size_t k = 0; k < npz; k++) {
				mu[k] -= t * g_mu[k];
				if (mu[k] < 0)
					mu[k] = 0;
			}
		}
	}
done:
	free(lam);
	free(mu);
	free(g_lam);
	free(g_mu);
	free(f);
	free(stay);
	/* Rounding in the sums above must not cut below the true bound. */
	return best + 1e-9 * (double)(np * ni + npz) * (fabs(best) + 1.0);
}
