#ifndef EM_CMD_VERSION_H
#define EM_CMD_VERSION_H
#include <stdio.h>
/* Prints the version, git revision, link kind, libc and the versions of
 * every library linked in. */
void print_version(FILE *out);
#endif
