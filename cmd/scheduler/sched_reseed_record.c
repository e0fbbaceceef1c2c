/* The reseed/<id> record (SAFETY.md section 4): struct rs_state as JSON
 * and back (pure functions, table-tested in t/unit/test_reseed_record.c), so that a scheduler that becomes leader mid-reseed resumes it
 * from the last step written. See sched_reseed_int.h.
 *
 * Record, version 1 (64-bit numbers as decimal strings; readers accept
 * exact JSON numbers too, as written by earlier builds):
 *   {"v":1,"id":"r-...","step":"ranked","reason":"...","decided_ms":"...",
 *    "updated_ms":"...","members":[{"name":"etcd-1","task_id":"...",
 *    "agent_id":"...","fenced":true,"answered":true,"killed":false,
 *    "has_data":true,"from":"etcd","member_id":"...","raft_index":"...",
 *    "raft_term":"...","applied_index":"..."}],"candidate":"etcd-1",
 *    "tried":["etcd-1"],"highest_index_before":"..."} */
#include "sched_reseed_int.h"

#include "cluster/json_read.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const from_names[] = { "none", "etcd", "last-sample" };

bool rs_step_final(const char *step)
{
	return strcmp(step, "done") == 0;
}

static int add_member(cJSON *arr, const struct rs_member *m)
{
	cJSON *x = cJSON_CreateObject();
	int rc = 0;

	if (!x)
		return -ENOMEM;
	cJSON_AddItemToArray(arr, x);
	rc |= jw_str(x, "name", m->name);
	rc |= jw_str(x, "task_id", m->task_id);
	rc |= jw_str(x, "agent_id", m->agent_id);
	rc |= jw_bool(x, "fenced", m->fenced);
	rc |= jw_bool(x, "answered", m->answered);
	rc |= jw_bool(x, "killed", m->killed);
	rc |= jw_bool(x, "has_data", m->answered && m->ans.has_data);
	rc |= jw_str(x, "from", from_names[m->ans.from <= FW_FROM_LAST_SAMPLE ? m->ans.from : 0]);
	rc |= jw_u64(x, "member_id", m->ans.member_id);
	rc |= jw_u64(x, "raft_index", m->ans.raft_index);
	rc |= jw_u64(x, "raft_term", m->ans.raft_term);
	rc |= jw_u64(x, "applied_index", m->ans.applied_index);
	return rc ? -ENOMEM : 0;
}

char *rs_record_encode(const struct rs_state *r, const char *step, uint64_t now_ms)
{
	cJSON *j = cJSON_CreateObject(), *mem, *tried;
	char *txt = NULL;
	int rc = 0;

	if (!j)
		return NULL;
	rc |= jw_int(j, "v", 1);
	rc |= jw_str(j, "id", r->id);
	rc |= jw_str(j, "step", step);
	rc |= jw_str(j, "reason", r->reason);
	rc |= jw_u64(j, "decided_ms", r->decided_ms);
	rc |= jw_u64(j, "updated_ms", now_ms);
	mem = cJSON_AddArrayToObject(j, "members");
	for (size_t i = 0; mem && rc == 0 && i < r->n; i++)
		rc = add_member(mem, &r->m[i]);
	if (r->chosen >= 0)
		rc |= jw_str(j, "candidate", r->m[r->chosen].name);
	tried = cJSON_AddArrayToObject(j, "tried");
	for (size_t i = 0; tried && i < r->n_tried; i++) {
		cJSON *t = cJSON_CreateString(r->tried[i]);
		if (!t) {
			rc = -ENOMEM;
			break;
		}
		cJSON_AddItemToArray(tried, t);
	}
	rc |= jw_u64(j, "highest_index_before", r->highest_index);
	if (rc == 0 && mem && tried)
		txt = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return txt;
}

static bool any_text(const char *s)
{
	return s && *s;
}

