/* fw_message and status_data: the framework messages between scheduler
 * and executor and the TaskStatus.data JSON. Exact encodings, round
 * trips for every op in both directions, the version gates, and one row
 * per refusal. */
#include "base/buf.h"
#include "cluster/fw_message.h"
#include "cluster/status_data.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *enc(const struct fw_message *m)
{
	struct buf b = BUF_INIT;
	char err[512];
	if (fw_message_encode(m, &b, err, sizeof(err)) < 0) {
		note("encode failed: %s", err);
		buf_finish(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static int dec(struct fw_message *m, enum fw_kind k, const char *s, char *err, size_t n)
{
	return fw_message_decode(m, k, s, strlen(s), err, n);
}

/* Encodes m, checks the exact text, decodes it back and compares. */
static void trip(const struct fw_message *m, const char *want, const char *what)
{
	struct fw_message back;
	char err[512];
	char *json = enc(m);

	if (want)
		is_str(json, want, "%s: exact JSON", what);
	int rc = dec(&back, m->kind, json ? json : "", err, sizeof(err));
	ok(rc == 0 && memcmp(&back, m, sizeof(back)) == 0, "%s: round trip%s%s", what,
	   rc ? ": " : "", rc ? err : "");
	free(json);
}

static void requests(void)
{
	struct fw_message m;

	fw_request_init(&m, FW_OP_FENCE, "r-7");
	trip(&m, "{\"v\":1,\"op\":\"fence\",\"reseed_id\":\"r-7\"}", "fence request");
	fw_request_init(&m, FW_OP_FORCE, "r-7");
	strcpy(m.id, "q12");
	trip(&m, "{\"v\":1,\"op\":\"force\",\"reseed_id\":\"r-7\",\"id\":\"q12\"}", "force request");
	fw_request_init(&m, FW_OP_STATUS, NULL);
	trip(&m, "{\"v\":1,\"op\":\"status\"}", "status request");
	fw_request_init(&m, FW_OP_SNAPSHOT, NULL);
	strcpy(m.id, "backup-1");
	trip(&m, "{\"v\":1,\"op\":\"snapshot\",\"id\":\"backup-1\"}", "snapshot request");
	fw_request_init(&m, FW_OP_STATUS, "r-8");
	trip(&m, NULL, "status request with a reseed id");
}

static void answers(void)
{
	struct fw_message req, a;

	fw_request_init(&req, FW_OP_FENCE, "r-7");
	strcpy(req.id, "q1");
	fw_answer_init(&a, &req);
	a.fence.fenced = true;
	a.fence.has_data = true;
	a.fence.from = FW_FROM_ETCD;
	a.fence.member_id = 11561155051665864670ULL;
	a.fence.raft_index = 4711;
	a.fence.raft_term = 9;
	a.fence.applied_index = 4710;
	trip(&a, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r-7\",\"id\":\"q1\","
		 "\"fenced\":true,\"has_data\":true,\"from\":\"etcd\","
		 "\"member_id\":\"11561155051665864670\",\"raft_index\":\"4711\","
		 "\"raft_term\":\"9\",\"applied_index\":\"4710\"}", "fence answer from etcd");
	a.fence.from = FW_FROM_LAST_SAMPLE;
	trip(&a, NULL, "fence answer from the last sample");
	fw_answer_init(&a, &req);
	a.fence.fenced = true;
	a.fence.from = FW_FROM_NONE;
	trip(&a, NULL, "fence answer knowing nothing");

	fw_request_init(&req, FW_OP_FORCE, "r-7");
	const enum fw_force_state states[] = { FW_FORCE_STARTING, FW_FORCE_HEALTHY, FW_FORCE_FAILED };
	for (size_t i = 0; i < 3; i++) {
		fw_answer_init(&a, &req);
		a.force.state = states[i];
		if (states[i] == FW_FORCE_FAILED)
			strcpy(a.force.message, "etcd exited with status 1: \"member has been removed\"\n");
		trip(&a, NULL, fw_force_state_name(states[i]));
	}
	fw_answer_init(&a, &req);
	a.force.state = FW_FORCE_HEALTHY;
	trip(&a, "{\"v\":1,\"op\":\"force\",\"answer\":true,\"reseed_id\":\"r-7\",\"state\":\"healthy\"}",
	     "force healthy");

	fw_request_init(&req, FW_OP_STATUS, NULL);
	fw_answer_init(&a, &req);
	a.status.member_id = 18446744073709551615ULL;
	a.status.raft_index = 9007199254740993ULL;  /* 2^53 + 1: a double would round it */
	a.status.raft_term = 3;
	a.status.applied_index = 9007199254740993ULL;
	a.status.learner = true;
	a.status.state = MEMBER_RUN_RUNNING;
	trip(&a, "{\"v\":1,\"op\":\"status\",\"answer\":true,\"member_id\":\"18446744073709551615\","
		 "\"raft_index\":\"9007199254740993\",\"raft_term\":\"3\","
		 "\"applied_index\":\"9007199254740993\",\"learner\":true,\"state\":\"running\"}",
	     "status answer");
	for (int s = 0; s < MEMBER_RUN_COUNT; s++) {
		a.status.state = (enum member_run_state)s;
		trip(&a, NULL, member_run_state_name((enum member_run_state)s));
	}

	fw_request_init(&req, FW_OP_SNAPSHOT, NULL);
	strcpy(req.id, "b1");
	fw_answer_init(&a, &req);
	strcpy(a.snapshot.path, "snapshots/etcd-3-b1.db");
	a.snapshot.size = 20480;
	a.snapshot.revision = 812;
	trip(&a, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"id\":\"b1\","
		 "\"path\":\"snapshots/etcd-3-b1.db\",\"size\":\"20480\",\"revision\":\"812\"}",
	     "snapshot answer");
	fw_answer_init(&a, &req);
	strcpy(a.error, "etcdctl exited with status 1");
	trip(&a, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"id\":\"b1\","
		 "\"error\":\"etcdctl exited with status 1\"}", "error answer");
}

struct bad_row {
	enum fw_kind expect;
	const char *json;
	int rc;
	const char *want;   /* the whole message, or its start when ending in '*' */
};

static const struct bad_row bad[] = {
	{ FW_REQUEST, "{\"v\":1,\"op\":\"reboot\"}", -EINVAL,
	  "framework message: field \"op\": \"reboot\": unknown operation; this side knows \"fence\" \"force\" \"status\" \"snapshot\"" },
	{ FW_REQUEST, "{\"v\":1}", -EINVAL, "framework message: field \"op\" is missing" },
	{ FW_REQUEST, "{\"v\":1,\"op\":3}", -EINVAL, "framework message: field \"op\": 3: must be a string" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"FENCE\",\"reseed_id\":\"r\"}", -EINVAL,
	  "framework message: field \"op\": \"FENCE\": unknown operation*" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"fence\"}", -EINVAL,
	  "framework message: field \"reseed_id\" is missing" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"force\",\"reseed_id\":\"\"}", -EINVAL,
	  "framework message: field \"reseed_id\" is missing" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"force\",\"reseed_id\":\"r 7\"}", -EINVAL,
	  "framework message: field \"reseed_id\": \"r 7\": must be [A-Za-z0-9._-]*" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"status\",\"id\":\"a/b\"}", -EINVAL,
	  "framework message: field \"id\": \"a/b\": must be*" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"none\"}",
	  -EINVAL, "framework message: an answer to \"fence\" where a request was expected" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"reseed_id\":\"r\"}", -EINVAL,
	  "framework message: a request to \"fence\" where an answer was expected" },
	{ FW_REQUEST, "{\"v\":1,\"op\":\"status\",\"answer\":\"no\"}", -EINVAL,
	  "framework message: field \"answer\": \"no\": must be true or false" },
	{ FW_REQUEST, "{\"v\":2,\"op\":\"teleport\"}", -ENOTSUP,
	  "executor too old for this scheduler: upgrade the executor URI" },
	{ FW_REQUEST, "{\"v\":\"3.1\"}", -ENOTSUP,
	  "executor too old for this scheduler: upgrade the executor URI" },
	{ FW_ANSWER, "{\"v\":2,\"op\":\"fence\",\"answer\":true}", -ENOTSUP,
	  "scheduler too old for this executor: upgrade the scheduler" },
	{ FW_REQUEST, "{\"op\":\"status\"}", -EINVAL, "framework message: field \"v\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"from\":\"etcd\"}",
	  -EINVAL, "framework message: field \"fenced\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true}",
	  -EINVAL, "framework message: field \"from\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"guess\"}",
	  -EINVAL, "framework message: field \"from\": \"guess\": must be one of \"none\" \"etcd\" \"last-sample\"" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"etcd\",\"raft_term\":\"2\"}",
	  -EINVAL, "framework message: field \"raft_index\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"etcd\",\"raft_index\":\"5\"}",
	  -EINVAL, "framework message: field \"raft_term\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"etcd\","
		     "\"raft_index\":\"5\",\"raft_term\":\"2\",\"applied_index\":\"6\"}",
	  -EINVAL, "framework message: field \"applied_index\": 6: must not exceed \"raft_index\"" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"etcd\","
		     "\"raft_index\":9007199254740994,\"raft_term\":\"2\"}",
	  -EINVAL, "framework message: field \"raft_index\": 9007199254740994: must be a decimal string (a number only up to 2^53)" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\",\"fenced\":true,\"from\":\"etcd\","
		     "\"raft_index\":\"99999999999999999999\",\"raft_term\":\"2\"}",
	  -EINVAL, "framework message: field \"raft_index\": \"99999999999999999999\": must be an unsigned 64-bit integer in decimal" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"fence\",\"answer\":true,\"fenced\":true,\"from\":\"none\"}",
	  -EINVAL, "framework message: field \"reseed_id\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"force\",\"answer\":true,\"reseed_id\":\"r\"}",
	  -EINVAL, "framework message: field \"state\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"force\",\"answer\":true,\"reseed_id\":\"r\",\"state\":\"running\"}",
	  -EINVAL, "framework message: field \"state\": \"running\": must be one of \"starting\" \"healthy\" \"failed\"" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"status\",\"answer\":true,\"state\":\"asleep\"}",
	  -EINVAL, "framework message: field \"state\": \"asleep\": must be one of*" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"status\",\"answer\":true,\"state\":\"running\",\"learner\":1}",
	  -EINVAL, "framework message: field \"learner\": 1: must be true or false" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"size\":\"1\",\"revision\":\"1\"}",
	  -EINVAL, "framework message: field \"path\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"path\":\"../x.db\",\"size\":\"1\",\"revision\":\"1\"}",
	  -EINVAL, "framework message: field \"path\": \"../x.db\": must be a path*" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"path\":\"x.db\",\"revision\":\"1\"}",
	  -EINVAL, "framework message: field \"size\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"path\":\"x.db\",\"size\":\"1\"}",
	  -EINVAL, "framework message: field \"revision\" is missing" },
	{ FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"error\":7}",
	  -EINVAL, "framework message: field \"error\": 7: must be a string" },
	{ FW_REQUEST, "[\"fence\"]", -EINVAL, "framework message: an array: want a JSON object" },
	{ FW_REQUEST, "fence r-7", -EINVAL, "framework message: not valid JSON*" },
};

static bool matches(const char *got, const char *want)
{
	size_t n = strlen(want);
	if (n && want[n - 1] == '*')
		return strncmp(got, want, n - 1) == 0;
	return strcmp(got, want) == 0;
}

static void refusals(void)
{
	struct fw_message m;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int rc = dec(&m, bad[i].expect, bad[i].json, err, sizeof(err));
		ok(rc == bad[i].rc && matches(err, bad[i].want), "refused %s: %s", bad[i].json, err);
		if (rc != bad[i].rc || !matches(err, bad[i].want))
			note("  want %d \"%s\", got %d", bad[i].rc, bad[i].want, rc);
	}

	/* Accepted oddities. */
	is_int(dec(&m, FW_REQUEST, "{\"v\":1,\"op\":\"status\",\"later\":{\"a\":[1]},\"reseed_id\":null}",
		   err, sizeof(err)), 0, "unknown fields and a null reseed id are fine");
	is_int(dec(&m, FW_ANSWER, "{\"v\":\"1.4\",\"op\":\"fence\",\"answer\":true,\"reseed_id\":\"r\","
		   "\"fenced\":true,\"from\":\"etcd\",\"raft_index\":12,\"raft_term\":2}", err, sizeof(err)),
	       0, "v \"1.4\" and small bare numbers are accepted");
	ok(m.fence.raft_index == 12 && m.fence.raft_term == 2, "  with their values");
	is_int(dec(&m, FW_ANSWER, "{\"v\":1,\"op\":\"snapshot\",\"answer\":true,\"error\":\"disk full\","
		   "\"path\":\"../ignored\"}", err, sizeof(err)), 0,
	       "an error answer needs no payload, and a bad one is not read");

	/* Encoding refuses what decoding would refuse. */
	struct buf b = BUF_INIT;
	fw_request_init(&m, FW_OP_FORCE, NULL);
	is_int(fw_message_encode(&m, &b, err, sizeof(err)), -EINVAL, "encode: force without a reseed id");
	is_str(err, "framework message: field \"reseed_id\" is missing: \"force\" needs it", "  says so");
	fw_request_init(&m, FW_OP_STATUS, NULL);
	m.op = (enum fw_op)9;
	is_int(fw_message_encode(&m, &b, err, sizeof(err)), -EINVAL, "encode: an unknown op");
	fw_request_init(&m, FW_OP_STATUS, NULL);
	strcpy(m.error, "x");
	is_int(fw_message_encode(&m, &b, err, sizeof(err)), -EINVAL, "encode: a request with an error");
	fw_request_init(&m, FW_OP_SNAPSHOT, NULL);
	struct fw_message a;
	fw_answer_init(&a, &m);
	is_int(fw_message_encode(&a, &b, err, sizeof(err)), -EINVAL, "encode: snapshot answer without a path");
	is_int((int)b.len, 0, "nothing was appended by the refusals");
	buf_finish(&b);

	char big[FW_MESSAGE_MAX_BYTES + 2];
	memset(big, ' ', sizeof(big));
	big[0] = '{';
	big[sizeof(big) - 1] = '}';
	is_int(fw_message_decode(&m, FW_REQUEST, big, sizeof(big), err, sizeof(err)), -E2BIG,
	       "more than 16 KiB is refused");
}

static void status_data(void)
{
	struct status_data sd, back;
	struct buf b = BUF_INIT;
	char err[512];
	struct fw_message req;

	status_data_init(&sd);
	sd.report.member_id = 11561155051665864670ULL;
	sd.report.raft_index = 88;
	sd.report.raft_term = 2;
	sd.report.applied_index = 88;
	sd.report.state = MEMBER_RUN_RUNNING;
	is_int(status_data_encode(&sd, &b, err, sizeof(err)), 0, "status data encodes");
	is_str(b.data, "{\"v\":1,\"member_id\":\"11561155051665864670\",\"raft_index\":\"88\","
		       "\"raft_term\":\"2\",\"applied_index\":\"88\",\"learner\":false,\"state\":\"running\"}",
	       "  exactly");
	is_int(status_data_decode(&back, b.data, b.len, err, sizeof(err)), 0, "and decodes");
	ok(memcmp(&sd, &back, sizeof(sd)) == 0, "status data round trip");
	buf_reset(&b);

	fw_request_init(&req, FW_OP_FORCE, "r-9");
	sd.has_answer = true;
	fw_answer_init(&sd.answer, &req);
	sd.answer.force.state = FW_FORCE_HEALTHY;
	strcpy(sd.answer.force.message, "one-member cluster serving");
	sd.report.state = MEMBER_RUN_FORCING;
	is_int(status_data_encode(&sd, &b, err, sizeof(err)), 0, "status data with an answer encodes");
	ok(strstr(b.data, "\"answer\":{\"v\":1,\"op\":\"force\",\"answer\":true,\"reseed_id\":\"r-9\","
			  "\"state\":\"healthy\",\"message\":\"one-member cluster serving\"}") != NULL,
	   "  it says which op and reseed id it answers");
	is_int(status_data_decode(&back, b.data, b.len, err, sizeof(err)), 0, "and decodes");
	ok(memcmp(&sd, &back, sizeof(sd)) == 0, "round trip with the answer");
	buf_reset(&b);

	static const struct { const char *json; int rc; const char *want; } rows[] = {
		{ "{\"v\":1}", -EINVAL, "task status data: field \"state\" is missing" },
		{ "{\"v\":1,\"state\":\"zombie\"}", -EINVAL, "task status data: field \"state\": \"zombie\": must be one of*" },
		{ "{\"v\":2,\"state\":\"zombie\"}", -ENOTSUP, "scheduler too old for this executor: upgrade the scheduler" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":[]}", -EINVAL,
		  "task status data: field \"answer\": an array: must be a JSON object" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":{\"op\":\"force\"}}", -EINVAL,
		  "task status data: field \"answer.v\" is missing" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":{\"v\":5,\"op\":\"force\"}}", -ENOTSUP,
		  "scheduler too old for this executor: upgrade the scheduler" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":{\"v\":1,\"op\":\"force\",\"reseed_id\":\"r\"}}", -EINVAL,
		  "task status data: a request to \"force\" where an answer was expected" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":{\"v\":1,\"op\":\"force\",\"answer\":true,\"state\":\"healthy\"}}",
		  -EINVAL, "task status data: field \"answer.reseed_id\" is missing" },
		{ "{\"v\":1,\"state\":\"running\",\"answer\":{\"v\":1,\"op\":\"force\",\"answer\":true,\"reseed_id\":\"r\",\"state\":\"meh\"}}",
		  -EINVAL, "task status data: field \"answer.state\": \"meh\": must be one of*" },
		{ "{\"v\":1,\"state\":\"starting\",\"member_id\":\"-3\"}", -EINVAL,
		  "task status data: field \"member_id\": \"-3\": must be an unsigned 64-bit integer in decimal" },
		{ "{\"v\":1,\"state\":\"starting\",\"extra\":[1,2]}", 0, "" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		int rc = status_data_decode(&back, rows[i].json, strlen(rows[i].json), err, sizeof(err));
		ok(rc == rows[i].rc && matches(err, rows[i].want), "status data %s: %d %s",
		   rows[i].json, rc, err);
	}

	status_data_init(&sd);
	sd.has_answer = true;
	fw_request_init(&sd.answer, FW_OP_FENCE, "r");
	is_int(status_data_encode(&sd, &b, err, sizeof(err)), -EINVAL, "encode: a request as the answer");
	sd.answer.kind = FW_ANSWER;
	sd.answer.reseed_id[0] = '\0';
	is_int(status_data_encode(&sd, &b, err, sizeof(err)), -EINVAL,
	       "encode: an answer without its reseed id");
	is_str(err, "task status data: field \"answer.reseed_id\" is missing: \"fence\" needs it", "  says so");
	buf_finish(&b);
}

int main(void)
{
	requests();
	answers();
	refusals();
	status_data();
	return done_testing();
}
