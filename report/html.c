/*
 * html.c - the report page: one self-contained zh-CN HTML document (inline
 * CSS, inline SVG, no script, no external fonts or images), for the whole
 * park or one zone.  The head and its style, the header (the plan, its
 * state, its run), each part of the plan in planners' words (objective,
 * bound, gap, method, reasons), the key counts, then the map (map.c) and
 * the sections of html_sections.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f4f5f7;color:#1f2328;"
    "font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\","
    "\"Microsoft YaHei\",sans-serif;font-size:14px;line-height:1.6}"
    "main{max-width:1080px;margin:0 auto;padding:24px 28px 40px;background:#fff}"
    "header{border-bottom:3px solid #a61b1b;padding-bottom:12px;margin-bottom:18px}"
    ".org{color:#a61b1b;font-size:13px;letter-spacing:.2em}"
    "h1{font-size:26px;margin:4px 0 6px;font-weight:700}"
    "h1 .no{font-weight:400;color:#57606a;font-size:20px;margin-left:.4em}"
    "h2{font-size:18px;margin:28px 0 10px;padding-left:10px;border-left:4px solid #a61b1b}"
    "h3{font-size:15px;margin:0 0 6px}"
    ".meta{color:#57606a;margin:0}"
    ".state{display:inline-block;font-size:14px;font-weight:400;padding:1px 10px;"
    "border-radius:3px;margin-left:.6em;vertical-align:4px;border:1px solid}"
    ".s-in-force{color:#1a7f37;border-color:#1a7f37;background:#eaf6ec}"
    ".s-approved{color:#0b5cad;border-color:#0b5cad;background:#eaf1fb}"
    ".s-draft{color:#6e5200;border-color:#b08800;background:#fff8db}"
    ".s-failed{color:#a61b1b;border-color:#a61b1b;background:#fbeaea}"
    ".parts{display:grid;grid-template-columns:1fr 1fr;gap:14px}"
    ".part{border:1px solid #d0d7de;border-radius:4px;padding:12px 14px}"
    ".part dl{display:grid;grid-template-columns:6.5em 1fr;margin:0;gap:2px 8px}"
    ".part dt{color:#57606a}.part dd{margin:0}"
    ".part .why{color:#57606a;font-size:13px;margin:8px 0 0}"
    ".reasons{margin:8px 0 0;padding:8px 12px 8px 28px;background:#fbeaea;"
    "border-left:3px solid #a61b1b}"
    ".kpis{display:flex;flex-wrap:wrap;gap:8px;margin:14px 0 0;padding:0;list-style:none}"
    ".kpis li{border:1px solid #d0d7de;border-radius:4px;padding:4px 12px;background:#f6f8fa}"
    ".kpis b{font-size:17px;margin-left:.3em}"
    ".kpis .warn b{color:#a61b1b}"
    "svg.map{width:100%;height:auto;border:1px solid #d0d7de;display:block}"
    "svg.map text{font-family:inherit}"
    ".sea{fill:#fbfbf8}"
    ".zone{stroke:#6b7c93;stroke-width:1.2;fill-opacity:.55;stroke-linejoin:round}"
    ".zone.other{fill:#eceff3;stroke:#b5bec9;stroke-dasharray:4 3}"
    "a:hover .zone{fill-opacity:.9}"
    "#m1{fill:#b3261e}#m2{fill:#d46b08}#m3{fill:#1d4ed8}#m4{fill:#0f766e}"
    "#m1,#m2,#m3,#m4{stroke:#fff;stroke-width:.6}#m5{fill:#8c959f}"
    "#c0,#c1{fill:#fff;stroke:#1a7f37;stroke-width:1.6}#c1{stroke-width:1.2}"
    ".grid rect{stroke:#fff;stroke-width:.5}"
    ".zedge polygon{fill:none;stroke:#24292f;stroke-width:1.2;stroke-opacity:.7;"
    "stroke-linejoin:round}"
    ".pair{fill:none;stroke:#1a7f37;stroke-opacity:.45;stroke-width:.9}"
    ".short circle,.legend .ring{fill:none;stroke:#d1242f;stroke-width:2.2}"
    ".zlabel text{font-size:15px;font-weight:700;text-anchor:middle;fill:#24292f;"
    "paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
    ".zlabel.small text{font-size:10px;stroke-width:3px}"
    ".scale rect{fill:#24292f}.scale rect.half{fill:#fff;stroke:#24292f}"
    ".scale text,.north text{font-size:11px;text-anchor:middle}"
    ".north path{fill:#24292f}"
    ".legend .band{fill:#fff;stroke:#d0d7de}.legend text{font-size:12px;fill:#24292f}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#eef1f5;font-weight:700}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "tr{page-break-inside:avoid}"
    ".pt{color:#57606a}"
    ".over{color:#a61b1b;font-weight:700}"
    ".key{color:#666;font-size:85%;white-space:nowrap}"
    ".bar{height:7px;background:#eef1f5;margin:3px 0;min-width:160px}"
    ".bar span{display:block;height:7px}.bar .w{background:#8c4a2f}.bar .c{background:#5f82b0}"
    ".bars small{color:#57606a;white-space:nowrap}"
    ".note{color:#57606a;font-size:13px}"
    ".cols{columns:3;column-gap:24px;padding-left:18px}"
    ".cols2{columns:2;column-gap:24px;padding-left:18px;font-size:13px}"
    "a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}"
    "footer{margin-top:32px;color:#8c959f;font-size:12px;border-top:1px solid #d0d7de;"
    "padding-top:8px}"
    "@media print{body{background:#fff}main{padding:0;max-width:none}"
    "a{color:inherit}.parts{break-inside:avoid}}";

static const char *
state_class(const char *state)
{
	if (strcmp(state, "现行计划") == 0)
		return "s-in-force";
	if (strcmp(state, "已批准") == 0)
		return "s-approved";
	if (strcmp(state, "失败") == 0)
		return "s-failed";
	return "s-draft";
}

static void
put_time(const struct report_ctx *c, FILE *out, const char *key, const char *words)
{
	char t[32];

	report_run_time(c, key, t, sizeof(t));
	if (t[0] != '\0')
		fprintf(out, " · %s %s", words, t);
}

static void
header(const struct report_ctx *c, FILE *out, size_t zone_row)
{
	const char *state = report_plan_state(c);
	const json_t *error = c->in->run != NULL ? json_object_get(c->in->run, "error") : NULL;

	fputs("<header><div class=\"org\">园区党建工作 · 结对共建与党建指导员派驻</div>\n<h1>",
	      out);
	if (zone_row != IDMAP_NONE) {
		struct report_buf b;

		report_buf_init(&b);
		report_zone_label(c, c->s->zones[zone_row].id, &b);
		report_put_html(out, report_buf_text(&b));
		report_buf_free(&b);
		fputs(" · 片区详情", out);
	} else {
		fputs("园区党建计划", out);
	}
	if (c->in->plan_id != 0)
		fprintf(out, "<span class=\"no\">第 %" PRId64 " 号计划</span>", c->in->plan_id);
	else
		fputs("<span class=\"no\">未存储的计划</span>", out);
	fprintf(out, "<span class=\"state %s\">%s</span></h1>\n<p class=\"meta\">",
	        state_class(state), state);
	if (c->in->run != NULL) {
		fputs(report_trigger_words(report_run_text(c, "trigger")), out);
		if (report_run_text(c, "requested_by")[0] != '\0') {
			fputs("（", out);
			report_put_html(out, report_run_text(c, "requested_by"));
			fputs("）", out);
		}
		fprintf(out, " · 运行%s", report_run_status_words(report_run_text(c, "status")));
		put_time(c, out, "created_at", "创建");
		put_time(c, out, "finished_at", "完成");
		put_time(c, out, "approved_at", "批准");
		if (report_run_text(c, "approved_by")[0] != '\0') {
			fputs("（", out);
			report_put_html(out, report_run_text(c, "approved_by"));
			fputs("）", out);
		}
	} else {
		fputs("离线求解，未存入数据库", out);
	}
	if (c->s->n_periods > 0) {
		char d0[11];

		date_format(c->s->periods[0].start, d0);
		fprintf(out, " · 计划日期 %s · %zu 个时段（", d0, c->s->n_periods);
		report_put_html(out, c->s->periods[0].label);
		if (c->s->n_periods > 1) {
			fputs(" 至 ", out);
			report_put_html(out, c->s->periods[c->s->n_periods - 1].label);
		}
		fputs("）", out);
	}
	fputs("</p>\n", out);
	if (json_is_object(error) && json_is_string(json_object_get(error, "message"))) {
		fputs("<ul class=\"reasons\"><li>", out);
		report_put_html(out, json_string_value(json_object_get(error, "message")));
		fputs("</li></ul>\n", out);
	} else if (json_is_string(error)) {
		fputs("<ul class=\"reasons\"><li>", out);
		report_put_html(out, json_string_value(error));
		fputs("</li></ul>\n", out);
	}
	fputs("</header>\n", out);
}

static void
part(const struct report_ctx *c, FILE *out, const char *title, const struct plan_part *pt,
     bool pairing)
{
	const struct settings *st = &c->s->settings;
	bool solved = pt->status == PART_OPTIMAL || pt->status == PART_FEASIBLE;
	size_t i;

	fprintf(out, "<div class=\"part\"><h3>%s</h3><dl><dt>结果</dt><dd>%s</dd>", title,
	        report_status_words(pt->status));
	if (solved) {
		fprintf(out, "<dt>目标值 %s</dt><dd>%" PRId64 "</dd>", pairing ? "P" : "R",
		        pt->objective);
		if (isfinite(pt->bound))
			fprintf(out, "<dt>上界</dt><dd>%.0f</dd>", floor(pt->bound));
		if (isfinite(pt->gap))
			fprintf(out, "<dt>差距</dt><dd>%.2f%%%s</dd>", pt->gap * 100.0,
			        pt->status == PART_OPTIMAL ? "（已证明最优）"
			                                   : "（目标值距最优至多相差此比例）");
	}
	fprintf(out, "<dt>求解方法</dt><dd>");
	report_put_html(out, report_method_words(pt->method));
	fprintf(out, "</dd>");
	if (isfinite(pt->seconds))
		fprintf(out, "<dt>用时</dt><dd>%.2f 秒</dd>", pt->seconds);
	fprintf(out, "</dl>");
	if (pairing)
		fprintf(out,
		        "<p class=\"why\">P = 各结对得分之和（需求匹配 %g 分、距离 %g "
		        "分、保留原结对 %" PRId64 " 分）减去每缺少一个结对伙伴 %" PRId64
		        " 分。</p>",
		        st->w_need, st->w_distance, st->w_keep_pair, st->w_uncovered);
	else
		fprintf(
		    out,
		    "<p class=\"why\">R = 专长匹配（%g 分）减通勤（至多 %g 分），加留任（%" PRId64
		    " 分）与连续驻守（每时段 %" PRId64 " 分），超出席位每人扣 %" PRId64 " 分。</p>",
		    st->w_skill, st->w_commute, st->w_keep_zone, st->w_stay, st->w_balance);
	if (pt->n_reasons > 0) {
		fputs("<ul class=\"reasons\">", out);
		for (i = 0; i < pt->n_reasons; i++) {
			fputs("<li>", out);
			report_put_html(out, pt->reasons[i]);
			fputs("</li>", out);
		}
		fputs("</ul>", out);
	}
	fputs("</div>\n", out);
}

static void
kpi(FILE *out, const char *words, size_t n, bool warn)
{
	fprintf(out, "<li%s>%s<b>%zu</b></li>", warn && n > 0 ? " class=\"warn\"" : "", words, n);
}

/* The counts of the park, or of one zone (its enterprises, their pairs, its communities). */
static void
kpis(const struct report_ctx *c, FILE *out, size_t zone_row)
{
	const struct snapshot *s = c->s;
	const struct plan *p = c->p;
	size_t n_ent = 0, n_pairs = 0, n_unc = 0, n_com = 0, n_asg = 0, i;
	int64_t missing = 0;

	for (i = 0; i < s->n_enterprises; i++)
		n_ent +=
		    zone_row == IDMAP_NONE || s->enterprises[i].zone_id == s->zones[zone_row].id;
	for (i = 0; i < s->n_communities; i++)
		n_com += zone_row == IDMAP_NONE || report_community_in_zone(c, i, zone_row);
	for (i = 0; i < p->n_pairs; i++) {
		const struct enterprise *e = report_enterprise(c, p->pairs[i].enterprise_id);

		n_pairs +=
		    zone_row == IDMAP_NONE || (e != NULL && e->zone_id == s->zones[zone_row].id);
	}
	for (i = 0; i < p->n_uncovered; i++) {
		size_t r = idmap_get(&c->ix.community, p->uncovered[i].community_id);

		if (zone_row == IDMAP_NONE ||
		    (r != IDMAP_NONE && report_community_in_zone(c, r, zone_row))) {
			n_unc++;
			missing += p->uncovered[i].shortfall;
		}
	}
	for (i = 0; i < p->n_assignments; i++)
		n_asg +=
		    zone_row == IDMAP_NONE || p->assignments[i].zone_id == s->zones[zone_row].id;
	fputs("<ul class=\"kpis\">", out);
	kpi(out, "企业", n_ent, false);
	kpi(out, zone_row == IDMAP_NONE ? "居民区" : "就近居民区", n_com, false);
	if (zone_row == IDMAP_NONE) {
		kpi(out, "片区", s->n_zones, false);
		kpi(out, "指导员", s->n_instructors, false);
	}
	kpi(out, "结对", n_pairs, false);
	kpi(out, "缺少伙伴的居民区", n_unc, true);
	kpi(out, "缺少结对伙伴合计", (size_t)missing, true);
	kpi(out, "派驻（人·时段）", n_asg, false);
	fputs("</ul>\n", out);
}

