/*
 * test_roster.c - the instructor roster (docs/model.md §3) against an
 * independent brute force.
 *
 * The brute force below has its own workloads, its own Hamilton
 * apportionment (sorting exact remainders), its own haversine and its own
 * skill (exact integer rounding) and commute terms, all written from
 * docs/model.md without calling roster.c.  It enumerates every assignment of
 * the instructors to the zones in each period and joins the periods with a
 * dynamic programme over the stays (cross-checked by a plain enumeration of
 * whole rosters when there are few), and must agree with roster_solve on
 * feasibility and on the optimal R.
 *
 * Park-sized and larger instances, beyond any brute force, are compared
 * with glpsol's own branch and bound on the exported LP file.
 *
 * "test_roster bench NI NZ NP [SEED [TIME_LIMIT]]" times a random instance
 * of that size instead (not a test; ROSTER_LP=file also exports it).
 * "test_roster [COUNT [quick]]": COUNT random rosters (300); quick leaves
 * out the one instance whose branch and bound takes minutes under valgrind.
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "test_alloc.h"
#include "test_xorshift.h"
#include "index.h"
#include "plan.h"
#include "roster.h"
#include "snapshot.h"
#include "solver.h"

/* Distinct random ids in [1, range]. */
static void
random_ids(int64_t *ids, int n, int range)
{
	for (int k = 0; k < n; k++) {
		bool dup;

		do {
			ids[k] = 1 + rng_int(range);
			dup = false;
			for (int j = 0; j < k; j++)
				dup = dup || ids[j] == ids[k];
		} while (dup);
	}
}

/* ------------------------------------------------------------------ */
/* The reference: docs/model.md §3 written out again                  */

#define MAXI 8
#define MAXZ 6
#define MAXP 4

static const char *industries[] = {"ai", "bio", "chip", "law", "food"};

/* Workload class by hand: the index into settings.org_weight. */
static int
ref_class(const struct enterprise *e)
{
	switch (e->party_org) {
	case ORG_COMMITTEE:
		return CLASS_COMMITTEE;
	case ORG_GENERAL_BRANCH:
		return CLASS_GENERAL_BRANCH;
	case ORG_BRANCH:
		return CLASS_BRANCH;
	case ORG_JOINT_BRANCH:
		return CLASS_JOINT_BRANCH;
	default:
		return e->party_members >= 3 ? CLASS_NONE_WITH_MEMBERS : CLASS_NONE;
	}
}

static long long
ref_ow(const struct snapshot *s, const struct enterprise *e)
{
	long long w = s->settings.org_weight[ref_class(e)];
	long long plan_date = s->periods[0].start;

	if (e->joined_on != DATE_NONE) {
		long long days = plan_date - e->joined_on;

		if (days >= 0 && days < s->settings.new_days)
			w += s->settings.new_bonus;
	}
	return w;
}

