/*
 * pairing_flow.c - the pairing (docs/model.md §2) as a network, solved as a
 * min-cost flow by LEMON (mcf.h), and the network written as a DIMACS
 * min-cost flow file.  The network:
 *
 *   S -> e     cap min(max_communities(e), candidates of e) - pins of e
 *   e -> c     every candidate that is not pinned, cap 1, cost -score; with
 *              diverse_industries and two or more candidates of industry k
 *              at c: e -> (c,k), and (c,k) -> c cap 1 - pins of (c,k)
 *   c -> T     up to min_partners: cost -w_uncovered (a partner saves a
 *              shortfall); then up to max_partners: cost 0, less the pins
 *
 * Pinned pairs carry their unit of flow from the start; the arcs'
 * capacities above are what remains.  Without max_changes the cheapest
 * flow is the best pairing; with it, the search of pairing_lagrange.c
 * solves the same network with the keep bonus of the plan in force's pairs
 * raised (pairing_net_costs()).  Arcs are built in candidate order.
 */
#include "pairing_parts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp.h"
#include "mcf.h"

/* The solver used for every flow of the pairing, chosen by measurement (bench/README.md). */
#define PAIRING_MCF_METHOD MCF_NETWORK_SIMPLEX

/* Largest |cost| an arc of the flow takes: path costs stay far inside int64. */
#define FLOW_COST_MAX ((int64_t)1 << 40)

#define ARC_NONE UINT32_MAX

void
pairing_net_free(struct pairing_net *net)
{
	mcf_free(net->f);
	free(net->arc);
	free(net->to);
	free(net->e_arc);
	free(net->e_node_of);
	free(net->e_cap);
	free(net->c_node);
	free(net->c_min);
	free(net->c_rest);
	free(net->group_in);
	free(net->group_arc);
	memset(net, 0, sizeof(*net));
}

const char *
pairing_net_method(void)
{
	return mcf_method_name(PAIRING_MCF_METHOD);
}

/* The cost of candidate i's arc under the costs in force. */
static int64_t
cand_cost(const struct pairing_net *net, const struct pair_candidate *pc)
{
	return -(net->den * pc->score + (pc->previous ? net->num : 0));
}

/* The node candidate i's arc goes to: its community's, or its (c,k) node's. */
static size_t
cand_to(const struct pairing_net *net, const struct pairing_data *d, size_t i)
{
	return net->to != NULL ? net->to[i] : net->c_node[d->pc.v[i].c];
}

/* Candidate i's arc into the network (its enterprise's node first).  0 or -1. */
static int
activate(struct pairing_net *net, const struct pairing_data *d, size_t i)
{
	const struct pair_candidate *pc = &d->pc.v[i];
	size_t e = pc->e, a;

	if (net->e_node_of[e] == MCF_NONE) {
		net->e_node_of[e] = mcf_add_node(net->f);
		if (net->e_node_of[e] == MCF_NONE)
			return -1;
		net->e_arc[e] =
		    mcf_add_arc(net->f, net->source, net->e_node_of[e], net->e_cap[e], 0);
		if (net->e_arc[e] == MCF_NONE)
			return -1;
	}
	a = mcf_add_arc(net->f, net->e_node_of[e], cand_to(net, d, i), 1, cand_cost(net, pc));
	if (a == MCF_NONE || a >= ARC_NONE)
		return -1;
	net->arc[i] = (uint32_t)a;
	if (net->group_in != NULL && net->to[i] != net->c_node[pc->c])
		net->group_in[net->to[i] - net->group0]++;
	net->n_active++;
	return 0;
}

