/*
 * executor_task — the executor's session with its agent and the one task
 * it runs: LAUNCH → etcd_proc, etcd_proc's states → status updates, KILL,
 * SHUTDOWN, losing the agent, and the bounded wait for the last
 * acknowledgements (executor.h).
 */
#include "executor_int.h"

#include "base/buf.h"
#include "base/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ACK_WAIT_MS 5000

static bool terminal_state(Mesos__V1__TaskState st)
{
	switch (st) {
	case MESOS__V1__TASK_STATE__TASK_STAGING:
	case MESOS__V1__TASK_STATE__TASK_STARTING:
	case MESOS__V1__TASK_STATE__TASK_RUNNING:
	case MESOS__V1__TASK_STATE__TASK_KILLING:
		return false;
	default:
		return true;
	}
}

const char *exec_task_state_name(Mesos__V1__TaskState st)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&mesos__v1__task_state__descriptor, (int)st);

	return v ? v->name : "TASK_?";
}

/* An update for any task id; data is status_data JSON (or none). */
static void send_status(struct executor *x, const char *task_id, Mesos__V1__TaskState state,
			const char *message, const struct buf *data, bool invalid)
{
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	int rc;

	tid.value = (char *)task_id;
	st.task_id = &tid;
	st.state = state;
	st.message = (char *)message;
	if (data && data->len) {
		st.has_data = 1;
		st.data.data = (uint8_t *)data->data;
		st.data.len = data->len;
	}
	if (invalid) {
		st.has_reason = 1;
		st.reason = MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID;
	}
	rc = exec_session_update(x->s, &st);
	if (rc < 0)
		log_error("task %s: cannot queue the %s update: %s", task_id,
			  exec_task_state_name(state), strerror(-rc));
	else
		log_info("task %s: %s%s%s", task_id, exec_task_state_name(state),
			 message && message[0] ? ": " : "", message ? message : "");
}

void exec_send_update(struct executor *x, Mesos__V1__TaskState state, const char *message,
		      const struct fw_message *answer)
{
	struct status_data sd;
	struct buf data = BUF_INIT;
	char err[256];

	if (x->terminal_sent || x->lost || x->phase == TASK_NONE)
		return;
	status_data_init(&sd);
	sd.report = x->report;
	if (answer) {
		sd.has_answer = true;
		sd.answer = *answer;
	}
	if (status_data_encode(&sd, &data, err, sizeof err) < 0) {
		log_error("task %s: status data not encoded: %s", x->task_id, err);
		buf_reset(&data);
	}
	send_status(x, x->task_id, state, message, &data, false);
	buf_finish(&data);
	if (terminal_state(state)) {
		x->terminal_sent = true;
		x->phase = TASK_DONE;
	} else {
		x->mesos_state = state;
	}
}

/* ---- leaving ---- */

static void on_exit_timer(struct ev_loop *loop, void *arg)
{
	struct executor *x = arg;

	log_warn("%zu status update(s) not acknowledged by the agent after %llu ms; exiting anyway",
		 exec_session_unacked(x->s),
		 (unsigned long long)(x->o->ack_wait_ms ? x->o->ack_wait_ms : DEFAULT_ACK_WAIT_MS));
	ev_stop(loop);
}

void exec_finish(struct executor *x, int code)
{
	if (!x->exiting || code > x->exit_code)
		x->exit_code = code;
	if (x->exiting)
		return;
	x->exiting = true;
	if (x->lost || exec_session_unacked(x->s) == 0) {
		ev_stop(x->loop);
		return;
	}
	ev_timer_start(x->loop, &x->exit_timer,
		       x->o->ack_wait_ms ? x->o->ack_wait_ms : DEFAULT_ACK_WAIT_MS, 0);
}

/* ---- stopping ---- */

static void on_stopped(struct etcd_proc *p, int wstatus, void *arg)
{
	struct executor *x = arg;
	char how[128];

	(void)p;
	if (wstatus == -1)
		snprintf(how, sizeof how, "no etcd process was running");
	else if (WIFSIGNALED(wstatus))
		snprintf(how, sizeof how, "etcd ended by signal %d", WTERMSIG(wstatus));
	else
		snprintf(how, sizeof how, "etcd exited with status %d", WEXITSTATUS(wstatus));
	log_info("task %s: etcd stopped (%s)", x->task_id, how);
	if (x->lost) {
		exec_finish(x, 1);
		return;
	}
	{
		char msg[400];
		snprintf(msg, sizeof msg, "%s; %s", x->stop_message, how);
		exec_send_update(x, x->stop_state, msg, NULL);
	}
	exec_finish(x, x->stop_state == MESOS__V1__TASK_STATE__TASK_KILLED ? 0 : 1);
}

