# SPDX-License-Identifier: GPL-2.0
#
# Known issues (tests/known-issues): which entries hold on a kernel, and
# which of a program's cases they cover.  A library for the KTAP verdict
# parser and the kernel-log attribution, and a filter of its own:
#
#   awk -v known_kver=6.12.43 -f known.awk FILE...
#
# prints "program<TAB>case-glob<TAB>reason" for every entry whose kernel
# condition holds for known_kver.  An entry is "program[:case-glob]
# kernels reason", kernels being "*" or comma-joined conditions
# (<7.2, >=6.13.2, =6.1 matches 6.1 and 6.1.x).
function known_vcmp(a, b,    x, y, i, n, m) {
	n = split(a, x, "."); m = split(b, y, ".")
	for (i = 1; i <= (n > m ? n : m); i++) {
		if ((x[i] + 0) < (y[i] + 0)) return -1
		if ((x[i] + 0) > (y[i] + 0)) return 1
	}
	return 0
}
function known_holds(spec, kver,    c, n, i, op, v) {
	if (spec == "*") return 1
	n = split(spec, c, ",")
	for (i = 1; i <= n; i++) {
		op = c[i]; sub(/[0-9].*/, "", op); v = substr(c[i], length(op) + 1)
		if (op == "<" && !(known_vcmp(kver, v) < 0)) return 0
		if (op == "<=" && !(known_vcmp(kver, v) <= 0)) return 0
		if (op == ">" && !(known_vcmp(kver, v) > 0)) return 0
		if (op == ">=" && !(known_vcmp(kver, v) >= 0)) return 0
		if ((op == "=" || op == "") && index(kver ".", v ".") != 1) return 0
	}
	return 1
}
function known_glob2re(g) {
	gsub(/[.+^$(){}|\\[\]]/, "\\\\&", g); gsub(/\*/, ".*", g); gsub(/\?/, ".", g)
	return "^" g "$"
}
# load the filtered entries (the filter's output) for one program
function known_load(file, progname,    l, f) {
	known_n = 0
	while ((getline l < file) > 0) {
		split(l, f, "\t")
		if (f[1] != progname) continue
		known_n++
		known_re[known_n] = known_glob2re(f[2]); known_why[known_n] = f[3]
	}
	close(file)
}
# the reason of the first entry covering case NAME ("*" asks for a
# program-wide entry), "" if none
function known_match(name,    i) {
	for (i = 1; i <= known_n; i++) if (name ~ known_re[i]) return known_why[i]
	return ""
}
known_kver != "" && /^[ \t]*(#|$)/ { next }
known_kver != "" {
	what = $1; spec = $2
	reason = $0; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]*/, "", reason)
	prog = what; cglob = "*"
	if (index(what, ":")) { prog = substr(what, 1, index(what, ":") - 1); cglob = substr(what, index(what, ":") + 1) }
	if (known_holds(spec, known_kver)) printf "%s\t%s\t%s\n", prog, cglob, reason
}
