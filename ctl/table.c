/*
 * table.c - aligned tables for people, CJK-width aware, and text made safe
 * for a terminal: every control character (C0, DEL, C1) and bidi override
 * shown as a blank, bytes that are not UTF-8 as '?'.
 */
#include "table.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct table {
	size_t ncols;
	char **headers;          /* [ncols] or NULL */
	enum table_align *align; /* [ncols] */
	char **cells;            /* [row * ncols + col], NULL: empty */
	size_t nrows, cap;
	size_t next; /* next column of the current row */
};

struct range {
	int32_t lo, hi;
};

/* Combining marks and zero-width characters. */
static const struct range zero_width[] = {
    {0x0300, 0x036f}, {0x0483, 0x0489},   {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x064b, 0x065f},
    {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff},   {0x200b, 0x200f}, {0x2028, 0x202e}, {0x2060, 0x2064},
    {0x20d0, 0x20ff}, {0x302a, 0x302d},   {0x3099, 0x309a}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f},
    {0xfeff, 0xfeff}, {0xe0100, 0xe01ef},
};

/* East Asian Wide and Fullwidth characters (Unicode UAX #11), in brief. */
static const struct range wide[] = {
    {0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},   {0x23e9, 0x23ec},
    {0x2e80, 0x303e},   {0x3041, 0x3247},   {0x3250, 0x4dbf},   {0x4e00, 0xa4cf},
    {0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},   {0xfe10, 0xfe19},
    {0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x16fe0, 0x18aff},
    {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f18e, 0x1f18e}, {0x1f200, 0x1f2ff},
    {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd},
    {0x30000, 0x3fffd},
};

static bool
in_ranges(int32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static size_t
codepoint_width(int32_t cp)
{
	if (cp < 0)
		return 1;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

size_t
table_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	if (s == NULL)
		return 0;
	while (*p != '\0') {
		size_t n;
		int32_t cp = utf8_next(p, &n);

		p += n;
		w += codepoint_width(cp);
	}
	return w;
}

void
table_pad(FILE *f, const char *s, size_t width, enum table_align align)
{
	size_t w = table_text_width(s);

	if (align == TABLE_RIGHT)
		for (; w < width; w++)
			fputc(' ', f);
	fputs(s != NULL ? s : "", f);
	if (align == TABLE_LEFT)
		for (; w < width; w++)
			fputc(' ', f);
}

/*
 * Whether a terminal could take cp as something other than text: a C0
 * control, DEL, a C1 control (U+009B is CSI, as ESC [ is), or a bidi
 * override, embedding or isolate, which reorders what follows.
 */
bool
table_neutralised(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t
table_safe_copy(char *dst, const char *s, bool keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p != '\0') {
		size_t n;
		int32_t cp = utf8_next(p, &n);

		if (cp < 0)
			dst[o++] = '?'; /* not UTF-8: a lone 0x9b is CSI to some terminals */
		else if (cp == '\n' && keep_newlines)
			dst[o++] = '\n';
		else if (table_neutralised(cp))
			dst[o++] = ' ';
		else {
			memcpy(dst + o, p, n);
			o += n;
		}
		p += n;
	}
	dst[o] = '\0';
	return o;
}

char *
table_safe(const char *s)
{
	char *d;

	if (s == NULL)
		s = "";
	d = malloc(strlen(s) + 1); /* never longer: each character gives at most its bytes */
	if (d != NULL)
		table_safe_copy(d, s, false);
	return d;
}

void
table_fputs(const char *s, FILE *f)
{
	char small[512], *d = small;
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	if (len >= sizeof(small) && (d = malloc(len + 1)) == NULL) {
		/* out of memory: the text's plain ASCII only */
		for (; *s != '\0'; s++)
			fputc(*s == '\n' || (*s >= 0x20 && *s < 0x7f) ? *s : '?', f);
		return;
	}
	len = table_safe_copy(d, s, true);
	fwrite(d, 1, len, f);
	if (d != small)
		free(d);
}

/* A copy of s with control characters shown as blanks. */
static char *
cell_dup(const char *s)
{
	return table_safe(s);
}

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table *t;
	size_t i;

	if (ncols == 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->ncols = ncols;
	t->align = calloc(ncols, sizeof(*t->align));
	if (t->align == NULL)
		goto fail;
	if (headers != NULL) {
		t->headers = calloc(ncols, sizeof(*t->headers));
		if (t->headers == NULL)
			goto fail;
		for (i = 0; i < ncols; i++)
			if ((t->headers[i] = cell_dup(headers[i])) == NULL)
				goto fail;
	}
	t->next = ncols;
	return t;
fail:
	table_free(t);
	return NULL;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->headers != NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->headers[i]);
	free(t->headers);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->align);
	free(t);
}

