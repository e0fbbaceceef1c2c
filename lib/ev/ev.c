/*
 * ev.c — the event loop behind ev.h: epoll for fds, a binary min-heap of
 * caller-owned timers, one signalfd for signals (SIGCHLD always included,
 * so every child is reaped), and a queue of deferred calls.
 *
 * Stale events: every fd watcher carries a generation number that changes
 * on add and on delete; the epoll cookie is (generation << 32 | fd). An
 * event collected before ev_io_del (or before the fd number was reused) has
 * the old generation and is dropped when it is dispatched.
 *
 * An fd with an empty interest mask is kept out of the epoll set, so an
 * idle watcher on a hung-up socket cannot make the loop spin.
 *
 * Note for fork(): the loop keeps SIGCHLD (and every signal with a
 * handler) blocked; a child that execs should reset its signal mask.
 */
#include "ev/ev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EV_MAX_EVENTS 128
#define EV_SIGFD_COOKIE UINT64_MAX
/* Unclaimed exits remembered for a later ev_child_add. */
#define EV_EXIT_MEMORY 256
#define EV_EXIT_MEMORY_MS (10u * 60u * 1000u)

struct ev_io {
	ev_io_fn fn;
	void *arg;
	unsigned mask;
	uint32_t gen;
	bool active;
	bool in_epoll;
};

struct ev_sig {
	ev_signal_fn fn;
	void *arg;
	bool active;
	bool was_blocked;   /* blocked before we took it: leave it blocked */
};

struct ev_child {
	pid_t pid;
	ev_child_fn fn;
	void *arg;
	bool ready;
	int wstatus;
};

struct ev_exit {
	pid_t pid;
	int wstatus;
	uint64_t when_ms;
};

struct ev_deferred {
	ev_defer_fn fn;
	void *arg;
	bool live;
};

struct ev_defer_list {
	struct ev_deferred *v;
	size_t n, cap;
};

struct ev_loop {
	int epfd;
	int sigfd;
	uint64_t now_ms;
	bool stop;
	bool in_timer_pass;

	struct ev_io *io;       /* indexed by fd */
	size_t io_cap;
	size_t io_count;

	struct ev_timer **heap;
	size_t heap_n, heap_cap;

	struct ev_sig sig[_NSIG];
	size_t sig_count;
	sigset_t sigmask;       /* what the signalfd listens to */
	bool chld_was_blocked;

	struct ev_child *child;
	size_t child_n, child_cap;
	size_t child_ready;

	struct ev_exit exits[EV_EXIT_MEMORY];
	size_t exit_next;       /* ring cursor */

	struct ev_defer_list defer;    /* queued for the next defer pass */
	struct ev_defer_list running;  /* the pass being run */
};

uint64_t ev_time_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t ev_now_ms(struct ev_loop *loop)
{
	return loop->now_ms;
}

int ev_fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

static bool ev_has_work(const struct ev_loop *loop)
{
	return loop->io_count || loop->heap_n || loop->sig_count ||
	       loop->child_n || loop->defer.n;
}

/* ---- signals and children: the signalfd ---- */

static int ev_sigfd_update(struct ev_loop *loop)
{
	int fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	loop->sigfd = fd;
	return 0;
}

/* Consumes a pending instance of signo (it is blocked) without acting. */
static void ev_signal_drain(int signo)
{
	sigset_t one;
	struct timespec zero = { 0, 0 };
	sigemptyset(&one);
	sigaddset(&one, signo);
	while (sigtimedwait(&one, NULL, &zero) == signo)
		;
}

static void ev_signal_unblock(int signo)
{
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, signo);
	ev_signal_drain(signo);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
}

static struct ev_child *ev_child_find(struct ev_loop *loop, pid_t pid)
{
	for (size_t i = 0; i < loop->child_n; i++)
		if (loop->child[i].pid == pid)
			return &loop->child[i];
	return NULL;
}

static void ev_exit_remember(struct ev_loop *loop, pid_t pid, int wstatus)
{
	struct ev_exit *e = &loop->exits[loop->exit_next];
	e->pid = pid;
	e->wstatus = wstatus;
	e->when_ms = ev_time_ms();
	loop->exit_next = (loop->exit_next + 1) % EV_EXIT_MEMORY;
}

