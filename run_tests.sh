#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runner of the io_uring conformance suite: runs the test programs (all,
# or a subset by name, area or glob) in parallel with a per-program
# timeout, prints KTAP on stdout and leaves results/<run>/ behind:
#   ktap          the combined KTAP stream printed on stdout
#   logs/         each program's own output (stdout and stderr)
#   summary.json  kernel, io_uring features, verdicts, durations, totals
#   junit.xml     one testcase per KTAP case
# and results/latest pointing at it.  POSIX sh and awk only (busybox
# works); prove, where installed, re-parses every program's output as a
# second opinion.  Exit status: 0 if nothing failed, 1 otherwise, 2 for
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

  -j, --jobs N        programs run at once (default: number of CPUs)
  -t, --timeout S     per-program timeout in seconds (default: 45)
  -d, --dir DIR       where the test programs are (default: $HERE/tests)
  -o, --results DIR   where results/<run>/ goes (default: $HERE/results)
  -q, --quiet         print only result lines and the output of failures
  -l, --list          list the selected programs and exit
      --no-prove      do not use prove even where installed
  -h, --help          this text
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
PATTERNS=

need_arg() {
	[ $# -ge 2 ] && [ -n "$2" ] || die_usage "option $1 needs an argument"
}

while [ $# -gt 0 ]; do
	case $1 in
	-j|--jobs) need_arg "$@"; JOBS=$2; shift ;;
	--jobs=*) JOBS=${1#*=} ;;
	-t|--timeout) need_arg "$@"; TIMEOUT=$2; shift ;;
	--timeout=*) TIMEOUT=${1#*=} ;;
	-d|--dir) need_arg "$@"; TESTDIR=$2; shift ;;
	--dir=*) TESTDIR=${1#*=} ;;
	-o|--results) need_arg "$@"; RESULTS=$2; shift ;;
	--results=*) RESULTS=${1#*=} ;;
	-q|--quiet) QUIET=1 ;;
	-l|--list) LIST=1 ;;
	--no-prove) USE_PROVE=0 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; PATTERNS="$PATTERNS $*"; break ;;
	-*) die_usage "unknown option '$1'" ;;
	*) PATTERNS="$PATTERNS $1" ;;
	esac
	shift
done

case $TIMEOUT in ''|*[!0-9]*|0) die_usage "timeout must be a positive number of seconds: '$TIMEOUT'" ;; esac
if [ -z "$JOBS" ]; then
	JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
fi
case $JOBS in ''|*[!0-9]*|0) die_usage "jobs must be a positive number: '$JOBS'" ;; esac
[ -d "$TESTDIR" ] || die_usage "no test directory '$TESTDIR' (build first: make)"
TESTDIR=$(cd "$TESTDIR" && pwd)

# ---- selection ---------------------------------------------------------

ALL=$(cd "$TESTDIR" && for f in */*; do
	case $f in *.c|*.h|*.o|*.d|*.log) continue ;; esac
	[ -f "$f" ] && [ -x "$f" ] && echo "$f"
done)
[ -n "$ALL" ] || die_usage "no test programs in '$TESTDIR' (build first: make)"

select_tests() {
	if [ -z "$PATTERNS" ]; then
		echo "$ALL"
		return 0
	fi
	picked=
	for pat in $PATTERNS; do
		found=$(echo "$ALL" | while IFS= read -r t; do
			area=${t%%/*}
			base=${t#*/}
			case $pat in
			"$area"|"$t"|"$base") echo "$t"; continue ;;
			esac
			# shellcheck disable=SC2254
			case $t in $pat) echo "$t"; continue ;; esac
			# shellcheck disable=SC2254
			case $base in $pat) echo "$t" ;; esac
		done)
		if [ -z "$found" ]; then
			echo "$ME: no test matches '$pat' (see $ME --list)" >&2
			return 1
		fi
		picked="$picked
$found"
	done
	echo "$picked" | awk 'NF && !seen[$0]++'
}

