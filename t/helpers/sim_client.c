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
 *     rescind H:P              --offer-timeout rescinds offers
 *     volumes H:P AGENT_WORK_DIR   RESERVE, CREATE, DESTROY, UNRESERVE
 *                              (one agent; its work dir to find volumes)
 *     mfailover H:P CONTROL NEWPORT   master failover: stream ends, 403,
 *                              re-SUBSCRIBE to the new leader
 *     agentloss H:P CONTROL PA TIMEOUT   a running task's agent is killed:
 *                              RESCIND, then TASK_LOST/UNREACHABLE and
 *                              FAILURE after TIMEOUT s; restart
 *
 * Exit 0 when every check passed, 1 otherwise, 2 on usage errors. The
 * client is synchronous (blocking sockets with poll deadlines): it is a
 * test driver, not part of the product.
 */
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

#define PB "application/x-protobuf"
#define SCHED_PATH "/api/v1/scheduler"

static char g_host[64];
static int g_port;
static int failures;
static const char *g_auth;   /* "user:pass" or NULL */

static void check(int cond, const char *what, const char *fmt, ...)
{
	if (cond) {
		printf("ok - %s\n", what);
	} else {
		va_list ap;
		printf("FAIL - %s: ", what);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failures++;
	}
	fflush(stdout);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- one HTTP connection ---- */

struct conn {
	int fd;
	struct buf in;                /* raw bytes not yet parsed */
	int status;
	char ctype[128], stream_id[128], location[256], allow[64], www[128];
	struct http_body body;
	struct buf data;              /* decoded body bytes */
	struct recordio_decoder rd;
	bool eof;
};

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	buf_finish(&c->in);
	buf_finish(&c->data);
	recordio_decoder_finish(&c->rd);
}

static int conn_open(struct conn *c, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};

	memset(c, 0, sizeof(*c));
	buf_init(&c->in);
	buf_init(&c->data);
	recordio_decoder_init(&c->rd, 0);
	inet_pton(AF_INET, g_host, &sa.sin_addr);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("connect");
		return -1;
	}
	return 0;
}

static int conn_send(struct conn *c, const char *method, const char *ctype, const char *accept,
		     const char *stream_id, const void *body, size_t len)
{
	struct buf b = BUF_INIT;
	size_t off = 0;
	int rc = 0;

	buf_appendf(&b, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n", method, SCHED_PATH, g_host, g_port);
	if (ctype)
		buf_appendf(&b, "Content-Type: %s\r\n", ctype);
	if (accept)
		buf_appendf(&b, "Accept: %s\r\n", accept);
	if (stream_id)
		buf_appendf(&b, "Mesos-Stream-Id: %s\r\n", stream_id);
	if (g_auth) {
		char enc[256];
		base64_encode(g_auth, strlen(g_auth), enc, sizeof(enc));
		buf_appendf(&b, "Authorization: Basic %s\r\n", enc);
	}
	buf_appendf(&b, "Content-Length: %zu\r\n\r\n", len);
	buf_append(&b, body, len);
	while (off < b.len) {
		ssize_t n = write(c->fd, b.data + off, b.len - off);
		if (n <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	buf_finish(&b);
	return rc;
}

/* Reads more bytes into c->in; 1 read, 0 timeout, -1 EOF/error. */
static int conn_fill(struct conn *c, uint64_t deadline)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	char tmp[65536];
	uint64_t now = now_ms();
	ssize_t n;

	if (now >= deadline || poll(&p, 1, (int)(deadline - now)) <= 0)
		return 0;
	n = read(c->fd, tmp, sizeof(tmp));
	if (n <= 0) {
		c->eof = true;
		return -1;
	}
	buf_append(&c->in, tmp, (size_t)n);
	return 1;
}

static void copy_header(const struct http_response *r, const char *name, char *out, size_t outlen)
{
	const struct http_header *h = http_find_header(r->headers, r->num_headers, name);
	size_t n = h ? (h->value_len < outlen - 1 ? h->value_len : outlen - 1) : 0;

	if (h)
		memcpy(out, h->value, n);
	out[n] = '\0';
}

/* Decodes whatever body bytes are buffered into c->data. */
static int conn_decode(struct conn *c)
{
	size_t out = 0;
	ssize_t used;

	if (c->in.len == 0 || c->body.done)
		return 0;
	used = http_body_decode(&c->body, c->in.data, c->in.len, &out);
	if (used < 0)
		return -1;
	buf_append(&c->data, c->in.data, out);
	buf_consume(&c->in, (size_t)used);
	return 0;
}

static int conn_head(struct conn *c, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	struct http_response r;
	struct http_limits lim;

	http_limits_default(&lim);
	lim.max_body = UINT64_MAX;
	for (;;) {
		int n = c->in.len ? http_parse_response(c->in.data, c->in.len, &lim, &r)
				  : HTTP_INCOMPLETE;
		if (n > 0) {
			c->status = r.status;
			copy_header(&r, "Content-Type", c->ctype, sizeof(c->ctype));
			copy_header(&r, "Mesos-Stream-Id", c->stream_id, sizeof(c->stream_id));
			copy_header(&r, "Location", c->location, sizeof(c->location));
			copy_header(&r, "Allow", c->allow, sizeof(c->allow));
			copy_header(&r, "WWW-Authenticate", c->www, sizeof(c->www));
			if (http_body_for_response(&c->body, &r, false, &lim) != 0)
				return -1;
			buf_consume(&c->in, (size_t)n);
			return conn_decode(c);
		}
		if (n != HTTP_INCOMPLETE || conn_fill(c, deadline) <= 0)
			return -1;
	}
}

static int conn_body(struct conn *c, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	while (!c->body.done) {
		int rc = conn_fill(c, deadline);
		if (rc == 0)
			return -1;
		if (rc < 0)
			return http_body_eof(&c->body) == 0 ? 0 : -1;
		if (conn_decode(c) != 0)
			return -1;
	}
	return 0;
}

/* every offer id seen on any stream, for declining them all */
static char seen[1024][128];
static size_t n_seen;

/* Next event of a subscription stream: 1 and *ev, 0 timeout, -1 end. */
static int next_event(struct conn *c, int timeout_ms, Mesos__V1__Scheduler__Event **ev)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	*ev = NULL;
	for (;;) {
		const char *p = c->data.data, *rec;
		size_t len = c->data.len, rec_len;
		int rc = len ? recordio_decoder_next(&c->rd, &p, &len, &rec, &rec_len) : 0;
		if (rc < 0)
			return -1;
		if (rc == 1) {
			*ev = mesos__v1__scheduler__event__unpack(NULL, rec_len, (const uint8_t *)rec);
			buf_consume(&c->data, c->data.len - len);
			if (*ev && (*ev)->offers)
				for (size_t i = 0; i < (*ev)->offers->n_offers && n_seen < 1024; i++)
					snprintf(seen[n_seen++], sizeof(seen[0]), "%s",
						 (*ev)->offers->offers[i]->id->value);
			return *ev ? 1 : -1;
		}
		buf_consume(&c->data, c->data.len - len);
		if (c->body.done || c->eof)
			return -1;
		rc = conn_fill(c, deadline);
		if (rc == 0)
			return 0;
		if (rc < 0 || conn_decode(c) != 0) {
			if (c->data.len)
				continue;
			return -1;
		}
	}
}

/* Waits for an event of `type`, skipping heartbeats and others. */
static Mesos__V1__Scheduler__Event *wait_event(struct conn *c, int type, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		Mesos__V1__Scheduler__Event *ev;
		uint64_t now = now_ms();
		int rc;
		if (now >= deadline)
			return NULL;
		rc = next_event(c, (int)(deadline - now), &ev);
		if (rc <= 0)
			return NULL;
		if (ev->has_type && (int)ev->type == type)
			return ev;
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	}
}