void exec_stop_task(struct executor *x, uint64_t grace_ms, Mesos__V1__TaskState final_state,
		    const char *message)
{
	int rc;

	if (x->phase == TASK_NONE || x->phase == TASK_DONE) {
		exec_finish(x, x->lost ? 1 : 0);
		return;
	}
	if (x->stop_started)
		return;
	if (x->phase != TASK_STOPPING) {
		x->phase = TASK_STOPPING;
		x->stop_state = final_state;
		snprintf(x->stop_message, sizeof x->stop_message, "%s", message);
	}
	x->report.state = MEMBER_RUN_STOPPING;
	rc = etcd_proc_stop(x->proc, grace_ms, on_stopped, x);
	if (rc == -EBUSY) {
		/* a fence is pending: stop once it has answered */
		log_info("task %s: stopping etcd after the pending fence (%s)", x->task_id,
			 etcd_proc_errmsg(x->proc));
		x->kill_pending = true;
		x->pending_grace_ms = grace_ms;
		return;
	}
	if (rc < 0) {
		log_error("task %s: cannot stop etcd: %s", x->task_id, etcd_proc_errmsg(x->proc));
		exec_finish(x, 1);
		return;
	}
	x->stop_started = true;
	log_info("task %s: stopping etcd (SIGTERM, SIGKILL after %llu ms)", x->task_id,
		 (unsigned long long)grace_ms);
}

/* ---- etcd states ---- */

static void on_state(struct etcd_proc *p, const struct etcd_proc_event *ev, void *arg)
{
	struct executor *x = arg;

	(void)p;
	if (ev->member_id)
		x->report.member_id = ev->member_id;
	if (ev->raft_index) {
		x->report.raft_index = ev->raft_index;
		x->report.raft_term = ev->raft_term;
		x->report.applied_index = ev->applied_index;
	}
	x->report.learner = ev->learner;
	/* etcd_proc logs the transition itself */
	if (x->phase != TASK_ACTIVE)
		return;
	switch (ev->state) {
	case ETCD_PROC_STARTING:
		if (x->report.state != MEMBER_RUN_FORCING)   /* a force says so until it ends */
			x->report.state = MEMBER_RUN_STARTING;
		break;
	case ETCD_PROC_SERVING: {
		char msg[160];
		x->report.state = MEMBER_RUN_RUNNING;
		snprintf(msg, sizeof msg, "etcd member %llx serving%s",
			 (unsigned long long)x->report.member_id,
			 ev->learner ? " as a learner" : "");
		exec_send_update(x, MESOS__V1__TASK_STATE__TASK_RUNNING, msg, NULL);
		break;
	}
	case ETCD_PROC_RESTARTING:
		x->report.state = MEMBER_RUN_RESTARTING;
		exec_send_update(x, x->mesos_state, ev->message, NULL);
		break;
	case ETCD_PROC_FAILED:
		exec_send_update(x, MESOS__V1__TASK_STATE__TASK_FAILED, ev->message, NULL);
		exec_finish(x, 1);
		break;
	case ETCD_PROC_FENCED:
		x->report.state = MEMBER_RUN_FENCED;
		break;
	default:
		break;
	}
}

/* ---- session callbacks ---- */

static void on_subscribed(struct exec_session *s, const Mesos__V1__Executor__Event__Subscribed *sub,
			  void *arg)
{
	(void)s;
	(void)arg;
	log_info("subscribed to agent %s as executor %s",
		 sub->agent_info && sub->agent_info->id ? sub->agent_info->id->value : "?",
		 sub->executor_info && sub->executor_info->executor_id
			 ? sub->executor_info->executor_id->value : "?");
}

static uint64_t grace_of(const Mesos__V1__KillPolicy *kp, uint64_t dflt)
{
	if (kp && kp->grace_period && kp->grace_period->nanoseconds >= 0)
		return (uint64_t)kp->grace_period->nanoseconds / 1000000;
	return dflt;
}

static void fail_launch(struct executor *x, const char *message, bool invalid)
{
	struct status_data sd;
	struct buf data = BUF_INIT;
	char err[128];

	log_error("task %s: %s", x->task_id, message);
	status_data_init(&sd);
	sd.report = x->report;
	if (status_data_encode(&sd, &data, err, sizeof err) < 0)
		buf_reset(&data);
	send_status(x, x->task_id, MESOS__V1__TASK_STATE__TASK_FAILED, message, &data, invalid);
	buf_finish(&data);
	x->terminal_sent = true;
	x->phase = TASK_DONE;
	exec_finish(x, 1);
}

