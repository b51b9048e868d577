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
#       -v suspect=COMM -f harness/runner/results.awk -f ktap2results.awk STREAM
#
# (results.awk: the runner's own writers of summary.json and junit.xml)
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
function cases_of(t,    f, l, rest, num, name, d, dir, reason, v, fx, k) {
	f = logname(t)
	nc[t] = 0
	while ((getline l < f) > 0) {
		if (l ~ /^# fix: / && !nc[t]) {
			d = substr(l, 8); split(d, fx, " "); k = ++nf[t]
			fc[t, k] = fx[1]; fe[t, k] = fx[2]; fg[t, k] = fx[3]
			fs[t, k] = d; sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", fs[t, k])
			continue
		}
		if (l ~ /^# unsafe: / && !nc[t]) { punsafe[t] = substr(l, 11); continue }
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

	for (i = 1; i <= np; i++) {
		t = prog[i]; pd[t] = 0
		prc[t] = (pv[t] == "pass" ? 0 : pv[t] == "skip" ? 4 : 1)
		if (pw[t] ~ /^exit status [0-9]+$/) { prc[t] = pw[t]; sub(/[^0-9]+/, "", prc[t]) }
	}
	M["run_id"] = run_id; M["rebuilt"] = why; M["health"] = "fail"; M["taint_end"] = "unknown"
	M["klog"] = why; M["host"] = env["kernel_release"]
	res_fix_collect()
	res_write_summary(out "/summary.json")
	res_write_junit(out "/junit.xml")
	res_fix_print()
}
