/* res.c — resource vectors of the sim's master: arithmetic, the Mesos
 * --resources text, protobuf in and out, and Mesos' text form (used in
 * TASK_ERROR messages). See master.h. */
/* The INIT macros of Resource and FrameworkInfo set the deprecated `role`
 * default, which clang reports as a use of a deprecated field. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "master.h"

#include "mesos/resources.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_resv_free(struct sim_resv *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].ranges);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static bool same_key(const struct sim_res *a, const struct sim_res *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->role, b->role) == 0 &&
	       strcmp(a->principal, b->principal) == 0 &&
	       strcmp(a->persistence_id, b->persistence_id) == 0 &&
	       strcmp(a->container_path, b->container_path) == 0;
}

static bool is_ranges(const struct sim_res *r)
{
	return strcmp(r->name, "ports") == 0;
}

/* Union of sorted disjoint ranges a with b into a (reallocated). */
static int ranges_union(struct sim_res *a, const struct sim_range *b, size_t nb)
{
	size_t n = a->n_ranges + nb, k = 0;
	struct sim_range *all = malloc((n ? n : 1) * sizeof(*all));

	if (!all)
		return -ENOMEM;
	if (a->n_ranges)
		memcpy(all, a->ranges, a->n_ranges * sizeof(*all));
	if (nb)
		memcpy(all + a->n_ranges, b, nb * sizeof(*all));
	for (size_t i = 1; i < n; i++) {       /* insertion sort: lists are short */
		struct sim_range x = all[i];
		size_t j = i;
		while (j > 0 && all[j - 1].begin > x.begin) {
			all[j] = all[j - 1];
			j--;
		}
		all[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && all[i].begin <= all[k - 1].end + 1) {
			if (all[i].end > all[k - 1].end)
				all[k - 1].end = all[i].end;
		} else {
			all[k++] = all[i];
		}
	}
	free(a->ranges);
	a->ranges = all;
	a->n_ranges = k;
	return 0;
}

static bool ranges_contain(const struct sim_res *a, const struct sim_range *b, size_t nb)
{
	for (size_t i = 0; i < nb; i++) {
		bool in = false;
		for (size_t j = 0; j < a->n_ranges && !in; j++)
			in = a->ranges[j].begin <= b[i].begin && b[i].end <= a->ranges[j].end;
		if (!in)
			return false;
	}
	return true;
}

/* a minus b (b contained in a). */
static int ranges_sub(struct sim_res *a, const struct sim_range *b, size_t nb)
{
	for (size_t i = 0; i < nb; i++) {
		for (size_t j = 0; j < a->n_ranges; j++) {
			struct sim_range *r = &a->ranges[j];
			if (!(r->begin <= b[i].begin && b[i].end <= r->end))
				continue;
			if (r->begin == b[i].begin && r->end == b[i].end) {
				memmove(r, r + 1, (a->n_ranges - j - 1) * sizeof(*r));
				a->n_ranges--;
			} else if (r->begin == b[i].begin) {
				r->begin = b[i].end + 1;
			} else if (r->end == b[i].end) {
				r->end = b[i].begin - 1;
			} else {
				struct sim_range *nv = realloc(a->ranges,
							       (a->n_ranges + 1) * sizeof(*nv));
				if (!nv)
					return -ENOMEM;
				a->ranges = nv;
				r = &a->ranges[j];
				memmove(r + 2, r + 1, (a->n_ranges - j - 1) * sizeof(*r));
				r[1].begin = b[i].end + 1;
				r[1].end = r->end;
				r->end = b[i].begin - 1;
				a->n_ranges++;
			}
			break;
		}
	}
	return 0;
}

static bool res_empty(const struct sim_res *r)
{
	return is_ranges(r) ? r->n_ranges == 0 : r->milli <= 0;
}

