/* registry_record: the JSON of one member's registry record in
 * ZooKeeper. Exact encoding, round trips for every state, defaults of
 * optional fields, the version gate, and one row per refusal. */
#include "base/buf.h"
#include "cluster/registry_record.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void sample(struct registry_record *r)
{
	registry_record_init(r);
	strcpy(r->name, "etcd-4");
	strcpy(r->task_id, "etcd-4_10.0.0.5_31000_31001_k3x9q2");
	strcpy(r->agent_id, "a1b2-S3");
	strcpy(r->host, "10.0.0.5");
	r->peer_port = 31000;
	r->client_port = 31001;
	r->state = MEMBER_RUNNING;
	r->etcd_id = 18446744073709551615ull;  /* past 2^53: a string */
	r->learner = true;
	strcpy(r->task_state, "TASK_RUNNING");
	r->planned_ms = 1764084000000ull;
	r->updated_ms = 1764084012345ull;
}

static char *enc(const struct registry_record *r, int *rc, char *err, size_t n)
{
	struct buf b = BUF_INIT;
	*rc = registry_record_encode(r, &b, err, n);
	if (*rc < 0) {
		buf_finish(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void exact(void)
{
	struct registry_record r, back;
	char err[256];
	int rc;

	sample(&r);
	char *json = enc(&r, &rc, err, sizeof(err));
	is_str(json, "{\"v\":1,\"name\":\"etcd-4\",\"task_id\":\"etcd-4_10.0.0.5_31000_31001_k3x9q2\","
	       "\"agent_id\":\"a1b2-S3\",\"host\":\"10.0.0.5\",\"peer_port\":31000,"
	       "\"client_port\":31001,\"state\":\"RUNNING\",\"etcd_id\":\"18446744073709551615\","
	       "\"initial\":false,\"learner\":true,\"foreign\":false,\"never_ran\":false,"
	       "\"task_state\":\"TASK_RUNNING\","
	       "\"planned_ms\":1764084000000,\"updated_ms\":1764084012345}",
	       "exact JSON of a running learner");
	rc = registry_record_decode(&back, json, json ? strlen(json) : 0, err, sizeof(err));
	ok(rc == 0 && memcmp(&back, &r, sizeof(r)) == 0, "decodes back to the same struct");
	free(json);
}

static void round_trips(void)
{
	static const struct {
		enum member_state state;
		const char *name, *task_id, *host;
		uint64_t etcd_id;
		bool initial, learner, foreign;
		const char *task_state;
		bool never_ran;
	} rows[] = {
		{ MEMBER_PLANNED, "etcd-1", "etcd-1_h_1_2_a", "h", 0, true, false, false, "", false },
		{ MEMBER_ADDED, "etcd-2", "etcd-2_10.0.0.1_2380_2379_b", "10.0.0.1", 1, false, true, false, "", false },
		{ MEMBER_LAUNCHED, "etcd-3", "etcd-3_fd00::5_2380_2379_c", "fd00::5", 9007199254740993ull,
		  false, true, false, "TASK_STAGING", false },
		{ MEMBER_RUNNING, "etcd-1448921329", "etcd-1448921329 10.0.0.5 31000 31001 31002",
		  "10.0.0.5", 42, false, false, true, "TASK_RUNNING", false },
		{ MEMBER_DEAD, "etcd-5", "etcd-5_node-3.mesos.example.com_1_65535_z",
		  "node-3.mesos.example.com", 7, false, false, false, "TASK_LOST", false },
		{ MEMBER_REMOVED, "etcd-6", "x", "h", 0, false, false, false, "TASK_KILLED", false },
		{ MEMBER_DEAD, "etcd-7", "etcd-7_h_1_2_q", "h", 0, true, false, false, "TASK_FAILED",
		  true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct registry_record r, back;
		char err[256];
		int rc;
		registry_record_init(&r);
		strcpy(r.name, rows[i].name);
		strcpy(r.task_id, rows[i].task_id);
		strcpy(r.agent_id, "agent-S1");
		strcpy(r.host, rows[i].host);
		r.peer_port = 2380;
		r.client_port = 2379;
		r.state = rows[i].state;
		r.etcd_id = rows[i].etcd_id;
		r.initial = rows[i].initial;
		r.learner = rows[i].learner;
		r.foreign = rows[i].foreign;
		r.never_ran = rows[i].never_ran;
		strcpy(r.task_state, rows[i].task_state);
		r.planned_ms = 1000 + i;
		r.updated_ms = 2000 + i;
		char *json = enc(&r, &rc, err, sizeof(err));
		int drc = json ? registry_record_decode(&back, json, strlen(json), err, sizeof(err)) : rc;
		ok(rc == 0 && drc == 0 && memcmp(&back, &r, sizeof(r)) == 0,
		   "round trip %s %s%s%s", member_state_name(rows[i].state), rows[i].name,
		   drc ? ": " : "", drc ? err : "");
		free(json);
	}
	/* Every whole millisecond up to 2^53 reads back exactly (cJSON's own
	 * number printer rounded 8921352816802469 to ...470). */
	static const uint64_t ms[] = { 8921352816802469ull, 9007199254740991ull,
				       (1ull << 53), 4503599627370497ull, 1764084012345ull };
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct registry_record r, back;
		char err[256];
		int rc;
		sample(&r);
		r.planned_ms = ms[i];
		r.updated_ms = ms[i] - 1;
		char *json = enc(&r, &rc, err, sizeof(err));
		int drc = json ? registry_record_decode(&back, json, strlen(json), err, sizeof(err)) : rc;
		ok(rc == 0 && drc == 0 && back.planned_ms == ms[i] && back.updated_ms == ms[i] - 1,
		   "milliseconds %llu round-trip exactly%s%s", (unsigned long long)ms[i],
		   drc ? ": " : "", drc ? err : "");
		free(json);
	}
}

static void defaults(void)
{
	struct registry_record r;
	char err[256];
	const char *min = "{\"v\":\"1.2\",\"name\":\"etcd-9\",\"task_id\":\"t9\",\"agent_id\":\"s1\","
			  "\"host\":\"h\",\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\","
			  "\"unknown\":{\"future\":[1,2]}}";
	int rc = registry_record_decode(&r, min, strlen(min), err, sizeof(err));
	ok(rc == 0, "minimal record with v \"1.2\" and an unknown field decodes%s%s",
	   rc ? ": " : "", rc ? err : "");
	ok(r.etcd_id == 0 && !r.initial && !r.learner && !r.foreign && !r.never_ran &&
	   r.task_state[0] == '\0' &&
	   r.planned_ms == 0 && r.updated_ms == 0 && r.state == MEMBER_PLANNED,
	   "  optional fields default to zero/false/empty");
	const char *num = "{\"v\":1,\"name\":\"etcd-9\",\"task_id\":\"t9\",\"agent_id\":\"s1\","
			  "\"host\":\"h\",\"peer_port\":1,\"client_port\":2,\"state\":\"ADDED\","
			  "\"etcd_id\":12345}";
	rc = registry_record_decode(&r, num, strlen(num), err, sizeof(err));
	ok(rc == 0 && r.etcd_id == 12345 && r.state == MEMBER_ADDED,
	   "etcd_id as a small JSON number is accepted too");
}

static void refusals(void)
{
	static const struct {
		const char *json;
		int rc;
		const char *err;  /* substring of the message */
	} rows[] = {
		{ "", -EINVAL, "registry record" },
		{ "[1]", -EINVAL, "registry record" },
		{ "{\"v\":1} x", -EINVAL, "registry record" },
		{ "{\"v\":2,\"name\":\"etcd-1\"}", -ENOTSUP, "newer scheduler" },
		{ "{\"name\":\"etcd-1\"}", -EINVAL, "\"v\"" },
		{ "{\"v\":1,\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\",\"peer_port\":1,"
		  "\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"name\" is missing" },
		{ "{\"v\":1,\"name\":\"Etcd_1\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"name\": \"Etcd_1\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"a/b\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"task_id\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"agent_id\" is missing" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"a b\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"host\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":0,\"client_port\":2,\"state\":\"PLANNED\"}", -EINVAL, "field \"peer_port\": 0" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":65536,\"state\":\"PLANNED\"}", -EINVAL, "field \"client_port\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":\"2\",\"state\":\"PLANNED\"}", -EINVAL, "must be a number" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"running\"}", -EINVAL, "field \"state\": \"running\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\",\"etcd_id\":\"-1\"}", -EINVAL, "field \"etcd_id\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\",\"etcd_id\":1e300}", -EINVAL, "field \"etcd_id\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\",\"learner\":\"yes\"}", -EINVAL, "field \"learner\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\",\"task_state\":\"RUNNING\"}", -EINVAL, "field \"task_state\"" },
		{ "{\"v\":1,\"name\":\"e\",\"task_id\":\"t\",\"agent_id\":\"s\",\"host\":\"h\","
		  "\"peer_port\":1,\"client_port\":2,\"state\":\"PLANNED\",\"planned_ms\":-5}", -EINVAL, "field \"planned_ms\"" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct registry_record r;
		char err[256] = "";
		int rc = registry_record_decode(&r, rows[i].json, strlen(rows[i].json), err, sizeof(err));
		ok(rc == rows[i].rc && strstr(err, rows[i].err) && r.name[0] == '\0',
		   "refused (%d): %s", rc, err);
	}

	/* A NUL inside and an oversized record. */
	struct registry_record r;
	char err[256] = "";
	ok(registry_record_decode(&r, "{\"v\":1}\0", 8, err, sizeof(err)) == -EINVAL,
	   "a NUL byte is refused: %s", err);
	size_t big = REGISTRY_RECORD_MAX_BYTES + 1;
	char *s = malloc(big);
	memset(s, ' ', big);
	s[0] = '{';
	s[big - 1] = '}';
	ok(registry_record_decode(&r, s, big, err, sizeof(err)) == -E2BIG, "over 8 KiB is refused: %s", err);
	free(s);
}

static void encode_refusals(void)
{
	struct registry_record r;
	char err[256];
	int rc;

	static const struct { int field; const char *want; } rows[] = {
		{ 0, "field \"name\"" }, { 1, "field \"task_id\"" }, { 2, "field \"agent_id\"" },
		{ 3, "field \"host\"" }, { 4, "field \"peer_port\"" }, { 5, "field \"client_port\"" },
		{ 6, "field \"state\"" }, { 7, "field \"task_state\"" }, { 8, "field \"updated_ms\"" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sample(&r);
		switch (rows[i].field) {
		case 0: strcpy(r.name, "etcd 4"); break;
		case 1: r.task_id[0] = '\0'; break;
		case 2: strcpy(r.agent_id, "a\\b"); break;
		case 3: strcpy(r.host, "10.0.0.300"); break;
		case 4: r.peer_port = 0; break;
		case 5: r.client_port = 0; break;
		case 6: r.state = (enum member_state)17; break;
		case 7: strcpy(r.task_state, "TASK_running"); break;
		case 8: r.updated_ms = (1ull << 53) + 1; break;
		}
		char *json = enc(&r, &rc, err, sizeof(err));
		ok(rc == -EINVAL && !json && strstr(err, rows[i].want) &&
		   registry_record_check(&r, err, sizeof(err)) == -EINVAL,
		   "encode refuses: %s", err);
		free(json);
	}
}

/* Two writes built from one base: each keeps what it changed. */
static void merges(void)
{
	struct registry_record base, mine, cur, out;
	sample(&base);
	mine = base;
	cur = base;
	strcpy(cur.task_state, "TASK_RUNNING");   /* the write that landed first */
	cur.updated_ms = base.updated_ms + 10;
	mine.state = MEMBER_DEAD;                 /* the one that waited */
	mine.etcd_id = 99;
	mine.updated_ms = base.updated_ms + 5;
	registry_record_merge3(&base, &mine, &cur, &out);
	ok(out.state == MEMBER_DEAD && out.etcd_id == 99 &&
	   strcmp(out.task_state, "TASK_RUNNING") == 0 && out.updated_ms == cur.updated_ms,
	   "merge: both writes' fields kept, the later updated_ms");
	mine = base;
	strcpy(mine.task_state, "TASK_KILLED");
	cur = base;
	strcpy(cur.task_state, "TASK_RUNNING");
	registry_record_merge3(&base, &mine, &cur, &out);
	ok(strcmp(out.task_state, "TASK_KILLED") == 0, "merge: both changed a field: the waiting write wins");
	registry_record_merge3(&base, &base, &cur, &out);
	ok(memcmp(&out, &cur, sizeof out) == 0, "merge: an unchanged write keeps what is stored");
}

int main(void)
{
	exact();
	round_trips();
	merges();
	defaults();
	refusals();
	encode_refusals();
	return done_testing();
}
