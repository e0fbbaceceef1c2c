/*
 * resources.c — offer arithmetic; see resources.h for the contract.
 *
 * A take works on a clone of the pool and replaces the pool only when
 * everything fitted, which is what makes every failure leave no trace.
 * Output Resource messages are built as a shallow copy of the offered
 * resource with new amounts, packed and unpacked again: the result is a
 * deep copy that owns everything (including fields we do not declare,
 * carried as unknown fields) and is freed like any unpacked message.
 */
#include "mesos/resources.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Deprecated upstream but still what pre-refinement offers carry. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

enum { K_CPUS, K_MEM, K_DISK, K_PORTS, K_NONE };

/* Largest scalar we accept, in thousandths (about 9e12 units). */
#define MILLI_MAX ((int64_t)9e15)
/* Upper bound on ports asked for at once: bounds allocations and the
 * quadratic merge in emit_ports(). */
#define PORTS_MAX 1024

static int kind_of(const char *name)
{
	if (!name)
		return K_NONE;
	if (strcmp(name, "cpus") == 0)
		return K_CPUS;
	if (strcmp(name, "mem") == 0)
		return K_MEM;
	if (strcmp(name, "disk") == 0)
		return K_DISK;
	if (strcmp(name, "ports") == 0)
		return K_PORTS;
	return K_NONE;
}

/* v in thousandths, rounded as Mesos does; -1 if not a sane amount. */
static int64_t to_milli(double v)
{
	if (!isfinite(v) || v < 0 || v * 1000.0 > (double)MILLI_MAX)
		return -1;
	return (int64_t)llround(v * 1000.0);
}

const char *resource_role(const Mesos__V1__Resource *r)
{
	if (r->n_reservations > 0) {
		const Mesos__V1__Resource__ReservationInfo *last = r->reservations[r->n_reservations - 1];
		return last && last->role ? last->role : "";
	}
	return r->role ? r->role : "*";
}

static bool role_passes(const Mesos__V1__Resource *r, const char *filter)
{
	return !filter || strcmp(resource_role(r), filter) == 0;
}

bool resource_is_plain(const Mesos__V1__Resource *r)
{
	int k = kind_of(r->name);
	if (k == K_NONE || r->revocable || r->shared || r->provider_id)
		return false;
	if (r->disk) {
		const Mesos__V1__Resource__DiskInfo *d = r->disk;
		if (k != K_DISK || d->persistence || d->volume)
			return false;
		if (d->source && d->source->type != MESOS__V1__RESOURCE__DISK_INFO__SOURCE__TYPE__PATH)
			return false;
	}
	if (k == K_PORTS)
		return r->type == MESOS__V1__VALUE__TYPE__RANGES && r->ranges;
	return r->type == MESOS__V1__VALUE__TYPE__SCALAR && r->scalar &&
	       to_milli(r->scalar->value) >= 0;
}

static uint64_t range_len(const struct res_range *g)
{
	uint64_t n = g->end - g->begin;
	return n == UINT64_MAX ? n : n + 1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

double resources_scalar(Mesos__V1__Resource *const *v, size_t n, const char *name,
			const char *role)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = v[i];
		if (!r || !r->name || strcmp(r->name, name) != 0 || !resource_is_plain(r) ||
		    kind_of(r->name) == K_PORTS || !role_passes(r, role))
			continue;
		int64_t m = to_milli(r->scalar->value);
		sum = sum > MILLI_MAX - m ? MILLI_MAX : sum + m;
	}
	return (double)sum / 1000.0;
}

uint64_t resources_range_count(Mesos__V1__Resource *const *v, size_t n, const char *name,
			       const char *role)
{
	uint64_t count = 0;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = v[i];
		if (!r || !r->name || strcmp(r->name, name) != 0 || !resource_is_plain(r) ||
		    !r->ranges || !role_passes(r, role))
			continue;
		for (size_t j = 0; j < r->ranges->n_range; j++) {
			const Mesos__V1__Value__Range *g = r->ranges->range[j];
			if (g && g->begin <= g->end) {
				struct res_range x = {g->begin, g->end};
				count = add_sat(count, range_len(&x));
			}
		}
	}
	return count;
}

