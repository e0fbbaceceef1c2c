/* sched.c — the sim master's /api/v1/scheduler endpoint: header rules,
 * parsing, validation, SUBSCRIBE, event streams, heartbeats, failover,
 * disconnection and framework removal (PROTOCOLS.md §A and §L.1/§L.2).
 * The calls after SUBSCRIBE are in sched_calls.c. */
#include "master.h"

#include "base/log.h"
#include "base/strutil.h"
#include "net/recordio.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CT_PROTOBUF "application/x-protobuf"
#define CT_JSON "application/json"
#define TEXT "text/plain; charset=utf-8"

/* One subscription stream. Freed when the stream ends or aborts. */
struct sched_conn {
	struct http_req *req;
	struct sim_framework *fw;     /* NULL for a one-shot ERROR stream */
	bool gone;
};

struct fw_priv {
	struct sched_conn *conn;
	uint64_t delay_until_ms;
	struct buf held;              /* events held back while delayed */
	struct ev_timer delay_timer;
};

static void delay_done(struct ev_loop *loop, void *arg);

static struct fw_priv *fwp(struct sim_framework *fw)
{
	if (!fw->master_priv) {
		struct fw_priv *p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		buf_init(&p->held);
		ev_timer_init(&p->delay_timer, delay_done, fw);
		fw->master_priv = p;
	}
	return fw->master_priv;
}

void sim_sched_free_priv(struct sim_framework *fw)
{
	struct fw_priv *p = fw->master_priv;

	if (!p)
		return;
	ev_timer_stop(fw->sim->loop, &p->delay_timer);
	buf_finish(&p->held);
	if (p->conn)
		p->conn->fw = NULL;
	free(p);
	fw->master_priv = NULL;
}

static int respond_text(struct http_req *req, int status, const char *extra, const char *text)
{
	return http_respond_h(req, status, text[0] ? TEXT : NULL, extra, text, strlen(text));
}

/* ---- event streams ---- */

static void stream_write(struct sim_framework *fw, const void *data, size_t len)
{
	struct fw_priv *p = fw->master_priv;

	if (!p || !p->conn || p->conn->gone)
		return;
	if (p->delay_until_ms > ev_now_ms(fw->sim->loop)) {
		buf_append(&p->held, data, len);
		return;
	}
	if (http_stream_write(p->conn->req, data, len) != 0)
		log_warn("framework %s: event stream write failed", fw->id);
}

static void delay_done(struct ev_loop *loop, void *arg)
{
	struct sim_framework *fw = arg;
	struct fw_priv *p = fw->master_priv;
	struct buf held = p->held;

	p->delay_until_ms = 0;
	buf_init(&p->held);
	if (held.len)
		stream_write(fw, held.data, held.len);
	buf_finish(&held);
}

void sim_fw_delay(struct sim_framework *fw, uint64_t ms)
{
	struct fw_priv *p = fwp(fw);

	if (!p)
		return;
	if (ms == 0) {
		ev_timer_stop(fw->sim->loop, &p->delay_timer);
		delay_done(fw->sim->loop, fw);
		return;
	}
	p->delay_until_ms = ev_now_ms(fw->sim->loop) + ms;
	ev_timer_start(fw->sim->loop, &p->delay_timer, ms, 0);
}

static int encode_event(const Mesos__V1__Scheduler__Event *ev, struct buf *out)
{
	size_t len = mesos__v1__scheduler__event__get_packed_size(ev);
	uint8_t *bytes = malloc(len ? len : 1);
	int rc;

	if (!bytes)
		return -ENOMEM;
	mesos__v1__scheduler__event__pack(ev, bytes);
	rc = recordio_encode(out, bytes, len);
	free(bytes);
	return rc;
}

void sim_fw_send(struct sim_framework *fw, const Mesos__V1__Scheduler__Event *ev)
{
	struct buf b = BUF_INIT;

	if (!fw->connected || !fw->master_priv)
		return;      /* Mesos drops events for a disconnected framework */
	if (encode_event(ev, &b) == 0)
		stream_write(fw, b.data, b.len);
	buf_finish(&b);
}

void sim_fw_send_error(struct sim_framework *fw, const char *message)
{
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Error er = MESOS__V1__SCHEDULER__EVENT__ERROR__INIT;

	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR;
	er.message = (char *)message;
	ev.error = &er;
	sim_fw_send(fw, &ev);
}

