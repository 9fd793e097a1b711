/*
 * snapshot.c - the input of a plan (docs/model.md §1): the settings'
 * defaults, the names of organisation classes, dates, code sets,
 * normalisation and freeing.  Its JSON document is snapshot_json.c.
 */
#include "snapshot.h"

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* ------------------------------------------------------------------ */
/* Settings and names                                                  */

void
settings_default(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->pair_radius_m = 3000;
	s->w_need = 600;
	s->w_distance = 400;
	s->w_keep_pair = 300;
	s->w_uncovered = 10000;
	s->diverse_industries = false;
	s->max_changes = -1;
	s->org_weight[CLASS_COMMITTEE] = 8;
	s->org_weight[CLASS_GENERAL_BRANCH] = 5;
	s->org_weight[CLASS_BRANCH] = 3;
	s->org_weight[CLASS_JOINT_BRANCH] = 2;
	s->org_weight[CLASS_NONE_WITH_MEMBERS] = 2;
	s->org_weight[CLASS_NONE] = 1;
	s->new_bonus = 1;
	s->new_days = 365;
	s->w_balance = 10000;
	s->w_skill = 200;
	s->w_keep_zone = 300;
	s->w_stay = 150;
	s->w_commute = 100;
	s->commute_scale_m = 10000;
	s->time_limit_s = 30;
	s->mip_gap = 0;
}

static const char *const org_class_names[CLASS_COUNT] = {
    [CLASS_COMMITTEE] = "committee",
    [CLASS_GENERAL_BRANCH] = "general_branch",
    [CLASS_BRANCH] = "branch",
    [CLASS_JOINT_BRANCH] = "joint_branch",
    [CLASS_NONE_WITH_MEMBERS] = "none_with_members",
    [CLASS_NONE] = "none",
};

static const char *const party_org_names[] = {
    [ORG_COMMITTEE] = "committee", [ORG_GENERAL_BRANCH] = "general_branch",
    [ORG_BRANCH] = "branch",       [ORG_JOINT_BRANCH] = "joint_branch",
    [ORG_NONE] = "none",           [ORG_INVALID] = "invalid",
};

const char *
org_class_name(enum org_class c)
{
	if ((int)c < 0 || c >= CLASS_COUNT)
		return "invalid";
	return org_class_names[c];
}

const char *
party_org_name(enum party_org o)
{
	if ((int)o < 0 || o > ORG_INVALID)
		return "invalid";
	return party_org_names[o];
}

enum party_org
party_org_parse(const char *text)
{
	int o;

	if (text == NULL)
		return ORG_INVALID;
	for (o = ORG_COMMITTEE; o < ORG_INVALID; o++)
		if (strcmp(text, party_org_names[o]) == 0)
			return (enum party_org)o;
	return ORG_INVALID;
}

enum org_class
enterprise_class(const struct enterprise *e)
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
	case ORG_NONE:
	case ORG_INVALID:
	default:
		return e->party_members >= 3 ? CLASS_NONE_WITH_MEMBERS : CLASS_NONE;
	}
}

/* ------------------------------------------------------------------ */
/* Dates: proleptic Gregorian calendar, days since 1970-01-01          */

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int
date_parse(const char *text, int32_t *days)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y = 0, m, d;
	int i, dim;

	if (text == NULL || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (text[i] - '0');
	m = (text[5] - '0') * 10 + (text[6] - '0');
	d = (text[8] - '0') * 10 + (text[9] - '0');
	if (m < 1 || m > 12)
		return -1;
	dim = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d < 1 || d > dim)
		return -1;
	*days = (int32_t)days_from_civil(y, m, d);
	return 0;
}

void
date_format(int32_t days, char buf[11])
{
	int64_t y, m, d;

	if (days == DATE_NONE) {
		buf[0] = '\0';
		return;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(buf, "0000-00-00", 11); /* not a date: reading it fails */
		return;
	}
	{
		/* Wide enough for any int, so the compiler sees no truncation. */
		char wide[40];

		snprintf(wide, sizeof(wide), "%04d-%02d-%02d", (int)y, (int)m, (int)d);
		memcpy(buf, wide, 10);
		buf[10] = '\0';
	}
}

/* ------------------------------------------------------------------ */
/* Codes                                                               */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
codes_normalize(struct codes *c)
{
	size_t i, k;

	if (c->n < 2)
		return;
	/* already a set (the loader normalises as it reads): nothing to do */
	for (i = 1; i < c->n && strcmp(c->v[i - 1], c->v[i]) < 0; i++)
		;
	if (i == c->n)
		return;
	qsort(c->v, c->n, sizeof(*c->v), cmp_str);
	for (i = 1, k = 1; i < c->n; i++) {
		if (strcmp(c->v[i], c->v[k - 1]) == 0)
			free(c->v[i]);
		else
			c->v[k++] = c->v[i];
	}
	c->n = k;
}