const Mesos__V1__Resource *resources_find_volume(Mesos__V1__Resource *const *v, size_t n,
						 const char *id)
{
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = v[i];
		if (r && r->disk && r->disk->persistence && r->disk->persistence->id &&
		    id && strcmp(r->disk->persistence->id, id) == 0)
			return r;
	}
	return NULL;
}

/* ---- range lists ------------------------------------------------------- */

static int range_cmp(const void *a, const void *b)
{
	const struct res_range *x = a, *y = b;
	return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* Copies the valid ranges of r, sorted, overlaps and neighbours merged. */
static int ranges_from(const Mesos__V1__Value__Ranges *rs, struct res_range **out, size_t *n_out)
{
	struct res_range *v = NULL;
	size_t n = 0;
	*out = NULL;
	*n_out = 0;
	if (rs->n_range == 0)
		return 0;
	v = calloc(rs->n_range, sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n_range; i++) {
		const Mesos__V1__Value__Range *g = rs->range[i];
		if (g && g->begin <= g->end)
			v[n++] = (struct res_range){g->begin, g->end};
	}
	qsort(v, n, sizeof *v, range_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && (v[i].begin <= v[m - 1].end ||
			      (v[m - 1].end != UINT64_MAX && v[i].begin == v[m - 1].end + 1))) {
			if (v[i].end > v[m - 1].end)
				v[m - 1].end = v[i].end;
		} else {
			v[m++] = v[i];
		}
	}
	if (m == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n_out = m;
	return 0;
}

static bool ranges_have(const struct res_entry *e, uint64_t port, size_t *at)
{
	for (size_t i = 0; i < e->n_ranges; i++) {
		if (port >= e->ranges[i].begin && port <= e->ranges[i].end) {
			*at = i;
			return true;
		}
	}
	return false;
}

/* Removes one port known to be in range i. */
static int ranges_remove(struct res_entry *e, size_t i, uint64_t port)
{
	struct res_range *g = &e->ranges[i];
	if (g->begin == g->end) {
		memmove(g, g + 1, (e->n_ranges - i - 1) * sizeof *g);
		e->n_ranges--;
	} else if (port == g->begin) {
		g->begin++;
	} else if (port == g->end) {
		g->end--;
	} else {
		struct res_range *v = realloc(e->ranges, (e->n_ranges + 1) * sizeof *v);
		if (!v)
			return -ENOMEM;
		e->ranges = v;
		g = &v[i];
		memmove(g + 2, g + 1, (e->n_ranges - i - 1) * sizeof *g);
		g[1] = (struct res_range){port + 1, g->end};
		g->end = port - 1;
		e->n_ranges++;
	}
	return 0;
}

/* ---- the pool ---------------------------------------------------------- */

void res_pool_finish(struct res_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->e[i].ranges);
	free(p->e);
	p->e = NULL;
	p->n = 0;
}

int res_pool_init(struct res_pool *p, const Mesos__V1__Offer *offer)
{
	int rc = 0;
	*p = (struct res_pool){offer, NULL, 0};
	if (offer->n_resources == 0)
		return 0;
	p->e = calloc(offer->n_resources, sizeof *p->e);
	if (!p->e)
		return -ENOMEM;
	for (size_t i = 0; i < offer->n_resources; i++) {
		const Mesos__V1__Resource *r = offer->resources[i];
		if (!r || !resource_is_plain(r))
			continue;
		struct res_entry *e = &p->e[p->n];
		e->src = r;
		e->kind = kind_of(r->name);
		if (e->kind == K_PORTS) {
			rc = ranges_from(r->ranges, &e->ranges, &e->n_ranges);
			if (rc < 0)
				goto fail;
		} else {
			e->milli = to_milli(r->scalar->value);
		}
		p->n++;
	}
	/* Mesos never offers one port twice. Overlapping ranges (in one
	 * resource or across several) would let a take hand out the same
	 * port as peer and client port: such an offer is refused whole. */
	for (size_t i = 0; i < p->n; i++) {
		if (p->e[i].kind != K_PORTS)
			continue;
		for (size_t a = 0; a < p->e[i].n_ranges; a++)
			for (size_t j = i; j < p->n; j++) {
				if (p->e[j].kind != K_PORTS)
					continue;
				for (size_t b = j == i ? a + 1 : 0; b < p->e[j].n_ranges; b++) {
					const struct res_range *x = &p->e[i].ranges[a], *y = &p->e[j].ranges[b];
					if (x->begin <= y->end && y->begin <= x->end) {
						rc = -EPROTO;
						goto fail;
					}
				}
			}
	}
	return 0;
fail:
	res_pool_finish(p);
	return rc;
}

