/* etcd_metrics.c — etcd_network_active_peers from /metrics text. See
 * etcd_metrics.h. */
#include "etcd/etcd_metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METRIC "etcd_network_active_peers"
#define START "process_start_time_seconds"

/* Reads label `name="hex"` from the label block [p, end); 0 if absent. */
static int label_hex(const char *p, const char *end, const char *name, uint64_t *out)
{
	size_t nl = strlen(name);
	for (const char *q = p; q + nl + 2 <= end; q++) {
		if ((q == p || q[-1] == '{' || q[-1] == ',') && memcmp(q, name, nl) == 0 &&
		    q[nl] == '=' && q[nl + 1] == '"') {
			const char *v = q + nl + 2;
			uint64_t x = 0;
			int digits = 0;
			for (; v < end && *v != '"'; v++, digits++) {
				int d = *v >= '0' && *v <= '9' ? *v - '0' :
					*v >= 'a' && *v <= 'f' ? *v - 'a' + 10 :
					*v >= 'A' && *v <= 'F' ? *v - 'A' + 10 : -1;
				if (d < 0 || digits >= 16)
					return -EPROTO;
				x = x << 4 | (uint64_t)d;
			}
			if (v >= end || !digits)
				return -EPROTO;
			*out = x;
			return 1;
		}
	}
	return 0;
}

/* The sample value in [v, le) after leading blanks; 0, or -EPROTO if it
 * is not one number. */
static int sample_value(const char *v, const char *le, double *out)
{
	char num[40], *ep;
	while (v < le && *v == ' ')
		v++;
	size_t vl = (size_t)(le - v);
	if (!vl || vl >= sizeof num)
		return -EPROTO;
	memcpy(num, v, vl);
	num[vl] = '\0';
	*out = strtod(num, &ep);
	return ep == num || (*ep && *ep != ' ') ? -EPROTO : 0;
}

int etcd_peers_parse(const char *text, size_t len, struct etcd_peers *out, char *err,
		     size_t errlen)
{
	if (!out || (!text && len)) {
		if (err && errlen)
			snprintf(err, errlen, "etcd metrics: no text or no result");
		return -EINVAL;
	}
	memset(out, 0, sizeof *out);
	const char *p = text, *end = text + len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		while (le > p && (le[-1] == '\r' || le[-1] == ' '))
			le--;
		size_t ml = sizeof METRIC - 1, sl = sizeof START - 1;
		if ((size_t)(le - p) > sl && memcmp(p, START, sl) == 0 && p[sl] == ' ') {
			double d;
			if (sample_value(p + sl, le, &d) == 0)
				out->process_start = d;   /* unreadable: no restart check */
		} else if ((size_t)(le - p) > ml && memcmp(p, METRIC, ml) == 0 && p[ml] == '{') {
			const char *lb = p + ml, *rb = memchr(lb, '}', (size_t)(le - lb));
			uint64_t local = 0, remote = 0;
			double d;
			if (!rb || label_hex(lb, rb, "Local", &local) != 1 ||
			    label_hex(lb, rb, "Remote", &remote) != 1 || !remote)
				goto bad;
			if (sample_value(rb + 1, le, &d) < 0)
				goto bad;
			out->local = local;
			if (out->n == ETCD_PEERS_MAX) {
				out->truncated = true;
			} else {
				out->peer[out->n].id = remote;
				out->peer[out->n].active = d >= 0.5;
				out->peer[out->n].value = d;
				out->n++;
			}
		}
		p = eol ? eol + 1 : NULL;
		continue;
bad:
		if (err && errlen)
			snprintf(err, errlen, "etcd metrics: cannot read line '%.*s'",
				 (int)((le - p) > 120 ? 120 : (le - p)), p);
		memset(out, 0, sizeof *out);
		return -EPROTO;
	}
	return 0;
}

void etcd_peers_follow(const struct etcd_peers *prev, struct etcd_peers *cur)
{
	if (!prev || !cur || !cur->local || prev->local != cur->local || !cur->process_start ||
	    prev->process_start != cur->process_start)
		return;
	for (size_t i = 0; i < cur->n; i++) {
		struct etcd_peer_view *v = &cur->peer[i];
		const struct etcd_peer_view *was = etcd_peers_find(prev, v->id);
		if (!was)
			continue;
		v->active = v->value < was->value ? false :
			    v->value > was->value ? true : was->active;
	}
}

const struct etcd_peer_view *etcd_peers_find(const struct etcd_peers *p, uint64_t id)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (p->peer[i].id == id)
			return &p->peer[i];
	return NULL;
}
