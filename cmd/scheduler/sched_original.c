/*
 * sched_original — moving over from the original etcd-mesos (SAFETY.md
 * section 9, issue 14).
 *
 * What it owns: the list of the original's tasks read from its
 * <name>_reconciliation node (copied at reconciliation start), their
 * reconciliation answers, the /version check of every foreign member
 * (one HTTP client of its own) and the summary /stats, the log and ctl
 * show. Foreign members live in the registry as records with "foreign"
 * set, written here when Mesos reports one of the original's tasks
 * running; from then on the ordinary status path keeps them.
 *
 * The rules, applied to the planner's world by sched_original_world():
 *  - the original's nodes found, no -adopt-original: hold (the planner
 *    declines offers and changes nothing, kills nothing); the summary
 *    says what was found and the next step;
 *  - -adopt-original: hold until every live foreign member answered
 *    /version with 3.4 or newer (refused for good, with the way out,
 *    when one is older); then the planner replaces them one at a time
 *    (adopt_foreign); when none is left and ours are healthy, one fenced
 *    multi marks the move done and deletes the original's nodes.
 * Everything is re-derived from the registry and the original's nodes on
 * each re-plan, so a scheduler killed at any step resumes.
 *
 * Everything runs on the loop; nothing here blocks. Callbacks here only
 * record answers and re-plan. Errors are logged (one line) and retried.
 */
#include "sched.h"

#include "base/log.h"
#include "cluster/ident.h"
#include "cluster/task_id.h"
#include "etcd/etcd_version_gate.h"
#include "net/http_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION_TIMEOUT_MS 3000
#define VERSION_RETRY_MS 2000
#define RECONCILE_RETRY_MS 2000
#define MOVE_LEADER_SETTLE_MS 3000  /* for a health sample to see it */
#define MOVE_LEADER_TRIES 3

enum gate { GATE_UNKNOWN = 0, GATE_ASKING, GATE_OK, GATE_OLD, GATE_ERROR };

static struct orig {
	struct sched *s;
	/* the original's reconciliation map */
	struct otask {
		char task_id[TASK_ID_MAX + 1];
		char agent_id[TASK_ID_MAX + 1];
		bool answered;
	} tasks[SCHED_MAX_TASKS];
	size_t n_tasks;
	unsigned writing;                 /* foreign record writes in flight */
	struct ev_timer reconcile_timer;
	bool timer_init;
	/* version checks, by task id */
	struct vcheck {
		char task_id[TASK_ID_MAX + 1];
		enum gate gate;
		char version[32];
		char why[400];
		uint64_t retry_at_ms;
		void *ask;                  /* the request's context while in flight */
	} checks[SCHED_MAX_TASKS];
	struct http_client *http;
	bool finishing;
	/* moving etcd leadership off a foreign member before it leaves */
	bool moving_leader;
	unsigned move_failures;
	uint64_t moved_at_ms;
	/* the summary */
	const char *state;                /* NULL: nothing of the original */
	char next[600];
	char last_logged[1200];
} o;

static bool active(struct sched *s)
{
	const struct zk_store_original *orig = s->store ? zk_store_original(s->store) : NULL;
	return orig && (orig->framework_id_found || orig->reconciliation_found);
}

static bool rec_live(const struct registry_record *r)
{
	return r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED ||
	       r->state == MEMBER_LAUNCHED || r->state == MEMBER_RUNNING;
}

/* ---- reconciliation of the original's tasks ---- */

static void send_reconcile(struct sched *s)
{
	struct sched_reconcile_task t[SCHED_MAX_TASKS];
	size_t n = 0;
	for (size_t i = 0; i < o.n_tasks; i++)
		if (!o.tasks[i].answered)
			t[n++] = (struct sched_reconcile_task){ o.tasks[i].task_id,
								o.tasks[i].agent_id };
	if (!n || !s->mesos || !s->subscribed)
		return;
	int rc = sched_reconcile(s->mesos, t, n, NULL, NULL);
	log_info("explicit reconciliation of %zu tasks of the original etcd-mesos%s", n,
		 rc < 0 ? " not sent" : "");
	ev_timer_start(s->loop, &o.reconcile_timer, RECONCILE_RETRY_MS, 0);
}

