/*
 * admin — the admin API's routes and handlers: asks the provider for a
 * snapshot, renders it (admin_render.c, admin_html.c), and runs the
 * reseed and teardown actions for the leader. See admin.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/strutil.h"

struct admin {
	struct admin_config cfg;   /* token not kept: the routes hold it */
};

static const char json_type[] = "application/json";
static const char no_store[] = "Cache-Control: no-store\r\n";

static void answer_buf(struct http_req *r, int status, const char *type,
		       const char *extra, struct buf *b)
{
	http_respond_h(r, status, type, extra, b->data ? b->data : "", b->len);
}

/* {"error": msg[, extra key: value]} */
static void answer_error(struct http_req *r, int status, const char *msg,
			 const char *key, const char *value)
{
	cJSON *o = cJSON_CreateObject();
	char *text = NULL;

	if (o && cJSON_AddStringToObject(o, "error", msg) &&
	    (!key || cJSON_AddStringToObject(o, key, value ? value : "")))
		text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text) {
		http_respond(r, 500, "text/plain", "out of memory\n", 14);
		return;
	}
	http_respond_h(r, status, json_type, no_store, text, strlen(text));
	free(text);
}

static const struct admin_snapshot *snapshot_or_answer(struct admin *a, struct http_req *r)
{
	const struct admin_snapshot *s = a->cfg.snapshot(a->cfg.arg);
	if (!s)
		answer_error(r, 503, "the scheduler's state is not available yet; retry shortly",
			     NULL, NULL);
	return s;
}

typedef int (*render_fn)(struct buf *out, const struct admin_snapshot *s);

static void render_and_answer(struct admin *a, struct http_req *r, render_fn fn,
			      const char *type, const char *extra)
{
	const struct admin_snapshot *s = snapshot_or_answer(a, r);
	struct buf b = BUF_INIT;

	if (!s)
		return;
	if (fn(&b, s) != 0)
		answer_error(r, 500, "out of memory rendering the answer", NULL, NULL);
	else
		answer_buf(r, 200, type, extra, &b);
	buf_finish(&b);
}

static void h_stats(struct http_req *r, void *arg)
{
	render_and_answer(arg, r, admin_render_stats, json_type, no_store);
}

static void h_members(struct http_req *r, void *arg)
{
	render_and_answer(arg, r, admin_render_members, json_type, no_store);
}

static void h_metrics(struct http_req *r, void *arg)
{
	render_and_answer(arg, r, admin_render_metrics,
			  "text/plain; version=0.0.4; charset=utf-8", no_store);
}

static void h_index(struct http_req *r, void *arg)
{
	render_and_answer(arg, r, admin_render_html, "text/html; charset=utf-8",
			  "Cache-Control: no-store\r\n"
			  "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
			  "X-Content-Type-Options: nosniff\r\n"
			  "X-Frame-Options: DENY\r\n");
}

static void h_healthz(struct http_req *r, void *arg)
{
	struct admin *a = arg;
	const struct admin_snapshot *s = a->cfg.snapshot(a->cfg.arg);
	static const char yes[] = "{\"healthy\":true}\n";
	static const char no[] = "{\"healthy\":false}\n";
	cJSON *o;
	char *text;

	if (s && s->healthy) {
		http_respond_h(r, 200, json_type, no_store, yes, sizeof yes - 1);
		return;
	}
	/* Unhealthy: say why, and after a total loss what to do, so that the
	 * operator reading Marathon's failing health check has the steps. */
	o = s ? cJSON_CreateObject() : NULL;
	if (o) {
		cJSON_AddBoolToObject(o, "healthy", false);
		if (s->state)
			cJSON_AddStringToObject(o, "state", s->state);
		if (s->reason)
			cJSON_AddStringToObject(o, "reason", s->reason);
		if (s->total_loss) {
			cJSON_AddBoolToObject(o, "total_loss", true);
			if (s->recovery)
				cJSON_AddStringToObject(o, "recovery", s->recovery);
		}
	}
	text = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (text)
		http_respond_h(r, 500, json_type, no_store, text, strlen(text));
	else
		http_respond_h(r, 500, json_type, no_store, no, sizeof no - 1);
	free(text);
}

static int errno_status(int rc)
{
	switch (rc) {
	case -EBUSY: return 409;
	case -EAGAIN: return 503;
	case -EINVAL: return 400;
	case -ENOTSUP: return 501;
	default: return 500;
	}
}

/* Checks common to the mutating routes; answers and returns NULL when the
 * request must stop here. */
static const struct admin_snapshot *mutating_ok(struct admin *a, struct http_req *r,
						const char *what)
{
	const struct admin_snapshot *s;
	char msg[512];

	if (strcmp(http_req_method(r), "HEAD") == 0) {
		http_respond_h(r, 405, "text/plain", "Allow: GET, POST\r\n",
			       "HEAD does not act\n", 18);
		return NULL;
	}
	s = snapshot_or_answer(a, r);
	if (s && !s->is_leader) {
		const char *url = s->leader_admin_url && *s->leader_admin_url
				  ? s->leader_admin_url : "(unknown)";
		snprintf(msg, sizeof msg, "this scheduler is a standby: send %s to the leader at %s",
			 what, url);
		answer_error(r, 503, msg, "leader_admin_url", url);
		return NULL;
	}
	return s;
}

