/*
 * test_proto_events.c — scheduler and executor events decoded from bytes
 * written by hand (t/pb_wire.h) from upstream Mesos field numbers
 * (PROTOCOLS.md A.7, C.3), then re-packed to the same bytes; and the
 * executor calls we send (C.4), packed and compared byte for byte.
 */
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"
#include "pb_wire.h"

/* The tests read and write the deprecated Resource.role and
 * FrameworkInfo.role on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"


static void test_sched_event_offers(void)
{
	struct pb offer = {0}, offers = {0}, ev = {0};
	w_offer(&offer);
	pb_msg(&offers, 1, &offer);
	pb_uint(&ev, 1, 2);                /* OFFERS */
	pb_msg(&ev, 3, &offers);           /* Event.offers */
	Mesos__V1__Scheduler__Event *e = (Mesos__V1__Scheduler__Event *)
		unpack_ok(&mesos__v1__scheduler__event__descriptor, &ev, "scheduler OFFERS event");
	if (!e)
		return;
	ok(e->has_type && e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, "type OFFERS");
	ok(e->offers && e->offers->n_offers == 1, "one offer");
	Mesos__V1__Offer *o = e->offers->offers[0];
	is_str(o->id->value, "o-1", "offer id");
	is_str(o->framework_id->value, "fw-1", "offer framework_id");
	is_str(o->agent_id->value, "a-1", "offer agent_id");
	is_str(o->hostname, "agent1", "offer hostname");
	ok(o->url && o->url->address && o->url->address->port == 5051, "offer url port");
	is_str(o->url->address->ip, "127.0.0.2", "offer url ip");
	is_str(o->url->path, "/slave(1)", "offer url path");
	ok(o->allocation_info && strcmp(o->allocation_info->role, "etcd") == 0, "offer allocation role");
	ok(o->n_resources == 3, "three resources");
	Mesos__V1__Resource *c = o->resources[0], *m = o->resources[1], *p = o->resources[2];
	ok(c->type == MESOS__V1__VALUE__TYPE__SCALAR && c->scalar && c->scalar->value == 4.0,
	   "cpus scalar 4");
	is_str(c->role, "*", "cpus role \"*\"");
	ok(c->allocation_info && strcmp(c->allocation_info->role, "etcd") == 0, "cpus allocation role");
	ok(m->scalar && m->scalar->value == 1024.0 && m->allocation_info == NULL, "mem 1024, no allocation");
	is_str(m->role, "*", "mem role unset reads as default \"*\"");
	ok(p->type == MESOS__V1__VALUE__TYPE__RANGES && p->ranges && p->ranges->n_range == 2,
	   "ports: two ranges");
	ok(p->ranges->range[0]->begin == 31000 && p->ranges->range[0]->end == 31001 &&
	   p->ranges->range[1]->begin == 31005 && p->ranges->range[1]->end == 31100,
	   "ports ranges 31000-31001, 31005-31100");
	ok(o->n_executor_ids == 1 && strcmp(o->executor_ids[0]->value, "e-old") == 0, "executor_ids");
	ok(o->n_attributes == 1 && o->attributes[0]->type == MESOS__V1__VALUE__TYPE__TEXT &&
	   o->attributes[0]->text && strcmp(o->attributes[0]->text->value, "r1") == 0,
	   "attribute text (field 5)");
	/* mem had no role on the wire: re-packing must not add one, so
	 * compare with the same bytes. */
	repack_is(&e->base, &ev, "scheduler OFFERS event");
	mesos__v1__scheduler__event__free_unpacked(e, NULL);
}