/* ---- calls ---- */

struct answer {
	int status;
	char body[2048];
	char location[256], allow[64], www[128];
};

static int raw_request(const char *method, const char *ctype, const char *accept,
		       const char *sid, const void *body, size_t len, struct answer *a)
{
	struct conn c;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	if (conn_open(&c, g_port) == 0 && conn_send(&c, method, ctype, accept, sid, body, len) == 0 &&
	    conn_head(&c, 5000) == 0 && conn_body(&c, 5000) == 0) {
		size_t n = c.data.len < sizeof(a->body) - 1 ? c.data.len : sizeof(a->body) - 1;
		a->status = c.status;
		memcpy(a->body, c.data.data ? c.data.data : "", n);
		a->body[n] = '\0';
		snprintf(a->location, sizeof(a->location), "%s", c.location);
		snprintf(a->allow, sizeof(a->allow), "%s", c.allow);
		snprintf(a->www, sizeof(a->www), "%s", c.www);
		rc = 0;
	}
	conn_close(&c);
	return rc;
}

static int call_request(const Mesos__V1__Scheduler__Call *call, const char *sid, struct answer *a)
{
	size_t len = mesos__v1__scheduler__call__get_packed_size(call);
	uint8_t *bytes = malloc(len + 1);
	int rc;

	mesos__v1__scheduler__call__pack(call, bytes);
	rc = raw_request("POST", PB, PB, sid, bytes, len, a);
	free(bytes);
	return rc;
}

static void expect_answer(const Mesos__V1__Scheduler__Call *call, const char *sid, int status,
			  const char *body, const char *what)
{
	struct answer a;

	if (call_request(call, sid, &a) != 0) {
		check(0, what, "request failed");
		return;
	}
	check(a.status == status && (!body || strcmp(a.body, body) == 0), what,
	      "got %d \"%s\", want %d \"%s\"", a.status, a.body, status, body ? body : "*");
}

struct fwopts {
	const char *id;
	double failover_timeout;
	bool partition_aware;
	const char *principal;
};

static void init_call(Mesos__V1__Scheduler__Call *c, Mesos__V1__FrameworkID *fid,
		      const char *id, int type)
{
	mesos__v1__scheduler__call__init(c);
	c->has_type = 1;
	c->type = type;
	if (id) {
		mesos__v1__framework_id__init(fid);
		fid->value = (char *)id;
		c->framework_id = fid;
	}
}

/* Opens a subscription; returns 0 with c open and the SUBSCRIBED event
 * in *sub (or an ERROR event), -1 otherwise. */
