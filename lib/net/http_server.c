/*
 * http_server — listening, connections, request parsing and routing
 * (see http_server.h; answers are built in http_answer.c).
 *
 * One connection handles one request at a time: its struct http_req is
 * embedded in struct sconn. Bytes of pipelined requests wait in k->in
 * until the current answer is queued completely. A connection is never
 * freed inside a call made by user code: failures mark it dead and the
 * loop closes it from a deferred call, which also runs on_abort.
 */
#include "net/http_server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strutil.h"
#include "net/sockio.h"

#define READ_CHUNK 16384
#define MAX_READS_PER_EVENT 4
#define MAX_IN_PENDING (256u * 1024)    /* stop reading past this while busy */
#define MAX_OUT_PENDING (256u * 1024)   /* stop parsing requests past this */
#define SENDFILE_PIECE (1u << 20)
#define TLS_FILE_PIECE 16384

static void conn_io(struct ev_loop *loop, int fd, unsigned events, void *arg);
static void conn_process(struct sconn *k);
static void conn_update(struct sconn *k);

/* ---- connection lifetime ---- */

static void accept_resume(struct http_server *s);
static void kick_cb(struct ev_loop *loop, void *arg);

static void conn_free(struct sconn *k)
{
	struct http_server *s = k->srv;
	struct http_req *r = &k->req;

	if (r->state == R_WAIT || r->state == R_STREAM || r->state == R_BODY ||
	    r->state == R_FILE) {
		enum req_state was = r->state;
		r->state = R_DONE;
		if ((was == R_WAIT || was == R_STREAM) && r->abort_fn)
			r->abort_fn(r, r->abort_arg);
	}
	ev_defer_cancel(s->loop, kick_cb, k);
	ev_timer_stop(s->loop, &k->timer);
	ev_io_del(s->loop, k->fd);
	if (k->tls && !k->handshaking)
		tls_close_notify(k->tls);
	close(k->fd);
	tls_free(k->tls);
	if (k->file_fd >= 0)
		close(k->file_fd);
	buf_finish(&k->in);
	buf_finish(&k->out);
	buf_finish(&r->head);
	buf_finish(&r->meta);
	buf_finish(&r->body);
	if (k->prev)
		k->prev->next = k->next;
	else
		s->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	s->stats.conns--;
	free(k);
	accept_resume(s);
}

static void conn_read(struct sconn *k);

/* From the loop only (a deferred call): flush, close or go on. */
void sconn_kick(struct sconn *k)
{
	k->deferred = false;
	if (k->dead) {
		conn_free(k);
		return;
	}
	if (k->tls && tls_pending(k->tls) && !k->read_paused)
		conn_read(k);
	sconn_try_flush(k);
	if (k->dead) {
		conn_free(k);
		return;
	}
	conn_process(k);
	if (!k->dead)
		sconn_try_flush(k);
	if (k->dead) {
		conn_free(k);
		return;
	}
	conn_update(k);
}

static void kick_cb(struct ev_loop *loop, void *arg)
{
	sconn_kick(arg);
}

static void schedule(struct sconn *k)
{
	if (k->deferred)
		return;
	if (ev_defer(k->srv->loop, kick_cb, k) == 0)
		k->deferred = true;
	else
		k->dead = true; /* out of memory: the next event closes it */
}

void sconn_fail(struct sconn *k)
{
	k->dead = true;
	schedule(k);
}

/* ---- timers ---- */

static void conn_timer(struct ev_loop *loop, void *arg)
{
	struct sconn *k = arg;
	struct http_server *s = k->srv;
	uint64_t now = ev_now_ms(loop);

	if (k->tkind == T_IDLE && now - k->last_progress < s->cfg.idle_timeout_ms) {
		ev_timer_start(loop, &k->timer,
			       s->cfg.idle_timeout_ms - (now - k->last_progress), 0);
		return;
	}
	if (k->tkind == T_HEADER && k->req.state == R_NONE && !k->handshaking &&
	    k->out.len == k->out_off) {
		k->in.len = 0;
		answer_error(k, 408, NULL);
		sconn_try_flush(k);
	}
	conn_free(k);
}

