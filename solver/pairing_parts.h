/*
 * pairing_parts.h - what the files of the pairing model (docs/model.md §2)
 * share; the explanations use pairing_candidates.h alone.
 *
 *   pairing_candidates.c  the terms of a pair's score, the pair set, the
 *                         spatial grid, the candidates
 *   pairing_data.c        the candidates by enterprise and by community,
 *                         plans as 0/1 vectors over them, the plan part
 *   pairing_reasons.c     infeasibility in planners' words
 *   pairing_model.c       the GLPK model and its search (whole, or with columns
 *                         fixed), the LP export
 *   pairing_flow.c        the pairing as a network, solved by LEMON (mcf.h)
 *                         with its candidate arcs priced in; its DIMACS file
 *   pairing_lagrange.c    max_changes: a multiplier on the network's one side
 *                         row, the face between two flows, the reason when
 *                         the row cannot be met
 *   pairing.c             pairing_solve(): which method, and the plan part
 */
#ifndef PARKPLAN_PAIRING_PARTS_H
#define PARKPLAN_PAIRING_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lp.h"
#include "pairing_candidates.h"
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
/* Every row but max_changes's. */
bool pairing_feasible_but_keep(const struct pairing_data *d, const unsigned char *chosen,
                               size_t *buf);
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

/*
 * The pairing as a network (pairing_flow.c): the arcs of each candidate,
 * enterprise and community, for the min-cost flow of mcf.h.
 */
struct pairing_net {
	struct mcf *f;
	size_t source, sink;
	uint32_t *arc; /* per candidate: its arc, UINT32_MAX when pinned or not in the network */
	uint32_t *to;  /* per candidate, with diverse_industries: c's node or (c,k)'s */
	size_t *e_arc; /* per enterprise: S -> e; MCF_NONE while it has no node */
	size_t *e_node_of; /* per enterprise: its node, MCF_NONE while no arc of it is in */
	int64_t *e_cap;    /* per enterprise: the capacity of S -> e */
	size_t *c_node;    /* per community: its node; MCF_NONE without candidates */
	size_t *c_min;     /* per community: c -> T up to min_partners */
	size_t *c_rest;    /* per community: c -> T beyond, up to max_partners */
	size_t group0;     /* the first (c,k) node */
	size_t *group_in;  /* per (c,k) node: arcs into it in the network */
	size_t *group_arc; /* per (c,k) node: its arc (c,k) -> c */
	size_t n_groups;
	int64_t den, num; /* the costs in force (pairing_net_costs) */
	size_t n_active, rounds;
};

/*
 * Build the network: full, with an arc for every candidate (the network of
 * docs/model.md §2.4, as exported); or with each community's best few
 * candidates and the pairs of the plan in force, the other arcs joining as
 * pairing_net_solve() prices them in.
 */
/* Returns 0, 1 when the pins cannot all be met, -1 when out of memory. */
int pairing_net_build(struct pairing_net *net, const struct pairing_data *d, bool full);
void pairing_net_free(struct pairing_net *net);
/*
 * The arcs' costs for a flow of greatest den * P + num * (pairs of the
 * plan in force kept): a keep bonus raised by lambda = num / den.  den 0,
 * num 1: the most pairs of the plan in force kept, nothing else counted.
 * Returns 0, or -1 when a cost would leave the flow's bounds.
 */
int pairing_net_costs(struct pairing_net *net, const struct pairing_data *d, int64_t den,
                      int64_t num);
/*
 * Solve with the costs set, the arcs left out priced in until none has a
 * negative reduced cost: the flow is then the cheapest over every
 * candidate.  chosen receives the pins and the flow's pairs.  0 or -1.
 */
int pairing_net_solve(struct pairing_net *net, const struct pairing_data *d, unsigned char *chosen);
/*
 * After pairing_net_solve(): each candidate's reduced cost under potentials
 * that prove the flow optimal over every candidate (INT64_MAX: its
 * enterprise can take no more; 0 for a pin).  For any plan x,
 * den * P(x) + num * kept(x) <= the flow's value - sum |rc_i| over the
 * candidates where x differs from the flow.  Returns 0.
 */
int pairing_net_reduced_costs(const struct pairing_net *net, const struct pairing_data *d,
                              int64_t *rc);
/* The solver's name for the plan part's method: "LEMON network simplex". */
const char *pairing_net_method(void);

/*
 * The same over the model with the candidates whose fix is 0 or 1 fixed at
 * that value (no column: the model is smaller); chosen receives the plan,
 * fixed values included, *bound a bound on P over the plans the fixing
 * allows.
 */
enum pairing_run pairing_mip_fixed(const struct pairing_data *d, struct lp_search *sr, bool verbose,
                                   const signed char *fix, const unsigned char *warm,
                                   unsigned char *chosen, double *bound, struct plan_part *part);

/*
 * max_changes by a Lagrangian multiplier over the flow (pairing_lagrange.c):
 * chosen receives the plan, *bound the bound proven, method how it was
 * found.  Returns PAIRING_RUN_OPTIMAL, _FEASIBLE (the time ran out, or no
 * plan on the multiplier's face keeps exactly the pairs max_changes asks
 * and the branch-and-cut did not close the rest), _INFEASIBLE (the reason
 * in part) or _FAILED (numbers beyond the flow's bounds, out of memory).
 */
enum pairing_run pairing_lagrange(const struct pairing_data *d, struct lp_search *sr, bool verbose,
                                  unsigned char *chosen, double *bound, char *method,
                                  size_t method_len, struct plan_part *part);

enum pairing_flow {
	PAIRING_FLOW_OPTIMAL,
	PAIRING_FLOW_INFEASIBLE,
	PAIRING_FLOW_FAILED,
};

/*
 * Without max_changes: the pairing as a min-cost flow.  Fills chosen and
 * returns PAIRING_FLOW_OPTIMAL, or _INFEASIBLE (the pins cannot all be
 * met), or _FAILED (out of memory, or numbers beyond the flow's bounds:
 * the caller then runs the branch-and-cut, which reports it).
 */
enum pairing_flow pairing_flow_solve(const struct pairing_data *d, unsigned char *chosen,
                                     size_t *buf);

#endif
