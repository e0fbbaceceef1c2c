/*
 * launch — how the simulated agent starts processes, as the Mesos
 * containerizer with the POSIX launcher does: the sandbox directory tree,
 * the executor's exact environment, the command line (shell or argv),
 * stdout/stderr into sandbox files, a new session (so the executor and
 * everything it starts form one process group), persistent volumes
 * linked into the sandbox.
 *
 * Nothing here watches the child: the caller registers it with
 * ev_child_add (lib/ev reaps every child anyway).
 *
 * Ownership: every char * returned through an out parameter is malloc'd
 * and belongs to the caller (free(), or launch_env_free for an env list).
 * No function keeps a pointer to its arguments.
 *
 * Errors: 0 or a negative errno; err (when given) gets one line naming
 * the path or value and the cause. Safe to call from any callback.
 */
#ifndef EM_SIM_LAUNCH_H
#define EM_SIM_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mesos/v1/mesos.pb-c.h"


/* The launcher's default PATH (stout os::host_default_path). */
#define LAUNCH_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- sandbox ---- */

/* Creates <work_dir>/slaves/<agent>/frameworks/<fw>/executors/<exec>/runs/<cid>/
 * (and every parent), points runs/latest at <cid>, and returns the
 * sandbox path (no trailing slash) in *out. IDs containing '/' or equal
 * to "." or ".." are refused (-EINVAL). */
int launch_sandbox_create(const char *work_dir, const char *agent_id, const char *fw_id,
			  const char *exec_id, const char *container_id, char **out,
			  char *err, size_t errlen);

/* mkdir -p with mode 0755; 0 if it exists already as a directory. */
int launch_mkdir_p(const char *path);

/* A random container id in Mesos' form (a v4 UUID as text). */
void launch_container_id(char out[37]);

/* ---- environment (PROTOCOLS.md C.2, L.3) ---- */

struct launch_env_params {
	const char *framework_id;
	const char *executor_id;
	const char *agent_id;
	const char *agent_ip;           /* "127.0.0.2" */
	unsigned agent_port;
	const char *sandbox;            /* MESOS_DIRECTORY and MESOS_SANDBOX */
	bool checkpoint;
	const char *shutdown_grace;     /* "5secs" */
	const char *recovery_timeout;   /* "15mins"; only with checkpoint */
	const char *backoff_max;        /* "2secs"; only with checkpoint */
	const char *libprocess_ip;      /* copied if non-NULL (the agent's LIBPROCESS_IP) */
	const Mesos__V1__Environment *user_env; /* CommandInfo.environment, may be NULL */
};

/* Builds the NULL-terminated "NAME=value" list an executor gets: the
 * MESOS_* list, LIBPROCESS_PORT=0, then CommandInfo.environment (VALUE
 * variables override earlier ones of the same name; SECRET variables are
 * refused with -ENOTSUP), then PATH=LAUNCH_DEFAULT_PATH if no PATH was
 * given. Nothing comes from the caller's own environment. */
int launch_env_build(const struct launch_env_params *p, char ***out, char *err, size_t errlen);
void launch_env_free(char **env);
/* Value of name in env, or NULL. */
const char *launch_env_get(char *const *env, const char *name);

/* Formats a duration in stout's style ("5secs", "15mins", "1.5secs",
 * "100ms"): the largest unit in which the value is at least 1. */
void launch_duration_str(double seconds, char *out, size_t outlen);

/* ---- persistent volumes ---- */

struct launch_volume {
	const char *host_path;          /* <work_dir>/volumes/roles/<role>/<persistence id> */
	const char *container_path;     /* relative to the sandbox */
};

/* Symlinks each volume into the sandbox at container_path (parents
 * created), as the POSIX filesystem isolator does. */
int launch_volumes_link(const char *sandbox, const struct launch_volume *v, size_t n,
			char *err, size_t errlen);

/* ---- processes ---- */

struct launch_spawn {
	const char *program;            /* path or name (PATH lookup when no '/') */
	const char *const *argv;        /* the whole argv, argv[0] included */
	char *const *envp;              /* NULL = inherit the caller's */
	const char *cwd;                /* NULL = inherit */
	const char *stdin_path;         /* NULL = /dev/null */
	const char *stdout_path;        /* NULL = /dev/null; opened O_APPEND|O_CREAT */
	const char *stderr_path;        /* likewise */
	bool truncate_out;              /* stdout_path opened with O_TRUNC instead */
	bool new_session;               /* setsid(): own session and process group */
	bool lookup_in_cwd;             /* a program name without '/' is tried in cwd first */
	unsigned gid;                   /* nonzero: setgroups(0) + setregid(gid, gid) first */
};

/* fork + exec. The child closes every fd above 2 and resets signal
 * dispositions and the signal mask. If exec fails the child writes
 * "Failed to execute command: <why>" to its stderr and exits 1, as
 * mesos-containerizer launch does, so the failure shows up as an exit.
 * Returns 0 and *pid, or -errno when fork fails. */
int launch_spawn(const struct launch_spawn *s, pid_t *pid);

/* Builds the argv for a CommandInfo per PROTOCOLS.md G.3 into a NULL-
 * terminated malloc'd array of malloc'd strings: shell=true (default) →
 * {"sh", "-c", value} with *program = "/bin/sh"; shell=false → arguments
 * (the whole argv; {value} when empty), *program = value. -EINVAL if
 * value is missing. */
int launch_command_argv(const Mesos__V1__CommandInfo *cmd, char **program, char ***argv,
			char *err, size_t errlen);

/* Starts a CommandInfo in a sandbox: argv per launch_command_argv, env,
 * cwd = sandbox, stdout/stderr appended to <sandbox>/stdout and
 * <sandbox>/stderr, own session, relative program looked up in the
 * sandbox first. */
int launch_command(const Mesos__V1__CommandInfo *cmd, const char *sandbox, char *const *env,
		   pid_t *pid, char *err, size_t errlen);
/* The same, the process running with group gid (0 = ours); see
 * launch_spawn.gid. */
int launch_command_gid(const Mesos__V1__CommandInfo *cmd, const char *sandbox,
		       char *const *env, unsigned gid, pid_t *pid, char *err, size_t errlen);

#endif
