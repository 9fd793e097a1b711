/*
 * copytext.h - text for PostgreSQL's COPY ... FROM STDIN in its text format.
 *
 * The one escaper of parkplan: the sample generator, the daemon's store and
 * the snapshot row written off the daemon's loop all go through it.  In a
 * field of COPY's text format a backslash, a tab, a newline and a carriage
 * return must be written as \\, \t, \n and \r; every other byte stands for
 * itself, and \N is SQL NULL.
 */
#ifndef PARKPLAN_COPYTEXT_H
#define PARKPLAN_COPYTEXT_H

#include <stddef.h>

/* Where escaped text goes: len bytes at data.  Returns 0, or -1 to stop. */
typedef int (*copytext_emit_fn)(void *arg, const char *data, size_t len);

/*
 * Escape len bytes of text (NULL: SQL NULL, written as \N) into emit, in as
 * few calls as the escapes allow.  Returns 0, or -1 when emit returned -1.
 */
int copytext_escape(const char *text, size_t len, copytext_emit_fn emit, void *arg);

/* The same for a NUL-terminated string (NULL: SQL NULL). */
int copytext_escape_str(const char *text, copytext_emit_fn emit, void *arg);

#endif
