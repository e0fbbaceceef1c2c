/*
 * etcd_proc — the executor's supervision of its one etcd process: start,
 * health, restart in place, stop, and the reseed operations fence and
 * force (SAFETY.md §4), plus snapshots through etcdctl. Runs on the event
 * loop (lib/ev); nothing here blocks.
 *
 * The process. etcd is started with fork/exec, the argv and the clean
 * environment of cluster/etcd_argv.h, in its own process group, with
 * PR_SET_PDEATHSIG(SIGKILL) (checked against getppid afterwards, so a
 * parent that died before the prctl is noticed) so it never outlives the
 * executor even when the executor is SIGKILLed; signal mask and ignored
 * signals are reset; stdin is /dev/null; stdout and stderr go into one
 * pipe read on the loop into the log file (etcd_proc_log.h: capped,
 * rotated to .1) with the last lines kept for failure messages.
 *
 * States and transitions (each one reported through on_state):
 *
 *   STARTING    spawned; the local member is probed every probe interval
 *               on its own client port: maintenance/status (member id,
 *               raft index, isLearner), then for a voter GET /health.
 *   SERVING     a voter answered /health true, or a learner answered
 *               status with isLearner. Status is then sampled every
 *               sample interval (the fence falls back to the last sample).
 *   RESTARTING  etcd exited unexpectedly and the launch window (launch
 *               timeout since it last served, or since the last explicit
 *               start) is still open: it is restarted in place (same data
 *               dir, same member) after an exponential backoff.
 *   FAILED      it exited unexpectedly past the launch window: terminal;
 *               the event carries the wait status and the last log lines.
 *   STOPPING    etcd_proc_stop: SIGTERM to the group, SIGKILL after the
 *               grace period.
 *   STOPPED     reaped after a stop: terminal.
 *   FENCED      etcd_proc_fence killed it (SIGKILL, reaped); the data dir
 *               is kept and nothing restarts it except etcd_proc_force.
 *
 * An etcd that keeps running without becoming healthy (e.g. a member
 * waiting for its peers) stays STARTING: only exits count as failures.
 *
 * Reseed operations, each idempotent per reseed id:
 *   fence  asks the local etcd for maintenance/status with a short
 *          deadline (else reports the last sample), then SIGKILLs the group
 *          and answers once etcd is reaped. A fence while already FENCED
 *          under the same id answers the first result again (repeated); a
 *          fence under the same id after a force started etcd again (the
 *          force failed: step 4 fences the candidate again) kills it again.
 *          A fence aborts a pending force (its callback gets -ECANCELED).
 *          Mind etcd 3.4 (seen in t0700): the raft index asked before the
 *          kill can count an entry the forced survivor then drops, because
 *          --force-new-cluster discards entries past the commit index in the
 *          WAL's hard state, which a follower persists one heartbeat later.
 *   force  restarts etcd once per reseed id with --force-new-cluster (and
 *          --snapshot-count=1) on its own data dir; once that etcd serves
 *          alone with a raft snapshot in member/snap, stops it (SIGTERM)
 *          and starts it as usual (etcd_argv.h says why); answers when
 *          that one serves as a healthy one-member
 *          cluster (/health true and a member list of one), or with
 *          -ETIMEDOUT after the timeout (etcd is left as it is: the
 *          scheduler fences it again). Needs state FENCED under the same
 *          reseed id. A repeated force with that id restarts nothing and
 *          answers the first outcome again (or -EINPROGRESS while it is
 *          pending). Later restarts never pass --force-new-cluster.
 *
 * Ownership: the configuration (member config, strings) is copied. Event
 * and result structs passed to callbacks are valid during the callback
 * only.
 *
 * Callbacks run from the loop, never from inside the call that started
 * an operation: state events are queued (the last 16 are kept) and
 * delivered in order from a deferred call, so etcd_proc_state() may be
 * ahead of the last event delivered; an operation's answer comes after
 * the state events before it. Callbacks may call any etcd_proc function
 * except etcd_proc_free. An operation that fails synchronously (negative
 * return) never calls back.
 *
 * Errors: 0 or a negative errno: -EINVAL (bad config; err/errmsg says
 * why), -ENOMEM, -EBUSY (the state does not allow it: errmsg says which),
 * -EINPROGRESS (the same operation is pending), -ECHILD (fork failed),
 * and in results -ETIMEDOUT, -ECANCELED, -EIO (etcdctl failed).
 */
