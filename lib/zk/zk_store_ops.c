/* zk_store: the write engine. Every write is one op: a multi whose
 * first op checks the fence node, retried for upserts and the counter's
 * CAS, applied to the mirror only after ZooKeeper confirmed it. */
#include "zk/zk_store_internal.h"

#include "base/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRIES 64

void zs_op_free(struct zs_op *op)
{
	if (!op)
		return;
	free(op->data);
	free(op);
}

static void op_unlink(struct zs_op *op)
{
	struct zk_store *st = op->st;
	if (op->prev)
		op->prev->next = op->next;
	else if (st->ops == op)
		st->ops = op->next;
	if (op->next)
		op->next->prev = op->prev;
	op->prev = op->next = NULL;
}

static void op_release_next(struct zk_store *st, const char *path);

/* Ends op: the next write of its node goes out, op's completion runs,
 * then op is freed. */
static void op_finish(struct zs_op *op, int rc)
{
	struct zk_store *st = op->st;
	op_unlink(op);
	op_release_next(st, op->path);
	if (rc == 0)
		op->err[0] = '\0';
	if (op->ndone)
		op->ndone(st, rc, op->n, rc ? op->err : NULL, op->arg);
	else if (op->done)
		op->done(st, rc, rc ? op->err : NULL, op->arg);
	zs_op_free(op);
}

static int op_submit(struct zs_op *op);

/* -EPERM when there is no fence to add. */
static int add_fence(struct zk_store *st, struct zk_multi *m, char *err, size_t errlen)
{
	int rc;
	if (st->election) {
		rc = zk_election_fence(st->election, m);
		if (rc == -EPERM)
			snprintf(err, errlen, "%s: not the leader: a write needs leadership "
				 "(SAFETY.md §2)", st->root);
		return rc;
	}
	if (st->fence_node)
		return zk_multi_check(m, st->fence_node, -1);
	snprintf(err, errlen, "%s: no fence (election or fence node) set: writes refused",
		 st->root);
	return -EPERM;
}

static const char *fence_name(const struct zk_store *st)
{
	if (st->election && zk_election_node(st->election))
		return zk_election_node(st->election);
	return st->fence_node ? st->fence_node : "(none)";
}

/* Applies a confirmed write to the mirror. */
static int op_apply(struct zs_op *op)
{
	struct zs_mirror *m = &op->st->m;
	switch (op->kind) {
	case ZS_PUT_TASK:
		return zs_mirror_put_task(m, &op->rec);
	case ZS_DEL_TASK:
		zs_mirror_delete_task(m, op->key);
		return 0;
	case ZS_PUT_FWID:
		m->have_fwid = true;
		snprintf(m->fwid, sizeof(m->fwid), "%s", op->key);
		return 0;
	case ZS_DEL_FWID:
		m->have_fwid = false;
		m->fwid[0] = '\0';
		return 0;
	case ZS_NEXT:
		m->next_member = op->n + 1;
		m->next_member_version = op->version + 1;
		return 0;
	case ZS_PUT_RESEED: {
		char *copy = malloc(op->len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, op->data, op->len);
		copy[op->len] = '\0';
		return zs_mirror_put_reseed(m, op->key, copy, op->len);
	}
	case ZS_DEL_RESEED:
		zs_mirror_delete_reseed(m, op->key);
		return 0;
	case ZS_TEARDOWN:
		m->teardown = true;
		return 0;
	case ZS_PURGE:
		m->n_tasks = 0;
		while (m->n_reseeds)
			zs_mirror_delete_reseed(m, m->reseeds[m->n_reseeds - 1].id);
		m->have_fwid = false;
		m->fwid[0] = '\0';
		return 0;
	case ZS_ORIG_DONE:
		m->original.framework_id_found = false;
		m->original.reconciliation_found = false;
		return 0;
	}
	return 0;
}

static void op_succeeded(struct zs_op *op)
{
	int rc = op_apply(op);
	if (rc < 0) {
		/* In ZooKeeper but not in the mirror: make the caller reload. */
		op->st->loaded = false;
		snprintf(op->err, sizeof(op->err), "%s: written, but out of memory for "
			 "the mirror: reload the store", op->path);
	}
	op_finish(op, rc);
}

