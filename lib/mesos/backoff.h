/*
 * backoff — truncated exponential backoff with jitter, for re-subscribing
 * to a Mesos master or agent (PROTOCOLS.md A.6: cap about 15 s; C.5: the
 * executor's cap is MESOS_SUBSCRIPTION_BACKOFF_MAX).
 *
 * Each backoff_next() returns a delay in [step/2, step] where step starts
 * at initial_ms and doubles after every call up to cap_ms, so a delay is
 * never above cap_ms and never below min(initial_ms, cap_ms)/2.
 * backoff_reset() goes back to initial_ms (after a success). The jitter
 * comes from the caller (rnd), so the arithmetic is pure and testable;
 * backoff_random() gives a value from getrandom(2) (0 if that fails).
 * The caller owns the struct; nothing to free. Callable anywhere.
 */
#ifndef EM_MESOS_BACKOFF_H
#define EM_MESOS_BACKOFF_H

#include <stdint.h>

struct backoff {
	uint64_t initial_ms;   /* > 0 */
	uint64_t cap_ms;       /* >= 1 */
	uint64_t step_ms;      /* private */
	unsigned attempts;     /* delays handed out since the last reset */
};

/* initial_ms 0 is taken as 1; cap_ms 0 as initial_ms. */
void backoff_init(struct backoff *b, uint64_t initial_ms, uint64_t cap_ms);
void backoff_reset(struct backoff *b);
uint64_t backoff_next(struct backoff *b, uint32_t rnd);
uint32_t backoff_random(void);

#endif
