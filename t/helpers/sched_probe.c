/*
 * sched_probe — drives lib/mesos/sched_session against a master (t0600
 * runs it against t/mesos-sim). One scheduler session; what happens is
 * printed on stdout, one line per event or call outcome:
 *
 *   subscribed fw=ID heartbeat=S master=URL
 *   heartbeat
 *   offer id=O agent=A cpus=C role_cpus=R role_disk=D volumes=V1,V2
 *   rescind id=O
 *   update task=T state=S source=S reason=R uuid=yes|no msg=...
 *   message agent=A executor=E data=...
 *   failure agent=A executor=E status=N
 *   error kind=REFUSED|EVENT|FAILED_OVER|REMOVED status=N msg=...
 *   disconnected reason=...
 *   call TYPE status=N err=E
 *   refused TYPE err=E            (the call failed synchronously)
 *
 * Updates with a uuid are ACKNOWLEDGEd at once (that call is printed too).
 * Commands, one per stdin line, words separated by spaces:
 *   decline [REFUSE_S]      every held offer
 *   launch TASK CMD...      a command task on the first held offer
 *   launch-exec TASK EXECUTOR PATH [DATA]
 *                           a task for the custom executor PATH (run as
 *                           its own argv[0]); DATA goes in TaskInfo.data
 *   reserve                 cpus 0.1 + disk 16 of the first offer for --role
 *   create VOLUME           a volume on the role's reserved disk
 *   destroy VOLUME          that volume
 *   unreserve               every resource reserved for --role in the offer
 *   kill TASK [AGENT] | shutdown EXECUTOR AGENT | message AGENT EXECUTOR DATA
 *   reconcile [TASK[:AGENT]...] | revive [ROLE] | suppress [ROLE]
 *   teardown | stats | quit
 *
 * Flags: --master= --user= --name= --role= --principal= --secret=
 * --fw-id= --failover-timeout= --heartbeat-misses= --backoff-max-ms=
 * --call-timeout-ms= --https --ca-file= --no-checkpoint
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "mesos/resources.h"
#include "mesos/sched_session.h"

#define MAX_OFFERS 64

static struct {
	struct ev_loop *loop;
	struct sched_session *s;
	Mesos__V1__Offer *offers[MAX_OFFERS];
	size_t n_offers;
	const char *role, *principal;
	char line[8192];
	size_t line_len;
} P;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void *dup_msg(const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(n ? n : 1);
	void *c;

	if (!b)
		return NULL;
	protobuf_c_message_pack(m, b);
	c = protobuf_c_message_unpack(m->descriptor, NULL, n, b);
	free(b);
	return c;
}

static void drop_offer(size_t i)
{
	mesos__v1__offer__free_unpacked(P.offers[i], NULL);
	memmove(&P.offers[i], &P.offers[i + 1], (P.n_offers - i - 1) * sizeof P.offers[0]);
	P.n_offers--;
}

static void drop_offers(void)
{
	while (P.n_offers)
		drop_offer(P.n_offers - 1);
}

static const char *enum_name(const ProtobufCEnumDescriptor *d, int v)
{
	const ProtobufCEnumValue *e = protobuf_c_enum_descriptor_get_value(d, v);
	return e ? e->name : "?";
}

/* ---- session callbacks ---- */

static void on_done(struct sched_session *s, const struct sched_call_result *r, void *arg)
{
	(void)s;
	(void)arg;
	out("call %s status=%d err=%d%s%.200s", sched_call_type_name(r->type), r->status, r->err,
	    r->body[0] ? " body=" : "", r->body);
}

static void refused(const char *what, int rc)
{
	if (rc < 0)
		out("refused %s err=%d", what, rc);
}

static void on_subscribed(struct sched_session *s, const Mesos__V1__Scheduler__Event__Subscribed *sub,
			  void *arg)
{
	(void)arg;
	out("subscribed fw=%s heartbeat=%g master=%s", sub->framework_id->value,
	    sub->heartbeat_interval_seconds, sched_session_master(s));
}

