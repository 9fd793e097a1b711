/*
 * cmd_import.c - the park's own lists: parkplanctl import KIND FILE (check
 * the whole list, then write it in one transaction, or say what would
 * change), imports (what was imported, by whom, from which file) and
 * export-data KIND (the current rows as that list).  The columns are in
 * docs/import.md; the work is in sql/import*.c.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "import.h"
#include "print.h"
#include "table.h"
#include "utf8.h"

static const struct ctl_option opt_dsn = {.long_name = "dsn", .kind = CTL_VALUE};
static const struct ctl_option opt_encoding = {.long_name = "encoding", .kind = CTL_VALUE};
static const struct ctl_option opt_dry_run = {.long_name = "dry-run", .kind = CTL_FLAG};
static const struct ctl_option opt_replace = {.long_name = "replace", .kind = CTL_FLAG};
static const struct ctl_option opt_crs = {.long_name = "crs", .kind = CTL_VALUE};
static const struct ctl_option opt_place = {.long_name = "place-missing", .kind = CTL_VALUE};
static const struct ctl_option opt_bulk = {.long_name = "bulk", .kind = CTL_VALUE};
static const struct ctl_option opt_json = {.long_name = "json", .kind = CTL_FLAG};
static const struct ctl_option opt_output = {
    .long_name = "output", .letter = 'o', .kind = CTL_VALUE};
static const struct ctl_option opt_english = {.long_name = "english", .kind = CTL_FLAG};
static const struct ctl_option opt_limit = {
    .long_name = "limit", .kind = CTL_VALUE, .check = ctl_check_range, .max = 100000};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

static const char kinds_text[] =
    "zones, enterprises, communities, instructors, periods, availability or rules";

static int
parse_kind(const char *verb, const char *text, enum imp_kind *kind)
{
	if (imp_kind_parse(text, kind) < 0) {
		ctl_error(verb, "unknown list '%s' (%s)", text, kinds_text);
		return -1;
	}
	return 0;
}

static int
parse_encoding(const char *verb, const char *text, enum imp_encoding *enc)
{
	*enc = IMP_ENC_AUTO;
	if (text != NULL && imp_encoding_parse(text, enc) < 0) {
		ctl_error(verb, "--encoding: '%s' is not utf-8 or gb18030", text);
		return -1;
	}
	return 0;
}

/* The login that runs parkplanctl, for import_log ("root via sudo from alice" as alice). */
static const char *
who(char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(geteuid());
	const char *sudo = getenv("SUDO_USER");

	snprintf(buf, len, "%s", pw != NULL ? pw->pw_name : "unknown");
	if (sudo != NULL && *sudo != '\0' && strcmp(sudo, buf) != 0)
		snprintf(buf, len, "%s", sudo);
	return buf;
}

/* --- import --------------------------------------------------------------------- */

static const char *
encoding_words(enum imp_encoding e, bool zh)
{
	switch (e) {
	case IMP_ENC_UTF8:
		return zh ? "UTF-8" : "UTF-8";
	case IMP_ENC_UTF8_BOM:
		return zh ? "UTF-8（带 BOM）" : "UTF-8 with a byte-order mark";
	case IMP_ENC_GB18030:
		return "GB18030";
	default:
		return "?";
	}
}

/* A text from the list, made safe for a terminal (table.h), between pre and post; none when empty.
 */
static void
put_safe(FILE *f, const char *pre, const char *s, const char *post)
{
	if (s[0] == '\0')
		return;
	fputs(pre, f);
	table_fputs(s, f);
	fputs(post, f);
}

