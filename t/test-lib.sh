# t/test-lib.sh - shared code for the integration tests t/tNNNN-name.sh.
# Bash only (we run on Debian); a small cousin of git's t/test-lib.sh.
#
# The ZooKeeper and etcd helpers live in t/test-lib-servers.sh, sourced
# at the end of this file (see its header). A test script looks like this:
#
#   #!/bin/bash
#   . "$(dirname "$0")/test-lib.sh"
#   test_expect_success ETCD 'a 3-member cluster serves writes' '
#       start_etcd_cluster 3 &&
#       etcd_put k v &&
#       test "$(etcd_get k)" = v
#   '
#   test_done
#
# ISOLATION. Sourcing the library re-executes the script as the first
# process of fresh network, PID and mount namespaces (`unshare --net --pid
# --fork --mount-proc --kill-child`, then `ip link set lo up`). Inside,
# every address in 127.0.0.0/8 works, fixed ports cannot collide with
# parallel tests, /proc shows only this test's processes, and when the
# script exits (or is killed) the kernel kills everything left. Needs root
# (CI runs as root); otherwise unprivileged user namespaces are tried; if
# neither works the whole script is skipped. EM_ISOLATED=1 in the
# environment means "already isolated" (child scripts inherit it);
# EM_NO_ISOLATION=1 runs in place (debugging only; no NFT prerequisite).
#
# PATHS (exported). EM_SOURCE_ROOT (the checkout), EM_BUILD_ROOT (default
# $EM_SOURCE_ROOT/build), EM_BIN (the etcd-mesos binary, default
# $EM_BUILD_ROOT/cmd/etcd-mesos; meson's test env sets all three), EM_TMP
# (this script's private temporary directory and its working directory,
# also TEST_TMP; removed at exit unless EM_KEEP_TMP=1; daemon logs are
# EM_TMP/NAME.log).
#
# TAP (stdout).
#   test_expect_success [PREREQS] 'what it shows' 'commands'
#       Runs the commands (chain them with &&) in the current shell, with
#       stdout/stderr captured. One TAP line; on failure the last command
#       run, the test body and the captured output follow as `# ` lines.
#       EM_VERBOSE=1 shows the output of passing tests too.
#   test_expect_failure [PREREQS] 'what' 'commands'   a known breakage (TODO)
#   test_skip 'what' 'why'           one skipped TAP line
#   skip_all 'why'                   skip the whole script (before any test)
#   test_done                        runs test_atexit cleanups, stops every
#                                    process, prints the plan, exits 0 or 1
#   test_have_prereq P[,P...]        true if all are present; names:
#       ETCD (etcd + etcdctl), ZOOKEEPER (java + zookeeper.jar), CURL,
#       NFT (nft and setpriv work in our own network namespace), BIN (EM_BIN
#       is executable); `!P` negates; test_set_prereq P adds one.
#   note 'text'                      a `# text` line
#   test_cmp EXPECTED ACTUAL         diff -u
#   test_expect_code N CMD [ARGS]    true if CMD exits with status N
#   test_must_fail CMD [ARGS]        true if CMD fails normally (not by a
#                                    signal, not "not found")
#
# CLEANUP. Register it where the resource is made:
#   test_when_finished 'cmd'   runs after the current test, pass or fail
#                              (last registered first); a failing cleanup
#                              fails the test. Only inside a test body.
#   test_atexit 'cmd'          runs at test_done or when the script dies.
# Whatever happens, at exit every process group started with spawn and
# every remaining descendant of the script get SIGTERM (+SIGCONT), then
# SIGKILL after 3 s; the nft table is deleted; EM_TMP is removed.
#
# PROCESSES AND WAITS.
#   spawn [--at ADDR] NAME CMD [ARGS...]
#       Starts CMD in the background in its own session and process group,
#       stdin /dev/null, output appended to EM_TMP/NAME.log; sets
#       SPAWNED_PID. --at ADDR gives the process tree the identity of
#       loopback address ADDR: its connections from 127.0.0.1 leave with
#       source ADDR (nft SNAT keyed on a per-address group id set with
#       setpriv), so cut_traffic applies to it. No-op without NFT.
#   at_addr ADDR CMD [ARGS...]   runs CMD in the foreground with that identity
#   identity_gid ADDR    prints the group id that gives a process ADDR's
#                        identity (setting up its SNAT rule); for daemons
#                        that switch group themselves (mesos-sim
#                        -agent-gids). Prints nothing without NFT.
#   sim_agent_flags ADDR...  prints mesos-sim's -agent-ips=... and (with
#                        NFT) -agent-gids=...: agent i on the i-th address,
#                        its executors and their etcd with its identity, so
#                        cut_traffic between agent addresses cuts them.
#   stop_pid PID [SECONDS]   SIGTERM+SIGCONT to PID's process group, SIGKILL
#                            after SECONDS (default 5); waits until gone
#   pid_alive PID            true if PID exists and is not a zombie
#   free_port [ADDR]         prints a TCP/UDP port in EM_PORT_MIN..EM_PORT_MAX
#                            (default 20000..31999) in use on no address and
#                            not handed out before by this script
#   free_ip                  prints the next unused 127.0.0.x (from .10)
#   wait_until SECONDS 'condition'
#       Evaluates the condition (in the current shell) until it succeeds,
#       polling every 20-250 ms; on the deadline prints the condition and
#       its last output to stderr and returns 1. The condition must bound
#       its own run time (the helpers below do).
#
# PARTITIONS (IPv4 loopback, needs NFT).
#   cut_traffic 'A-ADDRS' 'B-ADDRS'   drops every packet between the two
#       sets, both ways, silently (like a real partition); addresses or
#       prefixes separated by spaces or commas. Cuts accumulate.
#   heal_traffic                      removes every cut.
#   Processes that do not bind their outgoing sockets (etcd, java) send
#   from 127.0.0.1 whatever address they listen on, so a rule on source
#   addresses alone misses them: that is what spawn --at is for. Leave
#   127.0.0.1 out of cut sets: it is where the test's own tools (etcdctl,
#   curl) come from, an observer outside every partition.
#   Fallback without nft (not implemented; NFT-tests skip instead): move
#   the `local` rule from pref 0 to pref 100 and add `ip rule add pref 10
#   from A to B blackhole` both ways; connects then fail at once instead
#   of hanging, and it only sees sockets bound to their address.

