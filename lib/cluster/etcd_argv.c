#include "cluster/etcd_argv.h"

#include "base/buf.h"
#include "cluster/ident.h"
#include "cluster/member_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A word list under construction: the words back to back, each with its
 * NUL, in one buf; packed into a char *[] at the end. */
struct words {
	struct buf b;
	size_t n;
	int rc;   /* first failure, sticky */
};

__attribute__((format(printf, 2, 3)))
static void word(struct words *w, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	int len;

	if (w->rc)
		return;
	va_start(ap, fmt);
	len = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (len < 0) {
		w->rc = -EINVAL;
		return;
	}
	if ((size_t)len < sizeof(small)) {
		w->rc = buf_append(&w->b, small, (size_t)len + 1);
	} else {
		char *big = malloc((size_t)len + 1);
		if (!big) {
			w->rc = -ENOMEM;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)len + 1, fmt, ap);
		va_end(ap);
		w->rc = buf_append(&w->b, big, (size_t)len + 1);
		free(big);
	}
	if (!w->rc)
		w->n++;
}

/* Packs the words into one allocation: (n + 1) pointers, then the text. */
static int pack(struct words *w, char ***out)
{
	size_t ptrs = (w->n + 1) * sizeof(char *);
	char **v;
	char *text, *p;

	*out = NULL;
	if (w->rc) {
		buf_finish(&w->b);
		return w->rc;
	}
	if (w->b.len > SIZE_MAX - ptrs) {
		buf_finish(&w->b);
		return -ENOMEM;
	}
	v = malloc(ptrs + w->b.len);
	if (!v) {
		buf_finish(&w->b);
		return -ENOMEM;
	}
	text = (char *)v + ptrs;
	if (w->b.len)
		memcpy(text, w->b.data, w->b.len);
	p = text;
	for (size_t i = 0; i < w->n; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	v[w->n] = NULL;
	buf_finish(&w->b);
	*out = v;
	return 0;
}

void etcd_strv_free(char **v)
{
	free(v);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int check_bin(const char *what, const char *bin, char *err, size_t errlen)
{
	if (!bin || !ident_is_path(bin)) {
		set_err(err, errlen, "%s binary \"%s\": must be a path of [A-Za-z0-9._/+@:-]",
			what, bin ? bin : "");
		return -EINVAL;
	}
	return 0;
}

static void listen_and_advertise(struct words *w, const struct member_config *mc)
{
	const char *lip = member_config_listen_ip(mc);
	char url[IDENT_URL_MAX + 1];
	bool ptls = member_config_peer_tls(mc), ctls = member_config_client_tls(mc);

	ident_format_url(url, sizeof(url), ptls, lip, mc->peer_port);
	word(w, "--listen-peer-urls=%s", url);
	ident_format_url(url, sizeof(url), ctls, lip, mc->client_port);
	word(w, "--listen-client-urls=%s", url);
	if (member_config_peer_url(mc, url, sizeof(url)) < 0)
		w->rc = w->rc ? w->rc : -EINVAL;
	word(w, "--initial-advertise-peer-urls=%s", url);
	if (member_config_client_url(mc, url, sizeof(url)) < 0)
		w->rc = w->rc ? w->rc : -EINVAL;
	word(w, "--advertise-client-urls=%s", url);
}

static int initial_cluster(struct buf *ic, const struct member_config *mc)
{
	int rc = 0;
	for (size_t i = 0; i < mc->n_initial_cluster && !rc; i++)
		rc = buf_appendf(ic, "%s%s=%s", i ? "," : "",
				 mc->initial_cluster[i].name,
				 mc->initial_cluster[i].peer_url);
	return rc;
}

static void etcd_flags(struct words *w, const struct member_etcd_flags *f, bool snapshot_at_once)
{
	static const char *const modes[] = { NULL, "periodic", "revision" };

	if (f->heartbeat_interval_ms)
		word(w, "--heartbeat-interval=%llu", (unsigned long long)f->heartbeat_interval_ms);
	if (f->election_timeout_ms)
		word(w, "--election-timeout=%llu", (unsigned long long)f->election_timeout_ms);
	if (f->quota_backend_bytes)
		word(w, "--quota-backend-bytes=%llu", (unsigned long long)f->quota_backend_bytes);
	if (snapshot_at_once)
		word(w, "--snapshot-count=1");
	else if (f->snapshot_count)
		word(w, "--snapshot-count=%llu", (unsigned long long)f->snapshot_count);
	if (f->max_request_bytes)
		word(w, "--max-request-bytes=%llu", (unsigned long long)f->max_request_bytes);
	if (f->auto_compaction_mode)
		word(w, "--auto-compaction-mode=%s", modes[f->auto_compaction_mode]);
	if (f->auto_compaction_retention[0])
		word(w, "--auto-compaction-retention=%s", f->auto_compaction_retention);
}

static void tls_flags(struct words *w, const struct member_tls *t)
{
	if (t->cert_file[0] && t->key_file[0]) {
		word(w, "--cert-file=%s", t->cert_file);
		word(w, "--key-file=%s", t->key_file);
		if (t->trusted_ca_file[0])
			word(w, "--trusted-ca-file=%s", t->trusted_ca_file);
		if (t->client_cert_auth)
			word(w, "--client-cert-auth=true");
	}
	if (t->peer_cert_file[0] && t->peer_key_file[0]) {
		word(w, "--peer-cert-file=%s", t->peer_cert_file);
		word(w, "--peer-key-file=%s", t->peer_key_file);
		if (t->peer_trusted_ca_file[0])
			word(w, "--peer-trusted-ca-file=%s", t->peer_trusted_ca_file);
		if (t->peer_client_cert_auth)
			word(w, "--peer-client-cert-auth=true");
	}
}

int etcd_argv_new(const struct member_config *mc,
		  const struct etcd_argv_opts *opts, char ***out,
		  char *err, size_t errlen)
{
	struct words w = { BUF_INIT, 0, 0 };
	struct buf ic = BUF_INIT;
	const char *dir;
	int rc;

	*out = NULL;
	rc = member_config_validate(mc, err, errlen);
	if (rc < 0)
		return rc;
	if (check_bin("etcd", opts->etcd_bin, err, errlen) < 0)
		return -EINVAL;
	dir = opts->data_dir ? opts->data_dir : mc->data_dir;
	if (!ident_is_path(dir)) {
		set_err(err, errlen, "etcd data dir \"%s\": must be a path of "
			"[A-Za-z0-9._/+@:-] with no \"..\"", dir);
		return -EINVAL;
	}
	rc = initial_cluster(&ic, mc);
	if (rc < 0)
		goto fail;

	word(&w, "%s", opts->etcd_bin);
	word(&w, "--name=%s", mc->name);
	word(&w, "--data-dir=%s", dir);
	listen_and_advertise(&w, mc);
	word(&w, "--initial-cluster=%s", ic.data);
	word(&w, "--initial-cluster-state=%s",
	     mc->initial_state == MEMBER_INITIAL_EXISTING ? "existing" : "new");
	word(&w, "--initial-cluster-token=%s", mc->cluster_token);
	word(&w, "--logger=zap");
	word(&w, "--log-outputs=stderr");
	etcd_flags(&w, &mc->etcd, opts->snapshot_at_once);
	tls_flags(&w, &mc->tls);
	if (opts->force_new_cluster)
		word(&w, "--force-new-cluster");
	buf_finish(&ic);
	return pack(&w, out);
fail:
	buf_finish(&ic);
	buf_finish(&w.b);
	return rc;
}

int etcdctl_snapshot_save_argv_new(const struct member_config *mc,
				   const char *etcdctl_bin, const char *path,
				   unsigned timeout_s, char ***out,
				   char *err, size_t errlen)
{
	struct words w = { BUF_INIT, 0, 0 };
	char url[IDENT_URL_MAX + 1];
	int rc;

	*out = NULL;
	rc = member_config_validate(mc, err, errlen);
	if (rc < 0)
		return rc;
	if (check_bin("etcdctl", etcdctl_bin, err, errlen) < 0)
		return -EINVAL;
	if (!path || !ident_is_path(path)) {
		set_err(err, errlen, "snapshot path \"%s\": must be a path of "
			"[A-Za-z0-9._/+@:-] with no \"..\"", path ? path : "");
		return -EINVAL;
	}
	if (timeout_s == 0 || timeout_s > 86400) {
		set_err(err, errlen, "snapshot timeout %u s: must be 1..86400", timeout_s);
		return -EINVAL;
	}
	if (member_config_client_url(mc, url, sizeof(url)) < 0) {
		set_err(err, errlen, "client URL of \"%s\" too long", mc->host);
		return -EINVAL;
	}
	word(&w, "%s", etcdctl_bin);
	word(&w, "--endpoints=%s", url);
	if (member_config_client_tls(mc)) {
		if (mc->tls.trusted_ca_file[0])
			word(&w, "--cacert=%s", mc->tls.trusted_ca_file);
		word(&w, "--cert=%s", mc->tls.cert_file);
		word(&w, "--key=%s", mc->tls.key_file);
	}
	word(&w, "--dial-timeout=5s");
	word(&w, "--command-timeout=%us", timeout_s);
	word(&w, "snapshot");
	word(&w, "save");
	word(&w, "%s", path);
	return pack(&w, out);
}

int etcdctl_snapshot_status_argv_new(const char *etcdctl_bin,
				     const char *path, char ***out,
				     char *err, size_t errlen)
{
	struct words w = { BUF_INIT, 0, 0 };

	*out = NULL;
	if (check_bin("etcdctl", etcdctl_bin, err, errlen) < 0)
		return -EINVAL;
	if (!path || !ident_is_path(path)) {
		set_err(err, errlen, "snapshot path \"%s\": must be a path of "
			"[A-Za-z0-9._/+@:-] with no \"..\"", path ? path : "");
		return -EINVAL;
	}
	word(&w, "%s", etcdctl_bin);
	word(&w, "snapshot");
	word(&w, "status");
	word(&w, "%s", path);
	word(&w, "--write-out=json");
	return pack(&w, out);
}

/* ---- environment ---- */

static bool env_kept(const char *entry, size_t namelen)
{
	static const char *const keep[] = {
		"PATH", "HOME", "TZ", "LANG", "TMPDIR", "USER", "LOGNAME", NULL,
	};
	for (size_t i = 0; keep[i]; i++)
		if (strlen(keep[i]) == namelen && memcmp(entry, keep[i], namelen) == 0)
			return true;
	return namelen > 3 && memcmp(entry, "LC_", 3) == 0;
}

static bool seen_before(char *const *parent, size_t upto, const char *entry,
			size_t namelen)
{
	for (size_t i = 0; i < upto; i++) {
		const char *eq = strchr(parent[i], '=');
		if (eq && (size_t)(eq - parent[i]) == namelen &&
		    memcmp(parent[i], entry, namelen) == 0)
			return true;
	}
	return false;
}

int etcd_env_new(char *const *parent, char ***out)
{
	struct words w = { BUF_INIT, 0, 0 };
	bool have_path = false;

	for (size_t i = 0; parent && parent[i]; i++) {
		const char *e = parent[i];
		const char *eq = strchr(e, '=');
		size_t namelen;
		if (!eq || eq == e)
			continue;
		namelen = (size_t)(eq - e);
		if (!env_kept(e, namelen) || seen_before(parent, i, e, namelen))
			continue;
		if (namelen == 4 && memcmp(e, "PATH", 4) == 0) {
			if (!eq[1])
				continue;  /* an empty PATH finds nothing */
			have_path = true;
		}
		word(&w, "%s", e);
	}
	if (!have_path)
		word(&w, "PATH=%s", ETCD_ENV_DEFAULT_PATH);
	return pack(&w, out);
}
