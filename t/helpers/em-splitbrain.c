/*
 * em-splitbrain — watches every etcd process for a split brain while a
 * test or the chaos suite runs (SAFETY.md section 4, issue #13).
 *
 * usage: em-splitbrain [-scan] [-urls-file=FILE] [-interval=MS]
 *                      [-write-timeout=MS] [-duration=S] [-log=FILE]
 *                      [-no-order] [-grace=MS] [URL...]
 * Flags also take two dashes, and "-urls-file FILE" / "-log FILE";
 * -endpoints-file is another name for -urls-file (scripts/chaos:
 * `em-splitbrain --endpoints-file FILE`).
 *
 * Targets: the client URLs given, the URLs in -urls-file (separated by
 * commas or white space, read again each round, so a test or the chaos
 * suite can add members as they appear), and with -scan every
 * etcd process in /proc (argv[0] or argv[1] named etcd, its
 * --advertise-client-urls or else --listen-client-urls; fenced, stale and
 * resumed ones included; inside a test's PID namespace that is exactly
 * the test's etcd processes).
 *
 * Each round (-interval, default 200 ms) every target is asked, pinned to
 * it, for its status (cluster id, member id, leader), before any forced
 * start for its member list, and then for a quorum write: a put of
 * em-splitbrain/<pid> with a -write-timeout deadline (default 1000 ms).
 * It fails (exit 1; one line on stdout: which clusters or processes, and
 * when, wall-clock UTC) as soon as:
 *   two-clusters  two different cluster ids both accepted writes in
 *                 overlapping windows (first send .. last answer);
 *   old-member    after an etcd process started with --force-new-cluster
 *                 (needs -scan), a member of the membership seen before
 *                 that start, other than a forced member (the forced
 *                 process, or a later etcd on its data directory: the
 *                 executor restarts a forced etcd without the flag once
 *                 it has a raft snapshot), accepted a write
 *                 sent after it (judged -grace ms later, default 10000, or
 *                 at the end, so that the forced member's id is known);
 *   order         (-scan, unless -no-order) an etcd process that started
 *                 before a --force-new-cluster process is still running
 *                 (not a zombie) after that start: the fence must take
 *                 every old member's process down first.
 * It stops after -duration seconds (default 3600) or on SIGTERM/SIGINT and
 * then prints one summary line on stdout: "em-splitbrain: ok: ..." (exit
 * 0) or the violation (exit 1). Exit 2: usage. -log=FILE gets one line per
 * event (new process, forced start, first write per cluster, ...).
 * Every call has a deadline; one round never starts before the last ended.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "etcd/etcd_client.h"
#include "ev/ev.h"

#define MAX_TARGETS 64
#define MAX_IDS 256
#define MAX_FORCED 32
#define MAX_CLUSTERS 16
#define MAX_SUSPECTS 256
#define URL_LEN 200
#define DIR_LEN 1024

struct target {
	char url[URL_LEN];
	int pid;                 /* 0: not from the scan */
	uint64_t started_ms;     /* boot ms, from /proc (scan only) */
	bool forced;             /* started with --force-new-cluster */
	bool forced_member;      /* forced, or on a forced process's data dir */
	bool present;            /* in this round's list */
	bool busy;
	struct etcd_call *call;
	uint64_t sent_ms;
	uint64_t cluster_id, member_id, leader;
	bool up;
};

struct cluster {
	uint64_t id;
	uint64_t first_ms, last_ms;   /* first send .. last answer of accepted writes */
	uint64_t writes;
};

struct suspect {
	uint64_t member_id, sent_ms, done_ms, cluster_id;
	char url[URL_LEN];
	uint64_t force_ms;
};

static struct ev_loop *loop;
static struct etcd_client *cli;
static struct target tg[MAX_TARGETS];
static size_t n_tg;
static struct cluster cl[MAX_CLUSTERS];
static size_t n_cl;
static struct { uint64_t id, first_ms; } ids[MAX_IDS];   /* members and when first seen */
static size_t n_ids;
static uint64_t forced_ids[MAX_FORCED];
static size_t n_forced_ids;
static uint64_t force_starts[MAX_FORCED];   /* boot ms, ascending */
static size_t n_force_starts;
static struct { char dir[DIR_LEN]; uint64_t start_ms; } forced_dirs[MAX_FORCED];
static size_t n_forced_dirs;
static struct suspect sus[MAX_SUSPECTS];
static size_t n_sus;
static bool opt_scan, opt_order = true;
static const char *opt_urls_file, *opt_log;
static uint64_t opt_interval = 200, opt_write_timeout = 1000, opt_duration = 3600,
		opt_grace = 10000;
