/* control.c — the sim's control API (JSON, on --ip:--control-port), for
 * tests and chaos:
 *   GET  /state                        Mesos /master/state-like JSON
 *   POST /allocation/pause | /allocation/resume
 *   POST /master/failover[?to=N][&none=1]   new leader (or none)
 *   POST /framework/drop?id=F           close F's subscription stream
 *   POST /framework/delay?id=F&ms=N     hold F's events for N ms
 *   POST /agent/kill?id=A|index=I       agent and its executors die
 *   POST /agent/restart?id=A|index=I    agent comes back
 *   POST /agent/fetch-fail?id=A|index=I[&count=N][&after_ms=M]
 *                                       its next N fetches (1) fail, M ms
 *                                       (0) after they start: the launch
 *                                       ends TASK_FAILED,
 *                                       REASON_CONTAINER_LAUNCH_FAILED
 *   POST /task/signal?id=T&sig=KILL|TERM|STOP|CONT[&with_executor=1]
 *                                       the task's processes (not the executor)
 *   POST /executor/signal?agent=A|index=I&framework=F&executor=E[&sig=KILL]
 *                                       the executor process alone
 * Answers 200 {"ok":true,...} or 4xx {"error":"..."}. The masters serve
 * the same state at GET /master/state and /state. */
#include "agent.h"
#include "master.h"

#include "base/log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cJSON string with invalid UTF-8 and control bytes replaced by '?':
 * ids and names come from the network and must not break the JSON. */
static cJSON *clean_string(const char *v)
{
	size_t n = strlen(v), i = 0, k = 0;
	char *clean = malloc(n + 1);
	const unsigned char *u = (const unsigned char *)v;
	cJSON *item;

	if (!clean)
		return NULL;
	while (i < n) {
		size_t len = u[i] < 0x80 ? 1 : (u[i] >> 5) == 6 ? 2 : (u[i] >> 4) == 14 ? 3
			   : (u[i] >> 3) == 30 ? 4 : 0;
		bool ok = len > 0 && i + len <= n;
		for (size_t j = 1; ok && j < len; j++)
			ok = (u[i + j] & 0xc0) == 0x80;
		if (ok && len == 1 && u[i] < 0x20)
			ok = false;
		if (ok) {
			memcpy(clean + k, v + i, len);
			k += len;
			i += len;
		} else {
			clean[k++] = '?';
			i++;
		}
	}
	clean[k] = '\0';
	item = cJSON_CreateString(clean);
	free(clean);
	return item;
}

static void add_str(cJSON *obj, const char *key, const char *v)
{
	cJSON_AddItemToObject(obj, key, clean_string(v));
}

static void answer_json(struct http_req *req, int status, cJSON *j)
{
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;

	if (text)
		http_respond(req, status, "application/json", text, strlen(text));
	else
		http_respond(req, 500, "text/plain", "out of memory\n", 14);
	free(text);
	cJSON_Delete(j);
}

static void answer_error(struct http_req *req, int status, const char *msg)
{
	cJSON *j = cJSON_CreateObject();

	add_str(j, "error", msg);
	answer_json(req, status, j);
}

static void answer_ok(struct http_req *req)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddBoolToObject(j, "ok", 1);
	answer_json(req, 200, j);
}

static cJSON *resources_json(const struct sim_resv *r)
{
	cJSON *j = cJSON_CreateObject();
	struct buf ports = BUF_INIT;

	cJSON_AddNumberToObject(j, "cpus", (double)sim_resv_milli(r, "cpus") / 1000.0);
	cJSON_AddNumberToObject(j, "mem", (double)sim_resv_milli(r, "mem") / 1000.0);
	cJSON_AddNumberToObject(j, "disk", (double)sim_resv_milli(r, "disk") / 1000.0);
	buf_append_str(&ports, "");
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].name, "ports") != 0)
			continue;
		for (size_t k = 0; k < r->v[i].n_ranges; k++)
			buf_appendf(&ports, "%s%llu-%llu", ports.len ? ", " : "[",
				    (unsigned long long)r->v[i].ranges[k].begin,
				    (unsigned long long)r->v[i].ranges[k].end);
	}
	if (ports.len)
		buf_append_str(&ports, "]");
	if (ports.len)
		add_str(j, "ports", ports.data);
	buf_finish(&ports);
	return j;
}

