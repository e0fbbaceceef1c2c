/*
 * zk_store — the scheduler's persistent state in ZooKeeper (SAFETY.md §1,
 * §2, §3, §6, §9), on a zk_session, with an in-memory mirror.
 *
 * LAYOUT (layout version 1). <base> is the path of -zk-framework-persist
 * (usually the session's chroot, "/"); several frameworks can share it.
 *
 *   <base>/<framework-name>/             the framework directory (root)
 *       format                 "1": the layout version, plain text. A
 *                              store refuses to load a newer one
 *                              (-ENOTSUP); written once at bootstrap.
 *       framework_id           the Mesos FrameworkID, plain text. Written
 *                              once after the first SUBSCRIBED; deleted
 *                              only by zk_store_forget_framework_id()
 *                              (Mesos said "Framework has been removed",
 *                              or teardown; SAFETY.md §3).
 *       leader/n_NNNNNNNNNN    election nodes (lib/zk/zk_election.h),
 *                              ephemeral sequential; data = admin URL.
 *                              The lowest leads.
 *       tasks/<task id>        one registry record per member, JSON
 *                              (lib/cluster/registry_record.h).
 *       next_member            the next n for a member name etcd-<n>,
 *                              decimal text; incremented with CAS, never
 *                              handed out twice. Starts at "1".
 *       reseed/<reseed id>     one reseed's steps (SAFETY.md §4), a JSON
 *                              object whose content belongs to the
 *                              reseed code; stored as given.
 *       teardown               tombstone (SAFETY.md §8): present = the
 *                              framework was torn down; data = a reason.
 *       original_moved         the move from the original etcd-mesos is
 *                              done (SAFETY.md §9); data = a note. Written
 *                              in the multi that deletes the original's
 *                              nodes; never read back by the load.
 *   <base>/<framework-name>_framework_id   } the original etcd-mesos's
 *   <base>/<framework-name>_reconciliation } nodes (SAFETY.md §9): read,
 *                              reported, never written here; deleted only
 *                              by zk_store_finish_original(). The first is
 *                              the id as plain text, the second a JSON
 *                              object task id -> agent id.
 *
 * VERSIONING. "format" changes only when an older binary would misread
 * the layout; a compatible addition (a new node, a new optional record
 * field) keeps it. Records carry their own "v" (registry_record.h).
 *
 * FENCING (SAFETY.md §2). Every write is one multi whose first op checks
 * that the writer's fence node exists: the own election node (set with
 * zk_store_set_election) or, for tools that hold no election, an
 * ephemeral node the caller owns (zk_store_set_fence_node). A deposed
 * leader's late write then fails with -ESTALE and changes nothing.
 * Without a fence, or while the election says "not leader", a write is
 * refused at once with -EPERM. Only zk_store_load's bootstrap (format,
 * the directories, next_member) writes without a fence, and only nodes
 * that are missing.
 *
 * MIRROR. zk_store_load() reads everything (bootstrapping a fresh
 * layout) and, on success only, replaces the mirror. Each write updates
 * the mirror only after ZooKeeper confirmed it, just before its
 * completion runs: acknowledge a Mesos update from that completion.
 * Writes are idempotent so a write of unknown outcome (ZooKeeper lost
 * the connection: -ECONNRESET/-ETIMEDOUT, see zk_rc_errno) can simply be
 * repeated: put_* are upserts (create, or set when the node exists),
 * delete_* succeed when the node is already gone, put_framework_id
 * succeeds when the same id is stored. Pointers returned by the mirror
 * accessors stay valid until the next completion of this store runs or
 * the next zk_store_load/zk_store_free.
 *
 * CONCURRENCY. One load at a time, and no write while a load runs (and
 * no load while writes are in flight): -EBUSY. Any number of writes may
 * be in flight; they complete in the order ZooKeeper answers. Writes
 * need a loaded store (-EAGAIN otherwise).
 *
 * COMPLETIONS. Every asynchronous function returns 0 (its completion
 * runs exactly once, from the loop) or a negative errno (it never runs).
 * A completion gets rc 0 or a negative errno and, on failure, err: one
 * line naming the node and the fix (valid during the call). Codes:
 *   -EINVAL   bad argument (a record that does not validate, a bad id)
 *   -ENOMEM
 *   -EPERM    no fence, or the election says this process does not lead
 *   -ESTALE   the fence node is gone: not the leader any more
 *   -EBUSY    a load is running / writes are in flight (see above)
 *   -EAGAIN   the store was never loaded
 *   -ENOTSUP  the layout (format) is newer than this binary
 *   -EPROTO   a node holds something unreadable (err names it)
 *   -EEXIST   put_framework_id with an id other than the stored one
 *   -ENOTCONN, -ECONNRESET, -ETIMEDOUT, -EACCES... : ZooKeeper codes
 *             through zk_rc_errno(), except that a code that would read
 *             as -ESTALE or -EEXIST (ZBADVERSION...) is -EPROTO here.
 * Functions and completions may call any function here, zk_store_free
 * included. After zk_store_free no completion of this store runs.
 *
 * OWNERSHIP. The store keeps pointers to the session and election (both
 * must outlive it, or the election be cleared first) and copies all
 * strings. It logs one line when it creates a fresh layout and a
 * warning when the original's nodes cannot be read; nothing else.
 */
