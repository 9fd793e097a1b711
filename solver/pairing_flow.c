/*
 * pairing_flow.c - without max_changes the pairing (docs/model.md §2) is a
 * network, and a min-cost flow (mcf.h) finds its proven optimum far faster
 * than the branch-and-cut.  The flow through the communities is at most
 * the sum of max_partners, which bounds the work.  The network:
 *
 *   S -> e     cap min(max_communities(e), candidates of e) - pins of e
 *   e -> c     every candidate that is not pinned, cap 1, cost -score; with
 *              diverse_industries and two or more candidates of industry k
 *              at c: e -> (c,k), and (c,k) -> c cap 1 - pins of (c,k)
 *   c -> T     up to min_partners: cost -w_uncovered (a partner saves a
 *              shortfall); then up to max_partners: cost 0, less the pins
 *
 * Pinned pairs carry their unit of flow from the start; the arcs' capacities
 * above are what remains.  The flow is deterministic: arcs are built in
 * candidate order and ties are broken by node number.
 */
#include "pairing_impl.h"

#include <stdlib.h>
#include <string.h>

#include "mcf.h"

/* Largest score or w_uncovered the flow takes: path costs stay far inside int64. */
#define FLOW_DATA_MAX ((int64_t)1 << 30)

enum pairing_flow
pairing_flow_solve(const struct pairing_data *d, unsigned char *chosen, size_t *buf,
                   double deadline)
{
	const struct snapshot *s = d->s;
	const struct settings *st = &s->settings;
	struct mcf *f = NULL;
	size_t *arc = NULL, *e_node = NULL;
	size_t e, c, i, j, k, n, source, sink;
	enum pairing_flow fr = PAIRING_FLOW_UNSUITABLE;
	enum mcf_status ms;
	int64_t w = st->w_uncovered;

	if (st->max_changes >= 0 || w < 0 || w > FLOW_DATA_MAX)
		return PAIRING_FLOW_UNSUITABLE;
	for (i = 0; i < d->pc.n; i++)
		if (d->pc.v[i].score > FLOW_DATA_MAX || d->pc.v[i].score < -FLOW_DATA_MAX)
			return PAIRING_FLOW_UNSUITABLE;
	arc = calloc(d->pc.n + 1, sizeof(*arc));
	e_node = calloc(s->n_enterprises + 1, sizeof(*e_node));
	f = mcf_new();
	if (arc == NULL || e_node == NULL || f == NULL)
		goto out;
	memset(chosen, 0, d->pc.n);

	/* nodes: S, T, the enterprises, the communities, (c,k) */
	source = mcf_add_node(f);
	sink = mcf_add_node(f);
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t ncand = (int64_t)(d->e_start[e + 1] - d->e_start[e]), cap, pins = 0;

		if (ncand == 0)
			continue;
		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			pins += d->pc.v[i].pinned;
		cap = s->enterprises[e].max_communities < ncand ? s->enterprises[e].max_communities
		                                                : ncand;
		if (cap < pins) {
			fr = PAIRING_FLOW_INFEASIBLE;
			goto out;
		}
		e_node[e] = mcf_add_node(f);
		if (mcf_add_arc(f, source, e_node[e], cap - pins, 0) == MCF_NONE)
			goto out;
	}
	for (c = 0; c < s->n_communities; c++) {
		const struct community *cm = &s->communities[c];
		size_t lo = d->c_start[c], hi = d->c_start[c + 1], cn;
		int64_t ncand = (int64_t)(hi - lo), lim, first, pins = 0;

		if (lo == hi)
			continue;
		cn = mcf_add_node(f);
		for (i = lo; i < hi; i++)
			pins += d->pc.v[d->c_list[i]].pinned;
		lim = cm->max_partners < ncand ? cm->max_partners : ncand;
		if (lim < pins) {
			fr = PAIRING_FLOW_INFEASIBLE;
			goto out;
		}
		first = cm->min_partners < lim ? cm->min_partners : lim;
		if (first < 0)
			first = 0;
		/* the pins take the cheapest units: first those below the minimum */
		if (mcf_add_arc(f, cn, sink, first - pins, -w) == MCF_NONE ||
		    mcf_add_arc(f, cn, sink, pins > first ? lim - pins : lim - first, 0) ==
		        MCF_NONE)
			goto out;
		n = st->diverse_industries ? pairing_by_industry(d, c, buf) : hi - lo;
		if (!st->diverse_industries)
			memcpy(buf, d->c_list + lo, n * sizeof(*buf));
		for (k = 0; k < n; k = j) {
			size_t to = cn;
			int64_t gpins = 0;

			for (j = k; j < n && st->diverse_industries &&
			            pairing_industry_cmp(pairing_cand_industry(d, buf[k]),
			                                 pairing_cand_industry(d, buf[j])) == 0;
			     j++)
				gpins += d->pc.v[buf[j]].pinned;
			if (!st->diverse_industries)
				j = n;
			else if (pairing_cand_industry(d, buf[k]) != NULL && j - k >= 2) {
				if (gpins > 1) {
					fr = PAIRING_FLOW_INFEASIBLE;
					goto out;
				}
				to = mcf_add_node(f);
				if (mcf_add_arc(f, to, cn, 1 - gpins, 0) == MCF_NONE)
					goto out;
			}
			for (i = k; i < j; i++) {
				const struct pair_candidate *pc = &d->pc.v[buf[i]];

				if (pc->pinned) {
					arc[buf[i]] = MCF_NONE;
					continue;
				}
				arc[buf[i]] = mcf_add_arc(f, e_node[pc->e], to, 1, -pc->score);
				if (arc[buf[i]] == MCF_NONE)
					goto out;
			}
		}
	}
	ms = mcf_solve(f, source, sink, deadline);
	if (ms != MCF_OPTIMAL && ms != MCF_STOPPED)
		goto out;
	for (i = 0; i < d->pc.n; i++)
		chosen[i] = d->pc.v[i].pinned || mcf_flow(f, arc[i]) > 0;
	if (!pairing_feasible(d, chosen, buf))
		goto out;
	fr = ms == MCF_STOPPED ? PAIRING_FLOW_STOPPED : PAIRING_FLOW_OPTIMAL;
out:
	mcf_free(f);
	free(arc);
	free(e_node);
	return fr;
}
