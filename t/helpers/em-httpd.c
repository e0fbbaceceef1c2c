/*
 * em-httpd — our HTTP server with test routes, for shell tests and
 * scripts/bench-http. Runs until SIGTERM/SIGINT.
 *
 *   em-httpd [-port=N] [-bind=ADDR] [-cert=F -key=F] [-file=PATH]
 *            [-token=T] [-max-body=N] [-max-conns=N]
 *
 * Routes: GET /json (small JSON), GET /file (PATH streamed from disk),
 * GET /stream?n=N&ms=M (N chunks every M ms), POST /upload (answers the
 * body's length and a checksum), POST /echo (the body), POST /secret
 * (bearer token). "listening on port N" goes to stdout once ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev/ev.h"
#include "net/http_server.h"

static struct ev_loop *loop;
static const char *file_path;

static void h_json(struct http_req *r, void *arg)
{
	static const char body[] = "{\"health\":\"true\",\"members\":3}";
	http_respond(r, 200, "application/json", body, sizeof body - 1);
}

static void h_file(struct http_req *r, void *arg)
{
	struct stat st;
	int fd = file_path ? open(file_path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		http_respond(r, 404, "text/plain", "no file\n", 8);
		return;
	}
	http_respond_file(r, 200, "application/octet-stream", fd, (uint64_t)st.st_size);
}

struct streamer {
	struct http_req *r;
	struct ev_timer t;
	int left, n, ms;
};

static void stream_tick(struct ev_loop *l, void *arg)
{
	struct streamer *s = arg;
	char line[64];
	int len = snprintf(line, sizeof line, "event %d\n", s->n - s->left);
	if (s->left-- <= 0) {
		http_stream_end(s->r);
		free(s);
		return;
	}
	if (http_stream_write(s->r, line, (size_t)len) != 0)
		return; /* on_abort frees */
	ev_timer_start(l, &s->t, (uint64_t)s->ms, 0);
}

static void stream_abort(struct http_req *r, void *arg)
{
	struct streamer *s = arg;
	ev_timer_stop(loop, &s->t);
	free(s);
}

static void h_stream(struct http_req *r, void *arg)
{
	struct streamer *s = calloc(1, sizeof *s);
	char v[32];
	if (!s) {
		http_respond(r, 500, "text/plain", "oom\n", 4);
		return;
	}
	s->r = r;
	s->n = http_req_query_get(r, "n", v, sizeof v) > 0 ? atoi(v) : 5;
	s->ms = http_req_query_get(r, "ms", v, sizeof v) > 0 ? atoi(v) : 10;
	s->left = s->n;
	http_req_on_abort(r, stream_abort, s);
	http_stream_begin(r, 200, "text/plain", NULL);
	ev_timer_init(&s->t, stream_tick, s);
	ev_timer_start(loop, &s->t, 0, 0);
}

static void h_upload(struct http_req *r, void *arg)
{
	size_t n;
	const unsigned char *b = (const unsigned char *)http_req_body(r, &n);
	unsigned long sum = 0;
	char out[96];
	for (size_t i = 0; i < n; i++)
		sum = (sum * 31 + b[i]) % 1000000007ul;
	int len = snprintf(out, sizeof out, "{\"bytes\":%zu,\"sum\":%lu}\n", n, sum);
	http_respond(r, 200, "application/json", out, (size_t)len);
}

static void h_echo(struct http_req *r, void *arg)
{
	size_t n;
	const char *b = http_req_body(r, &n);
	http_respond(r, 200, "application/octet-stream", b, n);
}

static void on_signal(struct ev_loop *l, int signo, void *arg)
{
	ev_stop(l);
}

static const char *opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

int main(int argc, char **argv)
{
	struct http_server_config sc = { 0 };
	struct http_server *srv = NULL;
	struct tls_config *tc = NULL;
	const char *cert = NULL, *key = NULL, *token = "test-token", *v;
	char err[400];
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((v = opt(argv[i], "-port")))
			sc.port = (uint16_t)atoi(v);
		else if ((v = opt(argv[i], "-bind")))
			sc.bind_host = v;
		else if ((v = opt(argv[i], "-cert")))
			cert = v;
		else if ((v = opt(argv[i], "-key")))
			key = v;
		else if ((v = opt(argv[i], "-file")))
			file_path = v;
		else if ((v = opt(argv[i], "-token")))
			token = v;
		else if ((v = opt(argv[i], "-max-body")))
			sc.limits.max_body = strtoull(v, NULL, 10);
		else if ((v = opt(argv[i], "-max-conns")))
			sc.max_conns = strtoul(v, NULL, 10);
		else {
			fprintf(stderr, "em-httpd: unknown argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	loop = ev_loop_new();
	if (cert || key) {
		if (tls_config_new_server(&tc, cert, key, err, sizeof err) != 0) {
			fprintf(stderr, "em-httpd: %s\n", err);
			return 1;
		}
		sc.tls = tc;
	}
	sc.name = "em-httpd";
	rc = http_server_new(&srv, loop, &sc);
	if (rc != 0) {
		fprintf(stderr, "em-httpd: cannot listen: %s\n", strerror(-rc));
		return 1;
	}
	const struct http_route routes[] = {
		{ .method = "GET", .path = "/json", .fn = h_json },
		{ .method = "GET", .path = "/file", .fn = h_file },
		{ .method = "GET", .path = "/stream", .fn = h_stream },
		{ .method = "POST", .path = "/upload", .fn = h_upload },
		{ .method = "POST", .path = "/echo", .fn = h_echo },
		{ .method = "POST", .path = "/secret", .fn = h_json, .bearer_token = token },
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		http_server_add_route(srv, &routes[i]);
	ev_signal_add(loop, SIGTERM, on_signal, NULL);
	ev_signal_add(loop, SIGINT, on_signal, NULL);
	printf("listening on port %u\n", http_server_port(srv));
	fflush(stdout);
	ev_run(loop);
	ev_signal_del(loop, SIGTERM);
	ev_signal_del(loop, SIGINT);
	http_server_free(srv);
	tls_config_free(tc);
	ev_loop_free(loop);
	return 0;
}
