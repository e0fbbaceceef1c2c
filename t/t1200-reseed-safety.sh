#!/bin/bash
# Reseed safety (SAFETY.md sections 2 and 4) with mesos-sim, a real
# ZooKeeper and etcd 3.4 run by the real executor:
#  - the split-brain checker (t/helpers/em-splitbrain.c) itself: it fails
#    on two clusters accepting writes, on an etcd process that outlives a
#    --force-new-cluster start, and on an old member accepting a write
#    after one; it passes a plain healthy cluster, and a forced member
#    restarted without the flag on its own data dir;
#  - SIGSTOP 2 of 3 etcd processes: livelock, automatic reseed, grown back
#    to three voters; SIGCONT both: they are gone (fenced with SIGKILL
#    before the force: the checker's order rule) and no old member ever
#    accepted a write (the checker ran throughout);
#  - the leading scheduler frozen (SIGSTOP) past its ZooKeeper session: the
#    standby takes over; resumed, the old one steps down without acting;
#  - the best candidate cannot start (its sandbox's etcd fails): it is
#    fenced again and the next one is forced;
#  - no candidate can start: the reseed stops, nothing is killed, and
#    /stats, /healthz and the log say why.
# The reseed resumed after a scheduler crash at each step is
# t/t1201-reseed-resume.sh.
test_description='reseed: fenced, next candidate, stuck, split-brain checker, deposed leader'
. "$(dirname "$0")/test-lib.sh"

need_sim_cluster
SB=$EM_BUILD_ROOT/t/em-splitbrain
[[ -x $SB ]] || skip_all "em-splitbrain not built"

