/*
 * bench_offers — how fast the scheduler's hot path handles a big OFFERS
 * event: RecordIO framing, protobuf decoding of the Event, then for every
 * offer a resource pool and a fit check of executor + task (cpus, mem,
 * disk, two ports from ranges split in two).
 *
 *   build/t/bench/bench_offers [agents, default 10000] [runs, default 5]
 *
 * Prints each run and the median in offers/s. Build without sanitizers
 * (buildtype release) for real numbers.
 */
#include "base/buf.h"
#include "mesos/resources.h"
#include "mesos/v1/scheduler/scheduler.pb-c.h"
#include "net/recordio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One offer per agent, shaped like Mesos 1.12's (PROTOCOLS.md §L.2). */
static uint8_t *build_event(size_t agents, size_t *len)
{
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	Mesos__V1__Scheduler__Event__Offers offers = MESOS__V1__SCHEDULER__EVENT__OFFERS__INIT;
	Mesos__V1__Offer *ov = calloc(agents, sizeof *ov);
	Mesos__V1__Offer **op = calloc(agents, sizeof *op);
	Mesos__V1__OfferID *oid = calloc(agents, sizeof *oid);
	Mesos__V1__AgentID *aid = calloc(agents, sizeof *aid);
	char (*ids)[48] = calloc(agents, sizeof *ids);
	char (*aids)[48] = calloc(agents, sizeof *aids);
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = "2c5a0c57-41ab-4a8e-9d3b-7c1c0f0e3a61-0000";

	enum { NRES = 4 };
	Mesos__V1__Resource res[NRES];
	Mesos__V1__Resource *resp[NRES];
	Mesos__V1__Value__Scalar sc[3];
	Mesos__V1__Value__Range rg[2];
	Mesos__V1__Value__Range *rgp[2] = { &rg[0], &rg[1] };
	Mesos__V1__Value__Ranges ranges = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Resource__AllocationInfo alloc = MESOS__V1__RESOURCE__ALLOCATION_INFO__INIT;
	alloc.role = "*";
	const char *names[3] = { "cpus", "mem", "disk" };
	const double vals[3] = { 8, 16384, 100000 };
	for (int i = 0; i < NRES; i++) {
		mesos__v1__resource__init(&res[i]);
		res[i].allocation_info = &alloc;
		resp[i] = &res[i];
	}
	for (int i = 0; i < 3; i++) {
		mesos__v1__value__scalar__init(&sc[i]);
		sc[i].value = vals[i];
		res[i].name = (char *)names[i];
		res[i].type = MESOS__V1__VALUE__TYPE__SCALAR;
		res[i].scalar = &sc[i];
	}
	mesos__v1__value__range__init(&rg[0]);
	mesos__v1__value__range__init(&rg[1]);
	rg[0].begin = 31000; rg[0].end = 31000;   /* split: one port, then many */
	rg[1].begin = 31005; rg[1].end = 32000;
	ranges.n_range = 2;
	ranges.range = rgp;
	res[3].name = "ports";
	res[3].type = MESOS__V1__VALUE__TYPE__RANGES;
	res[3].ranges = &ranges;

	for (size_t i = 0; i < agents; i++) {
		mesos__v1__offer__init(&ov[i]);
		mesos__v1__offer_id__init(&oid[i]);
		mesos__v1__agent_id__init(&aid[i]);
		snprintf(ids[i], sizeof ids[i], "offer-%zu", i);
		snprintf(aids[i], sizeof aids[i], "agent-S%zu", i);
		oid[i].value = ids[i];
		aid[i].value = aids[i];
		ov[i].id = &oid[i];
		ov[i].agent_id = &aid[i];
		ov[i].framework_id = &fid;
		ov[i].hostname = aids[i];
		ov[i].n_resources = NRES;
		ov[i].resources = resp;
		op[i] = &ov[i];
	}
	offers.n_offers = agents;
	offers.offers = op;
	ev.has_type = 1;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS;
	ev.offers = &offers;
	size_t n = mesos__v1__scheduler__event__get_packed_size(&ev);
	uint8_t *out = malloc(n);
	mesos__v1__scheduler__event__pack(&ev, out);
	*len = n;
	free(ov); free(op); free(oid); free(aid); free(ids); free(aids);
	return out;
}

int main(int argc, char **argv)
{
	size_t agents = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	size_t plen;
	uint8_t *packed = build_event(agents, &plen);
	struct buf stream = BUF_INIT;
	recordio_encode(&stream, packed, plen);
	free(packed);

	struct res_need exec = { .cpus = 0.1, .mem = 32, .disk = 0, .n_ports = 0 };
	struct res_need task = { .cpus = 4, .mem = 2048, .disk = 4096, .n_ports = 2 };
	double rates[64];
	if (runs < 1 || runs > 64)
		runs = 5;
	size_t fits = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now();
		struct recordio_decoder d;
		recordio_decoder_init(&d, 256u << 20);
		const char *p = stream.data, *rec;
		size_t left = stream.len, rec_len;
		fits = 0;
		while (recordio_decoder_next(&d, &p, &left, &rec, &rec_len) == 1) {
			Mesos__V1__Scheduler__Event *ev = mesos__v1__scheduler__event__unpack(
				NULL, rec_len, (const uint8_t *)rec);
			if (!ev || !ev->offers) {
				fprintf(stderr, "bench_offers: event did not decode\n");
				return 1;
			}
			for (size_t i = 0; i < ev->offers->n_offers; i++) {
				struct res_pool pool;
				if (res_pool_init(&pool, ev->offers->offers[i]) < 0)
					return 1;
				struct res_need both = task;
				both.cpus += exec.cpus;
				both.mem += exec.mem;
				if (res_pool_fits(&pool, &both, NULL))
					fits++;
				res_pool_finish(&pool);
			}
			mesos__v1__scheduler__event__free_unpacked(ev, NULL);
		}
		recordio_decoder_finish(&d);
		double secs = now() - t0;
		rates[r] = (double)agents / secs;
		printf("run %d: %zu offers (%zu bytes) in %.3f s: %.0f offers/s, %zu fit\n", r + 1,
		       agents, stream.len, secs, rates[r], fits);
	}
	qsort(rates, (size_t)runs, sizeof *rates, cmp_double);
	printf("median: %.0f offers/s (min %.0f, max %.0f)\n", rates[runs / 2], rates[0],
	       rates[runs - 1]);
	buf_finish(&stream);
	return fits == agents ? 0 : 1;
}
