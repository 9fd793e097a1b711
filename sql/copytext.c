/*
 * copytext.c - escaping for COPY's text format (copytext.h).
 */
#include "copytext.h"

#include <string.h>

static const char *
escape_of(char c)
{
	switch (c) {
	case '\\':
		return "\\\\";
	case '\t':
		return "\\t";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	default:
		return NULL;
	}
}

int
copytext_escape(const char *text, size_t len, copytext_emit_fn emit, void *arg)
{
	size_t start = 0, i;

	if (text == NULL)
		return emit(arg, "\\N", 2);
	for (i = 0; i < len; i++) {
		const char *esc = escape_of(text[i]);

		if (esc == NULL)
			continue;
		if (i > start && emit(arg, text + start, i - start) != 0)
			return -1;
		if (emit(arg, esc, 2) != 0)
			return -1;
		start = i + 1;
	}
	if (len > start && emit(arg, text + start, len - start) != 0)
		return -1;
	return 0;
}

int
copytext_escape_str(const char *text, copytext_emit_fn emit, void *arg)
{
	return copytext_escape(text, text != NULL ? strlen(text) : 0, emit, arg);
}
