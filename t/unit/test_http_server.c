/*
 * The server against raw bytes: automatic answers (400, 401, 404, 405
 * with Allow, 408, 413, 414, 431, 501, 505), pipelining order, chunked
 * uploads, Expect: 100-continue, HTTP/1.0, auth per route, the header
 * deadline, the idle timeout and the connection cap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev/ev.h"
#include "net/http_server.h"
#include "tap.h"

static struct ev_loop *loop;
static struct http_server *srv;

static void h_text(struct http_req *r, void *arg)
{
	char body[256], v[64] = "-";
	int n;
	if (http_req_query_get(r, "name", v, sizeof v) < 0)
		strcpy(v, "-");
	n = snprintf(body, sizeof body, "%s %s name=%s", http_req_method(r), http_req_path(r), v);
	http_respond(r, 200, "text/plain", body, (size_t)n);
}

static void h_echo(struct http_req *r, void *arg)
{
	size_t n;
	const char *b = http_req_body(r, &n);
	http_respond(r, 200, "text/plain", b, n);
}

/* /firehose: writes 8 MiB into a stream at once; counts refusals. */
static int firehose_epipe, firehose_aborts;
static void firehose_abort(struct http_req *r, void *arg)
{
	firehose_aborts++;
}
static void h_firehose(struct http_req *r, void *arg)
{
	static char piece[128 * 1024];
	http_req_on_abort(r, firehose_abort, NULL);
	http_stream_begin(r, 200, "application/octet-stream", NULL);
	for (int i = 0; i < 64; i++)
		if (http_stream_write(r, piece, sizeof piece) == -EPIPE) {
			firehose_epipe++;
			return;    /* the request is gone once on_abort has run */
		}
	http_stream_end(r);
}

static int sock_to(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001),
				  .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads whatever arrives until EOF or ms pass, driving the loop.
 * Returns bytes read; *eof tells whether the server closed. */
static size_t drain(int fd, char *out, size_t outlen, int ms, bool *eof)
{
	size_t got = 0;
	uint64_t end = ev_time_ms() + (uint64_t)ms;
	*eof = false;
	while (ev_time_ms() < end && got + 1 < outlen) {
		ssize_t n;
		ev_run_once(loop, 10);
		n = read(fd, out + got, outlen - 1 - got);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (n < 0 && errno != EAGAIN)) {
			*eof = true;
			break;
		}
	}
	out[got] = '\0';
	return got;
}

static void send_all(int fd, const char *s, size_t n)
{
	size_t off = 0;
	uint64_t end = ev_time_ms() + 5000;
	while (off < n && ev_time_ms() < end) {
		ssize_t w = write(fd, s + off, n - off);
		if (w > 0)
			off += (size_t)w;
		ev_run_once(loop, 0);
	}
}

