#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the suite inside another kernel: boot it under QEMU (TCG) with a tiny
# initramfs (our static init, busybox, the statically built tests and
# run_tests.sh), bring the KTAP back over a serial port and leave
# results/<run>/ on the host as a host run would, plus console.log and
# vm.json.  With --matrix, do that for several kernels, two VMs at a time,
# and print one table.  Everything it downloads or builds stays under .vm/.
#
# POSIX sh; needs qemu-system-x86_64, cpio, gzip, dpkg-deb and apt-get
# (zstd, lz4 and xz are used where present).  See harness/vm/README.md.
set -u

ME=vm.sh
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VMDIR=${VM_DIR:-$TOP/.vm}
FLAVOUR=${VM_FLAVOUR:-cloud-amd64}

usage() {
	cat <<EOF
usage: $ME [options] [TEST...]
       $ME --matrix "KERNEL..." [options] [TEST...]
       $ME --fetch KERNEL...

Boots KERNEL under QEMU and runs the suite (or the TESTs: areas, programs
or globs, as for run_tests.sh) inside it; results go to results/<run>/.

KERNEL is a bzImage or vmlinux path, a Debian package name
(linux-image-6.1.0-56-cloud-amd64, linux-binary-7.3.4+deb13-cloud-amd64),
a version: 5.10, 6.1, 6.12, 7.3 ... (the newest Debian build of that series,
$FLAVOUR flavour), 6.1.170 (that upstream version, whatever the package's
ABI name), 7.3-rc or 7.3-rc7 (experimental), newest; or debug, debug-X.Y (a
kernel built from Debian's linux-source-X.Y with KASAN, lockdep and
harness/vm/debug.config; default: the newest X.Y).

      --kernel K      the kernel (default: \$KERNEL, else newest)
  -m, --matrix "K.."  several kernels, --parallel VMs at a time (\$KERNELS)
      --fetch         only resolve and cache the kernels given as arguments
      --resolve       only print the Debian package each kernel given names
      --download PKG  only download Debian package PKG (name[=version|/suite]) and print its .deb
  -j, --jobs N        programs at once inside the VM (default: 2 per vCPU)
  -t, --timeout S     per-program timeout on the host's scale (default 45);
                      multiplied by the emulation factor inside the VM
      --scale N       emulation factor for timeouts (default: \$VM_SCALE or 4)
  -o, --results DIR   where results/<run>/ goes (default: $TOP/results)
  -q, --quiet         print only result lines and the output of failures
  -l, --list          list the programs that would run and exit
  -x, --exclude PAT, -k, --known-issues FILE, -r, --repeat N, -s, --shuffle,
  --seed S, -u, --as-user USER (root or nobody), --no-kernel-log
                      passed to run_tests.sh in the VM
      --smp N         vCPUs (default 1; N>1 uses single-threaded TCG)
      --mem MB        guest memory (default 2048)
      --parallel N    VMs at once in a matrix (default 2)
      --no-build      use the static tree already in .vm/build
      --no-nvme       no emulated NVMe disk (and TMPDIR on tmpfs)
      --append ARGS   extra kernel command line
      --keep          keep the VM work directory (.vm/runs/...)
      --extra DIR     add DIR/<area>/<program> to the tree (to test this
                      runner itself: see harness/vm/selftest.sh)
      --io-uring-disabled
                      after the run, check in the guest that every program
                      of it skips with kernel.io_uring_disabled=1 and =2
                      (harness/selftest/io-uring-disabled.sh; a sysctl the
                      host's make check must not change; kernels >= 6.6)
  -h, --help          this text

Environment: KERNEL, KERNELS, VM_SCALE, VM_SMP, VM_MEM, VM_CPU, VM_FLAVOUR
(default cloud-amd64), VM_DIR (default .vm), VM_APPEND, VM_QEMU_ARGS,
VM_APT_MAX_AGE (seconds, default 86400), VM_WALL (seconds, whole VM),
VM_ENV (KEY=VALUE words for the runner's environment), VM_TCG_THREAD
(multi: parallel vCPUs with --smp, faster, but 1 boot in 17 failed).
Exit status: 0 nothing failed, 1 a test failed or the kernel crashed, hung
or did not boot, 2 bad usage or a setup problem.
EOF
}

die() {
	echo "$ME: $*" >&2
	exit 2
}

note() {
	echo "# vm: $*" >&2
}

now() {
	date +%s.%N | cut -c1-14
}

elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

# ---- options ---------------------------------------------------------------

KERNEL_SPEC=${KERNEL:-}
MATRIX=
MODE=test
DOWNLOAD=
JOBS=
TIMEOUT=45
SCALE=${VM_SCALE:-4}
SCALE_SET=${VM_SCALE:+1}
RESULTS=${IOU_RESULTS:-$TOP/results}
QUIET=0
LIST=0
SMP=${VM_SMP:-1}
# 2 GiB: a 1 GiB buffer registration that a kernel accepts must not OOM
MEM=${VM_MEM:-2048}
PARALLEL=2
BUILD=1
NVME=1
APPEND=${VM_APPEND:-}
KEEP=0
EXTRA=
POST_CHECK=${VM_IO_URING_DISABLED:-0}
RARGS=
KNOWN=
PATTERNS=
# internal: a matrix member writes its result directory here
RESULT_FILE=

need_arg() {
	[ $# -ge 2 ] && [ -n "$2" ] || die "option $1 needs an argument (see $ME --help)"
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) need_arg "$@"; KERNEL_SPEC=$2; shift ;;
	--kernel=*) KERNEL_SPEC=${1#*=} ;;
	-m|--matrix) need_arg "$@"; MATRIX=$2; MODE=matrix; shift ;;
	--matrix=*) MATRIX=${1#*=}; MODE=matrix ;;
	--fetch) MODE=fetch ;;
	--resolve) MODE=resolve ;;
	--download) need_arg "$@"; DOWNLOAD=$2; MODE=download; shift ;;
	-j|--jobs) need_arg "$@"; JOBS=$2; shift ;;
	--jobs=*) JOBS=${1#*=} ;;
	-t|--timeout) need_arg "$@"; TIMEOUT=$2; shift ;;
	--timeout=*) TIMEOUT=${1#*=} ;;
	--scale) need_arg "$@"; SCALE=$2; SCALE_SET=1; shift ;;
	-o|--results) need_arg "$@"; RESULTS=$2; shift ;;
	--results=*) RESULTS=${1#*=} ;;
	-q|--quiet) QUIET=1 ;;
	-x|--exclude|-r|--repeat|--seed|-u|--as-user)
		need_arg "$@"; RARGS="$RARGS
$1
$2"; shift ;;
	--exclude=*|--repeat=*|--seed=*|--as-user=*|-s|--shuffle|--no-kernel-log) RARGS="$RARGS
$1" ;;
	-k|--known-issues) need_arg "$@"; [ -r "$2" ] || die "cannot read known-issues file '$2'"
		KNOWN="$KNOWN $(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
	-l|--list) LIST=1 ;;
	-d|--dir) die "--dir: the VM runs the static tree it builds in $VMDIR/build" ;;
	--no-prove) ;;
	--smp) need_arg "$@"; SMP=$2; shift ;;
	--mem) need_arg "$@"; MEM=$2; shift ;;
	--parallel) need_arg "$@"; PARALLEL=$2; shift ;;
	--no-build) BUILD=0 ;;
	--no-nvme) NVME=0 ;;
	--append) need_arg "$@"; APPEND="$APPEND $2"; shift ;;
	--keep) KEEP=1 ;;
	--extra) need_arg "$@"; EXTRA=$(cd "$2" && pwd) || die "no directory '$2'"; shift ;;
	--io-uring-disabled) POST_CHECK=1 ;;
	--result-file) need_arg "$@"; RESULT_FILE=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; PATTERNS="$PATTERNS $*"; break ;;
	-*) die "unknown option '$1' (see $ME --help)" ;;
	*) PATTERNS="$PATTERNS $1" ;;
	esac
	shift
done

for v in TIMEOUT SCALE SMP MEM PARALLEL; do
	eval "x=\$$v"
	case $x in ''|*[!0-9]*|0) die "$(echo "$v" | tr A-Z a-z) must be a positive number: '$x'" ;; esac
done
# two programs per vCPU: they spend a third of their time waiting on timers
# (measured on 6.1: 147 s with one at a time, 97 s with two, same verdicts)
[ -z "$JOBS" ] && JOBS=${VM_JOBS:-$((SMP * 2))}
case $JOBS in ''|*[!0-9]*|0) die "jobs must be a positive number: '$JOBS'" ;; esac
[ "$MODE" = matrix ] && [ -z "$MATRIX" ] && MATRIX=${KERNELS:-}
[ "$MODE" = test ] && [ -z "$KERNEL_SPEC" ] && KERNEL_SPEC=newest

