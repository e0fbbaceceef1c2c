/* etcd_proc_snap — `etcdctl snapshot save`, then `etcdctl snapshot
 * status` for the revision, as children on the loop. See etcd_proc.h. */
#include "etcd_proc_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/log.h"
#include "cluster/etcd_argv.h"

enum snap_phase { SNAP_SAVE = 1, SNAP_STATUS };

struct etcd_proc_snap {
	struct etcd_proc *p;
	char *path;
	enum snap_phase phase;
	pid_t pid;
	struct etcd_proc_log *out;   /* etcdctl's output, memory only */
	struct ev_timer timer;
	bool timed_out;
	uint64_t deadline_ms;
	etcd_proc_snapshot_fn fn;
	void *arg;
	struct etcd_proc_snapshot_result res;
	char msg[ETCD_PROC_MSG_LEN];
};

void snap_free(struct etcd_proc_snap *s)
{
	if (!s)
		return;
	if (s->pid) {
		ev_child_del(s->p->loop, s->pid);
		proc_kill_group(s->pid, SIGKILL);
	}
	ev_timer_stop(s->p->loop, &s->timer);
	etcd_proc_log_free(s->out);
	free(s->path);
	free(s);
}

static void snap_finish(struct etcd_proc_snap *s, int err, const char *what)
{
	struct etcd_proc *p = s->p;
	char tail[ETCD_PROC_MSG_LEN / 2];

	s->res.err = err;
	s->res.path = s->path;
	if (err) {
		tail[0] = '\0';
		if (s->out)
			etcd_proc_log_tail(s->out, 6, tail, sizeof tail);
		snprintf(s->msg, sizeof s->msg, "snapshot %s: %s; etcdctl said: %s", s->path,
			 what, tail[0] ? tail : "(nothing)");
		log_warn("etcd %s: %s", p->mc.name, s->msg);
	} else {
		snprintf(s->msg, sizeof s->msg, "snapshot %s: %" PRIu64 " bytes at revision %"
			 PRId64, s->path, s->res.size, s->res.revision);
		log_info("etcd %s: %s", p->mc.name, s->msg);
	}
	s->res.message = s->msg;
	p->snap = NULL;   /* the callback may start the next one */
	if (s->fn)
		s->fn(p, &s->res, s->arg);
	snap_free(s);
}

static void on_snap_child(struct ev_loop *loop, pid_t pid, int wstatus, void *arg);

static int snap_run(struct etcd_proc_snap *s, char **argv)
{
	struct etcd_proc *p = s->p;
	int fd = -1, rc;

	rc = proc_spawn_child(argv, p->env, p->workdir, &s->pid, &fd);
	etcd_strv_free(argv);
	if (rc < 0)
		return rc;
	etcd_proc_log_attach(s->out, fd);
	rc = ev_child_add(p->loop, s->pid, on_snap_child, s);
	if (rc < 0) {
		proc_kill_group(s->pid, SIGKILL);
		s->pid = 0;
	}
	return rc;
}

static int parse_status(struct etcd_proc_snap *s)
{
	char text[ETCD_PROC_LOG_TAIL];
	const char *brace;
	cJSON *j, *rev, *keys;
	int rc = -EPROTO;

	etcd_proc_log_tail(s->out, 20, text, sizeof text);
	brace = strchr(text, '{');
	if (!brace)
		return -EPROTO;
	j = cJSON_ParseWithOpts(brace, NULL, false);
	rev = cJSON_GetObjectItemCaseSensitive(j, "revision");
	keys = cJSON_GetObjectItemCaseSensitive(j, "totalKey");
	if (cJSON_IsNumber(rev) && rev->valuedouble >= 0 && rev->valuedouble < 9e15) {
		s->res.revision = (int64_t)rev->valuedouble;
		if (cJSON_IsNumber(keys) && keys->valuedouble >= 0)
			s->res.total_keys = (uint64_t)keys->valuedouble;
		rc = 0;
	}
	cJSON_Delete(j);
	return rc;
}

