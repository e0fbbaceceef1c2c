/*
 * zk_probe.h — what the ZooKeeper test drivers (zk_probe.c, zk_elect.c)
 * share: the loop, CHECK lines on stderr ("ok: ..." / "FAIL: ..."), a
 * session that records its events, and blocking-looking wrappers that
 * run the loop until a completion arrives (bounded by a deadline).
 */
#ifndef EM_T_ZK_PROBE_H
#define EM_T_ZK_PROBE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev/ev.h"
#include "zk/zk_election.h"
#include "zk/zk_session.h"

static struct ev_loop *loop;
static int failures;

#define CHECK(cond, ...) check_((cond), __LINE__, __VA_ARGS__)

__attribute__((format(printf, 3, 4)))
static inline bool check_(bool cond, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cond ? "ok" : "FAIL");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, cond ? "\n" : " (line %d)\n", line);
	if (!cond)
		failures++;
	return cond;
}

/* Runs the loop until *flag or the deadline; true if *flag. */
static inline bool run_until(const bool *flag, int ms)
{
	uint64_t end = ev_time_ms() + (uint64_t)ms;
	while (!*flag && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *flag;
}

/* ---- session state ---- */

struct sess {
	struct zk_session *s;
	int events[16];
	int nevents;
	bool connected;
	bool expired;
};

static inline void on_session(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct sess *x = arg;
	if (x->nevents < 16)
		x->events[x->nevents++] = (int)ev;
	fprintf(stderr, "  session event: %s (id 0x%llx)\n", zk_session_event_name(ev),
		(unsigned long long)zk_session_id(s));
	if (ev == ZK_SESSION_CONNECTED || ev == ZK_SESSION_RECONNECTED)
		x->connected = true;
	else
		x->connected = false;
	if (ev == ZK_SESSION_EXPIRED)
		x->expired = true;
}

static inline bool sess_open(struct sess *x, const char *uri, int timeout_ms)
{
	char err[256];
	int rc;
	memset(x, 0, sizeof(*x));
	rc = zk_session_new(loop, uri, timeout_ms, &x->s, err, sizeof(err));
	if (!CHECK(rc == 0, "session: %s", rc ? err : zk_session_display(x->s)))
		return false;
	zk_session_listen(x->s, on_session, x);
	return CHECK(run_until(&x->connected, 10000), "session connected");
}

/* ---- synchronous-looking wrappers for the test ---- */

struct res {
	bool done;
	int rc;
	char data[512];
	int len;
	struct Stat st;
	char path[512];
	char names[32][64];
	int nnames;
	const struct zk_multi *m;
	int mres[8];
	char mcreated[8][256];
};

static inline void res_path(int rc, const char *path, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	if (path)
		snprintf(r->path, sizeof(r->path), "%s", path);
	r->done = true;
}

static inline void res_data(int rc, const char *data, int len, const struct Stat *st, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	r->len = len;
	if (data && len > 0)
		snprintf(r->data, sizeof(r->data), "%.*s", len, data);
	if (st)
		r->st = *st;
	r->done = true;
}

static inline void res_stat(int rc, const struct Stat *st, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	if (st)
		r->st = *st;
	r->done = true;
}

static inline void res_done(int rc, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	r->done = true;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static inline void res_children(int rc, const struct String_vector *names, const struct Stat *st,
			 void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	for (int i = 0; names && i < names->count && i < 32; i++)
		snprintf(r->names[r->nnames++], 64, "%s", names->data[i]);
	qsort(r->names, (size_t)r->nnames, 64, cmp_str);
	r->done = true;
}

static inline void res_multi(int rc, const struct zk_multi *m, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	for (size_t i = 0; i < zk_multi_count(m) && i < 8; i++) {
		const char *c = zk_multi_created(m, i);
		r->mres[i] = zk_multi_result(m, i);
		snprintf(r->mcreated[i], 256, "%s", c ? c : "");
	}
	r->done = true;
}

/* Returns the completion's rc, or a marker when the call failed at once
 * (negative errno - 1000) or timed out (-9999). */
static inline int finish(int sync_rc, struct res *r)
{
	if (sync_rc < 0)
		return sync_rc - 1000;
	if (!run_until(&r->done, 10000))
		return -9999;
	return r->rc;
}

static inline int p_create(struct zk_session *s, const char *path, const char *data, int mode,
		    bool parents, struct res *r)
{
	memset(r, 0, sizeof(*r));
	if (parents)
		return finish(zk_create_parents(s, path, data, data ? strlen(data) : 0,
						mode, res_path, r), r);
	return finish(zk_create(s, path, data, data ? strlen(data) : 0, mode, res_path, r), r);
}

static inline int p_get(struct zk_session *s, const char *path, zk_watch_fn w, void *warg,
		 struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_get(s, path, w, warg, res_data, r), r);
}

static inline int p_set(struct zk_session *s, const char *path, const char *data, int version,
		 struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_set(s, path, data, strlen(data), version, res_stat, r), r);
}

static inline int p_delete(struct zk_session *s, const char *path, int version, struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_delete(s, path, version, res_done, r), r);
}

static inline int p_children(struct zk_session *s, const char *path, zk_watch_fn w, void *warg,
		      struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_children(s, path, w, warg, res_children, r), r);
}

static inline int p_exists(struct zk_session *s, const char *path, zk_watch_fn w, void *warg,
		    struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_exists(s, path, w, warg, res_stat, r), r);
}

static inline int p_multi(struct zk_session *s, struct zk_multi *m, struct res *r)
{
	memset(r, 0, sizeof(*r));
	return finish(zk_multi_commit(s, m, res_multi, r), r);
}

struct watchlog {
	int n;
	int type[8];
	char path[8][128];
};

static inline void on_watch(int type, const char *path, void *arg)
{
	struct watchlog *w = arg;
	if (w->n < 8) {
		w->type[w->n] = type;
		snprintf(w->path[w->n], 128, "%s", path ? path : "");
	}
	w->n++;
}

static inline bool run_until_count(const int *n, int want, int ms)
{
	uint64_t end = ev_time_ms() + (uint64_t)ms;
	while (*n < want && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *n >= want;
}

static inline void settle(int ms)
{
	uint64_t end = ev_time_ms() + (uint64_t)ms;
	while (ev_time_ms() < end)
		ev_run_once(loop, 20);
}

struct solo {
	int ups, downs;
	bool leader;
};

static inline void solo_change(struct zk_election *e, bool leader, void *arg)
{
	struct solo *so = arg;
	so->leader = leader;
	if (leader)
		so->ups++;
	else
		so->downs++;
}


#endif
