/* etcd v3 gateway JSON: members, status, errors. */
#include "etcd/etcd_json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"
#include "etcd/json_get.h"

/* --------------------------------------------------------------- members */

static void member_finish(struct etcd_member *m)
{
	if (!m)
		return;
	free(m->name);
	ej_free_str_list(m->peer_urls, m->n_peer_urls);
	ej_free_str_list(m->client_urls, m->n_client_urls);
	memset(m, 0, sizeof *m);
}

static int parse_member(const cJSON *o, struct etcd_member *m, const char *what,
			char *err, size_t errlen)
{
	const cJSON *arr;
	const char *name;
	int rc;
	char tmp[48];

	memset(m, 0, sizeof *m);
	if (!cJSON_IsObject(o))
		return ej_err(err, errlen, "etcd %s response: member %s is not an "
			      "object", what, ej_show(o, tmp, sizeof tmp));
	if ((rc = ej_get_u64(o, "ID", &m->id, what, err, errlen)) ||
	    (rc = ej_get_str(o, "name", &name, what, err, errlen)) ||
	    (rc = ej_get_bool(o, "isLearner", &m->is_learner, what, err, errlen)))
		return rc;
	if (!m->id)
		return ej_err(err, errlen, "etcd %s response: a member has no ID",
			      what);
	if (!(m->name = strdup(name)))
		return -ENOMEM;
	if ((rc = ej_get_array(o, "peerURLs", &arr, what, err, errlen)) ||
	    (rc = ej_dup_str_list(arr, &m->peer_urls, &m->n_peer_urls, what,
				  "peerURLs", err, errlen)) ||
	    (rc = ej_get_array(o, "clientURLs", &arr, what, err, errlen)) ||
	    (rc = ej_dup_str_list(arr, &m->client_urls, &m->n_client_urls, what,
				  "clientURLs", err, errlen)))
		return rc;
	return 0;
}

void etcd_members_finish(struct etcd_members *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_members; i++)
		member_finish(&m->members[i]);
	free(m->members);
	member_finish(&m->added);
	memset(m, 0, sizeof *m);
}

int etcd_members_parse(const char *body, size_t len, struct etcd_members *out,
		       char *err, size_t errlen)
{
	static const char what[] = "member";
	const cJSON *arr, *added, *it;
	cJSON *root;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	if ((rc = ej_parse_header(root, &out->header, what, err, errlen)) ||
	    (rc = ej_get_array(root, "members", &arr, what, err, errlen)) ||
	    (rc = ej_get_object(root, "member", &added, what, err, errlen)))
		goto fail;
	if (added) {
		out->has_added = true;
		if ((rc = parse_member(added, &out->added, what, err, errlen)))
			goto fail;
	}
	int count = arr ? cJSON_GetArraySize(arr) : 0;
	if (count) {
		out->members = calloc((size_t)count, sizeof *out->members);
		if (!out->members) {
			rc = -ENOMEM;
			goto fail;
		}
		cJSON_ArrayForEach(it, arr) {
			/* counted before parsing so _finish frees a partial one */
			out->n_members++;
			rc = parse_member(it, &out->members[out->n_members - 1],
					  what, err, errlen);
			if (rc)
				goto fail;
		}
	}
	cJSON_Delete(root);
	return 0;
fail:
	etcd_members_finish(out);
	cJSON_Delete(root);
	return rc;
}

const struct etcd_member *etcd_members_find_id(const struct etcd_members *m,
					       uint64_t id)
{
	for (size_t i = 0; m && id && i < m->n_members; i++)
		if (m->members[i].id == id)
			return &m->members[i];
	return NULL;
}

const struct etcd_member *etcd_members_find_peer_url(const struct etcd_members *m,
						     const char *url)
{
	for (size_t i = 0; m && url && i < m->n_members; i++)
		for (size_t k = 0; k < m->members[i].n_peer_urls; k++)
			if (strcmp(m->members[i].peer_urls[k], url) == 0)
				return &m->members[i];
	return NULL;
}

size_t etcd_members_voters(const struct etcd_members *m)
{
	size_t n = 0;
	for (size_t i = 0; m && i < m->n_members; i++)
		n += !m->members[i].is_learner;
	return n;
}

static bool add_id(cJSON *obj, uint64_t id)
{
	char s[24];
	snprintf(s, sizeof s, "%" PRIu64, id);
	return cJSON_AddStringToObject(obj, "ID", s) != NULL;
}

