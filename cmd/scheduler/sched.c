/* The scheduler's wiring: start-up, ZooKeeper, election, leader and
 * standby life, the admin snapshot, re-planning. See sched.h. */
#include "sched.h"

#include "admin.h"
#include "artifact.h"
#include "base/log.h"
#include "net/http_client.h"
#include "net/http_server.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct sched *sched_g;

int64_t sched_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#ifdef EM_CRASH_POINTS
void sched_crash_point(const char *step)
{
	const char *at = getenv("EM_CRASH_AT");
	if (at && strcmp(at, step) == 0) {
		log_error("crash point %s reached: exiting at once (EM_CRASH_AT)", step);
		_exit(3);
	}
}
#endif

void sched_exit(struct sched *s, int status)
{
	s->exit_status = status;
	ev_stop(s->loop);
}

struct sched_task *sched_task_get(struct sched *s, const char *task_id, bool create)
{
	struct sched_task *free_slot = NULL;
	for (size_t i = 0; i < SCHED_MAX_TASKS; i++) {
		struct sched_task *t = &s->tasks[i];
		if (t->used && strcmp(t->task_id, task_id) == 0)
			return t;
		if (!t->used && !free_slot)
			free_slot = t;
	}
	if (!create)
		return NULL;
	if (!free_slot) {
		/* reuse the slot of a task the registry no longer knows */
		for (size_t i = 0; i < SCHED_MAX_TASKS && !free_slot; i++)
			if (!s->store || !zk_store_task_find(s->store, s->tasks[i].task_id))
				free_slot = &s->tasks[i];
		if (!free_slot)
			return NULL;
	}
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->used = true;
	snprintf(free_slot->task_id, sizeof free_slot->task_id, "%s", task_id);
	return free_slot;
}

bool sched_can_act(struct sched *s)
{
	return s->leader && s->election && zk_election_can_act(s->election) &&
	       zk_session_connected(s->zk);
}

int sched_put(struct sched *s, const struct registry_record *rec, zk_store_done_fn done,
	      void *arg)
{
	struct registry_record r = *rec;
	r.updated_ms = (uint64_t)sched_wall_ms();
	if (!r.planned_ms)
		r.planned_ms = r.updated_ms;
	int rc = zk_store_put_task(s->store, &r, done, arg);
	if (rc < 0)
		log_error("registry write of %s (%s) refused: %s", r.task_id,
			  member_state_name(r.state), strerror(-rc));
	return rc;
}

/* ---- re-planning ---- */

