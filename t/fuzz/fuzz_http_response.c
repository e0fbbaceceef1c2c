/*
 * fuzz_http_response — http_parse_response, the response framing rules
 * (the first byte picks HEAD or not, and small limits) and the body
 * decoder, chunked included: whole vs. byte-by-byte vs. odd pieces must
 * agree on the result, the decoded bytes and where the body ends.
 */
#include "net/http_parse.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static ssize_t decode(struct http_body b, const char *raw, size_t len, size_t step,
		      char *out, size_t *out_len, bool *done, int *eof)
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
		CHECK(b.total <= b.max_body);
		memcpy(out + *out_len, piece, dec);
		free(piece);
		*out_len += dec;
		off += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	*done = b.done;
	*eof = http_body_eof(&b);
	return (ssize_t)off;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct http_limits lim;
	struct http_response resp, again;

	if (size < 1)
		return 0;
	unsigned flags = data[0];
	const char *buf = (const char *)data + 1;
	size--;
	http_limits_default(&lim);
	if (flags & 2) {
		lim.max_header_bytes = 80;
		lim.max_headers = 4;
		lim.max_body = 30;
	}
	int rc = http_parse_response(buf, size, &lim, &resp);
	CHECK(rc == HTTP_INCOMPLETE || rc <= HTTP_E_SYNTAX || (rc > 0 && (size_t)rc <= size));
	if (rc <= 0)
		return 0;
	CHECK(resp.status >= 100 && resp.status <= 999);
	CHECK(resp.reason >= buf && resp.reason + resp.reason_len <= buf + rc);
	CHECK(resp.num_headers <= lim.max_headers);
	CHECK(http_parse_response(buf, (size_t)rc, &lim, &again) == rc);
	CHECK(http_parse_response(buf, (size_t)rc - 1, &lim, &again) == HTTP_INCOMPLETE);

	struct http_body b;
	if (http_body_for_response(&b, &resp, flags & 1, &lim) < 0)
		return 0;
	CHECK(!(flags & 1) || b.kind == HTTP_BODY_NONE);
	(void)http_response_keep_alive(&resp, &b);
	const char *raw = buf + rc;
	size_t raw_len = size - (size_t)rc;
	char *o1 = malloc(raw_len + 1), *o2 = malloc(raw_len + 1), *o3 = malloc(raw_len + 1);
	size_t l1, l2, l3;
	bool d1, d2, d3;
	int e1, e2, e3;
	ssize_t r1 = decode(b, raw, raw_len, raw_len ? raw_len : 1, o1, &l1, &d1, &e1);
	ssize_t r2 = decode(b, raw, raw_len, 1, o2, &l2, &d2, &e2);
	ssize_t r3 = decode(b, raw, raw_len, 3 + (flags >> 4), o3, &l3, &d3, &e3);
	CHECK(r1 == r2 && r1 == r3);
	if (r1 >= 0) {
		CHECK(l1 == l2 && l1 == l3 && d1 == d2 && d1 == d3 && e1 == e2 && e1 == e3);
		CHECK(memcmp(o1, o2, l1) == 0 && memcmp(o1, o3, l1) == 0);
		CHECK(l1 <= (size_t)r1);
		if (b.kind == HTTP_BODY_LENGTH)
			CHECK(l1 == (size_t)r1);
		if (d1 && b.kind == HTTP_BODY_CHUNKED && (size_t)r1 < raw_len)
			CHECK(e1 == 0);
	}
	free(o1);
	free(o2);
	free(o3);
	return 0;
}
