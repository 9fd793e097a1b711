/*
 * roster_parts.h - what the files of the instructor roster (docs/model.md
 * §3) share; the explanations use roster.h alone.
 *
 *   roster_data.c      workloads, Hamilton's seats, the terms (roster.h)
 *   roster_setup.c     the model's rows: availability, forbids, pins, and
 *                      the roster in hand (its R, the plan part)
 *   roster_reasons.c   infeasibility in planners' words
 *   roster_first.c     the first roster, and the full-time minimums met
 *                      by an augmenting-path matching
 *   roster_model.c     the GLPK model, what it costs, the LP export
 *   roster_periods.c   the roster bettered by one-period LPs
 *   roster_flow.c      the roster bettered by one-period min-cost flows
 *   roster_interior.c  large models: the interior point's LP, rounded
 *   roster_local.c     moves and swaps without any model
 *   roster_lagrange.c  an upper bound on R without any model
 *   roster_paths.c     column generation over each instructor's path: the
 *                      master of one class, its pricing, the Lagrangian
 *                      bound (roster_paths.h)
 *   roster_master.c    the search over the masters: the bound, and a roster
 *                      from it
 *   roster.c           roster_solve(): which path, and the plan part
 */
#ifndef PARKPLAN_ROSTER_PARTS_H
#define PARKPLAN_ROSTER_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glpk.h>

#include "plan.h"
#include "roster.h"
#include "solver.h"

#define NO_ZONE (-1)
#define ROSTER_MIB (1024.0 * 1024.0)

/* a * b elements, or 0 when that overflows. */
static inline size_t
roster_count_mul(size_t a, size_t b)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	return a * b;
}

/* n zeroed elements of size sz; one element at least, so that an empty array is not NULL. */
static inline void *
roster_alloc(size_t n, size_t sz)
{
	return calloc(n > 0 ? n : 1, sz);
}

struct roster_model {
	const struct snapshot *s;
	const struct snapshot_index *ix;
	struct roster_data rd;
	size_t ni, nz, np;
	size_t *zone_order;     /* zone rows by id */
	size_t *inst_order;     /* instructor rows by id */
	unsigned char *allowed; /* [(p*ni+i)*nz+z]: available and not forbidden */
	int32_t *pin;           /* [p*ni+i]: pinned zone, or NO_ZONE */
	int32_t *pin2;          /* [p*ni+i]: a second, different pinned zone */
	int32_t *pin_unavail;   /* [p*ni+i]: zone pinned in a period the instructor is away */
	unsigned char *pruned;  /* [(p*ni+i)*nz+z]: x_izp = 1 cannot better the roster found */
	int32_t *zone_of;       /* [p*ni+i]: an assignment (warm start, then the plan) */
	const int32_t *only;    /* [p*ni+i] or NULL: build only this zone's x (NO_ZONE: all) */
	int *xcol, *ycol;       /* [(p*ni+i)*nz+z]: column, 0 when absent */
	int *ocol;              /* [(p*nz+z)*2+c]: c 0 full-time, 1 part-time */
	int *seatrow;           /* [(p*nz+z)*2+c]: the seat row of ocol's, 0 when absent */
	int *minrow;            /* [p*nz+z]: the full-time minimum's row, 0 when absent */
	glp_prob *lp;
	int ncols;
};

static inline size_t
pi_of(const struct roster_model *m, size_t p, size_t i)
{
	return p * m->ni + i;
}

static inline size_t
piz_of(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	return (p * m->ni + i) * m->nz + z;
}

/* The objective coefficient of x_izp. */
static inline int64_t
x_coef(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	const struct roster_terms *t = &m->rd.terms[i * m->nz + z];

	return t->skill - t->commute + (p == 0 ? t->keep : 0);
}

/* Whether instructor i may be placed in zone z in period p (pins included). */
static inline bool
roster_placeable(const struct roster_model *m, size_t p, size_t i, size_t z)
{
	int32_t pin = m->pin[pi_of(m, p, i)];

	if (!m->allowed[piz_of(m, p, i, z)])
		return false;
	return pin == NO_ZONE || pin == (int32_t)z;
}

/* w_stay when staying pays, else 0 (y is then 0 in every best roster). */
static inline int64_t
roster_stay_gain(const struct roster_model *m)
{
	return m->s->settings.w_stay > 0 ? m->s->settings.w_stay : 0;
}

/* roster_setup.c */
/* Rows, availability, forbids and pins: everything but the GLPK problem. */
int roster_model_setup(struct roster_model *m, const struct snapshot *s,
                       const struct snapshot_index *ix);
void roster_model_free(struct roster_model *m);
/* The instructors of class c (0 full-time, 1 part-time) in zone z, period p, for zone_of. */
int64_t roster_class_count(const struct roster_model *m, size_t p, size_t z, int c);
/* R for the roster in zone_of, with the best y and o it allows (docs/model.md §3). */
int64_t roster_objective(const struct roster_model *m);
/* What instructor i adds to R in zone z of period p, overflow aside. */
int64_t roster_place_value(const struct roster_model *m, size_t p, size_t i, size_t z);
/* Place the assignments and coverage of zone_of into out. */
int roster_output(const struct roster_model *m, struct plan *out);

/* roster_reasons.c: each adds one reason to part, naming the period. */
void roster_reason_pinned_away(const struct roster_model *m, size_t p, size_t i, size_t z,
                               struct plan_part *part);
void roster_reason_pinned_twice(const struct roster_model *m, size_t p, size_t i, size_t z1,
                                size_t z2, struct plan_part *part);
