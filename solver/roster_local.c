/*
 * roster_local.c - the roster in hand bettered without any model (docs/model.md
 * §3): single moves and swaps, for when the whole model would not fit in
 * the memory or the time left.
 */
#include "roster_parts.h"

#include <string.h>

#include "lp.h"

/* The cost in R of n instructors of one class in a zone with this many seats. */
static int64_t
overflow_cost(const struct roster_model *m, int64_t n, int64_t seats)
{
	int64_t wb = m->s->settings.w_balance;

	if (wb < 0)
		return wb * n; /* as roster_objective() counts it */
	return wb * (n > seats ? n - seats : 0);
}

/*
 * Better the roster in zone_of by single moves (an instructor to another
 * zone, counting the seats it frees and fills, never below a zone's
 * full-time minimum) and swaps (two instructors of the same class trade
 * zones: every count stays), until none gains or the deadline passes.
 * It needs no memory beyond the counts, whatever the scale.  Returns 0 or
 * -1 (out of memory).
 */
int
roster_local(struct roster_model *m, double deadline)
{
	size_t nz = m->nz, ni = m->ni;
	int64_t *cnt = roster_alloc(roster_count_mul(nz, 2), sizeof(*cnt));
	unsigned long evals = 0;
	bool better = true;

	if (cnt == NULL)
		return -1;
	for (int pass = 0; better && pass < 100; pass++) {
		better = false;
		for (size_t p = 0; p < m->np; p++) {
			const int64_t *sft = &m->rd.seats_ft[p * nz],
			              *spt = &m->rd.seats_pt[p * nz];

			memset(cnt, 0, nz * 2 * sizeof(*cnt));
			for (size_t i = 0; i < ni; i++) {
				int32_t a = m->zone_of[pi_of(m, p, i)];

				if (a != NO_ZONE)
					cnt[(size_t)a * 2 +
					    (m->s->instructors[i].full_time ? 0 : 1)]++;
			}
			/* Moves */
			for (size_t i = 0; i < ni; i++) {
				size_t q = pi_of(m, p, i);
				int32_t a = m->zone_of[q];
				int c = m->s->instructors[i].full_time ? 0 : 1;
				int64_t va, ca, best = 0;
				size_t to = nz;

				if (a == NO_ZONE || m->pin[q] != NO_ZONE)
					continue;
				if ((++evals & 1023) == 0 && lp_now() >= deadline)
					goto done;
				if (c == 0 && cnt[(size_t)a * 2] <= m->s->zones[a].min_fulltime)
					continue;
#define SEATS(z) ((c == 0 ? sft : spt)[z])
				va = roster_place_value(m, p, i, (size_t)a);
				ca =
				    overflow_cost(m, cnt[(size_t)a * 2 + (size_t)c] - 1, SEATS(a)) -
				    overflow_cost(m, cnt[(size_t)a * 2 + (size_t)c], SEATS(a));
				for (size_t b = 0; b < nz; b++) {
					int64_t d;

					if (b == (size_t)a || !roster_placeable(m, p, i, b))
						continue;
					d = roster_place_value(m, p, i, b) - va - ca -
					    (overflow_cost(m, cnt[b * 2 + (size_t)c] + 1,
					                   SEATS(b)) -
					     overflow_cost(m, cnt[b * 2 + (size_t)c], SEATS(b)));
					if (d > best) {
						best = d;
						to = b;
					}
				}
#undef SEATS
				if (to < nz) {
					cnt[(size_t)a * 2 + (size_t)c]--;
					cnt[to * 2 + (size_t)c]++;
					m->zone_of[q] = (int32_t)to;
					better = true;
				}
			}
			/* Swaps */
			for (size_t i = 0; i < ni; i++) {
				size_t qi = pi_of(m, p, i);
				int32_t a = m->zone_of[qi];

				if (a == NO_ZONE || m->pin[qi] != NO_ZONE)
					continue;
				if (lp_now() >= deadline)
					goto done;
				for (size_t j = i + 1; j < ni; j++) {
					size_t qj = pi_of(m, p, j);
					int32_t b = m->zone_of[qj];
					int64_t d;

					a = m->zone_of[qi];
					if (b == NO_ZONE || b == a || m->pin[qj] != NO_ZONE ||
					    m->s->instructors[i].full_time !=
					        m->s->instructors[j].full_time ||
					    !roster_placeable(m, p, i, (size_t)b) ||
					    !roster_placeable(m, p, j, (size_t)a))
						continue;
					d = roster_place_value(m, p, i, (size_t)b) +
					    roster_place_value(m, p, j, (size_t)a) -
					    roster_place_value(m, p, i, (size_t)a) -
					    roster_place_value(m, p, j, (size_t)b);
					if (d > 0) {
						m->zone_of[qi] = b;
						m->zone_of[qj] = a;
						better = true;
					}
				}
			}
		}
	}
done:
	free(cnt);
	return 0;
}
