/* ctl: the read-only commands — status, stats, members, health, endpoints. */
#include "ctl.h"

#include <stdlib.h>
#include <string.h>

static const cJSON *field(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *text(const cJSON *o, const char *k, char *tmp, size_t n)
{
	return ctl_json_text(field(o, k), tmp, n);
}

static void fmt_uptime(const cJSON *v, char *out, size_t n)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
		snprintf(out, n, "-");
		return;
	}
	long long s = (long long)v->valuedouble;
	if (s >= 86400)
		snprintf(out, n, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(out, n, "%llds", s);
}

static const char *etcd_leader_name(const cJSON *members)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, members) {
		const cJSON *name = field(m, "name");
		if (ctl_json_truthy(field(m, "leader")) && cJSON_IsString(name))
			return name->valuestring;
	}
	return NULL;
}

int ctl_cmd_status(struct ctl *c)
{
	cJSON *stats = NULL, *members = NULL;
	char t1[256], t2[256], t3[256], t4[256], t5[256], up[64], merr[700] = "";
	int rc = ctl_get_json(c, "/stats", &stats, false, NULL, 0);
	if (rc != CTL_OK)
		return rc;
	int mrc = ctl_get_json(c, "/membership", &members, true, merr, sizeof merr);
	bool healthy = ctl_json_truthy(field(stats, "healthy"));

	if (ctl_opts.json) {
		cJSON *all = cJSON_CreateObject();
		if (all) {
			cJSON_AddItemReferenceToObject(all, "stats", stats);
			if (members)
				cJSON_AddItemReferenceToObject(all, "members", members);
			ctl_print_json(stdout, all);
			cJSON_Delete(all);
		}
		goto out;
	}
	if (healthy)
		printf("cluster:     healthy\n");
	else
		printf("cluster:     UNHEALTHY: %s\n", text(stats, "reason", t1, sizeof t1));
	printf("state:       %s\n", text(stats, "state", t1, sizeof t1));
	if (ctl_json_truthy(field(stats, "reseeding")))
		printf("reseed:      IN PROGRESS (id %s, step %s)\n",
		       text(stats, "reseed_id", t1, sizeof t1), text(stats, "reseed_step", t2, sizeof t2));
	else
		printf("reseed:      none running\n");
	if (field(stats, "original")) {
		char nx[1024];
		printf("original:    %s: %s\n", text(stats, "original", t1, sizeof t1),
		       text(stats, "original_next", nx, sizeof nx));
	}
	fmt_uptime(field(stats, "uptime_seconds"), up, sizeof up);
	if (ctl_json_truthy(field(stats, "is_leader")))
		printf("scheduler:   %s (leader, up %s)\n", c->shown, up);
	else
		printf("scheduler:   %s (standby, up %s; the leader is at %s)\n", c->shown, up,
		       text(stats, "leader_admin_url", t1, sizeof t1));
	printf("framework:   %s\n", text(stats, "framework_id", t1, sizeof t1));
	const char *el = members ? etcd_leader_name(members) : NULL;
	printf("etcd leader: %s\n", el ? el : text(stats, "leader", t1, sizeof t1));
	printf("servers:     %s running, %s launched, %s failed; %s livelocks, %s reseeds\n",
	       text(stats, "running_servers", t1, sizeof t1),
	       text(stats, "launched_servers", t2, sizeof t2),
	       text(stats, "failed_servers", t3, sizeof t3),
	       text(stats, "cluster_livelocks", t4, sizeof t4),
	       text(stats, "cluster_reseeds", t5, sizeof t5));
	printf("\n");
	if (members)
		ctl_print_members(stdout, members);
	else
		printf("members: unavailable: %s\n", merr);
out:
	cJSON_Delete(stats);
	cJSON_Delete(members);
	if (mrc != CTL_OK)
		return mrc;
	return healthy ? CTL_OK : CTL_FAIL;
}