static void w_task_status(struct pb *st, uint64_t state, const char *msg)
{
	struct pb cs = {0}, ni = {0}, ip = {0};
	pb_id(st, 1, "t-1");               /* task_id */
	pb_uint(st, 2, state);             /* state */
	pb_str(st, 4, msg);                /* message */
	pb_id(st, 5, "a-1");               /* agent_id */
	pb_double(st, 6, 1764000000.5);    /* timestamp */
	pb_id(st, 7, "e-1");               /* executor_id */
	pb_uint(st, 8, 1);                 /* healthy */
	pb_uint(st, 9, 2);                 /* source SOURCE_EXECUTOR */
	pb_uint(st, 10, 29);               /* reason HEALTH_CHECK_STATUS_UPDATED */
	pb_bytes(st, 11, UUID1, sizeof UUID1); /* uuid */
	pb_str(&ip, 2, "127.0.0.2");       /* IPAddress.ip_address */
	pb_msg(&ni, 5, &ip);               /* NetworkInfo.ip_addresses */
	pb_msg(&cs, 1, &ni);               /* ContainerStatus.network_infos */
	pb_uint(&cs, 3, 4242);             /* executor_pid */
	pb_id(&cs, 4, "ctr-1");            /* container_id */
	pb_msg(st, 13, &cs);               /* container_status */
}

static void test_sched_event_update(void)
{
	struct pb st = {0}, up = {0}, ev = {0};
	w_task_status(&st, 1, "running");
	pb_msg(&up, 1, &st);
	pb_uint(&ev, 1, 4);                /* UPDATE */
	pb_msg(&ev, 5, &up);               /* Event.update */
	Mesos__V1__Scheduler__Event *e = (Mesos__V1__Scheduler__Event *)
		unpack_ok(&mesos__v1__scheduler__event__descriptor, &ev, "scheduler UPDATE event");
	if (!e)
		return;
	Mesos__V1__TaskStatus *s = e->update ? e->update->status : NULL;
	ok(e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE && s, "type UPDATE with status");
	if (s) {
		is_str(s->task_id->value, "t-1", "status task_id");
		ok(s->state == MESOS__V1__TASK_STATE__TASK_RUNNING, "state TASK_RUNNING (1)");
		is_str(s->message, "running", "status message");
		ok(s->has_source && s->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR,
		   "source SOURCE_EXECUTOR");
		ok(s->has_reason &&
		   s->reason == MESOS__V1__TASK_STATUS__REASON__REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
		   "reason 29");
		ok(s->has_uuid && bin_is(s->uuid, UUID1, sizeof UUID1), "uuid 16 bytes");
		ok(s->has_timestamp && s->timestamp == 1764000000.5, "timestamp");
		ok(s->has_healthy && s->healthy, "healthy");
		is_str(s->agent_id->value, "a-1", "status agent_id");
		is_str(s->executor_id->value, "e-1", "status executor_id");
		Mesos__V1__ContainerStatus *cs = s->container_status;
		ok(cs && cs->has_executor_pid && cs->executor_pid == 4242, "container executor_pid");
		ok(cs && cs->container_id && strcmp(cs->container_id->value, "ctr-1") == 0,
		   "container id (field 4)");
		ok(cs && cs->n_network_infos == 1 && cs->network_infos[0]->n_ip_addresses == 1 &&
		   strcmp(cs->network_infos[0]->ip_addresses[0]->ip_address, "127.0.0.2") == 0,
		   "container ip address");
	}
	repack_is(&e->base, &ev, "scheduler UPDATE event");
	mesos__v1__scheduler__event__free_unpacked(e, NULL);
}

