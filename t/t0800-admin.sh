#!/bin/bash
# The scheduler's admin API and artifact server (cmd/scheduler/admin*.c,
# artifact.c) through t/admin_drive, checked with curl and jq: every
# endpoint's codes and fields, the Prometheus format, the token and the
# cross-site refusals (SAFETY.md section 7), dry runs, 409, a standby's
# 503, HTML escaping, and artifact downloads.
test_description='admin API and artifact server'
. "$(dirname "$0")/test-lib.sh"

DRIVE=$EM_BUILD_ROOT/t/admin_drive
TOKEN=tok-7f3a9c1e5b2d4a6f8e0c
test_have_prereq CURL || skip_all 'curl is not installed'
command -v jq >/dev/null || skip_all 'jq is not installed'
[[ -x $DRIVE ]] || skip_all "admin_drive not built in $EM_BUILD_ROOT/t"

listening() { grep -q '^listening admin=' "$EM_TMP/$1.log"; }
port_of() { sed -n "s/^listening admin=\([0-9]*\) artifact=\([0-9]*\)$/\\$2/p" "$EM_TMP/$1.log"; }
# code URL [curl args...]: prints the status code, body to ./body
code() { local u=$1; shift; curl -sS --max-time 10 -o body -w '%{http_code}' "$@" "$u"; }
auth=(-H "Authorization: Bearer $TOKEN")

# a member whose name and host try to break out of HTML, JSON and labels
write_state() {	# file healthy is_leader
	cat >"$1" <<-EOF
	{"running_servers":3,"launched_servers":5,"failed_servers":2,"cluster_livelocks":1,
	 "cluster_reseeds":0,"healthy":$2,"state":"$( [[ $2 == true ]] && echo healthy || echo no-quorum)",
	 "reason":"2 of 3 members <agree>","leader":"etcd-1","framework_id":"fw-0001",
	 "is_leader":$3,"leader_admin_url":"http://sched-a.example:23400",
	 "started_at_ms":1764000000000,"uptime_ms":3723500,
	 "members":[
	  {"name":"etcd-1","host":"10.0.0.1","peer_port":2380,"client_port":2379,"agent_id":"agent-1",
	   "task_id":"etcd-1 10.0.0.1 2380 2379 2381","state":"running","task_state":"TASK_RUNNING",
	   "leader":true,"up":true,"raft_index":"9007199254740993","client_url":"http://10.0.0.1:2379",
	   "last_seen_ms":1764003000000},
	  {"name":"etcd-2","host":"10.0.0.2","peer_port":2380,"client_port":2379,"agent_id":"agent-2",
	   "task_id":"t2","state":"running","task_state":"TASK_RUNNING","up":true,"raft_index":900,
	   "client_url":"http://10.0.0.2:2379","last_seen_ms":1764003000000},
	  {"name":"<script>alert(\"x\")</script>&'","host":"h\"o\\\\st\nx","peer_port":2480,
	   "client_port":2479,"agent_id":"agent-3","task_id":"t3","state":"lost","learner":true,
	   "up":false,"raft_index":100}
	 ]}
	EOF
}

test_expect_success 'state files and artifacts' '
	write_state leader.json true true &&
	write_state sick.json false true &&
	write_state standby.json true false &&
	jq -e .members[2].name leader.json >/dev/null &&
	head -c $((8 * 1024 * 1024 + 123)) /dev/urandom >etcd-mesos-executor &&
	head -c 300000 /dev/urandom >etcd &&
	head -c 1 /dev/urandom >etcdctl-3.4
'