static void reconcile_timer_cb(struct ev_loop *loop, void *arg)
{
	send_reconcile(arg);
}

void sched_original_reconcile(struct sched *s)
{
	const struct zk_store_original *orig = zk_store_original(s->store);
	o.s = s;
	if (!o.timer_init) {
		ev_timer_init(&o.reconcile_timer, reconcile_timer_cb, s);
		o.timer_init = true;
	}
	ev_timer_stop(s->loop, &o.reconcile_timer);
	o.n_tasks = 0;
	if (!orig || !active(s))
		return;
	for (size_t i = 0; i < orig->n_tasks && o.n_tasks < SCHED_MAX_TASKS; i++) {
		struct otask *t = &o.tasks[o.n_tasks++];
		snprintf(t->task_id, sizeof t->task_id, "%s", orig->tasks[i].task_id);
		snprintf(t->agent_id, sizeof t->agent_id, "%s", orig->tasks[i].agent_id);
		/* a task already in our registry is reconciled with the others */
		t->answered = zk_store_task_find(s->store, t->task_id) != NULL;
	}
	log_info("the original etcd-mesos's nodes are here: framework id %s, %zu tasks in its "
		 "reconciliation map; its members are foreign: never killed without "
		 "-adopt-original", orig->framework_id_found ? orig->framework_id : "(none)",
		 orig->n_tasks);
	send_reconcile(s);
}

void sched_original_stop(struct sched *s)
{
	if (o.timer_init)
		ev_timer_stop(s->loop, &o.reconcile_timer);
	http_client_free(o.http);   /* cancels: no on_done runs */
	o.http = NULL;
	for (size_t i = 0; i < SCHED_MAX_TASKS; i++) {
		free(o.checks[i].ask);
		o.checks[i].ask = NULL;
		if (o.checks[i].gate == GATE_ASKING)
			o.checks[i].gate = GATE_UNKNOWN;
	}
}

bool sched_original_pending(void)
{
	if (o.writing)
		return true;
	for (size_t i = 0; i < o.n_tasks; i++)
		if (!o.tasks[i].answered)
			return true;
	return false;
}

static void foreign_written(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0)
		log_error("foreign member not recorded: %s; the next reconciliation tries again",
			  err);
	o.writing--;
	sched_replan(s);
}

void sched_original_status(struct sched *s, const char *id, const char *agent_id,
			   const char *sname, bool terminal)
{
	struct task_id_info info;
	for (size_t i = 0; i < o.n_tasks; i++)
		if (strcmp(o.tasks[i].task_id, id) == 0 && (terminal || !agent_id || !*agent_id))
			o.tasks[i].answered = true;
	if (terminal) {
		log_info("task %s of the original etcd-mesos is %s: gone", id, sname);
		sched_replan(s);
		return;
	}
	if (!agent_id || !*agent_id || task_id_parse(id, &info) < 0 ||
	    info.kind != TASK_ID_ORIGINAL || !sched_can_act(s))
		return;   /* the next reconciliation brings it again */
	struct registry_record rec;
	registry_record_init(&rec);
	if (ident_is_member_name(info.name))
		snprintf(rec.name, sizeof rec.name, "%s", info.name);
	else
		snprintf(rec.name, sizeof rec.name, "original-%u", info.peer_port);
	snprintf(rec.task_id, sizeof rec.task_id, "%s", id);
	snprintf(rec.agent_id, sizeof rec.agent_id, "%s", agent_id);
	snprintf(rec.host, sizeof rec.host, "%s", info.host);
	rec.peer_port = info.peer_port;
	rec.client_port = info.client_port;
	rec.state = MEMBER_RUNNING;
	rec.foreign = true;
	snprintf(rec.task_state, sizeof rec.task_state, "%s", sname);
	char url[IDENT_URL_MAX + 1];
	snprintf(url, sizeof url, "http://%s:%u", info.host, info.peer_port);
	const struct etcd_member *e =
		s->etcd_listed ? etcd_members_find_peer_url(&s->etcd_list, url) : NULL;
	if (e) {
		rec.etcd_id = e->id;
		rec.learner = e->is_learner;
	}
	log_info("foreign member %s: task %s of the original etcd-mesos is %s on agent %s "
		 "(peer %s); recorded as foreign", rec.name, id, sname, agent_id, url);
	if (sched_put(s, &rec, foreign_written, s) == 0) {
		o.writing++;
		for (size_t i = 0; i < o.n_tasks; i++)
			if (strcmp(o.tasks[i].task_id, id) == 0)
				o.tasks[i].answered = true;
	}
}

