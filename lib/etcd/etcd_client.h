/*
 * etcd_client — asynchronous calls to etcd 3.4's v3 JSON gateway on the
 * event loop (lib/ev), over lib/net/http_client, with bodies and parsers
 * from etcd_json.h.
 *
 * A client holds a list of endpoints (client URLs, "http(s)://ip:port")
 * and one HTTP client (keep-alive pool, optional TLS with a client
 * certificate). Calls:
 *   cluster-wide, with failover: member list/add/promote/remove/update,
 *     kv put/range;
 *   one member, no failover: maintenance status, GET /health and GET
 *     /metrics (the health sampler asks every member separately), and any cluster-wide
 *     call when etcd_call_opts.endpoint pins it.
 *
 * Failover. A cluster-wide call starts at the endpoint that last answered
 * and tries each endpoint at most once, while its deadline lasts. It moves
 * on after a failure that says nothing about the cluster: no connection
 * (refused, unreachable), a timeout, an answer that is not etcd's (a 5xx
 * without etcd's JSON), "rpc not supported for learner", "no leader",
 * "leader changed", "request timed out". Any other etcd answer (success,
 * "unhealthy cluster", "too many learner members", "member not found",
 * ...) ends the call.
 *
 * Unsafe calls (member add, remove, promote, update; kv put) are never
 * sent twice (SAFETY.md §1). Only two failures move them on: no
 * connection (refused, unreachable: nothing was sent) and "rpc not
 * supported for learner" (refused before anything was proposed). A
 * refusal by one of etcd's checks before proposing ("unhealthy cluster",
 * "too many learner members", "member not found", "not in sync", "not
 * enough started members", "Peer URLs already exists", NOSPACE, a bad
 * request) ends the call with outcome known. Anything else once the
 * request may have reached etcd — a timeout, a reset, "request timed
 * out", "leader changed", "no leader" (a follower forwarding a promote
 * can say so after the leader applied it), a cancellation, a 5xx we
 * cannot place — ends the call with outcome_unknown set: the caller
 * re-lists the members and matches by peer URL
 * (etcd_members_find_peer_url) before deciding anything.
 *
 * Deadlines. Every call has one (opts->timeout_ms, else the client's
 * timeout_ms, default 5000). Each attempt gets at most attempt_timeout_ms
 * (default 2000) of it, so one stopped member cannot eat the whole
 * deadline of a call that may fail over. The call ends by the deadline,
 * give or take one loop iteration. Times come from ev_time_ms() (the
 * clock, not the loop's cached time), so a call started late in a long
 * iteration still gets its whole deadline.
 *
 * Completion. A call that starts (returns 0) ends with exactly one call
 * of its etcd_done_fn, unless it is cancelled first (etcd_call_cancel: no
 * callback for it runs afterwards). A call that fails synchronously
 * (negative return) never calls back. The callback runs from the event
 * loop, never from inside the function that started the call.
 *
 * Ownership. The client copies endpoints and strings from its config; a
 * borrowed tls_config (cfg->tls) must outlive the client. The result and
 * the answer passed to the callback are valid during the call only; the
 * callback may take the heap parts of the answer (members, range, put) by
 * copying the struct and zeroing the original, otherwise they are freed
 * when it returns.
 *
 * Re-entrancy. Callbacks may start calls and cancel any call, including
 * their own (a no-op then). etcd_client_free must not run inside a
 * callback of the same client; it cancels every call without callbacks.
 *
 * Errors. Synchronous returns: 0, -EINVAL (bad argument or endpoint,
 * with etcd_client_errmsg saying which), -EPROTONOSUPPORT (https without
 * TLS), -ENOMEM. In results: err is 0 or
 *   -EREMOTEIO  etcd answered with an error: res->etcd has its gRPC code,
 *               kind and message, res->http_status the HTTP status;
 *   -ETIMEDOUT  the deadline passed (res->etcd may hold the last etcd
 *               error seen, e.g. "etcdserver: request timed out");
 *   -ECONNREFUSED, -ECONNRESET, -ENETUNREACH, ... transport failures;
 *   -EPROTO     an answer that is not what the gateway sends;
 *   -ENOMEM.
 * res->errmsg is one line naming the call, the endpoint and the cause,
 * with etcd's own text when etcd said something.
 *
 * Member ids are uint64 (often >= 2^63) and never pass through a double.
 */
#ifndef EM_ETCD_ETCD_CLIENT_H
#define EM_ETCD_ETCD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etcd/etcd_json.h"
#include "etcd/etcd_metrics.h"
#include "ev/ev.h"
#include "net/tls.h"

#define ETCD_CLIENT_MAX_ENDPOINTS 16
#define ETCD_ERRMSG_LEN 512

struct etcd_client;
struct etcd_call;

struct etcd_client_config {
	const char *const *endpoints;  /* client URLs; at least one */
	size_t n_endpoints;
	/* TLS for https endpoints: either a borrowed config ... */
	struct tls_config *tls;
	/* ... or files from which the client makes (and owns) one. */
	const char *ca_file;           /* NULL: the system CA bundle */
	const char *cert_file;         /* client certificate (PEM), optional */
	const char *key_file;          /* its key */
	const char *tls_server_name;   /* name to verify when URLs hold addresses */
	uint64_t timeout_ms;           /* call deadline; 0 = 5000 */
	uint64_t attempt_timeout_ms;   /* per endpoint; 0 = 2000 */
};

