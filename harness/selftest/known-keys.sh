#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every known-issues key names a real case of the built tree: its program
# exists and its case glob matches a case the program lists (-l), or is
# "kernel-health" (a splat during the program).  Every --exclude/-x example
# in the README selects a program.  A renamed program, fixture or case
# otherwise silently unmatches an entry.  Prints a line per key that
# matches nothing; exit 1 if there is one.
#
#   known-keys.sh TESTDIR KNOWN-ISSUES README RUNNER
set -u
TESTDIR=$1 KNOWN=$2 README=$3 RUNNER=$4
bad=0 keys=0
LISTS=$(mktemp -d "${TMPDIR:-/tmp}/iou-keys.XXXXXX") || exit 1
trap 'rm -rf "$LISTS"' EXIT
for key in $(awk '!/^[ \t]*(#|$)/ { print $1 }' "$KNOWN" | sort -u); do
	keys=$((keys + 1))
	prog=${key%%:*}
	glob='*'
	case $key in *:*) glob=${key#*:} ;; esac
	if [ ! -x "$TESTDIR/$prog" ]; then
		echo "known-issues: $key: no program $prog in $TESTDIR"
		bad=$((bad + 1))
		continue
	fi
	list=$LISTS/$(echo "$prog" | tr / _)
	[ -f "$list" ] || "$TESTDIR/$prog" -l > /dev/null 2> "$list"
	[ "$glob" = kernel-health ] && continue
	# shellcheck disable=SC2254
	if ! (while IFS= read -r c; do case $c in $glob) exit 0 ;; esac; done; exit 1) < "$list"; then
		echo "known-issues: $key: no case of $prog matches '$glob'"
		bad=$((bad + 1))
	fi
done
# README examples: ./run_tests.sh ... -x PAT / --exclude PAT / --exclude=PAT
for pat in $(sed -n "s/.*\(-x\|--exclude\)[ =]'\{0,1\}\([^ ']*\)'\{0,1\}.*/\2/p" "$README" | grep -v '^PAT' | sort -u); do
	keys=$((keys + 1))
	if ! sh "$RUNNER" -d "$TESTDIR" -l "$pat" > /dev/null 2>&1; then
		echo "README: --exclude '$pat' selects no program"
		bad=$((bad + 1))
	fi
done
echo "# $keys keys and examples, $bad matching nothing"
[ "$bad" = 0 ]
