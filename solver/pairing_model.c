/*
 * pairing_model.c - the pairing (docs/model.md §2) as an integer program on
 * GLPK, its branch-and-cut search, and its export as an LP file.
 *
 * The integer program keeps the structure of a network: x columns are
 * binary, every row has a 0/1 matrix and an integer right-hand side, and
 * the shortfall u of a community is a column of its own.  Without the
 * optional max_changes row the LP relaxation is integral, and the
 * branch-and-cut search ends at the root.
 *
 * The root LP is solved by glp_simplex with the LP presolver; glp_intopt then
 * runs without the MIP presolver, because glp_ios_heur_sol takes values for
 * the columns of the problem in the search tree, and the MIP presolver
 * renumbers those columns: the warm start (the plan in force) can only be
 * offered in the columns of the model as built here.
 */
#include "pairing_parts.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glpk.h>

#include "lp_write.h"

/* ------------------------------------------------------------------ */
/* The model                                                           */
/* ------------------------------------------------------------------ */

enum model_goal {
	GOAL_PAIRING,  /* maximise P */
	GOAL_MAX_KEEP, /* maximise the kept pairs of the plan in force, no max_changes row */
};

struct model {
	glp_prob *lp;
	int *u_col;   /* per community: its shortfall column, 0 when it has none */
	int *col_of;  /* per candidate: its x column, 0 when its value is fixed */
	double konst; /* P of the fixed columns, which the model's objective leaves out */
};

static void
model_free(struct model *m)
{
	if (m->lp != NULL)
		glp_delete_prob(m->lp);
	free(m->u_col);
	free(m->col_of);
	m->lp = NULL;
	m->u_col = NULL;
	m->col_of = NULL;
}

static int
add_row(struct model *m, double lo, double up, int type)
{
	int i = glp_add_rows(m->lp, 1);

	glp_set_row_bnds(m->lp, i, type, lo, up);
	return i;
}

/* Whether candidate i's value is fixed at 1 (a pin, or fix says so). */
static bool
fixed_one(const struct pairing_data *d, const signed char *fix, size_t i)
{
	return fix != NULL && fix[i] == 1 && !d->pc.v[i].pinned;
}

/*
 * The x columns in candidate order, then the u columns.  fix (NULL: none)
 * gives each candidate -1 (a column), 0 or 1 (a value fixed outside the
 * model: no column, its share taken off each row's bound, its score in
 * konst).  Returns 0, or -1 when out of memory or too large for GLPK's
 * int indices.
 */
