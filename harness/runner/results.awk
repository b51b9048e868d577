# SPDX-License-Identifier: GPL-2.0
#
# The writers of a run's results, shared by the runner (collect.awk) and
# the VM runner's rebuild from a KTAP stream (harness/vm/ktap2results.awk):
# summary.json, junit.xml and the missing-fix report, from one model the
# caller fills in:
#
#   M["run_id"], M["duration_cs"], M["jobs"], M["timeout"], M["repeat"],
#   M["seed"], M["prove"], M["timeout_scale"], M["rebuilt"], M["health"],
#   M["taint_end"], M["klog"] (lines joined by a literal \n), M["host"]
#   nenv, envk[i], env[k]                  the environment report
#   np, prog[i]                            the programs' names (labels), in order
#   pv[n] pw[n] prc[n] pd[n]               verdict, reason, exit status,
#                                          duration (centiseconds)
#   punsafe[n]                             its "# unsafe:" reason
#   nc[n]; cv cn cd cr cg [n, j]           its cases: verdict, name,
#                                          duration (ms or ""), reason, diagnostics
#   nf[n]; fc fe fg fs [n, k]              its fixes: commit, CVE, case glob, subject
#
# Text values may hold a literal \n for a line break.
function res_esc(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s)
	gsub(/\\\\n/, "\\n", s)
	gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s)
	gsub(/[\001-\037]/, " ", s)
	return s
}
function res_q(s) { return "\"" res_esc(s) "\"" }
function res_num(s) { return s == "" ? "null" : s + 0 }
function res_x(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s); gsub(/[\001-\010\013\014\016-\037]/, " ", s)
	return s
}
function res_body(s) { gsub(/\\n/, "\n", s); return res_x(s) }
function res_glob2re(g) {
	gsub(/[.+^$(){}|\\[\]]/, "\\\\&", g); gsub(/\*/, ".*", g); gsub(/\?/, ".", g)
	return "^" g "$"
}
function res_count(n, v,    j, c) {
	c = 0
	for (j = 1; j <= nc[n]; j++) c += (cv[n, j] == v)
	return c
}

# The verdict of fix k of program n from the cases it names: "failed"
# (the kernel lacks it, or has a broken backport), "missing-known" (the
# failure is a known issue), "passed", or "not-applicable" (its cases
# skipped).  A kernel problem during the program counts against every fix
# it declares, and so does a failure of the program as a whole.
function res_fix_verdict(n, k,    re, j, f, x, p, any) {
	re = res_glob2re(fg[n, k]); f = x = p = any = 0
	for (j = 1; j <= nc[n]; j++) {
		if (cn[n, j] != "kernel-health" && cn[n, j] !~ re) continue
		any++
		if (cv[n, j] == "fail") f++
		else if (cv[n, j] == "xfail") x++
		else if (cv[n, j] == "pass" || cv[n, j] == "xpass") p++
	}
	if (f) return "failed"
	if (pv[n] == "fail" && (!any || fg[n, k] == "*") && !res_count(n, "fail")) return "failed"
	if (x || (pv[n] == "xfail" && !any)) return "missing-known"
	if (p) return "passed"
	return "not-applicable"
}
function res_fix_rank(v) { return v == "failed" ? 4 : v == "missing-known" ? 3 : v == "passed" ? 2 : 1 }
# fixes across programs, by commit (or subject for a fix with no commit
# of its own): FR_n, fr_key[i], fr_v[key], fr_c/fr_e/fr_s[key], fr_p[key]
function res_fix_collect(    i, n, k, key, v) {
	FR_n = 0
	for (i = 1; i <= np; i++) {
		n = prog[i]
		for (k = 1; k <= nf[n]; k++) {
			v = res_fix_verdict(n, k); fv[n, k] = v
			key = (fc[n, k] != "-" ? fc[n, k] : fs[n, k])
			if (!(key in fr_v)) {
				fr_key[++FR_n] = key; fr_v[key] = v
				fr_c[key] = fc[n, k]; fr_e[key] = fe[n, k]; fr_s[key] = fs[n, k]; fr_p[key] = ""
			}
			if (res_fix_rank(v) > res_fix_rank(fr_v[key])) fr_v[key] = v
			if (index(" " fr_p[key] " ", " " n " ") == 0) fr_p[key] = fr_p[key] (fr_p[key] == "" ? "" : " ") n
		}
	}
}
# the report at the end of a run, as "# " lines on stdout
function res_fix_print(    i, key, t, c, v, j, names, labels) {
	if (!FR_n) return
	names[1] = "failed"; names[2] = "missing-known"; names[3] = "not-applicable"; names[4] = "passed"
	labels["failed"] = "FAILED (fix missing or backport broken)"; labels["missing-known"] = "missing, known issue"
	labels["not-applicable"] = "not applicable (skipped)"; labels["passed"] = "passed"
	for (i = 1; i <= FR_n; i++) t[fr_v[fr_key[i]]]++
	printf "# fixes: %d declared: %d passed, %d failed, %d missing (known), %d not applicable\n", \
		FR_n, t["passed"], t["failed"], t["missing-known"], t["not-applicable"]
	for (j = 1; j <= 4; j++) {
		v = names[j]
		for (i = 1; i <= FR_n; i++) {
			key = fr_key[i]
			if (fr_v[key] != v) continue
			printf "#   %-38s %s %s %s (%s)\n", labels[v] ":", fr_c[key], fr_e[key], fr_s[key], fr_p[key]
		}
	}
}
function res_fix_json(f,    i, j, key, v, names, first, sep) {
	names[1] = "passed"; names[2] = "failed"; names[3] = "missing-known"; names[4] = "not-applicable"
	print "  \"fix_report\": {" > f
	for (j = 1; j <= 4; j++) {
		v = names[j]; first = 1
		printf "    %s: [", res_q(v) > f
		for (i = 1; i <= FR_n; i++) {
			key = fr_key[i]
			if (fr_v[key] != v) continue
			printf "%s\n      {\"commit\": %s, \"cve\": %s, \"subject\": %s, \"programs\": %s}", (first ? "" : ","), \
				res_q(fr_c[key]), res_q(fr_e[key]), res_q(fr_s[key]), res_q(fr_p[key]) > f
			first = 0
		}
		printf "%s]%s\n", (first ? "" : "\n    "), (j < 4 ? "," : "") > f
	}
	print "  }," > f
}

