/*
 * zk_session — one ZooKeeper session on the event loop, through the
 * single-threaded C client (zookeeper_st). Only asynchronous calls are
 * used; the client's socket and timeout are re-read from
 * zookeeper_interest() after every step and registered on the loop.
 *
 * Addressing: the session is made from a zk:// URI
 * (zk://[user:password@]h1:p1,h2:p2/chroot). Every path given to or
 * returned by this module is relative to the URI's path and starts with
 * '/'; "/" names the chroot itself. The chroot is a plain prefix added
 * here (not the client's chroot), so zk_create_parents() can create it.
 *
 * Credentials: with user:password in the URI the session authenticates
 * with the digest scheme (on every reconnect too) and creates nodes with
 * world-read + creator-all ACLs; without, nodes are world-open.
 *
 * Session life: zk_session_new() returns at once; listeners hear
 *   ZK_SESSION_CONNECTED     a NEW session is up (first one, or after an
 *                            expiry): (re)create ephemerals and watches;
 *   ZK_SESSION_RECONNECTED   the same session is back after a disconnect:
 *                            ephemerals and watches survived;
 *   ZK_SESSION_DISCONNECTED  connection lost; the client retries; the
 *                            session may still be alive on the server;
 *   ZK_SESSION_EXPIRED       the session is gone (ephemerals deleted,
 *                            watches lost); a new session is started at
 *                            once and CONNECTED follows when it is up;
 *   ZK_SESSION_AUTH_FAILED   final: the credentials were refused.
 * The old handle is closed from a deferred call, never inside a ZooKeeper
 * callback.
 *
 * Completions: every wrapper returns 0 (the completion will run exactly
 * once, from the loop) or a negative errno (the completion never runs):
 * -EINVAL (bad path or argument), -ENOMEM, -ENOTCONN (no usable handle:
 * expired and not yet replaced, or auth failed). The completion's rc is a
 * ZooKeeper code — ZOK, ZNONODE, ZNODEEXISTS, ZBADVERSION, ZNOTEMPTY,
 * ZNOAUTH, ZCONNECTIONLOSS (outcome unknown), ZOPERATIONTIMEOUT,
 * ZSESSIONEXPIRED, ZCLOSING, ... — because callers must tell them apart;
 * zk_rc_errno() maps one to a negative errno. Values handed to a
 * completion (data, paths, names, stat) are valid during the call only.
 *
 * Watches fire once with the event type (ZOO_CREATED_EVENT,
 * ZOO_DELETED_EVENT, ZOO_CHANGED_EVENT, ZOO_CHILD_EVENT) and the path.
 * Session events never reach them. A watch that was not set (the call
 * failed; for zk_exists a ZNONODE still sets it) or that dies with its
 * session (expiry, zk_session_free) is dropped without a call.
 *
 * Re-entrancy: every function here may be called from a completion, a
 * watch or a listener, zk_session_free() included (the teardown is then
 * deferred). After zk_session_free() returns, no completion, watch or
 * listener of this session runs again.
 *
 * The ZooKeeper library's own log goes to our log at WARNING and above.
 */
#ifndef EM_ZK_ZK_SESSION_H
#define EM_ZK_ZK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zookeeper/zookeeper.h>

#include "ev/ev.h"

struct zk_session;

enum zk_session_event {
	ZK_SESSION_CONNECTED,
	ZK_SESSION_RECONNECTED,
	ZK_SESSION_DISCONNECTED,
	ZK_SESSION_EXPIRED,
	ZK_SESSION_AUTH_FAILED,
};

const char *zk_session_event_name(enum zk_session_event ev);

typedef void (*zk_listener_fn)(struct zk_session *s, enum zk_session_event ev, void *arg);

/* uri: zk://... (see lib/net/url.h). session_timeout_ms: asked of the
 * server, which clamps it to 2..20 ticks. On failure err holds one line
 * (credentials never shown). -EINVAL (bad URI), -ENOMEM, or what
 * zookeeper_init() left in errno. */
int zk_session_new(struct ev_loop *loop, const char *uri, int session_timeout_ms,
		   struct zk_session **out, char *err, size_t errlen);
/* Closes the session (its ephemerals go at once) and frees everything.
 * May block up to ~1.5 s for the server's close answer (the C client
 * waits): call it at shutdown. Accepts NULL. */
void zk_session_free(struct zk_session *s);

/* Listeners are called in the order added; -ENOMEM only. Removing one
 * (even from inside a listener) takes effect at once. */
int zk_session_listen(struct zk_session *s, zk_listener_fn fn, void *arg);
void zk_session_unlisten(struct zk_session *s, zk_listener_fn fn, void *arg);

struct ev_loop *zk_session_loop(const struct zk_session *s);
bool zk_session_connected(const struct zk_session *s);
/* Milliseconds since the connection was lost, 0 while connected. */
uint64_t zk_session_disconnected_ms(const struct zk_session *s);
/* Milliseconds since anything was last received from the server (the
 * client pings every third of the timeout, so a healthy session stays
 * well below half of it). Counts a stopped process's sleep too. 0 before
 * the first connect. */
