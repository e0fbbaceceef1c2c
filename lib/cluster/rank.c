#include "cluster/rank.h"

#include <errno.h>
#include <string.h>

static int desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

int rank_compare(const struct rank_candidate *a, const struct rank_candidate *b)
{
	int c;
	if ((c = desc(a->raft_index, b->raft_index)) ||
	    (c = desc(a->raft_term, b->raft_term)) ||
	    (c = desc(a->raft_applied_index, b->raft_applied_index)))
		return c;
	if ((c = strcmp(a->name, b->name)))
		return c < 0 ? -1 : 1;
	return -desc(a->member_id, b->member_id);
}

static bool was_tried(const char *name, const char *const *tried, size_t n_tried)
{
	for (size_t i = 0; i < n_tried; i++)
		if (tried[i] && strcmp(tried[i], name) == 0)
			return true;
	return false;
}

int rank_reseed(const struct rank_candidate *cands, size_t n,
		const char *const *tried, size_t n_tried,
		size_t *order, size_t order_cap, size_t *n_order, int *chosen)
{
	if (!n_order || !chosen || (n && (!cands || !order)) ||
	    (n_tried && !tried) || order_cap < n)
		return -EINVAL;
	*n_order = 0;
	*chosen = -1;
	for (size_t i = 0; i < n; i++)
		if (!cands[i].name)
			return -EINVAL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!cands[i].has_data || was_tried(cands[i].name, tried, n_tried))
			continue;
		/* insertion sort: n is at most a handful, and it is stable, so
		 * identical candidates keep their input order */
		size_t k = m++;
		while (k > 0 && rank_compare(&cands[i], &cands[order[k - 1]]) < 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	*n_order = m;
	if (m)
		*chosen = (int)order[0];
	return 0;
}
