/* Carrying out the planner's actions: offer answers and kills at once,
 * then at most one action with an answer (a registry write or an etcd
 * membership call), whose completion records the effect and re-plans
 * (SAFETY.md sections 1 and 2). See sched.h. */
#include "sched.h"

#include "base/log.h"
#include "cluster/task_id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one action in flight. */
static struct act {
	enum plan_action_kind kind;
	char task_id[TASK_ID_MAX + 1];
	char peer_url[IDENT_URL_MAX + 1];
	uint64_t etcd_id;
	enum member_state prev;
	Mesos__V1__Offer *offer;              /* LAUNCH, PLAN_MEMBER */
	Mesos__V1__Offer *boot[PLAN_MAX_BOOT];
	size_t n_boot, k;
	bool initial;
	const char *after;          /* crash point once its record is written */
} act;

static int offer_index(struct sched *s, const Mesos__V1__Offer *o)
{
	for (size_t i = 0; i < s->n_offers; i++)
		if (s->offers[i] == o)
			return (int)i;
	return -1;
}

static bool fresh(struct sched *s, struct registry_record *out)
{
	const struct registry_record *r = zk_store_task_find(s->store, act.task_id);
	if (!r)
		return false;
	*out = *r;
	return true;
}

/* After a failure no action with an answer starts before this (loop
 * time), whatever re-plans meanwhile: an etcd refusal (learner not in
 * sync, unhealthy cluster) is retried at a measured pace. */
static uint64_t hold_until_ms;

static void fail_later(struct sched *s, uint64_t ms)
{
	s->busy = false;
	hold_until_ms = ev_now_ms(s->loop) + ms;
	sched_retry_later(s, ms);
}

static void written_done(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("registry write for %s failed: %s", act.task_id, err);
		fail_later(s, 1000);
		return;
	}
	if (act.after)
		sched_crash_point(act.after);
	sched_done(s);
}

/* ---- new members: BOOTSTRAP and PLAN_MEMBER ---- */

static void boot_next(struct sched *s);

static void planned_written(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("cannot write the PLANNED record %s: %s", act.task_id, err);
		fail_later(s, 1000);
		return;
	}
	sched_crash_point("planned");
	act.k++;
	boot_next(s);
}

static void number_cb(struct zk_store *st, int rc, uint64_t n, const char *err, void *arg)
{
	struct sched *s = arg;
	struct registry_record rec;
	char uniq[14];
	uint16_t peer, client;

	if (rc < 0) {
		log_error("cannot take a member number: %s", err);
		fail_later(s, 1000);
		return;
	}
	int i = offer_index(s, act.boot[act.k]);
	if (i < 0 || sched_offer_ports(s, (size_t)i, &peer, &client) < 0) {
		log_warn("the offer for a new member is gone; planning again");
		sched_done(s);
		return;
	}
	const Mesos__V1__Offer *o = s->offers[i];
	registry_record_init(&rec);
	snprintf(rec.name, sizeof rec.name, "etcd-%llu", (unsigned long long)n);
	task_id_uniq((uint64_t)sched_wall_ms(), uniq);
	if (task_id_format(rec.task_id, sizeof rec.task_id, rec.name, o->hostname, peer, client,
			   uniq) < 0) {
		log_error("agent host name %s cannot go into a task id; declining its offer",
			  o->hostname);
		sched_offer_decline(s, (size_t)i, s->cfg->offer_refuse_seconds);
		sched_done(s);
		return;
	}
	snprintf(rec.agent_id, sizeof rec.agent_id, "%s", o->agent_id->value);
	snprintf(rec.host, sizeof rec.host, "%s", o->hostname);
	rec.peer_port = peer;
	rec.client_port = client;
	rec.state = MEMBER_PLANNED;
	rec.initial = act.initial;
	rec.learner = !act.initial;
	snprintf(act.task_id, sizeof act.task_id, "%s", rec.task_id);
	log_info("planned member %s on agent %s (%s): peer %u, client %u%s", rec.name,
		 rec.agent_id, rec.host, peer, client, act.initial ? ", initial" : ", learner");
	if (sched_put(s, &rec, planned_written, s) < 0)
		fail_later(s, 1000);
}

static void boot_next(struct sched *s)
{
	if (act.k >= act.n_boot) {
		sched_done(s);
		return;
	}
	int rc = zk_store_next_member(s->store, number_cb, s);
	if (rc < 0) {
		log_error("cannot take a member number: %s", strerror(-rc));
		fail_later(s, 1000);
	}
}

