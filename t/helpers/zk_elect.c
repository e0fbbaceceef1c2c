/*
 * zk_elect — the election side of t/t0200-zk.sh: a long-running
 * contender, a fenced write from outside, and an election create whose
 * answer is lost. Checks print "ok: ..." / "FAIL: ..." on stderr.
 *
 *   zk_elect run          URI ROOT ID STATUS-FILE   (until SIGTERM; keeps
 *                         "role= node= epoch= write= changes=" in the file)
 *   zk_elect fenced-write URI ROOT NODE
 *   zk_elect lostcreate   URI
 *   zk_elect ownnode      URI      (the leader's node deleted under it)
 *   zk_elect leader       URI ROOT (prints the leader's data, or "none")
 */
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "base/log.h"
#include "zk_probe.h"

/* ---- election ---- */

struct elector {
	const char *id, *root, *status;
	struct zk_session *s;
	struct zk_election *e;
	char last_write[64];
	int leader_changes;
	bool stop;
};

static void elector_status(struct elector *el)
{
	char tmp[512];
	FILE *f;
	snprintf(tmp, sizeof(tmp), "%s.tmp", el->status);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "role=%s node=%s epoch=%lld write=%s changes=%d\n",
		zk_election_is_leader(el->e) ? "leader" : "follower",
		zk_election_node(el->e) ? zk_election_node(el->e) : "-",
		(long long)zk_election_epoch(el->e), el->last_write, el->leader_changes);
	fclose(f);
	rename(tmp, el->status);
}

static void elector_wrote(int rc, const struct zk_multi *m, void *arg)
{
	struct elector *el = arg;
	snprintf(el->last_write, sizeof(el->last_write), "%s",
		 rc == ZOK ? "ok" : zerror(rc));
	for (char *p = el->last_write; *p; p++)
		if (*p == ' ')
			*p = '_';
	elector_status(el);
}

static void elector_change(struct zk_election *e, bool leader, void *arg)
{
	struct elector *el = arg;
	char path[256], val[128];
	el->leader_changes++;
	snprintf(el->last_write, sizeof(el->last_write), "-");
	if (leader) {
		/* The first act of a leader: a fenced write of who leads. */
		struct zk_multi *m = zk_multi_new();
		snprintf(path, sizeof(path), "%s/state", el->root);
		snprintf(val, sizeof(val), "%s %lld", el->id, (long long)zk_election_epoch(e));
		if (zk_election_fence(e, m) < 0 ||
		    zk_multi_set(m, path, val, strlen(val), -1) < 0 ||
		    zk_multi_commit(el->s, m, elector_wrote, el) < 0)
			snprintf(el->last_write, sizeof(el->last_write), "not-sent");
	}
	elector_status(el);
}

static void elector_signal(struct ev_loop *l, int signo, void *arg)
{
	struct elector *el = arg;
	el->stop = true;
}

static void elector_session(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	fprintf(stderr, "  session event: %s\n", zk_session_event_name(ev));
}

static int scenario_elect(const char *uri, const char *root, const char *id,
			  const char *status)
{
	struct elector el = { .id = id, .root = root, .status = status };
	struct zk_election_config cfg = { .root = root, .data = id,
					  .on_change = elector_change, .arg = &el };
	char err[256], path[256];
	struct res r;

	snprintf(el.last_write, sizeof(el.last_write), "-");
	if (zk_session_new(loop, uri, 1000, &el.s, err, sizeof(err)) < 0) {
		fprintf(stderr, "FAIL: %s\n", err);
		return 1;
	}
	zk_session_listen(el.s, elector_session, &el);
	ev_signal_add(loop, SIGTERM, elector_signal, &el);
	/* The state node must exist for the leaders' fenced writes. */
	bool up = false;
	for (int i = 0; i < 200 && !up; i++) {
		ev_run_once(loop, 50);
		up = zk_session_connected(el.s);
	}
	snprintf(path, sizeof(path), "%s/state", root);
	int rc = p_create(el.s, path, "", ZOO_PERSISTENT, true, &r);
	if (rc != ZOK && rc != ZNODEEXISTS) {
		fprintf(stderr, "FAIL: cannot create %s: %s\n", path, zerror(rc));
		return 1;
	}
	if (zk_election_new(el.s, &cfg, &el.e) < 0) {
		fprintf(stderr, "FAIL: zk_election_new\n");
		return 1;
	}
	elector_status(&el);
	uint64_t end = ev_time_ms() + 300000;
	while (!el.stop && ev_time_ms() < end) {
		ev_run_once(loop, 200);
		elector_status(&el);  /* the node changes without a leader change */
	}
	zk_election_free(el.e);
	zk_session_free(el.s);
	ev_signal_del(loop, SIGTERM);
	return 0;
}

