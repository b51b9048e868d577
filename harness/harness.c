// SPDX-License-Identifier: GPL-2.0
/*
 * The case runner behind iou_kselftest_harness.h: registration, filtering,
 * one process (and process group) per case, timeouts, verdicts, KTAP.
 *
 * Verdicts: a case process reports through shared memory and its exit
 * status.  0 is a pass, 1 a failure, 4 a skip; any other status, a stray
 * exit that bypassed the harness, a signal or a timeout is a failure.  A
 * SKIP after a failed check does not hide the failure.  A case that
 * passes without evaluating a single check is reported (a failure when
 * IOU_STRICT_CHECKS is set: the self-tests and debug runs).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iou_kselftest_harness.h"
#include "iou_abi.h"
#include "iou_harness.h"

struct __fixture_metadata _fixture_global = {
	.name = "global",
	.prev = &_fixture_global,
};

static struct __fixture_metadata *fixture_list = &_fixture_global;
static struct __test_xfail *xfail_list;
static bool no_iouring_check;
static const struct iou_requirements *program_reqs;

struct __test_metadata *__th_current;
static volatile pid_t running_case;

/* The runner's timeout kills the harness: take the running case along. */
static void on_terminate(int sig)
{
	if (running_case > 0)
		kill(-running_case, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int terminating_signals[] = { SIGTERM, SIGINT, SIGHUP };

/* Doubly linked lists with the head's prev pointing at the tail. */
#define LIST_APPEND(head, item) do {			\
	if (!(head)) {					\
		(head) = (item);			\
		(item)->next = NULL;			\
		(item)->prev = (item);			\
	} else {					\
		(item)->prev = (head)->prev;		\
		(item)->next = NULL;			\
		(head)->prev->next = (item);		\
		(head)->prev = (item);			\
	}						\
	} while (0)

void __register_fixture(struct __fixture_metadata *f)
{
	LIST_APPEND(fixture_list, f);
}

void __register_test(struct __test_metadata *t)
{
	LIST_APPEND(t->fixture->tests, t);
}

void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v)
{
	LIST_APPEND(f->variant, v);
}

void __register_xfail(struct __test_xfail *xf)
{
	LIST_APPEND(xfail_list, xf);
}

void __th_set_no_iouring_check(void)
{
	no_iouring_check = true;
}

void __th_set_program_reqs(const struct iou_requirements *req)
{
	program_reqs = req;
}

unsigned int iou_timeout_scale(void)
{
	static unsigned int scale;

	if (!scale) {
		const char *s = getenv("IOU_TIMEOUT_SCALE");
		long v = s ? strtol(s, NULL, 10) : 1;

		scale = v > 0 && v < 1000 ? (unsigned int)v : 1;
	}
	return scale;
}

/* ---- value comparison and reporting ------------------------------ */

/* -1 for a < b, 0 for equal, 1 for a > b, by mathematical value */
static int cmp_values(struct __th_value a, struct __th_value b)
{
	if (a.is_signed && b.is_signed)
		return a.s < b.s ? -1 : a.s > b.s;
	if (!a.is_signed && !b.is_signed)
		return a.u < b.u ? -1 : a.u > b.u;
	if (a.is_signed) {
		if (a.s < 0)
			return -1;
		return (unsigned long long)a.s < b.u ? -1 :
		       (unsigned long long)a.s > b.u;
	}
	if (b.s < 0)
		return 1;
	return a.u < (unsigned long long)b.s ? -1 :
	       a.u > (unsigned long long)b.s;
}

bool __th_compare(struct __th_value a, enum __th_op op, struct __th_value b)
{
	int c = cmp_values(a, b);

	switch (op) {
	case __TH_EQ: return c == 0;
	case __TH_NE: return c != 0;
	case __TH_LT: return c < 0;
	case __TH_LE: return c <= 0;
	case __TH_GT: return c > 0;
	case __TH_GE: return c >= 0;
	}
	return false;
}

static void format_value(char *buf, size_t len, struct __th_value v)
{
	if (v.is_signed)
		snprintf(buf, len, "%lld", v.s);
	else if (v.u > 0xffff)
		snprintf(buf, len, "%llu (0x%llx)", v.u, v.u);
	else
		snprintf(buf, len, "%llu", v.u);
}

