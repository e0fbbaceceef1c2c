#!/bin/bash
# The agent side of t/mesos-sim, driven by sim-agent-drive (one real
# agent under a stand-in master that prints what the agent reports):
# the fetcher, the executor's exact environment, the executor API's
# status codes and texts, status update retry/hold-back/ACKNOWLEDGED,
# executor exit, registration timeout, SHUTDOWN, the command executor,
# agent restart with executor re-subscription, and the chaos signals.
test_description='mesos-sim agent side'
. "$(dirname "$0")/test-lib.sh"

DRIVE=$EM_BUILD_ROOT/t/mesos-sim/sim-agent-drive
EXE=$EM_BUILD_ROOT/t/em-test-executor
HTTPD=$EM_BUILD_ROOT/t/em-httpd
[[ -x $DRIVE && -x $EXE && -x $HTTPD ]] || skip_all "sim-agent-drive, em-test-executor or em-httpd not built in $EM_BUILD_ROOT/t"
command -v python3 >/dev/null || skip_all 'python3 is not installed'
test_have_prereq CURL || skip_all 'curl is not installed'

IP=127.0.0.2
W=$EM_TMP/work
LOG=$EM_TMP/events.log     # what the agent told the stand-in master
# (the driver's own log lines and sanitizer reports: $EM_TMP/agent.log)

# cmd FIELD...: one command to the driver (fields joined by TABs)
cmd() { local IFS=$'\t'; printf '%s\n' "$*" >&"$CMD_FD"; }
# has PATTERN: the driver printed a line matching PATTERN (grep -E)
has() { grep -Eq -- "$1" "$LOG"; }
count() { grep -Ec -- "$1" "$LOG"; }
sbx() { echo "$W/slaves/S0/frameworks/$1/executors/$2/runs/latest"; }
# exec_log FW EXEC: what em-test-executor printed
exec_log() { cat "$(sbx "$1" "$2")/stdout" 2>/dev/null; }
exec_has() { exec_log "$1" "$2" | grep -Eq -- "$3"; }
call() { "$EXE" call "http://$IP:$PORT/api/v1/executor" "$@"; }
run_exec() { # launch FW TASK EXEC [executor options...]
	local fw=$1 task=$2 ex=$3; shift 3
	local args=(arg=em-test-executor arg=run) o
	for o in "$@"; do args+=("arg=$o"); done
	cmd launch "$fw" "$task" "$ex" cmd=em-test-executor shell=0 "${args[@]}" \
		"uri=file://$EXE|exec" "${EXTRA[@]}"
}
EXTRA=()

test_expect_success 'web server with archives and scripts' '
	mkdir -p www/src/inner && echo payload >www/src/inner/data.txt &&
	tar -C www/src -czf www/bundle.tar.gz inner &&
	python3 -c "import zipfile; z=zipfile.ZipFile(\"www/pack.zip\",\"w\"); z.writestr(\"zipped.txt\",\"zip payload\"); z.close()" &&
	echo plain >www/plain.txt &&
	tar -C www/src -cjf www/b2.tar.bz2 inner && mkdir -p www/x/inner_xz && echo xz >www/x/inner_xz/x.txt &&
	tar -C www/x -cJf www/b3.tar.xz inner_xz && echo solo >www/solo.txt && gzip -k www/solo.txt &&
	mv www/solo.txt www/solo.orig &&
	printf "#!/bin/sh\n/usr/bin/env >env.out\nexec sleep 100\n" >www/dumpenv.sh &&
	WEB=$(free_port) &&
	spawn web python3 -m http.server "$WEB" --bind 127.0.0.1 --directory www &&
	wait_until 10 "curl -sf http://127.0.0.1:$WEB/plain.txt >/dev/null"
'

