/*
 * member_config — everything one etcd member needs, as the scheduler
 * sends it to the executor in TaskInfo.data (SAFETY.md §5).
 *
 * The wire form is one JSON object, version "v": 1:
 *
 *   {"v":1, "name":"etcd-3", "cluster_token":"etcd-mesos-<framework id>",
 *    "host":"10.0.0.5", "peer_port":31000, "client_port":31001,
 *    "initial_cluster":[{"name":"etcd-1","peer_url":"http://10.0.0.3:31000"},
 *                       ...],
 *    "initial_state":"new"|"existing", "learner":false,
 *    "data_dir":"etcd_data", "data_dir_on_volume":false,
 *    "listen_address":"",                  optional, "" = all addresses
 *    "member_id":"11561155051665864670",   optional, once known
 *    "reseed_id":"...",                    optional
 *    "etcd":{"heartbeat_interval_ms":100, "election_timeout_ms":1000,
 *            "quota_backend_bytes":..., "snapshot_count":...,
 *            "max_request_bytes":..., "auto_compaction_mode":"periodic",
 *            "auto_compaction_retention":"1h"},           optional
 *    "tls":{"cert_file":..., "key_file":..., "trusted_ca_file":...,
 *           "client_cert_auth":false, "peer_cert_file":..., "peer_key_file":...,
 *           "peer_trusted_ca_file":..., "peer_client_cert_auth":false}}  optional
 *
 * Compatibility rules: unknown fields are ignored (a newer scheduler may
 * add optional ones without a version bump); a higher major "v" makes
 * decoding fail with exactly MEMBER_CONFIG_TOO_NEW, which the executor
 * sends as TASK_FAILED's message. A missing required field or an invalid
 * value fails with one line naming the field and the value.
 *
 * Every string is checked with cluster/ident.h, so nothing in a valid
 * configuration can mean anything to a shell. Listening: etcd listens on
 * all addresses (0.0.0.0, or [::] when host is an IPv6 literal) unless
 * listen_address names one IP; it advertises host (SAFETY.md §7).
 *
 * Storage: fixed-size fields, no heap, so the struct may be copied and
 * needs no finish call. All functions are pure and may run anywhere.
 */
#ifndef EM_CLUSTER_MEMBER_CONFIG_H
#define EM_CLUSTER_MEMBER_CONFIG_H

#include "cluster/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define MEMBER_CONFIG_V 1
#define MEMBER_CONFIG_TOO_NEW \
	"executor too old for this scheduler: upgrade the executor URI"
#define MEMBER_CONFIG_MAX_BYTES (64 * 1024)  /* decode refuses more */
#define MEMBER_MAX_PEERS 15                  /* 7 voters + learners + slack */
#define MEMBER_DEFAULT_DATA_DIR "etcd_data"

/* etcd 3.4's defaults and limits, used in validation. */
#define ETCD_DEFAULT_HEARTBEAT_MS 100
#define ETCD_DEFAULT_ELECTION_MS 1000
#define ETCD_MAX_ELECTION_MS 50000
#define ETCD_MAX_QUOTA_BYTES (8ULL << 30)    /* etcd's suggested maximum */
#define ETCD_MAX_REQUEST_BYTES (1ULL << 30)

enum member_initial_state { MEMBER_INITIAL_NEW = 0, MEMBER_INITIAL_EXISTING };

enum member_compaction {
	MEMBER_COMPACTION_DEFAULT = 0,  /* flag not passed */
	MEMBER_COMPACTION_PERIODIC,
	MEMBER_COMPACTION_REVISION,
};

struct member_peer {
	char name[IDENT_NAME_MAX + 1];
	char peer_url[IDENT_URL_MAX + 1];
};

/* Extra etcd flags the scheduler may set; 0 / "" = leave etcd's default. */
struct member_etcd_flags {
	uint64_t heartbeat_interval_ms;   /* --heartbeat-interval */
	uint64_t election_timeout_ms;     /* --election-timeout, >= 5 x heartbeat */
	uint64_t quota_backend_bytes;     /* --quota-backend-bytes */
	uint64_t snapshot_count;          /* --snapshot-count */
	uint64_t max_request_bytes;       /* --max-request-bytes */
	enum member_compaction auto_compaction_mode;
	char auto_compaction_retention[32];  /* "1h", "30m", "1000"; needs a mode */
};

