/*
 * pairing_impl.h - what the files of the pairing model (docs/model.md §2)
 * share; the explanations use pairing.h alone.
 *
 *   pairing_candidates.c  the terms of a pair's score, the pair set, the
 *                         spatial grid, the candidates
 *   pairing_data.c        the candidates by enterprise and by community,
 *                         plans as 0/1 vectors over them, the plan part
 *   pairing_reasons.c     infeasibility in planners' words
 *   pairing_model.c       the GLPK model and its search, the LP export
 *   pairing_flow.c        without max_changes: the pairing as a min-cost flow
 *   pairing.c             pairing_solve(): which method, and the plan part
 */
#ifndef PARKPLAN_PAIRING_IMPL_H
#define PARKPLAN_PAIRING_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lp.h"
#include "pairing.h"
#include "plan.h"

/* A pair of the plan in force, and what became of it. */
enum prev_fate { PREV_CANDIDATE, PREV_FORBIDDEN, PREV_NOT_PAIRING };

struct prev_pair {
	size_t e, c;
	size_t cand; /* index in the candidates, or SIZE_MAX */
	enum prev_fate fate;
};

struct prev_pairs {
	struct prev_pair *v;
	size_t n;
};

/*
 * The candidates, and (when prev is not NULL) the distinct pairs of the
 * plan in force whose enterprise and community are still in the snapshot.
 */
int pairing_candidates_build(const struct snapshot *s, const struct snapshot_index *ix,
                             struct pair_candidates *out, struct prev_pairs *prev);

/* The model's data: candidates grouped by enterprise and community. */
struct pairing_data {
	const struct snapshot *s;
	struct pair_candidates pc;
	struct prev_pairs prev;
	size_t *e_start; /* candidates of enterprise e: [e_start[e], e_start[e+1]) */
	size_t *c_start; /* c_list[c_start[c] .. c_start[c+1]): candidates of c */
	size_t *c_list;
	size_t n_prev_candidates;
	/* The optional max_changes row: sum over previous candidates >= keep_min. */
	bool has_keep_row;
	int64_t keep_min;
};

int pairing_data_build(struct pairing_data *d, const struct snapshot *s,
                       const struct snapshot_index *ix);
void pairing_data_free(struct pairing_data *d);

static inline long long
pairing_eid(const struct pairing_data *d, size_t e)
{
	return (long long)d->s->enterprises[e].id;
}

static inline long long
pairing_cid(const struct pairing_data *d, size_t c)
{
	return (long long)d->s->communities[c].id;
}

/* Industries compared, no industry (NULL) first. */
int pairing_industry_cmp(const char *a, const char *b);
/* The industry of candidate i's enterprise, NULL when it has none. */
const char *pairing_cand_industry(const struct pairing_data *d, size_t i);
/*
 * Candidate indices of community c grouped by industry, into buf (at least
 * as long as the community's candidates); returns how many.  Enterprises
 * without an industry belong to no group.
 */
size_t pairing_by_industry(const struct pairing_data *d, size_t c, size_t *buf);

/* Plans as 0/1 vectors over the candidates (chosen); buf as long as they. */
bool pairing_feasible(const struct pairing_data *d, const unsigned char *chosen, size_t *buf);
int64_t pairing_value(const struct pairing_data *d, const unsigned char *chosen);
bool pairing_warm_start(const struct pairing_data *d, unsigned char *chosen, size_t *buf);
double pairing_quick_bound(const struct pairing_data *d);
/* The chosen pairs and the uncovered communities into the plan. */
int pairing_store(const struct pairing_data *d, const unsigned char *chosen, struct plan *out);

/* Reasons that need no solver, into part.  Returns how many were found, or -1. */
int pairing_reasons_direct(const struct pairing_data *d, struct plan_part *part);
/* max_changes cannot be met: kept is the most pairs that can be kept, -1 unknown. */
void pairing_reason_max_changes(const struct pairing_data *d, long long kept,
                                struct plan_part *part);

enum pairing_run {
	PAIRING_RUN_OPTIMAL,
	PAIRING_RUN_FEASIBLE,
	PAIRING_RUN_INFEASIBLE,
	PAIRING_RUN_NO_INCUMBENT,
	PAIRING_RUN_FAILED,
	PAIRING_RUN_NO_MEMORY,
};

/*
 * The branch-and-cut over the model with every row: warm (a feasible
 * plan, or NULL) is offered at the search's first heuristic call, chosen
 * receives the plan found (PAIRING_RUN_OPTIMAL or _FEASIBLE), *lp_bound
 * the root LP's bound (INFINITY when it was not solved) and sr->bound the
 * search's.  When no plan meets max_changes, the reason goes to part.
 */
enum pairing_run pairing_mip(const struct pairing_data *d, struct lp_search *sr, bool verbose,
                             const unsigned char *warm, unsigned char *chosen, double *lp_bound,
                             struct plan_part *part);

enum pairing_flow {
	PAIRING_FLOW_OPTIMAL,
	PAIRING_FLOW_STOPPED,
	PAIRING_FLOW_INFEASIBLE,
	PAIRING_FLOW_UNSUITABLE,
};

/*
 * The pairing as a min-cost flow: fills chosen and returns
 * PAIRING_FLOW_OPTIMAL, or _STOPPED at the deadline (lp_now() time; the
 * flow so far is a feasible plan: every phase keeps every row), or
 * _INFEASIBLE (the pins cannot all be met), or _UNSUITABLE when the data
 * does not fit (the caller then runs the branch-and-cut); _UNSUITABLE when
 * out of memory too: the branch-and-cut reports it.
 */
enum pairing_flow pairing_flow_solve(const struct pairing_data *d, unsigned char *chosen,
                                     size_t *buf, double deadline);

#endif
