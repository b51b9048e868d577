# SPDX-License-Identifier: GPL-2.0
#
# The verdict of one program from its KTAP output (its log), with the
# known issues applied to its cases.  One awk per program run:
#
#   awk -v rc=STATUS -v timedout=0|1 -v tmo=S -v dur_cs=CS -v start=CS \
#       -v end=CS -v taint=T -v left=FILES -v progname=AREA/PROG \
#       -v label=LABEL -v knownf=FILE -v out=PREFIX \
#       -f ktap.awk -f known.awk LOG
#
# knownf: the entries that hold on this kernel (known.awk's filter).
# Writes four records next to PREFIX:
#   .prog   line 1: verdict rc dur_cs start end taint pass fail skip xfail
#                   xpass program label (tab-separated, none empty)
#           line 2: the reason of the verdict; 3: the "# unsafe:" reason;
#           4: files the program left in its TMPDIR
#   .cases  a line a case: verdict name duration_ms reason diagnostics
#           (diagnostic lines joined by a literal \n)
#   .fixes  a line a "# fix:" declaration: commit cve case-glob subject
#   .block  the program's result block for the runner's KTAP, without
#           its result line: "# selftests: SUITE: LABEL", its output as
#           "# " lines, and a warning for files left behind
function flush_case(verdict, name, reason,    k) {
	k = known_match(name)
	if (k != "" && verdict == "fail") { verdict = "xfail"; reason = "known issue: " k; nxfail++; nfail--; nknown++ }
	else if (k != "" && verdict == "pass") { verdict = "xpass"; reason = "known issue now passes: " k; nxpass++; npass-- }
	gsub(/\t/, " ", reason)
	printf "%s\t%s\t%s\t%s\t%s\n", verdict, name, dur, reason, diag > (out ".cases")
	diag = ""; dur = ""
}
function err(msg) { if (error == "") error = msg }
BEGIN {
	plan = -1; expected = 1; ver = 0; error = ""; skipall = ""; unsafe = ""
	if (suite == "") suite = "iouring"
	known_load(knownf, progname)
	printf "" > (out ".cases"); printf "" > (out ".fixes")
	print "# selftests: " suite ": " label > (out ".block")
}
{
	line = $0
	sub(/\r$/, "", line)
	print "# " line > (out ".block")
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
		if (plan < 0 && line ~ /^# fix: /) {
			d = substr(line, 8); n = split(d, fx, " ")
			subj = d; sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", subj)
			if (n >= 3) printf "%s\t%s\t%s\t%s\n", fx[1], fx[2], fx[3], subj > (out ".fixes")
			next
		}
		if (plan < 0 && line ~ /^# unsafe: /) { unsafe = substr(line, 11); gsub(/\t/, " ", unsafe); next }
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
	if (verdict == "fail" && nfail == 0 && (k = known_match("*")) != "") { verdict = "xfail"; why = "known issue: " k " (" why ")" }
	gsub(/\t/, " ", why)
	if (left != "") print "# warning: " label " left files behind in TMPDIR: " left > (out ".block")
	printf "%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n%s\n%s\n%s\n", verdict, rc, dur_cs, start, end, \
		(taint == "" ? "unknown" : taint), npass + 0, nfail + 0, nskip + 0, nxfail + 0, nxpass + 0, \
		progname, label, why, unsafe, left > (out ".prog")
}
