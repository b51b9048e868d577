# SPDX-License-Identifier: GPL-2.0
#
# The runner's kernel-health watch, in two steps.
#
# watch: filter `dmesg -r` (followed with -w, or read once) down to the
# lines of this run: "<centiseconds><TAB><kind><TAB><message>", kind M for
# the runner's own markers, B for a bad line (warning level or worse that
# looks like a kernel problem), C for the lines that follow one (its stack).
# The run starts at the marker "MARK run start" where the runner could
# write /dev/kmsg, else at the printk time SINCE (centiseconds).  FLAG is
# created at the first bad line, SEEN<run> at each run's end marker.
#
#   dmesg -r [-w] | awk -v mode=watch -v mark=TAG -v since=CS -v flag=FILE \
#       -v seen=PREFIX -f kernel-log.awk -f known.awk > RUNLOG
#
# attribute: give every splat (a B line and its C lines) to the program
# that caused it, in this order: the task it names ("PID: n" of a program
# or case process in PIDS, "Comm: iou-wrk-n"/"iou-sqp-n" of their io-wq or
# SQPOLL threads), the program whose name starts with the 15-character
# "Comm: x"; a splat naming another user task is nobody's in the run (but
# still fails the kernel-health result); only a splat naming no task (or
# a kernel thread) goes to the programs whose
# window holds it: between their start and end markers (by position in
# the log), or without markers by the clock, plus POST centiseconds after
# their end for work the kernel finishes late.  A splat that a
# known-issues entry covers (the program's case that ran it, or
# "kernel-health") is XFAIL.
#
#   awk -v mode=attribute -v mark=TAG -v st=DIR -v runs=N -v pidsdir=DIR \
#       -v knownf=KNOWN -v post=CS -v excerptf=FILE -f kernel-log.awk \
#       -f known.awk RUNLOG
#
# DIR/N.prog: ktap.awk's record of run N (program, label, start and end
# in /proc/uptime centiseconds); PIDSDIR/N: "pid program case" lines of
# run N (IOU_PID_LOG).  Prints "run<TAB>verdict<TAB>note<TAB>excerpt" a
# splat and program (verdict fail or xfail, excerpt lines joined by a
# literal \n; run 0 for a splat no program of the run can own); the
# excerpt of every splat goes to EXCERPTF.
function bad(msg) {
	return msg ~ /WARNING:|BUG:|Oops|general protection fault|KASAN:|UBSAN:|KFENCE:|kernel BUG at|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|blocked for more than|soft lockup|hard LOCKUP|rcu.*stall|refcount_t:|list_add corruption|list_del corruption|unreferenced object|io_uring|io-wq|iou-sqp|iou-wrk/
}
mode == "watch" {
	if (!match($0, /^<[0-9]+>\[ *[0-9]+\.[0-9]+\] /)) next
	hdr = substr($0, 1, RLENGTH); msg = substr($0, RLENGTH + 1)
	# kernel lines have facility 0, so <prio> is the level; syslog-style
	# output (busybox) also carries the facility: level = prio % 8
	prio = hdr; sub(/^</, "", prio); sub(/>.*/, "", prio); level = prio % 8
	ts = hdr; sub(/^<[0-9]+>\[ */, "", ts); sub(/\].*/, "", ts); cs = int(ts * 100)
	if (!on) {
		if (mark != "" ? index(msg, mark " run start") : cs >= since) on = 1
		else next
	}
	if (mark != "" && index(msg, mark " ") == 1) {
		print cs "\tM\t" msg; fflush()
		# tell the runner this run's end has been read
		if (seen != "" && split(substr(msg, length(mark) + 2), w, " ") >= 2 && w[1] == "end") {
			printf "" > (seen w[2]); close(seen w[2])
		}
		next
	}
	if (level > 4) { tail = 0; next }
	if (bad(msg)) {
		print cs "\tB\t" msg; tail = 8
		if (!flagged++) { printf "" > flag; close(flag) }
	} else if (tail > 0) {
		print cs "\tC\t" msg; tail--
	} else next
	fflush()
	next
}
# the splats of the log: nsp, sp_lines[s, i] (sp_len[s] lines), sp_at[s], sp_t[s]
function end_splat(    i) {
	if (sp_n == 0) return
	nsp++; sp_len[nsp] = sp_n; sp_at[nsp] = sp_pos; sp_t[nsp] = sp_cs
	for (i = 1; i <= sp_n; i++) sp_lines[nsp, i] = sp_line[i]
	sp_n = 0
}
function attribute(s,    i, owner, who, how, c, n, k, why, v, base, ncand, cand, j, foreign) {
	sp_n = sp_len[s]; sp_pos = sp_at[s]; sp_cs = sp_t[s]
	for (i = 1; i <= sp_n; i++) { sp_line[i] = sp_lines[s, i]; print sp_line[i] > excerptf }
	owner = ""; how = ""; c = ""
	for (i = 1; i <= sp_n && owner == ""; i++) {
		if (match(sp_line[i], /PID: [0-9]+/) && (substr(sp_line[i], RSTART + 5, RLENGTH - 5) in pid_run)) {
			n = substr(sp_line[i], RSTART + 5, RLENGTH - 5)
			owner = pid_run[n]; c = pid_case[n]; how = "task " n
		} else if (match(sp_line[i], /Comm: iou-(wrk|sqp)-[0-9]+/)) {
			n = substr(sp_line[i], RSTART, RLENGTH); sub(/.*-/, "", n)
			if (n in pid_run) { owner = pid_run[n]; c = pid_case[n]; how = "io_uring thread of task " n }
		}
	}
	for (i = 1; i <= sp_n && owner == ""; i++) {
		if (!match(sp_line[i], /Comm: [^ ]+/)) continue
		k = substr(sp_line[i], RSTART + 6, RLENGTH - 6)
		ncand = 0
		for (j = 1; j <= nruns; j++) {
			base = r_prog[j]; sub(/.*\//, "", base)
			if (substr(base, 1, 15) == k) cand[++ncand] = j
		}
		# a program run several times: the run whose window holds it
		for (j = 1; j <= ncand && ncand > 1; j++) if (in_window(cand[j])) { cand[1] = cand[j]; ncand = 1 }
		if (ncand >= 1) { owner = cand[1]; how = "task " k }
	}
	# a user task that is not of this run: another process's problem
	foreign = ""
	for (i = 1; i <= sp_n && owner == ""; i++) {
		if (match(sp_line[i], /PID: [0-9]+/)) foreign = substr(sp_line[i], RSTART + 5, RLENGTH - 5)
		if (match(sp_line[i], /Comm: [^ ]+/)) {
			k = substr(sp_line[i], RSTART + 6, RLENGTH - 6)
			if (k ~ /^(kworker|ksoftirqd|swapper|rcu|migration|kthreadd|irq\/|iou-wrk|iou-sqp)/) { foreign = ""; break }
			foreign = foreign " " k
		}
	}
	if (owner != "") {
		blame(owner, " (" how (c != "" && c != "-" ? ", case " c : "") ")", c)
	} else if (foreign != "") {
		blame(0, " (task " foreign ", not of this run)", "")
	} else {
		ncand = 0
		for (j = 1; j <= nruns; j++) if (in_window(j)) cand[++ncand] = j
		if (!ncand) blame(0, " (no program of the run)", "")
		for (j = 1; j <= ncand; j++) {
			why = ""
			for (k = 1; k <= ncand; k++) if (k != j) why = why " " r_label[cand[k]]
			blame(cand[j], " (it names no task of the run; " (why == "" ? "in its window)" : "ran concurrently with" why ")"), "")
		}
	}
}
function in_window(j) {
	if ((j in m_start) && (j in m_end))
		return sp_pos > m_start[j] && (sp_pos < m_end[j] || sp_cs <= m_end_cs[j] + post)
	return sp_cs >= r_start[j] - 5 && sp_cs <= r_end[j] + post
}
function blame(j, note, c,    k, v, ex, i) {
	known_n = 0
	if (j) known_load(knownf, r_prog[j])
	k = (c != "" && c != "-") ? known_match(c) : ""
	if (k == "") k = known_match("kernel-health")
	v = (k == "" ? "fail" : "xfail")
	ex = ""
	for (i = 1; i <= sp_n; i++) ex = ex (i > 1 ? "\\n" : "") sp_line[i]
	gsub(/\t/, " ", ex)
	printf "%d\t%s\t%s\t%s\n", j, v, note (k == "" ? "" : "; known issue: " k), ex
}
mode == "attribute" && FNR == 1 {
	FS = "\t"
	nruns = runs + 0
	for (j = 1; j <= nruns; j++) {
		f = st "/" j ".prog"
		if ((getline l < f) > 0) {
			split(l, a, "\t"); r_start[j] = a[4]; r_end[j] = a[5]; r_prog[j] = a[12]; r_label[j] = a[13]
		}
		close(f)
		f = pidsdir "/" j
		while ((getline l < f) > 0) { split(l, a, " "); pid_run[a[1]] = j; pid_case[a[1]] = a[3] }
		close(f)
	}
	printf "" > excerptf
	$0 = $0
}
mode == "attribute" {
	cs = $1; kind = $2; msg = $0; sub(/^[^\t]*\t[^\t]*\t/, "", msg)
	if (kind == "M") {
		end_splat()
		n = split(substr(msg, length(mark) + 2), w, " ")
		if (w[1] == "start") m_start[w[2] + 0] = FNR
		else if (w[1] == "end") { m_end[w[2] + 0] = FNR; m_end_cs[w[2] + 0] = cs }
		next
	}
	if (kind == "B") { end_splat(); sp_pos = FNR; sp_cs = cs }
	if (kind == "C" && sp_n == 0) next
	sp_line[++sp_n] = (kind == "C" ? "  " : "") msg
}
mode == "attribute" { next }
END {
	if (mode != "attribute") exit
	end_splat()
	for (s = 1; s <= nsp; s++) attribute(s)
}