# ---------------------------------------------------------------- paths
if [[ -n ${_EM_TEST_LIB_LOADED:-} ]]; then return 0; fi
_EM_TEST_LIB_LOADED=1

EM_SOURCE_ROOT=${EM_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
EM_BUILD_ROOT=${EM_BUILD_ROOT:-$EM_SOURCE_ROOT/build}
EM_BIN=${EM_BIN:-$EM_BUILD_ROOT/cmd/etcd-mesos}
export EM_SOURCE_ROOT EM_BUILD_ROOT EM_BIN

# ------------------------------------------------------------ isolation
if [[ -z ${EM_ISOLATED:-} ]]; then
	if [[ ${EM_NO_ISOLATION:-} == 1 ]]; then
		EM_ISOLATED=0
	else
		_em_ns=(--net --pid --fork --mount-proc --kill-child)
		(( EUID == 0 )) || _em_ns=(--user --map-root-user "${_em_ns[@]}")
		if ! _em_err=$(unshare "${_em_ns[@]}" true 2>&1); then
			echo "1..0 # SKIP cannot create namespaces (needs root): $_em_err"
			exit 0
		fi
		export EM_ISOLATED=1
		# Ports the kernel picks (listen on port 0, outgoing connections)
		# come from 40000-60999 inside the namespace, so they never land in
		# the ranges mesos-sim offers (31000 + 1000 per agent) or the ones
		# free_port hands out (20000-31999).
		exec unshare "${_em_ns[@]}" bash -c \
			'ip link set lo up || exit 1
			 echo "40000 60999" 2>/dev/null >/proc/sys/net/ipv4/ip_local_port_range
			 exec bash "$0" "$@"' \
			"$(realpath "$0")" "$@"
	fi
fi

# ---------------------------------------------------------------- state
_em_count=0 _em_failed=0 _em_done=0 _em_in_test=0 _em_rc=0 _em_last=
_em_finish=() _em_atexit=() _em_atexit_failed=
declare -A _em_prereq_cache=()
_em_mainpid=$BASHPID
exec {_em_tap_fd}>&1 {_em_err_fd}>&2	# for TAP from inside a test body
_em_nft_table=em_t$$

_em_tmpname=$(basename "$0" .sh)
EM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/em-$_em_tmpname.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory in ${TMPDIR:-/tmp}"
	exit 1
}
TEST_TMP=$EM_TMP
export EM_TMP TEST_TMP
cd "$EM_TMP" || exit 1

