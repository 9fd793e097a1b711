/*
 * roster_reasons.c - why no roster exists, in planners' words: a pin to a
 * zone in a period the instructor is away, two pins, a pin to a forbidden
 * zone, an instructor with every zone forbidden, too few full-time
 * instructors for the zones' minimums, or zones whose minimums the pins and
 * forbids make impossible.  Each reason names the period, and the zones
 * concerned (a few of them, then "and K more").
 */
#include "roster_parts.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Names in planners' words                                            */
/* ------------------------------------------------------------------ */

#define TEXT_MAX (SNAPSHOT_MAX_TEXT + 32) /* a name of a zone, instructor or period */

static void
zone_text(const struct roster_model *m, size_t z, char *buf, size_t len)
{
	const struct zone *zn = &m->s->zones[z];

	if (zn->code != NULL && zn->code[0] != '\0')
		snprintf(buf, len, "zone %" PRId64 " (%s)", zn->id, zn->code);
	else
		snprintf(buf, len, "zone %" PRId64, zn->id);
}

static void
instructor_text(const struct roster_model *m, size_t i, char *buf, size_t len)
{
	const struct instructor *in = &m->s->instructors[i];

	if (in->name != NULL && in->name[0] != '\0')
		snprintf(buf, len, "instructor %" PRId64 " (%s)", in->id, in->name);
	else
		snprintf(buf, len, "instructor %" PRId64, in->id);
}

static void
period_text(const struct roster_model *m, size_t p, char *buf, size_t len)
{
	const struct period *pe = &m->s->periods[p];

	if (pe->label != NULL && pe->label[0] != '\0')
		snprintf(buf, len, "period %s", pe->label);
	else
		snprintf(buf, len, "period %" PRId64, pe->id);
}

/* ------------------------------------------------------------------ */
/* The reasons                                                         */
/* ------------------------------------------------------------------ */

void
roster_reason_pinned_away(const struct roster_model *m, size_t p, size_t i, size_t z,
                          struct plan_part *part)
{
	char pt[TEXT_MAX], it[TEXT_MAX], zt[TEXT_MAX];

	period_text(m, p, pt, sizeof(pt));
	instructor_text(m, i, it, sizeof(it));
	zone_text(m, z, zt, sizeof(zt));
	plan_part_add_reason(part, "%s: %s is pinned to %s but is unavailable", pt, it, zt);
}

void
roster_reason_pinned_twice(const struct roster_model *m, size_t p, size_t i, size_t z1, size_t z2,
                           struct plan_part *part)
{
	char pt[TEXT_MAX], it[TEXT_MAX], zt[TEXT_MAX], zt2[TEXT_MAX];

	period_text(m, p, pt, sizeof(pt));
	instructor_text(m, i, it, sizeof(it));
	zone_text(m, z1, zt, sizeof(zt));
	zone_text(m, z2, zt2, sizeof(zt2));
	plan_part_add_reason(part, "%s: %s is pinned to both %s and %s", pt, it, zt, zt2);
}

void
roster_reason_pinned_forbidden(const struct roster_model *m, size_t p, size_t i, size_t z,
                               struct plan_part *part)
{
	char pt[TEXT_MAX], it[TEXT_MAX], zt[TEXT_MAX];

	period_text(m, p, pt, sizeof(pt));
	instructor_text(m, i, it, sizeof(it));
	zone_text(m, z, zt, sizeof(zt));
	plan_part_add_reason(part, "%s: %s is pinned to %s, which is forbidden for them", pt, it,
	                     zt);
}

void
roster_reason_all_forbidden(const struct roster_model *m, size_t p, size_t i,
                            struct plan_part *part)
{
	char pt[TEXT_MAX], it[TEXT_MAX];

	period_text(m, p, pt, sizeof(pt));
	instructor_text(m, i, it, sizeof(it));
	plan_part_add_reason(part, "%s: %s is available but every zone is forbidden for them", pt,
	                     it);
}

/* Zones named in a reason before "and K more". */
#define ZONES_NAMED 5

/*
 * The zones that need full-time instructors, the biggest needs first, a few
 * of them named (with their need unless every one needs 1), then "and K
 * more": "zone 4 (D) needs 3, zone 1 (A) needs 2 and 997 more".
 */
