/*
 * roster_model.c - the roster (docs/model.md §3) as one MIP on GLPK, over
 * every period or over one: building it, what it costs in memory, the
 * roster in hand as its columns and back, and its export as an LP file.
 */
#include "roster_parts.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp.h"
#include "lp_write.h"

/* ------------------------------------------------------------------ */
/* The GLPK problem                                                    */
/* ------------------------------------------------------------------ */

/*
 * Build the MIP of docs/model.md §3 over periods [p0, p1) into m->lp and the
 * column maps (which must be clear for those periods).  names: give rows
 * and columns readable names.  stay_bonus, for the one-period models of
 * the first roster: 1 adds w_stay to staying in the zone of zone_of in
 * the period before, 2 also in the period after.
 */
int
roster_model_build(struct roster_model *m, bool names, size_t p0, size_t p1, int stay_bonus)
{
	const struct settings *st = &m->s->settings;
	struct lp_triplets t = {0};
	size_t ni = m->ni, nz = m->nz, p, i, z;
	int64_t *cnt = NULL, coef;
	glp_prob *lp;
	int row, col;

	m->lp = lp = glp_create_prob();
	glp_set_prob_name(lp, "parkplan_roster");
	glp_set_obj_name(lp, "R");
	glp_set_obj_dir(lp, GLP_MAX);
	cnt = roster_alloc(2, sizeof(*cnt));
	if (cnt == NULL)
		goto fail;

	/* x_izp */
	for (p = p0; p < p1; p++)
		for (i = 0; i < ni; i++) {
			int32_t pin = m->pin[pi_of(m, p, i)];
			int32_t pin2 = m->pin2[pi_of(m, p, i)];

			for (z = 0; z < nz; z++) {
				if (!m->allowed[piz_of(m, p, i, z)] ||
				    m->pruned[piz_of(m, p, i, z)])
					continue;
				if (m->only != NULL && m->only[pi_of(m, p, i)] != NO_ZONE &&
				    m->only[pi_of(m, p, i)] != (int32_t)z)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->xcol[piz_of(m, p, i, z)] = col;
				if (names)
					lp_set_name(lp, LP_COL, col,
					            "x_%" PRId64 "_%" PRId64 "_%" PRId64,
					            m->s->instructors[i].id, m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_BV);
				if (pin == (int32_t)z || pin2 == (int32_t)z ||
				    (m->only != NULL && m->only[pi_of(m, p, i)] == (int32_t)z))
					glp_set_col_bnds(lp, col, GLP_FX, 1.0, 1.0);
				coef = x_coef(m, p, i, z);
				if (stay_bonus && p > 0 && st->w_stay > 0 &&
				    m->zone_of[pi_of(m, p - 1, i)] == (int32_t)z)
					coef += st->w_stay;
				if (stay_bonus > 1 && p + 1 < m->np && st->w_stay > 0 &&
				    m->zone_of[pi_of(m, p + 1, i)] == (int32_t)z)
					coef += st->w_stay;
				glp_set_obj_coef(lp, col, (double)coef);
			}
		}
	/* y_izp */
	for (p = p0 + 1; p < p1; p++)
		for (i = 0; i < ni; i++)
			for (z = 0; z < nz; z++) {
				if (m->xcol[piz_of(m, p, i, z)] == 0 ||
				    m->xcol[piz_of(m, p - 1, i, z)] == 0)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->ycol[piz_of(m, p, i, z)] = col;
				if (names)
					lp_set_name(lp, LP_COL, col,
					            "y_%" PRId64 "_%" PRId64 "_%" PRId64,
					            m->s->instructors[i].id, m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_BV);
				glp_set_obj_coef(lp, col, (double)st->w_stay);
			}
	/* o_zcp, bounded by the instructors of the class who may sit there */
	for (p = p0; p < p1; p++)
		for (z = 0; z < nz; z++) {
			cnt[0] = cnt[1] = 0;
			for (i = 0; i < ni; i++)
				if (m->xcol[piz_of(m, p, i, z)] != 0)
					cnt[m->s->instructors[i].full_time ? 0 : 1]++;
			for (int c = 0; c < 2; c++) {
				if (cnt[c] == 0)
					continue;
				if (m->ncols == INT_MAX)
					goto fail;
				col = glp_add_cols(lp, 1);
				m->ncols = col;
				m->ocol[(p * nz + z) * 2 + (size_t)c] = col;
				if (names)
					lp_set_name(lp, LP_COL, col, "o_%" PRId64 "_%s_%" PRId64,
					            m->s->zones[z].id, c == 0 ? "ft" : "pt",
					            m->s->periods[p].id);
				glp_set_col_kind(lp, col, GLP_IV);
				glp_set_col_bnds(lp, col, GLP_DB, 0.0, (double)cnt[c]);
				glp_set_obj_coef(lp, col, -(double)st->w_balance);
			}
		}

	/* Σ_z x_izp = 1 */
	for (p = p0; p < p1; p++)
		for (i = 0; i < ni; i++) {
			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			row = glp_add_rows(lp, 1);
			if (names)
				lp_set_name(lp, LP_ROW, row, "assign_%" PRId64 "_%" PRId64,
				            m->s->instructors[i].id, m->s->periods[p].id);
			glp_set_row_bnds(lp, row, GLP_FX, 1.0, 1.0);
			for (z = 0; z < nz; z++) {
				col = m->xcol[piz_of(m, p, i, z)];
				if (col != 0 && lp_triplets_add(&t, row, col, 1.0) != 0)
					goto fail;
			}
		}
	/* Σ_{i of class c} x_izp − o_zcp ≤ seats_c(z, p); Σ_{full-time} x_izp ≥ min_fulltime(z) */
	for (p = p0; p < p1; p++)
		for (z = 0; z < nz; z++) {
			for (int c = 0; c < 2; c++) {
				int ocol = m->ocol[(p * nz + z) * 2 + (size_t)c];
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * nz + z];

				if (ocol == 0)
					continue;
				row = glp_add_rows(lp, 1);
				m->seatrow[(p * nz + z) * 2 + (size_t)c] = row;
				if (names)
					lp_set_name(lp, LP_ROW, row,
					            "seats_%s_%" PRId64 "_%" PRId64,
					            c == 0 ? "ft" : "pt", m->s->zones[z].id,
					            m->s->periods[p].id);
				glp_set_row_bnds(lp, row, GLP_UP, 0.0, (double)seats);
				for (i = 0; i < ni; i++) {
					col = m->xcol[piz_of(m, p, i, z)];
					if (col != 0 &&
					    (m->s->instructors[i].full_time ? 0 : 1) == c &&
					    lp_triplets_add(&t, row, col, 1.0) != 0)
						goto fail;
				}
				if (lp_triplets_add(&t, row, ocol, -1.0) != 0)
					goto fail;
			}
			if (m->s->zones[z].min_fulltime <= 0)
				continue;
			row = glp_add_rows(lp, 1);
			m->minrow[p * nz + z] = row;
			if (names)
				lp_set_name(lp, LP_ROW, row, "minft_%" PRId64 "_%" PRId64,
				            m->s->zones[z].id, m->s->periods[p].id);
			glp_set_row_bnds(lp, row, GLP_LO, (double)m->s->zones[z].min_fulltime, 0.0);
			for (i = 0; i < ni; i++) {
				col = m->xcol[piz_of(m, p, i, z)];
				if (col != 0 && m->s->instructors[i].full_time &&
				    lp_triplets_add(&t, row, col, 1.0) != 0)
					goto fail;
			}
		}
	/* y_izp ≤ x_izp, y_izp ≤ x_iz(p−1) */
	for (p = p0 + 1; p < p1; p++)
		for (i = 0; i < ni; i++)
			for (z = 0; z < nz; z++) {
				int ycol = m->ycol[piz_of(m, p, i, z)];

				if (ycol == 0)
					continue;
				for (int back = 0; back < 2; back++) {
					row = glp_add_rows(lp, 1);
					if (names)
						lp_set_name(
						    lp, LP_ROW, row,
						    "stay%s_%" PRId64 "_%" PRId64 "_%" PRId64,
						    back ? "b" : "a", m->s->instructors[i].id,
						    m->s->zones[z].id, m->s->periods[p].id);
					glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
					if (lp_triplets_add(&t, row, ycol, 1.0) != 0 ||
					    lp_triplets_add(&t, row,
					                    m->xcol[piz_of(m, p - back, i, z)],
					                    -1.0) != 0)
						goto fail;
				}
			}
	if (lp_triplets_load(&t, lp) != 0)
		goto fail;
	lp_triplets_free(&t);
	free(cnt);
	return 0;
