/*
 * etcd_metrics — what one etcd 3.4 member says about its peers, read from
 * its Prometheus text at GET /metrics on the client URL. Pure code: no
 * I/O, no global state, no allocation.
 *
 * Why this metric: etcd 3.4 has no API that reports a peer's health; the
 * v3 maintenance/status speaks of the member itself only, and the v2
 * stats are off with the v2 API. What it exports is the gauge
 *   etcd_network_active_peers{Local="<hex id>",Remote="<hex id>"} 1|0
 * which rafthttp sets to 1 when a peer's stream connects (peerStatus.
 * activate) and to 0 when it fails (deactivate): when a peer is killed,
 * at once (the connection resets); when its packets are dropped, after
 * the stream's 5 s read timeout (ConnReadTimeout); measured about 5.3 s
 * on etcd 3.4.23. A member never connected to a peer has no line for it
 * (no opinion). A 0 is always true; a 1 may not be: a member that applies
 * a snapshot (every member that joined by one) stops and re-creates its
 * peer transports without lowering the gauge, which then reads 1 (or 2)
 * for a peer cut off since (seen on 3.4.23: "removing old peers from
 * network", then "peer became active" twice). Two answers: judge a link by
 * both ends (cluster/health.h), and follow the gauge over time
 * (etcd_peers_follow): every real change still moves it by one, so a fall
 * means the peer went inactive whatever the level. The process's
 * process_start_time_seconds (Prometheus' process collector) tells one
 * etcd process from the next, whose gauges start again from nothing.
 * etcd_network_peer_round_trip_time_seconds is no use here: it is a
 * histogram observed every 30 s whether the peer answers or not.
 *
 * Ownership: the caller owns the text and the result (a flat struct).
 * Errors: etcd_peers_parse returns 0 (also for text with no such line:
 * n = 0), -EINVAL for NULL arguments, -EPROTO for a matching line it
 * cannot read (a label that is not a hex id, a missing value); err gets
 * one line naming it. Lines past ETCD_PEERS_MAX are ignored (truncated).
 * May run inside any callback.
 */
#ifndef EM_ETCD_ETCD_METRICS_H
#define EM_ETCD_ETCD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETCD_PATH_METRICS "/metrics"
#define ETCD_PEERS_MAX 32

struct etcd_peer_view {
	uint64_t id;                   /* Remote member id */
	bool active;                   /* gauge value >= 0.5, or as followed */
	double value;                  /* the gauge's value */
};

struct etcd_peers {
	uint64_t local;                /* Local label of the lines (0 if none) */
	double process_start;          /* process_start_time_seconds, 0 if none */
	size_t n;
	bool truncated;
	struct etcd_peer_view peer[ETCD_PEERS_MAX];
};

int etcd_peers_parse(const char *text, size_t len, struct etcd_peers *out, char *err,
		     size_t errlen);
/* Follows the gauges from prev to cur, two answers of the same member:
 * when both come from one etcd process (same Local and the same nonzero
 * process start), a peer whose gauge fell since prev is inactive, one
 * whose gauge rose is active, one whose gauge stayed keeps prev's verdict;
 * a peer new in cur, or any peer when prev is NULL or from another
 * process, keeps cur's own reading (value >= 0.5). Rewrites cur's active
 * flags only. */
void etcd_peers_follow(const struct etcd_peers *prev, struct etcd_peers *cur);
/* The view of peer id, or NULL. */
const struct etcd_peer_view *etcd_peers_find(const struct etcd_peers *p, uint64_t id);

#endif
