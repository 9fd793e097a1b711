/*
 * test_ctl_args.c - parkplanctl's command lines (ctl/args.c) against the
 * options each verb declares (the rows of ctl/verbs.c): a missing value, an
 * unknown option, "--x=v" and "--x v", "--" ending the options, shortened
 * names and grouped letters, and the words of every mistake, written out
 * here by hand as parkplanctl has always printed them.  Also which form of
 * explain and snapshot a command line picks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "client.h"
#include "ctl.h"

#define MAX_WORDS 16

struct run {
	int rc;
	char out[8192], err[8192];
	struct ctl_args a;
	char *argv[MAX_WORDS + 1];
	char words[512];
};

static void
slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Parse "VERB WORD WORD ..." (words split at blanks) with v, capturing its output. */
static void
run(struct run *r, const struct ctl_verb *v, const char *line)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 0, saved_out, saved_err;
	char *w, *save = NULL;

	memset(r, 0, sizeof(*r));
	snprintf(r->words, sizeof(r->words), "%s", line);
	for (w = strtok_r(r->words, " ", &save); w != NULL && argc < MAX_WORDS;
	     w = strtok_r(NULL, " ", &save))
		r->argv[argc++] = w;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	r->rc = ctl_args_parse(v, argc, r->argv, &r->a);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

/* want_err: the whole of stderr; with help, the verb's help follows it. */
static void
expect(const struct ctl_verb *v, const char *line, int rc, const char *want_err, bool help)
{
	struct run r;
	char want[8192];

	run(&r, v, line);
	snprintf(want, sizeof(want), "%s%s", want_err, help ? v->help : "");
	CHECK_MSG(r.rc == rc, "'%s': exit %d, wanted %d", line, r.rc, rc);
	CHECK_MSG(strcmp(r.err, want) == 0, "'%s': stderr\n%s\nwanted\n%s", line, r.err, want);
	CHECK_MSG(r.out[0] == '\0', "'%s': stdout %s", line, r.out);
}

static const struct ctl_verb *const socket_verbs[] = {
    &ctl_verb_snapshot_socket, &ctl_verb_explain_socket, &ctl_verb_status, &ctl_verb_replan,
    &ctl_verb_plans,           &ctl_verb_show,           &ctl_verb_diff,   &ctl_verb_approve,
    &ctl_verb_reload,
};

