/*
 * event_reader — the body of a Mesos SUBSCRIBE answer, turned into
 * protobuf Events (PROTOCOLS.md A.3): RecordIO framing removed by the
 * incremental decoder in net/recordio.h, each record unpacked with the
 * given protobuf-c descriptor (scheduler or executor Event).
 *
 * Feed it the body bytes in whatever pieces they arrive; for every
 * complete record it calls fn with the unpacked message, then frees the
 * message when fn returns (copy what you keep).
 *
 * Stopping: fn returns 0 to go on, anything else to stop at once;
 * mesos_event_reader_feed() then returns that value without touching the
 * reader again, so fn may free the reader's owner. Errors (the stream is
 * unusable; drop the connection): -EPROTO (bad framing, or a record that
 * is not a valid message of that type — protobuf-c also refuses a missing
 * required field), -EMSGSIZE (record over max_record), -ENOMEM. Errors are
 * sticky. A stream ending mid-record is told by mesos_event_reader_eof().
 *
 * The reader owns its partial-record buffer (finish frees it). No I/O,
 * no logging. Callable inside callbacks.
 */
#ifndef EM_MESOS_EVENT_READER_H
#define EM_MESOS_EVENT_READER_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "net/recordio.h"

typedef int (*mesos_event_fn)(const ProtobufCMessage *msg, void *arg);

struct mesos_event_reader {
	struct recordio_decoder rio;                 /* private */
	const ProtobufCMessageDescriptor *desc;      /* private */
	int error;                                   /* private: sticky */
	uint64_t events;                             /* messages handed out */
};

/* max_record 0 = RECORDIO_DEFAULT_MAX_RECORD. Allocates nothing. */
void mesos_event_reader_init(struct mesos_event_reader *r,
			     const ProtobufCMessageDescriptor *desc, uint64_t max_record);
void mesos_event_reader_finish(struct mesos_event_reader *r);   /* NULL ok */
int mesos_event_reader_feed(struct mesos_event_reader *r, const char *data, size_t len,
			    mesos_event_fn fn, void *arg);
/* 0 if the stream ended between records, else -EPROTO (or the sticky error). */
int mesos_event_reader_eof(const struct mesos_event_reader *r);

#endif
