/*
 * test_roster_paths.c - the roster's column generation over instructor
 * paths (solver/roster_paths.c, with the period flows of roster_flow.c)
 * against GLPK's branch-and-cut on the whole model of docs/model.md §3.5,
 * on medium rosters beyond any brute force: both must prove the same R.
 *
 * Each instance is solved twice by roster_solve(): by default (the
 * paths), and with force_mip (the whole model, as before the paths).
 * Both must be optimal with the same objective and bound, place every
 * available instructor once per period, and the paths' bound must never
 * fall below the optimum.  The instances vary the size, the number of
 * periods, unavailability, pins, forbids, full-time minimums above one and
 * the weights, so that the stays, the seats and the minimums all bind.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_alloc.h"
#include "test_xorshift.h"
#include "index.h"
#include "plan.h"
#include "snapshot.h"
#include "solver.h"

static const char *const industries[] = {"集成电路", "软件", "生物医药", "新材料", "物流"};

struct shape {
	int ni, nz, np;
	int away_pct;   /* chance an instructor is away in a period */
	int rules_pct;  /* chance of a forbid (and one in four, a pin) per instructor */
	int min_ft;     /* min_fulltime of every zone */
	int64_t w_stay; /* and w_keep_zone */
};

static void
medium_snapshot(struct snapshot *s, const struct shape *sh)
{
	int ne = 60 * sh->nz, nz = sh->nz, ni = sh->ni, np = sh->np;

	snapshot_init(s);
	s->settings.w_stay = sh->w_stay;
	s->settings.w_keep_zone = sh->w_stay * 2;
	s->settings.time_limit_s = 300;
	s->zones = xcalloc((size_t)nz, sizeof(*s->zones));
	s->n_zones = (size_t)nz;
	for (int z = 0; z < nz; z++)
		s->zones[z] = (struct zone){.id = z + 1,
		                            .code = xstrdup("Z"),
		                            .name = xstrdup("Z"),
		                            .lat = 31.10 + 0.01 * rng_int(25),
		                            .lon = 121.30 + 0.01 * rng_int(25),
		                            .min_fulltime = sh->min_ft};
	s->periods = xcalloc((size_t)np, sizeof(*s->periods));
	s->n_periods = (size_t)np;
	for (int p = 0; p < np; p++)
		s->periods[p] =
		    (struct period){.id = p + 1, .label = xstrdup("P"), .start = 20819 + 91 * p};
	s->enterprises = xcalloc((size_t)ne, sizeof(*s->enterprises));
	s->n_enterprises = (size_t)ne;
	for (int k = 0; k < ne; k++)
		s->enterprises[k] = (struct enterprise){
		    .id = k + 1,
		    .name = xstrdup("E"),
		    .zone_id = 1 + rng_int(nz),
		    .industry = xstrdup(industries[rng_int(5)]),
		    .party_org = (enum party_org)rng_int(5),
		    .party_members = rng_int(6),
		    .max_communities = 1,
		    .joined_on = rng_chance(20) ? 20819 - rng_int(700) : DATE_NONE};
	s->instructors = xcalloc((size_t)ni, sizeof(*s->instructors));
	s->n_instructors = (size_t)ni;
	for (int i = 0; i < ni; i++) {
		struct instructor *in = &s->instructors[i];

		in->id = i + 1;
		in->name = xstrdup("I");
		/* enough full-time instructors for every zone's minimum in every period */
		in->full_time = i < nz * sh->min_ft || rng_chance(55);
		in->capacity = in->full_time ? 100 : 50;
		in->skills.v = xcalloc(5, sizeof(char *));
		for (int k = 0; k < 5; k++)
			if (rng_chance(30))
				in->skills.v[in->skills.n++] = xstrdup(industries[k]);
		in->home_lat = 31.05 + 0.002 * rng_int(180);
		in->home_lon = 121.25 + 0.002 * rng_int(180);
		in->unavailable = xcalloc((size_t)np, sizeof(int64_t));
		for (int p = 0; p < np; p++)
			if (i >= nz * sh->min_ft && rng_chance(sh->away_pct))
				in->unavailable[in->n_unavailable++] = p + 1;
	}
	s->prev_assignments = xcalloc((size_t)ni, sizeof(*s->prev_assignments));
	for (int i = 0; i < ni; i++)
		if (rng_chance(70))
			s->prev_assignments[s->n_prev_assignments++] =
			    (struct id_pair){i + 1, 1 + rng_int(nz)};
	s->rules = xcalloc((size_t)ni, sizeof(*s->rules));
	for (int i = nz * sh->min_ft; i < ni; i++)
		if (rng_chance(sh->rules_pct)) {
			bool pin = rng_chance(25);

			s->rules[s->n_rules++] = (struct rule){
			    .kind = pin ? RULE_PIN_ZONE : RULE_FORBID_ZONE,
			    .instructor_id = i + 1,
			    .zone_id = 1 + rng_int(nz),
			    /* a pin for one period, where the instructor is there */
			    .period_id =
			        pin && s->instructors[i].n_unavailable == 0 ? 1 + rng_int(np) : 0};
			if (pin && s->instructors[i].n_unavailable > 0)
				s->rules[s->n_rules - 1].kind = RULE_FORBID_ZONE;
		}
	snapshot_normalize(s);
}

