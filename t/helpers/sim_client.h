/*
 * sim_client.h — the protobuf scheduler client shared by sim_client's
 * scenario files (t/helpers/sim_client*.c): blocking HTTP/1.1 on
 * loopback with poll deadlines, RecordIO event streams, Call builders
 * and the check() line printer. A test driver, not product code.
 */
#ifndef EM_T_HELPERS_SIM_CLIENT_H
#define EM_T_HELPERS_SIM_CLIENT_H

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strutil.h"
#include "net/http_parse.h"
#include "net/recordio.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

#define PB "application/x-protobuf"
#define SCHED_PATH "/api/v1/scheduler"

extern char g_host[64];
extern int g_port;
extern int failures;
extern const char *g_auth;      /* "user:pass" or NULL */
extern char seen[1024][128];    /* every offer id seen, to decline them all */
extern size_t n_seen;

struct conn {
	int fd;
	struct buf in;                /* raw bytes not yet parsed */
	int status;
	char ctype[128], stream_id[128], location[256], allow[64], www[128];
	struct http_body body;
	struct buf data;              /* decoded body bytes */
	struct recordio_decoder rd;
	bool eof;
};

struct answer {
	int status;
	char body[2048];
	char location[256], allow[64], www[128];
};

struct fwopts {
	const char *id;
	const char *name;               /* NULL: "sim-client" */
	double failover_timeout;
	bool partition_aware;
	const char *principal;
};

struct fw {
	struct conn c;
	char id[128], sid[128];
};

struct task_spec {
	const char *id, *agent;
	double cpus, mem;
	bool command, executor;
};

void check(int cond, const char *what, const char *fmt, ...);
uint64_t now_ms(void);
void conn_close(struct conn *c);
int conn_open(struct conn *c, int port);
int conn_send(struct conn *c, const char *method, const char *ctype, const char *accept,
		     const char *stream_id, const void *body, size_t len);
int conn_head(struct conn *c, int timeout_ms);
int conn_body(struct conn *c, int timeout_ms);
int next_event(struct conn *c, int timeout_ms, Mesos__V1__Scheduler__Event **ev);
Mesos__V1__Scheduler__Event *wait_event(struct conn *c, int type, int timeout_ms);
int raw_request(const char *method, const char *ctype, const char *accept,
		       const char *sid, const void *body, size_t len, struct answer *a);
int call_request(const Mesos__V1__Scheduler__Call *call, const char *sid, struct answer *a);
void expect_answer(const Mesos__V1__Scheduler__Call *call, const char *sid, int status,
			  const char *body, const char *what);
void init_call(Mesos__V1__Scheduler__Call *c, Mesos__V1__FrameworkID *fid,
		      const char *id, int type);
int subscribe(struct conn *c, const struct fwopts *o, Mesos__V1__Scheduler__Event **first);
int fw_start(struct fw *f, const struct fwopts *o);
int fw_call(struct fw *f, Mesos__V1__Scheduler__Call *call);
uint8_t *pack(const Mesos__V1__Scheduler__Call *call, size_t *len);
void expect_raw(const char *method, const char *ctype, const char *accept, const char *sid,
		       const Mesos__V1__Scheduler__Call *call, int status, const char *body,
		       const char *what);
int call_until(struct fw *f, Mesos__V1__Scheduler__Call *call, int status, int timeout_ms,
		      struct answer *a);
void free_ev(Mesos__V1__Scheduler__Event *ev);
int decline(struct fw *f, const char *offer_id, double refuse);
int simple_call(struct fw *f, int type);
const Mesos__V1__Offer *offer_on(const Mesos__V1__Scheduler__Event *ev, const char *agent);
const Mesos__V1__Resource *res_named(const Mesos__V1__Offer *o, const char *name);
int accept_launch(struct fw *f, const char **offer_ids, size_t n_offers,
			 const struct task_spec *t);
Mesos__V1__TaskStatus *wait_update(struct fw *f, const char *task_id, int timeout_ms,
					  Mesos__V1__Scheduler__Event **hold);
void expect_update(struct fw *f, const char *task_id, int state, int reason,
			  const char *msg, const char *what);
int reconcile(struct fw *f, const char **tasks, const char **agents, size_t n);
int kill_task(struct fw *f, const char *task, const char *agent);
int control_post(int port, const char *path);
int acknowledge(struct fw *f, const Mesos__V1__TaskStatus *st);

/* scenarios in sim_client_offers.c and sim_client_tasks.c (the others
 * are in sim_client.c) */
int sc_offers(int n_agents);
int sc_accept(void);
int sc_reconcile(void);
int sc_rescind(void);
int sc_agentloss(int control, bool pa, int timeout_s);
int sc_volumes(const char *work_dir);
int sc_mutate(int n, unsigned seed);
int sc_rcl(const char *work_dir);
int sc_executor(const char *exe);
int sc_original(const char *name, int n, const char *etcd);

#endif
