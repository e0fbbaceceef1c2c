/*
 * http_answer — building the server's answers: whole bodies, files,
 * chunked streams and the automatic error answers (see http_server.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "net/http_server_int.h"

/* "Name: value\r\n" lines only: no bare CR or LF, no empty line. */
static bool extra_ok(const char *x)
{
	size_t n;
	if (!x)
		return true;
	n = strlen(x);
	if (n < 2 || x[n - 2] != '\r' || x[n - 1] != '\n' || x[0] == '\r')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (x[i] == '\r' && (i + 1 >= n || x[i + 1] != '\n'))
			return false;
		if (x[i] == '\n' && (i == 0 || x[i - 1] != '\r'))
			return false;
		if (x[i] == '\n' && i + 1 < n && x[i + 1] == '\r')
			return false;
	}
	return true;
}

/* "Date: Tue, 25 Nov 2026 15:00:00 GMT\r\n", formatted once a second. */
static const char *date_line(void)
{
	static time_t cached = -1;
	static char line[64];
	time_t now = time(NULL);
	struct tm tm;

	if (now != cached && gmtime_r(&now, &tm)) {
		strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		cached = now;
	}
	return line;
}

static bool bodiless_status(int status)
{
	return (status >= 100 && status < 200) || status == 204 || status == 304;
}

enum framing { F_LENGTH, F_CHUNKED, F_CLOSE };

static int head_build(struct sconn *k, int status, const char *ctype, const char *extra,
		      enum framing f, uint64_t len)
{
	struct http_req *r = &k->req;
	struct buf *o = &k->out;
	int rc = 0;

	rc |= buf_appendf(o, "HTTP/1.1 %d %s\r\n%s", status, http_status_text(status), date_line());
	if (ctype)
		rc |= buf_appendf(o, "Content-Type: %s\r\n", ctype);
	if (!bodiless_status(status)) {
		if (f == F_LENGTH)
			rc |= buf_appendf(o, "Content-Length: %" PRIu64 "\r\n", len);
		else if (f == F_CHUNKED)
			rc |= buf_append_str(o, "Transfer-Encoding: chunked\r\n");
	}
	if (!r->keep_alive)
		rc |= buf_append_str(o, "Connection: close\r\n");
	else if (r->minor == 0)
		rc |= buf_append_str(o, "Connection: keep-alive\r\n");
	if (extra)
		rc |= buf_append_str(o, extra);
	rc |= buf_append_str(o, "\r\n");
	return rc ? -ENOMEM : 0;
}

static int check_answerable(struct http_req *r, const char *extra)
{
	if (!r || r->state != R_WAIT)
		return -EALREADY;
	if (!extra_ok(extra))
		return -EINVAL;
	if (r->conn->dead)
		return -EPIPE;
	return 0;
}

int http_respond_h(struct http_req *r, int status, const char *content_type,
		   const char *extra_headers, const void *body, size_t len)
{
	struct sconn *k;
	int rc = check_answerable(r, extra_headers);

	if (rc != 0)
		return rc;
	k = r->conn;
	if (status < 200 || status > 999)
		return -EINVAL;
	if (bodiless_status(status))
		len = 0;
	rc = head_build(k, status, content_type, extra_headers, F_LENGTH, len);
	if (rc == 0 && len && !r->head_only && buf_append(&k->out, body, len) != 0)
		rc = -ENOMEM;
	if (rc != 0) {
		sconn_fail(k);
		return rc;
	}
	r->state = R_DONE;
	sconn_request_done(k);
	sconn_after_answer(k);
	return 0;
}

int http_respond(struct http_req *r, int status, const char *content_type,
		 const void *body, size_t len)
{
	return http_respond_h(r, status, content_type, NULL, body, len);
}

