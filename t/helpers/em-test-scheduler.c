/*
 * em-test-scheduler — a scriptable Mesos v1 scheduler (protobuf) for
 * end-to-end tests of t/mesos-sim and of the real executor: the shell
 * test writes commands on stdin (fields separated by TABs) and reads one
 * line per event.
 *
 *   em-test-scheduler HOST:PORT [-checkpoint] [-killing] [-status-data]
 *
 * Launch keys beyond the ones below: data=<TaskInfo.data> grace=<kill
 * policy seconds>. Newlines in msg are printed as \n. With -status-data,
 * UPDATE lines end with " data=<TaskStatus.data>" (newlines as \n).
 *
 * Commands:
 *   launch <task> <exec|-> key=value...  LAUNCH on the first offer held
 *       that fits it (else on the next one that does):
 *       cmd=<value> shell=0 arg=<argv item> uri=<value>[|exec] env=N=V
 *       (exec "-": a command task; else that ExecutorInfo, cpus 0.1 and
 *       mem 32 for task and executor)
 *   autoack on|off     ack-last <task>     kill <task>
 *   message <exec> <text>   shutdown <exec>   quit
 * Output:
 *   SUBSCRIBED fw=<id>   OFFERS n=<held>
 *   UPDATE task=T state=S source=S reason=R uuid=U agent=A exec=E msg=M
 *   MESSAGE exec=E data=D   FAILURE agent=A exec=E status=N
 *   CALL <what> -> <status> [body]   ERR <what>: why
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ev/ev.h"
#include "net/http_client.h"
#include "net/recordio.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

#define MAXO 16
#define MAXT 64

static struct ev_loop *loop;
static struct http_client *cli;
static char url[256];
static char stream_id[256];
static char fw_id[256];
static bool opt_checkpoint, opt_killing, opt_status_data, autoack = true;
static struct recordio_decoder dec;

static struct offer { char id[256], agent[256]; double cpus, mem; } offers[MAXO];
/* launch commands waiting for an offer (raw lines) */
static char *pending[MAXT];
static size_t n_pending;
static int run_command(char *line, char *err, size_t errlen);
static void run_pending(void);
static size_t n_offers;
static struct task { char id[128], agent[256], exec[128]; uint8_t uuid[16]; bool has_uuid; } tasks[MAXT];
static size_t n_tasks;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static struct task *task_find(const char *id, bool make)
{
	for (size_t i = 0; i < n_tasks; i++)
		if (strcmp(tasks[i].id, id) == 0)
			return &tasks[i];
	if (!make || n_tasks == MAXT)
		return NULL;
	struct task *t = &tasks[n_tasks++];
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	return t;
}

static struct task *task_by_exec(const char *exec)
{
	for (size_t i = 0; i < n_tasks; i++)
		if (strcmp(tasks[i].exec, exec) == 0)
			return &tasks[i];
	return NULL;
}

static void call_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	char *what = arg;
	say("CALL %s -> %d%s%s", what, r->status, r->body && r->body_len ? " " : "",
	    r->body ? r->body : r->err ? r->errmsg : "");
	free(what);
}

static int send_call(Mesos__V1__Scheduler__Call *c, const char *what)
{
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = fw_id;
	c->framework_id = &fid;
	size_t len = mesos__v1__scheduler__call__get_packed_size(c);
	uint8_t *b = malloc(len + 1);
	if (!b)
		return -ENOMEM;
	mesos__v1__scheduler__call__pack(c, b);
	struct http_kv h[] = { { "Content-Type", "application/x-protobuf" },
			       { "Mesos-Stream-Id", stream_id } };
	struct http_client_request rq = { .method = "POST", .url = url, .headers = h,
					  .num_headers = 2, .body = b, .body_len = len };
	struct http_client_cbs cbs = { .on_done = call_done };
	int rc = http_client_start(cli, &rq, &cbs, strdup(what), NULL);
	free(b);
	return rc;
}

static void ack(struct task *t)
{
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Acknowledge a = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	aid.value = t->agent;
	tid.value = t->id;
	a.agent_id = &aid;
	a.task_id = &tid;
	a.uuid.data = t->uuid;
	a.uuid.len = 16;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE;
	c.acknowledge = &a;
	send_call(&c, "ACKNOWLEDGE");
}

static const char *enum_name(const ProtobufCEnumDescriptor *d, int v)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(d, v);
	return ev ? ev->name : "?";
}

