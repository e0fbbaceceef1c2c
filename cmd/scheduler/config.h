/*
 * The scheduler's configuration: every flag of the original
 * etcd-mesos-scheduler (same names, same defaults, same environment
 * fallbacks as its container image) plus ours. Strings are owned by the
 * flag table (flags_free).
 */
#ifndef EM_CMD_SCHEDULER_CONFIG_H
#define EM_CMD_SCHEDULER_CONFIG_H

#include "base/flags.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sched_config {
	/* the original's flags */
	char *address;
	int64_t admin_port;
	int64_t artifact_port;
	bool auto_reseed;
	int64_t cluster_size;
	int64_t driver_port;
	char *etcd_bin;
	char *etcdctl_bin;
	char *executor_bin;
	double failover_timeout_seconds;
	char *framework_name;
	char *framework_weburi;
	char *master;
	char *auth_principal;
	char *auth_secret_file;
	char *auth_provider;
	double offer_refuse_seconds;
	int64_t reseed_timeout;
	double sandbox_cpu;
	double sandbox_disk;
	double sandbox_mem;
	bool single_instance_per_slave;
	char *zk_persist;
	/* ours */
	char *role;
	int64_t reconcile_interval_ms;
	int64_t health_interval_ms;
	int64_t member_timeout_ms;
	char *admin_token;
	char *admin_token_file;
	char *executor_uri;
	char *etcd_uri;
	char *etcdctl_uri;
	char *master_ca_file;
	bool adopt_original;
	int64_t zk_session_timeout_ms;
	int64_t reseed_force_timeout_ms;
};

extern struct sched_config sched_config;
extern struct flag sched_flags[];

/* Checks values that need no file or network (ranges, forms, conflicts).
 * Returns 0, or -1 with one line for the operator in err. */
int sched_config_validate(const struct sched_config *c, char *err, size_t errlen);

/* Checks what a real start needs: the files named by -executor-bin,
 * -etcd-bin, -etcdctl-bin, -admin-token-file and the secret file exist
 * and are readable. Returns 0, or -1 with one line in err. */
int sched_config_check_files(const struct sched_config *c, char *err, size_t errlen);

#endif
