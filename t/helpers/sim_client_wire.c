/* sim_client_wire.c — HTTP connections, event streams and scheduler
 * calls for sim_client (see sim_client.h). */
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

char g_host[64];
int g_port;
int failures;
const char *g_auth;   /* "user:pass" or NULL */

void check(int cond, const char *what, const char *fmt, ...)
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

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- one HTTP connection ---- */


void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	buf_finish(&c->in);
	buf_finish(&c->data);
	recordio_decoder_finish(&c->rd);
}

int conn_open(struct conn *c, int port)
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

int conn_send(struct conn *c, const char *method, const char *ctype, const char *accept,
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

int conn_head(struct conn *c, int timeout_ms)
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

int conn_body(struct conn *c, int timeout_ms)
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
char seen[1024][128];
size_t n_seen;

/* Next event of a subscription stream: 1 and *ev, 0 timeout, -1 end. */
int next_event(struct conn *c, int timeout_ms, Mesos__V1__Scheduler__Event **ev)
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
Mesos__V1__Scheduler__Event *wait_event(struct conn *c, int type, int timeout_ms)
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


int raw_request(const char *method, const char *ctype, const char *accept,
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

int call_request(const Mesos__V1__Scheduler__Call *call, const char *sid, struct answer *a)
{
	size_t len = mesos__v1__scheduler__call__get_packed_size(call);
	uint8_t *bytes = malloc(len + 1);
	int rc;

	mesos__v1__scheduler__call__pack(call, bytes);
	rc = raw_request("POST", PB, PB, sid, bytes, len, a);
	free(bytes);
	return rc;
}

void expect_answer(const Mesos__V1__Scheduler__Call *call, const char *sid, int status,
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


void init_call(Mesos__V1__Scheduler__Call *c, Mesos__V1__FrameworkID *fid,
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
int subscribe(struct conn *c, const struct fwopts *o, Mesos__V1__Scheduler__Event **first)
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
	fi.name = o->name ? (char *)o->name : "sim-client";
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

int fw_start(struct fw *f, const struct fwopts *o)
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

int fw_call(struct fw *f, Mesos__V1__Scheduler__Call *call)
{
	struct answer a;

	if (call_request(call, f->sid, &a) != 0)
		return -1;
	return a.status;
}

uint8_t *pack(const Mesos__V1__Scheduler__Call *call, size_t *len)
{
	uint8_t *b;

	*len = mesos__v1__scheduler__call__get_packed_size(call);
	b = malloc(*len + 1);
	mesos__v1__scheduler__call__pack(call, b);
	return b;
}

void expect_raw(const char *method, const char *ctype, const char *accept, const char *sid,
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
int call_until(struct fw *f, Mesos__V1__Scheduler__Call *call, int status, int timeout_ms,
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

/* ---- offers ---- */

void free_ev(Mesos__V1__Scheduler__Event *ev)
{
	if (ev)
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

int decline(struct fw *f, const char *offer_id, double refuse)
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

int simple_call(struct fw *f, int type)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;

	init_call(&c, &fid, f->id, type);
	return fw_call(f, &c);
}

const Mesos__V1__Offer *offer_on(const Mesos__V1__Scheduler__Event *ev, const char *agent)
{
	for (size_t i = 0; ev && ev->offers && i < ev->offers->n_offers; i++)
		if (!strcmp(ev->offers->offers[i]->agent_id->value, agent))
			return ev->offers->offers[i];
	return NULL;
}

const Mesos__V1__Resource *res_named(const Mesos__V1__Offer *o, const char *name)
{
	for (size_t i = 0; i < o->n_resources; i++)
		if (!strcmp(o->resources[i]->name, name))
			return o->resources[i];
	return NULL;
}

/* ---- ACCEPT ---- */


int accept_launch(struct fw *f, const char **offer_ids, size_t n_offers,
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
Mesos__V1__TaskStatus *wait_update(struct fw *f, const char *task_id, int timeout_ms,
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

void expect_update(struct fw *f, const char *task_id, int state, int reason,
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

/* ---- reconciliation ---- */

int reconcile(struct fw *f, const char **tasks, const char **agents, size_t n)
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

int kill_task(struct fw *f, const char *task, const char *agent)
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

/* ---- agent loss ---- */

int control_post(int port, const char *path)
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

int acknowledge(struct fw *f, const Mesos__V1__TaskStatus *st)
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

