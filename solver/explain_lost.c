/*
 * explain_lost.c - why a pair is not in the plan: the pairing alternatives
 * of an enterprise or a community, best score first (then nearer, then
 * lower id):
 *   {"id","name","community_code" or "credit_code",("industry" for an enterprise),"score",
 *    "candidate": bool,"terms": {...},
 *    "code": "forbidden" | "not_pairing" | "out_of_range" | "diverse_industries" |
 *            "community_full" | "enterprise_full" | "zero_score" |
 *            "part_failed" | "not_chosen",
 *    "reason": "…", "details": ["lower score: 512 < 812", …]}
 *   "reason" is the whole sentence for people (blockers, then details,
 *   joined by "; "); "code" is the first blocker.  The list holds the
 *   candidates, every pair a rule names, and the non-candidates within twice
 *   the radius (near misses), at most max_alternatives of them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ctx.h"
#include "pairing_candidates.h"

static int
cmp_lost(const void *a, const void *b)
{
	const struct explain_lost *x = a, *y = b;

	if (x->t.score != y->t.score)
		return x->t.score > y->t.score ? -1 : 1;
	if (x->t.distance_m != y->t.distance_m)
		return x->t.distance_m < y->t.distance_m ? -1 : 1;
	if (x->sort_id != y->sort_id)
		return x->sort_id < y->sort_id ? -1 : 1;
	return 0;
}

/* Compare the lost pair's terms with those of a pair of the plan. */
static void
compare_pairs(struct explain_ctx *x, json_t *details, const struct explain_lost *l, size_t plan_idx)
{
	const struct plan_pair *pp = &x->p->pairs[plan_idx];
	const struct enterprise *e = ent(x, x->pe[plan_idx]);
	const struct community *c = com(x, x->pc[plan_idx]);
	struct pair_terms rt;
	char m1[40], m2[40], n1[32], n2[32];

	pair_terms_compute(&x->s->settings, e, c, explain_previous_pair(x->s, e->id, c->id), &rt);
	if (l->t.score < pp->score)
		explain_push(x, details,
		             explain_textf(x, "lower score: %s < %s",
		                           explain_format_int(n1, l->t.score),
		                           explain_format_int(n2, pp->score)));
	else if (l->t.score == pp->score)
		explain_push(x, details,
		             explain_textf(x, "equal score: %s = %s",
		                           explain_format_int(n1, l->t.score),
		                           explain_format_int(n2, pp->score)));
	else
		explain_push(x, details,
		             explain_textf(x, "higher score: %s > %s",
		                           explain_format_int(n1, l->t.score),
		                           explain_format_int(n2, pp->score)));
	if (l->t.need_fit < rt.need_fit)
		explain_push(x, details,
		             explain_textf(x, "fewer needs met (%zu of %zu vs %zu of %zu)",
		                           l->t.needs_met, com(x, l->c)->needs.n, rt.needs_met,
		                           c->needs.n));
	if (l->t.prox < rt.prox ||
	    (l->t.prox == rt.prox && lround(l->t.distance_m) > lround(rt.distance_m)))
		explain_push(x, details,
		             explain_textf(x, "farther (%s vs %s)",
		                           explain_format_m(m1, l->t.distance_m),
		                           explain_format_m(m2, rt.distance_m)));
	if (l->t.keep < rt.keep)
		explain_push(x, details,
		             explain_textf(x, "no keep bonus (%s for the pair in force)",
		                           explain_format_int(n1, rt.keep)));
}

/*
 * Why the plan's pair plan_idx is not simply swapped for the lost one:
 * pinned, needed by its community (when the swap takes a partner away from
 * it), or held by max_changes.
 */
static bool
why_kept(struct explain_ctx *x, char **text, size_t plan_idx, bool same_community)
{
	const struct plan_pair *pp = &x->p->pairs[plan_idx];
	const struct community *c = com(x, x->pc[plan_idx]);
	const struct settings *st = &x->s->settings;
	char n1[32];

	if (explain_rule_pair(x->s, RULE_PIN_PAIR, pp->enterprise_id, pp->community_id))
		explain_append(x, text, ", a pinned pair");
	else if (!same_community && (int64_t)x->c_count[x->pc[plan_idx]] <= c->min_partners)
		explain_append(x, text,
		               ", which community %" PRId64 " needs to reach its min_partners %s",
		               c->id, explain_format_int(n1, c->min_partners));
	else if (st->max_changes >= 0 && x->dropped_previous >= st->max_changes &&
	         explain_previous_pair(x->s, pp->enterprise_id, pp->community_id))
		explain_append(x, text, ", a pair in force that max_changes %s does not let go",
		               explain_format_int(n1, st->max_changes));
	else
		return false;
	return true;
}

