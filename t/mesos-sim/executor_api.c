/*
 * executor_api — POST /api/v1/executor and /slave(1)/api/v1/executor on
 * each agent's own address (PROTOCOLS.md C.1-C.5, L.3): header rules,
 * SUBSCRIBE with its RecordIO event stream, UPDATE validation with
 * Mesos' texts, MESSAGE, HEARTBEAT, and the events the agent sends.
 */
#include "agent.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/log.h"
#include "net/recordio.h"

#define PROTOBUF "application/x-protobuf"
#define JSON "application/json"
#define TEXT "text/plain; charset=utf-8"

static void answer(struct http_req *r, int status, const char *text)
{
	http_respond(r, status, text ? TEXT : NULL, text, text ? strlen(text) : 0);
}

/* ---- Accept negotiation (PROTOCOLS.md A.2) ---- */

/* q value Accept gives to type ("application/x-protobuf"), counting
 * "application/(any)" and "(any)/(any)"; -1 when not listed. A missing header
 * accepts everything (q 1). */
static double accept_q(const char *h, size_t hl, const char *type)
{
	if (!h)
		return 1;
	double best = -1;
	int best_spec = -1;
	const char *slash = strchr(type, '/');
	size_t major = (size_t)(slash - type);
	const char *p = h, *end = h + hl;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;
		const char *semi = memchr(p, ';', (size_t)(e - p));
		const char *te = semi ? semi : e;
		while (p < te && isspace((unsigned char)*p))
			p++;
		while (te > p && isspace((unsigned char)te[-1]))
			te--;
		size_t tl = (size_t)(te - p);
		int spec = -1;
		if (tl == strlen(type) && strncasecmp(p, type, tl) == 0)
			spec = 2;
		else if (tl == major + 2 && strncasecmp(p, type, major + 1) == 0 && p[major + 1] == '*')
			spec = 1;
		else if (tl == 3 && strncmp(p, "*/*", 3) == 0)
			spec = 0;
		if (spec > best_spec) {
			double q = 1;
			for (const char *s = semi; s && s < e; ) {
				s++;
				while (s < e && isspace((unsigned char)*s))
					s++;
				if (s + 2 <= e && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
					char num[16];
					size_t nl = 0;
					for (const char *d = s + 2; d < e && *d != ';' && nl < 15; d++)
						num[nl++] = *d;
					num[nl] = '\0';
					q = strtod(num, NULL);
				}
				s = memchr(s, ';', (size_t)(e - s));
			}
			best_spec = spec;
			best = q;
		}
		p = comma ? comma + 1 : end;
	}
	return best;
}

/* ---- events ---- */

static int send_event(struct agent_exec *ax, const Mesos__V1__Executor__Event *ev)
{
	if (!ax->stream)
		return -ENOTCONN;
	size_t len = mesos__v1__executor__event__get_packed_size(ev);
	uint8_t *pb = malloc(len ? len : 1);
	struct buf b = BUF_INIT;
	int rc = -ENOMEM;
	if (!pb)
		goto out;
	mesos__v1__executor__event__pack(ev, pb);
	if ((rc = recordio_encode(&b, pb, len)) < 0)
		goto out;
	rc = http_stream_write(ax->stream, b.data, b.len);
	if (rc == -EPIPE)
		ax->stream = NULL;
out:
	free(pb);
	buf_finish(&b);
	return rc;
}

int executor_send_launch(struct agent_exec *ax, struct sim_task *t)
{
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	Mesos__V1__Executor__Event__Launch l = MESOS__V1__EXECUTOR__EVENT__LAUNCH__INIT;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH;
	l.task = t->info;
	ev.launch = &l;
	return send_event(ax, &ev);
}

int executor_send_kill(struct agent_exec *ax, const char *task_id, const Mesos__V1__KillPolicy *kp)
{
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	Mesos__V1__Executor__Event__Kill k = MESOS__V1__EXECUTOR__EVENT__KILL__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = (char *)task_id;
	k.task_id = &tid;
	k.kill_policy = (Mesos__V1__KillPolicy *)kp;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__KILL;
	ev.kill = &k;
	return send_event(ax, &ev);
}

