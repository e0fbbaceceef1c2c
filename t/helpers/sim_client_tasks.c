/* sim_client_tasks.c — sim_client's scenarios that run tasks and change
 * agents' resources: reservations and persistent volumes, RESERVE +
 * CREATE + LAUNCH in one ACCEPT, byte-mutated calls, and a custom
 * executor end to end (see sim_client.c for the list). */
/* The INIT macros of Resource and FrameworkInfo set the deprecated `role`
 * default, which clang reports as a use of a deprecated field. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "sim_client.h"

/* ---- reservations and persistent volumes ---- */

static Mesos__V1__Resource *mkres(Mesos__V1__Resource *r, Mesos__V1__Value__Scalar *sc,
				  Mesos__V1__Resource__ReservationInfo *ri,
				  Mesos__V1__Resource__AllocationInfo *ai, const char *name, double v,
				  const char *role, const char *principal)
{
	mesos__v1__resource__init(r);
	mesos__v1__value__scalar__init(sc);
	mesos__v1__resource__reservation_info__init(ri);
	mesos__v1__resource__allocation_info__init(ai);
	r->name = (char *)name;
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	sc->value = v;
	r->scalar = sc;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	r->role = (char *)role;
#pragma GCC diagnostic pop
	ri->principal = (char *)principal;
	r->reservation = ri;
	ai->role = (char *)role;
	r->allocation_info = ai;
	return r;
}

/* One ACCEPT of offer with one operation of `type` over resources. */
static int accept_op(struct fw *f, const char *offer, int type, Mesos__V1__Resource **res, size_t n)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = {&op};
	Mesos__V1__Offer__Operation__Reserve rv = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	Mesos__V1__Offer__Operation__Unreserve ur = MESOS__V1__OFFER__OPERATION__UNRESERVE__INIT;
	Mesos__V1__Offer__Operation__Create cr = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
	Mesos__V1__Offer__Operation__Destroy de = MESOS__V1__OFFER__OPERATION__DESTROY__INIT;
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = (char *)offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	op.has_type = 1;
	op.type = type;
	switch (type) {
	case MESOS__V1__OFFER__OPERATION__TYPE__RESERVE:
		rv.n_resources = n; rv.resources = res; op.reserve = &rv; break;
	case MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE:
		ur.n_resources = n; ur.resources = res; op.unreserve = &ur; break;
	case MESOS__V1__OFFER__OPERATION__TYPE__CREATE:
		cr.n_volumes = n; cr.volumes = res; op.create = &cr; break;
	default:
		de.n_volumes = n; de.volumes = res; op.destroy = &de; break;
	}
	acc.n_operations = 1;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	return fw_call(f, &c);
}

/* The next offer on agent; its id into offer_out. Caller frees. */
static Mesos__V1__Scheduler__Event *next_offer(struct fw *f, const char *agent, char *offer_out,
					       const Mesos__V1__Offer **o)
{
	uint64_t deadline = now_ms() + 4000;

	while (now_ms() < deadline) {
		Mesos__V1__Scheduler__Event *ev = wait_event(&f->c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS,
							     (int)(deadline - now_ms()));
		if (!ev)
			return NULL;
		if ((*o = offer_on(ev, agent))) {
			snprintf(offer_out, 128, "%s", (*o)->id->value);
			return ev;
		}
		free_ev(ev);
	}
	return NULL;
}

static double reserved(const Mesos__V1__Offer *o, const char *name, const char *role, bool volume)
{
	double sum = 0;

	for (size_t i = 0; i < o->n_resources; i++) {
		const Mesos__V1__Resource *r = o->resources[i];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		if (strcmp(r->name, name) || !r->role || strcmp(r->role, role) ||
		    !r->reservation || !r->allocation_info)
			continue;
#pragma GCC diagnostic pop
		if (volume != (r->disk && r->disk->persistence))
			continue;
		sum += r->scalar ? r->scalar->value : 0;
	}
	return sum;
}

