/*
 * map.c - the SVG map of the park, or of one zone in detail: an
 * equirectangular projection scaled by cos(latitude) so that distances
 * look right, north up, with a scale bar in metres.  Zones (片区) are
 * drawn as the convex hull of their enterprises, labelled at their
 * centroid and linked to their own page; enterprises as small marks by
 * party organisation (党委, 党总支, 独立党支部, 联合党支部, none), or, when
 * there are too many to draw one by one, as grid cells shaded by count
 * with the counts by type in each cell's tooltip; communities (居民区) as
 * marks of their own, with a red ring when short of partners; the
 * pairing lines enterprise -> community (aggregated to cell -> community
 * when they would be too many).  A legend below the map.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "report_impl.h"

#define MAP_W 1000.0
#define MAP_HMAX 760.0
#define PAD 28.0
#define LEGEND_H 78.0
#define MARKS_MAX 8000            /* enterprises drawn one by one up to this many */
#define LINES_MAX 3000            /* pairing lines drawn one by one up to this many */
#define CELL_PX 16.0              /* a grid cell, when enterprises are aggregated */
#define COMMUNITY_MARKS_SMALL 600 /* beyond, communities get a smaller mark */
#define COMMUNITY_TITLES_MAX 1500 /* beyond, only communities short of partners have a tooltip */
#define LEVELS 5                  /* shades of the grid cells */
#define ZONE_NAMES_MAX 12         /* beyond this many zones a map labels them by code */
#define LABEL_PX_PER_COLUMN 7.8   /* a zone's label: 15 px, a CJK character 2 columns */

struct proj {
	double lon0, lat1; /* west and north edges */
	double coslat, k;  /* px per degree of latitude: k; of longitude: k·coslat */
	double w, h;       /* the map's size in px */
	double x0;         /* where the west edge is drawn: the map centred */
};

static double
px(const struct proj *pr, double lon)
{
	return pr->x0 + (lon - pr->lon0) * pr->coslat * pr->k;
}

static double
py(const struct proj *pr, double lat)
{
	return PAD + (pr->lat1 - lat) * pr->k;
}

struct bbox {
	double lat0, lat1, lon0, lon1;
	bool any;
};

static void
bbox_add(struct bbox *b, double lat, double lon)
{
	if (!isfinite(lat) || !isfinite(lon))
		return;
	if (!b->any) {
		b->lat0 = b->lat1 = lat;
		b->lon0 = b->lon1 = lon;
		b->any = true;
		return;
	}
	b->lat0 = fmin(b->lat0, lat);
	b->lat1 = fmax(b->lat1, lat);
	b->lon0 = fmin(b->lon0, lon);
	b->lon1 = fmax(b->lon1, lon);
}

static bool
bbox_has(const struct bbox *b, double lat, double lon)
{
	return lat >= b->lat0 && lat <= b->lat1 && lon >= b->lon0 && lon <= b->lon1;
}

/* The projection that fits b (grown by a margin) into the drawing. */
static void
proj_fit(struct proj *pr, struct bbox *b)
{
	double lat_m, lon_m, span_x, span_y;

	if (!b->any) {
		b->lat0 = b->lat1 = 31.17;
		b->lon0 = b->lon1 = 121.40;
	}
	/* a margin of 4 % and at least about 150 m */
	lat_m = fmax((b->lat1 - b->lat0) * 0.04, 0.00135);
	pr->coslat = cos((b->lat0 + b->lat1) / 2.0 * M_PI / 180.0);
	if (pr->coslat < 0.01)
		pr->coslat = 0.01;
	lon_m = fmax((b->lon1 - b->lon0) * 0.04, 0.00135 / pr->coslat);
	b->lat0 -= lat_m;
	b->lat1 += lat_m;
	b->lon0 -= lon_m;
	b->lon1 += lon_m;
	span_x = (b->lon1 - b->lon0) * pr->coslat;
	span_y = b->lat1 - b->lat0;
	pr->k = fmin((MAP_W - 2 * PAD) / span_x, (MAP_HMAX - 2 * PAD) / span_y);
	pr->lon0 = b->lon0;
	pr->lat1 = b->lat1;
	pr->w = MAP_W;
	pr->x0 = (MAP_W - span_x * pr->k) / 2;
	pr->h = span_y * pr->k + 2 * PAD;
}

/* --- what a map shows ------------------------------------------------------ */

