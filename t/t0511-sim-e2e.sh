#!/bin/bash
# mesos-sim end to end, master and agents together: a scheduler
# (em-test-scheduler) launches a custom executor (em-test-executor,
# fetched by URI) and a command task through the master; updates come
# back with uuids and are resent until acknowledged; MESSAGE both ways,
# KILL, SHUTDOWN and FAILURE cross both sides; agents on their own
# addresses; the control API kills and restarts an agent.
test_description='mesos-sim end to end'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
SCHED=$EM_BUILD_ROOT/t/em-test-scheduler
EXE=$EM_BUILD_ROOT/t/em-test-executor
[[ -x $SIM && -x $SCHED && -x $EXE ]] || skip_all "mesos-sim, em-test-scheduler or em-test-executor not built"
test_have_prereq CURL || skip_all 'curl is not installed'

W=$EM_TMP/work
LOG=$EM_TMP/sched.out
cmd() { local IFS=$'\t'; printf '%s\n' "$*" >&"$CMD_FD"; }
has() { grep -Eq -- "$1" "$LOG"; }
count() { grep -Ec -- "$1" "$LOG"; }
exec_log() { cat "$W"/agent*/slaves/*/frameworks/*/executors/"$1"/runs/latest/stdout 2>/dev/null; }
exec_has() { exec_log "$1" | grep -Eq -- "$2"; }
launch_exec() { # TASK EXEC [executor options]
	local task=$1 ex=$2 a o; shift 2
	a=(arg=em-test-executor arg=run)
	for o in "$@"; do a+=("arg=$o"); done
	cmd launch "$task" "$ex" cmd=em-test-executor shell=0 "${a[@]}" "uri=file://$EXE|exec"
}

test_expect_success 'mesos-sim with two agents and a checkpointing scheduler' '
	spawn sim "$SIM" -work-dir="$W" -agents=2 -port-file=ports -allocation-interval=200ms \
		-status-update-retry-min=300ms -status-update-retry-max=1s -agent-timeout=60s &&
	SIM_PID=$SPAWNED_PID &&
	wait_until 10 "grep -q ^control= ports" &&
	M=$(sed -n "s/^master=//p" ports) && C=$(sed -n "s/^control=//p" ports) &&
	mkfifo cmds && exec {CMD_FD}<>cmds &&
	spawn sched bash -c "exec \"\$0\" \"\$@\" <cmds >$LOG" "$SCHED" 127.0.0.1:$M -checkpoint &&
	SCHED_PID=$SPAWNED_PID &&
	wait_until 10 "has \"^SUBSCRIBED fw=\" && has \"^OFFERS n=2\""
'

test_expect_success 'custom executor: fetched, subscribes, TASK_RUNNING from SOURCE_EXECUTOR with a uuid' '
	launch_exec e1 E1 -echo &&
	wait_until 15 "has \"task=e1 state=TASK_RUNNING source=SOURCE_EXECUTOR reason=- uuid=[0-9a-f-]{36} agent=[^ ]+ exec=E1\"" &&
	wait_until 5 "has \"CALL ACKNOWLEDGE -> 202\"" &&
	exec_has E1 "^EVENT SUBSCRIBED" && exec_has E1 "^EVENT ACKNOWLEDGED e1"
'

test_expect_success 'MESSAGE both ways through the master' '
	cmd message E1 hello &&
	wait_until 5 "has \"^MESSAGE exec=E1 data=hello\"" && exec_has E1 "^EVENT MESSAGE hello"
'

test_expect_success 'an update the scheduler does not acknowledge is resent with the same uuid; the next waits' '
	cmd autoack off && launch_exec e2 E2 -updates=TASK_STARTING,TASK_RUNNING &&
	wait_until 15 "test \$(count \"task=e2 state=TASK_STARTING\") -ge 3" &&
	test "$(grep "task=e2 " "$LOG" | sed -n "s/.*uuid=\([^ ]*\).*/\1/p" | sort -u | wc -l)" = 1 &&
	! has "task=e2 state=TASK_RUNNING" &&
	cmd ack-last e2 && wait_until 5 "has \"task=e2 state=TASK_RUNNING\"" &&
	cmd ack-last e2 && cmd autoack on
'

test_expect_success 'KILL reaches the executor; its TASK_KILLED comes back' '
	cmd kill e2 && wait_until 10 "has \"task=e2 state=TASK_KILLED source=SOURCE_EXECUTOR\"" &&
	exec_has E2 "^EVENT KILL e2"
'

test_expect_success 'executor exit: TASK_FAILED REASON_EXECUTOR_TERMINATED and FAILURE with status 768' '
	launch_exec e3 E3 -exit-after-ack=3 &&
	wait_until 15 "has \"^FAILURE agent=[^ ]+ exec=E3 status=768\"" &&
	wait_until 5 "has \"task=e3 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_EXECUTOR_TERMINATED uuid=[0-9a-f-]{36} .*msg=Executor terminated\$\""
