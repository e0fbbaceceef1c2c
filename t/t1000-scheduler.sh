#!/bin/bash
# The scheduler on mesos-sim with a real ZooKeeper: election and registry,
# the subscription and its stored framework id, a bootstrap that launches
# three members (PLANNED, then LAUNCHED, then ACCEPT), status updates
# written before they are acknowledged, a restart that reconciles without
# duplicate tasks, a standby that serves the admin API read-only and takes
# over at once when the leader gets SIGTERM, which leaves the tasks running.
#
# Part 1 runs the tasks under em-test-executor (t/helpers), fetched in
# place of the executor: it answers LAUNCH with TASK_STARTING and
# TASK_RUNNING, so every Mesos-side path is exercised without etcd.
# Part 2 needs the real executor (cmd/executor) and runs etcd 3.4 itself:
# healthy with three voters, a write read back, a killed etcd healed.
test_description='the scheduler: bootstrap, status, restart, standby, heal'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
TEXE=$EM_BUILD_ROOT/t/em-test-executor
[[ -x $SIM && -x $TEXE ]] || skip_all "mesos-sim or em-test-executor not built"
test_have_prereq ZOOKEEPER || skip_all 'ZooKeeper is not installed'
test_have_prereq CURL || skip_all 'curl is not installed'
command -v jq >/dev/null || skip_all 'jq is not installed'

# The real executor is there once `etcd-mesos executor` does more than
# say that its run loop is missing.
if ! "$EM_BIN" executor </dev/null 2>&1 | grep -q 'not part of this build'; then
	test_set_prereq EXECUTOR
fi

