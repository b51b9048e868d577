#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The suite tests itself: runs the suite (or some programs) once on the
# real kernel, then once under each perturbation of libiou-fault.so (a
# kernel made wrong on purpose), and asserts that every perturbed run is
# caught: at least one case FAILs that passed on the real kernel, and no
# case SKIPs that did not skip on it (the real kernel's QUERY and PROBE
# answers said the feature was there, so a new SKIP is the suite reading a
# fault as absence).  KTAP on stdout, one result per perturbation.
#
#   run.sh [-j N] [-P N] [-t S] [-f "fault ..."] [-l LIB] [-d TESTDIR] [PROGRAM...]
#
# Default: every perturbation the library knows, every program.  Exit 0
# when every perturbation was caught, 1 otherwise, 2 on bad usage.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
JOBS=2
PAR=1
TIMEOUT=30
FAULTS=
LIB=$TOP/build/harness/selftest/fault/libiou-fault.so
TESTDIR=$TOP/tests
KEEP=0

usage() {
	sed -n '/^# The suite tests itself/,/^# when every/p' "$0" | sed 's/^# \{0,1\}//'
	echo "options: -j jobs per run (2), -P perturbations at once (1), -t per-program timeout (30), -f faults, -l library, -d test dir, -k keep results"
}

while [ $# -gt 0 ]; do
	case $1 in
	-j) JOBS=$2; shift ;;
	-P) PAR=$2; shift ;;
	-t) TIMEOUT=$2; shift ;;
	-f) FAULTS=$2; shift ;;
	-l) LIB=$2; shift ;;
	-d) TESTDIR=$2; shift ;;
	-k) KEEP=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

