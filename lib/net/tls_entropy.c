/*
 * tls_entropy — mbedtls_hardware_poll() on getrandom(2).
 *
 * Only for static builds whose mbedTLS is configured with
 * MBEDTLS_NO_PLATFORM_ENTROPY and MBEDTLS_ENTROPY_HARDWARE_ALT (see
 * TOOLCHAIN.md): that mbedTLS has no entropy source of its own and calls
 * this function. lib/net/meson.build adds the file only when
 * deps_prefix is set (scripts/build-static); a Debian mbedTLS provides
 * its own platform source and never calls it.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
	size_t got = 0;
	(void)data;
	while (got < len) {
		ssize_t n = getrandom(output + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*olen = got;
			return -1; /* mbedTLS treats non-zero as a failed source */
		}
		got += (size_t)n;
	}
	*olen = got;
	return 0;
}
