/*
 * etcd_argv — the command line and the environment for starting etcd
 * (and etcdctl for snapshots) from a member_config.
 *
 * etcd gets every setting as a "--flag=value" word, one per argv entry:
 * no shell is involved, and every value was checked by
 * member_config_validate (which these builders call first).
 *
 *   <etcd_bin> --name=<name> --data-dir=<dir>
 *     --listen-peer-urls=<scheme>://<listen ip>:<peer port>
 *     --listen-client-urls=<scheme>://<listen ip>:<client port>
 *     --initial-advertise-peer-urls=<scheme>://<host>:<peer port>
 *     --advertise-client-urls=<scheme>://<host>:<client port>
 *     --initial-cluster=<name>=<url>,... --initial-cluster-state=new|existing
 *     --initial-cluster-token=<token> --logger=zap --log-outputs=stderr
 *     [extra etcd flags] [TLS flags] [--force-new-cluster]
 *
 * Listening is on all addresses (0.0.0.0, or [::] for an IPv6 host) unless
 * the configuration names a listen_address; etcd accepts only IPs there.
 * The advertised URLs carry the host (SAFETY.md §7).
 *
 * --force-new-cluster appears only when opts->force_new_cluster is set:
 * the reseed "force" operation, once per reseed id; every other start,
 * including restarts after a forced one, goes without it.
 *
 * opts->snapshot_at_once puts --snapshot-count=1 in place of the
 * configured count. The force uses it: the forced member must take a raft
 * snapshot before anyone joins it. Its database may hold writes that its
 * WAL's commit index does not cover (etcd applies before it saves the
 * hard state: etcd-io/etcd#10508), the forced start drops those WAL
 * entries, and a member added later that replays the log from index 1
 * would never see those writes; one that is sent a snapshot gets the
 * database itself. The executor restarts etcd without it once the
 * snapshot is on disk.
 *
 * The environment is built from scratch (PROTOCOLS.md §H.4: etcd exits
 * when a flag is also set as ETCD_*): only PATH, HOME, TZ, LANG, LC_*,
 * TMPDIR, USER and LOGNAME are copied from the parent; PATH gets a default
 * when the parent has none. No ETCD_* or ETCDCTL_* variable ever passes.
 *
 * Ownership: each builder returns one allocation holding the NULL-
 * terminated pointer array and its strings; etcd_strv_free (or plain
 * free) releases it. Pure functions: no I/O, safe anywhere.
 * Errors: -EINVAL (err says why), -ENOMEM.
 */
#ifndef EM_CLUSTER_ETCD_ARGV_H
#define EM_CLUSTER_ETCD_ARGV_H

#include <stdbool.h>
#include <stddef.h>

struct member_config;

struct etcd_argv_opts {
	const char *etcd_bin;     /* argv[0]; required (e.g. "./etcd") */
	const char *data_dir;     /* NULL = mc->data_dir; the executor may pass
				   * the resolved volume path. A relative path
				   * is relative to etcd's working directory,
				   * which must be the sandbox */
	bool force_new_cluster;   /* the reseed force op, and nothing else */
	bool snapshot_at_once;    /* --snapshot-count=1 (see above) */
};

int etcd_argv_new(const struct member_config *mc,
		  const struct etcd_argv_opts *opts, char ***out,
		  char *err, size_t errlen);

/* etcdctl --endpoints=<client URL> [--cacert= --cert= --key=]
 *   --dial-timeout=5s --command-timeout=<timeout_s>s snapshot save <path>
 * (the client certificate is the member's own cert/key pair). */
int etcdctl_snapshot_save_argv_new(const struct member_config *mc,
				   const char *etcdctl_bin, const char *path,
				   unsigned timeout_s, char ***out,
				   char *err, size_t errlen);

/* etcdctl snapshot status <path> --write-out=json */
int etcdctl_snapshot_status_argv_new(const char *etcdctl_bin,
				     const char *path, char ***out,
				     char *err, size_t errlen);

/* parent: a NULL-terminated "NAME=value" array (the executor passes
 * environ); NULL is taken as empty. */
int etcd_env_new(char *const *parent, char ***out);

/* The default PATH given to etcd when the parent has none. */
#define ETCD_ENV_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void etcd_strv_free(char **v);

#endif