static const char *fixed_urls[MAX_TARGETS];
static size_t n_fixed;
static uint64_t rounds, writes_ok, writes_failed, pending;
static uint64_t deadline_ms;
static struct ev_timer round_timer;
static bool stopping;
static int exit_code;
static FILE *log_file;

static uint64_t boot_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A boot-ms time as wall-clock UTC "HH:MM:SS.mmm". */
static const char *wall(uint64_t bms, char *buf, size_t len)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t real_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
			  ((int64_t)boot_ms() - (int64_t)bms);
	time_t sec = (time_t)(real_ms / 1000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(real_ms % 1000));
	return buf;
}

static void logln(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logln(const char *fmt, ...)
{
	char w[16];
	va_list ap;
	if (!log_file)
		return;
	fprintf(log_file, "%s ", wall(boot_ms(), w, sizeof w));
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
}

static void finish(void);

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	va_list ap;
	if (exit_code)
		return;
	exit_code = 1;
	printf("em-splitbrain: SPLIT BRAIN: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (log_file) {
		va_start(ap, fmt);
		fprintf(log_file, "SPLIT BRAIN: ");
		vfprintf(log_file, fmt, ap);
		fputc('\n', log_file);
		va_end(ap);
	}
	finish();
}

/* ------------------------------------------------------------ members */

static uint64_t id_first_seen(uint64_t id)
{
	for (size_t i = 0; i < n_ids; i++)
		if (ids[i].id == id)
			return ids[i].first_ms;
	return UINT64_MAX;
}

static void id_seen(uint64_t id, uint64_t when)
{
	if (!id || id_first_seen(id) != UINT64_MAX || n_ids == MAX_IDS)
		return;
	ids[n_ids].id = id;
	ids[n_ids++].first_ms = when;
	logln("member %016" PRIx64 " first seen", id);
}

static bool is_forced_id(uint64_t id)
{
	for (size_t i = 0; i < n_forced_ids; i++)
		if (forced_ids[i] == id)
			return true;
	return false;
}

static void forced_id(uint64_t id)
{
	if (!id || is_forced_id(id) || n_forced_ids == MAX_FORCED)
		return;
	forced_ids[n_forced_ids++] = id;
	logln("member %016" PRIx64 " is a forced member", id);
	/* its writes were not an old member's */
	size_t k = 0;
	for (size_t i = 0; i < n_sus; i++)
		if (sus[i].member_id != id)
			sus[k++] = sus[i];
	n_sus = k;
}

/* The latest forced start at or before t, 0 if none. */
static uint64_t force_before(uint64_t t)
{
	uint64_t f = 0;
	for (size_t i = 0; i < n_force_starts; i++)
		if (force_starts[i] <= t)
			f = force_starts[i];
	return f;
}

static void judge_suspects(bool all)
{
	uint64_t now = boot_ms();
	char w1[16], w2[16];
	for (size_t i = 0; i < n_sus; i++) {
		struct suspect *x = &sus[i];
		if (!all && now - x->done_ms < opt_grace)
			continue;
		violation("member %016" PRIx64 " of cluster %016" PRIx64 " (%s), a member before "
			  "the forced start at %s, accepted a write sent at %s",
			  x->member_id, x->cluster_id, x->url, wall(x->force_ms, w1, sizeof w1),
			  wall(x->sent_ms, w2, sizeof w2));
		return;
	}
}

/* ------------------------------------------------------------- writes */

