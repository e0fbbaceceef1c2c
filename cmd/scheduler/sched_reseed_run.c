/* A reseed (SAFETY.md section 4): decide, fence every member through its
 * executor (or Mesos kill, confirmed by a terminal status), rank the
 * fenced members that hold data, force the best with
 * --force-new-cluster, and only once it is healthy kill the others and
 * let the planner grow the cluster back with learners. Every step is
 * recorded under reseed/<id>. While a reseed runs the planner does
 * nothing. One reseed at a time. See sched.h.
 *
 * Not in this build: resuming a reseed after a scheduler failover (a new
 * leader sees the record and logs it; the operator starts a new one). */
#include "sched.h"

#include "base/buf.h"
#include "base/log.h"
#include "cluster/fw_message.h"
#include "cluster/rank.h"
#include "cluster/status_data.h"
#include "cluster/task_id.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RS_MAX HEALTH_MAX_MEMBERS
#define FENCE_WAIT_MS 5000
#define KILL_REPEAT_MS 10000
#define FORCE_WAIT_MS 60000

enum rs_step { RS_IDLE = 0, RS_FENCE, RS_FORCE, RS_STUCK };

struct rs_member {
	char task_id[TASK_ID_MAX + 1];
	char agent_id[TASK_ID_MAX + 1];
	char name[IDENT_NAME_MAX + 1];
	bool fenced;
	bool answered;           /* the executor answered the fence */
	bool killed;             /* a Mesos kill was sent */
	struct fw_fence_answer ans;
};

static struct {
	enum rs_step step;
	char id[32];
	char reason[160];
	struct rs_member m[RS_MAX];
	size_t n;
	int chosen;              /* index in m */
	const char *tried[RS_MAX];
	size_t n_tried;
	uint64_t highest_index;  /* before the fence */
	struct ev_timer timer;
	bool timer_ready;
} rs;

bool sched_reseeding(void)
{
	return rs.step != RS_IDLE;
}

const char *sched_reseed_id(void)
{
	return rs.step != RS_IDLE ? rs.id : NULL;
}

const char *sched_reseed_step(void)
{
	static const char *const names[] = { "idle", "fence", "force", "stuck" };
	return names[rs.step];
}

static void record(struct sched *s, const char *step)
{
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return;
	cJSON_AddNumberToObject(j, "v", 1);
	cJSON_AddStringToObject(j, "id", rs.id);
	cJSON_AddStringToObject(j, "step", step);
	cJSON_AddStringToObject(j, "reason", rs.reason);
	cJSON_AddNumberToObject(j, "updated_ms", (double)sched_wall_ms());
	cJSON *mem = cJSON_AddArrayToObject(j, "members");
	for (size_t i = 0; mem && i < rs.n; i++) {
		cJSON *x = cJSON_CreateObject();
		if (!x)
			break;
		cJSON_AddStringToObject(x, "name", rs.m[i].name);
		cJSON_AddStringToObject(x, "task_id", rs.m[i].task_id);
		cJSON_AddBoolToObject(x, "fenced", rs.m[i].fenced);
		cJSON_AddBoolToObject(x, "has_data", rs.m[i].answered && rs.m[i].ans.has_data);
		cJSON_AddNumberToObject(x, "raft_index", (double)rs.m[i].ans.raft_index);
		cJSON_AddNumberToObject(x, "raft_term", (double)rs.m[i].ans.raft_term);
		cJSON_AddItemToArray(mem, x);
	}
	if (rs.chosen >= 0)
		cJSON_AddStringToObject(j, "candidate", rs.m[rs.chosen].name);
	cJSON_AddNumberToObject(j, "highest_index_before", (double)rs.highest_index);
	char *txt = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!txt)
		return;
	if (zk_store_put_reseed(s->store, rs.id, txt, strlen(txt), NULL, NULL) < 0)
		log_error("reseed %s: cannot record step %s", rs.id, step);
	cJSON_free(txt);
}