test_expect_success 'the agent starts on its own address' '
	mkfifo cmds && exec {CMD_FD}<>cmds &&
	export EM_MARKER=leaked HOME=/root/should-not-be-seen &&
	spawn agent bash -c "exec \"\$0\" \"\$@\" <cmds >$LOG" "$DRIVE" -work-dir="$W" -ip=$IP \
		-port-file=port -executor-registration-timeout=4s -status-update-retry-min=300ms \
		-status-update-retry-max=1s -executor-reregistration-timeout=2s \
		-agent-recovery-delay=500ms -executor-shutdown-grace-period=1s \
		-fetcher-stall-timeout=1500ms &&
	AGENT_PID=$SPAWNED_PID &&
	wait_until 10 "test -s port" && PORT=$(cat port) &&
	cmd framework F1 && cmd framework F2 checkpoint && cmd framework F3 killing &&
	wait_until 5 "test \$(count \"^OK framework\") = 3"
'

# ---------------------------------------------------------- command tasks

test_expect_success 'command task: STARTING, RUNNING, FAILED with the exit status' '
	cmd launch F1 c1 - "cmd=echo out; echo err >&2; exit 3" &&
	wait_until 10 "has \"task=c1 state=TASK_FAILED\"" &&
	has "task=c1 state=TASK_STARTING source=SOURCE_EXECUTOR" &&
	has "task=c1 state=TASK_RUNNING source=SOURCE_EXECUTOR" &&
	has "task=c1 state=TASK_FAILED source=SOURCE_EXECUTOR .*msg=Command exited with status 3$" &&
	test "$(cat "$(sbx F1 c1)/stdout")" = out &&
	grep -q "^err$" "$(sbx F1 c1)/stderr"
'

test_expect_success 'command task: exit 0 is TASK_FINISHED; argv form runs arguments as the whole argv' '
	cmd launch F1 c2 - cmd=/bin/sh shell=0 arg=mysh arg=-c "arg=echo \$0 >argv0" &&
	wait_until 10 "has \"task=c2 state=TASK_FINISHED .*status 0\"" &&
	test "$(cat "$(sbx F1 c2)/argv0")" = mysh
'

test_expect_success 'command task: KILL is SIGTERM, then SIGKILL after the grace period' '
	cmd launch F1 c3 - "cmd=trap \"\" TERM; echo started; sleep 100" &&
	wait_until 10 "has \"task=c3 state=TASK_RUNNING\" && grep -q started \"$(sbx F1 c3)/stdout\"" &&
	cmd kill F1 c3 700 &&
	wait_until 10 "has \"task=c3 state=TASK_KILLED\"" &&
	has "task=c3 state=TASK_KILLED source=SOURCE_EXECUTOR .*terminated with signal Killed" &&
	cmd launch F1 c4 - "cmd=sleep 100" &&
	wait_until 10 "has \"task=c4 state=TASK_RUNNING\"" && cmd kill F1 c4 &&
	wait_until 10 "has \"task=c4 state=TASK_KILLED .*signal Terminated\""
'

test_expect_success 'command task of a TASK_KILLING_STATE framework sends TASK_KILLING first' '
	cmd launch F3 c5 - "cmd=sleep 100" &&
	wait_until 10 "has \"task=c5 state=TASK_RUNNING\"" && cmd kill F3 c5 &&
	wait_until 10 "has \"task=c5 state=TASK_KILLED\"" &&
	test "$(grep -E "task=c5 " "$LOG" | sed -n "s/.*state=\([A-Z_]*\).*/\1/p" | tr "\n" " ")" = \
		"TASK_STARTING TASK_RUNNING TASK_KILLING TASK_KILLED "
'

# ---------------------------------------------------------- environment

