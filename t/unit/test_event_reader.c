/*
 * test_event_reader.c — scheduler and executor event streams (RecordIO of
 * protobuf Events, PROTOCOLS.md A.3) fed to the reader split at every
 * byte position, byte by byte, and in one piece: the same events in the
 * same order every time. Then the ways a stream goes bad.
 */
#include "tap.h"

#include <errno.h>

#include "guard.h"
#include "mesos/event_reader.h"
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

typedef Mesos__V1__Scheduler__Event SEvent;

struct seen {
	int types[16];
	char text[16][64];
	int n;
	int stop_after;   /* return 7 after this many, 0 = never */
};

static int on_sched(const ProtobufCMessage *m, void *arg)
{
	struct seen *s = arg;
	const SEvent *e = (const SEvent *)m;

	if (s->n < 16) {
		s->types[s->n] = e->has_type ? (int)e->type : -1;
		s->text[s->n][0] = '\0';
		if (e->subscribed)
			snprintf(s->text[s->n], 64, "%s/%.0f", e->subscribed->framework_id->value,
				 e->subscribed->heartbeat_interval_seconds);
		else if (e->offers && e->offers->n_offers)
			snprintf(s->text[s->n], 64, "%s", e->offers->offers[0]->id->value);
		else if (e->update)
			snprintf(s->text[s->n], 64, "%s", e->update->status->task_id->value);
		else if (e->error)
			snprintf(s->text[s->n], 64, "%s", e->error->message);
	}
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static int on_exec(const ProtobufCMessage *m, void *arg)
{
	struct seen *s = arg;
	const Mesos__V1__Executor__Event *e = (const Mesos__V1__Executor__Event *)m;

	if (s->n < 16)
		s->types[s->n] = e->has_type ? (int)e->type : -1;
	s->n++;
	return 0;
}

static void add(struct buf *stream, const ProtobufCMessage *m)
{
	uint8_t tmp[4096];
	size_t n = protobuf_c_message_pack(m, tmp);
	recordio_encode(stream, tmp, n);
}

static void build_sched_stream(struct buf *b)
{
	SEvent e = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Subscribed sub = MESOS__V1__SCHEDULER__EVENT__SUBSCRIBED__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__Scheduler__Event__Offers offers = MESOS__V1__SCHEDULER__EVENT__OFFERS__INIT;
	Mesos__V1__Offer offer = MESOS__V1__OFFER__INIT;
	Mesos__V1__Offer *op = &offer;
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__Scheduler__Event__Update upd = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__Scheduler__Event__Error err = MESOS__V1__SCHEDULER__EVENT__ERROR__INIT;

	fid.value = "fw-7";
	sub.framework_id = &fid;
	sub.has_heartbeat_interval_seconds = 1;
	sub.heartbeat_interval_seconds = 15;
	e.has_type = 1;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED;
	e.subscribed = &sub;
	add(b, &e.base);

	mesos__v1__scheduler__event__init(&e);
	e.has_type = 1;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT;
	add(b, &e.base);

	oid.value = "offer-1";
	aid.value = "agent-1";
	offer.id = &oid;
	offer.framework_id = &fid;
	offer.agent_id = &aid;
	offer.hostname = "h1";
	offers.n_offers = 1;
	offers.offers = &op;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS;
	e.offers = &offers;
	add(b, &e.base);

	mesos__v1__scheduler__event__init(&e);
	tid.value = "etcd-task-1";
	st.task_id = &tid;
	st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
	upd.status = &st;
	e.has_type = 1;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	e.update = &upd;
	add(b, &e.base);

	mesos__v1__scheduler__event__init(&e);
	e.has_type = 1;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__INVERSE_OFFERS;
	add(b, &e.base);

	mesos__v1__scheduler__event__init(&e);
	err.message = "Framework failed over";
	e.has_type = 1;
	e.type = MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR;
	e.error = &err;
	add(b, &e.base);
}

static bool same(const struct seen *s)
{
	static const int want_t[] = { 1, 8, 2, 4, 9, 7 };
	static const char *want_x[] = { "fw-7/15", "", "offer-1", "etcd-task-1", "",
					"Framework failed over" };
	int i;

	if (s->n != 6)
		return false;
	for (i = 0; i < 6; i++)
		if (s->types[i] != want_t[i] || strcmp(s->text[i], want_x[i]) != 0)
			return false;
	return true;
}

static void test_splits(void)
{
	struct buf stream = BUF_INIT;
	size_t cut, bad = 0, i;

	build_sched_stream(&stream);
	note("scheduler stream of 6 events, %zu bytes", stream.len);
	for (cut = 0; cut <= stream.len; cut++) {
		struct mesos_event_reader r;
		struct seen s = { .n = 0 };
		char *a = guard_dup(stream.data, cut);
		char *b = guard_dup(stream.data + cut, stream.len - cut);
		int rc1, rc2;

		mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
		rc1 = mesos_event_reader_feed(&r, a, cut, on_sched, &s);
		rc2 = mesos_event_reader_feed(&r, b, stream.len - cut, on_sched, &s);
		if (rc1 || rc2 || !same(&s) || mesos_event_reader_eof(&r) != 0 || r.events != 6)
			bad++;
		mesos_event_reader_finish(&r);
		guard_free(a, cut);
		guard_free(b, stream.len - cut);
	}
	is_int(bad, 0, "split at each of %zu points: same 6 events, clean end", stream.len + 1);
	{
		struct mesos_event_reader r;
		struct seen s = { .n = 0 };
		int rc = 0;
		mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
		for (i = 0; i < stream.len && rc == 0; i++) {
			char *one = guard_dup(stream.data + i, 1);
			rc = mesos_event_reader_feed(&r, one, 1, on_sched, &s);
			guard_free(one, 1);
		}
		ok(rc == 0 && same(&s), "byte by byte: same 6 events");
		mesos_event_reader_finish(&r);
	}
	/* Every cut of a truncated stream: EOF inside a record is an error. */
	for (cut = 1, bad = 0; cut < stream.len; cut++) {
		struct mesos_event_reader r;
		struct seen s = { .n = 0 };
		mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
		mesos_event_reader_feed(&r, stream.data, cut, on_sched, &s);
		int eof = mesos_event_reader_eof(&r);
		/* Ends exactly between records: fine; elsewhere: -EPROTO. */
		bool boundary = eof == 0;
		if (!boundary && eof != -EPROTO)
			bad++;
		if (boundary && s.n == 0)
			bad++;
		mesos_event_reader_finish(&r);
	}
	is_int(bad, 0, "truncated streams: EOF inside a record is -EPROTO");
	/* A callback that stops: the value comes back, nothing more is read. */
	{
		struct mesos_event_reader r;
		struct seen s = { .n = 0, .stop_after = 2 };
		mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
		int rc = mesos_event_reader_feed(&r, stream.data, stream.len, on_sched, &s);
		ok(rc == 7 && s.n == 2, "callback's stop value returned after 2 events (rc %d, n %d)",
		   rc, s.n);
		mesos_event_reader_finish(&r);
	}
	buf_finish(&stream);
}

static void test_bad(void)
{
	struct buf b = BUF_INIT;
	struct mesos_event_reader r;
	struct seen s = { .n = 0 };
	int rc;

	/* Not a protobuf message: wire type 7 does not exist. */
	recordio_encode(&b, "\xff\xff\xff\x0f", 4);
	mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
	rc = mesos_event_reader_feed(&r, b.data, b.len, on_sched, &s);
	ok(rc == -EPROTO && s.n == 0, "garbage record: -EPROTO");
	ok(mesos_event_reader_feed(&r, "3\nabc", 5, on_sched, &s) == -EPROTO, "error is sticky");
	ok(mesos_event_reader_eof(&r) == -EPROTO, "eof reports the sticky error");
	mesos_event_reader_finish(&r);
	buf_reset(&b);

	/* SUBSCRIBED missing its required framework_id: unpack refuses it. */
	{
		const char rec[] = { 0x08, 0x01, 0x12, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0x2e, 0x40 };
		recordio_encode(&b, rec, sizeof rec);
		mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
		rc = mesos_event_reader_feed(&r, b.data, b.len, on_sched, &s);
		ok(rc == -EPROTO, "SUBSCRIBED without framework_id: -EPROTO");
		mesos_event_reader_finish(&r);
		buf_reset(&b);
	}
	/* Framing errors come through. */
	mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 100);
	ok(mesos_event_reader_feed(&r, "101\n", 4, on_sched, &s) == -EMSGSIZE,
	   "record over max_record: -EMSGSIZE");
	mesos_event_reader_finish(&r);
	mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
	ok(mesos_event_reader_feed(&r, "-1\n", 3, on_sched, &s) == -EPROTO, "signed length: -EPROTO");
	mesos_event_reader_finish(&r);
	mesos_event_reader_init(&r, &mesos__v1__scheduler__event__descriptor, 0);
	ok(mesos_event_reader_feed(&r, "0\n", 2, on_sched, &s) == -EPROTO, "zero length: -EPROTO");
	mesos_event_reader_finish(&r);

	/* Executor events decode with the executor descriptor. */
	{
		Mesos__V1__Executor__Event e = MESOS__V1__EXECUTOR__EVENT__INIT;
		Mesos__V1__Executor__Event__Acknowledged a =
			MESOS__V1__EXECUTOR__EVENT__ACKNOWLEDGED__INIT;
		Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
		uint8_t uuid[16] = { 0 };
		struct seen x = { .n = 0 };
		tid.value = "t";
		a.task_id = &tid;
		a.uuid.len = 16;
		a.uuid.data = uuid;
		e.has_type = 1;
		e.type = MESOS__V1__EXECUTOR__EVENT__TYPE__ACKNOWLEDGED;
		e.acknowledged = &a;
		add(&b, &e.base);
		mesos__v1__executor__event__init(&e);
		e.has_type = 1;
		e.type = MESOS__V1__EXECUTOR__EVENT__TYPE__SHUTDOWN;
		add(&b, &e.base);
		mesos_event_reader_init(&r, &mesos__v1__executor__event__descriptor, 0);
		rc = mesos_event_reader_feed(&r, b.data, b.len, on_exec, &x);
		ok(rc == 0 && x.n == 2 && x.types[0] == 4 && x.types[1] == 7,
		   "executor ACKNOWLEDGED then SHUTDOWN");
		mesos_event_reader_finish(&r);
	}
	buf_finish(&b);
}

int main(void)
{
	test_splits();
	test_bad();
	return done_testing();
}
