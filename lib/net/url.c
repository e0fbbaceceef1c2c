/*
 * url.c — http(s) URLs, redirect locations, zk:// URIs and Mesos master
 * strings (url.h). Hand-written scanners over the input; every error
 * message quotes the (redacted) value and names the expected form.
 */
#include "net/url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"

#define URL_FORM "http[s]://host[:port][/path]"
#define ZK_FORM "zk://[user:password@]host1:port1,host2:port2/path"
#define MASTER_FORM "host:port, host1:port1,host2:port2, http[s]://host:port " \
	"or zk://host1:port1,host2:port2/path"
#define QUOTE_MAX 200
#define ZK_URI_MAX 4096

/* ---- error messages ---- */

/* The "://" ending a scheme (1*(letter, digit, '+', '-', '.')) at the
 * start of s[0..n), or NULL. */
static const char *scheme_sep(const char *s, size_t n)
{
	const char *sch = memmem(s, n, "://", 3);
	if (!sch || sch == s)
		return NULL;
	for (const char *p = s; p < sch; p++) {
		if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
			return NULL;
	}
	return sch;
}

/* Appends s[0..n) to out as a quoted, escaped, cut value. Anything that
 * may be user info is replaced by "***": from the start of the authority
 * (after the first "://" unless '/' or '@' come before it) to the last
 * '@' of the value. That hides more than needed when a path holds '@',
 * never less, even for a password holding '/' or a mistyped scheme. */
static void quote(struct buf *out, const char *s, size_t n)
{
	const char *start = s, *at = NULL;
	const char *sep = memmem(s, n, "://", 3);
	if (sep && !memchr(s, '/', (size_t)(sep - s)) && !memchr(s, '@', (size_t)(sep - s)))
		start = sep + 3;
	for (const char *p = start; p < s + n; p++) {
		if (*p == '@')
			at = p;
	}
	buf_append_str(out, "\"");
	size_t shown = 0;
	for (const char *p = s; p < s + n; p++) {
		if (at && p == start) {
			buf_append_str(out, "***");
			buf_append_str(out, "@");
			p = at;   /* the loop's p++ moves past the '@' */
			continue;
		}
		if (shown++ == QUOTE_MAX) {
			buf_append_str(out, "...");
			break;
		}
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			buf_appendf(out, "\\x%02x", c);
		else
			buf_append(out, p, 1);
	}
	buf_append_str(out, "\"");
}

__attribute__((format(printf, 5, 6)))
static int fail(char *err, size_t errlen, const char *s, size_t n, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	quote(&b, s, n);
	buf_appendf(&b, ": %s", msg);
	if (err && errlen)
		snprintf(err, errlen, "%s", b.data ? b.data : msg);
	buf_finish(&b);
	return -EINVAL;
}

/* ---- hosts and ports ---- */

/* True if s[0..n) is visible ASCII, so it may be echoed as is. */
static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	}
	return true;
}

static bool is_host_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Parses host[:port] in [p, end) into host (IPv6 with brackets if
 * keep_brackets) and *port. On error fills why and returns -EINVAL. */
