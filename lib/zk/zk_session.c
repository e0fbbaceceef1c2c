/*
 * zk_session.c — the ZooKeeper handle on the loop: zookeeper_interest /
 * zookeeper_process driven by one fd watcher and one timer, session
 * events turned into listener calls, a new session after expiry, and
 * the library's log routed into ours.
 */
#include "zk/zk_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "net/url.h"

static char acl_world[] = "world", acl_anyone[] = "anyone";
static char acl_auth[] = "auth", acl_empty[] = "";

const char *zk_session_event_name(enum zk_session_event ev)
{
	static const char *const names[] = {
		[ZK_SESSION_CONNECTED] = "connected",
		[ZK_SESSION_RECONNECTED] = "reconnected",
		[ZK_SESSION_DISCONNECTED] = "disconnected",
		[ZK_SESSION_EXPIRED] = "expired",
		[ZK_SESSION_AUTH_FAILED] = "auth-failed",
	};
	if ((unsigned)ev < sizeof(names) / sizeof(names[0]))
		return names[ev];
	return "?";
}

int zk_rc_errno(int rc)
{
	if (rc == ZOK)
		return 0;
	if (rc == ZNONODE)
		return -ENOENT;
	if (rc == ZNODEEXISTS)
		return -EEXIST;
	if (rc == ZBADVERSION)
		return -ESTALE;
	if (rc == ZNOTEMPTY)
		return -ENOTEMPTY;
	if (rc == ZNOAUTH || rc == ZAUTHFAILED)
		return -EACCES;
	if (rc == ZCONNECTIONLOSS)
		return -ECONNRESET;
	if (rc == ZOPERATIONTIMEOUT)
		return -ETIMEDOUT;
	if (rc == ZSESSIONEXPIRED || rc == ZINVALIDSTATE || rc == ZCLOSING)
		return -ENOTCONN;
	if (rc == ZBADARGUMENTS || rc == ZINVALIDACL || rc == ZNOCHILDRENFOREPHEMERALS)
		return -EINVAL;
	if (rc == ZMARSHALLINGERROR)
		return -ENOMEM;
	return -EPROTO;
}

int zk_sync_errno(int rc)
{
	if (rc == ZBADARGUMENTS)
		return -EINVAL;
	if (rc == ZINVALIDSTATE)
		return -ENOTCONN;
	if (rc == ZMARSHALLINGERROR)
		return -ENOMEM;
	return zk_rc_errno(rc);
}

/* ---- the library's log ---- */

/* The client repeats itself while a server is away (every failed
 * connect logs at ERROR): at most ZK_LOG_BURST lines per window. */
#define ZK_LOG_BURST 20
#define ZK_LOG_WINDOW_MS 10000u

static void zk_log_line(const char *message)
{
	static uint64_t window_start;
	static unsigned in_window, suppressed;
	/* "<time>:<pid>:ZOO_WARN@func@line: text\n": keep from ZOO_ on. */
	const char *p = strstr(message, "ZOO_");
	uint64_t now = ev_time_ms();
	size_t n;

	if (now - window_start >= ZK_LOG_WINDOW_MS) {
		if (suppressed)
			log_warn("zookeeper: %u more client log lines suppressed", suppressed);
		window_start = now;
		in_window = suppressed = 0;
	}
	if (++in_window > ZK_LOG_BURST) {
		suppressed++;
		return;
	}
	if (!p)
		p = message;
	n = strlen(p);
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (strncmp(p, "ZOO_ERROR", 9) == 0)
		log_error("zookeeper: %.*s", (int)n, p);
	else if (strncmp(p, "ZOO_WARN", 8) == 0)
		log_warn("zookeeper: %.*s", (int)n, p);
	else
		log_v(1, "zookeeper: %.*s", (int)n, p);
}

/* ---- paths ---- */

