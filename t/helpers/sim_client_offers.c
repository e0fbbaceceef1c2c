/* sim_client_offers.c — sim_client's scenarios about offers, ACCEPT,
 * reconciliation, offer timeouts and agent loss (see sim_client.c for
 * the list). */
#include "sim_client.h"

int sc_offers(int n_agents)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev, *e2;
	char agent0[128];
	bool shape = true, ranges = true, distinct = true, role = true;
	uint64_t t0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	check(ev && (int)ev->offers->n_offers == n_agents, "one OFFERS event, one offer per agent",
	      "%d offers", ev ? (int)ev->offers->n_offers : -1);
	if (!ev) {
		conn_close(&f.c);
		return 1;
	}
	for (size_t i = 0; i < ev->offers->n_offers; i++) {
		const Mesos__V1__Offer *x = ev->offers->offers[i];
		const Mesos__V1__Resource *p = res_named(x, "ports");
		shape &= x->url && !strcmp(x->url->scheme, "http") && x->url->path &&
			 !strcmp(x->url->path, "/slave(1)") && x->url->address->port > 0 &&
			 !strcmp(x->framework_id->value, f.id) && res_named(x, "cpus") &&
			 res_named(x, "mem") && res_named(x, "disk");
		ranges &= p && p->type == MESOS__V1__VALUE__TYPE__RANGES && p->ranges->n_range >= 2;
		for (size_t r = 0; r < x->n_resources; r++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			role &= x->resources[r]->role && !strcmp(x->resources[r]->role, "*");
#pragma GCC diagnostic pop
		}
		for (size_t k = 0; k < i && p; k++) {
			const Mesos__V1__Resource *q = res_named(ev->offers->offers[k], "ports");
			distinct &= strcmp(x->agent_id->value, ev->offers->offers[k]->agent_id->value) != 0;
			for (size_t a = 0; q && a < p->ranges->n_range; a++)
				for (size_t b = 0; b < q->ranges->n_range; b++)
					distinct &= p->ranges->range[a]->end < q->ranges->range[b]->begin ||
						    q->ranges->range[b]->end < p->ranges->range[a]->begin;
		}
	}
	check(shape, "offers have url http://.../slave(1), cpus, mem, disk", "");
	check(ranges, "ports are RANGES with several ranges", "");
	check(role, "every offered resource has role \"*\"", "");
	check(distinct, "agents and their port ranges are distinct", "");

	/* DECLINE: agent 0 refused for 2 s, the others for 0 s */
	snprintf(agent0, sizeof(agent0), "%s", ev->offers->offers[0]->agent_id->value);
	t0 = now_ms();
	for (size_t i = 0; i < ev->offers->n_offers; i++)
		decline(&f, ev->offers->offers[i]->id->value, i == 0 ? 2.0 : 0.0);
	free_ev(ev);
	{
		bool saw0 = false, saw_other = false;
		while (now_ms() - t0 < 1500) {
			e2 = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(1500 - (now_ms() - t0)));
			if (!e2)
				break;
			saw0 |= offer_on(e2, agent0) != NULL;
			saw_other |= e2->offers->n_offers > 0 && !offer_on(e2, agent0);
			free_ev(e2);
		}
		check(!saw0 && (saw_other || n_agents == 1),
		      "a declined agent is filtered, the others come back",
		      "agent0 %d, others %d", saw0, saw_other);
		e2 = NULL;
		while (now_ms() - t0 < 5000 && !e2) {
			e2 = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(5000 - (now_ms() - t0)));
			if (e2 && !offer_on(e2, agent0)) {
				free_ev(e2);
				e2 = NULL;
			}
		}
		check(e2 && now_ms() - t0 >= 1900, "the declined agent is offered again after refuse_seconds",
		      "after %llu ms", (unsigned long long)(now_ms() - t0));
		free_ev(e2);
	}

	/* SUPPRESS: nothing is offered; REVIVE: everything again */
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS) == 202, "SUPPRESS -> 202", "");
	/* give every offer back, refused for 30 s: REVIVE must clear that */
	for (size_t i = 0; i < n_seen; i++)
		decline(&f, seen[i], 30.0);
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 1500);
	check(ev == NULL, "no offers while suppressed", "got %d offers",
	      ev ? (int)ev->offers->n_offers : 0);
	free_ev(ev);
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE) == 202, "REVIVE -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 2000);
	check(ev != NULL && (int)ev->offers->n_offers == n_agents,
	      "REVIVE un-suppresses and clears filters: every agent offered again",
	      "%d offers", ev ? (int)ev->offers->n_offers : -1);
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

