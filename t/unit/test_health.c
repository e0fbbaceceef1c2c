/* health: the cluster verdict and the "member judged dead" rule, table by
 * table. Members sample once a second; the window and member timeout are
 * 10 s, a sample is fresh for 2.5 s. */
#include "cluster/health.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>

#define MAXM 5
#define MAXS 64
#define CID UINT64_C(10599389750387271158)
/* member ids; the first is >= 2^63 as real ones often are */
static const uint64_t ID[MAXM] = { UINT64_C(17234143568326236817), 102, 103, 104, 105 };
static const char *const NAME[MAXM] = { "etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-5" };

struct world {
	size_t nm;
	struct health_sample s[MAXM][MAXS];
	struct health_series se[MAXM];
};

/* Every member reachable every second in [t0, t1], following leader
 * member `lead` at `term`, raft index `index` (+ `grow` per second), and
 * a successful linearizable probe through member 0 every second. */
static void steady(struct world *w, size_t nm, int64_t t0, int64_t t1, size_t lead,
		   uint64_t term, uint64_t index, uint64_t grow)
{
	w->nm = nm;
	for (size_t m = 0; m < nm; m++) {
		w->se[m] = (struct health_series){ .name = NAME[m], .member_id = ID[m],
						   .samples = w->s[m] };
		for (int64_t t = t0; t <= t1; t += 1000) {
			uint64_t idx = index + grow * (uint64_t)((t - t0) / 1000);
			w->s[m][w->se[m].n_samples++] = (struct health_sample){
				.t_ms = t, .reachable = true, .cluster_id = CID,
				.member_id = ID[m], .leader = ID[lead], .raft_term = term,
				.raft_index = idx, .raft_applied_index = idx,
				.probe = m == 0 ? HEALTH_PROBE_OK : HEALTH_PROBE_NONE,
			};
		}
	}
}

/* The samples of member m at times >= from (from-inclusive). */
#define EACH_FROM(w, m, from, x) \
	for (struct health_sample *x = (w)->s[m]; x < (w)->s[m] + (w)->se[m].n_samples; x++) \
		if (x->t_ms >= (from))

static void unreachable_from(struct world *w, size_t m, int64_t from)
{
	EACH_FROM(w, m, from, x) {
		*x = (struct health_sample){ .t_ms = x->t_ms };
	}
}

static struct health_config cfg;

static struct health_report judge(const struct world *w, int64_t now, unsigned size)
{
	struct health_report r;
	int rc = health_judge(&cfg, now, size, w->se, w->nm, &r);
	if (rc)
		note("health_judge rc %d: %s", rc, r.reason);
	return r;
}

static bool verdict_is(const struct health_report *r, enum health_verdict v,
		       const char *in_reason)
{
	bool good = r->verdict == v && strstr(r->reason, in_reason);
	if (!good)
		note("  got %s: \"%s\"; want %s with \"%s\"", health_verdict_name(r->verdict),
		     r->reason, health_verdict_name(v), in_reason);
	return good;
}

static void test_verdicts(void)
{
	struct world w;
	struct health_report r;

	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_HEALTHY, "3 of 3 voters reachable, leader etcd-1 "
		      "(17234143568326236817) at term 2"),
	   "idle cluster (raft index never moves) is healthy");
	ok(r.leader == ID[0] && r.cluster_id == CID && r.raft_term == 2 &&
	   r.reachable_voters == 3 && r.quorum == 2 && r.n_facts == 3,
	   "healthy: leader, cluster id, term, counts");
	ok(r.facts[0].is_leader && !r.facts[1].is_leader && !r.facts[2].is_leader &&
	   r.facts[1].reachable && r.facts[2].raft_index == 42 &&
	   !r.facts[0].lagging && !r.facts[2].dead && r.facts[2].down_ms == 0 &&
	   r.facts[2].last_seen_ms == 20000, "healthy: per-member facts");

	steady(&w, 5, 0, 20000, 3, 7, 1000, 250);
	r = judge(&w, 20000, 5);
	ok(verdict_is(&r, HEALTH_HEALTHY, "5 of 5"), "busy 5-member cluster is healthy");

	/* leader change at t=15 s: inside the 10 s window */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	for (size_t m = 0; m < 3; m++)
		EACH_FROM(&w, m, 15000, x) { x->leader = ID[1]; x->raft_term = 3; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_UNSTABLE, "raft term moved from 2 to 3"),
	   "leader change within the window: unstable");
	ok(r.leader == ID[1] && r.facts[1].is_leader, "unstable still names the new leader");
	/* the same change 11 s before now has left the window */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	for (size_t m = 0; m < 3; m++)
		EACH_FROM(&w, m, 9000, x) { x->leader = ID[1]; x->raft_term = 3; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_HEALTHY, "leader etcd-2 (102) at term 3"),
	   "a leader change 11 s ago is outside the window: healthy");

	/* a leader change with the same term cannot happen in one raft group,
	 * but a different leader seen by one member over time is still a change */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	EACH_FROM(&w, 2, 14000, x) { x->leader = ID[2]; }
	EACH_FROM(&w, 2, 17000, x) { x->leader = ID[0]; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_UNSTABLE, "leader changed from etcd-1"),
	   "leader flapping seen by one member: unstable");

	/* two cluster ids */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	EACH_FROM(&w, 2, 0, x) { x->cluster_id = 999; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_SPLIT, "disagree on the cluster id"), "two cluster ids: split");
	ok(r.cluster_id == 0 && r.leader == 0, "split: no agreed cluster id or leader");

	/* two leaders in the same term */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	EACH_FROM(&w, 2, 19000, x) { x->leader = ID[2]; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_SPLIT, "two leaders"), "two leaders at one term: split");

	/* force-new-cluster while the old majority lives: same cluster id,
	 * different terms, neither gives up over the whole window */
	steady(&w, 3, 0, 20000, 1, 4, 42, 0);
	EACH_FROM(&w, 0, 0, x) { x->leader = ID[0]; x->raft_term = 9; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_SPLIT, "for the whole window"),
	   "two leaders at different terms for the whole window: split");

	/* the same disagreement for 2 s only: an election in progress */
	steady(&w, 3, 0, 20000, 1, 4, 42, 0);
	EACH_FROM(&w, 0, 18000, x) { x->leader = ID[0]; x->raft_term = 5; }
	EACH_FROM(&w, 1, 19000, x) { x->leader = ID[0]; x->raft_term = 5; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_UNSTABLE, "raft term moved"),
	   "a short disagreement across terms is an election, not a split");

	/* majority unreachable */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	unreachable_from(&w, 1, 15000);
	unreachable_from(&w, 2, 15000);
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_QUORUM_LOST, "only 1 of 3 voters reachable (quorum 2); "
		      "unreachable: etcd-2, etcd-3"), "majority unreachable: quorum lost");
	ok(!r.facts[1].reachable && !r.facts[1].dead && !r.facts[2].dead,
	   "quorum lost: nobody judged dead when we reach a minority");
	/* 3 of 5 unreachable, 2 of 5 reachable */
	steady(&w, 5, 0, 20000, 0, 2, 42, 0);
	for (size_t m = 2; m < 5; m++)
		unreachable_from(&w, m, 5000);
	r = judge(&w, 20000, 5);
	ok(verdict_is(&r, HEALTH_QUORUM_LOST, "only 2 of 5"), "5 members, 3 unreachable: quorum lost");
	ok(!r.facts[2].dead && !r.facts[3].dead && !r.facts[4].dead,
	   "5 members, we reach 2: nobody dead");
	/* a minority unreachable is not quorum loss */
	steady(&w, 5, 0, 20000, 0, 2, 42, 0);
	unreachable_from(&w, 3, 15000);
	unreachable_from(&w, 4, 15000);
	r = judge(&w, 20000, 5);
	ok(verdict_is(&r, HEALTH_HEALTHY, "3 of 5 voters reachable"),
	   "5 members, 2 unreachable: still healthy");
	/* stale samples do not count as reachable (prober stopped hearing) */
	steady(&w, 3, 0, 16000, 0, 2, 42, 0);
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_QUORUM_LOST, "only 0 of 3"),
	   "samples 4 s old (fresh for 2.5 s) do not make members reachable");

	/* the linearizable probe */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	w.s[0][20].probe = HEALTH_PROBE_FAILED;
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_QUORUM_LOST, "linearizable probe through etcd-1 failed"),
	   "latest probe failed: quorum lost, although all members answer status");
	w.s[0][20].probe = HEALTH_PROBE_OK;
	w.s[0][19].probe = HEALTH_PROBE_FAILED;
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_HEALTHY, "probe ok 0.0s ago"),
	   "a failed probe followed by a good one: healthy");
	w.s[0][19].probe = HEALTH_PROBE_OK;
	w.s[2][20].probe = HEALTH_PROBE_FAILED;   /* later than member 0's, same time */
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_QUORUM_LOST, "through etcd-3"),
	   "the probe through another member counts too");
	for (size_t m = 0; m < 3; m++)
		EACH_FROM(&w, m, 0, x) { x->probe = HEALTH_PROBE_NONE; }
	w.s[0][5].probe = HEALTH_PROBE_OK;        /* 15 s ago: outside the window */
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_UNKNOWN, "no linearizable probe in the last 10.0s"),
	   "no probe in the window: unknown, not healthy");

	/* no leader */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	for (size_t m = 0; m < 3; m++)
		EACH_FROM(&w, m, 12000, x) { x->leader = 0; x->raft_term = 3;
					     x->probe = HEALTH_PROBE_NONE; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_NO_LEADER, "no reachable voter knows a leader"),
	   "nobody names a leader: no leader");
	ok(r.leader == 0 && !r.facts[0].is_leader, "no leader: none flagged");

	/* a learner joining: it knows no leader yet and does not count */
	steady(&w, 4, 0, 20000, 0, 2, 42, 0);
	w.se[3].learner = true;
	EACH_FROM(&w, 3, 0, x) { x->is_learner = true; x->leader = 0; x->raft_term = 0;
				 x->raft_index = 0; x->raft_applied_index = 0; }
	EACH_FROM(&w, 3, 17000, x) { x->leader = ID[0]; x->raft_term = 2;
				     x->raft_index = 42; x->raft_applied_index = 10; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_HEALTHY, "3 of 3 voters"), "a learner catching up: healthy");
	ok(r.facts[3].is_learner && !r.facts[3].lagging && r.facts[3].raft_applied_index == 10,
	   "learner 32 entries behind is not lagging (threshold 1000)");
	EACH_FROM(&w, 3, 17000, x) { x->raft_applied_index = 0; }
	EACH_FROM(&w, 0, 0, x) { x->raft_index = 5000; x->raft_applied_index = 5000; }
	r = judge(&w, 20000, 3);
	ok(r.facts[3].lagging && !r.facts[0].lagging && r.facts[1].lagging,
	   "lagging: applied index 1000+ behind the highest raft index seen");

	/* only some voters follow the leader */
	steady(&w, 3, 0, 20000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 0);
	EACH_FROM(&w, 1, 0, x) { x->leader = 0; }
	r = judge(&w, 20000, 3);
	ok(verdict_is(&r, HEALTH_UNSTABLE, "only 1 of 3 voters follow leader"),
	   "a leader followed by fewer than a quorum: unstable");

	/* no samples */
	struct world empty = { .nm = 3 };
	for (size_t m = 0; m < 3; m++)
		empty.se[m] = (struct health_series){ .name = NAME[m], .member_id = ID[m] };
	r = judge(&empty, 5000, 3);
	ok(verdict_is(&r, HEALTH_UNKNOWN, "no status sample"), "no samples: unknown");
	ok(r.facts[1].last_seen_ms == -1 && !r.facts[1].reachable && !r.facts[1].dead &&
	   r.facts[1].member_id == ID[1], "no samples: facts say never seen");
}

