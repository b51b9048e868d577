#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ABI header against a newer kernel's uapi headers than the system's:
# Debian's linux-libc-dev of 7.3, the release include/iou_abi.h describes
# (trixie-backports), is fetched through the VM runner's private apt
# configuration (the system's sources stay untouched), unpacked under
# .vm/, and the build runs with KHDR_INCLUDES pointing at it: the ABI check
# compares every common constant and struct size, and every program must
# build with those headers on the include path.
#
# usage: harness/abi_check_newer.sh [package, default: linux-libc-dev/trixie-backports]
#        (linux-libc-dev/sid for whatever sid has now)
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
PKG=${1:-linux-libc-dev/trixie-backports}
deb=$(sh "$TOP/harness/vm/vm.sh" --download "$PKG")
dir=${VM_DIR:-$TOP/.vm}/headers/$(basename "$deb" .deb)
if [ ! -f "$dir/usr/include/linux/io_uring.h" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir"
fi
echo "abi-check-newer: $(basename "$deb")"
make -s -C "$TOP" OUTPUT="${VM_DIR:-$TOP/.vm}/build-newer-headers" \
	KHDR_INCLUDES="-isystem $dir/usr/include" -j"$(getconf _NPROCESSORS_ONLN)" all
