/*
 * explain.c - why the plan says what it says.
 *
 * explain() looks at one enterprise, community or instructor of a snapshot
 * and the plan computed from it, and returns a JSON object:
 *
 * Every kind:
 *   "kind": "enterprise" | "community" | "instructor", "id": n, "name": "…",
 *   "plan": {...}, "terms": {...}, "alternatives": [...]
 * The plan's part is given as "pairing"/"roster": {"status", "reasons": [...]},
 * and its status again as plan.status.
 *
 * Pair terms (MODEL.md section 2), used for plan pairs and alternatives:
 *   {"distance_m": 830.0, "radius_m": 3000, "needs": 4, "needs_met": 3,
 *    "needs_met_list": ["法律服务", …], "need_fit": 0.75, "prox": 0.72,
 *    "need_points": 450.0, "distance_points": 289.3, "base": 739,
 *    "keep": 300, "score": 1039, "previous": bool, "pinned": bool}
 *   base = round(need_points + distance_points), score = base + keep.
 *   Distances and points are exact (not rounded); need_fit and prox are
 *   rounded to 4 decimals for reading only.
 *
 * enterprise:
 *   "zone": {"id","code","name"} (null when unknown), "industry", "party_org",
 *   "class", "workload" (ow(e) at the plan date), "max_communities", "offers",
 *   "plan": {"status", "pairing", "pairs": [{"community_id","name","score","terms"}]},
 *   "terms": {"pairs": n, "base": Σ, "keep": Σ, "score": Σ,
 *             "weights": {"w_need","w_distance","w_keep_pair","pair_radius_m",
 *                         "w_uncovered"}},
 *   "alternatives": communities not paired with it in the plan.
 *
 * community:
 *   "needs": [...], "min_partners", "max_partners",
 *   "plan": {"status", "pairing", "partners": [{"enterprise_id","name","industry",
 *            "score","terms"}], "shortfall": n, "shortfall_reason": "…" | null},
 *   "terms": {"partners": n, "score": Σ, "shortfall": n, "penalty": w_uncovered·n,
 *             "total": score − penalty, "weights": {...}},
 *   "alternatives": enterprises not paired with it in the plan.
 *
 * Pairing alternatives, best score first (then nearer, then lower id):
 *   {"id","name",("industry" for an enterprise),"score","candidate": bool,"terms": {...},
 *    "code": "forbidden" | "not_pairing" | "out_of_range" | "diverse_industries" |
 *            "community_full" | "enterprise_full" | "zero_score" |
 *            "part_failed" | "not_chosen",
 *    "reason": "…", "details": ["lower score: 512 < 812", …]}
 *   "reason" is the whole sentence for people (blockers, then details,
 *   joined by "; "); "code" is the first blocker.  The list holds the
 *   candidates, every pair a rule names, and the non-candidates within twice
 *   the radius (near misses), at most max_alternatives of them.
 *
 * instructor:
 *   "full_time", "capacity", "skills": [...],
 *   "plan": {"status", "roster", "periods": [{"period_id","label","available",
 *            "zone": {"id","code","name"} | null, "pinned": bool,
 *            "terms": {"skill","commute","commute_m","keep","stay","stay_next",
 *                      "value"} | null,
 *            "seats": {"full_time","part_time","taken_full_time",
 *                      "taken_part_time"} (the zone's, when assigned),
 *            "reason": "…" (only when unavailable or unassigned)}]},
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
#include "explain.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "index.h"
#include "pairing.h"
#include "roster.h"

#define NONE ((size_t)-1)

/* ---------------------------------------------------------------- text */

