/*
 * db.h - parkplan's PostgreSQL side (libpq): schema migrations, the
 * snapshot loader and the sample park generator.
 *
 * Every statement with a value from outside is sent with parameters
 * (PQexecParams / COPY), never by pasting text into SQL.
 */
#ifndef PARKPLAN_DB_H
#define PARKPLAN_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "snapshot.h"

/* --- migrate.c --------------------------------------------------------- */

/* The schema version this build knows (the highest embedded migration). */
int db_schema_expected(void);

/* The database's schema version: 0 when parkplan's schema is absent. */
int db_schema_version(PGconn *conn, int *version, char *err, size_t errlen);

/*
 * Apply what is missing, in one transaction, serialised by an advisory
 * lock.  Idempotent; refuses (-1) a database whose version is newer than
 * this build.  *from and *to receive the versions before and after.
 */
int db_migrate(PGconn *conn, int *from, int *to, char *err, size_t errlen);

/* --- load.c: the snapshot loader ------------------------------------ */

/*
 * The snapshot is read by a fixed list of queries inside one
 * REPEATABLE READ READ ONLY transaction.  The daemon sends them
 * asynchronously and hands each result to db_loader_take(); parkplanctl
 * uses db_load_snapshot(), which does the same synchronously.  Both go
 * through the same parsing, so both see the same snapshot.
 */
#define DB_LOAD_BEGIN "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
size_t db_loader_query_count(void);
const char *db_loader_query(size_t i);

struct db_loader;
struct db_loader *db_loader_new(void);
/* Parse the result of query i (results must come in order 0, 1, ...). */
int db_loader_take(struct db_loader *ld, size_t i, const PGresult *res, char *err, size_t errlen);
/*
 * The same in steps, so that a loop can go on serving between them: at
 * most max_rows rows of the result (0: all) per call.  Returns 1 when rows
 * remain (call again with the same result), 0 when the result is taken
 * whole, -1 with err set.
 */
int db_loader_take_some(struct db_loader *ld, size_t i, const PGresult *res, int max_rows,
                        char *err, size_t errlen);
/*
 * Hand over the snapshot (normalised) and free the loader.  A bad setting
 * fails it (every one is named in err); a rule naming an inactive row is
 * left out of the snapshot.
 */
int db_loader_finish(struct db_loader *ld, struct snapshot *out, char *err, size_t errlen);
/*
 * The same for a run: bad settings (which keep their defaults) and rules
 * naming inactive rows (left out) do not fail it, they are added to
 * *problems, named by key or rule id, to fail the run with the others.
 */
struct problems;
int db_loader_finish_problems(struct db_loader *ld, struct snapshot *out, struct problems *problems,
                              char *err, size_t errlen);
void db_loader_free(struct db_loader *ld);

int db_load_snapshot(PGconn *conn, struct snapshot *out, char *err, size_t errlen);

/* --- sample.c: the sample park ----------------------------------------- */

enum sample_scale { SCALE_PARK, SCALE_DISTRICT, SCALE_CITY };

/* Returns -1 for unknown text ("park", "district", "city"). */
int sample_scale_parse(const char *text, enum sample_scale *out);

/*
 * Write a realistic data set into an empty, migrated database with COPY,
 * in one transaction.  Deterministic for a given seed.  Refuses a database
 * that already holds planning data.  Progress lines go to log (may be NULL).
 */
int db_sample(PGconn *conn, enum sample_scale scale, uint64_t seed, FILE *log, char *err,
              size_t errlen);

#endif
