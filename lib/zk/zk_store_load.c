/* zk_store: bootstrap of a fresh layout, the load into a new mirror, the
 * original etcd-mesos's nodes, and the leader's admin URL from outside. */
#include "zk/zk_store_internal.h"

#include "base/log.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECON_MAX (2 * 1024 * 1024)

enum {
	PH_FORMAT,    /* create format (with parents), or read and check it */
	PH_DIRS,      /* create the missing directories and next_member */
	PH_READ,      /* read everything */
	PH_DONE,
};

enum sub_kind {
	SUB_FORMAT_CREATE, SUB_FORMAT_GET, SUB_CREATE, SUB_FWID, SUB_TEARDOWN, SUB_NEXT,
	SUB_TASKS, SUB_TASK, SUB_RESEEDS, SUB_RESEED, SUB_ORIG_FWID, SUB_ORIG_RECON,
};

/* One call in flight: the arg of every ZooKeeper call a load makes. */
struct zs_sub {
	struct zs_sub *next;
	struct zs_load *l;
	enum sub_kind kind;
	char path[ZS_PATH_MAX];
	char name[];   /* the child's name (SUB_TASK, SUB_RESEED) */
};

struct zs_load {
	struct zk_store *st;
	zk_store_done_fn done;
	void *arg;
	struct zs_mirror m;
	struct zs_sub *subs;
	int phase;
	int pending;
	int rc;
	char err[512];
};

static void phase_start(struct zs_load *l);

static void subs_free(struct zs_load *l, bool cancel)
{
	while (l->subs) {
		struct zs_sub *s = l->subs;
		l->subs = s->next;
		if (cancel)
			zk_session_cancel(l->st->s, s);
		free(s);
	}
}

void zs_load_cancel(struct zk_store *st)
{
	struct zs_load *l = st->load;
	if (!l)
		return;
	st->load = NULL;
	subs_free(l, true);
	zs_mirror_finish(&l->m);
	free(l);
}

static struct zs_sub *sub_new(struct zs_load *l, enum sub_kind kind, const char *path,
			      const char *name)
{
	size_t n = name ? strlen(name) : 0;
	struct zs_sub *s = calloc(1, sizeof(*s) + n + 1);
	if (!s)
		return NULL;
	s->l = l;
	s->kind = kind;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (name)
		memcpy(s->name, name, n + 1);
	s->next = l->subs;
	l->subs = s;
	return s;
}

__attribute__((format(printf, 3, 4)))
static void load_fail(struct zs_load *l, int rc, const char *fmt, ...)
{
	va_list ap;
	if (l->rc)
		return;   /* the first error tells */
	l->rc = rc;
	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
}

static void load_finish(struct zs_load *l)
{
	struct zk_store *st = l->st;
	int rc = l->rc;

	st->load = NULL;
	subs_free(l, false);
	if (rc == 0) {
		zs_mirror_finish(&st->m);
		st->m = l->m;
		memset(&l->m, 0, sizeof(l->m));
		st->loaded = true;
	} else {
		st->loaded = false;   /* the mirror may be stale: writes wait */
	}
	zs_mirror_finish(&l->m);
	l->done(st, rc, rc ? l->err : NULL, l->arg);
	free(l);
}

/* One call of the current phase ended. */
static void sub_end(struct zs_load *l)
{
	if (--l->pending > 0)
		return;
	if (l->rc || l->phase + 1 >= PH_DONE) {
		load_finish(l);
		return;
	}
	l->phase++;
	phase_start(l);
}

/* Starts a call; a synchronous failure fails the load. */
static void sub_started(struct zs_load *l, struct zs_sub *s, int rc)
{
	if (rc == 0) {
		l->pending++;
		return;
	}
	load_fail(l, rc, "%s: cannot ask ZooKeeper: %s", s ? s->path : l->st->root,
		  strerror(-rc));
}

static void trim(const char **data, int *len)
{
	while (*len > 0 && ((*data)[*len - 1] == '\n' || (*data)[*len - 1] == ' ' ||
			    (*data)[*len - 1] == '\r'))
		(*len)--;
}

/* ------------------------------------------------------------- format */

static void check_format(struct zs_load *l, const char *path, const char *data, int len)
{
	uint64_t v;
	if (!zs_parse_counter(data, len, &v) || v == 0) {
		load_fail(l, -EPROTO, "%s holds \"%.*s\", not a layout version: it was not "
			  "written by etcd-mesos; point -zk-framework-persist or -framework-name "
			  "elsewhere", path, len > 0 && len < 40 ? len : 0, data ? data : "");
		return;
	}
	if (v > ZK_STORE_FORMAT)
		load_fail(l, -ENOTSUP, "%s: ZooKeeper layout version %llu is newer than this "
			  "binary knows (%d): upgrade etcd-mesos to the version that wrote it",
			  path, (unsigned long long)v, ZK_STORE_FORMAT);
}

