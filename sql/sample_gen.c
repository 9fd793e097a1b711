/*
 * sample_gen.c - the sample park, generated: zones, enterprises and their
 * party organisations, communities and instructors, from one seed.
 *
 * The park scale follows the seed article on the Caohejing park: 5 000
 * enterprises in four zones (片区), 315 party organisations (6 党委,
 * 15 党总支, 192 独立党支部, 102 联合党支部), the five industry clusters
 * plus the park's electronics and IT base, the residential communities
 * (居民区) around the park with the needs the article lists, and the
 * party-building instructors (党建指导员) over four quarters of 2027.  The
 * district and city scales keep the same proportions over a larger area
 * around the park, cut into a grid of zones.
 *
 * Everything is drawn from one seed with xoshiro256** (seeded by
 * splitmix64), one stream per table, and only integer arithmetic:
 * coordinates are micro-degrees, so the same seed gives the same rows on
 * every machine.
 *
 * Pure: the park comes back as rows (sample.h); sample_copy.c writes them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credit_code.h"
#include "sample.h"

/* --- the words and weights of the park ---------------------------------- */
static const unsigned industry_weight[IND_COUNT] = {30, 18, 16, 12, 9, 15};

/* The word after the brand in an enterprise's name, by industry. */
static const char *const industry_words[IND_COUNT][8] = {
    {"电子", "信息", "软件", "通信", "网络", "数据", "计算机", "光电"},
    {"微电子", "半导体", "集成电路", "芯片", "电子材料", "晶圆", "芯片设计", "微系统"},
    {"生物医药", "生物", "医疗器械", "医药", "基因", "健康", "生命科学", "诊断"},
    {"数字", "虚拟现实", "互动娱乐", "数字孪生", "智能", "视觉", "元宇宙", "数字科技"},
    {"新能源", "环保", "能源", "低碳", "储能", "节能", "环境", "氢能"},
    {"咨询", "检测", "设计", "文化传媒", "供应链", "知识产权", "工程", "会展"},
};

/* What enterprises of each industry tend to offer. */
static const unsigned offer_weight[IND_COUNT][SRV_COUNT] = {
    /* 助餐 托育 通勤 学习 文体 养老 法律 医疗 */
    {10, 4, 10, 24, 16, 4, 6, 4},  /* 电子信息 */
    {10, 4, 12, 24, 14, 4, 6, 4},  /* 集成电路 */
    {6, 6, 6, 10, 8, 16, 4, 30},   /* 生命健康 */
    {6, 6, 4, 24, 26, 4, 4, 2},    /* 元宇宙 */
    {8, 4, 14, 16, 16, 8, 4, 4},   /* 绿色低碳 */
    {12, 10, 6, 14, 10, 8, 26, 4}, /* 复合产业 */
};

/* What communities need: old estates (新村) and newer ones differ. */
static const unsigned need_weight_old[SRV_COUNT] = {22, 6, 6, 10, 12, 24, 9, 14};
static const unsigned need_weight_new[SRV_COUNT] = {12, 22, 12, 14, 16, 8, 9, 8};

static const char *const brand_syllables[] = {
    "澜", "峰", "华", "芯", "汇", "睿", "科", "创", "联", "智", "微", "捷", "鼎", "恒",
    "瑞", "泰", "博", "达", "信", "宏", "晶", "源", "海", "天", "星", "云", "景", "盛",
    "新", "诚", "卓", "嘉", "启", "明", "光", "远", "航", "腾", "越", "朗", "逸", "昊",
    "弘", "铭", "致", "衡", "润", "磐", "曜", "珑", "迈", "凯", "奥", "赛", "锐", "菁",
    "禾", "澄", "翊", "思", "展", "耀", "臻", "聚", "融", "拓", "晟", "麒", "骏", "旭",
    "昕", "钧", "沛", "纳", "仁", "东", "方", "德", "和", "安", "康", "元", "金", "宇",
    "蓝", "青", "浦", "江", "兆", "易", "普", "乐", "优", "英", "唯", "维", "尚", "同",
};

