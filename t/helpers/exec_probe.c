/*
 * exec_probe — a custom Mesos executor on lib/mesos/exec_session, for
 * t0601 (launched by mesos-sim's agent). It prints one line per event on
 * stdout (the sandbox's stdout file):
 *
 *   env url=URL checkpoint=0|1 recovery_ms=N backoff_max_ms=N grace_ms=N token=yes|no token_env=gone|LEFT pid=P
 *   subscribed executor=E agent=A
 *   launch task=T            -> UPDATE TASK_RUNNING "exec_probe running"
 *   kill task=T              -> UPDATE TASK_KILLED
 *   acknowledged task=T unacked=N
 *   message data=D           -> MESSAGE "echo:D" to the scheduler
 *   shutdown                 -> TASK_KILLED for every task, exit 0 once acknowledged
 *   error msg=M
 *   lost reason=R            -> exit 1 (the session has stopped for good)
 *
 * A task whose data is "fail" gets TASK_FAILED instead of RUNNING.
 * SIGUSR1: one more TASK_RUNNING "ping" update for every running task
 * (queued if the agent is away: it then goes with the next SUBSCRIBE).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "mesos/exec_session.h"

#define MAX_TASKS 16

static struct {
	struct ev_loop *loop;
	struct exec_session *s;
	char *tasks[MAX_TASKS];
	size_t n_tasks;
	bool shutting_down;
	int exit_code;
	struct ev_timer exit_timer;
} P;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void update(const char *task, Mesos__V1__TaskState state, const char *msg)
{
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	int rc;

	tid.value = (char *)task;
	st.task_id = &tid;
	st.state = state;
	st.message = (char *)msg;
	if ((rc = exec_session_update(P.s, &st)) < 0)
		out("update-refused task=%s err=%d", task, rc);
}

static void forget(const char *task)
{
	size_t i;

	for (i = 0; i < P.n_tasks; i++)
		if (strcmp(P.tasks[i], task) == 0) {
			free(P.tasks[i]);
			P.tasks[i] = P.tasks[--P.n_tasks];
			return;
		}
}

static void on_subscribed(struct exec_session *s, const Mesos__V1__Executor__Event__Subscribed *sub,
			  void *arg)
{
	(void)s;
	(void)arg;
	out("subscribed executor=%s agent=%s", sub->executor_info->executor_id->value,
	    sub->agent_info->id ? sub->agent_info->id->value : "-");
}

static void on_launch(struct exec_session *s, const Mesos__V1__TaskInfo *t, void *arg)
{
	(void)s;
	(void)arg;
	out("launch task=%s", t->task_id->value);
	if (t->has_data && t->data.len == 4 && memcmp(t->data.data, "fail", 4) == 0) {
		update(t->task_id->value, MESOS__V1__TASK_STATE__TASK_FAILED, "asked to fail");
		return;
	}
	if (P.n_tasks < MAX_TASKS)
		P.tasks[P.n_tasks++] = strdup(t->task_id->value);
	update(t->task_id->value, MESOS__V1__TASK_STATE__TASK_RUNNING, "exec_probe running");
}

static void on_kill(struct exec_session *s, const Mesos__V1__Executor__Event__Kill *k, void *arg)
{
	(void)s;
	(void)arg;
	out("kill task=%s", k->task_id->value);
	update(k->task_id->value, MESOS__V1__TASK_STATE__TASK_KILLED, "killed by exec_probe");
	forget(k->task_id->value);
}

static void maybe_exit(void)
{
	if (P.shutting_down && exec_session_unacked(P.s) == 0)
		ev_stop(P.loop);
}

static void on_acknowledged(struct exec_session *s, const char *task, const uint8_t *uuid,
			    size_t len, void *arg)
{
	(void)uuid;
	(void)len;
	(void)arg;
	out("acknowledged task=%s unacked=%zu", task, exec_session_unacked(s));
	maybe_exit();
}

static void on_message(struct exec_session *s, const void *data, size_t len, void *arg)
{
	char reply[600];
	int n, rc;

	(void)arg;
	n = snprintf(reply, sizeof reply, "echo:%.*s", (int)(len > 500 ? 500 : len),
		     (const char *)data);
	out("message data=%.*s", (int)len, (const char *)data);
	if ((rc = exec_session_message(s, reply, (size_t)n)) < 0)
		out("message-refused err=%d", rc);
}

static void on_exit_timer(struct ev_loop *loop, void *arg)
{
	(void)arg;
	ev_stop(loop);
}

static void on_shutdown(struct exec_session *s, void *arg)
{
	(void)s;
	(void)arg;
	out("shutdown");
	while (P.n_tasks) {
		update(P.tasks[P.n_tasks - 1], MESOS__V1__TASK_STATE__TASK_KILLED, "shutdown");
		forget(P.tasks[P.n_tasks - 1]);
	}
	P.shutting_down = true;
	ev_timer_start(P.loop, &P.exit_timer, 2000, 0);   /* within the grace period */
	maybe_exit();
}

