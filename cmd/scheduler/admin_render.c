/*
 * admin_render — the admin API's machine-readable bodies: /stats and
 * /membership as JSON, /metrics in the Prometheus text exposition format
 * (version 0.0.4). Pure functions of a snapshot; see admin.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "base/buf.h"

/* cJSON keeps numbers as doubles; a raw number keeps a uint64 exact. */
static bool add_u64(cJSON *o, const char *name, uint64_t v)
{
	char n[24];
	snprintf(n, sizeof n, "%" PRIu64, v);
	return cJSON_AddRawToObject(o, name, n) != NULL;
}

static bool add_str(cJSON *o, const char *name, const char *v)
{
	return cJSON_AddStringToObject(o, name, v ? v : "") != NULL;
}

static bool add_str_or_null(cJSON *o, const char *name, const char *v)
{
	return (v && *v) ? cJSON_AddStringToObject(o, name, v) != NULL
			 : cJSON_AddNullToObject(o, name) != NULL;
}

/* RFC 3339 UTC with milliseconds, or JSON null for 0. */
static bool add_time(cJSON *o, const char *name, int64_t ms)
{
	char t[40];
	struct tm tm;
	time_t sec = (time_t)(ms / 1000);

	if (ms <= 0 || !gmtime_r(&sec, &tm))
		return cJSON_AddNullToObject(o, name) != NULL;
	size_t n = strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(t + n, sizeof t - n, ".%03dZ", (int)(ms % 1000));
	return cJSON_AddStringToObject(o, name, t) != NULL;
}

static int append_json(struct buf *out, cJSON *root)
{
	char *text = root ? cJSON_PrintUnformatted(root) : NULL;
	int rc = -ENOMEM;

	if (text) {
		rc = buf_append_str(out, text);
		if (rc == 0)
			rc = buf_append(out, "\n", 1);
		free(text);
	}
	cJSON_Delete(root);
	return rc;
}

int admin_render_stats(struct buf *out, const struct admin_snapshot *s)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	ok = ok && add_u64(o, "running_servers", s->running_servers);
	ok = ok && add_u64(o, "launched_servers", s->launched_servers);
	ok = ok && add_u64(o, "failed_servers", s->failed_servers);
	ok = ok && add_u64(o, "cluster_livelocks", s->cluster_livelocks);
	ok = ok && add_u64(o, "cluster_reseeds", s->cluster_reseeds);
	ok = ok && add_u64(o, "healthy", s->healthy ? 1 : 0);   /* the original's 1/0 */
	ok = ok && add_str(o, "state", s->state);
	ok = ok && add_str(o, "reason", s->reason);
	ok = ok && add_str_or_null(o, "leader", s->leader);
	ok = ok && cJSON_AddBoolToObject(o, "total_loss", s->total_loss);
	if (s->total_loss)
		ok = ok && add_str(o, "recovery", s->recovery);
	ok = ok && add_u64(o, "fresh_clusters", s->fresh_clusters);
	ok = ok && cJSON_AddBoolToObject(o, "reseeding", s->reseeding);
	if (s->reseeding) {
		ok = ok && add_str(o, "reseed_id", s->reseed_id);
		ok = ok && add_str(o, "reseed_step", s->reseed_step);
	}
	ok = ok && add_str(o, "framework_id", s->framework_id);
	ok = ok && add_str(o, "framework_name", s->framework_name);
	if (s->original) {
		ok = ok && add_str(o, "original", s->original);
		ok = ok && add_str(o, "original_next", s->original_next);
	}
	ok = ok && cJSON_AddBoolToObject(o, "is_leader", s->is_leader);
	if (!s->is_leader)
		ok = ok && add_str_or_null(o, "leader_admin_url", s->leader_admin_url);
	ok = ok && add_u64(o, "uptime_seconds", s->uptime_ms > 0 ? (uint64_t)s->uptime_ms / 1000 : 0);
	ok = ok && add_time(o, "started_at", s->started_at_ms);
	ok = ok && add_u64(o, "members", s->n_members);
	if (!ok) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return append_json(out, o);
}

static cJSON *member_json(const struct admin_member *m)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	ok = ok && add_str(o, "name", m->name);
	ok = ok && add_str(o, "host", m->host);
	ok = ok && add_u64(o, "rpcPort", m->peer_port);       /* the original's */
	ok = ok && add_u64(o, "peerPort", m->peer_port);
	ok = ok && add_u64(o, "clientPort", m->client_port);
	ok = ok && add_str(o, "slaveID", m->agent_id);        /* the original's */
	ok = ok && add_str(o, "agentID", m->agent_id);
	ok = ok && add_str(o, "taskID", m->task_id);
	ok = ok && add_str(o, "state", m->state);
	ok = ok && add_str_or_null(o, "taskState", m->task_state);
	ok = ok && cJSON_AddBoolToObject(o, "learner", m->learner);
	ok = ok && cJSON_AddBoolToObject(o, "leader", m->leader);
	ok = ok && cJSON_AddBoolToObject(o, "up", m->up);
	ok = ok && add_u64(o, "raftIndex", m->raft_index);
	ok = ok && add_str(o, "clientURL", m->client_url);
	ok = ok && add_time(o, "lastSeen", m->last_seen_ms);
	ok = ok && cJSON_AddBoolToObject(o, "foreign", m->foreign);
	if (m->version)
		ok = ok && add_str(o, "etcdVersion", m->version);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int admin_render_members(struct buf *out, const struct admin_snapshot *s)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; list && i < s->n_members; i++) {
		cJSON *m = member_json(&s->members[i]);
		if (!m || !cJSON_AddItemToArray(list, m)) {
			cJSON_Delete(m);
			cJSON_Delete(list);
			return -ENOMEM;
		}
	}
	return append_json(out, list);
}

