/*
 * ident — validators for the strings that travel between scheduler and
 * executor and end up in etcd's argv: member names, tokens and ids, host
 * addresses, file paths and peer URLs.
 *
 * Every accepted string is made of characters that mean nothing to a
 * shell (no space, quote, '$', '`', ';', '|', '&', '<', '>', '(', ')',
 * '*', '?', '[', ']', '{', '}', '~', '#', '!', '\\', '=' or control
 * character), so a value can never change the meaning of a command line,
 * even if someone pastes one into a shell.
 *
 * Pure functions: no allocation, no I/O, no global state. NULL is never
 * valid.
 */
#ifndef EM_CLUSTER_IDENT_H
#define EM_CLUSTER_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDENT_NAME_MAX   63    /* member names */
#define IDENT_TOKEN_MAX  128   /* cluster tokens, reseed ids, request ids */
#define IDENT_HOST_MAX   253   /* DNS names; IPv6 literals are shorter */
#define IDENT_PATH_MAX   1023
#define IDENT_URL_MAX    279   /* "https://" + "[" host "]" + ":65535" */

/* [a-z0-9-], 1..63 characters, starting with a letter or digit
 * ("etcd-3", and the original's "etcd-1448921329"). */
bool ident_is_member_name(const char *s);

/* [A-Za-z0-9._-], 1..128 characters, starting with a letter or digit. */
bool ident_is_token(const char *s);

/* An IPv4 dotted quad or an IPv6 literal without brackets. Sets *family
 * (4 or 6) when it is one and family is not NULL. */
bool ident_is_ip(const char *s, int *family);

/* An IP literal (as above) or a DNS name: labels of [A-Za-z0-9-], 1..63
 * characters, not starting or ending with '-', joined by single dots,
 * 253 characters at most; an all-numeric name that is not an IPv4
 * address (e.g. "10.0.0.300") is refused. */
bool ident_is_host(const char *s);

/* [A-Za-z0-9._/+@:-], 1..1023 characters, with no ".." path component
 * and no empty component ("a//b"); absolute or relative. */
bool ident_is_path(const char *s);
bool ident_is_relative_path(const char *s);

/* 1..65535 */
bool ident_is_port(long long p);

struct ident_url {
	bool tls;                       /* https */
	char host[IDENT_HOST_MAX + 1];  /* without IPv6 brackets */
	uint16_t port;
};

/* Parses "http://host:port" or "https://host:port" (IPv6 in brackets;
 * the port is required, without leading zeros; no path, not even a
 * trailing '/', which etcd refuses in its URL flags; no user, query or
 * fragment). Returns 0 or -EINVAL. out may be NULL. */
int ident_parse_url(const char *s, struct ident_url *out);

/* Writes "<scheme>://<host>:<port>" (brackets around an IPv6 host) into
 * out. Returns 0, or -ENAMETOOLONG when it does not fit. */
int ident_format_url(char *out, size_t outlen, bool tls, const char *host,
		     uint16_t port);

#endif