fail:
	lp_triplets_free(&t);
	free(cnt);
	return -1;
}

void
roster_model_clear(struct roster_model *m)
{
	if (m->lp != NULL)
		glp_delete_prob(m->lp);
	m->lp = NULL;
	m->ncols = 0;
	memset(m->xcol, 0, m->np * m->ni * m->nz * sizeof(*m->xcol));
	memset(m->ycol, 0, m->np * m->ni * m->nz * sizeof(*m->ycol));
	memset(m->ocol, 0, m->np * m->nz * 2 * sizeof(*m->ocol));
	memset(m->seatrow, 0, m->np * m->nz * 2 * sizeof(*m->seatrow));
	memset(m->minrow, 0, m->np * m->nz * sizeof(*m->minrow));
}

/* ------------------------------------------------------------------ */
/* What a GLPK model costs, and what the process may still spend       */
/* ------------------------------------------------------------------ */

struct roster_size
roster_model_count(const struct roster_model *m, size_t p0, size_t p1)
{
	struct roster_size sz = {0, 0, 0};
	size_t p, i, z;

	for (p = p0; p < p1; p++) {
		for (i = 0; i < m->ni; i++) {
			bool ft = m->s->instructors[i].full_time;

			if (m->rd.available[pi_of(m, p, i)])
				sz.rows += 1;
			for (z = 0; z < m->nz; z++) {
				size_t q = piz_of(m, p, i, z);

				if (!m->allowed[q] || m->pruned[q])
					continue;
				/* x, its assign and seat rows, the minimum when full-time */
				sz.cols += 1;
				sz.nnz += 2 + (ft && m->s->zones[z].min_fulltime > 0 ? 1 : 0);
				if (p > p0 && m->allowed[piz_of(m, p - 1, i, z)] &&
				    !m->pruned[piz_of(m, p - 1, i, z)]) {
					/* y and its two rows */
					sz.cols += 1;
					sz.rows += 2;
					sz.nnz += 4;
				}
			}
		}
		/* o and the seat and minimum rows, at most */
		sz.cols += 2.0 * (double)m->nz;
		sz.rows += 3.0 * (double)m->nz;
		sz.nnz += 2.0 * (double)m->nz;
	}
	return sz;
}

