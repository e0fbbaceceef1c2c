/*
 * http_body.c — body framing of HTTP/1.1 messages (http_parse.h):
 * choosing the framing from Content-Length / Transfer-Encoding and the
 * in-place decoder for Content-Length, chunked and read-until-close
 * bodies. The chunked decoder is a byte-at-a-time state machine for the
 * framing and a memmove for chunk data, so it accepts any split of the
 * raw bytes between calls and keeps nothing but its state.
 */
#include "net/http_parse.h"

#include <string.h>
#include <strings.h>

/* Chunked decoder states (struct http_body.chunk_state). */
enum {
	CH_SIZE_START,     /* first hex digit of a chunk size */
	CH_SIZE,           /* more hex digits */
	CH_EXT_NEXT,       /* BWS, then ';' or CR */
	CH_EXT_NAME_START, /* BWS, then a token */
	CH_EXT_NAME,       /* token; then BWS '=' / ';' / CR */
	CH_EXT_NAME_WS,    /* BWS after a name: '=' / ';' / CR */
	CH_EXT_VAL_START,  /* BWS, then a token or a quoted string */
	CH_EXT_VAL_TOKEN,
	CH_EXT_VAL_QUOTED,
	CH_EXT_VAL_QESC,   /* after a backslash in a quoted string */
	CH_SIZE_LF,        /* CR seen at the end of the size line */
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER_START,  /* start of a trailer line, or CR of the last line */
	CH_TRAILER_NAME,
	CH_TRAILER_VALUE,
	CH_TRAILER_LF,
	CH_END_LF,
	CH_DONE,
};

static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* field-vchar / obs-text / SP / HTAB */
static bool is_vchar(unsigned char c)
{
	return (c >= 0x21 && c != 0x7f) || c == ' ' || c == '\t';
}

/* qdtext of a quoted string: HTAB, SP, 0x21, 0x23-0x5b, 0x5d-0x7e, obs-text */
static bool is_qdtext(unsigned char c)
{
	return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
	       (c >= 0x5d && c <= 0x7e) || c >= 0x80;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool name_is(const struct http_header *h, const char *name)
{
	size_t n = strlen(name);
	return h->name_len == n && strncasecmp(h->name, name, n) == 0;
}

/* Every Content-Length header, each possibly a list, must hold the same
 * 1*DIGIT value. Returns 1 if there is one (in *out), 0 if none, or
 * HTTP_E_BAD_LENGTH. */
static int content_length(const struct http_header *h, size_t n, uint64_t *out)
{
	bool seen = false;
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!name_is(&h[i], "Content-Length"))
			continue;
		const char *p = h[i].value, *end = p + h[i].value_len;
		do {
			while (p < end && is_ws((unsigned char)*p))
				p++;
			const char *start = p;
			uint64_t x = 0;
			while (p < end && *p >= '0' && *p <= '9') {
				unsigned d = (unsigned)(*p - '0');
				if (x > (UINT64_MAX - d) / 10)
					return HTTP_E_BAD_LENGTH;
				x = x * 10 + d;
				p++;
			}
			if (p == start)
				return HTTP_E_BAD_LENGTH;
			while (p < end && is_ws((unsigned char)*p))
				p++;
			if (p < end && *p != ',')
				return HTTP_E_BAD_LENGTH;
			if (seen && x != v)
				return HTTP_E_BAD_LENGTH;
			seen = true;
			v = x;
		} while (p++ < end);
	}
	*out = v;
	return seen ? 1 : 0;
}

/* Transfer-Encoding over all its headers: 0 if absent, 1 if exactly
 * "chunked", HTTP_E_TRANSFER_CODING for anything else. */
static int transfer_encoding(const struct http_header *h, size_t n)
{
	int chunked = 0, present = 0;

	for (size_t i = 0; i < n; i++) {
		if (!name_is(&h[i], "Transfer-Encoding"))
			continue;
		present = 1;
		const char *p = h[i].value, *end = p + h[i].value_len;
		while (p < end) {
			while (p < end && (*p == ',' || is_ws((unsigned char)*p)))
				p++;
			if (p == end)
				break;
			const char *e = p;
			while (e < end && *e != ',')
				e++;
			const char *t = e;
			while (t > p && is_ws((unsigned char)t[-1]))
				t--;
			if ((size_t)(t - p) != 7 || strncasecmp(p, "chunked", 7) != 0 || chunked)
				return HTTP_E_TRANSFER_CODING;
			chunked = 1;
			p = e;
		}
	}
	if (present && !chunked)
		return HTTP_E_TRANSFER_CODING;
	return chunked;
}

