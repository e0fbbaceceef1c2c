/* etcd_argv: etcd's command line from a member_config, the etcdctl
 * snapshot command lines, and the environment built from scratch. */
#include "cluster/etcd_argv.h"
#include "cluster/member_config.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void base(struct member_config *mc)
{
	member_config_init(mc);
	strcpy(mc->name, "etcd-2");
	strcpy(mc->cluster_token, "etcd-mesos-fw1");
	strcpy(mc->host, "10.0.0.5");
	mc->peer_port = 31000;
	mc->client_port = 31001;
	member_config_add_peer(mc, "etcd-1", "http://10.0.0.4:31000");
	member_config_add_peer(mc, "etcd-2", "http://10.0.0.5:31000");
}

static size_t count(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static int find(char **v, const char *word)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], word) == 0)
			return (int)i;
	return -1;
}

static int find_prefix(char **v, const char *prefix)
{
	int n = 0;
	for (size_t i = 0; v && v[i]; i++)
		n += strncmp(v[i], prefix, strlen(prefix)) == 0;
	return n;
}

static bool same(char **v, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		if (!v[i] || strcmp(v[i], want[i]) != 0) {
			note("  word %zu: got \"%s\", want \"%s\"", i, v[i] ? v[i] : "(end)", want[i]);
			return false;
		}
	}
	if (v[i]) {
		note("  extra word %zu: \"%s\"", i, v[i]);
		return false;
	}
	return true;
}

/* No word may hold anything a shell would act on. '[' and ']' appear in
 * IPv6 URLs and are checked separately where they may not. */
static bool shell_clean(char **v)
{
	for (size_t i = 0; v[i]; i++)
		if (strpbrk(v[i], " \t\n'\"$`;|&<>()*?{}~#!\\"))
			return false;
	return true;
}

static void plain(void)
{
	struct member_config mc;
	char **argv = NULL, err[512];
	static const char *const want[] = {
		"./etcd",
		"--name=etcd-2",
		"--data-dir=etcd_data",
		"--listen-peer-urls=http://0.0.0.0:31000",
		"--listen-client-urls=http://0.0.0.0:31001",
		"--initial-advertise-peer-urls=http://10.0.0.5:31000",
		"--advertise-client-urls=http://10.0.0.5:31001",
		"--initial-cluster=etcd-1=http://10.0.0.4:31000,etcd-2=http://10.0.0.5:31000",
		"--initial-cluster-state=new",
		"--initial-cluster-token=etcd-mesos-fw1",
		"--logger=zap",
		"--log-outputs=stderr",
		NULL,
	};

	base(&mc);
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd" },
			     &argv, err, sizeof(err)), 0, "plain argv builds");
	ok(argv && same(argv, want), "plain argv is exactly the expected words");
	ok(argv && find(argv, "--force-new-cluster") < 0, "no --force-new-cluster unless asked");
	ok(argv && shell_clean(argv), "no shell metacharacter in any word");
	etcd_strv_free(argv);

	mc.initial_state = MEMBER_INITIAL_EXISTING;
	mc.learner = true;
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "/usr/bin/etcd",
			     .data_dir = "/srv/vol/etcd" }, &argv, err, sizeof(err)), 0,
	       "joining learner with a volume path builds");
	ok(find(argv, "--initial-cluster-state=existing") > 0, "state existing");
	ok(find(argv, "--data-dir=/srv/vol/etcd") > 0, "the data dir override wins");
	is_str(argv[0], "/usr/bin/etcd", "argv[0] is the etcd binary");
	etcd_strv_free(argv);

	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd",
			     .force_new_cluster = true }, &argv, err, sizeof(err)), 0,
	       "force argv builds");
	is_int(find_prefix(argv, "--force-new-cluster"), 1, "exactly one --force-new-cluster when asked");
	is_int(find(argv, "--force-new-cluster"), (int)count(argv) - 1, "and it is the last word");
	is_int(find_prefix(argv, "--snapshot-count="), 0, "no --snapshot-count unless asked");
	etcd_strv_free(argv);

	mc.etcd.snapshot_count = 50000;
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd",
			     .snapshot_at_once = true }, &argv, err, sizeof(err)), 0,
	       "snapshot-at-once argv with a configured snapshot count builds");
	is_int(find_prefix(argv, "--snapshot-count="), 1, "the configured count gives way");
	ok(find(argv, "--snapshot-count=1") > 0, "to --snapshot-count=1");
	etcd_strv_free(argv);
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd" }, &argv, err,
			     sizeof(err)), 0, "unforced argv builds");
	ok(find(argv, "--snapshot-count=50000") > 0, "and keeps the configured count");
	etcd_strv_free(argv);
	mc.etcd.snapshot_count = 0;
}

