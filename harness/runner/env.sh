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
