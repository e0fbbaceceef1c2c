/*
 * etcd_probe — drives lib/etcd's client against real etcd 3.4 for
 * t/t0400-etcd-client.sh. One operation per invocation; the answer is
 * one JSON line on stdout (jq-friendly), exit 0 on success, 1 when the
 * call failed (the JSON says how), 2 on usage errors.
 *
 *   etcd_probe [OPTS] list
 *   etcd_probe [OPTS] add PEER-URL [-learner]
 *   etcd_probe [OPTS] promote ID [-retry-ms=MS]   (retries "not in sync")
 *   etcd_probe [OPTS] remove ID
 *   etcd_probe [OPTS] update ID PEER-URL
 *   etcd_probe [OPTS] status URL
 *   etcd_probe [OPTS] health URL
 *   etcd_probe [OPTS] put KEY VALUE [-count=N]   (N puts, KEY-0..KEY-N-1)
 *   etcd_probe [OPTS] get KEY [-serializable]
 *   etcd_probe [OPTS] sample NAME=URL... [-rounds=N] [-interval=MS]
 *                     [-until=VERDICT]   one JSON line per round + summary
 *   etcd_probe [OPTS] rank NAME=URL...   status of each, then rank.h order
 *   etcd_probe [OPTS] bench [-n=N]       median member list / status time
 * OPTS: -endpoints=URL[,URL...] -timeout=MS -attempt-timeout=MS
 *       -ca=PEM -cert=PEM -key=PEM (https endpoints, client certificate)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/strutil.h"
#include "cluster/health.h"
#include "cluster/rank.h"
#include "etcd/etcd_client.h"
#include "etcd/etcd_sample.h"
#include "ev/ev.h"

#define MAX_ARGS 32

static struct ev_loop *loop;
static struct etcd_client *cli;
static char *endpoints[ETCD_CLIENT_MAX_ENDPOINTS];
static size_t n_endpoints;
static uint64_t opt_timeout, opt_attempt;
static const char *pos[MAX_ARGS];
static size_t n_pos;
static struct { const char *name, *value; } flags[MAX_ARGS];
static size_t n_flags;

/* ------------------------------------------------------------- helpers */

static const char *flag(const char *name)
{
	for (size_t i = 0; i < n_flags; i++)
		if (strcmp(flags[i].name, name) == 0)
			return flags[i].value ? flags[i].value : "";
	return NULL;
}