static void
test_missing_value(void)
{
	size_t i;
	char line[128], err[256];

	expect(&ctl_verb_migrate, "migrate --dsn", 2,
	       "migrate: option '--dsn' requires an argument\n", true);
	expect(&ctl_verb_migrate, "migrate -d", 2, "migrate: option requires an argument -- 'd'\n",
	       true);
	expect(&ctl_verb_snapshot_db, "snapshot --dsn", 2,
	       "snapshot: option '--dsn' requires an argument\n", true);
	expect(&ctl_verb_snapshot_db, "snapshot --output", 2,
	       "snapshot: option '--output' requires an argument\n", true);
	expect(&ctl_verb_snapshot_db, "snapshot -o", 2,
	       "snapshot: option requires an argument -- 'o'\n", true);
	expect(&ctl_verb_sample, "sample --dsn", 2, "parkplanctl: sample: --dsn needs a value\n",
	       false);
	expect(&ctl_verb_sample, "sample --scale", 2,
	       "parkplanctl: sample: --scale needs a value\n", false);
	expect(&ctl_verb_sample, "sample --scale park --seed", 2,
	       "parkplanctl: sample: --seed needs a value\n", false);
	expect(&ctl_verb_solve, "solve --input", 2, "parkplanctl: solve: --input needs a value\n",
	       false);
	expect(&ctl_verb_solve, "solve --input s --output", 2,
	       "parkplanctl: solve: --output needs a value\n", false);
	expect(&ctl_verb_solve, "solve --export-lp", 2,
	       "parkplanctl: solve: --export-lp needs a value\n", false);
	expect(&ctl_verb_solve, "solve --memory-mib", 2,
	       "parkplanctl: solve: --memory-mib needs a value\n", false);
	expect(&ctl_verb_solve, "solve -qm", 2, "parkplanctl: solve: -qm needs a value\n", false);
	expect(&ctl_verb_explain_offline, "explain --input", 2,
	       "parkplanctl: explain: --input needs a value\n", false);
	expect(&ctl_verb_explain_offline, "explain --plan", 2,
	       "parkplanctl: explain: --plan needs a value\n", false);
	expect(&ctl_verb_explain_offline, "explain -i s -p p community 7 --alternatives", 2,
	       "parkplanctl: explain: --alternatives needs a value\n", false);
	expect(&ctl_verb_explain_offline, "explain -n", 2,
	       "parkplanctl: explain: -n needs a value\n", false);
	expect(&ctl_verb_export_offline, "export -i s -p p --xlsx", 2,
	       "parkplanctl: export: --xlsx needs a value\n", false);
	expect(&ctl_verb_export_offline, "export -i s -p p --html h -z", 2,
	       "parkplanctl: export: -z needs a value\n", false);
	/* The socket verbs call every mistake an unknown option. */
	for (i = 0; i < sizeof(socket_verbs) / sizeof(socket_verbs[0]); i++) {
		const char *name = socket_verbs[i]->name;

		snprintf(line, sizeof(line), "%s --socket", name);
		snprintf(err, sizeof(err), "parkplanctl: %s: unknown option '--socket'\n", name);
		expect(socket_verbs[i], line, 2, err, false);
		snprintf(line, sizeof(line), "%s --timeout", name);
		snprintf(err, sizeof(err), "parkplanctl: %s: unknown option '--timeout'\n", name);
		expect(socket_verbs[i], line, 2, err, false);
	}
	expect(&ctl_verb_plans, "plans --limit", 2,
	       "parkplanctl: plans: unknown option '--limit'\n", false);
	expect(&ctl_verb_snapshot_socket, "snapshot 3 --output", 2,
	       "parkplanctl: snapshot: unknown option '--output'\n", false);
}