/* Haversine in the atan2 form. */
static double
ref_distance(double la1, double lo1, double la2, double lo2)
{
	double p1 = la1 * M_PI / 180, p2 = la2 * M_PI / 180;
	double dp = p2 - p1, dl = (lo2 - lo1) * M_PI / 180;
	double h = pow(sin(dp / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2);

	return 2 * 6371008.8 * atan2(sqrt(h), sqrt(1 - h));
}

struct ham_entry {
	long long rem;
	long long id;
	int z;
};

static int
ham_cmp(const void *a, const void *b)
{
	const struct ham_entry *x = a, *y = b;

	if (x->rem != y->rem)
		return x->rem > y->rem ? -1 : 1;
	return x->id < y->id ? -1 : 1;
}

/* Hamilton by sorting the exact remainders (small numbers only). */
static void
ref_hamilton(long long n, const long long *D, const long long *ids, int nz, long long *seats)
{
	struct ham_entry e[MAXZ];
	long long sum = 0, given = 0;

	for (int z = 0; z < nz; z++) {
		seats[z] = 0;
		sum += D[z];
	}
	if (n <= 0)
		return;
	for (int z = 0; z < nz; z++) {
		seats[z] = n * D[z] / sum;
		given += seats[z];
		e[z] = (struct ham_entry){.rem = n * D[z] - seats[z] * sum, .id = ids[z], .z = z};
	}
	qsort(e, (size_t)nz, sizeof(e[0]), ham_cmp);
	for (int k = 0; k < n - given; k++)
		seats[e[k].z]++;
}

struct ref {
	int ni, nz, np;
	bool avail[MAXP][MAXI];
	bool allowed[MAXP][MAXI][MAXZ]; /* not forbidden */
	int npins[MAXP][MAXI];
	int pins[MAXP][MAXI][8];
	long long coef[MAXP][MAXI][MAXZ];
	long long D[MAXZ];
	long long seats_ft[MAXP][MAXZ], seats_pt[MAXP][MAXZ];
	long long w_stay, w_balance;
};

static int
zone_row(const struct snapshot *s, int64_t id)
{
	for (size_t z = 0; z < s->n_zones; z++)
		if (s->zones[z].id == id)
			return (int)z;
	return -1;
}

static int
instructor_row(const struct snapshot *s, int64_t id)
{
	for (size_t i = 0; i < s->n_instructors; i++)
		if (s->instructors[i].id == id)
			return (int)i;
	return -1;
}

static int
period_row(const struct snapshot *s, int64_t id)
{
	for (size_t p = 0; p < s->n_periods; p++)
		if (s->periods[p].id == id)
			return (int)p;
	return -1;
}

static bool
has_skill(const struct instructor *in, const char *industry)
{
	for (size_t k = 0; k < in->skills.n; k++)
		if (strcmp(in->skills.v[k], industry) == 0)
			return true;
	return false;
}

static void
ref_build(const struct snapshot *s, struct ref *r)
{
	const struct settings *st = &s->settings;
	long long ids[MAXZ], weight[MAXZ], extra[MAXZ], F, H, min_sum = 0;
	bool zero = true;

	memset(r, 0, sizeof(*r));
	r->ni = (int)s->n_instructors;
	r->nz = (int)s->n_zones;
	r->np = (int)s->n_periods;
	r->w_stay = st->w_stay;
	r->w_balance = st->w_balance;
	for (size_t k = 0; k < s->n_enterprises; k++)
		r->D[zone_row(s, s->enterprises[k].zone_id)] += ref_ow(s, &s->enterprises[k]);
	for (int z = 0; z < r->nz; z++) {
		ids[z] = s->zones[z].id;
		zero = zero && r->D[z] == 0;
		min_sum += s->zones[z].min_fulltime;
	}
	for (int z = 0; z < r->nz; z++)
		weight[z] = zero ? 1 : r->D[z];
	for (int p = 0; p < r->np; p++) {
		F = H = 0;
		for (int i = 0; i < r->ni; i++) {
			const struct instructor *in = &s->instructors[i];

			r->avail[p][i] = true;
			for (size_t k = 0; k < in->n_unavailable; k++)
				if (in->unavailable[k] == s->periods[p].id)
					r->avail[p][i] = false;
			if (r->avail[p][i]) {
				if (in->full_time)
					F++;
				else
					H++;
			}
			for (int z = 0; z < r->nz; z++)
				r->allowed[p][i][z] = true;
		}
		ref_hamilton(F - min_sum, weight, ids, r->nz, extra);
		for (int z = 0; z < r->nz; z++)
			r->seats_ft[p][z] = s->zones[z].min_fulltime + extra[z];
		ref_hamilton(H, weight, ids, r->nz, r->seats_pt[p]);
	}
	for (size_t k = 0; k < s->n_rules; k++) {
		const struct rule *ru = &s->rules[k];
		int i = instructor_row(s, ru->instructor_id), z = zone_row(s, ru->zone_id);

		for (int p = 0; p < r->np; p++) {
			if (ru->period_id != 0 && s->periods[p].id != ru->period_id)
				continue;
			if (ru->kind == RULE_FORBID_ZONE)
				r->allowed[p][i][z] = false;
			else if (ru->kind == RULE_PIN_ZONE && r->avail[p][i])
				r->pins[p][i][r->npins[p][i]++] = z;
		}
	}
	for (int i = 0; i < r->ni; i++) {
		const struct instructor *in = &s->instructors[i];

		for (int z = 0; z < r->nz; z++) {
			long long S = 0, skill = 0, commute, keep = 0;
			double d, f;

			for (size_t k = 0; k < s->n_enterprises; k++)
				if (s->enterprises[k].zone_id == s->zones[z].id &&
				    has_skill(in, s->enterprises[k].industry))
					S += ref_ow(s, &s->enterprises[k]);
			/* round(W·S/D) half away from zero, exactly, for a whole W >= 0. */
			if (r->D[z] > 0) {
				long long W = (long long)st->w_skill;

				skill = (2 * W * S + r->D[z]) / (2 * r->D[z]);
			}
			d = ref_distance(in->home_lat, in->home_lon, s->zones[z].lat,
			                 s->zones[z].lon);
			f = fmin(1.0, d / st->commute_scale_m);
			commute = lround(st->w_commute * f);
			for (size_t k = 0; k < s->n_prev_assignments; k++)
				if (s->prev_assignments[k].a == in->id &&
				    s->prev_assignments[k].b == s->zones[z].id)
					keep = st->w_keep_zone;
			for (int p = 0; p < r->np; p++)
				r->coef[p][i][z] = skill - commute + (p == 0 ? keep : 0);
		}
	}
}

/* An assignment of one period: zone of each instructor, -1 when away. */
struct period_choice {
	signed char zone[MAXI];
	long long value;
};

/* Whether a (complete) period assignment meets pins, forbids, min_fulltime; its value. */
static bool
ref_period_value(const struct snapshot *s, const struct ref *r, int p, const signed char *zone,
                 long long *value)
{
	long long v = 0;

	for (int i = 0; i < r->ni; i++) {
		if (!r->avail[p][i])
			continue;
		if (!r->allowed[p][i][zone[i]])
			return false;
		for (int k = 0; k < r->npins[p][i]; k++)
			if (r->pins[p][i][k] != zone[i])
				return false;
		v += r->coef[p][i][zone[i]];
	}
	for (int z = 0; z < r->nz; z++) {
		long long ft = 0, pt = 0;

		for (int i = 0; i < r->ni; i++)
			if (r->avail[p][i] && zone[i] == z) {
				if (s->instructors[i].full_time)
					ft++;
				else
					pt++;
			}
		if (ft < s->zones[z].min_fulltime)
			return false;
		if (ft > r->seats_ft[p][z])
			v -= r->w_balance * (ft - r->seats_ft[p][z]);
		if (pt > r->seats_pt[p][z])
			v -= r->w_balance * (pt - r->seats_pt[p][z]);
	}
	*value = v;
	return true;
}

/* Every feasible assignment of period p. */
static size_t
ref_period_choices(const struct snapshot *s, const struct ref *r, int p, struct period_choice *out)
{
	signed char zone[MAXI];
	size_t n = 0;
	long long total = 1;

	for (int i = 0; i < r->ni; i++)
		if (r->avail[p][i])
			total *= r->nz;
	for (long long code = 0; code < total; code++) {
		long long c = code, v;

		for (int i = 0; i < r->ni; i++) {
			zone[i] = -1;
			if (r->avail[p][i]) {
				zone[i] = (signed char)(c % r->nz);
				c /= r->nz;
			}
		}
		if (ref_period_value(s, r, p, zone, &v)) {
			memcpy(out[n].zone, zone, sizeof(zone));
			out[n].value = v;
			n++;
		}
	}
	return n;
}

static long long
ref_stays(const struct ref *r, const signed char *a, const signed char *b)
{
	long long n = 0;

	if (r->w_stay <= 0)
		return 0;
	for (int i = 0; i < r->ni; i++)
		if (a[i] >= 0 && a[i] == b[i])
			n++;
	return n * r->w_stay;
}

#define MAXCHOICES 4096 /* MAXZ^... bounded by the generator: 3 zones, 4 instructors = 81 */

/*
 * The optimum of R by brute force; false when no roster is feasible.
 * *enumerated is set when the whole-roster enumeration also ran.
 */
static bool
ref_optimum(const struct snapshot *s, const struct ref *r, long long *best, bool *enumerated)
{
	static struct period_choice ch[MAXP][MAXCHOICES];
	static long long dp[MAXP][MAXCHOICES];
	size_t n[MAXP] = {0};
	long long combos = 1;

	*enumerated = false;
	for (int p = 0; p < r->np; p++) {
		n[p] = ref_period_choices(s, r, p, ch[p]);
		if (n[p] == 0)
			return false;
		combos *= (long long)n[p];
	}
	for (size_t a = 0; a < n[0]; a++)
		dp[0][a] = ch[0][a].value;
	for (int p = 1; p < r->np; p++)
		for (size_t b = 0; b < n[p]; b++) {
			long long m = LLONG_MIN;

			for (size_t a = 0; a < n[p - 1]; a++) {
				long long v =
				    dp[p - 1][a] + ref_stays(r, ch[p - 1][a].zone, ch[p][b].zone);

				if (v > m)
					m = v;
			}
			dp[p][b] = m + ch[p][b].value;
		}
	*best = LLONG_MIN;
	for (size_t a = 0; a < n[r->np - 1]; a++)
		if (dp[r->np - 1][a] > *best)
			*best = dp[r->np - 1][a];

	if (combos <= 200000) {
		/* Every whole roster, without the dynamic programme. */
		long long plain = LLONG_MIN;

		for (long long code = 0; code < combos; code++) {
			long long c = code, v = 0;
			size_t pick[MAXP];

			for (int p = 0; p < r->np; p++) {
				pick[p] = (size_t)(c % (long long)n[p]);
				c /= (long long)n[p];
				v += ch[p][pick[p]].value;
				if (p > 0)
					v += ref_stays(r, ch[p - 1][pick[p - 1]].zone,
					               ch[p][pick[p]].zone);
			}
			if (v > plain)
				plain = v;
		}
		CHECK_INT_EQ(plain, *best);
		*enumerated = true;
	}
	return true;
}

/* R of the plan's roster, from the reference terms; checks every constraint. */
static bool
ref_check_plan(const struct snapshot *s, const struct ref *r, const struct plan *pl,
               long long *value, bool *overflow)
{
	signed char zone[MAXP][MAXI];
	long long v = 0;
	bool ok = true;

	*overflow = false;
	memset(zone, -1, sizeof(zone));
	for (size_t k = 0; k < pl->n_assignments; k++) {
		const struct plan_assignment *a = &pl->assignments[k];
		int p = period_row(s, a->period_id), i = instructor_row(s, a->instructor_id);
		int z = zone_row(s, a->zone_id);

		CHECK(p >= 0 && i >= 0 && z >= 0);
		if (p < 0 || i < 0 || z < 0)
			return false;
		CHECK_MSG(zone[p][i] == -1, "instructor %" PRId64 " placed twice",
		          a->instructor_id);
		CHECK(r->avail[p][i]);
		zone[p][i] = (signed char)z;
		if (k > 0) {
			const struct plan_assignment *b = &pl->assignments[k - 1];
			int pb = period_row(s, b->period_id);

			CHECK_MSG(pb < p || (pb == p && b->instructor_id < a->instructor_id),
			          "assignments out of order at %zu", k);
		}
	}
	for (int p = 0; p < r->np; p++) {
		long long pv;

		for (int i = 0; i < r->ni; i++)
			if (r->avail[p][i] && zone[p][i] < 0) {
				CHECK_MSG(false,
				          "instructor %" PRId64 " has no zone in period %" PRId64,
				          s->instructors[i].id, s->periods[p].id);
				return false;
			}
		if (!ref_period_value(s, r, p, zone[p], &pv)) {
			CHECK_MSG(false,
			          "the roster of period %" PRId64
			          " breaks a pin, a forbid or a minimum",
			          s->periods[p].id);
			ok = false;
			continue;
		}
		v += pv;
		if (p > 0)
			v += ref_stays(r, zone[p - 1], zone[p]);
	}
	/* Coverage: period order, then zone id. */
	CHECK_INT_EQ(pl->n_coverage, (size_t)(r->np * r->nz));
	if (pl->n_coverage == (size_t)(r->np * r->nz))
		for (size_t k = 0; k < pl->n_coverage; k++) {
			const struct plan_coverage *c = &pl->coverage[k];
			int p = period_row(s, c->period_id), z = zone_row(s, c->zone_id);
			long long cap = 0;

			CHECK(p == (int)(k / (size_t)r->nz));
			if (k % (size_t)r->nz != 0)
				CHECK(pl->coverage[k - 1].zone_id < c->zone_id);
			if (p < 0 || z < 0)
				continue;
			for (int i = 0; i < r->ni; i++)
				if (zone[p][i] == z)
					cap += s->instructors[i].capacity;
			for (int c2 = 0; c2 < 2; c2++) {
				long long n = 0;

				for (int i = 0; i < r->ni; i++)
					if (zone[p][i] == z &&
					    s->instructors[i].full_time == (c2 == 0))
						n++;
				if (n > (c2 == 0 ? r->seats_ft[p][z] : r->seats_pt[p][z]))
					*overflow = true;
			}
			CHECK_INT_EQ(c->workload, r->D[z]);
			CHECK_INT_EQ(c->capacity, cap);
			CHECK_INT_EQ(c->seats_full_time, r->seats_ft[p][z]);
			CHECK_INT_EQ(c->seats_part_time, r->seats_pt[p][z]);
		}
	*value = v;
	return ok;
}

/* ------------------------------------------------------------------ */
/* Random snapshots                                                    */

static void
random_snapshot(struct snapshot *s, bool small)
{
	struct settings *st = &s->settings;
	int nz = 1 + rng_int(3), ni = 2 + rng_int(3), np = 1 + rng_int(3);
	int ne = rng_int(9), nr = 0;
	int64_t zid[MAXZ], iid[MAXI], pid[MAXP];
	int32_t base = 20454 + rng_int(1000); /* around 2026 */

	(void)small;
	snapshot_init(s);
	if (rng_chance(50))
		st->w_balance = rng_int(400);
	st->w_stay = rng_chance(20) ? 0 : rng_int(300);
	st->w_keep_zone = rng_int(400);
	st->w_skill = rng_int(400);
	st->w_commute = rng_chance(50) ? 100 : 0.5 * rng_int(400);
	st->commute_scale_m = rng_chance(50) ? 10000 : 4000;
	st->new_bonus = rng_int(4);
	if (rng_chance(20))
		for (int c = 0; c < CLASS_COUNT; c++)
			st->org_weight[c] = rng_int(3);

	random_ids(zid, nz, 40);
	random_ids(iid, ni, 60);
	random_ids(pid, np, 30);

	s->zones = xcalloc((size_t)nz, sizeof(*s->zones));
	s->n_zones = (size_t)nz;
	for (int z = 0; z < nz; z++) {
		char code[16];

		snprintf(code, sizeof(code), "Z%" PRId64, zid[z]);
		s->zones[z] = (struct zone){.id = zid[z],
		                            .code = xstrdup(code),
		                            .name = xstrdup(code),
		                            .lat = 31.10 + 0.001 * rng_int(120),
		                            .lon = 121.35 + 0.001 * rng_int(120),
		                            .min_fulltime = rng_int(2)};
	}
	s->periods = xcalloc((size_t)np, sizeof(*s->periods));
	s->n_periods = (size_t)np;
	for (int p = 0; p < np; p++) {
		char label[32];

		snprintf(label, sizeof(label), "2027Q%d", p + 1);
		/* Listed in a random order: normalisation sorts them by start. */
		s->periods[np - 1 - p] =
		    (struct period){.id = pid[p], .label = xstrdup(label), .start = base + 91 * p};
	}
	s->instructors = xcalloc((size_t)ni, sizeof(*s->instructors));
	s->n_instructors = (size_t)ni;
	for (int i = 0; i < ni; i++) {
		struct instructor *in = &s->instructors[i];
		char name[32];

		snprintf(name, sizeof(name), "Instructor %" PRId64, iid[i]);
		in->id = iid[i];
		in->name = xstrdup(name);
		in->full_time = rng_chance(65);
		in->capacity = in->full_time ? 100 : 50 + rng_int(3);
		in->skills.v = xcalloc(5, sizeof(char *));
		for (int k = 0; k < 4; k++)
			if (rng_chance(35))
				in->skills.v[in->skills.n++] = xstrdup(industries[k]);
		in->home_lat = 31.05 + 0.002 * rng_int(100);
		in->home_lon = 121.30 + 0.002 * rng_int(100);
		in->unavailable = xcalloc((size_t)np, sizeof(int64_t));
		for (int p = 0; p < np; p++)
			if (rng_chance(12))
				in->unavailable[in->n_unavailable++] = pid[p];
	}
	s->enterprises = xcalloc((size_t)ne, sizeof(*s->enterprises));
	s->n_enterprises = (size_t)ne;
	for (int k = 0; k < ne; k++) {
		struct enterprise *e = &s->enterprises[k];
		int j = rng_int(10);

		e->id = k + 1;
		e->name = xstrdup("enterprise");
		e->zone_id = zid[rng_int(nz)];
		e->industry = xstrdup(industries[rng_int(5)]);
		e->party_org = (enum party_org)rng_int(5);
		e->party_members = rng_int(6);
		e->max_communities = 1;
		e->lat = 31.1;
		e->lon = 121.4;
		/* Around the edges of new_days, and before/after the plan date. */
		if (j < 3)
			e->joined_on = DATE_NONE;
		else if (j == 3)
			e->joined_on = base - 365;
		else if (j == 4)
			e->joined_on = base - 364;
		else if (j == 5)
			e->joined_on = base;
		else if (j == 6)
			e->joined_on = base + 1 + rng_int(30);
		else
			e->joined_on = base - rng_int(800);
	}
	s->rules = xcalloc((size_t)ni * 3, sizeof(*s->rules));
	for (int i = 0; i < ni; i++) {
		if (rng_chance(18)) {
			/* A pin: every period, or one the instructor is available in. */
			int p = rng_int(np + 1);
			int64_t per = p == np ? 0 : pid[p];

			for (size_t k = 0; k < s->instructors[i].n_unavailable; k++)
				if (s->instructors[i].unavailable[k] == per)
					per = 0;
			s->rules[nr++] = (struct rule){.kind = RULE_PIN_ZONE,
			                               .instructor_id = iid[i],
			                               .zone_id = zid[rng_int(nz)],
			                               .period_id = per};
		}
		for (int f = 0; f < 2; f++)
			if (rng_chance(15)) {
				int p = rng_int(np + 1);

				s->rules[nr++] = (struct rule){.kind = RULE_FORBID_ZONE,
				                               .instructor_id = iid[i],
				                               .zone_id = zid[rng_int(nz)],
				                               .period_id = p == np ? 0 : pid[p]};
			}
	}
	s->n_rules = (size_t)nr;
	s->prev_assignments = xcalloc((size_t)ni * 2, sizeof(*s->prev_assignments));
	for (int i = 0; i < ni; i++) {
		if (rng_chance(50))
			s->prev_assignments[s->n_prev_assignments++] =
			    (struct id_pair){iid[i], zid[rng_int(nz)]};
		if (rng_chance(10))
			s->prev_assignments[s->n_prev_assignments++] =
			    (struct id_pair){iid[i], zid[rng_int(nz)]};
	}
	snapshot_normalize(s);
}

static bool
plan_mentions_period(const struct plan *pl, const struct snapshot *s)
{
	for (size_t k = 0; k < pl->roster.n_reasons; k++)
		for (size_t p = 0; p < s->n_periods; p++) {
			char want[64];

			snprintf(want, sizeof(want), "period %s", s->periods[p].label);
			if (strstr(pl->roster.reasons[k], want) != NULL)
				return true;
		}
	return false;
}

/* The methods of roster_solve() with a model in reach: the paths' master, or the whole model. */
static bool
whole_model_method(const struct plan_part *part)
{
	static const char *const names[] = {"first roster",
	                                    "one-period LPs",
	                                    "LP rounding",
	                                    "branch-and-cut",
	                                    "column generation (instructor paths)",
	                                    "column generation + branch-and-cut"};

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(part->method, names[k]) == 0)
			return true;
	return false;
}