static int
model_build(struct model *m, const struct pairing_data *d, enum model_goal goal,
            const signed char *fix)
{
	const struct snapshot *s = d->s;
	struct lp_triplets t = {0};
	size_t i, e, c, *buf = NULL;
	int64_t *ones_c = NULL, ones_keep = 0;
	int col, row, n_x = 0;

	m->lp = NULL;
	m->konst = 0;
	m->u_col = calloc(s->n_communities + 1, sizeof(*m->u_col));
	m->col_of = calloc(d->pc.n + 1, sizeof(*m->col_of));
	ones_c = calloc(s->n_communities + 1, sizeof(*ones_c));
	if (m->u_col == NULL || m->col_of == NULL || ones_c == NULL)
		goto fail;
	if (d->pc.n + s->n_communities >= (size_t)INT_MAX / 4 ||
	    s->n_enterprises + 3 * s->n_communities >= (size_t)INT_MAX / 4)
		goto fail;
	buf = calloc(d->pc.n + 1, sizeof(*buf));
	if (buf == NULL)
		goto fail;

	m->lp = glp_create_prob();
	glp_set_prob_name(m->lp,
	                  goal == GOAL_PAIRING ? "parkplan_pairing" : "parkplan_pairing_keep");
	glp_set_obj_name(m->lp, goal == GOAL_PAIRING ? "P" : "kept");
	glp_set_obj_dir(m->lp, GLP_MAX);

	for (i = 0; i < d->pc.n; i++) {
		if (fix == NULL || fix[i] < 0 || d->pc.v[i].pinned)
			m->col_of[i] = ++n_x;
		else if (fix[i] == 1) {
			ones_c[d->pc.v[i].c]++;
			ones_keep += d->pc.v[i].previous;
			m->konst += goal == GOAL_PAIRING ? (double)d->pc.v[i].score
			                                 : (double)d->pc.v[i].previous;
		}
	}
	if (n_x > 0)
		glp_add_cols(m->lp, n_x);
	for (i = 0; i < d->pc.n; i++) {
		const struct pair_candidate *pc = &d->pc.v[i];
		double coef;

		col = m->col_of[i];
		if (col == 0)
			continue;
		lp_set_name(m->lp, LP_COL, col, "x_%lld_%lld", pairing_eid(d, pc->e),
		            pairing_cid(d, pc->c));
		glp_set_col_kind(m->lp, col, GLP_BV);
		if (pc->pinned)
			glp_set_col_bnds(m->lp, col, GLP_FX, 1.0, 1.0);
		if (goal == GOAL_PAIRING)
			coef = (double)pc->score;
		else
			coef = pc->previous ? 1.0 : 0.0;
		glp_set_obj_coef(m->lp, col, coef);
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		int64_t need = cm->min_partners - ones_c[c];

		if (need <= 0)
			continue;
		col = glp_add_cols(m->lp, 1);
		m->u_col[c] = col;
		lp_set_name(m->lp, LP_COL, col, "u_%lld", pairing_cid(d, c));
		glp_set_col_kind(m->lp, col, GLP_IV);
		glp_set_col_bnds(m->lp, col, GLP_DB, 0.0, (double)need);
		glp_set_obj_coef(m->lp, col,
		                 goal == GOAL_PAIRING ? -(double)s->settings.w_uncovered : 0.0);
	}
	if (goal == GOAL_PAIRING)
		for (c = 0; c < s->n_communities; c++)
			if (m->u_col[c] == 0 && s->communities[c].min_partners > ones_c[c])
				m->konst -= (double)s->settings.w_uncovered *
				            (double)(s->communities[c].min_partners - ones_c[c]);

	/* Every enterprise: sum over c of x_ec <= max_communities(e). */
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t ones = 0;
		bool any = false;

		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++) {
			ones += fixed_one(d, fix, i);
			any = any || m->col_of[i] != 0;
		}
		if (!any)
			continue;
		row = add_row(m, 0.0, (double)(s->enterprises[e].max_communities - ones), GLP_UP);
		lp_set_name(m->lp, LP_ROW, row, "ent_%lld", pairing_eid(d, e));
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			if (m->col_of[i] != 0 && lp_triplets_add(&t, row, m->col_of[i], 1.0) != 0)
				goto fail;
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1];
		bool any = false;

		for (i = lo; i < hi; i++)
			any = any || m->col_of[d->c_list[i]] != 0;
		/* Every community: sum over e of x_ec + u_c >= min_partners(c). */
		if (m->u_col[c] != 0) {
			row = add_row(m, (double)(cm->min_partners - ones_c[c]), 0.0, GLP_LO);
			lp_set_name(m->lp, LP_ROW, row, "cover_%lld", pairing_cid(d, c));
			for (i = lo; i < hi; i++)
				if (m->col_of[d->c_list[i]] != 0 &&
				    lp_triplets_add(&t, row, m->col_of[d->c_list[i]], 1.0) != 0)
					goto fail;
			if (lp_triplets_add(&t, row, m->u_col[c], 1.0) != 0)
				goto fail;
		}
		if (!any)
			continue;
		/* Every community: sum over e of x_ec <= max_partners(c). */
		row = add_row(m, 0.0, (double)(cm->max_partners - ones_c[c]), GLP_UP);
		lp_set_name(m->lp, LP_ROW, row, "cap_%lld", pairing_cid(d, c));
		for (i = lo; i < hi; i++)
			if (m->col_of[d->c_list[i]] != 0 &&
			    lp_triplets_add(&t, row, m->col_of[d->c_list[i]], 1.0) != 0)
				goto fail;
		/* diverse_industries: at most one partner per industry. */
		if (s->settings.diverse_industries) {
			size_t n = pairing_by_industry(d, c, buf), j, k, group = 0;

			for (k = 0; k < n; k = j) {
				int64_t ones = 0;
				bool gany = false;

				for (j = k; j < n && pairing_industry_cmp(
				                         pairing_cand_industry(d, buf[k]),
				                         pairing_cand_industry(d, buf[j])) == 0;
				     j++) {
					ones += fixed_one(d, fix, buf[j]);
					gany = gany || m->col_of[buf[j]] != 0;
				}
				if (pairing_cand_industry(d, buf[k]) == NULL || j - k < 2 || !gany)
					continue;
				row = add_row(m, 0.0, (double)(1 - ones), GLP_UP);
				lp_set_name(m->lp, LP_ROW, row, "div_%lld_%zu", pairing_cid(d, c),
				            ++group);
				for (i = k; i < j; i++)
					if (m->col_of[buf[i]] != 0 &&
					    lp_triplets_add(&t, row, m->col_of[buf[i]], 1.0) != 0)
						goto fail;
			}
		}
	}
	/* max_changes: sum over previous pairs of x >= n_prev - max_changes. */
	if (goal == GOAL_PAIRING && d->has_keep_row && d->keep_min - ones_keep > 0) {
		row = add_row(m, (double)(d->keep_min - ones_keep), 0.0, GLP_LO);
		lp_set_name(m->lp, LP_ROW, row, "keep");
		for (i = 0; i < d->pc.n; i++)
			if (d->pc.v[i].previous && m->col_of[i] != 0 &&
			    lp_triplets_add(&t, row, m->col_of[i], 1.0) != 0)
				goto fail;
	}
	if (lp_triplets_load(&t, m->lp) != 0)
		goto fail;
	lp_triplets_free(&t);
	free(buf);
	free(ones_c);
	return 0;
