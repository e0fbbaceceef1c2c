/* exec_updates — the executor's status updates (kept until ACKNOWLEDGED,
 * posted one at a time in order, retried with backoff) and its messages
 * to the scheduler; see exec_session.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "mesos/exec_session_int.h"
#include "mesos/uuid.h"

void exec_upd_free(struct upd *u)
{
	if (!u)
		return;
	protobuf_c_message_free_unpacked(&u->u->base, NULL);
	free(u);
}

/* ---- UPDATE, one at a time ---- */

void exec_updates_on_timer(struct ev_loop *loop, void *arg)
{
	(void)loop;
	exec_updates_pump(arg);
}

static void upd_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct exec_session *s = arg;
	struct upd *u = s->inflight, **pp;
	char text[MESOS_UUID_TEXT];

	(void)call;
	s->upd_call = NULL;
	s->inflight = NULL;
	mesos_uuid_format(u->u->status->uuid.data, u->u->status->uuid.len, text);
	if (u->acked) {
		exec_upd_free(u);
	} else if (r->status == 202 || r->status == 200) {
		u->posted = true;
		backoff_reset(&s->upd_backoff);
	} else if (r->status == 400) {
		log_error("mesos executor session: agent refused update %s of task %s: \"%.300s\"; "
			  "dropped", text, u->u->status->task_id->value, r->body ? r->body : "");
		for (pp = &s->upds; *pp; pp = &(*pp)->next)
			if (*pp == u) {
				*pp = u->next;
				break;
			}
		exec_upd_free(u);
	} else {
		uint64_t ms = backoff_next(&s->upd_backoff, backoff_random());
		log_warn("mesos executor session: update %s of task %s: %s%d; retrying in %llu ms",
			 text, u->u->status->task_id->value,
			 r->status ? "answer " : r->errmsg ? r->errmsg : "failed",
			 r->status, (unsigned long long)ms);
		ev_timer_start(s->loop, &s->upd_timer, ms, 0);
		return;
	}
	exec_updates_pump(s);
}

void exec_updates_pump(struct exec_session *s)
{
	struct http_kv hdr[2];
	size_t nh = 0;
	struct http_client_request req = { 0 };
	struct http_client_cbs cbs = { NULL, NULL, upd_done };
	struct buf body = BUF_INIT;
	struct upd *u;
	int rc;

	if (!s->subscribed || s->upd_call || ev_timer_active(&s->upd_timer) || s->freed)
		return;
	for (u = s->upds; u && u->posted; u = u->next)
		;
	if (!u)
		return;
	if ((rc = exec_encode_update(s->framework_id, s->executor_id, u->u, &body)) < 0) {
		log_error("mesos executor session: cannot encode an update: %s", strerror(-rc));
		buf_finish(&body);
		return;
	}
	hdr[nh++] = (struct http_kv){ "Content-Type", CT_PROTOBUF };
	if (s->auth[0])
		hdr[nh++] = (struct http_kv){ "Authorization", s->auth };
	req.method = "POST";
	req.url = s->url_text;
	req.headers = hdr;
	req.num_headers = nh;
	req.body = body.data;
	req.body_len = body.len;
	req.timeout_ms = s->call_timeout_ms;
	req.max_body = 64 * 1024;
	rc = http_client_start(s->http, &req, &cbs, s, &s->upd_call);
	buf_finish(&body);
	if (rc < 0) {
		s->upd_call = NULL;
		log_warn("mesos executor session: %s", http_client_errmsg(s->http));
		ev_timer_start(s->loop, &s->upd_timer,
			       backoff_next(&s->upd_backoff, backoff_random()), 0);
		return;
	}
	s->inflight = u;
}

int exec_session_update(struct exec_session *s, const Mesos__V1__TaskStatus *status)
{
	struct upd *u, **pp;
	int rc;

	u = calloc(1, sizeof *u);
	if (!u)
		return -ENOMEM;
	rc = exec_update_new(status, (double)time(NULL), &u->u);
	if (rc < 0) {
		free(u);
		return rc;
	}
	for (pp = &s->upds; *pp; pp = &(*pp)->next)
		;
	*pp = u;
	exec_updates_pump(s);
	return 0;
}

/* ---- MESSAGE ---- */

static void msg_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct msg *m = arg;

	(void)call;
	m->prev->next = m->next;
	m->next->prev = m->prev;
	if (r->status != 202 && r->status != 200)
		log_warn("mesos executor session: MESSAGE to the scheduler: %s%d",
			 r->status ? "answer " : r->errmsg ? r->errmsg : "failed", r->status);
	free(m);
}

int exec_session_message(struct exec_session *s, const void *data, size_t len)
{
	struct http_kv hdr[2];
	size_t nh = 0;
	struct http_client_request req = { 0 };
	struct http_client_cbs cbs = { NULL, NULL, msg_done };
	struct buf body = BUF_INIT;
	struct msg *m = NULL;
	int rc;

	if (!s->subscribed)
		return -ENOTCONN;
	if ((rc = exec_encode_message(s->framework_id, s->executor_id, data, len, &body)) < 0)
		goto fail;
	rc = -ENOMEM;
	if (!(m = calloc(1, sizeof *m)))
		goto fail;
	m->s = s;
	hdr[nh++] = (struct http_kv){ "Content-Type", CT_PROTOBUF };
	if (s->auth[0])
		hdr[nh++] = (struct http_kv){ "Authorization", s->auth };
	req.method = "POST";
	req.url = s->url_text;
	req.headers = hdr;
	req.num_headers = nh;
	req.body = body.data;
	req.body_len = body.len;
	req.timeout_ms = s->call_timeout_ms;
	req.max_body = 64 * 1024;
	if ((rc = http_client_start(s->http, &req, &cbs, m, &m->call)) < 0)
		goto fail;
	m->next = &s->msgs;
	m->prev = s->msgs.prev;
	s->msgs.prev->next = m;
	s->msgs.prev = m;
	buf_finish(&body);
	return 0;
fail:
	free(m);
	buf_finish(&body);
	return rc;
}

void exec_updates_drop(struct exec_session *s)
{
	if (s->upd_call) {
		http_call_cancel(s->upd_call);
		s->upd_call = NULL;
	}
	if (s->inflight && s->inflight->acked)
		exec_upd_free(s->inflight);
	s->inflight = NULL;
	while (s->msgs.next != &s->msgs) {
		struct msg *m = s->msgs.next;
		http_call_cancel(m->call);
		m->prev->next = m->next;
		m->next->prev = m->prev;
		free(m);
	}
}
