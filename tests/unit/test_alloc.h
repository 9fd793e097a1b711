/*
 * test_alloc.h - allocation for the unit tests' hand-built snapshots: a
 * test that runs out of memory aborts rather than check a half-built case.
 */
#ifndef PARKPLAN_TEST_ALLOC_H
#define PARKPLAN_TEST_ALLOC_H

#include <stdlib.h>
#include <string.h>

/* A copy of s (NULL for NULL). */
static inline char *
xstrdup(const char *s)
{
	char *p = s != NULL ? strdup(s) : NULL;

	if (s != NULL && p == NULL)
		abort();
	return p;
}

/* n zeroed items (at least one, so that n = 0 is not NULL). */
static inline void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		abort();
	return p;
}

#endif
