/*
 * fuzz_http_request — http_parse_request and the request body decoder.
 * Checks beyond "no crash": the result never exceeds the input, slices
 * stay inside it, the same bytes parse the same with nothing after them,
 * every shorter prefix is incomplete (or fails the same way), and the
 * body decodes to the same bytes in one piece and in small pieces.
 */
#include "net/http_parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static bool inside(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && p + n <= buf + len;
}

/* Decodes raw in pieces of at most step bytes; returns the decoder's result
 * and the decoded bytes in out. */
static ssize_t decode(struct http_body b, const char *raw, size_t len, size_t step,
		      char *out, size_t *out_len, bool *done)
{
	size_t off = 0;
	*out_len = 0;
	while (off < len && !b.done) {
		size_t n = len - off < step ? len - off : step;
		char *piece = malloc(n);
		memcpy(piece, raw + off, n);
		size_t dec;
		ssize_t r = http_body_decode(&b, piece, n, &dec);
		if (r < 0) {
			free(piece);
			return r;
		}
		CHECK((size_t)r <= n && dec <= (size_t)r);
		memcpy(out + *out_len, piece, dec);
		free(piece);
		*out_len += dec;
		off += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	*done = b.done;
	return (ssize_t)off;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct http_limits lim;
	struct http_request req, again;
	const char *buf = (const char *)data;

	http_limits_default(&lim);
	if (size > 0 && data[0] == 'S') {   /* small limits exercise the bounds */
		lim.max_header_bytes = 64;
		lim.max_headers = 3;
		lim.max_uri = 10;
		lim.max_body = 20;
	}
	int rc = http_parse_request(buf, size, &lim, &req);
	CHECK(rc == HTTP_INCOMPLETE || rc <= HTTP_E_SYNTAX || (rc > 0 && (size_t)rc <= size));
	if (rc <= 0) {
		/* an error found in a prefix stays an error */
		if (rc != HTTP_INCOMPLETE && size > 1) {
			int r2 = http_parse_request(buf, size / 2, &lim, &again);
			CHECK(r2 == HTTP_INCOMPLETE || r2 == rc || r2 < HTTP_INCOMPLETE);
		}
		return 0;
	}
	CHECK(inside(req.method, req.method_len, buf, (size_t)rc) && req.method_len > 0);
	CHECK(inside(req.target, req.target_len, buf, (size_t)rc) && req.target_len > 0);
	CHECK(req.target_len <= lim.max_uri && (size_t)rc <= lim.max_header_bytes);
	CHECK(req.minor_version == 0 || req.minor_version == 1);
	CHECK(req.num_headers <= lim.max_headers);
	for (size_t i = 0; i < req.num_headers; i++) {
		CHECK(inside(req.headers[i].name, req.headers[i].name_len, buf, (size_t)rc));
		CHECK(inside(req.headers[i].value, req.headers[i].value_len, buf, (size_t)rc));
		CHECK(req.headers[i].name_len > 0);
	}
	/* the header block alone parses the same; any prefix is incomplete */
	CHECK(http_parse_request(buf, (size_t)rc, &lim, &again) == rc);
	CHECK(again.num_headers == req.num_headers);
	CHECK(http_parse_request(buf, (size_t)rc - 1, &lim, &again) == HTTP_INCOMPLETE);
	CHECK(http_parse_request(buf, (size_t)rc / 2, &lim, &again) == HTTP_INCOMPLETE);
	(void)http_request_keep_alive(&req);

	struct http_body b;
	if (http_body_for_request(&b, &req, &lim) < 0)
		return 0;
	const char *raw = buf + rc;
	size_t raw_len = size - (size_t)rc;
	char *o1 = malloc(raw_len + 1), *o2 = malloc(raw_len + 1), *o3 = malloc(raw_len + 1);
	size_t l1, l2, l3;
	bool d1, d2, d3;
	ssize_t r1 = decode(b, raw, raw_len, raw_len ? raw_len : 1, o1, &l1, &d1);
	ssize_t r2 = decode(b, raw, raw_len, 1, o2, &l2, &d2);
	ssize_t r3 = decode(b, raw, raw_len, 7, o3, &l3, &d3);
	CHECK(r1 == r2 && r1 == r3);
	if (r1 >= 0) {
		CHECK(l1 == l2 && l1 == l3 && d1 == d2 && d1 == d3);
		CHECK(memcmp(o1, o2, l1) == 0 && memcmp(o1, o3, l1) == 0);
		CHECK(l1 <= lim.max_body);
	}
	free(o1);
	free(o2);
	free(o3);
	return 0;
}
