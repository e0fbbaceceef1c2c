/*
 * HTTPS: our client against our server with certificates made at test
 * time (t/certgen.h): verification by CA, by DNS name and by IP
 * address, the errors when it fails, keep-alive, streaming and a file
 * over TLS, and configuration errors that name the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "certgen.h"
#include "ev/ev.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "tap.h"

static struct ev_loop *loop;
static char dir[] = "/tmp/test_http_tls.XXXXXX";
static char path_buf[8][300];

static const char *P(int slot, const char *name)
{
	snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
	return path_buf[slot];
}

static bool run_until(const bool *flag, uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (!*flag && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *flag;
}

static char *big;
static size_t big_len = 3u << 20;

static void h_json(struct http_req *r, void *arg)
{
	char body[64];
	int n = snprintf(body, sizeof body, "{\"tls\":%s}", http_req_is_tls(r) ? "true" : "false");
	http_respond(r, 200, "application/json", body, (size_t)n);
}

static void h_big(struct http_req *r, void *arg)
{
	http_respond(r, 200, "application/octet-stream", big, big_len);
}

static char file_path[300];
static void h_file(struct http_req *r, void *arg)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);
	http_respond_file(r, 200, "application/octet-stream", fd, big_len);
}

static void h_stream(struct http_req *r, void *arg)
{
	http_stream_begin(r, 200, "text/plain", NULL);
	for (int i = 0; i < 3; i++)
		http_stream_write(r, "chunk;", 6);
	http_stream_end(r);
}

struct result {
	bool done;
	int err, status;
	char errmsg[512];
	struct buf body;
};

static void cb_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	buf_append(&((struct result *)arg)->body, d, n);
}
static void cb_done(struct http_call *c, const struct http_reply *rep, void *arg)
{
	struct result *r = arg;
	r->done = true;
	r->err = rep->err;
	r->status = rep->status;
	if (rep->errmsg)
		snprintf(r->errmsg, sizeof r->errmsg, "%s", rep->errmsg);
	if (rep->body)
		buf_append(&r->body, rep->body, rep->body_len);
}

static void get(struct http_client *c, const char *url, const char *sni, bool stream,
		struct result *r)
{
	struct http_client_cbs cbs = { NULL, cb_body, cb_done };
	struct http_client_request rq = { .method = "GET", .url = url, .stream = stream,
		.tls_server_name = sni, .timeout_ms = 10000, .max_body = 64u << 20 };
	int rc;

	buf_finish(&r->body);
	memset(r, 0, sizeof *r);
	rc = http_client_start(c, &rq, &cbs, r, NULL);
	if (rc != 0) {
		r->done = true;
		r->err = rc;
		snprintf(r->errmsg, sizeof r->errmsg, "%s", http_client_errmsg(c));
		return;
	}
	run_until(&r->done, 15000);
}

static struct http_server *serve(const char *cert, const char *key, struct tls_config **tc,
				 const char *bind)
{
	struct http_server *s = NULL;
	char err[300];
	struct http_server_config sc = { .bind_host = bind };
	static const struct http_route routes[] = {
		{ .method = "GET", .path = "/json", .fn = h_json },
		{ .method = "GET", .path = "/big", .fn = h_big },
		{ .method = "GET", .path = "/file", .fn = h_file },
		{ .method = "GET", .path = "/stream", .fn = h_stream },
	};

	if (tls_config_new_server(tc, cert, key, err, sizeof err) != 0) {
		note("%s", err);
		return NULL;
	}
	sc.tls = *tc;
	if (http_server_new(&s, loop, &sc) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		http_server_add_route(s, &routes[i]);
	return s;
}

int main(void)
{
	struct tls_config *stc = NULL, *wtc = NULL, *ctc = NULL, *otc = NULL, *itc = NULL;
	struct http_server *srv, *wrong_srv;
	struct http_client *cli, *other_cli, *insecure_cli;
	struct http_client_stats cs;
	struct result r = { 0 };
	char url[128], err[400];
	int fd;

	loop = ev_loop_new();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(certgen_dir(dir) == 0, "certificates generated with mbedTLS");

	big = malloc(big_len);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)(i * 31 % 251);
	snprintf(file_path, sizeof file_path, "%s/blob", dir);
	fd = open(file_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(write(fd, big, big_len) == (ssize_t)big_len, "blob written");
	close(fd);

	srv = serve(P(0, "server.pem"), P(1, "server.key"), &stc, NULL);
	wrong_srv = serve(P(0, "wrong.pem"), P(1, "wrong.key"), &wtc, "127.0.0.1");
	ok(srv && wrong_srv, "HTTPS servers listening (all addresses; 127.0.0.1)");

	struct tls_client_opts o = { .ca_file = P(2, "ca.pem"), .cert_file = P(3, "client.pem"),
				     .key_file = P(4, "client.key") };
	ok(tls_config_new_client(&ctc, &o, err, sizeof err) == 0, "client config with CA and client cert");
	struct tls_client_opts oo = { .ca_file = P(5, "other-ca.pem") };
	ok(tls_config_new_client(&otc, &oo, err, sizeof err) == 0, "client config trusting another CA");
	struct tls_client_opts io = { .insecure_no_verify = true };
	ok(tls_config_new_client(&itc, &io, err, sizeof err) == 0, "insecure client config");

	cli = http_client_new(loop, &(struct http_client_config){ .tls = ctc });
	other_cli = http_client_new(loop, &(struct http_client_config){ .tls = otc });
	insecure_cli = http_client_new(loop, &(struct http_client_config){ .tls = itc });

	snprintf(url, sizeof url, "https://127.0.0.1:%u/json", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	ok(r.err == 0 && r.status == 200, "HTTPS by IP address, verified by iPAddress SAN (%s)",
	   r.errmsg);
	is_str(r.body.data, "{\"tls\":true}", "server saw TLS");
	get(cli, url, NULL, false, &r);
	get(cli, url, NULL, false, &r);
	http_client_get_stats(cli, &cs);
	ok(r.status == 200 && cs.reused >= 2 && cs.connects == 1,
	   "TLS keep-alive: 3 requests, 1 connection (connects %llu)", (unsigned long long)cs.connects);

	snprintf(url, sizeof url, "https://localhost:%u/json", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	ok(r.err == 0 && r.status == 200, "HTTPS to localhost, verified by DNS name (%s)", r.errmsg);

	snprintf(url, sizeof url, "https://[::1]:%u/json", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	if (r.err == -EADDRNOTAVAIL || r.err == -ENETUNREACH || r.err == -EAFNOSUPPORT)
		note("no IPv6 loopback here: %s", r.errmsg);
	else
		ok(r.err == 0 && r.status == 200, "HTTPS over IPv6 [::1], dual-stack listener (%s)",
		   r.errmsg);

	snprintf(url, sizeof url, "https://127.0.0.1:%u/big", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	ok(r.status == 200 && r.body.len == big_len && memcmp(r.body.data, big, big_len) == 0,
	   "3 MiB body over TLS intact");
	snprintf(url, sizeof url, "https://127.0.0.1:%u/file", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	ok(r.status == 200 && r.body.len == big_len && memcmp(r.body.data, big, big_len) == 0,
	   "3 MiB file streamed over TLS intact");
	snprintf(url, sizeof url, "https://127.0.0.1:%u/stream", http_server_port(srv));
	get(cli, url, NULL, true, &r);
	ok(r.err == 0 && r.body.data && strcmp(r.body.data, "chunk;chunk;chunk;") == 0,
	   "chunked stream over TLS");

	snprintf(url, sizeof url, "https://127.0.0.1:%u/json", http_server_port(srv));
	get(other_cli, url, NULL, false, &r);
	ok(r.err == -EPROTO && strstr(r.errmsg, "certificate verification failed for 127.0.0.1") &&
	   strstr(r.errmsg, "not correctly signed by the trusted CA"),
	   "untrusted CA refused, named: %s", r.errmsg);

	snprintf(url, sizeof url, "https://127.0.0.1:%u/json", http_server_port(wrong_srv));
	get(cli, url, NULL, false, &r);
	ok(r.err == -EPROTO && strstr(r.errmsg, "does not name \"127.0.0.1\""),
	   "certificate for another name refused: %s", r.errmsg);
	get(cli, url, "wrong.example", false, &r);
	ok(r.err == 0 && r.status == 200, "the same with tls_server_name=wrong.example (%s)", r.errmsg);
	get(cli, url, "right.example", false, &r);
	ok(r.err == -EPROTO && strstr(r.errmsg, "does not name \"right.example\""),
	   "DNS name mismatch named: %s", r.errmsg);

	get(insecure_cli, url, NULL, false, &r);
	ok(r.err == 0 && r.status == 200, "insecure_no_verify accepts it");

	snprintf(url, sizeof url, "http://127.0.0.1:%u/json", http_server_port(srv));
	get(cli, url, NULL, false, &r);
	ok(r.err != 0, "plain HTTP to the TLS port fails (%s)", r.errmsg);

	{
		struct tls_config *dtc = NULL;
		struct http_client *dcli;
		struct tls_client_opts dopt = { .ca_dir = dir };
		ok(tls_config_new_client(&dtc, &dopt, err, sizeof err) == 0,
		   "CA directory accepted (%s)", dtc ? "ok" : err);
		dcli = http_client_new(loop, &(struct http_client_config){ .tls = dtc });
		snprintf(url, sizeof url, "https://127.0.0.1:%u/json", http_server_port(srv));
		get(dcli, url, NULL, false, &r);
		ok(r.err == 0 && r.status == 200, "verified with the CA directory (%s)", r.errmsg);
		http_client_free(dcli);
		tls_config_free(dtc);
	}

	struct tls_config *bad = NULL;
	struct tls_client_opts bo = { .ca_file = "/nonexistent/ca.pem" };
	ok(tls_config_new_client(&bad, &bo, err, sizeof err) == -ENOENT &&
	   strstr(err, "\"/nonexistent/ca.pem\""), "missing CA file named: %s", err);
	ok(tls_config_new_server(&bad, P(0, "server.pem"), P(1, "client.key"), err, sizeof err) != 0 &&
	   strstr(err, "does not fit its key"), "mismatched key named: %s", err);
	struct tls_client_opts ho = { .ca_file = P(2, "ca.pem"), .cert_file = P(3, "client.pem") };
	ok(tls_config_new_client(&bad, &ho, err, sizeof err) == -EINVAL,
	   "client certificate without key refused: %s", err);

	buf_finish(&r.body);
	http_client_free(cli);
	http_client_free(other_cli);
	http_client_free(insecure_cli);
	http_server_free(srv);
	http_server_free(wrong_srv);
	tls_config_free(stc);
	tls_config_free(wtc);
	tls_config_free(ctc);
	tls_config_free(otc);
	tls_config_free(itc);
	ev_loop_free(loop);
	free(big);
	{
		static const char *const files[] = { "ca.pem", "ca.key", "server.pem", "server.key",
			"client.pem", "client.key", "wrong.pem", "wrong.key", "other-ca.pem",
			"other.pem", "other.key", "blob", NULL };
		for (int i = 0; files[i]; i++)
			unlink(P(6, files[i]));
		rmdir(dir);
	}
	return done_testing();
}
