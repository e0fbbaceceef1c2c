/* exec_session — the executor's subscription: SUBSCRIBE, the event
 * stream, re-subscription per C.5; see exec_session.h (UPDATE and MESSAGE
 * are in exec_updates.c). */
#include "mesos/exec_session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/strutil.h"
#include "mesos/backoff.h"
#include "mesos/event_reader.h"
#include "mesos/exec_call.h"
#include "mesos/uuid.h"
#include "net/http_client.h"
#include "net/tls.h"

static void connect_now(struct exec_session *s);
static void final_free(struct ev_loop *loop, void *arg);

const char *exec_lost_reason_name(enum exec_lost_reason why)
{
	switch (why) {
	case EXEC_LOST_NO_CHECKPOINT: return "agent connection lost (no checkpointing)";
	case EXEC_LOST_RECOVERY_TIMEOUT: return "agent not back within the recovery timeout";
	case EXEC_LOST_REFUSED: return "subscription refused by the agent";
	}
	return "?";
}

static void *pb_dup(const ProtobufCMessage *m)
{
	struct buf b = BUF_INIT;
	size_t n = protobuf_c_message_get_packed_size(m);
	void *copy = NULL;

	if (buf_reserve(&b, n + 1) == 0) {
		protobuf_c_message_pack(m, (uint8_t *)b.data);
		copy = protobuf_c_message_unpack(m->descriptor, NULL, n, (const uint8_t *)b.data);
	}
	buf_finish(&b);
	return copy;
}

static void stop_stream(struct exec_session *s)
{
	s->stream_gen++;
	if (s->sub) {
		http_call_cancel(s->sub);
		s->sub = NULL;
	}
	if (s->reader_on) {
		mesos_event_reader_finish(&s->reader);
		s->reader_on = false;
	}
	buf_reset(&s->err_body);
	s->subscribed = false;
}

static void on_retry(struct ev_loop *loop, void *arg)
{
	(void)loop;
	connect_now(arg);
}

/* Stops for good and tells the owner. */
static void give_up(struct exec_session *s, enum exec_lost_reason why, const char *detail)
{
	stop_stream(s);
	ev_timer_stop(s->loop, &s->retry_timer);
	s->state = ST_STOPPED;
	log_error("mesos executor session: %s: %s", exec_lost_reason_name(why), detail);
	if (s->cbs.on_lost)
		NOTIFY(s, s->cbs.on_lost(s, why, detail, s->arg));
}

/* The agent is gone (or busy): retry or give up, per C.5. */
static void lose(struct exec_session *s, const char *why, bool retry_anyway)
{
	uint64_t now = ev_now_ms(s->loop), ms, left;
	char detail[512];

	stop_stream(s);
	if (s->state == ST_STOPPED)
		return;
	if (!s->checkpoint && !retry_anyway) {
		give_up(s, EXEC_LOST_NO_CHECKPOINT, why);
		return;
	}
	if (!s->lost_since_ms)
		s->lost_since_ms = now;
	if (now - s->lost_since_ms >= s->recovery_ms) {
		snprintf(detail, sizeof detail, "%s; gave up after %llu ms (MESOS_RECOVERY_TIMEOUT)",
			 why, (unsigned long long)(now - s->lost_since_ms));
		give_up(s, EXEC_LOST_RECOVERY_TIMEOUT, detail);
		return;
	}
	left = s->recovery_ms - (now - s->lost_since_ms);
	ms = backoff_next(&s->backoff, backoff_random());
	if (ms > left)
		ms = left;
	log_warn("mesos executor session: %s; subscribing again in %llu ms", why,
		 (unsigned long long)ms);
	s->state = ST_WAIT;
	ev_timer_start(s->loop, &s->retry_timer, ms, 0);
}

/* ---- events ---- */

