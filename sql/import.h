/*
 * import.h - the park's own lists in and out: `parkplanctl import`,
 * `export-data`, `imports` and `sample --csv` (docs/import.md).
 *
 * A list is a CSV file as Excel saves it (UTF-8 with or without a
 * byte-order mark, or GB18030), with headers in Chinese or English taken
 * from one table of columns per kind (import_cols.c), which also writes the
 * documentation's table.  An import checks the whole file before anything
 * is written and reports every problem with its line, column, value and
 * reason, in the language of the headers; then it writes in one
 * transaction (COPY), or, with a dry run, only says what would change.
 */
#ifndef PARKPLAN_IMPORT_H
#define PARKPLAN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "db.h"

enum imp_kind {
	IMP_ZONES,
	IMP_ENTERPRISES,
	IMP_COMMUNITIES,
	IMP_INSTRUCTORS,
	IMP_PERIODS,
	IMP_AVAILABILITY,
	IMP_RULES,
};
#define IMP_KINDS 7

/* "zones", "enterprises", ...; -1 for unknown text. */
int imp_kind_parse(const char *text, enum imp_kind *out);
const char *imp_kind_name(enum imp_kind k);
/* The list's name in Chinese: 片区, 企业名录, ... */
const char *imp_kind_title(enum imp_kind k);

enum imp_encoding {
	IMP_ENC_AUTO,     /* detect: a UTF-8 byte-order mark, else valid UTF-8, else GB18030 */
	IMP_ENC_UTF8,     /* UTF-8 without a byte-order mark */
	IMP_ENC_UTF8_BOM, /* UTF-8 with one (Excel's "CSV UTF-8") */
	IMP_ENC_GB18030,  /* GB18030, which contains GBK and GB2312 (Excel's "CSV" in China) */
};

/* "utf-8" (also "utf8"), "gb18030" (also "gbk", "gb2312"); -1 for others. */
int imp_encoding_parse(const char *text, enum imp_encoding *out);
/* "utf-8", "utf-8-bom", "gb18030" (as import_log records it); "auto". */
const char *imp_encoding_name(enum imp_encoding e);

/* Bounds on what comes from outside. */
#define IMP_MAX_FILE_BYTES (256u << 20) /* 256 MiB */
#define IMP_MAX_ROWS 2000000
#define IMP_MAX_COLUMNS 64
#define IMP_MAX_CELL_BYTES 4096
#define IMP_MAX_LIST_ITEMS 256
#define IMP_MAX_ITEM_CHARS 64
#define IMP_MAX_LISTED 1000 /* problems (and changes) listed; the rest are counted */

/* How a large list is written (import_bulk.c). */
enum imp_bulk {
	IMP_BULK_AUTO, /* put the indexes aside when many rows are written */
	IMP_BULK_YES,  /* whenever a row is written */
	IMP_BULK_NO    /* never: row by row */
};

struct imp_options {
	enum imp_kind kind;
	const char *path;           /* the file */
	enum imp_encoding encoding; /* IMP_ENC_AUTO: detect */
	bool dry_run;               /* check and say what would change; write nothing */
	bool replace;               /* active rows not in the list are retired */
	bool gcj02;                 /* coordinates are GCJ-02 (Chinese map services) */
	bool place_missing;         /* a row without coordinates goes to its zone's centroid */
	const char *who;            /* for import_log: the login that ran it */
	enum imp_bulk bulk;
};

struct imp_problem {
	long line;    /* 1: the header; 0: the file as a whole */
	char *column; /* the header as written ("" when none) */
	char *value;  /* the cell, made printable ("" when none) */
	char *reason; /* in the language of the headers */
};

enum imp_change_kind { IMP_NEW, IMP_CHANGED, IMP_RETIRED };

struct imp_change {
	enum imp_change_kind what;
	long line;    /* 0 for a retired row */
	char *key;    /* its key (credit code, code, label; a rule's description) */
	char *name;   /* its name, when it has one */
	char *fields; /* changed: the columns that change, ", "-separated */
};

struct imp_result {
	enum imp_encoding encoding; /* the encoding read */
	bool zh;                    /* the headers (and so the reasons) are Chinese */
	char sha256[65];
	size_t rows; /* data rows in the file (not counting the header and empty rows) */
	size_t n_new, n_changed, n_unchanged, n_retired;
	size_t n_placed; /* rows put at their zone's centroid */
	struct imp_problem *problems;
	size_t n_problems;          /* listed, sorted by line */
	size_t more_problems;       /* found beyond IMP_MAX_LISTED */
	struct imp_change *changes; /* new, changed, retired; at most IMP_MAX_LISTED of each */
	size_t n_changes;
	int64_t log_id; /* the import_log row written; 0 for a dry run or a failure */
	bool bulk;      /* written with the table's indexes put aside */
	bool bulk_busy; /* it would have been, but a reader held the table */
	double ms_read, ms_check, ms_write;
};

/*
 * Import one list.  Returns 0 when the list is good (written, or with
 * dry_run only checked), 1 when it has problems (r->problems; nothing is
 * written), -2 when the file cannot be read (err), -1 on a database or
 * system error (err).
 */
int db_import(PGconn *conn, const struct imp_options *o, struct imp_result *r, char *err,
              size_t errlen);
void imp_result_free(struct imp_result *r);

/*
 * The current data of a kind as the list an office keeps (the same
 * columns; the headers in Chinese unless english), in the encoding given
 * (UTF-8 is written with a byte-order mark), to out.  *rows receives the
 * number of rows written.
 */
int db_export_data(PGconn *conn, enum imp_kind kind, enum imp_encoding enc, bool english, FILE *out,
                   size_t *rows, char *err, size_t errlen);

/*
 * The sample park as an office's lists: DIR/utf-8/KIND.csv (with a
 * byte-order mark) and DIR/gb18030/KIND.csv for every kind, Chinese
 * headers.  DIR is created when missing.
 */
int sample_write_csv(enum sample_scale scale, uint64_t seed, const char *dir, FILE *log, char *err,
                     size_t errlen);

/* The import_log rows, newest first, as JSON text (an array); NULL on error. */
char *db_imports_json(PGconn *conn, int limit, char *err, size_t errlen);

/* The documentation of the columns: a Markdown table per kind (docs/import.md). */
void imp_write_markdown(FILE *out);
/* The same as roff for parkplanctl(1). */
void imp_write_roff(FILE *out);

#endif
