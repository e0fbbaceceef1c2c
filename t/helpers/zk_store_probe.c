/*
 * zk_store_probe — drives lib/zk/zk_store.h against a real ZooKeeper for
 * t/t0210-zk-store.sh. URI is the zk:// of -zk-framework-persist; NAME the
 * framework name. Results go to stdout, diagnostics to stderr.
 *
 *   zk_store_probe load    URI NAME           loads (bootstrapping) and
 *                          prints the mirror (see dump()); on failure
 *                          "error <errno name> <message>", exit 3
 *   zk_store_probe write   URI NAME ACTION... leads the election, loads,
 *                          then one line per action: "ok ..." or
 *                          "error <errno name> <message>"; exit 1 if any
 *                          failed. Actions (each one argv word, fields
 *                          separated by ','):
 *                            put-task,ID,NAME,STATE[,ETCD_ID[,TASK_STATE]]
 *                            overlap,ID (two puts of ID at once, then a
 *                            delete with a late put behind it)
 *                            del-task,ID   put-fwid,ID   forget-fwid
 *                            next   put-reseed,ID,JSON   del-reseed,ID
 *                            teardown,REASON   purge
 *   zk_store_probe counter URI NAME COUNT INFLIGHT
 *                          next_member COUNT times, INFLIGHT at once,
 *                          fenced by an own ephemeral node (no election);
 *                          prints each number handed out
 *   zk_store_probe lead    URI NAME ADMIN-URL STATUS GO STATE
 *                          contends; as leader loads and writes task
 *                          "t-shared" in STATE; STATUS gets "leader node=N
 *                          write=ok"; when the file GO appears it tries
 *                          two late writes (state REMOVED): through the
 *                          election, and as a write already decided with
 *                          the old node as its fence; appends
 *                          "late_election=E late_fenced=E leads=0|1"
 *   zk_store_probe refuse  URI NAME           the synchronous refusals and a
 *                          free with calls in flight ("ok:"/"FAIL:" lines)
 *   zk_store_probe leader-url URI NAME        prints the URL or "none"
 *   zk_store_probe raw-put URI PATH DATA      creates (with parents) or sets
 *   zk_store_probe raw-get URI PATH           prints the data or "none"
 *   zk_store_probe raw-delete URI PATH        deletes one node
 */
#include <signal.h>
#include <unistd.h>

#include "base/log.h"
#include "zk/zk_store.h"
#include "zk_probe.h"

