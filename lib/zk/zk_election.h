/*
 * zk_election — leader election on a zk_session (PROTOCOLS.md I.5).
 *
 * Each contender holds one ephemeral sequential node
 * <root>/leader/n_NNNNNNNNNN whose data is a caller-given string (the
 * admin URL). The lowest sequence leads; every other contender watches
 * only its predecessor. A create that ends in ZCONNECTIONLOSS may have
 * happened: the node is then found among the children by its
 * ephemeralOwner (our session id) before a new one is made.
 *
 * Leadership ends at once when the session expires (before any new
 * session exists), when the own node disappears, when the connection is
 * lost and a whole session timeout has passed since the server was last
 * heard from, or on zk_election_free. The
 * callback hears every change (true: now leader, false: no longer).
 *
 * Fencing: zk_election_epoch() is the own sequence number (larger for
 * every later contender) and zk_election_fence() adds a check op on the
 * own node to a multi, so a deposed leader's late write fails (ZNONODE).
 *
 * Ownership: the election keeps pointers to the session (which must
 * outlive it) and copies root and data. Every function may be called from
 * inside a session or election callback, zk_election_free included.
 * Errors: -EINVAL, -ENOMEM, -EPERM (fence while not leader).
 */
#ifndef EM_ZK_ZK_ELECTION_H
#define EM_ZK_ZK_ELECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "zk/zk_session.h"

struct zk_election;

typedef void (*zk_election_fn)(struct zk_election *e, bool leader, void *arg);

struct zk_election_config {
	const char *root;         /* chroot-relative, e.g. "/etcd-mesos-fw" */
	const char *data;         /* the own node's data, e.g. the admin URL */
	zk_election_fn on_change;
	void *arg;
};

/* Joins at once if the session is connected, else when it connects. */
int zk_election_new(struct zk_session *s, const struct zk_election_config *cfg,
		    struct zk_election **out);
/* Leaves: no more callbacks; the own node is deleted (asynchronously)
 * so a standby takes over without waiting for a session timeout.
 * Accepts NULL. */
void zk_election_free(struct zk_election *e);

bool zk_election_is_leader(const struct zk_election *e);
/* Leader, and the server was heard from recently: within 2/3 of the
 * session timeout while connected, within 1/3 while disconnected
 * (SAFETY.md 2). A process resumed after a long stop fails this at once,
 * before the client even notices the lost session. */
bool zk_election_can_act(const struct zk_election *e);
/* The own node ("<root>/leader/n_0000000042"), or NULL while none. */
const char *zk_election_node(const struct zk_election *e);
/* The own node's sequence number, or -1 while none. */
int64_t zk_election_epoch(const struct zk_election *e);
/* Adds "own node exists" to m. -EPERM when not leader. */
int zk_election_fence(const struct zk_election *e, struct zk_multi *m);

/* Who leads the election under root (for standbys and ctl, no
 * contender needed): done gets the leader's node and its data (the admin
 * URL), or ZNONODE when nobody contends. Same rules as zk_get_lowest. */
int zk_election_leader(struct zk_session *s, const char *root, zk_lowest_fn done,
		       void *arg);

#endif
