/*
 * http_parse.c — start lines and header blocks of HTTP/1.1 messages,
 * header lookup, keep-alive rules, error and status texts. Body framing
 * lives in http_body.c. See http_parse.h for the contract.
 *
 * The parser is a single forward pass over the buffer with a byte-class
 * table; it keeps no state between calls. The buffer is cut at
 * max_header_bytes before parsing, so running out of bytes there means
 * "too large" when the caller has more, "incomplete" otherwise.
 */
#include "net/http_parse.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

/* Byte classes. */
enum {
	C_TOKEN = 1,   /* tchar of RFC 9110 */
	C_VALUE = 2,   /* field-vchar, SP, HTAB */
	C_TARGET = 4,  /* visible ASCII: request-target */
	C_DIGIT = 8,
	C_WS = 16,     /* SP, HTAB */
};

static unsigned char cls[256];

static void cls_init(void)
{
	static bool done;
	if (done)
		return;
	for (int c = 0; c < 256; c++) {
		unsigned char v = 0;
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c && strchr("!#$%&'*+-.^_`|~", c)))
			v |= C_TOKEN;
		if ((c >= 0x21 && c <= 0x7e) || c >= 0x80 || c == ' ' || c == '\t')
			v |= C_VALUE;
		if (c >= 0x21 && c <= 0x7e)
			v |= C_TARGET;
		if (c >= '0' && c <= '9')
			v |= C_DIGIT;
		if (c == ' ' || c == '\t')
			v |= C_WS;
		cls[c] = v;
	}
	done = true;
}

#define IS(c, k) (cls[(unsigned char)(c)] & (k))

void http_limits_default(struct http_limits *l)
{
	l->max_header_bytes = 16384;
	l->max_headers = 64;
	l->max_uri = 8192;
	l->max_body = 1 << 20;
}

/* The limits actually applied: defaults for NULL, clamped to what the
 * return type and the header array can express. */
static void limits_effective(const struct http_limits *in, struct http_limits *out)
{
	if (in)
		*out = *in;
	else
		http_limits_default(out);
	if (out->max_header_bytes > INT_MAX)
		out->max_header_bytes = INT_MAX;
	if (out->max_headers > HTTP_MAX_HEADERS)
		out->max_headers = HTTP_MAX_HEADERS;
}

/* Expects CRLF at *p. */
static int expect_crlf(const char **pp, const char *end)
{
	const char *p = *pp;
	if (p == end)
		return HTTP_INCOMPLETE;
	if (*p != '\r')
		return HTTP_E_SYNTAX;
	if (++p == end)
		return HTTP_INCOMPLETE;
	if (*p != '\n')
		return HTTP_E_SYNTAX;
	*pp = p + 1;
	return 0;
}

/* Matches "HTTP/d.d" and stores the minor version. A partial match at the
 * end of the buffer is HTTP_INCOMPLETE. */
static int parse_version(const char **pp, const char *end, int *minor)
{
	static const char pfx[] = "HTTP/";
	const char *p = *pp;
	for (size_t i = 0; i < 5; i++, p++) {
		if (p == end)
			return HTTP_INCOMPLETE;
		if (*p != pfx[i])
			return HTTP_E_SYNTAX;
	}
	if (p == end)
		return HTTP_INCOMPLETE;
	if (!IS(*p, C_DIGIT))
		return HTTP_E_SYNTAX;
	int major = *p++ - '0';
	if (p == end)
		return HTTP_INCOMPLETE;
	if (*p++ != '.')
		return HTTP_E_SYNTAX;
	if (p == end)
		return HTTP_INCOMPLETE;
	if (!IS(*p, C_DIGIT))
		return HTTP_E_SYNTAX;
	int mi = *p++ - '0';
	if (major != 1 || mi > 1)
		return HTTP_E_VERSION;
	*minor = mi;
	*pp = p;
	return 0;
}

/* Header fields up to and including the empty line. */
static int parse_headers(const char **pp, const char *end, size_t max_headers,
			 struct http_header *h, size_t *num)
{
	const char *p = *pp;
	size_t n = 0;