static void on_launch(struct exec_session *s, const Mesos__V1__TaskInfo *t, void *arg)
{
	struct executor *x = arg;
	char err[600], log_path[4200];
	struct etcd_proc_config pc = { 0 };
	int rc;

	(void)s;
	if (x->phase != TASK_NONE || x->exiting) {
		char msg[EXEC_TASK_ID_MAX + 96];
		snprintf(msg, sizeof msg, "this executor runs one task and already ran %s",
			 x->task_id);
		log_error("task %s: refused: %s", t->task_id->value, msg);
		send_status(x, t->task_id->value, MESOS__V1__TASK_STATE__TASK_FAILED, msg, NULL,
			    true);
		return;
	}
	if (strlen(t->task_id->value) >= sizeof x->task_id) {
		send_status(x, t->task_id->value, MESOS__V1__TASK_STATE__TASK_FAILED,
			    "task id too long for this executor", NULL, true);
		return;
	}
	snprintf(x->task_id, sizeof x->task_id, "%s", t->task_id->value);
	x->phase = TASK_ACTIVE;
	x->mesos_state = MESOS__V1__TASK_STATE__TASK_STARTING;
	x->report.state = MEMBER_RUN_STARTING;
	x->kill_grace_ms = grace_of(t->kill_policy, x->shutdown_grace_ms);
	log_info("task %s: launch (%zu bytes of task data)", x->task_id,
		 t->has_data ? t->data.len : 0);

	rc = member_config_decode(&x->mc, t->has_data ? t->data.data : (const uint8_t *)"",
				  t->has_data ? t->data.len : 0, err, sizeof err);
	if (rc < 0) {
		fail_launch(x, err, rc != -ENOMEM);
		return;
	}
	x->report.member_id = x->mc.member_id;
	x->report.learner = x->mc.learner;

	snprintf(log_path, sizeof log_path, "%s/etcd.log", x->sandbox);
	pc.mc = &x->mc;
	pc.etcd_bin = x->o->etcd_bin;
	pc.etcdctl_bin = x->o->etcdctl_bin;
	pc.workdir = x->sandbox;
	pc.log_path = log_path;
	pc.log_cap_bytes = x->o->log_cap_bytes;
	pc.launch_timeout_ms = x->o->launch_timeout_ms;
	pc.probe_interval_ms = x->o->probe_interval_ms;
	pc.sample_interval_ms = x->o->sample_interval_ms;
	pc.on_state = on_state;
	pc.arg = x;
	rc = etcd_proc_new(x->loop, &pc, &x->proc, err, sizeof err);
	if (rc < 0) {
		fail_launch(x, err, rc == -EINVAL);
		return;
	}
	rc = etcd_proc_start(x->proc);
	if (rc < 0) {
		snprintf(err, sizeof err, "etcd %s not started: %s", x->o->etcd_bin,
			 etcd_proc_errmsg(x->proc));
		fail_launch(x, err, false);
		return;
	}
	{
		char msg[400];
		snprintf(msg, sizeof msg, "etcd %s started (pid %d, data dir %s)", x->mc.name,
			 (int)etcd_proc_pid(x->proc), x->mc.data_dir);
		exec_send_update(x, MESOS__V1__TASK_STATE__TASK_STARTING, msg, NULL);
	}
}

static void on_kill(struct exec_session *s, const Mesos__V1__Executor__Event__Kill *k, void *arg)
{
	struct executor *x = arg;

	(void)s;
	if (x->phase == TASK_NONE || strcmp(k->task_id->value, x->task_id) != 0) {
		log_warn("KILL for task %s, which this executor does not run", k->task_id->value);
		return;
	}
	if (x->phase == TASK_DONE) {
		log_info("KILL for task %s, which has ended already", x->task_id);
		return;
	}
	log_info("task %s: KILL", x->task_id);
	exec_stop_task(x, grace_of(k->kill_policy, x->kill_grace_ms),
		       MESOS__V1__TASK_STATE__TASK_KILLED, "killed by the scheduler");
}

static void shutdown_all(struct executor *x, const char *why)
{
	uint64_t grace = x->kill_grace_ms < x->shutdown_grace_ms * 3 / 4
				 ? x->kill_grace_ms : x->shutdown_grace_ms * 3 / 4;

	x->shutdown_asked = true;
	log_info("%s: stopping everything", why);
	if (x->phase == TASK_ACTIVE || x->phase == TASK_STOPPING)
		exec_stop_task(x, grace, MESOS__V1__TASK_STATE__TASK_KILLED, why);
	else
		exec_finish(x, x->exit_code);
}

static void on_shutdown(struct exec_session *s, void *arg)
{
	(void)s;
	shutdown_all(arg, "shut down by the agent");
}