struct sb {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = realloc(b->s, cap);
		if (s == NULL) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void
sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

static const char *
sb_str(const struct sb *b)
{
	return b->s != NULL ? b->s : "";
}

const char *
explain_format_int(char buf[32], int64_t v)
{
	char digits[24];
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n, i, o = 0;

	snprintf(digits, sizeof(digits), "%" PRIu64, m);
	n = strlen(digits);
	if (v < 0)
		buf[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
explain_format_m(char buf[40], double d)
{
	char tmp[32];

	snprintf(buf, 40, "%s m", explain_format_int(tmp, (int64_t)lround(d)));
	return buf;
}

/* ---------------------------------------------------------------- JSON */

struct ctx {
	const struct snapshot *s;
	const struct plan *p;
	struct snapshot_index ix;
	size_t max_alt;
	bool oom;

	/* The plan's pairs resolved to rows (NONE when not in the snapshot). */
	size_t *pe, *pc;
	size_t *e_count, *e_weak;  /* [enterprise row] */
	size_t *c_count, *c_weak;  /* [community row] */
	size_t *c_start, *c_list;  /* partners of each community: CSR over plan pairs */
	struct id_pair *plan_keys; /* sorted (enterprise_id, community_id) */
	size_t n_plan_keys;
	int64_t dropped_previous; /* pairs of the plan in force not in the plan */
};

static json_t *
jstr(struct ctx *x, const char *s)
{
	json_t *j;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	/* Not valid UTF-8: show the bad bytes as '?'. */
	copy = strdup(s);
	if (copy == NULL) {
		x->oom = true;
		return NULL;
	}
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	if (j == NULL)
		x->oom = true;
	return j;
}

static void
jset(struct ctx *x, json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || obj == NULL) {
		json_decref(val);
		x->oom = true;
		return;
	}
	if (json_object_set_new(obj, key, val) != 0)
		x->oom = true;
}

static void
jpush(struct ctx *x, json_t *arr, json_t *val)
{
	if (val == NULL || arr == NULL) {
		json_decref(val);
		x->oom = true;
		return;
	}
	if (json_array_append_new(arr, val) != 0)
		x->oom = true;
}

static json_t *
jobj(struct ctx *x)
{
	json_t *o = json_object();

	if (o == NULL)
		x->oom = true;
	return o;
}

static json_t *
jarr(struct ctx *x)
{
	json_t *a = json_array();

	if (a == NULL)
		x->oom = true;
	return a;
}

/* A ratio rounded to a few decimals for reading: never used in a sum. */
static json_t *
jreal(double v, double scale)
{
	return json_real(round(v * scale) / scale);
}

static json_t *
jcodes(struct ctx *x, const struct codes *c)
{
	json_t *a = jarr(x);
	size_t i;

	for (i = 0; a != NULL && i < c->n; i++)
		jpush(x, a, jstr(x, c->v[i]));
	return a;
}

/* ---------------------------------------------------------------- rows and rules */

static const struct enterprise *
ent(const struct ctx *x, size_t row)
{
	return &x->s->enterprises[row];
}

static const struct community *
com(const struct ctx *x, size_t row)
{
	return &x->s->communities[row];
}

static bool
rule_pair(const struct snapshot *s, enum rule_kind kind, int64_t eid, int64_t cid)
{
	size_t i;

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		if (r->kind == kind && r->enterprise_id == eid && r->community_id == cid)
			return true;
	}
	return false;
}

static bool
previous_pair(const struct snapshot *s, int64_t eid, int64_t cid)
{
	size_t i;

	for (i = 0; i < s->n_prev_pairs; i++)
		if (s->prev_pairs[i].a == eid && s->prev_pairs[i].b == cid)
			return true;
	return false;
}

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

static bool
in_plan(const struct ctx *x, int64_t eid, int64_t cid)
{
	struct id_pair key = {eid, cid};

	if (x->n_plan_keys == 0)
		return false;
	return bsearch(&key, x->plan_keys, x->n_plan_keys, sizeof(key), cmp_id_pair) != NULL;
}

static int
ctx_pairs_build(struct ctx *x)
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
		x->e_weak[i] = NONE;
	for (i = 0; i < nc; i++)
		x->c_weak[i] = NONE;
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
		if (x->e_weak[e] == NONE || pp->score < p->pairs[x->e_weak[e]].score)
			x->e_weak[e] = i;
		x->c_count[c]++;
		if (x->c_weak[c] == NONE || pp->score < p->pairs[x->c_weak[c]].score)
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
		if (!in_plan(x, s->prev_pairs[i].a, s->prev_pairs[i].b))
			x->dropped_previous++;
	return 0;
}