static void test_dead(void)
{
	struct world w;
	struct health_report r;
	static const struct {
		const char *what;
		size_t nm;
		int64_t down_from, now;   /* member 2 unreachable from down_from */
		bool dead;
		int64_t down_ms;
	} cases[] = {
		{ "unreachable 9 s, timeout 10 s", 3, 10000, 19000, false, 9000 },
		{ "unreachable 10 s, timeout 10 s", 3, 10000, 20000, true, 10000 },
		{ "unreachable 11 s, timeout 10 s", 3, 10000, 21000, true, 11000 },
		{ "5 members, unreachable 11 s", 5, 10000, 21000, true, 11000 },
		{ "5 members, unreachable 9.9 s", 5, 10100, 20000, false, 9000 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		steady(&w, cases[k].nm, 0, cases[k].now, 0, 2, 42, 0);
		unreachable_from(&w, 2, cases[k].down_from);
		r = judge(&w, cases[k].now, (unsigned)cases[k].nm);
		ok(r.facts[2].dead == cases[k].dead && r.facts[2].down_ms == cases[k].down_ms &&
		   !r.facts[0].dead && !r.facts[1].dead && r.verdict == HEALTH_HEALTHY,
		   "dead rule: %s -> %s (down %lld ms)", cases[k].what,
		   cases[k].dead ? "dead" : "alive", (long long)r.facts[2].down_ms);
	}

	/* answered once in the middle: the run restarts */
	steady(&w, 3, 0, 25000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 5000);
	w.s[2][18] = w.s[2][0];
	w.s[2][18].t_ms = 18000;
	r = judge(&w, 25000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 6000 && r.facts[2].last_seen_ms == 18000,
	   "one answer at 18 s restarts the run: down 6 s, alive");

	/* scheduler partitioned: it reaches only a minority */
	steady(&w, 3, 0, 40000, 0, 2, 42, 0);
	unreachable_from(&w, 1, 5000);
	unreachable_from(&w, 2, 5000);
	r = judge(&w, 40000, 3);
	ok(!r.facts[1].dead && !r.facts[2].dead && r.facts[1].down_ms == 0,
	   "we reach 1 of 3 for 35 s: nobody judged dead");
	steady(&w, 3, 0, 40000, 0, 2, 42, 0);
	for (size_t m = 0; m < 3; m++)
		unreachable_from(&w, m, 5000);
	r = judge(&w, 40000, 3);
	ok(!r.facts[0].dead && !r.facts[1].dead && !r.facts[2].dead &&
	   r.verdict == HEALTH_QUORUM_LOST, "we reach nobody for 35 s: nobody dead");
	/* ... and when the partition heals on two members first, the third's
	 * time behind the partition does not count */
	steady(&w, 3, 0, 40000, 0, 2, 42, 0);
	for (size_t m = 0; m < 3; m++)
		unreachable_from(&w, m, 5000);
	for (size_t m = 0; m < 2; m++)
		EACH_FROM(&w, m, 35000, x) { int64_t t = x->t_ms; *x = w.s[m][0]; x->t_ms = t; }
	r = judge(&w, 40000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 5000,
	   "partition heals for two members at 35 s: the third counts from 35 s only");

	/* slow but reachable: answers with big gaps, never unreachable */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	for (size_t k = 0; k < w.se[2].n_samples; k++)
		if (k % 2)
			w.s[2][k] = (struct health_sample){ .t_ms = w.s[2][k].t_ms };
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms <= 1000 && r.verdict == HEALTH_HEALTHY,
	   "answering every other second (timeouts between): not dead");

	/* a peer that still sees it vetoes */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 5000);
	EACH_FROM(&w, 1, 0, x) { x->peer_up = 1u << 2; }
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 25000,
	   "unreachable from us but a peer sees it: down 25 s, vetoed, not dead");
	/* cut off from everybody: its peers notice ~5 s late (etcd's stream
	 * timeout); the run still counts from the cut */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 10000);
	EACH_FROM(&w, 0, 10000, x) { x->peer_up = x->t_ms < 15000 ? 1u << 2 : 0; x->peer_down = x->t_ms < 15000 ? 0 : 1u << 2; }
	EACH_FROM(&w, 1, 10000, x) { x->peer_up = x->t_ms < 16000 ? 1u << 2 : 0; x->peer_down = x->t_ms < 16000 ? 0 : 1u << 2; }
	w.se[0].n_samples = w.se[1].n_samples = w.se[2].n_samples = 21;
	r = judge(&w, 20000, 3);
	ok(r.facts[2].dead && r.facts[2].down_ms == 10000,
	   "cut off at 10 s, peers say so from 15-16 s: dead at 20 s, down counted from the cut");
	w.se[0].n_samples = w.se[1].n_samples = w.se[2].n_samples = 18;
	r = judge(&w, 17000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 7000,
	   "... not before member_timeout after the cut");
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 5000);
	EACH_FROM(&w, 1, 0, x) { x->peer_up = x->t_ms <= 18000 ? 1u << 2 : 0; }
	w.se[0].n_samples = w.se[1].n_samples = w.se[2].n_samples = 21;
	r = judge(&w, 20000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 15000,
	   "a peer saw it until 2 s ago (within freshness): not dead yet");
	w.se[0].n_samples = w.se[1].n_samples = w.se[2].n_samples = 22;
	r = judge(&w, 21000, 3);
	ok(r.facts[2].dead, "3 s after the last peer saw it: dead");
	/* a peer's report only counts while we reach that peer */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 5000);
	EACH_FROM(&w, 1, 0, x) { x->peer_up = 1u << 2; }
	unreachable_from(&w, 1, 5000);
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 0,
	   "two of three unreachable: a minority reached, nothing judged");

	/* answers us, but its peers report it cut off */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	EACH_FROM(&w, 0, 15000, x) { x->peer_down = 1u << 2; }
	EACH_FROM(&w, 1, 15000, x) { x->peer_down = 1u << 2; }
	r = judge(&w, 30000, 3);
	ok(r.facts[2].dead && r.facts[2].down_ms == 15000 && r.facts[2].reachable,
	   "reachable from us but both peers report it unreachable for 15 s: dead");
	EACH_FROM(&w, 1, 0, x) { x->peer_down = 0; }
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead, "only one of two peers reports it: not dead");
	/* a stale "up": etcd-2 says etcd-3 is up (its gauge was raised twice
	 * when it joined by a snapshot), but etcd-3 says its link to etcd-2
	 * is down, as does etcd-1: both links are down */
	EACH_FROM(&w, 1, 15000, x) { x->peer_up = 1u << 2; }
	EACH_FROM(&w, 2, 15000, x) { x->peer_down = 1u << 0 | 1u << 1; }
	r = judge(&w, 30000, 3);
	ok(r.facts[2].dead && r.facts[2].down_ms == 15000,
	   "one peer reports it up (stale) but it reports that peer down: both links down, dead");
	EACH_FROM(&w, 2, 15000, x) { x->peer_down = 1u << 0; }
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 0,
	   "its link to etcd-2 up at both ends: one link of two down, not dead");
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	EACH_FROM(&w, 2, 15000, x) { x->peer_down = 1u << 0 | 1u << 1; }
	r = judge(&w, 30000, 3);
	ok(r.facts[2].dead, "it reports both peers down while they say nothing: dead");
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	EACH_FROM(&w, 2, 15000, x) { x->peer_down = 1u << 0; }
	EACH_FROM(&w, 1, 15000, x) { x->peer_down = 1u << 0; }
	r = judge(&w, 30000, 3);
	ok(!r.facts[2].dead && !r.facts[1].dead,
	   "etcd-1 cut off from both: etcd-2's and etcd-3's reports on it do not judge them");
	ok(r.facts[0].dead, "... etcd-1 is (etcd-2 and etcd-3 report it down)");

	/* the latest sample must be fresh: a stalled prober judges nothing */
	steady(&w, 3, 0, 30000, 0, 2, 42, 0);
	unreachable_from(&w, 2, 5000);
	r = judge(&w, 40000, 3);
	ok(!r.facts[2].dead && r.facts[2].down_ms == 25000,
	   "samples stopped 10 s ago: not judged dead now");
}

