#!/bin/bash
# t0810-ctl: `etcd-mesos ctl` against the scheduler's real admin module.
# The scheduler core is not built yet, so t/helpers/admin_drive runs
# cmd/scheduler/admin.c over a JSON snapshot file (SIGHUP re-reads it);
# its reseed and teardown act as the scheduler's will (a reseed marks the
# snapshot reseeding, a second one is refused with 409) and print
# "action: ..." lines in its log. Discovery goes through a real ZooKeeper
# election node made by t/helpers/zk_elect. Confirmation on a terminal is
# driven through script(1)'s pseudo-terminal.
. "$(dirname "$0")/test-lib.sh"

DRIVE=$EM_BUILD_ROOT/t/admin_drive
ELECT=$EM_BUILD_ROOT/t/zk_elect
TOKEN=tok-$$-secret
unset ETCD_MESOS_SCHEDULER ETCD_MESOS_ADMIN_TOKEN ZK_PERSIST FRAMEWORK_NAME

test_have_prereq BIN || skip_all 'etcd-mesos is not built'
test -x "$DRIVE" || skip_all 't/admin_drive is not built'
command -v jq >/dev/null || skip_all 'jq is missing'

ctl() { "$EM_BIN" ctl "$@"; }
test_line_count() { # N FILE
	test "$(wc -l <"$2")" -eq "$1" || { echo "$2 has not $1 lines:"; cat "$2"; return 1; }
}

# The snapshot: three members (etcd-3 a learner), healthy unless told.
write_state() { # FILE HEALTHY(true|false) [jq filter]
	jq -n --argjson h "$2" '{
	  running_servers: 3, launched_servers: 4, failed_servers: 1,
	  cluster_livelocks: 0, cluster_reseeds: 0,
	  healthy: $h, state: (if $h then "healthy" else "degraded" end),
	  reason: (if $h then "3 of 3 members healthy" else "no quorum: 1 of 3 members answer" end),
	  leader: "etcd-2", reseeding: false, framework_id: "fw-0810",
	  is_leader: true, uptime_ms: 3723000,
	  members: [
	    {name: "etcd-1", host: "127.0.0.11", peer_port: 2380, client_port: 2379,
	     agent_id: "agent-1", task_id: "task-1", state: "running", up: true,
	     raft_index: 100, client_url: "http://127.0.0.11:2379"},
	    {name: "etcd-2", host: "127.0.0.12", peer_port: 2381, client_port: 2382,
	     agent_id: "agent-2", task_id: "task-2", state: "running", up: true,
	     leader: true, raft_index: 102, client_url: "http://127.0.0.12:2382"},
	    {name: "etcd-3", host: "127.0.0.13", peer_port: 2380, client_port: 2379,
	     agent_id: "agent-3", task_id: "task-3", state: "running", up: true,
	     learner: true, raft_index: 101, client_url: "http://127.0.0.13:2379"}
	  ]} | '"${3:-.}" >"$1.tmp" && mv "$1.tmp" "$1"
}

start_drive() { # NAME STATE-FILE -> NAME_PORT, NAME_PID
	local port
	port=$(free_port) || return 1
	spawn "$1" "$DRIVE" -state="$2" -admin-port="$port" -token="$TOKEN" || return 1
	printf -v "${1}_PID" %s "$SPAWNED_PID"
	printf -v "${1}_PORT" %s "$port"
	wait_until 10 "grep -q '^listening admin=$port' '$EM_TMP/$1.log'"
}

reload() { # NAME: the driver reads its state file again
	local pidvar=${1}_PID before
	before=$(grep -c 'state reloaded' "$EM_TMP/$1.log")
	kill -HUP "${!pidvar}" &&
	wait_until 5 "test \$(grep -c 'state reloaded' '$EM_TMP/$1.log') -gt $before"
}

actions() { grep -c "^action: $2" "$EM_TMP/$1.log"; }

test_expect_success 'the admin driver serves a healthy snapshot' '
	write_state "$EM_TMP/a.json" true &&
	start_drive A "$EM_TMP/a.json" &&
	S=http://127.0.0.1:$A_PORT &&
	printf "%s\n" "$TOKEN" >"$EM_TMP/token" &&
	printf "wrong-token\n" >"$EM_TMP/badtoken"
'
S=http://127.0.0.1:$A_PORT

