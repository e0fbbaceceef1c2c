/*
 * fuzz_zk_uri — zk_uri_parse. A parsed URI rebuilt from its parts parses
 * to the same parts; the chroot is never "/" and never ends with '/';
 * the display form and error messages never show the credentials.
 */
#include "net/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		CHECK(zk_uri_parse(again, &z2, err, sizeof err) == 0);
		CHECK(strcmp(z.hosts, z2.hosts) == 0 && strcmp(z.chroot, z2.chroot) == 0);
		CHECK(!z.credentials == !z2.credentials);
		CHECK(!z.credentials || strcmp(z.credentials, z2.credentials) == 0);
		zk_uri_display(&z, disp, n);
		snprintf(again, n, "zk://%s%s%s", z.credentials ? "***@" : "", z.hosts, z.chroot);
		CHECK(strcmp(disp, again) == 0);
		zk_uri_finish(&z2);
		free(again);
		free(disp);
	} else {
		CHECK(!z.hosts && !z.chroot && !z.credentials);
		CHECK(!strchr(err, '\n'));
		/* the password of a well-formed credential part is never echoed */
		const char *sch = strstr(s, "zk://");
		const char *at = NULL, *slash = sch ? strchr(sch + 5, '/') : NULL;
		for (const char *p = sch ? sch + 5 : s; sch && *p && (!slash || p < slash); p++)
			if (*p == '@')
				at = p;
		if (sch == s && at) {
			const char *colon = memchr(s + 5, ':', (size_t)(at - s - 5));
			if (colon && at - colon > 8) {
				char pw[16];
				memcpy(pw, colon + 1, 8);
				pw[8] = 0;
				if (!strstr(at, pw))   /* not also in the visible part */
					CHECK(!strstr(err, pw));
			}
		}
	}
	zk_uri_finish(&z);
	free(s);
	return 0;
}
