/* backoff — exponential backoff with jitter; see backoff.h. */
#include "mesos/backoff.h"

#include <sys/random.h>

void backoff_init(struct backoff *b, uint64_t initial_ms, uint64_t cap_ms)
{
	b->initial_ms = initial_ms ? initial_ms : 1;
	b->cap_ms = cap_ms ? cap_ms : b->initial_ms;
	backoff_reset(b);
}

void backoff_reset(struct backoff *b)
{
	b->step_ms = b->initial_ms < b->cap_ms ? b->initial_ms : b->cap_ms;
	b->attempts = 0;
}

uint64_t backoff_next(struct backoff *b, uint32_t rnd)
{
	uint64_t step = b->step_ms, half = step / 2;
	uint64_t delay = half + (uint64_t)rnd % (step - half + 1);

	b->step_ms = step > b->cap_ms / 2 ? b->cap_ms : step * 2;
	b->attempts++;
	return delay;
}

uint32_t backoff_random(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (long)sizeof v)
		return 0;
	return v;
}
