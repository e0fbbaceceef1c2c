/*
 * test_resources.c — offer arithmetic (lib/mesos/resources.h), table-driven.
 *
 * Offers are written as short strings, encoded to protobuf bytes with the
 * hand-written encoder of t/pb_wire.h and decoded with protobuf-c, so the
 * code under test sees exactly what a scheduler gets from Mesos. Token
 * syntax, one resource per token:
 *
 *   name[(role)|[role]][#volume][%mount][~][@alloc]:value
 *
 *   (role)   reserved, pre-refinement format (role + reservation{principal})
 *   [role]   reserved, post-refinement format (reservations[] only)
 *   neither  unreserved; role "*" is written on the wire, as Mesos does
 *   #id      a persistent volume with that persistence id
 *   %mount   a MOUNT disk        ~  revocable
 *   @alloc   the resource's own allocation_info role (else none; the
 *            offer's allocation_info role is always "etcd")
 *   value    a number, or ranges like [31000-31001,31005-31100]
 *
 * Results are rendered back in the same syntax, e.g.
 * "cpus(*)@etcd:1.5 ports(*)@etcd:[31000-31001,31005-31005]".
 */
#include "mesos/resources.h"
#include "pb_wire.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* ---- building offers from the token syntax ----------------------------- */

static void w_resource(struct pb *out, const char *tok, size_t len)
{
	char name[32] = "", role[32] = "*", vol[32] = "", alloc[32] = "";
	bool refined = false, mount = false, revocable = false;
	const char *p = tok, *end = tok + len;
	size_t k = 0;
	while (p < end && !strchr("([#%~@:", *p) && k < sizeof name - 1)
		name[k++] = *p++;
	while (p < end && *p != ':') {
		char c = *p++;
		char *dst = NULL;
		char stop = 0;
		if (c == '(' || c == '[') {
			dst = role;
			stop = c == '(' ? ')' : ']';
			refined = c == '[';
		} else if (c == '#') {
			dst = vol;
		} else if (c == '@') {
			dst = alloc;
		} else if (c == '%') {
			mount = true;
			while (p < end && *p != ':' && !strchr("#~@", *p))
				p++;
			continue;
		} else if (c == '~') {
			revocable = true;
			continue;
		}
		k = 0;
		while (p < end && *p != ':' && *p != stop && !(stop == 0 && strchr("#%~@(", *p)) &&
		       k < 31)
			dst[k++] = *p++;
		dst[k] = 0;
		if (stop && p < end && *p == stop)
			p++;
	}
	if (p >= end || *p != ':') {
		fprintf(stderr, "bad token %.*s\n", (int)len, tok);
		abort();
	}
	p++;

	struct pb r = {0}, v = {0};
	pb_str(&r, 1, name);
	if (*p == '[') {
		pb_uint(&r, 2, 1);
		p++;
		while (p < end && *p != ']') {
			char *q;
			uint64_t b = strtoull(p, &q, 10), e = b;
			if (*q == '-')
				e = strtoull(q + 1, &q, 10);
			struct pb g = {0};
			pb_uint(&g, 1, b);
			pb_uint(&g, 2, e);
			pb_msg(&v, 1, &g);
			p = *q == ',' ? q + 1 : q;
		}
		pb_msg(&r, 4, &v);
	} else {
		pb_uint(&r, 2, 0);
		pb_double(&v, 1, strtod(p, NULL));
		pb_msg(&r, 3, &v);
	}
	if (!refined)
		pb_str(&r, 6, role);
	if (vol[0] || mount) {
		struct pb d = {0}, x = {0};
		if (vol[0]) {
			struct pb y = {0};
			pb_str(&x, 1, vol);
			pb_msg(&d, 1, &x);                 /* persistence */
			pb_str(&y, 1, "data");
			pb_uint(&y, 3, 1);
			pb_msg(&d, 2, &y);                 /* volume */
		} else {
			struct pb m = {0};
			pb_uint(&x, 1, 2);                 /* source type MOUNT */
			pb_str(&m, 1, "/mnt/d1");
			pb_msg(&x, 3, &m);
			pb_msg(&d, 3, &x);
		}
		pb_msg(&r, 7, &d);
	}
	if (!refined && strcmp(role, "*") != 0) {
		struct pb rv = {0};
		pb_str(&rv, 1, "etcd-p");
		pb_msg(&r, 8, &rv);                        /* reservation */
	}
	if (revocable)
		pb_bytes(&r, 9, "", 0);
	if (alloc[0]) {
		struct pb a = {0};
		pb_str(&a, 1, alloc);
		pb_msg(&r, 11, &a);
	}
	if (refined) {
		struct pb rv = {0};
		pb_str(&rv, 3, role);
		pb_uint(&rv, 4, 2);                        /* DYNAMIC */
		pb_msg(&r, 13, &rv);
	}
	pb_msg(out, 5, &r);
}

