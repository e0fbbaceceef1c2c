#include "version.h"
#include "em_config.h"

#include <cjson/cJSON.h>
#include <mbedtls/version.h>
#include <protobuf-c/protobuf-c.h>
#include <zookeeper/zookeeper_version.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

void print_version(FILE *out)
{
	char tls[32] = "";
#if defined(MBEDTLS_VERSION_C)
	mbedtls_version_get_string(tls);
#else
	snprintf(tls, sizeof tls, "%s", MBEDTLS_VERSION_STRING);
#endif
	fprintf(out, "etcd-mesos %s (git %s)\n", EM_VERSION, EM_GIT_REV);
	fprintf(out, "build: %s\n", EM_STATIC ? "static" : "dynamic");
#ifdef __GLIBC__
	fprintf(out, "libc: glibc %s\n", gnu_get_libc_version());
#else
	fprintf(out, "libc: musl\n");
#endif
	fprintf(out, "mbedTLS: %s\n", tls);
	fprintf(out, "cJSON: %s\n", cJSON_Version());
	fprintf(out, "protobuf-c: %s\n", protobuf_c_version());
	fprintf(out, "ZooKeeper C client: %s (single-threaded)\n", ZOO_VERSION);
}
