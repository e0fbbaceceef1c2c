/* zk_store: the store object and the fenced writes. The mirror lives in
 * zk_store_mirror.c, the load in zk_store_load.c. */
#include "zk/zk_store_internal.h"

#include "base/buf.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRIES 64

/* ---------------------------------------------------------------- paths */

static bool name_valid(const char *s)
{
	size_t n = 0;
	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c < 0x20 || c == 0x7f || c == '/')
			return false;
	}
	return n <= ZK_STORE_NAME_MAX;
}

static char *join(const char *base, const char *name, const char *suffix)
{
	char *out = NULL;
	if (asprintf(&out, "%s/%s%s", strcmp(base, "/") ? base : "", name, suffix) < 0)
		return NULL;
	return out;
}

int zs_path(const struct zk_store *st, const char *rel, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", st->root, rel);
	return (n < 0 || (size_t)n >= outlen) ? -ENAMETOOLONG : 0;
}

bool zs_parse_counter(const char *data, int len, uint64_t *out)
{
	uint64_t v = 0;
	int i = 0;
	if (!data || len <= 0)
		return false;
	if (data[len - 1] == '\n')
		len--;
	if (len <= 0 || len > 19)
		return false;
	for (; i < len; i++) {
		if (data[i] < '0' || data[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(data[i] - '0');
	}
	*out = v;
	return true;
}

/* ------------------------------------------------------------ lifecycle */

int zk_store_new(struct zk_session *s, const struct zk_store_config *cfg,
		 struct zk_store **out, char *err, size_t errlen)
{
	const char *base = cfg->base && *cfg->base ? cfg->base : "/";
	struct zk_store *st;

	*out = NULL;
	if (base[0] != '/' || (strlen(base) > 1 && base[strlen(base) - 1] == '/') ||
	    strstr(base, "//") || strlen(base) > 512) {
		snprintf(err, errlen, "ZooKeeper base path \"%s\": must start with '/' "
			 "and have no empty component or trailing '/'", base);
		return -EINVAL;
	}
	if (!name_valid(cfg->framework_name)) {
		snprintf(err, errlen, "-framework-name=\"%s\": must be 1..%d characters "
			 "without '/' or control characters, and not \".\" or \"..\"",
			 cfg->framework_name ? cfg->framework_name : "", ZK_STORE_NAME_MAX);
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		goto nomem;
	st->s = s;
	st->root = join(base, cfg->framework_name, "");
	st->orig_fwid = join(base, cfg->framework_name, "_framework_id");
	st->orig_recon = join(base, cfg->framework_name, "_reconciliation");
	if (!st->root || !st->orig_fwid || !st->orig_recon)
		goto nomem;
	*out = st;
	return 0;
nomem:
	zk_store_free(st);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* ---------------------------------------------------------------- writes */

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
	int tries;
	uint64_t n;           /* ZS_NEXT: the number being taken */
	int version;          /* ZS_NEXT: next_member's version */
	char err[400];
};

void zk_store_set_election(struct zk_store *st, struct zk_election *e)
{
	st->election = e;
	if (e) {
		free(st->fence_node);
		st->fence_node = NULL;
	}
}

int zk_store_set_fence_node(struct zk_store *st, const char *path)
{
	char *p = NULL;
	if (path && (path[0] != '/' || strlen(path) >= ZS_PATH_MAX))
		return -EINVAL;
	if (path && !(p = strdup(path)))
		return -ENOMEM;
	free(st->fence_node);
	st->fence_node = p;
	if (p)
		st->election = NULL;
	return 0;
}

static void op_free(struct zs_op *op)
{
	if (!op)
		return;
	free(op->data);
	free(op);
}

void zk_store_free(struct zk_store *st)
{
	if (!st)
		return;
	zs_load_cancel(st);
	while (st->ops) {
		struct zs_op *op = st->ops;
		st->ops = op->next;
		zk_session_cancel(st->s, op);
		op_free(op);
	}
	zs_mirror_finish(&st->m);
	free(st->root);
	free(st->orig_fwid);
	free(st->orig_recon);
	free(st->fence_node);
	free(st);
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

/* Ends op: its completion runs, then op is freed. */
static void op_finish(struct zs_op *op, int rc)
{
	struct zk_store *st = op->st;
	op_unlink(op);
	if (rc == 0)
		op->err[0] = '\0';
	if (op->ndone)
		op->ndone(st, rc, op->n, rc ? op->err : NULL, op->arg);
	else if (op->done)
		op->done(st, rc, rc ? op->err : NULL, op->arg);
	op_free(op);
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
static struct zs_op *op_new(struct zk_store *st, enum zs_kind kind, const char *rel,
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

static int op_start(struct zs_op *op)
{
	struct zk_store *st = op->st;
	int rc = op_submit(op);
	if (rc < 0) {
		op_free(op);
		return rc;
	}
	op->next = st->ops;
	if (st->ops)
		st->ops->prev = op;
	st->ops = op;
	return 0;
}

static int op_set_data(struct zs_op *op, const void *data, size_t len)
{
	op->data = malloc(len ? len : 1);
	if (!op->data)
		return -ENOMEM;
	if (len)
		memcpy(op->data, data, len);
	op->len = len;
	return 0;
}

int zk_store_put_task(struct zk_store *st, const struct registry_record *rec,
		      zk_store_done_fn done, void *arg)
{
	char rel[TASK_ID_MAX + 8];
	struct buf b = BUF_INIT;
	struct zs_op *op;
	int rc;

	if (!rec || registry_record_check(rec, NULL, 0) < 0)
		return -EINVAL;
	snprintf(rel, sizeof(rel), "tasks/%s", rec->task_id);
	if (!(op = op_new(st, ZS_PUT_TASK, rel, &rc)))
		return rc;
	rc = registry_record_encode(rec, &b, NULL, 0);
	if (rc < 0)
		goto fail;
	op->data = buf_detach(&b);
	op->len = strlen(op->data);
	op->rec = *rec;
	op->create = zk_store_task_find(st, rec->task_id) == NULL;
	op->done = done;
	op->arg = arg;
	return op_start(op);
fail:
	buf_finish(&b);
	op_free(op);
	return rc;
}

int zk_store_delete_task(struct zk_store *st, const char *task_id,
			 zk_store_done_fn done, void *arg)
{
	char rel[TASK_ID_MAX + 8];
	struct zs_op *op;
	int rc;

	if (!mesos_id_valid(task_id))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "tasks/%s", task_id);
	if (!(op = op_new(st, ZS_DEL_TASK, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", task_id);
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_put_framework_id(struct zk_store *st, const char *id,
			      zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!mesos_id_valid(id) || strchr(id, ' '))
		return -EINVAL;
	if (!(op = op_new(st, ZS_PUT_FWID, "framework_id", &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	if (op_set_data(op, id, strlen(id)) < 0) {
		op_free(op);
		return -ENOMEM;
	}
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_forget_framework_id(struct zk_store *st, zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = op_new(st, ZS_DEL_FWID, "framework_id", &rc)))
		return rc;
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_next_member(struct zk_store *st, zk_store_number_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = op_new(st, ZS_NEXT, "next_member", &rc)))
		return rc;
	op->n = st->m.next_member;
	op->version = st->m.next_member_version;
	op->ndone = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_put_reseed(struct zk_store *st, const char *id, const void *json, size_t len,
			zk_store_done_fn done, void *arg)
{
	char rel[IDENT_TOKEN_MAX + 16];
	struct zs_op *op;
	struct jr r;
	cJSON *root = NULL;
	int rc;

	if (!ident_is_token(id) || !json)
		return -EINVAL;
	jr_init(&r, "reseed record", NULL, 0);
	if (jr_parse(&r, json, len, 1024 * 1024, &root) < 0)
		return -EINVAL;
	cJSON_Delete(root);
	snprintf(rel, sizeof(rel), "reseed/%s", id);
	if (!(op = op_new(st, ZS_PUT_RESEED, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	if (op_set_data(op, json, len) < 0) {
		op_free(op);
		return -ENOMEM;
	}
	op->create = zk_store_reseed_find(st, id, NULL) == NULL;
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_delete_reseed(struct zk_store *st, const char *id,
			   zk_store_done_fn done, void *arg)
{
	char rel[IDENT_TOKEN_MAX + 16];
	struct zs_op *op;
	int rc;

	if (!ident_is_token(id))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "reseed/%s", id);
	if (!(op = op_new(st, ZS_DEL_RESEED, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_mark_teardown(struct zk_store *st, const char *reason,
			   zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!reason)
		reason = "";
	if (strlen(reason) > 4096)
		return -EINVAL;
	if (!(op = op_new(st, ZS_TEARDOWN, "teardown", &rc)))
		return rc;
	if (op_set_data(op, reason, strlen(reason)) < 0) {
		op_free(op);
		return -ENOMEM;
	}
	op->done = done;
	op->arg = arg;
	return op_start(op);
}

int zk_store_purge(struct zk_store *st, zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = op_new(st, ZS_PURGE, "", &rc)))
		return rc;
	snprintf(op->path, sizeof(op->path), "%s", st->root);
	if (!st->m.teardown) {
		op_free(op);
		return -EPERM;
	}
	op->done = done;
	op->arg = arg;
	return op_start(op);
}
