/*
 * mcf_lemon.cc - the minimum-cost flow of mcf.h on LEMON (the COIN-OR
 * library of graph algorithms, Debian's liblemon-dev): its NetworkSimplex
 * or its CostScaling, behind the small C header.  parkplan's one C++ file.
 *
 * The network is kept in plain arrays (the arcs' ends, capacities and
 * costs).  A solve builds a LEMON SmartDigraph with one more arc, sink ->
 * source of unbounded capacity and cost 0, so that the cheapest flow of
 * any amount is the cheapest circulation; the graph and the algorithm's
 * state stay for the next solve (the max_changes search changes costs and
 * solves again).  The flows and potentials are copied out after each
 * solve.  Every exception stops at this file's C functions.
 */
#include "mcf.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <vector>

/*
 * GCC 12 sees LEMON's nodes and arcs pushed into their vectors as "maybe
 * uninitialized" once inlined here (their constructors leave the links to
 * be set next): a false alarm inside the library's headers.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace
{

typedef lemon::SmartDigraph Graph;
typedef int Value;
typedef long long Cost;
typedef lemon::NetworkSimplex<Graph, Value, Cost> Simplex;
typedef lemon::CostScaling<Graph, Value, Cost> Scaling;

/* A read-only arc map over one of the network's arrays, without a copy. */
template <typename T, typename Out> class ArrayMap
{
      public:
	typedef Graph::Arc Key;
	typedef Out Value;

	ArrayMap(const Graph &g, const std::vector<T> &v, Out last) : g_(g), v_(v), last_(last)
	{
	}
	Out operator[](const Key &a) const
	{
		size_t id = (size_t)g_.id(a);

		return id < v_.size() ? (Out)v_[id] : last_;
	}

      private:
	const Graph &g_;
	const std::vector<T> &v_;
	Out last_; /* the arc added by the solve: sink -> source */
};

} // namespace

struct mcf {
	std::vector<int32_t> from, to, cap;
	std::vector<int64_t> cost;
	size_t nodes = 0;

	/* after a solve */
	std::vector<int32_t> flow;
	std::vector<int64_t> pi;
	int64_t total = 0;

	/* kept between solves */
	std::unique_ptr<Graph> g;
	std::unique_ptr<Simplex> simplex;
	std::unique_ptr<Scaling> scaling;
	size_t built_source = MCF_NONE, built_sink = MCF_NONE, built_nodes = 0, built_arcs = 0;
};

namespace
{

/* The graph, once per source and sink: the arcs, then sink -> source. */
void
build_graph(struct mcf *net, size_t source, size_t sink)
{
	if (net->g && net->built_source == source && net->built_sink == sink &&
	    net->built_nodes == net->nodes && net->built_arcs == net->cost.size())
		return;
	net->simplex.reset();
	net->scaling.reset();
	net->g.reset(new Graph);
	net->g->reserveNode((int)net->nodes);
	net->g->reserveArc((int)net->cost.size() + 1);
	for (size_t i = 0; i < net->nodes; i++)
		net->g->addNode();
	for (size_t a = 0; a < net->cost.size(); a++)
		net->g->addArc(net->g->nodeFromId(net->from[a]), net->g->nodeFromId(net->to[a]));
	net->g->addArc(net->g->nodeFromId((int)sink), net->g->nodeFromId((int)source));
	net->built_source = source;
	net->built_sink = sink;
	net->built_nodes = net->nodes;
	net->built_arcs = net->cost.size();
}

template <typename Algo>
enum mcf_status
read_out(struct mcf *net, Algo &algo)
{
	const Graph &g = *net->g;
	size_t n = net->cost.size();

	net->flow.assign(n, 0);
	net->pi.assign(net->nodes, 0);
	for (size_t a = 0; a < n; a++)
		net->flow[a] = (int32_t)algo.flow(g.arcFromId((int)a));
	for (size_t v = 0; v < net->nodes; v++)
		net->pi[v] = algo.potential(g.nodeFromId((int)v));
	net->total = 0;
	for (size_t a = 0; a < n; a++)
		net->total += (int64_t)net->flow[a] * net->cost[a];
	return MCF_OPTIMAL;
}

} // namespace

