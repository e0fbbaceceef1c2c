/* A reseed (SAFETY.md section 4): decide, fence every member through its
 * executor (or Mesos kill, confirmed by a terminal status), rank the
 * fenced members that hold data, force the best with
 * --force-new-cluster, and only once it is healthy kill the others and
 * let the planner grow the cluster back with learners. While a reseed
 * runs the planner does nothing. One reseed at a time. See sched.h.
 *
 * Write-ahead: every step is recorded under reseed/<id> (the record is
 * sched_reseed_record.c's) and the action it announces starts only from
 * the completion of that write, so a leader that takes over finds at
 * least what was done. It resumes the newest unfinished record
 * (sched_reseed_load, then sched_reseed_kick once subscribed): fences
 * are asked again (an executor answers a repeated fence for the same id
 * with its first answer), a recorded candidate is sent its force again
 * (the executor forces once per reseed id and answers a repeat with the
 * first outcome), never another member's; a member in "tried" is never
 * forced again for that id; no second reseed starts meanwhile.
 * A candidate that fails is fenced again (answer or terminal status)
 * before the next one is forced: never two forced members at once. */
#include "sched.h"
#include "sched_reseed_int.h"

#include "base/buf.h"
#include "base/log.h"
#include "cluster/json_read.h"
#include "cluster/rank.h"
#include "cluster/status_data.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FENCE_WAIT_MS 5000
#define KILL_REPEAT_MS 10000
#define GONE_POLL_MS 250
#define RECORD_RETRY_MS 1000
#define RECORD_TRIES 30
#define N_SLOTS 32

struct rs_state rs_state;
#define rs rs_state

/* One record write in flight: the step's crash point and what follows. */
struct rec_slot {
	bool used;
	struct sched *s;
	char id[IDENT_TOKEN_MAX + 1];
	char step[16];
	char crash[32];
	void (*then)(struct sched *s);
	unsigned tries;
	struct ev_timer retry;
	bool retry_ready;
};
static struct rec_slot slots[N_SLOTS];
static char why_text[400];

bool sched_reseeding(void)
{
	return rs.step != RS_IDLE || rs.resume_pending;
}

const char *sched_reseed_id(void)
{
	return sched_reseeding() ? rs.id : NULL;
}

const char *sched_reseed_step(void)
{
	static const char *const names[] = { "idle", "fence", "force", "refence", "grow", "stuck" };
	return rs.resume_pending ? "resuming" : names[rs.step];
}

const char *sched_reseed_why(void)
{
	return rs.step == RS_STUCK ? why_text : NULL;
}

static bool same_reseed(const struct rec_slot *sl)
{
	return sched_reseeding() && strcmp(sl->id, rs.id) == 0;
}

static int record_put(struct rec_slot *sl);

static void record_retry_cb(struct ev_loop *loop, void *arg)
{
	struct rec_slot *sl = arg;
	(void)loop;
	if (!same_reseed(sl) || record_put(sl) < 0)
		sl->used = false;
}

static void record_done(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct rec_slot *sl = arg;
	struct sched *s = sl->s;
	(void)st;
	if (rc == 0) {
		sl->used = false;
		if (sl->crash[0])
			sched_crash_point(sl->crash);
		if (sl->then && same_reseed(sl))
			sl->then(s);
		return;
	}
	if (rc == -ESTALE || rc == -EPERM || !sl->then || ++sl->tries >= RECORD_TRIES ||
	    !same_reseed(sl)) {
		log_error("reseed %s: step %s not recorded (%s): %s", sl->id, sl->step,
			  err ? err : strerror(-rc),
			  rc == -ESTALE || rc == -EPERM ? "not the leader any more; stopping here"
							 : "giving up on this write");
		sl->used = false;
		return;
	}
	log_warn("reseed %s: step %s not recorded yet (%s); again in %d ms", sl->id, sl->step,
		 err ? err : strerror(-rc), RECORD_RETRY_MS);
	ev_timer_start(s->loop, &sl->retry, RECORD_RETRY_MS, 0);
}