/* n bytes with newlines as \n and other control bytes as '?'. */
static char *oneline(const char *p, size_t n)
{
	char *o = malloc(2 * n + 1), *q = o;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			*q++ = '\\';
			*q++ = 'n';
		} else {
			*q++ = (unsigned char)p[i] < 0x20 ? '?' : p[i];
		}
	}
	*q = '\0';
	return o;
}

static void on_event(const Mesos__V1__Scheduler__Event *ev)
{
	switch (ev->type) {
	case MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED:
		snprintf(fw_id, sizeof(fw_id), "%s", ev->subscribed->framework_id->value);
		say("SUBSCRIBED fw=%s", fw_id);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS:
		for (size_t i = 0; i < ev->offers->n_offers && n_offers < MAXO; i++) {
			snprintf(offers[n_offers].id, sizeof(offers[0].id), "%s",
				 ev->offers->offers[i]->id->value);
			snprintf(offers[n_offers].agent, sizeof(offers[0].agent), "%s",
				 ev->offers->offers[i]->agent_id->value);
			offers[n_offers].cpus = offers[n_offers].mem = 0;
			for (size_t k = 0; k < ev->offers->offers[i]->n_resources; k++) {
				const Mesos__V1__Resource *r = ev->offers->offers[i]->resources[k];
				if (!r->scalar)
					continue;
				if (strcmp(r->name, "cpus") == 0)
					offers[n_offers].cpus += r->scalar->value;
				else if (strcmp(r->name, "mem") == 0)
					offers[n_offers].mem += r->scalar->value;
			}
			n_offers++;
		}
		say("OFFERS n=%zu", n_offers);
		run_pending();
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND:
		for (size_t i = 0; i < n_offers; i++) {
			if (strcmp(offers[i].id, ev->rescind->offer_id->value) == 0) {
				offers[i] = offers[--n_offers];
				break;
			}
		}
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE: {
		const Mesos__V1__TaskStatus *st = ev->update->status;
		char u[40] = "-";
		if (st->has_uuid && st->uuid.len == 16) {
			const uint8_t *b = st->uuid.data;
			snprintf(u, sizeof(u), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
				 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
				 b[11], b[12], b[13], b[14], b[15]);
		}
		char *msg = oneline(st->message ? st->message : "", strlen(st->message ? st->message : ""));
		char *data = oneline(st->has_data ? (const char *)st->data.data : "",
				     st->has_data ? st->data.len : 0);
		say("UPDATE task=%s state=%s source=%s reason=%s uuid=%s agent=%s exec=%s msg=%s%s%s",
		    st->task_id->value, enum_name(&mesos__v1__task_state__descriptor, st->state),
		    st->has_source ? enum_name(&mesos__v1__task_status__source__descriptor, st->source) : "-",
		    st->has_reason ? enum_name(&mesos__v1__task_status__reason__descriptor, st->reason) : "-",
		    u, st->agent_id ? st->agent_id->value : "-",
		    st->executor_id ? st->executor_id->value : "-", msg ? msg : "",
		    opt_status_data ? " data=" : "", opt_status_data && data ? data : "");
		free(msg);
		free(data);
		struct task *t = task_find(st->task_id->value, true);
		if (t && st->has_uuid && st->uuid.len == 16) {
			memcpy(t->uuid, st->uuid.data, 16);
			t->has_uuid = true;
			if (st->agent_id)
				snprintf(t->agent, sizeof(t->agent), "%s", st->agent_id->value);
			if (autoack)
				ack(t);
		}
		break;
	}
	case MESOS__V1__SCHEDULER__EVENT__TYPE__MESSAGE:
		say("MESSAGE exec=%s data=%.*s", ev->message->executor_id->value,
		    (int)ev->message->data.len, (const char *)ev->message->data.data);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE:
		say("FAILURE agent=%s exec=%s status=%d",
		    ev->failure->agent_id ? ev->failure->agent_id->value : "-",
		    ev->failure->executor_id ? ev->failure->executor_id->value : "-",
		    ev->failure->has_status ? ev->failure->status : -1);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR:
		say("ERROR %s", ev->error->message);
		break;
	default:
		break;
	}
}

static void sub_head(struct http_call *c, const struct http_reply *r, void *arg)
{
	const struct http_header *h = http_find_header(r->headers, r->num_headers, "Mesos-Stream-Id");
	if (h)
		snprintf(stream_id, sizeof(stream_id), "%.*s", (int)h->value_len, h->value);
	if (r->status != 200)
		say("SUBSCRIBE -> %d", r->status);
}

