/*
 * em-test-executor — a small Mesos v1 HTTP executor (protobuf) for the
 * mesos-sim agent tests, and a one-shot caller of /api/v1/executor.
 *
 *   em-test-executor run [options]
 *       reads MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID,
 *       SUBSCRIBEs, answers LAUNCH with the updates given by -updates
 *       (default TASK_RUNNING), KILL with TASK_KILLED, SHUTDOWN by exiting
 *       (or not: -ignore-shutdown). Prints one line per event on stdout.
 *       -updates=S1,S2        states to send for each launched task
 *       -exit-after-ack=N     exit with status N once every update is ACKed
 *       -spawn=CMD            start `sh -c CMD` for each task (its process)
 *       -echo                 send every MESSAGE back
 *       -resubscribe          on stream loss, re-subscribe every 100 ms
 *                             with the unacknowledged updates and tasks
 *       -dup                  send every update twice (same uuid)
 *       -no-post              keep updates unsent (only re-subscribe carries them)
 *       -forget-tasks         list no unacknowledged_tasks when re-subscribing
 *   em-test-executor call URL FW EXEC KIND [TASK] [-ct=TYPE] [-accept=TYPE]
 *       one POST; prints "<status> <body>" on stdout. KIND: subscribe,
 *       update, update-nouuid, update-baduuid, update-source,
 *       update-staging, update-execid, message, heartbeat, garbage, empty.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ev/ev.h"
#include "net/http_client.h"
#include "net/recordio.h"
#include "mesos/v1/executor/executor.pb-c.h"

static struct ev_loop *loop;
static struct http_client *cli;
static char url[512];
static const char *fw_id, *exec_id;
static struct recordio_decoder dec;
static int exit_after_ack = -1;
static const char *spawn_cmd;
static bool opt_echo, opt_resub, opt_ignore_shutdown, opt_dup, opt_no_post, opt_forget;
static char *updates_spec = "TASK_RUNNING";
static struct ev_timer resub_timer;

/* unacknowledged updates and tasks (small fixed tables) */
#define MAXU 64
static Mesos__V1__Executor__Call__Update *unacked[MAXU];
static size_t n_unacked;
static Mesos__V1__TaskInfo *tasks[MAXU];
static bool task_acked[MAXU];
static size_t n_tasks;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void uuid4(uint8_t b[16])
{
	if (getrandom(b, 16, 0) != 16)
		exit(3);
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
}

static void post_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	say("POST %s -> %d%s%s", (const char *)arg, r->status, r->body && r->body_len ? " " : "",
	    r->body ? r->body : "");
}

static int post(const Mesos__V1__Executor__Call *call, const char *what)
{
	size_t len = mesos__v1__executor__call__get_packed_size(call);
	uint8_t *b = malloc(len + 1);
	mesos__v1__executor__call__pack(call, b);
	struct http_kv h[] = { { "Content-Type", "application/x-protobuf" } };
	struct http_client_request rq = { .method = "POST", .url = url, .headers = h,
					  .num_headers = 1, .body = b, .body_len = len };
	struct http_client_cbs cbs = { .on_done = post_done };
	int rc = http_client_start(cli, &rq, &cbs, (void *)what, NULL);
	free(b);
	return rc;
}

static void base_call(Mesos__V1__Executor__Call *c, Mesos__V1__ExecutorID *e, Mesos__V1__FrameworkID *f)
{
	e->value = (char *)exec_id;
	f->value = (char *)fw_id;
	c->executor_id = e;
	c->framework_id = f;
	c->has_type = 1;
}

static void send_update(const char *task_id, Mesos__V1__TaskState st)
{
	Mesos__V1__TaskStatus s = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	uint8_t u[16];
	uuid4(u);
	tid.value = (char *)task_id;
	s.task_id = &tid;
	s.state = st;
	s.has_source = 1;
	s.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	s.has_uuid = 1;
	s.uuid.data = u;
	s.uuid.len = 16;
	Mesos__V1__Executor__Call__Update up = MESOS__V1__EXECUTOR__CALL__UPDATE__INIT;
	up.status = &s;
	Mesos__V1__Executor__Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__ExecutorID e = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__FrameworkID f = MESOS__V1__FRAMEWORK_ID__INIT;
	base_call(&c, &e, &f);
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE;
	c.update = &up;
	if (n_unacked < MAXU) {
		size_t len = protobuf_c_message_get_packed_size(&up.base);
		uint8_t *b = malloc(len + 1);
		protobuf_c_message_pack(&up.base, b);
		unacked[n_unacked++] = (Mesos__V1__Executor__Call__Update *)protobuf_c_message_unpack(&mesos__v1__executor__call__update__descriptor, NULL, len, b);
		free(b);
	}
	if (opt_no_post) {          /* as if the POST was lost: kept for re-subscribe */
		say("HELD UPDATE");
		return;
	}
	post(&c, "UPDATE");
	if (opt_dup)
		post(&c, "UPDATE-DUP");
}