set -f	# patterns are globs for case, not for the shell
SELECTED=$(select_tests) || exit 2
set +f
if [ "$LIST" = 1 ]; then
	echo "$SELECTED"
	exit 0
fi
NTESTS=$(echo "$SELECTED" | wc -l | tr -d ' ')

# ---- results directory ----------------------------------------------------

RUN_ID=$(date -u +%Y%m%d-%H%M%S)-$$
mkdir -p "$RESULTS" || die_usage "cannot create '$RESULTS'"
RESULTS=$(cd "$RESULTS" && pwd)
RUNDIR=$RESULTS/$RUN_ID
ST=$RUNDIR/.state
mkdir -p "$RUNDIR/logs" "$ST/claims" || exit 1
echo "$SELECTED" > "$ST/list"
ln -sfn "$RUN_ID" "$RESULTS/latest.tmp" && mv -f "$RESULTS/latest.tmp" "$RESULTS/latest" 2>/dev/null ||
	{ rm -f "$RESULTS/latest"; ln -s "$RUN_ID" "$RESULTS/latest"; }
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iou-run.XXXXXX") || exit 1

cleanup() {
	rm -rf "$SCRATCH" "$ST"
}
trap cleanup EXIT
trap 'kill 0 2>/dev/null; exit 130' INT TERM

# uptime in centiseconds, for durations (no GNU date needed)
now_cs() {
	awk '{ printf "%d\n", $1 * 100 }' /proc/uptime 2>/dev/null || echo $(($(date +%s) * 100))
}

# ---- environment report ------------------------------------------------

ENV_TOOL=
for c in "${IOU_ENV_TOOL:-}" "$TESTDIR/../build/iou-env" "$HERE/build/iou-env"; do
	if [ -n "$c" ] && [ -x "$c" ]; then ENV_TOOL=$c; break; fi
done
KREL=$(uname -r)
KVER=$(uname -v)
ARCH=$(uname -m)
{
	echo "kernel_release=$KREL"
	echo "kernel_version=$KVER"
	echo "machine=$ARCH"
	echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
	echo "uid=$(id -u)"
	echo "io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo absent)"
	echo "rlimit_memlock=$(ulimit -l 2>/dev/null || echo unknown)"
	echo "rlimit_nofile=$(ulimit -n 2>/dev/null || echo unknown)"
	[ -n "$ENV_TOOL" ] && "$ENV_TOOL" 2>/dev/null
} > "$RUNDIR/env"

# ---- running ----------------------------------------------------------------

TIMEOUT_KILL=5

# run program number $1 of the list
run_one() {
	t=$(sed -n "${1}p" "$ST/list")
	log=$RUNDIR/logs/$(echo "$t" | tr / _).log
	tmp=$SCRATCH/$1
	mkdir -p "$tmp"
	start=$(now_cs)
	(
		cd "$TESTDIR/${t%/*}" || exit 126
		TMPDIR=$tmp timeout -k "$TIMEOUT_KILL" "$TIMEOUT" "./${t#*/}"
	) > "$log" 2>&1 < /dev/null
	rc=$?
	end=$(now_cs)
	left=$(cd "$tmp" && ls -A 2>/dev/null | head -n 3 | tr '\n' ' ')
	rm -rf "$tmp"
	printf '%s\n%s\n%s\n%s\n' "$rc" "$((end - start))" "$log" "$left" > "$ST/$1.run"
	mv "$ST/$1.run" "$ST/$1.done"
}

worker() {
	i=1
	while [ "$i" -le "$NTESTS" ]; do
		if mkdir "$ST/claims/$i" 2>/dev/null; then
			run_one "$i"
		fi
		i=$((i + 1))
	done
}

