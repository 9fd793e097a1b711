/*
 * explain_roster.c - an instructor's part of the plan: the zone of each
 * period with its terms, and the zones that lost, each with the reason.
 *
 * instructor:
 *   "code" (工号, null when none), "approximate" (the home is an estimate),
 *   "full_time", "capacity", "skills": [...],
 *   "plan": {"status", "roster", "periods": [{"period_id","label","available",
 *            "zone": {"id","code","name"} | null, "pinned": bool,
 *            "terms": {"skill","commute","commute_m","keep","stay","stay_next",
 *                      "value"} | null,
 *            "seats": {"full_time","part_time","taken_full_time",
 *                      "taken_part_time"} (the zone's, when assigned),
 *            "reason": "…" (only when unavailable or unassigned; a period away
 *                       names a pin_zone for every period, which does not hold there)}]},
 *   "terms": {"skill","commute","keep","stay","value"} summed over periods,
 *   "alternatives": [{"period_id","period","id","name","code_zone","value",
 *                     "terms","code","reason","details"}]
 *   with code "forbidden" | "pinned_elsewhere" | "seats_covered" |
 *   "min_fulltime" | "lower_value" | "equal_value" | "part_failed" |
 *   "not_chosen"; at most max_alternatives per period, best value first.
 *   value = skill − commute + keep (first period only) + stay (same zone as
 *   the period before); comparisons also count the stay bonus with the
 *   period after.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ctx.h"
#include "index.h"
#include "roster.h"

struct zone_rule {
	bool forbidden, pinned;
};

/* Does a zone rule of this instructor apply in period p (0 = every period)? */
static struct zone_rule
zone_rules(const struct snapshot *s, int64_t iid, int64_t zid, int64_t pid)
{
	struct zone_rule zr = {false, false};
	size_t i;

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		if (r->instructor_id != iid || r->zone_id != zid ||
		    (r->period_id != 0 && r->period_id != pid))
			continue;
		if (r->kind == RULE_FORBID_ZONE)
			zr.forbidden = true;
		else if (r->kind == RULE_PIN_ZONE)
			zr.pinned = true;
	}
	return zr;
}

/*
 * The zone of a pin_zone of this instructor for every period, or NULL: it
 * holds in the periods the instructor is available only (docs/model.md §7),
 * which the explanation of a period away says.
 */
static const struct zone *
pin_every_period(const struct snapshot *s, int64_t iid)
{
	size_t i, z;

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		if (r->kind != RULE_PIN_ZONE || r->instructor_id != iid || r->period_id != 0)
			continue;
		for (z = 0; z < s->n_zones; z++)
			if (s->zones[z].id == r->zone_id)
				return &s->zones[z];
	}
	return NULL;
}

struct zone_value {
	size_t z;
	int64_t skill, commute, keep, stay, next_stay;
	double commute_m;
	int64_t value; /* skill − commute + keep + stay */
};

static int
cmp_zone_value(const void *a, const void *b)
{
	const struct zone_value *x = a, *y = b;
	int64_t vx = x->value + x->next_stay, vy = y->value + y->next_stay;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->z < y->z ? -1 : (x->z > y->z);
}

static json_t *
zone_terms_json(struct explain_ctx *x, const struct zone_value *v)
{
	json_t *t = explain_object(x);

	explain_set(x, t, "skill", json_integer(v->skill));
	explain_set(x, t, "commute", json_integer(v->commute));
	explain_set(x, t, "commute_m", json_real(v->commute_m));
	explain_set(x, t, "keep", json_integer(v->keep));
	explain_set(x, t, "stay", json_integer(v->stay));
	explain_set(x, t, "stay_next", json_integer(v->next_stay));
	explain_set(x, t, "value", json_integer(v->value));
	return t;
}

/* "skill 40 − commute 60 + stay 150 = 130" */
static void
value_formula(struct explain_ctx *x, char **text, const struct zone_value *v)
{
	char n1[32], n2[32];

	explain_append(x, text, "skill %s − commute %s", explain_format_int(n1, v->skill),
	               explain_format_int(n2, v->commute));
	if (v->keep != 0)
		explain_append(x, text, " + keep %s", explain_format_int(n1, v->keep));
	if (v->stay != 0)
		explain_append(x, text, " + stay %s", explain_format_int(n1, v->stay));
	if (v->next_stay != 0)
		explain_append(x, text, " + stay next period %s",
		               explain_format_int(n1, v->next_stay));
	explain_append(x, text, " = %s", explain_format_int(n1, v->value + v->next_stay));
}