/* Paths as etcd must see them (absolute, or relative to the sandbox). */
struct member_tls {
	char cert_file[IDENT_PATH_MAX + 1];   /* client port; with key_file → https */
	char key_file[IDENT_PATH_MAX + 1];
	char trusted_ca_file[IDENT_PATH_MAX + 1];
	bool client_cert_auth;                /* needs trusted_ca_file */
	char peer_cert_file[IDENT_PATH_MAX + 1];  /* with peer_key_file → https peers */
	char peer_key_file[IDENT_PATH_MAX + 1];
	char peer_trusted_ca_file[IDENT_PATH_MAX + 1];
	bool peer_client_cert_auth;           /* needs peer_trusted_ca_file */
};

struct member_config {
	int v;                                   /* major version read; 1 */
	char name[IDENT_NAME_MAX + 1];
	char cluster_token[IDENT_TOKEN_MAX + 1];
	char host[IDENT_HOST_MAX + 1];           /* advertised */
	char listen_address[46];                 /* "" = all addresses */
	uint16_t peer_port;
	uint16_t client_port;
	struct member_peer initial_cluster[MEMBER_MAX_PEERS];
	size_t n_initial_cluster;
	enum member_initial_state initial_state;
	bool learner;
	char data_dir[IDENT_PATH_MAX + 1];
	bool data_dir_on_volume;                 /* false: relative, in the sandbox */
	uint64_t member_id;                      /* from member add; 0 = not known
						  * yet (initial members) */
	char reseed_id[IDENT_TOKEN_MAX + 1];     /* the reseed this launch grows
						  * back from; "" = none. It never
						  * means --force-new-cluster: that
						  * only comes with the "force"
						  * framework message */
	struct member_etcd_flags etcd;
	struct member_tls tls;
};

/* Zeroes mc and sets v, the default data dir and initial state "new". */
void member_config_init(struct member_config *mc);

/* Appends a peer. Returns 0, -EINVAL (invalid name or URL; validate
 * says which) or -ENOSPC (more than MEMBER_MAX_PEERS). */
int member_config_add_peer(struct member_config *mc, const char *name,
			   const char *peer_url);

/* Checks every rule in the header comment, plus: the initial cluster
 * lists this member's own name with exactly its own peer URL, names are
 * unique, TLS files come in cert/key pairs. Returns 0 or -EINVAL with one
 * line in err (starting "task data: "). */
int member_config_validate(const struct member_config *mc, char *err,
			   size_t errlen);

/* Validates, then appends the JSON to out. Returns 0, -EINVAL (err) or
 * -ENOMEM. */
int member_config_encode(const struct member_config *mc, struct buf *out,
			 char *err, size_t errlen);

/* Decodes len bytes of TaskInfo.data (not NUL-terminated). Returns 0,
 * -EINVAL / -E2BIG (err names the field and value), -ENOTSUP (err is
 * exactly MEMBER_CONFIG_TOO_NEW) or -ENOMEM. mc is undefined on error. */
int member_config_decode(struct member_config *mc, const void *data,
			 size_t len, char *err, size_t errlen);

/* URLs built from host and ports ("http://10.0.0.5:31000", https when
 * the matching TLS pair is set; IPv6 in brackets). 0 or -ENAMETOOLONG. */
int member_config_peer_url(const struct member_config *mc, char *out,
			   size_t outlen);
int member_config_client_url(const struct member_config *mc, char *out,
			     size_t outlen);
bool member_config_peer_tls(const struct member_config *mc);
bool member_config_client_tls(const struct member_config *mc);

/* The address etcd listens on: listen_address, else "0.0.0.0", or "::"
 * when host is an IPv6 literal. */
const char *member_config_listen_ip(const struct member_config *mc);

#endif
