/*
 * sched — the scheduler's run-time state and the glue between its parts.
 *
 * One struct sched per process, owned by sched.c (sched_run). The other
 * sched_*.c files each do one job on it:
 *   sched.c          start-up, ZooKeeper session/election/store, leader and
 *                    standby life, signals, the admin snapshot, re-planning
 *   sched_mesos.c    the subscription (FrameworkInfo) and its events
 *   sched_offers.c   offers in hand, ExecutorInfo/TaskInfo building, ACCEPT
 *   sched_status.c   status updates (write, then acknowledge) and
 *                    reconciliation (explicit with backoff, implicit)
 *   sched_act.c      carrying out the planner's actions (membership calls
 *                    to etcd, registry writes, kills, declines)
 *   sched_health.c   the periodic etcd health sample, verdict, dead rule,
 *                    and the etcd member list the planner reads
 *   sched_teardown.c tombstone, kills, TEARDOWN, state deleted, exit 0
 *   sched_reseed.c   /reseed: the admin action and its dry-run ranking
 *   sched_reseed_run.c  the reseed: fence, rank, force, grow (SAFETY.md 4)
 *
 * Decisions come only from plan_next() (lib/cluster/plan.h): sched_replan()
 * builds the world from the registry mirror (zk_store), the last etcd list,
 * the verdict and the offers in hand, and hands the plan to sched_act. At
 * most one action that needs an answer (a registry write, an etcd call) is
 * in flight (s->busy); its completion records the effect and re-plans.
 *
 * Everything runs on the one event loop; no function here blocks, except
 * sched_run's start-up (name resolution) and its shutdown (ZooKeeper close).
 * Errors: functions return 0 or a negative errno, logging one line.
 */
#ifndef EM_CMD_SCHEDULER_SCHED_H
#define EM_CMD_SCHEDULER_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/health.h"
#include "cluster/plan.h"
#include "cluster/registry_record.h"
#include "config.h"
#include "etcd/etcd_client.h"
#include "etcd/etcd_sample.h"
#include "ev/ev.h"
#include "mesos/sched_session.h"
#include "zk/zk_election.h"
#include "zk/zk_store.h"

struct admin;
struct artifact;
struct http_server;

#define SCHED_MAX_OFFERS 64
#define SCHED_MAX_TASKS 64          /* side table of run-time task facts */
#define SCHED_SAMPLES 64            /* per member health series */

/* Run-time facts about one task that are not in its registry record. */
struct sched_task {
	char task_id[TASK_ID_MAX + 1];
	bool used;
	bool answered;              /* reconciliation answered since subscribe */
	bool kill_sent;
	bool failed_counted;        /* failed_servers counted for it */
	uint64_t raft_index;        /* last seen (status data or sample) */
	bool up;                    /* answered the last health sample */
	bool leader;                /* etcd leader at the last sample */
	int64_t last_seen_ms;       /* Unix ms */
	struct health_sample samples[SCHED_SAMPLES];
	size_t n_samples;
	struct etcd_peers peers;    /* its etcd's view of its peers (/metrics) */
	int64_t peers_ms;           /* loop ms of that answer; 0 = none */
};

struct sched {
	struct ev_loop *loop;
	const struct sched_config *cfg;
	char address[64];           /* numeric address advertised */
	char admin_url[128];
	char artifact_base[128];    /* http://address:port */
	char user[64];
	char executor_file[4096];

	struct http_server *admin_srv, *artifact_srv;
	struct admin *admin;
	struct artifact *artifact;

	struct zk_session *zk;
	struct zk_election *election;
	struct zk_store *store;
	bool loading;
	bool leader;                /* election says leader and store loaded */
	bool was_leader;
	char leader_admin_url[256]; /* standby: whom to ask */
	struct ev_timer standby_timer;

	struct sched_session *mesos;
	bool subscribed;            /* SUBSCRIBED seen and framework id stored */
	char framework_id[TASK_ID_MAX + 1];
	uint64_t framework_removed; /* times Mesos said "Framework has been removed" */

	/* offers in hand (packed/unpacked copies we own) */
	Mesos__V1__Offer *offers[SCHED_MAX_OFFERS];
	size_t n_offers;
	bool suppressed;

	/* reconciliation */
	bool reconciled;
	struct ev_timer reconcile_timer;      /* explicit retries */
	uint64_t reconcile_backoff_ms;
	struct ev_timer implicit_timer;       /* periodic implicit */

	/* planning */
	bool busy;                  /* an action with an answer is in flight */
	bool replan_queued;
	struct ev_timer retry_timer;          /* re-plan later (e.g. promote not in sync) */
	const char *waiting;        /* last plan's waiting text */
	char last_why[160];

