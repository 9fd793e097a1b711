/*
 * html_sections.c - the sections of the report page after the map: the
 * roster per zone and period (instructors placed, seats, workload against
 * capacity as bars), the communities short of partners, the pairs (on a
 * zone's page, or when the park is small), what changes against the plan
 * in force, and the links (workbook, CSV tables, zone pages, other plans).
 * On a zone's page each section keeps to that zone.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "report_impl.h"

#define PAIRS_WHOLE_MAX 300 /* the whole park's page lists its pairs up to this many */
#define PAIRS_ZONE_MAX 1000 /* a zone's page lists its pairs up to this many */

static size_t
zone_row_of(const struct report_ctx *c)
{
	return c->in->zone_id != 0 ? idmap_get(&c->ix.zone, c->in->zone_id) : IDMAP_NONE;
}

/* The key of the park's lists after a name, small; "位置估算" when the position is an estimate. */
static void
put_key(FILE *out, const char *key, bool approximate)
{
	if (key != NULL && key[0] != '\0') {
		fputs(" <span class=\"key\">", out);
		report_put_html(out, key);
		fputs("</span>", out);
	}
	if (approximate)
		fputs(" <span class=\"key\">位置估算</span>", out);
}

static void
more(FILE *out, size_t shown, size_t total, const char *where)
{
	if (total > shown)
		fprintf(out, "<p class=\"note\">以上列出 %zu 项，另有 %zu 项%s。</p>\n", shown,
		        total - shown, where);
}

/* --- roster ------------------------------------------------------------------ */

/* The instructors of one class among list (rows, in id order): their count against the seats, their
 * names. */
static void
placed(const struct report_ctx *c, FILE *out, const size_t *list, size_t n, bool full_time,
       int64_t seats)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		count += c->s->instructors[list[i]].full_time == full_time;
	if ((int64_t)count > seats)
		fprintf(out, "<span class=\"over\">%zu 人（超出席位 %" PRId64 "）</span>", count,
		        (int64_t)count - seats);
	else
		fprintf(out, "%zu 人", count);
	if (count == 0)
		return;
	fputs("：", out);
	count = 0;
	for (i = 0; i < n; i++) {
		if (c->s->instructors[list[i]].full_time != full_time)
			continue;
		if (count++ > 0)
			fputs("、", out);
		report_put_html(out, c->s->instructors[list[i]].name);
	}
}

