/* zk.c — the sim masters in ZooKeeper (PROTOCOLS.md §D.2): every master
 * contends with an ephemeral sequential json.info_ node holding its
 * MasterInfo as JSON; the leader's node has the smallest sequence. On a
 * leader change all nodes are deleted and created again, leader first
 * (with no leader, none at all), so detectors see the new leader. */
#include "master.h"

#include "base/log.h"
#include "zk/zk_session.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct zk_state {
	struct sim *sim;
	struct zk_session *s;
	unsigned gen;                 /* bumps on every re-registration */
	struct sim_link steps;        /* creations in flight */
};

struct create_step {
	struct sim_link link;         /* in zk_state.steps until completed */
	struct zk_state *z;
	unsigned gen;
	int pos;                      /* position in the creation order */
};

static char *master_json(struct sim *sim, struct sim_master *m)
{
	Mesos__V1__MasterInfo mi;
	Mesos__V1__Address addr;
	Mesos__V1__MasterInfo__Capability *caps[3], capv[3];
	char pid[128], *out;
	cJSON *j = cJSON_CreateObject(), *a = cJSON_CreateObject(), *c = cJSON_CreateArray();
	static const char *names[] = {"AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"};

	sim_master_info_pb(sim, m, &mi, &addr, caps, capv, pid, sizeof(pid));
	cJSON_AddStringToObject(a, "hostname", addr.hostname);
	cJSON_AddStringToObject(a, "ip", addr.ip);
	cJSON_AddNumberToObject(a, "port", addr.port);
	cJSON_AddItemToObject(j, "address", a);
	for (int i = 0; i < 3; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "type", names[i]);
		cJSON_AddItemToArray(c, x);
	}
	cJSON_AddItemToObject(j, "capabilities", c);
	cJSON_AddStringToObject(j, "hostname", mi.hostname);
	cJSON_AddStringToObject(j, "id", mi.id);
	cJSON_AddNumberToObject(j, "ip", (double)mi.ip);
	cJSON_AddStringToObject(j, "pid", mi.pid);
	cJSON_AddNumberToObject(j, "port", mi.port);
	cJSON_AddStringToObject(j, "version", mi.version);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return out;
}

/* Master index at position pos of the creation order (leader first). */
static int order(struct sim *sim, int pos)
{
	int n = sim->cfg.n_masters;

	if (sim->leader < 0)
		return -1;
	return pos >= n ? -1 : (sim->leader + pos) % n;
}

static void create_next(struct zk_state *z, unsigned gen, int pos);

static void created(int rc, const char *path, void *arg)
{
	struct create_step *st = arg;
	struct zk_state *z = st->z;
	unsigned gen = st->gen;
	int pos = st->pos;

	sim_list_del(&st->link);
	free(st);
	if (gen != z->gen)
		return;
	if (rc != ZOK) {
		log_error("ZooKeeper: cannot create the json.info_ node of master %d: rc %d",
			  order(z->sim, pos), rc);
		return;
	}
	{
		struct sim_master *m = &z->sim->masters[order(z->sim, pos)];
		snprintf(m->zk_node, sizeof(m->zk_node), "%s", path);
		log_info("ZooKeeper: master %d (%s) registered as %s", m->index, m->id, path);
	}
	create_next(z, gen, pos + 1);
}

static void create_next(struct zk_state *z, unsigned gen, int pos)
{
	int idx = order(z->sim, pos);
	struct create_step *st;
	char *json;
	int rc;

	if (idx < 0)
		return;
	json = master_json(z->sim, &z->sim->masters[idx]);
	st = malloc(sizeof(*st));
	if (!json || !st) {
		free(json);
		free(st);
		return;
	}
	st->z = z;
	st->gen = gen;
	st->pos = pos;
	sim_list_add_tail(&z->steps, &st->link);
	rc = zk_create_parents(z->s, "/json.info_", json, strlen(json),
			       ZOO_EPHEMERAL_SEQUENTIAL, created, st);
	free(json);
	if (rc != 0) {
		sim_list_del(&st->link);
		free(st);
		log_error("ZooKeeper: create failed: %s", strerror(-rc));
	}
}

static void deleted(int rc, void *arg)
{
	(void)rc;
	(void)arg;
}

static void reregister(struct zk_state *z)
{
	struct sim *sim = z->sim;

	z->gen++;
	for (int i = 0; i < sim->cfg.n_masters; i++) {
		if (sim->masters[i].zk_node[0] && zk_session_connected(z->s))
			zk_delete(z->s, sim->masters[i].zk_node, -1, deleted, z);
		sim->masters[i].zk_node[0] = '\0';
	}
	if (zk_session_connected(z->s))
		create_next(z, z->gen, 0);
}

static void on_session(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct zk_state *z = arg;

	log_info("ZooKeeper session: %s", zk_session_event_name(ev));
	if (ev == ZK_SESSION_CONNECTED) {      /* a new session: ephemerals are gone */
		for (int i = 0; i < z->sim->cfg.n_masters; i++)
			z->sim->masters[i].zk_node[0] = '\0';
		reregister(z);
	}
}

int sim_zk_start(struct sim *sim, char *err, size_t errlen)
{
	struct zk_state *z = calloc(1, sizeof(*z));
	int rc;

	if (!z)
		return -ENOMEM;
	z->sim = sim;
	sim_list_init(&z->steps);
	rc = zk_session_new(sim->loop, sim->cfg.zk, 10000, &z->s, err, errlen);
	if (rc != 0) {
		free(z);
		return rc;
	}
	if ((rc = zk_session_listen(z->s, on_session, z)) != 0) {
		zk_session_free(z->s);
		free(z);
		return rc;
	}
	sim_ms(sim)->zk = z;
	return 0;
}

void sim_zk_leader_changed(struct sim *sim)
{
	struct zk_state *z = sim_ms(sim)->zk;

	if (z)
		reregister(z);
}

void sim_zk_free(struct sim *sim)
{
	struct zk_state *z = sim_ms(sim)->zk;

	if (!z)
		return;
	zk_session_free(z->s);
	sim_list_each(it, nx, &z->steps) {
		sim_list_del(it);
		free(sim_container_of(it, struct create_step, link));
	}
	free(z);
	sim_ms(sim)->zk = NULL;
}
