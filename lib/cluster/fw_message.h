/*
 * fw_message — framework messages between scheduler and executor
 * (Mesos MESSAGE events, both directions), SAFETY.md §4 and §5.
 *
 * Wire form: one JSON object with "v" (1) and "op". Requests go from the
 * scheduler to the executor; answers come back with "answer": true and
 * name the op, reseed id and request id they answer:
 *
 *   {"v":1,"op":"fence","reseed_id":"r-7","id":"q12"}
 *   {"v":1,"op":"fence","answer":true,"reseed_id":"r-7","id":"q12",
 *    "fenced":true,"has_data":true,"from":"etcd","member_id":"1156...",
 *    "raft_index":"4711","raft_term":"9","applied_index":"4711"}
 *   {"v":1,"op":"force","reseed_id":"r-7"}
 *   {"v":1,"op":"force","answer":true,"reseed_id":"r-7",
 *    "state":"starting"|"healthy"|"failed","message":"..."}
 *   {"v":1,"op":"status"}
 *   {"v":1,"op":"status","answer":true,"member_id":"...","raft_index":"...",
 *    "raft_term":"...","applied_index":"...","learner":false,"state":"running"}
 *   {"v":1,"op":"snapshot"}
 *   {"v":1,"op":"snapshot","answer":true,"path":"snapshots/etcd-3.db",
 *    "size":"20480","revision":"812"}
 *   {"v":1,"op":"snapshot","answer":true,"error":"etcdctl exited with 1"}
 *
 * fence and force carry a reseed id, in both directions (required);
 * status and snapshot may carry one. "id" is an optional request id the
 * answer echoes. An answer with "error" says the op could not be done and
 * carries no payload. 64-bit numbers are decimal strings (json_read.h).
 *
 * The fence answer's "from" says where the raft numbers come from: "etcd"
 * (asked just before the kill), "last-sample" (etcd did not answer; the
 * executor's last sample), or "none" (nothing known: the member cannot be
 * ranked). "has_data" is false when the data directory holds no member.
 *
 * Every op is idempotent on the executor's side (a repeated force for the
 * same reseed id does not restart etcd again); this module only carries
 * the words.
 *
 * Compatibility: unknown fields are ignored; an unknown "op" is refused
 * with a message naming it; a higher major "v" is refused with
 * FW_TOO_NEW_FOR_EXECUTOR (decoding a request) or FW_TOO_NEW_FOR_SCHEDULER
 * (decoding an answer).
 *
 * Storage: fixed-size fields, no heap, no finish call. Pure functions.
 */
#ifndef EM_CLUSTER_FW_MESSAGE_H
#define EM_CLUSTER_FW_MESSAGE_H

#include "cluster/ident.h"
#include "cluster/member_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct jr;
struct cJSON;

#define FW_MESSAGE_V 1
#define FW_MESSAGE_MAX_BYTES (16 * 1024)
#define FW_TEXT_MAX 512   /* "message" and "error", with the NUL */
#define FW_TOO_NEW_FOR_EXECUTOR MEMBER_CONFIG_TOO_NEW
#define FW_TOO_NEW_FOR_SCHEDULER \
	"scheduler too old for this executor: upgrade the scheduler"

enum fw_op { FW_OP_FENCE = 0, FW_OP_FORCE, FW_OP_STATUS, FW_OP_SNAPSHOT };
#define FW_OP_COUNT 4

enum fw_kind { FW_REQUEST = 0, FW_ANSWER };

enum fw_fence_from { FW_FROM_NONE = 0, FW_FROM_ETCD, FW_FROM_LAST_SAMPLE };

enum fw_force_state { FW_FORCE_STARTING = 0, FW_FORCE_HEALTHY, FW_FORCE_FAILED };

/* What the executor's etcd is doing. */
enum member_run_state {
	MEMBER_RUN_STARTING = 0,  /* spawned, not serving its client port yet */
	MEMBER_RUN_RUNNING,       /* serving */
	MEMBER_RUN_RESTARTING,    /* exited; restarting in place after a backoff */
	MEMBER_RUN_FENCED,        /* killed by a fence; data kept, task running */
	MEMBER_RUN_FORCING,       /* restarting with --force-new-cluster */
	MEMBER_RUN_STOPPING,      /* kill or shutdown in progress */
};
#define MEMBER_RUN_COUNT 6

/* A member as its executor sees it; 0 = not known. */
struct member_report {
	uint64_t member_id;
	uint64_t raft_index;
	uint64_t raft_term;
	uint64_t applied_index;
	bool learner;
	enum member_run_state state;
};

struct fw_fence_answer {
	bool fenced;
	bool has_data;
	enum fw_fence_from from;
	uint64_t member_id;
	uint64_t raft_index;     /* on the wire unless from is FW_FROM_NONE */
	uint64_t raft_term;      /* likewise */
	uint64_t applied_index;
};

struct fw_force_answer {
	enum fw_force_state state;
	char message[FW_TEXT_MAX];
};

struct fw_snapshot_answer {
	char path[IDENT_PATH_MAX + 1];
	uint64_t size;
	uint64_t revision;
};

struct fw_message {
	enum fw_kind kind;
	enum fw_op op;
	char reseed_id[IDENT_TOKEN_MAX + 1];   /* "" = none */
	char id[IDENT_TOKEN_MAX + 1];          /* "" = none */
	/* Answers only. */
	char error[FW_TEXT_MAX];               /* non-empty: failed, no payload */
	struct fw_fence_answer fence;
	struct fw_force_answer force;
	struct member_report status;
	struct fw_snapshot_answer snapshot;
};

const char *fw_op_name(enum fw_op op);            /* "fence", ...; "?" */
const char *member_run_state_name(enum member_run_state s);
const char *fw_force_state_name(enum fw_force_state s);
const char *fw_fence_from_name(enum fw_fence_from f);

/* Zeroes m and sets a request. reseed_id may be NULL. */
void fw_request_init(struct fw_message *m, enum fw_op op, const char *reseed_id);
/* Zeroes ans and sets it up to answer req (op, reseed id and id copied). */
void fw_answer_init(struct fw_message *ans, const struct fw_message *req);

/* Checks the rules above. 0 or -EINVAL (err). */
int fw_message_validate(const struct fw_message *m, char *err, size_t errlen);

/* Validates, then appends the JSON. 0, -EINVAL (err) or -ENOMEM. */
int fw_message_encode(const struct fw_message *m, struct buf *out,
		      char *err, size_t errlen);

/* Decodes len bytes (not NUL-terminated); expect says which direction
 * this side receives (the executor FW_REQUEST, the scheduler FW_ANSWER)
 * and a message of the other kind is refused. Returns 0, -EINVAL /
 * -E2BIG (err names the field and value), -ENOTSUP (err is exactly the
 * matching FW_TOO_NEW_* text) or -ENOMEM. */
int fw_message_decode(struct fw_message *m, enum fw_kind expect,
		      const void *data, size_t len, char *err, size_t errlen);

/* For status_data.c: the member report and answer fields in an existing
 * object. Same return conventions as json_read.h (0 or negative). */
int member_report_put(struct cJSON *obj, const struct member_report *r);
int member_report_get(struct jr *r, const struct cJSON *obj,
		      struct member_report *out);
int fw_message_put(struct cJSON *obj, const struct fw_message *m);
int fw_message_get(struct jr *r, const struct cJSON *obj, enum fw_kind expect,
		   struct fw_message *m);
int fw_message_check(struct jr *r, const struct fw_message *m);

#endif