# KTAP parser and verdict for one program; writes a .prog and a .cases record
PARSER='
function flush_case(verdict, name, reason) {
	ncases++
	gsub(/\t/, " ", reason)
	printf "%s\t%s\t%s\t%s\t%s\n", verdict, name, (dur == "" ? "" : dur), reason, diag > cases
	diag = ""; dur = ""
}
function err(msg) { if (error == "") error = msg }
BEGIN { plan = -1; expected = 1; ver = 0; error = ""; skipall = "" }
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
		else if (nskip == nres) { verdict = "skip"; why = firstskip }
		else { verdict = "pass"; why = "" }
	} else if (rc == 1) {
		if (!nfail) { verdict = "fail"; why = "exit status 1 without a failed case" }
		else { verdict = "fail"; why = nfail " of " nres " cases failed" }
	} else { verdict = "fail"; why = "exit status " rc }
	gsub(/\t/, " ", why)
	printf "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", verdict, why, rc, dur_cs, npass + 0, nfail + 0, nskip + 0, nxfail + 0, nxpass + 0 > prog
}'

# judge program $1 from its .done record; sets VERDICT, WHY
judge() {
	{ read -r rc; read -r dcs; read -r log; read -r left; } < "$ST/$1.done"
	timedout=0
	[ "$rc" = 124 ] && timedout=1
	# busybox timeout reports the signal instead of 124
	if [ "$rc" -ge 128 ] && [ "$dcs" -ge $((TIMEOUT * 100)) ]; then timedout=1; fi
	awk -v rc="$rc" -v timedout="$timedout" -v tmo="$TIMEOUT" -v dur_cs="$dcs" \
		-v prog="$ST/$1.prog" -v cases="$ST/$1.cases" "$PARSER" "$log"
	[ -f "$ST/$1.cases" ] || : > "$ST/$1.cases"
	IFS='	' read -r VERDICT WHY _ < "$ST/$1.prog"
	LEFT=$left
	LOG=$log
	DCS=$dcs
}

emit() {
	printf '%s\n' "$*" >> "$RUNDIR/ktap"
	printf '%s\n' "$*"
}

RUN_START=$(now_cs)
: > "$RUNDIR/ktap"
emit "TAP version 13"
emit "# $SUITE conformance suite: $NTESTS programs, $JOBS at a time, timeout ${TIMEOUT}s"
while IFS='=' read -r k v; do
	emit "# env: $k: $v"
done < "$RUNDIR/env"
emit "1..$NTESTS"

w=0
while [ "$w" -lt "$JOBS" ]; do
	worker &
	w=$((w + 1))
done

n=0 npass=0 nfail=0 nskip=0
i=1
while [ "$i" -le "$NTESTS" ]; do
	while [ ! -f "$ST/$i.done" ]; do
		sleep 0.05 2>/dev/null || sleep 1
	done
	t=$(sed -n "${i}p" "$ST/list")
	judge "$i"
	emit "# selftests: $SUITE: $t"
	if [ "$QUIET" = 0 ] || [ "$VERDICT" = fail ]; then
		sed 's/^/# /' "$LOG" | tee -a "$RUNDIR/ktap"
	fi
	[ -n "$LEFT" ] && emit "# warning: $t left files behind in TMPDIR: $LEFT"
	case $VERDICT in
	pass) npass=$((npass + 1)); emit "ok $i selftests: $SUITE: $t" ;;
	skip) nskip=$((nskip + 1)); emit "ok $i selftests: $SUITE: $t # SKIP $WHY" ;;
	*) nfail=$((nfail + 1)); emit "not ok $i selftests: $SUITE: $t # $WHY" ;;
	esac
	i=$((i + 1))
done
wait
RUN_CS=$(( $(now_cs) - RUN_START ))

# ---- second opinion: prove --------------------------------------------------

