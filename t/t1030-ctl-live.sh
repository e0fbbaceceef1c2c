#!/bin/bash
# etcd-mesos ctl against a running scheduler (mesos-sim, real ZooKeeper,
# the real executor and etcd 3.4): every subcommand, its exit status and
# --json output, discovery through ZooKeeper, refusals without --yes, and
# a teardown that removes the framework and its ZooKeeper state.
test_description='ctl against a live scheduler'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
[[ -x $SIM ]] || skip_all "mesos-sim not built"
test_have_prereq ZOOKEEPER || skip_all 'ZooKeeper is not installed'
test_have_prereq ETCD || skip_all 'etcd is not installed'
command -v jq >/dev/null || skip_all 'jq is not installed'

W=$EM_TMP/work
FW=etcd-live
ctl() { "$EM_BIN" ctl --scheduler "http://127.0.0.1:$A" "$@"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }

test_expect_success 'ZooKeeper, mesos-sim with three agents, and the scheduler' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1) &&
	printf "%s\n" "t0k3n-live" >token &&
	spawn sched "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -member-timeout=3s -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-admin-token-file="$PWD/token" -zk-session-timeout=4s &&
	SCHED=$SPAWNED_PID
'

test_expect_success 'ctl wait: healthy with 3 voting members' '
	ctl wait --members 3 --timeout 90s >out 2>&1 &&
	tail -1 out | grep -qi "healthy"
'

test_expect_success 'ctl health: exit 0 when healthy' '
	ctl health
'

test_expect_success 'ctl status: a human summary naming the members' '
	ctl status >out &&
	grep -qi "healthy" out &&
	test "$(grep -c "etcd-[0-9]" out)" -ge 3
'

test_expect_success 'ctl stats --json: the original counters' '
	ctl stats --json >stats.json &&
	jq -e ".healthy == 1 and .running_servers == 3 and .failed_servers == 0 and .is_leader == true" stats.json
'

test_expect_success 'ctl members --json: three members with client URLs' '
	ctl members --json >m.json &&
	jq -e "length == 3 and all(.[]; .clientURL | startswith(\"http://\"))" m.json
'

test_expect_success 'ctl endpoints: client URLs that etcdctl can use' '
	ep=$(ctl endpoints) &&
	test "$(echo "$ep" | tr , "\n" | wc -l)" = 3 &&
	ETCDCTL_API=3 etcdctl --endpoints="$ep" put /ctl-live hello >/dev/null &&
	test "$(ETCDCTL_API=3 etcdctl --endpoints="$ep" get --print-value-only /ctl-live)" = hello &&
	peers=$(ctl endpoints --peers) &&
	test "$(echo "$peers" | tr , "\n" | wc -l)" = 3 &&
	test "$peers" != "$ep"
'

test_expect_success 'discovery through ZooKeeper finds the leader' '
	"$EM_BIN" ctl --zk "zk://$ZK/etcd-mesos" --framework-name $FW stats --json >zk.json &&
	jq -e ".is_leader == true and .running_servers == 3" zk.json
'

test_expect_success 'reseed and teardown refuse without a terminal and without --yes' '
	test_expect_code 4 ctl --token-file token reseed </dev/null >out 2>&1 &&
	test_expect_code 4 ctl --token-file token teardown </dev/null >out 2>&1 &&
	test "$(sim_state | jq -r "[.frameworks[].tasks[] | select(.state==\"TASK_RUNNING\")] | length")" = 3
'

test_expect_success 'a mutating call without the token is refused' '
	test_expect_code 1 ctl teardown --yes </dev/null >out 2>&1 &&
	pid_alive $SCHED
'

test_expect_success 'ctl teardown --yes: tasks killed, framework removed, state deleted, scheduler exits 0' '
	ctl --token-file token teardown --yes </dev/null >out 2>&1 &&
	wait_until 30 "! pid_alive $SCHED" &&
	grep -q "exit status 0" "$EM_TMP/sched.log" &&
	wait_until 15 "test \"\$(sim_state | jq -r \"[.frameworks[].tasks[] | select(.state==\\\"TASK_RUNNING\\\")] | length\")\" = 0" &&
	! zk_cli "$ZK" ls "/etcd-mesos/$FW/tasks" 2>/dev/null | grep -q "etcd-[0-9]"
'

test_expect_success 'ctl health: exit 2 when no scheduler answers' '
	test_expect_code 2 ctl health
'

test_done