void __th_report(struct __test_metadata *m, const char *file, int line,
		 const char *exp_str, struct __th_value exp, const char *op,
		 const char *seen_str, struct __th_value seen)
{
	char e[64], s[64];

	format_value(e, sizeof(e), exp);
	format_value(s, sizeof(s), seen);
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (%s) %s %s (%s)\n",
		file, line, m->name, exp_str, e, op, seen_str, s);
}

void __th_report_str(struct __test_metadata *m, const char *file, int line,
		     const char *exp_str, const char *exp, const char *op,
		     const char *seen_str, const char *seen)
{
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (\"%s\") %s %s (\"%s\")\n",
		file, line, m->name, exp_str, exp, op, seen_str, seen);
}

void __th_skip(struct __test_metadata *m, const char *fmt, ...)
{
	va_list ap;
	char local[sizeof(m->results->reason)];
	char *reason = m->results ? m->results->reason : local;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(local), fmt, ap);
	va_end(ap);
	/* KTAP directive text must stay on one line */
	for (char *p = reason; *p; p++)
		if (*p == '\n' || *p == '#')
			*p = ' ';
	if (m->exit_code == KSFT_FAIL) {
		/* a check already failed: skipping now must not hide it */
		fprintf(TH_LOG_STREAM, "#      SKIP      %s (ignored: the case already failed)\n",
			reason);
		return;
	}
	if (iou_broken_evidence()) {
		/* a probe found the kernel broken: nothing it lacks is known */
		fprintf(TH_LOG_STREAM, "#      SKIP      %s (refused: %s)\n", reason,
			iou_broken_evidence());
		m->exit_code = KSFT_FAIL;
		return;
	}
	fprintf(TH_LOG_STREAM, "#      SKIP      %s\n", reason);
	m->exit_code = KSFT_SKIP;
}

void __th_requirement_broken(struct __test_metadata *m, const char *why)
{
	fprintf(TH_LOG_STREAM, "# %s: %s\n", m->name, why);
	m->exit_code = KSFT_FAIL;
}

void __th_run_teardown(struct __test_metadata *m)
{
	if (!m->setup_completed || m->in_teardown || !m->teardown_fn)
		return;
	m->in_teardown = true;
	m->teardown_fn(m);
}

void __th_case_exit(struct __test_metadata *m)
{
	/* a case that took a broken channel's "no" for absence did not pass */
	if (m->exit_code == KSFT_PASS && iou_broken_evidence()) {
		fprintf(TH_LOG_STREAM, "# %s: a requirement probe found the kernel broken: %s\n",
			m->name, iou_broken_evidence());
		m->exit_code = KSFT_FAIL;
	}
	if (m->results) {
		m->results->exit_code = m->exit_code;
		m->results->finished = true;
	}
	fflush(NULL);
	_exit(m->exit_code);
}

int __th_bail(int for_realz, struct __test_metadata *m)
{
	if (for_realz) {
		m->aborted = true;
		__th_run_teardown(m);
		__th_case_exit(m);
	}
	return 0;
}

/* ---- filters ----------------------------------------------------- */

struct filter {
	char kind;	/* t T v V f F r */
	const char *arg;
};

static struct filter *filters;
static int nr_filters;

static bool filter_matches(const struct filter *f,
			   const struct __fixture_metadata *fx,
			   const struct __fixture_variant_metadata *v,
			   const struct __test_metadata *t)
{
	char full[512];

	switch (f->kind) {
	case 't': case 'T':
		return !strcmp(f->arg, t->name);
	case 'v': case 'V':
		return !strcmp(f->arg, v->name);
	case 'f': case 'F':
		return !strcmp(f->arg, fx->name);
	case 'r':
		snprintf(full, sizeof(full), "%s.%s%s%s", fx->name, v->name,
			 v->name[0] ? "." : "", t->name);
		if (!strcmp(f->arg, full))
			return true;
		snprintf(full, sizeof(full), "%s.%s", fx->name, t->name);
		return !v->name[0] && !strcmp(f->arg, full);
	}
	return false;
}

static bool f_is_positive(char kind)
{
	return kind == 't' || kind == 'v' || kind == 'f' || kind == 'r';
}