static void
test_random(int count)
{
	int feasible = 0, infeasible = 0, enumerated = 0, with_overflow = 0;

	for (int t = 0; t < count; t++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan pl;
		struct ref r;
		long long best = 0, got = 0;
		bool has, whole, overflow = false;

		rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)(t + 1) * 0xD1B54A32D192ED03ULL);
		random_snapshot(&s, true);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		ref_build(&s, &r);
		has = ref_optimum(&s, &r, &best, &whole);
		enumerated += whole;
		plan_init(&pl);
		CHECK(roster_solve(&s, &ix, NULL, &pl) == 0);
		if (has) {
			feasible++;
			CHECK_MSG(pl.roster.status == PART_OPTIMAL,
			          "instance %d: status %s, want optimal", t,
			          part_status_name(pl.roster.status));
			CHECK_MSG(whole_model_method(&pl.roster), "instance %d: method \"%s\"", t,
			          pl.roster.method);
			CHECK(pl.roster.memory_budget_mib == 0); /* no limit */
			if (pl.roster.status == PART_OPTIMAL) {
				CHECK_MSG(pl.roster.objective == best,
				          "instance %d: R %" PRId64 ", brute force %lld", t,
				          pl.roster.objective, best);
				if (ref_check_plan(&s, &r, &pl, &got, &overflow))
					CHECK_MSG(
					    got == pl.roster.objective,
					    "instance %d: R of the plan %lld, reported %" PRId64, t,
					    got, pl.roster.objective);
				CHECK(fabs(pl.roster.bound - (double)best) < 0.5);
				CHECK(pl.roster.gap == 0);
				with_overflow += overflow;
			}
		} else {
			infeasible++;
			CHECK_MSG(pl.roster.status == PART_INFEASIBLE,
			          "instance %d: status %s, want infeasible", t,
			          part_status_name(pl.roster.status));
			CHECK_MSG(pl.roster.n_reasons > 0 && plan_mentions_period(&pl, &s),
			          "instance %d: the reasons do not name a period", t);
			CHECK_INT_EQ(pl.n_assignments, 0);
			/* read off the data: no method ran */
			CHECK_MSG(pl.roster.method[0] == '\0', "instance %d: method \"%s\"", t,
			          pl.roster.method);
		}
		plan_free(&pl);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("random rosters: %d feasible, %d infeasible, %d also enumerated whole, %d with a "
	       "seat overflow\n",
	       feasible, infeasible, enumerated, with_overflow);
	CHECK(feasible >= count / 3);
	CHECK(infeasible >= 5);
}

