/*
 * executor — the executor program's run loop: one Mesos executor session
 * (lib/mesos/exec_session.h) supervising one etcd member
 * (cmd/executor/etcd_proc.h) for the single task it is launched with.
 *
 * Task lifecycle (SAFETY.md §5):
 *   LAUNCH      TaskInfo.data is decoded (cluster/member_config.h); invalid
 *               → TASK_FAILED naming the field, a newer contract →
 *               TASK_FAILED MEMBER_CONFIG_TOO_NEW. Otherwise etcd is
 *               started and TASK_STARTING sent at once; TASK_RUNNING when
 *               etcd_proc says it serves. Every update's data is
 *               cluster/status_data.h JSON.
 *   crash       etcd_proc restarts etcd in place; past the launch timeout
 *               TASK_FAILED with the exit status and etcd's last lines.
 *   KILL        SIGTERM, SIGKILL after the grace (kill policy, else
 *               MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD), TASK_KILLED.
 *   SHUTDOWN    the same; then the executor exits.
 *   MESSAGE     fw_message requests: fence, force, status, snapshot
 *               (executor_msg.c); answers go back as framework messages
 *               and, for fence and force, as status updates too.
 *   agent lost  etcd keeps running while the session re-subscribes; when
 *               the session gives up, etcd is stopped and the exit is 1.
 * After the task's terminal update the executor waits (bounded) for the
 * agent's acknowledgement, then returns.
 *
 * executor_run() blocks in the event loop: it is the whole program after
 * flag parsing. It returns the exit status: 0 when the task ended as
 * asked (killed, shut down), 1 on failure (bad environment, task failed,
 * agent lost). The environment is read here (exec_env_read: it removes
 * the executor token from the environment before etcd is forked).
 */
#ifndef EM_EXECUTOR_EXECUTOR_H
#define EM_EXECUTOR_EXECUTOR_H

#include <stdint.h>

struct executor_opts {
	const char *etcd_bin;          /* relative: to the sandbox */
	const char *etcdctl_bin;
	uint64_t launch_timeout_ms;
	uint64_t log_cap_bytes;
	uint64_t probe_interval_ms;    /* 0: etcd_proc's default */
	uint64_t sample_interval_ms;   /* 0: etcd_proc's default */
	uint64_t force_timeout_ms;     /* 0: etcd_proc's default */
	uint64_t ack_wait_ms;          /* bound on the last ack wait; 0: 5000 */
};

int executor_run(const struct executor_opts *o);

#endif
