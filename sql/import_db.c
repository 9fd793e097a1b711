/*
 * import_db.c - `parkplanctl import`: a list checked whole, then written in
 * one transaction, or not at all.
 *
 *  1. the file: bytes, encoding, records (import_csv.c); every cell and the
 *     header (import_check.c);
 *  2. BEGIN; pg_advisory_xact_lock against a concurrent import; the
 *     planning tables locked against writers (SHARE ROW EXCLUSIVE: readers,
 *     such as a planner loading its snapshot, go on until a bulk write,
 *     below); the current rows and the tables the list refers to;
 *  3. each row matched to a stored row by its key (a stored row without a
 *     key, by its name), merged with it, checked against the other tables
 *     (import_refs.c), and classed new, changed (which columns) or
 *     unchanged; with --replace, the stored rows the list lacks are retired;
 *  4. any problem: ROLLBACK, the problems (every one, sorted by line);
 *     a dry run: ROLLBACK, what would change;
 *  5. else: new organisations, new rows (COPY, in the file's order), changed
 *     rows (COPY into a temporary table, one UPDATE), retired rows
 *     (active = false, never deleted), the import_log row, COMMIT; a large
 *     list with the table's indexes and foreign keys put aside meanwhile
 *     (import_bulk.c).  The NOTIFY triggers fire at the commit: one data
 *     change for a planner.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dberr.h"
#include "import_run.h"
#include "snapshot.h"

/* The advisory lock of imports: "pkplimpt" in ASCII (the migrator's is "pkplmigr"). */
#define IMPORT_LOCK_KEY "8100691965683527796"

#define PLANNING_TABLES                                                                            \
	"zone, party_organisation, enterprise, community, instructor, period,"                     \
	" instructor_unavailable, rule"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* --- the stored rows and the file's rows ------------------------------------------ */

/* A rule's key: its kind (English) and the codes it names, from six texts. */
static char *
rule_key(const char *kind, const char *const *codes)
{
	size_t len = strlen(kind) + 6, i;
	char *k;

	for (i = 0; i < 5; i++)
		len += codes[i] != NULL ? strlen(codes[i]) : 0;
	k = malloc(len + 1);
	if (k == NULL)
		return NULL;
	strcpy(k, kind);
	for (i = 0; i < 5; i++) {
		strcat(k, "\x1f");
		strcat(k, codes[i] != NULL ? codes[i] : "");
	}
	return k;
}

static int
rule_keys(struct imp_run *r)
{
	const struct imp_kind_spec *k = r->spec;
	int n = PQntuples(r->state), i, c;
	size_t row;

	r->state_keys = calloc((size_t)n + 1, sizeof(char *));
	r->file_keys = calloc(r->t.n_data + 1, sizeof(char *));
	if (r->state_keys == NULL || r->file_keys == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const char *codes[5];

		for (c = 0; c < 5; c++)
			codes[c] = imp_state_text(r, i, 1 + c);
		r->state_keys[i] = rule_key(imp_state_text(r, i, 0), codes);
		if (r->state_keys[i] == NULL)
			return -1;
	}
	for (row = 1; row <= r->t.n_data; row++) {
		const char *codes[5];
		struct imp_value v;
		char why[256];

		if (imp_parse(&k->cols[0], imp_cell(&r->t, row, 0), false, &v, why, sizeof(why)) <
		        0 ||
		    v.empty)
			continue;
		for (c = 0; c < 5; c++)
			codes[c] = imp_cell(&r->t, row, 1 + c);
		r->file_keys[row] = rule_key(imp_rule_text((int)v.i, false), codes);
		if (r->file_keys[row] == NULL)
			return -1;
	}
	return 0;
}

