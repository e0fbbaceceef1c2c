/*
 * master.h — private declarations of the sim's master side (simmaster):
 * resources (res.c), the model (model.c), the scheduler endpoint
 * (sched.c, sched_calls.c), offers and allocation (alloc.c), ACCEPT
 * (accept.c), agents and their loss (registry.c), masters and
 * failover (masters.c), the control API (control.c) and
 * ZooKeeper (zk.c). The agent side does not include this file.
 *
 * Ownership follows sim.h: the master side creates and frees frameworks,
 * executors, tasks and offers. Events to a framework are dropped (not
 * queued) while it has no subscription stream, as Mesos does.
 */
#ifndef EM_T_MESOS_SIM_MASTER_H
#define EM_T_MESOS_SIM_MASTER_H

#include "sim.h"

#include "base/buf.h"

/* ---- res.c: resource vectors ---- */

void sim_resv_free(struct sim_resv *r);                  /* contents; NULL ok */
int sim_resv_copy(struct sim_resv *dst, const struct sim_resv *src);
/* Adds one resource, merging with an equal-keyed one. 0 or -ENOMEM. */
int sim_resv_add_one(struct sim_resv *dst, const struct sim_res *r);
int sim_resv_add(struct sim_resv *dst, const struct sim_resv *src);
bool sim_resv_contains(const struct sim_resv *a, const struct sim_resv *b);
/* dst -= src; -ENOSPC (dst unchanged) unless dst contains src. */
int sim_resv_sub(struct sim_resv *dst, const struct sim_resv *src);
bool sim_resv_empty(const struct sim_resv *r);
/* Resources usable by `role`: unreserved ones and those reserved for it. */
int sim_resv_for_role(const struct sim_resv *in, const char *role, struct sim_resv *out);
/* Sum of scalar `name` (any role), in thousandths. */
int64_t sim_resv_milli(const struct sim_resv *r, const char *name);
/* Mesos --resources text: "cpus:4;mem:4096;ports:[31000-31001,31005-31100]". */
int sim_resv_parse(const char *text, struct sim_resv *out, char *err, size_t errlen);
/* From protobuf (a TaskInfo's or an operation's). err gets one line. */
int sim_resv_from_pb(Mesos__V1__Resource *const *v, size_t n, struct sim_resv *out,
		     char *err, size_t errlen);
/* To protobuf, owned (free with sim_pb_resources_free). alloc_role NULL:
 * no allocation_info. refinement: post-refinement reservation format. */
int sim_resv_to_pb(const struct sim_resv *r, const char *alloc_role, bool refinement,
		   Mesos__V1__Resource ***out, size_t *n_out);
void sim_pb_resources_free(Mesos__V1__Resource **v, size_t n);
/* Mesos' text form: "cpus(allocated: *):1; ports(allocated: *):[31000-31001]" */
int sim_resv_format(const struct sim_resv *r, const char *alloc_role, struct buf *out);

/* ---- model.c ---- */

struct sim_offer {
	struct sim_link fw_link;      /* in fw->offers */
	struct sim_framework *fw;
	struct sim_agent *agent;
	char id[SIM_MAX_ID];
	char role[SIM_MAX_ID];
	struct sim_resv resources;
	struct ev_timer timeout;
};

struct sim_master_state {            /* sim->master_priv */
	char **cred_principal, **cred_secret;
	size_t n_creds;
	char **unreachable;               /* ids of removed agents */
	size_t n_unreachable;
	size_t rr;                        /* allocation round-robin start */
	void *zk;                         /* zk.c */
};

static inline struct sim_master_state *sim_ms(struct sim *sim)
{
	return sim->master_priv;
}

/* s with bytes outside printable ASCII as \xNN, cut with "..." to fit:
 * for log lines quoting what the network sent. Returns out. */
const char *sim_printable(const char *s, char *out, size_t outlen);
const char *sim_leader_id(struct sim *sim);
/* "<leader id>-<tag><n>" into out. */
void sim_next_id(struct sim *sim, const char *tag, char *out, size_t outlen);
struct sim_agent *sim_agent_by_id(struct sim *sim, const char *id);
bool sim_agent_unreachable(struct sim *sim, const char *id);
struct sim_framework *sim_framework_find_any(struct sim *sim, const char *fw_id);

struct sim_framework *sim_framework_new(struct sim *sim, const char *id,
					const Mesos__V1__FrameworkInfo *info);
/* Frees tasks, executors, offers, filters and the framework itself. */
void sim_framework_free(struct sim_framework *fw);
void sim_task_free(struct sim_task *t);
void sim_executor_free(struct sim_executor *e);
/* The framework's roles (MULTI_ROLE roles, else the deprecated role). */
size_t sim_framework_roles(const struct sim_framework *fw, const char **out, size_t max);
bool sim_framework_has_role(const struct sim_framework *fw, const char *role);
/* Resources held by tasks and executors on a (non-terminal). */
int sim_agent_used(struct sim_agent *a, struct sim_resv *out);
/* Resources held by outstanding offers on a. */
int sim_agent_offered(struct sim *sim, struct sim_agent *a, struct sim_resv *out);
bool sim_task_state_terminal(Mesos__V1__TaskState s);
const char *sim_task_state_name(Mesos__V1__TaskState s);

/* ---- sched.c: the scheduler endpoint and event streams ---- */

