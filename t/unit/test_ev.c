/* Unit tests for lib/ev: timers, fds, signals, children, deferred calls. */
#include "tap.h"

#include "ev/ev.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- timers ---- */

struct order {
	int seen[2048];
	int n;
};

struct tagged {
	struct ev_timer t;
	struct order *o;
	int tag;
	bool cancelled;
};

static void record_timer(struct ev_loop *loop, void *arg)
{
	struct tagged *x = arg;
	x->o->seen[x->o->n++] = x->tag;
}

static void test_timer_order(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct order o = { .n = 0 };
	struct tagged x[3];
	int after[3] = { 30, 10, 20 };

	for (int i = 0; i < 3; i++) {
		x[i] = (struct tagged){ .o = &o, .tag = after[i] };
		ev_timer_init(&x[i].t, record_timer, &x[i]);
		ev_timer_start(loop, &x[i].t, (uint64_t)after[i], 0);
	}
	uint64_t t0 = ev_time_ms();
	is_int(ev_run(loop), 0, "ev_run returns 0 once the timers are done");
	uint64_t took = ev_time_ms() - t0;
	is_int(o.n, 3, "three timers fired");
	ok(o.seen[0] == 10 && o.seen[1] == 20 && o.seen[2] == 30,
	   "timers fire in due order (%d %d %d)", o.seen[0], o.seen[1], o.seen[2]);
	ok(took >= 25 && took < 1000, "the last one fired after ~30 ms (took %llu)",
	   (unsigned long long)took);
	ok(!ev_timer_active(&x[0].t), "a fired one-shot timer is inactive");
	ev_loop_free(loop);
}

struct repeater {
	struct ev_timer t;
	int count;
	uint64_t first, last;
};

static void repeat_cb(struct ev_loop *loop, void *arg)
{
	struct repeater *r = arg;
	if (!r->count)
		r->first = ev_now_ms(loop);
	r->last = ev_now_ms(loop);
	if (++r->count == 5)
		ev_timer_stop(loop, &r->t);
}

static void test_timer_repeat(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct repeater r = { .count = 0 };
	ev_timer_init(&r.t, repeat_cb, &r);
	ev_timer_start(loop, &r.t, 5, 10);
	ev_run(loop);
	is_int(r.count, 5, "a repeating timer stopped in its 5th callback fired 5 times");
	ok(r.last - r.first >= 30, "repeats were ~10 ms apart (%llu ms for 4)",
	   (unsigned long long)(r.last - r.first));
	ev_loop_free(loop);
}

struct pair {
	struct ev_timer a, b;
	int fired_a, fired_b;
};

static void pair_a(struct ev_loop *loop, void *arg)
{
	struct pair *p = arg;
	p->fired_a++;
	ev_timer_stop(loop, &p->b);
}

static void pair_b(struct ev_loop *loop, void *arg)
{
	struct pair *p = arg;
	p->fired_b++;
	ev_timer_stop(loop, &p->a);
}

static void test_timer_cancel_in_callback(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct pair p = { .fired_a = 0 };
	ev_timer_init(&p.a, pair_a, &p);
	ev_timer_init(&p.b, pair_b, &p);
	ev_timer_start(loop, &p.a, 5, 0);
	ev_timer_start(loop, &p.b, 5, 0);
	/* Both are due before the loop looks at them. */
	while (ev_time_ms() < ev_now_ms(loop) + 10)
		;
	ev_run_once(loop, 0);
	is_int(p.fired_a + p.fired_b, 1,
	       "two due timers that cancel each other: exactly one fires");
	ok(!ev_timer_active(&p.a) && !ev_timer_active(&p.b), "both are inactive");
	ev_loop_free(loop);
}

