/*
 * test_name_lookup.c — host names resolved in a child process while the
 * loop runs: numeric and localhost answered from the loop (never inside
 * start), a name from /etc/hosts, an unknown name, cancel before the
 * answer (no callback, the child gone), and bad arguments.
 */
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "mesos/name_lookup.h"
#include "net/http_client.h"

struct res {
	int calls, rc;
	char addr[80];
};

static void done(int rc, const char *addr, void *arg)
{
	struct res *r = arg;

	r->calls++;
	r->rc = rc;
	snprintf(r->addr, sizeof r->addr, "%s", addr ? addr : "(null)");
}

static void run(struct ev_loop *loop, struct res *r, int ms)
{
	uint64_t end = ev_time_ms() + (uint64_t)ms;

	while (r->calls == 0 && ev_time_ms() < end)
		ev_run_once(loop, 50);
}

int main(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct name_lookup *l = NULL;
	struct res r = { 0 };
	char host[256], want[80];

	ok(name_lookup_start(loop, "localhost", 1000, done, &r, &l) == 0, "localhost starts");
	is_int(r.calls, 0, "no callback inside start");
	run(loop, &r, 1000);
	ok(r.calls == 1 && r.rc == 0 && strcmp(r.addr, "127.0.0.1") == 0, "localhost -> %s", r.addr);

	memset(&r, 0, sizeof r);
	ok(name_lookup_start(loop, "10.1.2.3", 1000, done, &r, &l) == 0, "numeric starts");
	run(loop, &r, 1000);
	ok(r.calls == 1 && r.rc == 0 && strcmp(r.addr, "10.1.2.3") == 0, "numeric kept: %s", r.addr);

	if (gethostname(host, sizeof host) == 0 &&
	    http_resolve_blocking(host, want, sizeof want) == 0) {
		memset(&r, 0, sizeof r);
		ok(name_lookup_start(loop, host, 5000, done, &r, &l) == 0, "%s starts", host);
		run(loop, &r, 6000);
		ok(r.calls == 1 && r.rc == 0 && strcmp(r.addr, want) == 0,
		   "%s -> %s in a child (want %s)", host, r.addr, want);
	} else {
		note("this machine's name does not resolve; skipping that case");
	}

	memset(&r, 0, sizeof r);
	ok(name_lookup_start(loop, "no-such-host.invalid", 3000, done, &r, &l) == 0,
	   "unknown name starts");
	run(loop, &r, 4000);
	ok(r.calls == 1 && (r.rc == -ENOENT || r.rc == -ETIMEDOUT),
	   "unknown name: -ENOENT or -ETIMEDOUT (got %d)", r.rc);

	memset(&r, 0, sizeof r);
	ok(name_lookup_start(loop, "no-such-host.invalid", 3000, done, &r, &l) == 0,
	   "lookup to cancel starts");
	name_lookup_cancel(l);
	{
		uint64_t end = ev_time_ms() + 500;
		while (ev_time_ms() < end)
			ev_run_once(loop, 50);
	}
	is_int(r.calls, 0, "cancelled: never called back");
	memset(&r, 0, sizeof r);
	ok(name_lookup_start(loop, "localhost", 1000, done, &r, &l) == 0, "numeric lookup to cancel");
	name_lookup_cancel(l);
	ev_run_once(loop, 50);
	is_int(r.calls, 0, "cancelled numeric lookup: never called back");

	ok(name_lookup_start(loop, "", 1000, done, &r, &l) == -EINVAL, "empty name: -EINVAL");
	ok(name_lookup_start(loop, NULL, 1000, done, &r, &l) == -EINVAL, "NULL name: -EINVAL");
	name_lookup_cancel(NULL);
	ok(1, "cancel(NULL) is a no-op");
	ev_loop_free(loop);
	return done_testing();
}
