#!/bin/bash
# The integration-test library itself: TAP and cleanup machinery (through
# child scripts), free_port, wait_until, ZooKeeper, an etcd cluster under
# failures and a partition, and that nothing outlives a failed test.
. "$(dirname "$0")/test-lib.sh"

now_ms() {
	echo $(( ${EPOCHREALTIME/[.,]/} / 1000 ))
}

# count_procs PATTERN: how many live processes have a command line
# (arguments joined by spaces) matching the glob PATTERN.
count_procs() {
	local f n=0 args
	for f in /proc/[0-9]*/cmdline; do
		pid_alive "$(basename "$(dirname "$f")")" || continue
		mapfile -d '' -t args 2>/dev/null <"$f" || continue
		[[ "${args[*]}" == $1 ]] && n=$(( n + 1 ))
	done
	echo "$n"
}

# child NAME: runs $EM_TMP/NAME.sh (written by the caller) as a test
# script of its own; its TAP output is in NAME.out, its status in NAME.rc.
# Its temporary directory lives inside ours.
child() {
	TMPDIR=$EM_TMP bash "$EM_TMP/$1.sh" >"$EM_TMP/$1.out" 2>"$EM_TMP/$1.err"
	echo $? >"$EM_TMP/$1.rc"
	cat "$EM_TMP/$1.out"
}

write_child() {
	{
		echo '#!/bin/bash'
		echo '. "$EM_SOURCE_ROOT/t/test-lib.sh"'
		cat
	} >"$EM_TMP/$1.sh"
}

# ---------------------------------------------------------------- TAP
test_expect_success 'TAP lines: pass, fail with diagnostics, skip, TODO, plan' '
	write_child tap <<-\EOF &&
	test_expect_success "passes" "true"
	test_expect_success "fails" "echo before && false && echo after"
	test_expect_success NO_SUCH_PREREQ "needs what is missing" "false"
	test_expect_failure "a known breakage" "false"
	test_skip "skipped by hand" "no reason"
	test_done
	EOF
	child tap &&
	printf "%s\n" "ok 1 - passes" "not ok 2 - fails" \
		"#   failed: false (exit status 1)" "#   test body:" \
		"#	echo before && false && echo after" \
		"#   output (last 80 lines):" "#	before" \
		"ok 3 # skip needs what is missing (missing NO_SUCH_PREREQ)" \
		"not ok 4 - a known breakage # TODO known breakage" \
		"ok 5 # skip skipped by hand (no reason)" "1..5" >tap.expect &&
	test_cmp tap.expect tap.out &&
	test "$(cat tap.rc)" = 1
'

test_expect_success 'test_when_finished runs after a failure, last first; test_atexit at the end' '
	export LOG=$EM_TMP/cleanup.log &&
	write_child cleanup <<-\EOF &&
	test_expect_success "fails" "
		test_atexit \"echo atexit >>$LOG\" &&
		test_when_finished \"echo finish-1 >>$LOG\" &&
		test_when_finished \"echo finish-2 >>$LOG\" &&
		echo body >>$LOG && false && echo never >>$LOG"
	test_expect_success "next" "echo next >>$LOG"
	test_expect_success "failing cleanup fails the test" "test_when_finished false"
	test_done
	EOF
	child cleanup &&
	printf "%s\n" body finish-2 finish-1 next atexit >cleanup.expect &&
	test_cmp cleanup.expect cleanup.log &&
	grep -x "not ok 1 - fails" cleanup.out &&
	grep -x "ok 2 - next" cleanup.out &&
	grep -x "not ok 3 - failing cleanup fails the test" cleanup.out &&
	grep -x "#   failed: test_when_finished (exit status 1)" cleanup.out &&
	test "$(cat cleanup.rc)" = 1
'

test_expect_success 'a script that stops early bails out and exits non-zero' '
	write_child early <<-\EOF &&
	test_expect_success "passes" "true"
	exit 0
	EOF
	child early &&
	grep "^Bail out! .* stopped before test_done" early.out &&
	test "$(cat early.rc)" = 1
