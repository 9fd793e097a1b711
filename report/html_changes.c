/*
 * html_changes.c - the last sections of the report page: what changes
 * against the plan in force (pairs added and removed, instructors moved
 * from one zone to another in a period; counts first, bounded lists
 * after), and the links: the workbook and the CSV tables of the plan, the
 * zones' pages, the other plans.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

#define CHANGES_MAX 50 /* each list of changes stops here */

static int
cmp_pair(const void *a, const void *b)
{
	const struct plan_pair *x = a, *y = b;

	if (x->enterprise_id != y->enterprise_id)
		return x->enterprise_id < y->enterprise_id ? -1 : 1;
	return (x->community_id > y->community_id) - (x->community_id < y->community_id);
}

static int
cmp_assignment(const void *a, const void *b)
{
	const struct plan_assignment *x = a, *y = b;

	if (x->instructor_id != y->instructor_id)
		return x->instructor_id < y->instructor_id ? -1 : 1;
	return (x->period_id > y->period_id) - (x->period_id < y->period_id);
}

static void *
sorted_copy(const void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	void *copy = malloc(n * size + 1);

	if (copy == NULL)
		return NULL;
	if (n > 0)
		memcpy(copy, v, n * size);
	qsort(copy, n, size, cmp);
	return copy;
}

/* One list of pairs (added or removed): the first CHANGES_MAX, and how many more. */
static void
pair_list(const struct report_ctx *c, FILE *out, const char *title, const struct plan_pair *v,
          const bool *mark, size_t n, size_t total)
{
	size_t i, shown = 0;

	if (total == 0)
		return;
	fprintf(out, "<h3>%s</h3><ul class=\"cols2\">", title);
	for (i = 0; i < n && shown < CHANGES_MAX; i++) {
		if (!mark[i])
			continue;
		shown++;
		fputs("<li>", out);
		report_put_label(c, out, report_enterprise_name, v[i].enterprise_id);
		fputs(" — ", out);
		report_put_label(c, out, report_community_name, v[i].community_id);
		fputs("</li>", out);
	}
	if (total > shown)
		fprintf(out, "<li class=\"note\">及其他 %zu 对</li>", total - shown);
	fputs("</ul>\n", out);
}

