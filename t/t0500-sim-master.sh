#!/bin/bash
# The master side of t/mesos-sim, driven by a protobuf scheduler client
# (t/helpers/sim_client.c): every status code and body text of
# PROTOCOLS.md §L.1, subscription and heartbeats, offers with several
# port ranges, DECLINE filters, SUPPRESS/REVIVE, invalid ACCEPTs,
# reconciliation answers (§L.2 table), failover, TEARDOWN, the failover
# timeout, offer timeouts, agent loss, reservations and persistent
# volumes, standby redirects, master failover, HTTP Basic
# authentication, the control API's /state and the json.info_ nodes in
# ZooKeeper. Each sim_client line "ok - ..." / "FAIL - ..." is one check.
test_description='mesos-sim master'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
CLIENT=$EM_BUILD_ROOT/t/mesos-sim/sim_client
[[ -x $SIM && -x $CLIENT ]] || skip_all "mesos-sim or sim_client not built in $EM_BUILD_ROOT/t"
command -v python3 >/dev/null || skip_all 'python3 is not installed'
test_have_prereq CURL || skip_all 'curl is not installed'

IP=127.0.0.1

# start_sim NAME [SIM FLAGS...]: sets NAME_PORT (first master), NAME_PORTS
# (all masters, space separated), NAME_CONTROL and NAME_PID.
start_sim() {
	local name=$1 pf=$EM_TMP/$1.ports; shift
	spawn "sim-$name" "$SIM" -ip=$IP -work-dir="$EM_TMP/work-$name" -port-file="$pf" "$@" ||
		return 1
	printf -v "${name}_PID" %s "$SPAWNED_PID"
	wait_until 10 "test -s $pf" || return 1
	printf -v "${name}_PORT" %s "$(sed -n 's/^master=//p' "$pf")"
	printf -v "${name}_PORTS" %s "$(sed -n 's/^masters=//p' "$pf" | tr , ' ')"
	printf -v "${name}_CONTROL" %s "$(sed -n 's/^control=//p' "$pf")"
}

# run SCENARIO ARGS...: sim_client, failing if any check failed
run() { "$CLIENT" "$@"; }

# control NAME PATH: POST to NAME's control API
control() {
	local port=${1}_CONTROL
	curl -sf -X POST "http://$IP:${!port}$2" >/dev/null
}

# no_sanitizer_reports NAME: its log has no ASan/UBSan/LSan report
no_sanitizer_reports() {
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$EM_TMP/sim-$1.log"
}

test_expect_success 'a sim with 3 agents starts' '
	start_sim main -agents=3 -heartbeat=1 -allocation-interval=200ms -agent-timeout=2s
'

test_expect_success 'bad requests get the status codes and texts of Mesos (§L.1)' '
	run errors $IP:$main_PORT
'

test_expect_success 'SUBSCRIBED, stream id, master_info, heartbeats' '
	run subscribe $IP:$main_PORT 1
'

test_expect_success 'offers: one per agent, several port ranges, DECLINE filter, SUPPRESS, REVIVE' '
	run offers $IP:$main_PORT 3
'

test_expect_success 'invalid ACCEPTs: TASK_ERROR / TASK_LOST with the Mesos reasons and texts' '
	run accept $IP:$main_PORT
'

EXE=$EM_BUILD_ROOT/t/em-test-executor
[[ -x $EXE ]] && test_set_prereq EXECUTOR
test_expect_success EXECUTOR 'a custom executor: updates, MESSAGE both ways, duplicate id, KILL, SHUTDOWN' '
	run executor $IP:$main_PORT "$EXE"
'

test_expect_success 'reconciliation and KILL of unknown tasks answer as in §L.2' '
	run reconcile $IP:$main_PORT
'

test_expect_success 'failover: the old stream gets ERROR and is closed' '
	run failover $IP:$main_PORT
'

test_expect_success 'TEARDOWN, then "Framework has been removed"' '
	run teardown $IP:$main_PORT
'

test_expect_success 'a disconnected framework is removed after its failover_timeout' '
	run timeout $IP:$main_PORT
'

test_expect_success 'agent loss: RESCIND, then TASK_LOST and FAILURE (not PARTITION_AWARE)' '
	run agentloss $IP:$main_PORT $main_CONTROL 0 2
'

test_expect_success 'agent loss: TASK_UNREACHABLE for a PARTITION_AWARE framework' '
	run agentloss $IP:$main_PORT $main_CONTROL 1 2
'

test_expect_success 'mutated calls with a live stream id get Mesos answers and crash nothing' '
	run mutate $IP:$main_PORT 2000 7
'

test_expect_success 'control API: pause/resume allocation, delay and drop a stream' '
	run control $IP:$main_PORT $main_CONTROL 1
'

test_expect_success 'control API: /state lists agents, frameworks and completed ones' '
	curl -sf "http://$IP:$main_CONTROL/state" >state.json &&
	curl -sf "http://$IP:$main_PORT/master/state" >mstate.json &&
	python3 -c "import json,sys; assert json.load(open(\"mstate.json\"))[\"version\"] == \"1.12.0\"" &&
	python3 - state.json <<-\EOF
	import json, sys
	s = json.load(open(sys.argv[1]))
	assert s["version"] == "1.12.0", s["version"]
	assert len(s["slaves"]) == 3, len(s["slaves"])
	assert all("ports" in a["resources"] for a in s["slaves"])
	assert len(s["frameworks"]) >= 1
	assert len(s["completed_frameworks"]) >= 2, s["completed_frameworks"]
	EOF