static int send_op(struct sched *s, struct rs_member *m, enum fw_op op)
{
	struct fw_message req;
	struct buf b;
	char err[256];
	int rc;

	fw_request_init(&req, op, rs.id);
	buf_init(&b);
	rc = fw_message_encode(&req, &b, err, sizeof err);
	if (rc == 0)
		rc = sched_message(s->mesos, m->agent_id, m->task_id, b.data, b.len, NULL, NULL);
	buf_finish(&b);
	if (rc < 0)
		log_warn("reseed %s: %s to %s not sent: %s", rs.id, fw_op_name(op), m->name,
			 strerror(-rc));
	return rc;
}

static void kill_member(struct sched *s, struct rs_member *m, const char *why)
{
	if (!sched_can_act(s)) {
		log_warn("reseed %s: not killing %s: the leader fence is stale", rs.id, m->name);
		return;
	}
	log_info("reseed %s: killing %s through Mesos (%s)", rs.id, m->name, why);
	sched_kill(s->mesos, m->task_id, m->agent_id, NULL, NULL);
	struct sched_task *t = sched_task_get(s, m->task_id, true);
	if (t)
		t->kill_sent = true;
	m->killed = true;
}

static void force_next(struct sched *s);

static void all_fenced_check(struct sched *s)
{
	if (rs.step != RS_FENCE)
		return;
	for (size_t i = 0; i < rs.n; i++)
		if (!rs.m[i].fenced)
			return;
	log_info("reseed %s: every member is fenced", rs.id);
	record(s, "fenced");
	force_next(s);
}

static void force_next(struct sched *s)
{
	struct rank_candidate c[RS_MAX];
	size_t order[RS_MAX], n_order = 0;
	int chosen = -1;

	for (size_t i = 0; i < rs.n; i++)
		c[i] = (struct rank_candidate){
			.name = rs.m[i].name, .member_id = rs.m[i].ans.member_id,
			.has_data = rs.m[i].answered && rs.m[i].ans.has_data &&
				    rs.m[i].ans.from != FW_FROM_NONE,
			.raft_index = rs.m[i].ans.raft_index, .raft_term = rs.m[i].ans.raft_term,
			.raft_applied_index = rs.m[i].ans.applied_index,
		};
	if (rank_reseed(c, rs.n, rs.tried, rs.n_tried, order, RS_MAX, &n_order, &chosen) < 0 ||
	    chosen < 0) {
		rs.step = RS_STUCK;
		rs.chosen = -1;
		log_error("reseed %s: no fenced member left to force: stopping here, killing "
			  "nothing; the fenced tasks keep their data for a human (see reseed/%s "
			  "in ZooKeeper)", rs.id, rs.id);
		record(s, "stuck");
		return;
	}
	rs.chosen = chosen;
	rs.tried[rs.n_tried++] = rs.m[chosen].name;
	rs.step = RS_FORCE;
	log_info("reseed %s: forcing %s (raft index %llu, term %llu) as a one-member cluster",
		 rs.id, rs.m[chosen].name, (unsigned long long)rs.m[chosen].ans.raft_index,
		 (unsigned long long)rs.m[chosen].ans.raft_term);
	record(s, "force");
	send_op(s, &rs.m[chosen], FW_OP_FORCE);
	ev_timer_start(s->loop, &rs.timer, FORCE_WAIT_MS, 0);
}

