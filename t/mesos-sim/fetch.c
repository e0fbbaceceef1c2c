/*
 * fetch — the Mesos fetcher on the loop (see fetch.h).
 *
 * One URI at a time: download or copy into <sandbox>/<name>, then chmod
 * or extract. Every step that takes time is asynchronous (an HTTP stream,
 * a cp/tar/unzip/gunzip child); the state lives in struct fetch and the
 * next step starts from the previous one's completion.
 */
#include "fetch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "launch.h"
#include "net/url.h"

#define FETCH_MAX_REDIRECTS 10   /* libcurl follows redirects for Mesos too */

struct fetch_uri {
	char *value;
	char *output_file;           /* NULL = basename */
	bool executable, extract;
};

struct fetch {
	struct ev_loop *loop;
	struct http_client *http;
	char *sandbox;
	uint64_t stall_ms;
	struct fetch_uri *uris;
	size_t n, idx;
	fetch_done_fn done;
	void *arg;

	/* the URI in progress */
	char *dest;                  /* absolute path of the fetched file */
	int fd;                      /* download target, -1 when closed */
	struct http_call *call;
	char url[URL_MAX_HOST + URL_MAX_PATH + 16];
	int redirects;
	pid_t child;                 /* 0 = none */
	const char *child_what;      /* "cp", "tar", ... */
	bool child_is_copy;
	struct ev_timer step;        /* asynchronous continuation */
	struct ev_timer stall;
	int pending_err;             /* for the step timer: fail with this */
	char pending_msg[512];
};

static void fetch_free(struct fetch *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->uris[i].value);
		free(f->uris[i].output_file);
	}
	free(f->uris);
	free(f->sandbox);
	free(f->dest);
	free(f);
}

/* Appends one line to <sandbox>/stderr, as the Mesos fetcher logs into
 * the sandbox. Best effort. */
static void sandbox_log(struct fetch *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sandbox_log(struct fetch *f, const char *fmt, ...)
{
	char path[4096], line[2048];
	snprintf(path, sizeof(path), "%s/stderr", f->sandbox);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	dprintf(fd, "I%02d%02d %02d:%02d:%02d.%06ld %d fetcher.cpp:0] %s\n", tm.tm_mon + 1,
		tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000, (int)getpid(), line);
	close(fd);
}

static void stop_current(struct fetch *f)
{
	if (f->call) {
		http_call_cancel(f->call);
		f->call = NULL;
	}
	if (f->child > 0) {
		ev_child_del(f->loop, f->child);
		kill(f->child, SIGKILL);
		f->child = 0;
	}
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	ev_timer_stop(f->loop, &f->step);
	ev_timer_stop(f->loop, &f->stall);
}

static void finish(struct fetch *f, int err, const char *msg)
{
	stop_current(f);
	if (err)
		sandbox_log(f, "%s", msg);
	else
		sandbox_log(f, "Fetched all URIs into '%s'", f->sandbox);
	f->done(err, err ? msg : NULL, f->arg);
	fetch_free(f);
}

static void fail(struct fetch *f, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct fetch *f, int err, const char *fmt, ...)
{
	char cause[700], msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cause, sizeof(cause), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "Failed to fetch '%.300s': %s", f->uris[f->idx].value, cause);
	finish(f, err, msg);
}

/* Fails from a place where finishing at once is not allowed (inside
 * http_client callbacks before on_done): on the next loop turn. */
static void fail_later(struct fetch *f, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_later(struct fetch *f, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->pending_msg, sizeof(f->pending_msg), fmt, ap);
	va_end(ap);
	f->pending_err = err;
	ev_timer_start(f->loop, &f->step, 0, 0);
}

static void next_uri(struct fetch *f);

static void step_cb(struct ev_loop *loop, void *arg)
{
	struct fetch *f = arg;
	if (f->pending_err) {
		int err = f->pending_err;
		f->pending_err = 0;
		fail(f, err, "%s", f->pending_msg);
		return;
	}
	next_uri(f);
}