/* Subscribes f as a MULTI_ROLE framework in role r1, principal p1. */
static int multirole_start(struct fw *f)
{
	Mesos__V1__Scheduler__Call call;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkInfo__Capability cap = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT;
	Mesos__V1__FrameworkInfo__Capability *caps[1] = {&cap};
	Mesos__V1__Scheduler__Event *ev = NULL;
	char *roles[1] = {"r1"};
	size_t len;
	uint8_t *bytes;
	int ok;

	init_call(&call, NULL, NULL, MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE);
	fi.user = "root";
	fi.name = "volumes";
	fi.principal = "p1";
	fi.has_failover_timeout = 1;
	fi.failover_timeout = 60;
	fi.n_roles = 1;
	fi.roles = roles;
	cap.has_type = 1;
	cap.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	fi.n_capabilities = 1;
	fi.capabilities = caps;
	sub.framework_info = &fi;
	call.subscribe = &sub;
	bytes = pack(&call, &len);
	memset(f, 0, sizeof(*f));
	ok = conn_open(&f->c, g_port) == 0 && conn_send(&f->c, "POST", PB, PB, NULL, bytes, len) == 0 &&
	     conn_head(&f->c, 5000) == 0 && f->c.status == 200 && next_event(&f->c, 5000, &ev) == 1 &&
	     ev->subscribed;
	free(bytes);
	if (!ok) {
		free_ev(ev);
		conn_close(&f->c);
		return -1;
	}
	snprintf(f->id, sizeof(f->id), "%s", ev->subscribed->framework_id->value);
	snprintf(f->sid, sizeof(f->sid), "%s", f->c.stream_id);
	free_ev(ev);
	return 0;
}

int sc_volumes(const char *work_dir)
{
	struct fw f;
	char agent[128], offer[128], path[1024];
	Mesos__V1__Scheduler__Event *ev;
	const Mesos__V1__Offer *x;
	Mesos__V1__Resource r[3], *rs[3] = {&r[0], &r[1], &r[2]};
	Mesos__V1__Value__Scalar sc[3];
	Mesos__V1__Resource__ReservationInfo ri[3];
	Mesos__V1__Resource__AllocationInfo ai[3];
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pe = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vo = MESOS__V1__VOLUME__INIT;

	if (multirole_start(&f) != 0) {
		check(0, "MULTI_ROLE subscribe", "failed");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	x = ev->offers->offers[0];
	check(x->allocation_info && !strcmp(x->allocation_info->role, "r1") &&
	      x->resources[0]->allocation_info &&
	      !strcmp(x->resources[0]->allocation_info->role, "r1"),
	      "a MULTI_ROLE framework's offers carry allocation_info{role}", "");
	snprintf(agent, sizeof(agent), "%s", x->agent_id->value);
	snprintf(offer, sizeof(offer), "%s", x->id->value);
	free_ev(ev);

	mkres(&r[0], &sc[0], &ri[0], &ai[0], "cpus", 1, "r1", "p1");
	mkres(&r[1], &sc[1], &ri[1], &ai[1], "mem", 128, "r1", "p1");
	mkres(&r[2], &sc[2], &ri[2], &ai[2], "disk", 100, "r1", "p1");
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__RESERVE, rs, 3) == 202,
	      "ACCEPT RESERVE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "cpus", "r1", false) == 1 && reserved(x, "mem", "r1", false) == 128 &&
	      reserved(x, "disk", "r1", false) == 100,
	      "the next offer has cpus, mem and disk reserved for r1 by p1", "");
	free_ev(ev);

	pe.id = "vol1";
	pe.principal = "p1";
	vo.mode = MESOS__V1__VOLUME__MODE__RW;
	vo.container_path = "data";
	di.persistence = &pe;
	di.volume = &vo;
	r[2].disk = &di;
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__CREATE, &rs[2], 1) == 202,
	      "ACCEPT CREATE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "disk", "r1", true) == 100 && reserved(x, "disk", "r1", false) == 0,
	      "the next offer has the persistent volume vol1", "");
	free_ev(ev);
	snprintf(path, sizeof(path), "%s/volumes/roles/r1/vol1", work_dir);
	check(access(path, F_OK) == 0, "the volume is a directory under the agent's work dir", "%s", path);

	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__DESTROY, &rs[2], 1) == 202,
	      "ACCEPT DESTROY -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "disk", "r1", true) == 0 && reserved(x, "disk", "r1", false) == 100,
	      "after DESTROY the disk is reserved but no volume", "");
	free_ev(ev);
	check(access(path, F_OK) != 0, "and its directory is gone", "%s", path);
	r[2].disk = NULL;
	check(accept_op(&f, offer, MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE, rs, 3) == 202,
	      "ACCEPT UNRESERVE -> 202", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "cpus", "r1", false) == 0 && reserved(x, "disk", "r1", false) == 0,
	      "after UNRESERVE nothing is reserved", "");
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}


