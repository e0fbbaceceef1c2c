/* etcd_proc_log — a child's output into a capped, rotated log file and an
 * in-memory tail. See etcd_proc_log.h. */
#include "etcd_proc_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

#define DEFAULT_CAP (10ULL << 20)

struct etcd_proc_log {
	struct ev_loop *loop;
	char *path;              /* NULL: memory only */
	char *path1;             /* path + ".1" */
	uint64_t cap;
	int file_fd;             /* -1: none (memory only, or given up) */
	uint64_t file_size;
	unsigned rotations;
	int pipe_fd;             /* -1: no child attached */
	/* The tail: the last bytes seen, contiguous; trimmed to
	 * ETCD_PROC_LOG_TAIL when it reaches twice that. */
	char tail[2 * ETCD_PROC_LOG_TAIL];
	size_t tail_len;
};

static int open_file(struct etcd_proc_log *l)
{
	struct stat st;
	int fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	l->file_fd = fd;
	l->file_size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static void give_up_file(struct etcd_proc_log *l, const char *what, int err)
{
	log_warn("etcd log %s: %s: %s; keeping only the last lines in memory", l->path, what,
		 strerror(err));
	if (l->file_fd >= 0)
		close(l->file_fd);
	l->file_fd = -1;
}

static void rotate(struct etcd_proc_log *l)
{
	int rc;

	close(l->file_fd);
	l->file_fd = -1;
	if (rename(l->path, l->path1) != 0) {
		give_up_file(l, "rotate", errno);
		return;
	}
	l->rotations++;
	rc = open_file(l);
	if (rc < 0)
		give_up_file(l, "reopen after rotation", -rc);
}

static void tail_add(struct etcd_proc_log *l, const char *p, size_t n)
{
	if (n >= ETCD_PROC_LOG_TAIL) {
		memcpy(l->tail, p + n - ETCD_PROC_LOG_TAIL, ETCD_PROC_LOG_TAIL);
		l->tail_len = ETCD_PROC_LOG_TAIL;
		return;
	}
	if (l->tail_len + n > sizeof l->tail) {
		size_t keep = ETCD_PROC_LOG_TAIL - n;
		memmove(l->tail, l->tail + l->tail_len - keep, keep);
		l->tail_len = keep;
	}
	memcpy(l->tail + l->tail_len, p, n);
	l->tail_len += n;
}

static bool write_all(struct etcd_proc_log *l, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(l->file_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			give_up_file(l, "write", w < 0 ? errno : EIO);
			return false;
		}
		p += w;
		n -= (size_t)w;
		l->file_size += (uint64_t)w;
	}
	return true;
}

/* Never lets the file grow past the cap, and rotates at a line boundary
 * when it can: only a line longer than the cap is split. */
static void file_add(struct etcd_proc_log *l, const char *p, size_t n)
{
	while (n > 0 && l->file_fd >= 0) {
		size_t room = l->file_size < l->cap ? (size_t)(l->cap - l->file_size) : 0;
		const char *nl;
		size_t take;

		if (n <= room) {
			write_all(l, p, n);
			return;
		}
		nl = room ? memrchr(p, '\n', room) : NULL;
		if (nl)
			take = (size_t)(nl - p) + 1;
		else if (l->file_size > 0)
			take = 0;           /* start the line in a fresh file */
		else
			take = room;        /* a line longer than the cap */
		if (take && !write_all(l, p, take))
			return;
		p += take;
		n -= take;
		rotate(l);
	}
}

static void add(struct etcd_proc_log *l, const char *p, size_t n)
{
	tail_add(l, p, n);
	file_add(l, p, n);
}

static void close_pipe(struct etcd_proc_log *l)
{
	if (l->pipe_fd < 0)
		return;
	ev_io_del(l->loop, l->pipe_fd);
	close(l->pipe_fd);
	l->pipe_fd = -1;
}

