/*
 * sched_session — a framework's session with the Mesos master through the
 * v1 scheduler HTTP API (PROTOCOLS.md A, D, E, L), on the event loop.
 * Transport and protocol only: no scheduling policy lives here.
 *
 * Masters (-master): host[:port], a comma list (tried in turn), http(s)://
 * URLs, or zk://.../mesos (the leader is followed through ZooKeeper with
 * master_detect.h; a leader change drops the stream and every call in
 * flight, and re-subscribes to the new leader). Host names in -master are
 * resolved once, in sched_session_new (configuration time; it blocks on
 * DNS). A redirect naming a configured master uses its address; any other
 * name is resolved off the loop (name_lookup.h) before SUBSCRIBE goes
 * there.
 *
 * Subscribing: one POST of SUBSCRIBE (Content-Type and Accept exactly
 * application/x-protobuf, no Mesos-Stream-Id, Basic auth when a principal
 * and secret are set) whose 200 answer is the event stream. Its
 * Mesos-Stream-Id is sent on every later call; calls go, on other
 * connections, to the master that accepted the subscription.
 *   307           follow Location (//h:p/x, http(s)://h:p/x or a bare
 *                 h:p), keeping the scheme, re-sending SUBSCRIBE at once
 *                 (more than 5 redirects in a row: back off first);
 *   503, refused, reset, timeout, a stream that ends or goes silent for
 *                 heartbeat_misses x heartbeat interval: exponential
 *                 backoff with jitter (capped, ~15 s) then SUBSCRIBE again,
 *                 to the next master of a list, or the ZooKeeper leader;
 *   400/401/403 (and 405/406/415): logged with the master's body, then
 *                 on_error(SCHED_ERR_REFUSED) and the session stops.
 * On SUBSCRIBED the framework id is kept and re-sent (Call.framework_id ==
 * framework_info.id) on every re-subscription.
 *
 * Events go to the owner's callbacks (each may be NULL). An ERROR event
 * stops the session (the master closes the stream anyway) and is reported
 * as SCHED_ERR_REMOVED for "Framework has been removed" — the only answer
 * that allows forgetting the framework id (SAFETY.md §3) —,
 * SCHED_ERR_FAILED_OVER for "Framework failed over" (another instance took
 * over: stop acting as the leader), else SCHED_ERR_EVENT. A stopped
 * session does nothing until sched_session_start() is called again.
 * Inverse offers, operation status updates and unknown events are ignored.
 *
 * Calls: each returns 0 (the completion, if non-NULL, runs exactly once
 * with the HTTP outcome; 202 is success) or a negative errno and then
 * never calls it: -ENOTCONN (not subscribed: no stream id or framework id
 * yet), -EINVAL (bad arguments, e.g. ACKNOWLEDGE of an update without a
 * uuid), -ENOMEM, or what http_client_start refused. A call in flight
 * when the leader changes completes with err -ECONNABORTED.
 *
 * Ownership: sched_session_new copies the configuration (strings
 * included) and owns its HTTP client, TLS config and, for zk:// masters,
 * its own ZooKeeper session. Everything handed to a callback is valid
 * during the call only. Every function may be called from inside any
 * callback of this session, sched_session_free() included (the memory is
 * then released from a deferred call).
 */
#ifndef EM_MESOS_SCHED_SESSION_H
#define EM_MESOS_SCHED_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"
#include "mesos/sched_call.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

struct sched_session;

struct sched_session_config {
	struct ev_loop *loop;
	const char *master;              /* see above */
	struct sched_framework framework;/* framework.id: the stored id, or NULL */
	const char *secret;              /* with framework.principal: Basic auth */
	/* Scheme for host:port and zk:// masters. TLS verifies the name the
	 * master was given by (-master, a redirect), or for a ZooKeeper
	 * leader its MasterInfo hostname (else its address). */
	bool https;
	const char *ca_file;             /* CAs for https; NULL: the system's */
	const char *cert_file, *key_file;/* optional client certificate */
	uint64_t subscribe_timeout_ms;   /* until the SUBSCRIBE head; 0 = 30000 */
	uint64_t call_timeout_ms;        /* each call; 0 = 75000 */
	uint64_t backoff_initial_ms;     /* 0 = 500 */
	uint64_t backoff_max_ms;         /* 0 = 15000 */
	unsigned heartbeat_misses;       /* 0 = 5 */
	uint64_t max_event_bytes;        /* one event; 0 = 64 MiB */
	int zk_session_timeout_ms;       /* zk:// masters; 0 = 10000 */
};

enum sched_error_kind {
	SCHED_ERR_REFUSED,      /* SUBSCRIBE answered 4xx: status and body */
	SCHED_ERR_EVENT,        /* an ERROR event: message */
	SCHED_ERR_FAILED_OVER,  /* ERROR "Framework failed over" */
	SCHED_ERR_REMOVED,      /* ERROR "Framework has been removed" */
};

struct sched_error {
	enum sched_error_kind kind;
	int status;             /* REFUSED: the HTTP status */
	const char *message;    /* the ERROR text or the answer body */
};

