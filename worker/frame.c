/*
 * frame.c - frames of type + length + payload over a pipe (see frame.h):
 * the child's blocking writer and the parent's reader that trusts nothing.
 */
#include "frame.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The payload buffer grows from this, doubling, up to the announced length. */
#define FRAME_FIRST_CAP 65536

int
frame_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
frame_header(unsigned char h[FRAME_HEADER], int type, size_t len)
{
	h[0] = (unsigned char)type;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
}

int
frame_write(int fd, int type, const void *data, size_t len)
{
	unsigned char h[FRAME_HEADER];

	if (len > FRAME_MAX_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	frame_header(h, type, len);
	/*
	 * A small frame goes in one write(): a pipe takes up to PIPE_BUF bytes
	 * whole, so the two processes of a solve (worker/solve.c) may both
	 * send progress on one pipe without their frames interleaving.
	 */
	if (sizeof(h) + len <= PIPE_BUF) {
		unsigned char one[PIPE_BUF];

		memcpy(one, h, sizeof(h));
		if (len > 0)
			memcpy(one + sizeof(h), data, len);
		return frame_write_all(fd, one, sizeof(h) + len);
	}
	if (frame_write_all(fd, h, sizeof(h)) != 0)
		return -1;
	return len > 0 ? frame_write_all(fd, data, len) : 0;
}

void
frame_stream_init(struct frame_stream *s, int fd, int type)
{
	s->fd = fd;
	s->type = type;
	s->len = 0;
}

int
frame_stream_flush(struct frame_stream *s)
{
	if (s->len == 0)
		return 0;
	if (frame_write(s->fd, s->type, s->buf, s->len) != 0)
		return -1;
	s->len = 0;
	return 0;
}

int
frame_stream_write(void *stream, const char *data, size_t len)
{
	struct frame_stream *s = stream;

	while (len > 0) {
		size_t take = sizeof(s->buf) - s->len;

		if (take > len)
			take = len;
		memcpy(s->buf + s->len, data, take);
		s->len += take;
		data += take;
		len -= take;
		if (s->len == sizeof(s->buf) && frame_stream_flush(s) != 0)
			return -1;
	}
	return 0;
}

/* --- the reader ----------------------------------------------------------- */

void
frame_reader_init(struct frame_reader *r, size_t max_len)
{
	memset(r, 0, sizeof(*r));
	r->max_len = max_len < FRAME_MAX_LEN ? max_len : FRAME_MAX_LEN;
}

void
frame_reader_free(struct frame_reader *r)
{
	free(r->data);
	r->data = NULL;
	r->cap = 0;
}

static int
frame_fault(struct frame_reader *r, enum frame_fault fault, const char *text)
{
	r->fault = fault;
	r->fault_type = r->type;
	r->fault_len = r->len;
	snprintf(r->fault_text, sizeof(r->fault_text), "%s", text);
	return -1;
}

/* Room for the payload so far plus n bytes (and the NUL after it). */
static int
frame_reserve(struct frame_reader *r, size_t need)
{
	size_t cap = r->cap;
	char *p;

	if (need + 1 <= cap)
		return 0;
	if (cap < FRAME_FIRST_CAP)
		cap = FRAME_FIRST_CAP;
	while (cap < need + 1)
		cap *= 2;
	if (cap > r->len + 1)
		cap = r->len + 1;
	p = realloc(r->data, cap);
	if (p == NULL)
		return -1;
	r->data = p;
	r->cap = cap;
	return 0;
}

/* The payload is whole: hand it over, keep the buffer if the owner did not. */
static int
frame_deliver(struct frame_reader *r, frame_fn fn, void *arg)
{
	struct frame f;
	char why[256] = "";

	if (frame_reserve(r, 0) != 0) {
		char text[128];

		snprintf(text, sizeof(text), "no memory for a frame of %zu bytes", r->len);
		return frame_fault(r, FRAME_FAULT_NOMEM, text);
	}
	r->data[r->len] = '\0';
	f.type = r->type;
	f.data = r->data;
	f.len = r->len;
	r->in_payload = false;
	r->header_have = 0;
	if (fn(arg, &f, why, sizeof(why)) != 0)
		return frame_fault(r, FRAME_FAULT_REFUSED, why[0] ? why : "an unexpected frame");
	if (f.data == NULL) { /* taken */
		r->data = NULL;
		r->cap = 0;
	}
	return 0;
}

static int
frame_begin(struct frame_reader *r, frame_fn fn, void *arg)
{
	const unsigned char *h = r->header;

	r->type = h[0];
	r->len = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | (size_t)h[4];
	r->have = 0;
	if (r->len > r->max_len) {
		char text[128];

		snprintf(text, sizeof(text), "a frame of %zu bytes, above the bound of %zu bytes",
		         r->len, r->max_len);
		return frame_fault(r, FRAME_FAULT_OVERSIZE, text);
	}
	if (r->len == 0)
		return frame_deliver(r, fn, arg);
	r->in_payload = true;
	return 0;
}

int
frame_reader_feed(struct frame_reader *r, const char *p, size_t n, frame_fn fn, void *arg)
{
	while (n > 0) {
		size_t take;

		if (r->fault != FRAME_FAULT_NONE)
			return -1;
		if (!r->in_payload) {
			take = FRAME_HEADER - r->header_have;
			if (take > n)
				take = n;
			memcpy(r->header + r->header_have, p, take);
			r->header_have += take;
			p += take;
			n -= take;
			if (r->header_have == FRAME_HEADER && frame_begin(r, fn, arg) != 0)
				return -1;
			continue;
		}
		take = r->len - r->have;
		if (take > n)
			take = n;
		if (frame_reserve(r, r->have + take) != 0) {
			char text[128];

			snprintf(text, sizeof(text), "no memory for a frame of %zu bytes", r->len);
			return frame_fault(r, FRAME_FAULT_NOMEM, text);
		}
		memcpy(r->data + r->have, p, take);
		r->have += take;
		p += take;
		n -= take;
		if (r->have == r->len && frame_deliver(r, fn, arg) != 0)
			return -1;
	}
	return r->fault != FRAME_FAULT_NONE ? -1 : 0;
}

bool
frame_reader_cut(const struct frame_reader *r, int *type, size_t *have, size_t *len)
{
	if (r->fault != FRAME_FAULT_NONE || (!r->in_payload && r->header_have == 0))
		return false;
	*type = r->in_payload ? r->type : -1;
	*have = r->in_payload ? r->have : 0;
	*len = r->in_payload ? r->len : 0;
	return true;
}
