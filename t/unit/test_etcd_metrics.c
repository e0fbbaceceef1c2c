/* test_etcd_metrics — etcd_network_active_peers read from etcd 3.4's
 * /metrics text (lines as etcd 3.4.23 prints them). */
#include "etcd/etcd_metrics.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

static const char sample[] =
	"# HELP etcd_network_active_peers The current number of active peer connections.\n"
	"# TYPE etcd_network_active_peers gauge\n"
	"etcd_network_active_peers{Local=\"6fa8eaa6b7b0fe7a\",Remote=\"67522adbf099af19\"} 1\n"
	"etcd_network_active_peers{Local=\"6fa8eaa6b7b0fe7a\",Remote=\"fd7c77cd52c6b44\"} 0\n"
	"# HELP etcd_network_disconnected_peers_total The total number of disconnected peers.\n"
	"etcd_network_disconnected_peers_total{Local=\"6fa8eaa6b7b0fe7a\",Remote=\"fd7c77cd52c6b44\"} 1\n"
	"etcd_network_active_peers_other{Local=\"1\",Remote=\"2\"} 1\n"
	"etcd_server_id{server_id=\"6fa8eaa6b7b0fe7a\"} 1\n";

int main(void)
{
	struct etcd_peers p;
	char err[200] = "";

	is_int(etcd_peers_parse(sample, strlen(sample), &p, err, sizeof err), 0, "etcd 3.4 text parses");
	ok(p.local == 0x6fa8eaa6b7b0fe7aULL && p.n == 2 && !p.truncated, "local id and two peers");
	const struct etcd_peer_view *a = etcd_peers_find(&p, 0x67522adbf099af19ULL);
	const struct etcd_peer_view *b = etcd_peers_find(&p, 0xfd7c77cd52c6b44ULL);
	ok(a && a->active, "gauge 1: active");
	ok(b && !b->active, "gauge 0: not active (a 15-digit id reads right)");
	ok(!etcd_peers_find(&p, 1) && !etcd_peers_find(NULL, 1), "unknown peer: no opinion");

	static const char reordered[] =
		"etcd_network_active_peers{Remote=\"a\",Local=\"b\"} 1.0\r\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 0.0";
	is_int(etcd_peers_parse(reordered, strlen(reordered), &p, err, sizeof err), 0,
	       "labels in any order, CRLF, no final newline");
	ok(p.local == 0xb && p.n == 2 && p.peer[0].id == 0xa && p.peer[0].active &&
	   p.peer[1].id == 0xc && !p.peer[1].active, "both lines read");

	is_int(etcd_peers_parse("", 0, &p, err, sizeof err), 0, "empty text: no opinion");
	ok(p.n == 0 && p.local == 0, "nothing read");
	static const char none[] = "etcd_server_id{server_id=\"1\"} 1\n";
	is_int(etcd_peers_parse(none, strlen(none), &p, NULL, 0), 0, "no such metric: 0");

	static const char *const bad[] = {
		"etcd_network_active_peers{Local=\"xyz\",Remote=\"1\"} 1\n",
		"etcd_network_active_peers{Local=\"1\",Remote=\"2\"}\n",
		"etcd_network_active_peers{Local=\"1\",Remote=\"2\"} one\n",
		"etcd_network_active_peers{Local=\"1\"} 1\n",
		"etcd_network_active_peers{Local=\"1\",Remote=\"11112222333344445\"} 1\n",
		"etcd_network_active_peers{Local=\"1\",Remote=\"2\n",
		"etcd_network_active_peers{Local=\"1\",Remote=\"0\"} 1\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		int rc = etcd_peers_parse(bad[i], strlen(bad[i]), &p, err, sizeof err);
		ok(rc == -EPROTO && strstr(err, "etcd_network_active_peers") && p.n == 0,
		   "bad line %zu: -EPROTO naming it (%s)", i, err);
	}
	is_int(etcd_peers_parse(NULL, 3, &p, err, sizeof err), -EINVAL, "NULL text");

	char big[8192] = "";
	size_t off = 0;
	for (int i = 0; i < ETCD_PEERS_MAX + 3; i++)
		off += (size_t)snprintf(big + off, sizeof big - off,
					"etcd_network_active_peers{Local=\"1\",Remote=\"%x\"} 1\n", i + 2);
	is_int(etcd_peers_parse(big, off, &p, err, sizeof err), 0, "more peers than fit");
	ok(p.n == ETCD_PEERS_MAX && p.truncated, "kept %d, truncated", ETCD_PEERS_MAX);

	/* following the gauge: a member that joined by a snapshot reads 2
	 * for a connected peer, then 1 once the peer is cut off */
	static const char *const seq[] = {
		"process_start_time_seconds 1.76412594231e+09\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"a\"} 2\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 1\n",
		"process_start_time_seconds 1.76412594231e+09\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"a\"} 1\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 1\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"d\"} 1\n",
		"process_start_time_seconds 1.76412594231e+09\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"a\"} 1\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 0\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"d\"} 1\n",
		"process_start_time_seconds 1.76412594231e+09\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"a\"} 2\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 0\n",
		/* the member's etcd restarted: its gauges start again */
		"process_start_time_seconds 1.76412599e+09\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"a\"} 1\n"
		"etcd_network_active_peers{Local=\"b\",Remote=\"c\"} 1\n",
	};
	struct etcd_peers prev, cur;
	is_int(etcd_peers_parse(seq[0], strlen(seq[0]), &prev, err, sizeof err), 0, "follow: first");
	ok(prev.process_start > 1.7e9 && prev.peer[0].value == 2, "process start and value read");
	etcd_peers_follow(NULL, &prev);
	ok(prev.peer[0].active && prev.peer[1].active, "first answer: its own reading");
	is_int(etcd_peers_parse(seq[1], strlen(seq[1]), &cur, err, sizeof err), 0, "follow: second");
	etcd_peers_follow(&prev, &cur);
	ok(!etcd_peers_find(&cur, 0xa)->active, "a fell from 2 to 1: inactive although 1");
	ok(etcd_peers_find(&cur, 0xc)->active && etcd_peers_find(&cur, 0xd)->active,
	   "c stayed, d is new: active");
	prev = cur;
	is_int(etcd_peers_parse(seq[2], strlen(seq[2]), &cur, err, sizeof err), 0, "follow: third");
	etcd_peers_follow(&prev, &cur);
	ok(!etcd_peers_find(&cur, 0xa)->active, "a stayed at 1: still inactive");
	ok(!etcd_peers_find(&cur, 0xc)->active, "c fell to 0: inactive");
	prev = cur;
	is_int(etcd_peers_parse(seq[3], strlen(seq[3]), &cur, err, sizeof err), 0, "follow: fourth");
	etcd_peers_follow(&prev, &cur);
	ok(etcd_peers_find(&cur, 0xa)->active, "a rose to 2: active again");
	prev = cur;
	is_int(etcd_peers_parse(seq[4], strlen(seq[4]), &cur, err, sizeof err), 0, "follow: restart");
	etcd_peers_follow(&prev, &cur);
	ok(etcd_peers_find(&cur, 0xa)->active && etcd_peers_find(&cur, 0xc)->active,
	   "another process: gauges read afresh (a fell 2 -> 1 but is active)");
	is_int(etcd_peers_parse(seq[1], strlen(seq[1]), &cur, err, sizeof err), 0, "again");
	prev.local = 0xe;
	etcd_peers_follow(&prev, &cur);
	ok(etcd_peers_find(&cur, 0xa)->active, "another member's answer: read afresh");
	return done_testing();
}
