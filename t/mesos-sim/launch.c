/*
 * launch — sandbox, environment, command line and fork/exec of executors
 * and helper programs for the simulated agent (see launch.h).
 */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int launch_mkdir_p(const char *path)
{
	char tmp[4096];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0) {
		if (errno != EEXIST)
			return -errno;
		struct stat st;
		if (stat(tmp, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	return 0;
}

static bool id_ok(const char *id)
{
	return id && id[0] && !strchr(id, '/') && strcmp(id, ".") != 0 &&
	       strcmp(id, "..") != 0;
}

int launch_sandbox_create(const char *work_dir, const char *agent_id, const char *fw_id,
			  const char *exec_id, const char *container_id, char **out,
			  char *err, size_t errlen)
{
	const char *ids[] = { agent_id, fw_id, exec_id, container_id };
	for (size_t i = 0; i < 4; i++) {
		if (!id_ok(ids[i])) {
			seterr(err, errlen, "sandbox: id \"%s\" is empty or holds '/' or is . or ..",
			       ids[i] ? ids[i] : "");
			return -EINVAL;
		}
	}
	char runs[4096], path[4096], latest[4096];
	int n = snprintf(runs, sizeof(runs), "%s/slaves/%s/frameworks/%s/executors/%s/runs",
			 work_dir, agent_id, fw_id, exec_id);
	if (n < 0 || (size_t)n >= sizeof(runs) - 64 - strlen(container_id)) {
		seterr(err, errlen, "sandbox: path under %s too long", work_dir);
		return -ENAMETOOLONG;
	}
	snprintf(path, sizeof(path), "%s/%s", runs, container_id);
	snprintf(latest, sizeof(latest), "%s/latest", runs);
	int rc = launch_mkdir_p(path);
	if (rc < 0) {
		seterr(err, errlen, "sandbox: mkdir %s: %s", path, strerror(-rc));
		return rc;
	}
	/* runs/latest -> <cid>, replaced atomically. */
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s/.latest.%s", runs, container_id);
	unlink(tmp);
	if (symlink(container_id, tmp) < 0 || rename(tmp, latest) < 0) {
		rc = -errno;
		unlink(tmp);
		seterr(err, errlen, "sandbox: symlink %s: %s", latest, strerror(-rc));
		return rc;
	}
	*out = strdup(path);
	return *out ? 0 : -ENOMEM;
}

void launch_container_id(char out[37])
{
	uint8_t b[16];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t r = getrandom(b + got, sizeof(b) - got, 0);
		if (r > 0)
			got += (size_t)r;
		else if (r < 0 && errno != EINTR)
			break;
	}
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

/* ---- environment ---- */

struct envb {
	char **v;
	size_t n, cap;
};

static int envb_set(struct envb *e, const char *name, const char *value)
{
	size_t nl = strlen(name);
	char *kv = malloc(nl + strlen(value) + 2);
	if (!kv)
		return -ENOMEM;
	sprintf(kv, "%s=%s", name, value);
	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], name, nl) == 0 && e->v[i][nl] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return 0;
		}
	}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		char **v = realloc(e->v, cap * sizeof(*v));
		if (!v) {
			free(kv);
			return -ENOMEM;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
	return 0;
}

void launch_env_free(char **env)
{
	if (!env)
		return;
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
}

const char *launch_env_get(char *const *env, const char *name)
{
	size_t nl = strlen(name);
	for (char *const *p = env; p && *p; p++)
		if (strncmp(*p, name, nl) == 0 && (*p)[nl] == '=')
			return *p + nl + 1;
	return NULL;
}

void launch_duration_str(double s, char *out, size_t outlen)
{
	static const struct { const char *unit; double secs; } units[] = {
		{ "weeks", 604800 }, { "days", 86400 }, { "hrs", 3600 }, { "mins", 60 },
		{ "secs", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s >= units[i].secs || i + 1 == sizeof(units) / sizeof(units[0])) {
			snprintf(out, outlen, "%g%s", s / units[i].secs, units[i].unit);
			return;
		}
	}
}

