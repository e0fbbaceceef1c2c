/*
 * artifact — fixed routes to the configured executor, etcd and etcdctl
 * files, streamed from disk. See artifact.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact.h"
#include "base/log.h"

struct artifact_slot {
	char *file;          /* configured path, or NULL */
	char *path;          /* route for the fetcher URI */
	const char *fixed;   /* "/executor" ... */
};

struct artifact {
	struct artifact_slot slot[ARTIFACT_COUNT];
};

static const char *const fixed_names[ARTIFACT_COUNT] = { "/executor", "/etcd", "/etcdctl" };

static void h_file(struct http_req *r, void *arg)
{
	struct artifact_slot *sl = arg;
	static const char gone[] = "artifact unavailable on this scheduler\n";
	struct stat st;
	const char *why = NULL;
	/* O_NONBLOCK: a FIFO put in the file's place must not block the loop */
	int fd = open(sl->file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) != 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	if (why) {
		log_error("artifact %s: cannot serve '%s': %s; check that the -*-bin flag names a readable file",
			  sl->fixed, sl->file, why);
		if (fd >= 0)
			close(fd);
		http_respond(r, 503, "text/plain", gone, sizeof gone - 1);
		return;
	}
	/* the server closes fd, also on failure */
	http_respond_file(r, 200, "application/octet-stream", fd, (uint64_t)st.st_size);
}

static bool taken(const struct artifact *a, const char *path)
{
	for (int k = 0; k < ARTIFACT_COUNT; k++)
		if (strcmp(fixed_names[k], path) == 0 ||
		    (a->slot[k].path && strcmp(a->slot[k].path, path) == 0))
			return true;
	return false;
}

static int add(struct http_server *srv, struct artifact_slot *sl, const char *path)
{
	struct http_route rt = { .method = "GET", .path = path, .fn = h_file, .arg = sl };
	return http_server_add_route(srv, &rt);
}

int artifact_new(struct artifact **out, struct http_server *srv,
		 const struct artifact_config *cfg)
{
	struct artifact *a;
	int rc = 0, served = 0;

	*out = NULL;
	if (!srv || !cfg)
		return -EINVAL;
	a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	for (int k = 0; k < ARTIFACT_COUNT; k++) {
		a->slot[k].fixed = fixed_names[k];
		if (!cfg->files[k] || !*cfg->files[k])
			continue;
		if (!(a->slot[k].file = strdup(cfg->files[k]))) {
			rc = -ENOMEM;
			goto fail;
		}
		served++;
	}
	if (!served) {
		rc = -EINVAL;
		goto fail;
	}
	for (int k = 0; k < ARTIFACT_COUNT && rc == 0; k++) {
		struct artifact_slot *sl = &a->slot[k];
		const char *base;
		char *p;

		if (!sl->file)
			continue;
		rc = add(srv, sl, sl->fixed);
		if (rc != 0)
			break;
		base = strrchr(sl->file, '/');
		base = base ? base + 1 : sl->file;
		if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
			continue;
		if (asprintf(&p, "/%s", base) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (taken(a, p)) {
			free(p);
			continue;
		}
		rc = add(srv, sl, p);
		if (rc == 0)
			sl->path = p;
		else
			free(p);
	}
	if (rc != 0)
		goto fail;
	*out = a;
	return 0;
fail:
	artifact_free(a);
	return rc;
}

void artifact_free(struct artifact *a)
{
	if (!a)
		return;
	for (int k = 0; k < ARTIFACT_COUNT; k++) {
		free(a->slot[k].file);
		free(a->slot[k].path);
	}
	free(a);
}

const char *artifact_path(const struct artifact *a, enum artifact_kind kind)
{
	if (!a || (int)kind < 0 || kind >= ARTIFACT_COUNT || !a->slot[kind].file)
		return NULL;
	return a->slot[kind].path ? a->slot[kind].path : a->slot[kind].fixed;
}
