/*
 * master_list — where a scheduler sends SUBSCRIBE: the masters of the
 * -master flag, with names resolved once, and the target of a 307
 * redirect (PROTOCOLS.md A.4, E.2).
 *
 * master_list_init parses the flag (net/url.h master_spec_parse). For a
 * list of masters it resolves every host name to an address with
 * http_resolve_blocking() — configuration time only: it blocks on DNS —
 * and keeps the name (for TLS verification and to recognise the master in
 * a redirect). Bare host:port entries get https when `https` is set;
 * URLs keep their scheme. Each URL's path becomes <prefix>/api/v1/scheduler.
 * For zk:// it only keeps the parsed URI.
 *
 * master_list_redirect is pure: it resolves a Location against the URL
 * that was asked (//h:p/x and bare h:p keep its scheme), then maps a host
 * name to an address: a numeric address or "localhost" is used as is, a
 * name of a configured master becomes that master's address; any other
 * name is -EHOSTUNREACH with *out and name_out filled in (resolving it
 * here would block the loop: the caller resolves it with name_lookup.h).
 *
 * The list owns its memory (master_list_finish frees; NULL and a zeroed
 * list are fine). Errors: -EINVAL (err: one line), -ENOMEM, -ENOENT (a
 * name with no address).
 */
#ifndef EM_MESOS_MASTER_LIST_H
#define EM_MESOS_MASTER_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "net/url.h"

#define SCHED_API_PATH "/api/v1/scheduler"

struct master_entry {
	struct url url;             /* numeric host, path ends in /api/v1/scheduler */
	char name[URL_MAX_HOST];    /* the host as configured (name or address) */
};

struct master_list {
	bool is_zk;
	struct zk_uri zk;           /* is_zk */
	struct master_entry *v;     /* !is_zk */
	size_t n;
};

int master_list_init(struct master_list *l, const char *spec, bool https,
		     char *err, size_t errlen);
void master_list_finish(struct master_list *l);

/* name_out (URL_MAX_HOST bytes) gets the host to verify with TLS. */
int master_list_redirect(const struct master_list *l, const struct url *base,
			 const char *location, struct url *out, char *name_out,
			 char *err, size_t errlen);

/* True for a numeric IPv4/IPv6 address or "localhost". */
bool master_host_is_numeric(const char *host);

#endif