/*
 * Without the memory for any GLPK model (a budget of 1 KiB, less than any
 * model of a zone and a period, through solver_options.memory_budget_mib):
 * the roster found by moves and swaps, with a Lagrangian bound.  Each plan must keep every
 * constraint, its R must be what it reports and at most the brute-force optimum, and the bound at
 * least that optimum; optimal only when it is the optimum.
 */
static void
test_no_memory(int count)
{
	int optimal = 0, feasible = 0, within = 0;
	struct solver_options small = {.memory_budget_mib = 1.0 / 1024};
	for (int t = 0; t < count; t++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan pl;
		struct ref r;
		long long best = 0, got = 0;
		bool has, whole, overflow = false;

		rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)(t + 1) * 0xD1B54A32D192ED03ULL);
		random_snapshot(&s, true);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		ref_build(&s, &r);
		has = ref_optimum(&s, &r, &best, &whole);
		plan_init(&pl);
		CHECK(roster_solve(&s, &ix, &small, &pl) == 0);
		if (!has) {
			CHECK_MSG(pl.roster.status == PART_INFEASIBLE,
			          "instance %d: status %s, want infeasible", t,
			          part_status_name(pl.roster.status));
		} else {
			CHECK_MSG(pl.roster.status == PART_OPTIMAL ||
			              pl.roster.status == PART_FEASIBLE,
			          "instance %d: status %s without memory", t,
			          part_status_name(pl.roster.status));
			CHECK_MSG(strcmp(pl.roster.method, "local search with Lagrangian bound") ==
			              0,
			          "instance %d: method \"%s\" without memory", t, pl.roster.method);
			CHECK(pl.roster.memory_budget_mib == 1.0 / 1024);
			if (ref_check_plan(&s, &r, &pl, &got, &overflow))
				CHECK_MSG(got == pl.roster.objective,
				          "instance %d: R of the plan %lld, reported %" PRId64, t,
				          got, pl.roster.objective);
			CHECK_MSG(pl.roster.objective <= best,
			          "instance %d: R %" PRId64 " above the optimum %lld", t,
			          pl.roster.objective, best);
			CHECK_MSG(pl.roster.bound >= (double)best - 1e-6,
			          "instance %d: bound %.1f below the optimum %lld", t,
			          pl.roster.bound, best);
			CHECK(pl.roster.bound >= (double)pl.roster.objective);
			if (pl.roster.status == PART_OPTIMAL) {
				optimal++;
				CHECK_INT_EQ(pl.roster.objective, best);
				CHECK(pl.roster.gap == 0);
			} else {
				double gap = (pl.roster.bound - (double)pl.roster.objective) /
				             (fabs((double)pl.roster.objective) + DBL_EPSILON);

				feasible++;
				CHECK(fabs(pl.roster.gap - gap) <= 1e-9 * (1 + gap));
				CHECK(pl.roster.bound >= (double)pl.roster.objective + 1);
			}
			within += pl.roster.objective == best;
		}
		plan_free(&pl);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	printf("without memory for a model: %d proven optimal, %d feasible with a gap, %d at the "
	       "optimum\n",
	       optimal, feasible, within);
	/* The search without GLPK ran: not every roster is proven optimal. */
	CHECK(feasible > 0);
}

