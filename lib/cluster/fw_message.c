#include "cluster/fw_message.h"

#include "base/buf.h"
#include "base/strutil.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define WHAT "framework message"
#define TOKEN_RULE "must be [A-Za-z0-9._-], 1..128 characters, starting with a letter or digit"
#define PATH_RULE  "must be a path of [A-Za-z0-9._/+@:-] with no \"..\" or empty component"

static const char *const op_names[FW_OP_COUNT] = { "fence", "force", "status", "snapshot" };
static const char *const run_names[MEMBER_RUN_COUNT] = {
	"starting", "running", "restarting", "fenced", "forcing", "stopping",
};
static const char *const force_names[] = { "starting", "healthy", "failed" };
static const char *const from_names[] = { "none", "etcd", "last-sample" };

const char *fw_op_name(enum fw_op op)
{
	return (unsigned)op < FW_OP_COUNT ? op_names[op] : "?";
}

const char *member_run_state_name(enum member_run_state s)
{
	return (unsigned)s < MEMBER_RUN_COUNT ? run_names[s] : "?";
}

const char *fw_force_state_name(enum fw_force_state s)
{
	return (unsigned)s < 3 ? force_names[s] : "?";
}

const char *fw_fence_from_name(enum fw_fence_from f)
{
	return (unsigned)f < 3 ? from_names[f] : "?";
}

static bool op_needs_reseed_id(enum fw_op op)
{
	return op == FW_OP_FENCE || op == FW_OP_FORCE;
}

void fw_request_init(struct fw_message *m, enum fw_op op, const char *reseed_id)
{
	memset(m, 0, sizeof(*m));
	m->kind = FW_REQUEST;
	m->op = op;
	if (reseed_id)
		str_copy(m->reseed_id, reseed_id, sizeof(m->reseed_id));
}

void fw_answer_init(struct fw_message *ans, const struct fw_message *req)
{
	memset(ans, 0, sizeof(*ans));
	ans->kind = FW_ANSWER;
	ans->op = req->op;
	memcpy(ans->reseed_id, req->reseed_id, sizeof(ans->reseed_id));
	memcpy(ans->id, req->id, sizeof(ans->id));
}

/* ---- validation ---- */

static int bad_enum(struct jr *r, const char *key, unsigned v, const char *why)
{
	jr_num_error(r, key, v, why);
	return -EINVAL;
}

int fw_message_check(struct jr *r, const struct fw_message *m)
{
	if (m->kind != FW_REQUEST && m->kind != FW_ANSWER)
		return bad_enum(r, "answer", (unsigned)m->kind, "unknown message kind");
	if ((unsigned)m->op >= FW_OP_COUNT)
		return bad_enum(r, "op", (unsigned)m->op,
				"unknown operation; known: \"fence\" \"force\" \"status\" \"snapshot\"");
	if (op_needs_reseed_id(m->op) && !m->reseed_id[0]) {
		jr_errorf(r, "field \"%sreseed_id\" is missing: \"%s\" needs it",
			  r->prefix, fw_op_name(m->op));
		return -EINVAL;
	}
	if (m->reseed_id[0] && !ident_is_token(m->reseed_id)) {
		jr_str_error(r, "reseed_id", m->reseed_id, TOKEN_RULE);
		return -EINVAL;
	}
	if (m->id[0] && !ident_is_token(m->id)) {
		jr_str_error(r, "id", m->id, TOKEN_RULE);
		return -EINVAL;
	}
	if (m->kind == FW_REQUEST) {
		if (m->error[0]) {
			jr_str_error(r, "error", m->error, "only an answer carries an error");
			return -EINVAL;
		}
		return 0;
	}
	if (m->error[0])
		return 0;
	switch (m->op) {
	case FW_OP_FENCE:
		if ((unsigned)m->fence.from > FW_FROM_LAST_SAMPLE)
			return bad_enum(r, "from", (unsigned)m->fence.from,
					"must be \"none\", \"etcd\" or \"last-sample\"");
		if (m->fence.applied_index > m->fence.raft_index) {
			jr_num_error(r, "applied_index", m->fence.applied_index,
				     "must not exceed \"raft_index\"");
			return -EINVAL;
		}
		break;
	case FW_OP_FORCE:
		if ((unsigned)m->force.state > FW_FORCE_FAILED)
			return bad_enum(r, "state", (unsigned)m->force.state,
					"must be \"starting\", \"healthy\" or \"failed\"");
		break;
	case FW_OP_STATUS:
		if ((unsigned)m->status.state >= MEMBER_RUN_COUNT)
			return bad_enum(r, "state", (unsigned)m->status.state,
					"unknown member state");
		break;
	case FW_OP_SNAPSHOT:
		if (!ident_is_path(m->snapshot.path)) {
			if (!m->snapshot.path[0]) {
				jr_errorf(r, "field \"%spath\" is missing", r->prefix);
				return -EINVAL;
			}
			jr_str_error(r, "path", m->snapshot.path, PATH_RULE);
			return -EINVAL;
		}
		break;
	}
	return 0;
}

