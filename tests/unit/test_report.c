/*
 * test_report.c - the report library (report/) on small plans written here:
 * the names of the tables, the cleaning of text from outside, CSV quoting
 * (RFC 4180) and the formula guard, the links of a stored plan (prefix,
 * zones, workbook, CSV, other plans), what changes against the plan in
 * force, the state of a plan from its run, a failed plan's reasons, and the
 * errors: an unknown zone, a write that fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "plan.h"
#include "report.h"
#include "report_impl.h"
#include "snapshot.h"

static const char snapshot_text[] =
    "{\"format\": \"parkplan-snapshot/1\","
    " \"zones\": [{\"id\": 1, \"code\": \"A\", \"name\": \"东片区\", \"lat\": 31.17, \"lon\": "
    "121.40},"
    "            {\"id\": 2, \"code\": \"B\", \"name\": \"西片区\", \"lat\": 31.17, \"lon\": "
    "121.38}],"
    " \"enterprises\": ["
    "  {\"id\": 7, \"name\": \"Acme, \\\"Ltd\\\"\\n\", \"zone_id\": 1, \"party_org\": "
    "\"committee\","
    "   \"lat\": 31.171, \"lon\": 121.401, \"offers\": [\"托育\", \"养老\"]},"
    "  {\"id\": 8, \"name\": \"乙公司\", \"zone_id\": 2, \"lat\": 31.169, \"lon\": 121.381}],"
    " \"communities\": ["
    "  {\"id\": 3, \"name\": \"=1+1\", \"lat\": 31.17, \"lon\": 121.40,"
    "   \"needs\": [\"养老\", \"托育\", \"助餐\"], \"min_partners\": 2},"
    "  {\"id\": 4, \"name\": \"四居民区\", \"lat\": 31.17, \"lon\": 121.38}],"
    " \"instructors\": [{\"id\": 5, \"name\": \"王老师\", \"home_lat\": 31.17, \"home_lon\": "
    "121.4},"
    "                  {\"id\": 6, \"name\": \"李老师\", \"full_time\": false,"
    "                   \"home_lat\": 31.17, \"home_lon\": 121.4, \"unavailable\": [2]}],"
    " \"periods\": [{\"id\": 1, \"label\": \"2027Q1\", \"start\": \"2027-01-01\"},"
    "              {\"id\": 2, \"label\": \"2027Q2\", \"start\": \"2027-04-01\"}]}";

#define PART "\"status\": \"optimal\", \"objective\": 1, \"bound\": 1, \"gap\": 0, \"reasons\": []"

static const char plan_text[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {" PART
    ", \"pairs\": [{\"enterprise_id\": 7, \"community_id\": 3, \"score\": 652}],"
    "  \"uncovered\": [{\"community_id\": 3, \"shortfall\": 1}, {\"community_id\": 4, "
    "\"shortfall\": 1}]},"
    " \"roster\": {" PART ", \"assignments\": ["
    "  {\"instructor_id\": 5, \"zone_id\": 1, \"period_id\": 1},"
    "  {\"instructor_id\": 6, \"zone_id\": 1, \"period_id\": 1},"
    "  {\"instructor_id\": 5, \"zone_id\": 2, \"period_id\": 2}],"
    "  \"coverage\": [{\"zone_id\": 1, \"period_id\": 1, \"workload\": 9, \"capacity\": 150},"
    "   {\"zone_id\": 2, \"period_id\": 1, \"workload\": 1, \"capacity\": 0},"
    "   {\"zone_id\": 1, \"period_id\": 2, \"workload\": 9, \"capacity\": 0},"
    "   {\"zone_id\": 2, \"period_id\": 2, \"workload\": 1, \"capacity\": 100}],"
    "  \"seats\": [{\"zone_id\": 1, \"period_id\": 1, \"seats_full_time\": 1, \"seats_part_time\": "
    "1},"
    "   {\"zone_id\": 2, \"period_id\": 1, \"seats_full_time\": 0, \"seats_part_time\": 0},"
    "   {\"zone_id\": 1, \"period_id\": 2, \"seats_full_time\": 1, \"seats_part_time\": 0},"
    "   {\"zone_id\": 2, \"period_id\": 2, \"seats_full_time\": 0, \"seats_part_time\": 0}]}}";

/* The plan in force: pair (8, 4) instead of (7, 3); instructor 5 in zone 2 in period 1. */
static const char in_force_text[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {" PART
    ", \"pairs\": [{\"enterprise_id\": 8, \"community_id\": 4, \"score\": 1}],"
    "  \"uncovered\": []},"
    " \"roster\": {" PART ", \"assignments\": ["
    "  {\"instructor_id\": 5, \"zone_id\": 2, \"period_id\": 1},"
    "  {\"instructor_id\": 5, \"zone_id\": 2, \"period_id\": 2}], \"coverage\": [], \"seats\": "
    "[]}}";

static const char failed_text[] =
    "{\"format\": \"parkplan-plan/1\","
    " \"pairing\": {\"status\": \"infeasible\", \"reasons\": [\"pins give <b>community</b> 3\"],"
    "  \"pairs\": [], \"uncovered\": []},"
    " \"roster\": {\"status\": \"not_run\", \"assignments\": [], \"coverage\": [], \"seats\": []}}";

static void
load(struct snapshot *s, struct plan *p, struct plan *f, struct plan *failed)
{
	char err[512];
	json_t *d;

	d = json_loads(snapshot_text, 0, NULL);
	CHECK(d != NULL && snapshot_from_json(d, s, err, sizeof(err)) == 0);
	json_decref(d);
	d = json_loads(plan_text, 0, NULL);
	CHECK(d != NULL && plan_from_json(d, p, err, sizeof(err)) == 0);
	json_decref(d);
	d = json_loads(in_force_text, 0, NULL);
	CHECK(d != NULL && plan_from_json(d, f, err, sizeof(err)) == 0);
	json_decref(d);
	d = json_loads(failed_text, 0, NULL);
	CHECK_MSG(d != NULL && plan_from_json(d, failed, err, sizeof(err)) == 0, "%s", err);
	json_decref(d);
}

/* What report_html or report_csv wrote, as a string to free. */
static char *
render(const struct report_input *in, int table, int *rc)
{
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (table < 0)
		*rc = report_html(in, f, err, sizeof(err));
	else
		*rc = report_csv(in, (enum report_table)table, f, err, sizeof(err));
	fclose(f);
	return buf;
}

static void
test_tables(void)
{
	enum report_table t;
	int i;

	for (i = 0; i < REPORT_TABLES; i++) {
		char stem[64];

		CHECK(report_table_parse(report_table_file((enum report_table)i), &t) == 0 &&
		      t == (enum report_table)i);
		snprintf(stem, sizeof(stem), "%s", report_table_file((enum report_table)i));
		*strrchr(stem, '.') = '\0';
		CHECK(report_table_parse(stem, &t) == 0 && t == (enum report_table)i);
	}
	CHECK(strcmp(report_table_title(REPORT_PAIRS), "结对共建") == 0);
	CHECK(strcmp(report_table_title(REPORT_ASSIGNMENTS), "指导员派驻") == 0);
	CHECK(strcmp(report_table_title(REPORT_UNCOVERED), "未覆盖居民区") == 0);
	CHECK(strcmp(report_table_title(REPORT_WORKLOAD), "片区工作量") == 0);
	CHECK(strcmp(report_table_file(REPORT_WORKLOAD), "workload.csv") == 0);
	CHECK(report_table_parse("pairs.txt", &t) == -1);
	CHECK(report_table_parse("PAIRS.csv", &t) == -1);
	CHECK(report_table_parse("", &t) == -1);
	CHECK(report_table_parse("../pairs.csv", &t) == -1);
	CHECK(report_table_parse(NULL, &t) == -1);
}

static void
test_clean(void)
{
	char *c = report_clean("a\x01"
	                       "b\tc\xe2\x80\xae"
	                       "d\xc2\x85"
	                       "e\xff"
	                       "f\xe2\x81\xa6g\xc0\xafh");

	CHECK_MSG(c != NULL && strcmp(c, "ab cde\xef\xbf\xbd"
	                                 "fg\xef\xbf\xbd\xef\xbf\xbdh") == 0,
	          "%s", c);
	free(c);
	c = report_clean(NULL);
	CHECK(c != NULL && c[0] == '\0');
	free(c);
	CHECK_INT_EQ(report_text_width("王芳 A"), 6);
	CHECK_INT_EQ(report_text_width("a\xe2\x80\xae"), 1);
}

static void
test_csv(const struct report_input *in)
{
	int rc;
	char *out = render(in, REPORT_PAIRS, &rc);

	CHECK_INT_EQ(rc, 0);
	/* the name's newline becomes a space; the comma and quotes make it quoted */
	CHECK_STR_CONTAINS(out, "\xef\xbb\xbf企业,企业编号,统一社会信用代码,居民区,居民区编号,"
	                        "居民区编码,片区,得分,满足需求,距离(米),位置为估算\r\n"
	                        "\"Acme, \"\"Ltd\"\" \",7,,'=1+1,3,,A 东片区,652,"
	                        "2/3 (养老、托育),");
	CHECK(out != NULL && strncmp(out + strlen(out) - 2, "\r\n", 2) == 0);
	free(out);
	out = render(in, REPORT_ASSIGNMENTS, &rc);
	CHECK_STR_CONTAINS(out, "指导员,指导员编号,工号,专职/兼职,2027Q1,2027Q2\r\n"
	                        "王老师,5,,专职,A 东片区,B 西片区\r\n"
	                        "李老师,6,,兼职,A 东片区,不在岗\r\n");
	free(out);
	out = render(in, REPORT_UNCOVERED, &rc);
	CHECK_STR_CONTAINS(out, "'=1+1,3,,1,养老、助餐、托育,2,1\r\n四居民区,4,,1,,1,0\r\n");
	free(out);
	out = render(in, REPORT_WORKLOAD, &rc);
	CHECK_STR_CONTAINS(out, "A 东片区,2027Q1,9,150,1,1,1,1\r\nB 西片区,2027Q1,1,0,0,0,0,0\r\n");
	free(out);
}

static void
test_links(struct report_input *in, const struct plan *in_force)
{
	json_t *run =
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)7, "trigger", "replan",
	              "status", "succeeded", "created_at", "2027-01-02T09:30:00+08:00",
	              "approved_at", "2027-01-03T10:00:00+08:00", "approved_by", "<admin>");
	json_t *plans = json_pack("[{s:I, s:s, s:b}, {s:I, s:s, s:b}]", "id", (json_int_t)7,
	                          "status", "succeeded", "in_force", 0, "id", (json_int_t)6,
	                          "status", "succeeded", "in_force", 1);
	char *out;
	int rc;

	in->plan_id = 7;
	in->run = run;
	in->plans = plans;
	in->in_force = in_force;
	in->in_force_id = 6;
	in->link_prefix = "/parkplan/";
	out = render(in, -1, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/plans/7.xlsx\"");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/plans/7/pairs.csv\"");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/plans/7/workload.csv\"");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/report?plan=7&amp;zone=2\"");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/report?plan=6\"");
	CHECK_STR_CONTAINS(out, "第 7 号计划");
	CHECK_STR_CONTAINS(out, "已批准");
	CHECK_STR_CONTAINS(out, "&lt;admin&gt;");
	CHECK_STR_CONTAINS(out, "新增结对 1 对");
	CHECK_STR_CONTAINS(out, "取消结对 1 对");
	CHECK_STR_CONTAINS(out, "调整派驻 1 人次");
	CHECK_STR_CONTAINS(out, "新派驻 1 人次");
	CHECK_STR_CONTAINS(out, "<td>2027Q1</td><td>王老师</td><td>B 西片区</td><td>A 东片区</td>");
	CHECK(strstr(out, "http") == NULL && strstr(out, "<script") == NULL);
	free(out);

	/* a zone's page: back to the park, the others; the changes of that zone */
	in->zone_id = 2;
	out = render(in, -1, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_CONTAINS(out, "B 西片区 · 片区详情");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/report?plan=7\">园区总览");
	CHECK_STR_CONTAINS(out, "href=\"/parkplan/report?plan=7&amp;zone=1\"");
	CHECK_STR_CONTAINS(out, "新增结对 0 对");
	CHECK_STR_CONTAINS(out, "取消结对 1 对");
	free(out);

	/* the plan in force itself */
	in->zone_id = 0;
	in->in_force = NULL;
	in->in_force_id = 7;
	out = render(in, -1, &rc);
	CHECK_STR_CONTAINS(out, "现行计划");
	CHECK_STR_CONTAINS(out, "本计划即为现行计划");
	free(out);
	in->in_force_id = 0;
	in->run = NULL;
	in->plans = NULL;
	in->plan_id = 0;
	in->link_prefix = "";
	json_decref(run);
	json_decref(plans);
}

