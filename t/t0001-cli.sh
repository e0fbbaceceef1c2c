#!/bin/bash
# The multicall binary: dispatch, links, version, help, flags, --check-config.
test_description='etcd-mesos command line'
. "$(dirname "$0")/test-lib.sh"

SEED_ARGS=(-log_dir=/var/log/etcd-mesos -master="zk://zk1:2181,zk2:2181,zk3:2181/mesos"
  -framework-name="etcd-mycluster" -cluster-size=3
  -executor-bin=/path/to/etcd-mesos-executor -etcd-bin=/path/to/etcd
  -etcdctl-bin=/path/to/etcdctl
  -zk-framework-persist="zk://zk1:2181,zk2:2181,zk3:2181/etcd-mesos")

# json_get FILE KEY: prints the value of a top-level key of a JSON file
json_get () {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(json.dumps(v) if not isinstance(v,str) else v)' "$1" "$2"
}

test_expect_success 'links named like the original programs' '
	mkdir -p "$TEST_TMP/bin" &&
	for m in scheduler executor ctl; do
		ln -sf "$EM_BIN" "$TEST_TMP/bin/etcd-mesos-$m" || return 1
	done
'

test_expect_success 'no mode: usage on stderr, exit 2' '
	test_expect_code 2 "$EM_BIN" 2>err &&
	grep -q "usage: etcd-mesos <mode>" err
'

test_expect_success 'unknown mode: usage on stderr, exit 2' '
	test_expect_code 2 "$EM_BIN" frobnicate 2>err >out &&
	grep -q "unknown mode \"frobnicate\"" err &&
	grep -q "usage:" err &&
	test ! -s out
'

test_expect_success 'version names the build and every linked library' '
	"$EM_BIN" version >out &&
	grep -q "^etcd-mesos [0-9]" out &&
	grep -Eq "^build: (static|dynamic)" out &&
	grep -Eq "^libc: (glibc|musl)" out &&
	grep -q "^mbedTLS: 2\." out &&
	grep -q "^cJSON: 1\." out &&
	grep -q "^protobuf-c: 1\." out &&
	grep -q "^ZooKeeper C client: 3\." out
'

test_expect_success 'help lists the modes; help <mode> lists its flags' '
	"$EM_BIN" help >out &&
	grep -q "scheduler" out && grep -q "executor" out && grep -q "ctl" out &&
	"$EM_BIN" help scheduler >out &&
	grep -q -- "-zk-framework-persist" out &&
	grep -q -- "-admin-port=int .*(default 23400)" out &&
	test_expect_code 2 "$EM_BIN" help nosuchmode 2>err &&
	grep -q "unknown mode" err
'

test_expect_success '--help and -h through each link exit 0' '
	"$TEST_TMP/bin/etcd-mesos-scheduler" --help >out && grep -q "reseed-timeout" out &&
	"$TEST_TMP/bin/etcd-mesos-executor" -h >out && grep -q "launch-timeout" out &&
	"$TEST_TMP/bin/etcd-mesos-ctl" --help >out && grep -q "teardown" out
'

test_expect_success 'the seed command line parses unchanged (--check-config)' '
	"$TEST_TMP/bin/etcd-mesos-scheduler" "${SEED_ARGS[@]}" --check-config >cfg.json &&
	test "$(json_get cfg.json framework-name)" = etcd-mycluster &&
	test "$(json_get cfg.json cluster-size)" = 3 &&
	test "$(json_get cfg.json master)" = "zk://zk1:2181,zk2:2181,zk3:2181/mesos" &&
	test "$(json_get cfg.json zk-framework-persist)" = "zk://zk1:2181,zk2:2181,zk3:2181/etcd-mesos" &&
	test "$(json_get cfg.json log_dir)" = /var/log/etcd-mesos &&
	test "$(json_get cfg.json executor-bin)" = /path/to/etcd-mesos-executor &&
	test "$(json_get cfg.json admin-port)" = 23400 &&
	test "$(json_get cfg.json artifact-port)" = 12300 &&
	test "$(json_get cfg.json reseed-timeout)" = 240 &&
	test "$(json_get cfg.json auto-reseed)" = true &&
	test "$(json_get cfg.json failover-timeout-seconds)" = 604800 &&
	test "$(json_get cfg.json single-instance-per-slave)" = true &&
	test "$(json_get cfg.json _mode)" = scheduler
'

test_expect_success 'the same through "etcd-mesos scheduler"' '
	"$EM_BIN" scheduler "${SEED_ARGS[@]}" --check-config >cfg2.json &&
	cmp cfg.json cfg2.json
'

