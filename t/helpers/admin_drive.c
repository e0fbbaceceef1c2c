/*
 * admin_drive — runs the scheduler's admin API (cmd/scheduler/admin.c)
 * and artifact server (artifact.c) over a snapshot read from a JSON file,
 * for t/t0800-admin.sh and benchmarks. Runs until SIGTERM/SIGINT; SIGHUP
 * reads the state file again.
 *
 *   admin_drive -state=FILE [-admin-port=N] [-artifact-port=N] [-token=T]
 *               [-executor=F] [-etcd=F] [-etcdctl=F]
 *
 * Without -artifact-port (or with the admin port's number) the artifact
 * routes go on the admin server. Prints "listening admin=N artifact=M"
 * on stdout once ready, and "action: ..." for each reseed or teardown
 * that acted. Logs (glog lines) go to stderr.
 *
 * The state file holds the fields of struct admin_snapshot under the
 * same names, members as a list of objects with the fields of struct
 * admin_member (plus "has_data", default true, for the reseed ranking);
 * raft_index may be a decimal string, for values past 2^53.
 * The actions behave as the scheduler's will: a reseed while one runs is
 * refused with -EBUSY; a dry run ranks the members with lib/cluster's
 * rank_reseed; a real one marks the snapshot reseeding with a new id.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../../cmd/scheduler/admin.h"
#include "../../cmd/scheduler/artifact.h"
#include "base/log.h"
#include "base/strutil.h"
#include "cluster/rank.h"
#include "ev/ev.h"

struct state {
	const char *file;
	cJSON *root;
	struct admin_snapshot snap;
	struct admin_member *members;
	bool *has_data;
	char reseed_id[32];
	int reseeds;
	bool torn_down;
};

static const char *jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A number, or a decimal string for values past 2^53 (cJSON keeps doubles). */
static uint64_t ju64(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	uint64_t u = 0;
	if (cJSON_IsString(v) && parse_uint64(v->valuestring, &u) == 0)
		return u;
	return cJSON_IsNumber(v) && v->valuedouble > 0 ? (uint64_t)v->valuedouble : 0;
}

static bool jbool(const cJSON *o, const char *name, bool dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	return dflt;
}

static void state_clear(struct state *st)
{
	cJSON_Delete(st->root);
	free(st->members);
	free(st->has_data);
	st->root = NULL;
	st->members = NULL;
	st->has_data = NULL;
}

static int state_load(struct state *st)
{
	FILE *f = fopen(st->file, "r");
	char *text = NULL;
	size_t len = 0;
	cJSON *root, *ms, *m;
	struct admin_snapshot *s = &st->snap;
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "admin_drive: -state=%s: %s\n", st->file, strerror(errno));
		return -errno;
	}
	FILE *mem = open_memstream(&text, &len);
	char chunk[4096];
	size_t got;
	while (mem && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, got, mem);
	fclose(f);
	if (!mem)
		return -ENOMEM;
	fclose(mem);
	root = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(root)) {
		fprintf(stderr, "admin_drive: -state=%s: not a JSON object\n", st->file);
		cJSON_Delete(root);
		return -EINVAL;
	}
	state_clear(st);
	st->root = root;
	memset(s, 0, sizeof *s);
	s->running_servers = (uint64_t)jnum(root, "running_servers");
	s->launched_servers = (uint64_t)jnum(root, "launched_servers");
	s->failed_servers = (uint64_t)jnum(root, "failed_servers");
	s->cluster_livelocks = (uint64_t)jnum(root, "cluster_livelocks");
	s->cluster_reseeds = (uint64_t)jnum(root, "cluster_reseeds");
	s->healthy = jbool(root, "healthy", false);
	s->state = jstr(root, "state");
	s->reason = jstr(root, "reason");
	s->leader = jstr(root, "leader");
	s->reseeding = jbool(root, "reseeding", false);
	s->reseed_id = jstr(root, "reseed_id");
	s->reseed_step = jstr(root, "reseed_step");
	s->framework_id = jstr(root, "framework_id");
	s->is_leader = jbool(root, "is_leader", true);
	s->leader_admin_url = jstr(root, "leader_admin_url");
	s->started_at_ms = (int64_t)jnum(root, "started_at_ms");
	s->uptime_ms = (int64_t)jnum(root, "uptime_ms");
	ms = cJSON_GetObjectItemCaseSensitive(root, "members");
	n = (size_t)cJSON_GetArraySize(ms);
	st->members = calloc(n ? n : 1, sizeof *st->members);
	st->has_data = calloc(n ? n : 1, sizeof *st->has_data);
	if (!st->members || !st->has_data)
		return -ENOMEM;
	n = 0;
	cJSON_ArrayForEach(m, ms) {
		struct admin_member *am = &st->members[n];
		am->name = jstr(m, "name");
		am->host = jstr(m, "host");
		am->peer_port = (uint16_t)jnum(m, "peer_port");
		am->client_port = (uint16_t)jnum(m, "client_port");
		am->agent_id = jstr(m, "agent_id");
		am->task_id = jstr(m, "task_id");
		am->state = jstr(m, "state");
		am->task_state = jstr(m, "task_state");
		am->learner = jbool(m, "learner", false);
		am->leader = jbool(m, "leader", false);
		am->up = jbool(m, "up", false);
		am->raft_index = ju64(m, "raft_index");
		am->client_url = jstr(m, "client_url");
		am->last_seen_ms = (int64_t)jnum(m, "last_seen_ms");
		st->has_data[n] = jbool(m, "has_data", true);
		n++;
	}
	s->members = st->members;
	s->n_members = n;
	return 0;
}

