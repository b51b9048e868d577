#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runner of the io_uring conformance suite: runs the test programs (all,
# or a subset by name, area or glob) in parallel with a per-program
# timeout, prints KTAP on stdout and leaves results/<run>/ behind:
#   ktap          the combined KTAP stream printed on stdout
#   logs/         each program's own output (stdout and stderr)
#   summary.json  environment, verdicts, durations, known issues, totals
#   junit.xml     one testcase per KTAP case
#   kernel.log    kernel log lines that appeared during the run (root only)
# and results/latest pointing at it.  POSIX sh, awk and coreutils or
# busybox only; prove, where installed, re-parses every program's output as
# a second opinion.  Exit status: 0 if nothing failed, 1 otherwise, 2 for
# bad usage.
set -u

ME=run_tests.sh
HERE=$(cd "$(dirname "$0")" && pwd)
SUITE=iouring

usage() {
	cat <<EOF
usage: $ME [options] [TEST...]

TEST selects programs: an area (ring), a program (nop-basic or ring/nop-basic)
or a shell glob ('ring/cq-*', '*overflow*').  Default: every program.

  -j, --jobs N            programs run at once (default: number of CPUs)
  -t, --timeout S         per-program timeout in seconds (default: 45)
  -d, --dir DIR           where the test programs are (default: $HERE/tests)
  -o, --results DIR       where results/<run>/ goes (default: $HERE/results)
  -x, --exclude PAT       leave out programs matching PAT (repeatable)
  -k, --known-issues FILE expected failures, added to DIR/known-issues (repeatable)
  -r, --repeat N          run every selected program N times (flake hunting)
  -s, --shuffle           run in random order (--seed S to reproduce)
  -u, --as-user USER      run the programs as USER (e.g. nobody)
  -q, --quiet             print only result lines and the output of failures
  -l, --list              list the selected programs and exit
      --no-prove          do not use prove even where installed
      --no-kernel-log     do not watch the kernel log and taint flags
      --kernel K          run in kernel K under QEMU (a bzImage, a Debian
                          package or an alias: 5.10, 6.1, 6.12, newest)
      --matrix "K..."     the same for several kernels, with a table
  -h, --help              this text
EOF
}

die_usage() {
	echo "$ME: $* (see $ME --help)" >&2
	exit 2
}

JOBS=
TIMEOUT=45
TESTDIR=$HERE/tests
RESULTS=${IOU_RESULTS:-$HERE/results}
QUIET=0
LIST=0
USE_PROVE=1
WATCH_KLOG=1
PATTERNS=
EXCLUDES=
KNOWN_FILES=
REPEAT=1
SHUFFLE=0
SEED=
AS_USER=

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
[ -n "$JOBS" ] || JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
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
	for pat in $EXCLUDES; do
		match_tests "$pat"
	done > "$DROPPED"
	printf '%s\n' "$picked" | awk -v dropf="$DROPPED" '
		BEGIN { while ((getline l < dropf) > 0) x[l] = 1 }
		NF && !seen[$0]++ && !($0 in x)'
}

DROPPED=$(mktemp "${TMPDIR:-/tmp}/iou-select.XXXXXX") || exit 1
set -f	# patterns are globs for case, not for the shell
SELECTED=$(select_tests)
sel_rc=$?
set +f
rm -f "$DROPPED"
[ "$sel_rc" = 0 ] || exit 2
[ -n "$SELECTED" ] || die_usage "every selected program is excluded"
if [ "$LIST" = 1 ]; then
	echo "$SELECTED"
	exit 0
fi

# ---- results directory ----------------------------------------------------

RUN_ID=$(date -u +%Y%m%d-%H%M%S)-$$
mkdir -p "$RESULTS" || die_usage "cannot create '$RESULTS'"
RESULTS=$(cd "$RESULTS" && pwd)
RUNDIR=$RESULTS/$RUN_ID
ST=$RUNDIR/.state
mkdir -p "$RUNDIR/logs" "$ST/claims" || exit 1
ln -sfn "$RUN_ID" "$RESULTS/latest"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iou-run.XXXXXX") || exit 1
[ -n "$AS_USER" ] && chmod 0711 "$SCRATCH"

cleanup() {
	rm -rf "$SCRATCH" "$ST"
}
trap cleanup EXIT
trap 'kill 0 2>/dev/null; exit 130' INT TERM

# The run list: one line per run of a program, "program<TAB>label".
[ -n "$SEED" ] || SEED=$(( $(date +%s) % 100000 + $$ ))
printf '%s\n' "$SELECTED" | awk -v repeat="$REPEAT" -v shuffle="$SHUFFLE" -v seed="$SEED" '
	{ p[++n] = $0 }
	END {
		for (r = 1; r <= repeat; r++)
			for (i = 1; i <= n; i++)
				e[++m] = p[i] "\t" (repeat > 1 ? p[i] " [" r "/" repeat "]" : p[i])
		if (shuffle) {
			srand(seed)
			for (i = m; i > 1; i--) { j = int(rand() * i) + 1; t = e[i]; e[i] = e[j]; e[j] = t }
		}
		for (i = 1; i <= m; i++) print e[i]
	}' > "$ST/list"
NRUNS=$(wc -l < "$ST/list" | tr -d ' ')

