/*
 * http_server — an HTTP/1.1 server on the event loop (lib/ev), plain or
 * TLS, with a route table, keep-alive and pipelining, and three ways to
 * answer: a whole body, a file streamed from disk in pieces, or a
 * chunked stream that stays open (event streams).
 *
 * Listening: on every address by default (one IPv6 socket with
 * IPV6_V6ONLY=0, so IPv4 clients arrive as mapped addresses; IPv4 alone
 * if the host has no IPv6), or on bind_host (numeric).
 *
 * Routes: method + path, exact or prefix (the longest prefix wins; exact
 * beats prefix). A route's method NULL matches every method. HEAD is
 * served by the GET route with the body left out. The query string is
 * not part of the path. Automatic answers (connection closed after the
 * error ones): 400 malformed request, 401 missing/bad credentials,
 * 404 no route, 405 with Allow when the path has routes for other
 * methods, 408 header deadline passed, 413 body over max_body, 414 URI
 * over max_uri, 431 header block or count over the limits, 501
 * Transfer-Encoding other than chunked, 505 a version other than
 * HTTP/1.0 and 1.1.
 *
 * Request bodies: Content-Length or chunked, both accepted and decoded
 * up to limits.max_body (413 beyond it); no 411 is ever sent (a request
 * without either has no body). "Expect: 100-continue" is answered with
 * 100 when a body is to be read. The whole body is read before the
 * handler runs.
 *
 * Authentication per route: with bearer_token set, "Authorization:
 * Bearer <token>" must match; with basic_user set, "Authorization: Basic"
 * must match user and password; with both, either one works. Compared in
 * constant time (ct_streq). Failure: 401 with WWW-Authenticate.
 *
 * Pipelining: requests on one connection are handled strictly in order;
 * the next one is parsed only after the previous answer has been queued
 * completely (a streaming answer blocks the connection until it ends).
 *
 * Limits: max_conns connections (accepting pauses at the cap),
 * header_timeout_ms from the first byte of a request (or the
 * connection's start) to the end of its headers, idle_timeout_ms for a
 * keep-alive connection with nothing to do and for a client that stops
 * reading or sending mid-request. Streaming answers have no idle limit,
 * but a stream whose unsent backlog passes max_stream_backlog is closed
 * (a consumer that stopped reading).
 *
 * Ownership and lifetime: struct http_req belongs to the server. A
 * handler answers at once or later (after other I/O), exactly once, with
 * http_respond*, http_respond_file or http_stream_begin. Until then the
 * request stays valid; if the connection dies first, the on_abort
 * callback set with http_req_on_abort runs (once) and the request is
 * gone after it returns. After the answer is complete (http_respond*,
 * http_respond_file, http_stream_end) the request pointer must not be
 * used again. http_server_free closes everything; pending requests get
 * on_abort.
 *
 * SIGPIPE: http_server_new sets SIGPIPE to SIG_IGN if it still has its
 * default disposition, because sendfile(2) cannot be told MSG_NOSIGNAL.
 *
 * Callbacks may call any function here except http_server_free on the
 * same server. Errors: 0 or a negative errno (-EINVAL, -ENOMEM,
 * -EADDRINUSE and other bind/listen errors, -EPIPE when the connection
 * is gone, -EALREADY answering twice).
 */
#ifndef EM_NET_HTTP_SERVER_H
#define EM_NET_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ev/ev.h"
#include "net/http_parse.h"
#include "net/tls.h"

struct http_server;
struct http_req;

struct http_server_config {
	const char *bind_host;        /* numeric address; NULL = all addresses */
	uint16_t port;                /* 0 = any free port (http_server_port) */
	struct tls_config *tls;       /* server config: serve HTTPS; caller keeps it */
	size_t max_conns;             /* 0 = 1024 */
	uint64_t idle_timeout_ms;     /* 0 = 60000 */
	uint64_t header_timeout_ms;   /* 0 = 10000 */
	size_t max_stream_backlog;    /* 0 = 8 MiB */
	struct http_limits limits;    /* zeros = http_limits_default() */
	const char *name;             /* for log lines; NULL = "http" */
};

typedef void (*http_handler_fn)(struct http_req *req, void *arg);

struct http_route {
	const char *method;           /* "GET"; NULL = any */
	const char *path;             /* "/stats", or "/static/" with prefix */
	bool prefix;
	http_handler_fn fn;
	void *arg;
	const char *bearer_token;     /* NULL = none (copied) */
	const char *basic_user;       /* NULL = none (copied, with basic_pass) */
	const char *basic_pass;
	/* Refuse with 403 a request that says it comes from another site:
	 * "Sec-Fetch-Site: cross-site", or an Origin whose host[:port] is not
	 * the Host header (or "Origin: null"). For mutating routes a browser
	 * could be tricked into calling (SAFETY.md section 7). */
	bool same_origin;
};

int http_server_new(struct http_server **out, struct ev_loop *loop,
		    const struct http_server_config *cfg);
void http_server_free(struct http_server *s);
int http_server_add_route(struct http_server *s, const struct http_route *r);
/* The bound port (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);

struct http_server_stats {
	size_t conns;                 /* open now */
	uint64_t accepted;
	uint64_t requests;
	uint64_t rejected;            /* automatic 4xx/5xx answers */
};
void http_server_get_stats(const struct http_server *s, struct http_server_stats *st);

/* ---- the request (valid until answered, see above) ---- */

const char *http_req_method(const struct http_req *r);  /* NUL-terminated */
const char *http_req_path(const struct http_req *r);    /* without query */
const char *http_req_query(const struct http_req *r);   /* after '?', or "" */
/* Percent-decoded value of a query parameter ('+' is a space) into out.
 * Returns its length, -ENOENT if absent, -ENOSPC if out is too small,
 * -EINVAL if badly encoded. A parameter without '=' has value "". */
int http_req_query_get(const struct http_req *r, const char *name, char *out, size_t outlen);
/* Header value (not NUL-terminated) or NULL; *len gets its length. */
const char *http_req_header(const struct http_req *r, const char *name, size_t *len);
const char *http_req_body(const struct http_req *r, size_t *len); /* NUL-terminated */
const char *http_req_peer(const struct http_req *r);    /* "1.2.3.4:5678" */
bool http_req_is_tls(const struct http_req *r);

typedef void (*http_abort_fn)(struct http_req *req, void *arg);
void http_req_on_abort(struct http_req *r, http_abort_fn fn, void *arg);

/* ---- answers ---- */

/* Extra headers: NULL, or "Name: value\r\n" lines (validated: -EINVAL). */
int http_respond(struct http_req *r, int status, const char *content_type,
		 const void *body, size_t len);
int http_respond_h(struct http_req *r, int status, const char *content_type,
		   const char *extra_headers, const void *body, size_t len);
/* Streams len bytes of fd from offset 0 in pieces (sendfile on plain
 * connections). The server takes fd and closes it (even on failure),
 * except fd < 0: -EBADF, nothing answered. */
int http_respond_file(struct http_req *r, int status, const char *content_type,
		      int fd, uint64_t len);
/* Chunked answer that stays open: write pieces, then end. write returns
 * -EPIPE once the connection is gone (on_abort has run or will run). */
int http_stream_begin(struct http_req *r, int status, const char *content_type,
		      const char *extra_headers);
int http_stream_write(struct http_req *r, const void *data, size_t len);
int http_stream_end(struct http_req *r);
/* Unsent bytes queued on the connection (for producers that pace). */
size_t http_req_backlog(const struct http_req *r);

#endif
