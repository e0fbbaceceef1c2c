/* ctl: finding the scheduler, the token, and requests on the loop. */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "net/tls.h"
#include "zk/zk_election.h"
#include "zk/zk_session.h"

#define TOKEN_MAX 4096

void ctl_err(const struct ctl *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "etcd-mesos ctl %s: ", c && c->cmd ? c->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- token ---- */

static int token_check(struct ctl *c, const char *t, const char *where)
{
	if (!*t) {
		ctl_err(c, "%s is empty; put the scheduler's -admin-token in it", where);
		return CTL_USAGE;
	}
	for (const char *p = t; *p; p++) {
		if ((unsigned char)*p < 0x21 || (unsigned char)*p == 0x7f) {
			ctl_err(c, "%s holds a space or control character; a bearer token "
				   "is one word", where);
			return CTL_USAGE;
		}
	}
	size_t n = strlen(t) + sizeof "Bearer ";
	c->auth = malloc(n);
	if (!c->auth) {
		ctl_err(c, "out of memory");
		return CTL_FAIL;
	}
	snprintf(c->auth, n, "Bearer %s", t);
	return CTL_OK;
}

static int token_load(struct ctl *c)
{
	char buf[TOKEN_MAX + 2], where[600];
	int rc = CTL_USAGE;

	if (ctl_opts.token && *ctl_opts.token && ctl_opts.token_file && *ctl_opts.token_file) {
		ctl_err(c, "--token and --token-file both given; use one");
		return CTL_USAGE;
	}
	if (ctl_opts.token && *ctl_opts.token)
		return token_check(c, ctl_opts.token, "--token");
	if (!ctl_opts.token_file || !*ctl_opts.token_file)
		return CTL_OK;

	snprintf(where, sizeof where, "--token-file=\"%s\"", ctl_opts.token_file);
	int fd = open(ctl_opts.token_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ctl_err(c, "%s: %s", where, strerror(errno));
		return CTL_USAGE;
	}
	size_t len = 0;
	ssize_t n;
	while (len < sizeof buf - 1 &&
	       (n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ctl_err(c, "%s: %s", where, strerror(errno));
			goto fail;
		}
		len += (size_t)n;
	}
	if (len > TOKEN_MAX) {
		ctl_err(c, "%s: longer than %d bytes; is it the right file?", where, TOKEN_MAX);
		goto fail;
	}
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
			   buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	rc = token_check(c, buf, where);
fail:
	memset(buf, 0, sizeof buf);
	close(fd);
	return rc;
}

/* ---- discovery through ZooKeeper ---- */

struct leader_find {
	bool done;
	int rc;
	char url[URL_MAX_HOST + URL_MAX_PATH + 32];
	char node[256];
};

static void leader_found(int rc, const char *path, const char *data, int len, void *arg)
{
	struct leader_find *f = arg;
	f->done = true;
	f->rc = rc;
	if (rc != ZOK)
		return;
	snprintf(f->node, sizeof f->node, "%s", path ? path : "");
	if (!data || len <= 0)
		len = 0;
	if ((size_t)len >= sizeof f->url)
		len = (int)sizeof f->url - 1;
	memcpy(f->url, data ? data : "", (size_t)len);
	f->url[len] = '\0';
}

static int discover(struct ctl *c, char *url, size_t urllen, char *msg, size_t msglen)
{
	char err[512], root[300];
	struct zk_session *s = NULL;
	struct leader_find f = { 0 };
	int rc = CTL_UNREACHABLE;
	const char *name = ctl_opts.framework_name;

	if (!name || !*name || strchr(name, '/') || strlen(name) > 250) {
		snprintf(msg, msglen, "--framework-name=\"%s\": must be a non-empty name without '/'",
			name ? name : "");
		return CTL_USAGE;
	}
	snprintf(root, sizeof root, "/%s", name);
	if (zk_session_new(c->loop, ctl_opts.zk, 10000, &s, err, sizeof err) < 0) {
		snprintf(msg, msglen, "--zk: %s", err);
		return CTL_USAGE;
	}
	uint64_t deadline = ev_time_ms() + (uint64_t)ctl_opts.request_timeout_ms;
	while (!zk_session_connected(s) && ev_time_ms() < deadline)
		ev_run_once(c->loop, 100);
	if (!zk_session_connected(s)) {
		snprintf(msg, msglen, "cannot reach ZooKeeper at %s within %llds (check --zk)",
			zk_session_display(s), (long long)ctl_opts.request_timeout_ms / 1000);
		goto out;
	}
	int e = zk_election_leader(s, root, leader_found, &f);
	if (e < 0) {
		snprintf(msg, msglen, "cannot read %s%s/leader: %s", zk_session_display(s), root,
			strerror(-e));
		goto out;
	}
	while (!f.done && ev_time_ms() < deadline)
		ev_run_once(c->loop, 100);
	if (!f.done) {
		snprintf(msg, msglen, "ZooKeeper at %s did not answer within %llds",
			zk_session_display(s), (long long)ctl_opts.request_timeout_ms / 1000);
	} else if (f.rc == ZNONODE) {
		snprintf(msg, msglen, "no scheduler leads under %s%s/leader (is it running? "
			   "is --framework-name=\"%s\" right?)", zk_session_display(s), root, name);
	} else if (f.rc != ZOK) {
		snprintf(msg, msglen, "cannot read %s%s/leader: %s", zk_session_display(s), root,
			zerror(f.rc));
	} else if (!f.url[0]) {
		snprintf(msg, msglen, "the leader's node %s%s holds no admin URL (a scheduler "
			   "without an admin server?)", zk_session_display(s), f.node);
		rc = CTL_FAIL;
	} else {
		snprintf(url, urllen, "%s", f.url);
		rc = CTL_OK;
	}
out:
	zk_session_free(s);
	return rc;
}

/* ---- base URL ---- */

int ctl_set_base(struct ctl *c, const char *text)
{
	char err[400], addr[64], auth[URL_MAX_HOST + 16];
	struct url u;

	if (url_parse(text, &u, err, sizeof err) < 0) {
		ctl_err(c, "scheduler URL %s", err);
		return CTL_USAGE;
	}
	if (strchr(u.path, '?')) {
		ctl_err(c, "scheduler URL \"%s\": no query please; give http(s)://host:port",
			text);
		return CTL_USAGE;
	}
	c->server_name[0] = '\0';
	if (!u.ipv6 && strcmp(u.host, "localhost") != 0 &&
	    strspn(u.host, "0123456789.") != strlen(u.host)) {
		/* Configuration time: resolve once, before any request. */
		int rc = http_resolve_blocking(u.host, addr, sizeof addr);
		if (rc < 0) {
			ctl_err(c, "cannot resolve \"%s\" (scheduler URL %s): %s", u.host, text,
				rc == -ENOENT ? "no address" : "bad name");
			return CTL_UNREACHABLE;
		}
		snprintf(c->server_name, sizeof c->server_name, "%s", u.host);
		u.ipv6 = strchr(addr, ':') != NULL;
		snprintf(u.host, sizeof u.host, "%s", addr);
	}
	url_authority(&u, auth, sizeof auth);
	size_t plen = strlen(u.path);
	while (plen > 0 && u.path[plen - 1] == '/')
		u.path[--plen] = '\0';
	snprintf(c->base, sizeof c->base, "%s://%s%s", u.tls ? "https" : "http", auth, u.path);
	snprintf(c->shown, sizeof c->shown, "%s", text);
	if (u.tls && !c->tls) {
		struct tls_client_opts o = { .ca_file = ctl_opts.ca_file };
		if (tls_config_new_client(&c->tls, &o, err, sizeof err) < 0) {
			ctl_err(c, "TLS for %s: %s (check --ca-file)", text, err);
			return CTL_USAGE;
		}
		/* The client keeps a pointer to the config: remake it. */
		http_client_free(c->http);
		struct http_client_config hc = { .tls = c->tls, .user_agent = "etcd-mesos-ctl" };
		c->http = http_client_new(c->loop, &hc);
		if (!c->http) {
			ctl_err(c, "out of memory");
			return CTL_FAIL;
		}
	}
	return CTL_OK;
}

int ctl_open(struct ctl *c, const char *cmd)
{
	char url[URL_MAX_HOST + URL_MAX_PATH + 32];
	int rc;

	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	rc = token_load(c);
	if (rc != CTL_OK)
		return rc;
	c->loop = ev_loop_new();
	struct http_client_config hc = { .user_agent = "etcd-mesos-ctl" };
	if (c->loop)
		c->http = http_client_new(c->loop, &hc);
	if (!c->loop || !c->http) {
		ctl_err(c, "out of memory");
		return CTL_FAIL;
	}
	if (ctl_opts.request_timeout_ms <= 0) {
		ctl_err(c, "--request-timeout must be positive");
		return CTL_USAGE;
	}
	if (ctl_opts.scheduler && *ctl_opts.scheduler) {
		snprintf(url, sizeof url, "%s", ctl_opts.scheduler);
	} else if (ctl_opts.zk && *ctl_opts.zk) {
		char msg[700];
		c->via_zk = true;
		rc = discover(c, url, sizeof url, msg, sizeof msg);
		if (rc != CTL_OK) {
			ctl_err(c, "%s", msg);
			return rc;
		}
	} else {
		ctl_err(c, "no scheduler given: use --scheduler URL (or ETCD_MESOS_SCHEDULER), "
			   "or --zk zk://hosts/path with --framework-name");
		return CTL_USAGE;
	}
	return ctl_set_base(c, url);
}

int ctl_rediscover(struct ctl *c, bool *moved, char *msg, size_t msglen)
{
	char url[sizeof c->shown];
	*moved = false;
	if (!c->via_zk)
		return CTL_OK;
	int rc = discover(c, url, sizeof url, msg, msglen);
	if (rc != CTL_OK || strcmp(url, c->shown) == 0)
		return rc;
	rc = ctl_set_base(c, url);
	*moved = rc == CTL_OK;
	if (rc != CTL_OK)
		snprintf(msg, msglen, "the new leader's URL \"%s\" is not usable", url);
	return rc;
}

void ctl_close(struct ctl *c)
{
	http_client_free(c->http);
	tls_config_free(c->tls);
	ev_loop_free(c->loop);
	if (c->auth) {
		memset(c->auth, 0, strlen(c->auth));
		free(c->auth);
	}
	memset(c, 0, sizeof *c);
}

/* ---- requests ---- */

struct req_state {
	bool done;
	struct ctl_reply *out;
};

static void req_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct req_state *st = arg;
	struct ctl_reply *out = st->out;
	(void)call;
	st->done = true;
	out->err = r->err;
	out->status = r->status;
	if (r->err) {
		snprintf(out->errmsg, sizeof out->errmsg, "%s",
			 r->errmsg ? r->errmsg : strerror(-r->err));
		return;
	}
	out->body = malloc(r->body_len + 1);
	if (!out->body) {
		out->err = -ENOMEM;
		snprintf(out->errmsg, sizeof out->errmsg, "out of memory");
		return;
	}
	memcpy(out->body, r->body ? r->body : "", r->body_len);
	out->body[r->body_len] = '\0';
	out->len = r->body_len;
}

