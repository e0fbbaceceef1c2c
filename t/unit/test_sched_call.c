/*
 * test_sched_call.c — every scheduler call we encode (PROTOCOLS.md A.8,
 * A.9, J), unpacked again and checked field by field: type set, framework
 * id present, the sub-message Mesos requires present (even empty), field
 * numbers that differ from type numbers (REVIVE 15/5, SUPPRESS 16/12),
 * and the arguments that must be refused.
 */
#include "tap.h"

#include <errno.h>

#include "mesos/sched_call.h"

/* Deprecated FrameworkInfo.role is read on purpose. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

typedef Mesos__V1__Scheduler__Call Call;

static Call *unpack(struct buf *b)
{
	Call *c = mesos__v1__scheduler__call__unpack(NULL, b->len, (const uint8_t *)b->data);
	buf_reset(b);
	return c;
}

/* Looks for a top-level field number in the bytes (varint keys only). */
static bool has_field(const struct buf *b, unsigned field)
{
	const uint8_t *p = (const uint8_t *)b->data, *end = p + b->len;

	while (p < end) {
		uint64_t key = 0, n = 0;
		unsigned shift = 0;
		do key |= (uint64_t)(*p & 0x7f) << shift, shift += 7; while (*p++ & 0x80);
		if ((key >> 3) == field)
			return true;
		switch (key & 7) {
		case 0: while (*p++ & 0x80) ; break;
		case 1: p += 8; break;
		case 5: p += 4; break;
		case 2:
			shift = 0;
			do n |= (uint64_t)(*p & 0x7f) << shift, shift += 7; while (*p++ & 0x80);
			p += n;
			break;
		default: return false;
		}
	}
	return false;
}

static bool head_ok(const Call *c, int type)
{
	return c && c->has_type && (int)c->type == type && c->framework_id &&
	       strcmp(c->framework_id->value, "fw-1") == 0;
}