static bool test_enabled(const struct __fixture_metadata *fx,
			 const struct __fixture_variant_metadata *v,
			 const struct __test_metadata *t)
{
	bool has_positive = false;

	for (int i = 0; i < nr_filters; i++) {
		bool positive = f_is_positive(filters[i].kind);

		has_positive |= positive;
		if (filter_matches(&filters[i], fx, v, t))
			return positive;
	}
	return !has_positive;
}

/* ---- running one case -------------------------------------------- */

static struct __fixture_variant_metadata no_variant = { .name = "" };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int rm_entry(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb; (void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return;
	/* a case may leave read-only directories behind */
	chmod(path, 0700);
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *signame(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
		{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGCHLD, "SIGCHLD" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
		{ SIGSYS, "SIGSYS" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "?";
}

/*
 * Wait for the case's process; SIGCHLD is blocked so sigtimedwait() sees
 * it.  Returns true and the wait status if it ended in time.
 */
static bool wait_case(pid_t pid, unsigned int timeout_s, int *status)
{
	double deadline = now_ms() + timeout_s * 1000.0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		double left = deadline - now_ms();
		struct timespec ts;

		if (r == pid)
			return true;
		if (left <= 0)
			return false;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)((left - ts.tv_sec * 1000.0) * 1e6);
		sigtimedwait(&set, NULL, &ts);
	}
}

static bool strict_checks(void)
{
	const char *s = getenv("IOU_STRICT_CHECKS");

	return s && *s && strcmp(s, "0");
}

/*
 * With IOU_PID_LOG naming a file, record "<pid> <program> <case>" for this
 * process (case "-") and each case process, so that a kernel splat naming
 * a task can be traced to the program and case that ran it.
 */
static const char *program_name;

static void log_pid(pid_t pid, const char *case_name)
{
	const char *path = getenv("IOU_PID_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "ae")))
		return;
	fprintf(f, "%d %s %s\n", (int)pid, program_name, case_name);
	fclose(f);
}

static bool is_xfail(struct __fixture_metadata *fx,
		     struct __fixture_variant_metadata *v,
		     struct __test_metadata *t)
{
	for (struct __test_xfail *xf = xfail_list; xf; xf = xf->next)
		if (xf->fixture == fx && xf->variant == v && xf->test == t)
			return true;
	return false;
}

static void run_case(struct __fixture_metadata *fx,
		     struct __fixture_variant_metadata *v,
		     struct __test_metadata *t, unsigned int num,
		     int all_code, const char *all_reason)
{
	char name[512], diag[1200] = "";
	struct __test_results *res;
	unsigned int tmo = (unsigned int)t->timeout * iou_timeout_scale();
	sigset_t block, old;
	double start;
	int status = 0, code;
	bool exited = false;
	pid_t pid, parent;

	snprintf(name, sizeof(name), "%s.%s%s%s", fx->name, v->name,
		 v->name[0] ? "." : "", t->name);
	printf("#  RUN           %s ...\n", name);

	/* the whole program's requirements decided it: the case does not run */
	if (all_code == KSFT_SKIP) {
		fprintf(TH_LOG_STREAM, "#      SKIP      %s\n", all_reason);
		printf("#            OK  %s\n", name);
		ksft_test_result_code(KSFT_SKIP, name, "%s", all_reason);
		return;
	}
	if (all_code == KSFT_FAIL) {
		fprintf(TH_LOG_STREAM, "# %s: %s\n", name, all_reason);
		printf("#          FAIL  %s\n", name);
		ksft_test_result_code(is_xfail(fx, v, t) ? KSFT_XFAIL : KSFT_FAIL,
				      name, NULL);
		return;
	}

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		ksft_test_result_code(KSFT_FAIL, name, NULL);
		return;
	}
	memset(res, 0, sizeof(*res));
	snprintf(t->scratch, sizeof(t->scratch), "%s/iou-%d-%u",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid(), num);
	t->full_name = name;

	fflush(stdout);
	fflush(stderr);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	start = now_ms();
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		snprintf(diag, sizeof(diag), "fork failed: %s", strerror(errno));
		code = KSFT_FAIL;
		goto report;
	}
	if (pid == 0) {
		for (size_t i = 0; i < sizeof(terminating_signals) / sizeof(int); i++)
			signal(terminating_signals[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		/*
		 * Its own process group keeps the case out of the runner's
		 * kill of the program's group: die with the program instead.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(KSFT_FAIL);
		t->results = res;
		t->exit_code = KSFT_PASS;
		t->trigger = 0;
		__th_current = t;
		t->fn(t, v == &no_variant ? NULL : v);
		__th_case_exit(t);
	}
	setpgid(pid, pid);	/* no race with the child's own setpgid() */
	running_case = pid;
	log_pid(pid, name);

	if (!wait_case(pid, tmo, &status)) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(diag, sizeof(diag),
			 "Test terminated by timeout (%u s)", tmo);
		code = KSFT_FAIL;
	} else if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
		exited = true;
		if (t->termsig != -1) {
			snprintf(diag, sizeof(diag),
				 "Test exited with status %d but signal %d (%s) was expected",
				 code, t->termsig, signame(t->termsig));
			code = KSFT_FAIL;
		} else if (code == KSFT_FAIL) {
			snprintf(diag, sizeof(diag), "Test failed");
		} else if (code != KSFT_PASS && code != KSFT_SKIP) {
			/* XFAIL and XPASS are the harness's to give, never a case's */
			snprintf(diag, sizeof(diag),
				 "Test exited with unexpected status %d", code);
			code = KSFT_FAIL;
		} else if (!res->finished || res->exit_code != code) {
			snprintf(diag, sizeof(diag),
				 "Test exited with status %d without reaching the harness's end", code);
			code = KSFT_FAIL;
		}
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (sig == t->termsig) {
			code = KSFT_PASS;
		} else {
			snprintf(diag, sizeof(diag),
				 "Test terminated unexpectedly by signal %d (%s)",
				 sig, signame(sig));
			code = KSFT_FAIL;
		}
	} else {
		snprintf(diag, sizeof(diag), "Test ended in an unknown way (status %#x)",
			 status);
		code = KSFT_FAIL;
	}
	if (exited && code == KSFT_PASS && res->checks == 0) {
		snprintf(diag, sizeof(diag), "Test passed without evaluating a single check");
		if (strict_checks())
			code = KSFT_FAIL;
	}
	/* nothing the case started outlives it */
	kill(-pid, SIGKILL);
	running_case = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	remove_tree(t->scratch);

report:
	if (code == KSFT_FAIL && is_xfail(fx, v, t))
		code = KSFT_XFAIL;
	if (diag[0])
		fprintf(TH_LOG_STREAM, "# %s: %s\n", name, diag);
	fflush(TH_LOG_STREAM);
	printf("#      DURATION  %.0f ms\n", now_ms() - start);
	printf("#%s  %s\n", code == KSFT_FAIL ? "          FAIL" : "            OK",
	       name);
	if (code == KSFT_SKIP)
		ksft_test_result_code(code, name, "%s",
				      res->reason[0] ? res->reason : "unknown");
	else if (code == KSFT_XFAIL || code == KSFT_XPASS)
		ksft_test_result_code(code, name, "%s", "unknown");
	else
		ksft_test_result_code(code, name, NULL);
	t->full_name = NULL;
	munmap(res, sizeof(*res));
}

/* ---- main -------------------------------------------------------- */

static void usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [-h|-l] [-t|-T|-v|-V|-f|-F|-r name]\n"
		"\t-h       print help\n"
		"\t-l       list all tests\n"
		"\t-t name  include test\n"
		"\t-T name  exclude test\n"
		"\t-v name  include variant\n"
		"\t-V name  exclude variant\n"
		"\t-f name  include fixture\n"
		"\t-F name  exclude fixture\n"
		"\t-r name  run specified test (fixture[.variant].test)\n"
		"Filters are applied in order; the first match decides.\n",
		prog);
}

