/*
 * import_rows.c - a list's rows as the database holds them: the statement
 * that reads the current rows of a kind in the list's own columns (for the
 * diff and for export-data alike), and a row of a kind written as COPY
 * text from its texts (import_db.c decides which rows, and which texts).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copytext.h"
#include "import_run.h"
#include "snapshot.h"

/*
 * The current rows: id, active, then one text per column of the kind, in
 * the table's order, in forms the cell parsers read back (NULL for a
 * column that is not stored).  W: the condition.
 */
#define ZONE_SQL(W)                                                                                \
	"SELECT z.id, z.active, z.code, z.name, z.lat::text, z.lon::text, z.min_fulltime::text"    \
	" FROM zone z " W " ORDER BY z.id"
#define ENTERPRISE_SQL(W)                                                                          \
	"SELECT e.id, e.active, e.credit_code, e.name, z.code, e.industry,"                        \
	" CASE WHEN o.active THEN o.kind::text ELSE 'none' END,"                                   \
	" CASE WHEN o.active THEN o.name END, e.party_members::text, e.employees::text,"           \
	" e.lat::text, e.lon::text, e.approximate::text, array_to_string(e.offers, '、'),"        \
	" e.max_communities::text, to_char(e.joined_on, 'YYYY-MM-DD')"                             \
	" FROM enterprise e JOIN zone z ON z.id = e.zone_id"                                       \
	" LEFT JOIN party_organisation o ON o.id = e.party_org_id " W " ORDER BY e.id"
#define COMMUNITY_SQL(W)                                                                           \
	"SELECT c.id, c.active, c.code, c.name, NULL, c.lat::text, c.lon::text,"                   \
	" c.approximate::text, array_to_string(c.needs, '、'), c.min_partners::text,"             \
	" c.max_partners::text FROM community c " W " ORDER BY c.id"
#define INSTRUCTOR_SQL(W)                                                                          \
	"SELECT i.id, i.active, i.code, i.name, i.full_time::text, i.capacity::text,"              \
	" array_to_string(i.skills, '、'), NULL, i.home_lat::text, i.home_lon::text,"             \
	" i.approximate::text FROM instructor i " W " ORDER BY i.id"
#define PERIOD_SQL(W)                                                                              \
	"SELECT p.id, p.active, p.label, to_char(p.start, 'YYYY-MM-DD') FROM period p " W          \
	" ORDER BY p.start, p.id"
/* Availability: per active instructor with a code, its active periods. */
#define AVAILABILITY_SQL                                                                           \
	"SELECT i.id, i.active, i.code, array_to_string(ARRAY(SELECT p.label"                      \
	" FROM instructor_unavailable u JOIN period p ON p.id = u.period_id AND p.active"          \
	" WHERE u.instructor_id = i.id ORDER BY p.start, p.id), '、')"                            \
	" FROM instructor i WHERE i.active AND i.code IS NOT NULL ORDER BY i.id"
/* Rules: the active ones whose rows are active, as the snapshot loader takes them. */
#define RULE_SQL                                                                                   \
	"SELECT r.id, r.active, r.kind::text, e.credit_code, c.code, i.code, z.code, p.label,"     \
	" r.note FROM rule r"                                                                      \
	" LEFT JOIN enterprise e ON e.id = r.enterprise_id"                                        \
	" LEFT JOIN community c ON c.id = r.community_id"                                          \
	" LEFT JOIN instructor i ON i.id = r.instructor_id"                                        \
	" LEFT JOIN zone z ON z.id = r.zone_id LEFT JOIN period p ON p.id = r.period_id"           \
	" WHERE r.active AND (r.enterprise_id IS NULL OR e.active)"                                \
	" AND (r.community_id IS NULL OR c.active) AND (r.instructor_id IS NULL OR i.active)"      \
	" AND (r.zone_id IS NULL OR z.active) AND (r.period_id IS NULL OR p.active)"               \
	" ORDER BY r.id"

