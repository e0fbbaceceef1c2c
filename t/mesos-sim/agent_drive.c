/*
 * agent_drive — one simulated agent (the real agent side of t/mesos-sim)
 * under a small stand-in master, for t0510-sim-agent.sh. It owns a tiny
 * model (frameworks, executors, tasks), reads commands from stdin (one
 * per line, fields separated by TABs) and prints one line per thing the
 * agent tells the master, so a shell test can drive and watch the agent
 * exactly as the master side of mesos-sim will.
 *
 *   sim-agent-drive [agent flags] -work-dir=D -ip=127.0.0.2 -port-file=F
 *
 * Commands:
 *   framework <id> [checkpoint] [partition_aware] [killing]
 *   launch  <fw> <task> <exec|-> key=value...   (exec "-": command task)
 *       cmd=<shell command>  shell=0  arg=<argv item> (repeat)
 *       uri=<value>[|exec][|noextract][|out=<name>]  (repeat)
 *       env=<NAME=value> (repeat)  grace=<ms>  killgrace=<ms>
 *       vol=<persistence id>:<container path>
 *   kill <fw> <task> [grace ms]      shutdown <fw> <exec>
 *   message <fw> <exec> <text>       autoack on|off
 *   ack <fw> <task> <uuid text>      ack-last <fw> <task>
 *   agent-kill   agent-restart       remove-framework <fw>
 *   signal-task <task> <signo> [all]  signal-exec <fw> <exec> <signo>
 *   quit
 * Output lines:
 *   UPDATE task=T state=S source=S reason=R uuid=U msg=M
 *   FAILURE exec=E status=N    MESSAGE exec=E data=D
 *   AGENT_DOWN   AGENT_UP   OK <cmd>   ERR <cmd>: why
 */
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/flags.h"
#include "base/log.h"

/* ---- sim.h helpers the master side normally provides (model.c) ---- */

void *sim_pb_dup(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *bytes = malloc(len ? len : 1);
	if (!bytes)
		return NULL;
	protobuf_c_message_pack(m, bytes);
	void *out = protobuf_c_message_unpack(m->descriptor, NULL, len, bytes);
	free(bytes);
	return out;
}

void sim_uuid(uint8_t out[16])
{
	if (getrandom(out, 16, 0) != 16)
		for (int i = 0; i < 16; i++)
			out[i] = (uint8_t)rand();
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

void sim_uuid_str(const uint8_t in[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[in[i] >> 4];
		out[k++] = hex[in[i] & 15];
	}
	out[k] = '\0';
}

double sim_wall_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sim_volume_path(const struct sim_agent *a, const char *role, const char *id, char *out,
		    size_t outlen)
{
	int n = snprintf(out, outlen, "%s/volumes/roles/%s/%s", a->work_dir, role, id);
	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

/* ---- the stand-in master ---- */

static struct sim g_sim;
static struct sim_agent g_agent;
static bool g_autoack = true;

struct pending_ack {
	struct ev_timer t;
	char fw[SIM_MAX_ID], task[SIM_MAX_ID];
	uint8_t uuid[16];
};

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

struct sim_framework *sim_framework_find(struct sim *sim, const char *fw_id)
{
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		if (strcmp(fw->id, fw_id) == 0)
			return fw;
	}
	return NULL;
}

struct sim_executor *sim_executor_find(struct sim_agent *a, const char *fw_id, const char *exec_id)
{
	sim_list_each(it, nx, &a->executors) {
		struct sim_executor *e = sim_container_of(it, struct sim_executor, agent_link);
		if (strcmp(e->fw->id, fw_id) == 0 && strcmp(e->id, exec_id) == 0)
			return e;
	}
	return NULL;
}

struct sim_task *sim_task_find(struct sim_framework *fw, const char *task_id)
{
	sim_list_each(it, nx, &fw->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
		if (strcmp(t->id, task_id) == 0)
			return t;
	}
	return NULL;
}

static void ack_cb(struct ev_loop *loop, void *arg)
{
	struct pending_ack *p = arg;
	struct sim_framework *fw = sim_framework_find(&g_sim, p->fw);
	struct sim_task *t = fw ? sim_task_find(fw, p->task) : NULL;
	if (t)
		sim_agent_acknowledge(t->agent, t, p->uuid, 16);
	free(p);
}

static void schedule_ack(struct sim_task *t, const uint8_t *uuid)
{
	struct pending_ack *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	snprintf(p->fw, sizeof(p->fw), "%s", t->fw->id);
	snprintf(p->task, sizeof(p->task), "%s", t->id);
	memcpy(p->uuid, uuid, 16);
	ev_timer_init(&p->t, ack_cb, p);
	ev_timer_start(g_sim.loop, &p->t, 0, 0);
}

static const char *enum_name(const ProtobufCEnumDescriptor *d, int v)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(d, v);
	return ev ? ev->name : "?";
}

