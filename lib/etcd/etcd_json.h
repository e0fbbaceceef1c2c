/*
 * etcd_json — request bodies and response parsing for etcd 3.4's v3 JSON
 * gateway (PROTOCOLS.md H.1–H.3). Pure code: no I/O, no global state.
 *
 * Wire facts this module hides from its callers:
 *   - every int64/uint64 is a JSON string; ids (member, cluster) are uint64
 *     and often >= 2^63, so they are parsed with strtoull, never a double;
 *   - keys, values and range ends are standard padded base64;
 *   - zero/false/empty fields are left out, so an absent key reads as
 *     0 / false / "" / an empty list.
 *
 * Ownership:
 *   - Request builders append to a caller-owned struct buf (base/buf.h);
 *     on failure the buffer may hold a partial body: reset it before reuse.
 *   - struct etcd_members, struct etcd_range, struct etcd_put own heap
 *     memory after a successful parse; release it with their _finish()
 *     (which accepts NULL and a zeroed struct). On a failed parse the struct
 *     is left zeroed and owns nothing.
 *   - struct etcd_header, etcd_status, etcd_error, etcd_version are flat:
 *     copy them freely, nothing to free.
 *
 * Errors: every function returns 0 or a negative errno:
 *   -EINVAL  a bad argument from the caller (NULL, empty list, ...);
 *   -EPROTO  the body is not the JSON this endpoint returns (not JSON, a
 *            field of the wrong type, an id that is not a decimal uint64,
 *            bad base64);
 *   -ENOMEM  out of memory.
 * Parsers that take `err`/`errlen` write a one-line reason there on
 * -EPROTO (err may be NULL); it names the endpoint, the field and the value.
 *
 * Nothing here calls back; every call may run inside any callback.
 *
 * Files: etcd_json.c (members, status, errors), etcd_json_kv.c (kv,
 * /health, /version), json_get.{h,c} (shared field readers, internal).
 */
#ifndef EM_ETCD_ETCD_JSON_H
#define EM_ETCD_ETCD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Paths of the calls this module knows (POST, JSON body). */
#define ETCD_PATH_MEMBER_LIST    "/v3/cluster/member/list"
#define ETCD_PATH_MEMBER_ADD     "/v3/cluster/member/add"
#define ETCD_PATH_MEMBER_REMOVE  "/v3/cluster/member/remove"
#define ETCD_PATH_MEMBER_UPDATE  "/v3/cluster/member/update"
#define ETCD_PATH_MEMBER_PROMOTE "/v3/cluster/member/promote"
#define ETCD_PATH_STATUS         "/v3/maintenance/status"
#define ETCD_PATH_MOVE_LEADER    "/v3/maintenance/transfer-leadership"
#define ETCD_PATH_RANGE          "/v3/kv/range"
#define ETCD_PATH_PUT            "/v3/kv/put"
/* GET, no body. */
#define ETCD_PATH_HEALTH         "/health"
#define ETCD_PATH_VERSION        "/version"
/* The body of member/list and maintenance/status (no fields). */
#define ETCD_BODY_EMPTY          "{}"

/* ResponseHeader, present in (almost) every gateway response. */
struct etcd_header {
	uint64_t cluster_id;
	uint64_t member_id;      /* the member that answered */
	int64_t revision;
	uint64_t raft_term;
};

/* ---------------------------------------------------------------- members */

struct etcd_member {
	uint64_t id;
	char *name;              /* "" until the member has started; never NULL */
	char **peer_urls;        /* n_peer_urls strings */
	size_t n_peer_urls;
	char **client_urls;      /* empty until the member has started */
	size_t n_client_urls;
	bool is_learner;
};

/* The answer of member/list, /add, /remove, /update and /promote. */
struct etcd_members {
	struct etcd_header header;
	struct etcd_member *members;   /* in etcd's order */
	size_t n_members;
	bool has_added;                /* member/add: `added` is the new member */
	struct etcd_member added;
};

int etcd_members_parse(const char *body, size_t len, struct etcd_members *out,
		       char *err, size_t errlen);
void etcd_members_finish(struct etcd_members *m);

/* Lookups into a parsed list; NULL when absent. The pointer lives as long
 * as the list. find_peer_url compares whole URLs exactly (SAFETY.md 1:
 * after an add of unknown outcome, match by peer URL). */
