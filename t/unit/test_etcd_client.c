/* etcd_client without etcd: what the client decides from the transport
 * alone, on real loopback sockets — a closed port (connection refused:
 * nothing was sent), a silent listener (the kernel accepts into the
 * backlog, nobody answers: sent, no answer) and a listener that closes
 * every connection at once (reset before the answer). Failover, the
 * unsafe-call rule (SAFETY.md 1), deadlines, cancel and free. The answers
 * of a real etcd are tested in t/t0400-etcd-client.sh. */
#include "etcd/etcd_client.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct ev_loop *loop;

/* A listening socket on 127.0.0.1; url gets its URL. */
static int listener(char *url, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(url, len, "http://127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

/* A port where nothing listens: bind, note it, close. */
static void closed_port(char *url, size_t len)
{
	int fd = listener(url, len);
	if (fd >= 0)
		close(fd);
}

/* Reads the request, then closes with RST (SO_LINGER 0). */
static void on_conn(struct ev_loop *l, int fd, unsigned ev, void *arg)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0 && errno == EAGAIN)
		return;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	ev_io_del(l, fd);
	close(fd);
}

static void on_closer(struct ev_loop *l, int fd, unsigned ev, void *arg)
{
	int c;
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		if (ev_io_add(l, c, EV_READ, on_conn, NULL) != 0)
			close(c);
}

static int calls_done;
static struct etcd_result res;

static void on_done(struct etcd_call *call, const struct etcd_result *r,
		    struct etcd_answer *ans, void *arg)
{
	calls_done++;
	res = *r;
	res.endpoint = NULL;
}

static void run_ms(uint64_t ms, int want_done)
{
	uint64_t end = ev_time_ms() + ms;
	while (calls_done < want_done && ev_time_ms() < end)
		ev_run_once(loop, 20);
}

static struct etcd_client *client(const char *const *eps, size_t n, uint64_t timeout,
				  uint64_t attempt)
{
	struct etcd_client *c = NULL;
	char err[ETCD_ERRMSG_LEN];
	struct etcd_client_config cfg = {
		.endpoints = eps, .n_endpoints = n,
		.timeout_ms = timeout, .attempt_timeout_ms = attempt,
	};
	if (etcd_client_new(loop, &cfg, &c, err, sizeof err) != 0)
		note("etcd_client_new: %s", err);
	return c;
}

static void test_config(void)
{
	struct etcd_client *c = NULL;
	char err[ETCD_ERRMSG_LEN];
	const char *name[] = { "http://etcd1.example:2379" };
	const char *path[] = { "http://127.0.0.1:2379/v3" };
	const char *tls[] = { "https://127.0.0.1:2379" };
	const char *ok1[] = { "http://127.0.0.1:2379/", "http://[::1]:2379" };
	struct etcd_client_config cfg = { .endpoints = name, .n_endpoints = 1 };

	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), -EINVAL, "a host name is refused");
	ok(c == NULL && strstr(err, "etcd1.example") != NULL, "named: %s", err);
	cfg.endpoints = path;
	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), -EINVAL, "a path is refused");
	ok(strstr(err, "/v3") != NULL, "named: %s", err);
	cfg.endpoints = tls;
	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), -EPROTONOSUPPORT,
	       "https without TLS is refused");
	cfg.n_endpoints = 0;
	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), -EINVAL, "no endpoints");
	cfg.endpoints = ok1;
	cfg.n_endpoints = 2;
	cfg.cert_file = "client.pem";
	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), -EINVAL,
	       "a certificate without its key is refused: %s", err);
	cfg.cert_file = NULL;
	cfg.ca_file = "/nonexistent/ca.pem";
	ok(etcd_client_new(loop, &cfg, &c, err, sizeof err) < 0 && strstr(err, "/nonexistent/ca.pem"),
	   "a missing CA file is named: %s", err);
	cfg.ca_file = NULL;
	is_int(etcd_client_new(loop, &cfg, &c, err, sizeof err), 0, "IPv4 with '/' and IPv6 are fine");
	is_str(etcd_client_preferred(c), "http://127.0.0.1:2379", "trailing '/' dropped");
	etcd_client_free(c);
	etcd_client_free(NULL);
}

static void test_refused(const char *dead1, const char *dead2)
{
	const char *eps[] = { dead1, dead2 };
	struct etcd_client *c = client(eps, 2, 3000, 1000);
	calls_done = 0;
	ok(etcd_client_member_list(c, NULL, on_done, NULL, NULL) == 0, "list starts");
	run_ms(5000, 1);
	is_int(calls_done, 1, "one completion");
	is_int(res.err, -ECONNREFUSED, "connection refused");
	is_int(res.attempts, 2, "both endpoints tried");
	ok(!res.outcome_unknown, "outcome known");
	ok(strstr(res.errmsg, "all 2 endpoints tried") != NULL, "errmsg: %s", res.errmsg);
	etcd_client_free(c);
}

