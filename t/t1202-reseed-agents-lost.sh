#!/bin/bash
# Reseed after two of three agents die (issue #13, SAFETY.md section 4
# step 2): the dead agents' executors cannot answer the fence, so their
# members count as fenced only when Mesos reports their tasks lost (the
# sim's agent timeout, 15 s here). No etcd may start with
# --force-new-cluster before that; then the survivor is forced and the
# cluster grows back to three voters on the remaining agents, with the
# keys the survivor had.
test_description='reseed after agent loss: no force until Mesos reports the tasks lost'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster

LOSS=15                      # the sim's agent timeout, seconds
stats() { curl -s -m 3 "http://127.0.0.1:$A/stats"; }
stat_is() { [[ $(stats | jq -r "$1") == "$2" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$A/membership"; }
voters() { members | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy3() { stat_is .healthy 1 && test "$(voters)" = 3; }
urls() { members | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }
# line number in the scheduler's log of the first line matching $1 (0: none)
line_of() { grep -n -m1 -E "$1" "$EM_TMP/s1.log" | cut -d: -f1 | grep . || echo 0; }

test_expect_success 'ZooKeeper, mesos-sim with five agents (agent timeout 15 s), three healthy voters' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=5 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=${LOSS}s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1) &&
	spawn s1 "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=etcd-agents \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -member-timeout=0 -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s -reseed-timeout=2 &&
	S1=$SPAWNED_PID &&
	wait_until 90 healthy3 &&
	U=$(urls) && etcdctl_run --endpoints="$U" put before-loss v1 &&
	etcdctl_run --endpoints="$U" put pad1 x && etcdctl_run --endpoints="$U" put pad2 x &&
	wait_until 15 "members | jq -e \"[.[] | select(.state==\\\"RUNNING\\\") | .raftIndex] | unique | length == 1\""
'

test_expect_success 'two agents killed: reseed decided, no force before both tasks are reported lost' '
	members | jq -r ".[] | select(.state==\"RUNNING\") | \"\(.taskID) \(.agentID)\"" >victims &&
	read -r T1 G1 < <(sed -n 1p victims) && read -r T2 G2 < <(sed -n 2p victims) &&
	test -n "$G1" && test -n "$G2" && test "$G1" != "$G2" &&
	OLDF=$(pgrep -f -- "[-]-force-new-cluster" | tr "\n" " ") &&
	T0=$(date +%s.%N) &&
	curl -sf -X POST "http://127.0.0.1:$C/agent/kill?id=$G1" >/dev/null &&
	curl -sf -X POST "http://127.0.0.1:$C/agent/kill?id=$G2" >/dev/null &&
	wait_until 30 "grep -qE \"reseed [^ ]* started\" \"$EM_TMP/s1.log\"" &&
	sleep 5 &&
	# the agents are still within their timeout: nothing forced yet
	! grep -qE "reseed [^ ]*: forcing " "$EM_TMP/s1.log" &&
	test -z "$(pgrep -f -- "[-]-force-new-cluster" | grep -vwE "^(${OLDF// /|}0)\$")" &&
	wait_until 60 "grep -qE \"reseed [^ ]*: forcing \" \"$EM_TMP/s1.log\"" &&
	T1S=$(date +%s.%N) &&
	LOST1=$(line_of "status TASK_(LOST|UNREACHABLE|GONE)[A-Z_]* for $T1") &&
	LOST2=$(line_of "status TASK_(LOST|UNREACHABLE|GONE)[A-Z_]* for $T2") &&
	FORCE=$(line_of "reseed [^ ]*: forcing ") &&
	note "lines: lost $LOST1 $LOST2, force $FORCE; forced $(awk -v a=$T0 -v b=$T1S "BEGIN { printf \"%.1f\", b - a }") s after the kill" &&
	test "$LOST1" -gt 0 && test "$LOST2" -gt 0 &&
	test "$FORCE" -gt "$LOST1" && test "$FORCE" -gt "$LOST2"
'

test_expect_success 'the survivor forced, grown back to three voters, the key still there' '
	wait_until 120 healthy3 &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only before-loss)" = v1 &&
	test "$(stats | jq -r .cluster_reseeds)" -ge 1 &&
	! members | jq -r ".[].taskID" | grep -qxE "$T1|$T2" &&
	kill -TERM $S1 && wait_until 10 "! pid_alive $S1" &&
	! grep -q "Sanitizer\|runtime error" "$EM_TMP/s1.log"
'

test_done
