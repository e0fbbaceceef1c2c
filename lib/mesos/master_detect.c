/* master_detect — leading Mesos master from ZooKeeper; see master_detect.h. */
#include "mesos/master_detect.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/strutil.h"

struct master_detect {
	struct zk_session *zk;
	char *path;
	master_leader_fn fn;
	void *arg;
	bool have_leader;
	struct master_addr leader;
	char leader_node[128];     /* child name of the reported leader */
	char reading[128];         /* child being read */
	char warned[128];          /* last node an error was logged for */
	bool listing;              /* a list (or get) is in flight */
	bool again;                /* re-list once the current one ends */
	bool reported;             /* told the owner at least once */
	bool *dead;                /* set when freed inside on_leader */
};

static void relist(struct master_detect *d);

/* The path for logs after the session's "zk://hosts/chroot": "" for "/". */
static const char *sub(const struct master_detect *d)
{
	return strcmp(d->path, "/") == 0 ? "" : d->path;
}

/* Tells the owner about a change. false when the owner freed d. */
static bool report(struct master_detect *d, const struct master_addr *leader, const char *node)
{
	bool dead = false;

	if (leader && d->have_leader && strcmp(node, d->leader_node) == 0 &&
	    strcmp(leader->host, d->leader.host) == 0 && leader->port == d->leader.port)
		return true;
	if (!leader && !d->have_leader && d->reported)
		return true;
	d->reported = true;
	if (leader) {
		d->leader = *leader;
		d->have_leader = true;
		str_copy(d->leader_node, node, sizeof d->leader_node);
		log_info("mesos master detector: leader is %s:%u (%s, id %s, version %s)",
			 leader->host, leader->port, node, leader->id[0] ? leader->id : "?",
			 leader->version[0] ? leader->version : "?");
	} else {
		d->have_leader = false;
		d->leader_node[0] = '\0';
		log_warn("mesos master detector: no leading master in %s%s right now",
			 zk_session_display(d->zk), sub(d));
	}
	d->dead = &dead;
	d->fn(d, leader, d->arg);
	if (dead)
		return false;
	d->dead = NULL;
	return true;
}

/* The answer to the exists watch set after listing found no path. If the
 * path was created between the list and this call, the watch (which fires
 * on creation) will never fire: list again now. */
static void exists_done(int rc, const struct Stat *st, void *arg)
{
	(void)st;
	if (rc == ZOK)
		relist(arg);
}

static void on_watch(int type, const char *path, void *arg)
{
	(void)type;
	(void)path;
	relist(arg);
}

/* Ends one round: runs the queued re-list, if any. */
static void round_done(struct master_detect *d)
{
	d->listing = false;
	if (d->again) {
		d->again = false;
		relist(d);
	}
}

static void on_data(int rc, const char *data, int len, const struct Stat *st, void *arg)
{
	struct master_detect *d = arg;
	struct master_addr a;
	char err[256];

	(void)st;
	if (rc == ZNONODE) {          /* gone between list and get: list again */
		d->again = true;
		round_done(d);
		return;
	}
	if (rc != ZOK) {
		log_warn("mesos master detector: reading %s%s/%s: %s", zk_session_display(d->zk),
			 sub(d), d->reading, zerror(rc));
		round_done(d);        /* the session's CONNECTED/watch brings us back */
		return;
	}
	if (master_info_parse_json(data ? data : "", data && len > 0 ? (size_t)len : 0,
				   &a, err, sizeof err) < 0) {
		if (strcmp(d->warned, d->reading) != 0) {
			log_error("mesos master detector: %s%s/%s: %s", zk_session_display(d->zk),
				  sub(d), d->reading, err);
			str_copy(d->warned, d->reading, sizeof d->warned);
		}
		if (!report(d, NULL, ""))
			return;
		round_done(d);
		return;
	}
	if (!report(d, &a, d->reading))
		return;
	round_done(d);
}

