/* uuid — random version-4 UUIDs; see uuid.h. */
#include "mesos/uuid.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

void mesos_uuid_set_v4_bits(uint8_t b[MESOS_UUID_LEN])
{
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
}

int mesos_uuid_v4(uint8_t out[MESOS_UUID_LEN])
{
	ssize_t n;

	do
		n = getrandom(out, MESOS_UUID_LEN, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != MESOS_UUID_LEN)
		return -EIO;
	mesos_uuid_set_v4_bits(out);
	return 0;
}

void mesos_uuid_format(const uint8_t *b, size_t len, char out[MESOS_UUID_TEXT])
{
	size_t i, n = 0;

	if (!b || len != MESOS_UUID_LEN) {
		snprintf(out, MESOS_UUID_TEXT, "(%zu-byte uuid)", len);
		return;
	}
	for (i = 0; i < MESOS_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		n += (size_t)snprintf(out + n, MESOS_UUID_TEXT - n, "%02x", b[i]);
	}
	out[n] = '\0';
}
