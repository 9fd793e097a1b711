/*
 * report.h - the plan as documents for people that leave the terminal: an
 * HTML page with an SVG map of the park (zh-CN), an XLSX workbook, CSV
 * tables.  Pure: a snapshot and a plan in, bytes out; no libevent, no
 * libpq, no network.  Used by parkpland (HTTP: /report, /plans/N.xlsx,
 * /plans/N/TABLE.csv, rendered in a worker child) and by parkplanctl
 * (export).
 */
#ifndef PARKPLAN_REPORT_H
#define PARKPLAN_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "plan.h"
#include "snapshot.h"

struct report_input {
	const struct snapshot *s; /* the snapshot the plan was made from */
	const struct plan *p;     /* the plan; a failed run has its parts' reasons only */
	int64_t plan_id;          /* the run's id; 0 for a plan that was never stored */
	/*
	 * The run as the control socket's "show" gives it ("run": id, trigger,
	 * requested_by, status, created_at, finished_at, approved_at,
	 * approved_by, load_ms, solve_ms, store_ms, error, ...); may be NULL.
	 */
	const json_t *run;
	/* The plan in force, for "what changes": NULL when none or when p is it. */
	const struct plan *in_force;
	int64_t in_force_id; /* 0: no plan in force */
	/* Recent runs as the control socket's "plans" gives them, for links; may be NULL. */
	const json_t *plans;
	int64_t zone_id;         /* 0: the whole park; a zone's id: that zone in detail */
	const char *link_prefix; /* put before every link ("" for relative links) */
};

/*
 * The report page: one self-contained HTML document (no external assets,
 * no script), zh-CN.  At district and city scale the whole-park page stays
 * under 2 MB (points aggregated), and each zone has a page of its own.
 * Returns 0, or -1 with err set (a write error on out, out of memory).
 */
int report_html(const struct report_input *in, FILE *out, char *err, size_t errlen);

/*
 * The workbook at path: sheets 结对共建, 指导员派驻, 未覆盖居民区, 片区工作量,
 * Chinese headers, column widths that fit, frozen header rows.
 */
int report_xlsx(const struct report_input *in, const char *path, char *err, size_t errlen);

enum report_table { REPORT_PAIRS, REPORT_ASSIGNMENTS, REPORT_UNCOVERED, REPORT_WORKLOAD };
#define REPORT_TABLES 4

/* The sheet's name ("结对共建", ...) and an ASCII file name ("pairs.csv", ...). */
const char *report_table_title(enum report_table t);
const char *report_table_file(enum report_table t);
/* Returns -1 for an unknown file name ("pairs.csv", "pairs", ...). */
int report_table_parse(const char *name, enum report_table *out);

/*
 * One table as CSV: UTF-8 with a byte-order mark (Excel then opens it
 * correctly), CRLF line ends, fields quoted as RFC 4180 requires; the same
 * columns and rows as the workbook's sheet.
 */
int report_csv(const struct report_input *in, enum report_table t, FILE *out, char *err,
               size_t errlen);

#endif
