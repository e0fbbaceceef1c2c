/*
 * url — parsers for the addresses operators type: http(s) URLs, the
 * Location of a redirect, zk:// URIs, and Mesos master strings.
 *
 * Every parser takes a NUL-terminated string and returns 0, -EINVAL
 * (malformed; err holds one line quoting the value, saying what is wrong
 * and the expected form) or -ENOMEM. err may be NULL; it is always
 * NUL-terminated when errlen > 0. Callers prefix the flag name:
 *   log_error("-master=%s", err)  ->  -master="http://m:0": port 0 ...
 * Quoted values have control bytes escaped, are cut after 200 bytes, and
 * never show credentials (replaced by "***").
 * Nothing here does I/O, logs or keeps global state.
 *
 * http(s) URLs:  scheme "://" host [":" port] [path] ["?" query] ["#" frag]
 *   - scheme http or https (any case); nothing else;
 *   - host: a name or IPv4 address of letters, digits, '-', '.', '_', '~'
 *     (at most 253 bytes), or an IPv6 literal in brackets ("[::1]"; zone
 *     ids are refused); stored without brackets, ipv6 set;
 *   - port 1..65535, decimal digits only; absent means 80 / 443; an empty
 *     port ("h:") is refused;
 *   - user info ("user:pw@host") is REFUSED: credentials in a URL end up
 *     in logs, process lists and Mesos' UI; pass them by flag or file;
 *   - path and query: visible ASCII (percent-encode the rest), at most
 *     URL_MAX_PATH - 1 bytes, "/" when empty; a fragment is dropped.
 *
 * zk:// URIs:  zk://[user:password@]host1[:port1],host2[:port2]/path
 *   - the path starts at the first '/' after "zk://"; the credentials end
 *     at the last '@' before it (so a password may hold '@' and ':' but
 *     not '/', as in Mesos' own parser); user must be non-empty and
 *     followed by ':';
 *   - hosts as above (IPv6 in brackets kept with brackets in the list);
 *     port 1..65535, 2181 when absent; no empty entry;
 *   - path: the chroot, '/'-separated non-empty components of visible
 *     ASCII, no "." or "..", no trailing '/'; "/" alone or no path at all
 *     is refused (a framework must not write at the ZooKeeper root).
 *
 * Mesos master strings (the -master flag):
 *   host[:port] | host1:port1,host2:port2 | http(s)://host[:port][/prefix]
 *   (comma lists may mix the two) | zk://... as above.
 *   A bare host gets port 5050; a URL keeps URL rules (80/443). file://
 *   forms are refused with a hint to put the URL itself in the flag.
 */
#ifndef EM_NET_URL_H
#define EM_NET_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX_HOST 254   /* 253 + NUL */
#define URL_MAX_PATH 2048
#define ZK_DEFAULT_PORT 2181
#define MESOS_DEFAULT_PORT 5050

struct url {
	bool tls;                   /* https */
	bool ipv6;                  /* host is an IPv6 literal (no brackets) */
	uint16_t port;
	char host[URL_MAX_HOST];
	char path[URL_MAX_PATH];    /* path and query, starts with '/' */
};

int url_parse(const char *s, struct url *u, char *err, size_t errlen);

/* The Location of a redirect, against the URL that was asked (base):
 * "http(s)://h:p/x" as is; "//h:p/x" keeps base's scheme; "/x" keeps
 * base's host and port; a bare "h:p" or "h:p/x" (Mesos' doc shows
 * "masterhost2:5050") keeps base's scheme, and base's path if it has none. */
int url_resolve_location(const struct url *base, const char *loc, struct url *out,
			 char *err, size_t errlen);

/* "host:port" / "[v6]:port" (for Host headers and logs). Returns the
 * length it needed, like snprintf. */
size_t url_authority(const struct url *u, char *out, size_t len);
/* "http(s)://authority/path". Returns the length it needed. */
size_t url_format(const struct url *u, char *out, size_t len);

struct zk_uri {
	char *hosts;         /* "h1:2181,h2:2181", what zookeeper_init() wants */
	char *chroot;        /* "/mesos" */
	char *credentials;   /* "user:password" for zoo_add_auth("digest"), or NULL */
};

/* On success z owns three heap strings (zk_uri_finish frees them); on
 * failure z holds nothing to free. */
int zk_uri_parse(const char *s, struct zk_uri *z, char *err, size_t errlen);
/* Frees the strings and zeroes z; accepts NULL and a zeroed struct. */
void zk_uri_finish(struct zk_uri *z);
/* "zk://[***@]hosts/chroot" for logs. Returns the length it needed. */
size_t zk_uri_display(const struct zk_uri *z, char *out, size_t len);

struct master_spec {
	bool is_zk;
	struct zk_uri zk;    /* is_zk */
	struct url *urls;    /* !is_zk: n URLs, heap, in the given order */
	size_t n;
};

#define MASTER_MAX_URLS 32

/* Same ownership rules as zk_uri_parse; master_spec_finish frees. */
int master_spec_parse(const char *s, struct master_spec *m, char *err, size_t errlen);
void master_spec_finish(struct master_spec *m);

#endif