static void sub_body(struct http_call *c, const char *d, size_t n, void *arg)
{
	const char *rec;
	size_t rl;
	while (recordio_decoder_next(&dec, &d, &n, &rec, &rl) == 1) {
		Mesos__V1__Scheduler__Event *ev =
			mesos__v1__scheduler__event__unpack(NULL, rl, (const uint8_t *)rec);
		if (!ev) {
			say("BAD EVENT");
			continue;
		}
		on_event(ev);
		mesos__v1__scheduler__event__free_unpacked(ev, NULL);
	}
}

static void sub_done(struct http_call *c, const struct http_reply *r, void *arg)
{
	say("STREAM END %d %s", r->status, r->errmsg ? r->errmsg : "");
	ev_stop(loop);
}

static int subscribe(void)
{
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Subscribe s = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi;
	mesos__v1__framework_info__init(&fi);
	Mesos__V1__FrameworkInfo__Capability cap = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__INIT, *caps[1] = { &cap };
	fi.user = "root";
	fi.name = "em-test-scheduler";
	fi.has_failover_timeout = 1;
	fi.failover_timeout = 60;
	fi.has_checkpoint = opt_checkpoint;
	fi.checkpoint = opt_checkpoint;
	if (opt_killing) {
		cap.has_type = 1;
		cap.type = MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE;
		fi.n_capabilities = 1;
		fi.capabilities = caps;
	}
	s.framework_info = &fi;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	c.subscribe = &s;
	size_t len = mesos__v1__scheduler__call__get_packed_size(&c);
	uint8_t *b = malloc(len + 1);
	if (!b)
		return -ENOMEM;
	mesos__v1__scheduler__call__pack(&c, b);
	struct http_kv h[] = { { "Content-Type", "application/x-protobuf" },
			       { "Accept", "application/x-protobuf" } };
	struct http_client_request rq = { .method = "POST", .url = url, .headers = h,
					  .num_headers = 2, .body = b, .body_len = len,
					  .stream = true, .timeout_ms = 10000 };
	struct http_client_cbs cbs = { .on_head = sub_head, .on_body = sub_body, .on_done = sub_done };
	int rc = http_client_start(cli, &rq, &cbs, NULL, NULL);
	free(b);
	return rc;
}

/* ---- commands ---- */

static void scalar(Mesos__V1__Resource *r, Mesos__V1__Value__Scalar *s, const char *name, double v)
{
	mesos__v1__resource__init(r);
	mesos__v1__value__scalar__init(s);
	r->name = (char *)name;
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	s->value = v;
	r->scalar = s;
}