static const struct admin_snapshot *provide(void *arg)
{
	struct state *st = arg;
	return st->root ? &st->snap : NULL;
}

static int plan(struct state *st, cJSON *body)
{
	size_t n = st->snap.n_members;
	struct rank_candidate *c = calloc(n ? n : 1, sizeof *c);
	size_t *order = calloc(n ? n : 1, sizeof *order), n_order = 0;
	cJSON *ranking = cJSON_AddArrayToObject(body, "ranking");
	cJSON *steps = cJSON_AddArrayToObject(body, "plan");
	int chosen = -1, rc = -ENOMEM;
	char line[300];

	if (!c || !order || !ranking || !steps)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		c[i].name = st->members[i].name ? st->members[i].name : "";
		c[i].has_data = st->has_data[i];
		c[i].raft_index = st->members[i].raft_index;
	}
	rc = rank_reseed(c, n, NULL, 0, order, n, &n_order, &chosen);
	if (rc != 0)
		goto fail;
	for (size_t i = 0; i < n_order; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(ranking, o);
		cJSON_AddStringToObject(o, "name", c[order[i]].name);
		cJSON_AddNumberToObject(o, "raftIndex", (double)c[order[i]].raft_index);
	}
	cJSON_AddItemToArray(steps, cJSON_CreateString("fence every member (stop etcd with SIGKILL, keep its data)"));
	if (chosen >= 0) {
		snprintf(line, sizeof line, "force %s as a one-member cluster (--force-new-cluster)",
			 c[chosen].name);
		cJSON_AddItemToArray(steps, cJSON_CreateString(line));
		cJSON_AddItemToArray(steps, cJSON_CreateString("add the others back as learners, promote when caught up"));
		cJSON_AddStringToObject(body, "chosen", c[chosen].name);
	} else {
		cJSON_AddItemToArray(steps, cJSON_CreateString("stop: no member holds data"));
		cJSON_AddNullToObject(body, "chosen");
	}
	rc = 0;
fail:
	free(c);
	free(order);
	return rc;
}

static int act_reseed(void *arg, bool dry_run, struct admin_result *res)
{
	struct state *st = arg;
	cJSON *body;
	int rc;

	if (st->snap.reseeding) {
		snprintf(res->error, sizeof res->error, "a reseed is already running (id %s, step %s)",
			 st->snap.reseed_id ? st->snap.reseed_id : "?",
			 st->snap.reseed_step ? st->snap.reseed_step : "?");
		return -EBUSY;
	}
	if (!(body = cJSON_CreateObject()))
		return -ENOMEM;
	cJSON_AddBoolToObject(body, "dry_run", dry_run);
	if ((rc = plan(st, body)) != 0) {
		cJSON_Delete(body);
		snprintf(res->error, sizeof res->error, "cannot rank the members: %s", strerror(-rc));
		return rc;
	}
	if (!dry_run) {
		snprintf(st->reseed_id, sizeof st->reseed_id, "reseed-%d", ++st->reseeds);
		st->snap.reseeding = true;
		st->snap.reseed_id = st->reseed_id;
		st->snap.reseed_step = "decided";
		st->snap.cluster_reseeds++;
		cJSON_AddBoolToObject(body, "started", true);
		cJSON_AddStringToObject(body, "reseed_id", st->reseed_id);
		res->status = 202;
		printf("action: reseed %s\n", st->reseed_id);
		fflush(stdout);
	} else {
		cJSON_AddBoolToObject(body, "started", false);
	}
	res->body = body;
	return 0;
}

