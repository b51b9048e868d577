#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Kernel-observed interface coverage of a run: which opcodes the kernel
# completed successfully and with which errnos, and which CQE flag bits it
# set.  The kernel's own io_uring tracepoints are recorded with perf while
# the runner runs the suite (or the programs named): io_uring_submit_req
# and io_uring_req_failed name a request's opcode, io_uring_complete its
# result and CQE flags; requests are matched by ring and request address.
#
# usage: harness/tools/coverage.sh [run_tests.sh arguments...]
# needs: perf (Debian: linux-perf), root or kernel.perf_event_paranoid <= -1.
# Not part of make check: it measures, it does not judge.
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d "${TMPDIR:-/tmp}/iou-coverage.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

command -v perf >/dev/null 2>&1 || { echo "coverage: perf is not installed (apt-get install linux-perf)" >&2; exit 2; }
perf record -q -o "$OUT/perf.data" \
	-e io_uring:io_uring_submit_req -e io_uring:io_uring_req_failed \
	-e io_uring:io_uring_complete -- \
	"$TOP/run_tests.sh" -q -o "$OUT/results" "$@" > "$OUT/run.log" 2>&1 || true
tail -n 1 "$OUT/run.log"
# a failure of the run is named: the numbers below come from a run that failed
grep '^not ok' "$OUT/run.log" | grep -v -e '# SKIP' -e '# XFAIL' || true
perf script -i "$OUT/perf.data" 2>/dev/null | awk -v pairs="${COVERAGE_PAIRS:-}" '
function field(name,    i, v) {
	for (i = 1; i <= NF; i++)
		if ($i == name) { v = $(i + 1); sub(/,$/, "", v); return v }
	return ""
}
function hex(s,    i, c, v) {
	v = 0; sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		if (!c) break
		v = v * 16 + c - 1
	}
	return v
}
/io_uring_submit_req:|io_uring_req_failed:/ {
	key = field("ring") " " field("req")
	op[key] = field("opcode")
	submitted[op[key]] = 1
	next
}
/io_uring_complete:/ {
	key = field("ring") " " field("req")
	flags = hex(field("cflags"))
	for (b = 0; b < 16; b++)
		if (int(flags / 2 ^ b) % 2) bit[b] = 1
	# a CQE of no submitted request (MSG_RING on its target, a zero-copy
	# notification, a buffer tag) counts for its flags, not for an opcode
	if (!(key in op)) { orphans++; next }
	o = op[key]
	res = field("result") + 0
	if (res < 0) { err[o] = 1; pair[o " " sprintf("%d", -res)] = 1 } else ok[o] = 1
	# its last CQE (no F_MORE) ends it: the kernel reuses the address for
	# CQEs it posts without a submission (a MSG_RING on its target)
	if (int(flags / 2) % 2 == 0) delete op[key]
	next
}
function count(a,    k, n) { n = 0; for (k in a) n++; return n }
END {
	# an opcode number the kernel does not know is traced as INVALID: not an opcode
	if ("INVALID" in submitted) {
		delete submitted["INVALID"]; delete ok["INVALID"]; delete err["INVALID"]
		for (p in pair) if (p ~ /^INVALID /) delete pair[p]
		invalid = 1
	}
	print "opcodes submitted: " count(submitted)
	print "opcodes completed successfully: " count(ok)
	print "opcodes completed with an error: " count(err)
	print "(opcode, errno) pairs: " count(pair)
	for (o in submitted) if (!(o in err)) noerr = noerr " " o
	for (o in submitted) if (!(o in ok)) nook = nook " " o
	print "never an error:" noerr
	print "never a success:" nook
	print "invalid opcode numbers submitted: " (invalid ? "yes" : "no")
	print "CQEs of no submitted request: " (orphans + 0)
	names[0] = "F_BUFFER"; names[1] = "F_MORE"; names[2] = "F_SOCK_NONEMPTY"
	names[3] = "F_NOTIF"; names[4] = "F_BUF_MORE"; names[5] = "F_SKIP"; names[15] = "F_32"
	for (b = 0; b < 16; b++) if (b in bit) s = s " " (b in names ? names[b] : "bit" b)
	print "CQE flag bits seen:" s
	if (pairs != "") for (p in pair) print p > pairs
}'