/*
 * Bytes a model of this size costs at its peak: GLPK's rows, columns and
 * elements (about 120, 120 and 64 bytes), the triplets they are loaded
 * from, and what the simplex method adds on top (its copy of the matrix
 * and the basis factorisation); the interior-point method adds the
 * Cholesky factor of A·D·Aᵀ, which fills in.  Measured with
 * glp_mem_usage() on the district sample: a one-period LP (8 970 columns,
 * 387 rows, 20 580 non-zeros) holds 2.3 MiB, 3.8 MiB at the simplex's
 * peak (estimated here 5.9); the whole model (61 680 columns, 53 620 rows,
 * 185 910 non-zeros) 25.4 MiB, 132 MiB at the interior point's peak
 * (estimated 179); a city period (395 400 columns) 157 MiB at the
 * simplex's peak (estimated 258).
 */
#define ROSTER_BYTES_PER_COL 360.0
#define ROSTER_BYTES_PER_ROW 320.0
#define ROSTER_BYTES_PER_NNZ 140.0
#define ROSTER_BYTES_PER_NNZ_INTERIOR 800.0

double
roster_model_bytes(struct roster_size sz, bool interior)
{
	return ROSTER_BYTES_PER_COL * sz.cols + ROSTER_BYTES_PER_ROW * sz.rows +
	       (interior ? ROSTER_BYTES_PER_NNZ_INTERIOR : ROSTER_BYTES_PER_NNZ) * sz.nnz;
}

/* Without a memory limit the roster still spends at most this. */
#define ROSTER_UNLIMITED_BYTES (4.0 * 1024 * 1024 * 1024)

