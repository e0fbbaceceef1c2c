/*
 * etcd_client — see etcd_client.h. One struct etcd_call per call; each
 * attempt is one HTTP request to one endpoint. The HTTP deadline of an
 * attempt is min(attempt timeout, what is left of the call's deadline),
 * so no timer of our own is needed.
 */
#include "etcd/etcd_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "base/strutil.h"
#include "net/http_client.h"
#include "net/sockio.h"
#include "net/url.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_ATTEMPT_MS 2000
/* Less than this left of the deadline: do not start another attempt. */
#define MIN_ATTEMPT_MS 20

struct etcd_client {
	struct ev_loop *loop;
	struct http_client *http;
	struct tls_config *own_tls;
	bool have_tls;                 /* own or borrowed */
	char *tls_server_name;
	char *endpoints[ETCD_CLIENT_MAX_ENDPOINTS];
	size_t n_endpoints;
	size_t preferred;
	uint64_t timeout_ms;
	uint64_t attempt_ms;
	struct etcd_call *calls;
	char errmsg[ETCD_ERRMSG_LEN];
};

struct etcd_call {
	struct etcd_client *c;
	struct etcd_call *prev, *next;
	enum etcd_op op;
	etcd_done_fn fn;
	void *arg;
	struct buf body;
	char *pinned;                  /* the one endpoint, or NULL: the list */
	size_t first;                  /* list index of the first attempt */
	size_t cur;                    /* list index of the current attempt */
	uint64_t start_ms, deadline_ms;
	struct http_call *http;
	bool in_cb;
	struct etcd_result res;
	char last_ep[256];
};

/* ------------------------------------------------------------ op table */

static const struct {
	const char *name;
	const char *method;
	const char *path;
	bool unsafe;
	const char *bad_args;          /* what -EINVAL from the body builder means */
} ops[] = {
	[ETCD_OP_MEMBER_LIST] = { "member list", "POST", ETCD_PATH_MEMBER_LIST, false,
		"cannot build the request" },
	[ETCD_OP_MEMBER_ADD] = { "member add", "POST", ETCD_PATH_MEMBER_ADD, true,
		"needs at least one non-empty peer URL" },
	[ETCD_OP_MEMBER_PROMOTE] = { "member promote", "POST", ETCD_PATH_MEMBER_PROMOTE, true,
		"member id 0 is not an etcd member id" },
	[ETCD_OP_MEMBER_REMOVE] = { "member remove", "POST", ETCD_PATH_MEMBER_REMOVE, true,
		"member id 0 is not an etcd member id" },
	[ETCD_OP_MEMBER_UPDATE] = { "member update", "POST", ETCD_PATH_MEMBER_UPDATE, true,
		"needs a member id other than 0 and at least one non-empty peer URL" },
	[ETCD_OP_STATUS] = { "status", "POST", ETCD_PATH_STATUS, false,
		"cannot build the request" },
	[ETCD_OP_HEALTH] = { "health", "GET", ETCD_PATH_HEALTH, false,
		"cannot build the request" },
	[ETCD_OP_PUT] = { "put", "POST", ETCD_PATH_PUT, true,
		"needs a key of at least one byte" },
	[ETCD_OP_RANGE] = { "range", "POST", ETCD_PATH_RANGE, false,
		"needs a key of at least one byte" },
	[ETCD_OP_MOVE_LEADER] = { "move leader", "POST", ETCD_PATH_MOVE_LEADER, true,
		"member id 0 is not an etcd member id" },
	[ETCD_OP_PEERS] = { "peers", "GET", ETCD_PATH_METRICS, false,
		"cannot build the request" },
};

bool etcd_op_unsafe(enum etcd_op op)
{
	return (unsigned)op < sizeof ops / sizeof ops[0] && ops[op].unsafe;
}

const char *etcd_op_name(enum etcd_op op)
{
	return (unsigned)op < sizeof ops / sizeof ops[0] ? ops[op].name : "unknown";
}

/* ----------------------------------------------------------- endpoints */