/* ---- Prometheus text format ---- */

/* Label value: backslash, double quote and line feed escaped. */
static int label_value(struct buf *out, const char *v)
{
	int rc = 0;
	for (const char *p = v ? v : ""; *p && rc == 0; p++) {
		if (*p == '\\')
			rc = buf_append(out, "\\\\", 2);
		else if (*p == '"')
			rc = buf_append(out, "\\\"", 2);
		else if (*p == '\n')
			rc = buf_append(out, "\\n", 2);
		else
			rc = buf_append(out, p, 1);
	}
	return rc;
}

static int family(struct buf *out, const char *name, const char *type, const char *help)
{
	return buf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int sample(struct buf *out, const char *name, uint64_t v)
{
	return buf_appendf(out, "%s %" PRIu64 "\n", name, v);
}

struct member_gauge {
	const char *name;
	const char *help;
};

static uint64_t member_value(const struct admin_member *m, int which)
{
	switch (which) {
	case 0: return m->up;
	case 1: return m->learner;
	case 2: return m->leader;
	case 3: return m->raft_index;
	default: return m->last_seen_ms > 0 ? (uint64_t)m->last_seen_ms / 1000 : 0;
	}
}

int admin_render_metrics(struct buf *out, const struct admin_snapshot *s)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} top[] = {
		{ "etcd_mesos_running_servers", "gauge", "etcd members running now.",
		  offsetof(struct admin_snapshot, running_servers) },
		{ "etcd_mesos_launched_servers_total", "counter", "etcd tasks launched.",
		  offsetof(struct admin_snapshot, launched_servers) },
		{ "etcd_mesos_failed_servers_total", "counter", "etcd tasks that failed.",
		  offsetof(struct admin_snapshot, failed_servers) },
		{ "etcd_mesos_cluster_livelocks_total", "counter",
		  "times the cluster was judged stuck without progress.",
		  offsetof(struct admin_snapshot, cluster_livelocks) },
		{ "etcd_mesos_cluster_reseeds_total", "counter", "reseeds started.",
		  offsetof(struct admin_snapshot, cluster_reseeds) },
		{ "etcd_mesos_fresh_clusters_total", "counter",
		  "fresh, empty clusters started by an operator after a total loss.",
		  offsetof(struct admin_snapshot, fresh_clusters) },
	};
	static const struct member_gauge mg[] = {
		{ "etcd_mesos_member_up", "1 if the member answered the last health sample." },
		{ "etcd_mesos_member_learner", "1 if the member is an etcd learner." },
		{ "etcd_mesos_member_leader", "1 if the member is etcd's leader." },
		{ "etcd_mesos_member_raft_index", "the member's last reported raft index." },
		{ "etcd_mesos_member_last_seen_seconds", "Unix time the member last answered (0 = never)." },
	};
	int rc = 0;

	for (size_t i = 0; i < sizeof top / sizeof top[0] && rc == 0; i++) {
		uint64_t v;
		memcpy(&v, (const char *)s + top[i].off, sizeof v);
		rc = family(out, top[i].name, top[i].type, top[i].help);
		if (rc == 0)
			rc = sample(out, top[i].name, v);
	}
	if (rc == 0)
		rc = family(out, "etcd_mesos_healthy", "gauge", "1 if the etcd cluster is healthy.");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_healthy", s->healthy);
	if (rc == 0)
		rc = family(out, "etcd_mesos_is_leader", "gauge",
			    "1 if this scheduler is the leader, 0 on a standby.");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_is_leader", s->is_leader);
	if (rc == 0)
		rc = family(out, "etcd_mesos_total_loss", "gauge",
			    "1 when no member of the cluster is left (an operator must act).");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_total_loss", s->total_loss);
	if (rc == 0)
		rc = family(out, "etcd_mesos_reseeding", "gauge", "1 while a reseed runs.");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_reseeding", s->reseeding);
	if (rc == 0)
		rc = family(out, "etcd_mesos_members", "gauge", "members in the registry.");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_members", s->n_members);
	if (rc == 0)
		rc = family(out, "etcd_mesos_uptime_seconds", "gauge", "seconds since the scheduler started.");
	if (rc == 0)
		rc = sample(out, "etcd_mesos_uptime_seconds",
			    s->uptime_ms > 0 ? (uint64_t)s->uptime_ms / 1000 : 0);
	for (size_t g = 0; g < sizeof mg / sizeof mg[0] && rc == 0; g++) {
		if (s->n_members == 0)
			break;
		rc = family(out, mg[g].name, "gauge", mg[g].help);
		for (size_t i = 0; i < s->n_members && rc == 0; i++) {
			const struct admin_member *m = &s->members[i];
			rc = buf_appendf(out, "%s{name=\"", mg[g].name);
			if (rc == 0)
				rc = label_value(out, m->name);
			if (rc == 0)
				rc = buf_append_str(out, "\",host=\"");
			if (rc == 0)
				rc = label_value(out, m->host);
			if (rc == 0)
				rc = buf_appendf(out, "\"} %" PRIu64 "\n", member_value(m, (int)g));
		}
	}
	return rc;
}
