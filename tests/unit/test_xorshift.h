/*
 * test_xorshift.h - the roster tests' random instances: Marsaglia's
 * xorshift64 (13, 7, 17), seeded by setting rng_state (never 0), so that a
 * seed names one instance on every machine.
 */
#ifndef PARKPLAN_TEST_XORSHIFT_H
#define PARKPLAN_TEST_XORSHIFT_H

#include <stdbool.h>
#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t
rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

/* Uniform in [0, n). */
static inline int
rng_int(int n)
{
	return (int)(rng_next() % (uint64_t)n);
}

static inline bool
rng_chance(int percent)
{
	return rng_int(100) < percent;
}

#endif