static void grow(struct sched *s)
{
	struct rs_member *w = &rs.m[rs.chosen];
	ev_timer_stop(s->loop, &rs.timer);
	log_info("reseed %s: %s serves as a healthy one-member cluster at raft index %llu "
		 "(highest seen before the fence: %llu); the others go, the cluster grows back "
		 "with learners", rs.id, w->name, (unsigned long long)w->ans.raft_index,
		 (unsigned long long)rs.highest_index);
	for (size_t i = 0; i < rs.n; i++) {
		if ((int)i == rs.chosen)
			continue;
		const struct registry_record *r = zk_store_task_find(s->store, rs.m[i].task_id);
		if (r && r->state != MEMBER_DEAD && r->state != MEMBER_REMOVED) {
			struct registry_record rec = *r;
			rec.state = MEMBER_DEAD;
			sched_put(s, &rec, NULL, NULL);
		}
		if (!rs.m[i].killed && (!r || !sched_task_terminal_name(r->task_state)))
			kill_member(s, &rs.m[i], "the forced survivor is healthy");
	}
	const struct registry_record *r = zk_store_task_find(s->store, w->task_id);
	if (r && (r->learner || r->state != MEMBER_RUNNING)) {
		struct registry_record rec = *r;
		rec.learner = false;
		rec.state = MEMBER_RUNNING;
		sched_put(s, &rec, NULL, NULL);
	}
	s->cluster_reseeds++;
	record(s, "done");
	rs.step = RS_IDLE;
	s->etcd_listed = false;
	sched_etcd_relist(s);
	sched_replan(s);
}

static void timer_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	if (rs.step == RS_FENCE) {
		for (size_t i = 0; i < rs.n; i++)
			if (!rs.m[i].fenced)
				kill_member(s, &rs.m[i], "its executor did not answer the fence");
		ev_timer_start(s->loop, &rs.timer, KILL_REPEAT_MS, 0);
	} else if (rs.step == RS_FORCE) {
		struct rs_member *m = &rs.m[rs.chosen];
		log_warn("reseed %s: %s did not become healthy in %d s; fencing it again and "
			 "trying the next candidate", rs.id, m->name, FORCE_WAIT_MS / 1000);
		send_op(s, m, FW_OP_FENCE);
		force_next(s);
	}
}

/* An answer of an executor (framework message or status data). */
static void on_answer(struct sched *s, const char *task_id, const struct fw_message *a)
{
	if (rs.step == RS_IDLE || strcmp(a->reseed_id, rs.id) != 0)
		return;
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_member *m = &rs.m[i];
		if (strcmp(m->task_id, task_id) != 0)
			continue;
		if (a->op == FW_OP_FENCE && !m->answered) {
			if (a->error[0]) {
				log_warn("reseed %s: %s could not fence: %s", rs.id, m->name, a->error);
				return;
			}
			m->answered = true;
			m->fenced = a->fence.fenced;
			m->ans = a->fence;
			/* etcd did not answer its executor: our own last sample of
			 * it may be newer than the executor's */
			const struct sched_task *t = sched_task_get(s, m->task_id, false);
			for (size_t k = t && a->fence.from != FW_FROM_ETCD ? t->n_samples : 0; k-- > 0;) {
				const struct health_sample *h = &t->samples[k];
				if (!h->reachable)
					continue;
				if (m->ans.has_data && h->raft_index > m->ans.raft_index) {
					m->ans.raft_index = h->raft_index;
					m->ans.raft_term = h->raft_term;
					m->ans.applied_index = h->raft_applied_index;
					m->ans.from = FW_FROM_LAST_SAMPLE;
				}
				break;
			}
			log_info("reseed %s: %s fenced (raft index %llu, term %llu, from %s)", rs.id,
				 m->name, (unsigned long long)a->fence.raft_index,
				 (unsigned long long)a->fence.raft_term,
				 fw_fence_from_name(a->fence.from));
			all_fenced_check(s);
		} else if (a->op == FW_OP_FORCE && rs.step == RS_FORCE && (int)i == rs.chosen) {
			if (a->force.state == FW_FORCE_HEALTHY)
				grow(s);
			else if (a->force.state == FW_FORCE_FAILED || a->error[0]) {
				log_warn("reseed %s: force of %s failed: %s", rs.id, m->name,
					 a->error[0] ? a->error : a->force.message);
				send_op(s, m, FW_OP_FENCE);
				force_next(s);
			}
		}
		return;
	}
}

