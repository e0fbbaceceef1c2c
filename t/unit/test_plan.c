/* The planner: table-driven scenarios, then random worlds checked
 * against the invariants of plan.h. */
#include "cluster/plan.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define M(name, agent, url, st) { name, agent, url, st, 0, false, false, false, false, false, false }

static int count(const struct plan *p, enum plan_action_kind k)
{
	int n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += p->actions[i].kind == k;
	return n;
}

static const struct plan_action *first(const struct plan *p, enum plan_action_kind k)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->actions[i].kind == k)
			return &p->actions[i];
	return NULL;
}

static struct plan_world base_world(void)
{
	return (struct plan_world){
		.leader = true, .reconciled = true, .cluster_exists = true, .healthy = true,
		.etcd_listed = true, .single_instance_per_agent = true, .target_size = 3,
	};
}

static struct plan_member running3[] = {
	M("etcd-1", "a1", "http://h1:1", MEMBER_RUNNING),
	M("etcd-2", "a2", "http://h2:1", MEMBER_RUNNING),
	M("etcd-3", "a3", "http://h3:1", MEMBER_RUNNING),
};
static struct plan_etcd_member etcd3[] = {
	{ 11, "http://h1:1", false, true },
	{ 12, "http://h2:1", false, true },
	{ 13, "http://h3:1", false, true },
};

