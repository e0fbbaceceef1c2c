/*
 * http_route — the server's route table, per-route authentication, and
 * what a handler can ask of its request (method, path, query, headers,
 * body). See http_server.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "net/http_server_int.h"

bool route_known_method(const char *m, size_t n)
{
	static const char *const ms[] = { "GET", "HEAD", "POST", "PUT", "DELETE",
		"OPTIONS", "PATCH", "TRACE", "CONNECT", NULL };
	for (int i = 0; ms[i]; i++)
		if (strlen(ms[i]) == n && memcmp(ms[i], m, n) == 0)
			return true;
	return false;
}

static bool route_path_match(const struct route *rt, const char *path)
{
	if (rt->prefix)
		return strncmp(path, rt->path, rt->path_len) == 0;
	return strcmp(path, rt->path) == 0;
}

static bool route_method_match(const struct route *rt, const char *m)
{
	return !rt->method || strcmp(rt->method, m) == 0 ||
		(strcmp(m, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

/* Best route for method+path; with none, *allow lists the methods the
 * path has (for 405). */
const struct route *route_find(struct http_server *s, const char *m,
				      const char *path, char *allow, size_t allowlen)
{
	const struct route *best = NULL;
	size_t used = 0;
	bool any_path = false, head_added = false;

	allow[0] = '\0';
	for (const struct route *rt = s->routes; rt; rt = rt->next) {
		if (!route_path_match(rt, path))
			continue;
		any_path = true;
		if (route_method_match(rt, m)) {
			/* exact beats prefix, longer prefix beats shorter, an
			 * explicit method beats "any" */
			if (!best || (best->prefix && !rt->prefix) ||
			    (best->prefix && rt->prefix && rt->path_len > best->path_len) ||
			    (best->path_len == rt->path_len && best->prefix == rt->prefix &&
			     !best->method && rt->method))
				best = rt;
			continue;
		}
		if (rt->method && used + strlen(rt->method) + 8 < allowlen &&
		    !strstr(allow, rt->method)) {
			used += (size_t)snprintf(allow + used, allowlen - used, "%s%s",
						 used ? ", " : "", rt->method);
			if (strcmp(rt->method, "GET") == 0 && !head_added) {
				used += (size_t)snprintf(allow + used, allowlen - used, ", HEAD");
				head_added = true;
			}
		}
	}
	if (!any_path)
		allow[0] = '\0';
	return best;
}

