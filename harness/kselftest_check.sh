#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prove the suite works as a kselftest target inside a real kernel tree:
# Debian's linux-source package is fetched once (cached in .vm/ksrc, never
# committed), only tools/testing/selftests' framework is extracted, the
# suite is copied in as tools/testing/selftests/iouring, and the kernel's
# own lib.mk and runners build, run, install and pack it.
#
# usage: harness/kselftest_check.sh [linux-source-X.Y package, default: newest installable]
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${IOU_CACHE:-$TOP/.vm}/ksrc
mkdir -p "$CACHE"
cd "$CACHE"

PKG=${1:-$(apt-cache search --names-only '^linux-source-[0-9.]+$' 2>/dev/null |
	awk '{ print $1 }' | sort -V | tail -n 1)}
[ -n "$PKG" ] || { echo "kselftest-check: no linux-source package known to apt (apt-get update?)"; exit 1; }
VER=${PKG#linux-source-}
K=$CACHE/linux-source-$VER
SELF=$K/tools/testing/selftests

if [ ! -f "$SELF/lib.mk" ]; then
	deb=$(ls "$CACHE"/"$PKG"_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		apt-get download "$PKG" >/dev/null 2>&1 || { echo "kselftest-check: cannot download $PKG"; exit 1; }
		deb=$(ls "$CACHE"/"$PKG"_*.deb | tail -n 1)
	fi
	echo "kselftest-check: extracting the selftests framework from $(basename "$deb")"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$VER.tar.xz" | tar -xJf - \
		--wildcards \
		"linux-source-$VER/scripts/subarch.include" \
		"linux-source-$VER/tools/testing/selftests/Makefile" \
		"linux-source-$VER/tools/testing/selftests/lib.mk" \
		"linux-source-$VER/tools/testing/selftests/kselftest*" \
		"linux-source-$VER/tools/testing/selftests/run_kselftest.sh" \
		"linux-source-$VER/tools/testing/selftests/*/Makefile" \
		"linux-source-$VER/tools/testing/selftests/*/*.c" \
		"linux-source-$VER/tools/testing/selftests/*/*.sh"
	rm -f "$deb"
fi

# the kernel's selftests must not already ship our program names
OURS=$(cd "$TOP/tests" && ls */*.c | sed 's|.*/||; s|\.c$||' | sort)
THEIRS=$(find "$SELF" -path "$SELF/iouring" -prune -o -type f \( -name '*.c' -o -name '*.sh' \) -print |
	sed 's|.*/||; s|\.[a-z]*$||' | sort -u)
CLASH=$(printf '%s\n' "$OURS" | comm -12 - "$(printf '%s\n' "$THEIRS" > "$CACHE/theirs.txt"; echo "$CACHE/theirs.txt")")
[ -z "$CLASH" ] || { echo "kselftest-check: program names already used in the kernel's selftests: $CLASH"; exit 1; }

# a copy of the suite as a selftests target (no build output, results, caches)
rm -rf "$SELF/iouring" "$SELF/kselftest_install"
mkdir -p "$SELF/iouring"
(cd "$TOP" && tar --exclude=./build --exclude=./results --exclude=./.vm --exclude=./.git \
	--exclude='./iouring-tests-*' -cf - .) | tar -xf - -C "$SELF/iouring"
(cd "$SELF/iouring" && find tests -type f ! -name '*.c' ! -name '*.h' ! -name known-issues -delete)

LOG=$CACHE/kselftest-run.log
make -s -C "$SELF" TARGETS=iouring run_tests > "$LOG" 2>&1 || true
n_prog=$(printf '%s\n' "$OURS" | wc -l)
n_res=$(grep -cE '^(not )?ok [0-9]+ selftests: iouring: ' "$LOG" || true)
[ "$n_res" = "$n_prog" ] || { tail -n 30 "$LOG"; echo "kselftest-check: run_tests reported $n_res of $n_prog programs"; exit 1; }
# a program failing in-tree must be a known issue of this kernel
fails=$(sed -n 's/^not ok [0-9]* selftests: iouring: \([^ ]*\).*/\1/p' "$LOG")
for f in $fails; do
	area=$(cd "$TOP/tests" && ls */"$f".c | sed 's|/.*||')
	if ! grep -qE "^$area/$f(:| )" "$TOP/tests/known-issues" 2>/dev/null; then
		grep -B 30 "selftests: iouring: $f\$" "$LOG" | tail -n 30
		echo "kselftest-check: $area/$f failed under the kernel's runner"
		exit 1
	fi
done

# header dependencies are tracked (LOCAL_HDRS): a touched header rebuilds its includers
touch "$SELF/iouring/include/iou_twin.h"
make -n -C "$SELF" TARGETS=iouring all 2>/dev/null | grep -q 'fs-reserved-sqe-fields' ||
	{ echo "kselftest-check: editing include/iou_twin.h would not rebuild the programs that include it"; exit 1; }

make -s -C "$SELF" TARGETS=iouring install > "$CACHE/kselftest-install.log" 2>&1
make -s -C "$SELF" TARGETS=iouring gen_tar >> "$CACHE/kselftest-install.log" 2>&1
TAR=$SELF/kselftest_install/kselftest-packages/kselftest.tar.gz
[ -f "$TAR" ] || { cat "$CACHE/kselftest-install.log"; echo "kselftest-check: gen_tar made no tarball"; exit 1; }
n_list=$(grep -c '^iouring:' "$SELF/kselftest_install/kselftest-list.txt")
[ "$n_list" = "$n_prog" ] || { echo "kselftest-check: kselftest-list.txt lists $n_list of $n_prog programs"; exit 1; }

# the packed tree runs through run_kselftest.sh on its own
X=$(mktemp -d)
tar -xzf "$TAR" -C "$X"
first=$(printf '%s\n' "$OURS" | head -n 1)
(cd "$X" && ./run_kselftest.sh -t "iouring:$first") > "$CACHE/kselftest-tar.log" 2>&1 || true
rm -rf "$X"
grep -qE "^ok 1 selftests: iouring: $first( # SKIP)?\$" "$CACHE/kselftest-tar.log" ||
	{ cat "$CACHE/kselftest-tar.log"; echo "kselftest-check: run_kselftest.sh from the tarball failed"; exit 1; }

make -s -C "$SELF" TARGETS=iouring clean > /dev/null 2>&1 || true
rm -rf "$SELF/iouring" "$SELF/kselftest_install"
echo "kselftest-check: $PKG: $n_prog programs built by lib.mk, run by run_tests ($(echo "$fails" | wc -w) known-issue failures), installed, packed by gen_tar, run from the tarball by run_kselftest.sh"
