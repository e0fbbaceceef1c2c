/* alloc.c — the sim master's allocator: every allocation interval, each
 * registered agent's unused and unoffered resources go to subscribed,
 * unsuppressed frameworks (round robin), one offer per agent and role;
 * refusal filters (DECLINE/ACCEPT refuse_seconds), offer timeouts and
 * rescinds. No resource is ever in two outstanding offers. */
#include "master.h"

#include "base/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CPUS_MILLI 10          /* Mesos --min_allocatable_resources */
#define MIN_MEM_MILLI (32 * 1000)
#define MAX_REFUSE_S (365.0 * 86400)

/* ---- offers ---- */

struct sim_offer *sim_offer_find(struct sim *sim, const char *id)
{
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		sim_list_each(jt, jx, &fw->offers) {
			struct sim_offer *o = sim_container_of(jt, struct sim_offer, fw_link);
			if (strcmp(o->id, id) == 0)
				return o;
		}
	}
	return NULL;
}

void sim_offer_remove(struct sim_offer *o, bool rescind)
{
	struct sim *sim = o->fw->sim;

	if (rescind) {
		Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
		Mesos__V1__Scheduler__Event__Rescind r = MESOS__V1__SCHEDULER__EVENT__RESCIND__INIT;
		Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
		oid.value = o->id;
		r.offer_id = &oid;
		ev.has_type = 1;
		ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND;
		ev.rescind = &r;
		sim_fw_send(o->fw, &ev);
	}
	ev_timer_stop(sim->loop, &o->timeout);
	sim_list_del(&o->fw_link);
	sim_resv_free(&o->resources);
	free(o);
}

void sim_fw_drop_offers(struct sim_framework *fw, bool rescind)
{
	sim_list_each(it, nx, &fw->offers)
		sim_offer_remove(sim_container_of(it, struct sim_offer, fw_link), rescind);
}

void sim_agent_rescind_offers(struct sim_agent *a)
{
	sim_list_each(it, nx, &a->sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		sim_list_each(jt, jx, &fw->offers) {
			struct sim_offer *o = sim_container_of(jt, struct sim_offer, fw_link);
			if (o->agent == a)
				sim_offer_remove(o, true);
		}
	}
}

static void offer_timed_out(struct ev_loop *loop, void *arg)
{
	struct sim_offer *o = arg;
	struct sim *sim = o->fw->sim;

	log_info("offer %s timed out; rescinding it", o->id);
	sim_offer_remove(o, true);
	(void)sim;
}

/* ---- filters ---- */

void sim_filter_add(struct sim_framework *fw, struct sim_agent *a, const char *role,
		    const struct sim_resv *refused, double refuse_seconds, bool has_refuse)
{
	struct sim *sim = fw->sim;
	double s = (double)sim->cfg.refuse_default_ms / 1000.0;
	struct sim_filter *f;

	if (has_refuse && isfinite(refuse_seconds) && refuse_seconds >= 0)
		s = refuse_seconds;
	if (s > MAX_REFUSE_S)
		s = MAX_REFUSE_S;
	if (s <= 0 || sim_resv_empty(refused))
		return;
	f = calloc(1, sizeof(*f));
	if (!f)
		return;
	if (sim_resv_copy(&f->refused, refused) != 0) {
		free(f);
		return;
	}
	f->agent = a;
	snprintf(f->role, sizeof(f->role), "%s", role);
	f->until_ms = ev_now_ms(sim->loop) + (uint64_t)llround(s * 1000);
	sim_list_add_tail(&fw->filters, &f->link);
}

static void filter_free(struct sim_filter *f)
{
	sim_list_del(&f->link);
	sim_resv_free(&f->refused);
	free(f);
}

void sim_filters_clear(struct sim_framework *fw, const char *role)
{
	sim_list_each(it, nx, &fw->filters) {
		struct sim_filter *f = sim_container_of(it, struct sim_filter, link);
		if (!role || strcmp(f->role, role) == 0)
			filter_free(f);
	}
}

