#!/bin/bash
# The static musl binary (scripts/build-static): statically linked, at most
# 2 MiB, reports a static musl build with every library's version, and runs
# alone in an empty root (no loader, no libraries, no /dev, no /etc).
#
# scripts/test runs scripts/build-static before the tests; when
# build-static/etcd-mesos is absent this test reports one skipped case.
set -u

root=${EM_SOURCE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
bin=$root/build-static/etcd-mesos
max_size=$((2 * 1024 * 1024))

n=0
failed=0
ok() { # ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
diag() { sed 's/^/# /' "$@"; }

if [ ! -x "$bin" ]; then
	echo "1..1"
	echo "ok 1 - static binary # SKIP $bin not built (scripts/build-static builds it)"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# in_empty_root FILE ARGS...: runs FILE as /prog in a root holding only it,
# through a user namespace, or with chroot as root where user namespaces
# are not allowed.
rootdir=$tmp/root
mkdir -p "$rootdir"
if unshare -r true 2>/dev/null; then
	enter_root=(unshare -r --root="$rootdir")
else
	enter_root=(chroot "$rootdir")
fi
in_empty_root() {
	cp "$1" "$rootdir/prog" || return 1
	shift
	"${enter_root[@]}" /prog "$@"
}

echo "1..9"

file -b "$bin" >"$tmp/file" 2>&1
grep -q 'statically linked' "$tmp/file" && ! grep -q 'dynamically linked' "$tmp/file"
ok $? "file(1) says statically linked"
diag "$tmp/file"

size=$(stat -c %s "$bin")
[ "$size" -le "$max_size" ]
ok $? "stripped size $size bytes <= $max_size"

"$bin" version >"$tmp/version" 2>&1
rc=$?
grep -qx 'build: static' "$tmp/version" && grep -qx 'libc: musl' "$tmp/version" && [ "$rc" = 0 ]
ok $? "version says a static musl build"
diag "$tmp/version"

# Each library line shows the upstream version of the Debian package the
# development build uses: the static build compiled the same release.
deb_version() { # PACKAGE: upstream part of the installed version
	local v
	v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || return 1
	v=${v#*:}
	echo "${v%%-*}"
}
libs_ok=0
for pair in "mbedTLS:libmbedtls-dev" "cJSON:libcjson-dev" "protobuf-c:libprotobuf-c-dev" \
	"ZooKeeper C client:libzookeeper-st-dev"; do
	name=${pair%%:*}
	want=$(deb_version "${pair#*:}") || want='[0-9][0-9.]*'
	if ! grep -Eq "^$name: $want( |\$)" "$tmp/version"; then
		echo "# no '$name: $want' line in the version output"
		libs_ok=1
	fi
done
ok $libs_ok "version prints every library's version (mbedTLS, cJSON, protobuf-c, ZooKeeper)"

# The root really is empty: a dynamically linked program cannot start in it.
if [ -n "${EM_BIN:-}" ] && file -b "$EM_BIN" | grep -q 'dynamically linked'; then
	in_empty_root "$EM_BIN" version >/dev/null 2>&1
	[ $? != 0 ]
	ok $? "the dynamic build cannot run in the empty root (the root is empty)"
else
	ok 0 "the dynamic build cannot run in the empty root # SKIP EM_BIN is not a dynamic binary"
fi

in_empty_root "$bin" version >"$tmp/version-root" 2>&1
ok $? "version runs in an empty root"
diag "$tmp/version-root"

cmp -s "$tmp/version" "$tmp/version-root"
ok $? "same version output inside and outside the empty root"

in_empty_root "$bin" scheduler --check-config -zk-framework-persist=zk://127.0.0.1:2181/x \
	>"$tmp/check" 2>"$tmp/check-err"
rc=$?
[ "$rc" = 0 ]
ok $? "scheduler --check-config exits 0 in an empty root"
diag "$tmp/check-err"

grep -Eq '"zk-framework-persist":[[:space:]]*"zk://127\.0\.0\.1:2181/x"' "$tmp/check" &&
	grep -Eq '"_mode":[[:space:]]*"scheduler"' "$tmp/check"
ok $? "--check-config prints the resolved configuration"

[ "$failed" = 0 ]
