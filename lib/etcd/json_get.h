/*
 * json_get — internal helpers of lib/etcd's JSON code (not for other
 * areas). Getters read one field of a cJSON object with the gateway's
 * conventions (absent or null = zero/false/""/empty; 64-bit numbers as
 * decimal strings) and return 0 or -EPROTO with a one-line reason in err
 * naming `what` (the endpoint), the field and the value. Pointers returned
 * by ej_get_str/array/object point into the cJSON tree.
 */
#ifndef EM_ETCD_JSON_GET_H
#define EM_ETCD_JSON_GET_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "etcd/etcd_json.h"

/* Formats into err (may be NULL) and returns -EPROTO. */
int ej_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A JSON value shortened for a message, in tmp (or a literal). */
const char *ej_show(const cJSON *v, char *tmp, size_t n);
/* Parses body, which must be a JSON object; NULL with *rc = -EPROTO. */
cJSON *ej_parse_object(const char *body, size_t len, const char *what,
		       char *err, size_t errlen, int *rc);

int ej_get_u64(const cJSON *obj, const char *key, uint64_t *out,
	       const char *what, char *err, size_t errlen);
int ej_get_i64(const cJSON *obj, const char *key, int64_t *out,
	       const char *what, char *err, size_t errlen);
int ej_get_bool(const cJSON *obj, const char *key, bool *out,
		const char *what, char *err, size_t errlen);
int ej_get_str(const cJSON *obj, const char *key, const char **out,
	       const char *what, char *err, size_t errlen);
int ej_get_array(const cJSON *obj, const char *key, const cJSON **out,
		 const char *what, char *err, size_t errlen);
int ej_get_object(const cJSON *obj, const char *key, const cJSON **out,
		  const char *what, char *err, size_t errlen);
int ej_parse_header(const cJSON *root, struct etcd_header *h,
		    const char *what, char *err, size_t errlen);

/* Copies a JSON list of strings into a heap array. On failure *out and *n
 * still describe what was copied, for ej_free_str_list. */
int ej_dup_str_list(const cJSON *arr, char ***out, size_t *n,
		    const char *what, const char *key, char *err, size_t errlen);
void ej_free_str_list(char **v, size_t n);

/* Appends obj printed compactly to b and deletes obj (NULL obj: -ENOMEM). */
int ej_emit(struct buf *b, cJSON *obj);

#endif