_em_bug() {
	echo "Bail out! test-lib: $*"
	_em_done=1
	exit 1
}

_em_in_subshell() {
	[[ $BASHPID != "$_em_mainpid" ]]
}

test_cmp() {
	diff -u "$@"
}

test_expect_code() {
	local want=$1 got
	shift
	"$@"
	got=$?
	(( got == want )) && return 0
	echo "test_expect_code: '$*' exited $got, wanted $want" >&2
	return 1
}

test_must_fail() {
	local got
	"$@"
	got=$?
	if (( got == 0 )); then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif (( got > 128 || got == 126 || got == 127 )); then
		echo "test_must_fail: '$*' died or was not found (exit $got)" >&2
		return 1
	fi
	return 0
}

note() {
	local line
	while IFS= read -r line; do echo "# $line"; done <<<"$*"
}

# ---------------------------------------------------------- prerequisites
test_set_prereq() {
	_em_prereq_cache[$1]=0
}

_em_check_prereq() {
	case $1 in
	ETCD) command -v etcd && command -v etcdctl ;;
	ZOOKEEPER) command -v java && test -r /usr/share/java/zookeeper.jar &&
		test -d /etc/zookeeper/conf ;;
	CURL) command -v curl ;;
	NFT) [[ $EM_ISOLATED == 1 ]] && command -v nft && command -v setpriv &&
		setpriv --regid=200000 --clear-groups true && _em_nft_probe ;;
	BIN) test -x "$EM_BIN" ;;
	*) return 1 ;;
	esac
}

# Can this kernel do what cut_traffic and spawn --at need (nat included)?
_em_nft_probe() {
	local t=em_probe$$ ok=0
	nft -f - <<-EOF || ok=1
	add table ip $t
	add chain ip $t ident { type nat hook postrouting priority srcnat; policy accept; }
	add rule ip $t ident meta skgid 200000 ip saddr 127.0.0.1 snat to 127.0.0.2
	add chain ip $t cut { type filter hook postrouting priority 200; policy accept; }
	add rule ip $t cut ip saddr { 127.0.0.2 } ip daddr { 127.0.0.3 } drop
	EOF
	nft delete table ip "$t"
	return $ok
}