int sim_resv_add_one(struct sim_resv *dst, const struct sim_res *r)
{
	struct sim_res *nv;

	if (res_empty(r))
		return 0;
	for (size_t i = 0; i < dst->n; i++) {
		if (!same_key(&dst->v[i], r))
			continue;
		if (is_ranges(r))
			return ranges_union(&dst->v[i], r->ranges, r->n_ranges);
		dst->v[i].milli += r->milli;
		return 0;
	}
	nv = realloc(dst->v, (dst->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	dst->v = nv;
	nv[dst->n] = *r;
	nv[dst->n].ranges = NULL;
	nv[dst->n].n_ranges = 0;
	if (is_ranges(r) && ranges_union(&nv[dst->n], r->ranges, r->n_ranges) != 0)
		return -ENOMEM;
	dst->n++;
	return 0;
}

int sim_resv_add(struct sim_resv *dst, const struct sim_resv *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int rc = sim_resv_add_one(dst, &src->v[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int sim_resv_copy(struct sim_resv *dst, const struct sim_resv *src)
{
	dst->v = NULL;
	dst->n = 0;
	if (sim_resv_add(dst, src) != 0) {
		sim_resv_free(dst);
		return -ENOMEM;
	}
	return 0;
}

bool sim_resv_contains(const struct sim_resv *a, const struct sim_resv *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct sim_res *x = NULL;
		if (res_empty(&b->v[i]))
			continue;
		for (size_t j = 0; j < a->n && !x; j++)
			if (same_key(&a->v[j], &b->v[i]))
				x = &a->v[j];
		if (!x)
			return false;
		if (is_ranges(x) ? !ranges_contain(x, b->v[i].ranges, b->v[i].n_ranges)
				 : x->milli < b->v[i].milli)
			return false;
	}
	return true;
}

int sim_resv_sub(struct sim_resv *dst, const struct sim_resv *src)
{
	if (!sim_resv_contains(dst, src))
		return -ENOSPC;
	for (size_t i = 0; i < src->n; i++) {
		for (size_t j = 0; j < dst->n; j++) {
			struct sim_res *x = &dst->v[j];
			if (!same_key(x, &src->v[i]))
				continue;
			if (is_ranges(x)) {
				if (ranges_sub(x, src->v[i].ranges, src->v[i].n_ranges) != 0)
					return -ENOMEM;
			} else {
				x->milli -= src->v[i].milli;
			}
			if (res_empty(x)) {
				free(x->ranges);
				memmove(x, x + 1, (dst->n - j - 1) * sizeof(*x));
				dst->n--;
			}
			break;
		}
	}
	return 0;
}

bool sim_resv_empty(const struct sim_resv *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!res_empty(&r->v[i]))
			return false;
	return true;
}

int sim_resv_for_role(const struct sim_resv *in, const char *role, struct sim_resv *out)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < in->n; i++) {
		if (strcmp(in->v[i].role, "*") != 0 && strcmp(in->v[i].role, role) != 0)
			continue;
		if (sim_resv_add_one(out, &in->v[i]) != 0) {
			sim_resv_free(out);
			return -ENOMEM;
		}
	}
	return 0;
}

int64_t sim_resv_milli(const struct sim_resv *r, const char *name)
{
	int64_t sum = 0;

	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0 && !is_ranges(&r->v[i]))
			sum += r->v[i].milli;
	return sum;
}

/* ---- text ---- */

static int parse_ranges(const char *s, struct sim_res *r, char *err, size_t errlen)
{
	const char *all = s;
	char *end;

	if (*s != '[')
		goto bad;
	s++;
	while (*s && *s != ']') {
		struct sim_range x;
		if (*s < '0' || *s > '9')
			goto bad;
		x.begin = strtoull(s, &end, 10);
		if (*end != '-' || end[1] < '0' || end[1] > '9')
			goto bad;
		x.end = strtoull(end + 1, &end, 10);
		if (x.end < x.begin || x.end > 65535)
			goto bad;
		if (ranges_union(r, &x, 1) != 0)
			return -ENOMEM;
		s = end;
		while (*s == ',' || *s == ' ')
			s++;
	}
	if (*s != ']' || s[1] != '\0')
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "--resources: bad ranges \"%s\"; expected [begin-end,begin-end] with begin <= end <= 65535",
		 all);
	return -EINVAL;
}

int sim_resv_parse(const char *text, struct sim_resv *out, char *err, size_t errlen)
{
	char *copy = strdup(text), *save = NULL, *item;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		struct sim_res r;
		char *colon = strchr(item, ':');
		memset(&r, 0, sizeof(r));
		strcpy(r.role, "*");
		if (!colon || colon == item || (size_t)(colon - item) >= sizeof(r.name)) {
			snprintf(err, errlen, "--resources: bad item \"%s\"; expected name:value",
				 item);
			rc = -EINVAL;
			goto out;
		}
		memcpy(r.name, item, (size_t)(colon - item));
		{
			/* Mesos' "cpus(*):4": only the unreserved role */
			char *paren = strchr(r.name, '(');
			if (paren && strcmp(paren, "(*)") != 0) {
				snprintf(err, errlen, "--resources: \"%s\": the sim has no static reservations; use name:value or name(*):value",
					 item);
				rc = -EINVAL;
				goto out;
			}
			if (paren)
				*paren = '\0';
		}
		if (strcmp(r.name, "ports") == 0) {
			rc = parse_ranges(colon + 1, &r, err, errlen);
		} else if (!strcmp(r.name, "cpus") || !strcmp(r.name, "mem") ||
			   !strcmp(r.name, "disk")) {
			char *end;
			double d = strtod(colon + 1, &end);
			if (*end || !isfinite(d) || d < 0 || d > 1e12) {
				snprintf(err, errlen, "--resources: bad value in \"%s\"", item);
				rc = -EINVAL;
			}
			r.milli = llround(d * 1000);
		} else {
			snprintf(err, errlen, "--resources: unknown resource \"%s\"; the sim knows cpus, mem, disk and ports",
				 r.name);
			rc = -EINVAL;
		}
		if (rc == 0)
			rc = sim_resv_add_one(out, &r);
		free(r.ranges);
		if (rc != 0)
			goto out;
	}