/* The (c,k) nodes of community c (diverse_industries), into net->to.  0, 1 (pins), -1. */
static int
community_groups(struct pairing_net *net, const struct pairing_data *d, size_t c, size_t *buf)
{
	size_t n = pairing_by_industry(d, c, buf), i, j, k;

	for (k = 0; k < n; k = j) {
		size_t to = net->c_node[c];
		int64_t gpins = 0;

		for (j = k; j < n && pairing_industry_cmp(pairing_cand_industry(d, buf[k]),
		                                          pairing_cand_industry(d, buf[j])) == 0;
		     j++)
			gpins += d->pc.v[buf[j]].pinned;
		if (pairing_cand_industry(d, buf[k]) != NULL && j - k >= 2) {
			if (gpins > 1)
				return 1;
			size_t ga;

			to = mcf_add_node(net->f);
			if (to == MCF_NONE || to > UINT32_MAX)
				return -1;
			ga = mcf_add_arc(net->f, to, net->c_node[c], 1 - gpins, 0);
			if (ga == MCF_NONE)
				return -1;
			if (net->n_groups % 256 == 0) {
				size_t *g2 =
				    realloc(net->group_arc, (net->n_groups + 256) * sizeof(*g2));

				if (g2 == NULL)
					return -1;
				net->group_arc = g2;
			}
			net->group_arc[net->n_groups++] = ga;
		}
		for (i = k; i < j; i++)
			net->to[buf[i]] = (uint32_t)to;
	}
	return 0;
}

/* Arcs of one enterprise joining the network at a time: at most this many. */
#define PRICE_PER_ENTERPRISE 12
/*
 * Arcs whose reduced cost is below this many points of score join too, not
 * only the negative ones: the potentials move as arcs join, and the arcs
 * just above zero are the next ones to turn negative.  On the sample city
 * it saves two of the re-solves (each a full network simplex).
 */
#define PRICE_NEAR 40

/* How many of enterprise e's arcs join at a time: a few more than it may take. */
static size_t
per_enterprise(const struct pairing_data *d, size_t e)
{
	int64_t k = 2 * d->s->enterprises[e].max_communities + 4;

	return k < 1 ? 1 : k > PRICE_PER_ENTERPRISE ? PRICE_PER_ENTERPRISE : (size_t)k;
}

/* A small min-heap of candidate indices by score: the best k offered so far. */
static void
heap_offer(size_t *h, size_t *n, size_t k, const struct pair_candidates *pc, size_t i)
{
	size_t at;

	if (k == 0)
		return;
	if (*n < k) {
		at = (*n)++;
		/* sift up a min-heap by score: the root is the worst kept */
		while (at > 0 && pc->v[h[(at - 1) / 2]].score > pc->v[i].score) {
			h[at] = h[(at - 1) / 2];
			at = (at - 1) / 2;
		}
		h[at] = i;
		return;
	}
	if (pc->v[h[0]].score >= pc->v[i].score)
		return;
	at = 0;
	for (;;) {
		size_t l = 2 * at + 1, r = l + 1, m = at;
		int32_t sm = pc->v[i].score;

		if (l < k && pc->v[h[l]].score < sm) {
			m = l;
			sm = pc->v[h[l]].score;
		}
		if (r < k && pc->v[h[r]].score < sm)
			m = r;
		if (m == at)
			break;
		h[at] = h[m];
		at = m;
	}
	h[at] = i;
}

