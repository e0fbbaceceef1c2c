#!/bin/bash
# lib/zk/zk_store against a real ZooKeeper: the layout of a fresh store,
# the format gate, the framework id, registry records read back by
# another process, next_member under two concurrent writers, fenced
# writes of a deposed leader, reseed records, the leader's admin URL and
# the original etcd-mesos's nodes. The C side is t/helpers/zk_store_probe.c.
. "$(dirname "$0")/test-lib.sh"

PROBE=$EM_BUILD_ROOT/t/zk_store_probe

test_have_prereq ZOOKEEPER || skip_all 'ZooKeeper (java, zookeeper.jar) is not installed'

test_expect_success 'the probe is built and ZooKeeper starts' '
	test -x "$PROBE" &&
	start_zookeeper
'
URI="zk://$ZK/persist"

# field NAME: the value of the line "NAME value" in out
field() {
	sed -n "s/^$1 //p" out
}

test_expect_success 'a fresh store creates its layout with format 1' '
	"$PROBE" load "$URI" fw1 >out &&
	cat out &&
	test "$(field fresh)" = 1 &&
	test "$(field framework_id)" = - &&
	test "$(field teardown)" = 0 &&
	test "$(field next_member)" = 1 &&
	! grep -q "^task " out &&
	test "$("$PROBE" raw-get "$URI" /fw1/format)" = 1 &&
	test "$("$PROBE" raw-get "$URI" /fw1/next_member)" = 1 &&
	for d in tasks reseed leader; do
		test "$("$PROBE" raw-get "$URI" /fw1/$d)" != none || return 1
	done &&
	"$PROBE" load "$URI" fw1 >out &&
	test "$(field fresh)" = 0
'

test_expect_success 'a newer layout version is refused with a clear error' '
	"$PROBE" raw-put "$URI" /fw-new/format 2 &&
	test_expect_code 3 "$PROBE" load "$URI" fw-new >out &&
	cat out &&
	grep -q "^error ENOTSUP /fw-new/format: ZooKeeper layout version 2 is newer than this binary knows (1): upgrade" out &&
	test "$("$PROBE" raw-get "$URI" /fw-new/tasks)" = none &&
	"$PROBE" raw-put "$URI" /fw-bad/format "x1" &&
	test_expect_code 3 "$PROBE" load "$URI" fw-bad >out &&
	grep -q "^error EPROTO /fw-bad/format holds \"x1\", not a layout version" out
'

test_expect_success 'framework id: written once, same id again is fine, another refused, forgotten explicitly' '
	"$PROBE" write "$URI" fw1 put-fwid,fw-0001 put-fwid,fw-0001 >out &&
	test "$(grep -c "^ok put-fwid" out)" = 2 &&
	test "$("$PROBE" raw-get "$URI" /fw1/framework_id)" = fw-0001 &&
	test_expect_code 1 "$PROBE" write "$URI" fw1 put-fwid,fw-0002 >out &&
	cat out &&
	grep -q "^error EEXIST .*holds framework id \"fw-0001\", not \"fw-0002\"" out &&
	"$PROBE" load "$URI" fw1 >out &&
	test "$(field framework_id)" = fw-0001 &&
	"$PROBE" write "$URI" fw1 forget-fwid forget-fwid >out &&
	test "$(grep -c "^ok forget-fwid" out)" = 2 &&
	"$PROBE" load "$URI" fw1 >out &&
	test "$(field framework_id)" = - &&
	test "$("$PROBE" raw-get "$URI" /fw1/framework_id)" = none
'

test_expect_success 'registry records: put, update, delete; a second process reads them back' '
	"$PROBE" write "$URI" fw1 \
		put-task,etcd-1_127.0.0.1_2380_2379_a,etcd-1,PLANNED \
		put-task,etcd-2_127.0.0.1_2380_2379_b,etcd-2,RUNNING,12345678901234567890,TASK_RUNNING \
		put-task,etcd-3_127.0.0.1_2380_2379_c,etcd-3,LAUNCHED \
		put-task,etcd-1_127.0.0.1_2380_2379_a,etcd-1,ADDED,42 \
		del-task,etcd-3_127.0.0.1_2380_2379_c \
		del-task,etcd-3_127.0.0.1_2380_2379_c >out &&
	cat out &&
	test "$(grep -c "^ok " out)" = 6 &&
	"$PROBE" load "$URI" fw1 >out &&
	grep "^task " out >tasks &&
	cat >expect <<-\EOF &&
	task etcd-1_127.0.0.1_2380_2379_a name=etcd-1 agent=agent-S1 host=127.0.0.1 peer=2380 client=2379 state=ADDED etcd_id=42 initial=0 learner=0 foreign=0 task_state=-
	task etcd-2_127.0.0.1_2380_2379_b name=etcd-2 agent=agent-S1 host=127.0.0.1 peer=2380 client=2379 state=RUNNING etcd_id=12345678901234567890 initial=0 learner=0 foreign=0 task_state=TASK_RUNNING
	EOF
	test_cmp expect tasks &&
	"$PROBE" raw-get "$URI" /fw1/tasks/etcd-2_127.0.0.1_2380_2379_b >raw &&
	grep -q "\"etcd_id\":\"12345678901234567890\"" raw