int executor_send_ack(struct agent_exec *ax, const char *task_id, const uint8_t *uuid)
{
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	Mesos__V1__Executor__Event__Acknowledged a = MESOS__V1__EXECUTOR__EVENT__ACKNOWLEDGED__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = (char *)task_id;
	a.task_id = &tid;
	a.uuid.data = (uint8_t *)uuid;
	a.uuid.len = 16;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED;
	ev.acknowledged = &a;
	return send_event(ax, &ev);
}

int executor_send_message(struct agent_exec *ax, const void *data, size_t len)
{
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	Mesos__V1__Executor__Event__Message m = MESOS__V1__EXECUTOR__EVENT__MESSAGE__INIT;
	m.data.data = (uint8_t *)data;
	m.data.len = len;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__MESSAGE;
	ev.message = &m;
	return send_event(ax, &ev);
}

int executor_send_shutdown(struct agent_exec *ax)
{
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN;
	return send_event(ax, &ev);
}

void executor_close_stream(struct agent_exec *ax)
{
	if (!ax->stream)
		return;
	struct http_req *r = ax->stream;
	ax->stream = NULL;
	http_req_on_abort(r, NULL, NULL);
	http_stream_end(r);
}

void executor_deliver_queued(struct agent_exec *ax)
{
	sim_list_each(it, nx, &ax->tasks) {
		struct agent_task *at = sim_container_of(it, struct agent_task, xlink);
		if (at->delivered || (at->has_state && agent_state_terminal(at->state)))
			continue;
		if (ax->e)
			agent_link_volumes(ax, at->t->info->resources, at->t->info->n_resources);
		if (executor_send_launch(ax, at->t) == 0)
			at->delivered = true;
	}
}

/* ---- calls ---- */

static void stream_abort(struct http_req *r, void *arg)
{
	struct agent_exec *ax = arg;
	if (ax->stream == r)
		ax->stream = NULL;
}

static bool task_listed(const Mesos__V1__Executor__Call__Subscribe *s, const char *id)
{
	for (size_t i = 0; i < s->n_unacknowledged_tasks; i++)
		if (s->unacknowledged_tasks[i]->task_id &&
		    strcmp(s->unacknowledged_tasks[i]->task_id->value, id) == 0)
			return true;
	return false;
}

static void store_update(struct agent_exec *ax, const Mesos__V1__TaskStatus *in);

static void do_subscribe(struct http_req *r, struct agent_exec *ax,
			 const Mesos__V1__Executor__Call *call)
{
	struct sim_executor *e = ax->e;
	executor_close_stream(ax);       /* a second SUBSCRIBE replaces the first */
	if (http_stream_begin(r, 200, PROTOBUF, NULL) < 0)
		return;
	ax->stream = r;
	http_req_on_abort(r, stream_abort, ax);
	ev_timer_stop(ax->as->a->sim->loop, &ax->reg_timer);
	bool resubscribe = ax->state == AX_RUNNING;
	ax->awaiting_resubscribe = false;
	if (ax->state == AX_REGISTERING || ax->state == AX_RUNNING)
		ax->state = AX_RUNNING;

	/* SUBSCRIBED */
	Mesos__V1__Executor__Event ev = MESOS__V1__EXECUTOR__EVENT__INIT;
	Mesos__V1__Executor__Event__Subscribed s = MESOS__V1__EXECUTOR__EVENT__SUBSCRIBED__INIT;
	Mesos__V1__AgentInfo ai = MESOS__V1__AGENT_INFO__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ContainerID cid = MESOS__V1__CONTAINER_ID__INIT;
	aid.value = ax->as->a->id;
	ai.hostname = ax->as->a->hostname;
	ai.id = &aid;
	ai.has_port = 1;
	ai.port = ax->as->a->port;
	cid.value = ax->container_id;
	s.executor_info = e->info;
	s.framework_info = e->fw->info;
	s.agent_info = &ai;
	s.container_id = &cid;
	ev.has_type = 1;
	ev.type = MESOS__V1__EXECUTOR__EVENT__TYPE__SUBSCRIBED;
	ev.subscribed = &s;
	send_event(ax, &ev);

	const Mesos__V1__Executor__Call__Subscribe *sub = call->subscribe;
	/* Re-sent updates first (duplicates are dropped but acknowledged). */
	for (size_t i = 0; i < sub->n_unacknowledged_updates; i++) {
		const Mesos__V1__TaskStatus *st = sub->unacknowledged_updates[i]->status;
		if (st && st->has_uuid && st->uuid.len == 16)
			store_update(ax, st);
	}
	/* A task that was handed over but is still STAGING and that the
	 * executor does not list was lost on the way (C.5). */
	if (resubscribe || ax->as->state == AGENT_RECONNECTING) {
		bool pa = agent_fw_partition_aware(e->fw);
		sim_list_each(it, nx, &ax->tasks) {
			struct agent_task *at = sim_container_of(it, struct agent_task, xlink);
			if (!at->delivered || at->has_state || task_listed(sub, at->t->id))
				continue;
			Mesos__V1__TaskStatus *st = agent_status_new(at->t,
				pa ? MESOS__V1__TASK_STATE__TASK_DROPPED : MESOS__V1__TASK_STATE__TASK_LOST,
				MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT,
				MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED, true,
				"Task was not received by the executor");
			if (st)
				agent_status_store(at->t, st);
		}
	}
	executor_deliver_queued(ax);
}

