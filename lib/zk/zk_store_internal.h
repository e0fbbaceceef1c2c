/*
 * zk_store_internal — what zk_store.c (mirror, fenced writes) and
 * zk_store_load.c (bootstrap, load, the original's nodes) share. Not for
 * use outside lib/zk.
 */
#ifndef EM_ZK_ZK_STORE_INTERNAL_H
#define EM_ZK_ZK_STORE_INTERNAL_H

#include "zk/zk_store.h"

#define ZS_PATH_MAX 1024

struct zs_reseed {
	char *id;
	char *json;
	size_t len;
};

/* Everything a load reads; swapped in whole when the load succeeds. */
struct zs_mirror {
	bool have_fwid;
	char fwid[TASK_ID_MAX + 1];
	bool teardown;
	bool fresh;
	uint64_t next_member;
	int next_member_version;
	struct registry_record *tasks;  /* sorted by task_id */
	size_t n_tasks, cap_tasks;
	struct zs_reseed *reseeds;      /* sorted by id */
	size_t n_reseeds, cap_reseeds;
	struct zk_store_original original;
};

struct zs_load;

/* One fenced write (zk_store_ops.c). */
enum zs_kind {
	ZS_PUT_TASK,
	ZS_DEL_TASK,
	ZS_PUT_FWID,
	ZS_DEL_FWID,
	ZS_NEXT,
	ZS_PUT_RESEED,
	ZS_DEL_RESEED,
	ZS_TEARDOWN,
	ZS_PURGE,
	ZS_ORIG_DONE,
};

struct zs_op {
	struct zs_op *prev, *next;
	struct zk_store *st;
	enum zs_kind kind;
	zk_store_done_fn done;
	zk_store_number_fn ndone;
	void *arg;
	char path[ZS_PATH_MAX];
	char key[TASK_ID_MAX + 1];
	struct registry_record rec;
	char *data;
	size_t len;
	bool create;          /* upserts: this attempt creates */
	uint64_t seq;         /* order of zs_op_start calls */
	bool waiting;         /* queued behind an earlier write of the same node */
	bool have_base;       /* ZS_PUT_TASK: the record the caller started from */
	struct registry_record base;
	int tries;
	uint64_t n;           /* ZS_NEXT: the number being taken */
	int version;          /* ZS_NEXT: next_member's version */
	char err[400];
};

struct zk_store {
	struct zk_session *s;
	char *root;        /* "<base>/<name>" */
	char *orig_fwid;   /* "<base>/<name>_framework_id" */
	char *orig_recon;  /* "<base>/<name>_reconciliation" */
	struct zk_election *election;
	char *fence_node;
	bool loaded;
	struct zs_mirror m;
	struct zs_op *ops;       /* writes in flight or waiting */
	uint64_t op_seq;
	struct zs_load *load;    /* the load in flight, or NULL */
};

void zs_mirror_finish(struct zs_mirror *m);
/* Insert or replace, keeping the order. -ENOMEM only. */
int zs_mirror_put_task(struct zs_mirror *m, const struct registry_record *rec);
void zs_mirror_delete_task(struct zs_mirror *m, const char *task_id);
/* Takes json (malloc'd, NUL-terminated) in every case. */
int zs_mirror_put_reseed(struct zs_mirror *m, const char *id, char *json, size_t len);
void zs_mirror_delete_reseed(struct zs_mirror *m, const char *id);

/* "<root>/<rel>" into out; -ENAMETOOLONG. */
int zs_path(const struct zk_store *st, const char *rel, char *out, size_t outlen);

/* "17" -> 17; false on anything else (no sign, no space but a final
 * newline, at most 19 digits). */
bool zs_parse_counter(const char *data, int len, uint64_t *out);

void zs_load_cancel(struct zk_store *st);

/* The write engine (zk_store_ops.c). zs_op_new checks that the store is
 * loaded and idle (-EAGAIN, -EBUSY) and makes an op for "<root>/<rel>";
 * zs_op_start sends its first attempt (on failure op is freed and
 * nothing runs); afterwards it ends with exactly one completion.
 * Writes of one node go out one at a time, in the order of their
 * zs_op_start: a later one waits until the earlier is confirmed or has
 * failed (else a retried create could land after a newer set, and a
 * record built from the mirror before the earlier landed would undo it).
 * A waiting task record is merged at its turn (registry_record_merge3:
 * what its caller changed, over what is stored then); if the record was
 * deleted meanwhile, the put ends with -ENOENT. */
struct zs_op *zs_op_new(struct zk_store *st, enum zs_kind kind, const char *rel, int *rc);
int zs_op_set_data(struct zs_op *op, const void *data, size_t len);
int zs_op_start(struct zs_op *op);
void zs_op_free(struct zs_op *op);

#endif