static cJSON *full_resources_json(const struct sim_resv *r)
{
	cJSON *arr = cJSON_CreateArray();
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < r->n; i++) {
		struct sim_resv one = {(struct sim_res *)&r->v[i], 1};
		cJSON *x = cJSON_CreateObject();
		buf_reset(&b);
		sim_resv_format(&one, NULL, &b);
		add_str(x, "name", r->v[i].name);
		add_str(x, "role", r->v[i].role);
		if (r->v[i].principal[0])
			add_str(x, "principal", r->v[i].principal);
		if (r->v[i].persistence_id[0]) {
			add_str(x, "persistence_id", r->v[i].persistence_id);
			add_str(x, "container_path", r->v[i].container_path);
		}
		add_str(x, "text", b.data ? b.data : "");
		cJSON_AddItemToArray(arr, x);
	}
	buf_finish(&b);
	return arr;
}

static cJSON *task_json(struct sim_task *t)
{
	cJSON *j = cJSON_CreateObject(), *st = cJSON_CreateArray();

	add_str(j, "id", t->id);
	add_str(j, "name", t->info && t->info->name ? t->info->name : "");
	add_str(j, "framework_id", t->fw->id);
	add_str(j, "executor_id", t->exec ? t->exec->id :
				(t->info && t->info->executor ? t->info->executor->executor_id->value : ""));
	add_str(j, "slave_id", t->agent ? t->agent->id : "");
	add_str(j, "state", sim_task_state_name(t->state));
	cJSON_AddItemToObject(j, "resources", resources_json(&t->resources));
	for (size_t i = 0; i < t->n_history; i++) {
		cJSON *s = cJSON_CreateObject();
		add_str(s, "state", sim_task_state_name(t->history[i]->state));
		cJSON_AddNumberToObject(s, "timestamp", t->history[i]->timestamp);
		cJSON_AddItemToArray(st, s);
	}
	cJSON_AddItemToObject(j, "statuses", st);
	return j;
}

static cJSON *framework_json(struct sim_framework *fw)
{
	cJSON *j = cJSON_CreateObject(), *tasks = cJSON_CreateArray(),
	      *done = cJSON_CreateArray(), *offers = cJSON_CreateArray(),
	      *execs = cJSON_CreateArray(), *roles = cJSON_CreateArray(),
	      *caps = cJSON_CreateArray(), *sup = cJSON_CreateArray();
	const char *rv[64];
	size_t nr = sim_framework_roles(fw, rv, 64);
	struct sim_resv used = {0};

	add_str(j, "id", fw->id);
	add_str(j, "name", fw->info->name);
	add_str(j, "user", fw->info->user);
	add_str(j, "principal", fw->info->principal ? fw->info->principal : "");
	cJSON_AddBoolToObject(j, "active", fw->connected);
	cJSON_AddBoolToObject(j, "connected", fw->connected);
	cJSON_AddBoolToObject(j, "checkpoint", fw->info->checkpoint);
	cJSON_AddNumberToObject(j, "failover_timeout", fw->info->failover_timeout);
	cJSON_AddNumberToObject(j, "registered_time", (double)fw->registered_ms / 1000.0);
	cJSON_AddNumberToObject(j, "unregistered_time", (double)fw->unregistered_ms / 1000.0);
	add_str(j, "stream_id", fw->stream_id);
	for (size_t i = 0; i < nr; i++)
		cJSON_AddItemToArray(roles, clean_string(rv[i]));
	cJSON_AddItemToObject(j, "roles", roles);
	for (size_t i = 0; i < fw->n_suppressed; i++)
		cJSON_AddItemToArray(sup, clean_string(fw->suppressed[i]));
	cJSON_AddItemToObject(j, "suppressed_roles", sup);
	for (size_t i = 0; i < fw->info->n_capabilities; i++) {
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
			&mesos__v1__framework_info__capability__type__descriptor,
			(int)fw->info->capabilities[i]->type);
		cJSON_AddItemToArray(caps, cJSON_CreateString(v ? v->name : "UNKNOWN"));
	}
	cJSON_AddItemToObject(j, "capabilities", caps);
	sim_list_each(it, nx, &fw->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
		if (!t->terminal && sim_resv_add(&used, &t->resources) != 0)
			break;
		cJSON_AddItemToArray(t->terminal ? done : tasks, task_json(t));
	}
	sim_list_each(it, nx, &fw->executors) {
		struct sim_executor *e = sim_container_of(it, struct sim_executor, fw_link);
		cJSON *x = cJSON_CreateObject();
		sim_resv_add(&used, &e->resources);
		add_str(x, "executor_id", e->id);
		add_str(x, "slave_id", e->agent->id);
		cJSON_AddItemToObject(x, "resources", resources_json(&e->resources));
		cJSON_AddItemToArray(execs, x);
	}
	sim_list_each(it, nx, &fw->offers) {
		struct sim_offer *o = sim_container_of(it, struct sim_offer, fw_link);
		cJSON *x = cJSON_CreateObject();
		add_str(x, "id", o->id);
		add_str(x, "slave_id", o->agent->id);
		add_str(x, "role", o->role);
		cJSON_AddItemToObject(x, "resources", resources_json(&o->resources));
		cJSON_AddItemToArray(offers, x);
	}
	cJSON_AddItemToObject(j, "used_resources", resources_json(&used));
	sim_resv_free(&used);
	cJSON_AddItemToObject(j, "tasks", tasks);
	cJSON_AddItemToObject(j, "completed_tasks", done);
	cJSON_AddItemToObject(j, "executors", execs);
	cJSON_AddItemToObject(j, "offers", offers);
	return j;
}

