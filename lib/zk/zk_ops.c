/*
 * zk_ops.c — the asynchronous wrappers of zk_session.h: each call gets a
 * request record that the C client hands back to one trampoline, which
 * strips the chroot, drops watches that were not set, and calls the
 * caller unless the session is being freed.
 */
#include "zk/zk_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

union zk_cb {
	zk_done_fn done;
	zk_stat_fn stat;
	zk_data_fn data;
	zk_path_fn path;
	zk_children_fn children;
	zk_multi_fn multi;
	zk_lowest_fn lowest;
};

struct zk_req {
	struct zk_req *prev, *next;   /* the session's calls in flight */
	bool cancelled;
	struct zk_session *s;
	union zk_cb cb;
	void *arg;
	struct zk_watch *watch;
	bool exists_watch;        /* ZNONODE also leaves the watch set */
	struct zk_multi *multi;
	/* zk_create_parents */
	char *full;
	char *data;
	int len;                  /* -1: null data */
	int mode;
	size_t step;              /* where the next ancestor search starts in full */
	bool parents_done;
	/* zk_get_lowest */
	char *child;              /* full path of the chosen child */
	int tries;
};

struct zk_multi_op {
	int type;                 /* ZOO_CREATE_OP, ... */
	char *path;               /* relative, then full after commit */
	char *data;
	int len;
	int version;
	int mode;
	char *created;            /* create: buffer for the path made */
	size_t created_len;
};

struct zk_multi {
	struct zk_multi_op *ops;
	size_t n, cap;
	zoo_op_t *zops;
	zoo_op_result_t *res;
	const struct zk_session *s;
};

/* The handle, for a call that may close its socket on a send error: the
 * fd leaves the loop first (zk_session_kick registers it again). */
static zhandle_t *zk_handle(struct zk_session *s)
{
	zk_session_release_fd(s);
	return s->zh;
}

static struct zk_req *zk_req_new(struct zk_session *s, void *arg)
{
	struct zk_req *r = calloc(1, sizeof(*r));
	if (r) {
		r->s = s;
		r->arg = arg;
		r->next = s->reqs;
		if (s->reqs)
			s->reqs->prev = r;
		s->reqs = r;
	}
	return r;
}

static void zk_req_free(struct zk_req *r)
{
	if (!r)
		return;
	if (r->prev)
		r->prev->next = r->next;
	else
		r->s->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	free(r->full);
	free(r->data);
	free(r->child);
	free(r);
}

/* The watch stays only if the call set it. */
static void zk_req_settle_watch(struct zk_req *r, int rc)
{
	if (!r->watch)
		return;
	if (rc == ZOK || (r->exists_watch && rc == ZNONODE))
		return;
	zk_watch_drop(r->watch);
	r->watch = NULL;
}

/* Whether the caller still wants this completion. */
static bool zk_req_live(const struct zk_req *r)
{
	return !r->cancelled && !r->s->freeing;
}

void zk_session_cancel(struct zk_session *s, const void *arg)
{
	for (struct zk_req *r = s->reqs; r; r = r->next)
		if (r->arg == arg)
			r->cancelled = true;
	for (struct zk_watch *w = s->watches.next; w != &s->watches; w = w->next)
		if (w->arg == arg)
			w->fn = NULL;
}

static bool zk_usable(const struct zk_session *s)
{
	return !s->freeing && !s->auth_failed;
}

/* After a zoo_a* call: success arms the refresh; failure undoes. */
static int zk_submitted(struct zk_req *r, int zrc)
{
	zk_session_kick(r->s);  /* the socket went off the loop for the call */
	if (zrc == ZOK)
		return 0;
	if (r->watch)
		zk_watch_drop(r->watch);
	zk_req_free(r);
	return zk_sync_errno(zrc);
}

/* ---- trampolines ---- */

static void zk_tr_void(int rc, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	if (zk_req_live(r))
		r->cb.done(rc, r->arg);
	zk_req_free(r);
}

static void zk_tr_stat(int rc, const struct Stat *st, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	zk_req_settle_watch(r, rc);
	if (zk_req_live(r))
		r->cb.stat(rc, rc == ZOK ? st : NULL, r->arg);
	zk_req_free(r);
}