static int scenario_fenced_write(const char *uri, const char *root, const char *node)
{
	struct sess x;
	struct res r;
	char path[256];
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 1;
	snprintf(path, sizeof(path), "%s/state", root);
	rc = p_get(x.s, path, NULL, NULL, &r);
	char before[512];
	snprintf(before, sizeof(before), "%s", r.data);
	struct zk_multi *m = zk_multi_new();
	zk_multi_check(m, node, -1);
	zk_multi_set(m, path, "intruder", 8, -1);
	rc = p_multi(x.s, m, &r);
	CHECK(rc == ZNONODE, "a write fenced by the deposed leader's node %s fails: %s",
	      node, zerror(rc));
	rc = p_get(x.s, path, NULL, NULL, &r);
	CHECK(rc == ZOK && strcmp(r.data, before) == 0,
	      "the state is unchanged (\"%s\")", r.data);
	zk_session_free(x.s);
	return failures ? 1 : 0;
}

/* ---- an election create whose answer is lost ---- */

/* The client's socket to the server at port (found in /proc/self/fd). */
static int zk_socket_fd(int port)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int found = -1;

	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);
		struct stat st;
		if (fd <= 2 || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (getpeername(fd, (struct sockaddr *)&sin, &len) == 0 &&
		    sin.sin_family == AF_INET && ntohs(sin.sin_port) == port)
			found = fd;
	}
	if (d)
		closedir(d);
	return found;
}

static int scenario_lostcreate(const char *uri)
{
	struct sess x;
	struct res r;
	struct solo so = { 0 };
	struct zk_election *el = NULL;
	struct zk_election_config cfg = { .root = "/lc", .data = "lc",
					  .on_change = solo_change, .arg = &so };
	const char *colon = strrchr(uri, ':');
	int port = colon ? atoi(colon + 1) : 0;
	int rc;

	if (!sess_open(&x, uri, 10000))
		return 1;
	int64_t id = zk_session_id(x.s);
	rc = p_create(x.s, "/lc/leader", NULL, ZOO_PERSISTENT, true, &r);
	CHECK(rc == ZOK, "election directory made");
	int fd = zk_socket_fd(port);
	CHECK(fd >= 0, "found the client socket (fd %d, port %d)", fd, port);
	/* zk_election_new writes the create at once; then our side stops
	 * reading, so the answer is lost while the server still acts on it. */
	CHECK(zk_election_new(x.s, &cfg, &el) == 0, "joined");
	CHECK(shutdown(fd, SHUT_RD) == 0, "the answer will be lost (shutdown SHUT_RD)");
	bool down = false;
	uint64_t end = ev_time_ms() + 20000;
	while (!down && ev_time_ms() < end) {
		ev_run_once(loop, 50);
		for (int i = 0; i < x.nevents; i++)
			down |= x.events[i] == ZK_SESSION_DISCONNECTED;
	}
	CHECK(down, "the connection drops");
	CHECK(run_until(&so.leader, 20000), "the contender still becomes leader");
	CHECK(zk_session_id(x.s) == id, "on the same session");
	rc = p_children(x.s, "/lc/leader", NULL, NULL, &r);
	CHECK(rc == ZOK && r.nnames == 1 && zk_election_epoch(el) == 0,
	      "with the node of the lost answer, found by ephemeralOwner: %d node(s), epoch %lld",
	      r.nnames, (long long)zk_election_epoch(el));
	zk_election_free(el);
	p_delete(x.s, "/lc/leader", -1, &r);
	p_delete(x.s, "/lc", -1, &r);
	zk_session_free(x.s);
	return failures ? 1 : 0;
}

/* ---- the leader's node deleted under it ---- */