/* One period of the instructor, as the zones that lost in it see it. */
struct period_view {
	const struct instructor *in;
	const struct period *per;
	size_t p;                   /* period row */
	size_t here;                /* zone row in the plan, EXPLAIN_NONE */
	struct zone_rule here_rule; /* the rules on that zone */
	struct zone_value cur;      /* that zone's value */
	const struct roster_data *rd;
	const int64_t *count_ft, *count_pt; /* [p * nz + z]: seats taken in the plan */
	bool roster_ran;
};

/* A zone that lost in the period, with the reason. */
static json_t *
zone_alternative(struct explain_ctx *x, const struct period_view *pv, const struct zone_value *v)
{
	const struct snapshot *s = x->s;
	const struct instructor *in = pv->in;
	const struct zone *zn = &s->zones[v->z];
	const struct zone *here = pv->here != EXPLAIN_NONE ? &s->zones[pv->here] : NULL;
	size_t nz = s->n_zones, d;
	struct zone_rule zr = zone_rules(s, in->id, zn->id, pv->per->id);
	json_t *a = explain_object(x), *details = explain_array(x);
	char *reason = NULL, n1[32];
	const char *code = NULL;
	int64_t seats = in->full_time ? pv->rd->seats_ft[pv->p * nz + v->z]
	                              : pv->rd->seats_pt[pv->p * nz + v->z];
	int64_t taken =
	    in->full_time ? pv->count_ft[pv->p * nz + v->z] : pv->count_pt[pv->p * nz + v->z];

	explain_set(x, a, "period_id", json_integer(pv->per->id));
	explain_set(x, a, "period", explain_text(x, pv->per->label));
	explain_set(x, a, "id", json_integer(zn->id));
	explain_set(x, a, "code_zone", explain_text(x, zn->code));
	explain_set(x, a, "name", explain_text(x, zn->name));
	explain_set(x, a, "value", json_integer(v->value));
	explain_set(x, a, "terms", zone_terms_json(x, v));
	if (zr.forbidden)
		explain_block(x, &code, &reason, "forbidden", "forbidden by a forbid_zone rule");
	if (here != NULL && pv->here_rule.pinned)
		explain_block(x, &code, &reason, "pinned_elsewhere", "pinned to zone %s (pin_zone)",
		              here->code);
	if (!pv->roster_ran) {
		explain_block(x, &code, &reason, "part_failed", "the roster part is %s",
		              part_status_name(x->p->roster.status));
	} else if (!zr.forbidden && here != NULL) {
		if (taken >= seats)
			explain_block(x, &code, &reason, "seats_covered",
			              "zone's %s seats (%s) already covered",
			              in->full_time ? "full-time" : "part-time",
			              explain_format_int(n1, seats));
		if (in->full_time && pv->count_ft[pv->p * nz + pv->here] <= here->min_fulltime)
			explain_block(x, &code, &reason, "min_fulltime",
			              "zone %s would fall below its min_fulltime %s", here->code,
			              explain_format_int(n1, here->min_fulltime));
	}
	if (here != NULL) {
		int64_t va = v->value + v->next_stay;
		int64_t vh = pv->cur.value + pv->cur.next_stay;
		char *cmp = NULL;

		explain_append(x, &cmp, "%s value: ",
		               va < vh    ? "lower"
		               : va == vh ? "equal"
		                          : "higher");
		value_formula(x, &cmp, v);
		explain_append(x, &cmp, " %s ", va < vh ? "<" : va == vh ? "=" : ">");
		value_formula(x, &cmp, &pv->cur);
		explain_append(x, &cmp, " in zone %s", here->code);
		if (code == NULL && va < vh)
			code = "lower_value";
		else if (code == NULL && va == vh)
			code = "equal_value";
		else if (code == NULL)
			code = "not_chosen";
		explain_push(x, details, explain_text(x, cmp != NULL ? cmp : ""));
		free(cmp);
	}
	if (code == NULL)
		code = "not_chosen";
	for (d = 0; d < json_array_size(details); d++)
		explain_append(x, &reason, "%s%s", reason != NULL && *reason != '\0' ? "; " : "",
		               json_string_value(json_array_get(details, d)));
	if (reason == NULL || *reason == '\0')
		explain_append(x, &reason, "not chosen");
	explain_set(x, a, "code", json_string(code));
	explain_set(x, a, "reason", explain_text(x, reason != NULL ? reason : ""));
	explain_set(x, a, "details", details);
	free(reason);
	return a;
}