static void set_timer(struct sconn *k, enum timer_kind kind)
{
	struct http_server *s = k->srv;
	uint64_t now = ev_now_ms(s->loop);

	if (kind == k->tkind)
		return;
	k->tkind = kind;
	if (kind == T_NONE) {
		ev_timer_stop(s->loop, &k->timer);
	} else if (kind == T_HEADER) {
		uint64_t end = k->header_start + s->cfg.header_timeout_ms;
		ev_timer_start(s->loop, &k->timer, end > now ? end - now : 0, 0);
	} else {
		k->last_progress = now;
		ev_timer_start(s->loop, &k->timer, s->cfg.idle_timeout_ms, 0);
	}
}

static bool out_pending(const struct sconn *k)
{
	return k->out.len > k->out_off || (k->file_fd >= 0 && k->out.len == k->out_off &&
					   k->file_off < k->file_len);
}

/* Interest mask and timer after any change. */
static void conn_update(struct sconn *k)
{
	struct http_server *s = k->srv;
	unsigned mask = 0;
	enum timer_kind tk = T_NONE;
	bool busy = k->req.state == R_WAIT || k->req.state == R_STREAM;
	bool was_paused = k->read_paused;

	if (k->handshaking)
		return;
	k->read_paused = k->close_after || k->eof || (busy && k->in.len > MAX_IN_PENDING) ||
		k->out.len - k->out_off > MAX_OUT_PENDING;
	if (!k->read_paused)
		mask |= EV_READ;
	if (out_pending(k))
		mask |= EV_WRITE;
	if (mask != k->mask && ev_io_mod(s->loop, k->fd, mask) == 0)
		k->mask = mask;
	if (was_paused && !k->read_paused && k->tls && tls_pending(k->tls))
		schedule(k);

	if (out_pending(k) || k->req.state == R_BODY || k->req.state == R_FILE)
		tk = T_IDLE;
	else if (k->req.state == R_NONE)
		tk = k->in.len > 0 ? T_HEADER : T_IDLE;
	if (tk == T_HEADER && k->tkind != T_HEADER && k->in.len > 0 && !k->handshaking)
		k->header_start = ev_now_ms(s->loop);
	set_timer(k, tk);
}

/* ---- output ---- */

static int send_file_piece(struct sconn *k)
{
	uint64_t left = k->file_len - k->file_off;
	ssize_t n;

	if (!k->tls) {
		off_t off = (off_t)k->file_off;
		n = sendfile(k->fd, k->file_fd, &off, left > SENDFILE_PIECE ? SENDFILE_PIECE : left);
		if (n < 0)
			return errno == EAGAIN ? TLS_WANT_WRITE : -errno;
		if (n == 0)
			return -EIO; /* the file shrank under us */
		k->file_off += (uint64_t)n;
		return 0;
	}
	/* TLS: one record's worth through the out buffer. */
	size_t piece = left > TLS_FILE_PIECE ? TLS_FILE_PIECE : (size_t)left;
	buf_reset(&k->out);
	k->out_off = 0;
	if (buf_reserve(&k->out, piece) != 0)
		return -ENOMEM;
	n = pread(k->file_fd, k->out.data, piece, (off_t)k->file_off);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	k->out.len = (size_t)n;
	k->file_off += (uint64_t)n;
	return 0;
}