static int cmd_launch(char **f, int n, char *err, size_t errlen)
{
	if (n < 3) {
		snprintf(err, errlen, "launch <task> <exec|-> ...");
		return -EINVAL;
	}
	/* the first offer the task (and its executor) fits in: an offer of
	 * what a task just ended left over may be too small (t0900 saw one) */
	double need = strcmp(f[2], "-") == 0 ? 1 : 2;
	size_t pick = n_offers;
	for (size_t i = 0; i < n_offers && pick == n_offers; i++)
		if (offers[i].cpus >= 0.1 * need - 1e-9 && offers[i].mem >= 32 * need)
			pick = i;
	if (pick == n_offers)
		return -EAGAIN;   /* waits for the next OFFERS event */
	struct offer o = offers[pick];
	offers[pick] = offers[--n_offers];
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT, *oids[1] = { &oid };
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT, *ops[1] = { &op };
	Mesos__V1__Offer__Operation__Launch l = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tis[1] = { &ti };
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorInfo ei = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__CommandInfo ci = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__Environment env = MESOS__V1__ENVIRONMENT__INIT;
	Mesos__V1__CommandInfo__URI uris[8], *urip[8];
	Mesos__V1__Environment__Variable vars[8], *varp[8];
	Mesos__V1__Resource tr[2], er[2], *trp[2] = { &tr[0], &tr[1] }, *erp[2] = { &er[0], &er[1] };
	Mesos__V1__Value__Scalar ts[2], es[2];
	char *args[16];
	size_t nu = 0, nv = 0, na = 0;
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	Mesos__V1__DurationInfo gp = MESOS__V1__DURATION_INFO__INIT;

	for (int i = 3; i < n; i++) {
		char *v = strchr(f[i], '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (strcmp(f[i], "cmd") == 0) {
			ci.value = v;
		} else if (strcmp(f[i], "shell") == 0) {
			ci.has_shell = 1;
			ci.shell = atoi(v) != 0;
		} else if (strcmp(f[i], "data") == 0) {
			ti.has_data = 1;
			ti.data.data = (uint8_t *)v;
			ti.data.len = strlen(v);
		} else if (strcmp(f[i], "grace") == 0) {
			gp.nanoseconds = (int64_t)(atof(v) * 1e9);
			kp.grace_period = &gp;
			ti.kill_policy = &kp;
		} else if (strcmp(f[i], "arg") == 0 && na < 16) {
			args[na++] = v;
		} else if (strcmp(f[i], "uri") == 0 && nu < 8) {
			mesos__v1__command_info__uri__init(&uris[nu]);
			char *opt = strchr(v, '|');
			if (opt) {
				*opt++ = '\0';
				if (strcmp(opt, "exec") == 0) {
					uris[nu].has_executable = 1;
					uris[nu].executable = 1;
				}
			}
			uris[nu].value = v;
			urip[nu] = &uris[nu];
			nu++;
		} else if (strcmp(f[i], "env") == 0 && nv < 8) {
			char *eq = strchr(v, '=');
			mesos__v1__environment__variable__init(&vars[nv]);
			if (eq)
				*eq++ = '\0';
			vars[nv].name = v;
			vars[nv].value = eq ? eq : "";
			varp[nv] = &vars[nv];
			nv++;
		}
	}
	ci.n_uris = nu;
	ci.uris = urip;
	ci.n_arguments = na;
	ci.arguments = args;
	if (nv) {
		env.n_variables = nv;
		env.variables = varp;
		ci.environment = &env;
	}
	oid.value = o.id;
	aid.value = o.agent;
	tid.value = f[1];
	ti.name = f[1];
	ti.task_id = &tid;
	ti.agent_id = &aid;
	scalar(&tr[0], &ts[0], "cpus", 0.1);
	scalar(&tr[1], &ts[1], "mem", 32);
	ti.n_resources = 2;
	ti.resources = trp;
	if (strcmp(f[2], "-") != 0) {
		eid.value = f[2];
		ei.executor_id = &eid;
		ei.has_type = 1;
		ei.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
		ei.command = &ci;
		scalar(&er[0], &es[0], "cpus", 0.1);
		scalar(&er[1], &es[1], "mem", 32);
		ei.n_resources = 2;
		ei.resources = erp;
		ti.executor = &ei;
	} else {
		ti.command = &ci;
	}
	l.n_task_infos = 1;
	l.task_infos = tis;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &l;
	acc.n_offer_ids = 1;
	acc.offer_ids = oids;
	acc.n_operations = 1;
	acc.operations = ops;
	c.has_type = 1;
	c.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	c.accept = &acc;
	struct task *t = task_find(f[1], true);
	if (t) {
		snprintf(t->agent, sizeof(t->agent), "%s", o.agent);
		snprintf(t->exec, sizeof(t->exec), "%s", strcmp(f[2], "-") ? f[2] : "");
	}
	return send_call(&c, "ACCEPT");
}

static int run_command(char *line, char *err, size_t errlen)
{
	char *f[64];
	int n = 0;
	for (char *s = line, *tok; n < 64 && (tok = strsep(&s, "\t")) != NULL;)
		if (*tok)
			f[n++] = tok;
	if (n == 0)
		return 0;
	struct task *t;
	Mesos__V1__Scheduler__Call c = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	c.has_type = 1;
	if (strcmp(f[0], "launch") == 0)
		return cmd_launch(f, n, err, errlen);
	if (strcmp(f[0], "autoack") == 0 && n >= 2) {
		autoack = strcmp(f[1], "on") == 0;
		return 0;
	}
	if (strcmp(f[0], "ack-last") == 0 && n >= 2) {
		if (!(t = task_find(f[1], false)) || !t->has_uuid)
			return -ENOENT;
		ack(t);
		return 0;
	}
	if (strcmp(f[0], "kill") == 0 && n >= 2) {
		Mesos__V1__Scheduler__Call__Kill k = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
		if (!(t = task_find(f[1], false)))
			return -ENOENT;
		tid.value = t->id;
		aid.value = t->agent;
		k.task_id = &tid;
		k.agent_id = &aid;
		c.type = MESOS__V1__SCHEDULER__CALL__TYPE__KILL;
		c.kill = &k;
		return send_call(&c, "KILL");
	}
	if ((strcmp(f[0], "message") == 0 && n >= 3) || (strcmp(f[0], "shutdown") == 0 && n >= 2)) {
		if (!(t = task_by_exec(f[1])))
			return -ENOENT;
		aid.value = t->agent;
		eid.value = f[1];
		if (f[0][0] == 'm') {
			Mesos__V1__Scheduler__Call__Message m = MESOS__V1__SCHEDULER__CALL__MESSAGE__INIT;
			m.agent_id = &aid;
			m.executor_id = &eid;
			m.data.data = (uint8_t *)f[2];
			m.data.len = strlen(f[2]);
			c.type = MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE;
			c.message = &m;
			return send_call(&c, "MESSAGE");
		}
		Mesos__V1__Scheduler__Call__Shutdown s = MESOS__V1__SCHEDULER__CALL__SHUTDOWN__INIT;
		s.agent_id = &aid;
		s.executor_id = &eid;
		c.type = MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN;
		c.shutdown = &s;
		return send_call(&c, "SHUTDOWN");
	}
	if (strcmp(f[0], "quit") == 0) {
		ev_stop(loop);
		return 0;
	}
	snprintf(err, errlen, "unknown command");
	return -EINVAL;
}

