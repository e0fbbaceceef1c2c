/*
 * sched_reseed_int — the reseed's state, shared by sched_reseed_run.c
 * (the steps) and sched_reseed_record.c (the reseed/<id> record in
 * ZooKeeper: its JSON both ways, and picking the record to resume).
 *
 * One reseed at a time per process: the state is one static struct
 * (rs_state), owned by sched_reseed_run.c. Names point into it (tried[]
 * holds member names copied into the struct), so nothing is freed.
 *
 * Steps, as recorded in reseed/<id> "step" (each written before the action
 * it announces; a new leader resumes from the last one written):
 *   decided   members listed; fences not sent yet
 *   fence     some fence answers recorded (members[].fenced)
 *   ranked    a candidate chosen and added to "tried"; its force may
 *             have been sent (the executor does a force once per id)
 *   refence   the candidate failed; it is being fenced again before the
 *             next one is tried
 *   healthy   the forced candidate serves as a one-member cluster: the
 *             others are killed and marked DEAD
 *   done      survivor recorded; the planner grows the cluster back
 *   stuck     no candidate left: nothing is killed, a human decides
 * Errors: functions return 0 or a negative errno (-EPROTO for a record
 * that does not decode, err says which field).
 */
#ifndef EM_CMD_SCHEDULER_SCHED_RESEED_INT_H
#define EM_CMD_SCHEDULER_SCHED_RESEED_INT_H

#include "cluster/fw_message.h"
#include "cluster/health.h"
#include "cluster/ident.h"
#include "cluster/task_id.h"
#include "ev/ev.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_MAX HEALTH_MAX_MEMBERS

enum rs_step { RS_IDLE = 0, RS_FENCE, RS_FORCE, RS_REFENCE, RS_GROW, RS_STUCK };

struct rs_member {
	char task_id[TASK_ID_MAX + 1];
	char agent_id[TASK_ID_MAX + 1];
	char name[IDENT_NAME_MAX + 1];
	bool fenced;
	bool answered;           /* the executor answered the fence */
	bool killed;             /* a Mesos kill was sent */
	unsigned kills;          /* kills sent by this process (not recorded) */
	struct fw_fence_answer ans;
};

struct rs_state {
	enum rs_step step;
	bool resume_pending;     /* restored from ZooKeeper, waiting for Mesos */
	bool resumed;            /* this process took it over from a record */
	char id[IDENT_TOKEN_MAX + 1];
	char reason[160];
	char last_step[16];      /* the last step name recorded */
	struct rs_member m[RS_MAX];
	size_t n;
	int chosen;              /* index in m, -1 none */
	char tried[RS_MAX][IDENT_NAME_MAX + 1];
	size_t n_tried;
	uint64_t highest_index;  /* before the fence */
	uint64_t decided_ms;
	struct ev_timer timer;
	bool timer_ready;
	unsigned pending_puts;   /* DEAD/RUNNING writes of the grow step */
	unsigned gone_polls;     /* checks for the others' confirmed ends */
};

extern struct rs_state rs_state;

/* The record of *r as JSON text with step as its "step" and now_ms as
 * its "updated_ms" (malloc'd, NUL-terminated; the caller frees it with
 * free()). NULL: no memory. */
char *rs_record_encode(const struct rs_state *r, const char *step, uint64_t now_ms);

/* Fills *r's id, reason, members, candidate (chosen), tried and highest
 * index from a record (its timer and step are left alone). Returns 0,
 * -EPROTO (err names the field), or -ENOMEM. The step found goes to
 * step_out (one of the names above; the older names "fenced" and "force"
 * read as "fence" and "ranked"; records of earlier builds without
 * "tried" or "answered" read as if the candidate was tried and a member
 * with data answered). */
int rs_record_decode(struct rs_state *r, const char *id, const char *json, size_t len,
		     char *step_out, size_t step_len, char *err, size_t errlen);

/* True for a record step that ends a reseed ("done", "stuck"). */
bool rs_step_final(const char *step);

#endif
