/*
 * http_client_int — the structures of the HTTP client, shared by
 * http_client.c (requests) and http_pool.c (connections and the
 * keep-alive pool). Private to lib/net.
 */
#ifndef EM_NET_HTTP_CLIENT_INT_H
#define EM_NET_HTTP_CLIENT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "net/http_client.h"

enum conn_state { C_CONNECTING, C_HANDSHAKE, C_ACTIVE, C_IDLE };
enum call_phase { P_SEND, P_HEAD, P_BODY, P_DONE };

struct hconn {
	struct http_client *client;
	struct hconn *next, *prev;      /* pool list (idle only) */
	int fd;
	struct tls *tls;
	enum conn_state state;
	char key[300];
	char peer[64];                  /* "1.2.3.4:80" for messages */
	struct buf in;
	struct http_call *call;
	struct ev_timer idle_timer;
};

struct http_call {
	struct http_client *client;
	struct http_call *next, *prev;  /* client's list of calls */
	struct hconn *conn;
	struct http_client_cbs cbs;
	void *arg;

	char *what;                     /* "GET http://..." for messages */
	char key[300];
	char host[256];                 /* host as in the URL, no brackets */
	char sni[256];
	uint16_t port;
	bool https, head_req, stream, idempotent;
	bool retried, got_bytes, cancelled, in_cb, keep_alive, have_head;
	bool no_reuse;                  /* the caller sent Connection: close */
	uint64_t max_body;

	struct buf out;
	size_t out_off;
	enum call_phase phase;
	struct buf head_raw;            /* copy of the answer's header block */
	struct http_response resp;
	struct http_body body;
	struct buf body_buf;
	char *location;
	struct ev_timer deadline;
	char errmsg[512];
};

struct http_client {
	struct ev_loop *loop;
	struct http_client_config cfg;
	char *user_agent;
	struct hconn *idle;             /* pooled connections */
	struct http_call *calls;        /* calls in flight */
	struct http_client_stats stats;
	char errmsg[512];
};

/* http_pool.c */
/* Opens a non-blocking connection for call's host and port (registered
 * for EV_WRITE with hconn_io). */
int hconn_open(struct http_call *call, struct hconn **out);
void hconn_close(struct hconn *k);
/* Back to the pool if reusable and there is room, else closed. */
void hconn_release(struct hconn *k, bool reusable);
/* An idle connection for key, taken out of the pool, or NULL. */
struct hconn *hconn_pool_take(struct http_client *c, const char *key);

/* http_client.c */
void hconn_io(struct ev_loop *loop, int fd, unsigned events, void *arg);

#endif