static void
ctx_free(struct ctx *x)
{
	snapshot_index_free(&x->ix);
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

static json_t *
pair_terms_json(struct ctx *x, const struct enterprise *e, const struct community *c,
                const struct pair_terms *t, bool pinned)
{
	const struct settings *st = &x->s->settings;
	json_t *o = jobj(x), *met = jarr(x);
	size_t i;

	for (i = 0; met != NULL && i < c->needs.n; i++)
		if (codes_contains(&e->offers, c->needs.v[i]))
			jpush(x, met, jstr(x, c->needs.v[i]));
	jset(x, o, "distance_m", json_real(t->distance_m));
	jset(x, o, "radius_m", json_real(st->pair_radius_m));
	jset(x, o, "needs", json_integer((json_int_t)c->needs.n));
	jset(x, o, "needs_met", json_integer((json_int_t)t->needs_met));
	jset(x, o, "needs_met_list", met);
	jset(x, o, "need_fit", jreal(t->need_fit, 1e4));
	jset(x, o, "prox", jreal(t->prox, 1e4));
	jset(x, o, "need_points", json_real(st->w_need * t->need_fit));
	jset(x, o, "distance_points", json_real(st->w_distance * t->prox));
	jset(x, o, "base", json_integer(t->base));
	jset(x, o, "keep", json_integer(t->keep));
	jset(x, o, "score", json_integer(t->score));
	jset(x, o, "previous", json_boolean(t->keep != 0 || previous_pair(x->s, e->id, c->id)));
	jset(x, o, "pinned", json_boolean(pinned));
	return o;
}

static const char *
pairing_status(const struct ctx *x)
{
	return part_status_name(x->p->pairing.status);
}

static bool
pairing_ran(const struct ctx *x)
{
	return x->p->pairing.status == PART_OPTIMAL || x->p->pairing.status == PART_FEASIBLE;
}

static json_t *
part_json(struct ctx *x, const struct plan_part *part)
{
	json_t *o = jobj(x), *r = jarr(x);
	size_t i;

	jset(x, o, "status", jstr(x, part_status_name(part->status)));
	for (i = 0; r != NULL && i < part->n_reasons; i++)
		jpush(x, r, jstr(x, part->reasons[i]));
	jset(x, o, "reasons", r);
	return o;
}

/* ---------------------------------------------------------------- why a pair lost */

/* One pair that is not in the plan, seen from the subject of the explanation. */
struct lost {
	size_t e, c; /* rows */
	struct pair_terms t;
	bool candidate, forbidden, pinned, previous;
	int64_t sort_id; /* id of the alternative */
};

static int
cmp_lost(const void *a, const void *b)
{
	const struct lost *x = a, *y = b;

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
compare_pairs(struct ctx *x, json_t *details, const struct lost *l, size_t plan_idx)
{
	const struct plan_pair *pp = &x->p->pairs[plan_idx];
	const struct enterprise *e = ent(x, x->pe[plan_idx]);
	const struct community *c = com(x, x->pc[plan_idx]);
	struct pair_terms rt;
	struct sb b = {0};
	char m1[40], m2[40], n1[32], n2[32];

	pair_terms_compute(&x->s->settings, e, c, previous_pair(x->s, e->id, c->id), &rt);
	if (l->t.score < pp->score)
		sb_printf(&b, "lower score: %s < %s", explain_format_int(n1, l->t.score),
		          explain_format_int(n2, pp->score));
	else if (l->t.score == pp->score)
		sb_printf(&b, "equal score: %s = %s", explain_format_int(n1, l->t.score),
		          explain_format_int(n2, pp->score));
	else
		sb_printf(&b, "higher score: %s > %s", explain_format_int(n1, l->t.score),
		          explain_format_int(n2, pp->score));
	jpush(x, details, jstr(x, sb_str(&b)));
	if (l->t.need_fit < rt.need_fit) {
		sb_reset(&b);
		sb_printf(&b, "fewer needs met (%zu of %zu vs %zu of %zu)", l->t.needs_met,
		          com(x, l->c)->needs.n, rt.needs_met, c->needs.n);
		jpush(x, details, jstr(x, sb_str(&b)));
	}
	if (l->t.prox < rt.prox ||
	    (l->t.prox == rt.prox && lround(l->t.distance_m) > lround(rt.distance_m))) {
		sb_reset(&b);
		sb_printf(&b, "farther (%s vs %s)", explain_format_m(m1, l->t.distance_m),
		          explain_format_m(m2, rt.distance_m));
		jpush(x, details, jstr(x, sb_str(&b)));
	}
	if (l->t.keep < rt.keep) {
		sb_reset(&b);
		sb_printf(&b, "no keep bonus (%s for the pair in force)",
		          explain_format_int(n1, rt.keep));
		jpush(x, details, jstr(x, sb_str(&b)));
	}
	if (b.oom)
		x->oom = true;
	free(b.s);
}

/*
 * Why the plan's pair plan_idx is not simply swapped for the lost one:
 * pinned, needed by its community (when the swap takes a partner away from
 * it), or held by max_changes.
 */
static void
why_kept(struct ctx *x, struct sb *b, size_t plan_idx, bool same_community)
{
	const struct plan_pair *pp = &x->p->pairs[plan_idx];
	const struct community *c = com(x, x->pc[plan_idx]);
	const struct settings *st = &x->s->settings;
	char n1[32];

	if (rule_pair(x->s, RULE_PIN_PAIR, pp->enterprise_id, pp->community_id))
		sb_printf(b, ", a pinned pair");
	else if (!same_community && (int64_t)x->c_count[x->pc[plan_idx]] <= c->min_partners)
		sb_printf(b, ", which community %" PRId64 " needs to reach its min_partners %s",
		          c->id, explain_format_int(n1, c->min_partners));
	else if (st->max_changes >= 0 && x->dropped_previous >= st->max_changes &&
	         previous_pair(x->s, pp->enterprise_id, pp->community_id))
		sb_printf(b, ", a pair in force that max_changes %s does not let go",
		          explain_format_int(n1, st->max_changes));
}

struct blocker {
	const char *code;
	struct sb text;
	size_t ref;    /* the plan's pair in the way */
	bool explains; /* that pair scores as much, or something keeps it */
};

/*
 * The reason a pair lost.  subject_is_enterprise: the explanation is about
 * l->e (its own limit is named first), else about l->c.
 */
static json_t *
lost_json(struct ctx *x, const struct lost *l, bool subject_is_enterprise)
{
	const struct settings *st = &x->s->settings;
	const struct enterprise *e = ent(x, l->e);
	const struct community *c = com(x, l->c);
	json_t *o = jobj(x), *details = jarr(x);
	struct sb b = {0};
	const char *code = NULL;
	size_t ref = NONE, diverse = NONE, i, nblk = 0;
	struct blocker blk[3];
	bool e_full, c_full;
	char n1[32], n2[32], m1[40], m2[40];

	jset(x, o, "id", json_integer(subject_is_enterprise ? c->id : e->id));
	jset(x, o, "name", jstr(x, subject_is_enterprise ? c->name : e->name));
	if (!subject_is_enterprise)
		jset(x, o, "industry", jstr(x, e->industry));
	jset(x, o, "score", json_integer(l->t.score));
	jset(x, o, "candidate", json_boolean(l->candidate));
	jset(x, o, "terms", pair_terms_json(x, e, c, &l->t, l->pinned));

#define BLOCK(c_, ...)                                                                             \
	do {                                                                                       \
		if (code == NULL)                                                                  \
			code = (c_);                                                               \
		else                                                                               \
			sb_printf(&b, "; ");                                                       \
		sb_printf(&b, __VA_ARGS__);                                                        \
	} while (0)

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
	if (!pairing_ran(x)) {
		BLOCK("part_failed", "the pairing part is %s: the plan has no pairs",
		      pairing_status(x));
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
	e_full = (int64_t)x->e_count[l->e] >= e->max_communities && x->e_weak[l->e] != NONE;
	c_full = (int64_t)x->c_count[l->c] >= c->max_partners && x->c_weak[l->c] != NONE;

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
			sb_printf(&bl->text, "enterprise full: max_communities %s taken ",
			          explain_format_int(n1, e->max_communities));
			if (l->t.score < x->p->pairs[w].score)
				sb_printf(&bl->text, "by a better pair ");
			else if (l->t.score == x->p->pairs[w].score)
				sb_printf(&bl->text, "by an equally good pair ");
			sb_printf(&bl->text, "(community %" PRId64 ", score %s",
			          x->p->pairs[w].community_id,
			          explain_format_int(n2, x->p->pairs[w].score));
		} else if (i < 2 && !enterprise_turn && c_full &&
		           (diverse == NONE || l->t.score <= x->p->pairs[x->c_weak[l->c]].score)) {
			w = x->c_weak[l->c];
			bl->code = "community_full";
			sb_printf(&bl->text, "community full: its max_partners %s are taken ",
			          explain_format_int(n1, c->max_partners));
			if (l->t.score < x->p->pairs[w].score)
				sb_printf(&bl->text, "by higher-scoring pairs ");
			else if (l->t.score == x->p->pairs[w].score)
				sb_printf(&bl->text, "by pairs scoring as much ");
			sb_printf(&bl->text, "(lowest: enterprise %" PRId64 ", score %s",
			          x->p->pairs[w].enterprise_id,
			          explain_format_int(n2, x->p->pairs[w].score));
		} else if (i == 2 && diverse != NONE) {
			w = diverse;
			bl->code = "diverse_industries";
			sb_printf(&bl->text,
			          "diverse_industries: community %" PRId64
			          " already has a partner in %s (enterprise %" PRId64 ", score %s",
			          c->id, e->industry, x->p->pairs[w].enterprise_id,
			          explain_format_int(n1, x->p->pairs[w].score));
			bl->explains = true;
		} else {
			continue;
		}
		bl->ref = w;
		if (l->t.score <= x->p->pairs[w].score) {
			bl->explains = true;
		} else {
			size_t before = bl->text.len;

			why_kept(x, &bl->text, w, w != x->e_weak[l->e]);
			if (bl->text.len > before)
				bl->explains = true;
		}
		sb_printf(&bl->text, ")");
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
			BLOCK(blk[i].code, "%s", sb_str(&blk[i].text));
			if (ref == NONE)
				ref = blk[i].ref;
		}
	}
	for (i = 0; i < nblk; i++) {
		if (blk[i].text.oom)
			x->oom = true;
		free(blk[i].text.s);
	}
	if (code == NULL) {
		if (l->t.score <= 0)
			BLOCK("zero_score", "score %s adds nothing to the plan",
			      explain_format_int(n1, l->t.score));
		else
			BLOCK("not_chosen",
			      "not chosen although both sides have room (pairing %s%s)",
			      pairing_status(x),
			      x->p->pairing.status == PART_OPTIMAL ? "" : ": not proven optimal");
	}
	if (ref != NONE)
		compare_pairs(x, details, l, ref);
done:
#undef BLOCK
	for (i = 0; details != NULL && i < json_array_size(details); i++)
		sb_printf(&b, "; %s", json_string_value(json_array_get(details, i)));
	if (b.oom)
		x->oom = true;
	jset(x, o, "code", jstr(x, code));
	jset(x, o, "reason", jstr(x, sb_str(&b)));
	jset(x, o, "details", details);
	free(b.s);
	return o;
}