static void listen_rules(void)
{
	struct member_config mc;
	char **argv = NULL, err[512];
	struct etcd_argv_opts o = { .etcd_bin = "./etcd" };

	base(&mc);
	strcpy(mc.listen_address, "127.0.0.7");
	etcd_argv_new(&mc, &o, &argv, err, sizeof(err));
	ok(find(argv, "--listen-peer-urls=http://127.0.0.7:31000") > 0 &&
	   find(argv, "--listen-client-urls=http://127.0.0.7:31001") > 0,
	   "listen_address is used for both listeners");
	ok(find(argv, "--initial-advertise-peer-urls=http://10.0.0.5:31000") > 0,
	   "while the host is still advertised");
	etcd_strv_free(argv);

	base(&mc);
	strcpy(mc.host, "fd00::5");
	memset(mc.initial_cluster, 0, sizeof(mc.initial_cluster));
	mc.n_initial_cluster = 0;
	member_config_add_peer(&mc, "etcd-2", "http://[fd00::5]:31000");
	is_int(etcd_argv_new(&mc, &o, &argv, err, sizeof(err)), 0, "IPv6 host builds");
	ok(find(argv, "--listen-peer-urls=http://[::]:31000") > 0, "IPv6: listen on [::]");
	ok(find(argv, "--advertise-client-urls=http://[fd00::5]:31001") > 0,
	   "IPv6: advertise the bracketed host");
	etcd_strv_free(argv);

	base(&mc);
	strcpy(mc.host, "node-5.example.com");
	memset(mc.initial_cluster, 0, sizeof(mc.initial_cluster));
	mc.n_initial_cluster = 0;
	member_config_add_peer(&mc, "etcd-2", "http://node-5.example.com:31000");
	is_int(etcd_argv_new(&mc, &o, &argv, err, sizeof(err)), 0, "DNS host builds");
	ok(find(argv, "--listen-client-urls=http://0.0.0.0:31001") > 0,
	   "a DNS host still listens on an IP (etcd wants IPs)");
	ok(find(argv, "--advertise-client-urls=http://node-5.example.com:31001") > 0,
	   "and advertises the name");
	etcd_strv_free(argv);
}