/* Mesos filters an offer when what is available is all refused. */
static bool filtered(struct sim_framework *fw, struct sim_agent *a, const char *role,
		     const struct sim_resv *avail)
{
	uint64_t now = ev_now_ms(fw->sim->loop);

	sim_list_each(it, nx, &fw->filters) {
		struct sim_filter *f = sim_container_of(it, struct sim_filter, link);
		if (f->until_ms <= now) {
			filter_free(f);
			continue;
		}
		if (f->agent == a && strcmp(f->role, role) == 0 &&
		    sim_resv_contains(&f->refused, avail))
			return true;
	}
	return false;
}

/* ---- allocation ---- */

static bool suppressed(const struct sim_framework *fw, const char *role)
{
	for (size_t i = 0; i < fw->n_suppressed; i++)
		if (strcmp(fw->suppressed[i], role) == 0)
			return true;
	return false;
}

static bool allocatable(const struct sim_resv *r)
{
	return sim_resv_milli(r, "cpus") >= MIN_CPUS_MILLI ||
	       sim_resv_milli(r, "mem") >= MIN_MEM_MILLI;
}

static Mesos__V1__Offer *offer_pb(struct sim_offer *o)
{
	struct sim_agent *a = o->agent;
	struct sim_framework *fw = o->fw;
	Mesos__V1__Offer *p = calloc(1, sizeof(*p));
	Mesos__V1__OfferID *oid = calloc(1, sizeof(*oid));
	Mesos__V1__FrameworkID *fid = calloc(1, sizeof(*fid));
	Mesos__V1__AgentID *aid = calloc(1, sizeof(*aid));
	Mesos__V1__URL *url = calloc(1, sizeof(*url));
	Mesos__V1__Address *addr = calloc(1, sizeof(*addr));
	Mesos__V1__Resource__AllocationInfo *ai = calloc(1, sizeof(*ai));
	size_t n_exec = 0;

	if (!p || !oid || !fid || !aid || !url || !addr || !ai)
		goto fail;
	mesos__v1__offer__init(p);
	mesos__v1__offer_id__init(oid);
	mesos__v1__framework_id__init(fid);
	mesos__v1__agent_id__init(aid);
	mesos__v1__url__init(url);
	mesos__v1__address__init(addr);
	mesos__v1__resource__allocation_info__init(ai);
	oid->value = strdup(o->id);
	fid->value = strdup(fw->id);
	aid->value = strdup(a->id);
	p->id = oid;
	p->framework_id = fid;
	p->agent_id = aid;
	p->hostname = strdup(a->hostname);
	addr->hostname = strdup(a->hostname);
	addr->ip = strdup(a->ip);
	addr->port = a->port;
	url->scheme = strdup("http");
	url->address = addr;
	url->path = strdup("/slave(1)");
	p->url = url;
	if (fw->multi_role) {
		ai->role = strdup(o->role);
		p->allocation_info = ai;
	} else {
		free(ai);
	}
	ai = NULL;
	if (sim_resv_to_pb(&o->resources, fw->multi_role ? o->role : NULL, fw->refinement,
			   &p->resources, &p->n_resources) != 0)
		goto fail_packed;
	sim_list_each(it, nx, &a->executors) {
		struct sim_executor *e = sim_container_of(it, struct sim_executor, agent_link);
		if (e->fw == fw)
			n_exec++;
	}
	if (n_exec) {
		p->executor_ids = calloc(n_exec, sizeof(*p->executor_ids));
		if (!p->executor_ids)
			goto fail_packed;
		sim_list_each(it, nx, &a->executors) {
			struct sim_executor *e = sim_container_of(it, struct sim_executor, agent_link);
			Mesos__V1__ExecutorID *eid;
			if (e->fw != fw || !(eid = malloc(sizeof(*eid))))
				continue;
			mesos__v1__executor_id__init(eid);
			eid->value = strdup(e->id);
			p->executor_ids[p->n_executor_ids++] = eid;
		}
	}
	return p;
fail:
	free(p);
	free(oid);
	free(fid);
	free(aid);
	free(url);
	free(addr);
	free(ai);
	return NULL;
fail_packed:
	mesos__v1__offer__free_unpacked(p, NULL);
	return NULL;
}