void
report_html_roster(const struct report_ctx *c, FILE *out)
{
	const struct snapshot *s = c->s;
	const struct plan *p = c->p;
	size_t nz = s->n_zones, np = s->n_periods, zr = zone_row_of(c), i, z, k;
	size_t *start = calloc(nz * np + 2, sizeof(*start));
	size_t *list = malloc((p->n_assignments + 1) * sizeof(*list));
	size_t *cov = malloc((nz * np + 1) * sizeof(*cov)); /* [z * np + period]: coverage row */
	int64_t scale = 1;

	fputs("<h2>指导员派驻（按片区与时段）</h2>\n", out);
	if (start == NULL || list == NULL || cov == NULL) {
		fputs("<p class=\"note\">（内存不足，未列出）</p>\n", out);
		goto out;
	}
	/* the placements of each (period, zone), in the plan's order (instructor id) */
	for (i = 0; i < p->n_assignments; i++) {
		size_t zz = idmap_get(&c->ix.zone, p->assignments[i].zone_id);
		size_t pp = idmap_get(&c->ix.period, p->assignments[i].period_id);

		if (zz != IDMAP_NONE && pp != IDMAP_NONE &&
		    idmap_get(&c->ix.instructor, p->assignments[i].instructor_id) != IDMAP_NONE)
			start[pp * nz + zz + 2]++;
	}
	for (k = 2; k < nz * np + 2; k++)
		start[k] += start[k - 1];
	for (i = 0; i < p->n_assignments; i++) {
		size_t zz = idmap_get(&c->ix.zone, p->assignments[i].zone_id);
		size_t pp = idmap_get(&c->ix.period, p->assignments[i].period_id);
		size_t ii = idmap_get(&c->ix.instructor, p->assignments[i].instructor_id);

		if (zz != IDMAP_NONE && pp != IDMAP_NONE && ii != IDMAP_NONE)
			list[start[pp * nz + zz + 1]++] = ii;
	}
	for (k = 0; k < nz * np; k++)
		cov[k] = IDMAP_NONE;
	for (i = 0; i < p->n_coverage; i++) {
		size_t zz = idmap_get(&c->ix.zone, p->coverage[i].zone_id);
		size_t pp = idmap_get(&c->ix.period, p->coverage[i].period_id);

		if (zz == IDMAP_NONE || pp == IDMAP_NONE || (zr != IDMAP_NONE && zz != zr))
			continue;
		cov[zz * np + pp] = i;
		if (p->coverage[i].workload > scale)
			scale = p->coverage[i].workload;
		if (p->coverage[i].capacity > scale)
			scale = p->coverage[i].capacity;
	}
	if (p->n_coverage == 0) {
		fputs("<p class=\"note\">本计划没有派驻结果。</p>\n", out);
		goto out;
	}
	fputs(
	    "<p class=\"note\">席位按片区工作量以最大余额法分配；条形图：上为工作量（各企业党组织"
	    "权重之和），下为在岗指导员容量之和，同一比例尺。兼职指导员以灰色显示。</p>\n"
	    "<table class=\"roster\"><thead><tr><th>片区</th><th>时段</th><th>专职指导员</th>"
	    "<th>兼职指导员</th><th>席位（专/兼）</th><th>工作量与容量</th></tr></thead><tbody>\n",
	    out);
	for (z = 0; z < nz; z++) {
		size_t rows = 0, shown = 0;

		for (k = 0; k < np; k++)
			rows += cov[z * np + k] != IDMAP_NONE;
		for (k = 0; k < np; k++) {
			const struct plan_coverage *v;
			size_t a = start[k * nz + z], b = start[k * nz + z + 1];

			if (cov[z * np + k] == IDMAP_NONE)
				continue;
			v = &p->coverage[cov[z * np + k]];
			fputs("<tr>", out);
			if (shown++ == 0) {
				fprintf(out, "<th rowspan=\"%zu\">", rows);
				report_put_label(c, out, report_zone_label, s->zones[z].id);
				fputs("</th>", out);
			}
			fputs("<td>", out);
			report_put_html(out, s->periods[k].label);
			fputs("</td><td>", out);
			placed(c, out, list + a, b - a, true, v->seats_full_time);
			fputs("</td><td class=\"pt\">", out);
			placed(c, out, list + a, b - a, false, v->seats_part_time);
			fprintf(
			    out,
			    "</td><td class=\"n\">%" PRId64 " / %" PRId64 "</td>"
			    "<td class=\"bars\"><div class=\"bar\"><span class=\"w\" "
			    "style=\"width:%.1f%%\"></span></div><div class=\"bar\"><span "
			    "class=\"c\" style=\"width:%.1f%%\"></span></div><small>工作量 %" PRId64
			    " · 容量 %" PRId64 "</small></td></tr>\n",
			    v->seats_full_time, v->seats_part_time,
			    100.0 * (double)v->workload / (double)scale,
			    100.0 * (double)v->capacity / (double)scale, v->workload, v->capacity);
		}
	}
	fputs("</tbody></table>\n", out);
out:
	free(start);
	free(list);
	free(cov);
}

/* --- communities short of partners ---------------------------------------------- */

