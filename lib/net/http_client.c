/*
 * http_client — requests on the loop with a keep-alive pool (see
 * http_client.h).
 *
 * A connection (struct hconn) is either in the pool (idle, watched for
 * EOF, with an idle timer) or owned by exactly one call. A call
 * (struct http_call) lives from http_client_start to the return of its
 * on_done, or to http_call_cancel. Callbacks run with call->in_cb set; a
 * cancel inside one only marks the call, and the code that ran the
 * callback tears it down when the callback returns.
 */
#include "net/http_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/strutil.h"
#include "net/http_client_int.h"
#include "net/sockio.h"
#include "net/url.h"

#define READ_CHUNK 16384
#define MAX_READS_PER_EVENT 8

static void call_step(struct http_call *call);
static void call_fail(struct http_call *call, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- calls ---- */

static void call_unlink(struct http_call *call)
{
	struct http_client *c = call->client;
	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	c->stats.active--;
}

static void call_free(struct http_call *call)
{
	ev_timer_stop(call->client->loop, &call->deadline);
	call_unlink(call);
	buf_finish(&call->out);
	buf_finish(&call->head_raw);
	buf_finish(&call->body_buf);
	free(call->location);
	free(call->what);
	free(call);
}

static void reply_fill(struct http_call *call, struct http_reply *r, int err)
{
	memset(r, 0, sizeof *r);
	r->err = err;
	r->errmsg = err ? call->errmsg : NULL;
	if (call->have_head) {
		r->status = call->resp.status;
		r->headers = call->resp.headers;
		r->num_headers = call->resp.num_headers;
		r->location = call->location;
	}
	if (!call->stream && err == 0) {
		r->body = call->body_buf.data ? call->body_buf.data : "";
		r->body_len = call->body_buf.len;
	}
}

/* Ends the call: the connection goes back to the pool or is closed, then
 * on_done runs, then the call is freed. */
static void call_finish(struct http_call *call, int err)
{
	struct hconn *k = call->conn;
	struct http_reply r;

	ev_timer_stop(call->client->loop, &call->deadline);
	call->conn = NULL;
	if (k)
		hconn_release(k, err == 0 && call->keep_alive && !call->no_reuse && call->body.done &&
			     call->out_off == call->out.len);
	call->phase = P_DONE;
	reply_fill(call, &r, err);
	call->in_cb = true;
	if (call->cbs.on_done)
		call->cbs.on_done(call, &r, call->arg);
	call_free(call);
}

static void call_fail(struct http_call *call, int err, const char *fmt, ...)
{
	char m[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	snprintf(call->errmsg, sizeof call->errmsg, "http: %s: %s", call->what, m);
	if (call->conn) {
		hconn_close(call->conn);
		call->conn = NULL;
	}
	call_finish(call, err);
}

/* After a callback: true if the call was cancelled inside it (and is now
 * torn down), so the caller must not touch it again. */
static bool after_cb(struct http_call *call)
{
	call->in_cb = false;
	if (!call->cancelled)
		return false;
	if (call->conn)
		hconn_close(call->conn);
	call->conn = NULL;
	call_free(call);
	return true;
}

static void deadline_expired(struct ev_loop *loop, void *arg)
{
	struct http_call *call = arg;
	call_fail(call, -ETIMEDOUT, "no complete answer within the deadline (%s)",
		  call->phase == P_SEND ? "connecting or sending" :
		  call->phase == P_HEAD ? "waiting for the status line and headers" :
		  "reading the body");
}

static bool is_idempotent(const char *m)
{
	static const char *const ok[] = { "GET", "HEAD", "PUT", "DELETE", "OPTIONS", NULL };
	for (int i = 0; ok[i]; i++)
		if (strcmp(m, ok[i]) == 0)
			return true;
	return false;
}

/* Attaches a connection: a pooled one if any, else a new one. */
static int call_attach(struct http_call *call, bool allow_pool)
{
	struct hconn *k = allow_pool ? hconn_pool_take(call->client, call->key) : NULL;
	int rc;

	if (k) {
		call->client->stats.reused++;
		if (ev_io_mod(call->client->loop, k->fd, EV_WRITE | EV_READ) != 0) {
			hconn_close(k);
			k = NULL;
		}
	}
	if (!k) {
		rc = hconn_open(call, &k);
		if (rc != 0)
			return rc;
		call->retried = true; /* a fresh connection is never resent */
	}
	k->call = call;
	call->conn = k;
	call->out_off = 0;
	call->phase = P_SEND;
	call->got_bytes = false;
	return 0;
}

/* The connection died before any byte of the answer. */
static void call_conn_lost(struct http_call *call, int err, const char *why)
{
	if (!call->got_bytes && !call->retried && call->idempotent) {
		int rc;
		hconn_close(call->conn);
		call->conn = NULL;
		call->retried = true;
		rc = call_attach(call, false);
		if (rc == 0)
			return; /* continues when the new socket is writable */
		call_fail(call, rc, "cannot reconnect: %s", strerror(-rc));
		return;
	}
	call_fail(call, err, "%s (%s)", why, call->conn ? call->conn->peer : "");
}

static int start_tls(struct http_call *call)
{
	struct hconn *k = call->conn;
	int rc = tls_new(&k->tls, call->client->cfg.tls, k->fd,
			 call->sni[0] ? call->sni : NULL);
	if (rc == 0)
		k->state = C_HANDSHAKE;
	return rc;
}

static bool response_keep_alive(const struct http_response *r, const struct http_body *b)
{
	const struct http_header *h = http_find_header(r->headers, r->num_headers, "Connection");
	if (b->kind == HTTP_BODY_UNTIL_CLOSE)
		return false;
	if (h && http_header_has_token(h, "close"))
		return false;
	if (r->minor_version == 0)
		return h && http_header_has_token(h, "keep-alive");
	return true;
}

/* Parses the answer head out of k->in. 0 = done or need more; <0 failed
 * (call torn down); 1 = cancelled inside on_head (torn down). */
static int read_head(struct http_call *call)
{
	struct hconn *k = call->conn;
	struct http_client *c = call->client;
	struct http_limits lim;
	int n;

	http_limits_default(&lim);
	lim.max_header_bytes = c->cfg.max_header_bytes;
	lim.max_body = call->stream ? UINT64_MAX : call->max_body;
	for (;;) {
		n = http_parse_response(k->in.data, k->in.len, &lim, &call->resp);
		if (n == HTTP_INCOMPLETE)
			return 0;
		if (n < 0) {
			call_fail(call, n == HTTP_E_HEADER_TOO_LARGE ? -EFBIG : -EPROTO,
				  "bad answer from %s: %s", k->peer, http_strerror(n));
			return -1;
		}
		if (call->resp.status >= 100 && call->resp.status < 200) {
			buf_consume(&k->in, (size_t)n);   /* 100 Continue and friends */
			continue;
		}
		break;
	}
	buf_reset(&call->head_raw);
	if (buf_append(&call->head_raw, k->in.data, (size_t)n) != 0) {
		call_fail(call, -ENOMEM, "out of memory");
		return -1;
	}
	buf_consume(&k->in, (size_t)n);
	/* Re-parse the private copy so headers stay valid for the whole call. */
	(void)http_parse_response(call->head_raw.data, call->head_raw.len, &lim, &call->resp);
	n = http_body_for_response(&call->body, &call->resp, call->head_req, &lim);
	if (n == HTTP_E_BODY_TOO_LARGE) {
		call_fail(call, -EFBIG, "body larger than %llu bytes (status %d)",
			  (unsigned long long)call->max_body, call->resp.status);
		return -1;
	}
	if (n < 0) {
		call_fail(call, -EPROTO, "bad answer from %s: %s", k->peer, http_strerror(n));
		return -1;
	}
	call->keep_alive = response_keep_alive(&call->resp, &call->body);
	const struct http_header *loc = http_find_header(call->resp.headers,
						       call->resp.num_headers, "Location");
	if (loc) {
		call->location = strndup(loc->value, loc->value_len);
		if (!call->location) {
			call_fail(call, -ENOMEM, "out of memory");
			return -1;
		}
	}
	call->phase = P_BODY;
	call->have_head = true;
	if (call->body.kind == HTTP_BODY_NONE ||
	    (call->body.kind == HTTP_BODY_LENGTH && call->body.remaining == 0))
		call->body.done = true;
	if (call->stream) {
		struct http_reply r;
		ev_timer_stop(c->loop, &call->deadline);
		reply_fill(call, &r, 0);
		call->in_cb = true;
		if (call->cbs.on_head)
			call->cbs.on_head(call, &r, call->arg);
		if (after_cb(call))
			return 1;
	}
	return 0;
}

/* Decodes body bytes in k->in. 0 = continue; non-zero = call ended. */
static int read_body(struct http_call *call)
{
	struct hconn *k = call->conn;
	size_t out_len = 0;
	ssize_t used;

	if (call->body.done || k->in.len == 0)
		return 0;
	used = http_body_decode(&call->body, k->in.data, k->in.len, &out_len);
	if (used < 0) {
		if (used == HTTP_E_BODY_TOO_LARGE)
			call_fail(call, -EFBIG, "body larger than %llu bytes",
				  (unsigned long long)call->max_body);
		else
			call_fail(call, -EPROTO, "bad body from %s: %s", k->peer,
				  http_strerror((int)used));
		return -1;
	}
	if (out_len) {
		if (call->stream) {
			call->in_cb = true;
			if (call->cbs.on_body)
				call->cbs.on_body(call, k->in.data, out_len, call->arg);
			if (after_cb(call))
				return 1;
		} else if (buf_append(&call->body_buf, k->in.data, out_len) != 0) {
			call_fail(call, -ENOMEM, "out of memory");
			return -1;
		}
	}
	buf_consume(&k->in, (size_t)used);
	return 0;
}

static int process_input(struct http_call *call)
{
	int rc;
	if (call->phase == P_HEAD) {
		rc = read_head(call);
		if (rc != 0 || call->phase == P_HEAD)
			return rc;
	}
	rc = read_body(call);
	if (rc != 0)
		return rc;
	if (call->body.done) {
		call_finish(call, 0);
		return 1;
	}
	return 0;
}

/* Runs the call as far as the socket allows. */
static void call_step(struct http_call *call)
{
	struct http_client *c = call->client;
	struct hconn *k = call->conn;
	unsigned want = 0;
	ssize_t n;
	int err;
	socklen_t el = sizeof err;

	if (k->state == C_CONNECTING) {
		if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
			err = errno;
		if (err == EINPROGRESS || err == EALREADY)
			return;
		if (err) {
			call_fail(call, -err, "connect to %s: %s", k->peer, strerror(err));
			return;
		}
		k->state = C_ACTIVE;
		if (call->https) {
			err = start_tls(call);
			if (err) {
				call_fail(call, err, "tls setup: %s", strerror(-err));
				return;
			}
		}
	}
	if (k->state == C_ACTIVE && call->https && !k->tls) {
		err = start_tls(call);
		if (err) {
			call_fail(call, err, "tls setup: %s", strerror(-err));
			return;
		}
	}
	if (k->state == C_HANDSHAKE) {
		err = tls_handshake(k->tls);
		if (err == TLS_WANT_READ || err == TLS_WANT_WRITE) {
			ev_io_mod(c->loop, k->fd, err == TLS_WANT_READ ? EV_READ : EV_WRITE);
			return;
		}
		if (err) {
			call_fail(call, err, "%s (%s)", tls_errmsg(k->tls), k->peer);
			return;
		}
		k->state = C_ACTIVE;
	}
	while (call->phase == P_SEND) {
		n = sockio_write(k->fd, k->tls, call->out.data + call->out_off,
				 call->out.len - call->out_off);
		if (n == TLS_WANT_WRITE || n == TLS_WANT_READ) {
			want = n == TLS_WANT_WRITE ? EV_WRITE : EV_READ;
			ev_io_mod(c->loop, k->fd, want | EV_READ);
			break;
		}
		if (n < 0) {
			call_conn_lost(call, (int)n, k->tls ? tls_errmsg(k->tls) : strerror((int)-n));
			return;
		}
		call->out_off += (size_t)n;
		if (call->out_off == call->out.len) {
			call->phase = P_HEAD;
			ev_io_mod(c->loop, k->fd, EV_READ);
		}
	}
	for (int i = 0; i < MAX_READS_PER_EVENT || (k->tls && tls_pending(k->tls)); i++) {
		if (buf_reserve(&k->in, READ_CHUNK) != 0) {
			call_fail(call, -ENOMEM, "out of memory");
			return;
		}
		n = sockio_read(k->fd, k->tls, k->in.data + k->in.len, k->in.cap - k->in.len - 1);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE)
			break;
		if (n == 0) {
			if (call->phase == P_BODY && call->body.kind == HTTP_BODY_UNTIL_CLOSE) {
				call->body.done = true;
				call->keep_alive = false;
				call_finish(call, 0);
				return;
			}
			if (call->phase == P_BODY || call->got_bytes)
				call_fail(call, -ECONNRESET,
					  "%s closed the connection before the answer ended", k->peer);
			else
				call_conn_lost(call, -ECONNRESET, "connection closed before any answer");
			return;
		}
		if (n < 0) {
			const char *why = k->tls ? tls_errmsg(k->tls) : strerror((int)-n);
			if (call->got_bytes || call->phase == P_BODY)
				call_fail(call, (int)n, "%s (%s)", why, k->peer);
			else
				call_conn_lost(call, (int)n, why);
			return;
		}
		if (call->phase == P_SEND) {
			/* An answer before we finished sending (e.g. 413): take it. */
			call->phase = P_HEAD;
		}
		call->got_bytes = true;
		k->in.len += (size_t)n;
		k->in.data[k->in.len] = '\0';
		if (process_input(call) != 0)
			return;
	}
}

void hconn_io(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct hconn *k = arg;
	if (k->state == C_IDLE) {
		/* A pooled connection became readable: the server closed it or
		 * sent something unasked. Either way it is done. */
		hconn_close(k);
		return;
	}
	if (k->call)
		call_step(k->call);
}

/* ---- URL and request text ---- */

static bool header_text_ok(const char *s, bool name)
{
	if (!s || (name && !*s))
		return false;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\r' || ch == '\n' || ch == 0x7f || (name && (ch <= ' ' || ch == ':')))
			return false;
	}
	return true;
}

