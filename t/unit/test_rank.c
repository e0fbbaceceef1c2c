/* rank: the reseed candidate order of SAFETY.md §4 step 3, with ties at
 * every level, exclusions and empty input. */
#include "cluster/rank.h"
#include "tap.h"

#include <errno.h>

#define MAXC 8

struct rcase {
	const char *what;
	size_t n;
	struct rank_candidate c[MAXC];
	size_t n_tried;
	const char *tried[MAXC];
	size_t n_want;
	const char *want[MAXC];     /* names, best first */
};

#define C(name, data, idx, term, applied) \
	{ name, 0, data, idx, term, applied }
#define CI(name, id, idx, term, applied) \
	{ name, id, true, idx, term, applied }

static const struct rcase cases[] = {
	{ "empty input", 0, { { 0 } }, 0, { 0 }, 0, { 0 } },
	{ "one candidate", 1, { C("etcd-1", true, 10, 2, 10) }, 0, { 0 }, 1, { "etcd-1" } },
	{ "raft index decides first", 3, {
		C("etcd-1", true, 100, 9, 100), C("etcd-2", true, 120, 2, 90),
		C("etcd-3", true, 110, 5, 110) }, 0, { 0 },
	  3, { "etcd-2", "etcd-3", "etcd-1" } },
	{ "equal index: term decides", 3, {
		C("etcd-1", true, 100, 3, 100), C("etcd-2", true, 100, 4, 90),
		C("etcd-3", true, 100, 2, 100) }, 0, { 0 },
	  3, { "etcd-2", "etcd-1", "etcd-3" } },
	{ "equal index and term: applied index decides", 3, {
		C("etcd-1", true, 100, 3, 95), C("etcd-2", true, 100, 3, 99),
		C("etcd-3", true, 100, 3, 97) }, 0, { 0 },
	  3, { "etcd-2", "etcd-3", "etcd-1" } },
	{ "all equal: name decides (byte order)", 4, {
		C("etcd-3", true, 100, 3, 99), C("etcd-10", true, 100, 3, 99),
		C("etcd-1", true, 100, 3, 99), C("etcd-2", true, 100, 3, 99) }, 0, { 0 },
	  4, { "etcd-1", "etcd-10", "etcd-2", "etcd-3" } },
	{ "same name (never in a sane registry): member id decides", 2, {
		CI("etcd-1", 9, 100, 3, 99), CI("etcd-1", 7, 100, 3, 99) }, 0, { 0 },
	  2, { "etcd-1", "etcd-1" } },
	{ "no data: left out even if its index is highest", 3, {
		C("etcd-1", false, 500, 9, 500), C("etcd-2", true, 100, 3, 99),
		C("etcd-3", true, 90, 3, 90) }, 0, { 0 },
	  2, { "etcd-2", "etcd-3" } },
	{ "already tried: left out", 3, {
		C("etcd-1", true, 100, 3, 99), C("etcd-2", true, 120, 3, 99),
		C("etcd-3", true, 110, 3, 99) }, 1, { "etcd-2" },
	  2, { "etcd-3", "etcd-1" } },
	{ "every candidate tried or without data: nothing chosen", 3, {
		C("etcd-1", true, 100, 3, 99), C("etcd-2", false, 120, 3, 99),
		C("etcd-3", true, 110, 3, 99) }, 2, { "etcd-3", "etcd-1" },
	  0, { 0 } },
	{ "a tried name that is not a candidate changes nothing", 2, {
		C("etcd-1", true, 100, 3, 99), C("etcd-2", true, 120, 3, 99) }, 1, { "etcd-9" },
	  2, { "etcd-2", "etcd-1" } },
	{ "index beats term (SAFETY.md order, not raft's up-to-date rule)", 2, {
		C("etcd-1", true, 101, 2, 101), C("etcd-2", true, 100, 3, 100) }, 0, { 0 },
	  2, { "etcd-1", "etcd-2" } },
};

static void test_cases(void)
{
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const struct rcase *c = &cases[k];
		size_t order[MAXC], n_order = 99;
		int chosen = 99;
		int rc = rank_reseed(c->n ? c->c : NULL, c->n, c->n_tried ? c->tried : NULL,
				     c->n_tried, order, MAXC, &n_order, &chosen);
		bool good = rc == 0 && n_order == c->n_want &&
			    chosen == (c->n_want ? (int)order[0] : -1);
		for (size_t i = 0; good && i < n_order; i++)
			good = strcmp(c->c[order[i]].name, c->want[i]) == 0;
		if (!ok(good, "rank: %s", c->what)) {
			note("  rc %d n_order %zu chosen %d", rc, n_order, chosen);
			for (size_t i = 0; rc == 0 && i < n_order && i < MAXC; i++)
				note("  %zu: %s", i, c->c[order[i]].name);
		}
	}
	/* the member-id tie-break picks the lower id */
	const struct rcase *same = &cases[6];
	size_t order[MAXC], n_order;
	int chosen;
	rank_reseed(same->c, 2, NULL, 0, order, MAXC, &n_order, &chosen);
	ok(chosen == 1 && same->c[1].member_id == 7, "same name: lower member id first");
}

static void test_deterministic(void)
{
	/* every permutation of 4 candidates with ties gives the same names */
	static const struct rank_candidate base[4] = {
		C("b", true, 7, 1, 7), C("a", true, 7, 1, 7),
		C("c", true, 7, 2, 6), C("d", true, 8, 1, 1),
	};
	static const char *const want[4] = { "d", "c", "a", "b" };
	int perms = 0, same = 0;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			for (int c = 0; c < 4; c++)
				for (int d = 0; d < 4; d++) {
					if (a == b || a == c || a == d || b == c || b == d || c == d)
						continue;
					struct rank_candidate in[4] = { base[a], base[b], base[c], base[d] };
					size_t order[4], n;
					int chosen;
					perms++;
					if (rank_reseed(in, 4, NULL, 0, order, 4, &n, &chosen) || n != 4)
						continue;
					bool eq = true;
					for (int i = 0; i < 4; i++)
						eq = eq && strcmp(in[order[i]].name, want[i]) == 0;
					same += eq;
				}
	is_int(same, 24, "all %d input orders rank d, c, a, b", perms);
}

static void test_errors(void)
{
	struct rank_candidate c[2] = { C("etcd-1", true, 1, 1, 1), C(NULL, true, 2, 1, 1) };
	size_t order[2], n;
	int chosen;
	is_int(rank_reseed(c, 2, NULL, 0, order, 2, &n, &chosen), -EINVAL, "candidate without a name");
	is_int(rank_reseed(c, 1, NULL, 0, order, 0, &n, &chosen), -EINVAL, "no room for the order");
	is_int(rank_reseed(c, 1, NULL, 1, order, 1, &n, &chosen), -EINVAL, "tried count without names");
	is_int(rank_reseed(NULL, 1, NULL, 0, order, 1, &n, &chosen), -EINVAL, "NULL candidates");
	is_int(rank_reseed(NULL, 0, NULL, 0, NULL, 0, &n, &chosen), 0, "empty input is fine");
	is_int(chosen, -1, "empty input chooses nobody");
	ok(rank_compare(&c[0], &c[0]) == 0, "compare: equal to itself");
}

int main(void)
{
	test_cases();
	test_deterministic();
	test_errors();
	return done_testing();
}