#ifndef EM_ZK_ZK_STORE_H
#define EM_ZK_ZK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/registry_record.h"
#include "zk/zk_election.h"
#include "zk/zk_session.h"

#define ZK_STORE_FORMAT 1
#define ZK_STORE_NAME_MAX 200

struct zk_store;

struct zk_store_config {
	const char *base;            /* chroot-relative, "/" (or NULL) = chroot */
	const char *framework_name;  /* no '/', no control character, not "." */
};

/* -EINVAL (err says which), -ENOMEM. */
int zk_store_new(struct zk_session *s, const struct zk_store_config *cfg,
		 struct zk_store **out, char *err, size_t errlen);
/* Drops calls in flight (their completions never run). Accepts NULL. */
void zk_store_free(struct zk_store *st);

/* "<base>/<framework-name>": the election's root. */
const char *zk_store_root(const struct zk_store *st);

/* The fence for writes: an election (NULL clears), or a node the caller
 * owns (NULL clears; -EINVAL bad path, -ENOMEM). Setting one clears the
 * other. */
void zk_store_set_election(struct zk_store *st, struct zk_election *e);
int zk_store_set_fence_node(struct zk_store *st, const char *path);

typedef void (*zk_store_done_fn)(struct zk_store *st, int rc, const char *err, void *arg);

/* Bootstraps missing parts of the layout (unfenced creates only), checks
 * the format, then reads framework_id, teardown, next_member, every
 * task and reseed record, and the original's two nodes. A task record
 * that does not decode, or whose task_id differs from its node name,
 * fails the load (-EPROTO): nothing is skipped silently. */
int zk_store_load(struct zk_store *st, zk_store_done_fn done, void *arg);
bool zk_store_loaded(const struct zk_store *st);
/* True when the last load created the format node (a fresh layout). */
bool zk_store_fresh(const struct zk_store *st);

/* ---- the mirror ---- */

const char *zk_store_framework_id(const struct zk_store *st);   /* NULL: none */
bool zk_store_teardown_marked(const struct zk_store *st);
/* The n the next zk_store_next_member call will most likely hand out. */
uint64_t zk_store_next_member_peek(const struct zk_store *st);

size_t zk_store_task_count(const struct zk_store *st);
/* In task id order. */
const struct registry_record *zk_store_task_at(const struct zk_store *st, size_t i);
const struct registry_record *zk_store_task_find(const struct zk_store *st,
						 const char *task_id);

size_t zk_store_reseed_count(const struct zk_store *st);
/* In id order; *json is NUL-terminated and *len bytes long. */
const char *zk_store_reseed_at(const struct zk_store *st, size_t i, const char **json,
			       size_t *len);