char *zk_full_path(const struct zk_session *s, const char *path, int *rc)
{
	size_t n;
	char *full;

	*rc = -EINVAL;
	if (!path || path[0] != '/' || strstr(path, "//"))
		return NULL;
	n = strlen(path);
	if (n > 1 && path[n - 1] == '/')
		return NULL;
	if (n == 1 && s->chroot_len)
		n = 0;  /* "/" is the chroot itself */
	*rc = -ENOMEM;
	full = malloc(s->chroot_len + n + 1);
	if (!full)
		return NULL;
	memcpy(full, s->chroot, s->chroot_len);
	memcpy(full + s->chroot_len, path, n);
	full[s->chroot_len + n] = 0;
	*rc = 0;
	return full;
}

const char *zk_rel_path(const struct zk_session *s, const char *full)
{
	if (!full || !s->chroot_len || strncmp(full, s->chroot, s->chroot_len) != 0)
		return full;
	if (full[s->chroot_len] == 0)
		return "/";
	if (full[s->chroot_len] != '/')
		return full;
	return full + s->chroot_len;
}

/* ---- watches ---- */

struct zk_watch *zk_watch_new(struct zk_session *s, zk_watch_fn fn, void *arg)
{
	struct zk_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->s = s;
	w->zh = s->zh;
	w->fn = fn;
	w->arg = arg;
	w->next = s->watches.next;
	w->prev = &s->watches;
	s->watches.next->prev = w;
	s->watches.next = w;
	return w;
}

void zk_watch_drop(struct zk_watch *w)
{
	if (!w)
		return;
	w->prev->next = w->next;
	w->next->prev = w->prev;
	free(w);
}

void zk_watch_fire(zhandle_t *zh, int type, int state, const char *path, void *ctx)
{
	struct zk_watch *w = ctx;
	struct zk_session *s = w->s;
	zk_watch_fn fn = w->fn;
	void *arg = w->arg;

	if (type == ZOO_SESSION_EVENT)
		return;  /* the global watcher handles those; the watch stays */
	zk_watch_drop(w);
	if (fn && !s->freeing)
		fn(type, zk_rel_path(s, path), arg);
}

/* Frees the watches of a closed handle: the library forgot them. */
static void zk_watch_drop_handle(struct zk_session *s, zhandle_t *zh)
{
	struct zk_watch *w = s->watches.next;
	while (w != &s->watches) {
		struct zk_watch *next = w->next;
		if (w->zh == zh)
			zk_watch_drop(w);
		w = next;
	}
}

/* ---- listeners ---- */

