/*
 * validate.c - bad input (docs/model.md §5).
 *
 * Every rule is checked on every row, so that one run lists every offending
 * row in the planners' words: "enterprise 12: lat: 123 is outside
 * [-90, 90]".  Rows are named by entity and id; where the id itself is the
 * problem, the reason also gives the row's position ("enterprises[3]").
 * Rules have no id: they are named by their content ("pin_pair
 * (enterprise 12, community 7)").
 */
#include "validate.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "utf8.h"

/* ------------------------------------------------------------------ */
/* The list of problems                                                */

void
problems_quote(char *buf, size_t len, const char *text, size_t max)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, k;

	if (len == 0)
		return;
	if (max > len - 1)
		max = len - 1;
	/* whole characters only; a byte that is not UTF-8 is shown as '?' */
	while (p[i] != '\0') {
		(void)utf8_next(p + i, &k); /* a byte that starts no character: 1 */
		if (i + k > max)
			break;
		i += k;
	}
	memcpy(buf, text, i);
	buf[i] = '\0';
	utf8_clean(buf);
}

void
problems_init(struct problems *p)
{
	memset(p, 0, sizeof(*p));
}

void
problems_free(struct problems *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].entity);
		free(p->v[i].field);
		free(p->v[i].reason);
	}
	free(p->v);
	problems_init(p);
}

void
problems_add(struct problems *p, const char *entity, int64_t id, const char *field, const char *fmt,
             ...)
{
	struct problem *pr;
	va_list ap;
	char *reason;
	int n;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct problem *v = realloc(p->v, cap * sizeof(*v));

		if (v == NULL)
			return;
		p->v = v;
		p->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&reason, fmt, ap);
	va_end(ap);
	if (n < 0)
		return; /* reason is undefined: nothing to free */
	/* a quoted text may be cut ("%.64s") or not UTF-8: stored and sent as JSON */
	utf8_clean(reason);

	pr = &p->v[p->n];
	pr->entity = strdup(entity != NULL ? entity : "");
	pr->field = strdup(field != NULL ? field : "");
	pr->reason = reason;
	pr->id = id;
	if (pr->entity == NULL || pr->field == NULL) {
		free(pr->entity);
		free(pr->field);
		free(pr->reason);
		return;
	}
	p->n++;
}

json_t *
problems_to_json(const struct problems *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < p->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:s, s:s}", "entity", p->v[i].entity,
		                                   "id", (json_int_t)p->v[i].id, "field",
		                                   p->v[i].field, "reason", p->v[i].reason));
	return a;
}

/* ------------------------------------------------------------------ */
/* Checks shared by several entities                                   */

struct check {
	const struct snapshot *s;
	struct snapshot_index ix;
	struct problems *out;
};

static void
check_id(struct check *c, const char *entity, const char *rows, size_t i, int64_t id,
         const struct idmap *map)
{
	size_t first;

	if (id <= 0) {
		problems_add(c->out, entity, id, "id", "%" PRId64 " is not a positive id (%s[%zu])",
		             id, rows, i);
		return;
	}
	first = idmap_get(map, id);
	if (first != IDMAP_NONE && first != i)
		problems_add(c->out, entity, id, "id",
		             "%s %" PRId64 " appears twice (%s[%zu] and %s[%zu])", entity, id, rows,
		             first, rows, i);
}

static void
check_number(struct check *c, const char *entity, int64_t id, const char *field, double v,
             double lo, double hi)
{
	if (isnan(v))
		problems_add(c->out, entity, id, field, "is missing or not a number");
	else if (!isfinite(v))
		problems_add(c->out, entity, id, field, "%g is not a finite number", v);
	else if (v < lo || v > hi)
		problems_add(c->out, entity, id, field, "%.17g is outside [%g, %g]", v, lo, hi);
}

static void
check_lat_lon(struct check *c, const char *entity, int64_t id, const char *lat_field, double lat,
              const char *lon_field, double lon)
{
	check_number(c, entity, id, lat_field, lat, -90, 90);
	check_number(c, entity, id, lon_field, lon, -180, 180);
}

static void
check_count(struct check *c, const char *entity, int64_t id, const char *field, int64_t v,
            int64_t lo)
{
	if (v < lo)
		problems_add(c->out, entity, id, field, "%" PRId64 " is %s", v,
		             lo == 0 ? "negative" : "not positive");
	else if (v > SNAPSHOT_MAX_COUNT)
		problems_add(c->out, entity, id, field,
		             "%" PRId64 " is greater than the limit of %d", v, SNAPSHOT_MAX_COUNT);
}

