/*
 * explain_pairing.c - an enterprise's or a community's part of the plan:
 * its pairs (or partners) with their terms, a community's shortfall and
 * why, and the alternatives that lost (explain_lost.c says why each did;
 * the plan's pairs and one pair's facts and terms: explain_pairs.c).
 *
 * Pair terms (docs/model.md §2), used for plan pairs and alternatives:
 *   {"distance_m": 830.0, "radius_m": 3000, "needs": 4, "needs_met": 3,
 *    "needs_met_list": ["法律服务", …], "need_fit": 0.75, "prox": 0.72,
 *    "need_points": 450.0, "distance_points": 289.3, "base": 739,
 *    "keep": 300, "score": 1039, "previous": bool, "pinned": bool}
 *   base = round(need_points + distance_points), score = base + keep.
 *   Distances and points are exact (not rounded); need_fit and prox are
 *   rounded to 4 decimals for reading only.
 *
 * enterprise:
 *   "credit_code", "approximate" (the key of the park's lists, and whether the
 *   position is an estimate), "zone": {"id","code","name"} (null when unknown),
 *   "industry", "party_org",
 *   "class", "workload" (ow(e) at the plan date), "max_communities", "offers",
 *   "plan": {"status", "pairing", "pairs":
 * [{"community_id","name","community_code","score","terms"}]}, "terms": {"pairs": n, "base": Σ,
 * "keep": Σ, "score": Σ, "weights": {"w_need","w_distance","w_keep_pair","pair_radius_m",
 *                         "w_uncovered"}},
 *   "alternatives": communities not paired with it in the plan.
 *
 * community:
 *   "needs": [...], "min_partners", "max_partners",
 *   "plan": {"status", "pairing", "partners": [{"enterprise_id","name","credit_code","industry",
 *            "score","terms"}], "shortfall": n, "shortfall_reason": "…" | null},
 *   "terms": {"partners": n, "score": Σ, "shortfall": n, "penalty": w_uncovered·n,
 *             "total": score − penalty, "weights": {...}},
 *   "alternatives": enterprises not paired with it in the plan.
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
#include "roster.h"

/*
 * The rules and previous pairs of one enterprise (or one community), so
 * that a loop over all communities (enterprises) does not scan them all.
 */
struct side_facts {
	int64_t *forbid, *pin, *prev; /* ids of the other side */
	size_t n_forbid, n_pin, n_prev;
};

static bool
ids_contain(const int64_t *v, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

static int
side_facts_build(const struct snapshot *s, bool of_enterprise, int64_t id, struct side_facts *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->forbid = calloc(s->n_rules + 1, sizeof(int64_t));
	f->pin = calloc(s->n_rules + 1, sizeof(int64_t));
	f->prev = calloc(s->n_prev_pairs + 1, sizeof(int64_t));
	if (f->forbid == NULL || f->pin == NULL || f->prev == NULL)
		return -1;
	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];
		int64_t mine = of_enterprise ? r->enterprise_id : r->community_id;
		int64_t other = of_enterprise ? r->community_id : r->enterprise_id;

		if (mine != id)
			continue;
		if (r->kind == RULE_FORBID_PAIR)
			f->forbid[f->n_forbid++] = other;
		else if (r->kind == RULE_PIN_PAIR)
			f->pin[f->n_pin++] = other;
	}
	for (i = 0; i < s->n_prev_pairs; i++) {
		int64_t mine = of_enterprise ? s->prev_pairs[i].a : s->prev_pairs[i].b;

		if (mine == id)
			f->prev[f->n_prev++] =
			    of_enterprise ? s->prev_pairs[i].b : s->prev_pairs[i].a;
	}
	return 0;
}

static void
side_facts_free(struct side_facts *f)
{
	free(f->forbid);
	free(f->pin);
	free(f->prev);
}

/* ---------------------------------------------------------------- enterprise */

static int32_t
plan_date(const struct snapshot *s)
{
	return s->n_periods > 0 ? s->periods[0].start : DATE_NONE;
}