/* A memory_room callback: the bytes it says are left, and how often it was asked. */
struct room {
	double bytes;
	int asked;
};

static double
room_left(void *arg)
{
	struct room *r = arg;

	r->asked++;
	return r->bytes;
}

/*
 * The room the caller reports decides as the cap does: too little for a
 * model is the local search, none at all (INFINITY) the whole model; the
 * smaller of room and cap is the budget, reported in MiB.
 */
static void
test_memory_room(void)
{
	static const struct {
		double bytes, cap_mib, want_mib;
		bool whole;
	} cases[] = {
	    {1024, 0, 1.0 / 1024, false},
	    {-1, 0, 0, false},
	    {INFINITY, 0, 0, true},
	    {8.0 * 1024 * 1024 * 1024, 1.0 / 1024, 1.0 / 1024, false},
	    {512.0 * 1024 * 1024, 0, 512, true},
	};
	int tried = 0;

	for (int t = 0; t < 40 && tried < 5; t++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct ref r;
		long long best = 0;
		bool whole;

		rng_state = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)(t + 1) * 0xD1B54A32D192ED03ULL);
		random_snapshot(&s, true);
		CHECK(snapshot_index_build(&s, &ix) == 0);
		ref_build(&s, &r);
		if (ref_optimum(&s, &r, &best, &whole)) {
			for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
				struct room room = {cases[k].bytes, 0};
				struct solver_options opt = {.memory_budget_mib = cases[k].cap_mib,
				                             .memory_room = room_left,
				                             .memory_room_arg = &room};
				struct plan pl;

				plan_init(&pl);
				CHECK(roster_solve(&s, &ix, &opt, &pl) == 0);
				CHECK(room.asked >= 1);
				CHECK_MSG(pl.roster.memory_budget_mib == cases[k].want_mib,
				          "instance %d, case %zu: budget %g MiB", t, k,
				          pl.roster.memory_budget_mib);
				if (cases[k].whole)
					CHECK_MSG(whole_model_method(&pl.roster),
					          "instance %d, case %zu: method \"%s\"", t, k,
					          pl.roster.method);
				else
					CHECK_MSG(strcmp(pl.roster.method,
					                 "local search with Lagrangian bound") == 0,
					          "instance %d, case %zu: method \"%s\"", t, k,
					          pl.roster.method);
				CHECK(pl.roster.status == PART_OPTIMAL ||
				      pl.roster.status == PART_FEASIBLE);
				CHECK(pl.roster.objective <= best);
				plan_free(&pl);
			}
			tried++;
		}
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
	CHECK_INT_EQ(tried, 5);
}

/* ------------------------------------------------------------------ */
/* Hamilton by hand                                                    */

static void
check_hamilton(int64_t n, const int64_t *D, const int64_t *ids, size_t nz, const int64_t *want)
{
	int64_t got[8];

	hamilton(n, D, ids, nz, got);
	for (size_t z = 0; z < nz; z++)
		CHECK_MSG(got[z] == want[z],
		          "hamilton(%" PRId64 "): zone %" PRId64 " got %" PRId64 ", want %" PRId64,
		          n, ids[z], got[z], want[z]);
}

static void
test_hamilton(void)
{
	/* Exact quotas. */
	check_hamilton(10, (int64_t[]){5, 3, 2}, (int64_t[]){1, 2, 3}, 3, (int64_t[]){5, 3, 2});
	/* 0.3, 0.6, 0.9, 1.2: the two largest fractions (0.9, 0.6) take the two left. */
	check_hamilton(3, (int64_t[]){1, 2, 3, 4}, (int64_t[]){1, 2, 3, 4}, 4,
	               (int64_t[]){0, 1, 1, 1});
	/* 5/3 each: equal fractions, the lower ids (3 and 5) win; listed out of order. */
	check_hamilton(5, (int64_t[]){1, 1, 1}, (int64_t[]){5, 3, 9}, 3, (int64_t[]){2, 2, 1});
	/* 4 seats by 1:1 over ids 8, 2: 2 each; 3 seats: the tie goes to id 2. */
	check_hamilton(3, (int64_t[]){7, 7}, (int64_t[]){8, 2}, 2, (int64_t[]){1, 2});
	/* All workloads zero: every zone counts as 1; 7 = 2+2+2 and one to id 10. */
	check_hamilton(7, (int64_t[]){0, 0, 0}, (int64_t[]){30, 10, 20}, 3, (int64_t[]){2, 3, 2});
	/* A zone without workload gets nothing while others have some. */
	check_hamilton(4, (int64_t[]){0, 1, 1}, (int64_t[]){1, 2, 3}, 3, (int64_t[]){0, 2, 2});
	/* No seats, or fewer than none (F < Σ min_fulltime): nothing. */
	check_hamilton(0, (int64_t[]){1, 2}, (int64_t[]){1, 2}, 2, (int64_t[]){0, 0});
	check_hamilton(-3, (int64_t[]){1, 2}, (int64_t[]){1, 2}, 2, (int64_t[]){0, 0});
	/* 2 seats over 8, 5, 2 (sum 15): quotas 1.067, 0.667, 0.267 -> 1, 1, 0. */
	check_hamilton(2, (int64_t[]){8, 5, 2}, (int64_t[]){1, 2, 3}, 3, (int64_t[]){1, 1, 0});
	/*
	 * n·D beyond int64: 2e6 seats over 9e12 and 9e12+1 give quotas
	 * 999999.99999994 and 1000000.00000006: the last seat goes to the first.
	 */
	check_hamilton(2000000, (int64_t[]){9000000000000LL, 9000000000001LL}, (int64_t[]){1, 2}, 2,
	               (int64_t[]){1000000, 1000000});
	/* 10 seats over 6, 6, 2: 4.29, 4.29, 1.43 -> 4, 4, 2; 11: 4.71, 4.71, 1.57 -> 5, 5, 1. */
	check_hamilton(10, (int64_t[]){6, 6, 2}, (int64_t[]){1, 2, 3}, 3, (int64_t[]){4, 4, 2});
	check_hamilton(11, (int64_t[]){6, 6, 2}, (int64_t[]){1, 2, 3}, 3, (int64_t[]){5, 5, 1});
}