/* Places in and around Xuhui, for community names. */
static const char *const places[] = {
    "田林",   "虹梅", "漕河泾", "康健", "长桥",   "华泾", "凌云", "枫林", "龙华", "斜土",
    "徐家汇", "天平", "古美",   "梅陇", "漕宝",   "钦州", "桂林", "宜山", "蒲汇", "东安",
    "罗秀",   "华东", "景谷",   "万体", "龙吴",   "上中", "南丹", "零陵", "吴中", "凯旋",
    "航华",   "平阳", "莲花",   "春申", "银都",   "罗阳", "百色", "华富", "龙山", "高安",
    "永嘉",   "建国", "肇嘉浜", "日晖", "小闸镇", "宛平", "喜泰", "长华", "盛华", "双峰",
    "梅村",   "沪闵", "兴国",   "虹漕", "番禺",   "乐山", "中山", "天钥", "龙漕", "三江",
};

static const char *const streets[] = {
    "漕河泾街道", "虹梅路街道", "田林街道", "康健新村街道", "凌云路街道", "长桥街道",
    "华泾镇",     "枫林路街道", "龙华街道", "徐家汇街道",   "斜土路街道", "湖南路街道",
    "天平路街道", "古美路街道", "梅陇镇",   "新泾镇",
};

static const char *const estate_suffixes[] = {
    "苑", "花苑", "新苑", "家园", "公寓", "小区", "新村", "园", "坊", "名邸", "雅苑", "花园",
};

static const char *const estate_syllables[] = {
    "华", "景", "锦", "翠", "绿", "金", "馨", "丽", "福", "瑞", "康", "乐", "嘉", "和", "怡",
    "悦", "欣", "庭", "兰", "桂", "春", "秀", "明", "安", "宁", "盛", "泰", "祥", "阳", "晖",
};

static const char *const directions[] = {"东", "西", "南", "北", "中"};

/* The hundred most common surnames carry most of the weight. */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤",
};

static const char *const given_chars[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "文", "辉", "建", "玲",
    "婷", "红", "海", "燕", "俊", "峰", "琳", "晨", "雪", "鹏", "宇", "欣", "浩", "颖",
    "佳", "晓", "志", "慧", "丹", "蕾", "斌", "亮", "立", "晶", "凯", "莉", "萍", "晖",
    "卫", "东", "宏", "思", "雯", "倩", "睿", "嘉", "怡", "悦", "菲", "瑶", "彬", "骏",
};

static const char *const org_kind_suffix[] = {"党委", "党总支", "党支部"};

/* --- generation ---------------------------------------------------------- */

void
sample_park_free(struct sample_park *p)
{
	free(p->zones);
	free(p->orgs);
	free(p->enterprises);
	free(p->communities);
	free(p->instructors);
	free(p->site_lat);
	free(p->site_lon);
	arena_free(&p->strings);
}

static int64_t
clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Zones: a grid over the box, row 0 in the north, codes A, B, ... or A01. */
static int
gen_zones(struct sample_park *p, uint64_t seed)
{
	const struct scale_spec *s = p->spec;
	int64_t lat_min = s->center_lat - s->half_lat, lon_min = s->center_lon - s->half_lon;
	int64_t lat_span = 2 * s->half_lat, lon_span = 2 * s->half_lon;
	struct rng r;
	int row, col, k;
	char number[64], name[256];

	rng_init(&r, seed, STREAM_ZONE);
	p->n_zones = (int64_t)s->rows * s->cols;
	p->zones = calloc((size_t)p->n_zones, sizeof(*p->zones));
	if (p->zones == NULL)
		return -1;
	for (row = 0; row < s->rows; row++) {
		for (col = 0; col < s->cols; col++) {
			int64_t i = (int64_t)row * s->cols + col;
			struct gen_zone *z = &p->zones[i];

			if (p->n_zones <= 26)
				snprintf(z->code, sizeof(z->code), "%c", (char)('A' + i));
			else
				snprintf(z->code, sizeof(z->code), "%c%02d", (char)('A' + row),
				         col + 1);
			chinese_number(number, sizeof(number), (int)i + 1);
			snprintf(name, sizeof(name), "%s第%s片区", s->area, number);
			z->name = arena_strdup(&p->strings, name);
			if (z->name == NULL)
				return -1;
			z->lat_lo = lat_min + (int64_t)(s->rows - 1 - row) * lat_span / s->rows;
			z->lat_hi = lat_min + (int64_t)(s->rows - row) * lat_span / s->rows;
			z->lon_lo = lon_min + (int64_t)col * lon_span / s->cols;
			z->lon_hi = lon_min + (int64_t)(col + 1) * lon_span / s->cols;
			z->weight = (unsigned)rng_range(&r, 60, 140);
			/* each zone leans towards some industries */
			for (k = 0; k < IND_COUNT; k++)
				z->industry_weight[k] =
				    industry_weight[k] * (unsigned)rng_range(&r, 50, 150);
		}
	}
	return 0;
}

