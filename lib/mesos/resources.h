/*
 * resources — offer arithmetic over Mesos v1 Resource lists (pure code:
 * no I/O, no event loop, no logging, no global state), so every call may
 * run anywhere, including inside event-loop callbacks.
 *
 * What it owns:
 *   - struct res_pool: what is left of one offer while tasks are carved
 *     out of it. It borrows the offer (its Resource messages are used as
 *     templates for role, reservation, allocation_info and disk info), so
 *     the offer must outlive the pool; the pool owns only its counters and
 *     range lists. Free it with res_pool_finish().
 *   - struct res_list: Resource messages built for a TaskInfo or an
 *     ExecutorInfo. Each element is owned like an unpacked message (deep
 *     copy, no pointer into the offer), so a list outlives its offer.
 *     Free it with res_list_finish(), which frees every element with
 *     mesos__v1__resource__free_unpacked(). res_list_reserve() and
 *     res_list_add_volume() build the resources of RESERVE and CREATE.
 *
 * Which offered resources are used ("plain" resources): not revocable,
 * not shared, not from a resource provider, not a persistent volume, and
 * for disk only the agent's root disk or a PATH disk (a MOUNT disk can only
 * be taken whole; BLOCK/RAW are not filesystems). cpus, mem and disk must
 * be SCALAR, ports RANGES; anything else is ignored. Persistent volumes are
 * found with resources_find_volume() and added by the caller.
 *
 * Roles. A resource's reservation role is resource_role(): "*" when
 * unreserved, else the role it is reserved for, read from the last entry
 * of `reservations` (post-refinement format) or from the deprecated `role`
 * field (pre-refinement). Sums take a role filter: NULL counts every plain
 * resource, "*" only unreserved ones, any other string only resources
 * reserved for that role. res_pool_take() takes from resources reserved
 * for `reserved_role` first, then from unreserved ones; NULL means
 * unreserved only.
 *
 * Ports come from any of the offered ranges and any number of ports
 * resources: never one contiguous range. Free ports are handed out lowest
 * first; res_need.ports asks for exact port numbers instead.
 *
 * Scalars are counted in thousandths, as Mesos does (it keeps three
 * decimal places), so 0.1 + 0.2 fits in 0.3.
 *
 * Errors: -EINVAL (a need that is negative, NaN, too large, asks for
 * more than 1024 ports, or lists a port twice), -ENOSPC (the offer cannot hold the need; nothing was
 * taken), -EPROTO (it fits, but an offered resource could not be copied:
 * protobuf-c cannot re-pack unknown fields of its nested messages), -ENOMEM. A failing take leaves the pool and the output lists
 * exactly as they were. Input from the network (odd values, begin > end,
 * NaN scalars) is skipped, never trusted.
 */
#ifndef EM_MESOS_RESOURCES_H
#define EM_MESOS_RESOURCES_H

#include "mesos/v1/mesos.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An inclusive range, as in Value.Range. */
struct res_range {
	uint64_t begin, end;
};

/* What an executor or a task asks of an offer. mem and disk in MB. */
struct res_need {
	double cpus, mem, disk;
	size_t n_ports;
	/* NULL: any n_ports free ports. Otherwise exactly these n_ports
	 * port numbers (all different). */
	const uint64_t *ports;
};

/* One plain offered resource and what is left of it. */
struct res_entry {
	const Mesos__V1__Resource *src;  /* borrowed from the offer */
	int kind;                        /* internal: cpus, mem, disk, ports */
	int64_t milli;                   /* scalar left, in thousandths */
	struct res_range *ranges;        /* ranges left, sorted, disjoint */
	size_t n_ranges;
};

struct res_pool {
	const Mesos__V1__Offer *offer;   /* borrowed */
	struct res_entry *e;
	size_t n;
};

struct res_list {
	Mesos__V1__Resource **v;
	size_t n, cap;
};

#define RES_LIST_INIT {NULL, 0, 0}

/* Reservation role of r: "*" when unreserved. Never NULL. */
const char *resource_role(const Mesos__V1__Resource *r);

