/*
 * test_url — http(s) URLs, redirect locations, zk:// URIs and Mesos master
 * strings (net/url.h): what each accepts, what it refuses and that the
 * refusal quotes the value, shows the expected form and hides secrets.
 */
#include "net/url.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define URL_FORM "http[s]://host[:port][/path]"
#define ZK_FORM "zk://[user:password@]host1:port1,host2:port2/path"

static const struct {
	const char *in;
	const char *host;     /* NULL: refused; then "path" holds a word of the message */
	unsigned port;
	const char *path;
	bool tls, ipv6;
} urls[] = {
	{ "http://127.0.0.1:5050", "127.0.0.1", 5050, "/" },
	{ "HTTPS://Example.com", "Example.com", 443, "/", true },
	{ "http://m.example:80/api/v1?x=1&y=%2F#frag", "m.example", 80, "/api/v1?x=1&y=%2F" },
	{ "http://h?x=1", "h", 80, "/?x=1" },
	{ "http://h#f", "h", 80, "/" },
	{ "http://[::1]:8080/x", "::1", 8080, "/x", false, true },
	{ "https://[2001:db8::7]", "2001:db8::7", 443, "/", true, true },
	{ "http://h:65535", "h", 65535, "/" },
	{ "http://h:1", "h", 1, "/" },
	{ "http://h:00080", "h", 80, "/" },
	{ "http://under_score.local-1~x", "under_score.local-1~x", 80, "/" },
	{ "http://[fe80::1%25eth0]/", NULL, 0, "zone ids" },
	{ "http://[::1", NULL, 0, "unterminated" },
	{ "http://[::1]x/", NULL, 0, "after the IPv6" },
	{ "http://[]/", NULL, 0, "bad IPv6" },
	{ "http://[zz::1]/", NULL, 0, "bad IPv6" },
	{ "http://h:0", NULL, 0, "port 0 out of range" },
	{ "http://h:65536", NULL, 0, "port 65536 out of range" },
	{ "http://h:99999999999999999999999", NULL, 0, "out of range" },
	{ "http://h:", NULL, 0, "empty port" },
	{ "http://h:12a", NULL, 0, "not a number" },
	{ "http://h:-1", NULL, 0, "not a number" },
	{ "http://h:80:90", NULL, 0, "not a number" },
	{ "http://user:hunter2@h/", NULL, 0, "user info" },
	{ "http://@h/", NULL, 0, "user info" },
	{ "ftp://h/", NULL, 0, "scheme must be http or https" },
	{ "h:5050", NULL, 0, "missing http:// or https://" },
	{ "", NULL, 0, "missing http" },
	{ "http://", NULL, 0, "empty host" },
	{ "http:///x", NULL, 0, "empty host" },
	{ "http://:80/x", NULL, 0, "empty host" },
	{ "http://h/a b", NULL, 0, "percent-encoded" },
	{ "http://h/caf\xc3\xa9", NULL, 0, "percent-encoded" },
	{ "http://ex ample.com/", NULL, 0, "bad byte 0x20" },
	{ "http://h\x01/", NULL, 0, "bad byte 0x01" },
	{ "http://h%41/", NULL, 0, "bad character '%'" },
};

static void test_urls(void)
{
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		struct url u;
		char err[512] = "";
		int rc = url_parse(urls[i].in, &u, err, sizeof err);
		if (urls[i].host) {
			ok(rc == 0 && strcmp(u.host, urls[i].host) == 0 && u.port == urls[i].port &&
			   strcmp(u.path, urls[i].path) == 0 && u.tls == urls[i].tls &&
			   u.ipv6 == urls[i].ipv6, "url %zu accepted: %s", i, urls[i].in);
			if (rc)
				note("  %s", err);
		} else {
			ok(rc == -EINVAL && strstr(err, urls[i].path) && strstr(err, URL_FORM) &&
			   err[0] == '"', "url %zu refused (%s)", i, urls[i].path);
			if (rc == 0 || !strstr(err, urls[i].path))
				note("  rc %d: %s", rc, err);
		}
	}

	struct url u;
	char err[512];
	url_parse("http://user:hunter2@h/", &u, err, sizeof err);
	ok(!strstr(err, "hunter2") && strstr(err, "***@h/"), "credentials never echoed: %s", err);

	char host[300] = "http://", out[400];
	memset(host + 7, 'a', 253);
	host[260] = 0;
	ok(url_parse(host, &u, err, sizeof err) == 0 && strlen(u.host) == 253, "253-byte host");
	strcat(host, "a");
	ok(url_parse(host, &u, err, sizeof err) == -EINVAL && strstr(err, "253"), "254-byte host");
	ok(strstr(err, "...\"") != NULL, "a long value is cut in the message");

	static char longpath[URL_MAX_PATH + 20];
	strcpy(longpath, "http://h");
	memset(longpath + 8, '/', URL_MAX_PATH - 1);
	longpath[8 + URL_MAX_PATH - 1] = 0;
	ok(url_parse(longpath, &u, err, sizeof err) == 0, "path of URL_MAX_PATH - 1 bytes");
	strcat(longpath, "/");
	ok(url_parse(longpath, &u, err, sizeof err) == -EINVAL, "one byte more is refused");

	char small[8];
	ok(url_parse("ftp://x", &u, small, sizeof small) == -EINVAL && strlen(small) == 7,
	   "a short error buffer is cut and terminated");
	ok(url_parse("ftp://x", &u, NULL, 0) == -EINVAL, "NULL error buffer");

	url_parse("http://[::1]:2379/v3/kv/range", &u, err, sizeof err);
	url_authority(&u, out, sizeof out);
	is_str(out, "[::1]:2379", "authority of an IPv6 URL");
	url_format(&u, out, sizeof out);
	is_str(out, "http://[::1]:2379/v3/kv/range", "format");
	url_parse("https://m1", &u, err, sizeof err);
	ok(url_format(&u, out, 4) == strlen("https://m1:443/") && strlen(out) == 3,
	   "format reports the length it needed");
}

