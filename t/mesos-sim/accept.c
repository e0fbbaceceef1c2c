/* accept.c — ACCEPT on the sim master: offer validation, then the
 * operations in order over what is left of the offered resources:
 * LAUNCH (validated as Mesos does; invalid tasks get TASK_ERROR), RESERVE,
 * UNRESERVE, CREATE and DESTROY (dynamic reservations and persistent
 * volumes in the model; a volume is a directory under the agent's work
 * dir). Unused resources are declined with the call's filters. */
#define _XOPEN_SOURCE 700
#include "master.h"

#include "base/log.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct accept_ctx {
	struct sim_framework *fw;
	struct sim_agent *agent;
	const char *role;
	struct sim_resv pool;         /* what is left of the offers */
};

static void task_error(struct sim_framework *fw, const Mesos__V1__TaskInfo *t,
		       Mesos__V1__TaskState state, Mesos__V1__TaskStatus__Reason reason,
		       const char *msg)
{
	sim_fw_send_master_update(fw, t->task_id->value, t->agent_id->value, NULL, state,
				  reason, msg, 0);
}

static int mkdir_p(const char *path)
{
	char tmp[1024];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* ---- LAUNCH ---- */

static const char *check_executor(struct accept_ctx *c, const Mesos__V1__TaskInfo *t,
				  struct sim_executor **existing, char *buf, size_t buflen)
{
	*existing = NULL;
	if ((t->executor != NULL) == (t->command != NULL))
		return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
	if (!t->executor)
		return NULL;
	if (t->executor->framework_id && strcmp(t->executor->framework_id->value, c->fw->id)) {
		snprintf(buf, buflen, "ExecutorInfo has an invalid FrameworkID (Actual: %s vs Expected: %s)",
			 t->executor->framework_id->value, c->fw->id);
		return buf;
	}
	*existing = sim_executor_find(c->agent, c->fw->id, t->executor->executor_id->value);
	if (*existing && (*existing)->info) {
		const Mesos__V1__CommandInfo *a = (*existing)->info->command, *b = t->executor->command;
		const char *va = a && a->value ? a->value : "", *vb = b && b->value ? b->value : "";
		if (strcmp(va, vb) != 0) {
			snprintf(buf, buflen, "ExecutorInfo is not compatible with ExecutorInfo of existing executor %s",
				 (*existing)->id);
			return buf;
		}
	}
	return NULL;
}

static void launch_one(struct accept_ctx *c, const Mesos__V1__TaskInfo *ti)
{
	struct sim_framework *fw = c->fw;
	struct sim_executor *exec = NULL;
	struct sim_resv task_res = {0}, exec_res = {0}, need = {0};
	struct sim_task *t = NULL;
	struct buf msg = BUF_INIT;
	char ebuf[512];
	const char *err = NULL;
	bool exec_new = false;
	Mesos__V1__TaskState bad = MESOS__V1__TASK_STATE__TASK_ERROR;

	if (!ti->task_id->value[0])
		err = "Task ID must not be empty";
	else if (sim_task_find(fw, ti->task_id->value) &&
		 !sim_task_find(fw, ti->task_id->value)->acked_terminal) {
		snprintf(ebuf, sizeof(ebuf), "Task has duplicate ID: %s", ti->task_id->value);
		err = ebuf;
	} else if (strcmp(ti->agent_id->value, c->agent->id) != 0) {
		snprintf(ebuf, sizeof(ebuf), "Task uses invalid agent: %s", ti->agent_id->value);
		err = ebuf;
	} else if (sim_resv_from_pb(ti->resources, ti->n_resources, &task_res, ebuf,
				    sizeof(ebuf)) != 0) {
		err = ebuf;
	}
	if (!err)
		err = check_executor(c, ti, &exec, ebuf, sizeof(ebuf));
	if (!err && ti->executor && !exec) {
		exec_new = true;
		if (sim_resv_from_pb(ti->executor->resources, ti->executor->n_resources, &exec_res,
				     ebuf, sizeof(ebuf)) != 0)
			err = ebuf;
	}
	if (!err && (sim_resv_add(&need, &task_res) != 0 || sim_resv_add(&need, &exec_res) != 0))
		err = "Out of memory";
	if (!err && sim_resv_empty(&need) && !exec)
		err = "Task uses no resources";
	if (!err && !sim_resv_contains(&c->pool, &need)) {
		buf_append_str(&msg, "Total resources ");
		sim_resv_format(&need, c->role, &msg);
		buf_append_str(&msg, " required by task and its executor is more than available ");
		sim_resv_format(&c->pool, c->role, &msg);
		err = msg.data;
	}
	if (err) {
		char q1[128], q2[128], q3[600];
		log_info("framework %s: task %s invalid: %s", sim_printable(fw->id, q1, sizeof(q1)),
			 sim_printable(ti->task_id->value, q2, sizeof(q2)),
			 sim_printable(err, q3, sizeof(q3)));
		task_error(fw, ti, bad, MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID, err);
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->info = sim_pb_dup(&ti->base)))
		goto nomem;
	if (exec_new) {
		exec = calloc(1, sizeof(*exec));
		if (!exec || !(exec->info = sim_pb_dup(&ti->executor->base))) {
			free(exec);
			exec = NULL;
			goto nomem;
		}
		if (!exec->info->framework_id && (exec->info->framework_id =
						  malloc(sizeof(Mesos__V1__FrameworkID)))) {
			mesos__v1__framework_id__init(exec->info->framework_id);
			exec->info->framework_id->value = strdup(fw->id);
		}
		snprintf(exec->id, sizeof(exec->id), "%s", ti->executor->executor_id->value);
		exec->agent = c->agent;
		exec->fw = fw;
		exec->resources = exec_res;
		exec_res.v = NULL;
		exec_res.n = 0;
		sim_list_add_tail(&c->agent->executors, &exec->agent_link);
		sim_list_add_tail(&fw->executors, &exec->fw_link);
	}
	if (t->info->executor && !t->info->executor->framework_id &&
	    (t->info->executor->framework_id = malloc(sizeof(Mesos__V1__FrameworkID)))) {
		mesos__v1__framework_id__init(t->info->executor->framework_id);
		t->info->executor->framework_id->value = strdup(fw->id);
	}
	/* a re-used id of an acknowledged terminal task: forget the old one */
	{
		struct sim_task *old = sim_task_find(fw, ti->task_id->value);
		if (old)
			sim_task_free(old);
	}
	snprintf(t->id, sizeof(t->id), "%s", ti->task_id->value);
	t->agent = c->agent;
	t->fw = fw;
	t->exec = exec;
	t->state = MESOS__V1__TASK_STATE__TASK_STAGING;
	t->resources = task_res;
	task_res.v = NULL;
	task_res.n = 0;
	sim_resv_sub(&c->pool, &need);
	sim_list_add_tail(&c->agent->tasks, &t->agent_link);
	sim_list_add_tail(&fw->tasks, &t->fw_link);
	char q1[128], q2[128];
	log_info("framework %s: launching task %s on agent %s%s", sim_printable(fw->id, q1, sizeof(q1)),
		 sim_printable(t->id, q2, sizeof(q2)), c->agent->id,
		 exec_new ? " with a new executor" : "");
	sim_agent_launch(c->agent, t, exec_new);
	t = NULL;
	goto out;
nomem:
	task_error(fw, ti, bad, MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
		   "Out of memory");
out:
	if (t) {
		if (t->info)
			mesos__v1__task_info__free_unpacked(t->info, NULL);
		free(t);
	}
	buf_finish(&msg);
	sim_resv_free(&task_res);
	sim_resv_free(&exec_res);
	sim_resv_free(&need);
}

