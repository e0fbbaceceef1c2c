/*
 * http_parse — incremental, zero-copy HTTP/1.1 message parsing
 * (picohttpparser style). Header parsing never allocates: names and
 * values are slices into the caller's buffer, valid while that buffer is.
 * Body framing is a separate small state machine that decodes
 * Content-Length, chunked (with trailers) and read-until-close bodies in
 * place.
 *
 * Return convention for parse functions:
 *   > 0                 bytes of the header block consumed (through CRLFCRLF)
 *   HTTP_INCOMPLETE     need more bytes (nothing is kept between calls:
 *                       call again with the longer buffer)
 *   < 0, other          a hard error (HTTP_E_*); http_strerror() names it
 * Limits (struct http_limits) are checked before anything is accepted, so
 * an oversized header block fails with HTTP_E_HEADER_TOO_LARGE as soon as
 * max_header_bytes pass without CRLFCRLF.
 *
 * What is accepted (the strict reading of RFC 9112; lib/net/http_parse.c):
 *   - lines end in CRLF; a bare LF or a bare CR is HTTP_E_SYNTAX (this also
 *     holds for chunk framing and trailers);
 *   - a request may be preceded by empty lines (CRLF), which are skipped and
 *     counted in the bytes consumed and in max_header_bytes;
 *   - exactly one SP between the parts of a start line; the target is
 *     visible ASCII (0x21-0x7e); the version is HTTP/1.0 or HTTP/1.1 (any
 *     other HTTP/d.d is HTTP_E_VERSION); a response may omit SP and reason;
 *   - header names are tokens followed directly by ':' (whitespace before
 *     the colon, an empty name and obsolete line folding are syntax errors);
 *     values are VCHAR / obs-text / SP / HTAB (no NUL or other controls);
 *   - a request target longer than max_uri is HTTP_E_URI_TOO_LONG as soon
 *     as it is seen (unless max_header_bytes runs out first);
 *   - header max_headers + 1 is HTTP_E_TOO_MANY_HEADERS.
 * A NULL struct http_limits means the defaults. Nothing here allocates,
 * logs or keeps state, so every call may run anywhere, callbacks included.
 */
#ifndef EM_NET_HTTP_PARSE_H
#define EM_NET_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_MAX_HEADERS 64       /* hard cap of the header array */

struct http_body;

enum {
	HTTP_INCOMPLETE = -2,
	HTTP_E_SYNTAX = -100,           /* malformed start line or header */
	HTTP_E_HEADER_TOO_LARGE = -101, /* header block over max_header_bytes -> 431 */
	HTTP_E_TOO_MANY_HEADERS = -102, /* over max_headers -> 431 */
	HTTP_E_URI_TOO_LONG = -103,     /* -> 414 */
	HTTP_E_BODY_TOO_LARGE = -104,   /* Content-Length or chunks over max_body -> 413 */
	HTTP_E_BAD_LENGTH = -105,       /* bad/duplicate/conflicting Content-Length */
	HTTP_E_BAD_CHUNK = -106,        /* malformed chunk size/extension/terminator */
	HTTP_E_VERSION = -107,          /* not HTTP/1.0 or HTTP/1.1 -> 505 */
	HTTP_E_TRANSFER_CODING = -108,  /* Transfer-Encoding other than chunked -> 501 */
	HTTP_E_TRUNCATED = -109,        /* connection closed inside a body (http_body_eof) */
};

/* Bounds of the chunked framing that are not body bytes: one chunk-size
 * line with its extensions, and the whole trailer section. Over them
 * http_body_decode fails with HTTP_E_BAD_CHUNK / HTTP_E_HEADER_TOO_LARGE. */
#define HTTP_CHUNK_LINE_MAX 4096
#define HTTP_TRAILER_MAX 16384

struct http_limits {
	size_t max_header_bytes;   /* default 16384 */
	size_t max_headers;        /* default 64, at most HTTP_MAX_HEADERS */
	size_t max_uri;            /* default 8192 */
	uint64_t max_body;         /* default 1 MiB; UINT64_MAX = unbounded */
};

/* Fills in the defaults above. */
void http_limits_default(struct http_limits *l);

struct http_header {
	const char *name;
	size_t name_len;
	const char *value;         /* leading/trailing whitespace trimmed */
	size_t value_len;
};

struct http_request {
	const char *method;
	size_t method_len;
	const char *target;        /* request-target as sent ("/stats?x=1") */
	size_t target_len;
	int minor_version;         /* 0 or 1 */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t num_headers;
};

struct http_response {
	int minor_version;
	int status;
	const char *reason;
	size_t reason_len;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t num_headers;
};

int http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
		       struct http_request *req);
