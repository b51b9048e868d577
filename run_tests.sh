#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runner of the io_uring conformance suite: runs the test programs (all,
# or a subset by name, area or glob) in parallel with a per-program
# timeout, longest first, prints KTAP on stdout and leaves results/<run>/:
#   ktap          the combined KTAP stream printed on stdout
#   logs/         each program's own output (stdout and stderr)
#   summary.json  environment, verdicts, durations, known issues, the
#                 fixes each program guards and the missing-fix report
#   junit.xml     one testcase per KTAP case, fixes as properties
#   kernel.log    kernel problems logged during the run (root only)
#   durations.tsv each program's run time, which orders the next run
# and results/latest pointing at it.  POSIX sh, awk and coreutils or
# busybox only.  This file is the driver (options, selection, worker
# pool, report); its parts are in harness/runner/: ktap.awk (a program's
# verdict), known.awk (known issues), kernel-log.awk (kernel-health watch
# and attribution), results.awk and collect.awk (summary.json, junit.xml,
# missing-fix report).  Exit status: 0 if nothing failed, 1 otherwise, 2
# for bad usage.
set -u

ME=run_tests.sh
HERE=$(cd "$(dirname "$0")" && pwd)
PARTS=$HERE/harness/runner
SUITE=iouring

usage() {
	cat <<USAGE
usage: $ME [options] [TEST...]

TEST selects programs: an area (ring), a program (nop-basic or ring/nop-basic)
or a shell glob ('ring/cq-*', '*overflow*').  Default: every program.

  -j, --jobs N            programs run at once (default: number of CPUs)
  -t, --timeout S         per-program timeout in seconds (default: 45,
                          stretched by the timeout scale)
  -d, --dir DIR           where the test programs are (default: $HERE/tests)
  -o, --results DIR       where results/<run>/ goes (default: $HERE/results)
  -x, --exclude PAT       leave out programs matching PAT (repeatable)
  -k, --known-issues FILE expected failures, added to DIR/known-issues (repeatable)
  -r, --repeat N          run every selected program N times (flake hunting)
  -s, --shuffle           run in random order (--seed S to reproduce)
  -u, --as-user USER      run the programs as USER (e.g. nobody)
  -q, --quiet             print only result lines and the output of failures
  -l, --list              list the selected programs in run order and exit
      --safe-only         skip the programs whose reproducer is unsafe on a
                          kernel without its fix (IOU_SAFE_ONLY=1)
      --prove             also have prove re-parse every program's output
      --no-kernel-log     do not watch the kernel log and taint flags
      --kernel K          run in kernel K under QEMU (a bzImage, a Debian
                          package or an alias: 5.10, 6.1, 6.12, newest)
      --matrix "K..."     the same for several kernels, with a table
  -h, --help              this text

IOU_TIMEOUT_SCALE stretches every time bound; unset, the runner derives it
from the load average and whether this is a QEMU guest, and stretches the
per-program timeout by it too.
USAGE
}

die_usage() {
	echo "$ME: $* (see $ME --help)" >&2
	exit 2
}

JOBS= TIMEOUT=45 TESTDIR=$HERE/tests RESULTS=${IOU_RESULTS:-$HERE/results}
QUIET=0 LIST=0 USE_PROVE=0 WATCH_KLOG=1 PATTERNS= EXCLUDES= KNOWN_FILES=
REPEAT=1 SHUFFLE=0 SEED= AS_USER=

# another kernel: harness/vm/vm.sh boots it under QEMU and runs this
# runner inside, with the same options
for a in "$@"; do
	case $a in
	--kernel|--kernel=*|--matrix|--matrix=*)
		[ -f "$HERE/harness/vm/vm.sh" ] ||
			die_usage "$a needs the source tree (harness/vm/vm.sh)"
		exec sh "$HERE/harness/vm/vm.sh" "$@" ;;
	esac
done

need_arg() {
	[ $# -ge 2 ] && [ -n "$2" ] || die_usage "option $1 needs an argument"
}

while [ $# -gt 0 ]; do
	case $1 in
	-j|--jobs) need_arg "$@"; JOBS=$2; shift ;;
	--jobs=*) JOBS=${1#*=} ;;
	-j[0-9]*) JOBS=${1#-j} ;;
	-t|--timeout) need_arg "$@"; TIMEOUT=$2; shift ;;
	--timeout=*) TIMEOUT=${1#*=} ;;
	-t[0-9]*) TIMEOUT=${1#-t} ;;
	-d|--dir) need_arg "$@"; TESTDIR=$2; shift ;;
	--dir=*) TESTDIR=${1#*=} ;;
	-o|--results) need_arg "$@"; RESULTS=$2; shift ;;
	--results=*) RESULTS=${1#*=} ;;
	-x|--exclude) need_arg "$@"; EXCLUDES="$EXCLUDES $2"; shift ;;
	--exclude=*) EXCLUDES="$EXCLUDES ${1#*=}" ;;
	-k|--known-issues) need_arg "$@"; KNOWN_FILES="$KNOWN_FILES
