/* etcd_proc_reseed — fence and force (SAFETY.md §4 steps 2 and 4) on the
 * supervised etcd. See etcd_proc.h for the contract. */
#include "etcd_proc_int.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/strutil.h"

/* --------------------------------------------------------------- fence */

static void fence_complete(struct etcd_proc *p, int wstatus, bool was_running)
{
	struct etcd_proc_fence_result *r = &p->fence_res;
	char how[96], msg[ETCD_PROC_MSG_LEN];

	etcd_call_cancel(p->fence_call);
	p->fence_call = NULL;
	p->fence_phase = OP_DONE;
	r->err = 0;
	r->repeated = false;
	r->was_running = was_running;
	r->have_sample = p->have_sample;
	r->member_id = p->member_id;
	r->raft_index = p->raft_index;
	r->raft_term = p->raft_term;
	r->applied_index = p->applied_index;
	r->wstatus = wstatus;
	if (!was_running && !p->fence_msg[0])
		snprintf(p->fence_msg, sizeof p->fence_msg, "no etcd was running: %s",
			 p->have_sample ? "the last sample" : "no sample ever taken");
	proc_describe_status(wstatus, how, sizeof how);
	snprintf(msg, sizeof msg, "fenced for reseed %s (%s): raft index %" PRIu64 ", term %"
		 PRIu64 "%s%s", p->fence_id, how, r->raft_index, r->raft_term,
		 r->fresh ? ", asked just before the kill" : "; ",
		 r->fresh ? "" : p->fence_msg);
	etcd_proc_log_note(p->log, "%s", msg);
	proc_set_state(p, ETCD_PROC_FENCED, wstatus, msg);
	p->fence_reply = true;
	proc_schedule_reply(p);
}

static void on_fence_status(struct etcd_call *call, const struct etcd_result *res,
			    struct etcd_answer *ans, void *arg)
{
	struct etcd_proc *p = arg;

	(void)call;
	p->fence_call = NULL;
	if (res->err == 0) {
		p->have_sample = true;
		p->member_id = ans->status.header.member_id;
		p->raft_index = ans->status.raft_index;
		p->raft_term = ans->status.raft_term;
		p->applied_index = ans->status.raft_applied_index;
		p->learner = ans->status.is_learner;
		p->fence_res.fresh = true;
	} else {
		snprintf(p->fence_msg, sizeof p->fence_msg, "etcd did not answer (%s): the last "
			 "sample", res->errmsg);
	}
	if (p->pid)
		proc_kill_group(p->pid, SIGKILL);   /* on_child completes the fence */
}

void reseed_on_exit(struct etcd_proc *p, int wstatus)
{
	fence_complete(p, wstatus, true);
}

int etcd_proc_fence(struct etcd_proc *p, const char *reseed_id,
		    uint64_t status_timeout_ms, etcd_proc_fence_fn fn, void *arg)
{
	struct etcd_call_opts o = { .timeout_ms = status_timeout_ms ? status_timeout_ms : 1000,
				    .endpoint = NULL };
	int rc;

	if (!proc_valid_id(reseed_id)) {
		snprintf(p->errmsg, sizeof p->errmsg, "fence: reseed id \"%.64s\" is not a token",
			 reseed_id ? reseed_id : "");
		return -EINVAL;
	}
	if (p->fence_phase == OP_PENDING) {
		bool same = strcmp(p->fence_id, reseed_id) == 0;
		snprintf(p->errmsg, sizeof p->errmsg, "fence: a fence for reseed %s is under way",
			 p->fence_id);
		return same ? -EINPROGRESS : -EBUSY;
	}
	if (p->state == ETCD_PROC_STOPPING || p->state == ETCD_PROC_STOPPED) {
		snprintf(p->errmsg, sizeof p->errmsg, "fence: etcd is %s",
			 etcd_proc_state_name(p->state));
		return -EBUSY;
	}
	p->fence_fn = fn;
	p->fence_arg = arg;
	if (p->state == ETCD_PROC_FENCED && p->fence_phase == OP_DONE &&
	    strcmp(p->fence_id, reseed_id) == 0) {
		p->fence_res.repeated = true;
		p->fence_reply = true;
		proc_schedule_reply(p);
		return 0;
	}
	str_copy(p->fence_id, reseed_id, sizeof p->fence_id);
	memset(&p->fence_res, 0, sizeof p->fence_res);
	p->fence_msg[0] = '\0';
	p->fence_phase = OP_PENDING;
	reseed_abort_force(p, "fenced");
	ev_timer_stop(p->loop, &p->restart_timer);
	proc_probe_stop(p);
	if (!p->pid) {
		fence_complete(p, -1, false);
		return 0;
	}
	etcd_proc_log_note(p->log, "fence for reseed %s: asking etcd for its status, then SIGKILL",
			   reseed_id);
	rc = etcd_client_status(p->cli, p->probe_url, &o, on_fence_status, p, &p->fence_call);
	if (rc < 0) {
		snprintf(p->fence_msg, sizeof p->fence_msg, "status not asked (%s): the last sample",
			 etcd_client_errmsg(p->cli));
		proc_kill_group(p->pid, SIGKILL);
	}
	return 0;
}

