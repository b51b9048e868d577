# SPDX-License-Identifier: GPL-2.0
#
# The table of a kernel matrix (vm.sh --matrix): one line per kernel with
# its verdict counts, then every test whose verdict is not the same on
# every kernel, then every failure with its reason, then the missing-fix
# report: every declared fix and its verdict on each kernel.
#
#   awk -f matrix.awk MEMBERS
#
# MEMBERS: one line per kernel, "label<TAB>results-dir" (empty directory:
# the VM produced none).  Reads each directory's vm.json and summary.json,
# whose layout (one object per line) is the runner's.
function field(l, k,    v) {
	if (!match(l, "\"" k "\": \"([^\"\\\\]|\\\\.)*\"")) return ""
	v = substr(l, RSTART + length(k) + 5, RLENGTH - length(k) - 6)
	gsub(/\\"/, "\"", v)
	return v
}
function num(l, k) {
	if (!match(l, "\"" k "\": [0-9.]+")) return ""
	return substr(l, RSTART + length(k) + 4, RLENGTH - length(k) - 4)
}
# the diagnostics a failed case printed (its lines after its RUN line)
function excerpt(k, prog, cname,    f, l, buf, n, out, i, on) {
	f = prog; gsub(/\//, "_", f); f = d[k] "/logs/" f ".log"
	n = 0; on = 0
	while ((getline l < f) > 0) {
		if (l ~ /^#  RUN /) { on = (cname == "" || index(l, cname) > 0); n = 0; continue }
		if (l ~ /^not ok / && (cname == "" || index(l, " " cname) > 0)) break
		if (on || cname == "") buf[++n] = l
	}
	close(f)
	out = ""
	for (i = (n > 6 ? n - 5 : 1); i <= n; i++) out = out "\n             " buf[i]
	return out
}
function fshort(v) { return v == "passed" ? "passed" : v == "failed" ? "FAILED" : v == "missing-known" ? "known" : v == "not-applicable" ? "n/a" : "-" }
function short(v) { return v == "pass" ? "pass" : v == "fail" ? "FAIL" : v == "skip" ? "skip" : v == "" ? "-" : v }
BEGIN { FS = "\t" }
{
	k = ++nk; label[k] = $1; dir = $2; d[k] = dir
	status[k] = "no-result"; rel[k] = ""
	if (dir == "") next
	f = dir "/vm.json"
	while ((getline l < f) > 0) {
		if (l ~ /"status":/) status[k] = field(l, "status")
		if (l ~ /"release":/) rel[k] = field(l, "release")
		if (l ~ /"boot_to_first_test_s":/) boot[k] = num(l, "boot_to_first_test_s")
		if (l ~ /"vm_wall_s":/) wall[k] = num(l, "vm_wall_s")
	}
	close(f)
	f = dir "/summary.json"; prog = ""
	while ((getline l < f) > 0) {
		if (l ~ /^    "programs": \{/) {
			pp[k] = num(l, "pass"); pf[k] = num(l, "fail"); ps[k] = num(l, "skip")
		} else if (l ~ /^    "cases": \{/) {
			cp[k] = num(l, "pass"); cf[k] = num(l, "fail"); cs[k] = num(l, "skip"); cx[k] = num(l, "xfail")
		} else if (l ~ /^    \{"name": /) {
			prog = field(l, "name")
			key = prog
			if (!(key in known)) { known[key] = 1; keys[++nkeys] = key }
			v[key, k] = field(l, "verdict"); why[key, k] = field(l, "reason")
		} else if (l ~ /^    "(passed|failed|missing-known|not-applicable)": \[/) {
			fcat = l; sub(/^    "/, "", fcat); sub(/".*/, "", fcat)
		} else if (l ~ /^      \{"commit": /) {
			fk = field(l, "commit"); if (fk == "-") fk = field(l, "subject")
			if (!(fk in fixseen)) { fixseen[fk] = 1; fixes[++nfixes] = fk; fcve[fk] = field(l, "cve"); fsubj[fk] = field(l, "subject"); fcom[fk] = field(l, "commit") }
			fv[fk, k] = fcat
		} else if (l ~ /^        \{"name": /) {
			key = prog ": " field(l, "name")
			if (!(key in known)) { known[key] = 1; keys[++nkeys] = key }
			v[key, k] = field(l, "verdict"); why[key, k] = field(l, "reason")
			hascases[prog] = 1
		}
	}
	close(f)
}
END {
	printf "%-8s %-26s %-14s %6s %6s %6s %6s  %-13s %6s %7s\n", "kernel", "release", "status", "pass", "fail", "skip", "xfail", "programs p/f/s", "boot", "wall"
	for (k = 1; k <= nk; k++)
		printf "%-8s %-26s %-14s %6s %6s %6s %6s  %-13s %6s %7s\n", label[k], rel[k], status[k], \
			cp[k], cf[k], cs[k], cx[k], pp[k] "/" pf[k] "/" ps[k], \
			(boot[k] == "" ? "-" : boot[k] "s"), (wall[k] == "" ? "-" : wall[k] "s")
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		for (k = 2; k <= nk; k++) if (v[key, k] != v[key, 1]) differs[key] = 1
		if ((key in differs) && (p = index(key, ": ")) > 0) casediff[substr(key, 1, p - 1)] = 1
	}
	# a program whose cases all have the same verdicts is one line
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		if ((p = index(key, ": ")) == 0) continue
		prog = substr(key, 1, p - 1)
		vec = ""
		for (k = 1; k <= nk; k++) vec = vec "|" v[key, k]
		ncase[prog]++
		if (!(prog in pvec)) pvec[prog] = vec
		else if (pvec[prog] != vec) mixed[prog] = 1
	}
	ndiff = 0
	for (i = 1; i <= nkeys; i++) {
		key = keys[i]
		if (!(key in differs)) continue
		if ((p = index(key, ": ")) > 0) {
			prog = substr(key, 1, p - 1)
			if (!(prog in mixed)) continue
			label_ = key
		} else if (key in casediff) {
			if (key in mixed) continue
			label_ = key " (all " ncase[key] " cases)"
			split(substr(pvec[key], 2), cv_, "|")
		} else
			label_ = key
		if (!ndiff++) {
			printf "\ndifferences between kernels:\n%-70s", "test"
			for (k = 1; k <= nk; k++) printf " %8s", label[k]
			printf "\n"
		}
		printf "%-70s", (length(label_) > 70 ? substr(label_, 1, 67) "..." : label_)
		for (k = 1; k <= nk; k++)
			printf " %8s", short((key in casediff) && !(key in mixed) && index(key, ": ") == 0 ? cv_[k] : v[key, k])
		printf "\n"
	}
	if (!ndiff) printf "\nno differences between kernels\n"
	nfail = 0
	for (i = 1; i <= nkeys; i++)
		for (k = 1; k <= nk; k++) {
			key = keys[i]
			if (v[key, k] != "fail" && v[key, k] != "xpass") continue
			# a failed program with failed cases: the cases say it
			if ((key in hascases) && index(key, ": ") == 0 && why[key, k] ~ /cases failed$/) continue
			if (!nfail++) printf "\nfailures:\n"
			p = index(key, ": ")
			printf "  %-8s %s: %s%s\n", label[k], key, why[key, k], \
				(p ? excerpt(k, substr(key, 1, p - 1), substr(key, p + 2)) : excerpt(k, key, ""))
		}
	for (k = 1; k <= nk; k++)
		if (status[k] != "ok" && status[k] != "tests-failed")
			printf "  %-8s VM %s (see its console.log)\n", label[k], status[k]
	# the missing-fix report per kernel: which fixes each one lacks
	if (nfixes) {
		printf "\nfixes by kernel (passed, FAILED: missing or broken backport, known: missing, a known issue, n/a: skipped, -: not run):\n"
		printf "%-13s %-15s", "commit", "cve"
		for (k = 1; k <= nk; k++) printf " %8s", label[k]
		printf "  subject\n"
		for (i = 1; i <= nfixes; i++) {
			fk = fixes[i]
			printf "%-13s %-15s", fcom[fk], fcve[fk]
			for (k = 1; k <= nk; k++) printf " %8s", fshort(fv[fk, k])
			printf "  %s\n", fsubj[fk]
		}
		for (k = 1; k <= nk; k++) {
			n = 0
			for (i = 1; i <= nfixes; i++) n += (fv[fixes[i], k] == "failed" || fv[fixes[i], k] == "missing-known")
			printf "  %-8s lacks %d of %d fixes\n", label[k], n, nfixes
		}
	}
}