static void replan_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	static struct registry_record recs[SCHED_MAX_TASKS];
	static struct plan_member members[SCHED_MAX_TASKS];
	static char peer_urls[SCHED_MAX_TASKS][IDENT_URL_MAX + 1];
	static struct plan_etcd_member em[SCHED_MAX_TASKS];
	static struct plan_offer offers[SCHED_MAX_OFFERS];
	struct plan_world w = {0};
	struct plan p;

	s->replan_queued = false;
	/* until the framework id is stored nothing happens, not even a
	 * decline (offers only come after SUBSCRIBED; the write takes ms) */
	if (s->busy || !s->store || !zk_store_loaded(s->store) || !s->subscribed ||
	    sched_tearing_down())
		return;
	if (sched_reseeding()) {
		/* the reseed owns the cluster: nothing is planned, offers go back */
		sched_reseed_kick(s);
		while (s->n_offers)
			sched_offer_decline(s, 0, 5.0);
		return;
	}
	size_t n = zk_store_task_count(s->store);
	if (n > SCHED_MAX_TASKS)
		n = SCHED_MAX_TASKS;
	bool cluster_exists = false;
	for (size_t i = 0; i < n; i++) {
		recs[i] = *zk_store_task_at(s->store, i);
		const struct registry_record *r = &recs[i];
		struct sched_task *t = sched_task_get(s, r->task_id, true);
		snprintf(peer_urls[i], sizeof peer_urls[i], "http://%s:%u", r->host, r->peer_port);
		members[i] = (struct plan_member){
			.name = r->name, .agent_id = r->agent_id, .peer_url = peer_urls[i],
			.state = r->state, .etcd_id = r->etcd_id, .initial = r->initial,
			.learner = r->learner, .foreign = r->foreign, .never_ran = r->never_ran,
			.task_terminal = sched_task_terminal_name(r->task_state),
			.task_killed_sent = t && t->kill_sent,
		};
		/* a removed initial member is no evidence: one of a void
		 * bootstrap (plan_bootstrap_void) is removed with its etcd id */
		if (r->state == MEMBER_REMOVED && r->initial)
			continue;
		if (!r->initial || r->etcd_id != 0 || r->state == MEMBER_ADDED ||
		    r->state == MEMBER_LAUNCHED || r->state == MEMBER_RUNNING)
			cluster_exists = true;
	}
	size_t ne = 0;
	if (s->etcd_listed)
		for (size_t i = 0; i < s->etcd_list.n_members && ne < SCHED_MAX_TASKS; i++) {
			const struct etcd_member *e = &s->etcd_list.members[i];
			em[ne++] = (struct plan_etcd_member){
				.id = e->id, .learner = e->is_learner, .started = e->name[0] != 0,
				.peer_url = e->n_peer_urls ? e->peer_urls[0] : NULL,
			};
		}
	for (size_t i = 0; i < s->n_offers; i++)
		offers[i] = (struct plan_offer){ .agent_id = s->offers[i]->agent_id->value,
						 .fits = sched_offer_fits(s, s->offers[i]) &&
							 !sched_agent_suspect(s, s->offers[i]->agent_id->value) };
	/* SAFETY.md section 2: no new action without a fresh fence */
	w.leader = s->subscribed && sched_can_act(s);
	w.reconciled = s->reconciled && !sched_unknown_pending() && !sched_original_pending();
	w.cluster_exists = cluster_exists;
	w.healthy = s->healthy;
	w.etcd_listed = s->etcd_listed;
	w.suppressed = s->suppressed;
	w.single_instance_per_agent = s->cfg->single_instance_per_slave;
	w.target_size = (int)s->cfg->cluster_size;
	w.members = members;
	w.n_members = n;
	w.etcd_members = em;
	w.n_etcd_members = ne;
	w.offers = offers;
	w.n_offers = s->n_offers;
	if (w.leader && w.reconciled)
		sched_original_world(s, &w);
	plan_next(&w, &p);
	bool lost = plan_total_loss(&w);
	if (lost && !s->total_loss)
		log_error("TOTAL LOSS of etcd cluster \"%s\": %s", s->cfg->framework_name,
			  SCHED_TOTAL_LOSS_RECOVERY);
	s->total_loss = lost;
	if (p.waiting != s->waiting) {
		if (p.waiting)
			log_info("waiting: %s", p.waiting);
		s->waiting = p.waiting;
	}
	sched_act_plan(s, &w, &p, recs);
}

void sched_replan(struct sched *s)
{
	if (s->replan_queued)
		return;
	if (ev_defer(s->loop, replan_cb, s) == 0)
		s->replan_queued = true;
}

void sched_done(struct sched *s)
{
	s->busy = false;
	sched_replan(s);
}

static void retry_cb(struct ev_loop *loop, void *arg)
{
	sched_replan(arg);
}

void sched_retry_later(struct sched *s, uint64_t ms)
{
	if (!ev_timer_active(&s->retry_timer))
		ev_timer_start(s->loop, &s->retry_timer, ms, 0);
}

/* ---- the admin snapshot ---- */

