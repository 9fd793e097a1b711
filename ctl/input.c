/*
 * input.c - the snapshot file of an offline verb (solve, explain, export):
 * read, validated, and its problems printed for people (or as JSON) when
 * no plan can come from it.
 */
#include <stdio.h>

#include <jansson.h>

#include "ctl.h"
#include "print.h"
#include "snapshot.h"
#include "validate.h"

int
ctl_snapshot_input(const char *verb, const char *path, const char *refusal, FILE *json_to,
                   struct snapshot *s)
{
	struct problems probs;
	char err[1024];

	if (snapshot_read_file(path, s, err, sizeof(err)) != 0) {
		ctl_error(verb, "%s: %s", path, err);
		return EXIT_INPUT;
	}
	problems_init(&probs);
	if (snapshot_validate(s, &probs) > 0) {
		if (json_to != NULL) {
			json_t *o = json_object();

			json_object_set_new(o, "problems", problems_to_json(&probs));
			json_dumpf(o, json_to, JSON_INDENT(2));
			fputc('\n', json_to);
			json_decref(o);
		} else {
			ctl_error(verb, "%s: %zu problem%s, %s:", path, probs.n,
			          probs.n == 1 ? "" : "s", refusal);
			print_problems(&probs, stderr);
		}
		problems_free(&probs);
		snapshot_free(s);
		return EXIT_INPUT;
	}
	problems_free(&probs);
	return EXIT_OK;
}
