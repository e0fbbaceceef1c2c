/*
 * agent_launch — executor runs on a simulated agent: sandbox, fetch,
 * spawn, registration timeout, shutdown, destroy and the exit report;
 * and Mesos' built-in command executor for tasks that carry a
 * CommandInfo and no ExecutorInfo (run in-process: the agent itself
 * plays the command executor and sends its updates).
 */
#include "agent.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/log.h"
#include "launch.h"

static struct ev_loop *loop_of(struct agent_exec *ax)
{
	return ax->as->a->sim->loop;
}

static const Mesos__V1__CommandInfo *exec_command(struct agent_exec *ax)
{
	return ax->e ? ax->e->info->command : ax->cmd_task->info->command;
}

void agent_exec_free(struct agent_exec *ax)
{
	if (!ax)
		return;
	struct ev_loop *loop = loop_of(ax);
	if (ax->pid > 0)
		ev_child_del(loop, ax->pid);
	fetch_cancel(ax->fetch);
	executor_close_stream(ax);
	ev_timer_stop(loop, &ax->reg_timer);
	ev_timer_stop(loop, &ax->kill_timer);
	ev_timer_stop(loop, &ax->start_timer);
	sim_list_each(it, nx, &ax->tasks) {
		struct agent_task *at = sim_container_of(it, struct agent_task, xlink);
		sim_list_del(&at->xlink);
		at->ax = NULL;
	}
	sim_list_del(&ax->link);
	if (ax->e)
		ax->e->agent_priv = NULL;
	free(ax->sandbox);
	free(ax);
}

void agent_exec_signal(struct agent_exec *ax, int sig)
{
	if (ax->pid > 0)
		kill(-ax->pid, sig);
}

/* ---- the exit report ---- */

static void wstatus_text(int ws, char *out, size_t len)
{
	if (WIFEXITED(ws))
		snprintf(out, len, "exited with status %d", WEXITSTATUS(ws));
	else if (WIFSIGNALED(ws))
		snprintf(out, len, "terminated with signal %s", strsignal(WTERMSIG(ws)));
	else
		snprintf(out, len, "wait status %d", ws);
}

static void store(struct sim_task *t, Mesos__V1__TaskState st, Mesos__V1__TaskStatus__Source src,
		  Mesos__V1__TaskStatus__Reason reason, bool has_reason, const char *msg)
{
	Mesos__V1__TaskStatus *s = agent_status_new(t, st, src, reason, has_reason, msg);
	if (s)
		agent_status_store(t, s);
	else
		log_error("agent: out of memory building an update for task %s", t->id);
}

static void report_exit(struct agent_exec *ax, int ws)
{
	struct sim_executor *e = ax->e;
	ax->pid = 0;
	if (!e) {
		/* command executor: its task ends with the command */
		struct sim_task *t = ax->cmd_task;
		struct agent_task *at = t->agent_priv;
		if (at && !(at->has_state && agent_state_terminal(at->state))) {
			char msg[200], why[120];
			if (ax->report_pending) {
				Mesos__V1__TaskState st = ax->exit_state;
				if (ax->report_lost)
					st = agent_fw_partition_aware(t->fw)
						? MESOS__V1__TASK_STATE__TASK_GONE
						: MESOS__V1__TASK_STATE__TASK_LOST;
				store(t, st, MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT,
				      ax->exit_reason, true, ax->exit_message);
			} else {
				wstatus_text(ws, why, sizeof(why));
				snprintf(msg, sizeof(msg), "Command %s", why);
				Mesos__V1__TaskState st = WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && !ax->cmd_killed
					? MESOS__V1__TASK_STATE__TASK_FINISHED
					: ax->cmd_killed ? MESOS__V1__TASK_STATE__TASK_KILLED
							 : MESOS__V1__TASK_STATE__TASK_FAILED;
				store(t, st, MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR, 0, false, msg);
			}
		}
		agent_exec_free(ax);
		return;
	}
	bool pa = agent_fw_partition_aware(e->fw);
	Mesos__V1__TaskState st = ax->exit_state;
	if (ax->report_lost)
		st = pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST;
	sim_list_each(it, nx, &ax->tasks) {
		struct agent_task *at = sim_container_of(it, struct agent_task, xlink);
		if (at->has_state && agent_state_terminal(at->state))
			continue;
		store(at->t, st, MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT, ax->exit_reason, true,
		      ax->exit_message);
	}
	log_info("agent %s: executor '%s' of framework %s %s", ax->as->a->id, ax->exec_id,
		 ax->fw_id, WIFEXITED(ws) ? "exited" : "was killed");
	agent_exec_free(ax);
	sim_master_executor_exited(e, ws);
}

