/*
 * tap.h — a tiny TAP producer for C unit tests (after picotest).
 *
 *   ok(cond, "what it shows");
 *   is_int(got, want, "name"); is_str(got, want, "name");
 *   note("free text");
 *   return done_testing();
 *
 * Each check prints one "ok N - name" / "not ok N - name" line; failures
 * add a "# got/want" diagnostic. done_testing() prints the plan and
 * returns the exit status (0 when every check passed).
 */
#ifndef EM_T_TAP_H
#define EM_T_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count_, tap_failed_;

__attribute__((format(printf, 2, 3), unused))
static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	tap_count_++;
	if (!cond)
		tap_failed_++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_count_);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 1, 2), unused))
static void note(const char *fmt, ...)
{
	va_list ap;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		note("  got %lld, want %lld (%s:%d)", g_, w_, __FILE__, __LINE__); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	bool same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
	if (!ok(same_, __VA_ARGS__)) \
		note("  got \"%s\", want \"%s\" (%s:%d)", g_ ? g_ : "(null)", \
		     w_ ? w_ : "(null)", __FILE__, __LINE__); \
} while (0)

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_count_);
	if (tap_failed_)
		printf("# failed %d of %d\n", tap_failed_, tap_count_);
	fflush(stdout);
	return tap_failed_ ? 1 : 0;
}

#endif