/* The stored rows by key (an active row first, else the latest); keyless active rows by name. */
static int
index_state(struct imp_run *r)
{
	int n = PQntuples(r->state), i;

	if (imp_map_init(&r->state_key, (size_t)n) < 0 || imp_map_init(&r->keyless, 16) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const char *key =
		    r->kind == IMP_RULES ? r->state_keys[i] : imp_state_text(r, i, r->spec->key);
		int64_t prev;

		if (key == NULL) {
			const char *name;

			if (r->spec->name_col < 0 || !imp_state_active(r, i))
				continue;
			name = imp_state_text(r, i, r->spec->name_col);
			if (name == NULL)
				continue;
			prev = imp_map_get(&r->keyless, name);
			if (imp_map_put(&r->keyless, name, prev == -1 ? i : -2) < 0)
				return -1;
			continue;
		}
		prev = imp_map_get(&r->state_key, key);
		if (prev >= 0 && imp_state_active(r, prev) && !imp_state_active(r, i))
			continue;
		if (imp_map_put(&r->state_key, key, i) < 0)
			return -1;
	}
	return 0;
}

static void
match_rows(struct imp_run *r)
{
	size_t row;

	for (row = 1; row <= r->t.n_data; row++) {
		const char *key =
		    r->kind == IMP_RULES ? r->file_keys[row] : imp_cell(&r->t, row, r->spec->key);
		int64_t s;

		r->match[row] = -1;
		if (key == NULL || key[0] == '\0')
			continue;
		s = imp_map_get(&r->state_key, key);
		if (s < 0 && r->spec->name_col >= 0 && r->t.at[r->spec->name_col] >= 0) {
			const char *name = imp_cell(&r->t, row, r->spec->name_col);

			s = imp_map_get(&r->keyless, name);
			if (s == -2) {
				IMP_PROB(
				    &r->p, r->file.rows[row].line, imp_col_name(r, r->spec->key),
				    key,
				    "no stored row has this key, and several without a key are "
				    "named \"%s\": give them their keys first",
				    "没有此编码的记录，而名为“%"
				    "s”且无编码的记录有多条：请先为其补充编码",
				    name);
				r->t.bad[row] = true;
				s = -1;
			} else if (s >= 0 && r->seen[s]) {
				s = -1; /* taken by an earlier row of the same name */
			}
		}
		if (s >= 0)
			r->seen[s] = true;
		r->match[row] = s;
	}
}

/* --- new, changed, unchanged ------------------------------------------------------------ */

