/* main.c — mesos-sim: flags, setup and teardown of the simulated Mesos
 * cluster (masters, agents, control API, ZooKeeper), and the loop.
 * Exits 0 on SIGTERM/SIGINT, 2 on a bad flag, 1 when setup fails. */
#include "master.h"

#include "base/log.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	char *bind, *hostname, *resources, *zk, *credentials, *work_dir, *port_file;
	char *agent_ips, *agent_gids;
	int64_t port, control_port, masters, agents, v;
	double heartbeat;
	int64_t alloc_ms, offer_timeout_ms, agent_timeout_ms, refuse_ms;
	bool logtostderr;
} opt;

static struct flag sim_flags[] = {
	{ "ip", FLAG_STRING, "127.0.0.1", "numeric address of masters and agents", NULL,
	  &opt.bind, 0, 0 },
	{ "hostname", FLAG_STRING, NULL, "hostname in MasterInfo, offers and redirects (default: --ip)",
	  NULL, &opt.hostname, 0, 0 },
	{ "port", FLAG_INT, "0", "first master's port (master i: port+i); 0 = any free port",
	  NULL, &opt.port, 0, 0 },
	{ "control-port", FLAG_INT, "0", "control API port on --ip (0 = any free port)", NULL,
	  &opt.control_port, 0, 0 },
	{ "masters", FLAG_INT, "1", "number of masters (standbys redirect to the leader)", NULL,
	  &opt.masters, 0, 0 },
	{ "agents", FLAG_INT, "3", "number of agents", NULL, &opt.agents, 0, 0 },
	{ "agent-ips", FLAG_STRING, NULL,
	  "comma-separated numeric addresses, one per agent: agent i listens there and offers it as its hostname (default: every agent on --ip)",
	  NULL, &opt.agent_ips, 0, 0 },
	{ "agent-gids", FLAG_STRING, NULL,
	  "comma-separated group ids, one per agent: its executors run with that group, supplementary groups cleared (needs root; default: the sim's own)",
	  NULL, &opt.agent_gids, 0, 0 },
	{ "heartbeat", FLAG_FLOAT, "15", "heartbeat interval in seconds (Mesos: 15)", NULL,
	  &opt.heartbeat, 0, 0 },
	{ "allocation-interval", FLAG_DURATION, "1s", "time between allocation cycles", NULL,
	  &opt.alloc_ms, 0, 0 },
	{ "offer-timeout", FLAG_DURATION, "0", "rescind offers after this long (0 = never)", NULL,
	  &opt.offer_timeout_ms, 0, 0 },
	{ "agent-timeout", FLAG_DURATION, "75s", "a killed agent is removed after this long", NULL,
	  &opt.agent_timeout_ms, 0, 0 },
	{ "refuse-default", FLAG_DURATION, "5s", "Filters.refuse_seconds when not given", NULL,
	  &opt.refuse_ms, FLAG_HIDDEN, 0 },
	{ "resources", FLAG_STRING, NULL,
	  "each agent's resources, Mesos syntax (agent i's ports shifted by i*1000); default cpus:4;mem:4096;disk:10000;ports:[31000-31009,31100-31199]",
	  NULL, &opt.resources, 0, 0 },
	{ "zk", FLAG_STRING, NULL, "zk://host:port/path: register masters as json.info_ nodes",
	  NULL, &opt.zk, 0, 0 },
	{ "credentials", FLAG_STRING, NULL,
	  "JSON {\"credentials\":[{\"principal\":..,\"secret\":..}]}: require HTTP Basic auth",
	  NULL, &opt.credentials, 0, 0 },
	{ "work-dir", FLAG_STRING, NULL, "agents' work dirs go under it (required)", NULL,
	  &opt.work_dir, 0, 0 },
	{ "port-file", FLAG_STRING, NULL,
	  "write \"master=P\\nmasters=P1,P2\\ncontrol=P\\n\" here once listening", NULL,
	  &opt.port_file, 0, 0 },
	{ "logtostderr", FLAG_BOOL, "true", "accepted; the sim always logs to stderr", NULL,
	  &opt.logtostderr, 0, 0 },
	{ "v", FLAG_INT, "0", "verbose logging level", NULL, &opt.v, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static struct flag *const tables[] = { sim_flags, sim_agent_flags, NULL };

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	log_info("signal %d: stopping", signo);
	ev_stop(loop);
}

static int write_port_file(struct sim *sim, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "master=%u\nmasters=", (unsigned)sim->masters[0].port);
	for (int i = 0; i < sim->cfg.n_masters; i++)
		fprintf(f, "%s%u", i ? "," : "", (unsigned)sim->masters[i].port);
	fprintf(f, "\ncontrol=%u\n", (unsigned)http_server_port(sim->control));
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -errno;
	return 0;
}