int
report_html_changes(const struct report_ctx *c, FILE *out)
{
	const struct plan *p = c->p, *f = c->in->in_force;
	struct plan_pair *pa = NULL, *pb = NULL;
	struct plan_assignment *aa = NULL, *ab = NULL;
	bool *added = NULL, *removed = NULL;
	size_t i = 0, j = 0, n_add = 0, n_rem = 0, n_kept = 0, n_move = 0, n_new = 0, n_gone = 0;
	size_t shown = 0;
	int rc = -1;

	fputs("<h2>与现行计划相比</h2>\n", out);
	if (f == NULL) {
		if (c->in->in_force_id != 0 && c->in->in_force_id == c->in->plan_id)
			fputs("<p>本计划即为现行计划。</p>\n", out);
		else if (c->in->in_force_id != 0)
			fprintf(out,
			        "<p>现行计划为第 %" PRId64
			        " 号（未随本报告提供，无法比较）。</p>\n",
			        c->in->in_force_id);
		else
			fputs("<p>尚无现行计划，无从比较。</p>\n", out);
		return 0;
	}
	/* pa: the plan in force, pb: this plan */
	pa = sorted_copy(f->pairs, f->n_pairs, sizeof(*pa), cmp_pair);
	pb = sorted_copy(p->pairs, p->n_pairs, sizeof(*pb), cmp_pair);
	aa = sorted_copy(f->assignments, f->n_assignments, sizeof(*aa), cmp_assignment);
	ab = sorted_copy(p->assignments, p->n_assignments, sizeof(*ab), cmp_assignment);
	removed = calloc(f->n_pairs + 1, sizeof(*removed));
	added = calloc(p->n_pairs + 1, sizeof(*added));
	if (pa == NULL || pb == NULL || aa == NULL || ab == NULL || removed == NULL ||
	    added == NULL)
		goto out;
	while (i < f->n_pairs || j < p->n_pairs) {
		int d = i == f->n_pairs ? 1 : j == p->n_pairs ? -1 : cmp_pair(&pa[i], &pb[j]);

		if (d < 0) {
			removed[i] = report_enterprise_on_page(c, pa[i].enterprise_id);
			n_rem += removed[i++];
		} else if (d > 0) {
			added[j] = report_enterprise_on_page(c, pb[j].enterprise_id);
			n_add += added[j++];
		} else {
			n_kept += report_enterprise_on_page(c, pb[j].enterprise_id);
			i++;
			j++;
		}
	}
	/* moves: the same instructor and period in another zone */
	for (i = 0, j = 0; i < f->n_assignments || j < p->n_assignments;) {
		int d = i == f->n_assignments   ? 1
		        : j == p->n_assignments ? -1
		                                : cmp_assignment(&aa[i], &ab[j]);
		bool here;

		if (d < 0) {
			n_gone += c->in->zone_id == 0 || aa[i].zone_id == c->in->zone_id;
			i++;
		} else if (d > 0) {
			n_new += c->in->zone_id == 0 || ab[j].zone_id == c->in->zone_id;
			j++;
		} else {
			here = c->in->zone_id == 0 || aa[i].zone_id == c->in->zone_id ||
			       ab[j].zone_id == c->in->zone_id;
			n_move += aa[i].zone_id != ab[j].zone_id && here;
			i++;
			j++;
		}
	}
	fputs("<p>与现行计划", out);
	if (c->in->in_force_id > 0)
		fprintf(out, "（第 %" PRId64 " 号）", c->in->in_force_id);
	fprintf(out,
	        "相比：<b>新增结对 %zu 对</b>，<b>取消结对 %zu 对</b>，保留 %zu 对；"
	        "<b>调整派驻 %zu 人次</b>（同一指导员同一时段换了片区），"
	        "新派驻 %zu 人次，不再派驻 %zu 人次。</p>\n",
	        n_add, n_rem, n_kept, n_move, n_new, n_gone);
	pair_list(c, out, "新增结对", pb, added, p->n_pairs, n_add);
	pair_list(c, out, "取消结对", pa, removed, f->n_pairs, n_rem);
	if (n_move > 0) {
		fputs(
		    "<h3>调整派驻</h3><table><thead><tr><th>时段</th><th>指导员</th><th>原片区</th>"
		    "<th>新片区</th></tr></thead><tbody>\n",
		    out);
		for (i = 0, j = 0;
		     (i < f->n_assignments && j < p->n_assignments) && shown < CHANGES_MAX;) {
			int d = cmp_assignment(&aa[i], &ab[j]);

			if (d != 0) {
				i += d < 0;
				j += d > 0;
				continue;
			}
			if (aa[i].zone_id != ab[j].zone_id &&
			    (c->in->zone_id == 0 || aa[i].zone_id == c->in->zone_id ||
			     ab[j].zone_id == c->in->zone_id)) {
				shown++;
				fputs("<tr><td>", out);
				report_put_label(c, out, report_period_label, ab[j].period_id);
				fputs("</td><td>", out);
				report_put_label(c, out, report_instructor_name,
				                 ab[j].instructor_id);
				fputs("</td><td>", out);
				report_put_label(c, out, report_zone_label, aa[i].zone_id);
				fputs("</td><td>", out);
				report_put_label(c, out, report_zone_label, ab[j].zone_id);
				fputs("</td></tr>\n", out);
			}
			i++;
			j++;
		}
		fputs("</tbody></table>\n", out);
		if (n_move > shown)
			fprintf(out, "<p class=\"note\">及其他 %zu 人次。</p>\n", n_move - shown);
	}
	rc = 0;
out:
	free(pa);
	free(pb);
	free(aa);
	free(ab);
	free(added);
	free(removed);
	return rc;
}