/*
 * Bytes the roster may still allocate for a GLPK model: what the caller
 * says is left (opt->memory_room: in the isolated child, its RLIMIT_AS
 * less what is mapped already and a margin), ROSTER_UNLIMITED_BYTES without
 * a limit; at most opt->memory_budget_mib when that is set.  *limited: a
 * limit or the cap applies.
 */
double
roster_memory_budget(const struct solver_options *opt, bool *limited)
{
	double budget = ROSTER_UNLIMITED_BYTES;

	*limited = false;
	if (opt->memory_room != NULL) {
		double room = opt->memory_room(opt->memory_room_arg);

		if (room != INFINITY) {
			budget = room > 0 ? room : 0;
			*limited = true;
		}
	}
	if (opt->memory_budget_mib > 0 && opt->memory_budget_mib * ROSTER_MIB < budget) {
		budget = opt->memory_budget_mib * ROSTER_MIB;
		*limited = true;
	}
	return budget;
}

/* ------------------------------------------------------------------ */
/* The roster in hand as columns, and back                             */
/* ------------------------------------------------------------------ */

double *
roster_model_point(const struct roster_model *m)
{
	const struct settings *st = &m->s->settings;
	double *x = roster_alloc((size_t)m->ncols + 1, sizeof(*x));
	size_t p, i, z;

	if (x == NULL)
		return NULL;
	for (p = 0; p < m->np; p++) {
		for (i = 0; i < m->ni; i++) {
			int32_t zz = m->zone_of[pi_of(m, p, i)];
			int ycol;

			if (zz == NO_ZONE)
				continue;
			x[m->xcol[piz_of(m, p, i, (size_t)zz)]] = 1.0;
			ycol = m->ycol[piz_of(m, p, i, (size_t)zz)];
			if (ycol != 0 && m->zone_of[pi_of(m, p - 1, i)] == zz && st->w_stay > 0)
				x[ycol] = 1.0;
		}
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++) {
				int ocol = m->ocol[(p * m->nz + z) * 2 + (size_t)c];
				int64_t n = roster_class_count(m, p, z, c);
				int64_t seats =
				    (c == 0 ? m->rd.seats_ft : m->rd.seats_pt)[p * m->nz + z];

				if (ocol == 0)
					continue;
				if (st->w_balance < 0)
					x[ocol] = glp_get_col_ub(m->lp, ocol);
				else
					x[ocol] = (double)(n > seats ? n - seats : 0);
			}
	}
	return x;
}

double
roster_trivial_bound(const struct roster_model *m)
{
	const struct settings *st = &m->s->settings;
	double b = 0;

	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			int64_t best = INT64_MIN;

			for (size_t z = 0; z < m->nz; z++)
				if (m->xcol[piz_of(m, p, i, z)] != 0 && x_coef(m, p, i, z) > best)
					best = x_coef(m, p, i, z);
			if (best != INT64_MIN)
				b += (double)best +
				     (p > 0 && st->w_stay > 0 ? (double)st->w_stay : 0);
		}
	return b;
}

void
roster_model_read(struct roster_model *m)
{
	for (size_t p = 0; p < m->np; p++)
		for (size_t i = 0; i < m->ni; i++) {
			m->zone_of[pi_of(m, p, i)] = NO_ZONE;
			for (size_t z = 0; z < m->nz; z++) {
				int col = m->xcol[piz_of(m, p, i, z)];

				if (col != 0 && glp_mip_col_val(m->lp, col) > 0.5) {
					m->zone_of[pi_of(m, p, i)] = (int32_t)z;
					break;
				}
			}
		}
}

/* ------------------------------------------------------------------ */
/* The LP export                                                       */
/* ------------------------------------------------------------------ */

/* The overflow column's bound in z, class c, period p: the class's instructors who may sit there.
 */
static int64_t
o_bound(const struct roster_model *m, size_t p, size_t z, int c)
{
	int64_t n = 0;

	for (size_t i = 0; i < m->ni; i++)
		if (m->allowed[piz_of(m, p, i, z)] && (m->s->instructors[i].full_time ? 0 : 1) == c)
			n++;
	return n;
}

/*
 * The whole model of docs/model.md §3.5 written row by row as it is
 * generated (lp_write.h), the rows and columns roster_model_build() makes
 * with names, without building it: a city's model is written in the
 * memory of its data.
 */
