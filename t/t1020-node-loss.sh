#!/bin/bash
# Node loss heals in seconds: the scheduler judges a member dead from etcd
# (unreachable for -member-timeout while a quorum of the others answers),
# not only from Mesos, whose TASK_LOST for a vanished agent comes after its
# agent timeout (75 s, mesos-sim's default as Mesos's, kept here).
#
# With -member-timeout=5s: an agent killed with its executor and etcd is
# replaced long before TASK_LOST; the late TASK_LOST then changes nothing
# (no second failure counted, no extra member, same etcd membership); the
# old agent coming back brings no fourth member. A SIGSTOPped member is
# replaced, and its SIGCONT brings no fourth member back. With
# -member-timeout=0 a SIGSTOPped member is left alone: the scheduler waits
# for Mesos. With every member silent at once nothing is replaced.
test_description='node loss: members judged dead from etcd, before Mesos says so'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster

FW=etcdnl
MT=5 # -member-timeout, seconds
stats() { curl -s -m 3 "http://127.0.0.1:$1/stats"; }
stat_is() { [[ $(stats "$1" | jq -r "$2") == "$3" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
live_tasks() { sim_state | jq -r '[.frameworks[].tasks[] | select(.state=="TASK_RUNNING")] | length'; }
voters() { members $A1 | jq -r '[.[] | select(.state=="RUNNING" and .learner==false)] | length'; }
urls() { members $A1 | jq -r '[.[] | select(.state=="RUNNING") | .clientURL] | join(",")'; }
# the etcd member list, as sorted names, through the running members
etcd_names() { etcdctl_run --endpoints="$(urls)" member list -w json | jq -r '.members[].name' | sort | tr '\n' ' '; }
# TASK: 3 healthy voters, TASK not among them (its record may stay, DEAD,
# until Mesos says the task is gone)
healed_without() {
	! members $A1 | jq -r '.[] | select(.state=="RUNNING") | .taskID' | grep -qF "$1" &&
	stat_is $A1 .healthy 1 && test "$(voters)" = 3
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

sched() { # NAME [FLAGS...]
	local name=$1; shift
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A1" -artifact-port="$F1" \
		-health-interval=500ms -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s "$@"
}

test_expect_success 'ZooKeeper, mesos-sim with five agents (agent timeout left at 75 s)' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=5 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A1=$(free_port 127.0.0.1) && F1=$(free_port 127.0.0.1)
'

test_expect_success 'the scheduler (-member-timeout=5s) bootstraps three healthy voters' '
	sched s1 -member-timeout=${MT}s && S1=$SPAWNED_PID &&
	wait_until 60 "stat_is $A1 .healthy 1 && test \$(voters) = 3" &&
	etcdctl_run --endpoints="$(urls)" put k1 v1
'

test_expect_success 'an agent killed with its executor and etcd: 3 healthy voters in <= member-timeout + 5 s' '
	R=$(members $A1 | jq -c "[.[] | select(.state==\"RUNNING\" and .leader==false)][0]") &&
	T=$(echo "$R" | jq -r .taskID) && N=$(echo "$R" | jq -r .name) && test -n "$T" &&
	AG=$(sim_state | jq -r ".frameworks[].tasks[] | select(.id==\"$T\") | .slave_id") &&
	test -n "$AG" &&
	T0=$(date +%s.%N) &&
	curl -sf -X POST "http://127.0.0.1:$C/agent/kill?id=$AG" >/dev/null &&
	wait_until 30 "healed_without $T" &&
	T1=$(date +%s.%N) && KILL_S=$(elapsed "$T0" "$T1") &&
	echo "agent kill to 3 healthy voters: $KILL_S s (member-timeout ${MT}s, agent timeout 75 s)" >>times &&
	awk -v t="$KILL_S" -v m="$MT" "BEGIN { exit !(t <= m + 5) }" &&
	grep -q "member $N judged dead" "$EM_TMP/s1.log" &&
	grep -q "member $N removed from etcd" "$EM_TMP/s1.log" &&
	! grep -q "status TASK_LOST for $T" "$EM_TMP/s1.log" &&
	NAMES=$(etcd_names) && test "$(echo $NAMES | wc -w)" = 3 &&
	! echo " $NAMES " | grep -q " $N " &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k1)" = v1
'

test_expect_success 'the late TASK_LOST changes nothing: one failure counted, same membership' '
	FAILED=$(stats $A1 | jq -r .failed_servers) && test "$FAILED" -ge 1 &&
	NAMES=$(etcd_names) && test "$(echo $NAMES | wc -w)" = 3 &&
	PLANNED=$(grep -c "planned member" "$EM_TMP/s1.log") &&
	wait_until 90 "grep -q \"status TASK_LOST for $T\" \"$EM_TMP/s1.log\"" &&
	T2=$(date +%s.%N) && echo "kill to the late TASK_LOST: $(elapsed "$T0" "$T2") s" >>times &&
	sleep 3 &&
	test "$(stats $A1 | jq -r .failed_servers)" = "$FAILED" &&
	test "$(grep -c "planned member" "$EM_TMP/s1.log")" = "$PLANNED" &&
	test "$(etcd_names)" = "$NAMES" &&
	wait_until 5 "! members $A1 | jq -r \".[].taskID\" | grep -qF $T" &&
	test "$(members $A1 | jq length)" = 3 && test "$(voters)" = 3 &&
	stat_is $A1 .healthy 1
'

test_expect_success 'the old agent comes back: its task stays gone, no fourth member' '
	curl -sf -X POST "http://127.0.0.1:$C/agent/restart?id=$AG" >/dev/null &&
	sleep 4 &&
	! sim_state | jq -r ".frameworks[].tasks[] | select(.state==\"TASK_RUNNING\") | .id" | grep -qF "$T" &&
	test "$(live_tasks)" = 3 &&
	test "$(etcd_names)" = "$NAMES" &&
	test "$(members $A1 | jq length)" = 3 &&
	test "$(grep -c "planned member" "$EM_TMP/s1.log")" = "$PLANNED" &&
	stat_is $A1 .healthy 1
'

test_expect_success 'a SIGSTOPped member is replaced; its SIGCONT brings no fourth member' '
	R=$(members $A1 | jq -c "[.[] | select(.state==\"RUNNING\" and .leader==false)][0]") &&
	T=$(echo "$R" | jq -r .taskID) && N=$(echo "$R" | jq -r .name) && test -n "$T" &&
	T0=$(date +%s.%N) &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=$T&sig=STOP" >/dev/null &&
	test_when_finished "curl -s -X POST \"http://127.0.0.1:$C/task/signal?id=$T&sig=CONT\" >/dev/null 2>&1 || :" &&
	wait_until 40 "healed_without $T" &&
	T1=$(date +%s.%N) && echo "SIGSTOP to 3 healthy voters: $(elapsed "$T0" "$T1") s" >>times &&
	grep -q "member $N judged dead" "$EM_TMP/s1.log" &&
	NAMES=$(etcd_names) && test "$(echo $NAMES | wc -w)" = 3 &&
	! echo " $NAMES " | grep -q " $N " &&
	{ curl -s -X POST "http://127.0.0.1:$C/task/signal?id=$T&sig=CONT" >/dev/null || :; } &&
	sleep 5 &&
	test "$(etcd_names)" = "$NAMES" &&
	test "$(members $A1 | jq length)" = 3 && test "$(voters)" = 3 &&
	wait_until 20 "test \$(live_tasks) = 3" &&
	stat_is $A1 .healthy 1 &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k1)" = v1
'

# Every member silent at once, the scheduler's view of being cut off (here
# every agent shares 127.0.0.1; t1220-partition cuts the real network with
# agents on their own addresses).
test_expect_success 'every member silent at once (as if the scheduler were cut off): nothing replaced' '
	JD=$(grep -c "judged dead" "$EM_TMP/s1.log") &&
	PLANNED=$(grep -c "planned member" "$EM_TMP/s1.log") &&
	NAMES=$(etcd_names) &&
	TS=$(members $A1 | jq -r ".[] | select(.state==\"RUNNING\") | .taskID") &&
	test "$(echo "$TS" | wc -l)" = 3 &&
	test_when_finished "for t in $(echo $TS); do curl -s -X POST \"http://127.0.0.1:$C/task/signal?id=\$t&sig=CONT\" >/dev/null 2>&1; done; :" &&
	for t in $TS; do
		curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=$t&sig=STOP" >/dev/null || return 1
	done &&
	wait_until 10 "stat_is $A1 .healthy 0" &&
	sleep $((2 * MT)) &&
	test "$(grep -c "judged dead" "$EM_TMP/s1.log")" = "$JD" &&
	test "$(grep -c "planned member" "$EM_TMP/s1.log")" = "$PLANNED" &&
	test "$(members $A1 | jq "[.[] | select(.state==\"RUNNING\")] | length")" = 3 &&
	for t in $TS; do
		curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=$t&sig=CONT" >/dev/null || return 1
	done &&
	wait_until 20 "stat_is $A1 .healthy 1 && test \$(voters) = 3" &&
	test "$(etcd_names)" = "$NAMES" &&
	test "$(grep -c "judged dead" "$EM_TMP/s1.log")" = "$JD"
'

test_expect_success '-member-timeout=0: a SIGSTOPped member is not replaced (waits for Mesos)' '
	kill -TERM $S1 && wait_until 10 "! pid_alive $S1" &&
	sched s2 -member-timeout=0 && S2=$SPAWNED_PID &&
	wait_until 30 "stat_is $A1 .healthy 1 && test \$(voters) = 3" &&
	R=$(members $A1 | jq -c "[.[] | select(.state==\"RUNNING\" and .leader==false)][0]") &&
	T=$(echo "$R" | jq -r .taskID) && N=$(echo "$R" | jq -r .name) && test -n "$T" &&
	NAMES=$(etcd_names) &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=$T&sig=STOP" >/dev/null &&
	test_when_finished "curl -s -X POST \"http://127.0.0.1:$C/task/signal?id=$T&sig=CONT\" >/dev/null 2>&1 || :" &&
	sleep $((2 * MT)) &&
	! grep -q "judged dead" "$EM_TMP/s2.log" &&
	! grep -q "planned member" "$EM_TMP/s2.log" &&
	members $A1 | jq -e "[.[] | select(.taskID==\"$T\" and .state==\"RUNNING\")] | length == 1" &&
	test "$(members $A1 | jq length)" = 3 &&
	test "$(etcd_names)" = "$NAMES" &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=$T&sig=CONT" >/dev/null &&
	wait_until 20 "stat_is $A1 .healthy 1 && test \$(voters) = 3" &&
	kill -TERM $S2 && wait_until 10 "! pid_alive $S2"
'

[[ -f times ]] && note "measured: $(cat times)"
test_done