# test_have_prereq P[,P...]: sets _em_missing to the first missing one.
test_have_prereq() {
	local p neg have list
	IFS=, read -ra list <<<"$1"
	for p in "${list[@]}"; do
		neg=
		if [[ $p == '!'* ]]; then neg=1 p=${p#!}; fi
		if [[ -z ${_em_prereq_cache[$p]:-} ]]; then
			_em_check_prereq "$p" >/dev/null 2>&1
			_em_prereq_cache[$p]=$?
		fi
		have=${_em_prereq_cache[$p]}
		if [[ -n $neg ]]; then have=$(( !have )); fi
		if (( have != 0 )); then
			_em_missing=${neg:+!}$p
			return 1
		fi
	done
	return 0
}

# ------------------------------------------------------------------- TAP
test_when_finished() {
	(( _em_in_test )) || _em_bug "test_when_finished outside a test body: $*"
	_em_in_subshell && _em_bug "test_when_finished in a subshell would be lost: $*"
	_em_finish+=("$*")
}

test_atexit() {
	_em_in_subshell && _em_bug "test_atexit in a subshell would be lost: $*"
	_em_atexit+=("$*")
}

# Runs the body; its status is the function's, also when the body says
# `return 1`. A DEBUG trap (not inherited by functions) remembers the last
# command of the body itself, which after a failed && chain is the one
# that failed; the caller removes the trap.
_em_eval_body() {
	trap 'case $BASH_COMMAND in _em_rc=*|"trap - DEBUG") ;; *) _em_prev=$_em_last _em_last=$BASH_COMMAND ;; esac' DEBUG
	eval "$1"
}

# Runs the cleanups of the current test, last first; 1 if any failed.
_em_run_finish() {
	local i bad=0
	for (( i = ${#_em_finish[@]} - 1; i >= 0; i-- )); do
		if ! eval "${_em_finish[i]}"; then
			echo "test_when_finished cleanup failed: ${_em_finish[i]}"
			bad=1
		fi
	done
	_em_finish=()
	return $bad
}

_em_quote_lines() {
	local line
	while IFS= read -r line; do printf '#\t%s\n' "$line"; done
}

_em_run_test() {
	local kind=$1 prereq=$2 desc=$3 body=$4 out rc last
	(( _em_done )) && _em_bug "test after test_done: $desc"
	_em_count=$(( _em_count + 1 ))
	if [[ -n $prereq ]] && ! test_have_prereq "$prereq"; then
		echo "ok $_em_count # skip $desc (missing $_em_missing)"
		return 0
	fi
	out=$EM_TMP/.test-$_em_count.out
	_em_in_test=1 _em_cur="$_em_count - $desc" _em_cur_out=$out
	_em_last= _em_prev=
	_em_eval_body "$body" >"$out" 2>&1 </dev/null
	_em_rc=$?
	trap - DEBUG
	rc=$_em_rc last=$_em_last
	if [[ $last == return* && -n $_em_prev ]]; then last="$_em_prev; $last"; fi
	if ! _em_run_finish >>"$out" 2>&1 </dev/null && (( rc == 0 )); then
		rc=1 last=test_when_finished
	fi
	_em_in_test=0
	if [[ $kind == failure ]]; then
		if (( rc == 0 )); then
			echo "ok $_em_count - $desc # TODO known breakage vanished"
		else
			echo "not ok $_em_count - $desc # TODO known breakage"
		fi
		return 0
	fi
	if (( rc == 0 )); then
		echo "ok $_em_count - $desc"
		if [[ ${EM_VERBOSE:-} == 1 ]]; then _em_quote_lines <"$out"; fi
		return 0
	fi
	_em_failed=$(( _em_failed + 1 ))
	echo "not ok $_em_count - $desc"
	# The diagnosis goes to stderr too: "meson test --print-errorlogs"
	# (what CI shows) prints a TAP test's stderr, not its stdout.
	local diag
	diag=$(printf '#   failed: %s (exit status %d)\n#   test body:\n' "$last" "$rc"
		_em_quote_lines <<<"$body"
		printf '#   output (last 80 lines):\n'
		tail -n 80 "$out" | _em_quote_lines)
	printf '%s\n' "$diag"
	# The diagnosis comes last: meson shows only the end of a long log.
	{
		_em_dump_daemon_logs
		echo "# not ok $_em_count - $desc"
		printf '%s\n' "$diag"
	} >&"$_em_err_fd"
}

# The last lines of the six most recently written daemon logs of this
# test, for a failure seen only in CI output.
_em_dump_daemon_logs() {
	local f
	for f in $(ls -t "$EM_TMP"/*.log 2>/dev/null | head -6); do
		[[ -f $f ]] || continue
		echo "#   --- ${f##*/} (last 12 lines)"
		tail -n 12 "$f" | cut -c1-300 | _em_quote_lines
	done
}

test_expect_success() {
	local prereq=
	if (( $# == 3 )); then prereq=$1; shift; fi
	(( $# == 2 )) || _em_bug "usage: test_expect_success [PREREQS] 'what' 'commands'"
	_em_run_test success "$prereq" "$1" "$2"
}

test_expect_failure() {
	local prereq=
	if (( $# == 3 )); then prereq=$1; shift; fi
	(( $# == 2 )) || _em_bug "usage: test_expect_failure [PREREQS] 'what' 'commands'"
	_em_run_test failure "$prereq" "$1" "$2"
}

test_skip() {
	_em_count=$(( _em_count + 1 ))
	echo "ok $_em_count # skip $1${2:+ ($2)}"
}

skip_all() {
	(( _em_count == 0 )) || _em_bug "skip_all after $_em_count tests"
	echo "1..0 # SKIP $*"
	_em_done=1
	exit 0
}

# need_sim_cluster: the whole script is skipped unless a scheduler can run
# real etcd members under mesos-sim: the sim built, ZooKeeper, curl, jq,
# etcd 3.4 and the real executor in this build. Sets SIM and W (the sim's
# work directory).
need_sim_cluster() {
	SIM=$EM_BUILD_ROOT/t/mesos-sim/mesos-sim
	W=$EM_TMP/work
	[[ -x $SIM ]] || skip_all "mesos-sim not built"
	test_have_prereq ZOOKEEPER || skip_all 'ZooKeeper is not installed'
	test_have_prereq CURL || skip_all 'curl is not installed'
	command -v jq >/dev/null || skip_all 'jq is not installed'
	[[ -x /usr/bin/etcd && -x /usr/bin/etcdctl ]] || skip_all 'etcd 3.4 is not installed'
	if "$EM_BIN" executor </dev/null 2>&1 | grep -q 'not part of this build'; then
		skip_all 'the real executor is not part of this build'
	fi
}

# Runs the test_atexit cleanups, last first; the failed ones are listed
# in _em_atexit_failed.
_em_run_atexit() {
	local i
	_em_atexit_failed=
	for (( i = ${#_em_atexit[@]} - 1; i >= 0; i-- )); do
		if ! eval "${_em_atexit[i]}" >>"$EM_TMP/.atexit.out" 2>&1 </dev/null; then
			_em_atexit_failed+=${_em_atexit[i]}$'\n'
		fi
	done
	_em_atexit=()
	[[ -z $_em_atexit_failed ]]
}

test_done() {
	_em_in_subshell && _em_bug "test_done in a subshell"
	if ! _em_run_atexit; then
		_em_count=$(( _em_count + 1 )) _em_failed=$(( _em_failed + 1 ))
		echo "not ok $_em_count - test_atexit cleanups"
		_em_quote_lines <<<"${_em_atexit_failed%$'\n'}"
		tail -n 40 "$EM_TMP/.atexit.out" | _em_quote_lines
	fi
	_em_done=1
	echo "1..$_em_count"
	exit $(( _em_failed > 0 ))
}

# ------------------------------------------------------------- processes
pid_alive() {
	local stat
	[[ $1 =~ ^[0-9]+$ ]] || return 1
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != [ZX] ]]
}

# Sets _em_desc to every live descendant of the main shell, read from
# /proc without forking (a subshell would count itself).
_em_descendants() {
	local f stat pid ppid queue=("$_em_mainpid") cur
	local -A kids=()
	_em_desc=()
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null <"$f" || continue
		pid=${f#/proc/} pid=${pid%/stat}
		stat=${stat##*) }
		[[ ${stat%% *} == [ZX] ]] && continue
		stat=${stat#* } ppid=${stat%% *}
		kids[$ppid]+=" $pid"
	done
	while (( ${#queue[@]} )); do
		cur=${queue[0]} queue=("${queue[@]:1}")
		for pid in ${kids[$cur]:-}; do
			[[ $pid == "$BASHPID" ]] && continue
			_em_desc+=("$pid")
			queue+=("$pid")
		done
	done
}

_em_signal_all() {
	local sig=$1 p
	for p in "${_em_groups[@]}"; do kill -s "$sig" -- "-$p" 2>/dev/null; done
	for p in "${_em_desc[@]}"; do kill -s "$sig" "$p" 2>/dev/null; done
}

_em_any_alive() {
	local p
	for p in "${_em_groups[@]}"; do kill -0 -- "-$p" 2>/dev/null && return 0; done
	_em_descendants
	(( ${#_em_desc[@]} > 0 ))
}

# Stops every spawned process group and every other descendant.
_em_stop_all() {
	local i
	_em_groups=()
	if [[ -r $EM_TMP/.pids ]]; then mapfile -t _em_groups <"$EM_TMP/.pids"; fi
	_em_descendants
	_em_signal_all TERM
	_em_signal_all CONT
	for (( i = 0; i < 60; i++ )); do
		_em_any_alive || return 0
		sleep 0.05
	done
	_em_descendants
	_em_signal_all KILL
	for (( i = 0; i < 40; i++ )); do
		_em_any_alive || return 0
		sleep 0.05
	done
	return 1
}

spawn() {
	local at= pre=() name
	if [[ $1 == --at ]]; then at=$2; shift 2; fi
	name=$1; shift
	(( $# )) || _em_bug "usage: spawn [--at ADDR] NAME COMMAND [ARGS...]"
	if [[ -n $at ]]; then
		_em_identity "$at" || return 1
		pre=("${_em_pre[@]}")
	fi
	# setsid does not fork here (a background job is no group leader), so
	# $! is the daemon itself and the leader of its own process group.
	setsid "${pre[@]}" "$@" </dev/null >>"$EM_TMP/$name.log" 2>&1 {_em_tap_fd}>&- {_em_err_fd}>&- &
	SPAWNED_PID=$!
	disown "$SPAWNED_PID"	# no "Killed" notices; stop_pid polls /proc
	echo "$SPAWNED_PID" >>"$EM_TMP/.pids"
}

identity_gid() {
	_em_identity "$1" || return 1
	(( ${#_em_pre[@]} )) || return 0
	echo "${_em_pre[1]#--regid=}"
}

sim_agent_flags() {
	local a ips= gids= g
	for a in "$@"; do
		ips+=${ips:+,}$a
		g=$(identity_gid "$a") || return 1
		[[ -n $g ]] && gids+=${gids:+,}$g
	done
	echo "-agent-ips=$ips${gids:+ -agent-gids=$gids}"
}

at_addr() {
	local addr=$1; shift
	_em_identity "$addr" || return 1
	"${_em_pre[@]}" "$@"
}

# _em_stop_pids SECONDS PID...: SIGTERM+SIGCONT to each process group (or
# process), SIGKILL to the survivors after SECONDS; 1 if any outlives that.
_em_stop_pids() {
	local secs=$1 pid i left
	shift
	for pid in "$@"; do
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
		kill -CONT -- "-$pid" 2>/dev/null || kill -CONT "$pid" 2>/dev/null
	done
	for (( i = 0; i <= secs * 20 + 100; i++ )); do
		left=()
		for pid in "$@"; do pid_alive "$pid" && left+=("$pid"); done
		(( ${#left[@]} )) || break
		if (( i == secs * 20 )); then
			echo "stop_pid: ${left[*]} ignored SIGTERM for ${secs}s, sending SIGKILL" >&2
			for pid in "${left[@]}"; do
				kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
			done
		fi
		sleep 0.05
	done
	for pid in "$@"; do wait "$pid" 2>/dev/null; done
	(( ${#left[@]} == 0 ))
}

stop_pid() {
	_em_stop_pids "${2:-5}" "$1"
}

# ------------------------------------------------------- ports, addresses
_em_ports_in_use() {
	local f l
	for f in /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6; do
		[[ -r $f ]] || continue
		{
			read -r _
			while read -r _ l _; do echo $(( 16#${l##*:} )); done
		} <"$f"
	done
}

free_port() {
	local min=${EM_PORT_MIN:-20000} max=${EM_PORT_MAX:-31999} fd used p i span
	exec {fd}>>"$EM_TMP/.ports"
	flock "$fd"
	used=" $(_em_ports_in_use | tr '\n' ' ') $(tr '\n' ' ' <"$EM_TMP/.ports") "
	span=$(( max - min + 1 ))
	p=$(( min + (RANDOM * 32768 + RANDOM) % span ))
	for (( i = 0; i < span; i++ )); do
		if [[ $used != *" $p "* ]]; then
			echo "$p" >&"$fd"
			exec {fd}>&-
			echo "$p"
			return 0
		fi
		p=$(( p == max ? min : p + 1 ))
	done
	exec {fd}>&-
	echo "free_port: no free port in $min..$max${1:+ on $1}" >&2
	return 1
}

free_ip() {
	local fd n
	exec {fd}>>"$EM_TMP/.ips"
	flock "$fd"
	n=$(( $(wc -l <"$EM_TMP/.ips") + 10 ))
	if (( n > 254 )); then
		exec {fd}>&-
		echo "free_ip: no address left in 127.0.0.10..254" >&2
		return 1
	fi
	echo "127.0.0.$n" >&"$fd"
	exec {fd}>&-
	echo "127.0.0.$n"
}

_em_us() { # seconds (maybe fractional) -> microseconds
	local s=$1 int frac
	int=${s%%.*} frac=
	[[ $s == *.* ]] && frac=${s#*.}
	frac=${frac}000000
	echo $(( 10#${int:-0} * 1000000 + 10#${frac:0:6} ))
}

_em_now_us() {
	echo "${EPOCHREALTIME/[.,]/}"
}

wait_until() {
	local secs=$1 deadline delay=0.02 out
	shift
	[[ $secs =~ ^[0-9]+(\.[0-9]+)?$ && $# -gt 0 ]] ||
		_em_bug "usage: wait_until SECONDS 'condition'"
	deadline=$(( $(_em_now_us) + $(_em_us "$secs") ))
	out=$EM_TMP/.wait_until.$BASHPID.$RANDOM
	while :; do
		if { eval "$*"; } >"$out" 2>&1 </dev/null; then
			rm -f "$out"
			return 0
		fi
		if (( $(_em_now_us) >= deadline )); then
			echo "wait_until: gave up after ${secs}s waiting for: $*" >&2
			sed 's/^/  /' "$out" | tail -n 20 >&2
			rm -f "$out"
			return 1
		fi
		sleep "$delay"
		case $delay in 0.02) delay=0.05 ;; 0.05) delay=0.1 ;; *) delay=0.25 ;; esac
	done
}

# ------------------------------------------------------------ partitions
_em_nft_init() {
	: >"$EM_TMP/.nft"
	nft -f - <<-EOF
	add table ip $_em_nft_table
	add chain ip $_em_nft_table ident { type nat hook postrouting priority srcnat; policy accept; }
	add chain ip $_em_nft_table cut { type filter hook postrouting priority 200; policy accept; }
	EOF
}

# Sets _em_pre to the command prefix giving ADDR's identity.
_em_identity() {
	local addr=$1 b c d gid
	_em_pre=()
	if [[ $addr =~ ^127\.([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
		b=$(( 10#${BASH_REMATCH[1]} )) c=$(( 10#${BASH_REMATCH[2]} )) d=$(( 10#${BASH_REMATCH[3]} ))
	fi
	if [[ -z $b ]] || (( b > 255 || c > 255 || d > 255 )); then
		echo "identity: '$addr' is not an address in 127.0.0.0/8" >&2
		return 1
	fi
	test_have_prereq NFT || return 0
	[[ $addr == 127.0.0.1 ]] && return 0
	gid=$(( 200000 + b * 65536 + c * 256 + d ))
	if [[ ! -e $EM_TMP/.ident.$gid ]]; then
		_em_nft_init &&
		nft add rule ip "$_em_nft_table" ident meta skgid "$gid" ip saddr 127.0.0.1 snat to "$addr" &&
		: >"$EM_TMP/.ident.$gid" || return 1
	fi
	_em_pre=(setpriv "--regid=$gid" --clear-groups)
}

_em_addr_set() {
	local a out= IFS=$' \t\n,'
	for a in $1; do
		if ! [[ $a =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?$ ]]; then
			echo "cut_traffic: '$a' is not an IPv4 address or prefix" >&2
			return 1
		fi
		out+=${out:+, }$a
	done
	[[ -n $out ]] || { echo "cut_traffic: empty address set" >&2; return 1; }
	echo "$out"
}

cut_traffic() {
	local a b
	test_have_prereq NFT || {
		echo "cut_traffic: needs nft and setpriv in the test's own network namespace" >&2
		return 1
	}
	a=$(_em_addr_set "$1") && b=$(_em_addr_set "$2") || return 1
	_em_nft_init && nft -f - <<-EOF
	add rule ip $_em_nft_table cut ip saddr { $a } ip daddr { $b } drop
	add rule ip $_em_nft_table cut ip saddr { $b } ip daddr { $a } drop
	EOF
}

heal_traffic() {
	test_have_prereq NFT || return 1
	_em_nft_init && nft flush chain ip "$_em_nft_table" cut
}

. "$(dirname "${BASH_SOURCE[0]}")/test-lib-servers.sh"

# ------------------------------------------------------------- exit path
_em_exit() {
	local rc=$?
	trap - EXIT DEBUG
	trap '' INT TERM HUP PIPE
	if (( BASHPID != _em_mainpid )); then exit "$rc"; fi
	exec 1>&"$_em_tap_fd" 2>&"$_em_err_fd"
	if (( ! _em_done )); then
		echo "Bail out! $0 stopped before test_done (exit status $rc)"
		(( rc == 0 )) && rc=1
	fi
	if (( _em_in_test )); then
		note "stopped during test $_em_cur; its output so far:"
		tail -n 40 "$_em_cur_out" | _em_quote_lines
		_em_run_finish >/dev/null 2>&1 </dev/null
	fi
	_em_run_atexit || note "test_atexit cleanups failed: $_em_atexit_failed"
	_em_stop_all || note "some processes survived SIGKILL"
	if [[ -e $EM_TMP/.nft ]]; then
		nft delete table ip "$_em_nft_table" >/dev/null 2>&1
	fi
	if (( $$ == 1 )); then kill -KILL -1 2>/dev/null; fi
	cd / || :
	if [[ ${EM_KEEP_TMP:-} == 1 ]]; then
		note "kept $EM_TMP"
	else
		rm -rf "$EM_TMP"
	fi
	exit "$rc"
}
trap _em_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE
