/*
 * sim_client — a protobuf scheduler client for the t/mesos-sim master
 * tests (t/t0500-sim-master.sh). Each scenario checks one behaviour of
 * PROTOCOLS.md §A/§L against the running sim and prints one line per
 * check ("ok - what" or "FAIL - what: detail"):
 *
 *   sim_client SCENARIO HOST:PORT [ARGS...]
 *     errors H:P               every status code and body text of §L.1
 *     subscribe H:P HB         SUBSCRIBED, stream id, heartbeats every HB s
 *     offers H:P N             N agents' offers, port ranges, DECLINE
 *                              filter, SUPPRESS, REVIVE
 *     accept H:P               invalid ACCEPTs -> TASK_ERROR / TASK_LOST
 *     reconcile H:P            reconciliation answers (§L.2 table), KILL
 *     failover H:P             second SUBSCRIBE takes over
 *     teardown H:P             TEARDOWN, then "Framework has been removed"
 *     timeout H:P              failover_timeout -> removed
 *     standby H:P LEADER_PORT  307 to the leader
 *     noleader H:P             503 "No leader elected"
 *     auth H:P USER PASS       401 / 400 / 200 with --credentials
 *     control H:P CONTROL HB   pause/resume allocation, delay and drop
 *                              a framework's stream
 *     mutate H:P N SEED        N byte-mutated ACCEPT/RECONCILE calls with a
 *                              live stream id: Mesos-like answers, no crash
 *     rcl H:P AGENT_WORK_DIR   RESERVE + CREATE + LAUNCH in one ACCEPT; the
 *                              task writes into its volume, which outlives it
 *     executor H:P EXE         a custom executor (em-test-executor -echo):
 *                              updates, executor_ids in offers, duplicate
 *                              task id, MESSAGE both ways, KILL, SHUTDOWN
 *     rescind H:P              --offer-timeout rescinds offers
 *     volumes H:P AGENT_WORK_DIR   RESERVE, CREATE, DESTROY, UNRESERVE
 *                              (one agent; its work dir to find volumes)
 *     mfailover H:P CONTROL NEWPORT   master failover: stream ends, 403,
 *                              re-SUBSCRIBE to the new leader
 *     agentloss H:P CONTROL PA TIMEOUT   a running task's agent is killed:
 *                              RESCIND, then TASK_LOST/UNREACHABLE and
 *                              FAILURE after TIMEOUT s; restart
 *     original H:P NAME N ETCD  stands in for the original etcd-mesos:
 *                              framework NAME launches an N-member etcd
 *                              cluster as command tasks (the original's
 *                              task ids), waits for TASK_RUNNING, prints
 *                              "framework_id ID", "task AGENT<TAB>ID<TAB>
 *                              CLIENT_URL" lines and "reconciliation JSON",
 *                              and leaves (failover timeout one day)
 *
 * Exit 0 when every check passed, 1 otherwise, 2 on usage errors. The
 * client is synchronous (blocking sockets with poll deadlines): it is a
 * test driver, not part of the product. Files: sim_client.c (these
 * scenarios and main), sim_client_offers.c (offers, ACCEPT,
 * reconciliation, agent loss), sim_client_tasks.c (volumes, mutated
 * calls, a custom executor), sim_client_wire.c (HTTP, events, calls;
 * sim_client.h).
 */
