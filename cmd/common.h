/*
 * Pieces every mode shares: glog's flags, --check-config, and turning a
 * flag-parse result into an exit status with a one-line message.
 */
#ifndef EM_CMD_COMMON_H
#define EM_CMD_COMMON_H

#include "base/flags.h"

#include <stdbool.h>
#include <stdint.h>

struct common_opts {
	char *log_dir;
	bool logtostderr;
	bool alsologtostderr;
	int64_t stderrthreshold;
	int64_t v;
	char *vmodule;
	char *log_backtrace_at;
	bool check_config;
};

extern struct common_opts common_opts;
/* glog's flags and --check-config; terminated by a NULL name. */
extern struct flag common_flags[];

/* Parses argv[1..] against tables. Returns the index of the first
 * positional argument, or -1 after printing help (exit status in *status:
 * 0 for --help, 2 for a bad flag, with one line on stderr). */
int common_parse(const char *mode, struct flag *const *tables, int argc,
		 char **argv, void (*usage)(FILE *), int *status);

/* Sets up logging from common_opts for program name prog. Failures to use
 * -log_dir are reported on stderr and logging falls back to stderr. */
void common_start_logging(const char *prog);

/* Prints the resolved configuration as JSON (--check-config). Returns 0. */
int common_print_config(const char *mode, struct flag *const *tables);

#endif