test_expect_success 'the executor environment is exactly the MESOS_* list (argv executor)' '
	cmd launch F1 envtask - cmd=/usr/bin/env shell=0 arg=env env=FOO=bar env=MESOS_CHECKPOINT=overridden &&
	wait_until 10 "has \"task=envtask state=TASK_FINISHED\"" &&
	S=$(cd "$(sbx F1 envtask)" && pwd -P) &&
	sed "s/=.*//" "$S/stdout" | sort >names &&
	printf "%s\n" FOO LIBPROCESS_PORT MESOS_AGENT_ENDPOINT MESOS_CHECKPOINT MESOS_DIRECTORY \
		MESOS_EXECUTOR_ID MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD MESOS_FRAMEWORK_ID \
		MESOS_HTTP_COMMAND_EXECUTOR MESOS_SANDBOX MESOS_SLAVE_ID MESOS_SLAVE_PID PATH | sort >expect &&
	test_cmp expect names &&
	grep -qx "MESOS_AGENT_ENDPOINT=$IP:$PORT" "$S/stdout" &&
	grep -qx "MESOS_SLAVE_PID=slave(1)@$IP:$PORT" "$S/stdout" &&
	grep -qx "MESOS_CHECKPOINT=overridden" "$S/stdout" &&
	grep -qx "MESOS_HTTP_COMMAND_EXECUTOR=0" "$S/stdout" &&
	grep -qx "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=1secs" "$S/stdout" &&
	grep -qx "LIBPROCESS_PORT=0" "$S/stdout" &&
	grep -qx "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$S/stdout" &&
	grep -qx "MESOS_SLAVE_ID=S0" "$S/stdout" &&
	grep -qx "MESOS_EXECUTOR_ID=envtask" "$S/stdout" &&
	grep -q "^MESOS_DIRECTORY=$W/slaves/S0/frameworks/F1/executors/envtask/runs/[0-9a-f-]\{36\}$" "$S/stdout" &&
	! grep -q "EM_MARKER\|^HOME=" "$S/stdout" &&
	test "$(readlink "$W/slaves/S0/frameworks/F1/executors/envtask/runs/latest")" = "$(basename "$S")"
'

test_expect_success 'a checkpointing framework adds MESOS_RECOVERY_TIMEOUT and MESOS_SUBSCRIPTION_BACKOFF_MAX (script from http, executable)' '
	cmd launch F2 envexec Eenv cmd=./dumpenv.sh shell=0 arg=dumpenv.sh "uri=http://127.0.0.1:$WEB/dumpenv.sh|exec" &&
	wait_until 10 "test -s \"$(sbx F2 Eenv)/env.out\"" &&
	E=$(sbx F2 Eenv)/env.out &&
	grep -qx "MESOS_CHECKPOINT=1" "$E" && grep -qx "MESOS_RECOVERY_TIMEOUT=15mins" "$E" &&
	grep -qx "MESOS_SUBSCRIPTION_BACKOFF_MAX=2secs" "$E" &&
	grep -qx "MESOS_EXECUTOR_ID=Eenv" "$E" &&
	! grep -q "EM_MARKER\|^HOME=" "$E" &&
	test "$(stat -c %a "$(sbx F2 Eenv)/dumpenv.sh")" = 755
'

test_expect_success 'an executor that never subscribes: TASK_FAILED REASON_EXECUTOR_REGISTRATION_TIMEOUT and FAILURE' '
	wait_until 10 "has \"task=envexec state=TASK_FAILED\"" &&
	has "task=envexec state=TASK_FAILED source=SOURCE_AGENT reason=REASON_EXECUTOR_REGISTRATION_TIMEOUT .*exec=Eenv .*msg=Executor did not register within 4secs" &&
	wait_until 5 "has \"FAILURE exec=Eenv status=9$\""
'

# ---------------------------------------------------------- fetcher