int ctl_request(struct ctl *c, const char *method, const char *path,
		uint64_t timeout_ms, struct ctl_reply *out)
{
	char url[sizeof c->base + 256];
	struct http_kv h[3];
	size_t nh = 0;
	struct req_state st = { .out = out };
	static const struct http_client_cbs cbs = { .on_done = req_done };

	memset(out, 0, sizeof *out);
	snprintf(url, sizeof url, "%s%s", c->base, path);
	h[nh++] = (struct http_kv){ "Accept", "application/json" };
	if (c->auth)
		h[nh++] = (struct http_kv){ "Authorization", c->auth };
	struct http_client_request rq = {
		.method = method,
		.url = url,
		.headers = h,
		.num_headers = nh,
		.timeout_ms = timeout_ms ? timeout_ms : (uint64_t)ctl_opts.request_timeout_ms,
		.tls_server_name = c->server_name[0] ? c->server_name : NULL,
	};
	int rc = http_client_start(c->http, &rq, &cbs, &st, NULL);
	if (rc < 0) {
		out->err = rc;
		snprintf(out->errmsg, sizeof out->errmsg, "%s", http_client_errmsg(c->http));
		return rc;
	}
	while (!st.done)
		ev_run_once(c->loop, -1);
	return out->err;
}

void ctl_reply_finish(struct ctl_reply *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
}