/* Candidate arcs to start from: each community's best few, and every pair of the plan in force. */
static int
initial_arcs(struct pairing_net *net, const struct pairing_data *d)
{
	const struct snapshot *s = d->s;
	size_t c, e, i, *heap, *hn, *hk, *hs, total = 0;
	int rc = -1;

	hk = calloc(s->n_communities + 1, sizeof(*hk));
	hs = calloc(s->n_communities + 1, sizeof(*hs));
	hn = calloc(s->n_communities + 1, sizeof(*hn));
	if (hk == NULL || hs == NULL || hn == NULL)
		goto out;
	for (c = 0; c < s->n_communities; c++) {
		int64_t k = 4 * s->communities[c].max_partners + 4;
		size_t nc = d->c_start[c + 1] - d->c_start[c];

		hk[c] = k < 0 ? 0 : (size_t)k < nc ? (size_t)k : nc;
		hs[c] = total;
		total += hk[c];
	}
	heap = calloc(total + 1, sizeof(*heap));
	if (heap == NULL)
		goto out;
	for (i = 0; i < d->pc.n; i++) {
		const struct pair_candidate *pc = &d->pc.v[i];

		if (pc->pinned)
			continue;
		if (pc->previous) {
			if (activate(net, d, i) != 0)
				goto out_heap;
			continue;
		}
		heap_offer(heap + hs[pc->c], &hn[pc->c], hk[pc->c], &d->pc, i);
	}
	for (c = 0; c < s->n_communities; c++)
		for (i = 0; i < hn[c]; i++)
			if (activate(net, d, heap[hs[c] + i]) != 0)
				goto out_heap;
	/* and each enterprise's best few */
	for (e = 0; e < s->n_enterprises; e++) {
		size_t eh[PRICE_PER_ENTERPRISE], en = 0, k = per_enterprise(d, e);

		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			if (!d->pc.v[i].pinned && net->arc[i] == ARC_NONE)
				heap_offer(eh, &en, k, &d->pc, i);
		for (i = 0; i < en; i++)
			if (activate(net, d, eh[i]) != 0)
				goto out_heap;
	}
	rc = 0;
out_heap:
	free(heap);
out:
	free(hk);
	free(hs);
	free(hn);
	return rc;
}

int
pairing_net_build(struct pairing_net *net, const struct pairing_data *d, bool full)
{
	const struct snapshot *s = d->s;
	size_t e, c, i, *buf = NULL;
	int rc = -1;

	memset(net, 0, sizeof(*net));
	net->den = 1;
	net->arc = malloc((d->pc.n + 1) * sizeof(*net->arc));
	net->e_arc = calloc(s->n_enterprises + 1, sizeof(*net->e_arc));
	net->e_node_of = calloc(s->n_enterprises + 1, sizeof(*net->e_node_of));
	net->e_cap = calloc(s->n_enterprises + 1, sizeof(*net->e_cap));
	net->c_node = calloc(s->n_communities + 1, sizeof(*net->c_node));
	net->c_min = calloc(s->n_communities + 1, sizeof(*net->c_min));
	net->c_rest = calloc(s->n_communities + 1, sizeof(*net->c_rest));
	net->f = mcf_new(2 + s->n_communities,
	                 full ? d->pc.n + s->n_enterprises + 2 * s->n_communities : 0);
	if (net->arc == NULL || net->e_arc == NULL || net->e_node_of == NULL ||
	    net->e_cap == NULL || net->c_node == NULL || net->c_min == NULL ||
	    net->c_rest == NULL || net->f == NULL)
		goto out;
	for (i = 0; i < d->pc.n; i++)
		net->arc[i] = ARC_NONE;

	/* nodes: S, T, the communities, (c,k), then the enterprises as their arcs come */
	net->source = mcf_add_node(net->f);
	net->sink = mcf_add_node(net->f);
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t ncand = (int64_t)(d->e_start[e + 1] - d->e_start[e]), cap, pins = 0;

		net->e_arc[e] = MCF_NONE;
		net->e_node_of[e] = MCF_NONE;
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			pins += d->pc.v[i].pinned;
		cap = s->enterprises[e].max_communities < ncand ? s->enterprises[e].max_communities
		                                                : ncand;
		if (cap < pins) {
			rc = 1;
			goto out;
		}
		net->e_cap[e] = cap - pins;
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1], cn;
		int64_t ncand = (int64_t)(hi - lo), lim, first, pins = 0;

		net->c_node[c] = net->c_min[c] = net->c_rest[c] = MCF_NONE;
		if (lo == hi)
			continue;
		cn = net->c_node[c] = mcf_add_node(net->f);
		if (cn == MCF_NONE || cn > UINT32_MAX)
			goto out;
		for (i = lo; i < hi; i++)
			pins += d->pc.v[d->c_list[i]].pinned;
		lim = cm->max_partners < ncand ? cm->max_partners : ncand;
		if (lim < pins) {
			rc = 1;
			goto out;
		}
		first = cm->min_partners < lim ? cm->min_partners : lim;
		if (first < 0)
			first = 0;
		/* the pins take the cheapest units: first those below the minimum */
		net->c_min[c] = mcf_add_arc(net->f, cn, net->sink, first - pins, 0);
		net->c_rest[c] =
		    mcf_add_arc(net->f, cn, net->sink, pins > first ? lim - pins : lim - first, 0);
		if (net->c_min[c] == MCF_NONE || net->c_rest[c] == MCF_NONE)
			goto out;
	}
	if (s->settings.diverse_industries) {
		net->to = malloc((d->pc.n + 1) * sizeof(*net->to));
		buf = calloc(d->pc.n + 1, sizeof(*buf));
		if (net->to == NULL || buf == NULL)
			goto out;
		net->group0 = mcf_nodes(net->f);
		for (c = 0; c < s->n_communities; c++) {
			int r;

			if (d->c_start[c] == d->c_start[c + 1])
				continue;
			r = community_groups(net, d, c, buf);
			if (r != 0) {
				rc = r;
				goto out;
			}
		}
		net->group_in = calloc(mcf_nodes(net->f) - net->group0 + 1, sizeof(*net->group_in));
		if (net->group_in == NULL)
			goto out;
	}
	if (pairing_net_costs(net, d, 1, 0) != 0)
		goto out;
	if (full) {
		for (i = 0; i < d->pc.n; i++)
			if (!d->pc.v[i].pinned && activate(net, d, i) != 0)
				goto out;
		/* and every enterprise that has candidates, as the network of §2.4 has */
		for (e = 0; e < s->n_enterprises; e++)
			if (d->e_start[e] < d->e_start[e + 1] && net->e_node_of[e] == MCF_NONE) {
				net->e_node_of[e] = mcf_add_node(net->f);
				if (net->e_node_of[e] == MCF_NONE)
					goto out;
				net->e_arc[e] = mcf_add_arc(net->f, net->source, net->e_node_of[e],
				                            net->e_cap[e], 0);
				if (net->e_arc[e] == MCF_NONE)
					goto out;
			}
	} else if (initial_arcs(net, d) != 0) {
		goto out;
	}
	rc = 0;