entry() {	# entry N: sets PROG and LABEL of run N
	line=$(sed -n "${1}p" "$ST/list")
	PROG=${line%%	*}
	LABEL=${line#*	}
}
log_of() {	# log file of run N
	entry "$1"
	echo "$RUNDIR/logs/$(echo "$PROG" | tr / _)$( [ "$REPEAT" -gt 1 ] && echo ".$1").log"
}

# uptime in centiseconds, for durations and the kernel-log windows
now_cs() {
	awk '{ printf "%d\n", $1 * 100 }' /proc/uptime 2>/dev/null || echo $(($(date +%s) * 100))
}

# ---- known issues ------------------------------------------------------------

KREL=$(uname -r)
# Debian's uname -r hides the point release (6.1.0-56); uname -v names it
KVER=$(uname -v | sed -n 's/.*Debian \([0-9][0-9.]*[0-9]\).*/\1/p')
[ -n "$KVER" ] || KVER=$(echo "$KREL" | sed 's/^\([0-9][0-9.]*\).*/\1/; s/\.$//')
# keep the entries whose kernel condition holds here: "program<TAB>case-glob<TAB>reason"
# the list that goes with the programs; for an out-of-tree build, the source tree's
KNOWN_DEFAULT=$TESTDIR/known-issues
[ -r "$KNOWN_DEFAULT" ] || KNOWN_DEFAULT=$HERE/tests/known-issues
for f in "$KNOWN_DEFAULT" $KNOWN_FILES; do
	[ -r "$f" ] && cat "$f"
done | awk -v kver="$KVER" '
function vcmp(a, b,    x, y, i, n, m) {
	n = split(a, x, "."); m = split(b, y, ".")
	for (i = 1; i <= (n > m ? n : m); i++) {
		if ((x[i] + 0) < (y[i] + 0)) return -1
		if ((x[i] + 0) > (y[i] + 0)) return 1
	}
	return 0
}
function holds(spec,    c, n, i, op, v) {
	if (spec == "*") return 1
	n = split(spec, c, ",")
	for (i = 1; i <= n; i++) {
		op = c[i]; sub(/[0-9].*/, "", op); v = substr(c[i], length(op) + 1)
		if (op == "<" && !(vcmp(kver, v) < 0)) return 0
		if (op == "<=" && !(vcmp(kver, v) <= 0)) return 0
		if (op == ">" && !(vcmp(kver, v) > 0)) return 0
		if (op == ">=" && !(vcmp(kver, v) >= 0)) return 0
		if ((op == "=" || op == "") && index(kver ".", v ".") != 1) return 0
	}
	return 1
}
/^[ \t]*(#|$)/ { next }
{
	what = $1; spec = $2
	reason = $0; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", reason)
	prog = what; cglob = "*"
	if (index(what, ":")) { prog = substr(what, 1, index(what, ":") - 1); cglob = substr(what, index(what, ":") + 1) }
	if (holds(spec)) printf "%s\t%s\t%s\n", prog, cglob, reason
}' > "$ST/known"

# ---- environment report ------------------------------------------------

ENV_TOOL=
for c in "${IOU_ENV_TOOL:-}" "$TESTDIR/../build/iou-env" "$HERE/build/iou-env"; do
	if [ -n "$c" ] && [ -x "$c" ]; then ENV_TOOL=$c; break; fi
done
TAINT0=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo unknown)

# The kernel log, a line a record: "<centiseconds of the printk
# clock><TAB><level><TAB><message>".
klog_lines() {
	dmesg -r 2>/dev/null | awk '
	match($0, /^<[0-9]+>\[ *[0-9]+\.[0-9]+\] /) {
		hdr = substr($0, 1, RLENGTH); msg = substr($0, RLENGTH + 1)
		# kernel lines have facility 0, so <prio> is the level; syslog-style
		# output (busybox) also carries the facility: level = prio % 8
		prio = hdr; sub(/^</, "", prio); sub(/>.*/, "", prio)
		ts = hdr; sub(/^<[0-9]+>\[ */, "", ts); sub(/\].*/, "", ts)
		print int(ts * 100) "\t" (prio % 8) "\t" msg
	}'
}

# Kernel log stamps come from the printk clock, run windows from
# /proc/uptime.  The two agree on most machines but not on all (a VM
# restored from a snapshot, a machine that was suspended): KOFF is the
# printk clock minus uptime, in centiseconds, measured with a marker
# line where /dev/kmsg is writable.
KOFF=0
klog_calibrate() {
	[ -w /dev/kmsg ] || return 0
	# up to three marks; the one written in the shortest interval wins
	best=
	for try in 1 2 3; do
		tag="$SUITE-tests: clock mark $$.$try"
		u0=$(now_cs)
		printf '<7>%s\n' "$tag" > /dev/kmsg 2>/dev/null || return 0
		u1=$(now_cs)
		if [ -z "$best" ] || [ "$((u1 - u0))" -lt "$best" ]; then
			best=$((u1 - u0)) best_tag=$tag mid=$(((u0 + u1) / 2))
		fi
		[ "$best" -le 1 ] && break
	done
	kcs=$(klog_lines | awk -F'\t' -v t="$best_tag" 'index($0, t) { cs = $1 } END { print cs }')
	[ -n "$kcs" ] || return 0
	KOFF=$((kcs - mid))
	if [ "$KOFF" -gt 5 ] || [ "$KOFF" -lt -5 ]; then
		KLOG_NOTE="watched (its clock is $KOFF cs off /proc/uptime; corrected)"
	fi
}

# A program's window for kernel log lines, in centiseconds around its
# start and end: before, for the rounding of two clocks; after, for work
# the kernel finishes once the program has exited (io-wq, task work).
SLACK_PRE=5
SLACK_POST=50

KLOG=0
KLOG_NOTE="not watched (--no-kernel-log)"
if [ "$WATCH_KLOG" = 1 ]; then
	if dmesg -r > "$ST/klog0" 2>/dev/null && [ -s "$ST/klog0" ]; then
		KLOG=1
		KLOG_NOTE="watched"
		klog_calibrate
	else
		KLOG_NOTE="not readable by uid $(id -u) (needs root, or kernel.dmesg_restrict=0); only the taint flags are watched"
	fi
fi
{
	echo "kernel_release=$KREL"
	echo "kernel_version=$(uname -v)"
	echo "kernel_version_matched=$KVER"
	echo "machine=$(uname -m)"
	echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
	echo "uid=$(id -u)"
	echo "run_as=${AS_USER:-$(id -un 2>/dev/null || id -u)}"
	echo "io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo absent)"
	echo "rlimit_memlock_kib=$(ulimit -l 2>/dev/null || echo unknown)"
	echo "rlimit_nofile=$(ulimit -n 2>/dev/null || echo unknown)"
	echo "tainted=$TAINT0"
	echo "kernel_log=$KLOG_NOTE"
	[ -z "$ENV_TOOL" ] || if [ -n "$AS_USER" ]; then
		setpriv --reuid="$AS_USER" --regid="$(id -g "$AS_USER")" --clear-groups "$ENV_TOOL" 2>/dev/null ||
			su -s /bin/sh "$AS_USER" -c "$ENV_TOOL" 2>/dev/null
	else
		"$ENV_TOOL" 2>/dev/null
	fi
} > "$RUNDIR/env"

# ---- running ----------------------------------------------------------------

TIMEOUT_KILL=5

# busybox's setpriv has no --reuid: su then
SETPRIV_REUID=0
if [ -n "$AS_USER" ] && setpriv --help 2>&1 | grep -q -- --reuid; then
	SETPRIV_REUID=1
fi

as_user() {
	if [ -z "$AS_USER" ]; then
		"$@"
	elif [ "$SETPRIV_REUID" = 1 ]; then
		setpriv --reuid="$AS_USER" --regid="$(id -g "$AS_USER")" --clear-groups "$@"
	else
		su -s /bin/sh "$AS_USER" -c 'exec "$0" "$@"' "$@"
	fi
}

# run number $1 of the list; $2 = "alone" for a confirmation rerun
run_one() {
	entry "$1"
	log=$(log_of "$1")
	[ "${2:-}" = alone ] && log=$log.alone
	tmp=$SCRATCH/$1
	mkdir -p "$tmp"
	[ -n "$AS_USER" ] && chown "$AS_USER" "$tmp"
	start=$(now_cs)
	[ -z "${2:-}" ] && echo "$start" > "$ST/$1.start"
	(
		cd "$TESTDIR/${PROG%/*}" || exit 126
		TMPDIR=$tmp as_user timeout -k "$TIMEOUT_KILL" "$TIMEOUT" "./${PROG#*/}"
	) > "$log" 2>&1 < /dev/null
	rc=$?
	end=$(now_cs)
	taint=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo unknown)
	left=$(cd "$tmp" && ls -A 2>/dev/null | head -n 3 | tr '\n' ' ')
	rm -rf "$tmp"
	done=$ST/$1.done${2:+.$2}
	printf '%s\n%s\n%s\n%s\n%s\n%s\n' "$rc" "$start" "$end" "$log" "$taint" "$left" > "$done.tmp"
	mv "$done.tmp" "$done"
}