static Mesos__V1__TaskState state_named(const char *n)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value_by_name(&mesos__v1__task_state__descriptor, n);
	return v ? (Mesos__V1__TaskState)v->value : MESOS__V1__TASK_STATE__TASK_RUNNING;
}

static void subscribe(void);

static void on_event(const Mesos__V1__Executor__Event *ev)
{
	switch (ev->type) {
	case MESOS__V1__EXECUTOR__EVENT__TYPE__SUBSCRIBED:
		say("EVENT SUBSCRIBED agent=%s container=%s", ev->subscribed->agent_info->id
		    ? ev->subscribed->agent_info->id->value : "-",
		    ev->subscribed->container_id ? ev->subscribed->container_id->value : "-");
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH: {
		const Mesos__V1__TaskInfo *t = ev->launch->task;
		say("EVENT LAUNCH %s", t->task_id->value);
		if (n_tasks < MAXU) {
			size_t len = mesos__v1__task_info__get_packed_size(t);
			uint8_t *b = malloc(len + 1);
			mesos__v1__task_info__pack(t, b);
			tasks[n_tasks++] = mesos__v1__task_info__unpack(NULL, len, b);
			free(b);
		}
		if (spawn_cmd) {
			pid_t p = fork();
			if (p == 0) {
				setpgid(0, 0);
				execl("/bin/sh", "sh", "-c", spawn_cmd, (char *)NULL);
				_exit(127);
			}
			say("SPAWNED %d", (int)p);
		}
		char spec[256];
		snprintf(spec, sizeof(spec), "%s", updates_spec);
		for (char *s = spec, *tok; (tok = strsep(&s, ",")) != NULL;)
			if (*tok)
				send_update(t->task_id->value, state_named(tok));
		break;
	}
	case MESOS__V1__EXECUTOR__EVENT__TYPE__KILL:
		say("EVENT KILL %s", ev->kill->task_id->value);
		send_update(ev->kill->task_id->value, MESOS__V1__TASK_STATE__TASK_KILLED);
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED: {
		const Mesos__V1__Executor__Event__Acknowledged *a = ev->acknowledged;
		say("EVENT ACKNOWLEDGED %s", a->task_id->value);
		for (size_t i = 0; i < n_unacked; i++) {
			if (unacked[i]->status->uuid.len == a->uuid.len &&
			    memcmp(unacked[i]->status->uuid.data, a->uuid.data, a->uuid.len) == 0) {
				protobuf_c_message_free_unpacked(&unacked[i]->base, NULL);
				unacked[i] = unacked[--n_unacked];
				break;
			}
		}
		for (size_t i = 0; i < n_tasks; i++)
			if (strcmp(tasks[i]->task_id->value, a->task_id->value) == 0)
				task_acked[i] = true;
		if (exit_after_ack >= 0 && n_unacked == 0) {
			say("EXIT %d", exit_after_ack);
			_exit(exit_after_ack);
		}
		break;
	}
	case MESOS__V1__EXECUTOR__EVENT__TYPE__MESSAGE:
		say("EVENT MESSAGE %.*s", (int)ev->message->data.len, (const char *)ev->message->data.data);
		if (opt_echo) {
			Mesos__V1__Executor__Call c = MESOS__V1__EXECUTOR__CALL__INIT;
			Mesos__V1__ExecutorID e = MESOS__V1__EXECUTOR_ID__INIT;
			Mesos__V1__FrameworkID f = MESOS__V1__FRAMEWORK_ID__INIT;
			Mesos__V1__Executor__Call__Message m = MESOS__V1__EXECUTOR__CALL__MESSAGE__INIT;
			base_call(&c, &e, &f);
			c.type = MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE;
			m.data = ev->message->data;
			c.message = &m;
			post(&c, "MESSAGE");
		}
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN:
		say("EVENT SHUTDOWN");
		if (!opt_ignore_shutdown)
			_exit(0);
		break;
	default:
		say("EVENT %d", ev->type);
		break;
	}
}

static void sub_head(struct http_call *c, const struct http_reply *r, void *arg)
{
	say("SUBSCRIBE -> %d", r->status);
}

static void sub_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	const char *rec;
	size_t rl;
	int rc;
	while ((rc = recordio_decoder_next(&dec, &d, &n, &rec, &rl)) == 1) {
		Mesos__V1__Executor__Event *ev =
			mesos__v1__executor__event__unpack(NULL, rl, (const uint8_t *)rec);
		if (!ev) {
			say("BAD EVENT");
			continue;
		}
		on_event(ev);
		mesos__v1__executor__event__free_unpacked(ev, NULL);
	}
}

static void sub_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	say("STREAM END %d %s", r->status, r->body ? r->body : "");
	if (opt_resub) {
		ev_timer_start(loop, &resub_timer, 100, 0);
		return;
	}
	_exit(4);
}

static void subscribe(void)
{
	recordio_decoder_finish(&dec);
	recordio_decoder_init(&dec, 0);
	Mesos__V1__Executor__Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__ExecutorID e = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__FrameworkID f = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Executor__Call__Subscribe s = MESOS__V1__EXECUTOR__CALL__SUBSCRIBE__INIT;
	Mesos__V1__TaskInfo *ut[MAXU];
	size_t nut = 0;
	for (size_t i = 0; i < n_tasks && !opt_forget; i++)
		if (!task_acked[i])
			ut[nut++] = tasks[i];
	s.n_unacknowledged_updates = n_unacked;
	s.unacknowledged_updates = unacked;
	s.n_unacknowledged_tasks = nut;
	s.unacknowledged_tasks = ut;
	base_call(&c, &e, &f);
	c.type = MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE;
	c.subscribe = &s;
	size_t len = mesos__v1__executor__call__get_packed_size(&c);
	uint8_t *b = malloc(len + 1);
	mesos__v1__executor__call__pack(&c, b);
	struct http_kv h[] = { { "Content-Type", "application/x-protobuf" },
			       { "Accept", "application/x-protobuf" } };
	struct http_client_request rq = { .method = "POST", .url = url, .headers = h,
					  .num_headers = 2, .body = b, .body_len = len,
					  .stream = true, .timeout_ms = 5000 };
	struct http_client_cbs cbs = { .on_head = sub_head, .on_body = sub_body,
				       .on_done = sub_done };
	if (http_client_start(cli, &rq, &cbs, NULL, NULL) < 0) {
		say("SUBSCRIBE failed to start");
		if (opt_resub)
			ev_timer_start(loop, &resub_timer, 100, 0);
	}
	free(b);
}

static void resub_cb(struct ev_loop *l, void *arg)
{
	subscribe();
}

/* ---- call mode ---- */

static int call_status;
static char call_body[4096];
static size_t call_body_len;

static void call_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	call_status = r->status;
	printf("%d %s\n", r->status, r->body ? r->body : r->err ? r->errmsg : call_body);
	fflush(stdout);
	ev_stop(loop);
}

static void call_body_piece(struct http_call *c, const char *d, size_t n, void *arg)
{
	if (n > sizeof(call_body) - 1 - call_body_len)
		n = sizeof(call_body) - 1 - call_body_len;
	memcpy(call_body + call_body_len, d, n);
	call_body_len += n;
}

static void call_head(struct http_call *c, const struct http_reply *r, void *arg)
{
	/* an error answer: its body comes through call_body_piece */
	if (r->status != 200)
		return;
	/* a stream: report the head and stop */
	call_status = r->status;
	printf("%d stream\n", r->status);
	for (size_t i = 0; i < r->num_headers; i++)
		if (r->headers[i].name_len == 15 && strncasecmp(r->headers[i].name, "Mesos-Stream-Id", 15) == 0)
			printf("has Mesos-Stream-Id\n");
	fflush(stdout);
	http_call_cancel(c);
	ev_stop(loop);
}