static void child_cb(struct ev_loop *loop, pid_t pid, int ws, void *arg)
{
	struct agent_exec *ax = arg;
	ax->pid = 0;
	report_exit(ax, ws);
}

static void set_exit(struct agent_exec *ax, Mesos__V1__TaskState st,
		     Mesos__V1__TaskStatus__Reason reason, const char *msg, bool lost)
{
	ax->exit_state = st;
	ax->exit_reason = reason;
	ax->report_lost = lost;
	snprintf(ax->exit_message, sizeof(ax->exit_message), "%s", msg);
}

void agent_exec_destroy(struct agent_exec *ax, Mesos__V1__TaskState st,
			Mesos__V1__TaskStatus__Reason reason, const char *msg, bool lost)
{
	set_exit(ax, st, reason, msg, lost);
	ax->state = AX_TERMINATING;
	ev_timer_stop(loop_of(ax), &ax->reg_timer);
	ev_timer_stop(loop_of(ax), &ax->kill_timer);
	executor_close_stream(ax);
	if (ax->pid > 0) {
		if (!ax->e)
			ax->report_pending = true;
		agent_exec_signal(ax, SIGKILL);
		return;
	}
	/* not started yet (fetching): report on the next loop turn */
	fetch_cancel(ax->fetch);
	ax->fetch = NULL;
	ax->report_pending = true;
	ev_timer_start(loop_of(ax), &ax->start_timer, 0, 0);
}

static void kill_timer_cb(struct ev_loop *loop, void *arg)
{
	struct agent_exec *ax = arg;
	log_info("agent %s: executor '%s' still alive after its grace period: SIGKILL",
		 ax->as->a->id, ax->exec_id);
	agent_exec_signal(ax, SIGKILL);
}

void agent_exec_shutdown(struct agent_exec *ax)
{
	if (ax->state == AX_TERMINATING)
		return;
	if (ax->state != AX_RUNNING || !ax->e) {
		if (!ax->e && ax->pid > 0) {
			ax->cmd_killed = true;
			ax->state = AX_TERMINATING;
			agent_exec_signal(ax, SIGTERM);
			ev_timer_start(loop_of(ax), &ax->kill_timer, ax->grace_ms, 0);
			return;
		}
		agent_exec_destroy(ax, MESOS__V1__TASK_STATE__TASK_FAILED,
				   MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED,
				   "Executor terminated", false);
		return;
	}
	ax->state = AX_TERMINATING;
	executor_send_shutdown(ax);
	ev_timer_start(loop_of(ax), &ax->kill_timer, ax->grace_ms, 0);
}

void agent_cmd_kill(struct agent_exec *ax, const Mesos__V1__KillPolicy *kp)
{
	struct sim_task *t = ax->cmd_task;
	struct agent_task *at = t->agent_priv;
	if (!at || (at->has_state && agent_state_terminal(at->state)))
		return;
	if (ax->pid <= 0) {
		agent_exec_destroy(ax, MESOS__V1__TASK_STATE__TASK_KILLED,
				   MESOS__V1__TASK_STATUS__REASON__REASON_TASK_KILLED_DURING_LAUNCH,
				   "Task killed before it was launched", false);
		return;
	}
	uint64_t grace = ax->grace_ms;
	if (!kp)
		kp = t->info->kill_policy;
	if (kp && kp->grace_period)
		grace = (uint64_t)(kp->grace_period->nanoseconds / 1000000);
	if (!ax->cmd_killed) {
		ax->cmd_killed = true;
		const Mesos__V1__FrameworkInfo *fi = t->fw->info;
		for (size_t i = 0; i < fi->n_capabilities; i++) {
			if (fi->capabilities[i]->has_type && fi->capabilities[i]->type ==
			    MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE) {
				store(t, MESOS__V1__TASK_STATE__TASK_KILLING,
				      MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR, 0, false, NULL);
				break;
			}
		}
		agent_exec_signal(ax, SIGTERM);
	}
	/* a second KILL may shorten the grace period (C.3) */
	ev_timer_start(loop_of(ax), &ax->kill_timer, grace, 0);
}

