/*
 * ev — the one event loop of a process (epoll, timerfd-free timer heap,
 * signalfd, child reaping). Modelled on redis' ae: small and honest.
 *
 * Ownership: the loop owns only its own bookkeeping. Callers own their
 * fds (the loop never closes them), their struct ev_timer storage, and
 * their callback arguments.
 *
 * Re-entrancy: every function may be called from inside any callback.
 * Removing a watcher (ev_io_del, ev_timer_stop, ev_signal_del,
 * ev_child_del) takes effect at once: no callback runs for it after the
 * call returns, even if its event was already collected in the current
 * iteration. An fd number closed and reused within one iteration is told
 * apart by a generation counter, so a stale event never reaches the new
 * owner.
 *
 * Time: ev_now_ms() is CLOCK_MONOTONIC in milliseconds, cached at the
 * start of each iteration (cheap); ev_time_ms() reads the clock.
 *
 * Errors: functions return 0 or a negative errno (-ENOMEM, -EEXIST,
 * -ENOENT, -EINVAL, or what epoll_ctl/signalfd returned).
 *
 * An idle loop sleeps in epoll_wait until the next timer or event: no
 * polling.
 */
#ifndef EM_EV_EV_H
#define EM_EV_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ev_loop;

#define EV_READ  0x1u
#define EV_WRITE 0x2u
/* Reported (never requested): EPOLLERR or EPOLLHUP. The callback gets it
 * together with the interest bits so a reader sees EOF via read(). */
#define EV_ERROR 0x4u

struct ev_loop *ev_loop_new(void);
/* Frees the loop. Watchers still registered are dropped without callbacks;
 * their fds stay open (the caller's). Accepts NULL. */
void ev_loop_free(struct ev_loop *loop);

/* Runs until ev_stop() or until nothing at all is registered (no fds,
 * timers, signals, children, deferred calls). Returns 0, or a negative
 * errno if epoll_wait fails for a reason other than EINTR. */
int ev_run(struct ev_loop *loop);
/* Runs one iteration, waiting at most timeout_ms (-1 = until an event).
 * For tests and for embedding. Returns the number of callbacks run. */
int ev_run_once(struct ev_loop *loop, int timeout_ms);
void ev_stop(struct ev_loop *loop);

uint64_t ev_now_ms(struct ev_loop *loop);
uint64_t ev_time_ms(void);

/* ---- file descriptors: at most one watcher per fd ---- */

typedef void (*ev_io_fn)(struct ev_loop *loop, int fd, unsigned events, void *arg);

/* -EEXIST if fd already has a watcher. mask may be 0 (registered, idle). */
int ev_io_add(struct ev_loop *loop, int fd, unsigned mask, ev_io_fn fn, void *arg);
/* Changes the interest mask; -ENOENT if fd has no watcher. */
int ev_io_mod(struct ev_loop *loop, int fd, unsigned mask);
/* Removes the watcher (call it before close(fd)). Unknown fd: no-op. */
void ev_io_del(struct ev_loop *loop, int fd);

/* ---- timers: caller-owned storage, min-heap inside the loop ---- */

typedef void (*ev_timer_fn)(struct ev_loop *loop, void *arg);

struct ev_timer {
	uint64_t due_ms;      /* private */
	uint64_t repeat_ms;   /* private */
	size_t heap_index;    /* private; SIZE_MAX when not running */
	ev_timer_fn fn;
	void *arg;
};

void ev_timer_init(struct ev_timer *t, ev_timer_fn fn, void *arg);
/* (Re)starts the timer: fires after after_ms, then every repeat_ms if
 * non-zero. Restarting a running timer moves it. -ENOMEM only. */
int ev_timer_start(struct ev_loop *loop, struct ev_timer *t,
		   uint64_t after_ms, uint64_t repeat_ms);
/* Stops it if running; safe on a stopped or initialised timer. */
void ev_timer_stop(struct ev_loop *loop, struct ev_timer *t);
bool ev_timer_active(const struct ev_timer *t);

/* ---- signals: through one signalfd; the signal is blocked ---- */

typedef void (*ev_signal_fn)(struct ev_loop *loop, int signo, void *arg);

/* One handler per signal number (-EEXIST otherwise). SIGCHLD is reserved
 * for child watching. */
int ev_signal_add(struct ev_loop *loop, int signo, ev_signal_fn fn, void *arg);
void ev_signal_del(struct ev_loop *loop, int signo);

/* ---- child processes ----
 * The loop reaps every child of the process (no zombies, whether watched
 * or not) and reports the wait status of watched ones. Watching a pid that
 * already exited and was reaped before ev_child_add still reports it
 * (the loop remembers recent unclaimed exits). */

typedef void (*ev_child_fn)(struct ev_loop *loop, pid_t pid, int wstatus, void *arg);

int ev_child_add(struct ev_loop *loop, pid_t pid, ev_child_fn fn, void *arg);
void ev_child_del(struct ev_loop *loop, pid_t pid);

/* ---- deferred calls: run once, after the current iteration's events ---- */

typedef void (*ev_defer_fn)(struct ev_loop *loop, void *arg);

int ev_defer(struct ev_loop *loop, ev_defer_fn fn, void *arg);
/* Cancels every pending deferred call with this fn and arg. */
void ev_defer_cancel(struct ev_loop *loop, ev_defer_fn fn, void *arg);

/* ---- helpers ---- */

/* O_NONBLOCK and FD_CLOEXEC on fd. */
int ev_fd_nonblock(int fd);

#endif