static bool add_urls(cJSON *obj, const char *const *urls, size_t n)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, "peerURLs");
	if (!arr)
		return false;
	for (size_t i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateString(urls[i]);
		if (!s || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return true;
}

static bool urls_ok(const char *const *urls, size_t n)
{
	if (!urls || !n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!urls[i] || !*urls[i])
			return false;
	return true;
}

int etcd_req_member_add(struct buf *b, const char *const *peer_urls, size_t n,
			bool is_learner)
{
	if (!b || !urls_ok(peer_urls, n))
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	if (!o || !add_urls(o, peer_urls, n) ||
	    (is_learner && !cJSON_AddTrueToObject(o, "isLearner"))) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return ej_emit(b, o);
}

int etcd_req_member_id(struct buf *b, uint64_t id)
{
	if (!b || !id)
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	if (!o || !add_id(o, id)) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return ej_emit(b, o);
}

int etcd_req_move_leader(struct buf *b, uint64_t target)
{
	char num[24];
	if (!b || !target)
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	snprintf(num, sizeof num, "%llu", (unsigned long long)target);
	if (!o || !cJSON_AddStringToObject(o, "targetID", num)) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return ej_emit(b, o);
}

int etcd_req_member_update(struct buf *b, uint64_t id,
			   const char *const *peer_urls, size_t n)
{
	if (!b || !id || !urls_ok(peer_urls, n))
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	if (!o || !add_id(o, id) || !add_urls(o, peer_urls, n)) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return ej_emit(b, o);
}

/* ---------------------------------------------------------------- status */

int etcd_status_parse(const char *body, size_t len, struct etcd_status *out,
		      char *err, size_t errlen)
{
	static const char what[] = "status";
	const cJSON *arr, *it;
	const char *version;
	cJSON *root;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	if ((rc = ej_parse_header(root, &out->header, what, err, errlen)) ||
	    (rc = ej_get_str(root, "version", &version, what, err, errlen)) ||
	    (rc = ej_get_i64(root, "dbSize", &out->db_size, what, err, errlen)) ||
	    (rc = ej_get_i64(root, "dbSizeInUse", &out->db_size_in_use, what, err, errlen)) ||
	    (rc = ej_get_u64(root, "leader", &out->leader, what, err, errlen)) ||
	    (rc = ej_get_u64(root, "raftIndex", &out->raft_index, what, err, errlen)) ||
	    (rc = ej_get_u64(root, "raftTerm", &out->raft_term, what, err, errlen)) ||
	    (rc = ej_get_u64(root, "raftAppliedIndex", &out->raft_applied_index,
			     what, err, errlen)) ||
	    (rc = ej_get_bool(root, "isLearner", &out->is_learner, what, err, errlen)) ||
	    (rc = ej_get_array(root, "errors", &arr, what, err, errlen)))
		goto fail;
	if (str_copy(out->version, version, sizeof out->version) >= sizeof out->version) {
		char tmp[48];
		rc = ej_err(err, errlen, "etcd status response: version = %s is too "
			    "long for a version", ej_show(cJSON_GetObjectItemCaseSensitive(
						root, "version"), tmp, sizeof tmp));
		goto fail;
	}
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		char tmp[48];
		if (!cJSON_IsString(it)) {
			rc = ej_err(err, errlen, "etcd status response: errors[%zu] = "
				    "%s is not a string", i, ej_show(it, tmp, sizeof tmp));
			goto fail;
		}
		if (out->n_errors < ETCD_STATUS_MAX_ERRORS) {
			if (str_copy(out->errors[out->n_errors], it->valuestring,
				     ETCD_STATUS_ERROR_LEN) >= ETCD_STATUS_ERROR_LEN)
				out->errors_truncated = true;
			out->n_errors++;
		} else {
			out->errors_truncated = true;
		}
		i++;
	}
	cJSON_Delete(root);
	return 0;
fail:
	memset(out, 0, sizeof *out);
	cJSON_Delete(root);
	return rc;
}

/* ---------------------------------------------------------------- errors */

static const struct {
	const char *text;
	enum etcd_err_kind kind;
} err_texts[] = {
	/* most specific first: "...learner member which is in sync..." also
	 * contains "can only promote a learner member" */
	{ "can only promote a learner member which is in sync", ETCD_ERR_LEARNER_NOT_READY },
	{ "can only promote a learner member", ETCD_ERR_NOT_LEARNER },
	{ "member not found", ETCD_ERR_MEMBER_NOT_FOUND },
	{ "too many learner members", ETCD_ERR_TOO_MANY_LEARNERS },
	{ "not enough started members", ETCD_ERR_NOT_ENOUGH_STARTED },
	{ "unhealthy cluster", ETCD_ERR_UNHEALTHY_CLUSTER },
	{ "rpc not supported for learner", ETCD_ERR_LEARNER_RPC },
	{ "request timed out", ETCD_ERR_TIMEOUT },
	{ "context deadline exceeded", ETCD_ERR_TIMEOUT },
	{ "leader changed", ETCD_ERR_LEADER_CHANGED },
	{ "no leader", ETCD_ERR_NO_LEADER },
	{ "database space exceeded", ETCD_ERR_NO_SPACE },
	{ "Peer URLs already exists", ETCD_ERR_PEER_URL_EXISTS },
	{ "illegal base64 data", ETCD_ERR_BAD_REQUEST },
};