	for (;;) {
		if (p == end)
			return HTTP_INCOMPLETE;
		if (*p == '\r') {
			int rc = expect_crlf(&p, end);
			if (rc < 0)
				return rc;
			break;
		}
		if (n == max_headers)
			return HTTP_E_TOO_MANY_HEADERS;
		const char *name = p;
		while (p < end && IS(*p, C_TOKEN))
			p++;
		if (p == end)
			return HTTP_INCOMPLETE;
		if (p == name || *p != ':')
			return HTTP_E_SYNTAX;
		size_t name_len = (size_t)(p - name);
		p++;
		while (p < end && IS(*p, C_WS))
			p++;
		const char *value = p;
		while (p < end && IS(*p, C_VALUE))
			p++;
		const char *vend = p;
		int rc = expect_crlf(&p, end);
		if (rc < 0)
			return rc;
		while (vend > value && IS(vend[-1], C_WS))
			vend--;
		h[n].name = name;
		h[n].name_len = name_len;
		h[n].value = value;
		h[n].value_len = (size_t)(vend - value);
		n++;
	}
	*num = n;
	*pp = p;
	return 0;
}

/* Turns "ran out of bytes inside the capped buffer" into the right answer. */
static int finish(int rc, const char *buf, const char *p, size_t len, size_t cap)
{
	if (rc == HTTP_INCOMPLETE && len > cap)
		return HTTP_E_HEADER_TOO_LARGE;
	if (rc < 0)
		return rc;
	return (int)(p - buf);
}

int http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
		       struct http_request *req)
{
	struct http_limits l;
	limits_effective(lim, &l);
	cls_init();

	size_t cap = len < l.max_header_bytes ? len : l.max_header_bytes;
	const char *p = buf, *end = buf + cap;
	int rc;

	/* RFC 9112 2.2: ignore empty lines before the request line. */
	while (p < end && *p == '\r') {
		if ((rc = expect_crlf(&p, end)) < 0)
			goto out;
	}

	req->method = p;
	while (p < end && IS(*p, C_TOKEN))
		p++;
	if (p == end) {
		rc = HTTP_INCOMPLETE;
		goto out;
	}
	if (p == req->method || *p != ' ') {
		rc = HTTP_E_SYNTAX;
		goto out;
	}
	req->method_len = (size_t)(p - req->method);
	p++;

	req->target = p;
	size_t room = (size_t)(end - p);
	const char *uri_end = p + (room > l.max_uri ? l.max_uri : room);
	while (p < uri_end && IS(*p, C_TARGET))
		p++;
	if (p == end) {
		rc = HTTP_INCOMPLETE;
		goto out;
	}
	if (IS(*p, C_TARGET)) {
		rc = HTTP_E_URI_TOO_LONG;
		goto out;
	}
	if (p == req->target || *p != ' ') {
		rc = HTTP_E_SYNTAX;
		goto out;
	}
	req->target_len = (size_t)(p - req->target);
	p++;

	if ((rc = parse_version(&p, end, &req->minor_version)) < 0)
		goto out;
	if ((rc = expect_crlf(&p, end)) < 0)
		goto out;
	rc = parse_headers(&p, end, l.max_headers, req->headers, &req->num_headers);
out:
	return finish(rc, buf, p, len, cap);
}

int http_parse_response(const char *buf, size_t len, const struct http_limits *lim,
			struct http_response *resp)
{
	struct http_limits l;
	limits_effective(lim, &l);
	cls_init();

	size_t cap = len < l.max_header_bytes ? len : l.max_header_bytes;
	const char *p = buf, *end = buf + cap;
	int rc;