extern "C" {

struct mcf *
mcf_new(size_t nodes, size_t arcs)
{
	try {
		std::unique_ptr<mcf> net(new mcf);

		net->from.reserve(arcs);
		net->to.reserve(arcs);
		net->cap.reserve(arcs);
		net->cost.reserve(arcs);
		(void)nodes;
		return net.release();
	} catch (...) {
		return nullptr;
	}
}

void
mcf_free(struct mcf *net)
{
	delete net;
}

size_t
mcf_add_node(struct mcf *net)
{
	if (net->nodes >= (size_t)std::numeric_limits<int32_t>::max() - 2)
		return MCF_NONE;
	return net->nodes++;
}

size_t
mcf_add_arc(struct mcf *net, size_t from, size_t to, int64_t cap, int64_t cost)
{
	if (from >= net->nodes || to >= net->nodes || cap > MCF_CAP_MAX ||
	    net->from.size() >= (size_t)std::numeric_limits<int32_t>::max() - 2)
		return MCF_NONE;
	try {
		net->from.push_back((int32_t)from);
		net->to.push_back((int32_t)to);
		net->cap.push_back(cap > 0 ? (int32_t)cap : 0);
		net->cost.push_back(cost);
	} catch (...) {
		net->from.resize(net->cost.size());
		net->to.resize(net->cost.size());
		net->cap.resize(net->cost.size());
		return MCF_NONE;
	}
	return net->cost.size() - 1;
}

void
mcf_set_cost(struct mcf *net, size_t arc, int64_t cost)
{
	net->cost[arc] = cost;
}

int64_t
mcf_get_cost(const struct mcf *net, size_t arc)
{
	return net->cost[arc];
}

size_t
mcf_arcs(const struct mcf *net)
{
	return net->cost.size();
}

size_t
mcf_nodes(const struct mcf *net)
{
	return net->nodes;
}

enum mcf_status
mcf_solve(struct mcf *net, size_t source, size_t sink, enum mcf_method method)
{
	if (source >= net->nodes || sink >= net->nodes)
		return MCF_FAILED;
	try {
		/* The return arc may carry what leaves the source at most. */
		int64_t out = 0;

		for (size_t a = 0; a < net->cost.size(); a++)
			if ((size_t)net->from[a] == source)
				out += net->cap[a];
		if (out > std::numeric_limits<Value>::max())
			return MCF_NO_MEMORY;
		build_graph(net, source, sink);
		ArrayMap<int32_t, Value> caps(*net->g, net->cap, (Value)out);
		ArrayMap<int64_t, Cost> costs(*net->g, net->cost, 0);

		if (method == MCF_COST_SCALING) {
			if (!net->scaling)
				net->scaling.reset(new Scaling(*net->g));
			net->scaling->upperMap(caps).costMap(costs);
			if (net->scaling->run() != Scaling::OPTIMAL)
				return MCF_FAILED;
			return read_out(net, *net->scaling);
		}
		if (!net->simplex)
			net->simplex.reset(new Simplex(*net->g));
		net->simplex->upperMap(caps).costMap(costs);
		if (net->simplex->run() != Simplex::OPTIMAL)
			return MCF_FAILED;
		return read_out(net, *net->simplex);
	} catch (const std::bad_alloc &) {
		return MCF_NO_MEMORY;
	} catch (...) {
		return MCF_FAILED;
	}
}

int64_t
mcf_flow(const struct mcf *net, size_t arc)
{
	return arc < net->flow.size() ? net->flow[arc] : 0;
}

int64_t
mcf_cost(const struct mcf *net)
{
	return net->total;
}

int64_t
mcf_potential(const struct mcf *net, size_t node)
{
	return node < net->pi.size() ? net->pi[node] : 0;
}

int64_t
mcf_reduced_cost(const struct mcf *net, size_t arc)
{
	return net->cost[arc] + mcf_potential(net, (size_t)net->from[arc]) -
	       mcf_potential(net, (size_t)net->to[arc]);
}

size_t
mcf_arc_from(const struct mcf *net, size_t arc)
{
	return (size_t)net->from[arc];
}

size_t
mcf_arc_to(const struct mcf *net, size_t arc)
{
	return (size_t)net->to[arc];
}

int64_t
mcf_arc_cap(const struct mcf *net, size_t arc)
{
	return net->cap[arc];
}

const char *
mcf_method_name(enum mcf_method method)
{
	return method == MCF_COST_SCALING ? "LEMON cost scaling" : "LEMON network simplex";
}

} /* extern "C" */
