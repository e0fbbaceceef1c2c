/* reseed_record: the reseed/<id> record a new leader resumes from
 * (cmd/scheduler/sched_reseed_record.c, SAFETY.md section 4): a round
 * trip keeps every field a resume needs (64-bit numbers exact), records
 * written by the earlier build read as what they meant, and records that
 * cannot be trusted are refused with the field named. */
#include "../cmd/scheduler/sched_reseed_int.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct rs_state a, b;

static void fill(struct rs_state *r)
{
	static const char *const names[] = { "etcd-1", "etcd-2", "etcd-3" };
	memset(r, 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "r-abc123");
	snprintf(r->reason, sizeof r->reason, "automatic: no quorum for 2 s");
	r->n = 3;
	for (size_t i = 0; i < 3; i++) {
		struct rs_member *m = &r->m[i];
		snprintf(m->name, sizeof m->name, "%s", names[i]);
		snprintf(m->task_id, sizeof m->task_id, "%s_127.0.0.1_3%zu000_3%zu001_x", names[i], i, i);
		snprintf(m->agent_id, sizeof m->agent_id, "agent-S%zu", i);
		m->fenced = i != 2;
		m->answered = i == 0;
		m->killed = i == 1;
		m->ans.has_data = i == 0;
		m->ans.from = i == 0 ? FW_FROM_ETCD : FW_FROM_NONE;
		m->ans.member_id = 0xfedcba9876543210ULL + i;   /* past 2^53 */
		m->ans.raft_index = 9007199254740993ULL + i;
		m->ans.raft_term = 7;
		m->ans.applied_index = 9007199254740993ULL;
	}
	r->chosen = 0;
	snprintf(r->tried[0], sizeof r->tried[0], "etcd-1");
	r->n_tried = 1;
	r->highest_index = 9007199254740995ULL;
	r->decided_ms = 1795630671210ULL;
}

static void round_trip(void)
{
	char step[16], err[300];
	fill(&a);
	char *txt = rs_record_encode(&a, "ranked", 1795630679999ULL);
	ok(txt != NULL, "encodes");
	if (!txt)
		return;
	note("%s", txt);
	ok(strstr(txt, "\"step\":\"ranked\"") != NULL, "the step is in the text as given");
	memset(&b, 0xff, sizeof b);
	b.step = RS_IDLE;
	int rc = rs_record_decode(&b, "r-abc123", txt, strlen(txt), step, sizeof step, err,
				  sizeof err);
	is_int(rc, 0, "decodes: %s", rc ? err : "ok");
	is_str(step, "ranked", "the step comes back");
	is_str(b.id, "r-abc123", "id");
	is_str(b.reason, a.reason, "reason");
	is_int((int)b.n, 3, "three members");
	is_int(b.chosen, 0, "the candidate is etcd-1");
	is_int((int)b.n_tried, 1, "one tried");
	is_str(b.tried[0], "etcd-1", "tried etcd-1");
	ok(b.highest_index == a.highest_index, "highest index exact");
	ok(b.decided_ms == a.decided_ms, "decided_ms exact");
	is_int(b.step, RS_IDLE, "the step field of the state is left alone");
	for (size_t i = 0; i < 3; i++) {
		const struct rs_member *x = &a.m[i], *y = &b.m[i];
		is_str(y->name, x->name, "member %zu name", i);
		is_str(y->task_id, x->task_id, "member %zu task id", i);
		is_str(y->agent_id, x->agent_id, "member %zu agent id", i);
		ok(y->fenced == x->fenced && y->answered == x->answered && y->killed == x->killed,
		   "member %zu fenced/answered/killed", i);
		ok(y->ans.has_data == (x->answered && x->ans.has_data), "member %zu has_data", i);
		ok(y->ans.from == x->ans.from, "member %zu from", i);
		ok(y->ans.member_id == x->ans.member_id && y->ans.raft_index == x->ans.raft_index &&
		   y->ans.applied_index == x->ans.applied_index && y->ans.raft_term == 7,
		   "member %zu 64-bit numbers exact", i);
	}
	free(txt);
}