static void scenarios(void)
{
	struct plan p;
	struct plan_world w;
	struct plan_offer offers3[] = { { "a1", true }, { "a2", true }, { "a3", true } };
	struct plan_offer offers_free[] = { { "a1", true }, { "a4", true } };

	w = base_world();
	w.leader = false;
	w.offers = offers3;
	w.n_offers = 3;
	plan_next(&w, &p);
	ok(p.n == 3 && count(&p, ACT_DECLINE) == 3, "not leader: only declines");

	w = base_world();
	w.reconciled = false;
	w.offers = offers3;
	w.n_offers = 3;
	plan_next(&w, &p);
	ok(count(&p, ACT_DECLINE) == 3 && p.n == 3 && p.waiting, "reconciling: only declines (%s)", p.waiting);

	/* bootstrap */
	w = base_world();
	w.cluster_exists = false;
	w.offers = offers3;
	w.n_offers = 3;
	plan_next(&w, &p);
	ok(count(&p, ACT_BOOTSTRAP) == 1 && p.n_boot == 3 && count(&p, ACT_DECLINE) == 0,
	   "fresh with 3 agents: bootstrap all 3 at once");

	struct plan_member void_seed[] = { M("etcd-1", "a1", "http://h1:1", MEMBER_DEAD) };
	void_seed[0].initial = true;
	void_seed[0].task_terminal = true;
	w.members = void_seed;
	w.n_members = 1;
	plan_next(&w, &p);
	ok(count(&p, ACT_MARK_REMOVED) == 1 && count(&p, ACT_BOOTSTRAP) == 1,
	   "an initial member that died unnamed voids its bootstrap; a new one starts");
	void_seed[0].etcd_id = 7;
	plan_next(&w, &p);
	ok(count(&p, ACT_MARK_REMOVED) == 0, "one that etcd named is kept");
	void_seed[0].etcd_id = 0;
	struct plan_member half_boot[] = { void_seed[0], M("etcd-2", "a2", "http://h2:1", MEMBER_PLANNED) };
	half_boot[1].initial = true;
	w.members = half_boot;
	w.n_members = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_MARK_REMOVED) == 0 && count(&p, ACT_LAUNCH) == 1,
	   "while its bootstrap is under way the dead initial member stays listed");
	w.members = NULL;
	w.n_members = 0;

	{
		struct plan_world g = base_world();
		g.members = running3;
		g.n_members = 3;
		g.etcd_members = etcd3;
		g.n_etcd_members = 1;   /* a forced survivor lists only itself */
		plan_next(&g, &p);
		ok(count(&p, ACT_MARK_REMOVED) == 1 && first(&p, ACT_MARK_REMOVED)->member == 1 &&
		   count(&p, ACT_PLAN_MEMBER) == 0,
		   "a running member a healthy cluster no longer lists is marked removed");
		g.healthy = false;
		plan_next(&g, &p);
		ok(count(&p, ACT_MARK_REMOVED) == 0, "not while the cluster is unhealthy");
	}

	struct plan_offer two_agents[] = { { "a1", true }, { "a1", true }, { "a2", true } };
	w.offers = two_agents;
	plan_next(&w, &p);
	ok(count(&p, ACT_BOOTSTRAP) == 1 && p.n_boot == 1 && count(&p, ACT_DECLINE) == 2,
	   "fresh with 2 distinct agents for 3: one-member seed, others declined");

	struct plan_offer nofit[] = { { "a1", false } };
	w.offers = nofit;
	w.n_offers = 1;
	w.suppressed = true;
	plan_next(&w, &p);
	ok(count(&p, ACT_BOOTSTRAP) == 0 && count(&p, ACT_DECLINE) == 1 &&
	   count(&p, ACT_REVIVE) == 1 && p.waiting,
	   "fresh, nothing fits: decline, revive, say why");

	struct plan_member initial[] = {
		M("etcd-1", "a1", "http://h1:1", MEMBER_PLANNED),
		M("etcd-2", "a2", "http://h2:1", MEMBER_PLANNED),
		M("etcd-3", "a3", "http://h3:1", MEMBER_PLANNED),
	};
	for (int i = 0; i < 3; i++)
		initial[i].initial = true;
	w = base_world();
	w.cluster_exists = false;
	w.members = initial;
	w.n_members = 3;
	w.offers = offers3;
	w.n_offers = 3;
	plan_next(&w, &p);
	ok(count(&p, ACT_LAUNCH) == 3 && count(&p, ACT_DECLINE) == 0,
	   "planned initial members launch together on their agents' offers");
	w.n_offers = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_LAUNCH) == 2 && count(&p, ACT_FORGET) == 1,
	   "an initial member whose offer is gone is forgotten, not launched elsewhere");

	/* steady state */
	w = base_world();
	w.members = running3;
	w.n_members = 3;
	w.etcd_members = etcd3;
	w.n_etcd_members = 3;
	w.offers = offers_free;
	w.n_offers = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_DECLINE) == 2 && count(&p, ACT_SUPPRESS) == 1 && p.n == 3,
	   "complete healthy cluster: decline everything and suppress");
	w.suppressed = true;
	plan_next(&w, &p);
	ok(count(&p, ACT_SUPPRESS) == 0 && count(&p, ACT_REVIVE) == 0, "already suppressed: no repeat");

	/* a dead member: remove from etcd first, kill its task */
	struct plan_member dead1[3];
	memcpy(dead1, running3, sizeof dead1);
	dead1[1].state = MEMBER_DEAD;
	w = base_world();
	w.members = dead1;
	w.n_members = 3;
	w.etcd_members = etcd3;
	w.n_etcd_members = 3;
	w.offers = offers_free;
	w.n_offers = 2;
	plan_next(&w, &p);
	const struct plan_action *a = first(&p, ACT_REMOVE_MEMBER);
	ok(a && a->etcd_id == 12 && a->member == 1, "dead member removed from etcd by id");
	ok(count(&p, ACT_KILL_TASK) == 1 && count(&p, ACT_PLAN_MEMBER) == 0,
	   "its task is killed; no replacement before the removal");
	dead1[1].task_killed_sent = true;
	w.healthy = false;
	plan_next(&w, &p);
	ok(count(&p, ACT_REMOVE_MEMBER) == 0 && p.waiting && count(&p, ACT_KILL_TASK) == 0,
	   "unhealthy: the dead voter stays (%s)", p.waiting);

	dead1[1].state = MEMBER_REMOVED;
	dead1[1].task_terminal = true;
	struct plan_etcd_member etcd2[] = { etcd3[0], etcd3[2] };
	w = base_world();
	w.members = dead1;
	w.n_members = 3;
	w.etcd_members = etcd2;
	w.n_etcd_members = 2;
	w.offers = offers_free;
	w.n_offers = 2;
	plan_next(&w, &p);
	a = first(&p, ACT_PLAN_MEMBER);
	ok(count(&p, ACT_FORGET) == 1 && a && a->offer == 1,
	   "removed + gone: forget it and plan a replacement on the free agent a4");
	ok(count(&p, ACT_DECLINE) == 1, "the other offer (agent with a member) is declined");
	w.healthy = false;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0, "no replacement while unhealthy");

	/* dead member that never made it into etcd */
	memcpy(dead1, running3, sizeof dead1);
	dead1[1].state = MEMBER_DEAD;
	dead1[1].task_terminal = true;
	w = base_world();
	w.members = dead1;
	w.n_members = 3;
	w.etcd_members = etcd2;
	w.n_etcd_members = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_MARK_REMOVED) == 1, "dead member not in etcd: just recorded REMOVED");

	/* the learner flow */
	struct plan_member grow[4];
	memcpy(grow, running3, sizeof running3);
	grow[3] = (struct plan_member)M("etcd-4", "a4", "http://h4:1", MEMBER_PLANNED);
	grow[1].state = MEMBER_REMOVED;
	grow[1].task_terminal = true;
	w = base_world();
	w.members = grow;
	w.n_members = 4;
	w.etcd_members = etcd2;
	w.n_etcd_members = 2;
	w.offers = offers_free;
	w.n_offers = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_ADD_LEARNER) == 1 && first(&p, ACT_ADD_LEARNER)->member == 3,
	   "planned member: add it as a learner");
	ok(first(&p, ACT_ADD_LEARNER)->offer == 1 && count(&p, ACT_DECLINE) == 1 &&
	   first(&p, ACT_DECLINE)->offer == 0,
	   "planned member: its agent's offer is kept in hand, the other declined");
	{
		/* the add happened but its answer was lost (a crash right
		 * after it): etcd lists the peer URL, nobody adds it again */
		struct plan_etcd_member added[] = { etcd3[0], etcd3[2], { 14, "http://h4:1", true, false } };
		struct plan_world g = w;
		g.etcd_members = added;
		g.n_etcd_members = 3;
		plan_next(&g, &p);
		a = first(&p, ACT_MARK_ADDED);
		ok(a && a->member == 3 && a->etcd_id == 14 && a->offer == 1 &&
		   count(&p, ACT_ADD_LEARNER) == 0 && count(&p, ACT_REMOVE_MEMBER) == 0,
		   "planned member already listed by etcd: recorded added, not added again");
		g.healthy = false;
		plan_next(&g, &p);
		ok(count(&p, ACT_MARK_ADDED) == 1 && count(&p, ACT_ADD_LEARNER) == 0,
		   "also while the cluster is unhealthy (recording changes no membership)");
	}
	grow[3].state = MEMBER_ADDED;
	plan_next(&w, &p);
	a = first(&p, ACT_LAUNCH);
	ok(a && a->offer == 1, "added member launches on its own agent's offer");
	struct plan_offer elsewhere[] = { { "a1", true } };
	w.offers = elsewhere;
	w.n_offers = 1;
	w.suppressed = true;
	plan_next(&w, &p);
	ok(!first(&p, ACT_LAUNCH) && count(&p, ACT_REVIVE) == 1 && count(&p, ACT_DECLINE) == 1,
	   "no offer on its agent: decline others, revive, wait");
	grow[3].state = MEMBER_LAUNCHED;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) + count(&p, ACT_ADD_LEARNER) + count(&p, ACT_LAUNCH) == 0,
	   "launched member: wait for it");
	grow[3].state = MEMBER_RUNNING;
	grow[3].learner = true;
	struct plan_etcd_member etcd_l[] = { etcd3[0], etcd3[2], { 14, "http://h4:1", true, true } };
	w.etcd_members = etcd_l;
	w.n_etcd_members = 3;
	plan_next(&w, &p);
	a = first(&p, ACT_PROMOTE);
	ok(a && a->etcd_id == 14, "running learner is promoted");

	/* stale learner */
	struct plan_etcd_member stale[] = { etcd3[0], etcd3[1], etcd3[2], { 99, "http://hx:1", true, false } };
	w = base_world();
	w.members = running3;
	w.n_members = 3;
	w.etcd_members = stale;
	w.n_etcd_members = 4;
	plan_next(&w, &p);
	a = first(&p, ACT_REMOVE_MEMBER);
	ok(a && a->etcd_id == 99 && a->member == -1, "a learner no record explains is removed");

	/* shrink 5 -> 3 */
	struct plan_member five[5] = {
		M("etcd-1", "a1", "http://h1:1", MEMBER_RUNNING), M("etcd-2", "a2", "http://h2:1", MEMBER_RUNNING),
		M("etcd-3", "a3", "http://h3:1", MEMBER_RUNNING), M("etcd-4", "a4", "http://h4:1", MEMBER_RUNNING),
		M("etcd-5", "a5", "http://h5:1", MEMBER_RUNNING),
	};
	struct plan_etcd_member e5[] = {
		{ 1, "http://h1:1", false, true }, { 2, "http://h2:1", false, true },
		{ 3, "http://h3:1", false, true }, { 4, "http://h4:1", false, true },
		{ 5, "http://h5:1", false, true },
	};
	w = base_world();
	w.members = five;
	w.n_members = 5;
	w.etcd_members = e5;
	w.n_etcd_members = 5;
	plan_next(&w, &p);
	a = first(&p, ACT_REMOVE_MEMBER);
	ok(a && a->etcd_id == 5 && a->member == 4, "shrink removes the newest member first");

	/* quorum guard: 3 voters, 2 dead: removing one leaves 1 of 2 */
	memcpy(dead1, running3, sizeof dead1);
	dead1[0].state = MEMBER_DEAD;
	dead1[1].state = MEMBER_DEAD;
	w = base_world();
	w.members = dead1;
	w.n_members = 3;
	w.etcd_members = etcd3;
	w.n_etcd_members = 3;
	plan_next(&w, &p);
	ok(count(&p, ACT_REMOVE_MEMBER) == 0 && p.waiting,
	   "never remove a voter when quorum would depend on the dead (%s)", p.waiting);

	/* single instance per agent */
	struct plan_member two[] = { running3[0], running3[1] };
	struct plan_offer busy[] = { { "a1", true }, { "a2", true } };
	w = base_world();
	w.members = two;
	w.n_members = 2;
	w.etcd_members = etcd3;
	w.n_etcd_members = 2;
	w.offers = busy;
	w.n_offers = 2;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0 && count(&p, ACT_DECLINE) == 2,
	   "agents that already run a member are not used");
	w.single_instance_per_agent = false;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 1, "unless -single-instance-per-slave=false");

	/* no etcd list yet: no membership decisions */
	w = base_world();
	w.members = dead1;
	w.n_members = 3;
	w.etcd_listed = false;
	plan_next(&w, &p);
	ok(count(&p, ACT_REMOVE_MEMBER) == 0 && p.waiting, "no etcd list: no membership change");
}

