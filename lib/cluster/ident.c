#include "cluster/ident.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool ident_is_member_name(const char *s)
{
	size_t n = 0;
	if (!s || !is_lower_alnum(s[0]))
		return false;
	for (; s[n]; n++)
		if (!is_lower_alnum(s[n]) && s[n] != '-')
			return false;
	return n <= IDENT_NAME_MAX;
}

bool ident_is_token(const char *s)
{
	size_t n = 0;
	if (!s || !is_alnum(s[0]))
		return false;
	for (; s[n]; n++)
		if (!is_alnum(s[n]) && !strchr("._-", s[n]))
			return false;
	return n <= IDENT_TOKEN_MAX;
}

bool ident_is_ip(const char *s, int *family)
{
	unsigned char addr[16];
	if (!s || strlen(s) > 45)
		return false;
	if (inet_pton(AF_INET, s, addr) == 1) {
		if (family)
			*family = 4;
		return true;
	}
	/* inet_pton accepts no zone ids ("%eth0"), which is what we want:
	 * a zone id means nothing on another host. */
	if (inet_pton(AF_INET6, s, addr) == 1) {
		if (family)
			*family = 6;
		return true;
	}
	return false;
}

bool ident_is_host(const char *s)
{
	size_t n, label = 0;
	bool all_numeric = true;

	if (!s || !*s)
		return false;
	if (ident_is_ip(s, NULL))
		return true;
	n = strlen(s);
	if (n > IDENT_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_alnum(c) && c != '-')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (!(c >= '0' && c <= '9'))
			all_numeric = false;
		if (++label > 63)
			return false;
	}
	if (label == 0 || s[n - 1] == '-')
		return false;
	/* "10.0.0.300" or "12345" look like addresses but are not. */
	return !all_numeric;
}

static bool path_chars_ok(const char *s, size_t *len)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!is_alnum(c) && !strchr("._/+@:-", c))
			return false;
	}
	*len = n;
	return n >= 1 && n <= IDENT_PATH_MAX;
}

bool ident_is_path(const char *s)
{
	size_t n;
	if (!s || !path_chars_ok(s, &n))
		return false;
	/* Walk the components: none may be "..", none empty except the
	 * leading one of an absolute path and a trailing '/'. */
	const char *p = s;
	if (*p == '/')
		p++;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		if (clen == 0)
			return false;
		if (clen == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (!slash)
			break;
		p = slash + 1;
	}
	return strcmp(s, "/") != 0;
}

bool ident_is_relative_path(const char *s)
{
	return ident_is_path(s) && s[0] != '/';
}

bool ident_is_port(long long p)
{
	return p >= 1 && p <= 65535;
}

int ident_parse_url(const char *s, struct ident_url *out)
{
	struct ident_url u;
	const char *p, *hend, *pstart;
	size_t hlen;
	unsigned long port = 0;

	memset(&u, 0, sizeof(u));
	if (!s)
		return -EINVAL;
	if (strncmp(s, "http://", 7) == 0) {
		p = s + 7;
	} else if (strncmp(s, "https://", 8) == 0) {
		u.tls = true;
		p = s + 8;
	} else {
		return -EINVAL;
	}
	if (*p == '[') {
		hend = strchr(p, ']');
		if (!hend || hend[1] != ':')
			return -EINVAL;
		hlen = (size_t)(hend - p - 1);
		if (hlen == 0 || hlen > IDENT_HOST_MAX)
			return -EINVAL;
		memcpy(u.host, p + 1, hlen);
		u.host[hlen] = '\0';
		int fam = 0;
		if (!ident_is_ip(u.host, &fam) || fam != 6)
			return -EINVAL;
		pstart = hend + 2;
	} else {
		hend = strchr(p, ':');
		if (!hend)
			return -EINVAL;
		hlen = (size_t)(hend - p);
		if (hlen == 0 || hlen > IDENT_HOST_MAX)
			return -EINVAL;
		memcpy(u.host, p, hlen);
		u.host[hlen] = '\0';
		int fam = 0;
		/* An unbracketed IPv6 literal cannot get here whole (its ':'
		 * ends the host), but "::1" would leave an empty host. */
		if (!ident_is_host(u.host) || (ident_is_ip(u.host, &fam) && fam == 6))
			return -EINVAL;
		pstart = hend + 1;
	}
	/* The port: 1..5 digits, then the end or a lone '/'. */
	size_t i = 0;
	if (pstart[0] == '0')
		return -EINVAL;
	for (; pstart[i] >= '0' && pstart[i] <= '9'; i++) {
		if (i >= 5)
			return -EINVAL;
		port = port * 10 + (unsigned long)(pstart[i] - '0');
	}
	if (i == 0 || !ident_is_port((long long)port))
		return -EINVAL;
	if (pstart[i] != '\0')
		return -EINVAL;
	if (strlen(s) > IDENT_URL_MAX)
		return -EINVAL;
	u.port = (uint16_t)port;
	if (out)
		*out = u;
	return 0;
}

int ident_format_url(char *out, size_t outlen, bool tls, const char *host,
		     uint16_t port)
{
	int fam = 0;
	bool v6 = ident_is_ip(host, &fam) && fam == 6;
	int n = snprintf(out, outlen, "%s://%s%s%s:%u", tls ? "https" : "http",
			 v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port);
	if (n < 0 || (size_t)n >= outlen)
		return -ENAMETOOLONG;
	return 0;
}