int
report_html(const struct report_input *in, FILE *out, char *err, size_t errlen)
{
	struct report_ctx c;
	size_t zone_row = IDMAP_NONE;
	int rc = 0;

	if (report_ctx_init(&c, in, err, errlen) != 0)
		return -1;
	if (in->zone_id != 0) {
		zone_row = idmap_get(&c.ix.zone, in->zone_id);
		if (zone_row == IDMAP_NONE) {
			snprintf(err, errlen, "no zone %" PRId64 " in the snapshot", in->zone_id);
			report_ctx_free(&c);
			return -1;
		}
	}
	errno = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      out);
	if (zone_row != IDMAP_NONE) {
		struct report_buf b;

		report_buf_init(&b);
		report_zone_label(&c, in->zone_id, &b);
		report_put_html(out, report_buf_text(&b));
		report_buf_free(&b);
		fputs(" · ", out);
	}
	if (in->plan_id != 0)
		fprintf(out, "园区党建计划 第 %" PRId64 " 号", in->plan_id);
	else
		fputs("园区党建计划", out);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", style);
	header(&c, out, zone_row);
	fputs("<section class=\"parts\">\n", out);
	part(&c, out, "结对共建", &c.p->pairing, true);
	part(&c, out, "指导员派驻", &c.p->roster, false);
	fputs("</section>\n", out);
	kpis(&c, out, zone_row);

	fprintf(out, "<h2>%s</h2>\n", zone_row == IDMAP_NONE ? "园区地图" : "片区地图");
	if (report_map(&c, out) != 0) {
		snprintf(err, errlen, "out of memory drawing the map");
		rc = -1;
		goto out;
	}
	report_html_roster(&c, out);
	report_html_uncovered(&c, out);
	if (report_html_changes(&c, out) != 0) {
		snprintf(err, errlen, "out of memory comparing with the plan in force");
		rc = -1;
		goto out;
	}
	report_html_pairs(&c, out);
	report_html_links(&c, out);
	fputs("<footer>parkplan " PARKPLAN_VERSION
	      " 生成 · 数据与计划以数据库中的记录为准 · 距离按大圆距离计算</footer>\n"
	      "</main>\n</body>\n</html>\n",
	      out);
out:
	report_ctx_free(&c);
	if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
		snprintf(err, errlen, "writing the page: %s", strerror(errno != 0 ? errno : EIO));
		rc = -1;
	}
	return rc;
}
