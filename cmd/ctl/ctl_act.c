/* ctl: the commands that change things or wait — reseed, wait, teardown. */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_DEFAULT_MS   (5 * 60 * 1000)
#define RESEED_DEFAULT_MS (10 * 60 * 1000)

/* ---- progress line: rewritten in place on a terminal, else one line per
 * change of what it says ---- */

void ctl_progress_init(struct ctl_progress *p)
{
	memset(p, 0, sizeof *p);
	p->tty = isatty(STDERR_FILENO);
}

void ctl_progress_show(struct ctl_progress *p, uint64_t elapsed_ms, const char *text)
{
	if (p->tty) {
		fprintf(stderr, "\r\033[K%s [%llus]", text, (unsigned long long)elapsed_ms / 1000);
		fflush(stderr);
		p->shown = true;
	} else if (strcmp(p->last, text) != 0) {
		fprintf(stderr, "%s [%llus]\n", text, (unsigned long long)elapsed_ms / 1000);
	}
	snprintf(p->last, sizeof p->last, "%s", text);
}

void ctl_progress_end(struct ctl_progress *p)
{
	if (p->tty && p->shown)
		fputc('\n', stderr);
	p->shown = false;
}

/* ---- confirmation, read on the loop ---- */

struct answer {
	char buf[64];
	size_t len;
	bool done;
};

static void answer_read(struct ev_loop *loop, int fd, unsigned events, void *arg)
{
	struct answer *a = arg;
	(void)events;
	ssize_t n = read(fd, a->buf + a->len, sizeof a->buf - 1 - a->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		a->done = true;
	} else {
		a->len += (size_t)n;
		a->buf[a->len] = '\0';
		if (strchr(a->buf, '\n') || a->len >= sizeof a->buf - 1)
			a->done = true;
	}
	if (a->done)
		ev_io_del(loop, fd);
}

static int confirm(struct ctl *c, const char *action, const char *question)
{
	struct answer a = { .len = 0 };

	if (ctl_opts.yes)
		return CTL_OK;
	if (!isatty(STDIN_FILENO)) {
		ctl_err(c, "refusing to %s without confirmation: stdin is not a terminal "
			   "(pass --yes to go ahead)", action);
		return CTL_NOT_CONFIRMED;
	}
	fprintf(stderr, "%s\nType \"yes\" to go ahead: ", question);
	fflush(stderr);
	if (ev_io_add(c->loop, STDIN_FILENO, EV_READ, answer_read, &a) < 0) {
		ctl_err(c, "cannot read the answer from the terminal");
		return CTL_NOT_CONFIRMED;
	}
	while (!a.done)
		ev_run_once(c->loop, -1);
	a.buf[strcspn(a.buf, "\r\n")] = '\0';
	if (strcmp(a.buf, "yes") != 0) {
		ctl_err(c, "not confirmed (answer was not \"yes\"); nothing was done");
		return CTL_NOT_CONFIRMED;
	}
	return CTL_OK;
}

/* ---- POST ---- */

static int post(struct ctl *c, const char *path, const char *what, cJSON **answer)
{
	struct ctl_reply r;
	char why[400];
	int rc = CTL_FAIL;

	*answer = NULL;
	if (ctl_call(c, "POST", path, &r) < 0) {
		ctl_err(c, "%s (is the scheduler running at %s?)", r.errmsg, c->shown);
		rc = CTL_UNREACHABLE;
		goto out;
	}
	ctl_describe_status(&r, why, sizeof why);
	if (r.status >= 200 && r.status < 300) {
		*answer = cJSON_ParseWithLength(r.body, r.len);
		if (!*answer)
			*answer = cJSON_CreateString(r.body);
		rc = *answer ? CTL_OK : CTL_FAIL;
	} else if (r.status == 409) {
		ctl_err(c, "POST %s%s: %s (%s did not start: one is already under way; "
			   "watch it with `etcd-mesos ctl status`)", c->shown, path, why, what);
	} else if (r.status == 401 || r.status == 403) {
		ctl_err(c, "POST %s%s: %s (the scheduler refused the token; check "
			   "--token/--token-file against its -admin-token)", c->shown, path, why);
	} else {
		ctl_err(c, "POST %s%s: %s (%s did not start)", c->shown, path, why, what);
	}
out:
	ctl_reply_finish(&r);
	return rc;
}

/* ---- waiting for health ---- */

struct wait_goal {
	int64_t members;      /* voting members wanted; 0 = any */
	bool reseed_done;     /* also wait for "reseeding" to clear */
	uint64_t timeout_ms;
	const char *what;     /* "a healthy cluster" */
};

static size_t voting_members(const cJSON *members)
{
	size_t n = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, members)
		if (!ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(m, "learner")))
			n++;
	return n;
}

