/*
 * test_recordio — Mesos RecordIO framing (net/recordio.h): the encoder,
 * the decoder over every split point of sample streams, malformed length
 * lines, the size bound, EOF in the middle, and a random round trip.
 * Every slice is copied in front of a guard page (t/guard.h).
 */
#include "net/recordio.h"
#include "guard.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* Feeds stream in pieces: split at k (two pieces), or byte by byte when
 * k == SIZE_MAX. Records are appended to out separated by '|'. Returns
 * the first error, else recordio_decoder_eof(). */
static int feed(const char *s, size_t n, uint64_t max, size_t k, struct buf *out,
		bool *zero_copy_seen)
{
	struct recordio_decoder d;
	int rc = 0;

	recordio_decoder_init(&d, max);
	buf_reset(out);
	for (size_t off = 0; off < n && rc >= 0; ) {
		size_t piece = k == SIZE_MAX ? 1 : (off < k ? k - off : n - off);
		char *g = guard_dup(s + off, piece);
		const char *p = g, *rec;
		size_t left = piece, rec_len;
		while ((rc = recordio_decoder_next(&d, &p, &left, &rec, &rec_len)) == 1) {
			if (out->len)
				buf_append(out, "|", 1);
			buf_append(out, rec, rec_len);
			if (zero_copy_seen && rec >= g && rec < g + piece)
				*zero_copy_seen = true;
		}
		if (rc == 0 && left != 0)
			rc = -999;   /* 0 must mean "all consumed" */
		guard_free(g, piece);
		off += piece;
	}
	if (rc >= 0)
		rc = recordio_decoder_eof(&d);
	recordio_decoder_finish(&d);
	return rc;
}

static const struct {
	const char *stream;
	int want;
	const char *records;   /* '|'-joined */
	uint64_t max;          /* 0: default */
	size_t len;            /* 0: strlen(stream) */
	size_t rlen;           /* 0: strlen(records) */
} cases[] = {
	{ "5\nhello", 0, "hello" },
	{ "5\nhello6\nworld!", 0, "hello|world!" },
	{ "\n5\nhello\n\n3\nabc", 0, "hello|abc" },
	{ "5\nhello\n", 0, "hello" },
	{ "005\nhello", 0, "hello" },
	{ "00000000000000000005\nhello", 0, "hello" },
	{ "3\na\nb1\n\n", 0, "a\nb|\n" },
	{ "3\na\0b", 0, "a\0b", 0, 5, 3 },
	{ "10\n0123456789", 0, "0123456789", 10 },
	{ "", 0, "" },
	{ "\n\n\n", 0, "" },
	/* malformed */
	{ "0\n", -EPROTO, "" },
	{ "00\n", -EPROTO, "" },
	{ "5\nhello0\n", -EPROTO, "hello" },
	{ "5\r\nhello", -EPROTO, "" },
	{ " 5\nhello", -EPROTO, "" },
	{ "x5\nhello", -EPROTO, "" },
	{ "-5\nhello", -EPROTO, "" },
	{ "+5\nhello", -EPROTO, "" },
	{ "5 \nhello", -EPROTO, "" },
	{ "0x5\nhello", -EPROTO, "" },
	{ "\r\n5\nhello", -EPROTO, "" },
	{ "5\nhelloX", -EPROTO, "hello" },
	{ "000000000000000000001\nx", -EPROTO, "" },
	{ "18446744073709551616\n", -EMSGSIZE, "", UINT64_MAX },
	{ "11\n01234567890", -EMSGSIZE, "", 10 },
	{ "99999999999", -EMSGSIZE, "", 10 },
	{ "16777217\n", -EMSGSIZE, "" },
	/* EOF in the middle */
	{ "5", -EPROTO, "" },
	{ "5\n", -EPROTO, "" },
	{ "5\nhell", -EPROTO, "" },
	{ "5\nhello3\nab", -EPROTO, "hello" },
};

static void test_cases(void)
{
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = cases[i].len ? cases[i].len : strlen(cases[i].stream);
		size_t rl = cases[i].rlen ? cases[i].rlen : strlen(cases[i].records);
		size_t bad = 0;
		int first = 1;
		for (size_t k = 0; k <= n + 1; k++) {
			int rc = feed(cases[i].stream, n, cases[i].max, k == n + 1 ? SIZE_MAX : k,
				      &out, NULL);
			if (first == 1)
				first = rc;
			if (rc != cases[i].want || out.len != rl ||
			    (rl && memcmp(out.data, cases[i].records, rl) != 0))
				bad++;
		}
		ok(bad == 0, "case %zu: %s at all %zu split points (first rc %d)",
		   i, cases[i].want == 0 ? "accepted" : cases[i].want == -EPROTO ? "EPROTO" :
		   "EMSGSIZE", n + 2, first);
	}
	buf_finish(&out);
}

