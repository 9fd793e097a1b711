/*
 * explain.c - why the plan says what it says: the entry point explain(),
 * which sets up the context (explain_ctx.h) and hands the subject to its
 * kind's part.  The JSON values and texts every part builds with are in
 * explain_json.c.
 *
 * explain() looks at one enterprise, community or instructor of a snapshot
 * and the plan computed from it, and returns a JSON object.  Every kind has
 *   "kind": "enterprise" | "community" | "instructor", "id": n, "name": "…",
 *   "plan": {...}, "terms": {...}, "alternatives": [...]
 * The plan's part is given as "pairing"/"roster": {"status", "reasons": [...]},
 * and its status again as plan.status.  What else each kind holds is
 * written where it is built: enterprise and community in explain_pairing.c
 * (their alternatives in explain_lost.c), instructor in explain_roster.c.
 *
 * Texts are built by vasprintf, the solver's one way to build text.
 */
#include "explain.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "explain_ctx.h"
#include "index.h"

/* ---------------------------------------------------------------- entry points */

int
explain_kind_parse(const char *text, enum explain_kind *out)
{
	if (text == NULL)
		return -1;
	if (strcmp(text, "enterprise") == 0)
		*out = EXPLAIN_ENTERPRISE;
	else if (strcmp(text, "community") == 0)
		*out = EXPLAIN_COMMUNITY;
	else if (strcmp(text, "instructor") == 0)
		*out = EXPLAIN_INSTRUCTOR;
	else
		return -1;
	return 0;
}

static void
ctx_free(struct explain_ctx *x)
{
	snapshot_index_free(&x->ix);
	explain_pairs_free(x);
}

json_t *
explain(const struct snapshot *s, const struct plan *p, enum explain_kind kind, int64_t id,
        size_t max_alternatives, char *err, size_t errlen)
{
	struct explain_ctx x;
	json_t *o = NULL;
	size_t row;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.p = p;
	x.max_alt = max_alternatives;
	if (snapshot_index_build(s, &x.ix) != 0) {
		snprintf(err, errlen, "out of memory indexing the snapshot");
		return NULL;
	}
	switch (kind) {
	case EXPLAIN_ENTERPRISE:
		row = idmap_get(&x.ix.enterprise, id);
		break;
	case EXPLAIN_COMMUNITY:
		row = idmap_get(&x.ix.community, id);
		break;
	case EXPLAIN_INSTRUCTOR:
		row = idmap_get(&x.ix.instructor, id);
		break;
	default:
		row = IDMAP_NONE;
		break;
	}
	if (row == IDMAP_NONE) {
		snprintf(err, errlen, "no %s with id %" PRId64 " in the snapshot",
		         kind == EXPLAIN_ENTERPRISE  ? "enterprise"
		         : kind == EXPLAIN_COMMUNITY ? "community"
		                                     : "instructor",
		         id);
		ctx_free(&x);
		return NULL;
	}
	if (explain_pairs_build(&x) != 0) {
		snprintf(err, errlen, "out of memory reading the plan");
		ctx_free(&x);
		return NULL;
	}
	if (kind == EXPLAIN_ENTERPRISE)
		o = explain_enterprise(&x, row);
	else if (kind == EXPLAIN_COMMUNITY)
		o = explain_community(&x, row);
	else
		o = explain_instructor(&x, row);
	ctx_free(&x);
	if (x.oom || o == NULL) {
		json_decref(o);
		snprintf(err, errlen, "out of memory building the explanation");
		return NULL;
	}
	return o;
}
