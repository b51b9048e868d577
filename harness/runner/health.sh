# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The runner's kernel-health watch (sourced by run_tests.sh): kernel log
# lines and taint flags during the run, each problem given to the program
# that caused it (kernel-log.awk).  Reads ST, RUNDIR, RUN_ID, SUITE,
# PARTS, WATCH_KLOG, NRUNS; IOU_DMESG and IOU_KMSG replace dmesg and
# /dev/kmsg (the self-tests give a fake kernel log this way, never the
# host's).  Sets KLOG (1: watched), KLOG_NOTE, TAINT_END, HEALTH_VERDICT.
#
# Where /dev/kmsg is writable, every program's run is bracketed by start
# and end markers in the kernel log itself, so windows need no clock;
# elsewhere (not root, dmesg readable) windows are /proc/uptime times.
# With markers, `dmesg -w` follows the log with one process for the whole
# run; without markers or without -w (busybox) the log is read once per
# program.

KLOG=0 MARKS=0 FOLLOW=0 WATCH_AWK=awk
KMSG=${IOU_KMSG:-/dev/kmsg}
DMESG=${IOU_DMESG:-dmesg}
MARK="$SUITE-tests: $RUN_ID"
SLACK_POST=50	# centiseconds after a program's end: work the kernel finishes late

klog_setup() {
	KLOG_NOTE="not watched (--no-kernel-log)"
	[ "$WATCH_KLOG" = 1 ] || return 0
	if ! $DMESG -r > /dev/null 2>&1; then
		KLOG_NOTE="not readable by uid $(id -u) (needs root, or kernel.dmesg_restrict=0); only the taint flags are watched"
		return 0
	fi
	KLOG=1
	if [ -w "$KMSG" ] && printf '<7>%s run setup\n' "$MARK" >> "$KMSG" 2>/dev/null; then
		MARKS=1
		KLOG_NOTE="watched (program windows by /dev/kmsg markers)"
	else
		KLOG_NOTE="watched (program windows by the clock: /dev/kmsg is not writable)"
	fi
	# a follower can be waited for only up to a marker: without markers
	# the log is read once per program, before its result is printed
	[ "$MARKS" = 1 ] && $DMESG --help 2>&1 | grep -q -- --follow && FOLLOW=1
	# mawk reads a pipe in blocks unless told it is interactive
	WATCH_AWK=awk
	awk -W version 2>/dev/null | grep -q mawk && WATCH_AWK="awk -W interactive"
	return 0
}

klog_mark() {	# klog_mark start|end RUN PROGRAM
	[ "$MARKS" = 0 ] || printf '<7>%s %s %s %s\n' "$MARK" "$1" "$2" "$3" >> "$KMSG" 2>/dev/null
}

klog_watch() {	# the log since the run's start, filtered (kernel-log.awk watch)
	$WATCH_AWK -v mode=watch -v mark="$( [ "$MARKS" = 1 ] && echo "$MARK")" -v since="$KLOG_SINCE" \
		-v flag="$ST/klog.bad" -v seen="$ST/seen." -f "$PARTS/kernel-log.awk" -f "$PARTS/known.awk"
}

klog_start() {
	[ "$KLOG" = 1 ] || return 0
	now_cs; KLOG_SINCE=$((NOW - 5))
	[ "$MARKS" = 0 ] || printf '<7>%s run start\n' "$MARK" >> "$KMSG" 2>/dev/null
	[ "$FOLLOW" = 1 ] || return 0
	{ $DMESG -w -r 2>/dev/null & echo "$!" > "$ST/dmesg.pid"; wait; } < /dev/null | klog_watch > "$ST/klog.run" &
	BG="$BG $!"
}

# the log up to the end of run $1 before its result is printed: without a
# follower, read it now; with one, wait (briefly) until it has read the
# run's end marker
klog_sync() {
	[ "$KLOG" = 1 ] || return 0
	if [ "$FOLLOW" = 0 ]; then
		$DMESG -r 2>/dev/null | klog_watch > "$ST/klog.run"
	else
		n=0
		while [ ! -e "$ST/seen.$1" ] && [ "$n" -lt 100 ]; do
			sleep 0.02 2>/dev/null || sleep 1
			n=$((n + 1))
		done
	fi
}

