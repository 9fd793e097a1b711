/*
 * roster_master.c - the search over the masters of roster_paths.c
 * (docs/model.md §3): one master per class of instructors (full-time and
 * part-time share nothing: seats, minimums and stays are each class's
 * own), the column generation stabilised around the best duals so far and
 * started from a subgradient search, a roster read from the LPs (rounded,
 * then set right period by period by flows, then moves and swaps) and from
 * each master as an integer program over its paths, by GLPK's
 * branch-and-cut started from the roster in hand.
 */
#include "roster_paths.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp.h"

/* ------------------------------------------------------------------ */
/* The search                                                          */
/* ------------------------------------------------------------------ */

/*
 * Bytes the masters may take: thirty paths per instructor (the sample
 * city's masters end with 15 to 25), each a column of at most 2 np + 1,
 * and the scratch of the pricing and of the subgradient search.
 */
double
roster_paths_bytes(const struct roster_model *m)
{
	struct roster_size sz;
	double npz = (double)m->np * (double)m->nz;

	sz.rows = (double)m->ni + 3.0 * npz;
	sz.cols = 30.0 * (double)m->ni + 2.0 * npz;
	sz.nnz = 30.0 * (double)m->ni * (2.0 * (double)m->np + 1.0);
	return roster_model_bytes(sz, false) + 200.0 * npz;
}

struct master {
	struct paths ps;
	struct duals centre, lp, mix;
	double bound, lp_value;
	bool have_centre, done;
	size_t rounds;
};

static void
master_free(struct master *mc)
{
	paths_free(&mc->ps);
	duals_free(&mc->centre);
	duals_free(&mc->lp);
	duals_free(&mc->mix);
}

/* The master of class cls, its first columns and basis.  0, 1 (no instructor of it), -1. */
static int
master_start(struct master *mc, struct roster_model *m, int cls)
{
	size_t npz = m->np * m->nz, n = 0;

	memset(mc, 0, sizeof(*mc));
	mc->bound = INFINITY;
	if (paths_setup(&mc->ps, m, cls) != 0 || duals_alloc(&mc->centre, npz) != 0 ||
	    duals_alloc(&mc->lp, npz) != 0 || duals_alloc(&mc->mix, npz) != 0)
		return -1;
	/* the roster in hand, each instructor's best path alone, and its best stays */
	for (size_t i = 0; i < m->ni; i++) {
		if (mc->ps.conv_row[i] == 0)
			continue;
		n++;
		if (paths_of_roster(&mc->ps, i) == 0)
			return -1;
		paths_weights(&mc->ps, i, NULL, NULL);
		if (paths_best(&mc->ps, i) > -INFINITY &&
		    paths_find(&mc->ps, i, mc->ps.best) == 0 &&
		    paths_add(&mc->ps, i, mc->ps.best) != 0)
			return -1;
	}
	if (n == 0)
		return 1;
	if (paths_add_stays(&mc->ps, 8) != 0)
		return -1;
	paths_roster_basis(&mc->ps);
	return 0;
}

/*
 * One round of the column generation, stabilised: the master's duals
 * swing from one extreme to another while it holds few paths, so each
 * instructor is priced at duals a tenth of the way from the best so far
 * (the centre: the least Lagrangian bound) towards the LP's, and the LP's
 * own give a bound only; a better bound moves the centre.  Close to the
 * centre the paths added are few and good: on the sample city a tenth
 * takes twice the rounds of three tenths in the same time, each LP solve
 * quicker, and proves the roster where three tenths left 0.1 % on a busy
 * machine.  When no path prices in at the
 * LP's own duals the LP is the LP relaxation of the whole model, and the
 * bound meets it (mc->done).  Returns 0, or -1 (out of memory, or the LP
 * failed or ran out of time).
 */
