/*
 * lp_write.h - a model written in CPLEX LP format as it is generated, row
 * by row, without building it in memory first (lp_write.c): the exports
 * of both models stream through it, so that a city's models take the
 * memory of the data alone.  Internal to the solver library.
 */
#ifndef PARKPLAN_LP_WRITE_H
#define PARKPLAN_LP_WRITE_H

#include <stdbool.h>
#include <stdio.h>

struct lp_writer {
	FILE *f;
	int terms; /* on the current line */
	bool any;  /* a term in the current row or objective */
};

/* Open path and write the problem's name.  0, or -1 (errno set). */
int lpw_open(struct lp_writer *w, const char *path, const char *problem);
/* A section header: "Maximize", "Subject To", "Bounds", "Generals". */
void lpw_section(struct lp_writer *w, const char *name);
/* A row (or the objective) named name begins. */
void lpw_row(struct lp_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A term coef * var of the row; the variable's name by fmt. */
void lpw_term(struct lp_writer *w, double coef, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The row ends with sense ("<=", ">=", "=") and rhs; empty: "0 zero_var" stands in. */
void lpw_end(struct lp_writer *w, const char *sense, double rhs, const char *zero_var);
/* The objective ends (it has no sense). */
void lpw_end_objective(struct lp_writer *w, const char *zero_var);
/* A whole line as given (bounds, generals). */
void lpw_line(struct lp_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "End", and close.  0, or -1 when anything failed to be written. */
int lpw_close(struct lp_writer *w);

#endif
