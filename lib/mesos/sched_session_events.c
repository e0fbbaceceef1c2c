/* sched_session's events: the heartbeat watchdog and the dispatch of
 * each event of the stream to the owner's callbacks (SUBSCRIBED, ERROR
 * and the rest); see sched_session.h and sched_session_int.h. */
#include "mesos/sched_session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

typedef Mesos__V1__Scheduler__Event Event;


void sched_session_arm_watchdog(struct sched_session *s)
{
	uint64_t ms;

	if (s->heartbeat_s > 0)
		ms = (uint64_t)(s->heartbeat_s * 1000.0 * s->cfg.heartbeat_misses);
	else
		ms = s->cfg.subscribe_timeout_ms > 75000 ? s->cfg.subscribe_timeout_ms : 75000;
	ev_timer_start(s->loop, &s->watchdog, ms ? ms : 1, 0);
}

void sched_session_on_watchdog(struct ev_loop *loop, void *arg)
{
	struct sched_session *s = arg;
	char why[512];

	(void)loop;
	snprintf(why, sizeof why, "no event from %s for %u heartbeat intervals of %.1f s",
		 s->stream_text, s->cfg.heartbeat_misses, s->heartbeat_s > 0 ? s->heartbeat_s : 15.0);
	if (!sched_session_lose_stream(s, why))
		return;
	sched_session_schedule_retry(s, false);
}

static int on_error_event(struct sched_session *s, const char *msg)
{
	struct sched_error e = { SCHED_ERR_EVENT, 0, msg };

	if (strcmp(msg, "Framework has been removed") == 0)
		e.kind = SCHED_ERR_REMOVED;
	else if (strcmp(msg, "Framework failed over") == 0)
		e.kind = SCHED_ERR_FAILED_OVER;
	log_error("mesos scheduler session: master %s sent ERROR \"%s\"%s", s->stream_text, msg,
		  e.kind == SCHED_ERR_REMOVED ? " (the framework is gone for good)" :
		  e.kind == SCHED_ERR_FAILED_OVER ? " (another scheduler subscribed with our id)" : "");
	/* The master closes the stream after an ERROR; stop here. */
	s->stats.stream_losses++;
	sched_session_stop_all(s);
	if (s->cbs.on_error && !NOTIFY(s, s->cbs.on_error(s, &e, s->arg)))
		return 1;
	return 1;   /* stop reading: the stream is gone */
}

static int dispatch(struct sched_session *s, const Event *e, int type)
{
	s->stats.events++;
	sched_session_arm_watchdog(s);
	switch (type) {
	case MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED: {
		const Mesos__V1__Scheduler__Event__Subscribed *sub = e->subscribed;
		char *id;
		if (!sub || !sub->framework_id || !sub->framework_id->value ||
		    !sub->framework_id->value[0]) {
			log_error("mesos scheduler session: SUBSCRIBED without a framework id "
				  "from %s; reconnecting", s->stream_text);
			return -EPROTO;
		}
		if (s->framework_id && strcmp(s->framework_id, sub->framework_id->value) != 0)
			log_warn("mesos scheduler session: master gave framework id %s, "
				 "we asked for %s", sub->framework_id->value, s->framework_id);
		id = strdup(sub->framework_id->value);
		if (!id)
			return -ENOMEM;
		free(s->framework_id);
		s->framework_id = id;
		s->heartbeat_s = sub->has_heartbeat_interval_seconds &&
			sub->heartbeat_interval_seconds > 0 ? sub->heartbeat_interval_seconds : 15.0;
		s->state = ST_SUBSCRIBED;
		s->stats.subscribed++;
		s->redirects = 0;
		backoff_reset(&s->backoff);
		sched_session_arm_watchdog(s);
		log_info("mesos scheduler session: subscribed to %s as framework %s "
			 "(heartbeat every %.1f s)", s->stream_text, id, s->heartbeat_s);
		if (s->cbs.on_subscribed && !NOTIFY(s, s->cbs.on_subscribed(s, sub, s->arg)))
			return 1;
		return 0;
	}
	case MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR:
		return on_error_event(s, e->error && e->error->message ? e->error->message : "");
	default:
		break;
	}
	if (s->state != ST_SUBSCRIBED) {
		log_warn("mesos scheduler session: event type %d before SUBSCRIBED from %s; "
			 "ignored", type, s->stream_text);
		return 0;
	}
	switch (type) {
	case MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS:
		if (e->offers && s->cbs.on_offers &&
		    !NOTIFY(s, s->cbs.on_offers(s, e->offers->offers, e->offers->n_offers, s->arg)))
			return 1;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND:
		if (e->rescind && e->rescind->offer_id && s->cbs.on_rescind &&
		    !NOTIFY(s, s->cbs.on_rescind(s, e->rescind->offer_id, s->arg)))
			return 1;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE:
		if (e->update && e->update->status && s->cbs.on_update &&
		    !NOTIFY(s, s->cbs.on_update(s, e->update->status, s->arg)))
			return 1;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__MESSAGE:
		if (e->message && s->cbs.on_message &&
		    !NOTIFY(s, s->cbs.on_message(s, e->message, s->arg)))
			return 1;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE:
		if (e->failure && s->cbs.on_failure &&
		    !NOTIFY(s, s->cbs.on_failure(s, e->failure, s->arg)))
			return 1;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT:
		s->stats.heartbeats++;
		if (s->cbs.on_heartbeat && !NOTIFY(s, s->cbs.on_heartbeat(s, s->arg)))
			return 1;
		break;
	default:   /* inverse offers, operation status, unknown: not ours */
		log_v(1, "mesos scheduler session: ignoring event type %d", type);
		break;
	}
	return 0;
}

int sched_session_on_event(const ProtobufCMessage *m, void *arg)
{
	struct sched_session *s = arg;
	const Event *e = (const Event *)m;
	uint64_t gen = s->stream_gen;
	int rc = dispatch(s, e, e->has_type ? (int)e->type : 0);

	/* Stop reading when a callback dropped this stream (rc 1 also covers
	 * a callback that freed s: then s is not touched). */
	if (rc == 0 && s->stream_gen != gen)
		return 1;
	return rc;
}