'

test_expect_success 'SHUTDOWN: the executor exits, FAILURE follows' '
	cmd shutdown E1 && wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=E1 status=0\"" &&
	exec_has E1 "^EVENT SHUTDOWN"
'

test_expect_success 'command task: STARTING, RUNNING, FINISHED with the exit status' '
	cmd launch c1 - "cmd=echo done" &&
	wait_until 15 "has \"task=c1 state=TASK_FINISHED source=SOURCE_EXECUTOR .*msg=Command exited with status 0\"" &&
	has "task=c1 state=TASK_STARTING" && has "task=c1 state=TASK_RUNNING"
'

test_expect_success 'control API: agent restart keeps a checkpointing executor, which re-subscribes' '
	launch_exec e4 E4 -resubscribe &&
	wait_until 15 "has \"task=e4 state=TASK_RUNNING\"" &&
	agent=$(grep "task=e4 state=TASK_RUNNING" "$LOG" | sed -n "s/.* agent=\([^ ]*\) .*/\1/p" | head -1) &&
	curl -sf -X POST "http://127.0.0.1:$C/agent/restart?id=$agent" >/dev/null &&
	wait_until 10 "test \$(exec_log E4 | grep -c \"^EVENT SUBSCRIBED\") = 2" &&
	sleep 2.5 && ! has "task=e4 state=TASK_(LOST|GONE|FAILED)" &&
	cmd message E4 after-restart && wait_until 5 "exec_has E4 \"^EVENT MESSAGE after-restart\""
'

test_expect_success 'control API: SIGSTOP, SIGCONT and SIGKILL of a task by id' '
	cmd launch c2 - "cmd=exec sleep 300" &&
	wait_until 15 "has \"task=c2 state=TASK_RUNNING\"" &&
	pid=$(pgrep -f "^sleep 300$" | head -1) && test -n "$pid" &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=c2&sig=STOP" >/dev/null &&
	wait_until 5 "test \"\$(ps -o stat= -p $pid | cut -c1)\" = T" &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=c2&sig=CONT" >/dev/null &&
	wait_until 5 "test \"\$(ps -o stat= -p $pid | cut -c1)\" = S" &&
	curl -sf -X POST "http://127.0.0.1:$C/task/signal?id=c2&sig=KILL" >/dev/null &&
	wait_until 10 "has \"task=c2 state=TASK_FAILED\"" &&
	test "$(curl -s -o /dev/null -w %{http_code} -X POST "http://127.0.0.1:$C/task/signal?id=nope")" = 404 &&
	test "$(curl -s -o /dev/null -w %{http_code} -X POST "http://127.0.0.1:$C/task/signal?id=c2&sig=BOGUS")" = 400
'

test_expect_success 'control API: SIGKILL of an executor process alone gives FAILURE' '
	launch_exec e5 E5 &&
	wait_until 15 "has \"task=e5 state=TASK_RUNNING\"" &&
	agent=$(grep "task=e5 state=TASK_RUNNING" "$LOG" | sed -n "s/.* agent=\([^ ]*\) .*/\1/p" | head -1) &&
	fw=$(sed -n "s/^SUBSCRIBED fw=\([^ ]*\).*/\1/p" "$LOG" | head -1) &&
	curl -sf -X POST "http://127.0.0.1:$C/executor/signal?agent=$agent&framework=$fw&executor=E5" >/dev/null &&
	wait_until 10 "has \"^FAILURE agent=[^ ]+ exec=E5 status=9\"" &&
	wait_until 5 "has \"task=e5 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_EXECUTOR_TERMINATED\""
'

test_expect_success 'operator teardown: POST /master/teardown frameworkId=... removes the framework' '
	fw=$(sed -n "s/^SUBSCRIBED fw=\([^ ]*\).*/\1/p" "$LOG" | head -1) &&
	test "$(curl -s -o out -w %{http_code} -X POST -d "" "http://127.0.0.1:$M/master/teardown")" = 400 &&
	grep -q "frameworkId" out &&
	test "$(curl -s -o /dev/null -w %{http_code} -X POST -d "frameworkId=$fw" "http://127.0.0.1:$M/master/teardown")" = 200 &&
	test "$(curl -s -o out -w %{http_code} -X POST -d "frameworkId=$fw" "http://127.0.0.1:$M/master/teardown")" = 400 &&
	grep -q "No framework found with specified ID" out &&
	wait_until 10 "! pgrep -f em-test-executor >/dev/null"
'

test_expect_success 'the scheduler and the sim stop cleanly' '
	cmd quit && wait_until 10 "! pid_alive $SCHED_PID" && stop_pid $SIM_PID 10 &&
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" sim.log sched.log
'

test_done