static void
check_text(struct check *c, const char *entity, int64_t id, const char *field, const char *t,
           int required)
{
	if (t == NULL || t[0] == '\0') {
		if (required)
			problems_add(c->out, entity, id, field, "is empty");
		return;
	}
	if (strlen(t) > SNAPSHOT_MAX_TEXT)
		problems_add(c->out, entity, id, field,
		             "text of %zu bytes is longer than the limit of %d", strlen(t),
		             SNAPSHOT_MAX_TEXT);
}

static void
check_codes(struct check *c, const char *entity, int64_t id, const char *field,
            const struct codes *codes)
{
	size_t i;

	if (codes->n > SNAPSHOT_MAX_CODES)
		problems_add(c->out, entity, id, field, "%zu codes, more than the limit of %d",
		             codes->n, SNAPSHOT_MAX_CODES);
	for (i = 0; i < codes->n; i++)
		if (codes->v[i] == NULL || strlen(codes->v[i]) > SNAPSHOT_MAX_TEXT) {
			problems_add(c->out, entity, id, field,
			             "a code is missing or longer than %d bytes",
			             SNAPSHOT_MAX_TEXT);
			break;
		}
}

/* Dates the model can compute with: years 0001 to 9999. */
static void
check_date(struct check *c, const char *entity, int64_t id, const char *field, int32_t d,
           int required)
{
	int32_t lo, hi;

	if (d == DATE_NONE) {
		if (required)
			problems_add(c->out, entity, id, field, "is missing");
		return;
	}
	(void)date_parse("0001-01-01", &lo);
	(void)date_parse("9999-12-31", &hi);
	if (d < lo || d > hi)
		problems_add(c->out, entity, id, field,
		             "day %" PRId32 " is outside the years 0001 to 9999", d);
}

/* ------------------------------------------------------------------ */
/* The entities                                                        */

static void
check_zones(struct check *c)
{
	size_t i;

	for (i = 0; i < c->s->n_zones; i++) {
		const struct zone *z = &c->s->zones[i];

		check_id(c, "zone", "zones", i, z->id, &c->ix.zone);
		check_text(c, "zone", z->id, "code", z->code, 0);
		check_text(c, "zone", z->id, "name", z->name, 0);
		check_lat_lon(c, "zone", z->id, "lat", z->lat, "lon", z->lon);
		check_count(c, "zone", z->id, "min_fulltime", z->min_fulltime, 0);
	}
}

static void
check_enterprises(struct check *c)
{
	size_t i;

	for (i = 0; i < c->s->n_enterprises; i++) {
		const struct enterprise *e = &c->s->enterprises[i];

		check_id(c, "enterprise", "enterprises", i, e->id, &c->ix.enterprise);
		check_text(c, "enterprise", e->id, "name", e->name, 0);
		check_text(c, "enterprise", e->id, "industry", e->industry, 0);
		if (idmap_get(&c->ix.zone, e->zone_id) == IDMAP_NONE)
			problems_add(c->out, "enterprise", e->id, "zone_id",
			             "zone %" PRId64 " does not exist", e->zone_id);
		if (e->party_org < ORG_COMMITTEE || e->party_org >= ORG_INVALID) {
			if (e->party_org_text != NULL && strlen(e->party_org_text) <= 64)
				problems_add(c->out, "enterprise", e->id, "party_org",
				             "\"%s\" is not one of committee, general_branch, "
				             "branch, joint_branch, none",
				             e->party_org_text);
			else
				problems_add(c->out, "enterprise", e->id, "party_org",
				             "is not one of committee, general_branch, branch, "
				             "joint_branch, none");
		}
		check_count(c, "enterprise", e->id, "party_members", e->party_members, 0);
		check_count(c, "enterprise", e->id, "employees", e->employees, 0);
		check_lat_lon(c, "enterprise", e->id, "lat", e->lat, "lon", e->lon);
		check_codes(c, "enterprise", e->id, "offers", &e->offers);
		check_count(c, "enterprise", e->id, "max_communities", e->max_communities, 0);
		check_date(c, "enterprise", e->id, "joined_on", e->joined_on, 0);
	}
}