/* ---- the version gate ---- */

static struct vcheck *check_for(const char *task_id, bool create)
{
	struct vcheck *free_slot = NULL;
	for (size_t i = 0; i < SCHED_MAX_TASKS; i++) {
		if (strcmp(o.checks[i].task_id, task_id) == 0)
			return &o.checks[i];
		if (!free_slot && !o.checks[i].task_id[0])
			free_slot = &o.checks[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof *free_slot);
	snprintf(free_slot->task_id, sizeof free_slot->task_id, "%s", task_id);
	return free_slot;
}

struct vask {
	struct sched *s;
	char task_id[TASK_ID_MAX + 1];
	char who[IDENT_NAME_MAX + IDENT_URL_MAX + 8];
};

static void version_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct vask *a = arg;
	struct vcheck *c = check_for(a->task_id, false);
	if (c)
		c->ask = NULL;
	if (c) {
		if (r->err || r->status != 200 || !r->body) {
			c->gate = GATE_ERROR;
			snprintf(c->why, sizeof c->why, "%s: GET /version: %s", a->who,
				 r->err ? r->errmsg : "no 200 answer");
			c->retry_at_ms = ev_now_ms(a->s->loop) + VERSION_RETRY_MS;
		} else {
			int rc = etcd_version_gate(r->body, r->body_len, a->who, c->why, sizeof c->why);
			c->gate = rc == 0 ? GATE_OK : rc == -ENOTSUP ? GATE_OLD : GATE_ERROR;
			if (rc == 0)
				snprintf(c->version, sizeof c->version, "%s", c->why);
			else
				c->retry_at_ms = ev_now_ms(a->s->loop) + VERSION_RETRY_MS;
			if (rc == -ENOTSUP)
				log_error("%s", c->why);
		}
	}
	sched_replan(a->s);
	free(a);
}

static void version_ask(struct sched *s, const struct registry_record *r, struct vcheck *c)
{
	char url[IDENT_URL_MAX + 16];
	if (!o.http) {
		struct http_client_config hc = { .timeout_ms = VERSION_TIMEOUT_MS };
		o.http = http_client_new(s->loop, &hc);
		if (!o.http)
			return;
	}
	struct vask *a = calloc(1, sizeof *a);
	if (!a)
		return;
	a->s = s;
	snprintf(a->task_id, sizeof a->task_id, "%s", r->task_id);
	snprintf(url, sizeof url, "http://%s:%u/version", r->host, r->client_port);
	snprintf(a->who, sizeof a->who, "foreign member %s (http://%s:%u)", r->name, r->host,
		 r->client_port);
	struct http_client_request req = { .method = "GET", .url = url, .idempotent = true };
	static const struct http_client_cbs cbs = { .on_done = version_done };
	if (http_client_start(o.http, &req, &cbs, a, NULL) < 0) {
		free(a);
		return;
	}
	c->gate = GATE_ASKING;
	c->ask = a;
}