static void on_data(int rc, const char *data, int len, const struct Stat *stat, void *arg);

static void on_path(int rc, const char *path, void *arg)
{
	struct zs_sub *s = arg;
	struct zs_load *l = s->l;

	if (s->kind == SUB_FORMAT_CREATE) {
		if (rc == ZOK) {
			l->m.fresh = true;
			log_info("zk store %s: new layout (format %d)", l->st->root,
				 ZK_STORE_FORMAT);
		} else if (rc == ZNODEEXISTS) {
			struct zs_sub *g = sub_new(l, SUB_FORMAT_GET, s->path, NULL);
			sub_started(l, g, g ? zk_get(l->st->s, g->path, NULL, NULL, on_data, g)
					    : -ENOMEM);
		} else {
			load_fail(l, zk_rc_errno(rc), "%s: cannot create: %s", s->path, zerror(rc));
		}
	} else if (rc != ZOK && rc != ZNODEEXISTS) {
		load_fail(l, zk_rc_errno(rc), "%s: cannot create: %s", s->path, zerror(rc));
	}
	sub_end(l);
}

/* ---------------------------------------------------------- the reads */

static int cmp_orig(const void *a, const void *b)
{
	const struct zk_store_original_task *x = a, *y = b;
	return strcmp(x->task_id, y->task_id);
}

