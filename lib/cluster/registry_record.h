/*
 * registry_record — one member's registry record (SAFETY.md §1) as the
 * JSON kept in ZooKeeper at <framework>/tasks/<task id> (lib/zk/zk_store.h),
 * and back:
 *
 *   {"v":1,"name":"etcd-4","task_id":"etcd-4_10.0.0.5_31000_31001_k3x9q2",
 *    "agent_id":"a1b2-S3","host":"10.0.0.5","peer_port":31000,
 *    "client_port":31001,"state":"RUNNING","etcd_id":"1156789012345678901",
 *    "initial":false,"learner":true,"foreign":false,"never_ran":false,
 *    "task_state":"TASK_RUNNING","planned_ms":1764084000000,
 *    "updated_ms":1764084012345}
 *
 * - "v" is the record's major version (1). A higher major is refused with
 *   -ENOTSUP (REGISTRY_RECORD_TOO_NEW): a newer scheduler wrote it, and
 *   reading it half would lose what it means. Unknown fields are ignored.
 * - "state" is a registry state name (member_state_name(): PLANNED, ADDED,
 *   LAUNCHED, RUNNING, DEAD, REMOVED).
 * - "etcd_id" is the etcd member id as a decimal string (64 bits do not
 *   fit a JSON number); absent or "0" while not known.
 * - "task_state" is the last Mesos TaskState name seen ("TASK_RUNNING"),
 *   absent while none.
 * - "planned_ms" / "updated_ms": Unix time in milliseconds when the record
 *   was first written and last changed (the caller sets them).
 * - Required: v, name, task_id, agent_id, host, peer_port, client_port,
 *   state. The booleans default to false, the rest to 0 / "".
 *
 * Pure functions, fixed-size storage, no heap kept. Errors are one line
 * naming the field and the value (lib/cluster/json_read.h):
 *   registry record: field "peer_port": 0: must be a port number 1..65535
 */
#ifndef EM_CLUSTER_REGISTRY_RECORD_H
#define EM_CLUSTER_REGISTRY_RECORD_H

#include "cluster/ident.h"
#include "cluster/plan.h"
#include "cluster/task_id.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define REGISTRY_RECORD_V 1
#define REGISTRY_RECORD_MAX_BYTES (8 * 1024)
#define REGISTRY_TASK_STATE_MAX 31
#define REGISTRY_RECORD_TOO_NEW \
	"registry record written by a newer scheduler (record version above 1): " \
	"upgrade this scheduler"

struct registry_record {
	char name[IDENT_NAME_MAX + 1];        /* etcd-<n> (or the original's name) */
	char task_id[TASK_ID_MAX + 1];        /* Mesos task id; also the node name */
	char agent_id[TASK_ID_MAX + 1];       /* Mesos agent id */
	char host[IDENT_HOST_MAX + 1];
	uint16_t peer_port;
	uint16_t client_port;
	enum member_state state;
	uint64_t etcd_id;                     /* 0 = not known */
	bool initial;                         /* member of the bootstrap cluster */
	bool learner;                         /* added as a learner, not promoted */
	bool foreign;                         /* launched by the original etcd-mesos */
	bool never_ran;                       /* Mesos said its launch failed before
					       * the executor could start etcd (see
					       * sched_status.c): it never voted */
	char task_state[REGISTRY_TASK_STATE_MAX + 1];  /* "" or "TASK_..." */
	uint64_t planned_ms;
	uint64_t updated_ms;
};

/* Zeroes rec (state PLANNED). */
void registry_record_init(struct registry_record *rec);

/* Checks every field as the decoder would. 0 or -EINVAL (err). */
int registry_record_check(const struct registry_record *rec, char *err, size_t errlen);

/* Appends the JSON (no white space) to out. 0, -EINVAL (err: a field is
 * invalid; nothing appended) or -ENOMEM. */
int registry_record_encode(const struct registry_record *rec, struct buf *out,
			   char *err, size_t errlen);

/* Three-way merge of one record written twice at once: `mine` was built
 * from `base`; `current` is what is stored now (another write landed in
 * between). out gets current with every field that mine changed from
 * base; updated_ms is the later of the two. Pure; out may alias none of
 * the inputs. */
void registry_record_merge3(const struct registry_record *base,
			    const struct registry_record *mine,
			    const struct registry_record *current,
			    struct registry_record *out);

/* Parses len bytes (not NUL-terminated). 0, -EINVAL / -E2BIG (err),
 * -ENOTSUP (err is REGISTRY_RECORD_TOO_NEW) or -ENOMEM. On failure rec
 * is left initialised (registry_record_init). */
int registry_record_decode(struct registry_record *rec, const void *data, size_t len,
			   char *err, size_t errlen);

/* "TASK_RUNNING"-like: [A-Z_], 1..31 characters, starting with "TASK_". */
bool registry_task_state_valid(const char *s);

#endif
