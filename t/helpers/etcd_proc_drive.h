/*
 * etcd_proc_drive.h — what the two files of t/helpers/etcd_proc_drive
 * share: the members, the loop, the etcd client and the helpers that wait,
 * start, stop and talk to etcd. The reseed and learner scenarios live in
 * etcd_proc_drive_reseed.c.
 */
#ifndef EM_T_ETCD_PROC_DRIVE_H
#define EM_T_ETCD_PROC_DRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../cmd/executor/etcd_proc.h"
#include "etcd/etcd_client.h"
#include "ev/ev.h"

#define MAXM 3

struct member {
	char name[64], ip[64], data[512], log[512], client_url[128];
	unsigned peer_port, client_port;
	struct etcd_proc *proc;
	/* what the callbacks saw */
	unsigned n_ev[ETCD_PROC_FENCED + 1];
	struct etcd_proc_event last[ETCD_PROC_FENCED + 1];
	char last_msg[ETCD_PROC_FENCED + 1][ETCD_PROC_MSG_LEN];
	char start_cmdline[2048];          /* of the last etcd that served */
	bool served_forced;                /* one served with --force-new-cluster */
	bool stopped; int stop_wstatus;
	bool fenced; struct etcd_proc_fence_result fence; char fence_msg[256];
	bool forced; struct etcd_proc_force_result force; char force_msg[ETCD_PROC_MSG_LEN];
};

extern struct ev_loop *loop;
extern struct member m[MAXM];
extern size_t n_m;
extern struct etcd_client *cli;
/* The initial cluster of the next new_proc: members [0, ic_n), plus the
 * member itself; ic_existing makes it join an existing cluster. */
extern size_t ic_n;
extern bool ic_existing;
/* The last etcd call's outcome (on_call). */
extern bool got;
extern struct etcd_result res;
extern size_t range_count, n_members;

bool drv_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void drv_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool run_until(bool (*cond)(void *), void *arg, uint64_t ms);
void run_for(uint64_t ms);
bool flag_true(void *arg);
bool all_serving(void *arg);
bool gone(pid_t pid);
bool wait_state(struct member *mm, enum etcd_proc_state s, uint64_t ms);
bool wait_events(struct member *mm, enum etcd_proc_state s, unsigned n, uint64_t ms);
int new_proc(struct member *mm, uint64_t backoff_max_ms);
bool start_one(struct member *mm, uint64_t ms);
bool stop_one(struct member *mm, uint64_t grace);
void on_fenced(struct etcd_proc *p, const struct etcd_proc_fence_result *r, void *arg);
void on_forced(struct etcd_proc *p, const struct etcd_proc_force_result *r, void *arg);
void on_call(struct etcd_call *call, const struct etcd_result *r,
	     struct etcd_answer *ans, void *arg);
int put(const char *endpoint, const char *k, const char *v);
int get(const char *endpoint, const char *k, bool prefix);
int member_list(const char *endpoint);

void scenario_reseed(void);
void scenario_learner(void);

#endif
