/* master_info — leader choice and JSON MasterInfo; see master_info.h. */
#include "mesos/master_info.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/strutil.h"

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum master_node_kind master_node_kind(const char *name, int64_t *seq)
{
	const char *us = strrchr(name, '_');
	const char *digits = us ? us + 1 : name;
	size_t n = strlen(digits);
	enum master_node_kind kind;
	int64_t v = 0;
	size_t i;

	/* Mesos reads the sequence as a signed int32; ZooKeeper writes 10 digits. */
	if (!all_digits(digits, n) || n > 10)
		return MASTER_NODE_NONE;
	if (!us)
		kind = MASTER_NODE_UPID;
	else if ((size_t)(us - name) == 9 && strncmp(name, "json.info", 9) == 0)
		kind = MASTER_NODE_JSON;
	else if ((size_t)(us - name) == 4 && strncmp(name, "info", 4) == 0)
		kind = MASTER_NODE_PROTOBUF;
	else
		return MASTER_NODE_NONE;
	for (i = 0; i < n; i++)
		v = v * 10 + (digits[i] - '0');
	if (v > INT32_MAX)
		return MASTER_NODE_NONE;
	if (seq)
		*seq = v;
	return kind;
}

int master_pick_leader(const char *const *names, size_t n, enum master_node_kind *kind)
{
	int best = -1;
	int64_t best_seq = 0, seq;
	enum master_node_kind k, best_kind = MASTER_NODE_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!names[i])
			continue;
		k = master_node_kind(names[i], &seq);
		if (k == MASTER_NODE_NONE)
			continue;
		if (best < 0 || seq < best_seq) {
			best = (int)i;
			best_seq = seq;
			best_kind = k;
		}
	}
	if (kind)
		*kind = best_kind;
	return best;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int port_of(const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 65535 ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return 0;
	return (int)v->valuedouble;
}

static bool host_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n >= URL_MAX_HOST)
		return false;
	for (i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == ':'))
			return false;
	}
	return true;
}

int master_info_parse_json(const char *data, size_t len, struct master_addr *out,
			   char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	const cJSON *addr;
	const char *host, *s;
	int port, rc = -EINVAL;

	memset(out, 0, sizeof *out);
	if (!root || !cJSON_IsObject(root)) {
		if (err && errlen)
			snprintf(err, errlen, "master info is not a JSON object (%zu bytes); "
				 "is this a Mesos master's json.info node?", len);
		goto fail;
	}
	addr = cJSON_GetObjectItemCaseSensitive(root, "address");
	if (!cJSON_IsObject(addr))
		addr = NULL;
	host = str_of(addr, "ip");
	if (!host)
		host = str_of(addr, "hostname");
	if (!host)
		host = str_of(root, "hostname");
	port = port_of(addr, "port");
	if (!port)
		port = port_of(root, "port");
	if (!host || !host_ok(host) || !port) {
		if (err && errlen)
			snprintf(err, errlen, "master info has no usable %s (want address.ip or "
				 "hostname, and address.port or port 1..65535)",
				 !host ? "host" : !host_ok(host) ? "host name" : "port");
		goto fail;
	}
	str_copy(out->host, host, sizeof out->host);
	s = str_of(addr, "hostname");
	if (!s || !host_ok(s))
		s = str_of(root, "hostname");
	str_copy(out->name, s && host_ok(s) ? s : host, sizeof out->name);
	out->port = (uint16_t)port;
	if ((s = str_of(root, "id")))
		str_copy(out->id, s, sizeof out->id);
	if ((s = str_of(root, "version")))
		str_copy(out->version, s, sizeof out->version);
	rc = 0;
fail:
	cJSON_Delete(root);
	return rc;
}
