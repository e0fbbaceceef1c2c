#!/bin/bash
# The executor program (etcd-mesos executor, run as ./etcd-mesos-executor
# fetched into the sandbox) launched by mesos-sim's agent with the real
# etcd 3.4, driven by t/helpers/em-test-scheduler.c (-status-data): STARTING then RUNNING only
# once etcd is healthy, restart in place, a crash loop ending in
# TASK_FAILED with etcd's lines, KILL, SIGKILL of the executor, invalid
# and too-new task data, and a 3-member cluster that loses two members and
# is reseeded through fence and force framework messages.
test_description='the executor: one etcd member under Mesos'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
SCHED=$EM_BUILD_ROOT/t/em-test-scheduler
[[ -x $SIM && -x $SCHED ]] || skip_all "mesos-sim or em-test-scheduler not built"
test_have_prereq BIN || skip_all 'the etcd-mesos binary is not built'
test_have_prereq ETCD || skip_all 'etcd 3.4 is not installed'
test_have_prereq CURL || skip_all 'curl is not installed'

W=$EM_TMP/work
LOG=$EM_TMP/sched.out
mkdir -p "$EM_TMP/bin" && ln -sf "$EM_BIN" "$EM_TMP/bin/etcd-mesos-executor"
ETCD=$(command -v etcd) ETCDCTL=$(command -v etcdctl)

cmd() { local IFS=$'\t'; printf '%s\n' "$*" >&"$CMD_FD"; }
has() { grep -Eq -- "$1" "$LOG"; }
count() { grep -Ec -- "$1" "$LOG"; }
sandbox() { ls -d "$W"/agent*/slaves/*/frameworks/*/executors/"$1"/runs/latest 2>/dev/null | head -n 1; }
exec_err() { cat "$(sandbox "$1")/stderr" 2>/dev/null; }
upd() { grep -E -- "^UPDATE task=$1 state=$2 " "$LOG"; }

# member_json NAME IP PEER CLIENT STATE PEERS-JSON [EXTRA]
member_json() {
	printf '{"v":1,"name":"%s","cluster_token":"etcd-mesos-t0900","host":"%s","listen_address":"%s",' "$1" "$2" "$2"
	printf '"peer_port":%s,"client_port":%s,"initial_cluster":%s,"initial_state":"%s","learner":false,' "$3" "$4" "$6" "$5"
	printf '"data_dir":"etcd_data","data_dir_on_volume":false%s}' "${7:-}"
}
# new_member NAME: sets IP_NAME PEER_NAME CLIENT_NAME
new_member() {
	local ip
	ip=$(free_ip) || return 1
	eval "IP_$1=$ip PEER_$1=$(free_port "$ip") CLIENT_$1=$(free_port "$ip")"
}
peer_of() { eval "echo \"{\\\"name\\\":\\\"$1\\\",\\\"peer_url\\\":\\\"http://\$IP_$1:\$PEER_$1\\\"}\""; }
ep_of() { eval "echo http://\$IP_$1:\$CLIENT_$1"; }
# launch TASK EXEC DATA [executor flags...]: our executor, etcd fetched too
launch() {
	local task=$1 ex=$2 data=$3 o a=(arg=etcd-mesos-executor arg=-logtostderr); shift 3
	for o in "$@"; do a+=("arg=$o"); done
	cmd launch "$task" "$ex" cmd=etcd-mesos-executor shell=0 "${a[@]}" \
		"uri=file://$EM_TMP/bin/etcd-mesos-executor|exec" "uri=file://$ETCD|exec" \
		"uri=file://$ETCDCTL|exec" "data=$data" grace=3
}
launch_member() { # TASK EXEC NAME PEERS-JSON [flags]
	local t=$1 e=$2 n=$3 p=$4; shift 4
	launch "$t" "$e" "$(member_json "$n" "$(eval echo \$IP_$n)" "$(eval echo \$PEER_$n)" \
		"$(eval echo \$CLIENT_$n)" new "$p")" "$@"
}
# etcd_pid NAME: the live etcd started with --name=NAME
etcd_pid() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' <"$f" 2>/dev/null | grep -q -- "--name=$1 " || continue
		f=${f%/cmdline}; echo "${f#/proc/}"; return 0
	done
	return 1
}
no_etcd_named() { ! etcd_pid "$1" >/dev/null; }
healthy() { curl -sf -m 2 "$1/health" | grep -q '"health":"true"'; }
ectl() { local ep=$1; shift; etcdctl_run --endpoints="$ep" "$@"; }
# executor_pid EXEC: from its glog lines (the thread id column is the pid)
executor_pid() { exec_err "$1" | awk '/ executor_task\.c:[0-9]+\]/{print $3; exit}'; }

