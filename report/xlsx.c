/*
 * xlsx.c - the plan as an Excel workbook (libxlsxwriter): a summary sheet
 * 概况, then the four tables of tables.c as the sheets 结对共建, 指导员派驻,
 * 未覆盖居民区 and 片区工作量, each with a bold Chinese header row that stays
 * frozen, an autofilter, column widths that fit their content (CJK
 * characters count double) and numbers stored as numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "report_impl.h"

#define WIDTH_MIN 6
#define WIDTH_MAX 60

struct book {
	lxw_workbook *wb;
	lxw_format *head, *pct, *wrap, *title;
	lxw_error error; /* the first error of a write */
};

static void
note(struct book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->error == LXW_NO_ERROR)
		b->error = e;
}

static size_t
num_width(int64_t v)
{
	char buf[32];

	return (size_t)snprintf(buf, sizeof(buf), "%" PRId64, v);
}

static double
fit(size_t w)
{
	w += 2;
	if (w < WIDTH_MIN)
		w = WIDTH_MIN;
	if (w > WIDTH_MAX)
		w = WIDTH_MAX;
	return (double)w;
}

static int
write_table(struct book *b, const struct report_ctx *c, enum report_table t, char *err,
            size_t errlen)
{
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, report_table_title(t));
	struct report_rows r;
	size_t i, k;

	if (ws == NULL) {
		snprintf(err, errlen, "out of memory adding the sheet %s", report_table_title(t));
		return -1;
	}
	if (report_rows_build(c, t, &r, err, errlen) != 0)
		return -1;
	for (k = 0; k < r.ncols; k++) {
		size_t w = report_text_width(r.headers[k]) + 1; /* bold */

		note(b, worksheet_write_string(ws, 0, (lxw_col_t)k, r.headers[k], b->head));
		for (i = 0; i < r.nrows; i++) {
			const struct report_cell *cell = &r.cells[i * r.ncols + k];
			size_t cw;

			if (cell->text != NULL) {
				note(b, worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k,
				                               cell->text, NULL));
				cw = report_text_width(cell->text);
			} else {
				note(b, worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)k,
				                               (double)cell->num, NULL));
				cw = num_width(cell->num);
			}
			if (cw > w)
				w = cw;
		}
		note(b, worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, fit(w), NULL));
	}
	/* the header row stays; on the roster the names stay too */
	worksheet_freeze_panes(ws, 1, t == REPORT_ASSIGNMENTS ? 1 : 0);
	if (r.ncols > 0)
		note(b,
		     worksheet_autofilter(ws, 0, 0, (lxw_row_t)r.nrows, (lxw_col_t)(r.ncols - 1)));
	report_rows_free(&r);
	return 0;
}

/* --- 概况 ----------------------------------------------------------------- */

struct summary {
	struct book *b;
	lxw_worksheet *ws;
	lxw_row_t row;
	size_t w0, w1;
};

static void
key(struct summary *s, const char *k)
{
	size_t w = report_text_width(k);

	note(s->b, worksheet_write_string(s->ws, s->row, 0, k, NULL));
	if (w > s->w0)
		s->w0 = w;
}

static void
line_text(struct summary *s, const char *k, const char *v)
{
	char *clean = report_clean(v);
	size_t w;

	key(s, k);
	if (clean != NULL) {
		note(s->b, worksheet_write_string(s->ws, s->row, 1, clean, NULL));
		w = report_text_width(clean);
		if (w > s->w1)
			s->w1 = w;
		free(clean);
	} else {
		note(s->b, LXW_ERROR_MEMORY_MALLOC_FAILED);
	}
	s->row++;
}

static void
line_num(struct summary *s, const char *k, double v, lxw_format *f)
{
	key(s, k);
	note(s->b, worksheet_write_number(s->ws, s->row, 1, v, f));
	s->row++;
}

static void
heading(struct summary *s, const char *text)
{
	if (s->row > 0)
		s->row++;
	note(s->b, worksheet_write_string(s->ws, s->row, 0, text, s->b->title));
	s->row++;
}

static void
part_lines(struct summary *s, const char *name, const struct plan_part *part)
{
	size_t i;

	heading(s, name);
	line_text(s, "状态", report_status_words(part->status));
	if (part->status == PART_OPTIMAL || part->status == PART_FEASIBLE) {
		line_num(s, "目标值", (double)part->objective, NULL);
		if (isfinite(part->bound))
			line_num(s, "上界", part->bound, NULL);
		if (isfinite(part->gap))
			line_num(s, "差距", part->gap, s->b->pct);
	}
	line_text(s, "求解方法", report_method_words(part->method));
	if (isfinite(part->seconds))
		line_num(s, "用时（秒）", round(part->seconds * 1000.0) / 1000.0, NULL);
	for (i = 0; i < part->n_reasons; i++)
		line_text(s, i == 0 ? "原因" : "", part->reasons[i]);
}

