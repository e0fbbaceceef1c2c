#!/bin/bash
# lib/etcd's client (etcd_client, etcd_sample) against real etcd 3.4
# clusters: membership changes with learners, failover, errors in etcd's
# own words, status during an election, the health verdict of an idle and
# of a broken cluster, and reseed ranking on divergent raft indexes. The
# C side is t/helpers/etcd_probe.c (one JSON line per operation) and
# t/helpers/etcd_lifecycle.c (cancel, exactly-once, free, unknown outcome).
test_description='etcd v3 gateway client against etcd 3.4'
. "$(dirname "$0")/test-lib.sh"

PROBE=$EM_BUILD_ROOT/t/etcd_probe LIFECYCLE=$EM_BUILD_ROOT/t/etcd_lifecycle
[[ -x $PROBE && -x $LIFECYCLE ]] || skip_all "etcd_probe, etcd_lifecycle not built in $EM_BUILD_ROOT/t"
test_have_prereq ETCD || skip_all 'etcd 3.4 is not installed'
command -v jq >/dev/null || skip_all 'jq is not installed'

probe() { "$PROBE" -endpoints="$EPS" "$@"; }
# every member of slots 1..3 as NAME=URL (for sample and rank)
targets() { local i; for i in 1 2 3; do echo "etcd$i=${etcd_client[i]}"; done; }
# jq -e on file F
check() { jq -e "$@" || { echo "jq $* failed on:"; cat "${@: -1}"; return 1; }; }

test_expect_success 'a 3-member cluster starts' '
	start_etcd_cluster 3 &&
	EPS=$etcd_endpoints &&
	DEAD=http://$(free_ip):$(free_port) &&
	note "endpoints $EPS; nothing listens at $DEAD"
'

test_expect_success 'member list: 3 voters with their names and peer URLs' '
	probe list >out &&
	check ".ok and (.members | length) == 3 and all(.members[]; .learner == false)" out &&
	for i in 1 2 3; do
		check --arg n etcd$i --arg p "${etcd_peer[i]}" --arg c "${etcd_client[i]}" \
			"[.members[] | select(.name == \$n and .peers == [\$p] and .clients == [\$c])] | length == 1" out ||
		return 1
	done
'

test_expect_success 'member ids (uint64, often >= 2^63) are exact: same as etcdctl prints' '
	jq -r ".members[].idhex" out | sort >ours &&
	etcdctl_run member list | cut -d, -f1 | sort >theirs &&
	test_cmp theirs ours &&
	for id in $(jq -r ".members[].id" out); do
		test "$(printf %x "$id")" = "$(jq -r --arg id "$id" ".members[] | select(.id == \$id) | .idhex" out)" ||
		return 1
	done
'

test_expect_success 'latency on loopback: median member list and status' '
	probe bench -n=200 >bench &&
	check ".ok" bench &&
	note "$(jq -r "\"member list median \(.list_median_us) us (p90 \(.list_p90_us)), status median \(.status_median_us) us (p90 \(.status_p90_us))\"" bench)"
'

test_expect_success 'status of every member: one cluster id, one leader among them' '
	for i in 1 2 3; do
		probe status "${etcd_client[i]}" >st$i && check ".ok and .learner == false" st$i || return 1
	done &&
	test "$(jq -r .leader st1 st2 st3 | sort -u | wc -l)" = 1 &&
	test "$(jq -r .cluster st1 st2 st3 | sort -u | wc -l)" = 1 &&
	leader=$(jq -r .leader st1) &&
	test "$(jq -r .member st1 st2 st3 | grep -c "^$leader\$")" = 1 &&
	probe health "${etcd_client[2]}" >h && check ".ok and .healthy" h
'

test_expect_success 'kv put and range through base64 (keys with / and spaces)' '
	probe put "a/b c" "v=1 ü" >out && check ".ok and .revision > 1" out &&
	probe get "a/b c" >out && check ".ok and .count == 1 and .kvs[0].value == \"v=1 ü\"" out &&
	test "$(etcd_get "a/b c")" = "v=1 ü"