static void test_sched_event_others(void)
{
	/* SUBSCRIBED with master_info. */
	struct pb mi = {0}, addr = {0}, cap = {0}, sub = {0}, ev = {0};
	pb_str(&mi, 1, "master-id");
	pb_uint(&mi, 2, 0x0100007f);       /* ip 127.0.0.1, network order */
	pb_uint(&mi, 3, 5050);
	pb_str(&mi, 4, "master@127.0.0.1:5050");
	pb_str(&mi, 5, "m1");
	pb_str(&mi, 6, "1.12.0");
	pb_str(&addr, 1, "m1");
	pb_str(&addr, 2, "127.0.0.1");
	pb_uint(&addr, 3, 5050);
	pb_msg(&mi, 7, &addr);
	pb_uint(&cap, 1, 1);               /* AGENT_UPDATE */
	pb_msg(&mi, 9, &cap);
	pb_id(&sub, 1, "fw-1");
	pb_double(&sub, 2, 15.0);
	pb_msg(&sub, 3, &mi);
	pb_uint(&ev, 1, 1);
	pb_msg(&ev, 2, &sub);
	Mesos__V1__Scheduler__Event *e = (Mesos__V1__Scheduler__Event *)
		unpack_ok(&mesos__v1__scheduler__event__descriptor, &ev, "scheduler SUBSCRIBED event");
	if (e) {
		Mesos__V1__Scheduler__Event__Subscribed *s = e->subscribed;
		ok(e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED && s &&
		   strcmp(s->framework_id->value, "fw-1") == 0, "SUBSCRIBED framework id");
		ok(s && s->has_heartbeat_interval_seconds && s->heartbeat_interval_seconds == 15.0,
		   "heartbeat interval 15");
		ok(s && s->master_info && s->master_info->ip == 0x0100007f &&
		   s->master_info->port == 5050 && s->master_info->address &&
		   s->master_info->address->port == 5050 &&
		   strcmp(s->master_info->version, "1.12.0") == 0 &&
		   s->master_info->n_capabilities == 1, "master_info fields");
		repack_is(&e->base, &ev, "SUBSCRIBED");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	/* FAILURE with a wait status, then one with a negative int32. */
	struct pb fl = {0};
	pb_id(&fl, 1, "a-1");
	pb_id(&fl, 2, "e-1");
	pb_uint(&fl, 3, 768);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 6);
	pb_msg(&ev, 7, &fl);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler FAILURE event");
	if (e) {
		ok(e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE && e->failure &&
		   e->failure->has_status && e->failure->status == 768 &&
		   strcmp(e->failure->executor_id->value, "e-1") == 0, "FAILURE fields");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}
	fl = (struct pb){0};
	pb_id(&fl, 1, "a-1");
	pb_uint(&fl, 3, (uint64_t)(int64_t)-1); /* int32 -1: ten bytes */
	ev = (struct pb){0};
	pb_uint(&ev, 1, 6);
	pb_msg(&ev, 7, &fl);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "FAILURE with status -1");
	if (e) {
		ok(e->failure && e->failure->status == -1, "int32 status -1");
		repack_is(&e->base, &ev, "FAILURE with status -1");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	/* RESCIND, MESSAGE, ERROR, HEARTBEAT, UPDATE_OPERATION_STATUS,
	 * INVERSE_OFFERS, RESCIND_INVERSE_OFFER. */
	struct pb x = {0};
	pb_id(&x, 1, "o-7");
	ev = (struct pb){0};
	pb_uint(&ev, 1, 3);
	pb_msg(&ev, 4, &x);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler RESCIND event");
	if (e) {
		ok(e->rescind && strcmp(e->rescind->offer_id->value, "o-7") == 0, "RESCIND offer id");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	x = (struct pb){0};
	pb_id(&x, 1, "a-1");
	pb_id(&x, 2, "e-1");
	pb_bytes(&x, 3, "\0\1\2", 3);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 5);
	pb_msg(&ev, 6, &x);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler MESSAGE event");
	if (e) {
		ok(e->message && bin_is(e->message->data, "\0\1\2", 3) &&
		   strcmp(e->message->executor_id->value, "e-1") == 0, "MESSAGE data");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	x = (struct pb){0};
	pb_str(&x, 1, "Framework failed over");
	ev = (struct pb){0};
	pb_uint(&ev, 1, 7);
	pb_msg(&ev, 8, &x);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler ERROR event");
	if (e) {
		ok(e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR && e->error &&
		   strcmp(e->error->message, "Framework failed over") == 0, "ERROR message");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	ev = (struct pb){0};
	pb_uint(&ev, 1, 8);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler HEARTBEAT event");
	if (e) {
		ok(e->type == MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT, "HEARTBEAT is type 8");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	struct pb os = {0}, uu = {0};
	pb_id(&os, 1, "op-1");
	pb_uint(&os, 2, 2);                /* OPERATION_FINISHED */
	pb_str(&os, 3, "done");
	pb_bytes(&uu, 1, UUID1, sizeof UUID1);
	pb_msg(&os, 5, &uu);               /* uuid is a UUID message */
	pb_id(&os, 6, "a-1");
	x = (struct pb){0};
	pb_msg(&x, 1, &os);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 11);
	pb_msg(&ev, 11, &x);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler UPDATE_OPERATION_STATUS event");
	if (e) {
		Mesos__V1__OperationStatus *s = e->update_operation_status ?
			e->update_operation_status->status : NULL;
		ok(s && s->state == MESOS__V1__OPERATION_STATE__OPERATION_FINISHED && s->uuid &&
		   bin_is(s->uuid->value, UUID1, sizeof UUID1) && s->agent_id &&
		   strcmp(s->operation_id->value, "op-1") == 0, "operation status fields");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}

	struct pb io = {0}, un = {0}, start = {0}, ios = {0};
	pb_uint(&start, 1, 1764000000000000000ULL);
	pb_msg(&un, 1, &start);
	pb_id(&io, 1, "io-1");
	pb_id(&io, 3, "fw-1");
	pb_id(&io, 4, "a-1");
	pb_msg(&io, 5, &un);
	pb_msg(&ios, 1, &io);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 9);
	pb_msg(&ev, 9, &ios);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler INVERSE_OFFERS event");
	if (e) {
		ok(e->inverse_offers && e->inverse_offers->n_inverse_offers == 1 &&
		   e->inverse_offers->inverse_offers[0]->unavailability->start->nanoseconds ==
		   1764000000000000000LL, "inverse offer unavailability");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}
	x = (struct pb){0};
	pb_id(&x, 1, "io-1");
	ev = (struct pb){0};
	pb_uint(&ev, 1, 10);
	pb_msg(&ev, 10, &x);
	e = (Mesos__V1__Scheduler__Event *)unpack_ok(&mesos__v1__scheduler__event__descriptor,
						     &ev, "scheduler RESCIND_INVERSE_OFFER event");
	if (e) {
		ok(e->rescind_inverse_offer &&
		   strcmp(e->rescind_inverse_offer->inverse_offer_id->value, "io-1") == 0,
		   "rescinded inverse offer id");
		mesos__v1__scheduler__event__free_unpacked(e, NULL);
	}
}

/* ---- executor ------------------------------------------------------------ */

static void test_executor_calls(void)
{
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	eid.value = "e-1";
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "fw-1";
	struct pb want;

	Mesos__V1__Executor__Call__Subscribe sub = MESOS__V1__EXECUTOR__CALL__SUBSCRIBE__INIT;
	Mesos__V1__Executor__Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	c.executor_id = &eid;
	c.framework_id = &fid;
	c.has_type = 1;
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE;
	c.subscribe = &sub;
	want = (struct pb){0};
	pb_id(&want, 1, "e-1");
	pb_id(&want, 2, "fw-1");
	pb_uint(&want, 3, 1);
	pb_bytes(&want, 4, "", 0);         /* empty subscribe, present */
	pack_is(&c.base, &want, "executor SUBSCRIBE with empty sub-message");

	/* UPDATE. */
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = "t-1";
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	st.task_id = &tid;
	st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	st.has_uuid = 1;
	st.uuid.data = (uint8_t *)UUID1;
	st.uuid.len = sizeof UUID1;
	st.executor_id = &eid;
	Mesos__V1__Executor__Call__Update up = MESOS__V1__EXECUTOR__CALL__UPDATE__INIT;
	up.status = &st;
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE;
	c.subscribe = NULL;
	c.update = &up;
	struct pb w_st = {0}, w_up = {0};
	pb_id(&w_st, 1, "t-1");
	pb_uint(&w_st, 2, 1);
	pb_id(&w_st, 7, "e-1");
	pb_uint(&w_st, 9, 2);
	pb_bytes(&w_st, 11, UUID1, sizeof UUID1);
	pb_msg(&w_up, 1, &w_st);
	want = (struct pb){0};
	pb_id(&want, 1, "e-1");
	pb_id(&want, 2, "fw-1");
	pb_uint(&want, 3, 2);
	pb_msg(&want, 5, &w_up);
	pack_is(&c.base, &want, "executor UPDATE");

	/* Re-SUBSCRIBE carrying the unacknowledged update. */
	Mesos__V1__Executor__Call__Update *ups[] = {&up};
	sub.n_unacknowledged_updates = 1;
	sub.unacknowledged_updates = ups;
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE;
	c.update = NULL;
	c.subscribe = &sub;
	struct pb w_sub = {0};
	pb_msg(&w_sub, 2, &w_up);          /* unacknowledged_updates */
	want = (struct pb){0};
	pb_id(&want, 1, "e-1");
	pb_id(&want, 2, "fw-1");
	pb_uint(&want, 3, 1);
	pb_msg(&want, 4, &w_sub);
	pack_is(&c.base, &want, "executor re-SUBSCRIBE with unacknowledged update");

	/* MESSAGE: data is field 2. */
	Mesos__V1__Executor__Call__Message msg = MESOS__V1__EXECUTOR__CALL__MESSAGE__INIT;
	msg.data.data = (uint8_t *)"hi";
	msg.data.len = 2;
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE;
	c.subscribe = NULL;
	c.message = &msg;
	struct pb w_msg = {0};
	pb_str(&w_msg, 2, "hi");
	want = (struct pb){0};
	pb_id(&want, 1, "e-1");
	pb_id(&want, 2, "fw-1");
	pb_uint(&want, 3, 3);
	pb_msg(&want, 6, &w_msg);
	pack_is(&c.base, &want, "executor MESSAGE (data is field 2)");
	ok(w_msg.d[0] == 0x12, "executor Call.Message.data tag is 0x12");

	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT;
	c.message = NULL;
	want = (struct pb){0};
	pb_id(&want, 1, "e-1");
	pb_id(&want, 2, "fw-1");
	pb_uint(&want, 3, 4);
	pack_is(&c.base, &want, "executor HEARTBEAT");
}

static void test_executor_events(void)
{
	/* LAUNCH with a TaskInfo. */
	struct pb task = {0}, ei = {0}, cmd = {0}, launch = {0}, ev = {0};
	pb_str(&task, 1, "etcd-1");
	pb_id(&task, 2, "t-1");
	pb_id(&task, 3, "a-1");
	w_scalar(&task, 4, "mem", 256, "etcd");
	pb_str(&cmd, 3, "./etcd-mesos executor");
	pb_id(&ei, 1, "e-1");
	pb_msg(&ei, 7, &cmd);
	pb_id(&ei, 8, "fw-1");
	pb_msg(&task, 5, &ei);
	pb_str(&task, 6, "{\"name\":\"etcd-1\"}");
	pb_msg(&launch, 1, &task);
	pb_uint(&ev, 1, 2);
	pb_msg(&ev, 4, &launch);           /* Event.launch is field 4 */
	Mesos__V1__Executor__Event *e = (Mesos__V1__Executor__Event *)
		unpack_ok(&mesos__v1__executor__event__descriptor, &ev, "executor LAUNCH event");
	if (e) {
		Mesos__V1__TaskInfo *t = e->launch ? e->launch->task : NULL;
		ok(e->type == MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH && t, "LAUNCH with task");
		ok(t && strcmp(t->name, "etcd-1") == 0 && strcmp(t->task_id->value, "t-1") == 0 &&
		   strcmp(t->agent_id->value, "a-1") == 0, "task name and ids");
		ok(t && t->n_resources == 1 && t->resources[0]->scalar->value == 256 &&
		   strcmp(t->resources[0]->name, "mem") == 0, "task resources");
		ok(t && t->executor && t->executor->command &&
		   strcmp(t->executor->command->value, "./etcd-mesos executor") == 0,
		   "task executor command");
		ok(t && t->executor && !t->executor->command->has_shell &&
		   t->executor->command->shell == 1, "unset shell reads as default true");
		ok(t && t->has_data && bin_is(t->data, "{\"name\":\"etcd-1\"}", 17), "task data");
		repack_is(&e->base, &ev, "executor LAUNCH");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}

	/* SUBSCRIBED. */
	struct pb sub = {0}, fi = {0}, cap = {0}, ai = {0};
	ei = (struct pb){0};
	pb_id(&ei, 1, "e-1");
	pb_str(&fi, 1, "root");
	pb_str(&fi, 2, "etcd");
	pb_id(&fi, 3, "fw-1");
	pb_uint(&cap, 1, 2);               /* TASK_KILLING_STATE */
	pb_msg(&fi, 10, &cap);
	pb_str(&ai, 1, "agent1");
	pb_id(&ai, 6, "a-1");
	pb_uint(&ai, 8, 5052);             /* AgentInfo.port is field 8 */
	pb_msg(&sub, 1, &ei);
	pb_msg(&sub, 2, &fi);
	pb_msg(&sub, 3, &ai);
	pb_id(&sub, 4, "ctr-1");
	ev = (struct pb){0};
	pb_uint(&ev, 1, 1);
	pb_msg(&ev, 2, &sub);
	e = (Mesos__V1__Executor__Event *)unpack_ok(&mesos__v1__executor__event__descriptor,
						    &ev, "executor SUBSCRIBED event");
	if (e) {
		Mesos__V1__Executor__Event__Subscribed *s = e->subscribed;
		ok(s && strcmp(s->framework_info->id->value, "fw-1") == 0 &&
		   s->framework_info->n_capabilities == 1 &&
		   s->framework_info->capabilities[0]->type ==
		   MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE,
		   "framework info with TASK_KILLING_STATE");
		ok(s && s->agent_info->has_port && s->agent_info->port == 5052 &&
		   strcmp(s->agent_info->id->value, "a-1") == 0, "agent info port and id");
		ok(s && s->container_id && strcmp(s->container_id->value, "ctr-1") == 0,
		   "container id (field 4)");
		ok(s && !s->framework_info->has_failover_timeout && !s->framework_info->has_checkpoint,
		   "unset optional scalars have has_X = 0");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}

	/* KILL, ACKNOWLEDGED, MESSAGE, SHUTDOWN, HEARTBEAT. */
	struct pb k = {0}, kp = {0}, g = {0};
	pb_uint(&g, 1, 3000000000ULL);
	pb_msg(&kp, 1, &g);
	pb_id(&k, 1, "t-1");
	pb_msg(&k, 2, &kp);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 3);
	pb_msg(&ev, 5, &k);
	e = (Mesos__V1__Executor__Event *)unpack_ok(&mesos__v1__executor__event__descriptor,
						    &ev, "executor KILL event");
	if (e) {
		ok(e->kill && e->kill->kill_policy && e->kill->kill_policy->grace_period->nanoseconds ==
		   3000000000LL, "KILL grace period");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}
	k = (struct pb){0};
	pb_id(&k, 1, "t-1");
	pb_bytes(&k, 2, UUID1, sizeof UUID1);
	ev = (struct pb){0};
	pb_uint(&ev, 1, 4);
	pb_msg(&ev, 3, &k);
	e = (Mesos__V1__Executor__Event *)unpack_ok(&mesos__v1__executor__event__descriptor,
						    &ev, "executor ACKNOWLEDGED event");
	if (e) {
		ok(e->acknowledged && bin_is(e->acknowledged->uuid, UUID1, sizeof UUID1),
		   "ACKNOWLEDGED uuid");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}
	k = (struct pb){0};
	pb_str(&k, 1, "hello");
	ev = (struct pb){0};
	pb_uint(&ev, 1, 5);
	pb_msg(&ev, 6, &k);
	e = (Mesos__V1__Executor__Event *)unpack_ok(&mesos__v1__executor__event__descriptor,
						    &ev, "executor MESSAGE event");
	if (e) {
		ok(e->message && bin_is(e->message->data, "hello", 5), "executor MESSAGE data (field 1)");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}
	const unsigned bare[] = {7, 9};
	for (size_t i = 0; i < 2; i++) {
		ev = (struct pb){0};
		pb_uint(&ev, 1, bare[i]);
		e = (Mesos__V1__Executor__Event *)protobuf_c_message_unpack(
			&mesos__v1__executor__event__descriptor, NULL, ev.n, ev.d);
		ok(e && e->type == (Mesos__V1__Executor__Event__Type)bare[i],
		   "executor event type %u decodes", bare[i]);
		if (e)
			mesos__v1__executor__event__free_unpacked(e, NULL);
	}
	ok(MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN == 7 &&
	   MESOS__V1__EXECUTOR__EVENT__TYPE__HEARTBEAT == 9 &&
	   MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH_GROUP == 8, "executor event type numbers");
}

int main(void)
{
	test_sched_event_offers();
	test_sched_event_update();
	test_sched_event_others();
	test_executor_calls();
	test_executor_events();
	return done_testing();
}