out:
	free(buf);
	if (rc != 0)
		pairing_net_free(net);
	return rc;
}

int
pairing_net_costs(struct pairing_net *net, const struct pairing_data *d, int64_t den, int64_t num)
{
	const struct snapshot *s = d->s;
	int64_t w = s->settings.w_uncovered, lim = FLOW_COST_MAX, smax = 0;
	size_t i, c;

	for (i = 0; i < d->pc.n; i++) {
		int64_t sc = d->pc.v[i].score;

		if (sc > smax)
			smax = sc;
		if (-sc > smax)
			smax = -sc;
	}
	if (den < 0 || num < 0 || num > lim / 2 ||
	    (den > 0 && (w > lim / den || smax > lim / 2 / den)))
		return -1;
	net->den = den;
	net->num = num;
	for (c = 0; c < s->n_communities; c++)
		if (net->c_min[c] != MCF_NONE)
			mcf_set_cost(net->f, net->c_min[c], -den * w);
	for (i = 0; i < d->pc.n; i++)
		if (net->arc[i] != ARC_NONE)
			mcf_set_cost(net->f, net->arc[i], cand_cost(net, &d->pc.v[i]));
	return 0;
}

/*
 * The potentials the pricing uses.  Enterprise e's is raised as far as its
 * own arcs allow (every arc at its node keeps its reduced cost's sign):
 * into *up; false when nothing bounds it (the enterprise can take no more,
 * so no arc of it could join).  A (c,k) node no arc reaches yet is taken
 * at its community's.  Both leave the flow optimal on the network as it
 * is, and price out as many arcs as they can.
 */
