/*
 * planwire.c - a plan across the pipe from a solve's child (planwire.h).
 *
 *	"PPW1"                       the mark and version
 *	u32 x 4                      sizeof the pair, uncovered, assignment and
 *	                             coverage structs of the sender
 *	u32, that many bytes         the head: the plan as JSON without its rows
 *	u64 n, n structs             pairs, then uncovered, assignments, coverage
 *
 * Integers in the host's order: both ends are the same program on the same
 * machine.
 */
#include "planwire.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MARK "PPW1"
#define MARK_LEN 4

struct rows {
	void *v;
	size_t n, size;
};

/* The four arrays of a plan, in wire order. */
static void
plan_rows(const struct plan *p, struct rows r[4])
{
	r[0] = (struct rows){p->pairs, p->n_pairs, sizeof(*p->pairs)};
	r[1] = (struct rows){p->uncovered, p->n_uncovered, sizeof(*p->uncovered)};
	r[2] = (struct rows){p->assignments, p->n_assignments, sizeof(*p->assignments)};
	r[3] = (struct rows){p->coverage, p->n_coverage, sizeof(*p->coverage)};
}

char *
planwire_encode(const struct plan *p, size_t *len)
{
	struct plan head = *p;
	struct rows r[4];
	json_t *doc;
	char *text, *buf, *at;
	size_t head_len, total, i;
	uint32_t u32;
	uint64_t u64;

	plan_rows(p, r);
	head.n_pairs = head.n_uncovered = head.n_assignments = head.n_coverage = 0;
	doc = plan_to_json(&head);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL)
		return NULL;
	head_len = strlen(text);
	total = MARK_LEN + 4 * sizeof(u32) + sizeof(u32) + head_len;
	for (i = 0; i < 4; i++)
		total += sizeof(u64) + r[i].n * r[i].size;
	if (head_len > UINT32_MAX || (buf = malloc(total)) == NULL) {
		free(text);
		return NULL;
	}
	at = buf;
	memcpy(at, MARK, MARK_LEN);
	at += MARK_LEN;
	for (i = 0; i < 4; i++) {
		u32 = (uint32_t)r[i].size;
		memcpy(at, &u32, sizeof(u32));
		at += sizeof(u32);
	}
	u32 = (uint32_t)head_len;
	memcpy(at, &u32, sizeof(u32));
	at += sizeof(u32);
	memcpy(at, text, head_len);
	at += head_len;
	free(text);
	for (i = 0; i < 4; i++) {
		u64 = r[i].n;
		memcpy(at, &u64, sizeof(u64));
		at += sizeof(u64);
		if (r[i].n > 0)
			memcpy(at, r[i].v, r[i].n * r[i].size);
		at += r[i].n * r[i].size;
	}
	*len = total;
	return buf;
}

struct reader {
	const char *at, *end;
};

static int
take(struct reader *rd, void *out, size_t n)
{
	if ((size_t)(rd->end - rd->at) < n)
		return -1;
	memcpy(out, rd->at, n);
	rd->at += n;
	return 0;
}

/* n rows of size bytes, copied into a new array; -1 when not all there. */
static int
take_rows(struct reader *rd, size_t size, void **v, size_t *n)
{
	uint64_t count;

	free(*v); /* the head's rows: none */
	*v = NULL;
	*n = 0;
	if (take(rd, &count, sizeof(count)) != 0 || count > (uint64_t)(rd->end - rd->at) / size)
		return -1;
	if (count == 0)
		return 0;
	*v = malloc((size_t)count * size);
	if (*v == NULL)
		return -1;
	*n = (size_t)count;
	return take(rd, *v, (size_t)count * size);
}

int
planwire_decode(const char *buf, size_t len, struct plan *out, char *err, size_t errlen)
{
	struct reader rd = {buf, buf + len};
	struct rows want[4];
	uint32_t sizes[4], head_len;
	json_error_t jerr;
	json_t *doc;
	char why[256];
	size_t i;

	plan_init(out);
	plan_rows(out, want);
	if (len < MARK_LEN || memcmp(buf, MARK, MARK_LEN) != 0) {
		snprintf(err, errlen, "not a plan");
		return -1;
	}
	rd.at += MARK_LEN;
	for (i = 0; i < 4; i++)
		if (take(&rd, &sizes[i], sizeof(sizes[i])) != 0 || sizes[i] != want[i].size) {
			snprintf(err, errlen, "a plan of another build");
			return -1;
		}
	if (take(&rd, &head_len, sizeof(head_len)) != 0 || head_len > (size_t)(rd.end - rd.at)) {
		snprintf(err, errlen, "the plan's head is cut short");
		return -1;
	}
	doc = json_loadb(rd.at, head_len, 0, &jerr);
	rd.at += head_len;
	if (doc == NULL || plan_from_json(doc, out, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "the plan's head: %s", doc == NULL ? jerr.text : why);
		json_decref(doc);
		plan_free(out);
		plan_init(out);
		return -1;
	}
	json_decref(doc);
	if (out->n_pairs + out->n_uncovered + out->n_assignments + out->n_coverage > 0 ||
	    take_rows(&rd, sizeof(*out->pairs), (void **)&out->pairs, &out->n_pairs) != 0 ||
	    take_rows(&rd, sizeof(*out->uncovered), (void **)&out->uncovered, &out->n_uncovered) !=
	        0 ||
	    take_rows(&rd, sizeof(*out->assignments), (void **)&out->assignments,
	              &out->n_assignments) != 0 ||
	    take_rows(&rd, sizeof(*out->coverage), (void **)&out->coverage, &out->n_coverage) !=
	        0 ||
	    rd.at != rd.end) {
		snprintf(err, errlen, "the plan's rows do not match their counts");
		plan_free(out);
		plan_init(out);
		return -1;
	}
	return 0;
}