static void list_tests(void)
{
	for (struct __fixture_metadata *fx = fixture_list; fx; fx = fx->next) {
		struct __fixture_variant_metadata *v = fx->variant ?: &no_variant;

		for (; v; v = v->next)
			for (struct __test_metadata *t = fx->tests; t; t = t->next)
				fprintf(stderr, "%s.%s%s%s\n", fx->name, v->name,
					v->name[0] ? "." : "", t->name);
	}
}

/*
 * The program's declared fixes as KTAP diagnostics before the plan, one
 * line each: "# fix: <commit> <cve> <cases> <subject>", and "# unsafe:
 * <reason>" for a reproducer that can crash a kernel without the fix.
 */
static void print_fixes(const struct iou_requirements *req)
{
	for (const struct iou_fix *f = req->fixes; f && f->subject; f++)
		printf("# fix: %s %s %s %s\n", f->commit && *f->commit ? f->commit : "-",
		       f->cve && *f->cve ? f->cve : "-",
		       f->cases && *f->cases ? f->cases : "*", f->subject);
	if (req->unsafe)
		printf("# unsafe: %s\n", req->unsafe);
}

/* the verdict of the whole program, before any case: KSFT_PASS to run them */
static int program_verdict(char *why, size_t len)
{
	const char *safe_only = getenv("IOU_SAFE_ONLY");
	enum iou_have have;

	if (program_reqs && program_reqs->unsafe && safe_only && *safe_only &&
	    strcmp(safe_only, "0")) {
		snprintf(why, len, "unsafe on a kernel without the fix (%s); IOU_SAFE_ONLY is set",
			 program_reqs->unsafe);
		return KSFT_SKIP;
	}
	if (!program_reqs)
		return KSFT_PASS;
	have = iou_requirements_met(program_reqs, why, len);
	return have == IOU_PRESENT ? KSFT_PASS : have == IOU_ABSENT ? KSFT_SKIP : KSFT_FAIL;
}