# the run is over: the last lines, then every problem to its program
klog_finish() {
	TAINT_END=
	read -r TAINT_END < /proc/sys/kernel/tainted 2>/dev/null
	[ -n "$TAINT_END" ] || TAINT_END=unknown
	: > "$ST/health.tsv"
	: > "$RUNDIR/kernel.log"
	[ "$KLOG" = 1 ] || return 0
	if [ "$FOLLOW" = 1 ]; then	# with markers only
		printf '<7>%s run end\n' "$MARK" >> "$KMSG" 2>/dev/null
		n=0
		until grep -qF "$MARK run end" "$ST/klog.run" 2>/dev/null || [ "$n" -ge 50 ]; do
			sleep 0.1 2>/dev/null || sleep 1
			n=$((n + 1))
		done
		read -r p < "$ST/dmesg.pid" 2>/dev/null && kill "$p" 2>/dev/null
	else
		klog_sync
	fi
	awk -v mode=attribute -v mark="$MARK" -v st="$ST" -v runs="$NRUNS" \
		-v pidsdir="$SCRATCH/pids" -v knownf="$ST/known" -v post="$SLACK_POST" \
		-v excerptf="$RUNDIR/kernel.log" -f "$PARTS/kernel-log.awk" -f "$PARTS/known.awk" \
		"$ST/klog.run" > "$ST/health.tsv"
}

# a deferred run $1 (record read): its kernel problems and taint change
# become a "kernel-health" case; a known one is XFAIL
health_judge() {
	hf= hx= hnote= hex=
	if [ -f "$ST/$1.taint" ]; then hf=1; read -r hex < "$ST/$1.taint"; fi
	while IFS='	' read -r j v note ex; do
		[ "$j" = "$1" ] || continue
		if [ "$v" = fail ]; then hf=1; else hx=1; fi
		[ -n "$hnote" ] || hnote=$note
		hex="$hex${hex:+\\n}$ex"
	done < "$ST/health.tsv"
	[ -n "$hf$hx" ] || return 0
	hv=fail
	[ -n "$hf" ] || hv=xfail
	printf '%s\tkernel-health\t\tkernel problem%s\t%s\n' "$hv" "$hnote" "$hex" >> "$ST/$1.cases"
	printf '%s\n' "$hex" | awk '{ gsub(/\\n/, "\n# kernel: "); print "# kernel: " $0 }' >> "$ST/$1.block"
	if [ "$hv" = fail ]; then
		VERDICT=fail WHY="kernel problem during the run$hnote"
	elif [ "$VERDICT" = pass ] || [ "$VERDICT" = skip ]; then
		VERDICT=xfail WHY="known kernel problem during the run$hnote"
	fi
	{ IFS= read -r l1; read -r _; read -r u; read -r left; } < "$ST/$1.prog"
	printf '%s\t%s\n%s\n%s\n%s\n' "$VERDICT" "${l1#*	}" "$WHY" "$u" "$left" > "$ST/$1.prog"
	printf '%s\t%s\t%s\n' "$hv" "$LABEL" "$hnote" >> "$ST/health"
}

# the last result: the kernel's health over the whole run
health_result() {
	NUM=$((NUM + 1))
	: >> "$ST/health"
	while IFS='	' read -r j v note ex; do
		case " $DEFERRED " in *" $j "*) continue ;; esac
		if [ "$j" = 0 ]; then
			who= late=
		else
			read_record "$j"
			who=" $LABEL" late=" (after its result was printed)"
		fi
		printf '%s\t%s\t%s\n' "$v" "$who" "$note$late" >> "$ST/health"
	done < "$ST/health.tsv"
	hfails=$(grep -c '^fail' "$ST/health")
	if [ -s "$ST/health" ] || [ -s "$RUNDIR/kernel.log" ] ||
	   { [ "$TAINT_END" != "$TAINT0" ] && [ "$TAINT_END" != unknown ]; }; then
		sed 's/^/# /' "$RUNDIR/kernel.log"
		[ "$TAINT_END" = "$TAINT0" ] || echo "# taint: $TAINT0 -> $TAINT_END"
		while IFS='	' read -r v who note; do
			echo "# during:$who$note"
		done < "$ST/health"
		if [ "$hfails" = 0 ] && [ "$TAINT_END" = "$TAINT0" ] && [ -s "$ST/health" ]; then
			echo "ok $NUM selftests: $SUITE: kernel-health # XFAIL known kernel problems during the run"
			nxfail=$((nxfail + 1)) HEALTH_VERDICT=xfail
		else
			echo "not ok $NUM selftests: $SUITE: kernel-health # kernel warnings or taint during the run"
			nfail=$((nfail + 1)) HEALTH_VERDICT=fail
		fi
	elif [ "$KLOG" = 1 ]; then
		echo "ok $NUM selftests: $SUITE: kernel-health"
		npass=$((npass + 1)) HEALTH_VERDICT=pass
	else
		echo "ok $NUM selftests: $SUITE: kernel-health # SKIP kernel log $KLOG_NOTE"
		nskip=$((nskip + 1)) HEALTH_VERDICT=skip
	fi
}
