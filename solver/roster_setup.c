/*
 * roster_setup.c - the roster model (docs/model.md §3) before any solver:
 * who may be placed where in each period (availability, forbids, pins),
 * and the roster in hand, zone_of: its R, the value of one placement, and
 * the plan part it makes.
 */
#include "roster_parts.h"

#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Rows, availability, forbids and pins                                */
/* ------------------------------------------------------------------ */

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
	struct id_row *tmp = roster_alloc(n, sizeof(*tmp));
	size_t *order = roster_alloc(n, sizeof(*order));
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

void
roster_model_free(struct roster_model *m)
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
	free(m->seatrow);
	free(m->minrow);
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

int
roster_model_setup(struct roster_model *m, const struct snapshot *s,
                   const struct snapshot_index *ix)
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
	npi = roster_count_mul(m->np, m->ni);
	npiz = roster_count_mul(npi, m->nz);
	npz = roster_count_mul(roster_count_mul(m->np, m->nz), 2);
	if ((npi && m->nz && !npiz) || npiz > INT_MAX || npz > INT_MAX)
		goto fail;
	m->zone_order = order_by_id(s->zones, m->nz, sizeof(*s->zones));
	m->inst_order = order_by_id(s->instructors, m->ni, sizeof(*s->instructors));
	m->allowed = roster_alloc(npiz, sizeof(*m->allowed));
	m->pin = roster_alloc(npi, sizeof(*m->pin));
	m->pin2 = roster_alloc(npi, sizeof(*m->pin2));
	m->pin_unavail = roster_alloc(npi, sizeof(*m->pin_unavail));
	m->pruned = roster_alloc(npiz, sizeof(*m->pruned));
	m->zone_of = roster_alloc(npi, sizeof(*m->zone_of));
	m->xcol = roster_alloc(npiz, sizeof(*m->xcol));
	m->ycol = roster_alloc(npiz, sizeof(*m->ycol));
	m->ocol = roster_alloc(npz, sizeof(*m->ocol));
	m->seatrow = roster_alloc(npz, sizeof(*m->seatrow));
	m->minrow = roster_alloc(npz / 2, sizeof(*m->minrow));
	if (m->zone_order == NULL || m->inst_order == NULL || m->allowed == NULL ||
	    m->pin == NULL || m->pin2 == NULL || m->pin_unavail == NULL || m->zone_of == NULL ||
	    m->xcol == NULL || m->ycol == NULL || m->ocol == NULL || m->seatrow == NULL ||
	    m->minrow == NULL || m->pruned == NULL)
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
	roster_model_free(m);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The roster in hand                                                  */
/* ------------------------------------------------------------------ */

int64_t
roster_class_count(const struct roster_model *m, size_t p, size_t z, int c)
{
	int64_t n = 0;

	for (size_t i = 0; i < m->ni; i++)
		if (m->zone_of[pi_of(m, p, i)] == (int32_t)z &&
		    (m->s->instructors[i].full_time ? 0 : 1) == c)
			n++;
	return n;
}

int64_t
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
				int64_t n = roster_class_count(m, p, z, c);
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

int64_t
roster_place_value(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	int64_t v = x_coef(m, p, i, z), ws = roster_stay_gain(m);

	if (p > 0 && m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z)
		v += ws;
	if (p + 1 < m->np && m->zone_of[pi_of(m, p + 1, i)] == (int32_t)z)
		v += ws;
	return v;
}

int
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