/* --- links ------------------------------------------------------------------ */

static void
zone_links(const struct report_ctx *c, FILE *out)
{
	const struct snapshot *s = c->s;
	size_t z;

	fputs("<h3>片区页面</h3>\n<ul class=\"cols\">", out);
	if (c->in->zone_id != 0) {
		fputs("<li><a href=\"", out);
		report_put_href(c, out, "report?plan=%" PRId64, c->in->plan_id);
		fputs("\">园区总览</a></li>", out);
	}
	for (z = 0; z < s->n_zones; z++) {
		if (s->zones[z].id == c->in->zone_id)
			continue;
		fputs("<li><a href=\"", out);
		report_put_href(c, out, "report?plan=%" PRId64 "&zone=%" PRId64, c->in->plan_id,
		                s->zones[z].id);
		fputs("\">", out);
		report_put_label(c, out, report_zone_label, s->zones[z].id);
		fputs("</a></li>", out);
	}
	fputs("</ul>\n", out);
}

static void
plan_links(const struct report_ctx *c, FILE *out)
{
	const json_t *plans = c->in->plans;
	size_t i, n = json_array_size(plans);

	if (n == 0)
		return;
	fputs("<h3>其他计划</h3>\n<ul>", out);
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(plans, i);
		json_int_t id = json_integer_value(json_object_get(r, "id"));
		const char *status = json_string_value(json_object_get(r, "status"));
		const char *created = json_string_value(json_object_get(r, "created_at"));
		const char *approved = json_string_value(json_object_get(r, "approved_at"));
		char when[17] = "";

		if (id <= 0)
			continue;
		if (created != NULL) {
			size_t k;

			for (k = 0; k < 16 && created[k] != '\0'; k++)
				when[k] = created[k] == 'T' ? ' ' : created[k];
			when[k] = '\0';
		}
		fputs("<li>", out);
		if (id == c->in->plan_id) {
			fprintf(out, "<b>第 %" PRId64 " 号（本页）</b>", (int64_t)id);
		} else {
			fputs("<a href=\"", out);
			report_put_href(c, out, "report?plan=%" PRId64, (int64_t)id);
			fprintf(out, "\">第 %" PRId64 " 号</a>", (int64_t)id);
		}
		fprintf(out, " · %s", report_run_status_words(status));
		if (when[0] != '\0') {
			fputs(" · ", out);
			report_put_html(out, when);
		}
		if (json_is_true(json_object_get(r, "in_force")))
			fputs(" · <b>现行</b>", out);
		else if (approved != NULL)
			fputs(" · 已批准", out);
		fputs("</li>", out);
	}
	fputs("</ul>\n", out);
}

void
report_html_links(const struct report_ctx *c, FILE *out)
{
	int64_t id = c->in->plan_id;
	size_t t;

	fputs("<h2>下载与链接</h2>\n", out);
	if (id == 0) {
		fputs(
		    "<p class=\"note\">本计划未存入数据库（离线导出）：工作簿与 CSV 表格用 "
		    "<code>parkplanctl export --xlsx</code> / <code>--csv</code> 生成，片区页面用 "
		    "<code>parkplanctl export --html FILE --zone ID</code> 生成。</p>\n",
		    out);
		return;
	}
	fputs("<ul><li>工作簿（Excel）：<a href=\"", out);
	report_put_href(c, out, "plans/%" PRId64 ".xlsx", id);
	fprintf(out, "\">第 %" PRId64 " 号计划.xlsx</a></li><li>CSV 表格：", id);
	for (t = 0; t < REPORT_TABLES; t++) {
		fputs(t > 0 ? " · <a href=\"" : "<a href=\"", out);
		report_put_href(c, out, "plans/%" PRId64 "/%s", id,
		                report_table_file((enum report_table)t));
		fprintf(out, "\">%s</a>", report_table_title((enum report_table)t));
	}
	fputs("</li></ul>\n", out);
	zone_links(c, out);
	plan_links(c, out);
}
