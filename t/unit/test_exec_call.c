/*
 * test_exec_call.c — the executor side (PROTOCOLS.md C.2, C.4): calls we
 * encode, unpacked and checked (SUBSCRIBE's sub-message present even when
 * empty, MESSAGE data in field 2), status updates (v4 uuid, source
 * SOURCE_EXECUTOR, TASK_STAGING refused), and the MESOS_* environment
 * (durations, the /slave(1) path, the token removed from the environment).
 */
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

#include "mesos/exec_call.h"
#include "mesos/exec_env.h"

typedef Mesos__V1__Executor__Call Call;

static Call *unpack(struct buf *b)
{
	Call *c = mesos__v1__executor__call__unpack(NULL, b->len, (const uint8_t *)b->data);
	buf_reset(b);
	return c;
}

static bool ids_ok(const Call *c, int type)
{
	return c && c->has_type && (int)c->type == type &&
	       strcmp(c->framework_id->value, "fw-1") == 0 &&
	       strcmp(c->executor_id->value, "ex-1") == 0;
}

static void test_calls(void)
{
	struct buf b = BUF_INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Executor__Call__Update *u = NULL, *u2 = NULL;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskInfo *tis[1] = { &ti };
	Call *c;

	ok(exec_encode_subscribe("fw-1", "ex-1", NULL, 0, NULL, 0, &b) == 0, "SUBSCRIBE encodes");
	ok(b.len >= 2 && (uint8_t)b.data[b.len - 2] == (4 << 3 | 2) && b.data[b.len - 1] == 0,
	   "empty SUBSCRIBE ends with field 4, length 0 (present but empty)");
	c = unpack(&b);
	ok(ids_ok(c, MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE) && c->subscribe &&
	   c->subscribe->n_unacknowledged_tasks == 0 && c->subscribe->n_unacknowledged_updates == 0,
	   "SUBSCRIBE: ids, type, empty subscribe");
	mesos__v1__executor__call__free_unpacked(c, NULL);

	tid.value = "t-1";
	st.task_id = &tid;
	ok(exec_update_new(&st, 1e9, &u) == -EINVAL, "TASK_STAGING (the INIT default) refused");
	st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
	st.message = "etcd is up";
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER;   /* replaced */
	ok(exec_update_new(&st, 1234.5, &u) == 0 && u, "update made");
	ok(exec_update_new(&st, 1234.5, &u2) == 0 && u2, "second update made");
	if (u && u2) {
		Mesos__V1__TaskStatus *s = u->status;
		ok(s->has_uuid && s->uuid.len == 16 && (s->uuid.data[6] >> 4) == 4 &&
		   (s->uuid.data[8] & 0xc0) == 0x80, "uuid: 16 bytes, version 4, variant 10");
		ok(memcmp(s->uuid.data, u2->status->uuid.data, 16) != 0, "each update has its own uuid");
		ok(s->has_source && s->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR,
		   "source SOURCE_EXECUTOR set explicitly");
		ok(s->has_timestamp && s->timestamp == 1234.5, "timestamp filled in");
		is_str(s->message, "etcd is up", "message copied");
		ok(s->task_id != &tid && strcmp(s->task_id->value, "t-1") == 0, "task id deep-copied");
		ok(exec_encode_update("fw-1", "ex-1", u, &b) == 0, "UPDATE encodes");
		c = unpack(&b);
		ok(ids_ok(c, MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE) && c->update &&
		   memcmp(c->update->status->uuid.data, s->uuid.data, 16) == 0 &&
		   c->update->status->state == MESOS__V1__TASK_STATE__TASK_RUNNING,
		   "UPDATE: same uuid and state on the wire");
		mesos__v1__executor__call__free_unpacked(c, NULL);

		/* Re-subscribe with the unacknowledged task and updates, in order. */
		Mesos__V1__Executor__Call__Update *ups[2] = { u, u2 };
		ti.name = "etcd-1";
		ti.task_id = &tid;
		aid.value = "a-1";
		ti.agent_id = &aid;
		ok(exec_encode_subscribe("fw-1", "ex-1", tis, 1, ups, 2, &b) == 0,
		   "re-SUBSCRIBE encodes");
		c = unpack(&b);
		ok(c && c->subscribe && c->subscribe->n_unacknowledged_tasks == 1 &&
		   strcmp(c->subscribe->unacknowledged_tasks[0]->task_id->value, "t-1") == 0 &&
		   c->subscribe->n_unacknowledged_updates == 2 &&
		   memcmp(c->subscribe->unacknowledged_updates[0]->status->uuid.data,
			  u->status->uuid.data, 16) == 0 &&
		   memcmp(c->subscribe->unacknowledged_updates[1]->status->uuid.data,
			  u2->status->uuid.data, 16) == 0,
		   "re-SUBSCRIBE: the task, and both updates with their uuids, in order");
		mesos__v1__executor__call__free_unpacked(c, NULL);
	}
	if (u)
		protobuf_c_message_free_unpacked(&u->base, NULL);
	if (u2)
		protobuf_c_message_free_unpacked(&u2->base, NULL);
	st.task_id = NULL;
	ok(exec_update_new(&st, 0, &u) == -EINVAL, "update without task id refused");

	ok(exec_encode_message("fw-1", "ex-1", "ping\0", 5, &b) == 0, "MESSAGE encodes");
	{
		/* Call.message is field 6; inside it, data is field 2 (not 1). */
		const uint8_t *p = (const uint8_t *)b.data;
		size_t i;
		bool found = false;
		for (i = 0; i + 3 < b.len; i++)
			if (p[i] == (6 << 3 | 2) && p[i + 1] == 7 && p[i + 2] == (2 << 3 | 2) &&
			    p[i + 3] == 5)
				found = true;
		ok(found, "MESSAGE data is Call.Message field 2");
	}
	c = unpack(&b);
	ok(ids_ok(c, MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE) && c->message &&
	   c->message->data.len == 5 && memcmp(c->message->data.data, "ping\0", 5) == 0,
	   "MESSAGE: data intact");
	mesos__v1__executor__call__free_unpacked(c, NULL);
	ok(exec_encode_message("", "ex-1", "x", 1, &b) == -EINVAL, "MESSAGE without framework id refused");
	ok(exec_encode_subscribe("fw-1", NULL, NULL, 0, NULL, 0, &b) == -EINVAL,
	   "SUBSCRIBE without executor id refused");
	buf_finish(&b);
}

