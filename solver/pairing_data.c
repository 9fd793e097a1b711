/*
 * pairing_data.c - the pairing's data as its models see it: the candidates
 * grouped by enterprise and by community (and by industry within a
 * community), plans as 0/1 vectors over the candidates (the rows they
 * must meet, P, the warm start, a bound without the LP), and a plan into
 * the plan part.
 */
#include "pairing_parts.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The model's data: candidates grouped by enterprise and community   */
/* ------------------------------------------------------------------ */

void
pairing_data_free(struct pairing_data *d)
{
	pair_candidates_free(&d->pc);
	free(d->prev.v);
	free(d->e_start);
	free(d->c_start);
	free(d->c_list);
	memset(d, 0, sizeof(*d));
}

int
pairing_data_build(struct pairing_data *d, const struct snapshot *s,
                   const struct snapshot_index *ix)
{
	size_t i, c;

	memset(d, 0, sizeof(*d));
	d->s = s;
	if (pairing_candidates_build(s, ix, &d->pc, &d->prev) != 0)
		return -1;
	d->e_start = calloc(s->n_enterprises + 1, sizeof(*d->e_start));
	d->c_start = calloc(s->n_communities + 1, sizeof(*d->c_start));
	d->c_list = calloc(d->pc.n ? d->pc.n : 1, sizeof(*d->c_list));
	if (d->e_start == NULL || d->c_start == NULL || d->c_list == NULL) {
		pairing_data_free(d);
		return -1;
	}
	for (i = 0; i < d->pc.n; i++) {
		d->e_start[d->pc.v[i].e + 1]++;
		d->c_start[d->pc.v[i].c + 1]++;
		if (d->pc.v[i].previous)
			d->n_prev_candidates++;
	}
	for (i = 0; i < s->n_enterprises; i++)
		d->e_start[i + 1] += d->e_start[i];
	for (c = 0; c < s->n_communities; c++)
		d->c_start[c + 1] += d->c_start[c];
	{
		size_t *fill = calloc(s->n_communities + 1, sizeof(*fill));

		if (fill == NULL) {
			pairing_data_free(d);
			return -1;
		}
		for (i = 0; i < d->pc.n; i++) {
			c = d->pc.v[i].c;
			d->c_list[d->c_start[c] + fill[c]++] = i;
		}
		free(fill);
	}
	if (s->settings.max_changes >= 0 && (int64_t)d->prev.n - s->settings.max_changes > 0) {
		d->has_keep_row = true;
		d->keep_min = (int64_t)d->prev.n - s->settings.max_changes;
	}
	return 0;
}

int
pairing_industry_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Sort candidate indices of one community by industry (then index). */
static int
cand_industry_cmp(const void *a, const void *b, void *arg)
{
	const struct pairing_data *d = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int cmp = pairing_industry_cmp(d->s->enterprises[d->pc.v[x].e].industry,
	                               d->s->enterprises[d->pc.v[y].e].industry);

	if (cmp != 0)
		return cmp;
	return x < y ? -1 : x > y;
}

size_t
pairing_by_industry(const struct pairing_data *d, size_t c, size_t *buf)
{
	size_t n = d->c_start[c + 1] - d->c_start[c];

	memcpy(buf, d->c_list + d->c_start[c], n * sizeof(*buf));
	qsort_r(buf, n, sizeof(*buf), cand_industry_cmp, (void *)d);
	return n;
}

const char *
pairing_cand_industry(const struct pairing_data *d, size_t i)
{
	return d->s->enterprises[d->pc.v[i].e].industry;
}

/* ------------------------------------------------------------------ */
/* Plans as 0/1 vectors over the candidates                            */
/* ------------------------------------------------------------------ */

/* Whether chosen (one flag per candidate) meets every row of the model (keep: the max_changes row
 * too). */