int sc_accept(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	char o0[128], o1[128], o2[128], a0[128], a1[128], a2[128], want[512];
	const char *ids[2];

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev || ev->offers->n_offers < 3) {
		check(0, "offers from 3 agents", "none");
		free_ev(ev);
		conn_close(&f.c);
		return 1;
	}
	snprintf(o0, sizeof(o0), "%s", ev->offers->offers[0]->id->value);
	snprintf(o1, sizeof(o1), "%s", ev->offers->offers[1]->id->value);
	snprintf(o2, sizeof(o2), "%s", ev->offers->offers[2]->id->value);
	snprintf(a0, sizeof(a0), "%s", ev->offers->offers[0]->agent_id->value);
	snprintf(a1, sizeof(a1), "%s", ev->offers->offers[1]->agent_id->value);
	snprintf(a2, sizeof(a2), "%s", ev->offers->offers[2]->agent_id->value);
	free_ev(ev);

	ids[0] = o0;
	check(accept_launch(&f, ids, 1, &(struct task_spec){"t-both", a0, 0.1, 32, true, true}) == 202,
	      "ACCEPT -> 202", "");
	expect_update(&f, "t-both", MESOS__V1__TASK_STATE__TASK_ERROR,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		      "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present",
		      "command and executor -> TASK_ERROR, REASON_TASK_INVALID, no uuid");

	ids[0] = o1;
	ids[1] = o2;
	accept_launch(&f, ids, 2, &(struct task_spec){"t-agg", a1, 0.1, 32, true, false});
	snprintf(want, sizeof(want), "Task launched with invalid offers: Aggregated offers must belong to one single agent. Offer %s uses agent %s and agent %s",
		 o2, a2, a1);
	expect_update(&f, "t-agg", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, want,
		      "offers of two agents -> TASK_LOST, REASON_INVALID_OFFERS");

	ids[0] = "no-such-offer";
	accept_launch(&f, ids, 1, &(struct task_spec){"t-gone", a1, 0.1, 32, true, false});
	expect_update(&f, "t-gone", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS,
		      "Task launched with invalid offers: Offer no-such-offer is no longer valid",
		      "an unknown offer -> TASK_LOST, REASON_INVALID_OFFERS");
	ids[0] = o0;
	accept_launch(&f, ids, 1, &(struct task_spec){"t-used", a0, 0.1, 32, true, false});
	snprintf(want, sizeof(want), "Task launched with invalid offers: Offer %s is no longer valid", o0);
	expect_update(&f, "t-used", MESOS__V1__TASK_STATE__TASK_LOST,
		      MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, want,
		      "an offer used twice -> TASK_LOST");

	/* o1 and o2 came back at once (no filter): wait for a fresh offer */
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers come back", "none");
		conn_close(&f.c);
		return 1;
	}
	snprintf(o0, sizeof(o0), "%s", ev->offers->offers[0]->id->value);
	snprintf(a0, sizeof(a0), "%s", ev->offers->offers[0]->agent_id->value);
	if (ev->offers->n_offers > 1) {
		snprintf(o1, sizeof(o1), "%s", ev->offers->offers[1]->id->value);
		snprintf(a1, sizeof(a1), "%s", ev->offers->offers[1]->agent_id->value);
	} else {
		o1[0] = '\0';
	}
	free_ev(ev);
	ids[0] = o0;
	accept_launch(&f, ids, 1, &(struct task_spec){"t-big", a0, 1000, 32, true, false});
	expect_update(&f, "t-big", MESOS__V1__TASK_STATE__TASK_ERROR,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		      "^Total resources cpus(allocated: *):1000; mem(allocated: *):32 required by task and its executor is more than available cpus(allocated: *):4; mem(allocated: *):4096",
		      "more than offered -> TASK_ERROR with Mesos' resource text");
	if (o1[0]) {
		ids[0] = o1;
		accept_launch(&f, ids, 1, &(struct task_spec){"t-agent", "wrong-agent", 0.1, 32, true, false});
		expect_update(&f, "t-agent", MESOS__V1__TASK_STATE__TASK_ERROR,
			      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
			      "Task uses invalid agent: wrong-agent",
			      "a task naming another agent -> TASK_ERROR");
	}
	conn_close(&f.c);
	return failures ? 1 : 0;
}

