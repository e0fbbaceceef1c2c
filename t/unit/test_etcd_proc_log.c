/* cmd/executor/etcd_proc_log: the capped, rotated etcd log and its
 * in-memory tail, fed through a real pipe on a real loop. */
#include "../../cmd/executor/etcd_proc_log.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Writes s into a fresh pipe attached to l, closes the write end and
 * runs the loop until the log has read it all. */
static void feed(struct ev_loop *loop, struct etcd_proc_log *l, const char *s, size_t n)
{
	int p[2];

	if (pipe(p) != 0)
		return;
	ev_fd_nonblock(p[0]);
	etcd_proc_log_attach(l, p[0]);
	while (n > 0) {
		ssize_t w = write(p[1], s, n > 4096 ? 4096 : n);
		if (w <= 0)
			break;
		s += w;
		n -= (size_t)w;
		ev_run_once(loop, 10);
	}
	close(p[1]);
	for (int i = 0; i < 20; i++)
		ev_run_once(loop, 10);
}

static void test_tail(struct ev_loop *loop)
{
	struct etcd_proc_log *l = NULL;
	char out[256];
	size_t n;

	ok(etcd_proc_log_new(loop, NULL, 0, &l) == 0, "a memory-only log");
	n = etcd_proc_log_tail(l, 3, out, sizeof out);
	ok(n == 0 && out[0] == '\0', "an empty tail");
	feed(loop, l, "one\ntwo\r\nthree\tx\n\n", 18);
	etcd_proc_log_tail(l, 2, out, sizeof out);
	is_str(out, "two  | three x", "the last two lines, joined, CR and TAB as spaces");
	etcd_proc_log_tail(l, 10, out, sizeof out);
	is_str(out, "one | two  | three x", "fewer lines than asked: all of them");
	feed(loop, l, "partial \x01\x7f", 10);
	etcd_proc_log_tail(l, 1, out, sizeof out);
	is_str(out, "partial ", "a last line without newline counts; control bytes dropped");
	etcd_proc_log_note(l, "etcd exited (%s)", "exit status 1");
	etcd_proc_log_tail(l, 2, out, sizeof out);
	is_str(out, "partial  | etcd-mesos: etcd exited (exit status 1)",
	       "a note starts on a line of its own");
	etcd_proc_log_tail(l, 2, out, 12);
	ok(strlen(out) <= 11, "the output buffer bounds the tail (%zu)", strlen(out));

	/* More than the tail holds: the newest bytes win. */
	{
		static char big[3 * ETCD_PROC_LOG_TAIL / 100 * 100];  /* whole lines */
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (i % 100 == 99) ? '\n' : (char)('a' + (i / 100) % 26);
		feed(loop, l, big, sizeof big);
		etcd_proc_log_tail(l, 1, out, sizeof out);
		char want[100];
		size_t last = sizeof big - 100;
		memcpy(want, big + last, 99);
		want[99] = '\0';
		is_str(out, want, "after %zu bytes the tail ends with the last line", sizeof big);
	}
	etcd_proc_log_free(l);
}

static void test_rotation(struct ev_loop *loop)
{
	struct etcd_proc_log *l = NULL;
	char path[128], path1[128], line[64], *text;
	static char data[8192];
	size_t len = 0;

	snprintf(path, sizeof path, "%s/etcd.log", dir);
	snprintf(path1, sizeof path1, "%s/etcd.log.1", dir);
	ok(etcd_proc_log_new(loop, path, 1000, &l) == 0, "a log capped at 1000 bytes");
	for (int i = 0; i < 60; i++) {
		int n = snprintf(line, sizeof line, "line %02d %s\n", i, "0123456789abcdef");
		memcpy(data + len, line, (size_t)n);
		len += (size_t)n;
	}
	feed(loop, l, data, len);
	ok(etcd_proc_log_rotations(l) >= 1, "it rotated (%u times, %zu bytes fed)",
	   etcd_proc_log_rotations(l), len);
	ok(file_size(path) <= 1000 && file_size(path1) <= 1000 && file_size(path1) > 900,
	   "neither file passes the cap (%ld, %ld)", file_size(path), file_size(path1));
	text = slurp(path1);
	ok(text[0] == 'l' && text[strlen(text) - 1] == '\n', "the old file holds whole lines");
	text = slurp(path);
	ok(strncmp(text, "line ", 5) == 0 && strstr(text, "line 59 ") != NULL,
	   "the current file starts on a line and ends with the last one");
	ok(etcd_proc_log_size(l) == (uint64_t)file_size(path), "size is the current file's");
	etcd_proc_log_free(l);

	/* Reopening appends; a line longer than the cap is split. */
	l = NULL;
	ok(etcd_proc_log_new(loop, path, 1000, &l) == 0, "reopened");
	{
		static char longline[2500];
		memset(longline, 'x', sizeof longline - 1);
		longline[sizeof longline - 1] = '\n';
		feed(loop, l, longline, sizeof longline);
	}
	ok(file_size(path) <= 1000 && file_size(path1) == 1000,
	   "a 2500-byte line is split across files, none past the cap (%ld, %ld)",
	   file_size(path), file_size(path1));
	etcd_proc_log_free(l);

	l = NULL;
	snprintf(path, sizeof path, "%s/no/such/dir/etcd.log", dir);
	ok(etcd_proc_log_new(loop, path, 0, &l) == -ENOENT && l == NULL,
	   "an unusable path fails with the errno");
}

int main(void)
{
	struct ev_loop *loop = ev_loop_new();

	snprintf(dir, sizeof dir, "/tmp/em-proc-log-XXXXXX");
	if (!loop || !mkdtemp(dir)) {
		ok(false, "setup");
		return done_testing();
	}
	test_tail(loop);
	test_rotation(loop);
	ev_loop_free(loop);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			note("could not remove %s", dir);
	}
	return done_testing();
}
