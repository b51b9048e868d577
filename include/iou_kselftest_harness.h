/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test harness, compatible in names and meaning with the kernel's
 * tools/testing/selftests/kselftest_harness.h; the implementation is this
 * suite's own (harness/harness.c).
 *
 *   TEST(name) { ... }                      one case, fixture "global"
 *   TEST_SIGNAL(name, sig) { ... }          passes only if it dies by sig
 *   FIXTURE(f) { members };                 per-case data, "self"
 *   FIXTURE_SETUP(f) { ... }                runs before each case of f
 *   FIXTURE_TEARDOWN(f) { ... }             runs after it (also after a
 *                                           failed ASSERT in the case)
 *   FIXTURE_VARIANT(f) { members };         each case of f runs once per
 *   FIXTURE_VARIANT_ADD(f, v) { .m = x };   variant, data in "variant"
 *   TEST_F(f, name), TEST_F_SIGNAL(f, name, sig), TEST_F_TIMEOUT(f, name, s)
 *   XFAIL_ADD(f, v, name)                   expected failure
 *   ASSERT_*(expected, seen) / EXPECT_*     ASSERT ends the case
 *   SKIP(statement, fmt, ...)               skip with a reason
 *   TH_LOG(fmt, ...)                        diagnostic on stderr
 *   TEST_HARNESS_MAIN                       main()
 *
 * Each case runs in its own forked process (and process group) with a
 * timeout; a crash, a stray exit status or a timeout fails the case with
 * the reason printed.  Output is KTAP; the program exits 0 if nothing
 * failed, 1 otherwise, and 4 (whole-program skip) when io_uring itself is
 * unavailable.
 *
 * Comparisons are exact and value-based: ASSERT_EQ(-1, (unsigned)x) fails
 * for x == 0xffffffff, because -1 and 4294967295 are different numbers.
 */
#ifndef IOU_KSELFTEST_HARNESS_H
#define IOU_KSELFTEST_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iou_kselftest.h"

#define TEST_TIMEOUT_DEFAULT 30

#ifndef TH_LOG_STREAM
#define TH_LOG_STREAM stderr
#endif
#ifndef TH_LOG_ENABLED
#define TH_LOG_ENABLED 1
#endif

struct __test_metadata;
struct __fixture_variant_metadata;

/* What a case's process reports back to the harness (shared memory). */
struct __test_results {
	int exit_code;
	bool setup_completed;
	bool finished;		/* left through the harness, not a stray exit */
	unsigned int checks;	/* ASSERT_* and EXPECT_* evaluated */
	char reason[1024];
};

struct __fixture_metadata {
	const char *name;
	struct __test_metadata *tests;
	struct __fixture_variant_metadata *variant;
	struct __fixture_metadata *prev, *next;
};

struct __fixture_variant_metadata {
	const char *name;
	const void *data;
	struct __test_xfail *xfails;
	struct __fixture_variant_metadata *prev, *next;
};

struct __test_xfail {
	struct __fixture_metadata *fixture;
	struct __fixture_variant_metadata *variant;
	struct __test_metadata *test;
	struct __test_xfail *prev, *next;
};

struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *,
		   struct __fixture_variant_metadata *);
	struct __fixture_metadata *fixture;
	int termsig;
	int timeout;		/* seconds */
	/* state of a running case, valid in its process */
	int exit_code;
	int trigger;		/* set by a failed check, for its handler */
	bool aborted;
	bool setup_completed;
	bool in_teardown;
	void (*teardown_fn)(struct __test_metadata *);
	void *self;
	const void *variant_data;
	struct __test_results *results;
	const char *full_name;
	char scratch[256];	/* per-case scratch directory (iou_scratch) */
	struct __test_metadata *prev, *next;
};

extern struct __fixture_metadata _fixture_global;

void __register_fixture(struct __fixture_metadata *f);
void __register_test(struct __test_metadata *t);
void __register_fixture_variant(struct __fixture_metadata *f,
				struct __fixture_variant_metadata *v);
void __register_xfail(struct __test_xfail *xf);

int test_harness_run(int argc, char **argv);

