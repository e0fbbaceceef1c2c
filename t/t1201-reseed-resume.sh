#!/bin/bash
# A reseed resumed after the scheduler dies at each of its steps
# (SAFETY.md section 4; crash points from -Dcrash_points=true, armed with
# EM_CRASH_AT, listed in cmd/scheduler/sched.h). Each round: the scheduler
# runs with one reseed crash point armed, two of three etcd processes are
# frozen (SIGSTOP), the automatic reseed starts and the scheduler exits at
# that step; a scheduler started without the crash point takes over and
# resumes that reseed (same id, same candidate, no second reseed) to three
# healthy voters that still hold every key written before. The
# split-brain checker (t/helpers/em-splitbrain.c) watches every etcd
# process for the whole file: no two forced members, no old member
# writing after a force, no old process outliving a force.
test_description='reseed: resumed after a scheduler crash at each step'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster
SB=$EM_BUILD_ROOT/t/em-splitbrain
[[ -x $SB ]] || skip_all "em-splitbrain not built"

FW=fr
stats() { curl -s -m 3 "http://127.0.0.1:$A/stats"; }
members() { curl -s -m 3 "http://127.0.0.1:$A/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
voters() { members | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy3() { stats | jq -e ".healthy == 1 and .reseeding == false" >/dev/null && test "$(voters)" = 3; }
urls() { members | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }
running() { members | jq -r "[.[] | select(.state==\"RUNNING\")][$1].$2"; }
fw_live() { sim_state | jq -r "[.frameworks[] | select(.name==\"$FW\") | .tasks[] | select(.state==\"TASK_RUNNING\")] | length"; }
fw_dups() { sim_state | jq -r ".frameworks[] | select(.name==\"$FW\") | .tasks[].id" | sort | uniq -d; }
sig_task() { curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$C/task/signal?id=$1&sig=$2"; }
reseeds() { zk_cli "$ZK" ls "/etcd-mesos/$FW/reseed" 2>/dev/null | grep -o "r-[0-9a-z]*" | sort -u; }
reseed_rec() { zk_cli "$ZK" get "/etcd-mesos/$FW/reseed/$1" 2>/dev/null | grep "^{"; }

sched() { # NAME [FLAGS...]
	local name=$1; shift
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -member-timeout=0 -mesos-offer-refuse-seconds=1 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s -reseed-timeout=1 -reseed-force-timeout=20s "$@"
}

test_expect_success 'ZooKeeper, mesos-sim, three healthy voters, the checker watching' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1) &&
	sched s0 && S=$SPAWNED_PID &&
	wait_until 90 healthy3 &&
	spawn sb "$SB" -scan -interval=250 -write-timeout=1000 -duration=900 -log=sb.events &&
	SBP=$SPAWNED_PID && KEYS=
'

ROUND=0
# must WHAT CMD...: runs CMD; when it fails, says which check it was.
must() {
	local what=$1
	shift
	"$@" && return 0
	note "$cp: not so: $what"
	return 1
}

crash_round() { # CRASH-POINT
	local cp=$1 n0 rid i0 u t1 t2 k v
	ROUND=$((ROUND + 1)) k=k$ROUND
	n0=$(reseeds | wc -l)
	# the scheduler with the crash point armed takes over the healthy cluster
	kill -TERM $S && wait_until 15 "! pid_alive $S" &&
	EM_CRASH_AT=$cp sched "c$ROUND" && S=$SPAWNED_PID &&
	wait_until 30 "stats | jq -e \".is_leader == true\" >/dev/null && healthy3" || return 1
	if grep -q "this build has no crash points" "$EM_TMP/c$ROUND.log"; then
		note "built without -Dcrash_points: $cp not exercised"; return 0
	fi
	u=$(urls) && i0=$(members | jq "[.[].raftIndex] | max") &&
	etcdctl_run --endpoints="$u" put "$k" "v-$k" >/dev/null &&
	etcdctl_run --endpoints="$u" put pad1 x >/dev/null &&
	etcdctl_run --endpoints="$u" put pad2 x >/dev/null &&
	wait_until 15 "members | jq -e \"[.[] | select(.state==\\\"RUNNING\\\") | .raftIndex] | (min > $i0) and (unique | length == 1)\"" &&
	KEYS="$KEYS $k" &&
	t1=$(running 0 taskID) && t2=$(running 1 taskID) &&
	test "$(sig_task "$t1" STOP)" = 200 && test "$(sig_task "$t2" STOP)" = 200 &&
	wait_until 60 "! pid_alive $S" &&
	grep -q "crash point $cp reached" "$EM_TMP/c$ROUND.log" &&
	test "$(reseeds | wc -l)" = $((n0 + 1)) &&
	rid=$(comm -13 <(echo "$PREV" | tr " " "\n" | sort) <(reseeds) | head -1) &&
	test -n "$rid" && PREV="$PREV $rid" &&
	note "$cp: reseed $rid left at step $(reseed_rec "$rid" | jq -r .step)" &&
	T0=$(date +%s.%N) &&
	sched "r$ROUND" && S=$SPAWNED_PID &&
	wait_until 30 "stats | jq -e \".is_leader == true\" >/dev/null" &&
	wait_until 150 "reseed_rec $rid | jq -e \".step == \\\"done\\\"\" >/dev/null && healthy3" &&
	T1=$(date +%s.%N) &&
	awk -v a="$T0" -v b="$T1" -v w="$cp" "BEGIN { printf \"%s %.1f s\\n\", w, b - a }" >>times &&
	# exactly one reseed, resumed (unless it was done), finished
	must "one reseed more" test "$(reseeds | wc -l)" = $((n0 + 1)) &&
	must "the reseed is done" eval 'reseed_rec "$rid" | jq -e ".step == \"done\"" >/dev/null' &&
	must "no new reseed started" eval '! grep -q "reseed [^ ]* started (" "$EM_TMP/r$ROUND.log"' &&
	if test "$cp" = reseed-done; then
		must "cluster_reseeds 0" test "$(stats | jq -r .cluster_reseeds)" = 0
	else
		must "resumed" grep -q "reseed $rid: resuming from step" "$EM_TMP/r$ROUND.log" &&
		must "cluster_reseeds 1" test "$(stats | jq -r .cluster_reseeds)" = 1
	fi &&
	# never a member forced twice, never two candidates healthy
	must "one healthy candidate" test "$(grep -ch "reseed $rid: .* is healthy:" "$EM_TMP/c$ROUND.log" "$EM_TMP/r$ROUND.log" | awk "{ s += \$1 } END { print s }")" = 1 &&
	must "one candidate tried" test "$(reseed_rec "$rid" | jq -r ".tried | length")" = 1 &&
	# three healthy voters holding every key written so far
	u=$(urls) &&
	must "three members in etcd" test "$(etcdctl_run --endpoints="$u" member list | wc -l)" = 3 &&
	for x in $KEYS; do
		v=$(etcdctl_run --endpoints="$u" get --print-value-only "$x")
		must "key $x reads v-$x (got \"$v\")" test "$v" = "v-$x" || return 1
	done &&
	# (the last learner may be a voter before its TASK_RUNNING: a member
	# sent a snapshot serves clients ~7 s after it is in sync, when etcd
	# 3.4 publishes it; the scheduler promotes on etcd's word)
	{ wait_until 30 "test \$(fw_live) = 3" || :; } &&
	v=$(fw_live) &&
	must "three live tasks (got $v: $(sim_state | jq -c "[.frameworks[] | select(.name==\"$FW\") | .tasks[] | select(.state==\"TASK_RUNNING\") | .id]"))" test "$v" = 3 &&
	must "no duplicate" test -z "$(fw_dups)" &&
	{ sig_task "$t1" CONT >/dev/null || :; } && { sig_task "$t2" CONT >/dev/null || :; }
}

PREV=
for cp in reseed-decided reseed-fenced-1 reseed-fenced-2 reseed-fenced-3 reseed-ranked \
	reseed-forced reseed-force-healthy reseed-others-killed reseed-done; do
	test_expect_success "crash at $cp: the restarted scheduler resumes that reseed to 3 voters" "
		crash_round $cp
	"
done

test_expect_success 'the checker saw no split brain in all the rounds' '
	kill -TERM $SBP && wait_until 10 "! pid_alive $SBP" &&
	cat "$EM_TMP/sb.log" && grep -q "^em-splitbrain: ok:" "$EM_TMP/sb.log" &&
	note "$(grep "^em-splitbrain" "$EM_TMP/sb.log")" &&
	kill -TERM $S && wait_until 10 "! pid_alive $S"
'

[[ -f times ]] && note "resume to 3 healthy voters, per crash point: $(tr "\n" ";" <times)"
test_done