worker() {
	i=1
	while [ "$i" -le "$NRUNS" ]; do
		if mkdir "$ST/claims/$i" 2>/dev/null; then
			run_one "$i"
		fi
		i=$((i + 1))
	done
}

# KTAP parser and verdict for one program; writes a .prog and a .cases record
PARSER='
function glob2re(g) {
	gsub(/[.+^$(){}|\\[\]]/, "\\\\&", g); gsub(/\*/, ".*", g); gsub(/\?/, ".", g)
	return "^" g "$"
}
function known(name,    i) {
	for (i = 1; i <= nk; i++) if (name ~ kre[i]) return kwhy[i]
	return ""
}
function flush_case(verdict, name, reason,    k) {
	k = known(name)
	if (k != "" && verdict == "fail") { verdict = "xfail"; reason = "known issue: " k; nxfail++; nfail-- ; nknown++ }
	else if (k != "" && verdict == "pass") { verdict = "xpass"; reason = "known issue now passes: " k; nxpass++; npass-- }
	gsub(/\t/, " ", reason)
	printf "%s\t%s\t%s\t%s\t%s\n", verdict, name, dur, reason, diag > cases
	diag = ""; dur = ""
}
function err(msg) { if (error == "") error = msg }
BEGIN {
	plan = -1; expected = 1; ver = 0; error = ""; skipall = ""
	while ((getline l < knownf) > 0) {
		split(l, f, "\t")
		if (f[1] != progname) continue
		kre[++nk] = glob2re(f[2]); kwhy[nk] = f[3]; kglob[nk] = f[2]
	}
}
{
	line = $0
	sub(/\r$/, "", line)
	if (line ~ /^(TAP version 1[34]|KTAP version 1)$/) {
		if (ver || plan >= 0 || nres) err("second version line: " line)
		ver = 1; next
	}
	if (line ~ /^1\.\.[0-9]+/) {
		if (plan >= 0) err("more than one plan")
		if (!ver) err("plan before the version line")
		p = line; sub(/^1\.\./, "", p); plan = p + 0
		if (line ~ /# [Ss][Kk][Ii][Pp]/) { skipall = line; sub(/^[^#]*# [Ss][Kk][Ii][Pp] ?/, "", skipall); if (skipall == "") skipall = "skipped" }
		next
	}
	if (line ~ /^(not )?ok [0-9]+( |$)/) {
		if (!ver) err("result before the version line")
		isnot = (line ~ /^not /)
		rest = line; sub(/^(not )?ok /, "", rest)
		num = rest; sub(/ .*/, "", num)
		rest = substr(rest, length(num) + 2)
		if (num + 0 != expected) err("result " num " out of sequence (expected " expected ")")
		expected++; nres++
		name = rest; directive = ""; reason = ""
		if (match(rest, / # [A-Za-z]+/)) {
			name = substr(rest, 1, RSTART - 1)
			d = substr(rest, RSTART + 3)
			directive = d; sub(/ .*/, "", directive); directive = toupper(directive)
			reason = d; sub(/^[^ ]*[ ]?/, "", reason)
		}
		if (name == "") err("result " num " has no name")
		if (isnot) { v = "fail"; nfail++ }
		else if (directive == "SKIP") { v = "skip"; nskip++; if (firstskip == "") firstskip = reason }
		else if (directive == "XFAIL") { v = "xfail"; nxfail++ }
		else if (directive == "XPASS") { v = "xpass"; nxpass++ }
		else { v = "pass"; npass++ }
		if (!isnot || directive == "") reason_out = (v == "pass" ? "" : reason)
		else reason_out = directive " " reason
		flush_case(v, name, reason_out)
		next
	}
	if (line ~ /^#/) {
		if (line ~ /^#  RUN           /) { diag = ""; dur = ""; next }
		if (line ~ /^#      DURATION  [0-9]+ ms$/) { dur = line; gsub(/[^0-9]/, "", dur); next }
		if (line ~ /^# +(OK|FAIL)  /) next
		d = line; sub(/^# ?/, "", d); gsub(/\t/, " ", d)
		diag = (diag == "" ? d : diag "\\n" d)
		next
	}
	if (line ~ /^Bail out!/) { err("bail out: " line); next }
	if (line ~ /^[ \t]*$/) next
	err("unexpected output: " substr(line, 1, 100))
}
END {
	if (!ver) err("no KTAP version line")
	else if (plan < 0) err("no plan line")
	else if (skipall == "" && plan != nres) err("planned " plan " cases, ran " nres)
	if (timedout) { verdict = "fail"; why = "timeout after " tmo " s" }
	else if (rc > 128 && rc < 160) { verdict = "fail"; why = "killed by signal " (rc - 128) }
	else if (error != "") { verdict = "fail"; why = "bad KTAP: " error }
	else if (rc == 4) {
		if (plan == 0 && skipall != "") { verdict = "skip"; why = skipall }
		else { verdict = "fail"; why = "exit status 4 without 1..0 # SKIP" }
	} else if (rc == 0) {
		if (nfail) { verdict = "fail"; why = "exit status 0 but " nfail " failed cases" }
		else if (plan == 0 && skipall != "") { verdict = "skip"; why = skipall }
		else if (plan == 0) { verdict = "fail"; why = "no test cases" }
		else if (nxpass) { verdict = "xpass"; why = nxpass " known-issue cases now pass" }
		else if (nskip == nres) { verdict = "skip"; why = firstskip }
		else { verdict = "pass"; why = "" }
	} else if (rc == 1) {
		if (nfail) { verdict = "fail"; why = nfail " of " nres " cases failed" }
		else if (nknown) { verdict = "xfail"; why = nknown " known-issue cases failed" }
		else { verdict = "fail"; why = "exit status 1 without a failed case" }
	} else { verdict = "fail"; why = "exit status " rc }
	# a program-wide known issue ("program:*") also covers a crash or timeout
	if (verdict == "fail" && nfail == 0 && (k = known("*")) != "" ) { verdict = "xfail"; why = "known issue: " k " (" why ")" }
	gsub(/\t/, " ", why)
	printf "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", verdict, why, rc, dur_cs, npass + 0, nfail + 0, nskip + 0, nxfail + 0, nxpass + 0 > prog
}'

# judge run $1 from its .done record; sets VERDICT, WHY, LOG, LEFT, START, END, TAINT
judge() {
	{ read -r rc; read -r START; read -r END; read -r LOG; read -r TAINT; read -r LEFT; } < "$ST/$1.done"
	entry "$1"
	dcs=$((END - START))
	timedout=0
	[ "$rc" = 124 ] && timedout=1
	# busybox timeout reports the signal instead of 124
	if [ "$rc" -ge 128 ] && [ "$dcs" -ge $((TIMEOUT * 100)) ]; then timedout=1; fi
	awk -v rc="$rc" -v timedout="$timedout" -v tmo="$TIMEOUT" -v dur_cs="$dcs" \
		-v prog="$ST/$1.prog" -v cases="$ST/$1.cases" -v knownf="$ST/known" \
		-v progname="$PROG" "$PARSER" "$LOG"
	[ -f "$ST/$1.cases" ] || : > "$ST/$1.cases"
	IFS='	' read -r VERDICT WHY _ < "$ST/$1.prog"
}

# ---- kernel health ------------------------------------------------------------

# Bad kernel log lines (warning level or worse, after the run started) with
# their timestamps in /proc/uptime time: "<centiseconds><TAB><line>".
# Stack traces follow a matched line, so the excerpt takes the next lines too.
klog_bad_lines() {
	[ "$KLOG" = 1 ] || return 0
	klog_lines | awk -F'\t' -v since="$((RUN_START - SLACK_PRE))" -v koff="$KOFF" '
	{
		cs = $1 - koff; level = $2
		msg = $0; sub(/^[^\t]*\t[^\t]*\t/, "", msg)
		if (cs < since) next
		if (level > 4) { tail = 0; next }
		if (msg ~ /WARNING:|BUG:|Oops|general protection fault|KASAN:|UBSAN:|KFENCE:|kernel BUG at|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|blocked for more than|soft lockup|hard LOCKUP|rcu.*stall|refcount_t:|list_add corruption|list_del corruption|unreferenced object|io_uring|io-wq|iou-sqp|iou-wrk/) {
			print cs "\t" msg; tail = 8
		} else if (tail > 0) {
			print cs "\t  " msg; tail--
		}
	}'
}

# For run $1 (window START..END): sets HEALTH to an excerpt of bad kernel
# log lines or a taint change inside the window (a taint change only for
# the first run judged with it: taint flags are sticky).
health_of() {
	HEALTH=
	if [ "$TAINT" != "$TAINT0" ] && [ "$TAINT" != unknown ] &&
	   [ ! -f "$ST/taint.$TAINT" ]; then
		: > "$ST/taint.$TAINT"
		HEALTH="kernel taint changed from $TAINT0 to $TAINT"
		echo "$HEALTH" > "$ST/$1.taint"
	fi
	exc=$(klog_bad_lines | awk -F'\t' -v s="$((START - SLACK_PRE))" -v e="$((END + SLACK_POST))" \
		'$1 >= s && $1 <= e { print $2 }' | head -n 30)
	[ -n "$exc" ] && HEALTH="${HEALTH:+$HEALTH
}$exc"
	return 0
}

# OTHERS: the runs whose window overlapped run $1's (once all are done)
concurrent_of() {
	OTHERS=
	j=1
	while [ "$j" -le "$NRUNS" ]; do
		if [ "$j" != "$1" ]; then
			js=$(cat "$ST/$j.start")
			je=$(sed -n 3p "$ST/$j.done")
			# both windows get the same slack, so "concurrent" is symmetric
			if [ "$((js - SLACK_PRE))" -le "$((END + SLACK_POST))" ] &&
			   [ "$((je + SLACK_POST))" -ge "$((START - SLACK_PRE))" ]; then
				OTHERS="$OTHERS $j"
			fi
		fi
		j=$((j + 1))
	done
}

emit() {
	printf '%s\n' "$*" >> "$RUNDIR/ktap"
	printf '%s\n' "$*"
}

NUM=0
npass=0 nfail=0 nskip=0 nxfail=0 nxpass=0
: > "$ST/health"

# print the result block of run $1 (already judged)
report() {
	NUM=$((NUM + 1))
	echo "$NUM" > "$ST/$1.num"
	emit "# selftests: $SUITE: $LABEL"
	if [ "$QUIET" = 0 ] || [ "$VERDICT" = fail ]; then
		sed 's/^/# /' "$LOG" | tee -a "$RUNDIR/ktap"
	fi
	[ -n "$LEFT" ] && emit "# warning: $LABEL left files behind in TMPDIR: $LEFT"
	case $VERDICT in
	pass) npass=$((npass + 1)); emit "ok $NUM selftests: $SUITE: $LABEL" ;;
	skip) nskip=$((nskip + 1)); emit "ok $NUM selftests: $SUITE: $LABEL # SKIP $WHY" ;;
	xfail) nxfail=$((nxfail + 1)); emit "ok $NUM selftests: $SUITE: $LABEL # XFAIL $WHY" ;;
	xpass) nxpass=$((nxpass + 1)); emit "ok $NUM selftests: $SUITE: $LABEL # XPASS $WHY" ;;
	*) nfail=$((nfail + 1)); emit "not ok $NUM selftests: $SUITE: $LABEL # $WHY" ;;
	esac
}

