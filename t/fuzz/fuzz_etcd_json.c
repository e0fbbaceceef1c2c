/*
 * fuzz_etcd_json — every etcd v3 gateway parser on the same bytes.
 * Whatever the input: the parsers return 0 or a negative errno, fill a
 * one-line error on -EPROTO, own nothing after a failure, and what they
 * return is consistent (counts match arrays, decoded kv lengths fit).
 * The input is not NUL-terminated: the parsers must honour the length.
 */
#include "etcd/etcd_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void check_rc(int rc, const char *err)
{
	CHECK(rc == 0 || rc == -EPROTO || rc == -ENOMEM);
	if (rc == -EPROTO)
		CHECK(err[0] && !strchr(err, '\n'));
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* an exact-size copy, so ASan catches a read past the end */
	char *body = malloc(size ? size : 1), err[256];
	memcpy(body, data, size);

	struct etcd_members m;
	err[0] = 0;
	int rc = etcd_members_parse(body, size, &m, err, sizeof err);
	check_rc(rc, err);
	if (rc)
		CHECK(m.n_members == 0 && m.members == NULL && !m.has_added);
	for (size_t i = 0; i < m.n_members; i++) {
		const struct etcd_member *x = &m.members[i];
		CHECK(x->id != 0 && x->name != NULL);
		CHECK(etcd_members_find_id(&m, x->id) != NULL);
		for (size_t k = 0; k < x->n_peer_urls; k++)
			CHECK(etcd_members_find_peer_url(&m, x->peer_urls[k]) != NULL);
	}
	CHECK(etcd_members_voters(&m) <= m.n_members);
	etcd_members_finish(&m);

	struct etcd_status st;
	err[0] = 0;
	check_rc(etcd_status_parse(body, size, &st, err, sizeof err), err);
	CHECK(st.n_errors <= ETCD_STATUS_MAX_ERRORS);

	struct etcd_error e;
	CHECK(etcd_error_parse(body, size, &e) == 0);
	CHECK(strlen(e.message) < sizeof e.message && e.code >= -1);
	(void)etcd_error_retryable(503, &e);

	struct etcd_range r;
	err[0] = 0;
	rc = etcd_range_parse(body, size, &r, err, sizeof err);
	check_rc(rc, err);
	for (size_t i = 0; i < r.n_kvs; i++)
		CHECK(r.kvs[i].key[r.kvs[i].key_len] == 0 && r.kvs[i].value[r.kvs[i].value_len] == 0);
	etcd_range_finish(&r);

	struct etcd_put p;
	err[0] = 0;
	check_rc(etcd_put_parse(body, size, &p, err, sizeof err), err);
	etcd_put_finish(&p);

	bool healthy;
	err[0] = 0;
	check_rc(etcd_health_parse(body, size, &healthy, err, sizeof err), err);
	struct etcd_version v;
	err[0] = 0;
	check_rc(etcd_version_parse(body, size, &v, err, sizeof err), err);

	free(body);
	return 0;
}