struct map {
	const struct report_ctx *c;
	FILE *out;
	struct proj pr;
	struct bbox view;
	size_t zone_row; /* IDMAP_NONE: the whole park */
	bool *ent_in;    /* [enterprise row]: drawn */
	size_t n_ent;    /* drawn */
	size_t by_org[ORG_INVALID + 1];
	int64_t *partners;  /* [community row] */
	int64_t *shortfall; /* [community row] */
	bool grid;          /* enterprises as grid cells */
	int gw, gh;         /* grid size in cells */
	int64_t grid_levels[LEVELS + 1];
	size_t n_short, n_com, n_lines;
	bool lines_aggregated;
	bool label_codes;        /* zones labelled by code, not by name */
	const char *com_mark;    /* c0, or the smaller c1 when communities are many */
	size_t *zcount;          /* [zone row]: its enterprises */
	struct report_buf *poly; /* [zone row]: its region's points, "" when not drawn */
};

static size_t
org_index(enum party_org o)
{
	return o <= ORG_INVALID ? (size_t)o : ORG_NONE;
}

static bool
in_zone(const struct map *m, const struct enterprise *e)
{
	return m->zone_row == IDMAP_NONE || e->zone_id == m->c->s->zones[m->zone_row].id;
}

static bool labels_overlap(const struct map *m);

static int
map_prepare(struct map *m)
{
	const struct report_ctx *c = m->c;
	const struct snapshot *s = c->s;
	size_t i;

	m->ent_in = calloc(s->n_enterprises + 1, sizeof(*m->ent_in));
	m->partners = calloc(s->n_communities + 1, sizeof(*m->partners));
	m->shortfall = calloc(s->n_communities + 1, sizeof(*m->shortfall));
	if (m->ent_in == NULL || m->partners == NULL || m->shortfall == NULL)
		return -1;
	for (i = 0; i < c->p->n_pairs; i++) {
		size_t r = idmap_get(&c->ix.community, c->p->pairs[i].community_id);

		if (r != IDMAP_NONE)
			m->partners[r]++;
	}
	for (i = 0; i < c->p->n_uncovered; i++) {
		size_t r = idmap_get(&c->ix.community, c->p->uncovered[i].community_id);

		if (r != IDMAP_NONE)
			m->shortfall[r] = c->p->uncovered[i].shortfall;
	}
	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = &s->enterprises[i];

		if (!in_zone(m, e) || !isfinite(e->lat) || !isfinite(e->lon))
			continue;
		m->ent_in[i] = true;
		m->n_ent++;
		m->by_org[org_index(e->party_org)]++;
		bbox_add(&m->view, e->lat, e->lon);
	}
	if (m->zone_row == IDMAP_NONE) {
		for (i = 0; i < s->n_zones; i++)
			bbox_add(&m->view, s->zones[i].lat, s->zones[i].lon);
		for (i = 0; i < s->n_communities; i++)
			bbox_add(&m->view, s->communities[i].lat, s->communities[i].lon);
	} else {
		bbox_add(&m->view, s->zones[m->zone_row].lat, s->zones[m->zone_row].lon);
		for (i = 0; i < c->p->n_pairs; i++) {
			const struct enterprise *e =
			    report_enterprise(c, c->p->pairs[i].enterprise_id);
			const struct community *cm =
			    report_community(c, c->p->pairs[i].community_id);

			if (e != NULL && cm != NULL && in_zone(m, e))
				bbox_add(&m->view, cm->lat, cm->lon);
		}
	}
	proj_fit(&m->pr, &m->view);
	m->grid = m->n_ent > MARKS_MAX;
	m->com_mark = "c0";
	m->label_codes =
	    s->n_zones > ZONE_NAMES_MAX || (m->zone_row == IDMAP_NONE && labels_overlap(m));
	m->gw = (int)ceil(m->pr.w / CELL_PX);
	m->gh = (int)ceil(m->pr.h / CELL_PX);
	return 0;
}

/* --- zones ---------------------------------------------------------------- */

struct pt {
	double x, y;
};