static void
test_failed(struct report_input *in, const struct plan *failed)
{
	const struct plan *p = in->p;
	char *out;
	int rc;

	in->p = failed;
	out = render(in, -1, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_CONTAINS(out, ">失败<");
	CHECK_STR_CONTAINS(out, "无可行方案");
	CHECK_STR_CONTAINS(out, "<li>pins give &lt;b&gt;community&lt;/b&gt; 3</li>");
	free(out);
	in->p = p;
}

static void
test_errors(struct report_input *in)
{
	char err[256] = "";
	FILE *full = fopen("/dev/full", "w");
	int rc;

	in->zone_id = 99;
	free(render(in, -1, &rc));
	CHECK_INT_EQ(rc, -1);
	in->zone_id = 0;
	if (full != NULL) {
		CHECK_INT_EQ(report_html(in, full, err, sizeof(err)), -1);
		CHECK_STR_CONTAINS(err, "writing the page");
		CHECK_INT_EQ(report_csv(in, REPORT_PAIRS, full, err, sizeof(err)), -1);
		fclose(full);
	}
	CHECK_INT_EQ(report_xlsx(in, "/nonexistent/dir/x.xlsx", err, sizeof(err)), -1);
}

int
main(void)
{
	struct snapshot s;
	struct plan p, f, failed;
	struct report_input in = {.link_prefix = ""};

	load(&s, &p, &f, &failed);
	in.s = &s;
	in.p = &p;
	test_tables();
	test_clean();
	test_csv(&in);
	test_links(&in, &f);
	test_failed(&in, &failed);
	test_errors(&in);
	plan_free(&p);
	plan_free(&f);
	plan_free(&failed);
	snapshot_free(&s);
	return check_done("test_report");
}
