/*
 * strutil — strict parsing of numbers, booleans and durations, base64,
 * and a constant-time compare. Parsers take a NUL-terminated string and
 * return 0 or -EINVAL (malformed) / -ERANGE (out of range); they never
 * accept trailing garbage or an empty string.
 */
#ifndef EM_BASE_STRUTIL_H
#define EM_BASE_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int parse_int64(const char *s, int64_t *out);
int parse_uint64(const char *s, uint64_t *out);
int parse_double(const char *s, double *out);
/* true/false, 1/0, t/f, yes/no, on/off (any case). */
int parse_bool(const char *s, bool *out);
/* Go-style duration ("1h2m3.5s", "300ms", "2us", "5ns") or a bare number of
 * seconds ("240", "1.5"); result in milliseconds, rounded down. Negative
 * durations are refused. */
int parse_duration_ms(const char *s, int64_t *out_ms);

/* Standard base64 with padding. encode returns the output length and
 * always NUL-terminates (outlen >= base64_encoded_len(n) + 1 required).
 * decode returns the decoded length or -EINVAL. */
size_t base64_encoded_len(size_t n);
size_t base64_encode(const void *in, size_t n, char *out, size_t outlen);
long base64_decode(const char *in, size_t n, void *out, size_t outlen);

/* Compares without an early exit (tokens, secrets). */
bool ct_streq(const char *a, const char *b);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* snprintf-style copy: always NUL-terminates, returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t dstlen);

#endif