function res_write_summary(f,    i, n, area, j, k, t, ncases, ct, pt, c) {
	for (i = 1; i <= np; i++) {
		n = prog[i]; pt[pv[n]]++
		for (j = 1; j <= nc[n]; j++) { ct[cv[n, j]]++; ncases++ }
	}
	print "{" > f
	print "  \"schema\": 2," > f
	print "  \"suite\": \"iouring\"," > f
	print "  \"run_id\": " res_q(M["run_id"]) "," > f
	printf "  \"duration_s\": %.2f,\n", M["duration_cs"] / 100 > f
	print "  \"jobs\": " (M["jobs"] + 0) ", \"timeout_s\": " (M["timeout"] + 0) ", \"timeout_scale\": " res_num(M["timeout_scale"]) \
		", \"repeat\": " (M["repeat"] == "" ? 1 : M["repeat"] + 0) ", \"shuffle_seed\": " res_num(M["seed"]) "," > f
	print "  \"prove\": " res_q(M["prove"] == "" ? "not used" : M["prove"]) "," > f
	if (M["rebuilt"] != "") print "  \"rebuilt_from_ktap\": " res_q(M["rebuilt"]) "," > f
	print "  \"environment\": {" > f
	for (i = 1; i <= nenv; i++)
		printf "    %s: %s%s\n", res_q(envk[i]), res_q(env[envk[i]]), (i < nenv ? "," : "") > f
	print "  }," > f
	print "  \"kernel_health\": {\"verdict\": " res_q(M["health"]) ", \"tainted_end\": " res_q(M["taint_end"]) ", \"log\": " res_q(M["klog"]) "}," > f
	print "  \"totals\": {" > f
	printf "    \"programs\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d},\n", np, pt["pass"], pt["fail"], pt["skip"], pt["xfail"], pt["xpass"] > f
	printf "    \"cases\": {\"total\": %d, \"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d}\n", ncases, ct["pass"], ct["fail"], ct["skip"], ct["xfail"], ct["xpass"] > f
	print "  }," > f
	res_fix_json(f)
	print "  \"programs\": [" > f
	for (i = 1; i <= np; i++) {
		n = prog[i]; area = n; sub(/\/.*/, "", area)
		printf "    {\"name\": %s, \"area\": %s, \"verdict\": %s, \"reason\": %s, \"exit_status\": %d, \"duration_s\": %.2f, \"counts\": {\"pass\": %d, \"fail\": %d, \"skip\": %d, \"xfail\": %d, \"xpass\": %d},\n", \
			res_q(n), res_q(area), res_q(pv[n]), res_q(pw[n]), prc[n], pd[n] / 100, \
			res_count(n, "pass"), res_count(n, "fail"), res_count(n, "skip"), res_count(n, "xfail"), res_count(n, "xpass") > f
		printf "      \"unsafe\": %s, \"fixes\": [", (punsafe[n] == "" ? "null" : res_q(punsafe[n])) > f
		for (k = 1; k <= nf[n]; k++)
			printf "%s{\"commit\": %s, \"cve\": %s, \"cases\": %s, \"subject\": %s, \"verdict\": %s}", (k > 1 ? ", " : ""), \
				res_q(fc[n, k]), res_q(fe[n, k]), res_q(fg[n, k]), res_q(fs[n, k]), res_q(fv[n, k]) > f
		printf "],\n" > f
		c = ""
		for (j = 1; j <= nc[n]; j++)
			c = c (j > 1 ? ",\n" : "") "        {\"name\": " res_q(cn[n, j]) ", \"verdict\": " res_q(cv[n, j]) \
				", \"duration_ms\": " res_num(cd[n, j]) ", \"reason\": " res_q(cr[n, j]) \
				((cv[n, j] == "xfail" || cv[n, j] == "xpass") ? ", \"known_issue\": true" : "") "}"
		printf "      \"cases\": [%s%s%s]}%s\n", (c == "" ? "" : "\n"), c, (c == "" ? "" : "\n      "), (i < np ? "," : "") > f
	}
	print "  ]" > f
	print "}" > f
	close(f)
}