static int
cmp_pt(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

static double
cross(struct pt o, struct pt a, struct pt b)
{
	return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Andrew's monotone chain: the hull of v (sorted here) into h; returns its size. */
static size_t
hull(struct pt *v, size_t n, struct pt *h)
{
	size_t k = 0, i, lower;

	qsort(v, n, sizeof(*v), cmp_pt);
	for (i = 0; i < n; i++) {
		while (k >= 2 && cross(h[k - 2], h[k - 1], v[i]) <= 0)
			k--;
		h[k++] = v[i];
	}
	lower = k + 1;
	for (i = n - 1; i-- > 0;) {
		while (k >= lower && cross(h[k - 2], h[k - 1], v[i]) <= 0)
			k--;
		h[k++] = v[i];
	}
	return k > 1 ? k - 1 : k;
}

/*
 * The regions of the zones: the hull of each zone's enterprises (a box at
 * the centroid for fewer than three), as SVG points in m->poly[z]; empty
 * for a zone not drawn (on a zone's page, another zone out of view).
 */
static int
zones_compute(struct map *m)
{
	const struct snapshot *s = m->c->s;
	size_t nz = s->n_zones, i, z;
	size_t *at = calloc(nz + 1, sizeof(*at));
	struct pt *pts = malloc((s->n_enterprises + 1) * sizeof(*pts));
	struct pt *h = malloc((s->n_enterprises + 2) * sizeof(*h));
	int rc = -1;

	m->zcount = calloc(nz + 1, sizeof(*m->zcount));
	m->poly = calloc(nz + 1, sizeof(*m->poly));
	if (m->zcount == NULL || m->poly == NULL || at == NULL || pts == NULL || h == NULL)
		goto out;
	for (i = 0; i < s->n_enterprises; i++) {
		size_t zr = idmap_get(&m->c->ix.zone, s->enterprises[i].zone_id);

		if (zr != IDMAP_NONE && isfinite(s->enterprises[i].lat) &&
		    isfinite(s->enterprises[i].lon))
			m->zcount[zr]++;
	}
	for (z = 1; z < nz; z++)
		at[z] = at[z - 1] + m->zcount[z - 1];
	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = &s->enterprises[i];
		size_t zr = idmap_get(&m->c->ix.zone, e->zone_id);

		if (zr != IDMAP_NONE && isfinite(e->lat) && isfinite(e->lon))
			pts[at[zr]++] = (struct pt){px(&m->pr, e->lon), py(&m->pr, e->lat)};
	}
	for (z = 0; z < nz; z++) {
		const struct zone *zn = &s->zones[z];
		size_t start = at[z] - m->zcount[z], nh;
		bool seen = m->zone_row == IDMAP_NONE || m->zone_row == z;

		report_buf_init(&m->poly[z]);
		/* another zone on a zone's page: only when it is in view */
		for (i = 0; i < m->zcount[z] && !seen; i++)
			seen = pts[start + i].x >= 0 && pts[start + i].x <= m->pr.w &&
			       pts[start + i].y >= 0 && pts[start + i].y <= m->pr.h;
		if (!seen)
			continue;
		nh = m->zcount[z] >= 3 ? hull(pts + start, m->zcount[z], h) : 0;
		if (nh < 3) {
			double x = px(&m->pr, zn->lon), y = py(&m->pr, zn->lat);

			h[0] = (struct pt){x - 14, y - 14};
			h[1] = (struct pt){x + 14, y - 14};
			h[2] = (struct pt){x + 14, y + 14};
			h[3] = (struct pt){x - 14, y + 14};
			nh = 4;
		}
		for (i = 0; i < nh; i++)
			report_buf_printf(&m->poly[z], "%s%.1f,%.1f", i ? " " : "", h[i].x, h[i].y);
		if (m->poly[z].failed)
			goto out;
	}
	rc = 0;
out:
	free(at);
	free(pts);
	free(h);
	return rc;
}

static const char *const zone_fill[] = {"#dbe7f3", "#e6efd9", "#f3e6d4",
                                        "#e9def0", "#d8ecec", "#f1dede"};

/* The zones' regions, filled, each with its name and linked to its page. */
static void
draw_zones(struct map *m)
{
	const struct snapshot *s = m->c->s;
	bool links = m->c->in->plan_id != 0 && m->zone_row == IDMAP_NONE;
	struct report_buf b;
	size_t z;

	report_buf_init(&b);
	fputs("<g class=\"zones\">", m->out);
	for (z = 0; z < s->n_zones; z++) {
		if (m->poly[z].len == 0)
			continue;
		if (links) {
			fputs("<a href=\"", m->out);
			report_put_href(m->c, m->out, "report?plan=%" PRId64 "&zone=%" PRId64,
			                m->c->in->plan_id, s->zones[z].id);
			fputs("\">", m->out);
		}
		fprintf(m->out, "<polygon class=\"zone%s\" fill=\"%s\" points=\"%s\"><title>",
		        m->zone_row == IDMAP_NONE || m->zone_row == z ? "" : " other",
		        zone_fill[z % (sizeof(zone_fill) / sizeof(zone_fill[0]))],
		        report_buf_text(&m->poly[z]));
		report_buf_reset(&b);
		report_zone_label(m->c, s->zones[z].id, &b);
		report_put_html(m->out, report_buf_text(&b));
		fprintf(m->out, "：企业 %zu 家</title></polygon>%s", m->zcount[z],
		        links ? "</a>" : "");
	}
	fputs("</g>\n", m->out);
	report_buf_free(&b);
}

/* Over the grid cells, which hide the regions: their outlines. */
static void
draw_zone_edges(struct map *m)
{
	size_t z;

	fputs("<g class=\"zedge\">", m->out);
	for (z = 0; z < m->c->s->n_zones; z++)
		if (m->poly[z].len > 0)
			fprintf(m->out, "<polygon points=\"%s\"/>", report_buf_text(&m->poly[z]));
	fputs("</g>\n", m->out);
}

static bool
zone_in_view(const struct map *m, const struct zone *zn)
{
	double x = px(&m->pr, zn->lon), y = py(&m->pr, zn->lat);

	return x >= 0 && x <= m->pr.w && y >= 0 && y <= m->pr.h;
}

/* Whether the zones' full labels, centred on their centroids, would overlap. */
static bool
labels_overlap(const struct map *m)
{
	const struct snapshot *s = m->c->s;
	struct report_buf b;
	size_t i, j;
	bool overlap = false;

	report_buf_init(&b);
	for (i = 0; i < s->n_zones && !overlap; i++) {
		double xi = px(&m->pr, s->zones[i].lon), yi = py(&m->pr, s->zones[i].lat), wi;

		report_buf_reset(&b);
		report_zone_label(m->c, s->zones[i].id, &b);
		wi = (double)report_text_width(report_buf_text(&b)) * LABEL_PX_PER_COLUMN;
		if (xi - wi / 2 < 0 || xi + wi / 2 > m->pr.w)
			overlap = true;
		for (j = 0; j < i && !overlap; j++) {
			double xj = px(&m->pr, s->zones[j].lon), yj = py(&m->pr, s->zones[j].lat),
			       wj;

			report_buf_reset(&b);
			report_zone_label(m->c, s->zones[j].id, &b);
			wj = (double)report_text_width(report_buf_text(&b)) * LABEL_PX_PER_COLUMN;
			overlap = fabs(xi - xj) < (wi + wj) / 2 + 4 && fabs(yi - yj) < 22;
		}
	}
	report_buf_free(&b);
	return overlap;
}

/*
 * A label per zone at its centroid: the full label when they fit, else the
 * code (the codes' key follows the map, key_after); on a zone's page the
 * zone's full label and the others' codes.
 */
static void
draw_zone_labels(struct map *m)
{
	const struct snapshot *s = m->c->s;
	struct report_buf b;
	size_t z;
	int pass;

	report_buf_init(&b);
	for (pass = 0; pass < 2; pass++) {
		bool full = pass == 0 ? !m->label_codes : false;

		fprintf(m->out, "<g class=\"zlabel%s\">",
		        full || (m->zone_row == IDMAP_NONE && s->n_zones <= ZONE_NAMES_MAX)
		            ? ""
		            : " small");
		for (z = 0; z < s->n_zones; z++) {
			const struct zone *zn = &s->zones[z];
			bool zone_full =
			    m->zone_row != IDMAP_NONE ? z == m->zone_row : !m->label_codes;

			if (!zone_in_view(m, zn) || zone_full != full)
				continue;
			report_buf_reset(&b);
			if (full || zn->code[0] == '\0')
				report_zone_label(m->c, zn->id, &b);
			else
				report_buf_puts(&b, zn->code);
			fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">", px(&m->pr, zn->lon),
			        py(&m->pr, zn->lat));
			report_put_html(m->out, report_buf_text(&b));
			fputs("</text>", m->out);
		}
		fputs("</g>\n", m->out);
	}
	report_buf_free(&b);
}