static bool
same_text(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* Does column c of the merged row differ from the stored row? */
static bool
col_differs(struct imp_run *r, const struct imp_merged *m, int64_t s, int c)
{
	const struct imp_column *col = &r->spec->cols[c];
	const char *a = m->v[c], *b = imp_state_text(r, s, c);
	struct imp_value va, vb;
	char why[256];
	bool differs;

	switch (col->type) {
	case IT_TEXT:
	case IT_CODE:
	case IT_CREDIT:
		return !same_text(a, b);
	default:
		break;
	}
	if (a == NULL || a[0] == '\0')
		a = col->def;
	if (b == NULL || b[0] == '\0')
		b = col->def;
	if (imp_parse(col, a, false, &va, why, sizeof(why)) < 0) {
		imp_value_free(&va);
		return true;
	}
	if (imp_parse(col, b, false, &vb, why, sizeof(why)) < 0) {
		imp_value_free(&va);
		imp_value_free(&vb);
		return true;
	}
	differs = !imp_value_same(col, &va, &vb);
	imp_value_free(&va);
	imp_value_free(&vb);
	return differs;
}

static void
add_change(struct imp_run *r, enum imp_change_kind what, long line, const char *key,
           const char *name, const char *fields)
{
	struct imp_result *res = r->res;
	struct imp_change *ch;

	if (r->listed[what] >= IMP_MAX_LISTED)
		return;
	if (res->changes == NULL) {
		res->changes = calloc(3 * IMP_MAX_LISTED, sizeof(*res->changes));
		if (res->changes == NULL)
			return;
	}
	ch = &res->changes[res->n_changes];
	ch->what = what;
	ch->line = line;
	ch->key = strdup(key != NULL ? key : "");
	ch->name = strdup(name != NULL ? name : "");
	ch->fields = strdup(fields != NULL ? fields : "");
	if (ch->key == NULL || ch->name == NULL || ch->fields == NULL) {
		free(ch->key);
		free(ch->name);
		free(ch->fields);
		return;
	}
	res->n_changes++;
	r->listed[what]++;
}

/* A rule's description for people: its kind and the codes it names. */
static void
describe_rule(const char *key, bool zh, char *out, size_t len)
{
	size_t j = 0;

	for (; *key != '\0' && j + 4 < len; key++) {
		if (*key == '\x1f') {
			out[j++] = ' ';
		} else {
			out[j++] = *key;
		}
	}
	out[j] = '\0';
	(void)zh;
}

/* Register an organisation a row needs that does not exist yet. */
static int
need_org(struct imp_run *r, const struct imp_merged *m)
{
	const struct imp_kind_spec *k = r->spec;
	int oc = imp_col_index(k, "party_org"), nc = imp_col_index(k, "party_org_name");
	struct imp_value v;
	char why[256], *key;

	if (imp_parse(&k->cols[oc], m->v[oc] != NULL && m->v[oc][0] ? m->v[oc] : "none", false, &v,
	              why, sizeof(why)) < 0 ||
	    v.i == ORG_NONE || m->v[nc] == NULL || m->v[nc][0] == '\0')
		return 0;
	if (asprintf(&key, "%s\x1f%s", party_org_name((enum party_org)v.i), m->v[nc]) < 0)
		return -1;
	if (imp_lookup_id(&r->orgs, key) > 0 || imp_map_get(&r->new_orgs, key) >= 0) {
		free(key);
		return 0;
	}
	if (r->n_new_orgs == r->cap_new_orgs) {
		size_t cap = r->cap_new_orgs ? r->cap_new_orgs * 2 : 64;
		char **v2 = realloc(r->new_org_key, cap * sizeof(*v2));

		if (v2 == NULL) {
			free(key);
			return -1;
		}
		r->new_org_key = v2;
		r->cap_new_orgs = cap;
	}
	r->new_org_key[r->n_new_orgs] = key;
	if (imp_map_put(&r->new_orgs, key, (int64_t)r->n_new_orgs) < 0)
		return -1;
	r->n_new_orgs++;
	return 0;
}

static int
classify(struct imp_run *r)
{
	const struct imp_kind_spec *k = r->spec;
	struct imp_merged m;
	size_t row;
	int c;
	char fields[1024], desc[512];

	for (row = 1; row <= r->t.n_data; row++) {
		int64_t s = r->match[row];
		long line = r->file.rows[row].line;
		const char *key =
		    r->kind == IMP_RULES ? r->file_keys[row] : imp_cell(&r->t, row, k->key);

		imp_merge(r, row, &m);
		imp_check_row_refs(r, row, &m);
		if (r->t.bad[row]) {
			r->status[row] = ST_SKIP;
			continue;
		}
		if (m.placed)
			r->res->n_placed++;
		if (r->kind == IMP_RULES && key != NULL) {
			describe_rule(key, r->t.zh, desc, sizeof(desc));
			key = desc;
		}
		if (s < 0) {
			r->status[row] = ST_NEW;
			r->res->n_new++;
			add_change(r, IMP_NEW, line, key,
			           k->name_col >= 0 ? m.v[k->name_col] : NULL, NULL);
		} else {
			fields[0] = '\0';
			if (!imp_state_active(r, s))
				snprintf(fields, sizeof(fields), "%s",
				         r->t.zh ? "重新启用" : "active");
			for (c = 0; c < k->n_cols; c++) {
				if (r->kind == IMP_AVAILABILITY || !col_differs(r, &m, s, c))
					continue;
				if (fields[0] != '\0')
					strncat(fields, ", ", sizeof(fields) - strlen(fields) - 1);
				strncat(fields, imp_col_name(r, c),
				        sizeof(fields) - strlen(fields) - 1);
			}
			if (r->kind == IMP_AVAILABILITY && col_differs(r, &m, s, 1)) {
				const char *old = imp_state_text(r, s, 1);

				snprintf(fields, sizeof(fields), "%s", imp_col_name(r, 1));
				if (old == NULL || old[0] == '\0') {
					r->status[row] = ST_NEW;
					r->res->n_new++;
					add_change(r, IMP_NEW, line, key, NULL, NULL);
					continue;
				}
			}
			if (fields[0] == '\0') {
				r->status[row] = ST_UNCHANGED;
				r->res->n_unchanged++;
			} else {
				r->status[row] = ST_CHANGED;
				r->res->n_changed++;
				add_change(r, IMP_CHANGED, line, key,
				           k->name_col >= 0 ? m.v[k->name_col] : NULL, fields);
			}
		}
		if (r->kind == IMP_ENTERPRISES && r->status[row] != ST_UNCHANGED &&
		    need_org(r, &m) < 0)
			return -1;
	}
	return 0;
}

/* With --replace: the active stored rows the list does not name. */
static void
find_retired(struct imp_run *r)
{
	int n = PQntuples(r->state), i;
	char desc[512];

	for (i = 0; i < n; i++) {
		const char *key;

		if (r->seen[i] || !imp_state_active(r, i))
			continue;
		if (r->kind == IMP_AVAILABILITY) {
			const char *list = imp_state_text(r, i, 1);

			if (list == NULL || list[0] == '\0')
				continue; /* nothing to clear */
		}
		key = r->kind == IMP_RULES ? r->state_keys[i] : imp_state_text(r, i, r->spec->key);
		if (r->kind == IMP_RULES && key != NULL) {
			describe_rule(key, r->t.zh, desc, sizeof(desc));
			key = desc;
		}
		r->res->n_retired++;
		add_change(r, IMP_RETIRED, 0, key,
		           r->spec->name_col >= 0 ? imp_state_text(r, i, r->spec->name_col) : NULL,
		           NULL);
	}
}

/* --- the import ----------------------------------------------------------------------- */

static void
run_free(struct imp_run *r)
{
	size_t i;
	int n = r->state != NULL ? PQntuples(r->state) : 0, s;

	if (r->state_keys != NULL)
		for (s = 0; s < n; s++)
			free(r->state_keys[s]);
	if (r->file_keys != NULL)
		for (i = 0; i <= r->t.n_data; i++)
			free(r->file_keys[i]);
	free(r->state_keys);
	free(r->file_keys);
	for (i = 0; i < r->n_new_orgs; i++)
		free(r->new_org_key[i]);
	free(r->new_org_key);
	free(r->new_org_id);
	imp_map_free(&r->new_orgs);
	imp_map_free(&r->state_key);
	imp_map_free(&r->keyless);
	PQclear(r->state);
	imp_lookup_free(&r->zones);
	imp_lookup_free(&r->orgs);
	imp_lookup_free(&r->periods);
	imp_lookup_free(&r->instructors);
	imp_lookup_free(&r->enterprises);
	imp_lookup_free(&r->communities);
	imp_lookup_free(&r->avail);
	imp_lookup_free(&r->pins);
	imp_lookup_free(&r->zone_use);
	free(r->match);
	free(r->status);
	free(r->seen);
	imp_table_free(&r->t);
	imp_file_free(&r->file);
}

/* The problems found, handed to the result (sorted by line). */
static void
take_problems(struct imp_run *r)
{
	imp_problems_sort(&r->p);
	r->res->problems = r->p.v;
	r->res->n_problems = r->p.n;
	r->res->more_problems = r->p.more;
	r->p.v = NULL;
	r->p.n = r->p.more = 0;
}

static void
rollback(struct imp_run *r)
{
	if (PQtransactionStatus(r->conn) != PQTRANS_IDLE)
		PQclear(PQexec(r->conn, "ROLLBACK"));
}

/* Everything with the database, inside the transaction. */
static int
check_and_write(struct imp_run *r)
{
	size_t n_state;
	double t0;

	if (imp_exec(r, "BEGIN") < 0 ||
	    imp_exec(r, "SELECT pg_advisory_xact_lock(" IMPORT_LOCK_KEY ")") < 0 ||
	    imp_exec(r, "LOCK TABLE " PLANNING_TABLES " IN SHARE ROW EXCLUSIVE MODE") < 0 ||
	    imp_load_lookups(r) < 0)
		return -1;
	r->state = imp_query(r, imp_state_sql(r->kind, false), 0, NULL);
	if (r->state == NULL)
		return -1;
	n_state = (size_t)PQntuples(r->state);
	r->match = calloc(r->t.n_data + 1, sizeof(*r->match));
	r->status = calloc(r->t.n_data + 1, sizeof(*r->status));
	r->seen = calloc(n_state + 1, sizeof(*r->seen));
	if (r->match == NULL || r->status == NULL || r->seen == NULL ||
	    imp_map_init(&r->new_orgs, 16) < 0 || (r->kind == IMP_RULES && rule_keys(r) < 0) ||
	    index_state(r) < 0) {
		dberr_set(r->err, r->errlen, "out of memory");
		return -1;
	}
	match_rows(r);
	if (classify(r) < 0 || (r->kind == IMP_RULES && imp_check_rules(r) < 0)) {
		dberr_set(r->err, r->errlen, "out of memory");
		return -1;
	}
	if (r->kind == IMP_PERIODS)
		imp_check_periods(r);
	if (r->o->replace)
		find_retired(r);
	if (r->kind == IMP_ZONES && r->o->replace)
		imp_check_zones_in_use(r);
	r->res->ms_check += 0;
	if (r->p.n > 0 || r->p.more > 0) {
		/* nothing is written: the counts are of a list that was not imported */
		r->res->n_new = r->res->n_changed = r->res->n_unchanged = r->res->n_retired = 0;
		rollback(r);
		return 1;
	}
	if (r->o->dry_run) {
		rollback(r);
		return 0;
	}
	t0 = now_ms();
	if (imp_write(r) < 0 || imp_write_log(r) < 0 || imp_exec(r, "COMMIT") < 0)
		return -1;
	r->res->ms_write = now_ms() - t0;
	return 0;
}

int
db_import(PGconn *conn, const struct imp_options *o, struct imp_result *res, char *err,
          size_t errlen)
{
	struct imp_run r;
	double t0 = now_ms();
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.conn = conn;
	r.o = o;
	r.kind = o->kind;
	r.spec = &imp_kinds[o->kind];
	r.res = res;
	r.err = err;
	r.errlen = errlen;
	if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
		dberr_set(err, errlen, "importing: the connection is busy or inside a transaction");
		return -1;
	}
	if (imp_file_read(&r.file, o->path, o->encoding, err, errlen) < 0)
		return -2;
	res->encoding = r.file.encoding;
	memcpy(res->sha256, r.file.sha256, sizeof(res->sha256));
	res->ms_read = now_ms() - t0;
	t0 = now_ms();
	if (imp_check_file(&r.t, &r.file, r.spec, o, &r.p) < 0) {
		dberr_set(err, errlen, "out of memory");
		run_free(&r);
		return -1;
	}
	res->zh = r.p.zh;
	res->rows = r.t.n_data;
	if (r.file.n_rows == 0) {
		/* no header: the database is not needed */
		res->ms_check = now_ms() - t0;
		rc = r.p.n > 0 || r.p.more > 0 ? 1 : 0;
		if (rc == 1)
			take_problems(&r);
		run_free(&r);
		return rc;
	}
	/* the database's checks even when the file has problems: every problem at once */
	rc = check_and_write(&r);
	if (rc < 0)
		rollback(&r);
	res->ms_check = now_ms() - t0 - res->ms_write;
	if (rc == 1)
		take_problems(&r);
	run_free(&r);
	return rc;
}

void
imp_result_free(struct imp_result *r)
{
	size_t i;

	for (i = 0; i < r->n_problems; i++) {
		free(r->problems[i].column);
		free(r->problems[i].value);
		free(r->problems[i].reason);
	}
	free(r->problems);
	for (i = 0; i < r->n_changes; i++) {
		free(r->changes[i].key);
		free(r->changes[i].name);
		free(r->changes[i].fields);
	}
	free(r->changes);
	memset(r, 0, sizeof(*r));
}