static int record_put(struct rec_slot *sl)
{
	char *txt = rs_record_encode(&rs, sl->step, (uint64_t)sched_wall_ms());
	int rc;
	if (!txt)
		return -ENOMEM;
	rc = zk_store_put_reseed(sl->s->store, rs.id, txt, strlen(txt), record_done, sl);
	free(txt);
	if (rc < 0)
		log_error("reseed %s: cannot record step %s: %s", rs.id, sl->step, strerror(-rc));
	return rc;
}

/* Writes the record with this step; once ZooKeeper confirmed it, runs the
 * crash point (if any) and then. */
static void record(struct sched *s, const char *step, const char *crash,
		   void (*then)(struct sched *s))
{
	struct rec_slot *sl = NULL;
	for (size_t i = 0; i < N_SLOTS && !sl; i++)
		if (!slots[i].used &&
		    (!slots[i].retry_ready || !ev_timer_active(&slots[i].retry)))
			sl = &slots[i];
	if (!sl) {
		log_error("reseed %s: too many record writes in flight; step %s not recorded",
			  rs.id, step);
		return;
	}
	if (!sl->retry_ready) {
		ev_timer_init(&sl->retry, record_retry_cb, sl);
		sl->retry_ready = true;
	}
	sl->used = true;
	sl->s = s;
	sl->tries = 0;
	sl->then = then;
	snprintf(sl->id, sizeof sl->id, "%s", rs.id);
	snprintf(sl->step, sizeof sl->step, "%s", step);
	snprintf(sl->crash, sizeof sl->crash, "%s", crash ? crash : "");
	snprintf(rs.last_step, sizeof rs.last_step, "%s", step);
	if (record_put(sl) < 0)
		sl->used = false;
}

static int send_op(struct sched *s, struct rs_member *m, enum fw_op op)
{
	struct fw_message req;
	struct buf b;
	char err[256];
	int rc;

	fw_request_init(&req, op, rs.id);
	buf_init(&b);
	rc = fw_message_encode(&req, &b, err, sizeof err);
	if (rc == 0)
		rc = sched_message(s->mesos, m->agent_id, m->task_id, b.data, b.len, NULL, NULL);
	buf_finish(&b);
	if (rc < 0)
		log_warn("reseed %s: %s to %s not sent: %s", rs.id, fw_op_name(op), m->name,
			 strerror(-rc));
	return rc;
}

static void kill_member(struct sched *s, struct rs_member *m, const char *why)
{
	if (!sched_can_act(s)) {
		log_warn("reseed %s: not killing %s: the leader fence is stale", rs.id, m->name);
		return;
	}
	log_info("reseed %s: killing %s through Mesos (%s)", rs.id, m->name, why);
	sched_kill(s->mesos, m->task_id, m->agent_id, NULL, NULL);
	/* A custom executor that hangs never acts on a KILL (Mesos passes it
	 * to the executor and waits): after two unconfirmed kills, ask Mesos
	 * to shut the executor down, which ends its container. Our executor
	 * id is the task id (sched_offers.c). */
	if (++m->kills >= 3) {
		log_warn("reseed %s: the kill of %s is still not confirmed: asking Mesos to "
			 "shut its executor down", rs.id, m->name);
		sched_shutdown(s->mesos, m->task_id, m->agent_id, NULL, NULL);
	}
	struct sched_task *t = sched_task_get(s, m->task_id, true);
	if (t)
		t->kill_sent = true;
	m->killed = true;
}

static size_t n_fenced(void)
{
	size_t k = 0;
	for (size_t i = 0; i < rs.n; i++)
		k += rs.m[i].fenced;
	return k;
}

