/* etcd_version_gate: the move from the original needs etcd >= 3.4 on
 * every foreign member, decided on its GET /version answer. */
#include "etcd/etcd_version_gate.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static void gate_table(void)
{
	static const struct {
		const char *body;
		int rc;
		const char *why_has;   /* a piece of why */
	} rows[] = {
		{ "{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}", 0, "3.4.23" },
		{ "{\"etcdserver\":\"3.4.0\",\"etcdcluster\":\"3.4.0\"}", 0, "3.4.0" },
		{ "{\"etcdserver\":\"3.5.9\",\"etcdcluster\":\"3.5.0\"}", 0, "3.5.9" },
		{ "{\"etcdserver\":\"3.10.1\",\"etcdcluster\":\"3.10.0\"}", 0, "3.10.1" },
		{ "{\"etcdserver\":\"4.0.0\",\"etcdcluster\":\"not_decided\"}", 0, "4.0.0" },
		{ "{\"etcdserver\":\"3.4.0-rc.2\",\"etcdcluster\":\"3.4.0\"}", 0, "3.4.0-rc.2" },
		{ "{\"etcdserver\":\"3.3.25\",\"etcdcluster\":\"3.3.0\"}", -ENOTSUP, "etcd 3.3.25" },
		{ "{\"etcdserver\":\"3.2.32\",\"etcdcluster\":\"3.2.0\"}", -ENOTSUP, "snapshot" },
		{ "{\"etcdserver\":\"2.3.8\",\"etcdcluster\":\"2.3.0\"}", -ENOTSUP, "older than 3.4" },
		{ "{\"etcdserver\":\"3.1\",\"etcdcluster\":\"3.1.0\"}", -ENOTSUP, "restore" },
		{ "{\"etcdserver\":\"\",\"etcdcluster\":\"\"}", -EPROTO, "unreadable" },
		{ "{\"etcdserver\":\"three\",\"etcdcluster\":\"3.4.0\"}", -EPROTO, "\"three\"" },
		{ "{\"etcdserver\":\"3\",\"etcdcluster\":\"3.4.0\"}", -EPROTO, "MAJOR.MINOR" },
		{ "{\"etcdserver\":\"3.4x\",\"etcdcluster\":\"3.4.0\"}", -EPROTO, "MAJOR.MINOR" },
		{ "{\"health\":\"true\"}", -EPROTO, "unreadable" },
		{ "<html>nginx</html>", -EPROTO, "is it etcd?" },
		{ "", -EPROTO, "unreadable" },
		{ "{\"etcdserver\":3.4,\"etcdcluster\":\"3.4.0\"}", -EPROTO, "unreadable" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		char why[512] = "";
		int rc = etcd_version_gate(rows[i].body, strlen(rows[i].body), "etcd-1 (x)", why,
					   sizeof why);
		is_int(rc, rows[i].rc, "gate on %s", rows[i].body);
		ok(strstr(why, rows[i].why_has) != NULL, "  why names \"%s\": %s", rows[i].why_has,
		   why);
		if (rc < 0)
			ok(strstr(why, "etcd-1 (x)") != NULL, "  and the member");
	}
	char why[64];
	is_int(etcd_version_gate(NULL, 0, NULL, why, sizeof why), -EINVAL, "no body: -EINVAL");
}

static void split(void)
{
	unsigned a = 9, b = 9;
	is_int(etcd_version_split("v3.4.1", &a, &b), 0, "a leading v is read");
	ok(a == 3 && b == 4, "  as 3.4");
	is_int(etcd_version_split("3.4+git", &a, &b), 0, "a build suffix is read");
	is_int(etcd_version_split(NULL, &a, &b), -EPROTO, "NULL: -EPROTO");
	is_int(etcd_version_split(".4.1", &a, &b), -EPROTO, "no major: -EPROTO");
	is_int(etcd_version_split("3..1", &a, &b), -EPROTO, "no minor: -EPROTO");
	is_int(etcd_version_split("99999999999.1", &a, &b), -EPROTO, "absurd major: -EPROTO");
}

int main(void)
{
	gate_table();
	split();
	return done_testing();
}