/* The key to the codes on the map, when there are few enough zones to list. */
static void
key_after(struct map *m)
{
	const struct snapshot *s = m->c->s;
	struct report_buf b;
	size_t z, n = 0;

	if (!m->label_codes || m->zone_row != IDMAP_NONE || s->n_zones > ZONE_NAMES_MAX)
		return;
	report_buf_init(&b);
	fputs("<p class=\"note\">片区代码：", m->out);
	for (z = 0; z < s->n_zones; z++) {
		if (s->zones[z].code[0] == '\0')
			continue;
		report_buf_reset(&b);
		report_zone_label(m->c, s->zones[z].id, &b);
		fputs(n++ > 0 ? "；" : "", m->out);
		report_put_html(m->out, report_buf_text(&b));
	}
	fputs("</p>\n", m->out);
	report_buf_free(&b);
}

/* --- enterprises ----------------------------------------------------------- */

/* Drawn least important first, so that committees stay on top. */
static const enum party_org draw_order[] = {ORG_NONE, ORG_JOINT_BRANCH, ORG_BRANCH,
                                            ORG_GENERAL_BRANCH, ORG_COMMITTEE};
static const char *const org_id[] = {
    [ORG_COMMITTEE] = "m1",    [ORG_GENERAL_BRANCH] = "m2", [ORG_BRANCH] = "m3",
    [ORG_JOINT_BRANCH] = "m4", [ORG_NONE] = "m5",           [ORG_INVALID] = "m5"};

