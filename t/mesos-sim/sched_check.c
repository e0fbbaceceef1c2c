/* sched_check.c — the checks of a scheduler request before it is
 * handled: byte-for-byte headers, Accept negotiation, HTTP Basic
 * authentication against --credentials, and Mesos' validation of a Call
 * and of a SUBSCRIBE's FrameworkInfo (texts as in PROTOCOLS.md §L.1). */
#include "master.h"

#include "base/strutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool sim_header_is(const struct http_req *req, const char *name, const char *want)
{
	size_t len;
	const char *v = http_req_header(req, name, &len);

	return v && len == strlen(want) && memcmp(v, want, len) == 0;
}

/* Whether an Accept header allows media type `type` ("application/x-protobuf"). */
bool sim_accepts(const char *accept, size_t len, const char *type)
{
	const char *p = accept, *end = accept + len;
	const char *slash = strchr(type, '/');
	size_t major = (size_t)(slash - type);

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		const char *semi = memchr(p, ';', (size_t)(item_end - p));
		const char *mt_end = semi ? semi : item_end;
		double q = 1;
		size_t n;

		while (p < mt_end && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(mt_end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		for (const char *s = semi; s && s < item_end;) {
			const char *nx = memchr(s + 1, ';', (size_t)(item_end - s - 1));
			const char *t = s + 1;
			while (t < item_end && *t == ' ')
				t++;
			if (item_end - t > 2 && (t[0] == 'q' || t[0] == 'Q') && t[1] == '=')
				q = strtod(t + 2, NULL);
			s = nx;
		}
		if (q > 0 && ((n == strlen(type) && strncasecmp(p, type, n) == 0) ||
			      (n == major + 2 && strncasecmp(p, type, major + 1) == 0 &&
			       p[major + 1] == '*') ||
			      (n == 3 && memcmp(p, "*/*", 3) == 0)))
			return true;
		p = comma ? comma + 1 : end;
	}
	return false;
}

/* Basic auth against --credentials. 0 ok (principal filled), -EACCES. */
int sim_authenticate(struct sim *sim, struct http_req *req, char *principal, size_t plen)
{
	struct sim_master_state *ms = sim_ms(sim);
	size_t len;
	const char *h = http_req_header(req, "Authorization", &len);
	char dec[512], *colon;
	long n;

	principal[0] = '\0';
	if (!ms->cred_principal)
		return 0;
	if (!h || len < 7 || memcmp(h, "Basic ", 6) != 0)
		return -EACCES;
	n = base64_decode(h + 6, len - 6, dec, sizeof(dec) - 1);
	if (n < 0)
		return -EACCES;
	dec[n] = '\0';
	colon = strchr(dec, ':');
	if (!colon || strchr(colon + 1, ':'))
		return -EACCES;        /* Mesos needs exactly two parts */
	*colon = '\0';
	for (size_t i = 0; i < ms->n_creds; i++) {
		if (strcmp(ms->cred_principal[i], dec) == 0 &&
		    ct_streq(ms->cred_secret[i], colon + 1)) {
			snprintf(principal, plen, "%s", dec);
			return 0;
		}
	}
	return -EACCES;
}

static bool type_known(const Mesos__V1__Scheduler__Call *c)
{
	return c->has_type &&
	       protobuf_c_enum_descriptor_get_value(&mesos__v1__scheduler__call__type__descriptor,
						    (int)c->type) != NULL;
}

static bool same_fwid(const Mesos__V1__FrameworkID *a, const Mesos__V1__FrameworkID *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a->value, b->value) == 0;
}

