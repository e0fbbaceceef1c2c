/*
 * test_http_parse — the HTTP/1.1 parser of lib/net (http_parse.h): start
 * lines and headers (valid, malformed, limits, every split point), body
 * framing decisions, and the in-place body decoder over every split.
 * Inputs are copied in front of a guard page (t/guard.h).
 */
#include "net/http_parse.h"
#include "guard.h"
#include "tap.h"

#include <stdlib.h>

/* Table rows leave trailing optional fields out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define OK_ALL 1   /* want: the whole input is consumed */

static int parse_req(const char *s, size_t len, const struct http_limits *lim,
		     struct http_request *req)
{
	char *g = guard_dup(s, len);
	int rc = http_parse_request(g, len, lim, req);
	/* Slices must point into the guarded copy; move them to s. */
	if (rc > 0) {
		req->method = s + (req->method - g);
		req->target = s + (req->target - g);
		for (size_t i = 0; i < req->num_headers; i++) {
			req->headers[i].name = s + (req->headers[i].name - g);
			req->headers[i].value = s + (req->headers[i].value - g);
		}
	}
	guard_free(g, len);
	return rc;
}

static int parse_resp(const char *s, size_t len, const struct http_limits *lim,
		      struct http_response *resp)
{
	char *g = guard_dup(s, len);
	int rc = http_parse_response(g, len, lim, resp);
	if (rc > 0) {
		resp->reason = s + (resp->reason - g);
		for (size_t i = 0; i < resp->num_headers; i++) {
			resp->headers[i].name = s + (resp->headers[i].name - g);
			resp->headers[i].value = s + (resp->headers[i].value - g);
		}
	}
	guard_free(g, len);
	return rc;
}

static bool slice_is(const char *p, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(p, want, n) == 0;
}

/* ---- requests ---- */

