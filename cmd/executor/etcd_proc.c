/* etcd_proc — the etcd process: spawn, probe, restart, stop. The reseed
 * operations are in etcd_proc_reseed.c, snapshots in etcd_proc_snap.c.
 * See etcd_proc.h. */
#include "etcd_proc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strutil.h"
#include "cluster/etcd_argv.h"

extern char **environ;

#define EVQ_LEN 16

/* Events wait in a queue and are delivered from a deferred call, so no
 * callback ever runs inside the caller's own etcd_proc_* call. */
struct queued_event {
	struct etcd_proc_event ev;
	char message[ETCD_PROC_MSG_LEN];
};

struct evq {
	struct queued_event q[EVQ_LEN];
	size_t head, n;
};

static struct evq *proc_evq(struct etcd_proc *p);

/* ------------------------------------------------------------- helpers */

const char *etcd_proc_state_name(enum etcd_proc_state s)
{
	static const char *const names[] = {
		[ETCD_PROC_IDLE] = "idle", [ETCD_PROC_STARTING] = "starting",
		[ETCD_PROC_SERVING] = "serving", [ETCD_PROC_RESTARTING] = "restarting",
		[ETCD_PROC_FAILED] = "failed", [ETCD_PROC_STOPPING] = "stopping",
		[ETCD_PROC_STOPPED] = "stopped", [ETCD_PROC_FENCED] = "fenced",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void proc_describe_status(int wstatus, char *out, size_t outlen)
{
	if (wstatus < 0)
		snprintf(out, outlen, "not running");
	else if (WIFEXITED(wstatus))
		snprintf(out, outlen, "exit status %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(out, outlen, "killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		snprintf(out, outlen, "wait status 0x%x", (unsigned)wstatus);
}

void proc_kill_group(pid_t pid, int sig)
{
	if (pid > 0 && kill(-pid, sig) != 0)
		kill(pid, sig);   /* not yet its own group leader */
}

bool proc_valid_id(const char *id)
{
	return id && id[0] && strlen(id) <= IDENT_TOKEN_MAX && ident_is_token(id);
}

int proc_etcd_path(const struct etcd_proc *p, const char *path, char *out, size_t len)
{
	int n = path[0] != '/' && p->workdir ? snprintf(out, len, "%s/%s", p->workdir, path)
					     : snprintf(out, len, "%s", path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

const char *etcd_proc_last_lines(struct etcd_proc *p, unsigned max_lines)
{
	etcd_proc_log_tail(p->log, max_lines, p->tail, sizeof p->tail);
	return p->tail;
}

/* Async-signal-safe writes for the child between fork and exec. */
static void child_say(const char *a, const char *b, int err)
{
	const char *e = strerror(err);   /* glibc/musl: a table lookup */
	if (write(2, a, strlen(a)) < 0 || write(2, b, strlen(b)) < 0 ||
	    write(2, ": ", 2) < 0 || write(2, e, strlen(e)) < 0 || write(2, "\n", 1) < 0)
		return;
}

int proc_spawn_child(char *const *argv, char *const *env, const char *cwd,
		     pid_t *pidp, int *out_fd)
{
	int pfd[2] = { -1, -1 }, devnull = -1, rc;
	pid_t parent = getpid(), pid;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -errno;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		rc = -errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		rc = -ECHILD;
		goto fail;
	}
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = SIG_DFL };
		sigset_t none;

		/* Signals: the loop blocks some and may ignore others; exec keeps
		 * both, etcd must start with neither. */
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		/* Die with the executor, even when it is SIGKILLed. If it
		 * died before the prctl, we were re-parented already. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		if (dup2(devnull, 0) < 0 || dup2(pfd[1], 1) < 0 || dup2(pfd[1], 2) < 0)
			_exit(127);
		/* Ours are all close-on-exec; what the agent may have handed
		 * down without the flag must not reach etcd either. */
#ifdef __NR_close_range
		if (syscall(__NR_close_range, 3U, ~0U, 0U) != 0)
#endif
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
		if (cwd && chdir(cwd) != 0) {
			child_say("etcd-mesos: chdir ", cwd, errno);
			_exit(127);
		}
		execve(argv[0], argv, env);
		child_say("etcd-mesos: exec ", argv[0], errno);
		_exit(127);
	}
	/* Also from this side, so a signal to the group right after the fork
	 * finds it (EACCES once the child has exec'd: then it did it). */
	setpgid(pid, pid);
	close(pfd[1]);
	close(devnull);
	ev_fd_nonblock(pfd[0]);
	*pidp = pid;
	*out_fd = pfd[0];
	return 0;
fail:
	close(pfd[0]);
	close(pfd[1]);
	if (devnull >= 0)
		close(devnull);
	return rc;
}

/* -------------------------------------------------------------- events */

static void on_deferred(struct ev_loop *loop, void *arg)
{
	struct etcd_proc *p = arg;
	struct evq *q = proc_evq(p);

	(void)loop;
	while (q->n > 0) {
		struct queued_event e = q->q[q->head];
		q->head = (q->head + 1) % EVQ_LEN;
		q->n--;
		e.ev.message = e.message;
		p->on_state(p, &e.ev, p->arg);
	}
	if (p->stop_reply) {
		p->stop_reply = false;
		if (p->stop_fn)
			p->stop_fn(p, p->stop_wstatus, p->stop_arg);
	}
	reseed_deliver(p);
}

void proc_schedule_reply(struct etcd_proc *p)
{
	ev_defer_cancel(p->loop, on_deferred, p);
	if (ev_defer(p->loop, on_deferred, p) < 0)
		log_error("etcd supervision: no memory to schedule a callback");
}

void proc_set_state(struct etcd_proc *p, enum etcd_proc_state s, int wstatus,
		    const char *message)
{
	struct evq *q = proc_evq(p);
	struct queued_event *e;

	if (q->n == EVQ_LEN) {   /* the owner is not running the loop: drop the oldest */
		q->head = (q->head + 1) % EVQ_LEN;
		q->n--;
	}
	e = &q->q[(q->head + q->n) % EVQ_LEN];
	q->n++;
	e->ev = (struct etcd_proc_event){
		.state = s, .from = p->state, .pid = p->pid, .member_id = p->member_id,
		.raft_index = p->raft_index, .raft_term = p->raft_term,
		.applied_index = p->applied_index,
		.learner = p->learner, .restarts = p->restarts, .wstatus = wstatus,
		.backoff_ms = s == ETCD_PROC_RESTARTING ? p->backoff_ms : 0,
	};
	str_copy(e->message, message ? message : "", sizeof e->message);
	log_info("etcd %s: %s -> %s%s%s", p->mc.name, etcd_proc_state_name(p->state),
		 etcd_proc_state_name(s), message && message[0] ? ": " : "",
		 message ? message : "");
	p->state = s;
	proc_schedule_reply(p);
}

/* -------------------------------------------------------------- probes */

static void probe_rearm(struct etcd_proc *p)
{
	uint64_t after;

	if (!p->pid || p->probe_call || p->fence_phase == OP_PENDING)
		return;
	if (p->state == ETCD_PROC_STARTING || p->force_phase == OP_PENDING)
		after = p->probe_interval_ms;
	else if (p->state == ETCD_PROC_SERVING)
		after = p->sample_interval_ms;
	else
		return;
	ev_timer_start(p->loop, &p->probe_timer, after, 0);
}

void proc_probe_stop(struct etcd_proc *p)
{
	ev_timer_stop(p->loop, &p->probe_timer);
	etcd_call_cancel(p->probe_call);
	p->probe_call = NULL;
}

static void become_serving(struct etcd_proc *p)
{
	char msg[128];

	p->window_start_ms = ev_time_ms();
	p->backoff_ms = p->backoff_min_ms;
	snprintf(msg, sizeof msg, "etcd serves as %s %016" PRIx64 " at raft index %" PRIu64,
		 p->learner ? "learner" : "member", p->member_id, p->raft_index);
	proc_set_state(p, ETCD_PROC_SERVING, -1, msg);
}

static void on_probe_health(struct etcd_call *call, const struct etcd_result *res,
			    struct etcd_answer *ans, void *arg)
{
	struct etcd_proc *p = arg;

	(void)call;
	p->probe_call = NULL;
	if (res->err == 0 && ans->healthy && p->state == ETCD_PROC_STARTING)
		become_serving(p);
	if (p->state == ETCD_PROC_SERVING)
		reseed_on_serving(p);
	probe_rearm(p);
}

static void on_probe_status(struct etcd_call *call, const struct etcd_result *res,
			    struct etcd_answer *ans, void *arg)
{
	struct etcd_proc *p = arg;
	int rc;

	(void)call;
	p->probe_call = NULL;
	if (res->err == 0) {
		p->have_sample = true;
		p->member_id = ans->status.header.member_id;
		p->raft_index = ans->status.raft_index;
		p->raft_term = ans->status.raft_term;
		p->applied_index = ans->status.raft_applied_index;
		p->learner = ans->status.is_learner;
		if (p->state == ETCD_PROC_SERVING)
			p->window_start_ms = ev_time_ms();   /* still serving */
		if (p->state == ETCD_PROC_STARTING && p->learner) {
			become_serving(p);
		} else if (p->state == ETCD_PROC_STARTING ||
			   (p->state == ETCD_PROC_SERVING && p->force_phase == OP_PENDING)) {
			struct etcd_call_opts o = { .timeout_ms = p->probe_timeout_ms };
			rc = etcd_client_health(p->cli, p->probe_url, &o, on_probe_health, p,
						&p->probe_call);
			if (rc == 0)
				return;
		}
	}
	probe_rearm(p);
}

static void on_probe_timer(struct ev_loop *loop, void *arg)
{
	struct etcd_proc *p = arg;
	struct etcd_call_opts o = { .timeout_ms = p->probe_timeout_ms };

	(void)loop;
	if (!p->pid || p->probe_call)
		return;
	if (etcd_client_status(p->cli, p->probe_url, &o, on_probe_status, p,
			       &p->probe_call) < 0)
		probe_rearm(p);
}

/* ------------------------------------------------------------- process */

static void on_restart_timer(struct ev_loop *loop, void *arg);

static void unexpected_exit(struct etcd_proc *p, int wstatus)
{
	char how[96], msg[ETCD_PROC_MSG_LEN];
	uint64_t now = ev_time_ms();
	uint64_t since = now > p->window_start_ms ? now - p->window_start_ms : 0;

	proc_describe_status(wstatus, how, sizeof how);
	if (since < p->launch_timeout_ms) {
		p->restarts++;
		snprintf(msg, sizeof msg, "etcd exited (%s); restart %u in place in %" PRIu64 " ms",
			 how, p->restarts, p->backoff_ms);
		etcd_proc_log_note(p->log, "%s", msg);
		proc_set_state(p, ETCD_PROC_RESTARTING, wstatus, msg);
		ev_timer_start(p->loop, &p->restart_timer, p->backoff_ms, 0);
		p->backoff_ms = p->backoff_ms * 2 > p->backoff_max_ms ? p->backoff_max_ms
								   : p->backoff_ms * 2;
		return;
	}
	etcd_proc_log_note(p->log, "etcd exited (%s); not serving for %" PRIu64
			   " ms, past the launch timeout: giving up", how, since);
	snprintf(msg, sizeof msg, "etcd exited (%s) after %u restarts, not serving for %" PRIu64
		 " s (launch timeout %" PRIu64 " s); last lines: %s", how, p->restarts,
		 since / 1000, p->launch_timeout_ms / 1000, etcd_proc_last_lines(p, 8));
	proc_set_state(p, ETCD_PROC_FAILED, wstatus, msg);
	reseed_on_failed(p, msg);
}

static void on_child(struct ev_loop *loop, pid_t pid, int wstatus, void *arg)
{
	struct etcd_proc *p = arg;
	char how[96];

	(void)loop;
	if (pid != p->pid)
		return;
	p->pid = 0;
	ev_timer_stop(p->loop, &p->kill_timer);
	proc_probe_stop(p);
	etcd_proc_log_drain(p->log);
	if (p->state == ETCD_PROC_STOPPING) {
		proc_describe_status(wstatus, how, sizeof how);
		etcd_proc_log_note(p->log, "etcd stopped (%s)", how);
		p->stop_wstatus = wstatus;
		p->stop_reply = true;
		proc_set_state(p, ETCD_PROC_STOPPED, wstatus, how);
		return;
	}
	if (p->fence_phase == OP_PENDING) {
		reseed_on_exit(p, wstatus);
		return;
	}
	if (reseed_restarting(p)) {
		reseed_on_restart_exit(p, wstatus);
		return;
	}
	unexpected_exit(p, wstatus);
}

int proc_spawn_etcd(struct etcd_proc *p, bool force)
{
	struct etcd_argv_opts o = { .etcd_bin = p->etcd_bin, .data_dir = p->data_dir,
				    .force_new_cluster = force,
				    .snapshot_at_once = force || reseed_wants_snapshot(p) };
	char **argv = NULL;
	int fd = -1, rc;
	pid_t pid;

	rc = etcd_argv_new(&p->mc, &o, &argv, p->errmsg, sizeof p->errmsg);
	if (rc < 0)
		return rc;
	rc = proc_spawn_child(argv, p->env, p->workdir, &pid, &fd);
	etcd_strv_free(argv);
	if (rc < 0) {
		snprintf(p->errmsg, sizeof p->errmsg, "cannot start etcd %s: %s", p->etcd_bin,
			 strerror(-rc));
		return rc;
	}
	etcd_proc_log_note(p->log, "started etcd %s (pid %d)%s", p->etcd_bin, (int)pid,
			   force ? " with --force-new-cluster" : "");
	etcd_proc_log_attach(p->log, fd);
	rc = ev_child_add(p->loop, pid, on_child, p);
	if (rc < 0) {   /* cannot watch it: do not leave it running */
		proc_kill_group(pid, SIGKILL);
		snprintf(p->errmsg, sizeof p->errmsg, "cannot watch etcd: %s", strerror(-rc));
		return rc;
	}
	p->pid = pid;
	proc_set_state(p, ETCD_PROC_STARTING, -1, force ? "etcd started with --force-new-cluster"
							: "etcd started");
	ev_timer_start(p->loop, &p->probe_timer, p->probe_interval_ms, 0);
	return 0;
}

static void on_restart_timer(struct ev_loop *loop, void *arg)
{
	struct etcd_proc *p = arg;
	char msg[ETCD_PROC_MSG_LEN];

	(void)loop;
	if (p->state != ETCD_PROC_RESTARTING)
		return;
	if (proc_spawn_etcd(p, false) < 0) {
		snprintf(msg, sizeof msg, "%s", p->errmsg);
		proc_set_state(p, ETCD_PROC_FAILED, -1, msg);
		reseed_on_failed(p, msg);
	}
}

static void on_kill_timer(struct ev_loop *loop, void *arg)
{
	struct etcd_proc *p = arg;

	(void)loop;
	if (!p->pid)
		return;
	log_warn("etcd %s (pid %d) still running after the grace period: SIGKILL",
		 p->mc.name, (int)p->pid);
	etcd_proc_log_note(p->log, "grace period over: SIGKILL");
	proc_kill_group(p->pid, SIGKILL);
}

/* ---------------------------------------------------------------- API */

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static int probe_url(const struct member_config *mc, char *out, size_t len)
{
	const char *ip = member_config_listen_ip(mc);

	if (strcmp(ip, "0.0.0.0") == 0)
		ip = "127.0.0.1";
	else if (strcmp(ip, "::") == 0)
		ip = "::1";
	return ident_format_url(out, len, member_config_client_tls(mc), ip, mc->client_port);
}

int etcd_proc_new(struct ev_loop *loop, const struct etcd_proc_config *cfg,
		  struct etcd_proc **out, char *err, size_t errlen)
{
	struct etcd_proc *p;
	bool oom = false;
	int rc = -EINVAL;

	*out = NULL;
	if (!cfg->mc || !cfg->etcd_bin || !cfg->etcd_bin[0] || !cfg->on_state) {
		snprintf(err, errlen, "etcd supervision: a member config, an etcd binary and a "
				      "state callback are required");
		return -EINVAL;
	}
	if (member_config_validate(cfg->mc, err, errlen) < 0)
		return -EINVAL;
	p = calloc(1, sizeof *p + sizeof(struct evq));
	if (!p)
		goto oom;
	p->loop = loop;
	p->mc = *cfg->mc;
	ev_timer_init(&p->probe_timer, on_probe_timer, p);
	ev_timer_init(&p->restart_timer, on_restart_timer, p);
	ev_timer_init(&p->kill_timer, on_kill_timer, p);
	reseed_init(p);
	p->etcd_bin = dup_or_null(cfg->etcd_bin, &oom);
	p->etcdctl_bin = dup_or_null(cfg->etcdctl_bin, &oom);
	p->data_dir = dup_or_null(cfg->data_dir, &oom);
	p->workdir = dup_or_null(cfg->workdir, &oom);
	if (oom)
		goto oom;
	p->launch_timeout_ms = cfg->launch_timeout_ms ? cfg->launch_timeout_ms : 240000;
	p->backoff_min_ms = cfg->backoff_min_ms ? cfg->backoff_min_ms : 250;
	p->backoff_max_ms = cfg->backoff_max_ms ? cfg->backoff_max_ms : 15000;
	if (p->backoff_max_ms < p->backoff_min_ms)
		p->backoff_max_ms = p->backoff_min_ms;
	p->backoff_ms = p->backoff_min_ms;
	p->probe_interval_ms = cfg->probe_interval_ms ? cfg->probe_interval_ms : 250;
	p->sample_interval_ms = cfg->sample_interval_ms ? cfg->sample_interval_ms : 5000;
	p->probe_timeout_ms = cfg->probe_timeout_ms ? cfg->probe_timeout_ms : 1000;
	p->on_state = cfg->on_state;
	p->arg = cfg->arg;
	rc = etcd_env_new(cfg->parent_env ? cfg->parent_env : environ, &p->env);
	if (rc < 0)
		goto oom;
	if (probe_url(&p->mc, p->probe_url, sizeof p->probe_url) < 0) {
		snprintf(err, errlen, "etcd supervision: client URL too long");
		rc = -EINVAL;
		goto fail;
	}
	{
		const char *eps[] = { p->probe_url };
		const struct member_tls *t = &p->mc.tls;
		struct etcd_client_config cc = {
			.endpoints = eps, .n_endpoints = 1,
			.ca_file = t->trusted_ca_file[0] ? t->trusted_ca_file : NULL,
			.cert_file = t->cert_file[0] && t->client_cert_auth ? t->cert_file : NULL,
			.key_file = t->key_file[0] && t->client_cert_auth ? t->key_file : NULL,
			.tls_server_name = p->mc.host,
			.timeout_ms = p->probe_timeout_ms,
			.attempt_timeout_ms = p->probe_timeout_ms,
		};
		rc = etcd_client_new(loop, &cc, &p->cli, err, errlen);
		if (rc < 0)
			goto fail;
	}
	rc = etcd_proc_log_new(loop, cfg->log_path ? cfg->log_path : "etcd.log",
			       cfg->log_cap_bytes, &p->log);
	if (rc < 0) {
		snprintf(err, errlen, "etcd log %s: %s", cfg->log_path ? cfg->log_path : "etcd.log",
			 strerror(-rc));
		goto fail;
	}
	*out = p;
	return 0;
oom:
	snprintf(err, errlen, "etcd supervision: out of memory");
	rc = -ENOMEM;
fail:
	etcd_proc_free(p);
	return rc;
}

void etcd_proc_free(struct etcd_proc *p)
{
	if (!p)
		return;
	if (p->pid) {
		ev_child_del(p->loop, p->pid);
		proc_kill_group(p->pid, SIGKILL);
	}
	ev_defer_cancel(p->loop, on_deferred, p);
	ev_timer_stop(p->loop, &p->probe_timer);
	ev_timer_stop(p->loop, &p->restart_timer);
	ev_timer_stop(p->loop, &p->kill_timer);
	reseed_finish(p);
	snap_free(p->snap);
	etcd_client_free(p->cli);   /* cancels every call */
	etcd_proc_log_free(p->log);
	etcd_strv_free(p->env);
	free(p->etcd_bin);
	free(p->etcdctl_bin);
	free(p->data_dir);
	free(p->workdir);
	free(p);
}

static struct evq *proc_evq(struct etcd_proc *p)
{
	return (struct evq *)(p + 1);
}

const char *etcd_proc_errmsg(const struct etcd_proc *p)
{
	return p->errmsg;
}

enum etcd_proc_state etcd_proc_state(const struct etcd_proc *p)
{
	return p->state;
}

pid_t etcd_proc_pid(const struct etcd_proc *p)
{
	return p->pid;
}

uint64_t etcd_proc_member_id(const struct etcd_proc *p)
{
	return p->member_id;
}

const char *etcd_proc_probe_url(const struct etcd_proc *p)
{
	return p->probe_url;
}

int etcd_proc_start(struct etcd_proc *p)
{
	if (p->state != ETCD_PROC_IDLE) {
		snprintf(p->errmsg, sizeof p->errmsg, "etcd start: already %s",
			 etcd_proc_state_name(p->state));
		return -EBUSY;
	}
	p->window_start_ms = ev_time_ms();
	return proc_spawn_etcd(p, false);
}

int etcd_proc_stop(struct etcd_proc *p, uint64_t grace_ms, etcd_proc_done_fn fn, void *arg)
{
	if (p->fence_phase == OP_PENDING || p->state == ETCD_PROC_STOPPING) {
		snprintf(p->errmsg, sizeof p->errmsg, "etcd stop: a %s is under way",
			 p->state == ETCD_PROC_STOPPING ? "stop" : "fence");
		return -EBUSY;
	}
	p->stop_fn = fn;
	p->stop_arg = arg;
	reseed_abort_force(p, "etcd is being stopped");
	ev_timer_stop(p->loop, &p->restart_timer);
	proc_probe_stop(p);
	if (!p->pid) {
		if (p->state != ETCD_PROC_STOPPED) {
			p->stop_wstatus = -1;
			proc_set_state(p, ETCD_PROC_STOPPED, -1, "no etcd was running");
		}
		p->stop_reply = true;
		proc_schedule_reply(p);
		return 0;
	}
	etcd_proc_log_note(p->log, "stopping etcd: SIGTERM, SIGKILL in %" PRIu64 " ms", grace_ms);
	proc_set_state(p, ETCD_PROC_STOPPING, -1, "SIGTERM sent");
	proc_kill_group(p->pid, SIGTERM);
	ev_timer_start(p->loop, &p->kill_timer, grace_ms, 0);
	return 0;
}