static void ack(struct exec_session *s, const Mesos__V1__Executor__Event__Acknowledged *a)
{
	struct upd **pp;
	struct task **tp;
	const char *tid = a->task_id ? a->task_id->value : NULL;
	char text[MESOS_UUID_TEXT];

	for (pp = &s->upds; *pp; pp = &(*pp)->next) {
		struct upd *u = *pp;
		if (u->u->status->uuid.len == a->uuid.len &&
		    memcmp(u->u->status->uuid.data, a->uuid.data, a->uuid.len) == 0) {
			*pp = u->next;
			if (u == s->inflight)
				u->acked = true;   /* freed when its POST ends */
			else
				exec_upd_free(u);
			break;
		}
	}
	mesos_uuid_format(a->uuid.data, a->uuid.len, text);
	log_v(1, "mesos executor session: agent acknowledged %s of task %s", text,
	      tid ? tid : "?");
	if (!tid)
		return;
	for (tp = &s->tasks; *tp; tp = &(*tp)->next) {
		if (strcmp((*tp)->t->task_id->value, tid) == 0) {
			struct task *t = *tp;
			*tp = t->next;
			mesos__v1__task_info__free_unpacked(t->t, NULL);
			free(t);
			break;
		}
	}
}

static void refuse_one(struct exec_session *s, const Mesos__V1__TaskInfo *t)
{
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	int rc;

	st.task_id = t->task_id;
	st.state = MESOS__V1__TASK_STATE__TASK_ERROR;
	st.message = "LAUNCH_GROUP is not supported: the etcd-mesos executor runs "
		     "single tasks (LAUNCH) only";
	log_error("mesos executor session: refusing task %s of a LAUNCH_GROUP", t->task_id->value);
	if ((rc = exec_session_update(s, &st)) < 0)
		log_error("mesos executor session: cannot queue TASK_ERROR for %s: %s",
			  t->task_id->value, strerror(-rc));
}

static void refuse_cb(const Mesos__V1__TaskInfo *t, void *arg)
{
	refuse_one(arg, t);
}

static int dispatch(struct exec_session *s, const Event *e, int type)
{
	switch (type) {
	case MESOS__V1__EXECUTOR__EVENT__TYPE__SUBSCRIBED: {
		struct upd *u;
		s->subscribed = true;
		s->lost_since_ms = 0;
		backoff_reset(&s->backoff);
		for (u = s->upds; u; u = u->next) {
			u->posted = u->posted || u->carried;
			u->carried = false;
		}
		log_info("mesos executor session: subscribed to the agent at %s", s->url_text);
		if (s->cbs.on_subscribed && e->subscribed &&
		    !NOTIFY(s, s->cbs.on_subscribed(s, e->subscribed, s->arg)))
			return 1;
		exec_updates_pump(s);
		return 0;
	}
	case MESOS__V1__EXECUTOR__EVENT__TYPE__ERROR: {
		char why[600];
		const char *m = e->error && e->error->message ? e->error->message : "";
		snprintf(why, sizeof why, "agent sent ERROR \"%.500s\"", m);
		log_error("mesos executor session: %s", why);
		if (s->cbs.on_error && !NOTIFY(s, s->cbs.on_error(s, m, s->arg)))
			return 1;
		if (s->state != ST_STOPPED)
			lose(s, why, false);
		return 1;
	}
	default:
		break;
	}
	if (!s->subscribed) {
		log_warn("mesos executor session: event type %d before SUBSCRIBED; ignored", type);
		return 0;
	}
	switch (type) {
	case MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH: {
		struct task *t;
		if (!e->launch || !e->launch->task)
			break;
		t = calloc(1, sizeof *t);
		if (!t || !(t->t = pb_dup(&e->launch->task->base))) {
			free(t);
			return -ENOMEM;
		}
		t->next = s->tasks;
		s->tasks = t;
		if (s->cbs.on_launch && !NOTIFY(s, s->cbs.on_launch(s, e->launch->task, s->arg)))
			return 1;
		break;
	}
	case MESOS__V1__EXECUTOR__EVENT__TYPE__LAUNCH_GROUP:
		if (exec_launch_group_tasks(e, refuse_cb, s) == 0)
			log_error("mesos executor session: a LAUNCH_GROUP without readable tasks; "
				  "ignored");
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__KILL:
		if (e->kill && s->cbs.on_kill && !NOTIFY(s, s->cbs.on_kill(s, e->kill, s->arg)))
			return 1;
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED:
		if (!e->acknowledged)
			break;
		ack(s, e->acknowledged);
		if (s->cbs.on_acknowledged &&
		    !NOTIFY(s, s->cbs.on_acknowledged(s, e->acknowledged->task_id ?
						      e->acknowledged->task_id->value : "",
						      e->acknowledged->uuid.data,
						      e->acknowledged->uuid.len, s->arg)))
			return 1;
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__MESSAGE:
		if (e->message && s->cbs.on_message &&
		    !NOTIFY(s, s->cbs.on_message(s, e->message->data.data, e->message->data.len,
						 s->arg)))
			return 1;
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN:
		log_info("mesos executor session: agent asks us to shut down");
		if (s->cbs.on_shutdown && !NOTIFY(s, s->cbs.on_shutdown(s, s->arg)))
			return 1;
		break;
	case MESOS__V1__EXECUTOR__EVENT__TYPE__HEARTBEAT:
		if (s->cbs.on_heartbeat && !NOTIFY(s, s->cbs.on_heartbeat(s, s->arg)))
			return 1;
		break;
	default:
		log_v(1, "mesos executor session: ignoring event type %d", type);
		break;
	}
	return 0;
}