static json_t *
weights_json(struct explain_ctx *x)
{
	const struct settings *st = &x->s->settings;
	json_t *w = explain_object(x);

	explain_set(x, w, "w_need", json_real(st->w_need));
	explain_set(x, w, "w_distance", json_real(st->w_distance));
	explain_set(x, w, "w_keep_pair", json_integer(st->w_keep_pair));
	explain_set(x, w, "pair_radius_m", json_real(st->pair_radius_m));
	explain_set(x, w, "w_uncovered", json_integer(st->w_uncovered));
	return w;
}

json_t *
explain_enterprise(struct explain_ctx *x, size_t er)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct enterprise *e = ent(x, er);
	json_t *o = explain_object(x), *plan = explain_object(x), *pairs = explain_array(x),
	       *terms = explain_object(x);
	struct side_facts f;
	struct explain_lost_list ll = {0};
	int64_t sum_base = 0, sum_keep = 0, sum_score = 0, n_pairs = 0;
	size_t i;

	explain_set(x, o, "kind", json_string("enterprise"));
	explain_set(x, o, "id", json_integer(e->id));
	explain_set(x, o, "name", explain_text(x, e->name));
	explain_set(x, o, "credit_code", explain_text(x, e->credit_code));
	explain_set(x, o, "approximate", json_boolean(e->approximate));
	explain_set(x, o, "zone", explain_zone_ref(x, e->zone_id));
	explain_set(x, o, "industry", explain_text(x, e->industry));
	explain_set(x, o, "party_org", explain_text(x, party_org_name(e->party_org)));
	explain_set(x, o, "class", explain_text(x, org_class_name(enterprise_class(e))));
	explain_set(x, o, "workload", json_integer(enterprise_workload(st, e, plan_date(s))));
	explain_set(x, o, "max_communities", json_integer(e->max_communities));
	explain_set(x, o, "offers", explain_codes(x, &e->offers));

	for (i = 0; i < x->p->n_pairs; i++) {
		const struct plan_pair *pp = &x->p->pairs[i];
		struct pair_terms t;
		json_t *row;

		if (x->pe[i] != er || x->pc[i] == IDMAP_NONE)
			continue;
		pair_terms_compute(st, e, com(x, x->pc[i]),
		                   explain_previous_pair(s, e->id, pp->community_id), &t);
		row = explain_object(x);
		explain_set(x, row, "community_id", json_integer(pp->community_id));
		explain_set(x, row, "name", explain_text(x, com(x, x->pc[i])->name));
		explain_set(x, row, "community_code", explain_text(x, com(x, x->pc[i])->code));
		explain_set(x, row, "score", json_integer(pp->score));
		explain_set(x, row, "terms",
		            explain_pair_terms(
		                x, e, com(x, x->pc[i]), &t,
		                explain_rule_pair(s, RULE_PIN_PAIR, e->id, pp->community_id)));
		explain_push(x, pairs, row);
		sum_base += t.base;
		sum_keep += t.keep;
		sum_score += pp->score;
		n_pairs++;
	}
	explain_set(x, plan, "status", explain_text(x, explain_pairing_status(x)));
	explain_set(x, plan, "pairing", explain_part(x, &x->p->pairing));
	explain_set(x, plan, "pairs", pairs);
	explain_set(x, o, "plan", plan);
	explain_set(x, terms, "pairs", json_integer(n_pairs));
	explain_set(x, terms, "base", json_integer(sum_base));
	explain_set(x, terms, "keep", json_integer(sum_keep));
	explain_set(x, terms, "score", json_integer(sum_score));
	explain_set(x, terms, "weights", weights_json(x));
	explain_set(x, o, "terms", terms);

	if (side_facts_build(s, true, e->id, &f) != 0) {
		x->oom = true;
	} else {
		for (i = 0; i < s->n_communities && !x->oom; i++) {
			const struct community *c = com(x, i);
			struct explain_lost l = {0};

			if (explain_in_plan(x, e->id, c->id))
				continue;
			l.e = er;
			l.c = i;
			l.sort_id = c->id;
			l.forbidden = ids_contain(f.forbid, f.n_forbid, c->id);
			l.pinned = ids_contain(f.pin, f.n_pin, c->id);
			l.previous = ids_contain(f.prev, f.n_prev, c->id);
			l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
			explain_lost_classify(st, e, &l);
			if (!explain_lost_worth_listing(st, &l))
				continue;
			pair_terms_compute(st, e, c, l.previous, &l.t);
			if (explain_lost_push(&ll, &l) != 0)
				x->oom = true;
		}
	}
	side_facts_free(&f);
	explain_set(x, o, "alternatives", explain_lost_alternatives(x, &ll, true));
	free(ll.v);
	return o;
}