void
report_html_uncovered(const struct report_ctx *c, FILE *out)
{
	const struct plan *p = c->p;
	size_t zr = zone_row_of(c), i, shown = 0, total = 0;
	int64_t *partners = calloc(c->s->n_communities + 1, sizeof(*partners));

	fprintf(out, "<h2>缺少结对伙伴的居民区%s</h2>\n", zr != IDMAP_NONE ? "（就近本片区）" : "");
	if (partners == NULL) {
		fputs("<p class=\"note\">（内存不足，未列出）</p>\n", out);
		return;
	}
	for (i = 0; i < p->n_pairs; i++) {
		size_t r = idmap_get(&c->ix.community, p->pairs[i].community_id);

		if (r != IDMAP_NONE)
			partners[r]++;
	}
	for (i = 0; i < p->n_uncovered; i++) {
		size_t r = idmap_get(&c->ix.community, p->uncovered[i].community_id);
		const struct community *cm;
		struct report_buf b;

		if (zr != IDMAP_NONE && (r == IDMAP_NONE || !report_community_in_zone(c, r, zr)))
			continue;
		if (total++ == 0)
			fputs("<table><thead><tr><th>居民区</th><th>缺少</th><th>现有 / 最少</th>"
			      "<th>需求</th></tr></thead><tbody>\n",
			      out);
		if (shown >= REPORT_LIST_MAX)
			continue;
		shown++;
		cm = r != IDMAP_NONE ? &c->s->communities[r] : NULL;
		fputs("<tr><td>", out);
		report_put_label(c, out, report_community_name, p->uncovered[i].community_id);
		if (cm != NULL)
			put_key(out, cm->code, cm->approximate);
		fprintf(out, "</td><td class=\"n over\">%" PRId64 "</td>",
		        p->uncovered[i].shortfall);
		if (cm != NULL) {
			fprintf(out, "<td class=\"n\">%" PRId64 " / %" PRId64 "</td><td>",
			        partners[r], cm->min_partners);
			report_buf_init(&b);
			report_codes_join(&cm->needs, &b);
			report_put_html(out, b.len > 0 ? report_buf_text(&b) : "—");
			report_buf_free(&b);
			fputs("</td></tr>\n", out);
		} else {
			fputs("<td></td><td></td></tr>\n", out);
		}
	}
	if (total > 0)
		fputs("</tbody></table>\n", out);
	else
		fputs("<p>所有居民区的结对伙伴均已达到最少要求。</p>\n", out);
	more(out, shown, total, "，见 uncovered.csv 或工作簿");
	free(partners);
}

/* --- pairs ------------------------------------------------------------------ */

void
report_html_pairs(const struct report_ctx *c, FILE *out)
{
	const struct plan *p = c->p;
	size_t i, total = 0, shown = 0,
	          max = c->in->zone_id != 0 ? PAIRS_ZONE_MAX : PAIRS_WHOLE_MAX;

	for (i = 0; i < p->n_pairs; i++)
		total += report_enterprise_on_page(c, p->pairs[i].enterprise_id);
	fputs("<h2>结对共建明细</h2>\n", out);
	if (total == 0) {
		fputs("<p>没有结对。</p>\n", out);
		return;
	}
	if (c->in->zone_id == 0 && total > max) {
		fprintf(out,
		        "<p class=\"note\">全园区共 %zu 对结对，按片区列在各片区页面，"
		        "完整清单见 pairs.csv 或工作簿。</p>\n",
		        total);
		return;
	}
	fprintf(out,
	        "<table><thead><tr>%s<th>企业</th><th>党组织</th><th>居民区</th><th>得分</th>"
	        "<th>满足需求</th><th>距离（米）</th></tr></thead><tbody>\n",
	        c->in->zone_id == 0 ? "<th>片区</th>" : "");
	for (i = 0; i < p->n_pairs && shown < max; i++) {
		const struct plan_pair *pp = &p->pairs[i];
		const struct enterprise *e = report_enterprise(c, pp->enterprise_id);
		const struct community *cm = report_community(c, pp->community_id);

		if (!report_enterprise_on_page(c, pp->enterprise_id))
			continue;
		shown++;
		fputs("<tr><td>", out);
		if (c->in->zone_id == 0) {
			if (e != NULL)
				report_put_label(c, out, report_zone_code, e->zone_id);
			fputs("</td><td>", out);
		}
		report_put_label(c, out, report_enterprise_name, pp->enterprise_id);
		if (e != NULL)
			put_key(out, e->credit_code, e->approximate);
		fprintf(out, "</td><td>%s</td><td>",
		        e != NULL ? report_org_words(e->party_org) : "");
		report_put_label(c, out, report_community_name, pp->community_id);
		if (cm != NULL)
			put_key(out, cm->code, cm->approximate);
		fprintf(out, "</td><td class=\"n\">%" PRId64 "</td><td>", pp->score);
		if (e != NULL && cm != NULL) {
			struct report_buf b;

			report_buf_init(&b);
			report_needs_met(e, cm, &b);
			report_put_html(out, report_buf_text(&b));
			report_buf_free(&b);
			fprintf(out, "</td><td class=\"n\">%.0f</td></tr>\n",
			        geo_distance_m(e->lat, e->lon, cm->lat, cm->lon));
		} else {
			fputs("</td><td></td></tr>\n", out);
		}
	}
	fputs("</tbody></table>\n", out);
	more(out, shown, total, "，见 pairs.csv 或工作簿");
}