'

test_expect_success 'two writes of one record at once both land; a put behind a delete does not resurrect it' '
	"$PROBE" write "$URI" fw-ov put-task,etcd-5_127.0.0.1_2380_2379_e,etcd-5,LAUNCHED \
		overlap,etcd-5_127.0.0.1_2380_2379_e >out &&
	cat out &&
	grep -qx "merged state=RUNNING etcd_id=77 task_state=TASK_RUNNING" out &&
	grep -qx "late-put ENOENT" out &&
	grep -qx "ok overlap" out &&
	"$PROBE" load "$URI" fw-ov >out &&
	! grep -q "^task " out
'

test_expect_success 'a record that does not decode fails the load and names the node' '
	"$PROBE" raw-put "$URI" /fw-rec/tasks/t1 "{\"v\":1,\"name\":\"etcd-1\"}" &&
	test_expect_code 3 "$PROBE" load "$URI" fw-rec >out &&
	cat out &&
	grep -q "^error EPROTO /fw-rec/tasks/t1: registry record: field \"task_id\" is missing" out &&
	"$PROBE" raw-put "$URI" /fw-rec/tasks/t1 "{\"v\":1,\"name\":\"etcd-1\",\"task_id\":\"t2\",\"agent_id\":\"s\",\"host\":\"h\",\"peer_port\":1,\"client_port\":2,\"state\":\"DEAD\"}" &&
	test_expect_code 3 "$PROBE" load "$URI" fw-rec >out &&
	grep -q "^error EPROTO /fw-rec/tasks/t1: the record is for task \"t2\"" out
'

test_expect_success 'next_member: two concurrent writers, 2 x 60 numbers, none twice' '
	"$PROBE" load "$URI" fw-cnt >out &&
	test "$(field next_member)" = 1 &&
	spawn c1 "$PROBE" counter "$URI" fw-cnt 60 3 && P1=$SPAWNED_PID &&
	spawn c2 "$PROBE" counter "$URI" fw-cnt 60 3 && P2=$SPAWNED_PID &&
	wait_until 60 "! pid_alive $P1 && ! pid_alive $P2" &&
	! grep -E "FAIL|Sanitizer|runtime error" "$EM_TMP/c1.log" "$EM_TMP/c2.log" &&
	grep -h "^[0-9]*$" "$EM_TMP/c1.log" "$EM_TMP/c2.log" | sort -n >nums &&
	note "c1 took $(grep -c "^[0-9]*$" "$EM_TMP/c1.log"), c2 took $(grep -c "^[0-9]*$" "$EM_TMP/c2.log")" &&
	test "$(wc -l <nums)" = 120 &&
	test -z "$(uniq -d nums)" &&
	seq 1 120 >expect && test_cmp expect nums &&
	test "$("$PROBE" raw-get "$URI" /fw-cnt/next_member)" = 121 &&
	"$PROBE" write "$URI" fw-cnt next >out &&
	test "$(cat out)" = "ok next 121"
'

test_expect_success 'a deposed leader cannot write; its successor can' '
	spawn la "$PROBE" lead "$URI" fw-lead http://a.test:1 "$EM_TMP/a.status" "$EM_TMP/a.go" RUNNING &&
	PA=$SPAWNED_PID &&
	wait_until 20 "grep -q \"^leader .*write=ok\" \"$EM_TMP/a.status\"" &&
	test "$("$PROBE" leader-url "$URI" fw-lead)" = http://a.test:1 &&
	NODE_A=$(sed -n "s/^leader node=\([^ ]*\) .*/\1/p" "$EM_TMP/a.status") &&
	note "A leads with $NODE_A" &&
	spawn lb "$PROBE" lead "$URI" fw-lead http://b.test:2 "$EM_TMP/b.status" "$EM_TMP/b.go" DEAD &&
	PB=$SPAWNED_PID &&
	test_when_finished "stop_pid $PB" &&
	kill -STOP "$PA" &&
	test_when_finished "kill -CONT $PA 2>/dev/null; stop_pid $PA" &&
	"$PROBE" raw-delete "$URI" "$NODE_A" &&
	wait_until 20 "grep -q \"^leader .*write=ok\" \"$EM_TMP/b.status\"" &&
	test "$("$PROBE" leader-url "$URI" fw-lead)" = http://b.test:2 &&
	"$PROBE" load "$URI" fw-lead >out &&
	grep -q "^task t-shared .*state=DEAD" out &&
	touch "$EM_TMP/a.go" &&
	kill -CONT "$PA" &&
	wait_until 20 "grep -q \"^late_\" \"$EM_TMP/a.status\"" &&
	cat "$EM_TMP/a.status" &&
	note "A: $(tail -n 1 "$EM_TMP/a.status")" &&
	grep -q "late_election=E[A-Z]* late_fenced=ESTALE" "$EM_TMP/a.status" &&
	grep -Eq "late_election=(EPERM|ESTALE)" "$EM_TMP/a.status" &&
	"$PROBE" load "$URI" fw-lead >out &&
	grep -q "^task t-shared .*state=DEAD" out &&
	wait_until 10 "! pid_alive $PA" &&
	stop_pid "$PB" &&
	grep late "$EM_TMP/la.log" &&
	! grep -E "Sanitizer|runtime error" "$EM_TMP/la.log" "$EM_TMP/lb.log"