static void
check_communities(struct check *c)
{
	size_t i;

	for (i = 0; i < c->s->n_communities; i++) {
		const struct community *m = &c->s->communities[i];

		check_id(c, "community", "communities", i, m->id, &c->ix.community);
		check_text(c, "community", m->id, "name", m->name, 0);
		check_lat_lon(c, "community", m->id, "lat", m->lat, "lon", m->lon);
		check_codes(c, "community", m->id, "needs", &m->needs);
		check_count(c, "community", m->id, "min_partners", m->min_partners, 0);
		check_count(c, "community", m->id, "max_partners", m->max_partners, 0);
		if (m->min_partners > m->max_partners)
			problems_add(c->out, "community", m->id, "min_partners",
			             "%" PRId64 " is greater than max_partners %" PRId64,
			             m->min_partners, m->max_partners);
	}
}

static void
check_instructors(struct check *c)
{
	size_t i, j;

	for (i = 0; i < c->s->n_instructors; i++) {
		const struct instructor *in = &c->s->instructors[i];

		check_id(c, "instructor", "instructors", i, in->id, &c->ix.instructor);
		check_text(c, "instructor", in->id, "name", in->name, 0);
		check_count(c, "instructor", in->id, "capacity", in->capacity, 1);
		check_codes(c, "instructor", in->id, "skills", &in->skills);
		check_lat_lon(c, "instructor", in->id, "home_lat", in->home_lat, "home_lon",
		              in->home_lon);
		for (j = 0; j < in->n_unavailable; j++)
			if (idmap_get(&c->ix.period, in->unavailable[j]) == IDMAP_NONE)
				problems_add(c->out, "instructor", in->id, "unavailable",
				             "period %" PRId64 " does not exist",
				             in->unavailable[j]);
	}
}