static size_t
available_placements(const struct snapshot *s)
{
	size_t want = 0;

	for (size_t p = 0; p < s->n_periods; p++)
		for (size_t i = 0; i < s->n_instructors; i++) {
			bool away = false;

			for (size_t u = 0; u < s->instructors[i].n_unavailable; u++)
				away = away || s->instructors[i].unavailable[u] == s->periods[p].id;
			want += !away;
		}
	return want;
}

int
main(void)
{
	static const struct shape shapes[] = {
	    {120, 12, 4, 8, 5, 1, 150}, {160, 16, 4, 10, 8, 1, 150}, {140, 10, 3, 5, 5, 2, 150},
	    {200, 20, 4, 8, 5, 1, 60},  {120, 12, 6, 12, 5, 1, 300}, {180, 15, 4, 0, 10, 1, 150},
	    {100, 8, 4, 15, 5, 3, 200}, {150, 25, 4, 8, 5, 1, 150},
	};
	int alone = 0, total = 0;
	double t_paths = 0, t_whole = 0;

	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		for (int seed = 1; seed <= 2; seed++) {
			struct snapshot s;
			struct snapshot_index ix;
			struct plan pp, pw;

			rng_state = 0x5eed0000ULL + (uint64_t)k * 977 + (uint64_t)seed;
			medium_snapshot(&s, &shapes[k]);
			if (snapshot_index_build(&s, &ix) != 0) {
				snapshot_free(&s);
				continue;
			}
			plan_init(&pp);
			plan_init(&pw);
			CHECK(roster_solve(&s, &ix, NULL, &pp) == 0);
			CHECK(roster_solve(&s, &ix, &(struct solver_options){.force_mip = true},
			                   &pw) == 0);
			if (pw.roster.status == PART_INFEASIBLE) {
				/* pins and forbids left a period without a roster: both say so */
				CHECK(pp.roster.status == PART_INFEASIBLE);
				goto next;
			}
			total++;
			CHECK_MSG(
			    pp.roster.status == PART_OPTIMAL && pw.roster.status == PART_OPTIMAL,
			    "shape %zu seed %d: paths %s, whole model %s", k, seed,
			    part_status_name(pp.roster.status), part_status_name(pw.roster.status));
			CHECK_MSG(
			    pp.roster.objective == pw.roster.objective,
			    "shape %zu seed %d: paths R %" PRId64 " (%s), whole model %" PRId64, k,
			    seed, pp.roster.objective, pp.roster.method, pw.roster.objective);
			CHECK(pp.roster.bound >= (double)pw.roster.objective - 1e-6);
			CHECK(strncmp(pp.roster.method, "column generation", 17) == 0);
			CHECK(strncmp(pw.roster.method, "column generation", 17) != 0);
			CHECK_INT_EQ(pp.n_assignments, available_placements(&s));
			CHECK_INT_EQ(pw.n_assignments, available_placements(&s));
			alone +=
			    strcmp(pp.roster.method, "column generation (instructor paths)") == 0;
			t_paths += pp.roster.seconds;
			t_whole += pw.roster.seconds;
			printf("%3d instructors, %2d zones, %d periods: R = %" PRId64
			       " (%s, %.3f s; "
			       "whole model %.3f s)\n",
			       shapes[k].ni, shapes[k].nz, shapes[k].np, pp.roster.objective,
			       pp.roster.method, pp.roster.seconds, pw.roster.seconds);
		next:
			plan_free(&pp);
			plan_free(&pw);
			snapshot_index_free(&ix);
			snapshot_free(&s);
		}
	}
	printf("paths vs whole model: %d rosters with the same proven R, %d proven by the paths' "
	       "bound alone (paths %.2f s, whole model %.2f s in all)\n",
	       total, alone, t_paths, t_whole);
	CHECK(total >= 12);
	CHECK(alone >= total / 2);
	return check_done("test_roster_paths");
}