/* ---- LAUNCH_GROUP from hand-framed bytes: Event{type=8, 8: LaunchGroup{
 * 1: TaskGroupInfo{1: TaskInfo, 1: TaskInfo}}} ---- */

static size_t put_len(uint8_t *b, unsigned field, const uint8_t *data, size_t n)
{
	size_t k = 0;
	b[k++] = (uint8_t)(field << 3 | 2);
	do {
		b[k++] = (uint8_t)((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
		n >>= 7;
	} while (n);
	return k;
}

static void count_task(const Mesos__V1__TaskInfo *t, void *arg)
{
	char *seen = arg;
	strcat(seen, t->task_id->value);
	strcat(seen, ";");
}

static void test_launch_group(void)
{
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	uint8_t t1[256], t2[256], tg[600], lg[700], ev[800];
	size_t n1, n2, ntg = 0, nlg = 0, nev = 0;
	Mesos__V1__Executor__Event *e;
	char seen[128] = "";

	ti.name = "g";
	ti.task_id = &tid;
	ti.agent_id = &aid;
	aid.value = "a-1";
	tid.value = "g-1";
	n1 = mesos__v1__task_info__pack(&ti, t1);
	tid.value = "g-2";
	n2 = mesos__v1__task_info__pack(&ti, t2);
	ntg += put_len(tg + ntg, 1, t1, n1);
	memcpy(tg + ntg, t1, n1), ntg += n1;
	tg[ntg++] = 0x10, tg[ntg++] = 0x01;          /* an unrelated varint field 2 */
	ntg += put_len(tg + ntg, 1, t2, n2);
	memcpy(tg + ntg, t2, n2), ntg += n2;
	nlg += put_len(lg, 1, tg, ntg);
	memcpy(lg + nlg, tg, ntg), nlg += ntg;
	ev[nev++] = 0x08, ev[nev++] = 8;             /* type LAUNCH_GROUP */
	nev += put_len(ev + nev, 8, lg, nlg);
	memcpy(ev + nev, lg, nlg), nev += nlg;
	e = mesos__v1__executor__event__unpack(NULL, nev, ev);
	ok(e && e->type == MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH_GROUP, "LAUNCH_GROUP event unpacks");
	if (e) {
		is_int(exec_launch_group_tasks(e, count_task, seen), 2, "two tasks in the group");
		is_str(seen, "g-1;g-2;", "their ids, in order");
		mesos__v1__executor__event__free_unpacked(e, NULL);
	}
	/* Truncated group: nothing readable, nothing reported. */
	ev[3] = (uint8_t)(ev[3] + 5);   /* claims more bytes than there are */
	e = mesos__v1__executor__event__unpack(NULL, nev, ev);
	ok(e == NULL, "a LaunchGroup longer than the event is refused by unpack");
	{
		Mesos__V1__Executor__Event plain = MESOS__V1__EXECUTOR__EVENT__INIT;
		seen[0] = '\0';
		is_int(exec_launch_group_tasks(&plain, count_task, seen), 0, "no group: 0 tasks");
	}
}

static const char *vars[] = {
	"MESOS_FRAMEWORK_ID", "MESOS_EXECUTOR_ID", "MESOS_AGENT_ENDPOINT", "MESOS_SLAVE_PID",
	"MESOS_SLAVE_ID", "MESOS_CHECKPOINT", "MESOS_RECOVERY_TIMEOUT",
	"MESOS_SUBSCRIPTION_BACKOFF_MAX", "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
	"MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "LIBPROCESS_SSL_ENABLED", "LIBPROCESS_SSL_CA_FILE",
};

static void clear_env(void)
{
	size_t i;
	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
}

static void base_env(void)
{
	clear_env();
	setenv("MESOS_FRAMEWORK_ID", "fw-1", 1);
	setenv("MESOS_EXECUTOR_ID", "ex-1", 1);
	setenv("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051", 1);
}

static void test_env(void)
{
	struct exec_env e;
	char err[256], text[512];
	int rc;

	clear_env();
	rc = exec_env_read(&e, err, sizeof err);
	ok(rc == -EINVAL && strstr(err, "MESOS_FRAMEWORK_ID"), "no environment: %s", err);

	base_env();
	rc = exec_env_read(&e, err, sizeof err);
	ok(rc == 0, "minimal environment read");
	if (rc == 0) {
		url_format(&e.url, text, sizeof text);
		is_str(text, "http://127.0.0.1:5051/api/v1/executor", "no MESOS_SLAVE_PID: /api/v1/executor");
		ok(!e.checkpoint && e.recovery_timeout_ns == 900000000000LL &&
		   e.backoff_max_ns == 2000000000LL && e.shutdown_grace_ns == 5000000000LL &&
		   !e.token && !e.agent_id, "defaults: no checkpoint, 15mins, 2secs, 5secs, no token");
	}
	exec_env_finish(&e);

	base_env();
	setenv("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051", 1);
	setenv("MESOS_SLAVE_ID", "agent-7", 1);
	setenv("MESOS_CHECKPOINT", "1", 1);
	setenv("MESOS_RECOVERY_TIMEOUT", "1.5mins", 1);
	setenv("MESOS_SUBSCRIPTION_BACKOFF_MAX", "500ms", 1);
	setenv("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "10secs", 1);
	setenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "eyJhbGciOi.JIUzI1NiJ9.sig", 1);
	rc = exec_env_read(&e, err, sizeof err);
	ok(rc == 0, "full environment read");
	if (rc == 0) {
		url_format(&e.url, text, sizeof text);
		is_str(text, "http://127.0.0.1:5051/slave(1)/api/v1/executor",
		       "MESOS_SLAVE_PID gives /slave(1)/api/v1/executor");
		ok(e.checkpoint && e.recovery_timeout_ns == 90000000000LL &&
		   e.backoff_max_ns == 500000000LL && e.shutdown_grace_ns == 10000000000LL,
		   "checkpoint, 1.5mins, 500ms, 10secs");
		is_str(e.token, "eyJhbGciOi.JIUzI1NiJ9.sig", "token kept");
		is_str(e.agent_id, "agent-7", "agent id");
	}
	ok(getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN") == NULL,
	   "token removed from the environment (children do not inherit it)");
	exec_env_finish(&e);

	base_env();
	setenv("LIBPROCESS_SSL_ENABLED", "true", 1);
	ok(exec_env_read(&e, err, sizeof err) == 0 && e.url.tls, "LIBPROCESS_SSL_ENABLED=true: https");
	exec_env_finish(&e);

	static const struct {
		const char *var, *val, *want;
	} bad[] = {
		{ "MESOS_CHECKPOINT", "true", "MESOS_CHECKPOINT" },
		{ "MESOS_RECOVERY_TIMEOUT", "15", "MESOS_RECOVERY_TIMEOUT" },
		{ "MESOS_SUBSCRIPTION_BACKOFF_MAX", "2 secs", "MESOS_SUBSCRIPTION_BACKOFF_MAX" },
		{ "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "-5secs", "GRACE_PERIOD" },
		{ "MESOS_AGENT_ENDPOINT", "http://127.0.0.1:5051", "MESOS_AGENT_ENDPOINT" },
		{ "MESOS_AGENT_ENDPOINT", "127.0.0.1:0", "MESOS_AGENT_ENDPOINT" },
		{ "MESOS_SLAVE_PID", "slave(1)", "MESOS_SLAVE_PID" },
		{ "MESOS_SLAVE_PID", "sl ave@1.2.3.4:5", "MESOS_SLAVE_PID" },
		{ "MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "a\r\nX-Evil: 1", "TOKEN" },
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		base_env();
		setenv(bad[i].var, bad[i].val, 1);
		err[0] = '\0';
		rc = exec_env_read(&e, err, sizeof err);
		ok(rc == -EINVAL && strstr(err, bad[i].want), "%s refused: %s", bad[i].var, err);
		exec_env_finish(&e);
	}
	ok(getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN") == NULL,
	   "token removed even when the environment is refused");
	clear_env();
}

int main(void)
{
	test_calls();
	test_launch_group();
	test_env();
	return done_testing();
}
