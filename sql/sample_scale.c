/*
 * sample_scale.c - the sizes of the sample park at each scale, and the codes
 * its rows use (industries, services, organisation kinds, periods).
 */
#include <string.h>

#include "sample.h"

const char *const industry_code[IND_COUNT] = {
    "电子信息", "集成电路", "生命健康", "元宇宙", "绿色低碳", "复合产业",
};

const char *const service_code[SRV_COUNT] = {
    "助餐", "托育", "通勤", "学习", "文体", "养老", "法律服务", "医疗服务",
};

const char *const org_kind_text[4] = {"committee", "general_branch", "branch", "joint_branch"};

const char *const period_label[PERIODS] = {"2027Q1", "2027Q2", "2027Q3", "2027Q4"};
const char *const period_start[PERIODS] = {"2027-01-01", "2027-04-01", "2027-07-01", "2027-10-01"};

/*
 * Park: the Caohejing park's box (31.160-31.180 N, 121.385-121.415 E) in
 * four quadrants; communities within about 2 km of it, instructors' homes
 * around Xuhui.  District and city: the area grows with the enterprises
 * (x10, x40: sides x3.16, x6.32) around the same centre.
 */
const struct scale_spec scale_specs[3] = {
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
