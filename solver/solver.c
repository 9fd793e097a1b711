/*
 * solver.c - both parts of a plan from one validated snapshot.
 */
#include "solver.h"

#include <stdio.h>

int
solver_solve(const struct snapshot *s, const struct solver_options *opt, struct plan *out,
             char *err, size_t errlen)
{
	struct solver_options none = {0};
	struct snapshot_index ix;
	int rc = 0;

	if (opt == NULL)
		opt = &none;
	plan_init(out);
	if (snapshot_index_build(s, &ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return -1;
	}
	if (pairing_solve(s, &ix, opt, out) != 0 || roster_solve(s, &ix, opt, out) != 0) {
		snprintf(err, errlen, "out of memory building the models");
		rc = -1;
	}
	snapshot_index_free(&ix);
	return rc;
}
