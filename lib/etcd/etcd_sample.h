/*
 * etcd_sample — one round of the scheduler's health sampling, feeding
 * cluster/health.h: maintenance/status of every expected member in
 * parallel (each pinned to its own client URL), then one linearizable
 * probe — a range of one key without `serializable`, which needs a quorum
 * — pinned to the member the reachable members name as leader (if it
 * answered), else to the first reachable voter. Its outcome goes into that
 * member's sample (HEALTH_PROBE_OK / _FAILED); when no voter answered,
 * no probe is sent (HEALTH_PROBE_NONE) and the verdict follows from
 * reachability alone.
 *
 * A round costs at most status_timeout_ms + probe_timeout_ms.
 *
 * Ownership: targets and options are copied; the round passed to the
 * callback (samples, error texts) is valid during the callback only. The
 * client must outlive the round.
 *
 * Completion: a round that starts (returns 0) ends with exactly one
 * callback, unless etcd_sample_cancel runs first (no callback afterwards;
 * inside the round's own callback it does nothing). The callback may
 * start another round and use the client freely.
 *
 * Errors: etcd_sample_start returns 0, -EINVAL (no targets, more than
 * HEALTH_MAX_MEMBERS, a bad client URL; etcd_client_errmsg says which) or
 * -ENOMEM.
 */
#ifndef EM_ETCD_ETCD_SAMPLE_H
#define EM_ETCD_ETCD_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/health.h"
#include "etcd/etcd_client.h"

struct etcd_sample;

struct etcd_sample_target {
	const char *name;              /* for error texts; may be NULL */
	const char *client_url;        /* where to ask for status */
	bool learner;                  /* expected to be a learner: never probed */
};

struct etcd_sample_opts {
	uint64_t status_timeout_ms;    /* 0 = 1000 */
	uint64_t probe_timeout_ms;     /* 0 = 1000 */
	const char *probe_key;         /* NULL = "etcd-mesos/health-probe" */
};

struct etcd_sample_round {
	int64_t t_ms;                  /* ev_now_ms when the round started */
	size_t n;
	/* samples[i] is target i; t_ms set, reachable and status fields from
	 * maintenance/status, probe on the probed member only. */
	const struct health_sample *samples;
	const char *const *errors;     /* errors[i]: "" or why target i failed */
	int probe_target;              /* index probed, or -1 */
	int probe_err;                 /* 0 or the probe's error */
	const char *probe_errmsg;      /* "" or one line */
	uint64_t elapsed_ms;
};

typedef void (*etcd_sample_fn)(struct etcd_sample *s, const struct etcd_sample_round *r,
			       void *arg);

int etcd_sample_start(struct etcd_client *c, const struct etcd_sample_target *t,
		      size_t n, const struct etcd_sample_opts *o,
		      etcd_sample_fn fn, void *arg, struct etcd_sample **out);
/* Accepts NULL. */
void etcd_sample_cancel(struct etcd_sample *s);

#endif
