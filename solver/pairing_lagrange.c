/*
 * pairing_lagrange.c - the pairing with max_changes (docs/model.md §2.5):
 * one side row on the network of §2.4, relaxed with a multiplier.
 *
 * With lambda >= 0 on "at least K pairs of the plan in force kept",
 *
 *   L(lambda) = max over flows of  P(x) + lambda * (kept(x) - K)
 *
 * is an upper bound on the best P that keeps the row, and the flow that
 * reaches it is the min-cost flow with the keep bonus of those pairs
 * raised by lambda (pairing_net_costs(), lambda = num / den exactly).  L
 * is convex and piecewise linear; its least value is found by Kelley's
 * cutting planes in one dimension: two flows, one keeping fewer than K
 * pairs and one keeping at least K, their lines met at the next lambda,
 * until the flow there adds no line above them.  Integer scores leave
 * finitely many breakpoints, so this ends.
 *
 * At the best lambda every flow on the face between the two last flows
 * is optimal for the relaxation: their difference falls into cycles of
 * zero reduced cost, and any set of them may be applied.  Cycles are
 * chosen until exactly K pairs are kept: that flow meets the row with
 * lambda's term zero, so its P equals L, the bound, and it is proven
 * optimal.  When no set of cycles gives K, the branch-and-cut closes the
 * rest on the model reduced by the flow's reduced costs (a column whose
 * reduced cost exceeds the gap keeps its value in every better plan), or
 * the bound is reported.
 *
 * When even the most pairs the network can keep (the flow with only the
 * keep counted) fall short of K, the row cannot be met: the residual
 * network of that flow names the communities and enterprises whose limits
 * hold the pairs back (a minimum cut).
 */
#include "pairing_parts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp.h"
#include "mcf.h"

/* Steps of the multiplier search at most; each is one flow. */
#define LAGRANGE_STEPS 200

/* A flow optimal for some multiplier. */
struct point {
	int64_t p, kept; /* P, and the pairs of the plan in force kept (pins included) */
	unsigned char *chosen;
	int32_t *flow; /* per arc of the network as it was then */
	size_t n_arcs;
	int64_t den, num; /* the multiplier it was solved at */
};

struct lagrange {
	const struct pairing_data *d;
	struct pairing_net net;
	size_t *buf;
	int64_t K;
};

static void
point_free(struct point *pt)
{
	free(pt->chosen);
	free(pt->flow);
	memset(pt, 0, sizeof(*pt));
}

static int64_t
kept_of(const struct pairing_data *d, const unsigned char *chosen)
{
	int64_t k = 0;

	for (size_t i = 0; i < d->pc.n; i++)
		k += chosen[i] && d->pc.v[i].previous;
	return k;
}

/* The flow at lambda = num / den into pt.  0, or -1 (bounds, memory, the solver). */
static int
solve_at(struct lagrange *lg, int64_t den, int64_t num, struct point *pt)
{
	const struct pairing_data *d = lg->d;
	size_t a;

	point_free(pt);
	pt->chosen = calloc(d->pc.n + 1, 1);
	if (pt->chosen == NULL || pairing_net_costs(&lg->net, d, den, num) != 0 ||
	    pairing_net_solve(&lg->net, d, pt->chosen) != 0 ||
	    !pairing_feasible_but_keep(d, pt->chosen, lg->buf))
		return -1;
	pt->n_arcs = mcf_arcs(lg->net.f);
	pt->flow = malloc((pt->n_arcs + 1) * sizeof(*pt->flow));
	if (pt->flow == NULL)
		return -1;
	for (a = 0; a < pt->n_arcs; a++)
		pt->flow[a] = (int32_t)mcf_flow(lg->net.f, a);
	pt->p = pairing_value(d, pt->chosen);
	pt->kept = kept_of(d, pt->chosen);
	pt->den = den;
	pt->num = num;
	return 0;
}

