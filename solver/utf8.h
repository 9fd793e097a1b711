/*
 * utf8.h - UTF-8 text, one way for all of parkplan: every reply, plan and
 * problem is JSON, and a JSON string must be valid UTF-8 (jansson refuses
 * anything else), so text from outside is checked before it is used,
 * invalid bytes are never echoed, and text is shortened only between two
 * characters.
 */
#ifndef PARKPLAN_UTF8_H
#define PARKPLAN_UTF8_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The length of the well-formed UTF-8 sequence at s (at most n bytes), or
 * 0 when it is not one: overlong forms, surrogates and code points beyond
 * U+10FFFF are not UTF-8 (RFC 3629).  The code point in *cp unless NULL.
 * A NUL byte is a character of length 1.
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/*
 * The character at s in a NUL-terminated string: its code point, with its
 * length in *len; or -1 with *len 1 for a byte that starts no character.
 */
int32_t utf8_next(const unsigned char *s, size_t *len);
/* Whether s[0..len) is UTF-8; if not, where the first bad byte is. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);
/* Replace every byte that is not part of a UTF-8 character by '?'. */
void utf8_clean(char *s);
/* Shorten s to at most max bytes, never in the middle of a character. */
void utf8_cut(char *s, size_t max);
/* snprintf, then cut between characters and cleaned: always UTF-8. */
void utf8_vformat(char *buf, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
