#!/bin/bash
# lib/zk against a real ZooKeeper server: CRUD with CAS, watches, multi,
# digest auth, session expiry and recovery, and leader election among
# three processes with fenced writes. The C side is t/helpers/zk_probe.c
# (sessions) and t/helpers/zk_elect.c (election).
. "$(dirname "$0")/test-lib.sh"

PROBE=$EM_BUILD_ROOT/t/zk_probe
ELECT=$EM_BUILD_ROOT/t/zk_elect

test_have_prereq ZOOKEEPER || skip_all 'ZooKeeper (java, zookeeper.jar) is not installed'

now_ms() {
	echo $(( ${EPOCHREALTIME/[.,]/} / 1000 ))
}

test_expect_success 'the probe is built and ZooKeeper starts' '
	test -x "$PROBE" && test -x "$ELECT" &&
	start_zookeeper
'
URI="zk://$ZK/em-test"

test_expect_success 'create (with parents), get, set with CAS (ZBADVERSION), children, delete' '
	"$PROBE" crud "$URI"
'

test_expect_success 'a server list with a dead entry still connects and works' '
	"$PROBE" crud "zk://127.0.0.1:1,$ZK,127.0.0.2:1/em-test2"
'

test_expect_success 'data, child and exists watches fire once; unset ones never' '
	"$PROBE" watch "$URI"
'

test_expect_success 'multi is atomic; a failing check op fails the whole batch' '
	"$PROBE" multi "$URI"
'

test_expect_success 'digest auth: world can read, only the creator can write' '
	"$PROBE" auth "zk://user:pass@$ZK/em-test" "$URI" "zk://user:wrong@$ZK/em-test"
'

test_expect_success 'freeing a session or an election from inside its own callbacks' '
	"$PROBE" reentry "$URI"
'

test_expect_success 'an election create whose answer is lost: the node is found, not doubled' '
	"$ELECT" lostcreate "$URI"
'

test_expect_success 'a leader whose node is deleted under it steps down and joins again' '
	"$ELECT" ownnode "$URI"
'

test_expect_success 'a server restart within the timeout: same session, ephemerals and watches kept' '
	spawn rc "$PROBE" reconnect "$URI" "$EM_TMP/rc.ready" &&
	RC_PID=$SPAWNED_PID &&
	wait_until 20 "test -e \"$EM_TMP/rc.ready\"" &&
	restart_zookeeper &&
	wait_until 60 "! pid_alive $RC_PID" &&
	note "$(grep -E "^(ok|FAIL|done)" "$EM_TMP/rc.log")" &&
	grep -q "^done: 0 failures" "$EM_TMP/rc.log"
'

test_expect_success 'session expiry (client stopped past the timeout): reported, new session' '
	"$PROBE" expire "$URI"
'

# ---- election among three processes ----

EL_PID=()

el_status() {
	cat "$EM_TMP/el$1.status" 2>/dev/null
}

el_field() { # el_field I KEY
	el_status "$1" | tr " " "\n" | sed -n "s/^$2=//p"
}

# leaders [I...]: the contenders among I... (default 1 2 3) that are alive
# and say they lead.
leaders() {
	local i out= ids=${*:-1 2 3}
	for i in $ids; do
		pid_alive "${EL_PID[$i]:-}" || continue
		[[ $(el_field "$i" role) == leader ]] && out+="$i "
	done
	echo "${out% }"
}

one_leader_wrote() { # one_leader_wrote [I...]
	local l
	l=$(leaders "$@")
	[[ $l =~ ^[0-9]$ ]] && [[ $(el_field "$l" write) == ok ]]
}

test_expect_success 'three contenders elect exactly one leader, whose fenced write lands' '
	test "$("$ELECT" leader "$URI" /el)" = none &&
	for i in 1 2 3; do
		spawn "el$i" "$ELECT" run "$URI" /el "node$i" "$EM_TMP/el$i.status" || return 1
		EL_PID[$i]=$SPAWNED_PID
	done &&
	wait_until 30 "one_leader_wrote" &&
	L1=$(leaders) &&
	note "leader: node$L1 $(el_status $L1)" &&
	test "$("$ELECT" leader "$URI" /el)" = "node$L1" &&
	test "$("$PROBE" get "$URI" /el/state)" = "node$L1 $(el_field $L1 epoch)" &&
	for i in 1 2 3; do
		test "$(el_field $i node)" != - || return 1
	done
'

test_expect_success 'killing the leader (SIGKILL) yields exactly one new leader' '
	OLD_NODE=$(el_field $L1 node) && OLD_EPOCH=$(el_field $L1 epoch) &&
	kill -KILL "${EL_PID[$L1]}" &&
	t0=$(now_ms) &&
	wait_until 5 "! pid_alive ${EL_PID[$L1]}" &&
	wait_until 20 "one_leader_wrote" &&
	L2=$(leaders) &&
	note "new leader node$L2 after $(( $(now_ms) - t0 )) ms: $(el_status $L2)" &&
	test "$L2" != "$L1" &&
	test "$(el_field $L2 epoch)" -gt "$OLD_EPOCH" &&
	test "$("$PROBE" get "$URI" /el/state)" = "node$L2 $(el_field $L2 epoch)"
'

test_expect_success 'a write fenced by the old leader node fails' '
	"$ELECT" fenced-write "$URI" /el "$OLD_NODE"
'

test_expect_success 'a leader stopped past its session steps down on resume; one leader stays' '
	others=$(echo 1 2 3 | tr " " "\n" | grep -v -x -e "$L1" -e "$L2") &&
	STOPPED_NODE=$(el_field $L2 node) &&
	kill -STOP "${EL_PID[$L2]}" &&
	test_when_finished "kill -CONT ${EL_PID[$L2]}" &&
	wait_until 20 "one_leader_wrote $others" &&
	L3=$(leaders $others) &&
	note "while node$L2 is stopped, node$L3 leads: $(el_status $L3)" &&
	kill -CONT "${EL_PID[$L2]}" &&
	wait_until 20 "test \"\$(el_field $L2 role)\" = follower" &&
	wait_until 20 "test \"\$(el_field $L2 node)\" != \"$STOPPED_NODE\" && test \"\$(el_field $L2 node)\" != -" &&
	note "node$L2 after resume: $(el_status $L2)" &&
	test "$(leaders)" = "$L3" &&
	"$ELECT" fenced-write "$URI" /el "$STOPPED_NODE"
'

test_expect_success 'a leader that exits (SIGTERM) hands over without a session timeout' '
	t0=$(now_ms) &&
	stop_pid "${EL_PID[$L3]}" &&
	wait_until 20 "one_leader_wrote" &&
	L4=$(leaders) && took=$(( $(now_ms) - t0 )) &&
	note "node$L4 leads $took ms after node$L3 exited" &&
	test "$L4" = "$L2" &&
	test "$("$ELECT" leader "$URI" /el)" = "node$L4" &&
	test "$took" -lt 1000
'

test_done
