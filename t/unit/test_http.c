/*
 * Our HTTP client against our HTTP server on loopback (plain): routes,
 * keep-alive reuse, streaming, deadlines, cancel, redirects, body caps,
 * 10 000 keep-alive requests with flat memory, concurrent file downloads
 * and a slow reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "ev/ev.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "tap.h"

const char *__asan_default_options(void);
/* A small quarantine so RSS tells about leaks, not about ASan. */
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=1:detect_leaks=1";
}

static struct ev_loop *loop;
static struct http_server *srv;
static struct http_client *cli;
static char base[64];

/* Runs the loop until *flag or the time is up. */
static bool run_until(const bool *flag, uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (!*flag && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *flag;
}

/* ---- server side ---- */

static void h_json(struct http_req *r, void *arg)
{
	static const char body[] = "{\"ok\":true}";
	http_respond(r, 200, "application/json", body, sizeof body - 1);
}

static void h_echo(struct http_req *r, void *arg)
{
	size_t n;
	const char *b = http_req_body(r, &n);
	char q[64] = "";
	char extra[128];
	(void)http_req_query_get(r, "x", q, sizeof q);
	snprintf(extra, sizeof extra, "X-Query: %s\r\nX-Method: %s\r\n", q, http_req_method(r));
	http_respond_h(r, 200, "text/plain", extra, b, n);
}

static void h_host(struct http_req *r, void *arg)
{
	size_t n = 0;
	const char *h = http_req_header(r, "Host", &n);
	http_respond(r, 200, "text/plain", h ? h : "", h ? n : 0);
}

static void h_redirect(struct http_req *r, void *arg)
{
	http_respond_h(r, 307, NULL, "Location: //127.0.0.2:1234/api/v1/scheduler\r\n", "", 0);
}

/* /never: holds the request; counts aborts. */
static int aborts;
static struct http_req *held;
static void on_abort(struct http_req *r, void *arg)
{
	aborts++;
	if (held == r)
		held = NULL;
}
static void h_never(struct http_req *r, void *arg)
{
	held = r;
	http_req_on_abort(r, on_abort, NULL);
}

/* /stream: 5 chunks, one every 20 ms, then the end. */
struct streamer {
	struct http_req *r;
	struct ev_timer t;
	int sent;
};
static struct streamer st;
static void stream_tick(struct ev_loop *l, void *arg)
{
	char piece[32];
	int n = snprintf(piece, sizeof piece, "event-%d;", st.sent);
	http_stream_write(st.r, piece, (size_t)n);
	if (++st.sent == 5) {
		http_stream_end(st.r);
		st.r = NULL;
		return;
	}
	ev_timer_start(l, &st.t, 20, 0);
}
static void stream_abort(struct http_req *r, void *arg)
{
	ev_timer_stop(loop, &st.t);
	st.r = NULL;
	aborts++;
}
static void h_stream(struct http_req *r, void *arg)
{
	st.r = r;
	st.sent = 0;
	http_req_on_abort(r, stream_abort, NULL);
	http_stream_begin(r, 200, "application/recordio", NULL);
	ev_timer_init(&st.t, stream_tick, NULL);
	ev_timer_start(loop, &st.t, 20, 0);
}

static char file_path[256];
static uint64_t file_size;
static void h_file(struct http_req *r, void *arg)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		http_respond(r, 500, "text/plain", "no file\n", 8);
		return;
	}
	http_respond_file(r, 200, "application/octet-stream", fd, file_size);
}

/* ---- client side ---- */

struct result {
	bool done, head_seen;
	int err, status, heads, bodies;
	char errmsg[512];
	char location[128];
	struct buf body;
	size_t body_len;
};

static void res_reset(struct result *r)
{
	buf_finish(&r->body);
	memset(r, 0, sizeof *r);
}

static void cb_head(struct http_call *c, const struct http_reply *rep, void *arg)
{
	struct result *r = arg;
	r->heads++;
	r->head_seen = true;
	r->status = rep->status;
}
static void cb_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	struct result *r = arg;
	r->bodies++;
	buf_append(&r->body, d, n);
}
static void cb_done(struct http_call *c, const struct http_reply *rep, void *arg)
{
	struct result *r = arg;
	r->done = true;
	r->err = rep->err;
	if (rep->errmsg)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", rep->errmsg);
	if (rep->status)
		r->status = rep->status;
	if (rep->location)
		snprintf(r->location, sizeof r->location, "%s", rep->location);
	if (rep->body) {
		buf_append(&r->body, rep->body, rep->body_len);
		r->body_len = rep->body_len;
	}
}
static const struct http_client_cbs cbs = { cb_head, cb_body, cb_done };

