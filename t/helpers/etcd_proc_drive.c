/*
 * etcd_proc_drive — scenarios for cmd/executor/etcd_proc against the real
 * etcd 3.4 on loopback, for t/t0700-etcd-proc.sh. Each subcommand runs one
 * scenario and prints TAP on stdout (exit 0 only if every check passed);
 * state transitions go to stderr as they happen.
 *
 *   etcd_proc_drive SCENARIO -d DIR -m NAME,IP,PEER_PORT,CLIENT_PORT [-m ...]
 *                   [-t LAUNCH_TIMEOUT_MS] [-o FILE] [-c LOG_CAP_BYTES]
 *
 * Member i's data dir is DIR/NAME.data, its log DIR/NAME.log. Scenarios:
 *   restart    start → serving; put a key; SIGKILL etcd → restarted in
 *              place, same member id, the key still there
 *   crashloop  the data dir is a regular file: restarts with backoff, then
 *              a terminal failure past the launch timeout (-t) carrying
 *              the exit status and etcd's last lines
 *   stop       stop of a SIGSTOPped etcd escalates to SIGKILL after the
 *              grace; stop of a healthy one ends on SIGTERM
 *   orphan     start → serving, write "ETCD_PID" to FILE (-o), then wait
 *              (60 s bound) for the test to SIGKILL us
 *   reseed     three members: fence, force, repeats (in
 *              etcd_proc_drive_reseed.c, with learner)
 *   snapshot   etcdctl snapshot save: file size and revision
 *   rss        serves for 4 s with fast sampling; prints VmRSS/VmHWM
 *   learner    a learner serves once status answers with isLearner
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../cmd/executor/etcd_proc.h"
#include "cluster/member_config.h"
#include "etcd/etcd_client.h"
#include "ev/ev.h"
#include "tap.h"

#include "etcd_proc_drive.h"

struct ev_loop *loop;
struct member m[MAXM];
size_t n_m;
static const char *dir, *out_file;
static uint64_t launch_timeout_ms;
struct etcd_client *cli;

/* tap.h's ok() and note() for the other file of this driver (its
 * counters are static here). */
bool drv_ok(bool cond, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return ok(cond, "%s", line);
}

void drv_note(const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	note("%s", line);
}