static int pool_clone(struct res_pool *dst, const struct res_pool *src)
{
	*dst = (struct res_pool){src->offer, NULL, 0};
	if (src->n == 0)
		return 0;
	dst->e = calloc(src->n, sizeof *dst->e);
	if (!dst->e)
		return -ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		dst->e[i] = src->e[i];
		dst->e[i].ranges = NULL;
		if (src->e[i].n_ranges) {
			size_t sz = src->e[i].n_ranges * sizeof *src->e[i].ranges;
			dst->e[i].ranges = malloc(sz);
			if (!dst->e[i].ranges) {
				dst->n = i;
				res_pool_finish(dst);
				return -ENOMEM;
			}
			memcpy(dst->e[i].ranges, src->e[i].ranges, sz);
		}
		dst->n = i + 1;
	}
	return 0;
}

double res_pool_scalar(const struct res_pool *p, const char *name, const char *role)
{
	int k = kind_of(name);
	int64_t sum = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].kind == k && k != K_PORTS && role_passes(p->e[i].src, role))
			sum = sum > MILLI_MAX - p->e[i].milli ? MILLI_MAX : sum + p->e[i].milli;
	return (double)sum / 1000.0;
}

uint64_t res_pool_ports(const struct res_pool *p, const char *role)
{
	uint64_t count = 0;
	for (size_t i = 0; i < p->n; i++)
		if (p->e[i].kind == K_PORTS && role_passes(p->e[i].src, role))
			for (size_t j = 0; j < p->e[i].n_ranges; j++)
				count = add_sat(count, range_len(&p->e[i].ranges[j]));
	return count;
}

/* Pass 0 takes resources reserved for the role, pass 1 unreserved ones. */
static bool eligible(const struct res_entry *e, const char *reserved_role, int pass)
{
	const char *role = resource_role(e->src);
	if (pass == 0)
		return reserved_role && strcmp(reserved_role, "*") != 0 &&
		       strcmp(role, reserved_role) == 0;
	return strcmp(role, "*") == 0;
}

/* ---- building Resource messages --------------------------------------- */

