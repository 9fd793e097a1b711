/*
 * ctx.c - the context of one rendering: the snapshot's index, rows by id,
 * the labels the tables and the page give zones, enterprises, communities,
 * instructors and periods (also those a plan names and the snapshot lacks),
 * the needs a pair meets, and the plan's state read from its run.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

/* Each community under the zone of the nearest centroid (planar, scaled by cos(lat)). */
static int
nearest_zones(struct report_ctx *c)
{
	const struct snapshot *s = c->s;
	size_t i, z;

	c->com_zone = malloc((s->n_communities + 1) * sizeof(*c->com_zone));
	if (c->com_zone == NULL)
		return -1;
	for (i = 0; i < s->n_communities; i++) {
		const struct community *cm = &s->communities[i];
		double best = HUGE_VAL, k = cos(cm->lat * M_PI / 180.0);

		c->com_zone[i] = IDMAP_NONE;
		for (z = 0; z < s->n_zones; z++) {
			double dy = s->zones[z].lat - cm->lat, dx = (s->zones[z].lon - cm->lon) * k;
			double d = dx * dx + dy * dy;

			if (d < best) {
				best = d;
				c->com_zone[i] = z;
			}
		}
	}
	return 0;
}

bool
report_community_in_zone(const struct report_ctx *c, size_t community_row, size_t z)
{
	return c->com_zone != NULL && c->com_zone[community_row] == z;
}