static void test_timer_heap(void)
{
	struct ev_loop *loop = ev_loop_new();
	static struct tagged x[1000];
	static struct order o;
	int cancelled = 0, wrong = 0, unordered = 0;

	srand(42);
	o.n = 0;
	for (int i = 0; i < 1000; i++) {
		x[i] = (struct tagged){ .o = &o, .tag = i };
		ev_timer_init(&x[i].t, record_timer, &x[i]);
		ev_timer_start(loop, &x[i].t, (uint64_t)(rand() % 60), 0);
	}
	/* Restart some (moves them), stop others. */
	for (int i = 0; i < 1000; i += 3)
		ev_timer_start(loop, &x[i].t, (uint64_t)(rand() % 60), 0);
	for (int i = 1; i < 1000; i += 4) {
		ev_timer_stop(loop, &x[i].t);
		x[i].cancelled = true;
		cancelled++;
	}
	ev_run(loop);
	for (int i = 0; i < o.n; i++) {
		if (x[o.seen[i]].cancelled)
			wrong++;
		if (i && x[o.seen[i]].t.due_ms < x[o.seen[i - 1]].t.due_ms)
			unordered++;
	}
	is_int(o.n, 1000 - cancelled, "every running timer of 1000 fired once");
	is_int(wrong, 0, "no stopped timer fired");
	is_int(unordered, 0, "timers fired in due order");
	ev_loop_free(loop);
}

static void zero_restart(struct ev_loop *loop, void *arg)
{
	struct repeater *r = arg;
	if (++r->count < 3)
		ev_timer_start(loop, &r->t, 0, 0);
}

static void test_timer_zero_restart(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct repeater r = { .count = 0 };
	ev_timer_init(&r.t, zero_restart, &r);
	ev_timer_start(loop, &r.t, 0, 0);
	int ran = ev_run_once(loop, 0);
	is_int(ran, 1, "a timer restarting itself with 0 ms runs once per iteration");
	ev_run(loop);
	is_int(r.count, 3, "and keeps running on later iterations");
	ev_loop_free(loop);
}

/* ---- file descriptors ---- */

struct iostate {
	struct ev_loop *loop;
	int fds[2][2];
	int hits[2];
	unsigned events;
	char got[32];
	int newfd_hits;
};

static void pipe_read(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct iostate *s = arg;
	ssize_t n = read(fd, s->got, sizeof(s->got) - 1);
	s->got[n > 0 ? n : 0] = 0;
	s->events = events;
	s->hits[0]++;
	if (n == 0)
		ev_io_del(loop, fd);
}

static void test_io_pipe(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct iostate s = { .loop = loop };
	int p[2];

	ok(pipe(p) == 0 && ev_fd_nonblock(p[0]) == 0, "pipe, nonblocking");
	is_int(ev_io_add(loop, p[0], EV_READ, pipe_read, &s), 0, "ev_io_add");
	is_int(ev_io_add(loop, p[0], EV_READ, pipe_read, &s), -EEXIST,
	       "a second watcher on the fd is -EEXIST");
	is_int(ev_io_mod(loop, 999, EV_READ), -ENOENT, "ev_io_mod of an unwatched fd is -ENOENT");
	is_int(ev_run_once(loop, 20), 0, "nothing to read: no callback");
	ok(write(p[1], "hello", 5) == 5, "write");
	is_int(ev_run_once(loop, 1000), 1, "one callback");
	is_str(s.got, "hello", "the reader got the bytes");
	ok(s.events == EV_READ, "events = EV_READ");

	close(p[1]);
	is_int(ev_run_once(loop, 1000), 1, "hang-up is reported");
	ok((s.events & EV_READ) && (s.events & EV_ERROR),
	   "hang-up comes as EV_READ|EV_ERROR (0x%x)", s.events);
	is_int(s.got[0], 0, "and read() sees EOF");
	is_int(ev_run(loop), 0, "ev_run returns at once when the last watcher is gone");
	close(p[0]);
	ev_loop_free(loop);
}

static void sock_cb(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct iostate *s = arg;
	s->events = events;
	s->hits[0]++;
	if (events & EV_WRITE) {
		ok(write(fd, "ping", 4) == 4, "socket writable: wrote ping");
		ev_io_mod(loop, fd, EV_READ);
	}
	if (events & EV_READ) {
		ssize_t n = read(fd, s->got, sizeof(s->got) - 1);
		s->got[n > 0 ? n : 0] = 0;
		ev_io_del(loop, fd);
	}
}

static void echo_cb(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	char b[32];
	ssize_t n = read(fd, b, sizeof(b));
	if (n > 0 && write(fd, b, (size_t)n) != n)
		n = -1;
	ev_io_del(loop, fd);
}