test_expect_success '--help lists every command, the discovery flags and the exit statuses' '
	ctl --help >out &&
	for c in status stats members health endpoints reseed wait teardown; do
		grep -q "^  $c " out || { echo "no $c"; return 1; }
	done &&
	grep -q -- "-framework-name" out && grep -q -- "-token-file" out &&
	grep -q "^  2   the scheduler could not be reached" out &&
	grep -q "also a usage error" out &&
	"$EM_BIN" help ctl | grep -q "^Exit status:"
'

test_expect_success 'every command has --help (and help CMD) naming its exit statuses' '
	for c in status stats members health endpoints reseed wait teardown; do
		ctl $c --help >out && grep -q "^usage: etcd-mesos ctl \[flags\] $c" out &&
		grep -q "^Exit status:" out &&
		ctl help $c >out2 && test_cmp out out2 || { echo "$c"; return 1; }
	done &&
	ctl wait --help | grep -q -- "-members=int" &&
	ctl endpoints --help | grep -q -- "-peers" &&
	! ctl stats --help | grep -q -- "-peers"
'

test_expect_success 'usage errors exit 2 (as in every mode) with one line naming the problem' '
	test_expect_code 2 ctl 2>err && grep -q "a command is needed" err &&
	test_expect_code 2 ctl frobnicate 2>err &&
	test_line_count 1 err && grep -q "unknown command \"frobnicate\"" err &&
	test_expect_code 2 ctl --scheduler "$S" stats --bogus 2>err &&
	test_line_count 1 err && grep -q "bogus" err &&
	test_expect_code 2 ctl --scheduler "$S" stats --peers 2>err &&
	grep -q "flag --peers does not apply to stats" err &&
	test_expect_code 2 ctl --scheduler "$S" stats extra 2>err &&
	grep -q "unexpected argument \"extra\"" err &&
	test_expect_code 2 ctl stats 2>err && grep -q "no scheduler given" err &&
	test_expect_code 2 ctl --scheduler "ftp://x" stats 2>err && grep -q "ftp" err &&
	test_expect_code 2 ctl --scheduler "$S" --token a --token-file "$EM_TMP/token" stats 2>err &&
	grep -q "use one" err &&
	test_expect_code 2 ctl --scheduler "$S" --token-file "$EM_TMP/nope" stats 2>err &&
	grep -q "nope.*No such file" err
'

test_expect_success 'status: healthy summary, leaders, reseed state, member table; exit 0' '
	ctl --scheduler "$S" status >out &&
	grep -q "^cluster: *healthy$" out &&
	grep -q "^reseed: *none running$" out &&
	grep -q "^scheduler: *$S (leader, up 1h02m)$" out &&
	grep -q "^etcd leader: *etcd-2$" out &&
	grep -q "^framework: *fw-0810$" out &&
	grep -q "^servers: *3 running, 4 launched, 1 failed; 0 livelocks, 0 reseeds$" out &&
	grep -q "^NAME  *HOST  *STATE  *ROLE" out &&
	grep -q "^etcd-2  *127.0.0.12  *running  *leader  *yes  *http://127.0.0.12:2382" out &&
	grep -q "^etcd-3 .* learner " out
'

test_expect_success 'stats: a list, and --json is the scheduler JSON (jq)' '
	ctl --scheduler "$S" stats >out &&
	grep -q "^healthy  *yes$" out && grep -q "^running_servers  *3$" out &&
	grep -q "^uptime_seconds  *3723$" out &&
	ctl --scheduler "$S" stats --json >j &&
	test "$(jq -r ".healthy, .running_servers, .framework_id, .is_leader" j | paste -sd " ")" = \
		"1 3 fw-0810 true"
'

test_expect_success 'members (and /members): a table, and --json parsed with jq' '
	ctl --scheduler "$S" members >out &&
	test_line_count 4 out &&
	grep -q "^etcd-1  *127.0.0.11  *running  *follower  *yes  *http://127.0.0.11:2379  *2380  *100  *agent-1$" out &&
	ctl --json --scheduler "$S" members >j &&
	test "$(jq -r "length, .[1].name, .[1].peerPort, .[2].learner" j | paste -sd " ")" = \
		"3 etcd-2 2381 true"
'