/* The INIT macros of Resource and FrameworkInfo set the deprecated `role`
 * default, which clang reports as a use of a deprecated field. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/strutil.h"
#include "net/http_parse.h"
#include "net/recordio.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

#include "sim_client.h"

static const char *V = "Failed to validate scheduler::Call: ";

static int sc_errors(void)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
	Mesos__V1__Scheduler__Call__Message msg = MESOS__V1__SCHEDULER__CALL__MESSAGE__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	struct fwopts o = {.failover_timeout = 3600};
	struct fw f;
	struct answer a;
	char want[512];
	uint8_t uuid[16] = {1, 2, 3, 4, 5, 6, 0x47, 8, 0x89, 10, 11, 12, 13, 14, 15, 16};

	fi.user = "root";
	fi.name = "errors";
	sub.framework_info = &fi;

	expect_raw("GET", NULL, NULL, NULL, NULL, 405,
		   "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.",
		   "GET -> 405 with the Mesos text");
	{
		struct answer x;
		raw_request("GET", NULL, NULL, NULL, "", 0, &x);
		check(strcmp(x.allow, "POST") == 0, "405 carries Allow: POST", "Allow \"%s\"", x.allow);
	}
	expect_raw("POST", NULL, NULL, NULL, NULL, 400, "Expecting 'Content-Type' to be present",
		   "no Content-Type -> 400");
	expect_raw("POST", "text/plain", NULL, NULL, NULL, 415,
		   "Expecting 'Content-Type' of application/json or application/x-protobuf",
		   "Content-Type text/plain -> 415");
	expect_raw("POST", "application/x-protobuf; charset=utf-8", NULL, NULL, NULL, 415, NULL,
		   "Content-Type is compared byte for byte -> 415");
	expect_raw("POST", "application/json", NULL, NULL, NULL, 415, "~protobuf only",
		   "JSON request -> 415 saying the sim speaks protobuf only");
	{
		struct answer x;
		raw_request("POST", PB, PB, NULL, "\xff\xff\xff\xff", 4, &x);
		check(x.status == 400 && !strcmp(x.body, "Failed to parse body into Call protobuf"),
		      "garbage body -> 400 parse error", "got %d \"%s\"", x.status, x.body);
	}
	snprintf(want, sizeof(want), "%sExpecting 'type' to be present", V);
	expect_raw("POST", PB, PB, NULL, NULL, 400, want, "empty body -> 400 type missing");

	init_call(&c, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	snprintf(want, sizeof(want), "%sExpecting 'subscribe' to be present", V);
	expect_raw("POST", PB, PB, NULL, &c, 400, want, "SUBSCRIBE without subscribe -> 400");
	c.subscribe = &sub;
	expect_raw("POST", PB, "text/html", NULL, &c, 406,
		   "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
		   "SUBSCRIBE with Accept text/html -> 406");
	expect_raw("POST", PB, "application/json", NULL, &c, 406, "~protobuf only",
		   "SUBSCRIBE accepting JSON only -> 406 saying protobuf only");
	expect_raw("POST", PB, PB, "some-stream", &c, 400,
		   "Subscribe calls should not include the 'Mesos-Stream-Id' header",
		   "SUBSCRIBE with Mesos-Stream-Id -> 400");
	init_call(&c, &fid, "abc", MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	c.subscribe = &sub;
	snprintf(want, sizeof(want), "%s'framework_id' differs from 'subscribe.framework_info.id'", V);
	expect_raw("POST", PB, PB, NULL, &c, 400, want, "framework_id mismatch -> 400");
	init_call(&c, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE);
	snprintf(want, sizeof(want), "%sExpecting 'framework_id' to be present", V);
	expect_raw("POST", PB, PB, NULL, &c, 400, want, "DECLINE without framework_id -> 400");
	init_call(&c, &fid, "no-such-framework", MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN);
	expect_raw("POST", PB, PB, NULL, &c, 400, "Framework cannot be found",
		   "unknown framework -> 400");
	expect_raw("POST", PB, PB, "x", &c, 400, "Framework cannot be found",
		   "unknown framework with a stream id -> 400");

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	expect_raw("POST", PB, PB, NULL, &c, 400,
		   "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
		   "call without Mesos-Stream-Id -> 400");
	snprintf(want, sizeof(want), "The stream ID 'wrong-id' included in this request didn't match the stream ID currently associated with framework ID %s",
		 f.id);
	expect_raw("POST", PB, PB, "wrong-id", &c, 400, want, "wrong Mesos-Stream-Id -> 400");
	expect_answer(&c, f.sid, 202, "", "REVIVE -> 202 with an empty body");

	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE);
	aid.value = "no-agent";
	tid.value = "no-task";
	ack.agent_id = &aid;
	ack.task_id = &tid;
	ack.uuid.data = uuid;
	ack.uuid.len = 3;
	c.acknowledge = &ack;
	snprintf(want, sizeof(want), "%sNot a valid UUID", V);
	expect_answer(&c, f.sid, 400, want, "ACKNOWLEDGE with a malformed uuid -> 400");
	ack.uuid.len = 16;
	expect_answer(&c, f.sid, 202, "", "ACKNOWLEDGE for an unknown task -> 202");
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE);
	eid.value = "no-executor";
	msg.agent_id = &aid;
	msg.executor_id = &eid;
	msg.data.data = uuid;
	msg.data.len = 4;
	c.message = &msg;
	expect_answer(&c, f.sid, 202, "", "MESSAGE to an unknown executor -> 202");
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	snprintf(want, sizeof(want), "%sExpecting 'accept' to be present", V);
	expect_answer(&c, f.sid, 400, want, "ACCEPT without accept -> 400");
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE);
	snprintf(want, sizeof(want), "%sExpecting 'reconcile' to be present", V);
	expect_answer(&c, f.sid, 400, want, "RECONCILE without reconcile -> 400");
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__UNKNOWN);
	expect_answer(&c, f.sid, 501, NULL, "type UNKNOWN -> 501");

	/* the subscription connection breaks: 403 until it is back */
	conn_close(&f.c);
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	check(call_until(&f, &c, 403, 3000, &a) == 0 && !strcmp(a.body, "Framework is not subscribed"),
	      "disconnected framework -> 403 Framework is not subscribed", "got %d \"%s\"", a.status,
	      a.body);
	return failures ? 1 : 0;
}

