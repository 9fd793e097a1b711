/*
 * lp.c - what the pairing and roster models share on GLPK (lp.h): triplets,
 * names, the clock, time limits and the common part of a branch-and-cut
 * callback.
 */
#include "lp.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
lp_triplets_add(struct lp_triplets *t, int row, int col, double coef)
{
	if (t->n + 1 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		int *ia, *ja;
		double *ar;

		ia = realloc(t->ia, cap * sizeof(*ia));
		if (ia == NULL)
			return -1;
		t->ia = ia;
		ja = realloc(t->ja, cap * sizeof(*ja));
		if (ja == NULL)
			return -1;
		t->ja = ja;
		ar = realloc(t->ar, cap * sizeof(*ar));
		if (ar == NULL)
			return -1;
		t->ar = ar;
		t->cap = cap;
	}
	t->n++; /* GLPK's arrays start at 1 */
	t->ia[t->n] = row;
	t->ja[t->n] = col;
	t->ar[t->n] = coef;
	return 0;
}

int
lp_triplets_load(struct lp_triplets *t, glp_prob *lp)
{
	if (t->n > INT_MAX)
		return -1;
	if (t->n > 0)
		glp_load_matrix(lp, (int)t->n, t->ia, t->ja, t->ar);
	return 0;
}

void
lp_triplets_free(struct lp_triplets *t)
{
	free(t->ia);
	free(t->ja);
	free(t->ar);
	*t = (struct lp_triplets){0};
}

void
lp_set_name(glp_prob *lp, enum lp_item item, int k, const char *fmt, ...)
{
	char name[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (item == LP_ROW)
		glp_set_row_name(lp, k, name);
	else
		glp_set_col_name(lp, k, name);
}

double
lp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
lp_time_limit_ms(double seconds)
{
	double ms = seconds * 1000.0;

	if (isnan(ms) || ms >= (double)INT_MAX)
		return INT_MAX;
	if (ms < 1.0)
		return 1;
	return (int)ceil(ms);
}

void
lp_search_start(struct lp_search *sr, const struct solver_options *opt, const char *part,
                double limit_s)
{
	*sr = (struct lp_search){.opt = opt, .part = part, .limit_s = limit_s, .bound = INFINITY};
	sr->started = lp_now();
	lp_search_report(sr, 0.0, NAN, NAN);
}

void
lp_search_report(struct lp_search *sr, double fraction, double best, double bound)
{
	if (sr->opt != NULL && sr->opt->progress != NULL)
		sr->opt->progress(sr->opt->progress_arg, sr->part, fraction, best, bound);
	sr->last_report = lp_now();
}

double
lp_search_fraction(const struct lp_search *sr)
{
	double f;

	if (!(sr->limit_s > 0) || isinf(sr->limit_s))
		return 0.5;
	f = (lp_now() - sr->started) / sr->limit_s;
	return f < 0 ? 0 : f > 0.99 ? 0.99 : f;
}

bool
lp_search_due(const struct lp_search *sr, glp_tree *tree)
{
	return glp_ios_reason(tree) == GLP_IBINGO || lp_now() - sr->last_report >= 0.5;
}

bool
lp_search_offer_warm(struct lp_search *sr, glp_tree *tree)
{
	if (glp_ios_reason(tree) != GLP_IHEUR || sr->warm == NULL || sr->warm_offered)
		return false;
	sr->warm_offered = true;
	if (glp_ios_heur_sol(tree, sr->warm) == 0)
		sr->warm_taken = true;
	return true;
}

double
lp_tree_bound(glp_tree *tree)
{
	int node = glp_ios_best_node(tree);

	return node != 0 ? glp_ios_node_bound(tree, node) : NAN;
}

double
lp_tree_best(glp_tree *tree)
{
	glp_prob *lp = glp_ios_get_prob(tree);

	/* GLP_OPT comes only when the search is over, after the last callback. */
	if (glp_mip_status(lp) == GLP_FEAS || glp_mip_status(lp) == GLP_OPT)
		return glp_mip_obj_val(lp);
	return NAN;
}
