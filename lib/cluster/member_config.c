#include "cluster/member_config.h"

#include "base/buf.h"
#include "base/strutil.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WHAT "task data"

#define NAME_RULE  "must be [a-z0-9-], 1..63 characters, starting with a letter or digit"
#define TOKEN_RULE "must be [A-Za-z0-9._-], 1..128 characters, starting with a letter or digit"
#define HOST_RULE  "must be an IP address or a DNS name"
#define IP_RULE    "must be an IP address (etcd listens on IP addresses only)"
#define PATH_RULE  "must be a path of [A-Za-z0-9._/+@:-] with no \"..\" or empty component"
#define URL_RULE   "must be http://host:port or https://host:port"
#define PORT_RULE  "must be a port number 1..65535"

static const char *const initial_state_names[] = { "new", "existing" };
static const char *const compaction_names[] = { NULL, "periodic", "revision" };

void member_config_init(struct member_config *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->v = MEMBER_CONFIG_V;
	mc->initial_state = MEMBER_INITIAL_NEW;
	str_copy(mc->data_dir, MEMBER_DEFAULT_DATA_DIR, sizeof(mc->data_dir));
}

int member_config_add_peer(struct member_config *mc, const char *name,
			   const char *peer_url)
{
	struct member_peer *p;

	if (!ident_is_member_name(name) || ident_parse_url(peer_url, NULL) < 0)
		return -EINVAL;
	if (mc->n_initial_cluster >= MEMBER_MAX_PEERS)
		return -ENOSPC;
	p = &mc->initial_cluster[mc->n_initial_cluster++];
	str_copy(p->name, name, sizeof(p->name));
	str_copy(p->peer_url, peer_url, sizeof(p->peer_url));
	return 0;
}

bool member_config_peer_tls(const struct member_config *mc)
{
	return mc->tls.peer_cert_file[0] && mc->tls.peer_key_file[0];
}

bool member_config_client_tls(const struct member_config *mc)
{
	return mc->tls.cert_file[0] && mc->tls.key_file[0];
}

int member_config_peer_url(const struct member_config *mc, char *out,
			   size_t outlen)
{
	return ident_format_url(out, outlen, member_config_peer_tls(mc),
				mc->host, mc->peer_port);
}

int member_config_client_url(const struct member_config *mc, char *out,
			     size_t outlen)
{
	return ident_format_url(out, outlen, member_config_client_tls(mc),
				mc->host, mc->client_port);
}

const char *member_config_listen_ip(const struct member_config *mc)
{
	int fam = 0;
	if (mc->listen_address[0])
		return mc->listen_address;
	if (ident_is_ip(mc->host, &fam) && fam == 6)
		return "::";
	return "0.0.0.0";
}

/* ---- validation ---- */

static int check_str(struct jr *r, const char *key, const char *v, bool optional,
		     bool (*valid)(const char *), const char *rule)
{
	if (optional && !v[0])
		return 0;
	if (!v[0]) {
		jr_errorf(r, "field \"%s%s\" is missing", r->prefix, key);
		return -EINVAL;
	}
	if (!valid(v)) {
		jr_str_error(r, key, v, rule);
		return -EINVAL;
	}
	return 0;
}