static void extras_and_tls(void)
{
	struct member_config mc;
	char **argv = NULL, err[512];
	struct etcd_argv_opts o = { .etcd_bin = "./etcd" };

	base(&mc);
	mc.etcd.heartbeat_interval_ms = 200;
	mc.etcd.election_timeout_ms = 2000;
	mc.etcd.quota_backend_bytes = 4294967296ULL;
	mc.etcd.snapshot_count = 10000;
	mc.etcd.max_request_bytes = 2097152;
	mc.etcd.auto_compaction_mode = MEMBER_COMPACTION_PERIODIC;
	strcpy(mc.etcd.auto_compaction_retention, "1h");
	strcpy(mc.tls.cert_file, "/tls/server.pem");
	strcpy(mc.tls.key_file, "/tls/server-key.pem");
	strcpy(mc.tls.trusted_ca_file, "/tls/ca.pem");
	mc.tls.client_cert_auth = true;
	is_int(etcd_argv_new(&mc, &o, &argv, err, sizeof(err)), 0, "extras and client TLS build");
	static const char *const words[] = {
		"--heartbeat-interval=200", "--election-timeout=2000",
		"--quota-backend-bytes=4294967296", "--snapshot-count=10000",
		"--max-request-bytes=2097152", "--auto-compaction-mode=periodic",
		"--auto-compaction-retention=1h", "--cert-file=/tls/server.pem",
		"--key-file=/tls/server-key.pem", "--trusted-ca-file=/tls/ca.pem",
		"--client-cert-auth=true",
		"--listen-client-urls=https://0.0.0.0:31001",
		"--advertise-client-urls=https://10.0.0.5:31001",
		"--listen-peer-urls=http://0.0.0.0:31000",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ok(find(argv, words[i]) > 0, "has %s", words[i]);
	is_int(find_prefix(argv, "--peer-"), 0, "no peer TLS flags without peer TLS");
	etcd_strv_free(argv);

	base(&mc);
	strcpy(mc.tls.peer_cert_file, "peer.pem");
	strcpy(mc.tls.peer_key_file, "peer-key.pem");
	memset(mc.initial_cluster, 0, sizeof(mc.initial_cluster));
	mc.n_initial_cluster = 0;
	member_config_add_peer(&mc, "etcd-2", "https://10.0.0.5:31000");
	is_int(etcd_argv_new(&mc, &o, &argv, err, sizeof(err)), 0, "peer TLS builds");
	ok(find(argv, "--listen-peer-urls=https://0.0.0.0:31000") > 0 &&
	   find(argv, "--initial-advertise-peer-urls=https://10.0.0.5:31000") > 0,
	   "peer URLs are https");
	ok(find(argv, "--listen-client-urls=http://0.0.0.0:31001") > 0, "client URLs stay http");
	ok(find(argv, "--peer-cert-file=peer.pem") > 0 && find(argv, "--peer-key-file=peer-key.pem") > 0,
	   "peer cert and key passed");
	is_int(find_prefix(argv, "--peer-client-cert-auth"), 0, "no peer client auth unless asked");
	is_int(find_prefix(argv, "--heartbeat-interval"), 0, "no extra flag left at its default");
	etcd_strv_free(argv);
}

static void refusals(void)
{
	struct member_config mc;
	char **argv = (char **)1, err[512];

	base(&mc);
	mc.client_port = 0;
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd" },
			     &argv, err, sizeof(err)), -EINVAL, "an invalid config builds nothing");
	ok(argv == NULL, "  and *out is NULL");
	is_str(err, "task data: field \"client_port\": 0: must be a port number 1..65535", "  says why");

	static const char *const bins[] = { NULL, "", "etcd;reboot", "./etcd --x", "/opt/$HOME/etcd", "../etcd" };
	base(&mc);
	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		int rc = etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = bins[i] },
				       &argv, err, sizeof(err));
		ok(rc == -EINVAL && argv == NULL && strstr(err, "etcd binary"),
		   "etcd binary \"%s\" refused: %s", bins[i] ? bins[i] : "(null)", err);
	}
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = "./etcd",
			     .data_dir = "data dir" }, &argv, err, sizeof(err)), -EINVAL,
	       "a data dir override with a space is refused");
	is_str(err, "etcd data dir \"data dir\": must be a path of [A-Za-z0-9._/+@:-] with no \"..\"",
	       "  says why");
}

