# t/test-lib-servers.sh - real ZooKeeper and etcd 3.4 for the integration
# tests; sourced by t/test-lib.sh (whose spawn, wait_until, free_port,
# free_ip and test_atexit it uses), never on its own.
#
# ZOOKEEPER (standalone, tickTime=500: the shortest session is 1 s).
#   start_zookeeper [VAR [ADDR]]   VAR defaults to ZK, ADDR to 127.0.0.1.
#       Exports VAR=ADDR:PORT and VAR_PID; sets VAR_DIR. Ready when `srvr`
#       answers with a Mode: line. Registers stop_zookeeper at exit.
#   stop_zookeeper [VAR]      restart_zookeeper [VAR]   (same data and port)
#   zk_cmd ADDR:PORT WORD     prints the answer to a four-letter word
#   zk_cli ADDR:PORT CMD...   one zkCli command (create, get, ls, ...)
#
# ETCD 3.4 (every ETCD_* and ETCDCTL_* variable is removed from its
# environment; --logger=zap; logs in EM_TMP/NAME.log).
#   start_etcd_cluster N [PREFIX [ETCD-FLAGS...]]    PREFIX defaults to etcd.
#       Member i (1..N) runs on its own address (free_ip) and sets
#       PREFIX_name[i] PREFIX_ip[i] PREFIX_client[i] (client URL)
#       PREFIX_peer[i] (peer URL) PREFIX_pid[i] PREFIX_dir[i]; also
#       PREFIX_n (members so far) and PREFIX_endpoints (client URLs, comma
#       separated), and exports EM_ETCD_ENDPOINTS (used by etcdctl_run).
#       Waits until /health is true on every member.
#   start_etcd_member [--no-wait] I [PREFIX [INITIAL-CLUSTER]]
#       Restarts member I on its data, or starts a new slot I as an
#       `existing` member; its initial cluster defaults to the current
#       member list (the caller did `member add` with PREFIX_peer[I]; a
#       new slot gets its address before etcd starts: call
#       new_etcd_slot I [PREFIX] first to learn it). Waits for /health
#       unless --no-wait.
#   add_etcd_member [PREFIX [--learner]]   new slot + member add + start
#   kill_etcd_member I [PREFIX]     SIGKILL, waits until gone
#   stop_etcd_member I [PREFIX]     SIGSTOP    cont_etcd_member I [PREFIX]
#   stop_etcd_cluster [PREFIX]      SIGKILLs every member (fast; a leader
#                                   stopped with SIGTERM waits seconds to
#                                   hand over; the data on disk survives)
#   etcd_member_healthy I [PREFIX]  GET /health says true (3 s bound)
#   etcdctl_run ARGS...    etcdctl, API 3, --endpoints=$EM_ETCD_ENDPOINTS
#                          unless ARGS has --endpoints, --dial-timeout=2s,
#                          --command-timeout=${EM_ETCDCTL_TIMEOUT:-5s}
#                          (timeouts in ARGS override these)
#   etcd_put KEY VALUE [FLAGS]      etcd_get KEY [FLAGS] (prints the value)
#
# HTTP without curl.
#   http_get URL    prints the raw HTTP/1.0 response (headers, body); 3 s
#                   bound; http:// only

