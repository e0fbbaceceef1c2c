/* The version gate of the move from the original; see etcd_version_gate.h. */
#include "etcd/etcd_version_gate.h"

#include <errno.h>
#include <stdio.h>

#include "etcd/etcd_json.h"

static int number(const char **p, unsigned *out)
{
	unsigned long v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -EPROTO;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 100000)
			return -EPROTO;
		s++;
	}
	*out = (unsigned)v;
	*p = s;
	return 0;
}

int etcd_version_split(const char *v, unsigned *major, unsigned *minor)
{
	if (!v)
		return -EPROTO;
	if (*v == 'v')
		v++;
	if (number(&v, major) < 0 || *v++ != '.' || number(&v, minor) < 0)
		return -EPROTO;
	/* the rest: ".patch", "-rc.0", "+git" or nothing */
	if (*v && *v != '.' && *v != '-' && *v != '+')
		return -EPROTO;
	return 0;
}

int etcd_version_gate(const char *body, size_t len, const char *who, char *why,
		      size_t whylen)
{
	struct etcd_version ver;
	char err[200];
	unsigned major, minor;

	if (!who)
		who = "member";
	if (!body) {
		snprintf(why, whylen, "%s: no /version answer", who);
		return -EINVAL;
	}
	if (etcd_version_parse(body, len, &ver, err, sizeof err) < 0) {
		snprintf(why, whylen, "%s: /version answer unreadable (%s): is it etcd?", who,
			 err);
		return -EPROTO;
	}
	if (etcd_version_split(ver.server, &major, &minor) < 0) {
		snprintf(why, whylen, "%s: etcdserver version \"%s\" does not read as "
			 "MAJOR.MINOR.PATCH", who, ver.server);
		return -EPROTO;
	}
	if (major < ETCD_GATE_MAJOR || (major == ETCD_GATE_MAJOR && minor < ETCD_GATE_MINOR)) {
		snprintf(why, whylen, "%s runs etcd %s, older than %d.%d (no learners): "
			 "cannot move member by member; take a snapshot (etcdctl snapshot "
			 "save), start a fresh cluster with etcd-mesos under another "
			 "-framework-name, restore the snapshot into it, move the clients",
			 who, ver.server, ETCD_GATE_MAJOR, ETCD_GATE_MINOR);
		return -ENOTSUP;
	}
	snprintf(why, whylen, "%s", ver.server);
	return 0;
}