test_expect_success 'leader, unhealthy and standby drivers start' '
	spawn leader "$DRIVE" -state=leader.json -admin-port=0 -artifact-port=0 -token=$TOKEN \
		-executor="$EM_TMP/etcd-mesos-executor" -etcd="$EM_TMP/etcd" -etcdctl="$EM_TMP/etcdctl-3.4" &&
	LEADER_PID=$SPAWNED_PID &&
	spawn sick "$DRIVE" -state=sick.json -admin-port=0 &&
	spawn standby "$DRIVE" -state=standby.json -admin-port=0 -token=$TOKEN &&
	wait_until 10 "listening leader && listening sick && listening standby" &&
	A=http://127.0.0.1:$(port_of leader 1) && F=http://127.0.0.1:$(port_of leader 2) &&
	S=http://127.0.0.1:$(port_of sick 1) && B=http://127.0.0.1:$(port_of standby 1) &&
	test "$A" != "$F"
'

test_expect_success 'GET /stats: the original names, healthy as the number 1' '
	test "$(code $A/stats)" = 200 &&
	jq -e ".running_servers == 3 and .launched_servers == 5 and .failed_servers == 2 and
		.cluster_livelocks == 1 and .cluster_reseeds == 0 and .healthy == 1 and
		(.healthy | type) == \"number\" and .state == \"healthy\" and
		.reason == \"2 of 3 members <agree>\" and .leader == \"etcd-1\" and
		.reseeding == false and .framework_id == \"fw-0001\" and .is_leader == true and
		.uptime_seconds == 3723" body
'

test_expect_success 'unhealthy: /stats healthy is 0, /healthz 500' '
	test "$(code $S/stats)" = 200 && jq -e ".healthy == 0 and .state == \"no-quorum\"" body &&
	test "$(code $S/healthz)" = 500 && jq -e ".healthy == false" body &&
	test "$(code $A/healthz)" = 200 && jq -e ".healthy == true" body
'

test_expect_success 'GET /membership and /members: both names for each field' '
	test "$(code $A/membership)" = 200 && mv body membership &&
	test "$(code $A/members)" = 200 && cmp body membership &&
	jq -e "length == 3" body &&
	jq -e ".[0] | .name == \"etcd-1\" and .host == \"10.0.0.1\" and .rpcPort == 2380 and
		.peerPort == 2380 and .clientPort == 2379 and .slaveID == \"agent-1\" and
		.agentID == \"agent-1\" and .taskID == \"etcd-1 10.0.0.1 2380 2379 2381\" and
		.state == \"running\" and .learner == false and .leader == true and
		.clientURL == \"http://10.0.0.1:2379\"" body &&
	jq -e ".[2] | .learner == true and .leader == false and .state == \"lost\" and
		.name == \"<script>alert(\\\"x\\\")</script>&'"'"'\"" body &&
	grep -q "\"raftIndex\":9007199254740993," body
'

test_expect_success 'GET /metrics: exposition format, escaped labels' '
	curl -sS --max-time 5 -D hdr -o metrics $A/metrics &&
	grep -qi "^Content-Type: text/plain; version=0.0.4" hdr &&
	# every line is a HELP, a TYPE or a sample
	! grep -vE "^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge)|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\",?)*\})? -?[0-9]+(\.[0-9]+)?)$" metrics &&
	# every sample has its TYPE line, before it
	awk "/^# TYPE /{t[\$3]=1; next} /^#/{next} {n=\$1; sub(/\\{.*/, \"\", n); if (!t[n]) { print \"no TYPE for \" n; bad=1 }} END{exit bad}" metrics &&
	grep -qx "etcd_mesos_launched_servers_total 5" metrics &&
	grep -qx "etcd_mesos_failed_servers_total 2" metrics &&
	grep -qx "etcd_mesos_cluster_livelocks_total 1" metrics &&
	grep -qx "etcd_mesos_cluster_reseeds_total 0" metrics &&
	grep -qx "# TYPE etcd_mesos_cluster_reseeds_total counter" metrics &&
	grep -qx "etcd_mesos_healthy 1" metrics &&
	grep -qx "etcd_mesos_is_leader 1" metrics &&
	grep -qx "etcd_mesos_member_raft_index{name=\"etcd-1\",host=\"10.0.0.1\"} 9007199254740993" metrics &&
	grep -qxF "etcd_mesos_member_up{name=\"<script>alert(\\\"x\\\")</script>&'"'"'\",host=\"h\\\"o\\\\st\\nx\"} 0" metrics &&
	grep -qxF "etcd_mesos_member_learner{name=\"etcd-2\",host=\"10.0.0.2\"} 0" metrics &&
	curl -sS --max-time 5 $S/metrics | grep -qx "etcd_mesos_healthy 0"