int launch_env_build(const struct launch_env_params *p, char ***out, char *err, size_t errlen)
{
	struct envb e = { 0 };
	char tmp[512];
	int rc = 0;
#define SET(n, v) do { if ((rc = envb_set(&e, (n), (v))) < 0) goto fail; } while (0)
	SET("MESOS_FRAMEWORK_ID", p->framework_id);
	SET("MESOS_EXECUTOR_ID", p->executor_id);
	snprintf(tmp, sizeof(tmp), "%s:%u", p->agent_ip, p->agent_port);
	SET("MESOS_AGENT_ENDPOINT", tmp);
	SET("MESOS_SLAVE_ID", p->agent_id);
	snprintf(tmp, sizeof(tmp), "slave(1)@%s:%u", p->agent_ip, p->agent_port);
	SET("MESOS_SLAVE_PID", tmp);
	SET("MESOS_DIRECTORY", p->sandbox);
	SET("MESOS_SANDBOX", p->sandbox);
	SET("MESOS_CHECKPOINT", p->checkpoint ? "1" : "0");
	SET("MESOS_HTTP_COMMAND_EXECUTOR", "0");
	SET("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", p->shutdown_grace ? p->shutdown_grace : "5secs");
	if (p->checkpoint) {
		SET("MESOS_RECOVERY_TIMEOUT", p->recovery_timeout ? p->recovery_timeout : "15mins");
		SET("MESOS_SUBSCRIPTION_BACKOFF_MAX", p->backoff_max ? p->backoff_max : "2secs");
	}
	if (p->libprocess_ip)
		SET("LIBPROCESS_IP", p->libprocess_ip);
	SET("LIBPROCESS_PORT", "0");
	if (p->user_env) {
		for (size_t i = 0; i < p->user_env->n_variables; i++) {
			const Mesos__V1__Environment__Variable *v = p->user_env->variables[i];
			if (v->has_type && v->type == MESOS__V1__ENVIRONMENT__VARIABLE__TYPE__SECRET) {
				seterr(err, errlen, "environment variable %s: SECRET variables are not supported by mesos-sim",
				       v->name);
				rc = -ENOTSUP;
				goto fail;
			}
			if (!v->name || !v->name[0] || strchr(v->name, '=')) {
				seterr(err, errlen, "environment variable \"%s\": bad name",
				       v->name ? v->name : "");
				rc = -EINVAL;
				goto fail;
			}
			SET(v->name, v->value ? v->value : "");
		}
	}
	if (!launch_env_get(e.v, "PATH"))
		SET("PATH", LAUNCH_DEFAULT_PATH);
#undef SET
	*out = e.v;
	return 0;
fail:
	if (rc == -ENOMEM)
		seterr(err, errlen, "environment: out of memory");
	launch_env_free(e.v);
	return rc;
}

/* ---- volumes ---- */

int launch_volumes_link(const char *sandbox, const struct launch_volume *v, size_t n,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const char *cp = v[i].container_path;
		if (!cp || !cp[0] || cp[0] == '/' || strstr(cp, "..")) {
			seterr(err, errlen, "volume container_path \"%s\": must be relative, without ..",
			       cp ? cp : "");
			return -EINVAL;
		}
		char link[4096];
		if ((size_t)snprintf(link, sizeof(link), "%s/%s", sandbox, cp) >= sizeof(link))
			return -ENAMETOOLONG;
		char *slash = strrchr(link, '/');
		*slash = '\0';
		int rc = launch_mkdir_p(link);
		*slash = '/';
		if (rc < 0) {
			seterr(err, errlen, "volume: mkdir for %s: %s", link, strerror(-rc));
			return rc;
		}
		if (symlink(v[i].host_path, link) < 0) {
			rc = -errno;
			seterr(err, errlen, "volume: symlink %s -> %s: %s", link, v[i].host_path,
			       strerror(errno));
			return rc;
		}
	}
	return 0;
}

/* ---- processes ---- */

static void child_fd(int fd, const char *path, int flags)
{
	int f = open(path, flags | O_CLOEXEC, 0644);
	if (f < 0) {
		dprintf(2, "Failed to open %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
}

static void child_close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = lowfd; fd < (max > 0 ? max : 4096); fd++)
		close((int)fd);
}

