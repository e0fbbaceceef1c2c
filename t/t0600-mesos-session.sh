#!/bin/bash
# lib/mesos/sched_session against t/mesos-sim (two masters, two agents):
# subscribe through a standby (307), heartbeats, every call type answered
# 202 with its effect seen in offers and updates, failover re-subscribe
# with the same framework id (the old stream gets ERROR), a silent stream
# dropped and re-subscribed, a master failover, no leader (503 + backoff),
# teardown then REMOVED, and wrong credentials (401). The driver is
# t/helpers/sched_probe.c, which prints one line per event.
test_description='Mesos scheduler session against mesos-sim'
. "$(dirname "$0")/test-lib.sh"

SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
PROBE=$EM_BUILD_ROOT/t/sched_probe
[[ -x $SIM && -x $PROBE ]] || skip_all "mesos-sim or sched_probe not built in $EM_BUILD_ROOT/t"
test_have_prereq CURL || skip_all 'curl is not installed'
command -v python3 >/dev/null || skip_all 'python3 is not installed'

declare -A FD
# probe NAME ARGS...: starts a sched_probe reading NAME.in, printing NAME.out
probe() {
	local name=$1 fd; shift
	mkfifo "$name.in" && exec {fd}<>"$name.in" && FD[$name]=$fd &&
	spawn "$name" bash -c "exec \"\$0\" \"\$@\" <$name.in >$name.out" "$PROBE" "$@" &&
	eval "PID_$name=\$SPAWNED_PID"
}
pcmd() { local name=$1; shift; printf '%s\n' "$*" >&"${FD[$name]}"; }
has() { grep -Eq -- "$2" "$1.out"; }
count() { grep -Ec -- "$2" "$1.out"; }
# ctl PATH: a control API call to the sim
ctl() { curl -sf -X POST "http://127.0.0.1:$CTL$1" >/dev/null; }
state() { curl -sf "http://127.0.0.1:$CTL/state"; }
# fw_field ID FIELD: a framework's field in the sim's /state, as JSON
fw_field() {
	state | python3 -c 'import json,sys; s=json.load(sys.stdin); i,f=sys.argv[1:]
print(json.dumps([x[f] for x in s["frameworks"] if x["id"]==i][0]))' "$1" "$2"
}
fwid() { sed -n 's/^subscribed fw=\([^ ]*\).*/\1/p' "$1.out" | tail -n 1; }

start_sim() { # NAME ARGS...: port file NAME.port
	local name=$1; shift
	spawn "$name" "$SIM" --work-dir="$EM_TMP/$name-work" --port-file="$name.port" "$@" &&
	wait_until 15 "grep -q ^control= $name.port"
}