static void test_io_socketpair(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct iostate s = { .loop = loop };
	int sp[2];

	ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0, "socketpair");
	ev_fd_nonblock(sp[0]);
	ev_fd_nonblock(sp[1]);
	ev_io_add(loop, sp[0], EV_WRITE, sock_cb, &s);
	ev_io_add(loop, sp[1], EV_READ, echo_cb, NULL);
	is_int(ev_run(loop), 0, "ping-pong over a socketpair runs to completion");
	is_str(s.got, "ping", "the echo came back");
	is_int(s.hits[0], 2, "two callbacks on the pinging side (write, then read)");

	/* An idle (mask 0) watcher on a hung-up socket must not spin. */
	close(sp[1]);
	ev_io_add(loop, sp[0], 0, sock_cb, &s);
	uint64_t t0 = ev_time_ms();
	int ran = 0, iters = 0;
	while (ev_time_ms() - t0 < 50 && iters < 1000) {
		ran += ev_run_once(loop, 50);
		iters++;
	}
	is_int(ran, 0, "mask 0 on a hung-up socket: no callbacks");
	ok(iters <= 2, "and the loop slept instead of spinning (%d iterations)", iters);
	ev_io_mod(loop, sp[0], EV_READ);
	is_int(ev_run_once(loop, 1000), 1, "raising the mask to EV_READ reports the hang-up");
	ev_io_del(loop, sp[0]);
	close(sp[0]);
	ev_loop_free(loop);
}

/* Two readable pipes; whichever callback runs first deletes the other. */
static void del_other(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct iostate *s = arg;
	int me = fd == s->fds[0][0] ? 0 : 1;
	s->hits[me]++;
	ev_io_del(loop, s->fds[!me][0]);
	ev_io_del(loop, fd);
}

static void test_io_delete_other(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct iostate s = { .loop = loop };

	for (int i = 0; i < 2; i++) {
		ok(pipe(s.fds[i]) == 0 && write(s.fds[i][1], "x", 1) == 1, "pipe %d readable", i);
		ev_io_add(loop, s.fds[i][0], EV_READ, del_other, &s);
	}
	int ran = ev_run_once(loop, 1000);
	is_int(ran, 1, "one callback ran");
	is_int(s.hits[0] + s.hits[1], 1,
	       "deleting the other fd's watcher suppressed its pending event");
	for (int i = 0; i < 2; i++) {
		close(s.fds[i][0]);
		close(s.fds[i][1]);
	}
	ev_loop_free(loop);
}

static void new_owner(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct iostate *s = arg;
	char c;
	s->newfd_hits++;
	if (read(fd, &c, 1) != 1)
		s->newfd_hits += 100;  /* a stale event: nothing to read */
}

/* The first callback closes the other pipe and puts a fresh, empty pipe on
 * the same fd number with a new watcher. */
static void close_reuse(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct iostate *s = arg;
	int me = fd == s->fds[0][0] ? 0 : 1;
	int other = s->fds[!me][0];
	int p[2];

	s->hits[me]++;
	ev_io_del(loop, fd);
	ev_io_del(loop, other);
	close(other);
	close(s->fds[!me][1]);
	if (pipe(p) < 0)
		return;
	if (p[0] != other) {
		dup2(p[0], other);
		close(p[0]);
	}
	s->fds[!me][0] = other;
	s->fds[!me][1] = p[1];
	ev_fd_nonblock(other);
	ev_io_add(loop, other, EV_READ, new_owner, s);
}

static void test_io_close_reuse(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct iostate s = { .loop = loop };

	for (int i = 0; i < 2; i++) {
		ok(pipe(s.fds[i]) == 0 && write(s.fds[i][1], "x", 1) == 1, "pipe %d readable", i);
		ev_io_add(loop, s.fds[i][0], EV_READ, close_reuse, &s);
	}
	is_int(ev_run_once(loop, 1000), 1, "one callback ran in the iteration");
	is_int(s.newfd_hits, 0, "the stale event did not reach the fd's new owner");
	int idx = s.hits[0] ? 1 : 0;
	ok(write(s.fds[idx][1], "y", 1) == 1, "write to the new pipe");
	is_int(ev_run_once(loop, 1000), 1, "the new owner gets its own event");
	is_int(s.newfd_hits, 1, "exactly once, with data to read");
	ev_io_del(loop, s.fds[idx][0]);
	for (int i = 0; i < 2; i++) {
		close(s.fds[i][0]);
		close(s.fds[i][1]);
	}
	ev_loop_free(loop);
}