static void test_unsafe_silent(const char *dead, const char *silent)
{
	const char *eps[] = { dead, silent, dead };
	const char *peer[] = { "http://127.0.0.2:2380" };
	struct etcd_client *c = client(eps, 3, 3000, 500);

	calls_done = 0;
	ok(etcd_client_member_add(c, peer, 1, true, NULL, on_done, NULL, NULL) == 0, "add starts");
	run_ms(5000, 1);
	is_int(calls_done, 1, "one completion");
	is_int(res.err, -ETIMEDOUT, "timed out at the silent endpoint");
	is_int(res.attempts, 2, "moved on from the refused endpoint, not from the silent one");
	ok(res.outcome_unknown, "outcome unknown: %s", res.errmsg);
	ok(res.elapsed_ms >= 450 && res.elapsed_ms < 1500, "within the attempt timeout (%" PRIu64
	   " ms)", res.elapsed_ms);

	/* A safe call moves on from the silent endpoint too. */
	calls_done = 0;
	ok(etcd_client_member_list(c, NULL, on_done, NULL, NULL) == 0, "list starts");
	run_ms(5000, 1);
	is_int(res.attempts, 3, "a safe call tries all three");
	ok(!res.outcome_unknown, "a safe call has no unknown outcome");
	etcd_client_free(c);
}

static void test_deadline(const char *silent)
{
	const char *eps[] = { silent, silent, silent };
	struct etcd_client *c = client(eps, 3, 1000, 700);
	calls_done = 0;
	ok(etcd_client_member_list(c, NULL, on_done, NULL, NULL) == 0, "list starts");
	run_ms(5000, 1);
	is_int(res.err, -ETIMEDOUT, "timed out");
	is_int(res.attempts, 2, "the deadline left room for two attempts");
	ok(res.elapsed_ms >= 950 && res.elapsed_ms < 1300, "ended by the call's deadline (%" PRIu64
	   " ms)", res.elapsed_ms);
	ok(strstr(res.errmsg, "deadline passed after 2 of 3 endpoints") != NULL, "errmsg: %s",
	   res.errmsg);

	/* Per-call options: a pinned status with its own deadline. */
	struct etcd_call_opts o = { .timeout_ms = 300 };
	calls_done = 0;
	ok(etcd_client_status(c, silent, &o, on_done, NULL, NULL) == 0, "status starts");
	run_ms(3000, 1);
	ok(res.err == -ETIMEDOUT && res.attempts == 1 && res.elapsed_ms < 600,
	   "pinned status ends by its own deadline (%" PRIu64 " ms)", res.elapsed_ms);
	etcd_client_free(c);
}

static void test_reset(const char *closer)
{
	const char *eps[] = { closer };
	struct etcd_client *c = client(eps, 1, 2000, 1000);
	calls_done = 0;
	ok(etcd_client_member_remove(c, UINT64_C(17234143568326236817), NULL, on_done, NULL,
				     NULL) == 0, "remove starts");
	run_ms(3000, 1);
	is_int(calls_done, 1, "one completion");
	ok(res.err != 0 && res.err != -ETIMEDOUT && res.outcome_unknown,
	   "a reset after sending: outcome unknown (%d): %s", res.err, res.errmsg);
	etcd_client_free(c);
}

static void test_cancel_free(const char *silent)
{
	const char *eps[] = { silent };
	struct etcd_client *c = client(eps, 1, 500, 0);
	struct etcd_call *call = NULL;

	calls_done = 0;
	ok(etcd_client_member_list(c, NULL, on_done, NULL, &call) == 0 && call, "list starts");
	etcd_call_cancel(call);
	etcd_call_cancel(NULL);
	run_ms(1000, 1);
	is_int(calls_done, 0, "a cancelled call never calls back");

	is_int(etcd_client_status(c, "http://etcd.example:2379", NULL, on_done, NULL, NULL),
	       -EINVAL, "a status to a name is refused synchronously");
	ok(strstr(etcd_client_errmsg(c), "etcd.example") != NULL, "errmsg: %s",
	   etcd_client_errmsg(c));
	is_int(etcd_client_member_promote(c, 0, NULL, on_done, NULL, NULL), -EINVAL,
	       "promote of id 0 is refused");
	struct etcd_range_req empty = { .key = "", .key_len = 0 };
	is_int(etcd_client_range(c, &empty, NULL, on_done, NULL, NULL), -EINVAL,
	       "an empty key is refused");
	for (int i = 0; i < 5; i++)
		etcd_client_put(c, "k", 1, "v", 1, NULL, on_done, NULL, NULL);
	etcd_client_free(c);
	run_ms(1000, 1);
	is_int(calls_done, 0, "freeing with 5 calls in flight calls nobody back");
}

int main(void)
{
	char dead1[64], dead2[64], silent[64], closer[64];
	int sfd, cfd;

	loop = ev_loop_new();
	closed_port(dead1, sizeof dead1);
	closed_port(dead2, sizeof dead2);
	sfd = listener(silent, sizeof silent);
	cfd = listener(closer, sizeof closer);
	ok(sfd >= 0 && cfd >= 0, "listeners at %s and %s", silent, closer);
	ev_io_add(loop, cfd, EV_READ, on_closer, NULL);

	test_config();
	test_refused(dead1, dead2);
	test_unsafe_silent(dead1, silent);
	test_deadline(silent);
	test_reset(closer);
	test_cancel_free(silent);

	ev_io_del(loop, cfd);
	close(cfd);
	close(sfd);
	ev_loop_free(loop);
	return done_testing();
}
