/*
 * print_explain.c - an explanation (explain.h) for people: the subject, its
 * part of the plan with the score broken into the model's terms, and the
 * alternatives that lost with their reasons, as indented tables.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "explain.h"
#include "print.h"
#include "table.h"

/*
 * A table of print_explain(): its header is its first row (no rule under
 * it); column c is right-aligned when bit c of right is set.
 */
static struct table *
pt_new(size_t ncols, const char *const *head, unsigned right)
{
	struct table *t = table_new(ncols, NULL);
	size_t c;

	for (c = 0; c < ncols; c++)
		if ((right >> c) & 1)
			table_align(t, c, TABLE_RIGHT);
	table_add(t, head);
	return t;
}

/* Prints the table indented, or none when it has no row but its header. */
static void
pt_print(struct table *t, FILE *f, const char *none)
{
	if (table_rows(t) <= 1)
		fprintf(f, "    %s\n", none);
	else
		table_print(t, f, "    ");
	table_free(t);
}

static const char *
get_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

/* " [KEY]" when o has the key of the park's lists (a credit code, a code), else "". */
static const char *
key_of(const json_t *o, const char *key, char *buf, size_t len)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v == NULL || *v == '\0')
		return "";
	snprintf(buf, len, " [%s]", v);
	return buf;
}

/* The subject's line: "enterprise 17  name [credit code] (position estimated)". */
static void
print_subject(FILE *f, const char *kind, const json_t *x, const char *key)
{
	char k[128];

	fprintf(f, "%s %" PRId64 "  %s%s%s\n", kind,
	        (int64_t)json_integer_value(json_object_get(x, "id")), get_str(x, "name"),
	        key_of(x, key, k, sizeof(k)),
	        json_is_true(json_object_get(x, "approximate"))
	            ? " (position estimated: its zone's centroid)"
	            : "");
}

static int64_t
get_int(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

static double
get_num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* "3 of 4 (法律服务, 托育)" */
static void
needs_text(char *buf, size_t len, const json_t *terms)
{
	const json_t *met = json_object_get(terms, "needs_met_list");
	size_t i, o;

	o = (size_t)snprintf(buf, len, "%" PRId64 " of %" PRId64, get_int(terms, "needs_met"),
	                     get_int(terms, "needs"));
	for (i = 0; i < json_array_size(met) && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i == 0 ? " (" : ", ",
		                      json_string_value(json_array_get(met, i)));
	if (json_array_size(met) > 0 && o < len)
		snprintf(buf + o, len - o, ")");
}

static void
print_codes(FILE *f, const char *label, const json_t *arr)
{
	size_t i;

	fprintf(f, "  %s: ", label);
	if (json_array_size(arr) == 0)
		fputs("(none)", f);
	for (i = 0; i < json_array_size(arr); i++)
		fprintf(f, "%s%s", i ? ", " : "", json_string_value(json_array_get(arr, i)));
	fputc('\n', f);
}

static void
print_part(FILE *f, const char *label, const json_t *part)
{
	const json_t *reasons = json_object_get(part, "reasons");
	size_t i;

	fprintf(f, "  %s: %s\n", label, get_str(part, "status"));
	for (i = 0; i < json_array_size(reasons); i++)
		fprintf(f, "    %s\n", json_string_value(json_array_get(reasons, i)));
}

/* The plan's pairs of an enterprise or partners of a community. */
static void
print_pairs(FILE *f, const json_t *rows, const char *other, const char *id_key,
            const char *code_key)
{
	struct table *t = pt_new(
	    7,
	    (const char *const[]){other, "score", "base", "keep", "needs met", "distance", "prox"},
	    1u << 1 | 1u << 2 | 1u << 3 | 1u << 5 | 1u << 6);
	size_t i;

	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *r = json_array_get(rows, i), *tm = json_object_get(r, "terms");
		char who[1200], sc[32], ba[32], ke[32], ne[2048], di[40], pr[32], k[128];

		snprintf(who, sizeof(who), "%" PRId64 " %s%s%s", get_int(r, id_key),
		         get_str(r, "name"), key_of(r, code_key, k, sizeof(k)),
		         json_is_true(json_object_get(tm, "pinned")) ? " (pinned)" : "");
		explain_format_int(sc, get_int(r, "score"));
		explain_format_int(ba, get_int(tm, "base"));
		explain_format_int(ke, get_int(tm, "keep"));
		needs_text(ne, sizeof(ne), tm);
		explain_format_m(di, get_num(tm, "distance_m"));
		snprintf(pr, sizeof(pr), "%.2f", get_num(tm, "prox"));
		table_add(t, (const char *const[]){who, sc, ba, ke, ne, di, pr});
	}
	pt_print(t, f, "(none)");
}

