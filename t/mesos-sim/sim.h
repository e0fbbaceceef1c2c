/*
 * sim — the in-process model of t/mesos-sim: a Mesos 1.12 master (and
 * standbys) plus its agents in one process, one event loop, on loopback.
 * It speaks the real v1 wire protocols (protobuf + RecordIO + HTTP) so the
 * framework under test cannot tell it from Mesos for what we use
 * (PROTOCOLS.md §A, §C, §D and, where they differ, §L).
 *
 * Two sides share this header:
 *   master side (helper "simmaster"): main.c, master*.c, sched*.c,
 *     accept.c, alloc*.c, model*.c, res*.c, registry.c, control*.c, zk*.c
 *     (private header master.h) — the scheduler API,
 *     allocation, offers, validation, reconciliation, frameworks, the model
 *     of tasks/executors, agent loss, ZooKeeper, the control API;
 *   agent side (helper "simagent"): agent*.c, launch*.c, fetch*.c,
 *     executor_api*.c — sandboxes, the fetcher, executors as real child
 *     processes, /api/v1/executor, status updates with at-least-once
 *     retry until ACKNOWLEDGE, volumes linked into sandboxes.
 * Every function below says which side implements it ([master] or
 * [agent]). A side never frees or rewrites the other side's private
 * state (the *_priv pointers).
 *
 * Ownership:
 *   struct sim owns the masters, agents and frameworks. The master side
 *   owns struct sim_framework, sim_task and sim_executor (creates and
 *   frees them) and their protobuf copies. The agent side owns every
 *   *->agent_priv and must drop it when told (see each call).
 *   Protobuf pointers handed across a call are borrowed for that call;
 *   copy what you keep (sim_pb_dup).
 *
 * Callbacks: everything runs on sim->loop; any function here may be called
 * from any callback, except that a side must not free an object the other
 * side is in the middle of handing to it (e.g. the master never frees a
 * task inside sim_master_status_update's caller's stack — it defers).
 *
 * Errors: 0 or a negative errno, as everywhere in the project.
 *
 * ---- Known differences from Mesos 1.12 (keep this list current) ----
 *  - Protobuf only: a JSON request gets 415 (Content-Type
 *    application/json) or 406 (SUBSCRIBE whose Accept allows JSON but not
 *    protobuf), with a body saying the sim speaks protobuf only. Where
 *    Mesos would pick JSON (no Accept, a wildcard, both types) the sim
 *    answers protobuf.
 *  - One process: the masters are ports of one process sharing one model.
 *    A master failover (control API) ends every subscription stream and
 *    forgets offers and filters; frameworks stay known but disconnected
 *    (403 "Framework is not subscribed" until they re-subscribe), as if
 *    every agent had re-registered at once, and their failover_timeout
 *    starts at the failover. The new leader gets a new MasterInfo.id;
 *    framework, offer and agent ids keep their counters.
 *  - Agents register at once; there is no agent<->master protocol, no
 *    registry and no agent_reregister_timeout. Agent loss is declared by
 *    the control API (/agent/kill, or /agent/disconnect: processes keep
 *    running, nothing reaches the master, a KILL waits for /agent/reconnect;
 *    if the agent is removed meanwhile its executors are killed at the
 *    removal, not at its return), not by missed pings: offers on the
 *    agent are rescinded at once, and after --agent-timeout (the whole
 *    health-check window; Mesos: 5 pings x 15 s plus a rate-limited
 *    removal) its tasks get TASK_LOST / TASK_UNREACHABLE with
 *    REASON_AGENT_REMOVED, "health check timed out". A removed agent that
 *    comes back gets a new agent id and no tasks (Mesos 1.12 lets an
 *    unreachable agent re-register with its old id).
 *  - Offer operations: LAUNCH, RESERVE, UNRESERVE, CREATE, DESTROY. No
 *    LAUNCH_GROUP, no operation feedback (Operation.id on RESERVE etc. is
 *    ignored; no UPDATE_OPERATION_STATUS), no resource providers, shared
 *    or revocable resources, quota, weights, offer constraints, static
 *    reservations or refined (stacked) reservations. A dropped RESERVE/
 *    CREATE/... is only logged, as Mesos does without Operation.id.
 *  - UPDATE_FRAMEWORK answers 200 and changes nothing; REQUEST, inverse
 *    offers, ACKNOWLEDGE_OPERATION_STATUS, RECONCILE_OPERATIONS: 202 and
 *    ignored.
 *  - Roles: offers go to the framework's roles (MULTI_ROLE roles, else the
 *    deprecated role, default "*"), one offer per agent and role; no role
 *    authorization or ACLs. Allocation is round robin, not DRF; a cycle
 *    runs every --allocation-interval and at once on SUBSCRIBE, REVIVE
 *    and an agent coming back. A filter (DECLINE/ACCEPT refuse_seconds)
 *    holds while the available resources fit in the refused ones.
 *  - Task validation covers what etcd-mesos can send plus common mistakes
 *    (id, agent, command vs executor, executor framework id and command,
 *    resource kinds, containment); it is not all of Mesos' validation.
 *    Error texts that §L did not observe follow the Mesos source as far
 *    as we know it.
 *  - Authentication: HTTP Basic only (--credentials), no authorization;
 *    the 401 body is empty.
 *  - /master/state and the control API's /state have the shape of Mesos'
 *    /master/state for what the tests read (frameworks with tasks,
 *    statuses and resources; agents), not every field.
 *  - Agent ports: agent i's port ranges are those of --resources shifted
 *    by i*1000, so agents on one loopback address never share ports.
 *  - Agent addresses: every agent on --ip unless --agent-ips gives each its
 *    own (offered as its hostname); --agent-gids runs each agent's
 *    executors in a group of their own, which the tests map to the agent's
 *    address with an nft SNAT rule (t/test-lib.sh identity_gid), since a
 *    process on loopback otherwise sends from 127.0.0.1 whatever it listens
 *    on. nft cuts the tasks' traffic only; the agent's link to the master
 *    is cut with the control API's /agent/disconnect (and /agent/reconnect).
 */