static void zk_tr_data(int rc, const char *value, int len, const struct Stat *st,
		       const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	zk_req_settle_watch(r, rc);
	if (zk_req_live(r))
		r->cb.data(rc, rc == ZOK ? value : NULL, rc == ZOK ? len : -1,
			   rc == ZOK ? st : NULL, r->arg);
	zk_req_free(r);
}

static void zk_tr_children(int rc, const struct String_vector *names,
			   const struct Stat *st, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	zk_req_settle_watch(r, rc);
	if (zk_req_live(r))
		r->cb.children(rc, rc == ZOK ? names : NULL, rc == ZOK ? st : NULL, r->arg);
	zk_req_free(r);
}

static void zk_tr_path(int rc, const char *value, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	if (zk_req_live(r))
		r->cb.path(rc, rc == ZOK ? zk_rel_path(r->s, value) : NULL, r->arg);
	zk_req_free(r);
}

/* ---- the calls ---- */

int zk_create(struct zk_session *s, const char *path, const void *data, size_t len,
	      int mode, zk_path_fn done, void *arg)
{
	struct zk_req *r;
	char *full;
	int rc;

	if (!zk_usable(s))
		return -ENOTCONN;
	if (!done || len > INT32_MAX)
		return -EINVAL;
	full = zk_full_path(s, path, &rc);
	if (!full)
		return rc;
	r = zk_req_new(s, arg);
	if (!r) {
		free(full);
		return -ENOMEM;
	}
	r->cb.path = done;
	r->full = full;
	rc = zoo_acreate(zk_handle(s), full, data, data ? (int)len : -1, &s->acl, mode,
			 zk_tr_path, r);
	return zk_submitted(r, rc);
}

/* create_parents: try the node; on ZNONODE make each ancestor, then the
 * node again. */
static void zk_parents_step(struct zk_req *r);

static void zk_parents_finish(struct zk_req *r, int rc, const char *value)
{
	if (zk_req_live(r))
		r->cb.path(rc, rc == ZOK ? zk_rel_path(r->s, value) : NULL, r->arg);
	zk_req_free(r);
}

static void zk_parents_node_done(int rc, const char *value, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	if (rc == ZNONODE && !r->parents_done && zk_req_live(r)) {
		r->parents_done = true;
		r->step = 1;
		zk_parents_step(r);
		return;
	}
	zk_parents_finish(r, rc, value);
}

static void zk_parents_anc_done(int rc, const char *value, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	if (!zk_req_live(r) || (rc != ZOK && rc != ZNODEEXISTS)) {
		zk_parents_finish(r, rc, NULL);
		return;
	}
	zk_parents_step(r);
}

static void zk_parents_step(struct zk_req *r)
{
	struct zk_session *s = r->s;
	char *slash = strchr(r->full + r->step, '/');
	int zrc;

	if (!slash) {
		zrc = zoo_acreate(zk_handle(s), r->full, r->data, r->len, &s->acl, r->mode,
				  zk_parents_node_done, r);
	} else {
		*slash = 0;
		zrc = zoo_acreate(zk_handle(s), r->full, NULL, -1, &s->acl, ZOO_PERSISTENT,
				  zk_parents_anc_done, r);
		*slash = '/';
		r->step = (size_t)(slash - r->full) + 1;
	}
	if (zrc != ZOK) {
		zk_parents_finish(r, zrc, NULL);
		return;
	}
	zk_session_kick(s);
}

int zk_create_parents(struct zk_session *s, const char *path, const void *data,
		      size_t len, int mode, zk_path_fn done, void *arg)
{
	struct zk_req *r;
	char *full;
	int rc;

	if (!zk_usable(s))
		return -ENOTCONN;
	if (!done || len > INT32_MAX)
		return -EINVAL;
	full = zk_full_path(s, path, &rc);
	if (!full)
		return rc;
	r = zk_req_new(s, arg);
	if (!r) {
		free(full);
		return -ENOMEM;
	}
	r->full = full;
	r->cb.path = done;
	r->mode = mode;
	r->len = data ? (int)len : -1;
	if (data) {
		r->data = malloc(len ? len : 1);
		if (!r->data) {
			zk_req_free(r);
			return -ENOMEM;
		}
		memcpy(r->data, data, len);
	}
	rc = zoo_acreate(zk_handle(s), full, r->data, r->len, &s->acl, mode,
			 zk_parents_node_done, r);
	return zk_submitted(r, rc);
}