static const char *errname(int rc)
{
	static char buf[32];
	static const struct { int rc; const char *name; } names[] = {
		{ 0, "OK" }, { -EINVAL, "EINVAL" }, { -ENOMEM, "ENOMEM" }, { -EPERM, "EPERM" },
		{ -ESTALE, "ESTALE" }, { -EBUSY, "EBUSY" }, { -EAGAIN, "EAGAIN" },
		{ -ENOTSUP, "ENOTSUP" }, { -EPROTO, "EPROTO" }, { -EEXIST, "EEXIST" },
		{ -ENOTCONN, "ENOTCONN" }, { -ENOENT, "ENOENT" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rc == rc)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", -rc);
	return buf;
}

/* ---- waiting for one completion ---- */

struct wait {
	bool done;
	int rc;
	uint64_t n;
	char err[600];
};

static void on_done(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct wait *w = arg;
	w->rc = rc;
	snprintf(w->err, sizeof(w->err), "%s", err ? err : "");
	w->done = true;
}

static void on_number(struct zk_store *st, int rc, uint64_t n, const char *err, void *arg)
{
	struct wait *w = arg;
	w->n = n;
	on_done(st, rc, err, arg);
}

/* The completion's rc, or the synchronous error. */
static int wait_for(int sync_rc, struct wait *w)
{
	if (sync_rc < 0) {
		snprintf(w->err, sizeof(w->err), "refused at once");
		return w->rc = sync_rc;
	}
	if (!run_until(&w->done, 20000)) {
		snprintf(w->err, sizeof(w->err), "no completion in 20 s");
		return w->rc = -ETIMEDOUT;
	}
	return w->rc;
}

static struct zk_store *store_open(struct zk_session *s, const char *name)
{
	struct zk_store_config cfg = { .base = "/", .framework_name = name };
	struct zk_store *st = NULL;
	char err[256];
	if (zk_store_new(s, &cfg, &st, err, sizeof(err)) < 0)
		fprintf(stderr, "FAIL: zk_store_new: %s\n", err);
	return st;
}

static int store_load(struct zk_store *st)
{
	struct wait w = { 0 };
	int rc = wait_for(zk_store_load(st, on_done, &w), &w);
	if (rc < 0)
		printf("error %s %s\n", errname(rc), w.err);
	return rc;
}

static void dump(const struct zk_store *st)
{
	const struct zk_store_original *o = zk_store_original(st);
	printf("fresh %d\n", zk_store_fresh(st));
	printf("framework_id %s\n", zk_store_framework_id(st) ? zk_store_framework_id(st) : "-");
	printf("teardown %d\n", zk_store_teardown_marked(st));
	printf("next_member %llu\n", (unsigned long long)zk_store_next_member_peek(st));
	for (size_t i = 0; i < zk_store_task_count(st); i++) {
		const struct registry_record *r = zk_store_task_at(st, i);
		printf("task %s name=%s agent=%s host=%s peer=%u client=%u state=%s etcd_id=%llu "
		       "initial=%d learner=%d foreign=%d task_state=%s\n",
		       r->task_id, r->name, r->agent_id, r->host, r->peer_port, r->client_port,
		       member_state_name(r->state), (unsigned long long)r->etcd_id, r->initial,
		       r->learner, r->foreign, r->task_state[0] ? r->task_state : "-");
	}
	for (size_t i = 0; i < zk_store_reseed_count(st); i++) {
		const char *json;
		const char *id = zk_store_reseed_at(st, i, &json, NULL);
		printf("reseed %s %s\n", id, json);
	}
	printf("original framework_id %s\n", o->framework_id_found ? o->framework_id : "-");
	printf("original reconciliation %d\n", o->reconciliation_found);
	for (size_t i = 0; i < o->n_tasks; i++)
		printf("original task %s -> %s\n", o->tasks[i].task_id, o->tasks[i].agent_id);
	if (o->error[0])
		printf("original error %s\n", o->error);
}

static int cmd_load(const char *uri, const char *name)
{
	struct sess x;
	struct zk_store *st;
	int rc = 3;

	if (!sess_open(&x, uri, 10000))
		return 2;
	st = store_open(x.s, name);
	if (st && store_load(st) == 0) {
		dump(st);
		rc = 0;
	}
	zk_store_free(st);
	zk_session_free(x.s);
	return rc;
}

/* ---- writes as the leader ---- */

static void sample_record(struct registry_record *r, const char *id, const char *name,
			  const char *state)
{
	registry_record_init(r);
	snprintf(r->task_id, sizeof(r->task_id), "%s", id);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->agent_id, sizeof(r->agent_id), "agent-S1");
	snprintf(r->host, sizeof(r->host), "127.0.0.1");
	r->peer_port = 2380;
	r->client_port = 2379;
	r->state = (enum member_state)member_state_from_name(state);
	r->planned_ms = 1764084000000ull;
	r->updated_ms = 1764084000000ull + 1;
}