static void accepted(struct target *t, uint64_t cid, uint64_t mid, uint64_t sent, uint64_t done)
{
	char w1[16], w2[16], w3[16], w4[16];
	struct cluster *c = NULL;

	writes_ok++;
	for (size_t i = 0; i < n_cl; i++)
		if (cl[i].id == cid)
			c = &cl[i];
	if (!c && n_cl < MAX_CLUSTERS) {
		c = &cl[n_cl++];
		*c = (struct cluster){ .id = cid, .first_ms = sent, .last_ms = done };
		logln("cluster %016" PRIx64 " accepts writes (first through %s)", cid, t->url);
	}
	if (c) {
		if (sent < c->first_ms)
			c->first_ms = sent;
		if (done > c->last_ms)
			c->last_ms = done;
		c->writes++;
		for (size_t i = 0; i < n_cl; i++) {
			struct cluster *o = &cl[i];
			if (o == c || o->first_ms > c->last_ms || c->first_ms > o->last_ms)
				continue;
			violation("clusters %016" PRIx64 " (writes %s-%s) and %016" PRIx64
				  " (writes %s-%s, the last through %s) both accepted writes",
				  o->id, wall(o->first_ms, w1, sizeof w1),
				  wall(o->last_ms, w2, sizeof w2), c->id,
				  wall(c->first_ms, w3, sizeof w3), wall(c->last_ms, w4, sizeof w4),
				  t->url);
			return;
		}
	}
	if (t->forced_member) {
		forced_id(mid);
		return;
	}
	uint64_t f = force_before(sent);
	if (!f || is_forced_id(mid) || id_first_seen(mid) >= f)
		return;
	if (n_sus < MAX_SUSPECTS) {
		struct suspect *x = &sus[n_sus++];
		*x = (struct suspect){ .member_id = mid, .sent_ms = sent, .done_ms = done,
				       .cluster_id = cid, .force_ms = f };
		snprintf(x->url, sizeof x->url, "%s", t->url);
		logln("write accepted by old member %016" PRIx64 " through %s after a forced "
		      "start: a split brain unless it is the forced member", mid, t->url);
	}
}

static void call_ended(struct target *t)
{
	t->busy = false;
	t->call = NULL;
	if (pending)
		pending--;
}

static void on_put(struct etcd_call *call, const struct etcd_result *res,
		   struct etcd_answer *ans, void *arg)
{
	struct target *t = arg;
	(void)call;
	uint64_t sent = t->sent_ms;
	call_ended(t);
	if (res->err == 0)
		accepted(t, ans->put.header.cluster_id, ans->put.header.member_id, sent, boot_ms());
	else
		writes_failed++;
}

static void start_put(struct target *t)
{
	struct etcd_call_opts o = { .timeout_ms = opt_write_timeout, .endpoint = t->url };
	char key[64], val[32];
	snprintf(key, sizeof key, "em-splitbrain/%d", (int)getpid());
	snprintf(val, sizeof val, "%" PRIu64, rounds);
	t->sent_ms = boot_ms();
	if (etcd_client_put(cli, key, strlen(key), val, strlen(val), &o, on_put, t, &t->call) == 0) {
		t->busy = true;
		pending++;
	}
}

static void on_list(struct etcd_call *call, const struct etcd_result *res,
		    struct etcd_answer *ans, void *arg)
{
	struct target *t = arg;
	(void)call;
	uint64_t sent = t->sent_ms;
	call_ended(t);
	if (res->err == 0)
		for (size_t i = 0; i < ans->members.n_members; i++)
			id_seen(ans->members.members[i].id, sent);
	if (!stopping)
		start_put(t);
}

static void on_status(struct etcd_call *call, const struct etcd_result *res,
		      struct etcd_answer *ans, void *arg)
{
	struct target *t = arg;
	(void)call;
	uint64_t sent = t->sent_ms;
	call_ended(t);
	bool was_up = t->up;
	t->up = res->err == 0;
	if (t->up) {
		const struct etcd_status *st = &ans->status;
		if (!was_up || st->header.cluster_id != t->cluster_id ||
		    st->header.member_id != t->member_id || st->leader != t->leader)
			logln("%s (pid %d%s): cluster %016" PRIx64 " member %016" PRIx64
			      " leader %016" PRIx64 " raft index %" PRIu64, t->url, t->pid,
			      t->forced ? ", forced" : "", st->header.cluster_id,
			      st->header.member_id, st->leader, st->raft_index);
		t->cluster_id = st->header.cluster_id;
		t->member_id = st->header.member_id;
		t->leader = st->leader;
		id_seen(t->member_id, sent);
		if (t->forced_member)
			forced_id(t->member_id);
	} else if (was_up) {
		logln("%s (pid %d): no answer: %s", t->url, t->pid, res->errmsg);
	}
	if (stopping)
		return;
	if (t->up && n_force_starts == 0) {
		struct etcd_call_opts o = { .timeout_ms = opt_write_timeout, .endpoint = t->url };
		t->sent_ms = boot_ms();
		if (etcd_client_member_list(cli, &o, on_list, t, &t->call) == 0) {
			t->busy = true;
			pending++;
			return;
		}
	}
	start_put(t);
}

