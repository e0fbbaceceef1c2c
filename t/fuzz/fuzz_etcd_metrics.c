/*
 * fuzz_etcd_metrics — etcd_peers_parse on any /metrics text: it never
 * reads past the text, returns 0, -EPROTO (with a one-line reason and an
 * empty result) and nothing else, keeps at most ETCD_PEERS_MAX views, and
 * every view it keeps has a nonzero id.
 */
#include "etcd/etcd_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* an exact-size copy: ASan sees any read past the end */
	char *text = malloc(size ? size : 1);
	struct etcd_peers p;
	char err[200];

	if (!text)
		return 0;
	memcpy(text, data, size);
	err[0] = '\0';
	int rc = etcd_peers_parse(text, size, &p, err, sizeof err);
	CHECK(rc == 0 || rc == -EPROTO);
	CHECK(p.n <= ETCD_PEERS_MAX);
	if (rc == -EPROTO) {
		CHECK(p.n == 0 && err[0] && !strchr(err, '\n'));
	} else {
		for (size_t i = 0; i < p.n; i++) {
			CHECK(p.peer[i].id != 0);
			CHECK(etcd_peers_find(&p, p.peer[i].id) != NULL);
		}
	}
	free(text);
	return 0;
}