static int64_t
gcd64(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* floor(x / den) for den > 0. */
static int64_t
floor_div(__int128 x, int64_t den)
{
	__int128 q = x / den;

	if (x % den != 0 && x < 0)
		q--;
	return (int64_t)q;
}

/* ------------------------------------------------------------------ */
/* The face between two optimal flows: cycles of zero reduced cost     */
/* ------------------------------------------------------------------ */

/* One unit of an arc, in the difference of two flows. */
struct step {
	size_t arc; /* the network's arc, or n_arcs for the return arc sink -> source */
	int dir;    /* +1: more flow on it, -1: less */
};

struct walk {
	size_t n_nodes, n_arcs;
	/* the difference graph: per node, its out-steps [out_start[v], out_start[v+1]) */
	size_t *out_start, *next;
	struct step *out;
	int64_t *mult; /* per out-step: units left */
	/* the cycles found, one after another */
	struct step *cyc;
	size_t *cyc_start, n_cyc, n_cyc_steps;
	int64_t *delta; /* per cycle: pairs of the plan in force kept more */
};

static void
walk_free(struct walk *w)
{
	free(w->out_start);
	free(w->next);
	free(w->out);
	free(w->mult);
	free(w->cyc);
	free(w->cyc_start);
	free(w->delta);
}

/* The flow of arc a in pt (0 for arcs added after it), the return arc included. */
static int64_t
flow_of(const struct lagrange *lg, const struct point *pt, size_t a, size_t n_arcs)
{
	int64_t f = 0;

	if (a < n_arcs)
		return a < pt->n_arcs ? pt->flow[a] : 0;
	for (size_t b = 0; b < pt->n_arcs; b++)
		if (mcf_arc_from(lg->net.f, b) == lg->net.source)
			f += pt->flow[b];
	return f;
}

/*
 * hi - lo as unit cycles (a conformal decomposition: each arc's units all
 * go the way hi differs from lo).  Returns 0 or -1 (out of memory).
 */
static int
walk_cycles(struct lagrange *lg, const struct point *lo, const struct point *hi, struct walk *w,
            const int32_t *cand_of_arc)
{
	struct mcf *f = lg->net.f;
	size_t n = mcf_nodes(f), m = mcf_arcs(f), a, v, total = 0, *path_node = NULL;
	size_t *path_step = NULL, *on_path = NULL, cap_cyc = 0;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	w->n_nodes = n;
	w->n_arcs = m;
	w->out_start = calloc(n + 2, sizeof(*w->out_start));
	w->next = calloc(n + 1, sizeof(*w->next));
	if (w->out_start == NULL || w->next == NULL)
		return -1;
	/* count, then place, the steps of each node */
	for (int pass = 0; pass < 2; pass++) {
		size_t *fill = NULL;

		if (pass == 1) {
			for (v = 0; v < n; v++)
				w->out_start[v + 1] += w->out_start[v];
			total = w->out_start[n];
			w->out = calloc(total + 1, sizeof(*w->out));
			w->mult = calloc(total + 1, sizeof(*w->mult));
			fill = calloc(n + 1, sizeof(*fill));
			if (w->out == NULL || w->mult == NULL || fill == NULL) {
				free(fill);
				return -1;
			}
		}
		for (a = 0; a <= m; a++) {
			int64_t dd = flow_of(lg, hi, a, m) - flow_of(lg, lo, a, m);
			size_t from;

			if (dd == 0)
				continue;
			if (a == m)
				from = dd > 0 ? lg->net.sink : lg->net.source;
			else
				from = dd > 0 ? mcf_arc_from(f, a) : mcf_arc_to(f, a);
			if (pass == 0) {
				w->out_start[from + 1]++;
				continue;
			}
			size_t at = w->out_start[from] + fill[from]++;

			w->out[at].arc = a;
			w->out[at].dir = dd > 0 ? 1 : -1;
			w->mult[at] = dd > 0 ? dd : -dd;
		}
		free(fill);
	}
	for (v = 0; v < n; v++)
		w->next[v] = w->out_start[v];
	path_node = calloc(n + total + 2, sizeof(*path_node));
	path_step = calloc(n + total + 2, sizeof(*path_step));
	on_path = calloc(n + 1, sizeof(*on_path));
	if (path_node == NULL || path_step == NULL || on_path == NULL)
		goto out;
	for (v = 0; v < n; v++)
		on_path[v] = SIZE_MAX;
	for (size_t s0 = 0; s0 < n; s0++) {
		size_t depth = 0;

		while (w->next[s0] < w->out_start[s0 + 1] && w->mult[w->next[s0]] == 0)
			w->next[s0]++;
		if (w->next[s0] == w->out_start[s0 + 1])
			continue;
		path_node[0] = s0;
		on_path[s0] = 0;
		for (;;) {
			size_t u = path_node[depth], st, to;
			struct step *sp;

			while (w->next[u] < w->out_start[u + 1] && w->mult[w->next[u]] == 0)
				w->next[u]++;
			if (w->next[u] == w->out_start[u + 1]) {
				/* only the start can run out: a circulation balances every node */
				if (depth != 0)
					goto out;
				on_path[u] = SIZE_MAX;
				break;
			}
			st = w->next[u];
			sp = &w->out[st];
			if (sp->arc == m)
				to = sp->dir > 0 ? lg->net.source : lg->net.sink;
			else
				to =
				    sp->dir > 0 ? mcf_arc_to(f, sp->arc) : mcf_arc_from(f, sp->arc);
			path_step[depth] = st;
			if (on_path[to] == SIZE_MAX) {
				path_node[++depth] = to;
				on_path[to] = depth;
				continue;
			}
			/* a cycle: the steps from to's place on the path to here */
			{
				size_t from_depth = on_path[to], len = depth - from_depth + 1, k;
				int64_t dk = 0;

				if (w->n_cyc_steps + len > cap_cyc) {
					size_t nc = (cap_cyc + len) * 2;
					struct step *c2 = realloc(w->cyc, nc * sizeof(*c2));

					if (c2 == NULL)
						goto out;
					w->cyc = c2;
					cap_cyc = nc;
				}
				if (w->n_cyc % 64 == 0) {
					size_t *s2 =
					    realloc(w->cyc_start, (w->n_cyc + 65) * sizeof(*s2));
					int64_t *d2 =
					    realloc(w->delta, (w->n_cyc + 65) * sizeof(*d2));

					if (s2 != NULL)
						w->cyc_start = s2;
					if (d2 != NULL)
						w->delta = d2;
					if (s2 == NULL || d2 == NULL)
						goto out;
				}
				w->cyc_start[w->n_cyc] = w->n_cyc_steps;
				for (k = from_depth; k <= depth; k++) {
					struct step *ps = &w->out[path_step[k]];

					w->mult[path_step[k]]--;
					w->cyc[w->n_cyc_steps++] = *ps;
					if (ps->arc < m && cand_of_arc[ps->arc] >= 0 &&
					    lg->d->pc.v[cand_of_arc[ps->arc]].previous)
						dk += ps->dir;
				}
				w->delta[w->n_cyc] = dk;
				w->n_cyc++;
				w->cyc_start[w->n_cyc] = w->n_cyc_steps;
				for (k = from_depth + 1; k <= depth; k++)
					on_path[path_node[k]] = SIZE_MAX;
				depth = from_depth;
			}
		}
	}
	rc = 0;
out:
	free(path_node);
	free(path_step);
	free(on_path);
	return rc;
}

static int
delta_asc(const void *a, const void *b, void *arg)
{
	const int64_t *delta = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (delta[x] != delta[y])
		return delta[x] < delta[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/*
 * From lo, apply cycles of hi - lo until K pairs are kept (or as near
 * above as they allow), into chosen.  Returns the pairs kept then, or -1.
 */
static int64_t
walk_to_k(struct lagrange *lg, const struct point *lo, const struct point *hi,
          unsigned char *chosen)
{
	const struct pairing_data *d = lg->d;
	size_t m = mcf_arcs(lg->net.f), i, a, *order = NULL;
	int32_t *cand_of_arc = malloc((m + 1) * sizeof(*cand_of_arc));
	unsigned char *use = NULL;
	int64_t need = lg->K - lo->kept, sum = 0, kept = -1;
	struct walk w;

	memset(&w, 0, sizeof(w));
	if (cand_of_arc == NULL)
		return -1;
	for (a = 0; a < m; a++)
		cand_of_arc[a] = -1;
	for (i = 0; i < d->pc.n; i++)
		if (lg->net.arc[i] != UINT32_MAX)
			cand_of_arc[lg->net.arc[i]] = (int32_t)i;
	if (walk_cycles(lg, lo, hi, &w, cand_of_arc) != 0)
		goto out;
	order = calloc(w.n_cyc + 1, sizeof(*order));
	use = calloc(w.n_cyc + 1, 1);
	if (order == NULL || use == NULL)
		goto out;
	for (i = 0; i < w.n_cyc; i++)
		order[i] = i;
	qsort_r(order, w.n_cyc, sizeof(*order), delta_asc, w.delta);
	/* the cycles that keep more, smallest first, until K */
	for (i = 0; i < w.n_cyc && sum < need; i++)
		if (w.delta[order[i]] > 0) {
			use[order[i]] = 1;
			sum += w.delta[order[i]];
		}
	/* overshot: cycles that keep fewer, as far as they fit, largest first */
	for (i = 0; i < w.n_cyc && sum > need; i++)
		if (w.delta[order[i]] < 0 && sum + w.delta[order[i]] >= need) {
			use[order[i]] = 1;
			sum += w.delta[order[i]];
		}
	memcpy(chosen, lo->chosen, d->pc.n);
	for (i = 0; i < w.n_cyc; i++) {
		if (!use[i])
			continue;
		for (size_t k = w.cyc_start[i]; k < w.cyc_start[i + 1]; k++)
			if (w.cyc[k].arc < m && cand_of_arc[w.cyc[k].arc] >= 0)
				chosen[cand_of_arc[w.cyc[k].arc]] = w.cyc[k].dir > 0;
	}
	kept = kept_of(d, chosen);
out:
	walk_free(&w);
	free(cand_of_arc);
	free(order);
	free(use);
	return kept;
}

/* ------------------------------------------------------------------ */
/* max_changes that cannot be met                                      */
/* ------------------------------------------------------------------ */

/*
 * The most pairs of the plan in force the network keeps is a maximum
 * flow over their arcs alone (other pairs only take room); a minimum cut
 * of it is made of the limits that hold the others back: the communities
 * the source still reaches in the residual network (their max_partners
 * full), the enterprises it does not (their max_communities full), and
 * the (community, industry) groups of diverse_industries.  Each pair of
 * the plan in force left out is held back by its enterprise or by its
 * community (or its group, which is its community's).
 */
static void
explain_max_keep(struct lagrange *lg, const struct point *mk, struct plan_part *part)
{
	const struct pairing_data *d = lg->d;
	const struct snapshot *s = d->s;
	struct pairing_net *net = &lg->net;
	struct mcf *f = net->f;
	size_t n = mcf_nodes(f), m = mcf_arcs(f), i, a, k, qh = 0, qt = 0, listed = 0, more = 0;
	int64_t *flow = calloc(m + 1, sizeof(*flow));
	unsigned char *reach = calloc(n + 1, 1), *in = calloc(m + 1, 1);
	size_t *out_start = calloc(n + 2, sizeof(*out_start)), *adj = NULL, *queue = NULL;
	size_t *fill = calloc(n + 1, sizeof(*fill));
	int64_t *lost_e = calloc(s->n_enterprises + 1, sizeof(*lost_e));
	int64_t *lost_c = calloc(s->n_communities + 1, sizeof(*lost_c));
	FILE *mem = NULL;
	char *text = NULL;
	size_t len = 0;

	if (flow == NULL || reach == NULL || in == NULL || out_start == NULL || fill == NULL ||
	    lost_e == NULL || lost_c == NULL)
		goto fallback;
	/* the arcs of the keep, and the kept pairs' flow through them */
	for (k = 0; k < s->n_enterprises; k++)
		if (net->e_arc[k] != MCF_NONE)
			in[net->e_arc[k]] = 1;
	for (k = 0; k < s->n_communities; k++)
		if (net->c_min[k] != MCF_NONE)
			in[net->c_min[k]] = in[net->c_rest[k]] = 1;
	for (k = 0; k < net->n_groups; k++)
		in[net->group_arc[k]] = 1;
	for (i = 0; i < d->pc.n; i++) {
		const struct pair_candidate *pc = &d->pc.v[i];
		size_t to, cm;

		if (net->arc[i] == UINT32_MAX || !pc->previous)
			continue;
		in[net->arc[i]] = 1;
		if (!mk->chosen[i])
			continue;
		flow[net->arc[i]] = 1;
		flow[net->e_arc[pc->e]]++;
		to = mcf_arc_to(f, net->arc[i]);
		if (to != net->c_node[pc->c])
			flow[net->group_arc[to - net->group0]]++;
		cm = flow[net->c_min[pc->c]] < mcf_arc_cap(f, net->c_min[pc->c])
		         ? net->c_min[pc->c]
		         : net->c_rest[pc->c];
		flow[cm]++;
	}
	/* its residual network: room forward, flow backward */
	for (int pass = 0; pass < 2; pass++) {
		for (a = 0; a < m; a++) {
			if (!in[a])
				continue;
			for (int back = 0; back < 2; back++) {
				size_t u = back ? mcf_arc_to(f, a) : mcf_arc_from(f, a);
				size_t v = back ? mcf_arc_from(f, a) : mcf_arc_to(f, a);

				if (back ? flow[a] <= 0 : flow[a] >= mcf_arc_cap(f, a))
					continue;
				if (pass == 0)
					out_start[u + 1]++;
				else
					adj[out_start[u] + fill[u]++] = v;
			}
		}
		if (pass == 0) {
			for (k = 0; k < n; k++)
				out_start[k + 1] += out_start[k];
			adj = calloc(out_start[n] + 1, sizeof(*adj));
			queue = calloc(n + 1, sizeof(*queue));
			if (adj == NULL || queue == NULL)
				goto fallback;
		}
	}
	reach[net->source] = 1;
	queue[qt++] = net->source;
	while (qh < qt) {
		size_t u = queue[qh++];

		for (k = out_start[u]; k < out_start[u + 1]; k++)
			if (!reach[adj[k]]) {
				reach[adj[k]] = 1;
				queue[qt++] = adj[k];
			}
	}
	for (i = 0; i < d->pc.n; i++) {
		const struct pair_candidate *pc = &d->pc.v[i];

		if (!pc->previous || mk->chosen[i])
			continue;
		if (!reach[net->e_node_of[pc->e]])
			lost_e[pc->e]++;
		else
			lost_c[pc->c]++;
	}
	mem = open_memstream(&text, &len);
	if (mem == NULL)
		goto fallback;
	fprintf(mem,
	        "max_changes is %lld, but at most %lld of the %zu pairs of the plan in force can "
	        "be kept with the pins, forbids and partner limits: at least %lld must change",
	        (long long)s->settings.max_changes, (long long)mk->kept, d->prev.n,
	        (long long)d->prev.n - (long long)mk->kept);
	for (k = 0; k < s->n_communities; k++) {
		int64_t in_force = 0;

		if (lost_c[k] == 0)
			continue;
		if (listed == 10) {
			more++;
			continue;
		}
		for (i = d->c_start[k]; i < d->c_start[k + 1]; i++)
			in_force += d->pc.v[d->c_list[i]].previous;
		fprintf(mem, "%s community %lld (max_partners %lld, %lld pairs in force)",
		        listed++ ? "," : "; held back by", pairing_cid(d, k),
		        (long long)s->communities[k].max_partners, (long long)in_force);
	}
	for (k = 0; k < s->n_enterprises; k++) {
		int64_t in_force = 0;

		if (lost_e[k] == 0)
			continue;
		if (listed == 10) {
			more++;
			continue;
		}
		for (i = d->e_start[k]; i < d->e_start[k + 1]; i++)
			in_force += d->pc.v[i].previous;
		fprintf(mem, "%s enterprise %lld (max_communities %lld, %lld pairs in force)",
		        listed++ ? "," : "; held back by", pairing_eid(d, k),
		        (long long)s->enterprises[k].max_communities, (long long)in_force);
	}
	if (more > 0)
		fprintf(mem, " and %zu more", more);
	if (fclose(mem) != 0 || text == NULL)
		goto fallback;
	plan_part_add_reason(part, "%s", text);
	goto done;
fallback:
	pairing_reason_max_changes(d, mk->kept, part);
done:
	free(text);
	free(flow);
	free(reach);
	free(in);
	free(out_start);
	free(fill);
	free(adj);
	free(queue);
	free(lost_e);
	free(lost_c);
}

/* ------------------------------------------------------------------ */
/* The search                                                          */
/* ------------------------------------------------------------------ */

/* The best plan that keeps the row so far. */
struct incumbent {
	unsigned char *chosen;
	int64_t p;
	bool have;
};

static void
offer(const struct pairing_data *d, struct incumbent *inc, const unsigned char *chosen, size_t *buf)
{
	int64_t p;

	if (!pairing_feasible(d, chosen, buf))
		return;
	p = pairing_value(d, chosen);
	if (inc->have && p <= inc->p)
		return;
	memcpy(inc->chosen, chosen, d->pc.n);
	inc->p = p;
	inc->have = true;
}

/*
 * The rest of the gap by the branch-and-cut, on the model with every
 * candidate fixed at the flow's value whose reduced cost (the flow solved
 * at lambda = num / den, value den * L) exceeds what a plan better than
 * the incumbent could lose.  *bound is lowered when the search proves
 * more.  Returns true when the plan in inc is proven optimal.
 */
static bool
close_by_mip(struct lagrange *lg, struct lp_search *sr, bool verbose, const struct point *at,
             __int128 den_l, struct incumbent *inc, int64_t *bound, struct plan_part *part)
{
	const struct pairing_data *d = lg->d;
	int64_t *rc = malloc((d->pc.n + 1) * sizeof(*rc));
	signed char *fix = malloc(d->pc.n + 1);
	unsigned char *got = calloc(d->pc.n + 1, 1);
	__int128 room = den_l - (__int128)at->den * (inc->p + 1);
	double mb = INFINITY;
	bool proven = false;
	size_t i, free_cols = 0;
	enum pairing_run r;

	if (rc == NULL || fix == NULL || got == NULL)
		goto out;
	pairing_net_reduced_costs(&lg->net, d, rc);
	for (i = 0; i < d->pc.n; i++) {
		__int128 a = rc[i] == INT64_MAX ? (__int128)INT64_MAX
		             : rc[i] < 0        ? -(__int128)rc[i]
		                                : rc[i];

		if (d->pc.v[i].pinned || a > room) {
			fix[i] = (signed char)at->chosen[i];
		} else {
			fix[i] = -1;
			free_cols++;
		}
	}
	r = pairing_mip_fixed(d, sr, verbose, fix, inc->chosen, got, &mb, part);
	if (r == PAIRING_RUN_OPTIMAL || r == PAIRING_RUN_FEASIBLE)
		offer(d, inc, got, lg->buf);
	/*
	 * Every plan better than the incumbent lies in the reduced model: the
	 * best P is the incumbent's or at most the reduced model's bound.
	 */
	if (r == PAIRING_RUN_OPTIMAL || r == PAIRING_RUN_INFEASIBLE)
		mb = (double)inc->p;
	if (isfinite(mb)) {
		int64_t b = (int64_t)floor(mb + 1e-6);

		if (b < inc->p)
			b = inc->p;
		if (b < *bound)
			*bound = b;
	}
	proven = *bound <= inc->p;
	(void)free_cols;
out:
	free(rc);
	free(fix);
	free(got);
	return proven;
}

enum pairing_run
pairing_lagrange(const struct pairing_data *d, struct lp_search *sr, bool verbose,
                 unsigned char *chosen, double *bound_out, char *method, size_t method_len,
                 struct plan_part *part)
{
	struct lagrange lg = {.d = d, .K = d->keep_min};
	struct point a = {0}, b = {0}, c = {0};
	struct incumbent inc = {0};
	enum pairing_run run = PAIRING_RUN_FAILED;
	double deadline = sr->started + (sr->limit_s > 0 ? sr->limit_s : INFINITY);
	int64_t bound = INT64_MAX, den = 1, num = 0;
	__int128 lc = 0;
	bool converged = false;
	int r, step;

	snprintf(method, method_len, "min-cost flow (%s)", pairing_net_method());
	lg.buf = calloc(d->pc.n + 1, sizeof(*lg.buf));
	inc.chosen = calloc(d->pc.n + 1, 1);
	if (lg.buf == NULL || inc.chosen == NULL) {
		free(lg.buf);
		free(inc.chosen);
		return PAIRING_RUN_NO_MEMORY;
	}
	r = pairing_net_build(&lg.net, d, false);
	if (r != 0) {
		free(lg.buf);
		free(inc.chosen);
		if (r > 0) {
			plan_part_add_reason(part, "no pairing meets the pins, forbids and limits");
			return PAIRING_RUN_INFEASIBLE;
		}
		return PAIRING_RUN_FAILED;
	}
	/* lambda = 0: the best pairing with the row left out */
	if (solve_at(&lg, 1, 0, &a) != 0)
		goto out;
	bound = a.p;
	if (!d->has_keep_row || a.kept >= lg.K) {
		memcpy(chosen, a.chosen, d->pc.n);
		*bound_out = (double)a.p;
		run = PAIRING_RUN_OPTIMAL;
		goto out;
	}
	/* lambda = infinity: the most pairs of the plan in force the rules let it keep */
	if (solve_at(&lg, 0, 1, &b) != 0)
		goto out;
	if (b.kept < lg.K) {
		explain_max_keep(&lg, &b, part);
		run = PAIRING_RUN_INFEASIBLE;
		goto out;
	}
	offer(d, &inc, b.chosen, lg.buf);
	snprintf(method, method_len, "Lagrangian min-cost flow (LEMON)");
	for (step = 0; step < LAGRANGE_STEPS && lp_now() < deadline; step++) {
		__int128 ma;
		int64_t g;

		/* the lines of a and b meet at lambda = (P_a - P_b) / (kept_b - kept_a) */
		den = b.kept - a.kept;
		num = a.p - b.p > 0 ? a.p - b.p : 0;
		g = num > 0 ? gcd64(num, den) : den;
		den /= g;
		num /= g;
		if (solve_at(&lg, den, num, &c) != 0)
			break;
		lc = (__int128)den * c.p + (__int128)num * (c.kept - lg.K);
		ma = (__int128)den * a.p + (__int128)num * (a.kept - lg.K);
		if (floor_div(lc, den) < bound)
			bound = floor_div(lc, den);
		if (c.kept >= lg.K)
			offer(d, &inc, c.chosen, lg.buf);
		if (lc <= ma) {
			converged = true;
			break;
		}
		if (c.kept == lg.K)
			break; /* its P is L(lambda): proven */
		if (c.kept < lg.K) {
			struct point t = a;

			a = c;
			c = t;
		} else {
			struct point t = b;

			b = c;
			c = t;
		}
	}
	if (converged && (!inc.have || inc.p < bound)) {
		/*
		 * a, b and c are all optimal at the best lambda: walk the face from
		 * the one keeping the most below K to the one keeping the fewest
		 * from K on.
		 */
		const struct point *lo = c.kept < lg.K && c.kept > a.kept ? &c : &a;
		const struct point *hi = c.kept >= lg.K && c.kept < b.kept ? &c : &b;
		unsigned char *w = calloc(d->pc.n + 1, 1);

		if (w != NULL && walk_to_k(&lg, lo, hi, w) >= lg.K)
			offer(d, &inc, w, lg.buf);
		free(w);
	}
	if (converged && inc.have && inc.p < bound && lp_now() < deadline) {
		snprintf(method, method_len, "Lagrangian min-cost flow + branch-and-cut");
		close_by_mip(&lg, sr, verbose, &c, lc, &inc, &bound, part);
	}
	if (!inc.have)
		goto out;
	memcpy(chosen, inc.chosen, d->pc.n);
	if (bound < inc.p)
		bound = inc.p; /* not reached: L bounds every plan that keeps the row */
	*bound_out = (double)bound;
	run = bound <= inc.p ? PAIRING_RUN_OPTIMAL : PAIRING_RUN_FEASIBLE;
out:
	point_free(&a);
	point_free(&b);
	point_free(&c);
	pairing_net_free(&lg.net);
	free(lg.buf);
	free(inc.chosen);
	return run;
}