test_expect_success 'mesos-sim and a scheduler' '
	spawn sim "$SIM" -work-dir="$W" -agents=3 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s \
		-executor-shutdown-grace-period=5s -recovery-timeout=4s &&
	SIM_PID=$SPAWNED_PID &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) &&
	mkfifo cmds && exec {CMD_FD}<>cmds &&
	spawn sched bash -c "exec \"\$0\" \"\$@\" <cmds >$LOG" "$SCHED" 127.0.0.1:$M -checkpoint -status-data &&
	SCHED_PID=$SPAWNED_PID &&
	wait_until 10 "has \"^SUBSCRIBED fw=\" && has \"^OFFERS n=\""
'

test_expect_success 'LAUNCH: TASK_STARTING at once, TASK_RUNNING only once etcd is healthy' '
	new_member a1 && EP=$(ep_of a1) &&
	launch_member t1 E1 a1 "[$(peer_of a1)]" &&
	wait_until 30 "upd t1 TASK_STARTING >/dev/null" &&
	early=0 end=$((SECONDS + 60)) &&
	while ! upd t1 TASK_RUNNING >/dev/null && ((SECONDS < end)); do
		healthy "$EP" || early=$((early + 1)); sleep 0.05
	done &&
	upd t1 TASK_RUNNING && healthy "$EP" &&
	note "health probes failing before RUNNING: $early" &&
	test "$(grep -nE "^UPDATE task=t1 state=TASK_STARTING" "$LOG" | head -1 | cut -d: -f1)" -lt \
	     "$(grep -nE "^UPDATE task=t1 state=TASK_RUNNING" "$LOG" | head -1 | cut -d: -f1)" &&
	upd t1 TASK_STARTING | grep -q "source=SOURCE_EXECUTOR" &&
	upd t1 TASK_RUNNING | grep -Eq "data=\{\"v\":1,\"member_id\":\"[1-9][0-9]*\",\"raft_index\":\"[0-9]+\".*\"learner\":false.*\"state\":\"running\"" &&
	upd t1 TASK_RUNNING | grep -Eq "\"applied_index\":\"[1-9][0-9]*\"" &&
	test -d "$(sandbox E1)/etcd_data/member" && test -s "$(sandbox E1)/etcd.log"
'

test_expect_success 'etcd killed: restarted in place, same member id, the key kept' '
	ectl "$EP" put k1 v1 >/dev/null &&
	ID1=$(upd t1 TASK_RUNNING | head -1 | sed -n "s/.*\"member_id\":\"\([0-9]*\)\".*/\1/p") &&
	P1=$(etcd_pid a1) && kill -KILL "$P1" &&
	wait_until 30 "test \$(upd t1 TASK_RUNNING | wc -l) -ge 3" &&
	upd t1 TASK_RUNNING | grep -q "\"state\":\"restarting\"" &&
	upd t1 TASK_RUNNING | tail -1 | grep -q "\"member_id\":\"$ID1\".*\"state\":\"running\"" &&
	P2=$(etcd_pid a1) && test "$P1" != "$P2" &&
	test "$(ectl "$EP" get --print-value-only k1)" = v1
'

