/* master_list — configured masters and redirect targets; see master_list.h. */
#include "mesos/master_list.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "net/http_client.h"

bool master_host_is_numeric(const char *host)
{
	unsigned char tmp[16];

	return strcasecmp(host, "localhost") == 0 || inet_pton(AF_INET, host, tmp) == 1 ||
	       inet_pton(AF_INET6, host, tmp) == 1;
}

/* <prefix>/api/v1/scheduler, keeping a query off (Mesos has none here). */
static int api_path(struct url *u, char *err, size_t errlen)
{
	char prefix[URL_MAX_PATH];
	size_t n;

	str_copy(prefix, u->path, sizeof prefix);
	prefix[strcspn(prefix, "?")] = '\0';
	n = strlen(prefix);
	while (n > 0 && prefix[n - 1] == '/')
		prefix[--n] = '\0';
	if (n + strlen(SCHED_API_PATH) + 1 > sizeof u->path) {
		if (err && errlen)
			snprintf(err, errlen, "master path \"%.100s\" is too long", prefix);
		return -EINVAL;
	}
	snprintf(u->path, sizeof u->path, "%s%s", prefix, SCHED_API_PATH);
	return 0;
}

int master_list_init(struct master_list *l, const char *spec, bool https,
		     char *err, size_t errlen)
{
	struct master_spec m;
	const char *p = spec;
	size_t i;
	int rc;

	memset(l, 0, sizeof *l);
	if ((rc = master_spec_parse(spec, &m, err, errlen)) < 0)
		return rc;
	if (m.is_zk) {
		l->is_zk = true;
		l->zk = m.zk;          /* take the strings */
		memset(&m.zk, 0, sizeof m.zk);
		master_spec_finish(&m);
		return 0;
	}
	rc = -ENOMEM;
	l->v = calloc(m.n, sizeof *l->v);
	if (!l->v)
		goto fail;
	for (i = 0; i < m.n; i++) {
		struct master_entry *e = &l->v[i];
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char addr[64];

		e->url = m.urls[i];
		if (!memmem(p, len, "://", 3))
			e->url.tls = https;
		p += len + 1;
		str_copy(e->name, e->url.host, sizeof e->name);
		if ((rc = api_path(&e->url, err, errlen)) < 0)
			goto fail;
		if (!master_host_is_numeric(e->url.host)) {
			rc = http_resolve_blocking(e->url.host, addr, sizeof addr);
			if (rc < 0) {
				if (err && errlen)
					snprintf(err, errlen, "master host \"%.100s\" has no address "
						 "(%s); give an address or a name that resolves",
						 e->url.host, strerror(-rc));
				goto fail;
			}
			str_copy(e->url.host, addr, sizeof e->url.host);
			e->url.ipv6 = strchr(addr, ':') != NULL;
		}
		l->n++;
	}
	master_spec_finish(&m);
	return 0;
fail:
	master_spec_finish(&m);
	master_list_finish(l);
	return rc;
}

void master_list_finish(struct master_list *l)
{
	if (!l)
		return;
	zk_uri_finish(&l->zk);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int master_list_redirect(const struct master_list *l, const struct url *base,
			 const char *location, struct url *out, char *name_out,
			 char *err, size_t errlen)
{
	size_t i;
	int rc;

	if (!location || !*location) {
		if (err && errlen)
			snprintf(err, errlen, "redirect without a Location header");
		return -EINVAL;
	}
	if ((rc = url_resolve_location(base, location, out, err, errlen)) < 0)
		return rc;
	str_copy(name_out, out->host, URL_MAX_HOST);
	if (master_host_is_numeric(out->host))
		return 0;
	for (i = 0; l && i < l->n; i++) {
		if (strcasecmp(l->v[i].name, out->host) == 0) {
			str_copy(out->host, l->v[i].url.host, sizeof out->host);
			out->ipv6 = l->v[i].url.ipv6;
			return 0;
		}
	}
	if (err && errlen)
		snprintf(err, errlen, "redirect to \"%.100s\", a host name that is not in "
			 "-master; list every master there by that name, or use zk://",
			 out->host);
	return -EHOSTUNREACH;
}
