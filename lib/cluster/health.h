/*
 * health — the health verdict of an etcd cluster and the "member judged
 * dead" rule, as pure functions of status samples and time (DESIGN.md
 * principle 6).
 *
 * The caller (the scheduler's prober) asks every expected member for
 * maintenance/status at a fixed interval, records one struct health_sample
 * per member per round (reachable or not), runs a linearizable read or
 * write now and then and records its outcome in the sample of the member
 * it was sent to, and keeps each member's series for at least
 * max(window_ms, member_timeout_ms). health_judge() reads those series and
 * returns one verdict, a one-line reason for the log, and per-member facts.
 *
 * Verdicts, in the order they are checked (the first that holds wins):
 *   SPLIT        reachable members report different cluster ids, two
 *                different leaders in the same raft term, or two different
 *                leaders that neither side gave up over the whole window:
 *                two clusters may be taking writes; never reseed or remove.
 *   QUORUM_LOST  fewer than quorum(N) = N/2+1 voters reachable.
 *   NO_LEADER    no reachable member names a leader in its latest sample.
 *   QUORUM_LOST  the latest linearizable probe in the window failed.
 *   UNSTABLE     the leader changed or the raft term moved within the
 *                window (an election happened), members name different
 *                leaders, or fewer than quorum(N) voters follow the leader.
 *   UNKNOWN      no sample at all in the window, or no linearizable probe
 *                in the window (so quorum is unproven).
 *   HEALTHY      a quorum of voters reachable, all naming one leader, a
 *                stable term over the window, and the latest probe in the
 *                window succeeded. An idle cluster whose raft index does
 *                not move is healthy: the index is never required to grow.
 * "Reachable" means the member's latest sample is reachable and at most
 * fresh_ms old; the window is (now - window_ms, now].
 * NO_LEADER and QUORUM_LOST both mean no write can commit now; whether it
 * lasts long enough to act on (-reseed-timeout) is the planner's business.
 *
 * The dead rule (node-loss issue): a member counts as dead when for
 * member_timeout_ms it has been unreachable from us while we reached a
 * quorum of the others, or the others reported it unreachable. Precisely,
 * each sample of the member, in time order, "counts as down" when at its
 * time t we reach (fresh, reachable latest sample) a strict majority of
 * the other expected voters, and either
 *   - the member's sample is unreachable, or
 *   - the member answered us but its links to a majority of the other
 *     voters are down: it is cut off from its peers. A link is down when
 *     either end reports the other unreachable (peer_down bits: the
 *     other's sample for the member, the member's own sample for the
 *     other). Either end is enough because a report of "up" may be stale
 *     while "down" never is: etcd 3.4's active-peers gauge is raised once
 *     more when a member re-creates its peer transports on applying a
 *     snapshot (every member that joined by one), so that member keeps
 *     reporting a peer up after the peer is cut off (chaos seed 2026,
 *     fault 73); the other end of the link still says so. (The scheduler
 *     also follows each gauge over time, etcd_metrics.h, which catches
 *     the fall; the rule here holds even for a first answer.)
 * Anything else breaks the run, in particular reaching only a minority of
 * the others or nobody (we may be the one cut off): nothing is judged.
 * An unreachable sample that one of the others we reach reports reachable
 * (peer_up bit) still counts as down but is "vetoed": we may be the only
 * one who cannot reach it.
 * The member is dead when its latest sample is fresh (now - t <= fresh_ms)
 * and counts as down, the unbroken run of such samples spans at least
 * member_timeout_ms (latest sample time - first sample time of the run),
 * and no sample of the run within fresh_ms of the latest was vetoed. So
 * a member cut off from everybody is dead member_timeout_ms after the cut
 * even though its peers, which notice a silent peer only after their
 * stream times out (about 5 s in etcd 3.4), still report it up at first;
 * and a member only we cannot reach, its peers still seeing it, never is.
 * A slow member that still answers (and that no peer reports) is never
 * dead.
 *
 * Cost: about members^2 x samples x log(samples) per call; keep each
 * series to max(window_ms, member_timeout_ms) plus a few samples (older
 * samples only matter for last_seen_ms).
 *
 * Ownership: the caller owns every input (series, samples, names) and the
 * report; nothing is allocated and nothing is kept between calls. The
 * report holds no pointer into the input except facts[i].name.
 *
 * Errors: health_judge returns 0, or -EINVAL for a config or input it
 * cannot use (NULL, cluster_size 0, more than HEALTH_MAX_MEMBERS series,
 * samples not in time order, non-positive window/timeout/freshness); then
 * the report says UNKNOWN with the reason.
 */