static int act_teardown(void *arg, struct admin_result *res)
{
	struct state *st = arg;
	if (st->torn_down) {
		snprintf(res->error, sizeof res->error, "a teardown is already under way");
		return -EBUSY;
	}
	st->torn_down = true;
	res->body = cJSON_CreateObject();
	cJSON_AddStringToObject(res->body, "teardown", "started");
	cJSON_AddStringToObject(res->body, "framework_id", st->snap.framework_id ? st->snap.framework_id : "");
	res->status = 202;
	printf("action: teardown\n");
	fflush(stdout);
	return 0;
}

static void on_stop(struct ev_loop *l, int signo, void *arg)
{
	ev_stop(l);
}

static void on_hup(struct ev_loop *l, int signo, void *arg)
{
	struct state *st = arg;
	/* a reload replaces what the actions changed */
	if (state_load(st) == 0)
		log_info("admin_drive: state reloaded from %s", st->file);
}

static const char *opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

int main(int argc, char **argv)
{
	struct state st = { 0 };
	struct http_server_config ac = { .name = "admin" }, fc = { .name = "artifact" };
	struct http_server *asrv = NULL, *fsrv = NULL;
	struct artifact_config afc = { { 0 } };
	struct admin_config adc = { 0 };
	struct admin *adm = NULL;
	struct artifact *art = NULL;
	struct log_config lc = { .program = "admin_drive", .logtostderr = true };
	struct ev_loop *loop = NULL;
	long artifact_port = -1;
	const char *v;
	int rc, status = 1;

	for (int i = 1; i < argc; i++) {
		if ((v = opt(argv[i], "-state")))
			st.file = v;
		else if ((v = opt(argv[i], "-admin-port")))
			ac.port = (uint16_t)atoi(v);
		else if ((v = opt(argv[i], "-artifact-port")))
			artifact_port = atol(v);
		else if ((v = opt(argv[i], "-token")))
			adc.token = v;
		else if ((v = opt(argv[i], "-executor")))
			afc.files[ARTIFACT_EXECUTOR] = v;
		else if ((v = opt(argv[i], "-etcd")))
			afc.files[ARTIFACT_ETCD] = v;
		else if ((v = opt(argv[i], "-etcdctl")))
			afc.files[ARTIFACT_ETCDCTL] = v;
		else {
			fprintf(stderr, "admin_drive: unknown argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	if (!st.file) {
		fprintf(stderr, "admin_drive: -state=FILE is required\n");
		return 2;
	}
	log_init(&lc);
	if (state_load(&st) != 0)
		goto out;
	loop = ev_loop_new();
	if (!loop)
		goto out;
	if ((rc = http_server_new(&asrv, loop, &ac)) != 0) {
		fprintf(stderr, "admin_drive: admin server: %s\n", strerror(-rc));
		goto out;
	}
	adc.snapshot = provide;
	adc.reseed = act_reseed;
	adc.teardown = act_teardown;
	adc.arg = &st;
	if ((rc = admin_new(&adm, asrv, &adc)) != 0) {
		fprintf(stderr, "admin_drive: admin: %s\n", strerror(-rc));
		goto out;
	}
	if (artifact_port >= 0 && artifact_port != http_server_port(asrv)) {
		fc.port = (uint16_t)artifact_port;
		if ((rc = http_server_new(&fsrv, loop, &fc)) != 0) {
			fprintf(stderr, "admin_drive: artifact server: %s\n", strerror(-rc));
			goto out;
		}
	}
	if (afc.files[0] || afc.files[1] || afc.files[2]) {
		if ((rc = artifact_new(&art, fsrv ? fsrv : asrv, &afc)) != 0) {
			fprintf(stderr, "admin_drive: artifact: %s\n", strerror(-rc));
			goto out;
		}
		for (int k = 0; k < ARTIFACT_COUNT; k++)
			if (artifact_path(art, k))
				printf("artifact %d at %s\n", k, artifact_path(art, k));
	}
	ev_signal_add(loop, SIGTERM, on_stop, NULL);
	ev_signal_add(loop, SIGINT, on_stop, NULL);
	ev_signal_add(loop, SIGHUP, on_hup, &st);
	printf("listening admin=%u artifact=%u\n", http_server_port(asrv),
	       http_server_port(fsrv ? fsrv : asrv));
	fflush(stdout);
	ev_run(loop);
	ev_signal_del(loop, SIGTERM);
	ev_signal_del(loop, SIGINT);
	ev_signal_del(loop, SIGHUP);
	status = 0;
out:
	http_server_free(fsrv);
	http_server_free(asrv);
	artifact_free(art);
	admin_free(adm);
	ev_loop_free(loop);
	state_clear(&st);
	log_shutdown();
	return status;
}
