/* Status updates (effect written to ZooKeeper, then acknowledged:
 * SAFETY.md section 1) and task reconciliation with Mesos. See sched.h. */
#include "sched.h"

#include "base/log.h"
#include "cluster/status_data.h"
#include "cluster/task_id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECONCILE_FIRST_MS 1000
#define RECONCILE_MAX_MS 30000

static const char *const terminal_names[] = {
	"TASK_FAILED", "TASK_KILLED", "TASK_FINISHED", "TASK_ERROR", "TASK_LOST",
	"TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNREACHABLE",
	"TASK_UNKNOWN",
};

bool sched_task_terminal_name(const char *name)
{
	for (size_t i = 0; i < sizeof terminal_names / sizeof *terminal_names; i++)
		if (strcmp(name, terminal_names[i]) == 0)
			return true;
	return false;
}

static const char *state_name(int state)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&mesos__v1__task_state__descriptor, state);
	return v ? v->name : "TASK_UNKNOWN_STATE";
}

/* Mesos says the task's launch failed before our executor could start
 * etcd: the task never reached the executor (dropped, invalid), the
 * container never started (the fetch failed), or the executor never
 * registered, so it never received the task. A reconciliation answer
 * (REASON_RECONCILIATION) proves nothing; the real update comes after. */
static bool launch_failed(const Mesos__V1__TaskStatus *st)
{
	if (st->state == MESOS__V1__TASK_STATE__TASK_ERROR ||
	    st->state == MESOS__V1__TASK_STATE__TASK_DROPPED)
		return true;
	if (!st->has_reason)
		return false;
	switch (st->reason) {
	case MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED:
	case MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REGISTRATION_TIMEOUT:
	case MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID:
	case MESOS__V1__TASK_STATUS__REASON__REASON_TASK_UNAUTHORIZED:
	case MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS:
		return true;
	default:
		return false;
	}
}

/* What an acknowledgement needs, kept across the registry write. */
struct ack_ctx {
	struct sched *s;
	char task_id[TASK_ID_MAX + 1];
	char agent_id[TASK_ID_MAX + 1];
	uint8_t uuid[16];
	bool has_uuid;
	const char *after;      /* crash point of the state written, or NULL */
};

static void ack_send(struct ack_ctx *a)
{
	if (!a->has_uuid || !a->s->mesos)
		return;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	tid.value = a->task_id;
	aid.value = a->agent_id;
	st.task_id = &tid;
	st.agent_id = &aid;
	st.has_uuid = 1;
	st.uuid.len = 16;
	st.uuid.data = a->uuid;
	int rc = sched_acknowledge(a->s->mesos, &st, NULL, NULL);
	if (rc < 0)
		log_warn("ACKNOWLEDGE of %s not sent: %s (Mesos will resend the update)",
			 a->task_id, strerror(-rc));
}

static void written(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct ack_ctx *a = arg;
	if (rc < 0) {
		log_error("status of %s not recorded: %s; not acknowledged, Mesos resends it",
			  a->task_id, err);
	} else {
		if (a->after)
			sched_crash_point(a->after);
		sched_crash_point("status-written");
		ack_send(a);
	}
	sched_replan(a->s);
	free(a);
}

static void check_reconciled(struct sched *s)
{
	if (s->reconciled || !s->subscribed)
		return;
	size_t n = zk_store_task_count(s->store);
	for (size_t i = 0; i < n; i++) {
		const struct sched_task *t = sched_task_get(s, zk_store_task_at(s->store, i)->task_id,
							    false);
		if (t && !t->answered)
			return;
	}
	s->reconciled = true;
	ev_timer_stop(s->loop, &s->reconcile_timer);
	log_info("reconciled: Mesos has answered for every one of the %zu registry tasks", n);
	sched_replan(s);
}

/* Tasks of ours the registry does not know, waiting for an etcd member
 * list to decide on (adopt or kill). The planner waits for them. */
#define MAX_PENDING 16
static struct pending {
	char task_id[TASK_ID_MAX + 1];
	char agent_id[TASK_ID_MAX + 1];
	char state[REGISTRY_TASK_STATE_MAX + 1];
} pending[MAX_PENDING];
static size_t n_pending;
static unsigned adopting;   /* adoption writes in flight */

bool sched_unknown_pending(void)
{
	return n_pending > 0 || adopting > 0;
}

static void adopted(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0)
		log_error("adoption not recorded: %s; the next reconciliation tries again", err);
	else
		sched_crash_point("adopted");
	adopting--;
	sched_replan(s);
}

/* The master answered the KILL of an orphan: the crash point after it. */
static void orphan_killed(struct sched_session *ss, const struct sched_call_result *r, void *arg)
{
	if (r->err == 0 && r->status / 100 == 2)
		sched_crash_point("orphan-killed");
}

/* Adopt the task when its peer URL is a member of etcd, else kill it
 * (SAFETY.md section 1). Needs s->etcd_listed. */
