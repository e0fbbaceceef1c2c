/*
 * etcd_proc_int — what etcd_proc.c (process, states, stop), and
 * etcd_proc_reseed.c (fence, force) and etcd_proc_snap.c (snapshots)
 * share. Not for other modules: use etcd_proc.h.
 */
#ifndef EM_EXECUTOR_ETCD_PROC_INT_H
#define EM_EXECUTOR_ETCD_PROC_INT_H

#include "etcd_proc.h"
#include "etcd_proc_log.h"
#include "etcd/etcd_client.h"

enum op_phase { OP_NONE = 0, OP_PENDING, OP_DONE };

/* A force runs etcd twice: with --force-new-cluster (and --snapshot-count=1)
 * until it serves alone and has a raft snapshot on disk, then, after a
 * SIGTERM, without either flag (etcd_argv.h says why). */
enum force_step { FORCE_STEP_FORCED = 0, FORCE_STEP_RESTART, FORCE_STEP_PLAIN };

struct etcd_proc {
	struct ev_loop *loop;
	struct member_config mc;
	char *etcd_bin, *etcdctl_bin, *data_dir, *workdir;
	char **env;                      /* etcd's environment, built once */
	uint64_t launch_timeout_ms, backoff_min_ms, backoff_max_ms;
	uint64_t probe_interval_ms, sample_interval_ms, probe_timeout_ms;
	etcd_proc_state_fn on_state;
	void *arg;

	struct etcd_client *cli;
	char probe_url[IDENT_URL_MAX + 16];
	struct etcd_proc_log *log;
	char tail[ETCD_PROC_MSG_LEN];    /* etcd_proc_log_tail's buffer */
	char errmsg[512];

	enum etcd_proc_state state;
	pid_t pid;                       /* 0: none running */
	uint64_t window_start_ms;        /* the launch window opens here */
	uint64_t backoff_ms;             /* the next restart's wait */
	unsigned restarts;
	struct ev_timer probe_timer, restart_timer, kill_timer;
	struct etcd_call *probe_call;

	/* the last status sample */
	bool have_sample;
	uint64_t member_id, raft_index, raft_term, applied_index;
	bool learner;

	/* stop */
	bool stop_reply;                 /* a deferred stop answer is due */
	etcd_proc_done_fn stop_fn;
	void *stop_arg;
	int stop_wstatus;

	/* fence */
	enum op_phase fence_phase;
	bool fence_reply;
	char fence_id[IDENT_TOKEN_MAX + 1];
	etcd_proc_fence_fn fence_fn;
	void *fence_arg;
	struct etcd_call *fence_call;
	struct etcd_proc_fence_result fence_res;
	char fence_msg[256];

	/* force */
	enum op_phase force_phase;
	enum force_step force_step;
	bool force_reply;
	char force_id[IDENT_TOKEN_MAX + 1];
	etcd_proc_force_fn force_fn;
	void *force_arg;
	struct ev_timer force_timer;
	struct etcd_call *force_call;
	struct etcd_proc_force_result force_res;
	char force_msg[ETCD_PROC_MSG_LEN];

	/* snapshot */
	struct etcd_proc_snap *snap;
};

/* etcd_proc.c */
void proc_set_state(struct etcd_proc *p, enum etcd_proc_state s, int wstatus,
		    const char *message);
void proc_probe_stop(struct etcd_proc *p);
void proc_schedule_reply(struct etcd_proc *p);
int proc_spawn_etcd(struct etcd_proc *p, bool force);
void proc_kill_group(pid_t pid, int sig);
void proc_describe_status(int wstatus, char *out, size_t outlen);
/* fork/exec argv with env in its own process group, SIGKILL on our death;
 * stdout+stderr into a pipe whose non-blocking read end is *out_fd. */
int proc_spawn_child(char *const *argv, char *const *env, const char *cwd,
		     pid_t *pidp, int *out_fd);
bool proc_valid_id(const char *id);
/* path as etcd (whose cwd is workdir) sees it, from our cwd: a relative
 * path is joined to workdir. -ENAMETOOLONG if out is too small. */
int proc_etcd_path(const struct etcd_proc *p, const char *path, char *out, size_t len);

/* etcd_proc_reseed.c */
void reseed_init(struct etcd_proc *p);
void reseed_on_exit(struct etcd_proc *p, int wstatus);
void reseed_on_serving(struct etcd_proc *p);
void reseed_on_failed(struct etcd_proc *p, const char *message);
void reseed_deliver(struct etcd_proc *p);
void reseed_finish(struct etcd_proc *p);
void reseed_abort_force(struct etcd_proc *p, const char *why);
bool reseed_restarting(const struct etcd_proc *p);
bool reseed_wants_snapshot(const struct etcd_proc *p);
void reseed_on_restart_exit(struct etcd_proc *p, int wstatus);

/* etcd_proc_snap.c */
void snap_free(struct etcd_proc_snap *s);

#endif
