/*
 * artifact — the artifact server agents fetch the executor, etcd and
 * etcdctl from (-artifact-port; SAFETY.md section 7).
 *
 * A FIXED route table: GET (and HEAD) /executor, /etcd, /etcdctl, and
 * the same files under "/" + their file's basename (/etcd-mesos-executor)
 * so a fetcher URI keeps a good basename. A basename that is empty, "."
 * or "..", or that another route already has, gets no second route.
 * Nothing from a request path ever reaches the filesystem: the files
 * opened are the configured ones, looked up by route. Anything else is
 * the server's 404 (405 for other methods on these paths).
 *
 * Each answer opens the configured file afresh (an operator may replace
 * it), checks it is a regular file and streams it from disk with
 * Content-Length (http_respond_file: never read whole into memory). A
 * file that cannot be opened answers 503 and logs one line naming it.
 *
 * Ownership: artifact_new copies the paths. The routes point at the
 * artifact: free the server first (http_server_free), then artifact_free.
 * Errors: artifact_new returns 0, -EINVAL (NULL server, no file at all)
 * or -ENOMEM; on failure free srv without serving (routes added so far
 * point at freed memory).
 */
#ifndef EM_CMD_SCHEDULER_ARTIFACT_H
#define EM_CMD_SCHEDULER_ARTIFACT_H

#include "net/http_server.h"

enum artifact_kind { ARTIFACT_EXECUTOR, ARTIFACT_ETCD, ARTIFACT_ETCDCTL, ARTIFACT_COUNT };

struct artifact_config {
	const char *files[ARTIFACT_COUNT];   /* NULL or "" = not served */
};

struct artifact;

int artifact_new(struct artifact **out, struct http_server *srv,
		 const struct artifact_config *cfg);
void artifact_free(struct artifact *a);

/* The path to put in a fetcher URI for kind: "/" + the file's basename
 * when it got its own route, else the fixed name ("/executor"). NULL if
 * kind is not served. Valid until artifact_free. */
const char *artifact_path(const struct artifact *a, enum artifact_kind kind);

#endif
