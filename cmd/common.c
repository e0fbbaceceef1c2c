#include "common.h"
#include "base/log.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct common_opts common_opts;

struct flag common_flags[] = {
	{ "log_dir", FLAG_STRING, NULL,
	  "write log files into this directory (glog rules); default: stderr only",
	  NULL, &common_opts.log_dir, 0, 0 },
	{ "logtostderr", FLAG_BOOL, "false", "log to stderr instead of files",
	  NULL, &common_opts.logtostderr, 0, 0 },
	{ "alsologtostderr", FLAG_BOOL, "false", "log to stderr as well as files",
	  NULL, &common_opts.alsologtostderr, 0, 0 },
	{ "stderrthreshold", FLAG_INT, "2",
	  "with -log_dir, also copy lines at or above this severity to stderr (0=INFO..3=FATAL)",
	  NULL, &common_opts.stderrthreshold, 0, 0 },
	{ "v", FLAG_INT, "0", "verbose logging level", "VERBOSITY", &common_opts.v, 0, 0 },
	{ "vmodule", FLAG_STRING, NULL, "per-file verbosity: pattern=N,...",
	  NULL, &common_opts.vmodule, 0, 0 },
	{ "log_backtrace_at", FLAG_STRING, NULL, "accepted for glog compatibility; ignored",
	  NULL, &common_opts.log_backtrace_at, 0, 0 },
	{ "check-config", FLAG_BOOL, "false",
	  "print the resolved configuration as JSON and exit 0 without connecting anywhere",
	  NULL, &common_opts.check_config, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

int common_parse(const char *mode, struct flag *const *tables, int argc,
		 char **argv, void (*usage)(FILE *), int *status)
{
	char err[512];
	int rc = flags_parse(tables, argc, argv, 1, err, sizeof err);
	if (rc == FLAGS_HELP) {
		usage(stdout);
		*status = 0;
		return -1;
	}
	if (rc == FLAGS_ERROR) {
		fprintf(stderr, "etcd-mesos %s: %s\n", mode, err);
		*status = 2;
		return -1;
	}
	*status = 0;
	return rc;
}

void common_start_logging(const char *prog)
{
	struct log_config cfg = {
		.program = prog,
		.log_dir = common_opts.log_dir,
		.logtostderr = common_opts.logtostderr,
		.alsologtostderr = common_opts.alsologtostderr,
		.stderrthreshold = (int)common_opts.stderrthreshold,
		.verbosity = (int)common_opts.v,
		.vmodule = common_opts.vmodule,
	};
	int rc = log_init(&cfg);
	if (rc < 0) {
		cfg.log_dir = NULL;
		log_init(&cfg);
		log_error("cannot write logs to -log_dir=\"%s\": %s; logging to stderr "
			  "(create the directory or fix its permissions)",
			  common_opts.log_dir, strerror(-rc));
	}
}

int common_print_config(const char *mode, struct flag *const *tables)
{
	cJSON *j = flags_to_json(tables);
	if (!j) {
		fprintf(stderr, "etcd-mesos %s: out of memory\n", mode);
		return 1;
	}
	cJSON_AddStringToObject(j, "_mode", mode);
	char *s = cJSON_Print(j);
	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(j);
	return 0;
}