static int subscribe(struct conn *c, const struct fwopts *o, Mesos__V1__Scheduler__Event **first)
{
	Mesos__V1__Scheduler__Call call;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkID fid, fid2 = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo__Capability cap = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability *caps[1] = {&cap};
	size_t len;
	uint8_t *bytes;
	int rc;

	init_call(&call, &fid, o->id, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	fi.user = "root";
	fi.name = "sim-client";
	fi.has_failover_timeout = 1;
	fi.failover_timeout = o->failover_timeout;
	fi.principal = (char *)o->principal;
	if (o->id) {
		fid2.value = (char *)o->id;
		fi.id = &fid2;
	}
	if (o->partition_aware) {
		cap.has_type = 1;
		cap.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE;
		fi.n_capabilities = 1;
		fi.capabilities = caps;
	}
	sub.framework_info = &fi;
	call.subscribe = &sub;
	len = mesos__v1__scheduler__call__get_packed_size(&call);
	bytes = malloc(len);
	mesos__v1__scheduler__call__pack(&call, bytes);
	rc = conn_open(c, g_port) == 0 && conn_send(c, "POST", PB, PB, NULL, bytes, len) == 0 &&
	     conn_head(c, 5000) == 0 && c->status == 200 ? 0 : -1;
	free(bytes);
	if (rc != 0 || next_event(c, 5000, first) != 1) {
		conn_close(c);
		return -1;
	}
	return 0;
}

/* SUBSCRIBED framework: conn, id, stream id. */
struct fw {
	struct conn c;
	char id[128], sid[128];
};

static int fw_start(struct fw *f, const struct fwopts *o)
{
	Mesos__V1__Scheduler__Event *ev;

	memset(f, 0, sizeof(*f));
	if (subscribe(&f->c, o, &ev) != 0)
		return -1;
	if (!ev->subscribed) {
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
		conn_close(&f->c);
		return -1;
	}
	snprintf(f->id, sizeof(f->id), "%s", ev->subscribed->framework_id->value);
	snprintf(f->sid, sizeof(f->sid), "%s", f->c.stream_id);
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	return 0;
}

static int fw_call(struct fw *f, Mesos__V1__Scheduler__Call *call)
{
	struct answer a;

	if (call_request(call, f->sid, &a) != 0)
		return -1;
	return a.status;
}

static uint8_t *pack(const Mesos__V1__Scheduler__Call *call, size_t *len)
{
	uint8_t *b;

	*len = mesos__v1__scheduler__call__get_packed_size(call);
	b = malloc(*len + 1);
	mesos__v1__scheduler__call__pack(call, b);
	return b;
}

static void expect_raw(const char *method, const char *ctype, const char *accept, const char *sid,
		       const Mesos__V1__Scheduler__Call *call, int status, const char *body,
		       const char *what)
{
	struct answer a;
	size_t len = 0;
	uint8_t *b = call ? pack(call, &len) : NULL;

	if (raw_request(method, ctype, accept, sid, b ? (void *)b : "", len, &a) != 0) {
		check(0, what, "request failed");
	} else if (body && body[0] == '~') {
		check(a.status == status && strstr(a.body, body + 1), what,
		      "got %d \"%s\", want %d containing \"%s\"", a.status, a.body, status, body + 1);
	} else {
		check(a.status == status && (!body || strcmp(a.body, body) == 0), what,
		      "got %d \"%s\", want %d \"%s\"", a.status, a.body, status, body ? body : "*");
	}
	free(b);
}

/* Repeats a call until it gets `status` (the sim notices a closed
 * connection on its next loop turn). */
static int call_until(struct fw *f, Mesos__V1__Scheduler__Call *call, int status, int timeout_ms,
		      struct answer *a)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	do {
		if (call_request(call, f->sid, a) == 0 && a->status == status)
			return 0;
		poll(NULL, 0, 50);
	} while (now_ms() < deadline);
	return -1;
}

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

/* ---- offers ---- */

static void free_ev(Mesos__V1__Scheduler__Event *ev)
{
	if (ev)
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

static int decline(struct fw *f, const char *offer_id, double refuse)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Decline d = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE);
	oid.value = (char *)offer_id;
	d.n_offer_ids = 1;
	d.offer_ids = oids;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = refuse;
	d.filters = &fl;
	c.decline = &d;
	return fw_call(f, &c);
}

static int simple_call(struct fw *f, int type)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;

	init_call(&c, &fid, f->id, type);
	return fw_call(f, &c);
}

static const Mesos__V1__Offer *offer_on(const Mesos__V1__Scheduler__Event *ev, const char *agent)
{
	for (size_t i = 0; ev && ev->offers && i < ev->offers->n_offers; i++)
		if (!strcmp(ev->offers->offers[i]->agent_id->value, agent))
			return ev->offers->offers[i];
	return NULL;
}

static const Mesos__V1__Resource *res_named(const Mesos__V1__Offer *o, const char *name)
{
	for (size_t i = 0; i < o->n_resources; i++)
		if (!strcmp(o->resources[i]->name, name))
			return o->resources[i];
	return NULL;
}

