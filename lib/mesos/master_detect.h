/*
 * master_detect — follows the leading Mesos master in ZooKeeper
 * (PROTOCOLS.md D.3) on the event loop.
 *
 * It lists the children of `path` (relative to the session's zk:// chroot;
 * "/" is the chroot itself, e.g. the "/mesos" of zk://h:2181/mesos) with a
 * child watch, takes the master child with the lowest sequence
 * (master_info.h), reads its JSON MasterInfo and tells the owner. Every
 * child event re-lists and so re-arms the watch; a new session
 * (ZK_SESSION_CONNECTED, also after an expiry) re-lists too. A node that
 * vanished between list and read is simply re-listed.
 *
 * The owner hears on_leader only when the answer changes:
 *   leader != NULL   a (new) leading master; everything sent to the old
 *                    one must be dropped (connections, stream id, offers);
 *   leader == NULL   no usable leader right now (no master children, or
 *                    the leader is an old Mesos that writes only protobuf
 *                    or UPID nodes — logged as an error naming the fix —
 *                    or its info cannot be parsed). Tolerate it: keep
 *                    tasks, wait for the next call.
 * A lost ZooKeeper connection is not "no leader": the last answer stands
 * until the session is back.
 *
 * Ownership: the detector borrows the zk_session (which must outlive it)
 * and owns its copies. on_leader's argument is valid during the call.
 * on_leader may call master_detect_free() on its own detector.
 * Errors from master_detect_new: -EINVAL (bad path), -ENOMEM.
 */
#ifndef EM_MESOS_MASTER_DETECT_H
#define EM_MESOS_MASTER_DETECT_H

#include "mesos/master_info.h"
#include "zk/zk_session.h"

struct master_detect;

typedef void (*master_leader_fn)(struct master_detect *d, const struct master_addr *leader,
				 void *arg);

int master_detect_new(struct zk_session *zk, const char *path, master_leader_fn fn, void *arg,
		      struct master_detect **out);
void master_detect_free(struct master_detect *d);   /* NULL ok */

/* The current leader, or NULL. Valid until the next loop iteration. */
const struct master_addr *master_detect_leader(const struct master_detect *d);

#endif
