/* The admin API's reseed action: a dry run ranks the candidates
 * (SAFETY.md section 4 steps 3-4, /reseed?dry_run=1) from each member's
 * last health sample, without fencing anything; otherwise the reseed
 * starts (sched_reseed_run.c). See sched.h. */
#include "sched.h"

#include "admin.h"
#include "base/log.h"
#include "cluster/rank.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The last reachable sample of a task, or NULL. */
static const struct health_sample *last_up(const struct sched_task *t)
{
	for (size_t k = t ? t->n_samples : 0; k-- > 0;)
		if (t->samples[k].reachable)
			return &t->samples[k];
	return NULL;
}

static cJSON *ranking(struct sched *s)
{
	struct rank_candidate c[SCHED_MAX_TASKS];
	const struct registry_record *recs[SCHED_MAX_TASKS];
	size_t order[SCHED_MAX_TASKS], n = 0, n_order = 0;
	int chosen = -1;
	size_t total = zk_store_task_count(s->store);

	for (size_t i = 0; i < total && n < SCHED_MAX_TASKS; i++) {
		const struct registry_record *r = zk_store_task_at(s->store, i);
		if (r->state == MEMBER_PLANNED || r->state == MEMBER_ADDED ||
		    r->state == MEMBER_REMOVED)
			continue;
		const struct health_sample *h = last_up(sched_task_get(s, r->task_id, false));
		recs[n] = r;
		c[n] = (struct rank_candidate){
			.name = r->name, .member_id = r->etcd_id,
			/* a sandbox whose task is gone holds no data any more */
			.has_data = !sched_task_terminal_name(r->task_state) && h,
			.raft_index = h ? h->raft_index : 0, .raft_term = h ? h->raft_term : 0,
			.raft_applied_index = h ? h->raft_applied_index : 0,
		};
		n++;
	}
	if (rank_reseed(c, n, NULL, 0, order, SCHED_MAX_TASKS, &n_order, &chosen) < 0)
		return NULL;
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddBoolToObject(j, "dry_run", true);
	cJSON_AddStringToObject(j, "source", "each member's last health sample (no fence)");
	cJSON *arr = cJSON_AddArrayToObject(j, "ranking");
	for (size_t k = 0; arr && k < n_order; k++) {
		const struct rank_candidate *x = &c[order[k]];
		char id[24];
		cJSON *m = cJSON_CreateObject();
		if (!m)
			break;
		snprintf(id, sizeof id, "%llu", (unsigned long long)x->member_id);
		cJSON_AddStringToObject(m, "name", x->name);
		cJSON_AddStringToObject(m, "member_id", id);
		cJSON_AddStringToObject(m, "task_id", recs[order[k]]->task_id);
		cJSON_AddNumberToObject(m, "raft_index", (double)x->raft_index);
		cJSON_AddNumberToObject(m, "raft_term", (double)x->raft_term);
		cJSON_AddNumberToObject(m, "applied_index", (double)x->raft_applied_index);
		cJSON_AddItemToArray(arr, m);
	}
	if (chosen >= 0)
		cJSON_AddStringToObject(j, "would_force", c[chosen].name);
	else
		cJSON_AddNullToObject(j, "would_force");
	return j;
}

int sched_reseed_request(void *arg, bool dry_run, struct admin_result *res)
{
	struct sched *s = arg;
	if (!dry_run) {
		int rc = sched_reseed_start(s, "requested through the admin API", res->error,
					    sizeof res->error);
		if (rc < 0)
			return rc;
		res->status = 202;
		res->body = cJSON_CreateObject();
		if (res->body) {
			cJSON_AddStringToObject(res->body, "reseed_id", sched_reseed_id());
			cJSON_AddStringToObject(res->body, "step", sched_reseed_step());
		}
		return 0;
	}
	if (!s->leader || !zk_store_loaded(s->store)) {
		snprintf(res->error, sizeof res->error, "not leading yet; retry shortly");
		return -EAGAIN;
	}
	res->body = ranking(s);
	if (!res->body) {
		snprintf(res->error, sizeof res->error, "cannot rank the members (out of memory)");
		return -ENOMEM;
	}
	return 0;
}
