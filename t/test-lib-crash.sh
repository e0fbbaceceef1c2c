# Helpers for the crash-point tests (t1210, t1211): a scheduler on
# mesos-sim and a real ZooKeeper, armed to die right after a named step
# (EM_CRASH_AT, a -Dcrash_points=true build), restarted, and checked.
# Sourced after test-lib.sh. Uses ZK, M (master), C (sim control), A1
# (admin port), F1 (artifact port), FW (framework name).

need_sim_cluster
grep -aq 'crash point %s reached' "$EM_BIN" ||
	skip_all 'built without crash points (meson -Dcrash_points=true)'

stats() { curl -s -m 3 "http://127.0.0.1:$A1/stats"; }
members() { curl -s -m 3 "http://127.0.0.1:$A1/membership"; }
sim_state() { curl -s -m 3 "http://127.0.0.1:$C/state"; }
# this framework's tasks the sim runs (any non-terminal state)
fw_tasks() {
	sim_state | jq -c --arg fw "$FW" '[.frameworks[] | select(.name == $fw) | .tasks[] |
		select(.state == "TASK_RUNNING" or .state == "TASK_STARTING" or
		       .state == "TASK_STAGING")]'
}
urls() { members | jq -r '[.[] | select(.state == "RUNNING") | .clientURL] | join(",")'; }
etcd_list() { etcdctl_run --endpoints="$(urls)" member list -w json; }

# sched NAME SIZE [FLAGS...]: a scheduler for $FW; its pid in SCHED.
sched() {
	local name=$1 size=$2
	shift 2
	spawn "$name" "$EM_BIN" scheduler -master="127.0.0.1:$M" \
		-zk-framework-persist="zk://$ZK/etcd-mesos" -framework-name="$FW" \
		-cluster-size="$size" -etcd-bin=/usr/bin/etcd -etcdctl-bin=/usr/bin/etcdctl \
		-address=127.0.0.1 -admin-port="$A1" -artifact-port="$F1" \
		-health-interval=300ms -member-timeout=3s -mesos-offer-refuse-seconds=1 \
		-sandbox-cpu-limit=0.5 -sandbox-mem-limit=256 -sandbox-disk-limit=256 \
		-zk-session-timeout=2s "$@" && SCHED=$SPAWNED_PID
}

CRASHED=()   # every crash point reached, one entry per run
RUNS=0

# crash_at STEP SIZE [FLAGS...]: a scheduler armed at STEP; waits until it
# died there. With ACTION set (a shell snippet), the armed scheduler first
# brings SIZE healthy voters, then ACTION runs to make the step happen.
# Logs go to $EM_TMP/c<run>-<step>.log.
crash_at() {
	local step=$1 size=$2 log
	shift 2
	RUNS=$((RUNS + 1))
	log=$EM_TMP/c$RUNS-$step.log
	EM_CRASH_AT=$step sched "c$RUNS-$step" "$size" "$@" || return 1
	if [[ -n ${ACTION:-} ]]; then
		wait_until 60 "converged $size" && eval "$ACTION" || {
			stop_pid "$SCHED"
			return 1
		}
	fi
	if ! wait_until 60 "! pid_alive $SCHED"; then
		echo "crash_at: the scheduler never reached the step $step; its log ends:" >&2
		tail -n 15 "$log" >&2
		stop_pid "$SCHED"
		return 1
	fi
	grep -q "crash point $step reached" "$log" || {
		echo "crash_at: the scheduler died, but not at $step:" >&2
		tail -n 15 "$log" >&2
		return 1
	}
	CRASHED+=("$step")
}

# restart SIZE [FLAGS...]: the scheduler again, unarmed.
restart() {
	local size=$1
	shift
	RUNS=$((RUNS + 1))
	sched "r$RUNS" "$size" "$@"
}

stop_sched() {
	kill -TERM "$SCHED" 2>/dev/null
	wait_until 15 "! pid_alive $SCHED"
}