static uint64_t flag_u64(const char *name, uint64_t def)
{
	const char *v = flag(name);
	uint64_t x;
	if (!v)
		return def;
	if (parse_uint64(v, &x) != 0) {
		fprintf(stderr, "etcd_probe: -%s=%s: not a number\n", name, v);
		exit(2);
	}
	return x;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void json_u64(uint64_t x)
{
	printf("\"%" PRIu64 "\"", x);
}

static const char *errno_name(int err)
{
	switch (-err) {
	case 0: return "OK";
	case EREMOTEIO: return "EREMOTEIO";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EPROTO: return "EPROTO";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENOENT: return "ENOENT";
	default: return "other";
	}
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static bool run_until(const bool *flagp, uint64_t ms)
{
	uint64_t end = ev_time_ms() + ms;
	while (!*flagp && ev_time_ms() < end)
		ev_run_once(loop, 50);
	return *flagp;
}

static int make_client(void)
{
	char err[ETCD_ERRMSG_LEN];
	struct etcd_client_config cfg = {
		.endpoints = (const char *const *)endpoints,
		.n_endpoints = n_endpoints,
		.timeout_ms = opt_timeout,
		.attempt_timeout_ms = opt_attempt,
		.ca_file = flag("ca"),
		.cert_file = flag("cert"),
		.key_file = flag("key"),
	};
	int rc = etcd_client_new(loop, &cfg, &cli, err, sizeof err);
	if (rc != 0) {
		printf("{\"ok\":false,\"err\":\"%s\",\"errmsg\":", errno_name(rc));
		json_str(err);
		printf("}\n");
	}
	return rc;
}

/* ------------------------------------------------ one-shot operations */

static bool got;
static struct etcd_result last_res;
static struct etcd_answer last_ans;
static char last_ep[256];

static void on_done(struct etcd_call *call, const struct etcd_result *res,
		    struct etcd_answer *ans, void *arg)
{
	(void)call;
	(void)arg;
	last_res = *res;
	str_copy(last_ep, res->endpoint ? res->endpoint : "", sizeof last_ep);
	last_res.endpoint = last_ep;
	/* Take the answer (its heap parts move to us). */
	last_ans = *ans;
	memset(&ans->members, 0, sizeof ans->members);
	memset(&ans->range, 0, sizeof ans->range);
	memset(&ans->put, 0, sizeof ans->put);
	got = true;
}

static void print_common(const struct etcd_result *r, enum etcd_op op)
{
	printf("\"op\":");
	json_str(etcd_op_name(op));
	printf(",\"endpoint\":");
	json_str(r->endpoint);
	printf(",\"attempts\":%u,\"ms\":%" PRIu64, r->attempts, r->elapsed_ms);
}

static int print_error(const struct etcd_result *r, enum etcd_op op)
{
	printf("{\"ok\":false,");
	print_common(r, op);
	printf(",\"err\":\"%s\",\"unknown\":%s,\"http\":%d,\"code\":%d,\"code_name\":",
	       errno_name(r->err), r->outcome_unknown ? "true" : "false",
	       r->http_status, r->etcd.code);
	json_str(r->etcd.code >= 0 ? etcd_grpc_code_name(r->etcd.code) : "");
	printf(",\"kind\":");
	json_str(etcd_err_kind_name(r->etcd.kind));
	printf(",\"message\":");
	json_str(r->etcd.code >= 0 ? r->etcd.message : "");
	printf(",\"errmsg\":");
	json_str(r->errmsg);
	printf("}\n");
	return 1;
}

static void print_member(const struct etcd_member *m)
{
	printf("{\"id\":");
	json_u64(m->id);
	printf(",\"idhex\":\"%" PRIx64 "\",\"name\":", m->id);
	json_str(m->name);
	printf(",\"peers\":[");
	for (size_t j = 0; j < m->n_peer_urls; j++) {
		printf(j ? "," : "");
		json_str(m->peer_urls[j]);
	}
	printf("],\"clients\":[");
	for (size_t j = 0; j < m->n_client_urls; j++) {
		printf(j ? "," : "");
		json_str(m->client_urls[j]);
	}
	printf("],\"learner\":%s}", m->is_learner ? "true" : "false");
}

static void print_members(const struct etcd_members *ms)
{
	printf(",\"cluster\":");
	json_u64(ms->header.cluster_id);
	printf(",\"members\":[");
	for (size_t i = 0; i < ms->n_members; i++) {
		printf(i ? "," : "");
		print_member(&ms->members[i]);
	}
	printf("]");
	if (ms->has_added) {
		printf(",\"added\":");
		print_member(&ms->added);
		printf(",\"id\":");
		json_u64(ms->added.id);
	}
}

static void print_status(const struct etcd_status *st)
{
	printf(",\"member\":");
	json_u64(st->header.member_id);
	printf(",\"cluster\":");
	json_u64(st->header.cluster_id);
	printf(",\"leader\":");
	json_u64(st->leader);
	printf(",\"term\":%" PRIu64 ",\"index\":%" PRIu64 ",\"applied\":%" PRIu64
	       ",\"learner\":%s,\"version\":", st->raft_term, st->raft_index,
	       st->raft_applied_index, st->is_learner ? "true" : "false");
	json_str(st->version);
	printf(",\"errors\":%u", st->n_errors);
}

/* Prints the answer of the last call; returns the exit code. */
static int print_answer(void)
{
	const struct etcd_result *r = &last_res;
	int rc = 0;

	if (r->err != 0)
		rc = print_error(r, last_ans.op);
	else {
		printf("{\"ok\":true,");
		print_common(r, last_ans.op);
		switch (last_ans.op) {
		case ETCD_OP_MEMBER_LIST: case ETCD_OP_MEMBER_ADD: case ETCD_OP_MEMBER_PROMOTE:
		case ETCD_OP_MEMBER_REMOVE: case ETCD_OP_MEMBER_UPDATE:
			print_members(&last_ans.members);
			break;
		case ETCD_OP_STATUS:
			print_status(&last_ans.status);
			break;
		case ETCD_OP_HEALTH:
			printf(",\"healthy\":%s", last_ans.healthy ? "true" : "false");
			break;
		case ETCD_OP_MOVE_LEADER:
			break;
		case ETCD_OP_PEERS:
			printf(",\"local\":");
			json_u64(last_ans.peers.local);
			printf(",\"peers\":[");
			for (size_t i = 0; i < last_ans.peers.n; i++) {
				printf("%s{\"id\":", i ? "," : "");
				json_u64(last_ans.peers.peer[i].id);
				printf(",\"active\":%s}", last_ans.peers.peer[i].active ? "true" : "false");
			}
			printf("]");
			break;
		case ETCD_OP_PUT:
			printf(",\"revision\":%" PRId64, last_ans.put.header.revision);
			break;
		case ETCD_OP_RANGE:
			printf(",\"count\":%" PRId64 ",\"revision\":%" PRId64 ",\"kvs\":[",
			       last_ans.range.count, last_ans.range.header.revision);
			for (size_t i = 0; i < last_ans.range.n_kvs; i++) {
				printf(i ? "," : "");
				printf("{\"key\":");
				json_str((const char *)last_ans.range.kvs[i].key);
				printf(",\"value\":");
				json_str((const char *)last_ans.range.kvs[i].value);
				printf("}");
			}
			printf("]");
			break;
		}
		printf("}\n");
	}
	etcd_members_finish(&last_ans.members);
	etcd_range_finish(&last_ans.range);
	etcd_put_finish(&last_ans.put);
	memset(&last_ans, 0, sizeof last_ans);
	return rc;
}

static int wait_and_print(int start_rc)
{
	if (start_rc != 0) {
		printf("{\"ok\":false,\"sync\":true,\"err\":\"%s\",\"errmsg\":",
		       errno_name(start_rc));
		json_str(etcd_client_errmsg(cli));
		printf("}\n");
		return 1;
	}
	/* The client's deadline bounds the call; this bound only catches a
	 * missing callback. */
	if (!run_until(&got, (opt_timeout ? opt_timeout : 5000) + 5000)) {
		printf("{\"ok\":false,\"err\":\"no callback\"}\n");
		return 1;
	}
	return print_answer();
}

static int need_pos(size_t n, const char *usage)
{
	if (n_pos < n) {
		fprintf(stderr, "usage: etcd_probe %s\n", usage);
		exit(2);
	}
	return 0;
}

static uint64_t pos_id(size_t i)
{
	uint64_t id;
	if (parse_uint64(pos[i], &id) != 0 || id == 0) {
		fprintf(stderr, "etcd_probe: member id \"%s\": want a decimal uint64\n", pos[i]);
		exit(2);
	}
	return id;
}

/* promote with retries on "not in sync with leader". */
static int cmd_promote(void)
{
	uint64_t id, until, retry_ms = flag_u64("retry-ms", 0);
	unsigned tries = 0, not_ready = 0;
	need_pos(2, "promote ID [-retry-ms=MS]");
	id = pos_id(1);
	until = ev_time_ms() + retry_ms;
	for (;;) {
		got = false;
		tries++;
		int rc = etcd_client_member_promote(cli, id, NULL, on_done, NULL, NULL);
		if (rc != 0 || !run_until(&got, (opt_timeout ? opt_timeout : 5000) + 5000))
			return wait_and_print(rc);
		if (last_res.err == -EREMOTEIO && last_res.etcd.kind == ETCD_ERR_LEARNER_NOT_READY &&
		    ev_time_ms() < until) {
			not_ready++;
			etcd_members_finish(&last_ans.members);
			/* A short pause between tries; a loop timer, not a sleep. */
			bool t = false;
			run_until(&t, 300);
			continue;
		}
		break;
	}
	fprintf(stderr, "promote: %u tries, %u not in sync\n", tries, not_ready);
	return print_answer();
}

static int cmd_put(void)
{
	uint64_t count = flag_u64("count", 0);
	need_pos(3, "put KEY VALUE [-count=N]");
	if (count == 0)
		return wait_and_print(etcd_client_put(cli, pos[1], strlen(pos[1]), pos[2],
						      strlen(pos[2]), NULL, on_done, NULL, NULL));
	for (uint64_t i = 0; i < count; i++) {
		char key[256];
		snprintf(key, sizeof key, "%s-%" PRIu64, pos[1], i);
		got = false;
		int rc = etcd_client_put(cli, key, strlen(key), pos[2], strlen(pos[2]), NULL,
					 on_done, NULL, NULL);
		if (rc != 0 || !run_until(&got, (opt_timeout ? opt_timeout : 5000) + 5000) ||
		    last_res.err != 0 || i + 1 == count)
			return got ? print_answer() : wait_and_print(rc);
		etcd_put_finish(&last_ans.put);
	}
	return 0;
}

static int cmd_get(void)
{
	need_pos(2, "get KEY [-serializable]");
	struct etcd_range_req rq = {
		.key = pos[1],
		.key_len = strlen(pos[1]),
		.serializable = flag("serializable") != NULL,
	};
	return wait_and_print(etcd_client_range(cli, &rq, NULL, on_done, NULL, NULL));
}

/* ------------------------------------------------------- name=url lists */

static size_t n_targets;
static char *t_names[HEALTH_MAX_MEMBERS];
static const char *t_urls[HEALTH_MAX_MEMBERS];

static void read_targets(const char *usage)
{
	for (size_t i = 1; i < n_pos; i++) {
		const char *eq = strchr(pos[i], '=');
		if (!eq || n_targets == HEALTH_MAX_MEMBERS) {
			fprintf(stderr, "usage: etcd_probe %s\n", usage);
			exit(2);
		}
		t_names[n_targets] = strndup(pos[i], (size_t)(eq - pos[i]));
		t_urls[n_targets] = eq + 1;
		n_targets++;
	}
	if (n_targets == 0) {
		fprintf(stderr, "usage: etcd_probe %s\n", usage);
		exit(2);
	}
}

static void free_targets(void)
{
	for (size_t i = 0; i < n_targets; i++)
		free(t_names[i]);
}

/* --------------------------------------------------------------- sample */

#define SERIES_CAP 128

static struct health_sample series_buf[HEALTH_MAX_MEMBERS][SERIES_CAP];
static size_t series_len[HEALTH_MAX_MEMBERS];
static bool round_done;
static struct etcd_sample_round round_copy;
static struct health_sample round_samples[HEALTH_MAX_MEMBERS];
static char round_errs[HEALTH_MAX_MEMBERS][ETCD_ERRMSG_LEN];
static char round_probe_err[ETCD_ERRMSG_LEN];

static void on_round(struct etcd_sample *s, const struct etcd_sample_round *r, void *arg)
{
	(void)s;
	(void)arg;
	round_copy = *r;
	memcpy(round_samples, r->samples, r->n * sizeof r->samples[0]);
	for (size_t i = 0; i < r->n; i++)
		str_copy(round_errs[i], r->errors[i], sizeof round_errs[i]);
	str_copy(round_probe_err, r->probe_errmsg, sizeof round_probe_err);
	round_done = true;
}

static int cmd_sample(void)
{
	uint64_t rounds = flag_u64("rounds", 1), interval = flag_u64("interval", 1000);
	const char *until = flag("until");
	struct etcd_sample_target tg[HEALTH_MAX_MEMBERS];
	struct health_config hc;
	unsigned counts[8] = { 0 };
	uint64_t max_ms = 0;
	int last_verdict = HEALTH_UNKNOWN;
	uint64_t r;

	read_targets("sample NAME=URL... [-rounds=N] [-interval=MS] [-until=VERDICT]");
	health_config_default(&hc);
	for (size_t i = 0; i < n_targets; i++)
		tg[i] = (struct etcd_sample_target){ .name = t_names[i], .client_url = t_urls[i] };
	for (r = 0; r < rounds; r++) {
		uint64_t t0 = ev_time_ms();
		struct etcd_sample_opts so = {
			.status_timeout_ms = flag_u64("status-timeout", 1000),
			.probe_timeout_ms = flag_u64("probe-timeout", 1000),
		};
		round_done = false;
		int rc = etcd_sample_start(cli, tg, n_targets, &so, on_round, NULL, NULL);
		if (rc != 0 || !run_until(&round_done, 10000)) {
			printf("{\"ok\":false,\"err\":\"%s\",\"errmsg\":", errno_name(rc));
			json_str(etcd_client_errmsg(cli));
			printf("}\n");
			free_targets();
			return 1;
		}
		struct health_series ser[HEALTH_MAX_MEMBERS];
		for (size_t i = 0; i < n_targets; i++) {
			if (series_len[i] == SERIES_CAP) {
				memmove(series_buf[i], series_buf[i] + 1,
					(SERIES_CAP - 1) * sizeof series_buf[i][0]);
				series_len[i]--;
			}
			series_buf[i][series_len[i]++] = round_samples[i];
			ser[i] = (struct health_series){
				.name = t_names[i],
				.samples = series_buf[i],
				.n_samples = series_len[i],
			};
		}
		struct health_report rep;
		int64_t now = (int64_t)ev_now_ms(loop);
		health_judge(&hc, now, (unsigned)n_targets, ser, n_targets, &rep);
		counts[rep.verdict & 7]++;
		last_verdict = rep.verdict;
		if (round_copy.elapsed_ms > max_ms)
			max_ms = round_copy.elapsed_ms;
		unsigned reach = 0;
		for (size_t i = 0; i < n_targets; i++)
			reach += round_samples[i].reachable;
		printf("{\"round\":%" PRIu64 ",\"verdict\":", r);
		json_str(health_verdict_name(rep.verdict));
		printf(",\"reason\":");
		json_str(rep.reason);
		printf(",\"reachable\":%u,\"leader\":", reach);
		json_u64(rep.leader);
		printf(",\"probe\":");
		if (round_copy.probe_target >= 0)
			json_str(t_names[round_copy.probe_target]);
		else
			printf("null");
		printf(",\"probe_ok\":%s,\"probe_err\":",
		       round_copy.probe_target >= 0 &&
		       round_samples[round_copy.probe_target].probe == HEALTH_PROBE_OK ?
		       "true" : "false");
		json_str(round_probe_err);
		printf(",\"index\":[");
		for (size_t i = 0; i < n_targets; i++)
			printf("%s%" PRIu64, i ? "," : "", round_samples[i].raft_index);
		printf("],\"ms\":%" PRIu64 "}\n", round_copy.elapsed_ms);
		fflush(stdout);
		if (until && strcmp(until, health_verdict_name(rep.verdict)) == 0)
			break;
		if (r + 1 < rounds) {
			uint64_t spent = ev_time_ms() - t0;
			bool never = false;
			if (spent < interval)
				run_until(&never, interval - spent);
		}
	}
	printf("{\"rounds\":%" PRIu64 ",\"healthy\":%u,\"quorum_lost\":%u,\"no_leader\":%u,"
	       "\"unstable\":%u,\"unknown\":%u,\"split\":%u,\"last\":",
	       r < rounds ? r + 1 : rounds, counts[HEALTH_HEALTHY], counts[HEALTH_QUORUM_LOST],
	       counts[HEALTH_NO_LEADER], counts[HEALTH_UNSTABLE], counts[HEALTH_UNKNOWN],
	       counts[HEALTH_SPLIT]);
	json_str(health_verdict_name((enum health_verdict)last_verdict));
	printf(",\"max_round_ms\":%" PRIu64 "}\n", max_ms);
	free_targets();
	return 0;
}

/* ----------------------------------------------------------------- rank */

static struct etcd_status rank_st[HEALTH_MAX_MEMBERS];
static bool rank_ok[HEALTH_MAX_MEMBERS];
static size_t rank_pending;

static void on_rank_status(struct etcd_call *call, const struct etcd_result *res,
			   struct etcd_answer *ans, void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;
	(void)call;
	if (res->err == 0) {
		rank_st[i] = ans->status;
		rank_ok[i] = true;
	} else {
		fprintf(stderr, "rank: %s\n", res->errmsg);
	}
	rank_pending--;
}

static int cmd_rank(void)
{
	struct rank_candidate cand[HEALTH_MAX_MEMBERS];
	size_t order[HEALTH_MAX_MEMBERS], n_order = 0;
	int chosen = -1;
	bool all = false;

	read_targets("rank NAME=URL...");
	for (size_t i = 0; i < n_targets; i++) {
		int rc = etcd_client_status(cli, t_urls[i], NULL, on_rank_status,
					    (void *)(uintptr_t)i, NULL);
		if (rc != 0) {
			fprintf(stderr, "rank: %s\n", etcd_client_errmsg(cli));
			free_targets();
			return 1;
		}
		rank_pending++;
	}
	uint64_t end = ev_time_ms() + (opt_timeout ? opt_timeout : 5000) + 5000;
	while (rank_pending > 0 && ev_time_ms() < end)
		ev_run_once(loop, 50);
	all = rank_pending == 0;
	for (size_t i = 0; i < n_targets; i++)
		cand[i] = (struct rank_candidate){
			.name = t_names[i],
			.member_id = rank_st[i].header.member_id,
			.has_data = rank_ok[i],
			.raft_index = rank_st[i].raft_index,
			.raft_term = rank_st[i].raft_term,
			.raft_applied_index = rank_st[i].raft_applied_index,
		};
	if (!all || rank_reseed(cand, n_targets, NULL, 0, order, HEALTH_MAX_MEMBERS,
				&n_order, &chosen) != 0) {
		printf("{\"ok\":false}\n");
		free_targets();
		return 1;
	}
	printf("{\"ok\":true,\"order\":[");
	for (size_t i = 0; i < n_order; i++) {
		printf(i ? "," : "");
		json_str(t_names[order[i]]);
	}
	printf("],\"chosen\":");
	if (chosen >= 0)
		json_str(t_names[chosen]);
	else
		printf("null");
	printf(",\"members\":[");
	for (size_t i = 0; i < n_targets; i++) {
		printf(i ? "," : "");
		printf("{\"name\":");
		json_str(t_names[i]);
		printf(",\"reachable\":%s,\"index\":%" PRIu64 ",\"term\":%" PRIu64
		       ",\"applied\":%" PRIu64 "}", rank_ok[i] ? "true" : "false",
		       rank_st[i].raft_index, rank_st[i].raft_term,
		       rank_st[i].raft_applied_index);
	}
	printf("]}\n");
	free_targets();
	return 0;
}

/* ---------------------------------------------------------------- bench */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int bench_one(bool status, double *us, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double t0 = now_us();
		got = false;
		int rc = status ? etcd_client_status(cli, endpoints[0], NULL, on_done, NULL, NULL)
				: etcd_client_member_list(cli, NULL, on_done, NULL, NULL);
		if (rc != 0 || !run_until(&got, 10000) || last_res.err != 0)
			return got ? print_answer() : wait_and_print(rc);
		us[i] = now_us() - t0;
		etcd_members_finish(&last_ans.members);
	}
	qsort(us, n, sizeof us[0], cmp_double);
	return 0;
}

static int cmd_bench(void)
{
	size_t n = (size_t)flag_u64("n", 200);
	double *a, *b;
	int rc;
	if (n == 0 || n > 100000)
		n = 200;
	a = calloc(n, sizeof *a);
	b = calloc(n, sizeof *b);
	if (!a || !b) {
		free(a);
		free(b);
		return 1;
	}
	rc = bench_one(false, a, n);
	if (rc == 0)
		rc = bench_one(true, b, n);
	if (rc == 0)
		printf("{\"ok\":true,\"n\":%zu,\"list_median_us\":%.0f,\"list_p90_us\":%.0f,"
		       "\"status_median_us\":%.0f,\"status_p90_us\":%.0f}\n", n, a[n / 2],
		       a[n * 9 / 10], b[n / 2], b[n * 9 / 10]);
	free(a);
	free(b);
	return rc;
}

/* ----------------------------------------------------------------- main */

static void split_endpoints(const char *list)
{
	char *dup = strdup(list), *save = NULL;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n_endpoints == ETCD_CLIENT_MAX_ENDPOINTS)
			break;
		endpoints[n_endpoints++] = strdup(t);
	}
	free(dup);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int rc = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0' && n_flags < MAX_ARGS) {
			char *eq = strchr(argv[i], '=');
			const char *name = argv[i] + 1 + (argv[i][1] == '-');
			if (eq)
				*eq = '\0';
			flags[n_flags].name = name;
			flags[n_flags].value = eq ? eq + 1 : NULL;
			n_flags++;
		} else if (n_pos < MAX_ARGS) {
			pos[n_pos++] = argv[i];
		}
	}
	if (n_pos == 0) {
		fprintf(stderr, "usage: etcd_probe [-endpoints=URL,...] [-timeout=MS] "
			"[-attempt-timeout=MS] list|add|promote|remove|update|status|health|"
			"put|get|sample|rank|bench ...\n");
		return 2;
	}
	cmd = pos[0];
	split_endpoints(flag("endpoints") ? flag("endpoints") :
			getenv("EM_ETCD_ENDPOINTS") ? getenv("EM_ETCD_ENDPOINTS") : "");
	opt_timeout = flag_u64("timeout", 0);
	opt_attempt = flag_u64("attempt-timeout", 0);
	loop = ev_loop_new();
	if (!loop)
		return 1;
	if (make_client() != 0) {
		rc = 1;
		goto out;
	}
	if (strcmp(cmd, "list") == 0) {
		rc = wait_and_print(etcd_client_member_list(cli, NULL, on_done, NULL, NULL));
	} else if (strcmp(cmd, "add") == 0) {
		need_pos(2, "add PEER-URL [-learner]");
		const char *peers[] = { pos[1] };
		rc = wait_and_print(etcd_client_member_add(cli, peers, 1, flag("learner") != NULL,
							   NULL, on_done, NULL, NULL));
	} else if (strcmp(cmd, "promote") == 0) {
		rc = cmd_promote();
	} else if (strcmp(cmd, "remove") == 0) {
		need_pos(2, "remove ID");
		rc = wait_and_print(etcd_client_member_remove(cli, pos_id(1), NULL, on_done,
							      NULL, NULL));
	} else if (strcmp(cmd, "update") == 0) {
		need_pos(3, "update ID PEER-URL");
		const char *peers[] = { pos[2] };
		rc = wait_and_print(etcd_client_member_update(cli, pos_id(1), peers, 1, NULL,
							      on_done, NULL, NULL));
	} else if (strcmp(cmd, "status") == 0 || strcmp(cmd, "health") == 0) {
		need_pos(2, "status|health URL");
		rc = wait_and_print(cmd[0] == 's' ?
				    etcd_client_status(cli, pos[1], NULL, on_done, NULL, NULL) :
				    etcd_client_health(cli, pos[1], NULL, on_done, NULL, NULL));
	} else if (strcmp(cmd, "peers") == 0) {
		need_pos(2, "peers URL");
		rc = wait_and_print(etcd_client_peers(cli, pos[1], NULL, on_done, NULL, NULL));
	} else if (strcmp(cmd, "put") == 0) {
		rc = cmd_put();
	} else if (strcmp(cmd, "get") == 0) {
		rc = cmd_get();
	} else if (strcmp(cmd, "sample") == 0) {
		rc = cmd_sample();
	} else if (strcmp(cmd, "rank") == 0) {
		rc = cmd_rank();
	} else if (strcmp(cmd, "bench") == 0) {
		rc = cmd_bench();
	} else {
		fprintf(stderr, "etcd_probe: unknown command \"%s\"\n", cmd);
		rc = 2;
	}
out:
	etcd_client_free(cli);
	ev_loop_free(loop);
	for (size_t i = 0; i < n_endpoints; i++)
		free(endpoints[i]);
	return rc;
}
