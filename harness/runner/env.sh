# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The run's environment (sourced by run_tests.sh): the taint flags at the
# start, how programs are launched as --as-user, and the environment report.
# Reads TESTDIR, HERE, AS_USER, KREL, KVER, NCPU and, for the report,
# KLOG_NOTE (health.sh).

ENV_TOOL=
for c in "${IOU_ENV_TOOL:-}" "$TESTDIR/../build/iou-env" "$HERE/build/iou-env"; do
	if [ -n "$c" ] && [ -x "$c" ]; then ENV_TOOL=$c; break; fi
done
TAINT0=
read -r TAINT0 < /proc/sys/kernel/tainted 2>/dev/null
[ -n "$TAINT0" ] || TAINT0=unknown

# busybox's setpriv has no --reuid: su then
SETPRIV_REUID=0
if [ -n "$AS_USER" ] && setpriv --help 2>&1 | grep -q -- --reuid; then
	SETPRIV_REUID=1
fi
# launch CMD...: run CMD as the run's user
launch() {
	if [ -z "$AS_USER" ]; then
		"$@"
	elif [ "$SETPRIV_REUID" = 1 ]; then
		setpriv --reuid="$AS_USER" --regid="$(id -g "$AS_USER")" --clear-groups "$@"
	else
		su -s /bin/sh "$AS_USER" -c 'exec "$0" "$@"' "$@"
	fi
}

# the environment report, a "key=value" line each (summary.json's environment)
env_report() {
	echo "kernel_release=$KREL"
	echo "kernel_version=$(uname -v)"
	echo "kernel_version_matched=$KVER"
	echo "machine=$(uname -m)"
	echo "cpus=$NCPU"
	echo "uid=$(id -u)"
	echo "run_as=${AS_USER:-$(id -un 2>/dev/null || id -u)}"
	echo "io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo absent)"
	echo "rlimit_memlock_kib=$(ulimit -l 2>/dev/null || echo unknown)"
	echo "rlimit_nofile=$(ulimit -n 2>/dev/null || echo unknown)"
	echo "tainted=$TAINT0"
	echo "kernel_log=$KLOG_NOTE"
	[ -z "$ENV_TOOL" ] || launch "$ENV_TOOL" 2>/dev/null
}

# IOU_TIMEOUT_SCALE, the factor the programs stretch their time bounds by
# (and the runner its per-program timeout): an explicit value wins (the VM
# runner sets it and scales --timeout itself); otherwise ceil(load average
# / (2 x CPUs)) when the load is above twice the CPUs (a -j run on an idle
# machine leaves a load about its CPU count: the next run must not slow
# itself down for it; the bounds hold unscaled up to there), at most 8, and at
# least 4 in a QEMU guest (DMI or CPU model name; a hypervisor flag alone
# does not count: KVM-class VMs run at native speed).  Sets SCALE_WHY,
# SCALE_AUTO.
timeout_scale() {
	SCALE_AUTO=0
	if [ -n "${IOU_TIMEOUT_SCALE:-}" ]; then
		SCALE_WHY="set by IOU_TIMEOUT_SCALE"
		return 0
	fi
	SCALE_AUTO=1
	load=
	read -r load _ < /proc/loadavg 2>/dev/null
	qemu=0
	if grep -qs QEMU /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name ||
	   grep -qs '^model name.*QEMU' /proc/cpuinfo; then
		qemu=1
	fi
	IOU_TIMEOUT_SCALE=$(awk -v l="${load:-0}" -v c="$NCPU" -v q="$qemu" 'BEGIN {
		s = 1
		if (l > 2 * c) { s = int(l / (2 * c)); if (s < l / (2 * c)) s++ }
		if (s > 8) s = 8
		if (q && s < 4) s = 4
		print s }')
	SCALE_WHY="load average ${load:-unknown} on $NCPU CPUs$( [ "$qemu" = 1 ] && echo ', a QEMU guest')"
	export IOU_TIMEOUT_SCALE
}
