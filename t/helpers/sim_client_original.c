/*
 * sim_client_original.c — the "original" scenario: stands in for the
 * original etcd-mesos (SAFETY.md section 9) so t1300 can move over from
 * a real etcd cluster. A framework named NAME takes one offer on each of
 * N agents, launches one etcd per agent as a command task (CommandInfo,
 * no ExecutorInfo: Mesos' built-in command executor) with the original's
 * task id "<name> <host> <peer> <client> <reseed>" and the three ports as
 * its resources, waits until every task is TASK_RUNNING (acknowledged),
 * prints what the original would have written to ZooKeeper and leaves
 * without TEARDOWN: its failover timeout (one day) keeps the tasks.
 */
#include "sim_client.h"

#define ORIG_MAX 7

struct pick {
	char offer[128], agent[128], host[64];
	unsigned peer, client, reseed;
	char task[256];
};

static Mesos__V1__Scheduler__Event *wait_any(struct fw *f, int type, uint64_t deadline)
{
	uint64_t now = now_ms();
	return now < deadline ? wait_event(&f->c, type, (int)(deadline - now)) : NULL;
}

/* Takes one fitting offer per agent until n; declines the others. */
static size_t take_offers(struct fw *f, struct pick *p, size_t n, uint64_t deadline)
{
	size_t got = 0;
	while (got < n) {
		Mesos__V1__Scheduler__Event *ev =
			wait_any(f, MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS, deadline);
		if (!ev)
			break;
		for (size_t i = 0; i < ev->offers->n_offers; i++) {
			const Mesos__V1__Offer *o = ev->offers->offers[i];
			const Mesos__V1__Resource *ports = res_named(o, "ports");
			bool dup = false;
			for (size_t k = 0; k < got; k++)
				dup |= strcmp(p[k].agent, o->agent_id->value) == 0;
			if (got >= n || dup || !ports || !ports->ranges || !ports->ranges->n_range ||
			    ports->ranges->range[0]->end < ports->ranges->range[0]->begin + 2) {
				decline(f, o->id->value, 60);
				continue;
			}
			struct pick *k = &p[got++];
			snprintf(k->offer, sizeof k->offer, "%s", o->id->value);
			snprintf(k->agent, sizeof k->agent, "%s", o->agent_id->value);
			snprintf(k->host, sizeof k->host, "%s", o->hostname);
			k->peer = (unsigned)ports->ranges->range[0]->begin;
			k->client = k->peer + 1;
			k->reseed = k->peer + 2;
		}
		free_ev(ev);
	}
	return got;
}

