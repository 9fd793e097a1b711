/*
 * sample_csv.c - `parkplanctl sample --csv DIR`: the generated park
 * (sample_gen.c) as the spreadsheets a park office keeps, one per list,
 * with the import's own columns (import_cols.c) and Chinese headers, in
 * UTF-8 with a byte-order mark (DIR/utf-8/) and in GB18030 (DIR/gb18030/).
 * Imported in order (zones, periods, enterprises, communities,
 * instructors, availability, rules) into an empty database they give the
 * snapshot `parkplanctl sample` writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_impl.h"
#include "sample.h"

#define MAX_COLS 16

/* The texts of one row, indexed by the kind's columns. */
struct cells {
	const char *v[MAX_COLS];
	char buf[MAX_COLS][512];
};

static void
set(struct cells *c, const struct imp_kind_spec *k, const char *key, const char *text)
{
	c->v[imp_col_index(k, key)] = text;
}

static void setf(struct cells *c, const struct imp_kind_spec *k, const char *key, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

static void
setf(struct cells *c, const struct imp_kind_spec *k, const char *key, const char *fmt, ...)
{
	int i = imp_col_index(k, key);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->buf[i], sizeof(c->buf[i]), fmt, ap);
	va_end(ap);
	c->v[i] = c->buf[i];
}