int fetch_basename(const char *uri, char *out, size_t outlen, char *err, size_t errlen)
{
	if (strchr(uri, '\\') || strchr(uri, '\'')) {
		snprintf(err, errlen, "Illegal characters in URI");
		return -EINVAL;
	}
	const char *base;
	const char *sep = strstr(uri, "://");
	if (sep && sep - uri > 1) {
		const char *path = sep + 3;
		const char *slash = strchr(path, '/');
		if (!slash || slash[1] == '\0') {
			snprintf(err, errlen, "Malformed URI (missing path): %s", uri);
			return -EINVAL;
		}
		base = strrchr(path, '/') + 1;
	} else {
		/* stout Path::basename: trailing slashes dropped. */
		size_t len = strlen(uri);
		while (len > 1 && uri[len - 1] == '/')
			len--;
		const char *p = uri + len;
		while (p > uri && p[-1] != '/')
			p--;
		size_t bl = (size_t)(uri + len - p);
		if (bl == 0 || bl >= outlen) {
			snprintf(err, errlen, "Malformed URI (no file name): %s", uri);
			return -EINVAL;
		}
		memcpy(out, p, bl);
		out[bl] = '\0';
		return 0;
	}
	if (strlen(base) >= outlen) {
		snprintf(err, errlen, "file name too long in %s", uri);
		return -ENAMETOOLONG;
	}
	strcpy(out, base);
	return 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* The last non-empty line of <sandbox>/stderr (a helper's complaint). */
static void stderr_tail(struct fetch *f, char *out, size_t outlen)
{
	char path[4096], buf[1024];
	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/stderr", f->sandbox);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	off_t end = lseek(fd, 0, SEEK_END);
	off_t from = end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *line = strrchr(buf, '\n');
	snprintf(out, outlen, "%s", line ? line + 1 : buf);
}

static void after_fetched(struct fetch *f);

static void child_cb(struct ev_loop *loop, pid_t pid, int ws, void *arg)
{
	struct fetch *f = arg;
	f->child = 0;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		char tail[300];
		stderr_tail(f, tail, sizeof(tail));
		if (WIFEXITED(ws))
			fail(f, -EIO, "%s %s exited with status %d%s%s", f->child_what,
			     f->child_is_copy ? "(copy)" : "(extract)", WEXITSTATUS(ws),
			     tail[0] ? ": " : "", tail);
		else
			fail(f, -EIO, "%s was killed by signal %d", f->child_what,
			     WTERMSIG(ws));
		return;
	}
	if (f->child_is_copy) {
		after_fetched(f);
		return;
	}
	sandbox_log(f, "Extracted '%s' into '%s'", f->dest, f->sandbox);
	f->idx++;
	next_uri(f);
}

static int run_child(struct fetch *f, const char *what, bool is_copy, const char *const *argv,
		     const char *in, const char *out_path, bool truncate)
{
	char out[4096], errp[4096];
	snprintf(out, sizeof(out), "%s/stdout", f->sandbox);
	snprintf(errp, sizeof(errp), "%s/stderr", f->sandbox);
	struct launch_spawn s = {
		.program = argv[0], .argv = argv, .envp = NULL, .cwd = f->sandbox,
		.stdin_path = in, .stdout_path = out_path ? out_path : out,
		.stderr_path = errp, .truncate_out = truncate,
	};
	pid_t pid;
	int rc = launch_spawn(&s, &pid);
	if (rc < 0)
		return rc;
	rc = ev_child_add(f->loop, pid, child_cb, f);
	if (rc < 0) {
		kill(pid, SIGKILL);
		return rc;
	}
	f->child = pid;
	f->child_what = what;
	f->child_is_copy = is_copy;
	return 0;
}

static void after_fetched(struct fetch *f)
{
	struct fetch_uri *u = &f->uris[f->idx];
	sandbox_log(f, "Fetched '%s' to '%s'", u->value, f->dest);
	if (u->executable) {
		if (chmod(f->dest, S_IRWXU | S_IRGRP | S_IXGRP | S_IROTH | S_IXOTH) < 0) {
			fail(f, -errno, "Failed to chmod %s: %s", f->dest, strerror(errno));
			return;
		}
		f->idx++;
		next_uri(f);
		return;
	}
	if (u->extract) {
		const char *d = f->dest;
		int rc = 1;
		if (ends_with(d, ".tar") || ends_with(d, ".tar.gz") || ends_with(d, ".tgz") ||
		    ends_with(d, ".tar.bz2") || ends_with(d, ".tbz2") || ends_with(d, ".tar.xz") ||
		    ends_with(d, ".txz")) {
			const char *argv[] = { "tar", "-C", f->sandbox, "-xf", d, NULL };
			rc = run_child(f, "tar", false, argv, NULL, NULL, false);
		} else if (ends_with(d, ".gz")) {
			char target[4096];
			const char *base = strrchr(d, '/') + 1;
			snprintf(target, sizeof(target), "%s/%.*s", f->sandbox,
				 (int)(strlen(base) - 3), base);
			const char *argv[] = { "gunzip", "-d", "-c", NULL };
			rc = run_child(f, "gunzip", false, argv, d, target, true);
		} else if (ends_with(d, ".zip")) {
			const char *argv[] = { "unzip", "-o", "-d", f->sandbox, d, NULL };
			rc = run_child(f, "unzip", false, argv, NULL, NULL, false);
		}
		if (rc == 0)
			return;
		if (rc < 0) {
			fail(f, rc, "Failed to start the extractor: %s", strerror(-rc));
			return;
		}
		sandbox_log(f, "Copied resource '%s' (not an archive)", d);
	}
	f->idx++;
	next_uri(f);
}

/* ---- http ---- */

static void stall_cb(struct ev_loop *loop, void *arg)
{
	struct fetch *f = arg;
	fail(f, -ETIMEDOUT, "Error downloading resource: no data for %llu ms (stalled)",
	     (unsigned long long)f->stall_ms);
}

static int http_begin(struct fetch *f);

static void http_head(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct fetch *f = arg;
	if ((r->status == 301 || r->status == 302 || r->status == 303 || r->status == 307 ||
	     r->status == 308) && r->location) {
		struct url base, next;
		char err[256];
		http_call_cancel(call);
		f->call = NULL;
		if (++f->redirects > FETCH_MAX_REDIRECTS) {
			fail_later(f, -ELOOP, "Error downloading resource: more than %d redirects",
				   FETCH_MAX_REDIRECTS);
			return;
		}
		if (url_parse(f->url, &base, err, sizeof(err)) < 0 ||
		    url_resolve_location(&base, r->location, &next, err, sizeof(err)) < 0) {
			fail_later(f, -EPROTO, "Error downloading resource: bad redirect: %s", err);
			return;
		}
		url_format(&next, f->url, sizeof(f->url));
		int rc = http_begin(f);
		if (rc < 0)
			fail_later(f, rc, "Error downloading resource: %s",
				   http_client_errmsg(f->http));
		return;
	}
	if (r->status != 200) {
		http_call_cancel(call);
		f->call = NULL;
		fail_later(f, -EPROTO, "Error downloading resource, received HTTP return code %d",
			   r->status);
		return;
	}
	f->fd = open(f->dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		http_call_cancel(call);
		f->call = NULL;
		fail_later(f, -errno, "Failed to open %s: %s", f->dest, strerror(errno));
		return;
	}
	ev_timer_start(f->loop, &f->stall, f->stall_ms, 0);
}

static void http_body(struct http_call *call, const char *data, size_t len, void *arg)
{
	struct fetch *f = arg;
	if (f->fd < 0)
		return;
	ev_timer_start(f->loop, &f->stall, f->stall_ms, 0);
	while (len > 0) {
		ssize_t w = write(f->fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			http_call_cancel(call);
			f->call = NULL;
			fail_later(f, -e, "Failed to write %s: %s", f->dest, strerror(e));
			return;
		}
		data += w;
		len -= (size_t)w;
	}
}

static void http_done(struct http_call *call, const struct http_reply *r, void *arg)
{
	struct fetch *f = arg;
	f->call = NULL;
	ev_timer_stop(f->loop, &f->stall);
	if (r->err) {
		fail(f, r->err, "Error downloading resource: %s",
		     r->errmsg ? r->errmsg : strerror(-r->err));
		return;
	}
	if (f->fd >= 0 && close(f->fd) < 0) {
		f->fd = -1;
		fail(f, -errno, "Failed to close %s: %s", f->dest, strerror(errno));
		return;
	}
	f->fd = -1;
	after_fetched(f);
}

static int http_begin(struct fetch *f)
{
	struct http_client_request req = {
		.method = "GET", .url = f->url, .stream = true, .idempotent = true,
	};
	struct http_client_cbs cbs = { .on_head = http_head, .on_body = http_body,
				       .on_done = http_done };
	return http_client_start(f->http, &req, &cbs, f, &f->call);
}

/* ---- one URI ---- */

static bool bad_relative(const char *p)
{
	/* any ".." path component */
	for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2) {
		bool start = s == p || s[-1] == '/';
		bool end = s[2] == '\0' || s[2] == '/';
		if (start && end)
			return true;
	}
	return false;
}