/* An enterprise's size: most are small, a few employ thousands. */
static int32_t
draw_employees(struct rng *r)
{
	/* about 50 on average: the article's 5 000 enterprises employ ~200 000 */
	static const unsigned weight[] = {4200, 4000, 1400, 350, 45, 5};
	static const int32_t lo[] = {1, 10, 50, 200, 1000, 3000};
	static const int32_t hi[] = {9, 49, 199, 999, 2999, 10000};
	size_t b = rng_weighted(r, weight, COUNT(weight));
	int32_t a = (int32_t)rng_range(r, lo[b], hi[b]);
	int32_t c = (int32_t)rng_range(r, lo[b], hi[b]);

	/* the smaller of two: sizes thin out towards the top of each band */
	return a < c ? a : c;
}

static int
make_enterprise_name(struct sample_park *p, struct name_set *names, struct rng *r,
                     struct gen_enterprise *e)
{
	char brand[64], short_name[128], name[256];
	const char *word, *suffix;
	int tries;

	for (tries = 0;; tries++) {
		const char *a = PICK(r, brand_syllables), *b;

		do
			b = PICK(r, brand_syllables);
		while (b == a);
		snprintf(brand, sizeof(brand), "%s%s", a, b);
		if (rng_chance(r, 80) || tries > 20) {
			const char *c = PICK(r, brand_syllables);

			strncat(brand, c, sizeof(brand) - strlen(brand) - 1);
		}
		word = industry_words[e->industry][rng_below(r, 8)];
		if (e->industry == IND_COMPOSITE) {
			static const char *const composite[] = {"有限公司", "服务有限公司",
			                                        "科技有限公司"};
			suffix = PICK(r, composite);
		} else if (e->employees >= 500 && rng_chance(r, 400)) {
			suffix = "股份有限公司";
		} else {
			static const char *const plain[] = {"科技有限公司", "科技有限公司",
			                                    "科技有限公司", "技术有限公司",
			                                    "有限公司"};
			suffix = PICK(r, plain);
		}
		snprintf(short_name, sizeof(short_name), "%s%s", brand, word);
		if (rng_chance(r, 80))
			snprintf(name, sizeof(name), "%s%s（上海）%s", brand, word,
			         strcmp(suffix, "股份有限公司") == 0 ? "股份有限公司" : "有限公司");
		else
			snprintf(name, sizeof(name), "上海%s%s", short_name, suffix);
		if (!name_set_has(names, name))
			break;
		if (tries > 1000)
			return -1;
	}
	e->name = arena_strdup(&p->strings, name);
	e->short_name = arena_strdup(&p->strings, short_name);
	if (e->name == NULL || e->short_name == NULL)
		return -1;
	name_set_add(names, e->name);
	return 0;
}

