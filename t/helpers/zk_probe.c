/*
 * zk_probe — drives lib/zk against a real ZooKeeper server for
 * t/t0200-zk.sh (session scenarios; zk_elect has the election ones). One
 * scenario per invocation; every check prints one line to stderr
 * ("ok: ..." / "FAIL: ..."); the exit status is 0 only if all passed.
 *
 *   zk_probe crud      URI
 *   zk_probe watch     URI
 *   zk_probe multi     URI
 *   zk_probe auth      URI-WITH-CREDENTIALS URI-WITHOUT URI-WRONG-PASSWORD
 *   zk_probe expire    URI            (SIGSTOPs itself past the timeout)
 *   zk_probe reentry   URI            (frees from inside callbacks)
 *   zk_probe reconnect URI MARKER     (touches MARKER, then expects the
 *                                      server to restart; ends with
 *                                      "done: N failures")
 *   zk_probe get       URI PATH       (prints the data)
 *   zk_probe put       URI PATH DATA  (creates it and its parents, or sets it)
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "zk_probe.h"

static int scenario_crud(const char *uri)
{
	struct sess x;
	struct res r;
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 1;
	struct zk_session *s = x.s;
	p_delete(s, "/crud/a", -1, &r);
	p_delete(s, "/crud/b", -1, &r);
	p_delete(s, "/crud", -1, &r);

	rc = p_create(s, "/crud/a", "v1", ZOO_PERSISTENT, false, &r);
	CHECK(rc == ZNONODE, "create without parent: ZNONODE (%s)", zerror(rc));
	rc = p_create(s, "/crud/a", "v1", ZOO_PERSISTENT, true, &r);
	CHECK(rc == ZOK && strcmp(r.path, "/crud/a") == 0,
	      "create_parents makes the chroot, /crud and /crud/a (%s, %s)", zerror(rc), r.path);
	rc = p_create(s, "/crud/a", "v1", ZOO_PERSISTENT, false, &r);
	CHECK(rc == ZNODEEXISTS, "create again: ZNODEEXISTS (%s)", zerror(rc));
	rc = p_get(s, "/crud/a", NULL, NULL, &r);
	CHECK(rc == ZOK && strcmp(r.data, "v1") == 0 && r.st.version == 0,
	      "get: \"%s\" at version %d", r.data, r.st.version);
	rc = p_set(s, "/crud/a", "v2", 0, &r);
	CHECK(rc == ZOK && r.st.version == 1, "set with version 0: ok, now version %d",
	      r.st.version);
	rc = p_set(s, "/crud/a", "v3", 0, &r);
	CHECK(rc == ZBADVERSION, "set with the stale version 0: ZBADVERSION (%s)", zerror(rc));
	rc = p_get(s, "/crud/a", NULL, NULL, &r);
	CHECK(rc == ZOK && strcmp(r.data, "v2") == 0, "the CAS loser did not write (\"%s\")",
	      r.data);
	rc = p_set(s, "/crud/a", "v4", -1, &r);
	CHECK(rc == ZOK && r.st.version == 2, "set with version -1: unconditional");
	rc = p_create(s, "/crud/b", NULL, ZOO_PERSISTENT, false, &r);
	CHECK(rc == ZOK, "create with null data");
	rc = p_get(s, "/crud/b", NULL, NULL, &r);
	CHECK(rc == ZOK && r.len == -1, "null data reads back as len -1 (%d)", r.len);
	rc = p_create(s, "/crud/s_", "x", ZOO_PERSISTENT_SEQUENTIAL, false, &r);
	CHECK(rc == ZOK && strncmp(r.path, "/crud/s_", 8) == 0 && strlen(r.path) == 18,
	      "sequential create returns the chroot-relative path (%s)", r.path);
	char seqpath[64];
	snprintf(seqpath, sizeof(seqpath), "%s", r.path);
	rc = p_children(s, "/crud", NULL, NULL, &r);
	CHECK(rc == ZOK && r.nnames == 3 && strcmp(r.names[0], "a") == 0 &&
	      strcmp(r.names[1], "b") == 0 && strncmp(r.names[2], "s_", 2) == 0,
	      "children: %d names (%s %s %s)", r.nnames, r.names[0], r.names[1], r.names[2]);
	rc = p_delete(s, "/crud", -1, &r);
	CHECK(rc == ZNOTEMPTY, "delete a parent: ZNOTEMPTY (%s)", zerror(rc));
	rc = p_delete(s, "/crud/a", 1, &r);
	CHECK(rc == ZBADVERSION, "delete with a wrong version: ZBADVERSION (%s)", zerror(rc));
	rc = p_delete(s, "/crud/a", 2, &r);
	CHECK(rc == ZOK, "delete with the right version");
	rc = p_get(s, "/crud/a", NULL, NULL, &r);
	CHECK(rc == ZNONODE, "get a deleted node: ZNONODE");
	rc = p_exists(s, "/crud/b", NULL, NULL, &r);
	CHECK(rc == ZOK && r.st.dataLength == 0, "exists: ZOK with a stat");
	rc = p_exists(s, "/crud/a", NULL, NULL, &r);
	CHECK(rc == ZNONODE, "exists of a deleted node: ZNONODE");
	rc = zk_get(s, "crud", NULL, NULL, res_data, &r);
	CHECK(rc == -EINVAL, "a relative path is refused at once (-EINVAL)");
	rc = zk_get(s, "/crud/", NULL, NULL, res_data, &r);
	CHECK(rc == -EINVAL, "a trailing slash is refused at once (-EINVAL)");
	p_delete(s, "/crud/b", -1, &r);
	p_delete(s, seqpath, -1, &r);
	rc = p_delete(s, "/crud", -1, &r);
	CHECK(rc == ZOK, "cleanup");

	/* Free with a call in flight: its completion must not run. */
	memset(&r, 0, sizeof(r));
	rc = zk_get(s, "/", NULL, NULL, res_data, &r);
	zk_session_free(s);
	CHECK(rc == 0 && !r.done, "zk_session_free with a call in flight: no completion");
	return failures ? 1 : 0;
}

