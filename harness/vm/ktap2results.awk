# SPDX-License-Identifier: GPL-2.0
#
# Rebuild results/<run>/ from the runner's KTAP stream as it came over the
# serial port, for a VM whose runner never finished (kernel crash, hang):
# ktap (the stream, completed), env, logs/ (each program's output, which
# the runner nests as '# ' lines), summary.json and junit.xml in the
# runner's schema.  Durations and exit statuses the stream does not carry
# are derived where it can be done (exit status from the verdict) or left
# at 0.  The program that was running when the kernel died, and those
# without a result, are failed with the reason.
#
#   awk -v out=DIR -v listf=SELECTED -v why=REASON -v run_id=ID \
#       -v suspect=COMM -f ktap2results.awk STREAM
#
# listf: the programs the runner selected, in its order (run_tests.sh -l).
# suspect: the command name (15 characters at most) of the task the oops
# named, used to tell which running program took the kernel down.
function jesc(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	gsub(/\t/, "\\t", s); gsub(/\r/, "", s)
	gsub(/[\001-\037]/, " ", s)
	return s
}
function q(s) { return "\"" jesc(s) "\"" }
function x(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s); gsub(/[\001-\010\013\014\016-\037]/, " ", s)
	return s
}
function logname(t) { gsub(/\//, "_", t); return out "/logs/" t ".log" }
function addprog(t, v, why) {
	if (!(t in pv)) prog[++np] = t
	pv[t] = v; pw[t] = why
}
# the program's own KTAP, from its log: its cases
function cases_of(t,    f, l, rest, num, name, d, dir, reason, v) {
	f = logname(t)
	nc[t] = 0
	while ((getline l < f) > 0) {
		if (l !~ /^(not )?ok [0-9]+ /) continue
		rest = l; sub(/^(not )?ok [0-9]+ /, "", rest)
		name = rest; dir = ""; reason = ""
		if (match(rest, / # [A-Za-z]+/)) {
			name = substr(rest, 1, RSTART - 1)
			d = substr(rest, RSTART + 3)
			dir = d; sub(/ .*/, "", dir); dir = toupper(dir)
			reason = d; sub(/^[^ ]*[ ]?/, "", reason)
		}
		if (l ~ /^not /) v = "fail"
		else if (dir == "SKIP") v = "skip"
		else if (dir == "XFAIL") v = "xfail"
		else if (dir == "XPASS") v = "xpass"
		else v = "pass"
		nc[t]++
		cn[t, nc[t]] = name; cv[t, nc[t]] = v; cr[t, nc[t]] = (v == "pass" ? "" : reason)
		cnt[t, v]++
		ct[v]++; ncases++
	}
	close(f)
}
BEGIN { cur = ""; nenv = 0; plan = "" }
{
	line = $0; sub(/\r$/, "", line)
	print line > (out "/ktap")
	if (line ~ /^# env: /) {
		kv = substr(line, 8); k = kv; sub(/: .*/, "", k); v = substr(kv, length(k) + 3)
		if (!(k in env)) envk[++nenv] = k
		env[k] = v
		print k "=" v > (out "/env")
		next
	}
	if (line ~ /^1\.\.[0-9]+$/ && plan == "") { plan = substr(line, 4) + 0; next }
	if (line ~ /^# selftests: [^ ]+: /) {
		cur = line; sub(/^# selftests: [^ ]+: /, "", cur)
		printf "" > logname(cur)
		next
	}
	if (line ~ /^(not )?ok [0-9]+ selftests: /) {
		t = line; sub(/^(not )?ok [0-9]+ selftests: [^ ]+: /, "", t)
		why_ = ""
		if (match(t, / # /)) { why_ = substr(t, RSTART + 3); t = substr(t, 1, RSTART - 1) }
		if (line ~ /^not /) v = "fail"
		else if (why_ ~ /^SKIP/) { v = "skip"; sub(/^SKIP ?/, "", why_) }
		else if (why_ ~ /^XFAIL/) { v = "xfail"; sub(/^XFAIL ?/, "", why_) }
		else if (why_ ~ /^XPASS/) { v = "xpass"; sub(/^XPASS ?/, "", why_) }
		else v = "pass"
		if (t != "") { addprog(t, v, why_); close(logname(t)) }
		nres++
		last = t; cur = ""
		next
	}
	if (cur != "" && line ~ /^#/) {
		if (index(line, "# warning: " cur " left files behind") == 1) next
		l = line; sub(/^# ?/, "", l)
		print l > logname(cur)
	}
}
END {
	# the runner stopped: the first program without a result was running
	# (or, with several jobs, one of the next few: the oops names it)
	n = 0; running = ""
	while ((getline t < listf) > 0) {
		all[++n] = t
		if (!(t in pv) && running == "") running = t
	}
	if (suspect != "")
		for (i = 1; i <= n; i++) {
			b = all[i]; sub(/.*\//, "", b)
			if (!(all[i] in pv) && substr(b, 1, 15) == suspect) { running = all[i]; break }
		}
	if (nenv == 0) printf "" > (out "/env")
	# programs ahead of the running one ran (workers take them in order)
	# but the runner had not reported them yet: their results are lost
	before = 1
	for (i = 1; i <= n; i++) {
		t = all[i]
		if (t == running) before = 0
		if (t in pv) continue
		if (t == running)
			addprog(t, "fail", why (suspect != "" ? " (oops in task " suspect ")" : "") " while this program ran")
		else if (before)
			addprog(t, "fail", "result lost: it ran, but " why " before the runner reported it")
		else	# (with several jobs it may have run, unreported)
			addprog(t, "fail", "no result: " why " before it ran or was reported")
	}
	# complete the stream: a result line for every program not reported
	close(out "/ktap")
	for (i = 1; i <= np; i++) {
		t = prog[i]
		if (i <= nres) continue
		printf "not ok %d selftests: iouring: %s # %s\n", i, t, pw[t] >> (out "/ktap")
	}
	# the runner's last result is the kernel's health over the run
	health = (plan > np)
	if (health)
		printf "not ok %d selftests: iouring: kernel-health # %s\n", np + 1, why >> (out "/ktap")
	printf "# vm: %s\n", why >> (out "/ktap")
	for (i = 1; i <= np; i++) { pt[pv[prog[i]]]++; cases_of(prog[i]) }
	printf "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:0\n", pt["pass"], pt["fail"] + health, pt["xfail"], pt["xpass"], pt["skip"] >> (out "/ktap")

	f = out "/summary.json"
	print "{" > f
	print "  \"schema\": 1," > f
	print "  \"suite\": \"iouring\"," > f
	print "  \"run_id\": " q(run_id) "," > f
	print "  \"duration_s\": 0.00," > f
	print "  \"jobs\": 0, \"timeout_s\": 0," > f
	print "  \"prove\": \"not used\"," > f
	print "  \"rebuilt_from_ktap\": " q(why) "," > f
	print "  \"kernel_health\": {\"verdict\": \"fail\", \"tainted_end\": \"unknown\", \"log\": " q(why) "}," > f
	print "  \"environment\": {" > f
	for (i = 1; i <= nenv; i++)
		printf "    %s: %s%s\n", q(envk[i]), q(env[envk[i]]), (i < nenv ? "," : "") > f
	print "  }," > f
	print "  \"totals\": {" > f
	printf "    \"programs\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d},\n", np, pt["pass"], pt["fail"], pt["skip"], pt["xfail"], pt["xpass"] > f
	printf "    \"cases\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d}\n", ncases, ct["pass"], ct["fail"], ct["skip"], ct["xfail"], ct["xpass"] > f
	print "  }," > f
	print "  \"programs\": [" > f
	for (i = 1; i <= np; i++) {
		t = prog[i]; area = t; sub(/\/.*/, "", area)
		rc = (pv[t] == "pass" ? 0 : pv[t] == "skip" ? 4 : 1)
		if (pw[t] ~ /^exit status [0-9]+$/) { rc = pw[t]; sub(/[^0-9]+/, "", rc) }
		printf "    {\"name\": %s, \"area\": %s, \"verdict\": %s, \"reason\": %s, \"exit_status\": %d, \"duration_s\": 0.00, \"counts\": {\"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d},\n", \
			q(t), q(area), q(pv[t]), q(pw[t]), rc, cnt[t, "pass"], cnt[t, "fail"], cnt[t, "skip"], cnt[t, "xfail"], cnt[t, "xpass"] > f
		printf "      \"cases\": [" > f
		for (j = 1; j <= nc[t]; j++)
			printf "%s        {\"name\": %s, \"verdict\": %s, \"duration_ms\": null, \"reason\": %s}", (j == 1 ? "\n" : ",\n"), q(cn[t, j]), q(cv[t, j]), q(cr[t, j]) > f
		printf "%s]}%s\n", (nc[t] ? "\n      " : ""), (i < np ? "," : "") > f
	}
	print "  ]" > f
	print "}" > f

	f = out "/junit.xml"
	tests = 0; fails = 0; skips = 0
	for (i = 1; i <= np; i++) {
		t = prog[i]
		if (!nc[t]) { tests++; fails += (pv[t] == "fail"); skips += (pv[t] == "skip"); continue }
		for (j = 1; j <= nc[t]; j++) { tests++; fails += (cv[t, j] == "fail" || cv[t, j] == "xpass"); skips += (cv[t, j] == "skip") }
		if (pv[t] == "fail" && !cnt[t, "fail"]) { tests++; fails++ }
	}
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > f
	printf "<testsuites name=\"iouring\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"0.00\">\n", tests, fails, skips > f
	for (i = 1; i <= np; i++) {
		t = prog[i]; cls = "iouring." t; gsub(/\//, ".", cls)
		extra = (pv[t] == "fail" && nc[t] && !cnt[t, "fail"])
		tt = (nc[t] ? nc[t] : 1) + extra
		ff = (nc[t] ? cnt[t, "fail"] + cnt[t, "xpass"] : pv[t] == "fail") + extra
		ss = (nc[t] ? cnt[t, "skip"] : pv[t] == "skip")
		printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" time=\"0.00\" hostname=\"%s\">\n", x(cls), tt, ff, ss, x(env["kernel_release"]) > f
		if (!nc[t]) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"0.00\">", x(cls), x(t) > f
			if (pv[t] == "fail") printf "<failure message=\"%s\"/>", x(pw[t]) > f
			else if (pv[t] == "skip") printf "<skipped message=\"%s\"/>", x(pw[t]) > f
			printf "</testcase>\n" > f
		}
		for (j = 1; j <= nc[t]; j++) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"0.000\">", x(cls), x(cn[t, j]) > f
			if (cv[t, j] == "fail") printf "<failure message=\"%s\"/>", x(cr[t, j] == "" ? "failed" : cr[t, j]) > f
			else if (cv[t, j] == "xpass") printf "<failure message=\"%s\"/>", x("unexpected pass: " cr[t, j]) > f
			else if (cv[t, j] == "skip") printf "<skipped message=\"%s\"/>", x(cr[t, j]) > f
			printf "</testcase>\n" > f
		}
		if (extra)
			printf "    <testcase classname=\"%s\" name=\"program\" time=\"0.00\"><failure message=\"%s\"/></testcase>\n", x(cls), x(pw[t]) > f
		printf "  </testsuite>\n" > f
	}
	printf "</testsuites>\n" > f
}
