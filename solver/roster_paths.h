/*
 * roster_paths.h - what the roster's column generation shares
 * (docs/model.md §3): a master problem over instructor paths for one class
 * of instructors (roster_paths.c: its rows, its columns, the dynamic
 * programme that prices paths, the Lagrangian bound), and the search over
 * it (roster_master.c).  Internal to the solver library.
 */
#ifndef PARKPLAN_ROSTER_PATHS_H
#define PARKPLAN_ROSTER_PATHS_H

#include "roster_parts.h"

struct paths {
	struct roster_model *m;
	glp_prob *lp;
	size_t np, ni, nz;
	int cls;       /* the class of instructors this master places: 0 full-time, 1 part-time */
	int *conv_row; /* [i], 0 when i is never available */
	int *seat_row; /* [(p*nz+z)*2+c], 0 when nobody of class c is available in p */
	int *min_row;  /* [p*nz+z], 0 when min_fulltime is 0 */
	int *o_col;    /* [(p*nz+z)*2+c]: the overflow of each seat row */
	/* the paths, one column each */
	int32_t *zones; /* [k*np+p]: the path's zone in p, NO_ZONE when away */
	size_t *inst;   /* [k] */
	size_t *next;   /* [k]: the instructor's path before it, SIZE_MAX at the end */
	size_t *head;   /* [i]: the instructor's last path, SIZE_MAX when none */
	size_t n, cap;
	int col0; /* the first path's column: the overflow columns come first */
	/* the dynamic programme's scratch */
	double *f, *w;
	unsigned char *stay;
	int32_t *best; /* [p]: the best path found for the instructor in hand */
};

/* Duals of the seat and minimum rows: [(p*nz+z)*2+c] and [p*nz+z]. */
struct duals {
	double *seat, *min;
};

/* The class of instructor i: 0 full-time, 1 part-time. */
static inline int
paths_class(const struct roster_model *m, size_t i)
{
	return m->s->instructors[i].full_time ? 0 : 1;
}

/* The master of class cls: its rows and overflow columns, no path yet.  0 or -1. */
int paths_setup(struct paths *ps, struct roster_model *m, int cls);
void paths_free(struct paths *ps);
/* The value of a path in R: its placements and its stays. */
int64_t paths_value(const struct roster_model *m, size_t i, const int32_t *zones);
/* Instructor i's path as a new column.  0 or -1. */
int paths_add(struct paths *ps, size_t i, const int32_t *zones);
/* The column of instructor i's path, 0 when it has none. */
int paths_find(const struct paths *ps, size_t i, const int32_t *zones);
/* The column of instructor i's path in zone_of, added when new; 0 when out of memory. */
int paths_of_roster(struct paths *ps, size_t i);
/* Each instructor's paths staying all along in one of their k best zones.  0 or -1. */
int paths_add_stays(struct paths *ps, size_t k);
/* The roster in hand as the master's basis: its paths basic, every other row slack. */
void paths_roster_basis(struct paths *ps);
/* Instructor i's placements weighed under the duals (NULL: none), into ps->w. */
void paths_weights(struct paths *ps, size_t i, const double *y_seat, const double *y_min);
/* Instructor i's best path under ps->w into ps->best; its value, -INFINITY when never available. */
double paths_best(struct paths *ps, size_t i);

int duals_alloc(struct duals *y, size_t npz);
void duals_free(struct duals *y);
/* Clamped to the signs weak duality needs; 0 for the rows this master lacks. */
void duals_clamp(const struct paths *ps, struct duals *y);
/* The master LP's row duals, clamped. */
void duals_of_master(const struct paths *ps, struct duals *y);
/* y = alpha c + (1 - alpha) lp. */
void duals_mix(const struct paths *ps, struct duals *y, const struct duals *c,
               const struct duals *lp, double alpha);
void duals_copy(const struct paths *ps, struct duals *to, const struct duals *from);

/*
 * The Lagrangian bound on the class's share of R at duals y; each
 * instructor's best path joins the master (*added) when add and its
 * reduced cost under the LP's duals lp is positive (lp NULL: when it is
 * new).  INFINITY when out of memory.  _at: always add.
 */
double paths_lagrange(struct paths *ps, const struct duals *y, const struct duals *lp, bool add,
                      size_t *added);
double paths_lagrange_at(struct paths *ps, const struct duals *y, const struct duals *lp,
                         size_t *added);

#endif