static void
draw_marks(struct map *m)
{
	const struct snapshot *s = m->c->s;
	size_t k, i;

	fputs("<g class=\"ent\">", m->out);
	for (k = 0; k < sizeof(draw_order) / sizeof(draw_order[0]); k++)
		for (i = 0; i < s->n_enterprises; i++) {
			const struct enterprise *e = &s->enterprises[i];

			if (!m->ent_in[i] || org_index(e->party_org) != (size_t)draw_order[k])
				continue;
			fprintf(m->out, "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"><title>",
			        org_id[draw_order[k]], px(&m->pr, e->lon), py(&m->pr, e->lat));
			report_put_html(m->out, e->name);
			fprintf(m->out, "（%s）</title></use>", report_org_words(e->party_org));
		}
	fputs("</g>\n", m->out);
}

static const char *const grid_fill[LEVELS] = {"#dfe6f0", "#b9c9de", "#8ea8c9", "#5f82b0",
                                              "#2f558f"};

static int
level_of(const struct map *m, int64_t n)
{
	int l;

	for (l = 0; l < LEVELS - 1; l++)
		if (n <= m->grid_levels[l + 1])
			return l;
	return LEVELS - 1;
}

/* Enterprises counted per cell and type; a cell shaded by its count. */
static int
draw_grid(struct map *m)
{
	const struct snapshot *s = m->c->s;
	size_t ncell = (size_t)m->gw * (size_t)m->gh, i, t;
	int64_t *cnt = calloc(ncell * (ORG_INVALID + 1) + 1, sizeof(*cnt));
	int64_t *tot = calloc(ncell + 1, sizeof(*tot)), max = 0;
	bool first;
	int l;

	if (cnt == NULL || tot == NULL) {
		free(cnt);
		free(tot);
		return -1;
	}
	for (i = 0; i < s->n_enterprises; i++) {
		const struct enterprise *e = &s->enterprises[i];
		int gx, gy;
		size_t cell;

		if (!m->ent_in[i])
			continue;
		gx = (int)(px(&m->pr, e->lon) / CELL_PX);
		gy = (int)(py(&m->pr, e->lat) / CELL_PX);
		if (gx < 0 || gy < 0 || gx >= m->gw || gy >= m->gh)
			continue;
		cell = (size_t)gy * (size_t)m->gw + (size_t)gx;
		cnt[cell * (ORG_INVALID + 1) + org_index(e->party_org)]++;
		if (++tot[cell] > max)
			max = tot[cell];
	}
	/* levels on a logarithmic scale up to the fullest cell */
	m->grid_levels[0] = 0;
	for (l = 1; l <= LEVELS; l++)
		m->grid_levels[l] = (int64_t)ceil(pow((double)max, (double)l / LEVELS));
	fputs("<g class=\"grid\">", m->out);
	for (i = 0; i < ncell; i++) {
		if (tot[i] == 0)
			continue;
		fprintf(m->out,
		        "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\">"
		        "<title>企业 %" PRId64 " 家",
		        (double)(i % (size_t)m->gw) * CELL_PX,
		        (double)(i / (size_t)m->gw) * CELL_PX, CELL_PX, CELL_PX,
		        grid_fill[level_of(m, tot[i])], tot[i]);
		for (t = 0, first = true; t < ORG_INVALID; t++) {
			int64_t n = cnt[i * (ORG_INVALID + 1) + t] +
			            (t == ORG_NONE ? cnt[i * (ORG_INVALID + 1) + ORG_INVALID] : 0);

			if (n == 0)
				continue;
			fprintf(m->out, "%s%s %" PRId64, first ? "：" : "，",
			        report_org_words((enum party_org)t), n);
			first = false;
		}
		fputs("</title></rect>", m->out);
	}
	fputs("</g>\n", m->out);
	free(cnt);
	free(tot);
	return 0;
}

