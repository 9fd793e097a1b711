/*
 * import_run.c - what every part of an import shares while it runs: its
 * statements (errors into the run's message), the tables a list refers
 * to, read once, the stored rows, and a file's row merged with the stored
 * one into the row as it will be.  It calls nothing of the parts that use
 * it: the checks (import_db.c, import_refs.c) and the writing
 * (import_write.c, import_bulk.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dberr.h"
#include "import_run.h"

/* --- statements ------------------------------------------------------------------ */

int
imp_exec(struct imp_run *r, const char *sql)
{
	PGresult *res = PQexec(r->conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		dberr_pq(r->err, r->errlen, sql, r->conn);
	PQclear(res);
	return ok ? 0 : -1;
}

PGresult *
imp_query(struct imp_run *r, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(r->conn, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_pq(r->err, r->errlen, "reading the database", r->conn);
		PQclear(res);
		return NULL;
	}
	return res;
}

static int
lookup_load(struct imp_run *r, struct imp_lookup *l, const char *sql)
{
	int i, n;

	l->res = imp_query(r, sql, 0, NULL);
	if (l->res == NULL)
		return -1;
	n = PQntuples(l->res);
	if (imp_map_init(&l->map, (size_t)n) < 0)
		goto nomem;
	for (i = 0; i < n; i++)
		if (imp_map_put(&l->map, PQgetvalue(l->res, i, 0), i) < 0)
			goto nomem;
	return 0;
nomem:
	dberr_set(r->err, r->errlen, "out of memory");
	return -1;
}

int64_t
imp_lookup_id(const struct imp_lookup *l, const char *key)
{
	int64_t row;

	if (l->res == NULL || key == NULL)
		return 0;
	row = imp_map_get(&l->map, key);
	return row < 0 ? 0 : strtoll(PQgetvalue(l->res, (int)row, 1), NULL, 10);
}

void
imp_lookup_free(struct imp_lookup *l)
{
	PQclear(l->res);
	imp_map_free(&l->map);
	l->res = NULL;
}

/* The tables a kind refers to. */
int
imp_load_lookups(struct imp_run *r)
{
	enum imp_kind k = r->kind;

	if ((k == IMP_ENTERPRISES || k == IMP_COMMUNITIES || k == IMP_INSTRUCTORS ||
	     k == IMP_RULES) &&
	    lookup_load(r, &r->zones,
	                "SELECT code, id, lat::text, lon::text FROM zone WHERE active") < 0)
		return -1;
	/* by kind and name; the oldest first of several of one name (read last) */
	if (k == IMP_ENTERPRISES &&
	    lookup_load(r, &r->orgs,
	                "SELECT kind::text || chr(31) || name, id FROM party_organisation"
	                " WHERE active ORDER BY id DESC") < 0)
		return -1;
	if ((k == IMP_AVAILABILITY || k == IMP_RULES) &&
	    (lookup_load(r, &r->periods, "SELECT label, id FROM period WHERE active") < 0 ||
	     lookup_load(r, &r->instructors,
	                 "SELECT code, id FROM instructor WHERE active AND code IS NOT NULL") < 0 ||
	     lookup_load(r, &r->avail,
	                 "SELECT i.code || chr(31) || p.label, 1 FROM instructor_unavailable u"
	                 " JOIN instructor i ON i.id = u.instructor_id AND i.active"
	                 " JOIN period p ON p.id = u.period_id AND p.active"
	                 " WHERE i.code IS NOT NULL") < 0))
		return -1;
	if (k == IMP_AVAILABILITY &&
	    lookup_load(r, &r->pins,
	                "SELECT i.code || chr(31) || p.label, 1, z.code FROM rule r"
	                " JOIN instructor i ON i.id = r.instructor_id AND i.active"
	                " JOIN period p ON p.id = r.period_id AND p.active"
	                " JOIN zone z ON z.id = r.zone_id AND z.active"
	                " WHERE r.active AND r.kind = 'pin_zone' AND i.code IS NOT NULL") < 0)
		return -1;
	if (k == IMP_RULES &&
	    (lookup_load(r, &r->enterprises,
	                 "SELECT credit_code, id FROM enterprise"
	                 " WHERE active AND credit_code IS NOT NULL") < 0 ||
	     lookup_load(r, &r->communities,
	                 "SELECT code, id FROM community WHERE active AND code IS NOT NULL") < 0))
		return -1;
	if (k == IMP_ZONES && r->o->replace &&
	    lookup_load(r, &r->zone_use,
	                "SELECT z.code, count(*)::text FROM enterprise e"
	                " JOIN zone z ON z.id = e.zone_id WHERE e.active GROUP BY z.code") < 0)
		return -1;
	return 0;
}

/* --- the stored rows ---------------------------------------------------------------- */

const char *
imp_state_text(const struct imp_run *r, int64_t srow, int col)
{
	if (srow < 0 || PQgetisnull(r->state, (int)srow, 2 + col))
		return NULL;
	return PQgetvalue(r->state, (int)srow, 2 + col);
}

const char *
imp_col_name(const struct imp_run *r, int col)
{
	if (col >= 0 && r->t.header[col] != NULL)
		return r->t.header[col];
	if (col < 0)
		return "";
	return r->t.zh ? r->spec->cols[col].zh : r->spec->cols[col].key;
}

bool
imp_state_active(const struct imp_run *r, int64_t srow)
{
	return PQgetvalue(r->state, (int)srow, 1)[0] == 't';
}

/* --- a row as it will be ------------------------------------------------------------- */

static const char *
org_suffix(int org)
{
	return imp_org_text(org, true);
}

static void
merge_coordinates(struct imp_run *r, size_t row, struct imp_merged *m, const char *lat_key,
                  const char *lon_key)
{
	int a = imp_col_index(r->spec, lat_key), b = imp_col_index(r->spec, lon_key);
	int ap = imp_col_index(r->spec, "approximate"), z = imp_col_index(r->spec, "zone");
	const char *x = imp_cell(&r->t, row, a), *y = imp_cell(&r->t, row, b);

	if (x != NULL && y != NULL && x[0] != '\0' && y[0] != '\0') {
		/* the file gives the position: approximate only if it says so */
		if (r->t.at[ap] < 0)
			m->v[ap] = "false";
		if (r->o->gcj02) {
			double glat = strtod(x, NULL), glon = strtod(y, NULL), wlat, wlon;

			gcj02_to_wgs84(glat, glon, &wlat, &wlon);
			imp_format_double(wlat, m->lat, sizeof(m->lat));
			imp_format_double(wlon, m->lon, sizeof(m->lon));
			m->v[a] = m->lat;
			m->v[b] = m->lon;
		}
		return;
	}
	if (m->v[a] != NULL && m->v[a][0] != '\0')
		return; /* kept from the stored row */
	if (r->o->place_missing && z >= 0 && m->v[z] != NULL && m->v[z][0] != '\0') {
		int64_t zr = imp_map_get(&r->zones.map, m->v[z]);

		if (zr >= 0) {
			snprintf(m->lat, sizeof(m->lat), "%s",
			         PQgetvalue(r->zones.res, (int)zr, 2));
			snprintf(m->lon, sizeof(m->lon), "%s",
			         PQgetvalue(r->zones.res, (int)zr, 3));
			m->v[a] = m->lat;
			m->v[b] = m->lon;
			m->v[ap] = "true";
			m->placed = true;
		}
	}
}

void
imp_merge(struct imp_run *r, size_t row, struct imp_merged *m)
{
	const struct imp_kind_spec *k = r->spec;
	int64_t s = r->match[row];
	int c;

	memset(m, 0, sizeof(*m));
	for (c = 0; c < k->n_cols; c++) {
		const char *cell = imp_cell(&r->t, row, c);
		bool keep =
		    cell != NULL && cell[0] == '\0' && (k->cols[c].flags & IC_KEEP) && s >= 0;

		if (cell != NULL && !keep)
			m->v[c] = cell;
		else
			m->v[c] = imp_state_text(r, s, c);
	}
	switch (r->kind) {
	case IMP_ENTERPRISES: {
		int zc = imp_col_index(k, "zone"), oc = imp_col_index(k, "party_org");
		int nc = imp_col_index(k, "party_org_name");
		struct imp_value v;
		char why[256];

		merge_coordinates(r, row, m, "lat", "lon");
		m->zone_id = imp_lookup_id(&r->zones, m->v[zc]);
		if (imp_parse(&k->cols[oc], m->v[oc] != NULL && m->v[oc][0] ? m->v[oc] : "none",
		              false, &v, why, sizeof(why)) == 0 &&
		    v.i != ORG_NONE && (m->v[nc] == NULL || m->v[nc][0] == '\0') &&
		    v.i != ORG_JOINT_BRANCH) {
			/* an organisation of its own, unnamed: the enterprise's name and kind */
			snprintf(m->org_name, sizeof(m->org_name), "%s%s",
			         m->v[1] != NULL ? m->v[1] : "", org_suffix((int)v.i));
			m->v[nc] = m->org_name;
		}
		break;
	}
	case IMP_COMMUNITIES:
		merge_coordinates(r, row, m, "lat", "lon");
		break;
	case IMP_INSTRUCTORS:
		merge_coordinates(r, row, m, "home_lat", "home_lon");
		break;
	default:
		break;
	}
}
