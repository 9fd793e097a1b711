/*
 * import_bulk.c - a large list written the way pg_restore writes a table:
 * the table's secondary indexes and its own foreign keys put aside, the rows
 * written, then each index built again by one sort and each foreign key
 * checked again by one join.  Row by row, the city's 200 000 enterprises
 * cost three index insertions and two foreign-key look-ups each, five of the
 * seven seconds of their import (bench/import); built whole afterwards,
 * under a second.
 *
 * Everything happens inside the import's transaction: a failure anywhere
 * rolls the drops back with the rows, and the table is as it was.  The
 * table is locked ACCESS EXCLUSIVE for the write, so a planner reading its
 * snapshot at that moment waits (seconds) for the commit; it never sees the
 * table without its indexes.  While the import waits for that lock, every
 * newcomer queues behind it: so with --bulk auto it waits at most
 * BULK_LOCK_WAIT, and when a long reader holds the table (a report, someone's
 * open transaction) the list is written row by row instead, which the
 * import's own lock already allows.  The definitions come from the catalogue at
 * the time of the import, so a later migration's index is kept as well.
 * Only what nothing else depends on is put aside: the primary key and any
 * index behind a constraint stay, and the foreign keys of other tables that
 * point here are untouched.
 */
#include <stdio.h>
#include <string.h>

#include "dberr.h"
#include "import_run.h"

/* Below this many rows written, or when they are few beside the table, row by row. */
#define BULK_MIN_ROWS 5000
/* --bulk auto: how long to wait for the table before writing row by row. */
#define BULK_LOCK_WAIT "2s"

bool
imp_bulk_wanted(const struct imp_run *r, size_t n_state)
{
	size_t written = r->res->n_new + r->res->n_changed;

	switch (r->o->bulk) {
	case IMP_BULK_YES:
		return written > 0;
	case IMP_BULK_NO:
		return false;
	case IMP_BULK_AUTO:
	default:
		/*
		 * Building an index again costs about a third of inserting into it
		 * row by row, per row of the whole table (bench/import); a quarter
		 * of the table written is where building it whole starts to win.
		 */
		return written >= BULK_MIN_ROWS && written * 4 >= n_state + r->res->n_new;
	}
}

int
imp_bulk_begin(struct imp_run *r, const char *table, PGresult **saved)
{
	static const char sql[] =
	    "SELECT format('DROP INDEX %s', i.indexrelid::regclass),"
	    "       pg_get_indexdef(i.indexrelid), 1 AS ord"
	    "  FROM pg_index i"
	    " WHERE i.indrelid = $1::regclass AND NOT i.indisprimary"
	    "   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
	    " UNION ALL "
	    "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname),"
	    "       format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass,"
	    "              k.conname, pg_get_constraintdef(k.oid)), 2"
	    "  FROM pg_constraint k"
	    " WHERE k.conrelid = $1::regclass AND k.contype = 'f'"
	    " ORDER BY 3, 1";
	const char *params[1] = {table};
	char lock[128];
	PGresult *res;
	const char *state;
	bool wait_long = r->o->bulk == IMP_BULK_YES, busy;
	int i;

	*saved = NULL;
	snprintf(lock, sizeof(lock), "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table);
	if (!wait_long && (imp_exec(r, "SAVEPOINT imp_bulk") < 0 ||
	                   imp_exec(r, "SET LOCAL lock_timeout = '" BULK_LOCK_WAIT "'") < 0))
		return -1;
	res = PQexec(r->conn, lock);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	busy = !wait_long && state != NULL && strcmp(state, "55P03") == 0; /* lock_not_available */
	if (PQresultStatus(res) != PGRES_COMMAND_OK && !busy) {
		dberr_result(r->err, r->errlen, lock, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (busy) /* the savepoint takes back the lock_timeout too */
		return imp_exec(r, "ROLLBACK TO SAVEPOINT imp_bulk") < 0 ||
		               imp_exec(r, "RELEASE SAVEPOINT imp_bulk") < 0
		           ? -1
		           : 1;
	if (!wait_long && (imp_exec(r, "SET LOCAL lock_timeout TO DEFAULT") < 0 ||
	                   imp_exec(r, "RELEASE SAVEPOINT imp_bulk") < 0))
		return -1;
	*saved = imp_query(r, sql, 1, params);
	if (*saved == NULL)
		return -1;
	for (i = 0; i < PQntuples(*saved); i++)
		if (imp_exec(r, PQgetvalue(*saved, i, 0)) < 0)
			return -1;
	return 0;
}

int
imp_bulk_end(struct imp_run *r, PGresult *saved)
{
	int i;

	/* in the order put aside: the indexes, then the foreign keys */
	for (i = 0; i < PQntuples(saved); i++)
		if (imp_exec(r, PQgetvalue(saved, i, 1)) < 0)
			return -1;
	return 0;
}
