#include "cluster/status_data.h"

#include "base/buf.h"
#include "cluster/json_read.h"

#include <errno.h>
#include <string.h>

#define WHAT "task status data"

void status_data_init(struct status_data *sd)
{
	memset(sd, 0, sizeof(*sd));
	sd->report.state = MEMBER_RUN_STARTING;
	sd->answer.kind = FW_ANSWER;
}

static int check(struct jr *r, const struct status_data *sd)
{
	if ((unsigned)sd->report.state >= MEMBER_RUN_COUNT) {
		jr_num_error(r, "state", (unsigned)sd->report.state, "unknown member state");
		return -EINVAL;
	}
	if (!sd->has_answer)
		return 0;
	if (sd->answer.kind != FW_ANSWER) {
		jr_errorf(r, "field \"answer\" holds a request, not an answer");
		return -EINVAL;
	}
	jr_set_prefix(r, "answer.");
	if (fw_message_check(r, &sd->answer) < 0)
		return -EINVAL;
	r->prefix[0] = '\0';
	return 0;
}

int status_data_encode(const struct status_data *sd, struct buf *out,
		       char *err, size_t errlen)
{
	struct jr r;
	cJSON *root, *ans;

	jr_init(&r, WHAT, err, errlen);
	if (check(&r, sd) < 0)
		return -EINVAL;
	root = cJSON_CreateObject();
	if (!root)
		return -ENOMEM;
	if (jw_int(root, "v", STATUS_DATA_V) < 0 ||
	    member_report_put(root, &sd->report) < 0)
		goto nomem;
	if (sd->has_answer) {
		ans = cJSON_AddObjectToObject(root, "answer");
		if (!ans || fw_message_put(ans, &sd->answer) < 0)
			goto nomem;
	}
	return jw_finish(root, out);
nomem:
	cJSON_Delete(root);
	return -ENOMEM;
}

int status_data_decode(struct status_data *sd, const void *data, size_t len,
		       char *err, size_t errlen)
{
	struct jr r;
	cJSON *root = NULL;
	const cJSON *ans = NULL;
	int rc;

	status_data_init(sd);
	jr_init(&r, WHAT, err, errlen);
	rc = jr_parse(&r, data, len, STATUS_DATA_MAX_BYTES, &root);
	if (rc < 0)
		return rc;
	rc = jr_version(&r, root, STATUS_DATA_V, FW_TOO_NEW_FOR_SCHEDULER, NULL);
	if (rc < 0)
		goto out;
	rc = -EINVAL;
	if (member_report_get(&r, root, &sd->report) < 0 ||
	    jr_node(&r, root, "answer", 0, cJSON_Object, &ans) < 0)
		goto out;
	if (ans) {
		jr_set_prefix(&r, "answer.");
		/* The nested answer has its own "v": gate it the same way. */
		rc = jr_version(&r, ans, FW_MESSAGE_V, FW_TOO_NEW_FOR_SCHEDULER, NULL);
		if (rc < 0)
			goto out;
		rc = -EINVAL;
		if (fw_message_get(&r, ans, FW_ANSWER, &sd->answer) < 0)
			goto out;
		sd->has_answer = true;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}