int http_respond_file(struct http_req *r, int status, const char *content_type,
		      int fd, uint64_t len)
{
	struct sconn *k;
	int rc = check_answerable(r, NULL);

	if (fd < 0)
		return -EBADF;   /* nothing answered: the handler still must */
	if (rc != 0 || status < 200 || status > 999) {
		close(fd);
		return rc ? rc : -EINVAL;
	}
	k = r->conn;
	rc = head_build(k, status, content_type, NULL, F_LENGTH, len);
	if (rc != 0) {
		close(fd);
		sconn_fail(k);
		return rc;
	}
	if (r->head_only || len == 0 || bodiless_status(status)) {
		close(fd);
		r->state = R_DONE;
		sconn_request_done(k);
	} else {
		k->file_fd = fd;
		k->file_off = 0;
		k->file_len = len;
		r->state = R_FILE;
	}
	sconn_after_answer(k);
	return 0;
}

int http_stream_begin(struct http_req *r, int status, const char *content_type,
		      const char *extra_headers)
{
	struct sconn *k;
	int rc = check_answerable(r, extra_headers);

	if (rc != 0)
		return rc;
	if (status < 200 || status > 999 || bodiless_status(status))
		return -EINVAL;
	k = r->conn;
	r->chunked_out = r->minor == 1;
	if (!r->chunked_out)
		r->keep_alive = false;   /* HTTP/1.0: the end is the close */
	rc = head_build(k, status, content_type, extra_headers,
			r->chunked_out ? F_CHUNKED : F_CLOSE, 0);
	if (rc != 0) {
		sconn_fail(k);
		return rc;
	}
	r->state = R_STREAM;
	sconn_after_answer(k);
	return 0;
}

int http_stream_write(struct http_req *r, const void *data, size_t len)
{
	struct sconn *k;
	int rc = 0;

	if (!r || r->state != R_STREAM)
		return -EINVAL;
	k = r->conn;
	if (k->dead)
		return -EPIPE;
	if (len == 0 || r->head_only)
		return 0;
	if (k->out.len - k->out_off + len > k->srv->cfg.max_stream_backlog) {
		log_warn("%s: %s stopped reading its stream (%zu bytes queued); closing it",
			 k->srv->name, k->peer, k->out.len - k->out_off);
		sconn_fail(k);
		return -EPIPE;
	}
	if (r->chunked_out)
		rc |= buf_appendf(&k->out, "%zx\r\n", len);
	rc |= buf_append(&k->out, data, len);
	if (r->chunked_out)
		rc |= buf_append_str(&k->out, "\r\n");
	if (rc != 0) {
		sconn_fail(k);
		return -ENOMEM;
	}
	sconn_after_answer(k);
	return k->dead ? -EPIPE : 0;
}

int http_stream_end(struct http_req *r)
{
	struct sconn *k;

	if (!r || r->state != R_STREAM)
		return -EINVAL;
	k = r->conn;
	if (r->chunked_out && !r->head_only && buf_append_str(&k->out, "0\r\n\r\n") != 0) {
		sconn_fail(k);
		return -ENOMEM;
	}
	r->state = R_DONE;
	sconn_request_done(k);
	sconn_after_answer(k);
	return 0;
}

/* Automatic answers: a short text body, then the connection closes. */
int answer_error(struct sconn *k, int status, const char *extra)
{
	struct http_req *r = &k->req;
	const char *text = http_status_text(status);
	int rc = 0;

	k->srv->stats.rejected++;
	r->keep_alive = false;
	rc |= buf_appendf(&k->out, "HTTP/1.1 %d %s\r\n%sContent-Type: text/plain\r\n"
			  "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
			  status, text, date_line(), r->head_only ? 0 : strlen(text) + 1,
			  extra ? extra : "");
	if (!r->head_only)
		rc |= buf_appendf(&k->out, "%s\n", text);
	k->close_after = true;
	if (r->state == R_BODY || r->state == R_WAIT)
		r->state = R_NONE;
	return rc ? -ENOMEM : 0;
}