#ifndef EM_T_MESOS_SIM_SIM_H
#define EM_T_MESOS_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/flags.h"
#include "ev/ev.h"
#include "net/http_server.h"
#include "mesos/v1/mesos.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"
#include "mesos/v1/executor/executor.pb-c.h"

#define SIM_VERSION "1.12.0"          /* MasterInfo.version we claim */
#define SIM_MAX_ID 128                /* ids, stream ids, host names */

/* ---- intrusive circular lists (both sides may use them) ---- */

struct sim_link {
	struct sim_link *prev, *next;
};

static inline void sim_list_init(struct sim_link *head)
{
	head->prev = head->next = head;
}
static inline bool sim_list_empty(const struct sim_link *head)
{
	return head->next == head;
}
static inline void sim_list_add_tail(struct sim_link *head, struct sim_link *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}
static inline void sim_list_del(struct sim_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->prev = l->next = l;
}
#define sim_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
/* for (struct sim_link *it = head.next, *nx; it != &head && (nx = it->next, 1); it = nx) */
#define sim_list_each(it, nx, head) \
	for (struct sim_link *it = (head)->next, *nx = it->next; it != (head); \
	     it = nx, nx = it->next)

/* ---- resources in the model ---- */

/* One resource of an agent as the master tracks it: a scalar (cpus, mem,
 * disk) or ranges (ports), unreserved (role "*") or dynamically reserved
 * for role by principal, and for disk maybe a persistent volume.
 * Implemented in res.c [master]; the agent side only reads them. */
struct sim_range {
	uint64_t begin, end;          /* inclusive */
};

struct sim_res {
	char name[16];                /* "cpus", "mem", "disk", "ports" */
	char role[SIM_MAX_ID];        /* "*" = unreserved */
	char principal[SIM_MAX_ID];   /* reservation principal, "" if none */
	bool refined;                 /* reservation written post-refinement */
	/* persistent volume (disk only); persistence_id "" = none */
	char persistence_id[SIM_MAX_ID];
	char container_path[256];
	int64_t milli;                /* scalar in thousandths */
	struct sim_range *ranges;     /* ports: sorted, disjoint */
	size_t n_ranges;
};

struct sim_resv {                     /* a resource vector */
	struct sim_res *v;
	size_t n;
};

/* ---- configuration (main.c parses it) ---- */

