/*
 * lp_write.c - the CPLEX LP format written as it is generated (see
 * lp_write.h), in the layout glp_write_lp() uses: a few terms a line,
 * every number in %.17g, so that glp_read_lp() and other solvers (CBC,
 * glpsol) read back exactly the model parkplan solves.
 */
#include "lp_write.h"

#include <stdarg.h>

#define TERMS_PER_LINE 6

int
lpw_open(struct lp_writer *w, const char *path, const char *problem)
{
	w->f = fopen(path, "w");
	w->terms = 0;
	w->any = false;
	if (w->f == NULL)
		return -1;
	fprintf(w->f, "\\* Problem: %s *\\\n\n", problem);
	return 0;
}

void
lpw_section(struct lp_writer *w, const char *name)
{
	fprintf(w->f, "%s\n", name);
}

void
lpw_row(struct lp_writer *w, const char *fmt, ...)
{
	va_list ap;

	fputc(' ', w->f);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	fputc(':', w->f);
	w->terms = 0;
	w->any = false;
}

void
lpw_term(struct lp_writer *w, double coef, const char *fmt, ...)
{
	va_list ap;

	if (w->terms == TERMS_PER_LINE) {
		fputc('\n', w->f);
		w->terms = 0;
	}
	if (coef == 0)
		coef = 0.0; /* never "-0" */
	if (coef < 0)
		fprintf(w->f, " - %.17g ", -coef);
	else
		fprintf(w->f, " + %.17g ", coef);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	w->terms++;
	w->any = true;
}

void
lpw_end(struct lp_writer *w, const char *sense, double rhs, const char *zero_var)
{
	if (!w->any)
		fprintf(w->f, " 0 %s", zero_var);
	fprintf(w->f, " %s %.17g\n", sense, rhs);
}

void
lpw_end_objective(struct lp_writer *w, const char *zero_var)
{
	if (!w->any)
		fprintf(w->f, " 0 %s", zero_var);
	fputs("\n\n", w->f);
}

void
lpw_line(struct lp_writer *w, const char *fmt, ...)
{
	va_list ap;

	fputc(' ', w->f);
	va_start(ap, fmt);
	vfprintf(w->f, fmt, ap);
	va_end(ap);
	fputc('\n', w->f);
}

int
lpw_close(struct lp_writer *w)
{
	int bad;

	if (w->f == NULL)
		return -1;
	fputs("\nEnd\n", w->f);
	bad = ferror(w->f);
	if (fclose(w->f) != 0)
		bad = 1;
	w->f = NULL;
	return bad ? -1 : 0;
}