static int decode_member(struct jr *jr, const cJSON *x, struct rs_member *m)
{
	int from = 0;

	if (jr_str(jr, x, "name", JR_REQUIRED, ident_is_member_name, "a member name",
		   m->name, sizeof m->name) < 0 ||
	    jr_str(jr, x, "task_id", JR_REQUIRED, any_text, "a task id", m->task_id,
		   sizeof m->task_id) < 0 ||
	    jr_str(jr, x, "agent_id", 0, any_text, "an agent id", m->agent_id,
		   sizeof m->agent_id) < 0 ||
	    jr_bool(jr, x, "fenced", 0, &m->fenced) < 0 ||
	    jr_bool(jr, x, "answered", 0, &m->answered) < 0 ||
	    jr_bool(jr, x, "killed", 0, &m->killed) < 0 ||
	    jr_bool(jr, x, "has_data", 0, &m->ans.has_data) < 0 ||
	    jr_enum(jr, x, "from", 0, from_names, 3, &from) < 0 ||
	    jr_u64(jr, x, "member_id", 0, &m->ans.member_id) < 0 ||
	    jr_u64(jr, x, "raft_index", 0, &m->ans.raft_index) < 0 ||
	    jr_u64(jr, x, "raft_term", 0, &m->ans.raft_term) < 0 ||
	    jr_u64(jr, x, "applied_index", 0, &m->ans.applied_index) < 0)
		return -EPROTO;
	m->ans.from = (enum fw_fence_from)from;
	/* an earlier build wrote no "answered": has_data came only from one */
	if (m->ans.has_data)
		m->answered = true;
	/* ... nor "from": a recorded index came from somewhere */
	if (m->answered && !cJSON_GetObjectItemCaseSensitive(x, "from") && m->ans.raft_index)
		m->ans.from = FW_FROM_LAST_SAMPLE;
	m->ans.fenced = m->fenced;
	return 0;
}

int rs_record_decode(struct rs_state *r, const char *id, const char *json, size_t len,
		     char *step_out, size_t step_len, char *err, size_t errlen)
{
	struct jr jr;
	cJSON *root = NULL;
	const cJSON *mem = NULL, *tried = NULL, *x;
	char step[16] = "", cand[IDENT_NAME_MAX + 1] = "";
	int rc;

	jr_init(&jr, "reseed record", err, errlen);
	rc = jr_parse(&jr, json, len, 256 * 1024, &root);
	if (rc < 0)
		return rc == -ENOMEM ? -ENOMEM : -EPROTO;
	rc = -EPROTO;
	if (jr_str(&jr, root, "step", JR_REQUIRED, any_text, "a step name", step,
		   sizeof step) < 0 ||
	    jr_str(&jr, root, "reason", 0, any_text, "a text", r->reason, sizeof r->reason) < 0 ||
	    jr_u64(&jr, root, "decided_ms", 0, &r->decided_ms) < 0 ||
	    jr_u64(&jr, root, "highest_index_before", 0, &r->highest_index) < 0 ||
	    jr_str(&jr, root, "candidate", 0, ident_is_member_name, "a member name", cand,
		   sizeof cand) < 0 ||
	    jr_node(&jr, root, "members", JR_REQUIRED, cJSON_Array, &mem) < 0 ||
	    jr_node(&jr, root, "tried", 0, cJSON_Array, &tried) < 0)
		goto out;
	if (strcmp(step, "fenced") == 0)
		snprintf(step, sizeof step, "fence");
	else if (strcmp(step, "force") == 0)
		snprintf(step, sizeof step, "ranked");
	snprintf(r->id, sizeof r->id, "%s", id);
	r->n = 0;
	r->chosen = -1;
	r->n_tried = 0;
	memset(r->m, 0, sizeof r->m);
	cJSON_ArrayForEach(x, mem) {
		if (r->n == RS_MAX) {
			jr_errorf(&jr, "more than %d members", RS_MAX);
			goto out;
		}
		jr_set_prefix(&jr, "members[%zu].", r->n);
		if (!cJSON_IsObject(x)) {
			jr_errorf(&jr, "not an object");
			goto out;
		}
		if (decode_member(&jr, x, &r->m[r->n]) < 0)
			goto out;
		r->n++;
	}
	jr_set_prefix(&jr, "%s", "");
	cJSON_ArrayForEach(x, tried) {
		if (!cJSON_IsString(x) || !ident_is_member_name(x->valuestring) ||
		    r->n_tried == RS_MAX) {
			jr_field_error(&jr, "tried", x, "must hold member names");
			goto out;
		}
		snprintf(r->tried[r->n_tried++], sizeof r->tried[0], "%s", x->valuestring);
	}
	for (size_t i = 0; cand[0] && i < r->n; i++)
		if (strcmp(r->m[i].name, cand) == 0)
			r->chosen = (int)i;
	if (cand[0] && r->chosen < 0) {
		jr_errorf(&jr, "candidate \"%s\" is not among the members", cand);
		goto out;
	}
	/* an earlier build kept "tried" only in memory: its candidate was tried */
	if (r->chosen >= 0 && r->n_tried == 0)
		memcpy(r->tried[r->n_tried++], cand, sizeof r->tried[0]);
	snprintf(step_out, step_len, "%s", step);
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}
