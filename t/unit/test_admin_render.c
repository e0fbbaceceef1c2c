/* The admin API's renderers (cmd/scheduler/admin_render.c, admin_html.c):
 * field names, escaping in JSON, Prometheus labels and HTML, NULL
 * strings, uint64 values past 2^53, standby and reseed fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../cmd/scheduler/admin.h"
#include "base/buf.h"
#include "tap.h"

static const struct admin_member hostile[] = {
	{ .name = "a\"b\\c\nd<i>&'", .host = "h<\"x\">", .peer_port = 2380, .client_port = 2379,
	  .agent_id = "ag", .task_id = "tk", .state = "running", .task_state = "TASK_RUNNING",
	  .learner = true, .up = true, .raft_index = UINT64_MAX, .client_url = "http://h:2379",
	  .last_seen_ms = 1764003000123 },
	{ .foreign = true, .version = "3.4.23" },   /* every other string NULL */
};

static bool has(const struct buf *b, const char *s)
{
	return b->data && strstr(b->data, s) != NULL;
}

static void test_stats(void)
{
	struct admin_snapshot s = { .running_servers = 3, .launched_servers = 4,
		.failed_servers = 1, .cluster_livelocks = 2, .cluster_reseeds = 5,
		.healthy = true, .state = "healthy", .reason = "fine", .is_leader = true,
		.uptime_ms = 61999, .started_at_ms = 1764000000000 };
	struct buf b = BUF_INIT;
	cJSON *j;

	ok(admin_render_stats(&b, &s) == 0, "stats renders");
	j = cJSON_Parse(b.data);
	ok(j != NULL, "stats is JSON");
	ok(cJSON_IsNumber(cJSON_GetObjectItem(j, "healthy")) &&
	   cJSON_GetObjectItem(j, "healthy")->valueint == 1, "healthy is the number 1");
	is_int(cJSON_GetObjectItem(j, "cluster_reseeds")->valueint, 5, "cluster_reseeds");
	is_int(cJSON_GetObjectItem(j, "uptime_seconds")->valueint, 61, "uptime rounds down");
	ok(cJSON_IsNull(cJSON_GetObjectItem(j, "leader")), "no leader is null");
	ok(!cJSON_GetObjectItem(j, "reseed_id"), "no reseed fields when not reseeding");
	ok(!cJSON_GetObjectItem(j, "leader_admin_url"), "no leader URL on the leader");
	ok(!cJSON_GetObjectItem(j, "original"), "no original fields without the original");
	is_str(cJSON_GetObjectItem(j, "framework_id")->valuestring, "", "NULL string is \"\"");
	is_str(cJSON_GetObjectItem(j, "started_at")->valuestring, "2025-11-24T16:00:00.000Z",
	       "started_at in RFC 3339");
	cJSON_Delete(j);

	s.healthy = false;
	s.reseeding = true;
	s.reseed_id = "r1";
	s.reseed_step = "fence";
	s.is_leader = false;
	s.leader_admin_url = "http://other:23400";
	buf_reset(&b);
	ok(admin_render_stats(&b, &s) == 0, "standby stats renders");
	ok(has(&b, "\"healthy\":0,"), "unhealthy is 0");
	ok(has(&b, "\"reseed_id\":\"r1\",\"reseed_step\":\"fence\""), "reseed fields");
	ok(has(&b, "\"leader_admin_url\":\"http://other:23400\""), "leader URL on a standby");
	s.original = "found";
	s.original_next = "restart with -adopt-original";
	buf_reset(&b);
	ok(admin_render_stats(&b, &s) == 0 &&
	   has(&b, "\"original\":\"found\",\"original_next\":\"restart with -adopt-original\""),
	   "the move from the original: state and next step");
	buf_finish(&b);
}