static void answer_result(struct http_req *r, int rc, struct admin_result *res,
			  const char *what)
{
	char *text;

	if (rc < 0) {
		int status = errno_status(rc);
		if (!res->error[0])
			snprintf(res->error, sizeof res->error, "%s failed: %s", what, strerror(-rc));
		log_warn("admin: %s from %s refused (%d): %s", what, http_req_peer(r), status,
			 res->error);
		answer_error(r, status, res->error, NULL, NULL);
		cJSON_Delete(res->body);
		return;
	}
	if (!res->body)
		res->body = cJSON_CreateObject();
	text = res->body ? cJSON_PrintUnformatted(res->body) : NULL;
	cJSON_Delete(res->body);
	if (!text) {
		answer_error(r, 500, "out of memory rendering the answer", NULL, NULL);
		return;
	}
	http_respond_h(r, res->status >= 200 && res->status < 600 ? res->status : 200,
		       json_type, no_store, text, strlen(text));
	free(text);
}

static void h_reseed(struct http_req *r, void *arg)
{
	struct admin *a = arg;
	struct admin_result res = { 0 };
	char v[16];
	bool dry = false;
	int rc;

	rc = http_req_query_get(r, "dry_run", v, sizeof v);
	if (rc == -ENOENT) {
		dry = false;
	} else if (rc == 0) {
		dry = true;             /* "?dry_run" or "?dry_run=" */
	} else if (rc < 0 || parse_bool(v, &dry) != 0) {
		answer_error(r, 400, "dry_run: must be 1, 0, true or false", NULL, NULL);
		return;
	}
	if (!mutating_ok(a, r, "/reseed"))
		return;
	if (!a->cfg.reseed) {
		answer_error(r, 501, "this scheduler cannot reseed", NULL, NULL);
		return;
	}
	log_info("admin: %s%s /reseed from %s", http_req_method(r), dry ? " dry run" : "",
		 http_req_peer(r));
	rc = a->cfg.reseed(a->cfg.arg, dry, &res);
	answer_result(r, rc, &res, dry ? "reseed dry run" : "reseed");
}

static void h_teardown(struct http_req *r, void *arg)
{
	struct admin *a = arg;
	struct admin_result res = { 0 };

	if (!mutating_ok(a, r, "/teardown"))
		return;
	if (!a->cfg.teardown) {
		answer_error(r, 501, "this scheduler cannot tear down", NULL, NULL);
		return;
	}
	log_warn("admin: POST /teardown from %s", http_req_peer(r));
	answer_result(r, a->cfg.teardown(a->cfg.arg, &res), &res, "teardown");
}

static void h_fresh(struct http_req *r, void *arg)
{
	struct admin *a = arg;
	struct admin_result res = { 0 };
	char confirm[256] = "";
	int rc;

	rc = http_req_query_get(r, "confirm", confirm, sizeof confirm);
	if (rc < 0 && rc != -ENOENT) {
		answer_error(r, 400, "confirm: not readable; send ?confirm=<framework name>",
			     NULL, NULL);
		return;
	}
	if (!mutating_ok(a, r, "/fresh-cluster"))
		return;
	if (!a->cfg.fresh) {
		answer_error(r, 501, "this scheduler cannot start a fresh cluster", NULL, NULL);
		return;
	}
	log_warn("admin: POST /fresh-cluster from %s", http_req_peer(r));
	answer_result(r, a->cfg.fresh(a->cfg.arg, confirm, &res), &res, "fresh cluster");
}

int admin_new(struct admin **out, struct http_server *srv, const struct admin_config *cfg)
{
	const char *tok;
	struct admin *a;
	int rc = 0;

	*out = NULL;
	if (!srv || !cfg || !cfg->snapshot)
		return -EINVAL;
	tok = cfg->token && *cfg->token ? cfg->token : NULL;
	for (const char *p = tok; p && *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -EINVAL;   /* could never arrive in a header */
	a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	a->cfg = *cfg;
	a->cfg.token = NULL;

	const struct http_route routes[] = {
		{ .method = "GET", .path = "/stats", .fn = h_stats, .arg = a },
		{ .method = "GET", .path = "/membership", .fn = h_members, .arg = a },
		{ .method = "GET", .path = "/members", .fn = h_members, .arg = a },
		{ .method = "GET", .path = "/healthz", .fn = h_healthz, .arg = a },
		{ .method = "GET", .path = "/metrics", .fn = h_metrics, .arg = a },
		{ .method = "GET", .path = "/", .fn = h_index, .arg = a },
		{ .method = "GET", .path = "/reseed", .fn = h_reseed, .arg = a,
		  .bearer_token = tok, .same_origin = true },
		{ .method = "POST", .path = "/reseed", .fn = h_reseed, .arg = a,
		  .bearer_token = tok, .same_origin = true },
		{ .method = "POST", .path = "/teardown", .fn = h_teardown, .arg = a,
		  .bearer_token = tok, .same_origin = true },
		{ .method = "POST", .path = "/fresh-cluster", .fn = h_fresh, .arg = a,
		  .bearer_token = tok, .same_origin = true },
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0] && rc == 0; i++)
		rc = http_server_add_route(srv, &routes[i]);
	if (rc != 0)
		goto fail;
	*out = a;
	return 0;
fail:
	/* routes already added point at a: the caller must free srv without
	 * running its loop again (admin.h) */
	log_error("admin: cannot add routes: %s", strerror(-rc));
	free(a);
	return rc;
}

void admin_free(struct admin *a)
{
	free(a);
}