PROVE_NOTE="not used"
if [ "$USE_PROVE" = 1 ] && command -v prove >/dev/null 2>&1; then
	i=1
	while [ "$i" -le "$NTESTS" ]; do
		echo "$RUNDIR/logs/$(sed -n "${i}p" "$ST/list" | tr / _).log"
		i=$((i + 1))
	done > "$ST/prove.list"
	# --ignore-exit: kselftest exit 4 means skip, not failure
	prove --ignore-exit --exec cat $(cat "$ST/prove.list") > "$ST/prove.out" 2>&1
	# programs prove failed that our parser passed are failures too
	i=1
	disagree=0
	while [ "$i" -le "$NTESTS" ]; do
		log=$(sed -n "${i}p" "$ST/prove.list")
		IFS='	' read -r VERDICT WHY rest < "$ST/$i.prog"
		if [ "$VERDICT" != fail ] &&
		   sed -n '/^Test Summary Report/,$p' "$ST/prove.out" | grep -qF "$log (Wstat"; then
			printf 'fail\tprove rejects its TAP\t%s\n' "$rest" > "$ST/$i.prog"
			emit "# prove: $(sed -n "${i}p" "$ST/list"): rejected by prove, counted as failed"
			disagree=$((disagree + 1))
		fi
		i=$((i + 1))
	done
	if [ "$disagree" -gt 0 ]; then
		nfail=$((nfail + disagree))
		[ "$npass" -ge "$disagree" ] && npass=$((npass - disagree))
		PROVE_NOTE="disagreed on $disagree programs"
	else
		PROVE_NOTE="$(tail -n 1 "$ST/prove.out")"
	fi
	cp "$ST/prove.out" "$RUNDIR/prove.txt"
fi

# ---- summary.json and junit.xml ------------------------------------------------

i=1
while [ "$i" -le "$NTESTS" ]; do
	t=$(sed -n "${i}p" "$ST/list")
	printf '%s\t' "$t"
	cat "$ST/$i.prog"
	i=$((i + 1))
done > "$ST/programs.tsv"
i=1
while [ "$i" -le "$NTESTS" ]; do
	t=$(sed -n "${i}p" "$ST/list")
	sed "s|^|$t	|" "$ST/$i.cases"
	i=$((i + 1))
done > "$ST/cases.tsv"

awk -F'\t' -v envf="$RUNDIR/env" -v run_id="$RUN_ID" -v run_cs="$RUN_CS" \
	-v jobs="$JOBS" -v tmo="$TIMEOUT" -v prove="$PROVE_NOTE" -v suite="$SUITE" '
function esc(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	gsub(/\\\\n/, "\\n", s)
	gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s)
	gsub(/[\001-\037]/, " ", s)
	return s
}
function q(s) { return "\"" esc(s) "\"" }
BEGIN {
	while ((getline l < envf) > 0) {
		k = l; sub(/=.*/, "", k); v = substr(l, length(k) + 2)
		env[k] = v; envk[++nenv] = k
	}
}
FILENAME ~ /cases/ { c[$1] = c[$1] (c[$1] == "" ? "" : ",\n") \
	"        {\"name\": " q($3) ", \"verdict\": " q($2) ", \"duration_ms\": " ($4 == "" ? "null" : $4) \
	", \"reason\": " q($5) "}"
	ct[$2]++; ncases++; next }
{ prog[++np] = $1; pv[$1] = $2; pw[$1] = $3; prc[$1] = $4; pd[$1] = $5
  pc[$1] = "{\"pass\": " $6 ", \"fail\": " $7 ", \"skip\": " $8 ", \"xfail\": " $9 ", \"xpass\": " $10 "}"
  pt[$2]++ }
