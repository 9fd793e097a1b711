/*
 * test_solve_memory.c - the solve's default memory limit follows from the
 * snapshot's size (worker/solve.h): 512 MiB, 2 KiB more for each row, at
 * most 16 GiB; the sample park, district and city get 521, 611 and
 * 918 MiB.  Written from the rule in worker/solve.h, not from the code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "solve.h"

#define MIB ((size_t)1024 * 1024)

static size_t
limit_for(size_t zones, size_t enterprises, size_t communities, size_t instructors, size_t periods,
          size_t rules, size_t prev_pairs, size_t prev_assignments)
{
	struct snapshot s;

	memset(&s, 0, sizeof(s));
	s.n_zones = zones;
	s.n_enterprises = enterprises;
	s.n_communities = communities;
	s.n_instructors = instructors;
	s.n_periods = periods;
	s.n_rules = rules;
	s.n_prev_pairs = prev_pairs;
	s.n_prev_assignments = prev_assignments;
	return solve_memory_default(&s);
}

int
main(void)
{
	struct worker_limits lim;
	size_t rows;

	CHECK_INT_EQ(solve_memory_default(NULL), 512 * MIB);
	CHECK_INT_EQ(limit_for(0, 0, 0, 0, 0, 0, 0, 0), 512 * MIB);
	/* every kind of row counts */
	CHECK_INT_EQ(limit_for(1, 1, 1, 1, 1, 1, 1, 1), 512 * MIB + 8 * 2048);
	/* the samples: park, district, city (zones, enterprises, communities, instructors, periods)
	 */
	rows = 4 + 5000 + 60 + 40 + 4;
	CHECK_INT_EQ(limit_for(4, 5000, 60, 40, 4, 0, 0, 0), 512 * MIB + rows * 2048);
	printf("park: %zu rows, %zu MiB\n", rows, limit_for(4, 5000, 60, 40, 4, 0, 0, 0) / MIB);
	rows = 30 + 50000 + 600 + 300 + 4;
	printf("district: %zu rows, %zu MiB\n", rows,
	       limit_for(30, 50000, 600, 300, 4, 0, 0, 0) / MIB);
	CHECK(limit_for(30, 50000, 600, 300, 4, 0, 0, 0) / MIB == 611);
	rows = 200 + 200000 + 6000 + 2000 + 4;
	printf("city: %zu rows, %zu MiB\n", rows,
	       limit_for(200, 200000, 6000, 2000, 4, 0, 0, 0) / MIB);
	CHECK(limit_for(200, 200000, 6000, 2000, 4, 0, 0, 0) / MIB == 918);
	/* the ceiling */
	CHECK_INT_EQ(limit_for(0, 2000000, 2000000, 2000000, 2000000, 2000000, 2000000, 2000000),
	             16384 * MIB);
	/* the solve's defaults take it */
	{
		struct snapshot s;

		memset(&s, 0, sizeof(s));
		s.n_enterprises = 50000;
		s.settings.time_limit_s = 30;
		solve_limits_default(&lim, &s);
		CHECK_INT_EQ(lim.memory_bytes, 512 * MIB + 50000 * 2048);
	}
	return check_done("test_solve_memory");
}
