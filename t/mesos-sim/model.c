/* model.c — the sim's model of frameworks, executors and tasks (master
 * side): creation, lookups, freeing, and the small helpers sim.h offers
 * both sides. See sim.h and master.h. */
#include "master.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void *sim_pb_dup(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *bytes = malloc(len ? len : 1);
	void *out;

	if (!bytes)
		return NULL;
	protobuf_c_message_pack(m, bytes);
	out = protobuf_c_message_unpack(m->descriptor, NULL, len, bytes);
	free(bytes);
	return out;
}

void sim_uuid(uint8_t out[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(out + got, 16 - got, 0);
		if (n <= 0) {               /* cannot happen on Linux >= 3.17 */
			for (; got < 16; got++)
				out[got] = (uint8_t)rand();
			break;
		}
		got += (size_t)n;
	}
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

const char *sim_printable(const char *s, char *out, size_t outlen)
{
	size_t k = 0;

	for (; s && *s && k + 5 < outlen; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f)
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, outlen - k, "\\x%02x", c);
	}
	if (s && *s && outlen > 4) {
		k = k + 4 < outlen ? k : outlen - 4;
		memcpy(out + k, "...", 3);
		k += 3;
	}
	if (outlen)
		out[k < outlen ? k : outlen - 1] = '\0';
	return out;
}

