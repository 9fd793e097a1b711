/*
 * args.c - a verb's command line, parsed once from the options the verb
 * declares (ctl.h), and how parkplanctl reports a mistake in it.
 *
 * The parse is getopt_long's, so that a command line means what it always
 * meant and a mistake is reported in the same words: options and arguments
 * in any order (in order only under $POSIXLY_CORRECT), "--" ends the
 * options, "--name=VALUE" or "--name VALUE", a long name shortened to a
 * prefix no other option has, letters grouped ("-jq", "-n3").  Options are
 * taken left to right and the first bad one stops the parse.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl.h"
#include "table.h"

void
ctl_error(const char *verb, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	int n;

	fprintf(stderr, "parkplanctl: %s: ", verb);
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	/* messages quote parkpland's and the database's: text, never controls */
	if (n >= 0)
		table_fputs(text, stderr);
	free(text);
	fputc('\n', stderr);
}

/* --- checks of a value ---------------------------------------------------- */

int
ctl_check_positive(const char *verb, const struct ctl_option *o, const char *text,
                   union ctl_value *out)
{
	char *end;

	out->real = strtod(text, &end);
	if (*end != '\0' || out->real <= 0) {
		ctl_error(verb, "--%s: '%s' is not a positive number", o->long_name, text);
		return -1;
	}
	return 0;
}

int
ctl_check_count(const char *verb, const struct ctl_option *o, const char *text,
                union ctl_value *out)
{
	char *end;

	out->integer = strtoll(text, &end, 10);
	if (*end != '\0' || out->integer < 1) {
		ctl_error(verb, "--%s: '%s' is not a positive integer", o->long_name, text);
		return -1;
	}
	return 0;
}

int
ctl_check_range(const char *verb, const struct ctl_option *o, const char *text,
                union ctl_value *out)
{
	char *end;

	errno = 0;
	out->integer = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || out->integer < 0 ||
	    out->integer > o->max) {
		ctl_error(verb, "--%s: '%s' is not a number in [0, %lld]", o->long_name, text,
		          o->max);
		return -1;
	}
	return 0;
}

/* --- the parse ------------------------------------------------------------ */

/* What went wrong with an option, in getopt's terms. */
enum mistake {
	UNRECOGNIZED, /* --name that is no option */
	AMBIGUOUS,    /* --prefix of several options */
	NO_VALUE,     /* --flag=VALUE */
	NEEDS_VALUE,  /* --name or -l last, without its value */
	INVALID,      /* -l that is no option */
	REFUSED,      /* an option the verb reads but does not take */
};

struct parse {
	const struct ctl_verb *v;
	const struct ctl_option *const *reads; /* the options recognised */
	int argc;
	char **argv;
	int i;                /* the word being read */
	int n_pos;            /* arguments seen so far, moved to argv[1..n_pos] */
	const char *last_pos; /* the last of them */
	struct ctl_args *a;
};

static bool
takes(const struct ctl_verb *v, const struct ctl_option *o, size_t *k)
{
	size_t j;

	for (j = 0; v->options[j] != NULL; j++)
		if (v->options[j] == o) {
			*k = j;
			return true;
		}
	return false;
}

/*
 * Report a mistake.  shown is argv[optind - 1] as getopt leaves it; word is
 * the option's text after its dashes (or its letter) for getopt's words.
 */
