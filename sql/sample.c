/*
 * sample.c - the sample park: a realistic, deterministic data set written
 * into an empty, migrated database with COPY, in one transaction.
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
 * every machine.  Ids are explicit (1..n); the identity sequences are moved
 * past them afterwards.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "db.h"
#include "dberr.h"

/* --- the deterministic generator --------------------------------------- */

struct rng {
	uint64_t s[4];
};

/* One stream per table: changing one table's generation leaves the rest. */
enum rng_stream {
	STREAM_ZONE = 1,
	STREAM_ENTERPRISE,
	STREAM_ORGANISATION,
	STREAM_JOINT,
	STREAM_VOLUNTEER,
	STREAM_COMMUNITY,
	STREAM_INSTRUCTOR,
	STREAM_UNAVAILABLE
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
rng_init(struct rng *r, uint64_t seed, enum rng_stream stream)
{
	uint64_t x = seed ^ ((uint64_t)stream * UINT64_C(0xd1b54a32d192ed03));
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), without modulo bias; n > 0. */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	uint64_t threshold = (0 - n) % n;
	uint64_t x;

	do
		x = rng_next(r);
	while (x < threshold);
	return x % n;
}

/* Uniform in [lo, hi]. */
static int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* True with probability per_mille / 1000. */
static bool
rng_chance(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

/* An index drawn with the given weights (their sum must be > 0). */
static size_t
rng_weighted(struct rng *r, const unsigned *weights, size_t n)
{
	uint64_t total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = rng_below(r, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* A bell-shaped offset in [-2a, 2a] (sum of four uniforms). */
static int64_t
rng_bell(struct rng *r, int64_t a)
{
	int64_t sum = 0;
	int i;

	for (i = 0; i < 4; i++)
		sum += rng_range(r, -a, a);
	return sum / 2;
}

#define PICK(r, array) ((array)[rng_below((r), sizeof(array) / sizeof((array)[0]))])
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* --- strings: an arena and a set of names ------------------------------ */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct arena {
	struct arena_block *head;
};

static char *
arena_strdup(struct arena *a, const char *s)
{
	size_t len = strlen(s) + 1;
	struct arena_block *b = a->head;
	char *p;

	if (b == NULL || b->size - b->used < len) {
		size_t size = len > 65536 ? len : 65536;

		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = size;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	b->used += len;
	return p;
}

static void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}

/* Open addressing on FNV-1a; holds pointers to strings owned elsewhere. */
struct name_set {
	const char **slot;
	size_t mask;
};

static int
name_set_init(struct name_set *set, size_t expected)
{
	size_t cap = 64;

	while (cap < expected * 2)
		cap *= 2;
	set->slot = calloc(cap, sizeof(*set->slot));
	set->mask = cap - 1;
	return set->slot == NULL ? -1 : 0;
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

static bool
name_set_has(const struct name_set *set, const char *s)
{
	size_t i;

	for (i = fnv1a(s) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		if (strcmp(set->slot[i], s) == 0)
			return true;
	return false;
}

/* s must not be in the set; the set must have room (sized at init). */
static void
name_set_add(struct name_set *set, const char *s)
{
	size_t i;

	for (i = fnv1a(s) & set->mask; set->slot[i] != NULL; i = (i + 1) & set->mask)
		;
	set->slot[i] = s;
}

static void
name_set_free(struct name_set *set)
{
	free(set->slot);
	set->slot = NULL;
}

/* Chinese numerals, 1..9999: 一, 十二, 二十, 一百零五, 三千零二十. */
static void
chinese_number(char *out, size_t outlen, int n)
{
	static const char *const digit[] = {"零", "一", "二", "三", "四",
	                                    "五", "六", "七", "八", "九"};
	static const char *const unit[] = {"千", "百", "十", ""};
	int parts[4] = {n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10};
	bool started = false, zero = false;
	int i;

	out[0] = '\0';
	for (i = 0; i < 4; i++) {
		if (parts[i] == 0) {
			zero = started;
			continue;
		}
		if (zero)
			strncat(out, digit[0], outlen - strlen(out) - 1);
		zero = false;
		/* 十二, not 一十二, when the number starts with the tens */
		if (!(i == 2 && parts[i] == 1 && !started))
			strncat(out, digit[parts[i]], outlen - strlen(out) - 1);
		strncat(out, unit[i], outlen - strlen(out) - 1);
		started = true;
	}
}

/* --- what the park is made of ------------------------------------------ */

enum industry {
	IND_ELECTRONICS, /* 电子信息: the park's base */
	IND_CHIPS,       /* 集成电路 */
	IND_LIFE,        /* 生命健康 */
	IND_METAVERSE,   /* 元宇宙 */
	IND_GREEN,       /* 绿色低碳 */
	IND_COMPOSITE,   /* 复合产业 */
	IND_COUNT
};

static const char *const industry_code[IND_COUNT] = {
    "电子信息", "集成电路", "生命健康", "元宇宙", "绿色低碳", "复合产业",
};
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

/* The needs of communities and the offers of enterprises. */
enum service {
	SRV_DINING,    /* 助餐 */
	SRV_CHILDCARE, /* 托育 */
	SRV_COMMUTE,   /* 通勤 */
	SRV_LEARNING,  /* 学习 */
	SRV_CULTURE,   /* 文体 */
	SRV_ELDERLY,   /* 养老 */
	SRV_LEGAL,     /* 法律服务 */
	SRV_MEDICAL,   /* 医疗服务 */
	SRV_COUNT
};

static const char *const service_code[SRV_COUNT] = {
    "助餐", "托育", "通勤", "学习", "文体", "养老", "法律服务", "医疗服务",
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

/* --- the scales -------------------------------------------------------- */

struct scale_spec {
	const char *name;
	const char *area; /* prefix of zone and joint-branch names */
	int64_t enterprises, communities, instructors, full_time;
	int rows, cols;                   /* the zones: a grid of rows x cols cells */
	int64_t org_count[4];             /* committee, general branch, branch, joint branch */
	int64_t center_lat, center_lon;   /* micro-degrees */
	int64_t half_lat, half_lon;       /* the box of the zones */
	int64_t margin_lat, margin_lon;   /* communities: the box widened by this */
	int64_t home_lat[2], home_lon[2]; /* instructors' homes */
};

/*
 * Park: the Caohejing park's box (31.160-31.180 N, 121.385-121.415 E) in
 * four quadrants; communities within about 2 km of it, instructors' homes
 * around Xuhui.  District and city: the area grows with the enterprises
 * (x10, x40: sides x3.16, x6.32) around the same centre.
 */
static const struct scale_spec scale_specs[] = {
    [SCALE_PARK] = {"park",
                    "漕河泾开发区",
                    5000,
                    60,
                    40,
                    12,
                    2,
                    2,
                    {6, 15, 192, 102},
                    31170000,
                    121400000,
                    10000,
                    15000,
                    20000,
                    25000,
                    {31120000, 31230000},
                    {121380000, 121480000}},
    [SCALE_DISTRICT] = {"district",
                        "徐汇区",
                        50000,
                        600,
                        300,
                        90,
                        5,
                        6,
                        {60, 150, 1920, 1020},
                        31170000,
                        121400000,
                        31600,
                        47400,
                        20000,
                        25000,
                        {31108400, 31231600},
                        {121317600, 121482400}},
    [SCALE_CITY] = {"city",
                    "上海市",
                    200000,
                    6000,
                    2000,
                    600,
                    10,
                    20,
                    {240, 600, 7680, 4080},
                    31170000,
                    121400000,
                    63200,
                    94800,
                    20000,
                    25000,
                    {31076800, 31263200},
                    {121270200, 121529800}},
};

int
sample_scale_parse(const char *text, enum sample_scale *out)
{
	size_t i;

	if (text == NULL)
		return -1;
	for (i = 0; i < COUNT(scale_specs); i++) {
		if (strcmp(text, scale_specs[i].name) == 0) {
			*out = (enum sample_scale)i;
			return 0;
		}
	}
	return -1;
}

/* --- the generated park ------------------------------------------------ */

enum org_kind { KIND_COMMITTEE, KIND_GENERAL_BRANCH, KIND_BRANCH, KIND_JOINT_BRANCH, KIND_NONE };

static const char *const org_kind_text[] = {"committee", "general_branch", "branch",
                                            "joint_branch"};
static const char *const org_kind_suffix[] = {"党委", "党总支", "党支部"};

struct gen_zone {
	char code[16];
	char *name;
	int64_t lat_lo, lat_hi, lon_lo, lon_hi; /* the cell */
	unsigned weight;                        /* share of the enterprises */
	unsigned industry_weight[IND_COUNT];
	int64_t first_site, sites;
};

struct gen_organisation {
	char *name;
	enum org_kind kind;
};

struct gen_enterprise {
	char *name;
	char *short_name; /* brand + industry word, for organisation names */
	int64_t lat, lon;
	int64_t org_id; /* 0: none */
	int64_t sort_key;
	int32_t zone; /* index into zones */
	int32_t site; /* the building it sits in */
	int32_t party_members, employees, max_communities;
	int16_t year; /* 0: joined_on unknown */
	uint8_t month, day;
	uint8_t industry;
	uint8_t kind;
	uint8_t offers; /* bit set of enum service */
	bool candidate; /* may still join a joint branch */
};

struct gen_community {
	char *name;
	int64_t lat, lon;
	uint8_t needs;
	int32_t min_partners, max_partners;
};

struct gen_instructor {
	char *name;
	int64_t lat, lon;
	int32_t capacity; /* 0: the model's default */
	bool full_time;
	uint8_t skills;      /* bit set of enum industry */
	uint8_t unavailable; /* bit set of periods 0..3 */
};

#define PERIODS 4
static const char *const period_label[PERIODS] = {"2027Q1", "2027Q2", "2027Q3", "2027Q4"};
static const char *const period_start[PERIODS] = {"2027-01-01", "2027-04-01", "2027-07-01",
                                                  "2027-10-01"};

struct park {
	const struct scale_spec *spec;
	struct arena strings;
	int64_t n_zones, n_orgs, n_enterprises, n_communities, n_instructors, n_unavailable;
	int64_t n_sites;
	struct gen_zone *zones;
	struct gen_organisation *orgs;
	struct gen_enterprise *enterprises;
	struct gen_community *communities;
	struct gen_instructor *instructors;
	int64_t *site_lat, *site_lon;
};

static void
park_free(struct park *p)
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
gen_zones(struct park *p, uint64_t seed)
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
make_enterprise_name(struct park *p, struct name_set *names, struct rng *r,
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
gen_enterprises(struct park *p, uint64_t seed)
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
add_organisation(struct park *p, struct name_set *names, const char *base, const char *fallback,
                 const char *suffix, enum org_kind kind)
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
gen_organisations(struct park *p, uint64_t seed)
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
gen_volunteers(struct park *p, uint64_t seed)
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
gen_communities(struct park *p, uint64_t seed)
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
gen_instructors(struct park *p, uint64_t seed)
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

/* --- COPY -------------------------------------------------------------- */

struct copy {
	PGconn *conn;
	char *data;
	size_t len, cap;
	int failed;
};

static void
copy_flush(struct copy *c)
{
	if (!c->failed && c->len > 0 && PQputCopyData(c->conn, c->data, (int)c->len) != 1)
		c->failed = 1;
	c->len = 0;
}

static void
copy_reserve(struct copy *c, size_t need)
{
	if (c->len + need > c->cap)
		copy_flush(c);
	if (need > c->cap) {
		char *bigger = realloc(c->data, need);

		if (bigger == NULL) {
			c->failed = 1;
			return;
		}
		c->data = bigger;
		c->cap = need;
	}
}

static void
copy_raw(struct copy *c, const char *s, size_t n)
{
	copy_reserve(c, n);
	if (c->failed)
		return;
	memcpy(c->data + c->len, s, n);
	c->len += n;
}

static void copy_printf(struct copy *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
copy_printf(struct copy *c, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		c->failed = 1;
		return;
	}
	copy_raw(c, tmp, (size_t)n);
}

/* Text in COPY's text format: backslash, tab and line ends escaped. */
static void
copy_text(struct copy *c, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			copy_raw(c, "\\\\", 2);
			break;
		case '\t':
			copy_raw(c, "\\t", 2);
			break;
		case '\n':
			copy_raw(c, "\\n", 2);
			break;
		case '\r':
			copy_raw(c, "\\r", 2);
			break;
		default:
			copy_raw(c, s, 1);
			break;
		}
	}
}

/* A text[] literal of the codes whose bits are set; codes are plain. */
static void
copy_codes(struct copy *c, unsigned set, const char *const *codes, int n)
{
	bool first = true;
	int i;

	copy_raw(c, "{", 1);
	for (i = 0; i < n; i++) {
		if (!(set & (1u << i)))
			continue;
		if (!first)
			copy_raw(c, ",", 1);
		copy_raw(c, "\"", 1);
		copy_text(c, codes[i]);
		copy_raw(c, "\"", 1);
		first = false;
	}
	copy_raw(c, "}", 1);
}

/* Micro-degrees as a decimal: 31170000 -> 31.170000. */
static void
copy_degrees(struct copy *c, int64_t micro)
{
	uint64_t a = micro < 0 ? (uint64_t)0 - (uint64_t)micro : (uint64_t)micro;

	copy_printf(c, "%s%" PRIu64 ".%06" PRIu64, micro < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
exec_ok(PGconn *conn, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(conn, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		dberr_pq(err, errlen, sql, conn);
	PQclear(res);
	return ok ? 0 : -1;
}

typedef void (*row_writer)(struct copy *c, const struct park *p, int64_t i);

static void
write_zone(struct copy *c, const struct park *p, int64_t i)
{
	const struct gen_zone *z = &p->zones[i];

	copy_printf(c, "%" PRId64 "\t", i + 1);
	copy_text(c, z->code);
	copy_raw(c, "\t", 1);
	copy_text(c, z->name);
	copy_raw(c, "\t", 1);
	copy_degrees(c, (z->lat_lo + z->lat_hi) / 2);
	copy_raw(c, "\t", 1);
	copy_degrees(c, (z->lon_lo + z->lon_hi) / 2);
	copy_raw(c, "\t1\n", 3);
}

static void
write_organisation(struct copy *c, const struct park *p, int64_t i)
{
	const struct gen_organisation *o = &p->orgs[i];

	copy_printf(c, "%" PRId64 "\t", i + 1);
	copy_text(c, o->name);
	copy_printf(c, "\t%s\n", org_kind_text[o->kind]);
}

static void
write_enterprise(struct copy *c, const struct park *p, int64_t i)
{
	const struct gen_enterprise *e = &p->enterprises[i];

	copy_printf(c, "%" PRId64 "\t", i + 1);
	copy_text(c, e->name);
	copy_printf(c, "\t%" PRId32 "\t", e->zone + 1);
	copy_text(c, industry_code[e->industry]);
	if (e->org_id > 0)
		copy_printf(c, "\t%" PRId64, e->org_id);
	else
		copy_raw(c, "\t\\N", 3);
	copy_printf(c, "\t%" PRId32 "\t%" PRId32 "\t", e->party_members, e->employees);
	copy_degrees(c, e->lat);
	copy_raw(c, "\t", 1);
	copy_degrees(c, e->lon);
	copy_raw(c, "\t", 1);
	copy_codes(c, e->offers, service_code, SRV_COUNT);
	copy_printf(c, "\t%" PRId32 "\t", e->max_communities);
	if (e->year == 0)
		copy_raw(c, "\\N\n", 3);
	else
		copy_printf(c, "%04d-%02d-%02d\n", e->year, e->month, e->day);
}

static void
write_community(struct copy *c, const struct park *p, int64_t i)
{
	const struct gen_community *cm = &p->communities[i];

	copy_printf(c, "%" PRId64 "\t", i + 1);
	copy_text(c, cm->name);
	copy_raw(c, "\t", 1);
	copy_degrees(c, cm->lat);
	copy_raw(c, "\t", 1);
	copy_degrees(c, cm->lon);
	copy_raw(c, "\t", 1);
	copy_codes(c, cm->needs, service_code, SRV_COUNT);
	copy_printf(c, "\t%" PRId32 "\t%" PRId32 "\n", cm->min_partners, cm->max_partners);
}

static void
write_instructor(struct copy *c, const struct park *p, int64_t i)
{
	const struct gen_instructor *in = &p->instructors[i];

	copy_printf(c, "%" PRId64 "\t", i + 1);
	copy_text(c, in->name);
	copy_raw(c, in->full_time ? "\tt\t" : "\tf\t", 3);
	if (in->capacity > 0)
		copy_printf(c, "%" PRId32 "\t", in->capacity);
	else
		copy_raw(c, "\\N\t", 3);
	copy_codes(c, in->skills, industry_code, IND_COUNT);
	copy_raw(c, "\t", 1);
	copy_degrees(c, in->lat);
	copy_raw(c, "\t", 1);
	copy_degrees(c, in->lon);
	copy_raw(c, "\n", 1);
}

static void
write_period(struct copy *c, const struct park *p, int64_t i)
{
	copy_printf(c, "%" PRId64 "\t%s\t%s\n", i + 1, period_label[i], period_start[i]);
}

/* Rows are (instructor, period); i runs over instructor x period. */
static void
write_unavailable(struct copy *c, const struct park *p, int64_t i)
{
	int64_t instructor = i / PERIODS;
	int period = (int)(i % PERIODS);

	if (p->instructors[instructor].unavailable & (1u << period))
		copy_printf(c, "%" PRId64 "\t%d\n", instructor + 1, period + 1);
}

struct table {
	const char *name;
	const char *copy_sql;
	row_writer write;
	bool has_identity;
};

static const struct table tables[] = {
    {"zone", "COPY zone (id, code, name, lat, lon, min_fulltime) FROM STDIN", write_zone, true},
    {"party_organisation", "COPY party_organisation (id, name, kind) FROM STDIN",
     write_organisation, true},
    {"enterprise",
     "COPY enterprise (id, name, zone_id, industry, party_org_id, party_members, employees,"
     " lat, lon, offers, max_communities, joined_on) FROM STDIN",
     write_enterprise, true},
    {"community",
     "COPY community (id, name, lat, lon, needs, min_partners, max_partners) FROM STDIN",
     write_community, true},
    {"instructor",
     "COPY instructor (id, name, full_time, capacity, skills, home_lat, home_lon) FROM STDIN",
     write_instructor, true},
    {"period", "COPY period (id, label, start) FROM STDIN", write_period, true},
    {"instructor_unavailable", "COPY instructor_unavailable (instructor_id, period_id) FROM STDIN",
     write_unavailable, false},
};

/* Rows the writer is called for, and rows it writes. */
static void
table_rows(const struct park *p, size_t t, int64_t *calls, int64_t *rows)
{
	switch (t) {
	case 0:
		*calls = *rows = p->n_zones;
		break;
	case 1:
		*calls = *rows = p->n_orgs;
		break;
	case 2:
		*calls = *rows = p->n_enterprises;
		break;
	case 3:
		*calls = *rows = p->n_communities;
		break;
	case 4:
		*calls = *rows = p->n_instructors;
		break;
	case 5:
		*calls = *rows = PERIODS;
		break;
	default:
		*calls = p->n_instructors * PERIODS;
		*rows = p->n_unavailable;
		break;
	}
}

static int
copy_table(PGconn *conn, const struct park *p, size_t t, FILE *log, char *err, size_t errlen)
{
	struct copy c = {conn, NULL, 0, 0, 0};
	PGresult *res;
	int64_t i, calls, rows;
	double start = now_ms();
	int rc = 0;
	char what[64];

	snprintf(what, sizeof(what), "COPY %s", tables[t].name);
	table_rows(p, t, &calls, &rows);
	res = PQexec(conn, tables[t].copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		dberr_pq(err, errlen, what, conn);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	c.data = malloc(65536);
	c.cap = c.data == NULL ? 0 : 65536;
	c.failed = c.data == NULL;
	for (i = 0; i < calls && !c.failed; i++)
		tables[t].write(&c, p, i);
	copy_flush(&c);
	free(c.data);
	if (PQputCopyEnd(conn, c.failed ? "parkplan: could not write the rows" : NULL) != 1) {
		dberr_pq(err, errlen, what, conn);
		return -1;
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			dberr_pq(err, errlen, what, conn);
			rc = -1;
		}
		PQclear(res);
	}
	if (rc == 0 && c.failed) {
		dberr_set(err, errlen, "COPY %s: could not send the rows", tables[t].name);
		rc = -1;
	}
	if (rc == 0 && log != NULL)
		fprintf(log, "%-24s %8" PRId64 " rows %10.1f ms\n", tables[t].name, rows,
		        now_ms() - start);
	return rc;
}

static int
set_sequence(PGconn *conn, const char *table, int64_t last, char *err, size_t errlen)
{
	char value[32];
	const char *params[2] = {table, value};
	PGresult *res;
	int ok;

	snprintf(value, sizeof(value), "%" PRId64, last);
	res = PQexecParams(conn, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2::bigint)", 2,
	                   NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		dberr_pq(err, errlen, table, conn);
	PQclear(res);
	return ok ? 0 : -1;
}

/* The tables whose rows make the planning data (and plans made from it). */
#define PLANNING_TABLES                                                                            \
	"zone, party_organisation, enterprise, community, instructor, period, "                    \
	"instructor_unavailable, rule, setting, plan_run"

static const char check_schema_sql[] =
    "SELECT t FROM unnest(string_to_array($1, ', ')) AS t WHERE to_regclass(t) IS NULL";

static const char lock_sql[] = "LOCK TABLE " PLANNING_TABLES " IN SHARE ROW EXCLUSIVE MODE";

static const char check_empty_sql[] =
    "SELECT t FROM (VALUES"
    " ('zone', EXISTS (SELECT 1 FROM zone)),"
    " ('party_organisation', EXISTS (SELECT 1 FROM party_organisation)),"
    " ('enterprise', EXISTS (SELECT 1 FROM enterprise)),"
    " ('community', EXISTS (SELECT 1 FROM community)),"
    " ('instructor', EXISTS (SELECT 1 FROM instructor)),"
    " ('period', EXISTS (SELECT 1 FROM period)),"
    " ('instructor_unavailable', EXISTS (SELECT 1 FROM instructor_unavailable)),"
    " ('rule', EXISTS (SELECT 1 FROM rule)),"
    " ('setting', EXISTS (SELECT 1 FROM setting)),"
    " ('plan_run', EXISTS (SELECT 1 FROM plan_run))"
    ") AS v(t, has_rows) WHERE has_rows";

/* The names in the first column of res, comma-separated, into out. */
static void
join_names(const PGresult *res, char *out, size_t outlen)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < PQntuples(res); i++) {
		if (i > 0)
			strncat(out, ", ", outlen - strlen(out) - 1);
		strncat(out, PQgetvalue(res, i, 0), outlen - strlen(out) - 1);
	}
}

/* Inside the transaction: the schema is there and the tables are empty. */
static int
check_target(PGconn *conn, char *err, size_t errlen)
{
	const char *params[1] = {PLANNING_TABLES};
	char names[512];
	PGresult *res;

	res = PQexecParams(conn, check_schema_sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_pq(err, errlen, "checking the schema", conn);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) > 0) {
		join_names(res, names, sizeof(names));
		dberr_set(err, errlen,
		          "the database has no parkplan schema (missing: %s); run "
		          "'parkplanctl migrate' first",
		          names);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (exec_ok(conn, lock_sql, err, errlen) < 0)
		return -1;
	res = PQexec(conn, check_empty_sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dberr_pq(err, errlen, "checking for planning data", conn);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) > 0) {
		join_names(res, names, sizeof(names));
		dberr_set(err, errlen,
		          "refusing to write the sample park: the database already holds "
		          "planning data (rows in %s); sample needs an empty, migrated database",
		          names);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int
generate(struct park *p, enum sample_scale scale, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->spec = &scale_specs[scale];
	if (gen_zones(p, seed) < 0 || gen_enterprises(p, seed) < 0 ||
	    gen_organisations(p, seed) < 0)
		return -1;
	gen_volunteers(p, seed);
	if (gen_communities(p, seed) < 0 || gen_instructors(p, seed) < 0)
		return -1;
	return 0;
}

int
db_sample(PGconn *conn, enum sample_scale scale, uint64_t seed, FILE *log, char *err, size_t errlen)
{
	struct park p;
	double start = now_ms(), t0;
	size_t t;
	int64_t calls, rows;

	if ((unsigned)scale >= COUNT(scale_specs)) {
		dberr_set(err, errlen, "unknown scale %d", (int)scale);
		return -1;
	}
	if (generate(&p, scale, seed) < 0) {
		dberr_set(err, errlen, "out of memory while generating the sample park");
		park_free(&p);
		return -1;
	}
	if (log != NULL)
		fprintf(log, "sample park: scale %s, seed %" PRIu64 ", generated in %.1f ms\n",
		        p.spec->name, seed, now_ms() - start);

	if (exec_ok(conn, "BEGIN", err, errlen) < 0) {
		park_free(&p);
		return -1;
	}
	if (check_target(conn, err, errlen) < 0)
		goto fail;
	for (t = 0; t < COUNT(tables); t++)
		if (copy_table(conn, &p, t, log, err, errlen) < 0)
			goto fail;
	for (t = 0; t < COUNT(tables); t++) {
		if (!tables[t].has_identity)
			continue;
		table_rows(&p, t, &calls, &rows);
		if (set_sequence(conn, tables[t].name, rows, err, errlen) < 0)
			goto fail;
	}
	t0 = now_ms();
	if (exec_ok(conn, "COMMIT", err, errlen) < 0)
		goto fail;
	if (log != NULL) {
		fprintf(log, "%-24s %8s      %10.1f ms\n", "commit", "", now_ms() - t0);
		fprintf(log, "sample park written in %.1f ms\n", now_ms() - start);
	}
	park_free(&p);
	return 0;
fail:
	if (PQstatus(conn) == CONNECTION_OK) {
		PGresult *res = PQexec(conn, "ROLLBACK");

		PQclear(res);
	}
	park_free(&p);
	return -1;
}