static int check_peers(struct jr *r, const struct member_config *mc)
{
	char own[IDENT_URL_MAX + 1];
	bool found = false;

	if (mc->n_initial_cluster == 0) {
		jr_errorf(r, "field \"initial_cluster\" is empty; it must list at least this member");
		return -EINVAL;
	}
	if (mc->n_initial_cluster > MEMBER_MAX_PEERS) {
		jr_num_error(r, "initial_cluster", mc->n_initial_cluster,
			     "too many members (at most 15)");
		return -EINVAL;
	}
	if (member_config_peer_url(mc, own, sizeof(own)) < 0) {
		jr_str_error(r, "host", mc->host, "too long for a URL");
		return -EINVAL;
	}
	for (size_t i = 0; i < mc->n_initial_cluster; i++) {
		const struct member_peer *p = &mc->initial_cluster[i];
		struct ident_url u;
		char canon[IDENT_URL_MAX + 1];

		jr_set_prefix(r, "initial_cluster[%zu].", i);
		if (check_str(r, "name", p->name, false, ident_is_member_name, NAME_RULE) < 0)
			return -EINVAL;
		if (!p->peer_url[0]) {
			jr_errorf(r, "field \"%speer_url\" is missing", r->prefix);
			return -EINVAL;
		}
		if (ident_parse_url(p->peer_url, &u) < 0) {
			jr_str_error(r, "peer_url", p->peer_url, URL_RULE);
			return -EINVAL;
		}
		ident_format_url(canon, sizeof(canon), u.tls, u.host, u.port);
		for (size_t j = 0; j < i; j++) {
			struct ident_url o;
			if (strcmp(mc->initial_cluster[j].name, p->name) == 0) {
				jr_str_error(r, "name", p->name,
					     "listed twice in the initial cluster");
				return -EINVAL;
			}
			if (ident_parse_url(mc->initial_cluster[j].peer_url, &o) == 0 &&
			    o.port == u.port && strcasecmp(o.host, u.host) == 0) {
				jr_str_error(r, "peer_url", p->peer_url,
					     "listed twice in the initial cluster");
				return -EINVAL;
			}
		}
		if (strcmp(p->name, mc->name) == 0) {
			found = true;
			if (strcasecmp(canon, own) != 0) {
				char why[IDENT_URL_MAX + 96];
				snprintf(why, sizeof(why),
					 "this member's own entry must be its peer URL %s", own);
				jr_str_error(r, "peer_url", p->peer_url, why);
				return -EINVAL;
			}
		}
	}
	r->prefix[0] = '\0';
	if (!found) {
		jr_str_error(r, "initial_cluster", mc->name,
			     "this member's name is not in the initial cluster");
		return -EINVAL;
	}
	return 0;
}

static bool retention_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || *s == '.'))
			return false;
	return true;
}

static int check_etcd_flags(struct jr *r, const struct member_etcd_flags *f)
{
	uint64_t hb = f->heartbeat_interval_ms ? f->heartbeat_interval_ms
					       : ETCD_DEFAULT_HEARTBEAT_MS;
	uint64_t el = f->election_timeout_ms ? f->election_timeout_ms
					     : ETCD_DEFAULT_ELECTION_MS;

	jr_set_prefix(r, "etcd.");
	if (f->heartbeat_interval_ms > ETCD_MAX_ELECTION_MS / 5) {
		jr_num_error(r, "heartbeat_interval_ms", f->heartbeat_interval_ms,
			     "must be 1..10000 (milliseconds)");
		return -EINVAL;
	}
	if (el > ETCD_MAX_ELECTION_MS) {
		jr_num_error(r, "election_timeout_ms", el,
			     "must be at most 50000 (etcd refuses more)");
		return -EINVAL;
	}
	if (el < 5 * hb) {
		char why[96];
		snprintf(why, sizeof(why),
			 "must be at least 5 times the heartbeat interval (%llu ms)",
			 (unsigned long long)hb);
		jr_num_error(r, "election_timeout_ms", el, why);
		return -EINVAL;
	}
	if (f->quota_backend_bytes > ETCD_MAX_QUOTA_BYTES) {
		jr_num_error(r, "quota_backend_bytes", f->quota_backend_bytes,
			     "must be at most 8589934592 (8 GiB, etcd's suggested maximum)");
		return -EINVAL;
	}
	if (f->max_request_bytes > ETCD_MAX_REQUEST_BYTES) {
		jr_num_error(r, "max_request_bytes", f->max_request_bytes,
			     "must be at most 1073741824 (1 GiB)");
		return -EINVAL;
	}
	if (f->auto_compaction_mode > MEMBER_COMPACTION_REVISION) {
		jr_num_error(r, "auto_compaction_mode", (unsigned)f->auto_compaction_mode,
			     "must be \"periodic\" or \"revision\"");
		return -EINVAL;
	}
	if (f->auto_compaction_retention[0]) {
		const char *s = f->auto_compaction_retention;
		int64_t ms;
		uint64_t n;
		bool ok = retention_chars_ok(s);
		if (f->auto_compaction_mode == MEMBER_COMPACTION_DEFAULT) {
			jr_str_error(r, "auto_compaction_retention", s,
				     "needs \"auto_compaction_mode\" (\"periodic\" or \"revision\")");
			return -EINVAL;
		}
		if (f->auto_compaction_mode == MEMBER_COMPACTION_REVISION) {
			if (!ok || parse_uint64(s, &n) < 0 || n == 0) {
				jr_str_error(r, "auto_compaction_retention", s,
					     "must be a number of revisions to keep, e.g. \"1000\"");
				return -EINVAL;
			}
		} else if (!ok || parse_duration_ms(s, &ms) < 0 || ms <= 0) {
			jr_str_error(r, "auto_compaction_retention", s,
				     "must be a duration such as \"1h\" or \"30m\", or a number of hours");
			return -EINVAL;
		}
	}
	r->prefix[0] = '\0';
	return 0;
}