'

# ------------------------------------------------------ free_port, waits
test_expect_success 'free_port: 40 distinct ports in range, none in use' '
	ports=() &&
	for i in $(seq 40); do ports+=("$(free_port 127.0.0.1)") || return 1; done &&
	test "$(printf "%s\n" "${ports[@]}" | sort -u | wc -l)" = 40 &&
	for p in "${ports[@]}"; do
		test "$p" -ge 20000 && test "$p" -le 31999 || return 1
	done &&
	in_use=" $(_em_ports_in_use | tr "\n" " ") " &&
	for p in "${ports[@]}"; do
		[[ $in_use != *" $p "* ]] || return 1
	done
'

test_expect_success 'wait_until: true at once, false times out on time' '
	t0=$(now_ms) && wait_until 5 true && t1=$(now_ms) &&
	test $(( t1 - t0 )) -lt 1000 &&
	t0=$(now_ms) &&
	! wait_until 1 "echo still waiting; false" 2>wait.err &&
	t1=$(now_ms) &&
	echo "false for 1s took $(( t1 - t0 )) ms" &&
	test $(( t1 - t0 )) -ge 1000 && test $(( t1 - t0 )) -lt 2500 &&
	grep "gave up after 1s waiting for: echo still waiting; false" wait.err &&
	grep "still waiting" wait.err
'

test_expect_success 'wait_until: returns soon after the condition turns true' '
	spawn toucher bash -c "sleep 0.5 && touch $EM_TMP/flag" &&
	t0=$(now_ms) && wait_until 10 "test -e flag" && t1=$(now_ms) &&
	echo "took $(( t1 - t0 )) ms" &&
	test $(( t1 - t0 )) -ge 400 && test $(( t1 - t0 )) -lt 3000
'

# ------------------------------------------------------------- ZooKeeper
test_expect_success ZOOKEEPER 'start_zookeeper: ruok, srvr Mode, address and pid' '
	start_zookeeper &&
	[[ $ZK =~ ^127\.0\.0\.1:[0-9]+$ ]] &&
	test "$(cat /proc/$ZK_PID/comm)" = java &&
	test "$(zk_cmd $ZK ruok)" = imok &&
	zk_cmd $ZK srvr >srvr.out &&
	grep -x "Mode: standalone" srvr.out &&
	env | grep -x "ZK=$ZK" && env | grep -x "ZK_PID=$ZK_PID"
'

