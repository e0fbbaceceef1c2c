/* exec_env — the executor's MESOS_* environment; see exec_env.h. */
#include "mesos/exec_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mesos/duration.h"

static int need(const char *name, char **out, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		if (err && errlen)
			snprintf(err, errlen, "%s is not set; this program must be started by a "
				 "Mesos agent as an executor", name);
		return -EINVAL;
	}
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

static int duration(const char *name, int64_t def_ns, int64_t *out, char *err, size_t errlen)
{
	const char *v = getenv(name);
	char why[200];

	*out = def_ns;
	if (!v || !*v)
		return 0;
	if (mesos_duration_parse(v, out, why, sizeof why) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s=%s", name, why);
		return -EINVAL;
	}
	return 0;
}

int exec_env_read(struct exec_env *e, char *err, size_t errlen)
{
	const char *ep, *pid, *v;
	char text[URL_MAX_HOST + URL_MAX_PATH + 32], prefix[128] = "";
	bool tls = false;
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = need("MESOS_FRAMEWORK_ID", &e->framework_id, err, errlen)) < 0 ||
	    (rc = need("MESOS_EXECUTOR_ID", &e->executor_id, err, errlen)) < 0)
		goto fail;
	ep = getenv("MESOS_AGENT_ENDPOINT");
	if (!ep || !*ep || strchr(ep, '/') || strchr(ep, '@')) {
		if (err && errlen)
			snprintf(err, errlen, "MESOS_AGENT_ENDPOINT=\"%.100s\": expected the agent's "
				 "ip:port", ep ? ep : "");
		rc = -EINVAL;
		goto fail;
	}
	pid = getenv("MESOS_SLAVE_PID");
	if (pid && *pid) {
		const char *at = strchr(pid, '@');
		size_t n = at ? (size_t)(at - pid) : 0, i;
		bool good = n > 0 && n < sizeof prefix - 1;
		for (i = 0; good && i < n; i++)
			good = (pid[i] >= 'a' && pid[i] <= 'z') || (pid[i] >= 'A' && pid[i] <= 'Z') ||
			       (pid[i] >= '0' && pid[i] <= '9') || pid[i] == '(' || pid[i] == ')' ||
			       pid[i] == '_' || pid[i] == '-' || pid[i] == '.';
		if (!good) {
			if (err && errlen)
				snprintf(err, errlen, "MESOS_SLAVE_PID=\"%.100s\": expected "
					 "slave(N)@ip:port", pid);
			rc = -EINVAL;
			goto fail;
		}
		prefix[0] = '/';
		memcpy(prefix + 1, pid, n);
		prefix[n + 1] = '\0';
	}
	v = getenv("LIBPROCESS_SSL_ENABLED");
	tls = v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
	snprintf(text, sizeof text, "%s://%s%s/api/v1/executor", tls ? "https" : "http", ep, prefix);
	if ((rc = url_parse(text, &e->url, NULL, 0)) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "MESOS_AGENT_ENDPOINT=\"%.100s\": expected the agent's "
				 "ip:port", ep);
		goto fail;
	}
	v = getenv("MESOS_SLAVE_ID");
	if (v && *v && !(e->agent_id = strdup(v))) {
		rc = -ENOMEM;
		goto fail;
	}
	v = getenv("MESOS_CHECKPOINT");
	if (v && *v && strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		if (err && errlen)
			snprintf(err, errlen, "MESOS_CHECKPOINT=\"%.20s\": expected \"1\" or \"0\"", v);
		rc = -EINVAL;
		goto fail;
	}
	e->checkpoint = v && strcmp(v, "1") == 0;
	if ((rc = duration("MESOS_RECOVERY_TIMEOUT", 15 * 60 * 1000000000LL,
			   &e->recovery_timeout_ns, err, errlen)) < 0 ||
	    (rc = duration("MESOS_SUBSCRIPTION_BACKOFF_MAX", 2 * 1000000000LL,
			   &e->backoff_max_ns, err, errlen)) < 0 ||
	    (rc = duration("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", 5 * 1000000000LL,
			   &e->shutdown_grace_ns, err, errlen)) < 0)
		goto fail;
	v = getenv("LIBPROCESS_SSL_CA_FILE");
	if (v && *v && !(e->ca_file = strdup(v))) {
		rc = -ENOMEM;
		goto fail;
	}
	v = getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
	if (v && *v) {
		size_t n = strlen(v), i;
		for (i = 0; i < n; i++)
			if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
				break;
		if (i < n) {
			if (err && errlen)
				snprintf(err, errlen, "MESOS_EXECUTOR_AUTHENTICATION_TOKEN holds a "
					 "byte that cannot go in an HTTP header");
			rc = -EINVAL;
			goto fail;
		}
		if (!(e->token = strdup(v))) {
			rc = -ENOMEM;
			goto fail;
		}
	}
	unsetenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
	return 0;
fail:
	if (rc == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
	exec_env_finish(e);
	unsetenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
	return rc;
}

void exec_env_finish(struct exec_env *e)
{
	if (!e)
		return;
	if (e->token) {
		explicit_bzero(e->token, strlen(e->token));
		free(e->token);
	}
	free(e->framework_id);
	free(e->executor_id);
	free(e->agent_id);
	free(e->ca_file);
	memset(e, 0, sizeof *e);
}
