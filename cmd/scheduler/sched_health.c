/* The health sample every -health-interval, the verdict (lib/cluster/
 * health.h), the member-dead rule, livelock episodes, and the etcd
 * member list the planner reads. See sched.h. */
#include "sched.h"

#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char round_tasks[HEALTH_MAX_MEMBERS][TASK_ID_MAX + 1];
static size_t round_n;

/* What each member says of its peers (etcd_network_active_peers at
 * /metrics; see etcd/etcd_metrics.h for why that gauge): one call per
 * member at most every PEERS_EVERY_MS, the answer kept in its sched_task;
 * an answer counts for the verdict while it is fresh. */
#define PEERS_EVERY_MS 1000
struct peers_slot {
	struct sched *s;
	char task_id[TASK_ID_MAX + 1];
	struct etcd_call *call;
};
static struct peers_slot peers_slots[HEALTH_MAX_MEMBERS];
static int64_t peers_started_ms;

static bool sampled(const struct registry_record *r)
{
	return r->state == MEMBER_LAUNCHED || r->state == MEMBER_RUNNING;
}

int sched_etcd_ensure(struct sched *s)
{
	char url[IDENT_URL_MAX + 1], err[512];
	if (s->etcd)
		return 0;
	size_t n = zk_store_task_count(s->store);
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (!sampled(r))
			continue;
		snprintf(url, sizeof url, "http://%s:%u", r->host, r->client_port);
		const char *eps[1] = { url };
		struct etcd_client_config c = { .endpoints = eps, .n_endpoints = 1 };
		int rc = etcd_client_new(s->loop, &c, &s->etcd, err, sizeof err);
		if (rc < 0)
			log_error("etcd client: %s", err);
		return rc;
	}
	return -EAGAIN;
}

const char *sched_etcd_endpoint(struct sched *s, char *buf, size_t len)
{
	size_t n = zk_store_task_count(s->store);
	const struct registry_record *pick = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		const struct sched_task *t = sched_task_get(s, r->task_id, false);
		if (r->state != MEMBER_RUNNING || r->learner)
			continue;
		if (t && t->leader) {
			pick = r;
			break;
		}
		if (!pick || (t && t->up))
			pick = r;
	}
	if (!pick)
		return NULL;
	snprintf(buf, len, "http://%s:%u", pick->host, pick->client_port);
	return buf;
}

/* Brings records in line with etcd: ids learnt, promotions seen. */
static void sync_records(struct sched *s)
{
	size_t n = zk_store_task_count(s->store);
	for (size_t i = 0; i < n; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		char url[IDENT_URL_MAX + 1];
		if (r->state != MEMBER_RUNNING && r->state != MEMBER_LAUNCHED)
			continue;
		snprintf(url, sizeof url, "http://%s:%u", r->host, r->peer_port);
		const struct etcd_member *e = etcd_members_find_peer_url(&s->etcd_list, url);
		if (!e)
			continue;
		if ((r->etcd_id == 0 || r->etcd_id == e->id) && r->learner == e->is_learner &&
		    r->etcd_id != 0)
			continue;
		if (r->etcd_id && r->etcd_id != e->id)
			continue;   /* another member on that URL: the planner sorts it out */
		struct registry_record rec = *r;
		rec.etcd_id = e->id;
		rec.learner = e->is_learner;
		sched_put(s, &rec, NULL, NULL);
	}
}

static void list_cb(struct etcd_call *c, const struct etcd_result *res, struct etcd_answer *ans,
		    void *arg)
{
	struct sched *s = arg;
	s->listing = false;
	if (res->err) {
		log_v(1, "member list: %s", res->errmsg);
		return;
	}
	etcd_members_finish(&s->etcd_list);
	s->etcd_list = ans->members;
	memset(&ans->members, 0, sizeof ans->members);
	s->etcd_listed = true;
	s->etcd_listed_ms = (int64_t)ev_now_ms(s->loop);
	if (s->leader) {
		sync_records(s);
		sched_unknown_decide(s);
	}
	sched_replan(s);
}

