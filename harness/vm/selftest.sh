#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The VM runner's own tests: a kernel that panics during the run is a
# failure with the console tail and rebuilt results (never a pass), a run
# that passes is a pass, a VM that stops making progress is a hang, and
# something that does not boot is retried once and reported as a boot
# failure.  Uses vm.sh's --extra with two scripts
# instead of test programs; KERNEL as for vm.sh (default 6.1).
#
#   harness/vm/selftest.sh [KERNEL]
#   harness/vm/selftest.sh --resolve  (no boot: the package a KERNEL
#                                      version names, from a made-up list)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)

# KERNEL=<version> against a package list with Debian's naming: 6.1 by ABI
# (6.1.0-47 is 6.1.170), 6.12+ by version, linux-binary-* from 6.19 on,
# release candidates in experimental, other flavours and -dbg beside
resolve_selftest() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/vm-resolve.XXXXXX") || exit 1
	trap 'rm -rf "$T"' EXIT
	tab=$(printf '\t')
	sed "s/ *| */$tab/g" > "$T/index" <<'EOF'
linux-image-5.10.0-46-cloud-amd64 | 5.10.262-1 | bullseye-security
linux-image-6.1.0-47-cloud-amd64 | 6.1.170-3 | bookworm
linux-image-6.1.0-47-amd64 | 6.1.170-3 | bookworm
linux-image-6.1.0-47-cloud-amd64-dbg | 6.1.170-3 | bookworm
linux-image-6.1.0-56-cloud-amd64 | 6.1.190-1 | bookworm-security
linux-image-6.1.0-57-cloud-amd64 | 6.1.192-3 | bookworm-security
linux-image-6.1.0-57-rt-amd64 | 6.1.192-3 | bookworm-security
linux-image-6.12.43+deb12-cloud-amd64 | 6.12.43-1~bpo12+1 | bookworm-backports
linux-image-6.12.117+deb12-cloud-amd64 | 6.12.117-1~deb12u1 | bookworm-security
linux-image-6.12.118+deb13-cloud-amd64 | 6.12.118-1 | trixie
linux-image-6.19.6+deb13-cloud-amd64 | 6.19.6-1~bpo13+1 | trixie-backports
linux-binary-6.19.6+deb13-cloud-amd64 | 6.19.6-1~bpo13+1 | trixie-backports
linux-image-7.3.4+deb13-cloud-amd64 | 7.3.4-1~bpo13+1 | trixie-backports
linux-binary-7.3.4+deb13-cloud-amd64 | 7.3.4-1~bpo13+1 | trixie-backports
linux-binary-7.3.4+deb13-amd64 | 7.3.4-1~bpo13+1 | trixie-backports
linux-binary-7.3-rc6-cloud-amd64 | 7.3~rc6-1~exp1 | experimental
linux-binary-7.3-rc7-cloud-amd64 | 7.3~rc7-1~exp1 | experimental
linux-binary-7.4-rc1-cloud-amd64 | 7.4~rc1-1~exp1 | experimental
EOF
	fails=0
	expect() {	# expect SPEC PACKAGE VERSION
		got=$(VM_KERNEL_INDEX=$T/index VM_DIR=$T/vm sh "$HERE/vm.sh" --resolve "$1" 2> "$T/err")
		if [ "$got" = "$1$tab$2$tab$3" ]; then echo "ok: $1 is $2 ($3)"
		else echo "FAILED: $1: expected $2 $3, got '$got' $(cat "$T/err")"; fails=$((fails + 1)); fi
	}
	refuse() {	# refuse SPEC MESSAGE: one line on stderr, status 2
		VM_KERNEL_INDEX=$T/index VM_DIR=$T/vm sh "$HERE/vm.sh" --resolve "$1" > "$T/out" 2> "$T/err"
		rc=$?
		if [ "$rc" = 2 ] && [ ! -s "$T/out" ] && [ "$(wc -l < "$T/err")" = 1 ] && grep -qF -- "$2" "$T/err"; then
			echo "ok: $1 is refused: $(cat "$T/err")"
		else echo "FAILED: $1: expected one line '$2' and status 2, got $rc: $(cat "$T/out" "$T/err")"; fails=$((fails + 1)); fi
	}
	expect 6.1.170 linux-image-6.1.0-47-cloud-amd64 6.1.170-3
	expect 6.1 linux-image-6.1.0-57-cloud-amd64 6.1.192-3
	expect 5.10 linux-image-5.10.0-46-cloud-amd64 5.10.262-1
	expect 6.12 linux-image-6.12.118+deb13-cloud-amd64 6.12.118-1
	expect 6.12.43 linux-image-6.12.43+deb12-cloud-amd64 6.12.43-1~bpo12+1
	expect 6.19.6 linux-binary-6.19.6+deb13-cloud-amd64 6.19.6-1~bpo13+1
	expect newest linux-binary-7.3.4+deb13-cloud-amd64 7.3.4-1~bpo13+1
	expect 7.3 linux-binary-7.3.4+deb13-cloud-amd64 7.3.4-1~bpo13+1
	expect 7.3-rc linux-binary-7.3-rc7-cloud-amd64 7.3~rc7-1~exp1
	expect 7.3-rc6 linux-binary-7.3-rc6-cloud-amd64 7.3~rc6-1~exp1
	expect 7.4-rc linux-binary-7.4-rc1-cloud-amd64 7.4~rc1-1~exp1
	refuse 6.1.999 "no Debian kernel package (cloud-amd64) is version '6.1.999'; Debian has 3 6.1 versions: 6.1.170 6.1.190 6.1.192"
	refuse 7.4 "Debian has 1 7.4 version: 7.4~rc1"
	refuse 9.9 "Debian has no 9.9 kernel"
	refuse 6.1.x "not a kernel version"
	[ "$fails" = 0 ] && echo "vm resolve selftest: all passed" || echo "vm resolve selftest: $fails failed"
	[ "$fails" = 0 ]
}
[ "${1:-}" = --resolve ] && { resolve_selftest; exit; }

