/* ctl: tables and key/value lists printed from the admin API's JSON. */
#include "ctl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_MAX_COLS 12
#define CELL_MAX 128

bool ctl_json_truthy(const cJSON *v)
{
	if (cJSON_IsTrue(v))
		return true;
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	if (cJSON_IsString(v))
		return strcmp(v->valuestring, "true") == 0 || strcmp(v->valuestring, "yes") == 0 ||
		       strcmp(v->valuestring, "1") == 0;
	return false;
}

const char *ctl_json_text(const cJSON *v, char *tmp, size_t n)
{
	if (!v || cJSON_IsNull(v))
		return "-";
	if (cJSON_IsString(v))
		return v->valuestring[0] ? v->valuestring : "-";
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 9e15)
			snprintf(tmp, n, "%.0f", d);
		else
			snprintf(tmp, n, "%g", d);
		return tmp;
	}
	char *s = cJSON_PrintUnformatted(v);
	snprintf(tmp, n, "%s", s ? s : "?");
	free(s);
	return tmp;
}

void ctl_print_json(FILE *out, const cJSON *v)
{
	char *s = cJSON_Print(v);
	if (s)
		fprintf(out, "%s\n", s);
	free(s);
}

/* ---- a plain text table: columns as wide as their widest cell ---- */

struct table {
	size_t ncols, nrows;
	char (*cells)[TABLE_MAX_COLS][CELL_MAX];  /* row 0: the heading */
};

static int table_add_row(struct table *t)
{
	void *p = realloc(t->cells, (t->nrows + 1) * sizeof *t->cells);
	if (!p)
		return -1;
	t->cells = p;
	memset(t->cells[t->nrows], 0, sizeof *t->cells);
	t->nrows++;
	return 0;
}

static void table_set(struct table *t, size_t col, const char *text)
{
	if (col < t->ncols)
		snprintf(t->cells[t->nrows - 1][col], CELL_MAX, "%s", text);
}

static void table_print(FILE *out, const struct table *t, int indent)
{
	size_t w[TABLE_MAX_COLS] = { 0 };
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (strlen(t->cells[r][c]) > w[c])
				w[c] = strlen(t->cells[r][c]);
	for (size_t r = 0; r < t->nrows; r++) {
		fprintf(out, "%*s", indent, "");
		for (size_t c = 0; c < t->ncols; c++) {
			if (c + 1 < t->ncols)
				fprintf(out, "%-*s  ", (int)w[c], t->cells[r][c]);
			else
				fprintf(out, "%s", t->cells[r][c]);
		}
		fputc('\n', out);
	}
}

static void table_free(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
}

/* ---- /stats ---- */

static const char *const stats_order[] = {
	"healthy", "reason", "state", "leader", "is_leader", "leader_admin_url",
	"reseeding", "reseed_id", "reseed_step", "members",
	"running_servers", "launched_servers", "failed_servers",
	"cluster_livelocks", "cluster_reseeds", "framework_id", "uptime_seconds",
	"started_at", NULL,
};

void ctl_print_stats(FILE *out, const cJSON *stats)
{
	char tmp[256];
	const cJSON *it;

	for (size_t i = 0; stats_order[i]; i++) {
		it = cJSON_GetObjectItemCaseSensitive(stats, stats_order[i]);
		if (!it)
			continue;
		const char *v = ctl_json_text(it, tmp, sizeof tmp);
		if (strcmp(stats_order[i], "healthy") == 0 || strcmp(stats_order[i], "is_leader") == 0 ||
		    strcmp(stats_order[i], "reseeding") == 0)
			v = ctl_json_truthy(it) ? "yes" : "no";
		fprintf(out, "%-18s %s\n", stats_order[i], v);
	}
	cJSON_ArrayForEach(it, stats) {
		bool known = false;
		for (size_t i = 0; stats_order[i] && !known; i++)
			known = it->string && strcmp(it->string, stats_order[i]) == 0;
		if (!known && it->string)
			fprintf(out, "%-18s %s\n", it->string, ctl_json_text(it, tmp, sizeof tmp));
	}
}

/* ---- /membership ---- */

static const char *member_role(const cJSON *m)
{
	if (ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(m, "leader")))
		return "leader";
	if (ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(m, "learner")))
		return "learner";
	return "follower";
}