test_expect_success 'status and fence answers; unknown ops and bad JSON get error answers' '
	cmd message E1 "{\"v\":1,\"op\":\"status\",\"id\":\"s1\"}" &&
	wait_until 10 "has \"^MESSAGE exec=E1 data=.*\\\"op\\\":\\\"status\\\".*\\\"id\\\":\\\"s1\\\"\"" &&
	grep "^MESSAGE exec=E1 .*\"op\":\"status\"" "$LOG" | grep -q "\"member_id\":\"$ID1\".*\"state\":\"running\"" &&
	cmd message E1 "{\"v\":1,\"op\":\"frobnicate\",\"id\":\"q9\"}" &&
	wait_until 10 "has \"^MESSAGE exec=E1 data=.*frobnicate.*\\\"error\\\":\"" &&
	cmd message E1 "not json" &&
	wait_until 10 "has \"^MESSAGE exec=E1 data=\\{\\\"v\\\":1,\\\"op\\\":\\\"\\?\\\",\\\"answer\\\":true,\\\"error\\\"\"" &&
	cmd message E1 "{\"v\":7,\"op\":\"status\"}" &&
	wait_until 10 "has \"^MESSAGE exec=E1 data=.*executor too old for this scheduler\"" &&
	upd t1 TASK_RUNNING | tail -1 | grep -q "\"state\":\"running\"" &&
	pid_alive "$(executor_pid E1)"
'

test_expect_success 'snapshot: etcdctl snapshot save into the sandbox, answered with size and revision' '
	cmd message E1 "{\"v\":1,\"op\":\"snapshot\",\"id\":\"sn1\"}" &&
	wait_until 30 "has \"^MESSAGE exec=E1 data=.*\\\"op\\\":\\\"snapshot\\\"\"" &&
	S=$(grep "^MESSAGE exec=E1 data=.*\"op\":\"snapshot\"" "$LOG" | head -1) && note "$S" &&
	echo "$S" | grep -q "\"id\":\"sn1\",\"path\":\"snapshots/a1.db\"" &&
	size=$(echo "$S" | sed -n "s/.*\"size\":\"\([0-9]*\)\".*/\1/p") &&
	test "$size" = "$(stat -c %s "$(sandbox E1)/snapshots/a1.db")" &&
	echo "$S" | grep -Eq "\"revision\":\"[1-9][0-9]*\""
'

test_expect_success 'KILL: TASK_KILLED, no etcd left, the executor exits 0' '
	XP=$(executor_pid E1) && test -n "$XP" &&
	cmd kill t1 &&
	wait_until 20 "upd t1 TASK_KILLED >/dev/null" &&
	no_etcd_named a1 &&
	wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=E1 status=0\"" &&
	! pid_alive "$XP" &&
	exec_err E1 | grep -q "etcd stopped (etcd ended by signal 15\|etcd stopped (etcd exited with status 0"
'

test_expect_success 'SIGKILL of the executor: its etcd does not outlive it' '
	new_member a2 &&
	launch_member t2 E2 a2 "[$(peer_of a2)]" &&
	wait_until 30 "upd t2 TASK_RUNNING >/dev/null" &&
	EP2=$(etcd_pid a2) && XP=$(executor_pid E2) && test -n "$XP" &&
	kill -KILL "$XP" &&
	wait_until 10 "! pid_alive $EP2" && no_etcd_named a2 &&
	wait_until 15 "upd t2 TASK_FAILED >/dev/null"
'

test_expect_success 'crash loop (data dir is a file): TASK_FAILED with the exit status and etcd lines' '
	new_member a3 && : >"$EM_TMP/notadir" &&
	launch t3 E3 "$(member_json a3 $IP_a3 $PEER_a3 $CLIENT_a3 new "[$(peer_of a3)]" | sed "s|\"data_dir\":\"etcd_data\",\"data_dir_on_volume\":false|\"data_dir\":\"$EM_TMP/notadir\",\"data_dir_on_volume\":true|")" \
		-launch-timeout=3s &&
	wait_until 40 "upd t3 TASK_FAILED >/dev/null" &&
	upd t3 TASK_FAILED | grep -q "source=SOURCE_EXECUTOR" &&
	upd t3 TASK_FAILED | grep -qi "exit" &&
	upd t3 TASK_FAILED | grep -q "not a directory" &&
	! upd t3 TASK_RUNNING | grep -q "\"state\":\"running\"" &&
	no_etcd_named a3 &&
	wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=E3 status=256\""
'

