/*
 * executor_msg — framework messages from the scheduler (fw_message.h):
 * fence, force, status, snapshot on the supervised etcd (SAFETY.md §4),
 * answered as framework messages and, for fence and force, also as a
 * status update whose data carries the answer. A message that does not
 * decode (unknown op, newer contract, bad field) gets an error answer
 * naming the problem; nothing a scheduler sends can crash the executor.
 */
#include "executor_int.h"

#include "base/buf.h"
#include "base/log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define FENCE_STATUS_TIMEOUT_MS 1000
#define SNAPSHOT_DIR "snapshots"

static void send_json(struct executor *x, const char *json, size_t len, const char *what)
{
	int rc = exec_session_message(x->s, json, len);

	if (rc < 0)
		log_warn("%s answer not sent as a message (%s)%s", what, strerror(-rc),
			 rc == -ENOTCONN ? ": the agent is away" : "");
	else
		log_info("answer: %.*s", (int)(len > 600 ? 600 : len), json);
}

/* Sends ans as a framework message and, with_update, as a status update
 * carrying it. */
static void answer(struct executor *x, const struct fw_message *ans, bool with_update,
		   const char *update_msg)
{
	struct buf b = BUF_INIT;
	char err[256];

	if (fw_message_encode(ans, &b, err, sizeof err) < 0) {
		log_error("%s answer not encoded: %s", fw_op_name(ans->op), err);
		buf_finish(&b);
		return;
	}
	send_json(x, b.data, b.len, fw_op_name(ans->op));
	buf_finish(&b);
	if (with_update && x->phase == TASK_ACTIVE)
		exec_send_update(x, x->mesos_state, update_msg, ans);
}

static void answer_error(struct executor *x, const struct fw_message *req, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void answer_error(struct executor *x, const struct fw_message *req, const char *fmt, ...)
{
	struct fw_message ans;
	va_list ap;

	fw_answer_init(&ans, req);
	va_start(ap, fmt);
	vsnprintf(ans.error, sizeof ans.error, fmt, ap);
	va_end(ap);
	if (!ans.error[0])
		snprintf(ans.error, sizeof ans.error, "failed");
	log_warn("%s request refused: %s", fw_op_name(req->op), ans.error);
	answer(x, &ans, false, NULL);
}

/* A request that did not decode: the answer is built from whatever the
 * JSON says (op and ids as strings, shortened), with the reason. */
static void answer_undecodable(struct executor *x, const void *data, size_t len, const char *why)
{
	cJSON *req = len <= FW_MESSAGE_MAX_BYTES ? cJSON_ParseWithLength(data, len) : NULL;
	cJSON *ans = cJSON_CreateObject();
	static const char *const keys[] = { "op", "reseed_id", "id" };
	char *text = NULL;
	size_t i;

	log_warn("framework message refused: %s", why);
	if (!ans)
		goto out;
	cJSON_AddNumberToObject(ans, "v", FW_MESSAGE_V);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const cJSON *v = cJSON_IsObject(req) ? cJSON_GetObjectItemCaseSensitive(req, keys[i])
						     : NULL;
		char s[65];
		if (cJSON_IsString(v) && v->valuestring) {
			snprintf(s, sizeof s, "%s", v->valuestring);
			cJSON_AddStringToObject(ans, keys[i], s);
		} else if (i == 0) {
			cJSON_AddStringToObject(ans, keys[i], "?");
		}
	}
	cJSON_AddTrueToObject(ans, "answer");
	cJSON_AddStringToObject(ans, "error", why);
	text = cJSON_PrintUnformatted(ans);
	if (text)
		send_json(x, text, strlen(text), "error");
out:
	cJSON_free(text);
	cJSON_Delete(ans);
	cJSON_Delete(req);
}