int zk_session_listen(struct zk_session *s, zk_listener_fn fn, void *arg)
{
	if (s->n_listeners == s->cap_listeners) {
		size_t cap = s->cap_listeners ? s->cap_listeners * 2 : 4;
		struct zk_listener *v = realloc(s->listeners, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->listeners = v;
		s->cap_listeners = cap;
	}
	s->listeners[s->n_listeners++] = (struct zk_listener){ fn, arg, true };
	return 0;
}

static void zk_listeners_compact(struct zk_session *s)
{
	size_t j = 0;
	if (s->notifying)
		return;
	for (size_t i = 0; i < s->n_listeners; i++)
		if (s->listeners[i].live)
			s->listeners[j++] = s->listeners[i];
	s->n_listeners = j;
}

void zk_session_unlisten(struct zk_session *s, zk_listener_fn fn, void *arg)
{
	for (size_t i = 0; i < s->n_listeners; i++)
		if (s->listeners[i].fn == fn && s->listeners[i].arg == arg)
			s->listeners[i].live = false;
	zk_listeners_compact(s);
}

static void zk_notify(struct zk_session *s, enum zk_session_event ev)
{
	s->notifying++;
	/* Listeners added meanwhile are not told of this event. */
	size_t n = s->n_listeners;
	for (size_t i = 0; i < n && !s->freeing; i++) {
		struct zk_listener l = s->listeners[i];
		if (l.live)
			l.fn(s, ev, l.arg);
	}
	s->notifying--;
	zk_listeners_compact(s);
}

/* ---- the handle on the loop ---- */

static void zk_on_io(struct ev_loop *loop, int fd, unsigned events, void *arg);
static void zk_on_timer(struct ev_loop *loop, void *arg);
static void zk_refresh_deferred(struct ev_loop *loop, void *arg);
static void zk_renew(struct ev_loop *loop, void *arg);
static void zk_teardown(struct ev_loop *loop, void *arg);
static void zk_global_watcher(zhandle_t *zh, int type, int state, const char *path,
			      void *ctx);

void zk_session_release_fd(struct zk_session *s)
{
	if (s->fd >= 0)
		ev_io_del(s->loop, s->fd);
	s->fd = -1;
}

static void zk_process(struct zk_session *s, int events)
{
	zk_session_release_fd(s);
	s->depth++;
	zookeeper_process(s->zh, events);
	s->depth--;
}

/* Re-reads what the client wants and registers it: the fd (it changes
 * after reconnects, so it is always registered afresh) and the timeout. */
static void zk_refresh(struct zk_session *s)
{
	struct timeval tv = { 0, 0 };
	int fd = -1, interest = 0, rc;
	unsigned mask = 0;
	uint64_t ms;

	if (s->freeing)
		return;
	zk_session_release_fd(s);
	s->depth++;
	rc = zookeeper_interest(s->zh, &fd, &interest, &tv);
	s->depth--;
	if (rc != ZOK && rc != ZINVALIDSTATE && !s->freeing) {
		/* A connection error queued a session event: deliver it. A
		 * connected handle that failed to send (a ping to a server that
		 * dropped us) is made to read, which notices the dead socket. */
		zk_process(s, zoo_state(s->zh) == ZOO_CONNECTED_STATE ? ZOOKEEPER_READ : 0);
		if (s->freeing)
			return;
		fd = -1;
		interest = 0;
		tv = (struct timeval){ 0, 0 };
		s->depth++;
		rc = zookeeper_interest(s->zh, &fd, &interest, &tv);
		s->depth--;
		if (s->freeing)
			return;
	}
	zk_session_release_fd(s);
	if (rc == ZINVALIDSTATE || s->auth_failed) {
		ev_timer_stop(s->loop, &s->timer);  /* dead handle: nothing to drive */
		return;
	}
	ms = (uint64_t)tv.tv_sec * 1000u + ((uint64_t)tv.tv_usec + 999u) / 1000u;
	if (rc != ZOK) {
		/* Still failing: the fd it gave may already be closed. Come
		 * back soon, but do not spin. */
		ev_timer_start(s->loop, &s->timer, ms > 20 ? ms : 20, 0);
		return;
	}
	if (interest & ZOOKEEPER_READ)
		mask |= EV_READ;
	if (interest & ZOOKEEPER_WRITE)
		mask |= EV_WRITE;
	if (fd >= 0 && ev_io_add(s->loop, fd, mask, zk_on_io, s) == 0)
		s->fd = fd;
	else if (fd >= 0 && ms > 10)
		ms = 10;  /* cannot watch it (should not happen): poll */
	ev_timer_start(s->loop, &s->timer, ms, 0);
}

void zk_session_kick(struct zk_session *s)
{
	if (s->refresh_queued || s->freeing)
		return;
	if (ev_defer(s->loop, zk_refresh_deferred, s) == 0)
		s->refresh_queued = true;
}

static void zk_refresh_deferred(struct ev_loop *loop, void *arg)
{
	struct zk_session *s = arg;
	s->refresh_queued = false;
	zk_refresh(s);
}

static void zk_on_io(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct zk_session *s = arg;
	int zev = 0;
	if (events & EV_READ)
		zev |= ZOOKEEPER_READ;
	if (events & EV_WRITE)
		zev |= ZOOKEEPER_WRITE;
	zk_process(s, zev);
	if (events & EV_READ)
		s->heard_ms = ev_time_ms();
	zk_refresh(s);
}

static void zk_on_timer(struct ev_loop *loop, void *arg)
{
	struct zk_session *s = arg;
	zk_process(s, 0);
	zk_refresh(s);
}

static void zk_auth_done(int rc, const void *data)
{
	struct zk_session *s = (struct zk_session *)data;
	if (rc != ZOK && rc != ZCLOSING && !s->freeing)
		log_error("zookeeper %s: digest authentication failed: %s; check the "
			  "user:password in the zk:// URI", s->display, zerror(rc));
}

static zhandle_t *zk_handle_open(struct zk_session *s)
{
	zhandle_t *zh = zookeeper_init2(s->hosts, zk_global_watcher, s->timeout_ms,
					NULL, s, 0, zk_log_line);
	if (!zh)
		return NULL;
	if (s->credentials) {
		int rc = zoo_add_auth(zh, "digest", s->credentials,
				      (int)strlen(s->credentials), zk_auth_done, s);
		if (rc != ZOK)
			log_error("zookeeper %s: digest authentication not sent: %s",
				  s->display, zerror(rc));
	}
	return zh;
}

static void zk_global_watcher(zhandle_t *zh, int type, int state, const char *path,
			      void *ctx)
{
	struct zk_session *s = ctx;

	if (type != ZOO_SESSION_EVENT || zh != s->zh || s->freeing)
		return;
	if (state == ZOO_CONNECTED_STATE) {
		const clientid_t *id = zoo_client_id(zh);
		bool fresh = id->client_id != s->session_id;
		s->session_id = id->client_id;
		s->connected = true;
		s->lost_at_ms = 0;
		s->heard_ms = ev_time_ms();
		s->timeout_ms = zoo_recv_timeout(zh);
		log_info("zookeeper %s: %s session 0x%llx (timeout %d ms)", s->display,
			 fresh ? "new" : "resumed", (unsigned long long)s->session_id,
			 s->timeout_ms);
		zk_notify(s, fresh ? ZK_SESSION_CONNECTED : ZK_SESSION_RECONNECTED);
	} else if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE) {
		if (!s->connected)
			return;
		s->connected = false;
		s->lost_at_ms = ev_time_ms();
		log_warn("zookeeper %s: connection lost; reconnecting", s->display);
		zk_notify(s, ZK_SESSION_DISCONNECTED);
	} else if (state == ZOO_EXPIRED_SESSION_STATE) {
		s->connected = false;
		if (!s->lost_at_ms)
			s->lost_at_ms = ev_time_ms();
		log_warn("zookeeper %s: session 0x%llx expired; starting a new one",
			 s->display, (unsigned long long)s->session_id);
		ev_defer(s->loop, zk_renew, s);
		zk_notify(s, ZK_SESSION_EXPIRED);
	} else if (state == ZOO_AUTH_FAILED_STATE) {
		s->connected = false;
		s->auth_failed = true;
		log_error("zookeeper %s: authentication failed; check the credentials",
			  s->display);
		zk_notify(s, ZK_SESSION_AUTH_FAILED);
	}
}