/* Total loss: judged only from records every one of which is gone, and
 * then nothing starts, whatever the offers. */
static void total_loss(void)
{
	static const struct {
		const char *what;
		bool cluster_exists;
		enum member_state st[3];
		bool terminal[3];
		size_t n;
		bool lost;
	} rows[] = {
		{ "every member dead, every task terminal", true,
		  { MEMBER_DEAD, MEMBER_DEAD, MEMBER_DEAD }, { true, true, true }, 3, true },
		{ "dead and removed, tasks terminal", true,
		  { MEMBER_DEAD, MEMBER_REMOVED, MEMBER_DEAD }, { true, false, true }, 3, true },
		{ "one dead member whose task Mesos still runs (livelock, not loss)", true,
		  { MEMBER_DEAD, MEMBER_DEAD, MEMBER_DEAD }, { true, false, true }, 3, false },
		{ "one member still running", true,
		  { MEMBER_DEAD, MEMBER_RUNNING, MEMBER_DEAD }, { true, false, true }, 3, false },
		{ "a learner launched", true,
		  { MEMBER_DEAD, MEMBER_LAUNCHED, MEMBER_DEAD }, { true, false, true }, 3, false },
		{ "a member planned", true,
		  { MEMBER_DEAD, MEMBER_DEAD, MEMBER_PLANNED }, { true, true, false }, 3, false },
		{ "no cluster was ever bootstrapped", false,
		  { MEMBER_DEAD, MEMBER_DEAD, MEMBER_DEAD }, { true, true, true }, 3, false },
		{ "no records at all", true, { 0 }, { false }, 0, false },
	};
	struct plan_offer offers[] = { { "a4", true }, { "a5", true }, { "a6", true } };
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct plan_member ms[3] = {
			M("etcd-1", "a1", "http://h1:1", MEMBER_RUNNING),
			M("etcd-2", "a2", "http://h2:1", MEMBER_RUNNING),
			M("etcd-3", "a3", "http://h3:1", MEMBER_RUNNING),
		};
		for (size_t i = 0; i < rows[r].n; i++) {
			ms[i].state = rows[r].st[i];
			ms[i].task_terminal = rows[r].terminal[i];
			ms[i].task_killed_sent = true;
		}
		struct plan_world w = base_world();
		w.cluster_exists = rows[r].cluster_exists;
		w.healthy = false;
		w.etcd_listed = false;
		w.suppressed = true;
		w.members = ms;
		w.n_members = rows[r].n;
		w.offers = offers;
		w.n_offers = 3;
		struct plan p;
		plan_next(&w, &p);
		bool lost = plan_total_loss(&w);
		bool quiet = count(&p, ACT_BOOTSTRAP) == 0 && count(&p, ACT_LAUNCH) == 0 &&
			     count(&p, ACT_PLAN_MEMBER) == 0 && count(&p, ACT_REVIVE) == 0 &&
			     count(&p, ACT_DECLINE) == 3;
		bool said = p.waiting && strcmp(p.waiting, PLAN_TOTAL_LOSS) == 0;
		ok(lost == rows[r].lost && (!lost || (quiet && said)) && (lost || !said),
		   "total loss %s: %s (waiting: %s)", rows[r].lost ? "yes" : "no", rows[r].what,
		   p.waiting ? p.waiting : "-");
	}
}

