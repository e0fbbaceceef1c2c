/*
 * uuid — random version-4 UUIDs for executor status updates
 * (PROTOCOLS.md C.4: the agent refuses a uuid whose version nibble is not
 * 1..5), and their text form for logs.
 *
 * mesos_uuid_v4() reads 16 bytes from getrandom(2) (it never blocks once
 * the kernel pool is initialised, which it is long before an executor
 * runs) and sets the version and variant bits. 0 or a negative errno
 * (-EIO when getrandom returns short).
 * Everything else is pure. All may run inside callbacks.
 */
#ifndef EM_MESOS_UUID_H
#define EM_MESOS_UUID_H

#include <stddef.h>
#include <stdint.h>

#define MESOS_UUID_LEN 16
#define MESOS_UUID_TEXT 37   /* 36 characters + NUL */

int mesos_uuid_v4(uint8_t out[MESOS_UUID_LEN]);
/* b[6] = (b[6] & 0x0F) | 0x40; b[8] = (b[8] & 0x3F) | 0x80. */
void mesos_uuid_set_v4_bits(uint8_t b[MESOS_UUID_LEN]);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; a length other than 16 gives
 * "(N-byte uuid)". */
void mesos_uuid_format(const uint8_t *b, size_t len, char out[MESOS_UUID_TEXT]);

#endif