void roster_reason_pinned_forbidden(const struct roster_model *m, size_t p, size_t i, size_t z,
                                    struct plan_part *part);
void roster_reason_all_forbidden(const struct roster_model *m, size_t p, size_t i,
                                 struct plan_part *part);
/* Fewer full-time instructors available than the zones' minimums add up to. */
void roster_reason_fulltime_short(const struct roster_model *m, size_t p, int64_t min_zones,
                                  int64_t min_sum, bool min_one, struct plan_part *part);
/* The zones in hall need more full-time instructors than can be placed there. */
void roster_reason_hall(const struct roster_model *m, size_t p, const unsigned char *hall,
                        int64_t need, int64_t can, struct plan_part *part);
void roster_reason_no_zone(struct plan_part *part);
void roster_reason_no_roster(struct plan_part *part);

/* roster_first.c */
/*
 * Make zone_of[p] give every zone its min_fulltime full-time instructors.
 * Returns 0 when every need is met, 1 when one cannot be (the zones in
 * hall, needing *hall_need, *hall_can placeable), -1 when out of memory.
 */
int roster_fill_fulltime(struct roster_model *m, size_t p, unsigned char *hall, int64_t *hall_need,
                         int64_t *hall_can);
/*
 * The first roster into zone_of.  Returns 0, 1 when no roster exists (the
 * reasons in part, *n_reasons of them), -1 when out of memory.
 */
int roster_first(struct roster_model *m, struct plan_part *part, int *n_reasons);

/* roster_model.c */
/* The size of the model roster_model_build() would make over periods [p0, p1). */
struct roster_size {
	double cols, rows, nnz;
};

struct roster_size roster_model_count(const struct roster_model *m, size_t p0, size_t p1);
/* Bytes a model of this size costs at its peak (interior: by the interior point). */
double roster_model_bytes(struct roster_size sz, bool interior);
/*
 * Bytes the roster may still allocate for a GLPK model (opt->memory_room,
 * capped at opt->memory_budget_mib); *limited: a limit or the cap applies.
 */
double roster_memory_budget(const struct solver_options *opt, bool *limited);
/*
 * The MIP over periods [p0, p1) into m->lp and the column maps (clear for
 * those periods).  names: readable row and column names.  stay_bonus, for
 * the one-period models: 1 adds w_stay to staying in the zone of zone_of
 * in the period before, 2 also in the period after.
 */
int roster_model_build(struct roster_model *m, bool names, size_t p0, size_t p1, int stay_bonus);
/* Deletes m->lp and clears the column maps. */
void roster_model_clear(struct roster_model *m);
/* The column values of the roster in zone_of, for glp_ios_heur_sol (1-based). */
double *roster_model_point(const struct roster_model *m);
/* Read the roster GLPK found into zone_of. */
void roster_model_read(struct roster_model *m);
/* A valid upper bound on R without any solve: the best placement of everyone, every stay. */
double roster_trivial_bound(const struct roster_model *m);

/* roster_periods.c */
/*
 * Better zone_of period by period with one-period LPs until deadline; both:
 * count the period after from the first pass on.  *too_big (when not
 * NULL): a period had to be restricted or skipped.  Returns 0 or -1.
 */
int roster_by_period(struct roster_model *m, double deadline, const struct solver_options *opt,
                     bool both, bool *too_big);

/* roster_interior.c */
/*
 * Large models (m->lp built whole): the interior point's LP rounded into
 * zone_of when better, *bound lowered to its dual bound; m->lp is the
 * whole model again on return.  Returns 0 or -1 (out of memory).
 */
int roster_interior(struct roster_model *m, const struct solver_options *opt, double deadline,
                    double *bound);

/* roster_local.c: moves and swaps until none gains or the deadline; 0 or -1. */
int roster_local(struct roster_model *m, double deadline);

/* What roster_by_paths() did, for the method and for tuning. */
struct roster_paths_log {
	size_t rounds, columns, fixed;
	double lp, cg_seconds, ip_seconds;
	int ip_status;
};

/*
 * roster_paths.c: the roster by column generation over paths, starting
 * from the feasible roster in zone_of and bettering it there; *bound
 * receives an upper bound on R (the LP relaxation of the whole model once
 * no path prices in).  Returns 0, 1 when the data does not suit it (more
 * than 64 periods), -1 when out of memory.
 */
int roster_by_paths(struct roster_model *m, const struct solver_options *opt, double deadline,
                    double *bound, struct roster_paths_log *log);
/* The bytes roster_by_paths() may take at most, about. */
double roster_paths_bytes(const struct roster_model *m);

/*
 * roster_flow.c: better zone_of period by period, each period's best
 * roster with the others held found as a min-cost flow (LEMON); passes
 * over the periods until the deadline.  Returns 0 or -1 (out of memory).
 */
int roster_by_flows(struct roster_model *m, double deadline, int passes);

/* roster_lagrange.c: an upper bound on R, INFINITY when out of memory. */
double roster_lagrangian_bound(const struct roster_model *m, double target, double deadline);
/*
 * The same, the best multipliers into best_seat ([(p*nz+z)*2+c], >= 0) and
 * best_min ([p*nz+z], <= 0) when not NULL: duals of the seat and minimum
 * rows in the signs of roster_paths.c.
 */
double roster_lagrangian_search(const struct roster_model *m, double target, double deadline,
                                double *best_seat, double *best_min);
/* The same from the multipliers in best_seat and best_min when start (both then not NULL). */
double roster_lagrangian_from(const struct roster_model *m, double target, double deadline,
                              bool start, double *best_seat, double *best_min);

#endif