test_expect_success 'fetch: http archive extracted (archive kept), zip, query-string basename, output_file, file:// and bare paths' '
	echo local >"$EM_TMP/local.txt" && echo bare >"$EM_TMP/bare.txt" &&
	cmd launch F1 f1 - "cmd=ls -R >listing" \
		"uri=http://127.0.0.1:$WEB/bundle.tar.gz" "uri=http://127.0.0.1:$WEB/pack.zip" \
		"uri=http://127.0.0.1:$WEB/plain.txt?v=1" \
		"uri=http://127.0.0.1:$WEB/plain.txt|out=sub/dir/renamed.txt" \
		"uri=file://$EM_TMP/local.txt" "uri=$EM_TMP/bare.txt|noextract" \
		"uri=http://127.0.0.1:$WEB/bundle.tar.gz|noextract|out=raw.tar.gz" &&
	wait_until 15 "has \"task=f1 state=TASK_FINISHED\"" && S=$(sbx F1 f1) &&
	test "$(cat "$S/inner/data.txt")" = payload && test -f "$S/bundle.tar.gz" &&
	test "$(cat "$S/zipped.txt")" = "zip payload" &&
	test "$(cat "$S/plain.txt?v=1")" = plain &&
	test "$(cat "$S/sub/dir/renamed.txt")" = plain &&
	test "$(cat "$S/local.txt")" = local && test "$(cat "$S/bare.txt")" = bare &&
	test -f "$S/raw.tar.gz" && test "$(stat -c %a "$S/local.txt")" != 755 &&
	grep -q "Fetching URI .http://127.0.0.1:$WEB/bundle.tar.gz" "$S/stderr"
'

test_expect_success 'fetch: .tar.bz2, .tar.xz, a bare .gz, and a redirect followed to its 200' '
	cmd launch F1 f1b - cmd=true "uri=http://127.0.0.1:$WEB/b2.tar.bz2" \
		"uri=http://127.0.0.1:$WEB/b3.tar.xz" "uri=http://127.0.0.1:$WEB/solo.txt.gz" \
		"uri=http://127.0.0.1:$WEB/src|out=listing.html" &&
	wait_until 15 "has \"task=f1b state=TASK_FINISHED\"" && S=$(sbx F1 f1b) &&
	test "$(cat "$S/inner/data.txt")" = payload && test "$(cat "$S/inner_xz/x.txt")" = xz &&
	test "$(cat "$S/solo.txt")" = solo && test -f "$S/solo.txt.gz" &&
	grep -q "inner/" "$S/listing.html"
'

test_expect_success 'fetch: a URI without a path is malformed' '
	cmd launch F1 f1c - cmd=true "uri=http://127.0.0.1:$WEB" &&
	wait_until 10 "has \"task=f1c state=TASK_FAILED\"" &&
	has "task=f1c state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*Malformed URI \(missing path\): http://127.0.0.1:$WEB$"
'

test_expect_success 'fetch: a download that stalls past --fetcher-stall-timeout fails; a slow steady one does not' '
	SLOW=$(free_port) && spawn httpd "$HTTPD" -port=$SLOW -bind=127.0.0.1 &&
	wait_until 10 "grep -q \"^listening on port\" \"$EM_TMP/httpd.log\"" &&
	cmd launch F1 f1d - cmd=true "uri=http://127.0.0.1:$SLOW/stream?n=3&ms=3000|out=slow.txt" &&
	cmd launch F1 f1e - cmd=true "uri=http://127.0.0.1:$SLOW/stream?n=6&ms=500|out=steady.txt" &&
	wait_until 15 "has \"task=f1d state=TASK_FAILED\" && has \"task=f1e state=TASK_FINISHED\"" &&
	has "task=f1d state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*stream\?n=3&ms=3000.*no data for 1500 ms"
'

test_expect_success 'fetch: an answer other than 200 fails the launch, naming the URI and the code' '
	cmd launch F1 f2 - cmd=true "uri=http://127.0.0.1:$WEB/missing.bin" &&
	wait_until 10 "has \"task=f2 state=TASK_FAILED\"" &&
	has "task=f2 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_CONTAINER_LAUNCH_FAILED .*Failed to fetch .http://127.0.0.1:$WEB/missing.bin.: Error downloading resource, received HTTP return code 404" &&
	! has "task=f2 state=TASK_RUNNING"
'