static int
master_round(struct master *mc, double until)
{
	struct paths *ps = &mc->ps;
	size_t added, more;
	double b;
	glp_smcp sp;

	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.presolve = GLP_OFF;
	sp.tm_lim = lp_time_limit_ms(until - lp_now());
	if (glp_simplex(ps->lp, &sp) != 0 || glp_get_status(ps->lp) != GLP_OPT)
		return -1;
	mc->rounds++;
	mc->lp_value = glp_get_obj_val(ps->lp);
	duals_of_master(ps, &mc->lp);
	/* the LP's own duals: a bound only, their paths are mostly poor */
	b = paths_lagrange(ps, &mc->lp, &mc->lp, !mc->have_centre, &added);
	if (!isfinite(b))
		return -1;
	if (b < mc->bound || !mc->have_centre) {
		if (b < mc->bound)
			mc->bound = b;
		duals_copy(ps, &mc->centre, &mc->lp);
		mc->have_centre = true;
	}
	duals_mix(ps, &mc->mix, &mc->centre, &mc->lp, 0.9);
	b = paths_lagrange_at(ps, &mc->mix, &mc->lp, &more);
	if (!isfinite(b))
		return -1;
	if (b < mc->bound) {
		mc->bound = b;
		duals_copy(ps, &mc->centre, &mc->mix);
	}
	/* nothing from the smoothed duals: the LP's own say whether it is done */
	if (more == 0 && added == 0) {
		b = paths_lagrange_at(ps, &mc->lp, &mc->lp, &added);
		if (!isfinite(b))
			return -1;
		if (b < mc->bound)
			mc->bound = b;
	}
	mc->done = added + more == 0 || mc->bound - mc->lp_value <= 1e-9 * (1.0 + fabs(mc->bound));
	return 0;
}

struct ip_search {
	struct lp_search sr;
	double target; /* a roster of this value is proven optimal */
};

static void
ip_callback(glp_tree *tree, void *info)
{
	struct ip_search *is = info;
	double best;

	if (lp_search_offer_warm(&is->sr, tree))
		return;
	best = lp_tree_best(tree);
	if (!isnan(best) && best >= is->target - 1e-6) {
		glp_ios_terminate(tree);
		return;
	}
	if (lp_search_due(&is->sr, tree))
		lp_search_report(&is->sr, lp_search_fraction(&is->sr), NAN, NAN);
}

/* The class's value in R of the roster in zone_of: its placements, stays and overflow. */
static double
class_value(const struct paths *ps)
{
	struct roster_model *m = ps->m;
	double v = 0;
	int32_t z[64];

	for (size_t i = 0; i < ps->ni; i++) {
		if (ps->conv_row[i] == 0)
			continue;
		for (size_t p = 0; p < ps->np; p++)
			z[p] = m->zone_of[pi_of(m, p, i)];
		v += (double)paths_value(m, i, z);
	}
	for (size_t p = 0; p < ps->np; p++)
		for (size_t zz = 0; zz < ps->nz; zz++) {
			int64_t n = roster_class_count(m, p, zz, ps->cls), seats;

			seats = (ps->cls == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * ps->nz + zz];
			if (n > seats)
				v -= (double)(m->s->settings.w_balance * (n - seats));
		}
	return v;
}

/*
 * A roster of the class from the master as an integer program over its
 * paths, started from the roster in hand: into zone_of when better.  A
 * path whose reduced cost takes the LP below the roster in hand plus one
 * is fixed at 0 first.  Returns 0 or -1 (out of memory).
 */
static int
master_roster(struct master *mc, const struct solver_options *opt, double until,
              struct roster_paths_log *log)
{
	struct paths *ps = &mc->ps;
	struct roster_model *m = ps->m;
	struct ip_search is;
	double v_in = class_value(ps), z_lp, *warm = NULL;
	int nc, rc = -1, *col_of = roster_alloc(ps->ni, sizeof(*col_of));
	int32_t *saved = NULL;
	glp_smcp sp;
	glp_iocp ip;

