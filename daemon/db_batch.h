/*
 * db_batch.h - a batch of statements as db_conn.c runs it and db_batch.c
 * builds it (the daemon's own; callers see only parkpland.h).
 */
#ifndef PARKPLAN_DB_BATCH_H
#define PARKPLAN_DB_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include "parkpland.h"

enum step_kind { STEP_QUERY, STEP_COPY };

struct db_step {
	enum step_kind kind;
	char *sql;
	int n;
	char **values;
	struct evbuffer *data; /* COPY: what is left to send */
	db_result_fn fn;
	void *arg;
};

struct db_batch {
	bool transaction;
	struct db_step *steps;
	size_t n, cap;
	size_t cur;
	bool failed;
	bool rolling_back;
	bool forgotten;
	char error[1024];
	db_done_fn done;
	void *arg;
	TAILQ_ENTRY(db_batch) link;
};

#endif