static const struct admin_snapshot *snapshot_cb(void *arg)
{
	struct sched *s = arg;
	static struct admin_snapshot snap;
	static struct admin_member am[SCHED_MAX_TASKS];
	static struct registry_record recs[SCHED_MAX_TASKS];
	static char urls[SCHED_MAX_TASKS][IDENT_URL_MAX + 1];
	static char reason[256];
	static char leader_name[IDENT_NAME_MAX + 1];
	size_t n = 0;
	uint64_t running = 0;

	memset(&snap, 0, sizeof snap);
	leader_name[0] = 0;
	if (s->leader && s->store && zk_store_loaded(s->store)) {
		n = zk_store_task_count(s->store);
		if (n > SCHED_MAX_TASKS)
			n = SCHED_MAX_TASKS;
		for (size_t i = 0; i < n; i++) {
			recs[i] = *zk_store_task_at(s->store, i);
			const struct registry_record *r = &recs[i];
			struct sched_task *t = sched_task_get(s, r->task_id, false);
			snprintf(urls[i], sizeof urls[i], "http://%s:%u", r->host, r->client_port);
			am[i] = (struct admin_member){
				.name = r->name, .host = r->host, .peer_port = r->peer_port,
				.client_port = r->client_port, .agent_id = r->agent_id,
				.task_id = r->task_id, .state = member_state_name(r->state),
				.task_state = r->task_state, .learner = r->learner,
				.client_url = urls[i], .foreign = r->foreign,
				.version = sched_original_version(r->task_id),
			};
			if (t) {
				am[i].leader = t->leader;
				am[i].up = t->up;
				am[i].raft_index = t->raft_index;
				am[i].last_seen_ms = t->last_seen_ms;
				if (t->leader)
					snprintf(leader_name, sizeof leader_name, "%s", r->name);
			}
			if (r->state == MEMBER_RUNNING)
				running++;
		}
	}
	snap.running_servers = running;
	snap.launched_servers = s->launched_servers;
	snap.failed_servers = s->failed_servers;
	snap.cluster_livelocks = s->cluster_livelocks;
	snap.cluster_reseeds = s->cluster_reseeds;
	snap.fresh_clusters = s->fresh_clusters;
	snap.healthy = s->healthy && !s->total_loss;   /* the sample may lag a tick */
	snap.is_leader = s->leader;
	snap.framework_id = s->framework_id[0] ? s->framework_id : NULL;
	snap.framework_name = s->cfg->framework_name;
	snap.original = s->leader ? sched_original_state() : NULL;
	snap.original_next = s->leader ? sched_original_next() : NULL;
	snap.leader_admin_url = s->leader ? s->admin_url
					  : (s->leader_admin_url[0] ? s->leader_admin_url : NULL);
	snap.started_at_ms = s->started_at_ms;
	snap.uptime_ms = sched_wall_ms() - s->started_at_ms;
	snap.leader = leader_name[0] ? leader_name : NULL;
	snap.reseeding = sched_reseeding();
	snap.reseed_id = sched_reseed_id();
	snap.reseed_step = snap.reseeding ? sched_reseed_step() : NULL;
	if (!s->leader) {
		snap.state = "standby";
		snprintf(reason, sizeof reason, "standby; the leader's admin API is %s",
			 s->leader_admin_url[0] ? s->leader_admin_url : "not known yet");
	} else if (!s->subscribed) {
		snap.state = "subscribing";
		snprintf(reason, sizeof reason, "subscribing to the Mesos master %s",
			 s->cfg->master);
	} else if (!s->reconciled) {
		snap.state = "reconciling";
		snprintf(reason, sizeof reason, "reconciling tasks with Mesos");
	} else if (s->total_loss) {
		snap.state = "lost";
		snprintf(reason, sizeof reason, "%s", PLAN_TOTAL_LOSS);
		snap.total_loss = true;
		snap.recovery = SCHED_TOTAL_LOSS_RECOVERY;
	} else {
		snap.state = s->healthy ? "healthy"
					: (s->have_report ? health_verdict_name(s->report.verdict)
							  : "unknown");
		snprintf(reason, sizeof reason, "%s%s%s",
			 sched_reseed_why() ? sched_reseed_why()
			 : s->have_report ? s->report.reason : "no health sample yet",
			 s->waiting ? "; " : "", s->waiting ? s->waiting : "");
	}
	snap.reason = reason;
	snap.members = am;
	snap.n_members = n;
	return &snap;
}

/* ---- leadership ---- */

static struct ev_timer load_timer;