static int
cmp_sort_key_desc(const void *a, const void *b)
{
	const struct gen_enterprise *const *x = a, *const *y = b;

	if ((*x)->sort_key != (*y)->sort_key)
		return (*x)->sort_key > (*y)->sort_key ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

static unsigned
service_draw(struct rng *r, const unsigned *weight, int count)
{
	unsigned w[SRV_COUNT], set = 0;
	int i;

	memcpy(w, weight, sizeof(w));
	for (i = 0; i < count; i++) {
		size_t k = rng_weighted(r, w, SRV_COUNT);

		set |= 1u << k;
		w[k] = 0;
	}
	return set;
}

static int
gen_enterprises(struct sample_park *p, uint64_t seed)
{
	const struct scale_spec *s = p->spec;
	struct rng r;
	struct name_set names;
	unsigned *zone_weight;
	int64_t *zone_count, i, z;

	rng_init(&r, seed, STREAM_ENTERPRISE);
	p->n_enterprises = s->enterprises;
	p->enterprises = calloc((size_t)p->n_enterprises, sizeof(*p->enterprises));
	zone_weight = calloc((size_t)p->n_zones, sizeof(*zone_weight));
	zone_count = calloc((size_t)p->n_zones, sizeof(*zone_count));
	if (p->enterprises == NULL || zone_weight == NULL || zone_count == NULL ||
	    name_set_init(&names, (size_t)p->n_enterprises) < 0) {
		free(zone_weight);
		free(zone_count);
		return -1;
	}
	for (z = 0; z < p->n_zones; z++)
		zone_weight[z] = p->zones[z].weight;
	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];

		e->zone = (int32_t)rng_weighted(&r, zone_weight, (size_t)p->n_zones);
		zone_count[e->zone]++;
	}

	/* the buildings: about 25 enterprises share one */
	p->n_sites = 0;
	for (z = 0; z < p->n_zones; z++) {
		p->zones[z].first_site = p->n_sites;
		p->zones[z].sites = zone_count[z] / 25 > 6 ? zone_count[z] / 25 : 6;
		p->n_sites += p->zones[z].sites;
	}
	p->site_lat = calloc((size_t)p->n_sites, sizeof(*p->site_lat));
	p->site_lon = calloc((size_t)p->n_sites, sizeof(*p->site_lon));
	if (p->site_lat == NULL || p->site_lon == NULL)
		goto fail;
	for (z = 0; z < p->n_zones; z++) {
		const struct gen_zone *zn = &p->zones[z];
		int64_t inset_lat = (zn->lat_hi - zn->lat_lo) / 30;
		int64_t inset_lon = (zn->lon_hi - zn->lon_lo) / 30;

		for (i = zn->first_site; i < zn->first_site + zn->sites; i++) {
			p->site_lat[i] =
			    rng_range(&r, zn->lat_lo + inset_lat, zn->lat_hi - inset_lat);
			p->site_lon[i] =
			    rng_range(&r, zn->lon_lo + inset_lon, zn->lon_hi - inset_lon);
		}
	}

	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];
		const struct gen_zone *zn = &p->zones[e->zone];

		e->industry = (uint8_t)rng_weighted(&r, zn->industry_weight, IND_COUNT);
		e->employees = draw_employees(&r);
		e->site = (int32_t)(zn->first_site + rng_range(&r, 0, zn->sites - 1));
		/* about 90 m around the building, inside the zone */
		e->lat = clamp64(p->site_lat[e->site] + rng_bell(&r, 400), zn->lat_lo + 1,
		                 zn->lat_hi - 1);
		e->lon = clamp64(p->site_lon[e->site] + rng_bell(&r, 470), zn->lon_lo + 1,
		                 zn->lon_hi - 1);
		e->kind = KIND_NONE;
		if (make_enterprise_name(p, &names, &r, e) < 0)
			goto fail;
	}
	free(zone_weight);
	free(zone_count);
	name_set_free(&names);
	return 0;
fail:
	free(zone_weight);
	free(zone_count);
	name_set_free(&names);
	return -1;
}

static int
add_organisation(struct sample_park *p, struct name_set *names, const char *base,
                 const char *fallback, const char *suffix, enum org_kind kind)
{
	char name[512];
	struct gen_organisation *o = &p->orgs[p->n_orgs];

	snprintf(name, sizeof(name), "%s%s", base, suffix);
	if (name_set_has(names, name) && fallback != NULL)
		snprintf(name, sizeof(name), "%s%s", fallback, suffix);
	o->name = arena_strdup(&p->strings, name);
	if (o->name == NULL)
		return -1;
	if (!name_set_has(names, o->name))
		name_set_add(names, o->name);
	o->kind = kind;
	p->n_orgs++;
	return 0;
}

/*
 * Committees, general branches and branches go to the larger enterprises
 * (a ranking by size with some noise); each joint branch gathers 3-8 small
 * enterprises of one zone, mostly neighbours in the same buildings.
 */