void sconn_try_flush(struct sconn *k)
{
	bool progress = false;

	if (k->dead || k->handshaking)
		return;
	for (;;) {
		ssize_t n;
		if (k->out.len > k->out_off) {
			n = sockio_write(k->fd, k->tls, k->out.data + k->out_off,
					 k->out.len - k->out_off);
			if (n == TLS_WANT_WRITE || n == TLS_WANT_READ)
				break;
			if (n < 0) {
				k->dead = true;
				break;
			}
			k->out_off += (size_t)n;
			progress = true;
			if (k->out_off == k->out.len) {
				buf_reset(&k->out);
				k->out_off = 0;
			}
			continue;
		}
		if (k->file_fd >= 0 && k->file_off < k->file_len) {
			int rc = send_file_piece(k);
			if (rc == TLS_WANT_WRITE)
				break;
			if (rc < 0) {
				k->dead = true;
				break;
			}
			progress = true;
			continue;
		}
		if (k->file_fd >= 0) {
			close(k->file_fd);
			k->file_fd = -1;
			if (k->req.state == R_FILE)
				sconn_request_done(k);
		}
		break;
	}
	if (progress)
		k->last_progress = ev_now_ms(k->srv->loop);
	if (!k->dead && k->close_after && !out_pending(k) && k->req.state != R_FILE)
		k->dead = true;
	if (k->dead)
		schedule(k);
}

/* ---- requests ---- */

static void req_reset(struct http_req *r)
{
	buf_reset(&r->head);
	buf_reset(&r->meta);
	buf_reset(&r->body);
	r->state = R_NONE;
	r->route = NULL;
	r->abort_fn = NULL;
	r->abort_arg = NULL;
	r->head_only = false;
	r->chunked_out = false;
	memset(&r->body_framing, 0, sizeof r->body_framing);
}

void sconn_request_done(struct sconn *k)
{
	struct http_req *r = &k->req;
	k->srv->stats.requests++;
	if (!r->keep_alive)
		k->close_after = true;
	req_reset(r);
	if (!k->in_process && !k->close_after && k->in.len > 0)
		schedule(k);   /* a pipelined request waits */
	if (k->close_after && !out_pending(k))
		sconn_fail(k);
}

static int parse_error_status(int code)
{
	switch (code) {
	case HTTP_E_HEADER_TOO_LARGE:
	case HTTP_E_TOO_MANY_HEADERS: return 431;
	case HTTP_E_URI_TOO_LONG: return 414;
	case HTTP_E_BODY_TOO_LARGE: return 413;
	case HTTP_E_VERSION: return 505;
	case HTTP_E_TRANSFER_CODING: return 501;
	default: return 400;
	}
}

/* Rebases header slices from src to dst (the copy of the header block). */
static void rebase_headers(struct http_request *p, const char *src, const char *dst)
{
	p->method = dst + (p->method - src);
	p->target = dst + (p->target - src);
	for (size_t i = 0; i < p->num_headers; i++) {
		struct http_header *h = &p->headers[i];
		h->name = dst + (h->name - src);
		h->value = dst + (h->value - src);
	}
}

/* Header block parsed: copy it, split the target, route, check auth.
 * Returns 0 to go on, or an error status to answer. */