/* Whether r is a plain resource (see above) of a kind we use. */
bool resource_is_plain(const Mesos__V1__Resource *r);

/* Sum of the plain scalar resources called `name` whose role passes the
 * filter (NULL: any). */
double resources_scalar(Mesos__V1__Resource *const *v, size_t n, const char *name,
			const char *role);

/* Number of ports in the plain ranges resources called `name` whose role
 * passes the filter. Invalid ranges (begin > end) are skipped. */
uint64_t resources_range_count(Mesos__V1__Resource *const *v, size_t n, const char *name,
			       const char *role);

/* The persistent volume (disk with persistence.id == id) among v, or NULL. */
const Mesos__V1__Resource *resources_find_volume(Mesos__V1__Resource *const *v, size_t n,
						 const char *id);

/* Builds a pool from the plain resources of an offer. 0 or -ENOMEM. */
int res_pool_init(struct res_pool *p, const Mesos__V1__Offer *offer);
void res_pool_finish(struct res_pool *p);

/* What is left, with the role filter of resources_scalar(). name is
 * "cpus", "mem" or "disk". */
double res_pool_scalar(const struct res_pool *p, const char *name, const char *role);
uint64_t res_pool_ports(const struct res_pool *p, const char *role);

/* Whether `need` fits in what is left (see res_pool_take for roles).
 * A need that res_pool_take would refuse with -EINVAL does not fit. */
bool res_pool_fits(const struct res_pool *p, const struct res_need *need,
		   const char *reserved_role);

/* Takes `need` out of the pool and appends the Resource messages to
 * `out`: cpus, mem, disk (one message per offered resource they come
 * from, with that resource's role, reservation and disk info, and the
 * offer's allocation_info when the resource has none), then ports as
 * RANGES (adjacent ports merged). The chosen ports, in the order taken
 * (or the order of need->ports), go to ports_out, which must hold
 * need->n_ports numbers (may be NULL when n_ports is 0). Returns 0,
 * -EINVAL, -ENOSPC or -ENOMEM; on error nothing changes. */
int res_pool_take(struct res_pool *p, const struct res_need *need, const char *reserved_role,
		  struct res_list *out, uint64_t *ports_out);

/* An executor plus its task, all or nothing: takes exec_need into
 * exec_out, then task_need into task_out. ports_out receives the task's
 * ports (the executor's need must ask for none). exec_out and task_out
 * may be the same list. Same errors; on error nothing changes. */
int res_pool_take_launch(struct res_pool *p, const struct res_need *exec_need,
			 const struct res_need *task_need, const char *reserved_role,
			 struct res_list *exec_out, struct res_list *task_out,
			 uint64_t *ports_out);

/* Appends a deep copy of r (for UNRESERVE and DESTROY, which name the
 * offered resources as they are). 0 or -ENOMEM. */
int res_list_add_copy(struct res_list *l, const Mesos__V1__Resource *r);

/* For RESERVE: appends to out a copy of every resource of in, reserved
 * for role by principal; allocation_info and amounts are kept.
 * refined false (no RESERVATION_REFINEMENT): role = role and
 * reservation = {principal}, the pre-refinement format; the resources
 * must be unreserved. refined true: a DYNAMIC ReservationInfo{role,
 * principal} is pushed on `reservations`, which refines an existing
 * post-refinement reservation. -EINVAL if role is NULL, empty or "*", or
 * a resource cannot be reserved that way; -ENOMEM. On error out is
 * unchanged. */
int res_list_reserve(const struct res_list *in, const char *role, const char *principal,
		     bool refined, struct res_list *out);

/* For CREATE: appends a persistent volume made from a reserved plain disk
 * resource (as reserved by res_list_reserve, or as offered):
 * disk{persistence{id, principal}, volume{container_path, RW}}, keeping
 * its disk source. -EINVAL if disk is not a reserved plain disk or id or
 * container_path is empty; -ENOMEM. */
int res_list_add_volume(struct res_list *out, const Mesos__V1__Resource *disk, const char *id,
			const char *principal, const char *container_path);

void res_list_finish(struct res_list *l);

#endif
