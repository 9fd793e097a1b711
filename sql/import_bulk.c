/*
 * import_bulk.c - a large list written the way pg_restore writes a table:
 * the table's secondary indexes and its own foreign keys put aside, the rows
 * written, then each index built again by one sort and each foreign key
 * checked again by one join.  Row by row, each of the city's 200 000
 * enterprises costs three index insertions and two foreign-key look-ups:
 * its import takes 5.6 s that way, 3.7 s with them put aside
 * (bench/import).
 *
 * Everything happens inside the import's transaction: a failure anywhere
 * rolls the drops back with the rows, and the table is as it was.  Dropping
 * a foreign key locks the table it points to as well, so the table and the
 * tables its keys point to (an enterprise list: zone, party_organisation,
 * enterprise) are locked ACCESS EXCLUSIVE for the write, in the order the
 * snapshot loader reads them, parents first, so that the two never wait for
 * each other in a circle.  A planner reading its snapshot at that moment
 * waits (seconds) for the commit; it never sees the table without its
 * indexes.  While the import waits for those locks every newcomer queues
 * behind it: so with --bulk auto it waits at most BULK_LOCK_WAIT, and when
 * a long reader holds one of them (a report, someone's open transaction),
 * or PostgreSQL finds a deadlock, the savepoint takes the locks back and the
 * list is written row by row, which the import's own lock already allows.
 *
 * An import by a role that does not own those tables (one granted only
 * the right to write rows) writes row by row.
 *
 * The definitions come from the catalogue at the time of the import (which
 * the import's SHARE ROW EXCLUSIVE lock keeps still), so a later
 * migration's index is kept as well.  Only what can be rebuilt exactly is
 * put aside: the primary key and any index behind a constraint stay, as do
 * an index with a tablespace, a comment, a statistics target, or a part in
 * CLUSTER or replica identity, a foreign key not validated (its rows would
 * never be checked) or with a comment, and the foreign keys of other
 * tables that point here.  A unique index put aside is checked again when
 * it is built: the import has found any duplicate before that.
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

/*
 * What to put aside: the statement dropping each, the one building it
 * again, indexes first.  $1: the table.
 */
static const char aside_sql[] =
    "SELECT format('DROP INDEX %s', i.indexrelid::regclass),"
    "       pg_get_indexdef(i.indexrelid), 1 AS ord"
    "  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    " WHERE i.indrelid = $1::regclass AND NOT i.indisprimary"
    "   AND NOT i.indisclustered AND NOT i.indisreplident AND c.reltablespace = 0"
    "   AND obj_description(i.indexrelid, 'pg_class') IS NULL"
    "   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
    "   AND NOT EXISTS (SELECT 1 FROM pg_attribute a"
    "                    WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0)"
    " UNION ALL "
    "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname),"
    "       format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass,"
    "              k.conname, pg_get_constraintdef(k.oid)), 2"
    "  FROM pg_constraint k"
    " WHERE k.conrelid = $1::regclass AND k.contype = 'f' AND k.convalidated"
    "   AND obj_description(k.oid, 'pg_constraint') IS NULL"
    " ORDER BY 3, 1";

/*
 * The lock: the table and the tables its keys put aside point to, in the
 * order the snapshot loader (load.c) reads them, any other first; and
 * whether the import's role owns them all, as dropping and building
 * indexes and keys asks.  $1: the table.
 */
static const char lock_sql[] =
    "SELECT 'LOCK TABLE ' || string_agg(x.t::text, ', ' ORDER BY"
    "        coalesce(array_position('{zone,party_organisation,enterprise,community,"
    "instructor,instructor_unavailable,period,rule}'::text[], c.relname), 0), c.relname)"
    "       || ' IN ACCESS EXCLUSIVE MODE',"
    "       bool_and(pg_has_role(c.relowner, 'USAGE'))"
    "  FROM (SELECT $1::regclass AS t"
    "        UNION SELECT k.confrelid::regclass FROM pg_constraint k"
    "         WHERE k.conrelid = $1::regclass AND k.contype = 'f' AND k.convalidated"
    "           AND obj_description(k.oid, 'pg_constraint') IS NULL) x"
    "  JOIN pg_class c ON c.oid = x.t";

/* Is res the failure of a lock that was not to be had: a timeout, or a deadlock? */
static bool
lock_refused(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	/* lock_not_available, deadlock_detected */
	return state != NULL && (strcmp(state, "55P03") == 0 || strcmp(state, "40P01") == 0);
}

int
imp_bulk_begin(struct imp_run *r, const char *table, PGresult **saved)
{
	const char *params[1] = {table}, *was[1];
	PGresult *lock, *res, *timeout = NULL;
	bool refused;
	int i, rc = -1;

	*saved = imp_query(r, aside_sql, 1, params);
	lock = *saved != NULL ? imp_query(r, lock_sql, 1, params) : NULL;
	if (lock == NULL)
		return -1;
	if (strcmp(PQgetvalue(lock, 0, 1), "t") != 0) {
		/* a role that may write the rows but not alter the tables: row by row */
		PQclear(*saved);
		*saved = NULL;
		PQclear(lock);
		return 2;
	}
	/* --bulk auto: not longer than BULK_LOCK_WAIT; the lock_timeout in force kept aside */
	if (imp_exec(r, "SAVEPOINT imp_bulk") < 0 ||
	    (r->o->bulk != IMP_BULK_YES &&
	     ((timeout = imp_query(r, "SELECT current_setting('lock_timeout')", 0, NULL)) == NULL ||
	      imp_exec(r, "SET LOCAL lock_timeout = '" BULK_LOCK_WAIT "'") < 0)))
		goto out;
	res = PQexec(r->conn, PQgetvalue(lock, 0, 0));
	refused = PQresultStatus(res) != PGRES_COMMAND_OK && lock_refused(res);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && !refused) {
		dberr_result(r->err, r->errlen, "locking the table for a bulk write", res);
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (refused) {
		/* nothing put aside; the savepoint takes back the lock_timeout and any lock got */
		PQclear(*saved);
		*saved = NULL;
		if (imp_exec(r, "ROLLBACK TO SAVEPOINT imp_bulk") == 0 &&
		    imp_exec(r, "RELEASE SAVEPOINT imp_bulk") == 0)
			rc = 1;
		goto out;
	}
	if (timeout != NULL) {
		was[0] = PQgetvalue(timeout, 0, 0);
		res = imp_query(r, "SELECT set_config('lock_timeout', $1, true)", 1, was);
		if (res == NULL)
			goto out;
		PQclear(res);
	}
	if (imp_exec(r, "RELEASE SAVEPOINT imp_bulk") < 0)
		goto out;
	for (i = 0; i < PQntuples(*saved); i++)
		if (imp_exec(r, PQgetvalue(*saved, i, 0)) < 0)
			goto out;
	rc = 0;
out:
	PQclear(lock);
	PQclear(timeout);
	return rc;
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