/* ---- leadership ----
 * Removing the member that leads etcd costs an election (about an
 * election timeout without writes): before a foreign leader would leave,
 * leadership moves to one of ours (maintenance/transfer-leadership).
 * After MOVE_LEADER_TRIES failures the removal goes ahead anyway. */

static void moved_cb(struct etcd_call *c, const struct etcd_result *res,
		     struct etcd_answer *ans, void *arg)
{
	struct sched *s = arg;
	o.moving_leader = false;
	o.moved_at_ms = ev_now_ms(s->loop);
	if (res->err) {
		o.move_failures++;
		log_warn("etcd leadership not moved (try %u of %d): %s", o.move_failures,
			 MOVE_LEADER_TRIES, res->errmsg);
	} else {
		log_info("etcd leadership moved to one of ours before a foreign member leaves");
	}
	sched_replan(s);
}

/* True while leadership is (being) moved: the world holds. */
static bool move_leader(struct sched *s, size_t live)
{
	const struct registry_record *leader = NULL, *target = NULL;
	size_t n = zk_store_task_count(s->store);
	if (live <= (size_t)s->cfg->cluster_size || !s->healthy || o.move_failures >= MOVE_LEADER_TRIES)
		return false;   /* no foreign member is about to leave */
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		const struct sched_task *t = sched_task_get(s, r->task_id, false);
		if (r->state != MEMBER_RUNNING || !t || !t->up)
			continue;
		if (r->foreign && t->leader)
			leader = r;
		else if (!r->foreign && !r->learner && r->etcd_id && !target)
			target = r;
	}
	if (!leader || !target)
		return false;
	if (o.moving_leader || ev_now_ms(s->loop) < o.moved_at_ms + MOVE_LEADER_SETTLE_MS)
		return true;
	char ep[IDENT_URL_MAX + 1];
	snprintf(ep, sizeof ep, "http://%s:%u", leader->host, leader->client_port);
	struct etcd_call_opts opts = { .endpoint = ep };
	if (sched_etcd_ensure(s) < 0 ||
	    etcd_client_move_leader(s->etcd, target->etcd_id, &opts, moved_cb, s, NULL) < 0) {
		o.move_failures++;
		return false;
	}
	log_info("moving etcd leadership from foreign member %s to %s before it leaves",
		 leader->name, target->name);
	o.moving_leader = true;
	return true;
}

/* ---- the move's end ---- */

static void finished(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	o.finishing = false;
	if (rc < 0)
		log_error("the move from the original is not marked done: %s; trying again", err);
	else
		log_info("moved over from the original etcd-mesos: no foreign member is left; "
			 "its nodes are deleted and the move is marked done (original_moved)");
	sched_replan(s);
}

static void finish(struct sched *s)
{
	char note[128];
	if (o.finishing || !sched_can_act(s))
		return;
	snprintf(note, sizeof note, "moved over at %lld ms (Unix time)",
		 (long long)sched_wall_ms());
	if (zk_store_finish_original(s->store, note, finished, s) == 0)
		o.finishing = true;
}

/* ---- the world and the summary ---- */

static void say(const char *state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *state, const char *fmt, ...)
{
	va_list ap;
	o.state = state;
	va_start(ap, fmt);
	vsnprintf(o.next, sizeof o.next, fmt, ap);
	va_end(ap);
}