const char *
imp_state_sql(enum imp_kind k, bool active_only)
{
	static const char *const all[IMP_KINDS] = {
	    ZONE_SQL(""),   ENTERPRISE_SQL(""), COMMUNITY_SQL(""), INSTRUCTOR_SQL(""),
	    PERIOD_SQL(""), AVAILABILITY_SQL,   RULE_SQL,
	};
	static const char *const active[IMP_KINDS] = {
	    ZONE_SQL("WHERE z.active"),
	    ENTERPRISE_SQL("WHERE e.active"),
	    COMMUNITY_SQL("WHERE c.active"),
	    INSTRUCTOR_SQL("WHERE i.active"),
	    PERIOD_SQL("WHERE p.active"),
	    AVAILABILITY_SQL,
	    RULE_SQL,
	};

	return (unsigned)k < IMP_KINDS ? (active_only ? active : all)[k] : NULL;
}

/*
 * The columns a kind's rows are written to (COPY, UPDATE), in order: each
 * the list's column of the same name, or an id the row's references
 * resolved to (ref_of).  One spelling serves the SQL and the rows.
 */
#define ZONE_COLS(X) X(code) X(name) X(lat) X(lon) X(min_fulltime)
#define ENTERPRISE_COLS(X)                                                                         \
	X(credit_code)                                                                             \
	X(name)                                                                                    \
	X(zone_id)                                                                                 \
	X(industry)                                                                                \
	X(party_org_id)                                                                            \
	X(party_members)                                                                           \
	X(employees) X(lat) X(lon) X(approximate) X(offers) X(max_communities) X(joined_on)
#define COMMUNITY_COLS(X)                                                                          \
	X(code) X(name) X(lat) X(lon) X(approximate) X(needs) X(min_partners) X(max_partners)
#define INSTRUCTOR_COLS(X)                                                                         \
	X(code) X(name) X(full_time) X(capacity) X(skills) X(home_lat) X(home_lon) X(approximate)
#define PERIOD_COLS(X) X(label) X(start)
#define AVAILABILITY_COLS(X) X(instructor_id) X(period_id) /* rows of their own: import_write.c */
#define RULE_COLS(X)                                                                               \
	X(kind) X(enterprise_id) X(community_id) X(instructor_id) X(zone_id) X(period_id) X(note)

#define COL_SQL(c) ", " #c
#define COL_NAME(c) #c,

static const char *const zone_cols[] = {ZONE_COLS(COL_NAME) NULL};
static const char *const enterprise_cols[] = {ENTERPRISE_COLS(COL_NAME) NULL};
static const char *const community_cols[] = {COMMUNITY_COLS(COL_NAME) NULL};
static const char *const instructor_cols[] = {INSTRUCTOR_COLS(COL_NAME) NULL};
static const char *const period_cols[] = {PERIOD_COLS(COL_NAME) NULL};
static const char *const availability_cols[] = {NULL};
static const char *const rule_cols[] = {RULE_COLS(COL_NAME) NULL};

/* (each list of names starts ", ": from [2] it does not) */
static const struct {
	const char *table;
	const char *cols;
	const char *const *names;
} db_tables[IMP_KINDS] = {
    [IMP_ZONES] = {"zone", &ZONE_COLS(COL_SQL)[2], zone_cols},
    [IMP_ENTERPRISES] = {"enterprise", &ENTERPRISE_COLS(COL_SQL)[2], enterprise_cols},
    [IMP_COMMUNITIES] = {"community", &COMMUNITY_COLS(COL_SQL)[2], community_cols},
    [IMP_INSTRUCTORS] = {"instructor", &INSTRUCTOR_COLS(COL_SQL)[2], instructor_cols},
    [IMP_PERIODS] = {"period", &PERIOD_COLS(COL_SQL)[2], period_cols},
    [IMP_AVAILABILITY] = {"instructor_unavailable", &AVAILABILITY_COLS(COL_SQL)[2],
                          availability_cols},
    [IMP_RULES] = {"rule", &RULE_COLS(COL_SQL)[2], rule_cols},
};

const char *
imp_db_table(enum imp_kind k)
{
	return db_tables[k].table;
}

const char *
imp_db_cols(enum imp_kind k)
{
	return db_tables[k].cols;
}

/* --- COPY text ------------------------------------------------------------------- */

static int
emit_file(void *arg, const char *data, size_t len)
{
	return fwrite(data, 1, len, arg) == len ? 0 : -1;
}