'

test_expect_success 'refusals at once: bad names, no load, no fence, busy, bad records; free with calls in flight' '
	"$PROBE" refuse "$URI" fw-ref 2>err &&
	cat err &&
	! grep -q FAIL err
'

test_expect_success 'reseed records and the teardown tombstone round trip' '
	"$PROBE" write "$URI" fw1 \
		"put-reseed,r-1,{\"v\":1,\"step\":\"DECIDED\"}" \
		"put-reseed,r-1,{\"v\":1,\"step\":\"FENCING\",\"fenced\":[\"etcd-1\",\"etcd-2\"]}" \
		"put-reseed,r-2,{\"v\":1,\"step\":\"DONE\"}" \
		del-reseed,r-2 teardown,operator >out &&
	cat out &&
	test "$(grep -c "^ok " out)" = 5 &&
	"$PROBE" load "$URI" fw1 >out &&
	grep "^reseed " out >got &&
	echo "reseed r-1 {\"v\":1,\"step\":\"FENCING\",\"fenced\":[\"etcd-1\",\"etcd-2\"]}" >expect &&
	test_cmp expect got &&
	test "$(field teardown)" = 1 &&
	test "$("$PROBE" raw-get "$URI" /fw1/teardown)" = operator &&
	test_expect_code 1 "$PROBE" write "$URI" fw1 "put-reseed,r-3,[1]" >out &&
	cat out
'

test_expect_success 'purge after teardown deletes the state, keeps the tombstone, format and counter' '
	test_expect_code 1 "$PROBE" write "$URI" fw-purge put-fwid,fw-9 next \
		put-task,etcd-1_h_1_2_a,etcd-1,RUNNING "put-reseed,r-1,{}" purge >out &&
	cat out &&
	grep -q "^error EPERM refused at once" out &&
	"$PROBE" write "$URI" fw-purge teardown,bye purge >out &&
	"$PROBE" load "$URI" fw-purge >out &&
	cat out &&
	test "$(field framework_id)" = - &&
	test "$(field teardown)" = 1 &&
	test "$(field next_member)" = 2 &&
	! grep -q "^task \|^reseed " out &&
	test "$("$PROBE" raw-get "$URI" /fw-purge/format)" = 1
'

test_expect_success "the original etcd-mesos's nodes are read and reported, never changed" '
	"$PROBE" raw-put "$URI" /etcd_framework_id "20151201-000000-1-5050-1234-0001" &&
	"$PROBE" raw-put "$URI" /etcd_reconciliation "{\"etcd-1448921329 10.0.0.5 31000 31001 31002\":\"20151201-S1\",\"etcd-1448921400 10.0.0.6 31000 31001 31002\":\"20151201-S2\"}" &&
	"$PROBE" load "$URI" etcd >out &&
	cat out &&
	test "$(field "original framework_id")" = 20151201-000000-1-5050-1234-0001 &&
	test "$(field "original reconciliation")" = 1 &&
	grep "^original task " out >got &&
	cat >expect <<-\EOF &&
	original task etcd-1448921329 10.0.0.5 31000 31001 31002 -> 20151201-S1
	original task etcd-1448921400 10.0.0.6 31000 31001 31002 -> 20151201-S2
	EOF
	test_cmp expect got &&
	test "$(field framework_id)" = - &&
	"$PROBE" write "$URI" etcd put-fwid,20151201-000000-1-5050-1234-0001 >/dev/null &&
	test "$("$PROBE" raw-get "$URI" /etcd_framework_id)" = 20151201-000000-1-5050-1234-0001 &&
	"$PROBE" raw-put "$URI" /other_reconciliation "not json" &&
	"$PROBE" load "$URI" other >out &&
	grep -q "^original error /other_reconciliation: not valid JSON" out &&
	! grep -q "^original task" out
'

test_expect_success 'everything is still there after a ZooKeeper restart' '
	"$PROBE" load "$URI" fw1 >before &&
	restart_zookeeper &&
	"$PROBE" load "$URI" fw1 >out &&
	test_cmp before out &&
	grep -q "^task etcd-2_127.0.0.1_2380_2379_b .*state=RUNNING" out
'

test_done
