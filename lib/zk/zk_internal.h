/*
 * zk_internal — what zk_session.c (handle, loop, listeners) and zk_ops.c
 * (the asynchronous wrappers) share. Not for use outside lib/zk.
 */
#ifndef EM_ZK_ZK_INTERNAL_H
#define EM_ZK_ZK_INTERNAL_H

#include "zk/zk_session.h"

/* A watch set through us: lives from the call until it fires, until the
 * call's completion says it was not set, or until its handle is closed. */
struct zk_watch {
	struct zk_watch *prev, *next;
	struct zk_session *s;
	zhandle_t *zh;
	zk_watch_fn fn;
	void *arg;
};

struct zk_req;

struct zk_listener {
	zk_listener_fn fn;
	void *arg;
	bool live;
};

struct zk_session {
	struct ev_loop *loop;
	zhandle_t *zh;           /* never NULL between new and free */
	char *hosts;
	char *chroot;            /* "" or "/a/b" */
	size_t chroot_len;
	char *credentials;       /* NULL or "user:password" */
	char *display;
	struct ACL_vector acl;
	int timeout_ms;

	int fd;                  /* registered on the loop, or -1 */
	struct ev_timer timer;   /* zookeeper_interest's timeout */
	struct ev_timer retry;   /* zookeeper_init failed after an expiry */
	bool refresh_queued;
	int depth;               /* inside a ZooKeeper library call */
	bool freeing;            /* no user callback runs any more */
	bool auth_failed;

	bool connected;
	uint64_t lost_at_ms;
	uint64_t heard_ms;       /* the server was last heard from */
	int64_t session_id;

	struct zk_listener *listeners;
	size_t n_listeners, cap_listeners;
	int notifying;

	struct zk_watch watches; /* list head */
	struct zk_req *reqs;     /* calls in flight (zk_ops.c) */
};

/* Takes the client's socket off the loop before a library call that may
 * close it, so a callback that opens an fd (and gets the same number)
 * can register it; zk_refresh puts the socket back. */
void zk_session_release_fd(struct zk_session *s);
/* Asks for zookeeper_interest() to be re-read after this iteration. */
void zk_session_kick(struct zk_session *s);
/* "chroot + path" in a new string; NULL when path is malformed or on
 * ENOMEM (*rc says which). */
char *zk_full_path(const struct zk_session *s, const char *path, int *rc);
/* The chroot-relative form of a path the server gave. */
const char *zk_rel_path(const struct zk_session *s, const char *full);
/* Maps a synchronous zoo_a* error to a negative errno. */
int zk_sync_errno(int rc);

struct zk_watch *zk_watch_new(struct zk_session *s, zk_watch_fn fn, void *arg);
void zk_watch_drop(struct zk_watch *w);
void zk_watch_fire(zhandle_t *zh, int type, int state, const char *path, void *ctx);

#endif