static bool
feasible_rows(const struct pairing_data *d, const unsigned char *chosen, size_t *buf, bool keep)
{
	const struct snapshot *s = d->s;
	size_t e, c, i;
	int64_t kept = 0;

	for (i = 0; i < d->pc.n; i++) {
		if (d->pc.v[i].pinned && !chosen[i])
			return false;
		if (chosen[i] && d->pc.v[i].previous)
			kept++;
	}
	for (e = 0; e < s->n_enterprises; e++) {
		int64_t n = 0;

		for (i = d->e_start[e]; i < d->e_start[e + 1]; i++)
			n += chosen[i];
		if (n > s->enterprises[e].max_communities)
			return false;
	}
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			n += chosen[d->c_list[i]];
		if (n > s->communities[c].max_partners)
			return false;
		if (s->settings.diverse_industries && n > 1) {
			size_t m = pairing_by_industry(d, c, buf), j, k;

			for (k = 0; k < m; k = j) {
				size_t in = 0;

				for (j = k; j < m && pairing_industry_cmp(
				                         pairing_cand_industry(d, buf[k]),
				                         pairing_cand_industry(d, buf[j])) == 0;
				     j++)
					in += chosen[buf[j]];
				if (pairing_cand_industry(d, buf[k]) != NULL && in > 1)
					return false;
			}
		}
	}
	if (keep && d->has_keep_row && kept < d->keep_min)
		return false;
	return true;
}

bool
pairing_feasible(const struct pairing_data *d, const unsigned char *chosen, size_t *buf)
{
	return feasible_rows(d, chosen, buf, true);
}

bool
pairing_feasible_but_keep(const struct pairing_data *d, const unsigned char *chosen, size_t *buf)
{
	return feasible_rows(d, chosen, buf, false);
}

/* P of a plan, with the shortfall of each community at its least. */
int64_t
pairing_value(const struct pairing_data *d, const unsigned char *chosen)
{
	const struct snapshot *s = d->s;
	int64_t p = 0;
	size_t c, i;

	for (i = 0; i < d->pc.n; i++)
		if (chosen[i])
			p += d->pc.v[i].score;
	for (c = 0; c < s->n_communities; c++) {
		int64_t n = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			n += chosen[d->c_list[i]];
		if (n < s->communities[c].min_partners)
			p -= s->settings.w_uncovered * (s->communities[c].min_partners - n);
	}
	return p;
}

