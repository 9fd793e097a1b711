/*
 * map_parts.h - what the parts of the map share, private to report/map*.c: its
 * sizes and limits, the projection, and one map being drawn (map.c draws
 * the enterprises, the pairs and the communities, map_zones.c the zones and
 * their labels, map_legend.c the symbols, the scale bar and the legend).
 */
#ifndef PARKPLAN_REPORT_MAP_PARTS_H
#define PARKPLAN_REPORT_MAP_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

static inline double
px(const struct proj *pr, double lon)
{
	return pr->x0 + (lon - pr->lon0) * pr->coslat * pr->k;
}

static inline double
py(const struct proj *pr, double lat)
{
	return PAD + (pr->lat1 - lat) * pr->k;
}

struct bbox {
	double lat0, lat1, lon0, lon1;
	bool any;
};

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

static inline size_t
org_index(enum party_org o)
{
	return o <= ORG_INVALID ? (size_t)o : ORG_NONE;
}

static inline bool
in_zone(const struct map *m, const struct enterprise *e)
{
	return m->zone_row == IDMAP_NONE || e->zone_id == m->c->s->zones[m->zone_row].id;
}

/* map_zones.c */
int report_map_zones(struct map *m); /* each zone's region, into m->poly */
bool report_map_labels_overlap(const struct map *m);
void report_map_draw_zones(struct map *m);
void report_map_zone_edges(struct map *m);
void report_map_zone_labels(struct map *m);
void report_map_zone_key(struct map *m);

/* map_legend.c */
const char *report_map_org_mark(enum party_org o); /* the id of its symbol: "m1", ... */
const char *report_map_grid_fill(int level);
void report_map_defs(FILE *out);
void report_map_scale(struct map *m);
void report_map_legend(struct map *m);

#endif
