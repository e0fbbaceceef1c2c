/* The scheduler's decisions; see plan.h for the contract and invariants. */
#include "cluster/plan.h"

#include <string.h>

static const char *const state_names[] = {
	[MEMBER_PLANNED] = "PLANNED", [MEMBER_ADDED] = "ADDED",
	[MEMBER_LAUNCHED] = "LAUNCHED", [MEMBER_RUNNING] = "RUNNING",
	[MEMBER_DEAD] = "DEAD", [MEMBER_REMOVED] = "REMOVED",
};

const char *member_state_name(enum member_state s)
{
	if ((unsigned)s < sizeof state_names / sizeof *state_names)
		return state_names[s];
	return "UNKNOWN";
}

int member_state_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(name, state_names[i]) == 0)
			return (int)i;
	return -1;
}

static bool is_live(const struct plan_member *m)
{
	return m->state == MEMBER_PLANNED || m->state == MEMBER_ADDED ||
	       m->state == MEMBER_LAUNCHED || m->state == MEMBER_RUNNING;
}

static void push(struct plan *p, enum plan_action_kind kind, int member, int offer,
		 uint64_t etcd_id, const char *why)
{
	if (p->n >= PLAN_MAX_ACTIONS)
		return;
	p->actions[p->n++] = (struct plan_action){
		.kind = kind, .member = member, .offer = offer, .etcd_id = etcd_id, .why = why,
	};
}

static const struct plan_etcd_member *etcd_find(const struct plan_world *w,
						const struct plan_member *m)
{
	for (size_t i = 0; i < w->n_etcd_members; i++) {
		const struct plan_etcd_member *e = &w->etcd_members[i];
		if (m->etcd_id && e->id == m->etcd_id)
			return e;
		if (m->peer_url && e->peer_url && strcmp(m->peer_url, e->peer_url) == 0)
			return e;
	}
	return NULL;
}

/* The registry member an etcd member belongs to, or NULL. */
static const struct plan_member *member_for_etcd(const struct plan_world *w,
						 const struct plan_etcd_member *e)
{
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		if (m->state == MEMBER_REMOVED)
			continue;
		if ((m->etcd_id && m->etcd_id == e->id) ||
		    (m->peer_url && e->peer_url && strcmp(m->peer_url, e->peer_url) == 0))
			return m;
	}
	return NULL;
}

static bool agent_has_live_member(const struct plan_world *w, const char *agent_id)
{
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		/* A dead member whose task may still run keeps its agent busy
		 * until Mesos says the task is gone. */
		bool occupies = is_live(m) || !m->task_terminal;
		if (occupies && m->agent_id && agent_id && strcmp(m->agent_id, agent_id) == 0)
			return true;
	}
	return false;
}

/* Would removing voter e leave enough started, living voters? */
static bool removal_keeps_quorum(const struct plan_world *w, const struct plan_etcd_member *victim)
{
	if (victim->learner)
		return true;
	int voters = 0, alive = 0;
	for (size_t i = 0; i < w->n_etcd_members; i++) {
		const struct plan_etcd_member *e = &w->etcd_members[i];
		if (e->learner || e == victim)
			continue;
		voters++;
		const struct plan_member *m = member_for_etcd(w, e);
		bool dead = m && m->state == MEMBER_DEAD;
		if (e->started && !dead)
			alive++;
	}
	return voters > 0 && alive >= quorum_of(voters);
}

/* Marks offers[idx] used by some action so it is not declined. */
static int pick_offer(const struct plan_world *w, const char *agent_id, bool *used,
		      bool need_free_agent)
{
	for (size_t i = 0; i < w->n_offers; i++) {
		const struct plan_offer *o = &w->offers[i];
		if (used[i] || !o->fits)
			continue;
		if (agent_id && (!o->agent_id || strcmp(o->agent_id, agent_id) != 0))
			continue;
		if (need_free_agent && w->single_instance_per_agent &&
		    agent_has_live_member(w, o->agent_id))
			continue;
		used[i] = true;
		return (int)i;
	}
	return -1;
}

static void answer_offers(const struct plan_world *w, struct plan *p, const bool *used,
			  bool want_offers)
{
	for (size_t i = 0; i < w->n_offers; i++)
		if (!used[i])
			push(p, ACT_DECLINE, -1, (int)i, 0, "offer not needed");
	if (want_offers && w->suppressed)
		push(p, ACT_REVIVE, -1, -1, 0, "a member needs an offer");
	else if (!want_offers && !w->suppressed)
		push(p, ACT_SUPPRESS, -1, -1, 0, "no member needs an offer");
}

