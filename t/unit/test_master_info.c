/*
 * test_master_info.c — the pure half of master detection (PROTOCOLS.md
 * D.2, D.3): which ZooKeeper child leads, JSON MasterInfo parsing; and
 * where a 307 sends SUBSCRIBE (A.4: //h:p/x, http(s)://h:p/x, bare h:p).
 */
#include "tap.h"

#include <errno.h>

#include "mesos/master_info.h"
#include "mesos/master_list.h"

static void test_kinds(void)
{
	static const struct {
		const char *name;
		enum master_node_kind kind;
		int64_t seq;
	} cases[] = {
		{ "json.info_0000000003", MASTER_NODE_JSON, 3 },
		{ "info_0000000012", MASTER_NODE_PROTOBUF, 12 },
		{ "0000000001", MASTER_NODE_UPID, 1 },
		{ "log_replicas", MASTER_NODE_NONE, 0 },
		{ "json.info_", MASTER_NODE_NONE, 0 },
		{ "json.info_12a", MASTER_NODE_NONE, 0 },
		{ "json.info_99999999999", MASTER_NODE_NONE, 0 },
		{ "json.info_4294967295", MASTER_NODE_NONE, 0 },
		{ "json.info_2147483647", MASTER_NODE_JSON, 2147483647 },
		{ "foo_0000000001", MASTER_NODE_NONE, 0 },
		{ "json_info_0000000001", MASTER_NODE_NONE, 0 },
		{ "", MASTER_NODE_NONE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t seq = -1;
		enum master_node_kind k = master_node_kind(cases[i].name, &seq);
		ok(k == cases[i].kind && (k == MASTER_NODE_NONE || seq == cases[i].seq),
		   "child \"%s\": kind %d seq %lld", cases[i].name, (int)cases[i].kind,
		   (long long)cases[i].seq);
	}
}

static void test_pick(void)
{
	const char *a[] = { "json.info_0000000007", "log_replicas", "json.info_0000000005",
			    "json.info_0000000009" };
	const char *b[] = { "log_replicas", "other" };
	const char *c[] = { "json.info_0000000004", "info_0000000002" };
	const char *d[] = { "json.info_0000000010", "json.info_0000000002" };
	enum master_node_kind k;

	is_int(master_pick_leader(a, 4, &k), 2, "lowest sequence leads");
	ok(k == MASTER_NODE_JSON, "leader is a json.info node");
	is_int(master_pick_leader(b, 2, &k), -1, "no master children: no leader");
	is_int(master_pick_leader(NULL, 0, &k), -1, "empty list: no leader");
	is_int(master_pick_leader(c, 2, &k), 1, "an old info_ node with the lowest sequence leads");
	ok(k == MASTER_NODE_PROTOBUF, "and is recognised as protobuf");
	is_int(master_pick_leader(d, 2, &k), 1, "numeric, not text, comparison");
}

static void test_json(void)
{
	static const struct {
		const char *json;
		int rc;
		const char *host;
		int port;
	} cases[] = {
		{ "{\"id\":\"m1\",\"ip\":16777343,\"port\":5050,\"pid\":\"master@127.0.0.1:5050\","
		  "\"hostname\":\"m1.example\",\"version\":\"1.12.0\",\"address\":{\"hostname\":"
		  "\"m1.example\",\"ip\":\"127.0.0.1\",\"port\":5050},\"capabilities\":[{\"type\":"
		  "\"AGENT_UPDATE\"}]}", 0, "127.0.0.1", 5050 },
		{ "{\"hostname\":\"m2.example\",\"port\":5051,\"address\":{\"hostname\":\"m2.example\","
		  "\"port\":5052}}", 0, "m2.example", 5052 },
		{ "{\"hostname\":\"m3\",\"port\":5053}", 0, "m3", 5053 },
		{ "{\"address\":{\"ip\":\"10.1.2.3\"},\"port\":5054}", 0, "10.1.2.3", 5054 },
		{ "{\"address\":{\"ip\":\"::1\",\"port\":5055}}", 0, "::1", 5055 },
		{ "{\"ip\":16777343,\"port\":5050}", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"m\",\"port\":0}", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"m\",\"port\":70000}", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"m\",\"port\":\"5050\"}", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"bad host\",\"port\":5050}", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"m\",\"port\":5050.5}", -EINVAL, NULL, 0 },
		{ "[1,2]", -EINVAL, NULL, 0 },
		{ "not json", -EINVAL, NULL, 0 },
		{ "", -EINVAL, NULL, 0 },
		{ "{\"hostname\":\"m\",\"port\":5050", -EINVAL, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct master_addr a;
		char err[256] = "";
		int rc = master_info_parse_json(cases[i].json, strlen(cases[i].json), &a, err,
						sizeof err);
		if (cases[i].rc == 0)
			ok(rc == 0 && strcmp(a.host, cases[i].host) == 0 && a.port == cases[i].port,
			   "master info %zu: %s:%d", i, cases[i].host, cases[i].port);
		else
			ok(rc == cases[i].rc && err[0], "master info %zu refused: %s", i, err);
	}
	{
		struct master_addr a;
		const char *j = "{\"id\":\"abc-123\",\"version\":\"1.12.0\",\"hostname\":\"h\",\"port\":1}";
		ok(master_info_parse_json(j, strlen(j), &a, NULL, 0) == 0 &&
		   strcmp(a.id, "abc-123") == 0 && strcmp(a.version, "1.12.0") == 0,
		   "id and version kept");
		is_str(a.name, "h", "TLS name from hostname");
		j = "{\"address\":{\"ip\":\"10.0.0.1\",\"hostname\":\"m1.example\",\"port\":5050},"
		    "\"hostname\":\"other\"}";
		ok(master_info_parse_json(j, strlen(j), &a, NULL, 0) == 0 &&
		   strcmp(a.host, "10.0.0.1") == 0 && strcmp(a.name, "m1.example") == 0,
		   "connect to address.ip, verify address.hostname");
		j = "{\"address\":{\"ip\":\"10.0.0.2\",\"port\":5050}}";
		ok(master_info_parse_json(j, strlen(j), &a, NULL, 0) == 0 &&
		   strcmp(a.name, "10.0.0.2") == 0, "no hostname: the TLS name is the address");
		/* Not NUL-terminated: the length is honoured. */
		char buf[64];
		memcpy(buf, "{\"hostname\":\"h\",\"port\":7}XXXX", 30);
		ok(master_info_parse_json(buf, 26, &a, NULL, 0) == 0 && a.port == 7,
		   "length-bounded JSON");
	}
}

static void test_redirect(void)
{
	struct master_list l;
	struct master_entry e[2];
	struct url base;
	char err[256];
	static const struct {
		const char *loc;
		int rc;
		const char *want;    /* url_format of the target */
		const char *name;
	} cases[] = {
		{ "//127.0.0.2:5050/api/v1/scheduler", 0, "http://127.0.0.2:5050/api/v1/scheduler",
		  "127.0.0.2" },
		{ "//127.0.0.2:5051/master/api/v1/scheduler", 0,
		  "http://127.0.0.2:5051/master/api/v1/scheduler", "127.0.0.2" },
		{ "http://127.0.0.3:5050/api/v1/scheduler", 0,
		  "http://127.0.0.3:5050/api/v1/scheduler", "127.0.0.3" },
		{ "https://127.0.0.3:5050/api/v1/scheduler", 0,
		  "https://127.0.0.3:5050/api/v1/scheduler", "127.0.0.3" },
		{ "127.0.0.4:5050", 0, "http://127.0.0.4:5050/api/v1/scheduler", "127.0.0.4" },
		{ "//m2.example:5050/api/v1/scheduler", 0,
		  "http://10.0.0.2:5050/api/v1/scheduler", "m2.example" },
		{ "M2.EXAMPLE:5050", 0, "http://10.0.0.2:5050/api/v1/scheduler", "M2.EXAMPLE" },
		{ "//[::1]:5050/api/v1/scheduler", 0, "http://[::1]:5050/api/v1/scheduler", "::1" },
		{ "//localhost:5050/api/v1/scheduler", 0,
		  "http://localhost:5050/api/v1/scheduler", "localhost" },
		{ "//unknown.example:5050/api/v1/scheduler", -EHOSTUNREACH, NULL, NULL },
		{ "", -EINVAL, NULL, NULL },
		{ "ftp://127.0.0.1/x", -EINVAL, NULL, NULL },
		{ "//127.0.0.2:0/x", -EINVAL, NULL, NULL },
	};
	size_t i;

	memset(&l, 0, sizeof l);
	memset(e, 0, sizeof e);
	ok(url_parse("http://10.0.0.1:5050/api/v1/scheduler", &e[0].url, NULL, 0) == 0, "base url");
	strcpy(e[0].name, "m1.example");
	ok(url_parse("http://10.0.0.2:5050/api/v1/scheduler", &e[1].url, NULL, 0) == 0, "m2 url");
	strcpy(e[1].name, "m2.example");
	l.v = e;
	l.n = 2;
	base = e[0].url;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct url to;
		char name[URL_MAX_HOST], text[URL_MAX_HOST + URL_MAX_PATH + 16];
		int rc;
		err[0] = '\0';
		rc = master_list_redirect(&l, &base, cases[i].loc, &to, name, err, sizeof err);
		if (cases[i].rc == 0) {
			url_format(&to, text, sizeof text);
			ok(rc == 0 && strcmp(text, cases[i].want) == 0 && strcmp(name, cases[i].name) == 0,
			   "Location \"%s\" -> %s (name %s); got rc %d %s %s", cases[i].loc,
			   cases[i].want, cases[i].name, rc, rc == 0 ? text : err, rc == 0 ? name : "");
		} else {
			ok(rc == cases[i].rc && err[0], "Location \"%s\" refused (%d): %s", cases[i].loc,
			   cases[i].rc, err);
		}
	}
	/* https base: scheme-less forms keep https. */
	{
		struct url tb = base, to;
		char name[URL_MAX_HOST], text[512];
		tb.tls = true;
		ok(master_list_redirect(&l, &tb, "//127.0.0.2:5050/api/v1/scheduler", &to, name,
					err, sizeof err) == 0 && to.tls, "//h:p keeps https");
		ok(master_list_redirect(&l, &tb, "127.0.0.2:5050", &to, name, err, sizeof err) == 0 &&
		   to.tls, "bare h:p keeps https");
		url_format(&to, text, sizeof text);
		is_str(text, "https://127.0.0.2:5050/api/v1/scheduler", "bare h:p keeps the path too");
	}
	/* A real list from a flag: numeric, localhost, a URL prefix, https. */
	{
		struct master_list ml;
		char text[512];
		int rc = master_list_init(&ml, "127.0.0.1:5050,localhost,https://127.0.0.2:6060/pre/",
					  false, err, sizeof err);
		ok(rc == 0 && ml.n == 3 && !ml.is_zk, "master list of three");
		if (rc == 0) {
			url_format(&ml.v[0].url, text, sizeof text);
			is_str(text, "http://127.0.0.1:5050/api/v1/scheduler", "entry 1");
			url_format(&ml.v[1].url, text, sizeof text);
			is_str(text, "http://localhost:5050/api/v1/scheduler", "localhost kept, port 5050");
			is_str(ml.v[1].name, "localhost", "localhost keeps its name");
			url_format(&ml.v[2].url, text, sizeof text);
			is_str(text, "https://127.0.0.2:6060/pre/api/v1/scheduler", "URL prefix kept");
		}
		master_list_finish(&ml);
		rc = master_list_init(&ml, "127.0.0.1:5050", true, err, sizeof err);
		ok(rc == 0 && ml.v[0].url.tls, "bare host gets https when asked");
		master_list_finish(&ml);
		rc = master_list_init(&ml, "zk://127.0.0.1:2181/mesos", false, err, sizeof err);
		ok(rc == 0 && ml.is_zk && strcmp(ml.zk.chroot, "/mesos") == 0, "zk:// kept as is");
		master_list_finish(&ml);
		rc = master_list_init(&ml, "file:///etc/mesos/zk", false, err, sizeof err);
		ok(rc == -EINVAL && err[0], "file:// refused: %s", err);
		master_list_finish(&ml);
		rc = master_list_init(&ml, "no-such-host.invalid:5050", false, err, sizeof err);
		ok(rc < 0 && strstr(err, "no-such-host.invalid"), "unresolvable master refused: %s", err);
		master_list_finish(&ml);
	}
}

int main(void)
{
	test_kinds();
	test_pick();
	test_json();
	test_redirect();
	return done_testing();
}
