/*
 * roster.h - the roster model's data (docs/model.md §3): workloads, seats
 * and the terms of each instructor-zone pairing (roster_data.c).  Shared
 * by the roster's models (roster_parts.h) and the explanations.
 */
#ifndef PARKPLAN_ROSTER_H
#define PARKPLAN_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "snapshot.h"

/* ow(e): org_weight of its class, plus new_bonus when 0 <= plan_date - joined_on < new_days. */
int64_t enterprise_workload(const struct settings *st, const struct enterprise *e,
                            int32_t plan_date);

/*
 * Hamilton's apportionment of n seats over nz zones by weights D (all >= 0,
 * sum > 0): the whole parts, then the remaining seats one by one to the
 * largest fractional parts, ties to the lower zone id.  Exact in integers.
 */
void hamilton(int64_t n, const int64_t *D, const int64_t *zone_ids, size_t nz, int64_t *seats);

struct roster_terms {
	int64_t skill; /* round(w_skill · Σ_{e in z, industry ∈ skills} ow(e) / D_z) */
	double commute_m;
	int64_t commute; /* round(w_commute · min(1, d / commute_scale_m)) */
	int64_t keep;    /* w_keep_zone when (i, z) is in previous.assignments */
};

/* Everything the roster model needs, indexed by rows of the snapshot. */
struct roster_data {
	size_t nz, ni, np;
	int32_t plan_date;
	int64_t *workload;          /* [z]: D_z as computed */
	int64_t *weight;            /* [z]: D_z used for seats (all 1 when every D_z is 0) */
	int64_t *seats_ft;          /* [p * nz + z] */
	int64_t *seats_pt;          /* [p * nz + z] */
	int64_t *avail_ft;          /* [p]: F */
	int64_t *avail_pt;          /* [p]: H */
	bool *available;            /* [p * ni + i] */
	struct roster_terms *terms; /* [i * nz + z] */
};

int roster_prepare(const struct snapshot *s, const struct snapshot_index *ix,
                   struct roster_data *rd);
void roster_data_free(struct roster_data *rd);

#endif