static int sc_subscribe(double hb)
{
	struct fwopts o = {.failover_timeout = 60};
	struct conn c;
	Mesos__V1__Scheduler__Event *ev = NULL;
	uint64_t t0, t1;

	if (subscribe(&c, &o, &ev) != 0 || !ev->subscribed) {
		check(0, "SUBSCRIBE -> 200 and SUBSCRIBED", "no SUBSCRIBED");
		return 1;
	}
	check(1, "SUBSCRIBE -> 200 and SUBSCRIBED", "");
	check(!strcmp(c.ctype, PB), "the stream is application/x-protobuf", "%s", c.ctype);
	check(strlen(c.stream_id) == 36, "Mesos-Stream-Id is a UUID", "\"%s\"", c.stream_id);
	check(ev->subscribed->framework_id->value[0] != '\0', "SUBSCRIBED carries a framework id", "");
	check(ev->subscribed->has_heartbeat_interval_seconds &&
	      ev->subscribed->heartbeat_interval_seconds == hb,
	      "heartbeat_interval_seconds is --heartbeat", "%g",
	      ev->subscribed->heartbeat_interval_seconds);
	check(ev->subscribed->master_info && !strcmp(ev->subscribed->master_info->version, "1.12.0") &&
	      (int)ev->subscribed->master_info->port == g_port &&
	      ev->subscribed->master_info->address &&
	      !strcmp(ev->subscribed->master_info->address->ip, g_host),
	      "master_info has version 1.12.0, port and address", "");
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	t0 = now_ms();
	ev = wait_event(&c, MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT, 2000);
	check(ev != NULL, "a first HEARTBEAT within 2 s", "none");
	if (ev)
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	t1 = now_ms();
	ev = wait_event(&c, MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT, (int)(hb * 2000) + 500);
	check(ev != NULL && now_ms() - t1 >= (uint64_t)(hb * 800) &&
	      now_ms() - t1 <= (uint64_t)(hb * 1500) + 300,
	      "the next HEARTBEAT one interval later", "after %llu ms",
	      (unsigned long long)(now_ms() - t1));
	if (ev)
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	(void)t0;
	conn_close(&c);
	return failures ? 1 : 0;
}

/* ---- subscription lifecycle ---- */