static void next_uri(struct fetch *f)
{
	if (f->idx >= f->n) {
		finish(f, 0, NULL);
		return;
	}
	struct fetch_uri *u = &f->uris[f->idx];
	const char *v = u->value;
	while (isspace((unsigned char)*v))
		v++;
	sandbox_log(f, "Fetching URI '%s'", v);

	char name[1024], err[512];
	if (u->output_file) {
		if (!u->output_file[0] || bad_relative(u->output_file)) {
			fail(f, -EINVAL, "output_file '%s' must be a relative path without '..'",
			     u->output_file);
			return;
		}
		snprintf(name, sizeof(name), "%s", u->output_file);
	} else if (fetch_basename(v, name, sizeof(name), err, sizeof(err)) < 0) {
		fail(f, -EINVAL, "%s", err);
		return;
	}
	free(f->dest);
	f->dest = NULL;
	if (asprintf(&f->dest, "%s/%s", f->sandbox, name) < 0) {
		f->dest = NULL;
		fail(f, -ENOMEM, "out of memory");
		return;
	}
	char *slash = strrchr(f->dest, '/');
	*slash = '\0';
	int rc = launch_mkdir_p(f->dest);
	if (rc < 0) {
		fail(f, rc, "Failed to create directory %s: %s", f->dest, strerror(-rc));
		return;
	}
	*slash = '/';

	if (strncasecmp(v, "http://", 7) == 0 || strncasecmp(v, "https://", 8) == 0) {
		snprintf(f->url, sizeof(f->url), "%s", v);
		f->redirects = 0;
		rc = http_begin(f);
		if (rc < 0)
			fail(f, rc, "Error downloading resource: %s", http_client_errmsg(f->http));
		return;
	}
	const char *path = v;
	if (strncmp(v, "file://", 7) == 0)
		path = v + 7;
	else if (strstr(v, "://")) {
		fail(f, -EPROTONOSUPPORT,
		     "unsupported URI scheme (mesos-sim fetches http, https, file:// and absolute paths)");
		return;
	}
	if (path[0] != '/') {
		fail(f, -EINVAL, "A relative path was passed for the resource but the Mesos "
		     "framework home was not specified. Please either provide this config "
		     "option or avoid using a relative path");
		return;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		fail(f, -errno, "Failed to copy '%s': %s", path, strerror(errno));
		return;
	}
	const char *argv[] = { "cp", path, f->dest, NULL };
	rc = run_child(f, "cp", true, argv, NULL, NULL, false);
	if (rc < 0)
		fail(f, rc, "Failed to start cp: %s", strerror(-rc));
}