const char *zk_store_reseed_find(const struct zk_store *st, const char *id, size_t *len);

/* What the original etcd-mesos left (SAFETY.md §9), read by the load. */
struct zk_store_original_task {
	char *task_id;
	char *agent_id;
};

struct zk_store_original {
	bool framework_id_found;
	char framework_id[TASK_ID_MAX + 1];
	bool reconciliation_found;
	struct zk_store_original_task *tasks;  /* in task id order */
	size_t n_tasks;
	char error[256];   /* "" or why a node could not be read (the load
			    * still succeeds; act on nothing then) */
};

const struct zk_store_original *zk_store_original(const struct zk_store *st);

/* ---- fenced writes ---- */

/* Upserts tasks/<rec->task_id>. */
int zk_store_put_task(struct zk_store *st, const struct registry_record *rec,
		      zk_store_done_fn done, void *arg);
int zk_store_delete_task(struct zk_store *st, const char *task_id,
			 zk_store_done_fn done, void *arg);

/* Creates framework_id; the same id again is fine, another is -EEXIST.
 * id must be a valid Mesos id. */
int zk_store_put_framework_id(struct zk_store *st, const char *id,
			      zk_store_done_fn done, void *arg);
/* Deletes framework_id: only for "Framework has been removed" or
 * teardown (SAFETY.md §3). */
int zk_store_forget_framework_id(struct zk_store *st, zk_store_done_fn done, void *arg);

/* Hands out the next member number (1, 2, ...): a CAS increment of
 * next_member in a fenced multi, retried on a concurrent change (at most
 * 64 times, then -EAGAIN). n is valid when rc is 0. If the outcome is
 * unknown (connection loss) the number may be used up: call again. */
typedef void (*zk_store_number_fn)(struct zk_store *st, int rc, uint64_t n,
				   const char *err, void *arg);
int zk_store_next_member(struct zk_store *st, zk_store_number_fn done, void *arg);

/* Upserts reseed/<id>; id: ident_is_token; json: one JSON object. */
int zk_store_put_reseed(struct zk_store *st, const char *id, const void *json, size_t len,
			zk_store_done_fn done, void *arg);
int zk_store_delete_reseed(struct zk_store *st, const char *id,
			   zk_store_done_fn done, void *arg);

/* Creates the teardown tombstone (already there: fine). */
int zk_store_mark_teardown(struct zk_store *st, const char *reason,
			   zk_store_done_fn done, void *arg);

/* Deletes the framework's state in one fenced multi: every task and
 * reseed record and framework_id (as the mirror knows them). Keeps
 * format, leader/, next_member and the tombstone, so a standby sees the
 * teardown instead of starting afresh. Only after zk_store_mark_teardown
 * (-EPERM otherwise); -EPROTO when a node was already gone (load, purge
 * again). */
int zk_store_purge(struct zk_store *st, zk_store_done_fn done, void *arg);

/* The move from the original etcd-mesos is done (SAFETY.md section 9):
 * one fenced multi creates <root>/original_moved (data: note) and deletes
 * the original's two nodes (those the mirror knows). Succeeds when the
 * marker already exists (an earlier multi committed). -EINVAL (note over
 * 4096 bytes), -EPROTO when a node to delete is already gone (reload). */
int zk_store_finish_original(struct zk_store *st, const char *note,
			     zk_store_done_fn done, void *arg);

/* ---- from outside the election (ctl, standbys) ---- */

/* The current leader's admin URL: done gets ZOK and the URL, ZNONODE
 * when nobody leads, or another ZooKeeper code. Read-only. The small
 * request context is freed when done runs; free the session only after
 * that. -EINVAL, -ENOMEM, or what zk_election_leader returns. */
typedef void (*zk_store_leader_fn)(int rc, const char *admin_url, void *arg);
int zk_store_leader_url(struct zk_session *s, const char *base, const char *framework_name,
			zk_store_leader_fn done, void *arg);

#endif