static int sc_reconcile_one(bool pa)
{
	struct fwopts o = {.failover_timeout = 60, .partition_aware = pa};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	char agent[128];
	const char *tasks[3] = {"r-1", "r-2", "r-3"}, *agents[3];
	const int R = MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION;
	char what[128];

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	free_ev(ev);
	agents[0] = agent;
	agents[1] = NULL;
	agents[2] = "no-such-agent";
	check(reconcile(&f, tasks, agents, 3) == 202, "explicit RECONCILE -> 202", "");
	snprintf(what, sizeof(what), "%s: unknown task, agent registered", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-1", pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown to the agent", what);
	snprintf(what, sizeof(what), "%s: unknown task, no agent given", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-2", pa ? MESOS__V1__TASK_STATE__TASK_UNKNOWN : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown", what);
	snprintf(what, sizeof(what), "%s: unknown task, unknown agent", pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "r-3", pa ? MESOS__V1__TASK_STATE__TASK_UNKNOWN : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown", what);
	check(kill_task(&f, "k-1", agent) == 202, "KILL of an unknown task -> 202", "");
	snprintf(what, sizeof(what), "%s: KILL of an unknown task is answered like reconciling it",
		 pa ? "PARTITION_AWARE" : "plain");
	expect_update(&f, "k-1", pa ? MESOS__V1__TASK_STATE__TASK_GONE : MESOS__V1__TASK_STATE__TASK_LOST,
		      R, "Reconciliation: Task is unknown to the agent", what);
	check(reconcile(&f, NULL, NULL, 0) == 202, "implicit RECONCILE -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE, 700);
	check(ev == NULL, "implicit RECONCILE without tasks sends nothing", "got an UPDATE");
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

int sc_reconcile(void)
{
	sc_reconcile_one(false);
	sc_reconcile_one(true);
	return failures ? 1 : 0;
}

int sc_rescind(void)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev, *r;
	uint64_t t0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	t0 = now_ms();
	r = ev ? wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND, 5000) : NULL;
	check(r != NULL && now_ms() - t0 >= 1500,
	      "an unanswered offer is RESCINDed after --offer-timeout", "after %llu ms",
	      (unsigned long long)(now_ms() - t0));
	free_ev(r);
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

int sc_agentloss(int control, bool pa, int timeout_s)
{
	struct fwopts o = {.failover_timeout = 60, .partition_aware = pa};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__TaskStatus *st;
	char agent[128], offer[128], path[256], all[3][128];
	const char *ids[1];
	bool running = false, lost = false, failure = false, rescinded = false;
	uint64_t t0, deadline;
	int n_all = 0;

	if (fw_start(&f, &o) != 0) {
		check(0, "subscribe", "no SUBSCRIBED");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	for (size_t i = 0; i < ev->offers->n_offers && i < 3; i++)
		snprintf(all[n_all++], sizeof(all[0]), "%s", ev->offers->offers[i]->agent_id->value);
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
	free_ev(ev);
	ids[0] = offer;
	check(accept_launch(&f, ids, 1, &(struct task_spec){"t-run", agent, 0.1, 32, true, false}) == 202,
	      "ACCEPT with a command task -> 202", "");
	deadline = now_ms() + 15000;
	while (!running && now_ms() < deadline) {
		st = wait_update(&f, "t-run", (int)(deadline - now_ms()), &ev);
		if (!st)
			break;
		if (st->has_uuid)
			acknowledge(&f, st);
		running = st->state == MESOS__V1__TASK_STATE__TASK_RUNNING && st->has_uuid;
		free_ev(ev);
	}
	check(running, "the agent side runs the task: TASK_RUNNING with a uuid", "");
	/* the rest of that agent is offered again (the ACCEPT refused 0 s) */
	offer[0] = '\0';
	deadline = now_ms() + 3000;
	while (!offer[0] && now_ms() < deadline) {
		const Mesos__V1__Offer *x;
		ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, (int)(deadline - now_ms()));
		if (!ev)
			break;
		if ((x = offer_on(ev, agent)))
			snprintf(offer, sizeof(offer), "%s", x->id->value);
		free_ev(ev);
	}
	check(offer[0], "what is left of the agent is offered", "");
	snprintf(path, sizeof(path), "/agent/kill?id=%s", agent);
	check(control_post(control, path) == 200, "control: kill the agent", "");
	t0 = now_ms();
	deadline = t0 + (uint64_t)timeout_s * 1000 + 5000;
	while ((!lost || !failure || !rescinded) && now_ms() < deadline) {
		int rc = next_event(&f.c, (int)(deadline - now_ms()), &ev);
		if (rc != 1)
			break;
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND &&
		    !strcmp(ev->rescind->offer_id->value, offer)) {
			check(now_ms() - t0 < 3000, "its offer is RESCINDed within seconds", "after %llu ms",
			      (unsigned long long)(now_ms() - t0));
			rescinded = true;
		}
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE) {
			failure = ev->failure->agent_id && !strcmp(ev->failure->agent_id->value, agent) &&
				  !ev->failure->executor_id;
			check(failure && now_ms() - t0 >= (uint64_t)timeout_s * 900,
			      "FAILURE{agent_id} after --agent-timeout", "after %llu ms",
			      (unsigned long long)(now_ms() - t0));
		}
		if (ev->type == MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE &&
		    !strcmp(ev->update->status->task_id->value, "t-run")) {
			st = ev->update->status;
			lost = true;
			check(st->state == (pa ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
					       : MESOS__V1__TASK_STATE__TASK_LOST) &&
			      st->reason == MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED &&
			      st->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER && !st->has_uuid &&
			      st->message && !strcmp(st->message, "health check timed out") &&
			      st->unreachable_time,
			      pa ? "TASK_UNREACHABLE, REASON_AGENT_REMOVED, no uuid"
				 : "TASK_LOST, REASON_AGENT_REMOVED, no uuid",
			      "state %d reason %d source %d uuid %d", st->state, st->reason, st->source,
			      st->has_uuid);
		}
		free_ev(ev);
	}
	check(lost && failure && rescinded, "RESCIND, UPDATE and FAILURE all came", "%d %d %d",
	      rescinded, lost, failure);
	{
		const char *t[1] = {"t-run"}, *a[1] = {agent};
		reconcile(&f, t, a, 1);
		expect_update(&f, "t-run", pa ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
					      : MESOS__V1__TASK_STATE__TASK_LOST,
			      MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION,
			      "Reconciliation: Task is unreachable",
			      "reconciling a task of the removed agent: unreachable");
	}
	snprintf(path, sizeof(path), "/agent/restart?id=%s", agent);
	check(control_post(control, path) == 200, "control: restart the agent", "");
	{
		bool fresh = false;
		deadline = now_ms() + 4000;
		while (!fresh && now_ms() < deadline) {
			ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
					(int)(deadline - now_ms()));
			if (!ev)
				break;
			for (size_t i = 0; i < ev->offers->n_offers; i++) {
				bool known = false;
				for (int k = 0; k < n_all; k++)
					known |= !strcmp(all[k], ev->offers->offers[i]->agent_id->value);
				fresh |= !known;
			}
			free_ev(ev);
		}
		check(fresh, "the removed agent comes back under a new id and is offered", "");
	}
	conn_close(&f.c);
	return failures ? 1 : 0;
}
