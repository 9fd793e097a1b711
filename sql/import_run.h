/*
 * import_run.h - one import while it runs, between its parts: what they
 * share (import_run.c), the checks against the database (import_db.c,
 * import_refs.c), the writing (import_write.c, import_bulk.c), the rows as
 * the database holds them (import_rows.c) and export-data (export_data.c).
 * Internal to sql/.
 */
#ifndef PARKPLAN_IMPORT_RUN_H
#define PARKPLAN_IMPORT_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "import_impl.h"

#define IMP_MAX_KIND_COLS 16

/*
 * A row as it will be: per column of the kind, the file's cell, or the
 * stored value when the file has no such column (or leaves a kept column
 * empty), or NULL for a new row's default; and what the texts resolve to.
 */
struct imp_merged {
	const char *v[IMP_MAX_KIND_COLS];
	int64_t zone_id; /* enterprises: the zone */
	int64_t org_id;  /* enterprises: the party organisation (0: none) */
	int64_t ref[5];  /* rules: enterprise, community, instructor, zone, period (0: none) */
	bool placed;     /* put at its zone's centroid */
	char lat[40], lon[40], org_name[1100];
};

/* A table read for references: res's rows by the text of a column. */
struct imp_lookup {
	PGresult *res;
	struct imp_map map; /* text -> row of res */
};

/* The id in column 1 of the lookup's row for key; 0 when absent. */
int64_t imp_lookup_id(const struct imp_lookup *l, const char *key);
void imp_lookup_free(struct imp_lookup *l);

enum imp_status { ST_SKIP, ST_NEW, ST_CHANGED, ST_UNCHANGED };

/* One import while it runs (import_db.c; the checks of references: import_refs.c). */
struct imp_run {
	PGconn *conn;
	const struct imp_options *o;
	enum imp_kind kind;
	const struct imp_kind_spec *spec;
	struct imp_file file;
	struct imp_table t;
	struct imp_problems p;
	struct imp_result *res;
	PGresult *state;          /* the current rows (imp_state_sql) */
	struct imp_map state_key; /* key -> state row */
	struct imp_map keyless;   /* name -> active state row without a key; -2: several */
	char **state_keys;        /* rules: each state row's key */
	char **file_keys;         /* rules: each file row's key */
	int64_t *match;           /* [file row]: the state row it is, -1: new */
	unsigned char *status;    /* [file row]: enum imp_status */
	bool *seen;               /* [state row]: a file row is it */
	struct imp_lookup zones, orgs, periods, instructors, enterprises, communities;
	struct imp_lookup avail;    /* "instructor code\x1fperiod label" */
	struct imp_lookup pins;     /* pin_zone rules by "instructor code\x1fperiod label" */
	struct imp_lookup zone_use; /* zone code -> active enterprises in it */
	/* organisations to create: "kind\x1fname" -> index into new_org_key */
	struct imp_map new_orgs;
	char **new_org_key;
	size_t n_new_orgs, cap_new_orgs;
	int64_t *new_org_id; /* their ids, once reserved */
	size_t listed[3];    /* changes listed, by enum imp_change_kind */
	char *err;
	size_t errlen;
};

/* The state's text of a kind's column for a state row; NULL when SQL NULL. */
const char *imp_state_text(const struct imp_run *r, int64_t srow, int col);
/* The header naming a kind's column in problems. */
const char *imp_col_name(const struct imp_run *r, int col);
/* Build the row as it will be (see struct imp_merged). */
void imp_merge(struct imp_run *r, size_t row, struct imp_merged *m);

/* import_refs.c: the same with the references resolved, and no problem reported again. */
void imp_resolve(struct imp_run *r, size_t row, struct imp_merged *m);

/* Statements of the import: errors into r->err. */
int imp_exec(struct imp_run *r, const char *sql);
PGresult *imp_query(struct imp_run *r, const char *sql, int n, const char *const *params);
/* The tables the run's kind refers to, into r's lookups. */
int imp_load_lookups(struct imp_run *r);
bool imp_state_active(const struct imp_run *r, int64_t srow);

/* import_write.c: the rows, then the import_log row. */
int imp_write(struct imp_run *r);
int imp_write_log(struct imp_run *r);

/* import_bulk.c: a large write with the table's indexes and foreign keys put aside. */
bool imp_bulk_wanted(const struct imp_run *r, size_t n_state);
/*
 * 0: put aside (*saved: what to build again); 1: a table was busy, 2: the
 * role does not own the tables, row by row either way (*saved NULL); -1
 * (*saved for the caller to clear).
 */
int imp_bulk_begin(struct imp_run *r, const char *table, PGresult **saved);
int imp_bulk_end(struct imp_run *r, PGresult *saved);

/* import_refs.c: what needs the other tables. */
void imp_check_row_refs(struct imp_run *r, size_t row, struct imp_merged *m);
int imp_check_rules(struct imp_run *r);
void imp_check_periods(struct imp_run *r);
void imp_check_zones_in_use(struct imp_run *r);

/* The current rows of a kind: id, active, then the kind's columns as text. */
const char *imp_state_sql(enum imp_kind k, bool active_only);
/* Where a kind's rows are written: the table and its columns (for COPY and UPDATE). */
const char *imp_db_table(enum imp_kind k);
const char *imp_db_cols(enum imp_kind k);
/* Text as a field of COPY's text format. */
void imp_put_text(FILE *out, const char *s);
/* One row as COPY text, with its id first when id > 0. */
void imp_put_row(FILE *out, enum imp_kind kind, const struct imp_merged *m, int64_t id);

#endif
