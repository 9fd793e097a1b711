/*
 * ctl.h - parkplanctl: the command-line client of parkpland's control
 * socket, plus the offline verbs that work on a database or a file.
 *
 * Each verb is a const struct ctl_verb, defined in the file of the verb
 * (cmd_*.c) and collected in the table of verbs.c, which main.c walks for
 * dispatch and --help.  A verb declares the options it takes; the command
 * line is parsed once from them (args.c), and the handler gets what was
 * parsed.  Every handler has the same signature and returns an exit code.
 *
 *	args.c      parsing a verb's command line, ctl_error
 *	database.c  the DSN and the connection of the offline verbs
 *	client.c    the control socket (client.h)
 *	print*.c    output for people (print.h), table.c its tables
 */
#ifndef PARKPLAN_CTL_H
#define PARKPLAN_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

/* Exit codes: protocol.h, shared with parkpland. */
#include "../daemon/protocol.h"

#define CTL_STR(x) CTL_STR_(x)
#define CTL_STR_(x) #x

/* --- options -------------------------------------------------------------- */

/* An option's value once checked. */
union ctl_value {
	double real;
	long long integer;
	uint64_t natural;
};

enum ctl_option_kind {
	CTL_FLAG,  /* --name */
	CTL_VALUE, /* --name VALUE, --name=VALUE, -lVALUE, -l VALUE */
	CTL_HELP,  /* prints the verb's help to stdout: exit 0 */
};

struct ctl_option;

/*
 * Converts and checks an option's value; prints why (ctl_error) and returns
 * -1 when it is bad.
 */
typedef int ctl_check_fn(const char *verb, const struct ctl_option *o, const char *text,
                         union ctl_value *out);

struct ctl_option {
	const char *long_name; /* --long_name */
	char letter;           /* -letter, 0: none */
	enum ctl_option_kind kind;
	ctl_check_fn *check; /* CTL_VALUE: NULL takes any text */
	long long max;       /* the bound ctl_check_range checks against */
};

/* A verb's options: a NULL-terminated list. */
#define CTL_OPTIONS(...) ((const struct ctl_option *const[]){__VA_ARGS__, NULL})

/* The checks of args.c, worded "--NAME: 'TEXT' is not ...". */
ctl_check_fn ctl_check_positive; /* a number > 0 (real) */
ctl_check_fn ctl_check_count;    /* an integer >= 1 (integer) */
ctl_check_fn ctl_check_range;    /* an integer in [0, max] (integer) */

/* --- verbs ---------------------------------------------------------------- */

/*
 * What a verb needs.  A CTL_DAEMON verb reads every option of the socket
 * verbs (client_options, with their values) and refuses those it does not
 * take, as one getopt table served them all; with CTL_OWN_OPTIONS it reads
 * only its own, as an offline verb does.
 */
#define CTL_DAEMON 0x1      /* asks parkpland over its control socket (client.h) */
#define CTL_OFFLINE 0x2     /* works without parkpland, on a database or on files */
#define CTL_OWN_OPTIONS 0x4 /* a CTL_DAEMON verb with options the others lack */

/*
 * How a verb words a bad command line: each as parkplanctl always has.
 * SHOWN is the word the parse stopped at, as getopt(3) left it in
 * argv[optind - 1] (an option's value when it came as the next word).
 */
enum ctl_wording {
	/* any bad option: "unknown option 'SHOWN'"; a wrong count of
	   arguments: "expected N to M arguments, got K (see parkplanctl --help)" */
	CTL_WORDING_TERSE,
	/* "SHOWN needs a value", "unknown option 'SHOWN' (see parkplanctl VERB --help)",
	   "unexpected argument 'A'" */
	CTL_WORDING_SEE_HELP,
	/* "SHOWN needs a value"; "unknown option 'SHOWN'" and the help on stderr;
	   "unexpected argument 'A'" */
	CTL_WORDING_USAGE,
	/* getopt(3)'s own words ("VERB: unrecognized option '--x'"), then the help
	   on stderr; "unexpected argument 'A'" and the help */
	CTL_WORDING_GETOPT,
};

#define CTL_ARGS_ANY (-1) /* max_args: the handler counts the arguments */

struct ctl_args;