/* --------------------------------------------------------------- force */

#define FORCE_RESTART_GRACE_MS 10000

static void force_done(struct etcd_proc *p, int err, const char *msg)
{
	struct etcd_proc_force_result *r = &p->force_res;

	ev_timer_stop(p->loop, &p->force_timer);
	etcd_call_cancel(p->force_call);
	p->force_call = NULL;
	p->force_phase = OP_DONE;
	r->err = err;
	r->repeated = false;
	r->member_id = p->member_id;
	r->raft_index = p->raft_index;
	r->raft_term = p->raft_term;
	r->applied_index = p->applied_index;
	str_copy(p->force_msg, msg, sizeof p->force_msg);
	log_info("etcd %s: force for reseed %s: %s", p->mc.name, p->force_id, msg);
	etcd_proc_log_note(p->log, "force for reseed %s: %s", p->force_id, msg);
	p->force_reply = true;
	proc_schedule_reply(p);
}

/* Does <data dir>/member/snap hold a raft snapshot (<term>-<index>.snap)?
 * A relative data dir is relative to etcd's working directory. */
static bool has_raft_snapshot(const struct etcd_proc *p)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;
	int n;

	if (proc_etcd_path(p, p->data_dir ? p->data_dir : p->mc.data_dir, dir, sizeof dir) < 0)
		return false;
	n = snprintf(path, sizeof path, "%s/member/snap", dir);
	if (n < 0 || (size_t)n >= sizeof path || !(d = opendir(path)))
		return false;
	while (!found && (de = readdir(d)))
		found = str_has_suffix(de->d_name, ".snap");
	closedir(d);
	return found;
}

static void on_force_members(struct etcd_call *call, const struct etcd_result *res,
			     struct etcd_answer *ans, void *arg)
{
	struct etcd_proc *p = arg;
	char msg[160];

	(void)call;
	p->force_call = NULL;
	if (p->force_phase != OP_PENDING || res->err != 0)
		return;
	if (ans->members.n_members != 1 || ans->members.members[0].id != p->member_id)
		return;
	if (p->force_step == FORCE_STEP_PLAIN) {
		snprintf(msg, sizeof msg, "a healthy one-member cluster: member %016" PRIx64
			 " at raft index %" PRIu64, p->member_id, p->raft_index);
		force_done(p, 0, msg);
		return;
	}
	if (p->force_step != FORCE_STEP_FORCED || !has_raft_snapshot(p))
		return;   /* etcd snapshots on its first apply: the next round sees it */
	etcd_proc_log_note(p->log, "force for reseed %s: alone and snapshotted at raft index %"
			   PRIu64 "; restarting etcd without --force-new-cluster", p->force_id,
			   p->raft_index);
	p->force_step = FORCE_STEP_RESTART;
	proc_probe_stop(p);
	proc_kill_group(p->pid, SIGTERM);
	ev_timer_start(p->loop, &p->kill_timer, FORCE_RESTART_GRACE_MS, 0);
}

/* A forced etcd that crashed before its snapshot restarts without
 * --force-new-cluster (the membership is rewritten already) but must still
 * snapshot at once. */
bool reseed_wants_snapshot(const struct etcd_proc *p)
{
	return p->force_phase == OP_PENDING && p->force_step == FORCE_STEP_FORCED;
}

bool reseed_restarting(const struct etcd_proc *p)
{
	return p->force_phase == OP_PENDING && p->force_step == FORCE_STEP_RESTART;
}

void reseed_on_restart_exit(struct etcd_proc *p, int wstatus)
{
	char how[96], msg[ETCD_PROC_MSG_LEN];

	proc_describe_status(wstatus, how, sizeof how);
	etcd_proc_log_note(p->log, "forced etcd stopped (%s); starting it as usual", how);
	p->force_step = FORCE_STEP_PLAIN;
	if (proc_spawn_etcd(p, false) < 0) {
		snprintf(msg, sizeof msg, "%s", p->errmsg);
		proc_set_state(p, ETCD_PROC_FAILED, -1, msg);
		force_done(p, -EIO, msg);
	}
}