/* After an expiry, outside every ZooKeeper callback: a new handle, then
 * the old one closed (its pending completions get ZCLOSING). */
static void zk_renew(struct ev_loop *loop, void *arg)
{
	struct zk_session *s = arg;
	zhandle_t *old = s->zh, *zh;

	if (s->freeing)
		return;
	zh = zk_handle_open(s);
	if (!zh) {
		log_warn("zookeeper %s: cannot start a new session: %s; retrying in 1 s",
			 s->display, strerror(errno));
		ev_timer_start(loop, &s->retry, 1000, 0);
		return;
	}
	s->zh = zh;
	if (s->fd >= 0)
		ev_io_del(loop, s->fd);
	s->fd = -1;
	s->depth++;
	zookeeper_close(old);
	s->depth--;
	zk_watch_drop_handle(s, old);
	zk_refresh(s);
}

static void zk_retry_timer(struct ev_loop *loop, void *arg)
{
	zk_renew(loop, arg);
}

int zk_session_new(struct ev_loop *loop, const char *uri, int session_timeout_ms,
		   struct zk_session **out, char *err, size_t errlen)
{
	struct zk_uri z = { 0 };
	struct zk_session *s = NULL;
	int rc;

	*out = NULL;
	rc = zk_uri_parse(uri, &z, err, errlen);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto fail;
	s->loop = loop;
	s->fd = -1;
	s->timeout_ms = session_timeout_ms > 0 ? session_timeout_ms : 10000;
	s->watches.next = s->watches.prev = &s->watches;
	ev_timer_init(&s->timer, zk_on_timer, s);
	ev_timer_init(&s->retry, zk_retry_timer, s);
	s->hosts = z.hosts;
	s->chroot = z.chroot ? z.chroot : strdup("");
	s->credentials = z.credentials;
	z = (struct zk_uri){ 0 };
	if (!s->chroot || !s->hosts)
		goto fail;
	if (strcmp(s->chroot, "/") == 0)
		s->chroot[0] = 0;
	s->chroot_len = strlen(s->chroot);
	{
		struct zk_uri view = { s->hosts, s->chroot, s->credentials };
		size_t n = zk_uri_display(&view, NULL, 0);
		s->display = malloc(n + 1);
		if (!s->display)
			goto fail;
		zk_uri_display(&view, s->display, n + 1);
	}
	if (s->credentials) {
		s->acl.count = 2;
		s->acl.data = calloc(2, sizeof(struct ACL));
		if (!s->acl.data)
			goto fail;
		s->acl.data[0] = (struct ACL){ ZOO_PERM_READ, { acl_world, acl_anyone } };
		s->acl.data[1] = (struct ACL){ ZOO_PERM_ALL, { acl_auth, acl_empty } };
	} else {
		s->acl = ZOO_OPEN_ACL_UNSAFE;
	}
	zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
	s->zh = zk_handle_open(s);
	if (!s->zh) {
		rc = errno ? -errno : -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot start a ZooKeeper client: %s",
				 s->display, strerror(-rc));
		goto fail;
	}
	zk_refresh(s);
	*out = s;
	return 0;