static int print_one(struct ctl *c, const char *path, bool members)
{
	cJSON *j = NULL;
	int rc = ctl_get_json(c, path, &j, false, NULL, 0);
	if (rc != CTL_OK)
		return rc;
	if (members && !cJSON_IsArray(j)) {
		ctl_err(c, "GET %s%s: expected a JSON array of members", c->shown, path);
		rc = CTL_FAIL;
	} else if (!members && !cJSON_IsObject(j)) {
		ctl_err(c, "GET %s%s: expected a JSON object", c->shown, path);
		rc = CTL_FAIL;
	} else if (ctl_opts.json) {
		ctl_print_json(stdout, j);
	} else if (members) {
		ctl_print_members(stdout, j);
	} else {
		ctl_print_stats(stdout, j);
	}
	cJSON_Delete(j);
	return rc;
}

int ctl_cmd_stats(struct ctl *c)
{
	return print_one(c, "/stats", false);
}

int ctl_cmd_members(struct ctl *c)
{
	return print_one(c, "/membership", true);
}

int ctl_cmd_health(struct ctl *c)
{
	struct ctl_reply r;
	char why[400], tmp[256];
	int rc;

	if (ctl_request(c, "GET", "/healthz", 0, &r) < 0) {
		printf("unreachable\n");
		ctl_err(c, "%s (is the scheduler running at %s?)", r.errmsg, c->shown);
		rc = CTL_UNREACHABLE;
	} else if (r.status == 200) {
		printf("healthy\n");
		rc = CTL_OK;
	} else if (r.status == 500) {
		cJSON *stats = NULL;
		const char *reason = NULL;
		if (ctl_get_json(c, "/stats", &stats, true, NULL, 0) == CTL_OK)
			reason = text(stats, "reason", tmp, sizeof tmp);
		if (!reason || strcmp(reason, "-") == 0) {
			ctl_describe_status(&r, why, sizeof why);
			reason = why;
		}
		printf("unhealthy: %s\n", reason);
		cJSON_Delete(stats);
		rc = CTL_FAIL;
	} else {
		ctl_describe_status(&r, why, sizeof why);
		printf("unknown\n");
		ctl_err(c, "GET %s/healthz: %s (expected 200 or 500)", c->shown, why);
		rc = CTL_FAIL;
	}
	ctl_reply_finish(&r);
	return rc;
}

/* "http(s)://host:port" of one member, client or peer side. */
static bool member_url(const cJSON *m, bool peer, char *out, size_t n)
{
	const cJSON *cu = field(m, "clientURL"), *host = field(m, "host");
	const cJSON *port = field(m, peer ? "peerPort" : "clientPort");
	const char *scheme = "http";

	if (cJSON_IsString(cu) && cu->valuestring[0]) {
		if (!peer) {
			snprintf(out, n, "%s", cu->valuestring);
			return true;
		}
		if (strncmp(cu->valuestring, "https:", 6) == 0)
			scheme = "https";
	}
	if (!cJSON_IsString(host) || !host->valuestring[0] || !cJSON_IsNumber(port) ||
	    port->valuedouble < 1 || port->valuedouble > 65535)
		return false;
	bool v6 = strchr(host->valuestring, ':') != NULL && host->valuestring[0] != '[';
	snprintf(out, n, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host->valuestring,
		 v6 ? "]" : "", (int)port->valuedouble);
	return true;
}

int ctl_cmd_endpoints(struct ctl *c)
{
	cJSON *j = NULL;
	const cJSON *m;
	char url[600];
	size_t n = 0;
	int rc = ctl_get_json(c, "/membership", &j, false, NULL, 0);
	if (rc != CTL_OK)
		return rc;
	if (!cJSON_IsArray(j)) {
		ctl_err(c, "GET %s/membership: expected a JSON array of members", c->shown);
		cJSON_Delete(j);
		return CTL_FAIL;
	}
	cJSON_ArrayForEach(m, j) {
		/* Learners refuse most client calls: leave them out. */
		if (ctl_json_truthy(field(m, "learner")))
			continue;
		if (!member_url(m, ctl_opts.peers, url, sizeof url))
			continue;
		printf("%s%s", n ? "," : "", url);
		n++;
	}
	if (n)
		printf("\n");
	cJSON_Delete(j);
	if (!n) {
		ctl_err(c, "no member has a %s URL yet (see `etcd-mesos ctl members`)",
			ctl_opts.peers ? "peer" : "client");
		return CTL_FAIL;
	}
	return CTL_OK;
}