static void
print_lost(FILE *f, const json_t *alts, const char *other, const char *code_key)
{
	struct table *t =
	    pt_new(5, (const char *const[]){other, "score", "needs met", "distance", "reason"},
	           1u << 1 | 1u << 3);
	size_t i;

	fprintf(f, "\n  alternatives that lost\n");
	for (i = 0; i < json_array_size(alts); i++) {
		const json_t *a = json_array_get(alts, i), *tm = json_object_get(a, "terms");
		char who[1200], sc[32], ne[64], di[40], k[128];

		snprintf(who, sizeof(who), "%" PRId64 " %s%s", get_int(a, "id"), get_str(a, "name"),
		         key_of(a, code_key, k, sizeof(k)));
		explain_format_int(sc, get_int(a, "score"));
		snprintf(ne, sizeof(ne), "%" PRId64 " of %" PRId64, get_int(tm, "needs_met"),
		         get_int(tm, "needs"));
		explain_format_m(di, get_num(tm, "distance_m"));
		table_add(t, (const char *const[]){who, sc, ne, di, get_str(a, "reason")});
	}
	pt_print(t, f, "(none)");
}

static void
print_enterprise(const json_t *x, FILE *f)
{
	const json_t *zone = json_object_get(x, "zone"), *plan = json_object_get(x, "plan"),
	             *terms = json_object_get(x, "terms"), *w = json_object_get(terms, "weights");
	char n1[32], m1[40];

	print_subject(f, "enterprise", x, "credit_code");
	if (json_is_object(zone))
		fprintf(f, "  zone %s %s (id %" PRId64 ")", get_str(zone, "code"),
		        get_str(zone, "name"), get_int(zone, "id"));
	else
		fprintf(f, "  zone unknown");
	fprintf(f,
	        " · industry %s · class %s, workload %" PRId64 " · max_communities %" PRId64 "\n",
	        get_str(x, "industry"), get_str(x, "class"), get_int(x, "workload"),
	        get_int(x, "max_communities"));
	print_codes(f, "offers", json_object_get(x, "offers"));
	print_part(f, "pairing", json_object_get(plan, "pairing"));
	fprintf(f,
	        "\n  pairs in the plan: score = round(%g·need fit + %g·prox) + keep %" PRId64
	        ", radius %s\n",
	        get_num(w, "w_need"), get_num(w, "w_distance"), get_int(w, "w_keep_pair"),
	        explain_format_m(m1, get_num(w, "pair_radius_m")));
	print_pairs(f, json_object_get(plan, "pairs"), "community", "community_id",
	            "community_code");
	fprintf(f, "    total score %s\n", explain_format_int(n1, get_int(terms, "score")));
	print_lost(f, json_object_get(x, "alternatives"), "community", "community_code");
}

static void
print_community(const json_t *x, FILE *f)
{
	const json_t *plan = json_object_get(x, "plan"), *terms = json_object_get(x, "terms"),
	             *w = json_object_get(terms, "weights");
	char n1[32], n2[32], m1[40];

	print_subject(f, "community", x, "code");
	fprintf(f, "  partners: min %" PRId64 ", max %" PRId64 "\n", get_int(x, "min_partners"),
	        get_int(x, "max_partners"));
	print_codes(f, "needs", json_object_get(x, "needs"));
	print_part(f, "pairing", json_object_get(plan, "pairing"));
	fprintf(f,
	        "\n  partners in the plan: score = round(%g·need fit + %g·prox) + keep %" PRId64
	        ", radius %s\n",
	        get_num(w, "w_need"), get_num(w, "w_distance"), get_int(w, "w_keep_pair"),
	        explain_format_m(m1, get_num(w, "pair_radius_m")));
	print_pairs(f, json_object_get(plan, "partners"), "enterprise", "enterprise_id",
	            "credit_code");
	fprintf(f, "    total score %s", explain_format_int(n1, get_int(terms, "score")));
	if (get_int(plan, "shortfall") > 0)
		fprintf(f, ", shortfall %" PRId64 " (penalty %s): %s", get_int(plan, "shortfall"),
		        explain_format_int(n2, get_int(terms, "penalty")),
		        get_str(plan, "shortfall_reason"));
	fputc('\n', f);
	print_lost(f, json_object_get(x, "alternatives"), "enterprise", "credit_code");
}

