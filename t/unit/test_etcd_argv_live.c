/* etcd_argv against the real etcd 3.4 and etcdctl from Debian: the words
 * we build must be words etcd accepts, the environment must keep etcd
 * alive where the agent's ETCD_* variables would kill it, the etcdctl
 * snapshot lines must produce a snapshot, and --force-new-cluster must
 * restart a member on its own data. Loopback only; every wait polls with
 * a deadline. Skips when etcd is not installed. */
#include "cluster/etcd_argv.h"
#include "cluster/member_config.h"
#include "tap.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ETCD "/usr/bin/etcd"
#define ETCDCTL "/usr/bin/etcdctl"

static char dir[64];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Starts argv with env; stdout and stderr go to logpath (appended). */
static pid_t spawn(char **argv, char **env, const char *logpath)
{
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, env) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Waits up to timeout_s for pid; returns its wait status, or -1 if it is
 * still running then. */
static int wait_for(pid_t pid, double timeout_s)
{
	double end = now() + timeout_s;
	int st;
	do {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0)
			return -2;
		pause_ms(50);
	} while (now() < end);
	return -1;
}

static void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (wait_for(pid, 10) == -1) {
		kill(pid, SIGKILL);
		wait_for(pid, 5);
	}
}

static int run(char **argv, char **env, const char *logpath, double timeout_s)
{
	pid_t pid = spawn(argv, env, logpath);
	if (pid < 0)
		return -1;
	int st = wait_for(pid, timeout_s);
	if (st == -1) {
		kill(pid, SIGKILL);
		wait_for(pid, 5);
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void show_tail(const char *path)
{
	char buf[2048];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	off_t size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		note("  | %s", line);
}

/* Takes a snapshot with our etcdctl line until it works or the deadline
 * passes: the readiness probe and the snapshot test in one. */
static bool snapshot_until(const struct member_config *mc, char **env, const char *path,
			   double timeout_s)
{
	char **argv = NULL, err[256], log[128];
	double end = now() + timeout_s;
	bool done = false;

	snprintf(log, sizeof(log), "%s/etcdctl.log", dir);
	if (etcdctl_snapshot_save_argv_new(mc, ETCDCTL, path, 5, &argv, err, sizeof(err)) < 0) {
		note("etcdctl argv: %s", err);
		return false;
	}
	while (!done && now() < end) {
		done = run(argv, env, log, 10) == 0;
		if (!done)
			pause_ms(200);
	}
	etcd_strv_free(argv);
	return done;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	struct member_config mc;
	char **argv = NULL, **env = NULL, **ctl_env = NULL, err[512];
	char data[128], log[128], snap1[128], snap2[128], peer[64];
	pid_t pid;
	int st;

	if (access(ETCD, X_OK) != 0 || access(ETCDCTL, X_OK) != 0) {
		printf("1..0 # SKIP %s or %s not installed (Debian etcd-server, etcd-client)\n",
		       ETCD, ETCDCTL);
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/em-argv-live-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(log, sizeof(log), "%s/etcd.log", dir);
	snprintf(snap1, sizeof(snap1), "%s/s1.db", dir);
	snprintf(snap2, sizeof(snap2), "%s/s2.db", dir);

	member_config_init(&mc);
	strcpy(mc.name, "etcd-1");
	strcpy(mc.cluster_token, "em-live-test");
	strcpy(mc.host, "127.0.0.1");
	strcpy(mc.listen_address, "127.0.0.1");   /* loopback only in tests */
	mc.peer_port = free_port();
	mc.client_port = free_port();
	strcpy(mc.data_dir, data);
	mc.data_dir_on_volume = true;
	mc.etcd.heartbeat_interval_ms = 50;
	mc.etcd.election_timeout_ms = 500;
	mc.etcd.quota_backend_bytes = 1 << 28;
	mc.etcd.auto_compaction_mode = MEMBER_COMPACTION_PERIODIC;
	strcpy(mc.etcd.auto_compaction_retention, "1h");
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%u", mc.peer_port);
	member_config_add_peer(&mc, "etcd-1", peer);
	note("ports peer %u client %u in %s", mc.peer_port, mc.client_port, dir);

	/* An agent's environment carrying values etcd and etcdctl would read. */
	char *polluted[] = {
		"PATH=/usr/bin:/bin", "HOME=/tmp", "ETCD_NAME=intruder",
		"ETCD_INITIAL_CLUSTER_STATE=existing", "ETCD_DATA_DIR=/nonexistent",
		"ETCDCTL_API=2", "ETCDCTL_ENDPOINTS=http://127.0.0.1:1", NULL,
	};

	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = ETCD }, &argv, err, sizeof(err)),
	       0, "argv builds");
	is_int(etcd_env_new(polluted, &env), 0, "environment builds");
	ctl_env = env;

	/* Control: the quirk is real. With the agent's ETCD_* variables
	 * next to our flags, etcd refuses to start. */
	pid = spawn(argv, polluted, log);
	st = wait_for(pid, 15);
	if (st == -1)
		stop(pid);
	ok(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) != 0,
	   "control: etcd with the agent's ETCD_* variables exits at once");
	ok(file_has(log, "conflicting environment variable"),
	   "  complaining about a conflicting environment variable");

	/* Ours: it starts and serves. */
	unlink(log);
	double t0 = now();
	pid = spawn(argv, env, log);
	ok(pid > 0, "etcd starts with our argv and environment");
	bool served = snapshot_until(&mc, ctl_env, snap1, 20);
	ok(served, "it serves: our etcdctl snapshot line saved a snapshot (%.2f s after start)",
	   now() - t0);
	if (!served)
		show_tail(log);
	ok(waitpid(pid, &st, WNOHANG) == 0, "etcd is still running");
	ok(!file_has(log, "intruder"), "the agent's ETCD_NAME never reached etcd");

	/* snapshot status --write-out=json answers with the revision. */
	char **sargv = NULL, slog[128];
	snprintf(slog, sizeof(slog), "%s/status.json", dir);
	is_int(etcdctl_snapshot_status_argv_new(ETCDCTL, snap1, &sargv, err, sizeof(err)), 0,
	       "snapshot status argv builds");
	is_int(run(sargv, ctl_env, slog, 10), 0, "snapshot status runs");
	{
		char buf[1024] = "";
		int fd = open(slog, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0)
			buf[n] = '\0';
		/* The JSON is the line that starts with '{' (etcdctl may log). */
		char *js = strchr(buf, '{');
		if (js && strchr(js, '\n'))
			*strchr(js, '\n') = '\0';
		cJSON *o = js ? cJSON_Parse(js) : NULL;
		cJSON *rev = o ? cJSON_GetObjectItemCaseSensitive(o, "revision") : NULL;
		cJSON *size = o ? cJSON_GetObjectItemCaseSensitive(o, "totalSize") : NULL;
		ok(cJSON_IsNumber(rev) && cJSON_IsNumber(size) && size->valuedouble > 0,
		   "  and answers JSON with revision and totalSize: %s", js ? js : "(none)");
		cJSON_Delete(o);
	}
	etcd_strv_free(sargv);

	/* A key written now must survive the forced restart. */
	char endpoint[80], outlog[128];
	snprintf(endpoint, sizeof(endpoint), "--endpoints=http://127.0.0.1:%u", mc.client_port);
	snprintf(outlog, sizeof(outlog), "%s/get.out", dir);
	char *put[] = { ETCDCTL, endpoint, "put", "em-live-key", "kept-across-force", NULL };
	is_int(run(put, ctl_env, log, 10), 0, "a key is written before the forced restart");

	/* Restart with --force-new-cluster on the same data. */
	stop(pid);
	etcd_strv_free(argv);
	argv = NULL;
	is_int(etcd_argv_new(&mc, &(struct etcd_argv_opts){ .etcd_bin = ETCD, .force_new_cluster = true },
			     &argv, err, sizeof(err)), 0, "force argv builds");
	unlink(log);
	pid = spawn(argv, env, log);
	served = snapshot_until(&mc, ctl_env, snap2, 20);
	ok(served, "etcd restarted with --force-new-cluster serves on its old data");
	if (!served)
		show_tail(log);
	ok(file_has(log, "force-new-cluster") || file_has(log, "force_new_cluster") ||
	   file_has(log, "forcing restart"), "  and its log shows the forced restart");
	char *get[] = { ETCDCTL, endpoint, "get", "em-live-key", "--print-value-only", NULL };
	is_int(run(get, ctl_env, outlog, 10), 0, "the key can be read after it");
	ok(file_has(outlog, "kept-across-force"), "  with its value: the data was kept");
	stop(pid);

	etcd_strv_free(argv);
	etcd_strv_free(env);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return done_testing();
}