static int list_reserve(struct res_list *l, size_t more)
{
	if (l->n + more <= l->cap)
		return 0;
	size_t cap = l->cap ? l->cap : 8;
	while (cap < l->n + more)
		cap *= 2;
	Mesos__V1__Resource **v = realloc(l->v, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

void res_list_finish(struct res_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		mesos__v1__resource__free_unpacked(l->v[i], NULL);
	free(l->v);
	*l = (struct res_list)RES_LIST_INIT;
}

int res_list_add_copy(struct res_list *l, const Mesos__V1__Resource *r)
{
	if (list_reserve(l, 1) < 0)
		return -ENOMEM;
	size_t len = mesos__v1__resource__get_packed_size(r);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	mesos__v1__resource__pack(r, buf);
	/* Only allocation can fail here: the bytes are our own. */
	Mesos__V1__Resource *copy = mesos__v1__resource__unpack(NULL, len, buf);
	free(buf);
	/* protobuf-c re-packs unknown fields of nested messages in a form it
	 * then refuses: such a resource cannot be copied (a fuzz finding). */
	if (!copy)
		return -EPROTO;
	l->v[l->n++] = copy;
	return 0;
}

/* Appends a deep copy of e->src with the given amount (scalar kinds) or
 * ranges (ports). */
static int emit(struct res_list *out, const struct res_pool *p, const struct res_entry *e,
		int64_t milli, const struct res_range *g, size_t ng)
{
	Mesos__V1__Resource r = *e->src;
	Mesos__V1__Value__Scalar s = MESOS__V1__VALUE__SCALAR__INIT;
	Mesos__V1__Value__Ranges rs = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Value__Range *rv = NULL, **rp = NULL;
	int rc = -ENOMEM;

	r.set = NULL;
	r.base.n_unknown_fields = 0;
	r.base.unknown_fields = NULL;
	if (e->kind == K_PORTS) {
		rv = calloc(ng, sizeof *rv);
		rp = calloc(ng, sizeof *rp);
		if (!rv || !rp)
			goto fail;
		for (size_t i = 0; i < ng; i++) {
			rv[i] = (Mesos__V1__Value__Range)MESOS__V1__VALUE__RANGE__INIT;
			rv[i].begin = g[i].begin;
			rv[i].end = g[i].end;
			rp[i] = &rv[i];
		}
		rs.n_range = ng;
		rs.range = rp;
		r.scalar = NULL;
		r.ranges = &rs;
	} else {
		s.value = (double)milli / 1000.0;
		r.scalar = &s;
		r.ranges = NULL;
	}
	if (!r.allocation_info && p->offer)
		r.allocation_info = p->offer->allocation_info;
	rc = res_list_add_copy(out, &r);
fail:
	free(rp);
	free(rv);
	return rc;
}

/* ---- taking ------------------------------------------------------------ */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int need_check(const struct res_need *need)
{
	if (to_milli(need->cpus) < 0 || to_milli(need->mem) < 0 || to_milli(need->disk) < 0 ||
	    need->n_ports > PORTS_MAX)
		return -EINVAL;
	if (need->ports && need->n_ports > 1) {
		uint64_t *v = malloc(need->n_ports * sizeof *v);
		if (!v)
			return -ENOMEM;
		memcpy(v, need->ports, need->n_ports * sizeof *v);
		qsort(v, need->n_ports, sizeof *v, u64_cmp);
		int rc = 0;
		for (size_t i = 1; i < need->n_ports; i++)
			if (v[i] == v[i - 1])
				rc = -EINVAL;
		free(v);
		return rc;
	}
	return 0;
}

/* Takes milli thousandths of kind k, reserved role first. */
static int take_scalar(struct res_pool *w, int k, int64_t milli, const char *reserved_role,
		       struct res_list *out)
{
	for (int pass = 0; pass < 2 && milli > 0; pass++) {
		for (size_t i = 0; i < w->n && milli > 0; i++) {
			struct res_entry *e = &w->e[i];
			if (e->kind != k || e->milli == 0 || !eligible(e, reserved_role, pass))
				continue;
			int64_t t = e->milli < milli ? e->milli : milli;
			if (out) {
				int rc = emit(out, w, e, t, NULL, 0);
				if (rc < 0)
					return rc;
			}
			e->milli -= t;
			milli -= t;
		}
	}
	return milli > 0 ? -ENOSPC : 0;
}

/* Finds the entry holding `port` (reserved role first); -ENOSPC if none. */
static int find_port(struct res_pool *w, uint64_t port, const char *reserved_role,
		     size_t *entry, size_t *at)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < w->n; i++)
			if (w->e[i].kind == K_PORTS && eligible(&w->e[i], reserved_role, pass) &&
			    ranges_have(&w->e[i], port, at)) {
				*entry = i;
				return 0;
			}
	return -ENOSPC;
}

/* Finds the lowest free port of the first eligible entry that has one. */
static int any_port(struct res_pool *w, const char *reserved_role, size_t *entry,
		    uint64_t *port)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < w->n; i++)
			if (w->e[i].kind == K_PORTS && w->e[i].n_ranges > 0 &&
			    eligible(&w->e[i], reserved_role, pass)) {
				*entry = i;
				*port = w->e[i].ranges[0].begin;
				return 0;
			}
	return -ENOSPC;
}