test_expect_success 'fetch: refused output_file with .., missing local file, relative path, unknown scheme; the executor never starts' '
	cmd launch F1 f3 - cmd=true "uri=http://127.0.0.1:$WEB/plain.txt|out=../escape.txt" &&
	cmd launch F1 f4 - cmd=true "uri=file://$EM_TMP/nope.txt" &&
	cmd launch F1 f5 - cmd=true "uri=relative/x.txt" &&
	cmd launch F1 f6 - cmd=true "uri=hdfs://nn/x.tar.gz" &&
	cmd launch F2 f7 Ef7 cmd=true "uri=http://127.0.0.1:1/x" &&
	wait_until 10 "has \"task=f7 state=TASK_FAILED\" && has \"task=f6 state=TASK_FAILED\"" &&
	has "task=f3 state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*must be a relative path without" &&
	has "task=f4 state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*nope.txt.*No such file" &&
	has "task=f5 state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*relative path" &&
	has "task=f6 state=TASK_FAILED .*REASON_CONTAINER_LAUNCH_FAILED .*hdfs://nn/x.tar.gz.*unsupported URI scheme" &&
	has "task=f7 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_CONTAINER_LAUNCH_FAILED .*exec=Ef7 " &&
	wait_until 5 "has \"FAILURE exec=Ef7 status=256\"" &&
	test ! -e "$W/slaves/S0/frameworks/F1/executors/f3/escape.txt"
'

# ---------------------------------------------------------- executor API

test_expect_success 'executor API: header and parse errors with Mesos texts' '
	call F1 E9 heartbeat -ct=none >o && test "$(cat o)" = "400 Expecting '"'"'Content-Type'"'"' to be present" &&
	call F1 E9 heartbeat -ct=text/plain >o &&
	test "$(cat o)" = "415 Expecting '"'"'Content-Type'"'"' of application/json or application/x-protobuf" &&
	call F1 E9 heartbeat "-ct=application/x-protobuf; charset=utf-8" >o && grep -q "^415 " o &&
	call F1 E9 heartbeat -ct=application/json >o && grep -q "^415 .*protobuf only" o &&
	call F1 E9 garbage >o && test "$(cat o)" = "400 Failed to parse body into Call protobuf" &&
	call F1 E9 update-nouuid >o &&
	test "$(cat o)" = "400 Failed to validate Executor::Call: Expecting '"'"'uuid'"'"' to be present" &&
	call F1 E9 update-baduuid >o && test "$(cat o)" = "400 Failed to validate Executor::Call: Not a valid UUID" &&
	call F1 E9 update-source >o && grep -q "^400 Failed to validate Executor::Call: Received Call from executor E9 of framework F1 with invalid source, expecting '"'"'SOURCE_EXECUTOR'"'"'$" o &&
	call F1 E9 update-staging >o && grep -q "^400 Failed to validate Executor::Call: Received TASK_STAGING from executor E9" o &&
	call F1 E9 update-execid >o && grep -q "^400 Failed to validate Executor::Call: ExecutorID in Call: E9 does not match ExecutorID in TaskStatus: someone-else" o &&
	call nosuchfw E9 heartbeat >o && test "$(cat o)" = "400 Framework cannot be found" &&
	call F1 E9 heartbeat >o && test "$(cat o)" = "400 Executor cannot be found" &&
	call F1 E9 subscribe -accept=text/html >o &&
	test "$(cat o)" = "406 Expecting '"'"'Accept'"'"' to allow '"'"'application/x-protobuf'"'"' or '"'"'application/json'"'"'" &&
	curl -s -o body -w "%{http_code}" "http://$IP:$PORT/api/v1/executor" >code &&
	test "$(cat code)" = 405 && grep -q "Expecting one of { .POST. }, but received .GET." body
'