END {
	print "{"
	print "  \"schema\": 1,"
	print "  \"suite\": " q(suite) ","
	print "  \"run_id\": " q(run_id) ","
	printf "  \"duration_s\": %.2f,\n", run_cs / 100
	print "  \"jobs\": " jobs ", \"timeout_s\": " tmo ","
	print "  \"prove\": " q(prove) ","
	print "  \"environment\": {"
	for (i = 1; i <= nenv; i++)
		printf "    %s: %s%s\n", q(envk[i]), q(env[envk[i]]), (i < nenv ? "," : "")
	print "  },"
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
FILENAME ~ /cases/ { nc[$1]++; k = $1 SUBSEP nc[$1]; cv[k] = $2; cn[k] = $3; cd[k] = $4; cr[k] = $5; cg[k] = $6; next }
{ prog[++np] = $1; pv[$1] = $2; pw[$1] = $3; pd[$1] = $5 }
END {
	for (i = 1; i <= np; i++) {
		n = prog[i]
		if (nc[n] == 0) { tests++; if (pv[n] == "fail") fails++; if (pv[n] == "skip") skips++ }
		for (j = 1; j <= nc[n]; j++) {
			k = n SUBSEP j; tests++
			if (cv[k] == "fail" || cv[k] == "xpass") fails++
			if (cv[k] == "skip") skips++
		}
		if (pv[n] == "fail" && nc[n] > 0) { fails_prog[n] = 1 }
	}
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<testsuites name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"%.2f\">\n", suite, tests, fails, skips, run_cs / 100
	for (i = 1; i <= np; i++) {
		n = prog[i]; cls = suite "." n; gsub(/\//, ".", cls)
		t = (nc[n] ? nc[n] : 1); f = 0; s = 0
		for (j = 1; j <= nc[n]; j++) { k = n SUBSEP j; if (cv[k] == "fail" || cv[k] == "xpass") f++; if (cv[k] == "skip") s++ }
		if (!nc[n]) { f = (pv[n] == "fail"); s = (pv[n] == "skip") }
		extra = (pv[n] == "fail" && f == 0 && nc[n] > 0)
		printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"%.2f\" hostname=\"%s\">\n", x(cls), t + extra, f + extra, s, pd[n] / 100, x(host)
		if (!nc[n]) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.2f\">", x(cls), x(n), pd[n] / 100
			if (pv[n] == "fail") printf "<failure message=\"%s\"/>", x(pw[n])
			else if (pv[n] == "skip") printf "<skipped message=\"%s\"/>", x(pw[n])
			printf "</testcase>\n"
		}
		for (j = 1; j <= nc[n]; j++) {
			k = n SUBSEP j
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">", x(cls), x(cn[k]), (cd[k] == "" ? 0 : cd[k] / 1000)
			if (cv[k] == "fail") printf "<failure message=\"%s\">%s</failure>", x(cr[k] == "" ? "failed" : cr[k]), body(cg[k])
			else if (cv[k] == "xpass") printf "<failure message=\"%s\">%s</failure>", x("unexpected pass: " cr[k]), body(cg[k])
			else if (cv[k] == "skip") printf "<skipped message=\"%s\"/>", x(cr[k])
			printf "</testcase>\n"
		}
		if (extra)
			printf "    <testcase classname=\"%s\" name=\"program\" time=\"%.2f\"><failure message=\"%s\"/></testcase>\n", x(cls), pd[n] / 100, x(pw[n])
		printf "  </testsuite>\n"
	}
	printf "</testsuites>\n"
}' "$ST/cases.tsv" "$ST/programs.tsv" > "$RUNDIR/junit.xml"

# ---- totals -------------------------------------------------------------------------

ncase=$(awk -F'\t' '{ n[$2]++ } END { printf "pass:%d fail:%d xfail:%d xpass:%d skip:%d", n["pass"], n["fail"], n["xfail"], n["xpass"], n["skip"] }' "$ST/cases.tsv")
emit "# cases: $ncase"
emit "# slowest programs:"
sort -t'	' -k5,5nr "$ST/programs.tsv" | head -n 5 | awk -F'\t' '{ printf "#   %6.2fs %s\n", $5 / 100, $1 }' | tee -a "$RUNDIR/ktap"
emit "# prove: $PROVE_NOTE"
emit "# wall time: $(awk -v c="$RUN_CS" 'BEGIN { printf "%.1f", c / 100 }')s; results in $RUNDIR"
emit "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
[ "$nfail" -eq 0 ]
