/* Teardown through the admin API (SAFETY.md section 8): the tombstone
 * first, so that no standby takes over and starts afresh; then every task
 * is killed, Mesos is told TEARDOWN, the framework's state is deleted
 * (framework id included: SAFETY.md section 3), and the scheduler exits 0.
 * See sched.h. */
#include "sched.h"

#include "admin.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool tearing_down;

static void purged(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("teardown: deleting the framework's state failed: %s; the tombstone "
			  "stays, so no scheduler will run this framework again; delete the rest "
			  "with `etcd-mesos ctl teardown`", err);
		s->exit_status = 1;
	} else {
		log_info("teardown: framework \"%s\" is gone; its state in ZooKeeper is deleted",
			 s->cfg->framework_name);
		s->exit_status = 0;
	}
	ev_stop(s->loop);
}

static void torn_down(struct sched_session *ss, const struct sched_call_result *r, void *arg)
{
	struct sched *s = arg;
	if (r->err || r->status != 202)
		log_warn("teardown: TEARDOWN call answered %d (%s); deleting the state anyway",
			 r->status, r->err ? strerror(-r->err) : r->body);
	if (zk_store_purge(s->store, purged, s) < 0) {
		log_error("teardown: cannot delete the framework's state");
		s->exit_status = 1;
		ev_stop(s->loop);
	}
}

static void marked(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("teardown: cannot write the tombstone: %s; nothing was killed", err);
		tearing_down = false;
		return;
	}
	size_t n = zk_store_task_count(s->store);
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (r->foreign || sched_task_terminal_name(r->task_state))
			continue;
		if (r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED)
			continue;
		log_info("teardown: killing %s", r->task_id);
		sched_kill(s->mesos, r->task_id, r->agent_id, NULL, NULL);
	}
	if (!s->mesos || sched_teardown(s->mesos, torn_down, s) < 0) {
		struct sched_call_result none = { .err = -ENOTCONN, .body = "" };
		torn_down(s->mesos, &none, s);
	}
}

int sched_teardown_request(void *arg, struct admin_result *res)
{
	struct sched *s = arg;
	if (tearing_down) {
		snprintf(res->error, sizeof res->error, "a teardown is already running");
		return -EBUSY;
	}
	if (!s->leader || !s->subscribed || !sched_can_act(s)) {
		snprintf(res->error, sizeof res->error,
			 "not ready to tear down (not subscribed, or the leader fence is stale); "
			 "retry shortly");
		return -EAGAIN;
	}
	int rc = zk_store_mark_teardown(s->store, "teardown requested through the admin API",
					marked, s);
	if (rc < 0) {
		snprintf(res->error, sizeof res->error, "cannot write the teardown tombstone: %s",
			 strerror(-rc));
		return rc == -EINVAL ? -EIO : rc;
	}
	tearing_down = true;
	log_warn("teardown of framework \"%s\" (%s) started: every etcd member will be killed",
		 s->cfg->framework_name, s->framework_id);
	res->status = 202;
	res->body = cJSON_CreateObject();
	if (res->body) {
		cJSON_AddStringToObject(res->body, "teardown", "started");
		cJSON_AddStringToObject(res->body, "framework_id", s->framework_id);
	}
	return 0;
}

bool sched_tearing_down(void)
{
	return tearing_down;
}
