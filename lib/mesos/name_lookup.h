/*
 * name_lookup — one host name resolved off the event loop, for the names
 * Mesos hands us at run time (the leader in a 307 Location is the
 * master's hostname, PROTOCOLS.md A.4). DNS blocks, and the loop must
 * not, so a short-lived child process runs http_resolve_blocking() and
 * writes the address text back through a pipe; the loop reaps the child.
 *
 * name_lookup_start() returns 0 and later calls done exactly once (rc 0
 * and the address, or -ENOENT: no address, -ETIMEDOUT: no answer within
 * timeout_ms, -EPROTO: the child failed), unless name_lookup_cancel()
 * comes first (then never). It fails synchronously with -EINVAL (empty
 * or over-long name), -ENOMEM, or the errno of pipe/fork, and then never
 * calls done. A numeric address or "localhost" is answered without a
 * child, still from the loop (never inside name_lookup_start).
 *
 * Ownership: the lookup frees itself after done returns or on cancel.
 * done may start or cancel other lookups. The child only resolves,
 * writes and _exits: no loop, no atexit handlers, no buffered stdio.
 */
#ifndef EM_MESOS_NAME_LOOKUP_H
#define EM_MESOS_NAME_LOOKUP_H

#include <stdint.h>

#include "ev/ev.h"

struct name_lookup;

typedef void (*name_lookup_fn)(int rc, const char *addr, void *arg);

int name_lookup_start(struct ev_loop *loop, const char *host, uint64_t timeout_ms,
		      name_lookup_fn done, void *arg, struct name_lookup **out);
void name_lookup_cancel(struct name_lookup *l);   /* NULL ok */

#endif
