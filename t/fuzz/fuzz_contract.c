/*
 * fuzz_contract — the scheduler–executor contract decoders: task data,
 * framework messages (both directions), task status data, task ids.
 * Whatever decodes re-encodes and decodes back to the same struct, and
 * builds an etcd argv with no shell metacharacter in any word; every
 * refusal is one line in the documented shape.
 */
#include "base/buf.h"
#include "cluster/etcd_argv.h"
#include "cluster/fw_message.h"
#include "cluster/member_config.h"
#include "cluster/status_data.h"
#include "cluster/task_id.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void one_line(const char *err, const char *prefix, const char *too_new, int rc)
{
	CHECK(!strchr(err, '\n'));
	if (rc == -ENOTSUP)
		CHECK(strcmp(err, too_new) == 0);
	else
		CHECK(strncmp(err, prefix, strlen(prefix)) == 0);
}

static void member_config(const unsigned char *data, size_t size)
{
	static struct member_config a, b;
	struct buf out = BUF_INIT;
	char err[512], **argv = NULL;
	int rc = member_config_decode(&a, data, size, err, sizeof(err));

	if (rc < 0) {
		one_line(err, "task data: ", MEMBER_CONFIG_TOO_NEW, rc);
		return;
	}
	CHECK(member_config_encode(&a, &out, err, sizeof(err)) == 0);
	CHECK(member_config_decode(&b, out.data, out.len, err, sizeof(err)) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	buf_finish(&out);
	CHECK(etcd_argv_new(&a, &(struct etcd_argv_opts){ .etcd_bin = "./etcd",
			    .force_new_cluster = size & 1 }, &argv, err, sizeof(err)) == 0);
	for (size_t i = 0; argv[i]; i++)
		CHECK(!strpbrk(argv[i], " \t\n'\"$`;|&<>()*?{}~#!\\"));
	etcd_strv_free(argv);
}

static void fw(const unsigned char *data, size_t size, enum fw_kind kind)
{
	static struct fw_message a, b;
	struct buf out = BUF_INIT;
	char err[512];
	int rc = fw_message_decode(&a, kind, data, size, err, sizeof(err));

	if (rc < 0) {
		one_line(err, "framework message: ", kind == FW_REQUEST ?
			 FW_TOO_NEW_FOR_EXECUTOR : FW_TOO_NEW_FOR_SCHEDULER, rc);
		return;
	}
	CHECK(fw_message_encode(&a, &out, err, sizeof(err)) == 0);
	CHECK(fw_message_decode(&b, kind, out.data, out.len, err, sizeof(err)) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	buf_finish(&out);
}

static void status(const unsigned char *data, size_t size)
{
	static struct status_data a, b;
	struct buf out = BUF_INIT;
	char err[512];
	int rc = status_data_decode(&a, data, size, err, sizeof(err));

	if (rc < 0) {
		one_line(err, "task status data: ", FW_TOO_NEW_FOR_SCHEDULER, rc);
		return;
	}
	CHECK(status_data_encode(&a, &out, err, sizeof(err)) == 0);
	CHECK(status_data_decode(&b, out.data, out.len, err, sizeof(err)) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	buf_finish(&out);
}

static void task_id(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1), id[TASK_ID_MAX + 1];
	struct task_id_info t;

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (task_id_parse(s, &t) == 0 && t.kind == TASK_ID_OURS) {
		CHECK(task_id_format(id, sizeof(id), t.name, t.host, t.peer_port,
				     t.client_port, t.uniq) == 0);
		CHECK(strcmp(id, s) == 0);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	member_config(data, size);
	fw(data, size, FW_REQUEST);
	fw(data, size, FW_ANSWER);
	status(data, size);
	task_id(data, size);
	return 0;
}