test_expect_success 'executor API: 403 before SUBSCRIBE, then SUBSCRIBE is 200 without Mesos-Stream-Id' '
	cmd launch F1 sub1 Esub cmd=./dumpenv.sh shell=0 arg=dumpenv.sh "uri=http://127.0.0.1:$WEB/dumpenv.sh|exec" &&
	wait_until 10 "test -s \"$(sbx F1 Esub)/env.out\"" &&
	call F1 Esub update sub1 >o && test "$(cat o)" = "403 Executor is not subscribed" &&
	call F1 Esub message >o && test "$(cat o)" = "403 Executor is not subscribed" &&
	call F1 Esub subscribe >o && grep -q "^200 stream" o && ! grep -q Mesos-Stream-Id o &&
	call F1 Esub subscribe -accept=none >o && grep -q "^200 stream" o &&
	call F1 Esub update sub1 >o && test "$(cat o)" = "202 " &&
	wait_until 5 "has \"task=sub1 state=TASK_RUNNING source=SOURCE_EXECUTOR .*exec=Esub\"" &&
	cmd shutdown F1 Esub && wait_until 5 "has \"FAILURE exec=Esub status=9\"" &&
	has "task=sub1 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_EXECUTOR_TERMINATED .*msg=Executor terminated$"
'

test_expect_success 'executor: SUBSCRIBED, LAUNCH, UPDATE 202 and ACKNOWLEDGED; MESSAGE both ways; KILL' '
	run_exec F1 t1 E1 -echo &&
	wait_until 10 "has \"task=t1 state=TASK_RUNNING source=SOURCE_EXECUTOR\"" &&
	has "task=t1 state=TASK_RUNNING source=SOURCE_EXECUTOR reason=- uuid=[0-9a-f-]{36} agent=S0 exec=E1 cid=[0-9a-f-]{36}" &&
	wait_until 5 "exec_has F1 E1 \"^EVENT ACKNOWLEDGED t1\" && exec_has F1 E1 \"^POST UPDATE -> 202\"" &&
	exec_has F1 E1 "^EVENT SUBSCRIBED agent=S0" && exec_has F1 E1 "^EVENT LAUNCH t1" &&
	cmd message F1 E1 ping &&
	wait_until 5 "has \"^MESSAGE exec=E1 data=ping\"" && exec_has F1 E1 "^EVENT MESSAGE ping" &&
	cmd kill F1 t1 && wait_until 5 "has \"task=t1 state=TASK_KILLED source=SOURCE_EXECUTOR\"" &&
	exec_has F1 E1 "^EVENT KILL t1"
'

test_expect_success 'a second task on a running executor is delivered as LAUNCH' '
	run_exec F1 t1b E1 &&
	wait_until 5 "has \"task=t1b state=TASK_RUNNING source=SOURCE_EXECUTOR .*exec=E1\"" &&
	exec_has F1 E1 "^EVENT LAUNCH t1b" && test "$(exec_log F1 E1 | grep -c "^EVENT SUBSCRIBED")" = 1
'

test_expect_success 'unacknowledged update is resent with the same uuid and holds back the next one' '
	cmd autoack off &&
	run_exec F1 t2 E2 -updates=TASK_STARTING,TASK_RUNNING &&
	wait_until 10 "test \$(count \"task=t2 state=TASK_STARTING\") -ge 3" &&
	test "$(grep "task=t2 " "$LOG" | sed -n "s/.*uuid=\([^ ]*\).*/\1/p" | sort -u | wc -l)" = 1 &&
	! has "task=t2 state=TASK_RUNNING" &&
	test "$(exec_log F1 E2 | grep -c "^EVENT ACKNOWLEDGED t2")" = 2 &&
	cmd ack-last F1 t2 &&
	wait_until 5 "has \"task=t2 state=TASK_RUNNING\"" &&
	n=$(count "task=t2 state=TASK_STARTING") && sleep 1 &&
	test "$(count "task=t2 state=TASK_STARTING")" = "$n" &&
	cmd ack-last F1 t2 && cmd autoack on
'