'

test_expect_success 'failover: the first endpoint refuses connections, the next answers' '
	"$PROBE" -endpoints="$DEAD,$EPS" list >out &&
	check --arg e "${etcd_client[1]}" ".ok and .attempts == 2 and .endpoint == \$e" out
'

test_expect_success 'every endpoint dead: one error naming the cause, no hang' '
	test_expect_code 1 "$PROBE" -endpoints="$DEAD,http://$(free_ip):$(free_port)" list >out &&
	check ".ok == false and .err == \"ECONNREFUSED\" and .attempts == 2 and .unknown == false" out &&
	check ".errmsg | test(\"all 2 endpoints tried\")" out
'

test_expect_success 'client lifecycle: sync errors, cancel, exactly once, free, unknown outcome' '
	"$LIFECYCLE" "$EPS" 2>log; rc=$?; cat log; test $rc = 0 && ! grep -q "^FAIL" log
'

test_expect_success 'member add (learner), the first endpoint dead: added once, as a learner' '
	new_etcd_slot 4 &&
	"$PROBE" -endpoints="$DEAD,$EPS" add "${etcd_peer[4]}" -learner >out &&
	check --arg p "${etcd_peer[4]}" ".ok and .attempts == 2 and .added.learner and .added.peers == [\$p]" out &&
	LID=$(jq -r .id out) && note "learner id $LID" &&
	probe list >out &&
	check --arg id "$LID" "[.members[] | select(.id == \$id and .learner)] | length == 1" out
'

test_expect_success 'the learner starts (state existing) and answers status as a learner' '
	start_etcd_member 4 &&
	probe status "${etcd_client[4]}" >out &&
	check --arg id "$LID" ".ok and .learner and .member == \$id" out
'

test_expect_success 'a learner refuses member list; the client moves to the next endpoint' '
	test_expect_code 1 "$PROBE" -endpoints="${etcd_client[4]}" list >out &&
	check ".code == 14 and .http == 503 and .message == \"etcdserver: rpc not supported for learner\"" out &&
	"$PROBE" -endpoints="${etcd_client[4]},$EPS" list >out &&
	check ".ok and .attempts == 2" out
'

test_expect_success 'a second learner is refused with etcd'"'"'s own message' '
	new_etcd_slot 5 &&
	test_expect_code 1 probe add "${etcd_peer[5]}" -learner >out &&
	check ".message == \"etcdserver: too many learner members in cluster\" and .kind == \"too many learners\"" out &&
	check ".code == 9 and .unknown == false and .attempts == 1" out &&
	check ".errmsg | test(\"too many learner members\")" out &&
	probe list >out && check "(.members | length) == 4" out
'

test_expect_success 'promote the learner (retrying while it is not in sync)' '
	probe promote "$LID" -retry-ms=30000 >out 2>err &&
	cat err &&
	check ".ok and all(.members[]; .learner == false) and (.members | length) == 4" out &&
	test_expect_code 1 probe promote "$LID" >out &&
	check ".message == \"etcdserver: can only promote a learner member\"" out
'

test_expect_success 'member update with its own peer URL succeeds' '
	probe list >out &&
	id1=$(jq -r --arg n etcd1 ".members[] | select(.name == \$n) | .id" out) &&
	probe update "$id1" "${etcd_peer[1]}" >out &&
	check --arg id "$id1" --arg p "${etcd_peer[1]}" ".ok and ([.members[] | select(.id == \$id and .peers == [\$p])] | length == 1)" out
'

test_expect_success 'remove the new member: 3 left, the removed member exits' '
	probe remove "$LID" >out &&
	check --arg id "$LID" ".ok and (.members | length) == 3 and all(.members[]; .id != \$id)" out &&
	wait_until 20 "! pid_alive ${etcd_pid[4]}" &&
	test_expect_code 1 probe remove "$LID" >out &&
	check ".kind == \"member not found\" and .code == 5 and .unknown == false" out
