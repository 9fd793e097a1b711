/*
 * test_table.c - display widths and column alignment of the tables for
 * people (ctl/table.c), with Chinese names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "table.h"

/* Display column where the n-th occurrence of needle starts in line. */
static size_t
column_of(const char *line, const char *needle)
{
	const char *at = strstr(line, needle);
	char *prefix;
	size_t w;

	if (at == NULL)
		return (size_t)-1;
	prefix = strndup(line, (size_t)(at - line));
	w = table_text_width(prefix);
	free(prefix);
	return w;
}

/*
 * Nothing a terminal obeys gets through: C0, DEL, C1 (U+009B is CSI), the
 * bidi overrides and isolates, bytes that are not UTF-8.  Each character
 * becomes one blank (a bad byte '?'); other text is kept byte for byte.
 */
static void
test_safe(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain 康桥 é", "plain 康桥 é"},
	    {"a\x1b[2Jb", "a [2Jb"},
	    {"a\x7f"
	     "b",
	     "a b"},
	    {"a\xc2\x9b"
	     "31mred",
	     "a 31mred"}, /* U+009B CSI */
	    {"a\xc2\x85"
	     "b\xc2\x80"
	     "c",
	     "a b c"}, /* NEL, PAD */
	    {"\xe2\x80\xae"
	     "evil\xe2\x80\xac",
	     " evil "},                                                           /* RLO ... PDF */
	    {"\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xad", "   "},                      /* LRE RLE LRO */
	    {"x\xe2\x81\xa6y\xe2\x81\xa7z\xe2\x81\xa8w\xe2\x81\xa9", "x y z w "}, /* isolates */
	    {"\xe2\x80\x8fok", "\xe2\x80\x8fok"}, /* RLM is not an override */
	    {"bad \x9b[31m", "bad ?[31m"},        /* a lone C1 byte */
	    {"cut \xe4\xb8", "cut ??"},
	    {"\xc0\xaf", "??"}, /* overlong */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = table_safe(cases[i].in);

		CHECK_MSG(got != NULL && strcmp(got, cases[i].out) == 0, "case %zu: '%s'", i,
		          got != NULL ? got : "(null)");
		free(got);
	}
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		table_fputs("two\nlines\r\x1b]0;title\x07", f);
		table_fputs(NULL, f);
		fclose(f);
		CHECK_MSG(strcmp(buf, "two\nlines  ]0;title ") == 0, "table_fputs: '%s'", buf);
		free(buf);
	}
	{
		/* a cell: the same, and its width counts what is shown */
		struct table *t = table_new(1, NULL);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		table_row(t);
		table_cell(t, "%s",
		           "n\xc2\x9b\xe2\x80\xae"
		           "x\ny");
		table_print(t, f, NULL);
		fclose(f);
		table_free(t);
		CHECK_MSG(strcmp(buf, "n  x y\n") == 0, "cell: '%s'", buf);
		free(buf);
	}
}

int
main(void)
{
	static const char *const head[] = {"id", "name", "score", "reason"};
	struct table *t;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, n = 0, col_score[8] = {0}, col_reason[8] = {0};
	FILE *f;

	CHECK_INT_EQ(table_text_width(""), 0);
	CHECK_INT_EQ(table_text_width("abc"), 3);
	CHECK_INT_EQ(table_text_width("集成电路"), 8);
	CHECK_INT_EQ(table_text_width("A区 一片"), 8);
	CHECK_INT_EQ(table_text_width("e\xcc\x81"), 1);    /* e + combining acute */
	CHECK_INT_EQ(table_text_width("\xef\xbc\xa1"), 2); /* fullwidth A */
	CHECK_INT_EQ(table_text_width("\xef\xbd\xb6"), 1); /* halfwidth katakana ka */
	CHECK_INT_EQ(table_text_width("\xff\xfe"), 2);     /* invalid bytes count 1 each */
	CHECK_INT_EQ(table_text_width("\xe4\xb8"), 2);     /* truncated sequence */
	CHECK_INT_EQ(table_text_width("한국"), 4);
	CHECK_INT_EQ(table_text_width(NULL), 0);
	test_safe();

	t = table_new(4, head);
	CHECK(t != NULL);
	table_align(t, 2, TABLE_RIGHT);
	table_row(t);
	table_cell(t, "%d", 1);
	table_cell(t, "%s", "芯联集成电路有限公司");
	table_cell(t, "%d", 1220);
	table_cell(t, "%s", "kept");
	table_row(t);
	table_cell(t, "%d", 22);
	table_cell(t, "%s", "ACME Ltd");
	table_cell(t, "%d", 7);
	table_cell(t, "%s", "lower\tscore"); /* a tab is shown as a blank */
	table_add(t, (const char *const[]){"333", "康桥", "93", NULL});
	CHECK_INT_EQ(table_rows(t), 3);

	f = open_memstream(&buf, &len);
	table_print(t, f, "  ");
	fclose(f);
	table_free(t);
	table_free(NULL);

	for (line = strtok_r(buf, "\n", &save); line != NULL && n < 8;
	     line = strtok_r(NULL, "\n", &save), n++) {
		CHECK_MSG(strncmp(line, "  ", 2) == 0, "indent missing: '%s'", line);
		CHECK_MSG(line[strlen(line) - 1] != ' ', "trailing blank: '%s'", line);
		if (n == 1) {
			CHECK_MSG(strspn(line + 2, "-") == strlen(line + 2), "rule: '%s'", line);
			continue;
		}
		/* The score column ends where the header "score" ends. */
		col_score[n] = n == 0   ? column_of(line, "score") + 5
		               : n == 2 ? column_of(line, "1220") + 4
		               : n == 3 ? column_of(line, " 7 ") + 2
		                        : column_of(line, "93") + 2;
		col_reason[n] = n == 0   ? column_of(line, "reason")
		                : n == 2 ? column_of(line, "kept")
		                : n == 3 ? column_of(line, "lower score")
		                         : (size_t)-2;
	}
	CHECK_INT_EQ(n, 5);
	CHECK_INT_EQ(col_score[2], col_score[0]);
	CHECK_INT_EQ(col_score[3], col_score[0]);
	CHECK_INT_EQ(col_score[4], col_score[0]);
	CHECK_INT_EQ(col_reason[2], col_reason[0]);
	CHECK_INT_EQ(col_reason[3], col_reason[0]);
	/* "  " + id (3) + 2 + name (20 columns) + 2 = where score (5 wide) starts. */
	CHECK_INT_EQ(col_score[0], 2 + 3 + 2 + 20 + 2 + 5);
	free(buf);
	return check_done("test_table");
}
