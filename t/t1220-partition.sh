#!/bin/bash
# Network partitions: mesos-sim's five agents on their own addresses
# (127.0.0.2-6; each agent's executor and etcd send from it, see
# sim_agent_flags), the scheduler on 127.0.0.20 (spawn --at), ZooKeeper and
# the sim's master on 127.0.0.1, and nft drop rules between them.
#
#   - a member cut off from the other members and from the scheduler is
#     judged dead (its peers report it inactive) and replaced while its
#     agent stays registered (the time is noted; README has the measured
#     numbers); its task is killed through Mesos;
#   - a scheduler cut off from every member replaces nothing;
#   - an agent partitioned with its member (nft cut plus the sim's
#     /agent/disconnect, so the KILL cannot reach it) comes back with its
#     task still running: that task is killed, no fourth member;
#   - two members cut off from the scheduler and from the third member
#     while their agents stay registered: the scheduler sees a livelock
#     (it reaches only the third, whose linearizable read fails), fences
#     all three through their executors (etcd killed, answered through
#     Mesos) before any etcd starts with --force-new-cluster (checked by a
#     100 ms process monitor), forces the best ranked, and grows back to
#     three; the two others are killed and leave the membership.
test_description='partitions: members and the scheduler cut off with nftables'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster
test_have_prereq NFT || skip_all 'nft and setpriv are needed for partitions'