bool
codes_contains(const struct codes *c, const char *code)
{
	size_t lo = 0, hi = c->n;

	if (code == NULL)
		return false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(c->v[mid], code);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void
codes_free(struct codes *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

/* ------------------------------------------------------------------ */
/* Life cycle and normalisation                                        */

void
snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	settings_default(&s->settings);
}

/* What one enterprise row owns. */
static void
enterprise_free(struct enterprise *e)
{
	free(e->name);
	free(e->industry);
	free(e->party_org_text);
	free(e->credit_code);
	codes_free(&e->offers);
}

bool
snapshot_free_some(struct snapshot *s, size_t max_rows)
{
	size_t n;

	if (s == NULL)
		return true;
	for (n = 0; n < max_rows && s->n_enterprises > 0; n++)
		enterprise_free(&s->enterprises[--s->n_enterprises]);
	if (s->n_enterprises > 0)
		return false;
	snapshot_free(s);
	return true;
}

void
snapshot_free(struct snapshot *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_zones; i++) {
		free(s->zones[i].code);
		free(s->zones[i].name);
	}
	for (i = 0; i < s->n_enterprises; i++)
		enterprise_free(&s->enterprises[i]);
	for (i = 0; i < s->n_communities; i++) {
		free(s->communities[i].name);
		free(s->communities[i].code);
		codes_free(&s->communities[i].needs);
	}
	for (i = 0; i < s->n_instructors; i++) {
		free(s->instructors[i].name);
		free(s->instructors[i].code);
		codes_free(&s->instructors[i].skills);
		free(s->instructors[i].unavailable);
	}
	for (i = 0; i < s->n_periods; i++)
		free(s->periods[i].label);
	free(s->zones);
	free(s->enterprises);
	free(s->communities);
	free(s->instructors);
	free(s->periods);
	free(s->rules);
	free(s->prev_pairs);
	free(s->prev_assignments);
	snapshot_init(s);
}

static int
cmp_period(const void *a, const void *b)
{
	const struct period *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

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

static size_t
unique_i64(int64_t *v, size_t n)
{
	size_t i, k;

	if (n < 2)
		return n;
	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = 1, k = 1; i < n; i++)
		if (v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

/* Keep the pairs whose both ids name rows of the snapshot; sort, dedupe. */
/*
 * Rows of one entity type as their ids: v is an array of n structs of
 * stride bytes, each with its int64_t id at offset.  When the ids ascend
 * (as the database loader reads them), a lookup is a binary search; else
 * through the map.
 */
struct id_rows {
	const char *v;
	size_t n, stride, offset;
	bool ascending;
	const struct idmap *map; /* when not ascending; NULL: keep every id */
};

static int64_t
row_id(const struct id_rows *r, size_t k)
{
	int64_t id;

	memcpy(&id, r->v + k * r->stride + r->offset, sizeof(id));
	return id;
}

static void
id_rows_init(struct id_rows *r, const void *v, size_t n, size_t stride, size_t offset)
{
	size_t k;

	*r = (struct id_rows){v, n, stride, offset, true, NULL};
	for (k = 1; k < n && r->ascending; k++)
		r->ascending = row_id(r, k - 1) < row_id(r, k);
}

static bool
id_rows_has(const struct id_rows *r, int64_t id)
{
	size_t lo = 0, hi = r->n;

	if (!r->ascending)
		return r->map == NULL || idmap_get(r->map, id) != IDMAP_NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t m = row_id(r, mid);

		if (m == id)
			return true;
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static size_t
filter_pairs(struct id_pair *v, size_t n, const struct id_rows *ra, const struct id_rows *rb)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (id_rows_has(ra, v[i].a) && id_rows_has(rb, v[i].b))
			v[k++] = v[i];
	if (k > 1) {
		qsort(v, k, sizeof(*v), cmp_id_pair);
		for (i = 1, n = k, k = 1; i < n; i++)
			if (cmp_id_pair(&v[i], &v[k - 1]) != 0)
				v[k++] = v[i];
	}
	return k;
}

void
snapshot_normalize(struct snapshot *s)
{
	struct snapshot_index ix;
	struct id_rows ent, com, ins, zon;
	size_t i;
	bool have_ix;

	for (i = 0; i < s->n_enterprises; i++)
		codes_normalize(&s->enterprises[i].offers);
	for (i = 0; i < s->n_communities; i++)
		codes_normalize(&s->communities[i].needs);
	for (i = 0; i < s->n_instructors; i++) {
		struct instructor *in = &s->instructors[i];

		codes_normalize(&in->skills);
		in->n_unavailable = unique_i64(in->unavailable, in->n_unavailable);
	}
	if (s->n_periods > 1)
		qsort(s->periods, s->n_periods, sizeof(*s->periods), cmp_period);

	id_rows_init(&ent, s->enterprises, s->n_enterprises, sizeof(*s->enterprises),
	             offsetof(struct enterprise, id));
	id_rows_init(&com, s->communities, s->n_communities, sizeof(*s->communities),
	             offsetof(struct community, id));
	id_rows_init(&ins, s->instructors, s->n_instructors, sizeof(*s->instructors),
	             offsetof(struct instructor, id));
	id_rows_init(&zon, s->zones, s->n_zones, sizeof(*s->zones), offsetof(struct zone, id));
	/* Ids out of order (a document written by hand): through the maps. */
	have_ix = (!ent.ascending || !com.ascending || !ins.ascending || !zon.ascending) &&
	          snapshot_index_build(s, &ix) == 0;
	if (have_ix) {
		ent.map = &ix.enterprise;
		com.map = &ix.community;
		ins.map = &ix.instructor;
		zon.map = &ix.zone;
	}
	s->n_prev_pairs = filter_pairs(s->prev_pairs, s->n_prev_pairs, &ent, &com);
	s->n_prev_assignments =
	    filter_pairs(s->prev_assignments, s->n_prev_assignments, &ins, &zon);
	if (have_ix)
		snapshot_index_free(&ix);
}