mkdir -p "$VMDIR" || die "cannot create $VMDIR"
VMDIR=$(cd "$VMDIR" && pwd)

# ---- tools -------------------------------------------------------------------

need_tools() {
	missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	[ -z "$missing" ] && return 0
	die "missing tools:$missing (apt-get install --no-install-recommends qemu-system-x86 cpio busybox-static zstd lz4)"
}

# ---- a private apt configuration (never touches /etc/apt) ------------------

APTDIR=$VMDIR/apt
APT_OPTS=

apt_config() {
	[ -n "$APT_OPTS" ] && return 0
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/empty" || return 1
	src=/etc/apt/sources.list.d/debian.sources
	mirror=$(awk '/^URIs:/ { print $2; exit }' "$src" 2>/dev/null)
	sec=$(awk '/^URIs:/ { u = $2 } END { print u }' "$src" 2>/dev/null)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	case $sec in *security*) ;; *) sec=http://deb.debian.org/debian-security ;; esac
	k=/usr/share/keyrings/debian-archive-keyring.gpg
	# (its own file name: runners of older trees share .vm/apt and write
	# sources.list without experimental)
	list=$APTDIR/sources.vm.list
	{
		# experimental: the release candidates (KERNEL=7.3-rc)
		for s in bookworm bookworm-backports trixie trixie-backports sid experimental bullseye; do
			echo "deb [signed-by=$k] $mirror $s main"
		done
		for s in bookworm-security trixie-security bullseye-security; do
			echo "deb [signed-by=$k] $sec $s main"
		done
	} > "$list.new"
	if ! cmp -s "$list.new" "$list" 2>/dev/null; then
		mv "$list.new" "$list"
		rm -f "$APTDIR/updated"
	else
		rm -f "$list.new"
	fi
	APT_OPTS="-o Dir::Etc::SourceList=$list -o Dir::Etc::SourceParts=$APTDIR/empty
		-o Dir::State::Lists=$APTDIR/lists -o Dir::Cache=$APTDIR/cache
		-o Dir::Cache::pkgcache=$APTDIR/cache/pkgcache.bin
		-o Dir::Cache::srcpkgcache=
		-o Dir::State::status=$APTDIR/empty/status -o APT::Sandbox::User=root
		-o Debug::NoLocking=1 -q"
	: > "$APTDIR/empty/status"
}

# refresh the package lists once they are older than VM_APT_MAX_AGE
apt_update() {
	[ -n "${VM_KERNEL_INDEX:-}" ] && return 0
	apt_config || return 1
	age=${VM_APT_MAX_AGE:-86400}
	if [ -f "$APTDIR/updated" ] &&
	   [ $(($(date +%s) - $(stat -c %Y "$APTDIR/updated"))) -lt "$age" ] && apt_lists_complete; then
		return 0
	fi
	note "updating the private package lists in $APTDIR"
	# shellcheck disable=SC2086
	if apt-get $APT_OPTS update > "$APTDIR/update.log" 2>&1; then
		touch "$APTDIR/updated"
		return 0
	fi
	tail -n 5 "$APTDIR/update.log" >&2
	[ -d "$APTDIR/lists" ] && ls "$APTDIR/lists" | grep -q _Packages && {
		note "apt-get update failed; using the package lists already there"
		return 0
	}
	return 1
}

# every suite of the sources has its lists (another tree's runner may have
# updated the shared lists from a shorter sources.list)
apt_lists_complete() {
	for s in $(awk '/^deb / { print $4 }' "$APTDIR/sources.vm.list"); do
		ls "$APTDIR/lists" 2>/dev/null | grep -q "_dists_${s}_InRelease\$" || return 1
	done
}

# "package<TAB>version<TAB>suite" for every kernel package of FLAVOUR in
# the lists (linux-image-* and, from 6.19 on, linux-binary-*)
kernel_index() {
	# a fixed list instead of apt's (the runner's self-test)
	[ -n "${VM_KERNEL_INDEX:-}" ] && { cat "$VM_KERNEL_INDEX"; return; }
	# shellcheck disable=SC2086
	names=$( { apt-cache $APT_OPTS pkgnames linux-image-; apt-cache $APT_OPTS pkgnames linux-binary-; } 2>/dev/null |
		grep -E "^linux-(image|binary)-[0-9].*-$FLAVOUR\$" | sort -u)
	[ -n "$names" ] || return 0
	# shellcheck disable=SC2086
	apt-cache $APT_OPTS madison $names 2>/dev/null |
		awk -F ' *[|] *' '{ gsub(/^ +| +$/, "", $1); n = split($3, w, " "); split(w[2], d, "/"); print $1 "\t" $2 "\t" d[1] }'
}

# SPEC and FLAVOUR -> "package<TAB>version" of the newest build that SPEC
# names, from kernel_index lines on stdin.  SPEC: newest; a series (6.1:
# release candidates aside); an upstream version (6.1.170, whatever ABI
# name Debian gives the package: linux-image-6.1.0-47-*); a series' release
# candidates (7.3-rc: the newest; 7.3-rc7: that one).  The newest by
# upstream version, then Debian revision; linux-binary-* (the kernel
# itself from 6.19 on) over a linux-image-* of the same version.
pick_kernel() {
	awk -F '\t' -v spec="$1" -v fl="$2" '
	function upstream(v) {
		sub(/^[0-9]+:/, "", v)
		if (match(v, /-[^-]*$/)) v = substr(v, 1, RSTART - 1)
		return v
	}
	$1 ~ /^linux-(image|binary)-[0-9]/ && substr($1, length($1) - length(fl)) == "-" fl {
		u = upstream($2); rc = u ~ /~rc/
		if (spec == "newest" || spec == "latest") ok = !rc
		else if (spec ~ /^[0-9]+\.[0-9]+$/) ok = !rc && index(u ".", spec ".") == 1
		else if (spec ~ /^[0-9]+\.[0-9]+\.[0-9]+$/) ok = u == spec
		else if (spec ~ /^[0-9]+\.[0-9]+-rc$/) ok = index(u, substr(spec, 1, length(spec) - 3) "~rc") == 1
		else if (spec ~ /^[0-9]+\.[0-9]+-rc[0-9]+$/) { s = spec; sub(/-rc/, "~rc", s); ok = u == s }
		else ok = 0
		if (ok) print u "\t" $2 "\t" ($1 ~ /^linux-binary-/) "\t" $1
	}' | sort -t "$(printf '\t')" -k1,1V -k2,2V -k3,3n | tail -n 1 | awk -F '\t' 'NF { print $4 "\t" $2 }'
}

# SPEC is a version pick_kernel understands (else one line why not)
version_spec_ok() {
	case $1 in
	newest|latest) return 0 ;;
	*[!0-9.rc-]*|*.*.*.*|*-*-*) ;;
	[0-9]*.[0-9]*-rc|[0-9]*.[0-9]*-rc[0-9]*) case ${1%-rc*} in *[!0-9.]*|*.*.*) ;; *) return 0 ;; esac ;;
	[0-9]*.[0-9]*) case $1 in *[!0-9.]*|*.) ;; *) return 0 ;; esac ;;
	esac
	echo "$ME: '$1' is not a kernel version (5.10, 6.1.170, 7.3-rc, 7.3-rc7, newest)" >&2
	return 1
}

# one line on what the lists do have for SPEC's series (kernel_index on stdin)
kernel_hint() {
	awk -F '\t' -v spec="$1" -v fl="$2" '
	$1 ~ /^linux-(image|binary)-[0-9]/ && substr($1, length($1) - length(fl)) == "-" fl {
		u = $2; sub(/^[0-9]+:/, "", u); if (match(u, /-[^-]*$/)) u = substr(u, 1, RSTART - 1)
		split(spec, a, /[.-]/); split(u, b, /[.~]/)
		if (a[1] "." a[2] == b[1] "." b[2]) print u
	}' | sort -uV | awk -v spec="$1" '{ v[++n] = $0 }
	END {
		split(spec, a, /[.-]/)
		if (!n) { print "Debian has no " a[1] "." a[2] " kernel"; exit }
		printf "Debian has %d %s.%s version%s", n, a[1], a[2], (n > 1 ? "s" : "")
		if (n <= 6) { printf ":"; for (i = 1; i <= n; i++) printf " %s", v[i] }
		else printf ": %s %s %s ... %s %s", v[1], v[2], v[3], v[n - 1], v[n]
		print ""
	}'
}

# ---- kernels --------------------------------------------------------------------

