/* zk_store: the store object, its paths, and the entry points of the
 * fenced writes. The write engine lives in zk_store_ops.c, the mirror in
 * zk_store_mirror.c, the load in zk_store_load.c. */
#include "zk/zk_store_internal.h"

#include "base/buf.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void zk_store_free(struct zk_store *st)
{
	if (!st)
		return;
	zs_load_cancel(st);
	while (st->ops) {
		struct zs_op *op = st->ops;
		st->ops = op->next;
		zk_session_cancel(st->s, op);
		zs_op_free(op);
	}
	zs_mirror_finish(&st->m);
	free(st->root);
	free(st->orig_fwid);
	free(st->orig_recon);
	free(st->fence_node);
	free(st);
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
	if (!(op = zs_op_new(st, ZS_PUT_TASK, rel, &rc)))
		return rc;
	rc = registry_record_encode(rec, &b, NULL, 0);
	if (rc < 0)
		goto fail;
	op->data = buf_detach(&b);
	op->len = strlen(op->data);
	op->rec = *rec;
	const struct registry_record *cur = zk_store_task_find(st, rec->task_id);
	op->create = cur == NULL;
	if (cur) {
		op->have_base = true;   /* callers build on the mirror's record */
		op->base = *cur;
	}
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
fail:
	buf_finish(&b);
	zs_op_free(op);
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
	if (!(op = zs_op_new(st, ZS_DEL_TASK, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", task_id);
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}

int zk_store_put_framework_id(struct zk_store *st, const char *id,
			      zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!mesos_id_valid(id) || strchr(id, ' '))
		return -EINVAL;
	if (!(op = zs_op_new(st, ZS_PUT_FWID, "framework_id", &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	if (zs_op_set_data(op, id, strlen(id)) < 0) {
		zs_op_free(op);
		return -ENOMEM;
	}
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}

int zk_store_forget_framework_id(struct zk_store *st, zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = zs_op_new(st, ZS_DEL_FWID, "framework_id", &rc)))
		return rc;
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}

int zk_store_next_member(struct zk_store *st, zk_store_number_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = zs_op_new(st, ZS_NEXT, "next_member", &rc)))
		return rc;
	op->n = st->m.next_member;
	op->version = st->m.next_member_version;
	op->ndone = done;
	op->arg = arg;
	return zs_op_start(op);
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
	if (!(op = zs_op_new(st, ZS_PUT_RESEED, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	if (zs_op_set_data(op, json, len) < 0) {
		zs_op_free(op);
		return -ENOMEM;
	}
	op->create = zk_store_reseed_find(st, id, NULL) == NULL;
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
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
	if (!(op = zs_op_new(st, ZS_DEL_RESEED, rel, &rc)))
		return rc;
	snprintf(op->key, sizeof(op->key), "%s", id);
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
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
	if (!(op = zs_op_new(st, ZS_TEARDOWN, "teardown", &rc)))
		return rc;
	if (zs_op_set_data(op, reason, strlen(reason)) < 0) {
		zs_op_free(op);
		return -ENOMEM;
	}
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}

int zk_store_purge(struct zk_store *st, zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!(op = zs_op_new(st, ZS_PURGE, "", &rc)))
		return rc;
	snprintf(op->path, sizeof(op->path), "%s", st->root);
	if (!st->m.teardown) {
		zs_op_free(op);
		return -EPERM;
	}
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}

int zk_store_finish_original(struct zk_store *st, const char *note,
			     zk_store_done_fn done, void *arg)
{
	struct zs_op *op;
	int rc;

	if (!note)
		note = "";
	if (strlen(note) > 4096)
		return -EINVAL;
	if (!(op = zs_op_new(st, ZS_ORIG_DONE, "original_moved", &rc)))
		return rc;
	if (zs_op_set_data(op, note, strlen(note)) < 0) {
		zs_op_free(op);
		return -ENOMEM;
	}
	op->done = done;
	op->arg = arg;
	return zs_op_start(op);
}