struct ctl_verb {
	const char *name;
	const char *usage;   /* the line(s) after "parkplanctl " in parkplanctl --help */
	const char *summary; /* NULL: another form of the verb in the row before */
	const char *help;    /* printed by its CTL_HELP option */
	const struct ctl_option *const *options; /* CTL_OPTIONS(...) */
	unsigned flags;                          /* CTL_DAEMON, CTL_OFFLINE */
	enum ctl_wording wording;
	int min_args, max_args; /* positional arguments */
	/*
	 * A verb with two forms has two rows of the same name: the first
	 * whose claims() accepts the command line runs (NULL: any).
	 */
	bool (*claims)(int argc, char **argv);
	int (*run)(const struct ctl_args *a);
};

/* verbs.c: every row, in the order of parkplanctl --help; NULL-terminated. */
extern const struct ctl_verb *const ctl_verbs[];

extern const struct ctl_verb ctl_verb_migrate; /* cmd_migrate.c */
extern const struct ctl_verb ctl_verb_sample;  /* cmd_sample.c */
extern const struct ctl_verb ctl_verb_import;  /* cmd_import.c */
extern const struct ctl_verb ctl_verb_imports;
extern const struct ctl_verb ctl_verb_export_data;
extern const struct ctl_verb ctl_verb_snapshot_db; /* cmd_snapshot.c */
extern const struct ctl_verb ctl_verb_snapshot_socket;
extern const struct ctl_verb ctl_verb_solve;           /* cmd_solve.c */
extern const struct ctl_verb ctl_verb_explain_offline; /* cmd_explain.c */
extern const struct ctl_verb ctl_verb_explain_socket;
extern const struct ctl_verb ctl_verb_export_offline; /* cmd_export.c */
extern const struct ctl_verb ctl_verb_export_socket;
extern const struct ctl_verb ctl_verb_status; /* cmd_status.c */
extern const struct ctl_verb ctl_verb_replan;
extern const struct ctl_verb ctl_verb_plans; /* cmd_plans.c */
extern const struct ctl_verb ctl_verb_show;
extern const struct ctl_verb ctl_verb_diff;
extern const struct ctl_verb ctl_verb_approve; /* cmd_approve.c */
extern const struct ctl_verb ctl_verb_reload;

/* --- a parsed command line (args.c) --------------------------------------- */

#define CTL_MAX_OPTIONS 16

struct ctl_args {
	const struct ctl_verb *verb;
	/* [k]: the verb's option k, as last given */
	bool given[CTL_MAX_OPTIONS];
	const char *text[CTL_MAX_OPTIONS];
	union ctl_value value[CTL_MAX_OPTIONS];
	char **pos; /* the positional arguments, in order */
	int n_pos;
};

/*
 * Parse argv (argv[0] is the verb) against the verb's options, getopt_long
 * style: options and arguments in any order, "--" ends the options, a long
 * option may be shortened to a prefix no other option has.  argv is
 * reordered: the arguments move to argv[1..], in order (a->pos).  Returns -1 when
 * the handler is to run, else the exit code (0 after a help, EXIT_USAGE
 * after printing why).
 */
int ctl_args_parse(const struct ctl_verb *v, int argc, char **argv, struct ctl_args *a);

/* The option named name of a's verb: given?  its text, its value (NULL: not given). */
bool ctl_given(const struct ctl_args *a, const char *name);
const char *ctl_text(const struct ctl_args *a, const char *name);
const union ctl_value *ctl_value(const struct ctl_args *a, const char *name);

/*
 * True when argv names the option word, as "WORD", "WORD VALUE" or
 * "WORD=VALUE", before any "--": how the two forms of a verb are told apart.
 */
bool ctl_mentions(int argc, char **argv, const char *word);

/* Print "parkplanctl: <verb>: <message>" to stderr. */
void ctl_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The snapshot file of an offline verb (input.c): read and validated into
 * *s, EXIT_OK; or EXIT_INPUT with *s freed, after saying why: its
 * problems for people ("N problems, <refusal>:") or, with json_to, as
 * {"problems": [...]} there.
 */
struct snapshot;
int ctl_snapshot_input(const char *verb, const char *path, const char *refusal, FILE *json_to,
                       struct snapshot *s);

/* --- the database of the offline verbs (database.c) ----------------------- */

/*
 * The DSN for offline verbs: --dsn's value if given, else $PARKPLAN_DSN.
 * Returns NULL (after printing why) when there is none.
 */
const char *ctl_dsn(const char *option_value);

/* Connect or print why not; NULL on failure. */
PGconn *ctl_connect(const char *dsn);

/*
 * The DSN (--dsn's value or $PARKPLAN_DSN), connected, with the schema this
 * parkplan knows; NULL after printing why, with the exit code in *rc.
 */
PGconn *ctl_connect_schema(const char *verb, const char *option_value, int *rc);

#endif
