/*
 * roster_paths.c - the roster (docs/model.md §3) by column generation over
 * each instructor's path through the periods.
 *
 * A path gives an instructor one zone in each period they are available;
 * its value is the sum of x's coefficients plus w_stay for each stay.  The
 * master problem chooses one path per instructor (a convexity row each)
 * within the seats (rows per zone, class and period, with the overflow o
 * at -w_balance) and the full-time minimums (rows per zone and period):
 *
 *   max  sum v(path) lambda - w_balance sum o
 *   s.t. sum over i's paths lambda = 1                         every i
 *        sum over class-c paths in z at p lambda - o <= seats  every z, c, p
 *        sum over full-time paths in z at p lambda >= min      every z, p
 *
 * Its LP over the paths generated so far is solved by GLPK's simplex; the
 * row duals price every path of every instructor at once by a dynamic
 * programme over the periods (the same walk as roster_lagrange.c), and the
 * paths that would better the LP join it.  The same duals, clamped to
 * their signs, give a Lagrangian bound on R that is valid whatever paths
 * were generated (the seat and minimum rows relaxed, each instructor's
 * best path over every zone); once no path prices in, it equals the LP
 * relaxation of the whole model of §3.5 (each instructor's problem on
 * its own has integral solutions), so no formulation over these variables
 * bounds R better.  This file holds the master and the pricing; the
 * search over them is roster_master.c.
 */
#include "roster_paths.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp.h"

void
paths_free(struct paths *ps)
{
	if (ps->lp != NULL)
		glp_delete_prob(ps->lp);
	free(ps->conv_row);
	free(ps->seat_row);
	free(ps->min_row);
	free(ps->o_col);
	free(ps->zones);
	free(ps->inst);
	free(ps->next);
	free(ps->head);
	free(ps->f);
	free(ps->w);
	free(ps->stay);
	free(ps->best);
	memset(ps, 0, sizeof(*ps));
}

/* The value of a path in R: its placements and its stays. */
int64_t
paths_value(const struct roster_model *m, size_t i, const int32_t *zones)
{
	int64_t v = 0, ws = roster_stay_gain(m);

	for (size_t p = 0; p < m->np; p++) {
		if (zones[p] == NO_ZONE)
			continue;
		v += x_coef(m, p, i, (size_t)zones[p]);
		if (p > 0 && zones[p - 1] == zones[p])
			v += ws;
	}
	return v;
}

/* Add instructor i's path as a column of the master.  0 or -1. */
int
paths_add(struct paths *ps, size_t i, const int32_t *zones)
{
	struct roster_model *m = ps->m;
	int ind[1 + 2 * 64 + 1], col, len = 0;
	double val[1 + 2 * 64 + 1];
	int c = paths_class(m, i);

	if (ps->np > 64 || ps->conv_row[i] == 0)
		return -1;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 1024;
		int32_t *z2 = realloc(ps->zones, roster_count_mul(cap, ps->np) * sizeof(*z2));
		size_t *i2;

		if (z2 == NULL)
			return -1;
		ps->zones = z2;
		i2 = realloc(ps->inst, cap * sizeof(*i2));
		if (i2 == NULL)
			return -1;
		ps->inst = i2;
		i2 = realloc(ps->next, cap * sizeof(*i2));
		if (i2 == NULL)
			return -1;
		ps->next = i2;
		ps->cap = cap;
	}
	ps->next[ps->n] = ps->head[i];
	ps->head[i] = ps->n;
	memcpy(&ps->zones[ps->n * ps->np], zones, ps->np * sizeof(*zones));
	ps->inst[ps->n] = i;
	ind[++len] = ps->conv_row[i];
	val[len] = 1.0;
	for (size_t p = 0; p < ps->np; p++) {
		size_t z;

		if (zones[p] == NO_ZONE)
			continue;
		z = (size_t)zones[p];
		ind[++len] = ps->seat_row[(p * ps->nz + z) * 2 + (size_t)c];
		val[len] = 1.0;
		if (c == 0 && ps->min_row[p * ps->nz + z] != 0) {
			ind[++len] = ps->min_row[p * ps->nz + z];
			val[len] = 1.0;
		}
	}
	col = glp_add_cols(ps->lp, 1);
	if (ps->n == 0)
		ps->col0 = col;
	glp_set_col_bnds(ps->lp, col, GLP_DB, 0.0, 1.0);
	glp_set_obj_coef(ps->lp, col, (double)paths_value(m, i, zones));
	glp_set_mat_col(ps->lp, col, len, ind, val);
	ps->n++;
	return 0;
}

