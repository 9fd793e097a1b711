/*
 * load.c - the snapshot read asynchronously: DB_LOAD_BEGIN, then every
 * loader query in order, each result handed to db_loader_take(), then
 * COMMIT, all as one batch (one REPEATABLE READ transaction) while the loop
 * goes on serving: a big result is parsed LOAD_ROWS_PER_PASS rows at a
 * time, the loop answering between the parts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "parkpland.h"

/*
 * Rows of one result parsed in one pass of the loop: the city's 200 000
 * enterprises take about 2 ms per 1 000 (5 under load), so status and the control socket
 * are answered between passes.
 */
#define LOAD_ROWS_PER_PASS 1000

struct load {
	struct db *db;
	struct db_loader *loader;
	struct db_batch *batch;
	size_t next;               /* the result being taken */
	int rows_taken;            /* of it, so far */
	int passes;                /* of the loop it took so far */
	double took_ms;            /* parsing it, so far */
	struct problems *problems; /* the loader's, for a run; NULL for a document */
	load_done_fn done;
	void *arg;
};

static int
load_take(void *arg, const PGresult *res, char *err, size_t errlen)
{
	struct load *l = arg;
	double t0 = monotonic_s();
	int rc;

	if (l->rows_taken == 0)
		l->took_ms = 0;
	rc = db_loader_take_some(l->loader, l->next, res, LOAD_ROWS_PER_PASS, err, errlen);
	l->took_ms += 1000 * (monotonic_s() - t0);
	l->passes++;
	if (rc == 1) {
		l->rows_taken += LOAD_ROWS_PER_PASS;
		return DB_RESULT_MORE;
	}
	if (rc == 0)
		log_debug("load: %d rows of result %zu taken in %.0f ms over %d passes",
		          PQntuples(res), l->next, l->took_ms, l->passes);
	l->next++;
	l->rows_taken = 0;
	l->passes = 0;
	return rc == 0 ? 0 : -1;
}

static void
load_batch_done(void *arg, int rc, const char *error)
{
	struct load *l = arg;
	struct snapshot s;
	char err[1024];
	double t0;

	l->batch = NULL;
	if (rc != 0) {
		l->done(l->arg, NULL, error);
		load_free(l);
		return;
	}
	snapshot_init(&s);
	t0 = monotonic_s();
	rc = db_loader_finish_problems(l->loader, &s, l->problems, err, sizeof(err));
	log_debug("load: snapshot finished in %.0f ms", 1000 * (monotonic_s() - t0));
	if (rc != 0) {
		l->loader = NULL;
		snapshot_free(&s);
		l->done(l->arg, NULL, err);
		load_free(l);
		return;
	}
	l->loader = NULL;
	l->done(l->arg, &s, NULL);
	load_free(l);
}

struct load *
load_start(struct db *db, struct problems *problems, load_done_fn done, void *arg)
{
	struct load *l = calloc(1, sizeof(*l));
	struct db_batch *b;
	size_t i, n = db_loader_query_count();

	if (l == NULL)
		return NULL;
	l->db = db;
	l->problems = problems;
	l->done = done;
	l->arg = arg;
	l->loader = db_loader_new();
	b = db_batch_new(true);
	if (l->loader == NULL || b == NULL ||
	    db_batch_query(b, DB_LOAD_BEGIN, 0, NULL, NULL, NULL) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (db_batch_query(b, db_loader_query(i), 0, NULL, load_take, l) != 0)
			goto fail;
	if (db_batch_query(b, "COMMIT", 0, NULL, NULL, NULL) != 0)
		goto fail;
	l->batch = b;
	if (db_batch_run(db, b, load_batch_done, l) != 0) {
		l->batch = NULL;
		load_free(l);
		return NULL;
	}
	return l;
fail:
	db_batch_free(b);
	load_free(l);
	return NULL;
}

void
load_free(struct load *l)
{
	if (l == NULL)
		return;
	if (l->batch != NULL)
		db_batch_forget(l->db, l->batch);
	db_loader_free(l->loader);
	free(l);
}
