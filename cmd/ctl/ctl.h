/*
 * ctl — the parts of `etcd-mesos ctl` shared by its files.
 *
 *   main.c      flags, the command table, help texts, dispatch
 *   ctl_conn.c  finding the scheduler (--scheduler or ZooKeeper), the
 *               bearer token, HTTP requests on the one event loop
 *   ctl_show.c  tables and key/value lists printed from the admin JSON
 *   ctl_read.c  status, stats, members, health, endpoints
 *   ctl_act.c   reseed, wait, teardown (confirmation, progress line)
 *
 * One process, one event loop (lib/ev), one http_client. Requests are
 * made one at a time: ctl_request() runs the loop until the request's
 * on_done, and waits between polls run the loop until a timer fires.
 * The only blocking calls are configuration-time DNS (http_resolve_blocking,
 * for a scheduler URL that names a host) and zk_session_free at the end
 * of discovery.
 *
 * Exit statuses (documented in `etcd-mesos ctl --help`): see enum ctl_exit.
 * health's 0/1/2 is the contract; usage errors keep the 2 that
 * every mode uses (cmd/modes.h, t0001), so 2 means "unreachable or a bad
 * command line". To give usage errors EX_USAGE (64) instead, change
 * CTL_USAGE and the help texts in main.c.
 * Every failure prints one line on stderr: "etcd-mesos ctl CMD: what failed,
 * the value, the fix". The token is never printed or logged.
 */
#ifndef EM_CMD_CTL_CTL_H
#define EM_CMD_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "ev/ev.h"
#include "net/http_client.h"
#include "net/url.h"

enum ctl_exit {
	CTL_OK = 0,             /* done; health/status/wait: healthy */
	CTL_FAIL = 1,           /* unhealthy, or the scheduler said no (4xx/5xx,
				 * bad answer, 409 reseed running, bad token) */
	CTL_UNREACHABLE = 2,    /* no scheduler answered (not found in
				 * ZooKeeper, refused, timed out) */
	CTL_TIMEOUT = 3,        /* wait/reseed: --timeout passed first */
	CTL_NOT_CONFIRMED = 4,  /* reseed/teardown: not confirmed, or no
				 * terminal to ask on and no --yes */
	CTL_USAGE = 2,          /* bad flag, command or argument: 2 as in every
				 * mode (modes.h), so it shares 2 with
				 * "unreachable"; stderr says which */
};

struct ctl_opts {
	char *scheduler;
	char *zk;
	char *framework_name;
	char *token;
	char *token_file;
	char *ca_file;
	bool json;
	bool yes;
	bool peers;
	bool no_wait;
	int64_t members;
	int64_t timeout_ms;
	int64_t request_timeout_ms;
	int64_t interval_ms;
};

extern struct ctl_opts ctl_opts;

struct ctl {
	const char *cmd;            /* command name, for messages */
	struct ev_loop *loop;
	struct http_client *http;
	struct tls_config *tls;
	char base[URL_MAX_HOST + URL_MAX_PATH + 32];  /* scheme://addr:port[/prefix] */
	char shown[URL_MAX_HOST + URL_MAX_PATH + 32]; /* as the operator gave it */
	char server_name[URL_MAX_HOST];  /* TLS name when the host was resolved */
	char *auth;                 /* "Bearer ..." or NULL (secret) */
	bool followed;              /* a standby's 503 was followed once */
	bool via_zk;                /* found through ZooKeeper (may move) */
};

struct ctl_reply {
	int err;                    /* 0: an answer came; else negative errno */
	char errmsg[320];
	int status;
	char *body;                 /* NUL-terminated, malloc'd; NULL on err */
	size_t len;
};

/* ---- ctl_conn.c ---- */

/* Prints "etcd-mesos ctl CMD: " + message + '\n' on stderr. */
void ctl_err(const struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads the token, finds the scheduler and makes the HTTP client.
 * Returns CTL_OK or the exit status after printing one line. */
int ctl_open(struct ctl *c, const char *cmd);
void ctl_close(struct ctl *c);
/* Found through ZooKeeper: reads the election again and moves to the
 * leader's URL if it changed (*moved). Else CTL_OK at once. On failure
 * msg holds one line and nothing is printed (except by ctl_set_base). */
int ctl_rediscover(struct ctl *c, bool *moved, char *msg, size_t msglen);
/* Points the client at another scheduler URL (a standby named the
 * leader). CTL_OK, or CTL_FAIL after printing why. */
int ctl_set_base(struct ctl *c, const char *url);

/* One request on the loop. Returns 0 when an answer came (any status),
 * else the negative errno (out->errmsg says what). out is filled in
 * every case; ctl_reply_finish frees it. */
int ctl_request(struct ctl *c, const char *method, const char *path,
		uint64_t timeout_ms, struct ctl_reply *out);
void ctl_reply_finish(struct ctl_reply *r);
/* ctl_request, except that a standby's 503 naming the leader's admin URL
 * ("leader_admin_url") moves the client to that leader (a note on
 * stderr) and asks again there; once per process. */
int ctl_call(struct ctl *c, const char *method, const char *path, struct ctl_reply *out);

/* GET path and parse JSON: CTL_OK with *out (cJSON_Delete), or
 * CTL_UNREACHABLE / CTL_FAIL after printing one line (quiet: print
 * nothing, put the line in errbuf when given). */
int ctl_get_json(struct ctl *c, const char *path, cJSON **out, bool quiet,
		 char *errbuf, size_t errlen);
/* The answer as a one-line reason: "HTTP 409: <error field or body>". */
void ctl_describe_status(const struct ctl_reply *r, char *out, size_t len);

/* Runs the loop for ms milliseconds (a timer; no sleeping). */
void ctl_pause(struct ctl *c, uint64_t ms);

/* ---- ctl_show.c ---- */

/* true for true, non-zero numbers, "true"/"yes"/"1". */
bool ctl_json_truthy(const cJSON *v);
/* Scalar as text ("-" for missing/null/empty). */
const char *ctl_json_text(const cJSON *v, char *tmp, size_t n);
/* cJSON_Print of v and a newline on out. */
void ctl_print_json(FILE *out, const cJSON *v);
void ctl_print_stats(FILE *out, const cJSON *stats);
void ctl_print_members(FILE *out, const cJSON *members);
/* Any object: scalars as "key  value" lines, arrays of objects as tables. */
void ctl_print_generic(FILE *out, const cJSON *v, int indent);

/* ---- progress line (ctl_act.c) ---- */

struct ctl_progress {
	bool tty;
	bool shown;
	char last[512];
};
void ctl_progress_init(struct ctl_progress *p);
void ctl_progress_show(struct ctl_progress *p, uint64_t elapsed_ms, const char *text);
void ctl_progress_end(struct ctl_progress *p);

/* ---- commands: argc/argv are unused positionals (none allowed) ---- */

int ctl_cmd_status(struct ctl *c);
int ctl_cmd_stats(struct ctl *c);
int ctl_cmd_members(struct ctl *c);
int ctl_cmd_health(struct ctl *c);
int ctl_cmd_endpoints(struct ctl *c);
int ctl_cmd_reseed(struct ctl *c);
int ctl_cmd_wait(struct ctl *c);
int ctl_cmd_teardown(struct ctl *c);
int ctl_cmd_fresh(struct ctl *c);

#endif