/* Stores one executor update and acknowledges it to the executor. */
static void store_update(struct agent_exec *ax, const Mesos__V1__TaskStatus *in)
{
	struct sim_task *t = in->task_id ? sim_task_find(ax->e->fw, in->task_id->value) : NULL;
	uint8_t uuid[16];
	memcpy(uuid, in->uuid.data, 16);
	char task_id[SIM_MAX_ID];
	snprintf(task_id, sizeof(task_id), "%s", in->task_id ? in->task_id->value : "");
	if (t && t->agent == ax->as->a) {
		Mesos__V1__TaskStatus *st = sim_pb_dup(&in->base);
		if (st)
			agent_status_store(t, st);
	} else {
		log_warn("agent %s: update for unknown task '%s' from executor '%s'",
			 ax->as->a->id, task_id, ax->exec_id);
	}
	executor_send_ack(ax, task_id, uuid);
}

static const char *validate_update(const Mesos__V1__Executor__Call *c, char *msg, size_t ml)
{
	const Mesos__V1__TaskStatus *st = c->update->status;
	if (!st->has_uuid)
		return "Expecting 'uuid' to be present";
	if (st->uuid.len != 16 || (st->uuid.data[6] >> 4) < 1 || (st->uuid.data[6] >> 4) > 5)
		return "Not a valid UUID";
	if (st->executor_id && strcmp(st->executor_id->value, c->executor_id->value) != 0) {
		snprintf(msg, ml, "ExecutorID in Call: %s does not match ExecutorID in TaskStatus: %s",
			 c->executor_id->value, st->executor_id->value);
		return msg;
	}
	if (!st->has_source || st->source != MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR) {
		snprintf(msg, ml, "Received Call from executor %s of framework %s with invalid "
			 "source, expecting 'SOURCE_EXECUTOR'", c->executor_id->value,
			 c->framework_id->value);
		return msg;
	}
	if (st->state == MESOS__V1__TASK_STATE__TASK_STAGING) {
		snprintf(msg, ml, "Received TASK_STAGING from executor %s of framework %s which "
			 "is not allowed", c->executor_id->value, c->framework_id->value);
		return msg;
	}
	return NULL;
}