void
table_align(struct table *t, size_t col, enum table_align align)
{
	if (t != NULL && col < t->ncols)
		t->align[col] = align;
}

size_t
table_rows(const struct table *t)
{
	return t != NULL ? t->nrows : 0;
}

int
table_row(struct table *t)
{
	size_t i;

	if (t == NULL)
		return -1;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **cells;

		if (cap > SIZE_MAX / sizeof(*cells) / t->ncols)
			return -1;
		cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));
		if (cells == NULL)
			return -1;
		t->cells = cells;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = NULL;
	t->nrows++;
	t->next = 0;
	return 0;
}

static int
put_cell(struct table *t, char *text)
{
	if (t->nrows == 0 || t->next >= t->ncols) {
		free(text);
		return t->nrows == 0 ? -1 : 0;
	}
	t->cells[(t->nrows - 1) * t->ncols + t->next++] = text;
	return 0;
}

int
table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;
	int n;

	if (t == NULL)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	{
		char *clean = cell_dup(text);

		free(text);
		if (clean == NULL)
			return -1;
		return put_cell(t, clean);
	}
}

int
table_add(struct table *t, const char *const *cells)
{
	size_t i;

	if (table_row(t) != 0)
		return -1;
	for (i = 0; i < t->ncols; i++) {
		char *text = cell_dup(cells[i]);

		if (text == NULL || put_cell(t, text) != 0)
			return -1;
	}
	return 0;
}

static const char *
cell_at(const struct table *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col];

	return s != NULL ? s : "";
}

void
table_print(const struct table *t, FILE *f, const char *indent)
{
	size_t *width, r, c, last;

	if (t == NULL)
		return;
	width = calloc(t->ncols, sizeof(*width));
	if (width == NULL)
		return;
	for (c = 0; c < t->ncols; c++) {
		if (t->headers != NULL)
			width[c] = table_text_width(t->headers[c]);
		for (r = 0; r < t->nrows; r++) {
			size_t w = table_text_width(cell_at(t, r, c));

			if (w > width[c])
				width[c] = w;
		}
	}
	last = t->ncols - 1;
	if (t->headers != NULL) {
		size_t total = 0;

		fputs(indent != NULL ? indent : "", f);
		for (c = 0; c < t->ncols; c++) {
			if (c > 0)
				fputs("  ", f);
			table_pad(f, t->headers[c],
			          c == last && t->align[c] == TABLE_LEFT ? 0 : width[c],
			          t->align[c]);
			total += width[c] + (c > 0 ? 2 : 0);
		}
		fputc('\n', f);
		fputs(indent != NULL ? indent : "", f);
		for (r = 0; r < total; r++)
			fputc('-', f);
		fputc('\n', f);
	}
	for (r = 0; r < t->nrows; r++) {
		size_t end = t->ncols;

		/* No trailing blanks: stop after the last cell that is not empty. */
		while (end > 1 && *cell_at(t, r, end - 1) == '\0')
			end--;
		fputs(indent != NULL ? indent : "", f);
		for (c = 0; c < end; c++) {
			if (c > 0)
				fputs("  ", f);
			table_pad(f, cell_at(t, r, c),
			          c == end - 1 && t->align[c] == TABLE_LEFT ? 0 : width[c],
			          t->align[c]);
		}
		fputc('\n', f);
	}
	free(width);
}