int fetch_start(const struct fetch_config *cfg, const Mesos__V1__CommandInfo *cmd,
		fetch_done_fn done, void *arg, struct fetch **out)
{
	struct fetch *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->loop = cfg->loop;
	f->http = cfg->http;
	f->stall_ms = cfg->stall_timeout_ms ? cfg->stall_timeout_ms : 60000;
	f->fd = -1;
	f->done = done;
	f->arg = arg;
	ev_timer_init(&f->step, step_cb, f);
	ev_timer_init(&f->stall, stall_cb, f);
	f->sandbox = strdup(cfg->sandbox);
	size_t n = cmd ? cmd->n_uris : 0;
	f->uris = calloc(n ? n : 1, sizeof(*f->uris));
	if (!f->sandbox || !f->uris)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__CommandInfo__URI *u = cmd->uris[i];
		f->n = i + 1;
		f->uris[i].value = strdup(u->value ? u->value : "");
		if (!f->uris[i].value)
			goto nomem;
		if (u->output_file && !(f->uris[i].output_file = strdup(u->output_file)))
			goto nomem;
		f->uris[i].executable = u->has_executable && u->executable;
		f->uris[i].extract = !u->has_extract || u->extract;
	}
	if (ev_timer_start(f->loop, &f->step, 0, 0) < 0)
		goto nomem;
	if (out)
		*out = f;
	return 0;
nomem:
	fetch_free(f);
	return -ENOMEM;
}

void fetch_cancel(struct fetch *f)
{
	if (!f)
		return;
	stop_current(f);
	fetch_free(f);
}