/* ---- signals ---- */

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	int *got = arg;
	*got = signo;
}

static bool sig_blocked(int signo)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, signo) == 1;
}

static void test_signals(void)
{
	struct ev_loop *loop = ev_loop_new();
	int got = 0;

	is_int(ev_signal_add(loop, SIGCHLD, on_signal, &got), -EINVAL, "SIGCHLD is reserved");
	is_int(ev_signal_add(loop, SIGUSR1, on_signal, &got), 0, "ev_signal_add SIGUSR1");
	is_int(ev_signal_add(loop, SIGUSR1, on_signal, &got), -EEXIST, "one handler per signal");
	ok(sig_blocked(SIGUSR1), "SIGUSR1 is blocked while watched");
	raise(SIGUSR1);
	is_int(ev_run_once(loop, 1000), 1, "one callback");
	is_int(got, SIGUSR1, "the handler saw SIGUSR1");
	got = 0;
	raise(SIGUSR1);
	ev_signal_del(loop, SIGUSR1);
	ok(!sig_blocked(SIGUSR1), "deleting the handler restores the mask");
	is_int(ev_run_once(loop, 20), 0, "a signal pending at deletion is dropped");
	is_int(got, 0, "no handler ran after deletion");
	is_int(ev_run(loop), 0, "ev_run returns with nothing registered");
	ev_loop_free(loop);
	ok(!sig_blocked(SIGCHLD), "freeing the loop unblocks SIGCHLD");
}

/* ---- children ---- */

struct kids {
	int n_done;
	int status_ok;
	pid_t pids[64];
	int wstatus[64];
	bool done[64];
};

static void on_child(struct ev_loop *loop, pid_t pid, int wstatus, void *arg)
{
	struct kids *k = arg;
	for (int i = 0; i < 64; i++) {
		if (k->pids[i] != pid)
			continue;
		if (!k->done[i]) {
			k->done[i] = true;
			k->n_done++;
			k->wstatus[i] = wstatus;
			if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == i)
				k->status_ok++;
		}
		return;
	}
}

static void test_children(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct kids k = { .n_done = 0 };
	pid_t unwatched[5];

	/* A few unwatched children must be reaped too. */
	for (int i = 0; i < 5; i++) {
		unwatched[i] = fork();
		if (unwatched[i] == 0)
			_exit(0);
	}
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i);
		k.pids[i] = pid;
		ev_child_add(loop, pid, on_child, &k);
	}
	is_int(ev_child_add(loop, k.pids[0], on_child, &k), -EEXIST, "one watcher per pid");
	is_int(ev_run(loop), 0, "ev_run returns once every watched child is reported");
	is_int(k.n_done, 50, "50 children reported");
	is_int(k.status_ok, 50, "each with its own exit status");
	uint64_t t0 = ev_time_ms();
	for (int i = 0; i < 5 && ev_time_ms() - t0 < 5000; )
		if (kill(unwatched[i], 0) == 0)
			ev_run_once(loop, 10);
		else
			i++;
	errno = 0;
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	   "no child left unreaped, the 5 unwatched ones included");

	/* Killed by a signal. */
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	k.pids[50] = pid;
	ev_child_add(loop, pid, on_child, &k);
	kill(pid, SIGKILL);
	ev_run(loop);
	ok(k.done[50] && WIFSIGNALED(k.wstatus[50]) && WTERMSIG(k.wstatus[50]) == SIGKILL,
	   "a killed child reports WTERMSIG = SIGKILL");

	/* A child reaped before anyone watched it. */
	pid = fork();
	if (pid == 0)
		_exit(51);
	k.pids[51] = pid;
	t0 = ev_time_ms();
	while (kill(pid, 0) == 0 && ev_time_ms() - t0 < 5000)
		ev_run_once(loop, 10);  /* the loop reaps it from SIGCHLD */
	ok(kill(pid, 0) < 0 && errno == ESRCH, "an unwatched child was reaped");
	is_int(ev_child_add(loop, pid, on_child, &k), 0, "watch it afterwards");
	is_int(ev_run_once(loop, 1000), 1, "the remembered exit is reported");
	ok(k.done[51] && WEXITSTATUS(k.wstatus[51]) == 51, "with its exit status");

	/* ev_child_del: no report after deletion. */
	pid = fork();
	if (pid == 0)
		_exit(52);
	k.pids[52] = pid;
	ev_child_add(loop, pid, on_child, &k);
	ev_child_del(loop, pid);
	t0 = ev_time_ms();
	while (kill(pid, 0) == 0 && ev_time_ms() - t0 < 5000)
		ev_run_once(loop, 10);
	ok(!k.done[52], "a deleted child watcher is not called");
	ev_loop_free(loop);
}