static void decide(struct sched *s, const char *id, const char *agent_id, const char *sname,
		   const struct task_id_info *info)
{
	char url[IDENT_URL_MAX + 1];
	snprintf(url, sizeof url, "http://%s:%u", info->host, info->peer_port);
	const struct etcd_member *e = etcd_members_find_peer_url(&s->etcd_list, url);
	if (e && agent_id && *agent_id) {
		struct registry_record rec;
		registry_record_init(&rec);
		snprintf(rec.name, sizeof rec.name, "%s", info->name);
		snprintf(rec.task_id, sizeof rec.task_id, "%s", id);
		snprintf(rec.agent_id, sizeof rec.agent_id, "%s", agent_id);
		snprintf(rec.host, sizeof rec.host, "%s", info->host);
		rec.peer_port = info->peer_port;
		rec.client_port = info->client_port;
		rec.state = MEMBER_RUNNING;
		rec.etcd_id = e->id;
		rec.learner = e->is_learner;
		snprintf(rec.task_state, sizeof rec.task_state, "%s", sname);
		log_info("adopting task %s: its peer URL %s is etcd member %llx", id, url,
			 (unsigned long long)e->id);
		if (sched_put(s, &rec, adopted, s) == 0)
			adopting++;
		return;
	}
	if (!sched_can_act(s)) {
		log_warn("task %s is not ours to keep but the leader fence is stale: not killing", id);
		return;
	}
	log_warn("killing task %s: not in the registry and its peer URL %s is no etcd member", id,
		 url);
	sched_kill(s->mesos, id, agent_id && *agent_id ? agent_id : NULL, orphan_killed, NULL);
}

static void unknown_task(struct sched *s, const char *id, const char *agent_id,
			 const char *sname)
{
	struct task_id_info info;
	if (task_id_parse(id, &info) == 0 && info.kind == TASK_ID_ORIGINAL) {
		sched_original_status(s, id, agent_id, sname, sched_task_terminal_name(sname));
		return;
	}
	if (sched_task_terminal_name(sname))
		return;
	if (task_id_parse(id, &info) < 0 || info.kind == TASK_ID_OTHER) {
		log_warn("status %s for task %s which is not an etcd member task: ignored", sname, id);
		return;
	}
	if (!s->etcd_listed) {
		for (size_t i = 0; i < n_pending; i++)
			if (strcmp(pending[i].task_id, id) == 0)
				return;
		if (n_pending == MAX_PENDING)
			return;   /* the next implicit reconciliation brings it again */
		struct pending *p = &pending[n_pending++];
		snprintf(p->task_id, sizeof p->task_id, "%s", id);
		snprintf(p->agent_id, sizeof p->agent_id, "%s", agent_id ? agent_id : "");
		snprintf(p->state, sizeof p->state, "%s", sname);
		log_info("task %s (%s) is not in the registry; deciding once the etcd member list "
			 "is known", id, sname);
		return;
	}
	decide(s, id, agent_id, sname, &info);
}

void sched_unknown_decide(struct sched *s)
{
	struct task_id_info info;
	if (!s->etcd_listed)
		return;
	for (size_t i = 0; i < n_pending; i++)
		if (!zk_store_task_find(s->store, pending[i].task_id) &&
		    task_id_parse(pending[i].task_id, &info) == 0)
			decide(s, pending[i].task_id, pending[i].agent_id, pending[i].state, &info);
	n_pending = 0;
}