static int check_tls_pair(struct jr *r, const char *cert_key, const char *cert,
			  const char *key_key, const char *key,
			  const char *ca_key, const char *ca,
			  const char *auth_key, bool auth)
{
	if (check_str(r, cert_key, cert, true, ident_is_path, PATH_RULE) < 0 ||
	    check_str(r, key_key, key, true, ident_is_path, PATH_RULE) < 0 ||
	    check_str(r, ca_key, ca, true, ident_is_path, PATH_RULE) < 0)
		return -EINVAL;
	if (cert[0] && !key[0]) {
		jr_errorf(r, "field \"tls.%s\" is missing: \"tls.%s\" needs it", key_key, cert_key);
		return -EINVAL;
	}
	if (key[0] && !cert[0]) {
		jr_errorf(r, "field \"tls.%s\" is missing: \"tls.%s\" needs it", cert_key, key_key);
		return -EINVAL;
	}
	if (ca[0] && !cert[0]) {
		jr_str_error(r, ca_key, ca, "needs a certificate and key as well");
		return -EINVAL;
	}
	if (auth && !ca[0]) {
		jr_errorf(r, "field \"tls.%s\" is missing: \"tls.%s\" needs it", ca_key, auth_key);
		return -EINVAL;
	}
	return 0;
}