static int parse_hostport(const char *p, const char *end, bool keep_brackets,
			  unsigned default_port, char *host, size_t hostlen, bool *ipv6,
			  uint16_t *port, char *why, size_t whylen)
{
	const char *h = p, *hend;

	*ipv6 = false;
	if (p < end && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));
		char tmp[INET6_ADDRSTRLEN + 1];
		struct in6_addr a6;
		if (!rb) {
			snprintf(why, whylen, "unterminated IPv6 literal (missing ']')");
			return -EINVAL;
		}
		size_t n = (size_t)(rb - p - 1);
		if (n == 0 || n >= sizeof tmp) {
			snprintf(why, whylen, "bad IPv6 address in brackets");
			return -EINVAL;
		}
		memcpy(tmp, p + 1, n);
		tmp[n] = 0;
		if (inet_pton(AF_INET6, tmp, &a6) != 1) {
			if (memchr(tmp, '%', n))
				snprintf(why, whylen, "bad IPv6 address (zone ids are not supported)");
			else if (printable(tmp, n))
				snprintf(why, whylen, "bad IPv6 address \"%s\"", tmp);
			else
				snprintf(why, whylen, "bad IPv6 address");
			return -EINVAL;
		}
		*ipv6 = true;
		if (keep_brackets) {
			h = p;
			hend = rb + 1;
		} else {
			h = p + 1;
			hend = rb;
		}
		p = rb + 1;
		if (p < end && *p != ':') {
			if (printable(p, 1))
				snprintf(why, whylen, "unexpected '%c' after the IPv6 literal", *p);
			else
				snprintf(why, whylen, "unexpected byte 0x%02x after the IPv6 literal",
					 (unsigned char)*p);
			return -EINVAL;
		}
	} else {
		while (p < end && *p != ':') {
			if (!is_host_char((unsigned char)*p)) {
				unsigned char c = (unsigned char)*p;
				if (c >= 0x21 && c < 0x7f)
					snprintf(why, whylen, "bad character '%c' in host", c);
				else
					snprintf(why, whylen, "bad byte 0x%02x in host", c);
				return -EINVAL;
			}
			p++;
		}
		hend = p;
		if (hend == h) {
			snprintf(why, whylen, "empty host");
			return -EINVAL;
		}
		if (hend - h > 253) {
			snprintf(why, whylen, "host name longer than 253 bytes");
			return -EINVAL;
		}
	}
	if ((size_t)(hend - h) >= hostlen) {
		snprintf(why, whylen, "host name too long");
		return -EINVAL;
	}
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = 0;

	if (p == end) {
		*port = (uint16_t)default_port;
		return 0;
	}
	p++;   /* ':' */
	if (p == end) {
		snprintf(why, whylen, "empty port after ':'");
		return -EINVAL;
	}
	unsigned long v = 0;
	for (const char *q = p; q < end; q++) {
		if (*q < '0' || *q > '9') {
			int show = (int)(end - p > 20 ? 20 : end - p);
			if (printable(p, (size_t)show) && !memchr(p, '"', (size_t)show))
				snprintf(why, whylen, "port \"%.*s\" is not a number", show, p);
			else
				snprintf(why, whylen, "port is not a number");
			return -EINVAL;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(*q - '0');
	}
	if (v < 1 || v > 65535) {
		snprintf(why, whylen, "port %.*s out of range 1-65535",
			 (int)(end - p > 20 ? 20 : end - p), p);
		return -EINVAL;
	}
	*port = (uint16_t)v;
	return 0;
}

/* ---- http(s) URLs ---- */

/* Scheme length ("http://" = 7, "https://" = 8) and tls, or 0. */
static size_t scheme_len(const char *s, bool *tls)
{
	if (strncasecmp(s, "http://", 7) == 0) {
		*tls = false;
		return 7;
	}
	if (strncasecmp(s, "https://", 8) == 0) {
		*tls = true;
		return 8;
	}
	return 0;
}

/* Everything after "scheme://" (or a bare authority): s[0..n) is the whole
 * value for messages, p the authority. */
static int parse_rest(const char *s, size_t n, const char *p, bool tls, unsigned default_port,
		      const char *form, struct url *u, bool *had_path, char *err, size_t errlen)
{
	const char *end = s + n, *a = p;
	char why[160];

	while (a < end && *a != '/' && *a != '?' && *a != '#')
		a++;
	if (memchr(p, '@', (size_t)(a - p)))
		return fail(err, errlen, s, n, "user info in URLs is not supported (credentials "
			    "in a URL leak into logs); pass them another way; expected %s", form);
	if (parse_hostport(p, a, false, default_port, u->host, sizeof u->host, &u->ipv6,
			   &u->port, why, sizeof why) < 0)
		return fail(err, errlen, s, n, "%s; expected %s", why, form);
	u->tls = tls;

	const char *pend = memchr(a, '#', (size_t)(end - a));
	if (!pend)
		pend = end;
	size_t plen = (size_t)(pend - a), off = 0;
	*had_path = plen > 0;
	if (plen == 0 || *a == '?')
		u->path[off++] = '/';
	if (plen + off >= sizeof u->path)
		return fail(err, errlen, s, n, "path longer than %d bytes; expected %s",
			    URL_MAX_PATH - 1, form);
	for (const char *q = a; q < pend; q++) {
		unsigned char c = (unsigned char)*q;
		if (c < 0x21 || c > 0x7e)
			return fail(err, errlen, s, n, "byte 0x%02x in the path must be "
				    "percent-encoded; expected %s", c, form);
	}
	memcpy(u->path + off, a, plen);
	u->path[off + plen] = 0;
	return 0;
}

int url_parse(const char *s, struct url *u, char *err, size_t errlen)
{
	size_t n = strlen(s);
	bool tls, had_path;
	size_t sl = scheme_len(s, &tls);

	if (!sl)
		return fail(err, errlen, s, n, "%s; expected %s",
			    strstr(s, "://") ? "scheme must be http or https" : "missing http:// or https://",
			    URL_FORM);
	return parse_rest(s, n, s + sl, tls, tls ? 443 : 80, URL_FORM, u, &had_path, err, errlen);
}