/* ---- mutated calls ---- */

/* An ACCEPT of `offer` with an executor task (which=0) or a RECONCILE of
 * it (which=1), packed. */
static uint8_t *mutate_base(struct fw *f, const char *offer, const char *agent, int which,
		    size_t *len)
{
	static int serial;
	char task_id[32];
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = {&op};
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = {&ti};
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorInfo ex = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__Resource r[3], *rs[3] = {&r[0], &r[1], &r[2]};
	Mesos__V1__Value__Scalar sc[2];
	Mesos__V1__Value__Ranges rg = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Value__Range rv = MESOS__V1__VALUE__RANGE__INIT, *rvp[1] = {&rv};
	Mesos__V1__Scheduler__Call__Reconcile rc = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	Mesos__V1__Scheduler__Call__Reconcile__Task rt = MESOS__V1__SCHEDULER__CALL__RECONCILE__TASK__INIT,
		*rtp[1] = {&rt};
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = (char *)offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	for (int i = 0; i < 2; i++) {
		mesos__v1__resource__init(&r[i]);
		mesos__v1__value__scalar__init(&sc[i]);
		r[i].name = i ? "mem" : "cpus";
		r[i].type = MESOS__V1__VALUE__TYPE__SCALAR;
		sc[i].value = i ? 32 : 0.1;
		r[i].scalar = &sc[i];
	}
	mesos__v1__resource__init(&r[2]);
	r[2].name = "ports";
	r[2].type = MESOS__V1__VALUE__TYPE__RANGES;
	rv.begin = 31000;
	rv.end = 31001;
	rg.n_range = 1;
	rg.range = rvp;
	r[2].ranges = &rg;
	snprintf(task_id, sizeof(task_id), "m-task-%d", serial++);
	tid.value = task_id;
	aid.value = (char *)agent;
	ti.name = "m";
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = 3;
	ti.resources = rs;
	eid.value = "m-exec";
	cmd.value = "/bin/false";
	ex.executor_id = &eid;
	ex.command = &cmd;
	ex.n_resources = 2;
	ex.resources = rs;
	ti.executor = &ex;
	l.n_task_infos = 1;
	l.task_infos = tis;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &l;
	acc.n_operations = 1;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	if (which == 0)
		return pack(&c, len);
	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE);
	rt.task_id = &tid;
	rt.agent_id = &aid;
	rc.n_tasks = 1;
	rc.tasks = rtp;
	c.reconcile = &rc;
	return pack(&c, len);
}


/* Posts n mutations of valid Calls (ACCEPT with LAUNCH/RESERVE/CREATE,
 * DECLINE, KILL, RECONCILE, ACKNOWLEDGE) with a live stream id; every
 * answer must be one Mesos gives, and the sim must stay healthy. */
