/* sched_session — the scheduler's subscription: SUBSCRIBE, the stream,
 * redirects, backoff, the ZooKeeper leader; see sched_session.h (events
 * and the heartbeat watchdog are in sched_session_events.c, calls in
 * sched_calls.c). */
#include "mesos/sched_session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/strutil.h"

#define MAX_REDIRECTS 5

static void connect_now(struct sched_session *s);
static void on_lookup(int rc, const char *addr, void *arg);
static void final_free(struct ev_loop *loop, void *arg);

/* ---- small helpers ---- */

static const char *own(struct sched_session *s, const char *v)
{
	char **n;

	if (!v)
		return NULL;
	n = realloc(s->owned, (s->n_owned + 1) * sizeof *n);
	if (!n)
		return NULL;
	s->owned = n;
	n[s->n_owned] = strdup(v);
	if (!n[s->n_owned])
		return NULL;
	return n[s->n_owned++];
}

static void url_text(const struct url *u, char *out, size_t len)
{
	char full[URL_MAX_HOST + URL_MAX_PATH + 16];

	url_format(u, full, sizeof full);
	str_copy(out, full, len);
}

static void stop_stream(struct sched_session *s)
{
	s->stream_gen++;
	name_lookup_cancel(s->lookup);
	s->lookup = NULL;
	if (s->sub) {
		http_call_cancel(s->sub);
		s->sub = NULL;
	}
	if (s->reader_on) {
		mesos_event_reader_finish(&s->reader);
		s->reader_on = false;
	}
	ev_timer_stop(s->loop, &s->watchdog);
	s->stream_id[0] = '\0';
	s->stream_text[0] = '\0';
	free(s->sub_location);
	s->sub_location = NULL;
	buf_reset(&s->err_body);
}

/* The stream is gone; tells the owner if it was subscribed. false if freed. */
bool sched_session_lose_stream(struct sched_session *s, const char *reason)
{
	bool was = s->state == ST_SUBSCRIBED || s->state == ST_STREAM;

	stop_stream(s);
	if (was) {
		s->stats.stream_losses++;
		log_warn("mesos scheduler session: lost the subscription: %s", reason);
	}
	if (s->state != ST_STOPPED)
		s->state = ST_WAIT;
	if (was && s->cbs.on_disconnected)
		return NOTIFY(s, s->cbs.on_disconnected(s, reason, s->arg));
	return true;
}

static void on_retry(struct ev_loop *loop, void *arg)
{
	(void)loop;
	connect_now(arg);
}

/* Backs off, then subscribes again (to the next master of a list). */
void sched_session_schedule_retry(struct sched_session *s, bool next_master)
{
	uint64_t ms;

	if (s->state == ST_STOPPED)
		return;
	s->state = ST_WAIT;
	s->have_target = false;
	s->redirects = 0;
	if (next_master && !s->masters.is_zk && s->masters.n > 0)
		s->cur = (s->cur + 1) % s->masters.n;
	ms = backoff_next(&s->backoff, backoff_random());
	log_info("mesos scheduler session: subscribing again in %llu ms",
		 (unsigned long long)ms);
	ev_timer_start(s->loop, &s->retry_timer, ms, 0);
}

void sched_session_stop_all(struct sched_session *s)
{
	stop_stream(s);
	ev_timer_stop(s->loop, &s->retry_timer);
	s->state = ST_STOPPED;
}

/* ---- the SUBSCRIBE request ---- */