int url_resolve_location(const struct url *base, const char *loc, struct url *out,
			 char *err, size_t errlen)
{
	size_t n = strlen(loc);
	bool tls, had_path;
	size_t sl = scheme_len(loc, &tls);
	struct url u;
	int rc;

	if (sl)
		return url_parse(loc, out, err, errlen);
	if (n == 0)
		return fail(err, errlen, loc, n, "empty redirect location");
	if (loc[0] == '/' && loc[1] == '/') {
		rc = parse_rest(loc, n, loc + 2, base->tls, base->tls ? 443 : 80,
				"//host:port/path", &u, &had_path, err, errlen);
	} else if (loc[0] == '/') {
		u = *base;
		if (n >= sizeof u.path)
			return fail(err, errlen, loc, n, "path longer than %d bytes",
				    URL_MAX_PATH - 1);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)loc[i];
			if (c == '#')
				n = i;
			else if (c < 0x21 || c > 0x7e)
				return fail(err, errlen, loc, strlen(loc), "byte 0x%02x in the "
					    "path must be percent-encoded", c);
		}
		memcpy(u.path, loc, n);
		u.path[n] = 0;
		rc = 0;
	} else {
		rc = parse_rest(loc, n, loc, base->tls, base->tls ? 443 : 80,
				"host:port[/path]", &u, &had_path, err, errlen);
		if (rc == 0 && !had_path)
			memcpy(u.path, base->path, sizeof u.path);
	}
	if (rc == 0)
		*out = u;
	return rc;
}

size_t url_authority(const struct url *u, char *out, size_t len)
{
	int n = snprintf(out, len, u->ipv6 ? "[%s]:%u" : "%s:%u", u->host, (unsigned)u->port);
	return n < 0 ? 0 : (size_t)n;
}