test_expect_success 'invalid task data: TASK_FAILED naming the field' '
	new_member a4 &&
	launch t4 E4 "$(member_json a4 $IP_a4 $PEER_a4 $CLIENT_a4 new "[$(peer_of a4)]" | sed "s/\"name\":\"a4\",//")" &&
	wait_until 30 "upd t4 TASK_FAILED >/dev/null" &&
	upd t4 TASK_FAILED | grep -q "reason=REASON_TASK_INVALID .*msg=task data: .*name" &&
	no_etcd_named a4 &&
	launch t5 E5 "not json at all" &&
	wait_until 30 "upd t5 TASK_FAILED >/dev/null" &&
	upd t5 TASK_FAILED | grep -q "msg=task data: "
'

test_expect_success 'a higher contract version: the exact too-old message' '
	launch t6 E6 "$(member_json a4 $IP_a4 $PEER_a4 $CLIENT_a4 new "[$(peer_of a4)]" | sed "s/\"v\":1/\"v\":2/")" &&
	wait_until 30 "upd t6 TASK_FAILED >/dev/null" &&
	upd t6 TASK_FAILED | grep -q "msg=executor too old for this scheduler: upgrade the executor URI data=" &&
	no_etcd_named a4
'

test_expect_success 'three members as three tasks: RUNNING once the cluster forms; keys written' '
	new_member m1 && new_member m2 && new_member m3 &&
	PEERS="[$(peer_of m1),$(peer_of m2),$(peer_of m3)]" &&
	launch_member r1 R1 m1 "$PEERS" && launch_member r2 R2 m2 "$PEERS" &&
	launch_member r3 R3 m3 "$PEERS" &&
	wait_until 60 "upd r1 TASK_RUNNING && upd r2 TASK_RUNNING && upd r3 TASK_RUNNING" >/dev/null &&
	for i in 1 2 3 4 5; do ectl "$(ep_of m1)" put key$i val$i >/dev/null || return 1; done &&
	test "$(ectl "$(ep_of m3)" get --print-value-only key5)" = val5
'

test_expect_success 'two members killed; fence answers the survivor'"'"'s raft position' '
	cmd kill r2 && cmd kill r3 &&
	wait_until 20 "upd r2 TASK_KILLED && upd r3 TASK_KILLED" >/dev/null &&
	no_etcd_named m2 && no_etcd_named m3 &&
	! EM_ETCDCTL_TIMEOUT=2s ectl "$(ep_of m1)" put nope x >/dev/null 2>&1 &&
	cmd message R1 "{\"v\":1,\"op\":\"fence\",\"reseed_id\":\"r-1\",\"id\":\"f1\"}" &&
	wait_until 15 "has \"^MESSAGE exec=R1 data=.*\\\"op\\\":\\\"fence\\\",\\\"answer\\\":true\"" &&
	F=$(grep "^MESSAGE exec=R1 data=.*\"op\":\"fence\"" "$LOG" | head -1) && note "$F" &&
	echo "$F" | grep -q "\"reseed_id\":\"r-1\"" && echo "$F" | grep -q "\"id\":\"f1\"" &&
	echo "$F" | grep -q "\"fenced\":true" && echo "$F" | grep -q "\"has_data\":true" &&
	echo "$F" | grep -Eq "\"from\":\"(etcd|last-sample)\"" &&
	echo "$F" | grep -Eq "\"member_id\":\"[1-9][0-9]*\"" &&
	echo "$F" | grep -Eq "\"raft_index\":\"[1-9][0-9]*\"" &&
	echo "$F" | grep -Eq "\"raft_term\":\"[1-9][0-9]*\"" &&
	echo "$F" | grep -Eq "\"applied_index\":\"[0-9]+\"" &&
	wait_until 10 "upd r1 TASK_RUNNING | grep -q \"\\\"answer\\\":{.*\\\"op\\\":\\\"fence\\\"\"" &&
	no_etcd_named m1
'