void reseed_on_serving(struct etcd_proc *p)
{
	struct etcd_call_opts o = { .timeout_ms = p->probe_timeout_ms, .endpoint = p->probe_url };

	if (p->force_phase != OP_PENDING || p->force_call || !p->pid)
		return;
	if (etcd_client_member_list(p->cli, &o, on_force_members, p, &p->force_call) < 0)
		p->force_call = NULL;   /* the next probe round tries again */
}

static void on_force_timer(struct ev_loop *loop, void *arg)
{
	struct etcd_proc *p = arg;
	char msg[ETCD_PROC_MSG_LEN];

	(void)loop;
	if (p->force_phase != OP_PENDING)
		return;
	snprintf(msg, sizeof msg, "not a healthy one-member cluster in time (etcd is %s); "
		 "last lines: %s", etcd_proc_state_name(p->state), etcd_proc_last_lines(p, 6));
	force_done(p, -ETIMEDOUT, msg);
}

void reseed_on_failed(struct etcd_proc *p, const char *message)
{
	if (p->force_phase == OP_PENDING)
		force_done(p, -EIO, message);
}

void reseed_abort_force(struct etcd_proc *p, const char *why)
{
	if (p->force_phase == OP_PENDING)
		force_done(p, -ECANCELED, why);
}

int etcd_proc_force(struct etcd_proc *p, const char *reseed_id, uint64_t timeout_ms,
		    etcd_proc_force_fn fn, void *arg)
{
	int rc;

	if (!proc_valid_id(reseed_id)) {
		snprintf(p->errmsg, sizeof p->errmsg, "force: reseed id \"%.64s\" is not a token",
			 reseed_id ? reseed_id : "");
		return -EINVAL;
	}
	if (p->force_phase != OP_NONE && strcmp(p->force_id, reseed_id) == 0) {
		if (p->force_phase == OP_PENDING) {
			snprintf(p->errmsg, sizeof p->errmsg, "force: reseed %s is under way",
				 reseed_id);
			return -EINPROGRESS;
		}
		p->force_fn = fn;
		p->force_arg = arg;
		p->force_res.repeated = true;
		p->force_reply = true;
		proc_schedule_reply(p);
		return 0;
	}
	if (p->state != ETCD_PROC_FENCED || strcmp(p->fence_id, reseed_id) != 0) {
		snprintf(p->errmsg, sizeof p->errmsg, "force: etcd is %s%s%s; it must be fenced "
			 "for reseed %s first", etcd_proc_state_name(p->state),
			 p->state == ETCD_PROC_FENCED ? " for reseed " : "",
			 p->state == ETCD_PROC_FENCED ? p->fence_id : "", reseed_id);
		return -EBUSY;
	}
	p->window_start_ms = ev_time_ms();
	p->backoff_ms = p->backoff_min_ms;
	rc = proc_spawn_etcd(p, true);
	if (rc < 0)
		return rc;   /* never started with the flag: the id is not used up */
	str_copy(p->force_id, reseed_id, sizeof p->force_id);
	memset(&p->force_res, 0, sizeof p->force_res);
	p->force_phase = OP_PENDING;
	p->force_step = FORCE_STEP_FORCED;
	p->force_fn = fn;
	p->force_arg = arg;
	ev_timer_start(p->loop, &p->force_timer, timeout_ms ? timeout_ms : 60000, 0);
	return 0;
}

/* ------------------------------------------------------------- replies */

void reseed_deliver(struct etcd_proc *p)
{
	if (p->fence_reply) {
		struct etcd_proc_fence_result r = p->fence_res;
		p->fence_reply = false;
		r.reseed_id = p->fence_id;
		r.message = p->fence_msg;
		if (p->fence_fn)
			p->fence_fn(p, &r, p->fence_arg);
	}
	if (p->force_reply) {
		struct etcd_proc_force_result r = p->force_res;
		p->force_reply = false;
		r.reseed_id = p->force_id;
		r.message = p->force_msg;
		if (p->force_fn)
			p->force_fn(p, &r, p->force_arg);
	}
}

void reseed_init(struct etcd_proc *p)
{
	ev_timer_init(&p->force_timer, on_force_timer, p);
}

void reseed_finish(struct etcd_proc *p)
{
	ev_timer_stop(p->loop, &p->force_timer);
	etcd_call_cancel(p->fence_call);
	etcd_call_cancel(p->force_call);
	p->fence_call = p->force_call = NULL;
}