$2"; shift ;;
	--known-issues=*) KNOWN_FILES="$KNOWN_FILES
${1#*=}" ;;
	-r|--repeat) need_arg "$@"; REPEAT=$2; shift ;;
	--repeat=*) REPEAT=${1#*=} ;;
	-r[0-9]*) REPEAT=${1#-r} ;;
	-s|--shuffle) SHUFFLE=1 ;;
	--seed) need_arg "$@"; SEED=$2; SHUFFLE=1; shift ;;
	--seed=*) SEED=${1#*=}; SHUFFLE=1 ;;
	-u|--as-user) need_arg "$@"; AS_USER=$2; shift ;;
	--as-user=*) AS_USER=${1#*=} ;;
	-q|--quiet) QUIET=1 ;;
	-l|--list) LIST=1 ;;
	--safe-only) export IOU_SAFE_ONLY=1 ;;
	--prove) USE_PROVE=1 ;;
	--no-prove) USE_PROVE=0 ;;
	--no-kernel-log) WATCH_KLOG=0 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; PATTERNS="$PATTERNS $*"; break ;;
	-*) die_usage "unknown option '$1'" ;;
	*) PATTERNS="$PATTERNS $1" ;;
	esac
	shift
done

is_count() { case $1 in ''|*[!0-9]*|0) return 1 ;; esac; }
is_count "$TIMEOUT" || die_usage "timeout must be a positive number of seconds: '$TIMEOUT'"
NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c ^processor /proc/cpuinfo 2>/dev/null || echo 1)
[ -n "$JOBS" ] || JOBS=$NCPU
is_count "$JOBS" || die_usage "jobs must be a positive number: '$JOBS'"
is_count "$REPEAT" || die_usage "repeat must be a positive number: '$REPEAT'"
[ -z "$SEED" ] || is_count "$SEED" || die_usage "seed must be a positive number: '$SEED'"
[ -d "$TESTDIR" ] || die_usage "no test directory '$TESTDIR' (build first: make)"
TESTDIR=$(cd "$TESTDIR" && pwd)
if [ -n "$AS_USER" ]; then
	id "$AS_USER" >/dev/null 2>&1 || die_usage "no such user '$AS_USER'"
	[ "$(id -u)" = 0 ] || die_usage "--as-user needs root"
fi
for f in $KNOWN_FILES; do
	[ -r "$f" ] || die_usage "cannot read known-issues file '$f'"
done
[ -r "$PARTS/ktap.awk" ] || die_usage "the runner's parts are missing ($PARTS)"

# ---- selection ---------------------------------------------------------

ALL=$(cd "$TESTDIR" && for f in */*; do
	case $f in *.c|*.h|*.o|*.d|*.log|*.txt) continue ;; esac
	[ -f "$f" ] && [ -x "$f" ] && echo "$f"
done)
[ -n "$ALL" ] || die_usage "no test programs in '$TESTDIR' (build first: make)"

# programs of $ALL matching glob/name/area $1
match_tests() {
	echo "$ALL" | while IFS= read -r t; do
		area=${t%%/*}
		base=${t#*/}
		case $1 in
		"$area"|"$t"|"$base") echo "$t"; continue ;;
		esac
		# shellcheck disable=SC2254
		case $t in $1) echo "$t"; continue ;; esac
		# shellcheck disable=SC2254
		case $base in $1) echo "$t" ;; esac
	done
}

select_tests() {
	picked=
	if [ -z "$PATTERNS" ]; then
		picked=$ALL
	else
		for pat in $PATTERNS; do
			found=$(match_tests "$pat")
			if [ -z "$found" ]; then
				echo "$ME: no test matches '$pat' (see $ME --list)" >&2
				return 1
			fi
			picked="$picked
$found"
		done
	fi
	dropped=
	for pat in $EXCLUDES; do
		dropped="$dropped
$(match_tests "$pat")"
	done
	printf '%s\n' "$picked" | awk -v dropped="$dropped" '
		BEGIN { n = split(dropped, d, "\n"); for (i = 1; i <= n; i++) x[d[i]] = 1 }
		NF && !seen[$0]++ && !($0 in x)'
}