static void alloc_cycle(struct sim *sim)
{
	struct sim_master_state *ms = sim_ms(sim);
	struct sim_framework *fws[256];
	Mesos__V1__Offer **made[256];
	size_t n_made[256], nfw = 0;

	if (sim->allocation_paused || sim->leader < 0)
		return;
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		if (fw->connected && nfw < 256) {
			made[nfw] = NULL;
			n_made[nfw] = 0;
			fws[nfw++] = fw;
		}
	}
	if (nfw == 0)
		return;
	for (int ai = 0; ai < sim->n_agents; ai++) {
		struct sim_agent *a = sim->agents[ai];
		struct sim_resv avail, used = {0}, offered = {0};

		if (a->state != SIM_AGENT_UP)
			continue;
		if (sim_resv_copy(&avail, &a->total) != 0)
			continue;
		if (sim_agent_used(a, &used) == 0)
			sim_resv_sub(&avail, &used);
		if (sim_agent_offered(sim, a, &offered) == 0)
			sim_resv_sub(&avail, &offered);
		sim_resv_free(&used);
		sim_resv_free(&offered);
		for (size_t k = 0; k < nfw; k++) {
			size_t fi = (ms->rr + k) % nfw;
			struct sim_framework *fw = fws[fi];
			const char *roles[64];
			size_t nr = sim_framework_roles(fw, roles, 64);
			for (size_t r = 0; r < nr; r++) {
				struct sim_resv mine;
				struct sim_offer *o;
				Mesos__V1__Offer *pb, **nv;
				if (suppressed(fw, roles[r]) || sim_resv_for_role(&avail, roles[r], &mine) != 0)
					continue;
				if (!allocatable(&mine) || filtered(fw, a, roles[r], &mine) ||
				    !(o = calloc(1, sizeof(*o)))) {
					sim_resv_free(&mine);
					continue;
				}
				o->fw = fw;
				o->agent = a;
				o->resources = mine;
				snprintf(o->role, sizeof(o->role), "%s", roles[r]);
				sim_next_id(sim, "O", o->id, sizeof(o->id));
				sim_resv_sub(&avail, &mine);
				sim_list_add_tail(&fw->offers, &o->fw_link);
				ev_timer_init(&o->timeout, offer_timed_out, o);
				if (sim->cfg.offer_timeout_ms > 0)
					ev_timer_start(sim->loop, &o->timeout,
						       (uint64_t)sim->cfg.offer_timeout_ms, 0);
				pb = offer_pb(o);
				nv = pb ? realloc(made[fi], (n_made[fi] + 1) * sizeof(*nv)) : NULL;
				if (!nv) {
					if (pb)
						mesos__v1__offer__free_unpacked(pb, NULL);
					sim_offer_remove(o, false);
					continue;
				}
				made[fi] = nv;
				nv[n_made[fi]++] = pb;
			}
		}
		sim_resv_free(&avail);
	}
	for (size_t k = 0; k < nfw; k++) {
		Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
		Mesos__V1__Scheduler__Event__Offers offers = MESOS__V1__SCHEDULER__EVENT__OFFERS__INIT;
		if (n_made[k] == 0)
			continue;
		offers.n_offers = n_made[k];
		offers.offers = made[k];
		ev.has_type = 1;
		ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS;
		ev.offers = &offers;
		sim_fw_send(fws[k], &ev);
		for (size_t i = 0; i < n_made[k]; i++)
			mesos__v1__offer__free_unpacked(made[k][i], NULL);
		free(made[k]);
	}
	ms->rr++;
}

static void alloc_tick(struct ev_loop *loop, void *arg)
{
	alloc_cycle(arg);
}

static void alloc_deferred(struct ev_loop *loop, void *arg)
{
	alloc_cycle(arg);
}

void sim_alloc_now(struct sim *sim)
{
	/* Mesos' allocator runs a cycle at once when a framework is added or
	 * revives or an agent is added; recovered resources (declines,
	 * finished tasks) wait for the next interval. Deferred so offers
	 * never go out in the middle of a call. */
	ev_defer_cancel(sim->loop, alloc_deferred, sim);
	ev_defer(sim->loop, alloc_deferred, sim);
}

int sim_alloc_start(struct sim *sim)
{
	ev_timer_init(&sim->alloc_timer, alloc_tick, sim);
	return ev_timer_start(sim->loop, &sim->alloc_timer,
			      (uint64_t)sim->cfg.allocation_interval_ms,
			      (uint64_t)sim->cfg.allocation_interval_ms);
}