/* Retries op (another attempt of an upsert, a CAS): bounded. */
static void op_retry(struct zs_op *op)
{
	int rc;
	if (++op->tries >= MAX_TRIES) {
		snprintf(op->err, sizeof(op->err), "%s: gave up after %d attempts "
			 "(the node keeps changing under us)", op->path, op->tries);
		op_finish(op, -EAGAIN);
		return;
	}
	rc = op_submit(op);
	if (rc < 0)
		op_finish(op, rc);
}

static void fwid_read(int rc, const char *data, int len, const struct Stat *stat, void *arg)
{
	struct zs_op *op = arg;
	if (rc == ZNONODE) {        /* deleted meanwhile: create again */
		op_retry(op);
		return;
	}
	if (rc != ZOK) {
		snprintf(op->err, sizeof(op->err), "%s: exists, but reading it failed: %s",
			 op->path, zerror(rc));
		op_finish(op, zk_rc_errno(rc));
		return;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == ' '))
		len--;
	if (len >= 0 && (size_t)len == strlen(op->key) && memcmp(data, op->key, (size_t)len) == 0) {
		op_succeeded(op);
		return;
	}
	snprintf(op->err, sizeof(op->err), "%s holds framework id \"%.*s\", not \"%s\": "
		 "the stored id is forgotten only when Mesos says the framework was removed "
		 "(SAFETY.md §3)", op->path, len > 0 && len < 256 ? len : 0, data ? data : "",
		 op->key);
	op_finish(op, -EEXIST);
}

static void next_read(int rc, const char *data, int len, const struct Stat *stat, void *arg)
{
	struct zs_op *op = arg;
	uint64_t n;
	if (rc != ZOK) {
		snprintf(op->err, sizeof(op->err), "%s: cannot read the counter: %s",
			 op->path, zerror(rc));
		op_finish(op, zk_rc_errno(rc));
		return;
	}
	if (!zs_parse_counter(data, len, &n) || n == 0 || n == UINT64_MAX) {
		snprintf(op->err, sizeof(op->err), "%s holds \"%.*s\", not a member counter "
			 "(a decimal number from 1)", op->path, len > 0 && len < 40 ? len : 0,
			 data ? data : "");
		op_finish(op, -EPROTO);
		return;
	}
	op->n = n;
	op->version = stat->version;
	op_retry(op);
}

static void op_multi_done(int rc, const struct zk_multi *m, void *arg)
{
	struct zs_op *op = arg;
	struct zk_store *st = op->st;
	int r1 = zk_multi_count(m) > 1 ? zk_multi_result(m, 1) : rc;

	if (rc == ZOK) {
		op_succeeded(op);
		return;
	}
	if (rc == ZNONODE && zk_multi_result(m, 0) == ZNONODE) {
		snprintf(op->err, sizeof(op->err), "%s: not the leader any more: the fence "
			 "node %s is gone, the write was refused", op->path, fence_name(st));
		op_finish(op, -ESTALE);
		return;
	}
	switch (op->kind) {
	case ZS_PUT_TASK:
	case ZS_PUT_RESEED:
		if ((op->create && r1 == ZNODEEXISTS) || (!op->create && r1 == ZNONODE)) {
			op->create = !op->create;   /* the node is (not) there after all */
			op_retry(op);
			return;
		}
		break;
	case ZS_DEL_TASK:
	case ZS_DEL_RESEED:
	case ZS_DEL_FWID:
		if (r1 == ZNONODE) {
			op_succeeded(op);
			return;
		}
		break;
	case ZS_TEARDOWN:
	case ZS_ORIG_DONE:
		/* ORIG_DONE: the marker exists only if its multi (which also
		 * deleted the original's nodes) committed: done before */
		if (r1 == ZNODEEXISTS) {
			op_succeeded(op);
			return;
		}
		break;
	case ZS_PURGE:
		if (rc == ZNONODE) {
			snprintf(op->err, sizeof(op->err), "%s: a node to delete was already "
				 "gone (the mirror is stale): load the store and purge again",
				 st->root);
			op_finish(op, -EPROTO);
			return;
		}
		break;
	case ZS_PUT_FWID:
		if (r1 == ZNODEEXISTS) {
			int sr = zk_get(st->s, op->path, NULL, NULL, fwid_read, op);
			if (sr < 0) {
				snprintf(op->err, sizeof(op->err), "%s: cannot read it back: %s",
					 op->path, strerror(-sr));
				op_finish(op, sr);
			}
			return;
		}
		break;
	case ZS_NEXT:
		if (r1 == ZBADVERSION) {
			int sr = zk_get(st->s, op->path, NULL, NULL, next_read, op);
			if (sr < 0) {
				snprintf(op->err, sizeof(op->err), "%s: cannot read it: %s",
					 op->path, strerror(-sr));
				op_finish(op, sr);
			}
			return;
		}
		break;
	}
	if (rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT)
		snprintf(op->err, sizeof(op->err), "%s: %s: the outcome is unknown; "
			 "write again (writes are idempotent)", op->path, zerror(rc));
	else if (rc == ZNONODE && op->kind != ZS_NEXT)
		snprintf(op->err, sizeof(op->err), "%s: its parent is missing: %s "
			 "(reload the store to bootstrap the layout)", op->path, zerror(rc));
	else
		snprintf(op->err, sizeof(op->err), "%s: %s", op->path, zerror(rc));
	rc = zk_rc_errno(rc);
	/* -ESTALE means "deposed" here, -EEXIST only a different framework
	 * id: keep other ZooKeeper codes (ZBADVERSION...) apart from them. */
	op_finish(op, rc == -ESTALE || rc == -EEXIST || rc == 0 ? -EPROTO : rc);
}