static void ev_reap(struct ev_loop *loop)
{
	for (;;) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid <= 0) {
			if (pid < 0 && errno == EINTR)
				continue;
			return;
		}
		struct ev_child *c = ev_child_find(loop, pid);
		if (c && !c->ready) {
			c->ready = true;
			c->wstatus = wstatus;
			loop->child_ready++;
		} else {
			ev_exit_remember(loop, pid, wstatus);
		}
	}
}

static int ev_sigfd_dispatch(struct ev_loop *loop)
{
	struct signalfd_siginfo si[16];
	int ran = 0;
	bool chld = false;

	for (;;) {
		ssize_t n = read(loop->sigfd, si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			int signo = (int)si[i].ssi_signo;
			if (signo == SIGCHLD) {
				chld = true;
				continue;
			}
			if (signo <= 0 || signo >= _NSIG || !loop->sig[signo].active)
				continue;
			loop->sig[signo].fn(loop, signo, loop->sig[signo].arg);
			ran++;
		}
	}
	if (chld)
		ev_reap(loop);
	return ran;
}

int ev_signal_add(struct ev_loop *loop, int signo, ev_signal_fn fn, void *arg)
{
	sigset_t one, old;
	int rc;

	if (signo <= 0 || signo >= _NSIG || signo == SIGCHLD ||
	    signo == SIGKILL || signo == SIGSTOP || !fn)
		return -EINVAL;
	if (loop->sig[signo].active)
		return -EEXIST;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, &old) < 0)
		return -errno;
	sigaddset(&loop->sigmask, signo);
	rc = ev_sigfd_update(loop);
	if (rc < 0) {
		sigdelset(&loop->sigmask, signo);
		if (!sigismember(&old, signo))
			sigprocmask(SIG_UNBLOCK, &one, NULL);
		return rc;
	}
	loop->sig[signo] = (struct ev_sig){ fn, arg, true,
					    sigismember(&old, signo) == 1 };
	loop->sig_count++;
	return 0;
}

void ev_signal_del(struct ev_loop *loop, int signo)
{
	if (signo <= 0 || signo >= _NSIG || !loop->sig[signo].active)
		return;
	sigdelset(&loop->sigmask, signo);
	ev_sigfd_update(loop);
	if (!loop->sig[signo].was_blocked)
		ev_signal_unblock(signo);
	memset(&loop->sig[signo], 0, sizeof(loop->sig[signo]));
	loop->sig_count--;
}