/* -------------------------------------------------------------- targets */

static struct target *target_get(const char *url, int pid)
{
	for (size_t i = 0; i < n_tg; i++)
		if (strcmp(tg[i].url, url) == 0 && (!pid || tg[i].pid == pid || tg[i].pid == 0)) {
			if (pid && tg[i].pid != pid && !tg[i].busy) {
				tg[i].pid = pid;   /* a new process on the same URL */
				tg[i].forced = tg[i].forced_member = false;
			}
			return &tg[i];
		}
	struct target *t = NULL;
	if (n_tg < MAX_TARGETS)
		t = &tg[n_tg++];
	for (size_t i = 0; !t && i < n_tg; i++)   /* full: reuse a gone one */
		if (!tg[i].present && !tg[i].busy)
			t = &tg[i];
	if (!t)
		return NULL;
	memset(t, 0, sizeof *t);
	snprintf(t->url, sizeof t->url, "%s", url);
	t->pid = pid;
	logln("target %s%s", url, pid ? "" : " (given)");
	return t;
}

/* The value of --NAME=V or --NAME V (one or two dashes) in argv. */
static const char *argv_flag(char **av, int ac, const char *name)
{
	for (int i = 0; i < ac; i++) {
		const char *a = av[i];
		if (a[0] != '-')
			continue;
		a += a[1] == '-' ? 2 : 1;
		size_t n = strlen(name);
		if (strncmp(a, name, n) != 0)
			continue;
		if (a[n] == '=')
			return a + n + 1;
		if (a[n] == '\0' && i + 1 < ac)
			return av[i + 1];
	}
	return NULL;
}

static bool base_is_etcd(const char *p)
{
	const char *b = strrchr(p, '/');
	return strcmp(b ? b + 1 : p, "etcd") == 0;
}

/* The data directory of etcd process pid as an absolute path (its
 * --data-dir, joined to its cwd when relative), or "" if unknown. */
static void proc_data_dir(int pid, char **av, int ac, char *out, size_t len)
{
	char path[64], cwd[DIR_LEN];
	const char *d = argv_flag(av, ac, "data-dir");
	ssize_t n;

	out[0] = '\0';
	if (!d)
		return;
	if (d[0] == '/') {
		snprintf(out, len, "%s", d);
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/cwd", pid);
	if ((n = readlink(path, cwd, sizeof cwd - 1)) <= 0)
		return;
	cwd[n] = '\0';
	snprintf(out, len, "%s/%s", cwd, d);
}

/* Reads /proc/PID: argv, data dir, state, start time. 1 = an etcd process. */
static int read_proc(int pid, char *url, size_t urllen, char *dir, size_t dirlen, bool *forced,
		     uint64_t *start_ms)
{
	char path[64], buf[16384], *av[256];
	int ac = 0, rc = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n && ac < 256; i += strlen(buf + i) + 1)
		av[ac++] = buf + i;
	if (ac < 2 || !(base_is_etcd(av[0]) || base_is_etcd(av[1])))
		return 0;
	const char *u = argv_flag(av, ac, "advertise-client-urls");
	if (!u)
		u = argv_flag(av, ac, "listen-client-urls");
	if (!u)
		return 0;
	snprintf(url, urllen, "%.*s", (int)strcspn(u, ","), u);
	proc_data_dir(pid, av, ac, dir, dirlen);
	*forced = false;
	for (int i = 0; i < ac; i++)
		if (strcmp(av[i], "--force-new-cluster") == 0 ||
		    strcmp(av[i], "--force-new-cluster=true") == 0 ||
		    strcmp(av[i], "-force-new-cluster") == 0)
			*forced = true;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	char state = 0;
	unsigned long long st = 0;
	/* fields after the comm: 3 state ... 22 starttime */
	if (p && sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			"%*d %*d %*d %llu", &state, &st) == 2 && state != 'Z' && state != 'X') {
		*start_ms = st * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK);
		rc = 1;
	}
	return rc;
}