/* validation::scheduler::call::validate. NULL if fine. */
const char *sim_validate_call(const Mesos__V1__Scheduler__Call *c, const char *principal,
				 char *buf, size_t buflen)
{
	if (!type_known(c))
		return "Expecting 'type' to be present";
	if (c->type == MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE) {
		const Mesos__V1__FrameworkInfo *fi;
		if (!c->subscribe)
			return "Expecting 'subscribe' to be present";
		fi = c->subscribe->framework_info;
		if (!same_fwid(fi->id, c->framework_id))
			return "'framework_id' differs from 'subscribe.framework_info.id'";
		if (principal[0] && fi->principal && strcmp(fi->principal, principal) != 0) {
			snprintf(buf, buflen, "Authenticated principal '%s' does not match principal '%s' set in `FrameworkInfo`",
				 principal, fi->principal);
			return buf;
		}
		return NULL;
	}
	if (!c->framework_id)
		return "Expecting 'framework_id' to be present";
	switch (c->type) {
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT:
		return c->accept ? NULL : "Expecting 'accept' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE:
		return c->decline ? NULL : "Expecting 'decline' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT_INVERSE_OFFERS:
		return c->accept_inverse_offers ? NULL : "Expecting 'accept_inverse_offers' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE_INVERSE_OFFERS:
		return c->decline_inverse_offers ? NULL : "Expecting 'decline_inverse_offers' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__KILL:
		return c->kill ? NULL : "Expecting 'kill' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__SHUTDOWN:
		return c->shutdown ? NULL : "Expecting 'shutdown' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE:
		if (!c->acknowledge)
			return "Expecting 'acknowledge' to be present";
		return c->acknowledge->uuid.len == 16 ? NULL : "Not a valid UUID";
	case MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE_OPERATION_STATUS:
		if (!c->acknowledge_operation_status)
			return "Expecting 'acknowledge_operation_status' to be present";
		if (c->acknowledge_operation_status->uuid.len != 16)
			return "Not a valid UUID";
		return c->acknowledge_operation_status->agent_id ? NULL
			: "Expecting 'agent_id' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE:
		return c->reconcile ? NULL : "Expecting 'reconcile' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE_OPERATIONS:
		return c->reconcile_operations ? NULL : "Expecting 'reconcile_operations' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__MESSAGE:
		return c->message ? NULL : "Expecting 'message' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__REQUEST:
		/* Call.request (field 11) is not in our .proto: look for it among
		 * the unknown fields */
		for (size_t i = 0; i < c->base.n_unknown_fields; i++)
			if (c->base.unknown_fields[i].tag == 11)
				return NULL;
		return "Expecting 'request' to be present";
	case MESOS__V1__SCHEDULER__CALL__TYPE__UPDATE_FRAMEWORK:
		return c->update_framework ? NULL : "Expecting 'update_framework' to be present";
	default:
		return NULL;
	}
}

/* validateFrameworkSubscription, the parts the sim checks. */
const char *sim_validate_subscribe(const Mesos__V1__Scheduler__Call__Subscribe *sub,
				 bool multi_role, char *buf, size_t buflen)
{
	const Mesos__V1__FrameworkInfo *fi = sub->framework_info;
	double ft = fi->has_failover_timeout ? fi->failover_timeout : 0;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	bool has_role = fi->role && fi->role != mesos__v1__framework_info__role__default_value;
#pragma GCC diagnostic pop
	if (multi_role && has_role)
		return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
	if (!multi_role && fi->n_roles > 0)
		return "'FrameworkInfo.roles' must be empty when the framework is not MULTI_ROLE capable";
	for (size_t i = 0; i < fi->n_roles; i++) {
		const char *r = fi->roles[i];
		if (!r[0] || strcmp(r, ".") == 0 || strcmp(r, "..") == 0 || r[0] == '-' ||
		    strpbrk(r, " \t\n/\\")) {
			snprintf(buf, buflen, "Role '%s' is invalid", r);
			return buf;
		}
	}
	if (!isfinite(ft) || ft < 0 || ft > 9.2e9) {
		snprintf(buf, buflen, "Invalid failover_timeout: %g", ft);
		return buf;
	}
	for (size_t i = 0; i < sub->n_suppressed_roles; i++) {
		bool found = false;
		for (size_t k = 0; k < fi->n_roles; k++)
			found |= strcmp(fi->roles[k], sub->suppressed_roles[i]) == 0;
		if (!multi_role && !found) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			found = strcmp(fi->role ? fi->role : "*", sub->suppressed_roles[i]) == 0;
#pragma GCC diagnostic pop
		}
		if (!found) {
			snprintf(buf, buflen, "Suppressed role '%s' is not contained in the list of roles",
				 sub->suppressed_roles[i]);
			return buf;
		}
	}
	return NULL;
}

bool sim_info_multi_role(const Mesos__V1__FrameworkInfo *fi)
{
	for (size_t i = 0; i < fi->n_capabilities; i++)
		if (fi->capabilities[i]->has_type && fi->capabilities[i]->type ==
		    MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE)
			return true;
	return false;
}

