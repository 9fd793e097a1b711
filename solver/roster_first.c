/*
 * roster_first.c - the first roster (docs/model.md §3): each instructor
 * where the plan in force had them, else in their best zone, then the
 * zones' full-time minimums met by an augmenting-path matching.  It is
 * GLPK's warm start and the fallback plan; a period it cannot roster is
 * infeasible, and says why (roster_reasons.c).
 */
#include "roster_parts.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Full-time minimums: a matching of instructors to the zones' needs   */
/* ------------------------------------------------------------------ */

/*
 * Make zone_of[p] give every zone its min_fulltime full-time instructors,
 * moving as few of them as an augmenting-path search does: the full-time
 * instructors already placed count towards their zone's need, and a zone
 * short of instructors takes one through a chain of moves, each instructor
 * moving to a zone it may be placed in.  Every full-time instructor must
 * already have a zone in zone_of.
 *
 * Returns 0 when every need is met, 1 when one cannot be (then, by Hall's
 * theorem, the zones flagged in *hall need more full-time instructors than
 * can be placed in them all; *hall_need and *hall_can say how many), -1 when
 * out of memory.
 */
int
roster_fill_fulltime(struct roster_model *m, size_t p, unsigned char *hall, int64_t *hall_need,
                     int64_t *hall_can)
{
	size_t nz = m->nz, ni = m->ni, z, i;
	int64_t *held = roster_alloc(nz, sizeof(*held));
	size_t *queue = roster_alloc(nz, sizeof(*queue));
	size_t *from_zone = roster_alloc(nz, sizeof(*from_zone));
	size_t *via =
	    roster_alloc(nz, sizeof(*via)); /* instructor moved into the zone's predecessor */
	unsigned char *seen_i = roster_alloc(ni, 1);
	unsigned char *seen_z = roster_alloc(nz, 1);
	unsigned char *counted = roster_alloc(ni, 1); /* full-time, and held towards a need */
	int32_t *zone_of = &m->zone_of[pi_of(m, p, 0)];
	int rc = 0;

	if (held == NULL || queue == NULL || from_zone == NULL || via == NULL || seen_i == NULL ||
	    seen_z == NULL || counted == NULL) {
		rc = -1;
		goto done;
	}
	/* Instructors already where they are count while their zone still needs them. */
	for (size_t k = 0; k < ni; k++) {
		i = m->inst_order[k];
		if (!m->rd.available[pi_of(m, p, i)] || !m->s->instructors[i].full_time ||
		    zone_of[i] == NO_ZONE)
			continue;
		z = (size_t)zone_of[i];
		if (held[z] < m->s->zones[z].min_fulltime) {
			held[z]++;
			counted[i] = 1;
		}
	}
	for (size_t kz = 0; kz < nz; kz++) {
		size_t root = m->zone_order[kz];

		while (held[root] < m->s->zones[root].min_fulltime) {
			size_t head = 0, tail = 0, found_i = SIZE_MAX, found_z = 0;

			memset(seen_i, 0, ni);
			memset(seen_z, 0, nz);
			queue[tail++] = root;
			seen_z[root] = 1;
			while (head < tail && found_i == SIZE_MAX) {
				size_t zz = queue[head++];

				for (size_t k = 0; k < ni; k++) {
					i = m->inst_order[k];
					if (seen_i[i] || !m->rd.available[pi_of(m, p, i)] ||
					    !m->s->instructors[i].full_time ||
					    !roster_placeable(m, p, i, zz))
						continue;
					seen_i[i] = 1;
					if (!counted[i]) {
						found_i = i;
						found_z = zz;
						break;
					}
					/* i holds a need: its zone must find another. */
					if (!seen_z[zone_of[i]]) {
						seen_z[zone_of[i]] = 1;
						from_zone[zone_of[i]] = zz;
						via[zone_of[i]] = i;
						queue[tail++] = (size_t)zone_of[i];
					}
				}
			}
			if (found_i == SIZE_MAX) {
				int64_t need = 0, can = 0;

				for (z = 0; z < nz; z++) {
					hall[z] = seen_z[z];
					if (seen_z[z])
						need += m->s->zones[z].min_fulltime;
				}
				for (i = 0; i < ni; i++)
					can += seen_i[i];
				*hall_need = need;
				*hall_can = can;
				rc = 1;
				goto done;
			}
			/* Move found_i into found_z, then each displaced instructor back a step. */
			zone_of[found_i] = (int32_t)found_z;
			counted[found_i] = 1;
			for (z = found_z; z != root; z = from_zone[z]) {
				size_t mover = via[z];

				zone_of[mover] = (int32_t)from_zone[z];
			}
			held[root]++;
		}
	}
done:
	free(held);
	free(queue);
	free(from_zone);
	free(via);
	free(seen_i);
	free(seen_z);
	free(counted);
	return rc;
}