	if (col_of == NULL)
		return -1;
	if (floor(mc->bound + 1e-6) <= v_in || lp_now() >= until) {
		free(col_of);
		return 0;
	}
	/* the roster in hand's paths, which rounding may have made new */
	for (size_t i = 0; i < ps->ni; i++)
		if (ps->conv_row[i] != 0 && (col_of[i] = paths_of_roster(ps, i)) == 0) {
			free(col_of);
			return -1;
		}
	nc = glp_get_num_cols(ps->lp);
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.presolve = GLP_OFF;
	sp.tm_lim = lp_time_limit_ms(until - lp_now());
	if (glp_simplex(ps->lp, &sp) != 0 || glp_get_status(ps->lp) != GLP_OPT) {
		free(col_of);
		return 0;
	}
	z_lp = glp_get_obj_val(ps->lp);
	for (int j = ps->col0; j <= nc; j++) {
		glp_set_col_kind(ps->lp, j, GLP_BV);
		if (glp_get_col_stat(ps->lp, j) != GLP_BS &&
		    z_lp + glp_get_col_dual(ps->lp, j) < v_in + 1.0 - 1e-6) {
			glp_set_col_bnds(ps->lp, j, GLP_FX, 0.0, 0.0);
			log->fixed++;
		}
	}
	warm = roster_alloc((size_t)nc + 1, sizeof(*warm));
	saved = roster_alloc(m->np * m->ni, sizeof(*saved));
	if (warm == NULL || saved == NULL)
		goto out;
	for (size_t i = 0; i < ps->ni; i++) {
		if (ps->conv_row[i] == 0)
			continue;
		warm[col_of[i]] = 1.0;
		glp_set_col_bnds(ps->lp, col_of[i], GLP_DB, 0.0, 1.0);
	}
	for (size_t k = 0; k < ps->np * ps->nz * 2; k++) {
		size_t p = k / (ps->nz * 2), z = (k / 2) % ps->nz;
		int64_t n, seats;

		if (ps->o_col[k] == 0)
			continue;
		n = roster_class_count(m, p, z, (int)(k % 2));
		seats = (k % 2 == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * ps->nz + z];
		warm[ps->o_col[k]] = (double)(n > seats ? n - seats : 0);
	}
	sp.tm_lim = lp_time_limit_ms(until - lp_now());
	if (glp_simplex(ps->lp, &sp) != 0 || glp_get_status(ps->lp) != GLP_OPT) {
		rc = 0;
		goto out;
	}
	lp_search_start(&is.sr, opt, "roster", until - lp_now());
	is.sr.warm = warm;
	is.target = floor(mc->bound + 1e-6);
	glp_init_iocp(&ip);
	ip.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	ip.presolve = GLP_OFF; /* the warm start is in the columns as built */
	ip.tm_lim = lp_time_limit_ms(until - lp_now());
	ip.cb_func = ip_callback;
	ip.cb_info = &is;
	log->ip_status = glp_intopt(ps->lp, &ip);
	if (glp_mip_status(ps->lp) == GLP_OPT || glp_mip_status(ps->lp) == GLP_FEAS) {
		memcpy(saved, m->zone_of, m->np * m->ni * sizeof(*saved));
		for (size_t k = 0; k < ps->n; k++) {
			if (glp_mip_col_val(ps->lp, ps->col0 + (int)k) < 0.5)
				continue;
			for (size_t p = 0; p < ps->np; p++)
				m->zone_of[pi_of(m, p, ps->inst[k])] = ps->zones[k * ps->np + p];
		}
		if (class_value(ps) < v_in)
			memcpy(m->zone_of, saved, m->np * m->ni * sizeof(*saved));
	}
	rc = 0;
out:
	free(warm);
	free(saved);
	free(col_of);
	return rc;
}

/* The master LP's solution rounded: each instructor of the class to the path it holds most of. */
static void
master_rounding(struct master *mc)
{
	struct paths *ps = &mc->ps;
	struct roster_model *m = ps->m;

	for (size_t i = 0; i < ps->ni; i++) {
		double best = -1;
		size_t kb = SIZE_MAX;

		if (ps->conv_row[i] == 0)
			continue;
		for (size_t k = ps->head[i]; k != SIZE_MAX; k = ps->next[k]) {
			double v = glp_get_col_prim(ps->lp, ps->col0 + (int)k);

			if (v > best) {
				best = v;
				kb = k;
			}
		}
		if (kb != SIZE_MAX)
			for (size_t p = 0; p < ps->np; p++)
				m->zone_of[pi_of(m, p, i)] = ps->zones[kb * ps->np + p];
	}
}

/*
 * The column generation for both classes (full-time and part-time
 * instructors share nothing: their seats, minimums and stays are their
 * own), then a roster from each master.  The classes take turns, so that
 * each bound keeps pace with the time; after the first round a
 * subgradient search on the seat multipliers from the LPs' values
 * (roster_lagrangian_search()) gives each master a better centre than its
 * first LP's duals.
 */