int member_config_validate(const struct member_config *mc, char *err,
			   size_t errlen)
{
	struct jr r;
	const struct member_tls *t = &mc->tls;

	jr_init(&r, WHAT, err, errlen);
	if (check_str(&r, "name", mc->name, false, ident_is_member_name, NAME_RULE) < 0 ||
	    check_str(&r, "cluster_token", mc->cluster_token, false, ident_is_token, TOKEN_RULE) < 0 ||
	    check_str(&r, "host", mc->host, false, ident_is_host, HOST_RULE) < 0)
		return -EINVAL;
	if (mc->listen_address[0] && !ident_is_ip(mc->listen_address, NULL)) {
		jr_str_error(&r, "listen_address", mc->listen_address, IP_RULE);
		return -EINVAL;
	}
	if (!ident_is_port(mc->peer_port)) {
		jr_num_error(&r, "peer_port", mc->peer_port, PORT_RULE);
		return -EINVAL;
	}
	if (!ident_is_port(mc->client_port)) {
		jr_num_error(&r, "client_port", mc->client_port, PORT_RULE);
		return -EINVAL;
	}
	if (mc->client_port == mc->peer_port) {
		jr_num_error(&r, "client_port", mc->client_port,
			     "must differ from \"peer_port\"");
		return -EINVAL;
	}
	if (mc->initial_state != MEMBER_INITIAL_NEW &&
	    mc->initial_state != MEMBER_INITIAL_EXISTING) {
		jr_num_error(&r, "initial_state", (unsigned)mc->initial_state,
			     "must be \"new\" or \"existing\"");
		return -EINVAL;
	}
	if (mc->learner && mc->initial_state == MEMBER_INITIAL_NEW) {
		jr_errorf(&r, "field \"learner\": true: a learner joins an existing cluster, "
			  "so \"initial_state\" must be \"existing\"");
		return -EINVAL;
	}
	if (check_str(&r, "data_dir", mc->data_dir, false, ident_is_path, PATH_RULE) < 0)
		return -EINVAL;
	if (!mc->data_dir_on_volume && mc->data_dir[0] == '/') {
		jr_str_error(&r, "data_dir", mc->data_dir,
			     "must be relative to the sandbox unless \"data_dir_on_volume\" is true");
		return -EINVAL;
	}
	if (check_str(&r, "reseed_id", mc->reseed_id, true, ident_is_token, TOKEN_RULE) < 0)
		return -EINVAL;
	if (check_etcd_flags(&r, &mc->etcd) < 0)
		return -EINVAL;
	jr_set_prefix(&r, "tls.");
	if (check_tls_pair(&r, "cert_file", t->cert_file, "key_file", t->key_file,
			   "trusted_ca_file", t->trusted_ca_file,
			   "client_cert_auth", t->client_cert_auth) < 0 ||
	    check_tls_pair(&r, "peer_cert_file", t->peer_cert_file,
			   "peer_key_file", t->peer_key_file,
			   "peer_trusted_ca_file", t->peer_trusted_ca_file,
			   "peer_client_cert_auth", t->peer_client_cert_auth) < 0)
		return -EINVAL;
	r.prefix[0] = '\0';
	return check_peers(&r, mc);
}

/* ---- encoding ---- */

static bool etcd_flags_set(const struct member_etcd_flags *f)
{
	return f->heartbeat_interval_ms || f->election_timeout_ms ||
	       f->quota_backend_bytes || f->snapshot_count || f->max_request_bytes ||
	       f->auto_compaction_mode || f->auto_compaction_retention[0];
}

static bool tls_set(const struct member_tls *t)
{
	return t->cert_file[0] || t->key_file[0] || t->trusted_ca_file[0] ||
	       t->client_cert_auth || t->peer_cert_file[0] || t->peer_key_file[0] ||
	       t->peer_trusted_ca_file[0] || t->peer_client_cert_auth;
}

static int put_opt_str(cJSON *o, const char *key, const char *v)
{
	return v[0] ? jw_str(o, key, v) : 0;
}

static int put_opt_num(cJSON *o, const char *key, uint64_t v)
{
	return v ? jw_int(o, key, (long long)v) : 0;
}