static void body_reset(struct http_body *b, enum http_body_kind kind, uint64_t max_body)
{
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->max_body = max_body;
	b->chunk_state = CH_SIZE_START;
}

/* Shared by requests and responses once bodiless answers are out of the way. */
static int body_from_headers(struct http_body *b, const struct http_header *h, size_t n,
			     int minor, bool is_request, uint64_t max_body)
{
	uint64_t len;
	int te = transfer_encoding(h, n);
	int cl = content_length(h, n, &len);

	if (te != 0) {
		if (cl != 0 || minor == 0)
			return HTTP_E_BAD_LENGTH;
		if (te < 0)
			return te;
		body_reset(b, HTTP_BODY_CHUNKED, max_body);
		return 0;
	}
	if (cl < 0)
		return cl;
	if (cl == 0) {
		body_reset(b, is_request ? HTTP_BODY_NONE : HTTP_BODY_UNTIL_CLOSE, max_body);
		b->done = is_request;
		return 0;
	}
	if (len > max_body)
		return HTTP_E_BODY_TOO_LARGE;
	body_reset(b, HTTP_BODY_LENGTH, max_body);
	b->remaining = len;
	b->done = len == 0;
	return 0;
}

int http_body_for_request(struct http_body *b, const struct http_request *req,
			  const struct http_limits *lim)
{
	struct http_limits d;
	if (!lim) {
		http_limits_default(&d);
		lim = &d;
	}
	return body_from_headers(b, req->headers, req->num_headers, req->minor_version,
				 true, lim->max_body);
}

int http_body_for_response(struct http_body *b, const struct http_response *resp,
			   bool request_was_head, const struct http_limits *lim)
{
	struct http_limits d;
	if (!lim) {
		http_limits_default(&d);
		lim = &d;
	}
	if (request_was_head || resp->status < 200 || resp->status == 204 ||
	    resp->status == 304) {
		body_reset(b, HTTP_BODY_NONE, lim->max_body);
		b->done = true;
		return 0;
	}
	return body_from_headers(b, resp->headers, resp->num_headers, resp->minor_version,
				 false, lim->max_body);
}

