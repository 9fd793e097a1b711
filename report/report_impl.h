/*
 * report_impl.h - what the parts of the report library share, private to
 * report/: a growing text buffer and the cleaning of text from outside
 * (text.c), the planners' words for statuses, methods and organisations
 * (words.c), the context of one rendering with its lookups (ctx.c), the
 * rows the workbook and the CSV files share (tables.c), and the map
 * (map.c) and the page's sections (html*.c).
 */
#ifndef PARKPLAN_REPORT_IMPL_H
#define PARKPLAN_REPORT_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "index.h"
#include "plan.h"
#include "report.h"
#include "snapshot.h"

/* --- text.c --------------------------------------------------------------- */

/* A growing NUL-terminated text; failed is set (and stays) when memory runs out. */
struct report_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

void report_buf_init(struct report_buf *b);
void report_buf_free(struct report_buf *b);
void report_buf_reset(struct report_buf *b);
void report_buf_puts(struct report_buf *b, const char *s);
void report_buf_printf(struct report_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty or failed). */
const char *report_buf_text(const struct report_buf *b);

/*
 * Text from outside as it may be shown: C0 and C1 controls and DEL dropped
 * (tab, CR and LF become a space), the bidirectional controls U+202A-U+202E,
 * U+2066-U+2069, U+200E, U+200F and U+061C dropped, invalid UTF-8 shown as
 * U+FFFD.  NULL reads as "".  Returns a new string, NULL when out of memory.
 */
char *report_clean(const char *s);
/* The same, appended to b. */
void report_buf_clean(struct report_buf *b, const char *s);
/* Cleaned, then escaped for HTML text and attribute values (& < > " '). */
void report_put_html(FILE *f, const char *s);
/* Columns a text takes on screen or in a spreadsheet: CJK characters count 2. */
size_t report_text_width(const char *s);

/* --- words.c: the planners' words ------------------------------------------ */

const char *report_status_words(enum part_status s); /* "已证明最优", ... */
const char *
report_method_words(const char *method); /* "最小费用流", ... (method itself if unknown) */
const char *report_org_words(enum party_org o);        /* "党委", ..., "无党组织" */
const char *report_trigger_words(const char *trigger); /* "手动重新规划", ... */
const char *report_run_status_words(const char *status);

/* --- ctx.c: one rendering ------------------------------------------------- */

struct report_ctx {
	const struct report_input *in;
	const struct snapshot *s;
	const struct plan *p;
	struct snapshot_index ix;
	/*
	 * [community row]: the zone row a zone's page lists the community
	 * under: the zone of its nearest centroid (IDMAP_NONE without zones).
	 */
	size_t *com_zone;
};

int report_ctx_init(struct report_ctx *c, const struct report_input *in, char *err, size_t errlen);
void report_ctx_free(struct report_ctx *c);

/* True when the community belongs on the page of zone row z (see com_zone). */
bool report_community_in_zone(const struct report_ctx *c, size_t community_row, size_t z);

/* Rows by id; NULL when the snapshot has none. */
const struct zone *report_zone(const struct report_ctx *c, int64_t id);
const struct enterprise *report_enterprise(const struct report_ctx *c, int64_t id);
const struct community *report_community(const struct report_ctx *c, int64_t id);
const struct instructor *report_instructor(const struct report_ctx *c, int64_t id);
const struct period *report_period(const struct report_ctx *c, int64_t id);

/* Raw texts (cleaned where shown) appended to b. */
void report_zone_label(const struct report_ctx *c, int64_t zone_id, struct report_buf *b);
/* The zone's code ("A"), or its label when it has none. */
void report_zone_code(const struct report_ctx *c, int64_t zone_id, struct report_buf *b);
void report_enterprise_name(const struct report_ctx *c, int64_t id, struct report_buf *b);
void report_community_name(const struct report_ctx *c, int64_t id, struct report_buf *b);
void report_instructor_name(const struct report_ctx *c, int64_t id, struct report_buf *b);
void report_period_label(const struct report_ctx *c, int64_t id, struct report_buf *b);
/* A label of one of the above, HTML-escaped, straight to out. */
void report_put_label(const struct report_ctx *c, FILE *out,
                      void (*label)(const struct report_ctx *, int64_t, struct report_buf *),
                      int64_t id);
/* Whether the enterprise belongs on this page (a zone's page: in the zone). */
bool report_enterprise_on_page(const struct report_ctx *c, int64_t enterprise_id);
/* "2/3 (养老、托育)": the community's needs the enterprise offers, of all its needs. */
void report_needs_met(const struct enterprise *e, const struct community *cm, struct report_buf *b);
/* The needs joined by "、" ("" when none). */
void report_codes_join(const struct codes *codes, struct report_buf *b);

/* The plan's state in words: "现行计划", "已批准", "草案", "失败", ... */
const char *report_plan_state(const struct report_ctx *c);
/* A run's field as text ("" when absent or null). */
const char *report_run_text(const struct report_ctx *c, const char *key);
/* A timestamp of the run as "2027-01-01 10:00" into buf ("" when absent). */
void report_run_time(const struct report_ctx *c, const char *key, char *buf, size_t len);

/* --- tables.c: the rows the workbook and the CSV files share --------------- */

struct report_cell {
	char *text; /* cleaned text; NULL for a number */
	int64_t num;
};

struct report_rows {
	size_t ncols, nrows;
	char **headers;            /* [ncols] */
	struct report_cell *cells; /* [nrows * ncols] */
};

int report_rows_build(const struct report_ctx *c, enum report_table t, struct report_rows *r,
                      char *err, size_t errlen);
void report_rows_free(struct report_rows *r);

/* --- map.c and html_*.c: the page ---------------------------------------- */

/* The SVG map of the park, or of c->in->zone_id in detail. */
int report_map(const struct report_ctx *c, FILE *out);

/* html_sections.c: the parts of the page after the map. */
void report_html_roster(const struct report_ctx *c, FILE *out);
void report_html_uncovered(const struct report_ctx *c, FILE *out);
void report_html_pairs(const struct report_ctx *c, FILE *out);
int report_html_changes(const struct report_ctx *c, FILE *out);
void report_html_links(const struct report_ctx *c, FILE *out);

/* An href: the prefix, then the formatted path, escaped for an attribute. */
void report_put_href(const struct report_ctx *c, FILE *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Lists on the page stop after this many rows, with "and N more". */
#define REPORT_LIST_MAX 200

#endif