/* ---- RESERVE / UNRESERVE / CREATE / DESTROY ---- */

/* Replaces `from` by `to` in the pool and in the agent's total. */
static int convert(struct accept_ctx *c, const struct sim_resv *from, const struct sim_resv *to)
{
	if (!sim_resv_contains(&c->pool, from))
		return -ENOSPC;
	if (!sim_resv_contains(&c->agent->total, from))
		return -ENOSPC;
	if (sim_resv_sub(&c->pool, from) != 0 || sim_resv_add(&c->pool, to) != 0)
		return -ENOMEM;
	if (sim_resv_sub(&c->agent->total, from) != 0 || sim_resv_add(&c->agent->total, to) != 0)
		return -ENOMEM;
	return 0;
}

static const char *fw_principal(const struct sim_framework *fw)
{
	return fw->info->principal ? fw->info->principal : "";
}

static const char *reserve(struct accept_ctx *c, Mesos__V1__Resource **v, size_t n, bool un,
			   char *buf, size_t buflen)
{
	struct sim_resv res, src = {0};
	int rc;

	if (sim_resv_from_pb(v, n, &res, buf, buflen) != 0)
		return buf;
	if (res.n == 0) {
		sim_resv_free(&res);
		return "Invalid resources: no resources given";
	}
	for (size_t i = 0; i < res.n; i++) {
		struct sim_res u = res.v[i];
		if (strcmp(u.role, "*") == 0) {
			sim_resv_free(&res);
			sim_resv_free(&src);
			return un ? "Resources to unreserve must be reserved"
				  : "Invalid resources: the resources to reserve must be dynamically reserved";
		}
		if (u.persistence_id[0]) {
			sim_resv_free(&res);
			sim_resv_free(&src);
			return "A persistent volume cannot be reserved or unreserved; DESTROY it first";
		}
		if (!un && !sim_framework_has_role(c->fw, u.role)) {
			snprintf(buf, buflen, "A reserve operation was attempted for role '%s', which is not one of the framework's roles", u.role);
			sim_resv_free(&res);
			sim_resv_free(&src);
			return buf;
		}
		if (!un && strcmp(u.principal, fw_principal(c->fw)) != 0) {
			snprintf(buf, buflen, "A reserve operation was attempted by principal '%s', but there is a reserved resource in the request with principal '%s' set in `ReservationInfo`",
				 fw_principal(c->fw), u.principal);
			sim_resv_free(&res);
			sim_resv_free(&src);
			return buf;
		}
		strcpy(u.role, "*");
		u.principal[0] = '\0';
		u.refined = false;
		sim_resv_add_one(&src, &u);
	}
	rc = un ? convert(c, &res, &src) : convert(c, &src, &res);
	sim_resv_free(&res);
	sim_resv_free(&src);
	return rc == 0 ? NULL : "The resources are not contained in the offered resources";
}