/* Cleanup that changes no membership: kill tasks of dead or removed
 * members, forget records whose task is gone. */
static void plan_cleanup(const struct plan_world *w, struct plan *p)
{
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		if (m->state != MEMBER_DEAD && m->state != MEMBER_REMOVED)
			continue;
		if (!m->task_terminal && !m->task_killed_sent)
			push(p, ACT_KILL_TASK, (int)i, -1, 0, "member is dead or removed; its task must go");
		else if (m->state == MEMBER_REMOVED && m->task_terminal)
			push(p, ACT_FORGET, (int)i, -1, 0, "member removed and its task is gone");
	}
}

static void plan_bootstrap(const struct plan_world *w, struct plan *p, bool *used)
{
	/* Initial members planned in this cycle launch together. */
	bool any_initial = false;
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		if (!m->initial || m->state != MEMBER_PLANNED)
			continue;
		any_initial = true;
		int o = pick_offer(w, m->agent_id, used, false);
		if (o >= 0)
			push(p, ACT_LAUNCH, (int)i, o, 0, "launch an initial member");
		else
			push(p, ACT_FORGET, (int)i, -1, 0,
			     "initial member was planned but its offer is gone; plan again");
	}
	if (any_initial)
		return;

	int agents[PLAN_MAX_BOOT];
	size_t n = 0;
	for (size_t i = 0; i < w->n_offers && n < (size_t)w->target_size && n < PLAN_MAX_BOOT; i++) {
		const struct plan_offer *o = &w->offers[i];
		if (!o->fits || used[i])
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			if (strcmp(w->offers[agents[k]].agent_id, o->agent_id) == 0)
				dup = true;
		if (dup || agent_has_live_member(w, o->agent_id))
			continue;
		agents[n++] = (int)i;
	}
	if (n == 0) {
		p->waiting = "bootstrap: waiting for an offer that fits";
		return;
	}
	/* All N at once as a "new" cluster when N distinct agents are in
	 * hand; otherwise a one-member seed that grows by learners. */
	size_t take = n >= (size_t)w->target_size ? (size_t)w->target_size : 1;
	for (size_t k = 0; k < take; k++) {
		p->boot_offers[p->n_boot++] = agents[k];
		used[agents[k]] = true;
	}
	push(p, ACT_BOOTSTRAP, -1, agents[0], 0,
	     take > 1 ? "bootstrap all members as a new cluster"
		      : "bootstrap a one-member seed cluster, then grow");
}

bool plan_total_loss(const struct plan_world *w)
{
	if (!w->cluster_exists || w->n_members == 0 || plan_bootstrap_void(w))
		return false;
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		bool gone = m->state == MEMBER_REMOVED ||
			    (m->state == MEMBER_DEAD && m->task_terminal);
		if (!gone)
			return false;
	}
	return true;
}

bool plan_bootstrap_void(const struct plan_world *w)
{
	int n = 0, never = 0;
	if (w->etcd_listed)
		return false;
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		/* a removed initial member is out of the count: one this void
		 * already marked, or one of an earlier void bootstrap (never one
		 * of a cluster that formed: removals need an etcd list) */
		if (m->state == MEMBER_REMOVED && m->initial && !m->foreign)
			continue;
		if (!m->initial || m->foreign || m->state == MEMBER_REMOVED ||
		    m->state == MEMBER_PLANNED)
			return false;
		n++;
		never += m->never_ran;
	}
	return n > 0 && never > 0 && n - never < quorum_of(n);
}