int fw_message_validate(const struct fw_message *m, char *err, size_t errlen)
{
	struct jr r;
	jr_init(&r, WHAT, err, errlen);
	return fw_message_check(&r, m);
}

/* ---- encoding ---- */

int member_report_put(cJSON *o, const struct member_report *rep)
{
	if ((rep->member_id && jw_u64(o, "member_id", rep->member_id) < 0) ||
	    jw_u64(o, "raft_index", rep->raft_index) < 0 ||
	    jw_u64(o, "raft_term", rep->raft_term) < 0 ||
	    jw_u64(o, "applied_index", rep->applied_index) < 0 ||
	    jw_bool(o, "learner", rep->learner) < 0 ||
	    jw_str(o, "state", member_run_state_name(rep->state)) < 0)
		return -ENOMEM;
	return 0;
}

static int put_payload(cJSON *o, const struct fw_message *m)
{
	switch (m->op) {
	case FW_OP_FENCE:
		if (jw_bool(o, "fenced", m->fence.fenced) < 0 ||
		    jw_bool(o, "has_data", m->fence.has_data) < 0 ||
		    jw_str(o, "from", fw_fence_from_name(m->fence.from)) < 0 ||
		    (m->fence.member_id && jw_u64(o, "member_id", m->fence.member_id) < 0) ||
		    jw_u64(o, "raft_index", m->fence.raft_index) < 0 ||
		    jw_u64(o, "raft_term", m->fence.raft_term) < 0 ||
		    jw_u64(o, "applied_index", m->fence.applied_index) < 0)
			return -ENOMEM;
		return 0;
	case FW_OP_FORCE:
		if (jw_str(o, "state", fw_force_state_name(m->force.state)) < 0 ||
		    (m->force.message[0] && jw_str(o, "message", m->force.message) < 0))
			return -ENOMEM;
		return 0;
	case FW_OP_STATUS:
		return member_report_put(o, &m->status);
	case FW_OP_SNAPSHOT:
		if (jw_str(o, "path", m->snapshot.path) < 0 ||
		    jw_u64(o, "size", m->snapshot.size) < 0 ||
		    jw_u64(o, "revision", m->snapshot.revision) < 0)
			return -ENOMEM;
		return 0;
	}
	return 0;
}

int fw_message_put(cJSON *o, const struct fw_message *m)
{
	if (jw_int(o, "v", FW_MESSAGE_V) < 0 ||
	    jw_str(o, "op", fw_op_name(m->op)) < 0 ||
	    (m->kind == FW_ANSWER && jw_bool(o, "answer", true) < 0) ||
	    (m->reseed_id[0] && jw_str(o, "reseed_id", m->reseed_id) < 0) ||
	    (m->id[0] && jw_str(o, "id", m->id) < 0))
		return -ENOMEM;
	if (m->kind == FW_REQUEST)
		return 0;
	if (m->error[0])
		return jw_str(o, "error", m->error);
	return put_payload(o, m);
}

int fw_message_encode(const struct fw_message *m, struct buf *out,
		      char *err, size_t errlen)
{
	cJSON *root;
	int rc = fw_message_validate(m, err, errlen);

	if (rc < 0)
		return rc;
	root = cJSON_CreateObject();
	if (!root)
		return -ENOMEM;
	if (fw_message_put(root, m) < 0) {
		cJSON_Delete(root);
		return -ENOMEM;
	}
	return jw_finish(root, out);
}

/* ---- decoding ---- */

int member_report_get(struct jr *r, const cJSON *o, struct member_report *rep)
{
	int state = 0;

	memset(rep, 0, sizeof(*rep));
	if (jr_u64(r, o, "member_id", 0, &rep->member_id) < 0 ||
	    jr_u64(r, o, "raft_index", 0, &rep->raft_index) < 0 ||
	    jr_u64(r, o, "raft_term", 0, &rep->raft_term) < 0 ||
	    jr_u64(r, o, "applied_index", 0, &rep->applied_index) < 0 ||
	    jr_bool(r, o, "learner", 0, &rep->learner) < 0 ||
	    jr_enum(r, o, "state", JR_REQUIRED, run_names, MEMBER_RUN_COUNT, &state) < 0)
		return -EINVAL;
	rep->state = (enum member_run_state)state;
	return 0;
}