static int sc_offers(int n_agents)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev, *e2;
	char agent0[128];
	bool shape = true, ranges = true, distinct = true, role = true;
	uint64_t t0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	check(ev && (int)ev->offers->n_offers == n_agents, "one OFFERS event, one offer per agent",
	      "%d offers", ev ? (int)ev->offers->n_offers : -1);
	if (!ev) {
		conn_close(&f.c);
		return 1;
	}
	for (size_t i = 0; i < ev->offers->n_offers; i++) {
		const Mesos__V1__Offer *x = ev->offers->offers[i];
		const Mesos__V1__Resource *p = res_named(x, "ports");
		shape &= x->url && !strcmp(x->url->scheme, "http") && x->url->path &&
			 !strcmp(x->url->path, "/slave(1)") && x->url->address->port > 0 &&
			 !strcmp(x->framework_id->value, f.id) && res_named(x, "cpus") &&
			 res_named(x, "mem") && res_named(x, "disk");
		ranges &= p && p->type == MESOS__V1__VALUE__TYPE__RANGES && p->ranges->n_range >= 2;
		for (size_t r = 0; r < x->n_resources; r++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			role &= x->resources[r]->role && !strcmp(x->resources[r]->role, "*");
#pragma GCC diagnostic pop
		}
		for (size_t k = 0; k < i && p; k++) {
			const Mesos__V1__Resource *q = res_named(ev->offers->offers[k], "ports");
			distinct &= strcmp(x->agent_id->value, ev->offers->offers[k]->agent_id->value) != 0;
			for (size_t a = 0; q && a < p->ranges->n_range; a++)
				for (size_t b = 0; b < q->ranges->n_range; b++)
					distinct &= p->ranges->range[a]->end < q->ranges->range[b]->begin ||
						    q->ranges->range[b]->end < p->ranges->range[a]->begin;
		}
	}
	check(shape, "offers have url http://.../slave(1), cpus, mem, disk", "");
	check(ranges, "ports are RANGES with several ranges", "");
	check(role, "every offered resource has role \"*\"", "");
	check(distinct, "agents and their port ranges are distinct", "");

	/* DECLINE: agent 0 refused for 2 s, the others for 0 s */
	snprintf(agent0, sizeof(agent0), "%s", ev->offers->offers[0]->agent_id->value);
	t0 = now_ms();
	for (size_t i = 0; i < ev->offers->n_offers; i++)
		decline(&f, ev->offers->offers[i]->id->value, i == 0 ? 2.0 : 0.0);
	free_ev(ev);
	{
		bool saw0 = false, saw_other = false;
		while (now_ms() - t0 < 1500) {
			e2 = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(1500 - (now_ms() - t0)));
			if (!e2)
				break;
			saw0 |= offer_on(e2, agent0) != NULL;
			saw_other |= e2->offers->n_offers > 0 && !offer_on(e2, agent0);
			free_ev(e2);
		}
		check(!saw0 && (saw_other || n_agents == 1),
		      "a declined agent is filtered, the others come back",
		      "agent0 %d, others %d", saw0, saw_other);
		e2 = NULL;
		while (now_ms() - t0 < 5000 && !e2) {
			e2 = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(5000 - (now_ms() - t0)));
			if (e2 && !offer_on(e2, agent0)) {
				free_ev(e2);
				e2 = NULL;
			}
		}
		check(e2 && now_ms() - t0 >= 1900, "the declined agent is offered again after refuse_seconds",
		      "after %llu ms", (unsigned long long)(now_ms() - t0));
		free_ev(e2);
	}

	/* SUPPRESS: nothing is offered; REVIVE: everything again */
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS) == 202, "SUPPRESS -> 202", "");
	/* give every offer back, refused for 30 s: REVIVE must clear that */
	for (size_t i = 0; i < n_seen; i++)
		decline(&f, seen[i], 30.0);
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 1500);
	check(ev == NULL, "no offers while suppressed", "got %d offers",
	      ev ? (int)ev->offers->n_offers : 0);
	free_ev(ev);
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE) == 202, "REVIVE -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 2000);
	check(ev != NULL && (int)ev->offers->n_offers == n_agents,
	      "REVIVE un-suppresses and clears filters: every agent offered again",
	      "%d offers", ev ? (int)ev->offers->n_offers : -1);
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- ACCEPT ---- */

struct task_spec {
	const char *id, *agent;
	double cpus, mem;
	bool command, executor;
};

static int accept_launch(struct fw *f, const char **offer_ids, size_t n_offers,
			 const struct task_spec *t)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid[4], *oids[4];
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = {&op};
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = {&ti};
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__ExecutorInfo ex = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__Resource r[2], *rs[2] = {&r[0], &r[1]};
	Mesos__V1__Value__Scalar sc[2];
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	for (size_t i = 0; i < n_offers; i++) {
		mesos__v1__offer_id__init(&oid[i]);
		oid[i].value = (char *)offer_ids[i];
		oids[i] = &oid[i];
	}
	acc.n_offer_ids = n_offers;
	acc.offer_ids = oids;
	for (int i = 0; i < 2; i++) {
		mesos__v1__resource__init(&r[i]);
		mesos__v1__value__scalar__init(&sc[i]);
		r[i].name = i ? "mem" : "cpus";
		r[i].type = MESOS__V1__VALUE__TYPE__SCALAR;
		sc[i].value = i ? t->mem : t->cpus;
		r[i].scalar = &sc[i];
	}
	tid.value = (char *)t->id;
	aid.value = (char *)t->agent;
	ti.name = (char *)t->id;
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = 2;
	ti.resources = rs;
	cmd.value = "sleep 60";
	if (t->command)
		ti.command = &cmd;
	if (t->executor) {
		eid.value = "exec-1";
		ex.executor_id = &eid;
		ex.command = &cmd;
		ti.executor = &ex;
	}
	l.n_task_infos = 1;
	l.task_infos = tis;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &l;
	acc.n_operations = 1;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	return fw_call(f, &c);
}

/* The next UPDATE for task_id; checks the master-generated shape. */
static Mesos__V1__TaskStatus *wait_update(struct fw *f, const char *task_id, int timeout_ms,
					  Mesos__V1__Scheduler__Event **hold)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	*hold = NULL;
	while (now_ms() < deadline) {
		Mesos__V1__Scheduler__Event *ev = wait_event(&f->c, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE,
							     (int)(deadline - now_ms()));
		if (!ev)
			return NULL;
		if (!strcmp(ev->update->status->task_id->value, task_id)) {
			*hold = ev;
			return ev->update->status;
		}
		free_ev(ev);
	}
	return NULL;
}