/* Reads until the pipe is empty (false) or at EOF/error (true). At most
 * max_reads reads, so a chatty child cannot hold the loop. */
static bool read_some(struct etcd_proc_log *l, unsigned max_reads)
{
	char chunk[4096];

	for (unsigned i = 0; i < max_reads; i++) {
		ssize_t r = read(l->pipe_fd, chunk, sizeof chunk);
		if (r > 0) {
			add(l, chunk, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		return true;   /* EOF or a real error */
	}
	return false;
}

static void on_readable(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct etcd_proc_log *l = arg;

	(void)loop;
	(void)fd;
	(void)events;
	if (read_some(l, 16))
		close_pipe(l);
}

int etcd_proc_log_new(struct ev_loop *loop, const char *path, uint64_t cap_bytes,
		      struct etcd_proc_log **out)
{
	struct etcd_proc_log *l = calloc(1, sizeof *l);
	int rc = -ENOMEM;

	*out = NULL;
	if (!l)
		return -ENOMEM;
	l->loop = loop;
	l->cap = cap_bytes ? cap_bytes : DEFAULT_CAP;
	l->file_fd = -1;
	l->pipe_fd = -1;
	if (path) {
		size_t n = strlen(path);
		l->path = strdup(path);
		l->path1 = malloc(n + 3);
		if (!l->path || !l->path1)
			goto fail;
		memcpy(l->path1, path, n);
		memcpy(l->path1 + n, ".1", 3);
		rc = open_file(l);
		if (rc < 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	etcd_proc_log_free(l);
	return rc;
}

void etcd_proc_log_free(struct etcd_proc_log *l)
{
	if (!l)
		return;
	close_pipe(l);
	if (l->file_fd >= 0)
		close(l->file_fd);
	free(l->path);
	free(l->path1);
	free(l);
}

int etcd_proc_log_attach(struct etcd_proc_log *l, int fd)
{
	int rc;

	etcd_proc_log_drain(l);
	l->pipe_fd = fd;
	rc = ev_io_add(l->loop, fd, EV_READ, on_readable, l);
	if (rc < 0) {
		close(fd);
		l->pipe_fd = -1;
	}
	return rc;
}

void etcd_proc_log_drain(struct etcd_proc_log *l)
{
	if (l->pipe_fd < 0)
		return;
	read_some(l, 1024);
	close_pipe(l);
}

void etcd_proc_log_note(struct etcd_proc_log *l, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	memcpy(line, "etcd-mesos: ", 12);
	va_start(ap, fmt);
	n = vsnprintf(line + 12, sizeof line - 13, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += 12;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* Our note starts on a line of its own. */
	if (l->tail_len > 0 && l->tail[l->tail_len - 1] != '\n')
		add(l, "\n", 1);
	add(l, line, (size_t)n);
}

size_t etcd_proc_log_tail(const struct etcd_proc_log *l, unsigned max_lines,
			  char *out, size_t outlen)
{
	const char *t = l->tail, *end = l->tail + l->tail_len, *start;
	unsigned lines = 0;
	size_t w = 0;

	if (outlen == 0)
		return 0;
	while (end > t && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	start = end;
	while (start > t && lines < max_lines) {
		start--;
		if (*start == '\n' && ++lines == max_lines) {
			start++;
			break;
		}
	}
	for (const char *p = start; p < end && w + 1 < outlen; p++) {
		if (*p == '\n') {
			if (w + 4 >= outlen)
				break;
			memcpy(out + w, " | ", 3);
			w += 3;
		} else if (*p == '\r' || *p == '\t') {
			out[w++] = ' ';
		} else if ((unsigned char)*p >= 0x20 && *p != 0x7f) {
			out[w++] = *p;
		}
	}
	out[w] = '\0';
	return w;
}

uint64_t etcd_proc_log_size(const struct etcd_proc_log *l)
{
	return l->file_size;
}

unsigned etcd_proc_log_rotations(const struct etcd_proc_log *l)
{
	return l->rotations;
}