void sched_status_update(struct sched *s, const Mesos__V1__TaskStatus *st)
{
	const char *id = st->task_id->value;
	const char *sname = state_name(st->state);
	struct ack_ctx *a = calloc(1, sizeof *a);
	if (!a)
		return;   /* not acknowledged: Mesos resends */
	a->s = s;
	snprintf(a->task_id, sizeof a->task_id, "%s", id);
	if (st->agent_id)
		snprintf(a->agent_id, sizeof a->agent_id, "%s", st->agent_id->value);
	if (st->has_uuid && st->uuid.len == 16 && st->agent_id) {
		memcpy(a->uuid, st->uuid.data, 16);
		a->has_uuid = true;
	}
	log_info("status %s for %s%s%s", sname, id, st->message ? ": " : "",
		 st->message ? st->message : "");

	struct status_data sd;
	bool have_sd = false;
	if (st->has_data && st->data.len) {
		char err[256];
		have_sd = status_data_decode(&sd, st->data.data, st->data.len, err, sizeof err) == 0;
		if (!have_sd)
			log_warn("status data of %s: %s", id, err);
	}
	sched_reseed_status(s, id, sched_task_terminal_name(sname), have_sd ? &sd : NULL);

	const struct registry_record *cur = s->store ? zk_store_task_find(s->store, id) : NULL;
	struct sched_task *t = sched_task_get(s, id, cur != NULL);
	if (t)
		t->answered = true;
	if (!cur) {
		if (s->leader && s->subscribed)
			unknown_task(s, id, st->agent_id ? st->agent_id->value : NULL, sname);
		goto ack;
	}
	struct registry_record rec = *cur;
	bool terminal = sched_task_terminal_name(sname);
	if (terminal) {
		if (rec.state <= MEMBER_RUNNING) {
			log_warn("member %s (%s) is gone: %s%s%s", rec.name, id, sname,
				 st->message ? ": " : "", st->message ? st->message : "");
			rec.state = MEMBER_DEAD;
			if (t && !t->failed_counted) {
				t->failed_counted = true;
				s->failed_servers++;
			}
		}
		snprintf(rec.task_state, sizeof rec.task_state, "%s", sname);
		if (launch_failed(st) && !rec.never_ran) {
			log_info("member %s never ran: its launch failed before etcd could start",
				 rec.name);
			rec.never_ran = true;
		}
	} else if (rec.state == MEMBER_LAUNCHED || rec.state == MEMBER_RUNNING) {
		if (st->state == MESOS__V1__TASK_STATE__TASK_RUNNING ||
		    st->state == MESOS__V1__TASK_STATE__TASK_STARTING)
			rec.state = MEMBER_RUNNING;
		snprintf(rec.task_state, sizeof rec.task_state, "%s", sname);
		if (have_sd) {
			if (sd.report.member_id && !rec.etcd_id)
				rec.etcd_id = sd.report.member_id;
			if (t)
				t->raft_index = sd.report.raft_index;
		}
	}
	/* anything else (late news of a dead or removed member, a planned
	 * one) changes nothing */
	if (rec.state == cur->state && rec.etcd_id == cur->etcd_id &&
	    rec.never_ran == cur->never_ran && strcmp(rec.task_state, cur->task_state) == 0)
		goto ack;
	if (rec.state != cur->state)
		a->after = rec.state == MEMBER_RUNNING ? "running-written"
			 : rec.state == MEMBER_DEAD ? "dead-written" : NULL;
	if (!s->leader || sched_put(s, &rec, written, a) < 0) {
		free(a);   /* not recorded: not acknowledged */
		return;
	}
	check_reconciled(s);
	return;
ack:
	ack_send(a);
	free(a);
	check_reconciled(s);
	sched_replan(s);
}

/* ---- reconciliation ---- */

static bool needs_reconcile(const struct registry_record *r)
{
	if (r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED)
		return false;   /* never launched: nothing for Mesos to say */
	return !sched_task_terminal_name(r->task_state);
}

static void send_explicit(struct sched *s)
{
	struct sched_reconcile_task tasks[SCHED_MAX_TASKS];
	size_t n = 0, total = zk_store_task_count(s->store);
	for (size_t i = 0; i < total && n < SCHED_MAX_TASKS; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		const struct sched_task *t = sched_task_get(s, r->task_id, false);
		if (t && !t->answered)
			tasks[n++] = (struct sched_reconcile_task){ r->task_id, r->agent_id };
	}
	if (n) {
		int rc = sched_reconcile(s->mesos, tasks, n, NULL, NULL);
		log_info("explicit reconciliation of %zu tasks%s", n, rc < 0 ? " not sent" : "");
	}
}

static void reconcile_retry_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	if (s->reconciled || !s->subscribed)
		return;
	send_explicit(s);
	s->reconcile_backoff_ms *= 2;
	if (s->reconcile_backoff_ms > RECONCILE_MAX_MS)
		s->reconcile_backoff_ms = RECONCILE_MAX_MS;
	ev_timer_start(s->loop, &s->reconcile_timer, s->reconcile_backoff_ms, 0);
}

static void implicit_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	if (s->subscribed)
		sched_reconcile(s->mesos, NULL, 0, NULL, NULL);
}

void sched_reconcile_start(struct sched *s)
{
	size_t n = zk_store_task_count(s->store);
	ev_timer_stop(s->loop, &s->reconcile_timer);
	ev_timer_stop(s->loop, &s->implicit_timer);
	ev_timer_init(&s->reconcile_timer, reconcile_retry_cb, s);
	ev_timer_init(&s->implicit_timer, implicit_cb, s);
	s->reconciled = false;
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		struct sched_task *t = sched_task_get(s, r->task_id, true);
		if (t)
			t->answered = !needs_reconcile(r);
	}
	send_explicit(s);
	sched_original_reconcile(s);
	sched_reconcile(s->mesos, NULL, 0, NULL, NULL);   /* implicit */
	s->reconcile_backoff_ms = RECONCILE_FIRST_MS;
	ev_timer_start(s->loop, &s->reconcile_timer, s->reconcile_backoff_ms, 0);
	uint64_t every = s->cfg->reconcile_interval_ms > 0 ? (uint64_t)s->cfg->reconcile_interval_ms
							   : 300000;
	ev_timer_start(s->loop, &s->implicit_timer, every, every);
	check_reconciled(s);
}

void sched_reconcile_stop(struct sched *s)
{
	ev_timer_stop(s->loop, &s->reconcile_timer);
	ev_timer_stop(s->loop, &s->implicit_timer);
}