static const char *volumes(struct accept_ctx *c, Mesos__V1__Resource **v, size_t n,
			   bool destroy, char *buf, size_t buflen)
{
	struct sim_resv vol, src = {0};
	const char *err = NULL;

	if (sim_resv_from_pb(v, n, &vol, buf, buflen) != 0)
		return buf;
	for (size_t i = 0; i < vol.n && !err; i++) {
		struct sim_res u = vol.v[i];
		if (strcmp(u.name, "disk") != 0 || !u.persistence_id[0] || !u.container_path[0])
			err = "Invalid volume: a persistent volume is a disk resource with persistence.id and volume.container_path";
		else if (strcmp(u.role, "*") == 0)
			err = "Persistent volumes cannot be created from unreserved resources";
		if (!err && !destroy) {
			for (size_t k = 0; k < c->agent->total.n; k++)
				if (!strcmp(c->agent->total.v[k].persistence_id, u.persistence_id) &&
				    !strcmp(c->agent->total.v[k].role, u.role)) {
					snprintf(buf, buflen, "Persistent volume with id '%s' already exists",
						 u.persistence_id);
					err = buf;
				}
		}
		u.persistence_id[0] = '\0';
		u.container_path[0] = '\0';
		if (!err)
			sim_resv_add_one(&src, &u);
	}
	if (!err && (destroy ? convert(c, &vol, &src) : convert(c, &src, &vol)) != 0)
		err = destroy ? "Persistent volumes to destroy are not offered (in use by a task?)"
			      : "The resources are not contained in the offered resources";
	for (size_t i = 0; i < vol.n && !err; i++) {
		char path[1024];
		if (sim_volume_path(c->agent, vol.v[i].role, vol.v[i].persistence_id, path,
				    sizeof(path)) != 0)
			continue;
		if (destroy)
			nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		else if (mkdir_p(path) != 0)
			log_warn("cannot create volume directory %s: %s", path, strerror(errno));
	}
	sim_resv_free(&vol);
	sim_resv_free(&src);
	return err;
}

/* ---- ACCEPT ---- */

/* validation::offer::validate: each check runs over all offers before the
 * next one (unique ids, known, this framework's, one role, one agent). */