stats() { curl -s -m 3 "http://127.0.0.1:$1/stats"; }
stat_is() { [[ $(stats "$1" | jq -r "$2") == "$3" ]]; }
members() { curl -s -m 3 "http://127.0.0.1:$1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
voters() { members "$1" | jq -r "[.[] | select(.state==\"RUNNING\" and .learner==false)] | length"; }
healthy_with() { stat_is "$1" .healthy 1 && test "$(voters "$1")" = "$2"; }
urls() { members "$1" | jq -r "[.[] | select(.state==\"RUNNING\") | .clientURL] | join(\",\")"; }
running() { members "$1" | jq -r "[.[] | select(.state==\"RUNNING\")][$2].$3"; }
fw_live() { sim_state | jq -r "[.frameworks[] | select(.name==\"$1\") | .tasks[] | select(.state==\"TASK_RUNNING\")] | length"; }
sig_task() { curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$C/task/signal?id=$1&sig=$2"; }
reseeds() { zk_cli "$ZK" ls "/etcd-mesos/$1/reseed" 2>/dev/null | grep -o "r-[0-9a-z]*" | sort -u; }
reseed_rec() { zk_cli "$ZK" get "/etcd-mesos/$1/reseed/$2" 2>/dev/null | grep "^{"; }
# pid of the etcd whose command line names 127.0.0.1:PORT
etcd_pid() { local p; for p in $(pgrep -x etcd); do
	tr "\0" " " </proc/$p/cmdline 2>/dev/null | grep -q "127.0.0.1:$1\b" && echo $p; done | head -1; }
# the sandbox (run directory) of task T
sandbox() { ls -d "$W"/agent*/slaves/*/frameworks/*/executors/"$1"/runs/*/ 2>/dev/null | tail -1; }
# replaces the etcd the executor of task T runs with one that fails
break_etcd() { local d; d=$(sandbox "$1") && test -x "$d/etcd" &&
	printf "#!/bin/sh\necho \"etcd broken by t1200 for a test\" >&2\nexit 1\n" >"$d/etcd.broken" &&
	chmod +x "$d/etcd.broken" && mv -f "$d/etcd.broken" "$d/etcd"; }
secs() { awk -v a="$2" -v b="$3" -v w="$1" "BEGIN { printf \"%s: %.1f s\\n\", w, b - a }" >>times; }

sched() { # NAME ADMIN-PORT ARTIFACT-PORT FRAMEWORK [FLAGS...]
	local name=$1 ap=$2 fp=$3 fw=$4; shift 4
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name="$fw" \
		-cluster-size=3 -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$ap" -artifact-port="$fp" \
		-health-interval=500ms -member-timeout=0 -mesos-offer-refuse-seconds=2 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=4s -reseed-timeout=2 -reseed-force-timeout=6s "$@"
}

# writes KEY and two more keys (--force-new-cluster may drop the last
# entries past the persisted commit index), then waits until every member
# has applied them
seed_keys() { # ADMIN-PORT KEY
	local u i0
	u=$(urls "$1") && i0=$(members "$1" | jq "[.[].raftIndex] | max") &&
	etcdctl_run --endpoints="$u" put "$2" "v-$2" >/dev/null &&
	etcdctl_run --endpoints="$u" put pad1 x >/dev/null &&
	etcdctl_run --endpoints="$u" put pad2 x >/dev/null &&
	wait_until 15 "members $1 | jq -e \"[.[] | select(.state==\\\"RUNNING\\\") | .raftIndex] | (min > $i0) and (unique | length == 1)\""
}

teardown_fw() { # ADMIN-PORT SCHEDULER-PID FRAMEWORK
	test "$(curl -s -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$1/teardown")" = 202 &&
	wait_until 30 "! pid_alive $2" &&
	wait_until 30 "test \$(fw_live $3) = 0"
}

# ---- the checker itself ----

test_expect_success 'checker: a healthy cluster passes; its writes are counted' '
	start_etcd_cluster 3 ok &&
	"$SB" -scan -interval=100 -duration=3 -log=ok.events >out &&
	cat out && grep -q "^em-splitbrain: ok: .* 0 forced starts, 1 clusters" out &&
	test "$(sed -n "s/.* \([0-9]*\) writes accepted.*/\1/p" out)" -gt 3 &&
	# as scripts/chaos runs it: one comma-separated line, SIGTERM to stop
	echo "$ok_endpoints" >eps &&
	spawn sbok "$SB" --endpoints-file eps -interval=100 -log=ok2.events && SBOK=$SPAWNED_PID &&
	wait_until 10 "grep -q \"accepts writes\" ok2.events" &&
	kill -TERM $SBOK && wait_until 10 "! pid_alive $SBOK" &&
	cat "$EM_TMP/sbok.log" &&
	grep -q "^em-splitbrain: ok: .* 3 targets, [1-9][0-9]* writes accepted" "$EM_TMP/sbok.log" &&
	stop_etcd_cluster ok
'

test_expect_success 'checker: two clusters accepting writes at once is a split brain' '
	start_etcd_cluster 1 ca && start_etcd_cluster 1 cb &&
	test_expect_code 1 "$SB" -interval=100 -duration=20 "${ca_client[1]}" "${cb_client[1]}" >out &&
	cat out && grep -q "SPLIT BRAIN: clusters .* both accepted writes" out &&
	stop_etcd_cluster ca && stop_etcd_cluster cb
'

test_expect_success 'checker: an etcd that outlives a --force-new-cluster start is a split brain' '
	start_etcd_cluster 1 old &&
	FIP=$(free_ip) && FC=$(free_port "$FIP") && FP=$(free_port "$FIP") &&
	spawn forced env -u ETCD_NAME etcd --name f1 --data-dir "$EM_TMP/f1" \
		--listen-client-urls "http://$FIP:$FC" --advertise-client-urls "http://$FIP:$FC" \
		--listen-peer-urls "http://$FIP:$FP" --initial-advertise-peer-urls "http://$FIP:$FP" \
		--initial-cluster "f1=http://$FIP:$FP" --force-new-cluster &&
	FPID=$SPAWNED_PID &&
	wait_until 20 "curl -s -m 2 http://$FIP:$FC/health | grep -q true" &&
	test_expect_code 1 "$SB" -scan -interval=100 -duration=20 >out &&
	cat out && grep -q "SPLIT BRAIN: etcd pid .* still runs: an old member was not fenced first" out &&
	stop_pid $FPID && stop_etcd_cluster old
'

test_expect_success 'checker: an old member accepting a write after a forced start is a split brain' '
	start_etcd_cluster 3 om &&
	spawn sbom "$SB" -scan -no-order -interval=100 -grace=1500 -duration=60 -log=om.events &&
	SBOM=$SPAWNED_PID &&
	wait_until 10 "test \$(grep -c \"first seen\" om.events) -ge 3" &&
	# a forced start the checker cannot reach (advertised nowhere): only
	# the old members can answer, and they keep accepting writes
	FIP=$(free_ip) && FC=$(free_port "$FIP") && FP=$(free_port "$FIP") &&
	spawn forced2 env -u ETCD_NAME etcd --name f2 --data-dir "$EM_TMP/f2" \
		--listen-client-urls "http://$FIP:$FC" --advertise-client-urls "http://127.0.0.1:1" \
		--listen-peer-urls "http://$FIP:$FP" --initial-advertise-peer-urls "http://$FIP:$FP" \
		--initial-cluster "f2=http://$FIP:$FP" --force-new-cluster &&
	FPID=$SPAWNED_PID &&
	wait_until 20 "! pid_alive $SBOM" &&
	cat "$EM_TMP/sbom.log" &&
	grep -q "SPLIT BRAIN: member .* a member before the forced start .* accepted a write" "$EM_TMP/sbom.log" &&
	stop_pid $FPID && stop_etcd_cluster om
'

test_expect_success 'checker: a forced member restarted without the flag on its data dir is no old member' '
	start_etcd_cluster 3 fr &&
	spawn sbfr "$SB" -scan -interval=100 -grace=1500 -duration=60 -log=fr.events &&
	SBFR=$SPAWNED_PID &&
	wait_until 10 "test \$(grep -c \"first seen\" fr.events) -ge 3" &&
	# as the executor does: the others down, member 1 forced on its data
	# dir (relative to its cwd, as in a sandbox), advertised nowhere so the
	# checker never learns its id from the forced process; then restarted
	# without the flag, advertised: its writes are the forced member'"'"'s
	stop_etcd_cluster fr &&
	FD=$(dirname "${fr_dir[1]}") && FB=$(basename "${fr_dir[1]}") &&
	FPEER=${fr_peer[1]} && FCL=${fr_client[1]} &&
	spawn frf env -C "$FD" -u ETCD_NAME etcd --name "${fr_name[1]}" --data-dir "$FB" \
		--listen-client-urls "$FCL" --advertise-client-urls "http://127.0.0.1:1" \
		--listen-peer-urls "$FPEER" --initial-advertise-peer-urls "$FPEER" \
		--initial-cluster "${fr_name[1]}=$FPEER" --force-new-cluster &&
	FPID=$SPAWNED_PID &&
	wait_until 20 "curl -s -m 2 $FCL/health | grep -q true" &&
	wait_until 10 "grep -q \"started at .* with --force-new-cluster\" fr.events" &&
	stop_pid $FPID &&
	spawn frp env -C "$FD" -u ETCD_NAME etcd --name "${fr_name[1]}" --data-dir "$FB" \
		--listen-client-urls "$FCL" --advertise-client-urls "$FCL" \
		--listen-peer-urls "$FPEER" --initial-advertise-peer-urls "$FPEER" \
		--initial-cluster "${fr_name[1]}=$FPEER" &&
	PPID2=$SPAWNED_PID &&
	wait_until 20 "curl -s -m 2 $FCL/health | grep -q true" &&
	wait_until 10 "grep -q \"on a forced member.s data dir\" fr.events" &&
	wait_until 10 "grep -q \"member .* is a forced member\" fr.events" &&
	sleep 2 &&
	kill -TERM $SBFR && wait_until 10 "! pid_alive $SBFR" &&
	cat "$EM_TMP/sbfr.log" && grep -q "^em-splitbrain: ok: .* 1 forced starts" "$EM_TMP/sbfr.log" &&
	stop_pid $PPID2
'

# ---- the scheduler ----

test_expect_success 'ZooKeeper and mesos-sim with three agents' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=3 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=3s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A1=$(free_port 127.0.0.1) && F1=$(free_port 127.0.0.1) &&
	A2=$(free_port 127.0.0.1) && F2=$(free_port 127.0.0.1)
'

test_expect_success 'A: three healthy voters, keys written, the checker watching every etcd' '
	sched a1 "$A1" "$F1" fa && SA=$SPAWNED_PID &&
	wait_until 90 "healthy_with $A1 3" &&
	seed_keys "$A1" ka &&
	spawn sba "$SB" -scan -interval=200 -write-timeout=1000 -duration=300 -log=a.events &&
	SBA=$SPAWNED_PID &&
	wait_until 10 "grep -q \"cluster .* accepts writes\" a.events"
'

test_expect_success 'A: SIGSTOP 2 of 3 etcd: livelock, automatic reseed, three voters again' '
	T1=$(running $A1 0 taskID) && T2=$(running $A1 1 taskID) &&
	P1=$(etcd_pid "$(running $A1 0 clientPort)") && P2=$(etcd_pid "$(running $A1 1 clientPort)") &&
	test -n "$P1" && test -n "$P2" &&
	T0=$(date +%s.%N) &&
	test "$(sig_task "$T1" STOP)" = 200 && test "$(sig_task "$T2" STOP)" = 200 &&
	wait_until 30 "stat_is $A1 .healthy 0 && test \$(stats $A1 | jq -r .cluster_livelocks) -ge 1" &&
	wait_until 150 "test \$(stats $A1 | jq -r .cluster_reseeds) = 1 && healthy_with $A1 3 && test \$(stats $A1 | jq -r .reseeding) = false" &&
	T1e=$(date +%s.%N) && secs "SIGSTOP of 2 to 3 healthy voters (reseed-timeout 2 s)" "$T0" "$T1e" &&
	test "$(stats $A1 | jq -r .cluster_reseeds)" = 1 &&
	test "$(reseeds fa | wc -l)" = 1 && RID=$(reseeds fa) &&
	reseed_rec fa "$RID" | jq -e ".step == \"done\" and (.members | length) == 3 and (.members | all(.fenced))" &&
	test "$(grep -c "reseed $RID: .* fenced (raft index" "$EM_TMP/a1.log")" = 3 &&
	grep -q "reseed $RID: forcing" "$EM_TMP/a1.log"
'

test_expect_success 'A: SIGCONT both: their etcd is gone, no old member ever accepted a write' '
	{ kill -CONT $P1 $P2 2>/dev/null || :; } &&
	{ sig_task "$T1" CONT >/dev/null || :; } && { sig_task "$T2" CONT >/dev/null || :; } &&
	! pid_alive $P1 && ! pid_alive $P2 &&
	# a few more rounds of the checker after the SIGCONT
	sleep 3 &&
	kill -TERM $SBA && wait_until 10 "! pid_alive $SBA" &&
	cat "$EM_TMP/sba.log" && grep -q "^em-splitbrain: ok:" "$EM_TMP/sba.log" &&
	grep -q " [1-9][0-9]* forced starts, 1 clusters" "$EM_TMP/sba.log" &&
	U=$(urls $A1) &&
	test "$(etcdctl_run --endpoints="$U" get --print-value-only ka)" = v-ka &&
	test "$(etcdctl_run --endpoints="$U" member list | wc -l)" = 3
'

test_expect_success 'SAFETY 2: a leader frozen past its session steps down without acting' '
	sched a2 "$A2" "$F2" fa && SB2=$SPAWNED_PID &&
	wait_until 15 "stat_is $A2 .is_leader false" &&
	kill -STOP $SA && test_when_finished "kill -CONT $SA 2>/dev/null || :" &&
	wait_until 30 "stat_is $A2 .is_leader true" &&
	wait_until 30 "grep -q \"reconciled:\" \"$EM_TMP/a2.log\"" &&
	L0=$(wc -l <"$EM_TMP/a1.log") &&
	kill -CONT $SA &&
	code=$(curl -s -m 5 -o late.out -w "%{http_code}" -X POST "http://127.0.0.1:$A1/reseed" || :) &&
	note "late POST /reseed to the deposed leader: ${code:-no answer} $(cat late.out 2>/dev/null)" &&
	wait_until 30 "! pid_alive $SA" &&
	tail -n +$((L0 + 1)) "$EM_TMP/a1.log" >late.log && cat late.log &&
	# it learns it from ZooKeeper (session expired) or from Mesos (the
	# standby subscribed with the framework id), whichever comes first
	grep -Eq "lost the scheduler leadership in ZooKeeper|another scheduler took over" late.log &&
	grep -q "scheduler stopped (exit status 1)" late.log &&
	! grep -E "launching member|killing|planned member|reseed [^ ]* started|forcing" late.log &&
	test "$(reseeds fa | wc -l)" = 1 &&
	zk_cli "$ZK" ls /etcd-mesos/fa/leader | grep -o "n_[0-9]*" >leaders &&
	test "$(sort -u leaders | wc -l)" = 1 &&
	zk_cli "$ZK" get "/etcd-mesos/fa/leader/$(head -1 leaders)" | grep -q ":$A2" &&
	wait_until 30 "healthy_with $A2 3" &&
	teardown_fw "$A2" "$SB2" fa
'

test_expect_success 'B: the best candidate cannot start: fenced again, the next one is forced' '
	sched b1 "$A1" "$F1" fb && SBB=$SPAWNED_PID &&
	wait_until 90 "healthy_with $A1 3" &&
	seed_keys "$A1" kb &&
	T1=$(running $A1 0 taskID) && T2=$(running $A1 1 taskID) && T3=$(running $A1 2 taskID) &&
	N2=$(running $A1 1 name) &&
	# the live member (T3) ranks first (its term grows while it campaigns
	# alone): its etcd and one frozen member'"'"'s fail; T2'"'"'s works
	break_etcd "$T3" && break_etcd "$T1" &&
	test "$(sig_task "$T1" STOP)" = 200 && test "$(sig_task "$T2" STOP)" = 200 &&
	T0=$(date +%s.%N) &&
	wait_until 30 "stat_is $A1 .healthy 0" &&
	wait_until 150 "test \$(stats $A1 | jq -r .cluster_reseeds) = 1 && healthy_with $A1 3 && test \$(stats $A1 | jq -r .reseeding) = false" &&
	T1e=$(date +%s.%N) && secs "reseed with a failing best candidate to 3 voters" "$T0" "$T1e" &&
	RID=$(reseeds fb) && reseed_rec fb "$RID" >rec && cat rec &&
	jq -e ".step == \"done\" and .candidate == \"$N2\" and (.tried | length) >= 2" rec &&
	grep -q "reseed $RID: .* was not forced" "$EM_TMP/b1.log" &&
	grep -q "reseed $RID: .* fenced again" "$EM_TMP/b1.log" &&
	grep -q "reseed $RID: $N2 is healthy" "$EM_TMP/b1.log" &&
	test "$(etcdctl_run --endpoints="$(urls $A1)" get --print-value-only kb)" = v-kb &&
	teardown_fw "$A1" "$SBB" fb
'

test_expect_success 'C: no candidate can start: nothing is killed; /stats, /healthz and the log say why' '
	sched c1 "$A1" "$F1" fc && SC=$SPAWNED_PID &&
	wait_until 90 "healthy_with $A1 3" &&
	T1=$(running $A1 0 taskID) && T2=$(running $A1 1 taskID) && T3=$(running $A1 2 taskID) &&
	break_etcd "$T1" && break_etcd "$T2" && break_etcd "$T3" &&
	test "$(sig_task "$T1" STOP)" = 200 && test "$(sig_task "$T2" STOP)" = 200 &&
	wait_until 120 "stats $A1 | jq -r .reason | grep -q stuck" &&
	stats $A1 | jq -r .reason &&
	stats $A1 | jq -e ".healthy == 0 and .reseed_step == \"stuck\"" &&
	code=$(curl -s -o hz -w "%{http_code}" "http://127.0.0.1:$A1/healthz") &&
	test "$code" = 500 && jq -e ".healthy == false and (.reason | test(\"stuck\"))" hz &&
	grep -q "stuck: no fenced member with data could be forced" "$EM_TMP/c1.log" &&
	RID=$(reseeds fc) && reseed_rec fc "$RID" | jq -e ".step == \"stuck\" and (.tried | length) == 3" &&
	! grep -q "reseed $RID: killing" "$EM_TMP/c1.log" &&
	test "$(fw_live fc)" = 3 &&
	sleep 2 && test "$(fw_live fc)" = 3 && pid_alive $SC &&
	{ sig_task "$T1" CONT >/dev/null || :; } && { sig_task "$T2" CONT >/dev/null || :; } &&
	teardown_fw "$A1" "$SC" fc
'

[[ -f times ]] && note "measured: $(cat times)"
test_done