static void
print_problems_text(const struct imp_result *r, const char *file, FILE *f)
{
	char *safe = table_safe(file);
	const char *shown = safe != NULL ? safe : "?";
	size_t i;

	if (r->zh)
		fprintf(f, "%s：发现 %zu 个问题，未写入任何数据（编码：%s）\n", shown,
		        r->n_problems + r->more_problems, encoding_words(r->encoding, true));
	else
		fprintf(f, "%s: %zu problem%s; nothing was written (encoding: %s)\n", shown,
		        r->n_problems + r->more_problems,
		        r->n_problems + r->more_problems == 1 ? "" : "s",
		        encoding_words(r->encoding, false));
	for (i = 0; i < r->n_problems; i++) {
		const struct imp_problem *p = &r->problems[i];

		if (r->zh) {
			if (p->line > 0)
				fprintf(f, "第 %ld 行", p->line);
			else
				fputs("文件", f);
			put_safe(f, "，", p->column, "");
			put_safe(f, "“", p->value, "”");
			fputs("：", f);
			table_fputs(p->reason, f);
			fputc('\n', f);
		} else {
			if (p->line > 0)
				fprintf(f, "line %ld", p->line);
			else
				fputs("the file", f);
			put_safe(f, ", ", p->column, "");
			put_safe(f, " \"", p->value, "\"");
			fputs(": ", f);
			table_fputs(p->reason, f);
			fputc('\n', f);
		}
	}
	if (r->more_problems > 0)
		fprintf(f, r->zh ? "另有 %zu 个问题未列出\n" : "and %zu more\n", r->more_problems);
	free(safe);
}

static void
print_changes_text(const struct imp_result *r, bool dry_run)
{
	static const char *const what_en[] = {"new", "changed", "retired"};
	static const char *const what_zh[] = {"新增", "修改", "停用"};
	size_t i, counts[3] = {r->n_new, r->n_changed, r->n_retired}, shown[3] = {0, 0, 0};

	for (i = 0; i < r->n_changes; i++) {
		const struct imp_change *c = &r->changes[i];

		shown[c->what]++;
		printf("  %-8s ", r->zh ? what_zh[c->what] : what_en[c->what]);
		if (c->line > 0)
			printf(r->zh ? "第 %-6ld 行 " : "line %-6ld ", c->line);
		else
			printf("%-12s", "");
		put_safe(stdout, "", c->key, "");
		put_safe(stdout, "  ", c->name, "");
		put_safe(stdout, r->zh ? "：" : ": ", c->fields, "");
		printf("\n");
	}
	for (i = 0; i < 3; i++)
		if (counts[i] > shown[i])
			printf(r->zh ? "  另有 %zu 行%s未列出\n" : "  and %zu more %s\n",
			       counts[i] - shown[i], r->zh ? what_zh[i] : what_en[i]);
	(void)dry_run;
}

/*
 * Text as a JSON string; a byte that is not UTF-8 (a file name from a
 * Windows archive, in GBK, say) shown as '?' rather than the string lost.
 */