#ifndef EM_CLUSTER_HEALTH_H
#define EM_CLUSTER_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Enough for 7 voters, one learner and stale records being cleaned up.
 * Also the width of the peer_up/peer_down masks. */
#define HEALTH_MAX_MEMBERS 16

enum health_verdict {
	HEALTH_UNKNOWN = 0,
	HEALTH_HEALTHY,
	HEALTH_NO_LEADER,
	HEALTH_UNSTABLE,
	HEALTH_SPLIT,
	HEALTH_QUORUM_LOST,
};

enum health_probe {
	HEALTH_PROBE_NONE = 0,   /* no linearizable probe with this sample */
	HEALTH_PROBE_OK,         /* a linearizable read or write succeeded */
	HEALTH_PROBE_FAILED,     /* it failed or timed out */
};

/* One status sample of one member. Status fields mean something only when
 * reachable. Times are milliseconds on one monotonic clock. */
struct health_sample {
	int64_t t_ms;
	bool reachable;              /* maintenance/status answered in time */
	uint64_t cluster_id;         /* header.cluster_id */
	uint64_t member_id;          /* header.member_id */
	uint64_t leader;             /* 0 = knows no leader */
	uint64_t raft_term;
	uint64_t raft_index;
	uint64_t raft_applied_index;
	bool is_learner;
	enum health_probe probe;
	/* What this member says about its peers (bit i = series i of the
	 * input), when the caller knows it (executor reports, etcd peer
	 * metrics). Both 0 = no opinion. */
	uint16_t peer_up;
	uint16_t peer_down;
};

/* The samples of one expected member, oldest first. */
struct health_series {
	const char *name;            /* for reasons and facts; may be NULL */
	uint64_t member_id;          /* expected etcd id; 0 = not known yet */
	bool learner;                /* a learner: not counted for quorum */
	const struct health_sample *samples;
	size_t n_samples;
};

struct health_config {
	int64_t window_ms;           /* verdict window, e.g. 10000 */
	int64_t member_timeout_ms;   /* dead rule, e.g. 10000 */
	int64_t fresh_ms;            /* a sample speaks for its member this long
				      * after it was taken (about two probe
				      * intervals), e.g. 2500 */
	uint64_t lag_entries;        /* lagging when this far behind the highest
				      * raft index seen, e.g. 1000 */
};

/* Sensible defaults: 10 s window and timeout, 2.5 s freshness, 1000 entries. */
void health_config_default(struct health_config *cfg);

struct health_fact {
	const char *name;            /* the series' name (input pointer) */
	uint64_t member_id;          /* from its latest reachable sample, else
				      * the expected id */
	bool reachable;              /* latest sample fresh and reachable */
	bool is_leader;              /* the agreed leader */
	bool is_learner;
	uint64_t raft_term;          /* from the latest reachable sample in window */
	uint64_t raft_index;
	uint64_t raft_applied_index;
	bool lagging;                /* applied index lag_entries or more behind */
	bool dead;                   /* judged dead by the rule above */
	int64_t down_ms;             /* length of the current unbroken down run, 0 if none */
	int64_t last_seen_ms;        /* time of the last reachable sample; -1 never */
};

struct health_report {
	enum health_verdict verdict;
	char reason[200];            /* one line, no trailing newline */
	uint64_t cluster_id;         /* agreed cluster id, 0 if none */
	uint64_t leader;             /* agreed leader, 0 if none */
	uint64_t raft_term;          /* highest term among reachable voters */
	unsigned reachable_voters;
	unsigned quorum;             /* quorum(N) = N/2 + 1 */
	size_t n_facts;              /* = number of series */
	struct health_fact facts[HEALTH_MAX_MEMBERS];
};

int health_judge(const struct health_config *cfg, int64_t now_ms,
		 unsigned cluster_size, const struct health_series *series,
		 size_t n_series, struct health_report *out);

/* "healthy", "no leader", "leader unstable", "split", "quorum lost",
 * "unknown". */
const char *health_verdict_name(enum health_verdict v);

#endif