static const struct {
	const char *raw;
	int want;              /* OK_ALL, HTTP_INCOMPLETE or an error */
	const char *method, *target;
	int minor;
	size_t nh;
	size_t len;            /* 0: strlen(raw) */
} requests[] = {
	{ "GET / HTTP/1.1\r\n\r\n", OK_ALL, "GET", "/", 1, 0 },
	{ "GET /stats?x=1&y=%20 HTTP/1.0\r\nHost: a\r\n\r\n", OK_ALL, "GET", "/stats?x=1&y=%20", 0, 1 },
	{ "\r\n\r\nPOST /api/v1/scheduler HTTP/1.1\r\nHost: m:5050\r\nContent-Length: 2\r\n\r\n",
	  OK_ALL, "POST", "/api/v1/scheduler", 1, 2 },
	{ "OPTIONS * HTTP/1.1\r\nX:\r\n\r\n", OK_ALL, "OPTIONS", "*", 1, 1 },
	{ "M-SEARCH! /x HTTP/1.1\r\nA: \t b c \t\r\n\r\n", OK_ALL, "M-SEARCH!", "/x", 1, 1 },
	{ "GET / HTTP/1.1\r\nUtf8: caf\xc3\xa9\r\n\r\n", OK_ALL, "GET", "/", 1, 1 },
	{ "GET / HTTP/1.1\r\n", HTTP_INCOMPLETE, NULL, NULL, 0, 0 },
	{ "", HTTP_INCOMPLETE, NULL, NULL, 0, 0 },
	{ "\r\n", HTTP_INCOMPLETE, NULL, NULL, 0, 0 },
	/* malformed */
	{ "GET / HTTP/1.1\n\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA: b\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET  / HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET /  HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ " GET / HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET\t/ HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1 \r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET /a\x7f HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / http/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.10\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/2.0\r\n\r\n", HTTP_E_VERSION, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.2\r\n\r\n", HTTP_E_VERSION, NULL, NULL, 0, 0 },
	{ "GET / HTTP/0.9\r\n\r\n", HTTP_E_VERSION, NULL, NULL, 0, 0 },
	{ "GET /\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA : b\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\n: b\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA(b): c\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0, 26 },
	{ "GET / HTTP/1.1\r\n\r\r", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "\n GET / HTTP/1.1\r\n\r\n", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	/* a syntax error shows before the message is complete */
	{ "GE\x01", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
	{ "GET / HTTP/1.1\r\nBad Name", HTTP_E_SYNTAX, NULL, NULL, 0, 0 },
};

static void test_requests(void)
{
	for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		struct http_request req;
		size_t len = requests[i].len ? requests[i].len : strlen(requests[i].raw);
		int rc = parse_req(requests[i].raw, len, NULL, &req);
		int want = requests[i].want == OK_ALL ? (int)len : requests[i].want;
		is_int(rc, want, "request %zu: %s", i, requests[i].want == OK_ALL ? "parses" :
		       http_strerror(requests[i].want));
		if (requests[i].want == OK_ALL && rc == want) {
			ok(slice_is(req.method, req.method_len, requests[i].method) &&
			   slice_is(req.target, req.target_len, requests[i].target) &&
			   req.minor_version == requests[i].minor &&
			   req.num_headers == requests[i].nh,
			   "request %zu: method, target, version, header count", i);
		}
	}

	struct http_request req;
	const char *r = "GET /x HTTP/1.1\r\nHost: h\r\nX-Pad:   v w  \r\nEmpty:\r\n\r\nNEXT";
	int rc = parse_req(r, strlen(r), NULL, &req);
	is_int(rc, (int)strlen(r) - 4, "pipelined bytes after the header block are not consumed");
	const struct http_header *h = http_find_header(req.headers, req.num_headers, "x-PAD");
	ok(h && slice_is(h->value, h->value_len, "v w"), "value trimmed, lookup ignores case");
	h = http_find_header(req.headers, req.num_headers, "empty");
	ok(h && h->value_len == 0, "empty value");
	ok(!http_find_header(req.headers, req.num_headers, "Hos"), "no prefix match");
	ok(!http_find_header(NULL, 0, "Host"), "lookup in nothing");
}

/* ---- responses ---- */

static const struct {
	const char *raw;
	int want;
	int status;
	const char *reason;
	size_t nh;
} responses[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", OK_ALL, 200, "OK", 1 },
	{ "HTTP/1.0 404 Not Found\r\n\r\n", OK_ALL, 404, "Not Found", 0 },
	{ "HTTP/1.1 307 \r\nLocation: //m2:5050/api\r\n\r\n", OK_ALL, 307, "", 1 },
	{ "HTTP/1.1 204\r\n\r\n", OK_ALL, 204, "", 0 },
	{ "HTTP/1.1 503 Service\tUnavailable \xff\r\n\r\n", OK_ALL, 503, "Service\tUnavailable \xff", 0 },
	{ "HTTP/1.1 999 Whatever\r\n\r\n", OK_ALL, 999, "Whatever", 0 },
	{ "HTTP/1.1 200 OK\r\n", HTTP_INCOMPLETE, 0, NULL, 0 },
	{ "HTTP/1.1 20", HTTP_INCOMPLETE, 0, NULL, 0 },
	{ "HTTP/1.1 099 Low\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/1.1 20x OK\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/1.1 2000 OK\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/1.1  200 OK\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/1.1 200 OK\n\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/2 200\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "HTTP/3.0 200 OK\r\n\r\n", HTTP_E_VERSION, 0, NULL, 0 },
	{ "\r\nHTTP/1.1 200 OK\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
	{ "ICY 200 OK\r\n\r\n", HTTP_E_SYNTAX, 0, NULL, 0 },
};

static void test_responses(void)
{
	for (size_t i = 0; i < sizeof responses / sizeof responses[0]; i++) {
		struct http_response resp;
		size_t len = strlen(responses[i].raw);
		int rc = parse_resp(responses[i].raw, len, NULL, &resp);
		int want = responses[i].want == OK_ALL ? (int)len : responses[i].want;
		is_int(rc, want, "response %zu: %s", i, responses[i].want == OK_ALL ? "parses" :
		       http_strerror(responses[i].want));
		if (responses[i].want == OK_ALL && rc == want)
			ok(resp.status == responses[i].status &&
			   slice_is(resp.reason, resp.reason_len, responses[i].reason) &&
			   resp.num_headers == responses[i].nh,
			   "response %zu: status, reason, header count", i);
	}
}

/* ---- every split point ---- */

static const char *sample_req =
	"POST /api/v1/scheduler HTTP/1.1\r\n"
	"Host: 127.0.0.1:5050\r\n"
	"Content-Type: application/json\r\n"
	"Accept: application/json\r\n"
	"Connection: keep-alive\r\n"
	"Content-Length: 42\r\n"
	"\r\n";
static const char *sample_resp =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"Mesos-Stream-Id: 2c5a-44ab\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\r\n";

static void test_split_points(void)
{
	size_t n = strlen(sample_req), bad = 0;
	struct http_request req;
	for (size_t k = 0; k < n; k++) {
		if (parse_req(sample_req, k, NULL, &req) != HTTP_INCOMPLETE)
			bad++;
	}
	is_int(bad, 0, "request: every proper prefix of %zu bytes is incomplete", n);
	is_int(parse_req(sample_req, n, NULL, &req), (int)n, "request: the whole parses");

	n = strlen(sample_resp);
	bad = 0;
	struct http_response resp;
	for (size_t k = 0; k < n; k++) {
		if (parse_resp(sample_resp, k, NULL, &resp) != HTTP_INCOMPLETE)
			bad++;
	}
	is_int(bad, 0, "response: every proper prefix of %zu bytes is incomplete", n);
	is_int(parse_resp(sample_resp, n, NULL, &resp), (int)n, "response: the whole parses");
}

/* ---- limits ---- */

static void test_limits(void)
{
	struct http_limits l;
	struct http_request req;
	struct buf_ { char d[70000]; } *big = malloc(sizeof *big);
	int rc;

	http_limits_default(&l);
	ok(l.max_header_bytes == 16384 && l.max_headers == 64 && l.max_uri == 8192 &&
	   l.max_body == 1 << 20, "defaults");

	/* header block exactly at the limit, and one byte over */
	const char *head = "GET / HTTP/1.1\r\nX: ";
	size_t hl = strlen(head);
	l.max_header_bytes = 100;
	memcpy(big->d, head, hl);
	memset(big->d + hl, 'a', 100 - hl - 4);
	memcpy(big->d + 96, "\r\n\r\n", 4);
	is_int(parse_req(big->d, 100, &l, &req), 100, "header block of exactly max_header_bytes");
	memmove(big->d + 97, big->d + 96, 4);
	big->d[96] = 'a';
	is_int(parse_req(big->d, 101, &l, &req), HTTP_E_HEADER_TOO_LARGE, "one byte over");
	is_int(parse_req(big->d, 100, &l, &req), HTTP_INCOMPLETE,
	       "at the limit and unfinished: still incomplete");
	/* an endless header fails as soon as the limit passes */
	memset(big->d + hl, 'a', sizeof big->d - hl);
	http_limits_default(&l);
	is_int(parse_req(big->d, 16384, &l, &req), HTTP_INCOMPLETE, "16384 bytes, no end yet");
	is_int(parse_req(big->d, 16385, &l, &req), HTTP_E_HEADER_TOO_LARGE,
	       "16385 bytes without CRLFCRLF");
	is_int(parse_req(big->d, sizeof big->d, &l, &req), HTTP_E_HEADER_TOO_LARGE,
	       "70000 bytes without CRLFCRLF");
	/* empty leading lines count */
	l.max_header_bytes = 20;
	is_int(parse_req("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", 22, &l, &req),
	       HTTP_E_HEADER_TOO_LARGE, "leading empty lines count against the limit");

	/* URI length */
	http_limits_default(&l);
	l.max_uri = 10;
	is_int(parse_req("GET /123456789 HTTP/1.1\r\n\r\n", 27, &l, &req), 27, "URI of max_uri");
	is_int(parse_req("GET /1234567890 HTTP/1.1\r\n\r\n", 28, &l, &req),
	       HTTP_E_URI_TOO_LONG, "URI of max_uri + 1");
	is_int(parse_req("GET /1234567890", 15, &l, &req), HTTP_E_URI_TOO_LONG,
	       "URI too long known before the line ends");
	is_int(parse_req("GET /123456789", 14, &l, &req), HTTP_INCOMPLETE,
	       "URI at max_uri, line unfinished");

	/* header count */
	char *p = big->d;
	p += sprintf(p, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 64; i++)
		p += sprintf(p, "H%d: v\r\n", i);
	p += sprintf(p, "\r\n");
	rc = parse_req(big->d, (size_t)(p - big->d), NULL, &req);
	ok(rc == p - big->d && req.num_headers == 64, "64 headers pass");
	p -= 2;
	p += sprintf(p, "H64: v\r\n\r\n");
	is_int(parse_req(big->d, (size_t)(p - big->d), NULL, &req), HTTP_E_TOO_MANY_HEADERS,
	       "65 headers fail");
	is_int(parse_req(big->d, 200, NULL, &req), HTTP_INCOMPLETE, "a prefix is incomplete");
	http_limits_default(&l);
	l.max_headers = 3;
	is_int(parse_req(big->d, (size_t)(p - big->d), &l, &req), HTTP_E_TOO_MANY_HEADERS,
	       "max_headers 3");
	l.max_headers = 1000;
	is_int(parse_req(big->d, (size_t)(p - big->d), &l, &req), HTTP_E_TOO_MANY_HEADERS,
	       "max_headers above HTTP_MAX_HEADERS is clamped");
	free(big);
}

/* ---- body framing decisions ---- */

static const struct {
	const char *head;      /* request or response header block */
	bool head_req;         /* response to HEAD */
	int want;
	enum http_body_kind kind;
	uint64_t remaining;
} framings[] = {
	{ "GET / HTTP/1.1\r\n\r\n", false, 0, HTTP_BODY_NONE, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 5 },
	{ "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 0 },
	{ "POST / HTTP/1.1\r\ncontent-length: 007\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 7 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 5 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 5 },
	{ "POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 1048576 },
	{ "POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n", false, HTTP_E_BODY_TOO_LARGE, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n", false, HTTP_E_BODY_TOO_LARGE, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5,\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length: 5 5\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", false, 0, HTTP_BODY_CHUNKED, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n", false, 0, HTTP_BODY_CHUNKED, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: ,chunked ,\r\n\r\n", false, 0, HTTP_BODY_CHUNKED, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", false, HTTP_E_TRANSFER_CODING, 0, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_E_TRANSFER_CODING, 0, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", false, HTTP_E_TRANSFER_CODING, 0, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", false, HTTP_E_TRANSFER_CODING, 0, 0 },
	{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	/* responses */
	{ "HTTP/1.1 200 OK\r\n\r\n", false, 0, HTTP_BODY_UNTIL_CLOSE, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", false, 0, HTTP_BODY_LENGTH, 12 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", true, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n", true, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, 0, HTTP_BODY_CHUNKED, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 100 Continue\r\n\r\n", false, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 101 Switching Protocols\r\n\r\n", false, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, 0, HTTP_BODY_NONE, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, HTTP_E_TRANSFER_CODING, 0, 0 },
	{ "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_E_BAD_LENGTH, 0, 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", false, HTTP_E_BODY_TOO_LARGE, 0, 0 },
};

static void test_framing(void)
{
	for (size_t i = 0; i < sizeof framings / sizeof framings[0]; i++) {
		const char *s = framings[i].head;
		struct http_body b;
		int rc;
		memset(&b, 0xa5, sizeof b);
		if (strncmp(s, "HTTP/", 5) == 0) {
			struct http_response resp;
			rc = parse_resp(s, strlen(s), NULL, &resp);
			if (rc > 0)
				rc = http_body_for_response(&b, &resp, framings[i].head_req, NULL);
		} else {
			struct http_request req;
			rc = parse_req(s, strlen(s), NULL, &req);
			if (rc > 0)
				rc = http_body_for_request(&b, &req, NULL);
		}
		is_int(rc, framings[i].want, "framing %zu: %s", i, framings[i].want ?
		       http_strerror(framings[i].want) : "accepted");
		if (rc == 0 && framings[i].want == 0)
			ok(b.kind == framings[i].kind && b.remaining == framings[i].remaining &&
			   b.total == 0 &&
			   b.done == (b.kind == HTTP_BODY_NONE ||
				      (b.kind == HTTP_BODY_LENGTH && b.remaining == 0)),
			   "framing %zu: kind %d remaining %llu done %d", i, b.kind,
			   (unsigned long long)b.remaining, b.done);
	}

	struct http_limits l;
	struct http_request req;
	struct http_body b;
	http_limits_default(&l);
	l.max_body = UINT64_MAX;
	const char *s = "POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n";
	parse_req(s, strlen(s), NULL, &req);
	ok(http_body_for_request(&b, &req, &l) == 0 && b.remaining == UINT64_MAX,
	   "UINT64_MAX length with an unbounded max_body");
}

/* ---- body decoding ---- */

struct decode_case {
	const char *head;      /* response header block */
	const char *raw;       /* body bytes as sent, then maybe the next message */
	size_t raw_len;        /* 0: strlen */
	int want;              /* 0 or the error */
	const char *body;      /* decoded */
	size_t trailing;       /* raw bytes after the body (the next message) */
	uint64_t max_body;     /* 0: default */
	size_t body_len;       /* 0: strlen(body) */
};

#define CHUNKED "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static const struct decode_case decodes[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "helloHTTP/1.1", 0, 0, "hello", 8, 0 },
	{ "HTTP/1.1 200 OK\r\n\r\n", "until the end", 0, 0, "until the end", 0, 0 },
	{ CHUNKED, "5\r\nhello\r\n0\r\n\r\n", 0, 0, "hello", 0, 0 },
	{ CHUNKED, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nHTTP/1.1 200", 0, 0, "hello world", 12, 0 },
	{ CHUNKED, "A\r\n0123456789\r\n0\r\n\r\n", 0, 0, "0123456789", 0, 0 },
	{ CHUNKED, "000a\r\n0123456789\r\n00\r\n\r\n", 0, 0, "0123456789", 0, 0 },
	{ CHUNKED, "5;a=b;c;d=\"q\\\"x\" ; e = f\r\nhello\r\n0;last\r\n\r\n", 0, 0, "hello", 0, 0 },
	{ CHUNKED, "5 \t\r\nhello\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\nnext", 0, 0, "hello", 4, 0 },
	{ CHUNKED, "1\r\n\0\r\n0\r\n\r\n", 11, 0, "\0", 0, 0, 1 },
	{ CHUNKED, "0\r\n\r\n", 0, 0, "", 0, 0 },
	/* malformed */
	{ CHUNKED, "x\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "-5\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "0x5\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\r\nhello\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\r\nhelloX\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\r\nhello\r\n0\r\n\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5;\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5;a=\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5;a=\"x\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5;a b\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5 5\r\nhello\r\n0\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "10000000000000000\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, UINT64_MAX },
	{ CHUNKED, "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\r\nhello\r\n0\r\nNoColon\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	{ CHUNKED, "5\r\nhello\r\n0\r\n T: x\r\n\r\n", 0, HTTP_E_BAD_CHUNK, NULL, 0, 0 },
	/* limits */
	{ CHUNKED, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 0, HTTP_E_BODY_TOO_LARGE, NULL, 0, 10 },
	{ CHUNKED, "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 0, 0, "helloworld", 0, 10 },
	{ CHUNKED, "FFFFFFFFFFFFFFFF\r\n", 0, HTTP_E_BODY_TOO_LARGE, NULL, 0, 0 },
	{ "HTTP/1.1 200 OK\r\n\r\n", "12345678901", 0, HTTP_E_BODY_TOO_LARGE, NULL, 0, 10 },
};

/* Decodes raw split in two at k (whole if k == raw_len), then byte by
 * byte if bytewise. Returns 0 and fills out/consumed, or the error. */
static int decode_split(const struct decode_case *c, size_t k, bool bytewise, char *out,
			size_t *out_len, size_t *consumed)
{
	struct http_response resp;
	struct http_limits l;
	struct http_body b;
	size_t raw_len = c->raw_len ? c->raw_len : strlen(c->raw);
	int rc;

	http_limits_default(&l);
	if (c->max_body)
		l.max_body = c->max_body;
	if ((rc = parse_resp(c->head, strlen(c->head), &l, &resp)) < 0)
		return rc;
	if ((rc = http_body_for_response(&b, &resp, false, &l)) < 0)
		return rc;
	*out_len = *consumed = 0;
	size_t off = 0;
	while (off < raw_len && !b.done) {
		size_t n = bytewise ? 1 : (off < k ? k - off : raw_len - off);
		char *g = guard_dup(c->raw + off, n);
		size_t dec;
		ssize_t r = http_body_decode(&b, g, n, &dec);
		if (r < 0) {
			guard_free(g, n);
			return (int)r;
		}
		memcpy(out + *out_len, g, dec);
		guard_free(g, n);
		*out_len += dec;
		off += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	*consumed = off;
	if (!b.done && (rc = http_body_eof(&b)) < 0)
		return rc;
	return 0;
}

static void test_decode(void)
{
	char out[256];
	for (size_t i = 0; i < sizeof decodes / sizeof decodes[0]; i++) {
		const struct decode_case *c = &decodes[i];
		size_t raw_len = c->raw_len ? c->raw_len : strlen(c->raw);
		size_t want_consumed = raw_len - c->trailing;
		size_t bad = 0;
		int first_rc = 1;
		/* every split point into two pieces, plus byte by byte */
		for (size_t k = 0; k <= raw_len + 1; k++) {
			size_t out_len = 0, consumed = 0;
			int rc = decode_split(c, k, k == raw_len + 1, out, &out_len, &consumed);
			if (first_rc == 1)
				first_rc = rc;
			if (rc != c->want) {
				bad++;
			} else if (c->want == 0) {
				size_t bl = c->body_len ? c->body_len : strlen(c->body);
				if (out_len != bl || memcmp(out, c->body, bl) != 0 ||
				    consumed != want_consumed)
					bad++;
			}
		}
		ok(bad == 0, "decode %zu: %s at all %zu split points (first rc %d)", i,
		   c->want ? http_strerror(c->want) : "decodes", raw_len + 2, first_rc);
	}

	/* a truncated body */
	struct decode_case t = { CHUNKED, "5\r\nhel", 0, HTTP_E_TRUNCATED, NULL, 0, 0, 0 };
	size_t ol, cons;
	is_int(decode_split(&t, 3, false, out, &ol, &cons), HTTP_E_TRUNCATED,
	       "EOF inside a chunk is truncated");
	struct decode_case t2 = { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "hel", 0,
				  HTTP_E_TRUNCATED, NULL, 0, 0, 0 };
	is_int(decode_split(&t2, 1, false, out, &ol, &cons), HTTP_E_TRUNCATED,
	       "EOF inside a Content-Length body is truncated");

	/* trailer and size-line bounds */
	struct http_body b;
	struct http_response resp;
	parse_resp(CHUNKED, strlen(CHUNKED), NULL, &resp);
	http_body_for_response(&b, &resp, false, NULL);
	char *line = malloc(HTTP_CHUNK_LINE_MAX + 10);
	memset(line, '0', HTTP_CHUNK_LINE_MAX + 10);
	size_t dl;
	is_int(http_body_decode(&b, line, HTTP_CHUNK_LINE_MAX, &dl), HTTP_CHUNK_LINE_MAX,
	       "a size line of HTTP_CHUNK_LINE_MAX zeros is still fine");
	is_int(http_body_decode(&b, line, 1, &dl), HTTP_E_BAD_CHUNK, "one more byte is not");
	free(line);

	http_body_for_response(&b, &resp, false, NULL);
	size_t tl = 3 + HTTP_TRAILER_MAX + 10;
	char *tr = malloc(tl);
	memcpy(tr, "0\r\nX:", 5);
	memset(tr + 5, 'v', tl - 5);
	is_int(http_body_decode(&b, tr, tl, &dl), HTTP_E_HEADER_TOO_LARGE,
	       "trailers over HTTP_TRAILER_MAX");
	free(tr);

	/* none */
	parse_resp("HTTP/1.1 204 No\r\n\r\n", 19, NULL, &resp);
	http_body_for_response(&b, &resp, false, NULL);
	char x[4] = "abc";
	ok(b.done && http_body_decode(&b, x, 3, &dl) == 0 && dl == 0 && http_body_eof(&b) == 0,
	   "a bodiless response consumes nothing");
}

static void test_tokens(void)
{
	struct http_request req;
	const char *s = "GET / HTTP/1.1\r\nConnection: Keep-Alive , Upgrade\r\n"
			"connection: TE,,close\r\n\r\n";
	parse_req(s, strlen(s), NULL, &req);
	const struct http_header *h = http_find_header(req.headers, req.num_headers, "connection");
	ok(http_header_has_token(h, "keep-alive") && http_header_has_token(h, "upgrade") &&
	   !http_header_has_token(h, "close") && !http_header_has_token(h, "keep"),
	   "tokens of one header");
	ok(http_headers_have_token(req.headers, req.num_headers, "Connection", "close"),
	   "tokens across repeated headers");
	ok(!http_request_keep_alive(&req), "Connection: close ends keep-alive");
	ok(!http_header_has_token(NULL, "x"), "NULL header has no token");

	static const struct { const char *raw; bool ka; } reqs[] = {
		{ "GET / HTTP/1.1\r\n\r\n", true },
		{ "GET / HTTP/1.0\r\n\r\n", false },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true },
		{ "GET / HTTP/1.1\r\nConnection: CLOSE\r\n\r\n", false },
	};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		parse_req(reqs[i].raw, strlen(reqs[i].raw), NULL, &req);
		is_int(http_request_keep_alive(&req), reqs[i].ka, "request keep-alive %zu", i);
	}
	struct http_response resp;
	struct http_body b;
	s = "HTTP/1.1 200 OK\r\n\r\n";
	parse_resp(s, strlen(s), NULL, &resp);
	http_body_for_response(&b, &resp, false, NULL);
	ok(!http_response_keep_alive(&resp, &b) && http_response_keep_alive(&resp, NULL),
	   "a body until close ends keep-alive");
	s = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n";
	parse_resp(s, strlen(s), NULL, &resp);
	http_body_for_response(&b, &resp, false, NULL);
	ok(http_response_keep_alive(&resp, &b), "HTTP/1.0 keep-alive response");

	is_str(http_status_text(404), "Not Found", "status text");
	is_str(http_status_text(431), "Request Header Fields Too Large", "status text 431");
	is_str(http_status_text(299), "Unknown", "unknown status text");
	ok(strcmp(http_strerror(HTTP_E_BAD_CHUNK), http_strerror(-12345)) != 0,
	   "strerror names errors");
}

int main(void)
{
	test_requests();
	test_responses();
	test_split_points();
	test_limits();
	test_framing();
	test_decode();
	test_tokens();
	return done_testing();
}
