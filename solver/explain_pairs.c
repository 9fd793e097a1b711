/*
 * explain_pairs.c - the plan's pairs seen from either side (built once per
 * explanation), and what is known of one pair: whether a rule or the plan
 * in force names it, its terms as JSON (the form is in explain_pairing.c),
 * and how the pairing part ended.  Shared by an enterprise's or a
 * community's explanation and by why an alternative lost (explain_lost.c);
 * it calls neither.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ctx.h"
#include "geo.h"
#include "index.h"
#include "pairing_candidates.h"

/* ---------------------------------------------------------------- rules */

bool
explain_rule_pair(const struct snapshot *s, enum rule_kind kind, int64_t eid, int64_t cid)
{
	size_t i;

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		if (r->kind == kind && r->enterprise_id == eid && r->community_id == cid)
			return true;
	}
	return false;
}

bool
explain_previous_pair(const struct snapshot *s, int64_t eid, int64_t cid)
{
	size_t i;

	for (i = 0; i < s->n_prev_pairs; i++)
		if (s->prev_pairs[i].a == eid && s->prev_pairs[i].b == cid)
			return true;
	return false;
}

/* ---------------------------------------------------------------- plan pairs */

static int
cmp_id_pair(const void *a, const void *b)
{
	const struct id_pair *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

bool
explain_in_plan(const struct explain_ctx *x, int64_t eid, int64_t cid)
{
	struct id_pair key = {eid, cid};

	if (x->n_plan_keys == 0)
		return false;
	return bsearch(&key, x->plan_keys, x->n_plan_keys, sizeof(key), cmp_id_pair) != NULL;
}

int
explain_pairs_build(struct explain_ctx *x)
{
	const struct snapshot *s = x->s;
	const struct plan *p = x->p;
	size_t ne = s->n_enterprises, nc = s->n_communities, np = p->n_pairs, i;

	x->pe = calloc(np + 1, sizeof(size_t));
	x->pc = calloc(np + 1, sizeof(size_t));
	x->e_count = calloc(ne + 1, sizeof(size_t));
	x->e_weak = malloc((ne + 1) * sizeof(size_t));
	x->c_count = calloc(nc + 1, sizeof(size_t));
	x->c_weak = malloc((nc + 1) * sizeof(size_t));
	x->c_start = calloc(nc + 2, sizeof(size_t));
	x->c_list = calloc(np + 1, sizeof(size_t));
	x->plan_keys = calloc(np + 1, sizeof(struct id_pair));
	if (x->pe == NULL || x->pc == NULL || x->e_count == NULL || x->e_weak == NULL ||
	    x->c_count == NULL || x->c_weak == NULL || x->c_start == NULL || x->c_list == NULL ||
	    x->plan_keys == NULL)
		return -1;
	for (i = 0; i < ne; i++)
		x->e_weak[i] = EXPLAIN_NONE;
	for (i = 0; i < nc; i++)
		x->c_weak[i] = EXPLAIN_NONE;
	for (i = 0; i < np; i++) {
		const struct plan_pair *pp = &p->pairs[i];
		size_t e = idmap_get(&x->ix.enterprise, pp->enterprise_id);
		size_t c = idmap_get(&x->ix.community, pp->community_id);

		x->pe[i] = e;
		x->pc[i] = c;
		x->plan_keys[x->n_plan_keys].a = pp->enterprise_id;
		x->plan_keys[x->n_plan_keys].b = pp->community_id;
		x->n_plan_keys++;
		if (e == IDMAP_NONE || c == IDMAP_NONE)
			continue;
		x->e_count[e]++;
		if (x->e_weak[e] == EXPLAIN_NONE || pp->score < p->pairs[x->e_weak[e]].score)
			x->e_weak[e] = i;
		x->c_count[c]++;
		if (x->c_weak[c] == EXPLAIN_NONE || pp->score < p->pairs[x->c_weak[c]].score)
			x->c_weak[c] = i;
	}
	for (i = 0; i < nc; i++)
		x->c_start[i + 1] = x->c_start[i] + x->c_count[i];
	{
		size_t *fill = calloc(nc + 1, sizeof(size_t));

		if (fill == NULL)
			return -1;
		for (i = 0; i < np; i++) {
			size_t c = x->pc[i];

			if (x->pe[i] == IDMAP_NONE || c == IDMAP_NONE)
				continue;
			x->c_list[x->c_start[c] + fill[c]++] = i;
		}
		free(fill);
	}
	qsort(x->plan_keys, x->n_plan_keys, sizeof(struct id_pair), cmp_id_pair);
	for (i = 0; i < s->n_prev_pairs; i++)
		if (!explain_in_plan(x, s->prev_pairs[i].a, s->prev_pairs[i].b))
			x->dropped_previous++;
	return 0;
}

void
explain_pairs_free(struct explain_ctx *x)
{
	free(x->pe);
	free(x->pc);
	free(x->e_count);
	free(x->e_weak);
	free(x->c_count);
	free(x->c_weak);
	free(x->c_start);
	free(x->c_list);
	free(x->plan_keys);
}

/* ---------------------------------------------------------------- pair terms */

json_t *
explain_pair_terms(struct explain_ctx *x, const struct enterprise *e, const struct community *c,
                   const struct pair_terms *t, bool pinned)
{
	const struct settings *st = &x->s->settings;
	json_t *o = explain_object(x), *met = explain_array(x);
	size_t i;

	for (i = 0; met != NULL && i < c->needs.n; i++)
		if (codes_contains(&e->offers, c->needs.v[i]))
			explain_push(x, met, explain_text(x, c->needs.v[i]));
	explain_set(x, o, "distance_m", json_real(t->distance_m));
	explain_set(x, o, "radius_m", json_real(st->pair_radius_m));
	explain_set(x, o, "needs", json_integer((json_int_t)c->needs.n));
	explain_set(x, o, "needs_met", json_integer((json_int_t)t->needs_met));
	explain_set(x, o, "needs_met_list", met);
	explain_set(x, o, "need_fit", explain_ratio(t->need_fit, 1e4));
	explain_set(x, o, "prox", explain_ratio(t->prox, 1e4));
	explain_set(x, o, "need_points", json_real(st->w_need * t->need_fit));
	explain_set(x, o, "distance_points", json_real(st->w_distance * t->prox));
	explain_set(x, o, "base", json_integer(t->base));
	explain_set(x, o, "keep", json_integer(t->keep));
	explain_set(x, o, "score", json_integer(t->score));
	explain_set(x, o, "previous",
	            json_boolean(t->keep != 0 || explain_previous_pair(x->s, e->id, c->id)));
	explain_set(x, o, "pinned", json_boolean(pinned));
	return o;
}

const char *
explain_pairing_status(const struct explain_ctx *x)
{
	return part_status_name(x->p->pairing.status);
}

bool
explain_pairing_ran(const struct explain_ctx *x)
{
	return x->p->pairing.status == PART_OPTIMAL || x->p->pairing.status == PART_FEASIBLE;
}
