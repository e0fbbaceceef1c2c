/*
 * exec_session — a custom executor's session with its Mesos agent through
 * the v1 executor HTTP API (PROTOCOLS.md C, L.3), on the event loop.
 *
 * Subscribing: one POST of SUBSCRIBE to the agent (exec_env.h gives the
 * URL, ids, token and timeouts) whose 200 answer is the RecordIO event
 * stream; UPDATE and MESSAGE go on other connections. Every request
 * carries Content-Type application/x-protobuf (SUBSCRIBE also Accept) and,
 * with executor authentication, "Authorization: Bearer <token>".
 *
 * Events go to the owner's callbacks (each may be NULL): SUBSCRIBED,
 * LAUNCH, KILL, ACKNOWLEDGED (after the session dropped that update),
 * MESSAGE, SHUTDOWN, ERROR, HEARTBEAT. LAUNCH_GROUP is refused here: each
 * of its tasks gets a TASK_ERROR update saying this executor runs single
 * tasks only.
 *
 * Status updates (exec_session_update): each gets a new random v4 uuid
 * and source SOURCE_EXECUTOR, is kept until the agent ACKNOWLEDGEs that
 * uuid, and is posted one at a time in the order given (a failed POST is
 * retried, in order, with backoff; a 400 drops it with an error line, as
 * resending cannot help). A re-SUBSCRIBE carries every unacknowledged
 * update (same uuids) and every launched TaskInfo none of whose updates
 * has been acknowledged yet.
 *
 * Losing the agent (stream EOF or error, connection refused or reset):
 *   MESOS_CHECKPOINT=0   on_lost(EXEC_LOST_NO_CHECKPOINT): kill the tasks
 *                        and exit; the session stops.
 *   MESOS_CHECKPOINT=1   re-subscribe with backoff capped at
 *                        MESOS_SUBSCRIPTION_BACKOFF_MAX; after
 *                        MESOS_RECOVERY_TIMEOUT without success,
 *                        on_lost(EXEC_LOST_RECOVERY_TIMEOUT): exit non-zero.
 * A 503 (agent recovering) is always retried the same way, bounded by
 * MESOS_RECOVERY_TIMEOUT. A SUBSCRIBE answered 400/401/403 (or 405/406/
 * 415) is on_lost(EXEC_LOST_REFUSED) with the agent's body.
 *
 * Ownership: the session copies the environment it is given; everything
 * passed to a callback is valid during the call only. Every function may
 * be called from inside any callback, exec_session_free() included.
 * Errors: 0 or a negative errno (-EINVAL, -ENOMEM, -ENOTCONN).
 */
#ifndef EM_MESOS_EXEC_SESSION_H
#define EM_MESOS_EXEC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"
#include "mesos/exec_env.h"
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/mesos.pb-c.h"

struct exec_session;

struct exec_session_config {
	struct ev_loop *loop;
	const struct exec_env *env;       /* copied */
	uint64_t subscribe_timeout_ms;    /* until the SUBSCRIBE head; 0 = 30000 */
	uint64_t call_timeout_ms;         /* UPDATE/MESSAGE; 0 = 30000 */
	uint64_t backoff_initial_ms;      /* 0 = 100 (capped by the env's max) */
};

enum exec_lost_reason {
	EXEC_LOST_NO_CHECKPOINT,     /* agent connection lost, no checkpointing */
	EXEC_LOST_RECOVERY_TIMEOUT,  /* agent not back within MESOS_RECOVERY_TIMEOUT */
	EXEC_LOST_REFUSED,           /* SUBSCRIBE refused (status, body in detail) */
};

struct exec_session_cbs {
	void (*on_subscribed)(struct exec_session *s,
			      const Mesos__V1__Executor__Event__Subscribed *sub, void *arg);
	void (*on_launch)(struct exec_session *s, const Mesos__V1__TaskInfo *task, void *arg);
	void (*on_kill)(struct exec_session *s, const Mesos__V1__Executor__Event__Kill *kill,
			void *arg);
	void (*on_acknowledged)(struct exec_session *s, const char *task_id,
				const uint8_t *uuid, size_t uuid_len, void *arg);
	void (*on_message)(struct exec_session *s, const void *data, size_t len, void *arg);
	void (*on_shutdown)(struct exec_session *s, void *arg);
	/* ERROR event; the session then re-subscribes as for a lost stream. */
	void (*on_error)(struct exec_session *s, const char *message, void *arg);
	void (*on_heartbeat)(struct exec_session *s, void *arg);
	/* The session has stopped for good; detail is one line for the log. */
	void (*on_lost)(struct exec_session *s, enum exec_lost_reason why, const char *detail,
			void *arg);
};

int exec_session_new(const struct exec_session_config *cfg, const struct exec_session_cbs *cbs,
		     void *arg, struct exec_session **out, char *err, size_t errlen);
void exec_session_free(struct exec_session *s);   /* no callbacks; NULL ok */
/* Sends the first SUBSCRIBE. 0 or -EALREADY. */
int exec_session_start(struct exec_session *s);

/* Queues a status update (see above); status is copied. task_id and a
 * state other than TASK_STAGING are required (-EINVAL). Works while
 * disconnected too: the update then goes with the next SUBSCRIBE. */
int exec_session_update(struct exec_session *s, const Mesos__V1__TaskStatus *status);
/* Best-effort data to the scheduler; -ENOTCONN when not subscribed. */
int exec_session_message(struct exec_session *s, const void *data, size_t len);

bool exec_session_subscribed(const struct exec_session *s);
size_t exec_session_unacked(const struct exec_session *s);   /* updates kept */
const char *exec_lost_reason_name(enum exec_lost_reason why);

#endif