W=$EM_TMP/work
FW=etcd
stats() { curl -s -m 3 "http://127.0.0.1:$1/stats"; }
stat_is() { [[ $(stats "$1" | jq -r "$2") == "$3" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
live_tasks() { sim_state | jq -r '[.frameworks[].tasks[] | select(.state=="TASK_RUNNING")] | length'; }
all_tasks() { sim_state | jq -r '[.frameworks[].tasks[]] | length'; }
zk_tasks() { zk_cli "$ZK" ls "/etcd-mesos/$FW/tasks" 2>/dev/null | grep -o 'etcd-[0-9]*_[^],]*' | sort; }

secs() { awk -v a="$2" -v b="$3" -v w="$1" "BEGIN { printf \"%s: %.1f s\\n\", w, b - a }" >>times; }

sched() { # NAME ADMIN-PORT ARTIFACT-PORT [FLAGS...]
	local name=$1 ap=$2 fp=$3; shift 3
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$ap" -artifact-port="$fp" \
		-health-interval=500ms -member-timeout=3s -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s "$@"
}

test_expect_success 'ZooKeeper and mesos-sim with three agents' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A1=$(free_port 127.0.0.1) && F1=$(free_port 127.0.0.1) &&
	A2=$(free_port 127.0.0.1) && F2=$(free_port 127.0.0.1) &&
	printf "#!/bin/sh\nexec %s run -updates=TASK_STARTING,TASK_RUNNING\n" "$TEXE" >texec &&
	chmod +x texec
'

test_expect_success 'part 1: the leader subscribes and stores its framework id before acting' '
	sched s1 "$A1" "$F1" -executor-bin="$PWD/texec" && S1=$SPAWNED_PID &&
	wait_until 15 "stat_is $A1 .is_leader true" &&
	wait_until 10 "zk_cli $ZK get /etcd-mesos/$FW/framework_id | grep -q -- -0000" &&
	FWID=$(stats $A1 | jq -r .framework_id) &&
	zk_cli $ZK get /etcd-mesos/$FW/framework_id | grep -qF "$FWID" &&
	grep -q "framework id $FWID stored" "$EM_TMP/s1.log"
'

test_expect_success 'bootstrap: three members, one per agent, records written before the ACCEPT' '
	wait_until 20 "test \$(live_tasks) = 3" &&
	test "$(zk_tasks | wc -l)" = 3 &&
	test "$(sim_state | jq -r "[.frameworks[].tasks[].slave_id] | unique | length")" = 3 &&
	grep -q "plan: bootstrap all members as a new cluster" "$EM_TMP/s1.log" &&
	# PLANNED of all three, then each LAUNCHED write precedes its launch line
	test "$(grep -c "planned member etcd-[123] .*initial" "$EM_TMP/s1.log")" = 3 &&
	test "$(grep -c "^I.*launching member etcd-" "$EM_TMP/s1.log")" = 3
'

test_expect_success 'the executor'"'"'s updates bring every record to RUNNING' '
	T=$(zk_tasks | head -1) &&
	zk_cli $ZK get "/etcd-mesos/$FW/tasks/$T" | grep -q "\"state\":\"RUNNING\"" &&
	test "$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")] | length")" = 3 &&
	test "$(stats $A1 | jq -r .launched_servers)" = 3
'

test_expect_success 'status updates are acknowledged (none resent forever)' '
	sleep 2 &&
	n1=$(grep -c "status TASK_RUNNING" "$EM_TMP/s1.log") && sleep 2 &&
	test "$(grep -c "status TASK_RUNNING" "$EM_TMP/s1.log")" = "$n1"
'

test_expect_success 'a standby serves the admin API read-only and names the leader' '
	sched s2 "$A2" "$F2" -executor-bin="$PWD/texec" && S2=$SPAWNED_PID &&
	wait_until 10 "stat_is $A2 .is_leader false" &&
	wait_until 10 "stats $A2 | jq -r .reason | grep -q \"http://127.0.0.1:$A1\"" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$A2/reseed") &&
	test "$code" = 503
'

test_expect_success 'SIGTERM: the leader exits 0, leaves the tasks running, the standby takes over at once' '
	kill -TERM $S1 && wait_until 10 "! pid_alive $S1" &&
	grep -q "closing the ZooKeeper session" "$EM_TMP/s1.log" &&
	grep -q "scheduler stopped (exit status 0)" "$EM_TMP/s1.log" &&
	test "$(live_tasks)" = 3 &&
	wait_until 5 "stat_is $A2 .is_leader true" &&
	wait_until 10 "grep -q \"reconciled: Mesos has answered for every one of the 3\" \"$EM_TMP/s2.log\"" &&
	test "$(stats $A2 | jq -r .framework_id)" = "$FWID"
'

test_expect_success 'the new leader reconciles: no duplicate task, no new member' '
	sleep 3 &&
	test "$(all_tasks)" = 3 && test "$(live_tasks)" = 3 &&
	test "$(zk_tasks | wc -l)" = 3 &&
	! grep -q "plan: bootstrap" "$EM_TMP/s2.log" &&
	! grep -q "launching member" "$EM_TMP/s2.log"
'

test_expect_success 'a task lost with its agent is recorded DEAD and counted as failed' '
	T=$(sim_state | jq -r ".frameworks[].tasks[0].id") &&
	A=$(sim_state | jq -r ".frameworks[].tasks[0].slave_id") &&
	curl -s -X POST "http://127.0.0.1:$C/agent/kill?id=$A" >/dev/null &&
	wait_until 20 "grep -q \"member etcd-[0-9]* ($T) is gone\" \"$EM_TMP/s2.log\"" &&
	wait_until 5 "zk_cli $ZK get /etcd-mesos/$FW/tasks/$T | grep -q \"\\\"state\\\":\\\"DEAD\\\"\"" &&
	test "$(stats $A2 | jq -r .failed_servers)" -ge 1 &&
	curl -s -X POST "http://127.0.0.1:$C/agent/restart?id=$A" >/dev/null
'

test_expect_success 'SIGTERM of the last scheduler exits 0 and leaves the rest running' '
	n=$(live_tasks) && kill -TERM $S2 && wait_until 10 "! pid_alive $S2" &&
	grep -q "scheduler stopped (exit status 0)" "$EM_TMP/s2.log" &&
	test "$(live_tasks)" = "$n"
'

test_expect_success 'teardown: tombstone, tasks killed, framework gone, state deleted, exit 0' '
	sched s5 "$A1" "$F1" -executor-bin="$PWD/texec" && S5=$SPAWNED_PID &&
	wait_until 15 "stat_is $A1 .is_leader true && grep -q \"reconciled:\" \"$EM_TMP/s5.log\"" &&
	test "$(stats $A1 | jq -r .framework_id)" = "$FWID" &&
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$A1/teardown") &&
	test "$code" = 202 && jq -e ".teardown == \"started\"" out &&
	wait_until 15 "! pid_alive $S5" &&
	grep -q "scheduler stopped (exit status 0)" "$EM_TMP/s5.log" &&
	test "$(live_tasks)" = 0 &&
	sim_state | jq -e "[.completed_frameworks[].id] | index(\"$FWID\")" &&
	zk_cli $ZK stat /etcd-mesos/$FW/teardown >/dev/null 2>&1 &&
	! zk_cli $ZK stat /etcd-mesos/$FW/framework_id >/dev/null 2>&1 &&
	test -z "$(zk_tasks)"
'

test_expect_success 'a scheduler started on a torn-down framework exits 0 and says why' '
	sched s6 "$A1" "$F1" -executor-bin="$PWD/texec" && S6=$SPAWNED_PID &&
	wait_until 15 "! pid_alive $S6" &&
	grep -q "was torn down" "$EM_TMP/s6.log" &&
	grep -q "scheduler stopped (exit status 0)" "$EM_TMP/s6.log"
'

test_expect_success 'crash right after a LAUNCHED write (no ACCEPT): the restart voids it, no duplicates' '
	FW=etcdc &&
	EM_CRASH_AT=launched sched c1 "$A1" "$F1" -framework-name=etcdc -executor-bin="$PWD/texec" &&
	C1=$SPAWNED_PID && wait_until 10 "grep -q \"crash point\" \"$EM_TMP/c1.log\"" &&
	if grep -q "this build has no crash points" "$EM_TMP/c1.log"; then
		kill $C1; note "built without -Dcrash_points: skipped"
	else
		wait_until 20 "! pid_alive $C1" &&
		grep -q "crash point launched reached" "$EM_TMP/c1.log" &&
		! grep -q "^I.*launching member" "$EM_TMP/c1.log" &&
		T=$(zk_tasks | head -1) && test -n "$T" &&
		sched c2 "$A1" "$F1" -framework-name=etcdc -executor-bin="$PWD/texec" && C2=$SPAWNED_PID &&
		wait_until 30 "grep -q \"reconciled:\" \"$EM_TMP/c2.log\"" &&
		grep -q "status TASK_LOST for $T" "$EM_TMP/c2.log" &&
		wait_until 20 "grep -q \"its bootstrap is void\" \"$EM_TMP/c2.log\"" &&
		wait_until 20 "members $A1 | jq -e \"[.[] | select(.state==\\\"RUNNING\\\")] | length >= 1\"" &&
		! members $A1 | jq -r ".[].taskID" | grep -qF "$T" &&
		test "$(sim_state | jq -r "[.frameworks[] | select(.name==\"etcdc\") | .tasks[], .completed_tasks[] | select(.id==\"$T\")] | length")" = 0 &&
		ids=$(sim_state | jq -r ".frameworks[] | select(.name==\"etcdc\") | .tasks[].id") &&
		test "$(echo "$ids" | sort | uniq -d)" = "" &&
		kill -TERM $C2 && wait_until 10 "! pid_alive $C2"
	fi
'

test_expect_success 'Mesos removed the framework: its id is forgotten, a new framework starts' '
	FW=etcdr &&
	sched r1 "$A1" "$F1" -framework-name=etcdr -failover-timeout-seconds=1 \
		-executor-bin="$PWD/texec" && R1=$SPAWNED_PID &&
	wait_until 15 "grep -q \"framework id .* stored\" \"$EM_TMP/r1.log\"" &&
	OLD=$(stats $A1 | jq -r .framework_id) && test -n "$OLD" &&
	kill -TERM $R1 && wait_until 10 "! pid_alive $R1" &&
	wait_until 10 "sim_state | jq -e \"[.completed_frameworks[].id] | index(\\\"$OLD\\\")\"" &&
	sched r2 "$A1" "$F1" -framework-name=etcdr -failover-timeout-seconds=1 \
		-executor-bin="$PWD/texec" && R2=$SPAWNED_PID &&
	wait_until 15 "grep -q \"has been removed\" \"$EM_TMP/r2.log\"" &&
	wait_until 15 "stats $A1 | jq -e \".framework_id != null and .framework_id != \\\"$OLD\\\"\"" &&
	NEW=$(stats $A1 | jq -r .framework_id) &&
	zk_cli $ZK get /etcd-mesos/etcdr/framework_id | grep -qF "$NEW" &&
	kill -TERM $R2 && wait_until 10 "! pid_alive $R2"
'

# ---- part 2: the real executor runs etcd ----

test_expect_success EXECUTOR 'part 2: fresh framework with the real executor: healthy with 3 running' '
	FW=etcd2 &&
	T0=$(date +%s.%N) &&
	sched s3 "$A1" "$F1" -framework-name=etcd2 && S3=$SPAWNED_PID &&
	wait_until 60 "stat_is $A1 .healthy 1 && stat_is $A1 .running_servers 3" &&
	T1=$(date +%s.%N) &&
	secs "bootstrap to healthy" "$T0" "$T1"
'

test_expect_success EXECUTOR '/reseed?dry_run=1 ranks the members; a reseed of a healthy cluster is refused' '
	curl -s -X POST "http://127.0.0.1:$A1/reseed?dry_run=1" >rank &&
	jq -e ".dry_run == true and (.ranking | length) == 3 and .would_force != null" rank &&
	jq -e ".ranking[0].raft_index >= .ranking[2].raft_index" rank &&
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$A1/reseed") &&
	test "$code" = 409 && grep -q "the cluster is healthy" out
'

test_expect_success EXECUTOR 'a write through one member reads back through another' '
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	etcdctl_run --endpoints="${U%%,*}" put k1 v1 &&
	test "$(etcdctl_run --endpoints="${U##*,}" get --print-value-only k1)" = v1
'

# pid of the process whose command line names 127.0.0.1:PORT (etcd's URLs)
etcd_pid() { local p; for p in $(pgrep -x etcd); do
	tr "\0" " " </proc/$p/cmdline 2>/dev/null | grep -q "127.0.0.1:$1\b" && echo $p; done | head -1; }
# the executor whose sandbox belongs to task T
exec_pid() { local p; for p in $(pgrep -f etcd-mesos-executor); do
	readlink /proc/$p/cwd 2>/dev/null | grep -qF "/executors/$1/" && echo $p; done | head -1; }

test_expect_success EXECUTOR 'a killed etcd process is healed; the key is still there' '
	CP=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].clientPort") &&
	P=$(etcd_pid $CP) && test -n "$P" &&
	T0=$(date +%s.%N) && kill -KILL "$P" &&
	wait_until 5 "! pid_alive $P" &&
	wait_until 60 "test -n \"\$(etcd_pid $CP)\" && stat_is $A1 .healthy 1 && stat_is $A1 .running_servers 3" &&
	T1=$(date +%s.%N) && secs "etcd kill to healthy" "$T0" "$T1" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1
'

test_expect_success EXECUTOR 'a task that dies is replaced by a new member; the key is still there' '
	T=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].taskID") &&
	N=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].name") &&
	CP=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].clientPort") &&
	P=$(exec_pid "$T") && test -n "$P" && E=$(etcd_pid $CP) &&
	T0=$(date +%s.%N) && kill -KILL "$P" ${E:+"$E"} &&
	wait_until 30 "grep -q \"member $N ($T) is gone\" \"$EM_TMP/s3.log\"" &&
	wait_until 90 "grep -q \"member $N removed from etcd\" \"$EM_TMP/s3.log\" && stat_is $A1 .healthy 1 && stat_is $A1 .running_servers 3 && test \$(members $A1 | jq -r \"[.[] | select(.state==\\\"RUNNING\\\" and .learner==false)] | length\") = 3" &&
	T1=$(date +%s.%N) && secs "task death to 3 healthy voters" "$T0" "$T1" &&
	! members $A1 | jq -r ".[].taskID" | grep -qF "$T" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1
