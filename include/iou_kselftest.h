/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Low-level kselftest API, compatible in names, output and exit codes with
 * the kernel's tools/testing/selftests/kselftest.h.  This is the suite's own
 * implementation (harness/kselftest.c); the state is process-wide.
 *
 * Result lines are KTAP ("TAP version 13" streams).  Every printf-style
 * call prints exactly its format, so formats end in "\n", except
 * ksft_test_result_code(), which adds the newline itself.
 */
#ifndef IOU_KSELFTEST_H
#define IOU_KSELFTEST_H

#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_XFAIL	2
#define KSFT_XPASS	3
#define KSFT_SKIP	4

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef __noreturn
#define __noreturn	__attribute__((noreturn))
#endif

struct ksft_count {
	unsigned int ksft_pass;
	unsigned int ksft_fail;
	unsigned int ksft_xfail;
	unsigned int ksft_xpass;
	unsigned int ksft_xskip;
	unsigned int ksft_error;
};

extern struct ksft_count ksft_cnt;
extern unsigned int ksft_plan;

static inline unsigned int ksft_test_num(void)
{
	return ksft_cnt.ksft_pass + ksft_cnt.ksft_fail + ksft_cnt.ksft_xfail +
	       ksft_cnt.ksft_xpass + ksft_cnt.ksft_xskip + ksft_cnt.ksft_error;
}

static inline void ksft_inc_pass_cnt(void)  { ksft_cnt.ksft_pass++; }
static inline void ksft_inc_fail_cnt(void)  { ksft_cnt.ksft_fail++; }
static inline void ksft_inc_xfail_cnt(void) { ksft_cnt.ksft_xfail++; }
static inline void ksft_inc_xpass_cnt(void) { ksft_cnt.ksft_xpass++; }
static inline void ksft_inc_xskip_cnt(void) { ksft_cnt.ksft_xskip++; }
static inline void ksft_inc_error_cnt(void) { ksft_cnt.ksft_error++; }

static inline unsigned int ksft_get_pass_cnt(void)  { return ksft_cnt.ksft_pass; }
static inline unsigned int ksft_get_fail_cnt(void)  { return ksft_cnt.ksft_fail; }
static inline unsigned int ksft_get_xfail_cnt(void) { return ksft_cnt.ksft_xfail; }
static inline unsigned int ksft_get_xpass_cnt(void) { return ksft_cnt.ksft_xpass; }
static inline unsigned int ksft_get_xskip_cnt(void) { return ksft_cnt.ksft_xskip; }
static inline unsigned int ksft_get_error_cnt(void) { return ksft_cnt.ksft_error; }

void ksft_print_header(void);
void ksft_set_plan(unsigned int plan);
void ksft_print_cnts(void);
void ksft_reset_state(void);

void ksft_print_msg(const char *msg, ...) __printf(1, 2);
void ksft_perror(const char *msg);

void ksft_test_result_pass(const char *msg, ...) __printf(1, 2);
void ksft_test_result_fail(const char *msg, ...) __printf(1, 2);
void ksft_test_result_xfail(const char *msg, ...) __printf(1, 2);
void ksft_test_result_xpass(const char *msg, ...) __printf(1, 2);
void ksft_test_result_skip(const char *msg, ...) __printf(1, 2);
void ksft_test_result_error(const char *msg, ...) __printf(1, 2);
void ksft_test_result_code(int exit_code, const char *test_name,
			   const char *msg, ...) __printf(3, 4);

#define ksft_test_result(condition, fmt, ...) do {		\
	if (!!(condition))					\
		ksft_test_result_pass(fmt, ##__VA_ARGS__);	\
	else							\
		ksft_test_result_fail(fmt, ##__VA_ARGS__);	\
	} while (0)

#define ksft_test_result_report(result, fmt, ...) do {		\
	switch (result) {					\
	case KSFT_PASS:						\
		ksft_test_result_pass(fmt, ##__VA_ARGS__);	\
		break;						\
	case KSFT_FAIL:						\
		ksft_test_result_fail(fmt, ##__VA_ARGS__);	\
		break;						\
	case KSFT_XFAIL:					\
		ksft_test_result_xfail(fmt, ##__VA_ARGS__);	\
		break;						\
	case KSFT_XPASS:					\
		ksft_test_result_xpass(fmt, ##__VA_ARGS__);	\
		break;						\
	case KSFT_SKIP:						\
		ksft_test_result_skip(fmt, ##__VA_ARGS__);	\
		break;						\
	} } while (0)

__noreturn void ksft_exit_pass(void);
__noreturn void ksft_exit_fail(void);
__noreturn void ksft_exit_xfail(void);
__noreturn void ksft_exit_xpass(void);
__noreturn void ksft_exit_fail_msg(const char *msg, ...) __printf(1, 2);
__noreturn void ksft_exit_fail_perror(const char *msg);
__noreturn void ksft_exit_skip(const char *msg, ...) __printf(1, 2);

#define ksft_exit(condition) do {	\
	if (!!(condition))		\
		ksft_exit_pass();	\
	else				\
		ksft_exit_fail();	\
	} while (0)

#define ksft_finished()							\
	ksft_exit(ksft_plan == ksft_cnt.ksft_pass + ksft_cnt.ksft_xfail +	\
		  ksft_cnt.ksft_xpass + ksft_cnt.ksft_xskip)

/* true if the running kernel is at least major.minor (prefer probing) */
bool ksft_min_kernel_version(unsigned int min_major, unsigned int min_minor);

#endif /* IOU_KSELFTEST_H */