static void sub_head(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct sched_session *s = arg;
	const struct http_header *h;

	s->sub_status = r->status;
	if (r->location) {
		free(s->sub_location);
		s->sub_location = strdup(r->location);
	}
	if (r->status != 200)
		return;
	h = http_find_header(r->headers, r->num_headers, "Content-Type");
	if (!h || h->value_len != strlen(CT_PROTOBUF) ||
	    strncasecmp(h->value, CT_PROTOBUF, h->value_len) != 0) {
		log_error("mesos scheduler session: %s answered SUBSCRIBE with Content-Type "
			  "\"%.*s\", not " CT_PROTOBUF "; reconnecting", s->stream_text,
			  h ? (int)(h->value_len > 100 ? 100 : h->value_len) : 0, h ? h->value : "");
		goto bad;
	}
	h = http_find_header(r->headers, r->num_headers, "Mesos-Stream-Id");
	if (!h || h->value_len == 0 || h->value_len >= sizeof s->stream_id) {
		log_error("mesos scheduler session: %s answered SUBSCRIBE without a usable "
			  "Mesos-Stream-Id; reconnecting", s->stream_text);
		goto bad;
	}
	memcpy(s->stream_id, h->value, h->value_len);
	s->stream_id[h->value_len] = '\0';
	mesos_event_reader_init(&s->reader, &mesos__v1__scheduler__event__descriptor,
				s->cfg.max_event_bytes);
	s->reader_on = true;
	s->state = ST_STREAM;
	sched_session_arm_watchdog(s);
	return;
bad:
	/* A 200 stream never ends by itself: drop it here. */
	s->sub = NULL;
	http_call_cancel(call);
	stop_stream(s);
	sched_session_schedule_retry(s, true);
}

static void sub_body(struct http_call *call, const char *data, size_t len, void *arg)
{
	struct sched_session *s = arg;
	int rc;

	(void)call;
	if (s->sub_status != 200) {
		size_t room = MAX_ERR_BODY - s->err_body.len;
		if (s->err_body.len < MAX_ERR_BODY)
			buf_append(&s->err_body, data, len < room ? len : room);
		return;
	}
	if (!s->reader_on)
		return;
	rc = mesos_event_reader_feed(&s->reader, data, len, sched_session_on_event, s);
	if (rc == 0 || rc == 1)
		return;   /* 1: stopped (error event, or freed): touch nothing */
	{
		char why[160];
		snprintf(why, sizeof why, "bad event stream from %s: %s", s->stream_text,
			 strerror(-rc));
		s->sub = NULL;   /* cancelled just below, by lose_stream */
		http_call_cancel(call);
		if (!sched_session_lose_stream(s, why))
			return;
		sched_session_schedule_retry(s, false);
	}
}

static bool is_fatal_status(int st)
{
	return st == 400 || st == 401 || st == 403 || st == 405 || st == 406 || st == 415 ||
	       st == 501;
}

