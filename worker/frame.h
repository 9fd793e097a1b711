/*
 * frame.h - the one framing of every pipe from a worker child to its parent.
 *
 * A frame is a header of five bytes, then the payload:
 *
 *	type	1 byte, by convention a letter ('P' progress, 'R' a plan, ...)
 *	length	4 bytes, big-endian: the payload's length
 *	payload	length bytes
 *
 * The child writes whole frames with blocking writes (frame_write), or a
 * stream of frames of one type for output whose length it does not know
 * beforehand (struct frame_stream).  The parent feeds whatever it read to
 * a frame_reader, which hands every whole frame to the owner and trusts
 * nothing: a frame above the owner's bound, a frame cut short at the end
 * of the output and a frame the owner refuses are each one clear fault.
 */
#ifndef PARKPLAN_FRAME_H
#define PARKPLAN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER 5
#define FRAME_MAX_LEN ((size_t)UINT32_MAX)
/* The payload of each frame of a frame_stream. */
#define FRAME_STREAM_CHUNK 65536

/* Write all of buf to fd, again after EINTR; -1 on a write error (errno set). */
int frame_write_all(int fd, const void *buf, size_t len);
/* One frame; -1 on a write error, or when len exceeds FRAME_MAX_LEN. */
int frame_write(int fd, int type, const void *data, size_t len);

/* Frames of one type, FRAME_STREAM_CHUNK bytes of payload each. */
struct frame_stream {
	int fd;
	int type;
	size_t len;
	char buf[FRAME_STREAM_CHUNK];
};

void frame_stream_init(struct frame_stream *s, int fd, int type);
/* Buffer len bytes, writing full frames as they fill: 0, or -1 on a write error. */
int frame_stream_write(void *stream, const char *data, size_t len);
/* Write what is buffered as a last, shorter frame (none when empty). */
int frame_stream_flush(struct frame_stream *s);

/*
 * A whole frame as the reader hands it over.  data has one NUL byte after
 * the payload; the owner may keep it (set data to NULL: it is then the
 * owner's to free).
 */
struct frame {
	int type;
	char *data;
	size_t len;
};

/* Return 0, or -1 with a reason in err: the output is then at fault. */
typedef int (*frame_fn)(void *arg, struct frame *f, char *err, size_t errlen);

enum frame_fault {
	FRAME_FAULT_NONE,
	FRAME_FAULT_OVERSIZE, /* a length above the bound */
	FRAME_FAULT_NOMEM,    /* no memory for the payload */
	FRAME_FAULT_REFUSED,  /* the owner refused a frame */
};

struct frame_reader {
	size_t max_len;
	unsigned char header[FRAME_HEADER];
	size_t header_have;
	bool in_payload;
	int type;
	size_t len, have, cap;
	char *data;
	/* the first fault; input after it is ignored */
	enum frame_fault fault;
	int fault_type;
	size_t fault_len;
	char fault_text[256];
};

/* max_len: the largest payload taken (at most FRAME_MAX_LEN). */
void frame_reader_init(struct frame_reader *r, size_t max_len);
void frame_reader_free(struct frame_reader *r);
/*
 * Take n bytes of output, handing each frame completed to fn.  Returns 0,
 * or -1 once the output is at fault (now or before).
 */
int frame_reader_feed(struct frame_reader *r, const char *p, size_t n, frame_fn fn, void *arg);
/*
 * At the end of the output: true when it ended inside a frame, with the
 * frame's type (-1 inside a header), the payload bytes read and announced.
 */
bool frame_reader_cut(const struct frame_reader *r, int *type, size_t *have, size_t *len);

#endif