/* ---- ADD_LEARNER ---- */

static void add_relisted(struct sched *s);

static void set_added(struct sched *s, uint64_t id)
{
	struct registry_record rec;
	if (!fresh(s, &rec)) {
		sched_done(s);
		return;
	}
	sched_crash_point("etcd-added");
	rec.state = MEMBER_ADDED;
	rec.etcd_id = id;
	rec.learner = true;
	log_info("member %s is etcd learner %llx", rec.name, (unsigned long long)id);
	act.after = "added";
	if (sched_put(s, &rec, written_done, s) < 0)
		fail_later(s, 1000);
}

static void add_list_cb(struct etcd_call *c, const struct etcd_result *res,
			struct etcd_answer *ans, void *arg)
{
	struct sched *s = arg;
	if (res->err) {
		log_warn("member list after an add of unknown outcome failed: %s; asking again",
			 res->errmsg);
		fail_later(s, 1000);
		return;
	}
	const struct etcd_member *e = etcd_members_find_peer_url(&ans->members, act.peer_url);
	if (e) {
		set_added(s, e->id);
		return;
	}
	log_info("the add of %s did not happen (not in the member list); planning again",
		 act.peer_url);
	fail_later(s, 1000);
}

static void add_relisted(struct sched *s)
{
	char ep[IDENT_URL_MAX + 1];
	struct etcd_call_opts o = { .endpoint = sched_etcd_endpoint(s, ep, sizeof ep) };
	if (!o.endpoint || etcd_client_member_list(s->etcd, &o, add_list_cb, s, NULL) < 0)
		fail_later(s, 1000);
}

static void add_cb(struct etcd_call *c, const struct etcd_result *res, struct etcd_answer *ans,
		   void *arg)
{
	struct sched *s = arg;
	s->etcd_listed = false;
	sched_etcd_relist(s);
	if (!res->err && ans->members.has_added) {
		set_added(s, ans->members.added.id);
		return;
	}
	if (res->err && (res->outcome_unknown || res->etcd.kind == ETCD_ERR_PEER_URL_EXISTS)) {
		log_warn("member add of %s: %s; matching by peer URL before anything else",
			 act.peer_url, res->errmsg);
		add_relisted(s);
		return;
	}
	log_warn("member add of %s refused: %s; retrying later", act.peer_url,
		 res->err ? res->errmsg : "no member in the answer");
	/* etcd 3.4 refuses while any voter has been connected for less than
	 * 5 s (strict reconfiguration check): a definite refusal, so asking
	 * again soon is safe, and each step saved shortens every heal */
	fail_later(s, res->err && res->etcd.kind == ETCD_ERR_UNHEALTHY_CLUSTER ? 500 : 2000);
}

/* ---- LAUNCH ---- */

static void launched_written(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	struct registry_record rec;
	if (rc < 0) {
		log_error("cannot write the LAUNCHED record %s: %s; not launching", act.task_id, err);
		fail_later(s, 1000);
		return;
	}
	sched_crash_point("launched");
	int i = offer_index(s, act.offer);
	if (!fresh(s, &rec) || i < 0 || sched_offer_launch(s, (size_t)i, &rec) < 0) {
		/* the ACCEPT was not sent: undo the announcement */
		if (fresh(s, &rec)) {
			log_warn("member %s was not launched; back to %s", rec.name,
				 member_state_name(act.prev));
			rec.state = act.prev;
			if (sched_put(s, &rec, written_done, s) == 0)
				return;
		}
		fail_later(s, 1000);
		return;
	}
	sched_done(s);
}

/* ---- PROMOTE ---- */

static void promote_cb(struct etcd_call *c, const struct etcd_result *res,
		       struct etcd_answer *ans, void *arg)
{
	struct sched *s = arg;
	struct registry_record rec;
	s->etcd_listed = false;
	sched_etcd_relist(s);
	if (!res->err) {
		sched_crash_point("promoted");
		if (!fresh(s, &rec)) {
			sched_done(s);
			return;
		}
		rec.learner = false;
		log_info("member %s promoted to a voter", rec.name);
		act.after = "promote-written";
		if (sched_put(s, &rec, written_done, s) < 0)
			fail_later(s, 1000);
		return;
	}
	if (res->etcd.kind == ETCD_ERR_LEARNER_NOT_READY) {
		log_info("learner %llx is not in sync yet; promoting later",
			 (unsigned long long)act.etcd_id);
		fail_later(s, 1000);
		return;
	}
	/* not a learner any more, unknown outcome...: the fresh list tells */
	log_warn("promote of %llx: %s", (unsigned long long)act.etcd_id, res->errmsg);
	fail_later(s, 1000);
}