static void
test_unknown_option(void)
{
	size_t i;
	char line[128], err[256];

	expect(&ctl_verb_migrate, "migrate --bogus", 2, "migrate: unrecognized option '--bogus'\n",
	       true);
	expect(&ctl_verb_migrate, "migrate --dsn=x --bogus=1", 2,
	       "migrate: unrecognized option '--bogus=1'\n", true);
	expect(&ctl_verb_migrate, "migrate -x", 2, "migrate: invalid option -- 'x'\n", true);
	expect(&ctl_verb_migrate, "migrate --help=1", 2,
	       "migrate: option '--help' doesn't allow an argument\n", true);
	expect(&ctl_verb_migrate, "migrate --=x", 2,
	       "migrate: option '--=x' is ambiguous; possibilities: '--dsn' '--help'\n", true);
	expect(&ctl_verb_snapshot_db, "snapshot --bogus", 2,
	       "snapshot: unrecognized option '--bogus'\n", true);
	expect(&ctl_verb_snapshot_db, "snapshot --socket x", 2,
	       "snapshot: unrecognized option '--socket'\n", true);
	expect(&ctl_verb_sample, "sample --bogus", 2,
	       "parkplanctl: sample: unknown option '--bogus'\n", true);
	expect(&ctl_verb_sample, "sample -d x", 2, "parkplanctl: sample: unknown option '-d'\n",
	       true);
	/* --s is --scale and --seed: ambiguous */
	expect(&ctl_verb_sample, "sample --s park", 2,
	       "parkplanctl: sample: unknown option '--s'\n", true);
	expect(&ctl_verb_solve, "solve --bogus", 2,
	       "parkplanctl: solve: unknown option '--bogus' (see parkplanctl solve --help)\n",
	       false);
	expect(&ctl_verb_solve, "solve --export x", 2,
	       "parkplanctl: solve: unknown option '--export' (see parkplanctl solve --help)\n",
	       false);
	expect(&ctl_verb_solve, "solve --quiet=yes", 2,
	       "parkplanctl: solve: unknown option '--quiet=yes' (see parkplanctl solve --help)\n",
	       false);
	expect(&ctl_verb_explain_offline, "explain --bogus", 2,
	       "parkplanctl: explain: unknown option '--bogus' (see parkplanctl explain --help)\n",
	       false);
	expect(&ctl_verb_export_offline, "export -i s --bogus", 2,
	       "parkplanctl: export: unknown option '--bogus' (see parkplanctl export --help)\n",
	       false);
	/* --in is --input and --in-force: ambiguous */
	expect(&ctl_verb_export_offline, "export --in s", 2,
	       "parkplanctl: export: unknown option '--in' (see parkplanctl export --help)\n",
	       false);
	/* in the middle of a group of letters, getopt shows the word before it */
	expect(&ctl_verb_explain_offline, "explain -i s -zj", 2,
	       "parkplanctl: explain: unknown option 's' (see parkplanctl explain --help)\n",
	       false);
	expect(&ctl_verb_explain_offline, "explain -jz", 2,
	       "parkplanctl: explain: unknown option '-jz' (see parkplanctl explain --help)\n",
	       false);
	for (i = 0; i < sizeof(socket_verbs) / sizeof(socket_verbs[0]); i++) {
		const char *name = socket_verbs[i]->name;

		snprintf(line, sizeof(line), "%s --bogus", name);
		snprintf(err, sizeof(err), "parkplanctl: %s: unknown option '--bogus'\n", name);
		expect(socket_verbs[i], line, 2, err, false);
		snprintf(line, sizeof(line), "%s --help", name);
		snprintf(err, sizeof(err), "parkplanctl: %s: unknown option '--help'\n", name);
		expect(socket_verbs[i], line, 2, err, false);
		snprintf(line, sizeof(line), "%s --json=1", name);
		snprintf(err, sizeof(err), "parkplanctl: %s: unknown option '--json=1'\n", name);
		expect(socket_verbs[i], line, 2, err, false);
	}
	/* a socket option the verb does not take is read with its value, then refused */
	expect(&ctl_verb_status, "status --limit 5", 2, "parkplanctl: status: unknown option '5'\n",
	       false);
	expect(&ctl_verb_status, "status --limit=5", 2,
	       "parkplanctl: status: unknown option '--limit=5'\n", false);
	expect(&ctl_verb_status, "status --w", 2, "parkplanctl: status: unknown option '--w'\n",
	       false);
	expect(&ctl_verb_status, "status -xy", 2, "parkplanctl: status: unknown option 'status'\n",
	       false);
	expect(&ctl_verb_show, "show 3 -xy", 2, "parkplanctl: show: unknown option '3'\n", false);
}

/* Every value option of every verb: "--x=v" and "--x v" read the same. */
static void
test_value_forms(void)
{
	size_t i, j;

	for (i = 0; ctl_verbs[i] != NULL; i++) {
		const struct ctl_verb *v = ctl_verbs[i];

		for (j = 0; v->options[j] != NULL; j++) {
			const struct ctl_option *o = v->options[j];
			struct run glued, apart;
			char line[128];

			if (o->kind != CTL_VALUE)
				continue;
			snprintf(line, sizeof(line), "%s --%s=3", v->name, o->long_name);
			run(&glued, v, line);
			snprintf(line, sizeof(line), "%s --%s 3", v->name, o->long_name);
			run(&apart, v, line);
			CHECK_MSG(glued.rc == apart.rc && glued.rc != EXIT_OK,
			          "%s --%s: exit %d and %d", v->name, o->long_name, glued.rc,
			          apart.rc);
			CHECK_MSG(strcmp(glued.err, apart.err) == 0, "%s --%s: %s / %s", v->name,
			          o->long_name, glued.err, apart.err);
			if (glued.rc != -1)
				continue; /* too few arguments: checked below */
			CHECK(glued.a.given[j] && apart.a.given[j]);
			CHECK(strcmp(glued.a.text[j], "3") == 0 &&
			      strcmp(apart.a.text[j], "3") == 0);
			CHECK(memcmp(&glued.a.value[j], &apart.a.value[j],
			             sizeof(union ctl_value)) == 0);
		}
	}
}

