/* After a total loss (plan_total_loss: every member dead and its task
 * gone), the scheduler launches nothing on its own: an empty cluster in
 * place of the lost one would look healthy to every client while all the
 * data is gone. POST /fresh-cluster?confirm=<framework name> is the
 * operator saying "start over, empty": every member record (all of them
 * dead) is deleted from the registry, one by one, so the planner sees no
 * cluster and bootstraps a new one. Member names keep counting up (the
 * counter is not touched), so the new members never reuse a dead one's
 * name. A scheduler that dies half way leaves some dead records: still a
 * total loss, and the operator repeats the call. See sched.h. */
#include "sched.h"

#include "admin.h"
#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool running;

static int delete_next(struct sched *s);

static void deleted(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	(void)st;
	if (rc < 0) {
		log_error("fresh cluster: deleting a dead member's record failed: %s; stopped, "
			  "still a total loss: send POST /fresh-cluster again", err);
		running = false;
		sched_done(s);
		return;
	}
	sched_crash_point("fresh-record-deleted");
	if (delete_next(s) < 0) {
		running = false;
		sched_done(s);
	}
}

/* Deletes the first record left, or finishes. 0, or a negative errno when
 * the delete could not be sent (then nothing more happens). */
static int delete_next(struct sched *s)
{
	size_t n = zk_store_task_count(s->store);
	if (n > 0) {
		const struct registry_record *r = zk_store_task_at(s->store, 0);
		log_warn("fresh cluster: forgetting dead member %s (task %s on agent %s, %s)",
			 r->name, r->task_id, r->agent_id, member_state_name(r->state));
		int rc = zk_store_delete_task(s->store, r->task_id, deleted, s);
		if (rc < 0)
			log_error("fresh cluster: cannot delete the record of %s: %s; stopped, "
				  "still a total loss: send POST /fresh-cluster again", r->name,
				  strerror(-rc));
		return rc;
	}
	running = false;
	s->total_loss = false;
	s->fresh_clusters++;
	log_warn("fresh cluster: the registry is empty; bootstrapping a new, EMPTY etcd "
		 "cluster of %u members (the lost cluster's data is not in it)",
		 (unsigned)s->cfg->cluster_size);
	sched_done(s);
	return 0;
}

int sched_fresh_request(void *arg, const char *confirm, struct admin_result *res)
{
	struct sched *s = arg;
	const char *name = s->cfg->framework_name;

	if (running) {
		snprintf(res->error, sizeof res->error, "a fresh cluster is already being started");
		return -EBUSY;
	}
	if (!s->leader || !s->subscribed || !sched_can_act(s)) {
		snprintf(res->error, sizeof res->error,
			 "not ready (not subscribed, or the leader fence is stale); retry shortly");
		return -EAGAIN;
	}
	if (sched_reseeding() || sched_tearing_down()) {
		snprintf(res->error, sizeof res->error, "a %s is running; wait for it to end",
			 sched_reseeding() ? "reseed" : "teardown");
		return -EBUSY;
	}
	if (!s->total_loss) {
		snprintf(res->error, sizeof res->error,
			 "refused: this is not a total loss (members are left that may hold the "
			 "data); a fresh cluster is only for when none is: see /stats, and use "
			 "/reseed to recover from a lost quorum");
		return -EBUSY;
	}
	if (!confirm || strcmp(confirm, name) != 0) {
		snprintf(res->error, sizeof res->error,
			 "confirm: send ?confirm=%s to accept a new, empty cluster in place of "
			 "the lost one", name);
		return -EINVAL;
	}
	if (s->busy) {
		snprintf(res->error, sizeof res->error, "an action is in flight; retry shortly");
		return -EAGAIN;
	}
	log_warn("fresh cluster requested through the admin API after a total loss: the lost "
		 "cluster's %zu dead member records are forgotten and a new, empty cluster is "
		 "bootstrapped", zk_store_task_count(s->store));
	running = true;
	s->busy = true;
	int rc = delete_next(s);
	if (rc < 0) {
		running = false;
		s->busy = false;
		snprintf(res->error, sizeof res->error,
			 "cannot delete the dead members' records: %s; still a total loss",
			 strerror(-rc));
		return -EIO;
	}
	res->status = 202;
	res->body = cJSON_CreateObject();
	if (res->body) {
		cJSON_AddStringToObject(res->body, "fresh_cluster", "started");
		cJSON_AddNumberToObject(res->body, "cluster_size", (double)s->cfg->cluster_size);
	}
	return 0;
}
