#!/bin/bash
# Moving over from the original etcd-mesos without downtime (issue 14,
# SAFETY.md section 9). "The original" is a real 3-member etcd cluster
# launched as command tasks (the original's task ids) by another
# framework in mesos-sim, plus the two ZooKeeper nodes the original
# writes. A writer writes throughout.
#
# Started with the seed's command line, the scheduler fails over to the
# original's framework id, reports the three foreign members and kills
# nothing. Restarted with -adopt-original it replaces them one at a time;
# killed in the middle of that (SIGKILL), a new one resumes. At the end:
# three of ours, healthy, every acknowledged write readable, the
# original's nodes gone and original_moved written; the move's duration
# and the longest interval without a successful write are printed.
test_description='move over from the original etcd-mesos without downtime'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster
SC=$EM_BUILD_ROOT/t/mesos-sim/sim_client
ZKP=$EM_BUILD_ROOT/t/zk_probe
[[ -x $SC && -x $ZKP ]] || skip_all "sim_client or zk_probe not built"

FW=etcdorig
stats() { curl -s -m 3 "http://127.0.0.1:$A/stats"; }
stat_is() { [[ $(stats | jq -r "$1") == "$2" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$A/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
orig_running() { sim_state | jq -r "[.frameworks[].tasks[] | select(.state==\"TASK_RUNNING\" and (.id | test(\" \")))] | length"; }
ours_voters() { members | jq -r '[.[] | select(.state=="RUNNING" and .learner==false and .foreign==false)] | length'; }
n_foreign() { members | jq -r '[.[] | select(.foreign)] | length'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
ctl() { "$EM_BIN" ctl --scheduler "http://127.0.0.1:$A" "$@"; }

sched() { # NAME [FLAGS...]: the original's command line (plus ours)
	local name=$1; shift
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name=$FW \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A" -artifact-port="$F" \
		-health-interval=500ms -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s "$@"
}

# The writer NAME ADMIN_PORT: w/<i> = <i>, one put at a time, to every
# client URL known (the original's, $EM_TMP/NAME.urls, and, refreshed from
# that scheduler's /membership, ours). Logs "<i> ok|fail <unix time>" to
# $EM_TMP/NAME.log. Bounded: 1500 puts or 240 s, or $EM_TMP/NAME.stop.
writer() {
	local name=$1 port=$2 i eps t_end=$(( $(date +%s) + 240 ))
	for (( i = 1; i <= 1500; i++ )); do
		[[ -e $EM_TMP/$name.stop ]] && break
		(( $(date +%s) < t_end )) || break
		if (( i % 10 == 1 )); then
			eps=$( { cat "$EM_TMP/$name.urls"
				 curl -s -m 3 "http://127.0.0.1:$port/membership" |
					 jq -r '.[].clientURL' 2>/dev/null; } | sort -u | paste -sd, -)
		fi
		if env ETCDCTL_API=3 timeout 5 etcdctl --endpoints="$eps" --dial-timeout=1s \
			--command-timeout=2s put "w/$i" "$i" >/dev/null 2>&1; then
			echo "$i ok $(date +%s.%N)"
		else
			echo "$i fail $(date +%s.%N)"
		fi
		sleep 0.1
	done >"$EM_TMP/$name.log"
}

# The longest interval without a successful write between T0 and T1.
longest_gap() { # T0 T1 LOG
	awk -v a="$1" -v b="$2" '$2 == "ok" { t = $3 + 0; if (t < a) { last = t; next }
		if (last != "" && t - last > g) g = t - last; last = t; if (t > b) exit }
		END { printf "%.2f", g + 0 }' "$3"
}

test_expect_success 'ZooKeeper and mesos-sim with five agents' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=5 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A=$(free_port 127.0.0.1) && F=$(free_port 127.0.0.1)
'

test_expect_success 'the original: a 3-member etcd as command tasks, its ZooKeeper nodes' '
	"$SC" original "127.0.0.1:$M" $FW 3 /usr/bin/etcd >orig.out &&
	OFWID=$(sed -n "s/^framework_id //p" orig.out) && test -n "$OFWID" &&
	RECON=$(sed -n "s/^reconciliation //p" orig.out) &&
	test "$(echo "$RECON" | jq length)" = 3 &&
	grep "^task " orig.out | cut -f3 >"$EM_TMP/writer.urls" &&
	test "$(wc -l <"$EM_TMP/writer.urls")" = 3 &&
	OEPS=$(paste -sd, "$EM_TMP/writer.urls") &&
	wait_until 60 "etcdctl_run --endpoints=$OEPS endpoint health >/dev/null 2>&1" &&
	etcdctl_run --endpoints="$OEPS" put before-move 1 &&
	{ zk_cli "$ZK" create /etcd-mesos x >/dev/null 2>&1 || :; } &&
	"$ZKP" put "zk://$ZK/etcd-mesos" /${FW}_framework_id "$OFWID" &&
	"$ZKP" put "zk://$ZK/etcd-mesos" /${FW}_reconciliation "$RECON" &&
	test "$(orig_running)" = 3
'

test_expect_success 'the writer starts' '
	rm -f "$EM_TMP/writer.stop" &&
	{ writer writer "$A" & } && WRITER=$! && echo "$WRITER" >>"$EM_TMP/.pids" &&
	wait_until 20 "grep -q \" ok \" \"$EM_TMP/writer.log\""
'

test_expect_success 'the seed command line: failover, 3 foreign members reported, nothing killed' '
	sched s1 && S1=$SPAWNED_PID &&
	wait_until 60 "stat_is .original found && test \$(n_foreign) = 3" &&
	stat_is .framework_id "$OFWID" &&
	stats | jq -r .original_next | grep -q -- "-adopt-original" &&
	grep -q "reusing the original etcd-mesos framework id $OFWID" "$EM_TMP/s1.log" &&
	grep -q "original etcd-mesos: found: 3 foreign members" "$EM_TMP/s1.log" &&
	grep -q "Next step: stop this scheduler" "$EM_TMP/s1.log" &&
	wait_until 20 "test \$(members | jq -r \"[.[] | select(.etcdVersion != null)] | length\") = 3" &&
	wait_until 30 "stat_is .healthy 1" &&
	ctl status >status.out &&
	grep -q "^original:    found: 3 foreign members" status.out &&
	sleep 5 &&
	test "$(orig_running)" = 3 && test "$(n_foreign)" = 3 &&
	! grep -q "planned member\|killing task\|removing etcd member" "$EM_TMP/s1.log" &&
	"$ZKP" get "zk://$ZK/etcd-mesos" /${FW}_framework_id >/dev/null &&
	"$ZKP" get "zk://$ZK/etcd-mesos" /$FW/framework_id | grep -qx "$OFWID" &&
	test "$(etcdctl_run --endpoints="$OEPS" member list | wc -l)" = 3
'

test_expect_success '-adopt-original: the move starts (one foreign member replaced), then SIGKILL' '
	stop_pid "$S1" &&
	T0=$(date +%s.%N) &&
	sched s2 -adopt-original && S2=$SPAWNED_PID &&
	wait_until 90 "grep -q \"member etcd-[0-9]* removed from etcd\" \"$EM_TMP/s2.log\"" &&
	grep -q "original etcd-mesos: moving" "$EM_TMP/s2.log" &&
	kill -KILL "$S2" && wait_until 10 "! pid_alive $S2"
'

test_expect_success 'a new scheduler resumes: 3 of ours, healthy, nothing foreign left' '
	sched s3 -adopt-original && S3=$SPAWNED_PID &&
	wait_until 170 "grep -q \"moved over from the original etcd-mesos\" \"$EM_TMP/s3.log\"" &&
	T1=$(date +%s.%N) &&
	wait_until 30 "stat_is .healthy 1 && test \$(ours_voters) = 3 && test \$(n_foreign) = 0" &&
	test "$(stats | jq -r ".original // \"none\"")" = none &&
	test "$(orig_running)" = 0 &&
	LL=$(grep -c "livelock: the etcd cluster has no quorum" "$EM_TMP/s2.log" "$EM_TMP/s3.log" |
		awk -F: "{ n += \$2 } END { print n + 0 }") &&
	echo "health verdicts of no quorum during the move: $LL" >>times &&
	echo "move (3 members, one scheduler SIGKILL and restart): $(elapsed "$T0" "$T1") s" >>times
'

test_expect_success 'the original nodes are gone, original_moved is written' '
	test_must_fail "$ZKP" get "zk://$ZK/etcd-mesos" /${FW}_framework_id &&
	test_must_fail "$ZKP" get "zk://$ZK/etcd-mesos" /${FW}_reconciliation &&
	"$ZKP" get "zk://$ZK/etcd-mesos" /$FW/original_moved | grep -q "moved over"
'

test_expect_success 'every acknowledged write is readable; the longest write gap is reported' '
	touch "$EM_TMP/writer.stop" && wait "$WRITER" ;
	EPS=$(members | jq -r "[.[] | .clientURL] | join(\",\")") &&
	etcdctl_run --endpoints="$EPS" get --prefix w/ --print-value-only | grep . | sort -n >got &&
	awk "\$2 == \"ok\" { print \$1 }" "$EM_TMP/writer.log" | sort -n >acked &&
	test "$(wc -l <acked)" -gt 20 &&
	comm -23 acked got >lost && test ! -s lost &&
	test "$(etcdctl_run --endpoints="$EPS" get --print-value-only before-move)" = 1 &&
	GAP=$(longest_gap "$T0" "$T1" "$EM_TMP/writer.log") &&
	echo "longest interval without a successful write during the move: $GAP s" >>times &&
	echo "writes: $(wc -l <acked) acknowledged, $(grep -c " fail " "$EM_TMP/writer.log") failed" >>times &&
	awk -v g="$GAP" "BEGIN { exit !(g < 15) }"
'

# A second original, moved with -adopt-original from the start and not
# interrupted: the plain duration of a 3-member move.
FW2=etcdorig2
test_expect_success 'an uninterrupted move of a second original (-adopt-original at once)' '
	"$SC" original "127.0.0.1:$M" $FW2 3 /usr/bin/etcd >orig2.out &&
	OFWID2=$(sed -n "s/^framework_id //p" orig2.out) && test -n "$OFWID2" &&
	grep "^task " orig2.out | cut -f3 >"$EM_TMP/writer2.urls" &&
	OEPS2=$(paste -sd, "$EM_TMP/writer2.urls") &&
	wait_until 60 "etcdctl_run --endpoints=$OEPS2 endpoint health >/dev/null 2>&1" &&
	"$ZKP" put "zk://$ZK/etcd-mesos" /${FW2}_framework_id "$OFWID2" &&
	"$ZKP" put "zk://$ZK/etcd-mesos" /${FW2}_reconciliation "$(sed -n "s/^reconciliation //p" orig2.out)" &&
	A2=$(free_port 127.0.0.1) && F2=$(free_port 127.0.0.1) &&
	{ writer writer2 "$A2" & } && WRITER2=$! && echo "$WRITER2" >>"$EM_TMP/.pids" &&
	wait_until 20 "grep -q \" ok \" \"$EM_TMP/writer2.log\"" &&
	T0=$(date +%s.%N) &&
	A=$A2 F=$F2 FW=$FW2 sched s4 -adopt-original &&
	wait_until 150 "grep -q \"moved over from the original etcd-mesos\" \"$EM_TMP/s4.log\"" &&
	T1=$(date +%s.%N) &&
	A=$A2 wait_until 30 "stat_is .healthy 1 && test \$(ours_voters) = 3 && test \$(n_foreign) = 0" &&
	touch "$EM_TMP/writer2.stop" && { wait "$WRITER2" || :; } &&
	EPS=$(A=$A2 members | jq -r "[.[] | .clientURL] | join(\",\")") &&
	etcdctl_run --endpoints="$EPS" get --prefix w/ --print-value-only | grep . | sort -n >got2 &&
	awk "\$2 == \"ok\" { print \$1 }" "$EM_TMP/writer2.log" | sort -n >acked2 &&
	comm -23 acked2 got2 >lost2 && test ! -s lost2 &&
	GAP=$(longest_gap "$T0" "$T1" "$EM_TMP/writer2.log") &&
	LL=$(grep -c "livelock: the etcd cluster has no quorum" "$EM_TMP/s4.log" || :) &&
	echo "uninterrupted move (3 members): $(elapsed "$T0" "$T1") s, longest write gap $GAP s, no-quorum verdicts $LL, $(wc -l <acked2) writes acknowledged" >>times &&
	test "$LL" = 0 &&
	awk -v g="$GAP" "BEGIN { exit !(g < 15) }"
'

[[ -f times ]] && note "measured: $(cat times)"

test_done