static int
mistake(const struct parse *ps, enum mistake m, const char *shown, const char *word, char letter,
        const struct ctl_option *found)
{
	const struct ctl_verb *v = ps->v;
	size_t j;

	switch (v->wording) {
	case CTL_WORDING_TERSE:
		ctl_error(v->name, "unknown option '%s'", shown);
		return EXIT_USAGE;
	case CTL_WORDING_SEE_HELP:
	case CTL_WORDING_USAGE:
		if (m == NEEDS_VALUE) {
			ctl_error(v->name, "%s needs a value", shown);
			return EXIT_USAGE;
		}
		if (v->wording == CTL_WORDING_SEE_HELP) {
			ctl_error(v->name, "unknown option '%s' (see parkplanctl %s --help)", shown,
			          v->name);
			return EXIT_USAGE;
		}
		ctl_error(v->name, "unknown option '%s'", shown);
		break;
	case CTL_WORDING_GETOPT:
		switch (m) {
		case UNRECOGNIZED:
		case REFUSED:
			fprintf(stderr, "%s: unrecognized option '--%s'\n", v->name, word);
			break;
		case AMBIGUOUS:
			fprintf(stderr, "%s: option '--%s' is ambiguous; possibilities:", v->name,
			        word);
			for (j = 0; ps->reads[j] != NULL; j++)
				if (strncmp(ps->reads[j]->long_name, word, strcspn(word, "=")) == 0)
					fprintf(stderr, " '--%s'", ps->reads[j]->long_name);
			fputc('\n', stderr);
			break;
		case NO_VALUE:
			fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n", v->name,
			        found->long_name);
			break;
		case NEEDS_VALUE:
			if (letter != 0)
				fprintf(stderr, "%s: option requires an argument -- '%c'\n",
				        v->name, letter);
			else
				fprintf(stderr, "%s: option '--%s' requires an argument\n", v->name,
				        found->long_name);
			break;
		case INVALID:
			fprintf(stderr, "%s: invalid option -- '%c'\n", v->name, letter);
			break;
		}
		break;
	}
	if (v->help != NULL)
		fputs(v->help, stderr);
	return EXIT_USAGE;
}

/* Take option o with its value (NULL for a flag); shown as in mistake(). */
static int
take(struct parse *ps, const struct ctl_option *o, const char *value, const char *shown,
     const char *word, char letter)
{
	struct ctl_args *a = ps->a;
	size_t k;

	if (!takes(ps->v, o, &k))
		return mistake(ps, REFUSED, shown, word, letter, o);
	switch (o->kind) {
	case CTL_HELP:
		if (ps->v->help != NULL)
			fputs(ps->v->help, stdout);
		return EXIT_OK;
	case CTL_FLAG:
		a->given[k] = true;
		return -1;
	case CTL_VALUE:
		if (o->check != NULL && o->check(ps->v->name, o, value, &a->value[k]) != 0)
			return EXIT_USAGE;
		a->given[k] = true;
		a->text[k] = value;
		return -1;
	}
	return -1;
}

/* The option named word (up to its '='): exact, else the one it is a prefix of. */
static const struct ctl_option *
lookup(const struct ctl_option *const *reads, const char *word, size_t len, int *prefixes)
{
	const struct ctl_option *first = NULL;
	size_t j;

	*prefixes = 0;
	for (j = 0; reads[j] != NULL; j++)
		if (strlen(reads[j]->long_name) == len &&
		    strncmp(reads[j]->long_name, word, len) == 0)
			return reads[j];
	for (j = 0; reads[j] != NULL; j++)
		if (strncmp(reads[j]->long_name, word, len) == 0 && (*prefixes)++ == 0)
			first = reads[j];
	return first;
}

/* "--name[=value]" at argv[i]. */
static int
long_option(struct parse *ps)
{
	char *arg = ps->argv[ps->i];
	const char *word = arg + 2, *value = NULL;
	size_t len = strcspn(word, "=");
	int prefixes;
	const struct ctl_option *found = lookup(ps->reads, word, len, &prefixes);

	ps->i++;
	if (prefixes > 1)
		return mistake(ps, AMBIGUOUS, arg, word, 0, NULL);
	if (found == NULL)
		return mistake(ps, UNRECOGNIZED, arg, word, 0, NULL);
	if (word[len] == '=') {
		if (found->kind != CTL_VALUE)
			return mistake(ps, NO_VALUE, arg, word, 0, found);
		value = word + len + 1;
	} else if (found->kind == CTL_VALUE) {
		if (ps->i == ps->argc)
			return mistake(ps, NEEDS_VALUE, arg, word, 0, found);
		value = ps->argv[ps->i++];
	}
	return take(ps, found, value, ps->argv[ps->i - 1], word, 0);
}