static void
test_values(void)
{
	struct run r;

	run(&r, &ctl_verb_status, "status --timeout=2.5 --json --socket /s");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(ctl_value(&r.a, "timeout")->real == 2.5);
	CHECK(ctl_given(&r.a, "json"));
	CHECK(strcmp(ctl_text(&r.a, "socket"), "/s") == 0);
	run(&r, &ctl_verb_status, "status");
	CHECK(ctl_value(&r.a, "timeout") == NULL && ctl_text(&r.a, "socket") == NULL);
	CHECK(!ctl_given(&r.a, "json"));
	/* a shortened name, the last occurrence wins */
	run(&r, &ctl_verb_plans, "plans --lim 3 --js --limit=7");
	CHECK_INT_EQ(r.rc, -1);
	CHECK_INT_EQ(ctl_value(&r.a, "limit")->integer, 7);
	CHECK(ctl_given(&r.a, "json"));
	/* letters grouped, a value glued to its letter */
	run(&r, &ctl_verb_explain_offline, "explain -jn3 -is.json --pla=p.json instructor 11");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(ctl_given(&r.a, "json"));
	CHECK_INT_EQ(ctl_value(&r.a, "alternatives")->integer, 3);
	CHECK(strcmp(ctl_text(&r.a, "input"), "s.json") == 0);
	CHECK(strcmp(ctl_text(&r.a, "plan"), "p.json") == 0);
	CHECK_INT_EQ(r.a.n_pos, 2);
	CHECK(strcmp(r.a.pos[0], "instructor") == 0 && strcmp(r.a.pos[1], "11") == 0);
	/* a value may start with a dash */
	run(&r, &ctl_verb_solve, "solve --input --quiet");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(strcmp(ctl_text(&r.a, "input"), "--quiet") == 0 && !ctl_given(&r.a, "quiet"));
	run(&r, &ctl_verb_sample, "sample --seed 0x10");
	CHECK_INT_EQ(r.rc, -1);
	CHECK_INT_EQ(ctl_value(&r.a, "seed")->natural, 16);

	expect(&ctl_verb_status, "status --timeout 0", 2,
	       "parkplanctl: status: --timeout: '0' is not a positive number\n", false);
	expect(&ctl_verb_plans, "plans --limit=x", 2,
	       "parkplanctl: plans: --limit: 'x' is not a positive integer\n", false);
	expect(&ctl_verb_explain_offline, "explain --alternatives 1001", 2,
	       "parkplanctl: explain: --alternatives: '1001' is not a number in [0, 1000]\n",
	       false);
	expect(&ctl_verb_solve, "solve --memory-mib -1", 2,
	       "parkplanctl: solve: --memory-mib: '-1' is not a number in [0, 1048576]\n", false);
	expect(&ctl_verb_sample, "sample --seed=-1", 2,
	       "parkplanctl: sample: --seed wants a non-negative integer, not '-1'\n", false);
	/* options are taken in order: the first mistake stops the parse */
	expect(&ctl_verb_solve, "solve --memory-mib x --bogus", 2,
	       "parkplanctl: solve: --memory-mib: 'x' is not a number in [0, 1048576]\n", false);
}