fail:
	lp_triplets_free(&t);
	free(buf);
	free(ones_c);
	model_free(m);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The search                                                          */
/* ------------------------------------------------------------------ */

/* The branch-and-cut's callback: bound, warm start, progress. */
static void
on_search(glp_tree *tree, void *info)
{
	struct lp_search *sr = info;
	double b = lp_tree_bound(tree), best;

	if (!isnan(b) && floor(b + 1e-6) < sr->bound)
		sr->bound = floor(b + 1e-6);
	lp_search_offer_warm(sr, tree);
	best = lp_tree_best(tree);
	if ((glp_ios_reason(tree) == GLP_IHEUR && sr->warm_taken && !isnan(best)) ||
	    lp_search_due(sr, tree))
		lp_search_report(sr, lp_search_fraction(sr), best,
		                 isinf(sr->bound) ? NAN : sr->bound);
}

/* Milliseconds left for GLPK, as its int parameter. */
static int
ms_left(const struct lp_search *sr)
{
	return lp_time_limit_ms(sr->limit_s - (lp_now() - sr->started));
}

/* The root LP, with the LP presolver; its basis starts the branch-and-cut. */
static enum pairing_run
solve_root_lp(struct model *m, struct lp_search *sr, bool verbose, double *lp_bound)
{
	glp_smcp smcp;
	int ret, st;

	*lp_bound = INFINITY;
	if (glp_get_num_cols(m->lp) == 0)
		return PAIRING_RUN_OPTIMAL;
	glp_init_smcp(&smcp);
	smcp.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	smcp.presolve = GLP_ON;
	smcp.tm_lim = ms_left(sr);
	ret = glp_simplex(m->lp, &smcp);
	if (ret == GLP_ENOPFS)
		return PAIRING_RUN_INFEASIBLE;
	if (ret == GLP_ETMLIM)
		return PAIRING_RUN_NO_INCUMBENT;
	if (ret != 0)
		return PAIRING_RUN_FAILED;
	st = glp_get_status(m->lp);
	if (st == GLP_NOFEAS)
		return PAIRING_RUN_INFEASIBLE;
	if (st != GLP_OPT)
		return PAIRING_RUN_FAILED;
	*lp_bound = floor(glp_get_obj_val(m->lp) + 1e-6);
	if (*lp_bound < sr->bound)
		sr->bound = *lp_bound;
	return PAIRING_RUN_OPTIMAL;
}

/* Whether the LP relaxation's solution is already integral. */
static bool
lp_integral(glp_prob *lp)
{
	int j, n = glp_get_num_cols(lp);

	for (j = 1; j <= n; j++) {
		double v = glp_get_col_prim(lp, j);

		if (fabs(v - floor(v + 0.5)) > 1e-9)
			return false;
	}
	return true;
}