const struct etcd_member *etcd_members_find_id(const struct etcd_members *m,
					       uint64_t id);
const struct etcd_member *etcd_members_find_peer_url(const struct etcd_members *m,
						     const char *url);
/* Voting members (not learners) in the list. */
size_t etcd_members_voters(const struct etcd_members *m);

/* Request bodies. peer_urls must hold n >= 1 non-empty strings. */
int etcd_req_member_add(struct buf *b, const char *const *peer_urls, size_t n,
			bool is_learner);
/* remove and promote: {"ID":"<decimal id>"}; id must not be 0. */
int etcd_req_member_id(struct buf *b, uint64_t id);
/* maintenance/transfer-leadership: {"targetID":"<decimal id>"}; not 0. */
int etcd_req_move_leader(struct buf *b, uint64_t target);
int etcd_req_member_update(struct buf *b, uint64_t id,
			   const char *const *peer_urls, size_t n);

/* ----------------------------------------------------------------- status */

#define ETCD_STATUS_MAX_ERRORS 4
#define ETCD_STATUS_ERROR_LEN 128

/* maintenance/status. `leader` 0 means the member knows no leader (etcd
 * then also puts "etcdserver: no leader" into errors). Alarm errors read
 * "memberID:<decimal id> alarm:NOSPACE " (seen on 3.4.23). */
struct etcd_status {
	struct etcd_header header;
	char version[32];
	int64_t db_size;
	int64_t db_size_in_use;
	uint64_t leader;
	uint64_t raft_index;
	uint64_t raft_term;
	uint64_t raft_applied_index;
	bool is_learner;
	unsigned n_errors;              /* entries in errors[] */
	bool errors_truncated;          /* more errors (or longer ones) than fit */
	char errors[ETCD_STATUS_MAX_ERRORS][ETCD_STATUS_ERROR_LEN];
};

int etcd_status_parse(const char *body, size_t len, struct etcd_status *out,
		      char *err, size_t errlen);

/* ----------------------------------------------------------------- errors */

/* gRPC status codes as the gateway reports them in "code". */
enum etcd_grpc_code {
	ETCD_GRPC_OK = 0, ETCD_GRPC_CANCELED = 1, ETCD_GRPC_UNKNOWN = 2,
	ETCD_GRPC_INVALID_ARGUMENT = 3, ETCD_GRPC_DEADLINE_EXCEEDED = 4,
	ETCD_GRPC_NOT_FOUND = 5, ETCD_GRPC_ALREADY_EXISTS = 6,
	ETCD_GRPC_PERMISSION_DENIED = 7, ETCD_GRPC_RESOURCE_EXHAUSTED = 8,
	ETCD_GRPC_FAILED_PRECONDITION = 9, ETCD_GRPC_ABORTED = 10,
	ETCD_GRPC_OUT_OF_RANGE = 11, ETCD_GRPC_UNIMPLEMENTED = 12,
	ETCD_GRPC_INTERNAL = 13, ETCD_GRPC_UNAVAILABLE = 14,
	ETCD_GRPC_DATA_LOSS = 15, ETCD_GRPC_UNAUTHENTICATED = 16,
};

/* What an error means to a caller that changes membership. The gRPC code
 * alone does not tell (code 9 is both "not caught up, retry" and "not a
 * learner, never retry"), so this is decided from the message text, which
 * is stable across 3.4 releases. */
enum etcd_err_kind {
	ETCD_ERR_OTHER = 0,
	ETCD_ERR_MEMBER_NOT_FOUND,     /* 404/5: remove or promote of an unknown id */
	ETCD_ERR_LEARNER_NOT_READY,    /* 412/9: learner not in sync yet; retry */
	ETCD_ERR_NOT_LEARNER,          /* 412/9: promote of a voter */
	ETCD_ERR_TOO_MANY_LEARNERS,    /* a second learner */
	ETCD_ERR_NOT_ENOUGH_STARTED,   /* 500/2: strict reconfig check */
	ETCD_ERR_UNHEALTHY_CLUSTER,    /* 503/14: a voter is not connected (or was
					* connected < 5 s ago); retry */
	ETCD_ERR_LEARNER_RPC,          /* 503/14: linearizable call sent to a learner */
	ETCD_ERR_TIMEOUT,              /* "request timed out", "context deadline
					* exceeded": no quorum or slow; retry */
	ETCD_ERR_LEADER_CHANGED,       /* retry */
	ETCD_ERR_NO_LEADER,            /* retry */
	ETCD_ERR_NO_SPACE,             /* 429/8: NOSPACE alarm, writes refused */
	ETCD_ERR_BAD_REQUEST,          /* 400/3: our body was wrong; never retry */
	ETCD_ERR_PEER_URL_EXISTS,      /* add/update with a peer URL already used */
};