test_expect_success ZOOKEEPER 'free_port skips a port in use and ports handed out' '
	zkport=${ZK##*:} &&
	(
		base=$EM_TMP &&
		EM_TMP=$(mktemp -d -p "$base") &&
		EM_PORT_MIN=$zkport EM_PORT_MAX=$zkport &&
		! free_port 2>err &&
		grep "no free port in $zkport..$zkport" err &&
		EM_PORT_MIN=20000 EM_PORT_MAX=31999 &&
		q=$(free_port) &&
		EM_PORT_MIN=$q EM_PORT_MAX=$q &&
		! free_port &&
		EM_TMP=$(mktemp -d -p "$base") &&
		test "$(free_port)" = "$q"
	)
'

test_expect_success ZOOKEEPER,NFT 'at_addr: connections leave from the given address' '
	at_addr 127.0.0.50 bash -c "
		exec 3<>/dev/tcp/${ZK%:*}/${ZK##*:} &&
		ss -Htn state established \"( sport = :${ZK##*:} )\"" >ss.out &&
	cat ss.out &&
	grep "127\.0\.0\.50\]*:[0-9]" ss.out
'

# connect_from ADDR HOST:PORT: 0 connected, 124 hung (dropped), else refused
connect_from() {
	at_addr "$1" timeout 2 bash -c "exec 3<>/dev/tcp/${2%:*}/${2##*:}"
}

# listen_on ADDR: a TCP listener there (python3); prints ADDR:PORT
listen_on() {
	spawn "lsn-$1" python3 -c "import socket, time
s = socket.socket(); s.bind((\"$1\", 0)); s.listen(64)
open(\"lsn-$1.port\", \"w\").write(str(s.getsockname()[1])); time.sleep(120)" &&
	wait_until 10 "test -s lsn-$1.port" && echo "$1:$(cat "lsn-$1.port")"
}

test_expect_success NFT 'cut_traffic drops both ways between two sets only; heal_traffic restores' '
	test_when_finished heal_traffic &&
	command -v python3 &&
	L51=$(listen_on 127.0.0.51) && L54=$(listen_on 127.0.0.54) &&
	connect_from 127.0.0.51 $L54 && connect_from 127.0.0.54 $L51 &&
	cut_traffic "127.0.0.51 127.0.0.53" "127.0.0.54,127.0.0.56/31" &&
	test_expect_code 124 connect_from 127.0.0.51 $L54 &&
	test_expect_code 124 connect_from 127.0.0.54 $L51 &&
	test_expect_code 124 connect_from 127.0.0.57 $L51 &&
	test_expect_code 124 connect_from 127.0.0.53 $L54 &&
	connect_from 127.0.0.53 $L51 && connect_from 127.0.0.56 $L54 &&
	connect_from 127.0.0.52 $L51 && connect_from 127.0.0.52 $L54 &&
	connect_from 127.0.0.1 $L51 && connect_from 127.0.0.1 $L54 &&
	heal_traffic &&
	connect_from 127.0.0.51 $L54 && connect_from 127.0.0.54 $L51 &&
	connect_from 127.0.0.57 $L51
'

test_expect_success NFT 'identity_gid and sim_agent_flags: a process in that group leaves from the address' '
	g=$(identity_gid 127.0.0.61) && test "$g" = $(( 200000 + 61 )) &&
	test "$(identity_gid 127.0.0.61)" = "$g" &&
	test "$(sim_agent_flags 127.0.0.61 127.0.1.2)" = "-agent-ips=127.0.0.61,127.0.1.2 -agent-gids=$g,$(( 200000 + 256 + 2 ))" &&
	! identity_gid 10.0.0.1 &&
	setpriv --regid=$g --clear-groups bash -c "
		exec 3<>/dev/tcp/${ZK%:*}/${ZK##*:} &&
		ss -Htn state established \"( sport = :${ZK##*:} )\"" >ss61.out &&
	grep "127\.0\.0\.61\]*:[0-9]" ss61.out
'

test_expect_success ZOOKEEPER 'restart_zookeeper keeps data and port' '
	zk_cli $ZK create /t0100 hello &&
	old_zk=$ZK old_pid=$ZK_PID &&
	restart_zookeeper &&
	test "$ZK" = "$old_zk" && test "$ZK_PID" != "$old_pid" &&
	! pid_alive $old_pid &&
	zk_cli $ZK get /t0100 >get.out &&
	grep -x hello get.out
'

test_expect_success ZOOKEEPER 'stop_zookeeper leaves no java process' '
	stop_zookeeper &&
	test "$(count_procs "*java*")" = 0 &&
	test -z "$ZK_PID" &&
	! zk_cmd $ZK ruok
'

# ------------------------------------------------------------------ etcd
test_expect_success ETCD 'start_etcd_cluster 3: healthy, put/get, arrays' '
	test_when_finished "unset ETCD_NAME ETCD_DATA_DIR ETCDCTL_ENDPOINTS" &&
	export ETCD_NAME=stray ETCD_DATA_DIR=/nonexistent/stray \
		ETCDCTL_ENDPOINTS=http://127.0.0.1:1 &&
	t0=$(now_ms) && start_etcd_cluster 3 && t1=$(now_ms) &&
	echo "3 members healthy after $(( t1 - t0 )) ms" &&
	test "$etcd_n" = 3 &&
	for i in 1 2 3; do
		etcd_member_healthy $i &&
		pid_alive ${etcd_pid[i]} &&
		test "${etcd_name[i]}" = etcd$i &&
		test -d "${etcd_dir[i]}/member" &&
		test "${etcd_client[i]}" != "${etcd_peer[i]}" || return 1
	done &&
	test "$(printf "%s\n" "${etcd_ip[@]}" | sort -u | wc -l)" = 3 &&
	test "$EM_ETCD_ENDPOINTS" = "$etcd_endpoints" &&
	test "$(etcdctl_run member list | grep -c ", started, ")" = 3 &&
	etcd_put k1 v1 &&
	for i in 1 2 3; do
		test "$(etcd_get k1 --endpoints=${etcd_client[i]})" = v1 || return 1
	done
'

test_expect_success ETCD 'the cluster serves with 2/3 after a kill; the member comes back' '
	kill_etcd_member 3 &&
	! pid_alive ${etcd_pid[3]} &&
	two=${etcd_client[1]},${etcd_client[2]} &&
	t0=$(now_ms) &&
	wait_until 20 "etcd_put k2 v2 --endpoints=$two" &&
	echo "2/3 took a write after $(( $(now_ms) - t0 )) ms" &&
	test "$(etcd_get k2 --endpoints=$two)" = v2 &&
	start_etcd_member 3 &&
	wait_until 10 "test \"\$(etcd_get k2 --endpoints=${etcd_client[3]} --consistency=s)\" = v2"
'

test_expect_success ETCD 'with 2 of 3 members stopped, a write times out' '
	test_when_finished "cont_etcd_member 2; cont_etcd_member 3" &&
	stop_etcd_member 2 && stop_etcd_member 3 &&
	grep "^State:.*stopped" /proc/${etcd_pid[2]}/status &&
	t0=$(now_ms) &&
	! EM_ETCDCTL_TIMEOUT=2s etcd_put k3 v3 --endpoints=${etcd_client[1]} 2>put.err &&
	t1=$(now_ms) &&
	echo "the write failed after $(( t1 - t0 )) ms" && cat put.err &&
	grep -E "deadline exceeded|request timed out" put.err &&
	test $(( t1 - t0 )) -ge 1900 && test $(( t1 - t0 )) -lt 6000 &&
	cont_etcd_member 2 && cont_etcd_member 3 &&
	wait_until 20 "etcd_put k3 v3 --endpoints=${etcd_client[1]}"
'

test_expect_success ETCD,NFT 'a cut isolates member 1; healing brings it back' '
	test_when_finished heal_traffic &&
	cut_traffic "${etcd_ip[1]}" "${etcd_ip[2]},${etcd_ip[3]}" &&
	t0=$(now_ms) &&
	wait_until 20 "! etcd_member_healthy 1" &&
	echo "member 1 unhealthy after $(( $(now_ms) - t0 )) ms" &&
	http_get ${etcd_client[1]}/health | grep "\"health\":\"false\"" &&
	wait_until 20 "etcd_member_healthy 2 && etcd_member_healthy 3" &&
	etcd_put k4 v4 --endpoints=${etcd_client[2]},${etcd_client[3]} &&
	test -z "$(etcd_get k4 --endpoints=${etcd_client[1]} --consistency=s)" &&
	heal_traffic &&
	t0=$(now_ms) &&
	wait_until 30 "etcd_member_healthy 1" &&
	echo "member 1 healthy after $(( $(now_ms) - t0 )) ms" &&
	wait_until 10 "test \"\$(etcd_get k4 --endpoints=${etcd_client[1]} --consistency=s)\" = v4"
'

test_expect_success ETCD 'add_etcd_member joins a 4th member as existing' '
	add_etcd_member &&
	test "$etcd_n" = 4 &&
	etcd_member_healthy 4 &&
	grep "\"initial-cluster-state\":\"existing\"" "$EM_TMP/etcd4.log" &&
	test "$(etcdctl_run member list | grep -c ", started, ")" = 4 &&
	etcd_put k5 v5 --endpoints=${etcd_client[4]} &&
	test "$(etcd_get k5 --endpoints=${etcd_client[1]})" = v5
'

# --------------------------------------------- nothing outlives a failure
test_expect_success ZOOKEEPER,ETCD 'a failing child script leaves no process, table or directory' '
	export OUT=$EM_TMP/leftovers &&
	write_child leftovers <<-\EOF &&
	test_expect_success "start things" "
		start_zookeeper &&
		start_etcd_cluster 1 e &&
		spawn --at 127.0.0.99 sleeper sleep 1001 &&
		{ ! test_have_prereq NFT || cut_traffic 127.0.0.98 127.0.0.97; } &&
		{ sleep 1002 & } &&
		{ bash -c \"sleep 1003 & wait\" & } &&
		echo \$ZK_PID \${e_pid[1]} \$SPAWNED_PID >$OUT.pids &&
		echo \$EM_TMP >$OUT.dir &&
		echo \$_em_nft_table >$OUT.table"
	test_expect_success "fails" "false"
	test_done
	EOF
	child leftovers &&
	grep -x "ok 1 - start things" leftovers.out &&
	grep -x "not ok 2 - fails" leftovers.out &&
	test "$(cat leftovers.rc)" = 1 &&
	read -ra pids <$OUT.pids && test ${#pids[@]} = 3 &&
	for p in "${pids[@]}"; do ! pid_alive $p || return 1; done &&
	test "$(count_procs "sleep 100[123]")" = 0 &&
	test "$(count_procs "*java*")" = 0 &&
	test "$(count_procs "etcd --name e1 *")" = 0 &&
	! test -e "$(cat $OUT.dir)" &&
	{ ! test_have_prereq NFT || ! nft list tables | grep -w "$(cat $OUT.table)"; }
'

test_expect_success ETCD 'a child stopped by SIGTERM mid-test cleans up' '
	export OUT=$EM_TMP/term &&
	write_child term <<-\EOF &&
	test_expect_success "waits forever" "
		start_etcd_cluster 1 e &&
		spawn sleeper sleep 1004 &&
		echo \${e_pid[1]} \$SPAWNED_PID >$OUT.pids &&
		echo \$\$ >$OUT.pid &&
		echo \$EM_TMP >$OUT.dir &&
		wait_until 60 false"
	test_done
	EOF
	{ child term >/dev/null & } &&
	wait_until 20 "test -s $OUT.dir" &&
	t0=$(now_ms) && kill -TERM "$(cat $OUT.pid)" &&
	wait_until 10 "test -s term.rc" &&
	echo "stopped in $(( $(now_ms) - t0 )) ms" &&
	test "$(cat term.rc)" = 143 &&
	grep "^Bail out! .* stopped before test_done (exit status 143)" term.out &&
	grep -x "# stopped during test 1 - waits forever; its output so far:" term.out &&
	read -ra pids <$OUT.pids &&
	for p in "${pids[@]}"; do ! pid_alive $p || return 1; done &&
	test "$(count_procs "sleep 1004")" = 0 &&
	! test -e "$(cat $OUT.dir)"
'

test_expect_success 'a SIGKILLed test takes its namespace and processes with it' '
	export OUT=$EM_TMP/ns &&
	write_child ns <<-\EOF &&
	test_expect_success "waits forever" "
		test \$\$ = 1 &&
		spawn sleeper sleep 1005 &&
		{ sleep 1006 & } &&
		touch $OUT.ready &&
		wait_until 60 false"
	test_done
	EOF
	{ env -u EM_ISOLATED TMPDIR=$EM_TMP bash "$EM_TMP/ns.sh" >ns.out 2>&1 & } &&
	upid=$! &&
	wait_until 20 "test -e $OUT.ready" &&
	test "$(count_procs "sleep 100[56]")" = 2 &&
	kill -KILL $upid &&
	wait_until 10 "test \$(count_procs \"sleep 100[56]\") = 0"
'

test_done