/* Emits one ports Resource per entry, merging the ports taken from it. */
static int emit_ports(struct res_list *out, const struct res_pool *w, const uint64_t *ports,
		      const size_t *from, size_t n)
{
	int rc = 0;
	uint64_t *mine = malloc(n * sizeof *mine);
	struct res_range *g = malloc(n * sizeof *g);
	if (!mine || !g) {
		rc = -ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i; j++)
			if (from[j] == from[i])
				first = false;
		if (!first)
			continue;
		size_t m = 0, ng = 0;
		for (size_t j = i; j < n; j++)
			if (from[j] == from[i])
				mine[m++] = ports[j];
		qsort(mine, m, sizeof *mine, u64_cmp);
		for (size_t j = 0; j < m; j++) {
			if (ng > 0 && mine[j] == g[ng - 1].end + 1)
				g[ng - 1].end = mine[j];
			else
				g[ng++] = (struct res_range){mine[j], mine[j]};
		}
		rc = emit(out, w, &w->e[from[i]], 0, g, ng);
		if (rc < 0)
			goto done;
	}
done:
	free(mine);
	free(g);
	return rc;
}

static int take_ports(struct res_pool *w, const struct res_need *need, const char *reserved_role,
		      struct res_list *out, uint64_t *ports_out)
{
	size_t n = need->n_ports;
	if (n == 0)
		return 0;
	int rc = -ENOMEM;
	uint64_t *ports = malloc(n * sizeof *ports);
	size_t *from = malloc(n * sizeof *from);
	if (!ports || !from)
		goto done;
	for (size_t i = 0; i < n; i++) {
		size_t entry, at;
		uint64_t port;
		if (need->ports) {
			port = need->ports[i];
			rc = find_port(w, port, reserved_role, &entry, &at);
		} else {
			rc = any_port(w, reserved_role, &entry, &port);
			at = 0;
		}
		if (rc < 0)
			goto done;
		rc = ranges_remove(&w->e[entry], at, port);
		if (rc < 0)
			goto done;
		ports[i] = port;
		from[i] = entry;
	}
	rc = out ? emit_ports(out, w, ports, from, n) : 0;
	if (rc == 0 && ports_out)
		memcpy(ports_out, ports, n * sizeof *ports);
done:
	free(ports);
	free(from);
	return rc;
}

/* Takes need out of w (a scratch clone), emitting into out if non-NULL. */
static int take_core(struct res_pool *w, const struct res_need *need, const char *reserved_role,
		     struct res_list *out, uint64_t *ports_out)
{
	int rc = need_check(need);
	if (rc == 0)
		rc = take_scalar(w, K_CPUS, to_milli(need->cpus), reserved_role, out);
	if (rc == 0)
		rc = take_scalar(w, K_MEM, to_milli(need->mem), reserved_role, out);
	if (rc == 0)
		rc = take_scalar(w, K_DISK, to_milli(need->disk), reserved_role, out);
	if (rc == 0)
		rc = take_ports(w, need, reserved_role, out, ports_out);
	return rc;
}

bool res_pool_fits(const struct res_pool *p, const struct res_need *need,
		   const char *reserved_role)
{
	struct res_pool w;
	if (pool_clone(&w, p) < 0)
		return false;
	int rc = take_core(&w, need, reserved_role, NULL, NULL);
	res_pool_finish(&w);
	return rc == 0;
}

/* Moves every element of src to the end of dst (capacity reserved). */
static void list_move(struct res_list *dst, struct res_list *src)
{
	for (size_t i = 0; i < src->n; i++)
		dst->v[dst->n++] = src->v[i];
	src->n = 0;
	res_list_finish(src);
}

int res_pool_take_launch(struct res_pool *p, const struct res_need *exec_need,
			 const struct res_need *task_need, const char *reserved_role,
			 struct res_list *exec_out, struct res_list *task_out,
			 uint64_t *ports_out)
{
	struct res_pool w;
	struct res_list el = RES_LIST_INIT, tl = RES_LIST_INIT;
	int rc;

	if ((exec_need && exec_need->n_ports > 0) || (task_need->n_ports > 0 && !ports_out))
		return -EINVAL;
	/* Fit first, without output: a need that does not fit is -ENOSPC
	 * whatever happens while building resources for the part that fits. */
	rc = pool_clone(&w, p);
	if (rc < 0)
		return rc;
	if (exec_need)
		rc = take_core(&w, exec_need, reserved_role, NULL, NULL);
	if (rc == 0)
		rc = take_core(&w, task_need, reserved_role, NULL, NULL);
	res_pool_finish(&w);
	if (rc < 0)
		return rc;
	rc = pool_clone(&w, p);
	if (rc < 0)
		return rc;
	if (exec_need)
		rc = take_core(&w, exec_need, reserved_role, &el, NULL);
	if (rc == 0)
		rc = take_core(&w, task_need, reserved_role, &tl, ports_out);
	if (rc == 0 && exec_need)
		rc = list_reserve(exec_out, el.n);
	if (rc == 0)   /* one list for both is allowed */
		rc = list_reserve(task_out, tl.n + (exec_out == task_out ? el.n : 0));
	if (rc < 0)
		goto fail;
	res_pool_finish(p);
	*p = w;
	if (exec_need)
		list_move(exec_out, &el);
	list_move(task_out, &tl);
	return 0;
fail:
	res_pool_finish(&w);
	res_list_finish(&el);
	res_list_finish(&tl);
	return rc;
}

