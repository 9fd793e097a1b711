/*
 * cmd_solve.c - parkplanctl solve: a snapshot file in, a plan file out,
 * offline, with the solver in an isolated child process (worker/solve.h).
 *
 *   parkplanctl solve --input SNAPSHOT [--output PLAN] [--export-lp PREFIX]
 *                     [--export-network FILE] [--export-only] [--memory-mib N]
 *                     [--quiet] [--json]
 *
 * The plan goes to --output or to stdout.  A summary of both parts goes to
 * stderr unless --quiet; with --json the summary (or the list of problems
 * of a bad snapshot) is one JSON object instead, written to stdout when the
 * plan goes to a file and to stderr otherwise.  Progress is shown on stderr
 * when it is a terminal.
 *
 * The exports (the models in CPLEX LP format, the pairing's network as a
 * DIMACS min-cost flow file) are written in a worker child under the
 * solve's own limits (worker/solve.h), streamed as they are generated.
 *
 * Exit: 0 when both parts are optimal or feasible, 1 when a part is
 * infeasible or failed (the plan is still written) or when the solver
 * process or the writing of the plan failed, 3 on bad input.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "index.h"
#include "plan.h"
#include "print.h"
#include "snapshot.h"
#include "solve.h"
#include "solver.h"
#include "table.h"
#include "validate.h"

#define MAX_MEMORY_MIB (1024 * 1024) /* 1 TiB */

struct solve_args {
	const char *input, *output, *export_lp, *export_network;
	bool export_only, quiet, json;
	long long memory_mib; /* -1: the default */
};

static const struct ctl_option opt_input = {.long_name = "input", .letter = 'i', .kind = CTL_VALUE};
static const struct ctl_option opt_output = {
    .long_name = "output", .letter = 'o', .kind = CTL_VALUE};
static const struct ctl_option opt_export_lp = {
    .long_name = "export-lp", .letter = 'x', .kind = CTL_VALUE};
static const struct ctl_option opt_export_network = {
    .long_name = "export-network", .letter = 'N', .kind = CTL_VALUE};
static const struct ctl_option opt_export_only = {
    .long_name = "export-only", .letter = 'X', .kind = CTL_FLAG};
static const struct ctl_option opt_memory_mib = {.long_name = "memory-mib",
                                                 .letter = 'm',
                                                 .kind = CTL_VALUE,
                                                 .check = ctl_check_range,
                                                 .max = MAX_MEMORY_MIB};
static const struct ctl_option opt_quiet = {.long_name = "quiet", .letter = 'q', .kind = CTL_FLAG};
static const struct ctl_option opt_json = {.long_name = "json", .letter = 'j', .kind = CTL_FLAG};
static const struct ctl_option opt_help = {.long_name = "help", .letter = 'h', .kind = CTL_HELP};

/* What the command line asks; -1 when the handler goes on, else the exit code. */
static int
solve_args(const struct ctl_args *args, struct solve_args *a)
{
	const union ctl_value *memory_mib = ctl_value(args, "memory-mib");

	memset(a, 0, sizeof(*a));
	a->input = ctl_text(args, "input");
	a->output = ctl_text(args, "output");
	a->export_lp = ctl_text(args, "export-lp");
	a->export_network = ctl_text(args, "export-network");
	a->export_only = ctl_given(args, "export-only");
	a->quiet = ctl_given(args, "quiet");
	a->json = ctl_given(args, "json");
	a->memory_mib = memory_mib != NULL ? memory_mib->integer : -1;
	if (a->input == NULL) {
		ctl_error("solve", "--input SNAPSHOT is required");
		return EXIT_USAGE;
	}
	if (a->export_only && a->export_lp == NULL && a->export_network == NULL) {
		ctl_error("solve",
		          "--export-only needs --export-lp PREFIX or --export-network FILE");
		return EXIT_USAGE;
	}
	return -1;
}

/* Progress on a terminal: one line, rewritten in place. */
struct progress {
	bool shown;
};