static enum pairing_run
run_intopt(struct model *m, struct lp_search *sr, bool verbose, double mip_gap)
{
	glp_iocp iocp;
	int ret, st;

	glp_init_iocp(&iocp);
	iocp.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	iocp.presolve = GLP_OFF; /* see the top of this file */
	/*
	 * Cuts only help when the root LP is fractional (the max_changes row);
	 * on an integral root their set-up (the conflict graph of the clique
	 * cuts above all) costs more than the whole search.
	 */
	if (!lp_integral(m->lp)) {
		iocp.gmi_cuts = GLP_ON;
		iocp.mir_cuts = GLP_ON;
		iocp.cov_cuts = GLP_ON;
		iocp.clq_cuts = glp_get_num_cols(m->lp) <= 20000 ? GLP_ON : GLP_OFF;
	}
	iocp.tm_lim = ms_left(sr);
	iocp.mip_gap = mip_gap > 0 && isfinite(mip_gap) ? mip_gap : 0.0;
	iocp.cb_func = on_search;
	iocp.cb_info = sr;
	ret = glp_intopt(m->lp, &iocp);
	st = glp_mip_status(m->lp);
	switch (ret) {
	case 0:
		if (st == GLP_OPT)
			return PAIRING_RUN_OPTIMAL;
		if (st == GLP_NOFEAS)
			return PAIRING_RUN_INFEASIBLE;
		return st == GLP_FEAS ? PAIRING_RUN_FEASIBLE : PAIRING_RUN_FAILED;
	case GLP_ENOPFS:
		return PAIRING_RUN_INFEASIBLE;
	case GLP_ETMLIM:
	case GLP_EMIPGAP:
	case GLP_ESTOP:
		return st == GLP_FEAS || st == GLP_OPT ? PAIRING_RUN_FEASIBLE
		                                       : PAIRING_RUN_NO_INCUMBENT;
	default:
		return PAIRING_RUN_FAILED;
	}
}

/* The warm start as 1-based column values: the plan's x, and the shortfalls u. */
static double *
model_point(const struct model *m, const struct pairing_data *d, const unsigned char *plan)
{
	const struct snapshot *s = d->s;
	double *x = calloc((size_t)glp_get_num_cols(m->lp) + 1, sizeof(*x));
	size_t i, c;

	if (x == NULL)
		return NULL;
	for (i = 0; i < d->pc.n; i++)
		if (m->col_of[i] != 0)
			x[m->col_of[i]] = plan[i];
	for (c = 0; c < s->n_communities; c++) {
		int64_t k = 0;
		size_t j;

		if (m->u_col[c] == 0)
			continue;
		for (j = d->c_start[c]; j < d->c_start[c + 1]; j++)
			k += plan[d->c_list[j]];
		x[m->u_col[c]] = k < s->communities[c].min_partners
		                     ? (double)(s->communities[c].min_partners - k)
		                     : 0.0;
	}
	return x;
}

/*
 * The most pairs of the plan in force that the pins, forbids and partner
 * limits let the pairing keep (the model without the max_changes row), in
 * what is left of outer's time and at least a second; -1 when not known.
 */
static long long
max_kept(const struct pairing_data *d, const struct lp_search *outer)
{
	struct model m;
	struct lp_search sr;
	double lp_bound, left = outer->limit_s - (lp_now() - outer->started);
	enum pairing_run r;
	long long kept = -1;

	lp_search_start(&sr, NULL, "pairing", left > 1.0 ? left : 1.0);
	if (model_build(&m, d, GOAL_MAX_KEEP, NULL) != 0)
		return -1;
	r = solve_root_lp(&m, &sr, false, &lp_bound);
	if (r == PAIRING_RUN_OPTIMAL && glp_get_num_cols(m.lp) > 0)
		r = run_intopt(&m, &sr, false, 0.0);
	if (r == PAIRING_RUN_OPTIMAL)
		kept = llround(glp_get_num_cols(m.lp) > 0 ? glp_mip_obj_val(m.lp) : 0.0);
	model_free(&m);
	return kept;
}

/*
 * The branch-and-cut over the model (fix: NULL, or values fixed outside
 * it); chosen receives the plan with the fixed values, *bound the bound
 * on P (the search's or the root LP's, the fixed part added).
 */
static enum pairing_run
run_mip(const struct pairing_data *d, struct lp_search *sr, bool verbose, const signed char *fix,
        const unsigned char *warm, unsigned char *chosen, double *lp_bound, double *bound,
        struct plan_part *part)
{
	struct model m;
	double *warm_cols = NULL, outer = sr->bound;
	enum pairing_run r;
	int term_was;
	size_t i;

