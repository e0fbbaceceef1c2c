/*
 * agent — the agent side of t/mesos-sim: each simulated agent's life
 * (init, kill, restart with executor recovery, finish), its flags, the
 * framework teardown path and the chaos calls (signal an executor, a
 * task's processes). Launching lives in agent_launch.c, status updates in
 * agent_status.c, the executor endpoint in executor_api.c, the fetcher
 * in fetch.c and process/sandbox details in launch.c.
 *
 * ---- Known differences from a Mesos 1.12 agent (keep this current) ----
 *  - Status update retry starts at --status-update-retry-min (default
 *    1 s) and doubles up to --status-update-retry-max (60 s); Mesos uses
 *    10 s and 10 min. Set them to 10s/10m for Mesos' timing.
 *  - The built-in command executor runs inside the sim (the agent sends
 *    its TASK_STARTING/RUNNING/FINISHED/FAILED/KILLED updates with
 *    SOURCE_EXECUTOR itself); only the command is a real process. No
 *    FAILURE event when a command task's process ends (Mesos sends one
 *    for the command executor), no MESOS_* variables beyond the executor
 *    list for the command itself, and no TASK_STARTING-before-fetch.
 *  - Protobuf only on /api/v1/executor: Content-Type application/json
 *    gets 415 and an Accept that allows only JSON gets 406, each with a
 *    body saying so; a missing Accept gets protobuf (Mesos: JSON).
 *  - No executor authentication (no MESOS_EXECUTOR_AUTHENTICATION_TOKEN),
 *    no domain sockets, no HEARTBEAT events on the executor stream, no
 *    MESOS_NATIVE_*LIBRARY variables, and LIBPROCESS_IP is never copied
 *    from the sim's own environment (nothing of it reaches an executor).
 *  - The executor API checks, in this order: method, Content-Type, body,
 *    validation, Accept (SUBSCRIBE), recovery (503, for SUBSCRIBE too),
 *    framework, executor, state. Mesos' handler checks recovery only for
 *    non-SUBSCRIBE calls; the sim answers a SUBSCRIBE 503 as well.
 *    UNKNOWN call type: 501. A SUBSCRIBE from an executor being shut
 *    down: 403 "Executor is terminating".
 *  - Updates for a task the agent does not know are acknowledged to the
 *    executor and dropped (logged), not forwarded.
 *  - Fetcher: no cache (cache=true fetches anyway), no ftp/hdfs/s3, no
 *    --frameworks_home, no chown to CommandInfo.user (the sim runs every
 *    process as its own user). Redirects are followed (as libcurl does
 *    for Mesos), at most 10. output_file with a ".." component is refused.
 *  - ACKNOWLEDGED is sent as soon as the update is queued (nothing is
 *    written to disk; "checkpointing" is the sim's memory, which survives
 *    an agent restart but not the sim).
 *  - Agent restart: executors of checkpointing frameworks keep running
 *    and must re-subscribe within --executor-reregistration-timeout (the
 *    API answers 503 "Agent has not finished recovery" for
 *    --agent-recovery-delay first); late ones are destroyed and their
 *    tasks become TASK_LOST (TASK_GONE for PARTITION_AWARE) with
 *    REASON_EXECUTOR_REREGISTRATION_TIMEOUT. Executors of other
 *    frameworks are killed at once and their tasks become TASK_LOST /
 *    TASK_GONE with REASON_AGENT_RESTARTED (Mesos: the master finds them
 *    missing at reregistration). The command tasks of checkpointing
 *    frameworks survive a restart.
 *  - An agent killed and restarted later reports the tasks it had as
 *    TASK_LOST / TASK_GONE, REASON_AGENT_RESTARTED, and their executors
 *    as exited (FAILURE, wait status of SIGKILL), when the master kept
 *    its id; nothing when the master had removed it.
 *  - A container that fails to launch (sandbox, fetch, volume) is
 *    reported with TASK_FAILED REASON_CONTAINER_LAUNCH_FAILED and, for a
 *    custom executor, FAILURE with wait status 256 (exit 1).
 *  - Executor exit after SHUTDOWN from the framework: remaining tasks get
 *    TASK_FAILED / REASON_EXECUTOR_TERMINATED like any exit.
 *  - Task processes are found through the executor's session (everything
 *    in it but the executor); Mesos has cgroups for that.
 *  - Sandboxes are never garbage-collected; every executor run gets a new
 *    one (runs/latest points at it) as in Mesos.
 *  - Messages that PROTOCOLS.md §L did not observe are the sim's wording:
 *    "Executor did not register within 1mins", "Executor did not
 *    reregister within 2secs", "Task was not received by the executor",
 *    "Task killed before delivery to the executor", "Failed to launch
 *    container: Failed to fetch '<uri>': <cause>".
 *  - No resource isolation or limits; volumes are symlinks (the POSIX
 *    filesystem isolator's way), whatever their mode (RO is not enforced).
 */
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/flags.h"
#include "base/log.h"
#include "launch.h"

