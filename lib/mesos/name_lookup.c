/* name_lookup — DNS in a child process; see name_lookup.h. */
#include "mesos/name_lookup.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/strutil.h"
#include "mesos/master_list.h"
#include "net/http_client.h"

#define MAX_NAME 254
#define MAX_ADDR 80

struct name_lookup {
	struct ev_loop *loop;
	name_lookup_fn done;
	void *arg;
	pid_t pid;               /* 0 when no child (numeric) or reaped */
	int fd;                  /* read end, -1 when closed */
	char host[MAX_NAME];
	char buf[MAX_ADDR + 8];
	size_t len;
	bool eof;
	struct ev_timer timer;
};

static void cleanup(struct name_lookup *l)
{
	ev_timer_stop(l->loop, &l->timer);
	if (l->fd >= 0) {
		ev_io_del(l->loop, l->fd);
		close(l->fd);
		l->fd = -1;
	}
	if (l->pid > 0) {
		ev_child_del(l->loop, l->pid);
		kill(l->pid, SIGKILL);   /* the loop reaps every child */
		l->pid = 0;
	}
}

static void finish(struct name_lookup *l, int rc, const char *addr)
{
	name_lookup_fn done = l->done;
	void *arg = l->arg;
	char copy[MAX_NAME];

	if (addr)
		str_copy(copy, addr, sizeof copy);   /* addr may point into l */
	cleanup(l);
	free(l);
	done(rc, addr ? copy : NULL, arg);
}

/* Both the pipe's EOF and the child's exit are needed: the answer is
 * complete at EOF, and the child must be gone (or killed) before we free. */
static void maybe_finish(struct name_lookup *l)
{
	char *nl;

	if (!l->eof)
		return;
	l->buf[l->len] = '\0';
	nl = memchr(l->buf, '\n', l->len);
	if (l->len >= 2 && l->buf[0] == '+' && nl) {
		*nl = '\0';
		finish(l, 0, l->buf + 1);
	} else if (l->len >= 1 && l->buf[0] == '-') {
		finish(l, -ENOENT, NULL);
	} else {
		finish(l, -EPROTO, NULL);
	}
}

static void on_read(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct name_lookup *l = arg;
	ssize_t n;

	(void)loop;
	(void)events;
	n = read(fd, l->buf + l->len, sizeof l->buf - 1 - l->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		l->len += (size_t)n;
		if (l->len < sizeof l->buf - 1)
			return;
	}
	l->eof = true;
	maybe_finish(l);
}

static void on_child(struct ev_loop *loop, pid_t pid, int wstatus, void *arg)
{
	struct name_lookup *l = arg;

	(void)loop;
	(void)pid;
	(void)wstatus;
	l->pid = 0;   /* reaped: nothing to kill */
}

static void on_timeout(struct ev_loop *loop, void *arg)
{
	(void)loop;
	finish(arg, -ETIMEDOUT, NULL);
}

static void on_numeric(struct ev_loop *loop, void *arg)
{
	struct name_lookup *l = arg;

	(void)loop;
	finish(l, 0, l->host);
}

static void child(int wfd, const char *host)
{
	char addr[MAX_ADDR], line[MAX_ADDR + 4];
	size_t n;

	if (http_resolve_blocking(host, addr, sizeof addr) == 0) {
		line[0] = '+';
		n = str_copy(line + 1, addr, sizeof line - 2);
		line[n + 1] = '\n';
		n += 2;
	} else {
		line[0] = '-';
		line[1] = '\n';
		n = 2;
	}
	if (write(wfd, line, n) < 0)
		_exit(1);
	_exit(0);
}

int name_lookup_start(struct ev_loop *loop, const char *host, uint64_t timeout_ms,
		      name_lookup_fn done, void *arg, struct name_lookup **out)
{
	struct name_lookup *l;
	int p[2] = { -1, -1 }, rc;

	if (!host || !*host || strlen(host) >= MAX_NAME || !done)
		return -EINVAL;
	l = calloc(1, sizeof *l);
	if (!l)
		return -ENOMEM;
	l->loop = loop;
	l->done = done;
	l->arg = arg;
	l->fd = -1;
	str_copy(l->host, host, sizeof l->host);
	ev_timer_init(&l->timer, on_timeout, l);
	if (master_host_is_numeric(host)) {
		if (strcasecmp(host, "localhost") == 0)
			str_copy(l->host, "127.0.0.1", sizeof l->host);
		if ((rc = ev_defer(loop, on_numeric, l)) < 0)
			goto fail;
		*out = l;
		return 0;
	}
	if (pipe(p) < 0) {
		rc = -errno;
		goto fail;
	}
	l->pid = fork();
	if (l->pid < 0) {
		rc = -errno;
		l->pid = 0;
		goto fail;
	}
	if (l->pid == 0) {
		close(p[0]);
		child(p[1], host);
	}
	close(p[1]);
	p[1] = -1;
	l->fd = p[0];
	p[0] = -1;
	if ((rc = ev_fd_nonblock(l->fd)) < 0 ||
	    (rc = ev_io_add(loop, l->fd, EV_READ, on_read, l)) < 0 ||
	    (rc = ev_child_add(loop, l->pid, on_child, l)) < 0 ||
	    (rc = ev_timer_start(loop, &l->timer, timeout_ms ? timeout_ms : 5000, 0)) < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	cleanup(l);
	free(l);
	return rc;
}

void name_lookup_cancel(struct name_lookup *l)
{
	if (!l)
		return;
	ev_defer_cancel(l->loop, on_numeric, l);
	cleanup(l);
	free(l);
}