static int sc_failover(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw a, b;
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	char want[512];

	if (fw_start(&a, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	o.id = a.id;
	if (fw_start(&b, &o) != 0) {
		check(0, "a second SUBSCRIBE with the same id -> 200 SUBSCRIBED", "none");
		conn_close(&a.c);
		conn_close(&b.c);
		return 1;
	}
	check(!strcmp(a.id, b.id) && strcmp(a.sid, b.sid) != 0,
	      "failover keeps the framework id and issues a new stream id", "%s/%s", a.sid, b.sid);
	ev = wait_event(&a.c, MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR, 3000);
	check(ev && !strcmp(ev->error->message, "Framework failed over"),
	      "the old stream gets ERROR \"Framework failed over\"", "%s",
	      ev ? ev->error->message : "no ERROR");
	free_ev(ev);
	check(next_event(&a.c, 3000, &ev) == -1, "and is closed by the master", "more events");
	free_ev(ev);
	init_call(&c, &fid, a.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	snprintf(want, sizeof(want), "The stream ID '%s' included in this request didn't match the stream ID currently associated with framework ID %s",
		 a.sid, a.id);
	expect_answer(&c, a.sid, 400, want, "the old stream id -> 400");
	expect_answer(&c, b.sid, 202, "", "the new stream id -> 202");
	ev = wait_event(&b.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	check(ev != NULL, "fresh offers follow on the new stream", "none");
	free_ev(ev);
	conn_close(&a.c);
	conn_close(&b.c);
	return failures ? 1 : 0;
}

static void expect_removed(const char *id, const char *what)
{
	struct fwopts o = {.failover_timeout = 60, .id = id};
	struct conn c;
	Mesos__V1__Scheduler__Event *ev = NULL, *ev2 = NULL;

	if (subscribe(&c, &o, &ev) != 0) {
		check(0, what, "no 200 with an event");
		return;
	}
	check(ev->error && !strcmp(ev->error->message, "Framework has been removed") &&
	      next_event(&c, 3000, &ev2) == -1, what, "first event type %d", ev->type);
	free_ev(ev);
	free_ev(ev2);
	conn_close(&c);
}

static int sc_teardown(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev = NULL;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN) == 202, "TEARDOWN -> 202", "");
	{
		int rc;
		do {
			free_ev(ev);
			rc = next_event(&f.c, 3000, &ev);
		} while (rc == 1 && ev->type != MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR &&
			 ev->type != MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE);
		check(rc == -1, "the master closes the stream without an event", "rc %d", rc);
		free_ev(ev);
	}
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	expect_answer(&c, f.sid, 400, "Framework cannot be found", "calls after TEARDOWN -> 400");
	expect_removed(f.id, "SUBSCRIBE after TEARDOWN -> 200, ERROR \"Framework has been removed\", closed");
	conn_close(&f.c);
	return failures ? 1 : 0;
}

static int sc_timeout(void)
{
	struct fwopts o = {.failover_timeout = 1};
	struct fw f;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	struct answer a;
	uint64_t t0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	conn_close(&f.c);
	t0 = now_ms();
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	check(call_until(&f, &c, 403, 3000, &a) == 0, "disconnected -> 403", "%d", a.status);
	check(call_until(&f, &c, 400, 4000, &a) == 0 && !strcmp(a.body, "Framework cannot be found") &&
	      now_ms() - t0 >= 900,
	      "after failover_timeout the framework is removed", "%d \"%s\" after %llu ms", a.status,
	      a.body, (unsigned long long)(now_ms() - t0));
	expect_removed(f.id, "SUBSCRIBE after the failover timeout -> ERROR \"Framework has been removed\"");
	return failures ? 1 : 0;
}

static int sc_standby(int leader_port)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	struct answer a;
	size_t len;
	uint8_t *b;
	char want[256];

	fi.user = "root";
	fi.name = "standby";
	sub.framework_info = &fi;
	init_call(&c, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	c.subscribe = &sub;
	b = pack(&c, &len);
	raw_request("POST", PB, PB, NULL, b, len, &a);
	free(b);
	snprintf(want, sizeof(want), "//%s:%d/api/v1/scheduler", g_host, leader_port);
	check(a.status == 307 && !strcmp(a.location, want),
	      "a standby answers 307 with a protocol-relative Location", "%d \"%s\"", a.status,
	      a.location);
	return failures ? 1 : 0;
}

static int sc_noleader(void)
{
	expect_raw("POST", PB, PB, NULL, NULL, 503, "No leader elected",
		   "no leader -> 503 \"No leader elected\"");
	return failures ? 1 : 0;
}

static int sc_auth(const char *user, const char *pass)
{
	struct fwopts o = {.failover_timeout = 60};
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	struct answer a;
	struct fw f;
	char good[256], bad[256], want[512];
	size_t len;
	uint8_t *b;

	fi.user = "root";
	fi.name = "auth";
	fi.principal = "someone-else";
	sub.framework_info = &fi;
	init_call(&c, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	c.subscribe = &sub;
	b = pack(&c, &len);
	g_auth = NULL;
	raw_request("POST", PB, PB, NULL, b, len, &a);
	check(a.status == 401 && !strcmp(a.www, "Basic realm=\"mesos-master-scheduler\""),
	      "no credentials -> 401 with WWW-Authenticate realm", "%d \"%s\"", a.status, a.www);
	snprintf(bad, sizeof(bad), "%s:not-%s", user, pass);
	g_auth = bad;
	raw_request("POST", PB, PB, NULL, b, len, &a);
	check(a.status == 401, "a wrong secret -> 401", "%d", a.status);
	snprintf(good, sizeof(good), "%s:%s", user, pass);
	g_auth = good;
	raw_request("POST", PB, PB, NULL, b, len, &a);
	snprintf(want, sizeof(want), "%sAuthenticated principal '%s' does not match principal 'someone-else' set in `FrameworkInfo`",
		 V, user);
	check(a.status == 400 && !strcmp(a.body, want),
	      "FrameworkInfo.principal must match the authenticated one -> 400", "%d \"%s\"",
	      a.status, a.body);
	free(b);
	o.principal = user;
	check(fw_start(&f, &o) == 0, "good credentials and principal -> SUBSCRIBED", "");
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- master failover ---- */

static int sc_mfailover(int control, int new_port)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f, g;
	Mesos__V1__Scheduler__Event *ev = NULL;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	struct answer a;
	int rc;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	check(control_post(control, "/master/failover") == 200, "control: master failover", "");
	do {
		free_ev(ev);
		ev = NULL;
		rc = next_event(&f.c, 3000, &ev);
	} while (rc == 1);
	check(rc == -1, "the old leader's stream ends", "rc %d", rc);
	conn_close(&f.c);
	g_port = new_port;
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	check(call_request(&c, f.sid, &a) == 0 && a.status == 403 &&
	      !strcmp(a.body, "Framework is not subscribed"),
	      "the new leader answers 403 until the framework re-subscribes", "%d \"%s\"", a.status,
	      a.body);
	o.id = f.id;
	if (fw_start(&g, &o) != 0) {
		check(0, "re-SUBSCRIBE with the framework id", "no SUBSCRIBED");
		return 1;
	}
	check(!strcmp(g.id, f.id), "re-SUBSCRIBE keeps the framework id", "%s", g.id);
	ev = wait_event(&g.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	check(ev != NULL, "offers from the new leader", "none");
	free_ev(ev);
	conn_close(&g.c);
	return failures ? 1 : 0;
}

/* ---- control API ---- */

static int sc_control(int control, double hb)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev = NULL;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	struct answer a;
	char path[256];
	uint64_t t0;
	int rc;

	check(control_post(control, "/allocation/pause") == 200, "control: pause allocation", "");
	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 1500);
	check(ev == NULL, "no offers while allocation is paused", "got offers");
	free_ev(ev);
	check(control_post(control, "/allocation/resume") == 200, "control: resume allocation", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	check(ev != NULL, "offers after resume", "none");
	free_ev(ev);

	/* delay: events are held back, then delivered in order */
	snprintf(path, sizeof(path), "/framework/delay?id=%s&ms=%d", f.id, (int)(hb * 2500));
	check(control_post(control, path) == 200, "control: delay the stream", "");
	t0 = now_ms();
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT, (int)(hb * 5000));
	check(ev && now_ms() - t0 >= (uint64_t)(hb * 2000),
	      "a delayed stream delivers its heartbeats late", "after %llu ms",
	      (unsigned long long)(now_ms() - t0));
	free_ev(ev);

	/* drop: the stream ends, calls get 403, re-subscription works */
	snprintf(path, sizeof(path), "/framework/drop?id=%s", f.id);
	check(control_post(control, path) == 200, "control: drop the stream", "");
	do {
		ev = NULL;
		rc = next_event(&f.c, 3000, &ev);
		free_ev(ev);
	} while (rc == 1);
	check(rc == -1, "the dropped stream ends", "rc %d", rc);
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE);
	check(call_request(&c, f.sid, &a) == 0 && a.status == 403, "calls after the drop -> 403",
	      "%d", a.status);
	conn_close(&f.c);
	o.id = f.id;
	check(fw_start(&f, &o) == 0, "the framework re-subscribes", "");
	conn_close(&f.c);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	char *colon;
	int rc = 2;

	if (argc < 3 || !(colon = strrchr(argv[2], ':'))) {
		fprintf(stderr, "usage: sim_client SCENARIO HOST:PORT [ARGS]\n");
		return 2;
	}
	snprintf(g_host, sizeof(g_host), "%.*s", (int)(colon - argv[2]), argv[2]);
	g_port = atoi(colon + 1);
	if (!strcmp(argv[1], "errors"))
		rc = sc_errors();
	else if (!strcmp(argv[1], "subscribe") && argc == 4)
		rc = sc_subscribe(atof(argv[3]));
	else if (!strcmp(argv[1], "offers") && argc == 4)
		rc = sc_offers(atoi(argv[3]));
	else if (!strcmp(argv[1], "accept"))
		rc = sc_accept();
	else if (!strcmp(argv[1], "reconcile"))
		rc = sc_reconcile();
	else if (!strcmp(argv[1], "failover"))
		rc = sc_failover();
	else if (!strcmp(argv[1], "teardown"))
		rc = sc_teardown();
	else if (!strcmp(argv[1], "timeout"))
		rc = sc_timeout();
	else if (!strcmp(argv[1], "standby") && argc == 4)
		rc = sc_standby(atoi(argv[3]));
	else if (!strcmp(argv[1], "noleader"))
		rc = sc_noleader();
	else if (!strcmp(argv[1], "auth") && argc == 5)
		rc = sc_auth(argv[3], argv[4]);
	else if (!strcmp(argv[1], "agentloss") && argc == 6)
		rc = sc_agentloss(atoi(argv[3]), atoi(argv[4]) != 0, atoi(argv[5]));
	else if (!strcmp(argv[1], "mfailover") && argc == 5)
		rc = sc_mfailover(atoi(argv[3]), atoi(argv[4]));
	else if (!strcmp(argv[1], "volumes") && argc == 4)
		rc = sc_volumes(argv[3]);
	else if (!strcmp(argv[1], "control") && argc == 5)
		rc = sc_control(atoi(argv[3]), atof(argv[4]));
	else if (!strcmp(argv[1], "mutate") && argc == 5)
		rc = sc_mutate(atoi(argv[3]), (unsigned)atoi(argv[4]));
	else if (!strcmp(argv[1], "rcl") && argc == 4)
		rc = sc_rcl(argv[3]);
	else if (!strcmp(argv[1], "executor") && argc == 4)
		rc = sc_executor(argv[3]);
	else if (!strcmp(argv[1], "original") && argc == 6)
		rc = sc_original(argv[3], atoi(argv[4]), argv[5]);
	else if (!strcmp(argv[1], "rescind"))
		rc = sc_rescind();
	else
		fprintf(stderr, "sim_client: unknown scenario or wrong arguments: %s\n", argv[1]);
	return rc;
}
