/*
 * duration — stout duration strings, as the Mesos agent writes them into
 * an executor's environment (PROTOCOLS.md C.2): MESOS_RECOVERY_TIMEOUT
 * ("15mins"), MESOS_SUBSCRIPTION_BACKOFF_MAX ("2secs"),
 * MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD ("5secs").
 *
 *   duration = number unit
 *   number   = 1*DIGIT ["." 1*DIGIT]   (a fraction is allowed: "1.5mins")
 *   unit     = "ns" | "us" | "ms" | "secs" | "mins" | "hrs" | "days" | "weeks"
 *
 * No sign, no spaces, no exponent; values past INT64_MAX nanoseconds are
 * refused. Pure code: no I/O, no logging, no state; callable anywhere.
 *
 * Returns 0, or -EINVAL with err (if non-NULL and errlen > 0) holding one
 * line that quotes the value and gives the expected form.
 */
#ifndef EM_MESOS_DURATION_H
#define EM_MESOS_DURATION_H

#include <stddef.h>
#include <stdint.h>

int mesos_duration_parse(const char *s, int64_t *out_ns, char *err, size_t errlen);

#endif