/* The record step that stands for the current state. */
static const char *step_name(void)
{
	static const char *const names[] = { "done", "fence", "ranked", "refence", "healthy",
					     "stuck" };
	return names[rs.step];
}

/* Records a fence under the current step (crash point reseed-fenced-<k>,
 * k members fenced, while fencing). */
static void record_fence(struct sched *s)
{
	char crash[32];
	snprintf(crash, sizeof crash, "reseed-fenced-%zu", n_fenced());
	record(s, step_name(), rs.step == RS_FENCE ? crash : NULL, NULL);
}

static void force_next(struct sched *s);

static void all_fenced_check(struct sched *s)
{
	if (rs.step == RS_REFENCE && rs.chosen >= 0 && rs.m[rs.chosen].fenced) {
		log_info("reseed %s: %s is fenced again; the next candidate follows", rs.id,
			 rs.m[rs.chosen].name);
		ev_timer_stop(s->loop, &rs.timer);
		force_next(s);
		return;
	}
	if (rs.step != RS_FENCE || n_fenced() < rs.n)
		return;
	ev_timer_stop(s->loop, &rs.timer);
	log_info("reseed %s: every member is fenced", rs.id);
	force_next(s);
}

static void send_force(struct sched *s)
{
	if (rs.step != RS_FORCE || rs.chosen < 0)
		return;
	struct rs_member *m = &rs.m[rs.chosen];
	if (!sched_can_act(s)) {
		log_warn("reseed %s: not forcing %s: the leader fence is stale", rs.id, m->name);
		return;
	}
	log_info("reseed %s: forcing %s (raft index %" PRIu64 ", term %" PRIu64 ") as a "
		 "one-member cluster", rs.id, m->name, m->ans.raft_index, m->ans.raft_term);
	send_op(s, m, FW_OP_FORCE);
	sched_crash_point("reseed-forced");
	ev_timer_start(s->loop, &rs.timer, (uint64_t)s->cfg->reseed_force_timeout_ms, 0);
}

static void force_next(struct sched *s)
{
	struct rank_candidate c[RS_MAX];
	const char *tried[RS_MAX];
	size_t order[RS_MAX], n_order = 0;
	int chosen = -1;

	for (size_t i = 0; i < rs.n_tried; i++)
		tried[i] = rs.tried[i];
	for (size_t i = 0; i < rs.n; i++) {
		/* A member whose task was killed, or has ended, cannot be
		 * forced: its executor is gone or about to go (it may answer
		 * the fence first, then obey the KILL). */
		const struct registry_record *r = zk_store_task_find(s->store, rs.m[i].task_id);
		bool gone = rs.m[i].killed || (r && sched_task_terminal_name(r->task_state)) ||
			    (r && r->learner);   /* never force a learner: no voter */
		c[i] = (struct rank_candidate){
			.name = rs.m[i].name, .member_id = rs.m[i].ans.member_id,
			.has_data = !gone && rs.m[i].answered && rs.m[i].ans.has_data &&
				    rs.m[i].ans.from != FW_FROM_NONE,
			.raft_index = rs.m[i].ans.raft_index, .raft_term = rs.m[i].ans.raft_term,
			.raft_applied_index = rs.m[i].ans.applied_index,
		};
	}
	if (rank_reseed(c, rs.n, tried, rs.n_tried, order, RS_MAX, &n_order, &chosen) < 0 ||
	    chosen < 0) {
		char list[200] = "";
		for (size_t i = 0; i < rs.n_tried; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				 i ? ", " : "", rs.tried[i]);
		rs.step = RS_STUCK;
		rs.chosen = -1;
		snprintf(why_text, sizeof why_text,
			 "reseed %s stuck: no fenced member with data could be forced (tried: %s); "
			 "nothing was killed, the fenced tasks keep their data for a human (see "
			 "reseed/%s in ZooKeeper)", rs.id, list[0] ? list : "none", rs.id);
		log_error("%s", why_text);
		record(s, "stuck", "reseed-stuck", NULL);
		return;
	}
	rs.chosen = chosen;
	memcpy(rs.tried[rs.n_tried++], rs.m[chosen].name, sizeof rs.tried[0]);
	rs.step = RS_FORCE;
	log_info("reseed %s: ranked; the candidate is %s (raft index %" PRIu64 ", term %" PRIu64
		 ")", rs.id, rs.m[chosen].name, rs.m[chosen].ans.raft_index,
		 rs.m[chosen].ans.raft_term);
	record(s, "ranked", "reseed-ranked", send_force);
}