'

test_expect_success EXECUTOR 'a hung member (SIGSTOP) is judged dead after -member-timeout and replaced' '
	R=$(members $A1 | jq -c "[.[] | select(.state==\"RUNNING\" and .leader==false)][0]") &&
	T=$(echo "$R" | jq -r .taskID) && N=$(echo "$R" | jq -r .name) &&
	E=$(etcd_pid $(echo "$R" | jq -r .clientPort)) && test -n "$E" &&
	T0=$(date +%s.%N) && kill -STOP "$E" &&
	test_when_finished "kill -CONT $E 2>/dev/null || :" &&
	wait_until 30 "grep -q \"member $N judged dead\" \"$EM_TMP/s3.log\"" &&
	wait_until 90 "! members $A1 | jq -r \".[].taskID\" | grep -qF \"$T\" && stat_is $A1 .healthy 1 && test \$(members $A1 | jq -r \"[.[] | select(.state==\\\"RUNNING\\\" and .learner==false)] | length\") = 3" &&
	T1=$(date +%s.%N) && secs "hung member to 3 healthy voters (member-timeout 3s)" "$T0" "$T1" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1
'

test_expect_success EXECUTOR 'a restarted scheduler reconciles: no duplicate task, no extra member' '
	kill -TERM $S3 && wait_until 10 "! pid_alive $S3" &&
	sched s4 "$A1" "$F1" -framework-name=etcd2 && S4=$SPAWNED_PID &&
	wait_until 30 "stat_is $A1 .healthy 1 && stat_is $A1 .running_servers 3" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	! grep -q "launching member" "$EM_TMP/s4.log"
