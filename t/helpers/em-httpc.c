/*
 * em-httpc — our HTTP client as a command, for shell interop tests.
 *
 *   em-httpc [-method=M] [-data=STR] [-data-file=F] [-header="N: v"]...
 *            [-ca=F] [-ca-dir=D] [-cert=F -key=F] [-insecure] [-sni=NAME]
 *            [-stream] [-repeat=N]
 *            [-parallel=N] [-timeout=MS] [-max-body=N] [-out=F] URL
 *
 * Writes the body of the last answer to stdout (or -out=F) and, on
 * stderr, "status N", "location L" (3xx), "pieces N" (-stream) and
 * "connects N reused N". -repeat runs the request N times one after the
 * other (keep-alive), -parallel N at once. Exit 0 when every request
 * ended without error, 1 otherwise (the error line on stderr), 2 on
 * usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "ev/ev.h"
#include "net/http_client.h"

static struct ev_loop *loop;
static struct http_client *cli;
static struct http_client_request rq;
static FILE *out;
static int pending, failures, pieces, last_status;
static long repeat_left;

static void on_head(struct http_call *c, const struct http_reply *r, void *arg)
{
	fprintf(stderr, "head %d\n", r->status);
}

static void on_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	pieces++;
	fwrite(d, 1, n, out);
	fflush(out);
}

static void start_one(void);

static void on_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	pending--;
	if (r->err) {
		failures++;
		fprintf(stderr, "em-httpc: %s\n", r->errmsg);
	} else {
		last_status = r->status;
		if (r->location)
			fprintf(stderr, "location %s\n", r->location);
		if (r->body && repeat_left == 0 && pending == 0)
			fwrite(r->body, 1, r->body_len, out);
	}
	if (repeat_left > 0 && !r->err)
		start_one();
	if (pending == 0)
		ev_stop(loop);
}

static void start_one(void)
{
	static const struct http_client_cbs cbs = { on_head, on_body, on_done };
	int rc = http_client_start(cli, &rq, &cbs, NULL, NULL);
	if (rc != 0) {
		fprintf(stderr, "em-httpc: %s\n", http_client_errmsg(cli));
		failures++;
		return;
	}
	pending++;
	if (repeat_left > 0)
		repeat_left--;
}

static const char *opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	return arg[n] == '\0' ? "" : NULL;
}

int main(int argc, char **argv)
{
	struct http_client_config cc = { 0 };
	struct tls_client_opts to = { 0 };
	struct tls_config *tc = NULL;
	struct http_kv headers[16];
	struct buf data = BUF_INIT;
	struct http_client_stats st;
	char hdr_store[16][256], err[400];
	size_t nh = 0;
	long parallel = 1, repeat = 1;
	bool want_tls = false;
	const char *v, *out_path = NULL;

	rq.method = "GET";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((v = opt(a, "-method")))
			rq.method = v;
		else if ((v = opt(a, "-data"))) {
			buf_append_str(&data, v);
			rq.body = data.data;
		} else if ((v = opt(a, "-data-file"))) {
			char chunk[65536];
			ssize_t n;
			int fd = open(v, O_RDONLY);
			if (fd < 0) {
				perror(v);
				return 2;
			}
			while ((n = read(fd, chunk, sizeof chunk)) > 0)
				buf_append(&data, chunk, (size_t)n);
			close(fd);
			rq.body = data.data ? data.data : "";
		} else if ((v = opt(a, "-header")) && nh < 16) {
			const char *colon = strchr(v, ':');
			if (!colon)
				return 2;
			snprintf(hdr_store[nh], sizeof hdr_store[nh], "%.*s", (int)(colon - v), v);
			headers[nh].name = hdr_store[nh];
			headers[nh].value = colon + 1 + strspn(colon + 1, " ");
			nh++;
		} else if ((v = opt(a, "-ca"))) {
			to.ca_file = v;
			want_tls = true;
		} else if ((v = opt(a, "-ca-dir"))) {
			to.ca_dir = v;
			want_tls = true;
		} else if ((v = opt(a, "-cert"))) {
			to.cert_file = v;
			want_tls = true;
		} else if ((v = opt(a, "-key"))) {
			to.key_file = v;
		} else if (opt(a, "-insecure")) {
			to.insecure_no_verify = true;
			want_tls = true;
		} else if ((v = opt(a, "-sni")))
			rq.tls_server_name = v;
		else if (opt(a, "-stream"))
			rq.stream = true;
		else if (opt(a, "-idempotent"))
			rq.idempotent = true;
		else if ((v = opt(a, "-repeat")))
			repeat = atol(v);
		else if ((v = opt(a, "-parallel")))
			parallel = atol(v);
		else if ((v = opt(a, "-timeout")))
			rq.timeout_ms = strtoull(v, NULL, 10);
		else if ((v = opt(a, "-max-body")))
			rq.max_body = strtoull(v, NULL, 10);
		else if ((v = opt(a, "-out")))
			out_path = v;
		else if (a[0] != '-' && !rq.url)
			rq.url = a;
		else {
			fprintf(stderr, "em-httpc: unknown argument \"%s\"\n", a);
			return 2;
		}
	}
	if (!rq.url || repeat < 1 || parallel < 1) {
		fprintf(stderr, "usage: em-httpc [options] URL\n");
		return 2;
	}
	rq.body_len = data.len;
	rq.headers = headers;
	rq.num_headers = nh;
	out = out_path ? fopen(out_path, "w") : stdout;
	if (!out) {
		perror(out_path);
		return 2;
	}
	if (want_tls && tls_config_new_client(&tc, &to, err, sizeof err) != 0) {
		fprintf(stderr, "em-httpc: %s\n", err);
		return 1;
	}
	cc.tls = tc;
	loop = ev_loop_new();
	cli = http_client_new(loop, &cc);
	repeat_left = repeat;
	for (long i = 0; i < parallel; i++) {
		repeat_left = i == parallel - 1 ? repeat : 1;
		start_one();
	}
	if (pending)
		ev_run(loop);
	http_client_get_stats(cli, &st);
	fprintf(stderr, "status %d\n", last_status);
	if (rq.stream)
		fprintf(stderr, "pieces %d\n", pieces);
	fprintf(stderr, "connects %llu reused %llu\n", (unsigned long long)st.connects,
		(unsigned long long)st.reused);
	http_client_free(cli);
	tls_config_free(tc);
	ev_loop_free(loop);
	buf_finish(&data);
	if (out != stdout)
		fclose(out);
	return failures ? 1 : 0;
}