# -------------------------------------------------------------- http
http_get() {
	local rest=${1#http://} hostport path
	hostport=${rest%%/*} path=${rest#"${rest%%/*}"}
	[[ -n $path ]] || path=/
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$3" "$1" "$2" >&3
		cat <&3' _ "${hostport%:*}" "${hostport##*:}" "$path"
}

# ------------------------------------------------------------ zookeeper
_em_ident_ok() {
	[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || _em_bug "'$1' is not a valid variable name"
}

_em_zk_cp=/etc/zookeeper/conf:/usr/share/java/zookeeper.jar
for _em_jar in slf4j-log4j12 log4j-1.2; do
	if [[ -r /usr/share/java/$_em_jar.jar ]]; then
		_em_zk_cp+=:/usr/share/java/$_em_jar.jar
	fi
done

zk_cmd() {
	timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf %s "$3" >&3
		cat <&3' _ "${1%:*}" "${1##*:}" "$2"
}

zk_cli() {
	local server=$1; shift
	timeout 30 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
		-Dzookeeper.root.logger=WARN,CONSOLE -cp "$_em_zk_cp" \
		org.apache.zookeeper.ZooKeeperMain -server "$server" "$@"
}

_em_zk_launch() {
	local var=$1 dir addr pidvar=${1}_PID
	local -n _em_zk_dir=${var}_DIR
	dir=$_em_zk_dir addr=${!var}
	spawn --at "${addr%:*}" "zk-$var" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
		-Dzookeeper.log.dir="$dir" -Dzookeeper.root.logger=INFO,CONSOLE \
		-cp "$_em_zk_cp" org.apache.zookeeper.server.quorum.QuorumPeerMain \
		"$dir/zoo.cfg" || return 1
	printf -v "$pidvar" %s "$SPAWNED_PID"
	export "$var" "$pidvar"
	if ! wait_until 30 "zk_cmd $addr srvr | grep -q '^Mode:'"; then
		echo "start_zookeeper: $var at $addr not ready in 30s; log:" >&2
		tail -n 30 "$EM_TMP/zk-$var.log" >&2
		return 1
	fi
}

start_zookeeper() {
	local var=${1:-ZK} ip=${2:-127.0.0.1} port dir
	_em_ident_ok "$var"
	port=$(free_port "$ip") || return 1
	dir=$EM_TMP/zk-$var
	mkdir -p "$dir/data" || return 1
	cat >"$dir/zoo.cfg" <<-EOF
	tickTime=500
	dataDir=$dir/data
	clientPort=$port
	clientPortAddress=$ip
	admin.enableServer=false
	4lw.commands.whitelist=srvr,ruok,stat,mntr
	EOF
	printf -v "$var" %s "$ip:$port"
	printf -v "${var}_DIR" %s "$dir"
	test_atexit "stop_zookeeper $var"
	_em_zk_launch "$var"
}

stop_zookeeper() {
	local var=${1:-ZK} pidvar=${1:-ZK}_PID
	_em_ident_ok "$var"
	stop_pid "${!pidvar:-}" 10 || return 1
	printf -v "$pidvar" %s ""
}

restart_zookeeper() {
	local var=${1:-ZK} dirvar=${1:-ZK}_DIR
	_em_ident_ok "$var"
	[[ -n ${!dirvar:-} ]] || { echo "restart_zookeeper: $var was never started" >&2; return 1; }
	stop_zookeeper "$var" && _em_zk_launch "$var"
}

# ----------------------------------------------------------------- etcd
# Sets _em_clean_env to the env(1) arguments removing ETCD_*/ETCDCTL_*.
_em_etcd_env() {
	local v
	_em_clean_env=()
	for v in $(compgen -e); do
		case $v in ETCD_* | ETCDCTL_*) _em_clean_env+=(-u "$v") ;; esac
	done
}

etcdctl_run() {
	local a eps=(--endpoints="${EM_ETCD_ENDPOINTS:-}")
	# --endpoints is a list flag: a second one adds to the first.
	for a in "$@"; do
		[[ $a == -- ]] && break
		[[ $a == --endpoints || $a == --endpoints=* ]] && eps=()
	done
	_em_etcd_env
	env "${_em_clean_env[@]}" ETCDCTL_API=3 timeout 60 etcdctl "${eps[@]}" \
		--dial-timeout=2s --command-timeout="${EM_ETCDCTL_TIMEOUT:-5s}" "$@"
}

etcd_put() {
	local k=$1 v=$2
	shift 2
	etcdctl_run put "$@" -- "$k" "$v" >/dev/null
}

etcd_get() {
	local k=$1
	shift
	etcdctl_run get --print-value-only "$@" -- "$k"
}

# Binds the _em_e* namerefs to PREFIX's arrays.
_em_etcd_bind() {
	_em_ident_ok "$1"
	declare -g -a "$1_name" "$1_ip" "$1_client" "$1_peer" "$1_pid" "$1_dir" "$1_ic" "$1_flags"
	declare -g "$1_n" "$1_endpoints" "$1_token"
}

_em_etcd_update_endpoints() {
	local p=$1 i eps=
	local -n _ec=${p}_client
	for i in "${!_ec[@]}"; do eps+=${eps:+,}${_ec[i]}; done
	printf -v "${p}_endpoints" %s "$eps"
}

# new_etcd_slot I [PREFIX]: gives member I a name, address, ports, dir.
new_etcd_slot() {
	local i=$1 p=${2:-etcd} ip cport pport
	_em_etcd_bind "$p"
	local -n _ename=${p}_name _eip=${p}_ip _ecl=${p}_client _epe=${p}_peer \
		_edir=${p}_dir _en=${p}_n
	[[ -z ${_ename[i]:-} ]] || return 0
	ip=$(free_ip) && cport=$(free_port "$ip") && pport=$(free_port "$ip") || return 1
	_ename[i]=$p$i _eip[i]=$ip _edir[i]=$EM_TMP/$p$i
	_ecl[i]=http://$ip:$cport _epe[i]=http://$ip:$pport
	(( i > ${_en:-0} )) && _en=$i
	_em_etcd_update_endpoints "$p"
}

_em_etcd_launch() {
	local i=$1 p=$2 state=$3 ic=$4
	local -n _ename=${p}_name _eip=${p}_ip _ecl=${p}_client _epe=${p}_peer \
		_edir=${p}_dir _epid=${p}_pid _eic=${p}_ic _eflags=${p}_flags _etok=${p}_token
	_eic[i]=$ic
	_em_etcd_env
	spawn --at "${_eip[i]}" "${_ename[i]}" env "${_em_clean_env[@]}" etcd \
		--name "${_ename[i]}" --data-dir "${_edir[i]}" \
		--listen-client-urls "${_ecl[i]}" --advertise-client-urls "${_ecl[i]}" \
		--listen-peer-urls "${_epe[i]}" --initial-advertise-peer-urls "${_epe[i]}" \
		--initial-cluster "$ic" --initial-cluster-state "$state" \
		--initial-cluster-token "$_etok" --logger=zap --log-outputs=stderr \
		"${_eflags[@]}" || return 1
	_epid[i]=$SPAWNED_PID
}

etcd_member_healthy() {
	local i=$1 p=${2:-etcd}
	local -n _ecl=${p}_client
	http_get "${_ecl[i]}/health" | grep -q '"health":"true"'
}

_em_etcd_wait_healthy() {
	local i=$1 p=$2
	local -n _ename=${p}_name
	if ! wait_until 30 "etcd_member_healthy $i $p"; then
		echo "etcd member ${_ename[i]} not healthy in 30s; log:" >&2
		tail -n 20 "$EM_TMP/${_ename[i]}.log" >&2
		return 1
	fi
}

start_etcd_cluster() {
	local n=$1 p=${2:-etcd} i ic=
	(( $# >= 2 )) && shift 2 || shift $#
	[[ $n =~ ^[1-9][0-9]*$ ]] || _em_bug "usage: start_etcd_cluster N [PREFIX [FLAGS...]]"
	_em_ident_ok "$p"
	unset "${p}_name" "${p}_ip" "${p}_client" "${p}_peer" "${p}_pid" "${p}_dir" \
		"${p}_ic" "${p}_flags" "${p}_n" "${p}_endpoints" "${p}_token"
	_em_etcd_bind "$p"
	local -n _ename=${p}_name _epe=${p}_peer _eflags=${p}_flags _etok=${p}_token \
		_eeps=${p}_endpoints
	_eflags=("$@")
	_etok=$p-$$-$RANDOM$RANDOM
	for (( i = 1; i <= n; i++ )); do
		new_etcd_slot "$i" "$p" || return 1
		ic+=${ic:+,}${_ename[i]}=${_epe[i]}
	done
	test_atexit "stop_etcd_cluster $p"
	for (( i = 1; i <= n; i++ )); do
		_em_etcd_launch "$i" "$p" new "$ic" || return 1
	done
	for (( i = 1; i <= n; i++ )); do
		_em_etcd_wait_healthy "$i" "$p" || return 1
	done
	export EM_ETCD_ENDPOINTS=$_eeps
}

# The initial cluster for joining slot I: the current member list, with
# I's name on the member whose peer URL is I's.
_em_etcd_member_ic() {
	local i=$1 p=$2 line id status name peer ic= eps
	local -n _ename=${p}_name _epe=${p}_peer _eeps=${p}_endpoints _ecl=${p}_client
	eps=${_eeps//${_ecl[i]}/}
	eps=${eps//,,/,} eps=${eps#,} eps=${eps%,}
	local list
	list=$(EM_ETCD_ENDPOINTS=$eps etcdctl_run member list) || return 1
	while IFS= read -r line; do
		line=${line//, /|}
		IFS='|' read -r id status name peer _ <<<"$line"
		if [[ $peer == "${_epe[i]}" ]]; then name=${_ename[i]}; fi
		[[ -n $name ]] || name=unstarted-$id
		ic+=${ic:+,}$name=$peer
	done <<<"$list"
	echo "$ic"
}

start_etcd_member() {
	local wait=1 i p ic state=existing
	if [[ $1 == --no-wait ]]; then wait=0; shift; fi
	i=$1 p=${2:-etcd} ic=${3:-}
	[[ $i =~ ^[1-9][0-9]*$ ]] || _em_bug "usage: start_etcd_member [--no-wait] I [PREFIX [INITIAL-CLUSTER]]"
	new_etcd_slot "$i" "$p" || return 1
	local -n _edir=${p}_dir _eic=${p}_ic _epid=${p}_pid _ename=${p}_name
	if pid_alive "${_epid[i]:-}"; then
		echo "start_etcd_member: ${_ename[i]} is running (pid ${_epid[i]})" >&2
		return 1
	fi
	if [[ -z $ic && -d ${_edir[i]}/member ]]; then
		ic=${_eic[i]}
	elif [[ -z $ic ]]; then
		ic=$(_em_etcd_member_ic "$i" "$p") || return 1
	fi
	_em_etcd_launch "$i" "$p" "$state" "$ic" || return 1
	(( wait )) || return 0
	_em_etcd_wait_healthy "$i" "$p"
}

_em_etcd_member_add() {
	local out
	out=$(EM_ETCD_ENDPOINTS=$1 etcdctl_run member add "$2" --peer-urls="$3" ${4:-} 2>&1) ||
		[[ $out == *"Peer URLs already exists"* ]] || { echo "$out"; return 1; }
}

add_etcd_member() {
	local p=${1:-etcd} learner=${2:-} i eps
	_em_etcd_bind "$p"
	local -n _en=${p}_n _ename=${p}_name _epe=${p}_peer _eeps=${p}_endpoints
	i=$(( _en + 1 ))
	eps=$_eeps
	new_etcd_slot "$i" "$p" || return 1
	# etcd refuses voting members until the leader has been connected to
	# every member for 5 s ("unhealthy cluster"): retry.
	wait_until 20 "_em_etcd_member_add '$eps' '${_ename[i]}' '${_epe[i]}' $learner" ||
		return 1
	if [[ -n $learner ]]; then
		start_etcd_member --no-wait "$i" "$p"
	else
		start_etcd_member "$i" "$p"
	fi
}

_em_etcd_pid() {
	local -n _epid=${2:-etcd}_pid
	_em_epid=${_epid[$1]:-}
	[[ -n $_em_epid ]] || { echo "etcd member $1 of ${2:-etcd} was never started" >&2; return 1; }
}

kill_etcd_member() {
	_em_etcd_pid "$1" "${2:-etcd}" || return 1
	kill -KILL "$_em_epid" 2>/dev/null
	wait_until 10 "! pid_alive $_em_epid" && { wait "$_em_epid" 2>/dev/null; return 0; }
}

stop_etcd_member() {
	_em_etcd_pid "$1" "${2:-etcd}" || return 1
	kill -STOP "$_em_epid" &&
	wait_until 5 "grep -q '^State:[[:space:]]*T' /proc/$_em_epid/status"
}

cont_etcd_member() {
	_em_etcd_pid "$1" "${2:-etcd}" || return 1
	kill -CONT "$_em_epid"
}

stop_etcd_cluster() {
	local p=${1:-etcd} pid
	local -n _epid=${p}_pid
	# SIGKILL: a leader stopped with SIGTERM tries for seconds to hand its
	# leadership to followers that are stopping too. The data survives.
	for pid in "${_epid[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	_em_stop_pids 5 "${_epid[@]}"
}
