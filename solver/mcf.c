/*
 * mcf.c - a minimum-cost flow by successive shortest paths (primal-dual):
 * Dijkstra on reduced costs, then as many augmenting paths as fit on the
 * arcs of reduced cost zero, until the shortest path from the source to
 * the sink no longer has a negative cost (mcf.h).
 *
 * GLPK's own flow solvers do not serve the pairing: RELAX-IV
 * (glp_mincost_relax4) is disabled in the GLPK 5.0 we build on (it aborts
 * the process), and out-of-kilter (glp_mincost_okalg) runs past 90 s at
 * district scale.
 */
#include "mcf.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lp.h"

#define MCF_INF INT64_MAX

/*
 * Arc a is 2a (forward) and 2a+1 (its reverse) in the residual network;
 * S and T below are the source and the sink of mcf_solve().
 */
struct mcf {
	size_t n, m, m_cap;
	size_t *tail, *head; /* per residual arc */
	int64_t *rcap, *cost;
	size_t *adj_start, *adj; /* residual arcs leaving each node */
	int64_t *pi, *dist;
	size_t *pred, *cur;
	unsigned char *mark;  /* Dijkstra: settled */
	unsigned char *state; /* augmenting: 1 on the path, 2 a dead end */
	/*
	 * The entry nodes are the heads of the arcs leaving S: S -> v is arc
	 * src_arc[v] (MCF_NONE for the other nodes).  An entry node is free
	 * while that arc has capacity left: it stays at distance 0 from S.
	 * The arcs out of entry nodes into a node x, cheapest first, are
	 * in_list[in_start[x] .. in_start[x + 1]), and entry[x] skips those
	 * of entry nodes no longer free (one never becomes free again: no
	 * shortest path goes back to S).  So S reaches x through its best
	 * free entry without scanning the arcs of every free entry node.
	 */
	size_t *src_arc;
	size_t *in_start, *in_list, *entry, *xs, n_xs, cur_s;
	enum mcf_status status;
};

static int
flow_grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

struct mcf *
mcf_new(void)
{
	struct mcf *f = calloc(1, sizeof(*f));

	if (f != NULL)
		f->status = MCF_UNSUITABLE;
	return f;
}

void
mcf_free(struct mcf *f)
{
	if (f == NULL)
		return;
	free(f->tail);
	free(f->head);
	free(f->rcap);
	free(f->cost);
	free(f->adj_start);
	free(f->adj);
	free(f->pi);
	free(f->dist);
	free(f->pred);
	free(f->cur);
	free(f->mark);
	free(f->state);
	free(f->src_arc);
	free(f->in_start);
	free(f->in_list);
	free(f->entry);
	free(f->xs);
	free(f);
}

size_t
mcf_add_node(struct mcf *f)
{
	return f->n++;
}

size_t
mcf_add_arc(struct mcf *f, size_t u, size_t v, int64_t cap, int64_t cost)
{
	size_t a = f->m;

	if (u >= f->n || v >= f->n)
		return MCF_NONE;
	if (2 * a + 2 > f->m_cap) {
		size_t nc = f->m_cap ? 2 * f->m_cap : 4096;

		if (flow_grow((void **)&f->tail, nc, sizeof(*f->tail)) != 0 ||
		    flow_grow((void **)&f->head, nc, sizeof(*f->head)) != 0 ||
		    flow_grow((void **)&f->rcap, nc, sizeof(*f->rcap)) != 0 ||
		    flow_grow((void **)&f->cost, nc, sizeof(*f->cost)) != 0)
			return MCF_NONE;
		f->m_cap = nc;
	}
	f->tail[2 * a] = u;
	f->head[2 * a] = v;
	f->rcap[2 * a] = cap > 0 ? cap : 0;
	f->cost[2 * a] = cost;
	f->tail[2 * a + 1] = v;
	f->head[2 * a + 1] = u;
	f->rcap[2 * a + 1] = 0;
	f->cost[2 * a + 1] = -cost;
	f->m++;
	return a;
}

static bool
flow_is_ent(const struct mcf *f, size_t v)
{
	return f->src_arc[v] != MCF_NONE;
}

static bool
flow_free(const struct mcf *f, size_t e)
{
	return f->rcap[2 * f->src_arc[e]] > 0;
}