static int req_start(struct sconn *k, int n)
{
	struct http_server *s = k->srv;
	struct http_req *r = &k->req;
	struct http_request *p = &r->parsed;
	const struct http_header *h;
	const char *q;
	size_t plen;
	char allow[160];
	int rc;

	if (k->tkind == T_HEADER)
		set_timer(k, T_NONE);   /* the next request gets its own deadline */
	if (buf_append(&r->head, k->in.data, (size_t)n) != 0)
		return 500;
	rebase_headers(p, k->in.data, r->head.data);
	buf_consume(&k->in, (size_t)n);
	r->minor = p->minor_version;
	h = http_find_header(p->headers, p->num_headers, "Connection");
	r->keep_alive = p->minor_version == 1 ? !(h && http_header_has_token(h, "close"))
		: (h && http_header_has_token(h, "keep-alive"));

	q = memchr(p->target, '?', p->target_len);
	plen = q ? (size_t)(q - p->target) : p->target_len;
	if (buf_append(&r->meta, p->method, p->method_len) || buf_append(&r->meta, "", 1))
		return 500;
	r->path_off = r->meta.len;
	if (buf_append(&r->meta, p->target, plen) || buf_append(&r->meta, "", 1))
		return 500;
	r->query_off = r->meta.len;
	if (q && buf_append(&r->meta, q + 1, p->target_len - plen - 1))
		return 500;
	if (buf_append(&r->meta, "", 1))
		return 500;
	r->head_only = strcmp(r->meta.data, "HEAD") == 0;

	rc = http_body_for_request(&r->body_framing, p, &s->cfg.limits);
	if (rc != 0)
		return parse_error_status(rc);
	if (!route_known_method(p->method, p->method_len))
		return 501;
	if (r->meta.data[r->path_off] != '/' && strcmp(r->meta.data, "OPTIONS") != 0)
		return 400;
	r->route = route_find(s, r->meta.data, r->meta.data + r->path_off, allow, sizeof allow);
	if (!r->route) {
		if (allow[0]) {
			char extra[200];
			snprintf(extra, sizeof extra, "Allow: %s\r\n", allow);
			answer_error(k, 405, extra);
			return -1;
		}
		return 404;
	}
	if (!route_origin_ok(r->route, r))
		return 403;
	if (!route_auth_ok(r->route, r)) {
		answer_error(k, 401, r->route->bearer
			     ? "WWW-Authenticate: Bearer realm=\"etcd-mesos\"\r\n"
			     : "WWW-Authenticate: Basic realm=\"etcd-mesos\"\r\n");
		return -1;
	}
	if (r->body_framing.kind != HTTP_BODY_NONE && !r->body_framing.done &&
	    !(r->body_framing.kind == HTTP_BODY_LENGTH && r->body_framing.remaining == 0)) {
		h = http_find_header(p->headers, p->num_headers, "Expect");
		if (h && h->value_len == 12 && strncasecmp(h->value, "100-continue", 12) == 0 &&
		    buf_append_str(&k->out, "HTTP/1.1 100 Continue\r\n\r\n") != 0)
			return 500;
		r->state = R_BODY;
	} else {
		r->body_framing.done = true;
	}
	return 0;
}

static void dispatch(struct sconn *k)
{
	struct http_req *r = &k->req;
	if (buf_append(&r->body, "", 1) != 0) {   /* NUL-terminate */
		answer_error(k, 500, NULL);
		return;
	}
	r->body.len--;
	r->state = R_WAIT;
	r->route->fn(r, r->route->arg);
}

/* Parses and runs requests from k->in while the connection is free. */
static void conn_process(struct sconn *k)
{
	struct http_server *s = k->srv;
	struct http_req *r = &k->req;

	k->in_process = true;
	while (!k->dead && !k->close_after) {
		if (r->state == R_NONE) {
			int n, status;
			if (k->in.len == 0 || k->out.len - k->out_off > MAX_OUT_PENDING)
				break;
			n = http_parse_request(k->in.data, k->in.len, &s->cfg.limits, &r->parsed);
			if (n == HTTP_INCOMPLETE)
				break;
			if (n < 0) {
				answer_error(k, parse_error_status(n), NULL);
				break;
			}
			status = req_start(k, n);
			if (status != 0) {
				if (status > 0)
					answer_error(k, status, NULL);
				break;
			}
		}
		if (r->state == R_BODY) {
			size_t out_len = 0;
			ssize_t used;
			if (k->in.len == 0)
				break;
			used = http_body_decode(&r->body_framing, k->in.data, k->in.len, &out_len);
			if (used < 0) {
				answer_error(k, used == HTTP_E_BODY_TOO_LARGE ? 413 : 400, NULL);
				break;
			}
			if (buf_append(&r->body, k->in.data, out_len) != 0) {
				answer_error(k, 500, NULL);
				break;
			}
			buf_consume(&k->in, (size_t)used);
			if (!r->body_framing.done)
				break;
		}
		if (r->state == R_BODY || r->state == R_NONE)
			dispatch(k);
		if (r->state != R_NONE)
			break;    /* answer pending, streaming or a file in flight */
	}
	k->in_process = false;
}