set -f	# patterns are globs for case, not for the shell
SELECTED=$(select_tests) || exit 2
set +f
[ -n "$SELECTED" ] || die_usage "every selected program is excluded"
# the selection in the order it would run (the QEMU runner's rebuild of a
# run cut short relies on it)
if [ "$LIST" = 1 ]; then
	printf '%s\n' "$SELECTED" | awk -v repeat=1 -v shuffle="$SHUFFLE" -v seed="${SEED:-1}" \
		-v static="$PARTS/durations.tsv" -v last="$RESULTS/latest/durations.tsv" \
		-f "$PARTS/order.awk" | cut -f1
	exit 0
fi

# ---- results directory ----------------------------------------------------

RUN_ID=$(date -u +%Y%m%d-%H%M%S)-$$
mkdir -p "$RESULTS" || die_usage "cannot create '$RESULTS'"
RESULTS=$(cd "$RESULTS" && pwd)
LAST_DURATIONS=$RESULTS/latest/durations.tsv
RUNDIR=$RESULTS/$RUN_ID
ST=$RUNDIR/.state
mkdir -p "$RUNDIR/logs" "$ST" || exit 1
ln -sfn "$RUN_ID" "$RESULTS/latest"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iou-run.XXXXXX") || exit 1
mkdir -p "$SCRATCH/pids"
if [ -n "$AS_USER" ]; then chmod 0711 "$SCRATCH"; chmod 0733 "$SCRATCH/pids"; fi
BG=	# background processes of this run, ended on exit

cleanup() {
	for p in $BG; do kill "$p" 2>/dev/null; done
	rm -rf "$SCRATCH" "$ST"
}
trap cleanup EXIT
trap 'kill 0 2>/dev/null; exit 130' INT TERM

# the run list (order.awk): longest first, or shuffled
[ -n "$SEED" ] || SEED=$(( $(date +%s) % 100000 + $$ ))
printf '%s\n' "$SELECTED" | awk -v repeat="$REPEAT" -v shuffle="$SHUFFLE" -v seed="$SEED" \
	-v static="$PARTS/durations.tsv" -v last="$LAST_DURATIONS" -f "$PARTS/order.awk" > "$ST/list"
NRUNS=$(awk 'END { print NR }' "$ST/list")

