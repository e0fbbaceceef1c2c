/*
 * status_data — the JSON the executor puts in TaskStatus.data of its
 * TASK_STARTING / TASK_RUNNING (and later) updates (SAFETY.md §5):
 *
 *   {"v":1, "member_id":"1156...", "raft_index":"4711", "raft_term":"9",
 *    "applied_index":"4711", "learner":false, "state":"running"}
 *
 * When an update also reports the progress of a framework-message op
 * (e.g. a reseed force reaching "healthy"), it carries that answer whole,
 * in the fw_message.h form, so it says which op and id it answers:
 *
 *   {..., "answer":{"v":1,"op":"force","answer":true,"reseed_id":"r-7",
 *                   "state":"healthy"}}
 *
 * Unknown fields are ignored; a higher major "v" is refused with
 * FW_TOO_NEW_FOR_SCHEDULER. Storage: fixed size, no heap. Pure functions.
 */
#ifndef EM_CLUSTER_STATUS_DATA_H
#define EM_CLUSTER_STATUS_DATA_H

#include "cluster/fw_message.h"

#include <stdbool.h>
#include <stddef.h>

struct buf;

#define STATUS_DATA_V 1
#define STATUS_DATA_MAX_BYTES (16 * 1024)

struct status_data {
	struct member_report report;
	bool has_answer;
	struct fw_message answer;   /* kind FW_ANSWER when has_answer */
};

/* Zeroes sd (state "starting", no answer). */
void status_data_init(struct status_data *sd);

/* 0, -EINVAL (err: an invalid state, or an answer that does not
 * validate) or -ENOMEM. */
int status_data_encode(const struct status_data *sd, struct buf *out,
		       char *err, size_t errlen);

/* 0, -EINVAL / -E2BIG (err), -ENOTSUP (err is FW_TOO_NEW_FOR_SCHEDULER)
 * or -ENOMEM. */
int status_data_decode(struct status_data *sd, const void *data, size_t len,
		       char *err, size_t errlen);

#endif
