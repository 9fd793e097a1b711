/*
 * words.c - the planners' words (zh-CN) for what the plan documents spell
 * in English: a part's status, the solution method, the party
 * organisation, what triggered a run and how it ended.
 */
#include <stddef.h>
#include <string.h>

#include "report_impl.h"

const char *
report_status_words(enum part_status s)
{
	switch (s) {
	case PART_OPTIMAL:
		return "最优（已证明）";
	case PART_FEASIBLE:
		return "可行（未证明最优）";
	case PART_INFEASIBLE:
		return "无可行方案";
	case PART_ERROR:
		return "求解失败";
	case PART_NOT_RUN:
	default:
		return "未求解";
	}
}

struct word {
	const char *en, *zh;
};

static const char *
lookup(const struct word *w, size_t n, const char *en, const char *unknown)
{
	size_t i;

	if (en == NULL || en[0] == '\0')
		return unknown;
	for (i = 0; i < n; i++)
		if (strcmp(w[i].en, en) == 0)
			return w[i].zh;
	return en;
}

const char *
report_method_words(const char *method)
{
	static const struct word w[] = {
	    {"min-cost flow", "最小费用流"},
	    {"branch-and-cut", "分支切割（GLPK）"},
	    {"local search with Lagrangian bound", "局部搜索（拉格朗日界）"},
	    {"one-period LPs", "逐时段线性规划"},
	    {"LP rounding", "线性规划取整"},
	    {"first roster", "初始派驻方案"},
	};

	return lookup(w, sizeof(w) / sizeof(w[0]), method, "—");
}

const char *
report_org_words(enum party_org o)
{
	switch (o) {
	case ORG_COMMITTEE:
		return "党委";
	case ORG_GENERAL_BRANCH:
		return "党总支";
	case ORG_BRANCH:
		return "独立党支部";
	case ORG_JOINT_BRANCH:
		return "联合党支部";
	case ORG_NONE:
	case ORG_INVALID:
	default:
		return "无党组织";
	}
}

const char *
report_trigger_words(const char *trigger)
{
	static const struct word w[] = {
	    {"replan", "手动发起"}, {"data_change", "数据变更后"}, {"schedule", "定时"},
	    {"startup", "启动时"},  {"offline", "离线求解"},
	};

	return lookup(w, sizeof(w) / sizeof(w[0]), trigger, "离线求解");
}

const char *
report_run_status_words(const char *status)
{
	static const struct word w[] = {
	    {"running", "进行中"},
	    {"succeeded", "已完成"},
	    {"failed", "失败"},
	};

	return lookup(w, sizeof(w) / sizeof(w[0]), status, "—");
}