static void expect_update(struct fw *f, const char *task_id, int state, int reason,
			  const char *msg, const char *what)
{
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__TaskStatus *st = wait_update(f, task_id, 3000, &ev);
	bool prefix = msg && msg[0] == '^';

	if (!st) {
		check(0, what, "no UPDATE for %s", task_id);
		return;
	}
	check((int)st->state == state && st->has_reason && (int)st->reason == reason &&
	      st->has_source && st->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER &&
	      !st->has_uuid &&
	      (!msg || (st->message && (prefix ? !strncmp(st->message, msg + 1, strlen(msg + 1))
						: !strcmp(st->message, msg)))),
	      what, "state %d reason %d source %d uuid %d message \"%s\"", st->state, st->reason,
	      st->source, st->has_uuid, st->message ? st->message : "");
	free_ev(ev);
}

static int sc_accept(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	char o0[128], o1[128], o2[128], a0[128], a1[128], a2[128], want[512];
	const char *ids[2];

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev || ev->offers->n_offers < 3) {
		check(0, "offers from 3 agents", "none");
		free_ev(ev);
		conn_close(&f.c);
		return 1;
	}
	snprintf(o0, sizeof(o0), "%s", ev->offers->offers[0]->id->value);
	snprintf(o1, sizeof(o1), "%s", ev->offers->offers[1]->id->value);
	snprintf(o2, sizeof(o2), "%s", ev->offers->offers[2]->id->value);
	snprintf(a0, sizeof(a0), "%s", ev->offers->offers[0]->agent_id->value);
	snprintf(a1, sizeof(a1), "%s", ev->offers->offers[1]->agent_id->value);
	snprintf(a2, sizeof(a2), "%s", ev->offers->offers[2]->agent_id->value);
	free_ev(ev);

	ids[0] = o0;
	check(accept_launch(&f, ids, 1, &(struct task_spec){"t-both", a0, 0.1, 32, true, true}) == 202,
	      "ACCEPT -> 202", "");
	expect_update(&f, "t-both", MESOS__V1__TASK_STATE__TASK_ERROR,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		      "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present",
		      "command and executor -> TASK_ERROR, REASON_TASK_INVALID, no uuid");

	ids[0] = o1;
	ids[1] = o2;
	accept_launch(&f, ids, 2, &(struct task_spec){"t-agg", a1, 0.1, 32, true, false});
	snprintf(want, sizeof(want), "Task launched with invalid offers: Aggregated offers must belong to one single agent. Offer %s uses agent %s and agent %s",
		 o2, a2, a1);
	expect_update(&f, "t-agg", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, want,
		      "offers of two agents -> TASK_LOST, REASON_INVALID_OFFERS");

	ids[0] = "no-such-offer";
	accept_launch(&f, ids, 1, &(struct task_spec){"t-gone", a1, 0.1, 32, true, false});
	expect_update(&f, "t-gone", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS,
		      "Task launched with invalid offers: Offer no-such-offer is no longer valid",
		      "an unknown offer -> TASK_LOST, REASON_INVALID_OFFERS");
	ids[0] = o0;
	accept_launch(&f, ids, 1, &(struct task_spec){"t-used", a0, 0.1, 32, true, false});
	snprintf(want, sizeof(want), "Task launched with invalid offers: Offer %s is no longer valid", o0);
	expect_update(&f, "t-used", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, want,
		      "an offer used twice -> TASK_LOST");

	/* o1 and o2 came back at once (no filter): wait for a fresh offer */
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers come back", "none");
		conn_close(&f.c);
		return 1;
	}
	snprintf(o0, sizeof(o0), "%s", ev->offers->offers[0]->id->value);
	snprintf(a0, sizeof(a0), "%s", ev->offers->offers[0]->agent_id->value);
	if (ev->offers->n_offers > 1) {
		snprintf(o1, sizeof(o1), "%s", ev->offers->offers[1]->id->value);
		snprintf(a1, sizeof(a1), "%s", ev->offers->offers[1]->agent_id->value);
	} else {
		o1[0] = '\0';
	}
	free_ev(ev);
	ids[0] = o0;
	accept_launch(&f, ids, 1, &(struct task_spec){"t-big", a0, 1000, 32, true, false});
	expect_update(&f, "t-big", MESOS__V1__TASK_STATE__TASK_ERROR,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		      "^Total resources cpus(allocated: *):1000; mem(allocated: *):32 required by task and its executor is more than available cpus(allocated: *):4; mem(allocated: *):4096",
		      "more than offered -> TASK_ERROR with Mesos' resource text");
	if (o1[0]) {
		ids[0] = o1;
		accept_launch(&f, ids, 1, &(struct task_spec){"t-agent", "wrong-agent", 0.1, 32, true, false});
		expect_update(&f, "t-agent", MESOS__V1__TASK_STATE__TASK_ERROR,
			      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
			      "Task uses invalid agent: wrong-agent",
			      "a task naming another agent -> TASK_ERROR");
	}
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- reconciliation ---- */

static int reconcile(struct fw *f, const char **tasks, const char **agents, size_t n)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Reconcile r = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	Mesos__V1__Scheduler__Call__Reconcile__Task t[8], *tp[8];
	Mesos__V1__TaskID tid[8];
	Mesos__V1__AgentID aid[8];

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE);
	for (size_t i = 0; i < n; i++) {
		mesos__v1__scheduler__call__reconcile__task__init(&t[i]);
		mesos__v1__task_id__init(&tid[i]);
		tid[i].value = (char *)tasks[i];
		t[i].task_id = &tid[i];
		if (agents[i]) {
			mesos__v1__agent_id__init(&aid[i]);
			aid[i].value = (char *)agents[i];
			t[i].agent_id = &aid[i];
		}
		tp[i] = &t[i];
	}
	r.n_tasks = n;
	r.tasks = tp;
	c.reconcile = &r;
	return fw_call(f, &c);
}

