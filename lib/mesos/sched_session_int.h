/*
 * sched_session_int.h — private to sched_session.c (the subscription) and
 * sched_calls.c (the calls on other connections): the session struct and
 * the few functions they share. Not for other modules.
 */
#ifndef EM_MESOS_SCHED_SESSION_INT_H
#define EM_MESOS_SCHED_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "mesos/backoff.h"
#include "mesos/event_reader.h"
#include "mesos/master_detect.h"
#include "mesos/master_list.h"
#include "mesos/name_lookup.h"
#include "mesos/sched_session.h"
#include "net/http_client.h"
#include "net/tls.h"
#include "zk/zk_session.h"

#define CT_PROTOBUF "application/x-protobuf"
#define MAX_ERR_BODY 4096

enum sched_state {
	ST_STOPPED,      /* nothing happens until sched_session_start */
	ST_WAIT,         /* retry timer running, or waiting for a ZooKeeper leader */
	ST_CONNECTING,   /* SUBSCRIBE sent, no answer head yet */
	ST_STREAM,       /* 200 received, waiting for SUBSCRIBED */
	ST_SUBSCRIBED,
};

struct pending {
	struct pending *prev, *next;
	struct sched_session *s;
	struct http_call *call;
	int type;
	sched_call_done_fn done;
	void *arg;
};

struct sched_session {
	struct ev_loop *loop;
	struct sched_session_cbs cbs;
	void *arg;
	struct sched_session_config cfg;   /* strings point into owned copies */
	char **owned;                      /* strdup'ed config strings */
	size_t n_owned;
	char **roles;
	int *caps;

	struct http_client *http;
	struct tls_config *tls;
	char auth[1024];                   /* "Basic ..." or "" (never logged) */

	struct master_list masters;
	size_t cur;                        /* list: next master to try */
	struct zk_session *zk;
	struct master_detect *detect;
	bool have_leader;
	struct url leader;
	char leader_name[URL_MAX_HOST];    /* its TLS name (MasterInfo hostname) */

	struct url target;                 /* where the next SUBSCRIBE goes */
	char target_name[URL_MAX_HOST];    /* its TLS name */
	bool have_target;                  /* a redirect (or leader) chose it */
	struct name_lookup *lookup;        /* resolving a redirect's host name */
	struct url lookup_url;             /* the redirect target being resolved */
	char lookup_name[URL_MAX_HOST];
	unsigned redirects;                /* in a row */

	enum sched_state state;
	struct http_call *sub;
	int sub_status;
	char *sub_location;
	struct buf err_body;
	struct mesos_event_reader reader;
	bool reader_on;
	uint64_t stream_gen;               /* bumped whenever the stream is dropped */
	struct url stream_url;             /* the master that streams to us */
	char stream_name[URL_MAX_HOST];
	char stream_text[URL_MAX_HOST + 32];
	char stream_id[256];
	char *framework_id;
	double heartbeat_s;
	struct ev_timer retry_timer;
	struct ev_timer watchdog;
	struct backoff backoff;

	struct pending calls;              /* list head */
	struct sched_session_stats stats;

	unsigned depth;                    /* owner callbacks running */
	bool freed;
};

/* Runs an owner callback; false when the owner freed s meanwhile. */

#define NOTIFY(s, call) ((s)->depth++, (call), (s)->depth--, !(s)->freed)

/* sched_session.c, shared with sched_session_events.c: */
/* Drops the stream, tells the owner; false if the owner freed s. */
bool sched_session_lose_stream(struct sched_session *s, const char *reason);
void sched_session_schedule_retry(struct sched_session *s, bool next_master);
/* Stops the subscription and the stream (no callback). */
void sched_session_stop_all(struct sched_session *s);

/* sched_session_events.c: */
void sched_session_arm_watchdog(struct sched_session *s);
void sched_session_on_watchdog(struct ev_loop *loop, void *arg);
/* The event reader's callback: 0 go on, 1 stop reading, <0 error. */
int sched_session_on_event(const ProtobufCMessage *m, void *arg);

/* Subscribed: a stream id and a framework id to put in calls. */
bool sched_session_ready(const struct sched_session *s);
/* Completes every call in flight with err (leader change); false if the
 * owner freed s in a completion. */
bool sched_calls_abort(struct sched_session *s, int err);
/* Cancels every call in flight without callbacks (free). */
void sched_calls_drop(struct sched_session *s);

#endif
