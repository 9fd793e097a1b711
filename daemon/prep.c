/*
 * prep.c - the preparation of a run, off the loop: once a snapshot is
 * loaded, a "snapshot" worker child validates it and serialises it as the
 * plan_snapshot COPY row, while the loop goes on serving (and the solver
 * child solves).
 *
 * The child sends frames (worker/frame.h):
 *
 *	V <the problems as a JSON array>
 *	S <the snapshot as compact JSON, escaped for COPY text>, in pieces
 *
 * and exits 0.  Anything else is a failure of the child: the run then does
 * in the daemon what is missing (validation, serialisation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copytext.h"
#include "parkpland.h"
#include "snapshot.h"
#include "validate.h"
#include "worker.h"

#define PREP_MAX_FRAME ((size_t)1 << 30)
#define PREP_FRAME_PROBLEMS 'V'
#define PREP_FRAME_SNAPSHOT 'S'

struct prep {
	struct parkpland *env;
	int64_t run_id;
	const struct snapshot *snap;
	struct problems *problems;
	struct prep_hooks hooks;
	struct job *job;
	enum prep_state state;
	bool checked;             /* the problems are in *problems */
	struct evbuffer *row;     /* "<run id>\t<escaped JSON>\n" */
	struct event *checked_ev; /* hooks.checked() from the loop, not from a read */
};

/* --- the child ------------------------------------------------------------ */

/* json_dump_callback: the JSON text, escaped for COPY, as 'S' frames. */
static int
prep_dump(const char *text, size_t size, void *data)
{
	return copytext_escape(text, size, frame_stream_write, data);
}

static int
prep_child(int fd, void *arg)
{
	const struct snapshot *s = arg;
	struct problems pr;
	struct frame_stream *out;
	json_t *doc;
	char *text;
	int rc = 0;

	problems_init(&pr);
	(void)snapshot_validate(s, &pr);
	doc = problems_to_json(&pr);
	problems_free(&pr);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (text == NULL)
		return 2;
	if (frame_write(fd, PREP_FRAME_PROBLEMS, text, strlen(text)) != 0) {
		free(text);
		return 3;
	}
	free(text);
	out = malloc(sizeof(*out));
	doc = snapshot_to_json(s);
	if (out == NULL || doc == NULL) {
		free(out);
		json_decref(doc);
		return 2;
	}
	frame_stream_init(out, fd, PREP_FRAME_SNAPSHOT);
	if (json_dump_callback(doc, prep_dump, out, JSON_COMPACT) != 0 ||
	    frame_stream_flush(out) != 0)
		rc = 3;
	json_decref(doc);
	free(out);
	return rc;
}

/* --- the parent ----------------------------------------------------------- */

/* The problems as the child wrote them, into *problems. */
static int
prep_take_problems(struct prep *p, const struct frame *f, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *a, *x;
	size_t i;

	a = json_loadb(f->data, f->len, 0, &jerr);
	if (!json_is_array(a)) {
		snprintf(err, errlen, "bad problems from the snapshot child: %s",
		         a == NULL ? jerr.text : "not an array");
		json_decref(a);
		return -1;
	}
	problems_free(p->problems);
	problems_init(p->problems);
	json_array_foreach(a, i, x)
	{
		const char *entity = json_string_value(json_object_get(x, "entity"));
		const char *field = json_string_value(json_object_get(x, "field"));
		const char *reason = json_string_value(json_object_get(x, "reason"));

		problems_add(p->problems, entity != NULL ? entity : "",
		             json_integer_value(json_object_get(x, "id")),
		             field != NULL ? field : "", "%s", reason != NULL ? reason : "");
	}
	json_decref(a);
	p->checked = true;
	return 0;
}