# decompress the ELF vmlinux out of a bzImage, for PVH boot (no
# decompressor running under emulation)
extract_vmlinux() {
	img=$1 out=$2
	for m in "28b52ffd zstd" "fd377a585a00 xz" "02214c18 lz4" "1f8b08 gzip"; do
		magic=${m% *} tool=${m#* }
		command -v "$tool" >/dev/null 2>&1 || continue
		pat=$(echo "$magic" | sed 's/../\\x&/g')
		for off in $(LC_ALL=C grep -obUaP "$pat" "$img" 2>/dev/null | cut -d: -f1 | head -n 4); do
			tail -c +$((off + 1)) "$img" | "$tool" -dc > "$out.tmp" 2>/dev/null
			if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

# unpack PKG's kernel and config into directory $2; 1 if it holds none
unpack_kernel_deb() {
	deb=$1 dir=$2
	mkdir -p "$dir/x" || return 1
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/x" --wildcards \
		'./boot/vmlinuz-*' './boot/config-*' \
		'./usr/lib/modules/*/vmlinuz' './usr/lib/modules/*/config' 2>/dev/null
	k=$(find "$dir/x" -type f \( -name 'vmlinuz*' \) | head -n 1)
	c=$(find "$dir/x" -type f -name 'config*' | head -n 1)
	if [ -z "$k" ]; then
		rm -rf "$dir/x"
		return 1
	fi
	mv "$k" "$dir/vmlinuz" && { [ -z "$c" ] || mv "$c" "$dir/config"; }
	rm -rf "$dir/x"
}

# ---- a debug kernel built from Debian's linux-source-X.Y ----------------------

# the newest series Debian ships linux-source for (release candidates aside)
debug_series_newest() {
	# shellcheck disable=SC2086
	for s in $(apt-cache $APT_OPTS pkgnames linux-source- 2>/dev/null |
			sed -n 's/^linux-source-\([0-9][0-9.]*\)$/\1/p' | sort -rV); do
		v=$(apt-cache $APT_OPTS policy "linux-source-$s" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		case $v in ''|'(none)'|*rc*) continue ;; esac
		echo "$s"
		return 0
	done
	return 1
}

# KDIR for a kernel built from Debian's linux-source-$1 (x86_64_defconfig
# with harness/vm/debug.config merged on), cached under kernels/ by source
# version and fragment hash; the object tree under kbuild/ is kept, so a
# changed fragment rebuilds only what it touches
build_debug_kernel() {
	series=$1
	apt_update || { echo "$ME: cannot reach Debian's package lists for linux-source-$series" >&2; return 1; }
	[ -n "$series" ] || series=$(debug_series_newest) ||
		{ echo "$ME: Debian's package lists have no linux-source-X.Y" >&2; return 1; }
	src_pkg=linux-source-$series
	# shellcheck disable=SC2086
	ver=$(apt-cache $APT_OPTS policy "$src_pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	case $ver in ''|'(none)')
		echo "$ME: no Debian package $src_pkg for KERNEL=debug-$series (series with sources: $(apt-cache $APT_OPTS pkgnames linux-source- 2>/dev/null | sed -n 's/^linux-source-\([0-9][0-9.]*\)$/\1/p' | sort -V | tr '\n' ' '))" >&2
		return 1 ;;
	esac
	frag=$HERE/debug.config
	vtag=$(echo "$ver" | tr -c 'A-Za-z0-9.+\n-' _)
	key=$( { cat "$frag"; gcc --version | head -n 1; } | cksum | cut -d' ' -f1)
	KDIR=$VMDIR/kernels/debug-$series-$vtag-$key
	[ -f "$KDIR/info" ] && return 0
	need_tools make gcc flex bison bc perl dpkg-deb xz
	[ -f /usr/include/libelf.h ] || die "building a kernel needs libelf-dev (apt-get install --no-install-recommends flex bison bc libelf-dev libssl-dev)"
	obj=$VMDIR/kbuild/debug-$series-$vtag
	mkdir -p "$obj" || return 1
	# an hour's build must not hold up the other runs on .vm/: it has
	# its own lock (a second run waits for it, then finds the kernel)
	unlock
	exec 8> "$obj/lock"
	command -v flock > /dev/null 2>&1 && flock 8
	build_debug_kernel_locked
	brc=$?
	exec 8>&-
	lock
	return $brc
}

build_debug_kernel_locked() {
	[ -f "$KDIR/info" ] && return 0
	srcdir=$VMDIR/src/$src_pkg-$vtag
	if [ ! -f "$srcdir/Makefile" ]; then
		rm -rf "$srcdir" "$VMDIR/src/dl"
		mkdir -p "$VMDIR/src/dl" || return 1
		note "fetching $src_pkg $ver"
		# shellcheck disable=SC2086
		(cd "$VMDIR/src/dl" && apt-get $APT_OPTS download "$src_pkg=$ver") > "$VMDIR/src/dl/log" 2>&1 ||
			{ tail -n 3 "$VMDIR/src/dl/log" >&2; echo "$ME: cannot download $src_pkg" >&2; return 1; }
		mkdir -p "$srcdir.tmp" &&
			dpkg-deb --fsys-tarfile "$VMDIR"/src/dl/*.deb | tar -x -O "./usr/src/$src_pkg.tar.xz" |
			tar -x -J -C "$srcdir.tmp" &&
			mv "$srcdir.tmp/$src_pkg" "$srcdir" && rm -rf "$srcdir.tmp" "$VMDIR/src/dl" ||
			{ echo "$ME: cannot unpack $src_pkg" >&2; return 1; }
	fi
	log=$obj/build.log
	jobs=${VM_BUILD_JOBS:-2}
	note "building a debug kernel from $src_pkg $ver (x86_64_defconfig + $(basename "$frag"), nice 19, -j$jobs; log: $log)"
	start=$(now)
	{
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$srcdir" O="$obj" x86_64_defconfig &&
		"$srcdir/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" &&
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$srcdir" O="$obj" olddefconfig
	} > "$log" 2>&1 || { tail -n 20 "$log" >&2; echo "$ME: configuring the debug kernel failed" >&2; return 1; }
	# what the fragment asks for and Kconfig did not give (a dependency)
	miss=$(awk 'NR == FNR { if (/^CONFIG_[A-Z0-9_]+=/) have[substr($0, 1, index($0, "=") - 1)] = $0; next }
		/^CONFIG_[A-Z0-9_]+=/ { k = substr($0, 1, index($0, "=") - 1); if (have[k] != $0) print k }
		/^# CONFIG_[A-Z0-9_]+ is not set/ { if ($2 in have) print $2 "=n" }' "$obj/.config" "$frag")
	[ -n "$miss" ] && note "not as debug.config asks (a dependency decided): $(echo $miss)"
	for c in IO_URING KASAN PROVE_LOCKING DEBUG_LIST PVH BLK_DEV_NVME EXT4_FS SERIAL_8250_CONSOLE; do
		grep -q "^CONFIG_$c=y" "$obj/.config" ||
			{ echo "$ME: the debug kernel's config has no CONFIG_$c=y (see $obj/.config)" >&2; return 1; }
	done
	nice -n 19 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$srcdir" O="$obj" -j"$jobs" vmlinux >> "$log" 2>&1 ||
		{ grep -E 'error:|\*\*\*' "$log" | head -n 10 >&2; echo "$ME: building the debug kernel failed (see $log)" >&2; return 1; }
	secs=$(elapsed "$start")
	rm -rf "$KDIR.tmp" && mkdir -p "$KDIR.tmp" &&
		cp "$obj/vmlinux" "$KDIR.tmp/vmlinux" && cp "$obj/.config" "$KDIR.tmp/config" || return 1
	printf 'spec=debug-%s\nsource=debug-build\npackage=%s\nversion=%s\nimage=\nfragment_hash=%s\nbuild_s=%s\n' \
		"$series" "$src_pkg" "$ver" "$key" "$secs" > "$KDIR.tmp/info"
	rm -rf "$KDIR" && mv "$KDIR.tmp" "$KDIR" || return 1
	note "debug kernel built in $secs s: $KDIR"
}

# sets KDIR (cache directory: vmlinuz or vmlinux, config, info) for a spec
resolve_kernel() {
	spec=$1
	KDIR=
	if [ -f "$spec" ]; then
		path=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
		id=$(stat -c '%s-%Y' "$path")-$(echo "$path" | cksum | cut -d' ' -f1)
		KDIR=$VMDIR/kernels/file-$(basename "$path")-$id
		[ -f "$KDIR/info" ] && return 0
		# an older build of the same path
		rm -rf "$VMDIR/kernels/file-$(basename "$path")-"*"-${id##*-}"
		mkdir -p "$KDIR" || return 1
		if [ "$(head -c 4 "$path" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
			ln -sf "$path" "$KDIR/vmlinux"
		else
			ln -sf "$path" "$KDIR/vmlinuz"
		fi
		# a config next to the image (kernel build tree or /boot)
		for c in "$(dirname "$path")/config-$(basename "$path" | sed 's/^vmlinu[xz]-//')" \
			 "$(dirname "$path")/../../../.config" "$(dirname "$path")/.config"; do
			[ -f "$c" ] && { cp "$c" "$KDIR/config"; break; }
		done
		printf 'spec=%s\nsource=file\npackage=\nversion=\nimage=%s\n' "$spec" "$path" > "$KDIR/info"
		return 0
	fi
	case $spec in
	debug) build_debug_kernel ""; return ;;
	debug-[0-9]*) build_debug_kernel "${spec#debug-}"; return ;;
	linux-image-*|linux-binary-*)
		pkg=$spec
		if apt_update; then
			kernel_index > "$VMDIR/kernel-index.tmp"
			if [ -s "$VMDIR/kernel-index.tmp" ] && ! cut -f1 "$VMDIR/kernel-index.tmp" | grep -qxF "$pkg" && [ ! -f "$VMDIR/kernels/$pkg/info" ]; then
				echo "$ME: no package $pkg in Debian's lists ($(kernel_hint "$(echo "$pkg" | sed -n 's/^linux-[a-z]*-\([0-9]*\.[0-9]*\).*/\1/p')" "${pkg##*[0-9]-}" < "$VMDIR/kernel-index.tmp"))" >&2
				rm -f "$VMDIR/kernel-index.tmp"
				return 1
			fi
			rm -f "$VMDIR/kernel-index.tmp"
		fi
		;;
	newest|latest|[0-9]*.[0-9]*)
		version_spec_ok "$spec" || return 1
		apt_update || { echo "$ME: cannot reach Debian's package lists to resolve '$spec'" >&2; return 1; }
		kernel_index > "$VMDIR/kernel-index.tmp"
		pick=$(pick_kernel "$spec" "$FLAVOUR" < "$VMDIR/kernel-index.tmp")
		pkg=$(echo "$pick" | cut -f1)
		if [ -z "$pkg" ]; then
			if [ -f "$VMDIR/aliases/$spec-$FLAVOUR" ] && [ ! -s "$VMDIR/kernel-index.tmp" ]; then
				pkg=$(cat "$VMDIR/aliases/$spec-$FLAVOUR")
				note "no kernel packages in the lists; using $pkg from the last resolution of '$spec'"
			else
				echo "$ME: no Debian kernel package ($FLAVOUR) is version '$spec'; $(kernel_hint "$spec" "$FLAVOUR" < "$VMDIR/kernel-index.tmp")" >&2
				rm -f "$VMDIR/kernel-index.tmp"
				return 1
			fi
		fi
		rm -f "$VMDIR/kernel-index.tmp"
		mkdir -p "$VMDIR/aliases" && echo "$pkg" > "$VMDIR/aliases/$spec-$FLAVOUR"
		;;
	*)
		echo "$ME: '$spec' is neither a file, a Debian kernel package, a version (5.10, 6.1.170, 7.3-rc, newest) nor debug[-X.Y]" >&2
		return 1 ;;
	esac
	KDIR=$VMDIR/kernels/$pkg
	[ -f "$KDIR/info" ] && return 0
	apt_update || return 1
	rm -rf "$KDIR" "$KDIR.dl"
	mkdir -p "$KDIR.dl" || return 1
	note "fetching $pkg"
	# >= 6.19: linux-image-* is a meta-package, the kernel is in linux-binary-*
	alt=
	case $pkg in linux-image-*) alt=linux-binary-${pkg#linux-image-} ;; esac
	for p in "$pkg" $alt; do
		# shellcheck disable=SC2086
		(cd "$KDIR.dl" && apt-get $APT_OPTS download "$p") > "$KDIR.dl/log" 2>&1 || continue
		deb=$(ls "$KDIR.dl"/*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || continue
		ver=$(dpkg-deb -f "$deb" Version)
		if unpack_kernel_deb "$deb" "$KDIR.dl"; then
			rm -f "$KDIR.dl"/*.deb
			# >= 6.19 keeps the config in linux-base-*
			case $p in linux-binary-*)
				# shellcheck disable=SC2086
				(cd "$KDIR.dl" && apt-get $APT_OPTS download "linux-base-${p#linux-binary-}") >> "$KDIR.dl/log" 2>&1 &&
					dpkg-deb --fsys-tarfile "$KDIR.dl"/linux-base-*.deb |
					tar -x -O --wildcards './usr/lib/modules/*/config' './boot/config-*' > "$KDIR.dl/config" 2>/dev/null
				[ -s "$KDIR.dl/config" ] || rm -f "$KDIR.dl/config"
				rm -f "$KDIR.dl"/*.deb
			esac
			rm -f "$KDIR.dl/log"
			printf 'spec=%s\nsource=debian\npackage=%s\nversion=%s\nimage=\n' "$spec" "$p" "$ver" > "$KDIR.dl/info"
			mv "$KDIR.dl" "$KDIR" || return 1
			return 0
		fi
		# >= 6.19: linux-image-* is a meta-package, the kernel is in linux-binary-*
		rm -f "$KDIR.dl"/*.deb
	done
	err=$(grep -E '^E:' "$KDIR.dl/log" 2>/dev/null | head -n 1)
	rm -rf "$KDIR.dl"
	echo "$ME: could not fetch a kernel from package '$pkg'${err:+ ($err)}" >&2
	return 1
}

# sets KIMAGE (what -kernel gets) and BOOT (pvh or bzimage) for KDIR
kernel_image() {
	if [ -e "$KDIR/vmlinux" ]; then
		KIMAGE=$KDIR/vmlinux BOOT=pvh
		return 0
	fi
	KIMAGE=$KDIR/vmlinuz BOOT=bzimage
	[ -f "$KDIR/novmlinux" ] && return 0
	if extract_vmlinux "$KDIR/vmlinuz" "$KDIR/vmlinux.elf" && has_pvh "$KDIR/vmlinux.elf"; then
		mv "$KDIR/vmlinux.elf" "$KDIR/vmlinux"
		KIMAGE=$KDIR/vmlinux BOOT=pvh
	else
		rm -f "$KDIR/vmlinux.elf"
		: > "$KDIR/novmlinux"
	fi
}

# the ELF has the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, 18)
has_pvh() {
	if command -v readelf >/dev/null 2>&1; then
		readelf -n "$1" 2>/dev/null | grep -Eq 'Xen .*(0x00000012|PHYS32)'
	else
		[ -f "$KDIR/config" ] && grep -q '^CONFIG_PVH=y' "$KDIR/config"
	fi
}

# KNVME (emulated NVMe disks) and KSUITE (the test tree on a disk, or in
# the initramfs) for KDIR's kernel; 1 if it cannot run the suite at all
kernel_caps() {
	KNVME=$NVME KSUITE=disk
	if [ -f "$KDIR/config" ]; then
		grep -q '^CONFIG_IO_URING=y' "$KDIR/config" ||
			{ echo "$ME: $(kernel_name) has no CONFIG_IO_URING=y: nothing to test" >&2; return 1; }
		grep -q '^CONFIG_BLK_DEV_NVME=y' "$KDIR/config" || KNVME=0
		grep -q '^CONFIG_EXT4_FS=y' "$KDIR/config" || KNVME=0
	fi
	# no config: try NVMe, but bring the tree in the initramfs
	[ -f "$KDIR/config" ] && [ "$KNVME" = 1 ] && [ "${VM_SUITE:-disk}" = disk ] || KSUITE=cpio
	return 0
}

info_get() {
	sed -n "s/^$1=//p" "$KDIR/info" | head -n 1
}

kernel_name() {
	[ "$(info_get source)" = debug-build ] &&
		{ echo "$(info_get spec) (built from $(info_get package) $(info_get version))"; return; }
	p=$(info_get package)
	[ -n "$p" ] && { echo "$p"; return; }
	basename "$(info_get image)"
}

# ---- the static tree and the initramfs --------------------------------------

BUILD_DIR=$VMDIR/build
STAGE=$VMDIR/stage

build_suite() {
	need_tools make gcc strip
	mkdir -p "$BUILD_DIR"
	note "building the suite statically in $BUILD_DIR (make -k; log: $VMDIR/build.log)"
	start=$(now)
	# a parent make's jobserver and flags are not ours; AREAS is
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" -k -j"$(nproc 2>/dev/null || echo 2)" \
		STATIC=1 OUTPUT="$BUILD_DIR" ${AREAS:+AREAS="$AREAS"} > "$VMDIR/build.log" 2>&1
	brc=$?
	# programs that did not compile: an older binary would be stale
	broken=$(sed -n "s|.*\*\*\* \[[^]]*: $BUILD_DIR/\(tests/[^]]*\)\] Error.*|\1|p" "$VMDIR/build.log" | sort -u)
	for b in $broken; do
		rm -f "$BUILD_DIR/$b"
	done
	if [ -n "$broken" ]; then
		note "did not build (left out):$(echo $broken | sed 's|tests/| |g')"
		grep -E 'error:' "$VMDIR/build.log" | head -n 10 | sed 's/^/# vm:   /' >&2
	elif [ "$brc" != 0 ]; then
		note "make failed (see $VMDIR/build.log):"
		grep -E 'error|\*\*\*' "$VMDIR/build.log" | head -n 10 | sed 's/^/# vm:   /' >&2
	fi
	[ -x "$BUILD_DIR/build/iou-env" ] || note "no iou-env tool (the environment report will be short)"
	note "build took $(elapsed "$start") s"
	echo "$broken" > "$VMDIR/build.broken"
}

# the stripped tree under $STAGE/suite, and the list of programs
stage_suite() {
	mkdir -p "$STAGE/suite/tests" "$STAGE/suite/build"
	cp "$TOP/run_tests.sh" "$STAGE/suite/run_tests.sh"
	rm -rf "$STAGE/suite/harness/runner"
	mkdir -p "$STAGE/suite/harness/runner"
	cp "$TOP"/harness/runner/* "$STAGE/suite/harness/runner/"
	# the io_uring_disabled check (--io-uring-disabled) runs from here
	mkdir -p "$STAGE/suite/harness/selftest"
	cp "$TOP/harness/selftest/io-uring-disabled.sh" "$STAGE/suite/harness/selftest/"
	rm -f "$STAGE/suite/tests/known-issues"
	[ -f "$TOP/tests/known-issues" ] && cp "$TOP/tests/known-issues" "$STAGE/suite/tests/known-issues"
	[ -x "$BUILD_DIR/build/iou-env" ] && strip -o "$STAGE/suite/build/iou-env" "$BUILD_DIR/build/iou-env"
	# strip only what changed; drop programs no longer built
	(cd "$STAGE/suite" && find tests -type f ! -name known-issues) | while IFS= read -r f; do
		[ -x "$BUILD_DIR/$f" ] && [ -f "$TOP/$f.c" ] || rm -f "$STAGE/suite/$f"
	done
	# (a program whose source is gone is not part of the suite any more)
	(cd "$BUILD_DIR" && find tests -mindepth 2 -maxdepth 2 -type f -perm -u+x) | while IFS= read -r f; do
		[ -f "$TOP/$f.c" ] || continue
		if [ ! -f "$STAGE/suite/$f" ] || [ "$BUILD_DIR/$f" -nt "$STAGE/suite/$f" ]; then
			mkdir -p "$STAGE/suite/$(dirname "$f")"
			strip -o "$STAGE/suite/$f" "$BUILD_DIR/$f" || cp "$BUILD_DIR/$f" "$STAGE/suite/$f"
		fi
	done
	find "$STAGE/suite/tests" -type d -empty -delete 2>/dev/null
	# (gone again from the next tree: they have no source in tests/)
	if [ -n "$EXTRA" ]; then
		(cd "$EXTRA" && find . -mindepth 2 -maxdepth 2 -type f -perm -u+x) | while IFS= read -r f; do
			mkdir -p "$STAGE/suite/tests/$(dirname "$f")"
			cp "$EXTRA/$f" "$STAGE/suite/tests/$f"
		done
	fi
	n=$(cd "$STAGE/suite" && find tests -type f ! -name known-issues | wc -l)
	[ "$n" -gt 0 ] || die "no test programs built (see $VMDIR/build.log)"
}

# a static busybox: the host's (busybox-static) or one from Debian
find_busybox() {
	for b in "${VM_BUSYBOX:-}" /bin/busybox /usr/bin/busybox "$VMDIR/busybox/busybox"; do
		[ -n "$b" ] && [ -x "$b" ] || continue
		# a dynamic busybox would not run in the initramfs
		readelf -lW "$b" 2>/dev/null | grep -q 'program interpreter' && continue
		echo "$b"
		return 0
	done
	apt_update || return 1
	mkdir -p "$VMDIR/busybox/dl"
	# shellcheck disable=SC2086
	(cd "$VMDIR/busybox/dl" && apt-get $APT_OPTS download busybox-static/bookworm) >&2 || return 1
	dpkg-deb --fsys-tarfile "$VMDIR"/busybox/dl/*.deb | tar -x -O ./bin/busybox > "$VMDIR/busybox/busybox" &&
		chmod 755 "$VMDIR/busybox/busybox" && rm -rf "$VMDIR/busybox/dl" &&
		echo "$VMDIR/busybox/busybox"
}

# $VMDIR/base.cpio.gz: /init, busybox and the mount points
pack_base() {
	bb=$(find_busybox) || die "no static busybox (apt-get install busybox-static)"
	out=$VMDIR/base.cpio.gz
	if [ -f "$out" ] && [ "$out" -nt "$HERE/init.c" ] && [ "$out" -nt "$bb" ] && [ "$out" -nt "$HERE/vm.sh" ]; then
		return 0
	fi
	need_tools gcc cpio gzip
	root=$VMDIR/base
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/run" \
		"$root/scratch" "$root/results" "$root/vm" "$root/suite" "$root/root" "$root/etc" || return 1
	gcc -static -Os -Wall -Wextra -Werror -o "$root/init" "$HERE/init.c" ||
		die "cannot build the VM init (needs a static libc: libc6-dev)"
	strip "$root/init"
	cp "$bb" "$root/bin/busybox"
	for a in $("$bb" --list); do
		# busybox's setpriv has no --reuid: without it run_tests.sh -u uses su
		case $a in busybox|init|linuxrc|setpriv) continue ;; esac
		ln -s busybox "$root/bin/$a"
	done
	# run_tests.sh asks getconf for the CPU count; busybox has none
	cat > "$root/bin/getconf" <<'EOF'
#!/bin/sh
case $1 in
_NPROCESSORS_ONLN|_NPROCESSORS_CONF) exec nproc ;;
*) echo "getconf: $1: not supported here" >&2; exit 1 ;;
esac
EOF
	chmod 755 "$root/bin/getconf"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
	echo '127.0.0.1 localhost vmtest' > "$root/etc/hosts"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.tmp" &&
		truncate -s %512 "$out.tmp" && mv "$out.tmp" "$out"
}

# the stripped tree, as an ext4 image for a read-only NVMe namespace
# ($VMDIR/suite.img) and, if $1 is 1, as a cpio for the initramfs
# ($VMDIR/suite.cpio): unpacking the initramfs under TCG costs about a
# second per 25 MB, which a disk read on demand does not
pack_suite() {
	stage_suite
	mb=$(du -sm "$STAGE/suite" | cut -f1)
	rm -f "$VMDIR/suite.img.tmp"
	truncate -s "$((mb + mb / 4 + 16))M" "$VMDIR/suite.img.tmp" &&
		mke2fs -q -F -t ext4 -O ^has_journal -E lazy_itable_init=0,nodiscard -L suite \
			-d "$STAGE/suite" "$VMDIR/suite.img.tmp" &&
		mv "$VMDIR/suite.img.tmp" "$VMDIR/suite.img" || return 1
	if [ "$1" = 1 ]; then
		(cd "$STAGE" && find suite | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$VMDIR/suite.cpio.tmp" &&
			mv "$VMDIR/suite.cpio.tmp" "$VMDIR/suite.cpio" || return 1
	fi
}

# the run's own part (/vm/env, /vm/args) appended to base and suite
pack_run() {
	w=$1
	mkdir -p "$w/root/vm"
	{
		echo "PATH=/bin"
		echo "HOME=/root"
		echo "IOU_TIMEOUT_SCALE=$SCALE"
		echo "IOU_RESULTS=/results"
		if [ "$KNVME" = 1 ]; then
			# (init adds IOU_TEST_BLKDEV and IOU_TEST_NVME_CHARDEV)
			echo "TMPDIR=/scratch"
		else
			echo "TMPDIR=/tmp"
		fi
		[ -n "${VM_ENV:-}" ] && printf '%s\n' $VM_ENV
	} > "$w/root/vm/env"
	{
		echo "--dir"; echo "/suite/tests"
		echo "--results"; echo "/results"
		echo "--jobs"; echo "$JOBS"
		echo "--timeout"; echo "$GUEST_TIMEOUT"
		[ "$QUIET" = 1 ] && echo "--quiet"
		[ -n "$RARGS" ] && printf '%s\n' "$RARGS" | sed '/^$/d'
		i=0
		for f in $KNOWN; do
			i=$((i + 1))
			cp "$f" "$w/root/vm/known-$i"
			echo "--known-issues"; echo "/vm/known-$i"
		done
		[ -n "$PATTERNS" ] && { echo "--"; set -f; printf '%s\n' $PATTERNS; set +f; }
	} > "$w/root/vm/args"
	rm -f "$w/root/vm/post"
	if [ "$POST_CHECK" = 1 ]; then
		# init runs it after the suite, on the same programs.  Its
		# --as-user nobody run goes through busybox's su (no setpriv
		# --reuid), which would take the options of the command it runs
		# ("su -s SH USER -c CMD timeout -k ...") for its own unless
		# POSIXLY_CORRECT stops its option parsing at USER
		{
			echo -c
			echo 'POSIXLY_CORRECT=1 exec /bin/sh "$0" "$@"'
			echo /suite/harness/selftest/io-uring-disabled.sh
			echo /suite/tests
			[ -n "$PATTERNS" ] && { set -f; printf '%s\n' $PATTERNS; set +f; }
		} > "$w/root/vm/post"
	fi
	(cd "$w/root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$w/run.cpio"
	# an uncompressed cpio must start 4-byte aligned: every part is padded
	if [ "$KSUITE" = cpio ]; then
		cat "$VMDIR/base.cpio.gz" "$VMDIR/suite.cpio" "$w/run.cpio" > "$w/initramfs.img"
	else
		cat "$VMDIR/base.cpio.gz" "$w/run.cpio" > "$w/initramfs.img"
		# its own name for the image, which a later build replaces
		ln -f "$VMDIR/suite.img" "$w/suite.img" 2>/dev/null || cp "$VMDIR/suite.img" "$w/suite.img"
	fi
}

# ---- booting -------------------------------------------------------------------

KNVME=1

# one boot; sets QRC (QEMU's status or 124 on a watchdog kill), BOOT_S
# (host seconds from QEMU's start to the first KTAP byte) and WALL_S
boot_once() {
	w=$1 live=$2
	rm -f "$w/console.log" "$w/ktap.stream" "$w/results.tar" "$w/qemu.rc" "$w/qemu.pid" "$w/watchdog"
	: > "$w/console.log"; : > "$w/ktap.stream"; : > "$w/results.tar"
	# the crypto self-tests (cryptomgr, kdf108) and the RTC driver (the
	# clock is read from the CMOS without it) are about 1 s of
	# a 4-6 s boot under TCG, and nothing io_uring needs
	cmdline="console=ttyS0 panic=-1 oops=panic loglevel=4 softlockup_panic=1 hung_task_panic=1"
	cmdline="$cmdline cryptomgr.notests=1 initcall_blacklist=crypto_kdf108_init,cmos_init"
	cmdline="$cmdline vmtest.tap=ttyS1 vmtest.out=ttyS2 vmtest.hung=$((GUEST_TIMEOUT + 60))"
	nvme_args=
	if [ "$KNVME" = 1 ]; then
		# ns 1: ext4 for TMPDIR (O_DIRECT, IOPOLL); ns 2: raw, for
		# block-device and passthrough tests
		rm -f "$w/scratch.img" "$w/raw.img"
		truncate -s "${VM_SCRATCH_MB:-512}M" "$w/scratch.img"
		truncate -s "${VM_RAWDEV_MB:-80}M" "$w/raw.img"
		mke2fs -q -F -t ext4 -O ^has_journal -E lazy_itable_init=0,nodiscard -L scratch "$w/scratch.img" ||
			die "mke2fs failed"
		nvme_args="-drive file=$w/scratch.img,if=none,id=nvs,format=raw,cache=unsafe
			-drive file=$w/raw.img,if=none,id=nvr,format=raw,cache=unsafe
			-device nvme,id=nvme0,serial=iouvm
			-device nvme-ns,drive=nvs,bus=nvme0,nsid=1
			-device nvme-ns,drive=nvr,bus=nvme0,nsid=2"
		# namespaces by nsid: init finds their disk names
		cmdline="$cmdline nvme.poll_queues=1 vmtest.scratch=1 vmtest.rawdev=2"
		if [ "$KSUITE" = disk ]; then
			nvme_args="$nvme_args
				-drive file=$w/suite.img,if=none,id=nvt,format=raw,readonly=on
				-device nvme-ns,drive=nvt,bus=nvme0,nsid=3"
			cmdline="$cmdline vmtest.suite=3"
		fi
	fi
	cmdline="$cmdline $APPEND"
	accel=tcg
	# multi-threaded TCG with 2+ vCPUs oopses now and then (QEMU 7.2)
	[ "$SMP" -gt 1 ] && accel=tcg,thread=${VM_TCG_THREAD:-single}
	# qemu64 runs the suite ~30% faster than max under TCG (measured: no
	# AVX state, no SMAP/SMEP, no speculation-control MSR writes);
	# rdrand keeps getrandom() from waiting for entropy on old kernels
	set -- qemu-system-x86_64 -accel "$accel" -cpu "${VM_CPU:-qemu64,+rdrand}" -smp "$SMP" -m "$MEM" \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial "file:$w/console.log" -serial "file:$w/ktap.stream" -serial "file:$w/results.tar" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		$nvme_args ${VM_QEMU_ARGS:-} \
		-kernel "$KIMAGE" -initrd "$w/initramfs.img" -append "$cmdline"
	QEMU_CMD="$*"
	start=$(now)
	( "$@" < /dev/null > "$w/qemu.out" 2>&1 &
	  echo $! > "$w/qemu.pid"
	  wait $!
	  echo $? > "$w/qemu.rc" ) &
	sub=$!
	while [ ! -s "$w/qemu.pid" ]; do sleep 0.01; done
	qpid=$(cat "$w/qemu.pid")
	CUR_QPID=$qpid
	tailpid=
	if [ "$live" = 1 ]; then
		tail -n +1 -s 0.1 -f --pid="$qpid" "$w/ktap.stream" &
		tailpid=$!
	fi
	BOOT_S= QCPU=null BOOT_CPU=null
	t0=$(date +%s)
	last=0 lastchange=$t0 started=0
	while [ ! -f "$w/qemu.rc" ]; do
		t=$(date +%s)
		if [ -z "$BOOT_S" ] && [ -s "$w/ktap.stream" ]; then
			BOOT_S=$(elapsed "$start")
			# QEMU's CPU time to here: the boot on an idle host
			BOOT_CPU=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$qpid/stat" 2>/dev/null || echo null)
		fi
		[ "$started" = 0 ] && grep -q '^vminit: started' "$w/console.log" && started=1
		size=$(cat "$w/console.log" "$w/ktap.stream" | wc -c)
		# QEMU's own CPU time: what the run would take on an idle host,
		# but for the guest's idle time
		QCPU=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$qpid/stat" 2>/dev/null || echo "$QCPU")
		[ "$size" != "$last" ] && { last=$size; lastchange=$t; }
		why=
		if [ "$started" = 0 ] && [ $((t - t0)) -ge "${VM_BOOT_TIMEOUT:-60}" ]; then
			why="no init after ${VM_BOOT_TIMEOUT:-60} s"
		elif [ $((t - lastchange)) -ge "$IDLE_LIMIT" ]; then
			why="no output for $IDLE_LIMIT s"
		elif [ $((t - t0)) -ge "$WALL_LIMIT" ]; then
			why="over the VM time limit of $WALL_LIMIT s"
		fi
		if [ -n "$why" ]; then
			echo "$why" > "$w/watchdog"
			kill "$qpid" 2>/dev/null
			sleep 1
			kill -9 "$qpid" 2>/dev/null
			break
		fi
		if [ -z "$BOOT_S" ]; then sleep 0.05; else sleep 0.5; fi
	done
	wait "$sub" 2>/dev/null
	QRC=$(cat "$w/qemu.rc" 2>/dev/null || echo 124)
	[ -f "$w/watchdog" ] && QRC=124
	[ -n "$tailpid" ] && { sleep 0.2; kill "$tailpid" 2>/dev/null; wait "$tailpid" 2>/dev/null; }
	WALL_S=$(elapsed "$start")
	CUR_QPID=
}

# what happened in the boot in $1; sets STATUS and WHY
#   ok, tests-failed: the runner finished (exit 0 / 1)
#   kernel-crash: panic/oops/BUG after the runner started
#   hang: the watchdog stopped it after the runner started
#   boot-failure: no runner (worth one retry)
#   error: the runner refused its arguments, or QEMU could not start
CRASH_RE='Kernel panic|Oops|BUG:|kernel BUG|general protection fault|Call Trace:|watchdog: BUG|blocked for more than|RIP: '

classify() {
	w=$1
	crash=$(grep -a -m 1 -E "$CRASH_RE" "$w/console.log" | tr -d '\r')
	runner=0
	grep -q '^vminit: runner starts' "$w/console.log" && runner=1
	totals=0
	grep -aq '^# Totals:' "$w/ktap.stream" && totals=1
	WHY=
	if [ "$runner" = 0 ]; then
		STATUS=boot-failure
		if [ -f "$w/watchdog" ]; then WHY=$(cat "$w/watchdog")
		elif [ -n "$crash" ]; then WHY="kernel crashed during boot: $crash"
		elif grep -q 'qemu' "$w/qemu.out" 2>/dev/null; then WHY="QEMU: $(head -n 1 "$w/qemu.out")"
		else WHY="the kernel did not reach the runner (QEMU status $QRC)"
		fi
	elif [ "$totals" = 1 ] && { [ "$QRC" = 1 ] || [ "$QRC" = 3 ]; }; then
		STATUS=ok
		[ "$QRC" = 3 ] && STATUS=tests-failed
	elif [ "$QRC" = 5 ] || [ "$QRC" = 21 ] || [ "$QRC" = 255 ]; then
		# 2: run_tests.sh refused its arguments or is missing; 10: init
		# could not start it; 127: no shell
		STATUS=error WHY="the runner in the VM could not run (status $(((QRC - 1) / 2)); see the console)"
	elif [ -n "$crash" ]; then
		STATUS=kernel-crash WHY="kernel crashed: $crash"
	elif [ -f "$w/watchdog" ]; then
		STATUS=hang WHY="VM stopped: $(cat "$w/watchdog")"
	else
		STATUS=kernel-crash WHY="the VM ended before the runner finished (QEMU status $QRC)"
	fi
}

# ---- results ----------------------------------------------------------------------

json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037')"
}

# results/<run>/ from a boot: the runner's own directory when it came
# back whole, else rebuilt from the KTAP stream (crash, hang)
collect() {
	w=$1
	krel=$(sed -n 's/^# env: kernel_release: //p' "$w/ktap.stream" | head -n 1 | tr -d '\r')
	[ -n "$krel" ] || krel=$(kernel_name)
	NAME=$(date -u +%Y%m%d-%H%M%S)-$MEMBER-$(echo "$krel" | tr -c 'A-Za-z0-9._+\n-' _)
	mkdir -p "$RESULTS" || die "cannot create $RESULTS"
	RESULTS=$(cd "$RESULTS" && pwd)
	RUNDIR=$RESULTS/$NAME
	mkdir -p "$w/out"
	gid=
	if [ "$STATUS" != boot-failure ] && [ -s "$w/results.tar" ] &&
	   tar -x -z -f "$w/results.tar" -C "$w/out" 2>/dev/null; then
		gid=$(ls "$w/out" | head -n 1)
	fi
	if [ -n "$gid" ] && [ -f "$w/out/$gid/summary.json" ]; then
		mv "$w/out/$gid" "$RUNDIR" || die "cannot write $RUNDIR"
		sed -i "s|\"run_id\": \"$gid\"|\"run_id\": \"$NAME\"|" "$RUNDIR/summary.json"
		sed -i "s|results in /results/$gid\$|results in $RUNDIR|" "$RUNDIR/ktap"
		RECON=0
	else
		mkdir -p "$RUNDIR/logs"
		list_tests > "$w/selected" 2>/dev/null
		awk -v out="$RUNDIR" -v listf="$w/selected" -v why="$WHY" -v run_id="$NAME" \
			-v suspect="$(suspect_comm "$w")" -f "$TOP/harness/runner/results.awk" \
			-f "$HERE/ktap2results.awk" "$w/ktap.stream"
		RECON=1
	fi
	cp "$w/console.log" "$RUNDIR/console.log"
	post_result "$w"
	# the console of a boot that failed before the retry
	for f in "$w"/console.attempt*.log; do
		[ -f "$f" ] && cp "$f" "$RUNDIR/"
	done
	{
		echo "{"
		echo "  \"schema\": 1,"
		echo "  \"status\": $(json_str "$STATUS"),"
		echo "  \"reason\": $(json_str "$WHY"),"
		echo "  \"kernel\": {\"spec\": $(json_str "$(info_get spec)"), \"package\": $(json_str "$(info_get package)"), \"version\": $(json_str "$(info_get version)"), \"image\": $(json_str "$(info_get image)"), \"release\": $(json_str "$krel"), \"boot\": $(json_str "$BOOT")},"
		echo "  \"attempts\": $ATTEMPTS,"
		echo "  \"qemu_exit_status\": $QRC,"
		echo "  \"boot_to_first_test_s\": ${BOOT_S:-null},"
		echo "  \"boot_to_first_test_qemu_cpu_s\": $BOOT_CPU,"
		echo "  \"guest_uptime_at_runner_s\": $(sed -n 's/^vminit: runner starts at uptime //p' "$w/console.log" | head -n 1 | grep . || echo null),"
		echo "  \"vm_wall_s\": $WALL_S,"
		echo "  \"qemu_cpu_s\": $QCPU,"
		echo "  \"guest_cpu_busy_idle_s\": [$(sed -n 's/^vminit: cpu busy \([0-9.]*\) idle \([0-9.]*\)/\1, \2/p' "$w/console.log" | head -n 1)],"
		echo "  \"results_rebuilt_from_ktap\": $([ "$RECON" = 1 ] && echo true || echo false),"
		echo "  \"io_uring_disabled_check\": $(json_str "$POST_RESULT"),"
		echo "  \"kmemleak_unreferenced_objects\": $(sed -n 's/^vminit: kmemleak: \([0-9]*\) unreferenced objects.*/\1/p' "$w/console.log" | head -n 1 | grep . || echo null),"
		echo "  \"smp\": $SMP, \"memory_mb\": $MEM, \"timeout_scale\": $SCALE, \"guest_timeout_s\": $GUEST_TIMEOUT, \"nvme\": $([ "$KNVME" = 1 ] && echo true || echo false),"
		echo "  \"qemu\": $(json_str "$QEMU_CMD")"
		echo "}"
	} > "$RUNDIR/vm.json"
	ln -sfn "$NAME" "$RESULTS/latest.tmp" && mv -fT "$RESULTS/latest.tmp" "$RESULTS/latest"
	[ -n "$RESULT_FILE" ] && echo "$RUNDIR" > "$RESULT_FILE"
}

# POST_RESULT: how the io_uring_disabled check in the guest went (empty:
# not asked for)
post_result() {
	POST_RESULT=
	[ "$POST_CHECK" = 1 ] || return 0
	pst=$(sed -n 's/^vminit: post check exited with status \([0-9]*\).*/\1/p' "$1/console.log" | head -n 1)
	if [ -z "$pst" ]; then POST_RESULT="not run"
	elif [ "$pst" != 0 ]; then POST_RESULT=failed
	elif grep -q '^# SKIP io_uring_disabled' "$RUNDIR/post-check.log" 2>/dev/null; then
		POST_RESULT="skipped: $(sed -n 's/^# SKIP io_uring_disabled checks: //p' "$RUNDIR/post-check.log" | head -n 1)"
	else POST_RESULT=passed
	fi
}

# the command name of the task the oops names, to find the program
suspect_comm() {
	sed -n 's/.* Comm: \([^ ]*\).*/\1/p' "$1/console.log" | tr -d '\r' | head -n 1
}

# ---- one kernel ---------------------------------------------------------------

# boot the prepared initramfs in KDIR's kernel (retrying a failed boot)
run_kernel() {
	kernel_image
	kernel_caps || return 2
	[ "$KNVME" = 0 ] && [ "$NVME" = 1 ] && note "$(kernel_name): NVMe or ext4 not built in; no NVMe disks, TMPDIR on tmpfs"
	w=$VMDIR/runs/$(date -u +%Y%m%d-%H%M%S)-$MEMBER
	rm -rf "$w"; mkdir -p "$w" || die "cannot create $w"
	pack_run "$w"
	n=$(list_tests 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || die "no test matches '$PATTERNS'"
	IDLE_LIMIT=$((GUEST_TIMEOUT + 5 + 60))
	WALL_LIMIT=${VM_WALL:-$((120 + (n * (GUEST_TIMEOUT + 5) + JOBS - 1) / JOBS))}
	note "$(kernel_name) ($BOOT boot), $n programs, timeout ${GUEST_TIMEOUT}s each, smp $SMP, ${MEM} MiB$([ "$KNVME" = 1 ] && echo ', NVMe')"
	ATTEMPTS=0
	while :; do
		ATTEMPTS=$((ATTEMPTS + 1))
		boot_once "$w" "$LIVE"
		classify "$w"
		[ "$STATUS" = boot-failure ] && [ "$ATTEMPTS" -lt 2 ] || break
		cp "$w/console.log" "$w/console.attempt$ATTEMPTS.log"
		note "boot failure ($WHY); console tail:"
		tail -n 15 "$w/console.log" | sed 's/^/# vm: console: /' >&2
		note "retrying once"
	done
	collect "$w"
	case $STATUS in
	ok|tests-failed) ;;
	*)
		note "$STATUS: $WHY"
		# from just before the first sign of a crash, else the last lines
		n=$(grep -av '^vminit: ' "$w/console.log" | grep -a -n -m 1 -E "$CRASH_RE" | cut -d: -f1)
		note "console ($RUNDIR/console.log):"
		grep -av '^vminit: ' "$w/console.log" | tr -d '\r' |
			if [ -n "$n" ]; then sed -n "$((n > 3 ? n - 3 : 1)),$((n + ${VM_TAIL:-40}))p"; else tail -n "${VM_TAIL:-40}"; fi |
			sed 's/^/# vm: console: /' >&2
		;;
	esac
	leaks=$(sed -n 's/^vminit: kmemleak: \([0-9]*\) unreferenced objects.*/\1/p' "$RUNDIR/console.log" | head -n 1)
	[ -n "$leaks" ] && [ "$leaks" != 0 ] &&
		note "kmemleak: $leaks unreferenced objects after the run (console.log has the first)"
	if [ "$POST_CHECK" = 1 ]; then
		note "io_uring_disabled check: $POST_RESULT"
		[ -f "$RUNDIR/post-check.log" ] && grep -v '^# ' "$RUNDIR/post-check.log" | sed 's/^/# vm:   /' >&2
	fi
	note "result: $(kernel_name): $STATUS; boot-to-first-test ${BOOT_S:-n/a} s, VM wall $WALL_S s; results in $RUNDIR"
	if [ "$KEEP" = 0 ]; then rm -rf "$w"; else note "work directory kept: $w"; fi
	[ "$STATUS" = ok ] && return 0
	[ "$STATUS" = error ] && return 2
	return 1
}

