/*
 * sched_call — encoders for the calls a scheduler sends to
 * /api/v1/scheduler (PROTOCOLS.md A.8, A.9, J). Pure code: each function
 * builds one mesos.v1.scheduler.Call in protobuf-c structs on the stack,
 * packs it and appends the bytes to out. No I/O, no logging, no state;
 * callable anywhere, including inside callbacks.
 *
 * Every call gets `type` set explicitly (has_type = 1) and, except a first
 * SUBSCRIBE, `framework_id`. Sub-messages that Mesos requires are always
 * present, even when empty (RECONCILE with no task = implicit
 * reconciliation). Field numbers differ from type numbers for several
 * calls (REVIVE is field 15, type 5); protobuf-c's descriptors take care
 * of that.
 *
 * Borrowing: every pointer passed in is only read during the call.
 *
 * Errors: 0, -EINVAL (a required argument missing or empty, e.g. no
 * framework id, no offer id, an ACKNOWLEDGE without a 16-byte uuid), or
 * -ENOMEM (out unchanged).
 */
#ifndef EM_MESOS_SCHED_CALL_H
#define EM_MESOS_SCHED_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

/* What goes into FrameworkInfo (A.10). Strings are borrowed. */
struct sched_framework {
	const char *user;              /* required */
	const char *name;              /* required */
	const char *id;                /* NULL or "" on the very first subscribe */
	double failover_timeout_s;     /* sent when > 0 (Mesos' default 0 kills tasks) */
	bool checkpoint;               /* always sent */
	/* MULTI_ROLE when n_roles > 0 (the capability is added, `role` is not
	 * sent); otherwise the deprecated single `role` if non-NULL. */
	const char *const *roles;
	size_t n_roles;
	const char *role;
	const char *principal;         /* NULL: not sent */
	const char *webui_url;         /* NULL: not sent */
	const char *hostname;          /* NULL: not sent */
	/* Mesos__V1__FrameworkInfo__Capability__Type values; duplicates and
	 * MULTI_ROLE (added from roles) are sent once. */
	const int *capabilities;
	size_t n_capabilities;
};

/* One task of an explicit reconciliation; agent_id may be NULL. */
struct sched_reconcile_task {
	const char *task_id;
	const char *agent_id;
};

/* SUBSCRIBE: Call.framework_id and framework_info.id both set to fw->id
 * when it is non-empty (A.5 step 2), neither otherwise. */
int sched_encode_subscribe(const struct sched_framework *fw, struct buf *out);

/* ACCEPT: offer_ids (n >= 1) and operations (any number, applied in order),
 * filters.refuse_seconds when refuse_seconds >= 0. */
int sched_encode_accept(const char *framework_id, const char *const *offer_ids, size_t n_offers,
			Mesos__V1__Offer__Operation *const *ops, size_t n_ops,
			double refuse_seconds, struct buf *out);
/* DECLINE with filters.refuse_seconds when refuse_seconds >= 0. */
int sched_encode_decline(const char *framework_id, const char *const *offer_ids,
			 size_t n_offers, double refuse_seconds, struct buf *out);
/* REVIVE / SUPPRESS: the sub-message with `roles` when n_roles > 0, no
 * sub-message (all roles) otherwise. */
int sched_encode_revive(const char *framework_id, const char *const *roles, size_t n_roles,
			struct buf *out);
int sched_encode_suppress(const char *framework_id, const char *const *roles, size_t n_roles,
			  struct buf *out);
/* KILL: agent_id may be NULL. */
int sched_encode_kill(const char *framework_id, const char *task_id, const char *agent_id,
		      struct buf *out);
int sched_encode_shutdown(const char *framework_id, const char *executor_id,
			  const char *agent_id, struct buf *out);
/* ACKNOWLEDGE of a status update: needs status->uuid (16 bytes),
 * status->agent_id and status->task_id; -EINVAL otherwise (updates without
 * a uuid are never acknowledged, A.7). */
int sched_encode_acknowledge(const char *framework_id, const Mesos__V1__TaskStatus *status,
			     struct buf *out);
/* RECONCILE: n == 0 is implicit (an empty but present sub-message). */
int sched_encode_reconcile(const char *framework_id, const struct sched_reconcile_task *tasks,
			   size_t n, struct buf *out);
int sched_encode_message(const char *framework_id, const char *agent_id,
			 const char *executor_id, const void *data, size_t len, struct buf *out);
int sched_encode_teardown(const char *framework_id, struct buf *out);

/* "ACCEPT", "DECLINE", ... for logs ("UNKNOWN(n)" never: unknown -> "UNKNOWN"). */
const char *sched_call_type_name(int type);

#endif
