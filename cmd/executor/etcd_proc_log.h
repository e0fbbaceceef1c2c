/*
 * etcd_proc_log — the output of a child (etcd, etcdctl) read through a
 * pipe on the event loop: written to a sandbox log file with a size cap
 * (past the cap the file is renamed to <path>.1, replacing an older one,
 * and a new file is started), and its last bytes kept in memory so a
 * failure message can quote the last lines.
 *
 * One log outlives many children: etcd_proc_log_attach hands it the read
 * end of the next child's pipe (the previous one is drained and closed
 * first). With path NULL nothing is written to disk: the log only keeps
 * the tail in memory (etcdctl's output).
 *
 * Ownership: the log owns the pipe fds it was given and its file; it
 * copies path. Callbacks: none; every function may run inside any loop
 * callback. etcd_proc_log_free accepts NULL.
 * Errors: 0, -ENOMEM, or the negative errno of open(2) / ev_io_add.
 * A write error on the file is logged once and the file is given up
 * (the in-memory tail keeps working): etcd must not die of a full disk
 * in our log.
 */
#ifndef EM_EXECUTOR_ETCD_PROC_LOG_H
#define EM_EXECUTOR_ETCD_PROC_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "ev/ev.h"

#define ETCD_PROC_LOG_TAIL 4096   /* bytes kept in memory */

struct etcd_proc_log;

/* path: the log file (appended to), or NULL for memory only. cap_bytes:
 * rotate when the file would grow past it (0 = 10 MiB). */
int etcd_proc_log_new(struct ev_loop *loop, const char *path, uint64_t cap_bytes,
		      struct etcd_proc_log **out);
void etcd_proc_log_free(struct etcd_proc_log *l);

/* Starts reading fd (non-blocking, the read end of a child's output
 * pipe); the log owns it from now on, even on failure. */
int etcd_proc_log_attach(struct etcd_proc_log *l, int fd);
/* Reads whatever the pipe holds now (the child has exited, so all it
 * wrote is there) and closes it. No-op without a pipe. */
void etcd_proc_log_drain(struct etcd_proc_log *l);

/* Writes one line of our own ("etcd-mesos: ...") into the file and the
 * tail, so the file tells restarts apart. */
void etcd_proc_log_note(struct etcd_proc_log *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last max_lines complete or partial lines of the tail, joined with
 * " | " (one line, fit for a status message), into out (always
 * NUL-terminated). Returns the length written. */
size_t etcd_proc_log_tail(const struct etcd_proc_log *l, unsigned max_lines,
			  char *out, size_t outlen);

/* Bytes written to the current file since it was opened or rotated, and
 * the number of rotations (tests). */
uint64_t etcd_proc_log_size(const struct etcd_proc_log *l);
unsigned etcd_proc_log_rotations(const struct etcd_proc_log *l);

#endif