static void handle(struct http_req *r, void *arg)
{
	struct agent_state *as = arg;
	char msg[600];
	Mesos__V1__Executor__Call *c = NULL;

	if (strcmp(http_req_method(r), "POST") != 0) {
		snprintf(msg, sizeof(msg), "405 Method Not Allowed. Expecting one of { 'POST' }, "
			 "but received '%s'.", http_req_method(r));
		http_respond_h(r, 405, TEXT, "Allow: POST\r\n", msg, strlen(msg));
		return;
	}
	size_t ctl;
	const char *ct = http_req_header(r, "Content-Type", &ctl);
	if (!ct) {
		answer(r, 400, "Expecting 'Content-Type' to be present");
		return;
	}
	if (ctl == strlen(JSON) && memcmp(ct, JSON, ctl) == 0) {
		answer(r, 415, "mesos-sim speaks protobuf only: send Content-Type application/x-protobuf");
		return;
	}
	if (ctl != strlen(PROTOBUF) || memcmp(ct, PROTOBUF, ctl) != 0) {
		answer(r, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
		return;
	}
	size_t bl;
	const char *body = http_req_body(r, &bl);
	c = mesos__v1__executor__call__unpack(NULL, bl, (const uint8_t *)body);
	if (!c) {
		answer(r, 400, "Failed to parse body into Call protobuf");
		return;
	}
	const char *verr = NULL;
	if (!c->has_type)
		verr = "Expecting 'type' to be present";
	else if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE && !c->subscribe)
		verr = "Expecting 'subscribe' to be present";
	else if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE && !c->update)
		verr = "Expecting 'update' to be present";
	else if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE && !c->message)
		verr = "Expecting 'message' to be present";
	else if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE)
		verr = validate_update(c, msg, sizeof(msg));
	if (verr) {
		char full[700];
		snprintf(full, sizeof(full), "Failed to validate Executor::Call: %s", verr);
		answer(r, 400, full);
		goto out;
	}
	if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE) {
		size_t al;
		const char *acc = http_req_header(r, "Accept", &al);
		if (accept_q(acc, al, PROTOBUF) <= 0) {
			answer(r, 406, accept_q(acc, al, JSON) > 0
			       ? "mesos-sim speaks protobuf only: send Accept: application/x-protobuf"
			       : "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
			goto out;
		}
	}
	/* Mesos checks recovery after validation (for SUBSCRIBE after Accept). */
	if (as->state == AGENT_RECOVERING || as->state == AGENT_DEAD) {
		answer(r, 503, "Agent has not finished recovery");
		goto out;
	}
	if (c->type != MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE &&
	    c->type != MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE &&
	    c->type != MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE &&
	    c->type != MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT) {
		answer(r, 501, NULL);
		goto out;
	}
	if (!sim_framework_find(as->a->sim, c->framework_id->value)) {
		answer(r, 400, "Framework cannot be found");
		goto out;
	}
	struct agent_exec *ax = agent_exec_find(as, c->framework_id->value, c->executor_id->value);
	if (!ax || !ax->e) {
		answer(r, 400, "Executor cannot be found");
		goto out;
	}
	switch (c->type) {
	case MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE:
		if (ax->state == AX_TERMINATING) {
			answer(r, 403, "Executor is terminating");
			goto out;
		}
		do_subscribe(r, ax, c);
		break;
	case MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT:
		answer(r, 202, NULL);
		break;
	default:
		if (ax->state == AX_REGISTERING || ax->state == AX_FETCHING) {
			answer(r, 403, "Executor is not subscribed");
			goto out;
		}
		answer(r, 202, NULL);
		if (c->type == MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE)
			store_update(ax, c->update->status);
		else if (!ax->as->cut_off)  /* a partition loses it, as Mesos would */
			sim_master_executor_message(ax->e, c->message->data.data,
						    c->message->data.len);
		break;
	}
out:
	mesos__v1__executor__call__free_unpacked(c, NULL);
}

int executor_api_routes(struct agent_state *as)
{
	static const char *paths[] = { "/api/v1/executor", "/slave(1)/api/v1/executor" };
	for (size_t i = 0; i < 2; i++) {
		struct http_route rt = { .method = NULL, .path = paths[i], .fn = handle, .arg = as };
		int rc = http_server_add_route(as->http, &rt);
		if (rc < 0)
			return rc;
	}
	return 0;
}
