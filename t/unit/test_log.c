/* glog line shape, -log_dir files and links, stderr threshold */
#include "base/log.h"
#include "tap.h"

#include <dirent.h>
#include <regex.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

int main(void)
{
	char line[512];
	regex_t re;
	regcomp(&re, "^[IWEF][0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6} +[0-9]+ [^ ]+:[0-9]+\\] ",
		REG_EXTENDED | REG_NOSUB);
	log_format_line(line, sizeof line, SEV_WARNING, 1700000000, 123456, 4242,
			"lib/x/file.c", 88, "hello");
	ok(regexec(&re, line, 0, NULL, 0) == 0, "glog shape: %s", line);
	ok(line[0] == 'W' && strstr(line, ".123456  4242 file.c:88] hello"),
	   "severity letter, usec, padded pid, base file name");

	/* -log_dir: per-severity files, links, stderr threshold */
	char dir[] = "/tmp/em-log-XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp dir");
	FILE *err = tmpfile();
	log_set_stderr_stream(err);
	struct log_config cfg = { .program = "etcd-mesos-scheduler", .log_dir = dir,
				  .stderrthreshold = SEV_ERROR, .verbosity = 1 };
	is_int(log_init(&cfg), 0, "log_init with a directory");
	log_info("info-line");
	log_warn("warn-line");
	log_error("error-line");
	log_v(1, "v1-line");
	log_v(2, "v2-line");
	log_shutdown();

	char path[512];
	snprintf(path, sizeof path, "%s/etcd-mesos-scheduler.INFO", dir);
	struct stat st;
	ok(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "INFO link exists");
	is_int(count_lines(path, "info-line"), 1, "INFO file has info");
	is_int(count_lines(path, "error-line"), 1, "INFO file has error too");
	is_int(count_lines(path, "v1-line"), 1, "-v=1 logs level 1");
	is_int(count_lines(path, "v2-line"), 0, "-v=1 skips level 2");
	snprintf(path, sizeof path, "%s/etcd-mesos-scheduler.WARNING", dir);
	is_int(count_lines(path, "info-line"), 0, "WARNING file has no info");
	is_int(count_lines(path, "warn-line"), 1, "WARNING file has warnings");
	snprintf(path, sizeof path, "%s/etcd-mesos-scheduler.ERROR", dir);
	is_int(count_lines(path, "error-line"), 1, "ERROR file has errors");

	fflush(err);
	rewind(err);
	char all[4096] = "";
	size_t n = fread(all, 1, sizeof all - 1, err);
	all[n] = 0;
	ok(strstr(all, "error-line") && !strstr(all, "warn-line") && !strstr(all, "info-line"),
	   "stderr gets only lines at or above -stderrthreshold");

	/* -alsologtostderr */
	rewind(err);
	ftruncate(fileno(err), 0);
	cfg.alsologtostderr = true;
	log_init(&cfg);
	log_info("also-line");
	log_shutdown();
	fflush(err);
	rewind(err);
	n = fread(all, 1, sizeof all - 1, err);
	all[n] = 0;
	ok(strstr(all, "also-line") != NULL, "-alsologtostderr copies info to stderr");

	/* a log_dir that does not exist is an error the caller reports */
	cfg.log_dir = "/nonexistent/dir";
	ok(log_init(&cfg) < 0, "missing -log_dir is reported");

	/* vmodule */
	cfg.log_dir = NULL;
	cfg.verbosity = 0;
	cfg.vmodule = "test_lo*=3";
	log_init(&cfg);
	ok(log_v_on("t/unit/test_log.c", 3), "vmodule pattern raises this file's level");
	ok(!log_v_on("other.c", 1), "vmodule leaves other files at -v");

	log_set_stderr_stream(NULL);
	fclose(err);
	regfree(&re);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	system(cmd);
	return done_testing();
}