static void test_members(void)
{
	struct admin_snapshot s = { .members = hostile, .n_members = 2 };
	struct buf b = BUF_INIT;
	cJSON *j, *m;

	ok(admin_render_members(&b, &s) == 0, "members render");
	j = cJSON_Parse(b.data);
	ok(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2, "a list of two");
	m = cJSON_GetArrayItem(j, 0);
	is_str(cJSON_GetObjectItem(m, "name")->valuestring, hostile[0].name, "name round-trips");
	is_int(cJSON_GetObjectItem(m, "rpcPort")->valueint, 2380, "rpcPort");
	is_int(cJSON_GetObjectItem(m, "peerPort")->valueint, 2380, "peerPort");
	is_str(cJSON_GetObjectItem(m, "slaveID")->valuestring, "ag", "slaveID");
	is_str(cJSON_GetObjectItem(m, "agentID")->valuestring, "ag", "agentID");
	ok(has(&b, "\"raftIndex\":18446744073709551615,"), "raft index exact past 2^53");
	is_str(cJSON_GetObjectItem(m, "lastSeen")->valuestring, "2025-11-24T16:50:00.123Z", "lastSeen");
	ok(cJSON_IsFalse(cJSON_GetObjectItem(m, "foreign")) && !cJSON_GetObjectItem(m, "etcdVersion"),
	   "ours: foreign false, no etcdVersion");
	m = cJSON_GetArrayItem(j, 1);
	is_str(cJSON_GetObjectItem(m, "name")->valuestring, "", "NULL name is \"\"");
	ok(cJSON_IsTrue(cJSON_GetObjectItem(m, "foreign")) &&
	   strcmp(cJSON_GetObjectItem(m, "etcdVersion")->valuestring, "3.4.23") == 0,
	   "a foreign member: foreign true, its etcdVersion");
	ok(cJSON_IsNull(cJSON_GetObjectItem(m, "lastSeen")), "never seen is null");
	cJSON_Delete(j);

	s.n_members = 0;
	buf_reset(&b);
	ok(admin_render_members(&b, &s) == 0 && strcmp(b.data, "[]\n") == 0, "no members: []");
	buf_finish(&b);
}

static void test_metrics(void)
{
	struct admin_snapshot s = { .launched_servers = 7, .healthy = true,
		.members = hostile, .n_members = 2 };
	struct buf b = BUF_INIT;

	ok(admin_render_metrics(&b, &s) == 0, "metrics render");
	ok(has(&b, "# TYPE etcd_mesos_launched_servers_total counter\n"
		   "etcd_mesos_launched_servers_total 7\n"), "counter with TYPE");
	ok(has(&b, "etcd_mesos_healthy 1\n"), "healthy gauge");
	ok(has(&b, "etcd_mesos_member_raft_index{name=\"a\\\"b\\\\c\\nd<i>&'\","
		   "host=\"h<\\\"x\\\">\"} 18446744073709551615\n"), "labels escaped, value exact");
	ok(has(&b, "etcd_mesos_member_up{name=\"\",host=\"\"} 0\n"), "NULL labels are empty");
	ok(b.len > 0 && b.data[b.len - 1] == '\n', "ends with a line feed");
	s.n_members = 0;
	buf_reset(&b);
	ok(admin_render_metrics(&b, &s) == 0 && !has(&b, "etcd_mesos_member_"),
	   "no member families without members");
	buf_finish(&b);
}

static void test_html(void)
{
	struct admin_snapshot s = { .state = "<b>", .reason = "x & y", .framework_id = "\"fw\"",
		.members = hostile, .n_members = 2 };
	struct buf b = BUF_INIT;

	ok(admin_render_html(&b, &s) == 0, "page renders");
	ok(has(&b, "a&quot;b\\c\nd&lt;i&gt;&amp;&#39;"), "member name escaped");
	ok(has(&b, "h&lt;&quot;x&quot;&gt;"), "host escaped");
	ok(has(&b, "&lt;b&gt;: x &amp; y"), "state and reason escaped");
	ok(has(&b, "&quot;fw&quot;"), "framework id escaped");
	ok(!has(&b, "<i>") && !has(&b, "<b>") && !has(&b, "<script"), "no markup from state");
	ok(has(&b, "standby"), "a standby says so");
	ok(has(&b, "(unknown)"), "unknown leader URL");
	s.original = "moving";
	s.original_next = "a<b";
	buf_reset(&b);
	ok(admin_render_html(&b, &s) == 0 && has(&b, "moving") && has(&b, "a&lt;b"),
	   "the move from the original, escaped");
	buf_finish(&b);
}

int main(void)
{
	test_stats();
	test_members();
	test_metrics();
	test_html();
	return done_testing();
}