static int scenario_watch(const char *uri)
{
	struct sess a, b;
	struct res r;
	struct watchlog wd = { 0 }, wc = { 0 }, we = { 0 }, wx = { 0 };
	int rc;

	if (!sess_open(&a, uri, 10000) || !sess_open(&b, uri, 10000))
		return 1;
	p_create(a.s, "/w/x", "0", ZOO_PERSISTENT, true, &r);

	rc = p_get(a.s, "/w/x", on_watch, &wd, &r);
	CHECK(rc == ZOK, "get with a data watch");
	p_set(b.s, "/w/x", "1", -1, &r);
	CHECK(run_until_count(&wd.n, 1, 5000) && wd.type[0] == ZOO_CHANGED_EVENT &&
	      strcmp(wd.path[0], "/w/x") == 0,
	      "a write by another session fires it: CHANGED on %s", wd.path[0]);
	p_set(b.s, "/w/x", "2", -1, &r);
	settle(300);
	CHECK(wd.n == 1, "a watch fires once (%d calls)", wd.n);

	rc = p_children(a.s, "/w", on_watch, &wc, &r);
	CHECK(rc == ZOK && r.nnames == 1, "children with a watch");
	p_create(b.s, "/w/y", "", ZOO_EPHEMERAL, false, &r);
	CHECK(run_until_count(&wc.n, 1, 5000) && wc.type[0] == ZOO_CHILD_EVENT &&
	      strcmp(wc.path[0], "/w") == 0, "a new child fires the child watch on /w");

	rc = p_exists(a.s, "/w/z", on_watch, &we, &r);
	CHECK(rc == ZNONODE, "exists with a watch on an absent node: ZNONODE");
	p_create(b.s, "/w/z", "", ZOO_EPHEMERAL, false, &r);
	CHECK(run_until_count(&we.n, 1, 5000) && we.type[0] == ZOO_CREATED_EVENT,
	      "creating it fires CREATED");

	rc = p_get(a.s, "/w/z", on_watch, &wx, &r);
	p_delete(b.s, "/w/z", -1, &r);
	CHECK(run_until_count(&wx.n, 1, 5000) && wx.type[0] == ZOO_DELETED_EVENT,
	      "deleting a watched node fires DELETED");

	/* A watch that was not set (get on an absent node) never fires. */
	struct watchlog wn = { 0 };
	rc = p_get(a.s, "/w/absent", on_watch, &wn, &r);
	p_create(b.s, "/w/absent", "", ZOO_EPHEMERAL, false, &r);
	settle(300);
	CHECK(rc == ZNONODE && wn.n == 0, "a failed get sets no watch");

	/* zk_session_cancel: a watch whose owner went away stays quiet. */
	struct watchlog wq = { 0 };
	rc = p_get(a.s, "/w/x", on_watch, &wq, &r);
	zk_session_cancel(a.s, &wq);
	p_set(b.s, "/w/x", "3", -1, &r);
	settle(300);
	CHECK(wq.n == 0, "a cancelled watch is not called");

	/* Ephemerals of b go when b closes. */
	zk_session_free(b.s);
	rc = p_exists(a.s, "/w/y", NULL, NULL, &r);
	CHECK(rc == ZNONODE, "closing a session deletes its ephemerals at once");
	p_delete(a.s, "/w/x", -1, &r);
	p_delete(a.s, "/w", -1, &r);
	zk_session_free(a.s);
	return failures ? 1 : 0;
}

