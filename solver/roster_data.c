/*
 * roster_data.c - what the roster (docs/model.md §3) is built from: the
 * workload of each enterprise and zone, the seats of each zone by
 * Hamilton's apportionment, and the terms of each instructor-zone
 * placement (roster.h; the explanations use them too).
 */
#include "roster_parts.h"

#include <math.h>
#include <string.h>

#include "geo.h"

/* ------------------------------------------------------------------ */
/* Workloads and seats                                                 */
/* ------------------------------------------------------------------ */

int64_t
enterprise_workload(const struct settings *st, const struct enterprise *e, int32_t plan_date)
{
	enum org_class c = enterprise_class(e);
	int64_t w;

	if ((int)c < 0 || c >= CLASS_COUNT)
		c = CLASS_NONE;
	w = st->org_weight[c];
	if (e->joined_on != DATE_NONE && plan_date != DATE_NONE) {
		int64_t age = (int64_t)plan_date - (int64_t)e->joined_on;

		if (age >= 0 && age < st->new_days)
			w += st->new_bonus;
	}
	return w;
}

/*
 * Zone a comes before zone b in the order the remaining seats are handed
 * out: larger remainder first (every quota has the same denominator ΣD, so
 * the remainders of n·D_z mod ΣD compare the fractional parts exactly),
 * then lower zone id.
 */
static int
hamilton_before(unsigned __int128 ra, int64_t ida, unsigned __int128 rb, int64_t idb)
{
	if (ra != rb)
		return ra > rb;
	return ida < idb;
}

void
hamilton(int64_t n, const int64_t *D, const int64_t *zone_ids, size_t nz, int64_t *seats)
{
	unsigned __int128 sum = 0, given = 0, left, rem_last = 0;
	int64_t id_last = 0;
	bool have_last = false;
	bool unit = false;
	size_t z;

	for (z = 0; z < nz; z++) {
		seats[z] = 0;
		if (D[z] > 0)
			sum += (unsigned __int128)D[z];
	}
	if (nz == 0 || n <= 0)
		return;
	if (sum == 0) {
		/* No workload anywhere: every zone counts as 1. */
		unit = true;
		sum = nz;
	}
#define HAMILTON_WEIGHT(z) ((unsigned __int128)(unit ? 1 : (D[z] > 0 ? D[z] : 0)))
	for (z = 0; z < nz; z++) {
		unsigned __int128 q = (unsigned __int128)n * HAMILTON_WEIGHT(z);

		seats[z] = (int64_t)(q / sum);
		given += q / sum;
	}
	left = (unsigned __int128)n - given; /* fewer than nz */
	/*
	 * Hand out the remaining seats one at a time: each round takes the
	 * zone that comes first among those after the previous round's pick.
	 * No allocation, and the order is total because zone ids are unique.
	 */
	while (left > 0) {
		size_t best = nz;
		unsigned __int128 rbest = 0;

		for (z = 0; z < nz; z++) {
			unsigned __int128 r = ((unsigned __int128)n * HAMILTON_WEIGHT(z)) % sum;

			if (have_last && !hamilton_before(rem_last, id_last, r, zone_ids[z]))
				continue;
			if (best == nz || hamilton_before(r, zone_ids[z], rbest, zone_ids[best])) {
				best = z;
				rbest = r;
			}
		}
		if (best == nz)
			break;
		seats[best]++;
		rem_last = rbest;
		id_last = zone_ids[best];
		have_last = true;
		left--;
	}
#undef HAMILTON_WEIGHT
}

/* ------------------------------------------------------------------ */
/* roster_prepare                                                      */
/* ------------------------------------------------------------------ */

static bool
period_in_list(const int64_t *v, size_t n, int64_t id)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (v[k] == id)
			return true;
	return false;
}

/* Workload of enterprises of one industry in one zone. */
struct industry_load {
	const char *industry;
	size_t z;
	int64_t load;
};

static int
industry_load_cmp(const void *a, const void *b)
{
	const struct industry_load *x = a, *y = b;
	int c = strcmp(x->industry, y->industry);

	if (c != 0)
		return c;
	return (x->z > y->z) - (x->z < y->z);
}