test_expect_success 'a duplicate update (same uuid) is acknowledged but forwarded once' '
	run_exec F1 t3 E3 -dup &&
	wait_until 5 "test \$(exec_log F1 E3 | grep -c \"^EVENT ACKNOWLEDGED t3\") = 2" &&
	test "$(exec_log F1 E3 | grep -c "^POST UPDATE.* -> 202")" = 2 &&
	sleep 0.5 && test "$(count "task=t3 state=TASK_RUNNING")" = 1
'

test_expect_success 'executor exit: TASK_FAILED REASON_EXECUTOR_TERMINATED (SOURCE_AGENT, uuid) and FAILURE with the wait status' '
	run_exec F1 t4 E4 -exit-after-ack=3 &&
	wait_until 10 "has \"FAILURE exec=E4 status=768\"" &&
	has "task=t4 state=TASK_RUNNING source=SOURCE_EXECUTOR" &&
	has "task=t4 state=TASK_FAILED source=SOURCE_AGENT reason=REASON_EXECUTOR_TERMINATED uuid=[0-9a-f-]{36} .*msg=Executor terminated$"
'

test_expect_success 'SHUTDOWN ignored by the executor: SIGKILL after its shutdown_grace_period' '
	EXTRA=(grace=400) && run_exec F1 t5 E5 -ignore-shutdown && EXTRA=() &&
	wait_until 10 "has \"task=t5 state=TASK_RUNNING\"" &&
	cmd shutdown F1 E5 &&
	wait_until 5 "has \"FAILURE exec=E5 status=9\"" && exec_has F1 E5 "^EVENT SHUTDOWN"
'

test_expect_success 'persistent volume linked into the sandbox at container_path' '
	cmd launch F1 v1 - "cmd=echo hello >data/etcd/f" "vol=pv1:data/etcd" &&
	wait_until 10 "has \"task=v1 state=TASK_FINISHED\"" &&
	test "$(readlink "$(sbx F1 v1)/data/etcd")" = "$W/volumes/roles/etcd/pv1" &&
	test "$(cat "$W/volumes/roles/etcd/pv1/f")" = hello
'

# ---------------------------------------------------------- chaos

test_expect_success 'signal a task: its processes, not the executor; SIGSTOP and SIGCONT' '
	run_exec F1 t7 E7 "-spawn=exec sleep 1000" &&
	wait_until 10 "has \"task=t7 state=TASK_RUNNING\" && exec_has F1 E7 \"^SPAWNED\"" &&
	child=$(exec_log F1 E7 | sed -n "s/^SPAWNED //p") &&
	cmd signal-task t7 19 && wait_until 5 "grep -q \"^State:.*stopped\" /proc/$child/status" &&
	cmd signal-task t7 18 && wait_until 5 "! grep -q \"^State:.*stopped\" /proc/$child/status" &&
	cmd signal-task t7 9 && wait_until 5 "! pid_alive $child" &&
	! has "FAILURE exec=E7"
'

test_expect_success 'agent restart: a checkpointing executor re-subscribes (503 while recovering); others are killed; command tasks likewise' '
	run_exec F2 r1 R1 -resubscribe && run_exec F1 r2 R2 &&
	cmd launch F1 cr1 - "cmd=sleep 100" && cmd launch F2 cr2 - "cmd=sleep 100" &&
	wait_until 10 "has \"task=r1 state=TASK_RUNNING\" && has \"task=r2 state=TASK_RUNNING\" && has \"task=cr2 state=TASK_RUNNING\" && has \"task=cr1 state=TASK_RUNNING\"" &&
	cmd agent-restart &&
	wait_until 10 "has \"task=r2 state=TASK_LOST source=SOURCE_AGENT reason=REASON_AGENT_RESTARTED\"" &&
	wait_until 5 "has \"FAILURE exec=R2\"" &&
	wait_until 10 "test \$(exec_log F2 R1 | grep -c \"^EVENT SUBSCRIBED\") = 2" &&
	exec_log F2 R1 | grep -q "^SUBSCRIBE -> 503" &&
	sleep 2.5 && ! has "task=r1 state=TASK_(LOST|FAILED|GONE)" && ! has "FAILURE exec=R1" &&
	cmd kill F2 r1 && wait_until 5 "has \"task=r1 state=TASK_KILLED source=SOURCE_EXECUTOR\"" &&
	has "task=cr1 state=TASK_LOST source=SOURCE_AGENT reason=REASON_AGENT_RESTARTED" &&
	! has "task=cr2 state=TASK_LOST" && cmd kill F2 cr2 &&
	wait_until 5 "has \"task=cr2 state=TASK_KILLED source=SOURCE_EXECUTOR\""