static void sub_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct sched_session *s = arg;
	int st = s->sub_status;
	char why[512];

	(void)call;
	s->sub = NULL;
	if (st == 200) {
		int eof = r->err ? r->err : s->reader_on ? mesos_event_reader_eof(&s->reader) : 0;
		snprintf(why, sizeof why, "the event stream from %s ended%s%s", s->stream_text,
			 eof ? ": " : "", eof ? (r->errmsg ? r->errmsg : strerror(-eof)) : "");
		if (!sched_session_lose_stream(s, why))
			return;
		sched_session_schedule_retry(s, false);
		return;
	}
	if (r->err && st == 0) {
		log_warn("mesos scheduler session: SUBSCRIBE to %s failed: %s",
			 s->stream_text, r->errmsg ? r->errmsg : strerror(-r->err));
		if (!sched_session_lose_stream(s, "subscribe failed"))
			return;
		sched_session_schedule_retry(s, true);
		return;
	}
	if (st == 307 || st == 302 || st == 301 || st == 308) {
		struct url to;
		char name[URL_MAX_HOST], err[256], text[URL_MAX_HOST + 32], from[sizeof s->stream_text];
		int rc = master_list_redirect(&s->masters, &s->stream_url, s->sub_location,
					      &to, name, err, sizeof err);
		str_copy(from, s->stream_text, sizeof from);
		stop_stream(s);
		if (rc == -EHOSTUNREACH) {
			/* The leader's hostname (A.4): resolve it off the loop. */
			s->lookup_url = to;
			str_copy(s->lookup_name, name, sizeof s->lookup_name);
			rc = name_lookup_start(s->loop, to.host, 10000, on_lookup, s, &s->lookup);
			if (rc == 0) {
				s->stats.redirects++;
				s->redirects++;
				s->state = ST_WAIT;
				log_info("mesos scheduler session: %s is not the leader; redirected to "
					 "%s, resolving that name", from, to.host);
				return;
			}
			snprintf(err, sizeof err, "cannot resolve \"%.100s\": %s", to.host,
				 strerror(-rc));
		}
		if (rc < 0) {
			log_error("mesos scheduler session: %s redirected SUBSCRIBE: %s", from, err);
			sched_session_schedule_retry(s, true);
			return;
		}
		url_text(&to, text, sizeof text);
		s->stats.redirects++;
		if (++s->redirects > MAX_REDIRECTS) {
			log_warn("mesos scheduler session: more than %d redirects in a row; "
				 "backing off", MAX_REDIRECTS);
			sched_session_schedule_retry(s, true);
			return;
		}
		log_info("mesos scheduler session: %s is not the leader; redirected to %s",
			 from, text);
		s->target = to;
		str_copy(s->target_name, name, sizeof s->target_name);
		s->have_target = true;
		connect_now(s);
		return;
	}
	buf_append(&s->err_body, "", 0);
	if (is_fatal_status(st)) {
		struct sched_error e = { SCHED_ERR_REFUSED, st,
					 s->err_body.data ? s->err_body.data : "" };
		log_error("mesos scheduler session: %s refused SUBSCRIBE: %d %s: \"%s\"",
			  s->stream_text, st, http_status_text(st), e.message);
		sched_session_stop_all(s);   /* keeps nothing of err_body: copy first */
		{
			char *msg = strdup(e.message);
			e.message = msg ? msg : "";
			if (s->cbs.on_error)
				NOTIFY(s, s->cbs.on_error(s, &e, s->arg));
			free(msg);
		}
		return;
	}
	log_warn("mesos scheduler session: %s answered SUBSCRIBE with %d %s: \"%.300s\"",
		 s->stream_text, st, http_status_text(st),
		 s->err_body.data ? s->err_body.data : "");
	stop_stream(s);
	sched_session_schedule_retry(s, true);
}

/* The redirect target's name is resolved: go there. */
static void on_lookup(int rc, const char *addr, void *arg)
{
	struct sched_session *s = arg;

	s->lookup = NULL;
	if (rc < 0) {
		log_error("mesos scheduler session: cannot resolve the leader's name \"%s\" "
			  "from a redirect: %s; trying again (list every master in -master, "
			  "or use zk://)", s->lookup_name, strerror(-rc));
		sched_session_schedule_retry(s, true);
		return;
	}
	str_copy(s->lookup_url.host, addr, sizeof s->lookup_url.host);
	s->lookup_url.ipv6 = strchr(addr, ':') != NULL;
	log_info("mesos scheduler session: %s is %s", s->lookup_name, addr);
	s->target = s->lookup_url;
	str_copy(s->target_name, s->lookup_name, sizeof s->target_name);
	s->have_target = true;
	connect_now(s);
}