/* internals used by the macros below */
struct __th_value {
	bool is_signed;
	long long s;
	unsigned long long u;
};
enum __th_op { __TH_EQ, __TH_NE, __TH_LT, __TH_LE, __TH_GT, __TH_GE };
bool __th_compare(struct __th_value a, enum __th_op op, struct __th_value b);
void __th_report(struct __test_metadata *m, const char *file, int line,
		 const char *exp_str, struct __th_value exp, const char *op,
		 const char *seen_str, struct __th_value seen);
void __th_report_str(struct __test_metadata *m, const char *file, int line,
		     const char *exp_str, const char *exp, const char *op,
		     const char *seen_str, const char *seen);
int __th_bail(int for_realz, struct __test_metadata *m);
void __th_skip(struct __test_metadata *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void __th_run_teardown(struct __test_metadata *m);
__attribute__((noreturn)) void __th_case_exit(struct __test_metadata *m);
void __th_set_no_iouring_check(void);

#define __th_is_signed_type(var) \
	(!!(((__typeof__(var))(-1L)) < (__typeof__(var))1))
#define __th_val(v) ((struct __th_value){				\
	.is_signed = __th_is_signed_type(v),				\
	.s = __th_is_signed_type(v) ? (long long)(v) : 0,		\
	.u = __th_is_signed_type(v) ? 0 : (unsigned long long)(v) })

/* ---- logging ---------------------------------------------------- */

#define TH_LOG(fmt, ...) do {						\
	if (TH_LOG_ENABLED)						\
		__TH_LOG(fmt, ##__VA_ARGS__);				\
	} while (0)

#define __TH_LOG(fmt, ...)						\
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:" fmt "\n",			\
		__FILE__, __LINE__, _metadata->name, ##__VA_ARGS__)

#define SKIP(statement, fmt, ...) do {					\
	__th_skip(_metadata, fmt, ##__VA_ARGS__);			\
	statement;							\
	} while (0)

/* ---- definitions of cases --------------------------------------- */

#define TEST(test_name) __TEST_IMPL(test_name, -1)
#define TEST_SIGNAL(test_name, signal) __TEST_IMPL(test_name, signal)

