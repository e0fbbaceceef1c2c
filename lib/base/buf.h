/*
 * buf — a growable byte buffer, always NUL-terminated past len so text
 * can be handed to C string functions. The caller owns the struct; the
 * buffer owns data (buf_finish frees it). Functions that grow return 0 or
 * -ENOMEM and leave the buffer unchanged on failure.
 */
#ifndef EM_BASE_BUF_H
#define EM_BASE_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_finish(struct buf *b);          /* frees data; accepts NULL */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_appendf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n); /* drops n bytes from the front */
void buf_reset(struct buf *b);             /* len = 0, keeps the memory */
/* Hands data to the caller (who frees it) and resets the buffer. Never
 * returns NULL: an empty buffer yields an allocated "". NULL on ENOMEM. */
char *buf_detach(struct buf *b);

#endif