static Mesos__V1__Offer *make_offer(const char *spec)
{
	struct pb o = {0}, a = {0};
	pb_id(&o, 1, "o-1");
	pb_id(&o, 2, "fw-1");
	pb_id(&o, 3, "a-1");
	pb_str(&o, 4, "agent1");
	for (const char *t = spec; *t;) {
		size_t len = strcspn(t, " ");
		if (len)
			w_resource(&o, t, len);
		t += len;
		t += strspn(t, " ");
	}
	pb_str(&a, 1, "etcd");
	pb_msg(&o, 10, &a);
	Mesos__V1__Offer *offer = mesos__v1__offer__unpack(NULL, o.n, o.d);
	if (!offer) {
		fprintf(stderr, "offer spec does not decode: %s\n", spec);
		abort();
	}
	return offer;
}

/* ---- rendering results ------------------------------------------------- */

static void render(Mesos__V1__Resource *const *v, size_t n, char *buf, size_t len)
{
	size_t k = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && k < len; i++) {
		const Mesos__V1__Resource *r = v[i];
		k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? " " : "", r->name);
		if (r->n_reservations)
			k += (size_t)snprintf(buf + k, len - k, "[%s]", resource_role(r));
		else
			k += (size_t)snprintf(buf + k, len - k, "(%s)", resource_role(r));
		if (r->disk && r->disk->persistence)
			k += (size_t)snprintf(buf + k, len - k, "#%s", r->disk->persistence->id);
		if (r->allocation_info && r->allocation_info->role)
			k += (size_t)snprintf(buf + k, len - k, "@%s", r->allocation_info->role);
		if (r->scalar) {
			k += (size_t)snprintf(buf + k, len - k, ":%g", r->scalar->value);
		} else if (r->ranges) {
			k += (size_t)snprintf(buf + k, len - k, ":[");
			for (size_t j = 0; j < r->ranges->n_range && k < len; j++)
				k += (size_t)snprintf(buf + k, len - k, "%s%" PRIu64 "-%" PRIu64, j ? "," : "",
						      r->ranges->range[j]->begin, r->ranges->range[j]->end);
			k += (size_t)snprintf(buf + k, len - k, "]");
		}
	}
}

static void render_ports(const uint64_t *p, size_t n, char *buf, size_t len)
{
	size_t k = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%" PRIu64, i ? "," : "", p[i]);
}

/* ---- the table ---------------------------------------------------------- */

#define MAXP 8
#define NO_EXEC {0, 0, 0, 0, NULL}

struct take_case {
	const char *what;
	const char *offer;
	const char *role;               /* reserved_role for the take */
	struct res_need exec;           /* all zero: no executor */
	struct res_need task;
	uint64_t want_ports[MAXP];      /* task.ports points here if exact_ports */
	bool exact_ports;
	int rc;
	const char *exec_res, *task_res, *ports;
	double cpus_left, mem_left, disk_left;   /* unreserved + reserved */
	uint64_t ports_left;
};