static int build_request(struct http_call *call, const struct http_client_request *req,
			 const char *path)
{
	struct buf *o = &call->out;
	bool v6 = strchr(call->host, ':') != NULL;
	bool default_port = call->port == (call->https ? 443 : 80);
	bool has_host = false;
	int rc = 0;

	for (size_t i = 0; i < req->num_headers; i++) {
		const struct http_kv *h = &req->headers[i];
		if (!header_text_ok(h->name, true) || !header_text_ok(h->value, false))
			return -EINVAL;
		/* framing is ours to write */
		if (strcasecmp(h->name, "Content-Length") == 0 ||
		    strcasecmp(h->name, "Transfer-Encoding") == 0)
			return -EINVAL;
		if (strcasecmp(h->name, "Host") == 0)
			has_host = true;
		if (strcasecmp(h->name, "Connection") == 0 &&
		    http_header_has_token(&(struct http_header){ .value = h->value,
				.value_len = strlen(h->value) }, "close"))
			call->no_reuse = true;
	}
	rc |= buf_appendf(o, "%s %s HTTP/1.1\r\n", req->method, path);
	if (!has_host) {
		rc |= buf_appendf(o, "Host: %s%s%s", v6 ? "[" : "", call->host, v6 ? "]" : "");
		if (!default_port)
			rc |= buf_appendf(o, ":%u", call->port);
		rc |= buf_append_str(o, "\r\n");
	}
	for (size_t i = 0; i < req->num_headers; i++)
		rc |= buf_appendf(o, "%s: %s\r\n", req->headers[i].name, req->headers[i].value);
	rc |= buf_appendf(o, "User-Agent: %s\r\n", call->client->user_agent);
	if (req->body_len || req->body || strcmp(req->method, "POST") == 0 ||
	    strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0)
		rc |= buf_appendf(o, "Content-Length: %zu\r\n", req->body_len);
	rc |= buf_append_str(o, "\r\n");
	if (req->body_len)
		rc |= buf_append(o, req->body, req->body_len);
	return rc ? -ENOMEM : 0;
}

