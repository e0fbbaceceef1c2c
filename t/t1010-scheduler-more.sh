#!/bin/bash
# More of the scheduler on mesos-sim with the real executor and etcd 3.4:
# a bootstrap of five members from scratch on offers whose ports are split
# over two ranges; a Mesos master failover followed through ZooKeeper
# (-master=zk://...), after which the scheduler re-subscribes with the same
# framework id and reconciles without a duplicate task; a ZooKeeper restart;
# and -auto-reseed=false: a cluster that lost quorum is left alone past
# -reseed-timeout until an operator reseeds it (dry run first, then
# `etcd-mesos ctl reseed --yes`).
test_description='the scheduler: five members, master failover, ZooKeeper restart, manual reseed'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster

stats() { curl -s -m 3 "http://127.0.0.1:$1/stats"; }
stat_is() { [[ $(stats "$1" | jq -r "$2") == "$3" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
# tasks of framework $1 in the sim: all of them, the running ones
fw_tasks() { sim_state | jq -r "[.frameworks[] | select(.name==\"$1\") | .tasks[]] | length"; }
fw_live() { sim_state | jq -r "[.frameworks[] | select(.name==\"$1\") | .tasks[] | select(.state==\"TASK_RUNNING\")] | length"; }
fw_dups() { sim_state | jq -r ".frameworks[] | select(.name==\"$1\") | .tasks[].id" | sort | uniq -d; }
voters() { members "$1" | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy_with() { stat_is "$1" .healthy 1 && test "$(voters "$1")" = "$2"; }
urls() { members "$1" | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }

secs() { awk -v a="$2" -v b="$3" -v w="$1" "BEGIN { printf \"%s: %.1f s\\n\", w, b - a }" >>times; }

sched() { # NAME ADMIN-PORT ARTIFACT-PORT FRAMEWORK SIZE [FLAGS...]
	local name=$1 ap=$2 fp=$3 fw=$4 n=$5; shift 5
	spawn "$name" "$EM_BIN" scheduler -master="zk://$ZK/mesos" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name="$fw" \
		-cluster-size="$n" -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$ap" -artifact-port="$fp" \
		-health-interval=500ms -member-timeout=3s -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s "$@"
}

# Every agent offers ports:[12000-12000,12005-12100] shifted by 1000 per
# agent: a member needs two ports, so each takes at least one from the
# second range. The ranges (12000-16100) stay below free_port's
# (20000-31999) and the kernel's ephemeral ports, where the sim's own
# listeners and outgoing connections could hold an offered port.
RES='cpus:8;mem:16384;disk:100000;ports:[12000-12000,12005-12100]'

test_expect_success 'ZooKeeper, and mesos-sim with two masters in ZooKeeper and five agents' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=5 -masters=2 -zk="zk://$ZK/mesos" \
		-resources="$RES" -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	C=$(sed -n "s/^control=//p" ports) &&
	A1=$(free_port 127.0.0.1) && F1=$(free_port 127.0.0.1) &&
	A2=$(free_port 127.0.0.1) && F2=$(free_port 127.0.0.1) &&
	wait_until 10 "zk_cli $ZK ls /mesos | grep -q json.info_"
'

test_expect_success 'bootstrap of five from scratch: healthy with five voters' '
	T0=$(date +%s.%N) &&
	sched s1 "$A1" "$F1" etcd5 5 && S1=$SPAWNED_PID &&
	wait_until 120 "healthy_with $A1 5" &&
	T1=$(date +%s.%N) && secs "bootstrap of 5 to healthy" "$T0" "$T1" &&
	test "$(fw_tasks etcd5)" = 5 && test -z "$(fw_dups etcd5)" &&
	test "$(sim_state | jq -r "[.frameworks[] | select(.name==\"etcd5\") | .tasks[].slave_id] | unique | length")" = 5 &&
	test "$(etcdctl_run --endpoints="$(urls $A1)" member list | wc -l)" = 5 &&
	etcdctl_run --endpoints="$(urls $A1)" put k5 v5 &&
	FWID=$(stats $A1 | jq -r .framework_id) && test -n "$FWID" && test "$FWID" != null
'

test_expect_success 'ports come from the split ranges of the offers' '
	members $A1 | jq -r ".[] | .clientPort, .peerPort" >mports &&
	test "$(wc -l <mports)" = 10 &&
	test "$(sort -u mports | wc -l)" = 10 &&
	while read -r p; do
		test "$p" -ge 12000 && test "$p" -le 16100 &&
		o=$((p % 1000)) && { test $o = 0 || { test $o -ge 5 && test $o -le 100; }; } || exit 1
	done <mports &&
	test "$(awk "\$1 % 1000 >= 5" mports | wc -l)" -ge 5
'

test_expect_success 'master failover: the same framework id re-subscribes and reconciles, no duplicates' '
	n0=$(grep -c "subscribed to" "$EM_TMP/s1.log") &&
	r0=$(grep -c "reconciled:" "$EM_TMP/s1.log") &&
	l0=$(grep -c "launching member" "$EM_TMP/s1.log") &&
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$C/master/failover") &&
	test "$code" = 200 &&
	wait_until 30 "test \$(grep -c \"subscribed to\" \"$EM_TMP/s1.log\") -gt $n0" &&
	grep "subscribed to" "$EM_TMP/s1.log" | tail -1 | grep -qF "$FWID" &&
	# a different master: the one ZooKeeper names now
	grep "sched_mesos.*subscribed to" "$EM_TMP/s1.log" | sed "s/.*subscribed to \([^ ]*\) .*/\1/" >masters &&
	test "$(sort -u masters | wc -l)" = 2 &&
	wait_until 30 "test \$(grep -c \"reconciled:\" \"$EM_TMP/s1.log\") -gt $r0" &&
	test "$(stats $A1 | jq -r .framework_id)" = "$FWID" &&
	wait_until 30 "healthy_with $A1 5" &&
	sleep 2 &&
	test "$(fw_tasks etcd5)" = 5 && test "$(fw_live etcd5)" = 5 && test -z "$(fw_dups etcd5)" &&
	test "$(grep -c "launching member" "$EM_TMP/s1.log")" = "$l0" &&
	test "$(sim_state | jq -r "[.frameworks[] | select(.name==\"etcd5\")] | length")" = 1 &&
	test "$(etcdctl_run --endpoints="$(urls $A1)" get --print-value-only k5)" = v5
'

# A ZooKeeper that comes back within -zk-session-timeout resumes the
# scheduler's session and it stays the leader; one that takes longer (the
# JVM's start varies) makes it step down and exit 1 (SAFETY.md section 2),
# and the restart its supervisor would do regains the leadership.
test_expect_success 'ZooKeeper restart: the scheduler keeps or regains leadership, no duplicates' '
	l0=$(grep -c "launching member" "$EM_TMP/s1.log") &&
	z0=$(grep -c "etcd-mesos: resumed session" "$EM_TMP/s1.log" || :) &&
	restart_zookeeper &&
	wait_until 60 "test \$(grep -c \"etcd-mesos: resumed session\" \"$EM_TMP/s1.log\") -gt $z0 || ! pid_alive $S1" &&
	if pid_alive $S1; then
		note "ZooKeeper session resumed: still the leader" && LOGS=s1
	else
		grep -q "lost the scheduler leadership in ZooKeeper" "$EM_TMP/s1.log" &&
		grep -q "scheduler stopped (exit status 1)" "$EM_TMP/s1.log" &&
		note "ZooKeeper session lost: stepped down, restarted" &&
		sched s1b "$A1" "$F1" etcd5 5 && S1=$SPAWNED_PID && LOGS=s1b &&
		wait_until 30 "grep -q \"reconciled: Mesos has answered for every one of the 5\" \"$EM_TMP/s1b.log\""
	fi &&
	wait_until 60 "stat_is $A1 .is_leader true && healthy_with $A1 5" &&
	sleep 2 &&
	pid_alive $S1 && stat_is $A1 .is_leader true &&
	test "$(stats $A1 | jq -r .framework_id)" = "$FWID" &&
	test "$(fw_tasks etcd5)" = 5 && test "$(fw_live etcd5)" = 5 && test -z "$(fw_dups etcd5)" &&
	test "$(grep -c "launching member" "$EM_TMP/s1.log")" = "$l0" &&
	! grep -q "launching member" "$EM_TMP/s1b.log" 2>/dev/null &&
	test "$(zk_cli $ZK ls /etcd-mesos/etcd5/tasks | grep -o "etcd-[0-9]*_[^],]*" | sort -u | wc -l)" = 5
'

test_expect_success 'teardown of the five-member framework' '
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$A1/teardown") &&
	test "$code" = 202 &&
	wait_until 20 "! pid_alive $S1" &&
	wait_until 20 "test \$(fw_live etcd5) = 0"
'

test_expect_success '-auto-reseed=false: three healthy voters' '
	sched s2 "$A2" "$F2" etcd3 3 -auto-reseed=false -reseed-timeout=2 && S2=$SPAWNED_PID &&
	wait_until 90 "healthy_with $A2 3" &&
	U=$(urls $A2) && I0=$(members $A2 | jq "[.[].raftIndex] | max") &&
	etcdctl_run --endpoints="$U" put k3 v3 &&
	etcdctl_run --endpoints="$U" put pad1 x && etcdctl_run --endpoints="$U" put pad2 x &&
	wait_until 10 "members $A2 | jq -e \"[.[] | select(.state==\\\"RUNNING\\\") | .raftIndex] | (min > $I0) and (unique | length == 1)\""
'

sig_task() { curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$C/task/signal?id=$1&sig=$2"; }

test_expect_success '-auto-reseed=false: quorum lost past -reseed-timeout, nothing is reseeded' '
	T1=$(members $A2 | jq -r "[.[] | select(.state==\"RUNNING\")][0].taskID") &&
	T2=$(members $A2 | jq -r "[.[] | select(.state==\"RUNNING\")][1].taskID") &&
	test -n "$T1" && test -n "$T2" && test "$T1" != "$T2" &&
	test "$(sig_task "$T1" STOP)" = 200 && test "$(sig_task "$T2" STOP)" = 200 &&
	wait_until 30 "stat_is $A2 .healthy 0 && test \$(stats $A2 | jq -r .cluster_livelocks) -ge 1" &&
	sleep 6 &&
	stat_is $A2 .healthy 0 &&
	test "$(stats $A2 | jq -r .cluster_reseeds)" = 0 &&
	test "$(stats $A2 | jq -r .cluster_livelocks)" -ge 1 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$A2/healthz")" = 500 &&
	! grep -q "reseed [^ ]*: forcing" "$EM_TMP/s2.log" &&
	pid_alive $S2
'

test_expect_success '-auto-reseed=false: GET /reseed?dry_run=1 ranks and chooses without acting' '
	code=$(curl -s -o rank -w "%{http_code}" "http://127.0.0.1:$A2/reseed?dry_run=1") &&
	test "$code" = 200 &&
	jq -e ".dry_run == true and (.ranking | length) == 3 and (.would_force | type) == \"string\"" rank &&
	jq -e ".ranking[0].raft_index >= .ranking[2].raft_index" rank &&
	sleep 1 &&
	test "$(stats $A2 | jq -r .cluster_reseeds)" = 0 &&
	stat_is $A2 .healthy 0 &&
	! grep -q "reseed [^ ]*: forcing" "$EM_TMP/s2.log"
'

test_expect_success '-auto-reseed=false: ctl reseed --yes rebuilds three healthy voters' '
	T0=$(date +%s.%N) &&
	"$EM_BIN" ctl --scheduler="http://127.0.0.1:$A2" reseed --yes --no-wait >ctlout 2>&1 &&
	code=$(curl -s -o out2 -w "%{http_code}" -X POST "http://127.0.0.1:$A2/reseed") &&
	note "second POST /reseed while one runs: $code $(cat out2)" &&
	{ test "$code" = 409 || grep -q healthy out2; } &&
	wait_until 120 "healthy_with $A2 3" &&
	T1=$(date +%s.%N) && secs "manual reseed to 3 healthy voters" "$T0" "$T1" &&
	test "$(stats $A2 | jq -r .cluster_reseeds)" = 1 &&
	grep -q "reseed [^ ]*: forcing" "$EM_TMP/s2.log" &&
	U=$(urls $A2) &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k3)" = v3 &&
	test -z "$(fw_dups etcd3)" &&
	kill -TERM $S2 && wait_until 10 "! pid_alive $S2"
'

# The reseed fences (kills) the stopped members; if it did not run, let
# them go on so that the cleanup can stop them.
[[ -n ${T1:-} ]] && sig_task "$T1" CONT >/dev/null
[[ -n ${T2:-} ]] && sig_task "$T2" CONT >/dev/null

[[ -f times ]] && note "measured: $(cat times)"
test_done