static void finish(struct sched *s)
{
	log_info("reseed %s: done; the cluster grows back with learners", rs.id);
	rs.step = RS_IDLE;
	rs.chosen = -1;
	s->etcd_listed = false;
	sched_etcd_relist(s);
	sched_replan(s);
}

static void grow_done(struct sched *s)
{
	sched_crash_point("reseed-others-killed");
	record(s, "done", "reseed-done", finish);
}

/* Done only once Mesos confirmed every kill and that is in the registry
 * (the planner then starts from settled records). */
static void others_gone_check(struct sched *s)
{
	for (size_t i = 0; i < rs.n; i++) {
		if ((int)i == rs.chosen)
			continue;
		const struct registry_record *r = zk_store_task_find(s->store, rs.m[i].task_id);
		if (r && !sched_task_terminal_name(r->task_state)) {
			if (++rs.gone_polls % (KILL_REPEAT_MS / GONE_POLL_MS) == 0)
				kill_member(s, &rs.m[i], "its kill is not confirmed yet");
			ev_timer_start(s->loop, &rs.timer, GONE_POLL_MS, 0);
			return;
		}
	}
	ev_timer_stop(s->loop, &rs.timer);
	grow_done(s);
}

static void grow_put_done(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	(void)st;
	if (rc < 0)
		log_warn("reseed %s: registry write while growing: %s", rs.id,
			 err ? err : strerror(-rc));
	if (rs.pending_puts && --rs.pending_puts == 0 && rs.step == RS_GROW) {
		if (rc == -ESTALE || rc == -EPERM)
			return;   /* deposed: the successor resumes from "healthy" */
		others_gone_check(s);
	}
}

static void grow_put(struct sched *s, const struct registry_record *rec)
{
	if (sched_put(s, rec, grow_put_done, s) == 0)
		rs.pending_puts++;
}

/* The candidate is healthy and that is recorded: the others go. */
static void grow(struct sched *s)
{
	if (rs.step != RS_GROW || rs.chosen < 0)
		return;
	struct rs_member *w = &rs.m[rs.chosen];
	ev_timer_stop(s->loop, &rs.timer);
	log_info("reseed %s: %s serves as a healthy one-member cluster at raft index %" PRIu64
		 " (highest seen before the fence: %" PRIu64 "); the others go", rs.id, w->name,
		 w->ans.raft_index, rs.highest_index);
	rs.pending_puts = 0;
	for (size_t i = 0; i < rs.n; i++) {
		if ((int)i == rs.chosen)
			continue;
		const struct registry_record *r = zk_store_task_find(s->store, rs.m[i].task_id);
		if (r && r->state != MEMBER_DEAD && r->state != MEMBER_REMOVED) {
			struct registry_record rec = *r;
			rec.state = MEMBER_DEAD;
			grow_put(s, &rec);
		}
		if (!r || !sched_task_terminal_name(r->task_state))
			kill_member(s, &rs.m[i], "the forced survivor is healthy");
	}
	const struct registry_record *r = zk_store_task_find(s->store, w->task_id);
	if (r && (r->learner || r->state != MEMBER_RUNNING)) {
		struct registry_record rec = *r;
		rec.learner = false;
		rec.state = MEMBER_RUNNING;
		grow_put(s, &rec);
	}
	rs.gone_polls = 0;
	if (rs.pending_puts == 0)
		others_gone_check(s);
}