static const char *agent_state_name(enum sim_agent_state s)
{
	return s == SIM_AGENT_UP ? "UP" : s == SIM_AGENT_DOWN ? "DOWN" : "REMOVED";
}

void sim_state_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	cJSON *j = cJSON_CreateObject(), *fws = cJSON_CreateArray(), *done = cJSON_CreateArray(),
	      *agents = cJSON_CreateArray(), *masters = cJSON_CreateArray();
	char pid[128];

	add_str(j, "version", SIM_VERSION);
	add_str(j, "id", sim->leader >= 0 ? sim->masters[sim->leader].id : "");
	if (sim->leader >= 0) {
		snprintf(pid, sizeof(pid), "master@%s:%u", sim->cfg.bind_host,
			 (unsigned)sim->masters[sim->leader].port);
		add_str(j, "leader", pid);
		add_str(j, "pid", pid);
	}
	cJSON_AddNumberToObject(j, "leader_index", sim->leader);
	add_str(j, "hostname", sim->cfg.hostname);
	cJSON_AddBoolToObject(j, "allocation_paused", sim->allocation_paused);
	for (int i = 0; i < sim->cfg.n_masters; i++) {
		cJSON *m = cJSON_CreateObject();
		add_str(m, "id", sim->masters[i].id);
		cJSON_AddNumberToObject(m, "port", sim->masters[i].port);
		cJSON_AddBoolToObject(m, "leading", i == sim->leader);
		add_str(m, "zk_node", sim->masters[i].zk_node);
		cJSON_AddItemToArray(masters, m);
	}
	cJSON_AddItemToObject(j, "masters", masters);
	sim_list_each(it, nx, &sim->frameworks)
		cJSON_AddItemToArray(fws, framework_json(sim_container_of(it, struct sim_framework, link)));
	sim_list_each(it, nx, &sim->removed)
		cJSON_AddItemToArray(done, framework_json(sim_container_of(it, struct sim_framework, link)));
	cJSON_AddItemToObject(j, "frameworks", fws);
	cJSON_AddItemToObject(j, "completed_frameworks", done);
	for (int i = 0; i < sim->n_agents; i++) {
		struct sim_agent *a = sim->agents[i];
		struct sim_resv used = {0}, offered = {0};
		cJSON *x = cJSON_CreateObject();
		snprintf(pid, sizeof(pid), "slave(1)@%s:%u", a->ip, (unsigned)a->port);
		add_str(x, "id", a->id);
		add_str(x, "hostname", a->hostname);
		add_str(x, "pid", pid);
		cJSON_AddNumberToObject(x, "port", a->port);
		add_str(x, "work_dir", a->work_dir);
		cJSON_AddBoolToObject(x, "active", a->state == SIM_AGENT_UP);
		add_str(x, "state", agent_state_name(a->state));
		cJSON_AddItemToObject(x, "resources", resources_json(&a->total));
		cJSON_AddItemToObject(x, "resources_full", full_resources_json(&a->total));
		sim_agent_used(a, &used);
		sim_agent_offered(sim, a, &offered);
		cJSON_AddItemToObject(x, "used_resources", resources_json(&used));
		cJSON_AddItemToObject(x, "offered_resources", resources_json(&offered));
		sim_resv_free(&used);
		sim_resv_free(&offered);
		cJSON_AddItemToArray(agents, x);
	}
	cJSON_AddItemToObject(j, "slaves", agents);
	answer_json(req, 200, j);
}

