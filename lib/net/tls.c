/*
 * tls — mbedTLS 2.28 sessions over non-blocking sockets (see tls.h).
 */
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "base/strutil.h"

#define TLS_MAX_RECORD 16384
/* Our bio's errors (the values of mbedTLS' net_sockets codes; that module
 * may be left out of a reduced static build). */
#define BIO_ERR_CONN_RESET  (-0x0050)
#define BIO_ERR_SEND_FAILED (-0x004E)
#define BIO_ERR_RECV_FAILED (-0x004C)

struct tls_config {
	bool server;
	mbedtls_ssl_config conf;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt ca;
	mbedtls_x509_crt own_cert;
	mbedtls_pk_context own_key;
};

struct tls {
	struct tls_config *cfg;
	mbedtls_ssl_context ssl;
	int fd;
	bool handshake_done;
	bool ip_host;              /* verify against iPAddress SANs */
	unsigned char ip[16];
	size_t ip_len;
	size_t write_pending;      /* length of a write that said WANT_WRITE */
	char host[256];
	char err[320];
};

/* ---- entropy: getrandom(2), also usable where /dev/urandom is absent ---- */

static int getrandom_source(void *data, unsigned char *out, size_t len, size_t *olen)
{
	size_t got = 0;
	(void)data;
	while (got < len) {
		ssize_t n = getrandom(out + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
		}
		got += (size_t)n;
	}
	*olen = got;
	return 0;
}

static void mbed_strerror(int code, char *out, size_t outlen)
{
	mbedtls_strerror(code, out, outlen);
	/* mbedTLS messages start with a module prefix ("SSL - ..."); fine. */
}

static int errf(char *err, size_t errlen, const char *fmt, const char *what, int code)
{
	if (err && errlen) {
		char m[160];
		if (code == MBEDTLS_ERR_PK_FILE_IO_ERROR || code == MBEDTLS_ERR_X509_FILE_IO_ERROR)
			snprintf(m, sizeof m, "cannot read it (missing or unreadable)");
		else
			mbed_strerror(code, m, sizeof m);
		snprintf(err, errlen, fmt, what, m);
	}
	return code == MBEDTLS_ERR_PK_FILE_IO_ERROR || code == MBEDTLS_ERR_X509_FILE_IO_ERROR
		? -ENOENT : -EINVAL;
}

static int config_alloc(struct tls_config **out, bool server, char *err, size_t errlen)
{
	struct tls_config *c = calloc(1, sizeof *c);
	static const char pers[] = "etcd-mesos tls";
	int rc;

	if (!c)
		return -ENOMEM;
	c->server = server;
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_x509_crt_init(&c->own_cert);
	mbedtls_pk_init(&c->own_key);
	*out = c;

	rc = mbedtls_entropy_add_source(&c->entropy, getrandom_source, NULL, 32,
					MBEDTLS_ENTROPY_SOURCE_STRONG);
	if (rc == 0)
		rc = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
					   (const unsigned char *)pers, sizeof pers - 1);
	if (rc != 0) {
		errf(err, errlen, "tls: cannot seed the random generator%s: %s", "", rc);
		return -EIO;
	}
	rc = mbedtls_ssl_config_defaults(&c->conf,
		server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
		MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc != 0) {
		errf(err, errlen, "tls: configuration defaults%s: %s", "", rc);
		return -EINVAL;
	}
	mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
	mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_renegotiation(&c->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	return 0;
}

static int load_own(struct tls_config *c, const char *cert_file, const char *key_file,
		    char *err, size_t errlen)
{
	int rc = mbedtls_x509_crt_parse_file(&c->own_cert, cert_file);
	if (rc != 0)
		return errf(err, errlen, "tls: certificate file \"%s\": %s", cert_file, rc);
	rc = mbedtls_pk_parse_keyfile(&c->own_key, key_file, NULL);
	if (rc != 0)
		return errf(err, errlen, "tls: key file \"%s\": %s", key_file, rc);
	rc = mbedtls_pk_check_pair(&c->own_cert.pk, &c->own_key);
	if (rc == 0)
		rc = mbedtls_ssl_conf_own_cert(&c->conf, &c->own_cert, &c->own_key);
	if (rc != 0)
		return errf(err, errlen, "tls: certificate \"%s\" does not fit its key: %s",
			    cert_file, rc);
	return 0;
}

