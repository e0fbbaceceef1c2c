/*
 * exec_session_int.h — private to exec_session.c (the subscription) and
 * exec_updates.c (status updates and messages): the session struct and
 * what they share. Not for other modules.
 */
#ifndef EM_MESOS_EXEC_SESSION_INT_H
#define EM_MESOS_EXEC_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "mesos/backoff.h"
#include "mesos/event_reader.h"
#include "mesos/exec_call.h"
#include "mesos/exec_session.h"
#include "net/http_client.h"
#include "net/tls.h"

#define CT_PROTOBUF "application/x-protobuf"
#define MAX_ERR_BODY 4096

typedef Mesos__V1__Executor__Event Event;
typedef Mesos__V1__Executor__Call__Update Update;

enum exec_state {
	ST_STOPPED,      /* not started, or lost for good */
	ST_WAIT,         /* retry timer running */
	ST_CONNECTING,   /* SUBSCRIBE sent */
	ST_STREAM,       /* 200 received */
};

struct upd {
	struct upd *next;
	Update *u;
	bool posted;     /* the agent has it (202, or carried by a SUBSCRIBE) */
	bool carried;    /* in the SUBSCRIBE now in flight */
	bool acked;      /* acknowledged while its POST was in flight */
};

struct task {
	struct task *next;
	Mesos__V1__TaskInfo *t;
};

struct msg {
	struct msg *prev, *next;
	struct exec_session *s;
	struct http_call *call;
};

struct exec_session {
	struct ev_loop *loop;
	struct exec_session_cbs cbs;
	void *arg;
	char *framework_id, *executor_id;
	struct url url;
	char url_text[URL_MAX_HOST + URL_MAX_PATH + 16];
	char auth[8192];                  /* "Bearer ..." or "" (never logged) */
	bool checkpoint;
	uint64_t recovery_ms, backoff_max_ms;
	uint64_t subscribe_timeout_ms, call_timeout_ms;

	struct http_client *http;
	struct tls_config *tls;

	enum exec_state state;
	bool subscribed;
	struct http_call *sub;
	int sub_status;
	struct buf err_body;
	struct mesos_event_reader reader;
	bool reader_on;
	uint64_t stream_gen;
	uint64_t lost_since_ms;           /* 0 while subscribed */
	struct ev_timer retry_timer;
	struct backoff backoff;

	struct upd *upds;                 /* in the order given */
	struct upd *inflight;             /* the one UPDATE being posted */
	struct http_call *upd_call;
	struct ev_timer upd_timer;
	struct backoff upd_backoff;
	struct task *tasks;
	struct msg msgs;                  /* list head */

	unsigned depth;
	bool freed;
};

/* Runs an owner callback; false when the owner freed s meanwhile. */
#define NOTIFY(s, call) ((s)->depth++, (call), (s)->depth--, !(s)->freed)

void exec_upd_free(struct upd *u);                 /* NULL ok */
/* Posts the first update the agent does not have yet, if none is in
 * flight and the session is subscribed. */
void exec_updates_pump(struct exec_session *s);
void exec_updates_on_timer(struct ev_loop *loop, void *arg);
/* Cancels the UPDATE and MESSAGE calls in flight (no callbacks). */
void exec_updates_drop(struct exec_session *s);

#endif