static void test_locations(void)
{
	static const struct {
		bool base_tls;
		const char *loc;
		const char *want;     /* formatted result, or NULL: refused */
	} cases[] = {
		{ false, "//m2.example:5050/api/v1/scheduler", "http://m2.example:5050/api/v1/scheduler" },
		{ true, "//m2:5050/x?y", "https://m2:5050/x?y" },
		{ true, "//m2/x", "https://m2:443/x" },
		{ false, "https://m3:5051/y", "https://m3:5051/y" },
		{ false, "m2:5050", "http://m2:5050/api/v1/scheduler" },
		{ true, "m2:5050/z", "https://m2:5050/z" },
		{ false, "/other#f", "http://m1:5050/other" },
		{ false, "", NULL },
		{ false, "//", NULL },
		{ false, "//u:p@m2/", NULL },
		{ false, "m2:x", NULL },
		{ false, "/a b", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct url base, out;
		char err[512] = "", s[600] = "";
		url_parse(cases[i].base_tls ? "https://m1:5050/api/v1/scheduler" :
			  "http://m1:5050/api/v1/scheduler", &base, err, sizeof err);
		int rc = url_resolve_location(&base, cases[i].loc, &out, err, sizeof err);
		if (rc == 0)
			url_format(&out, s, sizeof s);
		if (cases[i].want)
			ok(rc == 0 && strcmp(s, cases[i].want) == 0, "location \"%s\" -> %s (got %s)",
			   cases[i].loc, cases[i].want, rc ? err : s);
		else
			ok(rc == -EINVAL && err[0], "location \"%s\" refused: %s", cases[i].loc, err);
	}
}

static const struct {
	const char *in;
	const char *hosts;     /* NULL: refused; then chroot holds a word of the message */
	const char *chroot;
	const char *cred;
} zks[] = {
	{ "zk://h1:2181,h2:2182/mesos", "h1:2181,h2:2182", "/mesos" },
	{ "zk://zk1,zk2,zk3/etcd-mesos/a.b", "zk1:2181,zk2:2181,zk3:2181", "/etcd-mesos/a.b" },
	{ "ZK://h/x", "h:2181", "/x" },
	{ "zk://u:p@ss@h1/x", "h1:2181", "/x", "u:p@ss" },
	{ "zk://u:p:w@h1:1/x", "h1:1", "/x", "u:p:w" },
	{ "zk://u:@h1/x", "h1:2181", "/x", "u:" },
	{ "zk://[::1]:2182,[::2]/x@y", "[::1]:2182,[::2]:2181", "/x@y" },
	{ "zk://127.0.0.1:2181/...x/.y", "127.0.0.1:2181", "/...x/.y" },
	{ "zk://h1:2181", NULL, "missing chroot" },
	{ "zk://h1:2181/", NULL, "ZooKeeper root" },
	{ "zk://h1,,h2/x", NULL, "empty host" },
	{ "zk://,h/x", NULL, "empty host" },
	{ "zk://h,/x", NULL, "empty host" },
	{ "zk://h:0/x", NULL, "port 0 out of range" },
	{ "zk://h:70000/x", NULL, "port 70000 out of range" },
	{ "zk://h:/x", NULL, "empty port" },
	{ "zk://h:ab/x", NULL, "not a number" },
	{ "zk:///x", NULL, "no ZooKeeper server" },
	{ "zk://", NULL, "no ZooKeeper server" },
	{ "zk://u:p@/x", NULL, "no ZooKeeper server" },
	{ "zk://u@h/x", NULL, "user:password" },
	{ "zk://:p@h/x", NULL, "user:password" },
	{ "zk://@h/x", NULL, "user:password" },
	{ "zk://h/x/", NULL, "end with '/'" },
	{ "zk://h/a//b", NULL, "empty component" },
	{ "zk://h/a/../b", NULL, "\"..\"" },
	{ "zk://h/./b", NULL, "\"..\"" },
	{ "zk://h/a b", NULL, "space" },
	{ "zk://h b/x", NULL, "bad byte 0x20" },
	{ "http://h/x", NULL, "missing zk://" },
	{ "h:2181/x", NULL, "missing zk://" },
	{ "zk://[::1/x", NULL, "unterminated" },
};

static void test_zk(void)
{
	for (size_t i = 0; i < sizeof zks / sizeof zks[0]; i++) {
		struct zk_uri z;
		char err[512] = "";
		int rc = zk_uri_parse(zks[i].in, &z, err, sizeof err);
		if (zks[i].hosts) {
			ok(rc == 0 && strcmp(z.hosts, zks[i].hosts) == 0 &&
			   strcmp(z.chroot, zks[i].chroot) == 0 &&
			   (zks[i].cred ? z.credentials && strcmp(z.credentials, zks[i].cred) == 0
					: z.credentials == NULL),
			   "zk %zu accepted: %s", i, zks[i].in);
			if (rc)
				note("  %s", err);
		} else {
			ok(rc == -EINVAL && strstr(err, zks[i].chroot) && strstr(err, ZK_FORM) &&
			   z.hosts == NULL && z.chroot == NULL && z.credentials == NULL,
			   "zk %zu refused (%s)", i, zks[i].chroot);
			if (rc == 0 || !strstr(err, zks[i].chroot) || !strstr(err, ZK_FORM))
				note("  rc %d: %s", rc, err);
		}
		zk_uri_finish(&z);
	}

	struct zk_uri z;
	char err[512], out[256];
	ok(zk_uri_parse("zk://admin:hunter2@h:99999/x", &z, err, sizeof err) == -EINVAL &&
	   !strstr(err, "hunter2") && strstr(err, "\"zk://***@h:99999/x\""),
	   "credentials never echoed: %s", err);
	ok(zk_uri_parse("zk://admin:hunter2@h1,h2:2/x", &z, err, sizeof err) == 0, "parse");
	zk_uri_display(&z, out, sizeof out);
	is_str(out, "zk://***@h1:2181,h2:2/x", "display hides credentials");
	zk_uri_finish(&z);
	zk_uri_finish(&z);
	zk_uri_finish(NULL);
	ok(1, "finish twice and on NULL");

	char *big = malloc(5000);
	strcpy(big, "zk://h/");
	memset(big + 7, 'a', 4990);
	big[4997] = 0;
	ok(zk_uri_parse(big, &z, err, sizeof err) == -EINVAL && strstr(err, "longer than"),
	   "an overlong URI is refused");
	free(big);
}

static void test_master(void)
{
	struct master_spec m;
	char err[512];

	ok(master_spec_parse("127.0.0.1:5050", &m, err, sizeof err) == 0 && !m.is_zk &&
	   m.n == 1 && m.urls[0].port == 5050 && !m.urls[0].tls &&
	   strcmp(m.urls[0].path, "/") == 0, "host:port");
	master_spec_finish(&m);
	ok(master_spec_parse("m1", &m, err, sizeof err) == 0 && m.n == 1 &&
	   m.urls[0].port == MESOS_DEFAULT_PORT, "a bare host gets 5050");
	master_spec_finish(&m);
	ok(master_spec_parse("m1:5050,[::1]:5051,http://m3,https://m4:8443/prefix", &m, err,
			     sizeof err) == 0 && m.n == 4 && m.urls[1].ipv6 &&
	   m.urls[1].port == 5051 && m.urls[2].port == 80 && m.urls[3].tls &&
	   strcmp(m.urls[3].path, "/prefix") == 0, "a mixed list");
	master_spec_finish(&m);
	ok(master_spec_parse("zk://z1:2181,z2/mesos", &m, err, sizeof err) == 0 && m.is_zk &&
	   strcmp(m.zk.hosts, "z1:2181,z2:2181") == 0 && strcmp(m.zk.chroot, "/mesos") == 0,
	   "zk:// master");
	master_spec_finish(&m);

	static const struct { const char *in, *word; } bad[] = {
		{ "", "empty" },
		{ "m1,,m2", "empty entry" },
		{ "m1,", "empty entry" },
		{ "file:///etc/mesos/zk", "file://" },
		{ "ftp://m1", "scheme" },
		{ "m1:x", "not a number" },
		{ "m1:0", "out of range" },
		{ "zk://z1", "missing chroot" },
		{ "user:hunter2@m1:5050", "user info" },
		{ "user:hunter2@m1:5050/a://b", "user info" },
		{ "m0,http://user:hunter2@m1:5050", "user info" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = master_spec_parse(bad[i].in, &m, err, sizeof err);
		ok(rc == -EINVAL && strstr(err, bad[i].word) && !strstr(err, "hunter2") &&
		   m.urls == NULL && m.n == 0, "master \"%s\" refused: %s", bad[i].in, err);
		master_spec_finish(&m);
	}
	char list[400] = "m0";
	for (int i = 1; i <= MASTER_MAX_URLS; i++)
		sprintf(list + strlen(list), ",m%d", i);
	ok(master_spec_parse(list, &m, err, sizeof err) == -EINVAL && strstr(err, "more than"),
	   "too many masters");
	master_spec_finish(&m);
	master_spec_finish(NULL);
}

int main(void)
{
	test_urls();
	test_locations();
	test_zk();
	test_master();
	return done_testing();
}
