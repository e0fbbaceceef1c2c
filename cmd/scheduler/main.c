/* etcd-mesos scheduler: flag handling and start-up checks. */
#include "../common.h"
#include "../modes.h"
#include "base/log.h"
#include "config.h"
#include "sched.h"

#include <stdio.h>

static struct flag *const tables[] = { sched_flags, common_flags, NULL };

void scheduler_usage(FILE *out)
{
	fprintf(out, "usage: etcd-mesos scheduler [flags]   (also: etcd-mesos-scheduler)\n\n"
		     "Runs an etcd cluster on Mesos: places members, heals them, reseeds after\n"
		     "quorum loss, and serves the admin API on -admin-port.\n\nflags:\n");
	flags_print_help(out, tables);
	fprintf(out, "\nExit status: 0 stopped cleanly, 1 runtime failure, 2 usage error.\n");
}

int scheduler_main(int argc, char **argv)
{
	int status;
	char err[512];

	if (common_parse("scheduler", tables, argc, argv, scheduler_usage, &status) < 0)
		return status;
	if (sched_config_validate(&sched_config, err, sizeof err) < 0) {
		fprintf(stderr, "etcd-mesos scheduler: %s\n", err);
		flags_free(tables);
		return EXIT_USAGE;
	}
	if (common_opts.check_config) {
		status = common_print_config("scheduler", tables);
		flags_free(tables);
		return status;
	}
	common_start_logging("etcd-mesos-scheduler");
	if (sched_config_check_files(&sched_config, err, sizeof err) < 0) {
		log_error("%s", err);
		flags_free(tables);
		return 1;
	}
	status = sched_run(&sched_config);
	flags_free(tables);
	return status;
}