static void
show_progress(void *arg, const char *part, double fraction, double best, double bound)
{
	struct progress *pr = arg;

	fprintf(stderr, "\r\033[K%s %3.0f%%", part, 100.0 * (isfinite(fraction) ? fraction : 0));
	if (isfinite(best))
		fprintf(stderr, "  best %.0f", best);
	if (isfinite(bound))
		fprintf(stderr, "  bound %.0f", bound);
	fflush(stderr);
	pr->shown = true;
}

/* The exports, in a worker child: what it is to write, and the first error it sent. */
struct export_job {
	const struct snapshot *s;
	const char *lp_prefix, *network;
	char message[WORKER_MAX_MESSAGE];
};

static int
export_write(struct export_job *job, char *err, size_t errlen)
{
	struct snapshot_index ix;
	char *path = NULL;
	int rc = 0;

	if (snapshot_index_build(job->s, &ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return -1;
	}
	if (job->lp_prefix != NULL) {
		if (asprintf(&path, "%s-pairing.lp", job->lp_prefix) < 0 ||
		    pairing_export_lp(job->s, &ix, path, err, errlen) != 0)
			rc = -1;
		free(path);
		path = NULL;
		if (rc == 0 && (asprintf(&path, "%s-roster.lp", job->lp_prefix) < 0 ||
		                roster_export_lp(job->s, &ix, path, err, errlen) != 0))
			rc = -1;
		free(path);
	}
	if (rc == 0 && job->network != NULL &&
	    pairing_export_network(job->s, &ix, job->network, err, errlen) != 0)
		rc = -1;
	snapshot_index_free(&ix);
	return rc;
}

static int
export_child(int fd, void *arg)
{
	char err[WORKER_MAX_MESSAGE] = "";

	if (export_write(arg, err, sizeof(err)) != 0)
		worker_fail(fd, 1, "%s", err[0] != '\0' ? err : "the export failed");
	return 0;
}

static int
export_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct export_job *job = arg;

	if (f->type != WORKER_FRAME_ERROR) {
		snprintf(err, errlen, "an unknown message \"%c\"", f->type);
		return -1;
	}
	if (job->message[0] == '\0')
		snprintf(job->message, sizeof(job->message), "%.*s", (int)f->len, f->data);
	return 0;
}

static int
export_models(const struct snapshot *s, const struct solve_args *a, const struct worker_limits *lim)
{
	struct export_job job = {.s = s, .lp_prefix = a->export_lp, .network = a->export_network};
	struct worker_spec spec = {.what = "export",
	                           .limits = *lim,
	                           .child = export_child,
	                           .child_arg = &job,
	                           .frame = export_frame,
	                           .frame_arg = &job};
	struct worker *w;
	char err[1024];
	int rc = EXIT_OK;

	w = worker_start(&spec, err, sizeof(err));
	if (w == NULL) {
		ctl_error("solve", "%s", err);
		return EXIT_INTERNAL;
	}
	worker_wait(w);
	if (job.message[0] != '\0') {
		ctl_error("solve", "%s", job.message);
		rc = EXIT_FAILURE_RUN;
	} else if (worker_error(w, err, sizeof(err)) != 0) {
		char num[32];

		if (worker_memory_enforced(w))
			ctl_error(
			    "solve", "%s (its memory limit is %s MiB)", err,
			    worker_number((double)lim->memory_bytes / (1024.0 * 1024.0), num));
		else
			ctl_error("solve", "%s", err);
		rc = EXIT_FAILURE_RUN;
	}
	worker_free(w);
	return rc;
}

static bool
part_ok(const struct plan_part *part)
{
	return part->status == PART_OPTIMAL || part->status == PART_FEASIBLE;
}