static void on_offers(struct sched_session *s, Mesos__V1__Offer *const *offers, size_t n, void *arg)
{
	size_t i, j;

	(void)s;
	(void)arg;
	for (i = 0; i < n; i++) {
		const Mesos__V1__Offer *o = offers[i];
		char vols[512] = "";
		size_t vl = 0;
		for (j = 0; j < o->n_resources; j++) {
			const Mesos__V1__Resource *r = o->resources[j];
			if (r->disk && r->disk->persistence && r->disk->persistence->id)
				vl += (size_t)snprintf(vols + vl, sizeof vols - vl, "%s%s", vl ? "," : "",
						       r->disk->persistence->id);
			if (vl >= sizeof vols)
				vl = sizeof vols - 1;
		}
		out("offer id=%s agent=%s cpus=%g role_cpus=%g role_disk=%g volumes=%s", o->id->value,
		    o->agent_id->value, resources_scalar(o->resources, o->n_resources, "cpus", NULL),
		    P.role ? resources_scalar(o->resources, o->n_resources, "cpus", P.role) : 0,
		    P.role ? resources_scalar(o->resources, o->n_resources, "disk", P.role) : 0,
		    vols[0] ? vols : "-");
		if (P.n_offers < MAX_OFFERS) {
			Mesos__V1__Offer *c = dup_msg(&o->base);
			if (c)
				P.offers[P.n_offers++] = c;
		}
	}
}

static void on_rescind(struct sched_session *s, const Mesos__V1__OfferID *id, void *arg)
{
	size_t i;

	(void)s;
	(void)arg;
	out("rescind id=%s", id->value);
	for (i = 0; i < P.n_offers; i++)
		if (strcmp(P.offers[i]->id->value, id->value) == 0) {
			drop_offer(i);
			break;
		}
}

static void on_update(struct sched_session *s, const Mesos__V1__TaskStatus *st, void *arg)
{
	(void)arg;
	out("update task=%s state=%s source=%s reason=%s uuid=%s msg=%s", st->task_id->value,
	    enum_name(&mesos__v1__task_state__descriptor, st->state),
	    st->has_source ? enum_name(&mesos__v1__task_status__source__descriptor, st->source) : "-",
	    st->has_reason ? enum_name(&mesos__v1__task_status__reason__descriptor, st->reason) : "-",
	    st->has_uuid ? "yes" : "no", st->message ? st->message : "");
	if (st->has_uuid)
		refused("ACKNOWLEDGE", sched_acknowledge(s, st, on_done, NULL));
}

static void on_message(struct sched_session *s, const Mesos__V1__Scheduler__Event__Message *m,
		       void *arg)
{
	(void)s;
	(void)arg;
	out("message agent=%s executor=%s data=%.*s", m->agent_id->value, m->executor_id->value,
	    (int)m->data.len, (const char *)m->data.data);
}

static void on_failure(struct sched_session *s, const Mesos__V1__Scheduler__Event__Failure *f,
		       void *arg)
{
	(void)s;
	(void)arg;
	out("failure agent=%s executor=%s status=%d", f->agent_id ? f->agent_id->value : "-",
	    f->executor_id ? f->executor_id->value : "-", f->has_status ? f->status : -1);
}

static void on_heartbeat(struct sched_session *s, void *arg)
{
	(void)s;
	(void)arg;
	out("heartbeat");
}

static void on_error(struct sched_session *s, const struct sched_error *e, void *arg)
{
	static const char *kinds[] = { "REFUSED", "EVENT", "FAILED_OVER", "REMOVED" };
	char msg[256];
	size_t i;

	(void)s;
	(void)arg;
	snprintf(msg, sizeof msg, "%s", e->message);
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	drop_offers();
	out("error kind=%s status=%d msg=%s", kinds[e->kind], e->status, msg);
}

static void on_disconnected(struct sched_session *s, const char *reason, void *arg)
{
	(void)s;
	(void)arg;
	drop_offers();
	out("disconnected reason=%s", reason);
}