/*
 * Is (e, c) a candidate (MODEL.md section 2, as settled): pinned, or not
 * forbidden with max_communities >= 1 and in range or in the plan in force.
 */
static void
lost_classify(const struct settings *st, const struct enterprise *e, struct lost *l)
{
	l->candidate = l->pinned || (!l->forbidden && e->max_communities >= 1 &&
	                             (l->t.distance_m <= st->pair_radius_m || l->previous));
}

/* Keep an alternative when it is a candidate, named by a rule, or a near miss. */
static bool
lost_worth_listing(const struct settings *st, const struct lost *l)
{
	return l->candidate || l->forbidden || l->pinned || l->previous ||
	       l->t.distance_m <= 2 * st->pair_radius_m;
}

struct lost_list {
	struct lost *v;
	size_t n, cap;
};

static int
lost_push(struct lost_list *ll, const struct lost *l)
{
	if (ll->n == ll->cap) {
		size_t cap = ll->cap ? ll->cap * 2 : 32;
		struct lost *v = realloc(ll->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		ll->v = v;
		ll->cap = cap;
	}
	ll->v[ll->n++] = *l;
	return 0;
}

/* ---------------------------------------------------------------- enterprise */

static json_t *
zone_ref_json(struct ctx *x, int64_t zone_id)
{
	size_t z = idmap_get(&x->ix.zone, zone_id);
	json_t *o;

	if (z == IDMAP_NONE)
		return json_null();
	o = jobj(x);
	jset(x, o, "id", json_integer(x->s->zones[z].id));
	jset(x, o, "code", jstr(x, x->s->zones[z].code));
	jset(x, o, "name", jstr(x, x->s->zones[z].name));
	return o;
}

static int32_t
plan_date(const struct snapshot *s)
{
	return s->n_periods > 0 ? s->periods[0].start : DATE_NONE;
}

static json_t *
weights_json(struct ctx *x)
{
	const struct settings *st = &x->s->settings;
	json_t *w = jobj(x);

	jset(x, w, "w_need", json_real(st->w_need));
	jset(x, w, "w_distance", json_real(st->w_distance));
	jset(x, w, "w_keep_pair", json_integer(st->w_keep_pair));
	jset(x, w, "pair_radius_m", json_real(st->pair_radius_m));
	jset(x, w, "w_uncovered", json_integer(st->w_uncovered));
	return w;
}

static json_t *
lost_alternatives(struct ctx *x, struct lost_list *ll, bool subject_is_enterprise)
{
	json_t *alts = jarr(x);
	size_t i;

	if (ll->n > 1)
		qsort(ll->v, ll->n, sizeof(ll->v[0]), cmp_lost);
	for (i = 0; i < ll->n && i < x->max_alt; i++)
		jpush(x, alts, lost_json(x, &ll->v[i], subject_is_enterprise));
	return alts;
}

static json_t *
explain_enterprise(struct ctx *x, size_t er)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct enterprise *e = ent(x, er);
	json_t *o = jobj(x), *plan = jobj(x), *pairs = jarr(x), *terms = jobj(x);
	struct side_facts f;
	struct lost_list ll = {0};
	int64_t sum_base = 0, sum_keep = 0, sum_score = 0, n_pairs = 0;
	size_t i;

	jset(x, o, "kind", json_string("enterprise"));
	jset(x, o, "id", json_integer(e->id));
	jset(x, o, "name", jstr(x, e->name));
	jset(x, o, "zone", zone_ref_json(x, e->zone_id));
	jset(x, o, "industry", jstr(x, e->industry));
	jset(x, o, "party_org", jstr(x, party_org_name(e->party_org)));
	jset(x, o, "class", jstr(x, org_class_name(enterprise_class(e))));
	jset(x, o, "workload", json_integer(enterprise_workload(st, e, plan_date(s))));
	jset(x, o, "max_communities", json_integer(e->max_communities));
	jset(x, o, "offers", jcodes(x, &e->offers));

	for (i = 0; i < x->p->n_pairs; i++) {
		const struct plan_pair *pp = &x->p->pairs[i];
		struct pair_terms t;
		json_t *row;

		if (x->pe[i] != er || x->pc[i] == IDMAP_NONE)
			continue;
		pair_terms_compute(st, e, com(x, x->pc[i]),
		                   previous_pair(s, e->id, pp->community_id), &t);
		row = jobj(x);
		jset(x, row, "community_id", json_integer(pp->community_id));
		jset(x, row, "name", jstr(x, com(x, x->pc[i])->name));
		jset(x, row, "score", json_integer(pp->score));
		jset(x, row, "terms",
		     pair_terms_json(x, e, com(x, x->pc[i]), &t,
		                     rule_pair(s, RULE_PIN_PAIR, e->id, pp->community_id)));
		jpush(x, pairs, row);
		sum_base += t.base;
		sum_keep += t.keep;
		sum_score += pp->score;
		n_pairs++;
	}
	jset(x, plan, "status", jstr(x, pairing_status(x)));
	jset(x, plan, "pairing", part_json(x, &x->p->pairing));
	jset(x, plan, "pairs", pairs);
	jset(x, o, "plan", plan);
	jset(x, terms, "pairs", json_integer(n_pairs));
	jset(x, terms, "base", json_integer(sum_base));
	jset(x, terms, "keep", json_integer(sum_keep));
	jset(x, terms, "score", json_integer(sum_score));
	jset(x, terms, "weights", weights_json(x));
	jset(x, o, "terms", terms);

	if (side_facts_build(s, true, e->id, &f) != 0) {
		x->oom = true;
	} else {
		for (i = 0; i < s->n_communities && !x->oom; i++) {
			const struct community *c = com(x, i);
			struct lost l = {0};

			if (in_plan(x, e->id, c->id))
				continue;
			l.e = er;
			l.c = i;
			l.sort_id = c->id;
			l.forbidden = ids_contain(f.forbid, f.n_forbid, c->id);
			l.pinned = ids_contain(f.pin, f.n_pin, c->id);
			l.previous = ids_contain(f.prev, f.n_prev, c->id);
			l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
			lost_classify(st, e, &l);
			if (!lost_worth_listing(st, &l))
				continue;
			pair_terms_compute(st, e, c, l.previous, &l.t);
			if (lost_push(&ll, &l) != 0)
				x->oom = true;
		}
	}
	side_facts_free(&f);
	jset(x, o, "alternatives", lost_alternatives(x, &ll, true));
	free(ll.v);
	return o;
}