/* zk_get_lowest: list, pick the lowest sequence, read it; a child that
 * vanishes in between sends us back to the list. */
#define ZK_LOWEST_TRIES 5

static int64_t zk_seq_suffix(const char *name)
{
	const char *u = strrchr(name, '_');
	int64_t v = 0;
	if (!u || strlen(u + 1) != 10)
		return -1;
	for (const char *p = u + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static void zk_lowest_finish(struct zk_req *r, int rc, const char *data, int len)
{
	if (zk_req_live(r))
		r->cb.lowest(rc, rc == ZOK ? zk_rel_path(r->s, r->child) : NULL,
			     rc == ZOK ? data : NULL, rc == ZOK ? len : -1, r->arg);
	zk_req_free(r);
}

static void zk_lowest_listed(int rc, const struct String_vector *names,
			     const struct Stat *st, const void *data);

static void zk_lowest_got(int rc, const char *value, int len, const struct Stat *st,
			  const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	int zrc;

	if (rc == ZNONODE && zk_req_live(r) && ++r->tries < ZK_LOWEST_TRIES) {
		zrc = zoo_aget_children2(zk_handle(r->s), r->full, 0, zk_lowest_listed, r);
		if (zrc == ZOK) {
			zk_session_kick(r->s);
			return;
		}
		rc = zrc;
	}
	zk_lowest_finish(r, rc, value, len);
}

static void zk_lowest_listed(int rc, const struct String_vector *names,
			     const struct Stat *st, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	const char *best = NULL;
	int64_t best_seq = -1;
	size_t n;
	int zrc;

	if (rc != ZOK || !zk_req_live(r)) {
		zk_lowest_finish(r, rc, NULL, -1);
		return;
	}
	for (int i = 0; i < names->count; i++) {
		int64_t q = zk_seq_suffix(names->data[i]);
		if (q >= 0 && (best_seq < 0 || q < best_seq)) {
			best_seq = q;
			best = names->data[i];
		}
	}
	if (!best) {
		zk_lowest_finish(r, ZNONODE, NULL, -1);
		return;
	}
	free(r->child);
	n = strlen(r->full) + strlen(best) + 2;
	r->child = malloc(n);
	if (!r->child) {
		zk_lowest_finish(r, ZSYSTEMERROR, NULL, -1);
		return;
	}
	snprintf(r->child, n, "%s/%s", r->full, best);
	zrc = zoo_aget(zk_handle(r->s), r->child, 0, zk_lowest_got, r);
	if (zrc != ZOK) {
		zk_lowest_finish(r, zrc, NULL, -1);
		return;
	}
	zk_session_kick(r->s);
}

/* Common start of the read calls that may set a watch. */
static struct zk_req *zk_read_req(struct zk_session *s, const char *path,
				  zk_watch_fn watch, void *watch_arg, void *arg,
				  int *rc)
{
	struct zk_req *r;

	*rc = -ENOTCONN;
	if (!zk_usable(s))
		return NULL;
	r = zk_req_new(s, arg);
	*rc = -ENOMEM;
	if (!r)
		return NULL;
	r->full = zk_full_path(s, path, rc);
	if (!r->full) {
		zk_req_free(r);
		return NULL;
	}
	if (watch) {
		r->watch = zk_watch_new(s, watch, watch_arg);
		if (!r->watch) {
			zk_req_free(r);
			*rc = -ENOMEM;
			return NULL;
		}
	}
	return r;
}

int zk_get(struct zk_session *s, const char *path, zk_watch_fn watch, void *watch_arg,
	   zk_data_fn done, void *arg)
{
	int rc;
	if (!done)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, path, watch, watch_arg, arg, &rc);
	if (!r)
		return rc;
	r->cb.data = done;
	if (watch)
		rc = zoo_awget(zk_handle(s), r->full, zk_watch_fire, r->watch, zk_tr_data, r);
	else
		rc = zoo_aget(zk_handle(s), r->full, 0, zk_tr_data, r);
	return zk_submitted(r, rc);
}

int zk_children(struct zk_session *s, const char *path, zk_watch_fn watch,
		void *watch_arg, zk_children_fn done, void *arg)
{
	int rc;
	if (!done)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, path, watch, watch_arg, arg, &rc);
	if (!r)
		return rc;
	r->cb.children = done;
	if (watch)
		rc = zoo_awget_children2(zk_handle(s), r->full, zk_watch_fire, r->watch,
					 zk_tr_children, r);
	else
		rc = zoo_aget_children2(zk_handle(s), r->full, 0, zk_tr_children, r);
	return zk_submitted(r, rc);
}

