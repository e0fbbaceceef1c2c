#include "cluster/json_read.h"

#include "base/buf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RENDER_MAX 60
#define EXACT_MAX 9007199254740992.0  /* 2^53 */

void jr_init(struct jr *r, const char *what, char *err, size_t errlen)
{
	r->what = what;
	r->err = err;
	r->errlen = errlen;
	r->prefix[0] = '\0';
	if (err && errlen)
		err[0] = '\0';
}

void jr_set_prefix(struct jr *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->prefix, sizeof(r->prefix), fmt, ap);
	va_end(ap);
}

void jr_errorf(struct jr *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err || !r->errlen)
		return;
	n = snprintf(r->err, r->errlen, "%s: ", r->what);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void render_string(const char *s, char *out, size_t outlen)
{
	size_t o = 0, i = 0;
	if (outlen < 8) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (; s[i] && i < RENDER_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[5];
		size_t tl;
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			tl = 2;
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
			tl = 4;
		} else {
			tmp[0] = (char)c;
			tl = 1;
		}
		if (o + tl + 5 >= outlen)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
	}
	out[o++] = '"';
	if (s[i] && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void jr_render(const cJSON *v, char *out, size_t outlen)
{
	if (!outlen)
		return;
	if (!v) {
		snprintf(out, outlen, "(nothing)");
	} else if (cJSON_IsString(v)) {
		render_string(v->valuestring, out, outlen);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && fabs(d) < 1e18)
			snprintf(out, outlen, "%.0f", d);
		else
			snprintf(out, outlen, "%.17g", d);
	} else if (cJSON_IsBool(v)) {
		snprintf(out, outlen, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else if (cJSON_IsNull(v)) {
		snprintf(out, outlen, "null");
	} else if (cJSON_IsArray(v)) {
		snprintf(out, outlen, "an array");
	} else if (cJSON_IsObject(v)) {
		snprintf(out, outlen, "an object");
	} else {
		snprintf(out, outlen, "an unknown value");
	}
}

void jr_field_error(struct jr *r, const char *key, const cJSON *value,
		    const char *why)
{
	char shown[RENDER_MAX * 4 + 16];
	jr_render(value, shown, sizeof(shown));
	jr_errorf(r, "field \"%s%s\": %s: %s", r->prefix, key, shown, why);
}

void jr_str_error(struct jr *r, const char *key, const char *value,
		  const char *why)
{
	char shown[RENDER_MAX * 4 + 16];
	render_string(value ? value : "", shown, sizeof(shown));
	jr_errorf(r, "field \"%s%s\": %s: %s", r->prefix, key, shown, why);
}

void jr_num_error(struct jr *r, const char *key, unsigned long long value,
		  const char *why)
{
	jr_errorf(r, "field \"%s%s\": %llu: %s", r->prefix, key, value, why);
}

static int missing(struct jr *r, const char *key)
{
	jr_errorf(r, "field \"%s%s\" is missing", r->prefix, key);
	return -EINVAL;
}

int jr_parse(struct jr *r, const void *data, size_t len, size_t max,
	     cJSON **out)
{
	const char *end = NULL;
	cJSON *root;

	*out = NULL;
	if (len == 0 || !data) {
		jr_errorf(r, "empty; want a JSON object");
		return -EINVAL;
	}
	if (len > max) {
		jr_errorf(r, "%zu bytes, more than the limit of %zu", len, max);
		return -E2BIG;
	}
	if (memchr(data, '\0', len)) {
		jr_errorf(r, "holds a NUL byte at offset %zu; want a JSON object",
			  (size_t)((const char *)memchr(data, '\0', len) -
				   (const char *)data));
		return -EINVAL;
	}
	root = cJSON_ParseWithLengthOpts(data, len, &end, false);
	if (!root) {
		size_t at = end ? (size_t)(end - (const char *)data) : 0;
		if (at > len)
			at = len;
		jr_errorf(r, "not valid JSON (error near byte %zu of %zu)", at, len);
		return -EINVAL;
	}
	if (end) {
		size_t at = (size_t)(end - (const char *)data);
		for (; at < len; at++) {
			char c = ((const char *)data)[at];
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
				jr_errorf(r, "not valid JSON (unexpected data at byte %zu of %zu)",
					  at, len);
				cJSON_Delete(root);
				return -EINVAL;
			}
		}
	}
	if (!cJSON_IsObject(root)) {
		char shown[RENDER_MAX * 4 + 16];
		jr_render(root, shown, sizeof(shown));
		jr_errorf(r, "%s: want a JSON object", shown);
		cJSON_Delete(root);
		return -EINVAL;
	}
	*out = root;
	return 0;
}

int jr_version(struct jr *r, const cJSON *root, int supported,
	       const char *too_new, int *major)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "v");
	long long maj = -1;

	if (!v)
		return missing(r, "v");
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d == floor(d) && d >= 1 && d <= 1e6)
			maj = (long long)d;
	} else if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		char *end;
		if (s[0] >= '1' && s[0] <= '9') {
			long long m = strtoll(s, &end, 10);
			if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
				strtoll(end + 1, &end, 10);
			}
			if (*end == '\0' && m <= 1000000)
				maj = m;
		}
	}
	if (maj < 1) {
		jr_field_error(r, "v", v,
			       "must be the contract version, a positive integer or \"MAJOR.MINOR\"");
		return -EINVAL;
	}
	if (maj > supported) {
		if (r->err && r->errlen)
			snprintf(r->err, r->errlen, "%s", too_new);
		return -ENOTSUP;
	}
	if (major)
		*major = (int)maj;
	return 0;
}

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

