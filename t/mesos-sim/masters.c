/* masters.c — the sim's masters: one HTTP server per master (the leader
 * serves the scheduler API, standbys redirect with 307 or answer 503),
 * MasterInfo, leader failover, and --credentials. */
#include "master.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_master_info_pb(struct sim *sim, struct sim_master *m, Mesos__V1__MasterInfo *mi,
			Mesos__V1__Address *addr, Mesos__V1__MasterInfo__Capability **caps,
			Mesos__V1__MasterInfo__Capability *capv, char *pid, size_t pidlen)
{
	struct in_addr ia = {0};
	static const int types[3] = {
		MESOS__V1__MASTER_INFO__CAPABILITY__TYPE__AGENT_UPDATE,
		MESOS__V1__MASTER_INFO__CAPABILITY__TYPE__AGENT_DRAINING,
		MESOS__V1__MASTER_INFO__CAPABILITY__TYPE__QUOTA_V2,
	};

	inet_pton(AF_INET, sim->cfg.bind_host, &ia);
	mesos__v1__master_info__init(mi);
	mesos__v1__address__init(addr);
	snprintf(pid, pidlen, "master@%s:%u", sim->cfg.bind_host, (unsigned)m->port);
	mi->id = m->id;
	mi->ip = ia.s_addr;      /* network byte order read as a host integer */
	mi->port = m->port;
	mi->pid = pid;
	mi->hostname = (char *)sim->cfg.hostname;
	mi->version = (char *)SIM_VERSION;
	addr->hostname = (char *)sim->cfg.hostname;
	addr->ip = (char *)sim->cfg.bind_host;
	addr->port = m->port;
	mi->address = addr;
	for (int i = 0; i < 3; i++) {
		mesos__v1__master_info__capability__init(&capv[i]);
		capv[i].has_type = 1;
		capv[i].type = types[i];
		caps[i] = &capv[i];
	}
	mi->n_capabilities = 3;
	mi->capabilities = caps;
}

static void new_master_id(struct sim_master *m)
{
	uint8_t u[16];

	sim_uuid(u);
	sim_uuid_str(u, m->id);
}

int sim_masters_start(struct sim *sim, char *err, size_t errlen)
{
	for (int i = 0; i < sim->cfg.n_masters; i++) {
		struct sim_master *m = &sim->masters[i];
		struct http_server_config hc = {
			.bind_host = sim->cfg.bind_host,
			.port = sim->cfg.port ? (uint16_t)(sim->cfg.port + i) : 0,
			.name = "master",
		};
		int rc = http_server_new(&m->http, sim->loop, &hc);
		if (rc != 0) {
			snprintf(err, errlen, "master %d: cannot listen on %s:%u: %s", i,
				 sim->cfg.bind_host, (unsigned)hc.port, strerror(-rc));
			return rc;
		}
		m->port = http_server_port(m->http);
		rc = sim_sched_routes(m);
		for (int k = 0; rc == 0 && k < 2; k++) {
			struct http_route sr = {.method = "GET", .path = k ? "/state" : "/master/state",
						.fn = sim_state_handler, .arg = sim};
			rc = http_server_add_route(m->http, &sr);
		}
		if (rc != 0) {
			snprintf(err, errlen, "master %d: routes: %s", i, strerror(-rc));
			return rc;
		}
		log_info("master %d (%s) listening on %s:%u%s", i, m->id, sim->cfg.bind_host,
			 (unsigned)m->port, i == sim->leader ? ", leading" : "");
	}
	return 0;
}

void sim_masters_free(struct sim *sim)
{
	for (int i = 0; i < sim->cfg.n_masters; i++)
		http_server_free(sim->masters[i].http);
}

int sim_master_failover(struct sim *sim, int to, bool none)
{
	int n = sim->cfg.n_masters, old = sim->leader;

	if (to >= n)
		return -EINVAL;
	/* the old leader's connections die with it */
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		sim_fw_disconnect(fw, true);
		sim_fw_drop_offers(fw, false);
		sim_filters_clear(fw, NULL);
	}
	if (none) {
		sim->leader = -1;
	} else {
		sim->leader = to >= 0 ? to : (old < 0 ? 0 : (old + 1) % n);
		new_master_id(&sim->masters[sim->leader]);
	}
	log_info("master failover: leader %d -> %d (%s)", old, sim->leader,
		 sim->leader >= 0 ? sim->masters[sim->leader].id : "none");
	sim_zk_leader_changed(sim);
	return 0;
}

int sim_credentials_load(struct sim *sim, const char *path, char *err, size_t errlen)
{
	struct sim_master_state *ms = sim_ms(sim);
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	cJSON *root = NULL, *list, *it;
	int rc = -EINVAL;

	if (!f) {
		snprintf(err, errlen, "--credentials=%s: %s", path, strerror(errno));
		return -errno;
	}
	text = malloc(1 << 20);
	if (text)
		len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	if (!text)
		return -ENOMEM;
	text[len] = '\0';
	root = cJSON_Parse(text);
	list = root ? cJSON_GetObjectItemCaseSensitive(root, "credentials") : NULL;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
		snprintf(err, errlen, "--credentials=%s: expected {\"credentials\":[{\"principal\":\"p\",\"secret\":\"s\"}]}",
			 path);
		goto out;
	}
	ms->n_creds = 0;
	ms->cred_principal = calloc((size_t)cJSON_GetArraySize(list), sizeof(char *));
	ms->cred_secret = calloc((size_t)cJSON_GetArraySize(list), sizeof(char *));
	if (!ms->cred_principal || !ms->cred_secret) {
		rc = -ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, list) {
		cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "principal");
		cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "secret");
		if (!cJSON_IsString(p) || !cJSON_IsString(s) || !p->valuestring[0]) {
			snprintf(err, errlen, "--credentials=%s: entry %zu needs string \"principal\" and \"secret\"",
				 path, ms->n_creds);
			goto out;
		}
		ms->cred_principal[ms->n_creds] = strdup(p->valuestring);
		ms->cred_secret[ms->n_creds] = strdup(s->valuestring);
		ms->n_creds++;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	free(text);
	return rc;
}
