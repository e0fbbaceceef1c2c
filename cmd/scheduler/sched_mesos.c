/* The Mesos side of the leader: the subscription (FrameworkInfo), its
 * events, and what an ERROR means for the framework id (SAFETY.md
 * section 3). See sched.h. */
#include "sched.h"

#include "base/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ev_timer restart_timer;

/* ---- Mesos session events ---- */

static void fwid_stored(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("cannot store the framework id %s: %s", s->framework_id, err);
		if (rc == -EEXIST || rc == -ESTALE || rc == -EPERM) {
			sched_exit(s, 1);
			return;
		}
		/* unknown outcome: the same id again is fine */
		if (zk_store_put_framework_id(s->store, s->framework_id, fwid_stored, s) < 0)
			sched_exit(s, 1);
		return;
	}
	log_info("framework id %s stored; reconciling tasks", s->framework_id);
	sched_crash_point("fwid-stored");
	s->subscribed = true;
	sched_reconcile_start(s);
	sched_replan(s);
}

static void on_subscribed(struct sched_session *ss,
			  const Mesos__V1__Scheduler__Event__Subscribed *sub, void *arg)
{
	struct sched *s = arg;
	snprintf(s->framework_id, sizeof s->framework_id, "%s", sub->framework_id->value);
	log_info("subscribed to %s as framework %s", sched_session_master(ss) ? sched_session_master(ss) : "?",
		 s->framework_id);
	s->subscribed = false;
	s->reconciled = false;
	s->suppressed = false;
	/* the framework id goes to ZooKeeper before anything else */
	if (zk_store_put_framework_id(s->store, s->framework_id, fwid_stored, s) < 0)
		sched_exit(s, 1);
}

static void on_offers(struct sched_session *ss, Mesos__V1__Offer *const *offers, size_t n,
		      void *arg)
{
	struct sched *s = arg;
	sched_offers_add(s, offers, n);
	sched_replan(s);
}

static void on_rescind(struct sched_session *ss, const Mesos__V1__OfferID *id, void *arg)
{
	struct sched *s = arg;
	sched_offers_rescind(s, id->value);
	sched_replan(s);
}

static void on_update(struct sched_session *ss, const Mesos__V1__TaskStatus *st, void *arg)
{
	sched_status_update(arg, st);
}

static void on_message(struct sched_session *ss, const Mesos__V1__Scheduler__Event__Message *m,
		       void *arg)
{
	struct sched *s = arg;
	if (m->executor_id)
		sched_reseed_message(s, m->executor_id->value, m->data.data, m->data.len);
}

static void on_failure(struct sched_session *ss, const Mesos__V1__Scheduler__Event__Failure *f,
		       void *arg)
{
	log_warn("Mesos reports a failure: agent %s executor %s status %d",
		 f->agent_id ? f->agent_id->value : "-",
		 f->executor_id ? f->executor_id->value : "-", f->has_status ? f->status : 0);
}

static void restart_session_cb(struct ev_loop *loop, void *arg)
{
	struct sched *s = arg;
	if (s->mesos && sched_session_start(s->mesos) < 0)
		sched_exit(s, 1);
}


static void forgot_fwid(struct zk_store *st, int rc, const char *err, void *arg)
{
	struct sched *s = arg;
	if (rc < 0) {
		log_error("cannot forget the removed framework id: %s", err);
		sched_exit(s, 1);
		return;
	}
	s->framework_id[0] = 0;
	sched_session_set_framework_id(s->mesos, NULL);
	log_info("subscribing as a new framework");
	ev_timer_start(s->loop, &restart_timer, 1000, 0);
}

