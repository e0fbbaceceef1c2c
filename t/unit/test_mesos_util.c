/*
 * test_mesos_util.c — stout durations (PROTOCOLS.md C.2), the bounds of
 * the backoff, and the version bits of our v4 uuids (C.4).
 */
#include "tap.h"

#include <errno.h>
#include <stdint.h>

#include "mesos/backoff.h"
#include "mesos/duration.h"
#include "mesos/uuid.h"

static void test_duration(void)
{
	static const struct {
		const char *in;
		int64_t ns;
	} good[] = {
		{ "15mins", 15LL * 60 * 1000000000 },
		{ "2secs", 2000000000LL },
		{ "5secs", 5000000000LL },
		{ "1.5mins", 90000000000LL },
		{ "0secs", 0 },
		{ "100ms", 100000000LL },
		{ "250us", 250000LL },
		{ "7ns", 7 },
		{ "3hrs", 3LL * 3600 * 1000000000 },
		{ "1days", 86400LL * 1000000000 },
		{ "2weeks", 2LL * 604800 * 1000000000 },
		{ "0.5secs", 500000000LL },
		{ "10.25secs", 10250000000LL },
		{ "015secs", 15000000000LL },
	};
	static const char *bad[] = {
		"", "15", "secs", "15 mins", "-2secs", "+2secs", "2sec", "2s", "2SECS", "1.secs",
		".5secs", "1e3ms", "2secs ", " 2secs", "99999999999weeks", "2secs\n", "1,5mins",
		"0x10ms", "15minutes",
	};
	size_t i;
	char err[256];

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t ns = -1;
		int rc = mesos_duration_parse(good[i].in, &ns, err, sizeof err);
		ok(rc == 0 && ns == good[i].ns, "duration \"%s\" = %lld ns (got rc %d, %lld)",
		   good[i].in, (long long)good[i].ns, rc, (long long)ns);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ns = 42;
		err[0] = '\0';
		int rc = mesos_duration_parse(bad[i], &ns, err, sizeof err);
		ok(rc == -EINVAL && ns == 42 && strstr(err, "expected"),
		   "bad duration %zu refused: %s", i, err);
	}
}

static void test_backoff(void)
{
	static const struct {
		uint64_t initial, cap;
	} cases[] = { { 500, 15000 }, { 100, 2000 }, { 1, 1 }, { 3000, 1000 }, { 0, 0 } };
	static const uint32_t rnds[] = { 0, 1, 7, 0x7fffffff, 0xffffffff, 12345 };
	size_t c;

	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct backoff b;
		uint64_t init = cases[c].initial ? cases[c].initial : 1;
		uint64_t cap = cases[c].cap ? cases[c].cap : init;
		uint64_t lo = (init < cap ? init : cap) / 2, max_seen = 0;
		bool in_bounds = true;
		int i;

		backoff_init(&b, cases[c].initial, cases[c].cap);
		for (i = 0; i < 40; i++) {
			uint64_t d = backoff_next(&b, rnds[i % 6]);
			if (d > cap || d < lo)
				in_bounds = false;
			if (d > max_seen)
				max_seen = d;
		}
		ok(in_bounds, "backoff %llu..%llu: 40 delays within [%llu, %llu]",
		   (unsigned long long)cases[c].initial, (unsigned long long)cases[c].cap,
		   (unsigned long long)lo, (unsigned long long)cap);
		backoff_init(&b, cases[c].initial, cases[c].cap);
		for (i = 0; i < 40; i++)
			backoff_next(&b, 0xffffffff);
		ok(backoff_next(&b, 0xffffffff) >= cap / 2, "backoff reaches the cap's half at least");
		backoff_reset(&b);
		ok(backoff_next(&b, 0xffffffff) <= (init < cap ? init : cap),
		   "after reset the first delay is at most the initial step");
		(void)max_seen;
	}
	/* Growth: with the largest jitter each delay doubles until the cap. */
	{
		struct backoff b;
		uint64_t want[] = { 500, 1000, 2000, 4000, 8000, 15000, 15000 };
		size_t i;
		backoff_init(&b, 500, 15000);
		for (i = 0; i < sizeof want / sizeof want[0]; i++) {
			uint64_t d;
			/* rnd = step - half gives the top of [half, step]. */
			d = backoff_next(&b, (uint32_t)(want[i] - want[i] / 2));
			is_int(d, want[i], "step %zu of 500..15000 backoff is %llu", i,
			       (unsigned long long)want[i]);
		}
	}
	/* Spread: the jitter really varies the delay. */
	{
		struct backoff b;
		uint64_t first = 0;
		bool varied = false;
		int i;
		for (i = 0; i < 32; i++) {
			backoff_init(&b, 1000, 15000);
			uint64_t d = backoff_next(&b, backoff_random());
			if (i == 0)
				first = d;
			else if (d != first)
				varied = true;
		}
		ok(varied, "backoff_random() varies the first delay");
	}
}

static void test_uuid(void)
{
	uint8_t b[16], prev[16] = { 0 };
	char text[MESOS_UUID_TEXT];
	int i, all_ok = 1, differ = 0;

	for (i = 0; i < 200; i++) {
		if (mesos_uuid_v4(b) != 0) {
			all_ok = 0;
			break;
		}
		if ((b[6] >> 4) != 4 || (b[8] & 0xC0) != 0x80)
			all_ok = 0;
		if (memcmp(b, prev, 16) != 0)
			differ++;
		memcpy(prev, b, 16);
	}
	ok(all_ok, "200 uuids: version nibble 4, variant bits 10");
	is_int(differ, 200, "200 uuids all differ from the one before");
	memset(b, 0xff, sizeof b);
	mesos_uuid_set_v4_bits(b);
	ok(b[6] == 0x4f && b[8] == 0xbf, "all-ones bytes: b[6]=0x4f b[8]=0xbf");
	memset(b, 0, sizeof b);
	mesos_uuid_set_v4_bits(b);
	ok(b[6] == 0x40 && b[8] == 0x80, "all-zero bytes: b[6]=0x40 b[8]=0x80");
	for (i = 0; i < 16; i++)
		b[i] = (uint8_t)(i * 17);
	mesos_uuid_format(b, 16, text);
	is_str(text, "00112233-4455-6677-8899-aabbccddeeff", "uuid text form");
	mesos_uuid_format(b, 3, text);
	is_str(text, "(3-byte uuid)", "uuid of the wrong length");
}

int main(void)
{
	test_duration();
	test_backoff();
	test_uuid();
	return done_testing();
}
