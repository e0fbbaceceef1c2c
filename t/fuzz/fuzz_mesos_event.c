/*
 * fuzz_mesos_event — protobuf decoding of everything Mesos sends us
 * (proto/mesos/v1, protobuf-c), and offer arithmetic (lib/mesos/resources)
 * on every offer that decodes.
 *
 * Input: one selector byte, then the message bytes. Bit 0 of the selector
 * picks a scheduler Event (0) or an executor Event (1); the other bits
 * steer the offer arithmetic (ports asked for, reserved role, refinement).
 * Checks: a decoded message re-packs to bytes that decode and re-pack to
 * the same bytes (see has_tag0 for the one protobuf-c exception); a take either succeeds with exactly what was asked
 * (distinct ports, each inside an offered range) or fails with -ENOSPC
 * and changes nothing; reserving what was taken gives 0 or -EINVAL.
 */
#include "mesos/resources.h"
#include "mesos/v1/executor/executor.pb-c.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* protobuf-c 1.4.1 accepts field number 0 when its key is written as a
 * non-canonical multi-byte varint, keeps it as an unknown field, then
 * writes it back as the one-byte key it rejects. Mesos never sends field
 * 0 and we never re-send what it sent, so such input is only skipped by
 * the round-trip check below. */
static bool has_tag0(const ProtobufCMessage *m)
{
	for (unsigned i = 0; i < m->n_unknown_fields; i++)
		if (m->unknown_fields[i].tag == 0)
			return true;
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		const char *base = (const char *)m + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
			ProtobufCMessage *const *v = *(ProtobufCMessage *const *const *)base;
			for (size_t j = 0; j < n; j++)
				if (has_tag0(v[j]))
					return true;
		} else {
			const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)base;
			if (sub && has_tag0(sub))
				return true;
		}
	}
	return false;
}

static void repack_stable(const ProtobufCMessage *m)
{
	if (has_tag0(m))
		return;
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *a = malloc(n ? n : 1), *b = NULL;
	CHECK(a);
	CHECK(protobuf_c_message_pack(m, a) == n);
	ProtobufCMessage *m2 = protobuf_c_message_unpack(m->descriptor, NULL, n, a);
	CHECK(m2);
	CHECK(protobuf_c_message_get_packed_size(m2) == n);
	b = malloc(n ? n : 1);
	CHECK(b);
	CHECK(protobuf_c_message_pack(m2, b) == n);
	CHECK(memcmp(a, b, n) == 0);
	protobuf_c_message_free_unpacked(m2, NULL);
	free(a);
	free(b);
}

/* Whether port lies in a plain offered ports range. */
static bool offered(const Mesos__V1__Offer *o, uint64_t port)
{
	for (size_t i = 0; i < o->n_resources; i++) {
		const Mesos__V1__Resource *r = o->resources[i];
		if (!r || !r->name || strcmp(r->name, "ports") != 0 || !resource_is_plain(r))
			continue;
		for (size_t j = 0; j < r->ranges->n_range; j++) {
			const Mesos__V1__Value__Range *g = r->ranges->range[j];
			if (g && g->begin <= port && port <= g->end)
				return true;
		}
	}
	return false;
}

static void offer_math(const Mesos__V1__Offer *o, unsigned knob)
{
	struct res_pool p;
	struct res_list l = RES_LIST_INIT, r = RES_LIST_INIT;
	uint64_t ports[8];
	const char *role = (knob & 0x10) ? "etcd" : NULL;
	struct res_need need = {0.5, 64, (knob & 0x20) ? 10 : 0, (knob >> 1) & 7, NULL};

	if (res_pool_init(&p, o) < 0)
		return;
	uint64_t ports0 = res_pool_ports(&p, NULL);
	double cpus0 = res_pool_scalar(&p, "cpus", NULL), mem0 = res_pool_scalar(&p, "mem", NULL);
	bool fits = res_pool_fits(&p, &need, role);
	int rc = res_pool_take(&p, &need, role, &l, ports);
	/* -EPROTO: it fits, but an offered resource cannot be copied */
	CHECK(rc == 0 || rc == -ENOSPC || rc == -EPROTO);
	CHECK(rc == -EPROTO ? fits : fits == (rc == 0));
	if (rc == 0) {
		CHECK(res_pool_ports(&p, NULL) == ports0 - need.n_ports);
		for (size_t i = 0; i < need.n_ports; i++) {
			CHECK(offered(o, ports[i]));
			for (size_t j = 0; j < i; j++)
				CHECK(ports[i] != ports[j]);
		}
		if (cpus0 < 1e9)
			CHECK(fabs(cpus0 - res_pool_scalar(&p, "cpus", NULL) - 0.5) < 1e-6);
		int rr = res_list_reserve(&l, "etcd", "p", knob & 0x40, &r);
		CHECK(rr == 0 || rr == -EINVAL);
		CHECK(rr != 0 || r.n == l.n);
	} else {
		CHECK(l.n == 0);
		CHECK(res_pool_ports(&p, NULL) == ports0);
		CHECK(res_pool_scalar(&p, "cpus", NULL) == cpus0);
		CHECK(res_pool_scalar(&p, "mem", NULL) == mem0);
	}
	res_list_finish(&r);
	res_list_finish(&l);
	res_pool_finish(&p);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned knob = data[0];
	const ProtobufCMessageDescriptor *d = (knob & 1) ?
		&mesos__v1__executor__event__descriptor : &mesos__v1__scheduler__event__descriptor;
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, size - 1, data + 1);
	if (!m)
		return 0;
	repack_stable(m);
	if (d == &mesos__v1__scheduler__event__descriptor) {
		const Mesos__V1__Scheduler__Event *e = (const Mesos__V1__Scheduler__Event *)m;
		if (e->offers)
			for (size_t i = 0; i < e->offers->n_offers; i++)
				offer_math(e->offers->offers[i], knob);
	}
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}