/* A bootstrap whose initial members mostly never ran (their launch
 * failed): void, started again; anything that may have formed: kept. */
static void bootstrap_void(void)
{
	enum { R = MEMBER_RUNNING, D = MEMBER_DEAD, X = MEMBER_REMOVED, P = MEMBER_PLANNED };
	static const struct {
		const char *what;
		size_t n;
		int st[5];
		bool never[5];
		bool not_initial, foreign, listed;
		bool is_void;
		int first_mark;    /* the member marked REMOVED first, or -1 */
	} rows[] = {
		{ "3: one runs, two never ran", 3, { R, D, D }, { 0, 1, 1 }, 0, 0, 0, true, 0 },
		{ "3: two run, one never ran (a quorum may have formed)", 3, { R, D, R },
		  { 0, 1, 0 }, 0, 0, 0, false, -1 },
		{ "3: one runs, two died after they ran", 3, { R, D, D }, { 0, 0, 0 }, 0, 0, 0, false, -1 },
		{ "3: one runs, two never ran, but etcd was listed", 3, { R, D, D }, { 0, 1, 1 },
		  0, 0, 1, false, -1 },
		{ "3: one never ran, one died after it ran, one runs", 3, { D, D, R }, { 1, 0, 0 },
		  0, 0, 0, false, -1 },
		{ "3: a joined (non-initial) member", 3, { R, D, D }, { 0, 1, 1 }, 1, 0, 0, false, -1 },
		{ "3: a foreign member", 3, { R, D, D }, { 0, 1, 1 }, 0, 1, 0, false, -1 },
		{ "3: one still planned", 3, { R, D, P }, { 0, 1, 0 }, 0, 0, 0, false, -1 },
		{ "5: two run, three never ran: the runners go first", 5, { D, R, D, R, D },
		  { 1, 0, 1, 0, 1 }, 0, 0, 0, true, 1 },
		{ "5: three run, two never ran", 5, { R, R, D, R, D }, { 0, 0, 1, 0, 1 }, 0, 0, 0,
		  false, -1 },
		{ "half way: the runner removed, two never ran left", 3, { X, D, D }, { 0, 1, 1 },
		  0, 0, 0, true, 1 },
		{ "5, half way: one runner left", 5, { X, D, D, R, D }, { 0, 1, 1, 0, 1 }, 0, 0, 0,
		  true, 3 },
		{ "5, half way: runners removed, never-ran ones left", 5, { X, D, X, D, D },
		  { 0, 1, 0, 1, 1 }, 0, 0, 0, true, 1 },
		{ "all dead, one ran (etcd named it): void, not a total loss", 3, { D, D, D },
		  { 0, 1, 1 }, 0, 0, 0, true, 0 },
		{ "every record removed", 3, { X, X, X }, { 0, 1, 1 }, 0, 0, 0, false, -1 },
	};
	struct plan_offer offers[] = { { "a4", true }, { "a5", true }, { "a6", true } };
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		static const char *names[] = { "etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-5" };
		static const char *agents[] = { "a1", "a2", "a3", "a7", "a8" };
		static const char *urls[] = { "u1", "u2", "u3", "u4", "u5" };
		struct plan_member ms[5];
		for (size_t i = 0; i < rows[r].n; i++) {
			ms[i] = (struct plan_member){
				.name = names[i], .agent_id = agents[i], .peer_url = urls[i],
				.state = (enum member_state)rows[r].st[i], .initial = true,
				.never_ran = rows[r].never[i], .etcd_id = rows[r].never[i] ? 0 : 40 + i,
				.task_terminal = rows[r].st[i] != R, .task_killed_sent = true,
			};
		}
		ms[0].initial = !rows[r].not_initial;
		ms[0].foreign = rows[r].foreign;
		struct plan_world w = base_world();
		w.healthy = false;
		w.etcd_listed = rows[r].listed;
		w.members = ms;
		w.n_members = rows[r].n;
		w.offers = offers;
		w.n_offers = 3;
		w.suppressed = true;
		struct plan p;
		plan_next(&w, &p);
		bool v = plan_bootstrap_void(&w);
		const struct plan_action *m = first(&p, ACT_MARK_REMOVED);
		bool acts = v ? m && m->member == rows[r].first_mark && count(&p, ACT_BOOTSTRAP) == 0 &&
				       count(&p, ACT_LAUNCH) == 0 && count(&p, ACT_DECLINE) == 3 &&
				       !plan_total_loss(&w)
			      : !m || !strstr(m->why, "void");
		ok(v == rows[r].is_void && acts, "bootstrap %s: %s (waiting: %s)",
		   rows[r].is_void ? "void" : "kept", rows[r].what, p.waiting ? p.waiting : "-");
	}
}