'

test_expect_success 're-SUBSCRIBE: unacknowledged updates are stored and ACKNOWLEDGED; a STAGING task not listed is TASK_LOST' '
	run_exec F2 u1 U1 -resubscribe -no-post &&
	run_exec F2 u2 U2 -resubscribe -updates= -forget-tasks &&
	run_exec F2 u3 U3 -resubscribe -updates= &&
	wait_until 10 "exec_has F2 U1 \"^HELD UPDATE\" && exec_has F2 U2 \"^EVENT LAUNCH u2\" && exec_has F2 U3 \"^EVENT LAUNCH u3\"" &&
	! has "task=u1 " && cmd agent-restart &&
	wait_until 10 "has \"task=u1 state=TASK_RUNNING source=SOURCE_EXECUTOR\"" &&
	wait_until 5 "exec_has F2 U1 \"^EVENT ACKNOWLEDGED u1\"" &&
	wait_until 5 "has \"task=u2 state=TASK_LOST source=SOURCE_AGENT reason=REASON_AGENT_RESTARTED\"" &&
	sleep 2.5 && ! has "task=u3 " && ! has "FAILURE exec=U[123]"
'

test_expect_success 'agent restart: a checkpointing executor that does not come back is destroyed after the reregistration timeout' '
	run_exec F2 r3 R3 &&
	wait_until 10 "has \"task=r3 state=TASK_RUNNING\"" &&
	cmd signal-exec F2 R3 19 && cmd agent-restart &&
	wait_until 10 "has \"task=r3 state=TASK_LOST source=SOURCE_AGENT reason=REASON_EXECUTOR_REREGISTRATION_TIMEOUT .*msg=Executor did not reregister within 2secs\"" &&
	wait_until 5 "has \"FAILURE exec=R3 status=9\""
'

test_expect_success 'agent kill: executors die, nothing is reported until the agent is back' '
	run_exec F1 k1 K1 &&
	wait_until 10 "has \"task=k1 state=TASK_RUNNING\"" &&
	cmd agent-kill && wait_until 5 "has \"^AGENT_DOWN\"" &&
	{ call F1 K1 heartbeat >o 2>&1; grep -q "^0 " o; } &&
	sleep 0.5 && ! has "task=k1 state=TASK_(LOST|GONE|FAILED)" && ! has "FAILURE exec=K1" &&
	cmd agent-restart && wait_until 5 "test \$(count \"^AGENT_UP\") -ge 3" &&
	wait_until 5 "has \"task=k1 state=TASK_LOST source=SOURCE_AGENT reason=REASON_AGENT_RESTARTED\"" &&
	wait_until 5 "has \"FAILURE exec=K1 status=9\""
'

test_expect_success 'framework removal kills its executors; the driver exits cleanly (no leaks)' '
	run_exec F3 z1 Z1 && wait_until 10 "has \"task=z1 state=TASK_RUNNING\"" &&
	zpid=$(sed -n "s/.*launched executor .Z1. of framework F3, pid \([0-9]*\),.*/\1/p" agent.log) &&
	test -n "$zpid" &&
	cmd remove-framework F3 && wait_until 5 "! pid_alive $zpid" &&
	cmd quit && wait_until 15 "! pid_alive $AGENT_PID" &&
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" agent.log
'

test_done
