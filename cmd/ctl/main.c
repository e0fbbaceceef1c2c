/*
 * etcd-mesos ctl: the operator's tool. Flags, the command table, the help
 * texts and dispatch; the commands live in ctl_read.c and ctl_act.c.
 *
 * Command line: etcd-mesos ctl [flags] <command> [flags]. Flags may come
 * before or after the command word; a command flag that does not apply to
 * the command is a usage error.
 */
#include "ctl.h"
#include "../common.h"
#include "../modes.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>

struct ctl_opts ctl_opts;

/* Where the scheduler is and how to talk to it: every command. */
static struct flag conn_flags[] = {
	{ "scheduler", FLAG_STRING, NULL,
	  "admin URL of the scheduler, e.g. http://host:23400 (wins over --zk)",
	  "ETCD_MESOS_SCHEDULER", &ctl_opts.scheduler, 0, 0 },
	{ "zk", FLAG_STRING, NULL,
	  "find the leading scheduler through ZooKeeper: the scheduler's -zk-framework-persist "
	  "URI, zk://hosts/path", "ZK_PERSIST", &ctl_opts.zk, 0, 0 },
	{ "framework-name", FLAG_STRING, "etcd",
	  "framework name, with --zk (the election is <path>/<name>/leader)",
	  "FRAMEWORK_NAME", &ctl_opts.framework_name, 0, 0 },
	{ "token", FLAG_STRING, NULL, "admin bearer token (never printed)",
	  "ETCD_MESOS_ADMIN_TOKEN", &ctl_opts.token, FLAG_SECRET, 0 },
	{ "token-file", FLAG_STRING, NULL, "file holding the admin bearer token",
	  NULL, &ctl_opts.token_file, 0, 0 },
	{ "ca-file", FLAG_STRING, NULL,
	  "PEM CAs to verify an https:// scheduler (default: the system's)",
	  NULL, &ctl_opts.ca_file, 0, 0 },
	{ "request-timeout", FLAG_DURATION, "10s",
	  "deadline of each request (and of finding the leader in ZooKeeper)",
	  NULL, &ctl_opts.request_timeout_ms, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

/* Flags of some commands only (see struct ctl_command.flags). */
static struct flag cmd_flags[] = {
	{ "json", FLAG_BOOL, "false", "print the scheduler's JSON instead of text",
	  NULL, &ctl_opts.json, 0, 0 },
	{ "yes", FLAG_BOOL, "false", "do not ask for confirmation (needed without a terminal)",
	  NULL, &ctl_opts.yes, 0, 0 },
	{ "peers", FLAG_BOOL, "false", "peer URLs instead of client URLs",
	  NULL, &ctl_opts.peers, 0, 0 },
	{ "members", FLAG_INT, "0", "voting members to wait for (0: any number)",
	  NULL, &ctl_opts.members, 0, 0 },
	{ "timeout", FLAG_DURATION, NULL,
	  "give up waiting after this long (wait: 5m, reseed: 10m)",
	  NULL, &ctl_opts.timeout_ms, 0, 0 },
	{ "interval", FLAG_DURATION, "1s", "time between two looks while waiting",
	  NULL, &ctl_opts.interval_ms, 0, 0 },
	{ "no-wait", FLAG_BOOL, "false", "return once the reseed has started",
	  NULL, &ctl_opts.no_wait, 0, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};

static struct flag *const tables[] = { conn_flags, cmd_flags, common_flags, NULL };

struct ctl_command {
	const char *name;
	int (*run)(struct ctl *c);
	const char *flags;    /* command flags it takes, space separated */
	const char *summary;
	const char *help;     /* what it does and its exit statuses */
};

static const struct ctl_command commands[] = {
	{ "status", ctl_cmd_status, "json", "healthy or not and why, leaders, members, reseed",
	  "Prints the cluster's health (and the reason when unhealthy), the scheduler's\n"
	  "state, whether a reseed runs, the scheduler and etcd leaders, counters and the\n"
	  "member table, from GET /stats and GET /membership. --json prints\n"
	  "{\"stats\": ..., \"members\": ...}.\n\n"
	  "Exit status: 0 healthy, 1 unhealthy (or an answer it could not use),\n"
	  "2 scheduler unreachable or usage error.\n" },
	{ "stats", ctl_cmd_stats, "json", "the scheduler's counters (GET /stats)",
	  "Prints GET /stats as a list: healthy, reason, state, leader, reseeding,\n"
	  "running/launched/failed servers, livelocks, reseeds, framework id, uptime.\n"
	  "--json re-prints the scheduler's JSON.\n\n"
	  "Exit status: 0 printed, 1 bad answer, 2 scheduler unreachable or usage error.\n" },
	{ "members", ctl_cmd_members, "json", "the etcd members (GET /membership)",
	  "Prints GET /membership as a table: name, host, state, role (leader, follower,\n"
	  "learner), client URL, peer port, raft index, agent. --json re-prints the\n"
	  "scheduler's JSON.\n\n"
	  "Exit status: 0 printed, 1 bad answer, 2 scheduler unreachable or usage error.\n" },
	{ "health", ctl_cmd_health, "", "exit 0 healthy, 1 unhealthy, 2 unreachable",
	  "Asks GET /healthz and prints one word: \"healthy\", \"unhealthy: <reason>\"\n"
	  "(reason from /stats), \"unreachable\" (the error goes to stderr). For scripts\n"
	  "and monitors.\n\n"
	  "Exit status: 0 healthy (HTTP 200), 1 unhealthy (HTTP 500, or any other\n"
	  "answer), 2 unreachable (no answer: nothing listening, timeout, no leader in\n"
	  "ZooKeeper) or usage error.\n" },
	{ "endpoints", ctl_cmd_endpoints, "peers", "client URLs for ETCDCTL_ENDPOINTS",
	  "Prints the members' client URLs, comma separated, ready for\n"
	  "  export ETCDCTL_ENDPOINTS=$(etcd-mesos ctl endpoints)\n"
	  "Learners are left out (they refuse most client calls). --peers prints peer\n"
	  "URLs (host and peerPort, with the client URL's scheme).\n\n"
	  "Exit status: 0 printed, 1 no member has such a URL or bad answer,\n"
	  "2 scheduler unreachable or usage error.\n" },
	{ "reseed", ctl_cmd_reseed, "json yes timeout interval no-wait",
	  "rebuild a cluster that lost quorum from its best member",
	  "Shows the dry-run plan first (GET /reseed?dry_run=1: the ranking of the\n"
	  "surviving members and the chosen one), asks for confirmation on the terminal\n"
	  "(type \"yes\") unless --yes, then POST /reseed (with the bearer token) and waits\n"
	  "with a progress line on stderr until the scheduler reports a healthy cluster\n"
	  "and no reseed running, or until --timeout (default 10m). --no-wait returns once\n"
	  "it has started. Without a terminal on stdin and without --yes it refuses.\n"
	  "A standby that answers 503 naming the leader is left for that leader, once.\n\n"
	  "Exit status: 0 reseeded and healthy (or started, with --no-wait), 1 refused\n"
	  "(409: one already runs; 401/403: bad token; other errors), 2 scheduler\n"
	  "unreachable or usage error, 3 --timeout passed, 4 not confirmed.\n" },
	{ "wait", ctl_cmd_wait, "members timeout interval",
	  "wait until healthy (with --members N)",
	  "Polls GET /stats (and GET /membership with --members N) every --interval until\n"
	  "the cluster is healthy and, with --members N, has at least N voting (non-learner)\n"
	  "members; shows a progress line on stderr. A scheduler that does not answer\n"
	  "is asked again until the deadline (it may be failing over); found through\n"
	  "--zk, the election is read again then, so ctl follows a new leader.\n\n"
	  "Exit status: 0 healthy, 2 no scheduler found in ZooKeeper at the start\n"
	  "or usage error, 3 --timeout (default 5m) passed first (the last state is\n"
	  "named).\n" },
	{ "teardown", ctl_cmd_teardown, "json yes",
	  "kill every task and remove the framework (final)",
	  "Asks for confirmation on the terminal (type \"yes\") unless --yes, then\n"
	  "POST /teardown (with the bearer token): the scheduler kills every etcd task,\n"
	  "unregisters from Mesos, deletes its ZooKeeper state and exits. Without a\n"
	  "terminal on stdin and without --yes it refuses. Cannot be undone.\n\n"
	  "Exit status: 0 torn down, 1 refused (401/403: bad token; other errors),\n"
	  "2 scheduler unreachable or usage error, 4 not confirmed.\n" },
	{ "fresh-cluster", ctl_cmd_fresh, "json yes",
	  "after a total loss only: start a new, empty cluster",
	  "Reads GET /stats; unless it reports a total loss (every member dead and its\n"
	  "task gone) it refuses. Otherwise it shows the recovery steps, asks for\n"
	  "confirmation on the terminal (type \"yes\") unless --yes, then sends\n"
	  "POST /fresh-cluster?confirm=<framework name> (with the bearer token): the\n"
	  "scheduler forgets the dead members and bootstraps a new, EMPTY cluster.\n\n"
	  "Exit status: 0 started, 1 refused (no total loss; 401/403: bad token; other\n"
	  "errors), 2 scheduler unreachable or usage error, 4 not confirmed.\n" },
};

#define NUM_COMMANDS (sizeof commands / sizeof *commands)

static const char exit_text[] =
	"Exit status:\n"
	"  0   success; health, status and wait: the cluster is healthy\n"
	"  1   failure: unhealthy, or the scheduler refused or failed (HTTP 4xx/5xx,\n"
	"      bad token, a reseed already running, an answer that is not the admin API)\n"
	"  2   the scheduler could not be reached (nothing listening, no answer within\n"
	"      --request-timeout, no leader in ZooKeeper); also a usage error (bad flag,\n"
	"      command or argument), as in every mode: the line on stderr says which,\n"
	"      and --check-config checks a command line without connecting anywhere\n"
	"  3   wait, reseed: --timeout passed before the cluster was healthy\n"
	"  4   reseed, teardown, fresh-cluster: not confirmed, or stdin is not a\n"
	"      terminal and no --yes\n";

void ctl_usage(FILE *out)
{
	fprintf(out, "usage: etcd-mesos ctl [flags] <command> [flags]   (also: etcd-mesos-ctl)\n\n"
		     "The operator's tool: asks the scheduler's admin API.\n\ncommands:\n");
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-10s %s\n\n", "help", "help <command>: what it does, its flags, exit statuses");
	fprintf(out,
		"Finding the scheduler: --scheduler URL (or ETCD_MESOS_SCHEDULER); else the\n"
		"leading scheduler's admin URL, read from ZooKeeper: --zk zk://hosts/path and\n"
		"--framework-name NAME read the data of the lowest n_ node under\n"
		"<path>/<NAME>/leader/. An https:// scheduler is verified against --ca-file.\n"
		"Token: --token (or ETCD_MESOS_ADMIN_TOKEN) or --token-file, sent as\n"
		"\"Authorization: Bearer\" on every request; never printed or logged.\n"
		"The libraries' log lines (ZooKeeper's retries...) are shown with -v=1,\n"
		"-logtostderr or -log_dir only; ctl's own errors are one line each.\n\n"
		"flags:\n");
	flags_print_help(out, tables);
	fprintf(out, "\n%s", exit_text);
}

static bool takes_flag(const struct ctl_command *cmd, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = cmd->flags; (p = strstr(p, name)) != NULL; p += n) {
		bool start = p == cmd->flags || p[-1] == ' ';
		if (start && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static void command_usage(FILE *out, const struct ctl_command *cmd)
{
	struct flag own[sizeof cmd_flags / sizeof *cmd_flags];
	size_t n = 0;
	for (struct flag *f = cmd_flags; f->name; f++)
		if (takes_flag(cmd, f->name))
			own[n++] = *f;
	memset(&own[n], 0, sizeof own[n]);
	struct flag *const t[] = { own, conn_flags, NULL };

	fprintf(out, "usage: etcd-mesos ctl [flags] %s", cmd->name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " [--%s%s]", own[i].name, own[i].type == FLAG_BOOL ? "" : "=...");
	fprintf(out, "\n\n%s — %s\n\n%s\nflags:\n", cmd->name, cmd->summary, cmd->help);
	flags_print_help(out, t);
	fprintf(out, "(and the logging flags of `etcd-mesos ctl --help`)\n");
}

static const struct ctl_command *find_command(const char *name)
{
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "etcd-mesos ctl: unknown command \"%s\"; commands:", name);
	for (size_t i = 0; i < NUM_COMMANDS; i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, " help\n");
	return CTL_USAGE;
}

static int help_command(int argc, char **argv, int first)
{
	if (first + 1 >= argc) {
		ctl_usage(stdout);
		return CTL_OK;
	}
	const struct ctl_command *cmd = find_command(argv[first + 1]);
	if (!cmd)
		return unknown_command(argv[first + 1]);
	command_usage(stdout, cmd);
	return CTL_OK;
}

/* Flags of the command line given with the command word taken out, so
 * they may come before or after it. Returns CTL_OK, or an exit status
 * (help printed: *done). */
static int parse_around(const struct ctl_command *cmd, int argc, char **argv, int first,
			bool *done)
{
	char err[512];
	int rc = CTL_OK;
	char **v = calloc((size_t)argc + 1, sizeof *v);
	if (!v) {
		fprintf(stderr, "etcd-mesos ctl: out of memory\n");
		return CTL_FAIL;
	}
	int n = 0;
	for (int i = 0; i < argc; i++)
		if (i != first)
			v[n++] = argv[i];
	int pos = flags_parse(tables, n, v, 1, err, sizeof err);
	if (pos == FLAGS_HELP) {
		command_usage(stdout, cmd);
		*done = true;
	} else if (pos == FLAGS_ERROR) {
		fprintf(stderr, "etcd-mesos ctl %s: %s (see etcd-mesos ctl %s --help)\n",
			cmd->name, err, cmd->name);
		rc = CTL_USAGE;
	} else if (pos < n) {
		fprintf(stderr, "etcd-mesos ctl %s: unexpected argument \"%s\" (see etcd-mesos "
				"ctl %s --help)\n", cmd->name, v[pos], cmd->name);
		rc = CTL_USAGE;
	} else {
		for (struct flag *f = cmd_flags; f->name; f++) {
			if (f->source == FLAG_FROM_CMDLINE && !takes_flag(cmd, f->name)) {
				fprintf(stderr, "etcd-mesos ctl %s: flag --%s does not apply to %s "
						"(see etcd-mesos ctl %s --help)\n",
					cmd->name, f->name, cmd->name, cmd->name);
				rc = CTL_USAGE;
				break;
			}
		}
	}
	free(v);
	return rc;
}

int ctl_main(int argc, char **argv)
{
	char err[512];
	struct ctl c;
	bool done = false;
	int rc;

	int first = flags_parse(tables, argc, argv, 1, err, sizeof err);
	if (first == FLAGS_HELP) {
		ctl_usage(stdout);
		rc = CTL_OK;
		goto out;
	}
	if (first == FLAGS_ERROR) {
		fprintf(stderr, "etcd-mesos ctl: %s (see etcd-mesos ctl --help)\n", err);
		rc = CTL_USAGE;
		goto out;
	}
	if (first >= argc) {
		if (common_opts.check_config) {
			rc = common_print_config("ctl", tables);
			goto out;
		}
		fprintf(stderr, "etcd-mesos ctl: a command is needed (see etcd-mesos ctl --help)\n");
		rc = CTL_USAGE;
		goto out;
	}
	if (strcmp(argv[first], "help") == 0) {
		rc = help_command(argc, argv, first);
		goto out;
	}
	const struct ctl_command *cmd = find_command(argv[first]);
	if (!cmd) {
		rc = unknown_command(argv[first]);
		goto out;
	}
	rc = parse_around(cmd, argc, argv, first, &done);
	if (rc != CTL_OK || done)
		goto out;
	if (common_opts.check_config) {
		rc = common_print_config("ctl", tables);
		goto out;
	}
	common_start_logging("etcd-mesos-ctl");
	/* The libraries' log lines (ZooKeeper's retries above all) would bury
	 * ctl's one-line errors: shown only when asked for. */
	bool quiet = common_opts.v <= 0 && !common_opts.logtostderr &&
		     !common_opts.alsologtostderr &&
		     !(common_opts.log_dir && *common_opts.log_dir);
	FILE *devnull = quiet ? fopen("/dev/null", "we") : NULL;
	if (devnull)
		log_set_stderr_stream(devnull);
	rc = ctl_open(&c, cmd->name);
	if (rc == CTL_OK)
		rc = cmd->run(&c);
	else if (rc == CTL_UNREACHABLE && cmd->run == ctl_cmd_health)
		printf("unreachable\n");  /* health's one word, whatever failed */
	fflush(stdout);
	ctl_close(&c);
	log_shutdown();
	if (devnull) {
		log_set_stderr_stream(NULL);
		fclose(devnull);
	}
out:
	flags_free(tables);
	return rc;
}
