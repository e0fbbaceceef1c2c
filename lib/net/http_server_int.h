/*
 * http_server_int — the structures shared by http_server.c (listening,
 * connections, parsing), http_route.c (routes, auth, request accessors)
 * and http_answer.c (building answers).
 * Private to lib/net.
 */
#ifndef EM_NET_HTTP_SERVER_INT_H
#define EM_NET_HTTP_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "net/http_server.h"

enum req_state {
	R_NONE,        /* no request: reading headers */
	R_BODY,        /* reading the request body */
	R_WAIT,        /* handler called, no answer yet */
	R_STREAM,      /* chunked answer open */
	R_FILE,        /* file answer being sent */
	R_DONE,        /* answer queued completely */
};

struct sconn;

struct http_req {
	struct sconn *conn;
	enum req_state state;
	struct http_request parsed;     /* header slices into head */
	struct buf head;                /* copy of the header block */
	struct buf meta;                /* method\0path\0query\0 */
	size_t path_off, query_off;
	struct http_body body_framing;
	struct buf body;
	bool head_only;                 /* HEAD: no body bytes */
	bool keep_alive;
	bool chunked_out;               /* stream uses chunked framing */
	int minor;
	const struct route *route;
	http_abort_fn abort_fn;
	void *abort_arg;
};

enum timer_kind { T_NONE, T_HEADER, T_IDLE };

struct sconn {
	struct http_server *srv;
	struct sconn *next, *prev;
	int fd;
	struct tls *tls;
	bool handshaking;
	bool dead;                      /* closing: answers are dropped */
	bool close_after;               /* close once out is flushed */
	bool read_paused;
	bool eof;                       /* the client half-closed */
	bool in_process;                /* inside conn_process */
	bool deferred;                  /* a conn_deferred call is queued */
	unsigned mask;                  /* current ev interest */
	char peer[64];
	struct buf in;
	struct buf out;
	size_t out_off;
	int file_fd;
	uint64_t file_off, file_len;
	enum timer_kind tkind;
	uint64_t header_start, last_progress;
	struct ev_timer timer;
	struct http_req req;
};

struct route {
	struct route *next;
	char *method;                   /* NULL = any */
	char *path;
	size_t path_len;
	bool prefix;
	http_handler_fn fn;
	void *arg;
	char *bearer;
	char *basic_user, *basic_pass;
	bool same_origin;
};

struct http_server {
	struct ev_loop *loop;
	struct http_server_config cfg;
	int lfd;
	uint16_t port;
	bool accept_paused;
	struct route *routes;
	struct sconn *conns;
	struct http_server_stats stats;
	char name[32];
};

/* http_server.c */
void sconn_kick(struct sconn *k);               /* flush + go on, from the loop */
void sconn_request_done(struct sconn *k);
void sconn_fail(struct sconn *k);               /* mark dead; closed from the loop */
void sconn_try_flush(struct sconn *k);
/* After an answer call from user code: flush now, fix the interest. */
void sconn_after_answer(struct sconn *k);

/* http_route.c */
bool route_known_method(const char *m, size_t n);
/* Best route for method+path; with none, allow gets the methods the path
 * has (for 405), or "" when it has none (404). */
const struct route *route_find(struct http_server *s, const char *m, const char *path,
			       char *allow, size_t allowlen);
bool route_auth_ok(const struct route *rt, const struct http_req *r);
bool route_origin_ok(const struct route *rt, const struct http_req *r);
void route_free_all(struct route *rt);

/* http_answer.c */
int answer_error(struct sconn *k, int status, const char *extra);

#endif
