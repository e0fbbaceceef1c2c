/*
 * exec_env — what the Mesos agent tells a custom executor through its
 * environment (PROTOCOLS.md C.1, C.2, E.2).
 *
 *   MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID    required, put in every Call
 *   MESOS_AGENT_ENDPOINT                     required, "ip:port"
 *   MESOS_SLAVE_PID                          "slave(1)@ip:port": the path
 *                                            prefix /slave(1)/api/v1/executor
 *                                            (absent: /api/v1/executor)
 *   MESOS_SLAVE_ID                           optional (logs)
 *   MESOS_CHECKPOINT                         "1" or "0" (absent: 0)
 *   MESOS_RECOVERY_TIMEOUT                   stout duration, default 15mins
 *   MESOS_SUBSCRIPTION_BACKOFF_MAX           stout duration, default 2secs
 *   MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD     stout duration, default 5secs
 *   MESOS_EXECUTOR_AUTHENTICATION_TOKEN      sent as "Bearer <token>"; it is
 *                                            REMOVED from the environment
 *                                            (unsetenv) so children such as
 *                                            etcd do not inherit it
 *   LIBPROCESS_SSL_ENABLED                   "1"/"true": https to the agent
 *   LIBPROCESS_SSL_CA_FILE                   CAs for that
 *
 * exec_env_read() reads the process environment, so it changes it (the
 * token) and is for startup, before any child is forked. 0, -EINVAL (err:
 * one line naming the variable, its value and the expected form), or
 * -ENOMEM. The struct owns its strings; exec_env_finish() wipes the token
 * and frees them (accepts NULL and a zeroed struct).
 */
#ifndef EM_MESOS_EXEC_ENV_H
#define EM_MESOS_EXEC_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/url.h"

struct exec_env {
	char *framework_id;
	char *executor_id;
	char *agent_id;              /* NULL if MESOS_SLAVE_ID is absent */
	struct url url;              /* the agent's executor endpoint */
	bool checkpoint;
	int64_t recovery_timeout_ns;
	int64_t backoff_max_ns;
	int64_t shutdown_grace_ns;
	char *token;                 /* NULL without executor authentication */
	char *ca_file;               /* NULL: the system's CAs */
};

int exec_env_read(struct exec_env *e, char *err, size_t errlen);
void exec_env_finish(struct exec_env *e);

#endif
