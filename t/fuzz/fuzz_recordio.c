/*
 * fuzz_recordio — the RecordIO decoder. The first byte picks the slice
 * size and a small max_record; the stream is decoded whole and in slices,
 * which must give the same records and the same verdict. Records that
 * came out are encoded again and must decode to themselves.
 */
#include "net/recordio.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Decodes in slices of step bytes; records go to out as "<len>:<bytes>". */
static int run(const char *s, size_t n, size_t step, uint64_t max, struct buf *out,
	       struct buf *reenc)
{
	struct recordio_decoder d;
	int rc = 0;

	recordio_decoder_init(&d, max);
	for (size_t off = 0; off < n && rc >= 0; ) {
		size_t piece = n - off < step ? n - off : step;
		char *copy = malloc(piece);
		memcpy(copy, s + off, piece);
		const char *p = copy, *rec;
		size_t left = piece, rl;
		while ((rc = recordio_decoder_next(&d, &p, &left, &rec, &rl)) == 1) {
			CHECK(rl > 0 && rl <= d.max_record);
			buf_appendf(out, "%zu:", rl);
			buf_append(out, rec, rl);
			if (reenc)
				CHECK(recordio_encode(reenc, rec, rl) == 0);
		}
		CHECK(rc < 0 || left == 0);
		free(copy);
		off += piece;
	}
	if (rc >= 0)
		rc = recordio_decoder_eof(&d);
	recordio_decoder_finish(&d);
	return rc;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = 1 + (data[0] & 15);
	uint64_t max = (data[0] & 16) ? 40 : 0;
	const char *s = (const char *)data + 1;
	size--;

	struct buf a = BUF_INIT, b = BUF_INIT, re = BUF_INIT, c = BUF_INIT;
	int r1 = run(s, size, size ? size : 1, max, &a, &re);
	int r2 = run(s, size, step, max, &b, NULL);
	CHECK(r1 == r2);
	CHECK(a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
	if (re.len) {
		CHECK(run(re.data, re.len, step, max, &c, NULL) == 0);
		CHECK(c.len == a.len && memcmp(c.data, a.data, a.len) == 0);
	}
	buf_finish(&a);
	buf_finish(&b);
	buf_finish(&re);
	buf_finish(&c);
	return 0;
}
