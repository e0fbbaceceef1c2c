/* task_id: our readable task ids, the original's space-separated ones,
 * and Mesos' id rules. */
#include "cluster/task_id.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static void format_and_parse(void)
{
	char id[TASK_ID_MAX + 1];
	struct task_id_info t;

	is_int(task_id_format(id, sizeof(id), "etcd-3", "10.0.0.5", 31000, 31001, "k3x9q2"), 0,
	       "our id formats");
	is_str(id, "etcd-3_10.0.0.5_31000_31001_k3x9q2", "  as name_host_peer_client_uniq");
	ok(!strchr(id, ' ') && mesos_id_valid(id), "  no space, a valid Mesos id");
	is_int(task_id_parse(id, &t), 0, "and parses");
	ok(t.kind == TASK_ID_OURS && strcmp(t.name, "etcd-3") == 0 && strcmp(t.host, "10.0.0.5") == 0 &&
	   t.peer_port == 31000 && t.client_port == 31001 && strcmp(t.uniq, "k3x9q2") == 0 &&
	   t.reseed_port == 0, "  back into its parts");

	static const struct { const char *name, *host; unsigned peer, client; const char *uniq; } rows[] = {
		{ "etcd-1", "fd00::5", 1, 65535, "0" },
		{ "etcd-12", "node-3.mesos.example.com", 2380, 2379, "zzzzzzzzzzzzzzzz" },
		{ "e", "h", 10, 11, "a1" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = task_id_format(id, sizeof(id), rows[i].name, rows[i].host,
					(uint16_t)rows[i].peer, (uint16_t)rows[i].client, rows[i].uniq);
		int prc = task_id_parse(id, &t);
		ok(rc == 0 && prc == 0 && t.kind == TASK_ID_OURS && strcmp(t.name, rows[i].name) == 0 &&
		   strcmp(t.host, rows[i].host) == 0 && t.peer_port == rows[i].peer &&
		   t.client_port == rows[i].client && strcmp(t.uniq, rows[i].uniq) == 0,
		   "round trip %s", id);
	}

	static const struct { const char *name, *host; unsigned peer, client; const char *uniq; int rc; } refuse[] = {
		{ "Etcd", "h", 1, 2, "a", -EINVAL },
		{ "etcd_1", "h", 1, 2, "a", -EINVAL },
		{ "etcd-1", "h_1", 1, 2, "a", -EINVAL },
		{ "etcd-1", "a b", 1, 2, "a", -EINVAL },
		{ "etcd-1", "h", 0, 2, "a", -EINVAL },
		{ "etcd-1", "h", 1, 0, "a", -EINVAL },
		{ "etcd-1", "h", 1, 2, "", -EINVAL },
		{ "etcd-1", "h", 1, 2, "ABC", -EINVAL },
		{ "etcd-1", "h", 1, 2, "a_b", -EINVAL },
		{ "etcd-1", "h", 1, 2, "aaaaaaaaaaaaaaaaa", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++)
		is_int(task_id_format(id, sizeof(id), refuse[i].name, refuse[i].host,
				      (uint16_t)refuse[i].peer, (uint16_t)refuse[i].client, refuse[i].uniq),
		       refuse[i].rc, "format refuses %s/%s/%u/%u/%s", refuse[i].name, refuse[i].host,
		       refuse[i].peer, refuse[i].client, refuse[i].uniq);

	/* A 253-character DNS name makes the id longer than Mesos allows. */
	char host[254];
	for (int i = 0; i < 253; i++)
		host[i] = (i % 50 == 49) ? '.' : 'a';
	host[253] = '\0';
	ok(ident_is_host(host), "a 253-character host name is valid");
	is_int(task_id_format(id, sizeof(id), "etcd-1", host, 1, 2, "a"), -ENAMETOOLONG,
	       "but the id would pass 255 characters");
	char small[16];
	is_int(task_id_format(small, sizeof(small), "etcd-1", "10.0.0.5", 1, 2, "a"), -ENAMETOOLONG,
	       "a small buffer is reported, not overrun");
	is_str(small, "", "  and left empty");
}

static void original(void)
{
	char id[TASK_ID_MAX + 1];
	struct task_id_info t;

	is_int(task_id_parse("etcd-1448921329 10.0.0.5 31000 31001 31002", &t), 0,
	       "the original's id parses");
	ok(t.kind == TASK_ID_ORIGINAL && strcmp(t.name, "etcd-1448921329") == 0 &&
	   strcmp(t.host, "10.0.0.5") == 0 && t.peer_port == 31000 && t.client_port == 31001 &&
	   t.reseed_port == 31002 && t.uniq[0] == '\0', "  as the original's, with its reseed port");
	is_int(task_id_format_original(id, sizeof(id), "etcd-7", "agent-2.example", 1, 2, 3), 0,
	       "the original's form can be written");
	is_str(id, "etcd-7 agent-2.example 1 2 3", "  with single spaces");
	is_int(task_id_parse(id, &t), 0, "  and read back");
	ok(t.kind == TASK_ID_ORIGINAL && t.reseed_port == 3, "  as the original's");

	static const char *const other[] = {
		"etcd-1 10.0.0.5 31000 31001",              /* four fields */
		"etcd-1 10.0.0.5 31000 31001 31002 x",      /* six */
		"etcd-1  10.0.0.5 31000 31001 31002",       /* double space */
		"etcd-1 10.0.0.5 31000 31001 70000",        /* port out of range */
		"etcd-1 10.0.0.5 31000 31001 0",
		"etcd-1 10.0.0.5 31000 3100x 31002",
		"etcd-1_10.0.0.5_31000_31001",              /* ours, missing uniq */
		"etcd-1_10.0.0.5_31000_31001_a_b",
		"etcd-1_10.0.0.5_031000_31001_a",           /* leading zero */
		"Etcd-1_10.0.0.5_31000_31001_a",
		"etcd-1_10.0.0.300_31000_31001_a",
		"etcd-1_10.0.0.5_31000_31001_UPPER",
		"some-other-framework.task.42",
		"etcd-1.10.0.0.5.31000.31001.x",
	};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		int rc = task_id_parse(other[i], &t);
		ok(rc == 0 && t.kind == TASK_ID_OTHER && t.name[0] == '\0' && t.peer_port == 0,
		   "\"%s\" is a foreign id of neither form", other[i]);
	}
}

static void mesos_rules(void)
{
	char long_id[300];
	memset(long_id, 'a', sizeof(long_id));
	long_id[255] = '\0';
	ok(mesos_id_valid(long_id), "255 characters are allowed");
	long_id[255] = 'a';
	long_id[256] = '\0';
	ok(!mesos_id_valid(long_id), "256 are not");

	static const char *const invalid[] = {
		"", ".", "..", "a/b", "a\\b", "a\tb", "a\nb", "a\x7f", "\x01",
	};
	struct task_id_info t;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		ok(!mesos_id_valid(invalid[i]), "invalid Mesos id #%zu", i);
		is_int(task_id_parse(invalid[i], &t), -EINVAL, "  parse refuses it");
	}
	ok(!mesos_id_valid(NULL), "NULL is not an id");
	ok(mesos_id_valid("..."), "\"...\" is an id");
	ok(mesos_id_valid("etcd-1 10.0.0.5 1 2 3"), "spaces are allowed by Mesos (the original used them)");
}

static void uniq(void)
{
	static const struct { uint64_t n; const char *want; } rows[] = {
		{ 0, "0" }, { 9, "9" }, { 10, "a" }, { 35, "z" }, { 36, "10" },
		{ 1764000000ULL, "t68n40" }, { UINT64_MAX, "3w5e11264sgsf" },
	};
	char out[14];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		task_id_uniq(rows[i].n, out);
		is_str(out, rows[i].want, "uniq(%llu)", (unsigned long long)rows[i].n);
	}
}

int main(void)
{
	format_and_parse();
	original();
	mesos_rules();
	uniq();
	return done_testing();
}