static void on_children(int rc, const struct String_vector *names, const struct Stat *st,
			void *arg)
{
	struct master_detect *d = arg;
	enum master_node_kind kind;
	char child[512];
	int i, r;

	(void)st;
	if (rc == ZNONODE) {
		/* The path does not exist yet: watch for its creation. */
		if (!report(d, NULL, ""))
			return;
		r = zk_exists(d->zk, d->path, on_watch, d, exists_done, d);
		(void)r;
		round_done(d);
		return;
	}
	if (rc != ZOK) {
		log_warn("mesos master detector: listing %s%s: %s", zk_session_display(d->zk),
			 sub(d), zerror(rc));
		round_done(d);
		return;
	}
	i = master_pick_leader((const char *const *)names->data, (size_t)names->count, &kind);
	if (i < 0 || kind != MASTER_NODE_JSON) {
		if (i >= 0 && strcmp(d->warned, names->data[i]) != 0) {
			log_error("mesos master detector: the leading master's node %s%s/%s is "
				  "%s: that Mesos is too old for the v1 HTTP API; run masters "
				  "of Mesos 1.0 or later, which write json.info_ nodes",
				  zk_session_display(d->zk), sub(d), names->data[i],
				  kind == MASTER_NODE_PROTOBUF ? "a protobuf info_ node"
							       : "a bare UPID node");
			str_copy(d->warned, names->data[i], sizeof d->warned);
		}
		if (!report(d, NULL, ""))
			return;
		round_done(d);
		return;
	}
	str_copy(d->reading, names->data[i], sizeof d->reading);
	snprintf(child, sizeof child, "%s%s%s", d->path,
		 strcmp(d->path, "/") == 0 ? "" : "/", names->data[i]);
	r = zk_get(d->zk, child, NULL, NULL, on_data, d);
	if (r < 0) {
		log_warn("mesos master detector: cannot read %s: %s", child, strerror(-r));
		round_done(d);
	}
}

static void relist(struct master_detect *d)
{
	int r;

	if (d->listing) {
		d->again = true;
		return;
	}
	r = zk_children(d->zk, d->path, on_watch, d, on_children, d);
	if (r < 0) {
		if (r != -ENOTCONN)
			log_warn("mesos master detector: cannot list %s: %s", d->path, strerror(-r));
		return;   /* CONNECTED brings us back */
	}
	d->listing = true;
}

static void on_session(struct zk_session *s, enum zk_session_event ev, void *arg)
{
	struct master_detect *d = arg;

	(void)s;
	if (ev == ZK_SESSION_CONNECTED || ev == ZK_SESSION_RECONNECTED) {
		/* A list in flight on a dead session never completes. */
		if (ev == ZK_SESSION_CONNECTED)
			d->listing = false;
		relist(d);
	}
}

int master_detect_new(struct zk_session *zk, const char *path, master_leader_fn fn, void *arg,
		      struct master_detect **out)
{
	struct master_detect *d;
	int rc;

	if (!zk || !path || path[0] != '/' || !fn)
		return -EINVAL;
	d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	d->zk = zk;
	d->fn = fn;
	d->arg = arg;
	d->path = strdup(path);
	rc = -ENOMEM;
	if (!d->path)
		goto fail;
	if ((rc = zk_session_listen(zk, on_session, d)) < 0)
		goto fail;
	if (zk_session_connected(zk))
		relist(d);
	*out = d;
	return 0;
fail:
	free(d->path);
	free(d);
	return rc;
}

void master_detect_free(struct master_detect *d)
{
	if (!d)
		return;
	zk_session_unlisten(d->zk, on_session, d);
	zk_session_cancel(d->zk, d);
	if (d->dead)
		*d->dead = true;
	free(d->path);
	free(d);
}

const struct master_addr *master_detect_leader(const struct master_detect *d)
{
	return d && d->have_leader ? &d->leader : NULL;
}