/* ---------------------------------------------------------------- community */

/* Why a community lacks partners: no candidates, or all of them are taken. */
static void
shortfall_reason(struct ctx *x, size_t cr, const struct side_facts *f, struct sb *b)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct community *c = com(x, cr);
	size_t i, candidates = 0, others = 0, full = 0, diverse = 0, excluded = 0;
	char m1[40];

	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = ent(x, i);
		struct lost l = {0};
		size_t k;
		bool clash = false;

		l.forbidden = ids_contain(f->forbid, f->n_forbid, e->id);
		l.pinned = ids_contain(f->pin, f->n_pin, e->id);
		l.previous = ids_contain(f->prev, f->n_prev, e->id);
		l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
		lost_classify(st, e, &l);
		if (!l.candidate) {
			if (l.t.distance_m <= st->pair_radius_m)
				excluded++;
			continue;
		}
		candidates++;
		if (in_plan(x, e->id, c->id))
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
		sb_printf(b, "no candidate enterprise within %s",
		          explain_format_m(m1, st->pair_radius_m));
		if (excluded > 0)
			sb_printf(b, " (%zu within range are forbidden or do not pair)", excluded);
	} else if (others == 0) {
		sb_printf(b, "its %zu candidate%s within range %s all its partners already",
		          candidates, candidates == 1 ? "" : "s", candidates == 1 ? "is" : "are");
	} else if (full == others && others == 1) {
		sb_printf(b, "its only %scandidate within range is full",
		          others < candidates ? "other " : "");
	} else if (full == others) {
		sb_printf(b, "the %zu %scandidates within range are all full", others,
		          others < candidates ? "other " : "");
	} else if (full + diverse == others) {
		sb_printf(b,
		          "the %zu %scandidate%s within range %s full (%zu) or share an industry "
		          "with a partner (diverse_industries, %zu)",
		          others, others < candidates ? "other " : "", others == 1 ? "" : "s",
		          others == 1 ? "is" : "are", full, diverse);
	} else {
		sb_printf(b,
		          "%zu of the %zu candidates within range still have room (pairing %s%s)",
		          others - full - diverse, candidates, pairing_status(x),
		          x->p->pairing.status == PART_OPTIMAL ? "" : ": not proven optimal");
	}
}