static void scan(void)
{
	struct { int pid; uint64_t start; bool forced; char url[URL_LEN], dir[DIR_LEN]; }
		seen[MAX_TARGETS];
	size_t n = 0;
	uint64_t t0 = boot_ms();
	char w1[16], w2[16];
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && n < MAX_TARGETS) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		int pid = atoi(e->d_name);
		if (read_proc(pid, seen[n].url, sizeof seen[n].url, seen[n].dir, sizeof seen[n].dir,
			      &seen[n].forced, &seen[n].start)) {
			seen[n].pid = pid;
			n++;
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		struct target *t = target_get(seen[i].url, seen[i].pid);
		if (!t)
			continue;
		t->present = true;
		if (t->started_ms != seen[i].start || t->pid != seen[i].pid) {
			t->pid = seen[i].pid;
			t->started_ms = seen[i].start;
			t->forced = t->forced_member = seen[i].forced;
			for (size_t k = 0; !t->forced && seen[i].dir[0] && k < n_forced_dirs; k++)
				t->forced_member |= seen[i].start >= forced_dirs[k].start_ms &&
						    strcmp(forced_dirs[k].dir, seen[i].dir) == 0;
			logln("etcd pid %d on %s started at %s%s", t->pid, t->url,
			      wall(t->started_ms, w1, sizeof w1),
			      t->forced ? " with --force-new-cluster" :
			      t->forced_member ? " on a forced member's data dir" : "");
			if (t->forced && seen[i].dir[0] && n_forced_dirs < MAX_FORCED) {
				snprintf(forced_dirs[n_forced_dirs].dir, DIR_LEN, "%s", seen[i].dir);
				forced_dirs[n_forced_dirs++].start_ms = seen[i].start;
			}
			if (t->forced && n_force_starts < MAX_FORCED) {
				size_t k = n_force_starts++;
				while (k > 0 && force_starts[k - 1] > t->started_ms) {
					force_starts[k] = force_starts[k - 1];
					k--;
				}
				force_starts[k] = t->started_ms;
			}
		}
	}
	if (!opt_order)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!seen[i].forced || seen[i].start > t0)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (j == i || seen[j].start >= seen[i].start)
				continue;
			violation("etcd pid %d (%s) started at %s, before pid %d (%s) started with "
				  "--force-new-cluster at %s, and still runs: an old member was not "
				  "fenced first", seen[j].pid, seen[j].url,
				  wall(seen[j].start, w1, sizeof w1), seen[i].pid, seen[i].url,
				  wall(seen[i].start, w2, sizeof w2));
			return;
		}
	}
}

static void read_urls_file(void)
{
	char line[4096];
	FILE *f = fopen(opt_urls_file, "re");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *save = NULL;
		for (char *u = strtok_r(line, ", \t\r\n", &save); u;
		     u = strtok_r(NULL, ", \t\r\n", &save)) {
			if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
				continue;
			struct target *t = target_get(u, 0);
			if (t)
				t->present = true;
		}
	}
	fclose(f);
}

/* ---------------------------------------------------------------- rounds */

static void round_cb(struct ev_loop *l, void *arg)
{
	(void)l;
	(void)arg;
	if (stopping)
		return;
	if (boot_ms() >= deadline_ms) {
		finish();
		return;
	}
	if (pending) {   /* the last round is still running */
		ev_timer_start(loop, &round_timer, 20, 0);
		return;
	}
	rounds++;
	for (size_t i = 0; i < n_tg; i++)
		tg[i].present = false;
	for (size_t i = 0; i < n_fixed; i++) {
		struct target *t = target_get(fixed_urls[i], 0);
		if (t)
			t->present = true;
	}
	if (opt_urls_file)
		read_urls_file();
	if (opt_scan)
		scan();
	if (stopping)
		return;
	judge_suspects(false);
	if (stopping)
		return;
	for (size_t i = 0; i < n_tg; i++) {
		struct target *t = &tg[i];
		if (!t->present || t->busy)
			continue;
		struct etcd_call_opts o = { .timeout_ms = opt_write_timeout };
		t->sent_ms = boot_ms();
		if (etcd_client_status(cli, t->url, &o, on_status, t, &t->call) == 0) {
			t->busy = true;
			pending++;
		}
	}
	ev_timer_start(loop, &round_timer, opt_interval, 0);
}

