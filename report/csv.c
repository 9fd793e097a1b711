/*
 * csv.c - one table of the plan as CSV for spreadsheets: UTF-8 with a
 * byte-order mark, CRLF line ends, a field quoted when it holds a comma, a
 * quote, CR or LF (quotes doubled, RFC 4180).  A text that a spreadsheet
 * would take for a formula (starting with = + - @) gets a leading
 * apostrophe, so that opening the file never computes anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_impl.h"

static void
put_field(FILE *out, const char *s)
{
	const char *p;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';

	if (quote)
		fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
}

int
report_csv(const struct report_input *in, enum report_table t, FILE *out, char *err, size_t errlen)
{
	struct report_ctx c;
	struct report_rows r;
	size_t i, k;

	if (report_ctx_init(&c, in, err, errlen) != 0)
		return -1;
	if (report_rows_build(&c, t, &r, err, errlen) != 0) {
		report_ctx_free(&c);
		return -1;
	}
	fputs("\xef\xbb\xbf", out);
	for (k = 0; k < r.ncols; k++) {
		if (k > 0)
			fputc(',', out);
		put_field(out, r.headers[k]);
	}
	fputs("\r\n", out);
	for (i = 0; i < r.nrows; i++) {
		for (k = 0; k < r.ncols; k++) {
			const struct report_cell *cell = &r.cells[i * r.ncols + k];

			if (k > 0)
				fputc(',', out);
			if (cell->text != NULL)
				put_field(out, cell->text);
			else
				fprintf(out, "%" PRId64, cell->num);
		}
		fputs("\r\n", out);
	}
	report_rows_free(&r);
	report_ctx_free(&c);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "writing the table %s: %s", report_table_title(t),
		         strerror(errno != 0 ? errno : EIO));
		return -1;
	}
	return 0;
}
