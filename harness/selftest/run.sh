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

# ---- the runner --------------------------------------------------------------------------
RUNNER=${IOU_RUNNER:-$TOP/run_tests.sh}
T=$WORK/tree/tests/zz
mkdir -p "$T"
cp "$BIN/st-checks-and-verdicts" "$T/failing-cases"
cp "$BIN/st-lowlevel-api" "$T/passing"
cp "$BIN/st-whole-program-skip" "$T/skipping"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nkill -SEGV $$\n' > "$T/crashing"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nexec sleep 60\n' > "$T/hanging"
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
"$RUNNER" -d "$WORK/tree/tests" -o "$R" -t 3 -j 4 -x whoami > "$WORK/runner.out" 2> "$WORK/runner.err"
rrc=$?
took=$(( $(date +%s) - start ))
O=$WORK/runner.out
J=$R/latest/summary.json
check "runner exits 1 when programs fail" [ "$rrc" = 1 ]
check "runner honours the program timeout (run took ${took}s)" [ "$took" -lt 20 ]
check "runner prints KTAP with a kernel-health result" sh -c "head -n 1 '$O' | grep -qx 'TAP version 13' && grep -qx '1..11' '$O' && grep -q '^[a-z ]* 11 selftests: iouring: kernel-health' '$O'"
verdict() {	# verdict PROGRAM VERDICT REASON-SUBSTRING
	grep -F "\"name\": \"zz/$1\"" "$J" | grep -F "\"verdict\": \"$2\"" | grep -qF -- "$3"
}
check "failing program: failed cases, known ones excepted" verdict failing-cases fail "10 of 20 cases failed"
check "known failing case is XFAIL" grep -qF '"name": "global.fail_segfault", "verdict": "xfail"' "$J"
check "crashing program: signal" verdict crashing fail "killed by signal 11"
check "hanging program: timeout" verdict hanging fail "timeout after 3 s"
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

# repeat, shuffle, run as another user
"$RUNNER" -d "$WORK/tree/tests" -o "$R" -q -r 3 passing whole-skip > "$WORK/repeat.out" 2>&1
check "--repeat runs each program N times" sh -c "grep -c 'selftests: iouring: zz/passing \[[123]/3\]' '$WORK/repeat.out' | grep -qx 6"
"$RUNNER" -d "$WORK/tree/tests" -l -s --seed 7 'zz/*' > "$WORK/shuffle1.out"
"$RUNNER" -d "$WORK/tree/tests" -l -s --seed 7 'zz/*' > "$WORK/shuffle2.out"
check "--seed makes a shuffled order reproducible" cmp -s "$WORK/shuffle1.out" "$WORK/shuffle2.out"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	"$RUNNER" -d "$WORK/tree/tests" -o "$R" -u nobody whoami > "$WORK/asuser.out" 2>&1
	check "--as-user runs programs as that user" has_text "$WORK/asuser.out" "# uid=$(id -u nobody)"
fi

# kernel health: a WARNING line in the kernel log during a program fails it
if [ "$(id -u)" = 0 ] && [ -w /dev/kmsg ] && dmesg -r >/dev/null 2>&1; then
	K=$WORK/ktree/tests/zz
	mkdir -p "$K"
	cp "$T/passing" "$K/quiet"
	printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "<3>WARNING: CPU: 0 PID: $$ at iouring-selftest: injected by the suite self-test, not a kernel problem" > /dev/kmsg\necho "ok 1 x"\n' > "$K/warns"
	chmod +x "$K/warns"
	# Run windows are in /proc/uptime time, log stamps in printk time; the
	# second pass has a dmesg whose clock runs 0.4 s ahead, as on a VM
	# restored from a snapshot, and the blame must not move.
	mkdir -p "$WORK/skewbin"
	{
		echo '#!/bin/sh'
		echo "$(command -v dmesg) \"\$@\" | awk '"
		cat <<-'AWK'
		match($0, /^<[0-9]+>\[ *[0-9.]+\]/) {
			p = substr($0, 1, RLENGTH); t = p
			sub(/\[.*/, "", p); sub(/^<[0-9]+>\[ */, "", t); sub(/\].*/, "", t)
			printf "%s[%12.6f]%s\n", p, t + 0.4, substr($0, RLENGTH + 1); next
		}
		{ print }'
		AWK
	} > "$WORK/skewbin/dmesg"
	chmod +x "$WORK/skewbin/dmesg"
	for dmesg_dir in "" "$WORK/skewbin:"; do
		pass=${dmesg_dir:+ (log clock 0.4 s ahead)}
		PATH="$dmesg_dir$PATH" "$RUNNER" -d "$WORK/ktree/tests" -o "$R" -j 2 > "$WORK/health.out" 2>&1
		hrc=$?
		HJ=$R/latest/summary.json
		F0=$FAILED
		check "a kernel WARNING fails the run$pass" [ "$hrc" = 1 ]
		check "the WARNING is attributed to the program that caused it$pass" sh -c \
			"grep -F '\"name\": \"zz/warns\"' '$HJ' | grep -qF 'kernel problem during the run'"
		check "the other program is not blamed$pass" sh -c \
			"grep -F '\"name\": \"zz/quiet\"' '$HJ' | grep -qF '\"verdict\": \"pass\"'"
		check "the excerpt is in the KTAP$pass" has_text "$WORK/health.out" "iouring-selftest: injected by the suite self-test"
		check "kernel-health result fails$pass" has_text "$WORK/health.out" "selftests: iouring: kernel-health # kernel warnings or taint during the run"
		[ "$FAILED" = "$F0" ] || sed 's/^/#   /' "$WORK/health.out"
	done
else
	echo "# SKIP kernel-log checks: need root and a writable /dev/kmsg"
fi

# runner usage errors: one line, exit 2
"$RUNNER" --bogus > /dev/null 2> "$WORK/usage.err"; urc=$?
check "unknown option: exit 2" [ "$urc" = 2 ]
check "unknown option: one clear line" sh -c "[ \$(wc -l < '$WORK/usage.err') = 1 ] && grep -q \"unknown option '--bogus'\" '$WORK/usage.err'"
"$RUNNER" -d "$WORK/tree/tests" -o "$R" no-such-test > /dev/null 2> "$WORK/usage2.err"; urc=$?
check "unknown test: exit 2" [ "$urc" = 2 ]
check "unknown test: one clear line" sh -c "[ \$(wc -l < '$WORK/usage2.err') = 1 ] && grep -q \"no test matches 'no-such-test'\" '$WORK/usage2.err'"
"$RUNNER" -d "$WORK/tree/tests" -o "$R" -l 'zz/s*' > "$WORK/list.out" 2>&1
check "globs select programs" sh -c "[ \"\$(cat '$WORK/list.out' | tr '\n' ' ')\" = 'zz/short-plan zz/skipping zz/stray-exit ' ]"

# the QEMU runner's KERNEL=<version> resolution, from a made-up package list
check "vm runner: KERNEL versions name the right Debian packages (harness/vm/selftest.sh --resolve)" \
	sh "$TOP/harness/vm/selftest.sh" --resolve

echo "1..$N"
echo "# harness self-tests: $((N - FAILED)) of $N passed"
[ "$FAILED" -eq 0 ]