static void
check_periods(struct check *c)
{
	size_t i;

	if (c->s->n_periods == 0)
		problems_add(c->out, "period", 0, "",
		             "the snapshot has no period; at least one is needed");
	for (i = 0; i < c->s->n_periods; i++) {
		const struct period *p = &c->s->periods[i];

		check_id(c, "period", "periods", i, p->id, &c->ix.period);
		check_text(c, "period", p->id, "label", p->label, 1);
		check_date(c, "period", p->id, "start", p->start, 1);
	}
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */

void
rule_describe(const struct rule *r, char *buf, size_t len)
{
	switch (r->kind) {
	case RULE_PIN_PAIR:
	case RULE_FORBID_PAIR:
		snprintf(buf, len, "%s (enterprise %" PRId64 ", community %" PRId64 ")",
		         r->kind == RULE_PIN_PAIR ? "pin_pair" : "forbid_pair", r->enterprise_id,
		         r->community_id);
		break;
	case RULE_PIN_ZONE:
	case RULE_FORBID_ZONE:
	default:
		if (r->period_id == 0)
			snprintf(buf, len,
			         "%s (instructor %" PRId64 ", zone %" PRId64 ", every period)",
			         r->kind == RULE_PIN_ZONE ? "pin_zone" : "forbid_zone",
			         r->instructor_id, r->zone_id);
		else
			snprintf(buf, len,
			         "%s (instructor %" PRId64 ", zone %" PRId64 ", period %" PRId64
			         ")",
			         r->kind == RULE_PIN_ZONE ? "pin_zone" : "forbid_zone",
			         r->instructor_id, r->zone_id, r->period_id);
		break;
	}
}

static void
check_ref(struct check *c, const struct rule *r, const char *field, const char *entity,
          const struct idmap *map, int64_t id)
{
	char what[160];

	if (idmap_get(map, id) != IDMAP_NONE)
		return;
	rule_describe(r, what, sizeof(what));
	problems_add(c->out, "rule", r->id, field, "%s: %s %" PRId64 " does not exist", what,
	             entity, id);
}

static int
cmp_rule_key(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a, *y = *(const struct rule *const *)b;
	int64_t kx[3], ky[3];
	int k;

	if (x->kind == RULE_FORBID_PAIR || x->kind == RULE_PIN_PAIR) {
		kx[0] = x->enterprise_id, kx[1] = x->community_id, kx[2] = 0;
		ky[0] = y->enterprise_id, ky[1] = y->community_id, ky[2] = 0;
	} else {
		kx[0] = x->instructor_id, kx[1] = x->zone_id, kx[2] = x->period_id;
		ky[0] = y->instructor_id, ky[1] = y->zone_id, ky[2] = y->period_id;
	}
	for (k = 0; k < 3; k++)
		if (kx[k] != ky[k])
			return kx[k] < ky[k] ? -1 : 1;
	return 0;
}

/* Is there a forbid in the sorted list with this key? */
static const struct rule *
find_forbid(const struct rule **v, size_t n, const struct rule *key)
{
	const struct rule **hit;

	if (n == 0) /* v is NULL then, which bsearch() must not be given */
		return NULL;
	hit = bsearch(&key, v, n, sizeof(*v), cmp_rule_key);
	return hit != NULL ? *hit : NULL;
}

/* The first forbid_zone of (instructor, zone), any period, or NULL. */
static const struct rule *
find_forbid_any_period(const struct rule **v, size_t n, const struct rule *pin)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rule *m = v[mid];

		if (m->instructor_id < pin->instructor_id ||
		    (m->instructor_id == pin->instructor_id && m->zone_id < pin->zone_id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && v[lo]->instructor_id == pin->instructor_id && v[lo]->zone_id == pin->zone_id)
		return v[lo];
	return NULL;
}

static int
instructor_unavailable(const struct instructor *in, int64_t period)
{
	size_t lo = 0, hi = in->n_unavailable;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->unavailable[mid] == period)
			return 1;
		if (in->unavailable[mid] < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void
check_rules(struct check *c)
{
	const struct snapshot *s = c->s;
	const struct rule **fp = NULL, **fz = NULL;
	size_t i, nfp = 0, nfz = 0, k;
	char what[160], other[160];

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i];

		switch (r->kind) {
		case RULE_PIN_PAIR:
		case RULE_FORBID_PAIR:
			check_ref(c, r, "enterprise_id", "enterprise", &c->ix.enterprise,
			          r->enterprise_id);
			check_ref(c, r, "community_id", "community", &c->ix.community,
			          r->community_id);
			nfp += r->kind == RULE_FORBID_PAIR;
			break;
		case RULE_PIN_ZONE:
		case RULE_FORBID_ZONE:
			check_ref(c, r, "instructor_id", "instructor", &c->ix.instructor,
			          r->instructor_id);
			check_ref(c, r, "zone_id", "zone", &c->ix.zone, r->zone_id);
			if (r->period_id != 0)
				check_ref(c, r, "period_id", "period", &c->ix.period, r->period_id);
			nfz += r->kind == RULE_FORBID_ZONE;
			break;
		default:
			problems_add(c->out, "rule", r->id, "kind", "rules[%zu]: unknown kind %d",
			             i, (int)r->kind);
			break;
		}
	}

	/* Pins against forbids of the same pair. */
	fp = nfp ? malloc(nfp * sizeof(*fp)) : NULL;
	fz = nfz ? malloc(nfz * sizeof(*fz)) : NULL;
	if ((nfp && fp == NULL) || (nfz && fz == NULL)) {
		problems_add(c->out, "rule", 0, "", "out of memory while checking the rules");
		goto done;
	}
	for (i = 0, nfp = 0, nfz = 0; i < s->n_rules; i++) {
		if (s->rules[i].kind == RULE_FORBID_PAIR)
			fp[nfp++] = &s->rules[i];
		else if (s->rules[i].kind == RULE_FORBID_ZONE)
			fz[nfz++] = &s->rules[i];
	}
	if (nfp > 1)
		qsort(fp, nfp, sizeof(*fp), cmp_rule_key);
	if (nfz > 1)
		qsort(fz, nfz, sizeof(*fz), cmp_rule_key);

	for (i = 0; i < s->n_rules; i++) {
		const struct rule *r = &s->rules[i], *f = NULL;

		if (r->kind == RULE_PIN_PAIR) {
			if (find_forbid(fp, nfp, r) != NULL) {
				rule_describe(r, what, sizeof(what));
				problems_add(c->out, "rule", r->id, "", "%s is also forbidden",
				             what);
			}
			continue;
		}
		if (r->kind != RULE_PIN_ZONE)
			continue;
		/* period 0 overlaps every period */
		if (r->period_id == 0) {
			f = find_forbid_any_period(fz, nfz, r);
		} else {
			struct rule key = *r;

			f = find_forbid(fz, nfz, &key);
			if (f == NULL) {
				key.period_id = 0;
				f = find_forbid(fz, nfz, &key);
			}
		}
		if (f != NULL) {
			rule_describe(r, what, sizeof(what));
			rule_describe(f, other, sizeof(other));
			problems_add(c->out, "rule", r->id, "", "%s is also forbidden by %s", what,
			             other);
		}
		if (r->period_id != 0) {
			k = idmap_get(&c->ix.instructor, r->instructor_id);
			if (k != IDMAP_NONE &&
			    instructor_unavailable(&s->instructors[k], r->period_id)) {
				rule_describe(r, what, sizeof(what));
				problems_add(c->out, "rule", r->id, "period_id",
				             "%s: instructor %" PRId64
				             " is unavailable in period %" PRId64,
				             what, r->instructor_id, r->period_id);
			}
		}
	}
done:
	free(fp);
	free(fz);
}