/* One look: true when the goal is met; line says where things are. */
static bool wait_look(struct ctl *c, const struct wait_goal *g, char *line, size_t n)
{
	cJSON *stats = NULL, *members = NULL;
	char err[700], tmp[256], count[64] = "";
	bool met = false;

	if (ctl_get_json(c, "/stats", &stats, true, err, sizeof err) != CTL_OK) {
		/* The leader may have failed over: look in ZooKeeper again. */
		char zerr[700];
		bool moved = false;
		int zrc = ctl_rediscover(c, &moved, zerr, sizeof zerr);
		if (moved)
			snprintf(line, n, "no answer; the leading scheduler is now %s", c->shown);
		else if (zrc != CTL_OK)
			snprintf(line, n, "no answer: %s; %s", err, zerr);
		else
			snprintf(line, n, "no answer: %s", err);
		return false;
	}
	bool healthy = ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(stats, "healthy"));
	bool reseeding = ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(stats, "reseeding"));
	size_t have = 0;
	if (g->members > 0) {
		if (ctl_get_json(c, "/membership", &members, true, err, sizeof err) != CTL_OK) {
			snprintf(line, n, "no member list: %s", err);
			goto out;
		}
		have = voting_members(members);
		snprintf(count, sizeof count, ", %zu voting members (want %lld)", have,
			 (long long)g->members);
	}
	const char *reason = ctl_json_text(cJSON_GetObjectItemCaseSensitive(stats, "reason"),
					   tmp, sizeof tmp);
	if (healthy)
		snprintf(line, n, "healthy%s%s", count, reseeding ? ", reseed running" : "");
	else
		snprintf(line, n, "unhealthy (%s)%s%s", reason, count,
			 reseeding ? ", reseed running" : "");
	met = healthy && (g->members <= 0 || have >= (size_t)g->members) &&
	      !(g->reseed_done && reseeding);
out:
	cJSON_Delete(stats);
	cJSON_Delete(members);
	return met;
}

static int wait_for(struct ctl *c, const struct wait_goal *g)
{
	struct ctl_progress p;
	char line[900], text[1000];
	uint64_t start = ev_time_ms(), deadline = start + g->timeout_ms;
	uint64_t interval = ctl_opts.interval_ms > 0 ? (uint64_t)ctl_opts.interval_ms : 1000;
	int64_t saved = ctl_opts.request_timeout_ms;
	int rc;

	ctl_progress_init(&p);
	for (;;) {
		uint64_t now = ev_time_ms();
		/* No single request may outlast the deadline by much. */
		uint64_t left = deadline > now ? deadline - now : 1;
		ctl_opts.request_timeout_ms = (int64_t)(left < (uint64_t)saved ? left : (uint64_t)saved);
		if (ctl_opts.request_timeout_ms < 100)
			ctl_opts.request_timeout_ms = 100;
		bool met = wait_look(c, g, line, sizeof line);
		now = ev_time_ms();
		if (met) {
			ctl_progress_end(&p);
			printf("%s after %llus\n", line, (unsigned long long)(now - start) / 1000);
			rc = CTL_OK;
			break;
		}
		if (now >= deadline) {
			ctl_progress_end(&p);
			ctl_err(c, "gave up waiting for %s after %llus (--timeout): %s", g->what,
				(unsigned long long)g->timeout_ms / 1000, line);
			rc = CTL_TIMEOUT;
			break;
		}
		snprintf(text, sizeof text, "waiting for %s: %s", g->what, line);
		ctl_progress_show(&p, now - start, text);
		ctl_pause(c, deadline - now < interval ? deadline - now : interval);
	}
	ctl_opts.request_timeout_ms = saved;
	return rc;
}

int ctl_cmd_wait(struct ctl *c)
{
	char what[96];
	if (ctl_opts.members < 0) {
		ctl_err(c, "--members=%lld: must be 0 (any) or more", (long long)ctl_opts.members);
		return CTL_USAGE;
	}
	if (ctl_opts.members > 0)
		snprintf(what, sizeof what, "a healthy cluster with %lld members",
			 (long long)ctl_opts.members);
	else
		snprintf(what, sizeof what, "a healthy cluster");
	struct wait_goal g = {
		.members = ctl_opts.members,
		.timeout_ms = ctl_opts.timeout_ms > 0 ? (uint64_t)ctl_opts.timeout_ms : WAIT_DEFAULT_MS,
		.what = what,
	};
	return wait_for(c, &g);
}

/* ---- reseed ---- */

static const char *plan_choice(const cJSON *plan, char *tmp, size_t n)
{
	static const char *const keys[] = { "chosen", "candidate", "member", NULL };
	for (size_t i = 0; keys[i]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(plan, keys[i]);
		if (cJSON_IsObject(v))
			v = cJSON_GetObjectItemCaseSensitive(v, "name");
		if (cJSON_IsString(v) && v->valuestring[0])
			return ctl_json_text(v, tmp, n);
	}
	return NULL;
}

