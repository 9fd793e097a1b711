/*
 * utf8.c - UTF-8 text (utf8.h): decoding, checking, cleaning and cutting.
 */
#include "utf8.h"

#include <stdio.h>
#include <string.h>

size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp_out)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80) {
		if (cp_out != NULL)
			*cp_out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	if (cp_out != NULL)
		*cp_out = cp;
	return len;
}

int32_t
utf8_next(const unsigned char *s, size_t *len)
{
	uint32_t cp;

	/* a NUL ends any sequence before a fifth byte is read */
	*len = utf8_decode(s, 4, &cp);
	if (*len == 0) {
		*len = 1;
		return -1;
	}
	return (int32_t)cp;
}

bool
utf8_valid(const char *s, size_t len, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < len) {
		k = utf8_decode(p + i, len - i, NULL);
		if (k == 0) {
			if (bad_at != NULL)
				*bad_at = i;
			return false;
		}
		i += k;
	}
	return true;
}

/*
 * A sequence cut off at the end of s[0..len): a lead byte followed by
 * fewer continuation bytes than it announces.  Returns where it starts, or
 * len when s does not end in one.
 */
static size_t
utf8_partial_tail(const unsigned char *s, size_t len)
{
	size_t back, need;

	for (back = 1; back <= 3 && back <= len; back++) {
		unsigned char c = s[len - back];

		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: look further back */
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return need > back ? len - back : len;
	}
	return len;
}

void
utf8_cut(char *s, size_t max)
{
	size_t len = strlen(s);

	/* also when a copy was already cut at max bytes (snprintf): no half character */
	if (len > max)
		len = max;
	s[utf8_partial_tail((const unsigned char *)s, len)] = '\0';
}

void
utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t len = strlen(s), i = 0, k;

	while (i < len) {
		k = utf8_decode(p + i, len - i, NULL);
		if (k == 0) {
			p[i] = '?';
			k = 1;
		}
		i += k;
	}
}

void
utf8_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n;

	if (len == 0)
		return;
	n = vsnprintf(buf, len, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		return;
	}
	/* cut short by the buffer: not in the middle of a character */
	if ((size_t)n >= len)
		buf[utf8_partial_tail((const unsigned char *)buf, strlen(buf))] = '\0';
	utf8_clean(buf);
}