struct sim_config {
	const char *bind_host;        /* "127.0.0.1" */
	const char *hostname;         /* MasterInfo.hostname; default bind_host */
	uint16_t port;                /* first master's port (0 = any) */
	uint16_t control_port;        /* control API (0 = any) */
	int n_masters;                /* >= 1; index 0 leads at start */
	int n_agents;                 /* >= 0 */
	double heartbeat_s;           /* SUBSCRIBED.heartbeat_interval_seconds */
	int64_t allocation_interval_ms;
	int64_t offer_timeout_ms;     /* 0 = offers never time out */
	int64_t agent_timeout_ms;     /* agent down -> removed */
	int64_t refuse_default_ms;    /* Filters.refuse_seconds default (5 s) */
	const char *resources;        /* Mesos --resources text; NULL = default */
	const char *zk;               /* zk://host:port/path or NULL */
	const char *credentials;      /* JSON file (§E.1) or NULL */
	const char *work_dir;         /* agents' work dirs live under it */
	const char *port_file;        /* write "master=...\ncontrol=..." */
	const char *agent_ips;        /* "A,B,...": agent i's address; NULL = bind_host */
	const char *agent_gids;       /* "G,H,...": agent i's executors' group; NULL = ours */
};

struct sim_master;
struct sim_agent;
struct sim_framework;
struct sim_executor;
struct sim_task;

/* ---- the whole simulation ---- */

struct sim {
	struct ev_loop *loop;
	struct sim_config cfg;
	struct sim_master *masters;   /* cfg.n_masters of them */
	int leader;                   /* index of the leading master, -1 none */
	struct sim_agent **agents;    /* n_agents; index i has agent index i */
	int n_agents;
	struct sim_link frameworks;   /* struct sim_framework.link, active ones */
	struct sim_link removed;      /* removed frameworks (ids kept) */
	struct http_server *control;
	uint64_t next_id;             /* counter for offer/framework ids */
	bool allocation_paused;
	struct ev_timer alloc_timer;
	void *master_priv;            /* [master] credentials, zk, ... */
	void *agent_priv;             /* [agent] process-wide agent state */
};

struct sim_master {
	struct sim *sim;
	int index;
	char id[SIM_MAX_ID];          /* MasterInfo.id; new after a failover */
	struct http_server *http;
	uint16_t port;
	char zk_node[SIM_MAX_ID];     /* its json.info_ node, "" if none */
};

/* ---- agents ---- */

enum sim_agent_state {
	SIM_AGENT_UP,                 /* registered, offered */
	SIM_AGENT_DOWN,               /* killed; tasks kept until agent_timeout */
	SIM_AGENT_REMOVED,            /* timed out; tasks gone; new id if back */
};

struct sim_agent {
	struct sim *sim;
	int index;
	char id[SIM_MAX_ID];          /* AgentID.value, e.g. "<master>-S0" */
	char hostname[SIM_MAX_ID];    /* Offer.hostname */
	char ip[64];                  /* numeric, what executors bind to */
	unsigned run_gid;             /* executors run with this real and effective
				       * group, supplementary groups cleared (as
				       * Mesos' --switch_user); 0 = the sim's own */
	uint16_t port;                /* [agent] its HTTP server (executor API) */
	char work_dir[512];           /* <cfg.work_dir>/agent<i> */
	enum sim_agent_state state;
	uint64_t down_since_ms;
	struct ev_timer remove_timer; /* [master] */
	struct sim_resv total;        /* [master] incl. reservations, volumes */
	struct sim_link executors;    /* struct sim_executor.agent_link */
	struct sim_link tasks;        /* struct sim_task.agent_link (all, incl. command tasks) */
	int fetch_fail_next;          /* [agent] fetches left to fail (POST /agent/fetch-fail) */
	int fetch_fail_after_ms;      /* [agent] ... this long after they start */
	void *agent_priv;             /* [agent] */
};

/* ---- frameworks ---- */

struct sim_filter {                   /* a DECLINE/ACCEPT refusal [master] */
	struct sim_link link;
	struct sim_agent *agent;
	char role[SIM_MAX_ID];
	struct sim_resv refused;      /* filtered while available fits in it */
	uint64_t until_ms;
};

