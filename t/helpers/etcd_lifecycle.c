/*
 * etcd_lifecycle — the promises of lib/etcd's client that a single
 * operation cannot show, checked against a real etcd 3.4 for
 * t/t0400-etcd-client.sh: synchronous failures never call back, a
 * cancelled call never calls back (also when cancelled from another
 * call's callback), concurrent calls complete exactly once, freeing a
 * client with calls in flight calls nobody back and leaks nothing (ASan),
 * a safe call fails over from a silent endpoint after the attempt
 * timeout, and an unsafe one (member add/remove) sent to a silent
 * endpoint ends with outcome_unknown and is never resent.
 *
 *   etcd_lifecycle URL[,URL...]
 *
 * One "ok: ..." or "FAIL: ..." line per check on stderr; exit 0 only if
 * all passed, 2 on usage errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/strutil.h"
#include "etcd/etcd_client.h"
#include "ev/ev.h"

static struct ev_loop *loop;
static struct etcd_client *cli;
static char *endpoints[ETCD_CLIENT_MAX_ENDPOINTS];
static size_t n_endpoints;

static bool run_until(const bool *flagp, uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (!*flagp && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *flagp;
}

static const char *errno_name(int err)
{
	switch (-err) {
	case 0: return "OK";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EREMOTEIO: return "EREMOTEIO";
	case ECONNREFUSED: return "ECONNREFUSED";
	default: return "other";
	}
}

static bool got;
static struct etcd_result last_res;

static void on_done(struct etcd_call *call, const struct etcd_result *res,
		    struct etcd_answer *ans, void *arg)
{
	(void)call;
	(void)ans;
	(void)arg;
	last_res = *res;
	last_res.endpoint = NULL;
	got = true;
}

static int failures;

__attribute__((format(printf, 2, 3)))
static void check(bool cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", cond ? "ok" : "FAIL");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures += !cond;
}

static unsigned cb_count[64];
static struct etcd_call *st_calls[64];
static int st_cancel_target = -1;
static bool st_after_cancel;
static bool st_cancelled[64];

static void on_count(struct etcd_call *call, const struct etcd_result *res,
		     struct etcd_answer *ans, void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;
	(void)res;
	(void)ans;
	cb_count[i]++;
	if (st_cancelled[i])
		st_after_cancel = true;
	/* Cancelling itself inside its callback is a no-op. */
	etcd_call_cancel(call);
	st_calls[i] = NULL;
	if (st_cancel_target >= 0 && st_calls[st_cancel_target]) {
		etcd_call_cancel(st_calls[st_cancel_target]);
		st_cancelled[st_cancel_target] = true;
		st_calls[st_cancel_target] = NULL;
	}
	st_cancel_target = -1;
}

static unsigned total_cbs(void)
{
	unsigned t = 0;
	for (size_t i = 0; i < 64; i++)
		t += cb_count[i];
	return t;
}

static void reset_counts(void)
{
	memset(cb_count, 0, sizeof cb_count);
	memset(st_calls, 0, sizeof st_calls);
	memset(st_cancelled, 0, sizeof st_cancelled);
	st_after_cancel = false;
	st_cancel_target = -1;
}

static bool never;

