/*
 * zk_election.c — the recipe of PROTOCOLS.md I.5 as a small state
 * machine. One chain of calls runs at a time (busy); an event arriving
 * meanwhile asks for one more pass (again).
 */
#include "zk/zk_election.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define SEQ_DIGITS 10

struct zk_election {
	struct zk_session *s;
	char *dir;               /* "<root>/leader" */
	char *prefix;            /* "<root>/leader/n_" */
	char *data;
	zk_election_fn on_change;
	void *arg;

	char *node;              /* own node, or NULL */
	char *watched;           /* path with our exists watch pending, or NULL */
	int64_t seq;
	bool leader;
	bool busy, again;
	bool creating;
	char **cands;            /* find_own: contenders to look at */
	size_t ncands, cand_i;
	bool in_callback;        /* inside on_change */
	bool dead;               /* zk_election_free ran inside on_change */
	struct ev_timer retry;
	struct ev_timer lost;    /* disconnected too long: step down */
};

static void election_check(struct zk_election *e);
static void election_create(struct zk_election *e);

/* Tells the owner. Returns false when the owner freed us meanwhile: the
 * caller must not touch e again. */
static bool election_set_leader(struct zk_election *e, bool leader)
{
	if (e->leader == leader)
		return true;
	e->leader = leader;
	log_info("election %s: %s (node %s, epoch %lld)", e->dir,
		 leader ? "now leader" : "no longer leader", e->node ? e->node : "-",
		 (long long)e->seq);
	e->in_callback = true;
	e->on_change(e, leader, e->arg);
	e->in_callback = false;
	return !e->dead;
}

static void election_cands_clear(struct zk_election *e)
{
	for (size_t i = 0; i < e->ncands; i++)
		free(e->cands[i]);
	free(e->cands);
	e->cands = NULL;
	e->ncands = e->cand_i = 0;
}

static void election_unwatch(struct zk_election *e);

static void election_forget_node(struct zk_election *e)
{
	free(e->node);
	e->node = NULL;
	e->seq = -1;
}

