#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# With io_uring disabled by sysctl, every program of the suite must SKIP
# (whole program, exit 4) and say why: kernel.io_uring_disabled=2 for
# everyone, =1 for a user without CAP_SYS_ADMIN outside io_uring_group.
# Changes a global sysctl, so it runs only on request
# (`make check-io-uring-disabled`) or inside the QEMU guest; the old value is
# restored whatever happens.
#
# usage: io-uring-disabled.sh TESTS_DIR [TEST...]
#   TEST: areas, programs or globs as for run_tests.sh (default: all)
set -u

TESTS=$1
shift
SUBSET="$*"
# (patterns are for the runner, not for this shell)
set -f
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SYSCTL=/proc/sys/kernel/io_uring_disabled

if [ ! -f "$SYSCTL" ]; then
	echo "# SKIP io_uring_disabled checks: no $SYSCTL (kernel before 6.6)"
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! old=$(cat "$SYSCTL") || ! echo "$old" > "$SYSCTL" 2>/dev/null; then
	echo "# SKIP io_uring_disabled checks: $SYSCTL is not writable here"
	exit 0
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iou-disabled.XXXXXX")
trap 'echo "$old" > "$SYSCTL"; rm -rf "$WORK"' EXIT INT TERM
FAILED=0

all_skip() {	# all_skip VALUE REASON [runner args]
	value=$1; reason=$2; shift 2
	echo "$value" > "$SYSCTL"
	# shellcheck disable=SC2086
	# each program's result as it comes, as a comment (progress in a
	# slow guest); the verdict is taken from the whole output below
	"$TOP/run_tests.sh" -q -d "$TESTS" -o "$WORK" --no-prove "$@" $SUBSET 2>&1 | tee "$WORK/out" |
		sed -n "s/^\(not \)\{0,1\}ok [0-9]* selftests: iouring: .*/# io_uring_disabled=$value: &/p"
	echo "$old" > "$SYSCTL"
	total=$(grep -cE '^(not )?ok [0-9]+ selftests: iouring: [a-z]' "$WORK/out")
	skipped=$(grep -cF "# SKIP $reason" "$WORK/out")
	# the kernel-health line is not a program
	total=$((total - 1))
	if [ "$total" -gt 0 ] && [ "$skipped" = "$total" ]; then
		echo "ok - io_uring_disabled=$value${1:+ $*}: all $total programs skip: $reason"
	else
		FAILED=1
		grep -E '^(not )?ok ' "$WORK/out" | grep -vF "# SKIP $reason" | head -n 10
		echo "not ok - io_uring_disabled=$value${1:+ $*}: $skipped of $total programs skip with: $reason"
	fi
}

all_skip 2 "io_uring disabled by kernel.io_uring_disabled=2 (EPERM)"
if id nobody >/dev/null 2>&1; then
		group=$(cat /proc/sys/kernel/io_uring_group 2>/dev/null || echo -1)
	all_skip 1 "io_uring disabled by kernel.io_uring_disabled=1 for callers outside kernel.io_uring_group=$group (EPERM)" --as-user nobody
fi
exit $FAILED
