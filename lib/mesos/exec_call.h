/*
 * exec_call — encoders for the calls an executor sends to
 * /api/v1/executor (PROTOCOLS.md C.4), and the making of status updates.
 * Pure code apart from exec_update_new's random uuid (getrandom); no
 * logging, no state; callable anywhere, including inside callbacks.
 *
 * Every call carries executor_id and framework_id (both required by the
 * proto) and `type` (has_type = 1). SUBSCRIBE always carries its
 * `subscribe` sub-message, empty on a first subscription. MESSAGE data is
 * field 2 of Call.Message (the generated code knows; never hand-encode).
 *
 * Borrowing: inputs are only read. exec_update_new returns an owned
 * message (free with protobuf_c_message_free_unpacked(&u->base, NULL)).
 * Errors: 0, -EINVAL (missing id, TASK_STAGING, no task id, bad uuid),
 * -ENOMEM (out unchanged), or a getrandom errno.
 */
#ifndef EM_MESOS_EXEC_CALL_H
#define EM_MESOS_EXEC_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/mesos.pb-c.h"

int exec_encode_subscribe(const char *framework_id, const char *executor_id,
			  Mesos__V1__TaskInfo *const *tasks, size_t n_tasks,
			  Mesos__V1__Executor__Call__Update *const *updates, size_t n_updates,
			  struct buf *out);
int exec_encode_update(const char *framework_id, const char *executor_id,
		       const Mesos__V1__Executor__Call__Update *update, struct buf *out);
int exec_encode_message(const char *framework_id, const char *executor_id,
			const void *data, size_t len, struct buf *out);

/* A deep copy of status wrapped in a Call.Update, with a new random v4
 * uuid, source SOURCE_EXECUTOR, and timestamp now_s unless status has
 * one. status must have a task_id and a state other than TASK_STAGING
 * (the agent refuses it); its uuid and source are replaced. */
int exec_update_new(const Mesos__V1__TaskStatus *status, double now_s,
		    Mesos__V1__Executor__Call__Update **out);

/* The tasks of a LAUNCH_GROUP event, read from its unknown fields (our
 * protos leave LaunchGroup out); fn gets each TaskInfo that has a task id
 * (valid during the call). Returns how many; 0 for anything unreadable. */
size_t exec_launch_group_tasks(const Mesos__V1__Executor__Event *e,
			       void (*fn)(const Mesos__V1__TaskInfo *t, void *arg), void *arg);

#endif
