/* strict parsers, durations, base64, constant-time compare */
#include "base/strutil.h"
#include "tap.h"

#include <errno.h>

int main(void)
{
	int64_t i;
	uint64_t u;
	double d;
	bool b;

	static const struct { const char *in; int rc; int64_t want; } ints[] = {
		{ "0", 0, 0 }, { "-12", 0, -12 }, { "9223372036854775807", 0, INT64_MAX },
		{ "9223372036854775808", -ERANGE, 0 }, { "", -EINVAL, 0 }, { " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
	};
	for (size_t k = 0; k < sizeof ints / sizeof *ints; k++) {
		i = 0;
		int rc = parse_int64(ints[k].in, &i);
		ok(rc == ints[k].rc && (rc || i == ints[k].want), "parse_int64(\"%s\")", ints[k].in);
	}
	ok(parse_uint64("18446744073709551615", &u) == 0 && u == UINT64_MAX,
	   "uint64 max (etcd member ids exceed 2^63)");
	ok(parse_uint64("-1", &u) == -EINVAL, "uint64 refuses a sign");
	ok(parse_double("2.5", &d) == 0 && d == 2.5, "double");
	ok(parse_double("nan", &d) == -EINVAL, "double refuses nan");
	ok(parse_double("1e999", &d) == -ERANGE, "double overflow");

	static const struct { const char *in; int rc; bool want; } bools[] = {
		{ "true", 0, true }, { "TRUE", 0, true }, { "1", 0, true }, { "yes", 0, true },
		{ "false", 0, false }, { "0", 0, false }, { "off", 0, false },
		{ "", -EINVAL, false }, { "tru", -EINVAL, false },
	};
	for (size_t k = 0; k < sizeof bools / sizeof *bools; k++) {
		b = !bools[k].want;
		int rc = parse_bool(bools[k].in, &b);
		ok(rc == bools[k].rc && (rc || b == bools[k].want), "parse_bool(\"%s\")", bools[k].in);
	}

	static const struct { const char *in; int rc; int64_t ms; } durs[] = {
		{ "240", 0, 240000 }, { "1.5", 0, 1500 }, { "10s", 0, 10000 },
		{ "1m30s", 0, 90000 }, { "2h", 0, 7200000 }, { "300ms", 0, 300 },
		{ "1.5m", 0, 90000 }, { "1500us", 0, 1 }, { "0", 0, 0 },
		{ "", -EINVAL, 0 }, { "-1s", -EINVAL, 0 }, { "10", 0, 10000 },
		{ "10x", -EINVAL, 0 }, { "s", -EINVAL, 0 }, { "1s2", -EINVAL, 0 },
	};
	for (size_t k = 0; k < sizeof durs / sizeof *durs; k++) {
		int64_t ms = -1;
		int rc = parse_duration_ms(durs[k].in, &ms);
		ok(rc == durs[k].rc && (rc || ms == durs[k].ms),
		   "parse_duration_ms(\"%s\") = %lld", durs[k].in, (long long)ms);
	}

	static const struct { const char *plain, *enc; } b64[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foobar", "Zm9vYmFy" }, { "/etcd-mesos", "L2V0Y2QtbWVzb3M=" },
	};
	for (size_t k = 0; k < sizeof b64 / sizeof *b64; k++) {
		char out[64], back[64];
		base64_encode(b64[k].plain, strlen(b64[k].plain), out, sizeof out);
		is_str(out, b64[k].enc, "base64 encode \"%s\"", b64[k].plain);
		long n = base64_decode(out, strlen(out), back, sizeof back);
		ok(n == (long)strlen(b64[k].plain) && memcmp(back, b64[k].plain, (size_t)n) == 0,
		   "base64 round trip \"%s\"", b64[k].plain);
	}
	char junk[8];
	ok(base64_decode("Zm9", 3, junk, sizeof junk) == -EINVAL, "base64 length not a multiple of 4");
	ok(base64_decode("Zm=v", 4, junk, sizeof junk) == -EINVAL, "base64 padding in the middle");
	ok(base64_decode("Zm9v!!==", 8, junk, sizeof junk) == -EINVAL, "base64 bad character");
	ok(base64_decode("Zm9vYmFy", 8, junk, 3) == -ENOBUFS, "base64 output bound");

	ok(ct_streq("token", "token"), "ct_streq equal");
	ok(!ct_streq("token", "tokem"), "ct_streq differs");
	ok(!ct_streq("token", "token2"), "ct_streq length differs");
	ok(!ct_streq("", "x") && ct_streq("", ""), "ct_streq empty");
	char small[4];
	ok(str_copy(small, "abcdef", sizeof small) == 6 && strcmp(small, "abc") == 0,
	   "str_copy truncates and terminates");
	static const struct { const char *s, *suffix; bool want; } sfx[] = {
		{ "0000000000000002-0000000000000009.snap", ".snap", true },
		{ "0000000000000009.snap.db", ".snap", false },
		{ ".snap", ".snap", true },
		{ "snap", ".snap", false },
		{ "", "", true },
		{ "x", "", true },
		{ "", "x", false },
	};
	for (size_t k = 0; k < sizeof sfx / sizeof sfx[0]; k++)
		ok(str_has_suffix(sfx[k].s, sfx[k].suffix) == sfx[k].want,
		   "str_has_suffix(\"%s\", \"%s\") is %d", sfx[k].s, sfx[k].suffix, sfx[k].want);
	return done_testing();
}