int ev_child_add(struct ev_loop *loop, pid_t pid, ev_child_fn fn, void *arg)
{
	if (pid <= 0 || !fn)
		return -EINVAL;
	if (ev_child_find(loop, pid))
		return -EEXIST;
	if (loop->child_n == loop->child_cap) {
		size_t cap = loop->child_cap ? loop->child_cap * 2 : 8;
		struct ev_child *v = realloc(loop->child, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		loop->child = v;
		loop->child_cap = cap;
	}
	struct ev_child *c = &loop->child[loop->child_n++];
	*c = (struct ev_child){ .pid = pid, .fn = fn, .arg = arg };

	uint64_t now = ev_time_ms();
	for (size_t i = 0; i < EV_EXIT_MEMORY; i++) {
		struct ev_exit *e = &loop->exits[i];
		if (e->pid != pid)
			continue;
		e->pid = 0;
		if (now - e->when_ms > EV_EXIT_MEMORY_MS)
			continue;  /* too old: probably an earlier owner of the pid */
		c->ready = true;
		c->wstatus = e->wstatus;
		loop->child_ready++;
		break;
	}
	return 0;
}

void ev_child_del(struct ev_loop *loop, pid_t pid)
{
	struct ev_child *c = ev_child_find(loop, pid);
	if (!c)
		return;
	if (c->ready)
		loop->child_ready--;
	*c = loop->child[--loop->child_n];
}

static int ev_child_dispatch(struct ev_loop *loop)
{
	int ran = 0;
	size_t i = 0;
	while (loop->child_ready && i < loop->child_n) {
		struct ev_child c = loop->child[i];
		if (!c.ready) {
			i++;
			continue;
		}
		/* One-shot: the pid is gone; drop the watcher, then call. */
		loop->child_ready--;
		loop->child[i] = loop->child[--loop->child_n];
		c.fn(loop, c.pid, c.wstatus, c.arg);
		ran++;
		i = 0;  /* the callback may have changed the array */
	}
	return ran;
}

/* ---- file descriptors ---- */

static uint64_t ev_io_cookie(int fd, uint32_t gen)
{
	return ((uint64_t)gen << 32) | (uint32_t)fd;
}

static uint32_t ev_epoll_bits(unsigned mask)
{
	uint32_t ev = 0;
	if (mask & EV_READ)
		ev |= EPOLLIN;
	if (mask & EV_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

/* Brings the epoll registration of fd in line with its mask. */
static int ev_io_sync(struct ev_loop *loop, int fd)
{
	struct ev_io *w = &loop->io[fd];
	struct epoll_event ee = { .events = ev_epoll_bits(w->mask),
				  .data.u64 = ev_io_cookie(fd, w->gen) };
	int op;

	if (w->mask == 0) {
		if (!w->in_epoll)
			return 0;
		if (epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 &&
		    errno != EBADF && errno != ENOENT)
			return -errno;
		w->in_epoll = false;
		return 0;
	}
	op = w->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(loop->epfd, op, fd, &ee) < 0)
		return -errno;
	w->in_epoll = true;
	return 0;
}

int ev_io_add(struct ev_loop *loop, int fd, unsigned mask, ev_io_fn fn, void *arg)
{
	int rc;

	if (fd < 0 || !fn || (mask & ~(EV_READ | EV_WRITE)))
		return -EINVAL;
	if ((size_t)fd >= loop->io_cap) {
		size_t cap = loop->io_cap ? loop->io_cap : 64;
		while (cap <= (size_t)fd)
			cap *= 2;
		struct ev_io *v = realloc(loop->io, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + loop->io_cap, 0, (cap - loop->io_cap) * sizeof(*v));
		loop->io = v;
		loop->io_cap = cap;
	}
	struct ev_io *w = &loop->io[fd];
	if (w->active)
		return -EEXIST;
	w->gen++;
	w->fn = fn;
	w->arg = arg;
	w->mask = mask;
	w->in_epoll = false;
	rc = ev_io_sync(loop, fd);
	if (rc < 0) {
		w->mask = 0;
		return rc;
	}
	w->active = true;
	loop->io_count++;
	return 0;
}

int ev_io_mod(struct ev_loop *loop, int fd, unsigned mask)
{
	if (fd < 0 || (size_t)fd >= loop->io_cap || !loop->io[fd].active)
		return -ENOENT;
	if (mask & ~(EV_READ | EV_WRITE))
		return -EINVAL;
	struct ev_io *w = &loop->io[fd];
	unsigned old = w->mask;
	if (old == mask)
		return 0;
	w->mask = mask;
	int rc = ev_io_sync(loop, fd);
	if (rc < 0)
		w->mask = old;
	return rc;
}

void ev_io_del(struct ev_loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->io_cap || !loop->io[fd].active)
		return;
	struct ev_io *w = &loop->io[fd];
	w->mask = 0;
	ev_io_sync(loop, fd);
	w->in_epoll = false;
	w->active = false;
	w->fn = NULL;
	w->arg = NULL;
	w->gen++;
	loop->io_count--;
}

static int ev_io_dispatch(struct ev_loop *loop, const struct epoll_event *ee)
{
	int fd = (int)(uint32_t)ee->data.u64;
	uint32_t gen = (uint32_t)(ee->data.u64 >> 32);
	unsigned got = 0;

	if ((size_t)fd >= loop->io_cap)
		return 0;
	struct ev_io *w = &loop->io[fd];
	if (!w->active || w->gen != gen)
		return 0;  /* deleted, or the fd number has a new owner */
	if (ee->events & EPOLLIN)
		got |= EV_READ;
	if (ee->events & EPOLLOUT)
		got |= EV_WRITE;
	got &= w->mask;  /* the mask may have shrunk since the event */
	if (ee->events & (EPOLLERR | EPOLLHUP)) {
		if (!w->mask)
			return 0;
		got |= EV_ERROR | w->mask;
	}
	if (!got)
		return 0;
	w->fn(loop, fd, got, w->arg);
	return 1;
}

/* ---- timers: binary min-heap on due_ms ---- */

static bool ev_timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
	return a->due_ms < b->due_ms;
}

