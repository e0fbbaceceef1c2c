/* member_config: the TaskInfo.data contract. Round trips, the version
 * gate, and one table row per validation error, each checked for the
 * return code and for the field and value named in the message. */
#include "base/buf.h"
#include "cluster/member_config.h"
#include "tap.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void base(struct member_config *mc)
{
	member_config_init(mc);
	strcpy(mc->name, "etcd-2");
	strcpy(mc->cluster_token, "etcd-mesos-6e1a0c1e-0001");
	strcpy(mc->host, "10.0.0.5");
	mc->peer_port = 31000;
	mc->client_port = 31001;
	member_config_add_peer(mc, "etcd-1", "http://10.0.0.4:31000");
	member_config_add_peer(mc, "etcd-2", "http://10.0.0.5:31000");
	member_config_add_peer(mc, "etcd-3", "http://node-3.example.com:31500");
}

static char *encode(const struct member_config *mc)
{
	struct buf b = BUF_INIT;
	char err[512];
	if (member_config_encode(mc, &b, err, sizeof(err)) < 0) {
		note("encode failed: %s", err);
		buf_finish(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int decode_str(struct member_config *mc, const char *json, char *err, size_t errlen)
{
	return member_config_decode(mc, json, strlen(json), err, errlen);
}

static void round_trips(void)
{
	struct member_config a, b;
	char err[512], *json;
	int rc;

	base(&a);
	json = encode(&a);
	ok(json != NULL, "a minimal configuration encodes");
	rc = decode_str(&b, json ? json : "", err, sizeof(err));
	is_int(rc, 0, "and decodes");
	ok(memcmp(&a, &b, sizeof(a)) == 0, "minimal round trip gives the same struct");
	ok(json && strstr(json, "\"v\":1,") == json + 1, "\"v\":1 comes first");
	ok(json && !strstr(json, "\"tls\"") && !strstr(json, "\"etcd\"") &&
	   !strstr(json, "member_id") && !strstr(json, "reseed_id"),
	   "unset optional parts are left out");
	free(json);

	base(&a);
	a.initial_state = MEMBER_INITIAL_EXISTING;
	a.learner = true;
	strcpy(a.listen_address, "10.0.0.5");
	strcpy(a.data_dir, "/mnt/volume-1/etcd");
	a.data_dir_on_volume = true;
	a.member_id = 18446744073709551557ULL;   /* > 2^63: must not go through a double */
	strcpy(a.reseed_id, "r-20261125-1");
	a.etcd.heartbeat_interval_ms = 250;
	a.etcd.election_timeout_ms = 2500;
	a.etcd.quota_backend_bytes = 4ULL << 30;
	a.etcd.snapshot_count = 50000;
	a.etcd.max_request_bytes = 3 << 20;
	a.etcd.auto_compaction_mode = MEMBER_COMPACTION_PERIODIC;
	strcpy(a.etcd.auto_compaction_retention, "1h30m");
	strcpy(a.tls.cert_file, "/etc/etcd/server.pem");
	strcpy(a.tls.key_file, "/etc/etcd/server-key.pem");
	strcpy(a.tls.trusted_ca_file, "/etc/etcd/ca.pem");
	a.tls.client_cert_auth = true;
	strcpy(a.tls.peer_cert_file, "tls/peer.pem");
	strcpy(a.tls.peer_key_file, "tls/peer-key.pem");
	strcpy(a.tls.peer_trusted_ca_file, "tls/ca.pem");
	a.tls.peer_client_cert_auth = true;
	/* With peer TLS every peer URL is https, own entry included. */
	memset(a.initial_cluster, 0, sizeof(a.initial_cluster));
	a.n_initial_cluster = 0;
	member_config_add_peer(&a, "etcd-1", "https://10.0.0.4:31000");
	member_config_add_peer(&a, "etcd-2", "https://10.0.0.5:31000");
	json = encode(&a);
	ok(json != NULL, "a full configuration encodes");
	rc = decode_str(&b, json ? json : "", err, sizeof(err));
	is_int(rc, 0, "and decodes");
	ok(memcmp(&a, &b, sizeof(a)) == 0, "full round trip gives the same struct");
	ok(b.member_id == 18446744073709551557ULL, "a member id above 2^63 survives exactly");
	ok(json && strstr(json, "\"member_id\":\"18446744073709551557\""),
	   "64-bit ids travel as decimal strings");
	free(json);

	base(&a);
	strcpy(a.host, "fd00::5");
	memset(a.initial_cluster, 0, sizeof(a.initial_cluster));
	a.n_initial_cluster = 0;
	member_config_add_peer(&a, "etcd-2", "http://[fd00::5]:31000");
	json = encode(&a);
	rc = decode_str(&b, json ? json : "", err, sizeof(err));
	ok(rc == 0 && memcmp(&a, &b, sizeof(a)) == 0, "IPv6 host round trip");
	is_str(member_config_listen_ip(&b), "::", "an IPv6 host listens on ::");
	free(json);

	base(&a);
	is_str(member_config_listen_ip(&a), "0.0.0.0", "default: listen on all addresses");
	strcpy(a.listen_address, "127.0.0.2");
	is_str(member_config_listen_ip(&a), "127.0.0.2", "listen_address overrides");
	{
		char url[IDENT_URL_MAX + 1];
		member_config_peer_url(&a, url, sizeof(url));
		is_str(url, "http://10.0.0.5:31000", "peer URL advertises host");
		member_config_client_url(&a, url, sizeof(url));
		is_str(url, "http://10.0.0.5:31001", "client URL advertises host");
	}
}

static void compatibility(void)
{
	struct member_config mc;
	char err[512];
	const char *full =
		"{\"v\":1,\"name\":\"etcd-1\",\"cluster_token\":\"t1\",\"host\":\"10.1.1.1\","
		"\"peer_port\":2380,\"client_port\":2379,"
		"\"initial_cluster\":[{\"name\":\"etcd-1\",\"peer_url\":\"http://10.1.1.1:2380\","
		"\"weight\":3}],\"initial_state\":\"new\","
		"\"future_field\":{\"deep\":[1,2,{\"x\":null}]},\"another\":\"x y z\","
		"\"etcd\":{\"new_knob\":17},\"tls\":{\"ocsp\":true}}";

	is_int(decode_str(&mc, full, err, sizeof(err)), 0,
	       "unknown fields (top level, nested, in peers) are ignored");
	is_str(mc.data_dir, "etcd_data", "data_dir defaults to the sandbox's etcd_data");
	ok(!mc.data_dir_on_volume && !mc.learner, "learner and volume default to false");

	static const struct { const char *v; int rc; } versions[] = {
		{ "1", 0 }, { "\"1\"", 0 }, { "\"1.7\"", 0 },
		{ "2", -ENOTSUP }, { "\"2.0\"", -ENOTSUP }, { "17", -ENOTSUP },
		{ "0", -EINVAL }, { "-1", -EINVAL }, { "1.5", -EINVAL }, { "\"x\"", -EINVAL },
		{ "\"1.\"", -EINVAL }, { "\"01\"", -EINVAL }, { "true", -EINVAL }, { "null", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char json[600];
		snprintf(json, sizeof(json), "{\"v\":%s%s", versions[i].v, strchr(full, ',') );
		int rc = decode_str(&mc, json, err, sizeof(err));
		is_int(rc, versions[i].rc, "\"v\":%s → %d", versions[i].v, versions[i].rc);
		if (versions[i].rc == -ENOTSUP)
			is_str(err, "executor too old for this scheduler: upgrade the executor URI",
			       "  the exact upgrade message");
		else if (versions[i].rc == -EINVAL)
			ok(strstr(err, "task data: field \"v\": ") == err, "  names \"v\": %s", err);
	}
	/* The gate comes first: a v2 document shaped nothing like v1. */
	is_int(decode_str(&mc, "{\"v\":2,\"member\":{\"nom\":\"x\"}}", err, sizeof(err)),
	       -ENOTSUP, "a v2 document with no v1 fields: still the version message");
	is_str(err, MEMBER_CONFIG_TOO_NEW, "  exactly");
	is_int(decode_str(&mc, "{\"name\":\"etcd-1\"}", err, sizeof(err)), -EINVAL,
	       "no \"v\": refused");
	is_str(err, "task data: field \"v\" is missing", "  says so");
}

/* One mutation of the valid base document: set (or delete, value NULL)
 * a dotted path, then decode and look for want in the message. */
struct bad_case {
	const char *path;
	const char *value;
	const char *want;
};

static const struct bad_case bad[] = {
	{ "name", NULL, "field \"name\" is missing" },
	{ "name", "42", "field \"name\": 42: must be a string" },
	{ "name", "\"Etcd-2\"", "field \"name\": \"Etcd-2\": must be [a-z0-9-]" },
	{ "name", "\"etcd-2;reboot\"", "field \"name\": \"etcd-2;reboot\": must be [a-z0-9-]" },
	{ "name", "\"-etcd\"", "field \"name\": \"-etcd\": must be" },
	{ "name", "\"\"", "field \"name\" is missing" },
	{ "name", "\"etcd\\n2\"", "field \"name\": \"etcd\\x0a2\": must be" },
	{ "name", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
	  "too long (at most 63 characters)" },
	{ "name", "\"etcd-9\"", "field \"initial_cluster\": \"etcd-9\": this member's name is not in the initial cluster" },
	{ "cluster_token", NULL, "field \"cluster_token\" is missing" },
	{ "cluster_token", "\"tok en\"", "field \"cluster_token\": \"tok en\": must be [A-Za-z0-9._-]" },
	{ "cluster_token", "\"$(reboot)\"", "field \"cluster_token\": \"$(reboot)\": must be" },
	{ "cluster_token", "[\"a\"]", "field \"cluster_token\": an array: must be a string" },
	{ "host", NULL, "field \"host\" is missing" },
	{ "host", "\"10.0.0.300\"", "field \"host\": \"10.0.0.300\": must be an IP address or a DNS name" },
	{ "host", "\"my host\"", "field \"host\": \"my host\": must be" },
	{ "host", "\"a`id`\"", "field \"host\": \"a`id`\": must be" },
	{ "host", "\"bad-.example\"", "field \"host\": \"bad-.example\": must be" },
	{ "host", "\"fe80::1%eth0\"", "field \"host\": \"fe80::1%eth0\": must be" },
	{ "listen_address", "\"node-1\"", "field \"listen_address\": \"node-1\": must be an IP address" },
	{ "listen_address", "7", "field \"listen_address\": 7: must be a string" },
	{ "peer_port", NULL, "field \"peer_port\" is missing" },
	{ "peer_port", "0", "field \"peer_port\": 0: must be a port number 1..65535" },
	{ "peer_port", "65536", "field \"peer_port\": 65536: must be a port number 1..65535" },
	{ "peer_port", "-80", "field \"peer_port\": -80: must be a port number" },
	{ "peer_port", "31000.5", "field \"peer_port\": 31000.5: must be a whole number 1..65535" },
	{ "peer_port", "\"31000\"", "field \"peer_port\": \"31000\": must be a number" },
	{ "client_port", "31000", "field \"client_port\": 31000: must differ from \"peer_port\"" },
	{ "client_port", "1e9", "field \"client_port\": 1000000000: must be a port number" },
	{ "initial_cluster", NULL, "field \"initial_cluster\" is missing" },
	{ "initial_cluster", "{}", "field \"initial_cluster\": an object: must be a JSON array" },
	{ "initial_cluster", "[]", "field \"initial_cluster\" is empty" },
	{ "initial_cluster", "[\"etcd-2=http://10.0.0.5:31000\"]",
	  "field \"initial_cluster[0]\": \"etcd-2=http://10.0.0.5:31000\": must be an object" },
	{ "initial_cluster", "[{\"name\":\"Etcd-2\",\"peer_url\":\"http://10.0.0.5:31000\"}]",
	  "field \"initial_cluster[0].name\": \"Etcd-2\": must be [a-z0-9-]" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":31000}]",
	  "field \"initial_cluster[0].peer_url\": 31000: must be a string" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\"}]",
	  "field \"initial_cluster[0].peer_url\" is missing" },
	{ "initial_cluster", "[{\"peer_url\":\"http://10.0.0.5:31000\"}]",
	  "field \"initial_cluster[0].name\" is missing" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5\"}]",
	  "field \"initial_cluster[0].peer_url\": \"http://10.0.0.5\": must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"ftp://10.0.0.5:31000\"}]",
	  "\"ftp://10.0.0.5:31000\": must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:31000/\"}]",
	  "\"http://10.0.0.5:31000/\": must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:31000,etcd-9=http://evil:1\"}]",
	  "must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:031000\"}]",
	  "must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://fd00::5:31000\"}]",
	  "must be http://host:port" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:31009\"}]",
	  "field \"initial_cluster[0].peer_url\": \"http://10.0.0.5:31009\": this member's own entry must be its peer URL http://10.0.0.5:31000" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"https://10.0.0.5:31000\"}]",
	  "this member's own entry must be its peer URL http://10.0.0.5:31000" },
	{ "initial_cluster", "[{\"name\":\"etcd-1\",\"peer_url\":\"http://10.0.0.4:31000\"}]",
	  "this member's name is not in the initial cluster" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:31000\"},"
			     "{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.6:31000\"}]",
	  "field \"initial_cluster[1].name\": \"etcd-2\": listed twice" },
	{ "initial_cluster", "[{\"name\":\"etcd-2\",\"peer_url\":\"http://10.0.0.5:31000\"},"
			     "{\"name\":\"etcd-3\",\"peer_url\":\"http://10.0.0.5:31000\"}]",
	  "field \"initial_cluster[1].peer_url\": \"http://10.0.0.5:31000\": listed twice" },
	{ "initial_cluster", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]",
	  "field \"initial_cluster\": 16 entries: too many members (at most 15)" },
	{ "initial_state", NULL, "field \"initial_state\" is missing" },
	{ "initial_state", "\"old\"", "field \"initial_state\": \"old\": must be one of \"new\" \"existing\"" },
	{ "learner", "\"yes\"", "field \"learner\": \"yes\": must be true or false" },
	{ "learner", "true", "field \"learner\": true: a learner joins an existing cluster" },
	{ "data_dir", "\"../etcd\"", "field \"data_dir\": \"../etcd\": must be a path" },
	{ "data_dir", "\"a//b\"", "field \"data_dir\": \"a//b\": must be a path" },
	{ "data_dir", "\"data dir\"", "field \"data_dir\": \"data dir\": must be a path" },
	{ "data_dir", "\"/var/lib/etcd\"", "field \"data_dir\": \"/var/lib/etcd\": must be relative to the sandbox" },
	{ "data_dir_on_volume", "1", "field \"data_dir_on_volume\": 1: must be true or false" },
	{ "member_id", "\"-1\"", "field \"member_id\": \"-1\": must be an unsigned 64-bit integer" },
	{ "member_id", "\"18446744073709551616\"", "field \"member_id\": \"18446744073709551616\": must be an unsigned 64-bit" },
	{ "member_id", "\"0x10\"", "field \"member_id\": \"0x10\": must be" },
	{ "member_id", "1e300", "must be a decimal string" },
	{ "member_id", "true", "field \"member_id\": true: must be an unsigned integer" },
	{ "reseed_id", "\"r 1\"", "field \"reseed_id\": \"r 1\": must be [A-Za-z0-9._-]" },
	{ "etcd", "[]", "field \"etcd\": an array: must be a JSON object" },
	{ "etcd.heartbeat_interval_ms", "0", "field \"etcd.heartbeat_interval_ms\": 0: must be a whole number 1..10000" },
	{ "etcd.heartbeat_interval_ms", "\"100\"", "field \"etcd.heartbeat_interval_ms\": \"100\": must be a number" },
	{ "etcd.election_timeout_ms", "400",
	  "field \"etcd.election_timeout_ms\": 400: must be at least 5 times the heartbeat interval (100 ms)" },
	{ "etcd.election_timeout_ms", "60000", "field \"etcd.election_timeout_ms\": 60000: must be a whole number 1..50000" },
	{ "etcd.heartbeat_interval_ms", "300",
	  "field \"etcd.election_timeout_ms\": 1000: must be at least 5 times the heartbeat interval (300 ms)" },
	{ "etcd.quota_backend_bytes", "9000000000", "field \"etcd.quota_backend_bytes\": 9000000000: must be a whole number 0..8589934592" },
	{ "etcd.max_request_bytes", "2000000000", "field \"etcd.max_request_bytes\": 2000000000: must be" },
	{ "etcd.snapshot_count", "0", "field \"etcd.snapshot_count\": 0: must be a whole number 1.." },
	{ "etcd.auto_compaction_mode", "\"sometimes\"",
	  "field \"etcd.auto_compaction_mode\": \"sometimes\": must be one of \"periodic\" \"revision\"" },
	{ "etcd.auto_compaction_retention", "\"1h\"",
	  "field \"etcd.auto_compaction_retention\": \"1h\": needs \"auto_compaction_mode\"" },
	{ "tls", "\"on\"", "field \"tls\": \"on\": must be a JSON object" },
	{ "tls.cert_file", "\"/etc/etcd/server.pem\"",
	  "field \"tls.key_file\" is missing: \"tls.cert_file\" needs it" },
	{ "tls.peer_key_file", "\"/etc/etcd/peer-key.pem\"",
	  "field \"tls.peer_cert_file\" is missing: \"tls.peer_key_file\" needs it" },
	{ "tls.cert_file", "\"/etc/etcd/my server.pem\"",
	  "field \"tls.cert_file\": \"/etc/etcd/my server.pem\": must be a path" },
	{ "tls.trusted_ca_file", "\"/etc/etcd/ca.pem\"",
	  "field \"tls.trusted_ca_file\": \"/etc/etcd/ca.pem\": needs a certificate and key as well" },
	{ "tls.client_cert_auth", "\"true\"", "field \"tls.client_cert_auth\": \"true\": must be true or false" },
};

static void set_path(cJSON *root, const char *path, const char *value)
{
	char key[64];
	const char *dot = strchr(path, '.');
	if (dot) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		cJSON *sub = cJSON_GetObjectItemCaseSensitive(root, key);
		if (!sub)
			sub = cJSON_AddObjectToObject(root, key);
		set_path(sub, dot + 1, value);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(root, path);
	if (value)
		cJSON_AddItemToObject(root, path, cJSON_Parse(value));
}

static void validation_table(void)
{
	struct member_config mc;
	char *json, *mutated, err[512];

	base(&mc);
	json = encode(&mc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *root = cJSON_Parse(json);
		set_path(root, bad[i].path, bad[i].value);
		mutated = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		err[0] = '\0';
		int rc = decode_str(&mc, mutated, err, sizeof(err));
		ok(rc == -EINVAL && strstr(err, bad[i].want) && strncmp(err, "task data: ", 11) == 0,
		   "%s=%s refused: %s", bad[i].path, bad[i].value ? bad[i].value : "(deleted)", err);
		if (!strstr(err, bad[i].want))
			note("  want: %s", bad[i].want);
		cJSON_free(mutated);
	}
	free(json);
}

/* Values that pass: each row a mutation that must still decode. */
static const struct bad_case good[] = {
	{ "data_dir", "\"volume/etcd\"", NULL },
	{ "data_dir_on_volume", "true", NULL },
	{ "etcd.heartbeat_interval_ms", "200", NULL },
	{ "etcd.auto_compaction_mode", "\"revision\"", NULL },
	{ "reseed_id", "\"\"", NULL },
	{ "listen_address", "\"\"", NULL },
	{ "member_id", "12345", NULL },
	{ "member_id", "null", NULL },
};

static void accepted_table(void)
{
	struct member_config mc;
	char *json, *mutated, err[512];

	base(&mc);
	json = encode(&mc);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cJSON *root = cJSON_Parse(json);
		set_path(root, good[i].path, good[i].value);
		mutated = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
		int rc = decode_str(&mc, mutated, err, sizeof(err));
		ok(rc == 0, "%s=%s accepted%s%s", good[i].path, good[i].value,
		   rc ? ": " : "", rc ? err : "");
		cJSON_free(mutated);
	}
	free(json);

	/* Whole documents that pass, with the option they exercise. */
	static const char *const docs[] = {
		"{\"v\":1,\"name\":\"e\",\"cluster_token\":\"t\",\"host\":\"h\",\"peer_port\":1,"
		"\"client_port\":65535,\"initial_cluster\":[{\"name\":\"e\",\"peer_url\":\"http://h:1\"}],"
		"\"initial_state\":\"new\",\"etcd\":{\"auto_compaction_mode\":\"revision\","
		"\"auto_compaction_retention\":\"1000\"}}",
		"{\"v\":1,\"name\":\"e\",\"cluster_token\":\"t\",\"host\":\"H.Example\",\"peer_port\":1,"
		"\"client_port\":2,\"initial_cluster\":[{\"name\":\"e\",\"peer_url\":\"http://h.example:1\"}],"
		"\"initial_state\":\"existing\",\"learner\":true}",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		is_int(decode_str(&mc, docs[i], err, sizeof(err)), 0, "document %zu accepted %s", i, err);
}

static void compaction_rules(void)
{
	static const struct { enum member_compaction mode; const char *ret; bool ok; } rows[] = {
		{ MEMBER_COMPACTION_PERIODIC, "1h", true },
		{ MEMBER_COMPACTION_PERIODIC, "30m", true },
		{ MEMBER_COMPACTION_PERIODIC, "5", true },
		{ MEMBER_COMPACTION_PERIODIC, "1x", false },
		{ MEMBER_COMPACTION_PERIODIC, "0", false },
		{ MEMBER_COMPACTION_PERIODIC, "1h;", false },
		{ MEMBER_COMPACTION_REVISION, "1000", true },
		{ MEMBER_COMPACTION_REVISION, "1h", false },
		{ MEMBER_COMPACTION_REVISION, "0", false },
		{ MEMBER_COMPACTION_DEFAULT, "1h", false },
		{ MEMBER_COMPACTION_DEFAULT, "", true },
	};
	struct member_config mc;
	char err[512];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		base(&mc);
		mc.etcd.auto_compaction_mode = rows[i].mode;
		strcpy(mc.etcd.auto_compaction_retention, rows[i].ret);
		int rc = member_config_validate(&mc, err, sizeof(err));
		ok((rc == 0) == rows[i].ok, "compaction mode %d retention \"%s\": %s",
		   rows[i].mode, rows[i].ret, rows[i].ok ? "accepted" : err);
	}
}

static void struct_validation(void)
{
	struct member_config mc;
	struct buf b = BUF_INIT;
	char err[512];

	base(&mc);
	mc.peer_port = 0;
	is_int(member_config_encode(&mc, &b, err, sizeof(err)), -EINVAL,
	       "encode refuses an invalid struct");
	is_str(err, "task data: field \"peer_port\": 0: must be a port number 1..65535",
	       "  naming field and value");
	is_int((int)b.len, 0, "  and appends nothing");

	base(&mc);
	mc.learner = true;
	mc.initial_state = MEMBER_INITIAL_EXISTING;
	strcpy(mc.tls.cert_file, "c.pem");
	strcpy(mc.tls.key_file, "k.pem");
	mc.tls.client_cert_auth = true;
	is_int(member_config_validate(&mc, err, sizeof(err)), -EINVAL,
	       "client_cert_auth without a CA is refused");
	is_str(err, "task data: field \"tls.trusted_ca_file\" is missing: \"tls.client_cert_auth\" needs it",
	       "  says which file is missing");

	base(&mc);
	strcpy(mc.tls.peer_cert_file, "p.pem");
	strcpy(mc.tls.peer_key_file, "pk.pem");
	is_int(member_config_validate(&mc, err, sizeof(err)), -EINVAL,
	       "peer TLS with http:// peer URLs is refused");
	ok(strstr(err, "must be its peer URL https://10.0.0.5:31000") != NULL, "  %s", err);

	base(&mc);
	mc.initial_state = (enum member_initial_state)7;
	is_int(member_config_validate(&mc, err, sizeof(err)), -EINVAL, "an unknown initial state");
	is_str(err, "task data: field \"initial_state\": 7: must be \"new\" or \"existing\"", "  says so");

	base(&mc);
	mc.etcd.auto_compaction_mode = (enum member_compaction)9;
	is_int(member_config_validate(&mc, err, sizeof(err)), -EINVAL, "an unknown compaction mode");
	is_str(err, "task data: field \"etcd.auto_compaction_mode\": 9: must be \"periodic\" or \"revision\"",
	       "  says so");

	base(&mc);
	mc.etcd.heartbeat_interval_ms = 20000;
	is_int(member_config_validate(&mc, err, sizeof(err)), -EINVAL, "a 20 s heartbeat");
	is_str(err, "task data: field \"etcd.heartbeat_interval_ms\": 20000: must be 1..10000 (milliseconds)",
	       "  says so");

	base(&mc);
	strcpy(mc.listen_address, "::1");
	is_int(member_config_validate(&mc, err, sizeof(err)), 0, "an IPv6 listen address is fine");

	base(&mc);
	is_int(member_config_add_peer(&mc, "Bad", "http://h:1"), -EINVAL, "add_peer refuses a bad name");
	is_int(member_config_add_peer(&mc, "ok", "http://h"), -EINVAL, "add_peer refuses a bad URL");
	for (int i = 4; i <= MEMBER_MAX_PEERS; i++) {
		char name[16], url[32];
		snprintf(name, sizeof(name), "etcd-%d", i);
		snprintf(url, sizeof(url), "http://10.0.1.%d:31000", i);
		member_config_add_peer(&mc, name, url);
	}
	is_int((int)mc.n_initial_cluster, MEMBER_MAX_PEERS, "15 peers fit");
	is_int(member_config_add_peer(&mc, "etcd-99", "http://10.0.2.1:1"), -ENOSPC,
	       "the 16th is refused with -ENOSPC");
	is_int(member_config_validate(&mc, err, sizeof(err)), 0, "15 peers validate");
	buf_finish(&b);
}

static void not_json(void)
{
	struct member_config mc;
	char err[512];
	static const struct { const char *text; size_t len; const char *want; } rows[] = {
		{ "", 0, "task data: empty; want a JSON object" },
		{ "{", 1, "task data: not valid JSON (error near byte " },
		{ "[]", 2, "task data: an array: want a JSON object" },
		{ "null", 4, "task data: null: want a JSON object" },
		{ "\"v\"", 3, "task data: \"v\": want a JSON object" },
		{ "{} x", 4, "task data: not valid JSON (unexpected data at byte 3 of 4)" },
		{ "{\"v\":1}\0{", 9, "task data: holds a NUL byte at offset 7" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = member_config_decode(&mc, rows[i].text, rows[i].len, err, sizeof(err));
		ok(rc == -EINVAL && strstr(err, rows[i].want) == err, "not a document %zu: %s", i, err);
	}
	is_int(member_config_decode(&mc, "{}  \n", 5, err, sizeof(err)), -EINVAL,
	       "trailing white space is fine (then \"v\" is missing)");
	is_str(err, "task data: field \"v\" is missing", "  as said");

	size_t big = MEMBER_CONFIG_MAX_BYTES + 1;
	char *huge = malloc(big);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	is_int(member_config_decode(&mc, huge, big, err, sizeof(err)), -E2BIG,
	       "more than 64 KiB is refused before parsing");
	free(huge);

	/* A tiny error buffer is never overrun. */
	char small[8];
	memset(small, 'x', sizeof(small));
	member_config_decode(&mc, "{}", 2, small, 5);
	ok(small[4] == '\0' && small[5] == 'x', "error text is cut to the buffer");
	is_int(member_config_decode(&mc, "{}", 2, NULL, 0), -EINVAL, "err may be NULL");
}

int main(void)
{
	round_trips();
	compatibility();
	validation_table();
	accepted_table();
	compaction_rules();
	struct_validation();
	not_json();
	return done_testing();
}
