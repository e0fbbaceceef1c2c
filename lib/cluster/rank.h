/*
 * rank — which fenced member a reseed forces first (SAFETY.md §4 step 3).
 *
 * Candidates that still hold data are ordered by raft index (highest
 * first), then raft term (highest first), then applied index (highest
 * first), then name (byte order, lowest first), then member id (lowest
 * first) and finally input position, so the order is total and the same
 * on every scheduler that reads the same records. Candidates without data
 * and those already tried under this reseed id (matched by name) are left
 * out of the order.
 *
 * Ownership: the caller owns the candidates, the names and the output
 * array; nothing is allocated and nothing is kept.
 *
 * Errors: rank_reseed returns 0, or -EINVAL (NULL pointers with a non-zero
 * count, a candidate without a name, order_cap smaller than n). An empty
 * result is not an error: *chosen is then -1 (nothing left to try: per
 * §4 step 4 the reseed stops and kills nothing).
 */
#ifndef EM_CLUSTER_RANK_H
#define EM_CLUSTER_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rank_candidate {
	const char *name;              /* member name, unique in the registry */
	uint64_t member_id;            /* etcd id, 0 if unknown */
	bool has_data;                 /* its data directory survived */
	uint64_t raft_index;           /* from the fence answer or the last sample */
	uint64_t raft_term;
	uint64_t raft_applied_index;
};

/* Fills order[0..*n_order) with indexes into cands, best first, and sets
 * *chosen to order[0] or -1. tried holds n_tried names (may be NULL when
 * n_tried is 0). */
int rank_reseed(const struct rank_candidate *cands, size_t n,
		const char *const *tried, size_t n_tried,
		size_t *order, size_t order_cap, size_t *n_order, int *chosen);

/* <0 when a ranks before b, >0 after, 0 only for the same fields. */
int rank_compare(const struct rank_candidate *a, const struct rank_candidate *b);

#endif