static int scenario_ownnode(const char *uri)
{
	struct sess x, y;
	struct res r;
	struct solo so = { 0 };
	struct zk_election *el = NULL;
	struct zk_election_config cfg = { .root = "/on", .data = "on",
					  .on_change = solo_change, .arg = &so };
	char node[256];

	if (!sess_open(&x, uri, 10000) || !sess_open(&y, uri, 10000))
		return 1;
	CHECK(zk_election_new(x.s, &cfg, &el) == 0 && run_until(&so.leader, 10000),
	      "a lone contender leads");
	snprintf(node, sizeof(node), "%s", zk_election_node(el));
	int64_t epoch1 = zk_election_epoch(el);
	int rc = p_delete(y.s, node, -1, &r);
	CHECK(rc == ZOK, "someone else deletes its node %s", node);
	bool down = false;
	uint64_t end = ev_time_ms() + 10000;
	while (!down && ev_time_ms() < end) {
		ev_run_once(loop, 50);
		down = so.downs > 0;
	}
	CHECK(down, "the leader steps down");
	CHECK(run_until(&so.leader, 10000), "joins again and leads");
	int64_t epoch2 = zk_election_epoch(el);
	CHECK(epoch2 > epoch1 && strcmp(zk_election_node(el), node) != 0,
	      "on a new node with a larger epoch (%lld -> %lld)", (long long)epoch1,
	      (long long)epoch2);
	struct zk_multi *m = zk_multi_new();
	zk_multi_check(m, node, -1);
	zk_multi_set(m, "/on", "x", 1, -1);
	rc = p_multi(y.s, m, &r);
	CHECK(rc == ZNONODE, "a write fenced on the deleted node fails (%s)", zerror(rc));
	zk_election_free(el);
	p_delete(y.s, "/on/leader", -1, &r);
	p_delete(y.s, "/on", -1, &r);
	zk_session_free(y.s);
	zk_session_free(x.s);
	return failures ? 1 : 0;
}

/* ---- who leads, seen from outside ---- */

struct lookup {
	bool done;
	int rc;
	char out[512];
};

static void leader_found(int rc, const char *path, const char *data, int len, void *arg)
{
	struct lookup *l = arg;
	l->rc = rc;
	if (rc == ZOK)
		snprintf(l->out, sizeof(l->out), "%.*s", len > 0 ? len : 0, data ? data : "");
	l->done = true;
	if (rc == ZOK)
		fprintf(stderr, "  leader node %s\n", path);
}

static int scenario_leader(const char *uri, const char *root)
{
	struct sess x;
	struct lookup l = { 0 };
	if (!sess_open(&x, uri, 10000))
		return 1;
	int rc = zk_election_leader(x.s, root, leader_found, &l);
	if (rc == 0 && run_until(&l.done, 10000)) {
		if (l.rc == ZOK)
			printf("%s\n", l.out);
		else if (l.rc == ZNONODE)
			printf("none\n");
	}
	zk_session_free(x.s);
	return rc == 0 && l.done && (l.rc == ZOK || l.rc == ZNONODE) ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct log_config lc = { .program = "zk_elect", .logtostderr = true,
				 .stderrthreshold = 0 };
	int rc = 2;

	log_init(&lc);
	loop = ev_loop_new();
	if (!loop)
		return 2;
	if (argc == 6 && strcmp(argv[1], "run") == 0)
		rc = scenario_elect(argv[2], argv[3], argv[4], argv[5]);
	else if (argc == 5 && strcmp(argv[1], "fenced-write") == 0)
		rc = scenario_fenced_write(argv[2], argv[3], argv[4]);
	else if (argc == 4 && strcmp(argv[1], "leader") == 0)
		rc = scenario_leader(argv[2], argv[3]);
	else if (argc == 3 && strcmp(argv[1], "ownnode") == 0)
		rc = scenario_ownnode(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "lostcreate") == 0)
		rc = scenario_lostcreate(argv[2]);
	else
		fprintf(stderr, "usage: zk_elect run URI ROOT ID STATUS-FILE | fenced-write URI ROOT NODE | lostcreate|ownnode URI | leader URI ROOT\n");
	ev_loop_free(loop);
	log_shutdown();
	return rc;
}