int sc_mutate(int n, unsigned seed)
{
	struct fwopts o = {.failover_timeout = 60, .partition_aware = true};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	struct answer a;
	uint8_t *base[2], *buf;
	size_t blen[2];
	int bad = 0, fresh = 0, codes[600] = {0};
	char offer[128], agent[128];

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
	snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	free_ev(ev);
	base[0] = mutate_base(&f, offer, agent, 0, &blen[0]);
	base[1] = mutate_base(&f, offer, agent, 1, &blen[1]);
	srand(seed);
	buf = malloc(4096);
	for (int i = 0; i < n; i++) {
		int which = rand() % 2, flips = 1 + rand() % 4;
		size_t len;
		if (i % 25 == 24 && (ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 100))) {
			/* a fresh offer, so mutations reach task validation */
			snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
			snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
			free_ev(ev);
			free(base[0]);
			base[0] = mutate_base(&f, offer, agent, 0, &blen[0]);
			fresh++;
		}
		len = blen[which];
		memcpy(buf, base[which], len);
		for (int k = 0; k < flips; k++) {
			switch (rand() % 3) {
			case 0: buf[rand() % len] ^= (uint8_t)(1u << (rand() % 8)); break;
			case 1: buf[rand() % len] = (uint8_t)rand(); break;
			default: len = 1 + (size_t)rand() % len; break;
			}
		}
		if (raw_request("POST", PB, PB, f.sid, buf, len, &a) != 0) {
			bad++;
			check(0, "the sim answers every mutated call", "request %d got no answer", i);
			break;
		}
		if (a.status >= 0 && a.status < 600)
			codes[a.status]++;
		if (a.status != 202 && a.status != 200 && a.status != 400 && a.status != 501 &&
		    a.status != 403)
			bad++;
	}
	free(buf);
	free(base[0]);
	free(base[1]);
	check(bad == 0, "every mutated call gets 200/202/400/403/501", "%d odd answers", bad);
	printf("# answers: 202 x%d, 400 x%d, 403 x%d, 501 x%d; %d fresh offers used\n", codes[202],
	       codes[400], codes[403], codes[501], fresh);
	check(simple_call(&f, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE) == 202 ||
	      fw_start(&f, &o) == 0, "the sim still serves calls afterwards", "");
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- RESERVE + CREATE + LAUNCH in one ACCEPT ---- */

int sc_rcl(const char *work_dir)
{
	struct fw f;
	char agent[128], offer[128], path[1024];
	Mesos__V1__Scheduler__Event *ev;
	const Mesos__V1__Offer *x;
	Mesos__V1__Resource r[3], *rs[3] = {&r[0], &r[1], &r[2]};
	Mesos__V1__Resource t[3], *ts[3] = {&t[0], &t[1], &t[2]};
	Mesos__V1__Value__Scalar sc[6];
	Mesos__V1__Resource__ReservationInfo ri[6];
	Mesos__V1__Resource__AllocationInfo ai[6];
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pe = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vo = MESOS__V1__VOLUME__INIT;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Offer__Operation op[3], *ops[3] = {&op[0], &op[1], &op[2]};
	Mesos__V1__Offer__Operation__Reserve rv = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	Mesos__V1__Offer__Operation__Create cr = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = {&ti};
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;
	Mesos__V1__TaskStatus *st;
	bool running = false, killed = false, file = false;
	uint64_t deadline;

	if (multirole_start(&f) != 0) {
		check(0, "MULTI_ROLE subscribe", "failed");
		return 1;
	}
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, 3000);
	if (!ev) {
		check(0, "offers", "none");
		conn_close(&f.c);
		return 1;
	}
	snprintf(agent, sizeof(agent), "%s", ev->offers->offers[0]->agent_id->value);
	snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
	free_ev(ev);

	mkres(&r[0], &sc[0], &ri[0], &ai[0], "cpus", 1, "r1", "p1");
	mkres(&r[1], &sc[1], &ri[1], &ai[1], "mem", 128, "r1", "p1");
	mkres(&r[2], &sc[2], &ri[2], &ai[2], "disk", 100, "r1", "p1");
	mkres(&t[0], &sc[3], &ri[3], &ai[3], "cpus", 0.5, "r1", "p1");
	mkres(&t[1], &sc[4], &ri[4], &ai[4], "mem", 64, "r1", "p1");
	mkres(&t[2], &sc[5], &ri[5], &ai[5], "disk", 100, "r1", "p1");
	pe.id = "vol2";
	pe.principal = "p1";
	vo.mode = MESOS__V1__VOLUME__MODE__RW;
	vo.container_path = "data";
	di.persistence = &pe;
	di.volume = &vo;
	t[2].disk = &di;
	for (int i = 0; i < 3; i++) {
		mesos__v1__offer__operation__init(&op[i]);
		op[i].has_type = 1;
	}
	op[0].type = MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
	rv.n_resources = 3;
	rv.resources = rs;
	op[0].reserve = &rv;
	op[1].type = MESOS__V1__OFFER__OPERATION__TYPE__CREATE;
	cr.n_volumes = 1;
	cr.volumes = &ts[2];
	op[1].create = &cr;
	op[2].type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	tid.value = "t-vol";
	aid.value = agent;
	ti.name = "t-vol";
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = 3;
	ti.resources = ts;
	cmd.value = "test -d data || exit 3; echo hi >data/hello; exec sleep 60";
	ti.command = &cmd;
	l.n_task_infos = 1;
	l.task_infos = tis;
	op[2].launch = &l;
	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	acc.n_operations = 3;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	check(fw_call(&f, &c) == 202, "ACCEPT with RESERVE, CREATE and LAUNCH -> 202", "");
	deadline = now_ms() + 15000;
	while (!running && now_ms() < deadline) {
		st = wait_update(&f, "t-vol", (int)(deadline - now_ms()), &ev);
		if (!st)
			break;
		if (st->has_uuid)
			acknowledge(&f, st);
		running = st->state == MESOS__V1__TASK_STATE__TASK_RUNNING;
		if (!running && st->state != MESOS__V1__TASK_STATE__TASK_STARTING) {
			check(0, "the task runs", "state %d: %s", st->state, st->message ? st->message : "");
			free_ev(ev);
			break;
		}
		free_ev(ev);
	}
	check(running, "the task on the new volume runs", "");
	snprintf(path, sizeof(path), "%s/volumes/roles/r1/vol2/hello", work_dir);
	deadline = now_ms() + 5000;
	while (!(file = access(path, F_OK) == 0) && now_ms() < deadline)
		poll(NULL, 0, 50);
	check(file, "what the task wrote in its volume is in the volume directory", "%s", path);
	check(kill_task(&f, "t-vol", agent) == 202, "KILL -> 202", "");
	deadline = now_ms() + 15000;
	while (!killed && now_ms() < deadline) {
		st = wait_update(&f, "t-vol", (int)(deadline - now_ms()), &ev);
		if (!st)
			break;
		if (st->has_uuid)
			acknowledge(&f, st);
		killed = st->state == MESOS__V1__TASK_STATE__TASK_KILLED;
		free_ev(ev);
	}
	check(killed, "TASK_KILLED", "");
	ev = next_offer(&f, agent, offer, &x);
	check(ev && reserved(x, "disk", "r1", true) == 100 && reserved(x, "cpus", "r1", false) == 1,
	      "after the task the volume and the reservation are offered again", "");
	free_ev(ev);
	check(access(path, F_OK) == 0, "the volume outlives the task", "%s", path);
	conn_close(&f.c);
	return failures ? 1 : 0;
}

