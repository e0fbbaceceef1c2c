/*
 * guard.h — copies test input so that it ends right before a PROT_NONE
 * page: a parser reading one byte past the end faults at once instead of
 * reading neighbouring heap (ASan only sees overruns of its own
 * allocations, and a read past a string literal goes unnoticed).
 *
 *   char *p = guard_dup(data, len);   // writable, len bytes, then the guard
 *   ...
 *   guard_free(p, len);
 */
#ifndef EM_T_GUARD_H
#define EM_T_GUARD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t guard_span_(size_t len, size_t *page)
{
	*page = (size_t)sysconf(_SC_PAGESIZE);
	return (len + *page - 1) / *page * *page + *page;
}

__attribute__((unused))
static char *guard_dup(const void *data, size_t len)
{
	size_t page, span = guard_span_(len, &page);
	char *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("guard_dup: mmap");
		abort();
	}
	if (mprotect(base + span - page, page, PROT_NONE) < 0) {
		perror("guard_dup: mprotect");
		abort();
	}
	char *p = base + span - page - len;
	if (len)
		memcpy(p, data, len);
	return p;
}

__attribute__((unused))
static void guard_free(char *p, size_t len)
{
	size_t page, span = guard_span_(len, &page);
	char *base = p + len + page - span;
	munmap(base, span);
}

#endif