void sim_fw_send_master_update(struct sim_framework *fw, const char *task_id,
			       const char *agent_id, const char *exec_id,
			       Mesos__V1__TaskState state,
			       Mesos__V1__TaskStatus__Reason reason, const char *message,
			       double unreachable_time)
{
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Update up = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__TimeInfo ut = MESOS__V1__TIME_INFO__INIT;

	tid.value = (char *)task_id;
	st.task_id = &tid;
	st.state = state;
	st.has_source = 1;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_MASTER;
	st.has_reason = 1;
	st.reason = reason;
	st.message = (char *)message;
	if (agent_id) {
		aid.value = (char *)agent_id;
		st.agent_id = &aid;
	}
	if (exec_id) {
		eid.value = (char *)exec_id;
		st.executor_id = &eid;
	}
	st.has_timestamp = 1;
	st.timestamp = sim_wall_time();
	if (unreachable_time > 0) {
		ut.nanoseconds = (int64_t)(unreachable_time * 1e9);
		st.unreachable_time = &ut;
	}
	up.status = &st;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	ev.update = &up;
	sim_fw_send(fw, &ev);
}

static void send_heartbeat(struct ev_loop *loop, void *arg)
{
	struct sim_framework *fw = arg;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;

	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT;
	sim_fw_send(fw, &ev);
}

static void end_conn(struct sched_conn *c)
{
	if (!c->gone)
		http_stream_end(c->req);
	free(c);
}

static void failover_expired(struct ev_loop *loop, void *arg)
{
	struct sim_framework *fw = arg;

	log_info("framework %s: failover timeout passed; removing it", fw->id);
	sim_fw_remove(fw);
}

void sim_fw_disconnect(struct sim_framework *fw, bool end_stream)
{
	struct fw_priv *p = fw->master_priv;
	double ft = fw->info->has_failover_timeout ? fw->info->failover_timeout : 0;

	if (p && p->conn) {
		struct sched_conn *c = p->conn;
		p->conn = NULL;
		c->fw = NULL;
		if (end_stream)
			end_conn(c);
		else if (c->gone)
			free(c);
		/* otherwise the abort callback frees it */
	}
	if (p) {
		ev_timer_stop(fw->sim->loop, &p->delay_timer);
		p->delay_until_ms = 0;
		buf_reset(&p->held);
	}
	fw->stream = NULL;
	fw->stream_id[0] = '\0';
	if (!fw->connected)
		return;
	fw->connected = false;
	ev_timer_stop(fw->sim->loop, &fw->heartbeat);
	sim_fw_drop_offers(fw, false);
	ev_timer_init(&fw->failover, failover_expired, fw);
	ev_timer_start(fw->sim->loop, &fw->failover, (uint64_t)llround(ft * 1000), 0);
	log_info("framework %s disconnected; failover timeout %.3f s", fw->id, ft);
}

void sim_fw_remove(struct sim_framework *fw)
{
	struct sim *sim = fw->sim;

	if (fw->removed)
		return;
	log_info("removing framework %s", fw->id);
	if (fw->connected) {
		sim_fw_disconnect(fw, true);
		ev_timer_stop(sim->loop, &fw->failover);
	}
	sim_fw_drop_offers(fw, false);
	for (int i = 0; i < sim->n_agents; i++)
		sim_agent_remove_framework(sim->agents[i], fw);
	sim_list_each(it, nx, &fw->tasks)
		sim_task_free(sim_container_of(it, struct sim_task, fw_link));
	sim_list_each(it, nx, &fw->executors)
		sim_executor_free(sim_container_of(it, struct sim_executor, fw_link));
	sim_filters_clear(fw, NULL);
	ev_timer_stop(sim->loop, &fw->failover);
	ev_timer_stop(sim->loop, &fw->heartbeat);
	fw->removed = true;
	fw->unregistered_ms = (uint64_t)(sim_wall_time() * 1000);
	sim_list_del(&fw->link);
	sim_list_add_tail(&sim->removed, &fw->link);
}

static void conn_aborted(struct http_req *req, void *arg)
{
	struct sched_conn *c = arg;
	struct sim_framework *fw = c->fw;

	c->gone = true;
	if (!fw) {
		free(c);
		return;
	}
	log_info("framework %s: subscription connection closed", fw->id);
	sim_fw_disconnect(fw, false);
}

/* 200 with a stream that carries one ERROR and ends (Mesos' answer to a
 * SUBSCRIBE that is rejected after the headers were accepted). */
