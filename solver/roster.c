/*
 * roster.c - the instructor roster (MODEL.md section 3).
 *
 * Workloads, seats and the terms of each instructor-zone placement
 * (roster_prepare), the infeasibilities a planner can read off the data
 * (a period short of full-time instructors, conflicting pins, an instructor
 * with every zone forbidden, zones whose full-time minimum pins and forbids
 * make impossible), and the GLPK model with every period in one MIP.
 *
 * The search: a first roster (each instructor where the plan in force had
 * them, then the full-time minimums met by an augmenting-path matching),
 * bettered period by period with one-period LPs (each a transportation
 * problem, integral at the vertex); for large models the LP relaxation by
 * interior point, rounded, gives a better roster and a bound (weak duality
 * from its row duals) that often proves it optimal; otherwise GLPK's branch
 * and cut on the whole model, warm-started with the roster in hand.
 *
 * When the whole model would not fit in the memory left (what the caller
 * says is left, memory_budget()) or in the time left,
 * it is never built: the first roster is bettered by moves and swaps, by
 * the one-period LPs (over each instructor's best zones when a period is
 * too large) and by moves and swaps again, and a Lagrangian bound
 * (lagrangian_bound()) states the gap; the status is then feasible, or
 * optimal when the bound meets the roster.
 */
#include "roster.h"

#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glpk.h>

#include "geo.h"
#include "lp.h"
#include "plan.h"
#include "solver.h"

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

/* a * b elements of size sz, or 0 when that overflows. */
static size_t
count_mul(size_t a, size_t b)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	return a * b;
}

static void *
alloc_array(size_t n, size_t sz)
{
	/* One element at least, so that an empty array is not NULL. */
	return calloc(n > 0 ? n : 1, sz);
}

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

	v = alloc_array(s->n_enterprises, sizeof(*v));
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
	acc = alloc_array(rd->nz, sizeof(*acc));
	seen = alloc_array(m, sizeof(*seen));
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
	size_t npz = count_mul(np, nz), npi = count_mul(np, ni), niz = count_mul(ni, nz);
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
	rd->workload = alloc_array(nz, sizeof(*rd->workload));
	rd->weight = alloc_array(nz, sizeof(*rd->weight));
	rd->seats_ft = alloc_array(npz, sizeof(*rd->seats_ft));
	rd->seats_pt = alloc_array(npz, sizeof(*rd->seats_pt));
	rd->avail_ft = alloc_array(np, sizeof(*rd->avail_ft));
	rd->avail_pt = alloc_array(np, sizeof(*rd->avail_pt));
	rd->available = alloc_array(npi, sizeof(*rd->available));
	rd->terms = alloc_array(niz, sizeof(*rd->terms));
	zone_ids = alloc_array(nz, sizeof(*zone_ids));
	extra = alloc_array(nz, sizeof(*extra));
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

/* ------------------------------------------------------------------ */
/* The model                                                           */
/* ------------------------------------------------------------------ */

#define NO_ZONE (-1)

struct roster_model {
	const struct snapshot *s;
	const struct snapshot_index *ix;
	struct roster_data rd;
	size_t ni, nz, np;
	size_t *zone_order;     /* zone rows by id */
	size_t *inst_order;     /* instructor rows by id */
	unsigned char *allowed; /* [(p*ni+i)*nz+z]: available and not forbidden */
	int32_t *pin;           /* [p*ni+i]: pinned zone, or NO_ZONE */
	int32_t *pin2;          /* [p*ni+i]: a second, different pinned zone */
	int32_t *pin_unavail;   /* [p*ni+i]: zone pinned in a period the instructor is away */
	unsigned char *pruned;  /* [(p*ni+i)*nz+z]: x_izp = 1 cannot better the roster found */
	int32_t *zone_of;       /* [p*ni+i]: an assignment (warm start, then the plan) */
	const int32_t *only;    /* [p*ni+i] or NULL: build only this zone's x (NO_ZONE: all) */
	int *xcol, *ycol;       /* [(p*ni+i)*nz+z]: column, 0 when absent */
	int *ocol;              /* [(p*nz+z)*2+c]: c 0 full-time, 1 part-time */
	glp_prob *lp;
	int ncols;
};

static size_t
pi_of(const struct roster_model *m, size_t p, size_t i)
{
	return p * m->ni + i;
}

static size_t
piz_of(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	return (p * m->ni + i) * m->nz + z;
}

/* The objective coefficient of x_izp. */
static int64_t
x_coef(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	const struct roster_terms *t = &m->rd.terms[i * m->nz + z];

	return t->skill - t->commute + (p == 0 ? t->keep : 0);
}

struct id_row {
	int64_t id;
	size_t row;
};

