/*
 * etcd_proc_drive_reseed — the reseed and learner scenarios of
 * t/helpers/etcd_proc_drive (see etcd_proc_drive.c for the usage):
 *   reseed   three members; fence one (index/term, etcd gone, data kept),
 *            a hung one (last sample), a force that times out and is
 *            fenced again, then force the first → a one-member cluster with
 *            every key; repeats are no-ops; a learner added afterwards is
 *            sent a snapshot and holds every key the survivor holds
 *   learner  a one-member cluster, a learner added and started: it serves
 *            once status answers with isLearner
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/strutil.h"
#include "etcd_proc_drive.h"

/* The process is in state T (stopped), as /proc/<pid>/stat says. */
static bool is_stopped(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && rp[2] == 'T';
}

/* Does directory dir hold a file whose name ends in suffix? */
static bool dir_has_suffix(const char *dir, const char *suffix)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		found = str_has_suffix(de->d_name, suffix);
	closedir(d);
	return found;
}

/* Does a line of the file hold the text? */
static bool file_has(const char *path, const char *text)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) >= 0)
		found = strstr(line, text) != NULL;
	free(line);
	fclose(f);
	return found;
}

static size_t count_prefix(const char *url, const char *prefix)
{
	return get(url, prefix, true) == 0 ? range_count : (size_t)-1;
}

static bool learner_caught_up(void *arg)
{
	const char **urls = arg;
	size_t want = count_prefix(urls[0], "t0700/");
	return want != (size_t)-1 && count_prefix(urls[1], "t0700/") == want;
}

/* Adds d as a learner of the one-member cluster a and starts it: true
 * once it serves (for a learner: status answers isLearner). */
static bool add_and_start_learner(struct member *a, struct member *d, const char *what)
{
	struct etcd_call_opts o = { .timeout_ms = 5000, .endpoint = a->client_url };
	char peer[128];
	const char *peers[] = { peer };
	int rc;

	snprintf(peer, sizeof peer, "http://%s:%u", d->ip, d->peer_port);
	got = false;
	rc = etcd_client_member_add(cli, peers, 1, true, &o, on_call, NULL, NULL);
	drv_ok(rc == 0 && run_until(flag_true, &got, 8000) && res.err == 0, "%s", what);
	ic_n = 1;
	ic_existing = true;
	rc = new_proc(d, 2000);
	ic_existing = false;
	return rc == 0 && etcd_proc_start(d->proc) == 0 && wait_state(d, ETCD_PROC_SERVING, 30000);
}

/* After the force: a member added now must be sent a snapshot, not the
 * log, and hold what the survivor holds (etcd_argv.h says why). */
static void learner_after_force(struct member *a, struct member *d)
{
	struct etcd_call_opts o = { .timeout_ms = 5000, .endpoint = a->client_url };
	char path[600], cmd[700];
	const char *urls[] = { a->client_url, d->client_url };
	size_t want, have;
	bool sentinel_a;
	int rc;

	snprintf(path, sizeof path, "%s/member/snap", a->data);
	drv_ok(dir_has_suffix(path, ".snap"), "the survivor has a raft snapshot in %s", path);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->data);
	drv_ok(system(cmd) == 0, "the fenced member's data dir is wiped for a fresh learner");
	drv_ok(add_and_start_learner(a, d, "a learner is added to the forced member"),
	   "the learner serves");
	/* etcd 3.4 serves no read on a learner: promote it once in sync */
	for (int i = 0; i < 30; i++) {
		got = false;
		rc = etcd_client_member_promote(cli, d->last[ETCD_PROC_SERVING].member_id, &o,
						on_call, NULL, NULL);
		if (rc == 0 && run_until(flag_true, &got, 8000) && res.err == 0)
			break;
		rc = -1;
		run_for(500);
	}
	drv_ok(rc == 0, "and is promoted once in sync");
	run_until(learner_caught_up, urls, 15000);
	want = count_prefix(a->client_url, "t0700/");
	have = count_prefix(d->client_url, "t0700/");
	drv_ok(want == have, "the new member holds every key the survivor holds (%zu of %zu)",
	   have, want);
	sentinel_a = get(a->client_url, "t0700/sentinel", false) == 0 && range_count == 1;
	drv_ok(get(d->client_url, "t0700/sentinel", false) == 0 &&
	   (range_count == 1) == sentinel_a, "the last write before the fence: %s on both",
	   sentinel_a ? "kept" : "gone");
	drv_ok(file_has(d->log, "received and saved database snapshot"),
	   "the learner was sent a snapshot, not the log (%s)", d->log);
	stop_one(d, 3000);
}