static void
print_instructor(const json_t *x, FILE *f)
{
	const json_t *plan = json_object_get(x, "plan"), *terms = json_object_get(x, "terms"),
	             *periods = json_object_get(plan, "periods"),
	             *alts = json_object_get(x, "alternatives");
	struct table *t;
	size_t i;
	char n1[32];

	print_subject(f, "instructor", x, "code");
	fprintf(f, "  %s, capacity %" PRId64 "\n",
	        json_is_true(json_object_get(x, "full_time")) ? "full-time" : "part-time",
	        get_int(x, "capacity"));
	print_codes(f, "skills", json_object_get(x, "skills"));
	print_part(f, "roster", json_object_get(plan, "roster"));
	fprintf(f, "\n  zones in the plan: value = skill − commute + keep (first period) + stay\n");
	t = pt_new(8,
	           (const char *const[]){"period", "zone", "skill", "commute", "distance", "keep",
	                                 "stay", "value"},
	           1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7);
	for (i = 0; i < json_array_size(periods); i++) {
		const json_t *r = json_array_get(periods, i), *z = json_object_get(r, "zone"),
		             *tm = json_object_get(r, "terms");
		char zone[2100], sk[32], co[32], di[40], ke[32], st[32], va[32];

		if (!json_is_object(z)) {
			char why[64];

			snprintf(why, sizeof(why), "%s", get_str(r, "reason"));
			why[strcspn(why, ":")] = '\0';
			table_add(t, (const char *const[]){get_str(r, "label"), why, "", "", "", "",
			                                   "", ""});
			continue;
		}
		snprintf(zone, sizeof(zone), "%s %s%s", get_str(z, "code"), get_str(z, "name"),
		         json_is_true(json_object_get(r, "pinned")) ? " (pinned)" : "");
		table_add(t, (const char *const[]){get_str(r, "label"), zone,
		                                   explain_format_int(sk, get_int(tm, "skill")),
		                                   explain_format_int(co, get_int(tm, "commute")),
		                                   explain_format_m(di, get_num(tm, "commute_m")),
		                                   explain_format_int(ke, get_int(tm, "keep")),
		                                   explain_format_int(st, get_int(tm, "stay")),
		                                   explain_format_int(va, get_int(tm, "value"))});
	}
	pt_print(t, f, "(no periods)");
	fprintf(f, "    total value %s\n", explain_format_int(n1, get_int(terms, "value")));

	fprintf(f, "\n  alternatives that lost\n");
	t = pt_new(4, (const char *const[]){"period", "zone", "value", "reason"}, 1u << 2);
	for (i = 0; i < json_array_size(alts); i++) {
		const json_t *r = json_array_get(alts, i);
		char zone[2100], va[32];

		snprintf(zone, sizeof(zone), "%s %s", get_str(r, "code_zone"), get_str(r, "name"));
		table_add(t, (const char *const[]){get_str(r, "period"), zone,
		                                   explain_format_int(va, get_int(r, "value")),
		                                   get_str(r, "reason")});
	}
	pt_print(t, f, "(none)");
}

void
print_explain(const json_t *explanation_in, FILE *f)
{
	/* names and reasons made safe for a terminal, on a copy */
	json_t *explanation = json_deep_copy(explanation_in);
	const char *kind;

	if (explanation == NULL) {
		fprintf(f, "(out of memory)\n");
		return;
	}
	print_clean(explanation);
	kind = get_str(explanation, "kind");

	if (strcmp(kind, "enterprise") == 0)
		print_enterprise(explanation, f);
	else if (strcmp(kind, "community") == 0)
		print_community(explanation, f);
	else if (strcmp(kind, "instructor") == 0)
		print_instructor(explanation, f);
	else
		fprintf(f, "(not an explanation)\n");
	json_decref(explanation);
}
