/*
 * sockio — the few socket helpers the HTTP client and server share:
 * read/write on a non-blocking socket, plain or through a TLS session,
 * with one return convention, and numeric address parsing/printing.
 *
 * Returns of sockio_read/sockio_write: > 0 bytes, 0 (read only: end of
 * stream), TLS_WANT_READ / TLS_WANT_WRITE (would block; plain sockets
 * give TLS_WANT_READ for reads and TLS_WANT_WRITE for writes), or a
 * negative errno. Nothing here allocates or owns anything.
 */
#ifndef EM_NET_SOCKIO_H
#define EM_NET_SOCKIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "net/tls.h"

ssize_t sockio_read(int fd, struct tls *tls, void *buf, size_t len);
ssize_t sockio_write(int fd, struct tls *tls, const void *buf, size_t len);

/* Numeric IPv4/IPv6 (without brackets) or "localhost" -> sockaddr.
 * 0 or -EINVAL. */
int sockio_parse_addr(const char *host, uint16_t port, struct sockaddr_storage *ss,
		      socklen_t *len);
/* "1.2.3.4:80" or "[::1]:80" into out. */
void sockio_addr_str(const struct sockaddr *sa, char *out, size_t outlen);

#endif