test_expect_success 'mesos-sim with two masters and two agents' '
	start_sim sim --masters=2 --agents=2 --heartbeat=0.3 &&
	MASTERS=$(sed -n "s/^masters=//p" sim.port) && CTL=$(sed -n "s/^control=//p" sim.port) &&
	LEADER=${MASTERS%%,*} && STANDBY=${MASTERS##*,} &&
	test "$LEADER" != "$STANDBY"
'

test_expect_success 'SUBSCRIBE to a standby follows the 307 to the leader' '
	probe a --master=127.0.0.1:$STANDBY --role=etcd --principal=p1 --backoff-max-ms=1000 &&
	wait_until 10 "has a \"^subscribed fw=\"" &&
	has a "^subscribed fw=.* heartbeat=0.3 master=http://127.0.0.1:$LEADER/api/v1/scheduler$" &&
	pcmd a stats && wait_until 5 "has a \"^stats .*redirects=1 \""
'

test_expect_success 'FrameworkInfo as sent: MULTI_ROLE, role etcd, checkpoint, principal' '
	F=$(fwid a) && test -n "$F" &&
	test "$(fw_field "$F" roles)" = "[\"etcd\"]" &&
	test "$(fw_field "$F" principal)" = "\"p1\"" &&
	test "$(fw_field "$F" checkpoint)" = true &&
	test "$(fw_field "$F" failover_timeout)" = 60 &&
	fw_field "$F" capabilities | grep -q MULTI_ROLE &&
	fw_field "$F" capabilities | grep -q PARTITION_AWARE
'

test_expect_success 'heartbeats arrive on the stream' '
	wait_until 5 "test \$(count a ^heartbeat) -ge 5"
'

test_expect_success 'offers arrive, one per agent' '
	wait_until 5 "test \$(count a ^offer) -ge 2"
'

test_expect_success 'ACCEPT RESERVE, CREATE, DESTROY, UNRESERVE: 202 and the offers show it' '
	pcmd a reserve &&
	wait_until 10 "has a \"^offer .*role_cpus=0.1 role_disk=16 volumes=-\"" &&
	pcmd a create vol1 && wait_until 10 "has a \"^offer .*volumes=vol1\"" &&
	pcmd a destroy vol1 &&
	wait_until 10 "test \$(count a \"^offer .*role_disk=16 volumes=-\") -ge 2" &&
	pcmd a unreserve &&
	wait_until 5 "test \$(count a \"^call ACCEPT status=202 err=0$\") = 4" &&
	wait_until 10 "grep ^offer a.out | tail -n 1 | grep -q \"role_cpus=0 role_disk=0 volumes=-\""
'

test_expect_success 'ACCEPT LAUNCH: updates with a uuid are acknowledged (202)' '
	pcmd a launch t1 sleep 60 &&
	wait_until 10 "has a \"^update task=t1 state=TASK_RUNNING source=SOURCE_EXECUTOR .*uuid=yes\"" &&
	wait_until 5 "test \$(count a \"^call ACKNOWLEDGE status=202\") -ge 2" &&
	test "$(count a "^call ACCEPT status=202 err=0$")" = 5
'

test_expect_success 'RECONCILE explicit and implicit: answers without uuid, not acknowledged' '
	acks=$(count a "^call ACKNOWLEDGE") &&
	pcmd a reconcile t1 nosuch &&
	wait_until 5 "has a \"^update task=nosuch state=TASK_UNKNOWN .*REASON_RECONCILIATION uuid=no\"" &&
	pcmd a reconcile &&
	wait_until 5 "test \$(count a \"^call RECONCILE status=202\") = 2" &&
	wait_until 5 "test \$(count a \"^update task=t1 state=TASK_RUNNING source=SOURCE_MASTER .*uuid=no\") -ge 2" &&
	test "$(count a "^call ACKNOWLEDGE")" = "$acks"
'

test_expect_success 'KILL: TASK_KILLED from the executor, acknowledged' '
	pcmd a kill t1 &&
	wait_until 10 "has a \"^update task=t1 state=TASK_KILLED .*uuid=yes\"" &&
	has a "^call KILL status=202 err=0$"
'

test_expect_success 'MESSAGE, SHUTDOWN, SUPPRESS, REVIVE, DECLINE: 202 each' '
	pcmd a message S0 nosuch-executor hello &&
	pcmd a shutdown nosuch-executor S0 &&
	pcmd a suppress etcd &&
	wait_until 5 "has a \"^call SUPPRESS status=202\"" &&
	test "$(fw_field "$(fwid a)" suppressed_roles)" = "[\"etcd\"]" &&
	pcmd a revive etcd &&
	wait_until 5 "has a \"^call REVIVE status=202\"" &&
	test "$(fw_field "$(fwid a)" suppressed_roles)" = "[]" &&
	wait_until 10 "has a \"^offer \"" && pcmd a decline 3600 &&
	wait_until 5 "has a \"^call DECLINE status=202 err=0$\"" &&
	has a "^call MESSAGE status=202 err=0$" && has a "^call SHUTDOWN status=202 err=0$"
'

test_expect_success 'failover: a second scheduler with the same id takes over; the old stream gets ERROR' '
	F=$(fwid a) &&
	probe b --master=127.0.0.1:$LEADER --fw-id="$F" --role=etcd --principal=p1 &&
	wait_until 10 "has b \"^subscribed fw=$F \"" &&
	wait_until 10 "has a \"^error kind=FAILED_OVER status=0 msg=Framework failed over$\"" &&
	test "$(fw_field "$F" stream_id)" != "\"\"" &&
	pcmd a revive && wait_until 5 "has a \"^refused revive err=-107$\""
'

test_expect_success 'a silent stream is dropped after 5 heartbeat intervals and re-subscribed' '
	F=$(fwid b) && n=$(count b "^subscribed fw=$F ") &&
	ctl "/framework/delay?id=$F&ms=4000" &&
	wait_until 10 "has b \"^disconnected reason=no event from .* for 5 heartbeat intervals\"" &&
	wait_until 15 "test \$(count b \"^subscribed fw=$F \") -gt $n"
'

test_expect_success 'master failover: the stream ends, the old leader redirects, same framework id' '
	F=$(fwid b) && n=$(count b "^subscribed fw=$F ") &&
	ctl "/master/failover?to=1" &&
	wait_until 10 "has b \"^disconnected reason=the event stream\"" &&
	wait_until 15 "test \$(count b \"^subscribed fw=$F .*master=http://127.0.0.1:$STANDBY/\") -ge 1" &&
	pcmd b stats && wait_until 5 "has b \"^stats .*redirects=[1-9]\""
'

test_expect_success 'no leader: 503, backoff, then subscribed again when a leader is back' '
	F=$(fwid b) && n=$(count b "^subscribed fw=$F ") &&
	ctl "/master/failover?none=1" &&
	wait_until 10 "has b \"^disconnected\"" && sleep 2 &&
	test "$(count b "^subscribed fw=$F ")" = "$n" &&
	grep -q "answered SUBSCRIBE with 503" b.log &&
	ctl "/master/failover?to=0" &&
	wait_until 20 "test \$(count b \"^subscribed fw=$F \") -gt $n"
'

test_expect_success 'TEARDOWN: 202, then re-subscribing is answered REMOVED' '
	pcmd b teardown &&
	wait_until 10 "has b \"^call TEARDOWN status=202 err=0$\"" &&
	wait_until 15 "has b \"^error kind=REMOVED status=0 msg=Framework has been removed$\""
'

test_expect_success 'the probes exit cleanly (no sanitizer report)' '
	pcmd a quit && pcmd b quit &&
	wait_until 10 "has a ^exit && has b ^exit" &&
	! grep -q "Sanitizer\|runtime error" a.log b.log
'

# ------------------------------------------- https through nginx (TLS)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX && -x $EM_BUILD_ROOT/t/em-certgen ]] && test_set_prereq NGINX

test_expect_success NGINX 'nginx terminating TLS in front of the leading master' '
	mkdir -p certs ng && "$EM_BUILD_ROOT/t/em-certgen" certs &&
	TLSP=$(free_port) &&
	cat >ng/nginx.conf <<-CONF &&
	daemon off;
	master_process off;
	user root;
	pid $EM_TMP/ng/nginx.pid;
	error_log $EM_TMP/ng/error.log info;
	events { worker_connections 64; }
	http {
		access_log off;
		client_body_temp_path $EM_TMP/ng/body;
		proxy_temp_path $EM_TMP/ng/proxy;
		fastcgi_temp_path $EM_TMP/ng/fastcgi;
		uwsgi_temp_path $EM_TMP/ng/uwsgi;
		scgi_temp_path $EM_TMP/ng/scgi;
		server {
			listen 127.0.0.1:$TLSP ssl;
			ssl_certificate $EM_TMP/certs/server.pem;
			ssl_certificate_key $EM_TMP/certs/server.key;
			location / {
				proxy_pass http://127.0.0.1:$LEADER;
				proxy_http_version 1.1;
				proxy_set_header Connection "";
				proxy_buffering off;
				proxy_read_timeout 300s;
			}
		}
	}
	CONF
	spawn nginx "$NGINX" -c "$EM_TMP/ng/nginx.conf" -p "$EM_TMP/ng" &&
	wait_until 10 "curl -s -o /dev/null --cacert certs/ca.pem https://127.0.0.1:$TLSP/"
'

test_expect_success NGINX 'https master verified with --ca-file: subscribed, events stream, calls answered' '
	probe t --master=https://127.0.0.1:$TLSP --ca-file=certs/ca.pem --role=etcd &&
	wait_until 10 "has t \"^subscribed fw=.*master=https://127.0.0.1:$TLSP/api/v1/scheduler$\"" &&
	wait_until 5 "test \$(count t ^heartbeat) -ge 3" &&
	wait_until 10 "has t ^offer" && pcmd t decline 60 &&
	wait_until 5 "has t \"^call DECLINE status=202 err=0$\"" &&
	pcmd t quit && wait_until 5 "has t ^exit"
'

test_expect_success NGINX 'https master with a certificate from another CA: refused, never subscribed' '
	probe u --master=https://127.0.0.1:$TLSP --ca-file=certs/other-ca.pem --backoff-max-ms=500 &&
	wait_until 10 "test \$(grep -c \"SUBSCRIBE to https.* failed: .*verif\" u.log) -ge 2" &&
	! has u ^subscribed &&
	pcmd u quit && wait_until 5 "has u ^exit"
'

test_expect_success 'mesos-sim requiring HTTP Basic authentication' '
	printf "{\"credentials\":[{\"principal\":\"p1\",\"secret\":\"s3cret\"}]}" >creds.json &&
	start_sim simauth --masters=1 --agents=1 --heartbeat=0.3 --credentials=creds.json &&
	AUTH=$(sed -n "s/^master=//p" simauth.port)
'

test_expect_success 'wrong secret: 401 reported to the owner, the secret never logged' '
	probe c --master=127.0.0.1:$AUTH --principal=p1 --secret=wrong-secret-xyz &&
	wait_until 10 "has c \"^error kind=REFUSED status=401 \"" &&
	pcmd c quit && wait_until 5 "has c ^exit" &&
	! grep -q "wrong-secret-xyz" c.log c.out
'

test_expect_success 'no credentials at all: 401 too' '
	probe d --master=127.0.0.1:$AUTH --principal=p1 &&
	wait_until 10 "has d \"^error kind=REFUSED status=401 \"" &&
	pcmd d quit && wait_until 5 "has d ^exit"
'

test_expect_success 'right secret: subscribed' '
	probe e --master=127.0.0.1:$AUTH --principal=p1 --secret=s3cret &&
	wait_until 10 "has e \"^subscribed fw=\"" &&
	pcmd e quit && wait_until 5 "has e ^exit" && ! grep -q s3cret e.log e.out
'

# ------------------------- a redirect naming the leader by its hostname
NAME=$(hostname)
getent hosts "$NAME" 2>/dev/null | grep -q "^127\.0\.0\.1[[:space:]]" && test_set_prereq HOSTNAME_LOCAL

test_expect_success HOSTNAME_LOCAL 'a 307 naming the leader by hostname: resolved off the loop, followed' '
	start_sim simname --masters=2 --agents=1 --heartbeat=0.3 --hostname="$NAME" &&
	NM=$(sed -n "s/^masters=//p" simname.port) && NLEAD=${NM%%,*} && NSTANDBY=${NM##*,} &&
	probe n --master=127.0.0.1:$NSTANDBY &&
	wait_until 15 "has n \"^subscribed fw=.*master=http://127.0.0.1:$NLEAD/api/v1/scheduler$\"" &&
	grep -q "redirected to $NAME, resolving that name" n.log &&
	grep -q "$NAME is 127.0.0.1" n.log &&
	pcmd n quit && wait_until 5 "has n ^exit"
'

# ------------------------------------------------- masters in ZooKeeper
ctlz() { curl -sf -X POST "http://127.0.0.1:$ZCTL$1" >/dev/null; }

test_expect_success ZOOKEEPER 'mesos-sim masters registered in a real ZooKeeper' '
	start_zookeeper &&
	start_sim simzk --masters=2 --agents=1 --heartbeat=0.3 --zk=zk://$ZK/mesos &&
	ZMASTERS=$(sed -n "s/^masters=//p" simzk.port) && ZCTL=$(sed -n "s/^control=//p" simzk.port) &&
	ZLEAD=${ZMASTERS%%,*} && ZSTANDBY=${ZMASTERS##*,}
'

test_expect_success ZOOKEEPER 'zk:// master: the leader is found in ZooKeeper and subscribed to' '
	probe z --master=zk://$ZK/mesos --role=etcd --principal=p1 --backoff-max-ms=1000 &&
	wait_until 20 "has z \"^subscribed fw=.*master=http://127.0.0.1:$ZLEAD/\"" &&
	grep -q "leader is 127.0.0.1:$ZLEAD (json.info_" z.log
'

test_expect_success ZOOKEEPER 'a leader change in ZooKeeper: same framework id on the new leader' '
	F=$(fwid z) &&
	ctlz "/master/failover?to=1" &&
	wait_until 20 "has z \"^subscribed fw=$F .*master=http://127.0.0.1:$ZSTANDBY/\"" &&
	grep -q "leader is 127.0.0.1:$ZSTANDBY" z.log
'

test_expect_success ZOOKEEPER 'no leader in ZooKeeper is tolerated; the next leader is followed' '
	F=$(fwid z) && n=$(count z "^subscribed fw=$F ") &&
	ctlz "/master/failover?none=1" &&
	wait_until 15 "grep -q \"no leading master\" z.log" &&
	ctlz "/master/failover?to=0" &&
	wait_until 20 "test \$(count z \"^subscribed fw=$F .*master=http://127.0.0.1:$ZLEAD/\") -ge 1" &&
	pcmd z quit && wait_until 10 "has z ^exit" &&
	! grep -q "Sanitizer\|runtime error" z.log
'

test_expect_success ZOOKEEPER 'a zk:// path that does not exist yet: followed once masters register' '
	probe y --master=zk://$ZK/later/mesos --role=etcd --backoff-max-ms=1000 &&
	wait_until 15 "grep -q \"no leading master\" y.log" &&
	start_sim simlater --masters=1 --agents=1 --heartbeat=0.3 --zk=zk://$ZK/later/mesos &&
	LM=$(sed -n "s/^masters=//p" simlater.port) &&
	wait_until 20 "has y \"^subscribed fw=.*master=http://127.0.0.1:$LM/\"" &&
	pcmd y quit && wait_until 10 "has y ^exit"
'

test_done