static int do_action(struct zk_store *st, char *action)
{
	char *f[8] = { 0 };
	int n = 0, rc;
	struct wait w = { 0 };

	for (char *p = action, *save = NULL; n < 8 && (p = strtok_r(n ? NULL : p, ",", &save)); n++)
		f[n] = p;
	if (n == 0)
		return -EINVAL;
	if (strcmp(f[0], "put-task") == 0 && n >= 4) {
		struct registry_record r;
		if (member_state_from_name(f[3]) < 0)
			return -EINVAL;
		sample_record(&r, f[1], f[2], f[3]);
		if (n >= 5)
			r.etcd_id = strtoull(f[4], NULL, 10);
		if (n >= 6)
			snprintf(r.task_state, sizeof(r.task_state), "%s", f[5]);
		rc = wait_for(zk_store_put_task(st, &r, on_done, &w), &w);
	} else if (strcmp(f[0], "overlap") == 0 && n == 2) {
		/* Two writes of one record, both built from the mirror's copy
		 * and sent at once (as a status write and a planner write can
		 * be), then a delete and a late put built before it. */
		const struct registry_record *cur = zk_store_task_find(st, f[1]);
		struct registry_record a, b;
		struct wait wa = { 0 }, wb = { 0 }, wc = { 0 }, wd = { 0 };
		if (!cur)
			return -ENOENT;
		a = *cur;
		b = *cur;
		snprintf(a.task_state, sizeof(a.task_state), "TASK_RUNNING");
		b.state = MEMBER_RUNNING;
		b.etcd_id = 77;
		int ra = zk_store_put_task(st, &a, on_done, &wa);
		int rb = zk_store_put_task(st, &b, on_done, &wb);
		ra = wait_for(ra, &wa);
		rb = wait_for(rb, &wb);
		printf("%s overlap-a %s\n", ra ? "error" : "ok", ra ? errname(ra) : "");
		printf("%s overlap-b %s\n", rb ? "error" : "ok", rb ? errname(rb) : "");
		cur = zk_store_task_find(st, f[1]);
		printf("merged state=%s etcd_id=%llu task_state=%s\n",
		       cur ? member_state_name(cur->state) : "-",
		       cur ? (unsigned long long)cur->etcd_id : 0ull, cur ? cur->task_state : "-");
		if (!cur)
			return -ENOENT;
		b = *cur;
		b.state = MEMBER_DEAD;
		int rc2 = zk_store_delete_task(st, f[1], on_done, &wc);
		int rd = zk_store_put_task(st, &b, on_done, &wd);
		rc2 = wait_for(rc2, &wc);
		rd = wait_for(rd, &wd);
		printf("%s overlap-del %s\n", rc2 ? "error" : "ok", rc2 ? errname(rc2) : "");
		printf("late-put %s\n", errname(rd));
		rc = ra ? ra : rb ? rb : rc2;
		if (rc == 0)
			printf("ok overlap\n");
		return rc;
	} else if (strcmp(f[0], "del-task") == 0 && n == 2) {
		rc = wait_for(zk_store_delete_task(st, f[1], on_done, &w), &w);
	} else if (strcmp(f[0], "put-fwid") == 0 && n == 2) {
		rc = wait_for(zk_store_put_framework_id(st, f[1], on_done, &w), &w);
	} else if (strcmp(f[0], "forget-fwid") == 0) {
		rc = wait_for(zk_store_forget_framework_id(st, on_done, &w), &w);
	} else if (strcmp(f[0], "next") == 0) {
		rc = wait_for(zk_store_next_member(st, on_number, &w), &w);
		if (rc == 0) {
			printf("ok next %llu\n", (unsigned long long)w.n);
			return 0;
		}
	} else if (strcmp(f[0], "put-reseed") == 0 && n >= 3) {
		/* The JSON may hold commas: take the rest of the word. */
		char *json = f[2];
		for (int i = 3; i < n; i++)
			f[i][-1] = ',';
		rc = wait_for(zk_store_put_reseed(st, f[1], json, strlen(json), on_done, &w), &w);
	} else if (strcmp(f[0], "del-reseed") == 0 && n == 2) {
		rc = wait_for(zk_store_delete_reseed(st, f[1], on_done, &w), &w);
	} else if (strcmp(f[0], "purge") == 0) {
		rc = wait_for(zk_store_purge(st, on_done, &w), &w);
	} else if (strcmp(f[0], "teardown") == 0) {
		rc = wait_for(zk_store_mark_teardown(st, n > 1 ? f[1] : "", on_done, &w), &w);
	} else {
		fprintf(stderr, "unknown action %s\n", f[0]);
		return -EINVAL;
	}
	if (rc == 0)
		printf("ok %s\n", f[0]);
	else
		printf("error %s %s\n", errname(rc), w.err);
	return rc;
}

static int cmd_write(const char *uri, const char *name, int n, char **actions)
{
	struct sess x;
	struct zk_store *st;
	struct zk_election *e = NULL;
	struct solo so = { 0 };
	int failed = 0;

	if (!sess_open(&x, uri, 10000))
		return 2;
	st = store_open(x.s, name);
	if (!st)
		return 2;
	struct zk_election_config cfg = { .root = zk_store_root(st), .data = "http://writer:1",
					  .on_change = solo_change, .arg = &so };
	if (zk_election_new(x.s, &cfg, &e) < 0 || !run_until(&so.leader, 15000)) {
		fprintf(stderr, "FAIL: did not become leader\n");
		return 2;
	}
	zk_store_set_election(st, e);
	if (store_load(st) < 0)
		failed = 1;
	for (int i = 0; !failed && i < n; i++)
		if (do_action(st, actions[i]) < 0)
			failed = 1;
	zk_store_free(st);
	zk_election_free(e);
	zk_session_free(x.s);
	return failed;
}

/* ---- next_member from several processes ---- */

struct counter {
	struct zk_store *st;
	int left, inflight, errors;
};

static void counter_next(struct counter *c);