#ifndef EM_EXECUTOR_ETCD_PROC_H
#define EM_EXECUTOR_ETCD_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cluster/member_config.h"
#include "ev/ev.h"

struct etcd_proc;

enum etcd_proc_state {
	ETCD_PROC_IDLE = 0,       /* created, never started */
	ETCD_PROC_STARTING,
	ETCD_PROC_SERVING,
	ETCD_PROC_RESTARTING,
	ETCD_PROC_FAILED,
	ETCD_PROC_STOPPING,
	ETCD_PROC_STOPPED,
	ETCD_PROC_FENCED,
};

#define ETCD_PROC_MSG_LEN 1536

struct etcd_proc_event {
	enum etcd_proc_state state;   /* the new state */
	enum etcd_proc_state from;    /* the previous one */
	pid_t pid;                    /* etcd's pid (0 when none runs) */
	uint64_t member_id;           /* 0 until the member answered once */
	uint64_t raft_index;          /* of the last status sample; 0 = none */
	uint64_t raft_term;
	uint64_t applied_index;       /* of the last status sample; 0 = none */
	bool learner;                 /* the member said isLearner */
	unsigned restarts;            /* unexpected exits restarted so far */
	int wstatus;                  /* RESTARTING/FAILED/STOPPED/FENCED: the
				       * wait status; -1 otherwise */
	uint64_t backoff_ms;          /* RESTARTING: wait before the restart */
	const char *message;          /* one line: what happened; for FAILED
				       * with the last lines of etcd's log */
};

typedef void (*etcd_proc_state_fn)(struct etcd_proc *p, const struct etcd_proc_event *ev,
				   void *arg);

struct etcd_proc_config {
	const struct member_config *mc;  /* validated here; copied */
	const char *etcd_bin;            /* required, e.g. "./etcd" */
	const char *etcdctl_bin;         /* for snapshots; NULL: snapshots fail
					  * with -EINVAL */
	const char *data_dir;            /* NULL = mc->data_dir */
	const char *workdir;             /* etcd's cwd (the sandbox); NULL = ours */
	const char *log_path;            /* NULL = "etcd.log"; opened by us, so
					  * relative to our cwd, not workdir */
	uint64_t log_cap_bytes;          /* 0 = 10 MiB */
	char *const *parent_env;         /* base for etcd_env_new; NULL = environ */
	uint64_t launch_timeout_ms;      /* 0 = 240000 */
	uint64_t backoff_min_ms;         /* 0 = 250 */
	uint64_t backoff_max_ms;         /* 0 = 15000 */
	uint64_t probe_interval_ms;      /* while STARTING; 0 = 250 */
	uint64_t sample_interval_ms;     /* while SERVING; 0 = 5000 */
	uint64_t probe_timeout_ms;       /* each probe call; 0 = 1000 */
	etcd_proc_state_fn on_state;     /* required */
	void *arg;
};

/* Checks the configuration and prepares (no process yet). On failure err
 * says why in one line. */
int etcd_proc_new(struct ev_loop *loop, const struct etcd_proc_config *cfg,
		  struct etcd_proc **out, char *err, size_t errlen);
/* SIGKILLs a running etcd's group (no waiting, no callbacks) and frees.
 * Not inside this proc's callbacks. Accepts NULL. */
void etcd_proc_free(struct etcd_proc *p);

