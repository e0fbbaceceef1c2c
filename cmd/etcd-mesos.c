/*
 * etcd-mesos — one binary, three programs. Dispatch is a plain table
 * (dropbear style): by the first argument, or by the name the binary was
 * invoked as (etcd-mesos-scheduler, ...), so the original project's
 * command lines keep working through a link.
 */
#include "modes.h"
#include "version.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct mode {
	const char *name;
	const char *link_name;
	int (*main)(int argc, char **argv);
	void (*usage)(FILE *out);
	const char *summary;
};

static const struct mode modes[] = {
	{ "scheduler", "etcd-mesos-scheduler", scheduler_main, scheduler_usage,
	  "the Mesos framework: runs, heals and reseeds the etcd cluster" },
	{ "executor", "etcd-mesos-executor", executor_main, executor_usage,
	  "started by a Mesos agent: runs and supervises one etcd member" },
	{ "ctl", "etcd-mesos-ctl", ctl_main, ctl_usage,
	  "operator's tool: status, members, health, reseed, teardown" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: etcd-mesos <mode> [flags]\n\nmodes:\n");
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		fprintf(out, "  %-10s %s\n", modes[i].name, modes[i].summary);
	fprintf(out, "  %-10s %s\n", "version", "print version and linked library versions");
	fprintf(out, "  %-10s %s\n", "help", "help [mode]: flags of a mode");
	fprintf(out, "\nThe binary also runs as etcd-mesos-scheduler, etcd-mesos-executor\n"
		     "and etcd-mesos-ctl when invoked under those names.\n"
		     "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

static const struct mode *find_mode(const char *name, bool by_link)
{
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		if (strcmp(name, by_link ? modes[i].link_name : modes[i].name) == 0)
			return &modes[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *self = argc > 0 && argv[0] ? argv[0] : "etcd-mesos";
	const char *base = strrchr(self, '/');
	base = base ? base + 1 : self;

	const struct mode *m = find_mode(base, true);
	if (m)
		return m->main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *word = argv[1];
	if (strcmp(word, "version") == 0 || strcmp(word, "--version") == 0 ||
	    strcmp(word, "-version") == 0) {
		print_version(stdout);
		return 0;
	}
	if (strcmp(word, "help") == 0 || strcmp(word, "--help") == 0 ||
	    strcmp(word, "-h") == 0) {
		if (argc > 2) {
			m = find_mode(argv[2], false);
			if (!m) {
				fprintf(stderr, "error: unknown mode \"%s\"\n\n", argv[2]);
				usage(stderr);
				return EXIT_USAGE;
			}
			m->usage(stdout);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	m = find_mode(word, false);
	if (!m) {
		fprintf(stderr, "error: unknown mode \"%s\"\n\n", word);
		usage(stderr);
		return EXIT_USAGE;
	}
	return m->main(argc - 1, argv + 1);
}