void sched_reseed_message(struct sched *s, const char *executor_id, const void *data, size_t len)
{
	struct fw_message m;
	char err[256];
	if (fw_message_decode(&m, FW_ANSWER, data, len, err, sizeof err) < 0) {
		log_warn("framework message from %s: %s", executor_id, err);
		return;
	}
	on_answer(s, executor_id, &m);
}

void sched_reseed_status(struct sched *s, const char *task_id, bool terminal,
			 const struct status_data *sd)
{
	if (rs.step == RS_IDLE)
		return;
	if (sd && sd->has_answer)
		on_answer(s, task_id, &sd->answer);
	if (!terminal)
		return;
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_member *m = &rs.m[i];
		if (strcmp(m->task_id, task_id) != 0 || m->fenced)
			continue;
		m->fenced = true;   /* its task is gone: nothing of it can run */
		log_info("reseed %s: %s fenced by its task's end", rs.id, m->name);
		if (rs.step == RS_FORCE && (int)i == rs.chosen) {
			log_warn("reseed %s: the candidate's task ended", rs.id);
			force_next(s);
		}
	}
	all_fenced_check(s);
}

int sched_reseed_start(struct sched *s, const char *reason, char *err, size_t errlen)
{
	char uniq[14];
	if (rs.step == RS_FENCE || rs.step == RS_FORCE) {
		snprintf(err, errlen, "a reseed is already running (%s)", rs.id);
		return -EBUSY;
	}
	if (!s->leader || !s->subscribed || !sched_can_act(s)) {
		snprintf(err, errlen, "not ready (not subscribed, or the leader fence is stale)");
		return -EAGAIN;
	}
	if (s->healthy) {
		snprintf(err, errlen, "the cluster is healthy: a reseed would throw members away");
		return -EBUSY;
	}
	if (!rs.timer_ready) {
		ev_timer_init(&rs.timer, timer_cb, s);
		rs.timer_ready = true;
	}
	memset(rs.m, 0, sizeof rs.m);
	rs.n = 0;
	rs.n_tried = 0;
	rs.chosen = -1;
	rs.highest_index = 0;
	task_id_uniq((uint64_t)sched_wall_ms(), uniq);
	snprintf(rs.id, sizeof rs.id, "r-%s", uniq);
	snprintf(rs.reason, sizeof rs.reason, "%s", reason);
	size_t total = zk_store_task_count(s->store);
	for (size_t i = 0; i < total && rs.n < RS_MAX; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED || r->foreign ||
		    sched_task_terminal_name(r->task_state))
			continue;
		struct rs_member *m = &rs.m[rs.n++];
		snprintf(m->task_id, sizeof m->task_id, "%s", r->task_id);
		snprintf(m->agent_id, sizeof m->agent_id, "%s", r->agent_id);
		snprintf(m->name, sizeof m->name, "%s", r->name);
		struct sched_task *t = sched_task_get(s, r->task_id, false);
		for (size_t k = 0; t && k < t->n_samples; k++)
			if (t->samples[k].reachable && t->samples[k].raft_index > rs.highest_index)
				rs.highest_index = t->samples[k].raft_index;
	}
	if (rs.n == 0) {
		snprintf(err, errlen, "no member task is running: nothing to reseed from");
		return -EINVAL;
	}
	rs.step = RS_FENCE;
	log_warn("reseed %s started (%s): fencing %zu members", rs.id, reason, rs.n);
	record(s, "decided");
	for (size_t i = 0; i < rs.n; i++)
		send_op(s, &rs.m[i], FW_OP_FENCE);
	ev_timer_start(s->loop, &rs.timer, FENCE_WAIT_MS, 0);
	return 0;
}

void sched_reseed_stop(struct sched *s)
{
	if (rs.timer_ready)
		ev_timer_stop(s->loop, &rs.timer);
}
