#!/bin/bash
# scripts/demo --check against the built tree: ZooKeeper, mesos-sim with
# three agents and the scheduler start, etcd becomes healthy with three
# members, a key is written and read, a member's etcd killed through the
# sim heals, and at the end nothing the demo started is left running and
# its temporary directory is gone. The demo runs in this test's namespace
# (EM_DEMO_NS=1: no namespace of its own), so its own cleanup is what the
# last checks see, not the kernel's.
test_description='scripts/demo --check: up, healthy, heal, nothing left'
. "$(dirname "$0")/test-lib.sh"

DEMO=$EM_SOURCE_ROOT/scripts/demo
[[ -x $DEMO ]] || skip_all "scripts/demo is missing"
[[ -x $EM_BUILD_ROOT/t/mesos-sim/mesos-sim ]] || skip_all "mesos-sim is not built"
test_have_prereq ZOOKEEPER,ETCD,CURL || skip_all 'ZooKeeper, etcd or curl is not installed'
command -v jq >/dev/null || skip_all 'jq is not installed'
command -v python3 >/dev/null || skip_all 'python3 is not installed'
if "$EM_BIN" executor </dev/null 2>&1 | grep -q 'not part of this build'; then
	skip_all 'the executor is not part of this build'
fi

# processes of the kinds the demo starts (only this test's: PID namespace)
leftovers() {
	pgrep -a -x etcd; pgrep -a -x mesos-sim; pgrep -a -x etcd-mesos
	pgrep -a -f etcd-mesos-executor; pgrep -a -f QuorumPeerMain
	return 0
}

demo() { EM_DEMO_NS=1 TMPDIR=$EM_TMP/tmp timeout 280 "$DEMO" --no-bootstrap --no-build \
	--build-dir "$EM_BUILD_ROOT" "$@"; }

test_expect_success 'bad flags are refused with one line naming the fix' '
	mkdir -p tmp &&
	test_expect_code 1 demo --timeout=soon 2>err &&
	grep -q "timeout=soon: give whole seconds" err &&
	test_expect_code 1 demo --frobnicate 2>err &&
	grep -q "unknown argument" err &&
	test_expect_code 1 "$DEMO" --no-bootstrap --no-build --build-dir "$EM_TMP/nowhere" 2>err &&
	grep -q "is missing: build first" err
'

test_expect_success 'nothing runs before the demo' '
	test -z "$(leftovers)"
'

test_expect_success 'scripts/demo --check exits 0: healthy, key read back, healed' '
	T0=$SECONDS &&
	demo --check >out 2>&1 &&
	note "demo --check took $((SECONDS - T0)) s" &&
	grep -q "^demo: bootstrap: healthy with 3 members" out &&
	grep -q "^demo: wrote and read back demo-key=demo-value" out &&
	grep -q "^demo: killed the etcd of task etcd-" out &&
	grep -q "^demo: task etcd-.* runs a new etcd" out &&
	grep -q "^demo: etcdctl endpoint health: all 3 endpoints healthy" out &&
	grep -q "^demo: after the kill: healthy with 3 members" out &&
	grep -q "^demo: demo-key still reads demo-value" out &&
	grep -q "^demo: stopped; nothing left running" out &&
	grep -q "^demo: check passed" out
'

test_expect_success 'nothing the demo started is left running; its temporary directory is gone' '
	left=$(leftovers) && { test -z "$left" || { echo "$left"; false; }; } &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a demo killed with SIGTERM while starting leaves nothing behind' '
	{ EM_DEMO_NS=1 TMPDIR=$EM_TMP/tmp "$DEMO" --check --no-bootstrap --no-build \
		--build-dir "$EM_BUILD_ROOT" >out2 2>&1 & } && P=$! &&
	wait_until 60 "grep -q \"starting the etcd-mesos scheduler\" out2" &&
	kill -TERM $P && wait_until 30 "! pid_alive $P" &&
	grep -q "stopping everything this demo started" out2 &&
	left=$(leftovers) && { test -z "$left" || { echo "$left"; false; }; } &&
	test -z "$(ls -A tmp)"
'

test_done