function res_isfail(v) { return v == "fail" }
function res_write_junit(f,    i, n, j, k, tests, fails, skips, extra, cls, t, ff, s, fcnt) {
	for (i = 1; i <= np; i++) {
		n = prog[i]
		if (nc[n] == 0) { tests++; fails += res_isfail(pv[n]); skips += (pv[n] == "skip") }
		fcnt = 0
		for (j = 1; j <= nc[n]; j++) { tests++; fcnt += res_isfail(cv[n, j]); skips += (cv[n, j] == "skip") }
		fails += fcnt
		# a program that failed on its own (crash, timeout, bad KTAP) gets a case for that
		extra[n] = (nc[n] > 0 && pv[n] == "fail" && fcnt == 0)
		tests += extra[n]; fails += extra[n]
	}
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > f
	printf "<testsuites name=\"iouring\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.2f\">\n", tests, fails, skips, M["duration_cs"] / 100 > f
	for (i = 1; i <= np; i++) {
		n = prog[i]; cls = "iouring." n; gsub(/\//, ".", cls); gsub(/ /, "_", cls)
		t = (nc[n] ? nc[n] : 1) + extra[n]; ff = extra[n]; s = 0
		for (j = 1; j <= nc[n]; j++) { ff += res_isfail(cv[n, j]); s += (cv[n, j] == "skip") }
		if (!nc[n]) { ff = res_isfail(pv[n]); s = (pv[n] == "skip") }
		printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.2f\" hostname=\"%s\">\n", res_x(cls), t, ff, s, pd[n] / 100, res_x(M["host"]) > f
		if (nf[n] || punsafe[n] != "") {
			printf "    <properties>\n" > f
			for (k = 1; k <= nf[n]; k++)
				printf "      <property name=\"fix\" value=\"%s %s %s %s: %s\"/>\n", res_x(fc[n, k]), res_x(fe[n, k]), res_x(fg[n, k]), res_x(fs[n, k]), res_x(fv[n, k]) > f
			if (punsafe[n] != "") printf "      <property name=\"unsafe\" value=\"%s\"/>\n", res_x(punsafe[n]) > f
			printf "    </properties>\n" > f
		}
		if (!nc[n]) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.2f\">", res_x(cls), res_x(n), pd[n] / 100 > f
			if (pv[n] == "fail") printf "<failure message=\"%s\"/>", res_x(pw[n]) > f
			else if (pv[n] == "skip") printf "<skipped message=\"%s\"/>", res_x(pw[n]) > f
			else if (pv[n] == "xfail") printf "<system-out>%s</system-out>", res_x(pw[n]) > f
			printf "</testcase>\n" > f
		}
		for (j = 1; j <= nc[n]; j++) {
			printf "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">", res_x(cls), res_x(cn[n, j]), (cd[n, j] == "" ? 0 : cd[n, j] / 1000) > f
			if (cv[n, j] == "fail") printf "<failure message=\"%s\">%s</failure>", res_x(cr[n, j] == "" ? "failed" : cr[n, j]), res_body(cg[n, j]) > f
			else if (cv[n, j] == "skip") printf "<skipped message=\"%s\"/>", res_x(cr[n, j]) > f
			else if (cv[n, j] == "xfail" || cv[n, j] == "xpass") printf "<system-out>%s\n%s</system-out>", res_x(cr[n, j]), res_body(cg[n, j]) > f
			printf "</testcase>\n" > f
		}
		if (extra[n])
			printf "    <testcase classname=\"%s\" name=\"program\" time=\"%.2f\"><failure message=\"%s\"/></testcase>\n", res_x(cls), pd[n] / 100, res_x(pw[n]) > f
		printf "  </testsuite>\n" > f
	}
	printf "</testsuites>\n" > f
	close(f)
}
