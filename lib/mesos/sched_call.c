/* sched_call — scheduler Call encoders; see sched_call.h. */
#include "mesos/sched_call.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FrameworkInfo.role is deprecated; we set it only for non-MULTI_ROLE
 * frameworks that ask for it. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define MAX_CAPS 16

typedef Mesos__V1__Scheduler__Call Call;

static bool empty(const char *s)
{
	return !s || !*s;
}

static int pack(Call *c, struct buf *out)
{
	size_t n = protobuf_c_message_get_packed_size(&c->base);
	int rc = buf_reserve(out, n + 1);

	if (rc < 0)
		return rc;
	protobuf_c_message_pack(&c->base, (uint8_t *)out->data + out->len);
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

/* The common head: type and framework_id. */
static int head(Call *c, Mesos__V1__FrameworkID *fid, const char *framework_id, int type)
{
	if (empty(framework_id))
		return -EINVAL;
	fid->value = (char *)framework_id;
	c->framework_id = fid;
	c->has_type = 1;
	c->type = (Mesos__V1__Scheduler__Call__Type)type;
	return 0;
}

int sched_encode_subscribe(const struct sched_framework *fw, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo__Capability caps[MAX_CAPS];
	Mesos__V1__FrameworkInfo__Capability *capp[MAX_CAPS];
	size_t n_caps = 0, i, j;
	int want[MAX_CAPS + 1];
	size_t n_want = 0;

	if (!fw || empty(fw->user) || empty(fw->name) || fw->n_capabilities > MAX_CAPS - 1 ||
	    (fw->n_roles && !fw->roles))
		return -EINVAL;
	for (i = 0; i < fw->n_roles; i++)
		if (empty(fw->roles[i]))
			return -EINVAL;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	c.subscribe = &sub;
	sub.framework_info = &fi;
	fi.user = (char *)fw->user;
	fi.name = (char *)fw->name;
	if (!empty(fw->id)) {
		fid.value = (char *)fw->id;
		fi.id = &fid;
		c.framework_id = &fid;   /* must equal framework_info.id (A.5) */
	}
	if (fw->failover_timeout_s > 0) {
		fi.has_failover_timeout = 1;
		fi.failover_timeout = fw->failover_timeout_s;
	}
	fi.has_checkpoint = 1;
	fi.checkpoint = fw->checkpoint;
	if (fw->n_roles > 0) {
		fi.n_roles = fw->n_roles;
		fi.roles = (char **)fw->roles;
		want[n_want++] = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE;
	} else if (fw->role) {
		fi.role = (char *)fw->role;
	}
	fi.principal = (char *)fw->principal;
	fi.webui_url = (char *)fw->webui_url;
	fi.hostname = (char *)fw->hostname;
	for (i = 0; i < fw->n_capabilities; i++)
		want[n_want++] = fw->capabilities[i];
	for (i = 0; i < n_want; i++) {
		for (j = 0; j < n_caps; j++)
			if ((int)caps[j].type == want[i])
				break;
		if (j < n_caps)
			continue;
		if (fw->n_roles == 0 &&
		    want[i] == MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE)
			return -EINVAL;   /* MULTI_ROLE needs roles (and forbids role) */
		mesos__v1__framework_info__capability__init(&caps[n_caps]);
		caps[n_caps].has_type = 1;
		caps[n_caps].type = (Mesos__V1__FrameworkInfo__Capability__Type)want[i];
		capp[n_caps] = &caps[n_caps];
		n_caps++;
	}
	fi.n_capabilities = n_caps;
	fi.capabilities = n_caps ? capp : NULL;
	return pack(&c, out);
}

/* OfferID messages for a list of id strings, in one allocation. */
static int offer_ids(const char *const *ids, size_t n, Mesos__V1__OfferID ***out)
{
	Mesos__V1__OfferID **v;
	Mesos__V1__OfferID *m;
	size_t i;

	if (n == 0 || !ids)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (empty(ids[i]))
			return -EINVAL;
	v = malloc(n * (sizeof *v + sizeof *m));
	if (!v)
		return -ENOMEM;
	m = (Mesos__V1__OfferID *)(void *)(v + n);
	for (i = 0; i < n; i++) {
		mesos__v1__offer_id__init(&m[i]);
		m[i].value = (char *)ids[i];
		v[i] = &m[i];
	}
	*out = v;
	return 0;
}

int sched_encode_accept(const char *framework_id, const char *const *ids, size_t n_offers,
			Mesos__V1__Offer__Operation *const *ops, size_t n_ops,
			double refuse_seconds, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	Mesos__V1__OfferID **v = NULL;
	int rc;

	if (n_ops && !ops)
		return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT)) < 0 ||
	    (rc = offer_ids(ids, n_offers, &v)) < 0)
		return rc;
	c.accept = &acc;
	acc.n_offer_ids = n_offers;
	acc.offer_ids = v;
	acc.n_operations = n_ops;
	acc.operations = (Mesos__V1__Offer__Operation **)ops;
	if (refuse_seconds >= 0) {
		filters.has_refuse_seconds = 1;
		filters.refuse_seconds = refuse_seconds;
		acc.filters = &filters;
	}
	rc = pack(&c, out);
	free(v);
	return rc;
}

int sched_encode_decline(const char *framework_id, const char *const *ids, size_t n_offers,
			 double refuse_seconds, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Decline dec = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	Mesos__V1__OfferID **v = NULL;
	int rc;

	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE)) < 0 ||
	    (rc = offer_ids(ids, n_offers, &v)) < 0)
		return rc;
	c.decline = &dec;
	dec.n_offer_ids = n_offers;
	dec.offer_ids = v;
	if (refuse_seconds >= 0) {
		filters.has_refuse_seconds = 1;
		filters.refuse_seconds = refuse_seconds;
		dec.filters = &filters;
	}
	rc = pack(&c, out);
	free(v);
	return rc;
}