/* ---- random worlds ---- */

static bool membership_change(const struct plan_action *a, const struct plan_world *w)
{
	switch (a->kind) {
	case ACT_PLAN_MEMBER: case ACT_ADD_LEARNER: case ACT_PROMOTE: case ACT_REMOVE_MEMBER:
		return true;
	case ACT_LAUNCH:
		return !w->members[a->member].initial;
	default:
		return false;
	}
}

static bool check_world(const struct plan_world *w, const struct plan *p, char *why, size_t n)
{
	int changes = 0;
	int answered[32] = { 0 };
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->actions[i];
		if ((!w->leader || !w->reconciled) && a->kind != ACT_DECLINE) {
			snprintf(why, n, "acted while not leader/reconciled");
			return false;
		}
		if (w->hold && a->kind != ACT_DECLINE && a->kind != ACT_SUPPRESS) {
			snprintf(why, n, "acted while on hold");
			return false;
		}
		if (membership_change(a, w))
			changes++;
		if (plan_total_loss(w) && (a->kind == ACT_BOOTSTRAP || a->kind == ACT_PLAN_MEMBER ||
					   a->kind == ACT_LAUNCH || a->kind == ACT_ADD_LEARNER ||
					   a->kind == ACT_REVIVE)) {
			snprintf(why, n, "total loss, yet a member was started");
			return false;
		}
		if (a->kind == ACT_ADD_LEARNER) {
			const struct plan_member *m = &w->members[a->member];
			for (size_t k = 0; k < w->n_etcd_members; k++)
				if (w->etcd_members[k].peer_url &&
				    strcmp(w->etcd_members[k].peer_url, m->peer_url) == 0) {
					snprintf(why, n, "added %s again", m->peer_url);
					return false;
				}
		}
		if ((a->kind == ACT_PLAN_MEMBER || a->kind == ACT_ADD_LEARNER) && !w->healthy) {
			snprintf(why, n, "grew while unhealthy");
			return false;
		}
		if (a->kind == ACT_PLAN_MEMBER && w->single_instance_per_agent) {
			const char *ag = w->offers[a->offer].agent_id;
			for (size_t k = 0; k < w->n_members; k++) {
				const struct plan_member *m = &w->members[k];
				bool live = m->state <= MEMBER_RUNNING || !m->task_terminal;
				if (live && strcmp(m->agent_id, ag) == 0) {
					snprintf(why, n, "second member on agent %s", ag);
					return false;
				}
			}
		}
		if (a->kind == ACT_REMOVE_MEMBER) {
			int voters = 0, alive = 0;
			bool victim_voter = false;
			for (size_t k = 0; k < w->n_etcd_members; k++) {
				const struct plan_etcd_member *e = &w->etcd_members[k];
				if (e->id == a->etcd_id) {
					victim_voter = !e->learner;
					continue;
				}
				if (e->learner)
					continue;
				voters++;
				bool dead = false;
				for (size_t j = 0; j < w->n_members; j++)
					if (strcmp(w->members[j].peer_url, e->peer_url) == 0 &&
					    w->members[j].state == MEMBER_DEAD)
						dead = true;
				if (e->started && !dead)
					alive++;
			}
			if (victim_voter && alive < quorum_of(voters)) {
				snprintf(why, n, "removal breaks quorum (%d alive of %d)", alive, voters);
				return false;
			}
		}
		if (a->offer >= 0 && a->kind != ACT_SUPPRESS && a->kind != ACT_REVIVE &&
		    a->kind != ACT_BOOTSTRAP)
			answered[a->offer]++;
	}
	for (size_t k = 0; k < p->n_boot; k++)
		answered[p->boot_offers[k]]++;
	for (size_t k = 0; k < w->n_offers; k++) {
		if (answered[k] != 1) {
			snprintf(why, n, "offer %zu answered %d times", k, answered[k]);
			return false;
		}
	}
	if (changes > 1) {
		snprintf(why, n, "%d membership changes in one plan", changes);
		return false;
	}
	return true;
}