static void connect_now(struct sched_session *s)
{
	struct http_kv hdr[3];
	size_t nh = 0;
	struct http_client_request req = { 0 };
	struct http_client_cbs cbs = { sub_head, sub_body, sub_done };
	struct buf body = BUF_INIT;
	char url[URL_MAX_HOST + URL_MAX_PATH + 16];
	int rc;

	ev_timer_stop(s->loop, &s->retry_timer);
	if (s->state == ST_STOPPED || s->freed)
		return;
	stop_stream(s);
	if (!s->have_target) {
		if (s->masters.is_zk) {
			if (!s->have_leader) {
				s->state = ST_WAIT;
				log_info("mesos scheduler session: waiting for a leading master "
					 "in %s", zk_session_display(s->zk));
				return;
			}
			s->target = s->leader;
			str_copy(s->target_name, s->leader_name, sizeof s->target_name);
		} else {
			s->target = s->masters.v[s->cur].url;
			str_copy(s->target_name, s->masters.v[s->cur].name, sizeof s->target_name);
		}
	}
	s->stream_url = s->target;
	str_copy(s->stream_name, s->target_name, sizeof s->stream_name);
	url_text(&s->stream_url, s->stream_text, sizeof s->stream_text);
	url_format(&s->stream_url, url, sizeof url);

	s->cfg.framework.id = s->framework_id;
	rc = sched_encode_subscribe(&s->cfg.framework, &body);
	if (rc < 0) {
		log_error("mesos scheduler session: cannot encode SUBSCRIBE: %s", strerror(-rc));
		buf_finish(&body);
		sched_session_schedule_retry(s, false);
		return;
	}
	hdr[nh++] = (struct http_kv){ "Content-Type", CT_PROTOBUF };
	hdr[nh++] = (struct http_kv){ "Accept", CT_PROTOBUF };
	if (s->auth[0])
		hdr[nh++] = (struct http_kv){ "Authorization", s->auth };
	req.method = "POST";
	req.url = url;
	req.headers = hdr;
	req.num_headers = nh;
	req.body = body.data;
	req.body_len = body.len;
	req.timeout_ms = s->cfg.subscribe_timeout_ms;
	req.stream = true;
	req.tls_server_name = s->stream_name;
	s->sub_status = 0;
	buf_reset(&s->err_body);
	s->state = ST_CONNECTING;
	s->stats.subscribes++;
	log_info("mesos scheduler session: SUBSCRIBE to %s%s%s", s->stream_text,
		 s->framework_id ? " as framework " : " (new framework)",
		 s->framework_id ? s->framework_id : "");
	rc = http_client_start(s->http, &req, &cbs, s, &s->sub);
	buf_finish(&body);
	if (rc < 0) {
		s->sub = NULL;
		log_warn("mesos scheduler session: %s", http_client_errmsg(s->http));
		sched_session_schedule_retry(s, true);
	}
}

/* ---- ZooKeeper leader ---- */

static void on_leader(struct master_detect *d, const struct master_addr *a, void *arg)
{
	struct sched_session *s = arg;
	struct url u;

	(void)d;
	if (!a) {
		/* No leader: nothing destructive (D.3.5); keep what we have. */
		s->have_leader = false;
		return;
	}
	memset(&u, 0, sizeof u);
	u.tls = s->cfg.https;
	u.ipv6 = strchr(a->host, ':') != NULL;
	u.port = a->port;
	str_copy(u.host, a->host, sizeof u.host);
	str_copy(u.path, SCHED_API_PATH, sizeof u.path);
	s->leader = u;
	str_copy(s->leader_name, a->name, sizeof s->leader_name);
	s->have_leader = true;
	if (s->state == ST_STOPPED)
		return;
	/* A new leader: everything sent to the old one is void. */
	if (!sched_session_lose_stream(s, "the leading master changed"))
		return;
	if (!sched_calls_abort(s, -ECONNABORTED))
		return;
	if (s->state == ST_STOPPED)
		return;
	backoff_reset(&s->backoff);
	s->have_target = false;
	s->redirects = 0;
	connect_now(s);
}

/* ---- life ---- */