	/* etcd */
	struct etcd_client *etcd;
	struct etcd_members etcd_list;        /* last list from a voter */
	bool etcd_listed;
	int64_t etcd_listed_ms;
	bool listing;
	struct etcd_sample *sample;
	struct ev_timer health_timer;
	struct health_report report;
	bool have_report;
	bool healthy;
	bool cut_off_logged;        /* said once: no quorum seen, but nothing reached */
	bool livelock;              /* in a no-quorum episode */
	int64_t livelock_since_ms;  /* loop time the episode began */
	bool total_loss;            /* plan_total_loss at the last plan */
	uint64_t fresh_clusters;    /* POST /fresh-cluster carried out */

	struct sched_task tasks[SCHED_MAX_TASKS];

	/* counters (the original's names) */
	uint64_t launched_servers, failed_servers, cluster_livelocks, cluster_reseeds;
	int64_t started_at_ms;
	int exit_status;
};

extern struct sched *sched_g;

/* sched.c */
int sched_run(const struct sched_config *cfg);
void sched_exit(struct sched *s, int status);   /* stops the loop */
void sched_replan(struct sched *s);          /* deferred, coalesced */
void sched_done(struct sched *s);            /* busy = false, then re-plan */
void sched_retry_later(struct sched *s, uint64_t ms);
bool sched_can_act(struct sched *s);         /* leader, fence fresh (SAFETY §2) */
struct sched_task *sched_task_get(struct sched *s, const char *task_id, bool create);
int64_t sched_wall_ms(void);
/* Writes a record (a copy); done runs on completion. */
int sched_put(struct sched *s, const struct registry_record *rec,
	      zk_store_done_fn done, void *arg);

/* Crash points (SAFETY.md section 1 test): in a build with
 * -Dcrash_points=true, EM_CRASH_AT=<step> in the environment makes the
 * scheduler exit at once (status 3, no clean-up, like a crash) right after
 * that step:
 *   fwid-stored      framework id written, nothing reconciled
 *   planned          PLANNED record written (the first of a bootstrap)
 *   etcd-added       etcd member add (learner) answered, ADDED not written
 *   added            ADDED record written, nothing launched
 *   launched         LAUNCHED record written, ACCEPT not sent
 *   accepted         the master answered the ACCEPT (LAUNCH)
 *   running-written  RUNNING record written, the update not acknowledged
 *   dead-written     DEAD record written (terminal status), not acknowledged
 *   status-written   any status update's record written, not acknowledged
 *   judged-dead      DEAD record written on the health verdict
 *   promoted         etcd promote answered, record not written
 *   promote-written  record of the promoted voter written
 *   etcd-removed     etcd member remove answered, REMOVED not written
 *   removed          REMOVED record written
 *   killed           the master answered a KILL of a dead/removed member
 *   forgotten        a REMOVED record deleted
 *   adopted          a task missing from the registry recorded as RUNNING
 *   orphan-killed    the master answered the KILL of a task of ours that
 *                    neither a record nor an etcd member explains
 * Reseed steps (sched_reseed_run.c; each right after its reseed/<id>
 * record is confirmed by ZooKeeper, before the action it announces):
 *   reseed-decided        members listed and recorded, fences not sent
 *   reseed-fenced-<k>     k members fenced and recorded (-1, -2, -3 for 3)
 *   reseed-ranked         candidate recorded (in "tried"), force not sent
 *   reseed-forced         force sent to the candidate
 *   reseed-refence        a failed candidate recorded, not fenced again yet
 *   reseed-force-healthy  "healthy" recorded, the others not killed
 *   reseed-others-killed  kills confirmed by Mesos and in the registry,
 *                         DEAD records written, "done" not written
 *   reseed-done           "done" recorded, the planner not run
 *   reseed-stuck          "stuck" recorded (no candidate left) */
#ifdef EM_CRASH_POINTS
void sched_crash_point(const char *step);
#else
static inline void sched_crash_point(const char *step) { (void)step; }
#endif

/* sched_mesos.c: the subscription and its events */
void sched_mesos_init(struct sched *s);
int sched_mesos_start(struct sched *s);
void sched_mesos_stop(struct sched *s);

/* sched_offers.c */
void sched_offers_add(struct sched *s, Mesos__V1__Offer *const *offers, size_t n);
void sched_offers_rescind(struct sched *s, const char *offer_id);
void sched_offers_clear(struct sched *s);
bool sched_offer_fits(struct sched *s, const Mesos__V1__Offer *o);
/* Takes ports for a new member from offer i (nothing is kept). */
int sched_offer_ports(struct sched *s, size_t i, uint16_t *peer, uint16_t *client);
/* ACCEPT offer i with a LAUNCH of rec's member (record already LAUNCHED);
 * the offer leaves the hand. */