static cJSON *encode_etcd(const struct member_etcd_flags *f)
{
	cJSON *o = cJSON_CreateObject();
	if (!o ||
	    put_opt_num(o, "heartbeat_interval_ms", f->heartbeat_interval_ms) < 0 ||
	    put_opt_num(o, "election_timeout_ms", f->election_timeout_ms) < 0 ||
	    put_opt_num(o, "quota_backend_bytes", f->quota_backend_bytes) < 0 ||
	    put_opt_num(o, "snapshot_count", f->snapshot_count) < 0 ||
	    put_opt_num(o, "max_request_bytes", f->max_request_bytes) < 0 ||
	    (f->auto_compaction_mode &&
	     jw_str(o, "auto_compaction_mode", compaction_names[f->auto_compaction_mode]) < 0) ||
	    put_opt_str(o, "auto_compaction_retention", f->auto_compaction_retention) < 0)
		goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

static cJSON *encode_tls(const struct member_tls *t)
{
	cJSON *o = cJSON_CreateObject();
	if (!o ||
	    put_opt_str(o, "cert_file", t->cert_file) < 0 ||
	    put_opt_str(o, "key_file", t->key_file) < 0 ||
	    put_opt_str(o, "trusted_ca_file", t->trusted_ca_file) < 0 ||
	    (t->client_cert_auth && jw_bool(o, "client_cert_auth", true) < 0) ||
	    put_opt_str(o, "peer_cert_file", t->peer_cert_file) < 0 ||
	    put_opt_str(o, "peer_key_file", t->peer_key_file) < 0 ||
	    put_opt_str(o, "peer_trusted_ca_file", t->peer_trusted_ca_file) < 0 ||
	    (t->peer_client_cert_auth && jw_bool(o, "peer_client_cert_auth", true) < 0))
		goto fail;
	return o;
fail:
	cJSON_Delete(o);
	return NULL;
}

int member_config_encode(const struct member_config *mc, struct buf *out,
			 char *err, size_t errlen)
{
	cJSON *root, *peers, *sub;
	int rc = member_config_validate(mc, err, errlen);

	if (rc < 0)
		return rc;
	root = cJSON_CreateObject();
	if (!root)
		return -ENOMEM;
	if (jw_int(root, "v", MEMBER_CONFIG_V) < 0 ||
	    jw_str(root, "name", mc->name) < 0 ||
	    jw_str(root, "cluster_token", mc->cluster_token) < 0 ||
	    jw_str(root, "host", mc->host) < 0 ||
	    put_opt_str(root, "listen_address", mc->listen_address) < 0 ||
	    jw_int(root, "peer_port", mc->peer_port) < 0 ||
	    jw_int(root, "client_port", mc->client_port) < 0)
		goto nomem;
	peers = cJSON_AddArrayToObject(root, "initial_cluster");
	if (!peers)
		goto nomem;
	for (size_t i = 0; i < mc->n_initial_cluster; i++) {
		cJSON *p = cJSON_CreateObject();
		if (!p)
			goto nomem;
		cJSON_AddItemToArray(peers, p);
		if (jw_str(p, "name", mc->initial_cluster[i].name) < 0 ||
		    jw_str(p, "peer_url", mc->initial_cluster[i].peer_url) < 0)
			goto nomem;
	}
	if (jw_str(root, "initial_state", initial_state_names[mc->initial_state]) < 0 ||
	    jw_bool(root, "learner", mc->learner) < 0 ||
	    jw_str(root, "data_dir", mc->data_dir) < 0 ||
	    jw_bool(root, "data_dir_on_volume", mc->data_dir_on_volume) < 0 ||
	    (mc->member_id && jw_u64(root, "member_id", mc->member_id) < 0) ||
	    put_opt_str(root, "reseed_id", mc->reseed_id) < 0)
		goto nomem;
	if (etcd_flags_set(&mc->etcd)) {
		if (!(sub = encode_etcd(&mc->etcd)))
			goto nomem;
		cJSON_AddItemToObject(root, "etcd", sub);
	}
	if (tls_set(&mc->tls)) {
		if (!(sub = encode_tls(&mc->tls)))
			goto nomem;
		cJSON_AddItemToObject(root, "tls", sub);
	}
	return jw_finish(root, out);
nomem:
	cJSON_Delete(root);
	return -ENOMEM;
}

/* ---- decoding ---- */

static int read_port(struct jr *r, const cJSON *o, const char *key, uint16_t *out)
{
	uint64_t v;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);
	int rc;

	if (item && cJSON_IsNumber(item) &&
	    (item->valuedouble < 1 || item->valuedouble > 65535)) {
		jr_field_error(r, key, item, PORT_RULE);
		return -EINVAL;
	}
	rc = jr_uint(r, o, key, JR_REQUIRED, 1, 65535, &v);
	if (rc < 0)
		return rc;
	*out = (uint16_t)v;
	return 0;
}