K=${1:-${KERNEL:-6.1}}
T=$(mktemp -d "${TMPDIR:-/tmp}/vm-selftest.XXXXXX") || exit 1
[ -n "${VM_SELFTEST_KEEP:-}" ] || trap 'rm -rf "$T" "${VM_DIR:-$HERE/../../.vm}"/kernels/file-bogus-*' EXIT
mkdir -p "$T/extra/vmselftest" "$T/results"
cat > "$T/extra/vmselftest/a-passes" <<'P'
#!/bin/sh
printf 'TAP version 13\n1..1\nok 1 vmselftest.passes\n'
P
cat > "$T/extra/vmselftest/b-panics" <<'P'
#!/bin/sh
printf 'TAP version 13\n1..1\n# about to crash the kernel\n'
# time for the runner to report the program before this one
sleep 2
echo c > /proc/sysrq-trigger
P
cat > "$T/extra/vmselftest/c-never-runs" <<'P'
#!/bin/sh
printf 'TAP version 13\n1..1\nok 1 vmselftest.never_runs\n'
P
cat > "$T/extra/vmselftest/d-hangs" <<'P'
#!/bin/sh
printf 'TAP version 13\n1..1\n'
sleep 600
P
chmod +x "$T/extra/vmselftest/"*
fails=0
check() {	# check WHAT COND...
	what=$1; shift
	if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; fails=$((fails + 1)); fi
}
vm() {
	sh "$HERE/vm.sh" --kernel "$K" --no-build --extra "$T/extra" -o "$T/results" "$@" > "$T/out" 2> "$T/err"
}

vm vmselftest/a-passes
check "a passing run exits 0" [ $? = 0 ]
# the hang's VM time limit: past this boot, however loaded the host is
# (a boot took 2 s on an idle host and 50 s at load average 30)
BOOT_S=$(sed -n 's/.*"boot_to_first_test_s": \([0-9]*\).*/\1/p' "$T/results/latest/vm.json" | head -n 1)
HANG_WALL=$(( ${BOOT_S:-10} * 2 + 30 ))
check "and says ok in vm.json" grep -q '"status": "ok"' "$T/results/latest/vm.json"
check "and brings summary.json back" grep -q '"name": "vmselftest/a-passes", "area": "vmselftest", "verdict": "pass"' "$T/results/latest/summary.json"

vm vmselftest
check "a panic exits 1" [ $? = 1 ]
check "and is a kernel-crash in vm.json" grep -q '"status": "kernel-crash"' "$T/results/latest/vm.json"
check "with the console tail on stderr" grep -q '^# vm: console: .*Kernel panic' "$T/err"
check "the program that ran fails in summary.json" grep -q '"name": "vmselftest/b-panics", "area": "vmselftest", "verdict": "fail", "reason": "kernel crashed' "$T/results/latest/summary.json"
check "the one after it has no result" grep -q '"name": "vmselftest/c-never-runs", "area": "vmselftest", "verdict": "fail", "reason": "no result' "$T/results/latest/summary.json"
check "the one before it passed, with its log" grep -q '^ok 1 vmselftest.passes' "$T/results/latest/logs/vmselftest_a-passes.log"
check "the ktap has a result for each, and kernel-health" [ "$(grep -c '^\(not \)\?ok [0-9]* selftests:' "$T/results/latest/ktap")" = 5 ]
check "junit.xml counts the failures" grep -q '<testsuites name="iouring" tests="4" failures="3"' "$T/results/latest/junit.xml"

VM_WALL=$HANG_WALL sh "$HERE/vm.sh" --kernel "$K" --no-build --extra "$T/extra" -o "$T/results" vmselftest/d-hangs > "$T/out" 2> "$T/err"
check "a VM that stops making progress exits 1" [ $? = 1 ]
check "as a hang" grep -q '"status": "hang"' "$T/results/latest/vm.json"
check "with the program that hung failed" grep -q '"name": "vmselftest/d-hangs", "area": "vmselftest", "verdict": "fail"' "$T/results/latest/summary.json"

# a program that runs whatever kernel.io_uring_disabled says fails the
# check in the guest (on a kernel that has the sysctl: 6.6+)
KD=${VM_SELFTEST_DISABLED_KERNEL:-6.12}
sh "$HERE/vm.sh" --kernel "$KD" --no-build --extra "$T/extra" -o "$T/results" --io-uring-disabled vmselftest/a-passes > "$T/out" 2> "$T/err"
check "a program that does not skip with io_uring disabled fails the run ($KD)" [ $? = 1 ]
check "as a failed io_uring_disabled check in vm.json" grep -q '"io_uring_disabled_check": "failed"' "$T/results/latest/vm.json"
check "naming the program in post-check.log" grep -q '^ok 1 selftests: iouring: vmselftest/a-passes' "$T/results/latest/post-check.log"

printf 'not a kernel\n' > "$T/bogus"
sh "$HERE/vm.sh" --kernel "$T/bogus" --no-build --extra "$T/extra" -o "$T/results" vmselftest/a-passes > "$T/out" 2> "$T/err"
check "a kernel that does not boot exits 1" [ $? = 1 ]
check "after one retry" grep -q '"attempts": 2' "$T/results/latest/vm.json"
check "as a boot-failure" grep -q '"status": "boot-failure"' "$T/results/latest/vm.json"

[ "$fails" = 0 ] && echo "vm selftest: all passed" || echo "vm selftest: $fails failed"
[ "$fails" = 0 ]
