/*
 * log — glog-compatible logging.
 *
 * Every line has glog's shape so Mesos operators' tooling keeps working:
 *
 *   I1124 18:45:01.123456  1234 file.c:42] message
 *
 * Rules follow glog: with a log directory, one file per severity
 * (<program>.<host>.<user>.log.<SEVERITY>.<yyyymmdd-hhmmss>.<pid>), each
 * holding its severity and above, plus a symlink <program>.<SEVERITY>
 * pointing at the newest file; lines at or above -stderrthreshold also go
 * to stderr. -logtostderr sends everything to stderr only; -alsologtostderr
 * sends everything to stderr as well as to the files. Without a log
 * directory everything goes to stderr.
 *
 * The module owns its open files; log_shutdown() closes them. Nothing here
 * allocates per message. Not thread-safe (we have one thread).
 */
#ifndef EM_BASE_LOG_H
#define EM_BASE_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_severity { SEV_INFO = 0, SEV_WARNING = 1, SEV_ERROR = 2, SEV_FATAL = 3 };

struct log_config {
	const char *program;      /* file name prefix; default "etcd-mesos" */
	const char *log_dir;      /* NULL or "" = stderr only */
	bool logtostderr;
	bool alsologtostderr;
	int stderrthreshold;      /* glog default 2 (ERROR) */
	int verbosity;            /* -v */
	const char *vmodule;      /* "file=2,other=1": per-file -v, glob '*' allowed */
};

/* Applies the configuration. Returns 0, or -errno when the log directory
 * cannot be used (the caller reports it; logging then goes to stderr). */
int log_init(const struct log_config *cfg);
void log_shutdown(void);

/* Redirect stderr output (tests). NULL restores stderr. */
void log_set_stderr_stream(void *file);

void log_msg(enum log_severity sev, const char *file, int line,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_vmsg(enum log_severity sev, const char *file, int line,
	      const char *fmt, va_list ap);
/* True when VLOG(level) is on for this source file. */
bool log_v_on(const char *file, int level);

#define log_info(...)  log_msg(SEV_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...)  log_msg(SEV_WARNING, __FILE__, __LINE__, __VA_ARGS__)
#define log_error(...) log_msg(SEV_ERROR, __FILE__, __LINE__, __VA_ARGS__)
/* Logs at FATAL and exits with status 1. */
#define log_fatal(...) log_fatal_at(__FILE__, __LINE__, __VA_ARGS__)
#define log_v(level, ...) \
	do { if (log_v_on(__FILE__, (level))) \
		log_msg(SEV_INFO, __FILE__, __LINE__, __VA_ARGS__); } while (0)

_Noreturn void log_fatal_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats one glog line (without the trailing newline) into out; used by
 * log_msg and by tests. Returns the length written (truncated to outlen-1). */
int log_format_line(char *out, int outlen, enum log_severity sev,
		    long sec, long usec, int pid, const char *file, int line,
		    const char *msg);

#endif