# ---- matrix ---------------------------------------------------------------------

# the table of a matrix from the members' summary.json and vm.json files
matrix_report() {
	listf=$1
	awk -f "$HERE/matrix.awk" "$listf"
}

# ---- main -------------------------------------------------------------------------

GUEST_TIMEOUT=$((TIMEOUT * SCALE))
LIVE=1
BOOT=
MEMBER=$$

# one lock for what runs share in .vm/ (downloads, build, stage, packing)
lock() {
	command -v flock >/dev/null 2>&1 || return 0
	exec 9> "$VMDIR/lock"
	flock 9
}
unlock() {
	command -v flock >/dev/null 2>&1 && flock -u 9 2>/dev/null
	exec 9>&-
}

# $1: 1 if a kernel needs the tree in its initramfs
prepare_tree() {
	[ "$BUILD" = 1 ] && build_suite
	[ -d "$BUILD_DIR/tests" ] || die "no static tree in $BUILD_DIR (run without --no-build)"
	pack_base
	pack_suite "$1" || die "cannot pack the test tree"
}

# the programs the runner in the VM will run, in its order
list_tests() {
	set -f
	set --
	# run_tests.sh's excludes apply here too
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done <<EOF
$(printf '%s\n' "$RARGS" | awk 'p { print "-x"; print; p = 0; next } $0 == "-x" || $0 == "--exclude" { p = 1 } /^--exclude=/')
EOF
	# shellcheck disable=SC2086
	# (in the guest's run order: its results directory starts empty, so
	# only the suite's static durations order it)
	LC_ALL=C sh "$TOP/run_tests.sh" -l -d "$STAGE/suite/tests" -o "$STAGE/no-results" "$@" $PATTERNS
	rc=$?
	set +f
	return $rc
}