static void refence(struct sched *s)
{
	if (rs.step != RS_REFENCE || rs.chosen < 0)
		return;
	send_op(s, &rs.m[rs.chosen], FW_OP_FENCE);
	ev_timer_start(s->loop, &rs.timer, FENCE_WAIT_MS, 0);
}

/* The candidate failed or timed out: fence it again, then the next. */
static void candidate_failed(struct sched *s, const char *why)
{
	struct rs_member *m = &rs.m[rs.chosen];
	log_warn("reseed %s: %s was not forced (%s); fencing it again before the next candidate",
		 rs.id, m->name, why);
	ev_timer_stop(s->loop, &rs.timer);
	rs.step = RS_REFENCE;
	m->fenced = false;
	record(s, "refence", "reseed-refence", refence);
}

static void timer_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	(void)loop;
	if (rs.step == RS_FENCE || rs.step == RS_REFENCE) {
		for (size_t i = 0; i < rs.n; i++)
			if (!rs.m[i].fenced && (rs.step == RS_FENCE || (int)i == rs.chosen))
				kill_member(s, &rs.m[i], "its executor did not answer the fence");
		ev_timer_start(s->loop, &rs.timer, KILL_REPEAT_MS, 0);
	} else if (rs.step == RS_GROW) {
		if (rs.pending_puts == 0)
			others_gone_check(s);
	} else if (rs.step == RS_FORCE) {
		char why[96];
		snprintf(why, sizeof why, "not healthy within -reseed-force-timeout %" PRId64 " ms",
			 s->cfg->reseed_force_timeout_ms);
		candidate_failed(s, why);
	}
}

static void on_fence_answer(struct sched *s, size_t i, const struct fw_message *a)
{
	struct rs_member *m = &rs.m[i];
	bool again = rs.step == RS_REFENCE && (int)i == rs.chosen && !m->fenced;

	if (!again && (m->answered || rs.step != RS_FENCE))
		return;
	if (a->error[0]) {
		log_warn("reseed %s: %s could not fence: %s", rs.id, m->name, a->error);
		return;
	}
	if (!a->fence.fenced)
		return;
	m->fenced = true;
	if (again) {
		log_info("reseed %s: %s fenced again", rs.id, m->name);
		record_fence(s);
		all_fenced_check(s);
		return;
	}
	m->answered = true;
	m->ans = a->fence;
	/* etcd did not answer its executor: our own last sample of it may
	 * be newer than the executor's */
	const struct sched_task *t = sched_task_get(s, m->task_id, false);
	for (size_t k = t && a->fence.from != FW_FROM_ETCD ? t->n_samples : 0; k-- > 0;) {
		const struct health_sample *h = &t->samples[k];
		if (!h->reachable)
			continue;
		if (m->ans.has_data && h->raft_index > m->ans.raft_index) {
			m->ans.raft_index = h->raft_index;
			m->ans.raft_term = h->raft_term;
			m->ans.applied_index = h->raft_applied_index;
			m->ans.from = FW_FROM_LAST_SAMPLE;
		}
		break;
	}
	/* the index it is ranked with (the executor's, or our newer sample) */
	log_info("reseed %s: %s fenced (raft index %" PRIu64 ", term %" PRIu64 ", from %s; "
		 "its executor said %" PRIu64 ")", rs.id, m->name, m->ans.raft_index,
		 m->ans.raft_term, fw_fence_from_name(m->ans.from), a->fence.raft_index);
	record_fence(s);
	all_fenced_check(s);
}

