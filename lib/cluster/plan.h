/*
 * plan — the scheduler's decisions as a pure function.
 *
 * plan_next() looks at what the scheduler knows (its registry of members,
 * the last etcd member list, the health verdict, the offers in hand) and
 * returns the actions to take now. It does no I/O and keeps no state, so
 * every scenario is a table-driven test, and random fault sequences can be
 * checked against the invariants below.
 *
 * One membership change at a time (SAFETY.md §1, etcd H.5): a plan holds
 * at most one action that changes etcd membership or starts a member
 * (PLAN_MEMBER, ADD_LEARNER, LAUNCH, PROMOTE, REMOVE_MEMBER), plus any
 * number of offer answers (DECLINE) and one of SUPPRESS/REVIVE. The caller
 * carries the action out, records its effect (write-ahead registry in
 * ZooKeeper), and plans again.
 *
 * Invariants the planner keeps (tests check them over random worlds):
 *  - nothing but DECLINE while not leader or not reconciled;
 *  - never two live members on one agent when single_instance_per_agent;
 *  - never remove a voter when the remaining started voters would fall
 *    below the quorum of the remaining voters;
 *  - never add or launch a non-initial member while the cluster is not
 *    healthy (a replacement needs a working quorum to join);
 *  - never more live members than the target size, except transiently
 *    one learner while shrinking is not in progress, and one more while
 *    adopt_foreign replaces a foreign member (add ours, then remove theirs);
 *  - with hold set, nothing but DECLINE and SUPPRESS (no kill, no
 *    membership change).
 *
 * Ownership: the world is the caller's; struct plan holds pointers into
 * it (member indexes, offer indexes) and no allocations.
 */
#ifndef EM_CLUSTER_PLAN_H
#define EM_CLUSTER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Registry states of a member (SAFETY.md §1), written before the action
 * each one announces. */
enum member_state {
	MEMBER_PLANNED = 0,   /* offer chosen, ports fixed; nothing done yet */
	MEMBER_ADDED,         /* etcd member add (learner) done; etcd id known */
	MEMBER_LAUNCHED,      /* ACCEPT sent */
	MEMBER_RUNNING,       /* Mesos said TASK_RUNNING */
	MEMBER_DEAD,          /* terminal status, or judged dead from etcd */
	MEMBER_REMOVED,       /* etcd member remove done (or never a member) */
};

const char *member_state_name(enum member_state s);
/* -1 when the name is unknown. */
int member_state_from_name(const char *name);

struct plan_member {
	const char *name;        /* etcd-<n> */
	const char *agent_id;
	const char *peer_url;    /* http://host:peer_port: matched against etcd */
	enum member_state state;
	uint64_t etcd_id;        /* 0 = not known */
	bool initial;            /* part of a "new" initial cluster (skips ADDED) */
	bool learner;            /* added as a learner and not yet promoted */
	bool task_terminal;      /* Mesos reported a terminal state for its task */
	bool task_killed_sent;   /* a KILL was already sent for its task */
	bool foreign;            /* launched by the original etcd-mesos */
	bool never_ran;          /* Mesos said its launch failed before the
				  * executor could start etcd: it never voted */
};

/* One row of the last etcd member list (from a voting member). */
struct plan_etcd_member {
	uint64_t id;
	const char *peer_url;    /* first peer URL */
	bool learner;
	bool started;            /* has a name: it has published itself */
};

struct plan_offer {
	const char *agent_id;
	bool fits;               /* task + executor resources and two ports fit */
};

struct plan_world {
	bool leader;             /* holds ZooKeeper leadership, session healthy */
	bool reconciled;         /* every registry task accounted for by Mesos */
	bool cluster_exists;     /* an etcd cluster was bootstrapped (registry): a
				  * member that is not initial, has an etcd id, or
				  * is ADDED/LAUNCHED/RUNNING. Initial members that
				  * died with no etcd id do not count: while no
				  * bootstrap is under way they are marked REMOVED.
				  * Nor do REMOVED initial members (a void
				  * bootstrap's, see plan_bootstrap_void) */
	bool healthy;            /* health verdict: healthy */
	bool etcd_listed;        /* etcd_members is a fresh list from a voter */
	bool suppressed;         /* offers currently suppressed */
	bool single_instance_per_agent;
	int target_size;
	const char *hold;        /* non-NULL: change nothing (foreign members found
				  * and no -adopt-original, or its version gate
				  * not passed); offers declined, waiting = hold */
	bool adopt_foreign;      /* replace foreign members one at a time: one of
				  * ours joins first, then one foreign leaves */