/* ---- commands ---- */

static const char *offer_ids[MAX_OFFERS];

static int accept_ops(size_t oi, Mesos__V1__Offer__Operation *op)
{
	const char *id = P.offers[oi]->id->value;
	int rc = sched_accept(P.s, &id, 1, &op, 1, 0, on_done, NULL);

	if (rc == 0)
		drop_offer(oi);
	return rc;
}

static int cmd_launch(char **w, int n)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Launch la = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tip = &ti;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__CommandInfo ci = MESOS__V1__COMMAND_INFO__INIT;
	struct res_need need = { .cpus = 0.1, .mem = 32 };
	struct res_list rl = RES_LIST_INIT;
	struct res_pool pool;
	char cmd[4096] = "";
	size_t l = 0;
	int i, rc;

	if (n < 3 || !P.n_offers)
		return -EINVAL;
	for (i = 2; i < n; i++)
		l += (size_t)snprintf(cmd + l, sizeof cmd - l, "%s%s", i > 2 ? " " : "", w[i]);
	if ((rc = res_pool_init(&pool, P.offers[0])) < 0)
		return rc;
	rc = res_pool_take(&pool, &need, NULL, &rl, NULL);
	res_pool_finish(&pool);
	if (rc < 0)
		return rc;
	tid.value = w[1];
	ti.name = w[1];
	ti.task_id = &tid;
	ti.agent_id = P.offers[0]->agent_id;
	ti.n_resources = rl.n;
	ti.resources = rl.v;
	ci.has_shell = 1;
	ci.shell = 1;
	ci.value = cmd;
	ti.command = &ci;
	la.n_task_infos = 1;
	la.task_infos = &tip;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &la;
	rc = accept_ops(0, &op);
	res_list_finish(&rl);
	return rc;
}

static int cmd_launch_exec(char **w, int n)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Launch la = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT, *tip = &ti;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__ExecutorInfo ei = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__CommandInfo ec = MESOS__V1__COMMAND_INFO__INIT;
	struct res_need exec_need = { .cpus = 0.1, .mem = 32 }, task_need = { .cpus = 0.1, .mem = 32 };
	struct res_list er = RES_LIST_INIT, tr = RES_LIST_INIT;
	struct res_pool pool;
	char *argv0[1];
	int rc;

	if (n < 4 || !P.n_offers)
		return -EINVAL;
	if ((rc = res_pool_init(&pool, P.offers[0])) < 0)
		return rc;
	rc = res_pool_take_launch(&pool, &exec_need, &task_need, NULL, &er, &tr, NULL);
	res_pool_finish(&pool);
	if (rc < 0)
		return rc;
	eid.value = w[2];
	ei.executor_id = &eid;
	ei.framework_id = P.offers[0]->framework_id;
	ei.has_type = 1;
	ei.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
	ec.has_shell = 1;
	ec.shell = 0;
	ec.value = w[3];
	argv0[0] = w[3];
	ec.n_arguments = 1;
	ec.arguments = argv0;
	ei.command = &ec;
	ei.n_resources = er.n;
	ei.resources = er.v;
	tid.value = w[1];
	ti.name = w[1];
	ti.task_id = &tid;
	ti.agent_id = P.offers[0]->agent_id;
	ti.n_resources = tr.n;
	ti.resources = tr.v;
	ti.executor = &ei;
	if (n > 4) {
		ti.has_data = 1;
		ti.data.data = (uint8_t *)w[4];
		ti.data.len = strlen(w[4]);
	}
	la.n_task_infos = 1;
	la.task_infos = &tip;
	op.has_type = 1;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &la;
	rc = accept_ops(0, &op);
	res_list_finish(&er);
	res_list_finish(&tr);
	return rc;
}

