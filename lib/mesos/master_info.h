/*
 * master_info — the pure half of finding the leading Mesos master in
 * ZooKeeper (PROTOCOLS.md D.2, D.3): which child of the masters' path
 * leads, and where that master listens, from its JSON MasterInfo.
 * No I/O, no logging, no state; callable anywhere.
 *
 * Children: "<label>_<sequence>" where the sequence is ZooKeeper's
 * 10-digit counter. Masters are "json.info_N" (JSON MasterInfo, what
 * every Mesos with the v1 HTTP API writes), "info_N" (protobuf MasterInfo,
 * Mesos before 0.24) and a bare "N" (a libprocess UPID, older still).
 * Anything else ("log_replicas", ...) is not a master. The leader is the
 * master child with the lowest sequence, whatever its label.
 */
#ifndef EM_MESOS_MASTER_INFO_H
#define EM_MESOS_MASTER_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "net/url.h"

enum master_node_kind {
	MASTER_NODE_NONE = 0,     /* not a master node */
	MASTER_NODE_JSON,         /* json.info_N */
	MASTER_NODE_PROTOBUF,     /* info_N: too old for the v1 API */
	MASTER_NODE_UPID,         /* N: too old for the v1 API */
};

/* Kind of one child name; *seq gets its sequence for master nodes. */
enum master_node_kind master_node_kind(const char *name, int64_t *seq);

/* Index of the leader among names, or -1 when no child is a master.
 * *kind (if non-NULL) gets the leader's kind. */
int master_pick_leader(const char *const *names, size_t n, enum master_node_kind *kind);

struct master_addr {
	char host[URL_MAX_HOST];  /* numeric address when the JSON has one */
	char name[URL_MAX_HOST];  /* address.hostname, else hostname, else host:
				   * the name to verify with TLS */
	uint16_t port;
	char id[128];             /* MasterInfo.id, "" if absent */
	char version[32];         /* "1.12.0", "" if absent */
};

/* Parses a JSON MasterInfo (Mesos' own JSON mapping): host from
 * address.ip, else address.hostname, else hostname; port from
 * address.port, else port. 0, or -EINVAL with one line in err (the JSON
 * is not an object, or holds no usable host or port), or -ENOMEM. */
int master_info_parse_json(const char *data, size_t len, struct master_addr *out,
			   char *err, size_t errlen);

#endif