static int decode_peers(struct jr *r, const cJSON *arr, struct member_config *mc)
{
	const cJSON *el;
	size_t i = 0;
	int n = cJSON_GetArraySize(arr);

	if (n > MEMBER_MAX_PEERS) {
		jr_errorf(r, "field \"initial_cluster\": %d entries: too many members (at most %d)",
			  n, MEMBER_MAX_PEERS);
		return -EINVAL;
	}
	cJSON_ArrayForEach(el, arr) {
		struct member_peer *p = &mc->initial_cluster[i];
		if (!cJSON_IsObject(el)) {
			char key[32];
			snprintf(key, sizeof(key), "initial_cluster[%zu]", i);
			jr_field_error(r, key, el,
				       "must be an object {\"name\":..., \"peer_url\":...}");
			return -EINVAL;
		}
		jr_set_prefix(r, "initial_cluster[%zu].", i);
		if (jr_str(r, el, "name", JR_REQUIRED, ident_is_member_name, NAME_RULE,
			   p->name, sizeof(p->name)) < 0)
			return -EINVAL;
		if (jr_str(r, el, "peer_url", JR_REQUIRED, NULL, NULL,
			   p->peer_url, sizeof(p->peer_url)) < 0)
			return -EINVAL;
		if (ident_parse_url(p->peer_url, NULL) < 0) {
			jr_field_error(r, "peer_url", cJSON_GetObjectItemCaseSensitive(el, "peer_url"),
				       URL_RULE);
			return -EINVAL;
		}
		i++;
	}
	r->prefix[0] = '\0';
	mc->n_initial_cluster = i;
	return 0;
}

static int decode_etcd(struct jr *r, const cJSON *o, struct member_etcd_flags *f)
{
	int mode = 0;

	jr_set_prefix(r, "etcd.");
	if (jr_uint(r, o, "heartbeat_interval_ms", 0, 1, 10000, &f->heartbeat_interval_ms) < 0 ||
	    jr_uint(r, o, "election_timeout_ms", 0, 1, ETCD_MAX_ELECTION_MS,
		    &f->election_timeout_ms) < 0 ||
	    jr_uint(r, o, "quota_backend_bytes", 0, 0, ETCD_MAX_QUOTA_BYTES,
		    &f->quota_backend_bytes) < 0 ||
	    jr_uint(r, o, "snapshot_count", 0, 1, 1000000000, &f->snapshot_count) < 0 ||
	    jr_uint(r, o, "max_request_bytes", 0, 0, ETCD_MAX_REQUEST_BYTES,
		    &f->max_request_bytes) < 0 ||
	    jr_enum(r, o, "auto_compaction_mode", 0, compaction_names, 3, &mode) < 0 ||
	    jr_str(r, o, "auto_compaction_retention", 0, NULL, NULL,
		   f->auto_compaction_retention, sizeof(f->auto_compaction_retention)) < 0)
		return -EINVAL;
	f->auto_compaction_mode = (enum member_compaction)mode;
	r->prefix[0] = '\0';
	return 0;
}

static int decode_tls(struct jr *r, const cJSON *o, struct member_tls *t)
{
	jr_set_prefix(r, "tls.");
	if (jr_str(r, o, "cert_file", 0, ident_is_path, PATH_RULE,
		   t->cert_file, sizeof(t->cert_file)) < 0 ||
	    jr_str(r, o, "key_file", 0, ident_is_path, PATH_RULE,
		   t->key_file, sizeof(t->key_file)) < 0 ||
	    jr_str(r, o, "trusted_ca_file", 0, ident_is_path, PATH_RULE,
		   t->trusted_ca_file, sizeof(t->trusted_ca_file)) < 0 ||
	    jr_bool(r, o, "client_cert_auth", 0, &t->client_cert_auth) < 0 ||
	    jr_str(r, o, "peer_cert_file", 0, ident_is_path, PATH_RULE,
		   t->peer_cert_file, sizeof(t->peer_cert_file)) < 0 ||
	    jr_str(r, o, "peer_key_file", 0, ident_is_path, PATH_RULE,
		   t->peer_key_file, sizeof(t->peer_key_file)) < 0 ||
	    jr_str(r, o, "peer_trusted_ca_file", 0, ident_is_path, PATH_RULE,
		   t->peer_trusted_ca_file, sizeof(t->peer_trusted_ca_file)) < 0 ||
	    jr_bool(r, o, "peer_client_cert_auth", 0, &t->peer_client_cert_auth) < 0)
		return -EINVAL;
	r->prefix[0] = '\0';
	return 0;
}