int sim_sched_routes(struct sim_master *m);
/* Sends one event to fw's stream; dropped if not subscribed. */
void sim_fw_send(struct sim_framework *fw, const Mesos__V1__Scheduler__Event *ev);
/* A master-generated UPDATE (no uuid, SOURCE_MASTER). agent_id/exec_id
 * may be NULL; unreachable_ms > 0 sets unreachable_time. */
void sim_fw_send_master_update(struct sim_framework *fw, const char *task_id,
			       const char *agent_id, const char *exec_id,
			       Mesos__V1__TaskState state,
			       Mesos__V1__TaskStatus__Reason reason, const char *message,
			       double unreachable_time);
void sim_fw_send_error(struct sim_framework *fw, const char *message);
/* Stream lost: disconnected, offers removed, failover timer started. */
void sim_fw_disconnect(struct sim_framework *fw, bool end_stream);
/* TEARDOWN / failover timeout: everything killed, moved to sim->removed. */
void sim_fw_remove(struct sim_framework *fw);
/* Delay (ms > 0) or stop delaying (0) fw's events (control API). */
void sim_fw_delay(struct sim_framework *fw, uint64_t ms);
void sim_sched_free_priv(struct sim_framework *fw);

/* ---- sched_check.c ---- */

/* Header `name` is exactly `want` (byte for byte). */
bool sim_header_is(const struct http_req *req, const char *name, const char *want);
/* Whether an Accept header value allows media type `type`. */
bool sim_accepts(const char *accept, size_t len, const char *type);
/* Basic auth against --credentials: 0 (principal filled, "" when auth is
 * off) or -EACCES. */
int sim_authenticate(struct sim *sim, struct http_req *req, char *principal, size_t plen);
/* Mesos' Call validation: NULL or the error text (maybe in buf). */
const char *sim_validate_call(const Mesos__V1__Scheduler__Call *c, const char *principal,
			      char *buf, size_t buflen);
/* The FrameworkInfo and suppressed roles of a SUBSCRIBE: NULL or text. */
const char *sim_validate_subscribe(const Mesos__V1__Scheduler__Call__Subscribe *sub,
				   bool multi_role, char *buf, size_t buflen);
bool sim_info_multi_role(const Mesos__V1__FrameworkInfo *fi);

/* ---- sched_calls.c ---- */

int sim_call_dispatch(struct sim_framework *fw, const Mesos__V1__Scheduler__Call *call,
		      int *status, const char **body);
void sim_reconcile_one(struct sim_framework *fw, const char *task_id, const char *agent_id);

/* ---- accept.c ---- */

void sim_accept(struct sim_framework *fw, const Mesos__V1__Scheduler__Call__Accept *acc);

/* ---- alloc.c ---- */

int sim_alloc_start(struct sim *sim);
void sim_alloc_now(struct sim *sim);          /* runs a cycle soon (deferred) */
void sim_offer_remove(struct sim_offer *o, bool rescind);
struct sim_offer *sim_offer_find(struct sim *sim, const char *id);
/* Offers of fw removed (no RESCIND: failover, disconnect). */
void sim_fw_drop_offers(struct sim_framework *fw, bool rescind);
void sim_agent_rescind_offers(struct sim_agent *a);
/* Adds a refusal filter of these resources on agent a for role. */
void sim_filter_add(struct sim_framework *fw, struct sim_agent *a, const char *role,
		    const struct sim_resv *refused, double refuse_seconds, bool has_refuse);
void sim_filters_clear(struct sim_framework *fw, const char *role);

/* ---- registry.c ---- */

int sim_agents_create(struct sim *sim, char *err, size_t errlen);
/* --agent-ips / --agent-gids (either may be NULL): item i for agent i,
 * exactly n_agents items, numeric IPv4 addresses / group ids 1..2^31-1.
 * -EINVAL with one line in err. Item i of a checked list: */
int sim_agent_lists_check(const char *ips, const char *gids, int n_agents, char *err,
			  size_t errlen);
void sim_agent_list_item(const char *list, int i, char *out, size_t outlen);
/* finish: the agent side lets go of everything (tasks still exist);
 * free: the agent structs, after the frameworks are freed. */
void sim_agents_finish(struct sim *sim);
void sim_agents_free(struct sim *sim);

/* ---- masters.c / zk.c / control.c ---- */

int sim_masters_start(struct sim *sim, char *err, size_t errlen);
void sim_masters_free(struct sim *sim);
/* Leader -> next (to = -1) or master `to`; none = no leader. */
int sim_master_failover(struct sim *sim, int to, bool none);
void sim_master_info_pb(struct sim *sim, struct sim_master *m, Mesos__V1__MasterInfo *mi,
			Mesos__V1__Address *addr, Mesos__V1__MasterInfo__Capability **caps,
			Mesos__V1__MasterInfo__Capability *capv, char *pid, size_t pidlen);
int sim_zk_start(struct sim *sim, char *err, size_t errlen);
void sim_zk_leader_changed(struct sim *sim);
void sim_zk_free(struct sim *sim);
int sim_control_start(struct sim *sim, char *err, size_t errlen);
/* GET handler of /state (arg: struct sim *). */
void sim_state_handler(struct http_req *req, void *arg);
int sim_credentials_load(struct sim *sim, const char *path, char *err, size_t errlen);

#endif
