/*
 * agent_status — the agent's status update manager (PROTOCOLS.md C.6):
 * one stream per task, updates stored in order, the oldest unacknowledged
 * one forwarded to the master and resent with backoff until the scheduler
 * acknowledges it; later updates of the task wait behind it; an update
 * whose uuid was stored before is a duplicate and dropped.
 */
#include "agent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

bool agent_state_terminal(Mesos__V1__TaskState s)
{
	switch (s) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
	case MESOS__V1__TASK_STATE__TASK_FAILED:
	case MESOS__V1__TASK_STATE__TASK_KILLED:
	case MESOS__V1__TASK_STATE__TASK_ERROR:
	case MESOS__V1__TASK_STATE__TASK_LOST:
	case MESOS__V1__TASK_STATE__TASK_DROPPED:
	case MESOS__V1__TASK_STATE__TASK_GONE:
	case MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR:
		return true;
	default:
		return false;
	}
}

static void retry_cb(struct ev_loop *loop, void *arg);

struct agent_task *agent_task_get(struct sim_task *t)
{
	if (t->agent_priv)
		return t->agent_priv;
	struct agent_task *at = calloc(1, sizeof(*at));
	if (!at)
		return NULL;
	at->t = t;
	sim_list_init(&at->xlink);
	ev_timer_init(&at->retry, retry_cb, at);
	t->agent_priv = at;
	return at;
}

