/*
 * http.h - parkpland's HTTP listener (http.c) and what its routes use to
 * answer (http_api.c, http_report.c): read-only, bounded, on evhttp.
 * docs/http.md tells the routes, the documents and the bounds.
 */
#ifndef PARKPLAND_HTTP_H
#define PARKPLAND_HTTP_H

#include <stdbool.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "parkpland.h"

/* --- http.c: the listener ------------------------------------------------- */

struct http_request;

/* A GET or HEAD request within the bounds: answer it now or later. */
typedef void (*http_route_fn)(void *arg, struct http_request *hq);

/* Listen on http.listen (not empty).  NULL with the reason. */
struct http *http_new(struct parkpland *env, http_route_fn route, void *arg, char *err,
                      size_t errlen);
/* A reload: the bounds evhttp keeps (header size, timeout) are set again. */
void http_config_changed(struct http *h);
/*
 * Shutting down: every request still being answered gets 503 (a streamed
 * one is cut), new ones too; drained() once none is left.
 */
void http_close_all(struct http *h, void (*drained)(void *arg), void *arg);
void http_free(struct http *h);
bool http_shutting_down(const struct http *h);
/* Connections open (served and refused). */
int http_connections(const struct http *h);

/* Renders (worker children) at once, at most http.max_renders: false when full. */
bool http_render_begin(struct http *h);
void http_render_end(struct http *h);
int http_renders(const struct http *h);

/* The request: its path (not decoded), its query ("" when none). */
const char *http_request_path(const struct http_request *hq);
const char *http_request_query(const struct http_request *hq);
bool http_request_head(const struct http_request *hq);
struct parkpland *http_request_env(const struct http_request *hq);
/*
 * Keep hq across an asynchronous answer.  Gone: answered, or the client
 * went, or its time is up; answers are then dropped.
 */
void http_request_ref(struct http_request *hq);
void http_request_unref(struct http_request *hq);
bool http_request_gone(const struct http_request *hq);
/* cancel(arg) once, when the request is lost before its answer ended. */
void http_request_on_gone(struct http_request *hq, void (*cancel)(void *arg), void *arg);

/* The HTTP status for a code of protocol.h (not_found 404, ...). */
int http_status_of(enum protocol_error code);
/* Before the answer. */
void http_add_header(struct http_request *hq, const char *name, const char *value);
/* A whole answer (body may be NULL; it is emptied). */
void http_reply(struct http_request *hq, int status, const char *type, struct evbuffer *body);
/* doc (taken) as compact JSON, application/json. */
void http_reply_json(struct http_request *hq, int status, json_t *doc);
/* The control socket's error object {"v", "ok": false, "code", "error"}. */
void http_reply_problem(struct http_request *hq, int status, enum protocol_error code,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A streamed answer: chunked (HTTP/1.1); a HEAD request's body is dropped. */
void http_stream_start(struct http_request *hq, int status, const char *type);
void http_stream_chunk(struct http_request *hq, struct evbuffer *data);
void http_stream_end(struct http_request *hq);
/* The answer cannot go on: its connection is closed (the client sees it cut). */
void http_stream_abort(struct http_request *hq);

/* --- http_report.c: the plan as documents -------------------------------- */

enum http_report_kind { HTTP_REPORT_PAGE, HTTP_REPORT_XLSX, HTTP_REPORT_CSV };

/*
 * /report (plan 0: the plan in force, else the latest succeeded run; zone
 * 0: the whole park), /plans/N.xlsx, /plans/N/TABLE.csv (table: an enum
 * report_table): read, rendered in a worker child, streamed in chunks.
 */
void http_report(struct parkpland *env, struct http_request *hq, enum http_report_kind kind,
                 int64_t plan, int64_t zone, int table);

/* --- http_api.c: the routes ----------------------------------------------- */

/* The route callback (arg: the env). */
void http_route(void *arg, struct http_request *hq);

#endif