#define __TEST_IMPL(test_name, _signal)					\
	static void test_name(struct __test_metadata *_metadata);	\
	static void wrapper_##test_name(				\
		struct __test_metadata *_metadata,			\
		struct __fixture_variant_metadata __attribute__((unused)) *variant) \
	{								\
		_metadata->setup_completed = true;			\
		if (_metadata->results)					\
			_metadata->results->setup_completed = true;	\
		test_name(_metadata);					\
	}								\
	static struct __test_metadata _##test_name##_object = {	\
		.name = #test_name,					\
		.fn = &wrapper_##test_name,				\
		.fixture = &_fixture_global,				\
		.termsig = _signal,					\
		.timeout = TEST_TIMEOUT_DEFAULT,			\
	};								\
	static void __attribute__((constructor)) _register_##test_name(void) \
	{								\
		__register_test(&_##test_name##_object);		\
	}								\
	static void test_name(						\
		struct __test_metadata __attribute__((unused)) *_metadata)

#define FIXTURE_DATA(datatype_name) struct _test_data_##datatype_name

#define FIXTURE(fixture_name)						\
	FIXTURE_VARIANT(fixture_name);					\
	static struct __fixture_metadata _##fixture_name##_fixture_object = \
		{ .name = #fixture_name, };				\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_data(void)				\
	{								\
		__register_fixture(&_##fixture_name##_fixture_object);	\
	}								\
	FIXTURE_DATA(fixture_name)

#define FIXTURE_SETUP(fixture_name)					\
	static void fixture_name##_setup(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name)			\
			__attribute__((unused)) *variant)

#define FIXTURE_TEARDOWN(fixture_name)					\
	static void fixture_name##_teardown(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name)			\
			__attribute__((unused)) *variant)

#define FIXTURE_VARIANT(fixture_name) struct _fixture_variant_##fixture_name

#define FIXTURE_VARIANT_ADD(fixture_name, variant_name)		\
	extern const FIXTURE_VARIANT(fixture_name)			\
		_##fixture_name##_##variant_name##_variant;		\
	static struct __fixture_variant_metadata			\
		_##fixture_name##_##variant_name##_object = {		\
		.name = #variant_name,					\
		.data = &_##fixture_name##_##variant_name##_variant,	\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_##variant_name(void)			\
	{								\
		__register_fixture_variant(&_##fixture_name##_fixture_object, \
			&_##fixture_name##_##variant_name##_object);	\
	}								\
	const FIXTURE_VARIANT(fixture_name)				\
		_##fixture_name##_##variant_name##_variant =

#define TEST_F(fixture_name, test_name) \
	__TEST_F_IMPL(fixture_name, test_name, -1, TEST_TIMEOUT_DEFAULT)
#define TEST_F_SIGNAL(fixture_name, test_name, signal) \
	__TEST_F_IMPL(fixture_name, test_name, signal, TEST_TIMEOUT_DEFAULT)
#define TEST_F_TIMEOUT(fixture_name, test_name, timeout) \
	__TEST_F_IMPL(fixture_name, test_name, -1, timeout)

#define __TEST_F_IMPL(fixture_name, test_name, signal, tmout)		\
	static void fixture_name##_##test_name(				\
		struct __test_metadata *_metadata,			\
		FIXTURE_DATA(fixture_name) *self,			\
		const FIXTURE_VARIANT(fixture_name) *variant);		\
	static void __teardown_##fixture_name##_##test_name(		\
		struct __test_metadata *_metadata)			\
	{								\
		fixture_name##_teardown(_metadata,			\
			(FIXTURE_DATA(fixture_name) *)_metadata->self,	\
			(const FIXTURE_VARIANT(fixture_name) *)		\
				_metadata->variant_data);		\
	}								\
	static void wrapper_##fixture_name##_##test_name(		\
		struct __test_metadata *_metadata,			\
		struct __fixture_variant_metadata *variant)		\
	{								\
		FIXTURE_DATA(fixture_name) self_private;		\
		memset(&self_private, 0, sizeof(self_private));		\
		_metadata->self = &self_private;			\
		_metadata->variant_data = variant ? variant->data : NULL; \
		_metadata->teardown_fn =				\
			__teardown_##fixture_name##_##test_name;	\
		fixture_name##_setup(_metadata, &self_private,		\
			(const FIXTURE_VARIANT(fixture_name) *)		\
				_metadata->variant_data);		\
		/* a SKIP or failure in setup ends the case here */	\
		if (_metadata->exit_code != KSFT_PASS)			\
			return;						\
		_metadata->setup_completed = true;			\
		if (_metadata->results)					\
			_metadata->results->setup_completed = true;	\
		fixture_name##_##test_name(_metadata, &self_private,	\
			(const FIXTURE_VARIANT(fixture_name) *)		\
				_metadata->variant_data);		\
		__th_run_teardown(_metadata);				\
	}								\
	static struct __test_metadata					\
		_##fixture_name##_##test_name##_object = {		\
		.name = #test_name,					\
		.fn = &wrapper_##fixture_name##_##test_name,		\
		.fixture = &_##fixture_name##_fixture_object,		\
		.termsig = signal,					\
		.timeout = tmout,					\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_##test_name(void)			\
	{								\
		__register_test(&_##fixture_name##_##test_name##_object); \
	}								\
	static void fixture_name##_##test_name(				\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture_name)			\
			__attribute__((unused)) *variant)

#define XFAIL_ADD(fixture_name, variant_name, test_name)		\
	static struct __test_xfail					\
		_##fixture_name##_##variant_name##_##test_name##_xfail = { \
		.fixture = &_##fixture_name##_fixture_object,		\
		.variant = &_##fixture_name##_##variant_name##_object,	\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture_name##_##variant_name##_##test_name##_xfail(void) \
	{								\
		_##fixture_name##_##variant_name##_##test_name##_xfail.test = \
			&_##fixture_name##_##test_name##_object;	\
		__register_xfail(&_##fixture_name##_##variant_name##_##test_name##_xfail); \
	}

/* Programs that test the harness itself, not io_uring, say so first. */
#define KSFT_HARNESS_NO_IOURING_CHECK					\
	static void __attribute__((constructor)) __th_no_iouring(void)	\
	{								\
		__th_set_no_iouring_check();				\
	}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return test_harness_run(argc, argv);			\
	}