struct sim_framework {
	struct sim_link link;         /* in sim->frameworks or sim->removed */
	struct sim *sim;
	char id[SIM_MAX_ID];
	Mesos__V1__FrameworkInfo *info;   /* owned copy, id filled in */
	bool partition_aware, multi_role, refinement;
	bool connected;               /* has a live subscription stream */
	bool removed;
	struct http_req *stream;      /* the SUBSCRIBE response, or NULL */
	char stream_id[SIM_MAX_ID];
	char principal[SIM_MAX_ID];   /* authenticated one, "" if none */
	struct ev_timer heartbeat;
	struct ev_timer failover;     /* failover_timeout after disconnect */
	char **suppressed;            /* suppressed roles */
	size_t n_suppressed;
	struct sim_link filters;      /* struct sim_filter */
	struct sim_link offers;       /* struct sim_offer (master-private) */
	struct sim_link executors;    /* struct sim_executor.fw_link */
	struct sim_link tasks;        /* struct sim_task.fw_link (incl. terminal) */
	uint64_t registered_ms, unregistered_ms;
	void *master_priv;
};

/* ---- executors and tasks ---- */

struct sim_executor {
	struct sim_link agent_link, fw_link;
	struct sim_agent *agent;
	struct sim_framework *fw;
	char id[SIM_MAX_ID];
	Mesos__V1__ExecutorInfo *info;    /* owned copy (framework_id filled) */
	struct sim_resv resources;        /* [master] what it holds */
	void *agent_priv;                 /* [agent] process, sandbox, stream */
};

struct sim_task {
	struct sim_link agent_link, fw_link;
	struct sim_agent *agent;
	struct sim_framework *fw;
	struct sim_executor *exec;        /* NULL for a command task */
	char id[SIM_MAX_ID];
	Mesos__V1__TaskInfo *info;        /* owned copy as launched */
	Mesos__V1__TaskState state;       /* latest known */
	Mesos__V1__TaskStatus *latest;    /* owned; NULL before any update */
	Mesos__V1__TaskStatus **history;  /* owned; every state change, in order */
	size_t n_history;
	struct sim_resv resources;        /* [master] held until terminal */
	bool terminal;                    /* latest state is terminal */
	bool acked_terminal;              /* [master] terminal update acknowledged */
	bool unreachable;                 /* [master] its agent was removed */
	bool kill_pending;                /* [master] KILL while its agent was away */
	void *agent_priv;                 /* [agent] update queue, ... */
};

/* ---- calls the master side makes into the agent side: [agent] ---- */

/* Sets up agent a (work dir, executor API server on a->ip; fills a->port).
 * Called once per agent by main before the masters start. err gets one
 * line on failure. */
int sim_agent_init(struct sim_agent *a, char *err, size_t errlen);
/* Kills every executor process of a (SIGKILL, reaped), closes its server,
 * frees a->agent_priv and every task/executor agent_priv. No call into the
 * master from here. Called at exit. Accepts NULL. */
void sim_agent_finish(struct sim_agent *a);

/* Launch task t (t->exec is its executor, or NULL for a command task
 * which the agent runs with its own command executor). exec_is_new: the
 * executor is not running yet on the agent and must be started (its
 * sandbox made, URIs fetched). All results come back as
 * sim_master_status_update(); a failure before the task is running is a
 * TASK_FAILED/TASK_ERROR update with SOURCE_AGENT, not an error return.
 * Returns 0 or -ENOMEM. */
int sim_agent_launch(struct sim_agent *a, struct sim_task *t, bool exec_is_new);
/* KILL from the scheduler: the executor gets a KILL event (kill_policy may
 * be NULL). A task not yet handed to the executor is answered by the agent
 * with TASK_KILLED itself. */
int sim_agent_kill_task(struct sim_agent *a, struct sim_task *t,
			const Mesos__V1__KillPolicy *kill_policy);
/* SHUTDOWN from the scheduler: SHUTDOWN event, grace period, then kill. */
int sim_agent_shutdown_executor(struct sim_agent *a, struct sim_executor *e);
/* MESSAGE from the scheduler: a MESSAGE event to executor e. Best effort. */
int sim_agent_send_message(struct sim_agent *a, struct sim_executor *e,
			   const void *data, size_t len);
/* ACKNOWLEDGE from the scheduler for task t's update with this uuid: the
 * agent stops resending it and sends the next queued one. An unknown uuid
 * is ignored. */
void sim_agent_acknowledge(struct sim_agent *a, struct sim_task *t,
			   const uint8_t *uuid, size_t uuid_len);