static void
test_end_of_options(void)
{
	struct run r;

	run(&r, &ctl_verb_show, "show -- --json");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(!ctl_given(&r.a, "json"));
	CHECK_INT_EQ(r.a.n_pos, 1);
	CHECK(strcmp(r.a.pos[0], "--json") == 0);
	/* arguments and options in any order, the arguments' order kept */
	run(&r, &ctl_verb_diff, "diff 4 --json 9");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(ctl_given(&r.a, "json"));
	CHECK_INT_EQ(r.a.n_pos, 2);
	CHECK(strcmp(r.a.pos[0], "4") == 0 && strcmp(r.a.pos[1], "9") == 0);
	run(&r, &ctl_verb_explain_offline, "explain -- -i x");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(ctl_text(&r.a, "input") == NULL);
	CHECK_INT_EQ(r.a.n_pos, 2);
	run(&r, &ctl_verb_show, "show - --json");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(strcmp(r.a.pos[0], "-") == 0);

	expect(&ctl_verb_migrate, "migrate -- --dsn", 2,
	       "parkplanctl: migrate: unexpected argument '--dsn'\n", true);
	expect(&ctl_verb_snapshot_db, "snapshot --dsn x -- 3", 2,
	       "parkplanctl: snapshot: unexpected argument '3'\n", true);
	expect(&ctl_verb_sample, "sample -- --scale", 2,
	       "parkplanctl: sample: unexpected argument '--scale'\n", false);
	expect(&ctl_verb_solve, "solve -- --input", 2,
	       "parkplanctl: solve: unexpected argument '--input'\n", false);
	expect(&ctl_verb_export_offline, "export -i s -p p 42", 2,
	       "parkplanctl: export: unexpected argument '42'\n", false);
	expect(&ctl_verb_status, "status -- --json", 2,
	       "parkplanctl: status: expected 0 to 0 arguments, got 1 (see parkplanctl --help)\n",
	       false);
	expect(&ctl_verb_diff, "diff 3", 2,
	       "parkplanctl: diff: expected 2 to 2 arguments, got 1 (see parkplanctl --help)\n",
	       false);
	expect(&ctl_verb_explain_socket, "explain community", 2,
	       "parkplanctl: explain: expected 2 to 3 arguments, got 1 (see parkplanctl --help)\n",
	       false);
}