struct blocker {
	const char *code;
	char *text;
	size_t ref;    /* the plan's pair in the way */
	bool explains; /* that pair scores as much, or something keeps it */
};

/*
 * The reason a pair lost.  subject_is_enterprise: the explanation is about
 * l->e (its own limit is named first), else about l->c.
 */
static json_t *
lost_json(struct explain_ctx *x, const struct explain_lost *l, bool subject_is_enterprise)
{
	const struct settings *st = &x->s->settings;
	const struct enterprise *e = ent(x, l->e);
	const struct community *c = com(x, l->c);
	json_t *o = explain_object(x), *details = explain_array(x);
	char *reason = NULL;
	const char *code = NULL;
	size_t ref = EXPLAIN_NONE, diverse = EXPLAIN_NONE, i, nblk = 0;
	struct blocker blk[3];
	bool e_full, c_full;
	char n1[32], n2[32], m1[40], m2[40];

	explain_set(x, o, "id", json_integer(subject_is_enterprise ? c->id : e->id));
	explain_set(x, o, "name", explain_text(x, subject_is_enterprise ? c->name : e->name));
	explain_set(x, o, subject_is_enterprise ? "community_code" : "credit_code",
	            explain_text(x, subject_is_enterprise ? c->code : e->credit_code));
	if (!subject_is_enterprise)
		explain_set(x, o, "industry", explain_text(x, e->industry));
	explain_set(x, o, "score", json_integer(l->t.score));
	explain_set(x, o, "candidate", json_boolean(l->candidate));
	explain_set(x, o, "terms", explain_pair_terms(x, e, c, &l->t, l->pinned));

#define BLOCK(c_, ...) explain_block(x, &code, &reason, (c_), __VA_ARGS__)

	if (!l->candidate) {
		if (l->forbidden)
			BLOCK("forbidden", "forbidden by a forbid_pair rule");
		if (e->max_communities < 1)
			BLOCK("not_pairing", "does not pair (max_communities %s)",
			      explain_format_int(n1, e->max_communities));
		if (l->t.distance_m > st->pair_radius_m && !l->previous)
			BLOCK("out_of_range", "out of range: %s > radius %s",
			      explain_format_m(m1, l->t.distance_m),
			      explain_format_m(m2, st->pair_radius_m));
		if (code == NULL)
			BLOCK("not_candidate", "not a candidate");
		goto done;
	}
	if (!explain_pairing_ran(x)) {
		BLOCK("part_failed", "the pairing part is %s: the plan has no pairs",
		      explain_pairing_status(x));
		goto done;
	}
	if (st->diverse_industries)
		for (i = x->c_start[l->c]; i < x->c_start[l->c + 1]; i++) {
			size_t k = x->c_list[i];

			if (x->pe[k] != l->e && e->industry != NULL &&
			    ent(x, x->pe[k])->industry != NULL &&
			    strcmp(ent(x, x->pe[k])->industry, e->industry) == 0) {
				diverse = k;
				break;
			}
		}
	e_full = (int64_t)x->e_count[l->e] >= e->max_communities && x->e_weak[l->e] != EXPLAIN_NONE;
	c_full = (int64_t)x->c_count[l->c] >= c->max_partners && x->c_weak[l->c] != EXPLAIN_NONE;

	/*
	 * The blockers: the subject's own limit, the other side's limit, and a
	 * partner of the same industry.  A limit filled by pairs that score
	 * less, and that nothing keeps in the plan, is not why the pair lost:
	 * it is named only when nothing else is.
	 */
	for (i = 0; i < 3; i++) {
		bool enterprise_turn = (i == 0) == subject_is_enterprise;
		struct blocker *bl = &blk[nblk];
		size_t w;

		memset(bl, 0, sizeof(*bl));
		if (i < 2 && enterprise_turn && e_full) {
			w = x->e_weak[l->e];
			bl->code = "enterprise_full";
			explain_append(x, &bl->text, "enterprise full: max_communities %s taken ",
			               explain_format_int(n1, e->max_communities));
			if (l->t.score < x->p->pairs[w].score)
				explain_append(x, &bl->text, "by a better pair ");
			else if (l->t.score == x->p->pairs[w].score)
				explain_append(x, &bl->text, "by an equally good pair ");
			explain_append(x, &bl->text, "(community %" PRId64 ", score %s",
			               x->p->pairs[w].community_id,
			               explain_format_int(n2, x->p->pairs[w].score));
		} else if (i < 2 && !enterprise_turn && c_full &&
		           (diverse == EXPLAIN_NONE ||
		            l->t.score <= x->p->pairs[x->c_weak[l->c]].score)) {
			w = x->c_weak[l->c];
			bl->code = "community_full";
			explain_append(x, &bl->text,
			               "community full: its max_partners %s are taken ",
			               explain_format_int(n1, c->max_partners));
			if (l->t.score < x->p->pairs[w].score)
				explain_append(x, &bl->text, "by higher-scoring pairs ");
			else if (l->t.score == x->p->pairs[w].score)
				explain_append(x, &bl->text, "by pairs scoring as much ");
			explain_append(x, &bl->text, "(lowest: enterprise %" PRId64 ", score %s",
			               x->p->pairs[w].enterprise_id,
			               explain_format_int(n2, x->p->pairs[w].score));
		} else if (i == 2 && diverse != EXPLAIN_NONE) {
			w = diverse;
			bl->code = "diverse_industries";
			explain_append(x, &bl->text,
			               "diverse_industries: community %" PRId64
			               " already has a partner in %s (enterprise %" PRId64
			               ", score %s",
			               c->id, e->industry, x->p->pairs[w].enterprise_id,
			               explain_format_int(n1, x->p->pairs[w].score));
			bl->explains = true;
		} else {
			continue;
		}
		bl->ref = w;
		if (l->t.score <= x->p->pairs[w].score) {
			bl->explains = true;
		} else if (why_kept(x, &bl->text, w, w != x->e_weak[l->e])) {
			bl->explains = true;
		}
		explain_append(x, &bl->text, ")");
		nblk++;
	}
	for (i = 0; i < nblk; i++)
		if (blk[i].explains)
			break;
	{
		bool only_explaining = i < nblk;

		for (i = 0; i < nblk; i++) {
			if (only_explaining && !blk[i].explains)
				continue;
			BLOCK(blk[i].code, "%s", blk[i].text != NULL ? blk[i].text : "");
			if (ref == EXPLAIN_NONE)
				ref = blk[i].ref;
		}
	}
	for (i = 0; i < nblk; i++)
		free(blk[i].text);
	if (code == NULL) {
		if (l->t.score <= 0)
			BLOCK("zero_score", "score %s adds nothing to the plan",
			      explain_format_int(n1, l->t.score));
		else
			BLOCK("not_chosen",
			      "not chosen although both sides have room (pairing %s%s)",
			      explain_pairing_status(x),
			      x->p->pairing.status == PART_OPTIMAL ? "" : ": not proven optimal");
	}
	if (ref != EXPLAIN_NONE)
		compare_pairs(x, details, l, ref);
done:
#undef BLOCK
	for (i = 0; details != NULL && i < json_array_size(details); i++)
		explain_append(x, &reason, "; %s", json_string_value(json_array_get(details, i)));
	explain_set(x, o, "code", explain_text(x, code));
	explain_set(x, o, "reason", explain_text(x, reason != NULL ? reason : ""));
	explain_set(x, o, "details", details);
	free(reason);
	return o;
}

