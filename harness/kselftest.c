// SPDX-License-Identifier: GPL-2.0
/*
 * The low-level kselftest API: KTAP result lines, counters, exit helpers.
 * Line formats follow the kernel's kselftest.h exactly (see README).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "iou_kselftest.h"

struct ksft_count ksft_cnt;
unsigned int ksft_plan;

void ksft_print_header(void)
{
	/* line buffering keeps output ordered when forked children print */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("KSFT_TAP_LEVEL"))
		printf("TAP version 13\n");
}

void ksft_set_plan(unsigned int plan)
{
	ksft_plan = plan;
	printf("1..%u\n", plan);
}

void ksft_reset_state(void)
{
	memset(&ksft_cnt, 0, sizeof(ksft_cnt));
	ksft_plan = 0;
}

void ksft_print_cnts(void)
{
	if (ksft_cnt.ksft_xskip > 0)
		printf("# %u skipped test(s) detected. Consider enabling relevant config options to improve coverage.\n",
		       ksft_cnt.ksft_xskip);
	if (ksft_plan != ksft_test_num())
		printf("# Planned tests != run tests (%u != %u)\n",
		       ksft_plan, ksft_test_num());
	printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n",
	       ksft_cnt.ksft_pass, ksft_cnt.ksft_fail, ksft_cnt.ksft_xfail,
	       ksft_cnt.ksft_xpass, ksft_cnt.ksft_xskip, ksft_cnt.ksft_error);
}

static void vprint_prefixed(const char *prefix, const char *msg, va_list ap)
{
	int saved_errno = errno;

	fputs(prefix, stdout);
	errno = saved_errno;
	vprintf(msg, ap);
	errno = saved_errno;
}

void ksft_print_msg(const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vprint_prefixed("# ", msg, ap);
	va_end(ap);
}

void ksft_perror(const char *msg)
{
	int saved_errno = errno;

	printf("# %s: %s (%d)\n", msg, strerror(saved_errno), saved_errno);
	errno = saved_errno;
}

#define RESULT_FN(fn, counter, fmt_prefix)				\
void fn(const char *msg, ...)						\
{									\
	char prefix[64];						\
	va_list ap;							\
									\
	counter++;							\
	snprintf(prefix, sizeof(prefix), fmt_prefix, ksft_test_num());	\
	va_start(ap, msg);						\
	vprint_prefixed(prefix, msg, ap);				\
	va_end(ap);							\
}

RESULT_FN(ksft_test_result_pass, ksft_cnt.ksft_pass, "ok %u ")
RESULT_FN(ksft_test_result_fail, ksft_cnt.ksft_fail, "not ok %u ")
RESULT_FN(ksft_test_result_xfail, ksft_cnt.ksft_xfail, "ok %u # XFAIL ")
RESULT_FN(ksft_test_result_xpass, ksft_cnt.ksft_xpass, "ok %u # XPASS ")
RESULT_FN(ksft_test_result_skip, ksft_cnt.ksft_xskip, "ok %u # SKIP ")
RESULT_FN(ksft_test_result_error, ksft_cnt.ksft_error, "not ok %u # error ")

void ksft_test_result_code(int exit_code, const char *test_name,
			   const char *msg, ...)
{
	const char *tap_code = "ok";
	const char *directive = NULL;
	char text[1024] = "";
	va_list ap;

	switch (exit_code) {
	case KSFT_PASS:
		ksft_cnt.ksft_pass++;
		break;
	case KSFT_XFAIL:
		directive = "XFAIL";
		ksft_cnt.ksft_xfail++;
		break;
	case KSFT_XPASS:
		directive = "XPASS";
		ksft_cnt.ksft_xpass++;
		break;
	case KSFT_SKIP:
		directive = "SKIP";
		ksft_cnt.ksft_xskip++;
		break;
	case KSFT_FAIL:
	default:
		tap_code = "not ok";
		ksft_cnt.ksft_fail++;
		break;
	}

	if (msg) {
		va_start(ap, msg);
		vsnprintf(text, sizeof(text), msg, ap);
		va_end(ap);
	}
	if (directive)
		printf("%s %u %s # %s%s%s\n", tap_code, ksft_test_num(),
		       test_name, directive, text[0] ? " " : "", text);
	else if (text[0])	/* a plain diagnostic after the name */
		printf("%s %u %s #  %s\n", tap_code, ksft_test_num(),
		       test_name, text);
	else
		printf("%s %u %s\n", tap_code, ksft_test_num(), test_name);
}

void ksft_exit_pass(void)
{
	ksft_print_cnts();
	exit(KSFT_PASS);
}

void ksft_exit_fail(void)
{
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

void ksft_exit_xfail(void)
{
	ksft_print_cnts();
	exit(KSFT_XFAIL);
}

void ksft_exit_xpass(void)
{
	ksft_print_cnts();
	exit(KSFT_XPASS);
}

void ksft_exit_fail_msg(const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vprint_prefixed("Bail out! ", msg, ap);
	va_end(ap);
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

void ksft_exit_fail_perror(const char *msg)
{
	int saved_errno = errno;

	printf("Bail out! %s: %s (%d)\n", msg, strerror(saved_errno), saved_errno);
	ksft_print_cnts();
	exit(KSFT_FAIL);
}

void ksft_exit_skip(const char *msg, ...)
{
	va_list ap;

	/* before any plan or result, "1..0 # SKIP" is the whole stream */
	if (ksft_plan || ksft_test_num()) {
		ksft_cnt.ksft_xskip++;
		printf("ok %u # SKIP ", ksft_test_num());
	} else {
		printf("1..0 # SKIP ");
	}
	va_start(ap, msg);
	vprintf(msg, ap);
	va_end(ap);
	if (ksft_test_num())
		ksft_print_cnts();
	exit(KSFT_SKIP);
}

bool ksft_min_kernel_version(unsigned int min_major, unsigned int min_minor)
{
	struct utsname info;
	unsigned int major, minor;

	if (uname(&info) || sscanf(info.release, "%u.%u.", &major, &minor) != 2)
		return false;
	return major > min_major || (major == min_major && minor >= min_minor);
}