/* ---- volumes ---- */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static const char *volume_role(const Mesos__V1__Resource *r)
{
	if (r->n_reservations > 0 && r->reservations[r->n_reservations - 1]->role)
		return r->reservations[r->n_reservations - 1]->role;
	if (r->role)
		return r->role;
	return "*";
}
#pragma GCC diagnostic pop

int agent_link_volumes(struct agent_exec *ax, Mesos__V1__Resource *const *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		if (!r->disk || !r->disk->persistence || !r->disk->volume)
			continue;
		char host[4096], link[4096], err[512];
		int rc = sim_volume_path(ax->as->a, volume_role(r), r->disk->persistence->id,
					 host, sizeof(host));
		if (rc < 0)
			return rc;
		launch_mkdir_p(host);
		snprintf(link, sizeof(link), "%s/%s", ax->sandbox, r->disk->volume->container_path);
		struct stat st;
		if (lstat(link, &st) == 0)
			continue;
		struct launch_volume v = { host, r->disk->volume->container_path };
		rc = launch_volumes_link(ax->sandbox, &v, 1, err, sizeof(err));
		if (rc < 0) {
			log_error("agent %s: %s", ax->as->a->id, err);
			return rc;
		}
	}
	return 0;
}

/* ---- start ---- */

static void reg_timeout_cb(struct ev_loop *loop, void *arg)
{
	struct agent_exec *ax = arg;
	char msg[128], d[32];
	launch_duration_str((double)agent_conf.registration_timeout_ms / 1000, d, sizeof(d));
	snprintf(msg, sizeof(msg), "Executor did not register within %s", d);
	log_warn("agent %s: executor '%s' of framework %s: %s", ax->as->a->id, ax->exec_id,
		 ax->fw_id, msg);
	agent_exec_destroy(ax, MESOS__V1__TASK_STATE__TASK_FAILED,
			   MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REGISTRATION_TIMEOUT,
			   msg, false);
}

static void launch_failed(struct agent_exec *ax, const char *why)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "Failed to launch container: %s", why);
	log_warn("agent %s: executor '%s' of framework %s: %s", ax->as->a->id, ax->exec_id,
		 ax->fw_id, msg);
	set_exit(ax, MESOS__V1__TASK_STATE__TASK_FAILED,
		 MESOS__V1__TASK_STATUS__REASON__REASON_CONTAINER_LAUNCH_FAILED, msg, false);
	ax->report_pending = true;
	/* the launcher never ran: as if it exited with status 1 */
	report_exit(ax, 1 << 8);
}