/* ------------------------------------------------------------------ */
/* Workload by hand                                                    */

static void
test_workload(void)
{
	struct settings st;
	struct enterprise e = {0};
	int32_t plan_date = 20819; /* 2027-01-01 */

	settings_default(&st);
	e.party_org = ORG_COMMITTEE;
	e.joined_on = DATE_NONE;
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 8);
	e.party_org = ORG_NONE;
	e.party_members = 3;
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 2);
	e.party_members = 2;
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 1);
	e.party_org = ORG_JOINT_BRANCH;
	e.joined_on = plan_date; /* 0 days: new */
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 3);
	e.joined_on = plan_date - 364;
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 3);
	e.joined_on = plan_date - 365; /* not fewer than new_days */
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 2);
	e.joined_on = plan_date + 1; /* joins after the plan date */
	CHECK_INT_EQ(enterprise_workload(&st, &e, plan_date), 2);
}

/* ------------------------------------------------------------------ */
/* Infeasibility in planners' words                                    */

/* A snapshot of nz zones (ids 11.., codes A..) and ni instructors (ids 7.., ft as given). */
static void
small_snapshot(struct snapshot *s, int nz, int ni, const bool *ft, int np)
{
	snapshot_init(s);
	s->zones = xcalloc((size_t)nz, sizeof(*s->zones));
	s->n_zones = (size_t)nz;
	for (int z = 0; z < nz; z++) {
		char code[2] = {(char)('A' + z), 0};

		s->zones[z] = (struct zone){.id = 11 + z,
		                            .code = xstrdup(code),
		                            .name = xstrdup(code),
		                            .lat = 31.17 + 0.01 * z,
		                            .lon = 121.40,
		                            .min_fulltime = 1};
	}
	s->instructors = xcalloc((size_t)ni, sizeof(*s->instructors));
	s->n_instructors = (size_t)ni;
	for (int i = 0; i < ni; i++) {
		char name[16];

		snprintf(name, sizeof(name), "Li %d", i);
		s->instructors[i] = (struct instructor){.id = 7 + i,
		                                        .name = xstrdup(name),
		                                        .full_time = ft[i],
		                                        .capacity = ft[i] ? 100 : 50,
		                                        .home_lat = 31.17,
		                                        .home_lon = 121.41};
	}
	s->periods = xcalloc((size_t)np, sizeof(*s->periods));
	s->n_periods = (size_t)np;
	for (int p = 0; p < np; p++) {
		char label[16];

		snprintf(label, sizeof(label), "2027Q%d", p + 1);
		s->periods[p] =
		    (struct period){.id = p + 1, .label = xstrdup(label), .start = 20819 + 90 * p};
	}
	s->rules = xcalloc(16, sizeof(*s->rules));
}

static void
add_rule(struct snapshot *s, enum rule_kind kind, int64_t instructor, int64_t zone, int64_t period)
{
	s->rules[s->n_rules++] = (struct rule){
	    .kind = kind, .instructor_id = instructor, .zone_id = zone, .period_id = period};
}

static void
solve_small(struct snapshot *s, struct plan *pl)
{
	struct snapshot_index ix;

	snapshot_normalize(s);
	CHECK(snapshot_index_build(s, &ix) == 0);
	plan_init(pl);
	CHECK(roster_solve(s, &ix, NULL, pl) == 0);
	snapshot_index_free(&ix);
}

static const char *
reason(const struct plan *pl, size_t k)
{
	return k < pl->roster.n_reasons ? pl->roster.reasons[k] : NULL;
}

