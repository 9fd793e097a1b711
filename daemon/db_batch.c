/*
 * db_batch.c - building a batch of statements (parkpland.h: db_batch_*):
 * each statement with copies of its parameters, or a COPY with its data,
 * until db_conn.c runs the batch on the connection.
 */
#include <stdlib.h>
#include <string.h>

#include "db_batch.h"

struct db_batch *
db_batch_new(bool transaction)
{
	struct db_batch *b = calloc(1, sizeof(*b));

	if (b != NULL)
		b->transaction = transaction;
	return b;
}

void
db_batch_free(struct db_batch *b)
{
	size_t i;
	int j;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->steps[i].sql);
		for (j = 0; j < b->steps[i].n; j++)
			free(b->steps[i].values[j]);
		free(b->steps[i].values);
		if (b->steps[i].data != NULL)
			evbuffer_free(b->steps[i].data);
	}
	free(b->steps);
	free(b);
}

static struct db_step *
batch_add(struct db_batch *b, const char *sql)
{
	struct db_step *s;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		struct db_step *v = realloc(b->steps, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		b->steps = v;
		b->cap = cap;
	}
	s = &b->steps[b->n];
	memset(s, 0, sizeof(*s));
	s->sql = strdup(sql);
	if (s->sql == NULL)
		return NULL;
	b->n++;
	return s;
}

int
db_batch_query(struct db_batch *b, const char *sql, int n, const char *const *values,
               db_result_fn fn, void *arg)
{
	struct db_step *s = batch_add(b, sql);
	int i;

	if (s == NULL)
		return -1;
	s->kind = STEP_QUERY;
	s->fn = fn;
	s->arg = arg;
	if (n > 0) {
		s->values = calloc((size_t)n, sizeof(char *));
		if (s->values == NULL)
			return -1;
		s->n = n;
		for (i = 0; i < n; i++) {
			if (values[i] != NULL && (s->values[i] = strdup(values[i])) == NULL)
				return -1;
		}
	}
	return 0;
}

int
db_batch_copy(struct db_batch *b, const char *sql, struct evbuffer *data)
{
	struct db_step *s = batch_add(b, sql);

	if (s == NULL) {
		evbuffer_free(data);
		return -1;
	}
	s->kind = STEP_COPY;
	s->data = data;
	return 0;
}
