/*
 * index.h - id -> row lookups over a snapshot.
 *
 * An idmap is an open-addressing hash from a positive 64-bit id to a row
 * index.  A snapshot_index holds one per entity type and is built once per
 * solve; it does not own the snapshot.
 */
#ifndef PARKPLAN_INDEX_H
#define PARKPLAN_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct idmap {
	int64_t *keys; /* 0 marks an empty slot (ids are positive) */
	size_t *vals;
	size_t cap; /* a power of two */
	size_t n;
};

#define IDMAP_NONE ((size_t)-1)

int idmap_init(struct idmap *m, size_t expected);
void idmap_free(struct idmap *m);
/* Returns 1 if id was already present (value left unchanged), 0 if added, -1 on error. */
int idmap_put(struct idmap *m, int64_t id, size_t val);
/* Returns IDMAP_NONE when absent. */
size_t idmap_get(const struct idmap *m, int64_t id);

struct snapshot_index {
	struct idmap zone, enterprise, community, instructor, period;
};

/* Duplicated ids keep their first row; validation reports them. */
int snapshot_index_build(const struct snapshot *s, struct snapshot_index *ix);
void snapshot_index_free(struct snapshot_index *ix);

#endif