static void ev_heap_set(struct ev_loop *loop, size_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void ev_heap_up(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_timer_before(t, loop->heap[parent]))
			break;
		ev_heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	ev_heap_set(loop, i, t);
}

static void ev_heap_down(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct ev_timer *best = t;
		if (l < loop->heap_n && ev_timer_before(loop->heap[l], best)) {
			m = l;
			best = loop->heap[l];
		}
		if (r < loop->heap_n && ev_timer_before(loop->heap[r], best))
			m = r;
		if (m == i)
			break;
		ev_heap_set(loop, i, loop->heap[m]);
		i = m;
	}
	ev_heap_set(loop, i, t);
}

static void ev_heap_remove(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i = t->heap_index;
	struct ev_timer *last = loop->heap[--loop->heap_n];
	t->heap_index = SIZE_MAX;
	if (i == loop->heap_n)
		return;
	ev_heap_set(loop, i, last);
	ev_heap_down(loop, i);
	ev_heap_up(loop, last->heap_index);
}

void ev_timer_init(struct ev_timer *t, ev_timer_fn fn, void *arg)
{
	t->due_ms = 0;
	t->repeat_ms = 0;
	t->heap_index = SIZE_MAX;
	t->fn = fn;
	t->arg = arg;
}

bool ev_timer_active(const struct ev_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

void ev_timer_stop(struct ev_loop *loop, struct ev_timer *t)
{
	if (t && ev_timer_active(t))
		ev_heap_remove(loop, t);
}

static uint64_t ev_timer_due(struct ev_loop *loop, uint64_t after_ms)
{
	uint64_t due = loop->now_ms + after_ms;
	/* A timer (re)started by a timer callback waits for the next
	 * iteration, so a zero-delay restart cannot spin the pass forever. */
	if (loop->in_timer_pass && due <= loop->now_ms)
		due = loop->now_ms + 1;
	return due;
}

int ev_timer_start(struct ev_loop *loop, struct ev_timer *t,
		   uint64_t after_ms, uint64_t repeat_ms)
{
	if (!ev_timer_active(t) && loop->heap_n == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 16;
		struct ev_timer **v = realloc(loop->heap, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		loop->heap = v;
		loop->heap_cap = cap;
	}
	t->due_ms = ev_timer_due(loop, after_ms);
	t->repeat_ms = repeat_ms;
	if (ev_timer_active(t)) {
		ev_heap_down(loop, t->heap_index);
		ev_heap_up(loop, t->heap_index);
		return 0;
	}
	ev_heap_set(loop, loop->heap_n++, t);
	ev_heap_up(loop, loop->heap_n - 1);
	return 0;
}

static int ev_timer_dispatch(struct ev_loop *loop)
{
	int ran = 0;
	loop->in_timer_pass = true;
	while (loop->heap_n && loop->heap[0]->due_ms <= loop->now_ms) {
		struct ev_timer *t = loop->heap[0];
		if (t->repeat_ms) {
			uint64_t due = t->due_ms + t->repeat_ms;
			if (due <= loop->now_ms)
				due = loop->now_ms + t->repeat_ms;  /* fell behind */
			t->due_ms = due;
			ev_heap_down(loop, 0);
		} else {
			ev_heap_remove(loop, t);
		}
		/* From here on the callback owns t: it may stop, restart or
		 * free it, so t is not touched again. */
		t->fn(loop, t->arg);
		ran++;
	}
	loop->in_timer_pass = false;
	return ran;
}

/* ---- deferred calls ---- */

static int ev_defer_push(struct ev_defer_list *l, ev_defer_fn fn, void *arg)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct ev_deferred *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct ev_deferred){ fn, arg, true };
	return 0;
}

int ev_defer(struct ev_loop *loop, ev_defer_fn fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	return ev_defer_push(&loop->defer, fn, arg);
}

void ev_defer_cancel(struct ev_loop *loop, ev_defer_fn fn, void *arg)
{
	size_t j = 0;
	for (size_t i = 0; i < loop->defer.n; i++) {
		struct ev_deferred *d = &loop->defer.v[i];
		if (!(d->fn == fn && d->arg == arg))
			loop->defer.v[j++] = *d;
	}
	loop->defer.n = j;
	for (size_t i = 0; i < loop->running.n; i++) {
		struct ev_deferred *d = &loop->running.v[i];
		if (d->fn == fn && d->arg == arg)
			d->live = false;
	}
}