/* ---- public ---- */

struct http_client *http_client_new(struct ev_loop *loop, const struct http_client_config *cfg)
{
	struct http_client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = loop;
	if (cfg)
		c->cfg = *cfg;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 30000;
	if (!c->cfg.max_idle_per_host)
		c->cfg.max_idle_per_host = 4;
	if (!c->cfg.idle_timeout_ms)
		c->cfg.idle_timeout_ms = 30000;
	if (!c->cfg.max_body)
		c->cfg.max_body = 8u << 20;
	if (!c->cfg.max_header_bytes)
		c->cfg.max_header_bytes = 16384;
	c->user_agent = strdup(c->cfg.user_agent ? c->cfg.user_agent : "etcd-mesos");
	if (!c->user_agent || !header_text_ok(c->user_agent, false)) {
		free(c->user_agent);
		free(c);
		return NULL;
	}
	c->cfg.user_agent = NULL;
	return c;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	while (c->calls) {
		struct http_call *call = c->calls;
		if (call->conn)
			hconn_close(call->conn);
		call->conn = NULL;
		call_free(call);
	}
	while (c->idle)
		hconn_close(c->idle);
	free(c->user_agent);
	free(c);
}

const char *http_client_errmsg(const struct http_client *c)
{
	return c->errmsg;
}