static int do_req(struct result *r, const char *method, const char *path, const char *body,
		  bool stream, uint64_t timeout_ms, uint64_t max_body)
{
	char url[256];
	struct http_client_request rq = { 0 };
	int rc;

	res_reset(r);
	snprintf(url, sizeof url, "%s%s", base, path);
	rq.method = method;
	rq.url = url;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	rq.stream = stream;
	rq.timeout_ms = timeout_ms;
	rq.max_body = max_body;
	rc = http_client_start(cli, &rq, &cbs, r, NULL);
	if (rc != 0)
		return rc;
	run_until(&r->done, 10000);
	return 0;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* ---- tests ---- */

static void test_basics(void)
{
	struct result r = { 0 };
	struct http_client_stats cs;

	ok(do_req(&r, "GET", "/json", NULL, false, 0, 0) == 0 && r.done, "GET /json completes");
	is_int(r.status, 200, "status 200");
	is_str(r.body.data, "{\"ok\":true}", "JSON body");

	do_req(&r, "POST", "/echo?x=a%20b+c&y=2", "hello body", false, 0, 0);
	is_int(r.status, 200, "POST /echo 200");
	is_str(r.body.data, "hello body", "request body echoed");

	do_req(&r, "GET", "/nothing", NULL, false, 0, 0);
	is_int(r.status, 404, "unknown path: 404");
	do_req(&r, "DELETE", "/json", NULL, false, 0, 0);
	is_int(r.status, 405, "wrong method: 405");
	do_req(&r, "HEAD", "/json", NULL, false, 0, 0);
	ok(r.status == 200 && r.body_len == 0 && r.err == 0, "HEAD served by GET, no body");

	do_req(&r, "GET", "/redirect", NULL, false, 0, 0);
	ok(r.status == 307 && strcmp(r.location, "//127.0.0.2:1234/api/v1/scheduler") == 0,
	   "307 reported with its Location, not followed");

	http_client_get_stats(cli, &cs);
	note("connects %llu reused %llu", (unsigned long long)cs.connects,
	     (unsigned long long)cs.reused);
	ok(cs.reused >= 3, "keep-alive: connections reused");

	do_req(&r, "GET", "/file", NULL, false, 0, 1000);
	ok(r.err == -EFBIG && strstr(r.errmsg, "larger than 1000"), "buffered body over cap: -EFBIG (%s)",
	   r.errmsg);

	ok(http_client_start(cli, &(struct http_client_request){ .method = "GET",
		.url = "http://etcd.example:2379/health" }, &cbs, &r, NULL) == -EINVAL &&
	   strstr(http_client_errmsg(cli), "not a numeric address"),
	   "a DNS name is refused synchronously: %s", http_client_errmsg(cli));
	ok(http_client_start(cli, &(struct http_client_request){ .method = "GET",
		.url = "https://127.0.0.1:1/" }, &cbs, &r, NULL) == -EPROTONOSUPPORT,
	   "https without TLS config refused");
	{
		char url[128];
		struct http_kv hv[] = { { "Host", "etcd.example:2379" } };
		struct http_kv cl[] = { { "Content-Length", "5" } };
		struct http_kv cc[] = { { "Connection", "close" } };
		struct http_client_stats s0, s1;
		snprintf(url, sizeof url, "%s/host", base);
		res_reset(&r);
		ok(http_client_start(cli, &(struct http_client_request){ .method = "GET", .url = url,
			.headers = hv, .num_headers = 1 }, &cbs, &r, NULL) == 0 &&
		   run_until(&r.done, 5000) && strcmp(r.body.data, "etcd.example:2379") == 0,
		   "a caller's Host header replaces ours");
		res_reset(&r);
		ok(http_client_start(cli, &(struct http_client_request){ .method = "GET", .url = url,
			.headers = cl, .num_headers = 1 }, &cbs, &r, NULL) == -EINVAL,
		   "a caller's Content-Length is refused: %s", http_client_errmsg(cli));
		http_client_get_stats(cli, &s0);
		for (int i = 0; i < 2; i++) {
			res_reset(&r);
			http_client_start(cli, &(struct http_client_request){ .method = "GET",
				.url = url, .headers = cc, .num_headers = 1 }, &cbs, &r, NULL);
			run_until(&r.done, 5000);
		}
		http_client_get_stats(cli, &s1);
		ok(r.status == 200 && s1.idle == s0.idle - 1 && s1.connects == s0.connects + 1,
		   "Connection: close keeps the connection out of the pool (idle %zu -> %zu)",
		   s0.idle, s1.idle);
	}
	{
		char auth[128], url[128], addr[64];
		struct http_kv ah[] = { { "Authorization", auth } };
		ok(http_basic_auth("principal", "s:ecret", auth, sizeof auth) == 0 &&
		   strcmp(auth, "Basic cHJpbmNpcGFsOnM6ZWNyZXQ=") == 0, "http_basic_auth: %s", auth);
		ok(http_basic_auth("a:b", "c", auth, sizeof auth) == -EINVAL,
		   "a user name with ':' is refused");
		ok(http_basic_auth("principal", "s:ecret", auth, 10) == -ENOSPC, "short buffer: -ENOSPC");
		http_basic_auth("principal", "s:ecret", auth, sizeof auth);
		snprintf(url, sizeof url, "%s/basic", base);
		res_reset(&r);
		http_client_start(cli, &(struct http_client_request){ .method = "GET", .url = url,
			.headers = ah, .num_headers = 1 }, &cbs, &r, NULL);
		run_until(&r.done, 5000);
		is_int(r.status, 200, "Basic auth accepted by the server");
		ok(http_resolve_blocking("localhost", addr, sizeof addr) == 0 &&
		   strcmp(addr, "127.0.0.1") == 0, "http_resolve_blocking(localhost) = %s", addr);
		ok(http_resolve_blocking("::1", addr, sizeof addr) == 0 && strcmp(addr, "::1") == 0,
		   "http_resolve_blocking(::1) = %s", addr);
		ok(http_resolve_blocking("", addr, sizeof addr) == -EINVAL, "empty name: -EINVAL");
	}
	res_reset(&r);
}

static void test_stream(void)
{
	struct result r = { 0 };

	do_req(&r, "GET", "/stream", NULL, true, 2000, 0);
	ok(r.done && r.err == 0, "stream ends cleanly (%s)", r.errmsg);
	ok(r.heads == 1 && r.status == 200, "head delivered once before the body");
	is_str(r.body.data, "event-0;event-1;event-2;event-3;event-4;", "all chunks in order");
	ok(r.bodies >= 2, "body handed over in pieces as they arrived (%d)", r.bodies);
	res_reset(&r);
}

/* cancel inside on_head: no other callback may run */
static int after_cancel_calls;
static void cancel_head(struct http_call *c, const struct http_reply *rep, void *arg)
{
	bool *flag = arg;
	*flag = true;
	http_call_cancel(c);
}
static void cancel_other(struct http_call *c, const char *d, size_t n, void *arg)
{
	after_cancel_calls++;
}
static void cancel_done(struct http_call *c, const struct http_reply *rep, void *arg)
{
	after_cancel_calls++;
}

static void test_deadline_cancel(void)
{
	struct result r = { 0 };
	struct http_call *call = NULL;
	bool head = false, never = false;
	char url[128];
	int before = aborts;

	do_req(&r, "GET", "/never", NULL, false, 300, 0);
	ok(r.done && r.err == -ETIMEDOUT, "deadline expiry: -ETIMEDOUT (%s)", r.errmsg);
	run_until(&never, 300);
	ok(aborts == before + 1 && held == NULL, "server saw the client go: on_abort ran");

	snprintf(url, sizeof url, "%s/stream", base);
	struct http_client_cbs c2 = { cancel_head, cancel_other, cancel_done };
	ok(http_client_start(cli, &(struct http_client_request){ .method = "GET", .url = url,
		.stream = true }, &c2, &head, &call) == 0, "stream started");
	run_until(&head, 2000);
	run_until(&never, 300);
	ok(head && after_cancel_calls == 0, "cancel inside on_head: no callback afterwards");

	/* cancel before anything happened */
	after_cancel_calls = 0;
	ok(http_client_start(cli, &(struct http_client_request){ .method = "GET", .url = url,
		.stream = true }, &c2, &head, &call) == 0, "another started");
	http_call_cancel(call);
	run_until(&never, 300);
	is_int(after_cancel_calls, 0, "cancel right after start: no callback");
	res_reset(&r);
}

static void test_keepalive_memory(void)
{
	struct result r = { 0 };
	struct http_client_stats a, b;
	long rss0, rss1;
	int fails = 0;

	for (int i = 0; i < 1000; i++) {
		do_req(&r, "GET", "/json", NULL, false, 0, 0);
		fails += r.status != 200;
	}
	http_client_get_stats(cli, &a);
	rss0 = rss_kb();
	for (int i = 0; i < 10000; i++) {
		do_req(&r, "GET", "/json", NULL, false, 0, 0);
		fails += r.status != 200;
	}
	rss1 = rss_kb();
	http_client_get_stats(cli, &b);
	is_int(fails, 0, "11 000 keep-alive requests answered 200");
	is_int(b.connects - a.connects, 0, "10 000 requests on the pooled connection, no reconnect");
	note("RSS before %ld kB, after %ld kB", rss0, rss1);
	ok(rss1 - rss0 < 2048, "memory flat over 10 000 requests (+%ld kB)", rss1 - rss0);
	res_reset(&r);
}

static void test_downloads(void)
{
	enum { N = 40 };
	static struct result rs[N];
	struct http_client_request rq = { .method = "GET", .max_body = 16u << 20,
					  .timeout_ms = 30000 };
	char url[128];
	int good = 0, all = 0;
	bool never = false;
	char *want;
	int fd;

	want = malloc(file_size);
	fd = open(file_path, O_RDONLY);
	ok(want && fd >= 0 && read(fd, want, file_size) == (ssize_t)file_size, "read the file");
	close(fd);
	snprintf(url, sizeof url, "%s/file", base);
	rq.url = url;
	for (int i = 0; i < N; i++) {
		memset(&rs[i], 0, sizeof rs[i]);
		all += http_client_start(cli, &rq, &cbs, &rs[i], NULL) == 0;
	}
	is_int(all, N, "%d downloads started", N);
	for (uint64_t end = ev_time_ms() + 60000; ev_time_ms() < end;) {
		int done = 0;
		for (int i = 0; i < N; i++)
			done += rs[i].done;
		if (done == N)
			break;
		ev_run_once(loop, 50);
	}
	for (int i = 0; i < N; i++)
		good += rs[i].done && rs[i].status == 200 && rs[i].body_len == file_size &&
			memcmp(rs[i].body.data, want, file_size) == 0;
	is_int(good, N, "%d concurrent downloads of %llu bytes, all intact", N,
	       (unsigned long long)file_size);
	for (int i = 0; i < N; i++)
		res_reset(&rs[i]);
	free(want);
	run_until(&never, 100);
}

/* A slow reader: raw socket with a tiny receive buffer reads the file a
 * little at a time while other requests keep being served. */
static void test_slow_reader(void)
{
	struct result r = { 0 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001),
				  .sin_port = htons(http_server_port(srv)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096, served = 0;
	uint64_t got = 0, want_total;
	char buf[4096];
	const char rq[] = "GET /file HTTP/1.1\r\nHost: x\r\n\r\n";

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	ok(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "slow reader connected");
	ok(write(fd, rq, sizeof rq - 1) == (ssize_t)(sizeof rq - 1), "request sent");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	want_total = file_size;
	for (int round = 0; round < 4000 && got < want_total + 100; round++) {
		ssize_t n;
		ev_run_once(loop, 1);
		if (round % 40 == 0) {
			do_req(&r, "GET", "/json", NULL, false, 2000, 0);
			served += r.status == 200;
		}
		n = read(fd, buf, sizeof buf);
		if (n > 0)
			got += (uint64_t)n;
		if (n == 0)
			break;
	}
	ok(got > want_total, "slow reader got the whole file (%llu bytes with head)",
	   (unsigned long long)got);
	ok(served >= 5, "server stayed responsive meanwhile (%d requests)", served);
	close(fd);
	res_reset(&r);
}

int main(void)
{
	struct http_server_config sc = { .bind_host = "127.0.0.1", .max_conns = 200,
		.idle_timeout_ms = 5000, .header_timeout_ms = 5000 };
	struct http_client_config cc = { .timeout_ms = 10000 };
	static const struct http_route routes[] = {
		{ .method = "GET", .path = "/json", .fn = h_json },
		{ .method = NULL, .path = "/echo", .fn = h_echo },
		{ .method = "GET", .path = "/redirect", .fn = h_redirect },
		{ .method = "GET", .path = "/host", .fn = h_host },
		{ .method = "GET", .path = "/basic", .fn = h_json, .basic_user = "principal",
		  .basic_pass = "s:ecret" },
		{ .method = "GET", .path = "/never", .fn = h_never },
		{ .method = "GET", .path = "/stream", .fn = h_stream },
		{ .method = "GET", .path = "/file", .fn = h_file },
	};
	char dir[] = "/tmp/test_http.XXXXXX";
	int fd;

	loop = ev_loop_new();
	ok(loop != NULL, "loop");
	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(file_path, sizeof file_path, "%s/blob", dir);
	fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	file_size = 4u << 20;
	for (uint64_t i = 0; i < file_size; i += 4096) {
		char page[4096];
		for (int j = 0; j < 4096; j++)
			page[j] = (char)((i / 4096 * 7 + (uint64_t)j) & 0xff);
		if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
			break;
	}
	close(fd);

	ok(http_server_new(&srv, loop, &sc) == 0, "server listening");
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		http_server_add_route(srv, &routes[i]);
	snprintf(base, sizeof base, "http://127.0.0.1:%u", http_server_port(srv));
	cli = http_client_new(loop, &cc);
	ok(cli != NULL, "client");

	test_basics();
	test_stream();
	test_deadline_cancel();
	test_keepalive_memory();
	test_downloads();
	test_slow_reader();

	http_client_free(cli);
	http_server_free(srv);
	ev_loop_free(loop);
	unlink(file_path);
	rmdir(dir);
	return done_testing();
}