void sched_etcd_relist(struct sched *s)
{
	char ep[IDENT_URL_MAX + 1];
	if (s->listing || sched_etcd_ensure(s) < 0)
		return;
	struct etcd_call_opts o = { .endpoint = sched_etcd_endpoint(s, ep, sizeof ep) };
	if (!o.endpoint)
		return;
	if (etcd_client_member_list(s->etcd, &o, list_cb, s, NULL) == 0)
		s->listing = true;
}

static void dead_written(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0)
		log_error("the DEAD verdict was not recorded: %s; the next sample judges again", err);
	else
		sched_crash_point("judged-dead");
	sched_replan(s);
}

/* Agents whose member was judged dead from etcd: a member cut off from
 * its peers leaves an agent that is likely cut off too (still registered
 * with Mesos, still offered); a replacement placed there could not join. */
#define SUSPECT_MAX 16
static struct {
	char agent_id[TASK_ID_MAX + 1];
	int64_t until_ms;
} suspects[SUSPECT_MAX];

static void suspect_agent(struct sched *s, const char *agent_id)
{
	int64_t now = (int64_t)ev_now_ms(s->loop), hold = 3 * s->cfg->member_timeout_ms;
	size_t pick = 0;
	if (hold < 30000)
		hold = 30000;
	for (size_t i = 0; i < SUSPECT_MAX; i++) {
		if (strcmp(suspects[i].agent_id, agent_id) == 0) {
			pick = i;
			break;
		}
		if (suspects[i].until_ms < suspects[pick].until_ms)
			pick = i;
	}
	snprintf(suspects[pick].agent_id, sizeof suspects[pick].agent_id, "%s", agent_id);
	suspects[pick].until_ms = now + hold;
	log_info("agent %s: no new member there for %lld s (its member was judged dead from etcd)",
		 agent_id, (long long)(hold / 1000));
}

bool sched_agent_suspect(struct sched *s, const char *agent_id)
{
	int64_t now = (int64_t)ev_now_ms(s->loop);
	for (size_t i = 0; i < SUSPECT_MAX; i++)
		if (suspects[i].until_ms > now && strcmp(suspects[i].agent_id, agent_id) == 0)
			return true;
	return false;
}

static void mark_dead(struct sched *s, const struct registry_record *r,
		      const struct health_fact *f, const char *peers)
{
	struct registry_record rec = *r;
	log_warn("member %s judged dead: %s for %lld ms while a quorum of the others "
		 "answered (last seen %lld ms ago; %s; verdict: %s); replacing it",
		 r->name, f->reachable ? "cut off from its peers" : "unreachable",
		 (long long)f->down_ms,
		 f->last_seen_ms < 0 ? -1LL : (long long)((int64_t)ev_now_ms(s->loop) - f->last_seen_ms),
		 peers, s->report.reason);
	rec.state = MEMBER_DEAD;
	suspect_agent(s, r->agent_id);
	struct sched_task *t = sched_task_get(s, r->task_id, true);
	if (t && !t->failed_counted) {
		t->failed_counted = true;
		s->failed_servers++;
	}
	sched_put(s, &rec, dead_written, s);
}

static void peers_cb(struct etcd_call *c, const struct etcd_result *res, struct etcd_answer *ans,
		     void *arg)
{
	struct peers_slot *ps = arg;
	ps->call = NULL;
	if (res->err) {
		log_v(1, "peers of %s: %s", ps->task_id, res->errmsg);
		return;
	}
	struct sched_task *t = sched_task_get(ps->s, ps->task_id, false);
	if (!t)
		return;
	/* a gauge that fell means inactive whatever its level (etcd_metrics.h) */
	etcd_peers_follow(t->peers_ms ? &t->peers : NULL, &ans->peers);
	t->peers = ans->peers;
	t->peers_ms = (int64_t)ev_now_ms(ps->s->loop);
}