static void store_loaded(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	s->loading = false;
	if (!zk_election_is_leader(s->election))
		return;
	if (rc == -ENOTSUP) {
		log_error("%s", err);
		sched_exit(s, 1);
		return;
	}
	if (rc < 0) {
		log_warn("loading the registry from ZooKeeper failed: %s; retrying in 1s", err);
		ev_timer_start(s->loop, &load_timer, 1000, 0);
		return;
	}
	if (zk_store_teardown_marked(s->store)) {
		log_info("framework \"%s\" was torn down (teardown tombstone in ZooKeeper under "
			 "%s): exiting", s->cfg->framework_name, zk_store_root(s->store));
		sched_exit(s, 0);
		return;
	}
	sched_reseed_load(s);
	log_info("leading framework \"%s\": %zu task records, next member %llu",
		 s->cfg->framework_name, zk_store_task_count(s->store),
		 (unsigned long long)zk_store_next_member_peek(s->store));
	s->leader = true;
	s->was_leader = true;
	ev_timer_stop(s->loop, &s->standby_timer);
	if (!s->mesos && sched_mesos_start(s) < 0) {
		sched_exit(s, 1);
		return;
	}
	sched_health_start(s);
	sched_replan(s);
}

static void load_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	if (s->loading || !zk_election_is_leader(s->election))
		return;
	int rc = zk_store_load(s->store, store_loaded, s);
	if (rc < 0) {
		log_warn("cannot start loading the registry: %s; retrying in 1s", strerror(-rc));
		ev_timer_start(s->loop, &load_timer, 1000, 0);
		return;
	}
	s->loading = true;
}

static void on_election(struct zk_election *e, bool leader, void *arg)
{
	struct sched *s = arg;
	if (leader) {
		log_info("elected leader (%s)", zk_election_node(e));
		zk_store_set_election(s->store, e);
		load_cb(s->loop, s);
		return;
	}
	if (s->leader || s->loading || s->was_leader) {
		log_error("lost the scheduler leadership in ZooKeeper: stopping at once so that "
			  "the new leader acts alone (SAFETY.md section 2); restart me to stand by");
		s->leader = false;
		sched_exit(s, 1);
	}
}

/* ---- standby ---- */

static void leader_url_cb(int rc, const char *url, void *arg)
{
	struct sched *s = arg;
	if (rc == ZOK && url)
		snprintf(s->leader_admin_url, sizeof s->leader_admin_url, "%s", url);
	else if (rc == ZNONODE)
		s->leader_admin_url[0] = 0;
}

static void teardown_seen_cb(int rc, const struct Stat *st, void *arg)
{
	struct sched *s = arg;
	if (rc == ZOK && !s->leader) {
		log_info("framework \"%s\" was torn down (teardown tombstone found): exiting",
			 s->cfg->framework_name);
		sched_exit(s, 0);
	}
}

static void standby_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	char path[512];
	if (s->leader || !zk_session_connected(s->zk))
		return;
	zk_store_leader_url(s->zk, "/", s->cfg->framework_name, leader_url_cb, s);
	snprintf(path, sizeof path, "%s/teardown", zk_store_root(s->store));
	zk_exists(s->zk, path, NULL, NULL, teardown_seen_cb, s);
}

static void on_signal(struct ev_loop *loop, int signo, void *arg)
{
	struct sched *s = arg;
	log_info("signal %d: closing the ZooKeeper session so a standby takes over at once; "
		 "the etcd tasks keep running", signo);
	sched_exit(s, 0);
}

/* ---- start-up ---- */

static bool is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0;
}

static bool master_is_loopback(const char *m)
{
	return strstr(m, "127.") || strstr(m, "localhost") || strstr(m, "[::1]") ||
	       strncmp(m, "::1", 3) == 0;
}

/* -admin-token-file: the token is the file's first line without its line
 * end or trailing blanks. An empty or unreadable file stops the start:
 * running the mutating endpoints unprotected by mistake is worse. */
static int read_token_file(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		log_error("-admin-token-file=\"%s\": %s", path, strerror(e));
		return -e;
	}
	if (!fgets(out, (int)outlen, f))
		out[0] = '\0';
	fclose(f);
	size_t n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' ||
		     out[n - 1] == '\t'))
		out[--n] = '\0';
	if (n == 0) {
		log_error("-admin-token-file=\"%s\": the file holds no token; put the token "
			  "on its first line", path);
		return -EINVAL;
	}
	return 0;
}