'

test_expect_success 'GET /: the status page escapes what comes from state' '
	curl -sS --max-time 5 -D hdr -o page.html $A/ &&
	grep -qi "^Content-Type: text/html" hdr &&
	grep -qi "^Content-Security-Policy: default-src .none." hdr &&
	grep -qF "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;" page.html &&
	grep -qF "2 of 3 members &lt;agree&gt;" page.html &&
	! grep -qi "<script" page.html &&
	! grep -qiE "(src|href)=\"(https?:)?//" page.html &&
	grep -q "etcd-1" page.html
'

test_expect_success 'unknown admin paths get 404, wrong methods 405' '
	test "$(code $A/nope)" = 404 &&
	test "$(code $A/stats/x)" = 404 &&
	test "$(code $A/stats -X POST)" = 405 &&
	test "$(code $A/teardown)" = 405
'

test_expect_success 'mutating routes need the token (constant-time compare in the server)' '
	test "$(code $A/reseed -X POST)" = 401 &&
	test "$(code "$A/reseed?dry_run=1")" = 401 &&
	test "$(code $A/teardown -X POST)" = 401 &&
	# same length, first byte wrong / last byte wrong; a prefix; a longer one
	test "$(code $A/reseed -X POST -H "Authorization: Bearer X${TOKEN:1}")" = 401 &&
	test "$(code $A/reseed -X POST -H "Authorization: Bearer ${TOKEN%?}X")" = 401 &&
	test "$(code $A/reseed -X POST -H "Authorization: Bearer ${TOKEN:0:5}")" = 401 &&
	test "$(code $A/reseed -X POST -H "Authorization: Bearer ${TOKEN}x")" = 401 &&
	test "$(code $A/reseed -X POST -H "Authorization: Basic $(printf "u:%s" $TOKEN | base64 -w0)")" = 401 &&
	! grep -q "action:" "$EM_TMP/leader.log" &&
	curl -sS --max-time 5 $A/stats | jq -e ".reseeding == false"
'

test_expect_success 'cross-site requests and foreign Origins are refused with 403' '
	test "$(code "$A/reseed?dry_run=1" "${auth[@]}" -H "Sec-Fetch-Site: cross-site")" = 403 &&
	test "$(code $A/reseed -X POST "${auth[@]}" -H "Sec-Fetch-Site: cross-site")" = 403 &&
	test "$(code $A/teardown -X POST "${auth[@]}" -H "Origin: http://evil.example")" = 403 &&
	test "$(code $A/reseed -X POST "${auth[@]}" -H "Origin: null")" = 403 &&
	test "$(code $A/reseed -X POST "${auth[@]}" -H "Origin: ${A}0")" = 403 &&
	! grep -q "action:" "$EM_TMP/leader.log" &&
	# the same site, or an Origin equal to Host, passes
	test "$(code "$A/reseed?dry_run=1" "${auth[@]}" -H "Sec-Fetch-Site: same-origin")" = 200 &&
	test "$(code "$A/reseed?dry_run=1" "${auth[@]}" -H "Origin: $A")" = 200
'