static void etcdctl(void)
{
	struct member_config mc;
	char **argv = NULL, err[512];

	base(&mc);
	is_int(etcdctl_snapshot_save_argv_new(&mc, "./etcdctl", "snapshots/s1.db", 60, &argv,
					      err, sizeof(err)), 0, "snapshot save builds");
	static const char *const want[] = {
		"./etcdctl", "--endpoints=http://10.0.0.5:31001", "--dial-timeout=5s",
		"--command-timeout=60s", "snapshot", "save", "snapshots/s1.db", NULL,
	};
	ok(argv && same(argv, want), "snapshot save words");
	etcd_strv_free(argv);

	strcpy(mc.tls.cert_file, "/tls/c.pem");
	strcpy(mc.tls.key_file, "/tls/k.pem");
	strcpy(mc.tls.trusted_ca_file, "/tls/ca.pem");
	etcdctl_snapshot_save_argv_new(&mc, "./etcdctl", "s.db", 30, &argv, err, sizeof(err));
	ok(find(argv, "--endpoints=https://10.0.0.5:31001") > 0 && find(argv, "--cacert=/tls/ca.pem") > 0 &&
	   find(argv, "--cert=/tls/c.pem") > 0 && find(argv, "--key=/tls/k.pem") > 0,
	   "snapshot save over TLS passes the member's files");
	etcd_strv_free(argv);

	is_int(etcdctl_snapshot_save_argv_new(&mc, "./etcdctl", "s;rm.db", 30, &argv, err, sizeof(err)),
	       -EINVAL, "a snapshot path with ';' is refused");
	is_int(etcdctl_snapshot_save_argv_new(&mc, "./etcdctl", "s.db", 0, &argv, err, sizeof(err)),
	       -EINVAL, "a zero timeout is refused");

	is_int(etcdctl_snapshot_status_argv_new("/usr/bin/etcdctl", "s.db", &argv, err, sizeof(err)), 0,
	       "snapshot status builds");
	static const char *const want2[] = {
		"/usr/bin/etcdctl", "snapshot", "status", "s.db", "--write-out=json", NULL,
	};
	ok(argv && same(argv, want2), "snapshot status words");
	etcd_strv_free(argv);
	is_int(etcdctl_snapshot_status_argv_new("etcdctl", "../s.db", &argv, err, sizeof(err)),
	       -EINVAL, "a snapshot path with .. is refused");
}

static void environment(void)
{
	char **env = NULL;
	char *parent[] = {
		"ETCD_NAME=evil", "ETCD_DATA_DIR=/tmp/x", "ETCD_INITIAL_CLUSTER_STATE=existing",
		"ETCDCTL_API=2", "ETCDCTL_ENDPOINTS=http://127.0.0.1:1", "ETCD_UNSUPPORTED_ARCH=arm64",
		"PATH=/opt/bin:/usr/bin", "HOME=/home/mesos", "TZ=Europe/Berlin", "LANG=C.UTF-8",
		"LC_ALL=C", "TMPDIR=/tmp", "USER=mesos", "LOGNAME=mesos",
		"LD_PRELOAD=/evil.so", "MESOS_SANDBOX=/sb", "GODEBUG=x", "FOO=bar",
		"PATH=/second/path", "=weird", "noequals", "etcd_name=lower", "ETCD=1",
		"LC_=x", NULL,
	};

	is_int(etcd_env_new(parent, &env), 0, "environment builds");
	static const char *const want[] = {
		"PATH=/opt/bin:/usr/bin", "HOME=/home/mesos", "TZ=Europe/Berlin", "LANG=C.UTF-8",
		"LC_ALL=C", "TMPDIR=/tmp", "USER=mesos", "LOGNAME=mesos", NULL,
	};
	ok(env && same(env, want), "only the basics pass, in order, first PATH wins");
	int leaked = 0;
	for (size_t i = 0; env && env[i]; i++)
		leaked += strncmp(env[i], "ETCD", 4) == 0 || strncasecmp(env[i], "etcd", 4) == 0;
	is_int(leaked, 0, "no ETCD_* or ETCDCTL_* variable survives");
	etcd_strv_free(env);

	is_int(etcd_env_new(NULL, &env), 0, "no parent environment");
	ok(env && count(env) == 1 && strcmp(env[0], "PATH=" ETCD_ENV_DEFAULT_PATH) == 0,
	   "gives only a default PATH");
	etcd_strv_free(env);

	char *no_path[] = { "PATH=", "HOME=/h", "ETCD_NAME=x", NULL };
	is_int(etcd_env_new(no_path, &env), 0, "empty PATH");
	ok(env && count(env) == 2 && find(env, "HOME=/h") == 0 &&
	   find(env, "PATH=" ETCD_ENV_DEFAULT_PATH) == 1, "is replaced by the default");
	etcd_strv_free(env);
	etcd_strv_free(NULL);
	ok(1, "etcd_strv_free(NULL) is fine");
}

int main(void)
{
	plain();
	listen_rules();
	extras_and_tls();
	refusals();
	etcdctl();
	environment();
	return done_testing();
}