void plan_next(const struct plan_world *w, struct plan *p)
{
	bool used[256] = { false };
	bool want_offers = false;

	memset(p, 0, sizeof *p);
	if (w->n_offers > sizeof used / sizeof *used) {
		/* More offers than one plan answers: decline the rest next time. */
	}
	if (!w->leader) {
		p->waiting = "not the leader";
		for (size_t i = 0; i < w->n_offers; i++)
			push(p, ACT_DECLINE, -1, (int)i, 0, "not the leader");
		return;
	}
	if (!w->reconciled) {
		p->waiting = "reconciling tasks with Mesos";
		for (size_t i = 0; i < w->n_offers; i++)
			push(p, ACT_DECLINE, -1, (int)i, 0, "still reconciling");
		return;
	}

	if (w->hold) {
		p->waiting = w->hold;
		answer_offers(w, p, used, false);
		return;
	}

	plan_cleanup(w, p);

	size_t live = 0, foreign_live = 0;
	for (size_t i = 0; i < w->n_members; i++)
		if (is_live(&w->members[i])) {
			live++;
			if (w->members[i].foreign)
				foreign_live++;
		}
	/* replacing a foreign member: ours joins first (one over the size) */
	size_t want = (size_t)w->target_size + (w->adopt_foreign && foreign_live ? 1 : 0);

	bool booting = false;
	for (size_t i = 0; i < w->n_members; i++)
		if (w->members[i].initial && w->members[i].state == MEMBER_PLANNED)
			booting = true;
	if (!w->cluster_exists || booting) {
		/* Initial members that died before etcd ever named them (a
		 * crash before the ACCEPT, a launch that failed) void their
		 * bootstrap unless it is still under way: leave their records
		 * so that a new bootstrap starts from a clean list. */
		for (size_t i = 0; i < w->n_members && !booting && !w->cluster_exists; i++) {
			const struct plan_member *m = &w->members[i];
			if (m->initial && m->state == MEMBER_DEAD && m->etcd_id == 0 &&
			    m->task_terminal)
				push(p, ACT_MARK_REMOVED, (int)i, -1, 0,
				     "initial member never ran: its bootstrap is void");
		}
		if (live == 0 || booting) {
			plan_bootstrap(w, p, used);
			want_offers = p->n_boot == 0 && !booting;
		} else {
			p->waiting = "bootstrap: waiting for the initial members";
		}
		answer_offers(w, p, used, want_offers);
		return;
	}

	if (plan_bootstrap_void(w)) {
		/* the members that may have run go first: while one of them is
		 * left, the rest still fail the quorum (and a crash half way
		 * leaves a void bootstrap behind) */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < w->n_members; i++)
				if (w->members[i].state != MEMBER_REMOVED &&
				    w->members[i].never_ran == (pass == 1))
					push(p, ACT_MARK_REMOVED, (int)i, -1, 0,
					     "bootstrap void: too many initial members never ran "
					     "for the rest to reach quorum; it starts again");
		p->waiting = "bootstrap void: its members are removed before a new one starts";
		answer_offers(w, p, used, false);
		return;
	}

	if (plan_total_loss(w)) {
		p->waiting = PLAN_TOTAL_LOSS;
		answer_offers(w, p, used, false);
		return;
	}

	if (!w->etcd_listed) {
		p->waiting = "no etcd member list yet";
		answer_offers(w, p, used, false);
		return;
	}

	/* 1. dead members leave etcd first (SAFETY: remove before replacing) */
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		if (m->state != MEMBER_DEAD)
			continue;
		const struct plan_etcd_member *e = etcd_find(w, m);
		if (!e) {
			push(p, ACT_MARK_REMOVED, (int)i, -1, 0, "dead member is not in etcd");
			continue;
		}
		if (!w->healthy && !e->learner) {
			p->waiting = "a dead member waits for a healthy cluster to be removed";
			answer_offers(w, p, used, false);
			return;
		}
		if (!removal_keeps_quorum(w, e)) {
			p->waiting = "removing the dead member would break quorum";
			answer_offers(w, p, used, false);
			return;
		}
		push(p, ACT_REMOVE_MEMBER, (int)i, -1, e->id, "remove a dead member from etcd");
		answer_offers(w, p, used, false);
		return;
	}

	/* 1b. a running member that a healthy cluster no longer lists was
	 * removed (a reseed's force, an operator): it can never rejoin */
	for (size_t i = 0; i < w->n_members && w->healthy; i++) {
		const struct plan_member *m = &w->members[i];
		if (m->state == MEMBER_RUNNING && !m->foreign && !etcd_find(w, m)) {
			push(p, ACT_MARK_REMOVED, (int)i, -1, 0,
			     "running member is no longer in etcd: it was removed");
			answer_offers(w, p, used, false);
			return;
		}
	}

	/* 2. a learner nobody explains blocks every later join (etcd allows one) */
	for (size_t i = 0; i < w->n_etcd_members; i++) {
		const struct plan_etcd_member *e = &w->etcd_members[i];
		if (!e->learner)
			continue;
		const struct plan_member *m = member_for_etcd(w, e);
		if (!m || !is_live(m)) {
			push(p, ACT_REMOVE_MEMBER, -1, -1, e->id, "remove a stale learner");
			answer_offers(w, p, used, false);
			return;
		}
	}

	/* 3. a change in flight continues */
	for (size_t i = 0; i < w->n_members; i++) {
		const struct plan_member *m = &w->members[i];
		if (m->foreign)
			continue;
		switch (m->state) {
		case MEMBER_PLANNED: {
			/* an add that happened (its answer lost to a crash or a
			 * timeout): etcd lists the peer URL; adding it again
			 * would be refused at best (SAFETY.md section 1) */
			const struct plan_etcd_member *e = m->initial ? NULL : etcd_find(w, m);
			if (e) {
				int keep = pick_offer(w, m->agent_id, used, false);
				push(p, ACT_MARK_ADDED, (int)i, keep, e->id,
				     "the planned member is already in etcd: record it added");
				answer_offers(w, p, used, false);
				return;
			}
			if (!w->healthy) {
				p->waiting = "a planned member waits for a healthy cluster";
				answer_offers(w, p, used, false);
				return;
			}
			/* keep an offer on its agent in hand for the launch
			 * that follows the add */
			int keep = pick_offer(w, m->agent_id, used, false);
			push(p, ACT_ADD_LEARNER, (int)i, keep, 0, "add the planned member as a learner");
			answer_offers(w, p, used, false);
			return;
		}
		case MEMBER_ADDED: {
			int o = pick_offer(w, m->agent_id, used, false);
			if (o >= 0)
				push(p, ACT_LAUNCH, (int)i, o, 0, "launch the added learner");
			else
				p->waiting = "the added learner waits for an offer on its agent";
			answer_offers(w, p, used, o < 0);
			return;
		}
		case MEMBER_LAUNCHED:
			p->waiting = "a launched member is starting";
			answer_offers(w, p, used, false);
			return;
		case MEMBER_RUNNING:
			if (m->learner) {
				const struct plan_etcd_member *e = etcd_find(w, m);
				if (e && e->learner) {
					push(p, ACT_PROMOTE, (int)i, -1, e->id, "promote the learner");
					answer_offers(w, p, used, false);
					return;
				}
			}
			break;
		default:
			break;
		}
	}

	/* 4. size: grow by one, or shrink by one */
	size_t voters = 0;
	for (size_t i = 0; i < w->n_etcd_members; i++)
		if (!w->etcd_members[i].learner)
			voters++;
	if (live < want) {
		if (!w->healthy) {
			p->waiting = "cluster unhealthy: no new member until it is healthy";
			answer_offers(w, p, used, false);
			return;
		}
		int o = pick_offer(w, NULL, used, true);
		if (o >= 0)
			push(p, ACT_PLAN_MEMBER, -1, o, 0,
			     live >= (size_t)w->target_size
				     ? "move over: plan one of ours to replace a foreign member"
				     : "a member is missing: plan a new one");
		else
			p->waiting = "a member is missing: waiting for an offer on a free agent";
		answer_offers(w, p, used, o < 0);
		return;
	}
	if (live > (size_t)w->target_size && w->healthy) {
		/* a foreign member being replaced goes first, else the newest
		 * of ours */
		bool pick_foreign = w->adopt_foreign && foreign_live > 0;
		for (size_t k = w->n_members; k-- > 0;) {
			const struct plan_member *m = &w->members[k];
			if (m->state != MEMBER_RUNNING || m->foreign != pick_foreign)
				continue;
			const struct plan_etcd_member *e = etcd_find(w, m);
			if (!e) {
				push(p, ACT_MARK_REMOVED, (int)k, -1, 0, "surplus member is not in etcd");
			} else if (removal_keeps_quorum(w, e)) {
				push(p, ACT_REMOVE_MEMBER, (int)k, -1, e->id,
				     pick_foreign ? "move over: remove one foreign member from etcd"
						  : "shrink: remove one member from etcd");
			} else {
				p->waiting = "shrink would break quorum";
			}
			break;
		}
	}
	(void)voters;
	answer_offers(w, p, used, false);
}
