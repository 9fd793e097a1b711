/*
 * explain_ctx.h - what the parts of an explanation share, private to
 * solver/explain*.c: the context of one explain() call (explain.c), the
 * helpers that build its JSON values and its texts (explain_json.c), the
 * plan's pairs seen from either side (explain_pairs.c), an enterprise's or
 * a community's part (explain_pairing.c), why a pair lost
 * (explain_lost.c) and an instructor's periods (explain_roster.c).
 *
 * Every helper that can run out of memory sets x->oom and goes on; explain()
 * drops the whole explanation at the end when it is set.
 */
#ifndef PARKPLAN_EXPLAIN_CTX_H
#define PARKPLAN_EXPLAIN_CTX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "explain.h"
#include "index.h"
#include "pairing_candidates.h"
#include "plan.h"
#include "snapshot.h"

#define EXPLAIN_NONE ((size_t)-1)

struct explain_ctx {
	const struct snapshot *s;
	const struct plan *p;
	struct snapshot_index ix;
	size_t max_alt;
	bool oom;

	/* The plan's pairs resolved to rows (IDMAP_NONE when not in the snapshot). */
	size_t *pe, *pc;
	size_t *e_count, *e_weak;  /* [enterprise row]: pairs, the lowest-scoring one */
	size_t *c_count, *c_weak;  /* [community row] */
	size_t *c_start, *c_list;  /* partners of each community: CSR over plan pairs */
	struct id_pair *plan_keys; /* sorted (enterprise_id, community_id) */
	size_t n_plan_keys;
	int64_t dropped_previous; /* pairs of the plan in force not in the plan */
};

static inline const struct enterprise *
ent(const struct explain_ctx *x, size_t row)
{
	return &x->s->enterprises[row];
}

static inline const struct community *
com(const struct explain_ctx *x, size_t row)
{
	return &x->s->communities[row];
}

/* explain_json.c: JSON values */
json_t *explain_text(struct explain_ctx *x, const char *s); /* invalid UTF-8 shown as '?' */
json_t *explain_textf(struct explain_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
json_t *explain_object(struct explain_ctx *x);
json_t *explain_array(struct explain_ctx *x);
void explain_set(struct explain_ctx *x, json_t *obj, const char *key, json_t *val);
void explain_push(struct explain_ctx *x, json_t *arr, json_t *val);
json_t *explain_ratio(double v, double scale); /* rounded for reading, never summed */
json_t *explain_codes(struct explain_ctx *x, const struct codes *c);
json_t *explain_zone_ref(struct explain_ctx *x, int64_t zone_id); /* null when unknown */
json_t *explain_part(struct explain_ctx *x, const struct plan_part *part);

/* explain_json.c: texts, a malloc'd string (NULL while empty) grown by vasprintf */
void explain_append(struct explain_ctx *x, char **text, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void explain_vappend(struct explain_ctx *x, char **text, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/*
 * One reason an alternative lost: the first sets *code, each is a clause
 * of *reason, after "; ".
 */
void explain_block(struct explain_ctx *x, const char **code, char **reason, const char *block_code,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* explain_pairs.c: the plan's pairs, one pair's facts and terms */
int explain_pairs_build(struct explain_ctx *x);
void explain_pairs_free(struct explain_ctx *x);
bool explain_in_plan(const struct explain_ctx *x, int64_t eid, int64_t cid);
bool explain_rule_pair(const struct snapshot *s, enum rule_kind kind, int64_t eid, int64_t cid);
bool explain_previous_pair(const struct snapshot *s, int64_t eid, int64_t cid);
const char *explain_pairing_status(const struct explain_ctx *x);
bool explain_pairing_ran(const struct explain_ctx *x);
json_t *explain_pair_terms(struct explain_ctx *x, const struct enterprise *e,
                           const struct community *c, const struct pair_terms *t, bool pinned);

/* explain_pairing.c */
json_t *explain_enterprise(struct explain_ctx *x, size_t row);
json_t *explain_community(struct explain_ctx *x, size_t row);

/* explain_lost.c: one pair that is not in the plan, seen from the subject */
struct explain_lost {
	size_t e, c; /* rows */
	struct pair_terms t;
	bool candidate, forbidden, pinned, previous;
	int64_t sort_id; /* id of the alternative */
};

struct explain_lost_list {
	struct explain_lost *v;
	size_t n, cap;
};

void explain_lost_classify(const struct settings *st, const struct enterprise *e,
                           struct explain_lost *l);
bool explain_lost_worth_listing(const struct settings *st, const struct explain_lost *l);
int explain_lost_push(struct explain_lost_list *ll, const struct explain_lost *l);
/* The best max_alt of the list, sorted, each with its reason. */
json_t *explain_lost_alternatives(struct explain_ctx *x, struct explain_lost_list *ll,
                                  bool subject_is_enterprise);

/* explain_roster.c */
json_t *explain_instructor(struct explain_ctx *x, size_t row);

#endif
