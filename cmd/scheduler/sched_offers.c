/* Offers in hand, and the LAUNCH of one etcd member: ExecutorInfo,
 * CommandInfo (fetched executor, etcd, etcdctl), TaskInfo with the
 * member configuration as data (SAFETY.md section 5). See sched.h. */
#include "sched.h"

#include "artifact.h"
#include "base/buf.h"
#include "base/log.h"
#include "cluster/member_config.h"
#include "mesos/resources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXEC_CPUS 0.1
#define EXEC_MEM 32.0

static Mesos__V1__Offer *offer_copy(const Mesos__V1__Offer *o)
{
	size_t len = mesos__v1__offer__get_packed_size(o);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return NULL;
	mesos__v1__offer__pack(o, buf);
	Mesos__V1__Offer *c = mesos__v1__offer__unpack(NULL, len, buf);
	free(buf);
	return c;
}

static void needs(const struct sched *s, struct res_need *exec, struct res_need *task,
		  const uint64_t *ports)
{
	*exec = (struct res_need){ .cpus = EXEC_CPUS, .mem = EXEC_MEM };
	*task = (struct res_need){ .cpus = s->cfg->sandbox_cpu, .mem = s->cfg->sandbox_mem,
				   .disk = s->cfg->sandbox_disk, .n_ports = 2, .ports = ports };
}

static const char *reserved_role(const struct sched *s)
{
	return s->cfg->role && strcmp(s->cfg->role, "*") != 0 ? s->cfg->role : NULL;
}

void sched_offers_drop_index(struct sched *s, size_t i)
{
	mesos__v1__offer__free_unpacked(s->offers[i], NULL);
	memmove(&s->offers[i], &s->offers[i + 1], (s->n_offers - i - 1) * sizeof *s->offers);
	s->n_offers--;
}

void sched_offer_decline(struct sched *s, size_t i, double refuse_seconds)
{
	const char *id = s->offers[i]->id->value;
	int rc = sched_decline(s->mesos, &id, 1, refuse_seconds, NULL, NULL);
	if (rc < 0)
		log_warn("DECLINE of offer %s not sent: %s", id, strerror(-rc));
	sched_offers_drop_index(s, i);
}

void sched_offers_add(struct sched *s, Mesos__V1__Offer *const *offers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Offer *o = offers[i];
		if (!o->id || !o->agent_id || !o->hostname)
			continue;
		Mesos__V1__Offer *c = s->n_offers < SCHED_MAX_OFFERS ? offer_copy(o) : NULL;
		if (!c) {
			const char *id = o->id->value;
			sched_decline(s->mesos, &id, 1, s->cfg->offer_refuse_seconds, NULL, NULL);
			continue;
		}
		s->offers[s->n_offers++] = c;
	}
}

void sched_offers_rescind(struct sched *s, const char *offer_id)
{
	for (size_t i = 0; i < s->n_offers; i++)
		if (strcmp(s->offers[i]->id->value, offer_id) == 0) {
			log_info("offer %s rescinded", offer_id);
			sched_offers_drop_index(s, i);
			return;
		}
}

void sched_offers_clear(struct sched *s)
{
	while (s->n_offers)
		sched_offers_drop_index(s, s->n_offers - 1);
}

static int take(struct sched *s, const Mesos__V1__Offer *o, const uint64_t *want,
		uint64_t ports[2], struct res_list *exec_out, struct res_list *task_out)
{
	struct res_pool pool;
	struct res_need en, tn;
	int rc = res_pool_init(&pool, o);
	if (rc < 0)
		return rc;
	needs(s, &en, &tn, want);
	rc = res_pool_take_launch(&pool, &en, &tn, reserved_role(s), exec_out, task_out, ports);
	res_pool_finish(&pool);
	return rc;
}

bool sched_offer_fits(struct sched *s, const Mesos__V1__Offer *o)
{
	struct res_list e = RES_LIST_INIT, t = RES_LIST_INIT;
	uint64_t ports[2];
	int rc = take(s, o, NULL, ports, &e, &t);
	res_list_finish(&e);
	res_list_finish(&t);
	return rc == 0;
}

int sched_offer_ports(struct sched *s, size_t i, uint16_t *peer, uint16_t *client)
{
	struct res_list e = RES_LIST_INIT, t = RES_LIST_INIT;
	uint64_t ports[2];
	int rc = take(s, s->offers[i], NULL, ports, &e, &t);
	res_list_finish(&e);
	res_list_finish(&t);
	if (rc == 0) {
		*peer = (uint16_t)ports[0];
		*client = (uint16_t)ports[1];
	}
	return rc;
}

