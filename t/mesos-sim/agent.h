/*
 * agent.h — private declarations of the sim's agent side (simagent):
 * agent lifecycle and chaos (agent.c), executor and command-task launch
 * and exit (agent_launch.c), the status-update manager (agent_status.c),
 * the executor HTTP API (executor_api.c, executor_api_events.c), plus
 * launch.h and fetch.h. The master side does not include this file,
 * except for the chaos calls at the end, which its control API may use.
 *
 * Ownership: the agent side owns every agent_priv: struct agent_state
 * (sim_agent.agent_priv), struct agent_exec (sim_executor.agent_priv for
 * a custom executor; a command task's own executor hangs off its
 * agent_task) and struct agent_task (sim_task.agent_priv). Protobuf
 * copies inside them are owned too. Nothing here is referenced across an
 * agent kill: sim_agent_kill drops every agent_priv of that agent.
 *
 * Everything runs on the sim's loop; all functions may be called from
 * callbacks. Errors: 0 or a negative errno.
 */
#ifndef EM_T_MESOS_SIM_AGENT_H
#define EM_T_MESOS_SIM_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim.h"
#include "fetch.h"
#include "net/http_client.h"

/* ---- configuration (flags in agent.c) ---- */

struct agent_conf {
	int64_t registration_timeout_ms;    /* --executor-registration-timeout, 60 s */
	int64_t reregistration_timeout_ms;  /* --executor-reregistration-timeout, 2 s */
	int64_t shutdown_grace_ms;          /* --executor-shutdown-grace-period, 5 s */
	int64_t recovery_timeout_ms;        /* --recovery-timeout, 15 min */
	int64_t recovery_delay_ms;          /* --agent-recovery-delay: 503 window, 200 ms */
	int64_t update_retry_min_ms;        /* --status-update-retry-min, 1 s (Mesos 10 s) */
	int64_t update_retry_max_ms;        /* --status-update-retry-max, 60 s (Mesos 10 min) */
	int64_t fetch_stall_ms;             /* --fetcher-stall-timeout, 60 s */
	int64_t agent_port;                 /* --agent-port: 0 = any free port */
};
extern struct agent_conf agent_conf;

/* ---- per agent ---- */

enum agent_run_state {
	AGENT_RUNNING,
	AGENT_RECOVERING,       /* restarted: executor API answers 503 */
	AGENT_RECONNECTING,     /* waiting for executors to re-subscribe */
	AGENT_DEAD,             /* killed: no server, no processes */
};

struct agent_state {
	struct sim_agent *a;
	enum agent_run_state state;
	struct http_server *http;
	struct sim_link execs;              /* struct agent_exec.link */
	struct ev_timer recovery_timer;     /* RECOVERING -> RECONNECTING -> RUNNING */
	bool cut_off;                       /* /agent/disconnect: running, but the
					     * master has no news of it */
};

/* ---- one executor run (custom executor or a command task's) ---- */

enum agent_exec_state {
	AX_FETCHING,            /* sandbox made, URIs being fetched */
	AX_REGISTERING,         /* process started, no SUBSCRIBE yet */
	AX_RUNNING,             /* subscribed at least once */
	AX_TERMINATING,         /* shutdown/kill sent; waiting for the exit */
};

struct agent_exec {
	struct sim_link link;               /* in agent_state.execs */
	struct agent_state *as;
	struct sim_executor *e;             /* NULL for a command task */
	struct sim_task *cmd_task;          /* the command task, or NULL */
	char fw_id[SIM_MAX_ID];
	char exec_id[SIM_MAX_ID];
	char container_id[37];
	char *sandbox;
	bool checkpoint;
	enum agent_exec_state state;
	pid_t pid;                          /* 0 = none (before spawn, after exit) */
	struct fetch *fetch;
	struct http_req *stream;            /* SUBSCRIBE answer, or NULL */
	struct sim_link tasks;              /* struct agent_task.xlink */
	struct ev_timer reg_timer;          /* registration / reregistration timeout */
	struct ev_timer kill_timer;         /* grace period, then SIGKILL */
	uint64_t grace_ms;                  /* shutdown grace of this executor */
	/* Why it is being destroyed: the state/reason/message its remaining
	 * tasks get when it exits. Default TASK_FAILED, EXECUTOR_TERMINATED,
	 * "Executor terminated". */
	Mesos__V1__TaskState exit_state;
	Mesos__V1__TaskStatus__Reason exit_reason;
	char exit_message[256];
	bool report_lost;                   /* exit_state depends on PARTITION_AWARE */
	bool cmd_killed;                    /* command task: a KILL was sent */
	bool awaiting_resubscribe;          /* agent restarted; not back yet */
	struct ev_timer start_timer;        /* asynchronous start / exit report */
	bool report_pending;                /* start_timer reports a destroy */
	bool fetch_failing;                 /* start_timer fails the fetch (injected) */
};

/* ---- one task on an agent ---- */

struct agent_update {
	struct agent_update *next;
	Mesos__V1__TaskStatus *st;          /* owned */
};

struct agent_task {
	struct sim_task *t;
	struct agent_exec *ax;              /* NULL once its executor is gone */
	struct sim_link xlink;              /* in ax->tasks */
	bool delivered;                     /* LAUNCH sent to the executor */
	Mesos__V1__TaskState state;         /* latest state the agent stored */
	bool has_state;                     /* false: STAGING */
	struct agent_update *head, *tail;   /* head = in flight to the master */
	uint8_t (*uuids)[16];               /* every uuid stored, for duplicates */
	size_t n_uuids;
	struct ev_timer retry;
	uint64_t backoff_ms;
};