double sim_wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sim_volume_path(const struct sim_agent *a, const char *role, const char *id,
		    char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/volumes/roles/%s/%s", a->work_dir, role, id);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

const char *sim_leader_id(struct sim *sim)
{
	return sim->leader >= 0 ? sim->masters[sim->leader].id : sim->masters[0].id;
}

void sim_next_id(struct sim *sim, const char *tag, char *out, size_t outlen)
{
	/* Mesos: frameworks <master>-0000, offers <master>-O0, agents <master>-S0,
	 * each with its own counter */
	static uint64_t fw_n, other_n[2];

	if (!tag[0])
		snprintf(out, outlen, "%s-%04llu", sim_leader_id(sim), (unsigned long long)fw_n++);
	else
		snprintf(out, outlen, "%s-%s%llu", sim_leader_id(sim), tag,
			 (unsigned long long)other_n[tag[0] == 'S']++);
	sim->next_id++;
}

struct sim_agent *sim_agent_by_id(struct sim *sim, const char *id)
{
	for (int i = 0; i < sim->n_agents; i++)
		if (strcmp(sim->agents[i]->id, id) == 0)
			return sim->agents[i];
	return NULL;
}

bool sim_agent_unreachable(struct sim *sim, const char *id)
{
	struct sim_master_state *ms = sim_ms(sim);

	for (size_t i = 0; i < ms->n_unreachable; i++)
		if (strcmp(ms->unreachable[i], id) == 0)
			return true;
	return false;
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

struct sim_framework *sim_framework_find_any(struct sim *sim, const char *fw_id)
{
	struct sim_framework *fw = sim_framework_find(sim, fw_id);

	if (fw)
		return fw;
	sim_list_each(it, nx, &sim->removed) {
		fw = sim_container_of(it, struct sim_framework, link);
		if (strcmp(fw->id, fw_id) == 0)
			return fw;
	}
	return NULL;
}

struct sim_executor *sim_executor_find(struct sim_agent *a, const char *fw_id,
				       const char *exec_id)
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

static bool has_cap(const Mesos__V1__FrameworkInfo *info, int cap)
{
	for (size_t i = 0; i < info->n_capabilities; i++)
		if (info->capabilities[i]->has_type && (int)info->capabilities[i]->type == cap)
			return true;
	return false;
}

struct sim_framework *sim_framework_new(struct sim *sim, const char *id,
					const Mesos__V1__FrameworkInfo *info)
{
	struct sim_framework *fw = calloc(1, sizeof(*fw));

	if (!fw)
		return NULL;
	fw->sim = sim;
	snprintf(fw->id, sizeof(fw->id), "%s", id);
	fw->info = sim_pb_dup(&info->base);
	if (!fw->info) {
		free(fw);
		return NULL;
	}
	fw->partition_aware = has_cap(info, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE);
	fw->multi_role = has_cap(info, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE);
	fw->refinement = has_cap(info, MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__RESERVATION_REFINEMENT);
	sim_list_init(&fw->link);
	sim_list_init(&fw->filters);
	sim_list_init(&fw->offers);
	sim_list_init(&fw->executors);
	sim_list_init(&fw->tasks);
	ev_timer_init(&fw->heartbeat, NULL, fw);
	ev_timer_init(&fw->failover, NULL, fw);
	fw->registered_ms = (uint64_t)(sim_wall_time() * 1000);
	sim_list_add_tail(&sim->frameworks, &fw->link);
	return fw;
}

void sim_task_free(struct sim_task *t)
{
	if (!t)
		return;
	sim_list_del(&t->agent_link);
	sim_list_del(&t->fw_link);
	if (t->info)
		mesos__v1__task_info__free_unpacked(t->info, NULL);
	if (t->latest)
		mesos__v1__task_status__free_unpacked(t->latest, NULL);
	for (size_t i = 0; i < t->n_history; i++)
		mesos__v1__task_status__free_unpacked(t->history[i], NULL);
	free(t->history);
	sim_resv_free(&t->resources);
	free(t);
}

void sim_executor_free(struct sim_executor *e)
{
	if (!e)
		return;
	sim_list_each(it, nx, &e->fw->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, fw_link);
		if (t->exec == e)
			t->exec = NULL;
	}
	sim_list_del(&e->agent_link);
	sim_list_del(&e->fw_link);
	if (e->info)
		mesos__v1__executor_info__free_unpacked(e->info, NULL);
	sim_resv_free(&e->resources);
	free(e);
}

void sim_framework_free(struct sim_framework *fw)
{
	if (!fw)
		return;
	sim_fw_drop_offers(fw, false);
	sim_list_each(it, nx, &fw->tasks)
		sim_task_free(sim_container_of(it, struct sim_task, fw_link));
	sim_list_each(it, nx, &fw->executors)
		sim_executor_free(sim_container_of(it, struct sim_executor, fw_link));
	sim_filters_clear(fw, NULL);
	sim_sched_free_priv(fw);
	ev_timer_stop(fw->sim->loop, &fw->heartbeat);
	ev_timer_stop(fw->sim->loop, &fw->failover);
	for (size_t i = 0; i < fw->n_suppressed; i++)
		free(fw->suppressed[i]);
	free(fw->suppressed);
	if (fw->info)
		mesos__v1__framework_info__free_unpacked(fw->info, NULL);
	sim_list_del(&fw->link);
	free(fw);
}

size_t sim_framework_roles(const struct sim_framework *fw, const char **out, size_t max)
{
	size_t n = 0;

	if (fw->multi_role) {
		for (size_t i = 0; i < fw->info->n_roles && n < max; i++)
			out[n++] = fw->info->roles[i];
		return n;
	}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	if (max > 0)
		out[n++] = fw->info->role ? fw->info->role : "*";
#pragma GCC diagnostic pop
	return n;
}

bool sim_framework_has_role(const struct sim_framework *fw, const char *role)
{
	const char *roles[64];
	size_t n = sim_framework_roles(fw, roles, 64);

	for (size_t i = 0; i < n; i++)
		if (strcmp(roles[i], role) == 0)
			return true;
	return false;
}

int sim_agent_used(struct sim_agent *a, struct sim_resv *out)
{
	out->v = NULL;
	out->n = 0;
	sim_list_each(it, nx, &a->tasks) {
		struct sim_task *t = sim_container_of(it, struct sim_task, agent_link);
		if (!t->terminal && sim_resv_add(out, &t->resources) != 0)
			goto nomem;
	}
	sim_list_each(it, nx, &a->executors) {
		struct sim_executor *e = sim_container_of(it, struct sim_executor, agent_link);
		if (sim_resv_add(out, &e->resources) != 0)
			goto nomem;
	}
	return 0;
nomem:
	sim_resv_free(out);
	return -ENOMEM;
}

int sim_agent_offered(struct sim *sim, struct sim_agent *a, struct sim_resv *out)
{
	out->v = NULL;
	out->n = 0;
	sim_list_each(it, nx, &sim->frameworks) {
		struct sim_framework *fw = sim_container_of(it, struct sim_framework, link);
		sim_list_each(jt, jx, &fw->offers) {
			struct sim_offer *o = sim_container_of(jt, struct sim_offer, fw_link);
			if (o->agent == a && sim_resv_add(out, &o->resources) != 0) {
				sim_resv_free(out);
				return -ENOMEM;
			}
		}
	}
	return 0;
}

bool sim_task_state_terminal(Mesos__V1__TaskState s)
{
	switch (s) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
	case MESOS__V1__TASK_STATE__TASK_FAILED:
	case MESOS__V1__TASK_STATE__TASK_KILLED:
	case MESOS__V1__TASK_STATE__TASK_ERROR:
	case MESOS__V1__TASK_STATE__TASK_LOST:
	case MESOS__V1__TASK_STATE__TASK_DROPPED:
	case MESOS__V1__TASK_STATE__TASK_GONE:
	case MESOS__V1__TASK_STATE__TASK_GONE_BY_OPERATOR:
		return true;
	default:
		return false;
	}
}

const char *sim_task_state_name(Mesos__V1__TaskState s)
{
	const ProtobufCEnumValue *v =
		protobuf_c_enum_descriptor_get_value(&mesos__v1__task_state__descriptor, (int)s);

	return v ? v->name : "TASK_UNKNOWN_STATE";
}