/* One framing byte of a chunked body. Returns 0 or an error. */
static int chunk_byte(struct http_body *b, unsigned char c)
{
	int st = b->chunk_state;

	if (st < CH_DATA && ++b->line_bytes > HTTP_CHUNK_LINE_MAX)
		return HTTP_E_BAD_CHUNK;
	if (st >= CH_TRAILER_START && ++b->line_bytes > HTTP_TRAILER_MAX)
		return HTTP_E_HEADER_TOO_LARGE;

	switch (st) {
	case CH_SIZE_START:
	case CH_SIZE: {
		int v = hexval(c);
		if (v >= 0) {
			if (b->remaining > (UINT64_MAX >> 4))
				return HTTP_E_BAD_CHUNK;
			b->remaining = (b->remaining << 4) | (uint64_t)v;
			if (b->remaining > b->max_body - b->total)
				return HTTP_E_BODY_TOO_LARGE;
			b->chunk_state = CH_SIZE;
			return 0;
		}
		if (st == CH_SIZE_START)
			return HTTP_E_BAD_CHUNK;
		goto ext_next;
	}
	case CH_EXT_NEXT:
	ext_next:
		if (is_ws(c))
			b->chunk_state = CH_EXT_NEXT;
		else if (c == ';')
			b->chunk_state = CH_EXT_NAME_START;
		else if (c == '\r')
			b->chunk_state = CH_SIZE_LF;
		else
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_EXT_NAME_START:
		if (is_ws(c))
			return 0;
		if (!is_tchar(c))
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_EXT_NAME;
		return 0;
	case CH_EXT_NAME:
		if (is_tchar(c))
			return 0;
		/* fall through */
	case CH_EXT_NAME_WS:
		if (c == '=') {
			b->chunk_state = CH_EXT_VAL_START;
			return 0;
		}
		if (is_ws(c)) {
			b->chunk_state = CH_EXT_NAME_WS;
			return 0;
		}
		goto ext_next;
	case CH_EXT_VAL_START:
		if (is_ws(c))
			return 0;
		if (c == '"')
			b->chunk_state = CH_EXT_VAL_QUOTED;
		else if (is_tchar(c))
			b->chunk_state = CH_EXT_VAL_TOKEN;
		else
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_EXT_VAL_TOKEN:
		if (is_tchar(c))
			return 0;
		goto ext_next;
	case CH_EXT_VAL_QUOTED:
		if (c == '"')
			b->chunk_state = CH_EXT_NEXT;
		else if (c == '\\')
			b->chunk_state = CH_EXT_VAL_QESC;
		else if (!is_qdtext(c))
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_EXT_VAL_QESC:
		if (!(c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f)))
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_EXT_VAL_QUOTED;
		return 0;
	case CH_SIZE_LF:
		if (c != '\n')
			return HTTP_E_BAD_CHUNK;
		b->line_bytes = 0;
		b->chunk_state = b->remaining ? CH_DATA : CH_TRAILER_START;
		return 0;
	case CH_DATA_CR:
		if (c != '\r')
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_DATA_LF;
		return 0;
	case CH_DATA_LF:
		if (c != '\n')
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_SIZE_START;
		b->line_bytes = 0;
		return 0;
	case CH_TRAILER_START:
		if (c == '\r')
			b->chunk_state = CH_END_LF;
		else if (is_tchar(c))
			b->chunk_state = CH_TRAILER_NAME;
		else
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_TRAILER_NAME:
		if (c == ':')
			b->chunk_state = CH_TRAILER_VALUE;
		else if (!is_tchar(c))
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_TRAILER_VALUE:
		if (c == '\r')
			b->chunk_state = CH_TRAILER_LF;
		else if (!is_vchar(c))
			return HTTP_E_BAD_CHUNK;
		return 0;
	case CH_TRAILER_LF:
		if (c != '\n')
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_TRAILER_START;
		return 0;
	case CH_END_LF:
		if (c != '\n')
			return HTTP_E_BAD_CHUNK;
		b->chunk_state = CH_DONE;
		b->done = true;
		return 0;
	default:
		return HTTP_E_BAD_CHUNK;
	}
}

static ssize_t decode_chunked(struct http_body *b, char *buf, size_t len, size_t *out_len)
{
	size_t r = 0, w = 0;

	while (r < len && !b->done) {
		if (b->chunk_state == CH_DATA) {
			size_t n = len - r;
			if (n > b->remaining)
				n = (size_t)b->remaining;
			if (w != r)
				memmove(buf + w, buf + r, n);
			w += n;
			r += n;
			b->remaining -= n;
			b->total += n;
			if (!b->remaining)
				b->chunk_state = CH_DATA_CR;
			continue;
		}
		int rc = chunk_byte(b, (unsigned char)buf[r]);
		if (rc < 0)
			return rc;
		r++;
	}
	*out_len = w;
	return (ssize_t)r;
}

ssize_t http_body_decode(struct http_body *b, char *buf, size_t len, size_t *out_len)
{
	size_t n;

	*out_len = 0;
	if (b->done)
		return 0;
	switch (b->kind) {
	case HTTP_BODY_NONE:
		b->done = true;
		return 0;
	case HTTP_BODY_LENGTH:
		n = len < b->remaining ? len : (size_t)b->remaining;
		b->remaining -= n;
		b->total += n;
		b->done = b->remaining == 0;
		*out_len = n;
		return (ssize_t)n;
	case HTTP_BODY_UNTIL_CLOSE:
		if (len > b->max_body - b->total)
			return HTTP_E_BODY_TOO_LARGE;
		b->total += len;
		*out_len = len;
		return (ssize_t)len;
	case HTTP_BODY_CHUNKED:
		return decode_chunked(b, buf, len, out_len);
	}
	return HTTP_E_BAD_CHUNK;
}

int http_body_eof(struct http_body *b)
{
	if (b->done)
		return 0;
	if (b->kind == HTTP_BODY_UNTIL_CLOSE || b->kind == HTTP_BODY_NONE) {
		b->done = true;
		return 0;
	}
	return HTTP_E_TRUNCATED;
}