static int kill_task(struct fw *f, const char *task, const char *agent)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Kill k = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__KILL);
	tid.value = (char *)task;
	k.task_id = &tid;
	if (agent) {
		aid.value = (char *)agent;
		k.agent_id = &aid;
	}
	c.kill = &k;
	return fw_call(f, &c);
}

static int sc_reconcile_one(bool pa)
{
	struct fwopts o = {.failover_timeout = 60, .partition_aware = pa};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	char agent[128];
	const char *tasks[3] = {"r-1", "r-2", "r-3"}, *agents[3];
	const int R = MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION;
	char what[128];

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	free_ev(ev);
	agents[0] = agent;
	agents[1] = NULL;
	agents[2] = "no-such-agent";
	check(reconcile(&f, tasks, agents, 3) == 202, "explicit RECONCILE -> 202", "");
	snprintf(what, sizeof(what), "%s: unknown task, agent registered", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-1", pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown to the agent", what);
	snprintf(what, sizeof(what), "%s: unknown task, no agent given", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-2", pa ? MESOS__V1__TASK_STATE__TASK_UNKNOWN : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown", what);
	snprintf(what, sizeof(what), "%s: unknown task, unknown agent", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-3", pa ? MESOS__V1__TASK_STATE__TASK_UNKNOWN : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown", what);
	check(kill_task(&f, "k-1", agent) == 202, "KILL of an unknown task -> 202", "");
	snprintf(what, sizeof(what), "%s: KILL of an unknown task is answered like reconciling it",
		 pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "k-1", pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown to the agent", what);
	check(reconcile(&f, NULL, NULL, 0) == 202, "implicit RECONCILE -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE, 700);
	check(ev == NULL, "implicit RECONCILE without tasks sends nothing", "got an UPDATE");
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

static int sc_reconcile(void)
{
	sc_reconcile_one(false);
	sc_reconcile_one(true);
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

static int sc_rescind(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev, *r;
	uint64_t t0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	t0 = now_ms();
	r = ev ? wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND, 5000) : NULL;
	check(r != NULL && now_ms() - t0 >= 1500,
	      "an unanswered offer is RESCINDed after --offer-timeout", "after %llu ms",
	      (unsigned long long)(now_ms() - t0));
	free_ev(r);
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- agent loss ---- */

static int control_post(int port, const char *path)
{
	struct conn c;
	struct buf b = BUF_INIT;
	int status = -1;

	if (conn_open(&c, port) == 0) {
		buf_appendf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n", path, g_host);
		if (write(c.fd, b.data, b.len) == (ssize_t)b.len && conn_head(&c, 5000) == 0 &&
		    conn_body(&c, 5000) == 0)
			status = c.status;
	}
	buf_finish(&b);
	conn_close(&c);
	return status;
}

static int acknowledge(struct fw *f, const Mesos__V1__TaskStatus *st)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Acknowledge a = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE);
	a.agent_id = st->agent_id;
	a.task_id = st->task_id;
	a.uuid = st->uuid;
	c.acknowledge = &a;
	return fw_call(f, &c);
}

static int sc_agentloss(int control, bool pa, int timeout_s)
{
	struct fwopts o = {.failover_timeout = 60, .partition_aware = pa};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__TaskStatus *st;
	char agent[128], offer[128], path[256], all[3][128];
	const char *ids[1];
	bool running = false, lost = false, failure = false, rescinded = false;
	uint64_t t0, deadline;
	int n_all = 0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	for (size_t i = 0; i < ev->offers->n_offers && i < 3; i++)
		snprintf(all[n_all++], sizeof(all[0]), "%s", ev->offers->offers[i]->agent_id->value);
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
	free_ev(ev);
	ids[0] = offer;
	check(accept_launch(&f, ids, 1, &(struct task_spec){"t-run", agent, 0.1, 32, true, false}) == 202,
	      "ACCEPT with a command task -> 202", "");
	deadline = now_ms() + 15000;
	while (!running && now_ms() < deadline) {
		st = wait_update(&f, "t-run", (int)(deadline - now_ms()), &ev);
		if (!st)
			break;
		if (st->has_uuid)
			acknowledge(&f, st);
		running = st->state == MESOS__V1__TASK_STATE__TASK_RUNNING && st->has_uuid;
		free_ev(ev);
	}
	check(running, "the agent side runs the task: TASK_RUNNING with a uuid", "");
	/* the rest of that agent is offered again (the ACCEPT refused 0 s) */
	offer[0] = '\0';
	deadline = now_ms() + 3000;
	while (!offer[0] && now_ms() < deadline) {
		const Mesos__V1__Offer *x;
		ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, (int)(deadline - now_ms()));
		if (!ev)
			break;
		if ((x = offer_on(ev, agent)))
			snprintf(offer, sizeof(offer), "%s", x->id->value);
		free_ev(ev);
	}
	check(offer[0], "what is left of the agent is offered", "");
	snprintf(path, sizeof(path), "/agent/kill?id=%s", agent);
	check(control_post(control, path) == 200, "control: kill the agent", "");
	t0 = now_ms();
	deadline = t0 + (uint64_t)timeout_s * 1000 + 5000;
	while ((!lost || !failure || !rescinded) && now_ms() < deadline) {
		int rc = next_event(&f.c, (int)(deadline - now_ms()), &ev);
		if (rc != 1)
			break;
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND &&
		    !strcmp(ev->rescind->offer_id->value, offer)) {
			check(now_ms() - t0 < 3000, "its offer is RESCINDed within seconds", "after %llu ms",
			      (unsigned long long)(now_ms() - t0));
			rescinded = true;
		}
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE) {
			failure = ev->failure->agent_id && !strcmp(ev->failure->agent_id->value, agent) &&
				  !ev->failure->executor_id;
			check(failure && now_ms() - t0 >= (uint64_t)timeout_s * 900,
			      "FAILURE{agent_id} after --agent-timeout", "after %llu ms",
			      (unsigned long long)(now_ms() - t0));
		}
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE &&
		    !strcmp(ev->update->status->task_id->value, "t-run")) {
			st = ev->update->status;
			lost = true;
			check(st->state == (pa ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
					       : MESOS__V1__TASK_STATE__TASK_LOST) &&
			      st->reason == MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED &&
			      st->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER && !st->has_uuid &&
			      st->message && !strcmp(st->message, "health check timed out") &&
			      st->unreachable_time,
			      pa ? "TASK_UNREACHABLE, REASON_AGENT_REMOVED, no uuid"
				 : "TASK_LOST, REASON_AGENT_REMOVED, no uuid",
			      "state %d reason %d source %d uuid %d", st->state, st->reason, st->source,
			      st->has_uuid);
		}
		free_ev(ev);
	}
	check(lost && failure && rescinded, "RESCIND, UPDATE and FAILURE all came", "%d %d %d",
	      rescinded, lost, failure);
	{
		const char *t[1] = {"t-run"}, *a[1] = {agent};
		reconcile(&f, t, a, 1);
		expect_update(&f, "t-run", pa ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
					      : MESOS__V1__TASK_STATE__TASK_LOST,
			      MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
			      "Reconciliation: Task is unreachable",
			      "reconciling a task of the removed agent: unreachable");
	}
	snprintf(path, sizeof(path), "/agent/restart?id=%s", agent);
	check(control_post(control, path) == 200, "control: restart the agent", "");
	{
		bool fresh = false;
		deadline = now_ms() + 4000;
		while (!fresh && now_ms() < deadline) {
			ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(deadline - now_ms()));
			if (!ev)
				break;
			for (size_t i = 0; i < ev->offers->n_offers; i++) {
				bool known = false;
				for (int k = 0; k < n_all; k++)
					known |= !strcmp(all[k], ev->offers->offers[i]->agent_id->value);
				fresh |= !known;
			}
			free_ev(ev);
		}
		check(fresh, "the removed agent comes back under a new id and is offered", "");
	}
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