json_t *
explain_instructor(struct explain_ctx *x, size_t ir)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct instructor *in = &s->instructors[ir];
	const struct zone *pin = pin_every_period(s, in->id);
	json_t *o = explain_object(x), *plan = explain_object(x), *periods = explain_array(x),
	       *terms = explain_object(x), *alts = explain_array(x);
	struct roster_data rd;
	size_t nz = s->n_zones, np = s->n_periods, ni = s->n_instructors, p, z, i;
	size_t *zone_of = NULL;                     /* [p]: zone row of this instructor, NONE */
	int64_t *count_ft = NULL, *count_pt = NULL; /* [p * nz + z] */
	struct zone_value *vals = NULL;
	int64_t sum_skill = 0, sum_commute = 0, sum_keep = 0, sum_stay = 0;
	bool roster_ran =
	    x->p->roster.status == PART_OPTIMAL || x->p->roster.status == PART_FEASIBLE;

	explain_set(x, o, "kind", json_string("instructor"));
	explain_set(x, o, "id", json_integer(in->id));
	explain_set(x, o, "name", explain_text(x, in->name));
	explain_set(x, o, "code", explain_text(x, in->code));
	explain_set(x, o, "approximate", json_boolean(in->approximate));
	explain_set(x, o, "full_time", json_boolean(in->full_time));
	explain_set(x, o, "capacity", json_integer(in->capacity));
	explain_set(x, o, "skills", explain_codes(x, &in->skills));

	memset(&rd, 0, sizeof(rd));
	if (roster_prepare(s, &x->ix, &rd) != 0) {
		x->oom = true;
		json_decref(plan);
		json_decref(periods);
		json_decref(terms);
		json_decref(alts);
		return o;
	}
	zone_of = malloc((np + 1) * sizeof(size_t));
	count_ft = calloc(np * nz + 1, sizeof(int64_t));
	count_pt = calloc(np * nz + 1, sizeof(int64_t));
	vals = calloc(nz + 1, sizeof(*vals));
	if (zone_of == NULL || count_ft == NULL || count_pt == NULL || vals == NULL) {
		x->oom = true;
		goto out;
	}
	for (p = 0; p < np; p++)
		zone_of[p] = EXPLAIN_NONE;
	for (i = 0; i < x->p->n_assignments; i++) {
		const struct plan_assignment *a = &x->p->assignments[i];
		size_t ar = idmap_get(&x->ix.instructor, a->instructor_id);
		size_t az = idmap_get(&x->ix.zone, a->zone_id);
		size_t ap = idmap_get(&x->ix.period, a->period_id);

		if (ar == IDMAP_NONE || az == IDMAP_NONE || ap == IDMAP_NONE)
			continue;
		if (s->instructors[ar].full_time)
			count_ft[ap * nz + az]++;
		else
			count_pt[ap * nz + az]++;
		if (ar == ir)
			zone_of[ap] = az;
	}

	for (p = 0; p < np && !x->oom; p++) {
		const struct period *per = &s->periods[p];
		json_t *row = explain_object(x);
		bool available = rd.available[p * ni + ir];
		struct period_view pv = {
		    .in = in,
		    .per = per,
		    .p = p,
		    .here = zone_of[p],
		    .rd = &rd,
		    .count_ft = count_ft,
		    .count_pt = count_pt,
		    .roster_ran = roster_ran,
		};
		struct zone_value *order;
		size_t n = 0, k;

		explain_set(x, row, "period_id", json_integer(per->id));
		explain_set(x, row, "label", explain_text(x, per->label));
		explain_set(x, row, "available", json_boolean(available));
		/* The value of every zone in this period, given the neighbours in the plan. */
		for (z = 0; z < nz; z++) {
			const struct roster_terms *rt = &rd.terms[ir * nz + z];
			struct zone_value *v = &vals[z];

			v->z = z;
			v->skill = rt->skill;
			v->commute = rt->commute;
			v->commute_m = rt->commute_m;
			v->keep = p == 0 ? rt->keep : 0;
			v->stay = p > 0 && zone_of[p - 1] == z ? st->w_stay : 0;
			v->next_stay = p + 1 < np && zone_of[p + 1] == z ? st->w_stay : 0;
			v->value = v->skill - v->commute + v->keep + v->stay;
		}
		if (!available) {
			explain_set(x, row, "zone", json_null());
			explain_set(x, row, "pinned", json_false());
			explain_set(x, row, "terms", json_null());
			explain_set(
			    x, row, "reason",
			    pin == NULL
			        ? explain_text(x, "unavailable")
			        : explain_textf(x,
			                        "unavailable: the pin_zone to zone %s for every "
			                        "period holds in the periods the instructor is "
			                        "available only",
			                        pin->code != NULL ? pin->code : "?"));
			explain_push(x, periods, row);
			continue;
		}
		if (pv.here != EXPLAIN_NONE) {
			json_t *seats = explain_object(x);

			pv.cur = vals[pv.here];
			pv.here_rule = zone_rules(s, in->id, s->zones[pv.here].id, per->id);
			explain_set(x, row, "zone", explain_zone_ref(x, s->zones[pv.here].id));
			explain_set(x, row, "pinned", json_boolean(pv.here_rule.pinned));
			explain_set(x, row, "terms", zone_terms_json(x, &pv.cur));
			explain_set(x, seats, "full_time",
			            json_integer(rd.seats_ft[p * nz + pv.here]));
			explain_set(x, seats, "part_time",
			            json_integer(rd.seats_pt[p * nz + pv.here]));
			explain_set(x, seats, "taken_full_time",
			            json_integer(count_ft[p * nz + pv.here]));
			explain_set(x, seats, "taken_part_time",
			            json_integer(count_pt[p * nz + pv.here]));
			explain_set(x, row, "seats", seats);
			sum_skill += pv.cur.skill;
			sum_commute += pv.cur.commute;
			sum_keep += pv.cur.keep;
			sum_stay += pv.cur.stay;
		} else {
			explain_set(x, row, "zone", json_null());
			explain_set(x, row, "pinned", json_false());
			explain_set(x, row, "terms", json_null());
			explain_set(x, row, "reason",
			            explain_textf(x, "not assigned: the roster part is %s",
			                          part_status_name(x->p->roster.status)));
		}
		explain_push(x, periods, row);

		/* The other zones, best first. */
		order = malloc((nz + 1) * sizeof(*order));
		if (order == NULL) {
			x->oom = true;
			break;
		}
		for (z = 0; z < nz; z++)
			if (z != pv.here)
				order[n++] = vals[z];
		qsort(order, n, sizeof(*order), cmp_zone_value);
		for (k = 0; k < n && k < x->max_alt; k++)
			explain_push(x, alts, zone_alternative(x, &pv, &order[k]));
		free(order);
	}
out:
	explain_set(x, plan, "status", explain_text(x, part_status_name(x->p->roster.status)));
	explain_set(x, plan, "roster", explain_part(x, &x->p->roster));
	explain_set(x, plan, "periods", periods);
	explain_set(x, o, "plan", plan);
	explain_set(x, terms, "skill", json_integer(sum_skill));
	explain_set(x, terms, "commute", json_integer(sum_commute));
	explain_set(x, terms, "keep", json_integer(sum_keep));
	explain_set(x, terms, "stay", json_integer(sum_stay));
	explain_set(x, terms, "value", json_integer(sum_skill - sum_commute + sum_keep + sum_stay));
	explain_set(x, o, "terms", terms);
	explain_set(x, o, "alternatives", alts);
	free(zone_of);
	free(count_ft);
	free(count_pt);
	free(vals);
	roster_data_free(&rd);
	return o;
}