static int scenario_multi(const char *uri)
{
	struct sess x;
	struct res r;
	struct zk_multi *m;
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 1;
	struct zk_session *s = x.s;
	p_create(s, "/m/x", "0", ZOO_PERSISTENT, true, &r);

	m = zk_multi_new();
	zk_multi_create(m, "/m/a", "A", 1, ZOO_PERSISTENT);
	zk_multi_set(m, "/m/x", "1", 1, 0);
	zk_multi_create(m, "/m/q_", "Q", 1, ZOO_PERSISTENT_SEQUENTIAL);
	rc = p_multi(s, m, &r);
	CHECK(rc == ZOK && r.mres[0] == ZOK && r.mres[1] == ZOK,
	      "multi create+set+create: ok (%s)", zerror(rc));
	CHECK(strcmp(r.mcreated[0], "/m/a") == 0 && strncmp(r.mcreated[2], "/m/q_", 5) == 0,
	      "created paths are reported (%s, %s)", r.mcreated[0], r.mcreated[2]);
	char qpath[64];
	snprintf(qpath, sizeof(qpath), "%s", r.mcreated[2]);

	m = zk_multi_new();
	zk_multi_create(m, "/m/c", "C", 1, ZOO_PERSISTENT);
	zk_multi_set(m, "/m/x", "2", 1, -1);
	zk_multi_check(m, "/m/missing", -1);
	rc = p_multi(s, m, &r);
	CHECK(rc == ZNONODE && r.mres[2] == ZNONODE,
	      "a failing check op fails the batch: %s, op 3 %s", zerror(rc), zerror(r.mres[2]));
	rc = p_exists(s, "/m/c", NULL, NULL, &r);
	CHECK(rc == ZNONODE, "nothing of the failed batch happened (no /m/c)");
	rc = p_get(s, "/m/x", NULL, NULL, &r);
	CHECK(rc == ZOK && strcmp(r.data, "1") == 0, "(/m/x still \"1\": \"%s\")", r.data);

	m = zk_multi_new();
	zk_multi_check(m, "/m/x", 0);
	zk_multi_set(m, "/m/x", "3", 1, -1);
	rc = p_multi(s, m, &r);
	CHECK(rc == ZBADVERSION, "a check op with a stale version: ZBADVERSION (%s)", zerror(rc));

	m = zk_multi_new();
	zk_multi_check(m, "/m/x", 1);
	zk_multi_delete(m, "/m/a", -1);
	zk_multi_delete(m, qpath, -1);
	zk_multi_delete(m, "/m/x", -1);
	zk_multi_delete(m, "/m", -1);
	rc = p_multi(s, m, &r);
	CHECK(rc == ZOK, "check+deletes in one batch (%s)", zerror(rc));

	m = zk_multi_new();
	rc = zk_multi_check(m, "bad", -1);
	CHECK(rc == -EINVAL, "a malformed path in a batch: -EINVAL");
	rc = zk_multi_commit(s, m, res_multi, &r);
	CHECK(rc == -EINVAL, "an empty batch: -EINVAL (and the batch is freed)");
	zk_session_free(s);
	return failures ? 1 : 0;
}

