# SPDX-License-Identifier: GPL-2.0
#
# The end of a run: loads every run's records (ktap.awk's .prog, .cases,
# .fixes, and the kernel-log attribution's notes), writes summary.json,
# junit.xml and durations.tsv, and prints the run's last KTAP lines
# (case totals, known issues, slowest programs, the missing-fix report).
#
#   awk -v st=STATEDIR -v runs=N -v out=RUNDIR -v envf=FILE -v klogf=FILE \
#       -v run_id=.. -v duration_cs=.. -v jobs=.. -v timeout=.. -v repeat=.. \
#       -v seed=.. -v prove=.. -v health=.. -v taint_end=.. -v host=.. \
#       -v timeout_scale=.. -f results.awk -f collect.awk
BEGIN {
	FS = "\t"
	M["run_id"] = run_id; M["duration_cs"] = duration_cs; M["jobs"] = jobs
	M["timeout"] = timeout; M["repeat"] = repeat; M["seed"] = seed; M["prove"] = prove
	M["health"] = health; M["taint_end"] = taint_end; M["host"] = host
	M["timeout_scale"] = timeout_scale
	while ((getline l < envf) > 0) {
		k = l; sub(/=.*/, "", k)
		if (!(k in env)) envk[++nenv] = k
		env[k] = substr(l, length(k) + 2)
	}
	while ((getline l < klogf) > 0) M["klog"] = M["klog"] (M["klog"] == "" ? "" : "\\n") l
	for (i = 1; i <= runs; i++) {
		p = st "/" i
		if ((getline l < (p ".prog")) <= 0) continue
		split(l, a, "\t")
		n = a[13]; prog[++np] = n
		pv[n] = a[1]; prc[n] = a[2]; pd[n] = a[3]; base[n] = a[12]
		getline pw[n] < (p ".prog"); getline punsafe[n] < (p ".prog")
		close(p ".prog")
		while ((getline l < (p ".cases")) > 0) {
			split(l, a, "\t"); j = ++nc[n]
			cv[n, j] = a[1]; cn[n, j] = a[2]; cd[n, j] = a[3]; cr[n, j] = a[4]; cg[n, j] = a[5]
		}
		close(p ".cases")
		while ((getline l < (p ".fixes")) > 0) {
			split(l, a, "\t"); k = ++nf[n]
			fc[n, k] = a[1]; fe[n, k] = a[2]; fg[n, k] = a[3]; fs[n, k] = a[4]
		}
		close(p ".fixes")
	}
	res_fix_collect()
	res_write_summary(out "/summary.json")
	res_write_junit(out "/junit.xml")
	# the durations that order the next run (longest first)
	for (i = 1; i <= np; i++) {
		n = prog[i]
		if (!(base[n] in dur) || pd[n] > dur[base[n]]) dur[base[n]] = pd[n]
	}
	for (b in dur) printf "%s\t%d\n", b, dur[b] > (out "/durations.tsv")
	for (i = 1; i <= np; i++) for (j = 1; j <= nc[prog[i]]; j++) t[cv[prog[i], j]]++
	printf "# cases: pass:%d fail:%d xfail:%d xpass:%d skip:%d\n", t["pass"], t["fail"], t["xfail"], t["xpass"], t["skip"]
	for (i = 1; i <= np; i++) {
		n = prog[i]
		if (pv[n] == "xfail" || pv[n] == "xpass") printf "# known issue: %s: %s: %s\n", n, toupper(pv[n]), pw[n]
	}
	print "# slowest programs:"
	for (k = 1; k <= 5 && k <= np; k++) {
		best = 0
		for (i = 1; i <= np; i++) if (!(i in shown) && (!best || pd[prog[i]] + 0 > pd[prog[best]] + 0)) best = i
		shown[best] = 1
		printf "#   %6.2fs %s\n", pd[prog[best]] / 100, prog[best]
	}
	res_fix_print()
}
