/*
 * executor_int — what executor_task.c (session, task, etcd states) and
 * executor_msg.c (framework messages) share. Not for other modules.
 * One struct executor per process, owned by executor_run().
 */
#ifndef EM_EXECUTOR_EXECUTOR_INT_H
#define EM_EXECUTOR_EXECUTOR_INT_H

#include "executor.h"
#include "etcd_proc.h"
#include "cluster/fw_message.h"
#include "cluster/member_config.h"
#include "cluster/status_data.h"
#include "mesos/exec_session.h"

#include <stdbool.h>
#include <stdint.h>

#define EXEC_TASK_ID_MAX 256

enum exec_task_phase {
	TASK_NONE = 0,     /* no task launched yet */
	TASK_ACTIVE,       /* etcd supervised */
	TASK_STOPPING,     /* kill/shutdown/lost: stopping etcd */
	TASK_DONE,         /* terminal update sent */
};

struct executor {
	struct ev_loop *loop;
	const struct executor_opts *o;
	struct exec_session *s;
	char sandbox[4096];
	uint64_t shutdown_grace_ms;

	enum exec_task_phase phase;
	char task_id[EXEC_TASK_ID_MAX];
	uint64_t kill_grace_ms;          /* TaskInfo.kill_policy, else shutdown grace */
	struct member_config mc;
	struct etcd_proc *proc;
	Mesos__V1__TaskState mesos_state;   /* the last non-terminal state sent */
	struct member_report report;        /* what the updates carry */
	bool kill_pending;                  /* a KILL waits for a fence to end */
	uint64_t pending_grace_ms;
	Mesos__V1__TaskState stop_state;    /* TASK_KILLED, or FAILED when lost */
	char stop_message[256];

	bool stop_started;                  /* etcd_proc_stop accepted */
	bool terminal_sent;

	/* framework message ops in flight (one each, as in etcd_proc) */
	struct fw_message fence_req;
	bool fence_pending;
	struct fw_message force_req;
	char force_id[IDENT_TOKEN_MAX + 1]; /* the last force started */
	struct fw_message snap_req;
	bool snap_pending;

	bool exiting;                       /* waiting for the last acks */
	int exit_code;
	struct ev_timer exit_timer;
	bool shutdown_asked;
	bool lost;
};

/* executor_task.c */
/* Sends a status update for our task: state, message (may be NULL), and
 * status_data from x->report, with answer when not NULL. */
void exec_send_update(struct executor *x, Mesos__V1__TaskState state, const char *message,
		      const struct fw_message *answer);
/* Begins stopping etcd (or finishes at once when none runs). */
void exec_stop_task(struct executor *x, uint64_t grace_ms, Mesos__V1__TaskState final_state,
		    const char *message);
/* Waits (bounded) for the acknowledgements, then leaves the loop. */
void exec_finish(struct executor *x, int code);

/* executor_msg.c */
void exec_on_message(struct exec_session *s, const void *data, size_t len, void *arg);
const char *exec_task_state_name(Mesos__V1__TaskState st);

#endif