	if ((rc = parse_version(&p, end, &resp->minor_version)) < 0)
		goto out;
	if (p == end) {
		rc = HTTP_INCOMPLETE;
		goto out;
	}
	if (*p++ != ' ') {
		rc = HTTP_E_SYNTAX;
		goto out;
	}
	int status = 0;
	for (int i = 0; i < 3; i++, p++) {
		if (p == end) {
			rc = HTTP_INCOMPLETE;
			goto out;
		}
		if (!IS(*p, C_DIGIT)) {
			rc = HTTP_E_SYNTAX;
			goto out;
		}
		status = status * 10 + (*p - '0');
	}
	if (status < 100) {
		rc = HTTP_E_SYNTAX;
		goto out;
	}
	resp->status = status;
	if (p == end) {
		rc = HTTP_INCOMPLETE;
		goto out;
	}
	if (*p == ' ') {
		p++;
		resp->reason = p;
		while (p < end && IS(*p, C_VALUE))
			p++;
	} else {
		resp->reason = p;
	}
	resp->reason_len = (size_t)(p - resp->reason);
	if ((rc = expect_crlf(&p, end)) < 0)
		goto out;
	rc = parse_headers(&p, end, l.max_headers, resp->headers, &resp->num_headers);
out:
	return finish(rc, buf, p, len, cap);
}

const struct http_header *http_find_header(const struct http_header *h, size_t n,
					   const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; h && i < n; i++) {
		if (h[i].name_len == len && strncasecmp(h[i].name, name, len) == 0)
			return &h[i];
	}
	return NULL;
}

bool http_header_has_token(const struct http_header *h, const char *token)
{
	if (!h || !token)
		return false;
	size_t tlen = strlen(token);
	const char *p = h->value, *end = h->value + h->value_len;
	while (p < end) {
		while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
			p++;
		const char *e = p;
		while (e < end && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == tlen && tlen && strncasecmp(p, token, tlen) == 0)
			return true;
		p = e;
	}
	return false;
}

bool http_headers_have_token(const struct http_header *h, size_t n,
			     const char *name, const char *token)
{
	size_t len = strlen(name);
	for (size_t i = 0; h && i < n; i++) {
		if (h[i].name_len == len && strncasecmp(h[i].name, name, len) == 0 &&
		    http_header_has_token(&h[i], token))
			return true;
	}
	return false;
}

static bool keep_alive(int minor, const struct http_header *h, size_t n)
{
	if (http_headers_have_token(h, n, "Connection", "close"))
		return false;
	if (minor >= 1)
		return true;
	return http_headers_have_token(h, n, "Connection", "keep-alive");
}

bool http_request_keep_alive(const struct http_request *req)
{
	return keep_alive(req->minor_version, req->headers, req->num_headers);
}

bool http_response_keep_alive(const struct http_response *resp, const struct http_body *b)
{
	if (b && b->kind == HTTP_BODY_UNTIL_CLOSE)
		return false;
	return keep_alive(resp->minor_version, resp->headers, resp->num_headers);
}

const char *http_strerror(int code)
{
	switch (code) {
	case 0: return "success";
	case HTTP_INCOMPLETE: return "incomplete message";
	case HTTP_E_SYNTAX: return "malformed start line or header";
	case HTTP_E_HEADER_TOO_LARGE: return "header block too large";
	case HTTP_E_TOO_MANY_HEADERS: return "too many header fields";
	case HTTP_E_URI_TOO_LONG: return "request target too long";
	case HTTP_E_BODY_TOO_LARGE: return "body too large";
	case HTTP_E_BAD_LENGTH: return "bad, repeated or conflicting Content-Length/Transfer-Encoding";
	case HTTP_E_BAD_CHUNK: return "malformed chunked encoding";
	case HTTP_E_VERSION: return "HTTP version not supported";
	case HTTP_E_TRANSFER_CODING: return "transfer coding not supported (only chunked)";
	case HTTP_E_TRUNCATED: return "connection closed before the end of the body";
	default: return "unknown HTTP parse error";
	}
}

const char *http_status_text(int status)
{
	static const struct { int code; const char *text; } tab[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" },
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 203, "Non-Authoritative Information" }, { 204, "No Content" },
		{ 205, "Reset Content" }, { 206, "Partial Content" },
		{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" }, { 307, "Temporary Redirect" },
		{ 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
		{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
		{ 411, "Length Required" }, { 412, "Precondition Failed" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
		{ 417, "Expectation Failed" }, { 421, "Misdirected Request" },
		{ 422, "Unprocessable Content" }, { 426, "Upgrade Required" },
		{ 428, "Precondition Required" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		if (tab[i].code == status)
			return tab[i].text;
	}
	return "Unknown";
}