void http_client_get_stats(const struct http_client *c, struct http_client_stats *st)
{
	*st = c->stats;
}

int http_client_start(struct http_client *c, const struct http_client_request *req,
		      const struct http_client_cbs *cbs, void *arg, struct http_call **out)
{
	struct http_call *call;
	char *path = NULL;
	int rc;

	if (out)
		*out = NULL;
	c->errmsg[0] = '\0';
	if (!req || !req->method || !req->url || !cbs || !header_text_ok(req->method, true)) {
		snprintf(c->errmsg, sizeof c->errmsg, "http: request without method, URL or callbacks");
		return -EINVAL;
	}
	call = calloc(1, sizeof *call);
	if (!call)
		return -ENOMEM;
	call->client = c;
	call->cbs = *cbs;
	call->arg = arg;
	buf_init(&call->out);
	buf_init(&call->head_raw);
	buf_init(&call->body_buf);
	ev_timer_init(&call->deadline, deadline_expired, call);
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;
	c->stats.active++;

	if (asprintf(&call->what, "%s %s", req->method, req->url) < 0) {
		call->what = NULL;
		rc = -ENOMEM;
		goto fail;
	}
	{
		struct url u;
		char uerr[300];
		rc = url_parse(req->url, &u, uerr, sizeof uerr);
		if (rc != 0) {
			snprintf(c->errmsg, sizeof c->errmsg, "http: %s", uerr);
			goto fail;
		}
		call->https = u.tls;
		call->port = u.port;
		str_copy(call->host, u.host, sizeof call->host);
		for (char *h = call->host; *h; h++)
			if (*h >= 'A' && *h <= 'Z')
				*h = (char)(*h - 'A' + 'a');
		path = strdup(u.path);
		if (!path) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	{
		struct sockaddr_storage ss;
		socklen_t sl;
		if (sockio_parse_addr(call->host, call->port, &ss, &sl) != 0) {
			snprintf(c->errmsg, sizeof c->errmsg, "http: URL \"%s\": host \"%s\" "
				 "is not a numeric address; resolve names at configuration "
				 "time (http_resolve_blocking)", req->url, call->host);
			rc = -EINVAL;
			goto fail;
		}
	}
	if (call->https && !c->cfg.tls) {
		snprintf(c->errmsg, sizeof c->errmsg, "http: URL \"%s\": https needs a "
			 "TLS configuration (CA file)", req->url);
		rc = -EPROTONOSUPPORT;
		goto fail;
	}
	str_copy(call->sni, req->tls_server_name ? req->tls_server_name : call->host,
		 sizeof call->sni);
	snprintf(call->key, sizeof call->key, "%s://%s:%u/%s", call->https ? "https" : "http",
		 call->host, call->port, call->https ? call->sni : "");
	call->head_req = strcmp(req->method, "HEAD") == 0;
	call->stream = req->stream;
	call->idempotent = req->idempotent || is_idempotent(req->method);
	call->max_body = req->max_body ? req->max_body : c->cfg.max_body;
	rc = build_request(call, req, path);
	if (rc != 0) {
		snprintf(c->errmsg, sizeof c->errmsg, "http: %s: a header name or value "
			 "holds CR, LF or other control bytes, or names Content-Length or "
			 "Transfer-Encoding (the client writes those)", call->what);
		goto fail;
	}
	rc = ev_timer_start(c->loop, &call->deadline,
			    req->timeout_ms ? req->timeout_ms : c->cfg.timeout_ms, 0);
	if (rc != 0)
		goto fail;
	rc = call_attach(call, true);
	if (rc != 0) {
		snprintf(c->errmsg, sizeof c->errmsg, "http: %s: cannot connect: %s",
			 call->what, strerror(-rc));
		goto fail;
	}
	free(path);
	if (out)
		*out = call;
	/* Send now if we can: a pooled connection is writable at once. */
	if (call->conn->state == C_ACTIVE)
		ev_io_mod(c->loop, call->conn->fd, EV_WRITE);
	return 0;
fail:
	if (!c->errmsg[0])
		snprintf(c->errmsg, sizeof c->errmsg, "http: %s: %s",
			 call->what ? call->what : req->url, strerror(-rc));
	free(path);
	call_free(call);
	return rc;
}

void http_call_cancel(struct http_call *call)
{
	if (!call)
		return;
	if (call->in_cb) {
		call->cancelled = true;
		return;
	}
	if (call->conn)
		hconn_close(call->conn);
	call->conn = NULL;
	call_free(call);
}