static void
zones_needing_text(const struct roster_model *m, bool min_one, char *buf, size_t len)
{
	const struct snapshot *s = m->s;
	size_t shown[ZONES_NAMED], n_shown = 0, total = 0, z, k, used = 0;
	char zt[TEXT_MAX];

	buf[0] = '\0';
	for (z = 0; z < s->n_zones; z++) {
		if (s->zones[z].min_fulltime <= 0)
			continue;
		total++;
		/* insert in order of need (then of the zones' order), keep the first few */
		for (k = n_shown; k > 0; k--) {
			if (s->zones[shown[k - 1]].min_fulltime >= s->zones[z].min_fulltime)
				break;
			if (k < ZONES_NAMED)
				shown[k] = shown[k - 1];
		}
		if (k < ZONES_NAMED) {
			shown[k] = z;
			if (n_shown < ZONES_NAMED)
				n_shown++;
		}
	}
	for (k = 0; k < n_shown && used < len; k++) {
		zone_text(m, shown[k], zt, sizeof(zt));
		if (min_one)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? ", " : "", zt);
		else
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%s needs %" PRId64,
			                     k ? ", " : "", zt, s->zones[shown[k]].min_fulltime);
	}
	if (total > n_shown && used < len)
		snprintf(buf + used, len - used, " and %zu more", total - n_shown);
}

void
roster_reason_fulltime_short(const struct roster_model *m, size_t p, int64_t min_zones,
                             int64_t min_sum, bool min_one, struct plan_part *part)
{
	char pt[TEXT_MAX], zones[ZONES_NAMED * (TEXT_MAX + 16) + 32];

	period_text(m, p, pt, sizeof(pt));
	zones_needing_text(m, min_one, zones, sizeof(zones));
	if (min_one)
		plan_part_add_reason(part,
		                     "%s: %" PRId64 " zones need a full-time instructor, %" PRId64
		                     " %s available: %s",
		                     pt, min_zones, m->rd.avail_ft[p],
		                     m->rd.avail_ft[p] == 1 ? "is" : "are", zones);
	else
		plan_part_add_reason(part,
		                     "%s: the zones need %" PRId64
		                     " full-time instructors, %" PRId64 " %s available: %s",
		                     pt, min_sum, m->rd.avail_ft[p],
		                     m->rd.avail_ft[p] == 1 ? "is" : "are", zones);
}

void
roster_reason_hall(const struct roster_model *m, size_t p, const unsigned char *hall, int64_t need,
                   int64_t can, struct plan_part *part)
{
	char pt[TEXT_MAX], zt[TEXT_MAX], zones[4096];
	size_t used = 0, count = 0;

	period_text(m, p, pt, sizeof(pt));
	zones[0] = '\0';
	for (size_t kz = 0; kz < m->nz; kz++) {
		size_t z = m->zone_order[kz];

		if (!hall[z])
			continue;
		zone_text(m, z, zt, sizeof(zt));
		if (used + strlen(zt) + 8 < sizeof(zones))
			used += (size_t)snprintf(zones + used, sizeof(zones) - used, "%s%s",
			                         count ? ", " : "", zt);
		count++;
	}
	if (can == 0)
		plan_part_add_reason(part,
		                     "%s: %s need%s %" PRId64 " full-time instructor%s, but every "
		                     "full-time instructor available is "
		                     "forbidden there or pinned elsewhere",
		                     pt, zones, count == 1 ? "s" : "", need, need == 1 ? "" : "s");
	else
		plan_part_add_reason(
		    part,
		    "%s: %s need%s %" PRId64 " full-time instructor%s, but only %" PRId64
		    " can be placed there (the others are forbidden there "
		    "or pinned elsewhere)",
		    pt, zones, count == 1 ? "s" : "", need, need == 1 ? "" : "s", can);
}

void
roster_reason_no_zone(struct plan_part *part)
{
	plan_part_add_reason(part, "instructors are available but the park has no zone");
}

void
roster_reason_no_roster(struct plan_part *part)
{
	plan_part_add_reason(part, "the pins and forbids leave no roster that gives every zone its "
	                           "full-time instructors in every period");
}
