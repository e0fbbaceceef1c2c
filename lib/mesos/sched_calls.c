/* sched_calls — the scheduler's calls on their own connections (ACCEPT,
 * DECLINE, ...); see sched_session.h. Each POST carries Content-Type,
 * Mesos-Stream-Id and Authorization, goes to the master that streams to
 * us, and reports its HTTP outcome to its completion. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "mesos/sched_session_int.h"

static void call_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct pending *p = arg;
	struct sched_session *s = p->s;
	struct sched_call_result res = { p->type, r->err, r->status, r->body ? r->body : "" };

	(void)call;
	p->prev->next = p->next;
	p->next->prev = p->prev;
	if (r->err && !r->status)
		log_warn("mesos scheduler session: %s call failed: %s",
			 sched_call_type_name(p->type), r->errmsg ? r->errmsg : strerror(-r->err));
	else if (r->status != 202 && r->status != 200)
		log_warn("mesos scheduler session: %s call answered %d %s: \"%.300s\"",
			 sched_call_type_name(p->type), r->status, http_status_text(r->status),
			 res.body);
	if (p->done)
		NOTIFY(s, p->done(s, &res, p->arg));
	free(p);
}

static int post_call(struct sched_session *s, int type, int rc, struct buf *body,
		     sched_call_done_fn done, void *arg)
{
	struct http_kv hdr[3];
	size_t nh = 0;
	struct http_client_request req = { 0 };
	struct http_client_cbs cbs = { NULL, NULL, call_done };
	char url[URL_MAX_HOST + URL_MAX_PATH + 16];
	struct pending *p = NULL;

	if (rc < 0)
		goto fail;
	rc = -ENOMEM;
	p = calloc(1, sizeof *p);
	if (!p)
		goto fail;
	p->s = s;
	p->type = type;
	p->done = done;
	p->arg = arg;
	url_format(&s->stream_url, url, sizeof url);
	hdr[nh++] = (struct http_kv){ "Content-Type", CT_PROTOBUF };
	hdr[nh++] = (struct http_kv){ "Mesos-Stream-Id", s->stream_id };
	if (s->auth[0])
		hdr[nh++] = (struct http_kv){ "Authorization", s->auth };
	req.method = "POST";
	req.url = url;
	req.headers = hdr;
	req.num_headers = nh;
	req.body = body->data;
	req.body_len = body->len;
	req.timeout_ms = s->cfg.call_timeout_ms;
	req.max_body = 64 * 1024;
	req.tls_server_name = s->stream_name;
	rc = http_client_start(s->http, &req, &cbs, p, &p->call);
	if (rc < 0) {
		log_warn("mesos scheduler session: %s", http_client_errmsg(s->http));
		goto fail;
	}
	p->next = &s->calls;
	p->prev = s->calls.prev;
	s->calls.prev->next = p;
	s->calls.prev = p;
	s->stats.calls++;
	buf_finish(body);
	return 0;
fail:
	free(p);
	buf_finish(body);
	return rc;
}

bool sched_session_ready(const struct sched_session *s)
{
	return s->state == ST_SUBSCRIBED && s->stream_id[0] && s->framework_id;
}

#define CALL(s, type, encode) do { \
	struct buf b_ = BUF_INIT; \
	if (!sched_session_ready(s)) \
		return -ENOTCONN; \
	return post_call((s), (type), (encode), &b_, done, arg); \
} while (0)

int sched_accept(struct sched_session *s, const char *const *offer_ids, size_t n_offers,
		 Mesos__V1__Offer__Operation *const *ops, size_t n_ops, double refuse_seconds,
		 sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT,
	     sched_encode_accept(s->framework_id, offer_ids, n_offers, ops, n_ops,
				 refuse_seconds, &b_));
}

int sched_decline(struct sched_session *s, const char *const *offer_ids, size_t n_offers,
		  double refuse_seconds, sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE,
	     sched_encode_decline(s->framework_id, offer_ids, n_offers, refuse_seconds, &b_));
}

int sched_revive(struct sched_session *s, const char *const *roles, size_t n_roles,
		 sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE,
	     sched_encode_revive(s->framework_id, roles, n_roles, &b_));
}

int sched_suppress(struct sched_session *s, const char *const *roles, size_t n_roles,
		   sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS,
	     sched_encode_suppress(s->framework_id, roles, n_roles, &b_));
}

int sched_kill(struct sched_session *s, const char *task_id, const char *agent_id,
	       sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__KILL,
	     sched_encode_kill(s->framework_id, task_id, agent_id, &b_));
}

int sched_shutdown(struct sched_session *s, const char *executor_id, const char *agent_id,
		   sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN,
	     sched_encode_shutdown(s->framework_id, executor_id, agent_id, &b_));
}

int sched_acknowledge(struct sched_session *s, const Mesos__V1__TaskStatus *status,
		      sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE,
	     sched_encode_acknowledge(s->framework_id, status, &b_));
}

int sched_reconcile(struct sched_session *s, const struct sched_reconcile_task *tasks, size_t n,
		    sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE,
	     sched_encode_reconcile(s->framework_id, tasks, n, &b_));
}

int sched_message(struct sched_session *s, const char *agent_id, const char *executor_id,
		  const void *data, size_t len, sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE,
	     sched_encode_message(s->framework_id, agent_id, executor_id, data, len, &b_));
}

int sched_teardown(struct sched_session *s, sched_call_done_fn done, void *arg)
{
	CALL(s, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN,
	     sched_encode_teardown(s->framework_id, &b_));
}

bool sched_calls_abort(struct sched_session *s, int err)
{
	while (s->calls.next != &s->calls) {
		struct pending *p = s->calls.next;
		struct sched_call_result r = { p->type, err, 0, "" };

		http_call_cancel(p->call);
		p->prev->next = p->next;
		p->next->prev = p->prev;
		if (p->done && !NOTIFY(s, p->done(s, &r, p->arg))) {
			free(p);
			return false;
		}
		free(p);
	}
	return true;
}

void sched_calls_drop(struct sched_session *s)
{
	while (s->calls.next != &s->calls) {
		struct pending *p = s->calls.next;
		http_call_cancel(p->call);
		p->prev->next = p->next;
		p->next->prev = p->prev;
		free(p);
	}
}