static int cmd_reserve(void)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Reserve rs = MESOS__V1__OFFER__OPERATION__RESERVE__INIT;
	struct res_need need = { .cpus = 0.1, .disk = 16 };
	struct res_list plain = RES_LIST_INIT, rl = RES_LIST_INIT;
	struct res_pool pool;
	int rc;

	if (!P.n_offers || !P.role)
		return -EINVAL;
	if ((rc = res_pool_init(&pool, P.offers[0])) < 0)
		return rc;
	rc = res_pool_take(&pool, &need, NULL, &plain, NULL);
	res_pool_finish(&pool);
	if (rc == 0)
		rc = res_list_reserve(&plain, P.role, P.principal, false, &rl);
	if (rc == 0) {
		rs.n_resources = rl.n;
		rs.resources = rl.v;
		op.has_type = 1;
		op.type = MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
		op.reserve = &rs;
		rc = accept_ops(0, &op);
	}
	res_list_finish(&plain);
	res_list_finish(&rl);
	return rc;
}

/* The first held offer with resources reserved for the role. */
static int role_offer(void)
{
	size_t i;

	for (i = 0; P.role && i < P.n_offers; i++)
		if (resources_scalar(P.offers[i]->resources, P.offers[i]->n_resources, "disk",
				     P.role) > 0)
			return (int)i;
	return -1;
}

static int cmd_create(const char *vol)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Create cr = MESOS__V1__OFFER__OPERATION__CREATE__INIT;
	struct res_list rl = RES_LIST_INIT;
	int oi = role_offer(), rc = -ENOENT;
	size_t j;

	if (oi < 0)
		return -ENOENT;
	for (j = 0; j < P.offers[oi]->n_resources; j++) {
		const Mesos__V1__Resource *r = P.offers[oi]->resources[j];
		if (strcmp(r->name, "disk") == 0 && strcmp(resource_role(r), P.role) == 0 &&
		    !(r->disk && r->disk->persistence)) {
			rc = res_list_add_volume(&rl, r, vol, P.principal, "data");
			break;
		}
	}
	if (rc == 0) {
		cr.n_volumes = rl.n;
		cr.volumes = rl.v;
		op.has_type = 1;
		op.type = MESOS__V1__OFFER__OPERATION__TYPE__CREATE;
		op.create = &cr;
		rc = accept_ops((size_t)oi, &op);
	}
	res_list_finish(&rl);
	return rc;
}

static int cmd_destroy(const char *vol)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Destroy de = MESOS__V1__OFFER__OPERATION__DESTROY__INIT;
	struct res_list rl = RES_LIST_INIT;
	const Mesos__V1__Resource *v = NULL;
	size_t i;
	int rc;

	for (i = 0; i < P.n_offers && !v; i++)
		v = resources_find_volume(P.offers[i]->resources, P.offers[i]->n_resources, vol);
	if (!v)
		return -ENOENT;
	if ((rc = res_list_add_copy(&rl, v)) == 0) {
		de.n_volumes = rl.n;
		de.volumes = rl.v;
		op.has_type = 1;
		op.type = MESOS__V1__OFFER__OPERATION__TYPE__DESTROY;
		op.destroy = &de;
		rc = accept_ops(i - 1, &op);
	}
	res_list_finish(&rl);
	return rc;
}

static int cmd_unreserve(void)
{
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Unreserve un = MESOS__V1__OFFER__OPERATION__UNRESERVE__INIT;
	struct res_list rl = RES_LIST_INIT;
	int oi = role_offer(), rc = 0;
	size_t j;

	if (oi < 0)
		return -ENOENT;
	for (j = 0; j < P.offers[oi]->n_resources && rc == 0; j++) {
		const Mesos__V1__Resource *r = P.offers[oi]->resources[j];
		if (strcmp(resource_role(r), P.role) == 0 && !(r->disk && r->disk->persistence))
			rc = res_list_add_copy(&rl, r);
	}
	if (rc == 0) {
		un.n_resources = rl.n;
		un.resources = rl.v;
		op.has_type = 1;
		op.type = MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE;
		op.unreserve = &un;
		rc = accept_ops((size_t)oi, &op);
	}
	res_list_finish(&rl);
	return rc;
}