static json_t *
explain_community(struct ctx *x, size_t cr)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct community *c = com(x, cr);
	json_t *o = jobj(x), *plan = jobj(x), *partners = jarr(x), *terms = jobj(x);
	struct side_facts f;
	struct lost_list ll = {0};
	int64_t sum_score = 0, shortfall = 0;
	size_t i;
	bool facts_ok;

	jset(x, o, "kind", json_string("community"));
	jset(x, o, "id", json_integer(c->id));
	jset(x, o, "name", jstr(x, c->name));
	jset(x, o, "needs", jcodes(x, &c->needs));
	jset(x, o, "min_partners", json_integer(c->min_partners));
	jset(x, o, "max_partners", json_integer(c->max_partners));

	for (i = x->c_start[cr]; i < x->c_start[cr + 1]; i++) {
		size_t k = x->c_list[i];
		const struct plan_pair *pp = &x->p->pairs[k];
		const struct enterprise *e = ent(x, x->pe[k]);
		struct pair_terms t;
		json_t *row = jobj(x);

		pair_terms_compute(st, e, c, previous_pair(s, e->id, c->id), &t);
		jset(x, row, "enterprise_id", json_integer(e->id));
		jset(x, row, "name", jstr(x, e->name));
		jset(x, row, "industry", jstr(x, e->industry));
		jset(x, row, "score", json_integer(pp->score));
		jset(x, row, "terms",
		     pair_terms_json(x, e, c, &t, rule_pair(s, RULE_PIN_PAIR, e->id, c->id)));
		jpush(x, partners, row);
		sum_score += pp->score;
	}
	for (i = 0; i < x->p->n_uncovered; i++)
		if (x->p->uncovered[i].community_id == c->id)
			shortfall += x->p->uncovered[i].shortfall;

	facts_ok = side_facts_build(s, false, c->id, &f) == 0;
	if (!facts_ok)
		x->oom = true;
	jset(x, plan, "status", jstr(x, pairing_status(x)));
	jset(x, plan, "pairing", part_json(x, &x->p->pairing));
	jset(x, plan, "partners", partners);
	jset(x, plan, "shortfall", json_integer(shortfall));
	if ((shortfall > 0 || !pairing_ran(x)) && facts_ok) {
		struct sb b = {0};

		if (!pairing_ran(x))
			sb_printf(&b, "the pairing part is %s: the plan has no pairs",
			          pairing_status(x));
		else
			shortfall_reason(x, cr, &f, &b);
		if (b.oom)
			x->oom = true;
		jset(x, plan, "shortfall_reason", jstr(x, sb_str(&b)));
		free(b.s);
	} else {
		jset(x, plan, "shortfall_reason", json_null());
	}
	jset(x, o, "plan", plan);
	jset(x, terms, "partners", json_integer((json_int_t)x->c_count[cr]));
	jset(x, terms, "score", json_integer(sum_score));
	jset(x, terms, "shortfall", json_integer(shortfall));
	jset(x, terms, "penalty", json_integer(st->w_uncovered * shortfall));
	jset(x, terms, "total", json_integer(sum_score - st->w_uncovered * shortfall));
	jset(x, terms, "weights", weights_json(x));
	jset(x, o, "terms", terms);

	for (i = 0; facts_ok && i < s->n_enterprises && !x->oom; i++) {
		const struct enterprise *e = ent(x, i);
		struct lost l = {0};

		l.e = i;
		l.c = cr;
		l.sort_id = e->id;
		l.forbidden = ids_contain(f.forbid, f.n_forbid, e->id);
		l.pinned = ids_contain(f.pin, f.n_pin, e->id);
		l.previous = ids_contain(f.prev, f.n_prev, e->id);
		l.t.distance_m = geo_distance_m(e->lat, e->lon, c->lat, c->lon);
		lost_classify(st, e, &l);
		if (!lost_worth_listing(st, &l) || in_plan(x, e->id, c->id))
			continue;
		pair_terms_compute(st, e, c, l.previous, &l.t);
		if (lost_push(&ll, &l) != 0)
			x->oom = true;
	}
	side_facts_free(&f);
	jset(x, o, "alternatives", lost_alternatives(x, &ll, false));
	free(ll.v);
	return o;
}

/* ---------------------------------------------------------------- instructor */

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
zone_terms_json(struct ctx *x, const struct zone_value *v)
{
	json_t *t = jobj(x);

	jset(x, t, "skill", json_integer(v->skill));
	jset(x, t, "commute", json_integer(v->commute));
	jset(x, t, "commute_m", json_real(v->commute_m));
	jset(x, t, "keep", json_integer(v->keep));
	jset(x, t, "stay", json_integer(v->stay));
	jset(x, t, "stay_next", json_integer(v->next_stay));
	jset(x, t, "value", json_integer(v->value));
	return t;
}