static int load_ca(struct tls_config *c, const struct tls_client_opts *o,
		   char *err, size_t errlen)
{
	static const char sys_file[] = "/etc/ssl/certs/ca-certificates.crt";
	static const char sys_dir[] = "/etc/ssl/certs";
	struct stat st;
	int rc;

	if (o->ca_file) {
		rc = mbedtls_x509_crt_parse_file(&c->ca, o->ca_file);
		if (rc != 0)
			return errf(err, errlen, "tls: CA file \"%s\": %s", o->ca_file,
				    rc < 0 ? rc : MBEDTLS_ERR_X509_INVALID_FORMAT);
	}
	if (o->ca_dir) {
		rc = mbedtls_x509_crt_parse_path(&c->ca, o->ca_dir);
		if (rc < 0)
			return errf(err, errlen, "tls: CA directory \"%s\": %s", o->ca_dir, rc);
	}
	if (!o->ca_file && !o->ca_dir) {
		if (stat(sys_file, &st) == 0)
			rc = mbedtls_x509_crt_parse_file(&c->ca, sys_file);
		else
			rc = mbedtls_x509_crt_parse_path(&c->ca, sys_dir);
		if (rc < 0 || c->ca.version == 0) {
			if (err && errlen)
				snprintf(err, errlen, "tls: no trusted CAs: %s and %s are "
					 "missing or empty; give a CA file or directory",
					 sys_file, sys_dir);
			return -ENOENT;
		}
	}
	if (c->ca.version == 0) {
		if (err && errlen)
			snprintf(err, errlen, "tls: no certificate found in \"%s\"",
				 o->ca_file ? o->ca_file : o->ca_dir);
		return -EINVAL;
	}
	mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
	return 0;
}

int tls_config_new_client(struct tls_config **out, const struct tls_client_opts *o,
			  char *err, size_t errlen)
{
	struct tls_config *c = NULL;
	int rc;

	*out = NULL;
	if (!o || (!!o->cert_file != !!o->key_file)) {
		if (err && errlen)
			snprintf(err, errlen, "tls: a client certificate needs both a "
				 "certificate file and a key file");
		return -EINVAL;
	}
	rc = config_alloc(&c, false, err, errlen);
	if (rc != 0)
		goto fail;
	if (o->insecure_no_verify) {
		mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
	} else {
		rc = load_ca(c, o, err, errlen);
		if (rc != 0)
			goto fail;
		mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	}
	if (o->cert_file) {
		rc = load_own(c, o->cert_file, o->key_file, err, errlen);
		if (rc != 0)
			goto fail;
	}
	*out = c;
	return 0;
fail:
	tls_config_free(c);
	return rc;
}

int tls_config_new_server(struct tls_config **out, const char *cert_file,
			  const char *key_file, char *err, size_t errlen)
{
	struct tls_config *c = NULL;
	int rc;

	*out = NULL;
	if (!cert_file || !key_file) {
		if (err && errlen)
			snprintf(err, errlen, "tls: a server needs a certificate file and a key file");
		return -EINVAL;
	}
	rc = config_alloc(&c, true, err, errlen);
	if (rc != 0)
		goto fail;
	mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
	rc = load_own(c, cert_file, key_file, err, errlen);
	if (rc != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	tls_config_free(c);
	return rc;
}

void tls_config_free(struct tls_config *c)
{
	if (!c)
		return;
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_x509_crt_free(&c->own_cert);
	mbedtls_pk_free(&c->own_key);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	free(c);
}

bool tls_config_is_server(const struct tls_config *c)
{
	return c && c->server;
}

/* ---- socket glue ---- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t n;
	do
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (errno == EPIPE || errno == ECONNRESET)
		return BIO_ERR_CONN_RESET;
	return BIO_ERR_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t n;
	do
		n = recv(t->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (errno == ECONNRESET)
		return BIO_ERR_CONN_RESET;
	return BIO_ERR_RECV_FAILED;
}

/* ---- IP-address host names: match iPAddress subjectAltName entries ---- */

static bool san_has_ip(const mbedtls_x509_crt *crt, const unsigned char *ip, size_t ip_len)
{
	unsigned char *p = crt->v3_ext.p, *end;
	size_t len;

	if (!p || crt->v3_ext.len == 0)
		return false;
	end = p + crt->v3_ext.len;
	if (*p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3) &&
	    mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC |
				 MBEDTLS_ASN1_CONSTRUCTED | 3) != 0)
		return false;
	if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
		return false;
	end = p + len;
	while (p < end) {
		unsigned char *ext_end, *q;
		mbedtls_x509_buf oid;
		int critical = 0;

		if (mbedtls_asn1_get_tag(&p, end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return false;
		ext_end = p + len;
		q = p;
		p = ext_end;
		if (mbedtls_asn1_get_tag(&q, ext_end, &oid.len, MBEDTLS_ASN1_OID))
			return false;
		oid.p = q;
		q += oid.len;
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_SUBJECT_ALT_NAME, &oid) != 0)
			continue;
		(void)mbedtls_asn1_get_bool(&q, ext_end, &critical);
		if (mbedtls_asn1_get_tag(&q, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING))
			return false;
		if (mbedtls_asn1_get_tag(&q, ext_end, &len,
					 MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
			return false;
		unsigned char *names_end = q + len;
		while (q < names_end) {
			unsigned char tag = *q++;
			if (mbedtls_asn1_get_len(&q, names_end, &len))
				return false;
			if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && len == ip_len &&
			    memcmp(q, ip, ip_len) == 0)
				return true;
			q += len;
		}
	}
	return false;
}

