/* zk_store: the in-memory mirror (sorted arrays of task and reseed
 * records) and its read accessors. */
#include "zk/zk_store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- mirror */

void zs_mirror_finish(struct zs_mirror *m)
{
	if (!m)
		return;
	free(m->tasks);
	for (size_t i = 0; i < m->n_reseeds; i++) {
		free(m->reseeds[i].id);
		free(m->reseeds[i].json);
	}
	free(m->reseeds);
	for (size_t i = 0; i < m->original.n_tasks; i++) {
		free(m->original.tasks[i].task_id);
		free(m->original.tasks[i].agent_id);
	}
	free(m->original.tasks);
	memset(m, 0, sizeof(*m));
}

/* Index of the first task whose id is >= id; *found if equal. */
static size_t task_pos(const struct zs_mirror *m, const char *id, bool *found)
{
	size_t lo = 0, hi = m->n_tasks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->tasks[mid].task_id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n_tasks && strcmp(m->tasks[lo].task_id, id) == 0;
	return lo;
}

int zs_mirror_put_task(struct zs_mirror *m, const struct registry_record *rec)
{
	bool found;
	size_t i = task_pos(m, rec->task_id, &found);
	if (found) {
		m->tasks[i] = *rec;
		return 0;
	}
	if (m->n_tasks == m->cap_tasks) {
		size_t cap = m->cap_tasks ? m->cap_tasks * 2 : 8;
		struct registry_record *t = realloc(m->tasks, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		m->tasks = t;
		m->cap_tasks = cap;
	}
	memmove(&m->tasks[i + 1], &m->tasks[i], (m->n_tasks - i) * sizeof(*m->tasks));
	m->tasks[i] = *rec;
	m->n_tasks++;
	return 0;
}

void zs_mirror_delete_task(struct zs_mirror *m, const char *task_id)
{
	bool found;
	size_t i = task_pos(m, task_id, &found);
	if (!found)
		return;
	memmove(&m->tasks[i], &m->tasks[i + 1], (m->n_tasks - i - 1) * sizeof(*m->tasks));
	m->n_tasks--;
}

static size_t reseed_pos(const struct zs_mirror *m, const char *id, bool *found)
{
	size_t lo = 0, hi = m->n_reseeds;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->reseeds[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n_reseeds && strcmp(m->reseeds[lo].id, id) == 0;
	return lo;
}

int zs_mirror_put_reseed(struct zs_mirror *m, const char *id, char *json, size_t len)
{
	bool found;
	size_t i = reseed_pos(m, id, &found);
	char *idc;

	if (found) {
		free(m->reseeds[i].json);
		m->reseeds[i].json = json;
		m->reseeds[i].len = len;
		return 0;
	}
	if (m->n_reseeds == m->cap_reseeds) {
		size_t cap = m->cap_reseeds ? m->cap_reseeds * 2 : 4;
		struct zs_reseed *r = realloc(m->reseeds, cap * sizeof(*r));
		if (!r)
			goto nomem;
		m->reseeds = r;
		m->cap_reseeds = cap;
	}
	idc = strdup(id);
	if (!idc)
		goto nomem;
	memmove(&m->reseeds[i + 1], &m->reseeds[i], (m->n_reseeds - i) * sizeof(*m->reseeds));
	m->reseeds[i] = (struct zs_reseed){ .id = idc, .json = json, .len = len };
	m->n_reseeds++;
	return 0;
nomem:
	free(json);
	return -ENOMEM;
}

void zs_mirror_delete_reseed(struct zs_mirror *m, const char *id)
{
	bool found;
	size_t i = reseed_pos(m, id, &found);
	if (!found)
		return;
	free(m->reseeds[i].id);
	free(m->reseeds[i].json);
	memmove(&m->reseeds[i], &m->reseeds[i + 1], (m->n_reseeds - i - 1) * sizeof(*m->reseeds));
	m->n_reseeds--;
}

/* ------------------------------------------------------------ accessors */

const char *zk_store_root(const struct zk_store *st) { return st->root; }
bool zk_store_loaded(const struct zk_store *st) { return st->loaded; }
bool zk_store_fresh(const struct zk_store *st) { return st->m.fresh; }
bool zk_store_teardown_marked(const struct zk_store *st) { return st->m.teardown; }
uint64_t zk_store_next_member_peek(const struct zk_store *st) { return st->m.next_member; }
size_t zk_store_task_count(const struct zk_store *st) { return st->m.n_tasks; }
size_t zk_store_reseed_count(const struct zk_store *st) { return st->m.n_reseeds; }

const struct zk_store_original *zk_store_original(const struct zk_store *st)
{
	return &st->m.original;
}

const char *zk_store_framework_id(const struct zk_store *st)
{
	return st->m.have_fwid ? st->m.fwid : NULL;
}

const struct registry_record *zk_store_task_at(const struct zk_store *st, size_t i)
{
	return i < st->m.n_tasks ? &st->m.tasks[i] : NULL;
}

const struct registry_record *zk_store_task_find(const struct zk_store *st,
						 const char *task_id)
{
	bool found;
	size_t i;
	if (!task_id)
		return NULL;
	i = task_pos(&st->m, task_id, &found);
	return found ? &st->m.tasks[i] : NULL;
}

const char *zk_store_reseed_at(const struct zk_store *st, size_t i, const char **json,
			       size_t *len)
{
	if (i >= st->m.n_reseeds)
		return NULL;
	if (json)
		*json = st->m.reseeds[i].json;
	if (len)
		*len = st->m.reseeds[i].len;
	return st->m.reseeds[i].id;
}

const char *zk_store_reseed_find(const struct zk_store *st, const char *id, size_t *len)
{
	bool found;
	size_t i;
	if (!id)
		return NULL;
	i = reseed_pos(&st->m, id, &found);
	if (!found)
		return NULL;
	if (len)
		*len = st->m.reseeds[i].len;
	return st->m.reseeds[i].json;
}