	*lp_bound = INFINITY;
	*bound = INFINITY;
	if (model_build(&m, d, GOAL_PAIRING, fix) != 0)
		return PAIRING_RUN_NO_MEMORY;
	if (warm != NULL) {
		warm_cols = model_point(&m, d, warm);
		if (warm_cols == NULL) {
			model_free(&m);
			return PAIRING_RUN_NO_MEMORY;
		}
		sr->warm = warm_cols;
	}
	sr->bound = INFINITY;
	term_was = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	r = solve_root_lp(&m, sr, verbose, lp_bound);
	if (r == PAIRING_RUN_OPTIMAL && glp_get_num_cols(m.lp) > 0)
		r = run_intopt(&m, sr, verbose, d->s->settings.mip_gap);
	if (r == PAIRING_RUN_INFEASIBLE && d->has_keep_row && fix == NULL)
		pairing_reason_max_changes(d, max_kept(d, sr), part);
	glp_term_out(term_was);
	if (r == PAIRING_RUN_OPTIMAL || r == PAIRING_RUN_FEASIBLE)
		for (i = 0; i < d->pc.n; i++) {
			if (m.col_of[i] == 0)
				chosen[i] = fix != NULL && fix[i] == 1;
			else
				chosen[i] = glp_get_num_cols(m.lp) > 0 &&
				            glp_mip_col_val(m.lp, m.col_of[i]) > 0.5;
		}
	/* the fixed part back into the bounds */
	if (isfinite(*lp_bound))
		*lp_bound += m.konst;
	*bound = isfinite(sr->bound) ? sr->bound + m.konst : INFINITY;
	sr->bound = outer < *bound ? outer : *bound;
	sr->warm = NULL;
	free(warm_cols);
	model_free(&m);
	return r;
}

enum pairing_run
pairing_mip(const struct pairing_data *d, struct lp_search *sr, bool verbose,
            const unsigned char *warm, unsigned char *chosen, double *lp_bound,
            struct plan_part *part)
{
	double bound;

	return run_mip(d, sr, verbose, NULL, warm, chosen, lp_bound, &bound, part);
}

enum pairing_run
pairing_mip_fixed(const struct pairing_data *d, struct lp_search *sr, bool verbose,
                  const signed char *fix, const unsigned char *warm, unsigned char *chosen,
                  double *bound, struct plan_part *part)
{
	double lp_bound;

	return run_mip(d, sr, verbose, fix, warm, chosen, &lp_bound, bound, part);
}

/* ------------------------------------------------------------------ */
/* The LP export                                                       */
/* ------------------------------------------------------------------ */

/*
 * The model of docs/model.md §2.3 written row by row as it is generated
 * (lp_write.h), the same rows and columns model_build() makes, without
 * building it: a city's model is written in the memory of its candidates.
 */