	const struct plan_member *members;
	size_t n_members;
	const struct plan_etcd_member *etcd_members;
	size_t n_etcd_members;
	const struct plan_offer *offers;
	size_t n_offers;
};

enum plan_action_kind {
	ACT_BOOTSTRAP,      /* plan initial members: offers[offer_idx..] listed in boot_offers */
	ACT_PLAN_MEMBER,    /* write a PLANNED record for a new member on offers[offer] */
	ACT_ADD_LEARNER,    /* etcd member add --learner for members[member] (PLANNED);
			     * offer: one on its agent kept in hand (not declined)
			     * for the LAUNCH that follows, or -1 */
	ACT_LAUNCH,         /* ACCEPT for members[member] (ADDED, or PLANNED initial) */
	ACT_PROMOTE,        /* etcd member promote members[member] */
	ACT_REMOVE_MEMBER,  /* etcd member remove etcd_id (member index or -1 if stray) */
	ACT_KILL_TASK,      /* Mesos KILL for members[member] */
	ACT_MARK_REMOVED,   /* members[member] is not (or no longer) in etcd: record REMOVED */
	ACT_FORGET,         /* delete members[member]'s record (REMOVED, task gone) */
	ACT_DECLINE,        /* decline offers[offer] */
	ACT_SUPPRESS,
	ACT_REVIVE,
	ACT_MARK_ADDED,     /* members[member] (PLANNED) is already in etcd as etcd_id (an
			     * add whose answer was lost to a crash or a timeout): record
			     * it ADDED, never add it again; offer: one on its agent kept
			     * for the LAUNCH, or -1 */
};

struct plan_action {
	enum plan_action_kind kind;
	int member;              /* index into world.members, or -1 */
	int offer;               /* index into world.offers, or -1 */
	uint64_t etcd_id;        /* REMOVE_MEMBER, MARK_ADDED */
	const char *why;         /* one line for the log: static text */
};

#define PLAN_MAX_ACTIONS 64
#define PLAN_MAX_BOOT 7

struct plan {
	struct plan_action actions[PLAN_MAX_ACTIONS];
	size_t n;
	/* ACT_BOOTSTRAP: the offers (indexes) to launch initial members on */
	int boot_offers[PLAN_MAX_BOOT];
	size_t n_boot;
	const char *waiting;     /* why nothing membership-related happens, or NULL */
};

/* Fills *out. Never fails: a world it cannot act on yields only DECLINEs
 * and a reason in out->waiting. */
void plan_next(const struct plan_world *w, struct plan *out);

/* Total loss: a cluster was bootstrapped (cluster_exists) and no member of
 * it is left — every record is REMOVED, or DEAD with Mesos having
 * confirmed its task terminal. No etcd process can hold the data any more
 * (a member whose task Mesos still calls running might: that is a
 * livelock, for the reseed). plan_next then launches nothing (waiting is
 * PLAN_TOTAL_LOSS): only an operator may start a fresh, empty cluster. */
bool plan_total_loss(const struct plan_world *w);
#define PLAN_TOTAL_LOSS "total loss: no member of the cluster is left; nothing is " \
	"launched until an operator starts a fresh, empty cluster"

/* A void bootstrap: a "new" cluster that can never reach quorum and
 * provably never had one. Every record left (removed ones aside) is an
 * initial member of it, none still planned, none foreign; no etcd member
 * list was read; and so many of them never ran (never_ran: their launch
 * failed before etcd could start) that the rest are fewer than a quorum
 * of the initial cluster. No write can have been acknowledged, so nothing
 * is lost: plan_next marks them REMOVED, the ones that may have run first
 * (their tasks are then killed and the records forgotten), and a new
 * bootstrap starts. Records forgotten earlier only make the test stricter:
 * they were planned members that never launched. */
bool plan_bootstrap_void(const struct plan_world *w);

/* Quorum of n voters. */
static inline int quorum_of(int n) { return n / 2 + 1; }

#endif
