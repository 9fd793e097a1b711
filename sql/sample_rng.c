/*
 * sample_rng.c - the sample generator's tools (sample_rng.h).
 */
#include "sample_rng.h"

#include <stdlib.h>
#include <string.h>

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
rng_init(struct rng *r, uint64_t seed, enum rng_stream stream)
{
	uint64_t x = seed ^ ((uint64_t)stream * UINT64_C(0xd1b54a32d192ed03));
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), without modulo bias; n > 0. */
uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t threshold = (0 - n) % n;
	uint64_t x;

	do
		x = rng_next(r);
	while (x < threshold);
	return x % n;
}

/* Uniform in [lo, hi]. */
int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* True with probability per_mille / 1000. */
bool
rng_chance(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

/* An index drawn with the given weights (their sum must be > 0). */
size_t
rng_weighted(struct rng *r, const unsigned *weights, size_t n)
{
	uint64_t total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = rng_below(r, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* A bell-shaped offset in [-2a, 2a] (sum of four uniforms). */
int64_t
rng_bell(struct rng *r, int64_t a)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < 4; i++)
		sum += rng_range(r, -a, a);
	return sum / 2;
}

/* --- strings: an arena and a set of names ------------------------------ */

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t len = strlen(s) + 1;
	struct arena_block *b = a->head;
	char *p;

	if (b == NULL || b->size - b->used < len) {
		size_t size = len > 65536 ? len : 65536;

		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	b->used += len;
	return p;
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

int
name_set_init(struct name_set *set, size_t expected)
{
	size_t cap = 64;

	while (cap < expected * 2)
		cap *= 2;
	set->slot = calloc(cap, sizeof(*set->slot));
	set->mask = cap - 1;
	return set->slot == NULL ? -1 : 0;
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

bool
name_set_has(const struct name_set *set, const char *s)
{
	size_t i;

	for (i = fnv1a(s) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		if (strcmp(set->slot[i], s) == 0)
			return true;
	return false;
}

/* s must not be in the set; the set must have room (sized at init). */
void
name_set_add(struct name_set *set, const char *s)
{
	size_t i;

	for (i = fnv1a(s) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		;
	set->slot[i] = s;
}

void
name_set_free(struct name_set *set)
{
	free(set->slot);
	set->slot = NULL;
}

/* Chinese numerals, 1..9999: 一, 十二, 二十, 一百零五, 三千零二十. */
void
chinese_number(char *out, size_t outlen, int n)
{
	static const char *const digit[] = {"零", "一", "二", "三", "四",
	                                    "五", "六", "七", "八", "九"};
	static const char *const unit[] = {"千", "百", "十", ""};
	int parts[4] = {n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10};
	bool started = false, zero = false;
	int i;

	out[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (parts[i] == 0) {
			zero = started;
			continue;
		}
		if (zero)
			strncat(out, digit[0], outlen - strlen(out) - 1);
		zero = false;
		/* 十二, not 一十二, when the number starts with the tens */
		if (!(i == 2 && parts[i] == 1 && !started))
			strncat(out, digit[parts[i]], outlen - strlen(out) - 1);
		strncat(out, unit[i], outlen - strlen(out) - 1);
		started = true;
	}
}
