/*
 * em-chaos-writer — the writer of scripts/chaos: puts sequential keys
 * into etcd through lib/etcd's client (linearizable puts, acknowledged
 * only once a quorum committed them) and logs every acknowledged write,
 * so the chaos checker can later demand that each one is readable.
 *
 *   em-chaos-writer -endpoints-file=F -ack-log=L [-prefix=chaos/]
 *                   [-interval-ms=20] [-max-writes=N] [-max-seconds=S]
 *                   [-start=SEQ]
 *
 * F holds the client URLs, comma- or space-separated (the chaos script
 * rewrites it with `ctl endpoints` after every heal, by rename). It is
 * read again when its modification time changes and after every failed
 * write; a new list replaces the client between two writes, never during
 * one.
 *
 * Key i is PREFIX followed by i as 10 digits, its value the decimal i.
 * After each acknowledged put the line "i revision elapsed_ms wall_ms"
 * (wall_ms: the answer's time, milliseconds since the epoch, to time
 * write stalls against faults) is appended to L with one write(2) (a
 * reader that counts newline-ended lines never sees half a line). A put that failed, or whose outcome is
 * unknown, is logged on stderr and never retried: the next write takes
 * the next key, so an unknown key is simply not checked. Keys are never
 * reused, so a key that exists always holds the value written.
 *
 * Ends on SIGTERM or SIGINT, after N writes attempted or S seconds
 * (defaults 10 000 000 and 86 400: every run is bounded), printing
 * "writer: attempted=A acked=K failed=F last_ack=I" on stdout.
 * Exit 0; 2 on usage errors; 1 if the loop or the ack log failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/strutil.h"
#include "etcd/etcd_client.h"
#include "ev/ev.h"

#define EP_FILE_MAX 4096

struct writer {
	struct ev_loop *loop;
	struct etcd_client *cli;
	const char *ep_file;
	const char *prefix;
	int ack_fd;
	struct timespec ep_mtime;
	char ep_text[EP_FILE_MAX];
	struct ev_timer next;
	uint64_t interval_ms;
	uint64_t max_writes;
	uint64_t deadline_ms;
	uint64_t seq;           /* next key */
	uint64_t attempted, acked, failed;
	int64_t last_ack;
	uint64_t started_ms;
	bool in_flight;
	bool stopping;
	int rc;
};

static void writer_put(struct ev_loop *loop, void *arg);

/* Reads the endpoints file; 1 if the list changed and the client was
 * replaced, 0 if unchanged, negative errno on failure (old client kept). */
static int writer_load_endpoints(struct writer *w, bool force)
{
	struct stat st;
	char text[EP_FILE_MAX], *save = NULL, *tok;
	const char *eps[ETCD_CLIENT_MAX_ENDPOINTS];
	size_t n = 0;
	ssize_t len;
	int fd, rc;

	if (stat(w->ep_file, &st) != 0)
		return -errno;
	if (!force && w->cli && st.st_mtim.tv_sec == w->ep_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == w->ep_mtime.tv_nsec)
		return 0;
	fd = open(w->ep_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof text - 1);
	close(fd);
	if (len < 0)
		return -errno;
	text[len] = '\0';
	w->ep_mtime = st.st_mtim;
	if (w->cli && strcmp(text, w->ep_text) == 0)
		return 0;
	str_copy(w->ep_text, text, sizeof w->ep_text);
	for (tok = strtok_r(text, ", \t\n", &save); tok && n < ETCD_CLIENT_MAX_ENDPOINTS;
	     tok = strtok_r(NULL, ", \t\n", &save))
		eps[n++] = tok;
	if (n == 0)
		return -ENOENT;

	struct etcd_client_config cfg = {
		.endpoints = eps, .n_endpoints = n,
		.timeout_ms = 5000, .attempt_timeout_ms = 2000,
	};
	struct etcd_client *c = NULL;
	char err[256];
	rc = etcd_client_new(w->loop, &cfg, &c, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "writer: endpoints '%s' from %s: %s\n", w->ep_text, w->ep_file, err);
		w->ep_text[0] = '\0';
		return rc;
	}
	etcd_client_free(w->cli);
	w->cli = c;
	fprintf(stderr, "writer: %zu endpoints: %s\n", n, eps[0]);
	return 1;
}

static void writer_schedule(struct writer *w, uint64_t delay_ms)
{
	if (w->stopping)
		return;
	if (ev_timer_start(w->loop, &w->next, delay_ms ? delay_ms : 1, 0) < 0) {
		w->rc = 1;
		ev_stop(w->loop);
	}
}

static void writer_done(struct etcd_call *call, const struct etcd_result *res,
			struct etcd_answer *ans, void *arg)
{
	struct writer *w = arg;
	uint64_t seq = w->seq - 1;
	(void)call;

