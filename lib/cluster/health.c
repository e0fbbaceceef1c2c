#include "cluster/health.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void health_config_default(struct health_config *cfg)
{
	cfg->window_ms = 10000;
	cfg->member_timeout_ms = 10000;
	cfg->fresh_ms = 2500;
	cfg->lag_entries = 1000;
}

const char *health_verdict_name(enum health_verdict v)
{
	switch (v) {
	case HEALTH_HEALTHY: return "healthy";
	case HEALTH_NO_LEADER: return "no leader";
	case HEALTH_UNSTABLE: return "leader unstable";
	case HEALTH_SPLIT: return "split";
	case HEALTH_QUORUM_LOST: return "quorum lost";
	case HEALTH_UNKNOWN: break;
	}
	return "unknown";
}

static unsigned quorum(unsigned n)
{
	return n / 2 + 1;
}

__attribute__((format(printf, 3, 4)))
static void say(struct health_report *out, enum health_verdict v, const char *fmt, ...)
{
	va_list ap;
	out->verdict = v;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
}

/* A label for member i in reasons: its name, else its id, else "#i". */
struct label { char s[48]; };

static struct label label_of(const struct health_series *se, size_t i)
{
	struct label l;
	if (se[i].name && *se[i].name)
		snprintf(l.s, sizeof l.s, "%s", se[i].name);
	else if (se[i].member_id)
		snprintf(l.s, sizeof l.s, "%" PRIu64, se[i].member_id);
	else
		snprintf(l.s, sizeof l.s, "#%zu", i);
	return l;
}

/* The label of the member whose etcd id is id (for leaders). */
static struct label label_of_id(const struct health_series *se, size_t n,
				const struct health_report *r, uint64_t id)
{
	struct label l;
	for (size_t i = 0; i < n; i++)
		if (r->facts[i].member_id == id && se[i].name && *se[i].name) {
			snprintf(l.s, sizeof l.s, "%s (%" PRIu64 ")", se[i].name, id);
			return l;
		}
	snprintf(l.s, sizeof l.s, "%" PRIu64, id);
	return l;
}

/* The latest sample of a series taken at or before t, or NULL (binary
 * search: samples are in time order, checked by check_input). */
static const struct health_sample *sample_at(const struct health_series *s, int64_t t)
{
	size_t lo = 0, hi = s->n_samples;     /* answer: the last index < hi */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->samples[mid].t_ms <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &s->samples[lo - 1] : NULL;
}

/* The sample at or before t if it is fresh and reachable. */
static const struct health_sample *reached_at(const struct health_config *cfg,
					      const struct health_series *s, int64_t t)
{
	const struct health_sample *x = sample_at(s, t);
	if (!x || t - x->t_ms > cfg->fresh_ms || !x->reachable)
		return NULL;
	return x;
}

static bool is_voter(const struct health_series *s, const struct health_sample *latest)
{
	return !s->learner && !(latest && latest->reachable && latest->is_learner);
}

/* What member m's sample at time t says (see the rule in health.h);
 * self: m's own sample at t when it was reachable (what m says of its
 * peers), else NULL. */
enum down_kind {
	NOT_DOWN,               /* breaks the run */
	DOWN,                   /* extends it */
	DOWN_VETOED,            /* extends it, but a peer still sees m */
};

static enum down_kind counts_down(const struct health_config *cfg,
				  const struct health_series *se, size_t n, size_t m,
				  int64_t t, const struct health_sample *self)
{
	unsigned others = 0, reached = 0, say_down = 0, say_up = 0;
	for (size_t j = 0; j < n; j++) {
		if (j == m)
			continue;
		const struct health_sample *last = sample_at(&se[j], t);
		if (!is_voter(&se[j], last))
			continue;
		others++;
		const struct health_sample *x = reached_at(cfg, &se[j], t);
		if (!x)
			continue;
		reached++;
		say_up += (x->peer_up >> m) & 1u;
		/* the link m-j is down when either end says so: an "up" may be
		 * stale (health.h), a "down" never is */
		say_down += ((x->peer_down >> m) & 1u) ||
			    (self && ((self->peer_down >> j) & 1u));
	}
	if (!others || reached * 2 <= others)
		return NOT_DOWN;        /* we reach a minority: judge nothing */
	if (self)
		return say_down * 2 > others ? DOWN : NOT_DOWN;
	return say_up == 0 ? DOWN : DOWN_VETOED;
}