/* Micro-degrees as the sample's COPY writes them: 31170000 -> 31.170000. */
static void
set_degrees(struct cells *c, const struct imp_kind_spec *k, const char *key, int64_t micro)
{
	uint64_t a = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;

	setf(c, k, key, "%s%" PRIu64 ".%06" PRIu64, micro < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static void
set_codes(struct cells *c, const struct imp_kind_spec *k, const char *key, unsigned set_bits,
          const char *const *codes, int n)
{
	int i = imp_col_index(k, key), j;

	c->buf[i][0] = '\0';
	for (j = 0; j < n; j++) {
		if (!(set_bits & (1u << j)))
			continue;
		if (c->buf[i][0] != '\0')
			strncat(c->buf[i], "、", sizeof(c->buf[i]) - strlen(c->buf[i]) - 1);
		strncat(c->buf[i], codes[j], sizeof(c->buf[i]) - strlen(c->buf[i]) - 1);
	}
	c->v[i] = c->buf[i];
}

static void
fill_zone(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k, struct cells *c)
{
	const struct gen_zone *z = &p->zones[i];

	set(c, k, "code", z->code);
	set(c, k, "name", z->name);
	set_degrees(c, k, "lat", (z->lat_lo + z->lat_hi) / 2);
	set_degrees(c, k, "lon", (z->lon_lo + z->lon_hi) / 2);
	set(c, k, "min_fulltime", "1");
}

static void
fill_period(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k, struct cells *c)
{
	(void)p;
	set(c, k, "label", period_label[i]);
	set(c, k, "start", period_start[i]);
}

static void
fill_enterprise(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k,
                struct cells *c)
{
	const struct gen_enterprise *e = &p->enterprises[i];

	set(c, k, "credit_code", e->credit_code);
	set(c, k, "name", e->name);
	set(c, k, "zone", p->zones[e->zone].code);
	set(c, k, "industry", industry_code[e->industry]);
	if (e->org_id > 0) {
		const struct gen_organisation *o = &p->orgs[e->org_id - 1];

		set(c, k, "party_org", imp_org_text((int)o->kind, true));
		set(c, k, "party_org_name", o->name);
	} else {
		set(c, k, "party_org", imp_org_text(KIND_NONE, true));
		set(c, k, "party_org_name", "");
	}
	setf(c, k, "party_members", "%" PRId32, e->party_members);
	setf(c, k, "employees", "%" PRId32, e->employees);
	set_degrees(c, k, "lat", e->lat);
	set_degrees(c, k, "lon", e->lon);
	set(c, k, "approximate", "否");
	set_codes(c, k, "offers", e->offers, service_code, SRV_COUNT);
	setf(c, k, "max_communities", "%" PRId32, e->max_communities);
	if (e->year == 0)
		set(c, k, "joined_on", "");
	else
		setf(c, k, "joined_on", "%04d-%02d-%02d", e->year, e->month, e->day);
}

static void
fill_community(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k,
               struct cells *c)
{
	const struct gen_community *m = &p->communities[i];

	set(c, k, "code", m->code);
	set(c, k, "name", m->name);
	set_degrees(c, k, "lat", m->lat);
	set_degrees(c, k, "lon", m->lon);
	set(c, k, "approximate", "否");
	set_codes(c, k, "needs", m->needs, service_code, SRV_COUNT);
	setf(c, k, "min_partners", "%" PRId32, m->min_partners);
	setf(c, k, "max_partners", "%" PRId32, m->max_partners);
}

static void
fill_instructor(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k,
                struct cells *c)
{
	const struct gen_instructor *in = &p->instructors[i];

	set(c, k, "code", in->code);
	set(c, k, "name", in->name);
	set(c, k, "full_time", in->full_time ? "专职" : "兼职");
	if (in->capacity > 0)
		setf(c, k, "capacity", "%" PRId32, in->capacity);
	else
		set(c, k, "capacity", "");
	set_codes(c, k, "skills", in->skills, industry_code, IND_COUNT);
	set_degrees(c, k, "home_lat", in->lat);
	set_degrees(c, k, "home_lon", in->lon);
	set(c, k, "approximate", "否");
}

static void
fill_availability(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k,
                  struct cells *c)
{
	const struct gen_instructor *in = &p->instructors[i];

	set(c, k, "instructor", in->code);
	set_codes(c, k, "unavailable", in->unavailable, period_label, PERIODS);
}

typedef void fill_fn(const struct sample_park *p, int64_t i, const struct imp_kind_spec *k,
                     struct cells *c);

static int
write_list(const struct sample_park *p, const char *dir, enum imp_encoding enc, enum imp_kind kind,
           fill_fn *fill, int64_t rows, char *err, size_t errlen)
{
	const struct imp_kind_spec *k = &imp_kinds[kind];
	char path[4096];
	struct csv_out *w;
	struct cells c;
	FILE *f;
	int64_t i;
	int col;

	snprintf(path, sizeof(path), "%s/%s/%s.csv", dir,
	         enc == IMP_ENC_GB18030 ? "gb18030" : "utf-8", k->name);
	f = fopen(path, "wb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	w = csv_out_open(f, enc);
	if (w != NULL)
		csv_out_header(w, k, false);
	for (i = 0; w != NULL && i < rows; i++) {
		memset(c.v, 0, sizeof(c.v));
		fill(p, i, k, &c);
		for (col = 0; col < k->n_cols; col++)
			if (!(k->cols[col].flags & IC_NOSTORE))
				csv_out_cell(w, c.v[col]);
		csv_out_end_row(w);
	}
	if (csv_out_close(w) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "%s: could not be written", path);
		return -1;
	}
	return 0;
}

static int
make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
sample_write_csv(enum sample_scale scale, uint64_t seed, const char *dir, FILE *log, char *err,
                 size_t errlen)
{
	static const enum imp_encoding encs[2] = {IMP_ENC_UTF8_BOM, IMP_ENC_GB18030};
	struct sample_park p;
	char sub[4096];
	int e;

	if (sample_generate(&p, scale, seed) < 0) {
		snprintf(err, errlen, "out of memory while generating the sample park");
		sample_park_free(&p);
		return -1;
	}
	if (make_dir(dir, err, errlen) < 0)
		goto fail;
	for (e = 0; e < 2; e++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, e == 0 ? "utf-8" : "gb18030");
		if (make_dir(sub, err, errlen) < 0 ||
		    write_list(&p, dir, encs[e], IMP_ZONES, fill_zone, p.n_zones, err, errlen) <
		        0 ||
		    write_list(&p, dir, encs[e], IMP_PERIODS, fill_period, PERIODS, err, errlen) <
		        0 ||
		    write_list(&p, dir, encs[e], IMP_ENTERPRISES, fill_enterprise, p.n_enterprises,
		               err, errlen) < 0 ||
		    write_list(&p, dir, encs[e], IMP_COMMUNITIES, fill_community, p.n_communities,
		               err, errlen) < 0 ||
		    write_list(&p, dir, encs[e], IMP_INSTRUCTORS, fill_instructor, p.n_instructors,
		               err, errlen) < 0 ||
		    write_list(&p, dir, encs[e], IMP_AVAILABILITY, fill_availability,
		               p.n_instructors, err, errlen) < 0 ||
		    write_list(&p, dir, encs[e], IMP_RULES, NULL, 0, err, errlen) < 0)
			goto fail;
		if (log != NULL)
			fprintf(log,
			        "%s: zones, periods, enterprises (%" PRId64
			        "), communities (%" PRId64 "), instructors (%" PRId64
			        "), availability, rules\n",
			        sub, p.n_enterprises, p.n_communities, p.n_instructors);
	}
	sample_park_free(&p);
	return 0;
fail:
	sample_park_free(&p);
	return -1;
}
