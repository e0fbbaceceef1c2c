#include "cluster/task_id.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool mesos_id_valid(const char *s)
{
	size_t n = 0;
	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return false;
	}
	return n <= TASK_ID_MAX;
}

static bool is_uniq(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9')))
			return false;
	return n >= 1 && n <= TASK_ID_UNIQ_MAX;
}

int task_id_format(char *out, size_t outlen, const char *name, const char *host,
		   uint16_t peer_port, uint16_t client_port, const char *uniq)
{
	int n;

	if (!ident_is_member_name(name) || !ident_is_host(host) ||
	    !ident_is_port(peer_port) || !ident_is_port(client_port) ||
	    !uniq || !is_uniq(uniq))
		return -EINVAL;
	n = snprintf(out, outlen, "%s_%s_%u_%u_%s", name, host, (unsigned)peer_port,
		     (unsigned)client_port, uniq);
	if (n < 0 || (size_t)n >= outlen || n > TASK_ID_MAX) {
		if (outlen)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int task_id_format_original(char *out, size_t outlen, const char *name,
			    const char *host, uint16_t peer_port,
			    uint16_t client_port, uint16_t reseed_port)
{
	int n;

	if (!ident_is_token(name) || !ident_is_host(host) || !ident_is_port(peer_port) ||
	    !ident_is_port(client_port) || !ident_is_port(reseed_port))
		return -EINVAL;
	n = snprintf(out, outlen, "%s %s %u %u %u", name, host, (unsigned)peer_port,
		     (unsigned)client_port, (unsigned)reseed_port);
	if (n < 0 || (size_t)n >= outlen || n > TASK_ID_MAX) {
		if (outlen)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

void task_id_uniq(uint64_t n, char out[14])
{
	char tmp[14];
	size_t i = 0, o = 0;

	do {
		unsigned d = (unsigned)(n % 36);
		tmp[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		n /= 36;
	} while (n);
	while (i)
		out[o++] = tmp[--i];
	out[o] = '\0';
}

/* Splits s at sep into exactly 5 parts (copied into parts[], each at most
 * IDENT_HOST_MAX characters). Empty parts fail. */
static bool split5(const char *s, char sep, char parts[5][IDENT_HOST_MAX + 1])
{
	int k = 0;
	const char *p = s;

	for (;;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (k == 5 || len == 0 || len > IDENT_HOST_MAX)
			return false;
		memcpy(parts[k], p, len);
		parts[k][len] = '\0';
		k++;
		if (!e)
			break;
		p = e + 1;
	}
	return k == 5;
}

static bool port_of(const char *s, uint16_t *out)
{
	unsigned long v = 0;
	size_t i = 0;
	if (s[0] == '0')
		return false;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || !ident_is_port((long long)v))
		return false;
	*out = (uint16_t)v;
	return true;
}

int task_id_parse(const char *id, struct task_id_info *out)
{
	char parts[5][IDENT_HOST_MAX + 1];
	struct task_id_info t;

	memset(out, 0, sizeof(*out));
	if (!mesos_id_valid(id))
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	t.kind = TASK_ID_OTHER;
	if (split5(id, '_', parts) && ident_is_member_name(parts[0]) &&
	    ident_is_host(parts[1]) && port_of(parts[2], &t.peer_port) &&
	    port_of(parts[3], &t.client_port) && is_uniq(parts[4])) {
		t.kind = TASK_ID_OURS;
		memcpy(t.name, parts[0], strlen(parts[0]) + 1);
		memcpy(t.host, parts[1], strlen(parts[1]) + 1);
		memcpy(t.uniq, parts[4], strlen(parts[4]) + 1);
	} else if (split5(id, ' ', parts) && ident_is_token(parts[0]) &&
		   ident_is_host(parts[1]) && port_of(parts[2], &t.peer_port) &&
		   port_of(parts[3], &t.client_port) && port_of(parts[4], &t.reseed_port)) {
		t.kind = TASK_ID_ORIGINAL;
		memcpy(t.name, parts[0], strlen(parts[0]) + 1);
		memcpy(t.host, parts[1], strlen(parts[1]) + 1);
	} else {
		t.peer_port = t.client_port = 0;
		t.reseed_port = 0;
	}
	*out = t;
	return 0;
}
