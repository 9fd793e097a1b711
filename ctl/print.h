/*
 * print.h - parkplanctl's output for people: JSON replies as tables and
 * lines (print.c), an explanation (print_explain.c), the problems of a
 * snapshot.  Scripts get the JSON itself (--json): print_json.
 */
#ifndef PARKPLAN_PRINT_H
#define PARKPLAN_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "validate.h"

/*
 * data as indented JSON and a newline on stdout: --json.  DEL, the C1
 * controls and the bidi overrides are written \uXXXX (the same JSON).
 */
void print_json(const json_t *data);

/*
 * Every string of a reply (keys too) made safe for a terminal, in place
 * (table_safe): before printing it for people.
 */
void print_clean(json_t *v);

/* A JSON value as table text: strings as they are, null as "-", numbers, yes/no. */
const char *print_text(const json_t *v, char *buf, size_t len);
/* A timestamp to the minute: "2026-11-27T14:50:33.123+00:00" -> "2026-11-27 14:50". */
const char *print_time(const json_t *v, char *buf, size_t len);

/* Rows of objects as a table on stdout: keys[i] under headers[i]. */
void print_rows(const json_t *rows, size_t ncols, const char *const *headers,
                const char *const *keys, const char *indent);

/* One line per problem: "enterprise 12: lat: 123 is outside [-90, 90]". */
void print_problems(const struct problems *p, FILE *f);

/* The explanation explain() returned, as indented tables. */
void print_explain(const json_t *explanation, FILE *f);

#endif