static void counter_got(struct zk_store *st, int rc, uint64_t n, const char *err, void *arg)
{
	struct counter *c = arg;
	c->inflight--;
	if (rc == 0) {
		printf("%llu\n", (unsigned long long)n);
	} else {
		fprintf(stderr, "FAIL: next_member: %s %s\n", errname(rc), err);
		c->errors++;
	}
	counter_next(c);
}

static void counter_next(struct counter *c)
{
	if (c->left <= 0 || c->errors)
		return;
	int rc = zk_store_next_member(c->st, counter_got, c);
	if (rc < 0) {
		fprintf(stderr, "FAIL: next_member refused: %s\n", errname(rc));
		c->errors++;
		return;
	}
	c->left--;
	c->inflight++;
}

static int cmd_counter(const char *uri, const char *name, int count, int inflight)
{
	struct sess x;
	struct res r;
	struct counter c = { .left = count };
	char fence[128];
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 2;
	c.st = store_open(x.s, name);
	snprintf(fence, sizeof(fence), "/fences/p%d", (int)getpid());
	rc = p_create(x.s, fence, "", ZOO_EPHEMERAL, true, &r);
	if (!c.st || rc != ZOK || zk_store_set_fence_node(c.st, fence) < 0 ||
	    store_load(c.st) < 0) {
		fprintf(stderr, "FAIL: setup (%s)\n", zerror(rc));
		return 2;
	}
	for (int i = 0; i < inflight; i++)
		counter_next(&c);
	uint64_t end = ev_time_ms() + 60000;
	while ((c.left > 0 || c.inflight > 0) && !c.errors && ev_time_ms() < end)
		ev_run_once(loop, 50);
	rc = (c.left == 0 && c.inflight == 0 && !c.errors) ? 0 : 1;
	fflush(stdout);
	zk_store_free(c.st);
	zk_session_free(x.s);
	return rc;
}

/* ---- a contender that writes late after being deposed ---- */

struct leader {
	struct zk_session *s;
	struct zk_store *st;
	struct zk_election *e;
	const char *status, *state;
	char node[256];
	bool stop;
};

