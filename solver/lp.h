/*
 * lp.h - what the pairing and roster models share on GLPK: the matrix as
 * triplets, names of rows and columns, the clock and GLPK's time limits,
 * and the common part of a branch-and-cut search (the warm start, the best
 * bound of the open nodes, progress at most every half second).
 * Internal to the solver library.
 */
#ifndef PARKPLAN_LP_H
#define PARKPLAN_LP_H

#include <stdbool.h>
#include <stddef.h>

#include <glpk.h>

#include "solver.h"

/* The constraint matrix as (row, column, coefficient), 1-based as GLPK wants it. */
struct lp_triplets {
	int *ia, *ja;
	double *ar;
	size_t n, cap;
};

/* Returns 0, or -1 when out of memory (what was added stays). */
int lp_triplets_add(struct lp_triplets *t, int row, int col, double coef);
/* glp_load_matrix() of what was added; -1 when too many for GLPK's int count. */
int lp_triplets_load(struct lp_triplets *t, glp_prob *lp);
void lp_triplets_free(struct lp_triplets *t);

enum lp_item { LP_ROW, LP_COL };

/* Names row or column k (at most 127 bytes of the formatted text). */
void lp_set_name(glp_prob *lp, enum lp_item item, int k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Seconds on the monotonic clock. */
double lp_now(void);

/*
 * Seconds as a time limit in GLPK's int milliseconds (tm_lim): rounded up,
 * at least 1, and INT_MAX for no limit (infinite or too large).
 */
int lp_time_limit_ms(double seconds);

/* A branch-and-cut search, seen from its callback (glp_iocp.cb_info). */
struct lp_search {
	const struct solver_options *opt; /* may be NULL */
	const char *part;                 /* "pairing" or "roster", for progress */
	double started, limit_s;          /* limit_s: not positive or infinite for none */
	double last_report;
	const double *warm; /* 1-based column values to offer, or NULL */
	bool warm_offered, warm_taken;
	double bound; /* the model's best bound so far, INFINITY while none */
};

/* Started now, with no bound, and progress 0 reported. */
void lp_search_start(struct lp_search *sr, const struct solver_options *opt, const char *part,
                     double limit_s);
/* Progress to opt->progress (when set); remembers when. */
void lp_search_report(struct lp_search *sr, double fraction, double best, double bound);
/* The share of the time limit spent, in [0, 0.99]; 0.5 without a limit. */
double lp_search_fraction(const struct lp_search *sr);
/* Whether progress is due: an incumbent was just found, or half a second passed. */
bool lp_search_due(const struct lp_search *sr, glp_tree *tree);

/*
 * In the callback: at the first GLP_IHEUR, offer the warm start (when
 * there is one); warm_taken says whether GLPK took it.  Returns true when
 * it was offered in this call.
 */
bool lp_search_offer_warm(struct lp_search *sr, glp_tree *tree);
/* The bound of the best open node, NAN when there is none. */
double lp_tree_bound(glp_tree *tree);
/* The objective of the incumbent, NAN when there is none. */
double lp_tree_best(glp_tree *tree);

#endif