static void conn_read(struct sconn *k)
{
	for (int i = 0; i < MAX_READS_PER_EVENT || (k->tls && tls_pending(k->tls)); i++) {
		ssize_t n;
		if (k->in.len > MAX_IN_PENDING + READ_CHUNK)
			break;
		if (buf_reserve(&k->in, READ_CHUNK) != 0) {
			k->dead = true;
			return;
		}
		n = sockio_read(k->fd, k->tls, k->in.data + k->in.len, k->in.cap - k->in.len - 1);
		if (n == TLS_WANT_READ || n == TLS_WANT_WRITE)
			return;
		if (n == 0) {
			/* Half-close: requests already here are still answered. */
			k->eof = true;
			return;
		}
		if (n < 0) {
			k->dead = true;
			return;
		}
		k->in.len += (size_t)n;
		k->in.data[k->in.len] = '\0';
		k->last_progress = ev_now_ms(k->srv->loop);
		if (!k->tls && (size_t)n < READ_CHUNK)
			return;
	}
}

static void conn_io(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct sconn *k = arg;

	if (k->dead) {
		conn_free(k);
		return;
	}
	if (k->handshaking) {
		int rc = tls_handshake(k->tls);
		if (rc == TLS_WANT_READ || rc == TLS_WANT_WRITE) {
			unsigned m = rc == TLS_WANT_READ ? EV_READ : EV_WRITE;
			if (m != k->mask && ev_io_mod(loop, fd, m) == 0)
				k->mask = m;
			return;
		}
		if (rc != 0) {
			log_v(1, "%s: %s: %s", k->srv->name, k->peer, tls_errmsg(k->tls));
			conn_free(k);
			return;
		}
		k->handshaking = false;
		k->mask = 0;
		set_timer(k, T_NONE);
	}
	if (events & EV_WRITE)
		sconn_try_flush(k);
	if (!k->dead && (events & (EV_READ | EV_ERROR)) && !k->read_paused)
		conn_read(k);
	else if ((events & EV_ERROR) && !(events & EV_WRITE))
		k->dead = true;   /* hang-up or error with nothing to read or write */
	if (!k->dead)
		conn_process(k);
	if (!k->dead && k->eof) {
		if (k->req.state == R_WAIT || k->req.state == R_STREAM || k->req.state == R_BODY)
			k->dead = true;
		else
			k->close_after = true;
	}
	if (!k->dead)
		sconn_try_flush(k);
	if (k->dead) {
		conn_free(k);
		return;
	}
	conn_update(k);
}

/* ---- listening ---- */

static void accept_resume(struct http_server *s)
{
	if (s->accept_paused && s->stats.conns < s->cfg.max_conns && s->lfd >= 0 &&
	    ev_io_mod(s->loop, s->lfd, EV_READ) == 0)
		s->accept_paused = false;
}

static void on_accept(struct ev_loop *loop, int lfd, unsigned events, void *arg)
{
	struct http_server *s = arg;

	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct sconn *k;
		int fd, one = 1;

		if (s->stats.conns >= s->cfg.max_conns) {
			if (ev_io_mod(loop, lfd, 0) == 0)
				s->accept_paused = true;
			return;
		}
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("%s: accept on port %u: %s", s->name, s->port, strerror(errno));
			return;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		k = calloc(1, sizeof *k);
		if (!k) {
			close(fd);
			return;
		}
		k->srv = s;
		k->fd = fd;
		k->file_fd = -1;
		k->req.conn = k;
		buf_init(&k->in);
		buf_init(&k->out);
		buf_init(&k->req.head);
		buf_init(&k->req.meta);
		buf_init(&k->req.body);
		ev_timer_init(&k->timer, conn_timer, k);
		sockio_addr_str((struct sockaddr *)&ss, k->peer, sizeof k->peer);
		if (s->cfg.tls && tls_new(&k->tls, s->cfg.tls, fd, NULL) != 0) {
			close(fd);
			free(k);
			continue;
		}
		k->handshaking = k->tls != NULL;
		k->mask = EV_READ;
		if (ev_io_add(loop, fd, EV_READ, conn_io, k) != 0) {
			tls_free(k->tls);
			close(fd);
			free(k);
			continue;
		}
		k->next = s->conns;
		if (s->conns)
			s->conns->prev = k;
		s->conns = k;
		s->stats.conns++;
		s->stats.accepted++;
		k->header_start = ev_now_ms(loop);
		k->tkind = T_NONE;
		set_timer(k, T_HEADER);
	}
}

