/*
 * test_copytext.c - the COPY text escaper (sql/copytext.h).
 *
 * Fixed cases from PostgreSQL's documentation of COPY's text format, and
 * random byte strings decoded back by an independent reader of that format
 * (backslash sequences \\ \t \n \r, \N alone for NULL).  An emitter that
 * fails part-way must stop the escaper.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "copytext.h"

struct out {
	char buf[8192];
	size_t len;
	int calls, fail_at;
};

static int
emit(void *arg, const char *data, size_t len)
{
	struct out *o = arg;

	if (++o->calls == o->fail_at)
		return -1;
	if (o->len + len > sizeof(o->buf))
		return -1;
	memcpy(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

static const char *
escaped(const char *in, size_t len)
{
	static struct out o;

	memset(&o, 0, sizeof(o));
	if (copytext_escape(in, len, emit, &o) != 0)
		return "(failed)";
	o.buf[o.len] = '\0';
	return o.buf;
}

/* COPY's reader of one text field, as PostgreSQL documents it. */
static size_t
decode(const char *in, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (in[i] != '\\') {
			out[n++] = in[i];
			continue;
		}
		i++;
		switch (in[i]) {
		case 't':
			out[n++] = '\t';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		default:
			out[n++] = in[i];
			break;
		}
	}
	return n;
}

int
main(void)
{
	struct out o;
	unsigned seed = 12345;
	int round;

	CHECK(strcmp(escaped("plain 文本", strlen("plain 文本")), "plain 文本") == 0);
	CHECK(strcmp(escaped("a\tb\nc\rd\\e", 9), "a\\tb\\nc\\rd\\\\e") == 0);
	CHECK(strcmp(escaped("\\N", 2), "\\\\N") == 0); /* the text \N is not NULL */
	CHECK(strcmp(escaped("", 0), "") == 0);
	CHECK(strcmp(escaped(NULL, 0), "\\N") == 0);

	memset(&o, 0, sizeof(o));
	CHECK(copytext_escape_str("x\ty", emit, &o) == 0);
	CHECK_INT_EQ(o.calls, 3); /* "x", "\t" escaped, "y": runs, not bytes */

	memset(&o, 0, sizeof(o));
	o.fail_at = 2;
	CHECK(copytext_escape_str("x\ty", emit, &o) == -1);
	CHECK_INT_EQ(o.calls, 2);

	for (round = 0; round < 2000; round++) {
		char in[256], back[256];
		size_t len = (size_t)(rand_r(&seed) % 200), i, n;
		const char *e;

		for (i = 0; i < len; i++) {
			static const char pick[] = "\\\t\n\rab\001\377N";

			in[i] = (rand_r(&seed) % 3 == 0)
			            ? (char)(1 + rand_r(&seed) % 255) /* text has no NUL */
			            : pick[rand_r(&seed) % (sizeof(pick) - 1)];
		}
		e = escaped(in, len);
		CHECK(strchr(e, '\t') == NULL && strchr(e, '\n') == NULL &&
		      strchr(e, '\r') == NULL);
		n = decode(e, strlen(e), back);
		CHECK_MSG(n == len && memcmp(in, back, len) == 0, "round %d does not decode back",
		          round);
		if (n != len || memcmp(in, back, len) != 0)
			break;
	}
	return check_done("test_copytext");
}