# uptime in centiseconds, without a fork
now_cs() {
	NOW=
	read -r NOW _ < /proc/uptime 2>/dev/null	# (dash's read fails on procfs files)
	[ -n "$NOW" ] || NOW=$(date +%s).00
	NOW=$(( ${NOW%.*} * 100 + 1${NOW#*.} - 100 ))
}

# ---- known issues, timeout scale, environment --------------------------------

KREL=$(uname -r)
# Debian's uname -r hides the point release (6.1.0-56); uname -v names it
KVER=$(uname -v | sed -n 's/.*Debian \([0-9][0-9.]*[0-9]\).*/\1/p')
[ -n "$KVER" ] || KVER=$(echo "$KREL" | sed 's/^\([0-9][0-9.]*\).*/\1/; s/\.$//')
# the list that goes with the programs; for an out-of-tree build, the source tree's
KNOWN_DEFAULT=$TESTDIR/known-issues
[ -r "$KNOWN_DEFAULT" ] || KNOWN_DEFAULT=$HERE/tests/known-issues
[ -r "$KNOWN_DEFAULT" ] || KNOWN_DEFAULT=
# shellcheck disable=SC2086
awk -v known_kver="$KVER" -f "$PARTS/known.awk" $KNOWN_DEFAULT $KNOWN_FILES /dev/null > "$ST/known"

. "$PARTS/env.sh"
timeout_scale
[ "$SCALE_AUTO" = 0 ] || TIMEOUT=$((TIMEOUT * IOU_TIMEOUT_SCALE))
. "$PARTS/health.sh"
klog_setup
env_report > "$RUNDIR/env"

# ---- running ----------------------------------------------------------------

TIMEOUT_KILL=5

# run number $1 of the list (PROG, LABEL set), in the worker's TMPDIR $2
run_one() {
	log=$RUNDIR/logs/${PROG%%/*}_${PROG#*/}
	[ "$REPEAT" -gt 1 ] && log=$log.$1
	log=$log.log
	klog_mark start "$1" "$PROG"
	now_cs; start=$NOW
	cd "$TESTDIR/${PROG%/*}" || return
	# the wrapper shell logs the program's pid, then becomes the program
	TMPDIR=$2 IOU_PID_LOG=$SCRATCH/pids/$1 launch timeout -k "$TIMEOUT_KILL" "$TIMEOUT" \
		sh -c 'echo "$$ ${0##*/} -" >> "$IOU_PID_LOG"; exec "$0" "$@"' "./${PROG#*/}" \
		>| "$log" 2>&1 < /dev/null	# (>|: the worker runs with noclobber)
	rc=$?
	now_cs; end=$NOW
	klog_mark end "$1" "$PROG"
	taint=
	read -r taint < /proc/sys/kernel/tainted 2>/dev/null
	left=
	for f in "$2"/* "$2"/.[!.]* "$2"/..?*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		left="$left${left:+ }${f##*/}"
	done
	[ -z "$left" ] || { rm -rf "$2"; mkdir -p "$2"; [ -z "$AS_USER" ] || chown "$AS_USER" "$2"; }
	timedout=0
	[ "$rc" = 124 ] && timedout=1
	# busybox timeout reports the signal instead of 124
	if [ "$rc" -ge 128 ] && [ "$((end - start))" -ge $((TIMEOUT * 100)) ]; then timedout=1; fi
	awk -v rc="$rc" -v timedout="$timedout" -v tmo="$TIMEOUT" -v dur_cs="$((end - start))" \
		-v start="$start" -v end="$end" -v taint="$taint" -v left="$left" \
		-v progname="$PROG" -v label="$LABEL" -v knownf="$ST/known" -v out="$ST/$1" \
		-v suite="$SUITE" -f "$PARTS/ktap.awk" -f "$PARTS/known.awk" "$log"
}

# a worker takes the next unclaimed run of the list until none is left
worker() {
	tmp=$SCRATCH/w$1
	mkdir -p "$tmp"
	[ -z "$AS_USER" ] || chown "$AS_USER" "$tmp"
	set -C	# a claim is a file created exclusively
	i=0
	while IFS='	' read -r PROG LABEL; do
		i=$((i + 1))
		{ true > "$ST/claim.$i"; } 2>/dev/null || continue
		run_one "$i" "$tmp"
		echo "$i" >&3
	done < "$ST/list"
}

# RECORD of run $1: VERDICT RC DUR START END TAINT PROG LABEL WHY UNSAFE
read_record() {
	{
		IFS='	' read -r VERDICT RC DUR START END TAINT _ _ _ _ _ PROG LABEL
		read -r WHY; read -r UNSAFE
	} < "$ST/$1.prog"
}

NUM=0
npass=0 nfail=0 nskip=0 nxfail=0 nxpass=0

# print the result block of run $1 (already judged)
report() {
	NUM=$((NUM + 1))
	if [ "$QUIET" = 0 ] || [ "$VERDICT" = fail ]; then
		cat "$ST/$1.block"
	else
		echo "# selftests: $SUITE: $LABEL"
	fi
	case $VERDICT in
	pass) npass=$((npass + 1)); echo "ok $NUM selftests: $SUITE: $LABEL" ;;
	skip) nskip=$((nskip + 1)); echo "ok $NUM selftests: $SUITE: $LABEL # SKIP $WHY" ;;
	xfail) nxfail=$((nxfail + 1)); echo "ok $NUM selftests: $SUITE: $LABEL # XFAIL $WHY" ;;
	xpass) nxpass=$((nxpass + 1)); echo "ok $NUM selftests: $SUITE: $LABEL # XPASS $WHY" ;;
	*) nfail=$((nfail + 1)); echo "not ok $NUM selftests: $SUITE: $LABEL # $WHY" ;;
	esac
}

# stdout goes to the terminal and to results/<run>/ktap
mkfifo "$ST/out" "$ST/done" || exit 1
tee "$RUNDIR/ktap" < "$ST/out" &
TEE=$!
exec 5>&1 1>"$ST/out"
# the workers say on fd 3 which run they finished
exec 3<>"$ST/done"

now_cs; RUN_START=$NOW
echo "TAP version 13"
echo "# $SUITE conformance suite: $NRUNS programs, $JOBS at a time, timeout ${TIMEOUT}s$( [ "$SHUFFLE" = 1 ] && echo ", shuffled (--seed $SEED)")"
while IFS='=' read -r k v; do
	echo "# env: $k: $v"
