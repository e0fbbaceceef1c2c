/*
 * http_client_util — helpers for HTTP client users that need no loop:
 * the Basic authorization value and blocking name resolution for
 * configuration time. See http_client.h.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/strutil.h"
#include "net/http_client.h"
#include "net/sockio.h"

int http_basic_auth(const char *user, const char *pass, char *out, size_t outlen)
{
	char plain[512];
	int n;

	if (strchr(user, ':'))
		return -EINVAL;
	n = snprintf(plain, sizeof plain, "%s:%s", user, pass);
	if (n < 0 || (size_t)n >= sizeof plain)
		return -ENOSPC;
	if (outlen < 6 + base64_encoded_len((size_t)n) + 1)
		return -ENOSPC;
	memcpy(out, "Basic ", 6);
	base64_encode(plain, (size_t)n, out + 6, outlen - 6);
	explicit_bzero(plain, sizeof plain);
	return 0;
}

int http_resolve_blocking(const char *host, char *out, size_t outlen)
{
	struct addrinfo hints, *res = NULL, *ai, *pick = NULL;
	struct sockaddr_storage ss;
	socklen_t sl;
	char a[80];

	if (!host || !*host)
		return -EINVAL;
	if (sockio_parse_addr(host, 0, &ss, &sl) == 0) {
		sockio_addr_str((struct sockaddr *)&ss, a, sizeof a);
		/* strip ":0" and brackets */
		char *colon = strrchr(a, ':');
		if (colon)
			*colon = '\0';
		if (a[0] == '[') {
			a[strlen(a) - 1] = '\0';
			str_copy(out, a + 1, outlen);
		} else {
			str_copy(out, a, outlen);
		}
		return 0;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return -ENOENT;
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			pick = ai;
			break;
		}
		if (ai->ai_family == AF_INET6 && !pick)
			pick = ai;
	}
	if (!pick) {
		freeaddrinfo(res);
		return -ENOENT;
	}
	sockio_addr_str(pick->ai_addr, a, sizeof a);
	freeaddrinfo(res);
	{
		char *colon = strrchr(a, ':');
		if (colon)
			*colon = '\0';
		if (a[0] == '[') {
			a[strlen(a) - 1] = '\0';
			str_copy(out, a + 1, outlen);
		} else {
			str_copy(out, a, outlen);
		}
	}
	return 0;
}