	w->in_flight = false;
	if (res->err == 0) {
		char line[128];
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		int n = snprintf(line, sizeof line, "%" PRIu64 " %" PRId64 " %" PRIu64 " %lld\n",
				 seq, ans->put.header.revision, res->elapsed_ms,
				 (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
		if (write(w->ack_fd, line, (size_t)n) != n) {
			fprintf(stderr, "writer: cannot append to the ack log: %s\n", strerror(errno));
			w->rc = 1;
			w->stopping = true;
			ev_stop(w->loop);
			return;
		}
		w->acked++;
		w->last_ack = (int64_t)seq;
		writer_schedule(w, w->interval_ms);
	} else {
		w->failed++;
		fprintf(stderr, "writer: key %" PRIu64 " not acknowledged%s: %s\n", seq,
			res->outcome_unknown ? " (outcome unknown)" : "", res->errmsg);
		writer_load_endpoints(w, true);
		writer_schedule(w, 200);
	}
	if (w->stopping)
		ev_stop(w->loop);
}

static void writer_put(struct ev_loop *loop, void *arg)
{
	struct writer *w = arg;
	char key[128], val[32];
	int kl, vl, rc;
	(void)loop;

	if (w->stopping)
		return;
	if (w->attempted >= w->max_writes || ev_time_ms() >= w->deadline_ms) {
		w->stopping = true;
		ev_stop(w->loop);
		return;
	}
	rc = writer_load_endpoints(w, false);
	if (!w->cli) {
		if (rc < 0 && rc != -ENOENT)
			fprintf(stderr, "writer: endpoints file %s: %s (waiting for it)\n",
				w->ep_file, strerror(-rc));
		writer_schedule(w, 200);
		return;
	}
	kl = snprintf(key, sizeof key, "%s%010" PRIu64, w->prefix, w->seq);
	vl = snprintf(val, sizeof val, "%" PRIu64, w->seq);
	rc = etcd_client_put(w->cli, key, (size_t)kl, val, (size_t)vl, NULL, writer_done, w, NULL);
	if (rc < 0) {
		fprintf(stderr, "writer: put %s: %s\n", key, etcd_client_errmsg(w->cli));
		writer_schedule(w, 200);
		return;
	}
	w->seq++;
	w->attempted++;
	w->in_flight = true;
}

static void writer_signal(struct ev_loop *loop, int signo, void *arg)
{
	struct writer *w = arg;
	(void)signo;
	w->stopping = true;
	ev_timer_stop(loop, &w->next);
	if (!w->in_flight)
		ev_stop(loop);
}

static int usage(const char *msg)
{
	fprintf(stderr, "em-chaos-writer: %s\n"
		"usage: em-chaos-writer -endpoints-file=F -ack-log=L [-prefix=chaos/] "
		"[-interval-ms=20] [-max-writes=N] [-max-seconds=S] [-start=SEQ]\n", msg);
	return 2;
}

int main(int argc, char **argv)
{
	struct writer w = {
		.prefix = "chaos/", .ack_fd = -1, .interval_ms = 20,
		.max_writes = 10000000, .last_ack = -1,
	};
	const char *ack_path = NULL;
	uint64_t max_seconds = 86400;
	sigset_t set;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char msg[300];
		if (!eq || a[0] != '-')
			return usage("arguments look like -name=value");
		const char *v = eq + 1;
		size_t nl = (size_t)(eq - a);
		int rc = 0;
		if (nl == 15 && !strncmp(a, "-endpoints-file", nl)) w.ep_file = v;
		else if (nl == 8 && !strncmp(a, "-ack-log", nl)) ack_path = v;
		else if (nl == 7 && !strncmp(a, "-prefix", nl)) w.prefix = v;
		else if (nl == 12 && !strncmp(a, "-interval-ms", nl)) rc = parse_uint64(v, &w.interval_ms);
		else if (nl == 11 && !strncmp(a, "-max-writes", nl)) rc = parse_uint64(v, &w.max_writes);
		else if (nl == 12 && !strncmp(a, "-max-seconds", nl)) rc = parse_uint64(v, &max_seconds);
		else if (nl == 6 && !strncmp(a, "-start", nl)) rc = parse_uint64(v, &w.seq);
		else {
			snprintf(msg, sizeof msg, "unknown flag '%.*s'", (int)nl, a);
			return usage(msg);
		}
		if (rc < 0) {
			snprintf(msg, sizeof msg, "%s: not a whole number", a);
			return usage(msg);
		}
	}
	if (!w.ep_file || !ack_path)
		return usage("-endpoints-file and -ack-log are required");
	if (max_seconds == 0 || max_seconds > 7 * 86400)
		return usage("-max-seconds must be 1..604800");

	w.ack_fd = open(ack_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (w.ack_fd < 0) {
		fprintf(stderr, "em-chaos-writer: -ack-log=%s: %s\n", ack_path, strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ev_timer_init(&w.next, writer_put, &w);
	w.loop = ev_loop_new();
	if (!w.loop || ev_signal_add(w.loop, SIGTERM, writer_signal, &w) < 0 ||
	    ev_signal_add(w.loop, SIGINT, writer_signal, &w) < 0) {
		fprintf(stderr, "em-chaos-writer: cannot set up the event loop\n");
		w.rc = 1;
		goto fail;
	}
	w.started_ms = ev_time_ms();
	w.deadline_ms = w.started_ms + max_seconds * 1000;
	writer_schedule(&w, 1);
	if (ev_run(w.loop) < 0)
		w.rc = 1;
	printf("writer: attempted=%" PRIu64 " acked=%" PRIu64 " failed=%" PRIu64
	       " last_ack=%" PRId64 "\n", w.attempted, w.acked, w.failed, w.last_ack);
fail:
	if (w.loop)
		ev_timer_stop(w.loop, &w.next);
	etcd_client_free(w.cli);
	ev_loop_free(w.loop);
	close(w.ack_fd);
	return w.rc;
}