/* --- pairs and communities -------------------------------------------------- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static bool
pair_drawn(const struct map *m, const struct plan_pair *pp, const struct enterprise **e,
           const struct community **cm)
{
	*e = report_enterprise(m->c, pp->enterprise_id);
	*cm = report_community(m->c, pp->community_id);
	return *e != NULL && *cm != NULL && in_zone(m, *e) && isfinite((*e)->lat) &&
	       isfinite((*cm)->lat);
}

/*
 * The pairing lines as one path: each pair when they are few enough to
 * read, else one line from each grid cell to each community it pairs with.
 */
static int
draw_lines(struct map *m)
{
	const struct plan *p = m->c->p;
	size_t i, n = 0;
	uint64_t *keys = NULL;
	int col = 0;

	for (i = 0; i < p->n_pairs; i++) {
		const struct enterprise *e;
		const struct community *cm;

		n += pair_drawn(m, &p->pairs[i], &e, &cm);
	}
	m->n_lines = n;
	if (n == 0)
		return 0;
	m->lines_aggregated = n > LINES_MAX;
	fputs("<path class=\"pair\" d=\"", m->out);
	if (!m->lines_aggregated) {
		for (i = 0; i < p->n_pairs; i++) {
			const struct enterprise *e;
			const struct community *cm;

			if (!pair_drawn(m, &p->pairs[i], &e, &cm))
				continue;
			fprintf(m->out, "M%.1f %.1fL%.1f %.1f%s", px(&m->pr, e->lon),
			        py(&m->pr, e->lat), px(&m->pr, cm->lon), py(&m->pr, cm->lat),
			        ++col % 8 == 0 ? "\n" : "");
		}
	} else {
		size_t nk = 0, ncell = (size_t)m->gw * (size_t)m->gh;

		keys = malloc(n * sizeof(*keys));
		if (keys == NULL)
			return -1;
		for (i = 0; i < p->n_pairs; i++) {
			const struct enterprise *e;
			const struct community *cm;
			int gx, gy;

			if (!pair_drawn(m, &p->pairs[i], &e, &cm))
				continue;
			gx = (int)(px(&m->pr, e->lon) / CELL_PX);
			gy = (int)(py(&m->pr, e->lat) / CELL_PX);
			if (gx < 0 || gy < 0 || gx >= m->gw || gy >= m->gh)
				continue;
			keys[nk++] = (uint64_t)idmap_get(&m->c->ix.community, cm->id) * ncell +
			             (uint64_t)gy * (uint64_t)m->gw + (uint64_t)gx;
		}
		qsort(keys, nk, sizeof(*keys), cmp_u64);
		for (i = 0; i < nk; i++) {
			const struct community *cm;
			size_t cell;

			if (i > 0 && keys[i] == keys[i - 1])
				continue;
			cm = &m->c->s->communities[keys[i] / ncell];
			cell = (size_t)(keys[i] % ncell);
			fprintf(m->out, "M%.0f %.0fL%.1f %.1f%s",
			        ((double)(cell % (size_t)m->gw) + 0.5) * CELL_PX,
			        ((double)(cell / (size_t)m->gw) + 0.5) * CELL_PX,
			        px(&m->pr, cm->lon), py(&m->pr, cm->lat),
			        ++col % 8 == 0 ? "\n" : "");
		}
	}
	fputs("\"/>\n", m->out);
	free(keys);
	return 0;
}

static bool
community_shown(const struct map *m, const struct community *cm)
{
	return isfinite(cm->lat) && isfinite(cm->lon) && bbox_has(&m->view, cm->lat, cm->lon);
}

