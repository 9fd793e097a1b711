/*
 * csvout.c - CSV as Excel reads it: RFC 4180 quoting, CRLF line ends, UTF-8
 * with a byte-order mark or GB18030; a text that Excel would take for a
 * formula (=, +, @ first) is written with an apostrophe first, which the
 * import takes off again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"

struct csv_out {
	FILE *f;
	enum imp_encoding enc;
	char *row;
	size_t len, cap;
	bool first; /* no cell yet in the row */
	bool failed;
};

static void
row_add(struct csv_out *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (w->cap - w->len < n + 1) {
		size_t cap = w->cap ? w->cap : 1024;
		char *p;

		while (cap - w->len < n + 1)
			cap *= 2;
		p = realloc(w->row, cap);
		if (p == NULL) {
			w->failed = true;
			return;
		}
		w->row = p;
		w->cap = cap;
	}
	memcpy(w->row + w->len, s, n);
	w->len += n;
}

struct csv_out *
csv_out_open(FILE *f, enum imp_encoding enc)
{
	struct csv_out *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->f = f;
	w->enc = enc == IMP_ENC_GB18030 ? IMP_ENC_GB18030 : IMP_ENC_UTF8_BOM;
	w->first = true;
	if (w->enc == IMP_ENC_UTF8_BOM && fwrite("\xef\xbb\xbf", 1, 3, f) != 3)
		w->failed = true;
	return w;
}

void
csv_out_cell(struct csv_out *w, const char *text)
{
	const char *p;
	bool quote;

	if (text == NULL)
		text = "";
	if (!w->first)
		row_add(w, ",", 1);
	w->first = false;
	quote = strpbrk(text, ",\"\r\n") != NULL || text[0] == ' ' ||
	        (text[0] != '\0' && text[strlen(text) - 1] == ' ');
	if (quote)
		row_add(w, "\"", 1);
	if (text[0] != '\0' && strchr("=+@", text[0]) != NULL)
		row_add(w, "'", 1);
	for (p = text; *p != '\0'; p++) {
		if (*p == '"')
			row_add(w, "\"\"", 2);
		else
			row_add(w, p, 1);
	}
	if (quote)
		row_add(w, "\"", 1);
}

void
csv_out_end_row(struct csv_out *w)
{
	row_add(w, "\r\n", 2);
	if (w->failed)
		return;
	if (w->enc == IMP_ENC_GB18030) {
		size_t n;
		char *gb = imp_to_gb18030(w->row, w->len, &n);

		if (gb == NULL || fwrite(gb, 1, n, w->f) != n)
			w->failed = true;
		free(gb);
	} else if (fwrite(w->row, 1, w->len, w->f) != w->len) {
		w->failed = true;
	}
	w->len = 0;
	w->first = true;
}

int
csv_out_close(struct csv_out *w)
{
	int rc;

	if (w == NULL)
		return -1;
	rc = w->failed || fflush(w->f) != 0 || ferror(w->f) ? -1 : 0;
	free(w->row);
	free(w);
	return rc;
}

void
csv_out_header(struct csv_out *w, const struct imp_kind_spec *k, bool english)
{
	int i;

	for (i = 0; i < k->n_cols; i++)
		if (!(k->cols[i].flags & IC_NOSTORE))
			csv_out_cell(w, english ? k->cols[i].key : k->cols[i].zh);
	csv_out_end_row(w);
}