static int get_payload(struct jr *r, const cJSON *o, struct fw_message *m)
{
	int e = 0;

	switch (m->op) {
	case FW_OP_FENCE:
		if (jr_bool(r, o, "fenced", JR_REQUIRED, &m->fence.fenced) < 0 ||
		    jr_bool(r, o, "has_data", 0, &m->fence.has_data) < 0 ||
		    jr_enum(r, o, "from", JR_REQUIRED, from_names, 3, &e) < 0)
			return -EINVAL;
		m->fence.from = (enum fw_fence_from)e;
		if (jr_u64(r, o, "member_id", 0, &m->fence.member_id) < 0 ||
		    jr_u64(r, o, "raft_index", m->fence.from ? JR_REQUIRED : 0,
			   &m->fence.raft_index) < 0 ||
		    jr_u64(r, o, "raft_term", m->fence.from ? JR_REQUIRED : 0,
			   &m->fence.raft_term) < 0 ||
		    jr_u64(r, o, "applied_index", 0, &m->fence.applied_index) < 0)
			return -EINVAL;
		return 0;
	case FW_OP_FORCE:
		if (jr_enum(r, o, "state", JR_REQUIRED, force_names, 3, &e) < 0 ||
		    jr_str(r, o, "message", 0, NULL, NULL, m->force.message,
			   sizeof(m->force.message)) < 0)
			return -EINVAL;
		m->force.state = (enum fw_force_state)e;
		return 0;
	case FW_OP_STATUS:
		return member_report_get(r, o, &m->status);
	case FW_OP_SNAPSHOT:
		if (jr_str(r, o, "path", JR_REQUIRED, ident_is_path, PATH_RULE,
			   m->snapshot.path, sizeof(m->snapshot.path)) < 0 ||
		    jr_u64(r, o, "size", JR_REQUIRED, &m->snapshot.size) < 0 ||
		    jr_u64(r, o, "revision", JR_REQUIRED, &m->snapshot.revision) < 0)
			return -EINVAL;
		return 0;
	}
	return 0;
}

int fw_message_get(struct jr *r, const cJSON *o, enum fw_kind expect,
		   struct fw_message *m)
{
	const cJSON *opv;
	bool answer = false;

	memset(m, 0, sizeof(*m));
	if (jr_bool(r, o, "answer", 0, &answer) < 0)
		return -EINVAL;
	m->kind = answer ? FW_ANSWER : FW_REQUEST;
	opv = cJSON_GetObjectItemCaseSensitive(o, "op");
	if (!opv) {
		jr_errorf(r, "field \"%sop\" is missing", r->prefix);
		return -EINVAL;
	}
	if (!cJSON_IsString(opv)) {
		jr_field_error(r, "op", opv, "must be a string");
		return -EINVAL;
	}
	m->op = FW_OP_COUNT;
	for (int i = 0; i < FW_OP_COUNT; i++)
		if (strcmp(opv->valuestring, op_names[i]) == 0)
			m->op = (enum fw_op)i;
	if (m->op == FW_OP_COUNT) {
		jr_field_error(r, "op", opv,
			       "unknown operation; this side knows \"fence\" \"force\" \"status\" \"snapshot\"");
		return -EINVAL;
	}
	if (m->kind != expect) {
		jr_errorf(r, "%s to \"%s\" where %s was expected",
			  answer ? "an answer" : "a request", op_names[m->op],
			  expect == FW_ANSWER ? "an answer" : "a request");
		return -EINVAL;
	}
	if (jr_str(r, o, "reseed_id", op_needs_reseed_id(m->op) ? JR_REQUIRED : 0,
		   ident_is_token, TOKEN_RULE, m->reseed_id, sizeof(m->reseed_id)) < 0 ||
	    jr_str(r, o, "id", 0, ident_is_token, TOKEN_RULE, m->id, sizeof(m->id)) < 0)
		return -EINVAL;
	if (m->kind == FW_REQUEST)
		return fw_message_check(r, m);
	if (jr_str(r, o, "error", 0, NULL, NULL, m->error, sizeof(m->error)) < 0)
		return -EINVAL;
	if (!m->error[0] && get_payload(r, o, m) < 0)
		return -EINVAL;
	return fw_message_check(r, m);
}

int fw_message_decode(struct fw_message *m, enum fw_kind expect,
		      const void *data, size_t len, char *err, size_t errlen)
{
	struct jr r;
	cJSON *root = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	jr_init(&r, WHAT, err, errlen);
	rc = jr_parse(&r, data, len, FW_MESSAGE_MAX_BYTES, &root);
	if (rc < 0)
		return rc;
	rc = jr_version(&r, root, FW_MESSAGE_V,
			expect == FW_REQUEST ? FW_TOO_NEW_FOR_EXECUTOR
					     : FW_TOO_NEW_FOR_SCHEDULER, NULL);
	if (rc == 0)
		rc = fw_message_get(&r, root, expect, m);
	cJSON_Delete(root);
	return rc;
}