static int
id_row_cmp(const void *a, const void *b)
{
	const struct id_row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static size_t *
order_by_id(const void *rows, size_t n, size_t stride)
{
	struct id_row *tmp = alloc_array(n, sizeof(*tmp));
	size_t *order = alloc_array(n, sizeof(*order));
	size_t k;

	if (tmp == NULL || order == NULL) {
		free(tmp);
		free(order);
		return NULL;
	}
	for (k = 0; k < n; k++) {
		/* Every entity struct starts with its int64_t id. */
		memcpy(&tmp[k].id, (const char *)rows + k * stride, sizeof(int64_t));
		tmp[k].row = k;
	}
	qsort(tmp, n, sizeof(*tmp), id_row_cmp);
	for (k = 0; k < n; k++)
		order[k] = tmp[k].row;
	free(tmp);
	return order;
}

static void
model_free(struct roster_model *m)
{
	if (m == NULL)
		return;
	roster_data_free(&m->rd);
	free(m->zone_order);
	free(m->inst_order);
	free(m->allowed);
	free(m->pin);
	free(m->pin2);
	free(m->pin_unavail);
	free(m->pruned);
	free(m->zone_of);
	free(m->xcol);
	free(m->ycol);
	free(m->ocol);
	if (m->lp != NULL)
		glp_delete_prob(m->lp);
	memset(m, 0, sizeof(*m));
}

/* Periods a rule applies to: all of them for period 0, else the one named. */
static bool
rule_periods(const struct roster_model *m, int64_t period_id, size_t *first, size_t *last)
{
	size_t pr;

	if (period_id == 0) {
		*first = 0;
		*last = m->np;
		return m->np > 0;
	}
	pr = idmap_get(&m->ix->period, period_id);
	if (pr == IDMAP_NONE)
		return false;
	*first = pr;
	*last = pr + 1;
	return true;
}

/* Rows, availability, forbids and pins: everything but the GLPK problem. */
static int
model_setup(struct roster_model *m, const struct snapshot *s, const struct snapshot_index *ix)
{
	size_t npi, npiz, npz, k, p, i, z;

	memset(m, 0, sizeof(*m));
	m->s = s;
	m->ix = ix;
	m->ni = s->n_instructors;
	m->nz = s->n_zones;
	m->np = s->n_periods;
	if (roster_prepare(s, ix, &m->rd) != 0)
		return -1;
	npi = count_mul(m->np, m->ni);
	npiz = count_mul(npi, m->nz);
	npz = count_mul(count_mul(m->np, m->nz), 2);
	if ((npi && m->nz && !npiz) || npiz > INT_MAX || npz > INT_MAX)
		goto fail;
	m->zone_order = order_by_id(s->zones, m->nz, sizeof(*s->zones));
	m->inst_order = order_by_id(s->instructors, m->ni, sizeof(*s->instructors));
	m->allowed = alloc_array(npiz, sizeof(*m->allowed));
	m->pin = alloc_array(npi, sizeof(*m->pin));
	m->pin2 = alloc_array(npi, sizeof(*m->pin2));
	m->pin_unavail = alloc_array(npi, sizeof(*m->pin_unavail));
	m->pruned = alloc_array(npiz, sizeof(*m->pruned));
	m->zone_of = alloc_array(npi, sizeof(*m->zone_of));
	m->xcol = alloc_array(npiz, sizeof(*m->xcol));
	m->ycol = alloc_array(npiz, sizeof(*m->ycol));
	m->ocol = alloc_array(npz, sizeof(*m->ocol));
	if (m->zone_order == NULL || m->inst_order == NULL || m->allowed == NULL ||
	    m->pin == NULL || m->pin2 == NULL || m->pin_unavail == NULL || m->zone_of == NULL ||
	    m->xcol == NULL || m->ycol == NULL || m->ocol == NULL || m->pruned == NULL)
		goto fail;
	for (p = 0; p < m->np; p++)
		for (i = 0; i < m->ni; i++) {
			m->pin[pi_of(m, p, i)] = NO_ZONE;
			m->pin2[pi_of(m, p, i)] = NO_ZONE;
			m->pin_unavail[pi_of(m, p, i)] = NO_ZONE;
			m->zone_of[pi_of(m, p, i)] = NO_ZONE;
			for (z = 0; z < m->nz; z++)
				m->allowed[piz_of(m, p, i, z)] = m->rd.available[pi_of(m, p, i)];
		}
	for (k = 0; k < s->n_rules; k++) {
		const struct rule *r = &s->rules[k];
		size_t first, last, ir, zr;

		if (r->kind != RULE_FORBID_ZONE && r->kind != RULE_PIN_ZONE)
			continue;
		ir = idmap_get(&ix->instructor, r->instructor_id);
		zr = idmap_get(&ix->zone, r->zone_id);
		if (ir == IDMAP_NONE || zr == IDMAP_NONE ||
		    !rule_periods(m, r->period_id, &first, &last))
			continue;
		for (p = first; p < last; p++) {
			size_t q = pi_of(m, p, ir);

			if (r->kind == RULE_FORBID_ZONE) {
				m->allowed[piz_of(m, p, ir, zr)] = 0;
			} else if (!m->rd.available[q]) {
				/* A pin for every period skips periods away. */
				if (r->period_id != 0)
					m->pin_unavail[q] = (int32_t)zr;
			} else if (m->pin[q] == NO_ZONE) {
				m->pin[q] = (int32_t)zr;
			} else if (m->pin[q] != (int32_t)zr && m->pin2[q] == NO_ZONE) {
				m->pin2[q] = (int32_t)zr;
			}
		}
	}
	return 0;
fail:
	model_free(m);
	return -1;
}

/* Whether instructor i may be placed in zone z in period p (pins included). */
static bool
placeable(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	int32_t pin = m->pin[pi_of(m, p, i)];

	if (!m->allowed[piz_of(m, p, i, z)])
		return false;
	return pin == NO_ZONE || pin == (int32_t)z;
}

/* ------------------------------------------------------------------ */
/* Names in planners' words                                            */
/* ------------------------------------------------------------------ */

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
static int
fill_fulltime(struct roster_model *m, size_t p, unsigned char *hall, int64_t *hall_need,
              int64_t *hall_can)
{
	size_t nz = m->nz, ni = m->ni, z, i;
	int64_t *held = alloc_array(nz, sizeof(*held));
	size_t *queue = alloc_array(nz, sizeof(*queue));
	size_t *from_zone = alloc_array(nz, sizeof(*from_zone));
	size_t *via =
	    alloc_array(nz, sizeof(*via)); /* instructor moved into the zone's predecessor */
	unsigned char *seen_i = alloc_array(ni, 1);
	unsigned char *seen_z = alloc_array(nz, 1);
	unsigned char *counted = alloc_array(ni, 1); /* full-time, and held towards a need */
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
					    !placeable(m, p, i, zz))
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
static int
roster_first(struct roster_model *m, struct plan_part *part, int *n_reasons)
{
	const struct settings *st = &m->s->settings;
	size_t ni = m->ni, nz = m->nz, p, i, z, k;
	unsigned char *hall = alloc_array(nz, 1);
	unsigned char *prev_zone = alloc_array(count_mul(ni, nz), 1);
	int64_t min_sum = 0, min_zones = 0;
	bool min_one = true;
	char pt[SNAPSHOT_MAX_TEXT + 32], it[SNAPSHOT_MAX_TEXT + 32], zt[SNAPSHOT_MAX_TEXT + 32],
	    zt2[SNAPSHOT_MAX_TEXT + 32];
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

		period_text(m, p, pt, sizeof(pt));
		for (k = 0; k < ni; k++) {
			size_t q;
			int32_t best = NO_ZONE;
			int64_t best_score = 0;
			bool best_prev = false;

			i = m->inst_order[k];
			q = pi_of(m, p, i);
			if (m->pin_unavail[q] != NO_ZONE) {
				instructor_text(m, i, it, sizeof(it));
				zone_text(m, (size_t)m->pin_unavail[q], zt, sizeof(zt));
				plan_part_add_reason(
				    part, "%s: %s is pinned to %s but is unavailable", pt, it, zt);
				bad = true;
			}
			if (!m->rd.available[q])
				continue;
			if (m->pin2[q] != NO_ZONE) {
				instructor_text(m, i, it, sizeof(it));
				zone_text(m, (size_t)m->pin[q], zt, sizeof(zt));
				zone_text(m, (size_t)m->pin2[q], zt2, sizeof(zt2));
				plan_part_add_reason(part, "%s: %s is pinned to both %s and %s", pt,
				                     it, zt, zt2);
				bad = true;
				continue;
			}
			if (m->pin[q] != NO_ZONE &&
			    !m->allowed[piz_of(m, p, i, (size_t)m->pin[q])]) {
				instructor_text(m, i, it, sizeof(it));
				zone_text(m, (size_t)m->pin[q], zt, sizeof(zt));
				plan_part_add_reason(
				    part, "%s: %s is pinned to %s, which is forbidden for them", pt,
				    it, zt);
				bad = true;
				continue;
			}
			for (size_t kz = 0; kz < nz; kz++) {
				int64_t score;
				bool is_prev;

				z = m->zone_order[kz];
				if (!placeable(m, p, i, z))
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
				instructor_text(m, i, it, sizeof(it));
				plan_part_add_reason(
				    part,
				    "%s: %s is available but every zone is forbidden for them", pt,
				    it);
				bad = true;
				continue;
			}
			m->zone_of[q] = best;
		}
		if (!bad && m->rd.avail_ft[p] < min_sum) {
			if (min_one)
				plan_part_add_reason(part,
				                     "%s: %" PRId64
				                     " zones need a full-time instructor, %" PRId64
				                     " %s available",
				                     pt, min_zones, m->rd.avail_ft[p],
				                     m->rd.avail_ft[p] == 1 ? "is" : "are");
			else
				plan_part_add_reason(part,
				                     "%s: the zones need %" PRId64
				                     " full-time instructors, %" PRId64
				                     " %s available",
				                     pt, min_sum, m->rd.avail_ft[p],
				                     m->rd.avail_ft[p] == 1 ? "is" : "are");
			bad = true;
		}
		if (!bad) {
			int64_t need = 0, can = 0;
			int f = fill_fulltime(m, p, hall, &need, &can);

			if (f < 0) {
				rc = -1;
				goto done;
			}
			if (f > 0) {
				char zones[4096];
				size_t used = 0, count = 0;

				zones[0] = '\0';
				for (size_t kz = 0; kz < nz; kz++) {
					z = m->zone_order[kz];
					if (!hall[z])
						continue;
					zone_text(m, z, zt, sizeof(zt));
					if (used + strlen(zt) + 8 < sizeof(zones))
						used += (size_t)snprintf(
						    zones + used, sizeof(zones) - used, "%s%s",
						    count ? ", " : "", zt);
					count++;
				}
				if (can == 0)
					plan_part_add_reason(part,
					                     "%s: %s need%s %" PRId64
					                     " full-time instructor%s, but every "
					                     "full-time instructor available is "
					                     "forbidden there or pinned elsewhere",
					                     pt, zones, count == 1 ? "s" : "", need,
					                     need == 1 ? "" : "s");
				else
					plan_part_add_reason(
					    part,
					    "%s: %s need%s %" PRId64
					    " full-time instructor%s, but only %" PRId64
					    " can be placed there (the others are forbidden there "
					    "or pinned elsewhere)",
					    pt, zones, count == 1 ? "s" : "", need,
					    need == 1 ? "" : "s", can);
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

/* The overflow of class c (0 full-time, 1 part-time) in zone z, period p, for zone_of. */
static int64_t
class_count(const struct roster_model *m, size_t p, size_t z, int c)
{
	int64_t n = 0;

	for (size_t i = 0; i < m->ni; i++)
		if (m->zone_of[pi_of(m, p, i)] == (int32_t)z &&
		    (m->s->instructors[i].full_time ? 0 : 1) == c)
			n++;
	return n;
}

/* R for the roster in zone_of, with the best y and o it allows (MODEL.md §3). */
static int64_t
roster_objective(const struct roster_model *m)
{
	const struct settings *st = &m->s->settings;
	int64_t r = 0;
	size_t p, i, z;

	for (p = 0; p < m->np; p++) {
		for (i = 0; i < m->ni; i++) {
			int32_t zz = m->zone_of[pi_of(m, p, i)];

			if (zz == NO_ZONE)
				continue;
			r += x_coef(m, p, i, (size_t)zz);
			if (p > 0 && m->zone_of[pi_of(m, p - 1, i)] == zz && st->w_stay > 0)
				r += st->w_stay;
		}
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++) {
				int64_t n = class_count(m, p, z, c);
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * m->nz + z];
				int64_t over = n > seats ? n - seats : 0;

				/* o is at most the class count (its bound). */
				if (st->w_balance < 0)
					over = n;
				r -= st->w_balance * over;
			}
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* The GLPK problem                                                    */
/* ------------------------------------------------------------------ */

/*
 * Build the MIP of MODEL.md §3 over periods [p0, p1) into m->lp and the
 * column maps (which must be clear for those periods).  names: give rows
 * and columns readable names.  stay_bonus, for the one-period models of
 * the first roster: 1 adds w_stay to staying in the zone of zone_of in
 * the period before, 2 also in the period after.
 */
static int
model_build(struct roster_model *m, bool names, size_t p0, size_t p1, int stay_bonus)
{
	const struct settings *st = &m->s->settings;
	struct lp_triplets t = {0};
	size_t ni = m->ni, nz = m->nz, p, i, z;
	int64_t *cnt = NULL, coef;
	glp_prob *lp;
	int row, col;

	m->lp = lp = glp_create_prob();
	glp_set_prob_name(lp, "parkplan_roster");
	glp_set_obj_name(lp, "R");
	glp_set_obj_dir(lp, GLP_MAX);
	cnt = alloc_array(2, sizeof(*cnt));
	if (cnt == NULL)
		goto fail;

	/* x_izp */
	for (p = p0; p < p1; p++)
		for (i = 0; i < ni; i++) {
			int32_t pin = m->pin[pi_of(m, p, i)];
			int32_t pin2 = m->pin2[pi_of(m, p, i)];

			for (z = 0; z < nz; z++) {
				if (!m->allowed[piz_of(m, p, i, z)] ||
				    m->pruned[piz_of(m, p, i, z)])
					continue;
				if (m->only != NULL && m->only[pi_of(m, p, i)] != NO_ZONE &&
				    m->only[pi_of(m, p, i)] != (int32_t)z)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->xcol[piz_of(m, p, i, z)] = col;
				if (names)
					lp_set_name(lp, LP_COL, col,
					            "x_%" PRId64 "_%" PRId64 "_%" PRId64,
					            m->s->instructors[i].id, m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_BV);
				if (pin == (int32_t)z || pin2 == (int32_t)z ||
				    (m->only != NULL && m->only[pi_of(m, p, i)] == (int32_t)z))
					glp_set_col_bnds(lp, col, GLP_FX, 1.0, 1.0);
				coef = x_coef(m, p, i, z);
				if (stay_bonus && p > 0 && st->w_stay > 0 &&
				    m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z)
					coef += st->w_stay;
				if (stay_bonus > 1 && p + 1 < m->np && st->w_stay > 0 &&
				    m->zone_of[pi_of(m, p + 1, i)] == (int32_t)z)
					coef += st->w_stay;
				glp_set_obj_coef(lp, col, (double)coef);
			}
		}
	/* y_izp */
	for (p = p0 + 1; p < p1; p++)
		for (i = 0; i < ni; i++)
			for (z = 0; z < nz; z++) {
				if (m->xcol[piz_of(m, p, i, z)] == 0 ||
				    m->xcol[piz_of(m, p - 1, i, z)] == 0)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->ycol[piz_of(m, p, i, z)] = col;
				if (names)
					lp_set_name(lp, LP_COL, col,
					            "y_%" PRId64 "_%" PRId64 "_%" PRId64,
					            m->s->instructors[i].id, m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_BV);
				glp_set_obj_coef(lp, col, (double)st->w_stay);
			}
	/* o_zcp, bounded by the instructors of the class who may sit there */
	for (p = p0; p < p1; p++)
		for (z = 0; z < nz; z++) {
			cnt[0] = cnt[1] = 0;
			for (i = 0; i < ni; i++)
				if (m->xcol[piz_of(m, p, i, z)] != 0)
					cnt[m->s->instructors[i].full_time ? 0 : 1]++;
			for (int c = 0; c < 2; c++) {
				if (cnt[c] == 0)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->ocol[(p * nz + z) * 2 + (size_t)c] = col;
				if (names)
					lp_set_name(lp, LP_COL, col, "o_%" PRId64 "_%s_%" PRId64,
					            m->s->zones[z].id, c == 0 ? "ft" : "pt",
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_IV);
				glp_set_col_bnds(lp, col, GLP_DB, 0.0, (double)cnt[c]);
				glp_set_obj_coef(lp, col, -(double)st->w_balance);
			}
		}

	/* Σ_z x_izp = 1 */
	for (p = p0; p < p1; p++)
		for (i = 0; i < ni; i++) {
			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			row = glp_add_rows(lp, 1);
			if (names)
				lp_set_name(lp, LP_ROW, row, "assign_%" PRId64 "_%" PRId64,
				            m->s->instructors[i].id, m->s->periods[p].id);
			glp_set_row_bnds(lp, row, GLP_FX, 1.0, 1.0);
			for (z = 0; z < nz; z++) {
				col = m->xcol[piz_of(m, p, i, z)];
				if (col != 0 && lp_triplets_add(&t, row, col, 1.0) != 0)
					goto fail;
			}
		}
	/* Σ_{i of class c} x_izp − o_zcp ≤ seats_c(z, p); Σ_{full-time} x_izp ≥ min_fulltime(z) */
	for (p = p0; p < p1; p++)
		for (z = 0; z < nz; z++) {
			for (int c = 0; c < 2; c++) {
				int ocol = m->ocol[(p * nz + z) * 2 + (size_t)c];
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * nz + z];

				if (ocol == 0)
					continue;
				row = glp_add_rows(lp, 1);
				if (names)
					lp_set_name(lp, LP_ROW, row,
					            "seats_%s_%" PRId64 "_%" PRId64,
					            c == 0 ? "ft" : "pt", m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_row_bnds(lp, row, GLP_UP, 0.0, (double)seats);
				for (i = 0; i < ni; i++) {
					col = m->xcol[piz_of(m, p, i, z)];
					if (col != 0 &&
					    (m->s->instructors[i].full_time ? 0 : 1) == c &&
					    lp_triplets_add(&t, row, col, 1.0) != 0)
						goto fail;
				}
				if (lp_triplets_add(&t, row, ocol, -1.0) != 0)
					goto fail;
			}
			if (m->s->zones[z].min_fulltime <= 0)
				continue;
			row = glp_add_rows(lp, 1);
			if (names)
				lp_set_name(lp, LP_ROW, row, "minft_%" PRId64 "_%" PRId64,
				            m->s->zones[z].id, m->s->periods[p].id);
			glp_set_row_bnds(lp, row, GLP_LO, (double)m->s->zones[z].min_fulltime, 0.0);
			for (i = 0; i < ni; i++) {
				col = m->xcol[piz_of(m, p, i, z)];
				if (col != 0 && m->s->instructors[i].full_time &&
				    lp_triplets_add(&t, row, col, 1.0) != 0)
					goto fail;
			}
		}
	/* y_izp ≤ x_izp, y_izp ≤ x_iz(p−1) */
	for (p = p0 + 1; p < p1; p++)
		for (i = 0; i < ni; i++)
			for (z = 0; z < nz; z++) {
				int ycol = m->ycol[piz_of(m, p, i, z)];

				if (ycol == 0)
					continue;
				for (int back = 0; back < 2; back++) {
					row = glp_add_rows(lp, 1);
					if (names)
						lp_set_name(
						    lp, LP_ROW, row,
						    "stay%s_%" PRId64 "_%" PRId64 "_%" PRId64,
						    back ? "b" : "a", m->s->instructors[i].id,
						    m->s->zones[z].id, m->s->periods[p].id);
					glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
					if (lp_triplets_add(&t, row, ycol, 1.0) != 0 ||
					    lp_triplets_add(&t, row,
					                    m->xcol[piz_of(m, p - back, i, z)],
					                    -1.0) != 0)
						goto fail;
				}
			}
	if (lp_triplets_load(&t, lp) != 0)
		goto fail;
	lp_triplets_free(&t);
	free(cnt);
	return 0;
fail:
	lp_triplets_free(&t);
	free(cnt);
	return -1;
}

static void
model_clear_lp(struct roster_model *m)
{
	if (m->lp != NULL)
		glp_delete_prob(m->lp);
	m->lp = NULL;
	m->ncols = 0;
	memset(m->xcol, 0, m->np * m->ni * m->nz * sizeof(*m->xcol));
	memset(m->ycol, 0, m->np * m->ni * m->nz * sizeof(*m->ycol));
	memset(m->ocol, 0, m->np * m->nz * 2 * sizeof(*m->ocol));
}

/* ------------------------------------------------------------------ */
/* What a GLPK model costs, and what the process may still spend       */
/* ------------------------------------------------------------------ */

/* The size of the model model_build() would make over periods [p0, p1). */
struct model_size {
	double cols, rows, nnz;
};

static struct model_size
model_count(const struct roster_model *m, size_t p0, size_t p1)
{
	struct model_size sz = {0, 0, 0};
	size_t p, i, z;

	for (p = p0; p < p1; p++) {
		for (i = 0; i < m->ni; i++) {
			bool ft = m->s->instructors[i].full_time;

			if (m->rd.available[pi_of(m, p, i)])
				sz.rows += 1;
			for (z = 0; z < m->nz; z++) {
				size_t q = piz_of(m, p, i, z);

				if (!m->allowed[q] || m->pruned[q])
					continue;
				/* x, its assign and seat rows, the minimum when full-time */
				sz.cols += 1;
				sz.nnz += 2 + (ft && m->s->zones[z].min_fulltime > 0 ? 1 : 0);
				if (p > p0 && m->allowed[piz_of(m, p - 1, i, z)] &&
				    !m->pruned[piz_of(m, p - 1, i, z)]) {
					/* y and its two rows */
					sz.cols += 1;
					sz.rows += 2;
					sz.nnz += 4;
				}
			}
		}
		/* o and the seat and minimum rows, at most */
		sz.cols += 2.0 * (double)m->nz;
		sz.rows += 3.0 * (double)m->nz;
		sz.nnz += 2.0 * (double)m->nz;
	}
	return sz;
}

/*
 * Bytes a model of this size costs at its peak: GLPK's rows, columns and
 * elements (about 120, 120 and 64 bytes), the triplets they are loaded
 * from, and what the simplex method adds on top (its copy of the matrix
 * and the basis factorisation); the interior-point method adds the
 * Cholesky factor of A·D·Aᵀ, which fills in.  Measured with
 * glp_mem_usage() on the district sample: a one-period LP (8 970 columns,
 * 387 rows, 20 580 non-zeros) holds 2.3 MiB, 3.8 MiB at the simplex's
 * peak (estimated here 5.9); the whole model (61 680 columns, 53 620 rows,
 * 185 910 non-zeros) 25.4 MiB, 132 MiB at the interior point's peak
 * (estimated 179); a city period (395 400 columns) 157 MiB at the
 * simplex's peak (estimated 258).
 */
#define ROSTER_BYTES_PER_COL 360.0
#define ROSTER_BYTES_PER_ROW 320.0
#define ROSTER_BYTES_PER_NNZ 140.0
#define ROSTER_BYTES_PER_NNZ_INTERIOR 800.0

static double
model_bytes(struct model_size sz, bool interior)
{
	return ROSTER_BYTES_PER_COL * sz.cols + ROSTER_BYTES_PER_ROW * sz.rows +
	       (interior ? ROSTER_BYTES_PER_NNZ_INTERIOR : ROSTER_BYTES_PER_NNZ) * sz.nnz;
}

/* Above this many rows GLPK's simplex is slow on the whole model: see roster_interior(). */
#define ROSTER_LARGE_ROWS 5000

/*
 * Seconds the whole model takes per non-zero, from building it to the
 * proof (interior point, rounding, neighbourhood, branch and cut): about
 * 1.4e-5 on the district sample (190 000 non-zeros), doubled for a busy
 * machine.  With less time left than this, the whole model is not built.
 */
#define ROSTER_SECONDS_PER_NNZ 2e-5

#define ROSTER_MIB (1024.0 * 1024.0)
/* Without a memory limit the roster still spends at most this. */
#define ROSTER_UNLIMITED_BYTES (4.0 * 1024 * 1024 * 1024)

/*
 * Bytes the roster may still allocate for a GLPK model: what the caller
 * says is left (opt->memory_room: in the isolated child, its RLIMIT_AS
 * less what is mapped already and a margin), ROSTER_UNLIMITED_BYTES without
 * a limit; at most opt->memory_budget_mib when that is set.  *limited: a
 * limit or the cap applies.
 */
static double
memory_budget(const struct solver_options *opt, bool *limited)
{
	double budget = ROSTER_UNLIMITED_BYTES;

	*limited = false;
	if (opt->memory_room != NULL) {
		double room = opt->memory_room(opt->memory_room_arg);

		if (room != INFINITY) {
			budget = room > 0 ? room : 0;
			*limited = true;
		}
	}
	if (opt->memory_budget_mib > 0 && opt->memory_budget_mib * ROSTER_MIB < budget) {
		budget = opt->memory_budget_mib * ROSTER_MIB;
		*limited = true;
	}
	return budget;
}

/* ------------------------------------------------------------------ */
/* Without the whole model: a local search and a Lagrangian bound      */
/* ------------------------------------------------------------------ */

/* w_stay when staying pays, else 0 (y is then 0 in every best roster). */
static int64_t
stay_gain(const struct roster_model *m)
{
	return m->s->settings.w_stay > 0 ? m->s->settings.w_stay : 0;
}

/* The cost in R of n instructors of one class in a zone with this many seats. */
static int64_t
overflow_cost(const struct roster_model *m, int64_t n, int64_t seats)
{
	int64_t wb = m->s->settings.w_balance;

	if (wb < 0)
		return wb * n; /* as roster_objective() counts it */
	return wb * (n > seats ? n - seats : 0);
}

/* What instructor i adds to R in zone z of period p, overflow aside. */
static int64_t
place_value(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	int64_t v = x_coef(m, p, i, z), ws = stay_gain(m);

	if (p > 0 && m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z)
		v += ws;
	if (p + 1 < m->np && m->zone_of[pi_of(m, p + 1, i)] == (int32_t)z)
		v += ws;
	return v;
}

/*
 * Better the roster in zone_of by single moves (an instructor to another
 * zone, counting the seats it frees and fills, never below a zone's
 * full-time minimum) and swaps (two instructors of the same class trade
 * zones: every count stays), until none gains or the deadline passes.
 * It needs no memory beyond the counts, whatever the scale.  Returns 0 or
 * -1 (out of memory).
 */
static int
roster_local(struct roster_model *m, double deadline)
{
	size_t nz = m->nz, ni = m->ni;
	int64_t *cnt = alloc_array(count_mul(nz, 2), sizeof(*cnt));
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
				va = place_value(m, p, i, (size_t)a);
				ca =
				    overflow_cost(m, cnt[(size_t)a * 2 + (size_t)c] - 1, SEATS(a)) -
				    overflow_cost(m, cnt[(size_t)a * 2 + (size_t)c], SEATS(a));
				for (size_t b = 0; b < nz; b++) {
					int64_t d;

					if (b == (size_t)a || !placeable(m, p, i, b))
						continue;
					d = place_value(m, p, i, b) - va - ca -
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
					    !placeable(m, p, i, (size_t)b) ||
					    !placeable(m, p, j, (size_t)a))
						continue;
					d = place_value(m, p, i, (size_t)b) +
					    place_value(m, p, j, (size_t)a) -
					    place_value(m, p, i, (size_t)a) -
					    place_value(m, p, j, (size_t)b);
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

/*
 * An upper bound on R without the GLPK model: relax the seat rows with
 * multipliers lambda_zcp in [0, w_balance] (o_zcp then gains nothing) and
 * the full-time minimums with mu_zp >= 0; what is left falls apart by
 * instructor, each a walk through the periods (a zone per period
 * available, w_stay for each stay), solved exactly by dynamic programming
 * over zones.  Any such multipliers give a valid bound (weak duality);
 * with all of them 0 it is each instructor's best path alone.  A
 * subgradient method (Polyak's step towards the roster in hand, target)
 * tightens it until the deadline or 2000 steps.  Returns INFINITY
 * when out of memory.
 */
static double
lagrangian_bound(const struct roster_model *m, double target, double deadline)
{
	size_t nz = m->nz, ni = m->ni, np = m->np, npz = np * nz;
	int64_t wb = m->s->settings.w_balance;
	double ws = (double)stay_gain(m), best = INFINITY, theta = 1.0, extra = 0;
	double *lam = alloc_array(count_mul(npz, 2), sizeof(*lam));
	double *mu = alloc_array(npz, sizeof(*mu));
	double *g_lam = alloc_array(count_mul(npz, 2), sizeof(*g_lam));
	double *g_mu = alloc_array(npz, sizeof(*g_mu));
	double *f = alloc_array(npz, sizeof(*f));
	unsigned char *stay = alloc_array(npz, 1);
	int since = 0;

	if (lam == NULL || mu == NULL || g_lam == NULL || g_mu == NULL || f == NULL || stay == NULL)
		goto done;
	if (wb < 0) {
		/* o_zcp ≤ its bound, each worth −w_balance: count them all. */
		for (size_t p = 0; p < np; p++)
			for (size_t i = 0; i < ni; i++)
				for (size_t z = 0; z < nz; z++)
					if (m->allowed[piz_of(m, p, i, z)])
						extra += (double)-wb;
	}
	for (int it = 0; it < 2000; it++) {
		double L = extra, norm = 0;

		for (size_t p = 0; p < np; p++)
			for (size_t z = 0; z < nz; z++) {
				for (int c = 0; c < 2; c++) {
					double s = (double)(c == 0 ? m->rd.seats_ft
					                           : m->rd.seats_pt)[p * nz + z];

					L += lam[(p * nz + z) * 2 + (size_t)c] * s;
					g_lam[(p * nz + z) * 2 + (size_t)c] = s;
				}
				L -= mu[p * nz + z] * (double)m->s->zones[z].min_fulltime;
				g_mu[p * nz + z] = -(double)m->s->zones[z].min_fulltime;
			}
		for (size_t i = 0; i < ni; i++) {
			int c = m->s->instructors[i].full_time ? 0 : 1;
			double g = 0;
			bool prev = false;        /* available in the period before */
			int32_t z_next = NO_ZONE; /* the zone the walk stays in, or NO_ZONE */

			/* Forward: f[p][z] the best value of a walk placed in z in p. */
			for (size_t p = 0; p < np; p++) {
				double gp = -INFINITY;

				if (!m->rd.available[pi_of(m, p, i)]) {
					prev = false;
					for (size_t z = 0; z < nz; z++)
						f[p * nz + z] = -INFINITY;
					continue;
				}
				for (size_t z = 0; z < nz; z++) {
					double v, from = g;

					f[p * nz + z] = -INFINITY;
					stay[p * nz + z] = 0;
					if (!placeable(m, p, i, z))
						continue;
					v = (double)x_coef(m, p, i, z) -
					    lam[(p * nz + z) * 2 + (size_t)c] +
					    (c == 0 ? mu[p * nz + z] : 0);
					if (prev && f[(p - 1) * nz + z] + ws > from) {
						from = f[(p - 1) * nz + z] + ws;
						stay[p * nz + z] = 1;
					}
					f[p * nz + z] = v + from;
					if (f[p * nz + z] > gp)
						gp = f[p * nz + z];
				}
				if (gp == -INFINITY) {
					prev = false; /* never: roster_first() checked */
					continue;
				}
				g = gp;
				prev = true;
			}
			L += g;
			/* Backward: the zones of one best walk, for the subgradient. */
			for (size_t p = np; p-- > 0;) {
				int32_t zb = z_next;

				if (!m->rd.available[pi_of(m, p, i)]) {
					z_next = NO_ZONE;
					continue;
				}
				if (zb == NO_ZONE) {
					double bv = -INFINITY;

					for (size_t z = 0; z < nz; z++)
						if (f[p * nz + z] > bv) {
							bv = f[p * nz + z];
							zb = (int32_t)z;
						}
				}
				if (zb == NO_ZONE)
					continue;
				g_lam[(p * nz + (size_t)zb) * 2 + (size_t)c] -= 1;
				if (c == 0)
					g_mu[p * nz + (size_t)zb] += 1;
				z_next = stay[p * nz + (size_t)zb] ? zb : NO_ZONE;
			}
		}
		if (L < best) {
			best = L;
			since = 0;
		} else if (++since >= 5) {
			theta /= 2;
			since = 0;
		}
		if (wb < 0 || best <= target + 1.0 - 1e-6 || lp_now() >= deadline)
			break;
		/* dL/dlambda = g_lam, dL/dmu = g_mu: step down, kept in range. */
		for (size_t k = 0; k < npz * 2; k++) {
			double d = g_lam[k];

			if ((lam[k] <= 0 && d > 0) || (lam[k] >= (double)wb && d < 0))
				d = 0;
			norm += d * d;
		}
		for (size_t k = 0; k < npz; k++) {
			double d = g_mu[k];

			if (mu[k] <= 0 && d > 0)
				d = 0;
			norm += d * d;
		}
		if (norm <= 0 || theta < 1e-4)
			break;
		{
			double t = theta * (L - target) / norm;

			if (!(t > 0))
				t = theta / sqrt(norm);
			for (size_t k = 0; k < npz * 2; k++) {
				lam[k] -= t * g_lam[k];
				lam[k] =
				    lam[k] < 0 ? 0 : (lam[k] > (double)wb ? (double)wb : lam[k]);
			}
			for (size_t k = 0; k < npz; k++) {
				mu[k] -= t * g_mu[k];
				if (mu[k] < 0)
					mu[k] = 0;
			}
		}
	}
done:
	free(lam);
	free(mu);
	free(g_lam);
	free(g_mu);
	free(f);
	free(stay);
	/* Rounding in the sums above must not cut below the true bound. */
	return best + 1e-9 * (double)(np * ni + npz) * (fabs(best) + 1.0);
}

/*
 * At most about this many x columns in a one-period LP: beyond, GLPK's
 * simplex takes longer than a solve has (at city scale it did not finish
 * a period of 400 000 columns in 15 s, and took 13 s over 60 000).
 */
#define ROSTER_PERIOD_COLS 20000.0

struct zone_score {
	int64_t score;
	int32_t z;
};

static int
zone_score_cmp(const void *a, const void *b)
{
	const struct zone_score *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1; /* best first */
	return (x->z > y->z) - (x->z < y->z);
}

/*
 * Leave out of period p's LP (in pruned, whose slice for p was clear) all
 * but each instructor's k best zones, by x_coef and the stay bonus, and its
 * zones in zone_of in p and the periods next to it: the roster in hand
 * stays a solution of the smaller LP, which can only better it.  Returns 0
 * or -1 (out of memory).
 */
static int
period_restrict(struct roster_model *m, size_t p, size_t k)
{
	struct zone_score *sc = alloc_array(m->nz, sizeof(*sc));

	if (sc == NULL)
		return -1;
	for (size_t i = 0; i < m->ni; i++) {
		size_t n = 0;

		if (!m->rd.available[pi_of(m, p, i)])
			continue;
		for (size_t z = 0; z < m->nz; z++)
			if (m->allowed[piz_of(m, p, i, z)]) {
				sc[n].score = place_value(m, p, i, z);
				sc[n].z = (int32_t)z;
				n++;
			}
		if (n <= k)
			continue;
		qsort(sc, n, sizeof(*sc), zone_score_cmp);
		for (size_t r = k; r < n; r++) {
			int32_t z = sc[r].z;

			if (z == m->zone_of[pi_of(m, p, i)] || z == m->pin[pi_of(m, p, i)] ||
			    (p > 0 && z == m->zone_of[pi_of(m, p - 1, i)]) ||
			    (p + 1 < m->np && z == m->zone_of[pi_of(m, p + 1, i)]))
				continue;
			m->pruned[piz_of(m, p, i, (size_t)z)] = 1;
		}
	}
	free(sc);
	return 0;
}

/*
 * Better the first roster period by period, in passes until a pass gains
 * nothing (at most four): one period alone, with the stay bonus for the
 * zones of the periods before and after, is a transportation
 * problem whose matrix is totally unimodular, so GLPK's simplex gives an
 * integral roster quickly even where the whole model is slow.  A period
 * whose LP fails or is not integral keeps its roster.  both: count the
 * period after from the first pass on (the roster in zone_of is worth
 * keeping), else only from the second.  A period whose LP would not fit
 * in the memory left (memory_budget()) is skipped and *too_big (when not
 * NULL) set; each LP gets at most half the time left, so that what follows
 * keeps the other half.  Returns 0 or -1 (out of memory).
 */
static int
roster_by_period(struct roster_model *m, double deadline, const struct solver_options *opt,
                 bool both, bool *too_big)
{
	int verbose = opt->verbose;
	int32_t *zone = alloc_array(m->ni, sizeof(*zone));
	int term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	int64_t last = roster_objective(m);
	struct model_size sz;
	double budget;
	bool restricted = false, limited;
	int rc = 0, ret;

	if (zone == NULL) {
		rc = -1;
		goto done;
	}
	for (size_t step = 0; step < m->np * 4; step++) {
		size_t p = step % m->np;
		double left = deadline - lp_now();
		glp_smcp sp;
		bool ok = true;

		if (p == 0 && step > 0) {
			int64_t r = roster_objective(m);

			if (r <= last)
				break; /* a pass over the periods changed nothing */
			last = r;
		}

		if (left <= 0)
			break;
		model_clear_lp(m);
		/*
		 * Too large for the memory left or for the time: only each
		 * instructor's best zones, as many as fit (pruned is clear here
		 * and cleared again after the build).
		 */
		sz = model_count(m, p, p + 1);
		budget = memory_budget(opt, &limited);
		if (sz.cols > ROSTER_PERIOD_COLS || model_bytes(sz, false) > budget) {
			double share = ROSTER_PERIOD_COLS / sz.cols;
			size_t k;

			if (budget / model_bytes(sz, false) < share)
				share = budget / model_bytes(sz, false);
			k = (size_t)((double)m->nz * share);
			if (too_big != NULL)
				*too_big = true;
			if (k < 2 || period_restrict(m, p, k) != 0) {
				memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
				continue;
			}
			restricted = true;
			if (model_bytes(model_count(m, p, p + 1), false) > budget) {
				memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
				continue;
			}
		}
		ret = model_build(m, false, p, p + 1, step < m->np && !both ? 1 : 2);
		if (restricted)
			memset(&m->pruned[piz_of(m, p, 0, 0)], 0, m->ni * m->nz);
		restricted = false;
		if (ret != 0) {
			rc = -1;
			goto done;
		}
		if (m->ncols == 0)
			continue;
		glp_init_smcp(&sp);
		sp.msg_lev = verbose ? GLP_MSG_ERR : GLP_MSG_OFF;
		sp.tm_lim = lp_time_limit_ms(isfinite(left) ? left / 2 : left);
		if (glp_simplex(m->lp, &sp) != 0 || glp_get_status(m->lp) != GLP_OPT)
			continue;
		for (size_t i = 0; i < m->ni && ok; i++) {
			zone[i] = NO_ZONE;
			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];
				double v = col != 0 ? glp_get_col_prim(m->lp, col) : 0.0;

				if (v > 1e-6 && v < 1.0 - 1e-6)
					ok = false;
				else if (v > 0.5)
					zone[i] =
					    zone[i] == NO_ZONE ? (int32_t)z : (ok = false, NO_ZONE);
			}
			if (zone[i] == NO_ZONE)
				ok = false;
		}
		if (ok)
			memcpy(&m->zone_of[pi_of(m, p, 0)], zone, m->ni * sizeof(*zone));
	}
done:
	if (m->lp != NULL)
		model_clear_lp(m);
	glp_term_out(term);
	free(zone);
	return rc;
}

/* The column values of the roster in zone_of, for glp_ios_heur_sol (1-based). */
static double *
model_point(const struct roster_model *m)
{
	const struct settings *st = &m->s->settings;
	double *x = alloc_array((size_t)m->ncols + 1, sizeof(*x));
	size_t p, i, z;

	if (x == NULL)
		return NULL;
	for (p = 0; p < m->np; p++) {
		for (i = 0; i < m->ni; i++) {
			int32_t zz = m->zone_of[pi_of(m, p, i)];
			int ycol;

			if (zz == NO_ZONE)
				continue;
			x[m->xcol[piz_of(m, p, i, (size_t)zz)]] = 1.0;
			ycol = m->ycol[piz_of(m, p, i, (size_t)zz)];
			if (ycol != 0 && m->zone_of[pi_of(m, p - 1, i)] == zz && st->w_stay > 0)
				x[ycol] = 1.0;
		}
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++) {
				int ocol = m->ocol[(p * m->nz + z) * 2 + (size_t)c];
				int64_t n = class_count(m, p, z, c);
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * m->nz + z];

				if (ocol == 0)
					continue;
				if (st->w_balance < 0)
					x[ocol] = glp_get_col_ub(m->lp, ocol);
				else
					x[ocol] = (double)(n > seats ? n - seats : 0);
			}
	}
	return x;
}

/* A valid upper bound on R without any solve: the best placement of everyone, every stay. */
static double
trivial_bound(const struct roster_model *m)
{
	const struct settings *st = &m->s->settings;
	double b = 0;

	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			int64_t best = INT64_MIN;

			for (size_t z = 0; z < m->nz; z++)
				if (m->xcol[piz_of(m, p, i, z)] != 0 && x_coef(m, p, i, z) > best)
					best = x_coef(m, p, i, z);
			if (best != INT64_MIN)
				b += (double)best +
				     (p > 0 && st->w_stay > 0 ? (double)st->w_stay : 0);
		}
	return b;
}