test_expect_success 'endpoints: client URLs for ETCDCTL_ENDPOINTS, --peers, learners left out' '
	test "$(ctl --scheduler "$S" endpoints)" = "http://127.0.0.11:2379,http://127.0.0.12:2382" &&
	test "$(ctl --scheduler "$S" endpoints --peers)" = "http://127.0.0.11:2380,http://127.0.0.12:2381"
'

test_expect_success 'the scheduler URL from ETCD_MESOS_SCHEDULER, and "localhost"' '
	ETCD_MESOS_SCHEDULER=$S ctl health >out && test "$(cat out)" = healthy &&
	ctl --scheduler "http://localhost:$A_PORT/" health
'

test_expect_success 'health: exit 0 when healthy' '
	ctl --scheduler "$S" health >out && test "$(cat out)" = healthy
'

test_expect_success 'health 1 and status 1 when unhealthy, with the reason' '
	write_state "$EM_TMP/a.json" false && reload A &&
	test_expect_code 1 ctl --scheduler "$S" health >out &&
	test "$(cat out)" = "unhealthy: no quorum: 1 of 3 members answer" &&
	test_expect_code 1 ctl --scheduler "$S" status >out &&
	grep -q "^cluster: *UNHEALTHY: no quorum: 1 of 3 members answer$" out
'

test_expect_success 'health 2 with nothing listening (and the other commands too)' '
	port=$(free_port) &&
	test_expect_code 2 ctl --scheduler "http://127.0.0.1:$port" health >out 2>err &&
	test "$(cat out)" = unreachable &&
	test_line_count 1 err && grep -q "127.0.0.1:$port.*refused" err &&
	test_expect_code 2 ctl --scheduler "http://127.0.0.1:$port" status 2>err &&
	test_expect_code 2 ctl --scheduler "http://127.0.0.1:$port" endpoints 2>err
'

test_expect_success 'an answer that is not the admin API: exit 1, one line' '
	write_state "$EM_TMP/a.json" true && reload A &&
	test_expect_code 1 ctl --scheduler "$S/nothing-here" stats 2>err &&
	test_line_count 1 err && grep -q "HTTP 404" err
'

test_expect_success 'reseed without a terminal and without --yes: plan shown, refused (4), nothing done' '
	test_expect_code 4 ctl --scheduler "$S" --token-file "$EM_TMP/token" reseed \
		</dev/null >out 2>err &&
	grep -q "^Reseed plan (dry run" out &&
	grep -A4 "ranking:" out | grep -q "^ *etcd-2  *102$" &&
	grep -q "^  chosen  *etcd-2$" out &&
	grep -q "refusing to reseed without confirmation: stdin is not a terminal (pass --yes" err &&
	test "$(actions A reseed)" = 0
'

test_expect_success 'reseed without the token, or with a wrong one: refused (1), token never shown' '
	test_expect_code 1 ctl --scheduler "$S" reseed --yes --no-wait 2>err &&
	grep -q "HTTP 401" err && grep -q -- "--token" err &&
	test_expect_code 1 ctl --scheduler "$S" --token-file "$EM_TMP/badtoken" reseed --yes 2>err &&
	grep -q "HTTP 401" err && ! grep -q wrong-token err &&
	test "$(actions A reseed)" = 0
'

test_expect_success 'the token is sent as a Bearer token: --token-file, --token, the environment' '
	ctl --scheduler "$S" --token-file "$EM_TMP/token" reseed --yes --no-wait >out 2>err &&
	grep -q "^Reseed reseed-1 started from member etcd-2$" out &&
	test "$(actions A reseed)" = 1 &&
	! grep -q "$TOKEN" out err &&
	reload A &&
	ctl --scheduler "$S" --token "$TOKEN" reseed --yes --no-wait >out &&
	reload A &&
	ETCD_MESOS_ADMIN_TOKEN=$TOKEN ctl --scheduler "$S" reseed --yes --no-wait --json >out &&
	test "$(jq -rs ".[1].started, .[1].reseed_id" out | paste -sd " ")" = "true reseed-3" &&
	test "$(actions A reseed)" = 3 &&
	ctl --scheduler "$S" --token "$TOKEN" --check-config stats >cfg &&
	! grep -q "$TOKEN" cfg && grep -q "<redacted>" cfg
'

test_expect_success 'reseed while one runs: 409 named, exit 1' '
	test_expect_code 1 ctl --scheduler "$S" --token "$TOKEN" reseed --yes 2>err &&
	grep -q "HTTP 409: a reseed is already running" err &&
	test "$(actions A reseed)" = 3