/* ---------------------------------------------------------------- community */

/* Why a community lacks partners: no candidates, or all of them are taken. */
static void
shortfall_reason(struct explain_ctx *x, size_t cr, const struct side_facts *f, char **text)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct community *c = com(x, cr);
	size_t i, candidates = 0, others = 0, full = 0, diverse = 0, excluded = 0;
	char m1[40];

	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = ent(x, i);
		struct explain_lost l = {0};
		size_t k;
		bool clash = false;

		l.forbidden = ids_contain(f->forbid, f->n_forbid, e->id);
		l.pinned = ids_contain(f->pin, f->n_pin, e->id);
		l.previous = ids_contain(f->prev, f->n_prev, e->id);
		l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
		explain_lost_classify(st, e, &l);
		if (!l.candidate) {
			if (l.t.distance_m <= st->pair_radius_m)
				excluded++;
			continue;
		}
		candidates++;
		if (explain_in_plan(x, e->id, c->id))
			continue;
		others++;
		if ((int64_t)x->e_count[i] >= e->max_communities) {
			full++;
			continue;
		}
		if (st->diverse_industries)
			for (k = x->c_start[cr]; k < x->c_start[cr + 1]; k++)
				if (e->industry != NULL && ent(x, x->pe[x->c_list[k]])->industry &&
				    strcmp(ent(x, x->pe[x->c_list[k]])->industry, e->industry) == 0)
					clash = true;
		if (clash)
			diverse++;
	}
	if (candidates == 0) {
		explain_append(x, text, "no candidate enterprise within %s",
		               explain_format_m(m1, st->pair_radius_m));
		if (excluded > 0)
			explain_append(x, text, " (%zu within range are forbidden or do not pair)",
			               excluded);
	} else if (others == 0) {
		explain_append(
		    x, text, "its %zu candidate%s within range %s all its partners already",
		    candidates, candidates == 1 ? "" : "s", candidates == 1 ? "is" : "are");
	} else if (full == others && others == 1) {
		explain_append(x, text, "its only %scandidate within range is full",
		               others < candidates ? "other " : "");
	} else if (full == others) {
		explain_append(x, text, "the %zu %scandidates within range are all full", others,
		               others < candidates ? "other " : "");
	} else if (full + diverse == others) {
		explain_append(
		    x, text,
		    "the %zu %scandidate%s within range %s full (%zu) or share an industry "
		    "with a partner (diverse_industries, %zu)",
		    others, others < candidates ? "other " : "", others == 1 ? "" : "s",
		    others == 1 ? "is" : "are", full, diverse);
	} else {
		explain_append(
		    x, text,
		    "%zu of the %zu candidates within range still have room (pairing %s%s)",
		    others - full - diverse, candidates, explain_pairing_status(x),
		    x->p->pairing.status == PART_OPTIMAL ? "" : ": not proven optimal");
	}
}