void sim_master_status_update(struct sim_task *t, const Mesos__V1__TaskStatus *st)
{
	char u[37] = "-";
	if (st->has_uuid && st->uuid.len == 16)
		sim_uuid_str(st->uuid.data, u);
	out("UPDATE task=%s state=%s source=%s reason=%s uuid=%s agent=%s exec=%s cid=%s msg=%s",
	    t->id, enum_name(&mesos__v1__task_state__descriptor, st->state),
	    st->has_source ? enum_name(&mesos__v1__task_status__source__descriptor, st->source) : "-",
	    st->has_reason ? enum_name(&mesos__v1__task_status__reason__descriptor, st->reason) : "-",
	    u, st->agent_id ? st->agent_id->value : "-",
	    st->executor_id ? st->executor_id->value : "-",
	    st->container_status && st->container_status->container_id
		    ? st->container_status->container_id->value : "-",
	    st->message ? st->message : "");
	t->state = st->state;
	t->terminal = agent_state_terminal(st->state);
	if (st->has_uuid && st->uuid.len == 16) {
		Mesos__V1__TaskStatus *copy = sim_pb_dup(&st->base);
		if (t->latest)
			mesos__v1__task_status__free_unpacked(t->latest, NULL);
		t->latest = copy;
		if (g_autoack)
			schedule_ack(t, st->uuid.data);
	}
}

static void executor_free(struct sim_executor *e)
{
	sim_list_each(it, nx, &e->fw->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
		if (t->exec == e)
			t->exec = NULL;
	}
	sim_list_del(&e->agent_link);
	sim_list_del(&e->fw_link);
	mesos__v1__executor_info__free_unpacked(e->info, NULL);
	free(e);
}

void sim_master_executor_exited(struct sim_executor *e, int wstatus)
{
	out("FAILURE exec=%s status=%d", e->id, wstatus);
	executor_free(e);
}

void sim_master_executor_message(struct sim_executor *e, const void *data, size_t len)
{
	out("MESSAGE exec=%s data=%.*s", e->id, (int)len, (const char *)data);
}

void sim_master_agent_down(struct sim_agent *a)
{
	a->state = SIM_AGENT_DOWN;
	out("AGENT_DOWN");
}

int sim_master_agent_up(struct sim_agent *a)
{
	a->state = SIM_AGENT_UP;
	out("AGENT_UP");
	return 0;
}

/* ---- model building ---- */

static void task_free(struct sim_task *t)
{
	agent_task_free(t);
	sim_list_del(&t->agent_link);
	sim_list_del(&t->fw_link);
	mesos__v1__task_info__free_unpacked(t->info, NULL);
	if (t->latest)
		mesos__v1__task_status__free_unpacked(t->latest, NULL);
	free(t);
}

static void framework_free(struct sim_framework *fw)
{
	sim_agent_remove_framework(&g_agent, fw);
	sim_list_each(it, nx, &fw->tasks)
		task_free(sim_container_of(it, struct sim_task, fw_link));
	sim_list_each(it, nx, &fw->executors)
		executor_free(sim_container_of(it, struct sim_executor, fw_link));
	sim_list_del(&fw->link);
	mesos__v1__framework_info__free_unpacked(fw->info, NULL);
	free(fw);
}

static int cmd_framework(char **f, int n)
{
	if (n < 2 || sim_framework_find(&g_sim, f[1]))
		return -EINVAL;
	struct sim_framework *fw = calloc(1, sizeof(*fw));
	Mesos__V1__FrameworkInfo fi;
	mesos__v1__framework_info__init(&fi);
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__FrameworkInfo__Capability caps[2], *capp[2];
	size_t ncap = 0;
	fi.user = "root";
	fi.name = "t0510";
	fid.value = f[1];
	fi.id = &fid;
	for (int i = 2; i < n; i++) {
		if (strcmp(f[i], "checkpoint") == 0) {
			fi.has_checkpoint = 1;
			fi.checkpoint = 1;
		} else if (strcmp(f[i], "partition_aware") == 0 || strcmp(f[i], "killing") == 0) {
			mesos__v1__framework_info__capability__init(&caps[ncap]);
			caps[ncap].has_type = 1;
			caps[ncap].type = f[i][0] == 'p'
				? MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE
				: MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE;
			fw->partition_aware |= f[i][0] == 'p';
			capp[ncap] = &caps[ncap];
			ncap++;
		}
	}
	fi.n_capabilities = ncap;
	fi.capabilities = capp;
	fw->sim = &g_sim;
	snprintf(fw->id, sizeof(fw->id), "%s", f[1]);
	fw->info = sim_pb_dup(&fi.base);
	sim_list_init(&fw->executors);
	sim_list_init(&fw->tasks);
	sim_list_init(&fw->filters);
	sim_list_init(&fw->offers);
	sim_list_add_tail(&g_sim.frameworks, &fw->link);
	return 0;
}

