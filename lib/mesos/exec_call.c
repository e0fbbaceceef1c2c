/* exec_call — executor Call encoders and status updates; see exec_call.h. */
#include "mesos/exec_call.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "mesos/uuid.h"

typedef Mesos__V1__Executor__Call Call;

static int pack(const ProtobufCMessage *m, struct buf *out)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	int rc = buf_reserve(out, n + 1);

	if (rc < 0)
		return rc;
	protobuf_c_message_pack(m, (uint8_t *)out->data + out->len);
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

static int head(Call *c, Mesos__V1__FrameworkID *fid, Mesos__V1__ExecutorID *eid,
		const char *framework_id, const char *executor_id, int type)
{
	if (!framework_id || !*framework_id || !executor_id || !*executor_id)
		return -EINVAL;
	fid->value = (char *)framework_id;
	eid->value = (char *)executor_id;
	c->framework_id = fid;
	c->executor_id = eid;
	c->has_type = 1;
	c->type = (Mesos__V1__Executor__Call__Type)type;
	return 0;
}

int exec_encode_subscribe(const char *framework_id, const char *executor_id,
			  Mesos__V1__TaskInfo *const *tasks, size_t n_tasks,
			  Mesos__V1__Executor__Call__Update *const *updates, size_t n_updates,
			  struct buf *out)
{
	Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__Executor__Call__Subscribe sub = MESOS__V1__EXECUTOR__CALL__SUBSCRIBE__INIT;
	int rc;

	if ((n_tasks && !tasks) || (n_updates && !updates))
		return -EINVAL;
	if ((rc = head(&c, &fid, &eid, framework_id, executor_id,
		       MESOS__V1__EXECUTOR__CALL__TYPE__SUBSCRIBE)) < 0)
		return rc;
	c.subscribe = &sub;   /* present even when empty */
	sub.n_unacknowledged_tasks = n_tasks;
	sub.unacknowledged_tasks = (Mesos__V1__TaskInfo **)tasks;
	sub.n_unacknowledged_updates = n_updates;
	sub.unacknowledged_updates = (Mesos__V1__Executor__Call__Update **)updates;
	return pack(&c.base, out);
}

int exec_encode_update(const char *framework_id, const char *executor_id,
		       const Mesos__V1__Executor__Call__Update *update, struct buf *out)
{
	Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	int rc;

	if (!update || !update->status || !update->status->has_uuid ||
	    update->status->uuid.len != MESOS_UUID_LEN)
		return -EINVAL;
	if ((rc = head(&c, &fid, &eid, framework_id, executor_id,
		       MESOS__V1__EXECUTOR__CALL__TYPE__UPDATE)) < 0)
		return rc;
	c.update = (Mesos__V1__Executor__Call__Update *)update;
	return pack(&c.base, out);
}

int exec_encode_message(const char *framework_id, const char *executor_id,
			const void *data, size_t len, struct buf *out)
{
	Call c = MESOS__V1__EXECUTOR__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__Executor__Call__Message m = MESOS__V1__EXECUTOR__CALL__MESSAGE__INIT;
	int rc;

	if (len && !data)
		return -EINVAL;
	if ((rc = head(&c, &fid, &eid, framework_id, executor_id,
		       MESOS__V1__EXECUTOR__CALL__TYPE__MESSAGE)) < 0)
		return rc;
	c.message = &m;
	m.data.len = len;
	m.data.data = (uint8_t *)data;
	return pack(&c.base, out);
}

int exec_update_new(const Mesos__V1__TaskStatus *status, double now_s,
		    Mesos__V1__Executor__Call__Update **out)
{
	Mesos__V1__TaskStatus st;
	Mesos__V1__Executor__Call__Update u = MESOS__V1__EXECUTOR__CALL__UPDATE__INIT;
	uint8_t uuid[MESOS_UUID_LEN];
	struct buf b = BUF_INIT;
	int rc;

	if (!status || !status->task_id || !status->task_id->value || !status->task_id->value[0] ||
	    status->state == MESOS__V1__TASK_STATE__TASK_STAGING)
		return -EINVAL;
	if ((rc = mesos_uuid_v4(uuid)) < 0)
		return rc;
	st = *status;
	st.has_uuid = 1;
	st.uuid.len = MESOS_UUID_LEN;
	st.uuid.data = uuid;
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_EXECUTOR;
	if (!st.has_timestamp) {
		st.has_timestamp = 1;
		st.timestamp = now_s;
	}
	u.status = &st;
	if ((rc = pack(&u.base, &b)) < 0)
		return rc;
	*out = (Mesos__V1__Executor__Call__Update *)protobuf_c_message_unpack(
		&mesos__v1__executor__call__update__descriptor, NULL, b.len, (const uint8_t *)b.data);
	buf_finish(&b);
	return *out ? 0 : -ENOMEM;
}

/* ---- LAUNCH_GROUP: our protos leave LaunchGroup out (we never ask for
 * it), so its bytes stay in the event's unknown fields: Event.launch_group
 * (8) -> LaunchGroup.task_group (1) -> TaskGroupInfo.tasks (1, repeated
 * TaskInfo). ---- */

static bool pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
		shift += 7;
	}
	return false;
}

/* Next length-delimited field numbered `want`; other fields are skipped. */
static bool pb_find(const uint8_t **p, const uint8_t *end, unsigned want,
		    const uint8_t **val, size_t *len)
{
	uint64_t key, n;

	while (*p < end) {
		if (!pb_varint(p, end, &key))
			return false;
		switch (key & 7) {
		case 0:
			if (!pb_varint(p, end, &n))
				return false;
			break;
		case 1:
			if (end - *p < 8)
				return false;
			*p += 8;
			break;
		case 5:
			if (end - *p < 4)
				return false;
			*p += 4;
			break;
		case 2:
			if (!pb_varint(p, end, &n) || n > (uint64_t)(end - *p))
				return false;
			if ((key >> 3) == want) {
				*val = *p;
				*len = (size_t)n;
				*p += n;
				return true;
			}
			*p += n;
			break;
		default:
			return false;
		}
	}
	return false;
}

size_t exec_launch_group_tasks(const Mesos__V1__Executor__Event *e,
			       void (*fn)(const Mesos__V1__TaskInfo *t, void *arg), void *arg)
{
	const uint8_t *lg = NULL, *tg = NULL, *ti, *p, *end;
	size_t lg_len = 0, tg_len = 0, ti_len, i, n = 0;

	for (i = 0; i < e->base.n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *f = &e->base.unknown_fields[i];
		if (f->tag == 8 && f->wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED) {
			/* protobuf-c keeps the length prefix with the bytes */
			const uint8_t *q = f->data;
			uint64_t len;
			if (pb_varint(&q, f->data + f->len, &len) &&
			    len == (uint64_t)(f->data + f->len - q)) {
				lg = q;
				lg_len = (size_t)len;
			}
		}
	}
	p = lg;
	if (!lg || !pb_find(&p, lg + lg_len, 1, &tg, &tg_len))
		return 0;
	p = tg;
	end = tg + tg_len;
	while (pb_find(&p, end, 1, &ti, &ti_len)) {
		Mesos__V1__TaskInfo *t = mesos__v1__task_info__unpack(NULL, ti_len, ti);
		if (t && t->task_id && t->task_id->value) {
			fn(t, arg);
			n++;
		}
		mesos__v1__task_info__free_unpacked(t, NULL);
	}
	return n;
}