/* ------------------------------------------------------------------ */
/* The search                                                          */
/* ------------------------------------------------------------------ */

struct roster_search {
	struct lp_search sr; /* sr.bound: the best bound seen (an upper bound on R) */
	bool proven;         /* stopped: no integral objective above the incumbent remains */
};

static void
search_callback(glp_tree *tree, void *info)
{
	struct roster_search *rs = info;
	int reason = glp_ios_reason(tree);
	double best;

	if (lp_search_offer_warm(&rs->sr, tree))
		return;
	if (reason != GLP_ISELECT && reason != GLP_IBINGO)
		return;
	best = lp_tree_best(tree);
	if (reason == GLP_ISELECT) {
		double b = lp_tree_bound(tree);

		if (!isnan(b)) {
			if (!isnan(best) && b < best)
				b = best;
			if (b < rs->sr.bound)
				rs->sr.bound = b;
		}
		/*
		 * Every coefficient of R is an integer: once the bound is below
		 * the incumbent plus one, no better roster remains.
		 */
		if (!isnan(best) && rs->sr.bound < best + 1.0 - 1e-6 - 1e-9 * fabs(best)) {
			rs->proven = true;
			rs->sr.bound = best;
			glp_ios_terminate(tree);
			return;
		}
	}
	if (lp_search_due(&rs->sr, tree))
		lp_search_report(&rs->sr, lp_search_fraction(&rs->sr), best, rs->sr.bound);
}