CUR_QPID=
trap '[ -n "$CUR_QPID" ] && kill "$CUR_QPID" 2>/dev/null; exit 130' INT TERM

case $MODE in
download)
	# any package through the private apt configuration: prints its .deb
	need_tools apt-get
	lock
	apt_update || die "no package lists"
	mkdir -p "$VMDIR/pkgs" || die "cannot create $VMDIR/pkgs"
	# shellcheck disable=SC2086
	(cd "$VMDIR/pkgs" && apt-get $APT_OPTS download "$DOWNLOAD") > "$VMDIR/pkgs/log" 2>&1 ||
		{ tail -n 3 "$VMDIR/pkgs/log" >&2; die "cannot download $DOWNLOAD"; }
	ls -t "$VMDIR/pkgs/${DOWNLOAD%%[=/]*}"_*.deb | head -n 1
	exit 0
	;;
resolve)
	# what a version names, without downloading (VM_KERNEL_INDEX: a
	# "package<TAB>version<TAB>suite" list to use instead of apt's)
	rc=0
	for spec in $KERNEL_SPEC $PATTERNS; do
		version_spec_ok "$spec" || { rc=2; continue; }
		apt_update || die "cannot reach Debian's package lists"
		kernel_index > "$VMDIR/kernel-index.$$"
		pick=$(pick_kernel "$spec" "$FLAVOUR" < "$VMDIR/kernel-index.$$")
		if [ -n "$pick" ]; then
			printf '%s\t%s\n' "$spec" "$pick"
		else
			echo "$ME: no Debian kernel package ($FLAVOUR) is version '$spec'; $(kernel_hint "$spec" "$FLAVOUR" < "$VMDIR/kernel-index.$$")" >&2
			rc=2
		fi
		rm -f "$VMDIR/kernel-index.$$"
	done
	exit $rc
	;;