static int
cand_score_cmp(const void *a, const void *b, void *arg)
{
	const struct pair_candidates *pc = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t sx = pc->v[x].score, sy = pc->v[y].score;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The warm start: the pins, then the pairs of the plan in force as far as
 * the limits allow, then the remaining candidates by score.  Returns a
 * feasible plan in chosen, or false when the greedy plan breaks a row
 * (max_changes) and must not be offered.
 */
bool
pairing_warm_start(const struct pairing_data *d, unsigned char *chosen, size_t *buf)
{
	const struct snapshot *s = d->s;
	int64_t *used_e = calloc(s->n_enterprises + 1, sizeof(*used_e));
	int64_t *used_c = calloc(s->n_communities + 1, sizeof(*used_c));
	size_t *order = calloc(d->pc.n + 1, sizeof(*order));
	size_t pass, i, k;
	bool ok = false;

	if (used_e == NULL || used_c == NULL || order == NULL)
		goto out;
	memset(chosen, 0, d->pc.n);
	for (i = 0; i < d->pc.n; i++)
		order[i] = i;
	qsort_r(order, d->pc.n, sizeof(*order), cand_score_cmp, (void *)&d->pc);
	for (pass = 0; pass < 3; pass++) {
		for (k = 0; k < d->pc.n; k++) {
			const struct pair_candidate *pc = &d->pc.v[order[k]];
			size_t j;
			bool clash = false;

			i = order[k];
			if (chosen[i])
				continue;
			if (pass == 0 && !pc->pinned)
				continue;
			if (pass == 1 && !pc->previous)
				continue;
			if (pass > 0 && (used_e[pc->e] >= s->enterprises[pc->e].max_communities ||
			                 used_c[pc->c] >= s->communities[pc->c].max_partners))
				continue;
			if (pass > 0 && pc->score < 0)
				continue;
			if (pass > 0 && s->settings.diverse_industries &&
			    s->enterprises[pc->e].industry != NULL) {
				for (j = d->c_start[pc->c]; j < d->c_start[pc->c + 1]; j++) {
					size_t o = d->c_list[j];

					if (chosen[o] && pairing_industry_cmp(
					                     pairing_cand_industry(d, o),
					                     pairing_cand_industry(d, i)) == 0) {
						clash = true;
						break;
					}
				}
				if (clash)
					continue;
			}
			chosen[i] = 1;
			used_e[pc->e]++;
			used_c[pc->c]++;
		}
	}
	ok = pairing_feasible(d, chosen, buf);
out:
	free(used_e);
	free(used_c);
	free(order);
	return ok;
}

/* ------------------------------------------------------------------ */
/* The plan part                                                       */
/* ------------------------------------------------------------------ */

static int
plan_pair_cmp(const void *a, const void *b)
{
	const struct plan_pair *x = a, *y = b;

	if (x->enterprise_id != y->enterprise_id)
		return x->enterprise_id < y->enterprise_id ? -1 : 1;
	if (x->community_id != y->community_id)
		return x->community_id < y->community_id ? -1 : 1;
	return 0;
}

static int
plan_uncovered_cmp(const void *a, const void *b)
{
	const struct plan_uncovered *x = a, *y = b;

	if (x->community_id != y->community_id)
		return x->community_id < y->community_id ? -1 : 1;
	return 0;
}

int
pairing_store(const struct pairing_data *d, const unsigned char *chosen, struct plan *out)
{
	const struct snapshot *s = d->s;
	size_t i, c, n = 0, nu = 0;

	for (i = 0; i < d->pc.n; i++)
		n += chosen[i];
	free(out->pairs);
	free(out->uncovered);
	out->pairs = NULL;
	out->uncovered = NULL;
	out->n_pairs = out->n_uncovered = 0;
	out->pairs = calloc(n ? n : 1, sizeof(*out->pairs));
	out->uncovered = calloc(s->n_communities ? s->n_communities : 1, sizeof(*out->uncovered));
	if (out->pairs == NULL || out->uncovered == NULL)
		return -1;
	for (i = 0; i < d->pc.n; i++) {
		if (!chosen[i])
			continue;
		out->pairs[out->n_pairs].enterprise_id = s->enterprises[d->pc.v[i].e].id;
		out->pairs[out->n_pairs].community_id = s->communities[d->pc.v[i].c].id;
		out->pairs[out->n_pairs].score = d->pc.v[i].score;
		out->n_pairs++;
	}
	for (c = 0; c < s->n_communities; c++) {
		int64_t k = 0;

		for (i = d->c_start[c]; i < d->c_start[c + 1]; i++)
			k += chosen[d->c_list[i]];
		if (k < s->communities[c].min_partners) {
			out->uncovered[nu].community_id = s->communities[c].id;
			out->uncovered[nu].shortfall = s->communities[c].min_partners - k;
			nu++;
		}
	}
	out->n_uncovered = nu;
	qsort(out->pairs, out->n_pairs, sizeof(*out->pairs), plan_pair_cmp);
	qsort(out->uncovered, out->n_uncovered, sizeof(*out->uncovered), plan_uncovered_cmp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* A bound without the LP                                              */
/* ------------------------------------------------------------------ */

static int
score_desc_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x > y ? -1 : x < y;
}

/* Sum of the best `limit` positive scores among n (sorts scores). */
static double
best_scores(int64_t *scores, size_t n, int64_t limit)
{
	double sum = 0;
	size_t i;

	if (n > 0)
		qsort(scores, n, sizeof(*scores), score_desc_cmp);
	for (i = 0; i < n && (int64_t)i < limit && scores[i] > 0; i++)
		sum += (double)scores[i];
	return sum;
}

/*
 * A valid bound without the LP, for a search stopped before its root LP:
 * shortfalls only subtract, so P is at most the best scores each enterprise
 * (or each community) could take within its limit.
 */
double
pairing_quick_bound(const struct pairing_data *d)
{
	const struct snapshot *s = d->s;
	int64_t *scores = calloc(d->pc.n + 1, sizeof(*scores));
	double by_e = 0, by_c = 0;
	size_t e, c, i, n;

	if (scores == NULL) {
		for (i = 0; i < d->pc.n; i++)
			if (d->pc.v[i].score > 0)
				by_e += (double)d->pc.v[i].score;
		return by_e;
	}
	for (e = 0; e < s->n_enterprises; e++) {
		for (i = d->e_start[e], n = 0; i < d->e_start[e + 1]; i++)
			scores[n++] = d->pc.v[i].score;
		by_e += best_scores(scores, n, s->enterprises[e].max_communities);
	}
	for (c = 0; c < s->n_communities; c++) {
		for (i = d->c_start[c], n = 0; i < d->c_start[c + 1]; i++)
			scores[n++] = d->pc.v[d->c_list[i]].score;
		by_c += best_scores(scores, n, s->communities[c].max_partners);
	}
	free(scores);
	return by_e < by_c ? by_e : by_c;
}