'

test_expect_success EXECUTOR 'a running task the registry lost is adopted, not duplicated' '
	T=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].taskID") && test -n "$T" &&
	kill -TERM $S4 && wait_until 10 "! pid_alive $S4" &&
	zk_cli $ZK delete "/etcd-mesos/etcd2/tasks/$T" >/dev/null 2>&1 &&
	! zk_tasks | grep -qF "$T" &&
	sched s4b "$A1" "$F1" -framework-name=etcd2 -reconcile-interval=2s && S4=$SPAWNED_PID &&
	wait_until 30 "grep -q \"adopting task $T\" \"$EM_TMP/s4b.log\"" &&
	wait_until 20 "stat_is $A1 .healthy 1 && stat_is $A1 .running_servers 3" &&
	zk_tasks | grep -qF "$T" &&
	! grep -q "planned member" "$EM_TMP/s4b.log" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3
'

test_expect_success EXECUTOR 'a restart with -cluster-size=5 grows one learner at a time to five voters' '
	kill -TERM $S4 && wait_until 10 "! pid_alive $S4" &&
	T0=$(date +%s.%N) &&
	sched s5g "$A1" "$F1" -framework-name=etcd2 -cluster-size=5 -single-instance-per-slave=false &&
	S5=$SPAWNED_PID &&
	wait_until 90 "stat_is $A1 .healthy 1 && test \$(members $A1 | jq -r \"[.[] | select(.state==\\\"RUNNING\\\" and .learner==false)] | length\") = 5" &&
	T1=$(date +%s.%N) && secs "grow 3 to 5 voters" "$T0" "$T1" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 5 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1