static int listen_on(struct http_server *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, zero = 0, fd = -1, rc;

	if (s->cfg.bind_host) {
		if (sockio_parse_addr(s->cfg.bind_host, s->cfg.port, &ss, &sl) != 0) {
			log_error("%s: listen address \"%s\" is not a numeric IPv4/IPv6 address",
				  s->name, s->cfg.bind_host);
			return -EINVAL;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	} else {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		memset(&ss, 0, sizeof ss);
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_any;
		a6->sin6_port = htons(s->cfg.port);
		sl = sizeof *a6;
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0) {
			close(fd);
			fd = -1;
		}
		if (fd < 0) {
			struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
			memset(&ss, 0, sizeof ss);
			a4->sin_family = AF_INET;
			a4->sin_addr.s_addr = htonl(INADDR_ANY);
			a4->sin_port = htons(s->cfg.port);
			sl = sizeof *a4;
			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		}
	}
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 1024) != 0) {
		rc = -errno;
		log_error("%s: cannot listen on %s port %u: %s", s->name,
			  s->cfg.bind_host ? s->cfg.bind_host : "all addresses", s->cfg.port,
			  strerror(-rc));
		close(fd);
		return rc;
	}
	sl = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		s->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				: ((struct sockaddr_in6 *)&ss)->sin6_port);
	s->lfd = fd;
	return 0;
}

int http_server_new(struct http_server **out, struct ev_loop *loop,
		    const struct http_server_config *cfg)
{
	struct http_server *s;
	int rc;

	*out = NULL;
	if (!cfg || (cfg->tls && !tls_config_is_server(cfg->tls)))
		return -EINVAL;
	/* sendfile(2) has no MSG_NOSIGNAL: a client gone mid-file must not
	 * kill the process. Only a default disposition is changed. */
	{
		struct sigaction sa;
		if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL &&
		    !(sa.sa_flags & SA_SIGINFO))
			signal(SIGPIPE, SIG_IGN);
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->cfg = *cfg;
	s->lfd = -1;
	str_copy(s->name, cfg->name ? cfg->name : "http", sizeof s->name);
	s->cfg.name = NULL;
	s->cfg.bind_host = NULL;
	if (!s->cfg.max_conns)
		s->cfg.max_conns = 1024;
	if (!s->cfg.idle_timeout_ms)
		s->cfg.idle_timeout_ms = 60000;
	if (!s->cfg.header_timeout_ms)
		s->cfg.header_timeout_ms = 10000;
	if (!s->cfg.max_stream_backlog)
		s->cfg.max_stream_backlog = 8u << 20;
	if (!s->cfg.limits.max_header_bytes) {
		uint64_t mb = cfg->limits.max_body;
		http_limits_default(&s->cfg.limits);
		if (mb)
			s->cfg.limits.max_body = mb;
	}
	s->cfg.bind_host = cfg->bind_host;   /* used only inside listen_on */
	rc = listen_on(s);
	s->cfg.bind_host = NULL;
	if (rc == 0)
		rc = ev_io_add(loop, s->lfd, EV_READ, on_accept, s);
	if (rc != 0) {
		if (s->lfd >= 0)
			close(s->lfd);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_free(s->conns);
	if (s->lfd >= 0) {
		ev_io_del(s->loop, s->lfd);
		close(s->lfd);
	}
	route_free_all(s->routes);
	free(s);
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_get_stats(const struct http_server *s, struct http_server_stats *st)
{
	*st = s->stats;
}

/* ---- request accessors ---- */

void sconn_after_answer(struct sconn *k)
{
	if (k->in_process)
		return;     /* conn_io flushes when the handler returns */
	sconn_try_flush(k);
	if (!k->dead)
		conn_update(k);
}