bool run_until(bool (*cond)(void *), void *arg, uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (!cond(arg) && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return cond(arg);
}

void run_for(uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (ev_time_ms() < end)
		ev_run_once(loop, 50);
}

static void read_cmdline(pid_t pid, char *out, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	out[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	out[n] = '\0';
}

static void on_state(struct etcd_proc *p, const struct etcd_proc_event *ev, void *arg)
{
	struct member *mm = arg;

	(void)p;
	mm->n_ev[ev->state]++;
	mm->last[ev->state] = *ev;
	snprintf(mm->last_msg[ev->state], sizeof mm->last_msg[0], "%s", ev->message);
	mm->last[ev->state].message = mm->last_msg[ev->state];
	/* By the time it serves etcd has surely exec'd (at STARTING the
	 * child may still be between fork and exec). */
	if (ev->state == ETCD_PROC_SERVING && ev->pid) {
		read_cmdline(ev->pid, mm->start_cmdline, sizeof mm->start_cmdline);
		if (strstr(mm->start_cmdline, "--force-new-cluster") &&
		    strstr(mm->start_cmdline, "--snapshot-count=1"))
			mm->served_forced = true;
	}
	fprintf(stderr, "[%s] %s -> %s pid %d member %016" PRIx64 " index %" PRIu64
		" restarts %u: %s\n", mm->name, etcd_proc_state_name(ev->from),
		etcd_proc_state_name(ev->state), (int)ev->pid, ev->member_id, ev->raft_index,
		ev->restarts, ev->message);
}

static void on_stopped(struct etcd_proc *p, int wstatus, void *arg)
{
	struct member *mm = arg;
	(void)p;
	mm->stopped = true;
	mm->stop_wstatus = wstatus;
}

void on_fenced(struct etcd_proc *p, const struct etcd_proc_fence_result *r, void *arg)
{
	struct member *mm = arg;
	(void)p;
	mm->fenced = true;
	mm->fence = *r;
	snprintf(mm->fence_msg, sizeof mm->fence_msg, "%s", r->message);
	mm->fence.message = mm->fence_msg;
	mm->fence.reseed_id = NULL;
}

void on_forced(struct etcd_proc *p, const struct etcd_proc_force_result *r, void *arg)
{
	struct member *mm = arg;
	(void)p;
	mm->forced = true;
	mm->force = *r;
	snprintf(mm->force_msg, sizeof mm->force_msg, "%s", r->message);
	mm->force.message = mm->force_msg;
	mm->force.reseed_id = NULL;
}

static struct { struct member *mm; enum etcd_proc_state s; unsigned n; } want;

static bool is_state(void *arg)
{
	(void)arg;
	return want.mm->proc && etcd_proc_state(want.mm->proc) == want.s;
}

static bool has_events(void *arg)
{
	(void)arg;
	return want.mm->n_ev[want.s] >= want.n;
}

/* Waits for member mm to be in state s. */
bool wait_state(struct member *mm, enum etcd_proc_state s, uint64_t ms)
{
	want.mm = mm;
	want.s = s;
	return run_until(is_state, NULL, ms);
}

/* Waits until mm has seen at least n events into state s. */
bool wait_events(struct member *mm, enum etcd_proc_state s, unsigned n, uint64_t ms)
{
	want.mm = mm;
	want.s = s;
	want.n = n;
	return run_until(has_events, NULL, ms);
}

bool flag_true(void *arg)
{
	return *(bool *)arg;
}

bool all_serving(void *arg)
{
	(void)arg;
	for (size_t i = 0; i < n_m; i++)
		if (etcd_proc_state(m[i].proc) != ETCD_PROC_SERVING)
			return false;
	return true;
}

bool gone(pid_t pid)
{
	return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

static uint64_t log_cap = 256 * 1024;
/* The initial cluster of the next new_proc: members [0, ic_n), plus the
 * member itself; ic_existing makes it join an existing cluster. */
size_t ic_n = MAXM;
bool ic_existing;

int new_proc(struct member *mm, uint64_t backoff_max_ms)
{
	struct member_config mc;
	struct etcd_proc_config cfg = {
		.mc = &mc, .etcd_bin = "/usr/bin/etcd", .etcdctl_bin = "/usr/bin/etcdctl",
		.data_dir = mm->data, .log_path = mm->log, .log_cap_bytes = log_cap,
		.launch_timeout_ms = launch_timeout_ms, .backoff_min_ms = 100,
		.backoff_max_ms = backoff_max_ms, .probe_interval_ms = 100,
		.sample_interval_ms = 250, .probe_timeout_ms = 1000,
		.on_state = on_state, .arg = mm,
	};
	char err[512], url[128];
	int rc;

	member_config_init(&mc);
	snprintf(mc.name, sizeof mc.name, "%s", mm->name);
	snprintf(mc.cluster_token, sizeof mc.cluster_token, "t0700-%d", (int)getpid());
	snprintf(mc.host, sizeof mc.host, "%s", mm->ip);
	snprintf(mc.listen_address, sizeof mc.listen_address, "%s", mm->ip);
	mc.peer_port = (uint16_t)mm->peer_port;
	mc.client_port = (uint16_t)mm->client_port;
	for (size_t i = 0; i < n_m; i++) {
		if (i >= ic_n && &m[i] != mm)
			continue;
		snprintf(url, sizeof url, "http://%s:%u", m[i].ip, m[i].peer_port);
		member_config_add_peer(&mc, m[i].name, url);
	}
	if (ic_existing)
		mc.initial_state = MEMBER_INITIAL_EXISTING;
	etcd_proc_free(mm->proc);
	mm->proc = NULL;
	memset(mm->n_ev, 0, sizeof mm->n_ev);
	mm->start_cmdline[0] = '\0';
	mm->served_forced = false;
	rc = etcd_proc_new(loop, &cfg, &mm->proc, err, sizeof err);
	if (rc < 0)
		note("etcd_proc_new %s: %s", mm->name, err);
	return rc;
}

/* ------------------------------------------------------------ etcd I/O */

bool got;
struct etcd_result res;
static int64_t put_revision;
size_t range_count;
static char range_value[256];
size_t n_members;

void on_call(struct etcd_call *call, const struct etcd_result *r,
		    struct etcd_answer *ans, void *arg)
{
	(void)call;
	(void)arg;
	res = *r;
	res.endpoint = NULL;
	if (r->err == 0 && ans->op == ETCD_OP_PUT)
		put_revision = ans->put.header.revision;
	if (r->err == 0 && ans->op == ETCD_OP_RANGE) {
		range_count = ans->range.n_kvs;
		range_value[0] = '\0';
		if (ans->range.n_kvs > 0)
			snprintf(range_value, sizeof range_value, "%s",
				 (const char *)ans->range.kvs[0].value);
	}
	if (r->err == 0 && ans->op == ETCD_OP_MEMBER_LIST)
		n_members = ans->members.n_members;
	got = true;
}

int put(const char *endpoint, const char *k, const char *v)
{
	struct etcd_call_opts o = { .timeout_ms = 5000, .endpoint = endpoint };
	got = false;
	if (etcd_client_put(cli, k, strlen(k), v, strlen(v), &o, on_call, NULL, NULL) < 0)
		return -1;
	run_until(flag_true, &got, 8000);
	if (got && res.err)
		note("put %s: %s", k, res.errmsg);
	return got && res.err == 0 ? 0 : -1;
}

/* Range of the prefix k (or the one key if !prefix), serializable on the
 * pinned endpoint. */
int get(const char *endpoint, const char *k, bool prefix)
{
	char end[128];
	size_t n = strlen(k);
	struct etcd_range_req rq = { .key = k, .key_len = n };
	struct etcd_call_opts o = { .timeout_ms = 5000, .endpoint = endpoint };

	if (prefix) {
		memcpy(end, k, n);
		end[n - 1]++;
		rq.range_end = end;
		rq.range_end_len = n;
	}
	got = false;
	range_count = 0;
	if (etcd_client_range(cli, &rq, &o, on_call, NULL, NULL) < 0)
		return -1;
	run_until(flag_true, &got, 8000);
	if (got && res.err)
		note("range %s: %s", k, res.errmsg);
	return got && res.err == 0 ? 0 : -1;
}

int member_list(const char *endpoint)
{
	struct etcd_call_opts o = { .timeout_ms = 5000, .endpoint = endpoint };
	got = false;
	n_members = 0;
	if (etcd_client_member_list(cli, &o, on_call, NULL, NULL) < 0)
		return -1;
	run_until(flag_true, &got, 8000);
	return got && res.err == 0 ? 0 : -1;
}

static long status_kb(const char *field)
{
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			kb = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

bool start_one(struct member *mm, uint64_t ms)
{
	if (new_proc(mm, 2000) < 0 || etcd_proc_start(mm->proc) < 0)
		return false;
	return wait_state(mm, ETCD_PROC_SERVING, ms);
}

bool stop_one(struct member *mm, uint64_t grace)
{
	mm->stopped = false;
	if (etcd_proc_stop(mm->proc, grace, on_stopped, mm) < 0)
		return false;
	return run_until(flag_true, &mm->stopped, grace + 10000);
}

/* ------------------------------------------------------------ scenarios */

/* True if process pid has a file open whose path contains needle. */
static bool has_open(pid_t pid, const char *needle)
{
	char path[64], target[600];
	bool found = false;

	for (int fd = 0; fd < 1024 && !found; fd++) {
		ssize_t n;
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(path, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strstr(target, needle) != NULL;
	}
	return found;
}

static void scenario_restart(void)
{
	struct member *a = &m[0];
	char marker[600];
	pid_t pid1, pid2;
	uint64_t id1;
	bool all;
	int leak;

	/* An fd without close-on-exec, as an agent might hand one down. */
	snprintf(marker, sizeof marker, "%s/inherited-marker", dir);
	leak = open(marker, O_WRONLY | O_CREAT, 0644);
	if (!ok(start_one(a, 30000), "etcd serves within 30 s"))
		return;
	ok(leak >= 0 && has_open(getpid(), "inherited-marker") &&
	   !has_open(etcd_proc_pid(a->proc), "inherited-marker"),
	   "etcd does not inherit our file descriptors");
	if (leak >= 0)
		close(leak);
	id1 = etcd_proc_member_id(a->proc);
	pid1 = etcd_proc_pid(a->proc);
	ok(id1 != 0 && a->last[ETCD_PROC_SERVING].member_id == id1,
	   "the serving event carries the member id %016" PRIx64, id1);
	ok(a->n_ev[ETCD_PROC_STARTING] == 1 && a->last[ETCD_PROC_STARTING].pid == pid1,
	   "one starting event, with the pid %d", (int)pid1);
	ok(put(a->client_url, "t0700/k", "before-the-kill") == 0, "a key is written");
	kill(pid1, SIGKILL);
	ok(wait_events(a, ETCD_PROC_RESTARTING, 1, 5000),
	   "SIGKILL of etcd is seen as an unexpected exit");
	{
		int ws = a->last[ETCD_PROC_RESTARTING].wstatus;
		ok(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
		   "the restarting event carries the wait status (killed by 9): %s",
		   a->last_msg[ETCD_PROC_RESTARTING]);
	}
	ok(wait_events(a, ETCD_PROC_SERVING, 2, 30000), "etcd serves again");
	pid2 = etcd_proc_pid(a->proc);
	ok(pid2 != pid1 && gone(pid1), "a new process (%d, was %d)", (int)pid2, (int)pid1);
	ok(etcd_proc_member_id(a->proc) == id1 && a->last[ETCD_PROC_SERVING].member_id == id1,
	   "the same member id after the restart");
	ok(a->last[ETCD_PROC_SERVING].restarts == 1, "restarts counted: %u",
	   a->last[ETCD_PROC_SERVING].restarts);
	all = get(a->client_url, "t0700/k", false) == 0;
	ok(all && range_count == 1 &&
	   strcmp(range_value, "before-the-kill") == 0,
	   "the key written before the kill is still there (\"%s\")", range_value);
	ok(strstr(a->start_cmdline, "--force-new-cluster") == NULL,
	   "the restart has no --force-new-cluster");
	ok(stop_one(a, 5000) && gone(pid2), "stopped");
}

static void scenario_crashloop(void)
{
	struct member *a = &m[0];
	uint64_t t0;
	int ws, fd;

	fd = open(a->data, O_WRONLY | O_CREAT | O_TRUNC, 0644);   /* not a directory */
	if (fd >= 0)
		close(fd);
	ok(fd >= 0, "the data dir %s is a regular file", a->data);
	t0 = ev_time_ms();
	if (!ok(new_proc(a, 800) == 0 && etcd_proc_start(a->proc) == 0, "etcd starts"))
		return;
	ok(wait_state(a, ETCD_PROC_FAILED, launch_timeout_ms + 15000),
	   "a terminal failure within the launch timeout + 15 s");
	ws = a->last[ETCD_PROC_FAILED].wstatus;
	ok(a->n_ev[ETCD_PROC_FAILED] == 1 && WIFEXITED(ws) && WEXITSTATUS(ws) != 0,
	   "the failure carries the exit status (%d)", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
	ok(ev_time_ms() - t0 >= launch_timeout_ms,
	   "not before the launch timeout (%" PRIu64 " ms >= %" PRIu64 ")", ev_time_ms() - t0,
	   launch_timeout_ms);
	ok(a->n_ev[ETCD_PROC_RESTARTING] >= 2 && a->last[ETCD_PROC_FAILED].restarts ==
	   a->n_ev[ETCD_PROC_RESTARTING], "restarted in place %u times first",
	   a->n_ev[ETCD_PROC_RESTARTING]);
	{
		const struct etcd_proc_event *r = &a->last[ETCD_PROC_RESTARTING];
		ok(r->backoff_ms > 100 && r->backoff_ms <= 800,
		   "the backoff grew and stays capped (last %" PRIu64 " ms)", r->backoff_ms);
	}
	note("failure: %s", a->last_msg[ETCD_PROC_FAILED]);
	ok(strstr(a->last_msg[ETCD_PROC_FAILED], "last lines:") &&
	   strstr(a->last_msg[ETCD_PROC_FAILED], a->name) &&
	   strstr(a->last_msg[ETCD_PROC_FAILED], "not a directory"),
	   "the message quotes etcd's last log lines");
	{
		struct stat st = { 0 };
		bool there = stat(a->log, &st) == 0;
		ok(there && st.st_size > 0, "etcd's output is in %s (%lld bytes)", a->log,
		   (long long)st.st_size);
	}
	ok(etcd_proc_pid(a->proc) == 0 && etcd_proc_state(a->proc) == ETCD_PROC_FAILED,
	   "nothing runs after the failure");
	run_for(1000);
	ok(a->n_ev[ETCD_PROC_STARTING] == a->n_ev[ETCD_PROC_RESTARTING] + 1,
	   "and nothing restarts it");
}

static void scenario_stop(void)
{
	struct member *a = &m[0];
	uint64_t t0;
	pid_t pid;
	int ws;

	if (!ok(start_one(a, 30000), "etcd serves"))
		return;
	pid = etcd_proc_pid(a->proc);
	kill(pid, SIGSTOP);
	t0 = ev_time_ms();
	ok(stop_one(a, 800), "stop of a SIGSTOPped etcd completes");
	ws = a->stop_wstatus;
	ok(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL && ev_time_ms() - t0 >= 800,
	   "by SIGKILL after the 800 ms grace (%" PRIu64 " ms)", ev_time_ms() - t0);
	ok(gone(pid) && etcd_proc_pid(a->proc) == 0, "the process is gone");
	ok(a->n_ev[ETCD_PROC_STOPPING] == 1 && a->n_ev[ETCD_PROC_STOPPED] == 1 &&
	   etcd_proc_state(a->proc) == ETCD_PROC_STOPPED, "stopping, then stopped");
	ok(etcd_proc_stop(a->proc, 100, on_stopped, a) == 0 &&
	   (a->stopped = false, run_until(flag_true, &a->stopped, 2000)) && a->stop_wstatus == ws,
	   "a second stop answers at once, with the same wait status");

	/* A healthy etcd ends on SIGTERM, well within a long grace. */
	if (!ok(start_one(a, 30000), "etcd serves again on the same data"))
		return;
	pid = etcd_proc_pid(a->proc);
	t0 = ev_time_ms();
	ok(stop_one(a, 20000), "stop completes");
	ws = a->stop_wstatus;
	ok(ev_time_ms() - t0 < 10000 && !(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL),
	   "on SIGTERM, before the grace (%" PRIu64 " ms, wait status 0x%x)", ev_time_ms() - t0,
	   (unsigned)ws);
	ok(gone(pid), "the process is gone");
}

static void scenario_orphan(void)
{
	struct member *a = &m[0];
	FILE *f;

	if (!ok(start_one(a, 30000), "etcd serves"))
		return;
	f = out_file ? fopen(out_file, "we") : NULL;
	ok(f != NULL, "pid file %s", out_file ? out_file : "(none: -o)");
	if (!f)
		return;
	fprintf(f, "%d\n", (int)etcd_proc_pid(a->proc));
	fclose(f);
	run_for(60000);   /* the test SIGKILLs us long before this */
	ok(false, "not killed within 60 s");
}

static bool snap_done;
static struct etcd_proc_snapshot_result snap_res;
static char snap_msg[ETCD_PROC_MSG_LEN];

static void on_snap(struct etcd_proc *p, const struct etcd_proc_snapshot_result *r, void *arg)
{
	(void)p;
	(void)arg;
	snap_res = *r;
	snprintf(snap_msg, sizeof snap_msg, "%s", r->message);
	snap_res.message = snap_msg;
	snap_res.path = NULL;
	snap_done = true;
}

static void scenario_snapshot(void)
{
	struct member *a = &m[0];
	char path[600], key[64];
	struct stat st;
	int64_t rev;
	bool all = true;

	if (!ok(start_one(a, 30000), "etcd serves"))
		return;
	for (int i = 0; i < 50 && all; i++) {
		snprintf(key, sizeof key, "t0700/s/%02d", i);
		all = put(a->client_url, key, "snapshotted") == 0;
	}
	rev = put_revision;
	ok(all, "50 keys written (revision %" PRId64 ")", rev);
	snprintf(path, sizeof path, "%s/snap.db", dir);
	ok(etcd_proc_snapshot(a->proc, path, 20000, on_snap, a) == 0, "snapshot starts");
	ok(etcd_proc_snapshot(a->proc, path, 20000, on_snap, a) == -EBUSY,
	   "one snapshot at a time");
	ok(run_until(flag_true, &snap_done, 25000) && snap_res.err == 0, "snapshot: %s",
	   snap_msg);
	printf("{\"snapshot\":\"%s\",\"size\":%" PRIu64 ",\"revision\":%" PRId64 "}\n", path,
	       snap_res.size, snap_res.revision);
	memset(&st, 0, sizeof st);
	all = stat(path, &st) == 0;
	ok(all && (uint64_t)st.st_size == snap_res.size && st.st_size > 0,
	   "the file has the reported size (%lld)", (long long)st.st_size);
	ok(snap_res.revision == rev && snap_res.total_keys >= 50,
	   "the reported revision is the last write's (%" PRId64 ", %" PRIu64 " keys)",
	   snap_res.revision, snap_res.total_keys);
	ok(etcd_proc_state(a->proc) == ETCD_PROC_SERVING, "etcd still serves");
	stop_one(a, 5000);
}

static long rss_at_start;

/* VmRSS at main's start (the binary and libc), with the loop and an etcd
 * client (the HTTP/TLS stack every executor has anyway), and while one
 * etcd is supervised with a status sample every 250 ms. */
static void scenario_rss(void)
{
	struct member *a = &m[0];
	long before;

	if (!ok(new_proc(a, 2000) == 0, "supervision set up"))
		return;
	before = status_kb("VmRSS");
	if (!ok(etcd_proc_start(a->proc) == 0 && wait_state(a, ETCD_PROC_SERVING, 30000),
		"etcd serves"))
		return;
	run_for(4000);
	printf("{\"rss_kb\":%ld,\"hwm_kb\":%ld,\"rss_at_start_kb\":%ld,"
	       "\"rss_before_start_kb\":%ld}\n", status_kb("VmRSS"), status_kb("VmHWM"),
	       rss_at_start, before);
	ok(etcd_proc_state(a->proc) == ETCD_PROC_SERVING && a->n_ev[ETCD_PROC_STARTING] == 1,
	   "still serving after 4 s of samples");
	stop_one(a, 5000);
}

static const struct {
	const char *name;
	void (*fn)(void);
} scenarios[] = {
	{ "restart", scenario_restart }, { "crashloop", scenario_crashloop },
	{ "stop", scenario_stop }, { "orphan", scenario_orphan },
	{ "reseed", scenario_reseed }, { "snapshot", scenario_snapshot },
	{ "rss", scenario_rss }, { "learner", scenario_learner },
};

static int usage(void)
{
	fprintf(stderr, "usage: etcd_proc_drive restart|crashloop|stop|orphan|reseed|snapshot|rss|"
			"learner -d DIR -m NAME,IP,PEER,CLIENT [-m ...] [-t MS] [-o FILE] "
			"[-c LOG_CAP]\n");
	return 2;
}

int main(int argc, char **argv)
{
	void (*fn)(void) = NULL;
	char err[512];
	int opt, rc;

	rss_at_start = status_kb("VmRSS");
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
		if (strcmp(argv[1], scenarios[i].name) == 0)
			fn = scenarios[i].fn;
	if (!fn)
		return usage();
	launch_timeout_ms = 240000;
	optind = 2;
	while ((opt = getopt(argc, argv, "c:d:m:t:o:")) != -1) {
		switch (opt) {
		case 'c': log_cap = strtoull(optarg, NULL, 10); break;
		case 'd': dir = optarg; break;
		case 'o': out_file = optarg; break;
		case 't': launch_timeout_ms = strtoull(optarg, NULL, 10); break;
		case 'm': {
			struct member *mm = &m[n_m];
			if (n_m == MAXM || sscanf(optarg, "%63[^,],%63[^,],%u,%u", mm->name, mm->ip,
						  &mm->peer_port, &mm->client_port) != 4)
				return usage();
			n_m++;
			break;
		}
		default:
			return usage();
		}
	}
	if (!dir || n_m == 0)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	loop = ev_loop_new();
	const char *eps[MAXM];
	for (size_t i = 0; i < n_m; i++) {
		snprintf(m[i].data, sizeof m[i].data, "%s/%s.data", dir, m[i].name);
		snprintf(m[i].log, sizeof m[i].log, "%s/%s.log", dir, m[i].name);
		snprintf(m[i].client_url, sizeof m[i].client_url, "http://%s:%u", m[i].ip,
			 m[i].client_port);
		eps[i] = m[i].client_url;
	}
	struct etcd_client_config cc = { .endpoints = eps, .n_endpoints = n_m };
	if (!loop || etcd_client_new(loop, &cc, &cli, err, sizeof err) < 0) {
		fprintf(stderr, "client: %s\n", err);
		return 1;
	}
	fn();
	for (size_t i = 0; i < n_m; i++)
		etcd_proc_free(m[i].proc);
	etcd_client_free(cli);
	run_for(200);   /* let the loop reap what free killed */
	ev_loop_free(loop);
	rc = done_testing();
	return rc;
}
