/*
 * test_planwire.c - a plan across the pipe (worker/planwire.h).
 *
 * A plan with every kind of row and reasons comes back equal, as its JSON
 * document says (plan_to_json of both); a plan without rows too.  Every
 * buffer cut short, one with a wrong mark, one from a build with other
 * struct sizes, one with a count larger than its bytes and one with bytes
 * after its rows are refused, and the plan handed back is empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "planwire.h"

static void
make_plan(struct plan *p, size_t n)
{
	size_t i;

	plan_init(p);
	p->pairing.status = PART_OPTIMAL;
	p->pairing.objective = 1234;
	p->pairing.bound = 1234;
	p->pairing.gap = 0;
	p->pairing.seconds = 0.25;
	strcpy(p->pairing.method, "min-cost flow");
	p->roster.status = PART_FEASIBLE;
	p->roster.objective = 77;
	p->roster.bound = 80.5;
	p->roster.gap = 0.04;
	p->roster.memory_budget_mib = 256;
	plan_part_add_reason(&p->roster, "期 %d: 一个 \"原因\"", 2);
	p->pairs = calloc(n, sizeof(*p->pairs));
	p->uncovered = calloc(n, sizeof(*p->uncovered));
	p->assignments = calloc(n, sizeof(*p->assignments));
	p->coverage = calloc(n, sizeof(*p->coverage));
	for (i = 0; i < n; i++) {
		p->pairs[i] =
		    (struct plan_pair){(int64_t)i + 1, (int64_t)(i % 7) + 1, (int64_t)i * 3};
		p->uncovered[i] = (struct plan_uncovered){(int64_t)i + 10, 1};
		p->assignments[i] = (struct plan_assignment){(int64_t)i + 1, 2, 3};
		p->coverage[i] = (struct plan_coverage){(int64_t)i + 1, 3, 100, 90, 2, 5};
	}
	p->n_pairs = p->n_uncovered = p->n_assignments = p->n_coverage = n;
}

static int
same_plan(const struct plan *a, const struct plan *b)
{
	json_t *ja = plan_to_json(a), *jb = plan_to_json(b);
	int same = ja != NULL && jb != NULL && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return same;
}

static int
refused(const char *buf, size_t len)
{
	struct plan out;
	char err[256] = "";
	int rc = planwire_decode(buf, len, &out, err, sizeof(err));

	if (rc == 0) {
		plan_free(&out);
		return 0;
	}
	CHECK(out.n_pairs == 0 && out.pairs == NULL && out.n_coverage == 0 && err[0] != '\0');
	return 1;
}

int
main(void)
{
	struct plan p, back, empty;
	char err[256], *buf, *copy;
	size_t len, cut, n_refused = 0;
	uint64_t huge = UINT64_MAX / 2;

	make_plan(&p, 50);
	buf = planwire_encode(&p, &len);
	CHECK(buf != NULL);
	CHECK_INT_EQ(planwire_decode(buf, len, &back, err, sizeof(err)), 0);
	CHECK(same_plan(&p, &back));
	CHECK_INT_EQ(back.n_pairs, 50);
	CHECK(strcmp(back.roster.reasons[0], p.roster.reasons[0]) == 0);
	plan_free(&back);

	for (cut = 0; cut < len; cut++)
		n_refused += refused(buf, cut);
	CHECK_INT_EQ(n_refused, len);

	copy = malloc(len + 8);
	memcpy(copy, buf, len);
	copy[0] = 'X';
	CHECK(refused(copy, len)); /* the mark */
	memcpy(copy, buf, len);
	copy[4] ^= 1;
	CHECK(refused(copy, len)); /* the size of a pair */
	memcpy(copy, buf, len);
	memset(copy + len, 0, 8);
	CHECK(refused(copy, len + 8)); /* bytes after the rows */
	memcpy(copy, buf, len);
	/* the count of the last array (coverage): 50 rows of 48 bytes from the end */
	memcpy(copy + len - 50 * sizeof(struct plan_coverage) - sizeof(huge), &huge, sizeof(huge));
	CHECK(refused(copy, len));
	free(copy);
	free(buf);
	plan_free(&p);

	make_plan(&empty, 0);
	buf = planwire_encode(&empty, &len);
	CHECK_INT_EQ(planwire_decode(buf, len, &back, err, sizeof(err)), 0);
	CHECK(same_plan(&empty, &back));
	plan_free(&back);
	free(buf);
	plan_free(&empty);
	return check_done("test_planwire");
}