static void peers_start(struct sched *s, size_t i, const char *url, uint64_t timeout_ms)
{
	struct peers_slot *ps = &peers_slots[i];
	if (ps->call)
		return;
	ps->s = s;
	snprintf(ps->task_id, sizeof ps->task_id, "%s", round_tasks[i]);
	struct etcd_call_opts o = { .timeout_ms = timeout_ms, .endpoint = url };
	if (etcd_client_peers(s->etcd, url, &o, peers_cb, ps, &ps->call) < 0)
		ps->call = NULL;
}

/* Sets the peer_up/peer_down bits of every series' latest sample from what
 * its member last said of the others (by etcd id), if that is fresh. */
static void peer_bits(struct sched *s, const struct health_series *series,
		      const struct registry_record *const *recs, size_t n, int64_t fresh_ms)
{
	int64_t now = (int64_t)ev_now_ms(s->loop);
	for (size_t i = 0; i < n; i++) {
		struct sched_task *t = sched_task_get(s, recs[i]->task_id, false);
		if (!t || !t->n_samples || !t->peers_ms || now - t->peers_ms > fresh_ms)
			continue;
		struct health_sample *x = &t->samples[t->n_samples - 1];
		if (!x->reachable || (recs[i]->etcd_id && t->peers.local != recs[i]->etcd_id))
			continue;
		x->peer_up = x->peer_down = 0;
		for (size_t j = 0; j < n; j++) {
			const struct etcd_peer_view *v = j == i || !series[j].member_id ? NULL :
				etcd_peers_find(&t->peers, series[j].member_id);
			if (!v)
				continue;
			if (v->active)
				x->peer_up |= (uint16_t)(1u << j);
			else
				x->peer_down |= (uint16_t)(1u << j);
		}
	}
}