static void status_line(const struct leader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void status_line(const struct leader *l, const char *fmt, ...)
{
	FILE *f = fopen(l->status, "a");
	va_list ap;
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static void leader_sig(struct ev_loop *lp, int signo, void *arg)
{
	((struct leader *)arg)->stop = true;
}

static void lead_change(struct zk_election *e, bool leader, void *arg)
{
	struct leader *l = arg;
	if (leader)
		snprintf(l->node, sizeof(l->node), "%s", zk_election_node(e));
	status_line(l, "%s", leader ? "elected" : "deposed");
}

static int cmd_lead(const char *uri, const char *name, const char *url, const char *status,
		    const char *go, const char *state)
{
	struct leader l = { .status = status, .state = state };
	struct sess x;
	struct registry_record r;
	struct wait w = { 0 };
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 2;
	l.s = x.s;
	l.st = store_open(l.s, name);
	struct zk_election_config cfg = { .root = zk_store_root(l.st), .data = url,
					  .on_change = lead_change, .arg = &l };
	ev_signal_add(loop, SIGTERM, leader_sig, &l);
	if (zk_election_new(l.s, &cfg, &l.e) < 0)
		return 2;
	zk_store_set_election(l.st, l.e);
	while (!l.stop && !zk_election_is_leader(l.e))
		ev_run_once(loop, 100);
	if (l.stop)
		goto out;
	rc = store_load(l.st);
	sample_record(&r, "t-shared", "etcd-1", state);
	if (rc == 0) {
		memset(&w, 0, sizeof(w));
		rc = wait_for(zk_store_put_task(l.st, &r, on_done, &w), &w);
	}
	status_line(&l, "leader node=%s write=%s", l.node, rc ? errname(rc) : "ok");
	while (!l.stop && access(go, F_OK) != 0)
		ev_run_once(loop, 20);
	if (l.stop)
		goto out;
	/* Late writes: first as the election sees it now, then one decided
	 * while leading, fenced by the node it had then. */
	bool leads = zk_election_is_leader(l.e);
	sample_record(&r, "t-shared", "etcd-1", "REMOVED");
	memset(&w, 0, sizeof(w));
	int rc1 = wait_for(zk_store_put_task(l.st, &r, on_done, &w), &w);
	fprintf(stderr, "late write through the election: %s %s\n", errname(rc1), w.err);
	struct zk_store *old = store_open(l.s, name);
	int rc2 = -EIO;
	if (old && zk_store_set_fence_node(old, l.node) == 0 && store_load(old) == 0) {
		memset(&w, 0, sizeof(w));
		rc2 = wait_for(zk_store_put_task(old, &r, on_done, &w), &w);
		fprintf(stderr, "late write fenced by %s: %s %s\n", l.node, errname(rc2), w.err);
		struct wait w2 = { 0 };
		int rc3 = wait_for(zk_store_next_member(old, on_number, &w2), &w2);
		fprintf(stderr, "late next_member: %s %s\n", errname(rc3), w2.err);
		if (rc3 != -ESTALE)
			rc2 = rc3 ? rc3 : -EIO;
	}
	zk_store_free(old);
	status_line(&l, "late_election=%s late_fenced=%s leads=%d", errname(rc1), errname(rc2),
		    leads);
out:
	zk_store_free(l.st);
	zk_election_free(l.e);
	zk_session_free(l.s);
	ev_signal_del(loop, SIGTERM);
	return 0;
}

/* ---- refusals ---- */

static int calls;

static void count_done(struct zk_store *st, int rc, const char *err, void *arg)
{
	calls++;
}

static void count_number(struct zk_store *st, int rc, uint64_t n, const char *err, void *arg)
{
	calls++;
}

static int cmd_refuse(const char *uri, const char *name)
{
	static const struct { const char *base, *name; } bad[] = {
		{ "/", "a/b" }, { "/", "." }, { "/", "" }, { "rel", "x" }, { "/a/", "x" },
		{ "/a//b", "x" },
	};
	struct registry_record r;
	struct sess x;
	struct res res;
	struct wait w = { 0 };
	struct zk_store *st = NULL;
	char err[256], fence[128];
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 2;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct zk_store_config cfg = { .base = bad[i].base, .framework_name = bad[i].name };
		err[0] = '\0';
		rc = zk_store_new(x.s, &cfg, &st, err, sizeof(err));
		CHECK(rc == -EINVAL && !st && err[0], "base \"%s\" name \"%s\" refused: %s",
		      bad[i].base, bad[i].name, err);
	}
	st = store_open(x.s, name);
	sample_record(&r, "t1", "etcd-1", "PLANNED");
	rc = zk_store_put_task(st, &r, count_done, NULL);
	CHECK(rc == -EAGAIN, "a write before the first load: %s", errname(rc));
	rc = zk_store_load(st, on_done, &w);
	CHECK(rc == 0, "load started");
	CHECK(zk_store_put_task(st, &r, count_done, NULL) == -EBUSY, "a write during the load: EBUSY");
	CHECK(zk_store_load(st, count_done, NULL) == -EBUSY, "a second load: EBUSY");
	CHECK(wait_for(rc, &w) == 0, "load done");
	rc = zk_store_put_task(st, &r, count_done, NULL);
	CHECK(rc == -EPERM, "a write without a fence: %s", errname(rc));

	CHECK(zk_store_set_fence_node(st, "/nope") == 0, "fence node /nope (absent)");
	memset(&w, 0, sizeof(w));
	rc = wait_for(zk_store_put_task(st, &r, on_done, &w), &w);
	CHECK(rc == -ESTALE && strstr(w.err, "not the leader any more"),
	      "a write fenced by an absent node: %s %s", errname(rc), w.err);

	snprintf(fence, sizeof(fence), "/fences/r%d", (int)getpid());
	CHECK(p_create(x.s, fence, "", ZOO_EPHEMERAL, true, &res) == ZOK &&
	      zk_store_set_fence_node(st, fence) == 0, "own fence node %s", fence);
	r.peer_port = 0;
	CHECK(zk_store_put_task(st, &r, count_done, NULL) == -EINVAL, "a record with port 0: EINVAL");
	r.peer_port = 2380;
	CHECK(zk_store_put_reseed(st, "a b", "{}", 2, count_done, NULL) == -EINVAL,
	      "a reseed id with a space: EINVAL");
	CHECK(zk_store_put_reseed(st, "r1", "[1]", 3, count_done, NULL) == -EINVAL,
	      "a reseed record that is no JSON object: EINVAL");
	CHECK(zk_store_put_framework_id(st, "", count_done, NULL) == -EINVAL,
	      "an empty framework id: EINVAL");
	CHECK(zk_store_delete_task(st, "a/b", count_done, NULL) == -EINVAL,
	      "a task id with '/': EINVAL");

	memset(&w, 0, sizeof(w));
	rc = zk_store_put_task(st, &r, on_done, &w);
	CHECK(rc == 0 && zk_store_load(st, count_done, NULL) == -EBUSY,
	      "a load while a write is in flight: EBUSY");
	CHECK(wait_for(rc, &w) == 0 && zk_store_task_find(st, "t1"), "the write lands in the mirror");

	/* Free with calls in flight: no completion, nothing leaks (ASan). */
	calls = 0;
	rc = zk_store_put_task(st, &r, count_done, NULL);
	int rc2 = zk_store_next_member(st, count_number, NULL);
	int rc3 = zk_store_delete_task(st, "t1", count_done, NULL);
	CHECK(rc == 0 && rc2 == 0 && rc3 == 0, "three writes in flight");
	zk_store_free(st);
	settle(500);
	CHECK(calls == 0, "after zk_store_free no completion runs (%d ran)", calls);

	/* A load in flight, freed. */
	st = store_open(x.s, name);
	CHECK(st && zk_store_load(st, count_done, NULL) == 0, "a load in flight");
	zk_store_free(st);
	settle(300);
	CHECK(calls == 0, "  freed: its completion never runs");
	zk_session_free(x.s);
	return failures ? 1 : 0;
}

/* ---- raw access and the leader's URL ---- */

static void got_url(int rc, const char *url, void *arg)
{
	struct res *r = arg;
	r->rc = rc;
	if (url)
		snprintf(r->data, sizeof(r->data), "%s", url);
	r->done = true;
}

static int cmd_leader_url(const char *uri, const char *name)
{
	struct sess x;
	struct res r = { 0 };
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 2;
	rc = finish(zk_store_leader_url(x.s, "/", name, got_url, &r), &r);
	if (rc == ZOK)
		printf("%s\n", r.data);
	else if (rc == ZNONODE)
		printf("none\n");
	else
		printf("error %d\n", rc);
	zk_session_free(x.s);
	return rc == ZOK || rc == ZNONODE ? 0 : 1;
}

static int cmd_raw(const char *op, const char *uri, const char *path, const char *data)
{
	struct sess x;
	struct res r;
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 2;
	if (strcmp(op, "raw-delete") == 0) {
		rc = p_delete(x.s, path, -1, &r);
	} else if (data) {
		rc = p_create(x.s, path, data, ZOO_PERSISTENT, true, &r);
		if (rc == ZNODEEXISTS)
			rc = p_set(x.s, path, data, -1, &r);
	} else {
		rc = p_get(x.s, path, NULL, NULL, &r);
		if (rc == ZOK)
			printf("%s\n", r.data);
		else if (rc == ZNONODE)
			printf("none\n");
		if (rc == ZNONODE)
			rc = ZOK;
	}
	if (rc != ZOK)
		fprintf(stderr, "FAIL: %s %s: %s\n", op, path, zerror(rc));
	zk_session_free(x.s);
	return rc == ZOK ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct log_config lc = { .program = "zk_store_probe", .logtostderr = true,
				 .stderrthreshold = 0 };
	int rc = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(&lc);
	loop = ev_loop_new();
	if (!loop)
		return 2;
	if (argc == 4 && strcmp(argv[1], "load") == 0)
		rc = cmd_load(argv[2], argv[3]);
	else if (argc >= 4 && strcmp(argv[1], "write") == 0)
		rc = cmd_write(argv[2], argv[3], argc - 4, argv + 4);
	else if (argc == 6 && strcmp(argv[1], "counter") == 0)
		rc = cmd_counter(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	else if (argc == 8 && strcmp(argv[1], "lead") == 0)
		rc = cmd_lead(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7]);
	else if (argc == 4 && strcmp(argv[1], "refuse") == 0)
		rc = cmd_refuse(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "leader-url") == 0)
		rc = cmd_leader_url(argv[2], argv[3]);
	else if (argc == 5 && strcmp(argv[1], "raw-put") == 0)
		rc = cmd_raw(argv[1], argv[2], argv[3], argv[4]);
	else if (argc == 4 && (strcmp(argv[1], "raw-get") == 0 ||
				strcmp(argv[1], "raw-delete") == 0))
		rc = cmd_raw(argv[1], argv[2], argv[3], NULL);
	else
		fprintf(stderr, "usage: see the head of t/helpers/zk_store_probe.c\n");
	ev_loop_free(loop);
	log_shutdown();
	return rc;
}