int zk_exists(struct zk_session *s, const char *path, zk_watch_fn watch,
	      void *watch_arg, zk_stat_fn done, void *arg)
{
	int rc;
	if (!done)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, path, watch, watch_arg, arg, &rc);
	if (!r)
		return rc;
	r->cb.stat = done;
	r->exists_watch = true;
	if (watch)
		rc = zoo_awexists(zk_handle(s), r->full, zk_watch_fire, r->watch, zk_tr_stat, r);
	else
		rc = zoo_aexists(zk_handle(s), r->full, 0, zk_tr_stat, r);
	return zk_submitted(r, rc);
}

int zk_get_lowest(struct zk_session *s, const char *dir, zk_lowest_fn done, void *arg)
{
	int rc;
	if (!done)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, dir, NULL, NULL, arg, &rc);
	if (!r)
		return rc;
	r->cb.lowest = done;
	rc = zoo_aget_children2(zk_handle(s), r->full, 0, zk_lowest_listed, r);
	return zk_submitted(r, rc);
}

int zk_set(struct zk_session *s, const char *path, const void *data, size_t len,
	   int version, zk_stat_fn done, void *arg)
{
	int rc;
	if (!done || len > INT32_MAX)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, path, NULL, NULL, arg, &rc);
	if (!r)
		return rc;
	r->cb.stat = done;
	rc = zoo_aset(zk_handle(s), r->full, data, data ? (int)len : -1, version, zk_tr_stat, r);
	return zk_submitted(r, rc);
}

int zk_delete(struct zk_session *s, const char *path, int version,
	      zk_done_fn done, void *arg)
{
	int rc;
	if (!done)
		return -EINVAL;
	struct zk_req *r = zk_read_req(s, path, NULL, NULL, arg, &rc);
	if (!r)
		return rc;
	r->cb.done = done;
	rc = zoo_adelete(zk_handle(s), r->full, version, zk_tr_void, r);
	return zk_submitted(r, rc);
}

/* ---- multi ---- */

struct zk_multi *zk_multi_new(void)
{
	return calloc(1, sizeof(struct zk_multi));
}

void zk_multi_free(struct zk_multi *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->ops[i].path);
		free(m->ops[i].data);
		free(m->ops[i].created);
	}
	free(m->ops);
	free(m->zops);
	free(m->res);
	free(m);
}

static int zk_multi_add(struct zk_multi *m, int type, const char *path,
			const void *data, size_t len, int version, int mode)
{
	struct zk_multi_op op = { .type = type, .len = -1, .version = version,
				  .mode = mode };
	size_t n;

	if (!m || m->zops || !path || path[0] != '/' || len > INT32_MAX)
		return -EINVAL;
	n = strlen(path);
	if (strstr(path, "//") || (n > 1 && path[n - 1] == '/'))
		return -EINVAL;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4;
		struct zk_multi_op *v = realloc(m->ops, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->ops = v;
		m->cap = cap;
	}
	op.path = strdup(path);
	if (!op.path)
		return -ENOMEM;
	if (data) {
		op.data = malloc(len ? len : 1);
		if (!op.data) {
			free(op.path);
			return -ENOMEM;
		}
		memcpy(op.data, data, len);
		op.len = (int)len;
	}
	m->ops[m->n++] = op;
	return 0;
}

