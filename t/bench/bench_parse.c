/*
 * bench_parse — throughput of the lib/net parsers on typical input:
 * request headers (a Mesos scheduler call, a browser-like GET), response
 * headers, a chunked body decoded in place, and a RecordIO event stream.
 *
 *   build/t/bench/bench_parse [seconds per case, default 1]
 *
 * Prints one line per case: MB/s and messages/s. Build without
 * sanitizers (-Db_sanitize=none, buildtype release) for real numbers.
 */
#include "net/http_parse.h"
#include "net/recordio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *name, size_t bytes_each, unsigned long iters, double secs)
{
	double mb = (double)bytes_each * (double)iters / 1e6;
	printf("%-34s %7zu B  %9.0f MB/s  %11.0f /s\n", name, bytes_each, mb / secs,
	       (double)iters / secs);
}

static volatile int sink;

static const char req_mesos[] =
	"POST /api/v1/scheduler HTTP/1.1\r\n"
	"Host: 127.0.0.1:5050\r\n"
	"Content-Type: application/json\r\n"
	"Accept: application/json\r\n"
	"Mesos-Stream-Id: 2c5a0c57-41ab-4a8e-9d3b-7c1c0f0e3a61\r\n"
	"Authorization: Basic ZXRjZC1tZXNvczpzZWNyZXQ=\r\n"
	"User-Agent: etcd-mesos/0.1.0\r\n"
	"Content-Length: 312\r\n"
	"\r\n";

static const char req_browser[] =
	"GET /stats?format=json&verbose=1 HTTP/1.1\r\n"
	"Host: scheduler.example.com:23400\r\n"
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate, br\r\n"
	"Connection: keep-alive\r\n"
	"Cookie: session=6f1d2c3b4a5968778695a4b3c2d1e0f1; theme=dark; lang=en\r\n"
	"Upgrade-Insecure-Requests: 1\r\n"
	"Sec-Fetch-Dest: document\r\n"
	"Sec-Fetch-Mode: navigate\r\n"
	"Sec-Fetch-Site: same-origin\r\n"
	"Sec-Fetch-User: ?1\r\n"
	"Cache-Control: max-age=0\r\n"
	"\r\n";

static const char resp_head[] =
	"HTTP/1.1 200 OK\r\n"
	"Date: Wed, 25 Nov 2026 12:00:00 GMT\r\n"
	"Content-Type: application/json\r\n"
	"Mesos-Stream-Id: 2c5a0c57-41ab-4a8e-9d3b-7c1c0f0e3a61\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\r\n";

static void bench_request(const char *name, const char *msg, double secs)
{
	size_t len = strlen(msg);
	char *buf = malloc(len);
	memcpy(buf, msg, len);
	struct http_request req;
	unsigned long iters = 0;
	double t0 = now(), t = 0;
	do {
		for (int i = 0; i < 10000; i++)
			sink += http_parse_request(buf, len, NULL, &req);
		iters += 10000;
	} while ((t = now() - t0) < secs);
	if (http_parse_request(buf, len, NULL, &req) != (int)len)
		printf("bench_parse: %s does not parse\n", name);
	report(name, len, iters, t);
	free(buf);
}

static void bench_response(double secs)
{
	size_t len = strlen(resp_head);
	struct http_response resp;
	unsigned long iters = 0;
	double t0 = now(), t = 0;
	do {
		for (int i = 0; i < 10000; i++)
			sink += http_parse_response(resp_head, len, NULL, &resp);
		iters += 10000;
	} while ((t = now() - t0) < secs);
	report("response headers", len, iters, t);
}

/* A chunked body of total bytes in chunks of chunk bytes, decoded in
 * place; each round first restores the raw bytes (memcpy, counted). */
static void bench_chunked(size_t total, size_t chunk, double secs)
{
	size_t cap = total + (total / chunk + 2) * 32;
	char *raw = malloc(cap), *work = malloc(cap);
	size_t len = 0;
	for (size_t off = 0; off < total; off += chunk) {
		size_t n = total - off < chunk ? total - off : chunk;
		len += (size_t)sprintf(raw + len, "%zx\r\n", n);
		memset(raw + len, 'x', n);
		len += n;
		len += (size_t)sprintf(raw + len, "\r\n");
	}
	len += (size_t)sprintf(raw + len, "0\r\n\r\n");

	struct http_response resp;
	struct http_limits lim;
	http_limits_default(&lim);
	lim.max_body = UINT64_MAX;
	http_parse_response(resp_head, strlen(resp_head), &lim, &resp);

	unsigned long iters = 0;
	double t0 = now(), t = 0;
	do {
		struct http_body b;
		size_t out;
		memcpy(work, raw, len);
		http_body_for_response(&b, &resp, false, &lim);
		ssize_t r = http_body_decode(&b, work, len, &out);
		if (r != (ssize_t)len || out != total || !b.done) {
			printf("bench_parse: chunked decode failed\n");
			break;
		}
		iters++;
	} while ((t = now() - t0) < secs);
	char name[64];
	snprintf(name, sizeof name, "chunked body %zu KiB / %zu B chunks", total >> 10, chunk);
	report(name, len, iters, t);
	free(raw);
	free(work);
}

static void bench_recordio(double secs)
{
	struct buf stream = BUF_INIT;
	char ev[600];
	memset(ev, 'e', sizeof ev);
	for (int i = 0; i < 1000; i++)
		recordio_encode(&stream, ev, (size_t)(200 + i % 400));
	unsigned long iters = 0;
	double t0 = now(), t = 0;
	do {
		struct recordio_decoder d;
		recordio_decoder_init(&d, 0);
		const char *p = stream.data, *rec;
		size_t n = stream.len, rl;
		while (recordio_decoder_next(&d, &p, &n, &rec, &rl) == 1)
			sink += (int)rl;
		recordio_decoder_finish(&d);
		iters++;
	} while ((t = now() - t0) < secs);
	report("recordio 1000 events of 200-600 B", stream.len, iters, t);
	buf_finish(&stream);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "bench_parse: seconds per case must be in (0, 60], got \"%s\"\n",
			argv[1]);
		return 2;
	}
	printf("%-34s %9s  %12s  %13s\n", "case", "size", "throughput", "messages");
	bench_request("request: Mesos scheduler call", req_mesos, secs);
	bench_request("request: browser GET, 14 headers", req_browser, secs);
	bench_response(secs);
	bench_chunked(64 << 10, 4096, secs);
	bench_chunked(64 << 10, 256, secs);
	bench_recordio(secs);
	return 0;
}