static void command(char *line)
{
	char *w[64], *save = NULL, *t;
	int n = 0, rc = 0;
	size_t i;

	for (t = strtok_r(line, " \t", &save); t && n < 64; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (!n)
		return;
	if (strcmp(w[0], "decline") == 0) {
		for (i = 0; i < P.n_offers; i++)
			offer_ids[i] = P.offers[i]->id->value;
		rc = P.n_offers ? sched_decline(P.s, offer_ids, P.n_offers, n > 1 ? atof(w[1]) : -1,
						on_done, NULL) : -ENOENT;
		if (rc == 0)
			drop_offers();
	} else if (strcmp(w[0], "launch") == 0) {
		rc = cmd_launch(w, n);
	} else if (strcmp(w[0], "launch-exec") == 0) {
		rc = cmd_launch_exec(w, n);
	} else if (strcmp(w[0], "reserve") == 0) {
		rc = cmd_reserve();
	} else if (strcmp(w[0], "create") == 0 && n == 2) {
		rc = cmd_create(w[1]);
	} else if (strcmp(w[0], "destroy") == 0 && n == 2) {
		rc = cmd_destroy(w[1]);
	} else if (strcmp(w[0], "unreserve") == 0) {
		rc = cmd_unreserve();
	} else if (strcmp(w[0], "kill") == 0 && n >= 2) {
		rc = sched_kill(P.s, w[1], n > 2 ? w[2] : NULL, on_done, NULL);
	} else if (strcmp(w[0], "shutdown") == 0 && n == 3) {
		rc = sched_shutdown(P.s, w[1], w[2], on_done, NULL);
	} else if (strcmp(w[0], "message") == 0 && n == 4) {
		rc = sched_message(P.s, w[1], w[2], w[3], strlen(w[3]), on_done, NULL);
	} else if (strcmp(w[0], "reconcile") == 0) {
		struct sched_reconcile_task tasks[63];
		int k;
		for (k = 1; k < n; k++) {
			char *c = strchr(w[k], ':');
			if (c)
				*c++ = '\0';
			tasks[k - 1].task_id = w[k];
			tasks[k - 1].agent_id = c;
		}
		rc = sched_reconcile(P.s, tasks, (size_t)(n - 1), on_done, NULL);
	} else if (strcmp(w[0], "revive") == 0) {
		rc = sched_revive(P.s, (const char *const *)&w[1], (size_t)(n - 1), on_done, NULL);
	} else if (strcmp(w[0], "suppress") == 0) {
		rc = sched_suppress(P.s, (const char *const *)&w[1], (size_t)(n - 1), on_done, NULL);
	} else if (strcmp(w[0], "teardown") == 0) {
		rc = sched_teardown(P.s, on_done, NULL);
	} else if (strcmp(w[0], "stats") == 0) {
		struct sched_session_stats st;
		sched_session_get_stats(P.s, &st);
		out("stats subscribes=%llu subscribed=%llu redirects=%llu events=%llu heartbeats=%llu "
		    "calls=%llu losses=%llu", (unsigned long long)st.subscribes,
		    (unsigned long long)st.subscribed, (unsigned long long)st.redirects,
		    (unsigned long long)st.events, (unsigned long long)st.heartbeats,
		    (unsigned long long)st.calls, (unsigned long long)st.stream_losses);
	} else if (strcmp(w[0], "quit") == 0) {
		ev_stop(P.loop);
	} else {
		rc = -EINVAL;
	}
	refused(w[0], rc);
}

static void on_stdin(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	ssize_t n;
	char *nl;

	(void)events;
	(void)arg;
	n = read(fd, P.line + P.line_len, sizeof P.line - 1 - P.line_len);
	if (n <= 0) {
		ev_io_del(loop, fd);
		ev_stop(loop);
		return;
	}
	P.line_len += (size_t)n;
	P.line[P.line_len] = '\0';
	while ((nl = strchr(P.line, '\n'))) {
		*nl = '\0';
		command(P.line);
		P.line_len -= (size_t)(nl + 1 - P.line);
		memmove(P.line, nl + 1, P.line_len + 1);
	}
	if (P.line_len == sizeof P.line - 1)
		P.line_len = 0;   /* an over-long line is dropped */
}

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	(void)signo;
	(void)arg;
	ev_stop(loop);
}

