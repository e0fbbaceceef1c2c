/*
 * admin_html — the admin API's status page (GET /): one self-contained
 * HTML document, no scripts, no external assets. Every value taken from
 * the snapshot is HTML-escaped. Pure function of a snapshot; see admin.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "base/buf.h"

/* Escapes & < > " ' so a value is safe in text and in quoted attributes. */
static int esc(struct buf *out, const char *v)
{
	int rc = 0;
	const char *p = v ? v : "";

	while (*p && rc == 0) {
		size_t plain = strcspn(p, "&<>\"'");
		if (plain) {
			rc = buf_append(out, p, plain);
			p += plain;
			continue;
		}
		switch (*p++) {
		case '&': rc = buf_append_str(out, "&amp;"); break;
		case '<': rc = buf_append_str(out, "&lt;"); break;
		case '>': rc = buf_append_str(out, "&gt;"); break;
		case '"': rc = buf_append_str(out, "&quot;"); break;
		default: rc = buf_append_str(out, "&#39;"); break;
		}
	}
	return rc;
}

static int row(struct buf *out, const char *label, const char *value)
{
	int rc = buf_appendf(out, "<tr><th>%s</th><td>", label);
	if (rc == 0)
		rc = esc(out, value);
	if (rc == 0)
		rc = buf_append_str(out, "</td></tr>\n");
	return rc;
}

static int row_u64(struct buf *out, const char *label, uint64_t v)
{
	return buf_appendf(out, "<tr><th>%s</th><td>%" PRIu64 "</td></tr>\n", label, v);
}

static void fmt_time(char *t, size_t len, int64_t ms)
{
	struct tm tm;
	time_t sec = (time_t)(ms / 1000);
	if (ms <= 0 || !gmtime_r(&sec, &tm) || !strftime(t, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(t, len, "never");
}

static int cell(struct buf *out, const char *v)
{
	int rc = buf_append_str(out, "<td>");
	if (rc == 0)
		rc = esc(out, v);
	if (rc == 0)
		rc = buf_append_str(out, "</td>");
	return rc;
}

static int member_row(struct buf *out, const struct admin_member *m)
{
	char t[48];
	int rc = buf_append_str(out, "<tr>");

	fmt_time(t, sizeof t, m->last_seen_ms);
	if (rc == 0)
		rc = cell(out, m->name);
	if (rc == 0)
		rc = cell(out, m->host);
	if (rc == 0)
		rc = buf_appendf(out, "<td>%u</td><td>%u</td>", m->peer_port, m->client_port);
	if (rc == 0)
		rc = cell(out, m->state);
	if (rc == 0)
		rc = cell(out, m->task_state);
	if (rc == 0)
		rc = buf_appendf(out, "<td>%s%s%s</td><td>%" PRIu64 "</td>",
				 m->up ? "up" : "down", m->leader ? ", leader" : "",
				 m->learner ? ", learner" : "", m->raft_index);
	if (rc == 0)
		rc = cell(out, m->agent_id);
	if (rc == 0)
		rc = cell(out, m->task_id);
	if (rc == 0)
		rc = cell(out, t);
	if (rc == 0)
		rc = buf_append_str(out, "</tr>\n");
	return rc;
}

int admin_render_html(struct buf *out, const struct admin_snapshot *s)
{
	char t[48];
	int rc;

	rc = buf_append_str(out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"refresh\" content=\"10\">\n"
		"<title>etcd-mesos</title>\n<style>\n"
		"body{font-family:sans-serif;margin:1.5em;color:#222}\n"
		"table{border-collapse:collapse;margin-bottom:1.5em}\n"
		"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
		"th{background:#f4f4f4}.ok{color:#070}.bad{color:#b00}\n"
		"</style></head><body>\n<h1>etcd-mesos scheduler</h1>\n");
	if (rc == 0)
		rc = buf_appendf(out, "<p class=\"%s\"><strong>%s</strong> ",
				 s->healthy ? "ok" : "bad", s->healthy ? "healthy" : "unhealthy");
	if (rc == 0)
		rc = esc(out, s->state);
	if (rc == 0)
		rc = buf_append_str(out, ": ");
	if (rc == 0)
		rc = esc(out, s->reason);
	if (rc == 0)
		rc = buf_append_str(out, "</p>\n");
	if (rc == 0 && !s->is_leader) {
		rc = buf_append_str(out, "<p>This scheduler is a standby; the leader's admin API is at ");
		if (rc == 0)
			rc = esc(out, s->leader_admin_url ? s->leader_admin_url : "(unknown)");
		if (rc == 0)
			rc = buf_append_str(out, ".</p>\n");
	}
	if (rc == 0)
		rc = buf_append_str(out, "<table>\n");
	if (rc == 0)
		rc = row(out, "framework", s->framework_id);
	if (rc == 0)
		rc = row(out, "role", s->is_leader ? "leader" : "standby");
	if (rc == 0)
		rc = row(out, "etcd leader", s->leader && *s->leader ? s->leader : "(none)");
	if (rc == 0)
		rc = row(out, "reseeding", s->reseeding ? "yes" : "no");
	if (rc == 0 && s->reseeding)
		rc = row(out, "reseed id", s->reseed_id);
	if (rc == 0 && s->reseeding)
		rc = row(out, "reseed step", s->reseed_step);
	if (rc == 0 && s->original)
		rc = row(out, "original etcd-mesos", s->original);
	if (rc == 0 && s->original)
		rc = row(out, "original: next", s->original_next);
	if (rc == 0)
		rc = row_u64(out, "running servers", s->running_servers);
	if (rc == 0)
		rc = row_u64(out, "launched servers", s->launched_servers);
	if (rc == 0)
		rc = row_u64(out, "failed servers", s->failed_servers);
	if (rc == 0)
		rc = row_u64(out, "cluster livelocks", s->cluster_livelocks);
	if (rc == 0)
		rc = row_u64(out, "cluster reseeds", s->cluster_reseeds);
	fmt_time(t, sizeof t, s->started_at_ms);
	if (rc == 0)
		rc = row(out, "started", t);
	if (rc == 0)
		rc = row_u64(out, "uptime (s)", s->uptime_ms > 0 ? (uint64_t)s->uptime_ms / 1000 : 0);
	if (rc == 0)
		rc = buf_append_str(out, "</table>\n<h2>Members</h2>\n<table>\n"
			"<tr><th>name</th><th>host</th><th>peer</th><th>client</th>"
			"<th>registry</th><th>task</th><th>etcd</th><th>raft index</th>"
			"<th>agent</th><th>task id</th><th>last seen</th></tr>\n");
	for (size_t i = 0; i < s->n_members && rc == 0; i++)
		rc = member_row(out, &s->members[i]);
	if (rc == 0)
		rc = buf_append_str(out, "</table>\n<p>JSON: <a href=\"stats\">/stats</a> "
			"<a href=\"membership\">/membership</a> <a href=\"metrics\">/metrics</a> "
			"<a href=\"healthz\">/healthz</a></p>\n</body></html>\n");
	return rc;
}