/* The master's rows and overflow columns, no path yet.  0 or -1. */
int
paths_setup(struct paths *ps, struct roster_model *m, int cls)
{
	size_t npz, p, z, i;
	int64_t *avail;

	memset(ps, 0, sizeof(*ps));
	ps->m = m;
	ps->cls = cls;
	ps->np = m->np;
	ps->ni = m->ni;
	ps->nz = m->nz;
	npz = roster_count_mul(m->np, m->nz);
	ps->conv_row = roster_alloc(m->ni, sizeof(*ps->conv_row));
	ps->head = roster_alloc(m->ni, sizeof(*ps->head));
	ps->seat_row = roster_alloc(roster_count_mul(npz, 2), sizeof(*ps->seat_row));
	ps->min_row = roster_alloc(npz, sizeof(*ps->min_row));
	ps->o_col = roster_alloc(roster_count_mul(npz, 2), sizeof(*ps->o_col));
	ps->f = roster_alloc(npz, sizeof(*ps->f));
	ps->w = roster_alloc(npz, sizeof(*ps->w));
	ps->stay = roster_alloc(npz, 1);
	ps->best = roster_alloc(m->np, sizeof(*ps->best));
	avail = roster_alloc(roster_count_mul(m->np, 2), sizeof(*avail));
	if (ps->conv_row == NULL || ps->head == NULL || ps->seat_row == NULL ||
	    ps->min_row == NULL || ps->o_col == NULL || ps->f == NULL || ps->w == NULL ||
	    ps->stay == NULL || ps->best == NULL || avail == NULL) {
		free(avail);
		return -1;
	}
	ps->lp = glp_create_prob();
	glp_set_obj_dir(ps->lp, GLP_MAX);
	for (i = 0; i < m->ni; i++)
		ps->head[i] = SIZE_MAX;
	for (i = 0; i < m->ni; i++) {
		bool any = false;

		if (paths_class(m, i) != cls)
			continue;
		for (p = 0; p < m->np; p++)
			if (m->rd.available[pi_of(m, p, i)]) {
				any = true;
				avail[p * 2 + (size_t)paths_class(m, i)]++;
			}
		if (!any)
			continue;
		ps->conv_row[i] = glp_add_rows(ps->lp, 1);
		glp_set_row_bnds(ps->lp, ps->conv_row[i], GLP_FX, 1.0, 1.0);
	}
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++) {
			for (int c = 0; c < 2; c++) {
				size_t k = (p * m->nz + z) * 2 + (size_t)c;
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * m->nz + z];
				int row, col, ind[2];
				double val[2];

				if (c != cls || avail[p * 2 + (size_t)c] == 0)
					continue;
				row = ps->seat_row[k] = glp_add_rows(ps->lp, 1);
				glp_set_row_bnds(ps->lp, row, GLP_UP, 0.0, (double)seats);
				/* o: at most every instructor of the class there */
				col = ps->o_col[k] = glp_add_cols(ps->lp, 1);
				glp_set_col_kind(ps->lp, col, GLP_IV);
				glp_set_col_bnds(ps->lp, col, GLP_DB, 0.0,
				                 (double)avail[p * 2 + (size_t)c]);
				glp_set_obj_coef(ps->lp, col, -(double)m->s->settings.w_balance);
				ind[1] = row;
				val[1] = -1.0;
				glp_set_mat_col(ps->lp, col, 1, ind, val);
			}
			if (cls == 0 && m->s->zones[z].min_fulltime > 0 && avail[p * 2] > 0) {
				ps->min_row[p * m->nz + z] = glp_add_rows(ps->lp, 1);
				glp_set_row_bnds(ps->lp, ps->min_row[p * m->nz + z], GLP_LO,
				                 (double)m->s->zones[z].min_fulltime, 0.0);
			}
		}
	free(avail);
	return 0;
}