static void test_input(void)
{
	struct world w;
	struct health_report r;
	steady(&w, 3, 0, 5000, 0, 2, 42, 0);
	is_int(health_judge(&cfg, 5000, 0, w.se, 3, &r), -EINVAL, "cluster size 0");
	ok(r.verdict == HEALTH_UNKNOWN && strstr(r.reason, "cluster size 0"),
	   "bad input: unknown with a reason (%s)", r.reason);
	is_int(health_judge(&cfg, 4000, 3, w.se, 3, &r), -EINVAL, "a sample after now");
	w.s[1][3].t_ms = 1000;
	is_int(health_judge(&cfg, 5000, 3, w.se, 3, &r), -EINVAL, "samples out of order");
	ok(strstr(r.reason, "etcd-2 sample 3") != NULL, "out of order names the member (%s)",
	   r.reason);
	struct health_config bad = cfg;
	bad.fresh_ms = 0;
	is_int(health_judge(&bad, 5000, 3, w.se, 3, &r), -EINVAL, "freshness 0");
	is_int(health_judge(&cfg, 5000, 3, w.se, HEALTH_MAX_MEMBERS + 1, &r), -EINVAL,
	       "too many members");
	is_int(health_judge(&cfg, 5000, 3, NULL, 0, NULL), -EINVAL, "NULL report");
	is_str(health_verdict_name(HEALTH_SPLIT), "split", "verdict name");
	is_str(health_verdict_name((enum health_verdict)42), "unknown", "bad verdict name");
}