int
report_ctx_init(struct report_ctx *c, const struct report_input *in, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (in == NULL || in->s == NULL || in->p == NULL) {
		snprintf(err, errlen, "no snapshot or no plan to report");
		return -1;
	}
	c->in = in;
	c->s = in->s;
	c->p = in->p;
	if (snapshot_index_build(in->s, &c->ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return -1;
	}
	if (nearest_zones(c) != 0) {
		snprintf(err, errlen, "out of memory placing the communities");
		report_ctx_free(c);
		return -1;
	}
	return 0;
}

void
report_ctx_free(struct report_ctx *c)
{
	if (c->s != NULL)
		snapshot_index_free(&c->ix);
	free(c->com_zone);
	memset(c, 0, sizeof(*c));
}

#define ROW(map, arr)                                                                              \
	do {                                                                                       \
		size_t r_ = idmap_get(&c->ix.map, id);                                             \
		return r_ == IDMAP_NONE ? NULL : &c->s->arr[r_];                                   \
	} while (0)

const struct zone *
report_zone(const struct report_ctx *c, int64_t id)
{
	ROW(zone, zones);
}

const struct enterprise *
report_enterprise(const struct report_ctx *c, int64_t id)
{
	ROW(enterprise, enterprises);
}

const struct community *
report_community(const struct report_ctx *c, int64_t id)
{
	ROW(community, communities);
}

const struct instructor *
report_instructor(const struct report_ctx *c, int64_t id)
{
	ROW(instructor, instructors);
}

const struct period *
report_period(const struct report_ctx *c, int64_t id)
{
	ROW(period, periods);
}

/*
 * "A 漕河泾开发区第一片区": the code, then the name, unless the name already
 * holds the code ("片区 A") or one of them is empty.
 */
void
report_zone_label(const struct report_ctx *c, int64_t zone_id, struct report_buf *b)
{
	const struct zone *z = report_zone(c, zone_id);

	if (z == NULL || (z->code[0] == '\0' && z->name[0] == '\0'))
		report_buf_printf(b, "片区 #%" PRId64, zone_id);
	else if (z->code[0] == '\0' || strstr(z->name, z->code) != NULL)
		report_buf_puts(b, z->name);
	else if (z->name[0] == '\0')
		report_buf_puts(b, z->code);
	else
		report_buf_printf(b, "%s %s", z->code, z->name);
}

void
report_zone_code(const struct report_ctx *c, int64_t zone_id, struct report_buf *b)
{
	const struct zone *z = report_zone(c, zone_id);

	if (z != NULL && z->code[0] != '\0')
		report_buf_puts(b, z->code);
	else
		report_zone_label(c, zone_id, b);
}

static void
name_or_id(struct report_buf *b, const char *name, const char *entity, int64_t id, bool present)
{
	if (present && name != NULL && name[0] != '\0')
		report_buf_puts(b, name);
	else
		report_buf_printf(b, "%s #%" PRId64 "%s", entity, id,
		                  present ? "" : "（已不在快照中）");
}

void
report_enterprise_name(const struct report_ctx *c, int64_t id, struct report_buf *b)
{
	const struct enterprise *e = report_enterprise(c, id);

	name_or_id(b, e != NULL ? e->name : NULL, "企业", id, e != NULL);
}

void
report_community_name(const struct report_ctx *c, int64_t id, struct report_buf *b)
{
	const struct community *cm = report_community(c, id);

	name_or_id(b, cm != NULL ? cm->name : NULL, "居民区", id, cm != NULL);
}

void
report_instructor_name(const struct report_ctx *c, int64_t id, struct report_buf *b)
{
	const struct instructor *i = report_instructor(c, id);

	name_or_id(b, i != NULL ? i->name : NULL, "指导员", id, i != NULL);
}

void
report_period_label(const struct report_ctx *c, int64_t id, struct report_buf *b)
{
	const struct period *p = report_period(c, id);

	name_or_id(b, p != NULL ? p->label : NULL, "时段", id, p != NULL);
}

void
report_put_label(const struct report_ctx *c, FILE *out,
                 void (*label)(const struct report_ctx *, int64_t, struct report_buf *), int64_t id)
{
	struct report_buf b;

	report_buf_init(&b);
	label(c, id, &b);
	report_put_html(out, report_buf_text(&b));
	report_buf_free(&b);
}

bool
report_enterprise_on_page(const struct report_ctx *c, int64_t enterprise_id)
{
	const struct enterprise *e;

	if (c->in->zone_id == 0)
		return true;
	e = report_enterprise(c, enterprise_id);
	return e != NULL && e->zone_id == c->in->zone_id;
}

void
report_codes_join(const struct codes *codes, struct report_buf *b)
{
	size_t i;

	for (i = 0; i < codes->n; i++) {
		if (i > 0)
			report_buf_puts(b, "、");
		report_buf_puts(b, codes->v[i]);
	}
}

void
report_needs_met(const struct enterprise *e, const struct community *cm, struct report_buf *b)
{
	size_t i, met = 0;

	for (i = 0; i < cm->needs.n; i++)
		if (codes_contains(&e->offers, cm->needs.v[i]))
			met++;
	report_buf_printf(b, "%zu/%zu", met, cm->needs.n);
	if (met == 0)
		return;
	report_buf_puts(b, " (");
	met = 0;
	for (i = 0; i < cm->needs.n; i++)
		if (codes_contains(&e->offers, cm->needs.v[i])) {
			if (met++ > 0)
				report_buf_puts(b, "、");
			report_buf_puts(b, cm->needs.v[i]);
		}
	report_buf_puts(b, ")");
}

const char *
report_run_text(const struct report_ctx *c, const char *key)
{
	const json_t *v;

	if (c->in->run == NULL)
		return "";
	v = json_object_get(c->in->run, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

void
report_run_time(const struct report_ctx *c, const char *key, char *buf, size_t len)
{
	const char *t = report_run_text(c, key);
	size_t n = strlen(t), i;

	if (n > 16)
		n = 16; /* "YYYY-MM-DDTHH:MM" */
	if (n + 1 > len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = t[i] == 'T' ? ' ' : t[i];
	buf[n] = '\0';
}

static bool
part_failed(const struct plan_part *part)
{
	return part->status == PART_INFEASIBLE || part->status == PART_ERROR;
}

const char *
report_plan_state(const struct report_ctx *c)
{
	const char *status = report_run_text(c, "status");

	if (strcmp(status, "failed") == 0 || part_failed(&c->p->pairing) ||
	    part_failed(&c->p->roster))
		return "失败";
	if (strcmp(status, "running") == 0)
		return "进行中";
	if (c->in->plan_id != 0 && c->in->in_force_id == c->in->plan_id)
		return "现行计划";
	if (report_run_text(c, "approved_at")[0] != '\0')
		return "已批准";
	return "草案";
}

/* An href: the prefix, then the formatted path, escaped for an attribute (report_impl.h). */
void
report_put_href(const struct report_ctx *c, FILE *out, const char *fmt, ...)
{
	va_list ap;
	char path[256];

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	report_put_html(out, c->in->link_prefix != NULL ? c->in->link_prefix : "");
	report_put_html(out, path);
}