/* ---- REMOVE_MEMBER ---- */

static void set_removed(struct sched *s)
{
	struct registry_record rec;
	if (!act.task_id[0] || !fresh(s, &rec)) {
		sched_done(s);
		return;
	}
	rec.state = MEMBER_REMOVED;
	log_info("member %s removed from etcd", rec.name);
	act.after = "removed";
	if (sched_put(s, &rec, written_done, s) < 0)
		fail_later(s, 1000);
}

static void remove_list_cb(struct etcd_call *c, const struct etcd_result *res,
			   struct etcd_answer *ans, void *arg)
{
	struct sched *s = arg;
	if (res->err) {
		fail_later(s, 1000);
		return;
	}
	if (!etcd_members_find_id(&ans->members, act.etcd_id)) {
		set_removed(s);
		return;
	}
	log_info("member %llx is still in etcd; planning again", (unsigned long long)act.etcd_id);
	fail_later(s, 1000);
}

static void remove_cb(struct etcd_call *c, const struct etcd_result *res,
		      struct etcd_answer *ans, void *arg)
{
	struct sched *s = arg;
	s->etcd_listed = false;
	sched_etcd_relist(s);
	if (!res->err || res->etcd.kind == ETCD_ERR_MEMBER_NOT_FOUND) {
		sched_crash_point("etcd-removed");
		set_removed(s);
		return;
	}
	if (res->outcome_unknown) {
		char ep[IDENT_URL_MAX + 1];
		struct etcd_call_opts o = { .endpoint = sched_etcd_endpoint(s, ep, sizeof ep) };
		log_warn("member remove of %llx: %s; re-listing", (unsigned long long)act.etcd_id,
			 res->errmsg);
		if (o.endpoint && etcd_client_member_list(s->etcd, &o, remove_list_cb, s, NULL) == 0)
			return;
	} else {
		log_warn("member remove of %llx refused: %s", (unsigned long long)act.etcd_id,
			 res->errmsg);
	}
	fail_later(s, 2000);
}

/* ---- dispatch ---- */

/* The master answered a KILL: the crash point right after it. */
static void kill_answered(struct sched_session *ss, const struct sched_call_result *r, void *arg)
{
	if (r->err == 0 && r->status / 100 == 2)
		sched_crash_point("killed");
}

static bool is_async(enum plan_action_kind k)
{
	return k != ACT_DECLINE && k != ACT_SUPPRESS && k != ACT_REVIVE && k != ACT_KILL_TASK;
}

