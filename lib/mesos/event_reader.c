/* event_reader — RecordIO + protobuf event decoding; see event_reader.h. */
#include "mesos/event_reader.h"

#include <errno.h>

void mesos_event_reader_init(struct mesos_event_reader *r,
			     const ProtobufCMessageDescriptor *desc, uint64_t max_record)
{
	recordio_decoder_init(&r->rio, max_record);
	r->desc = desc;
	r->error = 0;
	r->events = 0;
}

void mesos_event_reader_finish(struct mesos_event_reader *r)
{
	if (!r)
		return;
	recordio_decoder_finish(&r->rio);
}

int mesos_event_reader_feed(struct mesos_event_reader *r, const char *data, size_t len,
			    mesos_event_fn fn, void *arg)
{
	const char *rec;
	size_t rec_len;
	int rc;

	if (r->error)
		return r->error;
	while ((rc = recordio_decoder_next(&r->rio, &data, &len, &rec, &rec_len)) == 1) {
		ProtobufCMessage *m = protobuf_c_message_unpack(r->desc, NULL, rec_len,
								(const uint8_t *)rec);
		if (!m) {
			r->error = -EPROTO;
			return -EPROTO;
		}
		r->events++;
		rc = fn(m, arg);
		protobuf_c_message_free_unpacked(m, NULL);
		if (rc != 0)
			return rc;
	}
	return rc;
}

int mesos_event_reader_eof(const struct mesos_event_reader *r)
{
	return r->error ? r->error : recordio_decoder_eof(&r->rio);
}
