/*
 * fuzz_import_csv.c - libFuzzer harness of parkplanctl import's parser
 * (sql/import_csv.c, import_cols.c, import_value.c): the input as the
 * bytes of a list; its first byte picks the encoding asked for (auto,
 * UTF-8, UTF-8 with a byte-order mark, GB18030).  The file is read into
 * records, the header matched against the columns of every kind of list,
 * and each cell under a known header parsed as that column's type; a cell
 * refused becomes a problem as the import reports it.
 *
 * A finding: a crash, a sanitizer report, a leak, a refusal without a
 * reason, or a problem (its value or reason) that is not UTF-8:
 * problems are printed and stored as text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
finding(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_import_csv: %s: %.300s\n", what, text != NULL ? text : "(null)");
	abort();
}

static void
check_text(const char *what, const char *s)
{
	if (s == NULL || !imp_utf8_valid((const unsigned char *)s, strlen(s)))
		finding(what, s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum imp_encoding encodings[4] = {IMP_ENC_AUTO, IMP_ENC_UTF8, IMP_ENC_UTF8_BOM,
	                                               IMP_ENC_GB18030};
	struct imp_file f;
	char err[512], why[512];
	int k;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	if (imp_file_parse(&f, data + 1, size - 1, encodings[data[0] & 3], err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			finding("a file refused without a reason", "");
		imp_file_free(&f);
		return 0;
	}
	for (k = 0; k < IMP_KINDS && f.n_rows > 0; k++) {
		const struct imp_kind_spec *ks = &imp_kinds[k];
		const struct imp_row *head = &f.rows[0];
		int col_of[IMP_MAX_COLUMNS];
		struct imp_problems pr;
		bool zh = false;
		int c, n = head->n < IMP_MAX_COLUMNS ? head->n : IMP_MAX_COLUMNS;
		size_t r, i;

		memset(&pr, 0, sizeof(pr));
		for (c = 0; c < n; c++) {
			char *h = strdup(head->cell[c]);

			if (h == NULL)
				abort();
			col_of[c] = imp_col_match(ks, imp_trim(h), &zh);
			free(h);
		}
		pr.zh = zh;
		for (r = 1; r < f.n_rows; r++) {
			const struct imp_row *row = &f.rows[r];
			int m = row->n < n ? row->n : n;

			for (c = 0; c < m; c++) {
				struct imp_value v;
				char *text;

				if (col_of[c] < 0)
					continue;
				text = strdup(row->cell[c]);
				if (text == NULL)
					abort();
				memset(&v, 0, sizeof(v));
				why[0] = '\0';
				if (imp_parse(&ks->cols[col_of[c]], imp_trim(text), zh, &v, why,
				              sizeof(why)) != 0) {
					if (why[0] == '\0')
						finding("a cell refused without a reason", text);
					imp_problem(&pr, row->line, head->cell[c], row->cell[c],
					            "%s", why);
				}
				imp_value_free(&v);
				free(text);
			}
		}
		imp_problems_sort(&pr);
		for (i = 0; i < pr.n; i++) {
			check_text("a problem's value", pr.v[i].value);
			check_text("a problem's reason", pr.v[i].reason);
		}
		imp_problems_free(&pr);
	}
	imp_file_free(&f);
	return 0;
}