/* "skill 40 − commute 60 + stay 150 = 130" */
static void
value_formula(struct sb *b, const struct zone_value *v)
{
	char n1[32], n2[32];

	sb_printf(b, "skill %s − commute %s", explain_format_int(n1, v->skill),
	          explain_format_int(n2, v->commute));
	if (v->keep != 0)
		sb_printf(b, " + keep %s", explain_format_int(n1, v->keep));
	if (v->stay != 0)
		sb_printf(b, " + stay %s", explain_format_int(n1, v->stay));
	if (v->next_stay != 0)
		sb_printf(b, " + stay next period %s", explain_format_int(n1, v->next_stay));
	sb_printf(b, " = %s", explain_format_int(n1, v->value + v->next_stay));
}

static json_t *
explain_instructor(struct ctx *x, size_t ir)
{
	const struct snapshot *s = x->s;
	const struct settings *st = &s->settings;
	const struct instructor *in = &s->instructors[ir];
	json_t *o = jobj(x), *plan = jobj(x), *periods = jarr(x), *terms = jobj(x), *alts = jarr(x);
	struct roster_data rd;
	size_t nz = s->n_zones, np = s->n_periods, ni = s->n_instructors, p, z, i;
	size_t *zone_of = NULL;                     /* [p]: zone row of this instructor, NONE */
	int64_t *count_ft = NULL, *count_pt = NULL; /* [p * nz + z] */
	struct zone_value *vals = NULL;
	int64_t sum_skill = 0, sum_commute = 0, sum_keep = 0, sum_stay = 0;
	bool roster_ran =
	    x->p->roster.status == PART_OPTIMAL || x->p->roster.status == PART_FEASIBLE;

	jset(x, o, "kind", json_string("instructor"));
	jset(x, o, "id", json_integer(in->id));
	jset(x, o, "name", jstr(x, in->name));
	jset(x, o, "full_time", json_boolean(in->full_time));
	jset(x, o, "capacity", json_integer(in->capacity));
	jset(x, o, "skills", jcodes(x, &in->skills));

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
		zone_of[p] = NONE;
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
		json_t *row = jobj(x);
		bool available = rd.available[p * ni + ir];
		size_t here = zone_of[p], shown = 0;
		struct zone_value cur = {0};
		struct zone_rule here_rule = {false, false};

		jset(x, row, "period_id", json_integer(per->id));
		jset(x, row, "label", jstr(x, per->label));
		jset(x, row, "available", json_boolean(available));
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
			jset(x, row, "zone", json_null());
			jset(x, row, "pinned", json_false());
			jset(x, row, "terms", json_null());
			jset(x, row, "reason", jstr(x, "unavailable"));
			jpush(x, periods, row);
			continue;
		}
		if (here != NONE) {
			cur = vals[here];
			here_rule = zone_rules(s, in->id, s->zones[here].id, per->id);
			jset(x, row, "zone", zone_ref_json(x, s->zones[here].id));
			jset(x, row, "pinned", json_boolean(here_rule.pinned));
			jset(x, row, "terms", zone_terms_json(x, &cur));
			{
				json_t *seats = jobj(x);

				jset(x, seats, "full_time",
				     json_integer(rd.seats_ft[p * nz + here]));
				jset(x, seats, "part_time",
				     json_integer(rd.seats_pt[p * nz + here]));
				jset(x, seats, "taken_full_time",
				     json_integer(count_ft[p * nz + here]));
				jset(x, seats, "taken_part_time",
				     json_integer(count_pt[p * nz + here]));
				jset(x, row, "seats", seats);
			}
			sum_skill += cur.skill;
			sum_commute += cur.commute;
			sum_keep += cur.keep;
			sum_stay += cur.stay;
		} else {
			struct sb b = {0};

			sb_printf(&b, "not assigned: the roster part is %s",
			          part_status_name(x->p->roster.status));
			jset(x, row, "zone", json_null());
			jset(x, row, "pinned", json_false());
			jset(x, row, "terms", json_null());
			jset(x, row, "reason", jstr(x, sb_str(&b)));
			free(b.s);
		}
		jpush(x, periods, row);

		/* The other zones, best first. */
		{
			struct zone_value *order = malloc((nz + 1) * sizeof(*order));
			size_t n = 0, k;

			if (order == NULL) {
				x->oom = true;
				break;
			}
			for (z = 0; z < nz; z++)
				if (z != here)
					order[n++] = vals[z];
			qsort(order, n, sizeof(*order), cmp_zone_value);
			for (k = 0; k < n && shown < x->max_alt; k++, shown++) {
				const struct zone_value *v = &order[k];
				const struct zone *zn = &s->zones[v->z];
				struct zone_rule zr = zone_rules(s, in->id, zn->id, per->id);
				json_t *a = jobj(x), *details = jarr(x);
				struct sb b = {0};
				const char *code = NULL;
				char n1[32];
				size_t d;
				int64_t seats = in->full_time ? rd.seats_ft[p * nz + v->z]
				                              : rd.seats_pt[p * nz + v->z];
				int64_t taken = in->full_time ? count_ft[p * nz + v->z]
				                              : count_pt[p * nz + v->z];

#define BLOCK(c_, ...)                                                                             \
	do {                                                                                       \
		if (code == NULL)                                                                  \
			code = (c_);                                                               \
		else                                                                               \
			sb_printf(&b, "; ");                                                       \
		sb_printf(&b, __VA_ARGS__);                                                        \
	} while (0)
				jset(x, a, "period_id", json_integer(per->id));
				jset(x, a, "period", jstr(x, per->label));
				jset(x, a, "id", json_integer(zn->id));
				jset(x, a, "code_zone", jstr(x, zn->code));
				jset(x, a, "name", jstr(x, zn->name));
				jset(x, a, "value", json_integer(v->value));
				jset(x, a, "terms", zone_terms_json(x, v));
				if (zr.forbidden)
					BLOCK("forbidden", "forbidden by a forbid_zone rule");
				if (here != NONE && here_rule.pinned)
					BLOCK("pinned_elsewhere", "pinned to zone %s (pin_zone)",
					      s->zones[here].code);
				if (!roster_ran) {
					BLOCK("part_failed", "the roster part is %s",
					      part_status_name(x->p->roster.status));
				} else if (!zr.forbidden && here != NONE) {
					if (taken >= seats)
						BLOCK("seats_covered",
						      "zone's %s seats (%s) already covered",
						      in->full_time ? "full-time" : "part-time",
						      explain_format_int(n1, seats));
					if (in->full_time &&
					    count_ft[p * nz + here] <= s->zones[here].min_fulltime)
						BLOCK(
						    "min_fulltime",
						    "zone %s would fall below its min_fulltime %s",
						    s->zones[here].code,
						    explain_format_int(
						        n1, s->zones[here].min_fulltime));
				}
				if (here != NONE) {
					int64_t va = v->value + v->next_stay;
					int64_t vh = cur.value + cur.next_stay;

					{
						struct sb cmp = {0};

						if (va < vh)
							sb_printf(&cmp, "lower value: ");
						else if (va == vh)
							sb_printf(&cmp, "equal value: ");
						else
							sb_printf(&cmp, "higher value: ");
						value_formula(&cmp, v);
						sb_printf(&cmp, " %s ",
						          va < vh    ? "<"
						          : va == vh ? "="
						                     : ">");
						value_formula(&cmp, &cur);
						sb_printf(&cmp, " in zone %s", s->zones[here].code);
						if (cmp.oom)
							x->oom = true;
						if (code == NULL && va < vh)
							code = "lower_value";
						else if (code == NULL && va == vh)
							code = "equal_value";
						else if (code == NULL)
							code = "not_chosen";
						jpush(x, details, jstr(x, sb_str(&cmp)));
						free(cmp.s);
					}
				}
				if (code == NULL)
					code = "not_chosen";
				for (d = 0; d < json_array_size(details); d++)
					sb_printf(&b, "%s%s", b.len > 0 ? "; " : "",
					          json_string_value(json_array_get(details, d)));
				if (b.len == 0)
					sb_printf(&b, "not chosen");
				if (b.oom)
					x->oom = true;
				jset(x, a, "code", json_string(code));
				jset(x, a, "reason", jstr(x, sb_str(&b)));
				jset(x, a, "details", details);
				jpush(x, alts, a);
				free(b.s);
#undef BLOCK
			}
			free(order);
		}
	}
