/*
 * roster_flow.c - the roster in hand bettered period by period (docs/model.md
 * §3), each period solved exactly as a min-cost flow by LEMON (mcf.h).
 *
 * With the zones of the periods before and after held, one period is a
 * transportation problem: every instructor available to one zone, each
 * zone's seats per class (beyond them at w_balance a head) and its
 * full-time minimum.  As a flow:
 *
 *   S -> i           every instructor available in p, cap 1, cost -M
 *   i -> (z, class)  every zone i may take, cap 1, cost -(x's coefficient
 *                    + w_stay for the zone i holds in the period before,
 *                    and the one after)
 *   (z, ft) -> T     min_fulltime units at cost -M, the other full-time
 *                    seats at 0, beyond them at w_balance
 *   (z, pt) -> T     the part-time seats at 0, beyond them at w_balance
 *
 * M is larger than any roster's whole value, so the cheapest flow places
 * every instructor and meets every minimum when some roster can; among
 * those it is the best for the period.  A pass over the periods can only
 * raise R, and each flow takes a fraction of a second where GLPK's simplex
 * took seconds a period at city scale.
 */
#include "roster_parts.h"

#include <math.h>
#include <string.h>

#include "lp.h"
#include "mcf.h"

/* One period's best roster with the others held, into zone (per instructor).  0, 1 (no change), -1.
 */
static int
period_flow(struct roster_model *m, size_t p, int32_t *zone)
{
	const struct settings *st = &m->s->settings;
	size_t ni = m->ni, nz = m->nz, i, z, src, snk, zn0, in0;
	int64_t ws = roster_stay_gain(m), big, sum = 0, *arc_i = NULL;
	size_t *arc = NULL;
	struct mcf *f = NULL;
	int rc = -1;

	/* M: above the sum of every |coefficient| and every possible overflow */
	for (i = 0; i < ni; i++)
		for (z = 0; z < nz; z++) {
			int64_t c = x_coef(m, p, i, z);

			sum += (c < 0 ? -c : c) + 2 * ws;
		}
	big = sum + (st->w_balance > 0 ? st->w_balance : 0) * (int64_t)(ni + 1) + 1;
	if (big > ((int64_t)1 << 40) / 4)
		return 1; /* beyond the flow's bounds: the period stays as it is */
	arc = roster_alloc(roster_count_mul(ni, nz), sizeof(*arc));
	arc_i = roster_alloc(ni, sizeof(*arc_i));
	f = mcf_new(2 + ni + 2 * nz, roster_count_mul(ni, nz) + ni + 6 * nz);
	if (arc == NULL || arc_i == NULL || f == NULL)
		goto out;
	src = mcf_add_node(f);
	snk = mcf_add_node(f);
	zn0 = mcf_nodes(f);
	for (z = 0; z < 2 * nz; z++)
		if (mcf_add_node(f) == MCF_NONE)
			goto out;
	in0 = mcf_nodes(f);
	for (i = 0; i < ni; i++)
		if (mcf_add_node(f) == MCF_NONE)
			goto out;
	for (z = 0; z < nz; z++) {
		int64_t sft = m->rd.seats_ft[p * nz + z], spt = m->rd.seats_pt[p * nz + z];
		int64_t mn = m->s->zones[z].min_fulltime, wb = st->w_balance;
		size_t ft = zn0 + 2 * z, pt = ft + 1;

		if (mn > sft)
			mn = sft;
		if (mcf_add_arc(f, ft, snk, mn, -big) == MCF_NONE ||
		    mcf_add_arc(f, ft, snk, sft - mn, 0) == MCF_NONE ||
		    mcf_add_arc(f, ft, snk, MCF_CAP_MAX / 4, wb) == MCF_NONE ||
		    mcf_add_arc(f, pt, snk, spt, 0) == MCF_NONE ||
		    mcf_add_arc(f, pt, snk, MCF_CAP_MAX / 4, wb) == MCF_NONE)
			goto out;
	}
	for (i = 0; i < ni; i++) {
		size_t c = m->s->instructors[i].full_time ? 0 : 1;

		arc_i[i] = -1;
		if (!m->rd.available[pi_of(m, p, i)])
			continue;
		arc_i[i] = (int64_t)mcf_add_arc(f, src, in0 + i, 1, -big);
		if ((size_t)arc_i[i] == MCF_NONE)
			goto out;
		for (z = 0; z < nz; z++) {
			int64_t cost;

			arc[i * nz + z] = MCF_NONE;
			if (!roster_placeable(m, p, i, z))
				continue;
			cost = x_coef(m, p, i, z);
			if (p > 0 && m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z)
				cost += ws;
			if (p + 1 < m->np && m->zone_of[pi_of(m, p + 1, i)] == (int32_t)z)
				cost += ws;
			arc[i * nz + z] = mcf_add_arc(f, in0 + i, zn0 + 2 * z + c, 1, -cost);
			if (arc[i * nz + z] == MCF_NONE)
				goto out;
		}
	}
	if (mcf_solve(f, src, snk, MCF_NETWORK_SIMPLEX) != MCF_OPTIMAL)
		goto out;
	for (i = 0; i < ni; i++) {
		zone[i] = NO_ZONE;
		if (arc_i[i] < 0)
			continue;
		if (mcf_flow(f, (size_t)arc_i[i]) != 1) {
			rc = 1; /* someone left out: no roster places all (not reached) */
			goto out;
		}
		for (z = 0; z < nz; z++)
			if (arc[i * nz + z] != MCF_NONE && mcf_flow(f, arc[i * nz + z]) > 0)
				zone[i] = (int32_t)z;
	}
	rc = 0;
out:
	mcf_free(f);
	free(arc);
	free(arc_i);
	return rc;
}

int
roster_by_flows(struct roster_model *m, double deadline, int passes)
{
	int32_t *zone = roster_alloc(m->ni, sizeof(*zone)), *saved;
	int64_t last = roster_objective(m);
	int rc = 0;

	saved = roster_alloc(m->ni, sizeof(*saved));
	if (zone == NULL || saved == NULL) {
		free(zone);
		free(saved);
		return -1;
	}
	for (int pass = 0; pass < passes; pass++) {
		for (size_t p = 0; p < m->np; p++) {
			int r;
			int64_t now;

			if (lp_now() >= deadline)
				goto done;
			r = period_flow(m, p, zone);
			if (r < 0) {
				rc = -1;
				goto done;
			}
			if (r > 0)
				continue;
			memcpy(saved, &m->zone_of[pi_of(m, p, 0)], m->ni * sizeof(*saved));
			memcpy(&m->zone_of[pi_of(m, p, 0)], zone, m->ni * sizeof(*zone));
			now = roster_objective(m);
			if (now < last) /* not reached: the flow is the period's best */
				memcpy(&m->zone_of[pi_of(m, p, 0)], saved, m->ni * sizeof(*saved));
			else
				last = now;
		}
	}
done:
	free(zone);
	free(saved);
	return rc;
}
