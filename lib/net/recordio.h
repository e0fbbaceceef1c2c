/*
 * recordio — Mesos RecordIO framing (PROTOCOLS.md A.3): each record is its
 * length in decimal ASCII, one LF, then exactly that many bytes.
 *
 *   record = 1*DIGIT LF <length bytes>     (the length is never 0)
 *
 * Encoder: recordio_encode() appends one framed record to a struct buf.
 *
 * Decoder: fed arbitrary slices of the stream (after HTTP chunked decoding),
 * it hands out complete records one at a time, pull style:
 *
 *   struct recordio_decoder d;
 *   recordio_decoder_init(&d, 16 << 20);
 *   while ((rc = recordio_decoder_next(&d, &p, &n, &rec, &rec_len)) == 1)
 *           handle(rec, rec_len);
 *   if (rc < 0) -> drop the connection
 *   ... on EOF: recordio_decoder_eof(&d) < 0 means the stream was cut
 *   recordio_decoder_finish(&d);
 *
 * A record that lies whole inside the slice is handed out in place (no
 * copy); one split across slices is gathered in the decoder's own buffer.
 * Either way *rec stays valid until the next call on the decoder (and
 * while the caller's slice stays valid, for an in-place record). The
 * decoder owns its buffer (recordio_decoder_finish frees it); it never
 * keeps a pointer into the caller's slices between calls.
 *
 * Checks, all made before a byte of the record is buffered:
 *   - the length line is ASCII digits only, at most RECORDIO_MAX_DIGITS of
 *     them (leading zeros count), ended by LF; anything else (a sign,
 *     a space, CR, leading garbage) is -EPROTO;
 *   - a length of 0 is -EPROTO; a length over max_record is -EMSGSIZE;
 *   - an empty length line (a lone LF between records) is skipped, as the
 *     Mesos reference reader does.
 * Errors are sticky: after one, every later call returns it again.
 * Nothing here calls back, logs or does I/O.
 */
#ifndef EM_NET_RECORDIO_H
#define EM_NET_RECORDIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define RECORDIO_MAX_DIGITS 20            /* UINT64_MAX has 20 */
#define RECORDIO_DEFAULT_MAX_RECORD (16u << 20)

/* Appends "<len>\n<data>". Returns 0, -EINVAL for len == 0 (the format
 * cannot carry an empty record), or -ENOMEM (out unchanged). */
int recordio_encode(struct buf *out, const void *data, size_t len);

struct recordio_decoder {
	uint64_t max_record;   /* set by init */
	int state;             /* private */
	int error;             /* private: sticky error */
	uint64_t want;         /* private: length of the current record */
	unsigned digits;       /* private: digits seen on the length line */
	struct buf rec;        /* private: a record split across slices */
	uint64_t records;      /* records handed out so far */
};

/* max_record 0 means RECORDIO_DEFAULT_MAX_RECORD. Allocates nothing. */
void recordio_decoder_init(struct recordio_decoder *d, uint64_t max_record);
/* Frees the buffer; accepts NULL. */
void recordio_decoder_finish(struct recordio_decoder *d);

/* Consumes bytes from the slice (*data, *len), advancing both. Returns
 *   1        a record is complete: *rec, *rec_len give its bytes
 *            (call again with the rest of the slice for the next one);
 *   0        the slice is used up and no record is complete yet;
 *   -EPROTO  malformed length line or a zero length;
 *   -EMSGSIZE a length over max_record;
 *   -ENOMEM  the partial record could not be buffered. */
int recordio_decoder_next(struct recordio_decoder *d, const char **data, size_t *len,
			  const char **rec, size_t *rec_len);

/* The stream ended: 0 if it ended between records (an unfinished empty
 * length line is fine too), -EPROTO if inside a length line or a record,
 * or the sticky error. */
int recordio_decoder_eof(const struct recordio_decoder *d);

#endif