'

test_expect_success EXECUTOR 'a restart with -cluster-size=3 shrinks back to three voters' '
	kill -TERM $S5 && wait_until 10 "! pid_alive $S5" &&
	sched s6s "$A1" "$F1" -framework-name=etcd2 -cluster-size=3 -single-instance-per-slave=false &&
	S6=$SPAWNED_PID &&
	wait_until 90 "stat_is $A1 .healthy 1 && test \$(members $A1 | jq -r \"[.[] | select(.state==\\\"RUNNING\\\")] | length\") = 3 && test \$(members $A1 | jq length) = 3" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1
'

test_expect_success EXECUTOR 'reseed after quorum loss: every member fenced, the best forced, grown back' '
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	I0=$(members $A1 | jq "[.[].raftIndex] | max") &&
	etcdctl_run --endpoints="$U" put k2 v2 &&
	# --force-new-cluster drops the WAL entries past the commit index the
	# survivor has persisted ("discarding uncommitted WAL entries"), which
	# can be the last write even though a quorum acknowledged it: k2 is
	# followed by two more writes, and only k2 is checked. The last
	# samples must have seen them everywhere: a frozen member is ranked by
	# its last sample (SAFETY.md section 4: the best known, not the best).
	etcdctl_run --endpoints="$U" put pad1 x && etcdctl_run --endpoints="$U" put pad2 x &&
	wait_until 10 "members $A1 | jq -e \"[.[] | select(.state==\\\"RUNNING\\\") | .raftIndex] | (min > $I0) and (unique | length == 1)\"" &&
	P1=$(etcd_pid $(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][0].clientPort")) &&
	P2=$(etcd_pid $(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\")][1].clientPort")) &&
	test -n "$P1" && test -n "$P2" && kill -STOP $P1 $P2 &&
	test_when_finished "kill -CONT $P1 $P2 2>/dev/null || :" &&
	wait_until 30 "stat_is $A1 .healthy 0 && stats $A1 | jq -r .reason | grep -q quorum" &&
	test "$(stats $A1 | jq -r .cluster_livelocks)" -ge 1 &&
	T0=$(date +%s.%N) &&
	code=$(curl -s -o out -w "%{http_code}" -X POST "http://127.0.0.1:$A1/reseed") &&
	test "$code" = 202 && RID=$(jq -r .reseed_id out) &&
	code=$(curl -s -o out2 -w "%{http_code}" -X POST "http://127.0.0.1:$A1/reseed") &&
	{ test "$code" = 409 || grep -q "healthy" out2; } &&
	wait_until 120 "stat_is $A1 .healthy 1 && test \$(members $A1 | jq -r \"[.[] | select(.state==\\\"RUNNING\\\" and .learner==false)] | length\") = 3" &&
	T1=$(date +%s.%N) && secs "reseed to 3 healthy voters" "$T0" "$T1" &&
	! pid_alive $P1 && ! pid_alive $P2 &&
	grep -q "reseed $RID: forcing" "$EM_TMP/s6s.log" &&
	test "$(grep -c "reseed $RID: .* fenced" "$EM_TMP/s6s.log")" -ge 3 &&
	test "$(stats $A1 | jq -r .cluster_reseeds)" = 1 &&
	zk_cli $ZK get /etcd-mesos/etcd2/reseed/$RID | grep -q "\"step\":\"done\"" &&
	U=$(members $A1 | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")") &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k1)" = v1 &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only k2)" = v2 &&
	kill -TERM $S6 && wait_until 10 "! pid_alive $S6"
'

[[ -f times ]] && note "measured: $(cat times)"
test_done
