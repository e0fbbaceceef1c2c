#!/bin/bash
# lib/mesos/exec_session in a custom executor (t/helpers/exec_probe.c)
# launched by mesos-sim's agent for a scheduler on lib/mesos/sched_session
# (t/helpers/sched_probe.c): the MESOS_* environment, SUBSCRIBE, LAUNCH ->
# RUNNING acknowledged, MESSAGE both ways, KILL, a failed task, SHUTDOWN,
# and losing the agent with and without checkpointing (the sim is killed
# with SIGKILL; its executors live on in their own sessions).
test_description='Mesos executor session against mesos-sim'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
PROBE=$EM_BUILD_ROOT/t/sched_probe
EXEC=$EM_BUILD_ROOT/t/exec_probe
[[ -x $SIM && -x $PROBE && -x $EXEC ]] || skip_all "mesos-sim, sched_probe or exec_probe not built"

declare -A FD
probe() {
	local name=$1 fd; shift
	mkfifo "$name.in" && exec {fd}<>"$name.in" && FD[$name]=$fd &&
	spawn "$name" bash -c "exec \"\$0\" \"\$@\" <$name.in >$name.out" "$PROBE" "$@"
}
pcmd() { local name=$1; shift; printf '%s\n' "$*" >&"${FD[$name]}"; }
has() { grep -Eq -- "$2" "$1.out"; }
count() { grep -Ec -- "$2" "$1.out"; }
# offer_held PROBE: (one agent) an offer came after the last ACCEPT
offer_held() { test "$(count "$1" ^offer)" -gt "$(count "$1" "^call ACCEPT")"; }
# run_dir SIM EXECUTOR: the executor's sandbox; ex_has SIM EXECUTOR PATTERN
run_dir() { ls -d "$EM_TMP/$1-work"/agent0/slaves/*/frameworks/*/executors/"$2"/runs/*/ 2>/dev/null | grep -v latest | head -n 1; }
ex_has() { grep -Eq -- "$3" "$(run_dir "$1" "$2")stdout" 2>/dev/null; }
agent_of() { sed -n "s/^offer id=[^ ]* agent=\([^ ]*\).*/\1/p" "$1.out" | head -n 1; }

start_sim() {
	local name=$1; shift
	spawn "$name" "$SIM" --work-dir="$EM_TMP/$name-work" --port-file="$name.port" \
		--masters=1 --agents=1 --heartbeat=0.5 --recovery-timeout=3s \
		--executor-shutdown-grace-period=3s "$@" &&
	eval "${name}_PID=\$SPAWNED_PID" &&
	wait_until 15 "grep -q ^control= $name.port"
}

test_expect_success 'mesos-sim and a checkpointing scheduler' '
	start_sim sim && M=$(sed -n "s/^master=//p" sim.port) &&
	probe s --master=127.0.0.1:$M &&
	wait_until 10 "has s ^offer" && A=$(agent_of s) && test -n "$A"
'

test_expect_success 'the executor reads its environment; the token variable is gone' '
	pcmd s launch-exec t1 ex1 "$EXEC" &&
	wait_until 15 "ex_has sim ex1 ^subscribed" &&
	ex_has sim ex1 "^env url=http://127\.0\.0\.1:[0-9]+/slave\(1\)/api/v1/executor checkpoint=1 recovery_ms=3000 backoff_max_ms=[0-9]+ grace_ms=3000 token=no token_env=gone pid=[0-9]+$" &&
	ex_has sim ex1 "^subscribed executor=ex1 agent=$A$"
'

test_expect_success 'LAUNCH: TASK_RUNNING from the executor, acknowledged back to it' '
	wait_until 10 "has s \"^update task=t1 state=TASK_RUNNING source=SOURCE_EXECUTOR reason=- uuid=yes msg=exec_probe running$\"" &&
	ex_has sim ex1 "^launch task=t1$" &&
	wait_until 10 "ex_has sim ex1 \"^acknowledged task=t1 unacked=0$\""
'

test_expect_success 'MESSAGE both ways (executor Call.Message data in field 2)' '
	pcmd s message "$A" ex1 hello-executor &&
	wait_until 10 "ex_has sim ex1 \"^message data=hello-executor$\"" &&
	wait_until 10 "has s \"^message agent=$A executor=ex1 data=echo:hello-executor$\""
'

test_expect_success 'KILL: TASK_KILLED from the executor' '
	pcmd s kill t1 "$A" &&
	wait_until 10 "ex_has sim ex1 \"^kill task=t1$\"" &&
	wait_until 10 "has s \"^update task=t1 state=TASK_KILLED source=SOURCE_EXECUTOR .*uuid=yes\""
'

test_expect_success 'a second task on the same executor fails on purpose: TASK_FAILED' '
	wait_until 10 "offer_held s" &&
	pcmd s launch-exec t2 ex1 "$EXEC" fail &&
	wait_until 10 "has s \"^update task=t2 state=TASK_FAILED source=SOURCE_EXECUTOR .*msg=asked to fail$\""
'

test_expect_success 'SHUTDOWN: running tasks killed, the executor exits 0, FAILURE status 0' '
	wait_until 10 "offer_held s" &&
	pcmd s launch-exec t3 ex1 "$EXEC" &&
	wait_until 10 "has s \"^update task=t3 state=TASK_RUNNING\"" &&
	pcmd s shutdown ex1 "$A" &&
	wait_until 10 "ex_has sim ex1 ^shutdown" &&
	wait_until 10 "has s \"^update task=t3 state=TASK_KILLED source=SOURCE_EXECUTOR .*msg=shutdown$\"" &&
	wait_until 10 "ex_has sim ex1 \"^exit code=0$\"" &&
	wait_until 10 "has s \"^failure agent=$A executor=ex1 status=0$\""
'

test_expect_success 'SUBSCRIBE for an unknown framework is refused: the executor stops, exit 1' '
	url=$(sed -n "s/^env url=\([^ ]*\).*/\1/p" "$(run_dir sim ex1)stdout") &&
	ep=${url#http://} && ep=${ep%%/*} &&
	test_expect_code 1 env -i MESOS_FRAMEWORK_ID=no-such-fw MESOS_EXECUTOR_ID=x \
		MESOS_AGENT_ENDPOINT=$ep "MESOS_SLAVE_PID=slave(1)@$ep" MESOS_CHECKPOINT=1 \
		"$EXEC" >refused.out 2>refused.err &&
	grep -q "^lost reason=subscription refused by the agent$" refused.out &&
	grep -q "answered 40[0-9]" refused.err
'

test_expect_success 'agent gone with checkpointing: retries until MESOS_RECOVERY_TIMEOUT, then exit 1' '
	wait_until 10 "offer_held s" &&
	pcmd s launch-exec t4 ex2 "$EXEC" &&
	wait_until 15 "ex_has sim ex2 \"^acknowledged task=t4\"" &&
	kill -KILL "$sim_PID" && start=$(date +%s%N) &&
	wait_until 15 "ex_has sim ex2 \"^exit code=1$\"" &&
	ex_has sim ex2 "^lost reason=agent not back within the recovery timeout$" &&
	elapsed=$(( ($(date +%s%N) - start) / 1000000 )) && note "gave up after ${elapsed} ms" &&
	test "$elapsed" -ge 2500 &&
	test "$(grep -c "SUBSCRIBE to" "$(run_dir sim ex2)stderr")" -ge 4 &&
	grep -q "MESOS_RECOVERY_TIMEOUT" "$(run_dir sim ex2)stderr"
'

test_expect_success 'agent gone without checkpointing: the executor stops at once, exit 1' '
	pcmd s quit &&
	start_sim sim2 && M2=$(sed -n "s/^master=//p" sim2.port) &&
	probe s2 --master=127.0.0.1:$M2 --no-checkpoint &&
	wait_until 10 "has s2 ^offer" &&
	pcmd s2 launch-exec t5 ex3 "$EXEC" &&
	wait_until 15 "ex_has sim2 ex3 \"^acknowledged task=t5\"" &&
	ex_has sim2 ex3 "checkpoint=0" &&
	kill -KILL "$sim2_PID" &&
	wait_until 5 "ex_has sim2 ex3 \"^exit code=1$\"" &&
	ex_has sim2 ex3 "^lost reason=agent connection lost \(no checkpointing\)$" &&
	pcmd s2 quit
'

test_expect_success 'no MESOS_* environment: a clear error, exit 2' '
	test_expect_code 2 env -i "$EXEC" >noenv.out &&
	grep -q "^env-refused MESOS_FRAMEWORK_ID is not set" noenv.out
'

test_expect_success 'no sanitizer report from any executor' '
	! grep -l "Sanitizer\|runtime error" "$EM_TMP"/sim*-work/agent0/slaves/*/frameworks/*/executors/*/runs/*/stderr refused.err
'

# ------------------------------- agent restart (sim-agent-drive, t0510)
DRIVE=$EM_BUILD_ROOT/t/mesos-sim/sim-agent-drive
[[ -x $DRIVE ]] && test_set_prereq DRIVE
dcmd() { local IFS=$'\t'; printf '%s\n' "$*" >&"$DFD"; }
dsb() { echo "$EM_TMP/dw/slaves/S0/frameworks/F2/executors/$1/runs/latest"; }

test_expect_success DRIVE 'one agent under the stand-in master, a checkpointing framework' '
	mkfifo dcmds && exec {DFD}<>dcmds &&
	spawn drive bash -c "exec \"\$0\" \"\$@\" <dcmds >drive.out" "$DRIVE" -work-dir="$EM_TMP/dw" \
		-ip=127.0.0.1 -port-file=dport -agent-recovery-delay=2s \
		-executor-reregistration-timeout=10s &&
	wait_until 10 "test -s dport" &&
	dcmd framework F2 checkpoint && wait_until 5 "grep -q \"^OK framework\" drive.out"
'

test_expect_success DRIVE 'a token from the agent is read, removed from the environment, never logged' '
	dcmd launch F2 r1 R1 "cmd=$EXEC" shell=0 arg=exec_probe \
		env=MESOS_EXECUTOR_AUTHENTICATION_TOKEN=tok-123 &&
	wait_until 10 "grep -q \"^UPDATE task=r1 state=TASK_RUNNING source=SOURCE_EXECUTOR\" drive.out" &&
	wait_until 5 "grep -q \"^acknowledged task=r1 unacked=0\" $(dsb R1)/stdout" &&
	grep -q "token=yes token_env=gone" "$(dsb R1)/stdout" &&
	! grep -q tok-123 "$(dsb R1)/stdout" "$(dsb R1)/stderr"
'

test_expect_success DRIVE 'agent restart: 503s while it recovers, then re-SUBSCRIBE carrying an update made while away' '
	pid=$(sed -n "s/.* pid=\([0-9]*\)$/\1/p" "$(dsb R1)/stdout") && test -n "$pid" &&
	dcmd agent-restart &&
	wait_until 10 "grep -q \"answered 503\" $(dsb R1)/stderr" &&
	kill -USR1 "$pid" &&
	wait_until 5 "grep -q \"^ping tasks=1 subscribed=0\" $(dsb R1)/stdout" &&
	wait_until 15 "test \$(grep -c ^subscribed $(dsb R1)/stdout) = 2" &&
	grep -q "SUBSCRIBE to .*(0 unacknowledged tasks, 1 unacknowledged updates)" "$(dsb R1)/stderr" &&
	wait_until 10 "grep -q \"^UPDATE task=r1 state=TASK_RUNNING source=SOURCE_EXECUTOR .*msg=ping\" drive.out" &&
	wait_until 5 "test \$(grep -c \"^acknowledged task=r1 unacked=0\" $(dsb R1)/stdout) = 2" &&
	dcmd kill F2 r1 &&
	wait_until 10 "grep -q \"^UPDATE task=r1 state=TASK_KILLED source=SOURCE_EXECUTOR\" drive.out" &&
	! grep -q "Sanitizer\|runtime error" "$(dsb R1)/stderr"
'

test_done