/* has_data for a fence answer: the data dir holds a member directory. */
static bool data_dir_has_member(const struct executor *x)
{
	char path[8400];
	struct stat st;

	if (x->mc.data_dir[0] == '/')
		snprintf(path, sizeof path, "%s/member", x->mc.data_dir);
	else
		snprintf(path, sizeof path, "%s/%s/member", x->sandbox, x->mc.data_dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- fence ---- */

static void on_fenced(struct etcd_proc *p, const struct etcd_proc_fence_result *r, void *arg)
{
	struct executor *x = arg;
	struct fw_message ans;
	char msg[200];

	(void)p;
	x->fence_pending = false;
	fw_answer_init(&ans, &x->fence_req);
	if (r->err) {
		snprintf(ans.error, sizeof ans.error, "fence %s: %s", r->reseed_id,
			 r->err == -ECANCELED ? "cancelled by a stop" : strerror(-r->err));
		answer(x, &ans, false, NULL);
	} else {
		ans.fence.fenced = true;
		ans.fence.has_data = r->have_sample || data_dir_has_member(x);
		ans.fence.from = r->fresh ? FW_FROM_ETCD
				 : r->have_sample ? FW_FROM_LAST_SAMPLE : FW_FROM_NONE;
		ans.fence.member_id = r->member_id ? r->member_id : x->report.member_id;
		if (ans.fence.from != FW_FROM_NONE) {
			ans.fence.raft_index = r->raft_index;
			ans.fence.raft_term = r->raft_term;
			ans.fence.applied_index = r->applied_index;
			x->report.raft_index = r->raft_index;
			x->report.raft_term = r->raft_term;
			x->report.applied_index = r->applied_index;
		}
		x->report.state = MEMBER_RUN_FENCED;
		snprintf(msg, sizeof msg, "etcd fenced for reseed %s%s%s%s", r->reseed_id,
			 r->repeated ? " (repeated)" : "", r->message && r->message[0] ? ": " : "",
			 r->message ? r->message : "");
		answer(x, &ans, true, msg);
	}
	if (x->kill_pending) {
		x->kill_pending = false;
		exec_stop_task(x, x->pending_grace_ms, x->stop_state, x->stop_message);
	}
}

static void do_fence(struct executor *x, const struct fw_message *req)
{
	int rc;

	if (x->fence_pending && strcmp(x->fence_req.reseed_id, req->reseed_id) == 0) {
		log_info("fence %s: already pending; its answer follows", req->reseed_id);
		return;
	}
	rc = etcd_proc_fence(x->proc, req->reseed_id, FENCE_STATUS_TIMEOUT_MS, on_fenced, x);
	if (rc < 0) {
		answer_error(x, req, "fence %s: %s", req->reseed_id, etcd_proc_errmsg(x->proc));
		return;
	}
	x->fence_req = *req;
	x->fence_pending = true;
	log_info("fence %s: asking etcd for its raft status, then SIGKILL", req->reseed_id);
}

/* ---- force ---- */

static void on_forced(struct etcd_proc *p, const struct etcd_proc_force_result *r, void *arg)
{
	struct executor *x = arg;
	struct fw_message ans;

	fw_answer_init(&ans, &x->force_req);
	if (r->err == 0) {
		ans.force.state = FW_FORCE_HEALTHY;
		if (r->member_id)
			x->report.member_id = r->member_id;
		if (r->raft_index) {
			x->report.raft_index = r->raft_index;
			x->report.raft_term = r->raft_term;
			x->report.applied_index = r->applied_index;
		}
		x->report.state = MEMBER_RUN_RUNNING;
		snprintf(ans.force.message, sizeof ans.force.message,
			 "a healthy one-member cluster%s", r->repeated ? " (repeated answer)" : "");
	} else {
		ans.force.state = FW_FORCE_FAILED;
		x->report.state = etcd_proc_state(p) == ETCD_PROC_FENCED ? MEMBER_RUN_FENCED
					: etcd_proc_state(p) == ETCD_PROC_SERVING ? MEMBER_RUN_RUNNING
					: MEMBER_RUN_STARTING;
		snprintf(ans.force.message, sizeof ans.force.message, "%s",
			 r->message && r->message[0] ? r->message : strerror(-r->err));
	}
	answer(x, &ans, true, ans.force.message);
}

static void do_force(struct executor *x, const struct fw_message *req)
{
	bool again = strcmp(x->force_id, req->reseed_id) == 0;
	struct fw_message ans;
	int rc;

	rc = etcd_proc_force(x->proc, req->reseed_id, x->o->force_timeout_ms, on_forced, x);
	if (rc < 0 && rc != -EINPROGRESS) {
		answer_error(x, req, "force %s: %s", req->reseed_id, etcd_proc_errmsg(x->proc));
		return;
	}
	x->force_req = *req;
	if (again && rc == 0)
		return;   /* the first outcome is answered again by on_forced */
	snprintf(x->force_id, sizeof x->force_id, "%s", req->reseed_id);
	x->report.state = MEMBER_RUN_FORCING;
	fw_answer_init(&ans, req);
	ans.force.state = FW_FORCE_STARTING;
	snprintf(ans.force.message, sizeof ans.force.message,
		 "etcd restarting with --force-new-cluster on its own data dir");
	log_info("force %s: %s", req->reseed_id, ans.force.message);
	answer(x, &ans, true, ans.force.message);
}

/* ---- snapshot ---- */

static void on_snapshot(struct etcd_proc *p, const struct etcd_proc_snapshot_result *r, void *arg)
{
	struct executor *x = arg;
	struct fw_message ans;

	(void)p;
	x->snap_pending = false;
	fw_answer_init(&ans, &x->snap_req);
	if (r->err) {
		snprintf(ans.error, sizeof ans.error, "%s",
			 r->message && r->message[0] ? r->message : strerror(-r->err));
	} else {
		snprintf(ans.snapshot.path, sizeof ans.snapshot.path, "%s", r->path);
		ans.snapshot.size = r->size;
		ans.snapshot.revision = r->revision > 0 ? (uint64_t)r->revision : 0;
	}
	answer(x, &ans, false, NULL);
}

static void do_snapshot(struct executor *x, const struct fw_message *req)
{
	char dir[4200], path[IDENT_PATH_MAX + 1];
	int rc;

	snprintf(dir, sizeof dir, "%s/%s", x->sandbox, SNAPSHOT_DIR);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		answer_error(x, req, "snapshot: cannot create %s: %s", dir, strerror(errno));
		return;
	}
	snprintf(path, sizeof path, SNAPSHOT_DIR "/%s.db", x->mc.name);
	rc = etcd_proc_snapshot(x->proc, path, 0, on_snapshot, x);
	if (rc < 0) {
		answer_error(x, req, "snapshot: %s", etcd_proc_errmsg(x->proc));
		return;
	}
	x->snap_req = *req;
	x->snap_pending = true;
}

/* ---- dispatch ---- */

void exec_on_message(struct exec_session *s, const void *data, size_t len, void *arg)
{
	struct executor *x = arg;
	struct fw_message req;
	char err[FW_TEXT_MAX];
	int rc;

	(void)s;
	log_info("framework message: %.*s", (int)(len > 300 ? 300 : len), (const char *)data);
	rc = fw_message_decode(&req, FW_REQUEST, data, len, err, sizeof err);
	if (rc < 0) {
		answer_undecodable(x, data, len, rc == -ENOMEM ? "out of memory" : err);
		return;
	}
	if (req.op == FW_OP_STATUS) {
		struct fw_message ans;
		fw_answer_init(&ans, &req);
		if (x->phase == TASK_NONE) {
			snprintf(ans.error, sizeof ans.error, "no task launched yet");
		} else {
			ans.status = x->report;
		}
		answer(x, &ans, false, NULL);
		return;
	}
	if (x->phase != TASK_ACTIVE || !x->proc) {
		answer_error(x, &req, "%s: no etcd member is supervised here (%s)", fw_op_name(req.op),
			     x->phase == TASK_NONE ? "no task launched yet" : "the task is ending");
		return;
	}
	switch (req.op) {
	case FW_OP_FENCE:
		do_fence(x, &req);
		break;
	case FW_OP_FORCE:
		do_force(x, &req);
		break;
	case FW_OP_SNAPSHOT:
		if (x->snap_pending) {
			answer_error(x, &req, "snapshot: one is being taken");
			break;
		}
		do_snapshot(x, &req);
		break;
	default:
		answer_error(x, &req, "op %s not handled by this executor", fw_op_name(req.op));
		break;
	}
}