static void on_acknowledged(struct exec_session *s, const char *task_id, const uint8_t *uuid,
			    size_t uuid_len, void *arg)
{
	struct executor *x = arg;

	(void)uuid;
	(void)uuid_len;
	log_v(1, "task %s: update acknowledged (%zu left)", task_id, exec_session_unacked(s));
	if (x->exiting && exec_session_unacked(s) == 0) {
		ev_timer_stop(x->loop, &x->exit_timer);
		ev_stop(x->loop);
	}
}

static void on_error(struct exec_session *s, const char *message, void *arg)
{
	(void)s;
	(void)arg;
	log_warn("the agent sent ERROR: %s (subscribing again)", message);
}

static void on_lost(struct exec_session *s, enum exec_lost_reason why, const char *detail,
		    void *arg)
{
	struct executor *x = arg;

	(void)s;
	log_error("giving up on the agent (%s: %s): stopping etcd and exiting 1",
		  exec_lost_reason_name(why), detail);
	x->lost = true;
	if (x->phase == TASK_ACTIVE || x->phase == TASK_STOPPING)
		exec_stop_task(x, x->kill_grace_ms, MESOS__V1__TASK_STATE__TASK_FAILED, "agent lost");
	else
		exec_finish(x, 1);
}

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	struct executor *x = arg;
	char why[64];

	(void)loop;
	snprintf(why, sizeof why, "signal %d", signo);
	if (x->shutdown_asked) {
		log_warn("%s again while stopping: exiting now (etcd is killed with us)", why);
		x->exit_code = 1;
		ev_stop(loop);
		return;
	}
	shutdown_all(x, why);
}

/* ---- the run ---- */

static void sandbox_path(struct executor *x)
{
	const char *sb = getenv("MESOS_SANDBOX");

	if (!sb || !sb[0])
		sb = getenv("MESOS_DIRECTORY");
	if (sb && sb[0] && strlen(sb) < sizeof x->sandbox) {
		snprintf(x->sandbox, sizeof x->sandbox, "%s", sb);
		return;
	}
	if (!getcwd(x->sandbox, sizeof x->sandbox))
		snprintf(x->sandbox, sizeof x->sandbox, ".");
}

int executor_run(const struct executor_opts *o)
{
	static const int sigs[] = { SIGTERM, SIGINT };
	struct executor x = { 0 };
	struct exec_env env;
	struct exec_session_config sc = { 0 };
	struct exec_session_cbs cbs = {
		.on_subscribed = on_subscribed, .on_launch = on_launch, .on_kill = on_kill,
		.on_acknowledged = on_acknowledged, .on_message = exec_on_message,
		.on_shutdown = on_shutdown, .on_error = on_error, .on_lost = on_lost,
	};
	char err[600];
	int rc;
	size_t i;

	x.o = o;
	x.exit_code = 0;
	signal(SIGPIPE, SIG_IGN);
	if ((rc = exec_env_read(&env, err, sizeof err)) < 0) {
		log_error("executor: %s", err);
		return 1;
	}
	sandbox_path(&x);
	x.shutdown_grace_ms = (uint64_t)(env.shutdown_grace_ns / 1000000);
	x.kill_grace_ms = x.shutdown_grace_ms;
	x.loop = ev_loop_new();
	if (!x.loop) {
		exec_env_finish(&env);
		log_error("executor: no event loop: out of memory");
		return 1;
	}
	ev_timer_init(&x.exit_timer, on_exit_timer, &x);
	sc.loop = x.loop;
	sc.env = &env;
	rc = exec_session_new(&sc, &cbs, &x, &x.s, err, sizeof err);
	log_info("executor for framework %s, executor %s; sandbox %s; checkpoint %s",
		 env.framework_id, env.executor_id, x.sandbox, env.checkpoint ? "on" : "off");
	exec_env_finish(&env);
	if (rc < 0) {
		log_error("executor: cannot set up the agent session: %s", err);
		x.exit_code = 1;
		goto out;
	}
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		ev_signal_add(x.loop, sigs[i], on_signal, &x);
	if ((rc = exec_session_start(x.s)) < 0) {
		log_error("executor: cannot subscribe: %s", strerror(-rc));
		x.exit_code = 1;
	} else {
		ev_run(x.loop);
	}
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		ev_signal_del(x.loop, sigs[i]);
out:
	ev_timer_stop(x.loop, &x.exit_timer);
	if (x.proc && etcd_proc_pid(x.proc))
		log_warn("etcd (pid %d) still runs at exit: killing it", (int)etcd_proc_pid(x.proc));
	etcd_proc_free(x.proc);
	exec_session_free(x.s);
	ev_loop_free(x.loop);
	log_info("executor exits with status %d", x.exit_code);
	return x.exit_code;
}
