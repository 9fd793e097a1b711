/*
 * print.h - parkplanctl's output for people: JSON replies as tables and
 * lines (print.c), an explanation (print_explain.c), the problems of a
 * snapshot.  Scripts get the JSON itself (--json): print_json.
 */
#ifndef PARKPLAN_PRINT_H
#define PARKPLAN_PRINT_H

#include <stdio.h>

#include <jansson.h>

#include "validate.h"

/* One line per problem: "enterprise 12: lat: 123 is outside [-90, 90]". */
void print_problems(const struct problems *p, FILE *f);

/* The explanation explain() returned, as indented tables. */
void print_explain(const json_t *explanation, FILE *f);

#endif