/* The initial cluster a member starts with: all initial members for a
 * new cluster; otherwise etcd's members (name=peer URL) plus itself. */
/* The master answered an ACCEPT: the crash point right after it. */
static void accept_answered(struct sched_session *ss, const struct sched_call_result *r,
			    void *arg)
{
	if (r->err == 0 && r->status / 100 == 2)
		sched_crash_point("accepted");
}

static int fill_cluster(struct sched *s, const struct registry_record *rec,
			struct member_config *mc)
{
	char url[IDENT_URL_MAX + 1];
	int rc = 0;
	size_t n = zk_store_task_count(s->store);

	if (rec->initial) {
		mc->initial_state = MEMBER_INITIAL_NEW;
		for (size_t i = 0; i < n && rc == 0; i++) {
			/* every initial member, dead or not: all of them must
			 * start with the same list or etcd refuses to form
			 * (REMOVED ones are a void bootstrap's remnants) */
			const struct registry_record *r = zk_store_task_at(s->store, i);
			if (!r->initial || r->state == MEMBER_REMOVED)
				continue;
			snprintf(url, sizeof url, "http://%s:%u", r->host, r->peer_port);
			rc = member_config_add_peer(mc, r->name, url);
		}
		return rc;
	}
	mc->initial_state = MEMBER_INITIAL_EXISTING;
	snprintf(url, sizeof url, "http://%s:%u", rec->host, rec->peer_port);
	bool self = false;
	for (size_t i = 0; i < s->etcd_list.n_members && rc == 0; i++) {
		const struct etcd_member *e = &s->etcd_list.members[i];
		if (!e->n_peer_urls)
			continue;
		const char *name = e->name;
		char fallback[IDENT_NAME_MAX + 1];
		if (strcmp(e->peer_urls[0], url) == 0) {
			name = rec->name;
			self = true;
		} else if (!*name) {
			/* not started yet: our record's name, else one from its id */
			name = NULL;
			for (size_t k = 0; k < n && !name; k++) {
				const struct registry_record *r = zk_store_task_at(s->store, k);
				char u[IDENT_URL_MAX + 1];
				snprintf(u, sizeof u, "http://%s:%u", r->host, r->peer_port);
				if (strcmp(u, e->peer_urls[0]) == 0)
					name = r->name;
			}
			if (!name) {
				snprintf(fallback, sizeof fallback, "m%llx", (unsigned long long)e->id);
				name = fallback;
			}
		}
		rc = member_config_add_peer(mc, name, e->peer_urls[0]);
	}
	if (rc == 0 && !self)
		rc = member_config_add_peer(mc, rec->name, url);
	return rc;
}

