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
 */
#ifndef EM_NET_HTTP_PARSE_H
#define EM_NET_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_MAX_HEADERS 64       /* hard cap of the header array */

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
};

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
};

/* Decides the framing of a request's body from its headers. Returns 0 or
 * HTTP_E_BAD_LENGTH / HTTP_E_BODY_TOO_LARGE / HTTP_E_TRANSFER_CODING. */
int http_body_for_request(struct http_body *b, const struct http_request *req,
			  const struct http_limits *lim);
/* The same for a response; request_was_head and the status decide
 * bodiless answers. */
int http_body_for_response(struct http_body *b, const struct http_response *resp,
			   bool request_was_head, const struct http_limits *lim);

/* Decodes body bytes in place: buf[0..*len) holds raw bytes from the wire;
 * on return buf[0..*out_len) holds decoded body bytes (chunk framing
 * removed) and the return value is the number of raw bytes consumed
 * (the rest belong to the next message, e.g. a pipelined request).
 * b->done becomes true at the end of the body. Returns < 0 on error
 * (HTTP_E_BAD_CHUNK, HTTP_E_BODY_TOO_LARGE). */
ssize_t http_body_decode(struct http_body *b, char *buf, size_t len, size_t *out_len);

const char *http_strerror(int code);
/* Standard reason phrase for a status code ("Not Found"); "Unknown" else. */
const char *http_status_text(int status);

#endif