static int
gen_organisations(struct sample_park *p, uint64_t seed)
{
	const struct scale_spec *s = p->spec;
	int64_t total = s->org_count[0] + s->org_count[1] + s->org_count[2] + s->org_count[3];
	struct gen_enterprise **rank = NULL, **free_list = NULL;
	int64_t *zone_first = NULL, *zone_left = NULL, *zone_n = NULL;
	unsigned *zone_weight = NULL;
	struct name_set names = {NULL, 0};
	struct rng r;
	int64_t i, k, z, next;
	int kind, rc = -1;
	char number[64], base[256];

	rng_init(&r, seed, STREAM_ORGANISATION);
	p->orgs = calloc((size_t)total, sizeof(*p->orgs));
	rank = calloc((size_t)p->n_enterprises, sizeof(*rank));
	if (p->orgs == NULL || rank == NULL || name_set_init(&names, (size_t)total) < 0)
		goto out;
	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];

		e->sort_key = (int64_t)e->employees * rng_range(&r, 500, 1500);
		rank[i] = e;
	}
	qsort(rank, (size_t)p->n_enterprises, sizeof(*rank), cmp_sort_key_desc);
	next = 0;
	for (kind = KIND_COMMITTEE; kind <= KIND_BRANCH; kind++) {
		for (k = 0; k < s->org_count[kind]; k++) {
			struct gen_enterprise *e = rank[next++];

			if (add_organisation(p, &names, e->short_name, e->name,
			                     org_kind_suffix[kind], (enum org_kind)kind) < 0)
				goto out;
			e->kind = (uint8_t)kind;
			e->org_id = p->n_orgs;
			switch (kind) {
			case KIND_COMMITTEE:
				e->party_members = (int32_t)rng_range(&r, 100, 300);
				break;
			case KIND_GENERAL_BRANCH:
				e->party_members = (int32_t)rng_range(&r, 50, 99);
				break;
			default:
				/* one call per statement: C leaves operand order open */
				e->party_members = (int32_t)rng_range(&r, 3, 12);
				if (rng_chance(&r, 500))
					e->party_members += (int32_t)rng_range(&r, 0, 20);
				break;
			}
			/* party members are at most a third of the staff */
			if (e->employees < 3 * e->party_members)
				e->employees = 3 * e->party_members +
				               (int32_t)rng_range(&r, 0, 3 * e->party_members);
		}
	}

	/* the small enterprises still free, grouped by zone, in building order */
	free_list = calloc((size_t)p->n_enterprises, sizeof(*free_list));
	zone_first = calloc((size_t)p->n_zones + 1, sizeof(*zone_first));
	zone_left = calloc((size_t)p->n_zones, sizeof(*zone_left));
	zone_n = calloc((size_t)p->n_zones, sizeof(*zone_n));
	zone_weight = calloc((size_t)p->n_zones, sizeof(*zone_weight));
	if (free_list == NULL || zone_first == NULL || zone_left == NULL || zone_n == NULL ||
	    zone_weight == NULL)
		goto out;
	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];

		e->candidate = e->kind == KIND_NONE && e->employees < 200;
		if (e->candidate)
			zone_n[e->zone]++;
	}
	for (z = 0; z < p->n_zones; z++) {
		zone_first[z + 1] = zone_first[z] + zone_n[z];
		zone_left[z] = zone_n[z];
	}
	{
		int64_t *fill = calloc((size_t)p->n_zones, sizeof(*fill));

		if (fill == NULL)
			goto out;
		for (i = 0; i < p->n_enterprises; i++) {
			struct gen_enterprise *e = &p->enterprises[i];

			if (e->candidate)
				free_list[zone_first[e->zone] + fill[e->zone]++] = e;
		}
		free(fill);
	}
	/* within a zone, in building order: a joint branch gathers neighbours */
	for (z = 0; z < p->n_zones; z++) {
		for (i = zone_first[z]; i < zone_first[z + 1]; i++)
			free_list[i]->sort_key = -((int64_t)free_list[i]->site * p->n_enterprises +
			                           (free_list[i] - p->enterprises));
		qsort(free_list + zone_first[z], (size_t)zone_n[z], sizeof(*free_list),
		      cmp_sort_key_desc);
	}

	for (k = 0; k < s->org_count[KIND_JOINT_BRANCH]; k++) {
		int64_t members, start, pos, taken;

		for (z = 0; z < p->n_zones; z++)
			zone_weight[z] = zone_left[z] >= 3 ? (unsigned)zone_left[z] : 0;
		for (z = 0; z < p->n_zones && zone_weight[z] == 0; z++)
			;
		if (z == p->n_zones)
			goto out; /* no zone has three free enterprises left */
		z = (int64_t)rng_weighted(&r, zone_weight, (size_t)p->n_zones);
		members = rng_range(&r, 3, 8);
		if (members > zone_left[z])
			members = zone_left[z];
		chinese_number(number, sizeof(number), (int)k + 1);
		snprintf(base, sizeof(base), "%s第%s", s->area, number);
		if (add_organisation(p, &names, base, NULL, "联合党支部", KIND_JOINT_BRANCH) < 0)
			goto out;
		start = rng_range(&r, 0, zone_n[z] - 1);
		for (pos = start, taken = 0; taken < members;
		     pos = pos + 1 == zone_n[z] ? 0 : pos + 1) {
			struct gen_enterprise *e = free_list[zone_first[z] + pos];

			if (!e->candidate)
				continue;
			e->candidate = false;
			e->kind = KIND_JOINT_BRANCH;
			e->org_id = p->n_orgs;
			e->party_members = (int32_t)rng_range(&r, 1, 3);
			if (e->employees < e->party_members)
				e->employees = e->party_members + (int32_t)rng_range(&r, 0, 10);
			taken++;
		}
		zone_left[z] -= members;
	}

	/*
	 * The rest: mostly no party member; some with enough to found one.
	 * About 8 000 party members in all at park scale (the article: 7 700).
	 */
	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];
		unsigned roll;

		if (e->kind != KIND_NONE)
			continue;
		roll = (unsigned)rng_below(&r, 1000);
		if (roll < 720)
			e->party_members = 0;
		else if (roll < 930)
			e->party_members = (int32_t)rng_range(&r, 1, 2);
		else
			e->party_members = (int32_t)rng_range(&r, 3, 6);
		if (e->employees < e->party_members)
			e->employees = e->party_members + (int32_t)rng_range(&r, 0, 10);
	}
	rc = 0;