# a kernel problem in run $1's window makes it fail, with the excerpt
fail_for_kernel() {	# fail_for_kernel RUN NOTE
	echo "$HEALTH" | sed 's/^/kernel: /' >> "$LOG"
	printf 'fail\tkernel problem during the run%s\t' "$2" > "$ST/$1.prog.new"
	cut -f3- "$ST/$1.prog" >> "$ST/$1.prog.new"
	mv "$ST/$1.prog.new" "$ST/$1.prog"
	printf 'fail\tkernel-health\t\tkernel problem%s\t%s\n' "$2" \
		"$(echo "$HEALTH" | awk '{ printf "%s%s", (NR > 1 ? "\\n" : ""), $0 }')" >> "$ST/$1.cases"
	VERDICT=fail
	WHY="kernel problem during the run$2"
	printf '%s\t%s\n' "$LABEL" "$2" >> "$ST/health"
}

RUN_START=$(now_cs)
: > "$RUNDIR/ktap"
emit "TAP version 13"
emit "# $SUITE conformance suite: $NRUNS programs, $JOBS at a time, timeout ${TIMEOUT}s$( [ "$SHUFFLE" = 1 ] && echo ", shuffled (--seed $SEED)")"
while IFS='=' read -r k v; do
	emit "# env: $k: $v"
