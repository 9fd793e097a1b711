/*
 * fuzz_snapshot.c - libFuzzer harness of the snapshot reader: the input as
 * a snapshot document (snapshot_from_json, as parkplanctl solve and the
 * worker read one), then, when it reads, its validation and the problems
 * as JSON (snapshot_validate, problems_to_json) and its normalisation.
 *
 * A finding: a crash, a sanitizer report, a leak, or a problem whose
 * reason is not UTF-8 (jansson would drop it: a problem without its text).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "snapshot.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;
	struct problems pr;
	json_error_t jerr;
	json_t *doc, *out;
	char err[512];
	size_t i;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return 0;
	if (snapshot_from_json(doc, &s, err, sizeof(err)) != 0) {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);
	problems_init(&pr);
	(void)snapshot_validate(&s, &pr);
	out = problems_to_json(&pr);
	if (out == NULL || json_array_size(out) != pr.n) {
		fprintf(stderr, "fuzz_snapshot: %zu problems, %zu in JSON\n", pr.n,
		        json_array_size(out));
		abort();
	}
	for (i = 0; i < pr.n; i++)
		if (json_string_value(json_object_get(json_array_get(out, i), "reason")) == NULL) {
			fprintf(stderr, "fuzz_snapshot: problem %zu lost its reason: %s\n", i,
			        pr.v[i].reason);
			abort();
		}
	json_decref(out);
	if (pr.n == 0) {
		snapshot_normalize(&s);
		out = snapshot_to_json(&s);
		json_decref(out);
	}
	problems_free(&pr);
	snapshot_free(&s);
	return 0;
}