static json_t *
jtext(const char *s)
{
	json_t *j = json_string(s != NULL ? s : "");
	char *copy;

	if (j != NULL || s == NULL || (copy = strdup(s)) == NULL)
		return j;
	utf8_clean(copy);
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *
result_json(const struct imp_result *r, const struct imp_options *o)
{
	static const char *const what[] = {"new", "changed", "retired"};
	json_t *d =
	    json_pack("{s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b}", "kind",
	              imp_kind_name(o->kind), "file", jtext(o->path), "encoding",
	              imp_encoding_name(r->encoding), "language", r->zh ? "zh" : "en", "sha256",
	              r->sha256, "rows", (json_int_t)r->rows, "new", (json_int_t)r->n_new,
	              "changed", (json_int_t)r->n_changed, "unchanged", (json_int_t)r->n_unchanged,
	              "retired", (json_int_t)r->n_retired, "placed", (json_int_t)r->n_placed,
	              "dry_run", o->dry_run, "replace", o->replace);
	json_t *a = json_array(), *c = json_array();
	size_t i;

	for (i = 0; i < r->n_problems; i++)
		json_array_append_new(a, json_pack("{s:I, s:o, s:o, s:o}", "line",
		                                   (json_int_t)r->problems[i].line, "column",
		                                   jtext(r->problems[i].column), "value",
		                                   jtext(r->problems[i].value), "reason",
		                                   jtext(r->problems[i].reason)));
	for (i = 0; i < r->n_changes; i++)
		json_array_append_new(
		    c, json_pack("{s:s, s:I, s:o, s:o, s:o}", "what", what[r->changes[i].what],
		                 "line", (json_int_t)r->changes[i].line, "key",
		                 jtext(r->changes[i].key), "name", jtext(r->changes[i].name),
		                 "fields", jtext(r->changes[i].fields)));
	json_object_set_new(d, "problems", a);
	json_object_set_new(d, "more_problems", json_integer((json_int_t)r->more_problems));
	json_object_set_new(d, "changes", c);
	json_object_set_new(d, "import_id",
	                    r->log_id > 0 ? json_integer((json_int_t)r->log_id) : json_null());
	json_object_set_new(d, "bulk", json_boolean(r->bulk));
	json_object_set_new(d, "bulk_busy", json_boolean(r->bulk_busy));
	json_object_set_new(d, "ms",
	                    json_pack("{s:f, s:f, s:f}", "read", r->ms_read, "check", r->ms_check,
	                              "write", r->ms_write));
	return d;
}

static int
run_import(const struct ctl_args *a)
{
	struct imp_options o;
	struct imp_result r;
	const char *crs = ctl_text(a, "crs"), *place = ctl_text(a, "place-missing");
	const char *bulk = ctl_text(a, "bulk");
	char err[1024], user[256];
	PGconn *conn;
	int rc;

	memset(&o, 0, sizeof(o));
	if (parse_kind("import", a->pos[0], &o.kind) < 0 ||
	    parse_encoding("import", ctl_text(a, "encoding"), &o.encoding) < 0)
		return EXIT_USAGE;
	if (crs != NULL && strcmp(crs, "wgs84") != 0 && strcmp(crs, "gcj02") != 0) {
		ctl_error("import", "--crs: '%s' is not wgs84 or gcj02", crs);
		return EXIT_USAGE;
	}
	if (place != NULL && strcmp(place, "zone") != 0) {
		ctl_error("import", "--place-missing: '%s' is not zone", place);
		return EXIT_USAGE;
	}
	if (bulk == NULL || strcmp(bulk, "auto") == 0)
		o.bulk = IMP_BULK_AUTO;
	else if (strcmp(bulk, "yes") == 0)
		o.bulk = IMP_BULK_YES;
	else if (strcmp(bulk, "no") == 0)
		o.bulk = IMP_BULK_NO;
	else {
		ctl_error("import", "--bulk: '%s' is not auto, yes or no", bulk);
		return EXIT_USAGE;
	}
	o.path = a->pos[1];
	o.dry_run = ctl_given(a, "dry-run");
	o.replace = ctl_given(a, "replace");
	o.gcj02 = crs != NULL && strcmp(crs, "gcj02") == 0;
	o.place_missing = place != NULL;
	o.who = who(user, sizeof(user));
	conn = ctl_connect_schema("import", ctl_text(a, "dsn"), &rc);
	if (conn == NULL)
		return rc;
	err[0] = '\0';
	rc = db_import(conn, &o, &r, err, sizeof(err));
	if (rc == -2 || rc == -1) {
		ctl_error("import", "%s", err);
		rc = rc == -2                          ? EXIT_INPUT
		     : PQstatus(conn) != CONNECTION_OK ? EXIT_UNAVAILABLE
		                                       : EXIT_FAILURE_RUN;
		PQfinish(conn);
		return rc;
	}
	PQfinish(conn);
	if (ctl_given(a, "json")) {
		json_t *d = result_json(&r, &o);

		print_json(d);
		json_decref(d);
	} else if (rc == 1) {
		print_problems_text(&r, o.path, stderr);
	} else {
		char *safe = table_safe(o.path);
		const char *path = safe != NULL ? safe : "?";

		if (r.zh)
			printf(
			    "%s（%s）：%zu 行，编码 %s：新增 %zu，修改 %zu，未变 %zu，停用 %zu%s\n",
			    imp_kind_title(o.kind), path, r.rows, encoding_words(r.encoding, true),
			    r.n_new, r.n_changed, r.n_unchanged, r.n_retired,
			    o.dry_run ? "（试运行，未写入）" : "");
		else
			printf("%s (%s): %zu rows, %s: %zu new, %zu changed, %zu unchanged, %zu "
			       "retired%s\n",
			       imp_kind_name(o.kind), path, r.rows,
			       encoding_words(r.encoding, false), r.n_new, r.n_changed,
			       r.n_unchanged, r.n_retired,
			       o.dry_run ? " (dry run: nothing written)" : "");
		if (r.n_placed > 0)
			printf(r.zh
			           ? "%zu 行无坐标，已按片区中心定位并标为估算\n"
			           : "%zu rows without coordinates placed at their zone's centroid "
			             "(approximate)\n",
			       r.n_placed);
		if (o.dry_run)
			print_changes_text(&r, true);
		else if (r.log_id > 0)
			printf(r.zh ? "已记录为导入 %lld\n" : "recorded as import %lld\n",
			       (long long)r.log_id);
		free(safe);
	}
	imp_result_free(&r);
	return rc == 1 ? EXIT_INPUT : EXIT_OK;
}

const struct ctl_verb ctl_verb_import = {
    .name = "import",
    .usage = "import KIND FILE [--dsn DSN] [--encoding utf-8|gb18030] [--dry-run]\n"
             "             [--replace] [--crs wgs84|gcj02] [--place-missing zone]\n"
             "             [--bulk auto|yes|no] [--json]",
    .summary = "bring in one of the park's lists (CSV from Excel): checked whole,\n"
               "             written in one transaction or not at all",
    .help = "usage: parkplanctl import KIND FILE [--dsn DSN] [--encoding utf-8|gb18030]\n"
            "                          [--dry-run] [--replace] [--crs wgs84|gcj02]\n"
            "                          [--place-missing zone] [--bulk auto|yes|no] [--json]\n"
            "\n"
            "KIND: zones, enterprises, communities, instructors, periods, availability,\n"
            "rules (or their Chinese names).  FILE: CSV as Excel saves it, in UTF-8 (with\n"
            "or without a byte-order mark) or GB18030, detected unless --encoding says;\n"
            "headers in Chinese or English (docs/import.md, parkplanctl(1)).\n"
            "\n"
            "The whole file is checked first; every problem is listed with its line,\n"
            "column, value and reason, in the language of the headers, and then nothing\n"
            "is written (exit 3).  Otherwise rows are matched by their key (credit code,\n"
            "code, staff number, label) and written in one transaction: new rows added,\n"
            "changed rows updated, and with --replace the rows the list lacks retired\n"
            "(active = false; never deleted).  The import is recorded (parkplanctl\n"
            "imports).  --dry-run says what would change and writes nothing.\n"
            "\n"
            "  --crs gcj02          the coordinates come from a Chinese map service\n"
            "  --place-missing zone a row without coordinates goes to its zone's centroid\n"
            "                       and is marked approximate\n"
            "  --bulk auto|yes|no   write a large list with the table's indexes and foreign\n"
            "                       keys put aside and built again after (auto: when at\n"
            "                       least 5 000 rows and a quarter of the table are written,\n"
            "                       and the tables are free within 2 s; the table and\n"
            "                       those its keys point to are locked for the write)\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_encoding, &opt_dry_run, &opt_replace, &opt_crs,
                           &opt_place, &opt_bulk, &opt_json, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_USAGE,
    .min_args = 2,
    .max_args = 2,
    .run = run_import,
};

/* --- imports -------------------------------------------------------------------- */

static int
run_imports(const struct ctl_args *a)
{
	static const char *const headers[] = {"import",   "when", "by",      "list", "file",
	                                      "encoding", "new",  "changed", "same", "retired"};
	static const char *const keys[] = {
	    "id",       "imported_at", "imported_by",  "kind",           "file_name",
	    "encoding", "rows_new",    "rows_changed", "rows_unchanged", "rows_retired"};
	const union ctl_value *limit = ctl_value(a, "limit");
	char err[1024], *text;
	json_t *d;
	PGconn *conn;
	int rc;
	size_t i;

	conn = ctl_connect_schema("imports", ctl_text(a, "dsn"), &rc);
	if (conn == NULL)
		return rc;
	text = db_imports_json(conn, limit != NULL ? (int)limit->integer : 20, err, sizeof(err));
	PQfinish(conn);
	if (text == NULL) {
		ctl_error("imports", "%s", err);
		return EXIT_FAILURE_RUN;
	}
	d = json_loads(text, 0, NULL);
	free(text);
	if (d == NULL) {
		ctl_error("imports", "unreadable answer from the database");
		return EXIT_INTERNAL;
	}
	if (ctl_given(a, "json")) {
		print_json(d);
	} else {
		for (i = 0; i < json_array_size(d); i++) {
			json_t *row = json_array_get(d, i);
			char when[64];

			json_object_set_new(
			    row, "imported_at",
			    json_string(print_time(json_object_get(row, "imported_at"), when,
			                           sizeof(when))));
		}
		print_rows(d, 10, headers, keys, NULL);
	}
	json_decref(d);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_imports = {
    .name = "imports",
    .usage = "imports [--dsn DSN] [--limit N] [--json]",
    .summary = "the imports made, newest first: who, when, which file, what changed",
    .help = "usage: parkplanctl imports [--dsn DSN] [--limit N] [--json]\n"
            "\n"
            "The imports written (import_log), newest first (default 20): when, by whom,\n"
            "which list, the file's name, encoding and SHA-256 (--json), and the rows\n"
            "new, changed, unchanged and retired.\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_limit, &opt_json, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_USAGE,
    .run = run_imports,
};

/* --- export-data ---------------------------------------------------------------- */

static int
run_export_data(const struct ctl_args *a)
{
	const char *output = ctl_text(a, "output");
	enum imp_kind kind;
	enum imp_encoding enc;
	char err[1024];
	size_t rows;
	PGconn *conn;
	FILE *out;
	int rc;

	if (parse_kind("export-data", a->pos[0], &kind) < 0 ||
	    parse_encoding("export-data", ctl_text(a, "encoding"), &enc) < 0)
		return EXIT_USAGE;
	conn = ctl_connect_schema("export-data", ctl_text(a, "dsn"), &rc);
	if (conn == NULL)
		return rc;
	out = output != NULL && strcmp(output, "-") != 0 ? fopen(output, "wb") : stdout;
	if (out == NULL) {
		ctl_error("export-data", "cannot write %s", output);
		PQfinish(conn);
		return EXIT_FAILURE_RUN;
	}
	rc = db_export_data(conn, kind, enc, ctl_given(a, "english"), out, &rows, err, sizeof(err));
	PQfinish(conn);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "cannot write %s", output);
		rc = -1;
	}
	if (rc < 0) {
		ctl_error("export-data", "%s", err);
		return EXIT_FAILURE_RUN;
	}
	if (out != stdout)
		fprintf(stderr, "%s: %zu rows\n", output, rows);
	return EXIT_OK;
}

const struct ctl_verb ctl_verb_export_data = {
    .name = "export-data",
    .usage = "export-data KIND [--dsn DSN] [--output FILE] [--encoding utf-8|gb18030]\n"
             "             [--english]",
    .summary = "a list as the import reads it: the current rows, to start from",
    .help = "usage: parkplanctl export-data KIND [--dsn DSN] [--output FILE]\n"
            "                               [--encoding utf-8|gb18030] [--english]\n"
            "\n"
            "Write the active rows of a list (zones, enterprises, communities, instructors,\n"
            "periods, availability, rules) as CSV with the import's columns: Chinese\n"
            "headers (English with --english), UTF-8 with a byte-order mark (default) or\n"
            "GB18030.  Importing the file again changes nothing.\n",
    .options = CTL_OPTIONS(&opt_dsn, &opt_output, &opt_encoding, &opt_english, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_USAGE,
    .min_args = 1,
    .max_args = 1,
    .run = run_export_data,
};