size_t url_format(const struct url *u, char *out, size_t len)
{
	char auth[URL_MAX_HOST + 16];
	url_authority(u, auth, sizeof auth);
	int n = snprintf(out, len, "%s://%s%s", u->tls ? "https" : "http", auth, u->path);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- zk:// URIs ---- */

void zk_uri_finish(struct zk_uri *z)
{
	if (!z)
		return;
	free(z->hosts);
	free(z->chroot);
	if (z->credentials) {
		explicit_bzero(z->credentials, strlen(z->credentials));
		free(z->credentials);
	}
	z->hosts = z->chroot = z->credentials = NULL;
}

/* ZooKeeper's path rules (PathUtils.validatePath), narrowed to visible
 * ASCII. */
static const char *chroot_problem(const char *p, const char *end)
{
	if (p == end)
		return "missing chroot path";
	if (end - p == 1)
		return "chroot \"/\" is the ZooKeeper root; name a path under it";
	if (end[-1] == '/')
		return "chroot must not end with '/'";
	while (p < end) {
		const char *c = ++p;   /* skip '/' */
		while (p < end && *p != '/') {
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				return "chroot holds a space, control or non-ASCII byte";
			p++;
		}
		if (p == c)
			return "chroot has an empty component (\"//\")";
		if ((p - c == 1 && c[0] == '.') || (p - c == 2 && c[0] == '.' && c[1] == '.'))
			return "chroot has a \".\" or \"..\" component";
	}
	return NULL;
}

int zk_uri_parse(const char *s, struct zk_uri *z, char *err, size_t errlen)
{
	size_t n = strlen(s);
	const char *end = s + n, *p, *slash, *at = NULL, *hosts;
	struct buf list = BUF_INIT;
	char why[160];
	const char *problem;
	int rc = -EINVAL;

	memset(z, 0, sizeof *z);
	if (strncasecmp(s, "zk://", 5) != 0) {
		rc = fail(err, errlen, s, n, "missing zk://; expected %s", ZK_FORM);
		goto fail;
	}
	if (n > ZK_URI_MAX) {
		rc = fail(err, errlen, s, n, "longer than %d bytes", ZK_URI_MAX);
		goto fail;
	}
	p = s + 5;
	slash = strchr(p, '/');
	if (!slash)
		slash = end;
	for (const char *q = p; q < slash; q++) {
		if (*q == '@')
			at = q;
	}
	hosts = p;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (!colon || colon == p) {
			rc = fail(err, errlen, s, n, "credentials must be user:password; "
				  "expected %s", ZK_FORM);
			goto fail;
		}
		for (const char *q = p; q < at; q++) {
			if ((unsigned char)*q < 0x20 || *q == 0x7f) {
				rc = fail(err, errlen, s, n, "control byte in the credentials");
				goto fail;
			}
		}
		z->credentials = strndup(p, (size_t)(at - p));
		if (!z->credentials) {
			rc = -ENOMEM;
			goto fail;
		}
		hosts = at + 1;
	}
	if (hosts == slash) {
		rc = fail(err, errlen, s, n, "no ZooKeeper server given; expected %s", ZK_FORM);
		goto fail;
	}
	for (const char *h = hosts; h <= slash; ) {
		const char *e = h;
		char host[URL_MAX_HOST + 2];
		bool v6;
		uint16_t port;
		while (e < slash && *e != ',')
			e++;
		if (e == h) {
			rc = fail(err, errlen, s, n, "empty host in the server list; expected %s",
				  ZK_FORM);
			goto fail;
		}
		if (parse_hostport(h, e, true, ZK_DEFAULT_PORT, host, sizeof host, &v6, &port,
				   why, sizeof why) < 0) {
			rc = fail(err, errlen, s, n, "%s; expected %s", why, ZK_FORM);
			goto fail;
		}
		if (buf_appendf(&list, "%s%s:%u", list.len ? "," : "", host, (unsigned)port) < 0) {
			rc = -ENOMEM;
			goto fail;
		}
		h = e + 1;
	}
	if ((problem = chroot_problem(slash, end))) {
		rc = fail(err, errlen, s, n, "%s; expected %s", problem, ZK_FORM);
		goto fail;
	}
	z->chroot = strndup(slash, (size_t)(end - slash));
	z->hosts = buf_detach(&list);
	if (!z->chroot || !z->hosts) {
		rc = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	if (rc == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
	buf_finish(&list);
	zk_uri_finish(z);
	return rc;
}

size_t zk_uri_display(const struct zk_uri *z, char *out, size_t len)
{
	int n = snprintf(out, len, "zk://%s%s%s", z->credentials ? "***@" : "",
			 z->hosts ? z->hosts : "", z->chroot ? z->chroot : "");
	return n < 0 ? 0 : (size_t)n;
}

/* ---- Mesos master strings ---- */

void master_spec_finish(struct master_spec *m)
{
	if (!m)
		return;
	zk_uri_finish(&m->zk);
	free(m->urls);
	m->urls = NULL;
	m->n = 0;
	m->is_zk = false;
}

int master_spec_parse(const char *s, struct master_spec *m, char *err, size_t errlen)
{
	size_t n = strlen(s);
	int rc = -EINVAL;

	memset(m, 0, sizeof *m);
	if (n == 0)
		return fail(err, errlen, s, n, "empty; expected %s", MASTER_FORM);
	if (strncasecmp(s, "zk://", 5) == 0) {
		rc = zk_uri_parse(s, &m->zk, err, errlen);
		m->is_zk = rc == 0;
		return rc;
	}
	if (strncasecmp(s, "file://", 7) == 0)
		return fail(err, errlen, s, n, "file:// is not supported; put the URL itself "
			    "in the flag; expected %s", MASTER_FORM);

	m->urls = calloc(MASTER_MAX_URLS, sizeof *m->urls);
	if (!m->urls) {
		rc = -ENOMEM;
		goto fail;
	}
	for (const char *p = s; p <= s + n; ) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		bool tls = false, had_path;
		if (len == 0) {
			rc = fail(err, errlen, s, n, "empty entry in the master list; expected %s",
				  MASTER_FORM);
			goto fail;
		}
		if (m->n == MASTER_MAX_URLS) {
			rc = fail(err, errlen, s, n, "more than %d masters", MASTER_MAX_URLS);
			goto fail;
		}
		char *item = strndup(p, len);
		if (!item) {
			rc = -ENOMEM;
			goto fail;
		}
		size_t sl = scheme_len(item, &tls);
		if (!sl && scheme_sep(item, len))
			rc = fail(err, errlen, item, len, "scheme must be http or https; "
				  "expected %s", MASTER_FORM);
		else
			rc = parse_rest(item, len, item + sl, tls,
					sl ? (tls ? 443 : 80) : MESOS_DEFAULT_PORT,
					MASTER_FORM, &m->urls[m->n], &had_path, err, errlen);
		free(item);
		if (rc < 0)
			goto fail;
		m->n++;
		p += len + 1;
	}
	return 0;
fail:
	if (rc == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
	master_spec_finish(m);
	return rc;
}
