/*
 * The modes of the multicall binary. Each mode's main takes the argv that
 * follows its name (argv[0] is the mode's display name) and returns the
 * process exit status. Exit statuses shared by every mode:
 *   0 success, 1 runtime failure, 2 usage error (bad flag or mode).
 */
#ifndef EM_CMD_MODES_H
#define EM_CMD_MODES_H

#include <stdio.h>

#define EXIT_USAGE 2

int scheduler_main(int argc, char **argv);
int executor_main(int argc, char **argv);
int ctl_main(int argc, char **argv);

void scheduler_usage(FILE *out);
void executor_usage(FILE *out);
void ctl_usage(FILE *out);

#endif
