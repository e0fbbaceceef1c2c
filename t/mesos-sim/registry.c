/* registry.c — the sim master's view of its agents: creating them from
 * the configuration, and the master side of agent loss (offers rescinded
 * at once; after --agent-timeout the agent is removed: TASK_LOST or
 * TASK_UNREACHABLE with REASON_AGENT_REMOVED, and FAILURE{agent_id}). */
#include "master.h"

#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#define PORT_STRIDE 1000          /* agent i's ports are shifted by i * this */

static const char *default_resources =
	"cpus:4;mem:4096;disk:10000;ports:[31000-31009,31100-31199]";

static int agent_resources(struct sim *sim, int index, struct sim_resv *out,
			   char *err, size_t errlen)
{
	int rc = sim_resv_parse(sim->cfg.resources ? sim->cfg.resources : default_resources,
				out, err, errlen);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < out->n; i++) {
		struct sim_res *r = &out->v[i];
		for (size_t k = 0; k < r->n_ranges; k++) {
			uint64_t shift = (uint64_t)index * PORT_STRIDE;
			if (r->ranges[k].end + shift > 65535) {
				snprintf(err, errlen, "--resources: ports of agent %d would pass 65535 (agent i gets the ranges shifted by i*%d); use lower ports or fewer agents",
					 index, PORT_STRIDE);
				sim_resv_free(out);
				return -EINVAL;
			}
			r->ranges[k].begin += shift;
			r->ranges[k].end += shift;
		}
	}
	return 0;
}