static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tls *t = ctx;
	if (depth == 0 && t->ip_host && !san_has_ip(crt, t->ip, t->ip_len))
		*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	return 0;
}

int tls_new(struct tls **out, struct tls_config *cfg, int fd, const char *server_name)
{
	struct tls *t;
	int rc;

	*out = NULL;
	if (!cfg || fd < 0)
		return -EINVAL;
	t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	t->cfg = cfg;
	t->fd = fd;
	mbedtls_ssl_init(&t->ssl);
	rc = mbedtls_ssl_setup(&t->ssl, &cfg->conf);
	if (rc != 0) {
		rc = rc == MBEDTLS_ERR_SSL_ALLOC_FAILED ? -ENOMEM : -EINVAL;
		goto fail;
	}
	if (!cfg->server && server_name && *server_name) {
		str_copy(t->host, server_name, sizeof t->host);
		if (inet_pton(AF_INET, server_name, t->ip) == 1) {
			t->ip_host = true;
			t->ip_len = 4;
		} else if (inet_pton(AF_INET6, server_name, t->ip) == 1) {
			t->ip_host = true;
			t->ip_len = 16;
		}
		if (t->ip_host) {
			mbedtls_ssl_set_verify(&t->ssl, verify_cb, t);
		} else if (mbedtls_ssl_set_hostname(&t->ssl, server_name) != 0) {
			rc = -EINVAL;
			goto fail;
		}
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	*out = t;
	return 0;
fail:
	mbedtls_ssl_free(&t->ssl);
	free(t);
	return rc;
}

void tls_free(struct tls *t)
{
	if (!t)
		return;
	mbedtls_ssl_free(&t->ssl);
	free(t);
}

static void lower_first(char *s)
{
	if (s[0] >= 'A' && s[0] <= 'Z')
		s[0] = (char)(s[0] - 'A' + 'a');
}

/* Maps an mbedTLS error to our codes and records a message. */
static int fail_with(struct tls *t, int rc, const char *during)
{
	char m[200];

	if (rc == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	if (rc == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);
		char info[256] = "", *nl;
		mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
		nl = strchr(info, '\n');
		if (nl)
			*nl = '\0';
		lower_first(info);
		if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
			snprintf(info, sizeof info, "the certificate does not name \"%s\"", t->host);
		snprintf(t->err, sizeof t->err, "tls: certificate verification failed for %s: %s",
			 t->host[0] ? t->host : "the peer", info);
		return -EPROTO;
	}
	if (rc == BIO_ERR_CONN_RESET) {
		snprintf(t->err, sizeof t->err, "tls: connection reset by peer during %s", during);
		return -ECONNRESET;
	}
	mbed_strerror(rc, m, sizeof m);
	snprintf(t->err, sizeof t->err, "tls: %s failed: %s", during, m);
	if (rc == MBEDTLS_ERR_SSL_ALLOC_FAILED)
		return -ENOMEM;
	if (rc == BIO_ERR_RECV_FAILED || rc == BIO_ERR_SEND_FAILED)
		return -EIO;
	return -EPROTO;
}

int tls_handshake(struct tls *t)
{
	int rc;
	if (t->handshake_done)
		return 0;
	rc = mbedtls_ssl_handshake(&t->ssl);
	if (rc == 0) {
		t->handshake_done = true;
		return 0;
	}
	return fail_with(t, rc, "handshake");
}

bool tls_handshake_done(const struct tls *t)
{
	return t->handshake_done;
}

ssize_t tls_read(struct tls *t, void *buf, size_t len)
{
	int rc;
	if (len > INT32_MAX)
		len = INT32_MAX;
	rc = mbedtls_ssl_read(&t->ssl, buf, len);
	if (rc >= 0)
		return rc;
	if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		return 0;
	return fail_with(t, rc, "read");
}

ssize_t tls_write(struct tls *t, const void *buf, size_t len)
{
	int rc;
	if (len > TLS_MAX_RECORD)
		len = TLS_MAX_RECORD;
	/* mbedTLS finishes a blocked record and then reports its length as
	 * the length asked for: ask for exactly the blocked amount. */
	if (t->write_pending) {
		if (len < t->write_pending)
			return -EINVAL;
		len = t->write_pending;
	}
	rc = mbedtls_ssl_write(&t->ssl, buf, len);
	if (rc >= 0) {
		t->write_pending = 0;
		return rc;
	}
	if (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ)
		t->write_pending = len;
	return fail_with(t, rc, "write");
}

size_t tls_pending(const struct tls *t)
{
	return mbedtls_ssl_get_bytes_avail(&t->ssl);
}

void tls_close_notify(struct tls *t)
{
	if (t && t->handshake_done)
		(void)mbedtls_ssl_close_notify(&t->ssl);
}

const char *tls_errmsg(const struct tls *t)
{
	return t->err[0] ? t->err : "tls: no error";
}