fetch)
	need_tools apt-get dpkg-deb
	lock
	rc=0
	for spec in $KERNEL_SPEC $PATTERNS; do
		if resolve_kernel "$spec"; then
			kernel_image
			printf '%s\t%s\t%s\t%s\n' "$spec" "$(kernel_name)" "$(info_get version)" "$KIMAGE"
		else
			rc=2
		fi
	done
	exit $rc
	;;
test)
	need_tools qemu-system-x86_64 cpio gzip mke2fs
	lock
	resolve_kernel "$KERNEL_SPEC" || exit 2
	# KASAN and lockdep make every system call slower still
	if [ "$(info_get source)" = debug-build ] && [ -z "$SCALE_SET" ]; then
		SCALE=${VM_DEBUG_SCALE:-12}
		GUEST_TIMEOUT=$((TIMEOUT * SCALE))
	fi
	# an emulated CPU that slow is not a lockup or a stall at 20 s
	[ "$(info_get source)" = debug-build ] &&
		APPEND="watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120 $APPEND"
	kernel_image
	kernel_caps || exit 2
	prepare_tree "$([ "$KSUITE" = cpio ] && echo 1 || echo 0)"
	if [ "$LIST" = 1 ]; then
		list_tests
		exit $?
	fi
	unlock
	run_kernel
	exit $?
	;;