/* Deletes of everything purge removes, from the mirror. */
static int purge_ops(const struct zk_store *st, struct zk_multi *m)
{
	char path[ZS_PATH_MAX], rel[TASK_ID_MAX + 16];
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < st->m.n_tasks; i++) {
		snprintf(rel, sizeof(rel), "tasks/%s", st->m.tasks[i].task_id);
		rc = zs_path(st, rel, path, sizeof(path));
		if (rc == 0)
			rc = zk_multi_delete(m, path, -1);
	}
	for (size_t i = 0; rc == 0 && i < st->m.n_reseeds; i++) {
		snprintf(rel, sizeof(rel), "reseed/%s", st->m.reseeds[i].id);
		rc = zs_path(st, rel, path, sizeof(path));
		if (rc == 0)
			rc = zk_multi_delete(m, path, -1);
	}
	if (rc == 0 && st->m.have_fwid && (rc = zs_path(st, "framework_id", path, sizeof(path))) == 0)
		rc = zk_multi_delete(m, path, -1);
	return rc;
}

/* Builds and sends the multi for op's current attempt. */
static int op_submit(struct zs_op *op)
{
	struct zk_store *st = op->st;
	struct zk_multi *m = zk_multi_new();
	char num[24];
	int rc;

	if (!m) {
		snprintf(op->err, sizeof(op->err), "out of memory");
		return -ENOMEM;
	}
	rc = add_fence(st, m, op->err, sizeof(op->err));
	if (rc < 0)
		goto fail;
	switch (op->kind) {
	case ZS_PUT_TASK:
	case ZS_PUT_RESEED:
		rc = op->create ? zk_multi_create(m, op->path, op->data, op->len, ZOO_PERSISTENT)
				: zk_multi_set(m, op->path, op->data, op->len, -1);
		break;
	case ZS_PUT_FWID:
	case ZS_TEARDOWN:
		rc = zk_multi_create(m, op->path, op->data, op->len, ZOO_PERSISTENT);
		break;
	case ZS_DEL_TASK:
	case ZS_DEL_RESEED:
	case ZS_DEL_FWID:
		rc = zk_multi_delete(m, op->path, -1);
		break;
	case ZS_NEXT:
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(op->n + 1));
		rc = zk_multi_set(m, op->path, num, strlen(num), op->version);
		break;
	case ZS_PURGE:
		rc = purge_ops(st, m);
		break;
	case ZS_ORIG_DONE:
		rc = zk_multi_create(m, op->path, op->data, op->len, ZOO_PERSISTENT);
		if (rc == 0 && st->m.original.framework_id_found)
			rc = zk_multi_delete(m, st->orig_fwid, -1);
		if (rc == 0 && st->m.original.reconciliation_found)
			rc = zk_multi_delete(m, st->orig_recon, -1);
		break;
	}
	if (rc < 0) {
		snprintf(op->err, sizeof(op->err), "%s: %s", op->path, strerror(-rc));
		goto fail;
	}
	rc = zk_multi_commit(st->s, m, op_multi_done, op);
	if (rc < 0)
		snprintf(op->err, sizeof(op->err), "%s: ZooKeeper: %s", op->path, strerror(-rc));
	return rc;