/*
 * Instructor i's best path under the paths_weights in ps->w ([p*nz+z], -INFINITY
 * where i may not be placed) and the stay bonus: into ps->best, its value
 * returned (-INFINITY when i is never available).
 */
double
paths_best(struct paths *ps, size_t i)
{
	struct roster_model *m = ps->m;
	size_t nz = ps->nz, np = ps->np;
	double ws = (double)roster_stay_gain(m), g = 0, total = -INFINITY;
	bool prev = false, any = false;
	int32_t z_next = NO_ZONE;

	for (size_t p = 0; p < np; p++) {
		double gp = -INFINITY;

		ps->best[p] = NO_ZONE;
		if (!m->rd.available[pi_of(m, p, i)]) {
			prev = false;
			for (size_t z = 0; z < nz; z++)
				ps->f[p * nz + z] = -INFINITY;
			continue;
		}
		for (size_t z = 0; z < nz; z++) {
			double from = g, v = ps->w[p * nz + z];

			ps->f[p * nz + z] = -INFINITY;
			ps->stay[p * nz + z] = 0;
			if (v == -INFINITY)
				continue;
			if (prev && ps->f[(p - 1) * nz + z] + ws > from) {
				from = ps->f[(p - 1) * nz + z] + ws;
				ps->stay[p * nz + z] = 1;
			}
			ps->f[p * nz + z] = v + from;
			if (ps->f[p * nz + z] > gp)
				gp = ps->f[p * nz + z];
		}
		if (gp == -INFINITY)
			return -INFINITY; /* not reached: roster_first() checked */
		g = gp;
		prev = true;
		any = true;
	}
	if (!any)
		return -INFINITY;
	total = g;
	for (size_t p = np; p-- > 0;) {
		int32_t zb = z_next;

		if (!m->rd.available[pi_of(m, p, i)]) {
			z_next = NO_ZONE;
			continue;
		}
		if (zb == NO_ZONE) {
			double bv = -INFINITY;

			for (size_t z = 0; z < nz; z++)
				if (ps->f[p * nz + z] > bv) {
					bv = ps->f[p * nz + z];
					zb = (int32_t)z;
				}
		}
		ps->best[p] = zb;
		z_next = ps->stay[p * nz + (size_t)zb] ? zb : NO_ZONE;
	}
	return total;
}

/* The column of instructor i's path zones, 0 when it has none. */
int
paths_find(const struct paths *ps, size_t i, const int32_t *zones)
{
	for (size_t k = ps->head[i]; k != SIZE_MAX; k = ps->next[k])
		if (memcmp(&ps->zones[k * ps->np], zones, ps->np * sizeof(*zones)) == 0)
			return ps->col0 + (int)k;
	return 0;
}

/* The paths_weights of instructor i's placements under the row duals (0: none). */
void
paths_weights(struct paths *ps, size_t i, const double *y_seat, const double *y_min)
{
	struct roster_model *m = ps->m;
	int c = paths_class(m, i);

	for (size_t p = 0; p < ps->np; p++)
		for (size_t z = 0; z < ps->nz; z++) {
			size_t pz = p * ps->nz + z;

			if (!m->rd.available[pi_of(m, p, i)] || !roster_placeable(m, p, i, z)) {
				ps->w[pz] = -INFINITY;
				continue;
			}
			ps->w[pz] = (double)x_coef(m, p, i, z);
			if (y_seat != NULL)
				ps->w[pz] -= y_seat[pz * 2 + (size_t)c];
			if (y_min != NULL && c == 0)
				ps->w[pz] -= y_min[pz];
		}
}

int
duals_alloc(struct duals *y, size_t npz)
{
	y->seat = roster_alloc(npz * 2, sizeof(*y->seat));
	y->min = roster_alloc(npz, sizeof(*y->min));
	return y->seat != NULL && y->min != NULL ? 0 : -1;
}