out:
	free(rank);
	free(free_list);
	free(zone_first);
	free(zone_left);
	free(zone_n);
	free(zone_weight);
	name_set_free(&names);
	return rc;
}

/*
 * Offers, the enterprises that volunteer for pairing (one in ten, mostly
 * those with an organisation of their own) and when each joined the park.
 */
static void
gen_volunteers(struct sample_park *p, uint64_t seed)
{
	int64_t target = p->n_enterprises / 10, volunteers = 0, i;
	struct rng r;

	rng_init(&r, seed, STREAM_VOLUNTEER);
	for (i = 0; i < p->n_enterprises && volunteers < target; i++) {
		struct gen_enterprise *e = &p->enterprises[i];

		if (e->kind == KIND_COMMITTEE || e->kind == KIND_GENERAL_BRANCH ||
		    (e->kind == KIND_BRANCH && rng_chance(&r, 800))) {
			e->max_communities = e->kind == KIND_COMMITTEE        ? 3
			                     : e->kind == KIND_GENERAL_BRANCH ? 2
			                     : rng_chance(&r, 150)            ? 2
			                                                      : 1;
			volunteers++;
		}
	}
	/* the rest at random, joint-branch members and would-be founders first */
	while (volunteers < target) {
		struct gen_enterprise *e =
		    &p->enterprises[rng_below(&r, (uint64_t)p->n_enterprises)];
		unsigned accept = e->kind == KIND_JOINT_BRANCH ? 1000
		                  : e->party_members >= 3      ? 1000
		                                               : 250;

		if (e->max_communities > 0 || !rng_chance(&r, accept))
			continue;
		e->max_communities = rng_chance(&r, 100) ? 2 : 1;
		volunteers++;
	}

	for (i = 0; i < p->n_enterprises; i++) {
		struct gen_enterprise *e = &p->enterprises[i];
		int n_offers;
		unsigned w[SRV_COUNT];
		int k;

		if (e->max_communities > 0)
			n_offers = (int)rng_range(&r, 1, 3);
		else
			n_offers = (int)rng_range(&r, 0, 2);
		memcpy(w, offer_weight[e->industry], sizeof(w));
		/* canteens and shuttle buses come with size */
		if (e->employees >= 300) {
			w[SRV_DINING] *= 3;
			w[SRV_COMMUTE] *= 3;
		}
		e->offers = (uint8_t)service_draw(&r, w, n_offers);

		/* joined: the larger the organisation, the earlier, on the whole */
		if (rng_chance(&r, 10)) {
			e->year = 0;
		} else if (rng_chance(&r, 55)) {
			e->year = 2026; /* new in the last year before 2027-01-01 */
		} else {
			int64_t a = rng_range(&r, 0, 41), b = rng_range(&r, 0, 41);

			k = (int)(e->kind <= KIND_GENERAL_BRANCH ? (a < b ? a : b)
			                                         : (a > b ? a : b));
			e->year = (int16_t)(1984 + k);
		}
		e->month = (uint8_t)rng_range(&r, 1, 12);
		e->day = (uint8_t)rng_range(&r, e->year == 2026 && e->month == 1 ? 2 : 1, 28);
	}
}