fail:
	zk_uri_finish(&z);
	if (s) {
		if (s->credentials && s->acl.data)
			free(s->acl.data);
		free(s->hosts);
		free(s->chroot);
		free(s->credentials);
		free(s->display);
		free(s);
	}
	if (rc == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
	return rc;
}

static void zk_teardown(struct ev_loop *loop, void *arg)
{
	struct zk_session *s = arg;

	ev_defer_cancel(s->loop, zk_refresh_deferred, s);
	ev_defer_cancel(s->loop, zk_renew, s);
	ev_timer_stop(s->loop, &s->timer);
	ev_timer_stop(s->loop, &s->retry);
	if (s->fd >= 0)
		ev_io_del(s->loop, s->fd);
	s->fd = -1;
	if (s->zh) {
		s->depth++;
		zookeeper_close(s->zh);  /* completions see freeing and stay quiet */
		s->depth--;
	}
	while (s->watches.next != &s->watches)
		zk_watch_drop(s->watches.next);
	if (s->credentials)
		free(s->acl.data);
	free(s->listeners);
	free(s->hosts);
	free(s->chroot);
	if (s->credentials)
		memset(s->credentials, 0, strlen(s->credentials));
	free(s->credentials);
	free(s->display);
	free(s);
}

void zk_session_free(struct zk_session *s)
{
	if (!s || s->freeing)
		return;
	s->freeing = true;
	if (s->depth > 0 || s->notifying > 0) {
		/* Inside a ZooKeeper callback: zookeeper_close must wait. */
		ev_defer_cancel(s->loop, zk_refresh_deferred, s);
		ev_defer_cancel(s->loop, zk_renew, s);
		ev_timer_stop(s->loop, &s->timer);
		ev_timer_stop(s->loop, &s->retry);
		if (s->fd >= 0)
			ev_io_del(s->loop, s->fd);
		s->fd = -1;
		ev_defer(s->loop, zk_teardown, s);
		return;
	}
	zk_teardown(s->loop, s);
}

struct ev_loop *zk_session_loop(const struct zk_session *s)
{
	return s->loop;
}

bool zk_session_connected(const struct zk_session *s)
{
	return s->connected;
}

uint64_t zk_session_disconnected_ms(const struct zk_session *s)
{
	if (s->connected || !s->lost_at_ms)
		return 0;
	return ev_time_ms() - s->lost_at_ms;
}

uint64_t zk_session_silence_ms(const struct zk_session *s)
{
	return s->heard_ms ? ev_time_ms() - s->heard_ms : 0;
}

int64_t zk_session_id(const struct zk_session *s)
{
	return s->session_id;
}

int zk_session_timeout_ms(const struct zk_session *s)
{
	return s->timeout_ms;
}

const char *zk_session_display(const struct zk_session *s)
{
	return s->display;
}
