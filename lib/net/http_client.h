/*
 * http_client — HTTP/1.1 requests on the event loop (lib/ev), plain or
 * TLS, with a keep-alive connection pool per scheme://host:port.
 *
 * A request is started with http_client_start() and ends with exactly
 * one on_done call, unless it is cancelled first (http_call_cancel: no
 * callback of any kind runs afterwards) or the start fails
 * synchronously (then no callback runs at all).
 *
 * Two ways to receive the body:
 *   buffered (default)  the whole body, NUL-terminated, in on_done; a body
 *                       over max_body fails the request with -EFBIG.
 *   stream              on_head with status and headers, then on_body for
 *                       every piece as it arrives, then on_done (err 0 at
 *                       the end of the body, else the error). For Mesos
 *                       event streams and other long-lived answers.
 *
 * Redirects are never followed: a 3xx is an answer like any other, with
 * reply->location set to the Location header (NULL if absent).
 *
 * Deadline: every request has one (timeout_ms, else the client's
 * default). It covers connecting, TLS, sending and the whole answer; for
 * stream requests it covers everything up to on_head, after which the
 * stream runs until it ends, fails or is cancelled (the caller watches
 * heartbeats). On expiry on_done gets -ETIMEDOUT.
 *
 * Hosts: numeric IPv4 ("10.0.0.1"), bracketed IPv6 ("[::1]") and
 * "localhost" (127.0.0.1). DNS would block the loop, so other names are
 * refused with -EINVAL: resolve them once at configuration time, before
 * the loop runs, with http_resolve_blocking() and put the address in the
 * URL. With TLS, pass the certificate's name in tls_server_name when the
 * URL holds an address.
 *
 * Pool: a connection goes back to the pool after a complete answer that
 * allows keep-alive; idle pooled connections are closed after
 * idle_timeout_ms or as soon as the server closes them. A request sent on
 * a reused connection that the server had just closed (EOF or reset
 * before any byte of the answer) is sent again once on a new connection
 * if it is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, or idempotent
 * set by the caller); otherwise it fails with -ECONNRESET.
 *
 * Callbacks may start new requests and cancel any request, including
 * their own. http_client_free must not be called from a callback of the
 * same client. Everything a callback receives is valid during the call
 * only.
 *
 * Errors (synchronous returns and reply->err): -EINVAL (bad URL, header
 * with CR/LF, unresolvable name), -EPROTONOSUPPORT (https without a TLS
 * config), -ENOMEM, -ECONNREFUSED/-ENETUNREACH/... (connect), -ETIMEDOUT,
 * -ECONNRESET (closed before the answer ended), -EPROTO (malformed answer,
 * TLS failure), -EFBIG (buffered body over max_body, header block too
 * large). reply->errmsg and http_client_errmsg() give one line naming
 * the request and the cause.
 */
#ifndef EM_NET_HTTP_CLIENT_H
#define EM_NET_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"
#include "net/http_parse.h"
#include "net/tls.h"

struct http_client;
struct http_call;

struct http_kv {
	const char *name;
	const char *value;
};

struct http_client_config {
	struct tls_config *tls;     /* for https:// URLs (caller keeps it alive) */
	uint64_t timeout_ms;        /* default deadline; 0 = 30000 */
	size_t max_idle_per_host;   /* 0 = 4 */
	uint64_t idle_timeout_ms;   /* pooled connection lifetime; 0 = 30000 */
	uint64_t max_body;          /* buffered body cap; 0 = 8 MiB */
	size_t max_header_bytes;    /* answer header block cap; 0 = 16384 */
	const char *user_agent;     /* NULL = "etcd-mesos" (copied) */
};

struct http_client_request {
	const char *method;         /* "GET", "POST", ... */
	const char *url;            /* http[s]://host[:port][/path][?query] */
	const struct http_kv *headers;  /* may override Host; Content-Length and
					 * Transfer-Encoding are refused (-EINVAL);
					 * "Connection: close" keeps it out of the pool */
	size_t num_headers;
	const void *body;           /* copied; Content-Length is added */
	size_t body_len;
	uint64_t timeout_ms;        /* 0 = the client's default */
	uint64_t max_body;          /* buffered only; 0 = the client's default */
	bool stream;
	bool idempotent;            /* safe to resend after a stale connection */
	const char *tls_server_name;/* name to verify/SNI; NULL = the URL's host */
};

struct http_reply {
	int err;                    /* 0 or a negative errno */
	const char *errmsg;         /* one line when err != 0, else NULL */
	int status;                 /* 0 if no answer head arrived */
	const struct http_header *headers;
	size_t num_headers;
	const char *location;       /* Location header, NUL-terminated, or NULL */
	const char *body;           /* buffered mode: NUL-terminated; else NULL */
	size_t body_len;
};

struct http_client_cbs {
	/* stream mode only: the answer's status and headers. */
	void (*on_head)(struct http_call *call, const struct http_reply *r, void *arg);
	/* stream mode only: decoded body bytes (chunk framing removed). */
	void (*on_body)(struct http_call *call, const char *data, size_t len, void *arg);
	/* always: the end. The call is freed when this returns. */
	void (*on_done)(struct http_call *call, const struct http_reply *r, void *arg);
};

struct http_client *http_client_new(struct ev_loop *loop, const struct http_client_config *cfg);
/* Cancels every request (no callbacks) and closes every connection. */
void http_client_free(struct http_client *c);

/* Starts a request. On success *out (if non-NULL) is the handle, valid
 * until on_done returns or http_call_cancel. cbs is copied. */
int http_client_start(struct http_client *c, const struct http_client_request *req,
		      const struct http_client_cbs *cbs, void *arg, struct http_call **out);
/* No callback for this call runs after this returns. Not for use after
 * (or inside) its on_done. */
void http_call_cancel(struct http_call *call);

/* The message of the last synchronous failure of http_client_start. */
const char *http_client_errmsg(const struct http_client *c);

/* Counters for tests and /metrics. */
struct http_client_stats {
	uint64_t connects;          /* TCP connections opened */
	uint64_t reused;            /* requests sent on a pooled connection */
	size_t idle;                /* connections in the pool now */
	size_t active;              /* requests in flight now */
};
void http_client_get_stats(const struct http_client *c, struct http_client_stats *st);

/* "Basic base64(user:pass)" into out. -ENOSPC if out is too small,
 * -EINVAL if user contains ':' (the server could not split it). */
int http_basic_auth(const char *user, const char *pass, char *out, size_t outlen);

/* Configuration time only (blocks on DNS): resolves host to a numeric
 * address text ("10.0.0.1" or "::1"), preferring IPv4. 0, -EINVAL or
 * -ENOENT (no address). */
int http_resolve_blocking(const char *host, char *out, size_t outlen);

#endif
