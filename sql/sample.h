/*
 * sample.h - the sample park inside sql/: what the generator (sample_gen.c)
 * makes and the COPY writer (sample_copy.c) writes.  The generator is pure:
 * no database, no I/O; the park it returns is plain rows.
 */
#ifndef PARKPLAN_SAMPLE_H
#define PARKPLAN_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "sample_rng.h"

/* --- what the park is made of (sample_scale.c) ------------------------- */

enum industry {
	IND_ELECTRONICS, /* 电子信息: the park's base */
	IND_CHIPS,       /* 集成电路 */
	IND_LIFE,        /* 生命健康 */
	IND_METAVERSE,   /* 元宇宙 */
	IND_GREEN,       /* 绿色低碳 */
	IND_COMPOSITE,   /* 复合产业 */
	IND_COUNT
};

extern const char *const industry_code[IND_COUNT];

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

extern const char *const service_code[SRV_COUNT];

enum org_kind { KIND_COMMITTEE, KIND_GENERAL_BRANCH, KIND_BRANCH, KIND_JOINT_BRANCH, KIND_NONE };

extern const char *const org_kind_text[4];

#define PERIODS 4
extern const char *const period_label[PERIODS];
extern const char *const period_start[PERIODS];

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

/* Indexed by enum sample_scale. */
extern const struct scale_spec scale_specs[3];

/* --- the generated park (sample_gen.c) --------------------------------- */

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
	char credit_code[20]; /* 统一社会信用代码, 18 characters */
	char *short_name;     /* brand + industry word, for organisation names */
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
	char code[32]; /* a 12-digit statistical division code */
	int64_t lat, lon;
	uint8_t needs;
	int32_t min_partners, max_partners;
};

struct gen_instructor {
	char *name;
	char code[32]; /* 工号 */
	int64_t lat, lon;
	int32_t capacity; /* 0: the model's default */
	bool full_time;
	uint8_t skills;      /* bit set of enum industry */
	uint8_t unavailable; /* bit set of periods 0..3 */
};

struct sample_park {
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

/* Generate the park of a scale from a seed; -1 when out of memory. */
int sample_generate(struct sample_park *p, enum sample_scale scale, uint64_t seed);
void sample_park_free(struct sample_park *p);

#endif
