/* ident: the validators behind every string of the contract. */
#include "cluster/ident.h"
#include "tap.h"

#include <string.h>

static void hosts(void)
{
	static const struct { const char *s; bool ok; } rows[] = {
		{ "10.0.0.5", true }, { "127.0.0.1", true }, { "::1", true }, { "fd00::5", true },
		{ "node-1", true }, { "node-1.example.com", true }, { "A.B", true }, { "x", true },
		{ "1a", true }, { "10.0.0.300", false }, { "12345", false }, { "1.2.3", false },
		{ "", false }, { "-a", false }, { "a-", false }, { "a..b", false }, { ".a", false },
		{ "a.", false }, { "a_b", false }, { "a b", false }, { "a;b", false }, { "$(x)", false },
		{ "fe80::1%eth0", false }, { "[::1]", false }, { "a-.b", false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ok(ident_is_host(rows[i].s) == rows[i].ok, "host \"%s\" %s", rows[i].s,
		   rows[i].ok ? "accepted" : "refused");
	char label[70];
	memset(label, 'a', 64);
	label[64] = '\0';
	ok(!ident_is_host(label), "a 64-character label is refused");
	label[63] = '\0';
	ok(ident_is_host(label), "63 is fine");
}

/* For test names: control characters shown as '?'. */
static const char *shown(const char *s)
{
	static char out[128];
	size_t i = 0;
	for (; s[i] && i < sizeof(out) - 1; i++)
		out[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	out[i] = '\0';
	return out;
}

static void paths(void)
{
	static const struct { const char *s; bool ok, rel; } rows[] = {
		{ "etcd_data", true, true }, { "./etcd", true, true }, { "/usr/bin/etcd", true, false },
		{ "vol/etcd/", true, true }, { "a/./b", true, true }, { "a+b@c:d", true, true },
		{ "..", false, false }, { "../a", false, false }, { "a/../b", false, false },
		{ "a/..", false, false }, { "a//b", false, false }, { "/", false, false },
		{ "", false, false }, { "a b", false, false }, { "a;b", false, false },
		{ "$HOME", false, false }, { "a\nb", false, false }, { "a=b", false, false },
		{ "a*", false, false }, { "~/x", false, false }, { "..a", true, true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ok(ident_is_path(rows[i].s) == rows[i].ok, "path \"%s\" %s", shown(rows[i].s),
		   rows[i].ok ? "accepted" : "refused");
		ok(ident_is_relative_path(rows[i].s) == rows[i].rel, "  relative: %d", rows[i].rel);
	}
}

static void urls(void)
{
	static const struct { const char *s; int rc; bool tls; const char *host; unsigned port; } rows[] = {
		{ "http://10.0.0.5:2380", 0, false, "10.0.0.5", 2380 },
		{ "https://node-1.example:1", 0, true, "node-1.example", 1 },
		{ "http://[fd00::5]:65535", 0, false, "fd00::5", 65535 },
		{ "http://[::1]:2380", 0, false, "::1", 2380 },
		{ "http://10.0.0.5:65536", -22, false, NULL, 0 },
		{ "http://10.0.0.5:0", -22, false, NULL, 0 },
		{ "http://10.0.0.5:02380", -22, false, NULL, 0 },
		{ "http://10.0.0.5:", -22, false, NULL, 0 },
		{ "http://10.0.0.5", -22, false, NULL, 0 },
		{ "http://:2380", -22, false, NULL, 0 },
		{ "http://10.0.0.5:2380/", -22, false, NULL, 0 },
		{ "http://10.0.0.5:2380/x", -22, false, NULL, 0 },
		{ "http://u@10.0.0.5:2380", -22, false, NULL, 0 },
		{ "http://10.0.0.5:2380?a", -22, false, NULL, 0 },
		{ "unix://10.0.0.5:2380", -22, false, NULL, 0 },
		{ "HTTP://10.0.0.5:2380", -22, false, NULL, 0 },
		{ "http://[10.0.0.5]:2380", -22, false, NULL, 0 },
		{ "http://[fd00::5]", -22, false, NULL, 0 },
		{ "http://fd00::5:2380", -22, false, NULL, 0 },
		{ "http://10.0.0.5:123456", -22, false, NULL, 0 },
		{ "http://a b:1", -22, false, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ident_url u;
		memset(&u, 0, sizeof(u));
		int rc = ident_parse_url(rows[i].s, &u);
		if (rows[i].rc == 0)
			ok(rc == 0 && u.tls == rows[i].tls && strcmp(u.host, rows[i].host) == 0 &&
			   u.port == rows[i].port, "URL \"%s\" parses", rows[i].s);
		else
			is_int(rc, rows[i].rc, "URL \"%s\" refused", rows[i].s);
	}
	char out[IDENT_URL_MAX + 1];
	ident_format_url(out, sizeof(out), true, "fd00::5", 443);
	is_str(out, "https://[fd00::5]:443", "format brackets an IPv6 host");
	ident_format_url(out, sizeof(out), false, "h", 80);
	is_str(out, "http://h:80", "format a name");
	char tiny[8];
	is_int(ident_format_url(tiny, sizeof(tiny), false, "h", 80), -36, "format reports a short buffer");
}

static void names(void)
{
	ok(ident_is_member_name("etcd-1448921329"), "the original's member names are names");
	ok(!ident_is_member_name("etcd.1"), "no dots in member names");
	ok(ident_is_token("etcd-mesos.fw_1-0001"), "tokens allow . _ -");
	ok(!ident_is_token("_x"), "tokens start with a letter or digit");
	ok(!ident_is_token("a:b"), "no colon in tokens");
	ok(ident_is_port(1) && ident_is_port(65535) && !ident_is_port(0) && !ident_is_port(65536) &&
	   !ident_is_port(-1), "ports are 1..65535");
	int fam = 0;
	ok(ident_is_ip("::", &fam) && fam == 6, ":: is IPv6");
	ok(ident_is_ip("0.0.0.0", &fam) && fam == 4, "0.0.0.0 is IPv4");
	ok(!ident_is_ip("localhost", NULL), "a name is not an IP");
}

int main(void)
{
	hosts();
	paths();
	urls();
	names();
	return done_testing();
}