bool route_auth_ok(const struct route *rt, const struct http_req *r)
{
	const struct http_header *h;
	char v[1024], dec[768];

	if (!rt->bearer && !rt->basic_user)
		return true;
	h = http_find_header(r->parsed.headers, r->parsed.num_headers, "Authorization");
	if (!h || h->value_len >= sizeof v)
		return false;
	memcpy(v, h->value, h->value_len);
	v[h->value_len] = '\0';
	if (rt->bearer && strncasecmp(v, "Bearer ", 7) == 0)
		return ct_streq(v + 7, rt->bearer);
	if (rt->basic_user && strncasecmp(v, "Basic ", 6) == 0) {
		long n = base64_decode(v + 6, strlen(v + 6), dec, sizeof dec - 1);
		char *colon;
		bool okay;
		if (n < 0)
			return false;
		dec[n] = '\0';
		colon = strchr(dec, ':');
		if (!colon)
			return false;
		*colon = '\0';
		/* both compared, always: no early exit on a wrong user */
		int user_ok = ct_streq(dec, rt->basic_user);
		int pass_ok = ct_streq(colon + 1, rt->basic_pass);
		okay = (user_ok & pass_ok) != 0;
		explicit_bzero(dec, sizeof dec);
		return okay;
	}
	return false;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

int http_server_add_route(struct http_server *s, const struct http_route *r)
{
	struct route *rt, **tail;
	bool oom = false;

	if (!r || !r->path || r->path[0] != '/' || !r->fn ||
	    (!!r->basic_user != !!r->basic_pass) || (r->basic_user && strchr(r->basic_user, ':')))
		return -EINVAL;
	rt = calloc(1, sizeof *rt);
	if (!rt)
		return -ENOMEM;
	rt->method = dup_or_null(r->method, &oom);
	rt->path = dup_or_null(r->path, &oom);
	rt->bearer = dup_or_null(r->bearer_token, &oom);
	rt->basic_user = dup_or_null(r->basic_user, &oom);
	rt->basic_pass = dup_or_null(r->basic_pass, &oom);
	if (oom) {
		free(rt->method);
		free(rt->path);
		free(rt->bearer);
		free(rt->basic_user);
		free(rt->basic_pass);
		free(rt);
		return -ENOMEM;
	}
	rt->path_len = strlen(rt->path);
	rt->prefix = r->prefix;
	rt->same_origin = r->same_origin;
	rt->fn = r->fn;
	rt->arg = r->arg;
	for (tail = &s->routes; *tail; tail = &(*tail)->next)
		;
	*tail = rt;
	return 0;
}

const char *http_req_method(const struct http_req *r)
{
	return r->meta.data;
}

const char *http_req_path(const struct http_req *r)
{
	return r->meta.data + r->path_off;
}

const char *http_req_query(const struct http_req *r)
{
	return r->meta.data + r->query_off;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int http_req_query_get(const struct http_req *r, const char *name, char *out, size_t outlen)
{
	const char *q = http_req_query(r);
	size_t nl = strlen(name);

	while (*q) {
		const char *end = q + strcspn(q, "&");
		const char *eq = memchr(q, '=', (size_t)(end - q));
		const char *kend = eq ? eq : end;
		if ((size_t)(kend - q) == nl && memcmp(q, name, nl) == 0) {
			size_t o = 0;
			for (const char *v = eq ? eq + 1 : end; v < end; v++) {
				char ch = *v;
				if (ch == '+') {
					ch = ' ';
				} else if (ch == '%') {
					int hi, lo;
					if (end - v < 3 || (hi = hexval(v[1])) < 0 ||
					    (lo = hexval(v[2])) < 0)
						return -EINVAL;
					ch = (char)(hi * 16 + lo);
					v += 2;
				}
				if (o + 1 >= outlen)
					return -ENOSPC;
				out[o++] = ch;
			}
			if (outlen == 0)
				return -ENOSPC;
			out[o] = '\0';
			return (int)o;
		}
		q = *end ? end + 1 : end;
	}
	return -ENOENT;
}

const char *http_req_header(const struct http_req *r, const char *name, size_t *len)
{
	const struct http_header *h = http_find_header(r->parsed.headers,
						       r->parsed.num_headers, name);
	if (!h)
		return NULL;
	if (len)
		*len = h->value_len;
	return h->value;
}

const char *http_req_body(const struct http_req *r, size_t *len)
{
	if (len)
		*len = r->body.len;
	return r->body.data ? r->body.data : "";
}

const char *http_req_peer(const struct http_req *r)
{
	return r->conn->peer;
}

bool http_req_is_tls(const struct http_req *r)
{
	return r->conn->tls != NULL;
}

void http_req_on_abort(struct http_req *r, http_abort_fn fn, void *arg)
{
	r->abort_fn = fn;
	r->abort_arg = arg;
}

size_t http_req_backlog(const struct http_req *r)
{
	return r->conn->out.len - r->conn->out_off;
}

bool route_origin_ok(const struct route *rt, const struct http_req *r)
{
	const struct http_request *p = &r->parsed;
	const struct http_header *site, *origin, *host;
	const char *o, *sep;
	size_t ol;

	if (!rt->same_origin)
		return true;
	site = http_find_header(p->headers, p->num_headers, "Sec-Fetch-Site");
	if (site && site->value_len == 10 && strncasecmp(site->value, "cross-site", 10) == 0)
		return false;
	origin = http_find_header(p->headers, p->num_headers, "Origin");
	if (!origin)
		return true;
	host = http_find_header(p->headers, p->num_headers, "Host");
	o = origin->value;
	ol = origin->value_len;
	sep = ol > 3 ? memmem(o, ol, "://", 3) : NULL;
	if (!host || !sep)
		return false;   /* "null" or garbage */
	o = sep + 3;
	ol -= (size_t)(o - origin->value);
	return ol == host->value_len && strncasecmp(o, host->value, ol) == 0;
}

void route_free_all(struct route *rt)
{
	while (rt) {
		struct route *next = rt->next;
		free(rt->method);
		free(rt->path);
		if (rt->bearer)
			explicit_bzero(rt->bearer, strlen(rt->bearer));
		if (rt->basic_pass)
			explicit_bzero(rt->basic_pass, strlen(rt->basic_pass));
		free(rt->bearer);
		free(rt->basic_user);
		free(rt->basic_pass);
		free(rt);
		rt = next;
	}
}