static void round_cb(struct etcd_sample *es, const struct etcd_sample_round *r, void *arg)
{
	struct sched *s = arg;
	struct health_series series[HEALTH_MAX_MEMBERS];
	const struct registry_record *recs[HEALTH_MAX_MEMBERS];
	struct health_config hc;
	unsigned voters = 0;
	int64_t wall = sched_wall_ms();

	s->sample = NULL;
	if (!s->leader)
		return;
	for (size_t i = 0; i < r->n && i < round_n; i++) {
		struct sched_task *t = sched_task_get(s, round_tasks[i], true);
		recs[i] = zk_store_task_find(s->store, round_tasks[i]);
		if (!t)
			continue;
		if (t->n_samples == SCHED_SAMPLES) {
			memmove(t->samples, t->samples + 1, (SCHED_SAMPLES - 1) * sizeof *t->samples);
			t->n_samples--;
		}
		t->samples[t->n_samples++] = r->samples[i];
		t->up = r->samples[i].reachable;
		if (t->up) {
			t->raft_index = r->samples[i].raft_index;
			t->last_seen_ms = wall;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < r->n && i < round_n; i++) {
		struct sched_task *t = sched_task_get(s, round_tasks[i], false);
		if (!t || !recs[i])
			continue;
		series[n] = (struct health_series){
			.name = recs[i]->name, .member_id = recs[i]->etcd_id,
			.learner = recs[i]->learner, .samples = t->samples, .n_samples = t->n_samples,
		};
		recs[n] = recs[i];
		if (!recs[i]->learner)
			voters++;
		n++;
	}
	unsigned listed = s->etcd_listed ? (unsigned)etcd_members_voters(&s->etcd_list) : 0;
	if (listed > voters)
		voters = listed;
	if (voters == 0)
		voters = 1;
	health_config_default(&hc);
	int64_t iv = s->cfg->health_interval_ms > 0 ? s->cfg->health_interval_ms : 2000;
	hc.fresh_ms = 2 * iv + 500;
	peer_bits(s, series, recs, n, hc.fresh_ms + PEERS_EVERY_MS);
	hc.window_ms = 5 * iv < 3000 ? 3000 : (5 * iv > 10000 ? 10000 : 5 * iv);
	hc.member_timeout_ms = s->cfg->member_timeout_ms > 0 ? s->cfg->member_timeout_ms : 3600000;
	enum health_verdict before = s->have_report ? s->report.verdict : HEALTH_UNKNOWN;
	health_judge(&hc, (int64_t)ev_now_ms(s->loop), voters, series, n, &s->report);
	s->have_report = true;
	for (size_t i = 0; i < n && i < s->report.n_facts && log_v_on(__FILE__, 2); i++) {
		const struct health_fact *f = &s->report.facts[i];
		const struct health_sample *x = series[i].n_samples
			? &series[i].samples[series[i].n_samples - 1] : NULL;
		log_v(2, "health fact %s (%llx): reachable %d, down %lld ms, dead %d; latest "
		      "sample peers up 0x%x down 0x%x", recs[i]->name,
		      (unsigned long long)series[i].member_id, f->reachable, (long long)f->down_ms,
		      f->dead, x ? x->peer_up : 0, x ? x->peer_down : 0);
	}
	bool was = s->healthy;
	s->healthy = s->report.verdict == HEALTH_HEALTHY;
	if (s->report.verdict != before || was != s->healthy)
		log_info("health: %s (%s)", health_verdict_name(s->report.verdict), s->report.reason);
	/* No quorum counts (livelock, reseed) only when etcd itself shows it:
	 * a voter we reach, and no linearizable probe that went through. A
	 * scheduler that reaches nobody, or whose probe through the minority
	 * it reaches succeeds, may be the one cut off: it judges nothing. */
	bool reached_voter = false;
	for (size_t i = 0; i < s->report.n_facts; i++)
		reached_voter |= s->report.facts[i].reachable && !s->report.facts[i].is_learner;
	bool quorum_answered = r->probe_target >= 0 && r->probe_err == 0;
	bool no_quorum = (s->report.verdict == HEALTH_NO_LEADER ||
			  s->report.verdict == HEALTH_QUORUM_LOST) &&
			 reached_voter && !quorum_answered;
	if ((s->report.verdict == HEALTH_NO_LEADER || s->report.verdict == HEALTH_QUORUM_LOST) &&
	    !no_quorum && !s->cut_off_logged) {
		s->cut_off_logged = true;
		log_warn("health: %s, but %s: not a livelock (we may be the one cut off)",
			 s->report.reason, reached_voter ? "a linearizable read through the members we reach succeeded" :
			 "we reach no member");
	} else if (no_quorum || s->healthy) {
		s->cut_off_logged = false;
	}
	if (no_quorum && !s->livelock) {
		s->livelock = true;
		s->livelock_since_ms = (int64_t)ev_now_ms(s->loop);
		s->cluster_livelocks++;
		log_warn("livelock: the etcd cluster has no quorum (%s)", s->report.reason);
	} else if (s->healthy || quorum_answered) {
		/* a linearizable read went through a quorum this round: the
		 * episode is over, and a later loss is a new one. Without this,
		 * one failed probe (through a leader just cut off) started an
		 * episode that stayed open across rounds with a working quorum,
		 * and the next blip after -reseed-timeout reseeded a cluster
		 * that never lost its quorum (chaos seed 2026, fault 59). */
		s->livelock = false;
	}
	if (no_quorum && s->livelock && s->cfg->auto_reseed && !sched_reseeding() &&
	    (int64_t)ev_now_ms(s->loop) - s->livelock_since_ms >= s->cfg->reseed_timeout * 1000) {
		char why[160], err[256];
		snprintf(why, sizeof why, "automatic: no quorum for %lld s (-reseed-timeout)",
			 (long long)s->cfg->reseed_timeout);
		if (sched_reseed_start(s, why, err, sizeof err) < 0)
			log_warn("automatic reseed not started: %s", err);
	}
	for (size_t i = 0; i < n && i < s->report.n_facts; i++) {
		struct sched_task *t = sched_task_get(s, recs[i]->task_id, false);
		if (t)
			t->leader = s->report.facts[i].is_leader;
		if (s->cfg->member_timeout_ms > 0 && s->report.facts[i].dead && !sched_reseeding() &&
		    recs[i]->state == MEMBER_RUNNING && s->report.n_facts == n) {
			char peers[256] = "peers reporting it down:";
			size_t len = strlen(peers), nd = 0;
			for (size_t j = 0; j < n; j++) {
				struct sched_task *o = sched_task_get(s, recs[j]->task_id, false);
				if (j == i || !o || !o->n_samples ||
				    !((o->samples[o->n_samples - 1].peer_down >> i) & 1u))
					continue;
				nd++;
				len += (size_t)snprintf(peers + len, len < sizeof peers ? sizeof peers - len : 0,
							" %s", recs[j]->name);
			}
			if (!nd)
				len = (size_t)snprintf(peers, sizeof peers, "no peer reports on it");
			/* a link counts as down when either end says so (health.h) */
			const struct health_sample *own = series[i].n_samples ?
				&series[i].samples[series[i].n_samples - 1] : NULL;
			for (size_t j = 0, k = 0; own && own->reachable && j < n; j++) {
				if (j == i || !((own->peer_down >> j) & 1u))
					continue;
				len += (size_t)snprintf(peers + len, len < sizeof peers ? sizeof peers - len : 0,
							"%s %s", k++ ? "" : "; it reports down:", recs[j]->name);
			}
			mark_dead(s, recs[i], &s->report.facts[i], peers);
		}
	}
	sched_etcd_relist(s);
	sched_replan(s);
}

static void health_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	struct etcd_sample_target tg[HEALTH_MAX_MEMBERS];
	static char urls[HEALTH_MAX_MEMBERS][IDENT_URL_MAX + 1];

	if (!s->leader || s->sample || !zk_store_loaded(s->store))
		return;
	round_n = 0;
	size_t n = zk_store_task_count(s->store);
	for (size_t i = 0; i < n && round_n < HEALTH_MAX_MEMBERS; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (!sampled(r))
			continue;
		snprintf(urls[round_n], sizeof urls[round_n], "http://%s:%u", r->host, r->client_port);
		snprintf(round_tasks[round_n], sizeof round_tasks[round_n], "%s", r->task_id);
		tg[round_n] = (struct etcd_sample_target){ .name = r->name, .client_url = urls[round_n],
							  .learner = r->learner };
		round_n++;
	}
	if (round_n == 0) {
		if (s->healthy)
			log_info("health: no member to sample");
		s->healthy = false;
		return;
	}
	if (sched_etcd_ensure(s) < 0)
		return;
	uint64_t iv = s->cfg->health_interval_ms > 0 ? (uint64_t)s->cfg->health_interval_ms : 2000;
	struct etcd_sample_opts o = { .status_timeout_ms = iv < 1000 ? iv : 1000,
				      .probe_timeout_ms = iv < 1000 ? iv : 1000 };
	if (etcd_sample_start(s->etcd, tg, round_n, &o, round_cb, s, &s->sample) < 0) {
		log_warn("health sample not started: %s", etcd_client_errmsg(s->etcd));
		return;
	}
	int64_t now = (int64_t)ev_now_ms(loop);
	if (s->cfg->member_timeout_ms > 0 && now - peers_started_ms >= PEERS_EVERY_MS) {
		peers_started_ms = now;
		for (size_t i = 0; i < round_n; i++)
			peers_start(s, i, urls[i], o.status_timeout_ms);
	}
}

void sched_health_start(struct sched *s)
{
	uint64_t iv = s->cfg->health_interval_ms > 0 ? (uint64_t)s->cfg->health_interval_ms : 2000;
	ev_timer_stop(s->loop, &s->health_timer);
	ev_timer_init(&s->health_timer, health_cb, s);
	ev_timer_start(s->loop, &s->health_timer, iv, iv);
}

void sched_health_stop(struct sched *s)
{
	ev_timer_stop(s->loop, &s->health_timer);
	etcd_sample_cancel(s->sample);
	s->sample = NULL;
	for (size_t i = 0; i < HEALTH_MAX_MEMBERS; i++) {
		etcd_call_cancel(peers_slots[i].call);
		peers_slots[i].call = NULL;
	}
}