static const char *flag(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
		    (argv[i][2 + n] == '=' || argv[i][2 + n] == '\0'))
			return argv[i][2 + n] == '=' ? argv[i] + 3 + n : "1";
	return NULL;
}

int main(int argc, char **argv)
{
	struct sched_session_config cfg = { 0 };
	struct sched_session_cbs cbs = {
		.on_subscribed = on_subscribed, .on_offers = on_offers, .on_rescind = on_rescind,
		.on_update = on_update, .on_message = on_message, .on_failure = on_failure,
		.on_heartbeat = on_heartbeat, .on_error = on_error,
		.on_disconnected = on_disconnected,
	};
	const int caps[] = { MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE,
			     MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE };
	const char *roles[1], *v;
	char err[512];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	P.loop = ev_loop_new();
	if (!P.loop)
		return 1;
	cfg.loop = P.loop;
	cfg.master = flag(argc, argv, "master");
	cfg.framework.user = (v = flag(argc, argv, "user")) ? v : "root";
	cfg.framework.name = (v = flag(argc, argv, "name")) ? v : "sched-probe";
	cfg.framework.id = flag(argc, argv, "fw-id");
	cfg.framework.failover_timeout_s = (v = flag(argc, argv, "failover-timeout")) ? atof(v) : 60;
	cfg.framework.checkpoint = flag(argc, argv, "no-checkpoint") == NULL;
	P.role = flag(argc, argv, "role");
	if (P.role) {
		roles[0] = P.role;
		cfg.framework.roles = roles;
		cfg.framework.n_roles = 1;
	}
	P.principal = flag(argc, argv, "principal");
	cfg.framework.principal = P.principal;
	cfg.framework.hostname = "probe-host";
	cfg.framework.webui_url = "http://127.0.0.1:1/";
	cfg.framework.capabilities = caps;
	cfg.framework.n_capabilities = 2;
	cfg.secret = flag(argc, argv, "secret");
	cfg.https = flag(argc, argv, "https") != NULL;
	cfg.ca_file = flag(argc, argv, "ca-file");
	cfg.heartbeat_misses = (v = flag(argc, argv, "heartbeat-misses")) ? (unsigned)atoi(v) : 0;
	cfg.backoff_max_ms = (v = flag(argc, argv, "backoff-max-ms")) ? (uint64_t)atoll(v) : 0;
	cfg.backoff_initial_ms = (v = flag(argc, argv, "backoff-initial-ms")) ? (uint64_t)atoll(v) : 0;
	cfg.call_timeout_ms = (v = flag(argc, argv, "call-timeout-ms")) ? (uint64_t)atoll(v) : 0;
	if (!cfg.master) {
		fprintf(stderr, "sched_probe: --master is required\n");
		return 2;
	}
	rc = sched_session_new(&cfg, &cbs, NULL, &P.s, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "sched_probe: -master=%s: %s\n", cfg.master, err);
		out("setup-failed err=%d msg=%s", rc, err);
		ev_loop_free(P.loop);
		return 1;
	}
	ev_fd_nonblock(0);
	ev_io_add(P.loop, 0, EV_READ, on_stdin, NULL);
	ev_signal_add(P.loop, SIGTERM, on_signal, NULL);
	ev_signal_add(P.loop, SIGINT, on_signal, NULL);
	sched_session_start(P.s);
	ev_run(P.loop);
	drop_offers();
	sched_session_free(P.s);
	ev_io_del(P.loop, 0);
	ev_signal_del(P.loop, SIGTERM);
	ev_signal_del(P.loop, SIGINT);
	ev_loop_free(P.loop);
	out("exit");
	return 0;
}
