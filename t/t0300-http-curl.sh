#!/bin/bash
# Interop: curl (libcurl + OpenSSL) against our HTTP server, plain and TLS:
# keep-alive, chunked uploads, HEAD, chunked streams, files, limits; and
# our client (em-httpc) against our server over TLS with the verification
# failures it must name.
test_description='our HTTP server against curl'
. "$(dirname "$0")/test-lib.sh"

HTTPD=$EM_BUILD_ROOT/t/em-httpd
HTTPC=$EM_BUILD_ROOT/t/em-httpc
CERTGEN=$EM_BUILD_ROOT/t/em-certgen

test_have_prereq CURL || skip_all 'curl is not installed'
[[ -x $HTTPD && -x $HTTPC && -x $CERTGEN ]] || skip_all "helpers not built in $EM_BUILD_ROOT/t"

# expect_code N CMD...: CMD exits with status N
expect_code() { local want=$1 rc; shift; "$@"; rc=$?; test "$rc" = "$want"; }

# wait for "listening on port" in a spawned helper's log
listening() { grep -q '^listening on port' "$EM_TMP/$1.log"; }

test_expect_success 'certificates and a 20 MiB file' '
	mkdir certs && "$CERTGEN" certs &&
	head -c $((20 * 1024 * 1024)) /dev/urandom >blob &&
	head -c $((3 * 1024 * 1024)) /dev/urandom >upload
'

test_expect_success 'plain and TLS servers start' '
	P=$(free_port) && S=$(free_port) &&
	spawn httpd "$HTTPD" -port=$P -file=blob -max-body=$((8 * 1024 * 1024)) && HTTPD_PID=$SPAWNED_PID &&
	spawn httpsd "$HTTPD" -port=$S -file=blob -max-body=$((8 * 1024 * 1024)) -cert=certs/server.pem -key=certs/server.key &&
	wait_until 10 "listening httpd && listening httpsd"
'

test_expect_success 'curl: GET over IPv4 and IPv6 (dual-stack listener)' '
	curl -sS --max-time 5 http://127.0.0.1:$P/json >out &&
	grep -q "\"health\":\"true\"" out &&
	if curl -sS --max-time 5 "http://[::1]:$P/json" >out6 2>err6; then
		grep -q health out6
	else
		grep -q "Could not connect\|Failed to connect" err6 && note "no IPv6 loopback"
	fi
'

test_expect_success 'curl: keep-alive, 50 requests on one connection' '
	urls=() && for i in $(seq 50); do urls+=(http://127.0.0.1:$P/json); done &&
	curl -sS --max-time 10 -v "${urls[@]}" >out 2>err &&
	test "$(grep -o health out | wc -l)" = 50 &&
	test "$(grep -c "Connected to" err)" = 1 &&
	test "$(grep -c "Re-using existing connection" err)" = 49
'

test_expect_success 'curl: chunked upload of 3 MiB' '
	curl -sS --max-time 10 -H "Transfer-Encoding: chunked" --data-binary @upload \
		http://127.0.0.1:$P/upload >out &&
	grep -q "\"bytes\":3145728" out &&
	curl -sS --max-time 10 --data-binary @upload http://127.0.0.1:$P/upload >out2 &&
	test "$(cat out)" = "$(cat out2)"
'

test_expect_success 'curl: upload over the limit gets 413' '
	head -c $((9 * 1024 * 1024)) /dev/zero >toobig &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 \
		-H "Transfer-Encoding: chunked" --data-binary @toobig http://127.0.0.1:$P/upload) &&
	test "$code" = 413
'

test_expect_success 'curl: 20 MiB file download intact, HEAD has its length' '
	curl -sS --max-time 30 -o got http://127.0.0.1:$P/file &&
	cmp got blob &&
	curl -sS --max-time 5 -I http://127.0.0.1:$P/file >head &&
	grep -qi "^Content-Length: 20971520" head
'

test_expect_success 'curl: chunked stream arrives piece by piece' '
	curl -sS -N --max-time 10 -v "http://127.0.0.1:$P/stream?n=5&ms=100" >out 2>err &&
	test "$(wc -l <out)" = 5 &&
	grep -qi "Transfer-Encoding: chunked" err
'

test_expect_success 'curl: 404, 405 with Allow, 401 without the token' '
	test "$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:$P/nope)" = 404 &&
	curl -s -D hdr -o /dev/null -X DELETE http://127.0.0.1:$P/json &&
	grep -q "^HTTP/1.1 405" hdr && grep -qi "^Allow: GET, HEAD" hdr &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -X POST http://127.0.0.1:$P/secret)" = 401 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -X POST \
		-H "Authorization: Bearer test-token" http://127.0.0.1:$P/secret)" = 200
'

test_expect_success 'curl: HTTPS verified against our CA, keep-alive, file intact' '
	curl -sS --max-time 30 --cacert certs/ca.pem -v \
		https://127.0.0.1:$S/json https://127.0.0.1:$S/json -o j1 -o j2 2>err &&
	grep -q health j1 && grep -q health j2 &&
	test "$(grep -c "Re-using existing connection" err)" = 1 &&
	curl -sS --max-time 30 --cacert certs/ca.pem -o tgot https://localhost:$S/file &&
	cmp tgot blob
'

test_expect_success 'curl: HTTPS chunked upload and stream' '
	curl -sS --max-time 10 --cacert certs/ca.pem -H "Transfer-Encoding: chunked" \
		--data-binary @upload https://127.0.0.1:$S/upload >out &&
	grep -q "\"bytes\":3145728" out &&
	curl -sS -N --max-time 10 --cacert certs/ca.pem "https://127.0.0.1:$S/stream?n=4&ms=50" >out &&
	test "$(wc -l <out)" = 4
'

test_expect_success 'curl refuses our server with another CA (sanity of the certs)' '
	expect_code 60 curl -sS --max-time 5 --cacert certs/other-ca.pem \
		https://127.0.0.1:$S/json
'

test_expect_success 'em-httpc: HTTPS to our server, keep-alive, verification errors named' '
	"$HTTPC" -ca=certs/ca.pem -repeat=20 https://127.0.0.1:$S/json >out 2>err &&
	grep -q "connects 1 reused 19" err &&
	expect_code 1 "$HTTPC" -ca=certs/other-ca.pem https://127.0.0.1:$S/json 2>err &&
	grep -q "certificate verification failed for 127.0.0.1: the certificate is not correctly signed by the trusted CA" err &&
	expect_code 1 "$HTTPC" -ca=certs/ca.pem -sni=etcd.example https://127.0.0.1:$S/json 2>err &&
	grep -q "does not name \"etcd.example\"" err
'

test_expect_success 'em-httpc: 30 parallel downloads of the 20 MiB file' '
	"$HTTPC" -parallel=30 -max-body=$((32 * 1024 * 1024)) -timeout=60000 \
		-out=pgot http://127.0.0.1:$P/file 2>err &&
	cmp pgot blob && grep -q "connects 30" err
'

test_expect_success 'server still serves after all that, then stops on SIGTERM' '
	curl -sS --max-time 5 http://127.0.0.1:$P/json | grep -q health &&
	stop_pid "$HTTPD_PID" 5
'

test_done
