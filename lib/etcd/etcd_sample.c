/*
 * etcd_sample — see etcd_sample.h. Statuses in parallel; when the last
 * one is in, the probe; when the probe is in (or none was sent), the
 * callback.
 */
#include "etcd/etcd_sample.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"

#define DEFAULT_STATUS_MS 1000
#define DEFAULT_PROBE_MS 1000
#define DEFAULT_PROBE_KEY "etcd-mesos/health-probe"

struct sample_slot {
	struct etcd_sample *s;
	size_t idx;
	struct etcd_call *call;
};

struct etcd_sample {
	struct etcd_client *c;
	etcd_sample_fn fn;
	void *arg;
	size_t n;
	size_t pending;
	char *names[HEALTH_MAX_MEMBERS];
	char *urls[HEALTH_MAX_MEMBERS];
	bool learner[HEALTH_MAX_MEMBERS];
	struct sample_slot slots[HEALTH_MAX_MEMBERS];
	struct health_sample samples[HEALTH_MAX_MEMBERS];
	char errors[HEALTH_MAX_MEMBERS][ETCD_ERRMSG_LEN];
	const char *error_ptrs[HEALTH_MAX_MEMBERS];
	char *probe_key;
	uint64_t status_ms, probe_ms;
	struct etcd_call *probe_call;
	int probe_target;
	int probe_err;
	char probe_errmsg[ETCD_ERRMSG_LEN];
	uint64_t start_ms;
	bool in_cb;
};

static void sample_free(struct etcd_sample *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->urls[i]);
	}
	free(s->probe_key);
	free(s);
}

static void sample_finish(struct etcd_sample *s)
{
	struct etcd_sample_round r = {
		.t_ms = (int64_t)s->start_ms,
		.n = s->n,
		.samples = s->samples,
		.errors = s->error_ptrs,
		.probe_target = s->probe_target,
		.probe_err = s->probe_err,
		.probe_errmsg = s->probe_errmsg,
		.elapsed_ms = ev_now_ms(etcd_client_loop(s->c)) - s->start_ms,
	};
	s->in_cb = true;
	s->fn(s, &r, s->arg);
	sample_free(s);
}

static void on_probe(struct etcd_call *call, const struct etcd_result *res,
		     struct etcd_answer *ans, void *arg)
{
	struct etcd_sample *s = arg;
	(void)call;
	(void)ans;
	s->probe_call = NULL;
	s->probe_err = res->err;
	str_copy(s->probe_errmsg, res->errmsg, sizeof s->probe_errmsg);
	s->samples[s->probe_target].probe = res->err == 0 ? HEALTH_PROBE_OK : HEALTH_PROBE_FAILED;
	sample_finish(s);
}

/* The target to probe: the reachable voter the most reachable members
 * name as leader, else the first reachable voter, else -1. */
