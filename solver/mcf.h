/*
 * mcf.h - a minimum-cost flow: the cheapest flow of any amount (none at
 * all included) from a source to a sink within the arcs' capacities.
 * Internal to the solver library; the pairing is such a flow
 * (pairing_flow.c), and so is each step of its max_changes search.
 *
 * Build the network (nodes, then arcs between them), solve it, read the
 * flow on each arc, the cost and the node potentials (the duals); change
 * costs and solve again as often as needed.  The solver is LEMON's
 * (mcf_lemon.cc, C++ behind this C header): its network simplex or its
 * cost scaling, each proven optimal on return.  Capacities are at most
 * MCF_CAP_MAX; costs and the sums of costs along a path must stay within
 * int64_t.
 */
#ifndef PARKPLAN_MCF_H
#define PARKPLAN_MCF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCF_NONE ((size_t)-1)
#define MCF_CAP_MAX ((int64_t)0x3fffffff)

struct mcf;

enum mcf_method {
	MCF_NETWORK_SIMPLEX, /* LEMON's NetworkSimplex, block search pivots */
	MCF_COST_SCALING,    /* LEMON's CostScaling, partial augment-relabel */
};

enum mcf_status {
	MCF_OPTIMAL,   /* the cheapest flow, and potentials that prove it */
	MCF_NO_MEMORY, /* out of memory, or a number beyond the bounds above */
	MCF_FAILED,    /* the solver threw or found no optimum (not reached) */
};

/* An empty network, room reserved for about this many nodes and arcs; NULL when out of memory. */
struct mcf *mcf_new(size_t nodes, size_t arcs);
void mcf_free(struct mcf *net);

/* A new node: 0, 1, 2, ... in the order they are added; MCF_NONE when out of memory. */
size_t mcf_add_node(struct mcf *net);
/*
 * A new arc from -> to with capacity cap (0 when negative) and cost per
 * unit: 0, 1, 2, ... in the order they are added, or MCF_NONE when out of
 * memory, when a node was not added or cap exceeds MCF_CAP_MAX.
 */
size_t mcf_add_arc(struct mcf *net, size_t from, size_t to, int64_t cap, int64_t cost);
/* Change an arc's cost before the next mcf_solve(). */
void mcf_set_cost(struct mcf *net, size_t arc, int64_t cost);
int64_t mcf_get_cost(const struct mcf *net, size_t arc);
size_t mcf_arcs(const struct mcf *net);
size_t mcf_nodes(const struct mcf *net);

/* Solve, all arcs added; again after costs changed. */
enum mcf_status mcf_solve(struct mcf *net, size_t source, size_t sink, enum mcf_method method);

/*
 * After MCF_OPTIMAL: the flow on an arc, the cost of the whole flow, and
 * each node's potential pi: the reduced cost cost(a) + pi(from) - pi(to)
 * is >= 0 on every arc with room left and <= 0 on every arc with flow.
 */
int64_t mcf_flow(const struct mcf *net, size_t arc);
int64_t mcf_cost(const struct mcf *net);
int64_t mcf_potential(const struct mcf *net, size_t node);
/* The reduced cost of an arc under the potentials. */
int64_t mcf_reduced_cost(const struct mcf *net, size_t arc);
size_t mcf_arc_from(const struct mcf *net, size_t arc);
size_t mcf_arc_to(const struct mcf *net, size_t arc);
int64_t mcf_arc_cap(const struct mcf *net, size_t arc);

/* "LEMON network simplex", "LEMON cost scaling". */
const char *mcf_method_name(enum mcf_method method);

#ifdef __cplusplus
}
#endif

#endif