/*
 * Is (e, c) a candidate (docs/model.md §2, as settled): pinned, or not
 * forbidden with max_communities >= 1 and in range or in the plan in force.
 */
void
explain_lost_classify(const struct settings *st, const struct enterprise *e, struct explain_lost *l)
{
	l->candidate = l->pinned || (!l->forbidden && e->max_communities >= 1 &&
	                             (l->t.distance_m <= st->pair_radius_m || l->previous));
}

/* Keep an alternative when it is a candidate, named by a rule, or a near miss. */
bool
explain_lost_worth_listing(const struct settings *st, const struct explain_lost *l)
{
	return l->candidate || l->forbidden || l->pinned || l->previous ||
	       l->t.distance_m <= 2 * st->pair_radius_m;
}

int
explain_lost_push(struct explain_lost_list *ll, const struct explain_lost *l)
{
	if (ll->n == ll->cap) {
		size_t cap = ll->cap ? ll->cap * 2 : 32;
		struct explain_lost *v = realloc(ll->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		ll->v = v;
		ll->cap = cap;
	}
	ll->v[ll->n++] = *l;
	return 0;
}

json_t *
explain_lost_alternatives(struct explain_ctx *x, struct explain_lost_list *ll,
                          bool subject_is_enterprise)
{
	json_t *alts = explain_array(x);
	size_t i;

	if (ll->n > 1)
		qsort(ll->v, ll->n, sizeof(ll->v[0]), cmp_lost);
	for (i = 0; i < ll->n && i < x->max_alt; i++)
		explain_push(x, alts, lost_json(x, &ll->v[i], subject_is_enterprise));
	return alts;
}
