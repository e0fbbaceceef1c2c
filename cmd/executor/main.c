/* etcd-mesos executor: flag handling, then the run loop (executor.h).
 * Started by a Mesos agent, usually as ./etcd-mesos-executor (a link name
 * etcd-mesos.c maps to this mode). */
#include "../common.h"
#include "../modes.h"
#include "executor.h"
#include "base/log.h"

#include <stdint.h>
#include <stdio.h>

static struct {
	int64_t launch_timeout_ms;
	char *etcd_bin;
	char *etcdctl_bin;
	int64_t log_cap_bytes;
} opts;

static struct flag executor_flags[] = {
	{ "launch-timeout", FLAG_DURATION, "240s",
	  "restart a crashed etcd in place for this long before failing the task",
	  NULL, &opts.launch_timeout_ms, 0, 0 },
	{ "etcd-bin", FLAG_STRING, "./etcd", "etcd binary (the fetched one in the sandbox by default)",
	  NULL, &opts.etcd_bin, 0, 0 },
	{ "etcdctl-bin", FLAG_STRING, "./etcdctl", "etcdctl binary, used for snapshots",
	  NULL, &opts.etcdctl_bin, 0, 0 },
	{ "etcd-log-cap", FLAG_INT, "10485760", "bytes of etcd output kept in the sandbox log files",
	  NULL, &opts.log_cap_bytes, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static struct flag *const tables[] = { executor_flags, common_flags, NULL };

void executor_usage(FILE *out)
{
	fprintf(out, "usage: etcd-mesos executor [flags]   (also: etcd-mesos-executor)\n\n"
		     "Started by a Mesos agent with the MESOS_* environment; runs and\n"
		     "supervises one etcd member.\n\nflags:\n");
	flags_print_help(out, tables);
	fprintf(out, "\nExit status: 0 task ended as asked, 1 failure, 2 usage error.\n");
}

int executor_main(int argc, char **argv)
{
	struct executor_opts eo = { 0 };
	int status, pos;

	if ((pos = common_parse("executor", tables, argc, argv, executor_usage, &status)) < 0)
		return status;
	if (common_opts.check_config) {
		status = common_print_config("executor", tables);
		flags_free(tables);
		return status;
	}
	if (pos < argc) {
		fprintf(stderr, "error: executor: unexpected argument \"%s\" (flags only)\n",
			argv[pos]);
		flags_free(tables);
		return EXIT_USAGE;
	}
	if (opts.launch_timeout_ms <= 0 || opts.log_cap_bytes < 0) {
		fprintf(stderr, "error: executor: -launch-timeout must be positive and "
				"-etcd-log-cap not negative\n");
		flags_free(tables);
		return EXIT_USAGE;
	}
	common_start_logging("etcd-mesos-executor");
	eo.etcd_bin = opts.etcd_bin;
	eo.etcdctl_bin = opts.etcdctl_bin;
	eo.launch_timeout_ms = (uint64_t)opts.launch_timeout_ms;
	eo.log_cap_bytes = (uint64_t)opts.log_cap_bytes;
	status = executor_run(&eo);
	flags_free(tables);
	return status;
}