static int
write_model(const struct pairing_data *d, const char *path)
{
	const struct snapshot *s = d->s;
	struct lp_writer w;
	char zero[64] = "";
	size_t i, e, c, *buf = calloc(d->pc.n + 1, sizeof(*buf));

	if (buf == NULL || lpw_open(&w, path, "parkplan_pairing") != 0) {
		free(buf);
		return -1;
	}
	if (d->pc.n > 0)
		snprintf(zero, sizeof(zero), "x_%lld_%lld", pairing_eid(d, d->pc.v[0].e),
		         pairing_cid(d, d->pc.v[0].c));
	else
		for (c = 0; c < s->n_communities && zero[0] == '\0'; c++)
			if (s->communities[c].min_partners > 0)
				snprintf(zero, sizeof(zero), "u_%lld", pairing_cid(d, c));
	if (zero[0] == '\0') {
		/* no column at all: as glp_write_lp() writes an empty problem */
		free(buf);
		return lpw_close(&w);
	}
	lpw_section(&w, "Maximize");
	lpw_row(&w, "P");
	for (i = 0; i < d->pc.n; i++)
		lpw_term(&w, (double)d->pc.v[i].score, "x_%lld_%lld", pairing_eid(d, d->pc.v[i].e),
		         pairing_cid(d, d->pc.v[i].c));
	for (c = 0; c < s->n_communities; c++)
		if (s->communities[c].min_partners > 0)
			lpw_term(&w, -(double)s->settings.w_uncovered, "u_%lld", pairing_cid(d, c));
	lpw_end_objective(&w, zero);
	lpw_section(&w, "Subject To");
	for (e = 0; e < s->n_enterprises; e++) {
		if (d->e_start[e] == d->e_start[e + 1])
			continue;
		lpw_row(&w, "ent_%lld", pairing_eid(d, e));
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			lpw_term(&w, 1.0, "x_%lld_%lld", pairing_eid(d, e),
			         pairing_cid(d, d->pc.v[i].c));
		lpw_end(&w, "<=", (double)s->enterprises[e].max_communities, zero);
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1], k, j, n, group = 0;

		if (cm->min_partners > 0) {
			lpw_row(&w, "cover_%lld", pairing_cid(d, c));
			for (i = lo; i < hi; i++)
				lpw_term(&w, 1.0, "x_%lld_%lld",
				         pairing_eid(d, d->pc.v[d->c_list[i]].e),
				         pairing_cid(d, c));
			lpw_term(&w, 1.0, "u_%lld", pairing_cid(d, c));
			lpw_end(&w, ">=", (double)cm->min_partners, zero);
		}
		if (lo == hi)
			continue;
		lpw_row(&w, "cap_%lld", pairing_cid(d, c));
		for (i = lo; i < hi; i++)
			lpw_term(&w, 1.0, "x_%lld_%lld", pairing_eid(d, d->pc.v[d->c_list[i]].e),
			         pairing_cid(d, c));
		lpw_end(&w, "<=", (double)cm->max_partners, zero);
		if (!s->settings.diverse_industries)
			continue;
		n = pairing_by_industry(d, c, buf);
		for (k = 0; k < n; k = j) {
			for (j = k;
			     j < n && pairing_industry_cmp(pairing_cand_industry(d, buf[k]),
			                                   pairing_cand_industry(d, buf[j])) == 0;
			     j++)
				;
			if (pairing_cand_industry(d, buf[k]) == NULL || j - k < 2)
				continue;
			lpw_row(&w, "div_%lld_%zu", pairing_cid(d, c), ++group);
			for (i = k; i < j; i++)
				lpw_term(&w, 1.0, "x_%lld_%lld", pairing_eid(d, d->pc.v[buf[i]].e),
				         pairing_cid(d, c));
			lpw_end(&w, "<=", 1.0, zero);
		}
	}
	if (d->has_keep_row) {
		lpw_row(&w, "keep");
		for (i = 0; i < d->pc.n; i++)
			if (d->pc.v[i].previous)
				lpw_term(&w, 1.0, "x_%lld_%lld", pairing_eid(d, d->pc.v[i].e),
				         pairing_cid(d, d->pc.v[i].c));
		lpw_end(&w, ">=", (double)d->keep_min, zero);
	}
	lpw_section(&w, "\nBounds");
	for (i = 0; i < d->pc.n; i++) {
		long long ei = pairing_eid(d, d->pc.v[i].e), ci = pairing_cid(d, d->pc.v[i].c);

		if (d->pc.v[i].pinned)
			lpw_line(&w, "x_%lld_%lld = 1", ei, ci);
		else
			lpw_line(&w, "0 <= x_%lld_%lld <= 1", ei, ci);
	}
	for (c = 0; c < s->n_communities; c++)
		if (s->communities[c].min_partners > 0)
			lpw_line(&w, "0 <= u_%lld <= %lld", pairing_cid(d, c),
			         (long long)s->communities[c].min_partners);
	lpw_section(&w, "\nGenerals");
	for (i = 0; i < d->pc.n; i++)
		lpw_line(&w, "x_%lld_%lld", pairing_eid(d, d->pc.v[i].e),
		         pairing_cid(d, d->pc.v[i].c));
	for (c = 0; c < s->n_communities; c++)
		if (s->communities[c].min_partners > 0)
			lpw_line(&w, "u_%lld", pairing_cid(d, c));
	free(buf);
	return lpw_close(&w);
}

int
pairing_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                  char *err, size_t errlen)
{
	struct pairing_data d;
	int ret;

	if (pairing_data_build(&d, s, ix) != 0) {
		snprintf(err, errlen, "out of memory building the pairing candidates");
		return -1;
	}
	ret = write_model(&d, path);
	pairing_data_free(&d);
	if (ret != 0) {
		snprintf(err, errlen, "cannot write the pairing model to %s", path);
		return -1;
	}
	return 0;
}