static void print_fence(const struct member *mm)
{
	const struct etcd_proc_fence_result *r = &mm->fence;
	printf("{\"fence\":\"%s\",\"member_id\":\"%016" PRIx64 "\",\"raft_index\":%" PRIu64
	       ",\"raft_term\":%" PRIu64 ",\"applied_index\":%" PRIu64 ",\"fresh\":%s,"
	       "\"repeated\":%s}\n", mm->name, r->member_id, r->raft_index, r->raft_term,
	       r->applied_index, r->fresh ? "true" : "false", r->repeated ? "true" : "false");
}

static bool fence(struct member *mm, const char *id)
{
	int rc;
	mm->fenced = false;
	rc = etcd_proc_fence(mm->proc, id, 1000, on_fenced, mm);
	if (rc < 0)
		drv_note("fence %s: %s", mm->name, etcd_proc_errmsg(mm->proc));
	return rc == 0 && run_until(flag_true, &mm->fenced, 10000);
}

void scenario_reseed(void)
{
	struct member *a = &m[0];
	uint64_t ids[MAXM], idx;
	char key[64], path[600];
	pid_t pids[MAXM], fpid;
	struct stat st;
	bool all = true;
	unsigned starts;
	int rc;

	if (n_m != 3) {
		drv_ok(false, "reseed needs three members (-m)");
		return;
	}
	for (size_t i = 0; i < n_m; i++)
		all = all && new_proc(&m[i], 2000) == 0 && etcd_proc_start(m[i].proc) == 0;
	if (!drv_ok(all && run_until(all_serving, NULL, 40000), "three members serve"))
		return;
	for (size_t i = 0; i < n_m; i++) {
		ids[i] = etcd_proc_member_id(m[i].proc);
		pids[i] = etcd_proc_pid(m[i].proc);
	}
	all = true;
	for (int i = 0; i < 20 && all; i++) {
		snprintf(key, sizeof key, "t0700/r/%02d", i);
		all = put(m[1].client_url, key, "kept") == 0;
	}
	drv_ok(all, "20 keys written");
	/* A linearizable read on the first member returns once it has applied
	 * every write. That is not yet enough: --force-new-cluster drops the
	 * entries past the commit index in the WAL's hard state, which a
	 * follower persists with the next append. So one more write, read
	 * back on the first member, pins the 20 keys. (The fence then reports
	 * one entry more than the survivor keeps: see the report.) */
	rc = put(m[1].client_url, "t0700/sentinel", "s");
	rc = rc == 0 ? get(a->client_url, "t0700/sentinel", false) : rc;
	drv_ok(rc == 0 && range_count == 1, "the first member has applied every write");

	/* Fence the first member. */
	drv_ok(fence(a, "reseed-1"), "fence answers");
	print_fence(a);
	drv_ok(a->fence.fresh && a->fence.raft_index > 20 && a->fence.raft_term > 0 &&
	   a->fence.member_id == ids[0] && a->fence.was_running,
	   "with etcd's own raft index %" PRIu64 ", term %" PRIu64 " and member id",
	   a->fence.raft_index, a->fence.raft_term);
	drv_ok(gone(pids[0]) && etcd_proc_pid(a->proc) == 0, "etcd is gone when the answer comes");
	drv_ok(WIFSIGNALED(a->fence.wstatus) && WTERMSIG(a->fence.wstatus) == SIGKILL,
	   "killed by SIGKILL");
	snprintf(path, sizeof path, "%s/member/wal", a->data);
	memset(&st, 0, sizeof st);
	drv_ok(stat(path, &st) == 0 && S_ISDIR(st.st_mode), "the data dir is intact (%s)", path);
	drv_ok(etcd_proc_state(a->proc) == ETCD_PROC_FENCED && a->n_ev[ETCD_PROC_FENCED] == 1,
	   "state fenced, reported once");
	idx = a->fence.raft_index;
	drv_ok(fence(a, "reseed-1") && a->fence.repeated && a->fence.raft_index == idx,
	   "a repeated fence answers the same again");
	run_for(1500);
	drv_ok(etcd_proc_pid(a->proc) == 0 && a->n_ev[ETCD_PROC_STARTING] == 1,
	   "a fenced etcd is not restarted");
	rc = etcd_proc_force(a->proc, "reseed-2", 30000, on_forced, a);
	drv_ok(rc == -EBUSY, "force under another reseed id is refused: %s",
	   etcd_proc_errmsg(a->proc));
	rc = etcd_proc_force(m[1].proc, "reseed-1", 30000, on_forced, &m[1]);
	drv_ok(rc == -EBUSY, "force of an unfenced member is refused: %s",
	   etcd_proc_errmsg(m[1].proc));

	/* The peers go too; the third is hung (SIGSTOP): its fence falls back
	 * to the last sample and still kills it. */
	drv_ok(fence(&m[1], "reseed-1") && gone(pids[1]), "the second member is fenced");
	print_fence(&m[1]);
	/* its pid now (a loaded machine may have seen it restarted since),
	 * and stopped for sure before the fence asks it anything */
	pids[2] = etcd_proc_pid(m[2].proc);
	kill(pids[2], SIGSTOP);
	for (int w = 0; w < 200 && !is_stopped(pids[2]); w++)
		usleep(10000);
	m[2].fenced = false;
	rc = etcd_proc_fence(m[2].proc, "reseed-1", 500, on_fenced, &m[2]);
	all = rc == 0 && run_until(flag_true, &m[2].fenced, 10000);
	print_fence(&m[2]);
	drv_ok(all && !m[2].fence.fresh && m[2].fence.have_sample && m[2].fence.raft_index > 0 &&
	   m[2].fence.member_id == ids[2] && gone(pids[2]),
	   "a hung member is fenced on its last sample (index %" PRIu64 "): %s",
	   m[2].fence.raft_index, m[2].fence_msg);

	/* A candidate that does not become healthy in time: the force fails,
	 * etcd is left running for the scheduler to fence again. */
	rc = etcd_proc_force(m[1].proc, "reseed-1", 50, on_forced, &m[1]);
	all = rc == 0 && run_until(flag_true, &m[1].forced, 5000);
	drv_ok(all && m[1].force.err == -ETIMEDOUT && etcd_proc_pid(m[1].proc) != 0,
	   "a force past its timeout fails: %s", m[1].force_msg);
	fpid = etcd_proc_pid(m[1].proc);
	drv_ok(fence(&m[1], "reseed-1") && !m[1].fence.repeated && gone(fpid) &&
	   etcd_proc_state(m[1].proc) == ETCD_PROC_FENCED,
	   "fenced again under the same reseed id, it is killed again");
	m[1].forced = false;
	starts = m[1].n_ev[ETCD_PROC_STARTING];
	rc = etcd_proc_force(m[1].proc, "reseed-1", 30000, on_forced, &m[1]);
	all = rc == 0 && run_until(flag_true, &m[1].forced, 2000);
	drv_ok(all && m[1].force.repeated && m[1].force.err == -ETIMEDOUT &&
	   m[1].n_ev[ETCD_PROC_STARTING] == starts && etcd_proc_pid(m[1].proc) == 0,
	   "its force is not repeated under the same id");

	/* Force the first. */
	starts = a->n_ev[ETCD_PROC_STARTING];
	rc = etcd_proc_force(a->proc, "reseed-1", 30000, on_forced, a);
	all = rc == 0 && run_until(flag_true, &a->forced, 35000);
	drv_ok(all && a->force.err == 0, "force: %s",
	   a->forced ? a->force_msg : etcd_proc_errmsg(a->proc));
	fpid = etcd_proc_pid(a->proc);
	drv_ok(a->served_forced, "etcd served with --force-new-cluster --snapshot-count=1");
	drv_ok(strstr(a->start_cmdline, "--force-new-cluster") == NULL &&
	   strstr(a->start_cmdline, "--snapshot-count=1") == NULL &&
	   a->n_ev[ETCD_PROC_STARTING] == starts + 2,
	   "then, snapshotted, was restarted without either flag before the answer");
	drv_ok(a->force.member_id == ids[0] && etcd_proc_state(a->proc) == ETCD_PROC_SERVING,
	   "it serves as the same member %016" PRIx64, a->force.member_id);
	rc = member_list(a->client_url);
	drv_ok(rc == 0 && n_members == 1, "a one-member cluster (%zu)", n_members);
	rc = get(a->client_url, "t0700/r/", true);
	drv_ok(rc == 0 && range_count == 20, "every key is still there (%zu of 20)", range_count);
	rc = get(a->client_url, "t0700/sentinel", false);
	drv_note("the last write before the fence is %s after the force",
	     rc == 0 && range_count == 1 ? "kept" : "gone");
	drv_ok(put(a->client_url, "t0700/after", "x") == 0, "and it takes writes");
	a->forced = false;
	rc = etcd_proc_force(a->proc, "reseed-1", 30000, on_forced, a);
	drv_ok(rc == 0 && run_until(flag_true, &a->forced, 2000) && a->force.repeated &&
	   a->force.err == 0, "a second force with the same id answers the outcome again");
	run_for(1000);
	drv_ok(etcd_proc_pid(a->proc) == fpid && a->n_ev[ETCD_PROC_STARTING] == starts + 2,
	   "and restarts nothing (pid %d)", (int)fpid);

	/* A crash afterwards restarts without the flag. */
	starts = a->n_ev[ETCD_PROC_SERVING];
	kill(fpid, SIGKILL);
	drv_ok(wait_events(a, ETCD_PROC_RESTARTING, 1, 5000) &&
	   wait_events(a, ETCD_PROC_SERVING, starts + 1, 30000),
	   "after a crash it serves again");
	drv_ok(strstr(a->start_cmdline, "--force-new-cluster") == NULL &&
	   strstr(a->start_cmdline, "--data-dir") != NULL,
	   "without --force-new-cluster");
	rc = get(a->client_url, "t0700/after", false);
	drv_ok(rc == 0 && range_count == 1,
	   "the write made after the force is kept");
	learner_after_force(a, &m[1]);
	for (size_t i = 0; i < n_m; i++)
		stop_one(&m[i], 3000);
}

void scenario_learner(void)
{
	struct member *a = &m[0], *d = &m[1];

	if (n_m != 2) {
		drv_ok(false, "learner needs two members (-m)");
		return;
	}
	ic_n = 1;
	if (!drv_ok(start_one(a, 30000), "a one-member cluster serves"))
		return;
	drv_ok(add_and_start_learner(a, d, "the second member is added as a learner"),
	   "the learner counts as serving once it answers status");
	drv_ok(d->last[ETCD_PROC_SERVING].learner && d->last[ETCD_PROC_SERVING].member_id != 0 &&
	   d->last[ETCD_PROC_SERVING].member_id != etcd_proc_member_id(a->proc),
	   "its serving event says learner, with its own member id %016" PRIx64,
	   d->last[ETCD_PROC_SERVING].member_id);
	stop_one(d, 3000);
	stop_one(a, 3000);
}

