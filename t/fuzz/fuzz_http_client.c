/*
 * fuzz_http_client — raw bytes from a server against the whole client
 * (lib/net/http_client: answer heads, bodies in every framing, 1xx,
 * redirects, streaming and buffered delivery, the keep-alive pool) over a
 * real loopback connection. The first input byte picks stream or
 * buffered mode, HEAD or GET, and where the answer is split in two
 * writes. Every request must end in exactly one on_done within its
 * deadline, and a streamed body must equal the buffered one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "ev/ev.h"
#include "net/http_client.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct ev_loop *loop;
static struct http_client *cli;
static int lfd = -1;
static char url[64];

struct result {
	int done, heads;
	int err, status;
	struct buf body;
};

static void on_head(struct http_call *c, const struct http_reply *r, void *arg)
{
	struct result *res = arg;
	CHECK(res->done == 0 && res->heads == 0 && r->status >= 200);
	res->heads++;
}

static void on_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	struct result *res = arg;
	CHECK(res->done == 0 && res->heads == 1 && n > 0);
	CHECK(buf_append(&res->body, d, n) == 0);
}

static void on_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	struct result *res = arg;
	res->done++;
	res->err = r->err;
	res->status = r->status;
	CHECK(r->err == 0 || (r->errmsg && *r->errmsg));
	if (r->body)
		CHECK(buf_append(&res->body, r->body, r->body_len) == 0);
}

static void setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t al = sizeof a;
	struct http_client_config cc = { .timeout_ms = 400, .max_body = 1u << 20 };

	loop = ev_loop_new();
	cli = http_client_new(loop, &cc);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHECK(loop && cli && lfd >= 0);
	CHECK(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0 && listen(lfd, 16) == 0);
	CHECK(getsockname(lfd, (struct sockaddr *)&a, &al) == 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/x", ntohs(a.sin_port));
}

/* One request answered with data; returns the result (caller frees body). */
static void run(const unsigned char *data, size_t size, bool stream, bool head, size_t split,
		struct result *res)
{
	struct http_client_request rq = { .method = head ? "HEAD" : "GET", .url = url,
					  .stream = stream };
	static const struct http_client_cbs cbs = { on_head, on_body, on_done };
	int sfd = -1;
	size_t off = 0;
	char buf[4096];

	memset(res, 0, sizeof *res);
	CHECK(http_client_start(cli, &rq, &cbs, res, NULL) == 0);
	for (int turn = 0; turn < 3000 && !res->done; turn++) {
		ev_run_once(loop, turn < 50 ? 0 : 1);
		if (sfd < 0) {
			sfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			continue;
		}
		while (recv(sfd, buf, sizeof buf, 0) > 0)
			;
		size_t end = turn < 3 ? split : size;
		while (off < end) {
			ssize_t n = send(sfd, data + off, end - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		if (off == size && turn >= 3) {
			close(sfd);        /* the end of an until-close body */
			sfd = -2;
		}
	}
	if (sfd >= 0)
		close(sfd);
	CHECK(res->done == 1);
	/* stray connections (a retry after a stale pooled one) */
	while ((sfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(sfd);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct result a, b;
	unsigned char mode;

	if (!loop)
		setup();
	if (size < 1 || size > 65536)
		return 0;
	mode = data[0];
	data++;
	size--;
	run(data, size, false, mode & 2, mode % (size + 1), &a);
	run(data, size, true, mode & 2, (mode >> 2) % (size + 1), &b);
	/* Both saw the same bytes: the same verdict and the same body. */
	if (a.err == 0 && b.err == 0) {
		CHECK(a.status == b.status && b.heads == 1);
		CHECK(a.body.len == b.body.len &&
		      (a.body.len == 0 || memcmp(a.body.data, b.body.data, a.body.len) == 0));
	}
	buf_finish(&a.body);
	buf_finish(&b.body);
	return 0;
}
