/*
 * task_id — Mesos task ids for etcd members: readable in the Mesos UI,
 * parseable back, and able to tell our members from the original
 * etcd-mesos's (SAFETY.md §9).
 *
 * Ours:      <name>_<host>_<peer port>_<client port>_<uniq>
 *            "etcd-3_10.0.0.5_31000_31001_k3x9q2"
 * Original:  "<name> <host> <peer port> <client port> <reseed port>"
 *            "etcd-1448921329 10.0.0.5 31000 31001 31002"
 *
 * '_' separates our parts because none of them can hold one: names are
 * [a-z0-9-], hosts are IP literals or DNS names, uniq is [a-z0-9]. No
 * spaces, and nothing that Mesos refuses in an id (PROTOCOLS.md §B.1:
 * not empty, at most 255 characters, not "." or "..", no '/', no '\\', no
 * control character). uniq makes each launch's id new (Mesos discourages
 * reusing ids); task_id_uniq() spells a number the caller picks (time,
 * counter) in base 36.
 *
 * Pure functions, no allocation.
 */
#ifndef EM_CLUSTER_TASK_ID_H
#define EM_CLUSTER_TASK_ID_H

#include "cluster/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TASK_ID_MAX 255
#define TASK_ID_UNIQ_MAX 16

enum task_id_kind {
	TASK_ID_OURS = 1,
	TASK_ID_ORIGINAL,   /* the original etcd-mesos's space-separated form */
	TASK_ID_OTHER,      /* a valid Mesos id of neither form */
};

struct task_id_info {
	enum task_id_kind kind;
	/* Set for OURS and ORIGINAL: */
	char name[IDENT_TOKEN_MAX + 1];  /* ours: a member name; the original's
					  * are read more loosely (ident_is_token) */
	char host[IDENT_HOST_MAX + 1];
	uint16_t peer_port;
	uint16_t client_port;
	uint16_t reseed_port;            /* ORIGINAL only */
	char uniq[TASK_ID_UNIQ_MAX + 1]; /* OURS only */
};

/* PROTOCOLS.md §B.1. */
bool mesos_id_valid(const char *s);

/* Writes our form. Returns 0, -EINVAL (a part is invalid) or
 * -ENAMETOOLONG (over 255 characters, or over outlen - 1). */
int task_id_format(char *out, size_t outlen, const char *name, const char *host,
		   uint16_t peer_port, uint16_t client_port, const char *uniq);

/* Writes the original's form (tests, and the sim standing in for it). */
int task_id_format_original(char *out, size_t outlen, const char *name,
			    const char *host, uint16_t peer_port,
			    uint16_t client_port, uint16_t reseed_port);

/* n in base 36, lower case ("0" for 0); out holds at least 14 bytes. */
void task_id_uniq(uint64_t n, char out[14]);

/* Classifies id. Returns 0 with out->kind set, or -EINVAL when id is not
 * a valid Mesos id at all. */
int task_id_parse(const char *id, struct task_id_info *out);

#endif