/*
 * A first roster, used as GLPK's warm start and as the fallback plan: each
 * available instructor in its zone of the plan in force when allowed (the
 * best such zone when it had several), else the best allowed zone counting
 * the stay bonus, then moved as little as needed to meet every zone's
 * full-time minimum.  Returns 0, 1 when no roster exists, -1 when out of
 * memory.  Reasons are added to part (when not NULL) for the periods that
 * cannot be rostered.
 */
int
roster_first(struct roster_model *m, struct plan_part *part, int *n_reasons)
{
	const struct settings *st = &m->s->settings;
	size_t ni = m->ni, nz = m->nz, p, i, z, k;
	unsigned char *hall = roster_alloc(nz, 1);
	unsigned char *prev_zone = roster_alloc(roster_count_mul(ni, nz), 1);
	int64_t min_sum = 0, min_zones = 0;
	bool min_one = true;
	int rc = 0;

	*n_reasons = 0;
	if (hall == NULL || prev_zone == NULL) {
		rc = -1;
		goto done;
	}
	for (k = 0; k < m->s->n_prev_assignments; k++) {
		size_t ir = idmap_get(&m->ix->instructor, m->s->prev_assignments[k].a);
		size_t zr = idmap_get(&m->ix->zone, m->s->prev_assignments[k].b);

		if (ir != IDMAP_NONE && zr != IDMAP_NONE)
			prev_zone[ir * nz + zr] = 1;
	}
	for (z = 0; z < nz; z++) {
		int64_t mf = m->s->zones[z].min_fulltime;

		min_sum += mf;
		if (mf > 0)
			min_zones++;
		if (mf > 1)
			min_one = false;
	}
	for (p = 0; p < m->np; p++) {
		bool bad = false;

		for (k = 0; k < ni; k++) {
			size_t q;
			int32_t best = NO_ZONE;
			int64_t best_score = 0;
			bool best_prev = false;

			i = m->inst_order[k];
			q = pi_of(m, p, i);
			if (m->pin_unavail[q] != NO_ZONE) {
				roster_reason_pinned_away(m, p, i, (size_t)m->pin_unavail[q], part);
				bad = true;
			}
			if (!m->rd.available[q])
				continue;
			if (m->pin2[q] != NO_ZONE) {
				roster_reason_pinned_twice(m, p, i, (size_t)m->pin[q],
				                           (size_t)m->pin2[q], part);
				bad = true;
				continue;
			}
			if (m->pin[q] != NO_ZONE &&
			    !m->allowed[piz_of(m, p, i, (size_t)m->pin[q])]) {
				roster_reason_pinned_forbidden(m, p, i, (size_t)m->pin[q], part);
				bad = true;
				continue;
			}
			for (size_t kz = 0; kz < nz; kz++) {
				int64_t score;
				bool is_prev;

				z = m->zone_order[kz];
				if (!roster_placeable(m, p, i, z))
					continue;
				is_prev = prev_zone[i * nz + z] != 0;
				score = x_coef(m, p, i, z);
				if (p > 0 && m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z &&
				    st->w_stay > 0)
					score += st->w_stay;
				if (best == NO_ZONE || (is_prev && !best_prev) ||
				    (is_prev == best_prev && score > best_score)) {
					best = (int32_t)z;
					best_score = score;
					best_prev = is_prev;
				}
			}
			if (best == NO_ZONE) {
				roster_reason_all_forbidden(m, p, i, part);
				bad = true;
				continue;
			}
			m->zone_of[q] = best;
		}
		if (!bad && m->rd.avail_ft[p] < min_sum) {
			roster_reason_fulltime_short(m, p, min_zones, min_sum, min_one, part);
			bad = true;
		}
		if (!bad) {
			int64_t need = 0, can = 0;
			int f = roster_fill_fulltime(m, p, hall, &need, &can);

			if (f < 0) {
				rc = -1;
				goto done;
			}
			if (f > 0) {
				roster_reason_hall(m, p, hall, need, can, part);
				bad = true;
			}
		}
		if (bad) {
			(*n_reasons)++;
			rc = 1;
		}
	}
done:
	free(hall);
	free(prev_zone);
	return rc;
}