/* An answer of an executor (framework message or status data). */
static void on_answer(struct sched *s, const char *task_id, const struct fw_message *a)
{
	if (rs.step == RS_IDLE || strcmp(a->reseed_id, rs.id) != 0)
		return;
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_member *m = &rs.m[i];
		if (strcmp(m->task_id, task_id) != 0)
			continue;
		if (a->op == FW_OP_FENCE) {
			on_fence_answer(s, i, a);
		} else if (a->op == FW_OP_FORCE && rs.step == RS_FORCE && (int)i == rs.chosen) {
			if (a->force.state == FW_FORCE_HEALTHY && !a->error[0]) {
				rs.step = RS_GROW;
				ev_timer_stop(s->loop, &rs.timer);
				log_info("reseed %s: %s is healthy: %s", rs.id, m->name,
					 a->force.message);
				record(s, "healthy", "reseed-force-healthy", grow);
			} else if (a->force.state == FW_FORCE_FAILED || a->error[0]) {
				candidate_failed(s, a->error[0] ? a->error : a->force.message);
			}
		}
		return;
	}
}

void sched_reseed_message(struct sched *s, const char *executor_id, const void *data, size_t len)
{
	struct fw_message m;
	char err[256];
	if (fw_message_decode(&m, FW_ANSWER, data, len, err, sizeof err) < 0) {
		log_warn("framework message from %s: %s", executor_id, err);
		return;
	}
	on_answer(s, executor_id, &m);
}

void sched_reseed_status(struct sched *s, const char *task_id, bool terminal,
			 const struct status_data *sd)
{
	if (rs.step == RS_IDLE)
		return;
	if (sd && sd->has_answer)
		on_answer(s, task_id, &sd->answer);
	if (!terminal)
		return;
	for (size_t i = 0; i < rs.n; i++) {
		struct rs_member *m = &rs.m[i];
		if (strcmp(m->task_id, task_id) != 0)
			continue;
		if (rs.step == RS_FORCE && (int)i == rs.chosen) {
			/* its task is gone: nothing of it can run any more */
			m->fenced = true;
			record_fence(s);
			log_warn("reseed %s: the candidate %s's task ended", rs.id, m->name);
			ev_timer_stop(s->loop, &rs.timer);
			force_next(s);
			return;
		}
		if (m->fenced)
			continue;
		m->fenced = true;   /* its task is gone: nothing of it can run */
		log_info("reseed %s: %s fenced by its task's end", rs.id, m->name);
		record_fence(s);
	}
	all_fenced_check(s);
}

static void timer_setup(struct sched *s)
{
	if (!rs.timer_ready) {
		ev_timer_init(&rs.timer, timer_cb, s);
		rs.timer_ready = true;
	}
}

static void after_decided(struct sched *s)
{
	if (rs.step != RS_FENCE)
		return;
	for (size_t i = 0; i < rs.n; i++)
		if (!rs.m[i].fenced)
			send_op(s, &rs.m[i], FW_OP_FENCE);
	ev_timer_start(s->loop, &rs.timer, FENCE_WAIT_MS, 0);
}