static void test_subscribe(void)
{
	struct buf b = BUF_INIT;
	const char *roles[] = { "etcd", "etcd-backup" };
	const int caps[] = { MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE,
			     MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE,
			     MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE,
			     MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE };
	struct sched_framework fw = {
		.user = "root", .name = "etcd", .failover_timeout_s = 604800, .checkpoint = true,
		.roles = roles, .n_roles = 2, .principal = "etcd-principal",
		.webui_url = "http://10.0.0.9:8080/", .hostname = "sched1",
		.capabilities = caps, .n_capabilities = 4,
	};
	Call *c;

	ok(sched_encode_subscribe(&fw, &b) == 0, "first SUBSCRIBE encodes");
	ok(!has_field(&b, 1), "first SUBSCRIBE: no Call.framework_id on the wire");
	c = unpack(&b);
	ok(c && c->has_type && c->type == MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE,
	   "type SUBSCRIBE");
	if (c && c->subscribe && c->subscribe->framework_info) {
		Mesos__V1__FrameworkInfo *fi = c->subscribe->framework_info;
		size_t i, multi = 0, pa = 0;
		ok(c->framework_id == NULL && fi->id == NULL, "no framework id anywhere");
		is_str(fi->user, "root", "user");
		is_str(fi->name, "etcd", "name");
		ok(fi->has_failover_timeout && fi->failover_timeout == 604800, "failover_timeout sent");
		ok(fi->has_checkpoint && fi->checkpoint, "checkpoint true sent");
		ok(fi->n_roles == 2 && strcmp(fi->roles[0], "etcd") == 0 &&
		   strcmp(fi->roles[1], "etcd-backup") == 0, "roles");
		is_str(fi->role, "*", "role left at the default (not sent)");
		is_str(fi->principal, "etcd-principal", "principal");
		is_str(fi->webui_url, "http://10.0.0.9:8080/", "webui_url");
		is_str(fi->hostname, "sched1", "hostname");
		for (i = 0; i < fi->n_capabilities; i++) {
			multi += fi->capabilities[i]->type ==
				 MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
			pa += fi->capabilities[i]->type ==
			      MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE;
		}
		ok(fi->n_capabilities == 3 && multi == 1 && pa == 1,
		   "capabilities: MULTI_ROLE once, duplicates dropped (%zu)", fi->n_capabilities);
	} else {
		ok(0, "SUBSCRIBE carries subscribe.framework_info");
	}
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	/* Re-subscribe: both ids equal (A.5 step 2). */
	fw.id = "fw-1";
	ok(sched_encode_subscribe(&fw, &b) == 0, "re-SUBSCRIBE encodes");
	c = unpack(&b);
	ok(c && c->framework_id && c->subscribe->framework_info->id &&
	   strcmp(c->framework_id->value, "fw-1") == 0 &&
	   strcmp(c->subscribe->framework_info->id->value, "fw-1") == 0,
	   "re-SUBSCRIBE: Call.framework_id == framework_info.id == fw-1");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	/* Legacy single role, no MULTI_ROLE; failover_timeout 0 not sent. */
	{
		struct sched_framework one = { .user = "u", .name = "n", .role = "etcd" };
		ok(sched_encode_subscribe(&one, &b) == 0, "single-role SUBSCRIBE encodes");
		c = unpack(&b);
		ok(c && strcmp(c->subscribe->framework_info->role, "etcd") == 0 &&
		   c->subscribe->framework_info->n_roles == 0 &&
		   c->subscribe->framework_info->n_capabilities == 0 &&
		   !c->subscribe->framework_info->has_failover_timeout &&
		   c->subscribe->framework_info->has_checkpoint &&
		   !c->subscribe->framework_info->checkpoint,
		   "single role: role sent, no roles, no capabilities, checkpoint false sent");
		mesos__v1__scheduler__call__free_unpacked(c, NULL);
	}
	/* Refusals. */
	{
		struct sched_framework bad = { .user = "u", .name = "" };
		const int mr[] = { MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE };
		const char *empty_role[] = { "" };
		ok(sched_encode_subscribe(&bad, &b) == -EINVAL && b.len == 0, "empty name refused");
		bad.name = "n";
		bad.user = NULL;
		ok(sched_encode_subscribe(&bad, &b) == -EINVAL, "no user refused");
		bad.user = "u";
		bad.capabilities = mr;
		bad.n_capabilities = 1;
		ok(sched_encode_subscribe(&bad, &b) == -EINVAL, "MULTI_ROLE without roles refused");
		bad.n_capabilities = 0;
		bad.roles = empty_role;
		bad.n_roles = 1;
		ok(sched_encode_subscribe(&bad, &b) == -EINVAL, "empty role name refused");
	}
	buf_finish(&b);
}