static void
test_help(void)
{
	static const struct ctl_verb *const with_help[] = {
	    &ctl_verb_migrate, &ctl_verb_sample,          &ctl_verb_snapshot_db,
	    &ctl_verb_solve,   &ctl_verb_explain_offline, &ctl_verb_export_offline};
	size_t i;
	struct run r;

	for (i = 0; i < sizeof(with_help) / sizeof(with_help[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "%s --help --bogus", with_help[i]->name);
		run(&r, with_help[i], line);
		CHECK_INT_EQ(r.rc, 0);
		CHECK(strcmp(r.out, with_help[i]->help) == 0 && r.err[0] == '\0');
		snprintf(line, sizeof(line), "%s -h", with_help[i]->name);
		run(&r, with_help[i], line);
		CHECK_INT_EQ(r.rc, 0);
		CHECK(strcmp(r.out, with_help[i]->help) == 0);
	}
	/* sample has no -d, so -h is its only letter */
	run(&r, &ctl_verb_sample, "sample -h");
	CHECK_INT_EQ(r.rc, 0);
	CHECK_STR_CONTAINS(r.out, "(default seed 1)");
	CHECK_STR_CONTAINS(ctl_verb_explain_offline.help, "instructor; default 5)\n");
}

/* Which form of explain and snapshot runs. */
static void
test_forms(void)
{
	static char *explain_files[] = {"explain", "--plan=p", "community", "3"};
	static char *explain_letter[] = {"explain", "-i", "s", "community", "3"};
	static char *explain_glued[] = {"explain", "-is", "community", "3"};
	static char *explain_after[] = {"explain", "community", "3", "--", "--input"};
	static char *snapshot_dsn[] = {"snapshot", "-d", "x"};
	static char *snapshot_help[] = {"snapshot", "--help"};
	static char *snapshot_plain[] = {"snapshot", "--output", "f"};
	static char *snapshot_plan[] = {"snapshot", "--output", "f", "3"};
	static char *snapshot_socket[] = {"snapshot", "--socket=/s"};
	static char *export_files[] = {"export", "--input", "s", "--plan", "p", "--xlsx", "x"};
	static char *export_none[] = {"export", "--xlsx", "42", "--zone", "3"};
	static char *export_help[] = {"export", "--help"};
	static char *export_plan[] = {"export", "42", "--xlsx", "x"};
	static char *export_after[] = {"export", "--xlsx", "x", "--", "42"};
	bool (*files)(int, char **) = ctl_verb_explain_offline.claims;
	bool (*database)(int, char **) = ctl_verb_snapshot_db.claims;
	bool (*exports)(int, char **) = ctl_verb_export_offline.claims;

	CHECK(ctl_verb_explain_socket.claims == NULL && ctl_verb_snapshot_socket.claims == NULL);
	CHECK(files(4, explain_files));
	CHECK(files(5, explain_letter));
	CHECK(!files(4, explain_glued));
	CHECK(!files(5, explain_after));
	unsetenv("PARKPLAN_DSN");
	CHECK(database(3, snapshot_dsn));
	CHECK(database(2, snapshot_help));
	CHECK(!database(3, snapshot_plain));
	setenv("PARKPLAN_DSN", "host=/nowhere", 1);
	CHECK(database(3, snapshot_plain));
	CHECK(!database(4, snapshot_plan));
	CHECK(!database(2, snapshot_socket));
	setenv("PARKPLAN_DSN", "", 1);
	CHECK(!database(3, snapshot_plain));
	unsetenv("PARKPLAN_DSN");
	/* export: the files, or no plan named (a plan id is left to a daemon form) */
	CHECK(exports(7, export_files));
	CHECK(exports(5, export_none));
	CHECK(exports(2, export_help));
	CHECK(!exports(4, export_plan));
	CHECK(!exports(5, export_after));
}

/* Every row: one of the two kinds, options it can hold, a summary unless a second form. */
static void
test_table(void)
{
	size_t i, j;

	for (i = 0; ctl_verbs[i] != NULL; i++) {
		const struct ctl_verb *v = ctl_verbs[i];
		bool second = i > 0 && strcmp(ctl_verbs[i - 1]->name, v->name) == 0;

		CHECK_MSG(((v->flags & CTL_DAEMON) != 0) != ((v->flags & CTL_OFFLINE) != 0), "%s",
		          v->name);
		CHECK_MSG((v->summary == NULL) == second, "%s", v->name);
		CHECK_MSG(v->run != NULL && v->usage != NULL, "%s", v->name);
		for (j = 0; v->options[j] != NULL; j++)
			if (v->options[j]->kind == CTL_HELP)
				CHECK_MSG(v->help != NULL, "%s", v->name);
		CHECK_MSG(j <= CTL_MAX_OPTIONS, "%s", v->name);
	}
	CHECK_INT_EQ(i, 19);
}

/* import, imports, export-data: declared options, two and one arguments. */
static void
test_import_lines(void)
{
	struct run r;

	expect(&ctl_verb_import, "import --encoding", 2,
	       "parkplanctl: import: --encoding needs a value\n", false);
	expect(&ctl_verb_import, "import --crs", 2, "parkplanctl: import: --crs needs a value\n",
	       false);
	run(&r, &ctl_verb_import, "import enterprises");
	CHECK_INT_EQ(r.rc, 2);
	run(&r, &ctl_verb_import, "import enterprises a.csv b.csv");
	CHECK_INT_EQ(r.rc, 2);
	run(&r, &ctl_verb_import,
	    "import --dry-run --replace --place-missing zone enterprises a.csv");
	CHECK_INT_EQ(r.rc, -1);
	CHECK(r.a.n_pos == 2 && strcmp(r.a.pos[0], "enterprises") == 0);
	CHECK(ctl_given(&r.a, "dry-run") && ctl_given(&r.a, "replace") &&
	      strcmp(ctl_text(&r.a, "place-missing"), "zone") == 0);
	run(&r, &ctl_verb_export_data, "export-data");
	CHECK_INT_EQ(r.rc, 2);
	run(&r, &ctl_verb_export_data, "export-data rules -o r.csv --english");
	CHECK_INT_EQ(r.rc, -1);
	run(&r, &ctl_verb_imports, "imports --limit 0x");
	CHECK_INT_EQ(r.rc, 2);
	run(&r, &ctl_verb_sample, "sample --scale park --csv d");
	CHECK(r.rc == -1 && strcmp(ctl_text(&r.a, "csv"), "d") == 0);
}

int
main(void)
{
	unsetenv("POSIXLY_CORRECT");
	test_import_lines();
	test_missing_value();
	test_unknown_option();
	test_value_forms();
	test_values();
	test_end_of_options();
	test_help();
	test_forms();
	test_table();
	return check_done("test_ctl_args");
}