/* Builds the TaskInfo (and ExecutorInfo) from key=value fields. */
static int cmd_launch(char **f, int n, char *err, size_t errlen)
{
	if (n < 4) {
		snprintf(err, errlen, "launch <fw> <task> <exec|-> key=value...");
		return -EINVAL;
	}
	struct sim_framework *fw = sim_framework_find(&g_sim, f[1]);
	if (!fw) {
		snprintf(err, errlen, "unknown framework %s", f[1]);
		return -ENOENT;
	}
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__ExecutorInfo ei = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__CommandInfo ci = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__Environment env = MESOS__V1__ENVIRONMENT__INIT;
	Mesos__V1__DurationInfo grace = MESOS__V1__DURATION_INFO__INIT;
	Mesos__V1__DurationInfo kgrace = MESOS__V1__DURATION_INFO__INIT;
	Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
	Mesos__V1__CommandInfo__URI uris[8], *urip[8];
	Mesos__V1__Environment__Variable vars[16], *varp[16];
	char *args[16];
	Mesos__V1__Resource res, *resp[1] = { &res };
	Mesos__V1__Resource__DiskInfo disk = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pers = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vol = MESOS__V1__VOLUME__INIT;
	Mesos__V1__Resource__ReservationInfo rinfo = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT, *rinfop[1] = { &rinfo };
	Mesos__V1__Value__Scalar sc = MESOS__V1__VALUE__SCALAR__INIT;
	size_t nu = 0, nv = 0, na = 0;
	char volbuf[512];

	mesos__v1__resource__init(&res);
	tid.value = f[2];
	aid.value = g_agent.id;
	ti.name = f[2];
	ti.task_id = &tid;
	ti.agent_id = &aid;
	for (int i = 4; i < n; i++) {
		char *v = strchr(f[i], '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (strcmp(f[i], "cmd") == 0) {
			ci.value = v;
		} else if (strcmp(f[i], "shell") == 0) {
			ci.has_shell = 1;
			ci.shell = atoi(v) != 0;
		} else if (strcmp(f[i], "arg") == 0 && na < 16) {
			args[na++] = v;
		} else if (strcmp(f[i], "uri") == 0 && nu < 8) {
			Mesos__V1__CommandInfo__URI *u = &uris[nu];
			mesos__v1__command_info__uri__init(u);
			char *opt = strchr(v, '|');
			if (opt)
				*opt++ = '\0';
			u->value = v;
			while (opt) {
				char *nx = strchr(opt, '|');
				if (nx)
					*nx++ = '\0';
				if (strcmp(opt, "exec") == 0) {
					u->has_executable = 1;
					u->executable = 1;
				} else if (strcmp(opt, "noextract") == 0) {
					u->has_extract = 1;
					u->extract = 0;
				} else if (strncmp(opt, "out=", 4) == 0) {
					u->output_file = opt + 4;
				}
				opt = nx;
			}
			urip[nu] = u;
			nu++;
		} else if (strcmp(f[i], "env") == 0 && nv < 16) {
			char *eq = strchr(v, '=');
			mesos__v1__environment__variable__init(&vars[nv]);
			if (eq)
				*eq++ = '\0';
			vars[nv].name = v;
			vars[nv].value = eq ? eq : "";
			varp[nv] = &vars[nv];
			nv++;
		} else if (strcmp(f[i], "grace") == 0) {
			grace.nanoseconds = atoll(v) * 1000000LL;
			ei.shutdown_grace_period = &grace;
		} else if (strcmp(f[i], "killgrace") == 0) {
			kgrace.nanoseconds = atoll(v) * 1000000LL;
			kp.grace_period = &kgrace;
			ti.kill_policy = &kp;
		} else if (strcmp(f[i], "vol") == 0) {
			snprintf(volbuf, sizeof(volbuf), "%s", v);
			char *c = strchr(volbuf, ':');
			if (!c)
				continue;
			*c++ = '\0';
			pers.id = volbuf;
			vol.container_path = c;
			vol.mode = MESOS__V1__VOLUME__MODE__RW;
			disk.persistence = &pers;
			disk.volume = &vol;
			res.name = "disk";
			res.type = MESOS__V1__VALUE__TYPE__SCALAR;
			sc.value = 16;
			res.scalar = &sc;
			res.disk = &disk;
			rinfo.has_type = 1;
			rinfo.type = MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC;
			rinfo.role = "etcd";
			res.n_reservations = 1;
			res.reservations = rinfop;
			ti.n_resources = 1;
			ti.resources = resp;
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
	struct sim_executor *e = NULL;
	bool is_new = false;
	if (strcmp(f[3], "-") != 0) {
		e = sim_executor_find(&g_agent, fw->id, f[3]);
		if (!e) {
			eid.value = f[3];
			fid.value = fw->id;
			ei.executor_id = &eid;
			ei.framework_id = &fid;
			ei.has_type = 1;
			ei.type = MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
			ei.command = &ci;
			e = calloc(1, sizeof(*e));
			e->agent = &g_agent;
			e->fw = fw;
			snprintf(e->id, sizeof(e->id), "%s", f[3]);
			e->info = sim_pb_dup(&ei.base);
			sim_list_add_tail(&g_agent.executors, &e->agent_link);
			sim_list_add_tail(&fw->executors, &e->fw_link);
			is_new = true;
		}
		ti.executor = e->info;
	} else {
		ti.command = &ci;
	}
	struct sim_task *t = calloc(1, sizeof(*t));
	t->agent = &g_agent;
	t->fw = fw;
	t->exec = e;
	snprintf(t->id, sizeof(t->id), "%s", f[2]);
	t->info = sim_pb_dup(&ti.base);
	t->state = MESOS__V1__TASK_STATE__TASK_STAGING;
	sim_list_add_tail(&g_agent.tasks, &t->agent_link);
	sim_list_add_tail(&fw->tasks, &t->fw_link);
	return sim_agent_launch(&g_agent, t, is_new);
}

static struct sim_task *find_task(const char *fw_id, const char *task_id)
{
	struct sim_framework *fw = sim_framework_find(&g_sim, fw_id);
	return fw ? sim_task_find(fw, task_id) : NULL;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	int k = 0;
	for (const char *p = s; *p && k < 32; p++) {
		if (*p == '-')
			continue;
		int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (v < 0)
			return -EINVAL;
		if (k % 2 == 0)
			out[k / 2] = (uint8_t)(v << 4);
		else
			out[k / 2] |= (uint8_t)v;
		k++;
	}
	return k == 32 ? 0 : -EINVAL;
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
	const char *c = f[0];
	struct sim_task *t;
	if (strcmp(c, "framework") == 0)
		return cmd_framework(f, n);
	if (strcmp(c, "launch") == 0)
		return cmd_launch(f, n, err, errlen);
	if (strcmp(c, "kill") == 0 && n >= 3) {
		if (!(t = find_task(f[1], f[2])))
			return -ENOENT;
		Mesos__V1__KillPolicy kp = MESOS__V1__KILL_POLICY__INIT;
		Mesos__V1__DurationInfo d = MESOS__V1__DURATION_INFO__INIT;
		if (n >= 4) {
			d.nanoseconds = atoll(f[3]) * 1000000LL;
			kp.grace_period = &d;
		}
		return sim_agent_kill_task(&g_agent, t, n >= 4 ? &kp : NULL);
	}
	if (strcmp(c, "shutdown") == 0 && n >= 3) {
		struct sim_executor *e = sim_executor_find(&g_agent, f[1], f[2]);
		return e ? sim_agent_shutdown_executor(&g_agent, e) : -ENOENT;
	}
	if (strcmp(c, "message") == 0 && n >= 4) {
		struct sim_executor *e = sim_executor_find(&g_agent, f[1], f[2]);
		return e ? sim_agent_send_message(&g_agent, e, f[3], strlen(f[3])) : -ENOENT;
	}
	if (strcmp(c, "autoack") == 0 && n >= 2) {
		g_autoack = strcmp(f[1], "on") == 0;
		return 0;
	}
	if (strcmp(c, "ack") == 0 && n >= 4) {
		uint8_t u[16];
		if (!(t = find_task(f[1], f[2])) || parse_uuid(f[3], u) < 0)
			return -EINVAL;
		sim_agent_acknowledge(&g_agent, t, u, 16);
		return 0;
	}
	if (strcmp(c, "ack-last") == 0 && n >= 3) {
		if (!(t = find_task(f[1], f[2])) || !t->latest)
			return -ENOENT;
		sim_agent_acknowledge(&g_agent, t, t->latest->uuid.data, t->latest->uuid.len);
		return 0;
	}
	if (strcmp(c, "agent-kill") == 0)
		return sim_agent_kill(&g_agent);
	if (strcmp(c, "agent-restart") == 0)
		return sim_agent_restart(&g_agent);
	if (strcmp(c, "remove-framework") == 0 && n >= 2) {
		struct sim_framework *fw = sim_framework_find(&g_sim, f[1]);
		if (!fw)
			return -ENOENT;
		framework_free(fw);
		return 0;
	}
	if (strcmp(c, "signal-task") == 0 && n >= 3) {
		int r = sim_agent_signal_task(&g_sim, f[1], atoi(f[2]), n >= 4);
		return r < 0 ? r : 0;
	}
	if (strcmp(c, "signal-exec") == 0 && n >= 4)
		return sim_agent_signal_executor(&g_agent, f[1], f[2], atoi(f[3]));
	if (strcmp(c, "quit") == 0) {
		ev_stop(g_sim.loop);
		return 0;
	}
	snprintf(err, errlen, "unknown command");
	return -EINVAL;
}

static char g_in[65536];
static size_t g_in_len;

static void stdin_cb(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	ssize_t r = read(fd, g_in + g_in_len, sizeof(g_in) - 1 - g_in_len);
	if (r <= 0) {
		ev_io_del(loop, fd);
		ev_stop(loop);
		return;
	}
	g_in_len += (size_t)r;
	char *nl;
	while ((nl = memchr(g_in, '\n', g_in_len)) != NULL) {
		*nl = '\0';
		char cmd[65536], err[256] = "";
		size_t ll = (size_t)(nl - g_in);
		memcpy(cmd, g_in, ll + 1);
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, "\t"), cmd);
		int rc = run_command(cmd, err, sizeof(err));
		if (rc < 0)
			out("ERR %s: %s", name, err[0] ? err : strerror(-rc));
		else if (name[0])
			out("OK %s", name);
		memmove(g_in, nl + 1, g_in_len - ll - 1);
		g_in_len -= ll + 1;
	}
	if (g_in_len == sizeof(g_in) - 1)
		g_in_len = 0;
}

