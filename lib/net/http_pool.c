/*
 * http_pool — the HTTP client's connections: opening them (non-blocking
 * connect), closing them, and the keep-alive pool of idle ones, which are
 * watched for EOF and closed after the idle timeout. See http_client.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/strutil.h"
#include "net/http_client_int.h"
#include "net/sockio.h"

void hconn_close(struct hconn *k)
{
	struct http_client *c;
	if (!k)
		return;
	c = k->client;
	if (k->state == C_IDLE) {
		if (k->prev)
			k->prev->next = k->next;
		else
			c->idle = k->next;
		if (k->next)
			k->next->prev = k->prev;
		c->stats.idle--;
	}
	ev_timer_stop(c->loop, &k->idle_timer);
	if (k->fd >= 0) {
		ev_io_del(c->loop, k->fd);
		if (k->tls)
			tls_close_notify(k->tls);
		close(k->fd);
	}
	tls_free(k->tls);
	buf_finish(&k->in);
	free(k);
}

static void idle_expired(struct ev_loop *loop, void *arg)
{
	hconn_close(arg);
}

static size_t pool_count(struct http_client *c, const char *key)
{
	size_t n = 0;
	for (struct hconn *k = c->idle; k; k = k->next)
		n += strcmp(k->key, key) == 0;
	return n;
}

/* Returns the connection to the pool, or closes it. */
void hconn_release(struct hconn *k, bool reusable)
{
	struct http_client *c = k->client;

	k->call = NULL;
	if (!reusable || k->in.len != 0 || pool_count(c, k->key) >= c->cfg.max_idle_per_host ||
	    ev_io_mod(c->loop, k->fd, EV_READ) != 0 ||
	    ev_timer_start(c->loop, &k->idle_timer, c->cfg.idle_timeout_ms, 0) != 0) {
		hconn_close(k);
		return;
	}
	k->state = C_IDLE;
	k->prev = NULL;
	k->next = c->idle;
	if (c->idle)
		c->idle->prev = k;
	c->idle = k;
	c->stats.idle++;
}

struct hconn *hconn_pool_take(struct http_client *c, const char *key)
{
	for (struct hconn *k = c->idle; k; k = k->next) {
		if (strcmp(k->key, key) != 0)
			continue;
		if (k->prev)
			k->prev->next = k->next;
		else
			c->idle = k->next;
		if (k->next)
			k->next->prev = k->prev;
		k->next = k->prev = NULL;
		c->stats.idle--;
		ev_timer_stop(c->loop, &k->idle_timer);
		k->state = C_ACTIVE;
		return k;
	}
	return NULL;
}

int hconn_open(struct http_call *call, struct hconn **out)
{
	struct http_client *c = call->client;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct hconn *k;
	int one = 1, rc;

	*out = NULL;
	if (sockio_parse_addr(call->host, call->port, &ss, &sl) != 0)
		return -EINVAL;
	k = calloc(1, sizeof *k);
	if (!k)
		return -ENOMEM;
	k->client = c;
	buf_init(&k->in);
	ev_timer_init(&k->idle_timer, idle_expired, k);
	str_copy(k->key, call->key, sizeof k->key);
	sockio_addr_str((struct sockaddr *)&ss, k->peer, sizeof k->peer);
	k->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (k->fd < 0) {
		rc = -errno;
		goto fail;
	}
	(void)setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	k->state = C_ACTIVE;
	if (connect(k->fd, (struct sockaddr *)&ss, sl) != 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			goto fail;
		}
		k->state = C_CONNECTING;
	}
	rc = ev_io_add(c->loop, k->fd, EV_WRITE, hconn_io, k);
	if (rc != 0)
		goto fail;
	c->stats.connects++;
	*out = k;
	return 0;
fail:
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	hconn_close(k);
	return rc;
}