static void judge_dead(const struct health_config *cfg, int64_t now,
		       const struct health_series *se, size_t n, size_t m,
		       struct health_fact *f)
{
	const struct health_series *s = &se[m];
	int64_t down_start = -1, vetoed = -1;
	for (size_t k = 0; k < s->n_samples; k++) {
		const struct health_sample *x = &s->samples[k];
		enum down_kind d = counts_down(cfg, se, n, m, x->t_ms, x->reachable ? x : NULL);
		if (d == NOT_DOWN) {
			down_start = vetoed = -1;
			continue;
		}
		if (down_start < 0)
			down_start = x->t_ms;
		if (d == DOWN_VETOED)
			vetoed = x->t_ms;
	}
	if (down_start < 0 || !s->n_samples)
		return;
	const struct health_sample *last = &s->samples[s->n_samples - 1];
	f->down_ms = last->t_ms - down_start;
	f->dead = now - last->t_ms <= cfg->fresh_ms && f->down_ms >= cfg->member_timeout_ms &&
		  (vetoed < 0 || last->t_ms - vetoed > cfg->fresh_ms);
}

static int check_input(const struct health_config *cfg, int64_t now, unsigned size,
		       const struct health_series *se, size_t n,
		       struct health_report *out)
{
	if (!cfg || cfg->window_ms <= 0 || cfg->member_timeout_ms <= 0 ||
	    cfg->fresh_ms <= 0) {
		say(out, HEALTH_UNKNOWN, "health config: window, member timeout and "
		    "freshness must be positive");
		return -EINVAL;
	}
	if (!size || (n && !se) || n > HEALTH_MAX_MEMBERS) {
		say(out, HEALTH_UNKNOWN, "health input: cluster size %u with %zu members "
		    "(at most %d)", size, n, HEALTH_MAX_MEMBERS);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (se[i].n_samples && !se[i].samples) {
			say(out, HEALTH_UNKNOWN, "health input: member %s has samples but no "
			    "array", label_of(se, i).s);
			return -EINVAL;
		}
		for (size_t k = 0; k < se[i].n_samples; k++) {
			int64_t t = se[i].samples[k].t_ms;
			if (t > now || (k && t < se[i].samples[k - 1].t_ms)) {
				say(out, HEALTH_UNKNOWN, "health input: member %s sample %zu at "
				    "%" PRId64 " ms is out of order or after now (%" PRId64 ")",
				    label_of(se, i).s, k, t, now);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Per-member facts that need no agreement: reachability, indexes, dead. */
static void fill_facts(const struct health_config *cfg, int64_t now,
		       const struct health_series *se, size_t n,
		       struct health_report *out)
{
	for (size_t i = 0; i < n; i++) {
		struct health_fact *f = &out->facts[i];
		const struct health_series *s = &se[i];
		f->name = s->name;
		f->member_id = s->member_id;
		f->is_learner = s->learner;
		f->last_seen_ms = -1;
		for (size_t k = s->n_samples; k-- > 0;) {
			const struct health_sample *x = &s->samples[k];
			if (!x->reachable)
				continue;
			f->last_seen_ms = x->t_ms;
			if (x->member_id)
				f->member_id = x->member_id;
			f->is_learner = s->learner || x->is_learner;
			if (now - x->t_ms < cfg->window_ms) {
				f->raft_term = x->raft_term;
				f->raft_index = x->raft_index;
				f->raft_applied_index = x->raft_applied_index;
			}
			break;
		}
		f->reachable = reached_at(cfg, s, now) != NULL;
		judge_dead(cfg, now, se, n, i, f);
	}
	uint64_t top = 0;
	for (size_t i = 0; i < n; i++)
		if (out->facts[i].reachable && out->facts[i].raft_index > top)
			top = out->facts[i].raft_index;
	for (size_t i = 0; i < n; i++) {
		struct health_fact *f = &out->facts[i];
		f->lagging = f->reachable && top > f->raft_applied_index &&
			     top - f->raft_applied_index >= cfg->lag_entries;
	}
}

/* Within the window: the reachable samples of one member that name a
 * leader all name the same leader at the same term; else *a and *b are
 * the first sample and the first one that differs. */
static bool member_stable(const struct health_series *s, int64_t from,
			  const struct health_sample **a, const struct health_sample **b)
{
	const struct health_sample *first = NULL;
	for (size_t k = 0; k < s->n_samples; k++) {
		const struct health_sample *x = &s->samples[k];
		if (x->t_ms <= from || !x->reachable || !x->leader)
			continue;
		if (!first) {
			first = x;
		} else if (x->leader != first->leader || x->raft_term != first->raft_term) {
			*a = first;
			*b = x;
			return false;
		}
	}
	return true;
}

/* The leader this member named throughout the window (every reachable
 * sample in it, covering at least half the window), or 0. */
static uint64_t steady_leader(const struct health_series *s, int64_t from,
			      int64_t window)
{
	const struct health_sample *first = NULL, *last = NULL;
	for (size_t k = 0; k < s->n_samples; k++) {
		const struct health_sample *x = &s->samples[k];
		if (x->t_ms <= from || !x->reachable)
			continue;
		if (!x->leader || (first && x->leader != first->leader))
			return 0;
		if (!first)
			first = x;
		last = x;
	}
	if (!first || (last->t_ms - first->t_ms) * 2 < window)
		return 0;
	return first->leader;
}

int health_judge(const struct health_config *cfg, int64_t now,
		 unsigned size, const struct health_series *se, size_t n,
		 struct health_report *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	int rc = check_input(cfg, now, size, se, n, out);
	if (rc)
		return rc;
	out->n_facts = n;
	out->quorum = quorum(size);
	fill_facts(cfg, now, se, n, out);

	const int64_t from = now - cfg->window_ms;
	const struct health_sample *latest[HEALTH_MAX_MEMBERS] = { 0 };
	const struct health_sample *probe = NULL;
	size_t probe_at = 0, any = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < se[i].n_samples; k++) {
			const struct health_sample *x = &se[i].samples[k];
			if (x->t_ms <= from)
				continue;
			any++;
			/* the latest probe; at equal times a failure wins */
			if (x->probe != HEALTH_PROBE_NONE &&
			    (!probe || x->t_ms > probe->t_ms ||
			     (x->t_ms == probe->t_ms && x->probe == HEALTH_PROBE_FAILED))) {
				probe = x;
				probe_at = i;
			}
		}
		if (out->facts[i].reachable)
			latest[i] = reached_at(cfg, &se[i], now);
	}
	if (!any) {
		say(out, HEALTH_UNKNOWN, "no status sample from any member in the last %.1fs",
		    cfg->window_ms / 1000.0);
		return 0;
	}

	/* Split: cluster ids, then leaders. */
	size_t first_c = n;
	for (size_t i = 0; i < n; i++) {
		if (!latest[i] || !latest[i]->cluster_id)
			continue;
		if (first_c == n) {
			first_c = i;
			out->cluster_id = latest[i]->cluster_id;
		} else if (latest[i]->cluster_id != out->cluster_id) {
			say(out, HEALTH_SPLIT, "members disagree on the cluster id: %s says "
			    "%" PRIu64 ", %s says %" PRIu64 ": two clusters, act on neither",
			    label_of(se, first_c).s, out->cluster_id, label_of(se, i).s,
			    latest[i]->cluster_id);
			out->cluster_id = 0;
			return 0;
		}
	}
	uint64_t named = 0, term = 0;
	unsigned voters_reached = 0, voters_follow = 0, distinct = 0;
	size_t named_by = n, other_by = n;
	for (size_t i = 0; i < n; i++) {
		const struct health_sample *x = latest[i];
		if (!x)
			continue;
		bool voter = is_voter(&se[i], x);
		voters_reached += voter;
		if (voter && x->raft_term > term)
			term = x->raft_term;
		if (!x->leader)
			continue;
		if (!named) {
			named = x->leader;
			named_by = i;
			distinct = 1;
		} else if (x->leader != named && other_by == n) {
			other_by = i;
			distinct = 2;
		}
	}
	out->raft_term = term;
	out->reachable_voters = voters_reached;
	if (distinct == 1) {
		out->leader = named;
		for (size_t i = 0; i < n; i++)
			out->facts[i].is_leader = out->facts[i].member_id == named;
	}
	/* Every pair naming different leaders, so the verdict does not depend
	 * on the order of the series. */
	for (size_t i = 0; distinct == 2 && i < n; i++) {
		const struct health_sample *a = latest[i];
		if (!a || !a->leader)
			continue;
		uint64_t sa = steady_leader(&se[i], from, cfg->window_ms);
		for (size_t j = i + 1; j < n; j++) {
			const struct health_sample *b = latest[j];
			if (!b || !b->leader || b->leader == a->leader)
				continue;
			uint64_t sb = steady_leader(&se[j], from, cfg->window_ms);
			if (a->raft_term != b->raft_term && !(sa && sb && sa != sb))
				continue;
			say(out, HEALTH_SPLIT, "two leaders: %s follows %s at term %" PRIu64
			    ", %s follows %s at term %" PRIu64 "%s",
			    label_of(se, i).s, label_of_id(se, n, out, a->leader).s,
			    a->raft_term, label_of(se, j).s,
			    label_of_id(se, n, out, b->leader).s, b->raft_term,
			    a->raft_term == b->raft_term ? "" : " for the whole window");
			return 0;
		}
	}

	if (voters_reached < out->quorum) {
		char down[120] = "";
		size_t len = 0;
		for (size_t i = 0; i < n && len < sizeof down; i++)
			if (!latest[i] && is_voter(&se[i], NULL))
				len += (size_t)snprintf(down + len, sizeof down - len, "%s%s",
							len ? ", " : "", label_of(se, i).s);
		say(out, HEALTH_QUORUM_LOST, "only %u of %u voters reachable (quorum %u)%s%s",
		    voters_reached, size, out->quorum, *down ? "; unreachable: " : "", down);
		return 0;
	}
	if (!named) {
		say(out, HEALTH_NO_LEADER, "no reachable voter knows a leader (%u of %u "
		    "voters reachable, term %" PRIu64 ")", voters_reached, size, term);
		return 0;
	}
	if (probe && probe->probe == HEALTH_PROBE_FAILED) {
		say(out, HEALTH_QUORUM_LOST, "linearizable probe through %s failed %.1fs ago",
		    label_of(se, probe_at).s, (now - probe->t_ms) / 1000.0);
		return 0;
	}

	for (size_t i = 0; i < n; i++) {
		const struct health_sample *a = NULL, *b = NULL;
		if (!member_stable(&se[i], from, &a, &b)) {
			if (a->raft_term != b->raft_term)
				say(out, HEALTH_UNSTABLE, "raft term moved from %" PRIu64 " to %"
				    PRIu64 " within %.1fs (seen by %s)", a->raft_term,
				    b->raft_term, cfg->window_ms / 1000.0, label_of(se, i).s);
			else
				say(out, HEALTH_UNSTABLE, "leader changed from %s to %s within "
				    "%.1fs (seen by %s)", label_of_id(se, n, out, a->leader).s,
				    label_of_id(se, n, out, b->leader).s,
				    cfg->window_ms / 1000.0, label_of(se, i).s);
			return 0;
		}
	}
	if (distinct == 2) {
		say(out, HEALTH_UNSTABLE, "members name different leaders: %s follows %s, "
		    "%s follows %s", label_of(se, named_by).s,
		    label_of_id(se, n, out, latest[named_by]->leader).s,
		    label_of(se, other_by).s,
		    label_of_id(se, n, out, latest[other_by]->leader).s);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (latest[i] && is_voter(&se[i], latest[i]) && latest[i]->leader == named)
			voters_follow++;
	if (voters_follow < out->quorum) {
		say(out, HEALTH_UNSTABLE, "only %u of %u voters follow leader %s (quorum %u)",
		    voters_follow, size, label_of_id(se, n, out, named).s, out->quorum);
		return 0;
	}
	if (!probe) {
		say(out, HEALTH_UNKNOWN, "no linearizable probe in the last %.1fs: quorum "
		    "unproven (leader %s, %u of %u voters reachable)",
		    cfg->window_ms / 1000.0, label_of_id(se, n, out, named).s,
		    voters_reached, size);
		return 0;
	}
	say(out, HEALTH_HEALTHY, "%u of %u voters reachable, leader %s at term %" PRIu64
	    ", linearizable probe ok %.1fs ago", voters_reached, size,
	    label_of_id(se, n, out, named).s, term, (now - probe->t_ms) / 1000.0);
	return 0;
}