void ctl_describe_status(const struct ctl_reply *r, char *out, size_t len)
{
	char what[200] = "";
	cJSON *j = r->body ? cJSON_Parse(r->body) : NULL;
	const cJSON *e = NULL;
	if (cJSON_IsObject(j)) {
		e = cJSON_GetObjectItemCaseSensitive(j, "error");
		if (!cJSON_IsString(e))
			e = cJSON_GetObjectItemCaseSensitive(j, "message");
	}
	if (cJSON_IsString(e)) {
		snprintf(what, sizeof what, "%s", e->valuestring);
	} else if (r->body) {
		size_t i = 0;
		for (const char *p = r->body; *p && i < sizeof what - 1; p++)
			what[i++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' '
				    : ((unsigned char)*p < 0x20 ? '?' : *p);
		what[i] = '\0';
		while (i > 0 && what[i - 1] == ' ')
			what[--i] = '\0';
	}
	cJSON_Delete(j);
	snprintf(out, len, "HTTP %d%s%s", r->status, what[0] ? ": " : "", what);
}

/* A standby answers mutating routes with 503 and the leader's admin URL
 * under "leader_admin_url". */
static bool standby_hint(struct ctl *c, const struct ctl_reply *r, char *out, size_t n)
{
	cJSON *j = r->body ? cJSON_ParseWithLength(r->body, r->len) : NULL;
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(j, "leader_admin_url");
	bool ok = cJSON_IsString(l) &&
		  (strncmp(l->valuestring, "http://", 7) == 0 ||
		   strncmp(l->valuestring, "https://", 8) == 0) &&
		  strcmp(l->valuestring, c->shown) != 0;
	if (ok)
		snprintf(out, n, "%s", l->valuestring);
	cJSON_Delete(j);
	return ok;
}

int ctl_call(struct ctl *c, const char *method, const char *path, struct ctl_reply *out)
{
	char leader[sizeof c->shown];
	int rc = ctl_request(c, method, path, 0, out);
	if (rc < 0 || out->status != 503 || c->followed ||
	    !standby_hint(c, out, leader, sizeof leader))
		return rc;
	c->followed = true;
	fprintf(stderr, "%s is a standby; asking the leader at %s\n", c->shown, leader);
	if (ctl_set_base(c, leader) != CTL_OK)
		return rc;  /* the 503 stands; ctl_set_base said why */
	ctl_reply_finish(out);
	return ctl_request(c, method, path, 0, out);
}

int ctl_get_json(struct ctl *c, const char *path, cJSON **out, bool quiet,
		 char *errbuf, size_t errlen)
{
	struct ctl_reply r;
	char line[600];
	int rc = CTL_OK;

	*out = NULL;
	if (ctl_call(c, "GET", path, &r) < 0) {
		snprintf(line, sizeof line, "%s (is the scheduler running at %s?)",
			 r.errmsg, c->shown);
		rc = CTL_UNREACHABLE;
		goto out;
	}
	if (r.status != 200) {
		char why[300];
		ctl_describe_status(&r, why, sizeof why);
		snprintf(line, sizeof line, "GET %s%s: %s%s", c->shown, path, why,
			 r.status == 401 || r.status == 403 ? " (check --token/--token-file)" : "");
		rc = CTL_FAIL;
		goto out;
	}
	*out = cJSON_ParseWithLength(r.body, r.len);
	if (!*out) {
		snprintf(line, sizeof line, "GET %s%s: the answer is not JSON (is %s an "
			 "etcd-mesos scheduler's admin URL?)", c->shown, path, c->shown);
		rc = CTL_FAIL;
	}
out:
	if (rc != CTL_OK) {
		if (!quiet)
			ctl_err(c, "%s", line);
		if (errbuf)
			snprintf(errbuf, errlen, "%s", line);
	}
	ctl_reply_finish(&r);
	return rc;
}

static void pause_done(struct ev_loop *loop, void *arg)
{
	(void)loop;
	*(bool *)arg = true;
}

void ctl_pause(struct ctl *c, uint64_t ms)
{
	struct ev_timer t;
	bool fired = false;
	ev_timer_init(&t, pause_done, &fired);
	if (ev_timer_start(c->loop, &t, ms, 0) < 0)
		return;
	while (!fired)
		ev_run_once(c->loop, -1);
}