/* ---- deferred calls ---- */

struct defers {
	struct ev_loop *loop;
	char log[64];
	int n;
};

static void defer_mark(struct ev_loop *loop, void *arg)
{
	struct defers *d = arg;
	d->log[d->n++] = 'm';
}

static void defer_next(struct ev_loop *loop, void *arg)
{
	struct defers *d = arg;
	d->log[d->n++] = 'n';
}

static void defer_a(struct ev_loop *loop, void *arg)
{
	struct defers *d = arg;
	d->log[d->n++] = 'a';
	ev_defer_cancel(loop, defer_mark, d);  /* queued in the same pass */
	ev_defer(loop, defer_next, d);         /* runs next iteration */
}

static void defer_b(struct ev_loop *loop, void *arg)
{
	struct defers *d = arg;
	d->log[d->n++] = 'b';
}

static void test_defer(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct defers d = { .loop = loop };

	ev_defer(loop, defer_b, &d);
	ev_defer(loop, defer_a, &d);
	ev_defer(loop, defer_mark, &d);  /* cancelled by defer_a */
	ev_defer(loop, defer_b, &d);
	ev_defer_cancel(loop, defer_b, &d);  /* cancels both b's */
	ev_defer(loop, defer_b, &d);
	is_int(ev_run_once(loop, 1000), 2, "first pass: a and the re-queued b");
	d.log[d.n] = 0;
	is_str(d.log, "ab", "cancelled calls did not run, order kept");
	is_int(ev_run_once(loop, 1000), 1, "a call queued from a deferred call runs next iteration");
	d.log[d.n] = 0;
	is_str(d.log, "abn", "and it ran");
	is_int(ev_run(loop), 0, "ev_run returns when nothing is left");
	ev_loop_free(loop);
}

/* ---- running and stopping ---- */

static void stopper(struct ev_loop *loop, void *arg)
{
	int *n = arg;
	if (++*n == 3)
		ev_stop(loop);
}

static void fire_once(struct ev_loop *loop, void *arg)
{
	int *n = arg;
	++*n;
}

static void test_run_stop_idle(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer t;
	int n = 0;

	uint64_t t0 = ev_time_ms();
	is_int(ev_run(loop), 0, "ev_run on an empty loop returns at once");
	ok(ev_time_ms() - t0 < 100, "without waiting");
	is_int(ev_run_once(loop, -1), 0, "ev_run_once(-1) on an empty loop does not block");

	ev_timer_init(&t, stopper, &n);
	ev_timer_start(loop, &t, 1, 1);
	ev_run(loop);
	is_int(n, 3, "ev_stop ends ev_run");
	ok(ev_timer_active(&t), "with the repeating timer still registered");
	ev_timer_stop(loop, &t);

	n = 0;
	ev_timer_init(&t, fire_once, &n);
	ev_timer_start(loop, &t, 150, 0);
	int iters = 0;
	t0 = ev_time_ms();
	while (!n && iters < 100) {
		ev_run_once(loop, -1);
		iters++;
	}
	uint64_t took = ev_time_ms() - t0;
	ok(iters <= 2, "an idle loop sleeps until the timer (%d iterations)", iters);
	ok(took >= 140 && took < 1000, "for ~150 ms (%llu)", (unsigned long long)took);
	ev_loop_free(loop);
}

int main(void)
{
	test_timer_order();
	test_timer_repeat();
	test_timer_cancel_in_callback();
	test_timer_heap();
	test_timer_zero_restart();
	test_io_pipe();
	test_io_socketpair();
	test_io_delete_other();
	test_io_close_reuse();
	test_signals();
	test_children();
	test_defer();
	test_run_stop_idle();
	return done_testing();
}