/* ---- checks ----------------------------------------------------- */

#define ASSERT_EQ(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_EQ, ==, 1)
#define ASSERT_NE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_NE, !=, 1)
#define ASSERT_LT(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_LT, <, 1)
#define ASSERT_LE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_LE, <=, 1)
#define ASSERT_GT(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_GT, >, 1)
#define ASSERT_GE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_GE, >=, 1)
#define ASSERT_NULL(seen) __EXPECT(NULL, "NULL", seen, #seen, __TH_EQ, ==, 1)
#define ASSERT_TRUE(seen) __EXPECT(0, "0", seen, #seen, __TH_NE, !=, 1)
#define ASSERT_FALSE(seen) __EXPECT(0, "0", seen, #seen, __TH_EQ, ==, 1)
#define ASSERT_STREQ(expected, seen) __EXPECT_STR(expected, seen, ==, 1)
#define ASSERT_STRNE(expected, seen) __EXPECT_STR(expected, seen, !=, 1)

#define EXPECT_EQ(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_EQ, ==, 0)
#define EXPECT_NE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_NE, !=, 0)
#define EXPECT_LT(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_LT, <, 0)
#define EXPECT_LE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_LE, <=, 0)
#define EXPECT_GT(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_GT, >, 0)
#define EXPECT_GE(expected, seen) __EXPECT(expected, #expected, seen, #seen, __TH_GE, >=, 0)
#define EXPECT_NULL(seen) __EXPECT(NULL, "NULL", seen, #seen, __TH_EQ, ==, 0)
#define EXPECT_TRUE(seen) __EXPECT(0, "0", seen, #seen, __TH_NE, !=, 0)
#define EXPECT_FALSE(seen) __EXPECT(0, "0", seen, #seen, __TH_EQ, ==, 0)
#define EXPECT_STREQ(expected, seen) __EXPECT_STR(expected, seen, ==, 0)
#define EXPECT_STRNE(expected, seen) __EXPECT_STR(expected, seen, !=, 0)

/*
 * A failed check may be followed by a statement or block that runs only
 * on failure ("ASSERT_EQ(a, b) TH_LOG(...);"); then an ASSERT ends the
 * case.
 */
#define OPTIONAL_HANDLER(_assert) \
	for (; _metadata->trigger; _metadata->trigger = \
		__th_bail(_assert, _metadata))

/* every check is counted, so a case that checked nothing is visible */
#define __TH_COUNT_CHECK() do {						\
	if (_metadata->results)						\
		_metadata->results->checks++;				\
	} while (0)

#define __EXPECT(_expected, _expected_str, _seen, _seen_str, _op, _opstr, _assert) do { \
	__typeof__(_expected) __exp = (_expected);			\
	__typeof__(_seen) __seen = (_seen);				\
	__TH_COUNT_CHECK();						\
	if (!__th_compare(__th_val(__exp), _op, __th_val(__seen))) {	\
		__th_report(_metadata, __FILE__, __LINE__,		\
			    _expected_str, __th_val(__exp), #_opstr,	\
			    _seen_str, __th_val(__seen));		\
		_metadata->exit_code = KSFT_FAIL;			\
		_metadata->trigger = 1;					\
	}								\
	} while (0); OPTIONAL_HANDLER(_assert)

#define __EXPECT_STR(_expected, _seen, _t, _assert) do {		\
	const char *__exp = (_expected);				\
	const char *__seen = (_seen);					\
	__TH_COUNT_CHECK();						\
	if (!(strcmp(__exp, __seen) _t 0)) {				\
		__th_report_str(_metadata, __FILE__, __LINE__,		\
				#_expected, __exp, #_t, #_seen, __seen); \
		_metadata->exit_code = KSFT_FAIL;			\
		_metadata->trigger = 1;					\
	}								\
	} while (0); OPTIONAL_HANDLER(_assert)

#endif /* IOU_KSELFTEST_HARNESS_H */