void
duals_free(struct duals *y)
{
	free(y->seat);
	free(y->min);
}

/* Clamped to the signs weak duality needs: a <= row's >= 0, a >= row's <= 0; 0 without a row. */
void
duals_clamp(const struct paths *ps, struct duals *y)
{
	size_t npz = ps->np * ps->nz, k;

	for (k = 0; k < npz * 2; k++)
		if (ps->seat_row[k] == 0 || !(y->seat[k] > 0))
			y->seat[k] = 0;
	for (k = 0; k < npz; k++)
		if (ps->min_row[k] == 0 || !(y->min[k] < 0))
			y->min[k] = 0;
}

/* The master LP's row duals. */
void
duals_of_master(const struct paths *ps, struct duals *y)
{
	size_t npz = ps->np * ps->nz, k;

	for (k = 0; k < npz * 2; k++)
		y->seat[k] = ps->seat_row[k] != 0 ? glp_get_row_dual(ps->lp, ps->seat_row[k]) : 0;
	for (k = 0; k < npz; k++)
		y->min[k] = ps->min_row[k] != 0 ? glp_get_row_dual(ps->lp, ps->min_row[k]) : 0;
	duals_clamp(ps, y);
}

/* The reduced cost of instructor i's path (ps->best) under the LP's duals. */
static double
path_reduced(const struct paths *ps, size_t i, const struct duals *lp)
{
	const struct roster_model *m = ps->m;
	double d = (double)paths_value(m, i, ps->best) - glp_get_row_dual(ps->lp, ps->conv_row[i]);
	int c = paths_class(m, i);

	for (size_t p = 0; p < ps->np; p++) {
		size_t pz;

		if (ps->best[p] == NO_ZONE)
			continue;
		pz = p * ps->nz + (size_t)ps->best[p];
		d -= lp->seat[pz * 2 + (size_t)c] + (c == 0 ? lp->min[pz] : 0);
	}
	return d;
}

/*
 * The Lagrangian bound on R at duals y (clamped): every instructor's best
 * path over every zone, plus the rows' right-hand sides at their duals
 * (and o at its bound where its reduced cost is positive).  Valid whatever
 * y is.  Each instructor's best path joins the master when lp is not NULL
 * and its reduced cost under the LP's duals is positive (*added), or when
 * lp is NULL and it is new.  INFINITY when out of memory.
 */
double
paths_lagrange(struct paths *ps, const struct duals *y, const struct duals *lp, bool add,
               size_t *added)
{
	struct roster_model *m = ps->m;
	size_t npz = ps->np * ps->nz, k;
	double wb = (double)m->s->settings.w_balance, bound = 0;

	*added = 0;
	for (k = 0; k < npz * 2; k++) {
		if (ps->seat_row[k] == 0)
			continue;
		bound += y->seat[k] * glp_get_row_ub(ps->lp, ps->seat_row[k]);
		if (y->seat[k] > wb)
			bound += (y->seat[k] - wb) * glp_get_col_ub(ps->lp, ps->o_col[k]);
	}
	for (k = 0; k < npz; k++)
		if (ps->min_row[k] != 0)
			bound += y->min[k] * glp_get_row_lb(ps->lp, ps->min_row[k]);
	for (size_t i = 0; i < ps->ni; i++) {
		double best;

		if (ps->conv_row[i] == 0)
			continue;
		paths_weights(ps, i, y->seat, y->min);
		best = paths_best(ps, i);
		bound += best;
		if (best == -INFINITY || !add)
			continue;
		if (lp != NULL ? !(path_reduced(ps, i, lp) > 1e-6 * (1.0 + fabs(best)))
		               : paths_find(ps, i, ps->best) != 0)
			continue;
		if (paths_add(ps, i, ps->best) != 0)
			return INFINITY;
		(*added)++;
	}
	return bound;
}

double
paths_lagrange_at(struct paths *ps, const struct duals *y, const struct duals *lp, size_t *added)
{
	return paths_lagrange(ps, y, lp, true, added);
}