static int
write_model(const struct roster_model *m, const char *path)
{
	const struct settings *st = &m->s->settings;
	const struct snapshot *s = m->s;
	struct lp_writer w;
	char zero[96] = "";
	int64_t *ob = roster_alloc(roster_count_mul(m->np * m->nz, 2), sizeof(*ob));
	size_t p, i, z;

#define IID(i) (s->instructors[i].id)
#define ZID(z) (s->zones[z].id)
#define PID(p) (s->periods[p].id)
#define HAS_X(p, i, z) (m->allowed[piz_of(m, p, i, z)] != 0)
#define HAS_Y(p, i, z) ((p) > 0 && HAS_X(p, i, z) && HAS_X((p)-1, i, z))
	if (ob == NULL || lpw_open(&w, path, "parkplan_roster") != 0) {
		free(ob);
		return -1;
	}
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++)
				ob[(p * m->nz + z) * 2 + (size_t)c] = o_bound(m, p, z, c);
	for (p = 0; p < m->np && zero[0] == '\0'; p++)
		for (i = 0; i < m->ni && zero[0] == '\0'; i++)
			for (z = 0; z < m->nz && zero[0] == '\0'; z++)
				if (HAS_X(p, i, z))
					snprintf(zero, sizeof(zero),
					         "x_%" PRId64 "_%" PRId64 "_%" PRId64, IID(i),
					         ZID(z), PID(p));
	if (zero[0] == '\0') {
		free(ob);
		return lpw_close(&w); /* no column: as glp_write_lp() writes an empty problem */
	}
	lpw_section(&w, "Maximize");
	lpw_row(&w, "R");
	for (p = 0; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++)
				if (HAS_X(p, i, z))
					lpw_term(&w, (double)x_coef(m, p, i, z),
					         "x_%" PRId64 "_%" PRId64 "_%" PRId64, IID(i),
					         ZID(z), PID(p));
	for (p = 1; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++)
				if (HAS_Y(p, i, z))
					lpw_term(&w, (double)st->w_stay,
					         "y_%" PRId64 "_%" PRId64 "_%" PRId64, IID(i),
					         ZID(z), PID(p));
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++)
				if (ob[(p * m->nz + z) * 2 + (size_t)c] > 0)
					lpw_term(&w, -(double)st->w_balance,
					         "o_%" PRId64 "_%s_%" PRId64, ZID(z),
					         c == 0 ? "ft" : "pt", PID(p));
	lpw_end_objective(&w, zero);
	lpw_section(&w, "Subject To");
	for (p = 0; p < m->np; p++)
		for (i = 0; i < m->ni; i++) {
			if (!m->rd.available[pi_of(m, p, i)])
				continue;
			lpw_row(&w, "assign_%" PRId64 "_%" PRId64, IID(i), PID(p));
			for (z = 0; z < m->nz; z++)
				if (HAS_X(p, i, z))
					lpw_term(&w, 1.0, "x_%" PRId64 "_%" PRId64 "_%" PRId64,
					         IID(i), ZID(z), PID(p));
			lpw_end(&w, "=", 1.0, zero);
		}
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++) {
			for (int c = 0; c < 2; c++) {
				if (ob[(p * m->nz + z) * 2 + (size_t)c] == 0)
					continue;
				lpw_row(&w, "seats_%s_%" PRId64 "_%" PRId64, c == 0 ? "ft" : "pt",
				        ZID(z), PID(p));
				for (i = 0; i < m->ni; i++)
					if (HAS_X(p, i, z) &&
					    (s->instructors[i].full_time ? 0 : 1) == c)
						lpw_term(&w, 1.0,
						         "x_%" PRId64 "_%" PRId64 "_%" PRId64,
						         IID(i), ZID(z), PID(p));
				lpw_term(&w, -1.0, "o_%" PRId64 "_%s_%" PRId64, ZID(z),
				         c == 0 ? "ft" : "pt", PID(p));
				lpw_end(&w, "<=",
				        (double)(c == 0 ? m->rd.seats_ft
				                        : m->rd.seats_pt)[p * m->nz + z],
				        zero);
			}
			if (s->zones[z].min_fulltime <= 0)
				continue;
			lpw_row(&w, "minft_%" PRId64 "_%" PRId64, ZID(z), PID(p));
			for (i = 0; i < m->ni; i++)
				if (HAS_X(p, i, z) && s->instructors[i].full_time)
					lpw_term(&w, 1.0, "x_%" PRId64 "_%" PRId64 "_%" PRId64,
					         IID(i), ZID(z), PID(p));
			lpw_end(&w, ">=", (double)s->zones[z].min_fulltime, zero);
		}
	for (p = 1; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++) {
				if (!HAS_Y(p, i, z))
					continue;
				for (int back = 0; back < 2; back++) {
					lpw_row(&w, "stay%s_%" PRId64 "_%" PRId64 "_%" PRId64,
					        back ? "b" : "a", IID(i), ZID(z), PID(p));
					lpw_term(&w, 1.0, "y_%" PRId64 "_%" PRId64 "_%" PRId64,
					         IID(i), ZID(z), PID(p));
					lpw_term(&w, -1.0, "x_%" PRId64 "_%" PRId64 "_%" PRId64,
					         IID(i), ZID(z), PID(p - (size_t)back));
					lpw_end(&w, "<=", 0.0, zero);
				}
			}
	lpw_section(&w, "\nBounds");
	for (p = 0; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++) {
				int32_t pin = m->pin[pi_of(m, p, i)],
				        pin2 = m->pin2[pi_of(m, p, i)];

				if (!HAS_X(p, i, z))
					continue;
				if (pin == (int32_t)z || pin2 == (int32_t)z)
					lpw_line(&w, "x_%" PRId64 "_%" PRId64 "_%" PRId64 " = 1",
					         IID(i), ZID(z), PID(p));
				else
					lpw_line(&w,
					         "0 <= x_%" PRId64 "_%" PRId64 "_%" PRId64 " <= 1",
					         IID(i), ZID(z), PID(p));
			}
	for (p = 1; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++)
				if (HAS_Y(p, i, z))
					lpw_line(&w,
					         "0 <= y_%" PRId64 "_%" PRId64 "_%" PRId64 " <= 1",
					         IID(i), ZID(z), PID(p));
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++)
				if (ob[(p * m->nz + z) * 2 + (size_t)c] > 0)
					lpw_line(&w,
					         "0 <= o_%" PRId64 "_%s_%" PRId64 " <= %" PRId64,
					         ZID(z), c == 0 ? "ft" : "pt", PID(p),
					         ob[(p * m->nz + z) * 2 + (size_t)c]);
	lpw_section(&w, "\nGenerals");
	for (p = 0; p < m->np; p++)
		for (i = 0; i < m->ni; i++)
			for (z = 0; z < m->nz; z++) {
				if (HAS_X(p, i, z))
					lpw_line(&w, "x_%" PRId64 "_%" PRId64 "_%" PRId64, IID(i),
					         ZID(z), PID(p));
				if (HAS_Y(p, i, z))
					lpw_line(&w, "y_%" PRId64 "_%" PRId64 "_%" PRId64, IID(i),
					         ZID(z), PID(p));
			}
	for (p = 0; p < m->np; p++)
		for (z = 0; z < m->nz; z++)
			for (int c = 0; c < 2; c++)
				if (ob[(p * m->nz + z) * 2 + (size_t)c] > 0)
					lpw_line(&w, "o_%" PRId64 "_%s_%" PRId64, ZID(z),
					         c == 0 ? "ft" : "pt", PID(p));
#undef IID
#undef ZID
#undef PID
#undef HAS_X
#undef HAS_Y
	free(ob);
	return lpw_close(&w);
}

int
roster_export_lp(const struct snapshot *s, const struct snapshot_index *ix, const char *path,
                 char *err, size_t errlen)
{
	struct roster_model m;
	int rc = 0;

	if (roster_model_setup(&m, s, ix) != 0) {
		snprintf(err, errlen, "out of memory preparing the roster model");
		return -1;
	}
	if (write_model(&m, path) != 0) {
		snprintf(err, errlen, "%s: cannot write the roster model", path);
		rc = -1;
	}
	roster_model_free(&m);
	return rc;
}