static const char *check_offers(struct sim_framework *fw,
				const Mesos__V1__Scheduler__Call__Accept *acc,
				char *buf, size_t buflen)
{
	size_t n = acc->n_offer_ids;
	struct sim_offer *first = NULL;

	if (n == 0)
		return "No offers specified";
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < i; k++) {
			if (strcmp(acc->offer_ids[k]->value, acc->offer_ids[i]->value) == 0) {
				snprintf(buf, buflen, "Duplicate offer %s in offer list",
					 acc->offer_ids[i]->value);
				return buf;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!sim_offer_find(fw->sim, acc->offer_ids[i]->value)) {
			snprintf(buf, buflen, "Offer %s is no longer valid", acc->offer_ids[i]->value);
			return buf;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct sim_offer *o = sim_offer_find(fw->sim, acc->offer_ids[i]->value);
		if (o->fw != fw) {
			snprintf(buf, buflen, "Offer %s has invalid framework %s while framework %s is expected",
				 o->id, o->fw->id, fw->id);
			return buf;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct sim_offer *o = sim_offer_find(fw->sim, acc->offer_ids[i]->value);
		if (!first) {
			first = o;
		} else if (strcmp(o->role, first->role) != 0) {
			snprintf(buf, buflen, "Aggregated offers must be allocated to the same role. Offer %s uses role %s and offer %s uses role %s",
				 o->id, o->role, first->id, first->role);
			return buf;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct sim_offer *o = sim_offer_find(fw->sim, acc->offer_ids[i]->value);
		if (o->agent != first->agent) {
			snprintf(buf, buflen, "Aggregated offers must belong to one single agent. Offer %s uses agent %s and agent %s",
				 o->id, o->agent->id, first->agent->id);
			return buf;
		}
	}
	return NULL;
}

void sim_accept(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Accept *acc)
{
	struct accept_ctx c = {.fw = fw};
	char ebuf[512], role[SIM_MAX_ID] = "*";
	const char *err = check_offers(fw, acc, ebuf, sizeof(ebuf));

	if (err) {
		char msg[700];
		for (size_t i = 0; i < acc->n_offer_ids; i++) {
			struct sim_offer *o = sim_offer_find(fw->sim, acc->offer_ids[i]->value);
			if (o && o->fw == fw)
				sim_offer_remove(o, false);   /* recovered, no filter */
		}
		snprintf(msg, sizeof(msg), "Task launched with invalid offers: %s", err);
		for (size_t i = 0; i < acc->n_operations; i++) {
			const Mesos__V1__Offer__Operation *op = acc->operations[i];
			if (!op->has_type || op->type != MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH ||
			    !op->launch)
				continue;
			for (size_t k = 0; k < op->launch->n_task_infos; k++)
				task_error(fw, op->launch->task_infos[k],
					   fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_DROPPED
							       : MESOS__V1__TASK_STATE__TASK_LOST,
					   MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, msg);
		}
		char q1[128], q2[600];
		log_info("framework %s: ACCEPT refused: %s", sim_printable(fw->id, q1, sizeof(q1)),
			 sim_printable(err, q2, sizeof(q2)));
		return;
	}
	for (size_t i = 0; i < acc->n_offer_ids; i++) {
		struct sim_offer *o = sim_offer_find(fw->sim, acc->offer_ids[i]->value);
		c.agent = o->agent;
		snprintf(role, sizeof(role), "%s", o->role);
		sim_resv_add(&c.pool, &o->resources);
		sim_offer_remove(o, false);
	}
	c.role = role;
	for (size_t i = 0; i < acc->n_operations; i++) {
		const Mesos__V1__Offer__Operation *op = acc->operations[i];
		const char *oerr = NULL;
		int type = op->has_type ? (int)op->type : 0;

		if (type == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH && op->launch) {
			for (size_t k = 0; k < op->launch->n_task_infos; k++) {
				if (op->id)
					task_error(fw, op->launch->task_infos[k],
						   MESOS__V1__TASK_STATE__TASK_ERROR,
						   MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
						   "The `id` field is not supported for LAUNCH operations");
				else
					launch_one(&c, op->launch->task_infos[k]);
			}
			continue;
		}
		switch (type) {
		case MESOS__V1__OFFER__OPERATION__TYPE__RESERVE:
			oerr = op->reserve ? reserve(&c, op->reserve->resources,
						     op->reserve->n_resources, false, ebuf, sizeof(ebuf))
					   : "Expecting 'reserve' to be present";
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE:
			oerr = op->unreserve ? reserve(&c, op->unreserve->resources,
						       op->unreserve->n_resources, true, ebuf, sizeof(ebuf))
					     : "Expecting 'unreserve' to be present";
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__CREATE:
			oerr = op->create ? volumes(&c, op->create->volumes, op->create->n_volumes,
						    false, ebuf, sizeof(ebuf))
					  : "Expecting 'create' to be present";
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__DESTROY:
			oerr = op->destroy ? volumes(&c, op->destroy->volumes, op->destroy->n_volumes,
						     true, ebuf, sizeof(ebuf))
					   : "Expecting 'destroy' to be present";
			break;
		default:
			oerr = "operation not supported by the sim";
			break;
		}
		char q1[128], q2[600];
		if (oerr)
			log_warn("framework %s: dropping offer operation %d: %s",
				 sim_printable(fw->id, q1, sizeof(q1)), type,
				 sim_printable(oerr, q2, sizeof(q2)));
		else
			log_info("framework %s: applied offer operation %d on agent %s",
				 sim_printable(fw->id, q1, sizeof(q1)), type,
				 c.agent->id);
	}
	sim_filter_add(fw, c.agent, role, &c.pool,
		       acc->filters && acc->filters->has_refuse_seconds ? acc->filters->refuse_seconds : -1,
		       acc->filters && acc->filters->has_refuse_seconds);
	sim_resv_free(&c.pool);
}