static void pause_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;

	sim->allocation_paused = strcmp(http_req_path(req), "/allocation/pause") == 0;
	log_info("allocation %s", sim->allocation_paused ? "paused" : "resumed");
	answer_ok(req);
}

static void failover_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	char v[32];
	int to = -1;
	bool none = http_req_query_get(req, "none", v, sizeof(v)) >= 0 && strcmp(v, "0") != 0;

	if (http_req_query_get(req, "to", v, sizeof(v)) > 0)
		to = atoi(v);
	if (to < -1 || to >= sim->cfg.n_masters) {
		answer_error(req, 400, "to: no such master index");
		return;
	}
	sim_master_failover(sim, to, none);
	answer_ok(req);
}

static struct sim_framework *query_fw(struct sim *sim, struct http_req *req)
{
	char id[SIM_MAX_ID];

	if (http_req_query_get(req, "id", id, sizeof(id)) <= 0)
		return NULL;
	return sim_framework_find(sim, id);
}

static void fw_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	struct sim_framework *fw = query_fw(sim, req);
	char v[32];

	if (!fw) {
		answer_error(req, 404, "no such framework (id=...)");
		return;
	}
	if (strcmp(http_req_path(req), "/framework/drop") == 0) {
		if (!fw->connected) {
			answer_error(req, 409, "framework is not subscribed");
			return;
		}
		log_info("control: dropping the stream of framework %s", fw->id);
		sim_fw_disconnect(fw, true);
	} else {
		long ms = http_req_query_get(req, "ms", v, sizeof(v)) > 0 ? atol(v) : -1;
		if (ms < 0 || ms > 3600000) {
			answer_error(req, 400, "ms: give 0..3600000");
			return;
		}
		sim_fw_delay(fw, (uint64_t)ms);
	}
	answer_ok(req);
}

static void agent_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	struct sim_agent *a = NULL;
	char v[SIM_MAX_ID];
	int rc;

	if (http_req_query_get(req, "id", v, sizeof(v)) > 0)
		a = sim_agent_by_id(sim, v);
	else if (http_req_query_get(req, "index", v, sizeof(v)) > 0 && atoi(v) >= 0 &&
		 atoi(v) < sim->n_agents)
		a = sim->agents[atoi(v)];
	if (!a) {
		answer_error(req, 404, "no such agent (id=... or index=...)");
		return;
	}
	const char *path = http_req_path(req);
	if (strcmp(path, "/agent/fetch-fail") == 0) {
		long n = 1, ms = 0;
		char *end;
		if (http_req_query_get(req, "count", v, sizeof(v)) > 0 &&
		    ((n = strtol(v, &end, 10)), *end || n < 0 || n > 1000)) {
			answer_error(req, 400, "count: give a number of fetches 0..1000");
			return;
		}
		if (http_req_query_get(req, "after_ms", v, sizeof(v)) > 0 &&
		    ((ms = strtol(v, &end, 10)), *end || ms < 0 || ms > 600000)) {
			answer_error(req, 400, "after_ms: give milliseconds 0..600000");
			return;
		}
		a->fetch_fail_next = (int)n;
		a->fetch_fail_after_ms = (int)ms;
		answer_ok(req);
		return;
	}
	rc = strcmp(path, "/agent/kill") == 0 ? sim_agent_kill(a) :
	     strcmp(path, "/agent/disconnect") == 0 ? sim_agent_disconnect(a) :
	     strcmp(path, "/agent/reconnect") == 0 ? sim_agent_reconnect(a) :
	     sim_agent_restart(a);
	if (rc != 0) {
		answer_error(req, rc == -EALREADY ? 409 : 500, strerror(-rc));
		return;
	}
	answer_ok(req);
}

/* "KILL", "TERM", "STOP", "CONT" (or "SIGKILL", ...) -> signal number. */
static int signal_by_name(const char *name)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "KILL", SIGKILL }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
		{ "CONT", SIGCONT }, { "INT", SIGINT }, { "HUP", SIGHUP },
	};
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcmp(name, sigs[i].name) == 0)
			return sigs[i].sig;
	return -1;
}

/* POST /task/signal?id=TASK&sig=KILL|TERM|STOP|CONT[&with_executor=1]:
 * the task's processes (for a custom executor: what the executor started,
 * e.g. etcd), or the whole container with with_executor=1. */
