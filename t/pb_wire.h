/*
 * pb_wire.h — a tiny hand-written protobuf encoder for the Mesos wire tests
 * (t/unit/test_proto_*.c), plus helpers that compare protobuf-c's output
 * with the hand-built bytes.
 *
 * The expected bytes in those tests are written with these functions
 * straight from upstream Mesos field numbers and wire types (tag =
 * field << 3 | wire type, varints, length-delimited sub-messages), never
 * with protobuf-c, so a wrong number or type in proto/ makes them differ.
 * Fields must be written in ascending field-number order, as protobuf-c
 * (and upstream C++) emit them.
 */
#ifndef EM_T_PB_WIRE_H
#define EM_T_PB_WIRE_H

#include "tap.h"

#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>

/* ---- the hand-written encoder ------------------------------------------- */

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2 };

struct pb {
	uint8_t d[4096];
	size_t n;
};

__attribute__((unused))
static void pb_room(struct pb *b, size_t n)
{
	if (b->n + n > sizeof b->d) {
		fprintf(stderr, "test encoder buffer too small\n");
		abort();
	}
}

__attribute__((unused))
static void pb_varint(struct pb *b, uint64_t v)
{
	pb_room(b, 10);
	while (v >= 0x80) {
		b->d[b->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->d[b->n++] = (uint8_t)v;
}

__attribute__((unused))
static void pb_key(struct pb *b, unsigned field, unsigned wt)
{
	pb_varint(b, (uint64_t)field << 3 | wt);
}

/* uint32/uint64/bool/enum, and int32/int64 (negative: 10 bytes). */
__attribute__((unused))
static void pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_key(b, field, WT_VARINT);
	pb_varint(b, v);
}

__attribute__((unused))
static void pb_double(struct pb *b, unsigned field, double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	pb_key(b, field, WT_I64);
	pb_room(b, 8);
	for (int i = 0; i < 8; i++)
		b->d[b->n++] = (uint8_t)(u >> (8 * i));
}

__attribute__((unused))
static void pb_bytes(struct pb *b, unsigned field, const void *p, size_t n)
{
	pb_key(b, field, WT_LEN);
	pb_varint(b, n);
	pb_room(b, n);
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

__attribute__((unused))
static void pb_str(struct pb *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

__attribute__((unused))
static void pb_msg(struct pb *b, unsigned field, const struct pb *m)
{
	pb_bytes(b, field, m->d, m->n);
}

/* FrameworkID, AgentID, TaskID, ...: {1: value}. */
__attribute__((unused))
static void pb_id(struct pb *b, unsigned field, const char *value)
{
	struct pb m = {0};
	pb_str(&m, 1, value);
	pb_msg(b, field, &m);
}

__attribute__((unused))
static void hexdump(const char *label, const uint8_t *p, size_t n)
{
	char line[3 * 32 + 1];
	printf("# %s (%zu bytes):\n", label, n);
	for (size_t i = 0; i < n; i += 32) {
		size_t k = 0;
		for (size_t j = i; j < n && j < i + 32; j++)
			k += (size_t)snprintf(line + k, sizeof line - k, "%02x ", p[j]);
		line[k] = 0;
		printf("#   %s\n", line);
	}
}

/* Packs msg with protobuf-c and compares with the hand-built bytes. */
__attribute__((unused))
static bool pack_is(const ProtobufCMessage *msg, const struct pb *want, const char *what)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *got = malloc(n ? n : 1);
	if (!got)
		abort();
	size_t packed = protobuf_c_message_pack(msg, got);
	bool same = packed == n && n == want->n && memcmp(got, want->d, n) == 0;
	if (!ok(same, "%s: packed bytes match upstream field numbers", what)) {
		hexdump("got", got, packed);
		hexdump("want", want->d, want->n);
	}
	free(got);
	return same;
}

/* Unpacks hand-built bytes; NULL (with a failed check) if that fails. */
__attribute__((unused))
static ProtobufCMessage *unpack_ok(const ProtobufCMessageDescriptor *d,
				   const struct pb *in, const char *what)
{
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, in->n, in->d);
	ok(m != NULL, "%s: decodes", what);
	return m;
}

/* Re-packing a decoded message gives the same bytes (nothing lost). */
__attribute__((unused))
static void repack_is(const ProtobufCMessage *m, const struct pb *want, const char *what)
{
	char label[200];
	snprintf(label, sizeof label, "%s re-packed", what);
	pack_is(m, want, label);
}

__attribute__((unused))
static bool bin_is(ProtobufCBinaryData b, const void *p, size_t n)
{
	return b.len == n && (n == 0 || memcmp(b.data, p, n) == 0);
}

static const uint8_t UUID1[16] = {
	0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x41, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
};

/* A scalar resource with allocation_info, hand-encoded. */
__attribute__((unused))
static void w_scalar(struct pb *b, unsigned field, const char *name, double v, const char *alloc_role)
{
	struct pb r = {0}, s = {0}, a = {0};
	pb_str(&r, 1, name);
	pb_uint(&r, 2, 0);                 /* type SCALAR: required, always sent */
	pb_double(&s, 1, v);
	pb_msg(&r, 3, &s);                 /* scalar */
	if (alloc_role) {
		pb_str(&a, 1, alloc_role);
		pb_msg(&r, 11, &a);        /* allocation_info */
	}
	pb_msg(b, field, &r);
}

/* ---- scheduler events ---------------------------------------------------- */

__attribute__((unused))
static void w_offer(struct pb *b)
{
	struct pb url = {0}, addr = {0}, s = {0}, rs = {0}, r1 = {0}, r2 = {0}, a = {0};
	struct pb ports = {0}, mem = {0};
	pb_id(b, 1, "o-1");                /* id */
	pb_id(b, 2, "fw-1");               /* framework_id */
	pb_id(b, 3, "a-1");                /* agent_id */
	pb_str(b, 4, "agent1");            /* hostname */
	/* resources (5): cpus 4 with role "*" as Mesos sends it, then mem
	 * without allocation_info, then ports split over two ranges. */
	struct pb cpus = {0};
	pb_str(&cpus, 1, "cpus");
	pb_uint(&cpus, 2, 0);
	pb_double(&s, 1, 4.0);
	pb_msg(&cpus, 3, &s);
	pb_str(&cpus, 6, "*");
	pb_str(&a, 1, "etcd");
	pb_msg(&cpus, 11, &a);
	pb_msg(b, 5, &cpus);
	pb_str(&mem, 1, "mem");
	pb_uint(&mem, 2, 0);
	memset(&s, 0, sizeof s);
	pb_double(&s, 1, 1024.0);
	pb_msg(&mem, 3, &s);
	pb_msg(b, 5, &mem);
	pb_str(&ports, 1, "ports");
	pb_uint(&ports, 2, 1);
	pb_uint(&r1, 1, 31000);
	pb_uint(&r1, 2, 31001);
	pb_uint(&r2, 1, 31005);
	pb_uint(&r2, 2, 31100);
	pb_msg(&rs, 1, &r1);
	pb_msg(&rs, 1, &r2);
	pb_msg(&ports, 4, &rs);
	pb_str(&ports, 6, "*");
	pb_msg(&ports, 11, &a);
	pb_msg(b, 5, &ports);
	pb_id(b, 6, "e-old");              /* executor_ids */
	struct pb attr = {0}, txt = {0};
	pb_str(&attr, 1, "rack");
	pb_uint(&attr, 2, 3);              /* TEXT */
	pb_str(&txt, 1, "r1");
	pb_msg(&attr, 5, &txt);            /* Attribute.text is field 5 */
	pb_msg(b, 7, &attr);               /* attributes */
	pb_str(&addr, 1, "agent1");
	pb_str(&addr, 2, "127.0.0.2");
	pb_uint(&addr, 3, 5051);
	pb_str(&url, 1, "http");
	pb_msg(&url, 2, &addr);
	pb_str(&url, 3, "/slave(1)");
	pb_msg(b, 8, &url);                /* url */
	pb_msg(b, 10, &a);                 /* allocation_info */
}

#endif