static int copy_config(struct sched_session *s, const struct sched_session_config *cfg)
{
	const struct sched_framework *f = &cfg->framework;
	size_t i;

	s->cfg = *cfg;
#define OWN(field) do { if (cfg->field && !(s->cfg.field = own(s, cfg->field))) return -ENOMEM; } while (0)
	OWN(master);
	OWN(secret);
	OWN(ca_file);
	OWN(cert_file);
	OWN(key_file);
	OWN(framework.user);
	OWN(framework.name);
	OWN(framework.role);
	OWN(framework.principal);
	OWN(framework.webui_url);
	OWN(framework.hostname);
#undef OWN
	s->cfg.framework.id = NULL;
	if (f->id && f->id[0] && !(s->framework_id = strdup(f->id)))
		return -ENOMEM;
	if (f->n_roles) {
		s->roles = calloc(f->n_roles, sizeof *s->roles);
		if (!s->roles)
			return -ENOMEM;
		for (i = 0; i < f->n_roles; i++)
			if (!(s->roles[i] = (char *)own(s, f->roles[i])))
				return -ENOMEM;
		s->cfg.framework.roles = (const char *const *)s->roles;
	}
	if (f->n_capabilities) {
		s->caps = calloc(f->n_capabilities, sizeof *s->caps);
		if (!s->caps)
			return -ENOMEM;
		memcpy(s->caps, f->capabilities, f->n_capabilities * sizeof *s->caps);
		s->cfg.framework.capabilities = s->caps;
	}
	if (!s->cfg.subscribe_timeout_ms)
		s->cfg.subscribe_timeout_ms = 30000;
	if (!s->cfg.call_timeout_ms)
		s->cfg.call_timeout_ms = 75000;
	if (!s->cfg.backoff_initial_ms)
		s->cfg.backoff_initial_ms = 500;
	if (!s->cfg.backoff_max_ms)
		s->cfg.backoff_max_ms = 15000;
	if (!s->cfg.heartbeat_misses)
		s->cfg.heartbeat_misses = 5;
	if (!s->cfg.max_event_bytes)
		s->cfg.max_event_bytes = 64u << 20;
	if (!s->cfg.zk_session_timeout_ms)
		s->cfg.zk_session_timeout_ms = 10000;
	return 0;
}

int sched_session_new(const struct sched_session_config *cfg, const struct sched_session_cbs *cbs,
		      void *arg, struct sched_session **out, char *err, size_t errlen)
{
	struct sched_session *s;
	struct http_client_config hc = { 0 };
	bool tls = false;
	size_t i;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!cfg || !cfg->loop || !cfg->master || !cfg->framework.user || !cfg->framework.name) {
		if (err && errlen)
			snprintf(err, errlen, "scheduler session needs a loop, a master, a user "
				 "and a framework name");
		return -EINVAL;
	}
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->loop = cfg->loop;
	if (cbs)
		s->cbs = *cbs;
	s->arg = arg;
	s->calls.next = s->calls.prev = &s->calls;
	ev_timer_init(&s->retry_timer, on_retry, s);
	ev_timer_init(&s->watchdog, sched_session_on_watchdog, s);
	buf_init(&s->err_body);
	rc = copy_config(s, cfg);
	if (rc < 0)
		goto fail;
	backoff_init(&s->backoff, s->cfg.backoff_initial_ms, s->cfg.backoff_max_ms);
	if ((rc = master_list_init(&s->masters, s->cfg.master, s->cfg.https, err, errlen)) < 0)
		goto fail;
	tls = s->cfg.https || s->cfg.ca_file;
	for (i = 0; i < s->masters.n; i++)
		tls = tls || s->masters.v[i].url.tls;
	if (tls) {
		struct tls_client_opts o = { .ca_file = s->cfg.ca_file,
					     .cert_file = s->cfg.cert_file,
					     .key_file = s->cfg.key_file };
		if ((rc = tls_config_new_client(&s->tls, &o, err, errlen)) < 0)
			goto fail;
	}
	if (s->cfg.framework.principal && s->cfg.secret) {
		rc = http_basic_auth(s->cfg.framework.principal, s->cfg.secret, s->auth,
				     sizeof s->auth);
		if (rc < 0) {
			if (err && errlen)
				snprintf(err, errlen, "principal \"%.100s\" %s", s->cfg.framework.principal,
					 rc == -EINVAL ? "contains ':', which Basic auth cannot carry"
						       : "and secret are too long");
			goto fail;
		}
	}
	hc.tls = s->tls;
	hc.timeout_ms = s->cfg.call_timeout_ms;
	s->http = http_client_new(s->loop, &hc);
	rc = -ENOMEM;
	if (!s->http)
		goto fail;
	if (s->masters.is_zk) {
		char uri[4096];
		/* zk_session wants the URI text; rebuild it with the credentials. */
		snprintf(uri, sizeof uri, "zk://%s%s%s%s", s->masters.zk.credentials ?
			 s->masters.zk.credentials : "", s->masters.zk.credentials ? "@" : "",
			 s->masters.zk.hosts, s->masters.zk.chroot);
		rc = zk_session_new(s->loop, uri, s->cfg.zk_session_timeout_ms, &s->zk,
				    err, errlen);
		explicit_bzero(uri, sizeof uri);
		if (rc < 0)
			goto fail;
		if ((rc = master_detect_new(s->zk, "/", on_leader, s, &s->detect)) < 0)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	if (rc == -ENOMEM && err && errlen && !err[0])
		snprintf(err, errlen, "out of memory");
	final_free(NULL, s);
	return rc;
}