/* ------------------------------------------------------ random worlds */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

#define RS 30   /* samples per member, one a second */

/* A random world: members with random outages and flapping, elections at
 * random times, sometimes a rogue leader or a foreign cluster id, probes
 * that mostly work. Every sample round is at the same times for everyone. */
static void random_world(struct world *w, size_t nm, bool peer_bits)
{
	uint64_t lead_at[RS], term_at[RS];
	uint64_t lead = rnd(nm), term = 2 + rnd(3);
	int elections = (int)rnd(3);
	int64_t elect_t[2] = { (int64_t)rnd(RS), (int64_t)rnd(RS) };
	for (int k = 0; k < RS; k++) {
		for (int e = 0; e < elections && e < 2; e++)
			if (elect_t[e] == k) {
				lead = rnd(nm);
				term++;
			}
		lead_at[k] = lead;
		term_at[k] = term;
	}
	w->nm = nm;
	size_t rogue = rnd(4) == 0 ? rnd(nm) : nm;
	size_t foreign = rnd(10) == 0 ? rnd(nm) : nm;
	for (size_t m = 0; m < nm; m++) {
		int mode = (int)rnd(4);
		int down_at = (int)rnd(RS), up_at = down_at + (int)rnd(RS);
		w->se[m] = (struct health_series){ .name = NAME[m], .member_id = ID[m],
						   .samples = w->s[m], .n_samples = RS };
		for (int k = 0; k < RS; k++) {
			bool up = mode == 0 ? true :
				  mode == 1 ? k < down_at :
				  mode == 2 ? rnd(10) >= 3 : (k < down_at || k >= up_at);
			struct health_sample *x = &w->s[m][k];
			*x = (struct health_sample){ .t_ms = k * 1000, .reachable = up };
			if (!up)
				continue;
			x->cluster_id = m == foreign ? 4242 : CID;
			x->member_id = ID[m];
			x->leader = rnd(10) ? ID[lead_at[k]] : 0;
			x->raft_term = term_at[k];
			if (m == rogue && k > 10) {
				x->leader = ID[m];
				x->raft_term = term_at[k] + 5;
			}
			x->raft_index = x->raft_applied_index = 100 + (uint64_t)k * rnd(300);
			if (m == 0)
				x->probe = rnd(8) ? HEALTH_PROBE_OK : HEALTH_PROBE_FAILED;
			if (peer_bits) {
				x->peer_down = (uint16_t)rnd(1u << nm) & (uint16_t)~(1u << m);
				x->peer_up = (uint16_t)rnd(1u << nm) & (uint16_t)~(1u << m) &
					     (uint16_t)~x->peer_down;
			}
		}
	}
}