static int
write_summary(struct book *b, const struct report_ctx *c, char *err, size_t errlen)
{
	struct summary s = {.b = b};
	const struct snapshot *sn = c->s;
	const struct plan *p = c->p;
	int64_t short_total = 0;
	char t[32];
	size_t i;

	s.ws = workbook_add_worksheet(b->wb, "概况");
	if (s.ws == NULL) {
		snprintf(err, errlen, "out of memory adding the sheet 概况");
		return -1;
	}
	heading(&s, "园区党建计划");
	if (c->in->plan_id != 0)
		line_num(&s, "计划编号", (double)c->in->plan_id, NULL);
	else
		line_text(&s, "计划编号", "未存储（离线求解）");
	line_text(&s, "状态", report_plan_state(c));
	if (c->in->run != NULL) {
		line_text(&s, "触发", report_trigger_words(report_run_text(c, "trigger")));
		report_run_time(c, "created_at", t, sizeof(t));
		line_text(&s, "创建时间", t);
		report_run_time(c, "finished_at", t, sizeof(t));
		line_text(&s, "完成时间", t);
		report_run_time(c, "approved_at", t, sizeof(t));
		if (t[0] != '\0') {
			line_text(&s, "批准时间", t);
			line_text(&s, "批准人", report_run_text(c, "approved_by"));
		}
	}
	if (c->in->in_force_id != 0 && c->in->in_force_id != c->in->plan_id)
		line_num(&s, "现行计划编号", (double)c->in->in_force_id, NULL);
	part_lines(&s, "结对共建", &p->pairing);
	part_lines(&s, "指导员派驻", &p->roster);
	for (i = 0; i < p->n_uncovered; i++)
		short_total += p->uncovered[i].shortfall;
	heading(&s, "规模与结果");
	line_num(&s, "片区", (double)sn->n_zones, NULL);
	line_num(&s, "企业", (double)sn->n_enterprises, NULL);
	line_num(&s, "居民区", (double)sn->n_communities, NULL);
	line_num(&s, "指导员", (double)sn->n_instructors, NULL);
	line_num(&s, "时段", (double)sn->n_periods, NULL);
	line_num(&s, "结对数", (double)p->n_pairs, NULL);
	line_num(&s, "未覆盖居民区", (double)p->n_uncovered, NULL);
	line_num(&s, "缺少结对伙伴合计", (double)short_total, NULL);
	line_num(&s, "派驻记录（人·时段）", (double)p->n_assignments, NULL);
	note(b, worksheet_set_column(s.ws, 0, 0, fit(s.w0 + 2), NULL));
	note(b, worksheet_set_column(s.ws, 1, 1, fit(s.w1 < 12 ? 12 : s.w1), b->wrap));
	return 0;
}

int
report_xlsx(const struct report_input *in, const char *path, char *err, size_t errlen)
{
	static const enum report_table order[REPORT_TABLES] = {REPORT_PAIRS, REPORT_ASSIGNMENTS,
	                                                       REPORT_UNCOVERED, REPORT_WORKLOAD};
	lxw_doc_properties props = {.title = "园区党建计划", .subject = "结对共建与指导员派驻"};
	struct report_ctx c;
	struct book b = {0};
	lxw_error closed;
	FILE *probe;
	size_t i;
	int rc = -1;

	/* the file is written at the end: find out now whether it can be */
	probe = fopen(path, "wb");
	if (probe == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(probe);
	if (report_ctx_init(&c, in, err, errlen) != 0)
		return -1;
	b.wb = workbook_new(path);
	if (b.wb == NULL) {
		snprintf(err, errlen, "%s: cannot create the workbook", path);
		report_ctx_free(&c);
		return -1;
	}
	b.head = workbook_add_format(b.wb);
	format_set_bold(b.head);
	format_set_bg_color(b.head, 0xE8ECF2);
	format_set_bottom(b.head, LXW_BORDER_THIN);
	b.title = workbook_add_format(b.wb);
	format_set_bold(b.title);
	format_set_font_size(b.title, 12);
	b.pct = workbook_add_format(b.wb);
	format_set_num_format(b.pct, "0.00%");
	format_set_align(b.pct, LXW_ALIGN_LEFT);
	b.wrap = workbook_add_format(b.wb);
	format_set_align(b.wrap, LXW_ALIGN_LEFT);
	note(&b, workbook_set_properties(b.wb, &props));

	if (write_summary(&b, &c, err, errlen) != 0)
		goto out;
	for (i = 0; i < REPORT_TABLES; i++)
		if (write_table(&b, &c, order[i], err, errlen) != 0)
			goto out;
	rc = 0;
out:
	closed = workbook_close(b.wb);
	if (rc == 0 && b.error != LXW_NO_ERROR) {
		snprintf(err, errlen, "%s: %s", path, lxw_strerror(b.error));
		rc = -1;
	} else if (rc == 0 && closed != LXW_NO_ERROR) {
		snprintf(err, errlen, "%s: %s", path, lxw_strerror(closed));
		rc = -1;
	}
	report_ctx_free(&c);
	return rc;
}