fail:
	zk_multi_free(m);
	return rc;
}

/* Common start of every write: checks, a new op, its path. */
struct zs_op *zs_op_new(struct zk_store *st, enum zs_kind kind, const char *rel,
			    int *rc)
{
	struct zs_op *op;
	if (st->load) {
		*rc = -EBUSY;
		return NULL;
	}
	if (!st->loaded) {
		*rc = -EAGAIN;
		return NULL;
	}
	op = calloc(1, sizeof(*op));
	if (!op) {
		*rc = -ENOMEM;
		return NULL;
	}
	op->st = st;
	op->kind = kind;
	if (zs_path(st, rel, op->path, sizeof(op->path)) < 0) {
		free(op);
		*rc = -ENAMETOOLONG;
		return NULL;
	}
	return op;
}

/* Another write of op's node is in flight or waiting. */
static bool node_busy(const struct zk_store *st, const struct zs_op *op)
{
	for (const struct zs_op *o = st->ops; o; o = o->next)
		if (o != op && strcmp(o->path, op->path) == 0)
			return true;
	return false;
}

/* A waiting task record's turn: rebuild it over what is stored now. */
static int op_rebase(struct zs_op *op)
{
	struct zk_store *st = op->st;
	const struct registry_record *cur;
	struct registry_record merged;
	struct buf b = BUF_INIT;
	int rc;

	if (op->kind != ZS_PUT_TASK)
		return 0;
	cur = zk_store_task_find(st, op->rec.task_id);
	if (!cur) {
		if (op->have_base) {
			snprintf(op->err, sizeof(op->err), "%s: the record was deleted while "
				 "this write waited for an earlier one: not written again",
				 op->path);
			return -ENOENT;
		}
		op->create = true;
		return 0;
	}
	op->create = false;
	if (!op->have_base)
		return 0;   /* the caller wrote a whole new record: it stands */
	registry_record_merge3(&op->base, &op->rec, cur, &merged);
	rc = registry_record_encode(&merged, &b, op->err, sizeof(op->err));
	if (rc < 0) {
		buf_finish(&b);
		return rc;
	}
	free(op->data);
	op->data = buf_detach(&b);
	op->len = strlen(op->data);
	op->rec = merged;
	return 0;
}

/* Sends the earliest write waiting for path, if any. */
static void op_release_next(struct zk_store *st, const char *path)
{
	struct zs_op *next = NULL;
	int rc;

	for (struct zs_op *o = st->ops; o; o = o->next)
		if (o->waiting && strcmp(o->path, path) == 0 && (!next || o->seq < next->seq))
			next = o;
	if (!next)
		return;
	next->waiting = false;
	rc = op_rebase(next);
	if (rc == 0)
		rc = op_submit(next);
	if (rc < 0)
		op_finish(next, rc);
}

int zs_op_start(struct zs_op *op)
{
	struct zk_store *st = op->st;
	op->seq = ++st->op_seq;
	if (node_busy(st, op)) {
		op->waiting = true;   /* sent by op_release_next */
	} else {
		int rc = op_submit(op);
		if (rc < 0) {
			zs_op_free(op);
			return rc;
		}
	}
	op->next = st->ops;
	if (st->ops)
		st->ops->prev = op;
	st->ops = op;
	return 0;
}

int zs_op_set_data(struct zs_op *op, const void *data, size_t len)
{
	op->data = malloc(len ? len : 1);
	if (!op->data)
		return -ENOMEM;
	if (len)
		memcpy(op->data, data, len);
	op->len = len;
	return 0;
}