int sched_offer_launch(struct sched *s, size_t i, const struct registry_record *rec);
/* DECLINE offer i with this refusal (-mesos-offer-refuse-seconds, or
 * short while the scheduler is not ready to decide); it leaves the hand. */
void sched_offer_decline(struct sched *s, size_t i, double refuse_seconds);
void sched_offers_drop_index(struct sched *s, size_t i);

/* sched_status.c */
void sched_status_update(struct sched *s, const Mesos__V1__TaskStatus *st);
void sched_reconcile_start(struct sched *s);
void sched_reconcile_stop(struct sched *s);
bool sched_task_terminal_name(const char *state_name);
/* Unknown tasks of ours wait for an etcd list: adopted or killed then. */
bool sched_unknown_pending(void);
void sched_unknown_decide(struct sched *s);   /* after a fresh etcd list */

/* sched_act.c */
void sched_act_plan(struct sched *s, const struct plan_world *w, const struct plan *p,
		    const struct registry_record *recs);

/* sched_teardown.c: the admin API's teardown action (SAFETY.md section 8) */
struct admin_result;
int sched_teardown_request(void *arg, struct admin_result *res);
bool sched_tearing_down(void);

/* sched_reseed.c: the admin API's reseed action (dry_run ranks) */
int sched_reseed_request(void *arg, bool dry_run, struct admin_result *res);
/* sched_fresh.c: POST /fresh-cluster after a total loss (admin.h) */
int sched_fresh_request(void *arg, const char *confirm, struct admin_result *res);
#define SCHED_TOTAL_LOSS_RECOVERY \
	"every member died and Mesos confirmed their tasks gone, so no etcd process holds " \
	"the data any more. Find out why (agent logs; etcd-mesos-operations(7), TOTAL LOSS). " \
	"If the data matters, copy a member's data directory (member/snap/db) out of its " \
	"agent sandbox before the agent cleans it up. Then start a new, EMPTY cluster with " \
	"POST /fresh-cluster?confirm=<framework name> (etcd-mesos ctl fresh-cluster) and " \
	"restore the data into it (etcdctl snapshot restore, then etcdctl make-mirror)."

/* sched_reseed_run.c: the reseed itself (SAFETY.md section 4) */
struct status_data;
int sched_reseed_start(struct sched *s, const char *reason, char *err, size_t errlen);
void sched_reseed_stop(struct sched *s);
/* On becoming leader (store loaded): the newest unfinished reseed/<id>
 * record is taken over (sched_reseeding() is true from then on); it
 * resumes from sched_reseed_kick once subscribed. */
void sched_reseed_load(struct sched *s);
void sched_reseed_kick(struct sched *s);
bool sched_reseeding(void);
const char *sched_reseed_id(void);
const char *sched_reseed_step(void);
/* Why the reseed is stuck (one line), or NULL. */
const char *sched_reseed_why(void);
void sched_reseed_message(struct sched *s, const char *executor_id, const void *data,
			  size_t len);
void sched_reseed_status(struct sched *s, const char *task_id, bool terminal,
			 const struct status_data *sd);

/* sched_original.c: moving over from the original etcd-mesos (SAFETY.md
 * section 9). _reconcile at reconciliation start; _status for a status
 * of one of the original's tasks that is not in the registry; _pending
 * while its tasks are unanswered or being recorded (the planner waits);
 * _world sets the world's hold/adopt_foreign (and may finish the move);
 * the rest feed /stats, /membership and ctl. */
void sched_original_reconcile(struct sched *s);
void sched_original_stop(struct sched *s);
bool sched_original_pending(void);
void sched_original_status(struct sched *s, const char *id, const char *agent_id,
			   const char *sname, bool terminal);
void sched_original_world(struct sched *s, struct plan_world *w);
const char *sched_original_state(void);     /* NULL: nothing of the original */
const char *sched_original_next(void);
const char *sched_original_version(const char *task_id);   /* NULL: not known */

/* sched_health.c */
void sched_health_start(struct sched *s);
void sched_health_stop(struct sched *s);
int sched_etcd_ensure(struct sched *s);
/* The client URL to send cluster-wide etcd calls to (leader first). */
const char *sched_etcd_endpoint(struct sched *s, char *buf, size_t len);
/* Refreshes s->etcd_list; then re-plans. */
void sched_etcd_relist(struct sched *s);
/* True while agent_id is quarantined: a member on it was judged dead from
 * etcd (not from Mesos) in the last max(30 s, 3 x -member-timeout); its
 * offers do not fit, so the replacement goes to another agent. */
bool sched_agent_suspect(struct sched *s, const char *agent_id);

#endif