int sched_reseed_start(struct sched *s, const char *reason, char *err, size_t errlen)
{
	char uniq[14];
	if (sched_reseeding() && rs.step != RS_STUCK) {
		snprintf(err, errlen, "a reseed is already running (%s, step %s)", rs.id,
			 sched_reseed_step());
		return -EBUSY;
	}
	if (!s->leader || !s->subscribed || !sched_can_act(s)) {
		snprintf(err, errlen, "not ready (not subscribed, or the leader fence is stale)");
		return -EAGAIN;
	}
	if (s->healthy) {
		snprintf(err, errlen, "the cluster is healthy: a reseed would throw members away");
		return -EBUSY;
	}
	/* an initial member launched but not yet running cannot be judged: a
	 * cluster still forming is not a cluster that lost its quorum. A
	 * learner that never ran is not waited for: it is no voter, and
	 * without quorum it can never start (seed 7 of scripts/chaos: a
	 * learner added between two deaths held the reseed off for ever) */
	for (size_t i = 0; i < zk_store_task_count(s->store); i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		bool starting = !r->task_state[0] || strcmp(r->task_state, "TASK_STAGING") == 0 ||
				strcmp(r->task_state, "TASK_STARTING") == 0;
		const struct sched_task *t = sched_task_get(s, r->task_id, false);
		/* seen serving once: its record's task state may lag behind */
		if (t && t->last_seen_ms > 0)
			starting = false;
		if ((r->state == MEMBER_LAUNCHED || r->state == MEMBER_RUNNING) && !r->foreign &&
		    r->initial && starting) {
			snprintf(err, errlen, "member %s is still starting (%s): a reseed waits until "
				 "every member ran or ended", r->name,
				 r->task_state[0] ? r->task_state : "no status yet");
			return -EAGAIN;
		}
	}
	timer_setup(s);
	memset(rs.m, 0, sizeof rs.m);
	rs.n = 0;
	rs.n_tried = 0;
	rs.chosen = -1;
	rs.highest_index = 0;
	rs.resumed = false;
	rs.decided_ms = (uint64_t)sched_wall_ms();
	task_id_uniq(rs.decided_ms, uniq);
	snprintf(rs.id, sizeof rs.id, "r-%s", uniq);
	snprintf(rs.reason, sizeof rs.reason, "%s", reason);
	size_t total = zk_store_task_count(s->store);
	for (size_t i = 0; i < total && rs.n < RS_MAX; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED || r->foreign ||
		    sched_task_terminal_name(r->task_state))
			continue;
		struct rs_member *m = &rs.m[rs.n++];
		snprintf(m->task_id, sizeof m->task_id, "%s", r->task_id);
		snprintf(m->agent_id, sizeof m->agent_id, "%s", r->agent_id);
		snprintf(m->name, sizeof m->name, "%s", r->name);
		struct sched_task *t = sched_task_get(s, r->task_id, false);
		for (size_t k = 0; t && k < t->n_samples; k++)
			if (t->samples[k].reachable && t->samples[k].raft_index > rs.highest_index)
				rs.highest_index = t->samples[k].raft_index;
	}
	if (rs.n == 0) {
		snprintf(err, errlen, "no member task is running: nothing to reseed from");
		return -EINVAL;
	}
	rs.step = RS_FENCE;
	s->cluster_reseeds++;
	log_warn("reseed %s started (%s): fencing %zu members", rs.id, reason, rs.n);
	record(s, "decided", "reseed-decided", after_decided);
	return 0;
}

/* ---- resuming a reseed an earlier leader left unfinished ---- */