/* The column of instructor i's path in zone_of, added when it is new; 0 when out of memory. */
int
paths_of_roster(struct paths *ps, size_t i)
{
	struct roster_model *m = ps->m;
	int32_t z[64];
	int col;

	for (size_t p = 0; p < ps->np; p++)
		z[p] = m->zone_of[pi_of(m, p, i)];
	col = paths_find(ps, i, z);
	if (col != 0)
		return col;
	if (paths_add(ps, i, z) != 0)
		return 0;
	return ps->col0 + (int)ps->n - 1;
}

/*
 * For each instructor, the paths that stay in one zone all along, for the k
 * zones worth most so: most best rosters keep most instructors in place,
 * and these columns give the master good duals from the start.  0 or -1.
 */
int
paths_add_stays(struct paths *ps, size_t k)
{
	struct roster_model *m = ps->m;
	size_t nz = ps->nz, np = ps->np;
	int64_t *val = roster_alloc(nz, sizeof(*val));
	size_t *top = roster_alloc(k + 1, sizeof(*top));
	int32_t z_of[64];
	int rc = -1;

	if (val == NULL || top == NULL || k == 0)
		goto out;
	for (size_t i = 0; i < ps->ni; i++) {
		size_t n = 0;

		if (ps->conv_row[i] == 0)
			continue;
		for (size_t z = 0; z < nz; z++) {
			bool ok = true;
			size_t at;

			val[z] = 0;
			for (size_t p = 0; p < np && ok; p++) {
				if (!m->rd.available[pi_of(m, p, i)])
					continue;
				ok = roster_placeable(m, p, i, z);
				val[z] += x_coef(m, p, i, z);
			}
			if (!ok || (n == k && val[z] <= val[top[k - 1]]))
				continue;
			/* insertion into the k best */
			at = n < k ? n++ : k - 1;
			while (at > 0 && val[top[at - 1]] < val[z]) {
				top[at] = top[at - 1];
				at--;
			}
			top[at] = z;
		}
		for (size_t t = 0; t < n; t++) {
			for (size_t p = 0; p < np; p++)
				z_of[p] =
				    m->rd.available[pi_of(m, p, i)] ? (int32_t)top[t] : NO_ZONE;
			if (paths_find(ps, i, z_of) == 0 && paths_add(ps, i, z_of) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(val);
	free(top);
	return rc;
}

/* The roster in hand as the master's first basis: its paths basic, every other row slack. */
void
paths_roster_basis(struct paths *ps)
{
	size_t npz = ps->np * ps->nz;

	for (size_t k = 0; k < npz * 2; k++)
		if (ps->seat_row[k] != 0)
			glp_set_row_stat(ps->lp, ps->seat_row[k], GLP_BS);
	for (size_t k = 0; k < npz; k++)
		if (ps->min_row[k] != 0)
			glp_set_row_stat(ps->lp, ps->min_row[k], GLP_BS);
	for (int j = 1; j <= glp_get_num_cols(ps->lp); j++)
		glp_set_col_stat(ps->lp, j, GLP_NL);
	for (size_t i = 0; i < ps->ni; i++)
		if (ps->conv_row[i] != 0) {
			glp_set_row_stat(ps->lp, ps->conv_row[i], GLP_NS);
			glp_set_col_stat(ps->lp, paths_of_roster(ps, i), GLP_BS);
		}
}

/* Duals a share of the way from the centre to the LP's: y = alpha c + (1 - alpha) lp. */
void
duals_mix(const struct paths *ps, struct duals *y, const struct duals *c, const struct duals *lp,
          double alpha)
{
	size_t npz = ps->np * ps->nz, k;

	for (k = 0; k < npz * 2; k++)
		y->seat[k] = alpha * c->seat[k] + (1 - alpha) * lp->seat[k];
	for (k = 0; k < npz; k++)
		y->min[k] = alpha * c->min[k] + (1 - alpha) * lp->min[k];
}

void
duals_copy(const struct paths *ps, struct duals *to, const struct duals *from)
{
	memcpy(to->seat, from->seat, ps->np * ps->nz * 2 * sizeof(*to->seat));
	memcpy(to->min, from->min, ps->np * ps->nz * sizeof(*to->min));
}

/* One class's master and its column generation. */