int sched_session_start(struct sched_session *s)
{
	if (s->state != ST_STOPPED)
		return 0;
	s->state = ST_WAIT;
	s->have_target = false;
	s->redirects = 0;
	backoff_reset(&s->backoff);
	connect_now(s);
	return 0;
}

void sched_session_stop(struct sched_session *s)
{
	if (s)
		sched_session_stop_all(s);
}

int sched_session_set_framework_id(struct sched_session *s, const char *id)
{
	char *c = NULL;

	if (id && id[0] && !(c = strdup(id)))
		return -ENOMEM;
	free(s->framework_id);
	s->framework_id = c;
	return 0;
}

const char *sched_session_framework_id(const struct sched_session *s)
{
	return s->framework_id;
}

const char *sched_session_stream_id(const struct sched_session *s)
{
	return s->stream_id[0] ? s->stream_id : NULL;
}

bool sched_session_subscribed(const struct sched_session *s)
{
	return sched_session_ready(s);
}

const char *sched_session_master(const struct sched_session *s)
{
	return s->state == ST_SUBSCRIBED || s->state == ST_STREAM ? s->stream_text : NULL;
}

void sched_session_get_stats(const struct sched_session *s, struct sched_session_stats *st)
{
	*st = s->stats;
}

static void teardown_io(struct sched_session *s)
{
	sched_session_stop_all(s);
	sched_calls_drop(s);
	master_detect_free(s->detect);
	s->detect = NULL;
}

static void final_free(struct ev_loop *loop, void *arg)
{
	struct sched_session *s = arg;
	size_t i;

	(void)loop;
	teardown_io(s);
	http_client_free(s->http);
	zk_session_free(s->zk);
	tls_config_free(s->tls);
	master_list_finish(&s->masters);
	buf_finish(&s->err_body);
	explicit_bzero(s->auth, sizeof s->auth);
	for (i = 0; i < s->n_owned; i++) {
		if (s->owned[i] == s->cfg.secret)
			explicit_bzero(s->owned[i], strlen(s->owned[i]));
		free(s->owned[i]);
	}
	free(s->owned);
	free(s->roles);
	free(s->caps);
	free(s->framework_id);
	free(s);
}

void sched_session_free(struct sched_session *s)
{
	if (!s || s->freed)
		return;
	if (s->depth > 0) {
		s->freed = true;
		teardown_io(s);
		if (ev_defer(s->loop, final_free, s) == 0)
			return;
		/* Cannot defer (ENOMEM): leak rather than free under the caller. */
		return;
	}
	final_free(NULL, s);
}