enum etcd_err_kind etcd_err_kind_of(const char *message)
{
	if (!message)
		return ETCD_ERR_OTHER;
	for (size_t i = 0; i < sizeof err_texts / sizeof *err_texts; i++)
		if (strstr(message, err_texts[i].text))
			return err_texts[i].kind;
	return ETCD_ERR_OTHER;
}

int etcd_error_parse(const char *body, size_t len, struct etcd_error *out)
{
	if (!out || (!body && len))
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->code = -1;
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *msg = NULL, *code = NULL;
	if (cJSON_IsObject(root)) {
		msg = cJSON_GetObjectItemCaseSensitive(root, "message");
		if (!cJSON_IsString(msg))
			msg = cJSON_GetObjectItemCaseSensitive(root, "error");
		code = cJSON_GetObjectItemCaseSensitive(root, "code");
	}
	if (cJSON_IsString(msg)) {
		str_copy(out->message, msg->valuestring, sizeof out->message);
		if (cJSON_IsNumber(code) && code->valuedouble >= 0 &&
		    code->valuedouble <= 1000)
			out->code = (int)code->valuedouble;
		if (out->code == ETCD_GRPC_INVALID_ARGUMENT)
			out->kind = ETCD_ERR_BAD_REQUEST;
		enum etcd_err_kind k = etcd_err_kind_of(out->message);
		if (k != ETCD_ERR_OTHER)
			out->kind = k;
	} else {
		/* Not the gateway's error JSON: keep a printable excerpt. */
		size_t n = 0;
		n += (size_t)snprintf(out->message, sizeof out->message,
				      "not an etcd error body (%zu bytes)%s", len,
				      len ? ": " : "");
		for (size_t i = 0; i < len && n + 1 < sizeof out->message && i < 80; i++) {
			unsigned char c = (unsigned char)body[i];
			out->message[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		out->message[n] = 0;
	}
	cJSON_Delete(root);
	return 0;
}

bool etcd_error_retryable(int http_status, const struct etcd_error *e)
{
	if (http_status == 503 || http_status == 504)
		return !e || e->kind != ETCD_ERR_LEARNER_RPC;
	if (!e)
		return false;
	switch (e->kind) {
	case ETCD_ERR_LEARNER_NOT_READY:
	case ETCD_ERR_UNHEALTHY_CLUSTER:
	case ETCD_ERR_TIMEOUT:
	case ETCD_ERR_LEADER_CHANGED:
	case ETCD_ERR_NO_LEADER:
		return true;
	default:
		return false;
	}
}

const char *etcd_grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
		"NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
		"FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
		"Internal", "Unavailable", "DataLoss", "Unauthenticated",
	};
	if (code < 0 || (size_t)code >= sizeof names / sizeof *names)
		return "Unknown";
	return names[code];
}

const char *etcd_err_kind_name(enum etcd_err_kind kind)
{
	static const char *const names[] = {
		[ETCD_ERR_OTHER] = "other",
		[ETCD_ERR_MEMBER_NOT_FOUND] = "member not found",
		[ETCD_ERR_LEARNER_NOT_READY] = "learner not in sync",
		[ETCD_ERR_NOT_LEARNER] = "not a learner",
		[ETCD_ERR_TOO_MANY_LEARNERS] = "too many learners",
		[ETCD_ERR_NOT_ENOUGH_STARTED] = "not enough started members",
		[ETCD_ERR_UNHEALTHY_CLUSTER] = "unhealthy cluster",
		[ETCD_ERR_LEARNER_RPC] = "rpc not supported for learner",
		[ETCD_ERR_TIMEOUT] = "timeout",
		[ETCD_ERR_LEADER_CHANGED] = "leader changed",
		[ETCD_ERR_NO_LEADER] = "no leader",
		[ETCD_ERR_NO_SPACE] = "no space",
		[ETCD_ERR_BAD_REQUEST] = "bad request",
		[ETCD_ERR_PEER_URL_EXISTS] = "peer URL exists",
	};
	if ((unsigned)kind >= sizeof names / sizeof *names || !names[kind])
		return "other";
	return names[kind];
}