/* What the build before resumption wrote (numbers as JSON numbers, no
 * "tried", "answered", "agent_id" or "from"; step names of that build). */
static void earlier_build(void)
{
	static const char old[] =
		"{\"v\":1,\"id\":\"r-old\",\"step\":\"force\",\"reason\":\"requested\","
		"\"updated_ms\":1795630671210,\"members\":["
		"{\"name\":\"etcd-1\",\"task_id\":\"t1\",\"fenced\":true,\"has_data\":true,"
		"\"raft_index\":120,\"raft_term\":3},"
		"{\"name\":\"etcd-2\",\"task_id\":\"t2\",\"fenced\":true,\"has_data\":false,"
		"\"raft_index\":0,\"raft_term\":0}],"
		"\"candidate\":\"etcd-1\",\"highest_index_before\":121}";
	char step[16], err[300];
	int rc = rs_record_decode(&b, "r-old", old, strlen(old), step, sizeof step, err,
				  sizeof err);
	is_int(rc, 0, "an earlier build's record decodes: %s", rc ? err : "ok");
	is_str(step, "ranked", "its step \"force\" reads as ranked");
	is_int(b.chosen, 0, "its candidate");
	is_int((int)b.n_tried, 1, "its candidate counts as tried");
	is_str(b.tried[0], "etcd-1", "tried etcd-1");
	ok(b.m[0].answered && b.m[0].ans.has_data && b.m[0].ans.raft_index == 120,
	   "a member with data answered, index kept");
	is_int(b.m[0].ans.from, FW_FROM_LAST_SAMPLE, "its numbers count as known");
	ok(!b.m[1].answered, "a member without data did not (it cannot be ranked)");
	ok(b.highest_index == 121, "highest index");

	static const char fenced[] = "{\"v\":1,\"step\":\"fenced\",\"members\":[]}";
	rc = rs_record_decode(&b, "r-f", fenced, strlen(fenced), step, sizeof step, err,
			      sizeof err);
	ok(rc == 0 && strcmp(step, "fence") == 0, "\"fenced\" reads as fence");
}

static void refusals(void)
{
	static const struct { const char *json, *want; } bad[] = {
		{ "{\"v\":1,\"members\":[]}", "step" },
		{ "{\"v\":1,\"step\":\"ranked\"}", "members" },
		{ "{\"v\":1,\"step\":\"ranked\",\"members\":[{\"name\":\"etcd-1\",\"task_id\":\"t\"}],"
		  "\"candidate\":\"etcd-9\"}", "etcd-9" },
		{ "{\"v\":1,\"step\":\"fence\",\"members\":[{\"task_id\":\"t\"}]}", "members[0].name" },
		{ "{\"v\":1,\"step\":\"fence\",\"members\":[{\"name\":\"etcd-1\",\"task_id\":\"t\","
		  "\"raft_index\":\"x1\"}]}", "raft_index" },
		{ "{\"v\":1,\"step\":\"fence\",\"members\":[],\"tried\":[3]}", "tried" },
		{ "[1,2]", "" },
		{ "{\"v\":1,\"step\":", "" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char step[16] = "", err[300] = "";
		int rc = rs_record_decode(&b, "r-bad", bad[i].json, strlen(bad[i].json), step,
					  sizeof step, err, sizeof err);
		ok(rc == -EPROTO && strstr(err, bad[i].want) && strstr(err, "reseed record"),
		   "refused with the field named: %s -> %s", bad[i].json, err);
	}
}

int main(void)
{
	round_trip();
	earlier_build();
	refusals();
	ok(rs_step_final("done") && !rs_step_final("stuck") && !rs_step_final("healthy"),
	   "only done ends a reseed for a resume");
	return done_testing();
}
