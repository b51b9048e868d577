#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The suite's own tests (make check): the harness, the ring library and
# the runner, each driven by real programs whose right answer is known.
#
# usage: run.sh SELFTEST_BIN_DIR
set -u

BIN=$(cd "$1" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iou-selftest.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
FAILED=0
N=0

ok() { N=$((N + 1)); echo "ok $N $*"; }
bad() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
has_line() { grep -qxF -- "$2" "$1"; }
has_text() { grep -qF -- "$2" "$1"; }
lacks_text() { ! grep -qF -- "$2" "$1"; }

run() {	# run NAME PROGRAM [ARGS]: stdout to NAME.out, stderr to NAME.err, status to NAME.rc
	n=$1; shift
	"$@" > "$WORK/$n.out" 2> "$WORK/$n.err" < /dev/null
	echo $? > "$WORK/$n.rc"
}
rc_is() { [ "$(cat "$WORK/$1.rc")" = "$2" ]; }

echo "# harness self-tests"

# ---- verdicts of the harness ---------------------------------------------------
start=$(date +%s)
run verdicts "$BIN/st-checks-and-verdicts"
took=$(( $(date +%s) - start ))
V=$WORK/verdicts
check "failing cases make the program exit 1" rc_is verdicts 1
check "a 1 s case timeout is enforced (program took ${took}s)" [ "$took" -lt 10 ]
check "TAP version line first" sh -c "head -n 1 '$V.out' | grep -qx 'TAP version 13'"
check "plan counts every case" has_line "$V.out" "1..20"
# every case named fail_* is "not ok", every other is "ok"
check "fail_* cases are exactly the not-ok ones" sh -c "
	grep -E '^(not )?ok [0-9]+ ' '$V.out' | awk '
		/^not ok/ && \$4 !~ /fail_|fx.twenty/ { bad = 1 }
		/^ok/ && \$3 ~ /fail_/ { bad = 1 }
		END { exit bad }'"
check "passing comparisons pass" has_line "$V.out" "ok 1 global.pass_value_comparisons"
check "EXPECT continues after a failure" has_text "$V.err" "marker: after-failed-expect"
check "ASSERT failure runs its handler" has_text "$V.err" "marker: handler-runs"
check "ASSERT failure ends the case" lacks_text "$V.err" "never-printed"
check "signed/unsigned mismatch is reported with both values" \
	has_text "$V.err" "Expected -1 (-1) == u (4294967295 (0xffffffff))"
check "a crash names the signal" has_text "$V.err" "global.fail_segfault: Test terminated unexpectedly by signal 11 (SIGSEGV)"
check "a stray exit status is reported" has_text "$V.err" "global.fail_stray_exit_code: Test exited with unexpected status 7"
check "an expected signal passes" has_line "$V.out" "ok 7 global.pass_expected_signal"
check "a missing expected signal fails" has_line "$V.out" "not ok 8 global.fail_expected_signal_missing"
check "SKIP gives a reason" has_line "$V.out" "ok 9 global.skip_with_reason # SKIP marker skip reason"
check "a missing opcode skips uniformly" has_line "$V.out" "ok 10 global.skip_requirement_missing # SKIP kernel lacks opcode 250"
check "variants are named fixture.variant.test" has_line "$V.out" "ok 17 fx.ten.variant_reaches_setup"
check "teardown runs after a passing case" has_text "$V.err" "marker: teardown value=10"
check "teardown runs after a failed ASSERT" has_text "$V.err" "marker: teardown value=20"
check "SKIP in setup skips the case without teardown" has_line "$V.out" "ok 19 skipsetup.body_not_run # SKIP marker setup skip"
check "a hang is a timeout failure" has_text "$V.err" "hang.fail_timeout: Test terminated by timeout (1 s)"
check "a SKIP after a failed check stays a failure" has_text "$V.err" "SKIP      marker late skip (ignored: the case already failed)"
check "a case's exit status 2 (XFAIL) is a failure" has_text "$V.err" "global.fail_exit_status_of_xfail: Test exited with unexpected status 2"
check "an exit that bypasses the harness is a failure" has_text "$V.err" "global.fail_exit_zero_bypassing_the_harness: Test exited with status 0 without reaching the harness's end"
check "a case without checks is reported" has_text "$V.err" "global.pass_without_checks: Test passed without evaluating a single check"
check "a broken requirement fails with its reason" has_text "$V.err" "marker feature: probe got -EBADF (-9), expected 0 or -EINVAL (unknown)"
check "an unknown requirement skips" has_text "$V.out" "global.skip_requirement_unknown # SKIP kernel lacks marker feature"
check "totals line matches" has_line "$V.out" "# Totals: pass:4 fail:12 xfail:0 xpass:0 skip:4 error:0"
(export IOU_STRICT_CHECKS=1; run strict "$BIN/st-checks-and-verdicts" -t pass_without_checks)
check "IOU_STRICT_CHECKS fails a case without checks" has_line "$WORK/strict.out" "not ok 1 global.pass_without_checks"

# ---- filters and listing ---------------------------------------------------------
run filter "$BIN/st-checks-and-verdicts" -t pass_value_comparisons -t skip_with_reason
check "-t selects cases" sh -c "grep -c '^ok' '$WORK/filter.out' | grep -qx 2 && grep -qx '1..2' '$WORK/filter.out'"
check "selected passing cases exit 0" rc_is filter 0
run filter2 "$BIN/st-checks-and-verdicts" -r fx.ten.variant_reaches_setup
check "-r runs one case" has_line "$WORK/filter2.out" "ok 1 fx.ten.variant_reaches_setup"
run list "$BIN/st-checks-and-verdicts" -l
check "-l lists every case" sh -c "grep -c . '$WORK/list.err' | grep -qx 20"

# ---- whole-program requirements and the low-level API ---------------------------
run reqs "$BIN/st-whole-program-skip"
if rc_is reqs 4; then
	check "io_uring unavailable: whole-program skip" has_text "$WORK/reqs.out" "1..0 # SKIP"
else
	check "unmet program requirements skip every case, exit 0" rc_is reqs 0
	check "each case carries the uniform reason" sh -c \
		"grep -c '^ok [12] global.* # SKIP kernel lacks opcode 250\$' '$WORK/reqs.out' | grep -qx 2"
	check "cases with unmet requirements never run" lacks_text "$WORK/reqs.err" "never-printed"
fi
run fixes "$BIN/st-fixes-and-safety"
check "declared fixes are printed before the plan" sh -c "sed -n '2,4p' '$WORK/fixes.out' | tr '\\n' '|' | grep -qxF '# fix: 0123456789ab CVE-2099-0001 global.first io_uring: marker subject one|# fix: - - * io_uring: marker stable-only subject|# unsafe: marker unsafe reason|'"
check "the plan follows the fixes" sh -c "sed -n 5p '$WORK/fixes.out' | grep -qx '1..2'"
(export IOU_SAFE_ONLY=1; run safe "$BIN/st-fixes-and-safety")
check "IOU_SAFE_ONLY skips an unsafe program's cases" sh -c "grep -c '^ok [12] global.* # SKIP unsafe on a kernel without the fix (marker unsafe reason); IOU_SAFE_ONLY is set' '$WORK/safe.out' | grep -qx 2"
check "skipped unsafe cases never run" lacks_text "$WORK/safe.err" "marker: first ran"
(export IOU_PID_LOG="$WORK/pids2"; run pids "$BIN/st-fixes-and-safety")
check "IOU_PID_LOG names the program and each case" sh -c "awk '{ print \$2, \$3 }' '$WORK/pids2' | tr '\\n' '|' | grep -qxF 'st-fixes-and-safety -|st-fixes-and-safety global.first|st-fixes-and-safety global.second|'"
run lowlevel "$BIN/st-lowlevel-api"
L=$WORK/lowlevel.out
check "low-level API exits 0" rc_is lowlevel 0
check "ksft_print_msg" has_line "$L" "# marker message 42"
check "ksft_test_result_pass" has_line "$L" "ok 1 first"
check "ksft_test_result" has_line "$L" "ok 2 second"
check "ksft_test_result_skip" has_line "$L" "ok 3 # SKIP third"
check "ksft_test_result_code skip" has_line "$L" "ok 4 fourth # SKIP why not"
check "ksft_test_result_code pass" has_line "$L" "ok 5 fifth"
check "ksft totals" has_line "$L" "# Totals: pass:3 fail:0 xfail:0 xpass:0 skip:2 error:0"
run lowskip "$BIN/st-lowlevel-api" skip
check "ksft_exit_skip before the plan exits 4" rc_is lowskip 4
check "ksft_exit_skip prints 1..0 # SKIP" has_line "$WORK/lowskip.out" "1..0 # SKIP marker whole skip"

# ---- ring library -------------------------------------------------------------------
run ringlib "$BIN/st-ringlib-index-wrap"
check "ring library index arithmetic across 2^32" rc_is ringlib 0
check "ring library: no case failed" lacks_text "$WORK/ringlib.out" "not ok"

# ---- helpers every area shares ---------------------------------------------------
run shared "$BIN/st-shared-helpers"
if rc_is shared 4; then
	check "io_uring unavailable: whole-program skip" has_text "$WORK/shared.out" "1..0 # SKIP"
else
	check "shared helpers: exit 0" rc_is shared 0
	check "shared helpers: no case failed" lacks_text "$WORK/shared.out" "not ok"
	check "an unknown setup flag skips uniformly" has_line "$WORK/shared.out" \
		"ok 6 global.setup_flags_unknown_bit_skips # SKIP kernel lacks setup flag bit 31"
	check "ring init for an unknown setup flag skips uniformly" has_line "$WORK/shared.out" \
		"ok 7 global.ring_init_or_skip_unknown_bit_skips # SKIP kernel lacks setup flag bit 31"
	check "skipped cases never ran on" lacks_text "$WORK/shared.err" "never-printed"
fi

# ---- prove accepts every harness stream ------------------------------------------------
if command -v prove >/dev/null 2>&1; then
	for f in verdicts filter reqs lowlevel lowskip ringlib shared; do
		prove --ignore-exit --exec cat "$WORK/$f.out" > "$WORK/$f.prove" 2>&1
		check "prove parses $f without parse errors" lacks_text "$WORK/$f.prove" "Parse errors"
	done
else
	echo "# SKIP prove checks: prove not installed"
fi

# ---- the runner's parts, each alone ----------------------------------------------------
P=$TOP/harness/runner
PW=$WORK/parts
mkdir -p "$PW"
cat > "$PW/known-issues" <<'EOF2'
# comment
a/x                     *            always
a/y:fx.*.slow_*         >=6.12.2,<6.13  a range
a/z:global.one          =6.1         the 6.1 series only
a/w                     <6.12        older kernels
EOF2
awk -v known_kver=6.12.5 -f "$P/known.awk" "$PW/known-issues" > "$PW/known"
check "known.awk keeps the entries whose kernels hold" sh -c "cut -f1,2 '$PW/known' | tr '\\t\\n' ':|' | grep -qxF 'a/x:*|a/y:fx.*.slow_*|'"
check "known.awk: =6.1 matches 6.1.170, not 6.12" sh -c "
	awk -v known_kver=6.1.170 -f '$P/known.awk' '$PW/known-issues' | grep -q '^a/z' &&
	! awk -v known_kver=6.12.1 -f '$P/known.awk' '$PW/known-issues' | grep -q '^a/z'"
printf 'TAP version 13\n# fix: 0123456789ab CVE-2099-1 fx.*.slow_* io_uring: a subject\n# unsafe: crashes old kernels\n1..3\n#  RUN           fx.a.slow_one ...\n# marker diagnostic\n#      DURATION  12 ms\nnot ok 1 fx.a.slow_one\nok 2 fx.a.fast # SKIP no device\nok 3 other\n' > "$PW/y.log"
awk -v rc=1 -v timedout=0 -v tmo=45 -v dur_cs=7 -v start=100 -v end=107 -v taint=0 -v left= \
	-v progname=a/y -v label=a/y -v knownf="$PW/known" -v out="$PW/y" \
	-f "$P/ktap.awk" -f "$P/known.awk" "$PW/y.log"
check "ktap.awk: a known failing case makes the program XFAIL" sh -c "head -n 2 '$PW/y.prog' | tr '\\t\\n' ' |' | grep -qxF 'xfail 1 7 100 107 0 1 0 1 1 0 a/y a/y|1 known-issue cases failed|'"
check "ktap.awk: the case record has its duration, reason and diagnostics" \
	has_line "$PW/y.cases" "xfail	fx.a.slow_one	12	known issue: a range	marker diagnostic"
check "ktap.awk: declared fixes and the unsafe reason are recorded" sh -c "
	grep -qxF '0123456789ab	CVE-2099-1	fx.*.slow_*	io_uring: a subject' '$PW/y.fixes' && sed -n 3p '$PW/y.prog' | grep -qx 'crashes old kernels'"
check "ktap.awk: the report block nests the output" sh -c "head -n 2 '$PW/y.block' | tr '\\n' '|' | grep -qxF '# selftests: iouring: a/y|# TAP version 13|'"
printf 'a/slow\t900\na/fast\t10\n' > "$PW/durations"
printf 'a/fast\na/new\na/slow\n' | awk -v repeat=1 -v shuffle=0 -v seed=1 -v static="$PW/durations" -v last=/dev/null \
	-f "$P/order.awk" > "$PW/order"
check "order.awk: unknown programs first, then the longest" sh -c "cut -f1 '$PW/order' | tr '\\n' ' ' | grep -qxF 'a/new a/slow a/fast '"
# kernel-log.awk: three runs, their pids, a log with markers and splats
mkdir -p "$PW/st" "$PW/pids"
for r in 1 2 3; do
	printf 'pass\t0\t10\t%d\t%d\t0\t1\t0\t0\t0\t0\tzz/prog-number-%d-long-name\tzz/prog-number-%d-long-name\n\n\n\n' \
		"$((r * 100))" "$((r * 100 + 50))" "$r" "$r" > "$PW/st/$r.prog"
	printf '%d prog-number-%d-long-name -\n%d prog-number-%d-long-name fx.case_%d\n' "$((r * 10))" "$r" "$((r * 10 + 1))" "$r" "$r" > "$PW/pids/$r"
done
printf 'zz/prog-number-3-long-name\tkernel-health\ta known splat\n' > "$PW/kknown"
M='iouring-tests: RUN'
printf '%s\n' "100	M	$M start 1 zz/prog-number-1-long-name" "101	M	$M start 2 zz/prog-number-2-long-name" \
	"110	B	WARNING: CPU: 0 PID: 21 at io_uring/x.c:1 f+0x1" "110	C	Call Trace:" \
	"120	B	WARNING: CPU: 1 PID: 77 Comm: prog-number-1-l Not tainted" \
	"130	B	BUG: io_uring: no task named" \
	"135	B	WARNING: CPU: 1 PID: 4242 at lib/x.c:9 g+0x2" "135	C	CPU: 1 PID: 4242 Comm: other-process Not tainted" \
	"150	M	$M end 1 zz/prog-number-1-long-name" "151	M	$M end 2 zz/prog-number-2-long-name" \
	"300	M	$M start 3 zz/prog-number-3-long-name" "310	B	refcount_t: underflow in iou-wrk-30" \
	"311	C	CPU: 0 PID: 999 Comm: iou-wrk-30" "350	M	$M end 3 zz/prog-number-3-long-name" > "$PW/klog.run"
awk -v mode=attribute -v mark="$M" -v st="$PW/st" -v runs=3 -v pidsdir="$PW/pids" -v knownf="$PW/kknown" \
	-v post=50 -v excerptf="$PW/excerpt" -f "$P/kernel-log.awk" -f "$P/known.awk" "$PW/klog.run" > "$PW/health.tsv"
check "kernel-log.awk: a splat goes to the case process whose PID it names" \
	has_line "$PW/health.tsv" "2	fail	 (task 21, case fx.case_2)	WARNING: CPU: 0 PID: 21 at io_uring/x.c:1 f+0x1\\n  Call Trace:"
check "kernel-log.awk: to the program whose name starts with its 15-character comm" sh -c \
	"grep -q '^1	fail	 (task prog-number-1-l)	' '$PW/health.tsv'"
check "kernel-log.awk: one naming no task goes to every program whose markers hold it" sh -c \
	"[ \$(grep -c 'names no task of the run; ran concurrently with' '$PW/health.tsv') = 2 ]"
check "kernel-log.awk: an io-wq worker's splat goes to its owner; known ones are XFAIL" sh -c \
	"grep -q '^3	xfail	 (io_uring thread of task 30, case -); known issue: a known splat	' '$PW/health.tsv' ||
	 grep -q '^3	xfail	 (io_uring thread of task 30); known issue: a known splat	' '$PW/health.tsv'"
check "kernel-log.awk: a splat of another user task is no program's of the run" sh -c \
	"grep -q '^0	fail	 (task 4242 other-process, not of this run)	' '$PW/health.tsv' && [ \$(grep -c 'concurrently' '$PW/health.tsv') = 2 ]"
check "kernel-log.awk: every splat is in the excerpt" sh -c "[ \$(grep -c '^[A-Za-z]' '$PW/excerpt') = 5 ]"

# ---- the runner --------------------------------------------------------------------------
RUNNER=${IOU_RUNNER:-$TOP/run_tests.sh}
T=$WORK/tree/tests/zz
mkdir -p "$T"
cp "$BIN/st-checks-and-verdicts" "$T/failing-cases"
cp "$BIN/st-lowlevel-api" "$T/passing"
cp "$BIN/st-whole-program-skip" "$T/skipping"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nkill -SEGV $$\n' > "$T/crashing"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nexec sleep 120\n' > "$T/hanging"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "hello world"\necho "ok 1 x"\n' > "$T/garbage"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "ok 1 x"\nexit 3\n' > "$T/stray-exit"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..2"\necho "ok 1 x"\n' > "$T/short-plan"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..0 # SKIP marker nothing to do"\nexit 4\n' > "$T/whole-skip"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..2"\necho "ok 1 fine"\necho "not ok 2 broken"\nexit 1\n' > "$T/known-fail"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "# uid=$(id -u)"\necho "ok 1 whoami"\n' > "$T/whoami"
chmod +x "$T"/*
cat > "$WORK/tree/tests/known-issues" <<'EOF2'
# program[:case-glob]          kernels   reason
zz/failing-cases:global.fail_segfault  *   selftest: a known crash
zz/failing-cases:fx.twenty.*   >=1.0     selftest: a known variant failure
zz/passing:fifth               *         selftest: listed, but passes
zz/known-fail:broken           >=2.6,<999  selftest: fails, listed
zz/whoami:*                    <1.0      selftest: not this kernel
EOF2
R=$WORK/results
start=$(date +%s)
# (a fixed timeout scale: the hanging program is to time out after 8 s)
IOU_TIMEOUT_SCALE=1 "$RUNNER" -d "$WORK/tree/tests" -o "$R" -t 8 -j 4 -x whoami > "$WORK/runner.out" 2> "$WORK/runner.err"
rrc=$?
took=$(( $(date +%s) - start ))
O=$WORK/runner.out
J=$R/latest/summary.json
check "runner exits 1 when programs fail" [ "$rrc" = 1 ]
# a loaded machine slows the whole run; only waiting out the hanging
# program's own 120 s shows the timeout was not honoured
check "runner honours the program timeout (run took ${took}s)" [ "$took" -lt 100 ]
check "runner prints KTAP with a kernel-health result" sh -c "head -n 1 '$O' | grep -qx 'TAP version 13' && grep -qx '1..11' '$O' && grep -q '^[a-z ]* 11 selftests: iouring: kernel-health' '$O'"
verdict() {	# verdict PROGRAM VERDICT REASON-SUBSTRING
	grep -F "\"name\": \"zz/$1\"" "$J" | grep -F "\"verdict\": \"$2\"" | grep -qF -- "$3"
}
check "failing program: failed cases, known ones excepted" verdict failing-cases fail "10 of 20 cases failed"
check "known failing case is XFAIL" grep -qF '"name": "global.fail_segfault", "verdict": "xfail"' "$J"
check "crashing program: signal" verdict crashing fail "killed by signal 11"
check "hanging program: timeout" verdict hanging fail "timeout after 8 s"
check "garbage output: bad KTAP" verdict garbage fail "bad KTAP: unexpected output: hello world"
check "stray exit status" verdict stray-exit fail "exit status 3"
check "short plan: bad KTAP" verdict short-plan fail "planned 2 cases, ran 1"
check "whole-program skip" verdict whole-skip skip "marker nothing to do"
check "known issue turns a failing program into XFAIL" verdict known-fail xfail "1 known-issue cases failed"
check "XFAIL does not fail the run" has_text "$O" "# XFAIL 1 known-issue cases failed"
check "a listed case that passes is XPASS" verdict passing xpass "known-issue cases now pass"
check "--exclude leaves programs out" lacks_text "$O" "zz/whoami"
check "results/latest holds ktap, logs, summary.json, junit.xml" sh -c \
	"test -s '$R/latest/ktap' && test -s '$R/latest/junit.xml' && test -s '$J' && test -s '$R/latest/logs/zz_passing.log'"
check "summary.json counts programs" grep -qF '"programs": {"total": 10, "pass": 0, "fail": 6, "skip": 2, "xfail": 1, "xpass": 1}' "$J"
if command -v python3 >/dev/null 2>&1; then
	check "summary.json is valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$J"
else
	echo "# SKIP JSON validation: python3 not installed"
fi
if command -v xmllint >/dev/null 2>&1; then
	check "junit.xml is well-formed XML" xmllint --noout "$R/latest/junit.xml"
	check "junit.xml validates against the JUnit schema" \
		xmllint --noout --schema "$TOP/harness/selftest/junit.xsd" "$R/latest/junit.xml"
	check "junit.xml counts agree with its testcases" sh -c "
		x='$R/latest/junit.xml'
		[ \$(xmllint --xpath 'count(//testcase)' \$x) = \$(xmllint --xpath 'string(/testsuites/@tests)' \$x) ] &&
		[ \$(xmllint --xpath 'count(//testcase/failure)' \$x) = \$(xmllint --xpath 'string(/testsuites/@failures)' \$x) ] &&
		[ \$(xmllint --xpath 'count(//testcase/skipped)' \$x) = \$(xmllint --xpath 'string(/testsuites/@skipped)' \$x) ]"
else
	echo "# SKIP XML validation: xmllint not installed"
fi
check "junit.xml has one testcase per KTAP case" sh -c \
	"grep -c '<testcase classname=\"iouring.zz.failing-cases\"' '$R/latest/junit.xml' | grep -qx 20"
# Perl's TAP::Formatter::JUnit, where installed, as a reference: the same
# program's TAP gives the same testcases and failures (ours also marks the
# known-issue failures XFAIL, which it cannot know)
if perl -MTAP::Formatter::JUnit -e1 2>/dev/null && command -v xmllint >/dev/null 2>&1; then
	prove --ignore-exit --exec cat --formatter TAP::Formatter::JUnit \
		"$R/latest/logs/zz_failing-cases.log" > "$WORK/ref-junit.xml" 2>/dev/null
	check "junit.xml agrees with TAP::Formatter::JUnit on testcases and failures" sh -c "
		r='$WORK/ref-junit.xml'; x='$R/latest/junit.xml'
		s='//testsuite[@name=\"iouring.zz.failing-cases\"]'
		[ \$(xmllint --xpath 'count(//testcase)' \$r) = \$(xmllint --xpath \"count(\$s/testcase)\" \$x) ] &&
		[ \$(xmllint --xpath 'count(//testcase/failure)' \$r) = \$(xmllint --xpath \"count(\$s/testcase/failure) + count(\$s/testcase[contains(system-out, 'known issue')])\" \$x) ]"
else
	echo "# SKIP TAP::Formatter::JUnit comparison: libtap-formatter-junit-perl not installed"
fi
check "junit.xml carries failure diagnostics" has_text "$R/latest/junit.xml" "Test exited with unexpected status 7"
if command -v prove >/dev/null 2>&1; then
	prove --ignore-exit --exec cat "$O" > "$WORK/runner.prove" 2>&1
	check "prove parses the runner's KTAP" lacks_text "$WORK/runner.prove" "Parse errors"
fi

# the timeout scale: an explicit one wins; else from the load (and QEMU)
SC=$WORK/sctree/tests/sc
mkdir -p "$SC"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "# scale=$IOU_TIMEOUT_SCALE"\necho "ok 1 x"\n' > "$SC/scale"
chmod +x "$SC/scale"
IOU_TIMEOUT_SCALE=3 "$RUNNER" -d "$WORK/sctree/tests" -o "$R" > "$WORK/scale1.out" 2>&1
check "an explicit IOU_TIMEOUT_SCALE wins and is printed" sh -c \
	"grep -qx '# timeout scale: 3 (set by IOU_TIMEOUT_SCALE)' '$WORK/scale1.out' && grep -qx '# # scale=3' '$WORK/scale1.out' && grep -q 'timeout 45s' '$WORK/scale1.out'"
(unset IOU_TIMEOUT_SCALE; "$RUNNER" -d "$WORK/sctree/tests" -o "$R" > "$WORK/scale2.out" 2>&1)
check "without one, the runner derives it from the load, passes it on and stretches the timeout" sh -c "
	s=\$(sed -n 's/^# timeout scale: \\([1-8]\\) (load average [0-9.]* on [0-9]* CPUs.*)\$/\\1/p' '$WORK/scale2.out')
	[ -n \"\$s\" ] && grep -qx \"# # scale=\$s\" '$WORK/scale2.out' && grep -q \"timeout \$((45 * s))s\" '$WORK/scale2.out'"

# the VM runner rebuilds results from a stream cut short (a kernel that
# died) with the same writers
awk '/^(not )?ok 3 / { print; exit } { print }' "$O" > "$WORK/cut.ktap"
"$RUNNER" -d "$WORK/tree/tests" -l -x whoami > "$WORK/cut.list"
mkdir -p "$WORK/rebuilt/logs"
awk -v out="$WORK/rebuilt" -v listf="$WORK/cut.list" -v why="the kernel died" -v run_id=cut -v suspect=hanging \
	-f "$TOP/harness/runner/results.awk" -f "$TOP/harness/vm/ktap2results.awk" "$WORK/cut.ktap" > "$WORK/rebuilt.out" 2>&1
check "VM rebuild: the program the oops names failed with the reason" sh -c \
	"grep -F '\"name\": \"zz/hanging\"' '$WORK/rebuilt/summary.json' | grep -qF 'the kernel died (oops in task hanging) while this program ran'"
check "VM rebuild: the results keep the runner's schema" sh -c \
	"grep -qF '\"schema\": 2,' '$WORK/rebuilt/summary.json' && grep -qF '\"fix_report\": {' '$WORK/rebuilt/summary.json'"
if command -v python3 >/dev/null 2>&1; then
	check "VM rebuild: summary.json is valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$WORK/rebuilt/summary.json"
fi
if command -v xmllint >/dev/null 2>&1; then
	check "VM rebuild: junit.xml validates against the JUnit schema" \
		xmllint --noout --schema "$TOP/harness/selftest/junit.xsd" "$WORK/rebuilt/junit.xml"
fi

# fixes as data: carried into summary.json and junit.xml, the missing-fix
# report at the end of the run, --safe-only, and per kernel in vm-matrix
FX=$WORK/fxtree/tests/fx
mkdir -p "$FX"
cp "$BIN/st-fixes-and-safety" "$FX/unsafe-but-fixed"
fixprog() {	# fixprog NAME "fix line" RESULT-LINE STATUS
	printf '#!/bin/sh\necho "TAP version 13"\necho "# fix: %s"\necho "1..1"\necho "%s"\nexit %s\n' "$2" "$3" "$4" > "$FX/$1"
	chmod +x "$FX/$1"
}
fixprog lacks-fix "aaaaaaaaaaaa CVE-2099-0002 * io_uring: a fix this kernel lacks" "not ok 1 global.bug" 1
fixprog known-lack "bbbbbbbbbbbb - global.* io_uring: a fix known to be missing" "not ok 1 global.bug" 1
fixprog not-applicable "cccccccccccc - * io_uring: a fix for a feature absent here" "ok 1 global.feature # SKIP kernel lacks feature" 0
printf 'fx/known-lack:global.bug  *  selftest: a known missing fix\n' > "$WORK/fxtree/tests/known-issues"
"$RUNNER" -d "$WORK/fxtree/tests" -o "$R" -q > "$WORK/fix.out" 2>&1
FJ=$R/latest/summary.json
check "missing-fix report: counts at the end of the run" has_line "$WORK/fix.out" "# fixes: 5 declared: 2 passed, 1 failed, 1 missing (known), 1 not applicable"
check "missing-fix report: a failed fix with its commit, CVE and program" sh -c \
	"grep -q '^#   FAILED (fix missing or backport broken): *aaaaaaaaaaaa CVE-2099-0002 io_uring: a fix this kernel lacks (fx/lacks-fix)\$' '$WORK/fix.out'"
check "missing-fix report: a known issue's fix is missing, known" sh -c "grep -q '^#   missing, known issue: *bbbbbbbbbbbb' '$WORK/fix.out'"
check "summary.json: a program's fixes with their verdicts" sh -c "grep -A1 -F '\"name\": \"fx/lacks-fix\"' '$FJ' | grep -qF '\"fixes\": [{\"commit\": \"aaaaaaaaaaaa\", \"cve\": \"CVE-2099-0002\", \"cases\": \"*\", \"subject\": \"io_uring: a fix this kernel lacks\", \"verdict\": \"failed\"}]'"
check "summary.json: the unsafe reason" sh -c "grep -A1 -F '\"name\": \"fx/unsafe-but-fixed\"' '$FJ' | grep -qF '\"unsafe\": \"marker unsafe reason\"'"
check "summary.json: fix_report lists every verdict" sh -c "
	for v in passed failed missing-known not-applicable; do grep -q \"^    \\\"\$v\\\": \\[\" '$FJ' || exit 1; done"
check "junit.xml: fixes as properties" has_text "$R/latest/junit.xml" '<property name="fix" value="aaaaaaaaaaaa CVE-2099-0002 * io_uring: a fix this kernel lacks: failed"/>'
if command -v xmllint >/dev/null 2>&1; then
	check "junit.xml with properties validates against the JUnit schema" \
		xmllint --noout --schema "$TOP/harness/selftest/junit.xsd" "$R/latest/junit.xml"
fi
FIXRUN=$(cd "$R/latest" && pwd -P)
"$RUNNER" -d "$WORK/fxtree/tests" -o "$R" -q --safe-only unsafe-but-fixed > "$WORK/safe.out" 2>&1
check "--safe-only skips a program with an unsafe reproducer" sh -c \
	"grep -q '^ok 1 selftests: iouring: fx/unsafe-but-fixed # SKIP unsafe on a kernel without the fix' '$WORK/safe.out'"
mkdir -p "$WORK/mx/k2"
sed 's/"failed": \[/"passed": [/; s/"passed": \[\(.\)/"failed": [\1/' "$FIXRUN/summary.json" > "$WORK/mx/k2/summary.json"
printf 'k1\t%s\nk2\t%s\n' "$FIXRUN" "$WORK/mx/k2" > "$WORK/mx/members"
awk -f "$TOP/harness/vm/matrix.awk" "$WORK/mx/members" > "$WORK/mx/table" 2>&1
check "vm-matrix: the missing-fix report per kernel" sh -c \
	"grep -q '^aaaaaaaaaaaa  CVE-2099-0002 *FAILED *passed  io_uring: a fix this kernel lacks\$' '$WORK/mx/table' && grep -q '^  k1 *lacks 2 of 5 fixes' '$WORK/mx/table'"

# repeat, shuffle, run as another user
"$RUNNER" -d "$WORK/tree/tests" -o "$R" -q -r 3 passing whole-skip > "$WORK/repeat.out" 2>&1
check "--repeat runs each program N times" sh -c "grep -c 'selftests: iouring: zz/passing \[[123]/3\]' '$WORK/repeat.out' | grep -qx 6"
# prove, the second opinion, on request only (it used to double a run's time)
if command -v prove >/dev/null 2>&1; then
	"$RUNNER" -d "$WORK/tree/tests" -o "$R" -q --prove passing whole-skip known-fail > "$WORK/prove.out" 2>&1
	check "--prove: prove agrees with the runner's verdicts" has_text "$WORK/prove.out" "# prove: agrees (Files=3, "
	check "--prove keeps prove's report" test -s "$R/latest/prove.txt"
	check "without --prove, prove is not run" lacks_text "$O" "# prove: agrees"
fi
"$RUNNER" -d "$WORK/tree/tests" -l -s --seed 7 'zz/*' > "$WORK/shuffle1.out"
"$RUNNER" -d "$WORK/tree/tests" -l -s --seed 7 'zz/*' > "$WORK/shuffle2.out"
check "--seed makes a shuffled order reproducible" cmp -s "$WORK/shuffle1.out" "$WORK/shuffle2.out"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	"$RUNNER" -d "$WORK/tree/tests" -o "$R" -u nobody whoami > "$WORK/asuser.out" 2>&1
	check "--as-user runs programs as that user" has_text "$WORK/asuser.out" "# uid=$(id -u nobody)"
fi

# kernel health, on a fake kernel log (fake-dmesg over a file the programs
# write their "splats" to; the host's /dev/kmsg is shared with other runs
# and never written a fake problem): a problem fails the program that
# caused it, found by the task it names, by its command name, or else by
# its window between the start and end markers (or, without a writable
# kmsg, by the clock); a known one is XFAIL
K=$WORK/ktree/tests/zz
mkdir -p "$K"
cp "$T/passing" "$K/quiet"
splat() {	# splat PROGRAM LINE: a program that logs LINE ($$: its pid) and passes
	printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "%s" >> "$FAKE_LOG"\necho "ok 1 x"\n' "$2" > "$K/$1"
	chmod +x "$K/$1"
}
splat warns '<4>WARNING: CPU: 0 PID: $$ at io_uring/fake.c:1 fake_fn+0x1/0x2'
splat warns-by-command-name '<4>WARNING: CPU: 1 PID: 999999 Comm: warns-by-comman Not tainted'
splat anonymous '<3>BUG: io_uring fake problem naming no task'
splat known-splat '<4>WARNING: CPU: 0 PID: $$ at io_uring/fake.c:2 known_fn+0x1/0x2'
cp "$T/passing" "$K/quiet2"
printf 'zz/known-splat:kernel-health  *  selftest: a known kernel warning\n' > "$WORK/ktree/tests/known-issues"
KENV="IOU_DMESG=$TOP/harness/selftest/fake-dmesg FAKE_LOG=$WORK/fake-kmsg IOU_KMSG=$WORK/fake-kmsg"
hverdict() {	# hverdict PROGRAM VERDICT [REASON-SUBSTRING]
	grep -F "\"name\": \"zz/$1\"" "$R/latest/summary.json" | grep -F "\"verdict\": \"$2\"" | grep -qF -- "${3:-}"
}
for mode in markers clock nofollow; do
	: > "$WORK/fake-kmsg"
	case $mode in
	markers) extra= ;;
	clock) extra="IOU_KMSG=$WORK/no-such-dir/kmsg" ;;
	nofollow) extra="FAKE_NOFOLLOW=1" ;;
	esac
	# shellcheck disable=SC2086
	env $KENV $extra "$RUNNER" -d "$WORK/ktree/tests" -o "$R" -j 2 -x anonymous -x quiet2 > "$WORK/health.out" 2>&1
	hrc=$?
	F0=$FAILED
	check "[$mode] a kernel WARNING fails the run" [ "$hrc" = 1 ]
	check "[$mode] the WARNING is given to the task it names" hverdict warns fail "kernel problem during the run (task "
	check "[$mode] a splat naming a command is given to the program of that name" hverdict warns-by-command-name fail "(task warns-by-comman)"
	check "[$mode] the program beside them is not blamed" hverdict quiet pass
	check "[$mode] a known kernel problem is XFAIL" hverdict known-splat xfail "known issue: selftest: a known kernel warning"
	check "[$mode] the excerpt is in the KTAP" has_text "$WORK/health.out" "# kernel: WARNING: CPU: 0 PID:"
	check "[$mode] kernel-health result fails" has_text "$WORK/health.out" "selftests: iouring: kernel-health # kernel warnings or taint during the run"
	[ "$FAILED" = "$F0" ] || sed 's/^/#   /' "$WORK/health.out"
done
# a splat that names no task: every program whose window holds it, and
# only those (one job: the windows do not overlap)
: > "$WORK/fake-kmsg"
# shellcheck disable=SC2086
env $KENV "$RUNNER" -d "$WORK/ktree/tests" -o "$R" -j 1 anonymous quiet2 > "$WORK/health2.out" 2>&1
check "a splat naming no task is given to the program whose markers hold it" hverdict anonymous fail "kernel problem during the run"
check "the program before it is not blamed" hverdict quiet2 pass
: > "$WORK/fake-kmsg"
# shellcheck disable=SC2086
env $KENV "$RUNNER" -d "$WORK/ktree/tests" -o "$R" -j 1 known-splat quiet > "$WORK/health3.out" 2>&1
hrc=$?
check "only known kernel problems: the run passes" [ "$hrc" = 0 ]
check "only known kernel problems: kernel-health is XFAIL" has_text "$WORK/health3.out" "kernel-health # XFAIL known kernel problems during the run"
check "the run's markers are in the (fake) kernel log" sh -c "grep -c '^<7>iouring-tests: .* \(start\|end\) [12] zz/' '$WORK/fake-kmsg' | grep -qx 4"

# every known-issues key and README --exclude example names a real case of
# the built tree (a rename must not silently unmatch one)
TESTS=$(cd "$BIN/../../.." && pwd)/tests
if ls "$TESTS"/*/*.c >/dev/null 2>&1; then
	sh "$TOP/harness/selftest/known-keys.sh" "$TESTS" "$TOP/tests/known-issues" "$TOP/README.md" "$RUNNER" > "$WORK/keys.out" 2>&1
	krc=$?
	check "every known-issues key and README --exclude example matches a real case ($(tail -n 1 "$WORK/keys.out" | sed 's/^# //'))" [ "$krc" = 0 ]
	[ "$krc" = 0 ] || sed 's/^/#   /' "$WORK/keys.out"
	printf 'ring/ring-no-such-program  *  r\nring/ring-cq-overflow-nodrop-backlog:no_such_fixture.*  *  r\n' > "$WORK/bad-keys"
	sh "$TOP/harness/selftest/known-keys.sh" "$TESTS" "$WORK/bad-keys" /dev/null "$RUNNER" > "$WORK/badkeys.out" 2>&1
	brc=$?
	check "a key naming no program or no case is caught" sh -c "[ $brc != 0 ] && [ \$(grep -c 'matches\|no program' '$WORK/badkeys.out') = 2 ]"
else
	echo "# SKIP known-issues keys: the test programs are not built in $TESTS"
fi

# runner usage errors: one line, exit 2
"$RUNNER" --bogus > /dev/null 2> "$WORK/usage.err"; urc=$?
check "unknown option: exit 2" [ "$urc" = 2 ]
check "unknown option: one clear line" sh -c "[ \$(wc -l < '$WORK/usage.err') = 1 ] && grep -q \"unknown option '--bogus'\" '$WORK/usage.err'"
"$RUNNER" -d "$WORK/tree/tests" -o "$R" no-such-test > /dev/null 2> "$WORK/usage2.err"; urc=$?
check "unknown test: exit 2" [ "$urc" = 2 ]
check "unknown test: one clear line" sh -c "[ \$(wc -l < '$WORK/usage2.err') = 1 ] && grep -q \"no test matches 'no-such-test'\" '$WORK/usage2.err'"
"$RUNNER" -d "$WORK/tree/tests" -o "$WORK/no-results" -l 'zz/s*' > "$WORK/list.out" 2>&1
check "globs select programs" sh -c "[ \"\$(cat '$WORK/list.out' | tr '\n' ' ')\" = 'zz/short-plan zz/skipping zz/stray-exit ' ]"
printf 'zz/stray-exit\t500\nzz/short-plan\t20\n' > "$R/latest/durations.tsv"
"$RUNNER" -d "$WORK/tree/tests" -o "$R" -l 'zz/s*' > "$WORK/list2.out" 2>&1
check "--list gives the run order: unknown programs, then the longest first" sh -c "[ \"\$(cat '$WORK/list2.out' | tr '\n' ' ')\" = 'zz/skipping zz/stray-exit zz/short-plan ' ]"

# the QEMU runner's KERNEL=<version> resolution, from a made-up package list
check "vm runner: KERNEL versions name the right Debian packages (harness/vm/selftest.sh --resolve)" \
	sh "$TOP/harness/vm/selftest.sh" --resolve

echo "1..$N"
echo "# harness self-tests: $((N - FAILED)) of $N passed"
[ "$FAILED" -eq 0 ]