static const struct take_case CASES[] = {
	{"exact fit of cpus, mem, disk and three ports",
	 "cpus:1 mem:128 disk:100 ports:[31000-31002]", NULL,
	 NO_EXEC, {1, 128, 100, 3, NULL}, {0}, false, 0,
	 "", "cpus(*)@etcd:1 mem(*)@etcd:128 disk(*)@etcd:100 ports(*)@etcd:[31000-31002]",
	 "31000,31001,31002", 0, 0, 0, 0},
	{"ports split over two ranges of one resource",
	 "cpus:4 mem:1024 ports:[31000-31001,31005-31100]", NULL,
	 NO_EXEC, {1, 256, 0, 3, NULL}, {0}, false, 0,
	 "", "cpus(*)@etcd:1 mem(*)@etcd:256 ports(*)@etcd:[31000-31001,31005-31005]",
	 "31000,31001,31005", 3, 768, 0, 95},
	{"ports from two separate ports resources",
	 "cpus:1 ports:[31000-31000] ports:[32000-32001]", NULL,
	 NO_EXEC, {0.5, 0, 0, 3, NULL}, {0}, false, 0,
	 "", "cpus(*)@etcd:0.5 ports(*)@etcd:[31000-31000] ports(*)@etcd:[32000-32001]",
	 "31000,32000,32001", 0.5, 0, 0, 0},
	{"too few ports: refused, nothing taken",
	 "cpus:4 mem:1024 ports:[31000-31001]", NULL,
	 NO_EXEC, {1, 128, 0, 3, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 4, 1024, 0, 2},
	{"too few cpus: refused",
	 "cpus:1 mem:1024 ports:[31000-31100]", NULL,
	 NO_EXEC, {1.5, 128, 0, 1, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 1, 1024, 0, 101},
	{"no ports at all",
	 "cpus:4 mem:1024", NULL,
	 NO_EXEC, {1, 128, 0, 1, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 4, 1024, 0, 0},
	{"executor plus task fill the offer exactly (thousandths)",
	 "cpus:0.3 mem:256 disk:64 ports:[31000-31002]", NULL,
	 {0.1, 32, 0, 0, NULL}, {0.2, 224, 64, 3, NULL}, {0}, false, 0,
	 "cpus(*)@etcd:0.1 mem(*)@etcd:32",
	 "cpus(*)@etcd:0.2 mem(*)@etcd:224 disk(*)@etcd:64 ports(*)@etcd:[31000-31002]",
	 "31000,31001,31002", 0, 0, 0, 0},
	{"executor plus task one thousandth too big: refused, nothing taken",
	 "cpus:0.3 mem:256 ports:[31000-31002]", NULL,
	 {0.1, 32, 0, 0, NULL}, {0.201, 224, 0, 3, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 0.3, 256, 0, 3},
	{"reserved role first, then unreserved",
	 "cpus(etcd):1 cpus:4 mem(etcd):256 mem:1024 ports(etcd):[40000-40000] ports:[31000-31010]",
	 "etcd",
	 NO_EXEC, {2, 512, 0, 2, NULL}, {0}, false, 0,
	 "", "cpus(etcd)@etcd:1 cpus(*)@etcd:1 mem(etcd)@etcd:256 mem(*)@etcd:256 "
	 "ports(etcd)@etcd:[40000-40000] ports(*)@etcd:[31000-31000]",
	 "40000,31000", 3, 768, 0, 10},
	{"resources reserved for another role are not used",
	 "cpus(other):8 cpus:1 mem:512", "etcd",
	 NO_EXEC, {2, 128, 0, 0, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 9, 512, 0, 0},
	{"without a reserved role only unreserved resources are used",
	 "cpus(etcd):4 cpus:1 mem:512", NULL,
	 NO_EXEC, {2, 128, 0, 0, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 5, 512, 0, 0},
	{"post-refinement reservations",
	 "cpus[etcd]:2 mem[etcd]:512 ports[etcd]:[31000-31004]", "etcd",
	 NO_EXEC, {2, 256, 0, 2, NULL}, {0}, false, 0,
	 "", "cpus[etcd]@etcd:2 mem[etcd]@etcd:256 ports[etcd]@etcd:[31000-31001]",
	 "31000,31001", 0, 256, 0, 3},
	{"revocable cpus, persistent volumes and MOUNT disks are not used",
	 "cpus~:8 cpus:1 disk(etcd)#vol-1:1000 disk%mount:5000 disk:10", "etcd",
	 NO_EXEC, {1, 0, 100, 0, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 1, 0, 10, 0},
	{"exact ports from different ranges, in the order asked",
	 "cpus:1 ports:[31000-31001,31005-31100]", NULL,
	 NO_EXEC, {0, 0, 0, 2, NULL}, {31005, 31000}, true, 0,
	 "", "ports(*)@etcd:[31000-31000,31005-31005]", "31005,31000", 1, 0, 0, 96},
	{"an exact port that is not offered",
	 "cpus:1 ports:[31000-31001,31005-31100]", NULL,
	 NO_EXEC, {0, 0, 0, 2, NULL}, {31000, 31002}, true, -ENOSPC,
	 "", "", "", 1, 0, 0, 98},
	{"the same exact port twice",
	 "ports:[31000-31100]", NULL,
	 NO_EXEC, {0, 0, 0, 2, NULL}, {31000, 31000}, true, -EINVAL,
	 "", "", "", 0, 0, 0, 101},
	{"a negative need",
	 "cpus:4", NULL,
	 NO_EXEC, {-1, 0, 0, 0, NULL}, {0}, false, -EINVAL,
	 "", "", "", 4, 0, 0, 0},
	{"an executor that asks for ports",
	 "cpus:4 ports:[31000-31100]", NULL,
	 {1, 0, 0, 1, NULL}, {1, 0, 0, 0, NULL}, {0}, false, -EINVAL,
	 "", "", "", 4, 0, 0, 101},
	{"an inverted range from the wire is skipped",
	 "ports:[31010-31000,31000-31000]", NULL,
	 NO_EXEC, {0, 0, 0, 2, NULL}, {0}, false, -ENOSPC,
	 "", "", "", 0, 0, 0, 1},
	{"overlapping offered ranges are merged",
	 "ports:[31000-31005,31003-31010]", NULL,
	 NO_EXEC, {0, 0, 0, 3, NULL}, {31004, 31008, 31010}, true, 0,
	 "", "ports(*)@etcd:[31004-31004,31008-31008,31010-31010]", "31004,31008,31010",
	 0, 0, 0, 8},
	{"a resource's own allocation_info is kept",
	 "cpus@etcd2:2", NULL,
	 NO_EXEC, {1, 0, 0, 0, NULL}, {0}, false, 0,
	 "", "cpus(*)@etcd2:1", "", 1, 0, 0, 0},
};

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void run_case(const struct take_case *c)
{
	char got[512];
	uint64_t ports[MAXP] = {0};
	Mesos__V1__Offer *offer = make_offer(c->offer);
	struct res_pool pool;
	struct res_list el = RES_LIST_INIT, tl = RES_LIST_INIT;
	struct res_need task = c->task;
	if (c->exact_ports)
		task.ports = c->want_ports;
	const struct res_need *exec = c->exec.cpus != 0 || c->exec.mem != 0 || c->exec.n_ports ?
		&c->exec : NULL;

	note("%s: offer %s", c->what, c->offer);
	if (!ok(res_pool_init(&pool, offer) == 0, "%s: pool", c->what))
		goto out;
	bool fits = res_pool_fits(&pool, &task, c->role);
	int rc = res_pool_take_launch(&pool, exec, &task, c->role, &el, &tl, ports);
	is_int(rc, c->rc, "%s: result", c->what);
	if (!exec)
		ok(fits == (c->rc == 0), "%s: res_pool_fits agrees", c->what);
	render(el.v, el.n, got, sizeof got);
	is_str(got, c->exec_res, "%s: executor resources", c->what);
	render(tl.v, tl.n, got, sizeof got);
	is_str(got, c->task_res, "%s: task resources", c->what);
	render_ports(ports, rc == 0 ? task.n_ports : 0, got, sizeof got);
	is_str(got, c->ports, "%s: ports chosen", c->what);
	ok(near(res_pool_scalar(&pool, "cpus", NULL), c->cpus_left) &&
	   near(res_pool_scalar(&pool, "mem", NULL), c->mem_left) &&
	   near(res_pool_scalar(&pool, "disk", NULL), c->disk_left) &&
	   res_pool_ports(&pool, NULL) == c->ports_left,
	   "%s: left %g cpus %g mem %g disk %" PRIu64 " ports", c->what,
	   res_pool_scalar(&pool, "cpus", NULL), res_pool_scalar(&pool, "mem", NULL),
	   res_pool_scalar(&pool, "disk", NULL), res_pool_ports(&pool, NULL));
	res_pool_finish(&pool);
out:
	res_list_finish(&el);
	res_list_finish(&tl);
	mesos__v1__offer__free_unpacked(offer, NULL);
}

/* ---- the rest ----------------------------------------------------------- */

static void test_sums(void)
{
	Mesos__V1__Offer *o = make_offer(
		"cpus:4 cpus(etcd):1.5 cpus[etcd]:0.5 cpus(other):2 cpus~:16 mem:1024 mem(etcd):512 "
		"disk:100 disk(etcd)#vol-1:2000 disk%mount:5000 "
		"ports:[31000-31001,31005-31100] ports(etcd):[40000-40009] ports:[31200-31100]");
	Mesos__V1__Resource *const *v = o->resources;
	size_t n = o->n_resources;
	ok(near(resources_scalar(v, n, "cpus", NULL), 8.0), "cpus, every role: 8 (revocable left out)");
	ok(near(resources_scalar(v, n, "cpus", "*"), 4.0), "cpus unreserved: 4");
	ok(near(resources_scalar(v, n, "cpus", "etcd"), 2.0), "cpus reserved for etcd, both formats: 2");
	ok(near(resources_scalar(v, n, "cpus", "other"), 2.0), "cpus reserved for other: 2");
	ok(near(resources_scalar(v, n, "mem", "etcd"), 512), "mem reserved for etcd: 512");
	ok(near(resources_scalar(v, n, "disk", NULL), 100), "disk: volume and MOUNT disk left out");
	ok(near(resources_scalar(v, n, "gpus", NULL), 0), "absent resource sums to 0");
	is_int(resources_range_count(v, n, "ports", NULL), 108, "108 ports over all ranges");
	is_int(resources_range_count(v, n, "ports", "*"), 98, "98 unreserved ports");
	is_int(resources_range_count(v, n, "ports", "etcd"), 10, "10 ports reserved for etcd");
	const Mesos__V1__Resource *vol = resources_find_volume(v, n, "vol-1");
	ok(vol && vol->scalar->value == 2000 && strcmp(resource_role(vol), "etcd") == 0,
	   "persistent volume vol-1 found");
	ok(resources_find_volume(v, n, "vol-2") == NULL, "unknown volume id: NULL");

	/* Sequential takes subtract: the second task gets the next ports. */
	struct res_pool pool;
	struct res_list a = RES_LIST_INIT, b = RES_LIST_INIT, c = RES_LIST_INIT;
	uint64_t pa[3], pb_[3], pc[100];
	struct res_need need = {1, 256, 0, 3, NULL};
	ok(res_pool_init(&pool, o) == 0, "pool from a mixed offer");
	ok(res_pool_take(&pool, &need, NULL, &a, pa) == 0 && pa[0] == 31000 && pa[1] == 31001 &&
	   pa[2] == 31005, "first task: 31000, 31001, 31005");
	ok(res_pool_take(&pool, &need, NULL, &b, pb_) == 0 && pb_[0] == 31006 && pb_[2] == 31008,
	   "second task: 31006..31008");
	ok(near(res_pool_scalar(&pool, "cpus", "*"), 2) && near(res_pool_scalar(&pool, "mem", "*"), 512),
	   "two tasks subtracted from unreserved cpus and mem");
	struct res_need big = {0, 0, 0, 100, NULL};
	is_int(res_pool_take(&pool, &big, "etcd", &c, pc), 0, "100 ports: etcd's 10 then 90 unreserved");
	ok(pc[0] == 40000 && pc[9] == 40009 && pc[10] == 31009 && pc[99] == 31098,
	   "ports come from every range in order");
	is_int(res_pool_ports(&pool, NULL), 2, "two ports left (31099, 31100)");
	is_int(c.n, 2, "one ports resource per offered resource");
	struct res_need one_cpu = {3, 0, 0, 0, NULL};
	ok(!res_pool_fits(&pool, &one_cpu, NULL) && res_pool_fits(&pool, &one_cpu, "etcd"),
	   "3 cpus fit only when etcd's reservation counts");
	struct res_need nan_need = {NAN, 0, 0, 0, NULL};
	is_int(res_pool_take(&pool, &nan_need, NULL, &c, NULL), -EINVAL, "NaN need: -EINVAL");
	res_pool_finish(&pool);
	res_pool_finish(&pool);
	res_pool_finish(NULL);
	res_list_finish(&a);
	res_list_finish(&b);
	res_list_finish(&c);
	res_list_finish(NULL);
	mesos__v1__offer__free_unpacked(o, NULL);
}

/* The resources we build must survive the offer and pack into a TaskInfo
 * the way Mesos expects. */
static void test_list_owns_its_data(void)
{
	Mesos__V1__Offer *o = make_offer("cpus(etcd):1 ports(etcd):[31000-31010]");
	struct res_pool pool;
	struct res_list l = RES_LIST_INIT;
	uint64_t p[2];
	struct res_need need = {1, 0, 0, 2, NULL};
	ok(res_pool_init(&pool, o) == 0 && res_pool_take(&pool, &need, "etcd", &l, p) == 0,
	   "take from a reserved offer");
	res_pool_finish(&pool);
	mesos__v1__offer__free_unpacked(o, NULL);   /* the list must not care */
	ok(l.n == 2 && strcmp(l.v[0]->name, "cpus") == 0 && l.v[0]->reservation &&
	   strcmp(l.v[0]->reservation->principal, "etcd-p") == 0 && strcmp(resource_role(l.v[0]), "etcd") == 0,
	   "reservation copied and still readable after the offer is freed");

	/* Pack as a task's resource: name 1, type 2, ranges 4, role 6,
	 * reservation 8, allocation_info 11. */
	struct pb want = {0}, rs = {0}, g = {0}, rv = {0}, a = {0};
	pb_str(&want, 1, "ports");
	pb_uint(&want, 2, 1);
	pb_uint(&g, 1, 31000);
	pb_uint(&g, 2, 31001);
	pb_msg(&rs, 1, &g);
	pb_msg(&want, 4, &rs);
	pb_str(&want, 6, "etcd");
	pb_str(&rv, 1, "etcd-p");
	pb_msg(&want, 8, &rv);
	pb_str(&a, 1, "etcd");
	pb_msg(&want, 11, &a);
	if (l.n == 2)
		pack_is(&l.v[1]->base, &want, "built ports resource");
	else
		ok(0, "built ports resource: missing");
	res_list_finish(&l);
}

/* RESERVE and CREATE resources, byte for byte (Resource: name 1, type 2,
 * scalar 3, role 6, disk 7, reservation 8, allocation_info 11,
 * reservations 13; ReservationInfo: principal 1, role 3, type 4;
 * DiskInfo: persistence 1, volume 2; Volume: container_path 1, mode 3). */
static void test_reserve_and_volume(void)
{
	Mesos__V1__Offer *o = make_offer("cpus:1 disk:1024");
	struct res_pool pool;
	struct res_list l = RES_LIST_INIT, r = RES_LIST_INIT, f = RES_LIST_INIT, f2 = RES_LIST_INIT;
	struct res_list vol = RES_LIST_INIT;
	struct res_need need = {0, 0, 512, 0, NULL};
	ok(res_pool_init(&pool, o) == 0 && res_pool_take(&pool, &need, NULL, &l, NULL) == 0 && l.n == 1,
	   "512 MB of unreserved disk taken");

	struct pb s = {0}, a = {0}, rv = {0}, want = {0};
	pb_double(&s, 1, 512);
	pb_str(&a, 1, "etcd");
	pb_str(&rv, 1, "etcd-p");
	is_int(res_list_reserve(&l, "etcd", "etcd-p", false, &r), 0, "reserve, pre-refinement format");
	pb_str(&want, 1, "disk");
	pb_uint(&want, 2, 0);
	pb_msg(&want, 3, &s);
	pb_str(&want, 6, "etcd");
	pb_msg(&want, 8, &rv);
	pb_msg(&want, 11, &a);
	if (r.n == 1)
		pack_is(&r.v[0]->base, &want, "RESERVE resource: role + reservation{principal}");

	struct pb pers = {0}, v = {0}, di = {0}, want_v = {0};
	pb_str(&pers, 1, "vol-1");
	pb_str(&pers, 2, "etcd-p");
	pb_str(&v, 1, "data");
	pb_uint(&v, 3, 1);
	pb_msg(&di, 1, &pers);
	pb_msg(&di, 2, &v);
	pb_str(&want_v, 1, "disk");
	pb_uint(&want_v, 2, 0);
	pb_msg(&want_v, 3, &s);
	pb_str(&want_v, 6, "etcd");
	pb_msg(&want_v, 7, &di);
	pb_msg(&want_v, 8, &rv);
	pb_msg(&want_v, 11, &a);
	if (r.n == 1) {
		is_int(res_list_add_volume(&vol, r.v[0], "vol-1", "etcd-p", "data"), 0, "volume from reserved disk");
		if (vol.n == 1)
			pack_is(&vol.v[0]->base, &want_v, "CREATE volume: disk{persistence, volume RW}");
		Mesos__V1__Resource *const *vv = vol.v;
		ok(resources_find_volume(vv, vol.n, "vol-1") != NULL, "the volume is found by id");
		is_int(res_list_add_volume(&vol, vol.v[0], "vol-2", NULL, "data"), -EINVAL,
		       "a volume is not made from a volume");
		is_int(res_list_reserve(&r, "etcd", "etcd-p", false, &f), -EINVAL,
		       "already reserved: cannot reserve again (pre-refinement)");
		is_int(f.n, 0, "nothing appended on error");
	}
	is_int(res_list_add_volume(&vol, l.v[0], "vol-3", NULL, "data"), -EINVAL,
	       "no volume on unreserved disk");
	is_int(res_list_reserve(&l, "*", "p", false, &f), -EINVAL, "reserving for \"*\" is refused");

	/* Post-refinement: role not sent, one DYNAMIC reservation, then a
	 * refinement pushes a second one. */
	struct pb ri = {0}, want_f = {0};
	pb_str(&ri, 1, "etcd-p");
	pb_str(&ri, 3, "etcd");
	pb_uint(&ri, 4, 2);
	pb_str(&want_f, 1, "disk");
	pb_uint(&want_f, 2, 0);
	pb_msg(&want_f, 3, &s);
	pb_msg(&want_f, 11, &a);
	pb_msg(&want_f, 13, &ri);
	is_int(res_list_reserve(&l, "etcd", "etcd-p", true, &f), 0, "reserve, post-refinement format");
	if (f.n == 1) {
		pack_is(&f.v[0]->base, &want_f, "RESERVE resource: reservations[{principal, role, DYNAMIC}]");
		is_str(resource_role(f.v[0]), "etcd", "refined role reads etcd");
		is_int(res_list_reserve(&f, "etcd/sub", "etcd-p", true, &f2), 0, "refine etcd to etcd/sub");
		ok(f2.n == 1 && f2.v[0]->n_reservations == 2 &&
		   strcmp(resource_role(f2.v[0]), "etcd/sub") == 0, "two reservations, role etcd/sub");
		is_int(res_list_reserve(&r, "etcd/sub", "etcd-p", true, &f2), -EINVAL,
		       "a pre-refinement reservation cannot be refined");
	}

	/* One list for executor and task; too many ports. */
	struct res_list both = RES_LIST_INIT;
	struct res_need ex = {0.1, 32, 0, 0, NULL}, tk = {0.5, 64, 0, 0, NULL};
	Mesos__V1__Offer *o2 = make_offer("cpus:1 mem:256 ports:[31000-31001]");
	struct res_pool p2;
	ok(res_pool_init(&p2, o2) == 0 &&
	   res_pool_take_launch(&p2, &ex, &tk, NULL, &both, &both, NULL) == 0 && both.n == 4,
	   "executor and task into one list");
	struct res_need many = {0, 0, 0, 1025, NULL};
	uint64_t *pp = calloc(1025, sizeof *pp);
	is_int(res_pool_take(&p2, &many, NULL, &both, pp), -EINVAL, "more than 1024 ports: -EINVAL");
	free(pp);
	res_pool_finish(&p2);
	res_list_finish(&both);
	mesos__v1__offer__free_unpacked(o2, NULL);

	res_pool_finish(&pool);
	res_list_finish(&l);
	res_list_finish(&r);
	res_list_finish(&f);
	res_list_finish(&f2);
	res_list_finish(&vol);
	mesos__v1__offer__free_unpacked(o, NULL);
}

int main(void)
{
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
		run_case(&CASES[i]);
	test_sums();
	test_list_owns_its_data();
	test_reserve_and_volume();
	return done_testing();
}