int jr_str(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	   bool (*valid)(const char *), const char *rule,
	   char *out, size_t outlen)
{
	const cJSON *v = get(obj, key);

	/* An empty string counts as absent: required → "missing". */
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0]))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if (!cJSON_IsString(v)) {
		jr_field_error(r, key, v, "must be a string");
		return -EINVAL;
	}
	if (strlen(v->valuestring) >= outlen) {
		char why[64];
		snprintf(why, sizeof(why), "too long (at most %zu characters)",
			 outlen - 1);
		jr_field_error(r, key, v, why);
		return -EINVAL;
	}
	if (valid && !valid(v->valuestring)) {
		jr_field_error(r, key, v, rule ? rule : "invalid value");
		return -EINVAL;
	}
	memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
	return 1;
}

int jr_uint(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    uint64_t min, uint64_t max, uint64_t *out)
{
	const cJSON *v = get(obj, key);
	double d;

	if (!v || cJSON_IsNull(v))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if (!cJSON_IsNumber(v)) {
		jr_field_error(r, key, v, "must be a number");
		return -EINVAL;
	}
	d = v->valuedouble;
	if (d != floor(d) || d < (double)min || d > (double)max || d > EXACT_MAX) {
		char why[96];
		snprintf(why, sizeof(why), "must be a whole number %llu..%llu",
			 (unsigned long long)min, (unsigned long long)max);
		jr_field_error(r, key, v, why);
		return -EINVAL;
	}
	*out = (uint64_t)d;
	return 1;
}

int jr_u64(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	   uint64_t *out)
{
	const cJSON *v = get(obj, key);

	if (!v || cJSON_IsNull(v))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d != floor(d) || d < 0 || d > EXACT_MAX) {
			jr_field_error(r, key, v,
				       "must be a decimal string (a number only up to 2^53)");
			return -EINVAL;
		}
		*out = (uint64_t)d;
		return 1;
	}
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		uint64_t acc = 0;
		size_t i = 0;
		for (; s[i] >= '0' && s[i] <= '9'; i++) {
			unsigned dgt = (unsigned)(s[i] - '0');
			if (acc > (UINT64_MAX - dgt) / 10) {
				i = 0;
				break;
			}
			acc = acc * 10 + dgt;
		}
		if (i == 0 || s[i] != '\0' || (s[0] == '0' && s[1] != '\0')) {
			jr_field_error(r, key, v,
				       "must be an unsigned 64-bit integer in decimal");
			return -EINVAL;
		}
		*out = acc;
		return 1;
	}
	jr_field_error(r, key, v, "must be an unsigned integer as a decimal string");
	return -EINVAL;
}

int jr_bool(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    bool *out)
{
	const cJSON *v = get(obj, key);

	if (!v || cJSON_IsNull(v))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if (!cJSON_IsBool(v)) {
		jr_field_error(r, key, v, "must be true or false");
		return -EINVAL;
	}
	*out = cJSON_IsTrue(v);
	return 1;
}

int jr_enum(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    const char *const *names, int n, int *out)
{
	const cJSON *v = get(obj, key);
	char why[160];
	size_t o;

	if (!v || cJSON_IsNull(v))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if (cJSON_IsString(v)) {
		for (int i = 0; i < n; i++) {
			if (names[i] && strcmp(names[i], v->valuestring) == 0) {
				*out = i;
				return 1;
			}
		}
	}
	o = (size_t)snprintf(why, sizeof(why), "must be one of");
	for (int i = 0; i < n && o < sizeof(why); i++)
		if (names[i])
			o += (size_t)snprintf(why + o, sizeof(why) - o, " \"%s\"", names[i]);
	jr_field_error(r, key, v, why);
	return -EINVAL;
}

int jr_node(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    int type, const cJSON **out)
{
	const cJSON *v = get(obj, key);

	if (!v || cJSON_IsNull(v))
		return (flags & JR_REQUIRED) ? missing(r, key) : 0;
	if ((type == cJSON_Object && !cJSON_IsObject(v)) ||
	    (type == cJSON_Array && !cJSON_IsArray(v))) {
		jr_field_error(r, key, v, type == cJSON_Object ?
			       "must be a JSON object" : "must be a JSON array");
		return -EINVAL;
	}
	*out = v;
	return 1;
}

int jw_str(cJSON *obj, const char *key, const char *v)
{
	return cJSON_AddStringToObject(obj, key, v) ? 0 : -ENOMEM;
}

int jw_int(cJSON *obj, const char *key, long long v)
{
	/* Written as raw text, not cJSON_AddNumberToObject: cJSON prints a
	 * double with 15 digits whenever that reads back within DBL_EPSILON,
	 * so 8921352816802469 came back as 8921352816802470 (found by
	 * fuzz_registry_record). Integers must round-trip exactly. */
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%lld", v);
	return cJSON_AddRawToObject(obj, key, tmp) ? 0 : -ENOMEM;
}

int jw_u64(cJSON *obj, const char *key, uint64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	return cJSON_AddStringToObject(obj, key, tmp) ? 0 : -ENOMEM;
}

int jw_bool(cJSON *obj, const char *key, bool v)
{
	return cJSON_AddBoolToObject(obj, key, v) ? 0 : -ENOMEM;
}

int jw_finish(cJSON *root, struct buf *out)
{
	char *text;
	int rc;

	if (!root)
		return -ENOMEM;
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!text)
		return -ENOMEM;
	rc = buf_append_str(out, text);
	cJSON_free(text);
	return rc;
}
