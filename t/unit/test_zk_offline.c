/* lib/zk without a server: URI refusals, argument checks, calls that end
 * in ZCONNECTIONLOSS, no busy loop while the server is unreachable, and
 * clean teardown with calls in flight. (Server tests: t/t0200-zk.sh.) */
#include "tap.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "ev/ev.h"
#include "zk/zk_election.h"
#include "zk/zk_session.h"

struct got {
	int calls;
	int rc;
	int events;
};

static void on_data(int rc, const char *data, int len, const struct Stat *st, void *arg)
{
	struct got *g = arg;
	g->calls++;
	g->rc = rc;
}

/* A completion that opens an fd and watches it: the client's socket may
 * have just been closed with the same number. */
static struct ev_loop *the_loop;
static int reuse_rc = 1;

static void pipe_cb(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
}

static void on_data_open(int rc, const char *data, int len, const struct Stat *st,
			 void *arg)
{
	struct got *g = arg;
	int p[2];
	g->calls++;
	g->rc = rc;
	if (pipe(p) < 0)
		return;
	reuse_rc = ev_io_add(the_loop, p[0], EV_READ, pipe_cb, NULL);
	ev_io_del(the_loop, p[0]);
	close(p[0]);
	close(p[1]);
}

static void on_event(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct got *g = arg;
	g->events++;
}

static void on_watch(int type, const char *path, void *arg)
{
	struct got *g = arg;
	g->calls += 100;
}

static void on_change(struct zk_election *e, bool leader, void *arg)
{
	struct got *g = arg;
	g->calls++;
}

static void on_lowest(int rc, const char *path, const char *data, int len, void *arg)
{
	struct got *g = arg;
	g->calls++;
}

static void on_multi(int rc, const struct zk_multi *m, void *arg)
{
	struct got *g = arg;
	g->calls++;
}

/* A loopback port where nothing listens. */
static int dead_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