/* The reason of the last synchronous failure. */
const char *etcd_proc_errmsg(const struct etcd_proc *p);
enum etcd_proc_state etcd_proc_state(const struct etcd_proc *p);
const char *etcd_proc_state_name(enum etcd_proc_state s);
pid_t etcd_proc_pid(const struct etcd_proc *p);           /* 0: none */
uint64_t etcd_proc_member_id(const struct etcd_proc *p);  /* 0: unknown */
/* The local client URL the probes use (loopback or listen address). */
const char *etcd_proc_probe_url(const struct etcd_proc *p);
const char *etcd_proc_last_lines(struct etcd_proc *p, unsigned max_lines);

/* IDLE → STARTING. -EBUSY in any other state. -ECHILD if fork fails. */
int etcd_proc_start(struct etcd_proc *p);

typedef void (*etcd_proc_done_fn)(struct etcd_proc *p, int wstatus, void *arg);

/* SIGTERM to etcd's process group, SIGKILL after grace_ms; fn(wstatus)
 * once reaped (state STOPPED; wstatus -1 if no process was running).
 * Aborts a pending force (-ECANCELED). -EBUSY while a fence is pending or
 * a stop is already under way; in STOPPED it answers again. */
int etcd_proc_stop(struct etcd_proc *p, uint64_t grace_ms, etcd_proc_done_fn fn,
		   void *arg);

struct etcd_proc_fence_result {
	const char *reseed_id;
	int err;                       /* 0; or -ECANCELED if a stop took over */
	bool fresh;                    /* asked etcd just before the kill */
	bool have_sample;              /* false: no status ever seen */
	bool repeated;                 /* an answer given before, again */
	bool was_running;              /* an etcd process was killed */
	uint64_t member_id, raft_index, raft_term, applied_index;
	int wstatus;                   /* of the killed etcd; -1 if none */
	const char *message;           /* why the status is not fresh, or "" */
};

typedef void (*etcd_proc_fence_fn)(struct etcd_proc *p,
				   const struct etcd_proc_fence_result *r, void *arg);

/* status_timeout_ms: the deadline for asking etcd (0 = 1000). -EBUSY
 * while stopping or stopped, or while another fence (other id) is
 * pending; -EINPROGRESS for the same id pending; -EINVAL for an empty or
 * over-long id. */
int etcd_proc_fence(struct etcd_proc *p, const char *reseed_id,
		    uint64_t status_timeout_ms, etcd_proc_fence_fn fn, void *arg);

struct etcd_proc_force_result {
	const char *reseed_id;
	int err;                       /* 0 healthy one-member cluster;
					* -ETIMEDOUT, -ECANCELED */
	bool repeated;
	uint64_t member_id, raft_index, raft_term, applied_index;
	const char *message;           /* on failure: why, with log lines */
};

typedef void (*etcd_proc_force_fn)(struct etcd_proc *p,
				   const struct etcd_proc_force_result *r, void *arg);

/* timeout_ms: how long to wait for a healthy one-member cluster (0 =
 * 60000). -EBUSY unless FENCED under reseed_id (or it was already forced
 * under that id: then the first outcome is answered again). */
int etcd_proc_force(struct etcd_proc *p, const char *reseed_id, uint64_t timeout_ms,
		    etcd_proc_force_fn fn, void *arg);

struct etcd_proc_snapshot_result {
	int err;                       /* 0, -ETIMEDOUT, -EIO (etcdctl failed),
					* -EPROTO (status unreadable) */
	const char *path;
	uint64_t size;                 /* bytes of the file */
	int64_t revision;              /* the store revision it holds */
	uint64_t total_keys;
	const char *message;           /* on failure: etcdctl's last lines */
};

typedef void (*etcd_proc_snapshot_fn)(struct etcd_proc *p,
				      const struct etcd_proc_snapshot_result *r, void *arg);

/* etcdctl snapshot save <path>, then etcdctl snapshot status for its
 * revision, as children on the loop (own process group, SIGKILL on the
 * executor's death, killed at the timeout; 0 = 60000). One at a time:
 * -EBUSY while one runs; -EINVAL without an etcdctl_bin or path. */
int etcd_proc_snapshot(struct etcd_proc *p, const char *path, uint64_t timeout_ms,
		       etcd_proc_snapshot_fn fn, void *arg);

#endif