FW=etcdpart
MT=8                       # -member-timeout, seconds (>= ~7: see test 3)
SCHED_IP=127.0.0.20
AGENT_IPS=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6)
stats() { curl -s -m 3 "http://127.0.0.1:$A1/stats"; }
stat_is() { [[ $(stats | jq -r "$1") == "$2" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$A1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
voters() { members | jq -r '[.[] | select(.state=="RUNNING" and .learner==false)] | length'; }
urls() { members | jq -r '[.[] | select(.state=="RUNNING") | .clientURL] | join(",")'; }
etcd_names() { etcdctl_run --endpoints="$(urls)" member list -w json | jq -r '.members[].name' | sort | tr '\n' ' '; }
task_state() { sim_state | jq -r ".frameworks[] | (.tasks[], .completed_tasks[]) | select(.id==\"$1\") | .state"; }
healed_without() {
	! members | jq -r '.[] | select(.state=="RUNNING") | .taskID' | grep -qF "$1" &&
	stat_is .healthy 1 && test "$(voters)" = 3
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# pid of the etcd of member NAME (its argv names it), empty if none
etcd_pid_of() { pgrep -f -- "^[^ ]*etcd .*--name=$1( |\$)" | head -1; }
# the running members as "name host taskID" lines
running() { members | jq -r '.[] | select(.state=="RUNNING") | "\(.name) \(.host) \(.taskID) \(.leader)"'; }

test_expect_success 'ZooKeeper, mesos-sim with five agents on 127.0.0.2-6, the scheduler on 127.0.0.20' '
	start_zookeeper &&
	AFLAGS=$(sim_agent_flags "${AGENT_IPS[@]}") && note "sim $AFLAGS" &&
	spawn sim "$SIM" -work-dir="$W" -agents=5 $AFLAGS -port-file=ports \
		-allocation-interval=200ms -status-update-retry-min=300ms -status-update-retry-max=1s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	test "$(sim_state | jq -r "[.slaves[].hostname] | join(\" \")")" = "${AGENT_IPS[*]}" &&
	A1=$(free_port) && F1=$(free_port) &&
	spawn --at $SCHED_IP s1 "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A1" -artifact-port="$F1" \
		-health-interval=500ms -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s -member-timeout=${MT}s -reseed-timeout=4 &&
	S1=$SPAWNED_PID
'

test_expect_success 'three healthy voters, each advertised and serving on its own agent address' '
	wait_until 60 "stat_is .healthy 1 && test \$(voters) = 3" &&
	running >run && cat run &&
	test "$(cut -d" " -f2 run | sort -u | wc -l)" = 3 &&
	while read -r n h t l; do
		[[ " ${AGENT_IPS[*]} " == *" $h "* ]] || return 1
	done <run &&
	etcdctl_run --endpoints="$(urls)" member list -w json >ml &&
	test "$(jq -r ".members[].peerURLs[]" ml | sed "s|http://||; s|:.*||" | sort -u | wc -l)" = 3 &&
	! jq -r ".members[].peerURLs[], .members[].clientURLs[]" ml | grep -q "127\.0\.0\.1:" &&
	ss -Htn state established | grep -q "$SCHED_IP" &&
	etcdctl_run --endpoints="$(urls)" put k1 v1
'

# The peers notice a silent member only when their raft stream times out
# (5 s in etcd 3.4); until then they report it up, which holds the verdict
# (see cluster/health.h). So a cut is judged at max(member-timeout, ~5.3 s
# + freshness): -member-timeout=8s here, where that floor does not matter.
test_expect_success 'a member cut off from its peers and the scheduler: judged dead from etcd and replaced, its task killed' '
	read -r N H T _ < <(running | awk "\$4 == \"false\"" | head -1) && test -n "$T" &&
	OTHERS=$(running | awk -v n="$N" "\$1 != n { print \$2 }" | tr "\n" " ") &&
	note "cutting $N ($H) off from $OTHERS and $SCHED_IP" &&
	test_when_finished heal_traffic &&
	cut_traffic "$H" "$OTHERS $SCHED_IP" && T0=$(date +%s.%N) &&
	wait_until 40 "healed_without $T" &&
	T1=$(date +%s.%N) && CUT_S=$(elapsed "$T0" "$T1") &&
	echo "member cut off to 3 healthy voters: $CUT_S s (member-timeout ${MT}s)" >>times &&
	note "cut to 3 healthy voters in $CUT_S s (the speed is measured by scripts/bench, not here)" &&
	grep "member $N judged dead" "$EM_TMP/s1.log" | tail -1 >dead.line && cat dead.line &&
	grep -q "peers reporting it down: " dead.line &&
	grep -q "agent [^ ]*: no new member there" "$EM_TMP/s1.log" &&
	NAMES=$(etcd_names) && test "$(echo $NAMES | wc -w)" = 3 &&
	! echo " $NAMES " | grep -q " $N " &&
	! running | awk "{ print \$2 }" | grep -qx "$H" &&
	wait_until 20 "test \"\$(task_state $T)\" = TASK_KILLED" &&
	wait_until 10 "test -z \"\$(etcd_pid_of $N)\"" &&
	heal_traffic && sleep 3 &&
	test "$(etcd_names)" = "$NAMES" && test "$(voters)" = 3 &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k1)" = v1
'

test_expect_success 'the scheduler cut off from every member (only its traffic): nothing replaced' '
	JD=$(grep -c "judged dead" "$EM_TMP/s1.log") &&
	PLANNED=$(grep -c "planned member" "$EM_TMP/s1.log") &&
	NAMES=$(etcd_names) &&
	HOSTS=$(running | awk "{ print \$2 }" | tr "\n" " ") &&
	test_when_finished heal_traffic &&
	cut_traffic "$SCHED_IP" "$HOSTS" &&
	wait_until 10 "stat_is .healthy 0" &&
	sleep $((2 * MT + 2)) &&
	test "$(grep -c "judged dead" "$EM_TMP/s1.log")" = "$JD" &&
	test "$(grep -c "planned member" "$EM_TMP/s1.log")" = "$PLANNED" &&
	! grep -q "reseed [^ ]* started" "$EM_TMP/s1.log" &&
	etcdctl_run --endpoints="$(urls)" put k2 v2 &&
	heal_traffic &&
	wait_until 20 "stat_is .healthy 1 && test \$(voters) = 3" &&
	test "$(etcd_names)" = "$NAMES" &&
	test "$(grep -c "judged dead" "$EM_TMP/s1.log")" = "$JD"
'

agent_of_task() { sim_state | jq -r ".frameworks[].tasks[] | select(.id==\"$1\") | .slave_id"; }
agent_call() { curl -sf -X POST "http://127.0.0.1:$C/agent/$1?id=$2" >/dev/null; }

test_expect_success 'an agent partitioned with its member (cut, and cut off from the master): replaced; back with its task, that task is killed' '
	read -r N H T _ < <(running | awk "\$4 == \"false\"" | head -1) && test -n "$T" &&
	AG=$(agent_of_task $T) && test -n "$AG" && P=$(etcd_pid_of $N) && test -n "$P" &&
	OTHERS=$(running | awk -v n="$N" "\$1 != n { print \$2 }" | tr "\n" " ") &&
	NAMES0=$(etcd_names) &&
	test_when_finished "heal_traffic; agent_call reconnect $AG || :" &&
	agent_call disconnect $AG && cut_traffic "$H" "$OTHERS $SCHED_IP" &&
	wait_until 40 "healed_without $T" &&
	grep -q "member $N judged dead" "$EM_TMP/s1.log" &&
	NAMES=$(etcd_names) && ! echo " $NAMES " | grep -q " $N " &&
	sleep 2 && pid_alive $P && test "$(task_state $T)" = TASK_RUNNING &&
	note "$N replaced; its etcd (pid $P) still runs behind the partition" &&
	heal_traffic && agent_call reconnect $AG &&
	wait_until 30 "test \"\$(task_state $T)\" = TASK_KILLED" &&
	wait_until 10 "! pid_alive $P" &&
	test "$(etcd_names)" = "$NAMES" && test "$(voters)" = 3 &&
	test "$(members | jq "[.[] | select(.state==\"RUNNING\")] | length")" = 3 &&
	stat_is .healthy 1
'

test_expect_success 'a majority cut off from the scheduler and the survivor: every old etcd fenced before the force' '
	running >run && cat run &&
	read -r NS HS TS _ < <(head -1 run) &&
	read -r NA HA TA _ < <(sed -n 2p run) &&
	read -r NB HB TB _ < <(sed -n 3p run) &&
	PS=$(etcd_pid_of $NS) && PA=$(etcd_pid_of $NA) && PB=$(etcd_pid_of $NB) &&
	test -n "$PS" && test -n "$PA" && test -n "$PB" &&
	note "survivor $NS ($HS, pid $PS); cut off: $NA ($HA, pid $PA), $NB ($HB, pid $PB)" &&
	etcdctl_run --endpoints="$(urls)" put k3 v3 &&
	# every 100 ms: which old etcd lives, which etcd runs --force-new-cluster
	spawn monitor bash -c "while :; do
		f=\$(pgrep -f -- \"[-]-force-new-cluster\" | head -1)
		s=0; kill -0 $PS 2>/dev/null && s=1
		a=0; kill -0 $PA 2>/dev/null && a=1
		b=0; kill -0 $PB 2>/dev/null && b=1
		echo \"\$(date +%s%3N) \$s \$a \$b \${f:-0}\"; sleep 0.1; done" &&
	MON=$SPAWNED_PID && test_when_finished "stop_pid $MON" &&
	test_when_finished heal_traffic &&
	cut_traffic "$HA $HB" "$HS $SCHED_IP" && T0=$(date +%s.%N) &&
	wait_until 20 "grep -q \"livelock: \" \"$EM_TMP/s1.log\"" &&
	wait_until 60 "grep -q \"reseed [^ ]*: forcing \" \"$EM_TMP/s1.log\"" &&
	FORCED=$(sed -n "s/.*reseed [^ ]*: forcing \([^ ]*\) .*/\1/p" "$EM_TMP/s1.log" | head -1) &&
	note "forced: $FORCED" &&
	wait_until 30 "test \"\$(awk \"\\\$5 != 0\" monitor.log | wc -l)\" -ge 1" &&
	awk "\$5 != 0" monitor.log | head -1 >first-force && cat first-force &&
	read -r tf s a b f <first-force && test "$s$a$b" = 000 &&
	grep -E "reseed [^ ]*: ($NS|$NA|$NB) fenced" "$EM_TMP/s1.log" >fenced && cat fenced &&
	test "$(wc -l <fenced)" = 3 &&
	wait_until 60 "grep -q \"reseed [^ ]*: $FORCED serves as a healthy one-member cluster\" \"$EM_TMP/s1.log\"" &&
	T1=$(date +%s.%N) &&
	echo "majority cut off to a forced one-member cluster: $(elapsed "$T0" "$T1") s (reseed-timeout 4 s)" >>times
'

test_expect_success 'after the heal: only the forced member of the old three runs etcd; back to three voters, no old member in the list' '
	heal_traffic &&
	for n in $NS $NA $NB; do
		if test "$n" = "$FORCED"; then test -n "$(etcd_pid_of $n)"; else test -z "$(etcd_pid_of $n)"; fi || return 1
	done &&
	wait_until 120 "stat_is .healthy 1 && test \$(voters) = 3" &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k3)" = v3 &&
	etcdctl_run --endpoints="$(urls)" member list -w json >ml &&
	test "$(jq -r ".members[].name" ml | grep -cxE "$NS|$NA|$NB")" = 1 &&
	jq -r ".members[].name" ml | grep -qx "$FORCED" &&
	etcdctl_run --endpoints="$(urls)" put k4 v4
'

# exec_signal TASK SIG: signal the executor process of TASK (not its etcd)
exec_signal() {
	local q
	q=$(sim_state | jq -r ".frameworks[] | .id as \$fw | .tasks[] | select(.id==\"$1\") | \"agent=\(.slave_id)&framework=\(\$fw)&executor=\(.executor_id)\"") &&
	test -n "$q" &&
	curl -sf -X POST "http://127.0.0.1:$C/executor/signal?$q&sig=$2" >/dev/null
}

test_expect_success 'a cut-off majority whose executors hang: killed through Mesos; no force, no kill of their etcd, while unconfirmed' '
	running >run2 && cat run2 &&
	read -r NS HS TS _ < <(head -1 run2) &&
	read -r NA HA TA _ < <(sed -n 2p run2) &&
	read -r NB HB TB _ < <(sed -n 3p run2) &&
	PA=$(etcd_pid_of $NA) && PB=$(etcd_pid_of $NB) && test -n "$PA" && test -n "$PB" &&
	FORCES=$(grep -c "reseed [^ ]*: forcing " "$EM_TMP/s1.log") &&
	STARTS=$(grep -c "reseed [^ ]* started" "$EM_TMP/s1.log") &&
	# an etcd forced before keeps the flag in its argv: only new ones count
	OLDF=$(pgrep -f -- "[-]-force-new-cluster" | tr "\n" " ") &&
	spawn monitor2 bash -c "while :; do
		f=\$(pgrep -f -- \"[-]-force-new-cluster\" | grep -vwE \"^(${OLDF// /|}0)\$\" | head -1)
		a=0; kill -0 $PA 2>/dev/null && a=1
		b=0; kill -0 $PB 2>/dev/null && b=1
		echo \"\$(date +%s%3N) \$a \$b \${f:-0}\"; sleep 0.1; done" &&
	MON2=$SPAWNED_PID &&
	exec_signal $TA STOP && exec_signal $TB STOP &&
	cut_traffic "$HA $HB" "$HS $SCHED_IP" &&
	wait_until 40 "test \$(grep -c \"reseed [^ ]* started\" \"$EM_TMP/s1.log\") -gt $STARTS" &&
	wait_until 30 "grep -qE \"reseed [^ ]*: killing ($NA|$NB) through Mesos\" \"$EM_TMP/s1.log\"" &&
	sleep 8 &&
	test "$(grep -c "reseed [^ ]*: forcing " "$EM_TMP/s1.log")" = "$FORCES" &&
	! awk "\$4 != 0" monitor2.log | grep -q . &&
	pid_alive $PA && pid_alive $PB
'

# When the executors resume they answer the fence and then obey the KILL:
# a member whose task was killed is never a candidate (it was, and the
# force went to an executor that no longer existed).
test_expect_success 'the executors resume: every old etcd gone before the force; back to three voters' '
	test_when_finished "stop_pid $MON2; heal_traffic" &&
	exec_signal $TA CONT && exec_signal $TB CONT &&
	wait_until 30 "test \$(grep -c \"reseed [^ ]*: forcing \" \"$EM_TMP/s1.log\") -gt $FORCES" &&
	wait_until 30 "awk \"\\\$4 != 0\" monitor2.log | grep -q ." &&
	awk "\$4 != 0" monitor2.log | head -1 >first-force2 && cat first-force2 &&
	read -r tf a b f <first-force2 && test "$a$b" = 00 &&
	heal_traffic &&
	wait_until 60 "stat_is .healthy 1 && test \$(voters) = 3" &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k4)" = v4
'

test_expect_success 'executors that stay hung: after two unconfirmed kills Mesos shuts them down; then the force' '
	running >run3 && cat run3 &&
	read -r NS HS TS _ < <(head -1 run3) &&
	read -r NA HA TA _ < <(sed -n 2p run3) &&
	read -r NB HB TB _ < <(sed -n 3p run3) &&
	test_when_finished "exec_signal $TA CONT; exec_signal $TB CONT; heal_traffic" &&
	SHUTS=$(grep -c "asking Mesos to shut its executor down" "$EM_TMP/s1.log" || :) &&
	exec_signal $TA STOP && exec_signal $TB STOP &&
	cut_traffic "$HA $HB" "$HS $SCHED_IP" &&
	wait_until 90 "test \$(grep -c \"asking Mesos to shut its executor down\" \"$EM_TMP/s1.log\") -gt $SHUTS" &&
	wait_until 60 "test \"\$(task_state $TA)\" != TASK_RUNNING && test \"\$(task_state $TB)\" != TASK_RUNNING" &&
	wait_until 60 "test -z \"\$(etcd_pid_of $NA)\" && test -z \"\$(etcd_pid_of $NB)\"" &&
	heal_traffic &&
	wait_until 120 "stat_is .healthy 1 && test \$(voters) = 3" &&
	test "$(etcdctl_run --endpoints="$(urls)" get --print-value-only k4)" = v4
'

test_expect_success 'the scheduler stops' '
	exec_signal $TA CONT; exec_signal $TB CONT; heal_traffic &&
	kill -TERM $S1 && wait_until 10 "! pid_alive $S1"
'

[[ -f times ]] && note "measured: $(cat times)"
test_done