static int ev_defer_dispatch(struct ev_loop *loop)
{
	struct ev_defer_list tmp;
	int ran = 0;

	if (!loop->defer.n)
		return 0;
	/* Calls queued while this pass runs wait for the next iteration. */
	tmp = loop->running;
	loop->running = loop->defer;
	loop->defer = tmp;
	loop->defer.n = 0;
	for (size_t i = 0; i < loop->running.n; i++) {
		struct ev_deferred d = loop->running.v[i];
		if (!d.live)
			continue;
		loop->running.v[i].live = false;
		d.fn(loop, d.arg);
		ran++;
	}
	loop->running.n = 0;
	return ran;
}

/* ---- the loop ---- */

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));
	sigset_t one, old;
	struct epoll_event ee = { .events = EPOLLIN, .data.u64 = EV_SIGFD_COOKIE };

	if (!loop)
		return NULL;
	loop->sigfd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto fail;
	sigemptyset(&one);
	sigaddset(&one, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &one, &old) < 0)
		goto fail;
	loop->chld_was_blocked = sigismember(&old, SIGCHLD) == 1;
	sigemptyset(&loop->sigmask);
	sigaddset(&loop->sigmask, SIGCHLD);
	if (ev_sigfd_update(loop) < 0)
		goto fail_unblock;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->sigfd, &ee) < 0)
		goto fail_unblock;
	loop->now_ms = ev_time_ms();
	/* Children that exited before the loop existed. */
	ev_reap(loop);
	return loop;

fail_unblock:
	if (!loop->chld_was_blocked)
		sigprocmask(SIG_UNBLOCK, &one, NULL);
fail:
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop);
	return NULL;
}

void ev_loop_free(struct ev_loop *loop)
{
	if (!loop)
		return;
	for (int s = 1; s < _NSIG; s++)
		if (loop->sig[s].active && !loop->sig[s].was_blocked)
			ev_signal_unblock(s);
	if (!loop->chld_was_blocked) {
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
	}
	for (size_t i = 0; i < loop->heap_n; i++)
		loop->heap[i]->heap_index = SIZE_MAX;
	close(loop->sigfd);
	close(loop->epfd);
	free(loop->io);
	free(loop->heap);
	free(loop->child);
	free(loop->defer.v);
	free(loop->running.v);
	free(loop);
}

static int ev_wait_timeout(struct ev_loop *loop, int timeout_ms)
{
	if (loop->defer.n || loop->child_ready)
		return 0;
	if (loop->heap_n) {
		uint64_t now = ev_time_ms();
		uint64_t due = loop->heap[0]->due_ms;
		uint64_t left = due > now ? due - now : 0;
		if (left > INT_MAX)
			left = INT_MAX;
		if (timeout_ms < 0 || (uint64_t)timeout_ms > left)
			return (int)left;
	}
	return timeout_ms;
}

int ev_run_once(struct ev_loop *loop, int timeout_ms)
{
	struct epoll_event ev[EV_MAX_EVENTS];
	int n, ran = 0;

	if (timeout_ms < 0 && !ev_has_work(loop))
		return 0;  /* nothing could ever wake us */
	n = epoll_wait(loop->epfd, ev, EV_MAX_EVENTS, ev_wait_timeout(loop, timeout_ms));
	if (n < 0) {
		if (errno != EINTR)
			return -errno;
		n = 0;
	}
	loop->now_ms = ev_time_ms();
	for (int i = 0; i < n; i++) {
		if (ev[i].data.u64 == EV_SIGFD_COOKIE)
			ran += ev_sigfd_dispatch(loop);
		else
			ran += ev_io_dispatch(loop, &ev[i]);
	}
	ran += ev_timer_dispatch(loop);
	ran += ev_child_dispatch(loop);
	ran += ev_defer_dispatch(loop);
	return ran;
}

int ev_run(struct ev_loop *loop)
{
	loop->stop = false;
	while (!loop->stop && ev_has_work(loop)) {
		int rc = ev_run_once(loop, -1);
		if (rc < 0)
			return rc;
	}
	loop->stop = false;
	return 0;
}

void ev_stop(struct ev_loop *loop)
{
	loop->stop = true;
}