'

test_expect_success 'an idle healthy cluster stays healthy for a minute (60 samples)' '
	probe sample $(targets) -rounds=60 -interval=1000 >out &&
	tail -n 1 out >sum && cat sum &&
	check ".rounds == 60 and .healthy == 60 and .max_round_ms < 1000" sum &&
	head -n 1 out | check ".probe != null and .probe_ok and .reachable == 3"
'

test_expect_success 'status of every member while the leader is killed: a new leader' '
	old=$(probe status "${etcd_client[1]}" | jq -r .leader) &&
	L= && for i in 1 2 3; do
		if test "$(probe status "${etcd_client[i]}" | jq -r .member)" = "$old"; then L=$i; fi
	done &&
	test -n "$L" && note "leader etcd$L ($old) killed" &&
	kill_etcd_member "$L" &&
	new_leader() {
		local i leaders=
		for i in 1 2 3; do
			test "$i" = "$L" && continue
			probe -timeout=1000 status "${etcd_client[i]}" >s$i || return 1
			leaders+="$(jq -r .leader s$i) "
		done
		set -- $leaders
		test "$1" = "$2" && test "$1" != 0 && test "$1" != "$old"
	} &&
	wait_until 20 new_leader &&
	note "new leader $(jq -r .leader s$(( L % 3 + 1 )))" &&
	test_expect_code 1 probe -timeout=1500 status "${etcd_client[L]}" >out &&
	check ".err == \"ECONNREFUSED\"" out &&
	start_etcd_member "$L"
'

test_expect_success NFT 'peers: the others report a cut member inactive (etcd_network_active_peers), again active after the heal' '
	probe status "${etcd_client[3]}" >s3 && ID3=$(jq -r .member s3) &&
	peer3() { probe -timeout=1500 peers "${etcd_client[$1]}" >p$1 &&
		jq -e --arg id "$ID3" "[.peers[] | select(.id == \$id)][0].active == $2" p$1; } &&
	peer3 1 true && peer3 2 true &&
	jq -e "(.local | tostring) != \"0\" and ([.peers[] | select(.active)] | length) == 2" p1 &&
	test_when_finished heal_traffic &&
	cut_traffic "${etcd_ip[3]}" "${etcd_ip[1]} ${etcd_ip[2]}" && t0=$(date +%s%3N) &&
	wait_until 20 "peer3 1 false && peer3 2 false" &&
	note "cut member reported inactive after $(( $(date +%s%3N) - t0 )) ms" &&
	heal_traffic &&
	wait_until 20 "peer3 1 true && peer3 2 true"
'

test_expect_success NFT 'rank: a member cut off while the others write ranks last' '
	cut_traffic "${etcd_ip[3]}" "${etcd_ip[1]} ${etcd_ip[2]}" &&
	test_when_finished heal_traffic &&
	# if etcd3 led, 1 and 2 elect a new leader first
	leader_of_12() {
		probe -timeout=1000 status "${etcd_client[1]}" >s1 &&
		probe -timeout=1000 status "${etcd_client[2]}" >s2 &&
		jq -e -s ".[0].leader == .[1].leader and (.[0].leader == .[0].member or .[0].leader == .[1].member)" s1 s2
	} &&
	wait_until 15 leader_of_12 &&
	{ "$PROBE" -endpoints="${etcd_client[1]},${etcd_client[2]}" put rk x -count=50 >out
	  check ".ok" out; } &&
	probe rank $(targets) >rank && cat rank &&
	check ".ok and .order[2] == \"etcd3\" and (.members[2].index < .members[0].index) and (.members[2].index < .members[1].index)" rank &&
	check ".chosen == .order[0] and .chosen != \"etcd3\"" rank
