/*
 * fuzz_url — url_parse, url_resolve_location and master_spec_parse.
 * A parsed URL formats to a string that parses back to the same URL; an
 * error message is one line that never shows what followed "user:".
 */
#include "net/url.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void same(const struct url *a, const struct url *b)
{
	CHECK(a->tls == b->tls && a->ipv6 == b->ipv6 && a->port == b->port);
	CHECK(strcmp(a->host, b->host) == 0 && strcmp(a->path, b->path) == 0);
}

static void check_url(const struct url *u)
{
	CHECK(u->port >= 1 && u->host[0] && u->path[0] == '/');
	char s[URL_MAX_HOST + URL_MAX_PATH + 32], err[512];
	struct url v;
	CHECK(url_format(u, s, sizeof s) < sizeof s);
	CHECK(url_parse(s, &v, err, sizeof err) == 0);
	same(u, &v);
}

static bool printable(const char *s, const char *end)
{
	for (; s < end; s++) {
		if (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return false;
	}
	return true;
}

static void check_err(const char *err)
{
	CHECK(strchr(err, '\n') == NULL && strlen(err) < 512);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1), err[512];
	memcpy(s, data, size);
	s[size] = 0;

	struct url u, base;
	if (url_parse(s, &u, err, sizeof err) == 0) {
		check_url(&u);
	} else {
		check_err(err);
		/* user info never shows: stars replace it right after the scheme */
		const char *sep = strstr(s, "://");
		if (sep && strchr(sep + 3, '@') && !memchr(s, '/', (size_t)(sep - s)) &&
		    !memchr(s, '@', (size_t)(sep - s)) && sep - s < 8 && printable(s, sep))
			CHECK(strncmp(err + 1 + (sep - s), "://***@", 7) == 0);
	}

	CHECK(url_parse("http://m1:5050/api/v1/scheduler", &base, err, sizeof err) == 0);
	if (url_resolve_location(&base, s, &u, err, sizeof err) == 0)
		check_url(&u);
	else
		check_err(err);

	struct master_spec m;
	if (master_spec_parse(s, &m, err, sizeof err) == 0) {
		CHECK(m.is_zk || (m.n >= 1 && m.n <= MASTER_MAX_URLS));
		for (size_t i = 0; i < m.n; i++)
			check_url(&m.urls[i]);
	} else {
		check_err(err);
		CHECK(m.urls == NULL && m.n == 0);
	}
	master_spec_finish(&m);
	free(s);
	return 0;
}