'

test_expect_success 'reseed waits with a progress line until the reseed is over and healthy' '
	reload A || return 1
	ctl --scheduler "$S" --token "$TOKEN" reseed --yes --interval 100ms --timeout 60s \
		>out 2>err &
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null || true" &&
	wait_until 20 "grep -q \"waiting for the reseed to finish with a healthy cluster: healthy, reseed running\" err" &&
	reload A &&
	wait $pid &&
	grep -q "^healthy after [0-9]*s$" out &&
	test "$(actions A reseed)" = 4
'

test_expect_success 'reseed --timeout: exit 3 with the last state named' '
	reload A &&
	test_expect_code 3 ctl --scheduler "$S" --token "$TOKEN" reseed --yes --interval 100ms \
		--timeout 1s >out 2>err &&
	grep -q "gave up waiting for the reseed to finish with a healthy cluster after 1s (--timeout): healthy, reseed running" err
'

test_expect_success 'wait: healthy with N voting members, exit 0' '
	reload A &&
	ctl --scheduler "$S" wait --members 2 --timeout 10s >out &&
	grep -q "^healthy, 2 voting members (want 2) after 0s$" out
'

test_expect_success 'wait: times out with a clear message (exit 3)' '
	test_expect_code 3 ctl --scheduler "$S" wait --members 3 --timeout 1s --interval 200ms 2>err &&
	grep -q "etcd-mesos ctl wait: gave up waiting for a healthy cluster with 3 members after 1s (--timeout): healthy, 2 voting members (want 3)" err &&
	grep -q "^waiting for a healthy cluster with 3 members: " err
'

test_expect_success 'wait: follows an unhealthy cluster until it is healthy, progress on stderr' '
	{ write_state "$EM_TMP/a.json" false && reload A; } || return 1
	ctl --scheduler "$S" wait --interval 100ms --timeout 60s >out 2>err &
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null || true" &&
	wait_until 20 "grep -q \"waiting for a healthy cluster: unhealthy (no quorum\" err" &&
	write_state "$EM_TMP/a.json" true && reload A &&
	wait $pid &&
	grep -q "^healthy after" out
'

test_expect_success 'wait: nothing listening is asked again until the timeout (exit 3)' '
	port=$(free_port) &&
	test_expect_code 3 ctl --scheduler "http://127.0.0.1:$port" wait --timeout 1s \
		--interval 200ms 2>err &&
	grep -q "gave up waiting .*: no answer: .*refused" err
'

test_expect_success 'teardown without a terminal and without --yes: refused (4), nothing done' '
	test_expect_code 4 ctl --scheduler "$S" --token "$TOKEN" teardown </dev/null 2>err &&
	test_line_count 1 err &&
	grep -q "refusing to tear down the framework without confirmation" err &&
	test "$(actions A teardown)" = 0
'

test_expect_success 'teardown on a terminal: "no" does nothing (4)' '
	printf "no\n" | script -qec "\"$EM_BIN\" ctl --scheduler $S --token-file $EM_TMP/token teardown" /dev/null >out 2>&1
	test $? = 4 &&
	grep -q "Type \"yes\" to go ahead" out && grep -q "not confirmed" out &&
	test "$(actions A teardown)" = 0
'

test_expect_success 'teardown without the token: 401, exit 1' '
	test_expect_code 1 ctl --scheduler "$S" teardown --yes 2>err &&
	grep -q "HTTP 401" err && test "$(actions A teardown)" = 0
'

test_expect_success 'a standby answers 503 naming the leader: ctl asks the leader' '
	write_state "$EM_TMP/b.json" true ".is_leader = false | .leader_admin_url = \"$S\"" &&
	start_drive B "$EM_TMP/b.json" &&
	ctl --scheduler "http://127.0.0.1:$B_PORT" status >out &&
	grep -q "(standby, up 1h02m; the leader is at $S)" out &&
	reload A &&
	ctl --scheduler "http://127.0.0.1:$B_PORT" --token "$TOKEN" reseed --yes --no-wait \
		>out 2>err &&
	grep -q "127.0.0.1:$B_PORT is a standby; asking the leader at $S" err &&
	test "$(actions A reseed)" = 6 && test "$(actions B reseed)" = 0
'