static void test_calls(void)
{
	struct buf b = BUF_INIT;
	const char *offers[] = { "o-1", "o-2" };
	const char *roles[] = { "etcd" };
	Call *c;

	/* ACCEPT with operations of every kind we use. */
	{
		Mesos__V1__Offer__Operation ops[5];
		Mesos__V1__Offer__Operation *opp[5];
		static const int types[5] = {
			MESOS__V1__OFFER__OPERATION__TYPE__RESERVE,
			MESOS__V1__OFFER__OPERATION__TYPE__CREATE,
			MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH,
			MESOS__V1__OFFER__OPERATION__TYPE__DESTROY,
			MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE,
		};
		Mesos__V1__Offer__Operation__Reserve rs = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
		Mesos__V1__Offer__Operation__Create cr = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
		Mesos__V1__Offer__Operation__Launch la = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
		Mesos__V1__Offer__Operation__Destroy de = MESOS__V1__OFFER__OPERATION__DESTROY__INIT;
		Mesos__V1__Offer__Operation__Unreserve un = MESOS__V1__OFFER__OPERATION__UNRESERVE__INIT;
		size_t i;
		bool types_ok;

		for (i = 0; i < 5; i++) {
			mesos__v1__offer__operation__init(&ops[i]);
			ops[i].has_type = 1;
			ops[i].type = types[i];
			opp[i] = &ops[i];
		}
		ops[0].reserve = &rs;
		ops[1].create = &cr;
		ops[2].launch = &la;
		ops[3].destroy = &de;
		ops[4].unreserve = &un;
		ok(sched_encode_accept("fw-1", offers, 2, opp, 5, 10, &b) == 0, "ACCEPT encodes");
		c = unpack(&b);
		ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT), "ACCEPT: type and framework id");
		ok(c && c->accept && c->accept->n_offer_ids == 2 &&
		   strcmp(c->accept->offer_ids[1]->value, "o-2") == 0, "ACCEPT: two offer ids");
		types_ok = c && c->accept && c->accept->n_operations == 5;
		for (i = 0; types_ok && i < 5; i++)
			types_ok = (int)c->accept->operations[i]->type == types[i];
		ok(types_ok, "ACCEPT: RESERVE, CREATE, LAUNCH, DESTROY, UNRESERVE in order");
		ok(c && c->accept && c->accept->operations[0]->reserve &&
		   c->accept->operations[1]->create && c->accept->operations[2]->launch &&
		   c->accept->operations[3]->destroy && c->accept->operations[4]->unreserve,
		   "ACCEPT: each operation's sub-message present");
		ok(c && c->accept && c->accept->filters && c->accept->filters->has_refuse_seconds &&
		   c->accept->filters->refuse_seconds == 10, "ACCEPT: refuse_seconds 10");
		mesos__v1__scheduler__call__free_unpacked(c, NULL);
		ok(sched_encode_accept("fw-1", offers, 1, NULL, 0, -1, &b) == 0,
		   "ACCEPT without operations encodes");
		c = unpack(&b);
		ok(c && c->accept && !c->accept->filters && c->accept->n_operations == 0,
		   "ACCEPT refuse_seconds < 0: no filters");
		mesos__v1__scheduler__call__free_unpacked(c, NULL);
		ok(sched_encode_accept("fw-1", offers, 0, opp, 1, 5, &b) == -EINVAL,
		   "ACCEPT without offers refused");
		ok(sched_encode_accept(NULL, offers, 1, opp, 1, 5, &b) == -EINVAL,
		   "ACCEPT without framework id refused");
	}

	ok(sched_encode_decline("fw-1", offers, 2, 3600, &b) == 0, "DECLINE encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE) && c->decline &&
	   c->decline->n_offer_ids == 2 && c->decline->filters &&
	   c->decline->filters->has_refuse_seconds && c->decline->filters->refuse_seconds == 3600,
	   "DECLINE: offers and refuse_seconds 3600");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	ok(sched_encode_revive("fw-1", roles, 1, &b) == 0, "REVIVE encodes");
	ok(has_field(&b, 15) && !has_field(&b, 5), "REVIVE: sub-message in field 15 (type is 5)");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE) && c->revive &&
	   c->revive->n_roles == 1 && strcmp(c->revive->roles[0], "etcd") == 0, "REVIVE: role etcd");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	ok(sched_encode_revive("fw-1", NULL, 0, &b) == 0, "REVIVE of all roles encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE) && !c->revive,
	   "REVIVE all roles: no sub-message");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	ok(sched_encode_suppress("fw-1", roles, 1, &b) == 0, "SUPPRESS encodes");
	ok(has_field(&b, 16), "SUPPRESS: sub-message in field 16 (type is 12)");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS) && c->suppress &&
	   c->suppress->n_roles == 1, "SUPPRESS: role etcd");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	ok(sched_encode_kill("fw-1", "t-1", "a-1", &b) == 0, "KILL encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__KILL) && c->kill &&
	   strcmp(c->kill->task_id->value, "t-1") == 0 && c->kill->agent_id &&
	   strcmp(c->kill->agent_id->value, "a-1") == 0, "KILL: task and agent");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	ok(sched_encode_kill("fw-1", "t-1", NULL, &b) == 0, "KILL without agent encodes");
	c = unpack(&b);
	ok(c && c->kill && !c->kill->agent_id, "KILL: agent_id left out");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	ok(sched_encode_kill("fw-1", "", NULL, &b) == -EINVAL, "KILL of an empty task id refused");

	ok(sched_encode_shutdown("fw-1", "e-1", "a-1", &b) == 0, "SHUTDOWN encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN) && c->shutdown &&
	   strcmp(c->shutdown->executor_id->value, "e-1") == 0 &&
	   strcmp(c->shutdown->agent_id->value, "a-1") == 0, "SHUTDOWN: executor and agent");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	ok(sched_encode_shutdown("fw-1", "e-1", NULL, &b) == -EINVAL, "SHUTDOWN without agent refused");

	{
		Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
		Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
		Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
		uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 0x47, 8, 0x89, 10, 11, 12, 13, 14, 15, 16 };
		tid.value = "t-1";
		aid.value = "a-1";
		st.task_id = &tid;
		st.agent_id = &aid;
		st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
		ok(sched_encode_acknowledge("fw-1", &st, &b) == -EINVAL && b.len == 0,
		   "ACKNOWLEDGE of an update without uuid refused");
		st.has_uuid = 1;
		st.uuid.len = 16;
		st.uuid.data = uuid;
		ok(sched_encode_acknowledge("fw-1", &st, &b) == 0, "ACKNOWLEDGE encodes");
		c = unpack(&b);
		ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE) && c->acknowledge &&
		   strcmp(c->acknowledge->task_id->value, "t-1") == 0 &&
		   strcmp(c->acknowledge->agent_id->value, "a-1") == 0 &&
		   c->acknowledge->uuid.len == 16 && memcmp(c->acknowledge->uuid.data, uuid, 16) == 0,
		   "ACKNOWLEDGE: agent, task and the same 16 uuid bytes");
		mesos__v1__scheduler__call__free_unpacked(c, NULL);
		st.agent_id = NULL;
		ok(sched_encode_acknowledge("fw-1", &st, &b) == -EINVAL, "ACKNOWLEDGE without agent refused");
		st.agent_id = &aid;
		st.uuid.len = 15;
		ok(sched_encode_acknowledge("fw-1", &st, &b) == -EINVAL, "ACKNOWLEDGE of a 15-byte uuid refused");
	}

	ok(sched_encode_reconcile("fw-1", NULL, 0, &b) == 0, "implicit RECONCILE encodes");
	ok(has_field(&b, 9), "implicit RECONCILE: empty sub-message present (field 9)");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE) && c->reconcile &&
	   c->reconcile->n_tasks == 0, "implicit RECONCILE: no tasks");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	{
		struct sched_reconcile_task t[] = { { "t-1", "a-1" }, { "t-2", NULL } };
		ok(sched_encode_reconcile("fw-1", t, 2, &b) == 0, "explicit RECONCILE encodes");
		c = unpack(&b);
		ok(c && c->reconcile && c->reconcile->n_tasks == 2 &&
		   strcmp(c->reconcile->tasks[0]->task_id->value, "t-1") == 0 &&
		   strcmp(c->reconcile->tasks[0]->agent_id->value, "a-1") == 0 &&
		   strcmp(c->reconcile->tasks[1]->task_id->value, "t-2") == 0 &&
		   c->reconcile->tasks[1]->agent_id == NULL, "explicit RECONCILE: two tasks");
		mesos__v1__scheduler__call__free_unpacked(c, NULL);
	}

	ok(sched_encode_message("fw-1", "a-1", "e-1", "hi\0there", 8, &b) == 0, "MESSAGE encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE) && c->message &&
	   c->message->data.len == 8 && memcmp(c->message->data.data, "hi\0there", 8) == 0 &&
	   strcmp(c->message->executor_id->value, "e-1") == 0, "MESSAGE: data with a NUL intact");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	ok(sched_encode_teardown("fw-1", &b) == 0, "TEARDOWN encodes");
	c = unpack(&b);
	ok(head_ok(c, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN), "TEARDOWN: type and framework id");
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
	ok(sched_encode_teardown("", &b) == -EINVAL, "TEARDOWN without framework id refused");

	is_str(sched_call_type_name(MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE), "REVIVE", "type name");
	is_str(sched_call_type_name(99), "UNKNOWN", "unknown type name");
	buf_finish(&b);
}

int main(void)
{
	test_subscribe();
	test_calls();
	return done_testing();
}