int sched_offer_launch(struct sched *s, size_t i, const struct registry_record *rec)
{
	const Mesos__V1__Offer *o = s->offers[i];
	struct res_list er = RES_LIST_INIT, tr = RES_LIST_INIT;
	uint64_t want[2] = { rec->peer_port, rec->client_port }, ports[2];
	struct member_config mc;
	struct buf data;
	char err[256], uri[3][512];
	int rc;

	buf_init(&data);
	rc = take(s, o, want, ports, &er, &tr);
	if (rc < 0) {
		log_error("offer %s on agent %s cannot hold member %s (ports %u, %u): %s",
			  o->id->value, o->agent_id->value, rec->name, rec->peer_port,
			  rec->client_port, strerror(-rc));
		goto fail;
	}
	member_config_init(&mc);
	snprintf(mc.name, sizeof mc.name, "%s", rec->name);
	snprintf(mc.cluster_token, sizeof mc.cluster_token, "etcd-mesos-%s",
		 s->cfg->framework_name);
	snprintf(mc.host, sizeof mc.host, "%s", rec->host);
	mc.peer_port = rec->peer_port;
	mc.client_port = rec->client_port;
	mc.learner = rec->learner;
	mc.member_id = rec->etcd_id;
	if ((rc = fill_cluster(s, rec, &mc)) < 0 ||
	    (rc = member_config_encode(&mc, &data, err, sizeof err)) < 0) {
		log_error("member %s: cannot build its configuration: %s", rec->name,
			  rc == -EINVAL ? err : strerror(-rc));
		goto fail;
	}

	/* the executor and its fetched files */
	static const char *const names[3] = { "etcd-mesos-executor", "etcd", "etcdctl" };
	const char *given[3] = { s->cfg->executor_uri, s->cfg->etcd_uri, s->cfg->etcdctl_uri };
	Mesos__V1__CommandInfo__URI u[3], *up[3];
	for (int k = 0; k < 3; k++) {
		mesos__v1__command_info__uri__init(&u[k]);
		if (given[k] && *given[k])
			snprintf(uri[k], sizeof uri[k], "%s", given[k]);
		else
			snprintf(uri[k], sizeof uri[k], "%s%s", s->artifact_base,
				 artifact_path(s->artifact, (enum artifact_kind)k));
		u[k].value = uri[k];
		u[k].has_executable = 1;
		u[k].executable = 1;
		u[k].has_extract = 1;
		u[k].extract = 0;
		u[k].output_file = (char *)names[k];
		up[k] = &u[k];
	}
	char *argv0[1] = { "etcd-mesos-executor" };
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	cmd.has_shell = 1;
	cmd.shell = 0;
	cmd.value = "./etcd-mesos-executor";
	cmd.n_arguments = 1;
	cmd.arguments = argv0;
	cmd.n_uris = 3;
	cmd.uris = up;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	eid.value = (char *)rec->task_id;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = s->framework_id;
	Mesos__V1__ExecutorInfo ex = MESOS__V1__EXECUTOR_INFO__INIT;
	ex.has_type = 1;
	ex.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
	ex.executor_id = &eid;
	ex.framework_id = &fid;
	ex.command = &cmd;
	ex.name = "etcd-mesos executor";
	ex.n_resources = er.n;
	ex.resources = er.v;

	/* the task */
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	tid.value = (char *)rec->task_id;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	aid.value = o->agent_id->value;
	Mesos__V1__Label lb[2] = { MESOS__V1__LABEL__INIT, MESOS__V1__LABEL__INIT };
	Mesos__V1__Label *lbp[2] = { &lb[0], &lb[1] };
	lb[0].key = "framework";
	lb[0].value = s->cfg->framework_name;
	lb[1].key = "member";
	lb[1].value = (char *)rec->name;
	Mesos__V1__Labels labels = MESOS__V1__LABELS__INIT;
	labels.n_labels = 2;
	labels.labels = lbp;
	Mesos__V1__Port port = MESOS__V1__PORT__INIT, *portp[1] = { &port };
	port.number = rec->peer_port;
	port.name = "peer";
	port.protocol = "tcp";
	Mesos__V1__Ports dports = MESOS__V1__PORTS__INIT;
	dports.n_ports = 1;
	dports.ports = portp;
	Mesos__V1__DiscoveryInfo disc = MESOS__V1__DISCOVERY_INFO__INIT;
	disc.visibility = MESOS__V1__DISCOVERY_INFO__VISIBILITY__FRAMEWORK;
	disc.name = "etcd-server";
	disc.ports = &dports;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tip[1] = { &ti };
	ti.name = (char *)rec->name;
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.n_resources = tr.n;
	ti.resources = tr.v;
	ti.executor = &ex;
	ti.has_data = 1;
	ti.data.len = data.len;
	ti.data.data = (uint8_t *)data.data;
	ti.labels = &labels;
	ti.discovery = &disc;
	Mesos__V1__Offer__Operation__Launch launch = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	launch.n_task_infos = 1;
	launch.task_infos = tip;
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *opp[1] = { &op };
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &launch;

	const char *oid = o->id->value;
	rc = sched_accept(s->mesos, &oid, 1, opp, 1, s->cfg->offer_refuse_seconds, accept_answered,
			  NULL);
	if (rc < 0) {
		log_error("ACCEPT of offer %s for member %s not sent: %s", oid, rec->name,
			  strerror(-rc));
		goto fail;
	}
	s->launched_servers++;
	log_info("launching member %s (%s) on agent %s: peer %s:%u client %u, %s cluster%s",
		 rec->name, rec->task_id, o->agent_id->value, rec->host, rec->peer_port,
		 rec->client_port, mc.initial_state == MEMBER_INITIAL_NEW ? "new" : "existing",
		 mc.learner ? ", as a learner" : "");
	sched_offers_drop_index(s, i);
fail:
	res_list_finish(&er);
	res_list_finish(&tr);
	buf_finish(&data);
	return rc;
}