test_expect_success 'teardown on a terminal: "yes" tears down (0), --json answer' '
	printf "yes\n" | script -qec "\"$EM_BIN\" ctl --scheduler $S --token-file $EM_TMP/token teardown --json" /dev/null >out 2>&1 &&
	test "$(actions A teardown)" = 1 &&
	sed -n "/^{/,/^}/p" out | tr -d "\r" | jq -e ".teardown == \"started\"" &&
	test_expect_code 1 ctl --scheduler "$S" --token "$TOKEN" teardown --yes 2>err &&
	grep -q "a teardown is already under way" err
'

test_expect_success 'an https:// scheduler is verified against --ca-file' '
	mkdir certs && "$EM_BUILD_ROOT/t/em-certgen" certs &&
	port=$(free_port) &&
	spawn httpsd "$EM_BUILD_ROOT/t/em-httpd" -port=$port -cert=certs/server.pem -key=certs/server.key &&
	wait_until 10 "grep -q \"^listening on port\" \"$EM_TMP/httpsd.log\"" &&
	test_expect_code 1 ctl --scheduler "https://localhost:$port" --ca-file certs/ca.pem stats 2>err &&
	grep -q "GET https://localhost:$port/stats: HTTP 404" err &&
	test_expect_code 2 ctl --scheduler "https://localhost:$port" --ca-file certs/other-ca.pem stats 2>err &&
	test_line_count 1 err && grep -qi "tls\|certificate\|verif" err
'

test_expect_success ZOOKEEPER 'discovery through ZooKeeper: the election leader node data is the admin URL' '
	start_zookeeper &&
	spawn elect "$ELECT" run "zk://$ZK/etcd-mesos" /etcd "$S" "$EM_TMP/elect.status" &&
	wait_until 20 "grep -q role=leader \"$EM_TMP/elect.status\"" &&
	ctl --zk "zk://$ZK/etcd-mesos" stats --json >j &&
	test "$(jq -r .framework_id j)" = fw-0810 &&
	ZK_PERSIST="zk://$ZK/etcd-mesos" FRAMEWORK_NAME=etcd ctl health
'

test_expect_success ZOOKEEPER 'no leader under that framework name: exit 2, one line' '
	test_expect_code 2 ctl --zk "zk://$ZK/etcd-mesos" --framework-name other health >out 2>err &&
	test "$(cat out)" = unreachable && test_line_count 1 err &&
	grep -q "no scheduler leads under zk://$ZK/etcd-mesos/other/leader" err &&
	test_expect_code 2 ctl --zk "zk://$ZK/etcd-mesos" --framework-name a/b health 2>err &&
	grep -q "without" err
'

test_expect_success ZOOKEEPER 'wait follows a scheduler failover through ZooKeeper' '
	dead=$(free_port) &&
	spawn elect1 "$ELECT" run "zk://$ZK/etcd-mesos" /fo "http://127.0.0.1:$dead" "$EM_TMP/e1.status" &&
	E1=$SPAWNED_PID &&
	wait_until 20 "grep -q role=leader \"$EM_TMP/e1.status\"" || return 1
	ctl --zk "zk://$ZK/etcd-mesos" --framework-name fo wait --interval 200ms --timeout 60s \
		>out 2>err &
	pid=$! &&
	test_when_finished "kill $pid 2>/dev/null || true" &&
	wait_until 20 "grep -q \"no answer: .*127.0.0.1:$dead\" err" &&
	spawn elect2 "$ELECT" run "zk://$ZK/etcd-mesos" /fo "$S" "$EM_TMP/e2.status" &&
	wait_until 20 "grep -q role=follower \"$EM_TMP/e2.status\"" &&
	stop_pid $E1 &&
	wait_until 20 "grep -q role=leader \"$EM_TMP/e2.status\"" &&
	wait $pid &&
	grep -q "no answer; the leading scheduler is now $S" err &&
	grep -q "^healthy.* after [0-9]*s$" out
'

test_expect_success ZOOKEEPER 'ZooKeeper unreachable: exit 2 within --request-timeout' '
	port=$(free_port) &&
	test_expect_code 2 ctl --zk "zk://127.0.0.1:$port/etcd-mesos" --request-timeout 2s \
		status 2>err &&
	test_line_count 1 err &&
	grep -q "cannot reach ZooKeeper at zk://127.0.0.1:$port/etcd-mesos within 2s" err
'

test_done
