/*
 * fuzz_registry_record — the decoder of a member's registry record as
 * read from ZooKeeper (lib/cluster/registry_record.h). Whatever decodes
 * validates, re-encodes and decodes back to the same struct; every
 * refusal is one line in the documented shape.
 */
#include "base/buf.h"
#include "cluster/registry_record.h"

#include <errno.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct registry_record a, b;
	struct buf out = BUF_INIT;
	char err[512];
	int rc = registry_record_decode(&a, data, size, err, sizeof(err));

	if (rc < 0) {
		CHECK(rc == -EINVAL || rc == -E2BIG || rc == -ENOTSUP || rc == -ENOMEM);
		CHECK(!strchr(err, '\n'));
		if (rc == -ENOTSUP)
			CHECK(strcmp(err, REGISTRY_RECORD_TOO_NEW) == 0);
		else if (rc != -ENOMEM)
			CHECK(strncmp(err, "registry record: ", 17) == 0);
		CHECK(a.name[0] == '\0');
		return 0;
	}
	CHECK(registry_record_check(&a, err, sizeof(err)) == 0);
	CHECK(registry_record_encode(&a, &out, err, sizeof(err)) == 0);
	CHECK(registry_record_decode(&b, out.data, out.len, err, sizeof(err)) == 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	buf_finish(&out);
	return 0;
}