static int roles_ok(const char *const *roles, size_t n)
{
	size_t i;

	if (n && !roles)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (empty(roles[i]))
			return -EINVAL;
	return 0;
}

int sched_encode_revive(const char *framework_id, const char *const *roles, size_t n_roles,
			struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Revive rev = MESOS__V1__SCHEDULER__CALL__REVIVE__INIT;
	int rc;

	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__REVIVE)) < 0 ||
	    (rc = roles_ok(roles, n_roles)) < 0)
		return rc;
	if (n_roles) {
		rev.n_roles = n_roles;
		rev.roles = (char **)roles;
		c.revive = &rev;
	}
	return pack(&c, out);
}

int sched_encode_suppress(const char *framework_id, const char *const *roles, size_t n_roles,
			  struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Suppress sup = MESOS__V1__SCHEDULER__CALL__SUPPRESS__INIT;
	int rc;

	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS)) < 0 ||
	    (rc = roles_ok(roles, n_roles)) < 0)
		return rc;
	if (n_roles) {
		sup.n_roles = n_roles;
		sup.roles = (char **)roles;
		c.suppress = &sup;
	}
	return pack(&c, out);
}

int sched_encode_kill(const char *framework_id, const char *task_id, const char *agent_id,
		      struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Kill k = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	int rc;

	if (empty(task_id))
		return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__KILL)) < 0)
		return rc;
	c.kill = &k;
	tid.value = (char *)task_id;
	k.task_id = &tid;
	if (!empty(agent_id)) {
		aid.value = (char *)agent_id;
		k.agent_id = &aid;
	}
	return pack(&c, out);
}

int sched_encode_shutdown(const char *framework_id, const char *executor_id,
			  const char *agent_id, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Shutdown sh = MESOS__V1__SCHEDULER__CALL__SHUTDOWN__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	int rc;

	if (empty(executor_id) || empty(agent_id))
		return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN)) < 0)
		return rc;
	c.shutdown = &sh;
	eid.value = (char *)executor_id;
	aid.value = (char *)agent_id;
	sh.executor_id = &eid;
	sh.agent_id = &aid;
	return pack(&c, out);
}

int sched_encode_acknowledge(const char *framework_id, const Mesos__V1__TaskStatus *st,
			     struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
	int rc;

	if (!st || !st->has_uuid || st->uuid.len != 16 || !st->uuid.data ||
	    !st->agent_id || empty(st->agent_id->value) || !st->task_id ||
	    empty(st->task_id->value))
		return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE)) < 0)
		return rc;
	c.acknowledge = &ack;
	ack.agent_id = st->agent_id;
	ack.task_id = st->task_id;
	ack.uuid = st->uuid;
	return pack(&c, out);
}

int sched_encode_reconcile(const char *framework_id, const struct sched_reconcile_task *tasks,
			   size_t n, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Reconcile rec = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	struct slot {
		Mesos__V1__Scheduler__Call__Reconcile__Task t;
		Mesos__V1__TaskID tid;
		Mesos__V1__AgentID aid;
	} *slots = NULL;
	Mesos__V1__Scheduler__Call__Reconcile__Task **v = NULL;
	size_t i;
	int rc;

	if (n && !tasks)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (empty(tasks[i].task_id))
			return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE)) < 0)
		return rc;
	c.reconcile = &rec;   /* present even when empty: implicit reconciliation */
	if (n) {
		slots = calloc(n, sizeof *slots);
		v = calloc(n, sizeof *v);
		rc = -ENOMEM;
		if (!slots || !v)
			goto fail;
		for (i = 0; i < n; i++) {
			mesos__v1__scheduler__call__reconcile__task__init(&slots[i].t);
			mesos__v1__task_id__init(&slots[i].tid);
			mesos__v1__agent_id__init(&slots[i].aid);
			slots[i].tid.value = (char *)tasks[i].task_id;
			slots[i].t.task_id = &slots[i].tid;
			if (!empty(tasks[i].agent_id)) {
				slots[i].aid.value = (char *)tasks[i].agent_id;
				slots[i].t.agent_id = &slots[i].aid;
			}
			v[i] = &slots[i].t;
		}
		rec.n_tasks = n;
		rec.tasks = v;
	}
	rc = pack(&c, out);
fail:
	free(v);
	free(slots);
	return rc;
}

int sched_encode_message(const char *framework_id, const char *agent_id,
			 const char *executor_id, const void *data, size_t len, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Call__Message m = MESOS__V1__SCHEDULER__CALL__MESSAGE__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	int rc;

	if (empty(agent_id) || empty(executor_id) || (len && !data))
		return -EINVAL;
	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE)) < 0)
		return rc;
	c.message = &m;
	aid.value = (char *)agent_id;
	eid.value = (char *)executor_id;
	m.agent_id = &aid;
	m.executor_id = &eid;
	m.data.len = len;
	m.data.data = (uint8_t *)data;
	return pack(&c, out);
}

int sched_encode_teardown(const char *framework_id, struct buf *out)
{
	Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	int rc;

	if ((rc = head(&c, &fid, framework_id, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN)) < 0)
		return rc;
	return pack(&c, out);
}

const char *sched_call_type_name(int type)
{
	const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
		&mesos__v1__scheduler__call__type__descriptor, type);

	return v ? v->name : "UNKNOWN";
}
