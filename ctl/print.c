/*
 * print.c - parkplanctl's output for people: the problems of a snapshot.
 */
#include <inttypes.h>
#include <stdio.h>

#include "print.h"

void
print_problems(const struct problems *p, FILE *f)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct problem *pr = &p->v[i];

		fputs(pr->entity, f);
		if (pr->id != 0)
			fprintf(f, " %" PRId64, pr->id);
		fputs(": ", f);
		if (pr->field[0] != '\0')
			fprintf(f, "%s: ", pr->field);
		fprintf(f, "%s\n", pr->reason);
	}
}
