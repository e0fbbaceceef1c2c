/* sched_calls.c — the sim master's scheduler calls after SUBSCRIBE
 * (TEARDOWN, DECLINE, REVIVE, SUPPRESS, KILL, SHUTDOWN, ACKNOWLEDGE,
 * RECONCILE, MESSAGE, ...) and the agent side's reports to the master
 * (status updates, executor exits and messages). ACCEPT is in accept.c. */
#include "master.h"

#include "base/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reconciliation (§L.2 table) ---- */

static const char *status_agent(const struct sim_task *t)
{
	return t->agent ? t->agent->id : NULL;
}

static void reconcile_known(struct sim_framework *fw, struct sim_task *t)
{
	Mesos__V1__TaskState st = t->state;

	sim_fw_send_master_update(fw, t->id, status_agent(t), t->exec ? t->exec->id :
				  (t->info && t->info->executor ? t->info->executor->executor_id->value
				   : NULL),
				  st, MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
				  t->unreachable ? "Reconciliation: Task is unreachable"
						 : "Reconciliation: Latest task state",
				  st == MESOS__V1__TASK_STATE__TASK_UNREACHABLE && t->latest &&
				  t->latest->unreachable_time ?
				  (double)t->latest->unreachable_time->nanoseconds / 1e9 : 0);
}

/* A task the master still answers for: not acknowledged-terminal, and
 * not a lost task of a non-PARTITION_AWARE framework. */
static bool task_known(const struct sim_task *t)
{
	return !t->acked_terminal;
}

void sim_reconcile_one(struct sim_framework *fw, const char *task_id, const char *agent_id)
{
	struct sim *sim = fw->sim;
	struct sim_task *t = sim_task_find(fw, task_id);
	bool pa = fw->partition_aware;
	struct sim_agent *a;

	if (t && task_known(t)) {
		reconcile_known(fw, t);
		return;
	}
	if (agent_id && sim_agent_unreachable(sim, agent_id)) {
		sim_fw_send_master_update(fw, task_id, agent_id, NULL,
					  pa ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
					     : MESOS__V1__TASK_STATE__TASK_LOST,
					  MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
					  "Reconciliation: Task is unreachable", 0);
		return;
	}
	a = agent_id ? sim_agent_by_id(sim, agent_id) : NULL;
	if (a && a->state != SIM_AGENT_REMOVED) {
		sim_fw_send_master_update(fw, task_id, agent_id, NULL,
					  pa ? MESOS__V1__TASK_STATE__TASK_GONE
					     : MESOS__V1__TASK_STATE__TASK_LOST,
					  MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
					  "Reconciliation: Task is unknown to the agent", 0);
		return;
	}
	sim_fw_send_master_update(fw, task_id, agent_id, NULL,
				  pa ? MESOS__V1__TASK_STATE__TASK_UNKNOWN
				     : MESOS__V1__TASK_STATE__TASK_LOST,
				  MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
				  "Reconciliation: Task is unknown", 0);
}

static void reconcile(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Reconcile *r)
{
	if (r->n_tasks == 0) {
		sim_list_each(it, nx, &fw->tasks) {
			struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
			if (task_known(t) && (!t->unreachable || fw->partition_aware))
				reconcile_known(fw, t);
		}
		return;
	}
	for (size_t i = 0; i < r->n_tasks; i++)
		sim_reconcile_one(fw, r->tasks[i]->task_id->value,
				  r->tasks[i]->agent_id ? r->tasks[i]->agent_id->value : NULL);
}

/* ---- simple calls ---- */

static void decline(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Decline *d)
{
	for (size_t i = 0; i < d->n_offer_ids; i++) {
		struct sim_offer *o = sim_offer_find(fw->sim, d->offer_ids[i]->value);
		if (!o || o->fw != fw)
			continue;       /* Mesos logs and ignores it */
		sim_filter_add(fw, o->agent, o->role, &o->resources,
			       d->filters && d->filters->has_refuse_seconds ?
			       d->filters->refuse_seconds : -1,
			       d->filters && d->filters->has_refuse_seconds);
		sim_offer_remove(o, false);
	}
}

static void suppress(struct sim_framework *fw, char **roles, size_t n)
{
	const char *all[64];

	if (n == 0) {
		n = sim_framework_roles(fw, all, 64);
		roles = (char **)all;
	}
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		char **nv;
		for (size_t k = 0; k < fw->n_suppressed; k++)
			have |= strcmp(fw->suppressed[k], roles[i]) == 0;
		if (have)
			continue;
		nv = realloc(fw->suppressed, (fw->n_suppressed + 1) * sizeof(*nv));
		if (!nv)
			return;
		fw->suppressed = nv;
		if ((nv[fw->n_suppressed] = strdup(roles[i])) != NULL)
			fw->n_suppressed++;
	}
}

static void revive(struct sim_framework *fw, char **roles, size_t n)
{
	if (n == 0) {
		for (size_t k = 0; k < fw->n_suppressed; k++)
			free(fw->suppressed[k]);
		fw->n_suppressed = 0;
		sim_filters_clear(fw, NULL);
	} else {
		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < fw->n_suppressed; k++) {
				if (strcmp(fw->suppressed[k], roles[i]) != 0)
					continue;
				free(fw->suppressed[k]);
				fw->suppressed[k] = fw->suppressed[--fw->n_suppressed];
				break;
			}
			sim_filters_clear(fw, roles[i]);
		}
	}
	sim_alloc_now(fw->sim);
}

static struct sim_task *live_task(struct sim_framework *fw, const char *task_id)
{
	struct sim_task *t = sim_task_find(fw, task_id);

	return t && !t->acked_terminal && !t->unreachable ? t : NULL;
}