int ctl_cmd_reseed(struct ctl *c)
{
	cJSON *plan = NULL, *answer = NULL;
	char tmp[256], question[512];
	int rc = ctl_get_json(c, "/reseed?dry_run=1", &plan, false, NULL, 0);
	if (rc != CTL_OK)
		return rc;
	if (ctl_opts.json) {
		ctl_print_json(stdout, plan);
	} else {
		printf("Reseed plan (dry run, nothing done yet):\n");
		cJSON_DeleteItemFromObjectCaseSensitive(plan, "dry_run");
		cJSON_DeleteItemFromObjectCaseSensitive(plan, "started");
		ctl_print_generic(stdout, plan, 2);
	}
	fflush(stdout);
	const char *chosen = plan_choice(plan, tmp, sizeof tmp);
	snprintf(question, sizeof question,
		 "Reseed the etcd cluster%s%s%s? The chosen member's data becomes the\n"
		 "cluster's; every other member is replaced and what only it held is lost.",
		 chosen ? " from member \"" : "", chosen ? chosen : "", chosen ? "\"" : "");
	rc = confirm(c, "reseed", question);
	if (rc != CTL_OK)
		goto out;
	rc = post(c, "/reseed", "the reseed", &answer);
	if (rc != CTL_OK)
		goto out;
	if (ctl_opts.json) {
		ctl_print_json(stdout, answer);
	} else {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(answer, "reseed_id");
		const char *from = plan_choice(answer, tmp, sizeof tmp);
		if (cJSON_IsString(id))
			printf("Reseed %s started%s%s\n", id->valuestring,
			       from ? " from member " : "", from ? from : "");
		else
			ctl_print_generic(stdout, answer, 2);
	}
	fflush(stdout);
	if (ctl_opts.no_wait)
		goto out;
	struct wait_goal g = {
		.reseed_done = true,
		.timeout_ms = ctl_opts.timeout_ms > 0 ? (uint64_t)ctl_opts.timeout_ms
						      : RESEED_DEFAULT_MS,
		.what = "the reseed to finish with a healthy cluster",
	};
	rc = wait_for(c, &g);
out:
	cJSON_Delete(plan);
	cJSON_Delete(answer);
	return rc;
}

/* ---- teardown ---- */

int ctl_cmd_teardown(struct ctl *c)
{
	cJSON *answer = NULL;
	char question[700];
	snprintf(question, sizeof question,
		 "Tear down the framework behind %s? Every etcd task is killed, the\n"
		 "framework is unregistered from Mesos and its ZooKeeper state deleted.\n"
		 "This cannot be undone.", c->shown);
	int rc = confirm(c, "tear down the framework", question);
	if (rc != CTL_OK)
		return rc;
	rc = post(c, "/teardown", "the teardown", &answer);
	if (rc != CTL_OK)
		return rc;
	if (ctl_opts.json) {
		ctl_print_json(stdout, answer);
	} else {
		printf("Teardown:\n");
		ctl_print_generic(stdout, answer, 2);
	}
	cJSON_Delete(answer);
	return CTL_OK;
}

/* After a total loss only: the scheduler refuses otherwise, and so does
 * ctl, before asking anything. The confirmation the scheduler wants is its
 * framework name, which /stats gives. */
int ctl_cmd_fresh(struct ctl *c)
{
	cJSON *stats = NULL, *answer = NULL;
	char name[256], recovery[1024], path[400], question[1600];
	int rc = ctl_get_json(c, "/stats", &stats, false, NULL, 0);

	if (rc != CTL_OK)
		return rc;
	bool lost = ctl_json_truthy(cJSON_GetObjectItemCaseSensitive(stats, "total_loss"));
	char tmp[1024];
	snprintf(name, sizeof name, "%s",
		 ctl_json_text(cJSON_GetObjectItemCaseSensitive(stats, "framework_name"), tmp,
			       sizeof tmp));
	snprintf(recovery, sizeof recovery, "%s",
		 ctl_json_text(cJSON_GetObjectItemCaseSensitive(stats, "recovery"), tmp,
			       sizeof tmp));
	cJSON_Delete(stats);
	if (!lost) {
		ctl_err(c, "%s reports no total loss: a fresh cluster is only for when no member "
			   "is left (see `etcd-mesos ctl status`; a lost quorum is for `ctl reseed`)",
			c->shown);
		return CTL_FAIL;
	}
	if (!name[0] || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789-_.") != strlen(name)) {
		ctl_err(c, "%s gave no usable framework_name in /stats (\"%s\"); is it an older "
			   "scheduler? send POST /fresh-cluster?confirm=<framework name> yourself",
			c->shown, name);
		return CTL_FAIL;
	}
	snprintf(question, sizeof question,
		 "TOTAL LOSS at %s: %s\n\nStart a new, EMPTY etcd cluster for framework \"%s\"?\n"
		 "The lost cluster's data will not be in it.", c->shown, recovery, name);
	rc = confirm(c, "start a fresh, empty cluster", question);
	if (rc != CTL_OK)
		return rc;
	snprintf(path, sizeof path, "/fresh-cluster?confirm=%s", name);
	rc = post(c, path, "the fresh cluster", &answer);
	if (rc != CTL_OK)
		return rc;
	if (ctl_opts.json) {
		ctl_print_json(stdout, answer);
	} else {
		printf("Fresh cluster:\n");
		ctl_print_generic(stdout, answer, 2);
	}
	cJSON_Delete(answer);
	return CTL_OK;
}