static bool report_invariants(const struct world *w, const struct health_report *r,
			      unsigned size, int64_t now, char *why, size_t whylen)
{
	unsigned quorum = size / 2 + 1, reach_voters = 0;
	for (size_t i = 0; i < w->nm; i++)
		reach_voters += r->facts[i].reachable && !r->facts[i].is_learner;
	if (!r->reason[0] || strchr(r->reason, '\n'))
		return snprintf(why, whylen, "reason empty or not one line"), false;
	if (r->verdict == HEALTH_HEALTHY &&
	    (reach_voters < quorum || !r->leader || r->reachable_voters < quorum))
		return snprintf(why, whylen, "healthy without quorum or leader"), false;
	if (reach_voters < quorum && r->verdict != HEALTH_QUORUM_LOST &&
	    r->verdict != HEALTH_SPLIT)
		return snprintf(why, whylen, "%u of %u reachable but %s", reach_voters,
				size, health_verdict_name(r->verdict)), false;
	for (size_t i = 0; i < w->nm; i++) {
		const struct health_fact *f = &r->facts[i];
		if (!f->dead)
			continue;
		const struct health_series *s = &w->se[i];
		int64_t t = s->samples[s->n_samples - 1].t_ms;
		unsigned others = 0, reached = 0;
		for (size_t j = 0; j < w->nm; j++) {
			if (j == i)
				continue;
			others++;
			const struct health_sample *x = &w->se[j].samples[w->se[j].n_samples - 1];
			reached += x->t_ms == t && x->reachable;
		}
		if (f->down_ms < cfg.member_timeout_ms || now - t > cfg.fresh_ms ||
		    reached * 2 <= others)
			return snprintf(why, whylen, "%s dead with down %lld ms, %u of %u "
					"others reached", NAME[i], (long long)f->down_ms,
					reached, others), false;
	}
	return true;
}

