/*
 * fuzz_zk_uri — zk_uri_parse. A parsed URI rebuilt from its parts parses
 * to the same parts; the chroot is never "/" and never ends with '/';
 * the display form and error messages never show the credentials.
 */
#include "net/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1), err[512];
	memcpy(s, data, size);
	s[size] = 0;

	struct zk_uri z, z2;
	if (zk_uri_parse(s, &z, err, sizeof err) == 0) {
		size_t cl = strlen(z.chroot);
		CHECK(z.hosts[0] && z.chroot[0] == '/' && cl > 1 && z.chroot[cl - 1] != '/');
		CHECK(!strstr(z.chroot, "//"));
		size_t n = strlen(z.hosts) + cl + (z.credentials ? strlen(z.credentials) : 0) + 16;
		char *again = malloc(n), *disp = malloc(n);
		snprintf(again, n, "zk://%s%s%s%s", z.credentials ? z.credentials : "",
			 z.credentials ? "@" : "", z.hosts, z.chroot);
		/* (default ports make the rebuilt URI longer; past 4096 it is refused) */
		if (strlen(again) <= 4096) {
			CHECK(zk_uri_parse(again, &z2, err, sizeof err) == 0);
			CHECK(strcmp(z.hosts, z2.hosts) == 0 && strcmp(z.chroot, z2.chroot) == 0);
			CHECK(!z.credentials == !z2.credentials);
			CHECK(!z.credentials || strcmp(z.credentials, z2.credentials) == 0);
			zk_uri_finish(&z2);
		}
		zk_uri_display(&z, disp, n);
		snprintf(again, n, "zk://%s%s%s", z.credentials ? "***@" : "", z.hosts, z.chroot);
		CHECK(strcmp(disp, again) == 0);
		free(again);
		free(disp);
	} else {
		CHECK(!z.hosts && !z.chroot && !z.credentials);
		CHECK(!strchr(err, '\n'));
		/* credentials (up to the last at-sign before the path) never show:
		 * the quoted value starts with zk:// then three stars and the at-sign */
		if (strncasecmp(s, "zk://", 5) == 0 && strlen(s) <= 4096) {
			const char *slash = strchr(s + 5, '/');
			const char *at = memchr(s + 5, '@', (size_t)((slash ? slash : s + size) - (s + 5)));
			if (at && memchr(s, 0, size) == NULL)
				CHECK(strncmp(err + 3, "://***@", 7) == 0);
		}
	}
	zk_uri_finish(&z);
	free(s);
	return 0;
}