static int on_event(const ProtobufCMessage *m, void *arg)
{
	struct exec_session *s = arg;
	const Event *e = (const Event *)m;
	uint64_t gen = s->stream_gen;
	int rc = dispatch(s, e, e->has_type ? (int)e->type : 0);

	if (rc == 0 && s->stream_gen != gen)
		return 1;
	return rc;
}

/* ---- SUBSCRIBE ---- */

static void sub_head(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct exec_session *s = arg;
	const struct http_header *h;

	s->sub_status = r->status;
	if (r->status != 200)
		return;
	h = http_find_header(r->headers, r->num_headers, "Content-Type");
	if (!h || h->value_len != strlen(CT_PROTOBUF) ||
	    strncasecmp(h->value, CT_PROTOBUF, h->value_len) != 0) {
		log_error("mesos executor session: agent answered SUBSCRIBE with Content-Type "
			  "\"%.*s\", not " CT_PROTOBUF, h ? (int)(h->value_len > 100 ? 100 :
			  h->value_len) : 0, h ? h->value : "");
		/* A 200 stream never ends by itself: drop it here. */
		s->sub = NULL;
		http_call_cancel(call);
		lose(s, "bad SUBSCRIBE answer", true);
		return;
	}
	mesos_event_reader_init(&s->reader, &mesos__v1__executor__event__descriptor, 0);
	s->reader_on = true;
	s->state = ST_STREAM;
}

static void sub_body(struct http_call *call, const char *data, size_t len, void *arg)
{
	struct exec_session *s = arg;
	char why[160];
	int rc;

	if (s->sub_status != 200) {
		size_t room = MAX_ERR_BODY - s->err_body.len;
		if (s->err_body.len < MAX_ERR_BODY)
			buf_append(&s->err_body, data, len < room ? len : room);
		return;
	}
	if (!s->reader_on)
		return;
	rc = mesos_event_reader_feed(&s->reader, data, len, on_event, s);
	if (rc == 0 || rc == 1)
		return;
	snprintf(why, sizeof why, "bad event stream from the agent: %s", strerror(-rc));
	s->sub = NULL;
	http_call_cancel(call);
	lose(s, why, false);
}

static void sub_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct exec_session *s = arg;
	int st = s->sub_status;
	char why[600];

	(void)call;
	s->sub = NULL;
	buf_append(&s->err_body, "", 0);
	if (st == 200) {
		int eof = r->err ? r->err : s->reader_on ? mesos_event_reader_eof(&s->reader) : 0;
		snprintf(why, sizeof why, "the event stream from the agent ended%s%s",
			 eof ? ": " : "", eof ? (r->errmsg ? r->errmsg : strerror(-eof)) : "");
		lose(s, why, false);
		return;
	}
	if (st == 0) {
		snprintf(why, sizeof why, "SUBSCRIBE to %s failed: %s", s->url_text,
			 r->errmsg ? r->errmsg : strerror(-r->err));
		lose(s, why, false);
		return;
	}
	snprintf(why, sizeof why, "SUBSCRIBE to %s answered %d %s: \"%.300s\"", s->url_text, st,
		 http_status_text(st), s->err_body.data ? s->err_body.data : "");
	if (st == 400 || st == 401 || st == 403 || st == 405 || st == 406 || st == 415) {
		give_up(s, EXEC_LOST_REFUSED, why);
		return;
	}
	lose(s, why, true);   /* 503 while the agent recovers, other 5xx */
}