/* A launch with no offer held waits for the next OFFERS event. */
static void run_pending(void)
{
	while (n_pending > 0 && n_offers > 0) {
		char *line = pending[0], err[256] = "", *work = strdup(line);
		int rc = work ? run_command(work, err, sizeof(err)) : -ENOMEM;   /* splits its copy */
		free(work);
		if (rc == -EAGAIN)
			break;   /* no offer fits yet: keep it first in line */
		memmove(pending, pending + 1, --n_pending * sizeof(*pending));
		if (rc < 0)
			say("ERR launch: %s", err[0] ? err : "failed");
		free(line);
	}
}

static char g_in[65536];
static size_t g_in_len;

static void stdin_cb(struct ev_loop *l, int fd, unsigned events, void *arg)
{
	ssize_t r = read(fd, g_in + g_in_len, sizeof(g_in) - 1 - g_in_len);
	if (r <= 0) {
		ev_io_del(l, fd);
		ev_stop(l);
		return;
	}
	g_in_len += (size_t)r;
	char *nl;
	while ((nl = memchr(g_in, '\n', g_in_len)) != NULL) {
		size_t ll = (size_t)(nl - g_in);
		char line[65536], err[256] = "", name[64];
		memcpy(line, g_in, ll);
		line[ll] = '\0';
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, "\t"), line);
		int rc = 0;
		if (strcmp(name, "launch") == 0 && (n_offers == 0 || n_pending > 0)) {
			if (n_pending < MAXT && (pending[n_pending] = strdup(line)) != NULL)
				n_pending++;
			else
				rc = -ENOMEM;
		} else {
			char work[sizeof line];
			memcpy(work, line, ll + 1);
			rc = run_command(work, err, sizeof(err));   /* splits its copy */
			if (rc == -EAGAIN && n_pending < MAXT && (pending[n_pending] = strdup(line)) != NULL) {
				n_pending++;
				rc = 0;
			}
		}
		if (rc < 0)
			say("ERR %s: %s", name, err[0] ? err : strerror(-rc));
		memmove(g_in, nl + 1, g_in_len - ll - 1);
		g_in_len -= ll + 1;
	}
	if (g_in_len == sizeof(g_in) - 1)
		g_in_len = 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: em-test-scheduler HOST:PORT [-checkpoint] [-killing] [-status-data]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-checkpoint") == 0)
			opt_checkpoint = true;
		else if (strcmp(argv[i], "-killing") == 0)
			opt_killing = true;
		else if (strcmp(argv[i], "-status-data") == 0)
			opt_status_data = true;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(url, sizeof(url), "http://%s/api/v1/scheduler", argv[1]);
	loop = ev_loop_new();
	struct http_client_config hc = { .timeout_ms = 10000 };
	cli = http_client_new(loop, &hc);
	recordio_decoder_init(&dec, 0);
	if (!loop || !cli || subscribe() < 0) {
		fprintf(stderr, "em-test-scheduler: cannot subscribe to %s\n", url);
		return 1;
	}
	ev_fd_nonblock(0);
	ev_io_add(loop, 0, EV_READ, stdin_cb, NULL);
	ev_run(loop);
	ev_io_del(loop, 0);
	for (size_t i = 0; i < n_pending; i++)
		free(pending[i]);
	http_client_free(cli);
	recordio_decoder_finish(&dec);
	ev_loop_free(loop);
	return 0;
}
