#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build-time ABI self-check: every io_uring constant and struct that both
# include/iou_abi.h and the <linux/io_uring.h> on the include path define
# must have the same value and size.  Fails (exit 1) on any difference.
#
# usage: abi_check.sh OUTDIR CC [CFLAGS...]   (KHDR_INCLUDES go in CFLAGS)
#
# Names whose value is "the newest one" by design are not compared:
# the *_LAST sentinels and masks that grow with the ABI.
set -eu

out=$1; cc=$2; shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
tmp=$out/abi-check
rm -rf "$tmp"; mkdir -p "$tmp"

if ! printf '#include <linux/io_uring.h>\n' | $cc "$@" -E -x c - >/dev/null 2>&1; then
	echo "abi-check: no <linux/io_uring.h> on the include path; nothing to compare"
	exit 0
fi

# names: macros from -dM, enum members from the preprocessed text
names() {
	{
		printf '#include %s\n' "$1" | $cc "$@" -E -dM -x c - 2>/dev/null |
			awk '$1 == "#define" { sub(/\(.*/, "", $2); print $2 }'
		printf '#include %s\n' "$1" | $cc "$@" -E -P -x c - 2>/dev/null |
			awk '/enum[^;]*\{/ { inenum = 1 }
			     inenum { gsub(/[{},=]/, " "); for (i = 1; i <= NF; i++) print $i }
			     /\}/ { inenum = 0 }'
	} | grep -E '^(IORING_|IOSQE_|IO_URING_|IOU_PBUF_|SPLICE_F_FD_IN_FIXED|SOCKET_URING_OP_|IO_WQ_|ZCRX_)[A-Z0-9_]*$' |
		grep -vE '(_LAST|_H)$|^IORING_URING_CMD_MASK$' | sort -u
}

structs() {
	printf '#include %s\n' "$1" | $cc "$@" -E -P -x c - 2>/dev/null |
		grep -oE 'struct (io_uring_[a-z0-9_]+|io_[sc]qring_offsets|io_timespec|zcrx_[a-z0-9_]+) *\{' |
		sed 's/struct //; s/ *{//' | sort -u
}

# <linux/io_uring.h> and the sub-headers it does not include itself
# (query.h 6.18, bpf_filter.h 7.0, mock_file.h 6.17), where they exist
printf '#include <linux/io_uring.h>\n' > "$tmp/sys_all.h"
for sub in query bpf_filter mock_file; do
	if printf '#include <linux/io_uring/%s.h>\n' "$sub" | $cc "$@" -E -x c - >/dev/null 2>&1; then
		printf '#include <linux/io_uring/%s.h>\n' "$sub" >> "$tmp/sys_all.h"
	fi
done
hdr_sys="\"$tmp/sys_all.h\""
hdr_our='"iou_abi.h"'
names "$hdr_sys" "$@" > "$tmp/sys.names"
names "$hdr_our" -I"$here/include" "$@" > "$tmp/our.names"
structs "$hdr_sys" "$@" > "$tmp/sys.structs"
structs "$hdr_our" -I"$here/include" "$@" > "$tmp/our.structs"
comm -12 "$tmp/sys.names" "$tmp/our.names" > "$tmp/common.names"
comm -12 "$tmp/sys.structs" "$tmp/our.structs" |
	grep -vx 'io_uring_query_opcode' > "$tmp/common.structs" || true

gen() {
	printf '#include <stdio.h>\n#include %s\nint main(void)\n{\n' "$1"
	awk '{ printf "\tprintf(\"%%s %%lld\\n\", \"%s\", (long long)(%s));\n", $1, $1 }' "$tmp/common.names"
	awk '{ printf "\tprintf(\"struct %%s %%zu\\n\", \"%s\", sizeof(struct %s));\n", $1, $1 }' "$tmp/common.structs"
	printf '\treturn 0;\n}\n'
}

gen "$hdr_sys" > "$tmp/sys.c"
gen "$hdr_our" > "$tmp/our.c"
$cc "$@" -w -o "$tmp/sys" "$tmp/sys.c"
$cc -I"$here/include" "$@" -w -o "$tmp/our" "$tmp/our.c"

# our header must also coexist with a later #include <linux/io_uring.h>
printf '#include "iou_abi.h"\n#include %s\nint main(void) { return 0; }\n' "$hdr_sys" > "$tmp/both.c"
$cc -I"$here/include" "$@" -Werror -o "$tmp/both" "$tmp/both.c"

if [ -n "${CROSS_COMPILE:-}" ]; then
	echo "abi-check: cross build, values not compared"
	exit 0
fi
"$tmp/sys" > "$tmp/sys.values"
"$tmp/our" > "$tmp/our.values"
if ! diff -u "$tmp/sys.values" "$tmp/our.values" > "$tmp/diff"; then
	echo "abi-check: iou_abi.h disagrees with <linux/io_uring.h>:" >&2
	cat "$tmp/diff" >&2
	exit 1
fi
echo "abi-check: $(wc -l < "$tmp/common.names") constants and $(wc -l < "$tmp/common.structs") struct sizes agree with $(sed -n 's/#include //p' "$tmp/sys_all.h" | tr '\n' ' ' | sed 's/ $//')"
