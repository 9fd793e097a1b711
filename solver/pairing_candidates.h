/*
 * pairing_candidates.h - the pairing model's data (docs/model.md §2): candidates and
 * their scores (pairing_candidates.c).  Shared by the pairing's models
 * (pairing_parts.h) and the explanations.
 */
#ifndef PARKPLAN_PAIRING_CANDIDATES_H
#define PARKPLAN_PAIRING_CANDIDATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "snapshot.h"

/* The terms of score(e, c). */
struct pair_terms {
	double distance_m;
	double need_fit; /* |offers ∩ needs| / |needs|, 0 when needs is empty */
	size_t needs_met;
	double prox;   /* max(0, 1 - d / R) */
	int64_t base;  /* round(w_need·need_fit + w_distance·prox) */
	int64_t keep;  /* w_keep_pair when (e, c) is in previous.pairs, else 0 */
	int64_t score; /* base + keep */
};

void pair_terms_compute(const struct settings *st, const struct enterprise *e,
                        const struct community *c, bool in_previous, struct pair_terms *t);

/* 16 bytes: a city has millions.  A score is below 2^31 (§1.2 bounds every weight by 10^6). */
struct pair_candidate {
	uint32_t e, c; /* rows in the snapshot */
	int32_t score;
	bool pinned, previous;
};

struct pair_candidates {
	struct pair_candidate *v; /* ordered by e, then c */
	size_t n;
};

/*
 * The candidates: pinned pairs, and pairs (e, c) not forbidden with
 * max_communities(e) >= 1 and d(e, c) <= R or in previous.pairs.  Built with
 * a spatial grid, never a dense enterprise x community loop.
 */
int pairing_candidates(const struct snapshot *s, const struct snapshot_index *ix,
                       struct pair_candidates *out);
void pair_candidates_free(struct pair_candidates *pc);

#endif
