/*
 * test_daemon_triggers.c - when parkpland asks for a run by itself
 * (daemon/triggers.c), on a real event loop with short delays: a burst of
 * data changes gives one run after the quiet, a burst that goes on gives
 * one at the maximum delay, the schedule asks at its interval, and a
 * standby or a shutdown forgets what was waiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parkpland.h"

struct asked {
	int n;
	enum run_trigger trigger[16];
	double at[16];
};

static struct asked asked;

static void
on_request(void *arg, enum run_trigger trigger)
{
	(void)arg;
	if (asked.n < 16) {
		asked.trigger[asked.n] = trigger;
		asked.at[asked.n] = monotonic_s();
	}
	asked.n++;
}

static bool
on_idle(void *arg)
{
	(void)arg;
	return true;
}

static int64_t
on_current(void *arg)
{
	(void)arg;
	return 0;
}

static void
on_plan(void *arg, int64_t id)
{
	(void)arg;
	(void)id;
}

/* Data changes every `every` seconds, `count` times, from the loop. */
struct burst {
	struct triggers *t;
	struct event *ev;
	int left;
	double every;
	double first, last;
	bool waiting_seen; /* data_change_waiting was true during the burst */
};

static void
burst_cb(evutil_socket_t fd, short what, void *arg)
{
	struct burst *b = arg;
	struct timeval tv = seconds_tv(b->every);
	json_t *o = json_object();

	(void)fd;
	(void)what;
	triggers_data_changed(b->t);
	b->last = monotonic_s();
	if (b->first == 0)
		b->first = b->last;
	triggers_status_json(b->t, o);
	if (json_is_true(json_object_get(o, "data_change_waiting")))
		b->waiting_seen = true;
	json_decref(o);
	if (--b->left > 0)
		evtimer_add(b->ev, &tv);
}

/* Run the loop for s seconds. */
static void
run_for(struct event_base *base, double s)
{
	struct timeval tv = seconds_tv(s);

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static struct triggers *
make(struct parkpland *env)
{
	struct trigger_hooks hooks = {on_request, on_idle, on_current, on_plan, NULL};
	struct triggers *t = triggers_new(env, &hooks);

	CHECK(t != NULL);
	memset(&asked, 0, sizeof(asked));
	return t;
}

static void
start_burst(struct parkpland *env, struct burst *b, struct triggers *t, int count, double every)
{
	struct timeval now = {0, 0};

	memset(b, 0, sizeof(*b));
	b->t = t;
	b->left = count;
	b->every = every;
	b->ev = evtimer_new(env->base, burst_cb, b);
	evtimer_add(b->ev, &now);
}

static void
test_quiet(struct parkpland *env)
{
	struct triggers *t;
	struct burst b;
	json_t *o;

	env->conf->notify_quiet_s = 0.2;
	env->conf->notify_max_delay_s = 0;
	t = make(env);
	start_burst(env, &b, t, 7, 0.05); /* 0.3 s of changes */
	run_for(env->base, 0.9);
	CHECK_INT_EQ(asked.n, 1);
	CHECK(asked.trigger[0] == TRIGGER_DATA_CHANGE);
	CHECK_MSG(asked.at[0] - b.last >= 0.19 && asked.at[0] - b.last < 0.45,
	          "asked %.3f s after the last change", asked.at[0] - b.last);
	CHECK(b.waiting_seen);
	o = json_object();
	triggers_status_json(t, o);
	CHECK(json_is_false(json_object_get(o, "data_change_waiting")));
	json_decref(o);
	event_free(b.ev);
	triggers_free(t);
}

static void
test_max_delay(struct parkpland *env)
{
	struct triggers *t;
	struct burst b;

	env->conf->notify_quiet_s = 0.3;
	env->conf->notify_max_delay_s = 0.5;
	t = make(env);
	start_burst(env, &b, t, 9, 0.1); /* never 0.3 s quiet for 0.8 s */
	run_for(env->base, 0.75);
	CHECK_INT_EQ(asked.n, 1);
	CHECK(asked.trigger[0] == TRIGGER_DATA_CHANGE);
	CHECK_MSG(asked.at[0] - b.first >= 0.49 && asked.at[0] - b.first < 0.7,
	          "asked %.3f s after the first change", asked.at[0] - b.first);
	/*
	 * The changes after it start a new wait, which ends at its own
	 * maximum delay (its first change came after the first run).
	 */
	run_for(env->base, 0.8);
	CHECK_INT_EQ(asked.n, 2);
	if (asked.n == 2)
		CHECK_MSG(asked.at[1] - asked.at[0] >= 0.44, "asked %.3f s after the first run",
		          asked.at[1] - asked.at[0]);
	event_free(b.ev);
	triggers_free(t);
}

static void
test_schedule(struct parkpland *env)
{
	struct triggers *t;
	double t0 = monotonic_s();

	env->conf->schedule_interval_s = 0.3;
	t = make(env);
	run_for(env->base, 0.75);
	CHECK_INT_EQ(asked.n, 2);
	CHECK(asked.trigger[0] == TRIGGER_SCHEDULE && asked.trigger[1] == TRIGGER_SCHEDULE);
	CHECK_MSG(asked.at[0] - t0 >= 0.29 && asked.at[0] - t0 < 0.5, "first after %.3f s",
	          asked.at[0] - t0);
	CHECK_MSG(asked.at[1] - asked.at[0] >= 0.29, "then after %.3f s",
	          asked.at[1] - asked.at[0]);
	/* no schedule after a reload without one */
	env->conf->schedule_interval_s = 0;
	triggers_config_changed(t);
	run_for(env->base, 0.4);
	CHECK_INT_EQ(asked.n, 2);
	triggers_free(t);
}

static void
test_forgotten(struct parkpland *env)
{
	struct triggers *t;

	env->conf->notify_quiet_s = 0.1;
	env->conf->notify_max_delay_s = 0;
	t = make(env);
	triggers_data_changed(t);
	triggers_standby(t); /* another parkpland plans: the change is its business */
	run_for(env->base, 0.3);
	CHECK_INT_EQ(asked.n, 0);
	triggers_data_changed(t);
	triggers_shutdown(t);
	triggers_data_changed(t);
	run_for(env->base, 0.3);
	CHECK_INT_EQ(asked.n, 0);
	triggers_free(t);
}

int
main(void)
{
	struct parkpland env = {0};
	struct config conf;
	char err[256];

	setvbuf(stdout, NULL, _IOFBF, 0);
	log_set_level(LOG_LEVEL_WARNING);
	CHECK_INT_EQ(config_load(NULL, NULL, 0, &conf, err, sizeof(err)), 0);
	env.base = event_base_new();
	env.conf = &conf;
	test_quiet(&env);
	test_max_delay(&env);
	test_schedule(&env);
	test_forgotten(&env);
	config_free(&conf);
	event_base_free(env.base);
	return check_done("test_daemon_triggers");
}