/*
 * A bound on R from any row multipliers pi (here the interior point's row
 * duals times sign), by weak duality: with d = c − Aᵀpi, for every
 * feasible x,
 *   c·x = d·x + pi·(Ax)
 *       ≤ Σ_j max_{l_j ≤ x_j ≤ u_j} d_j x_j + Σ_i max_{L_i ≤ t ≤ U_i} pi_i t.
 * A multiplier whose sign meets an infinite row bound is taken as 0.
 * Valid whatever the quality of pi: a loose pi gives a loose bound.
 * reduced (1-based, may be NULL) receives d.  Returns INFINITY when out
 * of memory.
 */
static double
dual_bound(glp_prob *lp, double sign, double *reduced)
{
	int nr = glp_get_num_rows(lp), nc = glp_get_num_cols(lp);
	double *pi = alloc_array((size_t)nr + 1, sizeof(*pi));
	double *val = alloc_array((size_t)nr + 1, sizeof(*val));
	int *ind = alloc_array((size_t)nr + 1, sizeof(*ind));
	double b = 0;

	if (pi == NULL || val == NULL || ind == NULL) {
		b = INFINITY;
		goto done;
	}
	for (int i = 1; i <= nr; i++) {
		int type = glp_get_row_type(lp, i);
		double v = sign * glp_ipt_row_dual(lp, i);
		bool has_ub = type == GLP_UP || type == GLP_DB || type == GLP_FX;
		bool has_lb = type == GLP_LO || type == GLP_DB || type == GLP_FX;

		if (!isfinite(v) || (v > 0 && !has_ub) || (v < 0 && !has_lb))
			v = 0;
		pi[i] = v;
		b += v > 0 ? v * glp_get_row_ub(lp, i) : (v < 0 ? v * glp_get_row_lb(lp, i) : 0);
	}
	for (int j = 1; j <= nc; j++) {
		int len = glp_get_mat_col(lp, j, ind, val), type = glp_get_col_type(lp, j);
		double d = glp_get_obj_coef(lp, j);

		for (int k = 1; k <= len; k++)
			d -= val[k] * pi[ind[k]];
		if (reduced != NULL)
			reduced[j] = d;
		if (d > 0 && type != GLP_UP && type != GLP_DB && type != GLP_FX) {
			b = INFINITY;
			goto done;
		}
		if (d < 0 && type != GLP_LO && type != GLP_DB && type != GLP_FX) {
			b = INFINITY;
			goto done;
		}
		b += d > 0 ? d * glp_get_col_ub(lp, j) : (d < 0 ? d * glp_get_col_lb(lp, j) : 0);
	}
done:
	free(pi);
	free(val);
	free(ind);
	return b;
}