static int
flow_entry_cmp(const void *a, const void *b, void *arg)
{
	const struct mcf *f = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (f->cost[2 * x] != f->cost[2 * y])
		return f->cost[2 * x] < f->cost[2 * y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The cheapest residual candidate arc into x from a free enterprise, or -1. */
static size_t
flow_entry(struct mcf *f, size_t x)
{
	size_t k;

	while (f->entry[x] < f->in_start[x + 1] &&
	       !flow_free(f, f->tail[2 * f->in_list[f->entry[x]]]))
		f->entry[x]++;
	for (k = f->entry[x]; k < f->in_start[x + 1]; k++) {
		size_t a = f->in_list[k];

		if (f->rcap[2 * a] > 0 && flow_free(f, f->tail[2 * a]))
			return a;
	}
	return (size_t)-1;
}

/* The candidate arcs into each community node, cheapest first. */
static int
flow_prepare_entries(struct mcf *f)
{
	size_t a, x, *fill;

	f->in_start = calloc(f->n + 1, sizeof(*f->in_start));
	f->in_list = calloc(f->m + 1, sizeof(*f->in_list));
	f->entry = calloc(f->n + 1, sizeof(*f->entry));
	f->xs = calloc(f->n + 1, sizeof(*f->xs));
	fill = calloc(f->n + 1, sizeof(*fill));
	if (f->in_start == NULL || f->in_list == NULL || f->entry == NULL || f->xs == NULL ||
	    fill == NULL) {
		free(fill);
		return -1;
	}
	for (a = 0; a < f->m; a++)
		if (flow_is_ent(f, f->tail[2 * a]))
			f->in_start[f->head[2 * a] + 1]++;
	for (x = 0; x < f->n; x++)
		f->in_start[x + 1] += f->in_start[x];
	for (a = 0; a < f->m; a++)
		if (flow_is_ent(f, f->tail[2 * a])) {
			x = f->head[2 * a];
			f->in_list[f->in_start[x] + fill[x]++] = a;
		}
	free(fill);
	for (x = 0; x < f->n; x++) {
		f->entry[x] = f->in_start[x];
		if (f->in_start[x + 1] == f->in_start[x])
			continue;
		f->xs[f->n_xs++] = x;
		qsort_r(f->in_list + f->in_start[x], f->in_start[x + 1] - f->in_start[x],
		        sizeof(*f->in_list), flow_entry_cmp, f);
	}
	return 0;
}

/* Adjacency lists (in arc order) and the work arrays. */
static int
flow_prepare(struct mcf *f)
{
	size_t n = f->n, r, *fill;

	f->adj_start = calloc(n + 1, sizeof(*f->adj_start));
	f->adj = calloc(2 * f->m + 1, sizeof(*f->adj));
	f->pi = calloc(n, sizeof(*f->pi));
	f->dist = calloc(n, sizeof(*f->dist));
	f->pred = calloc(n, sizeof(*f->pred));
	f->cur = calloc(n, sizeof(*f->cur));
	f->mark = calloc(n, 1);
	f->state = calloc(n, 1);
	fill = calloc(n, sizeof(*fill));
	if (f->adj_start == NULL || f->adj == NULL || f->pi == NULL || f->dist == NULL ||
	    f->pred == NULL || f->cur == NULL || f->mark == NULL || f->state == NULL ||
	    fill == NULL) {
		free(fill);
		return -1;
	}
	for (r = 0; r < 2 * f->m; r++)
		f->adj_start[f->tail[r] + 1]++;
	for (r = 0; r < n; r++)
		f->adj_start[r + 1] += f->adj_start[r];
	for (r = 0; r < 2 * f->m; r++) {
		size_t u = f->tail[r];

		f->adj[f->adj_start[u] + fill[u]++] = r;
	}
	free(fill);
	return flow_prepare_entries(f);
}

/* A binary heap of (distance, node), smallest first, ties by node. */
struct flow_heap {
	int64_t *key;
	size_t *node;
	size_t n, cap;
};

static bool
heap_less(const struct flow_heap *h, size_t i, size_t j)
{
	if (h->key[i] != h->key[j])
		return h->key[i] < h->key[j];
	return h->node[i] < h->node[j];
}

static void
heap_swap(struct flow_heap *h, size_t i, size_t j)
{
	int64_t k = h->key[i];
	size_t v = h->node[i];

	h->key[i] = h->key[j];
	h->node[i] = h->node[j];
	h->key[j] = k;
	h->node[j] = v;
}

static int
heap_push(struct flow_heap *h, int64_t key, size_t node)
{
	size_t i;

	if (h->n == h->cap) {
		size_t nc = h->cap ? 2 * h->cap : 1024;

		if (flow_grow((void **)&h->key, nc, sizeof(*h->key)) != 0 ||
		    flow_grow((void **)&h->node, nc, sizeof(*h->node)) != 0)
			return -1;
		h->cap = nc;
	}
	i = h->n++;
	h->key[i] = key;
	h->node[i] = node;
	while (i > 0 && heap_less(h, i, (i - 1) / 2)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void
heap_pop(struct flow_heap *h)
{
	size_t i = 0;

	h->n--;
	h->key[0] = h->key[h->n];
	h->node[0] = h->node[h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < h->n && heap_less(h, l, m))
			m = l;
		if (r < h->n && heap_less(h, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

/*
 * Dijkstra from s on reduced costs, stopped when t is settled; then the
 * potentials move by min(distance, distance of t), which keeps every reduced
 * cost of a residual arc non-negative.  Returns 1 when t is reachable, 0
 * when not, -1 when out of memory.
 */
static int
flow_dijkstra(struct mcf *f, struct flow_heap *h, size_t s, size_t t)
{
	size_t v, k;
	int64_t dt = MCF_INF;

	for (v = 0; v < f->n; v++) {
		f->dist[v] = MCF_INF;
		f->mark[v] = 0;
	}
	h->n = 0;
	f->dist[s] = 0;
	if (heap_push(h, 0, s) != 0)
		return -1;
	while (h->n > 0) {
		int64_t d = h->key[0];
		size_t u = h->node[0];

		heap_pop(h);
		if (f->mark[u] || d != f->dist[u])
			continue;
		f->mark[u] = 1;
		if (u == t) {
			dt = d;
			break;
		}
		if (u == s) {
			/* the free enterprises at distance 0, and their best arcs */
			for (v = 0; v < f->n; v++)
				if (flow_is_ent(f, v) && flow_free(f, v)) {
					f->mark[v] = 1;
					f->dist[v] = 0;
				}
			for (k = 0; k < f->n_xs; k++) {
				size_t x = f->xs[k], a = flow_entry(f, x), e;
				int64_t nd;

				if (a == (size_t)-1)
					continue;
				e = f->tail[2 * a];
				nd = f->cost[2 * a] + f->pi[e] - f->pi[x];
				if (nd < f->dist[x]) {
					f->dist[x] = nd;
					if (heap_push(h, nd, x) != 0)
						return -1;
				}
			}
			continue;
		}
		for (k = f->adj_start[u]; k < f->adj_start[u + 1]; k++) {
			size_t r = f->adj[k], w = f->head[r];
			int64_t nd;

			if (f->rcap[r] <= 0 || f->mark[w])
				continue;
			nd = d + f->cost[r] + f->pi[u] - f->pi[w];
			if (nd < f->dist[w]) {
				f->dist[w] = nd;
				if (heap_push(h, nd, w) != 0)
					return -1;
			}
		}
	}
	if (dt == MCF_INF)
		return 0;
	for (v = 0; v < f->n; v++)
		f->pi[v] += f->mark[v] && f->dist[v] < dt ? f->dist[v] : dt;
	return 1;
}

/*
 * Augmenting paths from s to t on residual arcs of reduced cost zero, each
 * a shortest path; a depth-first search with a current arc per node.
 */
static void
flow_augment(struct mcf *f, size_t s, size_t t)
{
	size_t v, u;

	for (v = 0; v < f->n; v++) {
		f->cur[v] = f->adj_start[v];
		f->state[v] = 0;
	}
	f->cur_s = 0;
	u = s;
	f->state[s] = 1;
	while (true) {
		if (u == t) {
			int64_t b = MCF_INF;

			for (v = t; v != s; v = f->tail[f->pred[v]])
				if (f->rcap[f->pred[v]] < b)
					b = f->rcap[f->pred[v]];
			for (v = t; v != s; v = f->tail[f->pred[v]]) {
				f->rcap[f->pred[v]] -= b;
				f->rcap[f->pred[v] ^ 1] += b;
			}
			for (v = t; v != s; v = f->tail[f->pred[v]])
				f->state[v] = 0;
			u = s;
			continue;
		}
		if (u == s) {
			/* S -> e -> x through x's best free entry, when admissible */
			size_t x, a = (size_t)-1, e;

			for (; f->cur_s < f->n_xs; f->cur_s++) {
				x = f->xs[f->cur_s];
				if (f->state[x] != 0)
					continue;
				a = flow_entry(f, x);
				if (a == (size_t)-1)
					continue;
				e = f->tail[2 * a];
				if (f->state[e] != 1 && f->cost[2 * a] + f->pi[e] - f->pi[x] == 0 &&
				    f->pi[s] - f->pi[e] == 0)
					break;
			}
			if (f->cur_s == f->n_xs)
				return;
			x = f->xs[f->cur_s];
			e = f->tail[2 * a];
			f->pred[e] = 2 * f->src_arc[e];
			f->pred[x] = 2 * a;
			f->state[e] = 1;
			f->state[x] = 1;
			u = x;
			continue;
		}
		while (f->cur[u] < f->adj_start[u + 1]) {
			size_t r = f->adj[f->cur[u]], w = f->head[r];

			if (f->rcap[r] > 0 && f->state[w] == 0 &&
			    f->cost[r] + f->pi[u] - f->pi[w] == 0)
				break;
			f->cur[u]++;
		}
		if (f->cur[u] == f->adj_start[u + 1]) {
			size_t p = f->tail[f->pred[u]];

			f->state[u] = 2;
			if (p == s || f->tail[f->pred[p]] == s) {
				/* u came from S through the free entry p: back to S */
				f->state[p] = 0;
				u = s;
				continue;
			}
			u = p;
			f->cur[u]++;
			continue;
		}
		v = f->head[f->adj[f->cur[u]]];
		f->pred[v] = f->adj[f->cur[u]];
		f->state[v] = 1;
		u = v;
	}
}

/*
 * The entry nodes (src_arc), once the network is known to suit: every arc
 * leaving s costs 0 and is the only arc into its head, and no arc enters
 * s.  Returns 0, 1 when it does not suit, -1 when out of memory.
 */
static int
flow_find_entries(struct mcf *f, size_t s)
{
	size_t *in = calloc(f->n + 1, sizeof(*in)), a, v;

	f->src_arc = calloc(f->n + 1, sizeof(*f->src_arc));
	if (in == NULL || f->src_arc == NULL) {
		free(in);
		return -1;
	}
	for (v = 0; v < f->n; v++)
		f->src_arc[v] = MCF_NONE;
	for (a = 0; a < f->m; a++)
		in[f->head[2 * a]]++;
	for (a = 0; a < f->m; a++) {
		v = f->head[2 * a];
		if (v == s || (f->tail[2 * a] == s && (f->cost[2 * a] != 0 || in[v] != 1))) {
			free(in);
			return 1;
		}
		if (f->tail[2 * a] == s)
			f->src_arc[v] = a;
	}
	free(in);
	return 0;
}

/*
 * Initial potentials: shortest distances from s on the arcs with capacity
 * (Bellman-Ford; nodes s cannot reach never enter a path: 0).  Returns 0,
 * or 1 on a cycle of negative cost.
 */
static int
flow_potentials(struct mcf *f, size_t s)
{
	size_t a, v, pass;
	bool changed = true;

	for (v = 0; v < f->n; v++)
		f->pi[v] = v == s ? 0 : MCF_INF;
	for (pass = 0; changed; pass++) {
		if (pass > f->n)
			return 1;
		changed = false;
		for (a = 0; a < f->m; a++) {
			size_t u = f->tail[2 * a];

			v = f->head[2 * a];
			if (f->rcap[2 * a] > 0 && f->pi[u] != MCF_INF &&
			    f->pi[u] + f->cost[2 * a] < f->pi[v]) {
				f->pi[v] = f->pi[u] + f->cost[2 * a];
				changed = true;
			}
		}
	}
	for (v = 0; v < f->n; v++)
		if (f->pi[v] == MCF_INF)
			f->pi[v] = 0;
	return 0;
}

enum mcf_status
mcf_solve(struct mcf *f, size_t s, size_t t, double deadline)
{
	struct flow_heap h = {0};
	int ret;

	if (s >= f->n || t >= f->n || s == t || f->src_arc != NULL)
		return MCF_UNSUITABLE;
	ret = flow_find_entries(f, s);
	if (ret != 0)
		return ret < 0 ? MCF_NO_MEMORY : MCF_UNSUITABLE;
	if (flow_prepare(f) != 0)
		return MCF_NO_MEMORY;
	if (flow_potentials(f, s) != 0)
		return MCF_UNSUITABLE;
	for (;;) {
		ret = flow_dijkstra(f, &h, s, t);
		if (ret < 0) {
			f->status = MCF_NO_MEMORY;
			break;
		}
		if (ret == 0 || f->pi[t] - f->pi[s] >= 0) {
			f->status = MCF_OPTIMAL;
			break;
		}
		flow_augment(f, s, t);
		if (lp_now() > deadline) {
			f->status = MCF_STOPPED;
			break;
		}
	}
	free(h.key);
	free(h.node);
	return f->status;
}

int64_t
mcf_flow(const struct mcf *f, size_t arc)
{
	return f->rcap[2 * arc + 1]; /* the reverse arc holds what went forward */
}

int64_t
mcf_cost(const struct mcf *f)
{
	int64_t c = 0;
	size_t a;

	for (a = 0; a < f->m; a++)
		c += f->rcap[2 * a + 1] * f->cost[2 * a];
	return c;
}

double
mcf_bound(const struct mcf *f)
{
	return f->status == MCF_OPTIMAL ? (double)mcf_cost(f) : -INFINITY;
}