/* ---- reservations and persistent volumes ---- */

static Mesos__V1__Resource *mkres(Mesos__V1__Resource *r, Mesos__V1__Value__Scalar *sc,
				  Mesos__V1__Resource__ReservationInfo *ri,
				  Mesos__V1__Resource__AllocationInfo *ai, const char *name, double v,
				  const char *role, const char *principal)
{
	mesos__v1__resource__init(r);
	mesos__v1__value__scalar__init(sc);
	mesos__v1__resource__reservation_info__init(ri);
	mesos__v1__resource__allocation_info__init(ai);
	r->name = (char *)name;
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	sc->value = v;
	r->scalar = sc;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	r->role = (char *)role;
#pragma GCC diagnostic pop
	ri->principal = (char *)principal;
	r->reservation = ri;
	ai->role = (char *)role;
	r->allocation_info = ai;
	return r;
}

/* One ACCEPT of offer with one operation of `type` over resources. */
static int accept_op(struct fw *f, const char *offer, int type, Mesos__V1__Resource **res, size_t n)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = {&op};
	Mesos__V1__Offer__Operation__Reserve rv = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	Mesos__V1__Offer__Operation__Unreserve ur = MESOS__V1__OFFER__OPERATION__UNRESERVE__INIT;
	Mesos__V1__Offer__Operation__Create cr = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
	Mesos__V1__Offer__Operation__Destroy de = MESOS__V1__OFFER__OPERATION__DESTROY__INIT;
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = (char *)offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	op.has_type = 1;
	op.type = type;
	switch (type) {
	case MESOS__V1__OFFER__OPERATION__TYPE__RESERVE:
		rv.n_resources = n; rv.resources = res; op.reserve = &rv; break;
	case MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE:
		ur.n_resources = n; ur.resources = res; op.unreserve = &ur; break;
	case MESOS__V1__OFFER__OPERATION__TYPE__CREATE:
		cr.n_volumes = n; cr.volumes = res; op.create = &cr; break;
	default:
		de.n_volumes = n; de.volumes = res; op.destroy = &de; break;
	}
	acc.n_operations = 1;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	return fw_call(f, &c);
}

/* The next offer on agent; its id into offer_out. Caller frees. */
static Mesos__V1__Scheduler__Event *next_offer(struct fw *f, const char *agent, char *offer_out,
					       const Mesos__V1__Offer **o)
{
	uint64_t deadline = now_ms() + 4000;

	while (now_ms() < deadline) {
		Mesos__V1__Scheduler__Event *ev = wait_event(&f->c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
							     (int)(deadline - now_ms()));
		if (!ev)
			return NULL;
		if ((*o = offer_on(ev, agent))) {
			snprintf(offer_out, 128, "%s", (*o)->id->value);
			return ev;
		}
		free_ev(ev);
	}
	return NULL;
}

