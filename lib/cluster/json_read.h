/*
 * json_read — reading and writing the JSON of the scheduler–executor
 * contract (task data, framework messages, task status data) over cJSON,
 * with errors an operator can act on.
 *
 * Every error is one line starting with what was being read, then the
 * field (with its path inside nested objects) and the offending value:
 *
 *   task data: field "peer_port": 70000: must be a port number 1..65535
 *   task data: field "initial_cluster[1].name" is missing
 *
 * Values are quoted, cut after 60 characters, and any byte that is not
 * printable ASCII is shown as \xNN, so a message is safe to log and to
 * send back to Mesos as a status message.
 *
 * 64-bit integers (member ids, raft indexes, sizes) travel as decimal
 * strings, as etcd's own JSON gateway sends them: a JSON number is a
 * double and loses precision past 2^53. Readers accept both forms; a
 * number is accepted only when it is an exact integer no larger than 2^53.
 *
 * Ownership: the readers copy into caller-owned buffers; jr_parse hands
 * back a cJSON tree the caller deletes with cJSON_Delete. The writers
 * add to a caller-owned tree. Nothing here keeps state between calls
 * except cJSON's own (single thread).
 *
 * Return values of the field readers: 1 = present and valid (stored),
 * 0 = absent and optional (nothing stored), -EINVAL = missing and
 * required, wrong type or invalid (message in the reader's err). A JSON
 * null and, for strings, "" count as absent. Writers return 0 or -ENOMEM.
 */
#ifndef EM_CLUSTER_JSON_READ_H
#define EM_CLUSTER_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct buf;

struct jr {
	const char *what;   /* "task data", "framework message", ... */
	char *err;          /* caller's buffer; may be NULL */
	size_t errlen;
	char prefix[64];    /* "tls." or "initial_cluster[2]." while nested */
};

#define JR_REQUIRED 0x1u

void jr_init(struct jr *r, const char *what, char *err, size_t errlen);
void jr_set_prefix(struct jr *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jr_errorf(struct jr *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "task data: field \"<prefix><key>\": <value>: <why>" */
void jr_field_error(struct jr *r, const char *key, const cJSON *value,
		    const char *why);

/* The same for a value held in a C struct (encoders validate too). */
void jr_str_error(struct jr *r, const char *key, const char *value,
		  const char *why);
void jr_num_error(struct jr *r, const char *key, unsigned long long value,
		  const char *why);

/* Renders a JSON value for an error message (see above). */
void jr_render(const cJSON *v, char *out, size_t outlen);

/* Parses len bytes (not NUL-terminated) that must hold one JSON object
 * and nothing else but white space. Refuses more than max bytes and NUL
 * bytes. Returns 0 and *out, or -EINVAL / -E2BIG / -ENOMEM with err. */
int jr_parse(struct jr *r, const void *data, size_t len, size_t max,
	     cJSON **out);

/* The contract version "v": a JSON integer N (major N), or a string
 * "N" or "N.M". Returns 0 with *major (>= 1), -EINVAL (missing or
 * malformed), or -ENOTSUP when major > supported: err then holds exactly
 * too_new, with no prefix. */
int jr_version(struct jr *r, const cJSON *root, int supported,
	       const char *too_new, int *major);

int jr_str(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	   bool (*valid)(const char *), const char *rule,
	   char *out, size_t outlen);
/* A JSON number, exact integer in [min, max]. */
int jr_uint(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    uint64_t min, uint64_t max, uint64_t *out);
/* A decimal string or an exact JSON integer <= 2^53. */
int jr_u64(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	   uint64_t *out);
int jr_bool(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    bool *out);
/* A string that must be one of names[0..n-1]; stores its index. */
int jr_enum(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    const char *const *names, int n, int *out);
/* An object or array member ("type" is cJSON_Object or cJSON_Array);
 * stores a borrowed pointer into the tree. */
int jr_node(struct jr *r, const cJSON *obj, const char *key, unsigned flags,
	    int type, const cJSON **out);

int jw_str(cJSON *obj, const char *key, const char *v);
int jw_int(cJSON *obj, const char *key, long long v);
int jw_u64(cJSON *obj, const char *key, uint64_t v);  /* decimal string */
int jw_bool(cJSON *obj, const char *key, bool v);
/* Prints root without white space, appends it to out, and deletes root
 * (also on failure). Returns 0 or -ENOMEM. */
int jw_finish(cJSON *root, struct buf *out);

#endif