out:
	free(copy);
	if (rc != 0)
		sim_resv_free(out);
	return rc;
}

/* ---- protobuf ---- */

int sim_resv_from_pb(Mesos__V1__Resource *const *v, size_t n, struct sim_resv *out,
		     char *err, size_t errlen)
{
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *p = v[i];
		struct sim_res r;
		const char *principal = NULL;
		int rc;

		memset(&r, 0, sizeof(r));
		if (!p->name || strlen(p->name) >= sizeof(r.name) ||
		    (strcmp(p->name, "cpus") && strcmp(p->name, "mem") &&
		     strcmp(p->name, "disk") && strcmp(p->name, "ports"))) {
			snprintf(err, errlen, "Unknown resource '%s'", p->name ? p->name : "");
			goto bad;
		}
		if (p->provider_id || p->revocable || p->shared) {
			snprintf(err, errlen, "Resource '%s' is of a kind the sim does not offer",
				 p->name);
			goto bad;
		}
		strcpy(r.name, p->name);
		snprintf(r.role, sizeof(r.role), "%s", resource_role(p));
		if (p->n_reservations > 0) {
			r.refined = true;
			principal = p->reservations[p->n_reservations - 1]->principal;
		} else if (p->reservation) {
			principal = p->reservation->principal;
		}
		snprintf(r.principal, sizeof(r.principal), "%s", principal ? principal : "");
		if (p->disk && p->disk->persistence) {
			snprintf(r.persistence_id, sizeof(r.persistence_id), "%s",
				 p->disk->persistence->id);
			if (p->disk->volume && p->disk->volume->container_path)
				snprintf(r.container_path, sizeof(r.container_path), "%s",
					 p->disk->volume->container_path);
		}
		if (strcmp(r.name, "ports") == 0) {
			if (p->type != MESOS__V1__VALUE__TYPE__RANGES || !p->ranges) {
				snprintf(err, errlen, "Resource 'ports' must be RANGES");
				goto bad;
			}
			for (size_t k = 0; k < p->ranges->n_range; k++) {
				struct sim_range x = {p->ranges->range[k]->begin,
						      p->ranges->range[k]->end};
				if (x.begin > x.end) {
					snprintf(err, errlen, "Invalid range [%" PRIu64 "-%" PRIu64 "]",
						 x.begin, x.end);
					free(r.ranges);
					goto bad;
				}
				if (ranges_union(&r, &x, 1) != 0) {
					free(r.ranges);
					return -ENOMEM;
				}
			}
		} else {
			if (p->type != MESOS__V1__VALUE__TYPE__SCALAR || !p->scalar ||
			    !isfinite(p->scalar->value) || p->scalar->value < 0 ||
			    p->scalar->value > 1e12) {
				snprintf(err, errlen, "Resource '%s' must be a non-negative SCALAR",
					 r.name);
				goto bad;
			}
			r.milli = llround(p->scalar->value * 1000);
		}
		rc = sim_resv_add_one(out, &r);
		free(r.ranges);
		if (rc != 0) {
			sim_resv_free(out);
			return rc;
		}
	}
	return 0;
bad:
	sim_resv_free(out);
	return -EINVAL;
}

void sim_pb_resources_free(Mesos__V1__Resource **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			mesos__v1__resource__free_unpacked(v[i], NULL);
	free(v);
}

/* Builds one Resource with malloc'ed parts, packs and unpacks it so the
 * result is owned like an unpacked message. */
