/* Flag parser: every syntax, every error, environment fallback, precedence. */
#include "base/flags.h"
#include "tap.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static char *s_name;
static bool b_auto;
static int64_t i_size;
static double f_cpu;
static int64_t d_timeout;
static struct strlist l_peers;
static char *s_secret;
static char *s_logdir;

static struct flag tab[] = {
	{ "framework-name", FLAG_STRING, "etcd", "name", "T_FRAMEWORK_NAME", &s_name, 0, 0 },
	{ "auto-reseed", FLAG_BOOL, "true", "auto", "T_AUTO_RESEED", &b_auto, 0, 0 },
	{ "cluster-size", FLAG_INT, "5", "size", "T_CLUSTER_SIZE", &i_size, 0, 0 },
	{ "sandbox-cpu-limit", FLAG_FLOAT, "4", "cpu", NULL, &f_cpu, 0, 0 },
	{ "timeout", FLAG_DURATION, "1m", "t", NULL, &d_timeout, 0, 0 },
	{ "peers", FLAG_LIST, "a,b", "p", NULL, &l_peers, 0, 0 },
	{ "secret", FLAG_STRING, NULL, "s", NULL, &s_secret, FLAG_SECRET, 0 },
	{ "log_dir", FLAG_STRING, NULL, "dir", NULL, &s_logdir, FLAG_HIDDEN, 0 },
	{ NULL, 0, NULL, NULL, NULL, NULL, 0, 0 },
};
static struct flag *const tables[] = { tab, NULL };

static int parse(char *err, size_t errlen, int argc, char **argv)
{
	return flags_parse(tables, argc, argv, 1, err, errlen);
}

#define ARGV(...) (char *[]){ "prog", __VA_ARGS__, NULL }
#define ARGC(...) ((int)(sizeof((char *[]){ "prog", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) parse(err, sizeof err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

