/*
 * req.c - a request to a command, whichever door it came through: the
 * operations of struct req (parkpland.h), called through the door's own
 * table (ctlsock.c for the control socket, http_api.c for HTTP), and the
 * formatting of a refusal's message, done once here for both (always
 * UTF-8, cut between characters when too long).
 */
#include <stdarg.h>
#include <stdio.h>

#include "parkpland.h"

void
req_reply_ok(struct req *rq, json_t *data)
{
	rq->ops->reply_ok(rq, data);
}

void
req_reply_error(struct req *rq, enum protocol_error code, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	/* UTF-8 whatever was put in: a reply's message is a JSON string */
	va_start(ap, fmt);
	utf8_vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	rq->ops->reply_error(rq, code, text);
}

bool
req_privileged(const struct req *rq)
{
	return rq->ops->privileged(rq);
}

const char *
req_who(const struct req *rq)
{
	return rq->ops->who(rq);
}

bool
req_gone(const struct req *rq)
{
	return rq->ops->gone(rq);
}

void
req_ref(struct req *rq)
{
	rq->ops->ref(rq);
}

void
req_unref(struct req *rq)
{
	rq->ops->unref(rq);
}

void
req_set_waiter(struct req *rq, void *waiter, void (*cancel)(void *waiter))
{
	rq->ops->set_waiter(rq, waiter, cancel);
}
