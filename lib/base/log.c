/* glog-compatible logging; see log.h for the rules. */
#include "base/log.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char sev_letter[] = "IWEF";
static const char *const sev_name[] = { "INFO", "WARNING", "ERROR", "FATAL" };

static struct {
	char program[64];
	char dir[PATH_MAX];
	bool to_dir;
	bool logtostderr;
	bool alsologtostderr;
	int stderrthreshold;
	int verbosity;
	char vmodule[512];
	FILE *files[4];
	FILE *err;   /* NULL = stderr */
} L = { .program = "etcd-mesos", .stderrthreshold = SEV_ERROR };

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int log_format_line(char *out, int outlen, enum log_severity sev,
		    long sec, long usec, int pid, const char *file, int line,
		    const char *msg)
{
	struct tm tm;
	time_t t = (time_t)sec;
	localtime_r(&t, &tm);
	int n = snprintf(out, (size_t)outlen,
			 "%c%02d%02d %02d:%02d:%02d.%06ld %5d %s:%d] %s",
			 sev_letter[sev], tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min, tm.tm_sec, usec, pid, base_name(file), line,
			 msg);
	if (n < 0)
		return 0;
	return n >= outlen ? outlen - 1 : n;
}

static void close_files(void)
{
	for (int i = 0; i < 4; i++) {
		if (L.files[i])
			fclose(L.files[i]);
		L.files[i] = NULL;
	}
}

/* Opens <dir>/<program>.<host>.<user>.log.<SEV>.<stamp>.<pid> and points
 * the <program>.<SEV> link at it, as glog does. */
static int open_severity_file(int sev)
{
	char host[256] = "unknown";
	char path[PATH_MAX + 128], link[PATH_MAX + 64];
	const char *user = "unknown";
	struct passwd *pw = getpwuid(getuid());
	struct tm tm;
	time_t now = time(NULL);

	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "unknown");
	if (pw && pw->pw_name)
		user = pw->pw_name;
	localtime_r(&now, &tm);
	snprintf(path, sizeof path, "%s/%s.%s.%s.log.%s.%04d%02d%02d-%02d%02d%02d.%d",
		 L.dir, L.program, host, user, sev_name[sev], tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)getpid());
	FILE *f = fopen(path, "ae");
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	fprintf(f, "Log file created at: %04d/%02d/%02d %02d:%02d:%02d\n"
		   "Running on machine: %s\n"
		   "Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, host);
	L.files[sev] = f;
	snprintf(link, sizeof link, "%s/%s.%s", L.dir, L.program, sev_name[sev]);
	unlink(link);
	if (symlink(base_name(path), link) != 0) {
		/* A missing link is not worth refusing to log over. */
	}
	return 0;
}

int log_init(const struct log_config *cfg)
{
	close_files();
	snprintf(L.program, sizeof L.program, "%s",
		 cfg->program && *cfg->program ? base_name(cfg->program) : "etcd-mesos");
	L.logtostderr = cfg->logtostderr;
	L.alsologtostderr = cfg->alsologtostderr;
	L.stderrthreshold = cfg->stderrthreshold;
	L.verbosity = cfg->verbosity;
	snprintf(L.vmodule, sizeof L.vmodule, "%s", cfg->vmodule ? cfg->vmodule : "");
	L.to_dir = false;
	if (!cfg->log_dir || !*cfg->log_dir || cfg->logtostderr)
		return 0;
	snprintf(L.dir, sizeof L.dir, "%s", cfg->log_dir);
	struct stat st;
	if (stat(L.dir, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	for (int sev = SEV_INFO; sev <= SEV_FATAL; sev++) {
		int rc = open_severity_file(sev);
		if (rc < 0) {
			close_files();
			return rc;
		}
	}
	L.to_dir = true;
	return 0;
}

void log_shutdown(void)
{
	close_files();
	L.to_dir = false;
}

void log_set_stderr_stream(void *file)
{
	L.err = file;
}

/* vmodule entries are "pattern=level"; the pattern matches the source file
 * name without directory and extension, as glog does. */
bool log_v_on(const char *file, int level)
{
	if (L.vmodule[0]) {
		char mod[128];
		snprintf(mod, sizeof mod, "%s", base_name(file));
		char *dot = strrchr(mod, '.');
		if (dot)
			*dot = 0;
		const char *p = L.vmodule;
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			char ent[128];
			if (n < sizeof ent) {
				memcpy(ent, p, n);
				ent[n] = 0;
				char *eq = strchr(ent, '=');
				if (eq) {
					*eq = 0;
					if (fnmatch(ent, mod, 0) == 0)
						return level <= atoi(eq + 1);
				}
			}
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	return level <= L.verbosity;
}

void log_vmsg(enum log_severity sev, const char *file, int line,
	      const char *fmt, va_list ap)
{
	char msg[4096], out[4400];
	struct timeval tv;
	int saved = errno;

	if (sev < SEV_INFO || sev > SEV_FATAL)
		sev = SEV_ERROR;
	vsnprintf(msg, sizeof msg, fmt, ap);
	gettimeofday(&tv, NULL);
	int n = log_format_line(out, (int)sizeof out - 1, sev, (long)tv.tv_sec,
				(long)tv.tv_usec, (int)getpid(), file, line, msg);
	out[n++] = '\n';
	out[n] = 0;

	FILE *err = L.err ? L.err : stderr;
	if (!L.to_dir) {
		fwrite(out, 1, (size_t)n, err);
		fflush(err);
	} else {
		for (int s = SEV_INFO; s <= (int)sev; s++)
			if (L.files[s])
				fwrite(out, 1, (size_t)n, L.files[s]);
		if (L.alsologtostderr || (int)sev >= L.stderrthreshold) {
			fwrite(out, 1, (size_t)n, err);
			fflush(err);
		}
	}
	errno = saved;
}

void log_msg(enum log_severity sev, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(sev, file, line, fmt, ap);
	va_end(ap);
}

_Noreturn void log_fatal_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(SEV_FATAL, file, line, fmt, ap);
	va_end(ap);
	close_files();
	exit(1);
}