uint64_t zk_session_silence_ms(const struct zk_session *s);
/* The current session id (0 before the first connect). */
int64_t zk_session_id(const struct zk_session *s);
/* The negotiated session timeout (the asked one before connecting). */
int zk_session_timeout_ms(const struct zk_session *s);
/* "zk://[***@]hosts/chroot", for logs. */
const char *zk_session_display(const struct zk_session *s);

/* No completion or watch whose arg (or watch_arg) is arg runs after this
 * returns; the calls stay in flight and are dropped when they end. For an
 * owner that goes away before its calls finish. */
void zk_session_cancel(struct zk_session *s, const void *arg);

/* ZooKeeper code -> negative errno (ZOK -> 0). */
int zk_rc_errno(int rc);

typedef void (*zk_done_fn)(int rc, void *arg);
typedef void (*zk_stat_fn)(int rc, const struct Stat *st, void *arg);
typedef void (*zk_data_fn)(int rc, const char *data, int len,
			   const struct Stat *st, void *arg);
typedef void (*zk_path_fn)(int rc, const char *path, void *arg);
typedef void (*zk_children_fn)(int rc, const struct String_vector *names,
			       const struct Stat *st, void *arg);
typedef void (*zk_watch_fn)(int type, const char *path, void *arg);

/* mode: ZOO_PERSISTENT, ZOO_EPHEMERAL, ZOO_PERSISTENT_SEQUENTIAL,
 * ZOO_EPHEMERAL_SEQUENTIAL. data may be NULL (len ignored: null data).
 * The completion gets the path created (with the sequence suffix). */
int zk_create(struct zk_session *s, const char *path, const void *data, size_t len,
	      int mode, zk_path_fn done, void *arg);
/* Like zk_create, but first creates missing ancestors (persistent, empty;
 * ZNODEEXISTS on them is fine). */
int zk_create_parents(struct zk_session *s, const char *path, const void *data,
		      size_t len, int mode, zk_path_fn done, void *arg);
/* watch may be NULL. */
int zk_get(struct zk_session *s, const char *path, zk_watch_fn watch, void *watch_arg,
	   zk_data_fn done, void *arg);
/* version: the stat.version last read (CAS; ZBADVERSION if it moved), or -1. */
int zk_set(struct zk_session *s, const char *path, const void *data, size_t len,
	   int version, zk_stat_fn done, void *arg);
int zk_delete(struct zk_session *s, const char *path, int version,
	      zk_done_fn done, void *arg);
/* names are relative and unsorted; st is the parent's stat. */
int zk_children(struct zk_session *s, const char *path, zk_watch_fn watch,
		void *watch_arg, zk_children_fn done, void *arg);
/* ZNONODE when absent; a watch is set then too and fires on creation. */
int zk_exists(struct zk_session *s, const char *path, zk_watch_fn watch,
	      void *watch_arg, zk_stat_fn done, void *arg);

/* The child of dir with the lowest sequence suffix ("..._NNNNNNNNNN",
 * ten digits; other names are skipped) and its data: the current leader
 * of an election directory. path is that child (chroot-relative). rc is
 * ZNONODE when there is none (or no dir); a child that vanishes between
 * listing and reading is looked up again (a few times). */
typedef void (*zk_lowest_fn)(int rc, const char *path, const char *data, int len,
			     void *arg);
int zk_get_lowest(struct zk_session *s, const char *dir, zk_lowest_fn done, void *arg);

/* ---- multi: an atomic batch ----
 * Build with zk_multi_new and the zk_multi_* adders (they copy paths and
 * data), then zk_multi_commit, which takes the batch in every case. The
 * completion gets the batch to read per-op results; it is freed after the
 * completion returns. An adder fails with -ENOMEM or -EINVAL (bad path). */
struct zk_multi;

struct zk_multi *zk_multi_new(void);
void zk_multi_free(struct zk_multi *m);
int zk_multi_create(struct zk_multi *m, const char *path, const void *data,
		    size_t len, int mode);
int zk_multi_delete(struct zk_multi *m, const char *path, int version);
int zk_multi_set(struct zk_multi *m, const char *path, const void *data,
		 size_t len, int version);
/* version -1: the node must exist (the usual fencing check). */
int zk_multi_check(struct zk_multi *m, const char *path, int version);
size_t zk_multi_count(const struct zk_multi *m);
/* Per-op ZooKeeper code after completion (ZOK for the ops of a batch that
 * succeeded; the failing op has its code, the others ZRUNTIMEINCONSISTENCY). */
int zk_multi_result(const struct zk_multi *m, size_t i);
/* Path created by op i (a create op of a successful batch), else NULL. */
const char *zk_multi_created(const struct zk_multi *m, size_t i);

typedef void (*zk_multi_fn)(int rc, const struct zk_multi *m, void *arg);

int zk_multi_commit(struct zk_session *s, struct zk_multi *m, zk_multi_fn done, void *arg);

#endif