matrix)
	need_tools qemu-system-x86_64 cpio gzip mke2fs
	[ -n "$MATRIX" ] || die "--matrix needs kernels (KERNELS=\"5.10 6.1 6.12 newest\")"
	lock
	mdir=$RESULTS/matrix-$(date -u +%Y%m%d-%H%M%S)-$$
	mkdir -p "$mdir" || die "cannot create $mdir"
	mdir=$(cd "$mdir" && pwd)
	i=0 cpio=0
	for spec in $MATRIX; do
		i=$((i + 1))
		if resolve_kernel "$spec" && kernel_image && kernel_caps; then
			echo "$KDIR" > "$mdir/$i.kdir"
			[ "$KSUITE" = cpio ] && cpio=1
		else
			: > "$mdir/$i.kdir"
		fi
		echo "$spec" > "$mdir/$i.label"
	done
	prepare_tree "$cpio"
	list_tests > /dev/null || exit 2
	unlock
	n=$i
	start=$(now)
	note "matrix of $n kernels, $PARALLEL VMs at a time; logs in $mdir"
	LIVE=1
	i=0 running=0 next=1 finished=0
	while [ "$finished" -lt "$n" ]; do
		while [ "$running" -lt "$PARALLEL" ] && [ "$next" -le "$n" ]; do
			j=$next
			(
				# the status, however the member ends (die included)
				trap 'echo $? > "$mdir/$j.rc"' EXIT
				KDIR=$(cat "$mdir/$j.kdir")
				MEMBER=$$-$j
				RESULT_FILE=$mdir/$j.result
				[ -n "$KDIR" ] || exit 2
				exec > "$mdir/$j.log" 2>&1
				run_kernel
				exit $?
			) &
			next=$((next + 1)) running=$((running + 1))
		done
		sleep 0.5
		j=1 running=0 finished=0
		while [ "$j" -le "$n" ]; do
			if [ -f "$mdir/$j.rc" ]; then
				finished=$((finished + 1))
				if [ ! -f "$mdir/$j.reported" ]; then
					: > "$mdir/$j.reported"
					note "$(cat "$mdir/$j.label"): $(sed -n 's/^# vm: result: //p' "$mdir/$j.log" 2>/dev/null | tail -n 1)"
				fi
			elif [ "$j" -lt "$next" ]; then
				running=$((running + 1))
			fi
			j=$((j + 1))
		done
	done
	wait
	i=1
	while [ "$i" -le "$n" ]; do
		printf '%s\t%s\n' "$(cat "$mdir/$i.label")" "$(cat "$mdir/$i.result" 2>/dev/null)"
		i=$((i + 1))
	done > "$mdir/members"
	awk -f "$HERE/matrix.awk" "$mdir/members" | tee "$mdir/table.txt"
	echo "# matrix wall time $(elapsed "$start") s; table in $mdir/table.txt"
	rc=0
	i=1
	while [ "$i" -le "$n" ]; do
		r=$(cat "$mdir/$i.rc" 2>/dev/null || echo 2)
		[ "$r" -gt "$rc" ] && rc=$r
		i=$((i + 1))
	done
	# a failed test or a crashed kernel is 1, whatever else happened
	grep -q '^1$' "$mdir"/*.rc 2>/dev/null && rc=1
	exit $rc
	;;
esac