/* The original's <name>_reconciliation: {"task id": "agent id", ...}. */
static void read_recon(struct zs_load *l, const char *path, const char *data, int len)
{
	struct zk_store_original *o = &l->m.original;
	struct jr r;
	cJSON *root = NULL;
	const cJSON *it;
	char err[256];
	size_t n = 0;

	o->reconciliation_found = true;
	jr_init(&r, path, err, sizeof(err));
	if (len <= 0) {
		return;   /* empty: no tasks */
	}
	if (jr_parse(&r, data, (size_t)len, RECON_MAX, &root) < 0) {
		snprintf(o->error, sizeof(o->error), "%s", err);
		goto out;
	}
	cJSON_ArrayForEach(it, root)
		n++;
	o->tasks = calloc(n ? n : 1, sizeof(*o->tasks));
	if (!o->tasks) {
		load_fail(l, -ENOMEM, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(it, root) {
		if (!cJSON_IsString(it) || !mesos_id_valid(it->string) ||
		    !mesos_id_valid(it->valuestring)) {
			jr_field_error(&r, it->string ? it->string : "", it,
				       "want task id -> agent id, both valid Mesos ids");
			snprintf(o->error, sizeof(o->error), "%s", err);
			goto out;
		}
		struct zk_store_original_task *t = &o->tasks[o->n_tasks];
		t->task_id = strdup(it->string);
		t->agent_id = strdup(it->valuestring);
		o->n_tasks++;
		if (!t->task_id || !t->agent_id) {
			load_fail(l, -ENOMEM, "out of memory");
			goto out;
		}
	}
	qsort(o->tasks, o->n_tasks, sizeof(*o->tasks), cmp_orig);
out:
	if (o->error[0]) {
		log_warn("zk store: the original etcd-mesos's %s", o->error);
		for (size_t i = 0; i < o->n_tasks; i++) {
			free(o->tasks[i].task_id);
			free(o->tasks[i].agent_id);
		}
		o->n_tasks = 0;
	}
	cJSON_Delete(root);
}

static void read_task(struct zs_load *l, const struct zs_sub *s, const char *data, int len)
{
	struct registry_record rec;
	char err[300];
	int rc;

	rc = registry_record_decode(&rec, data, len > 0 ? (size_t)len : 0, err, sizeof(err));
	if (rc < 0) {
		load_fail(l, rc == -ENOMEM ? -ENOMEM : rc == -ENOTSUP ? -ENOTSUP : -EPROTO,
			  "%s: %s", s->path, err);
		return;
	}
	if (strcmp(rec.task_id, s->name) != 0) {
		load_fail(l, -EPROTO, "%s: the record is for task \"%s\", stored under "
			  "another name", s->path, rec.task_id);
		return;
	}
	if (zs_mirror_put_task(&l->m, &rec) < 0)
		load_fail(l, -ENOMEM, "out of memory");
}

static void read_reseed(struct zs_load *l, const struct zs_sub *s, const char *data, int len)
{
	struct jr r;
	cJSON *root = NULL;
	char err[300];
	char *copy;

	jr_init(&r, s->path, err, sizeof(err));
	if (jr_parse(&r, data, len > 0 ? (size_t)len : 0, RECON_MAX, &root) < 0) {
		load_fail(l, -EPROTO, "%s", err);
		return;
	}
	cJSON_Delete(root);
	copy = malloc((size_t)len + 1);
	if (!copy) {
		load_fail(l, -ENOMEM, "out of memory");
		return;
	}
	memcpy(copy, data, (size_t)len);
	copy[len] = '\0';
	if (zs_mirror_put_reseed(&l->m, s->name, copy, (size_t)len) < 0)
		load_fail(l, -ENOMEM, "out of memory");
}

static void on_data(int rc, const char *data, int len, const struct Stat *stat, void *arg)
{
	struct zs_sub *s = arg;
	struct zs_load *l = s->l;
	struct zs_mirror *m = &l->m;
	uint64_t v;

	if (rc == ZNONODE) {
		/* Absent: fine for the optional nodes and for records deleted
		 * between the listing and the read. */
		if (s->kind == SUB_FORMAT_GET || s->kind == SUB_NEXT)
			load_fail(l, -EPROTO, "%s vanished during the load: is another "
				  "process deleting the layout? load again", s->path);
		goto out;
	}
	if (rc != ZOK) {
		load_fail(l, zk_rc_errno(rc), "%s: cannot read: %s", s->path, zerror(rc));
		goto out;
	}
	switch (s->kind) {
	case SUB_FORMAT_GET:
		check_format(l, s->path, data, len);
		break;
	case SUB_FWID:
		trim(&data, &len);
		if (len <= 0 || len > TASK_ID_MAX) {
			load_fail(l, -EPROTO, "%s holds %d bytes, not a framework id: delete it "
				  "only if Mesos removed the framework", s->path, len);
			break;
		}
		memcpy(m->fwid, data, (size_t)len);
		m->fwid[len] = '\0';
		if (!mesos_id_valid(m->fwid)) {
			load_fail(l, -EPROTO, "%s holds \"%s\", not a valid framework id",
				  s->path, m->fwid);
			break;
		}
		m->have_fwid = true;
		break;
	case SUB_NEXT:
		if (!zs_parse_counter(data, len, &v) || v == 0 || v == UINT64_MAX) {
			load_fail(l, -EPROTO, "%s holds \"%.*s\", not a member counter (a decimal "
				  "number from 1)", s->path, len > 0 && len < 40 ? len : 0,
				  data ? data : "");
			break;
		}
		m->next_member = v;
		m->next_member_version = stat->version;
		break;
	case SUB_TASK:
		read_task(l, s, data, len);
		break;
	case SUB_RESEED:
		read_reseed(l, s, data, len);
		break;
	case SUB_ORIG_FWID: {
		struct zk_store_original *o = &m->original;
		trim(&data, &len);
		if (len > 0 && len <= TASK_ID_MAX) {
			memcpy(o->framework_id, data, (size_t)len);
			o->framework_id[len] = '\0';
		}
		if (len <= 0 || len > TASK_ID_MAX || !mesos_id_valid(o->framework_id)) {
			o->framework_id[0] = '\0';
			snprintf(o->error, sizeof(o->error), "%s holds %d bytes, not a "
				 "framework id", s->path, len);
			log_warn("zk store: the original etcd-mesos's %s", o->error);
			break;
		}
		o->framework_id_found = true;
		break;
	}
	case SUB_ORIG_RECON:
		read_recon(l, s->path, data, len);
		break;
	default:
		break;
	}
out:
	sub_end(l);
}

static void on_exists(int rc, const struct Stat *stat, void *arg)
{
	struct zs_sub *s = arg;
	if (rc == ZOK)
		s->l->m.teardown = true;
	else if (rc != ZNONODE)
		load_fail(s->l, zk_rc_errno(rc), "%s: cannot read: %s", s->path, zerror(rc));
	sub_end(s->l);
}

static void on_children(int rc, const struct String_vector *names, const struct Stat *stat,
			void *arg)
{
	struct zs_sub *s = arg;
	struct zs_load *l = s->l;
	enum sub_kind kind = s->kind == SUB_TASKS ? SUB_TASK : SUB_RESEED;
	char path[ZS_PATH_MAX];

	if (rc != ZOK) {
		load_fail(l, zk_rc_errno(rc), "%s: cannot list: %s", s->path, zerror(rc));
		goto out;
	}
	for (int i = 0; names && i < names->count && !l->rc; i++) {
		struct zs_sub *g;
		if (kind == SUB_RESEED && !ident_is_token(names->data[i])) {
			load_fail(l, -EPROTO, "%s/%s: not a reseed id ([A-Za-z0-9._-])",
				  s->path, names->data[i]);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", s->path, names->data[i]);
		g = sub_new(l, kind, path, names->data[i]);
		sub_started(l, g, g ? zk_get(l->st->s, path, NULL, NULL, on_data, g) : -ENOMEM);
	}
out:
	sub_end(l);
}

/* ------------------------------------------------------------- phases */

static void start_create(struct zs_load *l, const char *rel, const char *data)
{
	char path[ZS_PATH_MAX];
	struct zs_sub *s;
	zs_path(l->st, rel, path, sizeof(path));
	s = sub_new(l, SUB_CREATE, path, NULL);
	sub_started(l, s, s ? zk_create(l->st->s, path, data, data ? strlen(data) : 0,
					ZOO_PERSISTENT, on_path, s) : -ENOMEM);
}

static void start_read(struct zs_load *l, enum sub_kind kind, const char *path)
{
	struct zs_sub *s = sub_new(l, kind, path, NULL);
	struct zk_session *zs = l->st->s;
	int rc = -ENOMEM;

	if (s && kind == SUB_TEARDOWN)
		rc = zk_exists(zs, path, NULL, NULL, on_exists, s);
	else if (s && (kind == SUB_TASKS || kind == SUB_RESEEDS))
		rc = zk_children(zs, path, NULL, NULL, on_children, s);
	else if (s)
		rc = zk_get(zs, path, NULL, NULL, on_data, s);
	sub_started(l, s, rc);
}

static void phase_start(struct zs_load *l)
{
	struct zk_store *st = l->st;
	char path[ZS_PATH_MAX];
	static const struct { enum sub_kind kind; const char *rel; } reads[] = {
		{ SUB_FWID, "framework_id" }, { SUB_TEARDOWN, "teardown" },
		{ SUB_NEXT, "next_member" }, { SUB_TASKS, "tasks" }, { SUB_RESEEDS, "reseed" },
	};

	l->pending++;   /* a guard while the phase's calls are being started */
	switch (l->phase) {
	case PH_DIRS:
		start_create(l, "tasks", NULL);
		start_create(l, "reseed", NULL);
		start_create(l, "leader", NULL);
		start_create(l, "next_member", "1");
		break;
	case PH_READ:
		for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
			zs_path(st, reads[i].rel, path, sizeof(path));
			start_read(l, reads[i].kind, path);
		}
		start_read(l, SUB_ORIG_FWID, st->orig_fwid);
		start_read(l, SUB_ORIG_RECON, st->orig_recon);
		break;
	default:
		break;
	}
	sub_end(l);
}

int zk_store_load(struct zk_store *st, zk_store_done_fn done, void *arg)
{
	char path[ZS_PATH_MAX];
	struct zs_load *l;
	struct zs_sub *s;
	int rc;

	if (!done)
		return -EINVAL;
	if (st->load || st->ops)
		return -EBUSY;
	if (zs_path(st, "format", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->st = st;
	l->done = done;
	l->arg = arg;
	l->phase = PH_FORMAT;
	s = sub_new(l, SUB_FORMAT_CREATE, path, NULL);
	if (!s) {
		free(l);
		return -ENOMEM;
	}
	rc = zk_create_parents(st->s, path, "1", 1, ZOO_PERSISTENT, on_path, s);
	if (rc < 0) {
		subs_free(l, false);
		free(l);
		return rc;
	}
	l->pending = 1;
	st->load = l;
	return 0;
}

/* ------------------------------------------------ the leader, from outside */

struct leader_query {
	zk_store_leader_fn done;
	void *arg;
};

static void leader_found(int rc, const char *path, const char *data, int len, void *arg)
{
	struct leader_query *q = arg;
	char *url = NULL;

	if (rc == ZOK) {
		url = malloc(len > 0 ? (size_t)len + 1 : 1);
		if (url) {
			if (len > 0)
				memcpy(url, data, (size_t)len);
			url[len > 0 ? len : 0] = '\0';
		} else {
			rc = ZSYSTEMERROR;
		}
	}
	q->done(rc, url, q->arg);
	free(url);
	free(q);
}

int zk_store_leader_url(struct zk_session *s, const char *base, const char *framework_name,
			zk_store_leader_fn done, void *arg)
{
	struct zk_store_config cfg = { .base = base, .framework_name = framework_name };
	struct zk_store *tmp = NULL;
	struct leader_query *q;
	char err[256];
	int rc;

	if (!done)
		return -EINVAL;
	rc = zk_store_new(s, &cfg, &tmp, err, sizeof(err));   /* checks and paths */
	if (rc < 0)
		return rc;
	q = malloc(sizeof(*q));
	if (!q) {
		zk_store_free(tmp);
		return -ENOMEM;
	}
	q->done = done;
	q->arg = arg;
	rc = zk_election_leader(s, zk_store_root(tmp), leader_found, q);
	zk_store_free(tmp);
	if (rc < 0)
		free(q);
	return rc;
}
