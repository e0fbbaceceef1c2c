/*
 * fuzz_http_server — raw bytes from a client against the whole server
 * (lib/net/http_server: parsing, routing, auth, bodies, pipelining,
 * answers, closing) over a real loopback connection. The input arrives
 * in two writes split where its first byte says, then the client shuts
 * its side; the server must answer what it can and close within a
 * bounded number of loop turns, and keep serving afterwards.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev/ev.h"
#include "net/http_server.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct ev_loop *loop;
static struct http_server *srv;
static struct sockaddr_in addr;
static int memfd = -1;

static void h_json(struct http_req *r, void *arg)
{
	char q[64];
	(void)http_req_query_get(r, "x", q, sizeof q);
	(void)http_req_header(r, "Accept", NULL);
	http_respond(r, 200, "application/json", "{}", 2);
}

static void h_echo(struct http_req *r, void *arg)
{
	size_t n;
	const char *b = http_req_body(r, &n);
	http_respond_h(r, 200, "text/plain", "X-Test: 1\r\n", b, n);
}

static void h_stream(struct http_req *r, void *arg)
{
	http_stream_begin(r, 200, "text/plain", NULL);
	http_stream_write(r, "a\n", 2);
	http_stream_write(r, "bc\n", 3);
	http_stream_end(r);
}

static void h_file(struct http_req *r, void *arg)
{
	int fd = dup(memfd);
	http_respond_file(r, 200, "application/octet-stream", fd, 20000);
}

static void setup(void)
{
	struct http_server_config sc = { .bind_host = "127.0.0.1", .header_timeout_ms = 2000,
		.idle_timeout_ms = 2000, .limits = { .max_header_bytes = 4096, .max_headers = 32,
		.max_uri = 1024, .max_body = 8192 } };
	static const struct http_route routes[] = {
		{ .method = "GET", .path = "/json", .fn = h_json },
		{ .method = "POST", .path = "/echo", .fn = h_echo },
		{ .method = NULL, .path = "/any/", .prefix = true, .fn = h_echo },
		{ .method = "GET", .path = "/stream", .fn = h_stream },
		{ .method = "GET", .path = "/file", .fn = h_file },
		{ .method = "POST", .path = "/auth", .fn = h_json, .bearer_token = "tok",
		  .basic_user = "u", .basic_pass = "p", .same_origin = true },
	};
	static char page[20000];

	loop = ev_loop_new();
	CHECK(loop && http_server_new(&srv, loop, &sc) == 0);
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		CHECK(http_server_add_route(srv, &routes[i]) == 0);
	memfd = memfd_create("fuzz", MFD_CLOEXEC);
	memset(page, 'z', sizeof page);
	CHECK(memfd >= 0 && write(memfd, page, sizeof page) == (ssize_t)sizeof page);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(0x7f000001);
	addr.sin_port = htons(http_server_port(srv));
}

/* Sends, shuts down, drains until the server closes. */
static bool exchange(const unsigned char *data, size_t size)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	size_t split = size ? data[0] % (size + 1) : 0, off = 0;
	bool closed = false, shut = false;
	char buf[65536];

	CHECK(fd >= 0);
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS)
		CHECK(0);
	for (int turn = 0; turn < 3000 && !closed; turn++) {
		ev_run_once(loop, turn < 10 ? 0 : 1);
		size_t end = turn < 2 ? split : size;
		while (off < end) {
			ssize_t n = send(fd, data + off, end - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		if (off == size && !shut && turn >= 2) {
			shutdown(fd, SHUT_WR);
			shut = true;
		}
		for (;;) {
			ssize_t n = recv(fd, buf, sizeof buf, 0);
			if (n > 0)
				continue;
			if (n == 0 || (n < 0 && errno != EAGAIN))
				closed = true;
			break;
		}
	}
	close(fd);
	return closed;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const unsigned char ok_req[] = "GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct http_server_stats st;

	if (!loop)
		setup();
	if (size > 65536)
		return 0;
	CHECK(exchange(data, size));   /* the server closed within the bound */
	for (int i = 0; i < 5; i++)
		ev_run_once(loop, 0);
	http_server_get_stats(srv, &st);
	CHECK(st.conns == 0);          /* nothing left behind */
	CHECK(exchange(ok_req, sizeof ok_req - 1));
	return 0;
}
