/* Helpers shared by the etcd JSON parsers (internal to lib/etcd). */
#include "etcd/json_get.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"

/* ------------------------------------------------------------- helpers */

int ej_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EPROTO;
}

/* Shows a JSON value in an error message, shortened. */
const char *ej_show(const cJSON *v, char *tmp, size_t n)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	if (!s)
		return v ? "(unprintable)" : "(absent)";
	size_t len = strlen(s);
	if (len >= n && n > 4) {
		memcpy(tmp, s, n - 4);
		memcpy(tmp + n - 4, "...", 4);
	} else {
		str_copy(tmp, s, n);
	}
	cJSON_free(s);
	return tmp;
}

cJSON *ej_parse_object(const char *body, size_t len, const char *what,
		       char *err, size_t errlen, int *rc)
{
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
	if (!root) {
		*rc = ej_err(err, errlen, "etcd %s response is not JSON "
			     "(%zu bytes): check that the URL is an etcd client URL",
			     what, len);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*rc = ej_err(err, errlen, "etcd %s response is not a JSON object",
			     what);
		return NULL;
	}
	*rc = 0;
	return root;
}

/* A uint64 from a decimal string (the gateway's form) or, if small enough
 * to be exact in a double, a bare number. Absent or null reads as 0. */
int ej_get_u64(const cJSON *obj, const char *key, uint64_t *out,
	       const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		if (parse_uint64(v->valuestring, out) == 0)
			return 0;
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d >= 0 && d <= 9007199254740992.0 && d == (double)(uint64_t)d) {
			*out = (uint64_t)d;
			return 0;
		}
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not a "
		      "decimal uint64", what, key, ej_show(v, tmp, sizeof tmp));
}

int ej_get_i64(const cJSON *obj, const char *key, int64_t *out,
	       const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		if (parse_int64(v->valuestring, out) == 0)
			return 0;
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
		    d == (double)(int64_t)d) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not a "
		      "decimal int64", what, key, ej_show(v, tmp, sizeof tmp));
}

int ej_get_bool(const cJSON *obj, const char *key, bool *out,
		const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = false;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return 0;
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not a boolean",
		      what, key, ej_show(v, tmp, sizeof tmp));
}

/* A string field; absent or null reads as "". *out points into obj. */
int ej_get_str(const cJSON *obj, const char *key, const char **out,
	       const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = "";
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		*out = v->valuestring;
		return 0;
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not a string",
		      what, key, ej_show(v, tmp, sizeof tmp));
}

/* An array field; absent or null gives NULL (an empty list). */
int ej_get_array(const cJSON *obj, const char *key, const cJSON **out,
		 const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsArray(v)) {
		*out = v;
		return 0;
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not a list",
		      what, key, ej_show(v, tmp, sizeof tmp));
}

int ej_get_object(const cJSON *obj, const char *key, const cJSON **out,
		  const char *what, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char tmp[48];
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsObject(v)) {
		*out = v;
		return 0;
	}
	return ej_err(err, errlen, "etcd %s response: %s = %s is not an object",
		      what, key, ej_show(v, tmp, sizeof tmp));
}

int ej_parse_header(const cJSON *root, struct etcd_header *h,
		    const char *what, char *err, size_t errlen)
{
	const cJSON *o;
	int rc;
	memset(h, 0, sizeof *h);
	if ((rc = ej_get_object(root, "header", &o, what, err, errlen)) || !o)
		return rc;
	if ((rc = ej_get_u64(o, "cluster_id", &h->cluster_id, what, err, errlen)) ||
	    (rc = ej_get_u64(o, "member_id", &h->member_id, what, err, errlen)) ||
	    (rc = ej_get_i64(o, "revision", &h->revision, what, err, errlen)) ||
	    (rc = ej_get_u64(o, "raft_term", &h->raft_term, what, err, errlen)))
		return rc;
	return 0;
}

/* A list of strings into a NULL-free, heap-allocated array. */
int ej_dup_str_list(const cJSON *arr, char ***out, size_t *n,
		    const char *what, const char *key, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	int count = arr ? cJSON_GetArraySize(arr) : 0;
	if (!count)
		return 0;
	char **v = calloc((size_t)count, sizeof *v);
	if (!v)
		return -ENOMEM;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		char tmp[48];
		if (!cJSON_IsString(it)) {
			int rc = ej_err(err, errlen, "etcd %s response: %s[%zu] = %s "
					"is not a string", what, key, i,
					ej_show(it, tmp, sizeof tmp));
			*out = v;
			*n = i;
			return rc;
		}
		if (!(v[i] = strdup(it->valuestring))) {
			*out = v;
			*n = i;
			return -ENOMEM;
		}
		i++;
	}
	*out = v;
	*n = i;
	return 0;
}

void ej_free_str_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Prints obj into b (compact) and frees obj. */
int ej_emit(struct buf *b, cJSON *obj)
{
	char *s = obj ? cJSON_PrintUnformatted(obj) : NULL;
	int rc = s ? buf_append_str(b, s) : -ENOMEM;
	cJSON_free(s);
	cJSON_Delete(obj);
	return rc;
}