static void read_solution(struct roster_model *m);

/*
 * A neighbourhood search (in the manner of RINS): keep each instructor in
 * a period where the interior point and the roster in hand agree (settled,
 * [p*ni+i]), and let GLPK, with its presolver, solve the much smaller MIP
 * over the rest, for up to half the time left.  A better roster replaces
 * the one in zone_of.  Returns 0, or -1 when out of memory.
 */
static int
roster_neighbourhood(struct roster_model *m, const int32_t *settled, double deadline, int verbose)
{
	size_t npi = m->np * m->ni;
	int32_t *only = alloc_array(npi, sizeof(*only));
	int32_t *saved = alloc_array(npi, sizeof(*saved));
	double left = deadline - lp_now();
	int64_t before;
	glp_iocp ip;
	int term, rc = 0;

	if (only == NULL || saved == NULL) {
		rc = -1;
		goto done;
	}
	if (left < 0.2)
		goto done;
	for (size_t q = 0; q < npi; q++)
		only[q] = settled[q] == m->zone_of[q] ? settled[q] : NO_ZONE;
	model_clear_lp(m);
	m->only = only;
	rc = model_build(m, false, 0, m->np, 0);
	m->only = NULL;
	if (rc != 0)
		goto done;
	glp_init_iocp(&ip);
	ip.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	ip.presolve = GLP_ON;
	ip.tm_lim = lp_time_limit_ms(left / 2);
	term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	(void)glp_intopt(m->lp, &ip);
	glp_term_out(term);
	if (glp_mip_status(m->lp) == GLP_OPT || glp_mip_status(m->lp) == GLP_FEAS) {
		memcpy(saved, m->zone_of, npi * sizeof(*saved));
		before = roster_objective(m);
		read_solution(m);
		if (roster_objective(m) < before)
			memcpy(m->zone_of, saved, npi * sizeof(*saved));
	}
	model_clear_lp(m);
done:
	free(only);
	free(saved);
	return rc;
}

