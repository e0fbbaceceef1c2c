/*
 * admin — the scheduler's admin HTTP API on -admin-port (DESIGN.md; the
 * original etcd-mesos' /stats, /membership, /reseed plus ours).
 *
 * Routes, added to an http_server the caller made (lib/net):
 *   GET  /stats        counters under the original's names, "healthy" as
 *                      1 or 0, plus state, reason, leader, reseeding,
 *                      framework_id, is_leader, uptime_seconds
 *   GET  /membership   the members as a JSON list (the original's names
 *   GET  /members      rpcPort, slaveID... and ours peerPort, agentID...)
 *   GET  /healthz      200 {"healthy":true} when healthy, else 500 with
 *                      state and reason (and recovery after a total loss)
 *   GET  /metrics      Prometheus text exposition format 0.0.4
 *   GET  /             a self-contained HTML status page
 *   GET|POST /reseed   start a reseed; ?dry_run=1 shows the plan only
 *   POST /teardown     tear the framework down (SAFETY.md section 8)
 *   POST /fresh-cluster?confirm=<framework name>
 *                      after a total loss only: start a fresh, empty cluster
 * /reseed, /teardown and /fresh-cluster are mutating (SAFETY.md section 7): with a token
 * configured they need "Authorization: Bearer <token>" (401 otherwise;
 * compared in constant time by the server), and a request carrying
 * "Sec-Fetch-Site: cross-site" or an Origin other than its Host is
 * refused with 403, dry runs included. A standby (snapshot's is_leader
 * false) serves every read and answers the mutating routes with 503
 * naming the leader's admin URL. The token never appears in an answer or
 * a log line.
 *
 * State: the module keeps none. For each request it asks the provider
 * for a fresh snapshot (admin_snapshot_fn) and renders it at once; the
 * snapshot and every string in it belong to the provider and need only
 * stay valid until the provider's caller (this module) returns, i.e.
 * during the one handler call. A provider returning NULL gets 503
 * ("state not available yet") on every route except /healthz (500).
 *
 * Actions: the reseed and teardown callbacks run inside the HTTP handler
 * and must answer synchronously (queue the real work on the loop). They
 * return 0 and may put a JSON object in res->body (the module sends and
 * frees it; res->status chooses the code, 0 = 200), or a negative errno
 * with one line in res->error: -EBUSY 409 (e.g. "a reseed is already
 * running"), -EAGAIN 503, -EINVAL 400, -ENOTSUP 501, anything else 500.
 * A NULL callback answers 501.
 *
 * Callbacks may call anything in this module except admin_free. Errors:
 * admin_new returns 0, -EINVAL (NULL server or provider, a token with a
 * CR/LF) or -ENOMEM.
 */
#ifndef EM_CMD_SCHEDULER_ADMIN_H
#define EM_CMD_SCHEDULER_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "net/http_server.h"

/* One member of the registry as the scheduler sees it. Strings may be
 * NULL (rendered as "" in JSON, left out of labels). */
struct admin_member {
	const char *name;
	const char *host;
	uint16_t peer_port;          /* etcd peer ("rpcPort" in the original) */
	uint16_t client_port;
	const char *agent_id;        /* Mesos agent ("slaveID" in the original) */
	const char *task_id;
	const char *state;           /* registry state word, e.g. "running" */
	const char *task_state;      /* last Mesos TaskState, e.g. "TASK_RUNNING" */
	bool learner;
	bool leader;                 /* etcd's leader */
	bool up;                     /* answered the last health sample */
	uint64_t raft_index;
	const char *client_url;
	int64_t last_seen_ms;        /* Unix time in ms of the last answer; 0 = never */
	bool foreign;                /* launched by the original etcd-mesos */
	const char *version;         /* a foreign member's etcd version, or NULL */
};

struct admin_snapshot {
	/* the original's counters */
	uint64_t running_servers;
	uint64_t launched_servers;
	uint64_t failed_servers;
	uint64_t cluster_livelocks;
	uint64_t cluster_reseeds;
	bool healthy;
	const char *state;           /* one word: "healthy", "degraded", ... */
	const char *reason;          /* one line, why */
	bool total_loss;             /* no member left (plan_total_loss) */
	const char *recovery;        /* total loss: the operator's steps, one line */
	uint64_t fresh_clusters;     /* fresh clusters started by an operator */
	const char *leader;          /* etcd leader member name, NULL = none */
	bool reseeding;
	const char *reseed_id;       /* when reseeding */
	const char *reseed_step;     /* when reseeding, e.g. "fence" */
	const char *framework_id;
	const char *framework_name;  /* -framework-name (/fresh-cluster's confirm) */
	const char *original;        /* the move from the original etcd-mesos:
				      * "found", "checking", "refused", "moving",
				      * "finishing", "gone"; NULL = none */
	const char *original_next;   /* one line: what was found, the next step */
	bool is_leader;              /* this scheduler holds the leader lock */
	const char *leader_admin_url; /* on a standby: the leader's admin URL */
	int64_t started_at_ms;       /* Unix time in ms the scheduler started */
	int64_t uptime_ms;
	const struct admin_member *members;
	size_t n_members;
};

/* What an action answers (see the header comment). */
struct admin_result {
	int status;                  /* 0 = 200 */
	cJSON *body;                 /* JSON object or NULL; the module frees it */
	char error[256];             /* on failure, one line */
};

typedef const struct admin_snapshot *(*admin_snapshot_fn)(void *arg);
typedef int (*admin_reseed_fn)(void *arg, bool dry_run, struct admin_result *res);
typedef int (*admin_teardown_fn)(void *arg, struct admin_result *res);
/* confirm: the ?confirm= value as sent ("" when absent). */
typedef int (*admin_fresh_fn)(void *arg, const char *confirm, struct admin_result *res);

struct admin_config {
	const char *token;           /* NULL or "" = mutating routes open (copied) */
	admin_snapshot_fn snapshot;  /* required */
	admin_reseed_fn reseed;
	admin_teardown_fn teardown;
	admin_fresh_fn fresh;        /* POST /fresh-cluster */
	void *arg;                   /* for every callback */
};

struct admin;

/* Adds the routes above to srv. srv must outlive the admin, or be freed
 * first (http_server_free, then admin_free). On failure routes added so
 * far stay on srv pointing at freed memory: free srv without serving. */
int admin_new(struct admin **out, struct http_server *srv, const struct admin_config *cfg);
void admin_free(struct admin *a);

/* Renderers, exposed for tests and for ctl: each appends to out and
 * returns 0 or -ENOMEM. */
struct buf;
int admin_render_stats(struct buf *out, const struct admin_snapshot *s);
int admin_render_members(struct buf *out, const struct admin_snapshot *s);
int admin_render_metrics(struct buf *out, const struct admin_snapshot *s);
int admin_render_html(struct buf *out, const struct admin_snapshot *s);

#endif