/* Moving over from the original (SAFETY.md section 9). */
static void move_over(void)
{
	struct plan p;
	struct plan_world w;
	struct plan_offer offers[] = { { "a1", true }, { "a4", true } };
	struct plan_member theirs[] = {
		M("etcd-1448921329", "a1", "http://h1:1", MEMBER_RUNNING),
		M("etcd-1448921330", "a2", "http://h2:1", MEMBER_RUNNING),
		M("etcd-1448921331", "a3", "http://h3:1", MEMBER_RUNNING),
		M("etcd-1", "a4", "http://h4:1", MEMBER_RUNNING),
	};
	struct plan_etcd_member etcd4[] = {
		{ 11, "http://h1:1", false, true }, { 12, "http://h2:1", false, true },
		{ 13, "http://h3:1", false, true }, { 14, "http://h4:1", false, true },
	};
	for (int i = 0; i < 3; i++)
		theirs[i].foreign = true;

	w = base_world();
	w.members = theirs;
	w.n_members = 3;
	w.etcd_members = etcd4;
	w.n_etcd_members = 3;
	w.offers = offers;
	w.n_offers = 2;
	w.hold = "foreign members found";
	plan_next(&w, &p);
	ok(p.n == 3 && count(&p, ACT_DECLINE) == 2 && count(&p, ACT_SUPPRESS) == 1 &&
	   p.waiting == w.hold, "hold: offers declined, offers suppressed, nothing else");
	theirs[0].state = MEMBER_DEAD;
	plan_next(&w, &p);
	ok(count(&p, ACT_DECLINE) == 2 && count(&p, ACT_KILL_TASK) == 0 &&
	   count(&p, ACT_REMOVE_MEMBER) == 0, "hold: a dead foreign member is neither removed nor killed");
	theirs[0].state = MEMBER_RUNNING;

	w.hold = NULL;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0 && count(&p, ACT_REMOVE_MEMBER) == 0 &&
	   count(&p, ACT_DECLINE) == 2, "3 foreign, no adoption: nothing planned");

	w.adopt_foreign = true;
	plan_next(&w, &p);
	const struct plan_action *a = first(&p, ACT_PLAN_MEMBER);
	ok(a && a->offer == 1 && count(&p, ACT_DECLINE) == 1,
	   "adopt: one of ours is planned on the free agent a4 first");
	w.healthy = false;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0, "adopt: not while the cluster is unhealthy");
	w.healthy = true;

	w.n_members = 4;
	w.n_etcd_members = 4;
	theirs[3].learner = true;
	etcd4[3].learner = true;
	plan_next(&w, &p);
	ok(count(&p, ACT_PROMOTE) == 1 && count(&p, ACT_REMOVE_MEMBER) == 0,
	   "adopt: ours is promoted before any foreign member leaves");
	theirs[3].learner = false;
	etcd4[3].learner = false;
	plan_next(&w, &p);
	a = first(&p, ACT_REMOVE_MEMBER);
	ok(a && a->member >= 0 && theirs[a->member].foreign && count(&p, ACT_PLAN_MEMBER) == 0,
	   "adopt: 4 voters: one foreign member leaves etcd");
	theirs[2].state = MEMBER_REMOVED;
	plan_next(&w, &p);
	ok(count(&p, ACT_KILL_TASK) == 1 && first(&p, ACT_KILL_TASK)->member == 2,
	   "adopt: the removed foreign member's task is killed");
	theirs[2].task_killed_sent = true;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0, "adopt: its agent is busy until its task is gone");
	theirs[2].task_terminal = true;
	offers[1].agent_id = "a3";
	plan_next(&w, &p);
	ok(count(&p, ACT_FORGET) == 1 && count(&p, ACT_PLAN_MEMBER) == 1,
	   "adopt: then forgotten, and the next of ours planned on its agent");

	/* all moved: our three and nothing foreign: a steady state */
	struct plan_member ours[] = {
		M("etcd-1", "a1", "http://h1:1", MEMBER_RUNNING),
		M("etcd-2", "a2", "http://h2:1", MEMBER_RUNNING),
		M("etcd-3", "a3", "http://h3:1", MEMBER_RUNNING),
	};
	w.members = ours;
	w.n_members = 3;
	w.n_etcd_members = 3;
	plan_next(&w, &p);
	ok(count(&p, ACT_PLAN_MEMBER) == 0 && count(&p, ACT_REMOVE_MEMBER) == 0,
	   "adopt with nothing foreign left: steady");
}

