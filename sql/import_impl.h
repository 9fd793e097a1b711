/*
 * import_impl.h - the parts of the import shared by its files:
 *
 *	import_cols.c   the table of columns per kind: headers, types, limits
 *	import_csv.c    the file: encoding, CSV records with their lines, SHA-256
 *	import_value.c  cell values: numbers, dates, lists, enumerations, keys;
 *	                the problems list, in the headers' language
 *	import_check.c  every check that needs no database
 *	import_db.c     what needs the database: the run, the diff (import_run.c:
 *	                what its parts share; import_refs.c: references;
 *	                import_write.c, import_bulk.c: the write)
 *	import_rows.c   a row of a kind as the database stores it (COPY)
 *	export_data.c   the data back as a list; csvout.c writes CSV
 */
#ifndef PARKPLAN_IMPORT_IMPL_H
#define PARKPLAN_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "import.h"

/* --- the columns (import_cols.c) ------------------------------------------ */

enum imp_type {
	IT_TEXT,     /* a name: 1 to max characters */
	IT_CODE,     /* a key or code: 1 to max characters, no spaces or controls */
	IT_CREDIT,   /* a credit code (GB 32100), check character verified */
	IT_INT,      /* an integer in [min, max] */
	IT_LAT,      /* degrees in [-90, 90] */
	IT_LON,      /* degrees in [-180, 180] */
	IT_BOOL,     /* 是/否, true/false, ... */
	IT_FULLTIME, /* 专职/兼职 (true/false, ...) */
	IT_DATE,     /* 2026-03-01, 2026/3/1, 2026年3月1日, or Excel's serial number */
	IT_LIST,     /* codes separated by 、，,;；| */
	IT_ORG, /* a party organisation's kind: 党委, 党总支, 党支部, 联合党支部, 无 */
	IT_RULE, /* a rule's kind: 指定结对, 禁止结对, 指定派驻, 禁止派驻 */
};

#define IC_REQUIRED 0x1 /* the column must be there, and the cell must not be empty */
#define IC_KEY 0x2      /* the row's key */
#define IC_KEEP 0x4     /* empty on a row that exists: the stored value stays */
#define IC_NOSTORE 0x8  /* read to place a row, not stored: export-data leaves it out */

struct imp_column {
	const char *key; /* the English header, and the field's name */
	const char *zh;  /* the Chinese header export-data writes */
	const char *alt; /* other headers accepted, '|'-separated; NULL: none */
	enum imp_type type;
	unsigned flags;
	int64_t min, max; /* IT_INT: the range; IT_TEXT, IT_CODE: max characters */
	const char
	    *def; /* the value of an empty cell (as text), NULL: none (NULL in the database) */
	const char *en_doc, *zh_doc;
};

struct imp_kind_spec {
	const char *name;  /* "enterprises" */
	const char *title; /* 企业名录 */
	const struct imp_column *cols;
	int n_cols;
	int key;      /* the key column; -1: none (rules: their content) */
	int name_col; /* the name column; -1: none */
};

extern const struct imp_kind_spec imp_kinds[IMP_KINDS];

/* The column whose key is key; -1 when none. */
int imp_col_index(const struct imp_kind_spec *k, const char *key);
/* Match a header (trimmed, a trailing '*' dropped) to a column: *zh tells the language. */
int imp_col_match(const struct imp_kind_spec *k, const char *header, bool *zh);

/* --- the file (import_csv.c) ------------------------------------------------ */

struct imp_row {
	long line;   /* the line the record starts on */
	int n;       /* cells in the record (may exceed IMP_MAX_COLUMNS: only that many kept) */
	char **cell; /* min(n, IMP_MAX_COLUMNS) NUL-terminated cells */
};

struct imp_arena_block;

struct imp_file {
	unsigned char *raw; /* the file's bytes */
	size_t raw_len;
	char *text; /* as UTF-8; an invalid byte B is written as 0xFF and two hex digits */
	size_t text_len;
	enum imp_encoding encoding;
	char sha256[65];
	struct imp_row *rows; /* rows[0]: the header; empty records skipped */
	size_t n_rows;
	bool too_many_rows;  /* stopped at IMP_MAX_ROWS */
	long unclosed_quote; /* line of a quoted cell never closed; 0: none */
	struct imp_arena_block *arena;
};

/* The 0xFF marker of an invalid byte in imp_file.text. */
#define IMP_BAD_BYTE '\xff'

/*
 * Read path: the bytes (at most IMP_MAX_FILE_BYTES), their SHA-256, the
 * encoding (detected unless enc says), the text, the records.  Returns 0;
 * -1 with err when the file cannot be read or is too large.
 */
int imp_file_read(struct imp_file *f, const char *path, enum imp_encoding enc, char *err,
                  size_t errlen);
/* The same from memory (tests). */
int imp_file_parse(struct imp_file *f, const void *data, size_t len, enum imp_encoding enc,
                   char *err, size_t errlen);
void imp_file_free(struct imp_file *f);

/* Detect the encoding of bytes: a byte-order mark, valid UTF-8, else GB18030. */
enum imp_encoding imp_detect_encoding(const unsigned char *s, size_t len);
/* Is s[0..len) valid UTF-8 (no overlong forms, no surrogates)? */
bool imp_utf8_valid(const unsigned char *s, size_t len);
/*
 * Convert UTF-8 to GB18030 (to != NULL) for writing; returns a malloc'd
 * buffer and its length in *out_len, NULL when out of memory or iconv fails.
 */