static Mesos__V1__Resource *res_to_pb(const struct sim_res *r, const char *alloc_role,
				      bool refinement)
{
	Mesos__V1__Resource p = MESOS__V1__RESOURCE__INIT;
	Mesos__V1__Value__Scalar sc = MESOS__V1__VALUE__SCALAR__INIT;
	Mesos__V1__Value__Ranges rg = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Value__Range rv[64], *rp[64];
	Mesos__V1__Resource__AllocationInfo ai = MESOS__V1__RESOURCE__ALLOCATION_INFO__INIT;
	Mesos__V1__Resource__ReservationInfo ri = MESOS__V1__RESOURCE__RESERVATION_INFO__INIT;
	Mesos__V1__Resource__ReservationInfo *rip[1] = {&ri};
	Mesos__V1__Resource__DiskInfo di = MESOS__V1__RESOURCE__DISK_INFO__INIT;
	Mesos__V1__Resource__DiskInfo__Persistence pe =
		MESOS__V1__RESOURCE__DISK_INFO__PERSISTENCE__INIT;
	Mesos__V1__Volume vo = MESOS__V1__VOLUME__INIT;
	bool reserved = strcmp(r->role, "*") != 0;
	uint8_t *bytes;
	size_t len;
	Mesos__V1__Resource *res;
	char *role_copy = (char *)r->role;

	p.name = (char *)r->name;
	if (is_ranges(r)) {
		size_t n = r->n_ranges < 64 ? r->n_ranges : 64;
		p.type = MESOS__V1__VALUE__TYPE__RANGES;
		for (size_t i = 0; i < n; i++) {
			mesos__v1__value__range__init(&rv[i]);
			rv[i].begin = r->ranges[i].begin;
			rv[i].end = r->ranges[i].end;
			rp[i] = &rv[i];
		}
		rg.n_range = n;
		rg.range = rp;
		p.ranges = &rg;
	} else {
		p.type = MESOS__V1__VALUE__TYPE__SCALAR;
		sc.value = (double)r->milli / 1000.0;
		p.scalar = &sc;
	}
	if (alloc_role) {
		ai.role = (char *)alloc_role;
		p.allocation_info = &ai;
	}
	if (!refinement) {
		/* pre-refinement: role always set ("*" unreserved), as §L.2 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		p.role = role_copy;
#pragma GCC diagnostic pop
		if (reserved) {
			ri.principal = r->principal[0] ? (char *)r->principal : NULL;
			p.reservation = &ri;
		}
	} else if (reserved) {
		ri.has_type = 1;
		ri.type = MESOS__V1__RESOURCE__RESERVATION_INFO__TYPE__DYNAMIC;
		ri.role = role_copy;
		ri.principal = r->principal[0] ? (char *)r->principal : NULL;
		p.n_reservations = 1;
		p.reservations = rip;
	}
	if (r->persistence_id[0]) {
		pe.id = (char *)r->persistence_id;
		pe.principal = r->principal[0] ? (char *)r->principal : NULL;
		di.persistence = &pe;
		vo.mode = MESOS__V1__VOLUME__MODE__RW;
		vo.container_path = (char *)r->container_path;
		di.volume = &vo;
		p.disk = &di;
	}
	len = mesos__v1__resource__get_packed_size(&p);
	bytes = malloc(len ? len : 1);
	if (!bytes)
		return NULL;
	mesos__v1__resource__pack(&p, bytes);
	res = mesos__v1__resource__unpack(NULL, len, bytes);
	free(bytes);
	return res;
}

int sim_resv_to_pb(const struct sim_resv *r, const char *alloc_role, bool refinement,
		   Mesos__V1__Resource ***out, size_t *n_out)
{
	Mesos__V1__Resource **v = calloc(r->n ? r->n : 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		if (res_empty(&r->v[i]))
			continue;
		v[n] = res_to_pb(&r->v[i], alloc_role, refinement);
		if (!v[n]) {
			sim_pb_resources_free(v, n);
			return -ENOMEM;
		}
		n++;
	}
	*out = v;
	*n_out = n;
	return 0;
}

static void fmt_scalar(struct buf *b, int64_t milli)
{
	if (milli % 1000 == 0)
		buf_appendf(b, "%" PRId64, milli / 1000);
	else
		buf_appendf(b, "%g", (double)milli / 1000.0);
}

int sim_resv_format(const struct sim_resv *r, const char *alloc_role, struct buf *out)
{
	bool first = true;

	for (size_t i = 0; i < r->n; i++) {
		const struct sim_res *x = &r->v[i];
		bool reserved = strcmp(x->role, "*") != 0;
		if (res_empty(x))
			continue;
		buf_appendf(out, "%s%s", first ? "" : "; ", x->name);
		first = false;
		if (reserved || alloc_role) {
			buf_append_str(out, "(");
			if (reserved)
				buf_appendf(out, "reservations: [(DYNAMIC,%s%s%s)]", x->role,
					    x->principal[0] ? "," : "", x->principal);
			if (alloc_role)
				buf_appendf(out, "%sallocated: %s", reserved ? ", " : "",
					    alloc_role);
			buf_append_str(out, ")");
		}
		if (x->persistence_id[0])
			buf_appendf(out, "[%s:%s]", x->persistence_id, x->container_path);
		buf_append_str(out, ":");
		if (is_ranges(x)) {
			buf_append_str(out, "[");
			for (size_t k = 0; k < x->n_ranges; k++)
				buf_appendf(out, "%s%" PRIu64 "-%" PRIu64, k ? ", " : "",
					    x->ranges[k].begin, x->ranges[k].end);
			buf_append_str(out, "]");
		} else {
			fmt_scalar(out, x->milli);
		}
	}
	return 0;
}