/* One exchange on a new connection. */
static char out[1 << 17];
static bool closed;
static const char *exchange(const char *req, int ms)
{
	int fd = sock_to(http_server_port(srv));
	ev_run_once(loop, 0);
	send_all(fd, req, strlen(req));
	drain(fd, out, sizeof out, ms, &closed);
	close(fd);
	return out;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(void)
{
	struct http_server_config sc = { .bind_host = "127.0.0.1", .max_conns = 3,
		.idle_timeout_ms = 400, .header_timeout_ms = 300, .max_stream_backlog = 256 * 1024,
		.limits = { .max_header_bytes = 4096, .max_headers = 20, .max_uri = 512,
			    .max_body = 1000 } };
	static const struct http_route routes[] = {
		{ .method = "GET", .path = "/text", .fn = h_text },
		{ .method = "PUT", .path = "/text", .fn = h_text },
		{ .method = "POST", .path = "/echo", .fn = h_echo },
		{ .method = "GET", .path = "/firehose", .fn = h_firehose },
		{ .method = "GET", .path = "/files/", .prefix = true, .fn = h_text },
		{ .method = "GET", .path = "/files/special", .fn = h_echo },
		{ .method = "POST", .path = "/reseed", .fn = h_text, .bearer_token = "s3cret",
		  .same_origin = true },
		{ .method = "GET", .path = "/basic", .fn = h_text, .basic_user = "ops",
		  .basic_pass = "pw:1" },
	};
	const char *o;
	char big[2048];

	loop = ev_loop_new();
	int rc = http_server_new(&srv, loop, &sc);
	ok(rc == 0, "server on 127.0.0.1:%u", rc == 0 ? http_server_port(srv) : 0);
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		http_server_add_route(srv, &routes[i]);

	o = exchange("GET /text?name=a%2Fb+c&x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 500);
	ok(starts(o, "HTTP/1.1 200 OK\r\n") && strstr(o, "GET /text name=a/b c") && closed,
	   "200, query decoded, Connection: close honoured");
	ok(strstr(o, "\r\nDate: ") && strstr(o, " GMT\r\n"), "answers carry a Date header");
	o = exchange("GET /files/a/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 500);
	ok(strstr(o, "GET /files/a/b") != NULL, "prefix route");
	o = exchange("GET /files/special HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 500);
	ok(starts(o, "HTTP/1.1 200") && strstr(o, "\r\n\r\n")[4] == '\0',
	   "exact route beats prefix route");

	o = exchange("GET /text HTTP/1.1\r\nHost: x\r\n\r\nGET /text?name=2 HTTP/1.1\r\nHost: x\r\n\r\n"
		     "PUT /text?name=3 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 300);
	{
		const char *a = strstr(o, "name=-"), *b = strstr(o, "name=2"), *c = strstr(o, "PUT /text name=3");
		ok(count(o, "HTTP/1.1 200 OK") == 3 && a && b && c && a < b && b < c && !closed,
		   "3 pipelined requests answered in order, connection kept");
	}

	o = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		     "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 500);
	ok(starts(o, "HTTP/1.1 200") && strstr(o, "\r\n\r\nhello world"), "chunked upload decoded");

	{
		int fd = sock_to(http_server_port(srv));
		ev_run_once(loop, 0);
		const char *h = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
				"Expect: 100-continue\r\n\r\n";
		send_all(fd, h, strlen(h));
		drain(fd, out, sizeof out, 150, &closed);
		ok(starts(out, "HTTP/1.1 100 Continue\r\n\r\n"), "Expect: 100-continue answered");
		send_all(fd, "12345", 5);
		drain(fd, out, sizeof out, 150, &closed);
		ok(starts(out, "HTTP/1.1 200") && strstr(out, "\r\n\r\n12345"), "then the body is read");
		close(fd);
	}

	o = exchange("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 404 ") && closed, "404, then close");
	o = exchange("DELETE /text HTTP/1.1\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 405 ") && strstr(o, "\r\nAllow: GET, HEAD, PUT\r\n"),
	   "405 with Allow: GET, HEAD, PUT");
	o = exchange("BREW /text HTTP/1.1\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 501 "), "unknown method: 501");
	o = exchange("GET /text HTTP/2.0\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 505 "), "HTTP/2.0 request line: 505");
	o = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 501 "), "Transfer-Encoding gzip: 501");
	o = exchange("GET /te\x01xt HTTP/1.1\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 400 "), "control byte in target: 400");
	o = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 400 "), "conflicting Content-Length: 400");
	o = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 413 ") && closed, "Content-Length over max_body: 413");
	memset(big, 'a', sizeof big);
	big[sizeof big - 1] = '\0';
	{
		char rq[4096];
		snprintf(rq, sizeof rq, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "7d0\r\n%.2000s\r\n0\r\n\r\n", big);
		o = exchange(rq, 300);
		ok(starts(o, "HTTP/1.1 413 "), "chunked upload over max_body: 413");
		snprintf(rq, sizeof rq, "GET /%.600s HTTP/1.1\r\nHost: x\r\n\r\n", big);
		o = exchange(rq, 300);
		ok(starts(o, "HTTP/1.1 414 "), "600-byte target over max_uri: 414");
	}
	{
		static char rq[8192];
		snprintf(rq, sizeof rq, "GET /text HTTP/1.1\r\nHost: x\r\nX-Big: %.2000s%.2000s%.500s\r\n\r\n",
			 big, big, big);
		o = exchange(rq, 300);
		ok(starts(o, "HTTP/1.1 431 "), "header block over max_header_bytes: 431");
		size_t n = (size_t)snprintf(rq, sizeof rq, "GET /text HTTP/1.1\r\n");
		for (int i = 0; i < 25; i++)
			n += (size_t)snprintf(rq + n, sizeof rq - n, "X-H%d: v\r\n", i);
		snprintf(rq + n, sizeof rq - n, "\r\n");
		o = exchange(rq, 300);
		ok(starts(o, "HTTP/1.1 431 "), "25 headers over max_headers: 431");
	}

	o = exchange("POST /reseed HTTP/1.1\r\nHost: x\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 401 ") && strstr(o, "WWW-Authenticate: Bearer"), "no token: 401");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cre\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 401 "), "wrong token: 401");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
		     "Connection: close\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 200 "), "right token: 200");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer s3cret\r\n"
		     "Sec-Fetch-Site: cross-site\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 403 "), "same_origin route: Sec-Fetch-Site cross-site refused");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer s3cret\r\n"
		     "Origin: http://evil.example\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 403 "), "same_origin route: foreign Origin refused");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer s3cret\r\n"
		     "Origin: null\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 403 "), "same_origin route: Origin null refused");
	o = exchange("POST /reseed HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer s3cret\r\n"
		     "Origin: http://h:1\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 200 "), "same_origin route: matching Origin accepted");
	/* base64("ops:pw:1") = b3BzOnB3OjE= */
	o = exchange("GET /basic HTTP/1.1\r\nHost: x\r\nAuthorization: Basic b3BzOnB3OjE=\r\n"
		     "Connection: close\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 200 "), "basic auth (password with ':') accepted");
	o = exchange("GET /basic HTTP/1.1\r\nHost: x\r\nAuthorization: Basic b3BzOnB3OjI=\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 401 ") && strstr(o, "WWW-Authenticate: Basic"), "wrong password: 401");

	o = exchange("GET /text HTTP/1.0\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 200 ") && strstr(o, "Connection: close") && closed,
	   "HTTP/1.0 without keep-alive: answered, closed");
	o = exchange("GET /text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200);
	ok(strstr(o, "Connection: keep-alive") && !closed, "HTTP/1.0 keep-alive kept");
	o = exchange("HEAD /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 300);
	ok(starts(o, "HTTP/1.1 200 ") && strstr(o, "Content-Length: 17\r\n") &&
	   strstr(o, "\r\n\r\n")[4] == '\0', "HEAD: Content-Length of the body it would send, no body");

	/* a consumer that stops reading a stream is cut off, and told */
	{
		int fd = sock_to(http_server_port(srv)), small = 4096;
		bool eof;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
		ev_run_once(loop, 0);
		send_all(fd, "GET /firehose HTTP/1.1\r\nHost: x\r\n\r\n", 35);
		for (int i = 0; i < 50 && !firehose_aborts; i++)
			ev_run_once(loop, 10);
		ok(firehose_epipe == 1 && firehose_aborts == 1,
		   "stream backlog over max_stream_backlog: write says -EPIPE, on_abort runs once");
		drain(fd, out, sizeof out, 300, &eof);
		close(fd);
	}
	/* garbage never crashes the server; it keeps answering */
	{
		unsigned seed = 12345;
		char junk[2048];
		bool eof;
		for (int c = 0; c < 150; c++) {
			int fd = sock_to(http_server_port(srv));
			size_t n = 1 + (size_t)(rand_r(&seed) % (int)sizeof junk);
			for (size_t i = 0; i < n; i++)
				junk[i] = (char)rand_r(&seed);
			if (c % 3 == 0)
				memcpy(junk, "GET / HTTP/1.1\r\n", n < 16 ? n : 16);
			if (c % 3 == 1 && n > 40)
				memcpy(junk, "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 40);
			ev_run_once(loop, 0);
			send_all(fd, junk, n);
			drain(fd, out, sizeof out, 5, &eof);
			close(fd);
		}
		o = exchange("GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 500);
		ok(starts(o, "HTTP/1.1 200 "), "150 connections of random bytes later, still serving");
	}

	/* slowloris: half a request, then nothing: 408 after the header deadline */
	{
		uint64_t t0 = ev_time_ms();
		o = exchange("GET /text HTTP/1.1\r\nHost:", 2000);
		uint64_t dt = ev_time_ms() - t0;
		ok(starts(o, "HTTP/1.1 408 ") && closed && dt >= 250 && dt < 1900,
		   "unfinished headers: 408 and close after the deadline (%llu ms)",
		   (unsigned long long)dt);
		int fd = sock_to(http_server_port(srv));
		t0 = ev_time_ms();
		/* trickle one byte every 100 ms: the deadline still holds */
		const char *slow = "GET /text HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaa";
		bool eof = false;
		for (size_t i = 0; slow[i] && !eof; i++) {
			send_all(fd, slow + i, 1);
			drain(fd, out, sizeof out, 100, &eof);
		}
		dt = ev_time_ms() - t0;
		ok(eof && dt < 3000, "trickling bytes does not extend the header deadline (%llu ms)",
		   (unsigned long long)dt);
		close(fd);
	}
	/* idle keep-alive connection closed after idle_timeout */
	{
		int fd = sock_to(http_server_port(srv));
		uint64_t t0;
		ev_run_once(loop, 0);
		send_all(fd, "GET /text HTTP/1.1\r\nHost: x\r\n\r\n", 31);
		drain(fd, out, sizeof out, 100, &closed);
		t0 = ev_time_ms();
		drain(fd, out, sizeof out, 2000, &closed);
		ok(closed && ev_time_ms() - t0 >= 250, "idle keep-alive connection closed (%llu ms)",
		   (unsigned long long)(ev_time_ms() - t0));
		close(fd);
	}
	/* connection cap: 3 held connections, a 4th waits until one closes */
	{
		int fds[4];
		struct http_server_stats ss;
		bool eof;
		for (int i = 0; i < 4; i++) {
			fds[i] = sock_to(http_server_port(srv));
			ev_run_once(loop, 10);
		}
		for (int i = 0; i < 5; i++)
			ev_run_once(loop, 10);
		http_server_get_stats(srv, &ss);
		is_int(ss.conns, 3, "at most max_conns=3 connections accepted");
		send_all(fds[3], "GET /text HTTP/1.1\r\nHost: x\r\n\r\n", 31);
		drain(fds[3], out, sizeof out, 100, &eof);
		ok(out[0] == '\0', "the 4th waits in the backlog");
		close(fds[0]);
		drain(fds[3], out, sizeof out, 300, &eof);
		ok(starts(out, "HTTP/1.1 200 "), "and is served once one closes");
		for (int i = 1; i < 4; i++)
			close(fds[i]);
	}

	http_server_free(srv);
	ev_loop_free(loop);
	return done_testing();
}