/* An endpoint is scheme://numeric-host:port with no path. */
static int endpoint_check(const char *ep, bool have_tls, char *err, size_t errlen)
{
	struct url u;
	char uerr[300];
	struct sockaddr_storage ss;
	socklen_t sl;

	if (!ep || !*ep) {
		snprintf(err, errlen, "etcd endpoint \"\": empty; give a client URL "
			 "such as http://10.0.0.1:2379");
		return -EINVAL;
	}
	if (url_parse(ep, &u, uerr, sizeof uerr) != 0) {
		snprintf(err, errlen, "etcd endpoint: %s", uerr);
		return -EINVAL;
	}
	if (strcmp(u.path, "/") != 0) {
		snprintf(err, errlen, "etcd endpoint \"%.200s\": has a path; give only "
			 "scheme://host:port", ep);
		return -EINVAL;
	}
	if (sockio_parse_addr(u.host, u.port, &ss, &sl) != 0) {
		snprintf(err, errlen, "etcd endpoint \"%.200s\": host is not a numeric "
			 "address; resolve it first", ep);
		return -EINVAL;
	}
	if (u.tls && !have_tls) {
		snprintf(err, errlen, "etcd endpoint \"%.200s\": https needs a TLS "
			 "configuration (CA file)", ep);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* A copy without trailing '/'. */
static char *endpoint_dup(const char *ep)
{
	size_t n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	return strndup(ep, n);
}

/* -------------------------------------------------------------- client */

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int etcd_client_new(struct ev_loop *loop, const struct etcd_client_config *cfg,
		    struct etcd_client **out, char *err, size_t errlen)
{
	struct etcd_client *c = NULL;
	char e[ETCD_ERRMSG_LEN] = "";
	int rc;

	if (out)
		*out = NULL;
	if (!loop || !cfg || !out || !cfg->endpoints || cfg->n_endpoints == 0) {
		errf(err, errlen, "etcd client: no endpoints given");
		return -EINVAL;
	}
	if (cfg->n_endpoints > ETCD_CLIENT_MAX_ENDPOINTS) {
		errf(err, errlen, "etcd client: %zu endpoints; at most %d", cfg->n_endpoints,
		     ETCD_CLIENT_MAX_ENDPOINTS);
		return -EINVAL;
	}
	if ((cfg->cert_file != NULL) != (cfg->key_file != NULL)) {
		errf(err, errlen, "etcd client: a client certificate needs both a "
		     "certificate file and a key file");
		return -EINVAL;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		rc = -ENOMEM;
		goto fail;
	}
	c->loop = loop;
	c->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->attempt_ms = cfg->attempt_timeout_ms ? cfg->attempt_timeout_ms : DEFAULT_ATTEMPT_MS;
	if (!cfg->tls && (cfg->ca_file || cfg->cert_file)) {
		struct tls_client_opts to = {
			.ca_file = cfg->ca_file,
			.cert_file = cfg->cert_file,
			.key_file = cfg->key_file,
		};
		rc = tls_config_new_client(&c->own_tls, &to, e, sizeof e);
		if (rc != 0) {
			errf(err, errlen, "etcd client TLS: %s", e);
			e[0] = '\0';
			goto fail;
		}
	}
	c->have_tls = cfg->tls || c->own_tls;
	for (size_t i = 0; i < cfg->n_endpoints; i++) {
		rc = endpoint_check(cfg->endpoints[i], c->have_tls, e, sizeof e);
		if (rc != 0)
			goto fail;
		c->endpoints[i] = endpoint_dup(cfg->endpoints[i]);
		if (!c->endpoints[i]) {
			rc = -ENOMEM;
			goto fail;
		}
		c->n_endpoints++;
	}
	if (cfg->tls_server_name) {
		c->tls_server_name = strdup(cfg->tls_server_name);
		if (!c->tls_server_name) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	{
		struct http_client_config hc = {
			.tls = cfg->tls ? cfg->tls : c->own_tls,
			.timeout_ms = c->timeout_ms,
			.max_idle_per_host = 2,
		};
		c->http = http_client_new(loop, &hc);
		if (!c->http) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	if (e[0])
		errf(err, errlen, "%s", e);
	else if (rc == -ENOMEM)
		errf(err, errlen, "etcd client: out of memory");
	etcd_client_free(c);
	return rc;
}

static void call_free(struct etcd_call *call);

void etcd_client_free(struct etcd_client *c)
{
	if (!c)
		return;
	while (c->calls) {
		struct etcd_call *call = c->calls;
		if (call->http)
			http_call_cancel(call->http);
		call->http = NULL;
		call_free(call);
	}
	http_client_free(c->http);
	tls_config_free(c->own_tls);
	for (size_t i = 0; i < c->n_endpoints; i++)
		free(c->endpoints[i]);
	free(c->tls_server_name);
	free(c);
}

const char *etcd_client_errmsg(const struct etcd_client *c)
{
	return c ? c->errmsg : "";
}

struct ev_loop *etcd_client_loop(const struct etcd_client *c)
{
	return c ? c->loop : NULL;
}

const char *etcd_client_preferred(const struct etcd_client *c)
{
	return c && c->n_endpoints ? c->endpoints[c->preferred] : "";
}

/* ---------------------------------------------------------------- calls */

static void call_free(struct etcd_call *call)
{
	struct etcd_client *c = call->c;
	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	buf_finish(&call->body);
	free(call->pinned);
	free(call);
}

static size_t call_n_endpoints(const struct etcd_call *call)
{
	return call->pinned ? 1 : call->c->n_endpoints;
}

static const char *call_endpoint(const struct etcd_call *call, size_t idx)
{
	return call->pinned ? call->pinned : call->c->endpoints[idx];
}

/* Runs the callback once and frees the call. */
static void call_finish(struct etcd_call *call, struct etcd_answer *ans)
{
	struct etcd_answer empty;

	if (!ans) {
		memset(&empty, 0, sizeof empty);
		empty.op = call->op;
		ans = &empty;
	}
	call->res.elapsed_ms = ev_time_ms() - call->start_ms;
	call->res.endpoint = call->last_ep;
	if (call->res.err == 0)
		call->res.errmsg[0] = '\0';
	call->in_cb = true;
	call->fn(call, &call->res, ans, call->arg);
	etcd_members_finish(&ans->members);
	etcd_range_finish(&ans->range);
	etcd_put_finish(&ans->put);
	call_free(call);
}

static void set_errmsg(struct etcd_call *call, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_errmsg(struct etcd_call *call, const char *fmt, ...)
{
	char m[ETCD_ERRMSG_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	snprintf(call->res.errmsg, sizeof call->res.errmsg, "etcd %s via %s: %s",
		 ops[call->op].name, call->last_ep, m);
}

static void on_http_done(struct http_call *hc, const struct http_reply *r, void *arg);

/* Starts one attempt on list index idx. 0 or the http start error (with
 * the call's errmsg set). */
static int attempt_start(struct etcd_call *call, size_t idx)
{
	struct etcd_client *c = call->c;
	const char *ep = call_endpoint(call, idx);
	uint64_t now = ev_time_ms();
	uint64_t left = call->deadline_ms > now ? call->deadline_ms - now : 0;
	uint64_t t = c->attempt_ms < left ? c->attempt_ms : left;
	char url[512];
	static const struct http_kv json_hdr[] = {
		{ "Content-Type", "application/json" },
	};
	bool post = strcmp(ops[call->op].method, "POST") == 0;
	struct http_client_request req = {
		.method = ops[call->op].method,
		.url = url,
		.headers = post ? json_hdr : NULL,
		.num_headers = post ? 1 : 0,
		.body = post ? call->body.data : NULL,
		.body_len = post ? call->body.len : 0,
		.timeout_ms = t ? t : 1,
		.idempotent = !ops[call->op].unsafe,
		.tls_server_name = c->tls_server_name,
	};
	static const struct http_client_cbs cbs = { .on_done = on_http_done };
	int rc;

	call->cur = idx;
	call->res.attempts++;
	str_copy(call->last_ep, ep, sizeof call->last_ep);
	snprintf(url, sizeof url, "%s%s", ep, ops[call->op].path);
	rc = http_client_start(c->http, &req, &cbs, call, &call->http);
	if (rc != 0) {
		call->http = NULL;
		call->res.err = rc;
		set_errmsg(call, "%s", http_client_errmsg(c->http));
	}
	return rc;
}

/* Starts the next attempt after a failure that allows one. true if one
 * started; false when the endpoints or the deadline are used up. */
static bool attempt_next(struct etcd_call *call)
{
	size_t n = call_n_endpoints(call);
	while (call->res.attempts < n) {
		uint64_t now = ev_time_ms();
		if (now + MIN_ATTEMPT_MS > call->deadline_ms)
			return false;
		size_t idx = (call->first + call->res.attempts) % n;
		if (!call->pinned)
			call->c->preferred = (idx) % n;
		if (attempt_start(call, idx) == 0)
			return true;
	}
	return false;
}

/* Connection failures that prove nothing was sent. */
static bool err_not_sent(int err)
{
	switch (-err) {
	case ECONNREFUSED: case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN:
	case EADDRNOTAVAIL: case EPROTONOSUPPORT: case EINVAL:
		return true;
	default:
		return false;
	}
}

static int parse_answer(struct etcd_call *call, const char *body, size_t len,
			struct etcd_answer *ans, char *err, size_t errlen)
{
	switch (call->op) {
	case ETCD_OP_MEMBER_LIST: case ETCD_OP_MEMBER_ADD: case ETCD_OP_MEMBER_PROMOTE:
	case ETCD_OP_MEMBER_REMOVE: case ETCD_OP_MEMBER_UPDATE:
		return etcd_members_parse(body, len, &ans->members, err, errlen);
	case ETCD_OP_STATUS:
		return etcd_status_parse(body, len, &ans->status, err, errlen);
	case ETCD_OP_HEALTH:
		return etcd_health_parse(body, len, &ans->healthy, err, errlen);
	case ETCD_OP_PUT:
		return etcd_put_parse(body, len, &ans->put, err, errlen);
	case ETCD_OP_RANGE:
		return etcd_range_parse(body, len, &ans->range, err, errlen);
	case ETCD_OP_MOVE_LEADER:
		return 0;   /* {"header":{...}}: success says it all */
	case ETCD_OP_PEERS:
		return etcd_peers_parse(body, len, &ans->peers, err, errlen);
	}
	return -EINVAL;
}

/* Decides after an error answer: true = try the next endpoint. Sets
 * outcome_unknown for an unsafe call that etcd may still apply. */
static bool error_moves_on(struct etcd_call *call, int status)
{
	const struct etcd_error *e = &call->res.etcd;

	if (!ops[call->op].unsafe) {
		if (e->code < 0)                /* not etcd's JSON: a proxy, a hiccup */
			return status >= 500;
		switch (e->kind) {
		case ETCD_ERR_LEARNER_RPC: case ETCD_ERR_NO_LEADER:
		case ETCD_ERR_LEADER_CHANGED: case ETCD_ERR_TIMEOUT:
			return true;
		default:
			return false;
		}
	}
	switch (e->kind) {
	case ETCD_ERR_LEARNER_RPC:
		return true;                    /* the interceptor refused it first */
	case ETCD_ERR_MEMBER_NOT_FOUND: case ETCD_ERR_LEARNER_NOT_READY:
	case ETCD_ERR_NOT_LEARNER: case ETCD_ERR_TOO_MANY_LEARNERS:
	case ETCD_ERR_NOT_ENOUGH_STARTED: case ETCD_ERR_UNHEALTHY_CLUSTER:
	case ETCD_ERR_NO_SPACE: case ETCD_ERR_BAD_REQUEST: case ETCD_ERR_PEER_URL_EXISTS:
		return false;                   /* refused by a check before proposing */
	default:
		break;
	}
	/* Timeouts, leader changes, "no leader" (a follower forwarding a
	 * promote may say so after the leader applied it), cancellations and
	 * any 5xx we cannot place: etcd may still apply the change. */
	if (status >= 500 || e->kind != ETCD_ERR_OTHER || e->code < 0 ||
	    e->code == ETCD_GRPC_CANCELED || e->code == ETCD_GRPC_DEADLINE_EXCEEDED ||
	    e->code == ETCD_GRPC_UNKNOWN || e->code == ETCD_GRPC_INTERNAL ||
	    e->code == ETCD_GRPC_UNAVAILABLE)
		call->res.outcome_unknown = true;
	return false;
}

static void on_http_done(struct http_call *hc, const struct http_reply *r, void *arg)
{
	struct etcd_call *call = arg;
	struct etcd_answer ans;
	char perr[300];
	bool ok_status = r->status >= 200 && r->status < 300;

	(void)hc;
	call->http = NULL;
	memset(&ans, 0, sizeof ans);
	ans.op = call->op;
	call->res.http_status = r->status;
	call->res.etcd.code = -1;
	call->res.etcd.kind = ETCD_ERR_OTHER;
	call->res.etcd.message[0] = '\0';

	if (r->err != 0) {
		call->res.err = r->err;
		set_errmsg(call, "%s", r->errmsg ? r->errmsg : strerror(-r->err));
		if (ops[call->op].unsafe && !err_not_sent(r->err)) {
			call->res.outcome_unknown = true;
			goto done;
		}
		goto next;
	}
	/* /health answers 503 {"health":"false"}: an answer, not an error. */
	if (ok_status || (call->op == ETCD_OP_HEALTH && r->status == 503)) {
		int rc = parse_answer(call, r->body, r->body_len, &ans, perr, sizeof perr);
		if (rc == 0) {
			call->res.err = 0;
			if (!call->pinned)
				call->c->preferred = call->cur;
			call_finish(call, &ans);
			return;
		}
		if (ok_status) {
			call->res.err = rc;
			set_errmsg(call, "HTTP %d: %s", r->status, perr);
			goto done;
		}
	}
	etcd_error_parse(r->body ? r->body : "", r->body ? r->body_len : 0, &call->res.etcd);
	call->res.err = -EREMOTEIO;
	if (call->res.etcd.code >= 0)
		set_errmsg(call, "%s (%s, HTTP %d)", call->res.etcd.message,
			   etcd_grpc_code_name(call->res.etcd.code), r->status);
	else
		set_errmsg(call, "HTTP %d: %s", r->status, call->res.etcd.message);
	if (!error_moves_on(call, r->status)) {
		if (!call->pinned && !call->res.outcome_unknown)
			call->c->preferred = call->cur;
		goto done;
	}
next:
	if (attempt_next(call))
		return;
	{
		uint64_t now = ev_time_ms();
		size_t n = call_n_endpoints(call);
		if (call->res.attempts < n && now + MIN_ATTEMPT_MS > call->deadline_ms) {
			/* Out of time with endpoints left: say so, keep the cause. */
			char prev[ETCD_ERRMSG_LEN];
			str_copy(prev, call->res.errmsg, sizeof prev);
			snprintf(call->res.errmsg, sizeof call->res.errmsg,
				 "%s; deadline passed after %u of %zu endpoints", prev,
				 call->res.attempts, n);
			if (call->res.err != -EREMOTEIO)
				call->res.err = -ETIMEDOUT;
		} else if (n > 1) {
			char prev[ETCD_ERRMSG_LEN];
			str_copy(prev, call->res.errmsg, sizeof prev);
			snprintf(call->res.errmsg, sizeof call->res.errmsg,
				 "%s; all %zu endpoints tried", prev, n);
		}
	}
done:
	call_finish(call, NULL);
}

/* Makes a call with its body already in b (moved into the call). */
static int call_start(struct etcd_client *c, enum etcd_op op, struct buf *b,
		      const char *pin, const struct etcd_call_opts *o,
		      etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct etcd_call *call;
	uint64_t timeout = o && o->timeout_ms ? o->timeout_ms : c->timeout_ms;
	int rc;

	if (!pin && o && o->endpoint)
		pin = o->endpoint;
	if (pin) {
		rc = endpoint_check(pin, c->have_tls, c->errmsg, sizeof c->errmsg);
		if (rc != 0)
			return rc;
	}
	call = calloc(1, sizeof *call);
	if (!call)
		return -ENOMEM;
	call->c = c;
	call->op = op;
	call->fn = fn;
	call->arg = arg;
	call->body = *b;
	buf_init(b);
	call->res.etcd.code = -1;
	call->start_ms = ev_time_ms();
	call->deadline_ms = call->start_ms + timeout;
	if (pin) {
		call->pinned = endpoint_dup(pin);
		if (!call->pinned) {
			buf_finish(&call->body);
			free(call);
			return -ENOMEM;
		}
	}
	call->first = pin ? 0 : c->preferred;
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;

	size_t n = call_n_endpoints(call);
	rc = -EINVAL;
	for (size_t i = 0; i < n; i++) {
		rc = attempt_start(call, (call->first + i) % n);
		if (rc == 0)
			break;
	}
	if (rc != 0) {
		str_copy(c->errmsg, call->res.errmsg, sizeof c->errmsg);
		call_free(call);
		return rc;
	}
	if (out)
		*out = call;
	return 0;
}

static int start_with_body(struct etcd_client *c, enum etcd_op op, int build_rc,
			   struct buf *b, const char *pin, const struct etcd_call_opts *o,
			   etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	int rc = build_rc;
	if (rc == 0)
		rc = call_start(c, op, b, pin, o, fn, arg, out);
	else
		snprintf(c->errmsg, sizeof c->errmsg, "etcd %s: %s", ops[op].name,
			 rc == -ENOMEM ? "out of memory" : ops[op].bad_args);
	buf_finish(b);
	return rc;
}

static bool args_ok(struct etcd_client *c, etcd_done_fn fn, struct etcd_call **out)
{
	if (out)
		*out = NULL;
	return c && fn;
}

int etcd_client_member_list(struct etcd_client *c, const struct etcd_call_opts *o,
			    etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MEMBER_LIST, buf_append_str(&b, ETCD_BODY_EMPTY),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_member_add(struct etcd_client *c, const char *const *peer_urls,
			   size_t n, bool learner, const struct etcd_call_opts *o,
			   etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MEMBER_ADD,
			       etcd_req_member_add(&b, peer_urls, n, learner),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_member_promote(struct etcd_client *c, uint64_t id,
			       const struct etcd_call_opts *o,
			       etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MEMBER_PROMOTE, etcd_req_member_id(&b, id),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_member_remove(struct etcd_client *c, uint64_t id,
			      const struct etcd_call_opts *o,
			      etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MEMBER_REMOVE, etcd_req_member_id(&b, id),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_move_leader(struct etcd_client *c, uint64_t target,
			    const struct etcd_call_opts *o,
			    etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MOVE_LEADER, etcd_req_move_leader(&b, target),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_member_update(struct etcd_client *c, uint64_t id,
			      const char *const *peer_urls, size_t n,
			      const struct etcd_call_opts *o,
			      etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_MEMBER_UPDATE,
			       etcd_req_member_update(&b, id, peer_urls, n),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_status(struct etcd_client *c, const char *endpoint,
		       const struct etcd_call_opts *o,
		       etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out) || !endpoint)
		return -EINVAL;
	return start_with_body(c, ETCD_OP_STATUS, buf_append_str(&b, ETCD_BODY_EMPTY),
			       &b, endpoint, o, fn, arg, out);
}

int etcd_client_health(struct etcd_client *c, const char *endpoint,
		       const struct etcd_call_opts *o,
		       etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out) || !endpoint)
		return -EINVAL;
	return start_with_body(c, ETCD_OP_HEALTH, 0, &b, endpoint, o, fn, arg, out);
}

int etcd_client_peers(struct etcd_client *c, const char *endpoint,
		      const struct etcd_call_opts *o,
		      etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out) || !endpoint)
		return -EINVAL;
	return start_with_body(c, ETCD_OP_PEERS, 0, &b, endpoint, o, fn, arg, out);
}

int etcd_client_put(struct etcd_client *c, const void *key, size_t key_len,
		    const void *value, size_t value_len, const struct etcd_call_opts *o,
		    etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_PUT,
			       etcd_req_put(&b, key, key_len, value, value_len, false),
			       &b, NULL, o, fn, arg, out);
}

int etcd_client_range(struct etcd_client *c, const struct etcd_range_req *r,
		      const struct etcd_call_opts *o,
		      etcd_done_fn fn, void *arg, struct etcd_call **out)
{
	struct buf b = BUF_INIT;
	if (!args_ok(c, fn, out))
		return -EINVAL;
	return start_with_body(c, ETCD_OP_RANGE, etcd_req_range(&b, r),
			       &b, NULL, o, fn, arg, out);
}

void etcd_call_cancel(struct etcd_call *call)
{
	if (!call || call->in_cb)
		return;
	if (call->http)
		http_call_cancel(call->http);
	call->http = NULL;
	call_free(call);
}
