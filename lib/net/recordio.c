/*
 * recordio.c — Mesos RecordIO encoder and incremental decoder
 * (recordio.h).
 */
#include "net/recordio.h"

#include <errno.h>
#include <stdio.h>

enum { RIO_LEN, RIO_DATA };

int recordio_encode(struct buf *out, const void *data, size_t len)
{
	char head[RECORDIO_MAX_DIGITS + 2];
	int n;

	if (len == 0)
		return -EINVAL;
	n = snprintf(head, sizeof head, "%zu\n", len);
	size_t old = out->len;
	int rc = buf_reserve(out, (size_t)n + len);
	if (rc < 0)
		return rc;
	if ((rc = buf_append(out, head, (size_t)n)) < 0 ||
	    (rc = buf_append(out, data, len)) < 0) {
		out->len = old;
		return rc;
	}
	return 0;
}

void recordio_decoder_init(struct recordio_decoder *d, uint64_t max_record)
{
	d->max_record = max_record ? max_record : RECORDIO_DEFAULT_MAX_RECORD;
	d->state = RIO_LEN;
	d->error = 0;
	d->want = 0;
	d->digits = 0;
	d->records = 0;
	buf_init(&d->rec);
}

void recordio_decoder_finish(struct recordio_decoder *d)
{
	if (!d)
		return;
	buf_finish(&d->rec);
}

static int fail(struct recordio_decoder *d, int err)
{
	d->error = err;
	return err;
}

int recordio_decoder_next(struct recordio_decoder *d, const char **data, size_t *len,
			  const char **rec, size_t *rec_len)
{
	const char *p = *data;
	size_t n = *len;
	int rc = 0;

	if (d->error)
		return d->error;
	if (d->state == RIO_LEN)
		buf_reset(&d->rec);

	while (n > 0) {
		if (d->state == RIO_LEN) {
			unsigned char c = (unsigned char)*p;
			if (c >= '0' && c <= '9') {
				unsigned v = c - '0';
				if (++d->digits > RECORDIO_MAX_DIGITS) {
					rc = fail(d, -EPROTO);
					goto out;
				}
				if (d->want > (UINT64_MAX - v) / 10 ||
				    d->want * 10 + v > d->max_record) {
					rc = fail(d, -EMSGSIZE);
					goto out;
				}
				d->want = d->want * 10 + v;
			} else if (c == '\n') {
				if (d->digits && !d->want) {
					rc = fail(d, -EPROTO);
					goto out;
				}
				if (d->digits)
					d->state = RIO_DATA;
				/* else: an empty length line, skipped */
			} else {
				rc = fail(d, -EPROTO);
				goto out;
			}
			p++;
			n--;
			continue;
		}

		/* RIO_DATA */
		if (d->rec.len == 0 && n >= d->want) {
			*rec = p;
			*rec_len = (size_t)d->want;
			p += d->want;
			n -= (size_t)d->want;
		} else {
			size_t take = (size_t)d->want - d->rec.len;
			if (take > n)
				take = n;
			if ((rc = buf_append(&d->rec, p, take)) < 0) {
				rc = fail(d, rc);
				goto out;
			}
			p += take;
			n -= take;
			if (d->rec.len < d->want)
				continue;
			*rec = d->rec.data;
			*rec_len = d->rec.len;
		}
		d->state = RIO_LEN;
		d->want = 0;
		d->digits = 0;
		d->records++;
		rc = 1;
		goto out;
	}
out:
	*data = p;
	*len = n;
	return rc;
}

int recordio_decoder_eof(const struct recordio_decoder *d)
{
	if (d->error)
		return d->error;
	if (d->state == RIO_LEN && d->digits == 0)
		return 0;
	return -EPROTO;
}