int
roster_by_paths(struct roster_model *m, const struct solver_options *opt, double deadline,
                double *bound_out, struct roster_paths_log *log)
{
	struct master mc[2];
	double t0 = lp_now(), cg_end, lp_sum = 0, bound;
	int rc = -1, have[2] = {0, 0};
	size_t npz = m->np * m->nz;

	memset(log, 0, sizeof(*log));
	memset(mc, 0, sizeof(mc));
	if (m->np > 64 || m->s->settings.w_balance < 0)
		return 1;
	for (int c = 0; c < 2; c++) {
		int r = master_start(&mc[c], m, c);

		if (r < 0)
			goto out;
		have[c] = r == 0;
	}
	/* the column generation: at most 85 % of the time */
	cg_end = isfinite(deadline) ? t0 + (deadline - t0) * 0.85 : INFINITY;
	for (int c = 0; c < 2; c++)
		if (have[c]) {
			if (master_round(&mc[c], cg_end) != 0)
				goto settle;
			lp_sum += mc[c].lp_value;
		}
	{
		struct duals sg = {0};
		double share = isfinite(deadline) ? (cg_end - lp_now()) * 0.15 : 10.0;

		if (duals_alloc(&sg, npz) != 0) {
			duals_free(&sg);
			goto out;
		}
		roster_lagrangian_search(m, lp_sum, lp_now() + share, sg.seat, sg.min);
		for (int c = 0; c < 2; c++) {
			size_t added;
			double b;

			if (!have[c])
				continue;
			duals_copy(&mc[c].ps, &mc[c].mix, &sg);
			duals_clamp(&mc[c].ps, &mc[c].mix);
			b = paths_lagrange_at(&mc[c].ps, &mc[c].mix, &mc[c].lp, &added);
			if (!isfinite(b)) {
				duals_free(&sg);
				goto out;
			}
			if (b < mc[c].bound) {
				mc[c].bound = b;
				duals_copy(&mc[c].ps, &mc[c].centre, &mc[c].mix);
			}
		}
		duals_free(&sg);
	}
	for (bool any = true; any && lp_now() < cg_end;) {
		any = false;
		for (int c = 0; c < 2; c++) {
			if (!have[c] || mc[c].done)
				continue;
			/* the other class's turn too: stop when this one's bound meets its LP */
			if (master_round(&mc[c], cg_end) != 0)
				goto settle;
			any = true;
		}
	}
settle:
	bound = 0;
	for (int c = 0; c < 2; c++) {
		if (!have[c])
			continue;
		bound += mc[c].bound;
		log->rounds += mc[c].rounds;
		log->columns += mc[c].ps.n;
		log->lp += mc[c].lp_value;
	}
	log->cg_seconds = lp_now() - t0;
	/*
	 * A roster from the LPs: each instructor on the path they hold most of,
	 * the seats then set right period by period (flows), moves and swaps.
	 */
	{
		int32_t *saved = roster_alloc(m->np * m->ni, sizeof(*saved));
		int64_t before = roster_objective(m);
		double left = deadline - lp_now();

		if (saved == NULL)
			goto out;
		memcpy(saved, m->zone_of, m->np * m->ni * sizeof(*saved));
		for (int c = 0; c < 2; c++)
			if (have[c])
				master_rounding(&mc[c]);
		if (roster_by_flows(m, lp_now() + left * 0.4, 1) != 0 ||
		    roster_local(m, lp_now() + left * 0.05) != 0) {
			free(saved);
			goto out;
		}
		if (roster_objective(m) < before)
			memcpy(m->zone_of, saved, m->np * m->ni * sizeof(*saved));
		free(saved);
	}
	/* the bound once more: the subgradient from the centres, aiming at the roster in hand */
	if (floor(bound + 1e-6) > (double)roster_objective(m)) {
		struct duals sg = {0};
		double target = fmax(log->lp, (double)roster_objective(m)), b;

		if (duals_alloc(&sg, npz) != 0) {
			duals_free(&sg);
			goto out;
		}
		for (int c = 0; c < 2; c++) {
			if (!have[c])
				continue;
			for (size_t k = 0; k < npz * 2; k++)
				if (mc[c].ps.seat_row[k] != 0)
					sg.seat[k] = mc[c].centre.seat[k];
			for (size_t k = 0; k < npz; k++)
				if (mc[c].ps.min_row[k] != 0)
					sg.min[k] = mc[c].centre.min[k];
		}
		b = roster_lagrangian_from(m, target, lp_now() + (deadline - lp_now()) * 0.3, true,
		                           sg.seat, sg.min);
		if (b < bound)
			bound = b;
		duals_free(&sg);
	}
	*bound_out = bound;
	/* a roster from each master, each with its share of the time left */
	for (int c = 0; c < 2; c++) {
		double left = deadline - lp_now();

		if (!have[c])
			continue;
		if (master_roster(&mc[c], opt, c == 0 && have[1] ? lp_now() + left / 2 : deadline,
		                  log) != 0)
			goto out;
	}
	log->ip_seconds = lp_now() - t0 - log->cg_seconds;
	rc = 0;
out:
	for (int c = 0; c < 2; c++)
		master_free(&mc[c]);
	return rc;
}
