#!/bin/bash
# Crash points (SAFETY.md section 1), part 2: grow and shrink. One
# framework of three members; a scheduler armed with EM_CRASH_AT=<step>
# starts with -cluster-size=5 (grow: plan, add as learner, launch,
# promote) or 3 (shrink: remove from etcd, record, kill, forget) and dies
# right after that step of the first member it adds or removes; restarted with the same size against the same
# ZooKeeper and mesos-sim it must converge: N healthy voters, no stale
# learner, no duplicate or orphan task, never two members on one agent,
# every acknowledged write still readable, /stats counts that match.
# Part 1 (bootstrap, replacement) is t1210-crash-points.sh.
test_description='crash points: grow and shrink converge after a restart'
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/test-lib-crash.sh"

W=$EM_TMP/work

test_expect_success 'ZooKeeper, mesos-sim with six agents, three healthy voters' '
	start_zookeeper &&
	spawn sim "$SIM" -work-dir="$W" -agents=6 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	A1=$(free_port 127.0.0.1) && F1=$(free_port 127.0.0.1) &&
	FW=cg && restart 3 && wait_until 90 "converged 3" && put_keys start
'

grow=(planned etcd-added added launched accepted running-written promoted promote-written)
shrink=(etcd-removed removed killed status-written forgotten)
for k in "${!grow[@]}"; do
	test_expect_success "grow to 5, crash at ${grow[k]}: the restart converges" "
		stop_sched && cycle ${grow[k]} 5
	"
	if [[ -n ${shrink[k]:-} ]]; then
		test_expect_success "shrink to 3, crash at ${shrink[k]}: the restart converges" "
			stop_sched && cycle ${shrink[k]} 3
		"
	elif (( k + 1 < ${#grow[@]} )); then
		test_expect_success 'shrink to 3 (no crash)' '
			stop_sched && restart 3 && wait_until 90 "converged 3"
		'
	fi
done

test_expect_success 'the last scheduler stops' 'stop_sched'

crash_summary
test_done