static int start_async(struct sched *s, const struct plan *p, const struct plan_action *a,
		       const struct plan_world *w, const struct registry_record *recs,
		       Mesos__V1__Offer *const *offers)
{
	char ep[IDENT_URL_MAX + 1];
	struct etcd_call_opts o = {0};
	struct registry_record rec;
	const struct registry_record *r = a->member >= 0 ? &recs[a->member] : NULL;

	memset(&act, 0, sizeof act);
	act.kind = a->kind;
	act.etcd_id = a->etcd_id;
	if (r) {
		snprintf(act.task_id, sizeof act.task_id, "%s", r->task_id);
		snprintf(act.peer_url, sizeof act.peer_url, "http://%s:%u", r->host, r->peer_port);
		act.prev = r->state;
	}
	log_info("plan: %s", a->why);
	switch (a->kind) {
	case ACT_BOOTSTRAP:
		for (size_t k = 0; k < p->n_boot; k++)
			act.boot[act.n_boot++] = offers[p->boot_offers[k]];
		act.initial = true;
		boot_next(s);
		return 0;
	case ACT_PLAN_MEMBER:
		act.boot[act.n_boot++] = offers[a->offer];
		act.initial = false;
		boot_next(s);
		return 0;
	case ACT_ADD_LEARNER: {
		const char *urls[1] = { act.peer_url };
		if (sched_etcd_ensure(s) < 0 || !(o.endpoint = sched_etcd_endpoint(s, ep, sizeof ep)))
			return -EAGAIN;
		return etcd_client_member_add(s->etcd, urls, 1, true, &o, add_cb, s, NULL);
	}
	case ACT_LAUNCH:
		act.offer = offers[a->offer];
		rec = *r;
		rec.state = MEMBER_LAUNCHED;
		return sched_put(s, &rec, launched_written, s);
	case ACT_PROMOTE:
		if (sched_etcd_ensure(s) < 0 || !(o.endpoint = sched_etcd_endpoint(s, ep, sizeof ep)))
			return -EAGAIN;
		return etcd_client_member_promote(s->etcd, a->etcd_id, &o, promote_cb, s, NULL);
	case ACT_REMOVE_MEMBER:
		if (!sched_can_act(s)) {
			log_warn("not removing etcd member %llx: the leader fence is not fresh",
				 (unsigned long long)a->etcd_id);
			return -EPERM;
		}
		if (sched_etcd_ensure(s) < 0 || !(o.endpoint = sched_etcd_endpoint(s, ep, sizeof ep)))
			return -EAGAIN;
		log_info("removing etcd member %llx (%s)", (unsigned long long)a->etcd_id,
			 r ? r->name : "stray learner");
		return etcd_client_member_remove(s->etcd, a->etcd_id, &o, remove_cb, s, NULL);
	case ACT_MARK_ADDED:
		rec = *r;
		rec.state = MEMBER_ADDED;
		rec.etcd_id = a->etcd_id;
		log_info("member %s is already etcd member %llx (matched by peer URL %s): "
			 "recorded as added, not added again", r->name,
			 (unsigned long long)a->etcd_id, act.peer_url);
		act.after = "added";
		return sched_put(s, &rec, written_done, s);
	case ACT_MARK_REMOVED:
		rec = *r;
		rec.state = MEMBER_REMOVED;
		act.after = "removed";
		return sched_put(s, &rec, written_done, s);
	case ACT_FORGET:
		log_info("forgetting member %s (%s)", r->name, r->task_id);
		act.after = "forgotten";
		return zk_store_delete_task(s->store, r->task_id, written_done, s);
	default:
		return -EINVAL;
	}
}

void sched_act_plan(struct sched *s, const struct plan_world *w, const struct plan *p,
		    const struct registry_record *recs)
{
	Mesos__V1__Offer *offers[SCHED_MAX_OFFERS];
	memcpy(offers, s->offers, s->n_offers * sizeof *offers);
	size_t n_offers = s->n_offers;
	const struct plan_action *first = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->actions[i];
		switch (a->kind) {
		case ACT_DECLINE: {
			int k = a->offer >= 0 && (size_t)a->offer < n_offers
					? offer_index(s, offers[a->offer]) : -1;
			/* not ready to decide yet: only a short refusal */
			if (k >= 0)
				sched_offer_decline(s, (size_t)k,
						    w->leader && w->reconciled
							    ? s->cfg->offer_refuse_seconds : 1.0);
			break;
		}
		case ACT_SUPPRESS:
			if (s->mesos && sched_suppress(s->mesos, NULL, 0, NULL, NULL) == 0) {
				log_info("suppressing offers: %s", a->why);
				s->suppressed = true;
			}
			break;
		case ACT_REVIVE:
			if (s->mesos && sched_revive(s->mesos, NULL, 0, NULL, NULL) == 0) {
				log_info("reviving offers: %s", a->why);
				s->suppressed = false;
			}
			break;
		case ACT_KILL_TASK: {
			const struct registry_record *r = &recs[a->member];
			struct sched_task *t = sched_task_get(s, r->task_id, true);
			if (!sched_can_act(s)) {
				log_warn("not killing %s: the leader fence is not fresh", r->task_id);
				break;
			}
			if (sched_kill(s->mesos, r->task_id, r->agent_id, kill_answered, NULL) == 0 &&
			    t) {
				log_info("killing task %s: %s", r->task_id, a->why);
				t->kill_sent = true;
			}
			break;
		}
		default:
			if (!first)
				first = a;
			break;
		}
	}
	if (!first || s->busy)
		return;
	if (ev_now_ms(s->loop) < hold_until_ms) {
		sched_retry_later(s, hold_until_ms - ev_now_ms(s->loop));
		return;
	}
	s->busy = true;
	int rc = start_async(s, p, first, w, recs, offers);
	if (rc < 0) {
		log_warn("action not started (%s): %s; retrying shortly", first->why, strerror(-rc));
		fail_later(s, 1000);
	}
	(void)is_async;
}