static void task_signal_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	char id[SIM_MAX_ID], v[32];
	int sig = SIGKILL;

	if (http_req_query_get(req, "id", id, sizeof(id)) <= 0) {
		answer_error(req, 400, "id: give the task id");
		return;
	}
	if (http_req_query_get(req, "sig", v, sizeof(v)) > 0 && (sig = signal_by_name(v)) < 0) {
		answer_error(req, 400, "sig: give KILL, TERM, STOP, CONT, INT or HUP");
		return;
	}
	bool with_exec = http_req_query_get(req, "with_executor", v, sizeof(v)) > 0 &&
			 strcmp(v, "0") != 0;
	int rc = sim_agent_signal_task(sim, id, sig, with_exec);
	if (rc < 0) {
		answer_error(req, 404, "no running process for that task");
		return;
	}
	log_info("control: signal %d to %d process(es) of task %s", sig, rc, id);
	answer_ok(req);
}

/* POST /executor/signal?agent=ID|index=N&framework=FW&executor=EXEC[&sig=KILL]:
 * the executor process alone (its tasks' processes are left to it). */
static void executor_signal_handler(struct http_req *req, void *arg)
{
	struct sim *sim = arg;
	struct sim_agent *a = NULL;
	char v[SIM_MAX_ID], fw[SIM_MAX_ID], ex[SIM_MAX_ID], s[32];
	int sig = SIGKILL;

	if (http_req_query_get(req, "agent", v, sizeof(v)) > 0)
		a = sim_agent_by_id(sim, v);
	else if (http_req_query_get(req, "index", v, sizeof(v)) > 0 && atoi(v) >= 0 &&
		 atoi(v) < sim->n_agents)
		a = sim->agents[atoi(v)];
	if (!a) {
		answer_error(req, 404, "no such agent (agent=... or index=...)");
		return;
	}
	if (http_req_query_get(req, "framework", fw, sizeof(fw)) <= 0 ||
	    http_req_query_get(req, "executor", ex, sizeof(ex)) <= 0) {
		answer_error(req, 400, "framework and executor: give both ids");
		return;
	}
	if (http_req_query_get(req, "sig", s, sizeof(s)) > 0 && (sig = signal_by_name(s)) < 0) {
		answer_error(req, 400, "sig: give KILL, TERM, STOP, CONT, INT or HUP");
		return;
	}
	int rc = sim_agent_signal_executor(a, fw, ex, sig);
	if (rc < 0) {
		answer_error(req, 404, "no such running executor on that agent");
		return;
	}
	log_info("control: signal %d to executor %s of framework %s", sig, ex, fw);
	answer_ok(req);
}

int sim_control_start(struct sim *sim, char *err, size_t errlen)
{
	struct http_server_config hc = {
		.bind_host = sim->cfg.bind_host, .port = sim->cfg.control_port, .name = "control",
	};
	struct http_route routes[] = {
		{.method = "GET", .path = "/state", .fn = sim_state_handler},
		{.method = "POST", .path = "/allocation/pause", .fn = pause_handler},
		{.method = "POST", .path = "/allocation/resume", .fn = pause_handler},
		{.method = "POST", .path = "/master/failover", .fn = failover_handler},
		{.method = "POST", .path = "/framework/drop", .fn = fw_handler},
		{.method = "POST", .path = "/framework/delay", .fn = fw_handler},
		{.method = "POST", .path = "/agent/kill", .fn = agent_handler},
		{.method = "POST", .path = "/agent/restart", .fn = agent_handler},
		{.method = "POST", .path = "/agent/disconnect", .fn = agent_handler},
		{.method = "POST", .path = "/agent/reconnect", .fn = agent_handler},
		{.method = "POST", .path = "/agent/fetch-fail", .fn = agent_handler},
		{.method = "POST", .path = "/task/signal", .fn = task_signal_handler},
		{.method = "POST", .path = "/executor/signal", .fn = executor_signal_handler},
	};
	int rc = http_server_new(&sim->control, sim->loop, &hc);

	if (rc != 0) {
		snprintf(err, errlen, "control API: cannot listen on %s:%u: %s", sim->cfg.bind_host,
			 (unsigned)hc.port, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		routes[i].arg = sim;
		if ((rc = http_server_add_route(sim->control, &routes[i])) != 0) {
			snprintf(err, errlen, "control API routes: %s", strerror(-rc));
			return rc;
		}
	}
	return 0;
}