done < "$RUNDIR/env"
[ "$KLOG" = 1 ] || emit "# kernel log: $KLOG_NOTE"
# one result per run, and a last one for the kernel's health over the run
emit "1..$((NRUNS + 1))"

w=0
while [ "$w" -lt "$JOBS" ]; do
	worker &
	w=$((w + 1))
done

DEFERRED=
i=1
while [ "$i" -le "$NRUNS" ]; do
	while [ ! -f "$ST/$i.done" ]; do
		sleep 0.05 2>/dev/null || sleep 1
	done
	judge "$i"
	health_of "$i"
	if [ -n "$HEALTH" ]; then
		# judged once every run is done: a program that had claimed its
		# turn but not yet written its start would be missed now
		echo "$HEALTH" > "$ST/$i.health"
		DEFERRED="$DEFERRED $i"
	else
		report "$i"
	fi
	i=$((i + 1))
done
wait

# A kernel problem with one program in its window is that program's.
# With several, rerun each suspect alone: a problem that comes back is
# its own; one that does not is blamed on no one if a concurrent suspect
# reproduced it, and otherwise (a WARN_ON_ONCE, say) stays on every
# suspect.
for i in $DEFERRED; do
	judge "$i"
	# the log lines again (every window is complete now), the taint as seen
	health_of "$i"
	[ -f "$ST/$i.taint" ] && HEALTH="$(cat "$ST/$i.taint")${HEALTH:+