# converged N: N healthy voters and nothing else. Prints what is off.
converged() {
	local n=$1 m t e st
	st=$(stats) && m=$(members) && t=$(fw_tasks) || { echo "no answer"; return 1; }
	[[ $(jq -r .healthy <<<"$st") == 1 ]] || { echo "not healthy: $(jq -r .reason <<<"$st")"; return 1; }
	# the registry: N records, all RUNNING voters (no DEAD/REMOVED left over)
	[[ $(jq length <<<"$m") == "$n" ]] || { echo "registry: $(jq -c '[.[] | [.name, .state]]' <<<"$m")"; return 1; }
	[[ $(jq '[.[] | select(.state == "RUNNING" and .learner == false)] | length' <<<"$m") == "$n" ]] ||
		{ echo "registry: not $n running voters"; return 1; }
	# Mesos: exactly the registry's tasks, once each, one per agent
	[[ $(jq length <<<"$t") == "$n" ]] || { echo "sim tasks: $(jq -c '[.[].id]' <<<"$t")"; return 1; }
	[[ $(jq '[.[].slave_id] | unique | length' <<<"$t") == "$n" ]] || { echo "two members on one agent"; return 1; }
	[[ $(jq -r '[.[].id] | sort | join(" ")' <<<"$t") == $(jq -r '[.[].taskID] | sort | join(" ")' <<<"$m") ]] ||
		{ echo "sim tasks differ from the registry"; return 1; }
	# etcd: N started voters whose peer URLs are the registry's, no learner
	e=$(etcd_list) || { echo "no etcd member list"; return 1; }
	[[ $(jq '.members | length' <<<"$e") == "$n" ]] || { echo "etcd: $(jq -c '[.members[] | [.name, .isLearner]]' <<<"$e")"; return 1; }
	[[ $(jq '[.members[] | select(.isLearner == true or (.name // "") == "")] | length' <<<"$e") == 0 ]] ||
		{ echo "etcd: a learner or an unstarted member left"; return 1; }
	[[ $(jq -r '[.members[].name] | sort | join(" ")' <<<"$e") == $(jq -r '[.[].name] | sort | join(" ")' <<<"$m") ]] ||
		{ echo "etcd names differ from the registry"; return 1; }
	LAST_URLS=$(jq -r '[.[].clientURL] | join(",")' <<<"$m")
}

# /stats after a restart: the counters agree with what is running.
stats_sane() {
	local n=$1 st
	st=$(stats) &&
	jq -e --argjson n "$n" '.running_servers == $n and .is_leader == true and
		.launched_servers <= $n and .failed_servers <= $n and
		.cluster_reseeds == 0 and (.framework_id | length) > 0' <<<"$st" >/dev/null || {
		echo "stats_sane: $st" >&2
		return 1
	}
}

# put_keys PREFIX: writes PREFIX-<i> until one fails (at most 3); every
# acknowledged key goes to the acked file.
KEYS=0
put_keys() {
	local i k eps
	eps=$(urls)
	[[ -n $eps ]] || eps=${LAST_URLS:-}
	[[ -n $eps ]] || return 0
	for i in 1 2 3; do
		KEYS=$((KEYS + 1))
		k="crash/$1-$KEYS"
		EM_ETCDCTL_TIMEOUT=3s etcdctl_run --endpoints="$eps" put "$k" "v$KEYS" \
			>/dev/null 2>&1 || return 0
		echo "$k v$KEYS" >>acked
	done
}