static void random_worlds(void)
{
	static const char *agents[] = { "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7" };
	static const char *urls[] = { "u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7" };
	unsigned seed = 12345;
	int bad = 0;
	char why[128] = "";

	for (int iter = 0; iter < 20000; iter++) {
		struct plan_member ms[8];
		struct plan_etcd_member es[8];
		struct plan_offer os[8];
		struct plan_world w = base_world();
		w.leader = rand_r(&seed) % 10 != 0;
		w.reconciled = rand_r(&seed) % 10 != 0;
		w.cluster_exists = rand_r(&seed) % 8 != 0;
		w.healthy = rand_r(&seed) % 3 != 0;
		w.etcd_listed = rand_r(&seed) % 8 != 0;
		w.suppressed = rand_r(&seed) % 2;
		w.single_instance_per_agent = rand_r(&seed) % 5 != 0;
		w.target_size = 3 + 2 * (int)(rand_r(&seed) % 3);
		w.hold = rand_r(&seed) % 10 == 0 ? "on hold" : NULL;
		w.adopt_foreign = rand_r(&seed) % 2;
		size_t nm = rand_r(&seed) % 8, ne = 0, no = rand_r(&seed) % 6;
		for (size_t i = 0; i < nm; i++) {
			ms[i] = (struct plan_member){
				.name = urls[i], .agent_id = agents[rand_r(&seed) % 8], .peer_url = urls[i],
				.state = (enum member_state)(rand_r(&seed) % 6),
				.initial = rand_r(&seed) % 6 == 0, .learner = rand_r(&seed) % 4 == 0,
				.task_terminal = rand_r(&seed) % 2, .task_killed_sent = rand_r(&seed) % 2,
				.foreign = rand_r(&seed) % 4 == 0,
				.never_ran = rand_r(&seed) % 5 == 0,
			};
			if (rand_r(&seed) % 4 != 0 &&
			    (ms[i].state != MEMBER_PLANNED || rand_r(&seed) % 3 == 0))
				es[ne++] = (struct plan_etcd_member){ 100 + i, urls[i], ms[i].learner,
								      rand_r(&seed) % 5 != 0 };
		}
		if (rand_r(&seed) % 5 == 0 && ne < 8)
			es[ne++] = (struct plan_etcd_member){ 999, "stray", rand_r(&seed) % 2, true };
		for (size_t i = 0; i < no; i++)
			os[i] = (struct plan_offer){ agents[rand_r(&seed) % 8], rand_r(&seed) % 4 != 0 };
		w.members = ms;
		w.n_members = nm;
		w.etcd_members = es;
		w.n_etcd_members = ne;
		w.offers = os;
		w.n_offers = no;
		struct plan p;
		plan_next(&w, &p);
		if (!check_world(&w, &p, why, sizeof why)) {
			if (bad++ < 3)
				note("iteration %d: %s", iter, why);
		}
	}
	ok(bad == 0, "20000 random worlds keep the invariants (%d broke them)", bad);
}

int main(void)
{
	is_str(member_state_name(MEMBER_LAUNCHED), "LAUNCHED", "state names");
	move_over();
	is_int(member_state_from_name("REMOVED"), MEMBER_REMOVED, "state from name");
	is_int(member_state_from_name("nope"), -1, "unknown state name");
	scenarios();
	total_loss();
	bootstrap_void();
	random_worlds();
	return done_testing();
}