$HEALTH}"
	[ -n "$HEALTH" ] && echo "$HEALTH" > "$ST/$i.health"
	concurrent_of "$i"
	echo "$OTHERS" > "$ST/$i.others"
	if [ -z "$OTHERS" ]; then
		: > "$ST/$i.alone"
		continue
	fi
	run_one "$i" alone
	{ read -r _; read -r START; read -r END; read -r _; read -r TAINT; read -r _; } < "$ST/$i.done.alone"
	health_of "$i"
	[ -n "$HEALTH" ] && echo "$HEALTH" > "$ST/$i.repro"
done
for i in $DEFERRED; do
	judge "$i"
	if [ -f "$ST/$i.alone" ]; then
		HEALTH=$(cat "$ST/$i.health")
		fail_for_kernel "$i" ""
	elif [ -f "$ST/$i.repro" ]; then
		HEALTH=$(cat "$ST/$i.repro")
		fail_for_kernel "$i" " (reproduced when run alone)"
	else
		explained=
		for j in $(cat "$ST/$i.others"); do
			[ -f "$ST/$j.repro" ] && { entry "$j"; explained="$explained $LABEL"; }
		done
		entry "$i"
		if [ -n "$explained" ]; then
			echo "kernel: a kernel problem during this run reproduced with$explained alone, not with this program" >> "$LOG"
		else
			HEALTH=$(cat "$ST/$i.health")
			suspects=
			for j in $(cat "$ST/$i.others"); do entry "$j"; suspects="$suspects $LABEL"; done
			entry "$i"
			fail_for_kernel "$i" " (not reproduced alone; ran concurrently with$suspects)"
		fi
	fi
	report "$i"
done
RUN_END=$(now_cs)
RUN_CS=$((RUN_END - RUN_START))

# the kernel's health over the whole run, and the kernel log of the run
TAINT_END=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo unknown)
klog_bad_lines | cut -f2- > "$RUNDIR/kernel.log"
NUM=$((NUM + 1))
if [ -s "$ST/health" ] || [ -s "$RUNDIR/kernel.log" ] ||
   { [ "$TAINT_END" != "$TAINT0" ] && [ "$TAINT_END" != unknown ]; }; then
	sed 's/^/# /' "$RUNDIR/kernel.log" | tee -a "$RUNDIR/ktap"
	[ "$TAINT_END" != "$TAINT0" ] && emit "# taint: $TAINT0 -> $TAINT_END"
	while IFS='	' read -r who note; do
		emit "# during: $who$note"
	done < "$ST/health"
	emit "not ok $NUM selftests: $SUITE: kernel-health # kernel warnings or taint during the run"
	nfail=$((nfail + 1))
	HEALTH_VERDICT=fail
elif [ "$KLOG" = 1 ]; then
	emit "ok $NUM selftests: $SUITE: kernel-health"
	npass=$((npass + 1))
	HEALTH_VERDICT=pass
else
	emit "ok $NUM selftests: $SUITE: kernel-health # SKIP kernel log $KLOG_NOTE"
	nskip=$((nskip + 1))
	HEALTH_VERDICT=skip
fi

# ---- second opinion: prove --------------------------------------------------

