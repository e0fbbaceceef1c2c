#!/bin/bash
# A bootstrap that can never form: two of the three initial members fail
# to launch (the fetch fails on their agents: TASK_FAILED,
# REASON_CONTAINER_LAUNCH_FAILED), so the third waits for peers that will
# never come and no write can ever have been acknowledged. The scheduler
# records that they never ran, declares the bootstrap void, kills the one
# that runs, and bootstraps again (lib/cluster/plan.h,
# plan_bootstrap_void) instead of waiting forever or calling it a total
# loss. One initial member failing is the ordinary case: the two others
# form the cluster and the third is replaced.
test_description='a bootstrap whose initial members mostly never ran starts again'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster

stats() { curl -s -m 3 "http://127.0.0.1:$A/stats"; }
stat_is() { [[ $(stats | jq -r "$1") == "$2" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$A/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
ctl() { curl -sf -X POST "http://127.0.0.1:$C$1" >/dev/null; }
voters() { members | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy3() { stat_is .healthy 1 && test "$(voters)" = 3; }
urls() { members | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }
# tasks whose launch the scheduler saw fail (the injected fetch failure)
launch_failures() {
	grep -o "status TASK_FAILED for [^:]*: Failed to launch container: .*injected" "$1" |
		sort -u | wc -l
}
# the state Mesos last gave this framework's task whose id starts with $1
task_state() {
	sim_state | jq -r --arg fw "$FW" --arg p "$1" '[.frameworks[] | select(.name == $fw) |
		(.tasks[], .completed_tasks[]) | select(.id | startswith($p))][0].state'
}

RES='cpus:8;mem:16384;disk:100000;ports:[12000-12100]'

# sched NAME: a scheduler of cluster size 3 for $FW
sched() {
	spawn "$1" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name="$FW" \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -member-timeout=3s -mesos-offer-refuse-seconds=1 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s && S=$SPAWNED_PID
}

test_expect_success 'ZooKeeper and mesos-sim with three agents; allocation paused' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -resources="$RES" -port-file=ports \
		-allocation-interval=200ms -status-update-retry-min=300ms \
		-status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1)
'

test_expect_success 'the control API: fetch-fail checks its count' '
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$C/agent/fetch-fail?index=0&count=x") &&
	test "$code" = 400 && jq -e ".error | test(\"count\")" out &&
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$C/agent/fetch-fail?index=9") &&
	test "$code" = 404
'

test_expect_success 'two of three initial members fail to launch: void, bootstrapped again' '
	FW=etcd-void &&
	ctl /allocation/pause &&
	ctl "/agent/fetch-fail?index=1" && ctl "/agent/fetch-fail?index=2" &&
	sched s1 &&
	wait_until 20 "grep -q \"subscribed to\" \"$EM_TMP/s1.log\"" &&
	ctl /allocation/resume &&
	wait_until 30 "grep -q \"bootstrap all members as a new cluster\" \"$EM_TMP/s1.log\"" &&
	wait_until 120 healthy3 &&
	test "$(launch_failures "$EM_TMP/s1.log")" = 2 &&
	test "$(grep -c "never ran: its launch failed" "$EM_TMP/s1.log")" = 2 &&
	grep -q "plan: bootstrap void" "$EM_TMP/s1.log" &&
	# the new one: all three at once, or a seed while the killed one
	# still holds its agent
	test "$(grep -cE "plan: bootstrap (all members|a one-member seed)" "$EM_TMP/s1.log")" = 2 &&
	! grep -q "TOTAL LOSS" "$EM_TMP/s1.log" &&
	members | jq -r ".[].name" | sort >names &&
	test "$(cat names | tr "\n" " ")" = "etcd-4 etcd-5 etcd-6 " &&
	stat_is .total_loss false &&
	etcdctl_run --endpoints="$(urls)" put void-key v1 &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only void-key)" = v1
'

test_expect_success 'the member that ran was killed; nothing of the void bootstrap is left' '
	test "$(task_state etcd-1_)" = TASK_KILLED &&
	wait_until 30 "test \"\$(zk_cli \"$ZK\" ls /etcd-mesos/$FW/tasks | grep -o \"etcd-[1-3]_\" | wc -l)\" = 0"
'

test_expect_success 'one of three fails to launch: the two others form the cluster, no void' '
	kill -TERM $S && wait_until 15 "! pid_alive $S" &&
	FW=etcd-one && A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1) &&
	curl -sf -X POST -d "frameworkId=$(sim_state | jq -r ".frameworks[] | select(.name == \"etcd-void\") | .id")" \
		"http://127.0.0.1:$M/master/teardown" >/dev/null &&
	ctl /allocation/pause &&
	ctl "/agent/fetch-fail?index=2" &&
	sched s2 &&
	wait_until 20 "grep -q \"subscribed to\" \"$EM_TMP/s2.log\"" &&
	ctl /allocation/resume &&
	wait_until 120 healthy3 &&
	test "$(launch_failures "$EM_TMP/s2.log")" = 1 &&
	! grep -q "bootstrap void" "$EM_TMP/s2.log" &&
	test "$(grep -c "bootstrap all members as a new cluster" "$EM_TMP/s2.log")" = 1 &&
	kill -TERM $S && wait_until 15 "! pid_alive $S" &&
	! grep -q "Sanitizer\|runtime error" "$EM_TMP/s1.log" "$EM_TMP/s2.log"
'

test_done