static double reserved(const Mesos__V1__Offer *o, const char *name, const char *role, bool volume)
{
	double sum = 0;

	for (size_t i = 0; i < o->n_resources; i++) {
		const Mesos__V1__Resource *r = o->resources[i];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		if (strcmp(r->name, name) || !r->role || strcmp(r->role, role) ||
		    !r->reservation || !r->allocation_info)
			continue;
#pragma GCC diagnostic pop
		if (volume != (r->disk && r->disk->persistence && !strcmp(r->disk->persistence->id, "vol1")))
			continue;
		sum += r->scalar ? r->scalar->value : 0;
	}
	return sum;
}

static int sc_volumes(const char *work_dir)
{
	struct fw f;
	struct fwopts o = {.failover_timeout = 60, .principal = "p1"};
	Mesos__V1__Scheduler__Call call;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkInfo__Capability cap = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability *caps[1] = {&cap};
	char *roles[1] = {"r1"}, agent[128], offer[128], path[1024];
	Mesos__V1__Scheduler__Event *ev;
	const Mesos__V1__Offer *x;
	Mesos__V1__Resource r[3], *rs[3] = {&r[0], &r[1], &r[2]};
	Mesos__V1__Value__Scalar sc[3];
	Mesos__V1__Resource__ReservationInfo ri[3];
	Mesos__V1__Resource__AllocationInfo ai[3];
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pe = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vo = MESOS__V1__VOLUME__INIT;
	size_t len;
	uint8_t *bytes;
	int ok;

	/* a MULTI_ROLE framework in role r1 */
	(void)o;
	init_call(&call, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	fi.user = "root";
	fi.name = "volumes";
	fi.principal = "p1";
	fi.has_failover_timeout = 1;
	fi.failover_timeout = 60;
	fi.n_roles = 1;
	fi.roles = roles;
	cap.has_type = 1;
	cap.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	fi.n_capabilities = 1;
	fi.capabilities = caps;
	sub.framework_info = &fi;
	call.subscribe = &sub;
	bytes = pack(&call, &len);
	memset(&f, 0, sizeof(f));
	ok = conn_open(&f.c, g_port) == 0 && conn_send(&f.c, "POST", PB, PB, NULL, bytes, len) == 0 &&
	     conn_head(&f.c, 5000) == 0 && f.c.status == 200 && next_event(&f.c, 5000, &ev) == 1;
	free(bytes);
	if (!ok || !ev->subscribed) {
		check(0, "MULTI_ROLE subscribe", "failed");
		conn_close(&f.c);
		return 1;
	}
	snprintf(f.id, sizeof(f.id), "%s", ev->subscribed->framework_id->value);
	snprintf(f.sid, sizeof(f.sid), "%s", f.c.stream_id);
	free_ev(ev);
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	x = ev->offers->offers[0];
	check(x->allocation_info && !strcmp(x->allocation_info->role, "r1") &&
	      x->resources[0]->allocation_info &&
	      !strcmp(x->resources[0]->allocation_info->role, "r1"),
	      "a MULTI_ROLE framework's offers carry allocation_info{role}", "");
	snprintf(agent, sizeof(agent), "%s", x->agent_id->value);
	snprintf(offer, sizeof(offer), "%s", x->id->value);
	free_ev(ev);

	mkres(&r[0], &sc[0], &ri[0], &ai[0], "cpus", 1, "r1", "p1");
	mkres(&r[1], &sc[1], &ri[1], &ai[1], "mem", 128, "r1", "p1");
	mkres(&r[2], &sc[2], &ri[2], &ai[2], "disk", 100, "r1", "p1");
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__RESERVE, rs, 3) == 202,
	      "ACCEPT RESERVE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "cpus", "r1", false) == 1 && reserved(x, "mem", "r1", false) == 128 &&
	      reserved(x, "disk", "r1", false) == 100,
	      "the next offer has cpus, mem and disk reserved for r1 by p1", "");
	free_ev(ev);

	pe.id = "vol1";
	pe.principal = "p1";
	vo.mode = MESOS__V1__VOLUME__MODE__RW;
	vo.container_path = "data";
	di.persistence = &pe;
	di.volume = &vo;
	r[2].disk = &di;
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__CREATE, &rs[2], 1) == 202,
	      "ACCEPT CREATE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "disk", "r1", true) == 100 && reserved(x, "disk", "r1", false) == 0,
	      "the next offer has the persistent volume vol1", "");
	free_ev(ev);
	snprintf(path, sizeof(path), "%s/volumes/roles/r1/vol1", work_dir);
	check(access(path, F_OK) == 0, "the volume is a directory under the agent's work dir", "%s", path);

	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__DESTROY, &rs[2], 1) == 202,
	      "ACCEPT DESTROY -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "disk", "r1", true) == 0 && reserved(x, "disk", "r1", false) == 100,
	      "after DESTROY the disk is reserved but no volume", "");
	free_ev(ev);
	check(access(path, F_OK) != 0, "and its directory is gone", "%s", path);
	r[2].disk = NULL;
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE, rs, 3) == 202,
	      "ACCEPT UNRESERVE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "cpus", "r1", false) == 0 && reserved(x, "disk", "r1", false) == 0,
	      "after UNRESERVE nothing is reserved", "");
	free_ev(ev);
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
	else if (!strcmp(argv[1], "rescind"))
		rc = sc_rescind();
	else
		fprintf(stderr, "sim_client: unknown scenario or wrong arguments: %s\n", argv[1]);
	return rc;
}