enum etcd_op {
	ETCD_OP_MEMBER_LIST = 0,
	ETCD_OP_MEMBER_ADD,
	ETCD_OP_MEMBER_PROMOTE,
	ETCD_OP_MEMBER_REMOVE,
	ETCD_OP_MEMBER_UPDATE,
	ETCD_OP_STATUS,
	ETCD_OP_HEALTH,
	ETCD_OP_PUT,
	ETCD_OP_RANGE,
	ETCD_OP_MOVE_LEADER,
	ETCD_OP_PEERS,                 /* GET /metrics: the member's view of its peers */
};

struct etcd_result {
	int err;                       /* 0 or a negative errno (see above) */
	bool outcome_unknown;          /* unsafe call: may or may not have applied */
	int http_status;               /* of the last answer; 0 if none */
	struct etcd_error etcd;        /* etcd's error; code -1 when none */
	const char *endpoint;          /* where the last attempt went */
	unsigned attempts;             /* endpoints tried */
	uint64_t elapsed_ms;
	char errmsg[ETCD_ERRMSG_LEN];  /* one line when err != 0, else "" */
};

/* The parsed answer, by op: members for the member calls, status, healthy,
 * put, range. Only the op's field is set; the others are zeroed. */
struct etcd_answer {
	enum etcd_op op;
	struct etcd_members members;
	struct etcd_status status;
	bool healthy;                  /* ETCD_OP_HEALTH: {"health":"true"} */
	struct etcd_put put;
	struct etcd_range range;
	struct etcd_peers peers;       /* ETCD_OP_PEERS (etcd_metrics.h) */
};

typedef void (*etcd_done_fn)(struct etcd_call *call, const struct etcd_result *res,
			     struct etcd_answer *ans, void *arg);

/* Per-call options; NULL means all defaults. */
struct etcd_call_opts {
	uint64_t timeout_ms;           /* 0: the client's */
	const char *endpoint;          /* pin to this URL (no failover); NULL: the list */
};

/* On failure err (if non-NULL) holds one line naming the endpoint or file
 * and the reason. */
int etcd_client_new(struct ev_loop *loop, const struct etcd_client_config *cfg,
		    struct etcd_client **out, char *err, size_t errlen);
/* Cancels every call (no callbacks) and frees the client. Accepts NULL. */
void etcd_client_free(struct etcd_client *c);
/* The reason of the last synchronous failure of a start function. */
const char *etcd_client_errmsg(const struct etcd_client *c);
/* The loop the client runs on. */
struct ev_loop *etcd_client_loop(const struct etcd_client *c);
/* The endpoint a cluster-wide call tries first (the last that answered). */
const char *etcd_client_preferred(const struct etcd_client *c);

/* Every start function: 0 and *out (if non-NULL) the handle, valid until
 * the callback returns or etcd_call_cancel; or a negative errno and no
 * callback. */
int etcd_client_member_list(struct etcd_client *c, const struct etcd_call_opts *o,
			    etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_member_add(struct etcd_client *c, const char *const *peer_urls,
			   size_t n, bool learner, const struct etcd_call_opts *o,
			   etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_member_promote(struct etcd_client *c, uint64_t id,
			       const struct etcd_call_opts *o,
			       etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_member_remove(struct etcd_client *c, uint64_t id,
			      const struct etcd_call_opts *o,
			      etcd_done_fn fn, void *arg, struct etcd_call **out);
/* Never on a learner (PROTOCOLS.md H.5: 3.4.23 drops its learner flag). */
int etcd_client_member_update(struct etcd_client *c, uint64_t id,
			      const char *const *peer_urls, size_t n,
			      const struct etcd_call_opts *o,
			      etcd_done_fn fn, void *arg, struct etcd_call **out);
/* maintenance/status and GET /health of one member (endpoint need not be
 * in the client's list). */
int etcd_client_status(struct etcd_client *c, const char *endpoint,
		       const struct etcd_call_opts *o,
		       etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_health(struct etcd_client *c, const char *endpoint,
		       const struct etcd_call_opts *o,
		       etcd_done_fn fn, void *arg, struct etcd_call **out);
/* maintenance/transfer-leadership to target (a started voter). Only the
 * leader does it: pin o->endpoint to the leader's client URL. Unsafe (never
 * resent); its answer carries nothing but success. */
int etcd_client_move_leader(struct etcd_client *c, uint64_t target,
			    const struct etcd_call_opts *o,
			    etcd_done_fn fn, void *arg, struct etcd_call **out);
/* GET /metrics of one member: what it says of its peers (etcd_metrics.h). */
int etcd_client_peers(struct etcd_client *c, const char *endpoint,
		      const struct etcd_call_opts *o,
		      etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_put(struct etcd_client *c, const void *key, size_t key_len,
		    const void *value, size_t value_len, const struct etcd_call_opts *o,
		    etcd_done_fn fn, void *arg, struct etcd_call **out);
int etcd_client_range(struct etcd_client *c, const struct etcd_range_req *r,
		      const struct etcd_call_opts *o,
		      etcd_done_fn fn, void *arg, struct etcd_call **out);

/* No callback for this call runs after this returns. Inside the call's
 * own callback it does nothing (the call ends when the callback returns).
 * Accepts NULL. */
void etcd_call_cancel(struct etcd_call *call);

/* True for unsafe ops (never resent after a possible send). */
bool etcd_op_unsafe(enum etcd_op op);
/* "member list", "member add", ... */
const char *etcd_op_name(enum etcd_op op);

#endif
