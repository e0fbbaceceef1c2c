#!/bin/bash
# Interop: our HTTP client (em-httpc) against nginx (Debian nginx-light,
# private config on a free loopback port): a large file, a chunked
# response streamed in pieces, keep-alive, HTTPS with our CA, a redirect
# reported and not followed, a client certificate, and a body over the cap.
test_description='our HTTP client against nginx'
. "$(dirname "$0")/test-lib.sh"

HTTPC=$EM_BUILD_ROOT/t/em-httpc
CERTGEN=$EM_BUILD_ROOT/t/em-certgen
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ECHO_MOD=/usr/lib/nginx/modules/ngx_http_echo_module.so
[[ -x $HTTPC && -x $CERTGEN ]] || skip_all "helpers not built in $EM_BUILD_ROOT/t"
[[ -x $NGINX ]] || skip_all 'nginx is not installed (Debian nginx-light)'

expect_code() { local want=$1 rc; shift; "$@"; rc=$?; test "$rc" = "$want"; }

test_expect_success 'nginx starts with a private config' '
	mkdir -p www certs ng && "$CERTGEN" certs &&
	head -c $((50 * 1024 * 1024)) /dev/urandom >www/big &&
	printf "<p>a</p>\n" >www/small.html &&
	P=$(free_port) && S=$(free_port) && C=$(free_port) &&
	load= &&
	if [[ -r $ECHO_MOD ]]; then load="load_module $ECHO_MOD;"; fi &&
	stream_loc="location /chunked { default_type text/plain; echo \"piece 1\"; echo_flush; echo_sleep 0.2; echo \"piece 2\"; echo_flush; echo_sleep 0.2; echo \"piece 3\"; }" &&
	if [[ -z $load ]]; then
		stream_loc="location /chunked { default_type text/html; alias $EM_TMP/www/small.html; sub_filter a b; sub_filter_once off; }"
	fi &&
	cat >ng/nginx.conf <<-CONF &&
	$load
	daemon off;
	master_process off;
	user root;
	pid $EM_TMP/ng/nginx.pid;
	error_log $EM_TMP/ng/error.log info;
	events { worker_connections 256; }
	http {
		access_log off;
		client_body_temp_path $EM_TMP/ng/body;
		proxy_temp_path $EM_TMP/ng/proxy;
		fastcgi_temp_path $EM_TMP/ng/fastcgi;
		uwsgi_temp_path $EM_TMP/ng/uwsgi;
		scgi_temp_path $EM_TMP/ng/scgi;
		keepalive_requests 1000;
		server {
			listen 127.0.0.1:$P;
			listen 127.0.0.1:$S ssl;
			ssl_certificate $EM_TMP/certs/server.pem;
			ssl_certificate_key $EM_TMP/certs/server.key;
			root $EM_TMP/www;
			location = /moved { return 307 /big; }
			$stream_loc
		}
		server {
			listen 127.0.0.1:$C ssl;
			ssl_certificate $EM_TMP/certs/server.pem;
			ssl_certificate_key $EM_TMP/certs/server.key;
			ssl_client_certificate $EM_TMP/certs/ca.pem;
			ssl_verify_client on;
			root $EM_TMP/www;
		}
	}
	CONF
	spawn nginx "$NGINX" -c "$EM_TMP/ng/nginx.conf" -p "$EM_TMP/ng" &&
	wait_until 10 "curl -s -o /dev/null http://127.0.0.1:$P/small.html"
'

test_expect_success 'a 50 MiB file, intact' '
	"$HTTPC" -max-body=$((64 * 1024 * 1024)) -timeout=60000 -out=got \
		http://127.0.0.1:$P/big 2>err &&
	grep -q "^status 200" err && cmp got www/big
'

test_expect_success 'the same streamed: handed over in many pieces' '
	"$HTTPC" -stream -timeout=60000 -out=sgot http://127.0.0.1:$P/big 2>err &&
	cmp sgot www/big &&
	pieces=$(sed -n "s/^pieces //p" err) && note "pieces: $pieces" &&
	test "$pieces" -gt 10
'

test_expect_success 'a chunked answer, streamed as it arrives' '
	"$HTTPC" -stream -timeout=5000 -out=chunks http://127.0.0.1:$P/chunked 2>err &&
	grep -q "^head 200" err &&
	if [[ -r $ECHO_MOD ]]; then
		test "$(cat chunks)" = "$(printf "piece 1\npiece 2\npiece 3")" &&
		pieces=$(sed -n "s/^pieces //p" err) && test "$pieces" -ge 3
	else
		grep -q "<p>b</p>" chunks
	fi &&
	curl -s -D hdr -o /dev/null http://127.0.0.1:$P/chunked &&
	grep -qi "^Transfer-Encoding: chunked" hdr
'

test_expect_success 'keep-alive: 100 requests, one connection' '
	"$HTTPC" -repeat=100 http://127.0.0.1:$P/small.html >out 2>err &&
	grep -q "connects 1 reused 99" err
'

test_expect_success 'HTTPS to nginx (OpenSSL) verified with our CA' '
	"$HTTPC" -ca=certs/ca.pem -max-body=$((64 * 1024 * 1024)) -timeout=60000 -out=tgot \
		https://127.0.0.1:$S/big 2>err &&
	cmp tgot www/big &&
	"$HTTPC" -ca=certs/ca.pem -repeat=10 https://localhost:$S/small.html >out 2>err &&
	grep -q "connects 1 reused 9" err
'

test_expect_success 'nginx demanding a client certificate: ours is accepted' '
	"$HTTPC" -ca=certs/ca.pem https://127.0.0.1:$C/small.html >out 2>err &&
	grep -q "^status 400" err && grep -q "No required SSL certificate" out &&
	"$HTTPC" -ca=certs/ca.pem -cert=certs/client.pem -key=certs/client.key \
		https://127.0.0.1:$C/small.html >out 2>err &&
	grep -q "^status 200" err && grep -q "<p>a</p>" out
'

test_expect_success 'a redirect is reported, not followed' '
	"$HTTPC" http://127.0.0.1:$P/moved >out 2>err &&
	grep -q "^status 307" err &&
	grep -q "^location http://127.0.0.1:$P/big" err
'

test_expect_success 'a body over the cap fails with the limit named' '
	expect_code 1 "$HTTPC" -max-body=1000000 http://127.0.0.1:$P/big 2>err &&
	grep -q "body larger than 1000000 bytes" err
'

test_expect_success 'nginx: 404 comes back as an answer' '
	"$HTTPC" http://127.0.0.1:$P/nothing-here >out 2>err &&
	grep -q "^status 404" err
'

test_done