PROVE_NOTE="not used"
if [ "$USE_PROVE" = 1 ] && command -v prove >/dev/null 2>&1; then
	i=1
	while [ "$i" -le "$NRUNS" ]; do
		log_of "$i"
		i=$((i + 1))
	done > "$ST/prove.list"
	# --ignore-exit: kselftest exit 4 means skip, not failure
	# shellcheck disable=SC2046
	prove --ignore-exit --exec cat $(cat "$ST/prove.list") > "$ST/prove.out" 2>&1
	# a program prove rejects fails, even if our parser passed it
	i=1
	disagree=0
	while [ "$i" -le "$NRUNS" ]; do
		log=$(sed -n "${i}p" "$ST/prove.list")
		IFS='	' read -r VERDICT WHY rest < "$ST/$i.prog"
		if [ "$VERDICT" = pass ] || [ "$VERDICT" = skip ]; then
			if sed -n '/^Test Summary Report/,$p' "$ST/prove.out" | grep -qF "$log (Wstat"; then
				printf 'fail\tprove rejects its TAP\t%s\n' "$rest" > "$ST/$i.prog"
				entry "$i"
				emit "# prove: $LABEL: rejected by prove, counted as failed"
				disagree=$((disagree + 1))
				nfail=$((nfail + 1))
				[ "$VERDICT" = pass ] && npass=$((npass - 1))
				[ "$VERDICT" = skip ] && nskip=$((nskip - 1))
			fi
		fi
		i=$((i + 1))
	done
	if [ "$disagree" -gt 0 ]; then
		PROVE_NOTE="rejected $disagree programs our parser accepted"
	else
		# prove fails a program with any "not ok" case: those must be
		# exactly the programs judged failed or XFAIL here
		pf=$(sed -n '/^Test Summary Report/,$p' "$ST/prove.out" | grep -c '(Wstat')
		totals=$(grep '^Files=' "$ST/prove.out" | sed 's/,  *[0-9]* wallclock.*//')
		if [ "$pf" = "$((nfail + nxfail))" ]; then
			PROVE_NOTE="agrees ($totals; the $pf programs it fails are the failed and XFAIL ones)"
		else
			PROVE_NOTE="fails $pf programs where $((nfail + nxfail)) failed or XFAIL here ($totals)"
		fi
	fi
	cp "$ST/prove.out" "$RUNDIR/prove.txt"
fi

# ---- summary.json and junit.xml ------------------------------------------------

i=1
while [ "$i" -le "$NRUNS" ]; do
	entry "$i"
	printf '%s\t%s\t' "$LABEL" "$(cat "$ST/$i.start")"
	cat "$ST/$i.prog"
	i=$((i + 1))
done > "$ST/programs.tsv"
i=1
while [ "$i" -le "$NRUNS" ]; do
	entry "$i"
	awk -v l="$LABEL" '{ print l "\t" $0 }' "$ST/$i.cases"
	i=$((i + 1))
done > "$ST/cases.tsv"

awk -F'\t' -v envf="$RUNDIR/env" -v run_id="$RUN_ID" -v run_cs="$RUN_CS" \
	-v jobs="$JOBS" -v tmo="$TIMEOUT" -v prove="$PROVE_NOTE" -v suite="$SUITE" \
	-v health="$HEALTH_VERDICT" -v klogf="$RUNDIR/kernel.log" -v repeat="$REPEAT" \
	-v seed="$( [ "$SHUFFLE" = 1 ] && echo "$SEED")" -v taint_end="$TAINT_END" '
function esc(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	gsub(/\\\\n/, "\\n", s)
	gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s)
	gsub(/[\001-\037]/, " ", s)
	return s
}
function q(s) { return "\"" esc(s) "\"" }
function num(s) { return s == "" ? "null" : s + 0 }
BEGIN {
	while ((getline l < envf) > 0) {
		k = l; sub(/=.*/, "", k); v = substr(l, length(k) + 2)
		env[k] = v; envk[++nenv] = k
	}
	while ((getline l < klogf) > 0) klog = klog (klog == "" ? "" : "\\n") l
}
FILENAME ~ /cases/ { c[$1] = c[$1] (c[$1] == "" ? "" : ",\n") \
	"        {\"name\": " q($3) ", \"verdict\": " q($2) ", \"duration_ms\": " num($4) \
	", \"reason\": " q($5) (($2 == "xfail" || $2 == "xpass") ? ", \"known_issue\": true" : "") "}"
	ct[$2]++; ncases++; next }
{ prog[++np] = $1; pv[$1] = $3; pw[$1] = $4; prc[$1] = $5; pd[$1] = $6
  pc[$1] = "{\"pass\": " $7 ", \"fail\": " $8 ", \"skip\": " $9 ", \"xfail\": " $10 ", \"xpass\": " $11 "}"
  pt[$3]++ }
END {
	print "{"
	print "  \"schema\": 1,"
	print "  \"suite\": " q(suite) ","
	print "  \"run_id\": " q(run_id) ","
	printf "  \"duration_s\": %.2f,\n", run_cs / 100
	print "  \"jobs\": " jobs ", \"timeout_s\": " tmo ", \"repeat\": " repeat ", \"shuffle_seed\": " num(seed) ","
	print "  \"prove\": " q(prove) ","
	print "  \"environment\": {"
	for (i = 1; i <= nenv; i++)
		printf "    %s: %s%s\n", q(envk[i]), q(env[envk[i]]), (i < nenv ? "," : "")
	print "  },"
	print "  \"kernel_health\": {\"verdict\": " q(health) ", \"tainted_end\": " q(taint_end) ", \"log\": " q(klog) "},"
	print "  \"totals\": {"
	printf "    \"programs\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d},\n", np, pt["pass"], pt["fail"], pt["skip"], pt["xfail"], pt["xpass"]
	printf "    \"cases\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d}\n", ncases, ct["pass"], ct["fail"], ct["skip"], ct["xfail"], ct["xpass"]
	print "  },"
	print "  \"programs\": ["
	for (i = 1; i <= np; i++) {
		n = prog[i]; area = n; sub(/\/.*/, "", area)
		printf "    {\"name\": %s, \"area\": %s, \"verdict\": %s, \"reason\": %s, \"exit_status\": %d, \"duration_s\": %.2f, \"counts\": %s,\n", \
			q(n), q(area), q(pv[n]), q(pw[n]), prc[n], pd[n] / 100, pc[n]
		printf "      \"cases\": [%s%s%s]}%s\n", (c[n] == "" ? "" : "\n"), c[n], (c[n] == "" ? "" : "\n      "), (i < np ? "," : "")
	}
	print "  ]"
	print "}"
}' "$ST/cases.tsv" "$ST/programs.tsv" > "$RUNDIR/summary.json"