void
imp_put_text(FILE *out, const char *s)
{
	(void)copytext_escape_str(s, emit_file, out);
}

/* A text[] literal: {"a","b"}, each item's quote and backslash escaped, then COPY-escaped. */
static void
put_array(FILE *out, const struct imp_value *v)
{
	size_t i;
	const char *p;

	fputc('{', out);
	for (i = 0; i < v->n_items; i++) {
		if (i > 0)
			fputc(',', out);
		fputc('"', out);
		for (p = v->item[i]; *p != '\0'; p++) {
			/* in the array \" and \\; each backslash doubled again for COPY */
			if (*p == '"')
				fputs("\\\\\"", out);
			else if (*p == '\\')
				fputs("\\\\\\\\", out);
			else
				fputc(*p, out);
		}
		fputc('"', out);
	}
	fputc('}', out);
}

/* The value of a kind's column as COPY text: the cell parsed, or its default. */
static void
put_col(FILE *out, const struct imp_kind_spec *k, const struct imp_merged *m, const char *key)
{
	int col = imp_col_index(k, key);
	const struct imp_column *c = &k->cols[col];
	const char *text = m->v[col];
	struct imp_value v;
	char why[256], buf[40];

	if ((text == NULL || text[0] == '\0') && c->def != NULL)
		text = c->def;
	if (imp_parse(c, text, false, &v, why, sizeof(why)) < 0 || v.empty) {
		/* checked before: only an empty optional cell comes here */
		fputs(c->type == IT_LIST ? "{}" : "\\N", out);
		imp_value_free(&v);
		return;
	}
	switch (c->type) {
	case IT_TEXT:
	case IT_CODE:
	case IT_CREDIT:
		imp_put_text(out, text);
		break;
	case IT_INT:
		fprintf(out, "%" PRId64, v.i);
		break;
	case IT_LAT:
	case IT_LON:
		imp_format_double(v.d, buf, sizeof(buf));
		fputs(buf, out);
		break;
	case IT_BOOL:
	case IT_FULLTIME:
		fputs(v.b ? "t" : "f", out);
		break;
	case IT_DATE:
		date_format((int32_t)v.i, buf);
		fputs(buf, out);
		break;
	case IT_LIST:
		put_array(out, &v);
		break;
	case IT_ORG:
		fputs(party_org_name((enum party_org)v.i), out);
		break;
	case IT_RULE:
		fputs(imp_rule_text((int)v.i, false), out);
		break;
	}
	imp_value_free(&v);
}

static void
put_id(FILE *out, int64_t id)
{
	if (id > 0)
		fprintf(out, "%" PRId64, id);
	else
		fputs("\\N", out);
}

/* A written column that is a resolved reference, not a list's column: its id into *id. */
static bool
ref_of(enum imp_kind kind, const struct imp_merged *m, const char *col, int64_t *id)
{
	static const char *const rule_refs[5] = {"enterprise_id", "community_id", "instructor_id",
	                                         "zone_id", "period_id"};

	if (kind == IMP_ENTERPRISES && strcmp(col, "zone_id") == 0)
		*id = m->zone_id;
	else if (kind == IMP_ENTERPRISES && strcmp(col, "party_org_id") == 0)
		*id = m->org_id;
	else if (kind == IMP_RULES) {
		for (size_t i = 0; i < 5; i++)
			if (strcmp(col, rule_refs[i]) == 0) {
				*id = m->ref[i];
				return true;
			}
		return false;
	} else
		return false;
	return true;
}

void
imp_put_row(FILE *out, enum imp_kind kind, const struct imp_merged *m, int64_t id)
{
	const struct imp_kind_spec *k = &imp_kinds[kind];
	const char *const *col = db_tables[kind].names;
	int64_t ref;

	if (id > 0)
		fprintf(out, "%" PRId64 "\t", id);
	for (size_t i = 0; col[i] != NULL; i++) {
		if (i > 0)
			fputc('\t', out);
		if (ref_of(kind, m, col[i], &ref))
			put_id(out, ref);
		else
			put_col(out, k, m, col[i]);
	}
	fputc('\n', out);
}