int member_config_decode(struct member_config *mc, const void *data,
			 size_t len, char *err, size_t errlen)
{
	struct jr r;
	cJSON *root = NULL;
	const cJSON *node = NULL;
	int state = 0, rc;

	member_config_init(mc);
	jr_init(&r, WHAT, err, errlen);
	rc = jr_parse(&r, data, len, MEMBER_CONFIG_MAX_BYTES, &root);
	if (rc < 0)
		return rc;
	rc = jr_version(&r, root, MEMBER_CONFIG_V, MEMBER_CONFIG_TOO_NEW, &mc->v);
	if (rc < 0)
		goto out;
	rc = -EINVAL;
	if (jr_str(&r, root, "name", JR_REQUIRED, ident_is_member_name, NAME_RULE,
		   mc->name, sizeof(mc->name)) < 0 ||
	    jr_str(&r, root, "cluster_token", JR_REQUIRED, ident_is_token, TOKEN_RULE,
		   mc->cluster_token, sizeof(mc->cluster_token)) < 0 ||
	    jr_str(&r, root, "host", JR_REQUIRED, ident_is_host, HOST_RULE,
		   mc->host, sizeof(mc->host)) < 0 ||
	    jr_str(&r, root, "listen_address", 0, NULL, NULL,
		   mc->listen_address, sizeof(mc->listen_address)) < 0 ||
	    read_port(&r, root, "peer_port", &mc->peer_port) < 0 ||
	    read_port(&r, root, "client_port", &mc->client_port) < 0 ||
	    jr_node(&r, root, "initial_cluster", JR_REQUIRED, cJSON_Array, &node) < 0 ||
	    decode_peers(&r, node, mc) < 0 ||
	    jr_enum(&r, root, "initial_state", JR_REQUIRED, initial_state_names, 2, &state) < 0 ||
	    jr_bool(&r, root, "learner", 0, &mc->learner) < 0 ||
	    jr_str(&r, root, "data_dir", 0, ident_is_path, PATH_RULE,
		   mc->data_dir, sizeof(mc->data_dir)) < 0 ||
	    jr_bool(&r, root, "data_dir_on_volume", 0, &mc->data_dir_on_volume) < 0 ||
	    jr_u64(&r, root, "member_id", 0, &mc->member_id) < 0 ||
	    jr_str(&r, root, "reseed_id", 0, ident_is_token, TOKEN_RULE,
		   mc->reseed_id, sizeof(mc->reseed_id)) < 0)
		goto out;
	mc->initial_state = (enum member_initial_state)state;
	node = NULL;
	if (jr_node(&r, root, "etcd", 0, cJSON_Object, &node) < 0 ||
	    (node && decode_etcd(&r, node, &mc->etcd) < 0))
		goto out;
	node = NULL;
	if (jr_node(&r, root, "tls", 0, cJSON_Object, &node) < 0 ||
	    (node && decode_tls(&r, node, &mc->tls) < 0))
		goto out;
	/* Cross-field rules (own entry in the initial cluster, TLS pairs,
	 * timeouts) and the per-field ones not checked above. */
	rc = member_config_validate(mc, err, errlen);
out:
	cJSON_Delete(root);
	return rc;
}