awk -F'\t' -v run_cs="$RUN_CS" -v suite="$SUITE" -v host="$KREL" '
function x(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s); gsub(/[\001-\010\013\014\016-\037]/, " ", s)
	return s
}
function body(s) { gsub(/\\n/, "\n", s); return x(s) }
function isfail(v) { return v == "fail" }
FILENAME ~ /cases/ { nc[$1]++; k = $1 SUBSEP nc[$1]; cv[k] = $2; cn[k] = $3; cd[k] = $4; cr[k] = $5; cg[k] = $6; next }
{ prog[++np] = $1; pv[$1] = $3; pw[$1] = $4; pd[$1] = $6; pstart[$1] = $2 }
END {
	for (i = 1; i <= np; i++) {
		n = prog[i]
		if (nc[n] == 0) { tests++; fails += isfail(pv[n]); skips += (pv[n] == "skip") }
		f = 0
		for (j = 1; j <= nc[n]; j++) { k = n SUBSEP j; tests++; f += isfail(cv[k]); fails += isfail(cv[k]); skips += (cv[k] == "skip") }
		# a program that failed on its own (crash, timeout, bad KTAP) gets a case for that
		extra[n] = (nc[n] > 0 && pv[n] == "fail" && f == 0)
		tests += extra[n]; fails += extra[n]
	}
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<testsuites name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.2f\">\n", suite, tests, fails, skips, run_cs / 100
	for (i = 1; i <= np; i++) {
		n = prog[i]; cls = suite "." n; gsub(/\//, ".", cls); gsub(/ /, "_", cls)
		t = (nc[n] ? nc[n] : 1) + extra[n]; f = extra[n]; s = 0
		for (j = 1; j <= nc[n]; j++) { k = n SUBSEP j; f += isfail(cv[k]); s += (cv[k] == "skip") }
		if (!nc[n]) { f = isfail(pv[n]); s = (pv[n] == "skip") }
		printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.2f\" hostname=\"%s\">\n", x(cls), t, f, s, pd[n] / 100, x(host)
		if (!nc[n]) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.2f\">", x(cls), x(n), pd[n] / 100
			if (pv[n] == "fail") printf "<failure message=\"%s\"/>", x(pw[n])
			else if (pv[n] == "skip") printf "<skipped message=\"%s\"/>", x(pw[n])
			else if (pv[n] == "xfail") printf "<system-out>%s</system-out>", x(pw[n])
			printf "</testcase>\n"
		}
		for (j = 1; j <= nc[n]; j++) {
			k = n SUBSEP j
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">", x(cls), x(cn[k]), (cd[k] == "" ? 0 : cd[k] / 1000)
			if (cv[k] == "fail") printf "<failure message=\"%s\">%s</failure>", x(cr[k] == "" ? "failed" : cr[k]), body(cg[k])
			else if (cv[k] == "skip") printf "<skipped message=\"%s\"/>", x(cr[k])
			else if (cv[k] == "xfail" || cv[k] == "xpass") printf "<system-out>%s\n%s</system-out>", x(cr[k]), body(cg[k])
			printf "</testcase>\n"
		}
		if (extra[n])
			printf "    <testcase classname=\"%s\" name=\"program\" time=\"%.2f\"><failure message=\"%s\"/></testcase>\n", x(cls), pd[n] / 100, x(pw[n])
		printf "  </testsuite>\n"
	}
	printf "</testsuites>\n"
}' "$ST/cases.tsv" "$ST/programs.tsv" > "$RUNDIR/junit.xml"

# ---- totals -------------------------------------------------------------------------

ncase=$(awk -F'\t' '{ n[$2]++ } END { printf "pass:%d fail:%d xfail:%d xpass:%d skip:%d", n["pass"], n["fail"], n["xfail"], n["xpass"], n["skip"] }' "$ST/cases.tsv")
emit "# cases: $ncase"
if [ -s "$ST/known" ]; then
	awk -F'\t' '$3 == "xfail" || $3 == "xpass" { printf "# known issue: %s: %s: %s\n", $1, toupper($3), $4 }' "$ST/programs.tsv" | tee -a "$RUNDIR/ktap"
fi
emit "# slowest programs:"
sort -t'	' -k6,6nr "$ST/programs.tsv" | head -n 5 | awk -F'\t' '{ printf "#   %6.2fs %s\n", $6 / 100, $1 }' | tee -a "$RUNDIR/ktap"
emit "# prove: $PROVE_NOTE"
emit "# wall time: $(awk -v c="$RUN_CS" 'BEGIN { printf "%.1f", c / 100 }')s; results in $RUNDIR"
emit "# Totals: pass:$npass fail:$nfail xfail:$nxfail xpass:$nxpass skip:$nskip error:0"
[ "$nfail" -eq 0 ]