/* Picks the newest record: the one to resume unless it is done. */
void sched_reseed_load(struct sched *s)
{
	size_t n = zk_store_reseed_count(s->store);
	const char *best = NULL, *best_json = NULL;
	size_t best_len = 0;
	uint64_t best_ms = 0;
	char step[16], err[300];

	timer_setup(s);
	for (size_t i = 0; i < n; i++) {
		const char *json;
		size_t len;
		uint64_t ms = 0;
		const char *id = zk_store_reseed_at(s->store, i, &json, &len);
		cJSON *j = cJSON_ParseWithLength(json, len);
		const cJSON *u = j ? cJSON_GetObjectItemCaseSensitive(j, "decided_ms") : NULL;
		if (!u && j)
			u = cJSON_GetObjectItemCaseSensitive(j, "updated_ms");
		if (cJSON_IsString(u))
			ms = strtoull(u->valuestring, NULL, 10);
		else if (cJSON_IsNumber(u) && u->valuedouble > 0)
			ms = (uint64_t)u->valuedouble;
		cJSON_Delete(j);
		if (!best || ms >= best_ms) {
			best = id;
			best_json = json;
			best_len = len;
			best_ms = ms;
		}
	}
	if (!best)
		return;
	int rc = rs_record_decode(&rs, best, best_json, best_len, step, sizeof step, err,
				  sizeof err);
	if (rc < 0) {
		rs.step = RS_STUCK;
		snprintf(rs.id, sizeof rs.id, "%s", best);
		snprintf(why_text, sizeof why_text, "reseed %s cannot be resumed: %s; nothing is "
			 "done until an operator looks at reseed/%s in ZooKeeper", best,
			 rc == -ENOMEM ? "out of memory" : err, best);
		log_error("%s", why_text);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *json;
		size_t len;
		const char *id = zk_store_reseed_at(s->store, i, &json, &len);
		if (strcmp(id, best) != 0 && !strstr(json, "\"step\":\"done\""))
			log_warn("reseed %s was left unfinished and a later one (%s) followed: "
				 "not resumed", id, best);
	}
	if (rs_step_final(step)) {
		rs.step = RS_IDLE;
		rs.chosen = -1;
		return;
	}
	/* members an earlier build did not record the agent of */
	for (size_t i = 0; i < rs.n; i++) {
		const struct registry_record *r = zk_store_task_find(s->store, rs.m[i].task_id);
		if (!rs.m[i].agent_id[0] && r)
			snprintf(rs.m[i].agent_id, sizeof rs.m[i].agent_id, "%s", r->agent_id);
	}
	snprintf(rs.last_step, sizeof rs.last_step, "%s", step);
	rs.resumed = true;
	if (strcmp(step, "stuck") == 0) {
		rs.step = RS_STUCK;
		snprintf(why_text, sizeof why_text, "reseed %s stuck (found so in ZooKeeper): no "
			 "fenced member could be forced; nothing is killed; POST /reseed starts a "
			 "new one", rs.id);
		log_error("%s", why_text);
		return;
	}
	rs.resume_pending = true;
	log_warn("reseed %s was left at step %s by an earlier leader; it resumes once Mesos "
		 "is subscribed (no new reseed starts meanwhile)", rs.id, step);
}

static void resume_now(struct sched *s)
{
	const char *step = rs.last_step;
	rs.resume_pending = false;
	s->cluster_reseeds++;
	log_warn("reseed %s: resuming from step %s (%zu members, %zu fenced, candidate %s, "
		 "tried %zu)", rs.id, step, rs.n, n_fenced(),
		 rs.chosen >= 0 ? rs.m[rs.chosen].name : "none", rs.n_tried);
	if (strcmp(step, "healthy") == 0) {
		rs.step = RS_GROW;
		grow(s);
	} else if (strcmp(step, "ranked") == 0 && rs.chosen >= 0) {
		rs.step = RS_FORCE;
		send_force(s);
	} else if (strcmp(step, "refence") == 0 && rs.chosen >= 0) {
		rs.step = RS_REFENCE;
		rs.m[rs.chosen].fenced = false;
		refence(s);
	} else {
		/* decided or fence: ask again whoever has not answered */
		rs.step = RS_FENCE;
		for (size_t i = 0; i < rs.n; i++) {
			const struct registry_record *r =
				zk_store_task_find(s->store, rs.m[i].task_id);
			if (!rs.m[i].fenced && r && sched_task_terminal_name(r->task_state)) {
				rs.m[i].fenced = true;
				log_info("reseed %s: %s fenced by its task's end (%s)", rs.id,
					 rs.m[i].name, r->task_state);
			}
		}
		after_decided(s);
		all_fenced_check(s);
	}
}

void sched_reseed_kick(struct sched *s)
{
	if (!rs.resume_pending)
		return;
	if (!s->subscribed || !sched_can_act(s)) {
		sched_retry_later(s, 1000);
		return;
	}
	resume_now(s);
}

void sched_reseed_stop(struct sched *s)
{
	if (rs.timer_ready)
		ev_timer_stop(s->loop, &rs.timer);
	for (size_t i = 0; i < N_SLOTS; i++)
		if (slots[i].retry_ready)
			ev_timer_stop(s->loop, &slots[i].retry);
}
