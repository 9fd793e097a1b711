/*
 * map_zones.c - the zones on the map: each zone's region as the convex
 * hull of its enterprises (Andrew's monotone chain), filled, named and
 * linked to the zone's page, or as outlines over grid cells; the labels at
 * the centroids (names when they fit, else codes with a key after the map).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map_parts.h"

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
int
report_map_zones(struct map *m)
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
void
report_map_draw_zones(struct map *m)
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
void
report_map_zone_edges(struct map *m)
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
bool
report_map_labels_overlap(const struct map *m)
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
void
report_map_zone_labels(struct map *m)
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
void
report_map_zone_key(struct map *m)
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