int launch_spawn(const struct launch_spawn *s, pid_t *pid)
{
	pid_t p = fork();
	if (p < 0)
		return -errno;
	if (p > 0) {
		*pid = p;
		return 0;
	}
	/* child: only async-signal-safe-ish calls from here on */
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	if (s->new_session)
		setsid();
	if (s->gid && (setgroups(0, NULL) < 0 || setregid(s->gid, s->gid) < 0)) {
		dprintf(2, "Failed to switch to group %u: %s\n", s->gid, strerror(errno));
		_exit(1);
	}
	/* Order: stderr first so later failures can be reported there. */
	child_fd(2, s->stderr_path ? s->stderr_path : "/dev/null",
		 O_WRONLY | O_CREAT | O_APPEND);
	child_fd(1, s->stdout_path ? s->stdout_path : "/dev/null",
		 O_WRONLY | O_CREAT | (s->truncate_out ? O_TRUNC : O_APPEND));
	child_fd(0, s->stdin_path ? s->stdin_path : "/dev/null", O_RDONLY);
	child_close_from(3);
	if (s->cwd && chdir(s->cwd) < 0) {
		dprintf(2, "Failed to chdir into %s: %s\n", s->cwd, strerror(errno));
		_exit(1);
	}
	if (s->envp)
		environ = (char **)s->envp;
	const char *prog = s->program;
	if (s->lookup_in_cwd && !strchr(prog, '/') && access(prog, X_OK) == 0) {
		struct stat st;
		if (stat(prog, &st) == 0 && S_ISREG(st.st_mode)) {
			static char buf[4096];
			snprintf(buf, sizeof(buf), "./%s", prog);
			prog = buf;
		}
	}
	execvp(prog, (char *const *)s->argv);
	dprintf(2, "Failed to execute command: %s: %s\n", prog, strerror(errno));
	_exit(1);
}

static void argv_free(char **v)
{
	launch_env_free(v);
}

int launch_command_argv(const Mesos__V1__CommandInfo *cmd, char **program, char ***argv,
			char *err, size_t errlen)
{
	if (!cmd->value || !cmd->value[0]) {
		seterr(err, errlen, "CommandInfo.value is missing");
		return -EINVAL;
	}
	bool shell = !cmd->has_shell || cmd->shell;
	size_t n = shell ? 3 : (cmd->n_arguments ? cmd->n_arguments : 1);
	char **v = calloc(n + 1, sizeof(*v));
	char *prog = strdup(shell ? "/bin/sh" : cmd->value);
	if (!v || !prog)
		goto nomem;
	if (shell) {
		v[0] = strdup("sh");
		v[1] = strdup("-c");
		v[2] = strdup(cmd->value);
	} else if (cmd->n_arguments == 0) {
		v[0] = strdup(cmd->value);
	} else {
		for (size_t i = 0; i < n; i++)
			v[i] = strdup(cmd->arguments[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i])
			goto nomem;
	*program = prog;
	*argv = v;
	return 0;
nomem:
	if (v)
		argv_free(v);
	free(prog);
	seterr(err, errlen, "command: out of memory");
	return -ENOMEM;
}

int launch_command(const Mesos__V1__CommandInfo *cmd, const char *sandbox, char *const *env,
		   pid_t *pid, char *err, size_t errlen)
{
	return launch_command_gid(cmd, sandbox, env, 0, pid, err, errlen);
}

int launch_command_gid(const Mesos__V1__CommandInfo *cmd, const char *sandbox,
		       char *const *env, unsigned gid, pid_t *pid, char *err, size_t errlen)
{
	char *prog = NULL;
	char **argv = NULL;
	int rc = launch_command_argv(cmd, &prog, &argv, err, errlen);
	if (rc < 0)
		return rc;
	char out[4096], errp[4096];
	snprintf(out, sizeof(out), "%s/stdout", sandbox);
	snprintf(errp, sizeof(errp), "%s/stderr", sandbox);
	struct launch_spawn s = {
		.program = prog, .argv = (const char *const *)argv, .envp = env,
		.cwd = sandbox, .stdout_path = out, .stderr_path = errp,
		.new_session = true, .lookup_in_cwd = true, .gid = gid,
	};
	rc = launch_spawn(&s, pid);
	if (rc < 0)
		seterr(err, errlen, "fork for %s: %s", prog, strerror(-rc));
	free(prog);
	argv_free(argv);
	return rc;
}