'

test_expect_success 'the sim stops cleanly on SIGTERM, without sanitizer reports' '
	stop_pid $main_PID 10 &&
	no_sanitizer_reports main
'

test_expect_success 'offers not answered within --offer-timeout are rescinded' '
	start_sim rescind -agents=1 -allocation-interval=200ms -offer-timeout=2s &&
	run rescind $IP:$rescind_PORT &&
	stop_pid $rescind_PID 10 && no_sanitizer_reports rescind
'

test_expect_success 'RESERVE, CREATE (a directory), DESTROY, UNRESERVE through offers' '
	start_sim vol -agents=1 -allocation-interval=200ms &&
	run volumes $IP:$vol_PORT "$EM_TMP/work-vol/agent0"
'

test_expect_success 'RESERVE + CREATE + LAUNCH in one ACCEPT: the task writes into its volume' '
	run rcl $IP:$vol_PORT "$EM_TMP/work-vol/agent0" &&
	stop_pid $vol_PID 10 && no_sanitizer_reports vol
'

test_expect_success 'two masters: the standby redirects to the leader (307)' '
	start_sim ha -masters=2 -agents=1 -allocation-interval=200ms &&
	set -- $ha_PORTS &&
	M0=$1 M1=$2 &&
	run standby $IP:$M1 $M0 &&
	run subscribe $IP:$M0 15
'

test_expect_success 'control failover: the other master leads, the old one redirects' '
	control ha /master/failover?to=1 &&
	run standby $IP:$M0 $M1 &&
	run offers $IP:$M1 1
'

test_expect_success 'master failover: streams end, 403 until the framework re-subscribes' '
	run mfailover $IP:$M1 $ha_CONTROL $M0 &&
	run standby $IP:$M1 $M0
'

test_expect_success 'no leader: both masters answer 503 "No leader elected"' '
	control ha "/master/failover?none=1" &&
	run noleader $IP:$M0 && run noleader $IP:$M1 &&
	control ha /master/failover?to=1 &&
	run standby $IP:$M0 $M1 &&
	stop_pid $ha_PID 10 && no_sanitizer_reports ha
'

test_expect_success 'HTTP Basic authentication with --credentials (§E.1)' '
	printf "{\"credentials\":[{\"principal\":\"fw\",\"secret\":\"s3cret\"}]}" >creds.json &&
	start_sim auth -agents=1 -credentials=creds.json &&
	run auth $IP:$auth_PORT fw s3cret &&
	stop_pid $auth_PID 10 && no_sanitizer_reports auth
'

test_expect_success 'bad flags are refused with one line naming the flag' '
	test_expect_code 2 "$SIM" -masters=0 -work-dir=x 2>err &&
	grep -q "masters" err &&
	test_expect_code 2 "$SIM" 2>err && grep -q "work-dir" err &&
	test_expect_code 2 "$SIM" -work-dir=w -resources="cpus:4;gpus:1" 2>err &&
	grep -q "gpus" err &&
	test_expect_code 2 "$SIM" -work-dir=w -resources="cpus(r1):4" 2>err &&
	grep -q "static reservations" err &&
	test_expect_code 2 "$SIM" -work-dir=w -resources="ports:[5-3]" 2>err &&
	grep -q "bad ranges" err
'

if test_have_prereq ZOOKEEPER; then
	test_set_prereq ZK
fi

# zk_leader: the JSON of the json.info_ child with the lowest sequence
zk_leader() {
	local kids first
	kids=$(zk_cli "$ZK" ls /mesos 2>/dev/null | grep "json.info_" | tail -n 1) || return 1
	first=$(echo "$kids" | tr -d "[]," | tr " " "\n" | grep "^json.info_" | sort | head -n 1)
	[[ -n $first ]] || return 1
	zk_cli "$ZK" get "/mesos/$first" 2>/dev/null | grep "^{"
}

test_expect_success ZK 'masters register as json.info_ nodes; the leader has the lowest' '
	start_zookeeper &&
	start_sim zk -masters=2 -agents=1 -zk="zk://$ZK/mesos" &&
	set -- $zk_PORTS && Z0=$1 Z1=$2 &&
	wait_until 30 "test \$(zk_cli $ZK ls /mesos 2>/dev/null | grep -o json.info_ | wc -l) = 2" &&
	zk_leader >leader.json &&
	python3 - leader.json $Z0 <<-\EOF
	import json, sys
	m = json.load(open(sys.argv[1]))
	port = int(sys.argv[2])
	assert m["port"] == port and m["address"]["port"] == port, m
	assert m["address"]["ip"] == "127.0.0.1" and m["hostname"] == "127.0.0.1", m
	assert m["pid"] == "master@127.0.0.1:%d" % port, m
	assert m["version"] == "1.12.0" and isinstance(m["ip"], int), m
	assert {"type": "AGENT_UPDATE"} in m["capabilities"], m
	EOF
'

test_expect_success ZK 'after a failover the new leader has the lowest node' '
	control zk /master/failover &&
	wait_until 30 "zk_leader | grep -q \"\\\"port\\\":$Z1\"" &&
	run standby $IP:$Z0 $Z1 &&
	stop_pid $zk_PID 10 && no_sanitizer_reports zk
'

test_done