/*
 * For a large model: the LP relaxation by GLPK's interior-point method,
 * far faster here than its simplex, gives a bound on R; its solution,
 * rounded (each instructor to the zone it holds most of, then the
 * full-time minimums restored) and bettered period by period, replaces the
 * roster in zone_of when it is better.  The whole model is rebuilt at the
 * end.  Returns 0, or -1 when out of memory.
 */
static int
roster_interior(struct roster_model *m, struct roster_search *rs, int verbose, double deadline)
{
	size_t npi = m->np * m->ni;
	int32_t *saved = alloc_array(npi, sizeof(*saved));
	unsigned char *hall = alloc_array(m->nz, 1);
	double *xcol_reduced = alloc_array(npi * m->nz, sizeof(*xcol_reduced));
	int32_t *settled = alloc_array(npi, sizeof(*settled));
	double *reduced = NULL, lagrange = INFINITY;
	int64_t before, need, can;
	glp_iptcp ip;
	int term, ret, rc = 0;
	bool ok = true;

	if (saved == NULL || hall == NULL || xcol_reduced == NULL || settled == NULL) {
		rc = -1;
		goto done;
	}
	for (size_t q = 0; q < npi; q++)
		settled[q] = NO_ZONE;
	glp_init_iptcp(&ip);
	ip.msg_lev = verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	term = glp_term_out(verbose ? GLP_ON : GLP_OFF);
	ret = glp_interior(m->lp, &ip);
	glp_term_out(term);
	/*
	 * GLPK's interior point may stop short of its tolerances (GLP_EINSTAB)
	 * right next to the optimum: its last point is still worth rounding,
	 * and its row duals still give a valid bound.
	 */
	if (ret != 0 && ret != GLP_EINSTAB && ret != GLP_ENOCVG)
		goto done;
	reduced = alloc_array((size_t)m->ncols + 1, sizeof(*reduced));
	if (reduced == NULL) {
		rc = -1;
		goto done;
	}
	{
		double b1 = dual_bound(m->lp, 1.0, NULL), b2 = dual_bound(m->lp, -1.0, NULL);

		lagrange = dual_bound(m->lp, b1 <= b2 ? 1.0 : -1.0, reduced);
		if (lagrange < rs->sr.bound)
			rs->sr.bound = lagrange;
	}
	for (size_t q = 0; q < npi * m->nz; q++) {
		int col = m->xcol[q];

		/* Kept for the pruning below: the whole model is about to go. */
		xcol_reduced[q] =
		    col != 0 && glp_get_col_type(m->lp, col) != GLP_FX ? reduced[col] : 0.0;
	}
	memcpy(saved, m->zone_of, npi * sizeof(*saved));
	before = roster_objective(m);
	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			double best = -1;

			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];

				if (col != 0 && placeable(m, p, i, z) &&
				    glp_ipt_col_prim(m->lp, col) > best) {
					best = glp_ipt_col_prim(m->lp, col);
					m->zone_of[pi_of(m, p, i)] = (int32_t)z;
				}
			}
			/* Where the interior point has made up its mind. */
			if (best > 0.9)
				settled[pi_of(m, p, i)] = m->zone_of[pi_of(m, p, i)];
		}
	for (size_t p = 0; p < m->np && ok; p++) {
		int f = fill_fulltime(m, p, hall, &need, &can);

		if (f < 0) {
			rc = -1;
			goto done;
		}
		ok = f == 0;
	}
	model_clear_lp(m);
	if (ok && roster_by_period(m, deadline, rs->sr.opt, true, NULL) != 0) {
		rc = -1;
		goto done;
	}
	if (!ok || roster_objective(m) < before)
		memcpy(m->zone_of, saved, npi * sizeof(*saved));
	/*
	 * Reduced-cost fixing: a roster with x_izp = 1 is worth at most
	 * lagrange + d_izp (d < 0).  Below the roster in hand, no better roster
	 * uses x_izp: leave it out of the model GLPK searches.  The roster in
	 * hand never uses such an x (its R would be below itself).
	 */
	if (isfinite(lagrange)) {
		double best = (double)roster_objective(m);

		for (size_t q = 0; q < npi * m->nz; q++)
			if (xcol_reduced[q] < 0 && lagrange + xcol_reduced[q] < best - 1e-6)
				m->pruned[q] = 1;
	}
	if (roster_neighbourhood(m, settled, deadline, verbose) != 0)
		rc = -1;
