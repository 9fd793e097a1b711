/*
 * index.c - id -> row lookups over a snapshot.
 */
#include "index.h"

#include <stdlib.h>

static size_t
slot_of(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id;

	/* splitmix64 finaliser: ids are often dense and sequential. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)(h & (cap - 1));
}

int
idmap_init(struct idmap *m, size_t expected)
{
	size_t cap = 16;

	while (cap < expected * 2 + 1)
		cap <<= 1;
	m->keys = calloc(cap, sizeof(*m->keys));
	m->vals = calloc(cap, sizeof(*m->vals));
	m->cap = cap;
	m->n = 0;
	if (m->keys == NULL || m->vals == NULL) {
		idmap_free(m);
		return -1;
	}
	return 0;
}

void
idmap_free(struct idmap *m)
{
	if (m == NULL)
		return;
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}

static int
grow(struct idmap *m)
{
	struct idmap bigger;
	size_t i;

	if (idmap_init(&bigger, m->cap) != 0)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != 0)
			(void)idmap_put(&bigger, m->keys[i], m->vals[i]);
	idmap_free(m);
	*m = bigger;
	return 0;
}

int
idmap_put(struct idmap *m, int64_t id, size_t val)
{
	size_t i;

	if (id <= 0)
		return -1;
	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	for (i = slot_of(id, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == id)
			return 1;
		if (m->keys[i] == 0) {
			m->keys[i] = id;
			m->vals[i] = val;
			m->n++;
			return 0;
		}
	}
}

size_t
idmap_get(const struct idmap *m, int64_t id)
{
	size_t i;

	if (id <= 0 || m->cap == 0)
		return IDMAP_NONE;
	for (i = slot_of(id, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == id)
			return m->vals[i];
		if (m->keys[i] == 0)
			return IDMAP_NONE;
	}
}

#define INDEX_ROWS(map, rows, count)                                                               \
	do {                                                                                       \
		size_t k_;                                                                         \
		if (idmap_init(&(map), (count)) != 0)                                              \
			goto fail;                                                                 \
		for (k_ = 0; k_ < (count); k_++)                                                   \
			if ((rows)[k_].id > 0 && idmap_put(&(map), (rows)[k_].id, k_) < 0)         \
				goto fail;                                                         \
	} while (0)

int
snapshot_index_build(const struct snapshot *s, struct snapshot_index *ix)
{
	*ix = (struct snapshot_index){0};
	INDEX_ROWS(ix->zone, s->zones, s->n_zones);
	INDEX_ROWS(ix->enterprise, s->enterprises, s->n_enterprises);
	INDEX_ROWS(ix->community, s->communities, s->n_communities);
	INDEX_ROWS(ix->instructor, s->instructors, s->n_instructors);
	INDEX_ROWS(ix->period, s->periods, s->n_periods);
	return 0;
fail:
	snapshot_index_free(ix);
	return -1;
}

void
snapshot_index_free(struct snapshot_index *ix)
{
	if (ix == NULL)
		return;
	idmap_free(&ix->zone);
	idmap_free(&ix->enterprise);
	idmap_free(&ix->community);
	idmap_free(&ix->instructor);
	idmap_free(&ix->period);
}