void agent_task_free(struct sim_task *t)
{
	struct agent_task *at = t ? t->agent_priv : NULL;
	if (!at)
		return;
	ev_timer_stop(t->agent->sim->loop, &at->retry);
	sim_list_del(&at->xlink);
	for (struct agent_update *u = at->head, *nx; u; u = nx) {
		nx = u->next;
		mesos__v1__task_status__free_unpacked(u->st, NULL);
		free(u);
	}
	free(at->uuids);
	free(at);
	t->agent_priv = NULL;
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

/* Builds a TaskStatus with malloc'd parts that
 * mesos__v1__task_status__free_unpacked can free (it frees every
 * pointer with the default allocator). */
Mesos__V1__TaskStatus *agent_status_new(struct sim_task *t, Mesos__V1__TaskState state,
					Mesos__V1__TaskStatus__Source src,
					Mesos__V1__TaskStatus__Reason reason, bool has_reason,
					const char *msg)
{
	Mesos__V1__TaskStatus tmp = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = t->id;
	tmp.task_id = &tid;
	tmp.state = state;
	tmp.has_source = 1;
	tmp.source = src;
	tmp.has_reason = has_reason;
	tmp.reason = reason;
	tmp.message = (char *)msg;
	uint8_t uuid[16];
	sim_uuid(uuid);
	tmp.has_uuid = 1;
	tmp.uuid.data = uuid;
	tmp.uuid.len = 16;
	/* A deep copy through pack/unpack gives one free function for all. */
	return sim_pb_dup(&tmp.base);
}

static void forward_head(struct agent_task *at)
{
	if (!at->head)
		return;
	struct sim_agent *a = at->t->agent;
	struct agent_state *as = agent_of(a);
	if (!as || as->state == AGENT_DEAD || as->state == AGENT_RECOVERING || as->cut_off)
		return;          /* resumed by agent_status_resume */
	if (!at->backoff_ms)
		at->backoff_ms = (uint64_t)agent_conf.update_retry_min_ms;
	ev_timer_start(a->sim->loop, &at->retry, at->backoff_ms, 0);
	/* last: nothing of at is touched after the master had it */
	sim_master_status_update(at->t, at->head->st);
}

static void retry_cb(struct ev_loop *loop, void *arg)
{
	struct agent_task *at = arg;
	if (!at->head)
		return;
	log_info("agent %s: resending %s of task %s (no acknowledgement)", at->t->agent->id,
		 protobuf_c_enum_descriptor_get_value(&mesos__v1__task_state__descriptor,
						      at->head->st->state)->name, at->t->id);
	at->backoff_ms *= 2;
	if (at->backoff_ms > (uint64_t)agent_conf.update_retry_max_ms)
		at->backoff_ms = (uint64_t)agent_conf.update_retry_max_ms;
	forward_head(at);
}

static void fill_missing(struct sim_task *t, Mesos__V1__TaskStatus *st)
{
	struct agent_task *at = t->agent_priv;
	if (!st->agent_id) {
		st->agent_id = malloc(sizeof(*st->agent_id));
		if (st->agent_id) {
			mesos__v1__agent_id__init(st->agent_id);
			st->agent_id->value = xstrdup(t->agent->id);
		}
	}
	if (!st->has_timestamp) {
		st->has_timestamp = 1;
		st->timestamp = sim_wall_time();
	}
	struct agent_exec *ax = at ? at->ax : NULL;
	if (!st->executor_id && t->exec) {
		st->executor_id = malloc(sizeof(*st->executor_id));
		if (st->executor_id) {
			mesos__v1__executor_id__init(st->executor_id);
			st->executor_id->value = xstrdup(t->exec->id);
		}
	}
	if (!st->container_status && ax && st->source != MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER) {
		Mesos__V1__ContainerStatus *cs = malloc(sizeof(*cs));
		Mesos__V1__ContainerID *cid = malloc(sizeof(*cid));
		if (cs && cid) {
			mesos__v1__container_status__init(cs);
			mesos__v1__container_id__init(cid);
			cid->value = xstrdup(ax->container_id);
			cs->container_id = cid;
			if (ax->pid > 0) {
				cs->has_executor_pid = 1;
				cs->executor_pid = (uint32_t)ax->pid;
			}
			st->container_status = cs;
		} else {
			free(cs);
			free(cid);
		}
	}
}

int agent_status_store(struct sim_task *t, Mesos__V1__TaskStatus *st)
{
	struct agent_task *at = agent_task_get(t);
	struct agent_update *u = NULL;
	if (!at)
		goto nomem;
	if (st->has_uuid && st->uuid.len == 16) {
		for (size_t i = 0; i < at->n_uuids; i++) {
			if (memcmp(at->uuids[i], st->uuid.data, 16) == 0) {
				mesos__v1__task_status__free_unpacked(st, NULL);
				return 1;
			}
		}
		uint8_t (*nu)[16] = realloc(at->uuids, (at->n_uuids + 1) * sizeof(*nu));
		if (!nu)
			goto nomem;
		at->uuids = nu;
		memcpy(at->uuids[at->n_uuids++], st->uuid.data, 16);
	}
	fill_missing(t, st);
	at->state = st->state;
	at->has_state = true;
	if (!st->has_uuid) {
		/* unreliable: forwarded once, never stored */
		struct agent_state *as = agent_of(t->agent);
		if (as && as->state != AGENT_DEAD)
			sim_master_status_update(t, st);
		mesos__v1__task_status__free_unpacked(st, NULL);
		return 0;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		goto nomem;
	u->st = st;
	if (at->tail)
		at->tail->next = u;
	else
		at->head = u;
	at->tail = u;
	if (at->head == u) {
		at->backoff_ms = 0;
		forward_head(at);
	}
	return 0;
nomem:
	mesos__v1__task_status__free_unpacked(st, NULL);
	return -ENOMEM;
}

void agent_status_ack(struct sim_task *t, const uint8_t *uuid, size_t len)
{
	struct agent_task *at = t->agent_priv;
	if (!at || !at->head || len != 16 || !at->head->st->has_uuid ||
	    at->head->st->uuid.len != 16 || memcmp(at->head->st->uuid.data, uuid, 16) != 0)
		return;
	struct agent_update *u = at->head;
	at->head = u->next;
	if (!at->head)
		at->tail = NULL;
	mesos__v1__task_status__free_unpacked(u->st, NULL);
	free(u);
	ev_timer_stop(t->agent->sim->loop, &at->retry);
	at->backoff_ms = 0;
	forward_head(at);
}

void agent_status_pause(struct agent_state *as)
{
	sim_list_each(it, nx, &as->a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		struct agent_task *at = t->agent_priv;
		if (at)
			ev_timer_stop(as->a->sim->loop, &at->retry);
	}
}

void agent_status_resume(struct agent_state *as)
{
	sim_list_each(it, nx, &as->a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		struct agent_task *at = t->agent_priv;
		if (at && at->head) {
			at->backoff_ms = 0;
			forward_head(at);
		}
	}
}