int main(int argc, char **argv)
{
	char *work_dir = NULL, *ip = NULL, *port_file = NULL, *agent_id = NULL;
	struct flag own[] = {
		{ "work-dir", FLAG_STRING, NULL, "agent work dir", NULL, &work_dir, 0, 0 },
		{ "ip", FLAG_STRING, "127.0.0.1", "agent address", NULL, &ip, 0, 0 },
		{ "agent-id", FLAG_STRING, "S0", "agent id", NULL, &agent_id, 0, 0 },
		{ "port-file", FLAG_STRING, NULL, "write the agent port here", NULL, &port_file, 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
	};
	struct flag *tables[] = { own, sim_agent_flags, NULL };
	char err[512];
	int rc = flags_parse(tables, argc, argv, 1, err, sizeof(err));
	if (rc < 0 || !work_dir) {
		fprintf(stderr, "sim-agent-drive: %s\n", rc < 0 ? err : "-work-dir is required");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	g_sim.loop = ev_loop_new();
	sim_list_init(&g_sim.frameworks);
	sim_list_init(&g_sim.removed);
	g_sim.n_agents = 1;
	struct sim_agent *agents[1] = { &g_agent };
	g_sim.agents = agents;
	g_agent.sim = &g_sim;
	snprintf(g_agent.id, sizeof(g_agent.id), "%s", agent_id);
	snprintf(g_agent.hostname, sizeof(g_agent.hostname), "%s", ip);
	snprintf(g_agent.ip, sizeof(g_agent.ip), "%s", ip);
	snprintf(g_agent.work_dir, sizeof(g_agent.work_dir), "%s", work_dir);
	sim_list_init(&g_agent.executors);
	sim_list_init(&g_agent.tasks);
	if ((rc = sim_agent_init(&g_agent, err, sizeof(err))) < 0) {
		fprintf(stderr, "sim-agent-drive: %s\n", err);
		return 1;
	}
	if (port_file) {
		FILE *pf = fopen(port_file, "w");
		if (pf) {
			fprintf(pf, "%u\n", g_agent.port);
			fclose(pf);
		}
	}
	ev_fd_nonblock(0);
	ev_io_add(g_sim.loop, 0, EV_READ, stdin_cb, NULL);
	ev_run(g_sim.loop);
	sim_list_each(it, nx, &g_sim.frameworks)
		framework_free(sim_container_of(it, struct sim_framework, link));
	sim_agent_finish(&g_agent);
	ev_loop_free(g_sim.loop);
	flags_free(tables);
	return 0;
}