static void
draw_communities(struct map *m)
{
	const struct snapshot *s = m->c->s;
	size_t i, shown = 0;
	bool titles;

	for (i = 0; i < s->n_communities; i++)
		shown += community_shown(m, &s->communities[i]);
	/* a tooltip each, unless they are so many that only those short of partners get one */
	titles = shown <= COMMUNITY_TITLES_MAX;
	m->com_mark = shown > COMMUNITY_MARKS_SMALL ? "c1" : "c0";
	fputs("<g class=\"com\">", m->out);
	for (i = 0; i < s->n_communities; i++) {
		const struct community *cm = &s->communities[i];

		if (!community_shown(m, cm))
			continue;
		m->n_com++;
		fprintf(m->out, "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"", m->com_mark,
		        px(&m->pr, cm->lon), py(&m->pr, cm->lat));
		if (!titles && m->shortfall[i] <= 0) {
			fputs("/>", m->out);
			continue;
		}
		fputs("><title>", m->out);
		report_put_html(m->out, cm->name);
		fprintf(m->out, "：结对 %" PRId64 " 家（至少 %" PRId64 "）", m->partners[i],
		        cm->min_partners);
		if (m->shortfall[i] > 0)
			fprintf(m->out, "，缺少 %" PRId64, m->shortfall[i]);
		fputs("</title></use>", m->out);
	}
	fputs("</g>\n<g class=\"short\">", m->out);
	for (i = 0; i < s->n_communities; i++) {
		const struct community *cm = &s->communities[i];

		if (m->shortfall[i] <= 0 || !community_shown(m, cm))
			continue;
		m->n_short++;
		fprintf(m->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"/>", px(&m->pr, cm->lon),
		        py(&m->pr, cm->lat), m->com_mark[1] == '1' ? "4.5" : "8");
	}
	fputs("</g>\n", m->out);
}

/* --- scale, north, legend --------------------------------------------------- */

static void
draw_scale(struct map *m)
{
	double mpp = M_PI / 180.0 * EARTH_RADIUS_M / m->pr.k; /* metres per px */
	double want = 140.0 * mpp, step = pow(10.0, floor(log10(want))), len;
	double x = PAD, y = m->pr.h - 14.0;

	if (want >= 5 * step)
		step *= 5;
	else if (want >= 2 * step)
		step *= 2;
	len = step / mpp;
	fprintf(m->out,
	        "<g class=\"scale\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"5\"/>"
	        "<rect class=\"half\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"5\"/>"
	        "<text x=\"%.1f\" y=\"%.1f\">0</text>",
	        x, y, len, x + len / 2, y, len / 2, x, y - 4);
	if (step >= 1000)
		fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">%g 公里</text></g>\n", x + len, y - 4,
		        step / 1000);
	else
		fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">%g 米</text></g>\n", x + len, y - 4,
		        step);
	fprintf(m->out,
	        "<g class=\"north\" transform=\"translate(%.1f %.1f)\">"
	        "<path d=\"M0 -16L7 6L0 1L-7 6Z\"/><text y=\"20\">北</text></g>\n",
	        m->pr.w - PAD - 6, PAD + 20);
}

static void
legend_item(struct map *m, double *x, double y, const char *mark, const char *text, size_t n,
            bool count)
{
	fprintf(m->out, "%s<text x=\"%.1f\" y=\"%.1f\">%s", mark, *x + 14, y + 4, text);
	if (count)
		fprintf(m->out, " %zu", n);
	fputs("</text>", m->out);
	*x += 14 + (double)report_text_width(text) * 6.5 + 18;
	for (; count; n /= 10) {
		*x += 7;
		if (n < 10)
			break;
	}
}