struct agent_conf agent_conf;

struct flag sim_agent_flags[] = {
	{ "executor-registration-timeout", FLAG_DURATION, "60s",
	  "how long a launched executor has to SUBSCRIBE", NULL,
	  &agent_conf.registration_timeout_ms, 0, 0 },
	{ "executor-reregistration-timeout", FLAG_DURATION, "2s",
	  "after an agent restart, how long executors have to re-subscribe", NULL,
	  &agent_conf.reregistration_timeout_ms, 0, 0 },
	{ "executor-shutdown-grace-period", FLAG_DURATION, "5s",
	  "default time between SHUTDOWN and SIGKILL", NULL,
	  &agent_conf.shutdown_grace_ms, 0, 0 },
	{ "recovery-timeout", FLAG_DURATION, "15m",
	  "MESOS_RECOVERY_TIMEOUT given to executors", NULL,
	  &agent_conf.recovery_timeout_ms, 0, 0 },
	{ "agent-recovery-delay", FLAG_DURATION, "200ms",
	  "after an agent restart, how long the executor API answers 503", NULL,
	  &agent_conf.recovery_delay_ms, 0, 0 },
	{ "status-update-retry-min", FLAG_DURATION, "1s",
	  "first resend of an unacknowledged status update (Mesos: 10s)", NULL,
	  &agent_conf.update_retry_min_ms, 0, 0 },
	{ "status-update-retry-max", FLAG_DURATION, "60s",
	  "largest gap between resends (Mesos: 10m)", NULL,
	  &agent_conf.update_retry_max_ms, 0, 0 },
	{ "fetcher-stall-timeout", FLAG_DURATION, "60s",
	  "a download with no data for this long fails", NULL,
	  &agent_conf.fetch_stall_ms, 0, 0 },
	{ "agent-port", FLAG_INT, "0",
	  "port of every agent's HTTP server on its own address (0 = any)", NULL,
	  &agent_conf.agent_port, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

struct agent_global {
	struct http_client *http;
	int users;
};

struct agent_state *agent_of(struct sim_agent *a)
{
	return a ? a->agent_priv : NULL;
}

struct http_client *agent_http_client(struct sim *sim)
{
	struct agent_global *g = sim->agent_priv;
	return g ? g->http : NULL;
}

struct agent_exec *agent_exec_find(struct agent_state *as, const char *fw_id, const char *exec_id)
{
	sim_list_each(it, nx, &as->execs) {
		struct agent_exec *ax = sim_container_of(it, struct agent_exec, link);
		if (strcmp(ax->fw_id, fw_id) == 0 && strcmp(ax->exec_id, exec_id) == 0)
			return ax;
	}
	return NULL;
}

bool agent_fw_partition_aware(const struct sim_framework *fw)
{
	return fw->partition_aware;
}

bool agent_fw_checkpoint(const struct sim_framework *fw)
{
	return fw->info && fw->info->has_checkpoint && fw->info->checkpoint;
}

static int server_open(struct agent_state *as, char *err, size_t errlen)
{
	struct sim_agent *a = as->a;
	struct http_server_config cfg = {
		.bind_host = a->ip,
		.port = a->port ? a->port : (uint16_t)agent_conf.agent_port,
		.name = "agent",
	};
	int rc = http_server_new(&as->http, a->sim->loop, &cfg);
	if (rc < 0) {
		snprintf(err, errlen, "agent %d: cannot listen on %s:%u: %s", a->index, a->ip,
			 cfg.port, strerror(-rc));
		return rc;
	}
	if ((rc = executor_api_routes(as)) < 0) {
		snprintf(err, errlen, "agent %d: routes: %s", a->index, strerror(-rc));
		http_server_free(as->http);
		as->http = NULL;
		return rc;
	}
	a->port = http_server_port(as->http);
	return 0;
}

static void recovery_cb(struct ev_loop *loop, void *arg);

int sim_agent_init(struct sim_agent *a, char *err, size_t errlen)
{
	struct sim *sim = a->sim;
	struct agent_global *g = sim->agent_priv;
	if (!g) {
		g = calloc(1, sizeof(*g));
		struct http_client_config hc = { .timeout_ms = 30000 };
		if (!g || !(g->http = http_client_new(sim->loop, &hc))) {
			free(g);
			snprintf(err, errlen, "agent: out of memory");
			return -ENOMEM;
		}
		sim->agent_priv = g;
	}
	int rc = launch_mkdir_p(a->work_dir);
	if (rc < 0) {
		snprintf(err, errlen, "agent %d: cannot create work dir %s: %s", a->index,
			 a->work_dir, strerror(-rc));
		return rc;
	}
	struct agent_state *as = calloc(1, sizeof(*as));
	if (!as) {
		snprintf(err, errlen, "agent: out of memory");
		return -ENOMEM;
	}
	as->a = a;
	sim_list_init(&as->execs);
	ev_timer_init(&as->recovery_timer, recovery_cb, as);
	if ((rc = server_open(as, err, errlen)) < 0) {
		free(as);
		return rc;
	}
	as->state = AGENT_RUNNING;
	a->agent_priv = as;
	g->users++;
	return 0;
}

/* Drops every agent_priv of a's executors and tasks, killing processes. */
static void drop_all(struct agent_state *as)
{
	sim_list_each(it, nx, &as->execs) {
		struct agent_exec *ax = sim_container_of(it, struct agent_exec, link);
		agent_exec_signal(ax, SIGKILL);
		agent_exec_free(ax);
	}
	sim_list_each(it, nx, &as->a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		agent_task_free(t);
	}
}

void sim_agent_finish(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	if (!as)
		return;
	drop_all(as);
	ev_timer_stop(a->sim->loop, &as->recovery_timer);
	http_server_free(as->http);
	free(as);
	a->agent_priv = NULL;
	struct agent_global *g = a->sim->agent_priv;
	if (g && --g->users == 0) {
		http_client_free(g->http);
		free(g);
		a->sim->agent_priv = NULL;
	}
}

void sim_agent_remove_framework(struct sim_agent *a, struct sim_framework *fw)
{
	struct agent_state *as = agent_of(a);
	if (!as)
		return;
	sim_list_each(it, nx, &as->execs) {
		struct agent_exec *ax = sim_container_of(it, struct agent_exec, link);
		if (strcmp(ax->fw_id, fw->id) != 0)
			continue;
		if (ax->e && ax->stream)
			executor_send_shutdown(ax);
		agent_exec_signal(ax, SIGKILL);
		agent_exec_free(ax);
	}
	sim_list_each(it, nx, &fw->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
		if (t->agent == a)
			agent_task_free(t);
	}
}

int sim_agent_kill(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	if (!as)
		return -EINVAL;
	if (as->state == AGENT_DEAD)
		return -EALREADY;
	log_info("agent %s: killed with all its executors", a->id);
	drop_all(as);
	ev_timer_stop(a->sim->loop, &as->recovery_timer);
	http_server_free(as->http);
	as->http = NULL;
	as->state = AGENT_DEAD;
	sim_master_agent_down(a);
	return 0;
}

int sim_agent_disconnect(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	if (!as)
		return -EINVAL;
	if (as->state != AGENT_RUNNING || as->cut_off || a->state != SIM_AGENT_UP)
		return -EALREADY;
	log_info("agent %s: cut off from the master; its executors keep running", a->id);
	as->cut_off = true;
	agent_status_pause(as);
	sim_master_agent_down(a);
	return 0;
}

int sim_agent_reconnect(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	if (!as)
		return -EINVAL;
	if (!as->cut_off)
		return -EALREADY;
	as->cut_off = false;
	bool renewed = sim_master_agent_up(a) == 1;
	log_info("agent %s: reconnected to the master%s", a->id,
		 renewed ? " as a new agent (it was removed)" : "; its tasks' updates flow again");
	agent_status_resume(as);
	return 0;
}

void sim_agent_forget(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	if (!as || as->state == AGENT_DEAD)
		return;
	log_info("agent %s: removed by the master; its executors are killed", a->id);
	drop_all(as);
}

/* After a kill and restart with the same id: what the agent had is gone. */
static void report_lost_after_kill(struct agent_state *as)
{
	struct sim_agent *a = as->a;
	sim_list_each(it, nx, &a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		if (t->terminal || agent_state_terminal(t->state))
			continue;
		bool pa = agent_fw_partition_aware(t->fw);
		Mesos__V1__TaskStatus *st = agent_status_new(t,
			pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST,
			MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT,
			MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED, true,
			"Executor terminated while the agent was down");
		if (st)
			agent_status_store(t, st);
	}
	sim_list_each(it, nx, &a->executors) {
		struct sim_executor *e = sim_container_of(it, struct sim_executor, agent_link);
		sim_master_executor_exited(e, SIGKILL);
	}
}

static void recovery_cb(struct ev_loop *loop, void *arg)
{
	struct agent_state *as = arg;
	struct sim_agent *a = as->a;
	if (as->state == AGENT_RECOVERING) {
		as->state = AGENT_RECONNECTING;
		int r = sim_master_agent_up(a);
		if (r == 1) {
			drop_all(as);
			as->state = AGENT_RUNNING;
			return;
		}
		agent_status_resume(as);
		ev_timer_start(loop, &as->recovery_timer,
			       (uint64_t)agent_conf.reregistration_timeout_ms, 0);
		return;
	}
	if (as->state != AGENT_RECONNECTING)
		return;
	as->state = AGENT_RUNNING;
	char msg[128], d[32];
	launch_duration_str((double)agent_conf.reregistration_timeout_ms / 1000, d, sizeof(d));
	snprintf(msg, sizeof(msg), "Executor did not reregister within %s", d);
	sim_list_each(it, nx, &as->execs) {
		struct agent_exec *ax = sim_container_of(it, struct agent_exec, link);
		if (!ax->awaiting_resubscribe)
			continue;
		ax->awaiting_resubscribe = false;
		log_warn("agent %s: executor '%s' of framework %s: %s", a->id, ax->exec_id,
			 ax->fw_id, msg);
		agent_exec_destroy(ax, MESOS__V1__TASK_STATE__TASK_LOST,
				   MESOS__V1__TASK_STATUS__REASON__REASON_EXECUTOR_REREGISTRATION_TIMEOUT,
				   msg, true);
	}
}

int sim_agent_restart(struct sim_agent *a)
{
	struct agent_state *as = agent_of(a);
	char err[256];
	int rc;
	if (!as)
		return -EINVAL;
	if (as->state == AGENT_DEAD) {
		if ((rc = server_open(as, err, sizeof(err))) < 0) {
			log_error("%s", err);
			return rc;
		}
		as->state = AGENT_RUNNING;
		log_info("agent %s: back after a kill", a->id);
		if (sim_master_agent_up(a) == 0)
			report_lost_after_kill(as);
		return 0;
	}
	if (as->state != AGENT_RUNNING)
		return -EALREADY;
	/* The agent process restarts; executor processes stay. */
	log_info("agent %s: restarting", a->id);
	agent_status_pause(as);
	as->state = AGENT_RECOVERING;
	http_server_free(as->http);
	as->http = NULL;
	sim_list_each(it, nx, &as->execs) {
		struct agent_exec *ax = sim_container_of(it, struct agent_exec, link);
		ax->stream = NULL;    /* the server closed it */
		if (ax->checkpoint && ax->pid > 0 && ax->state != AX_TERMINATING) {
			if (ax->e)
				ax->awaiting_resubscribe = true;
			continue;
		}
		agent_exec_destroy(ax, MESOS__V1__TASK_STATE__TASK_LOST,
				   MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_RESTARTED,
				   "Executor of a framework without checkpointing killed at agent restart",
				   true);
	}
	sim_master_agent_down(a);
	if ((rc = server_open(as, err, sizeof(err))) < 0) {
		log_error("%s", err);
		as->state = AGENT_DEAD;
		drop_all(as);
		return rc;
	}
	ev_timer_start(a->sim->loop, &as->recovery_timer, (uint64_t)agent_conf.recovery_delay_ms, 0);
	return 0;
}

/* ---- chaos ---- */

int sim_agent_signal_executor(struct sim_agent *a, const char *fw_id, const char *exec_id, int sig)
{
	struct agent_state *as = agent_of(a);
	struct agent_exec *ax = as ? agent_exec_find(as, fw_id, exec_id) : NULL;
	if (!ax || ax->pid <= 0)
		return -ENOENT;
	return kill(ax->pid, sig) < 0 ? -errno : 0;
}

/* Session id of pid from /proc/<pid>/stat, or -1. */
static pid_t proc_session(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	int ppid, pgrp, sid;
	char state;
	if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4)
		return -1;
	return (pid_t)sid;
}

static int signal_session(pid_t sid, pid_t except, int sig)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid == except)
			continue;
		if (proc_session((pid_t)pid) == sid && kill((pid_t)pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int sim_agent_signal_task(struct sim *sim, const char *task_id, int sig, bool with_executor)
{
	for (int i = 0; i < sim->n_agents; i++) {
		struct sim_agent *a = sim->agents[i];
		struct agent_state *as = agent_of(a);
		if (!as)
			continue;
		sim_list_each(it, nx, &a->tasks) {
			struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
			if (strcmp(t->id, task_id) != 0)
				continue;
			struct agent_task *at = t->agent_priv;
			struct agent_exec *ax = at ? at->ax : NULL;
			if (!ax || ax->pid <= 0)
				continue;
			if (!ax->e || with_executor) {
				int n = signal_session(ax->pid, 0, sig);
				return n > 0 ? n : -ENOENT;
			}
			int n = signal_session(ax->pid, ax->pid, sig);
			return n > 0 ? n : -ENOENT;
		}
	}
	return -ENOENT;
}