static void finish(void)
{
	char w1[16], w2[16];
	if (stopping)
		return;
	stopping = true;
	ev_timer_stop(loop, &round_timer);
	for (size_t i = 0; i < n_tg; i++) {
		etcd_call_cancel(tg[i].call);
		tg[i].call = NULL;
		tg[i].busy = false;
	}
	pending = 0;
	if (!exit_code)
		judge_suspects(true);
	if (!exit_code) {
		printf("em-splitbrain: ok: %" PRIu64 " rounds, %zu targets, %" PRIu64 " writes "
		       "accepted, %" PRIu64 " refused or unanswered, %zu forced starts, %zu "
		       "clusters:", rounds, n_tg, writes_ok, writes_failed, n_force_starts, n_cl);
		for (size_t i = 0; i < n_cl; i++)
			printf(" %016" PRIx64 " (%" PRIu64 " writes %s-%s)", cl[i].id, cl[i].writes,
			       wall(cl[i].first_ms, w1, sizeof w1), wall(cl[i].last_ms, w2, sizeof w2));
		printf("\n");
		fflush(stdout);
	}
	ev_stop(loop);
}

static void on_signal(struct ev_loop *l, int signo, void *arg)
{
	(void)l;
	(void)signo;
	(void)arg;
	finish();
}

static int usage(const char *why)
{
	fprintf(stderr, "em-splitbrain: %s\nusage: em-splitbrain [-scan] [-urls-file=FILE] "
		"[-interval=MS] [-write-timeout=MS] [-duration=S] [-grace=MS] [-log=FILE] "
		"[-no-order] [URL...]\n", why);
	return 2;
}

static bool num_opt(const char *a, const char *name, uint64_t *out)
{
	size_t n = strlen(name);
	char *end;
	if (strncmp(a, name, n) != 0 || a[n] != '=')
		return false;
	errno = 0;
	unsigned long long v = strtoull(a + n + 1, &end, 10);
	if (errno || end == a + n + 1 || *end || v == 0)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	char err[256];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] == '-' && a[2])
			a++;   /* --flag reads as -flag */
		const char *eq = strchr(a, '=');
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);
		bool is_file = (nl == 10 && strncmp(a, "-urls-file", nl) == 0) ||
			       (nl == 15 && strncmp(a, "-endpoints-file", nl) == 0);
		bool is_log = nl == 4 && strncmp(a, "-log", nl) == 0;
		if (is_file || is_log) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : "";
			if (!*v)
				return usage("a file name is missing");
			*(is_file ? &opt_urls_file : &opt_log) = v;
			continue;
		}
		if (strcmp(a, "-scan") == 0)
			opt_scan = true;
		else if (strcmp(a, "-no-order") == 0)
			opt_order = false;
		else if (num_opt(a, "-interval", &opt_interval) ||
			 num_opt(a, "-write-timeout", &opt_write_timeout) ||
			 num_opt(a, "-duration", &opt_duration) || num_opt(a, "-grace", &opt_grace))
			;
		else if ((strncmp(a, "http://", 7) == 0 || strncmp(a, "https://", 8) == 0) &&
			 strlen(a) < URL_LEN && n_fixed < MAX_TARGETS)
			fixed_urls[n_fixed++] = a;
		else
			return usage(a[0] == '-' ? "unknown flag or bad value" : "not a client URL");
	}
	if (!opt_scan && !opt_urls_file && n_fixed == 0)
		return usage("nothing to watch: give URLs, -urls-file or -scan");
	if (opt_log && !(log_file = fopen(opt_log, "ae"))) {
		fprintf(stderr, "em-splitbrain: -log=%s: %s\n", opt_log, strerror(errno));
		return 2;
	}
	loop = ev_loop_new();
	const char *eps[1] = { n_fixed ? fixed_urls[0] : "http://127.0.0.1:2379" };
	struct etcd_client_config cc = { .endpoints = eps, .n_endpoints = 1,
					 .timeout_ms = opt_write_timeout,
					 .attempt_timeout_ms = opt_write_timeout };
	if (!loop || etcd_client_new(loop, &cc, &cli, err, sizeof err) < 0) {
		fprintf(stderr, "em-splitbrain: cannot start: %s\n", loop ? err : "out of memory");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	ev_signal_add(loop, SIGTERM, on_signal, NULL);
	ev_signal_add(loop, SIGINT, on_signal, NULL);
	deadline_ms = boot_ms() + opt_duration * 1000;
	ev_timer_init(&round_timer, round_cb, NULL);
	ev_timer_start(loop, &round_timer, 0, 0);
	logln("watching every %" PRIu64 " ms for %" PRIu64 " s%s", opt_interval, opt_duration,
	      opt_scan ? ", scanning /proc" : "");
	ev_run(loop);
	etcd_client_free(cli);
	ev_loop_free(loop);
	if (log_file)
		fclose(log_file);
	return exit_code;
}
