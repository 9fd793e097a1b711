/*
 * sample_rng.h - the sample generator's tools: a seeded random stream per
 * table (xoshiro256** seeded by splitmix64, integer arithmetic only, so a
 * seed gives the same park on every machine), a string arena, a set of
 * names, and Chinese numerals.
 */
#ifndef PARKPLAN_SAMPLE_RNG_H
#define PARKPLAN_SAMPLE_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* One stream per table: changing one table's generation leaves the rest. */
enum rng_stream {
	STREAM_ZONE = 1,
	STREAM_ENTERPRISE,
	STREAM_ORGANISATION,
	STREAM_JOINT,
	STREAM_VOLUNTEER,
	STREAM_COMMUNITY,
	STREAM_INSTRUCTOR,
	STREAM_UNAVAILABLE,
	STREAM_CODE /* the external keys: drawn last, so the other tables stay as they were */
};

void rng_init(struct rng *r, uint64_t seed, enum rng_stream stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), without modulo bias; n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
/* True with probability per_mille / 1000. */
bool rng_chance(struct rng *r, unsigned per_mille);
/* An index drawn with the given weights (their sum must be > 0). */
size_t rng_weighted(struct rng *r, const unsigned *weights, size_t n);
/* A bell-shaped offset in [-2a, 2a] (sum of four uniforms). */
int64_t rng_bell(struct rng *r, int64_t a);

#define PICK(r, array) ((array)[rng_below((r), sizeof(array) / sizeof((array)[0]))])
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Strings that live as long as the park: blocks of 64 KiB and more. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct arena_block *head;
};

/* A copy of s in the arena; NULL when out of memory. */
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

/* Open addressing on FNV-1a; holds pointers to strings owned elsewhere. */
struct name_set {
	const char **slot;
	size_t mask;
};

int name_set_init(struct name_set *set, size_t expected);
bool name_set_has(const struct name_set *set, const char *s);
/* s must not be in the set; the set must have room (sized at init). */
void name_set_add(struct name_set *set, const char *s);
void name_set_free(struct name_set *set);

/* Chinese numerals, 1..9999: 一, 十二, 二十, 一百零五, 三千零二十. */
void chinese_number(char *out, size_t outlen, int n);

#endif