'

test_expect_success 'the cut member catches up after healing' '
	catch_up() {
		probe -timeout=1000 rank $(targets) >rank &&
		jq -e ".members[0].index == .members[2].index and .members[1].index == .members[2].index" rank
	} &&
	wait_until 30 catch_up
'

test_expect_success 'a stopped follower: its status times out, the verdict stays healthy' '
	leader=$(probe status "${etcd_client[1]}" | jq -r .leader) &&
	F= && for i in 1 2 3; do
		if test "$(probe status "${etcd_client[i]}" | jq -r .member)" != "$leader"; then F=$i; fi
	done &&
	stop_etcd_member "$F" &&
	test_when_finished "cont_etcd_member $F" &&
	probe sample $(targets) -rounds=3 -interval=600 -status-timeout=500 >out &&
	cat out &&
	head -n 3 out | jq -e -s "all(.[]; .verdict == \"healthy\" and .reachable == 2 and .ms >= 450 and .ms < 1500)"
'

test_expect_success '2 of 3 members killed: quorum lost, the probe fails within its deadline' '
	kill_etcd_member 2 && kill_etcd_member 3 &&
	probe -timeout=1500 sample $(targets) -rounds=10 -interval=500 \
		-status-timeout=800 -probe-timeout=1000 -until="quorum lost" >out &&
	tail -n 2 out | head -n 1 >last && tail -n 1 out >sum && cat last sum &&
	check ".last == \"quorum lost\"" sum &&
	check ".reachable == 1 and .probe == \"etcd1\" and .probe_ok == false and .ms < 2500" last &&
	test_expect_code 1 "$PROBE" -endpoints="${etcd_client[1]}" -timeout=1500 get k >out &&
	check ".ok == false and .ms < 2500" out
'

test_expect_success 'TLS with a client certificate: etcd with --client-cert-auth' '
	mkdir certs && "$EM_BUILD_ROOT/t/em-certgen" certs &&
	TP=$(free_port 127.0.0.1) && TPP=$(free_port 127.0.0.1) &&
	TLSEP=https://127.0.0.1:$TP &&
	spawn etcdtls etcd --name tls1 --data-dir "$EM_TMP/tls1" \
		--listen-client-urls "$TLSEP" --advertise-client-urls "$TLSEP" \
		--listen-peer-urls http://127.0.0.1:$TPP \
		--initial-advertise-peer-urls http://127.0.0.1:$TPP \
		--initial-cluster tls1=http://127.0.0.1:$TPP \
		--cert-file certs/server.pem --key-file certs/server.key \
		--trusted-ca-file certs/ca.pem --client-cert-auth \
		--logger=zap --log-outputs=stderr &&
	tls_probe() { "$PROBE" -endpoints="$TLSEP" -ca=certs/ca.pem "$@"; } &&
	wait_until 20 "tls_probe -cert=certs/client.pem -key=certs/client.key health $TLSEP >out" &&
	check ".ok and .healthy" out &&
	tls_probe -cert=certs/client.pem -key=certs/client.key list >out &&
	check ".ok and .members[0].name == \"tls1\" and .members[0].clients == [\"$TLSEP\"]" out
'

test_expect_success 'TLS: no client certificate, or a server from another CA, is refused' '
	test_expect_code 1 tls_probe list >out &&
	check ".ok == false and .http == 0 and .unknown == false" out &&
	test_expect_code 1 "$PROBE" -endpoints="$TLSEP" -ca=certs/other-ca.pem \
		-cert=certs/client.pem -key=certs/client.key list >out &&
	check ".err == \"EPROTO\" and (.errmsg | test(\"verification failed\"))" out &&
	test_expect_code 1 "$PROBE" -endpoints="$TLSEP" -ca=certs/nonexistent.pem list >out &&
	check ".err == \"ENOENT\" and (.errmsg | test(\"nonexistent.pem\"))" out
'

test_done
