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
 *
 * Here: what the map shows and its projection, the enterprises (marks or
 * grid cells), the pairing lines and the communities; the zones are
 * map_zones.c's, the symbols, scale bar and legend map_legend.c's.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map_parts.h"

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
	m->label_codes = s->n_zones > ZONE_NAMES_MAX ||
	                 (m->zone_row == IDMAP_NONE && report_map_labels_overlap(m));
	m->gw = (int)ceil(m->pr.w / CELL_PX);
	m->gh = (int)ceil(m->pr.h / CELL_PX);
	return 0;
}

/* --- enterprises ----------------------------------------------------------- */

/* Drawn least important first, so that committees stay on top. */
static const enum party_org draw_order[] = {ORG_NONE, ORG_JOINT_BRANCH, ORG_BRANCH,
                                            ORG_GENERAL_BRANCH, ORG_COMMITTEE};

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
			        report_map_org_mark(draw_order[k]), px(&m->pr, e->lon),
			        py(&m->pr, e->lat));
			report_put_html(m->out, e->name);
			fprintf(m->out, "（%s）</title></use>", report_org_words(e->party_org));
		}
	fputs("</g>\n", m->out);
}

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
		        report_map_grid_fill(level_of(m, tot[i])), tot[i]);
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
	report_map_defs(out);
	fprintf(out, "<rect class=\"sea\" width=\"%.0f\" height=\"%.0f\"/>\n", m.pr.w, m.pr.h);
	if (report_map_zones(&m) != 0)
		goto out;
	report_map_draw_zones(&m);
	if (m.grid) {
		if (draw_grid(&m) != 0)
			goto out;
		report_map_zone_edges(&m);
	} else {
		draw_marks(&m);
	}
	if (draw_lines(&m) != 0)
		goto out;
	draw_communities(&m);
	report_map_zone_labels(&m);
	report_map_scale(&m);
	report_map_legend(&m);
	fputs("</svg>\n", out);
	report_map_zone_key(&m);
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
