/* duration — stout duration strings; see duration.h. */
#include "mesos/duration.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	double ns;
} units[] = {
	{ "ns", 1.0 },
	{ "us", 1e3 },
	{ "ms", 1e6 },
	{ "secs", 1e9 },
	{ "mins", 60e9 },
	{ "hrs", 3600e9 },
	{ "days", 86400e9 },
	{ "weeks", 604800e9 },
};

static int bad(const char *s, const char *why, char *err, size_t errlen)
{
	if (err && errlen > 0) {
		char q[64];
		size_t i, n = 0;
		for (i = 0; s && s[i] && n + 4 < sizeof q; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c >= 0x7f)
				n += (size_t)snprintf(q + n, sizeof q - n, "\\x%02x", c);
			else
				q[n++] = (char)c;
		}
		q[n] = '\0';
		snprintf(err, errlen, "\"%s\": %s (expected a number and a unit "
			 "ns, us, ms, secs, mins, hrs, days or weeks, e.g. \"15mins\")", q, why);
	}
	return -EINVAL;
}

int mesos_duration_parse(const char *s, int64_t *out_ns, char *err, size_t errlen)
{
	const char *p = s;
	double whole = 0, frac = 0, scale = 1;
	bool digits = false;
	size_t i;

	if (!s || !*s)
		return bad(s ? s : "", "empty duration", err, errlen);
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (*p - '0');
		digits = true;
		p++;
	}
	if (!digits)
		return bad(s, "no number", err, errlen);
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return bad(s, "no digit after '.'", err, errlen);
		while (*p >= '0' && *p <= '9') {
			scale /= 10;
			frac += (*p - '0') * scale;
			p++;
		}
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].name) == 0) {
			double ns = (whole + frac) * units[i].ns;
			if (!isfinite(ns) || ns >= 9223372036854775807.0)
				return bad(s, "too large", err, errlen);
			*out_ns = (int64_t)llround(ns);
			return 0;
		}
	}
	return bad(s, *p ? "unknown unit" : "no unit", err, errlen);
}