void ctl_print_members(FILE *out, const cJSON *members)
{
	static const char *const head[] = { "NAME", "HOST", "STATE", "ROLE", "UP", "CLIENT URL",
					    "PEER", "RAFT INDEX", "AGENT" };
	struct table t = { .ncols = sizeof head / sizeof *head };
	const cJSON *m;
	char tmp[CELL_MAX], peer[CELL_MAX];

	if (table_add_row(&t) < 0)
		return;
	for (size_t i = 0; i < t.ncols; i++)
		table_set(&t, i, head[i]);
	cJSON_ArrayForEach(m, members) {
		if (table_add_row(&t) < 0)
			break;
#define F(k) cJSON_GetObjectItemCaseSensitive(m, k)
		table_set(&t, 0, ctl_json_text(F("name"), tmp, sizeof tmp));
		table_set(&t, 1, ctl_json_text(F("host"), tmp, sizeof tmp));
		table_set(&t, 2, ctl_json_text(F("state"), tmp, sizeof tmp));
		table_set(&t, 3, member_role(m));
		table_set(&t, 4, !F("up") ? "-" : ctl_json_truthy(F("up")) ? "yes" : "no");
		table_set(&t, 5, ctl_json_text(F("clientURL"), tmp, sizeof tmp));
		snprintf(peer, sizeof peer, "%s", ctl_json_text(F("peerPort"), tmp, sizeof tmp));
		table_set(&t, 6, peer);
		table_set(&t, 7, ctl_json_text(F("raftIndex"), tmp, sizeof tmp));
		const cJSON *agent = F("agentID");
		if (!cJSON_IsString(agent) || !agent->valuestring[0])
			agent = F("slaveID");
		table_set(&t, 8, ctl_json_text(agent, tmp, sizeof tmp));
#undef F
	}
	if (t.nrows == 1)
		fprintf(out, "(no members)\n");
	else
		table_print(out, &t, 0);
	table_free(&t);
}

/* ---- anything else: the reseed plan, what a POST started ---- */

static bool is_object_array(const cJSON *v)
{
	return cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 &&
	       cJSON_IsObject(cJSON_GetArrayItem(v, 0));
}

static void print_object_table(FILE *out, const cJSON *arr, int indent)
{
	struct table t = { 0 };
	const char *keys[TABLE_MAX_COLS];
	const cJSON *row, *it;
	char tmp[CELL_MAX];

	/* Columns: the scalar keys of the rows, in order of first sight. */
	cJSON_ArrayForEach(row, arr) {
		cJSON_ArrayForEach(it, row) {
			if (!it->string || cJSON_IsObject(it) || cJSON_IsArray(it))
				continue;
			bool seen = false;
			for (size_t k = 0; k < t.ncols && !seen; k++)
				seen = strcmp(keys[k], it->string) == 0;
			if (!seen && t.ncols < TABLE_MAX_COLS)
				keys[t.ncols++] = it->string;
		}
	}
	if (t.ncols == 0 || table_add_row(&t) < 0)
		return;
	for (size_t k = 0; k < t.ncols; k++) {
		size_t i;
		for (i = 0; keys[k][i] && i < CELL_MAX - 1; i++)
			tmp[i] = (keys[k][i] >= 'a' && keys[k][i] <= 'z') ? keys[k][i] - 32
										: keys[k][i];
		tmp[i] = '\0';
		table_set(&t, k, tmp);
	}
	cJSON_ArrayForEach(row, arr) {
		if (table_add_row(&t) < 0)
			break;
		for (size_t k = 0; k < t.ncols; k++)
			table_set(&t, k, ctl_json_text(cJSON_GetObjectItemCaseSensitive(row, keys[k]),
						       tmp, sizeof tmp));
	}
	table_print(out, &t, indent);
	table_free(&t);
}

void ctl_print_generic(FILE *out, const cJSON *v, int indent)
{
	char tmp[512];
	const cJSON *it;

	if (is_object_array(v)) {
		print_object_table(out, v, indent);
		return;
	}
	if (!cJSON_IsObject(v)) {
		fprintf(out, "%*s%s\n", indent, "", ctl_json_text(v, tmp, sizeof tmp));
		return;
	}
	cJSON_ArrayForEach(it, v) {
		if (!it->string)
			continue;
		if (is_object_array(it)) {
			fprintf(out, "%*s%s:\n", indent, "", it->string);
			print_object_table(out, it, indent + 2);
		} else if (cJSON_IsObject(it)) {
			fprintf(out, "%*s%s:\n", indent, "", it->string);
			ctl_print_generic(out, it, indent + 2);
		} else if (cJSON_IsArray(it) && cJSON_GetArraySize(it) > 0) {
			const cJSON *e;
			fprintf(out, "%*s%s:\n", indent, "", it->string);
			cJSON_ArrayForEach(e, it)
				fprintf(out, "%*s- %s\n", indent + 2, "",
					ctl_json_text(e, tmp, sizeof tmp));
		} else {
			fprintf(out, "%*s%-18s %s\n", indent, "", it->string,
				ctl_json_text(it, tmp, sizeof tmp));
		}
	}
}