void sched_original_world(struct sched *s, struct plan_world *w)
{
	size_t n = zk_store_task_count(s->store), foreign_live = 0, foreign_any = 0, ours_live = 0;
	size_t ok = 0, asking = 0;
	const struct vcheck *old = NULL, *error = NULL;
	char found[900] = "";
	size_t fl = 0;

	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (!r->foreign) {
			ours_live += rec_live(r);
			continue;
		}
		foreign_any++;
		if (!rec_live(r))
			continue;
		foreign_live++;
		struct vcheck *c = check_for(r->task_id, true);
		const struct sched_task *t = sched_task_get(s, r->task_id, false);
		if (c && (c->gate == GATE_UNKNOWN ||
			  (c->gate == GATE_ERROR && ev_now_ms(s->loop) >= c->retry_at_ms)))
			version_ask(s, r, c);
		if (c && c->gate == GATE_OK)
			ok++;
		else if (c && c->gate == GATE_OLD)
			old = old ? old : c;
		else if (c && c->gate == GATE_ERROR)
			error = error ? error : c;
		else
			asking++;
		if (fl < sizeof found)
			fl += (size_t)snprintf(found + fl, sizeof found - fl, "%s%s at %s:%u (etcd %s, %s)",
					       fl ? ", " : "", r->name, r->host, r->client_port,
					       c && c->version[0] ? c->version : "?",
					       t && t->up ? "up" : "not answering");
	}
	if (!active(s) && foreign_any == 0) {
		o.state = NULL;
		return;
	}
	if (foreign_live == 0 && ours_live == 0) {
		say("gone", "the original etcd-mesos's nodes are here but none of its members "
		    "runs: its etcd cluster is gone; nothing is started. To start a fresh "
		    "cluster, delete the nodes <persist path>/%s_framework_id and "
		    "<persist path>/%s_reconciliation",
		    s->cfg->framework_name, s->cfg->framework_name);
		w->hold = "the original's nodes are here and none of its members runs";
	} else if (!s->cfg->adopt_original) {
		say("found", "%zu foreign members of the original etcd-mesos: %s. Nothing is "
		    "killed or changed. Next step: stop this scheduler and start it again with "
		    "the same flags plus -adopt-original; it checks that each runs etcd >= 3.4, "
		    "then replaces them one at a time (etcd-mesos-operations(7), \"Moving over "
		    "from the original\")", foreign_live, fl ? found : "none");
		w->hold = "foreign members of the original etcd-mesos: waiting for -adopt-original";
	} else if (old) {
		say("refused", "%s", old->why);
		w->hold = "refused to adopt: a foreign member runs etcd older than 3.4";
	} else if (ok < foreign_live) {
		say("checking", "checking the foreign members' etcd versions (%zu of %zu "
		    "answered)%s%s", ok, foreign_live, error ? "; last error: " : "",
		    error ? error->why : "");
		w->hold = "checking the foreign members' etcd versions";
	} else if (foreign_live > 0) {
		say("moving", "replacing %zu foreign members one at a time: %s. Watch /membership "
		    "and the log (\"move over:\"); stopping the scheduler is safe, it resumes",
		    foreign_live, found);
		w->adopt_foreign = true;
		if (move_leader(s, ours_live + foreign_live))
			w->hold = "moving etcd leadership to one of ours before a foreign member leaves";
	} else if (foreign_any > 0 || !s->healthy) {
		say("moving", "the last foreign member is leaving (%zu records to clear); the move "
		    "ends when ours are healthy", foreign_any);
		w->adopt_foreign = true;
	} else {
		say("finishing", "no foreign member is left: marking the move done");
		finish(s);
	}
	(void)asking;
	char line[sizeof o.last_logged];
	snprintf(line, sizeof line, "original etcd-mesos: %s: %s", o.state, o.next);
	if (strcmp(line, o.last_logged) != 0) {
		if (strcmp(o.state, "refused") == 0 || strcmp(o.state, "gone") == 0)
			log_warn("%s", line);
		else
			log_info("%s", line);
		snprintf(o.last_logged, sizeof o.last_logged, "%s", line);
	}
}

const char *sched_original_state(void)
{
	return o.state;
}

const char *sched_original_next(void)
{
	return o.state ? o.next : NULL;
}

const char *sched_original_version(const char *task_id)
{
	const struct vcheck *c = check_for(task_id, false);
	return c && c->version[0] ? c->version : NULL;
}