out:
	jset(x, plan, "status", jstr(x, part_status_name(x->p->roster.status)));
	jset(x, plan, "roster", part_json(x, &x->p->roster));
	jset(x, plan, "periods", periods);
	jset(x, o, "plan", plan);
	jset(x, terms, "skill", json_integer(sum_skill));
	jset(x, terms, "commute", json_integer(sum_commute));
	jset(x, terms, "keep", json_integer(sum_keep));
	jset(x, terms, "stay", json_integer(sum_stay));
	jset(x, terms, "value", json_integer(sum_skill - sum_commute + sum_keep + sum_stay));
	jset(x, o, "terms", terms);
	jset(x, o, "alternatives", alts);
	free(zone_of);
	free(count_ft);
	free(count_pt);
	free(vals);
	roster_data_free(&rd);
	return o;
}

/* ---------------------------------------------------------------- entry points */

int
explain_kind_parse(const char *text, enum explain_kind *out)
{
	if (text == NULL)
		return -1;
	if (strcmp(text, "enterprise") == 0)
		*out = EXPLAIN_ENTERPRISE;
	else if (strcmp(text, "community") == 0)
		*out = EXPLAIN_COMMUNITY;
	else if (strcmp(text, "instructor") == 0)
		*out = EXPLAIN_INSTRUCTOR;
	else
		return -1;
	return 0;
}

json_t *
explain(const struct snapshot *s, const struct plan *p, enum explain_kind kind, int64_t id,
        size_t max_alternatives, char *err, size_t errlen)
{
	struct ctx x;
	json_t *o = NULL;
	size_t row;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.p = p;
	x.max_alt = max_alternatives;
	if (snapshot_index_build(s, &x.ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return NULL;
	}
	switch (kind) {
	case EXPLAIN_ENTERPRISE:
		row = idmap_get(&x.ix.enterprise, id);
		break;
	case EXPLAIN_COMMUNITY:
		row = idmap_get(&x.ix.community, id);
		break;
	case EXPLAIN_INSTRUCTOR:
		row = idmap_get(&x.ix.instructor, id);
		break;
	default:
		row = IDMAP_NONE;
		break;
	}
	if (row == IDMAP_NONE) {
		snprintf(err, errlen, "no %s with id %" PRId64 " in the snapshot",
		         kind == EXPLAIN_ENTERPRISE  ? "enterprise"
		         : kind == EXPLAIN_COMMUNITY ? "community"
		                                     : "instructor",
		         id);
		ctx_free(&x);
		return NULL;
	}
	if (ctx_pairs_build(&x) != 0) {
		snprintf(err, errlen, "out of memory reading the plan");
		ctx_free(&x);
		return NULL;
	}
	if (kind == EXPLAIN_ENTERPRISE)
		o = explain_enterprise(&x, row);
	else if (kind == EXPLAIN_COMMUNITY)
		o = explain_community(&x, row);
	else
		o = explain_instructor(&x, row);
	ctx_free(&x);
	if (x.oom || o == NULL) {
		json_decref(o);
		snprintf(err, errlen, "out of memory building the explanation");
		return NULL;
	}
	return o;
}