static void
test_messages(void)
{
	struct snapshot s;
	struct plan pl;

	/* Three zones each need a full-time instructor; period 2 has two. */
	small_snapshot(&s, 3, 4, (bool[]){true, true, true, false}, 2);
	s.instructors[2].unavailable = xcalloc(1, sizeof(int64_t));
	s.instructors[2].unavailable[0] = 2;
	s.instructors[2].n_unavailable = 1;
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_INT_EQ(pl.roster.n_reasons, 1);
	CHECK_STR_CONTAINS(reason(&pl, 0),
	                   "period 2027Q2: 3 zones need a full-time instructor, 2 are available");
	/* ... and says which zones */
	CHECK_STR_CONTAINS(reason(&pl, 0), "are available: zone 11 (A), zone 12 (B), zone 13 (C)");
	CHECK_INT_EQ(pl.n_coverage, 6); /* the seats are still shown */
	plan_free(&pl);
	snapshot_free(&s);

	/* Many zones, some needing more than one: the biggest needs named, then "and K more". */
	small_snapshot(&s, 8, 4, (bool[]){true, true, true, false}, 1);
	s.zones[5].min_fulltime = 3;
	s.zones[2].min_fulltime = 2;
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_STR_CONTAINS(reason(&pl, 0),
	                   "the zones need 11 full-time instructors, 3 are available: zone 16 (F) "
	                   "needs 3, zone 13 (C) needs 2, zone 11 (A) needs 1, zone 12 (B) needs "
	                   "1, zone 14 (D) needs 1 and 3 more");
	plan_free(&pl);
	snapshot_free(&s);

	/* Pinned to two zones in one period. */
	small_snapshot(&s, 2, 2, (bool[]){true, true}, 2);
	add_rule(&s, RULE_PIN_ZONE, 8, 11, 0);
	add_rule(&s, RULE_PIN_ZONE, 8, 12, 2);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_INT_EQ(pl.roster.n_reasons, 1);
	CHECK_STR_CONTAINS(reason(&pl, 0), "period 2027Q2");
	CHECK_STR_CONTAINS(reason(&pl, 0),
	                   "instructor 8 (Li 1) is pinned to both zone 11 (A) and zone 12 (B)");
	plan_free(&pl);
	snapshot_free(&s);

	/* Every zone forbidden for an available instructor. */
	small_snapshot(&s, 2, 3, (bool[]){true, true, false}, 1);
	add_rule(&s, RULE_FORBID_ZONE, 9, 11, 0);
	add_rule(&s, RULE_FORBID_ZONE, 9, 12, 1);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_STR_CONTAINS(
	    reason(&pl, 0),
	    "period 2027Q1: instructor 9 (Li 2) is available but every zone is forbidden");
	plan_free(&pl);
	snapshot_free(&s);

	/* Pinned into a forbidden zone. */
	small_snapshot(&s, 2, 2, (bool[]){true, true}, 1);
	add_rule(&s, RULE_FORBID_ZONE, 7, 12, 0);
	add_rule(&s, RULE_PIN_ZONE, 7, 12, 0);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_STR_CONTAINS(
	    reason(&pl, 0),
	    "period 2027Q1: instructor 7 (Li 0) is pinned to zone 12 (B), which is forbidden");
	plan_free(&pl);
	snapshot_free(&s);

	/* Zone B's full-time minimum: one full-time forbidden there, the other pinned to A. */
	small_snapshot(&s, 2, 3, (bool[]){true, true, false}, 1);
	add_rule(&s, RULE_FORBID_ZONE, 7, 12, 0);
	add_rule(&s, RULE_PIN_ZONE, 8, 11, 1);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_INT_EQ(pl.roster.n_reasons, 1);
	CHECK_STR_CONTAINS(reason(&pl, 0),
	                   "period 2027Q1: zone 12 (B) needs 1 full-time instructor, but every "
	                   "full-time instructor available is forbidden there or pinned elsewhere");
	plan_free(&pl);
	snapshot_free(&s);

	/* Zones A and B need two, only instructor 9 may serve either. */
	small_snapshot(&s, 3, 3, (bool[]){true, true, true}, 1);
	s.zones[2].min_fulltime = 0;
	add_rule(&s, RULE_FORBID_ZONE, 7, 11, 0);
	add_rule(&s, RULE_FORBID_ZONE, 7, 12, 0);
	add_rule(&s, RULE_FORBID_ZONE, 8, 11, 0);
	add_rule(&s, RULE_FORBID_ZONE, 8, 12, 0);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_INFEASIBLE);
	CHECK_STR_CONTAINS(reason(&pl, 0), "period 2027Q1: zone 11 (A), zone 12 (B) need 2 "
	                                   "full-time instructors, but only 1 can be placed there");
	plan_free(&pl);
	snapshot_free(&s);

	/* The same with instructor 8 free for B: feasible, and 9 must go to A. */
	small_snapshot(&s, 3, 3, (bool[]){true, true, true}, 1);
	s.zones[2].min_fulltime = 0;
	add_rule(&s, RULE_FORBID_ZONE, 7, 11, 0);
	add_rule(&s, RULE_FORBID_ZONE, 7, 12, 0);
	add_rule(&s, RULE_FORBID_ZONE, 8, 11, 0);
	solve_small(&s, &pl);
	CHECK(pl.roster.status == PART_OPTIMAL);
	CHECK_INT_EQ(pl.n_assignments, 3);
	if (pl.n_assignments == 3) {
		CHECK_INT_EQ(pl.assignments[0].zone_id, 13);
		CHECK_INT_EQ(pl.assignments[1].zone_id, 12);
		CHECK_INT_EQ(pl.assignments[2].zone_id, 11);
	}
	plan_free(&pl);
	snapshot_free(&s);
}

struct progress_seen {
	int calls, last_roster;
	double last_fraction, last_best;
};

static void
progress_count(void *arg, const char *part, double fraction, double best, double bound)
{
	struct progress_seen *ps = arg;

	(void)bound;
	ps->calls++;
	ps->last_roster = strcmp(part, "roster") == 0;
	ps->last_fraction = fraction;
	ps->last_best = best;
}

static void
test_progress(void)
{
	struct snapshot s;
	struct snapshot_index ix;
	struct plan pl;
	struct progress_seen ps = {0};
	struct solver_options opt = {.progress = progress_count, .progress_arg = &ps};

	small_snapshot(&s, 2, 3, (bool[]){true, true, false}, 2);
	snapshot_normalize(&s);
	CHECK(snapshot_index_build(&s, &ix) == 0);
	plan_init(&pl);
	CHECK(roster_solve(&s, &ix, &opt, &pl) == 0);
	CHECK(pl.roster.status == PART_OPTIMAL);
	CHECK(ps.calls >= 2);
	CHECK(ps.last_roster);
	CHECK(ps.last_fraction == 1.0);
	CHECK(ps.last_best == (double)pl.roster.objective);
	plan_free(&pl);
	snapshot_index_free(&ix);
	snapshot_free(&s);
}

/* ------------------------------------------------------------------ */
/* The LP export                                                       */

static void
test_export(void)
{
	struct snapshot s;
	struct snapshot_index ix;
	char err[256], path[] = "/tmp/parkplan-roster-XXXXXX";
	FILE *f;
	char line[512];
	bool obj = false, assign = false;
	int fd;

	rng_state = 12345;
	random_snapshot(&s, true);
	CHECK(snapshot_index_build(&s, &ix) == 0);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(roster_export_lp(&s, &ix, path, err, sizeof(err)) == 0);
	f = fdopen(fd, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		obj = obj || strncmp(line, "Maximize", 8) == 0;
		assign = assign || strstr(line, "assign_") != NULL;
	}
	CHECK(obj);
	CHECK(assign);
	if (f != NULL)
		fclose(f);
	unlink(path);
	CHECK(roster_export_lp(&s, &ix, "/nonexistent/dir/roster.lp", err, sizeof(err)) == -1);
	snapshot_index_free(&ix);
	snapshot_free(&s);
}

/* ------------------------------------------------------------------ */
/* Timing of a larger instance (not a test)                            */