static int scenario_auth(const char *uri_creds, const char *uri_plain, const char *uri_wrong)
{
	struct sess a, b, c;
	struct res r;
	int rc;

	if (!sess_open(&a, uri_creds, 10000) || !sess_open(&b, uri_plain, 10000) ||
	    !sess_open(&c, uri_wrong, 10000))
		return 1;
	rc = p_create(a.s, "/auth/n", "secret", ZOO_PERSISTENT, true, &r);
	CHECK(rc == ZOK, "authenticated create (%s)", zerror(rc));
	rc = p_get(b.s, "/auth/n", NULL, NULL, &r);
	CHECK(rc == ZOK && strcmp(r.data, "secret") == 0, "world can read");
	rc = p_set(b.s, "/auth/n", "x", -1, &r);
	CHECK(rc == ZNOAUTH, "an anonymous session cannot write: ZNOAUTH (%s)", zerror(rc));
	rc = p_set(c.s, "/auth/n", "x", -1, &r);
	CHECK(rc == ZNOAUTH, "a wrong password cannot write: ZNOAUTH (%s)", zerror(rc));
	rc = p_set(a.s, "/auth/n", "y", -1, &r);
	CHECK(rc == ZOK, "the creator can write");
	CHECK(strstr(zk_session_display(a.s), "***@") != NULL &&
	      strstr(zk_session_display(a.s), "pass") == NULL,
	      "the display form hides the credentials (%s)", zk_session_display(a.s));
	rc = p_delete(a.s, "/auth/n", -1, &r);
	rc = p_delete(a.s, "/auth", -1, &r);
	CHECK(rc == ZOK, "cleanup by the creator");
	zk_session_free(c.s);
	zk_session_free(b.s);
	zk_session_free(a.s);
	return failures ? 1 : 0;
}