/* First row of industry in v (sorted, aggregated), or n when absent. */
static size_t
industry_find(const struct industry_load *v, size_t n, const char *industry)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].industry, industry) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strcmp(v[lo].industry, industry) == 0)
		return lo;
	return n;
}

static int
prepare_skills(const struct snapshot *s, const struct snapshot_index *ix, struct roster_data *rd)
{
	const struct settings *st = &s->settings;
	struct industry_load *v;
	int64_t *acc = NULL;
	size_t *seen = NULL;
	size_t n = 0, m = 0, k, i, z;

	v = roster_alloc(s->n_enterprises, sizeof(*v));
	if (v == NULL)
		return -1;
	for (k = 0; k < s->n_enterprises; k++) {
		const struct enterprise *e = &s->enterprises[k];
		size_t zr = idmap_get(&ix->zone, e->zone_id);

		if (zr == IDMAP_NONE || e->industry == NULL)
			continue;
		v[n].industry = e->industry;
		v[n].z = zr;
		v[n].load = enterprise_workload(st, e, rd->plan_date);
		n++;
	}
	qsort(v, n, sizeof(*v), industry_load_cmp);
	for (k = 0; k < n; k++) {
		if (m > 0 && v[m - 1].z == v[k].z &&
		    strcmp(v[m - 1].industry, v[k].industry) == 0) {
			v[m - 1].load += v[k].load;
			continue;
		}
		v[m++] = v[k];
	}
	acc = roster_alloc(rd->nz, sizeof(*acc));
	seen = roster_alloc(m, sizeof(*seen));
	if (acc == NULL || seen == NULL)
		goto fail;
	for (k = 0; k < m; k++)
		seen[k] = SIZE_MAX;
	for (i = 0; i < rd->ni; i++) {
		const struct codes *sk = &s->instructors[i].skills;

		memset(acc, 0, rd->nz * sizeof(*acc));
		for (k = 0; k < sk->n; k++) {
			size_t f = industry_find(v, m, sk->v[k]), g;

			if (f == m || seen[f] == i)
				continue; /* unknown industry, or a duplicated skill */
			seen[f] = i;
			for (g = f; g < m && strcmp(v[g].industry, v[f].industry) == 0; g++)
				acc[v[g].z] += v[g].load;
		}
		for (z = 0; z < rd->nz; z++) {
			int64_t D = rd->workload[z];

			rd->terms[i * rd->nz + z].skill =
			    D > 0 ? lround(st->w_skill * (double)acc[z] / (double)D) : 0;
		}
	}
	free(acc);
	free(seen);
	free(v);
	return 0;
fail:
	free(acc);
	free(seen);
	free(v);
	return -1;
}