static int
prep_frame(void *arg, struct frame *f, char *err, size_t errlen)
{
	struct prep *p = arg;

	if (f->type == PREP_FRAME_PROBLEMS && !p->checked) {
		if (prep_take_problems(p, f, err, errlen) != 0)
			return -1;
		event_active(p->checked_ev, EV_TIMEOUT, 0);
		return 0;
	}
	if (f->type == PREP_FRAME_SNAPSHOT && p->checked) {
		if (evbuffer_add(p->row, f->data, f->len) != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "an unexpected frame '%c'", f->type);
	return -1;
}

static void
prep_checked_cb(evutil_socket_t fd, short what, void *arg)
{
	struct prep *p = arg;

	(void)fd;
	(void)what;
	p->hooks.checked(p->hooks.arg);
}

static void
prep_done(void *arg, struct worker *w)
{
	struct prep *p = arg;
	char error[512] = "";
	int rc = worker_error(w, error, sizeof(error));

	p->job = NULL;
	if (rc == 0 && !p->checked)
		snprintf(error, sizeof(error), "the snapshot child stopped early");
	else if (rc == 0 && evbuffer_add(p->row, "\n", 1) != 0)
		snprintf(error, sizeof(error), "out of memory for the snapshot's row");
	if (error[0] == '\0') {
		p->state = PREP_DONE;
		log_run(LOG_LEVEL_DEBUG, p->run_id, 0,
		        "run %lld: snapshot row made off the loop (%zu bytes)",
		        (long long)p->run_id, evbuffer_get_length(p->row));
	} else {
		log_run(LOG_LEVEL_WARNING, p->run_id, 0, "run %lld: %s; parkpland does it itself",
		        (long long)p->run_id, error);
		p->state = PREP_FAILED;
		evbuffer_free(p->row);
		p->row = NULL;
	}
	p->hooks.done(p->hooks.arg);
}

struct prep *
prep_start(struct parkpland *env, int64_t run_id, const struct snapshot *s,
           struct problems *problems, const struct prep_hooks *hooks)
{
	struct prep *p = calloc(1, sizeof(*p));
	struct worker_spec spec = {0};
	char err[256];

	if (p == NULL) {
		log_run(LOG_LEVEL_WARNING, run_id, 0,
		        "run %lld: out of memory; validating in parkpland", (long long)run_id);
		return NULL;
	}
	p->env = env;
	p->run_id = run_id;
	p->snap = s;
	p->problems = problems;
	p->hooks = *hooks;
	p->state = PREP_RUNNING;
	p->row = evbuffer_new();
	p->checked_ev = event_new(env->base, -1, 0, prep_checked_cb, p);
	if (p->row == NULL || p->checked_ev == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	/* the row: "<run id>\t<escaped JSON>\n" */
	if (evbuffer_add_printf(p->row, "%lld\t", (long long)run_id) < 0) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	spec.what = "snapshot";
	spec.child = prep_child;
	spec.child_arg = (void *)s;
	spec.frame = prep_frame;
	spec.frame_arg = p;
	spec.max_frame = PREP_MAX_FRAME;
	p->job = job_start(env->jobs, &spec, prep_done, NULL, p, err, sizeof(err));
	if (p->job == NULL)
		goto fail;
	return p;
fail:
	log_run(LOG_LEVEL_WARNING, run_id, 0, "run %lld: %s; validating in parkpland",
	        (long long)run_id, err);
	prep_free(p);
	return NULL;
}

enum prep_state
prep_state(const struct prep *p)
{
	return p->state;
}

bool
prep_checked(const struct prep *p)
{
	return p->checked;
}

struct evbuffer *
prep_take_row(struct prep *p)
{
	struct evbuffer *row = p->state == PREP_DONE ? p->row : NULL;

	if (row != NULL)
		p->row = NULL;
	return row;
}

void
prep_free(struct prep *p)
{
	if (p == NULL)
		return;
	job_cancel(p->job, "the run is over");
	if (p->checked_ev != NULL)
		event_free(p->checked_ev);
	if (p->row != NULL)
		evbuffer_free(p->row);
	free(p);
}