static void on_error(struct sched_session *ss, const struct sched_error *e, void *arg)
{
	struct sched *s = arg;
	s->subscribed = false;
	s->reconciled = false;
	sched_offers_clear(s);
	sched_reconcile_stop(s);
	switch (e->kind) {
	case SCHED_ERR_REMOVED:
		s->framework_removed++;
		log_error("Mesos says framework %s has been removed (%s): Mesos killed its tasks, so "
			  "every etcd member of it is gone and their data with their sandboxes; "
			  "forgetting the framework id and starting a new framework",
			  s->framework_id, e->message ? e->message : "");
		if (zk_store_forget_framework_id(s->store, forgot_fwid, s) < 0)
			sched_exit(s, 1);
		return;
	case SCHED_ERR_FAILED_OVER:
		log_error("Mesos says another scheduler took over framework %s: exiting",
			  s->framework_id);
		sched_exit(s, 1);
		return;
	case SCHED_ERR_REFUSED:
		log_error("the Mesos master refused the subscription (HTTP %d): %s; check "
			  "-master, the principal and the role", e->status,
			  e->message ? e->message : "");
		sched_exit(s, 1);
		return;
	case SCHED_ERR_EVENT:
		log_error("Mesos error event: %s; subscribing again with the same framework id",
			  e->message ? e->message : "");
		ev_timer_start(s->loop, &restart_timer, 2000, 0);
		return;
	}
}

static void on_disconnected(struct sched_session *ss, const char *reason, void *arg)
{
	struct sched *s = arg;
	log_warn("Mesos subscription lost (%s); offers are void, subscribing again", reason);
	s->subscribed = false;
	s->reconciled = false;
	sched_offers_clear(s);
	sched_reconcile_stop(s);
}

static const struct sched_session_cbs mesos_cbs = {
	.on_subscribed = on_subscribed, .on_offers = on_offers, .on_rescind = on_rescind,
	.on_update = on_update, .on_message = on_message, .on_failure = on_failure,
	.on_error = on_error, .on_disconnected = on_disconnected,
};

static char *read_secret(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	return strdup(buf);
}

int sched_mesos_start(struct sched *s)
{
	const struct sched_config *c = s->cfg;
	char err[512];
	const char *fwid = zk_store_framework_id(s->store);
	const struct zk_store_original *orig = zk_store_original(s->store);
	const char *roles[1] = { c->role };
	char *secret = NULL;
	int rc;

	if (!fwid && orig && orig->framework_id_found) {
		log_info("reusing the original etcd-mesos framework id %s (its tasks are "
			 "foreign: never killed)", orig->framework_id);
		fwid = orig->framework_id;
	}
	snprintf(s->framework_id, sizeof s->framework_id, "%s", fwid ? fwid : "");
	if (c->auth_principal && *c->auth_principal && c->auth_secret_file) {
		secret = read_secret(c->auth_secret_file);
		if (!secret) {
			log_error("cannot read -mesos-authentication-secret-file %s",
				  c->auth_secret_file);
			return -EINVAL;
		}
	}
	struct sched_session_config sc = {
		.loop = s->loop,
		.master = c->master,
		.framework = {
			.user = s->user, .name = c->framework_name, .id = fwid,
			.failover_timeout_s = c->failover_timeout_seconds, .checkpoint = true,
			.roles = roles, .n_roles = 1,
			.principal = c->auth_principal && *c->auth_principal ? c->auth_principal : NULL,
			.webui_url = c->framework_weburi && *c->framework_weburi ? c->framework_weburi
										 : s->admin_url,
			.hostname = s->address,
		},
		.secret = secret,
		.ca_file = c->master_ca_file,
		.https = strncmp(c->master, "https://", 8) == 0,
		.zk_session_timeout_ms = (int)c->zk_session_timeout_ms,
	};
	rc = sched_session_new(&sc, &mesos_cbs, s, &s->mesos, err, sizeof err);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	if (rc < 0) {
		log_error("%s", err);
		return rc;
	}
	log_info("subscribing to %s as %s framework \"%s\"", c->master,
		 fwid ? "the existing" : "a new", c->framework_name);
	return sched_session_start(s->mesos);
}

void sched_mesos_init(struct sched *s)
{
	ev_timer_init(&restart_timer, restart_session_cb, s);
}

void sched_mesos_stop(struct sched *s)
{
	ev_timer_stop(s->loop, &restart_timer);
}