test_expect_success 'force on the survivor: a healthy one-member cluster with every key' '
	cmd message R1 "{\"v\":1,\"op\":\"force\",\"reseed_id\":\"r-1\"}" &&
	wait_until 60 "has \"^MESSAGE exec=R1 data=.*\\\"op\\\":\\\"force\\\".*\\\"state\\\":\\\"healthy\\\"\"" &&
	has "^MESSAGE exec=R1 data=.*\"op\":\"force\".*\"state\":\"starting\"" &&
	healthy "$(ep_of m1)" &&
	test "$(ectl "$(ep_of m1)" member list | wc -l)" = 1 &&
	for i in 1 2 3 4 5; do
		test "$(ectl "$(ep_of m1)" get --print-value-only key$i)" = val$i || return 1
	done &&
	ectl "$(ep_of m1)" put after-reseed yes >/dev/null &&
	n=$(grep -c "^MESSAGE exec=R1 data=.*\"op\":\"force\"" "$LOG") &&
	cmd message R1 "{\"v\":1,\"op\":\"force\",\"reseed_id\":\"r-1\"}" &&
	wait_until 10 "test \$(grep -c \"^MESSAGE exec=R1 data=.*\\\"op\\\":\\\"force\\\"\" \"$LOG\") -gt $n" &&
	grep "^MESSAGE exec=R1 data=.*\"op\":\"force\"" "$LOG" | tail -1 | grep -q "\"state\":\"healthy\"" &&
	test "$(ectl "$(ep_of m1)" get --print-value-only after-reseed)" = yes
'

test_expect_success 'SHUTDOWN: TASK_KILLED, the executor exits 0, no etcd left' '
	cmd shutdown R1 &&
	wait_until 20 "upd r1 TASK_KILLED >/dev/null" && no_etcd_named m1 &&
	wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=R1 status=0\""
'

test_expect_success 'SIGTERM to the executor: etcd stopped, TASK_KILLED, exit 0' '
	new_member a6 &&
	launch_member t8 E8 a6 "[$(peer_of a6)]" &&
	wait_until 30 "upd t8 TASK_RUNNING >/dev/null" &&
	XP=$(executor_pid E8) && kill -TERM "$XP" &&
	wait_until 15 "upd t8 TASK_KILLED >/dev/null" && no_etcd_named a6 &&
	wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=E8 status=0\""
'

test_expect_success 'agent restart: etcd keeps running, the executor re-subscribes' '
	C=$(sed -n "s/^control=//p" ports) &&
	new_member a5 &&
	launch_member t7 E7 a5 "[$(peer_of a5)]" &&
	wait_until 30 "upd t7 TASK_RUNNING >/dev/null" &&
	P5=$(etcd_pid a5) && XP7=$(executor_pid E7) &&
	sleep 6 && echo "executor $(grep -E "^(VmRSS|VmHWM)" /proc/$XP7/status | tr -s " \t" " " | tr "\n" " ")while supervising (binary $EM_BIN)" >rss.txt &&
	agent=$(upd t7 TASK_RUNNING | head -1 | sed -n "s/.* agent=\([^ ]*\) .*/\1/p") &&
	curl -sf -X POST "http://127.0.0.1:$C/agent/restart?id=$agent" >/dev/null &&
	wait_until 15 "test \$(exec_err E7 | grep -c \"subscribed to agent\") -ge 2" &&
	test "$(etcd_pid a5)" = "$P5" && pid_alive "$XP7" &&
	cmd message E7 "{\"v\":1,\"op\":\"status\",\"id\":\"after-restart\"}" &&
	wait_until 10 "has \"^MESSAGE exec=E7 data=.*after-restart.*running\"" &&
	! upd t7 "TASK_(LOST|GONE|FAILED)"
'

[[ -s rss.txt ]] && note "$(cat rss.txt)"

test_expect_success 'the agent gone past the recovery timeout: etcd stopped, the executor exits 1' '
	kill -KILL "$SIM_PID" &&
	wait_until 20 "! pid_alive $XP7" &&
	no_etcd_named a5 &&
	exec_err E7 | grep -q "giving up on the agent (recovery-timeout\|giving up on the agent" &&
	exec_err E7 | grep -q "executor exits with status 1"
'

test_expect_success 'the scheduler stops; no sanitizer reports' '
	cmd quit; wait_until 10 "! pid_alive $SCHED_PID" &&
	! grep -l "AddressSanitizer\|LeakSanitizer\|runtime error" sched.log \
		"$W"/agent*/slaves/*/frameworks/*/executors/*/runs/*/stderr
'

test_done