/* ------------------------------------------------------------------ */
/* Settings                                                            */

static void
check_weight_f(struct check *c, const char *field, double v)
{
	check_number(c, "settings", 0, field, v, 0, SNAPSHOT_MAX_WEIGHT);
}

static void
check_weight_i(struct check *c, const char *field, int64_t v)
{
	if (v < 0 || v > SNAPSHOT_MAX_WEIGHT)
		problems_add(c->out, "settings", 0, field, "%" PRId64 " is outside [0, %d]", v,
		             SNAPSHOT_MAX_WEIGHT);
}

static void
check_positive(struct check *c, const char *field, double v, double hi)
{
	if (!isfinite(v))
		problems_add(c->out, "settings", 0, field, "is missing or not a finite number");
	else if (!(v > 0) || v > hi)
		problems_add(c->out, "settings", 0, field, "%.17g is outside (0, %g]", v, hi);
}

static void
check_settings(struct check *c)
{
	static const char *const ow_names[CLASS_COUNT] = {
	    "org_weight.committee",    "org_weight.general_branch",    "org_weight.branch",
	    "org_weight.joint_branch", "org_weight.none_with_members", "org_weight.none",
	};
	const struct settings *st = &c->s->settings;
	int k;

	/* Radii and scales: positive, and at most the Earth's circumference. */
	check_positive(c, "pair_radius_m", st->pair_radius_m, 4.1e7);
	check_positive(c, "commute_scale_m", st->commute_scale_m, 4.1e7);
	check_weight_f(c, "w_need", st->w_need);
	check_weight_f(c, "w_distance", st->w_distance);
	check_weight_i(c, "w_keep_pair", st->w_keep_pair);
	check_weight_i(c, "w_uncovered", st->w_uncovered);
	if (st->max_changes < -1 || st->max_changes > SNAPSHOT_MAX_COUNT)
		problems_add(c->out, "settings", 0, "max_changes",
		             "%" PRId64 " is outside [0, %d] (or null for no limit)",
		             st->max_changes, SNAPSHOT_MAX_COUNT);
	for (k = 0; k < CLASS_COUNT; k++)
		check_weight_i(c, ow_names[k], st->org_weight[k]);
	check_weight_i(c, "new_bonus", st->new_bonus);
	if (st->new_days < 0 || st->new_days > SNAPSHOT_MAX_COUNT)
		problems_add(c->out, "settings", 0, "new_days", "%" PRId64 " is outside [0, %d]",
		             st->new_days, SNAPSHOT_MAX_COUNT);
	check_weight_i(c, "w_balance", st->w_balance);
	check_weight_f(c, "w_skill", st->w_skill);
	check_weight_i(c, "w_keep_zone", st->w_keep_zone);
	check_weight_i(c, "w_stay", st->w_stay);
	check_weight_f(c, "w_commute", st->w_commute);
	check_positive(c, "time_limit_s", st->time_limit_s, 86400);
	check_number(c, "settings", 0, "mip_gap", st->mip_gap, 0, 1);
}

/* ------------------------------------------------------------------ */

size_t
snapshot_validate(const struct snapshot *s, struct problems *out)
{
	struct check c = {.s = s, .out = out};
	size_t before = out->n;

	if (snapshot_index_build(s, &c.ix) != 0) {
		problems_add(out, "snapshot", 0, "", "out of memory while indexing the rows");
		return out->n - before;
	}
	check_settings(&c);
	check_zones(&c);
	check_enterprises(&c);
	check_communities(&c);
	check_instructors(&c);
	check_periods(&c);
	check_rules(&c);
	snapshot_index_free(&c.ix);
	return out->n - before;
}