int
roster_prepare(const struct snapshot *s, const struct snapshot_index *ix, struct roster_data *rd)
{
	const struct settings *st = &s->settings;
	size_t nz = s->n_zones, ni = s->n_instructors, np = s->n_periods;
	size_t npz = roster_count_mul(np, nz), npi = roster_count_mul(np, ni),
	       niz = roster_count_mul(ni, nz);
	int64_t *zone_ids = NULL, min_sum = 0, *extra = NULL;
	bool all_zero = true;
	size_t z, i, p, k;

	memset(rd, 0, sizeof(*rd));
	rd->nz = nz;
	rd->ni = ni;
	rd->np = np;
	rd->plan_date = np > 0 ? s->periods[0].start : DATE_NONE;
	if ((np && nz && !npz) || (np && ni && !npi) || (ni && nz && !niz))
		return -1;
	rd->workload = roster_alloc(nz, sizeof(*rd->workload));
	rd->weight = roster_alloc(nz, sizeof(*rd->weight));
	rd->seats_ft = roster_alloc(npz, sizeof(*rd->seats_ft));
	rd->seats_pt = roster_alloc(npz, sizeof(*rd->seats_pt));
	rd->avail_ft = roster_alloc(np, sizeof(*rd->avail_ft));
	rd->avail_pt = roster_alloc(np, sizeof(*rd->avail_pt));
	rd->available = roster_alloc(npi, sizeof(*rd->available));
	rd->terms = roster_alloc(niz, sizeof(*rd->terms));
	zone_ids = roster_alloc(nz, sizeof(*zone_ids));
	extra = roster_alloc(nz, sizeof(*extra));
	if (rd->workload == NULL || rd->weight == NULL || rd->seats_ft == NULL ||
	    rd->seats_pt == NULL || rd->avail_ft == NULL || rd->avail_pt == NULL ||
	    rd->available == NULL || rd->terms == NULL || zone_ids == NULL || extra == NULL)
		goto fail;

	/* D_z, and the weights the seats are apportioned by. */
	for (k = 0; k < s->n_enterprises; k++) {
		size_t zr = idmap_get(&ix->zone, s->enterprises[k].zone_id);

		if (zr != IDMAP_NONE)
			rd->workload[zr] +=
			    enterprise_workload(st, &s->enterprises[k], rd->plan_date);
	}
	for (z = 0; z < nz; z++) {
		zone_ids[z] = s->zones[z].id;
		if (rd->workload[z] != 0)
			all_zero = false;
		min_sum += s->zones[z].min_fulltime;
	}
	for (z = 0; z < nz; z++)
		rd->weight[z] = all_zero ? 1 : rd->workload[z];

	/* Availability and seats, period by period. */
	for (p = 0; p < np; p++) {
		for (i = 0; i < ni; i++) {
			const struct instructor *in = &s->instructors[i];
			bool av =
			    !period_in_list(in->unavailable, in->n_unavailable, s->periods[p].id);

			rd->available[p * ni + i] = av;
			if (av && in->full_time)
				rd->avail_ft[p]++;
			else if (av)
				rd->avail_pt[p]++;
		}
		/* F < Σ min_fulltime: no seat beyond the minimum (infeasible, diagnosed later). */
		hamilton(rd->avail_ft[p] - min_sum, rd->weight, zone_ids, nz, extra);
		for (z = 0; z < nz; z++)
			rd->seats_ft[p * nz + z] = s->zones[z].min_fulltime + extra[z];
		hamilton(rd->avail_pt[p], rd->weight, zone_ids, nz, &rd->seats_pt[p * nz]);
	}

	/* Commute and keep, then skill. */
	for (i = 0; i < ni; i++) {
		const struct instructor *in = &s->instructors[i];

		for (z = 0; z < nz; z++) {
			struct roster_terms *t = &rd->terms[i * nz + z];
			double f, d = geo_distance_m(in->home_lat, in->home_lon, s->zones[z].lat,
			                             s->zones[z].lon);

			t->commute_m = d;
			if (st->commute_scale_m > 0)
				f = d / st->commute_scale_m;
			else
				f = d > 0 ? 1.0 : 0.0;
			if (f > 1.0)
				f = 1.0;
			t->commute = lround(st->w_commute * f);
		}
	}
	for (k = 0; k < s->n_prev_assignments; k++) {
		size_t ir = idmap_get(&ix->instructor, s->prev_assignments[k].a);
		size_t zr = idmap_get(&ix->zone, s->prev_assignments[k].b);

		if (ir != IDMAP_NONE && zr != IDMAP_NONE)
			rd->terms[ir * nz + zr].keep = st->w_keep_zone;
	}
	if (prepare_skills(s, ix, rd) != 0)
		goto fail;
	free(zone_ids);
	free(extra);
	return 0;
fail:
	free(zone_ids);
	free(extra);
	roster_data_free(rd);
	return -1;
}

void
roster_data_free(struct roster_data *rd)
{
	if (rd == NULL)
		return;
	free(rd->workload);
	free(rd->weight);
	free(rd->seats_ft);
	free(rd->seats_pt);
	free(rd->avail_ft);
	free(rd->avail_pt);
	free(rd->available);
	free(rd->terms);
	memset(rd, 0, sizeof(*rd));
}