static void reject_subscribe(struct http_req *req, const char *message)
{
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Error er = MESOS__V1__SCHEDULER__EVENT__ERROR__INIT;
	struct buf b = BUF_INIT;
	char extra[128], sid[37];
	uint8_t u[16];

	sim_uuid(u);
	sim_uuid_str(u, sid);
	snprintf(extra, sizeof(extra), "Mesos-Stream-Id: %s\r\n", sid);
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR;
	er.message = (char *)message;
	ev.error = &er;
	if (http_stream_begin(req, 200, CT_PROTOBUF, extra) != 0)
		return;
	if (encode_event(&ev, &b) == 0)
		http_stream_write(req, b.data, b.len);
	buf_finish(&b);
	http_stream_end(req);
}

static void set_suppressed(struct sim_framework *fw, char **roles, size_t n)
{
	for (size_t i = 0; i < fw->n_suppressed; i++)
		free(fw->suppressed[i]);
	free(fw->suppressed);
	fw->suppressed = NULL;
	fw->n_suppressed = 0;
	if (n == 0)
		return;
	fw->suppressed = calloc(n, sizeof(char *));
	for (size_t i = 0; fw->suppressed && i < n; i++)
		if ((fw->suppressed[i] = strdup(roles[i])) != NULL)
			fw->n_suppressed++;
}

static void send_subscribed(struct sim_framework *fw)
{
	struct sim *sim = fw->sim;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Subscribed sub = MESOS__V1__SCHEDULER__EVENT__SUBSCRIBED__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__MasterInfo mi;
	Mesos__V1__Address addr;
	Mesos__V1__MasterInfo__Capability *caps[3], capv[3];
	char pid[128];

	sim_master_info_pb(sim, &sim->masters[sim->leader], &mi, &addr, caps, capv, pid,
			   sizeof(pid));
	fid.value = fw->id;
	sub.framework_id = &fid;
	sub.has_heartbeat_interval_seconds = 1;
	sub.heartbeat_interval_seconds = sim->cfg.heartbeat_s;
	sub.master_info = &mi;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED;
	ev.subscribed = &sub;
	sim_fw_send(fw, &ev);
}