static void
bench_snapshot(struct snapshot *s, int ni, int nz, int np)
{
	int ne = 125 * nz;

	snapshot_init(s);
	s->zones = xcalloc((size_t)nz, sizeof(*s->zones));
	s->n_zones = (size_t)nz;
	for (int z = 0; z < nz; z++)
		s->zones[z] = (struct zone){.id = z + 1,
		                            .code = xstrdup("Z"),
		                            .name = xstrdup("Z"),
		                            .lat = 31.10 + 0.01 * rng_int(20),
		                            .lon = 121.30 + 0.01 * rng_int(20),
		                            .min_fulltime = 1};
	s->periods = xcalloc((size_t)np, sizeof(*s->periods));
	s->n_periods = (size_t)np;
	for (int p = 0; p < np; p++)
		s->periods[p] =
		    (struct period){.id = p + 1, .label = xstrdup("P"), .start = 20819 + 91 * p};
	s->enterprises = xcalloc((size_t)ne, sizeof(*s->enterprises));
	s->n_enterprises = (size_t)ne;
	for (int k = 0; k < ne; k++)
		s->enterprises[k] = (struct enterprise){
		    .id = k + 1,
		    .name = xstrdup("E"),
		    .zone_id = 1 + rng_int(nz),
		    .industry = xstrdup(industries[rng_int(5)]),
		    .party_org = (enum party_org)rng_int(5),
		    .party_members = rng_int(6),
		    .max_communities = 1,
		    .joined_on = rng_chance(20) ? 20819 - rng_int(700) : DATE_NONE};
	s->instructors = xcalloc((size_t)ni, sizeof(*s->instructors));
	s->n_instructors = (size_t)ni;
	for (int i = 0; i < ni; i++) {
		struct instructor *in = &s->instructors[i];

		in->id = i + 1;
		in->name = xstrdup("I");
		in->full_time = i < nz || rng_chance(60);
		in->capacity = in->full_time ? 100 : 50;
		in->skills.v = xcalloc(5, sizeof(char *));
		for (int k = 0; k < 5; k++)
			if (rng_chance(30))
				in->skills.v[in->skills.n++] = xstrdup(industries[k]);
		in->home_lat = 31.05 + 0.002 * rng_int(150);
		in->home_lon = 121.25 + 0.002 * rng_int(150);
		in->unavailable = xcalloc((size_t)np, sizeof(int64_t));
		for (int p = 0; p < np; p++)
			if (i >= nz && rng_chance(8))
				in->unavailable[in->n_unavailable++] = p + 1;
	}
	s->prev_assignments = xcalloc((size_t)ni, sizeof(*s->prev_assignments));
	for (int i = 0; i < ni; i++)
		if (rng_chance(70))
			s->prev_assignments[s->n_prev_assignments++] =
			    (struct id_pair){i + 1, 1 + rng_int(nz)};
	s->rules = xcalloc((size_t)ni, sizeof(*s->rules));
	for (int i = nz; i < ni; i++)
		if (rng_chance(5))
			s->rules[s->n_rules++] = (struct rule){.kind = RULE_FORBID_ZONE,
			                                       .instructor_id = i + 1,
			                                       .zone_id = 1 + rng_int(nz)};
	snapshot_normalize(s);
}

/*
 * Park-sized and larger instances, beyond the brute force: the objective
 * must match GLPK's own branch and bound (glpsol) on the exported model.
 * The larger ones go through the interior-point path of roster.c.
 */
static void
test_against_glpsol(bool quick)
{
	/* instructors, zones, periods, seed, slow (left out when quick) */
	static const int sizes[][5] = {
	    {40, 4, 4, 1, 0}, {40, 4, 3, 2, 0}, {100, 10, 4, 1, 1}, {100, 10, 4, 3, 0}};

	if (system("command -v glpsol >/dev/null 2>&1") != 0) {
		printf("glpsol not installed: roster against glpsol skipped\n");
		return;
	}
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct snapshot s;
		struct snapshot_index ix;
		struct plan pl;
		char lp[] = "/tmp/parkplan-roster-lp-XXXXXX", cmd[256], line[256], err[256];
		long long glpsol_r = LLONG_MIN;
		FILE *f;
		int fd;

		if (quick && sizes[k][4])
			continue;
		rng_state = (uint64_t)sizes[k][3];
		bench_snapshot(&s, sizes[k][0], sizes[k][1], sizes[k][2]);
		s.settings.time_limit_s = 600; /* optimal even under valgrind */
		CHECK(snapshot_index_build(&s, &ix) == 0);
		plan_init(&pl);
		CHECK(roster_solve(&s, &ix, NULL, &pl) == 0);
		CHECK(pl.roster.status == PART_OPTIMAL);
		fd = mkstemp(lp);
		CHECK(fd >= 0);
		if (fd >= 0) {
			close(fd);
			CHECK(roster_export_lp(&s, &ix, lp, err, sizeof(err)) == 0);
			snprintf(cmd, sizeof(cmd), "glpsol --lp %s --tmlim 120 -o /dev/stdout 2>&1",
			         lp);
			f = popen(cmd, "r");
			while (f != NULL && fgets(line, sizeof(line), f) != NULL)
				if (sscanf(line, "Objective: R = %lld", &glpsol_r) == 1)
					break;
			if (f != NULL)
				pclose(f);
			unlink(lp);
		}
		CHECK_MSG(glpsol_r == pl.roster.objective,
		          "%d instructors, %d zones: R %" PRId64 ", glpsol %lld", sizes[k][0],
		          sizes[k][1], pl.roster.objective, glpsol_r);
		/* Every available instructor placed once per period. */
		{
			size_t want = 0;

			for (size_t p = 0; p < s.n_periods; p++)
				for (size_t i = 0; i < s.n_instructors; i++) {
					bool away = false;

					for (size_t u = 0; u < s.instructors[i].n_unavailable; u++)
						away = away || s.instructors[i].unavailable[u] ==
						                   s.periods[p].id;
					want += !away;
				}
			CHECK_INT_EQ(pl.n_assignments, want);
		}
		printf("%d instructors, %d zones, %d periods: R = %" PRId64
		       " (glpsol %lld), %.3f s\n",
		       sizes[k][0], sizes[k][1], sizes[k][2], pl.roster.objective, glpsol_r,
		       pl.roster.seconds);
		plan_free(&pl);
		snapshot_index_free(&ix);
		snapshot_free(&s);
	}
}

static int
bench(int argc, char **argv)
{
	struct snapshot s;
	struct snapshot_index ix;
	struct plan pl;
	int ni = argc > 2 ? atoi(argv[2]) : 40, nz = argc > 3 ? atoi(argv[3]) : 4;
	int np = argc > 4 ? atoi(argv[4]) : 4;

	rng_state = argc > 5 ? strtoull(argv[5], NULL, 10) : 42;
	bench_snapshot(&s, ni, nz, np);
	if (argc > 6)
		s.settings.time_limit_s = atof(argv[6]);
	CHECK(snapshot_index_build(&s, &ix) == 0);
	if (getenv("ROSTER_LP") != NULL) {
		char err[256];

		CHECK(roster_export_lp(&s, &ix, getenv("ROSTER_LP"), err, sizeof(err)) == 0);
	}
	plan_init(&pl);
	CHECK(roster_solve(&s, &ix,
	                   &(struct solver_options){.verbose = getenv("ROSTER_VERBOSE") != NULL},
	                   &pl) == 0);
	printf("%d instructors, %d zones, %d periods: %s, R = %" PRId64
	       ", bound %.1f, gap %.2g, %.3f s\n",
	       ni, nz, np, part_status_name(pl.roster.status), pl.roster.objective, pl.roster.bound,
	       pl.roster.gap, pl.roster.seconds);
	plan_free(&pl);
	snapshot_index_free(&ix);
	snapshot_free(&s);
	return check_done("test_roster bench");
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "bench") == 0)
		return bench(argc, argv);
	test_hamilton();
	test_workload();
	test_messages();
	test_progress();
	test_export();
	test_against_glpsol(argc > 2 && strcmp(argv[2], "quick") == 0);
	test_random(argc > 1 ? atoi(argv[1]) : 300);
	test_no_memory(argc > 1 ? atoi(argv[1]) : 300);
	test_memory_room();
	return check_done("test_roster");
}
