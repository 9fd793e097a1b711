/*
 * map_legend.c - the map's furniture: the symbols of the enterprises by
 * party organisation and of the communities, the shades of the grid
 * cells, the scale bar in metres and the north arrow, and the legend with
 * the counts of what the map shows.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "geo.h"
#include "map_parts.h"

static const char *const org_id[] = {
    [ORG_COMMITTEE] = "m1",    [ORG_GENERAL_BRANCH] = "m2", [ORG_BRANCH] = "m3",
    [ORG_JOINT_BRANCH] = "m4", [ORG_NONE] = "m5",           [ORG_INVALID] = "m5"};

const char *
report_map_org_mark(enum party_org o)
{
	return org_id[org_index(o)];
}

static const char *const grid_fill[LEVELS] = {"#dfe6f0", "#b9c9de", "#8ea8c9", "#5f82b0",
                                              "#2f558f"};

const char *
report_map_grid_fill(int level)
{
	return grid_fill[level < 0 ? 0 : level >= LEVELS ? LEVELS - 1 : level];
}

void
report_map_scale(struct map *m)
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

void
report_map_legend(struct map *m)
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
		snprintf(mark, sizeof(mark), "<use href=\"#%s\" x=\"%.1f\" y=\"%.1f\"/>",
		         report_map_org_mark((enum party_org)k), x + 4, y);
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
			    x, y - 6, report_map_grid_fill(l), x + 18, y + 4, m->grid_levels[l] + 1,
			    m->grid_levels[l + 1]);
			x += 80;
		}
		fprintf(m->out, "<text x=\"%.1f\" y=\"%.1f\">家/格</text>", x, y + 4);
	}
	fputs("</g>\n", m->out);
}

void
report_map_defs(FILE *out)
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