static int pick_probe_target(const struct etcd_sample *s)
{
	uint64_t best_leader = 0;
	unsigned best_votes = 0;
	int first_voter = -1;

	for (size_t i = 0; i < s->n; i++) {
		const struct health_sample *a = &s->samples[i];
		unsigned votes = 0;
		if (!a->reachable || a->leader == 0)
			continue;
		for (size_t j = 0; j < s->n; j++)
			if (s->samples[j].reachable && s->samples[j].leader == a->leader)
				votes++;
		if (votes > best_votes) {
			best_votes = votes;
			best_leader = a->leader;
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct health_sample *a = &s->samples[i];
		if (!a->reachable || a->is_learner || s->learner[i])
			continue;
		if (best_leader != 0 && a->member_id == best_leader)
			return (int)i;
		if (first_voter < 0)
			first_voter = (int)i;
	}
	return first_voter;
}

static void start_probe(struct etcd_sample *s)
{
	struct etcd_range_req rq = {
		.key = s->probe_key,
		.key_len = strlen(s->probe_key),
		.count_only = true,
	};
	struct etcd_call_opts o = { .timeout_ms = s->probe_ms };
	int rc;

	s->probe_target = pick_probe_target(s);
	if (s->probe_target < 0) {
		str_copy(s->probe_errmsg, "no voter answered status: no probe sent",
			 sizeof s->probe_errmsg);
		sample_finish(s);
		return;
	}
	o.endpoint = s->urls[s->probe_target];
	rc = etcd_client_range(s->c, &rq, &o, on_probe, s, &s->probe_call);
	if (rc != 0) {
		s->probe_err = rc;
		str_copy(s->probe_errmsg, etcd_client_errmsg(s->c), sizeof s->probe_errmsg);
		s->samples[s->probe_target].probe = HEALTH_PROBE_FAILED;
		sample_finish(s);
	}
}

static void on_status(struct etcd_call *call, const struct etcd_result *res,
		      struct etcd_answer *ans, void *arg)
{
	struct sample_slot *slot = arg;
	struct etcd_sample *s = slot->s;
	struct health_sample *h = &s->samples[slot->idx];

	(void)call;
	slot->call = NULL;
	if (res->err == 0) {
		const struct etcd_status *st = &ans->status;
		h->reachable = true;
		h->cluster_id = st->header.cluster_id;
		h->member_id = st->header.member_id;
		h->leader = st->leader;
		h->raft_term = st->raft_term;
		h->raft_index = st->raft_index;
		h->raft_applied_index = st->raft_applied_index;
		h->is_learner = st->is_learner;
	} else {
		snprintf(s->errors[slot->idx], sizeof s->errors[slot->idx], "%s%s%s",
			 s->names[slot->idx] ? s->names[slot->idx] : "",
			 s->names[slot->idx] ? ": " : "", res->errmsg);
	}
	if (--s->pending == 0)
		start_probe(s);
}

int etcd_sample_start(struct etcd_client *c, const struct etcd_sample_target *t,
		      size_t n, const struct etcd_sample_opts *o,
		      etcd_sample_fn fn, void *arg, struct etcd_sample **out)
{
	struct etcd_sample *s;
	const char *key = o && o->probe_key && *o->probe_key ? o->probe_key : DEFAULT_PROBE_KEY;
	int rc = -ENOMEM;

	if (out)
		*out = NULL;
	if (!c || !t || !fn || n == 0 || n > HEALTH_MAX_MEMBERS)
		return -EINVAL;
	s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->c = c;
	s->fn = fn;
	s->arg = arg;
	s->probe_target = -1;
	s->status_ms = o && o->status_timeout_ms ? o->status_timeout_ms : DEFAULT_STATUS_MS;
	s->probe_ms = o && o->probe_timeout_ms ? o->probe_timeout_ms : DEFAULT_PROBE_MS;
	s->start_ms = ev_now_ms(etcd_client_loop(c));
	s->probe_key = strdup(key);
	if (!s->probe_key)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!t[i].client_url) {
			rc = -EINVAL;
			goto fail;
		}
		s->urls[i] = strdup(t[i].client_url);
		s->names[i] = t[i].name ? strdup(t[i].name) : NULL;
		s->n = i + 1;
		if (!s->urls[i] || (t[i].name && !s->names[i]))
			goto fail;
		s->learner[i] = t[i].learner;
		s->samples[i].t_ms = (int64_t)s->start_ms;
		s->error_ptrs[i] = s->errors[i];
		s->slots[i].s = s;
		s->slots[i].idx = i;
	}
	for (size_t i = 0; i < n; i++) {
		struct etcd_call_opts so = { .timeout_ms = s->status_ms };
		rc = etcd_client_status(c, s->urls[i], &so, on_status, &s->slots[i],
					&s->slots[i].call);
		if (rc != 0)
			goto fail;
		s->pending++;
	}
	if (out)
		*out = s;
	return 0;
fail:
	for (size_t i = 0; i < s->n; i++)
		etcd_call_cancel(s->slots[i].call);
	sample_free(s);
	return rc;
}

void etcd_sample_cancel(struct etcd_sample *s)
{
	if (!s || s->in_cb)
		return;
	for (size_t i = 0; i < s->n; i++)
		etcd_call_cancel(s->slots[i].call);
	etcd_call_cancel(s->probe_call);
	sample_free(s);
}
