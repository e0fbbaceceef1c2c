/* etcd-mesos ctl: the operator's tool. */
#include "../common.h"
#include "../modes.h"

#include <stdio.h>

static struct {
	char *scheduler;
	char *zk;
	char *framework_name;
	char *token;
	char *token_file;
	bool json;
	bool yes;
} opts;

static struct flag ctl_flags[] = {
	{ "scheduler", FLAG_STRING, NULL, "admin URL of the scheduler, e.g. http://host:23400",
	  "ETCD_MESOS_SCHEDULER", &opts.scheduler, 0, 0 },
	{ "zk", FLAG_STRING, NULL, "find the leading scheduler through ZooKeeper (zk://hosts/path)",
	  "ZK_PERSIST", &opts.zk, 0, 0 },
	{ "framework-name", FLAG_STRING, "etcd", "framework name, with --zk",
	  "FRAMEWORK_NAME", &opts.framework_name, 0, 0 },
	{ "token", FLAG_STRING, NULL, "admin bearer token", "ETCD_MESOS_ADMIN_TOKEN",
	  &opts.token, FLAG_SECRET, 0 },
	{ "token-file", FLAG_STRING, NULL, "file holding the admin bearer token",
	  NULL, &opts.token_file, 0, 0 },
	{ "json", FLAG_BOOL, "false", "print JSON instead of tables", NULL, &opts.json, 0, 0 },
	{ "yes", FLAG_BOOL, "false", "do not ask for confirmation", NULL, &opts.yes, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static struct flag *const tables[] = { ctl_flags, common_flags, NULL };

void ctl_usage(FILE *out)
{
	fprintf(out, "usage: etcd-mesos ctl [flags] <command>   (also: etcd-mesos-ctl)\n\n"
		     "commands: status stats members health endpoints reseed wait teardown\n\n"
		     "flags:\n");
	flags_print_help(out, tables);
	fprintf(out, "\nExit status: 0 success, 1 failure, 2 usage error.\n");
}

int ctl_main(int argc, char **argv)
{
	int status;
	int first = common_parse("ctl", tables, argc, argv, ctl_usage, &status);

	if (first < 0)
		return status;
	if (common_opts.check_config) {
		status = common_print_config("ctl", tables);
		flags_free(tables);
		return status;
	}
	if (first >= argc) {
		fprintf(stderr, "etcd-mesos ctl: a command is needed\n");
		ctl_usage(stderr);
		flags_free(tables);
		return EXIT_USAGE;
	}
	fprintf(stderr, "etcd-mesos ctl: command \"%s\" is not part of this build yet\n",
		argv[first]);
	flags_free(tables);
	return 1;
}