int main(void)
{
	char err[512];
	int rc;

	unsetenv("T_FRAMEWORK_NAME");
	unsetenv("T_AUTO_RESEED");
	unsetenv("T_CLUSTER_SIZE");

	rc = flags_parse(tables, 1, (char *[]){ "prog", NULL }, 1, err, sizeof err);
	is_int(rc, 1, "no arguments: first positional is argc");
	is_str(s_name, "etcd", "string default");
	ok(b_auto, "bool default true");
	is_int(i_size, 5, "int default");
	ok(f_cpu == 4.0, "float default");
	is_int(d_timeout, 60000, "duration default 1m = 60000 ms");
	is_int(l_peers.n, 2, "list default has two items");

	/* every syntax */
	rc = PARSE("-framework-name=one");
	is_str(s_name, "one", "-name=value");
	rc = PARSE("--framework-name=two");
	is_str(s_name, "two", "--name=value");
	rc = PARSE("-framework-name", "three");
	is_str(s_name, "three", "-name value");
	rc = PARSE("--framework-name", "four");
	is_str(s_name, "four", "--name value");
	is_int(rc, 3, "--name value consumes two words");
	rc = PARSE("-framework_name=five");
	is_str(s_name, "five", "underscore and dash are the same");
	rc = PARSE("-log-dir=/x");
	is_int(rc, 2, "-log-dir matches log_dir");

	rc = PARSE("-auto-reseed=false");
	ok(rc == 2 && !b_auto, "-bool=false");
	rc = PARSE("-auto-reseed=false", "-auto-reseed");
	ok(rc == 3 && b_auto, "bare bool sets true");
	rc = PARSE("-auto-reseed=false", "--auto-reseed", "next");
	ok(rc == 3 && b_auto, "bare bool never takes the next word as its value");
	rc = PARSE("-auto-reseed=0");
	ok(rc == 2 && !b_auto, "bool accepts 0");

	rc = PARSE("-cluster-size=3", "-sandbox-cpu-limit=0.5", "-timeout=1m30s");
	ok(rc == 4 && i_size == 3 && f_cpu == 0.5 && d_timeout == 90000,
	   "int, float and duration values");
	rc = PARSE("-sandbox-cpu-limit=60*60*24*7");
	ok(rc == 2 && f_cpu == 604800.0, "numeric product as in the original's image (60*60*24*7)");
	rc = PARSE("-cluster-size=2*3");
	ok(rc == 2 && i_size == 6, "int product");
	rc = PARSE("-cluster-size=2**3");
	ok(rc == FLAGS_ERROR, "malformed product refused");
	rc = PARSE("-timeout=240");
	is_int(d_timeout, 240000, "bare number duration means seconds");
	rc = PARSE("-timeout=250ms");
	is_int(d_timeout, 250, "milliseconds duration");

	rc = PARSE("-peers=x,y,z");
	ok(rc == 2 && l_peers.n == 3, "list replaces the default");
	rc = PARSE("-peers=x", "-peers=y,z");
	ok(rc == 3 && l_peers.n == 3 && strcmp(l_peers.v[2], "z") == 0,
	   "repeated list flags append");

	rc = PARSE("-cluster-size=3", "scheduler-arg", "-cluster-size=7");
	ok(rc == 2 && i_size == 3, "parsing stops at the first positional word");
	rc = PARSE("-cluster-size=3", "--", "-cluster-size=7");
	ok(rc == 3 && i_size == 3, "parsing stops after --");

	/* errors: one line naming the flag and the value */
	rc = PARSE("-nope=1");
	ok(rc == FLAGS_ERROR && strstr(err, "-nope"), "unknown flag named: %s", err);
	rc = PARSE("-framework-name");
	ok(rc == FLAGS_ERROR && strstr(err, "framework-name") && strstr(err, "needs a value"),
	   "missing value: %s", err);
	rc = PARSE("-cluster-size=three");
	ok(rc == FLAGS_ERROR && strstr(err, "cluster-size") && strstr(err, "three"),
	   "malformed int: %s", err);
	rc = PARSE("-cluster-size=99999999999999999999");
	ok(rc == FLAGS_ERROR && strstr(err, "out of range"), "int overflow: %s", err);
	rc = PARSE("-sandbox-cpu-limit=4x");
	ok(rc == FLAGS_ERROR && strstr(err, "4x"), "malformed float: %s", err);
	rc = PARSE("-auto-reseed=maybe");
	ok(rc == FLAGS_ERROR && strstr(err, "maybe") && strstr(err, "true or false"),
	   "malformed bool: %s", err);
	rc = PARSE("-timeout=5 parsecs");
	ok(rc == FLAGS_ERROR && strstr(err, "duration"), "malformed duration: %s", err);
	rc = PARSE("-timeout=-5s");
	ok(rc == FLAGS_ERROR, "negative duration refused");
	rc = PARSE("---x");
	ok(rc == FLAGS_ERROR && strstr(err, "syntax"), "bad syntax: %s", err);
	rc = PARSE("-h");
	is_int(rc, FLAGS_HELP, "-h asks for help");
	rc = PARSE("--help");
	is_int(rc, FLAGS_HELP, "--help asks for help");

	/* environment fallback and precedence */
	setenv("T_FRAMEWORK_NAME", "from-env", 1);
	setenv("T_CLUSTER_SIZE", "7", 1);
	setenv("T_AUTO_RESEED", "false", 1);
	rc = flags_parse(tables, 1, (char *[]){ "prog", NULL }, 1, err, sizeof err);
	ok(rc == 1 && strcmp(s_name, "from-env") == 0 && i_size == 7 && !b_auto,
	   "environment replaces defaults");
	ok(tab[0].source == FLAG_FROM_ENV, "source recorded as env");
	rc = PARSE("-framework-name=cli", "-cluster-size=3");
	ok(strcmp(s_name, "cli") == 0 && i_size == 3, "command line wins over environment");
	ok(tab[0].source == FLAG_FROM_CMDLINE, "source recorded as cmdline");
	ok(!b_auto, "env value kept where the command line is silent");
	setenv("T_CLUSTER_SIZE", "lots", 1);
	rc = flags_parse(tables, 1, (char *[]){ "prog", NULL }, 1, err, sizeof err);
	ok(rc == FLAGS_ERROR && strstr(err, "T_CLUSTER_SIZE") && strstr(err, "lots"),
	   "malformed environment value names the variable: %s", err);
	unsetenv("T_CLUSTER_SIZE");
	unsetenv("T_FRAMEWORK_NAME");
	unsetenv("T_AUTO_RESEED");

	/* JSON and redaction */
	rc = PARSE("-secret=hunter2");
	cJSON *j = flags_to_json(tables);
	char *text = cJSON_PrintUnformatted(j);
	ok(text && !strstr(text, "hunter2") && strstr(text, "<redacted>"),
	   "secret redacted in JSON");
	ok(text && strstr(text, "\"cluster-size\":5"), "JSON holds resolved values");
	free(text);
	cJSON_Delete(j);

	flags_free(tables);
	ok(s_name == NULL && l_peers.n == 0, "flags_free releases strings and lists");
	return done_testing();
}