static int check_flags(char *err, size_t errlen)
{
	if (!opt.work_dir || !opt.work_dir[0]) {
		snprintf(err, errlen, "--work-dir is required (a directory for the agents' sandboxes)");
		return -EINVAL;
	}
	if (opt.masters < 1 || opt.masters > 16) {
		snprintf(err, errlen, "--masters=%lld: use 1..16", (long long)opt.masters);
		return -EINVAL;
	}
	if (opt.agents < 0 || opt.agents > 50) {
		snprintf(err, errlen, "--agents=%lld: use 0..50", (long long)opt.agents);
		return -EINVAL;
	}
	if (opt.port < 0 || opt.port + opt.masters - 1 > 65535 || opt.control_port < 0 ||
	    opt.control_port > 65535) {
		snprintf(err, errlen, "--port/--control-port out of range 0..65535");
		return -EINVAL;
	}
	if (!(opt.heartbeat > 0 && opt.heartbeat <= 3600)) {
		snprintf(err, errlen, "--heartbeat=%g: use a number of seconds in (0, 3600]", opt.heartbeat);
		return -EINVAL;
	}
	if (sim_agent_lists_check(opt.agent_ips, opt.agent_gids, (int)opt.agents, err,
				  errlen) != 0)
		return -EINVAL;
	if (opt.resources) {
		struct sim_resv r;
		int rc = sim_resv_parse(opt.resources, &r, err, errlen);
		sim_resv_free(&r);
		if (rc != 0)
			return rc;
	}
	if (opt.alloc_ms <= 0 || opt.agent_timeout_ms <= 0 || opt.offer_timeout_ms < 0) {
		snprintf(err, errlen, "--allocation-interval and --agent-timeout must be > 0, --offer-timeout >= 0");
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim sim;
	struct sim_master_state ms;
	struct log_config lc = { .program = "mesos-sim", .logtostderr = true };
	char err[512] = "";
	int rc, status = 1;

	memset(&sim, 0, sizeof(sim));
	memset(&ms, 0, sizeof(ms));
	rc = flags_parse(tables, argc, argv, 1, err, sizeof(err));
	if (rc == FLAGS_HELP) {
		printf("usage: mesos-sim --work-dir=DIR [flags]\n");
		flags_print_help(stdout, tables);
		flags_free(tables);
		return 0;
	}
	if (rc == FLAGS_ERROR || rc < argc || check_flags(err, sizeof(err)) != 0) {
		fprintf(stderr, "mesos-sim: %s\n", rc < argc && rc >= 0 && !err[0] ?
			"unexpected argument (flags only)" : err);
		flags_free(tables);
		return 2;
	}
	lc.verbosity = (int)opt.v;
	log_init(&lc);
	signal(SIGPIPE, SIG_IGN);

	sim.cfg.bind_host = opt.bind;
	sim.cfg.hostname = opt.hostname && opt.hostname[0] ? opt.hostname : opt.bind;
	sim.cfg.port = (uint16_t)opt.port;
	sim.cfg.control_port = (uint16_t)opt.control_port;
	sim.cfg.n_masters = (int)opt.masters;
	sim.cfg.n_agents = (int)opt.agents;
	sim.cfg.heartbeat_s = opt.heartbeat;
	sim.cfg.allocation_interval_ms = opt.alloc_ms;
	sim.cfg.offer_timeout_ms = opt.offer_timeout_ms;
	sim.cfg.agent_timeout_ms = opt.agent_timeout_ms;
	sim.cfg.refuse_default_ms = opt.refuse_ms;
	sim.cfg.resources = opt.resources;
	sim.cfg.zk = opt.zk;
	sim.cfg.credentials = opt.credentials;
	sim.cfg.work_dir = opt.work_dir;
	sim.cfg.port_file = opt.port_file;
	sim.cfg.agent_ips = opt.agent_ips;
	sim.cfg.agent_gids = opt.agent_gids;
	sim.master_priv = &ms;
	sim_list_init(&sim.frameworks);
	sim_list_init(&sim.removed);
	sim.loop = ev_loop_new();
	ev_timer_init(&sim.alloc_timer, NULL, &sim);
	sim.masters = calloc((size_t)sim.cfg.n_masters, sizeof(*sim.masters));
	if (!sim.loop || !sim.masters) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	for (int i = 0; i < sim.cfg.n_masters; i++) {
		uint8_t u[16];
		sim.masters[i].sim = &sim;
		sim.masters[i].index = i;
		sim_uuid(u);
		sim_uuid_str(u, sim.masters[i].id);
	}
	sim.leader = 0;
	if (mkdir(opt.work_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, sizeof(err), "--work-dir=%s: %s", opt.work_dir, strerror(errno));
		goto out;
	}
	if (opt.credentials && sim_credentials_load(&sim, opt.credentials, err, sizeof(err)) != 0)
		goto out;
	if (sim_masters_start(&sim, err, sizeof(err)) != 0)
		goto out;
	if (sim_agents_create(&sim, err, sizeof(err)) != 0)
		goto out;
	if (sim_control_start(&sim, err, sizeof(err)) != 0)
		goto out;
	if (opt.zk && sim_zk_start(&sim, err, sizeof(err)) != 0)
		goto out;
	if (sim_alloc_start(&sim) != 0) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	ev_signal_add(sim.loop, SIGTERM, on_signal, NULL);
	ev_signal_add(sim.loop, SIGINT, on_signal, NULL);
	if (opt.port_file && (rc = write_port_file(&sim, opt.port_file)) != 0) {
		snprintf(err, sizeof(err), "--port-file=%s: %s", opt.port_file, strerror(-rc));
		goto out;
	}
	log_info("mesos-sim ready: %d master(s), leader on port %u, %d agent(s), control port %u",
		 sim.cfg.n_masters, (unsigned)sim.masters[0].port, sim.n_agents,
		 (unsigned)http_server_port(sim.control));
	rc = ev_run(sim.loop);
	status = rc == 0 ? 0 : 1;
	err[0] = '\0';
out:
	if (err[0])
		fprintf(stderr, "mesos-sim: %s\n", err);
	if (sim.loop) {
		ev_timer_stop(sim.loop, &sim.alloc_timer);
		sim_list_each(it, nx, &sim.frameworks)
			sim_fw_disconnect(sim_container_of(it, struct sim_framework, link), true);
		sim_zk_free(&sim);
		sim_agents_finish(&sim);
		sim_list_each(it, nx, &sim.frameworks)
			sim_framework_free(sim_container_of(it, struct sim_framework, link));
		sim_list_each(it, nx, &sim.removed)
			sim_framework_free(sim_container_of(it, struct sim_framework, link));
		sim_agents_free(&sim);
		http_server_free(sim.control);
		if (sim.masters)
			sim_masters_free(&sim);
	}
	free(sim.masters);
	for (size_t i = 0; i < ms.n_creds; i++) {
		free(ms.cred_principal[i]);
		free(ms.cred_secret[i]);
	}
	free(ms.cred_principal);
	free(ms.cred_secret);
	for (size_t i = 0; i < ms.n_unreachable; i++)
		free(ms.unreachable[i]);
	free(ms.unreachable);
	ev_loop_free(sim.loop);
	flags_free(tables);
	log_shutdown();
	return status;
}