int test_harness_run(int argc, char **argv)
{
	unsigned int count = 0, cases = 0, num = 0;
	int all_code = KSFT_PASS;
	char reason[512], all_reason[512] = "";
	int opt;

	program_name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	while ((opt = getopt(argc, argv, "hlt:T:v:V:f:F:r:")) != -1) {
		switch (opt) {
		case 'h':
			usage(argv[0]);
			return KSFT_SKIP;
		case 'l':
			list_tests();
			return KSFT_SKIP;
		case 't': case 'T': case 'v': case 'V':
		case 'f': case 'F': case 'r':
			filters = realloc(filters, sizeof(*filters) * (nr_filters + 1));
			filters[nr_filters].kind = (char)opt;
			filters[nr_filters].arg = optarg;
			nr_filters++;
			break;
		default:
			usage(argv[0]);
			return KSFT_FAIL;
		}
	}

	for (size_t i = 0; i < sizeof(terminating_signals) / sizeof(int); i++)
		signal(terminating_signals[i], on_terminate);
	ksft_print_header();
	log_pid(getpid(), "-");
	if (program_reqs)
		print_fixes(program_reqs);
	if (!no_iouring_check) {
		switch (iou_available(reason, sizeof(reason))) {
		case IOU_ABSENT:
			ksft_exit_skip("%s\n", reason);
		case IOU_BROKEN:
			all_code = KSFT_FAIL;
			snprintf(all_reason, sizeof(all_reason), "%s", reason);
			break;
		case IOU_PRESENT:
			/* fill the probe caches once, before the cases fork */
			iou_probe_all();
			break;
		}
	}

	for (struct __fixture_metadata *fx = fixture_list; fx; fx = fx->next) {
		struct __fixture_variant_metadata *v = fx->variant ?: &no_variant;

		for (; v; v = v->next) {
			unsigned int before = count;

			for (struct __test_metadata *t = fx->tests; t; t = t->next)
				count += test_enabled(fx, v, t);
			cases += count != before;
		}
	}

	if (all_code == KSFT_PASS)
		all_code = program_verdict(all_reason, sizeof(all_reason));

	ksft_set_plan(count);
	printf("# Starting %u tests from %u test cases.\n", count, cases);
	for (struct __fixture_metadata *fx = fixture_list; fx; fx = fx->next) {
		struct __fixture_variant_metadata *v = fx->variant ?: &no_variant;

		for (; v; v = v->next)
			for (struct __test_metadata *t = fx->tests; t; t = t->next)
				if (test_enabled(fx, v, t))
					run_case(fx, v, t, ++num, all_code, all_reason);
	}

	printf("# %s: %u / %u tests passed.\n",
	       ksft_cnt.ksft_fail ? "FAILED" : "PASSED",
	       ksft_cnt.ksft_pass + ksft_cnt.ksft_xskip + ksft_cnt.ksft_xfail +
	       ksft_cnt.ksft_xpass, count);
	ksft_exit(ksft_cnt.ksft_fail == 0);
}
