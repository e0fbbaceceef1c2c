/* etcd v3 gateway JSON: kv range/put, /health, /version. */
#include "etcd/etcd_json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"
#include "etcd/json_get.h"

/* -------------------------------------------------------------------- kv */

static void kv_finish(struct etcd_kv *kv)
{
	if (!kv)
		return;
	free(kv->key);
	free(kv->value);
	memset(kv, 0, sizeof *kv);
}

/* Decodes a base64 field into a NUL-terminated heap copy. */
static int get_b64(const cJSON *obj, const char *key, unsigned char **out,
		   size_t *out_len, const char *what, char *err, size_t errlen)
{
	const char *s;
	int rc;
	*out = NULL;
	*out_len = 0;
	if ((rc = ej_get_str(obj, key, &s, what, err, errlen)))
		return rc;
	size_t n = strlen(s);
	unsigned char *p = malloc(n / 4 * 3 + 1);
	if (!p)
		return -ENOMEM;
	long got = base64_decode(s, n, p, n / 4 * 3);
	if (got < 0) {
		char tmp[48];
		free(p);
		return ej_err(err, errlen, "etcd %s response: %s = %s is not base64",
			      what, key, ej_show(cJSON_GetObjectItemCaseSensitive(obj, key),
						 tmp, sizeof tmp));
	}
	p[got] = 0;
	*out = p;
	*out_len = (size_t)got;
	return 0;
}

static int parse_kv(const cJSON *o, struct etcd_kv *kv, const char *what,
		    char *err, size_t errlen)
{
	char tmp[48];
	int rc;
	memset(kv, 0, sizeof *kv);
	if (!cJSON_IsObject(o))
		return ej_err(err, errlen, "etcd %s response: kv %s is not an "
			      "object", what, ej_show(o, tmp, sizeof tmp));
	if ((rc = get_b64(o, "key", &kv->key, &kv->key_len, what, err, errlen)) ||
	    (rc = get_b64(o, "value", &kv->value, &kv->value_len, what, err, errlen)) ||
	    (rc = ej_get_i64(o, "create_revision", &kv->create_revision, what, err, errlen)) ||
	    (rc = ej_get_i64(o, "mod_revision", &kv->mod_revision, what, err, errlen)) ||
	    (rc = ej_get_i64(o, "version", &kv->version, what, err, errlen)) ||
	    (rc = ej_get_i64(o, "lease", &kv->lease, what, err, errlen)))
		return rc;
	return 0;
}

void etcd_range_finish(struct etcd_range *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_kvs; i++)
		kv_finish(&r->kvs[i]);
	free(r->kvs);
	memset(r, 0, sizeof *r);
}

int etcd_range_parse(const char *body, size_t len, struct etcd_range *out,
		     char *err, size_t errlen)
{
	static const char what[] = "range";
	const cJSON *arr, *it;
	cJSON *root;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	if ((rc = ej_parse_header(root, &out->header, what, err, errlen)) ||
	    (rc = ej_get_bool(root, "more", &out->more, what, err, errlen)) ||
	    (rc = ej_get_i64(root, "count", &out->count, what, err, errlen)) ||
	    (rc = ej_get_array(root, "kvs", &arr, what, err, errlen)))
		goto fail;
	int count = arr ? cJSON_GetArraySize(arr) : 0;
	if (count) {
		if (!(out->kvs = calloc((size_t)count, sizeof *out->kvs))) {
			rc = -ENOMEM;
			goto fail;
		}
		cJSON_ArrayForEach(it, arr) {
			out->n_kvs++;
			if ((rc = parse_kv(it, &out->kvs[out->n_kvs - 1], what, err, errlen)))
				goto fail;
		}
	}
	cJSON_Delete(root);
	return 0;
fail:
	etcd_range_finish(out);
	cJSON_Delete(root);
	return rc;
}

void etcd_put_finish(struct etcd_put *p)
{
	if (!p)
		return;
	kv_finish(&p->prev_kv);
	memset(p, 0, sizeof *p);
}

int etcd_put_parse(const char *body, size_t len, struct etcd_put *out,
		   char *err, size_t errlen)
{
	static const char what[] = "put";
	const cJSON *prev;
	cJSON *root;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	if ((rc = ej_parse_header(root, &out->header, what, err, errlen)) ||
	    (rc = ej_get_object(root, "prev_kv", &prev, what, err, errlen)))
		goto fail;
	if (prev) {
		out->has_prev_kv = true;
		if ((rc = parse_kv(prev, &out->prev_kv, what, err, errlen)))
			goto fail;
	}
	cJSON_Delete(root);
	return 0;
fail:
	etcd_put_finish(out);
	cJSON_Delete(root);
	return rc;
}

