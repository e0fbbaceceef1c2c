/*
 * fetch — the Mesos fetcher for the simulated agent (PROTOCOLS.md G.1):
 * every CommandInfo.URI, one after another, into a sandbox.
 *
 *   http://, https://   downloaded on the loop (lib/net http_client,
 *                       streamed to disk); only status 200 is success
 *   file:///abs, /abs   copied with cp(1), as Mesos' fetcher does
 *   anything else       refused (no Hadoop client, no frameworks_home)
 *
 * The file is named after the URI's basename (Mesos' rule: everything
 * after the last '/', query string included) or output_file (a relative
 * path; a ".." component is refused). executable=true → mode 0755 and no
 * extraction; otherwise extract (default true) unpacks .tar .tar.gz .tgz
 * .tar.bz2 .tbz2 .tar.xz .txz with tar, .zip with unzip and a bare .gz
 * with gunzip into the sandbox; the archive stays. Helper programs run as
 * child processes reaped through lib/ev; their output and the fetcher's
 * own log lines are appended to <sandbox>/stdout and <sandbox>/stderr.
 *
 * A fetch ends with exactly one done call (from the loop, never from
 * inside fetch_start), unless fetch_start fails (no callback) or
 * fetch_cancel runs first (no callback; helper children are SIGKILLed).
 * The fetch frees itself after done returns. done may call anything,
 * including fetch_start.
 *
 * Errors given to done: 0, or a negative errno with errmsg naming the
 * URI and the cause ("Failed to fetch 'http://...': Error downloading
 * resource, received HTTP return code 404").
 */
#ifndef EM_SIM_FETCH_H
#define EM_SIM_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"
#include "net/http_client.h"
#include "mesos/v1/mesos.pb-c.h"

struct fetch;

struct fetch_config {
	struct ev_loop *loop;
	struct http_client *http;       /* for http(s) URIs; caller keeps it alive */
	const char *sandbox;            /* existing directory (copied) */
	uint64_t stall_timeout_ms;      /* no bytes for this long → fail; 0 = 60000 */
};

typedef void (*fetch_done_fn)(int err, const char *errmsg, void *arg);

/* Starts fetching cmd->uris (copied; cmd may be freed after the call).
 * -ENOMEM only. */
int fetch_start(const struct fetch_config *cfg, const Mesos__V1__CommandInfo *cmd,
		fetch_done_fn done, void *arg, struct fetch **out);
/* Stops it: no callback afterwards. Not from inside its own done. NULL ok. */
void fetch_cancel(struct fetch *f);

/* Mesos' Fetcher::basename: the part after the last '/' of a URI with a
 * scheme (query string kept), or of a plain path. -EINVAL with err set
 * for '\\', '\'' or a URI with no path. Pure; exposed for tests. */
int fetch_basename(const char *uri, char *out, size_t outlen, char *err, size_t errlen);

#endif
