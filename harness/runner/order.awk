# SPDX-License-Identifier: GPL-2.0
#
# The run list: a line a run of a program, "program<TAB>label", from the
# selected programs (one a line).  Longest first by their durations in
# centiseconds ("program<TAB>cs" files: STATIC, the suite's own, then
# LAST, the previous run's), programs of unknown duration first; shuffled
# with SEED instead when SHUFFLE is 1; each program REPEAT times, the
# label then saying which run it is ("ring/x [2/3]").
#
#   awk -v repeat=N -v shuffle=0|1 -v seed=S -v static=FILE -v last=FILE \
#       -f order.awk SELECTED
BEGIN {
	while ((getline l < static) > 0) { split(l, f, "\t"); d[f[1]] = f[2] + 1 }
	while ((getline l < last) > 0) { split(l, f, "\t"); d[f[1]] = f[2] + 1 }
}
NF { p[++n] = $0; w[n] = ($0 in d) ? d[$0] : 1e9 }
END {
	for (r = 1; r <= repeat; r++)
		for (i = 1; i <= n; i++) { e[++m] = p[i] "\t" (repeat > 1 ? p[i] " [" r "/" repeat "]" : p[i]); k[m] = w[i] }
	if (shuffle) {
		srand(seed)
		for (i = m; i > 1; i--) { j = int(rand() * i) + 1; t = e[i]; e[i] = e[j]; e[j] = t }
	} else	# stable insertion sort, longest first
		for (i = 2; i <= m; i++) {
			t = e[i]; tk = k[i]
			for (j = i - 1; j >= 1 && k[j] < tk; j--) { e[j + 1] = e[j]; k[j + 1] = k[j] }
			e[j + 1] = t; k[j + 1] = tk
		}
	for (i = 1; i <= m; i++) print e[i]
}