/* ---- agent.c ---- */

struct agent_state *agent_of(struct sim_agent *a);
struct http_client *agent_http_client(struct sim *sim);
/* The executor run of (fw_id, exec_id) on as, or NULL. */
struct agent_exec *agent_exec_find(struct agent_state *as, const char *fw_id,
				   const char *exec_id);
bool agent_fw_partition_aware(const struct sim_framework *fw);
bool agent_fw_checkpoint(const struct sim_framework *fw);

/* ---- agent_launch.c ---- */

/* Starts an executor run for e (custom) or t (command task). */
int agent_exec_start(struct agent_state *as, struct sim_executor *e, struct sim_task *cmd_task,
		     struct agent_exec **out);
/* Attaches t to ax (agent_task made if needed); delivered when ax runs. */
int agent_task_attach(struct agent_exec *ax, struct sim_task *t);
/* Signals the executor's process group. */
void agent_exec_signal(struct agent_exec *ax, int sig);
/* Destroys: SIGKILL to the process group now; the exit is then reported
 * with state/reason/message (exit_state etc. set by the caller). */
void agent_exec_destroy(struct agent_exec *ax, Mesos__V1__TaskState st,
			Mesos__V1__TaskStatus__Reason reason, const char *msg, bool lost);
/* SHUTDOWN: event (custom) or SIGTERM (command), then SIGKILL after grace. */
void agent_exec_shutdown(struct agent_exec *ax);
/* Frees ax without reporting anything: child watch removed (the process
 * is not signalled), tasks detached, e->agent_priv cleared. */
void agent_exec_free(struct agent_exec *ax);
/* Command executor: KILL of its task. */
void agent_cmd_kill(struct agent_exec *ax, const Mesos__V1__KillPolicy *kp);
/* Links t's persistent volumes into ax's sandbox (existing ones kept). */
int agent_link_volumes(struct agent_exec *ax, Mesos__V1__Resource *const *res, size_t n);

/* ---- agent_status.c: the status update manager ---- */

struct agent_task *agent_task_get(struct sim_task *t); /* made on first use; NULL ENOMEM */
void agent_task_free(struct sim_task *t);              /* drops t->agent_priv */
/* A fresh status for t from the agent (SOURCE_AGENT) with a new uuid. */
Mesos__V1__TaskStatus *agent_status_new(struct sim_task *t, Mesos__V1__TaskState st,
					Mesos__V1__TaskStatus__Source src,
					Mesos__V1__TaskStatus__Reason reason, bool has_reason,
					const char *msg);
/* Stores st (taken; freed on any outcome) in t's stream: 1 if its uuid
 * was seen before (dropped), 0 if stored (forwarded to the master when
 * it reaches the head), -ENOMEM. Fills agent_id, timestamp, executor_id,
 * container_status when missing. */
int agent_status_store(struct sim_task *t, Mesos__V1__TaskStatus *st);
/* The scheduler acknowledged uuid. */
void agent_status_ack(struct sim_task *t, const uint8_t *uuid, size_t len);
/* Stop (pause) or resume the retry timers of every task on as. */
void agent_status_pause(struct agent_state *as);
void agent_status_resume(struct agent_state *as);
bool agent_state_terminal(Mesos__V1__TaskState s);

/* ---- executor_api.c ---- */

int executor_api_routes(struct agent_state *as);
/* Events to a subscribed executor; -ENOTCONN without a stream. */
int executor_send_launch(struct agent_exec *ax, struct sim_task *t);
int executor_send_kill(struct agent_exec *ax, const char *task_id,
		       const Mesos__V1__KillPolicy *kp);
int executor_send_ack(struct agent_exec *ax, const char *task_id, const uint8_t *uuid);
int executor_send_message(struct agent_exec *ax, const void *data, size_t len);
int executor_send_shutdown(struct agent_exec *ax);
/* Delivers every attached task not yet delivered (after SUBSCRIBE). */
void executor_deliver_queued(struct agent_exec *ax);
/* Ends the subscription stream, if any. */
void executor_close_stream(struct agent_exec *ax);

/* ---- chaos calls for the control API (implemented in agent.c) ---- */

/* SIGKILL (or sig) to executor exec_id of fw_id on a: the executor's
 * process only (not its tasks). -ENOENT if unknown or not running. */
int sim_agent_signal_executor(struct sim_agent *a, const char *fw_id, const char *exec_id,
			      int sig);
/* sig to the processes of task task_id on any agent: for a command task
 * its process group; for an executor's task every process in the
 * executor's session except the executor itself (what it started).
 * with_executor: the executor's whole process group as well (SIGSTOP a
 * whole container). Returns the number of processes signalled, or
 * -ENOENT. */
int sim_agent_signal_task(struct sim *sim, const char *task_id, int sig, bool with_executor);
/* A partition between agent a and the master: the agent and its executors
 * keep running, but nothing reaches the master (status updates wait,
 * executor messages are dropped), which counts the agent down (offers
 * rescinded; after --agent-timeout it is removed and, the sim being one
 * process, its executors are killed then rather than when it comes back).
 * reconnect: the agent is back; if it was not removed, its waiting updates
 * flow again and its tasks are known as before. -EALREADY if not in the
 * state to do so. */
int sim_agent_disconnect(struct sim_agent *a);
int sim_agent_reconnect(struct sim_agent *a);

#endif