json_t *
explain_community(struct explain_ctx *x, size_t cr)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct community *c = com(x, cr);
	json_t *o = explain_object(x), *plan = explain_object(x), *partners = explain_array(x),
	       *terms = explain_object(x);
	struct side_facts f;
	struct explain_lost_list ll = {0};
	int64_t sum_score = 0, shortfall = 0;
	size_t i;
	bool facts_ok;

	explain_set(x, o, "kind", json_string("community"));
	explain_set(x, o, "id", json_integer(c->id));
	explain_set(x, o, "name", explain_text(x, c->name));
	explain_set(x, o, "code", explain_text(x, c->code));
	explain_set(x, o, "approximate", json_boolean(c->approximate));
	explain_set(x, o, "needs", explain_codes(x, &c->needs));
	explain_set(x, o, "min_partners", json_integer(c->min_partners));
	explain_set(x, o, "max_partners", json_integer(c->max_partners));

	for (i = x->c_start[cr]; i < x->c_start[cr + 1]; i++) {
		size_t k = x->c_list[i];
		const struct plan_pair *pp = &x->p->pairs[k];
		const struct enterprise *e = ent(x, x->pe[k]);
		struct pair_terms t;
		json_t *row = explain_object(x);

		pair_terms_compute(st, e, c, explain_previous_pair(s, e->id, c->id), &t);
		explain_set(x, row, "enterprise_id", json_integer(e->id));
		explain_set(x, row, "name", explain_text(x, e->name));
		explain_set(x, row, "credit_code", explain_text(x, e->credit_code));
		explain_set(x, row, "industry", explain_text(x, e->industry));
		explain_set(x, row, "score", json_integer(pp->score));
		explain_set(x, row, "terms",
		            explain_pair_terms(x, e, c, &t,
		                               explain_rule_pair(s, RULE_PIN_PAIR, e->id, c->id)));
		explain_push(x, partners, row);
		sum_score += pp->score;
	}
	for (i = 0; i < x->p->n_uncovered; i++)
		if (x->p->uncovered[i].community_id == c->id)
			shortfall += x->p->uncovered[i].shortfall;

	facts_ok = side_facts_build(s, false, c->id, &f) == 0;
	if (!facts_ok)
		x->oom = true;
	explain_set(x, plan, "status", explain_text(x, explain_pairing_status(x)));
	explain_set(x, plan, "pairing", explain_part(x, &x->p->pairing));
	explain_set(x, plan, "partners", partners);
	explain_set(x, plan, "shortfall", json_integer(shortfall));
	if ((shortfall > 0 || !explain_pairing_ran(x)) && facts_ok) {
		char *why = NULL;

		if (!explain_pairing_ran(x))
			explain_append(x, &why, "the pairing part is %s: the plan has no pairs",
			               explain_pairing_status(x));
		else
			shortfall_reason(x, cr, &f, &why);
		explain_set(x, plan, "shortfall_reason", explain_text(x, why != NULL ? why : ""));
		free(why);
	} else {
		explain_set(x, plan, "shortfall_reason", json_null());
	}
	explain_set(x, o, "plan", plan);
	explain_set(x, terms, "partners", json_integer((json_int_t)x->c_count[cr]));
	explain_set(x, terms, "score", json_integer(sum_score));
	explain_set(x, terms, "shortfall", json_integer(shortfall));
	explain_set(x, terms, "penalty", json_integer(st->w_uncovered * shortfall));
	explain_set(x, terms, "total", json_integer(sum_score - st->w_uncovered * shortfall));
	explain_set(x, terms, "weights", weights_json(x));
	explain_set(x, o, "terms", terms);

	for (i = 0; facts_ok && i < s->n_enterprises && !x->oom; i++) {
		const struct enterprise *e = ent(x, i);
		struct explain_lost l = {0};

		l.e = i;
		l.c = cr;
		l.sort_id = e->id;
		l.forbidden = ids_contain(f.forbid, f.n_forbid, e->id);
		l.pinned = ids_contain(f.pin, f.n_pin, e->id);
		l.previous = ids_contain(f.prev, f.n_prev, e->id);
		l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
		explain_lost_classify(st, e, &l);
		if (!explain_lost_worth_listing(st, &l) || explain_in_plan(x, e->id, c->id))
			continue;
		pair_terms_compute(st, e, c, l.previous, &l.t);
		if (explain_lost_push(&ll, &l) != 0)
			x->oom = true;
	}
	side_facts_free(&f);
	explain_set(x, o, "alternatives", explain_lost_alternatives(x, &ll, false));
	free(ll.v);
	return o;
}
