#!/bin/bash
# Total loss (issue #7, point 8): every member of a running cluster dies
# and Mesos confirms every task gone. The scheduler launches nothing on
# its own; /stats, /healthz, /metrics and the log say so with the recovery
# steps; POST /fresh-cluster is refused until then and without the
# framework name as confirmation; `etcd-mesos ctl fresh-cluster --yes`
# then starts a new, empty cluster whose members do not reuse a dead
# member's name.
test_description='the scheduler after a total loss: nothing launched until an operator asks'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster

FW=etcd-lost
stats() { curl -s -m 3 "http://127.0.0.1:$A/stats"; }
stat_is() { [[ $(stats | jq -r "$1") == "$2" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$A/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
fw_live() { sim_state | jq -r "[.frameworks[] | select(.name==\"$FW\") | .tasks[] | select(.state==\"TASK_RUNNING\" or .state==\"TASK_STARTING\" or .state==\"TASK_STAGING\")] | length"; }
voters() { members | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy3() { stat_is .healthy 1 && test "$(voters)" = 3; }
urls() { members | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }
post_code() { curl -s -o "$2" -w "%{http_code}" -X POST "http://127.0.0.1:$A$1"; }
etcd_pid() { local p; for p in $(pgrep -x etcd); do
	tr "\0" " " </proc/$p/cmdline 2>/dev/null | grep -q "127.0.0.1:$1\b" && echo $p; done | head -1; }
exec_pid() { local p; for p in $(pgrep -f etcd-mesos-executor); do
	readlink /proc/$p/cwd 2>/dev/null | grep -qF "/executors/$1/" && echo $p; done | head -1; }

RES='cpus:8;mem:16384;disk:100000;ports:[12000-12100]'

test_expect_success 'ZooKeeper, mesos-sim with three agents, a healthy cluster of three' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -masters=1 -zk="zk://$ZK/mesos" \
		-resources="$RES" -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1) &&
	wait_until 10 "zk_cli $ZK ls /mesos | grep -q json.info_" &&
	spawn s1 "$EM_BIN" scheduler -master="zk://$ZK/mesos" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name="$FW" \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -member-timeout=3s -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s -auto-reseed=false -reseed-timeout=2 &&
	S1=$SPAWNED_PID &&
	wait_until 90 healthy3 &&
	etcdctl_run --endpoints="$(urls)" put lost-key v1 &&
	members | jq -r ".[].name" | sort >old-names &&
	test "$(wc -l <old-names)" = 3
'

test_expect_success 'while members are left, a fresh cluster is refused (API and ctl)' '
	code=$(post_code "/fresh-cluster?confirm=$FW" out) &&
	test "$code" = 409 && jq -e ".error | test(\"not a total loss\")" out &&
	stat_is .total_loss false &&
	test_expect_code 1 "$EM_BIN" ctl --scheduler="http://127.0.0.1:$A" fresh-cluster --yes 2>err &&
	grep -q "no total loss" err &&
	healthy3
'

test_expect_success 'every member dies: total loss reported, nothing launched' '
	members | jq -r ".[] | \"\(.taskID) \(.clientPort)\"" >victims &&
	pids= &&
	while read -r t cp; do
		p=$(exec_pid "$t") && e=$(etcd_pid "$cp") && test -n "$p" &&
		pids="$pids $p $e" || return 1
	done <victims &&
	n0=$(stats | jq -r .launched_servers) &&
	kill -KILL $pids &&
	wait_until 60 "stat_is .total_loss true" &&
	stat_is .state lost && stat_is .healthy 0 &&
	stats | jq -e ".recovery | test(\"fresh-cluster\")" &&
	grep -q "TOTAL LOSS of etcd cluster \"$FW\"" "$EM_TMP/s1.log" &&
	code=$(curl -s -o hz -w "%{http_code}" "http://127.0.0.1:$A/healthz") &&
	test "$code" = 500 && jq -e ".total_loss == true and (.recovery | length) > 40" hz &&
	curl -s "http://127.0.0.1:$A/metrics" | grep -qx "etcd_mesos_total_loss 1" &&
	sleep 5 &&
	test "$(fw_live)" = 0 && stat_is .launched_servers "$n0" &&
	stat_is .total_loss true && pid_alive $S1
'

test_expect_success 'POST /fresh-cluster without, or with a wrong, confirmation: 400' '
	code=$(post_code "/fresh-cluster" out) && test "$code" = 400 &&
	jq -e ".error | test(\"confirm=$FW\")" out &&
	code=$(post_code "/fresh-cluster?confirm=other" out) && test "$code" = 400 &&
	sleep 1 && test "$(fw_live)" = 0 && stat_is .total_loss true
'

test_expect_success 'ctl fresh-cluster --yes: a new, empty cluster of three, names not reused' '
	{ "$EM_BIN" ctl --scheduler="http://127.0.0.1:$A" fresh-cluster --yes >ctlout 2>&1 ||
	  { cat ctlout; false; }; } &&
	grep -q "fresh_cluster" ctlout &&
	wait_until 120 healthy3 &&
	stat_is .total_loss false && stat_is .fresh_clusters 1 &&
	members | jq -r ".[].name" | sort >new-names &&
	test "$(wc -l <new-names)" = 3 &&
	test -z "$(comm -12 old-names new-names)" &&
	test -z "$(etcdctl_run --endpoints="$(urls)" get --print-value-only lost-key)" &&
	grep -q "bootstrapping a new, EMPTY etcd cluster" "$EM_TMP/s1.log" &&
	kill -TERM $S1 && wait_until 10 "! pid_alive $S1" &&
	! grep -q "Sanitizer\|runtime error" "$EM_TMP/s1.log"
'

test_done