static void kill_task(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Kill *k)
{
	struct sim_task *t = live_task(fw, k->task_id->value);

	if (!t) {
		/* Mesos answers a KILL of an unknown task like reconciling it */
		sim_reconcile_one(fw, k->task_id->value, k->agent_id ? k->agent_id->value : NULL);
		return;
	}
	if (t->terminal || !t->agent)
		return;
	if (t->agent->state != SIM_AGENT_UP) {
		/* the agent is away: Mesos keeps the kill and sends it when
		 * the agent re-registers (sim_master_agent_up) */
		t->kill_pending = true;
		return;
	}
	sim_agent_kill_task(t->agent, t, k->kill_policy);
}

static void acknowledge(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Acknowledge *a)
{
	struct sim_task *t = sim_task_find(fw, a->task_id->value);

	if (!t || !t->agent || strcmp(t->agent->id, a->agent_id->value) != 0)
		return;     /* 202, nothing else happens (§L.1) */
	if (t->terminal && t->latest && t->latest->has_uuid &&
	    t->latest->uuid.len == a->uuid.len &&
	    memcmp(t->latest->uuid.data, a->uuid.data, a->uuid.len) == 0)
		t->acked_terminal = true;
	if (t->agent->state == SIM_AGENT_UP)
		sim_agent_acknowledge(t->agent, t, a->uuid.data, a->uuid.len);
}

static void shutdown_exec(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Shutdown *s)
{
	struct sim_agent *a = sim_agent_by_id(fw->sim, s->agent_id->value);
	struct sim_executor *e = a ? sim_executor_find(a, fw->id, s->executor_id->value) : NULL;

	if (e && a->state == SIM_AGENT_UP)
		sim_agent_shutdown_executor(a, e);
}

static void message(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Message *m)
{
	struct sim_agent *a = sim_agent_by_id(fw->sim, m->agent_id->value);
	struct sim_executor *e = a ? sim_executor_find(a, fw->id, m->executor_id->value) : NULL;

	if (e && a->state == SIM_AGENT_UP)
		sim_agent_send_message(a, e, m->data.data, m->data.len);
}

int sim_call_dispatch(struct sim_framework *fw, const Mesos__V1__Scheduler__Call *call,
		      int *status, const char **body)
{
	*status = 202;
	*body = "";
	switch (call->type) {
	case MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN:
		sim_fw_remove(fw);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT:
		sim_accept(fw, call->accept);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE:
		decline(fw, call->decline);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE:
		revive(fw, call->revive ? call->revive->roles : NULL,
		       call->revive ? call->revive->n_roles : 0);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS:
		suppress(fw, call->suppress ? call->suppress->roles : NULL,
			 call->suppress ? call->suppress->n_roles : 0);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__KILL:
		kill_task(fw, call->kill);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN:
		shutdown_exec(fw, call->shutdown);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE:
		acknowledge(fw, call->acknowledge);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE:
		reconcile(fw, call->reconcile);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE:
		message(fw, call->message);
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK:
		*status = 200;      /* accepted, not applied (sim.h) */
		break;
	case MESOS__V1__SCHEDULER__CALL__TYPE__UNKNOWN:
		*status = 501;
		break;
	default:                    /* REQUEST, inverse offers, operations */
		break;
	}
	return 0;
}

/* ---- reports from the agent side ---- */

static void keep_history(struct sim_task *t, const Mesos__V1__TaskStatus *st)
{
	Mesos__V1__TaskStatus *copy, **nv;

	if (t->n_history > 0 && t->history[t->n_history - 1]->state == st->state)
		return;
	copy = sim_pb_dup(&st->base);
	nv = copy ? realloc(t->history, (t->n_history + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		if (copy)
			mesos__v1__task_status__free_unpacked(copy, NULL);
		return;
	}
	t->history = nv;
	nv[t->n_history++] = copy;
}

void sim_master_status_update(struct sim_task *t, const Mesos__V1__TaskStatus *st)
{
	struct sim_framework *fw = t->fw;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Update up = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Mesos__V1__TaskStatus *copy = sim_pb_dup(&st->base);

	if (copy) {
		if (t->latest)
			mesos__v1__task_status__free_unpacked(t->latest, NULL);
		t->latest = copy;
	}
	keep_history(t, st);
	/* a terminal state is final for the master, whatever comes after */
	if (!t->terminal) {
		t->state = st->state;
		if (sim_task_state_terminal(st->state)) {
			t->terminal = true;   /* its resources are free again */
		}
	}
	if (t->terminal && !st->has_uuid)
		t->acked_terminal = true;     /* nothing to acknowledge */
	up.status = (Mesos__V1__TaskStatus *)st;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	ev.update = &up;
	sim_fw_send(fw, &ev);
}

void sim_master_executor_exited(struct sim_executor *e, int wstatus)
{
	struct sim_framework *fw = e->fw;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Failure f = MESOS__V1__SCHEDULER__EVENT__FAILURE__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;

	aid.value = e->agent->id;
	eid.value = e->id;
	f.agent_id = &aid;
	f.executor_id = &eid;
	f.has_status = 1;
	f.status = wstatus;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE;
	ev.failure = &f;
	sim_fw_send(fw, &ev);
	log_info("executor %s of framework %s on agent %s exited (wait status %d)", e->id,
		 fw->id, e->agent->id, wstatus);
	sim_executor_free(e);
}

void sim_master_executor_message(struct sim_executor *e, const void *data, size_t len)
{
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Message m = MESOS__V1__SCHEDULER__EVENT__MESSAGE__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;

	aid.value = e->agent->id;
	eid.value = e->id;
	m.agent_id = &aid;
	m.executor_id = &eid;
	m.data.data = (uint8_t *)data;
	m.data.len = len;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__MESSAGE;
	ev.message = &m;
	sim_fw_send(e->fw, &ev);
}