static bool
enterprise_up(const struct pairing_net *net, const struct pairing_data *d, size_t e, int64_t *up)
{
	int64_t ps = mcf_potential(net->f, net->source);
	bool bounded = false;
	size_t i;

	*up = INT64_MAX;
	if (net->e_node_of[e] == MCF_NONE) {
		if (net->e_cap[e] > 0) {
			*up = ps;
			bounded = true;
		}
		return bounded;
	}
	if (mcf_flow(net->f, net->e_arc[e]) < net->e_cap[e]) {
		*up = ps;
		bounded = true;
	}
	for (i = d->e_start[e]; i < d->e_start[e + 1]; i++) {
		int64_t lim;

		if (net->arc[i] == ARC_NONE || mcf_flow(net->f, net->arc[i]) <= 0)
			continue;
		lim = mcf_potential(net->f, cand_to(net, d, i)) - cand_cost(net, &d->pc.v[i]);
		if (!bounded || lim < *up)
			*up = lim;
		bounded = true;
	}
	return bounded;
}

static int64_t
target_pot(const struct pairing_net *net, const struct pairing_data *d, size_t i)
{
	size_t to = cand_to(net, d, i);

	if (net->group_in != NULL && to >= net->group0 && net->group_in[to - net->group0] == 0)
		to = net->c_node[d->pc.v[i].c];
	return mcf_potential(net->f, to);
}

int
pairing_net_reduced_costs(const struct pairing_net *net, const struct pairing_data *d, int64_t *rc)
{
	size_t e, i;

	for (e = 0; e < d->s->n_enterprises; e++) {
		int64_t up;
		bool bounded = enterprise_up(net, d, e, &up);

		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++) {
			if (d->pc.v[i].pinned)
				rc[i] = 0;
			else if (!bounded)
				rc[i] = INT64_MAX;
			else
				rc[i] = cand_cost(net, &d->pc.v[i]) + up - target_pot(net, d, i);
		}
	}
	return 0;
}

/*
 * Whether the flow in hand is the cheapest over every candidate arc, the
 * arcs not in the network included: under the potentials above, the arcs
 * left out whose reduced cost is negative (or just above zero) join the
 * network, the smallest few of each enterprise at a time; true when none
 * was negative.  -1 when out of memory.
 */
static int
price_out(struct pairing_net *net, const struct pairing_data *d)
{
	const struct snapshot *s = d->s;
	int64_t krc[PRICE_PER_ENTERPRISE], near = PRICE_NEAR * (net->den > 0 ? net->den : 1);
	size_t e, i, k, kn, added = 0, negative = 0, ki[PRICE_PER_ENTERPRISE];

	for (e = 0; e < s->n_enterprises; e++) {
		size_t lo = d->e_start[e], hi = d->e_start[e + 1];
		int64_t up;

		if (lo == hi || !enterprise_up(net, d, e, &up))
			continue;
		/* the most negative reduced costs, a few at a time */
		kn = 0;
		k = per_enterprise(d, e);
		for (i = lo; i < hi; i++) {
			size_t at;
			int64_t rc;

			if (net->arc[i] != ARC_NONE || d->pc.v[i].pinned)
				continue;
			rc = cand_cost(net, &d->pc.v[i]) + up - target_pot(net, d, i);
			if (rc >= near || (kn == k && rc >= krc[kn - 1]))
				continue;
			/* insertion into the k best, most negative first */
			at = kn < k ? kn++ : kn - 1;
			while (at > 0 && krc[at - 1] > rc) {
				krc[at] = krc[at - 1];
				ki[at] = ki[at - 1];
				at--;
			}
			krc[at] = rc;
			ki[at] = i;
		}
		for (i = 0; i < kn; i++) {
			if (activate(net, d, ki[i]) != 0)
				return -1;
			negative += krc[i] < 0;
		}
		added += kn;
	}
	(void)added;
	return negative == 0;
}

int
pairing_net_solve(struct pairing_net *net, const struct pairing_data *d, unsigned char *chosen)
{
	size_t i;

	for (;;) {
		int r;

		if (mcf_solve(net->f, net->source, net->sink, PAIRING_MCF_METHOD) != MCF_OPTIMAL)
			return -1;
		net->rounds++;
		r = price_out(net, d);
		if (r < 0)
			return -1;
		if (r > 0)
			break;
	}
	for (i = 0; i < d->pc.n; i++)
		chosen[i] = d->pc.v[i].pinned ||
		            (net->arc[i] != ARC_NONE && mcf_flow(net->f, net->arc[i]) > 0);
	return 0;
}