struct sched_call_result {
	int type;               /* Mesos__V1__Scheduler__Call__Type */
	int err;                /* 0 when an answer came, else a negative errno */
	int status;             /* HTTP status (202 expected), 0 without answer */
	const char *body;       /* answer body ("" if none) */
};

typedef void (*sched_call_done_fn)(struct sched_session *s, const struct sched_call_result *r,
				   void *arg);

struct sched_session_cbs {
	/* First event of a (re)subscription; store sub->framework_id->value
	 * durably before acting on anything else. */
	void (*on_subscribed)(struct sched_session *s,
			      const Mesos__V1__Scheduler__Event__Subscribed *sub, void *arg);
	void (*on_offers)(struct sched_session *s, Mesos__V1__Offer *const *offers, size_t n,
			  void *arg);
	void (*on_rescind)(struct sched_session *s, const Mesos__V1__OfferID *offer_id, void *arg);
	/* ACKNOWLEDGE it (sched_acknowledge) when status->has_uuid. */
	void (*on_update)(struct sched_session *s, const Mesos__V1__TaskStatus *status, void *arg);
	void (*on_message)(struct sched_session *s, const Mesos__V1__Scheduler__Event__Message *m,
			   void *arg);
	void (*on_failure)(struct sched_session *s, const Mesos__V1__Scheduler__Event__Failure *f,
			   void *arg);
	void (*on_heartbeat)(struct sched_session *s, void *arg);
	void (*on_error)(struct sched_session *s, const struct sched_error *e, void *arg);
	/* The subscription is gone (stream lost, silent, or leader change):
	 * every offer is void. The session re-subscribes by itself. */
	void (*on_disconnected)(struct sched_session *s, const char *reason, void *arg);
};

/* Configuration time: parses cfg->master, resolves names, loads TLS
 * files, starts the ZooKeeper session for zk://. Does not subscribe yet.
 * -EINVAL (err: one line naming the value and the fix), -ENOMEM, or a
 * TLS/ZooKeeper error. */
int sched_session_new(const struct sched_session_config *cfg, const struct sched_session_cbs *cbs,
		      void *arg, struct sched_session **out, char *err, size_t errlen);
void sched_session_free(struct sched_session *s);   /* no callbacks; NULL ok */

/* Starts (or, after a stop or an error, restarts) subscribing. 0 or -ENOMEM. */
int sched_session_start(struct sched_session *s);
/* Drops the stream and stops reconnecting; calls in flight continue. */
void sched_session_stop(struct sched_session *s);

/* Replaces the framework id used on the next SUBSCRIBE; NULL or "" forgets
 * it (only after SCHED_ERR_REMOVED or a teardown, SAFETY.md §3). */
int sched_session_set_framework_id(struct sched_session *s, const char *id);
const char *sched_session_framework_id(const struct sched_session *s);  /* NULL if none */
const char *sched_session_stream_id(const struct sched_session *s);     /* NULL if none */
bool sched_session_subscribed(const struct sched_session *s);
/* "http://10.0.0.1:5050" of the master streaming to us, or NULL. */
const char *sched_session_master(const struct sched_session *s);

struct sched_session_stats {
	uint64_t subscribes;    /* SUBSCRIBE requests sent */
	uint64_t subscribed;    /* SUBSCRIBED events */
	uint64_t redirects;     /* 307s followed */
	uint64_t events;        /* events decoded */
	uint64_t heartbeats;
	uint64_t calls;         /* calls sent */
	uint64_t stream_losses; /* streams lost or dropped as silent */
};
void sched_session_get_stats(const struct sched_session *s, struct sched_session_stats *st);

/* ---- calls (A.9) ---- */
int sched_accept(struct sched_session *s, const char *const *offer_ids, size_t n_offers,
		 Mesos__V1__Offer__Operation *const *ops, size_t n_ops, double refuse_seconds,
		 sched_call_done_fn done, void *arg);
int sched_decline(struct sched_session *s, const char *const *offer_ids, size_t n_offers,
		  double refuse_seconds, sched_call_done_fn done, void *arg);
int sched_revive(struct sched_session *s, const char *const *roles, size_t n_roles,
		 sched_call_done_fn done, void *arg);
int sched_suppress(struct sched_session *s, const char *const *roles, size_t n_roles,
		   sched_call_done_fn done, void *arg);
int sched_kill(struct sched_session *s, const char *task_id, const char *agent_id,
	       sched_call_done_fn done, void *arg);
int sched_shutdown(struct sched_session *s, const char *executor_id, const char *agent_id,
		   sched_call_done_fn done, void *arg);
int sched_acknowledge(struct sched_session *s, const Mesos__V1__TaskStatus *status,
		      sched_call_done_fn done, void *arg);
int sched_reconcile(struct sched_session *s, const struct sched_reconcile_task *tasks, size_t n,
		    sched_call_done_fn done, void *arg);
int sched_message(struct sched_session *s, const char *agent_id, const char *executor_id,
		  const void *data, size_t len, sched_call_done_fn done, void *arg);
int sched_teardown(struct sched_session *s, sched_call_done_fn done, void *arg);

#endif