test_expect_success 'original container environment names are fallbacks' '
	FRAMEWORK_NAME=envname CLUSTER_SIZE=7 AUTO_RESEED=false RESEED_TIMEOUT=30 \
	CPU_LIMIT=1 MEM_LIMIT=1024 DISK_LIMIT=2048 MESOS_MASTER=zk://m:2181/mesos \
	ZK_PERSIST=zk://z:2181/etcd-mesos FRAMEWORK_FAILOVER_TIMEOUT_SECONDS="60*60*24*7" \
	SINGLE_INSTANCE_PER_SLAVE=false WEBURI=http://ui/ VERBOSITY=2 \
		"$EM_BIN" scheduler --check-config >env.json &&
	test "$(json_get env.json framework-name)" = envname &&
	test "$(json_get env.json cluster-size)" = 7 &&
	test "$(json_get env.json auto-reseed)" = false &&
	test "$(json_get env.json reseed-timeout)" = 30 &&
	test "$(json_get env.json sandbox-cpu-limit)" = 1 &&
	test "$(json_get env.json sandbox-mem-limit)" = 1024 &&
	test "$(json_get env.json sandbox-disk-limit)" = 2048 &&
	test "$(json_get env.json master)" = zk://m:2181/mesos &&
	test "$(json_get env.json zk-framework-persist)" = zk://z:2181/etcd-mesos &&
	test "$(json_get env.json failover-timeout-seconds)" = 604800 &&
	test "$(json_get env.json single-instance-per-slave)" = false &&
	test "$(json_get env.json framework-weburi)" = http://ui/ &&
	test "$(json_get env.json v)" = 2
'

test_expect_success 'a command-line flag wins over the environment' '
	CLUSTER_SIZE=7 ZK_PERSIST=zk://z:2181/p "$EM_BIN" scheduler -cluster-size=5 --check-config >p.json &&
	test "$(json_get p.json cluster-size)" = 5
'

test_expect_success 'unknown flag: exit 2, one line naming it' '
	test_expect_code 2 "$EM_BIN" scheduler -no-such-flag=1 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q -- "-no-such-flag" err
'

test_expect_success 'malformed values: exit 2 naming flag and value' '
	test_expect_code 2 "$EM_BIN" scheduler -cluster-size=three 2>err &&
	grep -q "cluster-size=\"three\"" err &&
	test_expect_code 2 "$EM_BIN" scheduler -auto-reseed=perhaps 2>err &&
	grep -q "perhaps" err &&
	test_expect_code 2 "$EM_BIN" scheduler -admin-port 2>err &&
	grep -q "needs a value" err
'

test_expect_success 'invalid cluster size and missing ZooKeeper path: exit 2' '
	test_expect_code 2 "$EM_BIN" scheduler -zk-framework-persist=zk://z:1/p -cluster-size=4 2>err &&
	grep -q "cluster-size=4: must be 3, 5 or 7" err &&
	test_expect_code 2 "$EM_BIN" scheduler --check-config 2>err &&
	grep -q "zk-framework-persist is required" err &&
	test_expect_code 2 "$EM_BIN" scheduler -zk-framework-persist=/etcd-mesos --check-config 2>err &&
	grep -q "expected zk://" err
'

test_expect_success 'secrets never appear in --check-config or --help' '
	"$EM_BIN" scheduler -zk-framework-persist=zk://z:1/p -admin-token=s3cr3t-value --check-config >sec.json &&
	! grep -q s3cr3t-value sec.json &&
	test "$(json_get sec.json admin-token)" = "<redacted>" &&
	ETCD_MESOS_ADMIN_TOKEN=s3cr3t-value "$EM_BIN" help scheduler >out &&
	! grep -q s3cr3t-value out
'

test_expect_success 'a real start checks the files --check-config does not' '
	test_expect_code 1 "$EM_BIN" scheduler "${SEED_ARGS[@]}" -log_dir= -logtostderr 2>err &&
	grep -q "/path/to/etcd-mesos-executor" err &&
	grep -Eq "^E[0-9]{4} " err
'

test_expect_success '-log_dir writes glog files and links' '
	mkdir logs &&
	test_expect_code 1 "$EM_BIN" scheduler -zk-framework-persist=zk://z:1/p \
		-executor-bin=/nonexistent/executor -log_dir="$PWD/logs" 2>err &&
	test -L logs/etcd-mesos-scheduler.ERROR &&
	test -L logs/etcd-mesos-scheduler.INFO &&
	grep -q "/nonexistent/executor" logs/etcd-mesos-scheduler.ERROR &&
	grep -q "/nonexistent/executor" err
'

test_expect_success 'ctl without a command: exit 2' '
	test_expect_code 2 "$EM_BIN" ctl 2>err &&
	grep -q "a command is needed" err
'

test_done