static void connect_now(struct exec_session *s)
{
	struct http_kv hdr[3];
	size_t nh = 0, nt = 0, nu = 0;
	struct http_client_request req = { 0 };
	struct http_client_cbs cbs = { sub_head, sub_body, sub_done };
	struct buf body = BUF_INIT;
	Mesos__V1__TaskInfo **tasks = NULL;
	Update **upds = NULL;
	struct task *t;
	struct upd *u;
	int rc = -ENOMEM;

	ev_timer_stop(s->loop, &s->retry_timer);
	if (s->state == ST_STOPPED || s->freed)
		return;
	stop_stream(s);
	for (t = s->tasks; t; t = t->next)
		nt++;
	for (u = s->upds; u; u = u->next)
		nu++;
	if ((nt && !(tasks = calloc(nt, sizeof *tasks))) || (nu && !(upds = calloc(nu, sizeof *upds))))
		goto fail;
	nt = nu = 0;
	for (t = s->tasks; t; t = t->next)
		tasks[nt++] = t->t;
	for (u = s->upds; u; u = u->next) {
		upds[nu++] = u->u;
		u->carried = true;
	}
	if ((rc = exec_encode_subscribe(s->framework_id, s->executor_id, tasks, nt, upds, nu,
					&body)) < 0)
		goto fail;
	hdr[nh++] = (struct http_kv){ "Content-Type", CT_PROTOBUF };
	hdr[nh++] = (struct http_kv){ "Accept", CT_PROTOBUF };
	if (s->auth[0])
		hdr[nh++] = (struct http_kv){ "Authorization", s->auth };
	req.method = "POST";
	req.url = s->url_text;
	req.headers = hdr;
	req.num_headers = nh;
	req.body = body.data;
	req.body_len = body.len;
	req.timeout_ms = s->subscribe_timeout_ms;
	req.stream = true;
	s->sub_status = 0;
	buf_reset(&s->err_body);
	s->state = ST_CONNECTING;
	log_info("mesos executor session: SUBSCRIBE to %s (%zu unacknowledged tasks, %zu "
		 "unacknowledged updates)", s->url_text, nt, nu);
	rc = http_client_start(s->http, &req, &cbs, s, &s->sub);
	free(tasks);
	free(upds);
	buf_finish(&body);
	if (rc < 0) {
		s->sub = NULL;
		lose(s, http_client_errmsg(s->http), false);
	}
	return;
fail:
	free(tasks);
	free(upds);
	buf_finish(&body);
	lose(s, rc == -ENOMEM ? "out of memory building SUBSCRIBE" : "cannot encode SUBSCRIBE",
	     true);
}

/* ---- life ---- */