int http_parse_response(const char *buf, size_t len, const struct http_limits *lim,
			struct http_response *resp);

/* Case-insensitive lookup; NULL if absent. */
const struct http_header *http_find_header(const struct http_header *h, size_t n,
					   const char *name);
/* True if a comma-separated header value contains token (case-insensitive),
 * e.g. Connection: keep-alive, close. */
bool http_header_has_token(const struct http_header *h, const char *token);
/* The same over every header called name (repeated headers form one list),
 * e.g. http_headers_have_token(req->headers, req->num_headers,
 * "Connection", "close"). */
bool http_headers_have_token(const struct http_header *h, size_t n,
			     const char *name, const char *token);

/* Keep-alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
 * "Connection: keep-alive". A response whose body runs until close
 * (b->kind == HTTP_BODY_UNTIL_CLOSE; b may be NULL) never keeps alive. */
bool http_request_keep_alive(const struct http_request *req);
bool http_response_keep_alive(const struct http_response *resp,
			      const struct http_body *b);

/* ---- body framing ---- */

enum http_body_kind {
	HTTP_BODY_NONE,            /* no body (HEAD answer, 1xx/204/304, GET without length) */
	HTTP_BODY_LENGTH,          /* Content-Length bytes */
	HTTP_BODY_CHUNKED,         /* Transfer-Encoding: chunked */
	HTTP_BODY_UNTIL_CLOSE,     /* response without length: until EOF */
};

struct http_body {
	enum http_body_kind kind;
	uint64_t remaining;        /* LENGTH: bytes left; CHUNKED: left in chunk */
	uint64_t total;            /* body bytes decoded so far */
	uint64_t max_body;
	int chunk_state;           /* private */
	bool done;
	uint32_t line_bytes;       /* private: bytes of the current framing line */
};

/* Decides the framing of a request's body from its headers. Returns 0 or
 * HTTP_E_BAD_LENGTH / HTTP_E_BODY_TOO_LARGE / HTTP_E_TRANSFER_CODING.
 * Rules (RFC 9112 6.3, strict where smuggling lives):
 *   - Transfer-Encoding must be exactly "chunked" (repeated headers are one
 *     list; "chunked, chunked", "gzip, chunked", "identity" are
 *     HTTP_E_TRANSFER_CODING); Transfer-Encoding together with
 *     Content-Length, or in an HTTP/1.0 message, is HTTP_E_BAD_LENGTH;
 *   - Content-Length is 1*DIGIT without sign or spaces inside; repeated
 *     headers or a list ("5, 5") are accepted only if every value is the
 *     same; over UINT64_MAX is HTTP_E_BAD_LENGTH, over max_body
 *     HTTP_E_BODY_TOO_LARGE;
 *   - no framing header: a request has no body, a response runs until
 *     the connection closes.
 * A body of length 0 (or none) starts with b->done already true. */
int http_body_for_request(struct http_body *b, const struct http_request *req,
			  const struct http_limits *lim);
/* The same for a response; request_was_head and the status decide
 * bodiless answers (HEAD, 1xx, 204, 304: HTTP_BODY_NONE whatever the
 * framing headers say). */
int http_body_for_response(struct http_body *b, const struct http_response *resp,
			   bool request_was_head, const struct http_limits *lim);

/* Decodes body bytes in place: buf[0..*len) holds raw bytes from the wire;
 * on return buf[0..*out_len) holds decoded body bytes (chunk framing
 * removed) and the return value is the number of raw bytes consumed
 * (the rest belong to the next message, e.g. a pipelined request).
 * b->done becomes true at the end of the body. Returns < 0 on error
 * (HTTP_E_BAD_CHUNK, HTTP_E_BODY_TOO_LARGE, HTTP_E_HEADER_TOO_LARGE for
 * trailers over HTTP_TRAILER_MAX); after an error the body is unusable.
 * Every byte handed in is consumed until the body ends, so raw input may
 * be split anywhere (a chunk-size line, CRLF, trailer) between calls.
 * Chunk extensions are checked against the grammar and dropped; trailer
 * fields are checked like header fields and dropped. A chunk size is
 * checked against max_body before any of its bytes is accepted. */
ssize_t http_body_decode(struct http_body *b, char *buf, size_t len, size_t *out_len);

/* The peer closed the connection: 0 if that ends the body (done, or
 * HTTP_BODY_UNTIL_CLOSE, which is then marked done), else HTTP_E_TRUNCATED. */
int http_body_eof(struct http_body *b);

const char *http_strerror(int code);
/* Standard reason phrase for a status code ("Not Found"); "Unknown" else. */
const char *http_status_text(int status);

#endif