static int scenario_expire(const char *uri)
{
	struct sess x;
	struct res r;
	struct solo so = { 0 };
	struct zk_election *el = NULL;
	struct zk_election_config cfg = { .root = "/ex", .data = "solo",
					  .on_change = solo_change, .arg = &so };
	int rc;

	if (!sess_open(&x, uri, 1000))
		return 1;
	struct zk_session *s = x.s;
	int64_t id1 = zk_session_id(s);
	int timeout = zk_session_timeout_ms(s);
	CHECK(timeout >= 1000 && timeout <= 2000, "negotiated timeout %d ms", timeout);
	rc = p_create(s, "/e/eph", "1", ZOO_EPHEMERAL, true, &r);
	CHECK(rc == ZOK, "ephemeral created");
	CHECK(zk_election_new(s, &cfg, &el) == 0 && run_until(&so.leader, 10000) &&
	      zk_election_can_act(el), "a lone contender leads and may act");
	int64_t epoch1 = zk_election_epoch(el);

	/* A helper process stops us past the timeout, then resumes us. */
	pid_t me = getpid(), helper = fork();
	if (helper == 0) {
		struct timespec ts = { (timeout * 4) / 1000, ((timeout * 4) % 1000) * 1000000L };
		kill(me, SIGSTOP);
		nanosleep(&ts, NULL);
		kill(me, SIGCONT);
		_exit(0);
	}
	int st = 0;
	waitpid(helper, &st, 0);  /* returns once we run again */
	fprintf(stderr, "  resumed after a stop of %d ms\n", timeout * 4);
	CHECK(zk_session_silence_ms(s) >= (uint64_t)timeout * 3,
	      "the silence is measured across the stop (%llu ms)",
	      (unsigned long long)zk_session_silence_ms(s));
	CHECK(zk_election_is_leader(el) && !zk_election_can_act(el),
	      "before the client notices anything the leader already may not act");
	CHECK(run_until(&x.expired, 15000), "the session expiry is reported");
	x.connected = false;
	CHECK(run_until(&x.connected, 15000), "a new session connects on its own");
	int64_t id2 = zk_session_id(s);
	CHECK(id2 != 0 && id2 != id1, "with a new id (0x%llx -> 0x%llx)",
	      (unsigned long long)id1, (unsigned long long)id2);
	bool saw_connected = false;
	for (int i = 0; i < x.nevents; i++)
		if (x.events[i] == ZK_SESSION_EXPIRED)
			for (int j = i + 1; j < x.nevents; j++)
				if (x.events[j] == ZK_SESSION_CONNECTED)
					saw_connected = true;
	CHECK(saw_connected, "events: EXPIRED then CONNECTED (%d events)", x.nevents);
	CHECK(so.downs == 1, "the leader stepped down on expiry");
	bool again = run_until(&so.leader, 10000);
	int64_t epoch2 = zk_election_epoch(el);
	CHECK(again && epoch2 > epoch1,
	      "and leads again on the new session with a larger epoch (%lld -> %lld)",
	      (long long)epoch1, (long long)epoch2);
	zk_election_free(el);
	rc = p_children(s, "/ex/leader", NULL, NULL, &r);
	CHECK(rc == ZOK && r.nnames == 0, "leaving the election deletes the own node");
	p_delete(s, "/ex/leader", -1, &r);
	p_delete(s, "/ex", -1, &r);
	rc = p_exists(s, "/e/eph", NULL, NULL, &r);
	CHECK(rc == ZNONODE, "the old ephemeral is gone (%s)", zerror(rc));
	rc = p_create(s, "/e/eph", "2", ZOO_EPHEMERAL, false, &r);
	CHECK(rc == ZOK, "the owner can re-create it on the new session");
	rc = p_exists(s, "/e/eph", NULL, NULL, &r);
	CHECK(rc == ZOK && r.st.ephemeralOwner == id2, "owned by the new session");
	p_delete(s, "/e/eph", -1, &r);
	p_delete(s, "/e", -1, &r);
	zk_session_free(s);
	return failures ? 1 : 0;
}

static int scenario_get(const char *uri, const char *path)
{
	struct sess x;
	struct res r;
	if (!sess_open(&x, uri, 10000))
		return 1;
	int rc = p_get(x.s, path, NULL, NULL, &r);
	if (rc == ZOK)
		printf("%s\n", r.data);
	zk_session_free(x.s);
	return rc == ZOK ? 0 : 1;
}

static int scenario_put(const char *uri, const char *path, const char *data)
{
	struct sess x;
	struct res r;
	if (!sess_open(&x, uri, 10000))
		return 1;
	int rc = p_create(x.s, path, data, ZOO_PERSISTENT, true, &r);
	if (rc == ZNODEEXISTS)
		rc = p_set(x.s, path, data, -1, &r);
	if (rc != ZOK)
		fprintf(stderr, "zk_probe put %s: %s\n", path, zerror(rc));
	zk_session_free(x.s);
	return rc == ZOK ? 0 : 1;
}

/* ---- freeing from inside callbacks ---- */

struct reentry {
	struct zk_session *s;
	int calls;
	bool freed;
	struct zk_election *e;
	int changes;
};

static void re_free_in_completion(int rc, const char *data, int len, const struct Stat *st,
				  void *arg)
{
	struct reentry *re = arg;
	re->calls++;
	zk_session_free(re->s);
	re->freed = true;
}

static void re_free_in_listener(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct reentry *re = arg;
	re->calls++;
	if (ev == ZK_SESSION_CONNECTED) {
		zk_session_free(s);
		re->freed = true;
	}
}

