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
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
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

VM_WALL=40 sh "$HERE/vm.sh" --kernel "$K" --no-build --extra "$T/extra" -o "$T/results" vmselftest/d-hangs > "$T/out" 2> "$T/err"
check "a VM that stops making progress exits 1" [ $? = 1 ]
check "as a hang" grep -q '"status": "hang"' "$T/results/latest/vm.json"
check "with the program that hung failed" grep -q '"name": "vmselftest/d-hangs", "area": "vmselftest", "verdict": "fail"' "$T/results/latest/summary.json"

printf 'not a kernel\n' > "$T/bogus"
sh "$HERE/vm.sh" --kernel "$T/bogus" --no-build --extra "$T/extra" -o "$T/results" vmselftest/a-passes > "$T/out" 2> "$T/err"
check "a kernel that does not boot exits 1" [ $? = 1 ]
check "after one retry" grep -q '"attempts": 2' "$T/results/latest/vm.json"
check "as a boot-failure" grep -q '"status": "boot-failure"' "$T/results/latest/vm.json"

[ "$fails" = 0 ] && echo "vm selftest: all passed" || echo "vm selftest: $fails failed"
[ "$fails" = 0 ]