static json_t *
part_summary_json(const struct plan_part *part)
{
	json_t *o = json_object(), *r = json_array();
	size_t i;

	json_object_set_new(o, "status", json_string(part_status_name(part->status)));
	json_object_set_new(o, "objective", json_integer(part->objective));
	json_object_set_new(o, "bound",
	                    isfinite(part->bound) ? json_real(part->bound) : json_null());
	json_object_set_new(o, "gap", isfinite(part->gap) ? json_real(part->gap) : json_null());
	json_object_set_new(o, "seconds", json_real(part->seconds));
	for (i = 0; i < part->n_reasons; i++)
		json_array_append_new(r, json_string(part->reasons[i]));
	json_object_set_new(o, "reasons", r);
	return o;
}

static void
summary_json(const struct plan *p, FILE *f)
{
	json_t *o = json_object(), *pa = part_summary_json(&p->pairing),
	       *ro = part_summary_json(&p->roster);

	json_object_set_new(pa, "pairs", json_integer((json_int_t)p->n_pairs));
	json_object_set_new(pa, "uncovered", json_integer((json_int_t)p->n_uncovered));
	json_object_set_new(ro, "assignments", json_integer((json_int_t)p->n_assignments));
	json_object_set_new(o, "pairing", pa);
	json_object_set_new(o, "roster", ro);
	json_dumpf(o, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(o);
}

static void
format_number(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.6g", v);
}

static void
summary_table(const struct plan *p, FILE *f)
{
	static const char *const head[] = {"part", "status",  "objective", "bound",
	                                   "gap",  "seconds", "result"};
	struct table *t = table_new(7, head);
	const struct plan_part *parts[2] = {&p->pairing, &p->roster};
	const char *names[2] = {"pairing", "roster"};
	size_t i, k, c;

	if (t == NULL)
		return;
	for (c = 2; c < 6; c++)
		table_align(t, c, TABLE_RIGHT);
	for (i = 0; i < 2; i++) {
		const struct plan_part *part = parts[i];
		char bound[64], gap[64];

		format_number(bound, sizeof(bound), part->bound);
		if (isfinite(part->gap))
			snprintf(gap, sizeof(gap), "%.2f%%", 100.0 * part->gap);
		else
			snprintf(gap, sizeof(gap), "-");
		table_row(t);
		table_cell(t, "%s", names[i]);
		table_cell(t, "%s", part_status_name(part->status));
		table_cell(t, "%" PRId64, part->objective);
		table_cell(t, "%s", bound);
		table_cell(t, "%s", gap);
		table_cell(t, "%.2f", part->seconds);
		if (i == 0)
			table_cell(t, "%zu pairs, %zu uncovered communit%s", p->n_pairs,
			           p->n_uncovered, p->n_uncovered == 1 ? "y" : "ies");
		else
			table_cell(t, "%zu assignments", p->n_assignments);
	}
	table_print(t, f, NULL);
	table_free(t);
	for (i = 0; i < 2; i++)
		for (k = 0; k < parts[i]->n_reasons; k++) {
			fprintf(f, "%s: ", names[i]);
			table_fputs(parts[i]->reasons[k], f); /* the reasons quote names */
			fputc('\n', f);
		}
}

static int
write_plan(const struct plan *p, const char *output)
{
	char err[512];
	json_t *doc;
	int rc;

	if (output != NULL) {
		if (plan_write_file(output, p, err, sizeof(err)) != 0) {
			ctl_error("solve", "%s", err);
			return -1;
		}
		return 0;
	}
	doc = plan_to_json(p);
	if (doc == NULL) {
		ctl_error("solve", "out of memory writing the plan");
		return -1;
	}
	rc = json_dumpf(doc, stdout, JSON_INDENT(2));
	json_decref(doc);
	if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		ctl_error("solve", "cannot write the plan to stdout: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
run_solve(const struct ctl_args *args)
{
	struct solve_args a;
	struct snapshot s;
	struct worker_limits lim;
	struct solver_options opt = {0};
	struct progress pr = {false};
	struct plan plan;
	char err[1024];
	FILE *report;
	int rc;

	rc = solve_args(args, &a);
	if (rc >= 0)
		return rc;
	/* The machine-readable report goes where the plan does not. */
	report = a.json && a.output != NULL ? stdout : stderr;

	rc = ctl_snapshot_input("solve", a.input, "not solved", a.json ? report : NULL, &s);
	if (rc != EXIT_OK)
		return rc;

	solve_limits_default(&lim, &s);
	if (a.memory_mib >= 0)
		lim.memory_bytes = (size_t)a.memory_mib * 1024 * 1024;
	if (a.export_lp != NULL || a.export_network != NULL) {
		rc = export_models(&s, &a, &lim);
		if (rc != EXIT_OK || a.export_only) {
			if (rc == EXIT_OK && !a.quiet && !a.json) {
				if (a.export_lp != NULL)
					fprintf(stderr, "wrote %s-pairing.lp and %s-roster.lp\n",
					        a.export_lp, a.export_lp);
				if (a.export_network != NULL)
					fprintf(stderr, "wrote %s\n", a.export_network);
			}
			snapshot_free(&s);
			return rc;
		}
	}

	if (!a.quiet && isatty(STDERR_FILENO)) {
		opt.progress = show_progress;
		opt.progress_arg = &pr;
	}
	rc = solve_run(&s, &lim, &opt, &plan, err, sizeof(err));
	if (pr.shown)
		fputs("\r\033[K", stderr);
	snapshot_free(&s);
	if (rc != 0) {
		ctl_error("solve", "%s", err);
		return EXIT_FAILURE_RUN;
	}

	rc = write_plan(&plan, a.output) == 0 ? EXIT_OK : EXIT_FAILURE_RUN;
	if (a.json && !a.quiet)
		summary_json(&plan, report);
	else if (!a.quiet)
		summary_table(&plan, stderr);
	if (rc == EXIT_OK && (!part_ok(&plan.pairing) || !part_ok(&plan.roster)))
		rc = EXIT_FAILURE_RUN;
	plan_free(&plan);
	return rc;
}

const struct ctl_verb ctl_verb_solve = {
    .name = "solve",
    .usage = "solve --input SNAPSHOT [--output PLAN] [--export-lp PREFIX]\n"
             "                    [--export-network FILE] [--export-only] [--memory-mib N]\n"
             "                    [--quiet] [--json]",
    .summary = "solve a snapshot offline in an isolated child process",
    .help = "usage: parkplanctl solve --input SNAPSHOT [--output PLAN] [--export-lp PREFIX]\n"
            "                         [--export-network FILE] [--export-only] [--memory-mib N]\n"
            "                         [--quiet] [--json]\n"
            "\n"
            "Solve a snapshot (parkplan-snapshot/1 JSON) offline in an isolated child process\n"
            "and write the plan (parkplan-plan/1 JSON) to PLAN or stdout.\n"
            "\n"
            "  --input SNAPSHOT    the snapshot to solve\n"
            "  --output PLAN       write the plan there instead of stdout\n"
            "  --export-lp PREFIX  also write PREFIX-pairing.lp and PREFIX-roster.lp\n"
            "  --export-network FILE\n"
            "                      also write the pairing's network as a DIMACS min-cost\n"
            "                      flow file\n"
            "  --export-only       with an export: write the files, do not solve\n"
            "  --memory-mib N      memory limit of the solver and export processes (0: none;\n"
            "                      default: 512 MiB + 2 KiB a snapshot row, at most 16 GiB)\n"
            "  --quiet             no summary on stderr\n"
            "  --json              the summary (or the problems) as JSON: on stdout when\n"
            "                      the plan goes to --output, else on stderr\n"
            "\n"
            "exit: 0 both parts optimal or feasible, 1 a part infeasible or failed, the\n"
            "      solver process failed or the plan could not be written, 2 usage,\n"
            "      3 bad input, 5 internal error\n",
    .options = CTL_OPTIONS(&opt_input, &opt_output, &opt_export_lp, &opt_export_network,
                           &opt_export_only, &opt_memory_mib, &opt_quiet, &opt_json, &opt_help),
    .flags = CTL_OFFLINE,
    .wording = CTL_WORDING_SEE_HELP,
    .run = run_solve,
};
