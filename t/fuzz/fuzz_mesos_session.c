/*
 * fuzz_mesos_session — the parsers lib/mesos's sessions run on what the
 * network and the agent's environment hand them.
 *
 * Input: one selector byte, then the bytes.
 *   0  JSON MasterInfo from a ZooKeeper node (master_info_parse_json);
 *      and the same bytes split on '\n' as child names (leader choice)
 *   1  a 307 Location against a fixed base and a master list
 *   2  a stout duration (MESOS_RECOVERY_TIMEOUT and friends)
 *   3  a scheduler event stream (RecordIO + protobuf), fed in two pieces
 *      cut where the second byte says; every event is re-packed
 *   4  the same for an executor event stream, plus LAUNCH_GROUP reading
 * Checks: no crash, no read past the input (ASan), results inside their
 * bounds (a parsed port 1..65535, a leader index in range, a duration not
 * negative, events counted as handed out).
 */
#include "mesos/duration.h"
#include "mesos/event_reader.h"
#include "mesos/exec_call.h"
#include "mesos/master_info.h"
#include "mesos/master_list.h"
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static int seen(const ProtobufCMessage *m, void *arg)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(n ? n : 1);

	CHECK(b);
	CHECK(protobuf_c_message_pack(m, b) == n);
	free(b);
	(*(size_t *)arg)++;
	return 0;
}

static void count_task(const Mesos__V1__TaskInfo *t, void *arg)
{
	CHECK(t->task_id && t->task_id->value);
	(*(size_t *)arg)++;
}

static int exec_seen(const ProtobufCMessage *m, void *arg)
{
	size_t n = 0;

	exec_launch_group_tasks((const Mesos__V1__Executor__Event *)m, count_task, &n);
	return seen(m, arg);
}

static void streams(const unsigned char *d, size_t n, bool exec)
{
	struct mesos_event_reader r;
	size_t cut = n ? d[0] % (n + 1) : 0, events = 0;
	int rc;

	if (n) {
		d++;
		n--;
		cut = cut > n ? n : cut;
	}
	mesos_event_reader_init(&r, exec ? &mesos__v1__executor__event__descriptor
					 : &mesos__v1__scheduler__event__descriptor, 1 << 20);
	rc = mesos_event_reader_feed(&r, (const char *)d, cut, exec ? exec_seen : seen, &events);
	if (rc == 0)
		rc = mesos_event_reader_feed(&r, (const char *)d + cut, n - cut,
					     exec ? exec_seen : seen, &events);
	CHECK(rc == 0 || rc == -EPROTO || rc == -EMSGSIZE || rc == -ENOMEM);
	CHECK(events == r.events);
	(void)mesos_event_reader_eof(&r);
	mesos_event_reader_finish(&r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s;
	char err[256];

	if (size < 1)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0: {
		struct master_addr a;
		const char *names[32];
		size_t n = 0;
		char *p, *save = NULL;
		if (master_info_parse_json((const char *)data + 1, size - 1, &a, err, sizeof err) == 0)
			CHECK(a.port >= 1 && a.host[0] && strlen(a.host) < sizeof a.host);
		for (p = strtok_r(s, "\n", &save); p && n < 32; p = strtok_r(NULL, "\n", &save))
			names[n++] = p;
		int i = master_pick_leader(names, n, NULL);
		CHECK(i >= -1 && i < (int)n);
		break;
	}
	case 1: {
		struct master_list l;
		struct master_entry e[1];
		struct url base, out;
		char name[URL_MAX_HOST];
		memset(&l, 0, sizeof l);
		memset(e, 0, sizeof e);
		CHECK(url_parse("http://10.0.0.1:5050/api/v1/scheduler", &e[0].url, NULL, 0) == 0);
		strcpy(e[0].name, "m1.example");
		l.v = e;
		l.n = 1;
		base = e[0].url;
		if (master_list_redirect(&l, &base, s, &out, name, err, sizeof err) == 0)
			CHECK(out.port >= 1 && out.path[0] == '/' && master_host_is_numeric(out.host));
		break;
	}
	case 2: {
		int64_t ns = -1;
		if (mesos_duration_parse(s, &ns, err, sizeof err) == 0)
			CHECK(ns >= 0);
		break;
	}
	case 3:
		streams(data + 1, size - 1, false);
		break;
	default:
		streams(data + 1, size - 1, true);
		break;
	}
	free(s);
	return 0;
}