static void test_random(void)
{
	int worlds = 0, bad = 0, perm_bad = 0, again_bad = 0;
	int seen[HEALTH_QUORUM_LOST + 1] = { 0 }, dead = 0;
	char why[160] = "";
	for (int round = 0; round < 3000; round++) {
		struct world w, p;
		size_t nm = rnd(2) ? 3 : 5;
		bool bits = round % 2;
		random_world(&w, nm, bits);
		int64_t now = (RS - 1) * 1000 + (int64_t)rnd(3500);
		struct health_report r, r2;
		worlds++;
		if (health_judge(&cfg, now, (unsigned)nm, w.se, nm, &r) ||
		    !report_invariants(&w, &r, (unsigned)nm, now, why, sizeof why)) {
			if (!bad++)
				note("world %d: %s (%s: %s)", round, why,
				     health_verdict_name(r.verdict), r.reason);
			continue;
		}
		seen[r.verdict]++;
		for (size_t i = 0; i < nm; i++)
			dead += r.facts[i].dead;
		health_judge(&cfg, now, (unsigned)nm, w.se, nm, &r2);
		again_bad += memcmp(&r, &r2, sizeof r) != 0;
		if (bits)
			continue;
		/* reversed order: same verdict and the same facts per member */
		p.nm = nm;
		for (size_t i = 0; i < nm; i++) {
			memcpy(p.s[i], w.s[nm - 1 - i], sizeof p.s[i]);
			p.se[i] = w.se[nm - 1 - i];
			p.se[i].samples = p.s[i];
		}
		health_judge(&cfg, now, (unsigned)nm, p.se, nm, &r2);
		bool same = r2.verdict == r.verdict && r2.leader == r.leader;
		for (size_t i = 0; same && i < nm; i++) {
			const struct health_fact *a = &r.facts[i], *b = &r2.facts[nm - 1 - i];
			same = a->dead == b->dead && a->down_ms == b->down_ms &&
			       a->reachable == b->reachable && a->lagging == b->lagging &&
			       a->is_leader == b->is_leader;
		}
		if (!same && !perm_bad++)
			note("world %d: reversed order gives %s (was %s: %s)", round,
			     health_verdict_name(r2.verdict), health_verdict_name(r.verdict),
			     r.reason);
	}
	ok(bad == 0, "%d random worlds: invariants hold (healthy needs quorum and a "
	   "leader, quorum lost below quorum, dead only with a majority reached)", worlds);
	ok(again_bad == 0, "same input, same report");
	ok(perm_bad == 0, "order of the members changes neither verdict nor facts");
	note("verdicts: healthy %d, unstable %d, no leader %d, split %d, quorum lost %d, "
	     "unknown %d; members judged dead %d", seen[HEALTH_HEALTHY],
	     seen[HEALTH_UNSTABLE], seen[HEALTH_NO_LEADER], seen[HEALTH_SPLIT],
	     seen[HEALTH_QUORUM_LOST], seen[HEALTH_UNKNOWN], dead);
	ok(seen[HEALTH_HEALTHY] && seen[HEALTH_UNSTABLE] && seen[HEALTH_SPLIT] &&
	   seen[HEALTH_QUORUM_LOST] && dead, "the random worlds reach every main verdict");
}

int main(void)
{
	health_config_default(&cfg);
	test_verdicts();
	test_dead();
	test_input();
	test_random();
	return done_testing();
}