static int
gen_communities(struct sample_park *p, uint64_t seed)
{
	const struct scale_spec *s = p->spec;
	int64_t lat_lo = s->center_lat - s->half_lat - s->margin_lat;
	int64_t lat_hi = s->center_lat + s->half_lat + s->margin_lat;
	int64_t lon_lo = s->center_lon - s->half_lon - s->margin_lon;
	int64_t lon_hi = s->center_lon + s->half_lon + s->margin_lon;
	struct name_set names;
	struct rng r;
	int64_t i;
	char name[512], number[64];

	rng_init(&r, seed, STREAM_COMMUNITY);
	p->n_communities = s->communities;
	p->communities = calloc((size_t)p->n_communities, sizeof(*p->communities));
	if (p->communities == NULL || name_set_init(&names, (size_t)p->n_communities) < 0)
		return -1;
	for (i = 0; i < p->n_communities; i++) {
		struct gen_community *c = &p->communities[i];
		bool old_estate = false;
		int tries, n_needs;

		/* the park's own box is offices; its communities lie around it */
		do {
			c->lat = rng_range(&r, lat_lo, lat_hi);
			c->lon = rng_range(&r, lon_lo, lon_hi);
		} while (
		    p->spec == &scale_specs[SCALE_PARK] && c->lat > s->center_lat - s->half_lat &&
		    c->lat < s->center_lat + s->half_lat && c->lon > s->center_lon - s->half_lon &&
		    c->lon < s->center_lon + s->half_lon);
		for (tries = 0;; tries++) {
			unsigned pattern = (unsigned)rng_below(&r, 100);

			old_estate = false;
			if (pattern < 35) {
				chinese_number(number, sizeof(number), (int)rng_range(&r, 1, 20));
				snprintf(name, sizeof(name), "%s%s村", PICK(&r, places), number);
				old_estate = true;
			} else if (pattern < 65) {
				const char *place = PICK(&r, places);
				const char *dir = rng_chance(&r, 300) ? PICK(&r, directions) : "";
				const char *suffix = PICK(&r, estate_suffixes);

				snprintf(name, sizeof(name), "%s%s%s", place, dir, suffix);
				old_estate = strstr(name, "新村") != NULL;
			} else if (pattern < 85) {
				const char *a = PICK(&r, estate_syllables), *b;

				do
					b = PICK(&r, estate_syllables);
				while (b == a);
				snprintf(name, sizeof(name), "%s%s%s", a, b,
				         PICK(&r, estate_suffixes));
			} else {
				const char *street = PICK(&r, streets);
				const char *place = PICK(&r, places);

				snprintf(name, sizeof(name), "%s%s", street, place);
				old_estate = true;
			}
			if (tries >= 200) {
				/* crowded: a later phase of the same estate */
				size_t len = strlen(name);

				chinese_number(number, sizeof(number), tries - 198);
				snprintf(name + len, sizeof(name) - len, "%s期", number);
			}
			strncat(name, "居民区", sizeof(name) - strlen(name) - 1);
			if (!name_set_has(&names, name))
				break;
			if (tries > 5000) {
				name_set_free(&names);
				return -1;
			}
		}
		c->name = arena_strdup(&p->strings, name);
		if (c->name == NULL) {
			name_set_free(&names);
			return -1;
		}
		name_set_add(&names, c->name);
		n_needs = (int)rng_weighted(&r, (const unsigned[]){40, 40, 20}, 3) + 2;
		c->needs = (uint8_t)service_draw(&r, old_estate ? need_weight_old : need_weight_new,
		                                 n_needs);
		c->min_partners = rng_chance(&r, 150) ? 2 : 1;
		c->max_partners = 3;
	}
	name_set_free(&names);
	return 0;
}