test_expect_success 'dry_run shows the ranking and plan without acting' '
	test "$(code "$A/reseed?dry_run=1" "${auth[@]}")" = 200 &&
	jq -e ".dry_run == true and .started == false and .chosen == \"etcd-1\" and
		[.ranking[].name] == [\"etcd-1\", \"etcd-2\", \"<script>alert(\\\"x\\\")</script>&'"'"'\"] and
		(.plan | length) >= 2" body &&
	test "$(code "$A/reseed?dry_run=true" -X POST "${auth[@]}")" = 200 && jq -e ".started == false" body &&
	test "$(code "$A/reseed?dry_run=maybe" "${auth[@]}")" = 400 && jq -e ".error | test(\"dry_run\")" body &&
	test "$(code $A/reseed -I "${auth[@]}")" = 405 &&
	! grep -q "action:" "$EM_TMP/leader.log" &&
	curl -sS --max-time 5 $A/stats | jq -e ".reseeding == false and .cluster_reseeds == 0"
'

test_expect_success 'POST /reseed starts one; a second gets 409' '
	test "$(code $A/reseed -X POST "${auth[@]}")" = 202 &&
	jq -e ".started == true and .reseed_id == \"reseed-1\"" body &&
	grep -qx "action: reseed reseed-1" "$EM_TMP/leader.log" &&
	curl -sS --max-time 5 $A/stats | jq -e ".reseeding == true and .reseed_id == \"reseed-1\" and .cluster_reseeds == 1" &&
	test "$(code $A/reseed "${auth[@]}")" = 409 &&
	jq -e ".error | test(\"already running\")" body &&
	test "$(code "$A/reseed?dry_run=1" -X POST "${auth[@]}")" = 409 &&
	test "$(grep -c "^action: reseed" "$EM_TMP/leader.log")" = 1 &&
	curl -sS --max-time 5 $A/metrics | grep -qx "etcd_mesos_reseeding 1"
'

test_expect_success 'POST /teardown acts once' '
	test "$(code $A/teardown -X POST "${auth[@]}")" = 202 &&
	jq -e ".teardown == \"started\"" body &&
	grep -qx "action: teardown" "$EM_TMP/leader.log" &&
	test "$(code $A/teardown -X POST "${auth[@]}")" = 409
'

test_expect_success 'a standby serves reads and answers mutations with 503 naming the leader' '
	test "$(code $B/stats)" = 200 && jq -e ".is_leader == false and .leader_admin_url == \"http://sched-a.example:23400\"" body &&
	test "$(code $B/members)" = 200 && jq -e "length == 3" body &&
	test "$(code $B/healthz)" = 200 &&
	curl -sS --max-time 5 $B/metrics | grep -qx "etcd_mesos_is_leader 0" &&
	curl -sS --max-time 5 $B/ | grep -q "standby" &&
	test "$(code $B/reseed -X POST "${auth[@]}")" = 503 &&
	jq -e ".leader_admin_url == \"http://sched-a.example:23400\" and (.error | test(\"sched-a.example:23400\"))" body &&
	test "$(code "$B/reseed?dry_run=1" "${auth[@]}")" = 503 &&
	test "$(code $B/teardown -X POST "${auth[@]}")" = 503 &&
	jq -e ".error | test(\"standby\")" body &&
	test "$(code $B/teardown -X POST)" = 401 &&
	! grep -q "action:" "$EM_TMP/standby.log"
'

test_expect_success 'without a token configured the mutating routes are open, still same-site only' '
	test "$(code "$S/reseed?dry_run=1")" = 200 &&
	test "$(code "$S/reseed?dry_run=1" -H "Sec-Fetch-Site: cross-site")" = 403
'

test_expect_success 'artifacts download byte-identical with Content-Length' '
	curl -sS --max-time 30 -D hdr -o got $F/etcd-mesos-executor && cmp got etcd-mesos-executor &&
	grep -qix "Content-Length: $(stat -c %s etcd-mesos-executor)$(printf "\r")" hdr &&
	curl -sS --max-time 30 -o got2 $F/executor && cmp got2 etcd-mesos-executor &&
	curl -sS --max-time 10 -o got3 $F/etcd && cmp got3 etcd &&
	curl -sS --max-time 10 -o got4 $F/etcdctl && cmp got4 etcdctl-3.4 &&
	curl -sS --max-time 10 -o got5 $F/etcdctl-3.4 && cmp got5 etcdctl-3.4 &&
	grep -qx "artifact 0 at /etcd-mesos-executor" "$EM_TMP/leader.log" &&
	grep -qx "artifact 1 at /etcd" "$EM_TMP/leader.log"
'

test_expect_success 'HEAD gives the length without the body' '
	curl -sS --max-time 10 -I -o hdr $F/etcd &&
	grep -qix "Content-Length: 300000$(printf "\r")" hdr &&
	exec 5<>/dev/tcp/127.0.0.1/${F##*:} &&
	printf "HEAD /etcd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&5 &&
	timeout 5 cat <&5 >headraw; exec 5<&- &&
	grep -q "^HTTP/1.1 200" headraw &&
	test "$(tail -c 4 headraw | od -An -c | tr -d " ")" = "\r\n\r\n" &&
	test $(stat -c %s headraw) -lt 1000
'

test_expect_success 'no request path reaches the filesystem' '
	test "$(code $F/../etc/passwd --path-as-is)" = 404 &&
	test "$(code $F/%2e%2e/ --path-as-is)" = 404 &&
	test "$(code $F/%2e%2e/etc/passwd --path-as-is)" = 404 &&
	test "$(code $F/executor/../etc/passwd --path-as-is)" = 404 &&
	test "$(code $F/etcd/ --path-as-is)" = 404 &&
	test "$(code $F//etc/passwd --path-as-is)" = 404 &&
	test "$(code $F/$EM_TMP/etcd --path-as-is)" = 404 &&
	test "$(code $F/nope)" = 404 &&
	test "$(code $F/Executor)" = 404 &&
	test "$(code $F/executorx)" = 404 &&
	test "$(code $F/)" = 404 &&
	test "$(code $F/stats)" = 404 &&
	test "$(code $F/executor -X POST)" = 405 &&
	! grep -q root: body
'

test_expect_success 'a replaced artifact is served fresh; a missing one is 503, logged' '
	head -c 4096 /dev/urandom >etcd.new && mv etcd.new etcd &&
	curl -sS --max-time 10 -o got6 $F/etcd && cmp got6 etcd &&
	mv etcd etcd.away && test "$(code $F/etcd)" = 503 && mv etcd.away etcd &&
	grep -q "artifact /etcd: cannot serve" "$EM_TMP/leader.log"
'

test_expect_success '30 concurrent downloads of an 8 MiB file all arrive intact' '
	pids=() &&
	for i in $(seq 30); do
		curl -sS --max-time 60 -o dl.$i $F/etcd-mesos-executor & pids+=($!)
	done &&
	fails=0 && for p in "${pids[@]}"; do wait $p || fails=$((fails + 1)); done &&
	test $fails = 0 &&
	for i in $(seq 30); do cmp dl.$i etcd-mesos-executor || return 1; done
'

test_expect_success 'the token never appears in an answer or a log line' '
	for u in / /stats /members /metrics /healthz; do
		curl -sS --max-time 5 $A$u; curl -sS --max-time 5 $B$u
	done >all-answers 2>&1 &&
	test -s all-answers &&
	! grep -qF "$TOKEN" all-answers &&
	! grep -qF "$TOKEN" "$EM_TMP/leader.log" "$EM_TMP/standby.log" "$EM_TMP/sick.log"
'

test_expect_success 'SIGHUP reloads the state; SIGTERM stops cleanly without sanitizer reports' '
	write_state leader.json false true && kill -HUP $LEADER_PID &&
	wait_until 5 "curl -sS --max-time 2 $A/stats | jq -e \".healthy == 0\" >/dev/null" &&
	stop_pid $LEADER_PID 10 &&
	grep -q "state reloaded" "$EM_TMP/leader.log" &&
	! grep -q "Sanitizer\|runtime error" "$EM_TMP/leader.log"
'

test_done
