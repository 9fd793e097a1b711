/*
 * lemon_alone.cc - LEMON's min-cost flow alone on a network parkplan
 * wrote (parkplanctl solve --export-network FILE, a DIMACS min-cost flow
 * file): the yardstick bench/run sets the pairing against.
 *
 *   lemon_alone FILE [ns|cs]...
 *
 * Reads the file (not timed), then for each algorithm asked (default: ns,
 * LEMON's NetworkSimplex; cs: its CostScaling) builds it on the graph,
 * runs it and prints one line:
 *
 *   lemon ns nodes N arcs A build S run S total S cost C P P
 *
 * with the seconds of setting the algorithm up on the graph and of the
 * run, the least cost, and P = -cost + the constant the file's comment
 * gives ("c P = -(min cost) + K").  Exit 1 when the file cannot be read or
 * the flow is not optimal.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <lemon/cost_scaling.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

namespace
{

typedef lemon::SmartDigraph Graph;
typedef long long Cost;

double
seconds_since(std::chrono::steady_clock::time_point t0)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/* The constant of "c P = -(min cost) + K" (or "- K"), 0 when the file has none. */
long long
p_constant(const char *path)
{
	std::ifstream in(path);
	std::string line;

	while (std::getline(in, line) && (line.empty() || line[0] == 'c')) {
		const char *at = std::strstr(line.c_str(), "P = -(min cost) ");
		long long k;
		char sign;

		if (at != nullptr && std::sscanf(at, "P = -(min cost) %c %lld", &sign, &k) == 2)
			return sign == '-' ? -k : k;
	}
	return 0;
}

} // namespace

int
main(int argc, char **argv)
{
	if (argc < 2) {
		std::fprintf(stderr, "usage: lemon_alone FILE [ns|cs]...\n");
		return 2;
	}
	try {
		Graph g;
		Graph::ArcMap<int> lower(g), cap(g);
		Graph::ArcMap<Cost> cost(g);
		Graph::NodeMap<int> supply(g);
		std::ifstream in(argv[1]);
		long long konst = p_constant(argv[1]);
		int rc = 0;

		if (!in) {
			std::fprintf(stderr, "lemon_alone: cannot read %s\n", argv[1]);
			return 1;
		}
		lemon::readDimacsMin(in, g, lower, cap, cost, supply);
		for (int k = argc > 2 ? 2 : 1; k < (argc > 2 ? argc : 2); k++) {
			const char *algo = argc > 2 ? argv[k] : "ns";
			auto t0 = std::chrono::steady_clock::now();
			double build, run;
			Cost total;

			if (std::strcmp(algo, "cs") == 0) {
				lemon::CostScaling<Graph, int, Cost> cs(g);

				cs.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(supply);
				build = seconds_since(t0);
				t0 = std::chrono::steady_clock::now();
				if (cs.run() != lemon::CostScaling<Graph, int, Cost>::OPTIMAL)
					rc = 1;
				run = seconds_since(t0);
				total = cs.totalCost();
			} else {
				lemon::NetworkSimplex<Graph, int, Cost> ns(g);

				ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(supply);
				build = seconds_since(t0);
				t0 = std::chrono::steady_clock::now();
				if (ns.run() != lemon::NetworkSimplex<Graph, int, Cost>::OPTIMAL)
					rc = 1;
				run = seconds_since(t0);
				total = ns.totalCost();
			}
			std::printf(
			    "lemon %s nodes %d arcs %d build %.3f run %.3f total %.3f cost %lld "
			    "P %lld\n",
			    std::strcmp(algo, "cs") == 0 ? "cs" : "ns", lemon::countNodes(g),
			    lemon::countArcs(g), build, run, build + run, total, konst - total);
		}
		return rc;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "lemon_alone: %s\n", e.what());
		return 1;
	}
}
