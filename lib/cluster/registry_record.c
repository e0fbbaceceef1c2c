#include "cluster/registry_record.h"

#include "base/buf.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <string.h>

#define WHAT "registry record"
#define N_STATES ((int)MEMBER_REMOVED + 1)
#define MS_MAX (1ull << 53)

static const char *const bool_keys[] = { "initial", "learner", "foreign", "never_ran" };

void registry_record_init(struct registry_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->state = MEMBER_PLANNED;
}

bool registry_task_state_valid(const char *s)
{
	size_t n = 0;
	if (!s || strncmp(s, "TASK_", 5) != 0)
		return false;
	for (; s[n]; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || s[n] == '_'))
			return false;
	return n > 5 && n <= REGISTRY_TASK_STATE_MAX;
}

static int check(struct jr *r, const struct registry_record *rec)
{
	if (!ident_is_member_name(rec->name)) {
		jr_str_error(r, "name", rec->name, "must be [a-z0-9-], 1..63 characters");
		return -EINVAL;
	}
	if (!mesos_id_valid(rec->task_id)) {
		jr_str_error(r, "task_id", rec->task_id, "must be a valid Mesos task id");
		return -EINVAL;
	}
	if (!mesos_id_valid(rec->agent_id)) {
		jr_str_error(r, "agent_id", rec->agent_id, "must be a valid Mesos agent id");
		return -EINVAL;
	}
	if (!ident_is_host(rec->host)) {
		jr_str_error(r, "host", rec->host, "must be an IP address or a DNS name");
		return -EINVAL;
	}
	if (rec->peer_port == 0) {
		jr_num_error(r, "peer_port", 0, "must be a port number 1..65535");
		return -EINVAL;
	}
	if (rec->client_port == 0) {
		jr_num_error(r, "client_port", 0, "must be a port number 1..65535");
		return -EINVAL;
	}
	if ((unsigned)rec->state >= (unsigned)N_STATES) {
		jr_num_error(r, "state", (unsigned)rec->state, "unknown registry state");
		return -EINVAL;
	}
	if (rec->task_state[0] && !registry_task_state_valid(rec->task_state)) {
		jr_str_error(r, "task_state", rec->task_state,
			     "must be a Mesos task state name (TASK_...)");
		return -EINVAL;
	}
	if (rec->planned_ms > MS_MAX || rec->updated_ms > MS_MAX) {
		jr_num_error(r, rec->planned_ms > MS_MAX ? "planned_ms" : "updated_ms",
			     rec->planned_ms > MS_MAX ? rec->planned_ms : rec->updated_ms,
			     "must be a Unix time in milliseconds");
		return -EINVAL;
	}
	return 0;
}

int registry_record_check(const struct registry_record *rec, char *err, size_t errlen)
{
	struct jr r;
	jr_init(&r, WHAT, err, errlen);
	return check(&r, rec);
}

int registry_record_encode(const struct registry_record *rec, struct buf *out,
			   char *err, size_t errlen)
{
	const bool flags[] = { rec->initial, rec->learner, rec->foreign, rec->never_ran };
	struct jr r;
	cJSON *root;

	jr_init(&r, WHAT, err, errlen);
	if (check(&r, rec) < 0)
		return -EINVAL;
	root = cJSON_CreateObject();
	if (!root)
		return -ENOMEM;
	if (jw_int(root, "v", REGISTRY_RECORD_V) < 0 ||
	    jw_str(root, "name", rec->name) < 0 ||
	    jw_str(root, "task_id", rec->task_id) < 0 ||
	    jw_str(root, "agent_id", rec->agent_id) < 0 ||
	    jw_str(root, "host", rec->host) < 0 ||
	    jw_int(root, "peer_port", rec->peer_port) < 0 ||
	    jw_int(root, "client_port", rec->client_port) < 0 ||
	    jw_str(root, "state", member_state_name(rec->state)) < 0 ||
	    jw_u64(root, "etcd_id", rec->etcd_id) < 0)
		goto nomem;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (jw_bool(root, bool_keys[i], flags[i]) < 0)
			goto nomem;
	if (rec->task_state[0] && jw_str(root, "task_state", rec->task_state) < 0)
		goto nomem;
	if (jw_int(root, "planned_ms", (long long)rec->planned_ms) < 0 ||
	    jw_int(root, "updated_ms", (long long)rec->updated_ms) < 0)
		goto nomem;
	return jw_finish(root, out);
nomem:
	cJSON_Delete(root);
	return -ENOMEM;
}