static void re_free_in_watch(int type, const char *path, void *arg)
{
	struct reentry *re = arg;
	re->calls++;
	zk_session_free(re->s);
	re->freed = true;
}

static void re_free_in_change(struct zk_election *e, bool leader, void *arg)
{
	struct reentry *re = arg;
	re->changes++;
	if (leader) {
		zk_election_free(e);
		re->e = NULL;
		re->freed = true;
	}
}

static int scenario_reentry(const char *uri)
{
	struct sess x, y;
	struct res r;
	struct reentry re = { 0 };
	char err[256];
	int rc;

	rc = zk_session_new(loop, "http://h:1/x", 1000, &re.s, err, sizeof(err));
	CHECK(rc == -EINVAL && re.s == NULL && strstr(err, "zk://") != NULL,
	      "a non-zk URI is refused: %s", err);
	rc = zk_session_new(loop, "zk://127.0.0.1:2181", 1000, &re.s, err, sizeof(err));
	CHECK(rc == -EINVAL, "a URI without a path is refused: %s", err);

	/* 1. free inside a completion: the other call in flight stays quiet */
	if (!sess_open(&x, uri, 10000))
		return 1;
	re.s = x.s;
	memset(&r, 0, sizeof(r));
	rc = zk_get(x.s, "/", NULL, NULL, re_free_in_completion, &re);
	int rc2 = zk_get(x.s, "/", NULL, NULL, res_data, &r);
	CHECK(rc == 0 && rc2 == 0, "two calls in flight");
	run_until(&re.freed, 5000);
	settle(300);
	CHECK(re.freed && re.calls == 1 && !r.done,
	      "zk_session_free inside a completion: later completions do not run");

	/* 2. free inside a listener */
	memset(&re, 0, sizeof(re));
	rc = zk_session_new(loop, uri, 10000, &re.s, err, sizeof(err));
	zk_session_listen(re.s, re_free_in_listener, &re);
	run_until(&re.freed, 10000);
	settle(200);
	CHECK(rc == 0 && re.freed && re.calls == 1, "zk_session_free inside a listener");

	/* 3. free inside a watch */
	if (!sess_open(&x, uri, 10000) || !sess_open(&y, uri, 10000))
		return 1;
	memset(&re, 0, sizeof(re));
	re.s = x.s;
	p_create(y.s, "/re/w", "0", ZOO_PERSISTENT, true, &r);
	memset(&r, 0, sizeof(r));
	rc = zk_get(x.s, "/re/w", re_free_in_watch, &re, res_data, &r);
	run_until(&r.done, 5000);
	p_set(y.s, "/re/w", "1", -1, &r);
	run_until(&re.freed, 5000);
	settle(200);
	if (!CHECK(re.freed && re.calls == 1, "zk_session_free inside a watch"))
		zk_session_free(x.s);

	/* 4. zk_election_free inside on_change: the node goes away */
	memset(&re, 0, sizeof(re));
	struct zk_election_config cfg = { .root = "/re", .data = "x",
					  .on_change = re_free_in_change, .arg = &re };
	rc = zk_election_new(y.s, &cfg, &re.e);
	run_until(&re.freed, 5000);
	settle(300);
	rc = p_children(y.s, "/re/leader", NULL, NULL, &r);
	CHECK(re.freed && re.changes == 1 && rc == ZOK && r.nnames == 0,
	      "zk_election_free inside its callback: one call, own node deleted (%d left)",
	      r.nnames);
	p_delete(y.s, "/re/leader", -1, &r);
	p_delete(y.s, "/re/w", -1, &r);
	p_delete(y.s, "/re", -1, &r);
	zk_session_free(y.s);
	return failures ? 1 : 0;
}

/* ---- a server restart within the session timeout ---- */