done:
	if (m->lp == NULL && rc == 0 && model_build(m, false, 0, m->np, 0) != 0)
		rc = -1;
	free(saved);
	free(hall);
	free(xcol_reduced);
	free(settled);
	free(reduced);
	return rc;
}

/* Place the assignments and coverage of zone_of into out. */
static int
roster_output(const struct roster_model *m, struct plan *out)
{
	size_t n = 0, k, p, z;

	for (p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++)
			if (m->zone_of[pi_of(m, p, i)] != NO_ZONE)
				n++;
	size_t ncov = m->np * m->nz;

	out->assignments = n > 0 ? calloc(n, sizeof(*out->assignments)) : NULL;
	out->coverage = ncov > 0 ? calloc(ncov, sizeof(*out->coverage)) : NULL;
	if ((n > 0 && out->assignments == NULL) || (ncov > 0 && out->coverage == NULL))
		return -1;
	out->n_assignments = 0;
	for (p = 0; p < m->np; p++)
		for (k = 0; k < m->ni; k++) {
			size_t i = m->inst_order[k];
			int32_t zz = m->zone_of[pi_of(m, p, i)];

			if (zz == NO_ZONE)
				continue;
			out->assignments[out->n_assignments++] = (struct plan_assignment){
			    .instructor_id = m->s->instructors[i].id,
			    .zone_id = m->s->zones[zz].id,
			    .period_id = m->s->periods[p].id,
			};
		}
	out->n_coverage = 0;
	for (p = 0; p < m->np; p++)
		for (k = 0; k < m->nz; k++) {
			struct plan_coverage *c = &out->coverage[out->n_coverage++];

			z = m->zone_order[k];
			c->zone_id = m->s->zones[z].id;
			c->period_id = m->s->periods[p].id;
			c->workload = m->rd.workload[z];
			c->seats_full_time = m->rd.seats_ft[p * m->nz + z];
			c->seats_part_time = m->rd.seats_pt[p * m->nz + z];
			c->capacity = 0;
			for (size_t i = 0; i < m->ni; i++)
				if (m->zone_of[pi_of(m, p, i)] == (int32_t)z)
					c->capacity += m->s->instructors[i].capacity;
		}
	return 0;
}

/* Read the roster GLPK found into zone_of. */
static void
read_solution(struct roster_model *m)
{
	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			m->zone_of[pi_of(m, p, i)] = NO_ZONE;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];

				if (col != 0 && glp_mip_col_val(m->lp, col) > 0.5) {
					m->zone_of[pi_of(m, p, i)] = (int32_t)z;
					break;
				}
			}
		}
}