int main(void)
{
	struct log_config lc = { .program = "test_zk_offline", .logtostderr = true,
				 .stderrthreshold = 3 };
	struct ev_loop *loop = ev_loop_new();
	the_loop = loop;
	struct zk_session *s = NULL;
	char err[256], uri[128];
	int rc;

	log_init(&lc);
	/* Quiet: the client complains at ERROR on every refused connect. */
	FILE *devnull = fopen("/dev/null", "w");
	log_set_stderr_stream(devnull);

	is_int(zk_rc_errno(ZOK), 0, "ZOK -> 0");
	is_int(zk_rc_errno(ZNONODE), -ENOENT, "ZNONODE -> -ENOENT");
	is_int(zk_rc_errno(ZNODEEXISTS), -EEXIST, "ZNODEEXISTS -> -EEXIST");
	is_int(zk_rc_errno(ZBADVERSION), -ESTALE, "ZBADVERSION -> -ESTALE");
	is_int(zk_rc_errno(ZCONNECTIONLOSS), -ECONNRESET, "ZCONNECTIONLOSS -> -ECONNRESET");
	is_int(zk_rc_errno(ZSESSIONEXPIRED), -ENOTCONN, "ZSESSIONEXPIRED -> -ENOTCONN");
	is_str(zk_session_event_name(ZK_SESSION_EXPIRED), "expired", "event names");

	rc = zk_session_new(loop, "zk://h1:2181", 1000, &s, err, sizeof(err));
	ok(rc == -EINVAL && !s, "no chroot path: -EINVAL (%s)", err);
	rc = zk_session_new(loop, "zk://user:s3cret@h1:99999/x", 1000, &s, err, sizeof(err));
	ok(rc == -EINVAL && !strstr(err, "s3cret"),
	   "a bad port is refused without showing the password (%s)", err);

	snprintf(uri, sizeof(uri), "zk://127.0.0.1:%d/t", dead_port());
	rc = zk_session_new(loop, uri, 2000, &s, err, sizeof(err));
	is_int(rc, 0, "a session to a port where nothing listens starts");
	if (rc)
		return done_testing();
	struct got ev = { 0 }, g1 = { 0 }, g2 = { 0 }, w = { 0 };
	zk_session_listen(s, on_event, &ev);
	ok(!zk_session_connected(s) && zk_session_id(s) == 0, "not connected, no id");
	is_int(zk_get(s, "t", NULL, NULL, on_data, &g1), -EINVAL, "relative path: -EINVAL");
	is_int(zk_get(s, "/a//b", NULL, NULL, on_data, &g1), -EINVAL, "empty component: -EINVAL");
	is_int(zk_get(s, "/a/", NULL, NULL, on_data, &g1), -EINVAL, "trailing slash: -EINVAL");
	is_int(zk_get(s, "/a", NULL, NULL, NULL, &g1), -EINVAL, "no completion: -EINVAL");
	is_int(zk_get(s, "/a", on_watch, &w, on_data_open, &g1), 0,
	       "a call while connecting is queued");

	uint64_t t0 = ev_time_ms();
	int iters = 0;
	while (ev_time_ms() - t0 < 1000 && iters < 100000) {
		ev_run_once(loop, 100);
		iters++;
	}
	ok(iters < 200, "an unreachable server does not make the loop spin (%d iterations in 1 s)",
	   iters);
	is_int(g1.calls, 1, "the queued call completed exactly once");
	ok(g1.rc == ZCONNECTIONLOSS || g1.rc == ZOPERATIONTIMEOUT,
	   "with a connection error (%s)", zerror(g1.rc));
	is_int(w.calls, 0, "its watch (never set) did not fire");
	is_int(reuse_rc, 0, "its completion could watch a new fd (the client's socket was "
	       "off the loop)");
	is_int(ev.events, 0, "no session event: never connected");

	struct zk_multi *m = zk_multi_new();
	is_int(zk_multi_check(m, "x", -1), -EINVAL, "multi: malformed path refused");
	is_int(zk_multi_count(m), 0, "and not added");
	is_int(zk_multi_commit(s, m, on_multi, &g2), -EINVAL, "an empty multi: -EINVAL");
	m = zk_multi_new();
	zk_multi_check(m, "/a", -1);
	is_int(zk_multi_commit(s, m, on_multi, &g2), 0, "a multi while connecting is queued");

	struct zk_election *e = NULL;
	struct zk_election_config cfg = { .root = "/el", .data = "d", .on_change = on_change,
					  .arg = &g2 };
	struct zk_election_config bad = { .root = "el", .data = "d", .on_change = on_change };
	is_int(zk_election_new(s, &bad, &e), -EINVAL, "election root must be absolute");
	is_int(zk_election_leader(s, "el", on_lowest, &g2), -EINVAL,
	       "leader lookup: root must be absolute");
	is_int(zk_get_lowest(s, "/d", NULL, NULL), -EINVAL, "lowest child: needs a completion");
	is_int(zk_election_new(s, &cfg, &e), 0, "an election on an unconnected session");
	ok(!zk_election_is_leader(e) && !zk_election_can_act(e) && !zk_election_node(e) &&
	   zk_election_epoch(e) == -1, "is not leader, has no node, epoch -1");
	m = zk_multi_new();
	is_int(zk_election_fence(e, m), -EPERM, "fence while not leader: -EPERM");
	zk_multi_free(m);

	/* Calls in flight, then free everything: nothing may call back. */
	struct got g3 = { 0 };
	zk_get(s, "/b", NULL, NULL, on_data, &g3);
	zk_get(s, "/c", NULL, NULL, on_data, &g3);
	zk_session_cancel(s, &g3);
	ev_run_once(loop, 200);
	is_int(g3.calls, 0, "cancelled calls stay quiet");
	g2.calls = 0;
	zk_election_free(e);
	zk_session_free(s);
	for (int i = 0; i < 5; i++)
		ev_run_once(loop, 20);
	is_int(g2.calls, 0, "after zk_session_free nothing calls back");
	ev_loop_free(loop);
	log_set_stderr_stream(NULL);
	log_shutdown();
	if (devnull)
		fclose(devnull);
	return done_testing();
}