/* "-abc" at argv[i]: letters, the last may have its value glued or next. */
static int
letters(struct parse *ps)
{
	char *arg = ps->argv[ps->i];
	size_t c, j;
	int rc;

	for (c = 1; arg[c] != '\0'; c++) {
		const struct ctl_option *found = NULL;
		bool last = arg[c + 1] == '\0';
		/* getopt moves on to the next word when it reads the last letter */
		const char *shown = last ? arg : ps->n_pos > 0 ? ps->last_pos : ps->argv[ps->i - 1];
		const char *value = NULL;

		for (j = 0; ps->v->options[j] != NULL && found == NULL; j++)
			if (ps->v->options[j]->letter != 0 && ps->v->options[j]->letter == arg[c])
				found = ps->v->options[j];
		if (last)
			ps->i++;
		if (found == NULL)
			return mistake(ps, INVALID, shown, NULL, arg[c], NULL);
		if (found->kind == CTL_VALUE) {
			if (!last) {
				value = arg + c + 1;
				ps->i++;
			} else if (ps->i == ps->argc) {
				return mistake(ps, NEEDS_VALUE, arg, NULL, arg[c], found);
			} else {
				value = ps->argv[ps->i++];
			}
			return take(ps, found, value, ps->argv[ps->i - 1], NULL, arg[c]);
		}
		rc = take(ps, found, NULL, shown, NULL, arg[c]);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

static int
count_arguments(const struct ctl_verb *v, const struct ctl_args *a)
{
	if (v->max_args == CTL_ARGS_ANY || (a->n_pos >= v->min_args && a->n_pos <= v->max_args))
		return -1;
	if (v->wording != CTL_WORDING_TERSE && a->n_pos > v->max_args) {
		ctl_error(v->name, "unexpected argument '%s'", a->pos[v->max_args]);
		if (v->wording == CTL_WORDING_GETOPT && v->help != NULL)
			fputs(v->help, stderr);
		return EXIT_USAGE;
	}
	ctl_error(v->name, "expected %d to %d arguments, got %d (see parkplanctl --help)",
	          v->min_args, v->max_args, a->n_pos);
	return EXIT_USAGE;
}

int
ctl_args_parse(const struct ctl_verb *v, int argc, char **argv, struct ctl_args *a)
{
	struct parse ps = {
	    .v = v,
	    .reads = (v->flags & (CTL_DAEMON | CTL_OWN_OPTIONS)) == CTL_DAEMON ? client_options
	                                                                       : v->options,
	    .argc = argc,
	    .argv = argv,
	    .i = 1,
	    .a = a,
	};
	bool in_order = getenv("POSIXLY_CORRECT") != NULL;
	int rc;

	memset(a, 0, sizeof(*a));
	a->verb = v;
	while (ps.i < argc) {
		char *arg = argv[ps.i];

		if (strcmp(arg, "--") == 0) {
			ps.i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			if (in_order)
				break;
			/* Arguments move to the front of argv, their order kept. */
			argv[1 + ps.n_pos++] = arg;
			ps.last_pos = arg;
			ps.i++;
			continue;
		}
		rc = arg[1] == '-' ? long_option(&ps) : letters(&ps);
		if (rc >= 0)
			return rc;
	}
	while (ps.i < argc)
		argv[1 + ps.n_pos++] = argv[ps.i++];
	a->pos = argv + 1;
	a->n_pos = ps.n_pos;
	return count_arguments(v, a);
}

/* --- what the handler reads ----------------------------------------------- */

static int
option_index(const struct ctl_args *a, const char *name)
{
	int k;

	for (k = 0; a->verb->options[k] != NULL; k++)
		if (strcmp(a->verb->options[k]->long_name, name) == 0)
			return k;
	abort(); /* the verb does not declare the option its handler asks for */
}

bool
ctl_given(const struct ctl_args *a, const char *name)
{
	return a->given[option_index(a, name)];
}

const char *
ctl_text(const struct ctl_args *a, const char *name)
{
	int k = option_index(a, name);

	return a->given[k] ? a->text[k] : NULL;
}

const union ctl_value *
ctl_value(const struct ctl_args *a, const char *name)
{
	int k = option_index(a, name);

	return a->given[k] ? &a->value[k] : NULL;
}

bool
ctl_mentions(int argc, char **argv, const char *word)
{
	size_t n = strlen(word);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], word, n) == 0 && (argv[i][n] == '\0' || argv[i][n] == '='))
			return true;
	}
	return false;
}