/* ---- a custom executor end to end ---- */

static int launch_exec_task(struct fw *f, const char *offer, const char *agent, const char *task,
			    const char *exe)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = {&oid};
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = {&op};
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = {&ti};
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorInfo ex = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__Resource r[2], *rs[2] = {&r[0], &r[1]};
	Mesos__V1__Value__Scalar sc[2];
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;
	char *args[3] = {"em-test-executor", "run", "-echo"};

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = (char *)offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	for (int i = 0; i < 2; i++) {
		mesos__v1__resource__init(&r[i]);
		mesos__v1__value__scalar__init(&sc[i]);
		r[i].name = i ? "mem" : "cpus";
		r[i].type = MESOS__V1__VALUE__TYPE__SCALAR;
		sc[i].value = i ? 32 : 0.1;
		r[i].scalar = &sc[i];
	}
	tid.value = (char *)task;
	aid.value = (char *)agent;
	ti.name = (char *)task;
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = 2;
	ti.resources = rs;
	eid.value = "e-exec";
	cmd.value = (char *)exe;
	cmd.has_shell = 1;
	cmd.shell = 0;
	cmd.n_arguments = 3;
	cmd.arguments = args;
	ex.has_type = 1;
	ex.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
	ex.executor_id = &eid;
	ex.command = &cmd;
	ex.n_resources = 2;
	ex.resources = rs;
	ti.executor = &ex;
	l.n_task_infos = 1;
	l.task_infos = tis;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &l;
	acc.n_operations = 1;
	acc.operations = ops;
	fl.has_refuse_seconds = 1;
	fl.refuse_seconds = 0;
	acc.filters = &fl;
	c.accept = &acc;
	return fw_call(f, &c);
}