enum pairing_flow
pairing_flow_solve(const struct pairing_data *d, unsigned char *chosen, size_t *buf)
{
	struct pairing_net net;
	enum pairing_flow fr = PAIRING_FLOW_FAILED;
	int r;

	memset(chosen, 0, d->pc.n);
	r = pairing_net_build(&net, d, false);
	if (r > 0)
		return PAIRING_FLOW_INFEASIBLE;
	if (r < 0)
		return PAIRING_FLOW_FAILED;
	if (pairing_net_solve(&net, d, chosen) == 0 && pairing_feasible(d, chosen, buf))
		fr = PAIRING_FLOW_OPTIMAL;
	pairing_net_free(&net);
	return fr;
}

/* ------------------------------------------------------------------ */
/* The network as a DIMACS min-cost flow file                          */
/* ------------------------------------------------------------------ */

int
pairing_export_network(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                       char *err, size_t errlen)
{
	struct pairing_data d;
	struct pairing_net net;
	FILE *f = NULL;
	int64_t out = 0, konst = 0;
	size_t a, n, i, c;
	int r, rc = -1;

	if (pairing_data_build(&d, s, ix) != 0) {
		snprintf(err, errlen, "out of memory building the pairing candidates");
		return -1;
	}
	r = pairing_net_build(&net, &d, true);
	if (r != 0) {
		snprintf(err, errlen, "%s",
		         r > 0 ? "the pins cannot all be met: the pairing has no network"
		               : "out of memory building the pairing network");
		pairing_data_free(&d);
		return -1;
	}
	n = mcf_arcs(net.f);
	for (a = 0; a < n; a++)
		if (mcf_arc_from(net.f, a) == net.source)
			out += mcf_arc_cap(net.f, a);
	/* P = -(cost of the flow) + the pins' scores - w_uncovered * (the minimums the pins leave)
	 */
	for (i = 0; i < d.pc.n; i++)
		if (d.pc.v[i].pinned)
			konst += d.pc.v[i].score;
	for (c = 0; c < s->n_communities; c++) {
		int64_t pins = 0, m = s->communities[c].min_partners;

		for (i = d.c_start[c]; i < d.c_start[c + 1]; i++)
			pins += d.pc.v[d.c_list[i]].pinned;
		konst -= s->settings.w_uncovered * (m > pins ? m - pins : 0);
	}
	f = fopen(path, "w");
	if (f == NULL) {
		snprintf(err, errlen, "cannot write the pairing network to %s", path);
		goto done;
	}
	fprintf(f,
	        "c parkplan pairing network (docs/model.md 2.4): a min-cost circulation\n"
	        "c nodes: 1 source, 2 sink, then communities, (community, industry), enterprises\n"
	        "c the last arc returns the flow from the sink to the source\n"
	        "c P = -(min cost) %c %" PRId64 "\n"
	        "p min %zu %zu\n",
	        konst < 0 ? '-' : '+', konst < 0 ? -konst : konst, mcf_nodes(net.f), n + 1);
	for (a = 0; a < n; a++)
		fprintf(f, "a %zu %zu 0 %" PRId64 " %" PRId64 "\n", mcf_arc_from(net.f, a) + 1,
		        mcf_arc_to(net.f, a) + 1, mcf_arc_cap(net.f, a), mcf_get_cost(net.f, a));
	fprintf(f, "a %zu %zu 0 %" PRId64 " 0\n", net.sink + 1, net.source + 1, out);
	if (ferror(f) || fclose(f) != 0) {
		f = NULL;
		snprintf(err, errlen, "cannot write the pairing network to %s", path);
		goto done;
	}
	f = NULL;
	rc = 0;
done:
	if (f != NULL)
		fclose(f);
	pairing_net_free(&net);
	pairing_data_free(&d);
	return rc;
}
