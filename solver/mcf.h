/*
 * mcf.h - a minimum-cost flow: the cheapest flow of any amount (none at
 * all included) from a source to a sink within the arcs' capacities.
 * Internal to the solver library; the pairing without max_changes is such
 * a flow (pairing_flow.c).
 *
 * Build the network (nodes, then arcs between them), solve it once, then
 * read the flow on each arc, its cost and the bound.  The result depends
 * only on the network as built: ties are broken by node and arc numbers.
 *
 * This implementation (successive shortest paths, mcf.c) asks two things
 * of the network, and says MCF_UNSUITABLE otherwise: every arc leaving
 * the source costs 0 and is the only arc into its head, and no arc enters
 * the source.  The costs of a path from the source to the sink must stay
 * within int64_t.
 */
#ifndef PARKPLAN_MCF_H
#define PARKPLAN_MCF_H

#include <stddef.h>
#include <stdint.h>

#define MCF_NONE ((size_t)-1)

struct mcf;

enum mcf_status {
	MCF_OPTIMAL,    /* the cheapest flow */
	MCF_STOPPED,    /* the deadline passed: a flow, maybe not the cheapest */
	MCF_UNSUITABLE, /* the network is not one this implementation takes */
	MCF_NO_MEMORY,
};

/* An empty network, or NULL when out of memory. */
struct mcf *mcf_new(void);
void mcf_free(struct mcf *net);

/* A new node: 0, 1, 2, ... in the order they are added. */
size_t mcf_add_node(struct mcf *net);
/*
 * A new arc from -> to with capacity cap (0 when negative) and cost per
 * unit: 0, 1, 2, ... in the order they are added, or MCF_NONE when out of
 * memory or when a node was not added.
 */
size_t mcf_add_arc(struct mcf *net, size_t from, size_t to, int64_t cap, int64_t cost);

/*
 * Solve once, all arcs added.  deadline is on lp_now()'s clock (INFINITY
 * for none); checked between the phases of the search, so that a stopped
 * search still leaves a flow that meets every capacity.
 */
enum mcf_status mcf_solve(struct mcf *net, size_t source, size_t sink, double deadline);

/* After mcf_solve(): the flow on an arc, and the cost of the whole flow. */
int64_t mcf_flow(const struct mcf *net, size_t arc);
int64_t mcf_cost(const struct mcf *net);
/*
 * A lower bound on the cost of any flow: the cost itself when the search
 * ended MCF_OPTIMAL, -INFINITY when it stopped before (no bound is known).
 */
double mcf_bound(const struct mcf *net);

#endif
