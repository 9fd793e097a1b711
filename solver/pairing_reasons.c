/*
 * pairing_reasons.c - why no pairing meets the rules, in planners' words:
 * pins beyond an enterprise's or a community's limits, pins that break
 * diverse_industries, pairs of the plan in force that cannot be kept
 * whatever the optimiser does, and max_changes beyond what can be kept.
 * Each reason is a text built in a memory stream.
 */
#include "pairing_parts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------------ */
/* Infeasibility in planners' words                                    */
/* ------------------------------------------------------------------ */

/* A reason built in a memory stream; without one (out of memory) it says less. */
struct reason_text {
	FILE *mem;
	char *text;
	size_t len;
};

static void
reason_open(struct reason_text *rt)
{
	rt->text = NULL;
	rt->len = 0;
	rt->mem = open_memstream(&rt->text, &rt->len);
}

static void reason_append(struct reason_text *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reason_append(struct reason_text *rt, const char *fmt, ...)
{
	va_list ap;

	if (rt->mem == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(rt->mem, fmt, ap);
	va_end(ap);
}

/* The text into part, or fallback when memory ran out on the way. */
static void
reason_close(struct reason_text *rt, struct plan_part *part, const char *fallback)
{
	bool ok = rt->mem != NULL && !ferror(rt->mem);

	if (rt->mem != NULL && fclose(rt->mem) != 0)
		ok = false;
	plan_part_add_reason(part, "%s", ok && rt->text != NULL ? rt->text : fallback);
	free(rt->text);
}

#define LIST_MAX 10 /* items named in one reason before "and N more" */

/* Pins beyond an enterprise's max_communities or a community's max_partners. */
static size_t
explain_pin_limits(const struct pairing_data *d, size_t *pins_e, size_t *pins_c,
                   struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t e, c, i, k, found = 0;

	for (e = 0; e < s->n_enterprises; e++) {
		struct reason_text rt;

		if ((int64_t)pins_e[e] <= s->enterprises[e].max_communities)
			continue;
		found++;
		reason_open(&rt);
		reason_append(
		    &rt,
		    "pins give enterprise %lld %zu communit%s, its max_communities is %lld "
		    "(pinned communities:",
		    pairing_eid(d, e), pins_e[e], pins_e[e] == 1 ? "y" : "ies",
		    (long long)s->enterprises[e].max_communities);
		for (i = d->e_start[e], k = 0; i < d->e_start[e + 1]; i++)
			if (d->pc.v[i].pinned)
				reason_append(&rt, "%s %lld", k++ ? "," : "",
				              pairing_cid(d, d->pc.v[i].c));
		reason_append(&rt, ")");
		reason_close(&rt, part, "pins exceed an enterprise's max_communities");
	}
	for (c = 0; c < s->n_communities; c++) {
		struct reason_text rt;

		if ((int64_t)pins_c[c] <= s->communities[c].max_partners)
			continue;
		found++;
		reason_open(&rt);
		reason_append(&rt,
		              "pins give community %lld %zu partner%s, its max_partners is %lld "
		              "(pinned enterprises:",
		              pairing_cid(d, c), pins_c[c], pins_c[c] == 1 ? "" : "s",
		              (long long)s->communities[c].max_partners);
		for (i = d->c_start[c], k = 0; i < d->c_start[c + 1]; i++) {
			const struct pair_candidate *pc = &d->pc.v[d->c_list[i]];

			if (pc->pinned)
				reason_append(&rt, "%s %lld", k++ ? "," : "",
				              pairing_eid(d, pc->e));
		}
		reason_append(&rt, ")");
		reason_close(&rt, part, "pins exceed a community's max_partners");
	}
	return found;
}

/* Two pins of the same industry at one community under diverse_industries. */
static size_t
explain_pin_industries(const struct pairing_data *d, size_t *buf, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t c, found = 0;

	if (!s->settings.diverse_industries)
		return 0;
	for (c = 0; c < s->n_communities; c++) {
		size_t n = pairing_by_industry(d, c, buf), i, j;

		for (i = 0; i < n; i = j) {
			size_t pins = 0, k = 0, listed;
			struct reason_text rt;

			for (j = i;
			     j < n && pairing_industry_cmp(pairing_cand_industry(d, buf[i]),
			                                   pairing_cand_industry(d, buf[j])) == 0;
			     j++)
				if (d->pc.v[buf[j]].pinned)
					pins++;
			if (pairing_cand_industry(d, buf[i]) == NULL || pins < 2)
				continue;
			found++;
			reason_open(&rt);
			reason_append(
			    &rt,
			    "pins give community %lld %zu partners of industry %s (enterprises",
			    pairing_cid(d, c), pins, pairing_cand_industry(d, buf[i]));
			for (k = i, listed = 0; k < j; k++)
				if (d->pc.v[buf[k]].pinned)
					reason_append(&rt, "%s %lld", listed++ ? "," : "",
					              pairing_eid(d, d->pc.v[buf[k]].e));
			reason_append(&rt, "), diverse_industries allows 1");
			reason_close(&rt, part, "pins break diverse_industries");
		}
	}
	return found;
}

/*
 * Pairs of the plan in force that cannot be kept whatever the optimiser
 * does: no longer candidates (forbidden, enterprise no longer pairing), or
 * pushed out by pins.  More of them than max_changes is infeasible.
 */
static size_t
explain_forced_changes(const struct pairing_data *d, const size_t *pins_e, const size_t *pins_c,
                       size_t *buf, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	int64_t max_changes = s->settings.max_changes;
	unsigned char *why;
	size_t i, lost = 0, listed = 0;
	struct reason_text rt;

	if (max_changes < 0 || d->prev.n == 0)
		return 0;
	why = calloc(d->prev.n, 1);
	if (why == NULL)
		return 0;
	/* Pins of another enterprise of the same industry at a community. */
	if (s->settings.diverse_industries) {
		unsigned char *blocked = calloc(d->pc.n ? d->pc.n : 1, 1);
		size_t c;

		if (blocked != NULL) {
			for (c = 0; c < s->n_communities; c++) {
				size_t n = pairing_by_industry(d, c, buf), j, k;

				for (i = 0; i < n; i = j) {
					size_t pins = 0;

					for (j = i;
					     j < n && pairing_industry_cmp(
					                  pairing_cand_industry(d, buf[i]),
					                  pairing_cand_industry(d, buf[j])) == 0;
					     j++)
						pins += d->pc.v[buf[j]].pinned;
					if (pairing_cand_industry(d, buf[i]) == NULL || pins == 0)
						continue;
					for (k = i; k < j; k++)
						if (!d->pc.v[buf[k]].pinned)
							blocked[buf[k]] = 1;
				}
			}
			for (i = 0; i < d->prev.n; i++)
				if (d->prev.v[i].cand != SIZE_MAX && blocked[d->prev.v[i].cand])
					why[i] = 5;
			free(blocked);
		}
	}
	for (i = 0; i < d->prev.n; i++) {
		const struct prev_pair *p = &d->prev.v[i];

		if (p->fate == PREV_FORBIDDEN)
			why[i] = 1;
		else if (p->fate == PREV_NOT_PAIRING)
			why[i] = 2;
		else if (d->pc.v[p->cand].pinned)
			why[i] = 0;
		else if ((int64_t)pins_e[p->e] >= s->enterprises[p->e].max_communities)
			why[i] = 3;
		else if ((int64_t)pins_c[p->c] >= s->communities[p->c].max_partners)
			why[i] = 4;
		if (why[i])
			lost++;
	}
	if ((int64_t)lost <= max_changes) {
		free(why);
		return 0;
	}
	reason_open(&rt);
	reason_append(
	    &rt,
	    "max_changes is %lld, but %zu of the %zu pairs of the plan in force cannot be kept:",
	    (long long)max_changes, lost, d->prev.n);
	for (i = 0; i < d->prev.n; i++) {
		const struct prev_pair *p = &d->prev.v[i];

		if (!why[i])
			continue;
		if (listed == LIST_MAX) {
			reason_append(&rt, "; and %zu more", lost - listed);
			break;
		}
		reason_append(&rt, "%s (enterprise %lld, community %lld) ", listed ? ";" : "",
		              pairing_eid(d, p->e), pairing_cid(d, p->c));
		switch (why[i]) {
		case 1:
			reason_append(&rt, "is forbidden");
			break;
		case 2:
			reason_append(
			    &rt, "cannot be kept: enterprise %lld has max_communities %lld",
			    pairing_eid(d, p->e), (long long)s->enterprises[p->e].max_communities);
			break;
		case 3:
			reason_append(
			    &rt,
			    "is pushed out by pins filling enterprise %lld's max_communities "
			    "= %lld",
			    pairing_eid(d, p->e), (long long)s->enterprises[p->e].max_communities);
			break;
		case 4:
			reason_append(
			    &rt,
			    "is pushed out by pins filling community %lld's max_partners = %lld",
			    pairing_cid(d, p->c), (long long)s->communities[p->c].max_partners);
			break;
		default:
			reason_append(
			    &rt,
			    "is pushed out by a pin of the same industry (diverse_industries)");
			break;
		}
		listed++;
	}
	reason_close(&rt, part, "max_changes is too small for the pins and forbids");
	free(why);
	return 1;
}

int
pairing_reasons_direct(const struct pairing_data *d, struct plan_part *part)
{
	const struct snapshot *s = d->s;
	size_t *pins_e = calloc(s->n_enterprises + 1, sizeof(*pins_e));
	size_t *pins_c = calloc(s->n_communities + 1, sizeof(*pins_c));
	size_t *buf = calloc(d->pc.n + 1, sizeof(*buf));
	size_t i, found = 0;

	if (pins_e == NULL || pins_c == NULL || buf == NULL) {
		free(pins_e);
		free(pins_c);
		free(buf);
		return -1;
	}
	for (i = 0; i < d->pc.n; i++)
		if (d->pc.v[i].pinned) {
			pins_e[d->pc.v[i].e]++;
			pins_c[d->pc.v[i].c]++;
		}
	found += explain_pin_limits(d, pins_e, pins_c, part);
	found += explain_pin_industries(d, buf, part);
	found += explain_forced_changes(d, pins_e, pins_c, buf, part);
	free(pins_e);
	free(pins_c);
	free(buf);
	return (int)found;
}

/*
 * When GLPK finds no plan and the pins explain nothing, max_changes is the
 * row that cannot be met: say how many pairs of the plan in force can be
 * kept at most (kept, from the model without the max_changes row).
 */
void
pairing_reason_max_changes(const struct pairing_data *d, long long kept, struct plan_part *part)
{
	if (kept >= 0)
		plan_part_add_reason(
		    part,
		    "max_changes is %lld, but at most %lld of the %zu pairs of the plan in force "
		    "can be kept "
		    "with the pins, forbids and partner limits: at least %lld must change",
		    (long long)d->s->settings.max_changes, kept, d->prev.n,
		    (long long)d->prev.n - kept);
	else
		plan_part_add_reason(
		    part,
		    "no pairing meets max_changes = %lld with the pins, forbids and partner limits",
		    (long long)d->s->settings.max_changes);
}