static void on_error(struct exec_session *s, const char *msg, void *arg)
{
	(void)s;
	(void)arg;
	out("error msg=%s", msg);
}

static void on_lost(struct exec_session *s, enum exec_lost_reason why, const char *detail,
		    void *arg)
{
	(void)s;
	(void)arg;
	out("lost reason=%s", exec_lost_reason_name(why));
	log_error("exec_probe: giving up: %s: %s", exec_lost_reason_name(why), detail);
	P.exit_code = 1;
	ev_stop(P.loop);
}

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	size_t i;

	(void)arg;
	if (signo == SIGUSR1) {
		out("ping tasks=%zu subscribed=%d", P.n_tasks, exec_session_subscribed(P.s));
		for (i = 0; i < P.n_tasks; i++)
			update(P.tasks[i], MESOS__V1__TASK_STATE__TASK_RUNNING, "ping");
		return;
	}
	ev_stop(loop);
}

int main(void)
{
	struct exec_env env;
	struct exec_session_config cfg = { 0 };
	struct exec_session_cbs cbs = {
		.on_subscribed = on_subscribed, .on_launch = on_launch, .on_kill = on_kill,
		.on_acknowledged = on_acknowledged, .on_message = on_message,
		.on_shutdown = on_shutdown, .on_error = on_error, .on_lost = on_lost,
	};
	char err[512], url[2400];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if ((rc = exec_env_read(&env, err, sizeof err)) < 0) {
		out("env-refused %s", err);
		return 2;
	}
	url_format(&env.url, url, sizeof url);
	out("env url=%s checkpoint=%d recovery_ms=%lld backoff_max_ms=%lld grace_ms=%lld token=%s "
	    "token_env=%s pid=%d", url, env.checkpoint, (long long)(env.recovery_timeout_ns / 1000000),
	    (long long)(env.backoff_max_ns / 1000000), (long long)(env.shutdown_grace_ns / 1000000),
	    env.token ? "yes" : "no",
	    getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN") ? "LEFT" : "gone", (int)getpid());
	P.loop = ev_loop_new();
	if (!P.loop)
		return 1;
	ev_timer_init(&P.exit_timer, on_exit_timer, NULL);
	cfg.loop = P.loop;
	cfg.env = &env;
	rc = exec_session_new(&cfg, &cbs, NULL, &P.s, err, sizeof err);
	exec_env_finish(&env);
	if (rc < 0) {
		out("setup-failed %s", err);
		return 1;
	}
	ev_signal_add(P.loop, SIGTERM, on_signal, NULL);
	ev_signal_add(P.loop, SIGUSR1, on_signal, NULL);
	exec_session_start(P.s);
	ev_run(P.loop);
	exec_session_free(P.s);
	ev_timer_stop(P.loop, &P.exit_timer);
	ev_signal_del(P.loop, SIGTERM);
	ev_signal_del(P.loop, SIGUSR1);
	ev_loop_free(P.loop);
	while (P.n_tasks)
		forget(P.tasks[P.n_tasks - 1]);
	out("exit code=%d", P.exit_code);
	return P.exit_code;
}