static bool is_mesos_id(const char *s)
{
	return mesos_id_valid(s);
}

int registry_record_decode(struct registry_record *rec, const void *data, size_t len,
			   char *err, size_t errlen)
{
	const char *state_names[N_STATES];
	bool *flags[] = { &rec->initial, &rec->learner, &rec->foreign, &rec->never_ran };
	struct jr r;
	cJSON *root = NULL;
	uint64_t peer = 0, client = 0;
	int state = 0, rc;

	registry_record_init(rec);
	for (int i = 0; i < N_STATES; i++)
		state_names[i] = member_state_name((enum member_state)i);
	jr_init(&r, WHAT, err, errlen);
	rc = jr_parse(&r, data, len, REGISTRY_RECORD_MAX_BYTES, &root);
	if (rc < 0)
		return rc;
	rc = jr_version(&r, root, REGISTRY_RECORD_V, REGISTRY_RECORD_TOO_NEW, NULL);
	if (rc < 0)
		goto fail;
	rc = -EINVAL;
	if (jr_str(&r, root, "name", JR_REQUIRED, ident_is_member_name,
		   "must be [a-z0-9-], 1..63 characters", rec->name, sizeof(rec->name)) < 0 ||
	    jr_str(&r, root, "task_id", JR_REQUIRED, is_mesos_id,
		   "must be a valid Mesos task id", rec->task_id, sizeof(rec->task_id)) < 0 ||
	    jr_str(&r, root, "agent_id", JR_REQUIRED, is_mesos_id,
		   "must be a valid Mesos agent id", rec->agent_id, sizeof(rec->agent_id)) < 0 ||
	    jr_str(&r, root, "host", JR_REQUIRED, ident_is_host,
		   "must be an IP address or a DNS name", rec->host, sizeof(rec->host)) < 0 ||
	    jr_uint(&r, root, "peer_port", JR_REQUIRED, 1, 65535, &peer) < 0 ||
	    jr_uint(&r, root, "client_port", JR_REQUIRED, 1, 65535, &client) < 0 ||
	    jr_enum(&r, root, "state", JR_REQUIRED, state_names, N_STATES, &state) < 0 ||
	    jr_u64(&r, root, "etcd_id", 0, &rec->etcd_id) < 0 ||
	    jr_str(&r, root, "task_state", 0, registry_task_state_valid,
		   "must be a Mesos task state name (TASK_...)", rec->task_state,
		   sizeof(rec->task_state)) < 0 ||
	    jr_uint(&r, root, "planned_ms", 0, 0, MS_MAX, &rec->planned_ms) < 0 ||
	    jr_uint(&r, root, "updated_ms", 0, 0, MS_MAX, &rec->updated_ms) < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (jr_bool(&r, root, bool_keys[i], 0, flags[i]) < 0)
			goto fail;
	rec->peer_port = (uint16_t)peer;
	rec->client_port = (uint16_t)client;
	rec->state = (enum member_state)state;
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	registry_record_init(rec);
	return rc;
}

void registry_record_merge3(const struct registry_record *base,
			    const struct registry_record *mine,
			    const struct registry_record *current,
			    struct registry_record *out)
{
	*out = *current;
#define TAKE_VAL(f) do { if (mine->f != base->f) out->f = mine->f; } while (0)
#define TAKE_STR(f) do { if (strcmp(mine->f, base->f) != 0) \
		memcpy(out->f, mine->f, sizeof out->f); } while (0)
	TAKE_STR(name);
	TAKE_STR(task_id);
	TAKE_STR(agent_id);
	TAKE_STR(host);
	TAKE_VAL(peer_port);
	TAKE_VAL(client_port);
	TAKE_VAL(state);
	TAKE_VAL(etcd_id);
	TAKE_VAL(initial);
	TAKE_VAL(learner);
	TAKE_VAL(foreign);
	TAKE_VAL(never_ran);
	TAKE_STR(task_state);
	TAKE_VAL(planned_ms);
#undef TAKE_VAL
#undef TAKE_STR
	if (mine->updated_ms > out->updated_ms)
		out->updated_ms = mine->updated_ms;
}