int exec_session_new(const struct exec_session_config *cfg, const struct exec_session_cbs *cbs,
		     void *arg, struct exec_session **out, char *err, size_t errlen)
{
	const struct exec_env *env = cfg ? cfg->env : NULL;
	struct http_client_config hc = { 0 };
	struct exec_session *s;
	int rc = -ENOMEM;

	if (err && errlen)
		err[0] = '\0';
	if (!cfg || !cfg->loop || !env || !env->framework_id || !env->executor_id) {
		if (err && errlen)
			snprintf(err, errlen, "executor session needs a loop and the MESOS_* "
				 "environment");
		return -EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->loop = cfg->loop;
	if (cbs)
		s->cbs = *cbs;
	s->arg = arg;
	s->msgs.next = s->msgs.prev = &s->msgs;
	ev_timer_init(&s->retry_timer, on_retry, s);
	ev_timer_init(&s->upd_timer, exec_updates_on_timer, s);
	buf_init(&s->err_body);
	s->framework_id = strdup(env->framework_id);
	s->executor_id = strdup(env->executor_id);
	if (!s->framework_id || !s->executor_id)
		goto fail;
	s->url = env->url;
	url_format(&s->url, s->url_text, sizeof s->url_text);
	if (env->token &&
	    (size_t)snprintf(s->auth, sizeof s->auth, "Bearer %s", env->token) >= sizeof s->auth) {
		if (err && errlen)
			snprintf(err, errlen, "MESOS_EXECUTOR_AUTHENTICATION_TOKEN is too long "
				 "(over %zu bytes)", sizeof s->auth - 8);
		rc = -EINVAL;
		goto fail;
	}
	s->checkpoint = env->checkpoint;
	s->recovery_ms = env->recovery_timeout_ns > 0 ?
		(uint64_t)(env->recovery_timeout_ns / 1000000) : 15 * 60 * 1000;
	s->backoff_max_ms = env->backoff_max_ns > 0 ?
		(uint64_t)(env->backoff_max_ns / 1000000) : 2000;
	if (!s->backoff_max_ms)
		s->backoff_max_ms = 1;
	s->subscribe_timeout_ms = cfg->subscribe_timeout_ms ? cfg->subscribe_timeout_ms : 30000;
	s->call_timeout_ms = cfg->call_timeout_ms ? cfg->call_timeout_ms : 30000;
	backoff_init(&s->backoff, cfg->backoff_initial_ms ? cfg->backoff_initial_ms : 100,
		     s->backoff_max_ms);
	backoff_init(&s->upd_backoff, 100, s->backoff_max_ms > 1000 ? s->backoff_max_ms : 1000);
	if (s->url.tls) {
		struct tls_client_opts o = { .ca_file = env->ca_file };
		if ((rc = tls_config_new_client(&s->tls, &o, err, errlen)) < 0)
			goto fail;
	}
	hc.tls = s->tls;
	hc.timeout_ms = s->call_timeout_ms;
	rc = -ENOMEM;
	if (!(s->http = http_client_new(s->loop, &hc)))
		goto fail;
	*out = s;
	return 0;
fail:
	if (rc == -ENOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory");
	final_free(NULL, s);
	return rc;
}

int exec_session_start(struct exec_session *s)
{
	if (s->state != ST_STOPPED || s->sub)
		return -EALREADY;
	s->state = ST_WAIT;
	s->lost_since_ms = ev_now_ms(s->loop);   /* first attempts are bounded too */
	connect_now(s);
	return 0;
}

bool exec_session_subscribed(const struct exec_session *s)
{
	return s->subscribed;
}

size_t exec_session_unacked(const struct exec_session *s)
{
	size_t n = 0;
	const struct upd *u;

	for (u = s->upds; u; u = u->next)
		n++;
	return n;
}

static void teardown_io(struct exec_session *s)
{
	stop_stream(s);
	s->state = ST_STOPPED;
	ev_timer_stop(s->loop, &s->retry_timer);
	ev_timer_stop(s->loop, &s->upd_timer);
	exec_updates_drop(s);
}

static void final_free(struct ev_loop *loop, void *arg)
{
	struct exec_session *s = arg;

	(void)loop;
	teardown_io(s);
	http_client_free(s->http);
	tls_config_free(s->tls);
	while (s->upds) {
		struct upd *u = s->upds;
		s->upds = u->next;
		exec_upd_free(u);
	}
	while (s->tasks) {
		struct task *t = s->tasks;
		s->tasks = t->next;
		mesos__v1__task_info__free_unpacked(t->t, NULL);
		free(t);
	}
	buf_finish(&s->err_body);
	explicit_bzero(s->auth, sizeof s->auth);
	free(s->framework_id);
	free(s->executor_id);
	free(s);
}

void exec_session_free(struct exec_session *s)
{
	if (!s || s->freed)
		return;
	if (s->depth > 0) {
		s->freed = true;
		teardown_io(s);
		ev_defer(s->loop, final_free, s);
		return;
	}
	final_free(NULL, s);
}