static int call_main(int argc, char **argv)
{
	if (argc < 6)
		return 2;
	snprintf(url, sizeof(url), "%s", argv[2]);
	fw_id = argv[3];
	exec_id = argv[4];
	const char *kind = argv[5];
	const char *task = argc > 6 && argv[6][0] != '-' ? argv[6] : "t1";
	const char *ct = "application/x-protobuf", *accept = "application/x-protobuf";
	for (int i = 6; i < argc; i++) {
		if (strncmp(argv[i], "-ct=", 4) == 0)
			ct = argv[i] + 4;
		else if (strncmp(argv[i], "-accept=", 8) == 0)
			accept = argv[i] + 8;
	}
	Mesos__V1__Executor__Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__ExecutorID e = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__FrameworkID f = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Executor__Call__Subscribe s = MESOS__V1__EXECUTOR__CALL__SUBSCRIBE__INIT;
	Mesos__V1__Executor__Call__Update up = MESOS__V1__EXECUTOR__CALL__UPDATE__INIT;
	Mesos__V1__Executor__Call__Message m = MESOS__V1__EXECUTOR__CALL__MESSAGE__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__ExecutorID other = MESOS__V1__EXECUTOR_ID__INIT;
	uint8_t u[16];
	uuid4(u);
	base_call(&c, &e, &f);
	tid.value = (char *)task;
	st.task_id = &tid;
	st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	st.has_uuid = 1;
	st.uuid.data = u;
	st.uuid.len = 16;
	up.status = &st;
	bool stream = false;
	uint8_t body[4096];
	size_t len = 0;
	if (strcmp(kind, "subscribe") == 0) {
		c.type = MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE;
		c.subscribe = &s;
		stream = true;
	} else if (strncmp(kind, "update", 6) == 0) {
		c.type = MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE;
		c.update = &up;
		if (strcmp(kind, "update-nouuid") == 0)
			st.has_uuid = 0;
		else if (strcmp(kind, "update-baduuid") == 0)
			st.uuid.len = 5;
		else if (strcmp(kind, "update-source") == 0)
			st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER;
		else if (strcmp(kind, "update-staging") == 0)
			st.state = MESOS__V1__TASK_STATE__TASK_STAGING;
		else if (strcmp(kind, "update-execid") == 0) {
			other.value = "someone-else";
			st.executor_id = &other;
		}
	} else if (strcmp(kind, "message") == 0) {
		c.type = MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE;
		m.data.data = (uint8_t *)"hello";
		m.data.len = 5;
		c.message = &m;
	} else if (strcmp(kind, "heartbeat") == 0) {
		c.type = MESOS__V1__EXECUTOR__CALL__TYPE__HEARTBEAT;
	}
	if (strcmp(kind, "garbage") == 0) {
		memcpy(body, "\xff\xff\xff garbage", 12);
		len = 12;
	} else if (strcmp(kind, "empty") != 0) {
		len = mesos__v1__executor__call__get_packed_size(&c);
		mesos__v1__executor__call__pack(&c, body);
	}
	struct http_kv h[2];
	size_t nh = 0;
	if (strcmp(ct, "none") != 0)
		h[nh++] = (struct http_kv){ "Content-Type", ct };
	if (strcmp(accept, "none") != 0)
		h[nh++] = (struct http_kv){ "Accept", accept };
	struct http_client_request rq = { .method = "POST", .url = url, .headers = h,
					  .num_headers = nh, .body = body, .body_len = len,
					  .stream = stream, .timeout_ms = 5000 };
	struct http_client_cbs cbs = { .on_done = call_done, .on_head = stream ? call_head : NULL,
				       .on_body = stream ? call_body_piece : NULL };
	if (http_client_start(cli, &rq, &cbs, NULL, NULL) < 0) {
		printf("0 %s\n", http_client_errmsg(cli));
		return 1;
	}
	ev_run(loop);
	return call_status ? 0 : 1;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	loop = ev_loop_new();
	struct http_client_config hc = { .timeout_ms = 5000 };
	cli = http_client_new(loop, &hc);
	if (argc >= 2 && strcmp(argv[1], "call") == 0) {
		int rc = call_main(argc, argv);
		http_client_free(cli);
		ev_loop_free(loop);
		return rc;
	}
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "usage: em-test-executor run [options] | call URL FW EXEC KIND\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "-updates=", 9) == 0)
			updates_spec = (char *)a + 9;
		else if (strncmp(a, "-exit-after-ack=", 16) == 0)
			exit_after_ack = atoi(a + 16);
		else if (strncmp(a, "-spawn=", 7) == 0)
			spawn_cmd = a + 7;
		else if (strcmp(a, "-echo") == 0)
			opt_echo = true;
		else if (strcmp(a, "-resubscribe") == 0)
			opt_resub = true;
		else if (strcmp(a, "-ignore-shutdown") == 0)
			opt_ignore_shutdown = true;
		else if (strcmp(a, "-dup") == 0)
			opt_dup = true;
		else if (strcmp(a, "-no-post") == 0)
			opt_no_post = true;
		else if (strcmp(a, "-forget-tasks") == 0)
			opt_forget = true;
	}
	const char *ep = getenv("MESOS_AGENT_ENDPOINT");
	const char *pid = getenv("MESOS_SLAVE_PID");
	fw_id = getenv("MESOS_FRAMEWORK_ID");
	exec_id = getenv("MESOS_EXECUTOR_ID");
	if (!ep || !fw_id || !exec_id || !pid || !strchr(pid, '@')) {
		fprintf(stderr, "em-test-executor: MESOS_* environment missing\n");
		return 2;
	}
	snprintf(url, sizeof(url), "http://%s/%.*s/api/v1/executor", ep,
		 (int)(strchr(pid, '@') - pid), pid);
	ev_timer_init(&resub_timer, resub_cb, NULL);
	say("START %s", url);
	subscribe();
	ev_run(loop);
	return 0;
}
