/*
 * etcd_version_gate — may a member of the original etcd-mesos be
 * replaced member by member (SAFETY.md section 9)? Only when it runs etcd
 * 3.4 or newer: learners and the v3 API the move needs. Decided on the
 * answer to GET /version ({"etcdserver":"3.4.23","etcdcluster":"3.4.0"}).
 *
 * Pure functions, no allocation, no I/O; safe anywhere.
 *
 * Errors: 0 (3.4 or newer), -ENOTSUP (older: why says which version and
 * the way out), -EPROTO (not a /version answer, or a version that does
 * not read as MAJOR.MINOR[.PATCH...]), -EINVAL (NULL body).
 */
#ifndef EM_ETCD_ETCD_VERSION_GATE_H
#define EM_ETCD_ETCD_VERSION_GATE_H

#include <stddef.h>

#define ETCD_GATE_MAJOR 3
#define ETCD_GATE_MINOR 4

/* "3.4.23" -> 3, 4. 0 or -EPROTO. */
int etcd_version_split(const char *v, unsigned *major, unsigned *minor);

/* body/len: the /version answer of one member; who names it in why. The
 * server version (etcdserver) decides. On success why gets the version
 * ("3.4.23"); on failure one line naming who, the value and the fix. */
int etcd_version_gate(const char *body, size_t len, const char *who, char *why,
		      size_t whylen);

#endif