int
roster_solve(const struct snapshot *s, const struct snapshot_index *ix,
             const struct solver_options *opt, struct plan *out)
{
	const struct settings *st = &s->settings;
	struct solver_options none = {0};
	struct roster_model m;
	struct roster_search rs;
	struct plan_part *part = &out->roster;
	double *warm = NULL, t0 = lp_now(), deadline, budget;
	const char *method = "";
	int n_reasons = 0, first, ret;
	struct model_size full;
	bool any = false, limited;
	int rc = -1;

	if (opt == NULL)
		opt = &none;
	free(out->assignments);
	free(out->coverage);
	out->assignments = NULL;
	out->coverage = NULL;
	out->n_assignments = out->n_coverage = 0;
	part->status = PART_ERROR;
	part->objective = 0;
	part->bound = 0;
	part->gap = 0;
	lp_search_start(&rs.sr, opt, "roster", st->time_limit_s);
	rs.proven = false;
	if (model_setup(&m, s, ix) != 0)
		return -1;
	for (size_t q = 0; q < m.np * m.ni; q++)
		any = any || m.rd.available[q];
	if (any && m.nz == 0) {
		plan_part_add_reason(part, "instructors are available but the park has no zone");
		part->status = PART_INFEASIBLE;
		rc = 0;
		goto done;
	}
	first = roster_first(&m, part, &n_reasons);
	if (first < 0)
		goto done;
	if (first > 0) {
		/* The reasons name each period; the seats are still worth showing. */
		for (size_t q = 0; q < m.np * m.ni; q++)
			m.zone_of[q] = NO_ZONE;
		part->status = PART_INFEASIBLE;
		rc = roster_output(&m, out) == 0 ? 0 : -1;
		goto done;
	}
	deadline = st->time_limit_s > 0 ? t0 + st->time_limit_s : INFINITY;
	full = model_count(&m, 0, m.np);
	budget = memory_budget(opt, &limited);
	part->memory_budget_mib = limited ? budget / ROSTER_MIB : 0;
	if (model_bytes(full, full.rows > ROSTER_LARGE_ROWS) > budget ||
	    full.nnz * ROSTER_SECONDS_PER_NNZ > deadline - lp_now()) {
		/*
		 * The whole model would not fit in the memory or the time
		 * left: the first roster bettered by moves and swaps, then by
		 * the one-period LPs (over each instructor's best zones when a
		 * period is too large), then by moves and swaps again, with a
		 * Lagrangian bound, so that the gap says how far it may be from
		 * optimal.  Each step has its share of the time.
		 */
		double left = deadline - lp_now();
		int32_t *saved = alloc_array(m.np * m.ni, sizeof(*saved));
		int64_t before;

		if (saved == NULL ||
		    roster_local(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline) != 0) {
			free(saved);
			goto done;
		}
		/*
		 * The first pass of the period LPs may give up stays for a
		 * better roster later on; when the time runs out before that,
		 * the roster from the moves and swaps stands.
		 */
		memcpy(saved, m.zone_of, m.np * m.ni * sizeof(*saved));
		before = roster_objective(&m);
		if (roster_by_period(&m, isfinite(left) ? lp_now() + left * 0.65 : deadline, opt,
		                     false, NULL) != 0 ||
		    roster_local(&m, isfinite(left) ? lp_now() + left * 0.1 : deadline) != 0) {
			free(saved);
			goto done;
		}
		if (roster_objective(&m) < before)
			memcpy(m.zone_of, saved, m.np * m.ni * sizeof(*saved));
		free(saved);
		part->objective = roster_objective(&m);
		rs.sr.bound = lagrangian_bound(&m, (double)part->objective, deadline);
		part->status = PART_FEASIBLE;
		method = "local search with Lagrangian bound";
		goto settle;
	}
	method = "one-period LPs";
	if (roster_by_period(&m, deadline, opt, false, NULL) != 0)
		goto done;
	if (model_build(&m, false, 0, m.np, 0) != 0)
		goto done;
	if (m.ncols > 0 && glp_get_num_rows(m.lp) > ROSTER_LARGE_ROWS) {
		method = "LP rounding";
		if (roster_interior(&m, &rs, opt->verbose, deadline) != 0)
			goto done;
	}
	warm = model_point(&m);
	if (warm == NULL)
		goto done;
	rs.sr.warm = warm;
	part->objective = roster_objective(&m); /* the first roster, until GLPK betters it */

	if (m.ncols > 0 && rs.sr.bound < (double)part->objective + 1.0 - 1e-6) {
		/* The interior-point bound proves the first roster optimal. */
		part->status = PART_OPTIMAL;
	} else {
		glp_smcp sp;
		glp_iocp ip;
		double left;
		bool glpk_has = false;
		int term;

		glp_init_smcp(&sp);
		sp.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
		sp.presolve = GLP_OFF;
		left = deadline - lp_now();
		sp.tm_lim = lp_time_limit_ms(left > 0.001 ? left : 0.001);
		ret = m.ncols > 0 ? glp_simplex(m.lp, &sp) : 0;
		if (m.ncols == 0) {
			/* Nobody is available in any period: the empty roster. */
			method = "first roster";
			part->status = PART_OPTIMAL;
			part->bound = (double)part->objective;
		} else if (ret == 0 && glp_get_status(m.lp) == GLP_NOFEAS) {
			/* Not reached: the diagnosis above is complete. */
			method = "branch-and-cut";
			plan_part_add_reason(
			    part, "the pins and forbids leave no roster that gives every zone its "
			          "full-time instructors in every period");
			part->status = PART_INFEASIBLE;
		} else if (ret == 0 && glp_get_status(m.lp) == GLP_OPT) {
			method = "branch-and-cut";
			if (glp_get_obj_val(m.lp) < rs.sr.bound)
				rs.sr.bound = glp_get_obj_val(m.lp);
			glp_init_iocp(&ip);
			ip.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
			ip.presolve = GLP_OFF; /* keep the columns as built, for the warm start */
			ip.mip_gap = st->mip_gap > 0 ? st->mip_gap : 0.0;
			left = deadline - lp_now();
			ip.tm_lim = lp_time_limit_ms(left > 0.001 ? left : 0.001);
			ip.cb_func = search_callback;
			ip.cb_info = &rs;
			ip.gmi_cuts = GLP_ON;
			ip.mir_cuts = GLP_ON;
			ip.clq_cuts = GLP_ON;
			/* GLPK's cut generators print regardless of msg_lev. */
			term = glp_term_out(opt->verbose ? GLP_ON : GLP_OFF);
			ret = glp_intopt(m.lp, &ip);
			glp_term_out(term);
			if (glp_mip_status(m.lp) == GLP_OPT || glp_mip_status(m.lp) == GLP_FEAS)
				glpk_has = true;
			if (glpk_has)
				read_solution(&m);
			if (glpk_has && (ret == 0 || (ret == GLP_ESTOP && rs.proven)) &&
			    (glp_mip_status(m.lp) == GLP_OPT || rs.proven)) {
				part->status = PART_OPTIMAL;
			} else if (ret == 0 && glp_mip_status(m.lp) == GLP_NOFEAS) {
				plan_part_add_reason(
				    part, "the pins and forbids leave no roster that gives every "
				          "zone its full-time instructors in every period");
				part->status = PART_INFEASIBLE;
			} else if (ret == 0 || ret == GLP_ETMLIM || ret == GLP_EMIPGAP ||
			           ret == GLP_ESTOP) {
				part->status =
				    PART_FEASIBLE; /* GLPK's incumbent, or the first roster */
			} else {
				plan_part_add_reason(
				    part,
				    "GLPK failed in the roster search (glp_intopt returned %d)",
				    ret);
				part->status = PART_ERROR;
			}
			if (part->status == PART_OPTIMAL || part->status == PART_FEASIBLE)
				part->objective = roster_objective(&m);
		} else if (ret == GLP_ETMLIM) {
			/* The time limit ran out in the root LP: the first roster stands. */
			if (trivial_bound(&m) < rs.sr.bound)
				rs.sr.bound = trivial_bound(&m);
			part->status = PART_FEASIBLE;
		} else {
			method = "branch-and-cut";
			plan_part_add_reason(part,
			                     "GLPK failed on the roster's LP relaxation "
			                     "(glp_simplex returned %d, status %d)",
			                     ret, glp_get_status(m.lp));
			part->status = PART_ERROR;
		}
	}
settle:
	if (part->status == PART_OPTIMAL) {
		part->bound = (double)part->objective;
		part->gap = 0;
	} else if (part->status == PART_FEASIBLE) {
		double b = floor(rs.sr.bound + 1e-6);

		if (!isfinite(b))
			b = trivial_bound(&m);
		part->bound = b;
		part->gap = fabs(b - (double)part->objective) /
		            (fabs((double)part->objective) + DBL_EPSILON);
		if (b <= (double)part->objective) {
			part->status = PART_OPTIMAL;
			part->bound = (double)part->objective;
			part->gap = 0;
		}
	}
	if (part->status != PART_OPTIMAL && part->status != PART_FEASIBLE)
		for (size_t q = 0; q < m.np * m.ni; q++)
			m.zone_of[q] = NO_ZONE;
	rc = roster_output(&m, out) == 0 ? 0 : -1;
done:
	(void)n_reasons;
	snprintf(part->method, sizeof(part->method), "%s", method);
	part->seconds = lp_now() - t0;
	if (rc == 0)
		lp_search_report(&rs.sr, 1.0,
		                 part->status == PART_OPTIMAL || part->status == PART_FEASIBLE
		                     ? (double)part->objective
		                     : NAN,
		                 part->status == PART_OPTIMAL || part->status == PART_FEASIBLE
		                     ? part->bound
		                     : NAN);
	free(warm);
	model_free(&m);
	return rc;
}

int
roster_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                 char *err, size_t errlen)
{
	struct roster_model m;
	int old, rc = -1;

	if (model_setup(&m, s, ix) != 0) {
		snprintf(err, errlen, "out of memory preparing the roster model");
		return -1;
	}
	if (model_build(&m, true, 0, m.np, 0) != 0) {
		snprintf(err, errlen, "out of memory building the roster model");
		goto done;
	}
	old = glp_term_out(GLP_OFF);
	if (glp_write_lp(m.lp, NULL, path) != 0)
		snprintf(err, errlen, "%s: cannot write the roster model", path);
	else
		rc = 0;
	glp_term_out(old);
done:
	model_free(&m);
	return rc;
}