static void test_api(void)
{
	struct buf b = BUF_INIT;
	ok(recordio_encode(&b, "hello", 5) == 0 && b.len == 7 && memcmp(b.data, "5\nhello", 7) == 0,
	   "encode one record");
	ok(recordio_encode(&b, "0123456789", 10) == 0 && b.len == 20 &&
	   memcmp(b.data + 7, "10\n0123456789", 13) == 0, "encode appends");
	is_int(recordio_encode(&b, "", 0), -EINVAL, "an empty record cannot be encoded");
	ok(b.len == 20, "a refused record leaves the buffer alone");

	/* zero copy: a record whole inside one slice points into it */
	struct buf out = BUF_INIT;
	bool zc = false;
	feed(b.data, b.len, 0, b.len, &out, &zc);
	ok(zc, "a record inside one slice is handed out in place");
	zc = false;
	feed(b.data, b.len, 0, SIZE_MAX, &out, &zc);
	ok(!zc && out.len == 16, "byte by byte, records come from the decoder's buffer");

	/* errors are sticky, record counter */
	struct recordio_decoder d;
	const char *p = "2\nab0\n", *rec;
	size_t n = 6, rl;
	recordio_decoder_init(&d, 0);
	ok(d.max_record == RECORDIO_DEFAULT_MAX_RECORD, "max 0 means the default");
	is_int(recordio_decoder_next(&d, &p, &n, &rec, &rl), 1, "first record");
	ok(rl == 2 && memcmp(rec, "ab", 2) == 0 && n == 2 && d.records == 1, "it is \"ab\"");
	is_int(recordio_decoder_next(&d, &p, &n, &rec, &rl), -EPROTO, "then a zero length");
	const char *q = "1\nx";
	size_t qn = 3;
	is_int(recordio_decoder_next(&d, &q, &qn, &rec, &rl), -EPROTO, "the error sticks");
	is_int(recordio_decoder_eof(&d), -EPROTO, "also at EOF");
	recordio_decoder_finish(&d);
	recordio_decoder_finish(NULL);

	/* the size bound holds before anything is buffered */
	recordio_decoder_init(&d, 1000);
	p = "1001";
	n = 4;
	is_int(recordio_decoder_next(&d, &p, &n, &rec, &rl), -EMSGSIZE,
	       "length over max refused on its digits");
	ok(d.rec.cap == 0, "nothing was allocated");
	recordio_decoder_finish(&d);

	buf_finish(&b);
	buf_finish(&out);
}

/* Random records, random slices: what goes in comes out. */
static void test_round_trip(void)
{
	struct buf stream = BUF_INIT, joined = BUF_INIT, got = BUF_INIT;
	unsigned seed = 12345;
	size_t nrec = 0;

	for (int i = 0; i < 300; i++) {
		size_t len = 1 + (size_t)(rand_r(&seed) % (i % 10 == 0 ? 70000 : 300));
		char *r = malloc(len);
		for (size_t j = 0; j < len; j++)
			r[j] = (char)rand_r(&seed);
		recordio_encode(&stream, r, len);
		buf_appendf(&joined, "%zu:", len);
		buf_append(&joined, r, len);
		free(r);
		nrec++;
	}

	struct recordio_decoder d;
	recordio_decoder_init(&d, 100000);
	size_t off = 0, seen = 0;
	int rc = 0;
	while (off < stream.len && rc >= 0) {
		size_t piece = 1 + (size_t)(rand_r(&seed) % 5000);
		if (piece > stream.len - off)
			piece = stream.len - off;
		char *g = guard_dup(stream.data + off, piece);
		const char *p = g, *rec;
		size_t left = piece, rl;
		while ((rc = recordio_decoder_next(&d, &p, &left, &rec, &rl)) == 1) {
			buf_appendf(&got, "%zu:", rl);
			buf_append(&got, rec, rl);
			seen++;
		}
		guard_free(g, piece);
		off += piece;
	}
	ok(rc == 0 && recordio_decoder_eof(&d) == 0 && seen == nrec && d.records == nrec &&
	   got.len == joined.len && memcmp(got.data, joined.data, got.len) == 0,
	   "round trip of %zu random records (%zu bytes) in random slices", nrec, stream.len);
	recordio_decoder_finish(&d);
	buf_finish(&stream);
	buf_finish(&joined);
	buf_finish(&got);
}

int main(void)
{
	test_cases();
	test_api();
	test_round_trip();
	return done_testing();
}
