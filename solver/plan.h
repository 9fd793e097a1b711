/*
 * plan.h - the output of a solve (docs/model.md §4).
 *
 * A plan owns its arrays and strings; plan_free() releases them.
 */
#ifndef PARKPLAN_PLAN_H
#define PARKPLAN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define PLAN_FORMAT "parkplan-plan/1"
#define PLAN_METHOD_MAX 47 /* bytes of a part's method */

enum part_status { PART_NOT_RUN, PART_OPTIMAL, PART_FEASIBLE, PART_INFEASIBLE, PART_ERROR };

struct plan_pair {
	int64_t enterprise_id, community_id;
	int64_t score;
};

struct plan_uncovered {
	int64_t community_id;
	int64_t shortfall;
};

struct plan_assignment {
	int64_t instructor_id, zone_id, period_id;
};

/* One row per zone and period: the coverage and the seats beside it. */
struct plan_coverage {
	int64_t zone_id, period_id;
	int64_t workload; /* D_z */
	int64_t capacity; /* sum of capacity of the instructors placed there */
	int64_t seats_full_time, seats_part_time;
};

/* Status and quality of one part (pairing or roster). */
struct plan_part {
	enum part_status status;
	int64_t objective; /* P or R, recomputed from the plan itself */
	double bound;      /* the solver's best bound */
	double gap;        /* relative gap, 0 when proven optimal */
	double seconds;    /* time spent solving this part */
	/*
	 * How the part was solved, e.g. "min-cost flow" or "branch-and-cut";
	 * "" when no method ran (infeasibility read off the data).
	 */
	char method[PLAN_METHOD_MAX + 1];
	double memory_budget_mib; /* the roster's memory budget as used; 0: none, or n/a */
	char **reasons;           /* why infeasible / error, in planners' words */
	size_t n_reasons;
};

struct plan {
	struct plan_part pairing;
	struct plan_pair *pairs; /* ordered by enterprise_id, community_id */
	size_t n_pairs;
	struct plan_uncovered *uncovered; /* ordered by community_id */
	size_t n_uncovered;

	struct plan_part roster;
	struct plan_assignment *assignments; /* ordered by period order, instructor_id */
	size_t n_assignments;
	struct plan_coverage *coverage; /* ordered by period order, zone_id */
	size_t n_coverage;
};

const char *part_status_name(enum part_status s);
/* Returns -1 for unknown text. */
int part_status_parse(const char *text, enum part_status *out);

void plan_init(struct plan *p);
void plan_free(struct plan *p);
void plan_part_add_reason(struct plan_part *part, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

json_t *plan_to_json(const struct plan *p);
int plan_from_json(const json_t *doc, struct plan *p, char *err, size_t errlen);
int plan_read_file(const char *path, struct plan *p, char *err, size_t errlen);
int plan_write_file(const char *path, const struct plan *p, char *err, size_t errlen);

#endif
