#!/bin/bash
# Interop: our HTTP client (em-httpc) against a real etcd 3.4 — /health,
# /version and the v3 JSON gateway (member list, put/range), keep-alive,
# and etcd's own error answers.
test_description='our HTTP client against etcd 3.4'
. "$(dirname "$0")/test-lib.sh"

HTTPC=$EM_BUILD_ROOT/t/em-httpc
[[ -x $HTTPC ]] || skip_all "em-httpc not built in $EM_BUILD_ROOT/t"
test_have_prereq ETCD || skip_all 'etcd 3.4 is not installed'

expect_code() { local want=$1 rc; shift; "$@"; rc=$?; test "$rc" = "$want"; }

test_expect_success 'a one-member etcd starts' '
	start_etcd_cluster 1 &&
	EP=${etcd_client[1]} && note "etcd at $EP"
'

test_expect_success 'GET /health: 200 {"health":"true"}' '
	"$HTTPC" -timeout=5000 "$EP/health" >out 2>err &&
	grep -q "^status 200" err &&
	grep -q "\"health\":\"true\"" out
'

test_expect_success 'GET /version names 3.4' '
	"$HTTPC" "$EP/version" >out 2>err &&
	grep -q "\"etcdserver\":\"3\.4\." out
'

test_expect_success 'POST /v3/cluster/member/list lists the member' '
	"$HTTPC" -method=POST -header="Content-Type: application/json" -data="{}" \
		"$EP/v3/cluster/member/list" >out 2>err &&
	grep -q "^status 200" err &&
	grep -q "\"name\":\"etcd1\"" out &&
	grep -q "\"peerURLs\":\[\"${etcd_peer[1]}\"\]" out
'

test_expect_success 'the same 25 times on one kept-alive connection' '
	"$HTTPC" -method=POST -data="{}" -repeat=25 -idempotent \
		"$EP/v3/cluster/member/list" >out 2>err &&
	grep -q "connects 1 reused 24" err
'

test_expect_success 'put then range through the gateway (base64 keys)' '
	"$HTTPC" -method=POST -data="{\"key\":\"aGVsbG8=\",\"value\":\"d29ybGQ=\"}" \
		"$EP/v3/kv/put" >out 2>err && grep -q "^status 200" err &&
	"$HTTPC" -method=POST -data="{\"key\":\"aGVsbG8=\"}" "$EP/v3/kv/range" >out 2>err &&
	grep -q "\"value\":\"d29ybGQ=\"" out &&
	test "$(etcd_get hello)" = world
'

test_expect_success 'etcd errors come back as answers: 405 for GET, 400 for bad base64' '
	"$HTTPC" "$EP/v3/cluster/member/list" >out 2>err &&
	grep -q "^status 405" err &&
	"$HTTPC" -method=POST -data="{\"key\":\"!!\"}" "$EP/v3/kv/range" >out 2>err &&
	grep -q "^status 400" err && grep -q "illegal base64" out
'

test_expect_success 'a stopped etcd: the deadline fires with -ETIMEDOUT text' '
	stop_etcd_member 1 &&
	test_when_finished "cont_etcd_member 1" &&
	expect_code 1 "$HTTPC" -timeout=500 "$EP/health" 2>err &&
	grep -q "no complete answer within the deadline" err
'

test_expect_success 'a dead etcd: connection refused, named' '
	kill_etcd_member 1 &&
	expect_code 1 "$HTTPC" -timeout=2000 "$EP/health" 2>err &&
	grep -q "connect to .*: Connection refused" err
'

test_done