static void subscribe(struct sim *sim, struct http_req *req,
		      const Mesos__V1__Scheduler__Call *call, const char *principal)
{
	const Mesos__V1__Scheduler__Call__Subscribe *s = call->subscribe;
	Mesos__V1__FrameworkInfo *fi = s->framework_info;
	struct sim_framework *fw = NULL;
	struct fw_priv *p;
	struct sched_conn *c;
	char ebuf[512], extra[128], id[SIM_MAX_ID];
	const char *err;
	uint8_t u[16];
	bool failover = false;

	err = sim_validate_subscribe(s, sim_info_multi_role(fi), ebuf, sizeof(ebuf));
	if (err) {
		reject_subscribe(req, err);
		return;
	}
	if (fi->id) {
		fw = sim_framework_find_any(sim, fi->id->value);
		if (fw && fw->removed) {
			reject_subscribe(req, "Framework has been removed");
			return;
		}
		if (fw && (fw->info->principal ? fw->info->principal : "")[0] &&
		    strcmp(fw->info->principal, fi->principal ? fi->principal :
			   (principal[0] ? principal : "")) != 0) {
			reject_subscribe(req, "Changing framework's principal is not allowed.");
			return;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		respond_text(req, 503, NULL, "Out of memory");
		return;
	}
	if (fw) {
		/* failover: the old stream gets ERROR and is closed */
		Mesos__V1__FrameworkInfo *old = fw->info, *nfi = sim_pb_dup(&fi->base);
		if (!nfi) {
			free(c);
			respond_text(req, 503, NULL, "Out of memory");
			return;
		}
		failover = true;
		if (fw->connected) {
			sim_fw_send_error(fw, "Framework failed over");
			sim_fw_disconnect(fw, true);
		}
		ev_timer_stop(sim->loop, &fw->failover);
		sim_fw_drop_offers(fw, false);
		/* user and checkpoint changes are ignored on re-subscription */
		free(nfi->user);
		nfi->user = strdup(old->user);
		nfi->has_checkpoint = old->has_checkpoint;
		nfi->checkpoint = old->checkpoint;
		fw->info = nfi;
		mesos__v1__framework_info__free_unpacked(old, NULL);
		fw->partition_aware = fw->multi_role = fw->refinement = false;
		for (size_t i = 0; i < nfi->n_capabilities; i++) {
			if (!nfi->capabilities[i]->has_type)
				continue;
			switch (nfi->capabilities[i]->type) {
			case MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE:
				fw->partition_aware = true; break;
			case MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE:
				fw->multi_role = true; break;
			case MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__RESERVATION_REFINEMENT:
				fw->refinement = true; break;
			default: break;
			}
		}
	} else {
		if (fi->id)
			snprintf(id, sizeof(id), "%s", fi->id->value);
		else
			sim_next_id(sim, "", id, sizeof(id));
		fw = sim_framework_new(sim, id, fi);
		if (!fw) {
			free(c);
			respond_text(req, 503, NULL, "Out of memory");
			return;
		}
		if (!fw->info->id) {
			fw->info->id = malloc(sizeof(*fw->info->id));
			if (fw->info->id) {
				mesos__v1__framework_id__init(fw->info->id);
				fw->info->id->value = strdup(id);
			}
		}
	}
	if (!fw->info->principal && principal[0])
		fw->info->principal = strdup(principal);   /* Mesos fills it in */
	snprintf(fw->principal, sizeof(fw->principal), "%s", principal);
	set_suppressed(fw, s->suppressed_roles, s->n_suppressed_roles);
	p = fwp(fw);
	sim_uuid(u);
	sim_uuid_str(u, fw->stream_id);
	snprintf(extra, sizeof(extra), "Mesos-Stream-Id: %s\r\n", fw->stream_id);
	if (!p || http_stream_begin(req, 200, CT_PROTOBUF, extra) != 0) {
		free(c);
		fw->stream_id[0] = '\0';
		if (!p)
			respond_text(req, 503, NULL, "Out of memory");
		return;
	}
	c->req = req;
	c->fw = fw;
	http_req_on_abort(req, conn_aborted, c);
	p->conn = c;
	fw->stream = req;
	fw->connected = true;
	char q1[128], q2[128];
	log_info("framework %s (%s) %s, stream %s", sim_printable(fw->id, q1, sizeof(q1)),
		 sim_printable(fw->info->name, q2, sizeof(q2)),
		 failover ? "failed over" : "subscribed", fw->stream_id);
	send_subscribed(fw);
	send_heartbeat(sim->loop, fw);
	ev_timer_init(&fw->heartbeat, send_heartbeat, fw);
	ev_timer_start(sim->loop, &fw->heartbeat, (uint64_t)llround(sim->cfg.heartbeat_s * 1000),
		       (uint64_t)llround(sim->cfg.heartbeat_s * 1000));
	sim_alloc_now(sim);
}

/* ---- the endpoint ---- */

static void redirect(struct sim *sim, struct sim_master *m, struct http_req *req)
{
	struct sim_master *l;
	char extra[512];
	const char *q = http_req_query(req);

	if (sim->leader < 0) {
		respond_text(req, 503, NULL, "No leader elected");
		return;
	}
	l = &sim->masters[sim->leader];
	snprintf(extra, sizeof(extra), "Location: //%s:%u%s%s%s\r\n", sim->cfg.hostname,
		 (unsigned)l->port, http_req_path(req), q[0] ? "?" : "", q);
	respond_text(req, 307, extra, "");
}

static void scheduler_handler(struct http_req *req, void *arg)
{
	struct sim_master *m = arg;
	struct sim *sim = m->sim;
	Mesos__V1__Scheduler__Call *call = NULL;
	struct sim_framework *fw;
	char principal[SIM_MAX_ID], ebuf[768], msg[1024];
	const char *err, *body_text, *sid;
	const char *body;
	size_t len, sid_len;
	int status;

	if (sim_authenticate(sim, req, principal, sizeof(principal)) != 0) {
		respond_text(req, 401,
			     "WWW-Authenticate: Basic realm=\"mesos-master-scheduler\"\r\n", "");
		return;
	}
	if (sim->leader != m->index) {
		redirect(sim, m, req);
		return;
	}
	if (strcmp(http_req_method(req), "POST") != 0) {
		snprintf(msg, sizeof(msg),
			 "405 Method Not Allowed. Expecting one of { 'POST' }, but received '%s'.",
			 http_req_method(req));
		respond_text(req, 405, "Allow: POST\r\n", msg);
		return;
	}
	if (!http_req_header(req, "Content-Type", &len)) {
		respond_text(req, 400, NULL, "Expecting 'Content-Type' to be present");
		return;
	}
	if (sim_header_is(req, "Content-Type", CT_JSON)) {
		respond_text(req, 415, NULL,
			     "Expecting 'Content-Type' of application/x-protobuf: this Mesos simulator (t/mesos-sim) speaks protobuf only, not application/json");
		return;
	}
	if (!sim_header_is(req, "Content-Type", CT_PROTOBUF)) {
		respond_text(req, 415, NULL,
			     "Expecting 'Content-Type' of application/json or application/x-protobuf");
		return;
	}
	body = http_req_body(req, &len);
	call = mesos__v1__scheduler__call__unpack(NULL, len, (const uint8_t *)body);
	if (!call) {
		respond_text(req, 400, NULL, "Failed to parse body into Call protobuf");
		return;
	}
	err = sim_validate_call(call, principal, ebuf, sizeof(ebuf));
	if (err) {
		snprintf(msg, sizeof(msg), "Failed to validate scheduler::Call: %s", err);
		respond_text(req, 400, NULL, msg);
		goto out;
	}
	if (call->type == MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE) {
		const char *acc = http_req_header(req, "Accept", &len);
		if (acc && !sim_accepts(acc, len, CT_PROTOBUF)) {
			if (sim_accepts(acc, len, CT_JSON))
				respond_text(req, 406, NULL,
					     "Expecting 'Accept' to allow 'application/x-protobuf': this Mesos simulator (t/mesos-sim) speaks protobuf only, not application/json");
			else
				respond_text(req, 406, NULL,
					     "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'");
			goto out;
		}
		if (http_req_header(req, "Mesos-Stream-Id", &len)) {
			respond_text(req, 400, NULL,
				     "Subscribe calls should not include the 'Mesos-Stream-Id' header");
			goto out;
		}
		subscribe(sim, req, call, principal);
		goto out;
	}
	fw = sim_framework_find(sim, call->framework_id->value);
	if (!fw) {
		respond_text(req, 400, NULL, "Framework cannot be found");
		goto out;
	}
	if (principal[0] && strcmp(principal, fw->info->principal ? fw->info->principal : "")) {
		snprintf(msg, sizeof(msg),
			 "Authenticated principal '%s' does not match principal '%s' set in `FrameworkInfo`",
			 principal, fw->info->principal ? fw->info->principal : "");
		respond_text(req, 400, NULL, msg);
		goto out;
	}
	if (!fw->connected) {
		respond_text(req, 403, NULL, "Framework is not subscribed");
		goto out;
	}
	sid = http_req_header(req, "Mesos-Stream-Id", &sid_len);
	if (!sid) {
		respond_text(req, 400, NULL,
			     "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
		goto out;
	}
	if (sid_len != strlen(fw->stream_id) || memcmp(sid, fw->stream_id, sid_len) != 0) {
		snprintf(msg, sizeof(msg),
			 "The stream ID '%.*s' included in this request didn't match the stream ID currently associated with framework ID %s",
			 (int)(sid_len > 200 ? 200 : sid_len), sid, fw->id);
		respond_text(req, 400, NULL, msg);
		goto out;
	}
	status = 202;
	body_text = "";
	sim_call_dispatch(fw, call, &status, &body_text);
	respond_text(req, status, NULL, body_text);
out:
	mesos__v1__scheduler__call__free_unpacked(call, NULL);
}

/* The operator endpoint POST /master/teardown with a form body
 * "frameworkId=<id>" (what `etcd-mesos ctl teardown --master` uses when
 * no scheduler runs): 200 and the framework is removed as by TEARDOWN;
 * 400 "No framework found with specified ID" otherwise, as Mesos does. */
static void operator_teardown_handler(struct http_req *req, void *arg)
{
	struct sim_master *m = arg;
	struct sim *sim = m->sim;
	size_t len = 0;
	const char *body = http_req_body(req, &len);
	char id[SIM_MAX_ID] = "";

	if (m->index != sim->leader) {
		redirect(sim, m, req);
		return;
	}
	for (const char *p = body; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n > 12 && strncmp(p, "frameworkId=", 12) == 0 && n - 12 < sizeof(id)) {
			memcpy(id, p + 12, n - 12);
			id[n - 12] = '\0';
		}
		p = amp ? amp + 1 : NULL;
	}
	if (!id[0]) {
		respond_text(req, 400, NULL, "Missing 'frameworkId' query parameter in the request body");
		return;
	}
	struct sim_framework *fw = sim_framework_find(sim, id);
	if (!fw) {
		respond_text(req, 400, NULL, "No framework found with specified ID");
		return;
	}
	log_info("operator teardown of framework %s", fw->id);
	sim_fw_remove(fw);
	respond_text(req, 200, NULL, "");
}

int sim_sched_routes(struct sim_master *m)
{
	static const char *paths[] = {"/api/v1/scheduler", "/master/api/v1/scheduler"};

	for (size_t i = 0; i < 2; i++) {
		struct http_route r = {
			.method = NULL, .path = paths[i], .fn = scheduler_handler, .arg = m,
		};
		int rc = http_server_add_route(m->http, &r);
		if (rc != 0)
			return rc;
	}
	struct http_route td = {
		.method = "POST", .path = "/master/teardown", .fn = operator_teardown_handler, .arg = m,
	};
	return http_server_add_route(m->http, &td);
}
