/*
 * text.c - text for the report: a growing buffer, the cleaning of every
 * text that comes from outside (names, codes, labels, reasons) before it is
 * shown, its HTML escaping, and its width in columns (CJK counts double).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_impl.h"
#include "utf8.h"

/* --- the buffer ----------------------------------------------------------- */

void
report_buf_init(struct report_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
report_buf_free(struct report_buf *b)
{
	free(b->s);
	report_buf_init(b);
}

void
report_buf_reset(struct report_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

static bool
reserve(struct report_buf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap == 0 ? 64 : b->cap;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (s == NULL) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	b->s[b->len] = '\0';
	return true;
}

static void
put_bytes(struct report_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
report_buf_puts(struct report_buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

void
report_buf_printf(struct report_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
report_buf_text(const struct report_buf *b)
{
	return b->s != NULL && !b->failed ? b->s : "";
}

/* --- UTF-8 ---------------------------------------------------------------- */

/* What becomes of a code point: 0 kept, 1 dropped, 2 a space. */
static int
verdict(int32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 2;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 1;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	    cp == 0x200f || cp == 0x061c)
		return 1;
	return 0;
}

/* Calls put(arg, bytes, n) for each piece of the cleaned text. */
static void
clean_walk(const char *s, void (*put)(void *, const char *, size_t), void *arg)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return;
	while (*p != '\0') {
		size_t n;
		int32_t cp = utf8_next(p, &n);

		if (cp < 0)
			put(arg, "\xef\xbf\xbd", 3);
		else if (verdict(cp) == 2)
			put(arg, " ", 1);
		else if (verdict(cp) == 0)
			put(arg, (const char *)p, n);
		p += n;
	}
}

static void
put_buf(void *arg, const char *s, size_t n)
{
	put_bytes(arg, s, n);
}

void
report_buf_clean(struct report_buf *b, const char *s)
{
	reserve(b, 0);
	clean_walk(s, put_buf, b);
}

char *
report_clean(const char *s)
{
	struct report_buf b;

	report_buf_init(&b);
	report_buf_clean(&b, s);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void
put_html(void *arg, const char *s, size_t n)
{
	FILE *f = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

void
report_put_html(FILE *f, const char *s)
{
	clean_walk(s, put_html, f);
}

/* --- width ---------------------------------------------------------------- */

struct range {
	int32_t lo, hi;
};

/* East Asian Wide and Fullwidth characters (Unicode UAX #11), in brief. */
static const struct range wide[] = {
    {0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x3247},   {0x3250, 0x4dbf},
    {0x4e00, 0xa4cf},   {0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},
    {0xfe10, 0xfe19},   {0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},
    {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

static bool
is_wide(int32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i].lo && cp <= wide[i].hi)
			return true;
	return false;
}

size_t
report_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	if (s == NULL)
		return 0;
	while (*p != '\0') {
		size_t n;
		int32_t cp = utf8_next(p, &n);

		if (cp < 0 || verdict(cp) != 1)
			w += cp >= 0 && is_wide(cp) ? 2 : 1;
		p += n;
	}
	return w;
}