static int snap_stat(struct etcd_proc_snap *s)
{
	struct etcd_proc *p = s->p;
	char full[IDENT_PATH_MAX * 2 + 2];
	struct stat st;

	if (proc_etcd_path(p, s->path, full, sizeof full) < 0)
		return -ENAMETOOLONG;
	if (stat(full, &st) != 0)
		return -errno;
	s->res.size = (uint64_t)st.st_size;
	return 0;
}

static void on_snap_child(struct ev_loop *loop, pid_t pid, int wstatus, void *arg)
{
	struct etcd_proc_snap *s = arg;
	char how[96], what[160];
	char **argv = NULL;
	int rc;

	(void)loop;
	(void)pid;
	s->pid = 0;
	etcd_proc_log_drain(s->out);
	if (s->timed_out) {
		snap_finish(s, -ETIMEDOUT, "etcdctl did not finish in time");
		return;
	}
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
		proc_describe_status(wstatus, how, sizeof how);
		snprintf(what, sizeof what, "etcdctl snapshot %s failed (%s)",
			 s->phase == SNAP_SAVE ? "save" : "status", how);
		snap_finish(s, -EIO, what);
		return;
	}
	if (s->phase == SNAP_STATUS) {
		if (parse_status(s) < 0) {
			snap_finish(s, -EPROTO, "etcdctl snapshot status: no revision in its answer");
			return;
		}
		rc = snap_stat(s);
		if (rc < 0) {
			snprintf(what, sizeof what, "stat: %s", strerror(-rc));
			snap_finish(s, -EIO, what);
			return;
		}
		snap_finish(s, 0, "");
		return;
	}
	/* The status answer gets a fresh buffer: save's log lines hold '{' too. */
	s->phase = SNAP_STATUS;
	etcd_proc_log_free(s->out);
	s->out = NULL;
	rc = etcd_proc_log_new(s->p->loop, NULL, 0, &s->out);
	if (rc == 0)
		rc = etcdctl_snapshot_status_argv_new(s->p->etcdctl_bin, s->path, &argv,
					      s->msg, sizeof s->msg);
	if (rc == 0)
		rc = snap_run(s, argv);
	if (rc < 0) {
		snprintf(what, sizeof what, "cannot run etcdctl snapshot status: %s", strerror(-rc));
		snap_finish(s, -EIO, what);
	}
}

static void on_snap_timer(struct ev_loop *loop, void *arg)
{
	struct etcd_proc_snap *s = arg;

	(void)loop;
	if (s->pid) {
		s->timed_out = true;
		proc_kill_group(s->pid, SIGKILL);
	}
}

int etcd_proc_snapshot(struct etcd_proc *p, const char *path, uint64_t timeout_ms,
		       etcd_proc_snapshot_fn fn, void *arg)
{
	struct etcd_proc_snap *s;
	char **argv = NULL;
	uint64_t t = timeout_ms ? timeout_ms : 60000;
	int rc;

	if (p->snap) {
		snprintf(p->errmsg, sizeof p->errmsg, "snapshot: %s is being taken", p->snap->path);
		return -EBUSY;
	}
	if (!p->etcdctl_bin || !path || !path[0]) {
		snprintf(p->errmsg, sizeof p->errmsg, "snapshot: %s",
			 p->etcdctl_bin ? "no path given" : "no etcdctl binary configured");
		return -EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->p = p;
	s->fn = fn;
	s->arg = arg;
	s->phase = SNAP_SAVE;
	ev_timer_init(&s->timer, on_snap_timer, s);
	s->path = strdup(path);
	rc = s->path ? etcd_proc_log_new(p->loop, NULL, 0, &s->out) : -ENOMEM;
	if (rc < 0)
		goto fail;
	rc = etcdctl_snapshot_save_argv_new(&p->mc, p->etcdctl_bin, path,
					    (unsigned)((t + 999) / 1000), &argv, p->errmsg,
					    sizeof p->errmsg);
	if (rc < 0)
		goto fail;
	rc = snap_run(s, argv);
	if (rc < 0) {
		snprintf(p->errmsg, sizeof p->errmsg, "snapshot: cannot run %s: %s",
			 p->etcdctl_bin, strerror(-rc));
		goto fail;
	}
	ev_timer_start(p->loop, &s->timer, t, 0);
	p->snap = s;
	return 0;
fail:
	snap_free(s);
	return rc;
}