int res_pool_take(struct res_pool *p, const struct res_need *need, const char *reserved_role,
		  struct res_list *out, uint64_t *ports_out)
{
	return res_pool_take_launch(p, NULL, need, reserved_role, NULL, out, ports_out);
}

/* ---- reservations and volumes ------------------------------------------ */

/* Appends a copy of r reserved for role by principal; see resources.h. */
static int add_reserved(struct res_list *out, const Mesos__V1__Resource *src, const char *role,
			const char *principal, bool refined)
{
	Mesos__V1__Resource r = *src;
	Mesos__V1__Resource__ReservationInfo ri = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT;
	Mesos__V1__Resource__ReservationInfo **stack = NULL;
	int rc;

	ri.principal = (char *)principal;
	if (!refined) {
		if (src->n_reservations > 0 || src->reservation || strcmp(resource_role(src), "*") != 0)
			return -EINVAL;
		r.role = (char *)role;
		r.reservation = &ri;
		return res_list_add_copy(out, &r);
	}
	if (src->reservation || (src->n_reservations == 0 && strcmp(resource_role(src), "*") != 0))
		return -EINVAL;   /* a pre-refinement reservation cannot be refined */
	stack = calloc(src->n_reservations + 1, sizeof *stack);
	if (!stack)
		return -ENOMEM;
	for (size_t i = 0; i < src->n_reservations; i++)
		stack[i] = src->reservations[i];
	ri.has_type = 1;
	ri.type = MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC;
	ri.role = (char *)role;
	stack[src->n_reservations] = &ri;
	r.role = mesos__v1__resource__role__default_value;   /* not sent */
	r.n_reservations = src->n_reservations + 1;
	r.reservations = stack;
	rc = res_list_add_copy(out, &r);
	free(stack);
	return rc;
}

int res_list_reserve(const struct res_list *in, const char *role, const char *principal,
		     bool refined, struct res_list *out)
{
	struct res_list tmp = RES_LIST_INIT;
	int rc = 0;

	if (!role || !*role || strcmp(role, "*") == 0)
		return -EINVAL;
	for (size_t i = 0; i < in->n && rc == 0; i++)
		rc = add_reserved(&tmp, in->v[i], role, principal, refined);
	if (rc == 0)
		rc = list_reserve(out, tmp.n);
	if (rc == 0)
		list_move(out, &tmp);
	res_list_finish(&tmp);
	return rc;
}

int res_list_add_volume(struct res_list *out, const Mesos__V1__Resource *disk, const char *id,
			const char *principal, const char *container_path)
{
	if (!disk || !disk->name || strcmp(disk->name, "disk") != 0 || !disk->scalar || !id || !*id ||
	    !container_path || !*container_path || strcmp(resource_role(disk), "*") == 0 ||
	    (disk->disk && (disk->disk->persistence || disk->disk->volume)))
		return -EINVAL;
	Mesos__V1__Resource r = *disk;
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pers = MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vol = MESOS__V1__VOLUME__INIT;
	if (disk->disk)
		di.source = disk->disk->source;
	pers.id = (char *)id;
	pers.principal = (char *)principal;
	vol.mode = MESOS__V1__VOLUME__MODE__RW;
	vol.container_path = (char *)container_path;
	di.persistence = &pers;
	di.volume = &vol;
	r.disk = &di;
	return res_list_add_copy(out, &r);
}
