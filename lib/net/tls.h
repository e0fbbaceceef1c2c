/*
 * tls — TLS 1.2 over non-blocking sockets with mbedTLS 2.28.
 *
 * Two objects:
 *   struct tls_config  certificates, keys, trusted CAs and the random
 *                      generator; made once, shared by many sessions.
 *   struct tls         one session on one connected socket.
 *
 * Ownership: a tls_config is the caller's; every session made from it
 * must be freed before the config. A session never owns or closes its
 * fd. All strings passed in are copied.
 *
 * Non-blocking use: tls_handshake/tls_read/tls_write return
 * TLS_WANT_READ or TLS_WANT_WRITE when the socket would block; wait for
 * that readiness and call the same function again. A tls_write that
 * returned TLS_WANT_WRITE must be repeated with the same bytes (at least
 * as many as before; the session remembers how many it took). After
 * tls_read returns data, more may already be decrypted inside the
 * session (tls_pending() > 0): keep reading until TLS_WANT_READ, or the
 * event loop will not wake for those bytes.
 *
 * Verification (clients): on by default. The peer's chain must lead to a
 * trusted CA and name the host: a DNS name against the certificate's
 * dNSName entries (or CN), an IP address against its iPAddress entries.
 * A failure is -EPROTO with tls_errmsg() naming the reason, e.g.
 * "certificate verification failed for 127.0.0.1: the certificate is not
 * correctly signed by the trusted CA".
 *
 * Errors: 0 / positive counts, TLS_WANT_READ, TLS_WANT_WRITE, or a
 * negative errno: -EPROTO (TLS alert, bad record, verification),
 * -ECONNRESET (peer went away mid-record), -ENOMEM, -EINVAL, -ENOENT
 * (a file named in the config cannot be read). tls_errmsg() holds one
 * line describing the last error of a session.
 *
 * Entropy: mbedtls_entropy with an added getrandom(2) source. Static
 * builds whose mbedTLS is configured with MBEDTLS_NO_PLATFORM_ENTROPY
 * and MBEDTLS_ENTROPY_HARDWARE_ALT link tls_entropy.c, which supplies
 * mbedtls_hardware_poll() on getrandom(2) as well.
 */
#ifndef EM_NET_TLS_H
#define EM_NET_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	TLS_WANT_READ = -2001,
	TLS_WANT_WRITE = -2002,
};

struct tls_config;
struct tls;

struct tls_client_opts {
	const char *ca_file;     /* PEM bundle of trusted CAs */
	const char *ca_dir;      /* directory of PEM CA files */
	/* Neither set: /etc/ssl/certs/ca-certificates.crt, else /etc/ssl/certs. */
	const char *cert_file;   /* optional client certificate (PEM) */
	const char *key_file;    /* its key; required with cert_file */
	bool insecure_no_verify; /* skip verification (tests, never default) */
};

/* On failure err (if non-NULL) holds one line naming the file and the
 * reason. */
int tls_config_new_client(struct tls_config **out, const struct tls_client_opts *opts,
			  char *err, size_t errlen);
int tls_config_new_server(struct tls_config **out, const char *cert_file,
			  const char *key_file, char *err, size_t errlen);
void tls_config_free(struct tls_config *cfg);
bool tls_config_is_server(const struct tls_config *cfg);

/* Starts a session on a connected non-blocking fd. server_name (clients
 * only) is the host to verify and, unless it is an IP address, to send
 * as SNI; NULL skips the name check (the chain is still verified). */
int tls_new(struct tls **out, struct tls_config *cfg, int fd, const char *server_name);
void tls_free(struct tls *t);

/* 0 when done, TLS_WANT_READ/WRITE, or a negative errno. */
int tls_handshake(struct tls *t);
bool tls_handshake_done(const struct tls *t);
/* > 0 bytes read, 0 at the end of the stream (close_notify or a clean
 * EOF between records), TLS_WANT_READ/WRITE, or a negative errno. */
ssize_t tls_read(struct tls *t, void *buf, size_t len);
/* > 0 bytes accepted (at most one record, 16 KiB), TLS_WANT_READ/WRITE,
 * or a negative errno. */
ssize_t tls_write(struct tls *t, const void *buf, size_t len);
/* Bytes already decrypted and waiting inside the session. */
size_t tls_pending(const struct tls *t);
/* Sends close_notify, best effort (never blocks). */
void tls_close_notify(struct tls *t);
const char *tls_errmsg(const struct tls *t);

#endif