static int setup_servers(struct sched *s)
{
	const struct sched_config *c = s->cfg;
	char token_buf[512];
	const char *token = c->admin_token;
	int rc;

	if (c->admin_token_file && *c->admin_token_file) {
		if ((rc = read_token_file(c->admin_token_file, token_buf, sizeof token_buf)) < 0)
			return rc;
		token = token_buf;
	}

	struct http_server_config ac = { .port = (uint16_t)c->admin_port, .name = "admin" };
	if ((rc = http_server_new(&s->admin_srv, s->loop, &ac)) < 0) {
		log_error("cannot listen on -admin-port %lld: %s; pick a free port",
			  (long long)c->admin_port, strerror(-rc));
		return rc;
	}
	struct admin_config adc = {
		.token = token, .snapshot = snapshot_cb, .reseed = sched_reseed_request,
		.teardown = sched_teardown_request, .fresh = sched_fresh_request, .arg = s,
	};
	rc = admin_new(&s->admin, s->admin_srv, &adc);
	explicit_bzero(token_buf, sizeof token_buf);
	if (rc < 0) {
		log_error("cannot set up the admin API: %s", strerror(-rc));
		return rc;
	}
	struct artifact_config fc = {0};
	if (!c->executor_uri || !*c->executor_uri)
		fc.files[ARTIFACT_EXECUTOR] = s->executor_file;
	if (!c->etcd_uri || !*c->etcd_uri)
		fc.files[ARTIFACT_ETCD] = c->etcd_bin;
	if (!c->etcdctl_uri || !*c->etcdctl_uri)
		fc.files[ARTIFACT_ETCDCTL] = c->etcdctl_bin;
	if (!fc.files[0] && !fc.files[1] && !fc.files[2])
		return 0;
	struct http_server_config fcfg = { .port = (uint16_t)c->artifact_port, .name = "artifact" };
	if ((rc = http_server_new(&s->artifact_srv, s->loop, &fcfg)) < 0) {
		log_error("cannot listen on -artifact-port %lld: %s; pick a free port",
			  (long long)c->artifact_port, strerror(-rc));
		return rc;
	}
	if ((rc = artifact_new(&s->artifact, s->artifact_srv, &fc)) < 0) {
		log_error("cannot set up the artifact server: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static int setup(struct sched *s)
{
	const struct sched_config *c = s->cfg;
	char host[256], err[512];
	int rc;

	s->started_at_ms = sched_wall_ms();
	struct passwd *pw = getpwuid(getuid());
	snprintf(s->user, sizeof s->user, "%s", pw && pw->pw_name ? pw->pw_name : "root");
	if (c->address && *c->address) {
		snprintf(host, sizeof host, "%s", c->address);
	} else if (gethostname(host, sizeof host) < 0) {
		log_error("cannot read the host name: %s; set -address", strerror(errno));
		return -EINVAL;
	}
	host[sizeof host - 1] = 0;
	if ((rc = http_resolve_blocking(host, s->address, sizeof s->address)) < 0) {
		log_error("cannot resolve -address %s: %s; set -address to this host's IP", host,
			  strerror(-rc));
		return rc;
	}
	if (is_loopback(s->address) && !master_is_loopback(c->master))
		log_warn("-address %s resolves to the loopback address %s while the master (%s) "
			 "is not on loopback: agents cannot fetch the executor from here; set "
			 "-address to an IP the agents can reach", host, s->address, c->master);
	const char *fmt = strchr(s->address, ':') ? "http://[%s]:%lld" : "http://%s:%lld";
	snprintf(s->admin_url, sizeof s->admin_url, fmt, s->address, (long long)c->admin_port);
	snprintf(s->artifact_base, sizeof s->artifact_base, fmt, s->address,
		 (long long)c->artifact_port);
	if (c->executor_bin && *c->executor_bin) {
		snprintf(s->executor_file, sizeof s->executor_file, "%s", c->executor_bin);
	} else {
		ssize_t n = readlink("/proc/self/exe", s->executor_file, sizeof s->executor_file - 1);
		if (n <= 0) {
			log_error("cannot find this binary (/proc/self/exe): %s; set -executor-bin",
				  strerror(errno));
			return -EINVAL;
		}
		s->executor_file[n] = 0;
	}
	if ((rc = setup_servers(s)) < 0)
		return rc;

	if ((rc = zk_session_new(s->loop, c->zk_persist, (int)c->zk_session_timeout_ms, &s->zk,
				 err, sizeof err)) < 0) {
		log_error("-zk-framework-persist: %s", err);
		return rc;
	}
	struct zk_store_config stc = { .base = "/", .framework_name = c->framework_name };
	if ((rc = zk_store_new(s->zk, &stc, &s->store, err, sizeof err)) < 0) {
		log_error("%s", err);
		return rc;
	}
	struct zk_election_config ec = {
		.root = zk_store_root(s->store), .data = s->admin_url,
		.on_change = on_election, .arg = s,
	};
	if ((rc = zk_election_new(s->zk, &ec, &s->election)) < 0) {
		log_error("cannot join the leader election under %s: %s", zk_store_root(s->store),
			  strerror(-rc));
		return rc;
	}
	ev_timer_start(s->loop, &s->standby_timer, 200, 2000);
	log_info("scheduler up: admin %s, artifacts %s, ZooKeeper %s; standing by for the "
		 "leadership", s->admin_url, s->artifact_srv ? s->artifact_base : "(URIs given)",
		 zk_session_display(s->zk));
	return 0;
}

int sched_run(const struct sched_config *cfg)
{
	static struct sched s0;
	struct sched *s = &s0;
	int rc;

	sched_g = s;
	s->cfg = cfg;
	s->exit_status = 1;
	s->loop = ev_loop_new();
	if (!s->loop) {
		log_error("cannot create the event loop: out of memory");
		return 1;
	}
	ev_timer_init(&s->standby_timer, standby_cb, s);
	ev_timer_init(&s->retry_timer, retry_cb, s);
	ev_timer_init(&load_timer, load_cb, s);
	sched_mesos_init(s);
	ev_timer_init(&s->reconcile_timer, NULL, s);
	ev_timer_init(&s->implicit_timer, NULL, s);
	ev_timer_init(&s->health_timer, NULL, s);
	signal(SIGPIPE, SIG_IGN);
	ev_signal_add(s->loop, SIGTERM, on_signal, s);
	ev_signal_add(s->loop, SIGINT, on_signal, s);
#ifdef EM_CRASH_POINTS
	if (getenv("EM_CRASH_AT"))
		log_warn("crash point %s armed (EM_CRASH_AT; test build)", getenv("EM_CRASH_AT"));
#else
	if (getenv("EM_CRASH_AT"))
		log_warn("EM_CRASH_AT is set but this build has no crash points (-Dcrash_points)");
#endif
	if ((rc = setup(s)) == 0)
		ev_run(s->loop);
	/* shutdown: ZooKeeper first, so a standby takes over at once */
	ev_timer_stop(s->loop, &s->standby_timer);
	ev_timer_stop(s->loop, &s->retry_timer);
	ev_timer_stop(s->loop, &load_timer);
	sched_mesos_stop(s);
	sched_health_stop(s);
	sched_reconcile_stop(s);
	sched_original_stop(s);
	sched_reseed_stop(s);
	zk_store_free(s->store);
	zk_election_free(s->election);
	zk_session_free(s->zk);
	sched_session_free(s->mesos);
	sched_offers_clear(s);
	etcd_client_free(s->etcd);
	etcd_members_finish(&s->etcd_list);
	http_server_free(s->admin_srv);
	admin_free(s->admin);
	http_server_free(s->artifact_srv);
	artifact_free(s->artifact);
	ev_defer_cancel(s->loop, replan_cb, s);
	ev_loop_free(s->loop);
	log_info("scheduler stopped (exit status %d)", rc < 0 ? 1 : s->exit_status);
	return rc < 0 ? 1 : s->exit_status;
}