# writer: a key every ~0.3 s while a crash cycle runs (at most 150 keys
# and 120 s, or until the file stop_writer exists); every acknowledged key
# goes to the acked file.
writer() {
	local n=0 end=$((SECONDS + 120)) eps k
	while ((n < 150 && SECONDS < end)) && [[ ! -e stop_writer ]]; do
		n=$((n + 1))
		eps=$(urls)
		[[ -n $eps ]] || eps=${LAST_URLS:-}
		k="crash/w$RUNS-$n"
		if [[ -n $eps ]] && EM_ETCDCTL_TIMEOUT=2s etcdctl_run --endpoints="$eps" \
			put "$k" "w$n" >/dev/null 2>&1; then
			echo "$k w$n" >>acked
		fi
		sleep 0.3
	done
}

# every acknowledged write is still readable
keys_readable() {
	[[ -s acked ]] || return 0
	local got
	got=$(etcdctl_run --endpoints="$(urls)" get --prefix crash/ -w json |
		jq -r '.kvs[]? | "\(.key | @base64d) \(.value | @base64d)"' | sort) || return 1
	comm -23 <(sort -u acked) <(echo "$got") >missing
	[[ ! -s missing ]] || { echo "lost writes: $(cat missing)" >&2; return 1; }
}

# The restarted scheduler never repeats a membership call the crashed one
# made (SAFETY.md section 1): no add that etcd refuses for an existing
# peer URL, no second remove of the member id the crashed one removed.
no_repeat() {
	local crashed=$EM_TMP/c$1.log restarted=$EM_TMP/r$2.log id
	! grep -q "Peer URLs already exists" "$restarted" || {
		echo "no_repeat: the restart added a member etcd already had" >&2
		return 1
	}
	# right after a remove's answer: that member is gone from etcd
	[[ $crashed == *-etcd-removed.log ]] || return 0
	id=$(grep -o "removing etcd member [0-9a-f]*" "$crashed" | tail -n 1)
	[[ -n $id ]] || { echo "no_repeat: no remove before the crash" >&2; return 1; }
	! grep -q "$id\b" "$restarted" || {
		echo "no_repeat: the restart repeated: $id" >&2
		return 1
	}
}

# A status update whose record was written but not acknowledged before
# the crash comes again (Mesos resends unacknowledged updates) to the
# restarted scheduler: the same state and message, not a reconciliation
# answer.
resent() {
	local crashed=$EM_TMP/c$1.log restarted=$EM_TMP/r$2.log line
	case $1 in *-running-written | *-dead-written | *-status-written) ;; *) return 0 ;; esac
	line=$(grep -o "status TASK_[A-Z_]* for [^ ]*: .*" "$crashed" | grep -v Reconciliation | tail -n 1)
	[[ -n $line ]] || { echo "resent: no status update before the crash" >&2; return 1; }
	wait_until 30 'grep -qF -- "$line" "$restarted"' || {
		echo "resent: the unacknowledged update never came again: $line" >&2
		return 1
	}
}

# one crash cycle: armed at STEP (size SIZE, flags), then restarted at
# SIZE and checked. ACTION (optional, a shell snippet) runs once the armed
# scheduler leads, to make the step happen.
cycle() {
	local step=$1 size=$2 crun wpid rc
	shift 2
	put_keys "before-$step"
	rm -f stop_writer
	writer &
	wpid=$!
	crash_at "$step" "$size" "$@" &&
	crun=$RUNS-$step &&
	put_keys "down-$step" &&
	restart "$size" "$@" &&
	wait_until 90 "converged $size"
	rc=$?
	touch stop_writer
	wait "$wpid"
	((rc == 0)) &&
	keys_readable &&
	wait_until 10 "stats_sane $size" &&
	no_repeat "$crun" "$RUNS" &&
	resent "$crun" "$RUNS"
}

crash_summary() {
	local distinct
	distinct=$(printf '%s\n' "${CRASHED[@]}" | sort -u | tr '\n' ' ')
	note "crash points exercised: $(printf '%s\n' "${CRASHED[@]}" | sort -u | wc -l) distinct in ${#CRASHED[@]} crashes ($distinct); $(wc -l <acked 2>/dev/null || echo 0) acknowledged writes to the last cluster, all readable"
}