/* Waits for `state` of task, acknowledging every update with a uuid. */
static bool reach_state(struct fw *f, const char *task, int state, bool *from_executor)
{
	uint64_t deadline = now_ms() + 15000;
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__TaskStatus *st;
	bool done = false;

	while (!done && now_ms() < deadline) {
		if (!(st = wait_update(f, task, (int)(deadline - now_ms()), &ev)))
			break;
		if (st->has_uuid)
			acknowledge(f, st);
		done = (int)st->state == state;
		if (done && from_executor)
			*from_executor = st->source == MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR &&
					 st->has_uuid && st->container_status;
		free_ev(ev);
	}
	return done;
}

int sc_executor(const char *exe)
{
	struct fwopts o = {.failover_timeout = 60};
	struct fw f;
	Mesos__V1__Scheduler__Event *ev;
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Message m = MESOS__V1__SCHEDULER__CALL__MESSAGE__INIT;
	Mesos__V1__Scheduler__Call__Shutdown sh = MESOS__V1__SCHEDULER__CALL__SHUTDOWN__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	char agent[128], offer[128];
	const Mesos__V1__Offer *x;
	bool src = false;
	uint8_t data[5] = {'p', 'i', 'n', 'g', 0};

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
	snprintf(offer, sizeof(offer), "%s", ev->offers->offers[0]->id->value);
	free_ev(ev);
	check(launch_exec_task(&f, offer, agent, "e-task", exe) == 202, "ACCEPT with a custom executor -> 202", "");
	check(reach_state(&f, "e-task", MESOS__V1__TASK_STATE__TASK_RUNNING, &src) && src,
	      "TASK_RUNNING from SOURCE_EXECUTOR with a uuid and container_status", "");

	/* the executor shows up in the next offer of that agent */
	ev = next_offer(&f, agent, offer, &x);
	check(ev && x->n_executor_ids == 1 && !strcmp(x->executor_ids[0]->value, "e-exec"),
	      "offers of the agent list the running executor", "");
	free_ev(ev);
	check(launch_exec_task(&f, offer, agent, "e-task", exe) == 202, "a second LAUNCH of the same id", "");
	expect_update(&f, "e-task", MESOS__V1__TASK_STATE__TASK_ERROR,
		      MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		      "Task has duplicate ID: e-task", "a duplicate task id -> TASK_ERROR");

	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE);
	aid.value = agent;
	eid.value = "e-exec";
	m.agent_id = &aid;
	m.executor_id = &eid;
	m.data.data = data;
	m.data.len = sizeof(data);
	c.message = &m;
	check(fw_call(&f, &c) == 202, "MESSAGE to the executor -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__MESSAGE, 5000);
	check(ev && !strcmp(ev->message->agent_id->value, agent) &&
	      !strcmp(ev->message->executor_id->value, "e-exec") && ev->message->data.len == sizeof(data) &&
	      !memcmp(ev->message->data.data, data, sizeof(data)),
	      "the executor's echo arrives as MESSAGE{agent_id, executor_id, data}", "");
	free_ev(ev);

	check(kill_task(&f, "e-task", agent) == 202, "KILL -> 202", "");
	src = false;
	check(reach_state(&f, "e-task", MESOS__V1__TASK_STATE__TASK_KILLED, &src) && src,
	      "TASK_KILLED from the executor", "");

	init_call(&c, &fid, f.id, MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN);
	sh.agent_id = &aid;
	sh.executor_id = &eid;
	c.shutdown = &sh;
	check(fw_call(&f, &c) == 202, "SHUTDOWN -> 202", "");
	ev = wait_event(&f.c, MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE, 10000);
	check(ev && ev->failure->executor_id && !strcmp(ev->failure->executor_id->value, "e-exec") &&
	      ev->failure->agent_id && !strcmp(ev->failure->agent_id->value, agent) &&
	      ev->failure->has_status,
	      "the executor's exit comes as FAILURE{agent_id, executor_id, status}", "");
	free_ev(ev);
	ev = next_offer(&f, agent, offer, &x);
	check(ev && x->n_executor_ids == 0, "its resources and id are gone from the offers", "");
	free_ev(ev);
	conn_close(&f.c);
	return failures ? 1 : 0;
}