/* The framework is being removed (TEARDOWN, failover_timeout): the agent
 * kills fw's executors and tasks on a (processes die on their own time)
 * and drops, at once and for good, every reference to fw, its executors
 * and tasks (agent_priv freed, pending updates discarded). It must not
 * call the master about them again. The master frees them afterwards. */
void sim_agent_remove_framework(struct sim_agent *a, struct sim_framework *fw);

/* Control API (operators' chaos). kill: the agent and all its executor
 * processes die (SIGKILL), nothing is reported; afterwards the agent calls
 * sim_master_agent_down(a). restart: the agent comes back (recovering
 * checkpointed executors if it can) and calls sim_master_agent_up(a).
 * -EALREADY if already in that state. */
int sim_agent_kill(struct sim_agent *a);
int sim_agent_restart(struct sim_agent *a);
/* The master removes agent a (agent timeout): the agent side lets go of
 * every executor and task (processes killed) if it still holds any (a
 * disconnected agent). */
void sim_agent_forget(struct sim_agent *a);

/* ---- calls the agent side makes into the master side: [master] ---- */

/* A status update of task t from the agent or the executor, built by the
 * agent side completely (task_id, state, source, reason, message, uuid,
 * timestamp, agent_id, executor_id, container_status...). With a uuid it
 * is a reliable update (the agent resends until acknowledged); the master
 * records it as the task's latest state, releases the task's resources
 * when the state is terminal, and sends UPDATE to the framework if it is
 * subscribed (dropped otherwise: the agent's retry covers it). st is
 * borrowed. Never frees t during the call. */
void sim_master_status_update(struct sim_task *t, const Mesos__V1__TaskStatus *st);
/* Executor e's process ended (wstatus from waitpid). The agent side has
 * already sent terminal updates for e's live tasks, and has freed
 * e->agent_priv. The master sends FAILURE{agent_id, executor_id, status}
 * to the framework, releases e's resources and frees e (pointers to e in
 * its tasks are cleared). */
void sim_master_executor_exited(struct sim_executor *e, int wstatus);
/* A MESSAGE from executor e to its scheduler (best effort). */
void sim_master_executor_message(struct sim_executor *e, const void *data, size_t len);
/* The agent process died (after sim_agent_kill): offers on it are
 * rescinded now, its tasks stay until cfg.agent_timeout_ms, then TASK_LOST
 * / TASK_UNREACHABLE (REASON_AGENT_REMOVED) and FAILURE{agent_id}. */
void sim_master_agent_down(struct sim_agent *a);
/* The agent is back. Returns 0 when it was down (same id, tasks kept),
 * 1 when the master had removed it: a->id is new, the master knows no
 * task on it, and the agent must drop every old executor and task. */
int sim_master_agent_up(struct sim_agent *a);

/* Lookups for the agent side (executor API): NULL if unknown. */
struct sim_framework *sim_framework_find(struct sim *sim, const char *fw_id);
struct sim_executor *sim_executor_find(struct sim_agent *a, const char *fw_id,
				       const char *exec_id);
struct sim_task *sim_task_find(struct sim_framework *fw, const char *task_id);

/* Host directory of persistent volume `id` reserved for `role` on agent
 * a: <a->work_dir>/volumes/roles/<role>/<id> (Mesos' layout). The master
 * creates it on CREATE and deletes it on DESTROY; the agent links it into
 * the sandbox at the volume's container_path. -ENAMETOOLONG. */
int sim_volume_path(const struct sim_agent *a, const char *role, const char *id,
		    char *out, size_t outlen);

/* ---- helpers both sides may use: [master] in model.c ---- */

/* Deep copy of any protobuf-c message through pack/unpack; NULL on ENOMEM. */
void *sim_pb_dup(const ProtobufCMessage *m);
/* A random v4 UUID: 16 raw bytes (TaskStatus.uuid) and its text form. */
void sim_uuid(uint8_t out[16]);
void sim_uuid_str(const uint8_t in[16], char out[37]);
/* Seconds since the epoch, as TaskStatus.timestamp. */
double sim_wall_time(void);

/* Flags of the agent side (work dir layout, grace periods, ...), defined
 * in agent*.c and added to main's flag tables. [agent] */
extern struct flag sim_agent_flags[];

#endif