static int
gen_instructors(struct sample_park *p, uint64_t seed)
{
	const struct scale_spec *s = p->spec;
	struct name_set names;
	struct rng r;
	int64_t i, full_time = 0, ft_unavailable[PERIODS] = {0};
	char name[128];

	rng_init(&r, seed, STREAM_INSTRUCTOR);
	p->n_instructors = s->instructors;
	p->instructors = calloc((size_t)p->n_instructors, sizeof(*p->instructors));
	if (p->instructors == NULL || name_set_init(&names, (size_t)p->n_instructors) < 0)
		return -1;
	for (i = 0; i < p->n_instructors; i++) {
		struct gen_instructor *in = &p->instructors[i];
		int tries;

		/* exactly spec->full_time of them, spread over the ids */
		in->full_time = (int64_t)rng_below(&r, (uint64_t)(p->n_instructors - i)) <
		                s->full_time - full_time;
		full_time += in->full_time;
		for (tries = 0;; tries++) {
			snprintf(name, sizeof(name), "%s%s", PICK(&r, surnames),
			         PICK(&r, given_chars));
			if (rng_chance(&r, 650) || tries > 50)
				strncat(name, PICK(&r, given_chars),
				        sizeof(name) - strlen(name) - 1);
			if (!name_set_has(&names, name))
				break;
			if (tries > 5000) {
				name_set_free(&names);
				return -1;
			}
		}
		in->name = arena_strdup(&p->strings, name);
		if (in->name == NULL) {
			name_set_free(&names);
			return -1;
		}
		name_set_add(&names, in->name);
		in->skills = (uint8_t)(1u << rng_weighted(&r, industry_weight, IND_COUNT));
		if (rng_chance(&r, 450))
			in->skills |= (uint8_t)(1u << rng_weighted(&r, industry_weight, IND_COUNT));
		in->lat = rng_range(&r, s->home_lat[0], s->home_lat[1]);
		in->lon = rng_range(&r, s->home_lon[0], s->home_lon[1]);
		if (rng_chance(&r, 150))
			in->capacity = in->full_time ? (int32_t)rng_range(&r, 8, 12) * 10
			                             : (int32_t)rng_range(&r, 3, 6) * 10;
	}
	name_set_free(&names);

	/* a few away for a quarter; enough full-time ones stay for every zone */
	rng_init(&r, seed, STREAM_UNAVAILABLE);
	p->n_unavailable = 0;
	for (i = 0; i < p->n_instructors; i++) {
		struct gen_instructor *in = &p->instructors[i];
		int period;

		if (!rng_chance(&r, in->full_time ? 60 : 100))
			continue;
		period = (int)rng_below(&r, PERIODS);
		if (in->full_time) {
			if (s->full_time - ft_unavailable[period] - 1 < p->n_zones + 1)
				continue;
			ft_unavailable[period]++;
		}
		in->unavailable |= (uint8_t)(1u << period);
		p->n_unavailable++;
	}
	return 0;
}

/*
 * The keys an office's lists use, from a stream of their own: a credit code
 * per enterprise (registered with industry and commerce, 9; an enterprise,
 * 1; a district of Shanghai, mostly Xuhui; an organisation code with its
 * GB 11714 check digit; the GB 32100 check character), a statistical code
 * per community (Xuhui 310104, a street, a number) and a staff number per
 * instructor.
 */
static int
gen_codes(struct sample_park *p, uint64_t seed)
{
	static const char *const divisions[] = {"310104", "310104", "310104", "310104",
	                                        "310112", "310115", "310105", "310101"};
	struct name_set codes;
	struct rng r;
	int64_t i;
	int street_next[16] = {0};

	if (p->n_communities > 16 * 999)
		return -1;

	rng_init(&r, seed, STREAM_CODE);
	if (name_set_init(&codes, (size_t)p->n_enterprises) < 0)
		return -1;
	for (i = 0; i < p->n_enterprises; i++) {
		char *c = p->enterprises[i].credit_code;
		int k;

		do {
			memcpy(c, "91", 2);
			memcpy(c + 2, PICK(&r, divisions), 6);
			/* the organisation code: mostly digits, as most still are */
			for (k = 0; k < 8; k++)
				c[8 + k] = k == 0 && rng_chance(&r, 300)
				               ? "MA"[rng_below(&r, 2)]
				               : credit_code_alphabet[rng_below(&r, 10)];
			c[16] = org_code_check_char(c + 8);
			c[17] = credit_code_check_char(c);
			c[18] = '\0';
		} while (name_set_has(&codes, c));
		name_set_add(&codes, c);
	}
	name_set_free(&codes);
	for (i = 0; i < p->n_communities; i++) {
		int street = (int)rng_below(&r, 16);

		while (street_next[street] >= 999) /* a full street: the next one */
			street = (street + 1) % 16;
		street_next[street]++;
		snprintf(p->communities[i].code, sizeof(p->communities[i].code), "310104%03d%03d",
		         street + 1, street_next[street]);
	}
	for (i = 0; i < p->n_instructors; i++)
		snprintf(p->instructors[i].code, sizeof(p->instructors[i].code), "DJ%05" PRId64,
		         i + 1);
	return 0;
}

int
sample_generate(struct sample_park *p, enum sample_scale scale, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->spec = &scale_specs[scale];
	if (gen_zones(p, seed) < 0 || gen_enterprises(p, seed) < 0 ||
	    gen_organisations(p, seed) < 0)
		return -1;
	gen_volunteers(p, seed);
	if (gen_communities(p, seed) < 0 || gen_instructors(p, seed) < 0 || gen_codes(p, seed) < 0)
		return -1;
	return 0;
}