/* Adds a base64 string field; n == 0 leaves it out (etcd's default). */
static bool add_b64(cJSON *obj, const char *key, const void *p, size_t n)
{
	if (!n)
		return true;
	size_t cap = base64_encoded_len(n) + 1;
	char *s = malloc(cap);
	if (!s)
		return false;
	base64_encode(p, n, s, cap);
	bool ok = cJSON_AddStringToObject(obj, key, s) != NULL;
	free(s);
	return ok;
}

int etcd_req_range(struct buf *b, const struct etcd_range_req *r)
{
	char lim[24];
	if (!b || !r || !r->key || !r->key_len || r->limit < 0 ||
	    (r->range_end_len && !r->range_end))
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	if (!o || !add_b64(o, "key", r->key, r->key_len) ||
	    (r->range_end && !add_b64(o, "range_end", r->range_end, r->range_end_len)))
		goto nomem;
	snprintf(lim, sizeof lim, "%" PRId64, r->limit);
	if ((r->limit && !cJSON_AddStringToObject(o, "limit", lim)) ||
	    (r->serializable && !cJSON_AddTrueToObject(o, "serializable")) ||
	    (r->keys_only && !cJSON_AddTrueToObject(o, "keys_only")) ||
	    (r->count_only && !cJSON_AddTrueToObject(o, "count_only")))
		goto nomem;
	return ej_emit(b, o);
nomem:
	cJSON_Delete(o);
	return -ENOMEM;
}

int etcd_req_put(struct buf *b, const void *key, size_t key_len,
		 const void *value, size_t value_len, bool prev_kv)
{
	if (!b || !key || !key_len || (value_len && !value))
		return -EINVAL;
	cJSON *o = cJSON_CreateObject();
	if (!o || !add_b64(o, "key", key, key_len) ||
	    !add_b64(o, "value", value, value_len) ||
	    (prev_kv && !cJSON_AddTrueToObject(o, "prev_kv"))) {
		cJSON_Delete(o);
		return -ENOMEM;
	}
	return ej_emit(b, o);
}

int etcd_prefix_range_end(const void *prefix, size_t n, void *out,
			  size_t outlen, size_t *out_len)
{
	const unsigned char *p = prefix;
	unsigned char *o = out;
	if ((n && !prefix) || !out || !out_len || outlen < (n ? n : 1))
		return -EINVAL;
	while (n && p[n - 1] == 0xff)
		n--;
	if (!n) {
		o[0] = 0;
		*out_len = 1;
		return 0;
	}
	memcpy(o, p, n);
	o[n - 1]++;
	*out_len = n;
	return 0;
}

/* ------------------------------------------------------ /health, /version */

int etcd_health_parse(const char *body, size_t len, bool *healthy,
		      char *err, size_t errlen)
{
	static const char what[] = "/health";
	char tmp[48];
	cJSON *root;
	int rc;

	if (!healthy)
		return -EINVAL;
	*healthy = false;
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "health");
	if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0)
		*healthy = true;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0)
		*healthy = false;
	else if (cJSON_IsBool(v))
		*healthy = cJSON_IsTrue(v);
	else
		rc = ej_err(err, errlen, "etcd /health response: health = %s is "
			    "not \"true\" or \"false\"", ej_show(v, tmp, sizeof tmp));
	cJSON_Delete(root);
	return rc;
}

int etcd_version_parse(const char *body, size_t len, struct etcd_version *out,
		       char *err, size_t errlen)
{
	static const char what[] = "/version";
	const char *server, *cluster;
	cJSON *root;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof *out);
	if (!(root = ej_parse_object(body, len, what, err, errlen, &rc)))
		return rc;
	if ((rc = ej_get_str(root, "etcdserver", &server, what, err, errlen)) ||
	    (rc = ej_get_str(root, "etcdcluster", &cluster, what, err, errlen)))
		goto out;
	if (!*server) {
		rc = ej_err(err, errlen, "etcd /version response has no "
			    "etcdserver: is this an etcd client URL?");
		goto out;
	}
	if (str_copy(out->server, server, sizeof out->server) >= sizeof out->server ||
	    str_copy(out->cluster, cluster, sizeof out->cluster) >= sizeof out->cluster) {
		char t1[48], t2[48];
		rc = ej_err(err, errlen, "etcd /version response: %s / %s: too long "
			    "for a version", ej_show(cJSON_GetObjectItemCaseSensitive(
						root, "etcdserver"), t1, sizeof t1),
			    ej_show(cJSON_GetObjectItemCaseSensitive(root, "etcdcluster"),
				    t2, sizeof t2));
	}
out:
	if (rc)
		memset(out, 0, sizeof *out);
	cJSON_Delete(root);
	return rc;
}