int zk_multi_create(struct zk_multi *m, const char *path, const void *data,
		    size_t len, int mode)
{
	return zk_multi_add(m, ZOO_CREATE_OP, path, data, len, -1, mode);
}

int zk_multi_delete(struct zk_multi *m, const char *path, int version)
{
	return zk_multi_add(m, ZOO_DELETE_OP, path, NULL, 0, version, 0);
}

int zk_multi_set(struct zk_multi *m, const char *path, const void *data,
		 size_t len, int version)
{
	return zk_multi_add(m, ZOO_SETDATA_OP, path, data, len, version, 0);
}

int zk_multi_check(struct zk_multi *m, const char *path, int version)
{
	return zk_multi_add(m, ZOO_CHECK_OP, path, NULL, 0, version, 0);
}

size_t zk_multi_count(const struct zk_multi *m)
{
	return m ? m->n : 0;
}

int zk_multi_result(const struct zk_multi *m, size_t i)
{
	if (!m || !m->res || i >= m->n)
		return ZOK;
	return m->res[i].err;
}

const char *zk_multi_created(const struct zk_multi *m, size_t i)
{
	if (!m || !m->res || i >= m->n || m->ops[i].type != ZOO_CREATE_OP ||
	    m->res[i].err != ZOK || !m->ops[i].created)
		return NULL;
	return zk_rel_path(m->s, m->ops[i].created);
}

static void zk_tr_multi(int rc, const void *data)
{
	struct zk_req *r = (struct zk_req *)data;
	if (zk_req_live(r))
		r->cb.multi(rc, r->multi, r->arg);
	zk_multi_free(r->multi);
	zk_req_free(r);
}

/* Puts the chroot in front of every path and builds the client's ops. */
static int zk_multi_prepare(struct zk_session *s, struct zk_multi *m)
{
	m->s = s;
	m->zops = calloc(m->n ? m->n : 1, sizeof(*m->zops));
	m->res = calloc(m->n ? m->n : 1, sizeof(*m->res));
	if (!m->zops || !m->res)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		struct zk_multi_op *op = &m->ops[i];
		int rc;
		char *full = zk_full_path(s, op->path, &rc);
		if (!full)
			return rc;
		free(op->path);
		op->path = full;
		if (op->type == ZOO_CREATE_OP) {
			op->created_len = strlen(full) + 16;  /* room for the sequence */
			op->created = calloc(1, op->created_len);
			if (!op->created)
				return -ENOMEM;
			zoo_create_op_init(&m->zops[i], op->path, op->data, op->len,
					   &s->acl, op->mode, op->created,
					   (int)op->created_len);
		} else if (op->type == ZOO_DELETE_OP) {
			zoo_delete_op_init(&m->zops[i], op->path, op->version);
		} else if (op->type == ZOO_SETDATA_OP) {
			zoo_set_op_init(&m->zops[i], op->path, op->data, op->len,
					op->version, NULL);
		} else {
			zoo_check_op_init(&m->zops[i], op->path, op->version);
		}
	}
	return 0;
}

int zk_multi_commit(struct zk_session *s, struct zk_multi *m, zk_multi_fn done, void *arg)
{
	struct zk_req *r = NULL;
	int rc;

	if (!m)
		return -EINVAL;
	rc = -ENOTCONN;
	if (!zk_usable(s))
		goto fail;
	rc = -EINVAL;
	if (!done || !m->n || m->zops)
		goto fail;
	rc = zk_multi_prepare(s, m);
	if (rc < 0)
		goto fail;
	rc = -ENOMEM;
	r = zk_req_new(s, arg);
	if (!r)
		goto fail;
	r->cb.multi = done;
	r->multi = m;
	rc = zoo_amulti(zk_handle(s), (int)m->n, m->zops, m->res, zk_tr_multi, r);
	zk_session_kick(s);
	if (rc == ZOK)
		return 0;
	rc = zk_sync_errno(rc);
fail:
	zk_req_free(r);
	zk_multi_free(m);
	return rc;
}