/* Sequence number of a child name "n_NNNNNNNNNN"; -1 if not one of ours. */
static int64_t election_seq(const char *name)
{
	const char *u = strrchr(name, '_');
	int64_t v = 0;
	if (!u || strlen(u + 1) != SEQ_DIGITS)
		return -1;
	for (const char *p = u + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static void election_done(struct zk_election *e)
{
	e->busy = false;
	if (e->again) {
		e->again = false;
		election_check(e);
	}
}

static void election_retry_later(struct zk_election *e, const char *what, int rc)
{
	log_warn("election %s: %s: %s; retrying in 1 s", e->dir, what, zerror(rc));
	e->busy = false;
	e->again = false;
	ev_timer_start(zk_session_loop(e->s), &e->retry, 1000, 0);
}

/* ---- watches ---- */

static void election_watch(int type, const char *path, void *arg)
{
	struct zk_election *e = arg;
	free(e->watched);
	e->watched = NULL;
	election_check(e);
}

/* Watches path (own node or predecessor) unless a watch on it is still
 * pending: a check after a reconnect must not pile up watches. */
static int election_watch_path(struct zk_election *e, const char *path, zk_stat_fn done)
{
	int rc;
	if (e->watched && strcmp(e->watched, path) == 0) {
		election_done(e);
		return 0;
	}
	rc = zk_exists(e->s, path, election_watch, e, done, e);
	if (rc == 0) {
		free(e->watched);
		e->watched = strdup(path);  /* NULL on ENOMEM: only loses the dedup */
	}
	return rc;
}

static void election_unwatch(struct zk_election *e)
{
	free(e->watched);
	e->watched = NULL;
}

/* ---- the check pass: am I lowest? else watch my predecessor ---- */

static void election_pred_done(int rc, const struct Stat *st, void *arg)
{
	struct zk_election *e = arg;
	if (rc == ZNONODE) {
		e->again = true;  /* gone already: look again */
		election_unwatch(e);
	} else if (rc != ZOK) {
		election_unwatch(e);  /* not set */
		election_retry_later(e, "watching the predecessor", rc);
		return;
	}
	election_done(e);
}

static void election_own_done(int rc, const struct Stat *st, void *arg)
{
	struct zk_election *e = arg;
	if (rc == ZNONODE) {
		e->again = true;  /* lost our node meanwhile: the check handles it */
		election_unwatch(e);
	} else if (rc != ZOK) {
		election_unwatch(e);  /* not set */
		election_retry_later(e, "watching the own node", rc);
		return;
	}
	election_done(e);
}

static void election_children_done(int rc, const struct String_vector *names,
				   const struct Stat *st, void *arg)
{
	struct zk_election *e = arg;
	const char *own = e->node ? strrchr(e->node, '/') + 1 : NULL;
	const char *pred = NULL;
	int64_t pred_seq = -1, lowest = -1;
	bool own_seen = false;
	char path[1024];

	if (rc != ZOK) {
		election_retry_later(e, "listing contenders", rc);
		return;
	}
	if (!own) {
		e->busy = false;
		return;
	}
	for (int i = 0; i < names->count; i++) {
		int64_t q = election_seq(names->data[i]);
		if (q < 0)
			continue;
		if (strcmp(names->data[i], own) == 0)
			own_seen = true;
		if (lowest < 0 || q < lowest)
			lowest = q;
		if (q < e->seq && q > pred_seq) {
			pred_seq = q;
			pred = names->data[i];
		}
	}
	if (!own_seen) {
		log_warn("election %s: own node %s is gone; joining again", e->dir, e->node);
		if (!election_set_leader(e, false))
			return;
		election_forget_node(e);
		e->busy = false;
		e->again = false;
		election_create(e);
		return;
	}
	if (lowest == e->seq) {
		if (!election_set_leader(e, true))
			return;
		/* Notice at once if the own node is deleted under us. */
		rc = election_watch_path(e, e->node, election_own_done);
	} else {
		if (!election_set_leader(e, false))
			return;
		snprintf(path, sizeof(path), "%s/%s", e->dir, pred);
		rc = election_watch_path(e, path, election_pred_done);
	}
	if (rc < 0)
		election_retry_later(e, "setting a watch", ZSYSTEMERROR);
}

static void election_check(struct zk_election *e)
{
	int rc;
	if (e->busy) {
		e->again = true;
		return;
	}
	if (!e->node || !zk_session_connected(e->s))
		return;  /* the create chain or a session event restarts us */
	e->busy = true;
	rc = zk_children(e->s, e->dir, NULL, NULL, election_children_done, e);
	if (rc < 0)
		election_retry_later(e, "listing contenders", ZSYSTEMERROR);
}

/* ---- joining: create the node, or find it after a lost answer ---- */

static void election_take_node(struct zk_election *e, const char *path)
{
	election_forget_node(e);
	e->node = strdup(path);
	e->seq = e->node ? election_seq(e->node) : -1;
	e->creating = false;
	log_info("election %s: joined as %s", e->dir, path);
	e->busy = false;
	e->again = false;
	election_check(e);
}

static void election_find_own(struct zk_election *e);

static void election_created(int rc, const char *path, void *arg)
{
	struct zk_election *e = arg;
	if (rc == ZOK) {
		election_take_node(e, path);
		return;
	}
	if (rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT) {
		/* The node may exist: look for it before making another. */
		e->busy = false;
		election_find_own(e);
		return;
	}
	if (rc == ZSESSIONEXPIRED || rc == ZCLOSING || rc == ZINVALIDSTATE) {
		e->busy = false;
		e->creating = false;  /* the next CONNECTED starts again */
		return;
	}
	e->creating = false;
	election_retry_later(e, "creating the election node", rc);
}

static void election_create(struct zk_election *e)
{
	int rc;
	if (e->busy || e->node || !zk_session_connected(e->s))
		return;
	e->busy = true;
	e->creating = true;
	rc = zk_create_parents(e->s, e->prefix, e->data, strlen(e->data),
			       ZOO_EPHEMERAL_SEQUENTIAL, election_created, e);
	if (rc < 0) {
		e->creating = false;
		election_retry_later(e, "creating the election node", ZSYSTEMERROR);
	}
}

/* find_own: one exists call per contender, in turn, comparing the
 * ephemeralOwner with our session id. */
static void election_lookup_next(struct zk_election *e);

static void election_owner_seen(int rc, const struct Stat *st, void *arg)
{
	struct zk_election *e = arg;
	if (rc == ZOK && st && st->ephemeralOwner == zk_session_id(e->s)) {
		char *path = e->cands[e->cand_i];
		e->cands[e->cand_i] = NULL;
		election_cands_clear(e);
		e->busy = false;
		log_info("election %s: found own node %s after a lost answer", e->dir, path);
		election_take_node(e, path);
		free(path);
		return;
	}
	if (rc != ZOK && rc != ZNONODE) {
		election_cands_clear(e);
		election_retry_later(e, "looking for the own node", rc);
		return;
	}
	e->cand_i++;
	election_lookup_next(e);
}

static void election_lookup_next(struct zk_election *e)
{
	if (e->cand_i >= e->ncands) {
		election_cands_clear(e);
		e->busy = false;
		e->creating = false;
		election_create(e);  /* not there: the create did not happen */
		return;
	}
	if (zk_exists(e->s, e->cands[e->cand_i], NULL, NULL, election_owner_seen, e) < 0) {
		election_cands_clear(e);
		election_retry_later(e, "looking for the own node", ZSYSTEMERROR);
	}
}

static void election_listed_for_own(int rc, const struct String_vector *names,
				    const struct Stat *st, void *arg)
{
	struct zk_election *e = arg;
	char path[1024];

	if (rc != ZOK) {
		election_retry_later(e, "looking for the own node", rc);
		return;
	}
	election_cands_clear(e);
	e->cands = calloc((size_t)names->count + 1, sizeof(char *));
	if (!e->cands) {
		election_retry_later(e, "looking for the own node", ZSYSTEMERROR);
		return;
	}
	for (int i = 0; i < names->count; i++) {
		if (election_seq(names->data[i]) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", e->dir, names->data[i]);
		e->cands[e->ncands] = strdup(path);
		if (e->cands[e->ncands])
			e->ncands++;
	}
	election_lookup_next(e);
}

static void election_find_own(struct zk_election *e)
{
	if (e->busy || !zk_session_connected(e->s))
		return;  /* RECONNECTED brings us back here */
	e->busy = true;
	if (zk_children(e->s, e->dir, NULL, NULL, election_listed_for_own, e) < 0)
		election_retry_later(e, "looking for the own node", ZSYSTEMERROR);
}

/* Resumes whatever step is due. */
static void election_resume(struct zk_election *e)
{
	if (e->node)
		election_check(e);
	else if (e->creating)
		election_find_own(e);
	else
		election_create(e);
}

static void election_retry_timer(struct ev_loop *loop, void *arg)
{
	election_resume(arg);
}

static void election_lost_timer(struct ev_loop *loop, void *arg)
{
	struct zk_election *e = arg;
	if (!zk_session_connected(e->s) && e->leader) {
		log_warn("election %s: disconnected for a whole session timeout; stepping down",
			 e->dir);
		election_set_leader(e, false);  /* nothing follows: e may be gone */
	}
}

static void election_session(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct zk_election *e = arg;

	if (ev == ZK_SESSION_EXPIRED || ev == ZK_SESSION_AUTH_FAILED) {
		/* The node is gone with the session: step down first. */
		ev_timer_stop(zk_session_loop(s), &e->lost);
		ev_timer_stop(zk_session_loop(s), &e->retry);
		zk_session_cancel(s, e);
		election_unwatch(e);  /* cancelled with the rest */
		election_cands_clear(e);
		e->busy = e->again = e->creating = false;
		if (!election_set_leader(e, false))
			return;
		election_forget_node(e);
	} else if (ev == ZK_SESSION_DISCONNECTED) {
		/* The server drops the session a timeout after it last heard
		 * from us: give up leadership by then. */
		uint64_t t = (uint64_t)zk_session_timeout_ms(s);
		uint64_t quiet = zk_session_silence_ms(s);
		if (e->leader)
			ev_timer_start(zk_session_loop(s), &e->lost,
				       quiet < t ? t - quiet : 0, 0);
	} else if (ev == ZK_SESSION_CONNECTED) {
		/* A new session: whatever we had belonged to the old one. */
		ev_timer_stop(zk_session_loop(s), &e->lost);
		zk_session_cancel(s, e);
		election_unwatch(e);  /* cancelled with the rest */
		election_cands_clear(e);
		e->busy = e->again = e->creating = false;
		if (!election_set_leader(e, false))
			return;
		election_forget_node(e);
		election_create(e);
	} else if (ev == ZK_SESSION_RECONNECTED) {
		ev_timer_stop(zk_session_loop(s), &e->lost);
		if (!e->busy)
			election_resume(e);
	}
}

int zk_election_new(struct zk_session *s, const struct zk_election_config *cfg,
		    struct zk_election **out)
{
	struct zk_election *e;
	size_t n;
	int rc = -ENOMEM;

	*out = NULL;
	if (!cfg || !cfg->root || cfg->root[0] != '/' || !cfg->on_change)
		return -EINVAL;
	n = strlen(cfg->root);
	if (n + 32 > 1024)
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->s = s;
	e->seq = -1;
	e->on_change = cfg->on_change;
	e->arg = cfg->arg;
	e->dir = malloc(n + 8);
	e->prefix = malloc(n + 16);
	e->data = strdup(cfg->data ? cfg->data : "");
	if (!e->dir || !e->prefix || !e->data)
		goto fail;
	snprintf(e->dir, n + 8, "%s/leader", strcmp(cfg->root, "/") ? cfg->root : "");
	snprintf(e->prefix, n + 16, "%s/n_", e->dir);
	ev_timer_init(&e->retry, election_retry_timer, e);
	ev_timer_init(&e->lost, election_lost_timer, e);
	rc = zk_session_listen(s, election_session, e);
	if (rc < 0)
		goto fail;
	election_create(e);
	*out = e;
	return 0;

fail:
	free(e->dir);
	free(e->prefix);
	free(e->data);
	free(e);
	return rc;
}

static void election_deleted(int rc, void *arg)
{
	(void)rc;
	(void)arg;
}

static void election_release(struct ev_loop *loop, void *arg)
{
	struct zk_election *e = arg;
	zk_session_cancel(e->s, e);
	election_cands_clear(e);
	free(e->node);
	free(e->watched);
	free(e->dir);
	free(e->prefix);
	free(e->data);
	free(e);
}

void zk_election_free(struct zk_election *e)
{
	if (!e || e->dead)
		return;
	e->dead = true;
	e->leader = false;
	zk_session_unlisten(e->s, election_session, e);
	zk_session_cancel(e->s, e);
	ev_timer_stop(zk_session_loop(e->s), &e->retry);
	ev_timer_stop(zk_session_loop(e->s), &e->lost);
	if (e->node)
		zk_delete(e->s, e->node, -1, election_deleted, NULL);
	if (e->in_callback) {
		/* Our caller is still running on e: free it after this iteration. */
		if (ev_defer(zk_session_loop(e->s), election_release, e) == 0)
			return;
		log_error("election %s: out of memory; leaking the election", e->dir);
		return;
	}
	election_release(NULL, e);
}

bool zk_election_is_leader(const struct zk_election *e)
{
	return e->leader;
}

bool zk_election_can_act(const struct zk_election *e)
{
	uint64_t t = (uint64_t)zk_session_timeout_ms(e->s);
	uint64_t quiet = zk_session_silence_ms(e->s);

	if (!e->leader)
		return false;
	/* Connected: the client itself gives up after 2/3 of the timeout
	 * without a word. Disconnected: SAFETY.md 2 allows a third. */
	if (zk_session_connected(e->s))
		return quiet < t * 2 / 3;
	return quiet < t / 3;
}

const char *zk_election_node(const struct zk_election *e)
{
	return e->node;
}

int64_t zk_election_epoch(const struct zk_election *e)
{
	return e->node ? e->seq : -1;
}

int zk_election_leader(struct zk_session *s, const char *root, zk_lowest_fn done,
		       void *arg)
{
	char dir[1024];
	if (!root || root[0] != '/' || strlen(root) + 8 > sizeof(dir))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "%s/leader", strcmp(root, "/") ? root : "");
	return zk_get_lowest(s, dir, done, arg);
}

int zk_election_fence(const struct zk_election *e, struct zk_multi *m)
{
	if (!e->leader || !e->node)
		return -EPERM;
	return zk_multi_check(m, e->node, -1);
}