static void
draw_legend(struct map *m)
{
	double y = m->pr.h + 22, x = PAD;
	char mark[160], text[160];
	size_t k;
	int l;

	fprintf(m->out,
	        "<g class=\"legend\"><rect class=\"band\" x=\"0\" y=\"%.1f\" width=\"%.0f\" "
	        "height=\"%.0f\"/>",
	        m->pr.h, m->pr.w, LEGEND_H);
	for (k = 0; k < ORG_INVALID; k++) {
		snprintf(mark, sizeof(mark), "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"/>", org_id[k],
		         x + 4, y);
		legend_item(m, &x, y, mark, report_org_words((enum party_org)k),
		            m->by_org[k] + (k == ORG_NONE ? m->by_org[ORG_INVALID] : 0), true);
	}
	if (m->grid) {
		snprintf(text, sizeof(text), "企业按网格汇总（每格约 %.0f 米，悬停看分类）",
		         CELL_PX * M_PI / 180.0 * EARTH_RADIUS_M / m->pr.k);
		fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x, y + 4, text);
	}
	y += 30;
	x = PAD;
	snprintf(mark, sizeof(mark), "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"/>", m->com_mark,
	         x + 4, y);
	legend_item(m, &x, y, mark, "居民区", m->n_com, true);
	snprintf(mark, sizeof(mark),
	         "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"/><circle class=\"ring\" cx=\"%.1f\" "
	         "cy=\"%.1f\" r=\"6.5\"/>",
	         m->com_mark, x + 4, y, x + 4, y);
	legend_item(m, &x, y, mark, "缺少结对伙伴", m->n_short, true);
	snprintf(mark, sizeof(mark), "<path class=\"pair\" d=\"M%.1f %.1fL%.1f %.1f\"/>", x - 6,
	         y + 4, x + 12, y - 4);
	legend_item(m, &x, y, mark, m->lines_aggregated ? "结对关系（网格汇总）" : "结对关系",
	            m->n_lines, true);
	if (m->grid) {
		for (l = 0; l < LEVELS; l++) {
			if (m->grid_levels[l + 1] <= m->grid_levels[l])
				continue;
			fprintf(
			    m->out,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"%s\"/>"
			    "<text x=\"%.1f\" y=\"%.1f\">%" PRId64 "–%" PRId64 "</text>",
			    x, y - 6, grid_fill[l], x + 18, y + 4, m->grid_levels[l] + 1,
			    m->grid_levels[l + 1]);
			x += 80;
		}
		fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">家/格</text>", x, y + 4);
	}
	fputs("</g>\n", m->out);
}

static void
defs(FILE *out)
{
	fputs("<defs>"
	      "<g id=\"m1\"><rect x=\"-3.5\" y=\"-3.5\" width=\"7\" height=\"7\"/></g>"
	      "<g id=\"m2\"><path d=\"M0 -4.5L4.5 0L0 4.5L-4.5 0Z\"/></g>"
	      "<g id=\"m3\"><circle r=\"3.2\"/></g>"
	      "<g id=\"m4\"><path d=\"M0 -4L3.8 3L-3.8 3Z\"/></g>"
	      "<g id=\"m5\"><circle r=\"1.9\"/></g>"
	      "<g id=\"c0\"><path d=\"M0 -5.5L5 -1.5L5 4.5L-5 4.5L-5 -1.5Z\"/></g>"
	      "<g id=\"c1\"><circle r=\"2.4\"/></g>"
	      "</defs>\n",
	      out);
}

int
report_map(const struct report_ctx *c, FILE *out)
{
	struct map m;
	size_t z;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.out = out;
	m.zone_row = c->in->zone_id != 0 ? idmap_get(&c->ix.zone, c->in->zone_id) : IDMAP_NONE;
	if (map_prepare(&m) != 0)
		goto out;
	fprintf(out,
	        "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" "
	        "role=\"img\" aria-label=\"%s\">\n",
	        m.pr.w, m.pr.h + LEGEND_H, m.zone_row == IDMAP_NONE ? "园区地图" : "片区地图");
	defs(out);
	fprintf(out, "<rect class=\"sea\" width=\"%.0f\" height=\"%.0f\"/>\n", m.pr.w, m.pr.h);
	if (zones_compute(&m) != 0)
		goto out;
	draw_zones(&m);
	if (m.grid) {
		if (draw_grid(&m) != 0)
			goto out;
		draw_zone_edges(&m);
	} else {
		draw_marks(&m);
	}
	if (draw_lines(&m) != 0)
		goto out;
	draw_communities(&m);
	draw_zone_labels(&m);
	draw_scale(&m);
	draw_legend(&m);
	fputs("</svg>\n", out);
	key_after(&m);
	rc = 0;
out:
	free(m.ent_in);
	free(m.partners);
	free(m.shortfall);
	free(m.zcount);
	if (m.poly != NULL)
		for (z = 0; z < c->s->n_zones; z++)
			report_buf_free(&m.poly[z]);
	free(m.poly);
	return rc;
}