void sim_agent_list_item(const char *list, int i, char *out, size_t outlen)
{
	const char *p = list;
	out[0] = '\0';
	for (; p && i > 0; i--) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	if (!p)
		return;
	size_t len = strcspn(p, ",");
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

static int list_len(const char *list)
{
	int n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

int sim_agent_lists_check(const char *ips, const char *gids, int n_agents, char *err,
			  size_t errlen)
{
	char item[64];
	struct in_addr ia;
	if (ips && list_len(ips) != n_agents) {
		snprintf(err, errlen, "--agent-ips=%s: %d addresses for %d agents; give one per agent",
			 ips, list_len(ips), n_agents);
		return -EINVAL;
	}
	if (gids && list_len(gids) != n_agents) {
		snprintf(err, errlen, "--agent-gids=%s: %d groups for %d agents; give one per agent",
			 gids, list_len(gids), n_agents);
		return -EINVAL;
	}
	for (int i = 0; i < n_agents; i++) {
		if (ips) {
			sim_agent_list_item(ips, i, item, sizeof item);
			if (inet_pton(AF_INET, item, &ia) != 1) {
				snprintf(err, errlen, "--agent-ips: '%s' (agent %d) is not a numeric IPv4 address",
					 item, i);
				return -EINVAL;
			}
		}
		if (gids) {
			char *end;
			sim_agent_list_item(gids, i, item, sizeof item);
			errno = 0;
			unsigned long g = strtoul(item, &end, 10);
			if (!item[0] || *end || errno || g == 0 || g > 0x7fffffffUL) {
				snprintf(err, errlen, "--agent-gids: '%s' (agent %d) is not a group id in 1..2147483647",
					 item, i);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int sim_agents_create(struct sim *sim, char *err, size_t errlen)
{
	sim->agents = calloc(sim->cfg.n_agents ? (size_t)sim->cfg.n_agents : 1, sizeof(*sim->agents));
	if (!sim->agents)
		return -ENOMEM;
	for (int i = 0; i < sim->cfg.n_agents; i++) {
		struct sim_agent *a = calloc(1, sizeof(*a));
		int rc;
		if (!a)
			return -ENOMEM;
		a->sim = sim;
		a->index = i;
		sim_next_id(sim, "S", a->id, sizeof(a->id));
		if (sim->cfg.agent_ips) {
			/* its own address: offered as its hostname, as a real agent's */
			sim_agent_list_item(sim->cfg.agent_ips, i, a->ip, sizeof(a->ip));
			snprintf(a->hostname, sizeof(a->hostname), "%s", a->ip);
		} else {
			snprintf(a->ip, sizeof(a->ip), "%s", sim->cfg.bind_host);
			snprintf(a->hostname, sizeof(a->hostname), "%s", sim->cfg.hostname);
		}
		if (sim->cfg.agent_gids) {
			char g[32];
			sim_agent_list_item(sim->cfg.agent_gids, i, g, sizeof g);
			a->run_gid = (unsigned)strtoul(g, NULL, 10);
		}
		snprintf(a->work_dir, sizeof(a->work_dir), "%s/agent%d", sim->cfg.work_dir, i);
		a->state = SIM_AGENT_UP;
		sim_list_init(&a->executors);
		sim_list_init(&a->tasks);
		ev_timer_init(&a->remove_timer, NULL, a);
		sim->agents[i] = a;
		sim->n_agents = i + 1;
		rc = agent_resources(sim, i, &a->total, err, errlen);
		if (rc != 0)
			return rc;
		if (mkdir(a->work_dir, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create agent work dir %s: %s", a->work_dir,
				 strerror(errno));
			return -errno;
		}
		rc = sim_agent_init(a, err, errlen);
		if (rc != 0)
			return rc;
		log_info("agent %s on %s:%u, work dir %s%s", a->id, a->ip, (unsigned)a->port,
			 a->work_dir, a->run_gid ? ", executors in their own group" : "");
	}
	return 0;
}

void sim_agents_finish(struct sim *sim)
{
	for (int i = 0; i < sim->n_agents; i++)
		sim_agent_finish(sim->agents[i]);
}

void sim_agents_free(struct sim *sim)
{
	for (int i = 0; i < sim->n_agents; i++) {
		struct sim_agent *a = sim->agents[i];
		ev_timer_stop(sim->loop, &a->remove_timer);
		sim_resv_free(&a->total);
		free(a);
	}
	free(sim->agents);
	sim->agents = NULL;
	sim->n_agents = 0;
}

static void mark_unreachable(struct sim *sim, const char *id)
{
	struct sim_master_state *ms = sim_ms(sim);
	char **nv;

	if (sim_agent_unreachable(sim, id))
		return;
	nv = realloc(ms->unreachable, (ms->n_unreachable + 1) * sizeof(*nv));
	if (!nv)
		return;
	ms->unreachable = nv;
	if ((nv[ms->n_unreachable] = strdup(id)) != NULL)
		ms->n_unreachable++;
}

static void agent_removed(struct ev_loop *loop, void *arg)
{
	struct sim_agent *a = arg;
	struct sim *sim = a->sim;
	double since = sim_wall_time() - (double)(ev_now_ms(loop) - a->down_since_ms) / 1000.0;

	log_info("agent %s: health check timed out; removing it", a->id);
	a->state = SIM_AGENT_REMOVED;
	mark_unreachable(sim, a->id);
	sim_agent_rescind_offers(a);
	sim_list_each(it, nx, &a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		struct sim_framework *fw = t->fw;
		Mesos__V1__TaskState st = fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_UNREACHABLE
							      : MESOS__V1__TASK_STATE__TASK_LOST;
		if (t->terminal || t->unreachable)
			continue;
		sim_fw_send_master_update(fw, t->id, a->id, t->exec ? t->exec->id : NULL, st,
					  MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_REMOVED,
					  "health check timed out", since);
		t->state = st;
		t->terminal = true;
		t->unreachable = true;
		/* Mesos forgets the task of a framework that is not
		 * PARTITION_AWARE; a PARTITION_AWARE one sees it unreachable */
		if (!fw->partition_aware)
			t->acked_terminal = true;
	}
	sim_agent_forget(a);
	sim_list_each(it, nx, &a->executors)
		sim_executor_free(sim_container_of(it, struct sim_executor, agent_link));
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
		Mesos__V1__Scheduler__Event__Failure f = MESOS__V1__SCHEDULER__EVENT__FAILURE__INIT;
		Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
		aid.value = a->id;
		f.agent_id = &aid;
		ev.has_type = 1;
		ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE;
		ev.failure = &f;
		sim_fw_send(fw, &ev);
	}
}

void sim_master_agent_down(struct sim_agent *a)
{
	struct sim *sim = a->sim;

	if (a->state != SIM_AGENT_UP)
		return;
	log_info("agent %s is down; removal in %lld ms", a->id,
		 (long long)sim->cfg.agent_timeout_ms);
	a->state = SIM_AGENT_DOWN;
	a->down_since_ms = ev_now_ms(sim->loop);
	sim_agent_rescind_offers(a);
	ev_timer_init(&a->remove_timer, agent_removed, a);
	ev_timer_start(sim->loop, &a->remove_timer, (uint64_t)sim->cfg.agent_timeout_ms, 0);
}

int sim_master_agent_up(struct sim_agent *a)
{
	struct sim *sim = a->sim;
	int rc = 0;

	ev_timer_stop(sim->loop, &a->remove_timer);
	if (a->state == SIM_AGENT_REMOVED) {
		/* a removed agent comes back as a new one */
		sim_list_each(it, nx, &a->tasks)
			sim_task_free(sim_container_of(it, struct sim_task, agent_link));
		sim_next_id(sim, "S", a->id, sizeof(a->id));
		rc = 1;
	}
	a->state = SIM_AGENT_UP;
	log_info("agent %s is up%s", a->id, rc ? " (re-registered with a new id)" : "");
	/* kills asked for while it was away (Mesos: "Kill will be retried if
	 * the agent re-registers") */
	sim_list_each(it, nx, &a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		if (!t->kill_pending)
			continue;
		t->kill_pending = false;
		if (!t->terminal) {
			log_info("agent %s: the kill of task %s kept while it was away", a->id, t->id);
			sim_agent_kill_task(a, t, NULL);
		}
	}
	sim_alloc_now(sim);
	return rc;
}