/* A listening socket on 127.0.0.1 that never accepts; url gets its URL. */
static int silent_listener(char *url, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
		if (fd >= 0)
			close(fd);
		snprintf(url, len, "(none)");
		return -1;
	}
	snprintf(url, len, "http://127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

static int cmd_selftest(void)
{
	char err[ETCD_ERRMSG_LEN];
	struct etcd_client *c2 = NULL;
	int rc;

	/* Synchronous failures never call back. */
	reset_counts();
	rc = etcd_client_status(cli, "http://etcd.example:2379", NULL, on_count, NULL, NULL);
	check(rc == -EINVAL, "a host name is refused synchronously (%d): %s", rc,
	      etcd_client_errmsg(cli));
	rc = etcd_client_health(cli, "https://127.0.0.1:2379", NULL, on_count, NULL, NULL);
	check(rc == -EPROTONOSUPPORT, "https without TLS is refused (%d): %s", rc,
	      etcd_client_errmsg(cli));
	rc = etcd_client_member_add(cli, NULL, 0, true, NULL, on_count, NULL, NULL);
	check(rc == -EINVAL, "member add without peer URLs is refused (%d): %s", rc,
	      etcd_client_errmsg(cli));
	rc = etcd_client_member_remove(cli, 0, NULL, on_count, NULL, NULL);
	check(rc == -EINVAL, "member remove of id 0 is refused (%d)", rc);
	{
		const char *bad[] = { "http://127.0.0.1:2379/prefix" };
		struct etcd_client_config cfg = { .endpoints = bad, .n_endpoints = 1 };
		rc = etcd_client_new(loop, &cfg, &c2, err, sizeof err);
		check(rc == -EINVAL && !c2 && strstr(err, "/prefix"),
		      "an endpoint with a path is refused: %s", err);
		const char *bad2[] = { "127.0.0.1:2379" };
		cfg.endpoints = bad2;
		rc = etcd_client_new(loop, &cfg, &c2, err, sizeof err);
		check(rc == -EINVAL && !c2, "an endpoint without scheme is refused: %s", err);
	}
	run_until(&never, 200);
	check(total_cbs() == 0, "no callback after synchronous failures");

	/* Cancel right after start: no callback. */
	reset_counts();
	rc = etcd_client_member_list(cli, NULL, on_count, (void *)0, &st_calls[0]);
	check(rc == 0 && st_calls[0], "member list starts");
	etcd_call_cancel(st_calls[0]);
	st_cancelled[0] = true;
	run_until(&never, 500);
	check(cb_count[0] == 0, "a cancelled call never calls back");

	/* 20 lists + 20 statuses at once, each completes exactly once. */
	reset_counts();
	for (size_t i = 0; i < 40; i++) {
		rc = i < 20 ? etcd_client_member_list(cli, NULL, on_count, (void *)(uintptr_t)i,
						      &st_calls[i])
			    : etcd_client_status(cli, endpoints[0], NULL, on_count,
						 (void *)(uintptr_t)i, &st_calls[i]);
		if (rc != 0)
			break;
	}
	check(rc == 0, "40 concurrent calls start");
	{
		uint64_t end = ev_time_ms() + 10000;
		while (total_cbs() < 40 && ev_time_ms() < end)
			ev_run_once(loop, 50);
		run_until(&never, 200);
	}
	{
		bool once = true;
		for (size_t i = 0; i < 40; i++)
			once = once && cb_count[i] == 1;
		check(once, "each of 40 concurrent calls completed exactly once");
	}

	/* A silent server: the kernel accepts connections into the backlog,
	 * nobody ever reads, so a request is sent and never answered. */
	char silent[64];
	int lfd = silent_listener(silent, sizeof silent);
	check(lfd >= 0, "a silent listener at %s", silent);

	/* A callback cancels another call still in flight. */
	reset_counts();
	{
		struct etcd_call_opts slow = { .timeout_ms = 3000, .endpoint = silent };
		etcd_client_member_list(cli, &slow, on_count, (void *)1, &st_calls[1]);
	}
	st_cancel_target = 1;
	etcd_client_member_list(cli, NULL, on_count, (void *)0, &st_calls[0]);
	run_until(&never, 3500);
	check(cb_count[0] == 1 && cb_count[1] == 0 && st_cancelled[1] && !st_after_cancel,
	      "a call cancelled inside another's callback never calls back (%u, %u)",
	      cb_count[0], cb_count[1]);

	/* Unsafe calls are never sent twice; safe ones fail over. */
	{
		const char *eps[ETCD_CLIENT_MAX_ENDPOINTS] = { silent };
		size_t n = 1;
		for (size_t i = 0; i < n_endpoints && n < ETCD_CLIENT_MAX_ENDPOINTS; i++)
			eps[n++] = endpoints[i];
		struct etcd_client_config cfg = {
			.endpoints = eps, .n_endpoints = n,
			.timeout_ms = 5000, .attempt_timeout_ms = 700,
		};
		rc = etcd_client_new(loop, &cfg, &c2, err, sizeof err);
		check(rc == 0, "a client whose first endpoint is silent");
		got = false;
		if (rc == 0)
			rc = etcd_client_member_list(c2, NULL, on_done, NULL, NULL);
		run_until(&got, 8000);
		check(got && last_res.err == 0 && last_res.attempts == 2 &&
		      last_res.elapsed_ms >= 650 && last_res.elapsed_ms < 3000,
		      "member list fails over after the attempt timeout (%u attempts, %" PRIu64
		      " ms): %s", last_res.attempts, last_res.elapsed_ms, last_res.errmsg);
		/* the list moved the preferred endpoint: put the silent one first */
		etcd_client_free(c2);
		c2 = NULL;
		rc = etcd_client_new(loop, &cfg, &c2, err, sizeof err);
		const char *peer[] = { "http://127.0.0.254:1" };
		got = false;
		if (rc == 0)
			rc = etcd_client_member_add(c2, peer, 1, true, NULL, on_done, NULL, NULL);
		run_until(&got, 8000);
		check(got && last_res.err == -ETIMEDOUT && last_res.outcome_unknown &&
		      last_res.attempts == 1,
		      "member add to a silent endpoint: outcome unknown, not resent (%s, %u "
		      "attempts): %s", errno_name(last_res.err), last_res.attempts,
		      last_res.errmsg);
		got = false;
		struct etcd_call_opts pin = { .endpoint = silent, .timeout_ms = 400 };
		rc = etcd_client_member_remove(c2, 42, &pin, on_done, NULL, NULL);
		run_until(&got, 3000);
		check(got && last_res.err == -ETIMEDOUT && last_res.outcome_unknown &&
		      last_res.elapsed_ms < 1000,
		      "a pinned member remove ends by its deadline with outcome unknown (%" PRIu64
		      " ms)", last_res.elapsed_ms);
		etcd_client_free(c2);
		c2 = NULL;
	}
	if (lfd >= 0)
		close(lfd);

	/* Free with calls in flight: no callback, nothing leaks (ASan). */
	reset_counts();
	{
		struct etcd_client_config cfg = {
			.endpoints = (const char *const *)endpoints,
			.n_endpoints = n_endpoints,
		};
		rc = etcd_client_new(loop, &cfg, &c2, err, sizeof err);
		check(rc == 0, "a second client starts");
		for (size_t i = 0; rc == 0 && i < 5; i++)
			etcd_client_member_list(c2, NULL, on_count, (void *)(uintptr_t)i, NULL);
		etcd_client_free(c2);
		run_until(&never, 500);
		check(total_cbs() == 0, "freeing a client with 5 calls in flight calls nobody back");
	}
	return failures ? 1 : 0;
}


int main(int argc, char **argv)
{
	char err[ETCD_ERRMSG_LEN];
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: etcd_lifecycle URL[,URL...]\n");
		return 2;
	}
	{
		char *dup = strdup(argv[1]), *save = NULL;
		for (char *t = strtok_r(dup, ",", &save); t && n_endpoints < ETCD_CLIENT_MAX_ENDPOINTS;
		     t = strtok_r(NULL, ",", &save))
			endpoints[n_endpoints++] = strdup(t);
		free(dup);
	}
	loop = ev_loop_new();
	struct etcd_client_config cfg = {
		.endpoints = (const char *const *)endpoints,
		.n_endpoints = n_endpoints,
	};
	if (loop && etcd_client_new(loop, &cfg, &cli, err, sizeof err) == 0)
		rc = cmd_selftest();
	else
		fprintf(stderr, "FAIL: client: %s\n", err);
	etcd_client_free(cli);
	ev_loop_free(loop);
	for (size_t i = 0; i < n_endpoints; i++)
		free(endpoints[i]);
	return rc;
}