static int launch(struct fw *f, const struct pick *k, const char *name, const char *cmdline)
{
	Mesos__V1__Scheduler__Call c;
	Mesos__V1__FrameworkID fid;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = { &oid };
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = { &op };
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = { &ti };
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	Mesos__V1__DurationInfo grace = MESOS__V1__DURATION_INFO__INIT;
	Mesos__V1__Resource r[3], *rs[3] = { &r[0], &r[1], &r[2] };
	Mesos__V1__Value__Scalar sc[2];
	Mesos__V1__Value__Ranges rg = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Value__Range range = MESOS__V1__VALUE__RANGE__INIT, *rp[1] = { &range };
	Mesos__V1__Filters fl = MESOS__V1__FILTERS__INIT;

	init_call(&c, &fid, f->id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	oid.value = (char *)k->offer;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	for (int i = 0; i < 3; i++) {
		mesos__v1__resource__init(&r[i]);
		r[i].name = i == 0 ? "cpus" : i == 1 ? "mem" : "ports";
	}
	for (int i = 0; i < 2; i++) {
		mesos__v1__value__scalar__init(&sc[i]);
		r[i].type = MESOS__V1__VALUE__TYPE__SCALAR;
		sc[i].value = i ? 128 : 0.2;
		r[i].scalar = &sc[i];
	}
	range.begin = k->peer;
	range.end = k->reseed;
	rg.n_range = 1;
	rg.range = rp;
	r[2].type = MESOS__V1__VALUE__TYPE__RANGES;
	r[2].ranges = &rg;
	tid.value = (char *)k->task;
	aid.value = (char *)k->agent;
	ti.name = (char *)name;
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = 3;
	ti.resources = rs;
	cmd.value = (char *)cmdline;
	ti.command = &cmd;
	grace.nanoseconds = 3000000000LL;   /* SIGTERM, then SIGKILL after 3 s */
	kp.grace_period = &grace;
	ti.kill_policy = &kp;
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

int sc_original(const char *name, int n, const char *etcd)
{
	struct fw f;
	struct fwopts o = { .failover_timeout = 86400, .name = name };
	struct pick p[ORIG_MAX];
	struct buf cluster = BUF_INIT, cmd = BUF_INIT, recon = BUF_INIT;
	bool running[ORIG_MAX] = { false };
	uint64_t deadline = now_ms() + 30000;
	size_t got, up = 0;
	int rc = 1;

	if (n < 1 || n > ORIG_MAX) {
		fprintf(stderr, "sim_client original: N must be 1..%d, not %d\n", ORIG_MAX, n);
		return 2;
	}
	if (fw_start(&f, &o) != 0) {
		check(0, "original", "subscribe as framework %s", name);
		return 1;
	}
	got = take_offers(&f, p, (size_t)n, deadline);
	check(got == (size_t)n, "original", "one offer on each of %d agents (%zu)", n, got);
	if (got != (size_t)n)
		goto out;
	/* member names as the original's: etcd-<unix seconds + i> */
	long base = (long)(time(NULL));
	for (size_t i = 0; i < got; i++) {
		snprintf(p[i].task, sizeof p[i].task, "etcd-%ld %s %u %u %u", base + (long)i,
			 p[i].host, p[i].peer, p[i].client, p[i].reseed);
		buf_appendf(&cluster, "%setcd-%ld=http://%s:%u", i ? "," : "", base + (long)i,
			    p[i].host, p[i].peer);
	}
	for (size_t i = 0; i < got; i++) {
		char nm[32];
		snprintf(nm, sizeof nm, "etcd-%ld", base + (long)i);
		cmd.len = 0;
		buf_appendf(&cmd, "exec %s --name %s --data-dir data "
			    "--listen-peer-urls http://%s:%u --initial-advertise-peer-urls http://%s:%u "
			    "--listen-client-urls http://%s:%u --advertise-client-urls http://%s:%u "
			    "--initial-cluster %s --initial-cluster-state new "
			    "--initial-cluster-token original-%s", etcd, nm,
			    p[i].host, p[i].peer, p[i].host, p[i].peer,
			    p[i].host, p[i].client, p[i].host, p[i].client, cluster.data, f.id);
		check(launch(&f, &p[i], nm, cmd.data) == 202, "original", "LAUNCH of %s accepted",
		      p[i].task);
	}
	while (up < got) {
		Mesos__V1__Scheduler__Event *ev =
			wait_any(&f, MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE, deadline);
		if (!ev)
			break;
		const Mesos__V1__TaskStatus *st = ev->update->status;
		if (st->has_uuid)
			acknowledge(&f, st);
		for (size_t i = 0; i < got; i++) {
			if (strcmp(st->task_id->value, p[i].task) != 0)
				continue;
			if (st->state == MESOS__V1__TASK_STATE__TASK_RUNNING && !running[i]) {
				running[i] = true;
				up++;
			} else if (st->state != MESOS__V1__TASK_STATE__TASK_STARTING &&
				   st->state != MESOS__V1__TASK_STATE__TASK_RUNNING) {
				check(0, "original", "task %s: state %d: %s", p[i].task, st->state,
				      st->message ? st->message : "");
			}
		}
		free_ev(ev);
	}
	check(up == got, "original", "%zu of %zu tasks TASK_RUNNING", up, got);
	if (up != got)
		goto out;
	printf("framework_id %s\n", f.id);
	buf_appendf(&recon, "{");
	for (size_t i = 0; i < got; i++) {
		printf("task %s\t%s\thttp://%s:%u\n", p[i].agent, p[i].task, p[i].host, p[i].client);
		buf_appendf(&recon, "%s\"%s\":\"%s\"", i ? "," : "", p[i].task, p[i].agent);
	}
	buf_appendf(&recon, "}");
	printf("reconciliation %s\n", recon.data);
	fflush(stdout);
	rc = failures ? 1 : 0;
out:
	conn_close(&f.c);
	buf_finish(&cluster);
	buf_finish(&cmd);
	buf_finish(&recon);
	return rc;
}
