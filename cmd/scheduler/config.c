#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct sched_config sched_config;

#define C(field) (&sched_config.field)

struct flag sched_flags[] = {
	{ "address", FLAG_STRING, NULL,
	  "address advertised to Mesos and executors (listeners bind all addresses); default: this host's name",
	  NULL, C(address), 0, 0 },
	{ "admin-port", FLAG_INT, "23400", "port of the admin HTTP API (/stats, /membership, /reseed, ...)",
	  NULL, C(admin_port), 0, 0 },
	{ "artifact-port", FLAG_INT, "12300", "port of the artifact server agents fetch the executor, etcd and etcdctl from",
	  NULL, C(artifact_port), 0, 0 },
	{ "auto-reseed", FLAG_BOOL, "true",
	  "reseed the cluster from the most up-to-date survivor after -reseed-timeout seconds without quorum",
	  "AUTO_RESEED", C(auto_reseed), 0, 0 },
	{ "cluster-size", FLAG_INT, "5", "number of etcd members: 3, 5 or 7",
	  "CLUSTER_SIZE", C(cluster_size), 0, 0 },
	{ "driver-port", FLAG_INT, "0",
	  "accepted for compatibility; the Mesos HTTP API needs no driver port",
	  NULL, C(driver_port), 0, 0 },
	{ "etcd-bin", FLAG_STRING, "./bin/etcd", "etcd binary served to agents",
	  NULL, C(etcd_bin), 0, 0 },
	{ "etcdctl-bin", FLAG_STRING, "./bin/etcdctl", "etcdctl binary served to agents",
	  NULL, C(etcdctl_bin), 0, 0 },
	{ "executor-bin", FLAG_STRING, NULL,
	  "executor binary served to agents; default: this binary (it runs as 'etcd-mesos executor')",
	  NULL, C(executor_bin), 0, 0 },
	{ "failover-timeout-seconds", FLAG_FLOAT, "604800",
	  "how long Mesos keeps the tasks running while no scheduler is connected",
	  "FRAMEWORK_FAILOVER_TIMEOUT_SECONDS", C(failover_timeout_seconds), 0, 0 },
	{ "framework-name", FLAG_STRING, "etcd", "unique name of this etcd cluster (Mesos framework name)",
	  "FRAMEWORK_NAME", C(framework_name), 0, 0 },
	{ "framework-weburi", FLAG_STRING, NULL, "web UI URL shown by Mesos; default: the admin URL",
	  "WEBURI", C(framework_weburi), 0, 0 },
	{ "master", FLAG_STRING, "127.0.0.1:5050",
	  "Mesos master: host:port, a comma list, http(s)://host:port, or zk://hosts/path",
	  "MESOS_MASTER", C(master), 0, 0 },
	{ "mesos-authentication-principal", FLAG_STRING, NULL, "principal for Mesos HTTP Basic authentication",
	  NULL, C(auth_principal), 0, 0 },
	{ "mesos-authentication-secret-file", FLAG_STRING, NULL, "file holding the principal's secret",
	  NULL, C(auth_secret_file), 0, 0 },
	{ "mesos-authentication-provider", FLAG_STRING, "SASL",
	  "accepted for compatibility; the HTTP API always uses Basic authentication",
	  NULL, C(auth_provider), 0, 0 },
	{ "mesos-offer-refuse-seconds", FLAG_FLOAT, "15", "how long an agent's declined offer is filtered",
	  NULL, C(offer_refuse_seconds), 0, 0 },
	{ "reseed-timeout", FLAG_INT, "240", "seconds without quorum before an automatic reseed",
	  "RESEED_TIMEOUT", C(reseed_timeout), 0, 0 },
	{ "sandbox-cpu-limit", FLAG_FLOAT, "4", "cpus for each etcd task",
	  "CPU_LIMIT", C(sandbox_cpu), 0, 0 },
	{ "sandbox-disk-limit", FLAG_FLOAT, "4096", "disk (MB) for each etcd task",
	  "DISK_LIMIT", C(sandbox_disk), 0, 0 },
	{ "sandbox-mem-limit", FLAG_FLOAT, "2048", "memory (MB) for each etcd task",
	  "MEM_LIMIT", C(sandbox_mem), 0, 0 },
	{ "single-instance-per-slave", FLAG_BOOL, "true", "at most one etcd member per agent",
	  "SINGLE_INSTANCE_PER_SLAVE", C(single_instance_per_slave), 0, 0 },
	{ "zk-framework-persist", FLAG_STRING, NULL,
	  "required: ZooKeeper URI for the framework id and task state, zk://host1:port1,host2:port2/path",
	  "ZK_PERSIST", C(zk_persist), 0, 0 },
	{ "role", FLAG_STRING, "*", "Mesos role to take resources from", NULL, C(role), 0, 0 },
	{ "reconcile-interval", FLAG_DURATION, "5m", "period of implicit task reconciliation",
	  NULL, C(reconcile_interval_ms), 0, 0 },
	{ "health-interval", FLAG_DURATION, "2s", "period of the etcd health sample",
	  NULL, C(health_interval_ms), 0, 0 },
	{ "member-timeout", FLAG_DURATION, "10s",
	  "a member unreachable this long while a quorum of others is reachable is replaced; 0 = wait for Mesos",
	  NULL, C(member_timeout_ms), 0, 0 },
	{ "admin-token", FLAG_STRING, NULL, "bearer token required by mutating admin endpoints",
	  "ETCD_MESOS_ADMIN_TOKEN", C(admin_token), FLAG_SECRET, 0 },
	{ "admin-token-file", FLAG_STRING, NULL, "file holding the admin bearer token",
	  NULL, C(admin_token_file), 0, 0 },
	{ "executor-uri", FLAG_STRING, NULL, "fetch the executor from this URI instead of the artifact server",
	  NULL, C(executor_uri), 0, 0 },
	{ "etcd-uri", FLAG_STRING, NULL, "fetch etcd from this URI instead of the artifact server",
	  NULL, C(etcd_uri), 0, 0 },
	{ "etcdctl-uri", FLAG_STRING, NULL, "fetch etcdctl from this URI instead of the artifact server",
	  NULL, C(etcdctl_uri), 0, 0 },
	{ "master-ca-file", FLAG_STRING, NULL, "CA bundle for an https:// Mesos master",
	  NULL, C(master_ca_file), 0, 0 },
	{ "adopt-original", FLAG_BOOL, "false",
	  "replace members launched by the original etcd-mesos, one at a time",
	  NULL, C(adopt_original), 0, 0 },
	{ "zk-session-timeout", FLAG_DURATION, "10s", "ZooKeeper session timeout",
	  NULL, C(zk_session_timeout_ms), 0, 0 },
	{ "reseed-force-timeout", FLAG_DURATION, "60s",
	  "how long a reseed waits for the forced member to serve before fencing it again and trying the next",
	  NULL, C(reseed_force_timeout_ms), 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static int port_ok(int64_t p)
{
	return p > 0 && p < 65536;
}

int sched_config_validate(const struct sched_config *c, char *err, size_t errlen)
{
	if (c->cluster_size != 3 && c->cluster_size != 5 && c->cluster_size != 7) {
		snprintf(err, errlen, "-cluster-size=%lld: must be 3, 5 or 7",
			 (long long)c->cluster_size);
		return -1;
	}
	if (!port_ok(c->admin_port)) {
		snprintf(err, errlen, "-admin-port=%lld: must be a port from 1 to 65535",
			 (long long)c->admin_port);
		return -1;
	}
	if (!port_ok(c->artifact_port)) {
		snprintf(err, errlen, "-artifact-port=%lld: must be a port from 1 to 65535",
			 (long long)c->artifact_port);
		return -1;
	}
	if (c->reseed_timeout <= 0) {
		snprintf(err, errlen, "-reseed-timeout=%lld: must be a positive number of seconds",
			 (long long)c->reseed_timeout);
		return -1;
	}
	if (c->reseed_force_timeout_ms <= 0) {
		snprintf(err, errlen, "-reseed-force-timeout=%lldms: must be a positive duration "
			 "such as 60s", (long long)c->reseed_force_timeout_ms);
		return -1;
	}
	if (c->failover_timeout_seconds < 0) {
		snprintf(err, errlen, "-failover-timeout-seconds=%g: must not be negative",
			 c->failover_timeout_seconds);
		return -1;
	}
	if (c->sandbox_cpu <= 0 || c->sandbox_mem <= 0 || c->sandbox_disk <= 0) {
		snprintf(err, errlen, "-sandbox-cpu-limit, -sandbox-mem-limit and "
			 "-sandbox-disk-limit must be positive (got %g, %g, %g)",
			 c->sandbox_cpu, c->sandbox_mem, c->sandbox_disk);
		return -1;
	}
	if (!c->zk_persist || !*c->zk_persist) {
		snprintf(err, errlen, "-zk-framework-persist is required, e.g. "
			 "-zk-framework-persist=zk://zk1:2181,zk2:2181/etcd-mesos");
		return -1;
	}
	if (strncmp(c->zk_persist, "zk://", 5) != 0) {
		snprintf(err, errlen, "-zk-framework-persist=\"%s\": expected "
			 "zk://host1:port1,host2:port2/path", c->zk_persist);
		return -1;
	}
	if (!c->framework_name || !*c->framework_name) {
		snprintf(err, errlen, "-framework-name must not be empty");
		return -1;
	}
	if (c->admin_token && *c->admin_token && c->admin_token_file && *c->admin_token_file) {
		snprintf(err, errlen, "-admin-token and -admin-token-file both given: use one");
		return -1;
	}
	if (c->auth_principal && *c->auth_principal &&
	    (!c->auth_secret_file || !*c->auth_secret_file)) {
		snprintf(err, errlen, "-mesos-authentication-principal=\"%s\" needs "
			 "-mesos-authentication-secret-file", c->auth_principal);
		return -1;
	}
	return 0;
}

static int readable(const char *flag, const char *path, char *err, size_t errlen)
{
	if (!path || !*path)
		return 0;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "-%s=\"%s\": %s", flag, path, strerror(errno));
		return -1;
	}
	return 0;
}

int sched_config_check_files(const struct sched_config *c, char *err, size_t errlen)
{
	if (!c->executor_uri && readable("executor-bin", c->executor_bin, err, errlen) < 0)
		return -1;
	if (!c->etcd_uri && readable("etcd-bin", c->etcd_bin, err, errlen) < 0)
		return -1;
	if (!c->etcdctl_uri && readable("etcdctl-bin", c->etcdctl_bin, err, errlen) < 0)
		return -1;
	if (readable("admin-token-file", c->admin_token_file, err, errlen) < 0)
		return -1;
	if (readable("mesos-authentication-secret-file", c->auth_secret_file, err, errlen) < 0)
		return -1;
	return 0;
}