static int scenario_reconnect(const char *uri, const char *marker)
{
	struct sess x, y;
	struct res r;
	struct watchlog w = { 0 };
	struct solo so = { 0 };
	struct zk_election *el = NULL;
	struct zk_election_config cfg = { .root = "/rc", .data = "rc",
					  .on_change = solo_change, .arg = &so };
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 1;
	int64_t id = zk_session_id(x.s);
	rc = p_create(x.s, "/rc/eph", "1", ZOO_EPHEMERAL, true, &r);
	CHECK(rc == ZOK, "ephemeral created");
	rc = p_create(x.s, "/rc/w", "0", ZOO_PERSISTENT, false, &r);
	rc = p_get(x.s, "/rc/w", on_watch, &w, &r);
	CHECK(rc == ZOK, "data watch set");
	CHECK(zk_election_new(x.s, &cfg, &el) == 0 && run_until(&so.leader, 10000),
	      "leading the election");
	FILE *f = fopen(marker, "w");
	if (f)
		fclose(f);
	fprintf(stderr, "  ready: restart the server now\n");

	bool down = false;
	uint64_t end = ev_time_ms() + 60000;
	while (!down && ev_time_ms() < end) {
		ev_run_once(loop, 50);
		for (int i = 0; i < x.nevents; i++)
			down |= x.events[i] == ZK_SESSION_DISCONNECTED;
	}
	CHECK(down, "the server going away is reported as DISCONNECTED");
	CHECK(zk_election_is_leader(el), "a short outage does not end leadership at once");
	x.connected = false;
	CHECK(run_until(&x.connected, 60000), "the client reconnects on its own");
	CHECK(x.events[x.nevents - 1] == ZK_SESSION_RECONNECTED && zk_session_id(x.s) == id,
	      "as RECONNECTED, with the same session id");
	CHECK(!x.expired && so.downs == 0 && zk_election_is_leader(el) && zk_election_can_act(el),
	      "still leader and allowed to act");
	rc = p_exists(x.s, "/rc/eph", NULL, NULL, &r);
	CHECK(rc == ZOK && r.st.ephemeralOwner == id, "the ephemeral survived");
	if (!sess_open(&y, uri, 10000))
		return 1;
	p_set(y.s, "/rc/w", "1", -1, &r);
	CHECK(run_until_count(&w.n, 1, 5000) && w.type[0] == ZOO_CHANGED_EVENT,
	      "a watch set before the outage still fires");
	zk_election_free(el);
	p_delete(x.s, "/rc/eph", -1, &r);
	p_delete(x.s, "/rc/w", -1, &r);
	p_delete(x.s, "/rc/leader", -1, &r);
	p_delete(x.s, "/rc", -1, &r);
	zk_session_free(y.s);
	zk_session_free(x.s);
	fprintf(stderr, "done: %d failures\n", failures);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct log_config lc = { .program = "zk_probe", .logtostderr = true,
				 .stderrthreshold = 0 };
	int rc = 2;

	log_init(&lc);
	loop = ev_loop_new();
	if (!loop)
		return 2;
	if (argc == 3 && strcmp(argv[1], "crud") == 0)
		rc = scenario_crud(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "watch") == 0)
		rc = scenario_watch(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "multi") == 0)
		rc = scenario_multi(argv[2]);
	else if (argc == 5 && strcmp(argv[1], "auth") == 0)
		rc = scenario_auth(argv[2], argv[3], argv[4]);
	else if (argc == 3 && strcmp(argv[1], "expire") == 0)
		rc = scenario_expire(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "reentry") == 0)
		rc = scenario_reentry(argv[2]);
	else if (argc == 4 && strcmp(argv[1], "reconnect") == 0)
		rc = scenario_reconnect(argv[2], argv[3]);
	else if (argc == 4 && strcmp(argv[1], "get") == 0)
		rc = scenario_get(argv[2], argv[3]);
	else if (argc == 5 && strcmp(argv[1], "put") == 0)
		rc = scenario_put(argv[2], argv[3], argv[4]);
	else
		fprintf(stderr, "usage: zk_probe crud|watch|multi|expire|reentry URI | auth URI-CREDS URI-PLAIN URI-WRONG | reconnect URI MARKER | get URI PATH | put URI PATH DATA\n");
	ev_loop_free(loop);
	log_shutdown();
	return rc;
}