char *imp_to_gb18030(const char *s, size_t len, size_t *out_len);

/* SHA-256 of bytes as 64 lower-case hex digits (sha256.c). */
void sha256_hex(const void *data, size_t len, char out[65]);

/* --- values and problems (import_value.c) ------------------------------------ */

struct imp_problems {
	bool zh;
	struct imp_problem *v;
	size_t n, more;
};

/* Add a problem; fmt is already in the list's language (use IMP_PROB). */
void imp_problem(struct imp_problems *p, long line, const char *column, const char *value,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define IMP_PROB(P, LINE, COL, VALUE, EN, ZH, ...)                                                 \
	imp_problem((P), (LINE), (COL), (VALUE), (P)->zh ? ZH : EN, ##__VA_ARGS__)
void imp_problems_sort(struct imp_problems *p);
void imp_problems_free(struct imp_problems *p);

/* Trim spaces (ASCII and the ideographic space U+3000) in place; returns s. */
char *imp_trim(char *s);
/* Characters (code points) of UTF-8 text. */
size_t imp_utf8_chars(const char *s);

/* The typed value of a cell (after trimming); the text stays the cell's. */
struct imp_value {
	bool empty;
	int64_t i;   /* IT_INT, IT_DATE (days since 1970-01-01), IT_ORG, IT_RULE */
	double d;    /* IT_LAT, IT_LON */
	bool b;      /* IT_BOOL, IT_FULLTIME */
	char **item; /* IT_LIST: the items, sorted, without duplicates (malloc'd) */
	size_t n_items;
};

/*
 * Parse text as a column's type: 0, or -1 with the reason (in the
 * problems' language) in why.  An empty text is v->empty (not a problem
 * here: IC_REQUIRED is checked by the caller).
 */
int imp_parse(const struct imp_column *c, const char *text, bool zh, struct imp_value *v, char *why,
              size_t whylen);
void imp_value_free(struct imp_value *v);
/* Are two parsed values of a type the same? */
bool imp_value_same(const struct imp_column *c, const struct imp_value *a,
                    const struct imp_value *b);

/* Dates: "YYYY-MM-DD" and Excel's forms; -1 when not a date. */
int imp_parse_date(const char *text, int32_t *days);
/* Split a list cell; items trimmed, empty ones dropped, in order; -1 when out of memory. */
int imp_split_list(const char *text, char ***items, size_t *n);
/* The texts of the enumerations, as export-data writes them. */
const char *imp_org_text(int org, bool zh);   /* enum party_org */
const char *imp_rule_text(int rule, bool zh); /* enum rule_kind */

/* GCJ-02 -> WGS-84 (the inverse of the published forward formula, to < 0.01 m). */
void gcj02_to_wgs84(double lat, double lon, double *wlat, double *wlon);
/* WGS-84 -> GCJ-02: the forward formula itself. */
void wgs84_to_gcj02(double lat, double lon, double *glat, double *glon);

/* A printable form of a cell for messages: controls and invalid bytes as \xNN, cut at 80. */
void imp_printable(const char *s, char *out, size_t outlen);

/* --- a map of texts to numbers (import_check.c) ------------------------------ */

/* Open addressing on FNV-1a; the keys are owned elsewhere and outlive the map. */
struct imp_map {
	const char **key;
	int64_t *value;
	size_t mask, n;
};

int imp_map_init(struct imp_map *m, size_t expected);
/* The value of key; -1 when absent. */
int64_t imp_map_get(const struct imp_map *m, const char *key);
/* Add or replace; -1 when out of memory (the map grows). */
int imp_map_put(struct imp_map *m, const char *key, int64_t value);
void imp_map_free(struct imp_map *m);

/* --- the checks without a database (import_check.c) --------------------------- */

struct imp_table {
	const struct imp_kind_spec *spec;
	struct imp_file *file;
	int col[IMP_MAX_COLUMNS];            /* [file column]: the kind's column, -1: unknown */
	int at[IMP_MAX_COLUMNS];             /* [kind's column]: the file column, -1: absent */
	const char *header[IMP_MAX_COLUMNS]; /* [kind's column]: its header as written */
	bool zh;
	bool *bad;     /* [row]: the row has a problem of its own */
	size_t n_data; /* data rows: file rows 1.. */
};

/*
 * The header, every cell of every row, duplicate keys: problems into p.
 * Sets t->zh (p->zh too) from the headers.  Returns -1 when out of memory.
 */
int imp_check_file(struct imp_table *t, struct imp_file *f, const struct imp_kind_spec *spec,
                   const struct imp_options *o, struct imp_problems *p);
void imp_table_free(struct imp_table *t);
/* A data row's cell for a kind's column: NULL when the column is absent. */
const char *imp_cell(const struct imp_table *t, size_t row, int col);

/* --- CSV out (csvout.c) -------------------------------------------------------- */

struct csv_out;
/* A CSV writer to f in enc (UTF-8 gets a byte-order mark): RFC 4180, CRLF. */
struct csv_out *csv_out_open(FILE *f, enum imp_encoding enc);
void csv_out_cell(struct csv_out *w, const char *text);
void csv_out_end_row(struct csv_out *w);
/* Flush (converting to GB18030); -1 on a write or conversion error. */
int csv_out_close(struct csv_out *w);
/* The header row of a kind. */
void csv_out_header(struct csv_out *w, const struct imp_kind_spec *k, bool english);

/* Degrees as the shortest text that reads back as the same double. */
void imp_format_double(double v, char *buf, size_t len);

#endif