done < "$RUNDIR/env"
[ "$KLOG" = 1 ] || echo "# kernel log: $KLOG_NOTE"
echo "# timeout scale: $IOU_TIMEOUT_SCALE ($SCALE_WHY)"
# one result per run, and a last one for the kernel's health over the run
echo "1..$((NRUNS + 1))"
klog_start

WORKERS=
w=0
while [ "$w" -lt "$JOBS" ]; do
	worker "$w" > /dev/null &
	WORKERS="$WORKERS $!"
	w=$((w + 1))
done

# report the runs in list order as they finish; one during which the
# kernel logged a problem (or changed its taint) waits for the end
DEFERRED=
next=1
while [ "$next" -le "$NRUNS" ]; do
	read -r d <&3 || break
	eval "D$d=1"
	while eval "[ -n \"\${D$next:-}\" ]"; do
		read_record "$next"
		klog_sync "$next"
		if [ "$TAINT" != "$TAINT0" ] && [ "$TAINT" != unknown ] &&
		   ! eval "[ -n \"\${T_$TAINT:-}\" ]"; then
			eval "T_$TAINT=1"
			echo "kernel taint changed from $TAINT0 to $TAINT" > "$ST/$next.taint"
		fi
		if [ -e "$ST/klog.bad" ] || [ -e "$ST/$next.taint" ]; then
			DEFERRED="$DEFERRED $next"
		else
			report "$next"
		fi
		next=$((next + 1))
	done
done
for p in $WORKERS; do wait "$p"; done

klog_finish
for i in $DEFERRED; do
	read_record "$i"
	health_judge "$i"
	report "$i"
done
now_cs; RUN_CS=$((NOW - RUN_START))
health_result

# ---- second opinion: prove (--prove) --------------------------------------------

PROVE_NOTE="not used"
if [ "$USE_PROVE" = 1 ]; then
	if command -v prove >/dev/null 2>&1; then
		# --ignore-exit: kselftest exit 4 means skip, not failure
		prove --ignore-exit --exec cat "$RUNDIR"/logs/*.log > "$RUNDIR/prove.txt" 2>&1
		pf=$(sed -n '/^Test Summary Report/,$p' "$RUNDIR/prove.txt" | grep -c '(Wstat')
		totals=$(grep '^Files=' "$RUNDIR/prove.txt" | sed 's/,  *[0-9]* wallclock.*//')
		# prove fails a program with any "not ok" case: those must be
		# exactly the programs judged failed or XFAIL here
		if grep -q 'Parse errors' "$RUNDIR/prove.txt"; then
			PROVE_NOTE="finds parse errors ($totals)"
			nfail=$((nfail + 1))
		elif [ "$pf" -le "$((nfail + nxfail))" ]; then
			PROVE_NOTE="agrees ($totals; it fails $pf programs, $((nfail + nxfail)) failed or XFAIL here)"
		else
			PROVE_NOTE="fails $pf programs where $((nfail + nxfail)) failed or XFAIL here ($totals)"
			nfail=$((nfail + 1))
		fi
	else
		PROVE_NOTE="not installed"
	fi
fi

# ---- summary.json, junit.xml, the run's last lines ----------------------------------

awk -v st="$ST" -v runs="$NRUNS" -v out="$RUNDIR" -v envf="$RUNDIR/env" \
	-v klogf="$RUNDIR/kernel.log" -v run_id="$RUN_ID" -v duration_cs="$RUN_CS" \
	-v jobs="$JOBS" -v timeout="$TIMEOUT" -v repeat="$REPEAT" \
	-v seed="$( [ "$SHUFFLE" = 1 ] && echo "$SEED")" -v prove="$PROVE_NOTE" \
	-v health="$HEALTH_VERDICT" -v taint_end="$TAINT_END" -v host="$KREL" \
	-v timeout_scale="${IOU_TIMEOUT_SCALE:-}" -f "$PARTS/results.awk" -f "$PARTS/collect.awk"
echo "# prove: $PROVE_NOTE"
echo "# wall time: $((RUN_CS / 100)).$((RUN_CS / 10 % 10))s; results in $RUNDIR"
echo "# Totals: pass:$npass fail:$nfail xfail:$nxfail xpass:$nxpass skip:$nskip error:0"
exec 1>&5 5>&-
wait "$TEE"
[ "$nfail" -eq 0 ]