static void spawn_exec(struct agent_exec *ax)
{
	struct sim_agent *a = ax->as->a;
	const Mesos__V1__CommandInfo *cmd = exec_command(ax);
	char grace[32], recov[32], backoff[32], err[512];
	launch_duration_str((double)ax->grace_ms / 1000, grace, sizeof(grace));
	launch_duration_str((double)agent_conf.recovery_timeout_ms / 1000, recov, sizeof(recov));
	launch_duration_str((double)agent_conf.reregistration_timeout_ms / 1000, backoff,
			    sizeof(backoff));
	struct launch_env_params p = {
		.framework_id = ax->fw_id, .executor_id = ax->exec_id, .agent_id = a->id,
		.agent_ip = a->ip, .agent_port = a->port, .sandbox = ax->sandbox,
		.checkpoint = ax->checkpoint, .shutdown_grace = grace,
		.recovery_timeout = recov, .backoff_max = backoff,
		.user_env = cmd->environment,
	};
	char **env = NULL;
	int rc = launch_env_build(&p, &env, err, sizeof(err));
	if (rc < 0) {
		launch_failed(ax, err);
		return;
	}
	if (ax->e)
		rc = agent_link_volumes(ax, ax->e->info->resources, ax->e->info->n_resources);
	else
		rc = agent_link_volumes(ax, ax->cmd_task->info->resources,
					ax->cmd_task->info->n_resources);
	if (rc < 0) {
		launch_env_free(env);
		launch_failed(ax, "Failed to link persistent volumes into the sandbox");
		return;
	}
	pid_t pid;
	rc = launch_command_gid(cmd, ax->sandbox, env, a->run_gid, &pid, err, sizeof(err));
	launch_env_free(env);
	if (rc < 0) {
		launch_failed(ax, err);
		return;
	}
	ax->pid = pid;
	if (ev_child_add(loop_of(ax), pid, child_cb, ax) < 0) {
		kill(-pid, SIGKILL);
		ax->pid = 0;
		launch_failed(ax, "out of memory watching the executor");
		return;
	}
	log_info("agent %s: launched %s '%s' of framework %s, pid %d, sandbox %s", a->id,
		 ax->e ? "executor" : "command task", ax->exec_id, ax->fw_id, (int)pid, ax->sandbox);
	if (ax->e) {
		ax->state = AX_REGISTERING;
		ev_timer_start(loop_of(ax), &ax->reg_timer,
			       (uint64_t)agent_conf.registration_timeout_ms, 0);
		return;
	}
	/* command executor: STARTING then RUNNING, as mesos-executor sends */
	ax->state = AX_RUNNING;
	struct agent_task *at = ax->cmd_task->agent_priv;
	if (at)
		at->delivered = true;
	store(ax->cmd_task, MESOS__V1__TASK_STATE__TASK_STARTING,
	      MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR, 0, false, NULL);
	store(ax->cmd_task, MESOS__V1__TASK_STATE__TASK_RUNNING,
	      MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR, 0, false, NULL);
}

static void fetch_done(int err, const char *errmsg, void *arg)
{
	struct agent_exec *ax = arg;
	ax->fetch = NULL;
	if (err) {
		launch_failed(ax, errmsg);
		return;
	}
	spawn_exec(ax);
}

static void start_cb(struct ev_loop *loop, void *arg)
{
	struct agent_exec *ax = arg;
	if (ax->report_pending) {
		report_exit(ax, SIGKILL);
		return;
	}
	struct sim_agent *a = ax->as->a;
	char err[512];
	if (ax->fetch_failing) {
		launch_failed(ax, "Failed to fetch all URIs into the sandbox: injected by "
				  "POST /agent/fetch-fail");
		return;
	}
	if (a->fetch_fail_next > 0) {
		/* the failure comes from this timer again, as a slow fetch's would */
		a->fetch_fail_next--;
		ax->fetch_failing = true;
		if (ev_timer_start(loop, &ax->start_timer, (uint64_t)a->fetch_fail_after_ms, 0) < 0)
			launch_failed(ax, "Failed to fetch all URIs into the sandbox: injected by "
					  "POST /agent/fetch-fail (at once: no timer)");
		return;
	}
	if (!exec_command(ax)) {
		launch_failed(ax, "no CommandInfo to run");
		return;
	}
	int rc = launch_sandbox_create(a->work_dir, a->id, ax->fw_id, ax->exec_id,
				       ax->container_id, &ax->sandbox, err, sizeof(err));
	if (rc < 0) {
		launch_failed(ax, err);
		return;
	}
	struct fetch_config fc = {
		.loop = loop, .http = agent_http_client(a->sim), .sandbox = ax->sandbox,
		.stall_timeout_ms = (uint64_t)agent_conf.fetch_stall_ms,
	};
	rc = fetch_start(&fc, exec_command(ax), fetch_done, ax, &ax->fetch);
	if (rc < 0)
		launch_failed(ax, "out of memory starting the fetcher");
}