struct etcd_error {
	int code;                      /* gRPC code; -1 when the body had none */
	enum etcd_err_kind kind;
	char message[256];             /* etcd's text (truncated to fit) */
};

/* Parses a non-2xx body {"error","message","code"}. A body that is not
 * such JSON (a proxy's HTML page, empty) is not an error of this call: it
 * yields code -1, kind OTHER and a message describing the body, and
 * returns 0 — the caller still has the HTTP status. Returns -EINVAL only
 * for NULL arguments. */
int etcd_error_parse(const char *body, size_t len, struct etcd_error *out);
/* Kind from a message text alone (also used by etcd_error_parse). */
enum etcd_err_kind etcd_err_kind_of(const char *message);
/* True when repeating the same request later may succeed: HTTP 503/504,
 * or a kind of LEARNER_NOT_READY, UNHEALTHY_CLUSTER, TIMEOUT,
 * LEADER_CHANGED, NO_LEADER. */
bool etcd_error_retryable(int http_status, const struct etcd_error *e);
/* "FailedPrecondition" etc.; "code <n>" style is not produced: unknown
 * values give "Unknown". */
const char *etcd_grpc_code_name(int code);
const char *etcd_err_kind_name(enum etcd_err_kind kind);

/* --------------------------------------------------------------------- kv */

struct etcd_kv {
	unsigned char *key;            /* decoded bytes, NUL-terminated past key_len */
	size_t key_len;
	unsigned char *value;          /* decoded bytes, NUL-terminated past value_len */
	size_t value_len;
	int64_t create_revision;
	int64_t mod_revision;
	int64_t version;
	int64_t lease;
};

struct etcd_range {
	struct etcd_header header;
	struct etcd_kv *kvs;
	size_t n_kvs;
	bool more;
	int64_t count;
};

struct etcd_put {
	struct etcd_header header;
	bool has_prev_kv;
	struct etcd_kv prev_kv;
};

int etcd_range_parse(const char *body, size_t len, struct etcd_range *out,
		     char *err, size_t errlen);
void etcd_range_finish(struct etcd_range *r);
int etcd_put_parse(const char *body, size_t len, struct etcd_put *out,
		   char *err, size_t errlen);
void etcd_put_finish(struct etcd_put *p);

struct etcd_range_req {
	const void *key;
	size_t key_len;                /* >= 1 */
	const void *range_end;         /* NULL: the single key */
	size_t range_end_len;
	int64_t limit;                 /* 0: no limit */
	bool serializable;             /* false = linearizable (needs quorum) */
	bool keys_only;
	bool count_only;
};

int etcd_req_range(struct buf *b, const struct etcd_range_req *r);
int etcd_req_put(struct buf *b, const void *key, size_t key_len,
		 const void *value, size_t value_len, bool prev_kv);

/* The range end that selects every key starting with prefix (etcd's
 * GetPrefixRangeEnd): trailing 0xff bytes dropped, the last byte
 * incremented; an empty or all-0xff prefix gives "\0" (every key from
 * `key` on). out needs n bytes (at least 1); *out_len gets the length. */
int etcd_prefix_range_end(const void *prefix, size_t n, void *out,
			  size_t outlen, size_t *out_len);

/* ------------------------------------------------------- /health, /version */

/* {"health":"true"} or {"health":"false"} (a string in 3.4; a JSON bool is
 * accepted too). The HTTP status (200/503) says the same thing. */
int etcd_health_parse(const char *body, size_t len, bool *healthy,
		      char *err, size_t errlen);

struct etcd_version {
	char server[32];               /* "3.4.23" */
	char cluster[32];              /* "3.4.0"; "not_decided" before the first
					* leader is elected */
};

int etcd_version_parse(const char *body, size_t len, struct etcd_version *out,
		       char *err, size_t errlen);

#endif