[ -f "$LIB" ] || { echo "run.sh: no $LIB (make fault-lib)" >&2; exit 2; }
ALL=$(IOU_FAULT=list LD_PRELOAD=$LIB /bin/sh -c : | cut -f1)
[ -n "$FAULTS" ] || FAULTS=$ALL
for f in $FAULTS; do
	printf '%s\n' "$ALL" | grep -qx -- "$f" ||
		{ echo "run.sh: unknown fault '$f'" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/iou-fault.XXXXXX") || exit 2
[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# program:case verdict per line, from a run's combined KTAP (nested "# "
# lines are the program's own cases; a whole-program SKIP has none)
verdicts() {
	awk '
	/^# (not )?ok [0-9]+ / {
		line = substr($0, 3)
		v = (line ~ /^not ok/) ? "fail" : "pass"
		if (line ~ /# [Ss][Kk][Ii][Pp]/) v = "skip"
		if (line ~ /# (XFAIL|xfail|TODO)/) v = "xfail"
		sub(/^(not )?ok [0-9]+ /, "", line)
		reason = line; sub(/^[^#]*(# )?/, "", reason)
		sub(/ *#.*$/, "", line)
		n++; c[n] = line; cv[n] = v; cr[n] = reason
		next
	}
	/^(not )?ok [0-9]+ selftests: / {
		prog = $0; sub(/^(not )?ok [0-9]+ selftests: [^:]*: /, "", prog)
		reason = prog; sub(/^[^#]*(# )?/, "", reason)
		sub(/ .*$/, "", prog)
		pv = ($0 ~ /^not ok/) ? "fail" : ($0 ~ /# SKIP/) ? "skip" : "pass"
		if (n == 0)
			print prog ":*\t" pv "\t" reason
		for (i = 1; i <= n; i++)
			print prog ":" c[i] "\t" cv[i] "\t" cr[i]
		n = 0
	}' "$1" | grep -v '^kernel-health:'
}

run_suite() {	# results-dir fault|"" programs...
	out=$1 fault=$2
	shift 2
	if [ -n "$fault" ]; then
		IOU_FAULT=$fault LD_PRELOAD=$LIB "$TOP/run_tests.sh" -j "$JOBS" -t "$TIMEOUT" \
			--no-prove --no-kernel-log -d "$TESTDIR" -o "$out" "$@" >/dev/null 2>&1
	else
		"$TOP/run_tests.sh" -j "$JOBS" -t "$TIMEOUT" --no-prove --no-kernel-log \
			-d "$TESTDIR" -o "$out" "$@" >/dev/null 2>&1
	fi
	[ -f "$out/latest/ktap" ] || return 1
	verdicts "$out/latest/ktap" | sort > "$out.v"
}

N=$(printf '%s\n' $FAULTS | wc -l)
echo "TAP version 13"
echo "1..$N"
start=$(date +%s)
if ! run_suite "$WORK/base" "" "$@"; then
	echo "Bail out! the unperturbed run left no results"
	exit 1
fi
awk -F'\t' '{ t[$2]++ } END { printf "# baseline: %d cases (%d pass, %d skip, %d fail, %d xfail)\n",
	NR, t["pass"], t["skip"], t["fail"], t["xfail"] }' "$WORK/base.v"
# cases that pass on the real kernel (a new FAIL is counted among these)
awk -F'\t' '$2 == "pass" { print $1 }' "$WORK/base.v" > "$WORK/base.pass"
awk -F'\t' '$2 == "skip" { print $1 }' "$WORK/base.v" > "$WORK/base.skip"

# one perturbation: its KTAP result line (and reasons) in $WORK/$f.res
judge() {
	f=$1
	shift
	t0=$(date +%s)
	if ! run_suite "$WORK/$f" "$f" "$@"; then
		echo "not ok %d $f # the perturbed run left no results" > "$WORK/$f.res"
		return
	fi
	# a case that vanished (its program crashed before it) is no new SKIP
	fails=$(awk -F'\t' 'NR == FNR { p[$1] = 1; next } ($2 == "fail" || $2 == "xfail") &&
		($1 in p || $1 ~ /:\*$/) { n++ } END { print n + 0 }' "$WORK/base.pass" "$WORK/$f.v")
	awk -F'\t' 'NR == FNR { s[$1] = 1; next } $2 == "skip" && !($1 in s) { print $1 " (" $3 ")" }' \
		"$WORK/base.skip" "$WORK/$f.v" > "$WORK/$f.newskip"
	skips=$(wc -l < "$WORK/$f.newskip")
	dt=$(( $(date +%s) - t0 ))
	{
		if [ "$fails" -gt 0 ] && [ "$skips" -eq 0 ]; then
			echo "ok %d $f # $fails FAIL, 0 new SKIP (${dt}s)"
		else
			echo "not ok %d $f # $fails FAIL, $skips new SKIP (${dt}s)$([ "$fails" -eq 0 ] && echo ': the suite stayed green')"
			head -n 10 "$WORK/$f.newskip" | sed 's/^/#   new SKIP: /'
			[ "$skips" -le 10 ] || echo "#   ... and $((skips - 10)) more"
		fi
	} > "$WORK/$f.res"
}

i=0 bad=0 batch=
flush() {
	for f in $batch; do
		i=$((i + 1))
		[ -s "$WORK/$f.res" ] || echo "not ok %d $f # no verdict" > "$WORK/$f.res"
		head -n 1 "$WORK/$f.res" | grep -q '^not ok' && bad=$((bad + 1))
		# the number is the perturbation's place in the plan
		sed "1s/%d/$i/" "$WORK/$f.res"
	done
	batch=
}
n=0
for f in $FAULTS; do
	judge "$f" "$@" &
	batch="$batch $f"
	n=$((n + 1))
	if [ "$n" -ge "$PAR" ]; then
		wait
		flush
		n=0
	fi
done
wait
flush
echo "# $((N - bad)) of $N perturbations caught, $(( $(date +%s) - start ))s"
[ "$KEEP" = 1 ] && echo "# results kept in $WORK"
[ "$bad" -eq 0 ]