int agent_exec_start(struct agent_state *as, struct sim_executor *e, struct sim_task *cmd_task,
		     struct agent_exec **out)
{
	struct agent_exec *ax = calloc(1, sizeof(*ax));
	if (!ax)
		return -ENOMEM;
	ax->as = as;
	ax->e = e;
	ax->cmd_task = cmd_task;
	sim_list_init(&ax->tasks);
	ev_timer_init(&ax->reg_timer, reg_timeout_cb, ax);
	ev_timer_init(&ax->kill_timer, kill_timer_cb, ax);
	ev_timer_init(&ax->start_timer, start_cb, ax);
	struct sim_framework *fw = e ? e->fw : cmd_task->fw;
	snprintf(ax->fw_id, sizeof(ax->fw_id), "%s", fw->id);
	snprintf(ax->exec_id, sizeof(ax->exec_id), "%s", e ? e->id : cmd_task->id);
	launch_container_id(ax->container_id);
	ax->checkpoint = agent_fw_checkpoint(fw);
	ax->grace_ms = (uint64_t)agent_conf.shutdown_grace_ms;
	if (e && e->info->shutdown_grace_period)
		ax->grace_ms = (uint64_t)(e->info->shutdown_grace_period->nanoseconds / 1000000);
	set_exit(ax, MESOS__V1__TASK_STATE__TASK_FAILED,
		 MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_TERMINATED, "Executor terminated",
		 false);
	ax->state = AX_FETCHING;
	if (ev_timer_start(as->a->sim->loop, &ax->start_timer, 0, 0) < 0) {
		free(ax);
		return -ENOMEM;
	}
	sim_list_add_tail(&as->execs, &ax->link);
	if (e)
		e->agent_priv = ax;
	*out = ax;
	return 0;
}

int agent_task_attach(struct agent_exec *ax, struct sim_task *t)
{
	struct agent_task *at = agent_task_get(t);
	if (!at)
		return -ENOMEM;
	sim_list_del(&at->xlink);
	sim_list_add_tail(&ax->tasks, &at->xlink);
	at->ax = ax;
	return 0;
}

/* ---- sim.h entry points ---- */

int sim_agent_launch(struct sim_agent *a, struct sim_task *t, bool exec_is_new)
{
	struct agent_state *as = agent_of(a);
	struct agent_exec *ax = NULL;
	int rc;
	if (!as)
		return -EINVAL;
	if (t->exec) {
		ax = t->exec->agent_priv;
		if (!ax) {
			if ((rc = agent_exec_start(as, t->exec, NULL, &ax)) < 0)
				return rc;
		}
	} else if ((rc = agent_exec_start(as, NULL, t, &ax)) < 0) {
		return rc;
	}
	if ((rc = agent_task_attach(ax, t)) < 0)
		return rc;
	if (ax->e && ax->state == AX_RUNNING && ax->stream)
		executor_deliver_queued(ax);
	return 0;
}

int sim_agent_kill_task(struct sim_agent *a, struct sim_task *t, const Mesos__V1__KillPolicy *kp)
{
	struct agent_task *at = t->agent_priv;
	struct agent_exec *ax = at ? at->ax : NULL;
	if (!ax || (at->has_state && agent_state_terminal(at->state)))
		return 0;
	if (!ax->e) {
		agent_cmd_kill(ax, kp);
		return 0;
	}
	if (!at->delivered) {
		store(t, MESOS__V1__TASK_STATE__TASK_KILLED, MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_KILLED_DURING_LAUNCH, true,
		      "Task killed before delivery to the executor");
		/* an executor that never got a task and has none left is stopped */
		bool any = false;
		sim_list_each(it, nx, &ax->tasks) {
			struct agent_task *o = sim_container_of(it, struct agent_task, xlink);
			if (o->delivered || !(o->has_state && agent_state_terminal(o->state)))
				any = true;
		}
		if (!any)
			agent_exec_shutdown(ax);
		return 0;
	}
	if (executor_send_kill(ax, t->id, kp) < 0)
		log_warn("agent %s: cannot send KILL of task %s: executor '%s' not connected",
			 a->id, t->id, ax->exec_id);
	return 0;
}

int sim_agent_shutdown_executor(struct sim_agent *a, struct sim_executor *e)
{
	struct agent_exec *ax = e->agent_priv;
	if (ax)
		agent_exec_shutdown(ax);
	return 0;
}

int sim_agent_send_message(struct sim_agent *a, struct sim_executor *e, const void *data,
			   size_t len)
{
	struct agent_exec *ax = e->agent_priv;
	if (!ax)
		return -ENOENT;
	return executor_send_message(ax, data, len);
}

void sim_agent_acknowledge(struct sim_agent *a, struct sim_task *t, const uint8_t *uuid,
			   size_t uuid_len)
{
	agent_status_ack(t, uuid, uuid_len);
}
